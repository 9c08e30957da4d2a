//! Lines from statistics, and the arithmetic on daily values several charts share.

use crate::plots::chart::{LineStyle, Series};
use crate::plots::data::Stat;

/// A line over its P5–P95 band.
pub(super) fn banded(label: &str, style: LineStyle, s: &Stat) -> Series {
    Series {
        label: label.to_string(),
        style,
        values: s.mean.clone(),
        band: Some((s.p5.clone(), s.p95.clone())),
    }
}

/// A line without a band.
pub(super) fn plain(label: &str, style: LineStyle, values: Vec<f64>) -> Series {
    Series {
        label: label.to_string(),
        style,
        values,
        band: None,
    }
}

pub(super) fn all_zero(values: &[f64]) -> bool {
    values.iter().all(|&v| v == 0.0)
}

/// The mean of each day and the `window - 1` days before it (fewer at the start).
pub(super) fn trailing_mean(values: &[f64], window: usize) -> Vec<f64> {
    (0..values.len())
        .map(|d| {
            let from = (d + 1).saturating_sub(window);
            values[from..=d].iter().sum::<f64>() / (d + 1 - from) as f64
        })
        .collect()
}

pub(super) fn cumulative(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .scan(0.0, |acc, v| {
            *acc += v;
            Some(*acc)
        })
        .collect()
}
