//! The machine-readable output types, kept apart as a stable schema. Bump
//! [`SCHEMA_VERSION`] on any change a reader would notice.
//!
//! How exact the percentiles are:
//!
//! - `summary.json` ([`KpiSummary`]) and `sweep.csv`: `p5`, `p50` and `p95` of a KPI are exact
//!   (Hyndman and Fan's type 8 over every replication's value; the KPIs of each replication
//!   are kept).
//! - `timeseries.csv` (`<measure>_p5`, `<measure>_p95`), `census.csv` (`p5`, `p95`) and
//!   `weekly.csv` (`fill_rate_p5`, `fill_rate_p95`): the daily series are folded as replications finish and not kept, so
//!   these come from a quantile sketch ([`crate::stats::sketch`]): the same type-8
//!   interpolation, with each of the two order statistics it interpolates between within
//!   [`RELATIVE_ACCURACY`] (1/201, under 0.5 %) of its exact value. An order statistic is exact
//!   when it is the smallest or largest value (so with 12 replications or fewer P5 and P95,
//!   the smallest and largest, are exact), when the cell's values are all equal, and when they
//!   are whole numbers below 100. Means, standard deviations, confidence intervals and probabilities are not affected:
//!   means are sums in replication order, as before.

#[cfg(doc)]
use crate::stats::sketch::RELATIVE_ACCURACY;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the output schema (2: the manifest names the regions of interest and products;
/// 3: need and received measures and KPIs, `census.csv`, and confidence intervals `null` where
/// undefined, with fewer than 2 replications; 4: the `transport_cost` and `tolls_waived` KPIs;
/// 5: `flows.csv`).
pub const SCHEMA_VERSION: u32 = 5;

/// The columns of `census.csv`: one row per day, region (or `national`) and severity class
/// (`mild`, `moderate`, `severe`, `critical`), patients in care as mean, P5 and P95 across
/// replications.
pub const CENSUS_COLUMNS: [&str; 7] = ["day", "date", "region", "severity", "mean", "p5", "p95"];

/// `manifest.json`: provenance only, nothing that changes from run to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Output schema version.
    pub schema_version: u32,
    /// `medsupply`.
    pub program: String,
    /// Program version.
    pub version: String,
    /// Scenario name.
    pub scenario: String,
    /// Variant name.
    pub variant: String,
    /// SHA-256 of the scenario text and the CSV files it reads.
    pub scenario_hash: String,
    /// Base seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Random generator and stream keying.
    pub generator: String,
    /// Calendar date of day 0.
    pub start_date: String,
    /// Horizon in days.
    pub days: u32,
    /// Ticks per day.
    pub ticks_per_day: i64,
    /// Regions shown on their own in plots and reports, in scenario order.
    #[serde(default)]
    pub regions_of_interest: Vec<String>,
    /// The products (materials excluded), in scenario order.
    #[serde(default)]
    pub products: Vec<ProductInfo>,
    /// SHA-256 (lowercase hex) of each result file of the variant, written before this
    /// manifest, by file name; `check`, `plot` and `baseline` verify them. Empty in manifests
    /// written before hashes were recorded (then nothing is verified).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, String>,
}

/// A product as plots and reports need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductInfo {
    /// Product id.
    pub id: String,
    /// Unit of measure, singular (`mask`).
    pub unit: String,
    /// `consumable` or `durable`.
    pub kind: String,
}

/// A KPI across replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiSummary {
    /// Product.
    pub product: String,
    /// Region or `national`.
    pub region: String,
    /// KPI name.
    pub kpi: String,
    /// Replications where it is defined.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// 95 % CI of the mean, low (`null` when n < 2: undefined).
    pub ci95_low: Option<f64>,
    /// 95 % CI of the mean, high (`null` when n < 2).
    pub ci95_high: Option<f64>,
    /// 5th percentile (exact).
    pub p5: f64,
    /// Median (exact).
    pub p50: f64,
    /// 95th percentile (exact).
    pub p95: f64,
}

/// A probability across replications with its Wilson interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbabilitySummary {
    /// Product.
    pub product: String,
    /// Region or `national`.
    pub region: String,
    /// What happened, e.g. `stockout_by_end`.
    pub event: String,
    /// Replications where it happened.
    pub successes: usize,
    /// Replications.
    pub n: usize,
    /// Estimate.
    pub p: f64,
    /// Wilson 95 % interval, low.
    pub wilson_low: f64,
    /// Wilson 95 % interval, high.
    pub wilson_high: f64,
}

/// `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Output schema version.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Variant name.
    pub variant: String,
    /// Replications.
    pub replications: usize,
    /// KPIs.
    pub kpis: Vec<KpiSummary>,
    /// Probabilities.
    pub probabilities: Vec<ProbabilitySummary>,
}

/// `sweep.json`, beside `sweep.csv`: the swept parameters and the KPI the sweep chart draws,
/// so that `medsupply plot` redraws the same chart from the saved files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepInfo {
    /// Output schema version.
    pub schema_version: u32,
    /// The swept parameters (dotted paths), as the columns of `sweep.csv`; the first is the
    /// chart's x axis.
    pub parameters: Vec<String>,
    /// The KPI drawn (one of `KPI_NAMES`).
    pub plot_kpi: String,
}
