//! Supply versus demand: need (where conservation cut it to a lower demand), demand, what was
//! used and what was available, with the shortage shaded between; for a durable, patients
//! needing one against the fleet.

use super::context::{Ctx, MAIN_HEIGHT, PERCENTILE_BAND};
use super::series::{banded, plain};
use crate::plots::chart::{
    Chart, ChartKind, Dash, Fill, LineStyle, Marker, Panel, YFormat, okabe_ito,
};
use crate::results::Measure;

const NEED: LineStyle = LineStyle::new(okabe_ito::REDDISH_PURPLE, Dash::Dotted, Marker::None);
const DEMAND: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Dashed, Marker::None);
const USED: LineStyle = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::None);
const AVAILABLE: LineStyle =
    LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::LongDash, Marker::Circle);
const AVAILABLE_FLEET: LineStyle =
    LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::Solid, Marker::Circle);

/// Supply on hand more than this many times the demand goes off the top of the supply-versus-
/// demand chart, so that demand and shortage stay readable.
const OFF_SCALE_RATIO: f64 = 2.5;

/// The available-supply line of the supply-versus-demand chart.
const AVAILABLE_LABEL: &str = "Available at hospitals (stock + used)";

pub(super) fn supply_vs_demand(c: &Ctx) -> Chart {
    let need = c.stat(Measure::Need);
    let demand = c.stat(Measure::Demand);
    let used = c.stat(Measure::Delivered);
    let hospital = c.stat(Measure::OnHandHospital);
    let units = c.units();
    let mut panel;
    let what;
    if c.durable() {
        what = format!("patients needing a {} vs the fleet", c.product.unit);
        panel = Panel::new(format!("patients, or {units}"), YFormat::Count, MAIN_HEIGHT);
        panel.fills.push(Fill {
            label: format!("Patients without a {}", c.product.unit),
            colour: okabe_ito::VERMILLION,
            low: used.mean.clone(),
            high: demand.mean.clone(),
        });
        panel.series.push(banded(
            &format!("Patients needing a {}", c.product.unit),
            DEMAND,
            demand,
        ));
        let fleet = format!("Fleet at hospitals ({units})");
        panel.series.push(banded(&fleet, AVAILABLE_FLEET, hospital));
        // The fleet is always drawn whole: against the census it is the answer itself.
        panel = panel.fit();
    } else {
        what = "demand vs supply".to_string();
        panel = Panel::new(format!("{units} per day"), YFormat::Count, MAIN_HEIGHT);
        panel.fills.push(Fill {
            label: "Shortage (demand not met)".into(),
            colour: okabe_ito::VERMILLION,
            low: used.mean.clone(),
            high: demand.mean.clone(),
        });
        // Need is drawn only where conservation made it differ from demand: otherwise the two
        // lines coincide.
        let conserved = need.mean.iter().zip(&demand.mean).any(|(n, d)| n > d);
        if conserved {
            panel.fills.push(Fill {
                label: "Cut by conservation (need not asked for)".into(),
                colour: okabe_ito::REDDISH_PURPLE,
                low: demand.mean.clone(),
                high: need.mean.clone(),
            });
            panel
                .series
                .push(banded("Need (normal burn rates)", NEED, need));
        }
        panel
            .series
            .push(banded("Demand (after conservation)", DEMAND, demand));
        panel.series.push(banded("Used (demand met)", USED, used));
        let available: Vec<f64> = hospital
            .mean
            .iter()
            .zip(&used.mean)
            .map(|(h, u)| h + u)
            .collect();
        panel
            .series
            .push(plain(AVAILABLE_LABEL, AVAILABLE, available));
        let core = peak(&[&need.p95, &demand.p95, &used.p95]);
        panel = panel.focus(core, AVAILABLE_LABEL, OFF_SCALE_RATIO);
    }
    c.chart(ChartKind::SupplyDemand, &what, PERCENTILE_BAND, vec![panel])
}

/// The largest finite value of some series.
fn peak(series: &[&Vec<f64>]) -> f64 {
    series
        .iter()
        .flat_map(|s| s.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}
