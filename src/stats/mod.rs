//! Statistics across replications: mean, standard deviation, t-based 95 % confidence interval
//! (undefined, not zero-width, below 2 values), percentiles, and proportions with Wilson
//! intervals. Values are reduced in replication order,
//! either from a sample ([`summarize`]) or as they stream in ([`StreamSummary`], whose
//! percentiles come from a [`sketch::QuantileSketch`]).

pub mod aggregate;
pub mod compare;
pub mod flows;
pub mod kpi;
pub mod sketch;

use sketch::QuantileSketch;
use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::statistics::{Data, OrderStatistics};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959963984540054;

/// Where a running sum starts so that it has the bytes of `Iterator::sum` over the same values
/// in the same order (the standard library starts at -0.0, the neutral element of `+`).
pub const SUM_START: f64 = -0.0;

/// A confidence interval, `low` ≤ `high`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Low end.
    pub low: f64,
    /// High end.
    pub high: f64,
}

impl Interval {
    /// The interval `centre ± half`.
    pub fn around(centre: f64, half: f64) -> Interval {
        Interval {
            low: centre - half,
            high: centre + half,
        }
    }

    /// Whether zero lies outside the interval (a difference is then significant).
    pub fn excludes_zero(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

/// Summary of a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Sample size.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 for n = 1).
    pub sd: f64,
    /// 95 % confidence interval of the mean (t-based); None for n < 2, where it is undefined.
    pub ci: Option<Interval>,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Summary {
    /// A summary from its moments and its 5th, 50th and 95th percentiles.
    fn new(n: usize, mean: f64, sd: f64, [p5, p50, p95]: [f64; 3]) -> Summary {
        Summary {
            n,
            mean,
            sd,
            ci: t_half_width(sd, n, 0.05).map(|half| Interval::around(mean, half)),
            p5,
            p50,
            p95,
        }
    }
}

/// Half-width of the t-based interval of the mean at two-sided level `1 - alpha`, for `n`
/// values with standard deviation `sd`; None when n < 2, where no interval exists.
pub fn t_half_width(sd: f64, n: usize, alpha: f64) -> Option<f64> {
    if n < 2 {
        return None;
    }
    Some(t_quantile(n, alpha) * sd / (n as f64).sqrt())
}

thread_local! {
    /// The last quantile [`t_quantile`] computed on this thread, with its `n` and `alpha`.
    static LAST_T: std::cell::Cell<Option<(usize, u64, f64)>> = const { std::cell::Cell::new(None) };
}

/// The upper `alpha / 2` quantile of Student's t with `n - 1` degrees of freedom. An output
/// asks for it once per summarised series, nearly always with the same `n` and `alpha`, and
/// statrs inverts the incomplete beta function iteratively each time (thousands of
/// instructions, more the more replications): the last answer is kept per thread.
fn t_quantile(n: usize, alpha: f64) -> f64 {
    let key = (n, alpha.to_bits());
    if let Some((kn, ka, t)) = LAST_T.get()
        && (kn, ka) == key
    {
        return t;
    }
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .expect("degrees of freedom positive")
        .inverse_cdf(1.0 - alpha / 2.0);
    LAST_T.set(Some((n, key.1, t)));
    t
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
    let mut data = Data::new(values.to_vec());
    let p = [0.05, 0.5, 0.95].map(|tau| data.quantile(tau));
    Some(Summary::new(n, mean, sd, p))
}

/// A sample summarised as it streams in, in replication order, without keeping it: the mean
/// from the running sum (the same bytes as [`summarize`]), the standard deviation by Welford's
/// update, the percentiles from a [`QuantileSketch`] (within its relative accuracy).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSummary {
    /// Values seen.
    n: usize,
    /// Their sum, in arrival order.
    sum: f64,
    /// Welford's running mean.
    mean: f64,
    /// Welford's sum of squared deviations from the running mean.
    m2: f64,
    /// The values' distribution.
    sketch: QuantileSketch,
}

impl Default for StreamSummary {
    fn default() -> Self {
        StreamSummary {
            n: 0,
            sum: SUM_START,
            mean: 0.0,
            m2: 0.0,
            sketch: QuantileSketch::new(),
        }
    }
}

impl StreamSummary {
    /// Adds the next value.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.sketch.insert(x);
    }

