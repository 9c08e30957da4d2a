//! Shortage: the cumulative shortage with the total's interval at the end, over the daily one.

use super::context::{Ctx, MAIN_HEIGHT, PERCENTILE_BAND, SECOND_HEIGHT};
use super::series::{all_zero, banded, cumulative, plain};
use crate::plots::chart::{
    Chart, ChartKind, Dash, LineStyle, Marker, Panel, Whisker, YFormat, okabe_ito,
};
use crate::plots::format::{date_of, long_date};
use crate::results::Measure;

pub(super) const SHORT: LineStyle =
    LineStyle::new(okabe_ito::VERMILLION, Dash::Solid, Marker::None);

pub(super) fn shortage(c: &Ctx) -> Chart {
    let unmet = c.stat(Measure::Unmet);
    let v = c.variant();
    let days = v.days();
    let (total_label, daily_label, kpi) = if c.durable() {
        (
            format!("patient-days without a {}, cumulative", c.product.unit),
            format!("patients without a {}", c.product.unit),
            "patient_days_without_device",
        )
    } else {
        (
            format!("{} short, cumulative", c.units()),
            format!("{} short per day", c.units()),
            "shortage",
        )
    };
    let mut top = Panel::new(total_label, YFormat::Count, MAIN_HEIGHT);
    top.series.push(plain(
        "Cumulative shortage, mean",
        SHORT,
        cumulative(&unmet.mean),
    ));
    if let Some(k) = v.kpi(&c.product.id, c.place, kpi) {
        top.whiskers.push(Whisker {
            label: format!(
                "Total by {}: 5th–95th percentile",
                long_date(date_of(v.start_date(), days - 1))
            ),
            colour: okabe_ito::BLACK,
            at: days - 1,
            low: k.p5,
            mid: k.mean,
            high: k.p95,
        });
    }
    let mut bottom = Panel::new(daily_label, YFormat::Count, SECOND_HEIGHT);
    let daily = if c.durable() {
        format!("Patients without a {}", c.product.unit)
    } else {
        "Daily shortage".to_string()
    };
    bottom.series.push(banded(&daily, SHORT, unmet));
    if all_zero(&unmet.p95) && all_zero(&unmet.mean) {
        top.note = Some(format!(
            "No shortage in any of the {} replications",
            v.manifest.replications
        ));
    }
    let what = if c.durable() {
        format!("patient-days without a {}", c.product.unit)
    } else {
        "shortage (demand not met)".to_string()
    };
    c.chart(
        ChartKind::Shortage,
        &what,
        PERCENTILE_BAND,
        vec![top.fit(), bottom.fit()],
    )
}
