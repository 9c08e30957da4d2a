//! The charts a planner reads, built as data from a run's saved outputs: per variant, product
//! and place (national total and each region of interest) supply versus demand, shortage,
//! stock and days of supply, production against capacity, and P(stockout by day); across
//! variants, demand met under each; for a sweep, a KPI against the swept parameter; for a
//! calibration, the fit to observed figures and the forecast (`fit`).
//!
//! One file per chart: `supply_demand`, `shortage`, `stock` (with its `days_of_supply`
//! panel), `production` and `stockout` per variant and product, `census` (patients in care by
//! severity) per variant, `overlay` across variants, `sweep` for a
//! sweep; `context` holds what a per-variant chart knows of its product and place, `series`
//! the helpers that turn statistics into lines.

mod census;
mod context;
mod days_of_supply;
mod fit;
mod overlay;
mod production;
mod series;
mod shortage;
mod stock;
mod stockout;
mod supply_demand;
mod sweep;

#[cfg(test)]
pub(crate) mod tests;

pub use census::census_charts;
pub(crate) use context::replications;
pub use days_of_supply::DAYS_OF_SUPPLY_CAP;
pub use fit::{FitData, FitSeries, Observed, fit_chart, fit_stem};
pub use overlay::overlay_charts;
pub use sweep::sweep_charts;

use crate::plots::chart::Chart;
use crate::plots::data::ScenarioData;
use context::Ctx;
use production::production;
use shortage::shortage;
use stock::stock;
use stockout::stockout;
use supply_demand::supply_vs_demand;

/// Every chart of variant `index`: per product, national total then regions of interest; then
/// the census of each place.
pub fn variant_charts(scenario: &ScenarioData, index: usize) -> Vec<Chart> {
    let v = &scenario.variants[index];
    let mut out = Vec::new();
    for product in &v.manifest.products {
        for p in v.places() {
            let Some(daily) = v.series(&product.id, &p) else {
                continue;
            };
            let c = Ctx {
                scenario,
                index,
                product,
                place: &p,
                daily,
            };
            out.push(supply_vs_demand(&c));
            out.push(shortage(&c));
            out.push(stock(&c));
            out.extend(production(&c));
            out.push(stockout(&c));
        }
    }
    out.extend(census_charts(scenario, index));
    out
}
