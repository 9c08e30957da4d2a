//! Sequential stopping by Law's relative-precision rule: stop at the first n ≥ n0 at which the
//! 95 % confidence half-width of every watched KPI mean is within a fraction of the mean. It is
//! decided on replications 1..n in order, as each is folded, so the stopping point does not
//! depend on how many threads computed them.

use crate::stats::summarize;

/// Relative half-width of the mean of `values`: infinite when the interval is undefined (fewer
/// than 2 values, so never precise enough) or the mean is 0 with some spread.
pub fn relative_half_width(values: &[f64]) -> f64 {
    let Some(s) = summarize(values) else {
        return f64::INFINITY;
    };
    match s.ci {
        Some(ci) if s.mean != 0.0 => (ci.high - s.mean) / s.mean.abs(),
        Some(_) if s.sd == 0.0 => 0.0,
        _ => f64::INFINITY,
    }
}

/// Whether every watched series (the values of replications `0..n`, in replication order) has
/// relative half-width at most `target`.
pub fn precise_enough(series: &[Vec<f64>], target: f64) -> bool {
    series.iter().all(|s| relative_half_width(s) <= target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precise_when_every_series_is_narrow_enough() {
        let noisy: Vec<f64> = (0..200)
            .map(|i| 10.0 + if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let first = (2..=200)
            .find(|&n| precise_enough(&[noisy[..n].to_vec()], 0.05))
            .unwrap();
        assert!(relative_half_width(&noisy[..first]) <= 0.05);
        assert!(relative_half_width(&noisy[..first - 1]) > 0.05);
        assert!(!precise_enough(std::slice::from_ref(&noisy), 0.0001));
        assert!(
            !precise_enough(&[vec![3.0; 10], noisy], 0.0001),
            "every series must be precise"
        );
        assert!(precise_enough(&[vec![3.0; 10]], 0.01), "no variance");
        assert!(
            !precise_enough(&[vec![3.0]], 0.01),
            "one value says nothing"
        );
    }
}
