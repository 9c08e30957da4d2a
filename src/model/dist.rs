//! Validated distributions and how they are sampled.

use crate::scenario::raw::DistSpec;
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Triangular};

/// A distribution whose parameters have been checked, ready to sample.
#[derive(Debug, Clone)]
pub struct Dist {
    spec: DistSpec,
    sampler: Sampler,
}

#[derive(Debug, Clone)]
enum Sampler {
    Fixed(f64),
    Uniform(f64, f64),
    Triangular(Triangular<f64>),
    Exp(f64, Exp<f64>),
    LogNormal(f64, LogNormal<f64>),
}

impl Dist {
    /// Checks the parameters; the error says what is wrong.
    pub fn new(spec: &DistSpec) -> Result<Dist, String> {
        let sampler = match *spec {
            DistSpec::Fixed { value } => Sampler::Fixed(value),
            DistSpec::Uniform { min, max } => {
                if min > max {
                    return Err(format!("uniform: min {min} is above max {max}"));
                }
                Sampler::Uniform(min, max)
            }
            DistSpec::Triangular { min, mode, max } => {
                if !(min <= mode && mode <= max) {
                    return Err(format!(
                        "triangular: need min <= mode <= max, got {min}, {mode}, {max}"
                    ));
                }
                if min == max {
                    Sampler::Fixed(min)
                } else {
                    Sampler::Triangular(
                        Triangular::new(min, max, mode).map_err(|e| format!("triangular: {e}"))?,
                    )
                }
            }
            DistSpec::Exponential { mean, min } => {
                if mean <= min {
                    return Err(format!("exponential: mean {mean} must exceed min {min}"));
                }
                Sampler::Exp(
                    min,
                    Exp::new(1.0 / (mean - min)).map_err(|e| format!("exponential: {e}"))?,
                )
            }
            DistSpec::Lognormal { mean, sd, min } => {
                if mean <= min || sd <= 0.0 {
                    return Err(format!(
                        "lognormal: need mean > min and sd > 0, got mean {mean}, min {min}, sd {sd}"
                    ));
                }
                // Like the exponential, `mean` is the overall mean, `min` included.
                let part = mean - min;
                Sampler::LogNormal(
                    min,
                    LogNormal::from_mean_cv(part, sd / part)
                        .map_err(|e| format!("lognormal: {e}"))?,
                )
            }
        };
        Ok(Dist {
            spec: spec.clone(),
            sampler,
        })
    }

    /// A distribution that is always `value`.
    pub fn fixed(value: f64) -> Dist {
        Dist::new(&DistSpec::Fixed { value }).expect("a fixed value is always valid")
    }

    /// The smallest value it can take.
    pub fn min(&self) -> f64 {
        match self.spec {
            DistSpec::Fixed { value } => value,
            DistSpec::Uniform { min, .. }
            | DistSpec::Triangular { min, .. }
            | DistSpec::Exponential { min, .. }
            | DistSpec::Lognormal { min, .. } => min,
        }
    }

    /// The largest value it can take (infinite for the exponential and the log-normal).
    pub fn max(&self) -> f64 {
        match self.spec {
            DistSpec::Fixed { value } => value,
            DistSpec::Uniform { max, .. } | DistSpec::Triangular { max, .. } => max,
            DistSpec::Exponential { .. } | DistSpec::Lognormal { .. } => f64::INFINITY,
        }
    }

    /// The parameters it was made from.
    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// Its expected value.
    pub fn mean(&self) -> f64 {
        match self.spec {
            DistSpec::Fixed { value } => value,
            DistSpec::Uniform { min, max } => (min + max) / 2.0,
            DistSpec::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            DistSpec::Exponential { mean, .. } => mean,
            DistSpec::Lognormal { mean, .. } => mean,
        }
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // Inline for the two kinds drawn most (a customer order or a lead time each), the
        // others out of line.
        match &self.sampler {
            Sampler::Fixed(v) => *v,
            Sampler::Exp(min, e) => min + e.sample(rng),
            _ => self.sample_other(rng),
        }
    }

    #[inline(never)]
    fn sample_other<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(a, b) => {
                let u: f64 = rand_distr::StandardUniform.sample(rng);
                a + (b - a) * u
            }
            Sampler::Triangular(t) => t.sample(rng),
            Sampler::Exp(min, e) => min + e.sample(rng),
            Sampler::LogNormal(min, l) => min + l.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn rejects_bad_parameters_and_reports_min_and_mean() {
        assert!(Dist::new(&DistSpec::Uniform { min: 3.0, max: 1.0 }).is_err());
        assert!(
            Dist::new(&DistSpec::Exponential {
                mean: 1.0,
                min: 2.0
            })
            .is_err()
        );
        let d = Dist::new(&DistSpec::Exponential {
            mean: 3.0,
            min: 0.5,
        })
        .unwrap();
        assert_eq!(d.min(), 0.5);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let n = 20_000;
        let m: f64 = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
        assert!((m - 3.0).abs() < 0.1, "mean {m}");
        assert!((0..1000).all(|_| d.sample(&mut rng) >= 0.5));
    }
}