    /// The summary so far; None when no value was pushed.
    pub fn summary(&self) -> Option<Summary> {
        if self.n == 0 {
            return None;
        }
        let sd = if self.n > 1 {
            (self.m2 / (self.n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let p = [0.05, 0.5, 0.95].map(|tau| self.sketch.quantile(tau));
        Some(Summary::new(self.n, self.sum / self.n as f64, sd, p))
    }

    /// Buckets its sketch uses (for tests of what it holds).
    #[cfg(test)]
    pub(crate) fn sketch_buckets(&self) -> usize {
        self.sketch.buckets()
    }
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
        assert!((s.ci.unwrap().high - 3.0 - half).abs() < 1e-6, "{s:?}");
        assert_eq!(s.p50, 3.0);
    }

    #[test]
    fn one_value_has_no_interval_rather_than_a_zero_width_one() {
        let s = summarize(&[7.0]).unwrap();
        assert_eq!((s.n, s.mean, s.sd, s.ci), (1, 7.0, 0.0, None));
        assert_eq!(t_half_width(1.0, 1, 0.05), None);
        let mut stream = StreamSummary::default();
        stream.push(7.0);
        assert_eq!(stream.summary().unwrap().ci, None);
        stream.push(9.0);
        assert!(stream.summary().unwrap().ci.is_some());
        // Two equal values: a defined interval of width zero.
        let flat = summarize(&[2.0, 2.0]).unwrap().ci.unwrap();
        assert_eq!((flat.low, flat.high), (2.0, 2.0));
        assert!(flat.excludes_zero() && !Interval::around(0.0, 1.0).excludes_zero());
    }

    #[test]
    fn a_remembered_t_quantile_is_the_one_computed_afresh() {
        let fresh = |n: usize, alpha: f64| {
            StudentsT::new(0.0, 1.0, (n - 1) as f64)
                .unwrap()
                .inverse_cdf(1.0 - alpha / 2.0)
        };
        // Alternating keys: each call must answer for its own n and alpha, not the last.
        for (n, alpha) in [
            (10, 0.05),
            (10, 0.05),
            (11, 0.05),
            (10, 0.01),
            (10, 0.05),
            (2, 0.05),
        ] {
            assert_eq!(t_quantile(n, alpha).to_bits(), fresh(n, alpha).to_bits());
        }
    }

    #[test]
    fn the_default_interval_level_is_exactly_the_textbook_quantile() {
        assert_eq!(1.0 - 0.05 / 2.0, 0.975);
    }

    #[test]
    fn running_sums_have_the_bytes_of_iterator_sum() {
        for values in [
            vec![],
            vec![-0.0],
            vec![0.0, -0.0],
            vec![0.1, 0.2, 0.3, 1e16, -1e16, 0.7],
        ] {
            let mut s = SUM_START;
            values.iter().for_each(|v| s += v);
            assert_eq!(
                s.to_bits(),
                values.iter().sum::<f64>().to_bits(),
                "{values:?}"
            );
        }
    }

    #[test]
    fn a_streamed_summary_matches_the_sample_summary() {
        let values: Vec<f64> = (0..200)
            .map(|i| 50.0 + ((i * 37) % 23) as f64 * 0.7)
            .collect();
        let mut stream = StreamSummary::default();
        values.iter().for_each(|&v| stream.push(v));
        let (a, b) = (stream.summary().unwrap(), summarize(&values).unwrap());
        assert_eq!((a.n, a.mean.to_bits()), (b.n, b.mean.to_bits()));
        assert!((a.sd - b.sd).abs() <= 1e-12 * b.sd, "{a:?} {b:?}");
        for (x, y) in [(a.p5, b.p5), (a.p50, b.p50), (a.p95, b.p95)] {
            assert!(
                (x - y).abs() <= sketch::RELATIVE_ACCURACY * y,
                "{a:?} {b:?}"
            );
        }
        assert_eq!(StreamSummary::default().summary(), None);
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
