//! The global search: a seeded CMA-ES, (μ/μ_w, λ) with cumulative step-size adaptation and
//! rank-one and rank-μ covariance updates (Hansen, "The CMA Evolution Strategy: A Tutorial",
//! 2016), over the unit cube of the decision variables. A sample outside the cube is clipped
//! to it (and used as clipped); one that breaks the cost budget is drawn again, so infeasible
//! candidates are never evaluated. Only the ranking of a generation matters, so the caller's
//! fitness can order constraint violations before objective values.

use crate::error::{Error, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::cmp::Ordering;

/// Draws of one sample before a search gives up on the cost budget.
const DRAWS: usize = 1000;

/// How a candidate ranks: by its violation of the constraints, then by its value (lower is
/// better in both).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fitness {
    /// How far it is from feasible (0: feasible).
    pub violation: f64,
    /// The objective, lower better.
    pub value: f64,
}

impl Fitness {
    /// The order of two fitnesses (better first).
    pub fn order(&self, other: &Fitness) -> Ordering {
        self.violation
            .total_cmp(&other.violation)
            .then(self.value.total_cmp(&other.value))
    }
}

/// Ranks one generation: one fitness per point, in order.
pub type Rank<'a> = dyn FnMut(&[Vec<f64>]) -> Result<Vec<Fitness>> + 'a;

/// The population size CMA-ES takes in `dims` dimensions (at least 6, as noise needs).
pub fn population(dims: usize) -> usize {
    (4 + (3.0 * (dims as f64).ln()).floor() as usize).max(6)
}

/// Runs CMA-ES in `dims` dimensions for `generations` generations of `lambda` points each,
/// from the centre of the cube with step 0.3. `allowed(u)` says whether a point is within the
/// budget; `evaluate(points)` ranks one generation (one fitness per point, in order).
pub fn cmaes(
    dims: usize,
    lambda: usize,
    generations: usize,
    seed: u64,
    allowed: &dyn Fn(&[f64]) -> bool,
    evaluate: &mut Rank<'_>,
) -> Result<()> {
    let n = dims as f64;
    let mu = lambda / 2;
    let raw: Vec<f64> = (0..mu)
        .map(|i| (mu as f64 + 0.5).ln() - ((i + 1) as f64).ln())
        .collect();
    let total: f64 = raw.iter().sum();
    let w: Vec<f64> = raw.iter().map(|x| x / total).collect();
    let mueff = 1.0 / w.iter().map(|x| x * x).sum::<f64>();
    let cs = (mueff + 2.0) / (n + mueff + 5.0);
    let ds = 1.0 + 2.0 * (((mueff - 1.0) / (n + 1.0)).sqrt() - 1.0).max(0.0) + cs;
    let cc = (4.0 + mueff / n) / (n + 4.0 + 2.0 * mueff / n);
    let c1 = 2.0 / ((n + 1.3).powi(2) + mueff);
    let cmu = (1.0 - c1).min(2.0 * (mueff - 2.0 + 1.0 / mueff) / ((n + 2.0).powi(2) + mueff));
    let chi = n.sqrt() * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut m = vec![0.5; dims];
    let mut sigma = 0.3;
    let mut c = identity(dims);
    let (mut ps, mut pc) = (vec![0.0; dims], vec![0.0; dims]);
    for g in 0..generations {
        let (b, d) = eigen(&c);
        let mut points = Vec::with_capacity(lambda);
        for _ in 0..lambda {
            let mut draws = 0;
            let x = loop {
                let z: Vec<f64> = (0..dims).map(|_| StandardNormal.sample(&mut rng)).collect();
                let x: Vec<f64> = (0..dims)
                    .map(|i| {
                        let y: f64 = (0..dims).map(|j| b[i][j] * d[j].sqrt() * z[j]).sum();
                        (m[i] + sigma * y).clamp(0.0, 1.0)
                    })
                    .collect();
                if allowed(&x) {
                    break x;
                }
                draws += 1;
                if draws == DRAWS {
                    return Err(Error::Usage(format!(
                        "the --cost budget leaves (almost) nothing of the parameters' box: {DRAWS} draws in a row broke it"
                    )));
                }
            };
            points.push(x);
        }
        let fit = evaluate(&points)?;
        let mut order: Vec<usize> = (0..lambda).collect();
        order.sort_by(|&a, &b| fit[a].order(&fit[b]).then(a.cmp(&b)));
        let old = m.clone();
        let ys: Vec<Vec<f64>> = order[..mu]
            .iter()
            .map(|&k| (0..dims).map(|i| (points[k][i] - old[i]) / sigma).collect())
            .collect();
        let yw: Vec<f64> = (0..dims)
            .map(|i| (0..mu).map(|k| w[k] * ys[k][i]).sum())
            .collect();
        for i in 0..dims {
            m[i] = old[i] + sigma * yw[i];
        }
        // C^(-1/2) y_w = B D^(-1/2) Bᵀ y_w.
        let bty: Vec<f64> = (0..dims)
            .map(|j| (0..dims).map(|i| b[i][j] * yw[i]).sum::<f64>() / d[j].sqrt())
            .collect();
        let whitened: Vec<f64> = (0..dims)
            .map(|i| (0..dims).map(|j| b[i][j] * bty[j]).sum())
            .collect();
        let k = (cs * (2.0 - cs) * mueff).sqrt();
        for i in 0..dims {
            ps[i] = (1.0 - cs) * ps[i] + k * whitened[i];
        }
        let norm = ps.iter().map(|x| x * x).sum::<f64>().sqrt();
        let hs = norm / (1.0 - (1.0 - cs).powi(2 * (g as i32 + 1))).sqrt()
            < (1.4 + 2.0 / (n + 1.0)) * chi;
        let hs = if hs { 1.0 } else { 0.0 };
        let kc = (cc * (2.0 - cc) * mueff).sqrt();
        for i in 0..dims {
            pc[i] = (1.0 - cc) * pc[i] + hs * kc * yw[i];
        }
        for i in 0..dims {
            for j in 0..dims {
                let rank_mu: f64 = (0..mu).map(|k| w[k] * ys[k][i] * ys[k][j]).sum();
                c[i][j] = (1.0 - c1 - cmu) * c[i][j]
                    + c1 * (pc[i] * pc[j] + (1.0 - hs) * cc * (2.0 - cc) * c[i][j])
                    + cmu * rank_mu;
            }
        }
        sigma *= ((cs / ds) * (norm / chi - 1.0)).exp();
        // The cube has width 1: a larger step only clips.
        sigma = sigma.min(1.0);
    }
    Ok(())
}

