//! A sweep's KPI against the swept parameter, with 95 % confidence intervals.

use super::context::{MAIN_HEIGHT, NO_BAND, replications};
use super::series::plain;
use crate::plots::chart::{Chart, ChartKind, Panel, Whisker, XAxis, YFormat, variant_style};
use crate::plots::data::ScenarioData;
use crate::plots::format::{
    NATIONAL, file_safe, kpi_format, kpi_words, place, plural, product_name,
};

/// Per product, the sweep's KPI in the national total against the first swept parameter:
/// the mean at each value with its 95 % confidence interval as a bar. With several swept
/// parameters, one line per combination of the others' values (empty without a sweep).
pub fn sweep_charts(scenario: &ScenarioData) -> Vec<Chart> {
    let Some(sweep) = &scenario.sweep else {
        return Vec::new();
    };
    let Some(x_param) = sweep.parameters.first() else {
        return Vec::new();
    };
    let mut xs: Vec<String> = Vec::new();
    let mut lines: Vec<&[String]> = Vec::new();
    for p in &sweep.points {
        if !xs.contains(&p[0]) {
            xs.push(p[0].clone());
        }
        if !lines.contains(&&p[1..]) {
            lines.push(&p[1..]);
        }
    }
    let axis = XAxis::points(&xs);
    let format = kpi_format(&sweep.kpi);
    let what = kpi_words(&sweep.kpi);
    let reps = scenario.variants[0].manifest.replications;
    let mut out = Vec::new();
    for product in scenario.products() {
        let y_label = match format {
            YFormat::Percent => what.clone(),
            YFormat::Days => format!("{what} (days)"),
            YFormat::Count if sweep.kpi == "patient_days_without_device" => what.clone(),
            YFormat::Count => format!("{what} ({})", plural(&product.unit)),
        };
        let mut panel = Panel::new(y_label, format, MAIN_HEIGHT);
        for (k, others) in lines.iter().enumerate() {
            let style = variant_style(k);
            let mut values = vec![f64::NAN; axis.len()];
            for r in sweep.rows.iter().filter(|r| {
                r.product == product.id && r.region == NATIONAL && r.values[1..] == **others
            }) {
                let Some(i) = axis.index_of(&r.values[0]) else {
                    continue;
                };
                values[i] = r.mean;
                // No bar where the interval is undefined (one replication).
                if let Some((low, high)) = r.ci95_low.zip(r.ci95_high) {
                    panel.whiskers.push(Whisker {
                        label: String::new(),
                        colour: style.colour,
                        at: i,
                        low,
                        mid: r.mean,
                        high,
                    });
                }
            }
            let label = if others.is_empty() {
                "Mean with its 95 % confidence interval".to_string()
            } else {
                sweep.parameters[1..]
                    .iter()
                    .zip(others.iter())
                    .map(|(p, v)| format!("{p} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            panel.series.push(plain(&label, style, values));
        }
        if panel.values().next().is_none() {
            panel.note = Some(format!("No values: {what} is undefined at every point"));
        }
        out.push(Chart {
            kind: ChartKind::Sweep,
            product: product.id.clone(),
            place: NATIONAL.to_string(),
            variant: None,
            file_stem: format!("{}-{NATIONAL}-sweep", file_safe(&product.id)),
            title: format!(
                "{}, {}: {what} by {x_param}",
                product_name(&product.id),
                place(NATIONAL)
            ),
            subtitle: format!(
                "Scenario {} · sweep of {} points, {} each · {}",
                scenario.name,
                sweep.points.len(),
                replications(reps),
                if reps < 2 {
                    NO_BAND
                } else {
                    "dots: mean, bars: 95 % confidence interval of the mean"
                }
            ),
            tag: None,
            x_axis: axis.clone(),
            x_label: x_param.clone(),
            panels: vec![panel.fit()],
            map: None,
        });
    }
    out
}
