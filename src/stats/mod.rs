//! Statistics across replications: mean, standard deviation, t-based 95 % confidence interval,
//! percentiles, and proportions with Wilson intervals. Values are reduced in replication order.

pub mod kpi;

use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::statistics::{Data, OrderStatistics};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959963984540054;

/// Summary of a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Sample size.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 for n = 1).
    pub sd: f64,
    /// 95 % confidence interval of the mean (t-based), low end.
    pub ci_low: f64,
    /// High end.
    pub ci_high: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Quantile of a sample (statrs' definition), `values` in any order.
pub fn quantile(values: &[f64], tau: f64) -> f64 {
    Data::new(values.to_vec()).quantile(tau)
}

/// Summarises a sample; None when empty.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let half = if n > 1 {
        let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
            .expect("degrees of freedom positive")
            .inverse_cdf(0.975);
        t * sd / (n as f64).sqrt()
    } else {
        0.0
    };
    let mut data = Data::new(values.to_vec());
    Some(Summary {
        n,
        mean,
        sd,
        ci_low: mean - half,
        ci_high: mean + half,
        p5: data.quantile(0.05),
        p50: data.quantile(0.5),
        p95: data.quantile(0.95),
    })
}

/// A proportion with its Wilson score 95 % interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Proportion {
    /// Successes.
    pub successes: usize,
    /// Trials.
    pub n: usize,
    /// Estimate.
    pub p: f64,
    /// Wilson interval, low end.
    pub low: f64,
    /// High end.
    pub high: f64,
}

/// Wilson score interval for `successes` out of `n` (n > 0).
pub fn wilson(successes: usize, n: usize) -> Proportion {
    let nf = n.max(1) as f64;
    let p = successes as f64 / nf;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / (1.0 + z2 / nf);
    Proportion {
        successes,
        n,
        p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_interval_matches_a_textbook_value() {
        // n = 5, mean 3, sd = sqrt(2.5); t(0.975, 4) = 2.776445.
        let s = summarize(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!((s.mean - 3.0).abs() < 1e-12);
        let half = 2.776445105 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((s.ci_high - 3.0 - half).abs() < 1e-6, "{s:?}");
        assert_eq!(s.p50, 3.0);
    }

    #[test]
    fn wilson_matches_a_textbook_value() {
        // 8 of 10: Wilson 95 % interval (0.4902, 0.9433).
        let w = wilson(8, 10);
        assert!(
            (w.low - 0.4902).abs() < 1e-3 && (w.high - 0.9433).abs() < 1e-3,
            "{w:?}"
        );
        let z = wilson(0, 20);
        assert_eq!(z.low, 0.0);
        assert!(z.high > 0.0 && z.high < 0.2);
    }
}
