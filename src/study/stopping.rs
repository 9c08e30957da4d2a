//! Sequential stopping by Law's relative-precision rule: stop at the first n ≥ n0 at which the
//! 95 % confidence half-width of every watched KPI mean is within a fraction of the mean. It is
//! decided on replications 1..n in order, so the stopping point does not depend on how many
//! threads computed them.

use crate::stats::summarize;

/// Relative half-width of the mean of `values` (infinite when undefined or the mean is 0).
pub fn relative_half_width(values: &[f64]) -> f64 {
    match summarize(values) {
        Some(s) if s.n >= 2 && s.mean != 0.0 => (s.ci_high - s.mean) / s.mean.abs(),
        Some(s) if s.n >= 2 && s.sd == 0.0 => 0.0,
        _ => f64::INFINITY,
    }
}

/// The first n in `n0..=available` at which every watched series (one value per replication,
/// in replication order) has relative half-width ≤ `target`; None if none does yet.
pub fn stopping_point(
    series: &[Vec<f64>],
    target: f64,
    n0: usize,
    available: usize,
) -> Option<usize> {
    (n0.max(2)..=available).find(|&n| {
        series
            .iter()
            .all(|s| relative_half_width(&s[..n.min(s.len())]) <= target)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_when_precise_enough_and_not_before_n0() {
        let noisy: Vec<f64> = (0..200)
            .map(|i| 10.0 + if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let n = stopping_point(std::slice::from_ref(&noisy), 0.05, 5, 200).unwrap();
        assert!(n >= 5);
        assert!(relative_half_width(&noisy[..n]) <= 0.05);
        assert!(relative_half_width(&noisy[..n - 1]) > 0.05 || n == 5);
        assert_eq!(stopping_point(&[noisy], 0.0001, 5, 200), None);
        assert_eq!(
            stopping_point(&[vec![3.0; 10]], 0.01, 4, 10),
            Some(4),
            "no variance: stop at n0"
        );
    }
}
