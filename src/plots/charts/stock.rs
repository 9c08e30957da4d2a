//! Stock by echelon, with the days-of-supply panel below for a consumable.

use super::context::{Ctx, MAIN_HEIGHT, PERCENTILE_BAND};
use super::days_of_supply::days_of_supply;
use super::series::{all_zero, banded, plain};
use crate::plots::chart::{Chart, ChartKind, Dash, LineStyle, Marker, Panel, YFormat, okabe_ito};
use crate::results::Measure;

pub(super) const HOSPITAL: LineStyle = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::None);
const WAREHOUSE: LineStyle = LineStyle::new(okabe_ito::ORANGE, Dash::Dashed, Marker::Triangle);
const FACTORY: LineStyle = LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::Dotted, Marker::Square);
const TRANSIT: LineStyle =
    LineStyle::new(okabe_ito::REDDISH_PURPLE, Dash::LongDash, Marker::Diamond);
const STERILISING: LineStyle = LineStyle::new(okabe_ito::SKY_BLUE, Dash::Dotted, Marker::Circle);

pub(super) fn stock(c: &Ctx) -> Chart {
    let units = c.units();
    let mut top = Panel::new(format!("{units} on hand"), YFormat::Count, MAIN_HEIGHT);
    let hospital_label = if c.durable() {
        "Hospitals (fleet)"
    } else {
        "Hospitals"
    };
    // Only the hospitals' stock carries its band: overlapping bands of several echelons would
    // muddy each other. Echelons holding nothing are named rather than drawn along zero.
    top.series.push(banded(
        hospital_label,
        HOSPITAL,
        c.stat(Measure::OnHandHospital),
    ));
    let mut empty = Vec::new();
    for (label, style, m) in [
        (
            "Warehouses and reserves",
            WAREHOUSE,
            Measure::OnHandWarehouse,
        ),
        ("Factories (shippable)", FACTORY, Measure::OnHandFactory),
        ("In transit", TRANSIT, Measure::InTransit),
        (
            "Awaiting sterilisation release",
            STERILISING,
            Measure::Sterilising,
        ),
    ] {
        let s = c.stat(m);
        if all_zero(&s.p95) && all_zero(&s.mean) {
            empty.push(label.to_lowercase());
        } else {
            top.series.push(plain(label, style, s.mean.clone()));
        }
    }
    if !empty.is_empty() {
        top.remark = Some(format!("None held: {}", empty.join(", ")));
    }
    let mut panels = vec![top.fit()];
    if !c.durable() {
        panels.push(days_of_supply(c));
    }
    let what = if c.durable() {
        format!("{} stock by echelon", c.product.unit)
    } else {
        "stock by echelon and days of supply".to_string()
    };
    c.chart(ChartKind::Stock, &what, PERCENTILE_BAND, panels)
}
