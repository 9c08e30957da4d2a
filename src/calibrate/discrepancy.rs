//! The discrepancy between a candidate's simulated rows and the observations: a weighted sum of
//! squared standardised log errors,
//!
//! `D = Σ w · ln(m / y)² / (σ² + s²/(R·m²))`,
//!
//! with `y` the observation, `m` the mean over the R replications (at least `y / 1000`), `σ` the
//! relative observation error and `s²/(R·m²)` the simulation noise of `ln m` (delta method). A
//! lower bound counts only when `m < y`. With Gaussian log errors, `D` is −2 log-likelihood up to
//! a constant, so a rise of `D` by a χ² quantile bounds a likelihood-ratio interval.

use super::observed::Observation;
use crate::stats::summarize;

/// A simulated mean below this share of the observation counts as this share (the log error is
/// at most ln 1000).
pub const FLOOR: f64 = 1e-3;

/// One observed row as a candidate simulated it, across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Simulated {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Sample standard deviation (0 for one replication).
    pub sd: f64,
    /// Replications.
    pub n: usize,
}

impl Simulated {
    /// The row's values in replication order (at least one).
    pub fn new(values: &[f64]) -> Simulated {
        let s = summarize(values).expect("at least one replication");
        Simulated {
            mean: s.mean,
            p5: s.p5,
            p95: s.p95,
            sd: s.sd,
            n: s.n,
        }
    }
}

/// The row's contribution to the discrepancy with relative observation error `sigma`.
pub fn contribution(obs: &Observation, sim: &Simulated, sigma: f64) -> f64 {
    let mean = sim.mean.max(FLOOR * obs.value);
    let error = (mean / obs.value).ln();
    if obs.weight == 0.0 || (obs.lower_bound && error >= 0.0) {
        return 0.0;
    }
    let noise = sim.sd * sim.sd / (sim.n as f64 * mean * mean);
    obs.weight * error * error / (sigma * sigma + noise)
}

/// The discrepancy of a candidate: the sum of its rows' contributions, in row order.
pub fn discrepancy(rows: &[Observation], sims: &[Simulated], sigma: f64) -> f64 {
    rows.iter()
        .zip(sims)
        .map(|(o, s)| contribution(o, s, sigma))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::super::observed::Observable;
    use super::*;

    fn obs(value: f64, lower_bound: bool) -> Observation {
        Observation {
            line: 2,
            date: "2020-02-01".into(),
            day: 8,
            item_id: "x".into(),
            item: 0,
            region: "national".into(),
            slot: 1,
            observable: Observable::ProducedPerDay,
            value,
            weight: 2.0,
            lower_bound,
        }
    }

    #[test]
    fn squared_log_errors_are_standardised_and_weighted() {
        let sim = Simulated::new(&[110.0, 110.0]);
        let c = contribution(&obs(100.0, false), &sim, 0.1);
        assert!((c - 2.0 * 1.1f64.ln().powi(2) / 0.01).abs() < 1e-9, "{c}");
        // Noise between replications widens the error.
        let noisy = Simulated::new(&[100.0, 120.0]);
        assert!(contribution(&obs(100.0, false), &noisy, 0.1) < c);
        // A simulated zero counts as a thousandth of the observation.
        let zero = Simulated::new(&[0.0]);
        let c0 = contribution(&obs(100.0, false), &zero, 1.0);
        assert!((c0 - 2.0 * 1000f64.ln().powi(2)).abs() < 1e-9);
    }

    #[test]
    fn a_lower_bound_counts_only_from_below() {
        let above = Simulated::new(&[150.0]);
        let below = Simulated::new(&[50.0]);
        assert_eq!(contribution(&obs(100.0, true), &above, 0.1), 0.0);
        assert!(contribution(&obs(100.0, true), &below, 0.1) > 0.0);
        assert!(contribution(&obs(100.0, false), &above, 0.1) > 0.0);
        let sims = [above, below];
        let d = discrepancy(&[obs(100.0, true), obs(100.0, true)], &sims, 0.1);
        assert_eq!(d, contribution(&obs(100.0, true), &below, 0.1));
    }
}
