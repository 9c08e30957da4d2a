//! The probability of a stockout on or before each day, with its Wilson interval.

use super::context::{Ctx, MAIN_HEIGHT};
use super::series::all_zero;
use super::shortage::SHORT;
use crate::plots::chart::{Chart, ChartKind, Panel, Series, YFormat};

pub(super) fn stockout(c: &Ctx) -> Chart {
    let s = &c.daily.stockout;
    let mut panel = Panel::new("probability of a stockout", YFormat::Percent, MAIN_HEIGHT);
    panel.series.push(Series {
        label: "P(stockout on or before the day)".into(),
        style: SHORT,
        values: s.mean.clone(),
        band: Some((s.p5.clone(), s.p95.clone())),
    });
    if all_zero(&s.mean) {
        panel.note = Some(format!(
            "No stockout in any of the {} replications",
            c.variant().manifest.replications
        ));
    }
    c.chart(
        ChartKind::Stockout,
        "probability of a stockout by each day",
        "line: share of replications with unmet demand so far, shading: Wilson 95 % interval",
        vec![panel.fit()],
    )
}
