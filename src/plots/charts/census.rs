//! Patients in care by severity class, per place (national total and each region of interest
//! with a census): the census that drives the hospitals' demand, read from `census.csv`.

use super::context::{MAIN_HEIGHT, PERCENTILE_BAND, variant_chart};
use super::series::{all_zero, banded};
use crate::plots::chart::{Chart, ChartKind, Dash, LineStyle, Marker, Panel, YFormat, okabe_ito};
use crate::plots::data::ScenarioData;
use crate::plots::format::{file_safe, place};

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
        let kind = ChartKind::Census;
        let mut chart = variant_chart(scenario, index, kind, PERCENTILE_BAND, vec![panel.fit()]);
        chart.place = p.clone();
        chart.file_stem = format!("{}-{}", kind.slug(), file_safe(&p));
        chart.title = format!("{}: patients in care by severity", place(&p));
        out.push(chart);
    }
    out
}
