//! The verdict of `medsupply check`, as `--json` writes it: a stable schema for dashboards.
//! Bump [`CHECK_SCHEMA_VERSION`] on any change a reader would notice.

use serde::{Deserialize, Serialize};

/// Version of the check report schema.
pub const CHECK_SCHEMA_VERSION: u32 = 1;

/// How results are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The result files are byte-identical (same seed, scenario and version).
    Exact,
    /// Each KPI's mean moves by at most `atol + rtol × |baseline|`.
    Tolerance,
    /// A KPI fails when the Welch interval of the difference of means excludes zero and the
    /// difference exceeds the practical threshold `atol + rtol × |baseline|`. The intervals
    /// hold the chosen level jointly over every KPI tested (Bonferroni). A variant with fewer
    /// than 2 replications on a side has no intervals and is compared as in tolerance mode.
    Statistical,
}

impl Mode {
    /// Every mode, by name, as `--mode` takes it.
    pub const NAMES: [&'static str; 3] = ["exact", "tolerance", "statistical"];
}

impl std::str::FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Mode, String> {
        match s {
            "exact" => Ok(Mode::Exact),
            "tolerance" => Ok(Mode::Tolerance),
            "statistical" => Ok(Mode::Statistical),
            _ => Err(format!(
                "unknown mode `{s}` (one of {})",
                Mode::NAMES.join(", ")
            )),
        }
    }
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Everything within bounds (exit code 0).
    Pass,
    /// Something moved beyond its bound (exit code 1).
    Regression,
    /// The comparison is not possible (exit code 2); `reason` says why.
    Incomparable,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// [`CHECK_SCHEMA_VERSION`].
    pub check_schema_version: u32,
    /// Program version that checked.
    pub medsupply_version: String,
    /// The outcome.
    pub verdict: Verdict,
    /// Why the comparison was impossible (only for [`Verdict::Incomparable`]).
    pub reason: Option<String>,
    /// Comparison mode.
    pub mode: Mode,
    /// Statistical mode: the family-wise confidence level asked for (`--level`).
    pub level: Option<f64>,
    /// Statistical mode: the level of each Welch interval, `1 − (1 − level) / m` over the `m`
    /// KPIs tested (Bonferroni), so that a run differing from its baseline only by noise fails
    /// with probability at most `1 − level`.
    pub comparison_level: Option<f64>,
    /// The run directory as given.
    pub run: String,
    /// The baseline directory as given.
    pub baseline: String,
    /// Comparisons made: files in exact mode, KPIs otherwise.
    pub compared: usize,
    /// Comparisons outside their bounds.
    pub failed: usize,
    /// Per compared variant: provenance changes and differing files.
    pub variants: Vec<VariantCheck>,
    /// What moved beyond its bound, largest relative change first. In exact mode: every KPI
    /// whose mean changed at all.
    pub regressions: Vec<Finding>,
    /// Remarks that do not change the verdict (variants without baseline, rules that matched
    /// nothing, KPIs that could not be tested).
    pub notes: Vec<String>,
}

/// One baseline variant compared with one run variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantCheck {
    /// Scenario name.
    pub scenario: String,
    /// The run's variant.
    pub variant: String,
    /// The baseline's variant (the same unless two variant directories were compared).
    pub baseline_variant: String,
    /// The run's variant directory.
    pub run_dir: String,
    /// The baseline's variant directory.
    pub baseline_dir: String,
    /// What changed in the provenance (reported, never a failure by itself).
    pub provenance_changes: Vec<ProvenanceChange>,
    /// Result files that are not byte-identical (exact mode only).
    pub files_differing: Vec<FileDifference>,
}

/// A provenance field that differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceChange {
    /// Field of `manifest.json` (`scenario_hash`, `variant`, `version`, `seed`, ...).
    pub field: String,
    /// The baseline's value.
    pub baseline: String,
    /// The run's value.
    pub now: String,
}

/// A result file that differs, and where first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileDifference {
    /// File name.
    pub file: String,
    /// 1-based line of the first difference.
    pub line: usize,
    /// For a CSV file, the column of the first differing field on that line.
    pub column: Option<String>,
    /// The baseline's line there (None past its end).
    pub baseline_line: Option<String>,
    /// The run's line there (None past its end).
    pub now_line: Option<String>,
}

/// One KPI outside its bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Scenario name.
    pub scenario: String,
    /// The run's variant.
    pub variant: String,
    /// KPI (a column of `replications.csv`, or `p_<event>` for a probability).
    pub kpi: String,
    /// Product.
    pub product: String,
    /// Region or `national`.
    pub region: String,
    /// The baseline's mean across replications (None: undefined in every replication).
    pub baseline: Option<f64>,
    /// The run's mean (None: undefined in every replication).
    pub now: Option<f64>,
    /// `now − baseline` (None when either is undefined).
    pub difference: Option<f64>,
    /// `difference / |baseline|` (None when undefined or the baseline is 0).
    pub relative_difference: Option<f64>,
    /// The movement allowed: the bound in tolerance mode, the practical threshold in
    /// statistical mode, 0 in exact mode.
    pub allowed: f64,
    /// Statistical mode: the Welch interval of the difference at `comparison_level`.
    pub interval: Option<[f64; 2]>,
}
