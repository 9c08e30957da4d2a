//! Production against capacity, over the share of workers present.

use super::context::{Ctx, MAIN_HEIGHT, PERCENTILE_BAND, SECOND_HEIGHT};
use super::series::{all_zero, banded};
use crate::plots::chart::{Chart, ChartKind, Dash, LineStyle, Marker, Panel, YFormat, okabe_ito};
use crate::results::Measure;

const CAPACITY: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Dashed, Marker::None);
const PRODUCED: LineStyle = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::None);
const WORKERS: LineStyle = LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::Solid, Marker::None);

pub(super) fn production(c: &Ctx) -> Option<Chart> {
    let capacity = c.stat(Measure::Capacity);
    if all_zero(&capacity.p95) {
        return None;
    }
    let mut top = Panel::new(
        format!("{} per day", c.units()),
        YFormat::Count,
        MAIN_HEIGHT,
    );
    top.series
        .push(banded("Capacity (full workforce)", CAPACITY, capacity));
    top.series.push(banded(
        "Produced (good units)",
        PRODUCED,
        c.stat(Measure::Produced),
    ));
    let mut bottom = Panel::new("workers present", YFormat::Percent, SECOND_HEIGHT);
    bottom.series.push(banded(
        "Workers present (capacity-weighted share)",
        WORKERS,
        c.stat(Measure::WorkersPresent),
    ));
    Some(c.chart(
        ChartKind::Production,
        "production vs capacity",
        PERCENTILE_BAND,
        vec![top.fit(), bottom.fit()],
    ))
}
