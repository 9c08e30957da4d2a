//! The search, in the unit cube `[0, 1]^n` (each parameter's box mapped onto `[0, 1]`): a Latin
//! hypercube, Nelder–Mead from its best points, and the plausible range read off a profile.

use crate::error::Result;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n` points of a Latin hypercube in `[0, 1]^dims`, seeded: in every dimension each of the `n`
/// equal strata holds exactly one point, at a uniform position within it.
pub fn latin_hypercube(n: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut points = vec![vec![0.0; dims]; n];
    for d in 0..dims {
        let mut strata: Vec<usize> = (0..n).collect();
        // Fisher–Yates, so the stream of draws is fixed by the seed alone.
        for i in (1..n).rev() {
            strata.swap(i, rng.random_range(0..=i));
        }
        for (point, stratum) in points.iter_mut().zip(strata) {
            point[d] = (stratum as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    points
}

/// Evaluates a batch of points of the unit cube, returning their discrepancies in order.
pub type Evaluate<'a> = dyn FnMut(&[Vec<f64>]) -> Result<Vec<f64>> + 'a;

/// Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½) from the simplex `simplex`
/// (n + 1 points with their values), within `[0, 1]^n` (trial points are clamped to it), for at
/// most `budget` evaluations; it stops early once the simplex is smaller than `1e-4` in every
/// coordinate. Each step evaluates one point, a shrink n points at once. Returns the best point
/// and its value.
pub fn nelder_mead(
    mut simplex: Vec<(Vec<f64>, f64)>,
    budget: usize,
    eval: &mut Evaluate,
) -> Result<(Vec<f64>, f64)> {
    let n = simplex.len() - 1;
    let mut used = 0;
    let clamp = |x: Vec<f64>| x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect::<Vec<_>>();
    let along = |from: &[f64], to: &[f64], t: f64| -> Vec<f64> {
        clamp(from.iter().zip(to).map(|(a, b)| a + t * (b - a)).collect())
    };
    let one = |eval: &mut Evaluate, x: Vec<f64>, used: &mut usize| -> Result<(Vec<f64>, f64)> {
        *used += 1;
        let f = eval(std::slice::from_ref(&x))?[0];
        Ok((x, f))
    };
    loop {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let spread = (0..n).all(|d| {
            let (lo, hi) = simplex
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), (x, _)| {
                    (lo.min(x[d]), hi.max(x[d]))
                });
            hi - lo < 1e-4
        });
        if used >= budget || spread {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|d| simplex[..n].iter().map(|(x, _)| x[d]).sum::<f64>() / n as f64)
            .collect();
        let (best, second_worst, worst) = (simplex[0].1, simplex[n - 1].1, simplex[n].1);
        let reflected = one(eval, along(&centroid, &simplex[n].0, -1.0), &mut used)?;
        if reflected.1 < best {
            if used < budget {
                let expanded = one(eval, along(&centroid, &simplex[n].0, -2.0), &mut used)?;
                simplex[n] = if expanded.1 < reflected.1 {
                    expanded
                } else {
                    reflected
                };
            } else {
                simplex[n] = reflected;
            }
            continue;
        }
        if reflected.1 < second_worst {
            simplex[n] = reflected;
            continue;
        }
        if used >= budget {
            break;
        }
        let contracted = if reflected.1 < worst {
            one(eval, along(&centroid, &reflected.0, 0.5), &mut used)?
        } else {
            one(eval, along(&centroid, &simplex[n].0, 0.5), &mut used)?
        };
        if contracted.1 < reflected.1.min(worst) {
            simplex[n] = contracted;
            continue;
        }
        if used + n > budget {
            break;
        }
        let shrunk: Vec<Vec<f64>> = simplex[1..]
            .iter()
            .map(|(x, _)| along(&simplex[0].0, x, 0.5))
            .collect();
        used += n;
        let values = eval(&shrunk)?;
        for (k, (x, f)) in shrunk.into_iter().zip(values).enumerate() {
            simplex[k + 1] = (x, f);
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    Ok(simplex.swap_remove(0))
}

/// The plausible range along one parameter from a profile, `points` as (value, discrepancy):
/// the interval around the lowest point where the discrepancy stays within `threshold` of it,
/// each end carried by linear interpolation to where the line from the last point inside to
/// the first outside crosses the threshold; an end with no point outside is the last point.
pub fn plausible_range(points: &[(f64, f64)], threshold: f64) -> (f64, f64) {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let best = (0..p.len())
        .min_by(|&a, &b| p[a].1.total_cmp(&p[b].1))
        .expect("a profile has points");
    let level = p[best].1 + threshold;
    let cross = |inside: (f64, f64), outside: (f64, f64)| {
        inside.0 + (outside.0 - inside.0) * (level - inside.1) / (outside.1 - inside.1)
    };
    let mut lo = best;
    while lo > 0 && p[lo - 1].1 <= level {
        lo -= 1;
    }
    let mut hi = best;
    while hi + 1 < p.len() && p[hi + 1].1 <= level {
        hi += 1;
    }
    let low = if lo > 0 {
        cross(p[lo], p[lo - 1])
    } else {
        p[0].0
    };
    let high = if hi + 1 < p.len() {
        cross(p[hi], p[hi + 1])
    } else {
        p[hi].0
    };
    (low, high)
}

/// Each parameter's plausible range: the hull of its profile range (from
/// [`plausible_range`]) and of its values in every candidate, `(values, discrepancy)`, whose
/// discrepancy is at most `level`.
pub fn accepted_ranges(
    candidates: &[(&[f64], f64)],
    profiled: &[(f64, f64)],
    level: f64,
) -> Vec<(f64, f64)> {
    profiled
        .iter()
        .enumerate()
        .map(|(d, &range)| {
            candidates
                .iter()
                .filter(|(_, f)| *f <= level)
                .fold(range, |(lo, hi), (x, _)| (lo.min(x[d]), hi.max(x[d])))
        })
        .collect()
}

/// Where a profile's second stage looks, given its first stage `points` (value, discrepancy):
/// `k` values spread evenly inside the brackets (last point inside the threshold, first point
/// outside) on either side of the lowest point, so the crossings are found more finely.
pub fn refine(points: &[(f64, f64)], threshold: f64, k: usize) -> Vec<f64> {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let (low, high) = plausible_range(&p, threshold);
    let below = p
        .iter()
        .rev()
        .find(|q| q.0 < low)
        .map(|q| (q.0, low_inside(&p, low)));
    let above = p
        .iter()
        .find(|q| q.0 > high)
        .map(|q| (high_inside(&p, high), q.0));
    let brackets: Vec<(f64, f64)> = below.into_iter().chain(above).collect();
    let mut out = Vec::new();
    for (b, (a, z)) in brackets.iter().enumerate() {
        // The first bracket takes the odd one out.
        let m = k / brackets.len() + usize::from(b < k % brackets.len());
        out.extend((1..=m).map(|j| a + (z - a) * j as f64 / (m + 1) as f64));
    }
    out
}

/// The lowest value of `p` at or above `x`.
fn low_inside(p: &[(f64, f64)], x: f64) -> f64 {
    p.iter().map(|q| q.0).find(|&v| v >= x).unwrap_or(x)
}

/// The highest value of `p` at or below `x`.
fn high_inside(p: &[(f64, f64)], x: f64) -> f64 {
    p.iter().rev().map(|q| q.0).find(|&v| v <= x).unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin_hypercube_fills_every_stratum_once_and_follows_its_seed() {
        let pts = latin_hypercube(10, 3, 7);
        for d in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[d] * 10.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
        assert_eq!(pts, latin_hypercube(10, 3, 7));
        assert_ne!(pts, latin_hypercube(10, 3, 8));
    }

    #[test]
    fn nelder_mead_finds_the_minimum_of_a_quadratic() {
        let f = |x: &[f64]| (x[0] - 0.3).powi(2) + 2.0 * (x[1] - 0.7).powi(2) + 1.0;
        let mut calls = 0;
        let mut eval = |xs: &[Vec<f64>]| -> Result<Vec<f64>> {
            calls += xs.len();
            Ok(xs.iter().map(|x| f(x)).collect())
        };
        let start: Vec<(Vec<f64>, f64)> = [[0.9, 0.1], [0.8, 0.2], [0.9, 0.3]]
            .iter()
            .map(|x| (x.to_vec(), f(x)))
            .collect();
        let (x, v) = nelder_mead(start, 200, &mut eval).unwrap();
        assert!(
            (x[0] - 0.3).abs() < 1e-3 && (x[1] - 0.7).abs() < 1e-3,
            "{x:?}"
        );
        assert!((v - 1.0).abs() < 1e-6);
        assert!(calls <= 200);
        // A minimum outside the box ends on its face.
        let g = |x: &[f64]| (x[0] + 1.0).powi(2);
        let mut eval =
            |xs: &[Vec<f64>]| -> Result<Vec<f64>> { Ok(xs.iter().map(|x| g(x)).collect()) };
        let start = vec![(vec![0.5], g(&[0.5])), (vec![0.6], g(&[0.6]))];
        let (x, _) = nelder_mead(start, 50, &mut eval).unwrap();
        assert!(x[0] < 1e-3, "{x:?}");
    }

    #[test]
    fn accepted_candidates_widen_a_profile_range_to_hold_them() {
        let a = [1.0, 5.0];
        let b = [3.0, 9.0];
        let c = [8.0, 2.0];
        let cands: Vec<(&[f64], f64)> = vec![(&a, 1.0), (&b, 2.0), (&c, 10.0)];
        let r = accepted_ranges(&cands, &[(2.0, 4.0), (4.0, 6.0)], 3.0);
        // c is above the level; a and b widen the first range down, the second up.
        assert_eq!(r, vec![(1.0, 4.0), (4.0, 9.0)]);
    }

    #[test]
    fn the_plausible_range_is_where_the_profile_stays_within_the_threshold() {
        // d = (x - 5)^2: within 4 of the minimum for x in [3, 7].
        let pts: Vec<(f64, f64)> = (0..=10)
            .map(|x| (x as f64, (x as f64 - 5.0).powi(2)))
            .collect();
        let (lo, hi) = plausible_range(&pts, 4.0);
        assert_eq!((lo, hi), (3.0, 7.0));
        // Interpolated between grid points: within 2 of it, crossings at 5 ± √2 ≈ 3.6 and 6.4.
        let (lo, hi) = plausible_range(&pts, 2.0);
        assert!(
            (lo - 3.6667).abs() < 1e-3 && (hi - 6.3333).abs() < 1e-3,
            "{lo} {hi}"
        );
        // An end that never rises above the threshold is the box's edge.
        let flat: Vec<(f64, f64)> = (0..5).map(|x| (x as f64, 0.1 * x as f64)).collect();
        assert_eq!(plausible_range(&flat, 1.0), (0.0, 4.0));
        // The refinement looks inside the brackets, half on each side.
        let r = refine(&pts, 2.0, 4);
        assert_eq!(
            r,
            vec![
                3.0 + 1.0 / 3.0,
                3.0 + 2.0 / 3.0,
                6.0 + 1.0 / 3.0,
                6.0 + 2.0 / 3.0
            ]
        );
    }
}
