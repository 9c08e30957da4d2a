//! Helpers for unit tests: build models from TOML snippets and total up results.

use crate::model::Model;
use crate::results::{Measure, Replication};

/// `[scenario]` plus deterministic risk levels (no delays, no outbreaks, everyone back at work)
/// for a horizon of `days`.
pub fn prelude(days: u32) -> String {
    format!(
        r#"
[scenario]
name = "unit"
start_date = "2020-01-24"
days = {days}
seed = 1
replications = 1

[workers]
initial_share = 1.0

{RISK_LEVELS}
"#
    )
}

/// Risk levels with no randomness: restart at once, full workforce, no checkpoint wait.
pub const RISK_LEVELS: &str = r#"
[risk_levels.low]
restart_days_large = { dist = "fixed", value = 0 }
restart_days_sme = { dist = "fixed", value = 0 }
worker_return_rate = 0.0
worker_ceiling = 1.0
checkpoint_hours = { dist = "fixed", value = 0 }

[risk_levels.medium]
restart_days_large = { dist = "fixed", value = 0 }
restart_days_sme = { dist = "fixed", value = 0 }
worker_return_rate = 0.0
worker_ceiling = 1.0
checkpoint_hours = { dist = "fixed", value = 0 }

[risk_levels.high]
restart_days_large = { dist = "fixed", value = 0 }
restart_days_sme = { dist = "fixed", value = 0 }
worker_return_rate = 0.0
worker_ceiling = 1.0
checkpoint_hours = { dist = "fixed", value = 0 }
"#;

/// Builds the base model of a scenario text; panics with the diagnostics if it is invalid.
pub fn model(toml: &str) -> Model {
    variant(toml, None)
}

/// Builds a variant's model of a scenario text.
pub fn variant(toml: &str, name: Option<&str>) -> Model {
    with_files(toml, name, &[])
}

/// Builds a variant's model of a scenario text with CSV files beside it.
pub fn with_files(toml: &str, name: Option<&str>, files: &[(&str, &str)]) -> Model {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("unit.toml");
    std::fs::write(&path, toml).expect("write scenario");
    for (f, content) in files {
        std::fs::write(dir.path().join(f), content).expect("write csv");
    }
    let file = crate::scenario::ScenarioFile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    crate::model::build::build(&file, name).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs replication `rep` with seed 1.
pub fn run(m: &Model, rep: u32) -> Replication {
    crate::engine::run_replication(&crate::engine::RunContext::new(m), 1, rep)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Index of an item by name.
pub fn item(m: &Model, id: &str) -> usize {
    m.items
        .iter()
        .position(|i| i.id == id)
        .expect("item exists")
}

/// Index of a region by name.
pub fn region(m: &Model, id: &str) -> usize {
    m.regions
        .iter()
        .position(|r| r.id == id)
        .expect("region exists")
}

/// Sum of a measure over all days.
pub fn total(r: &Replication, item: usize, slot: usize, m: Measure) -> f64 {
    (0..r.days).map(|d| r.get(d, item, slot, m)).sum()
}

/// A measure's daily series.
pub fn series(r: &Replication, item: usize, slot: usize, m: Measure) -> Vec<f64> {
    (0..r.days).map(|d| r.get(d, item, slot, m)).collect()
}

/// A two-region chain: a mask factory in low-risk region A (`rate` masks/day, melt-blown
/// `meltblown` g in stock, 1 g per mask) ships by dispatch over a 1-day link to a hospital in
/// region B with a constant direct demand of `demand` masks/day and `stock` masks on hand.
/// `extra` is appended (links, policies, overrides).
pub fn chain(
    days: u32,
    rate: u32,
    meltblown: u64,
    demand: u32,
    stock: u64,
    extra: &str,
) -> (String, String) {
    let toml = format!(
        r#"{prelude}
[[region]]
id = "A"
risk = [{{ day = 0, level = "low" }}]

[[region]]
id = "B"
risk = [{{ day = 0, level = "high" }}]

[[material]]
id = "meltblown"
units_per_truck = 1e9

[[product]]
id = "mask"
kind = "consumable"
units_per_truck = 1e9
bom = {{ meltblown = 1 }}

[[node]]
id = "factory"
kind = "factory"
region = "A"
stock = {{ meltblown = {meltblown} }}
lines = [{{ item = "mask", lines = 1, rate_per_line = {rate} }}]

[[node]]
id = "hospital"
kind = "hospital"
region = "B"
stock = {{ mask = {stock} }}
demand = [{{ product = "mask", csv = "demand.csv", column = "mask" }}]

[[link]]
id = "road"
from = "factory"
to = "hospital"
lead_time_days = {{ dist = "fixed", value = 1 }}

[dispatch]
rule = "proportional"
products = ["mask"]
sources = ["factory"]
cover_days = 1000
decision_delay_hours = 0.0167
{extra}
"#,
        prelude = prelude(days)
    );
    let csv: String = std::iter::once("day,mask\n".to_string())
        .chain((0..days).map(|d| format!("{d},{demand}\n")))
        .collect();
    (toml, csv)
}

/// `chain`'s `extra` for a second product: N95 at 3 g of melt-blown, made by no line yet and
/// demanded nowhere.
pub const N95: &str = "[[product]]\nid = \"n95\"\nkind = \"consumable\"\nunits_per_truck = 1e9\nbom = { meltblown = 3 }\ndemanded = false\n";

/// Builds the model of [`chain`].
pub fn chain_model(
    days: u32,
    rate: u32,
    meltblown: u64,
    demand: u32,
    stock: u64,
    extra: &str,
) -> Model {
    let (toml, csv) = chain(days, rate, meltblown, demand, stock, extra);
    with_files(&toml, None, &[("demand.csv", &csv)])
}