/// The `n` × `n` identity.
fn identity(n: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// The eigenvectors (columns of B) and eigenvalues (floored at a tiny positive value) of the
/// symmetric matrix `a`, by cyclic Jacobi rotations: the dimensions here are few.
fn eigen(a: &[Vec<f64>]) -> (Vec<Vec<f64>>, Vec<f64>) {
    let n = a.len();
    let mut a = a.to_vec();
    let mut v = identity(n);
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                // signum(0) is 1: a zero angle still rotates by 45°, as Jacobi needs.
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let (cos, sin) = (1.0 / (t * t + 1.0).sqrt(), t / (t * t + 1.0).sqrt());
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = cos * akp - sin * akq;
                    row[q] = sin * akp + cos * akq;
                }
                let (row_p, row_q) = (a[p].clone(), a[q].clone());
                a[p] = row_p
                    .iter()
                    .zip(&row_q)
                    .map(|(x, y)| cos * x - sin * y)
                    .collect();
                a[q] = row_p
                    .iter()
                    .zip(&row_q)
                    .map(|(x, y)| sin * x + cos * y)
                    .collect();
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = cos * vkp - sin * vkq;
                    row[q] = sin * vkp + cos * vkq;
                }
            }
        }
    }
    let d = (0..n).map(|i| a[i][i].max(1e-20)).collect();
    (v, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_diagonalises_a_symmetric_matrix() {
        let a = vec![
            vec![4.0, 1.0, 0.5],
            vec![1.0, 3.0, 0.2],
            vec![0.5, 0.2, 1.0],
        ];
        let (b, d) = eigen(&a);
        for i in 0..3 {
            for j in 0..3 {
                let back: f64 = (0..3).map(|k| b[i][k] * d[k] * b[j][k]).sum();
                assert!((back - a[i][j]).abs() < 1e-9, "{i},{j}: {back}");
            }
        }
    }

    #[test]
    fn cmaes_finds_the_minimum_of_a_rotated_ellipsoid_and_keeps_to_the_budget() {
        let target = [0.2, 0.7, 0.4];
        let mut best = (f64::INFINITY, vec![]);
        cmaes(
            3,
            population(3),
            80,
            7,
            &|u| u[0] + u[1] <= 1.0,
            &mut |points| {
                Ok(points
                    .iter()
                    .map(|u| {
                        assert!(u[0] + u[1] <= 1.0, "an infeasible point was evaluated");
                        let d: Vec<f64> = (0..3).map(|i| u[i] - target[i]).collect();
                        let value =
                            (d[0] + d[1]).powi(2) * 10.0 + (d[0] - d[1]).powi(2) + d[2] * d[2];
                        if value < best.0 {
                            best = (value, u.clone());
                        }
                        Fitness {
                            violation: 0.0,
                            value,
                        }
                    })
                    .collect())
            },
        )
        .unwrap();
        assert!(best.0 < 1e-6, "{best:?}");
    }
}
