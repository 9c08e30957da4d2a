//! Across variants: demand met under each, one colour per variant.

use super::context::MAIN_HEIGHT;
use super::series::{plain, trailing_mean};
use crate::output::schema::ProductInfo;
use crate::plots::chart::{
    Chart, ChartKind, Dash, LineStyle, Marker, Panel, Series, XAxis, YFormat, okabe_ito,
    variant_style,
};
use crate::plots::data::{Daily, ScenarioData, VariantData};
use crate::plots::format::{date_axis_title, file_safe, place, plural, product_name};
use crate::results::Measure;

/// Days in the trailing average of the variant overlays.
const SMOOTHING_DAYS: usize = 7;

/// One chart per product and place overlaying the variants' demand met (empty with one variant).
pub fn overlay_charts(scenario: &ScenarioData) -> Vec<Chart> {
    if scenario.variants.len() < 2 {
        return Vec::new();
    }
    let first = &scenario.variants[0];
    let mut out = Vec::new();
    for product in scenario.products() {
        for p in first.places() {
            if let Some(c) = overlay(scenario, product, &p) {
                out.push(c);
            }
        }
    }
    out
}

fn overlay(scenario: &ScenarioData, product: &ProductInfo, p: &str) -> Option<Chart> {
    let runs: Vec<(usize, &VariantData, &Daily)> = scenario
        .variants
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.series(&product.id, p).map(|d| (i, v, d)))
        .collect();
    if runs.len() < 2 {
        return None;
    }
    let durable = product.kind == "durable";
    let units = plural(&product.unit);
    let (y_label, met) = if durable {
        (format!("patients, or {units}"), format!("{units} in use"))
    } else {
        (
            format!("{units} per day, {SMOOTHING_DAYS}-day average"),
            "used (demand met)".to_string(),
        )
    };
    // Daily flows zig-zag with deliveries; their weekly average lets variants be told apart.
    // Bands are left to each variant's own charts: several overlapping would hide the lines.
    let smooth = |v: &[f64]| {
        if durable {
            v.to_vec()
        } else {
            trailing_mean(v, SMOOTHING_DAYS)
        }
    };
    let mut panel = Panel::new(y_label, YFormat::Count, MAIN_HEIGHT + 60);
    let demand0 = &runs[0].2.get(Measure::Demand).mean;
    let scale = demand0.iter().fold(0.0_f64, |a, b| a.max(b.abs())).max(1.0);
    let same_demand = runs.iter().all(|(_, _, d)| {
        d.get(Measure::Demand)
            .mean
            .iter()
            .zip(demand0)
            .all(|(a, b)| (a - b).abs() <= 1e-9 * scale)
    });
    let demand_style = LineStyle::new(okabe_ito::BLACK, Dash::Dotted, Marker::None);
    if same_demand {
        panel.series.push(Series {
            label: if durable {
                format!("Patients needing a {} (all variants)", product.unit)
            } else {
                "Demand (all variants)".into()
            },
            style: LineStyle {
                width: 3,
                ..demand_style
            },
            values: smooth(demand0),
            band: None,
        });
    }
    for (i, v, d) in &runs {
        let style = variant_style(*i);
        if !same_demand {
            panel.series.push(plain(
                &format!("{}: demand", v.name()),
                LineStyle {
                    width: 1,
                    dash: Dash::Dotted,
                    ..style
                },
                smooth(&d.get(Measure::Demand).mean),
            ));
        }
        panel.series.push(plain(
            &format!("{}: {met}", v.name()),
            style,
            smooth(&d.get(Measure::Delivered).mean),
        ));
    }
    let first = runs[0].1;
    let reps: Vec<String> = runs
        .iter()
        .map(|(_, v, _)| v.manifest.replications.to_string())
        .collect();
    let reps = if reps.iter().all(|r| *r == reps[0]) {
        format!("{} replications each", reps[0])
    } else {
        format!("{} replications", reps.join("/"))
    };
    Some(Chart {
        kind: ChartKind::VariantOverlay,
        product: product.id.clone(),
        place: p.to_string(),
        variant: None,
        file_stem: format!("{}-{}-variants", file_safe(&product.id), file_safe(p)),
        title: format!(
            "{}, {}: demand met under each variant",
            product_name(&product.id),
            place(p)
        ),
        subtitle: format!(
            "Scenario {} · {} variants, {reps} · lines: {}mean across replications",
            scenario.name,
            runs.len(),
            if durable {
                String::new()
            } else {
                format!("{SMOOTHING_DAYS}-day trailing average of the ")
            }
        ),
        tag: None,
        x_axis: XAxis::Dates {
            start: first.start_date(),
            days: first.days(),
        },
        x_label: date_axis_title(first.start_date(), first.days()),
        panels: vec![panel.fit()],
        map: None,
    })
}
