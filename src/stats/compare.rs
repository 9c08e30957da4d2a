//! Paired comparison of arms against a baseline: per KPI, product and region, the mean of each
//! side, the mean paired difference with its t-based 95 % interval (Bonferroni-adjusted when
//! several arms are compared), and the correlation the common random numbers achieved. The
//! verdict ([`Paired::verdict`]) reads the adjusted interval, so that comparing several arms
//! does not make a chance "better" more likely; with fewer than 2 pairs there is no interval
//! and no verdict.

use crate::model::Model;
use crate::stats::aggregate::Aggregate;
use crate::stats::kpi::KPI_NAMES;
use crate::stats::{Interval, t_half_width};

/// One comparison row (a row of `comparison.csv` and `comparison.json`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Paired {
    /// The compared arm.
    pub variant: String,
    /// The baseline arm.
    pub baseline: String,
    /// KPI name.
    pub kpi: String,
    /// Product.
    pub product: String,
    /// Region or `national`.
    pub region: String,
    /// Replications where the KPI is defined on both sides.
    pub n: usize,
    /// Mean of the arm.
    pub mean_variant: f64,
    /// Mean of the baseline.
    pub mean_baseline: f64,
    /// Mean paired difference (arm − baseline).
    pub mean_diff: f64,
    /// 95 % interval of the difference, low (None with fewer than 2 pairs: undefined).
    pub ci95_low: Option<f64>,
    /// High.
    pub ci95_high: Option<f64>,
    /// Bonferroni-adjusted interval (family of all compared arms), low; equals the 95 % one
    /// when a single arm is compared (None with fewer than 2 pairs).
    pub adjusted_low: Option<f64>,
    /// High.
    pub adjusted_high: Option<f64>,
    /// Pearson correlation of the paired outputs (None when one side does not vary).
    pub correlation: Option<f64>,
}

/// What a paired difference says of an arm, for a KPI whose better direction is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The adjusted interval excludes zero on the good side.
    Better,
    /// The adjusted interval excludes zero on the bad side.
    Worse,
    /// The adjusted interval holds zero: the runs cannot tell the arms apart.
    NoClearDifference,
    /// Fewer than 2 pairs: no interval, so no verdict.
    NotAvailable,
}

impl Verdict {
    /// The verdict in words, for tables and reports.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Better => "Better",
            Verdict::Worse => "Worse",
            Verdict::NoClearDifference => "no clear difference",
            Verdict::NotAvailable => "n/a: 1 replication",
        }
    }
}

impl Paired {
    /// The 95 % interval of the mean difference (None with fewer than 2 pairs).
    pub fn ci95(&self) -> Option<Interval> {
        let (low, high) = self.ci95_low.zip(self.ci95_high)?;
        Some(Interval { low, high })
    }

    /// The Bonferroni-adjusted interval (None with fewer than 2 pairs).
    pub fn adjusted(&self) -> Option<Interval> {
        let (low, high) = self.adjusted_low.zip(self.adjusted_high)?;
        Some(Interval { low, high })
    }

    /// The verdict on the arm, from the adjusted interval (the 95 % one when a single arm is
    /// compared): better or worse when it excludes zero, by the sign of the difference and
    /// whether `higher_is_better`.
    pub fn verdict(&self, higher_is_better: bool) -> Verdict {
        match self.adjusted() {
            None => Verdict::NotAvailable,
            Some(i) if !i.excludes_zero() => Verdict::NoClearDifference,
            Some(_) if (self.mean_diff > 0.0) == higher_is_better => Verdict::Better,
            Some(_) => Verdict::Worse,
        }
    }
}

/// Mean, sample sd.
fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = if v.len() > 1 {
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    (mean, sd)
}

/// Pearson correlation; None when a side has no variance.
pub fn correlation(a: &[f64], b: &[f64]) -> Option<f64> {
    let ((ma, sa), (mb, sb)) = (mean_sd(a), mean_sd(b));
    if a.len() < 2 || sa == 0.0 || sb == 0.0 {
        return None;
    }
    let cov = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (a.len() - 1) as f64;
    Some(cov / (sa * sb))
}

/// The mean of paired differences, its 95 % interval and its Bonferroni interval over a
/// family of `family` comparisons (both None with fewer than 2 differences).
fn difference(diffs: &[f64], family: usize) -> (f64, Option<Interval>, Option<Interval>) {
    let (d, sd) = mean_sd(diffs);
    let interval =
        |alpha: f64| t_half_width(sd, diffs.len(), alpha).map(|half| Interval::around(d, half));
    (d, interval(0.05), interval(0.05 / family.max(1) as f64))
}

