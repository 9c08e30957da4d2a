//! Patients in care by severity class, per place (national total and each region of interest
//! with a census): the census that drives the hospitals' demand, read from `census.csv`.

use super::context::{MAIN_HEIGHT, PERCENTILE_BAND};
use super::series::{all_zero, banded};
use crate::plots::chart::{
    Chart, ChartKind, Dash, LineStyle, Marker, Panel, XAxis, YFormat, okabe_ito, variant_style,
};
use crate::plots::data::ScenarioData;
use crate::plots::format::{date_axis_title, file_safe, place};

/// The severity classes as charted, in census order.
const CLASSES: [(&str, LineStyle); 4] = [
    (
        "Mild",
        LineStyle::new(okabe_ito::SKY_BLUE, Dash::Solid, Marker::None),
    ),
    (
        "Moderate",
        LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::Solid, Marker::None),
    ),
    (
        "Severe",
        LineStyle::new(okabe_ito::ORANGE, Dash::Solid, Marker::None),
    ),
    (
        "Critical",
        LineStyle::new(okabe_ito::VERMILLION, Dash::Solid, Marker::None),
    ),
];

/// The census charts of variant `index`: the national total, then the regions of interest
/// (places without patients in any replication have none).
pub fn census_charts(scenario: &ScenarioData, index: usize) -> Vec<Chart> {
    let v = &scenario.variants[index];
    let mut out = Vec::new();
    for p in v.places() {
        let Some(stats) = v.census.get(&p) else {
            continue;
        };
        if stats.iter().all(|s| all_zero(&s.p95)) {
            continue;
        }
        let mut panel = Panel::new("patients in care", YFormat::Count, MAIN_HEIGHT);
        for ((label, style), stat) in CLASSES.iter().zip(stats) {
            panel.series.push(banded(label, *style, stat));
        }
        out.push(Chart {
            kind: ChartKind::Census,
            product: String::new(),
            place: p.clone(),
            variant: Some(v.name().to_string()),
            file_stem: format!("{}-{}", ChartKind::Census.slug(), file_safe(&p)),
            title: format!("{}: patients in care by severity", place(&p)),
            subtitle: format!(
                "Scenario {}, variant {} · {} replications · {PERCENTILE_BAND}",
                scenario.name,
                v.name(),
                v.manifest.replications
            ),
            tag: Some((
                format!("Variant: {}", v.name()),
                variant_style(index).colour,
            )),
            x_axis: XAxis::Dates {
                start: v.start_date(),
                days: v.days(),
            },
            x_label: date_axis_title(v.start_date(), v.days()),
            panels: vec![panel.fit()],
        });
    }
    out
}
