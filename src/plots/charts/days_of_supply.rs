//! The days-of-supply panel of the stock chart: stock at hospitals, and all stock including
//! what is in transit, over the trailing week's mean daily demand.

use super::context::{Ctx, SECOND_HEIGHT};
use super::series::{plain, trailing_mean};
use super::stock::HOSPITAL;
use crate::plots::chart::{Dash, LineStyle, Marker, Panel, YFormat, okabe_ito};
use crate::results::Measure;

/// Days of supply above this are drawn at it.
pub const DAYS_OF_SUPPLY_CAP: f64 = 60.0;

/// Days of demand averaged for days of supply.
const DEMAND_WINDOW: usize = 7;

const PIPELINE: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Dashed, Marker::None);

/// Stock ÷ mean daily demand over the trailing week, capped; NaN while there is no demand.
fn days_of_supply_series(stock: &[f64], demand: &[f64]) -> (Vec<f64>, bool) {
    let mut capped = false;
    let v = stock
        .iter()
        .zip(trailing_mean(demand, DEMAND_WINDOW))
        .map(|(s, rate)| {
            if rate <= 0.0 {
                return f64::NAN;
            }
            let x = s / rate;
            if x > DAYS_OF_SUPPLY_CAP {
                capped = true;
                DAYS_OF_SUPPLY_CAP
            } else {
                x
            }
        })
        .collect();
    (v, capped)
}

pub(super) fn days_of_supply(c: &Ctx) -> Panel {
    let demand = &c.stat(Measure::Demand).mean;
    let hospital = &c.stat(Measure::OnHandHospital).mean;
    let pipeline: Vec<f64> = (0..hospital.len())
        .map(|d| {
            [
                Measure::OnHandHospital,
                Measure::OnHandWarehouse,
                Measure::OnHandFactory,
                Measure::InTransit,
                Measure::Sterilising,
            ]
            .iter()
            .map(|&m| c.stat(m).mean[d])
            .sum()
        })
        .collect();
    let (h, capped_h) = days_of_supply_series(hospital, demand);
    let (p, capped_p) = days_of_supply_series(&pipeline, demand);
    let label = if capped_h || capped_p {
        format!("days of supply (capped at {DAYS_OF_SUPPLY_CAP:.0})")
    } else {
        "days of supply".to_string()
    };
    let mut panel = Panel::new(label, YFormat::Days, SECOND_HEIGHT);
    panel
        .series
        .push(plain("Days of supply at hospitals", HOSPITAL, h));
    panel.series.push(plain(
        "Days of supply, all stock incl. in transit",
        PIPELINE,
        p,
    ));
    if panel.values().next().is_none() {
        panel.note = Some("No demand: days of supply undefined".into());
    }
    let mut panel = panel.fit();
    if capped_h || capped_p {
        panel.y_range = (0.0, DAYS_OF_SUPPLY_CAP);
    }
    panel
}