/// Compares every arm but the baseline with the baseline.
pub fn compare(models: &[Model], aggs: &[Aggregate], baseline: usize) -> Vec<Paired> {
    let m = &models[baseline];
    let base = &aggs[baseline];
    let slots = base.slots();
    let comparisons = models.len().saturating_sub(1).max(1);
    let mut rows = Vec::new();
    for (a, model) in models.iter().enumerate() {
        if a == baseline {
            continue;
        }
        for (p, &item) in base.products().iter().enumerate() {
            for slot in 0..slots {
                for (k, name) in KPI_NAMES.iter().enumerate() {
                    let pairs: Vec<(f64, f64)> = aggs[a]
                        .reps()
                        .iter()
                        .zip(base.reps())
                        .filter_map(|(x, y)| {
                            Some((x.kpi(slots, p, slot, k)?, y.kpi(slots, p, slot, k)?))
                        })
                        .collect();
                    if pairs.is_empty() {
                        continue;
                    }
                    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
                    let diffs: Vec<f64> = pairs.iter().map(|(x, y)| x - y).collect();
                    let (d, ci, adjusted) = difference(&diffs, comparisons);
                    rows.push(Paired {
                        variant: model.variant.clone(),
                        baseline: m.variant.clone(),
                        kpi: name.to_string(),
                        product: m.items[item].id.clone(),
                        region: m
                            .regions
                            .get(slot)
                            .map_or("national".to_string(), |r| r.id.clone()),
                        n: diffs.len(),
                        mean_variant: mean_sd(&xs).0,
                        mean_baseline: mean_sd(&ys).0,
                        mean_diff: d,
                        ci95_low: ci.map(|i| i.low),
                        ci95_high: ci.map(|i| i.high),
                        adjusted_low: adjusted.map(|i| i.low),
                        adjusted_high: adjusted.map(|i| i.high),
                        correlation: correlation(&xs, &ys),
                    });
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_and_intervals_behave() {
        assert!((correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(correlation(&[1.0, 1.0], &[1.0, 2.0]), None);
        // Bonferroni widens the interval.
        assert!(t_half_width(1.0, 10, 0.05 / 3.0) > t_half_width(1.0, 10, 0.05));
    }

    /// A row of `diffs` against the baseline, in a family of `family` compared arms.
    fn row(diffs: &[f64], family: usize) -> Paired {
        let (d, ci, adjusted) = difference(diffs, family);
        Paired {
            variant: "v".into(),
            baseline: "base".into(),
            kpi: "fill_rate".into(),
            product: "mask".into(),
            region: "national".into(),
            n: diffs.len(),
            mean_variant: 0.5 + d,
            mean_baseline: 0.5,
            mean_diff: d,
            ci95_low: ci.map(|i| i.low),
            ci95_high: ci.map(|i| i.high),
            adjusted_low: adjusted.map(|i| i.low),
            adjusted_high: adjusted.map(|i| i.high),
            correlation: None,
        }
    }

    #[test]
    fn with_three_variants_the_verdict_reads_the_adjusted_interval() {
        // Mean 0.78, sd 1, n = 10: the 95 % half-width is 0.715; Bonferroni's, for three
        // variants compared with the base (each at 1 − 0.05/3), is 0.927.
        let a = 0.9f64.sqrt();
        let diffs: Vec<f64> = (0..10)
            .map(|i| 0.78 + if i % 2 == 0 { a } else { -a })
            .collect();
        let three = row(&diffs, 3);
        assert!(three.ci95().unwrap().excludes_zero(), "{three:?}");
        assert!(!three.adjusted().unwrap().excludes_zero(), "{three:?}");
        assert_eq!(three.verdict(true), Verdict::NoClearDifference);
        // One compared arm: the adjusted interval is the 95 % one, and the same data is better.
        let two = row(&diffs, 1);
        assert_eq!(two.adjusted(), two.ci95());
        assert_eq!(two.verdict(true), Verdict::Better);
        assert_eq!(two.verdict(false), Verdict::Worse);
    }

    #[test]
    fn one_pair_has_no_interval_and_no_verdict() {
        let one = row(&[0.3], 2);
        assert_eq!((one.ci95(), one.adjusted()), (None, None));
        assert_eq!(one.verdict(true), Verdict::NotAvailable);
    }
}

#[cfg(test)]
mod crn_tests {
    use super::*;
    use crate::study::{Streams, arm_seed, run_replications};

    fn minimal() -> Vec<Model> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml");
        let file = crate::scenario::ScenarioFile::read(&path).unwrap();
        ["base", "no-green-channel"]
            .iter()
            .map(|v| crate::model::build::build(&file, (*v != "base").then_some(*v)).unwrap())
            .collect()
    }

    /// Each arm's replications `0..n` with `seed`, folded.
    fn folded(models: &[Model], seed: impl Fn(&Model) -> u64, n: u32) -> Vec<Aggregate> {
        models
            .iter()
            .map(|m| Aggregate::of(m, &run_replications(m, seed(m), n, 0).unwrap()))
            .collect()
    }

    fn row(models: &[Model], streams: Streams) -> Paired {
        let aggs = folded(models, |m| arm_seed(42, &m.variant, streams), 30);
        compare(models, &aggs, 0)
            .into_iter()
            .find(|r| {
                r.kpi == "lead_time_mean_days"
                    && r.region == "Hubei"
                    && r.product == "surgical_mask"
            })
            .unwrap()
    }

    #[test]
    fn common_random_numbers_narrow_the_paired_interval() {
        let models = minimal();
        let (crn, indep) = (
            row(&models, Streams::Common),
            row(&models, Streams::Independent),
        );
        let width = |r: &Paired| r.ci95().map_or(f64::NAN, |i| i.high - i.low);
        assert!(crn.correlation.unwrap() > 0.3, "{crn:?}");
        assert!(
            width(&crn) < width(&indep),
            "CRN {} vs independent {}",
            width(&crn),
            width(&indep)
        );
    }

    #[test]
    fn an_arm_identical_to_the_baseline_differs_by_exactly_zero() {
        let m = minimal();
        let models = vec![m[0].clone(), m[0].clone()];
        let rows = compare(&models, &folded(&models, |_| 3, 5), 0);
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r.mean_diff == 0.0 && r.ci95_low == Some(0.0) && r.ci95_high == Some(0.0))
        );
    }
}
