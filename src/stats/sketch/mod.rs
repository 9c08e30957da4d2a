//! A deterministic streaming quantile sketch in the manner of DDSketch (Masson, Rim and Lee,
//! VLDB 2019): values are counted in logarithmic buckets, so a quantile is known to a relative
//! accuracy without keeping the values.
//!
//! The bucket of a value is computed from the bits of its binary representation with integer
//! arithmetic only: each power of two `[2^e, 2^(e+1))` is cut into [`BUCKETS_PER_OCTAVE`]
//! buckets of equal width, `[2^e (1 + j/100), 2^e (1 + (j+1)/100))`. A bucket's upper end is at
//! most `1 + 1/100` times its lower end, and it is represented by the value between them with
//! the same relative distance to both ends, so any value in it is within
//! [`RELATIVE_ACCURACY`] (1/201, just under 0.5 %) of its representative. Zero (and anything
//! smaller in magnitude than the smallest normal `f64`, 2.2e-308) has a bucket of its own and
//! negative values mirror positive ones. When every value counted is a whole number (units of
//! stock) and a bucket holds a single whole number (always so below 100), that number is its
//! exact value.
//!
//! The sketch's state is its bucket counts and the exact minimum and maximum, none of which
//! depends on the order values arrive in; and no step uses a transcendental function, so its
//! results are the same bytes on every platform.
//!
//! Positive values (as one cell's values across replications are, and tightly clustered) are
//! counted in a dense run of buckets, at most [`DENSE_MAX`] wide, that widens to take them: a
//! value costs one increment, with no search and no insertion. A value that would make the run
//! wider, and any negative value, goes to a sorted list of (bucket, count). Either way a sketch
//! costs a few bytes per bucket its values span, not per value: the run's counts take one byte
//! each until one of them passes 255, then two, then four ([`dense`]).

mod dense;

use dense::DenseRun;

/// Buckets per power of two.
pub const BUCKETS_PER_OCTAVE: u64 = 100;

/// Largest relative distance between a value and the representative of its bucket:
/// `1 / (2 * BUCKETS_PER_OCTAVE + 1)`.
pub const RELATIVE_ACCURACY: f64 = 1.0 / (2 * BUCKETS_PER_OCTAVE + 1) as f64;

/// Added to the bucket number of a magnitude so that every bucket of a positive value is
/// positive (magnitude bucket numbers lie in `-102_200..=102_499`).
const OFFSET: i32 = 1 << 20;

/// Most buckets the dense run spans (a factor of 5.9 between its ends): 256 bytes of counts
/// while no count passes 255, 1 KB at most.
const DENSE_MAX: usize = 256;

/// Fewest buckets the dense run widens by past a new value (and its width either side of
/// its first value).
const SLACK_MIN: usize = 4;

/// Buckets the dense run widens by past a new value, for a run of `span` buckets once widened
/// to it: in proportion, so that a run widens a few times over its life.
fn slack(span: usize) -> usize {
    (span / 4).max(SLACK_MIN)
}

/// Bits of the significand of an `f64`.
const SIGNIFICAND_BITS: u32 = 52;

/// A quantile sketch of a stream of values (see the module documentation).
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    /// Counts of a run of positive buckets (at most [`DENSE_MAX`]).
    dense: DenseRun,
    /// (bucket, count) of the other non-zero values, sorted by bucket; bucket order is value
    /// order (negative values have negative buckets). No bucket is in both: one goes here
    /// only when the run cannot widen to it, and the run never narrows.
    sparse: Vec<(i32, u32)>,
    /// Count of bucket 0 (zero), kept apart: most cells of a study are zero in every
    /// replication, and counting those must not touch the bucket list.
    zeros: u32,
    /// Values seen.
    count: u64,
    /// Smallest value seen.
    min: f64,
    /// Largest value seen.
    max: f64,
    /// Whether every value seen is a whole number.
    whole: bool,
}

impl PartialEq for QuantileSketch {
    /// Whether both counted the same values: the same count in each bucket and the same
    /// extremes, however the counts are laid out (which follows the order values came in).
    fn eq(&self, other: &Self) -> bool {
        (self.zeros, self.count, self.min, self.max, self.whole)
            == (other.zeros, other.count, other.min, other.max, other.whole)
            && self.counts().eq(other.counts())
    }
}

/// Counts `n` values of bucket `b` in a sorted list of (bucket, count).
fn add_sparse(list: &mut Vec<(i32, u32)>, b: i32, n: u32) {
    match list.binary_search_by_key(&b, |&(k, _)| k) {
        Ok(i) => list[i].1 += n,
        Err(i) => list.insert(i, (b, n)),
    }
}

impl Default for QuantileSketch {
    fn default() -> Self {
        QuantileSketch::new()
    }
}

/// The bucket of `x` (0 for zero; the sign of `x` otherwise).
fn bucket(x: f64) -> i32 {
    let a = x.abs();
    if a.is_nan() || a < f64::MIN_POSITIVE {
        return 0;
    }
    let bits = a.to_bits();
    let exponent = (bits >> SIGNIFICAND_BITS) as i32 - 1023;
    let fraction = bits & ((1 << SIGNIFICAND_BITS) - 1);
    let j = ((fraction * BUCKETS_PER_OCTAVE) >> SIGNIFICAND_BITS) as i32;
    let b = exponent * BUCKETS_PER_OCTAVE as i32 + j + OFFSET;
    if x > 0.0 { b } else { -b }
}

/// Whether `x` is a whole number (`x.fract() == 0.0`, without the call to `trunc` that costs
/// where the CPU baseline has no rounding instruction).
fn is_whole(x: f64) -> bool {
    // Every finite f64 of magnitude 2^52 or more is whole; below, the conversion is exact.
    if x.abs() >= (1u64 << SIGNIFICAND_BITS) as f64 {
        x.is_finite()
    } else {
        (x as i64) as f64 == x
    }
}

/// The only whole number in a bucket, when it holds exactly one (a bucket is narrower than 1
/// below 100, so every whole number there has a bucket of its own).
fn only_whole_number(b: i32) -> Option<f64> {
    if b == 0 {
        return Some(0.0);
    }
    let k = b.abs() - OFFSET;
    let m = BUCKETS_PER_OCTAVE as i64;
    let (exponent, j) = (i64::from(k).div_euclid(m), i64::from(k).rem_euclid(m));
    if !(0..=52).contains(&exponent) {
        return None;
    }
    // The bucket is [2^e (m + j) / m, 2^e (m + j + 1) / m): scaled by m, integers.
    let (lo, hi) = ((m + j) << exponent, (m + j + 1) << exponent);
    let first = (lo + m - 1) / m;
    let only = first * m < hi && (first + 1) * m >= hi;
    only.then(|| {
        let v = first as f64;
        if b > 0 { v } else { -v }
    })
}

/// The representative of a bucket: for `[lo, hi)`, `2 lo hi / (lo + hi)`, whose relative
/// distance to both ends is the same.
fn representative(b: i32) -> f64 {
    if b == 0 {
        return 0.0;
    }
    let k = b.abs() - OFFSET;
    let m = BUCKETS_PER_OCTAVE as i32;
    let (exponent, j) = (k.div_euclid(m), k.rem_euclid(m));
    // lo = 2^e (m + j) / m and hi = 2^e (m + j + 1) / m; the integers are exact in f64.
    let (lo, hi) = (f64::from(m + j), f64::from(m + j + 1));
    let scaled = 2.0 * lo * hi / (f64::from(m) * (lo + hi));
    let power = f64::from_bits(((exponent + 1023) as u64) << SIGNIFICAND_BITS);
    let v = scaled * power;
    if b > 0 { v } else { -v }
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> QuantileSketch {
        QuantileSketch {
            dense: DenseRun::new(),
            sparse: Vec::new(),
            zeros: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            whole: true,
        }
    }

    /// Counts a value (finite; NaN is not a value).
    pub fn insert(&mut self, x: f64) {
        self.insert_all(std::slice::from_ref(&x));
    }

    /// Counts `values` (finite), as inserting each in turn would: one cell's values of a batch
    /// of replications, with the count, extremes and wholeness updated once for the batch
    /// rather than written back per value. A run of equal values (a cell that is the same in
    /// several replications) is counted at once, its bucket computed once.
    pub fn insert_all(&mut self, values: &[f64]) {
        debug_assert!(
            values.iter().all(|x| !x.is_nan()),
            "a quantile sketch takes numbers"
        );
        let (mut min, mut max, mut whole) = (self.min, self.max, self.whole);
        let mut rest = values;
        while let [x, ..] = *rest {
            let run = rest
                .iter()
                .position(|v| v.to_bits() != x.to_bits())
                .unwrap_or(rest.len());
            rest = &rest[run..];
            let n = run as u32;
            let b = bucket(x);
            if b > 0 {
                if !self.dense.add(b, n) {
                    self.widen(b, n);
                }
            } else if b == 0 {
                self.zeros += n;
            } else {
                add_sparse(&mut self.sparse, b, n);
            }
            // In arrival order: the sign of a zero extreme follows it (and taking the same
            // value again changes neither extreme).
            min = min.min(x);
            max = max.max(x);
            whole = whole && is_whole(x);
        }
        self.count += values.len() as u64;
        (self.min, self.max, self.whole) = (min, max, whole);
    }

    /// Counts `n` values of positive bucket `b`, outside the dense run: in the run widened to
    /// take it if it stays within [`DENSE_MAX`], else in the sparse list. The run widens past
    /// `b` by [`slack`] buckets (as far as [`DENSE_MAX`] allows), so that the next values a
    /// little further out count in it without widening it again: widening one bucket at a time
    /// was a tenth of the inserts and a copy of the run each.
    #[cold]
    #[inline(never)]
    fn widen(&mut self, b: i32, n: u32) {
        if self.dense.is_empty() {
            self.dense
                .start(b - SLACK_MIN as i32, 2 * SLACK_MIN + 1, b, n);
            return;
        }
        let (lo, len) = (self.dense.lo(), self.dense.len());
        let end = lo + len as i32;
        let span = (end.max(b + 1) - lo.min(b)) as usize;
        if span > DENSE_MAX {
            add_sparse(&mut self.sparse, b, n);
            return;
        }
        let by = (span - len + slack(span)).min(DENSE_MAX - len);
        if b < lo {
            self.dense.extend_front(by);
        } else {
            self.dense.extend_back(by);
        }
        let counted = self.dense.add(b, n);
        debug_assert!(counted, "the run widened to take the bucket");
    }

    /// Reads one count from each cache line of the sketch's counts and returns their sum, to
    /// be thrown away: done for many sketches before inserting into them, it brings their
    /// counts into cache with the reads overlapping rather than one miss at a time.
    pub fn touch(&self) -> u32 {
        // Eight (bucket, count) pairs fill a 64-byte line.
        let sparse = self.sparse.iter().step_by(8).map(|&(_, c)| c);
        sparse.fold(self.dense.touch(), u32::wrapping_add)
    }

    /// Counts `k` zeros (as `k` calls of `insert(0.0)` would).
    pub fn insert_zeros(&mut self, k: u32) {
        if k == 0 {
            return;
        }
        self.zeros += k;
        self.count += u64::from(k);
        self.min = self.min.min(0.0);
        self.max = self.max.max(0.0);
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Distinct buckets in use (the sketch's size; for tests of what it holds).
    #[cfg(test)]
    pub(crate) fn buckets(&self) -> usize {
        self.counts().count()
    }

    /// Every (bucket, count) in value order, each bucket once, the zero bucket in its place.
    fn counts(&self) -> impl Iterator<Item = (i32, u32)> + '_ {
        let negative = self.sparse.partition_point(|&(b, _)| b < 0);
        let zero = (self.zeros > 0).then_some((0, self.zeros));
        let mut dense = self.dense.counts().filter(|&(_, c)| c > 0).peekable();
        let mut sparse = self.sparse[negative..].iter().copied().peekable();
        let positive = std::iter::from_fn(move || match (dense.peek(), sparse.peek()) {
            (Some(&(d, _)), Some(&(s, _))) if s < d => sparse.next(),
            (Some(_), _) => dense.next(),
            (None, _) => sparse.next(),
        });
        self.sparse[..negative]
            .iter()
            .copied()
            .chain(zero)
            .chain(positive)
    }

    /// The value a bucket stands for: exact when every value is a whole number and the bucket
    /// holds a single one, else its representative, kept within the smallest and largest.
    fn bucket_value(&self, b: i32) -> f64 {
        let whole = if self.whole {
            only_whole_number(b)
        } else {
            None
        };
        whole
            .unwrap_or_else(|| representative(b))
            .clamp(self.min, self.max)
    }

    /// The `i`-th and `i + 1`-th smallest values (0-based, `i + 1 < count`), from one walk of
    /// the buckets: exact for the smallest and largest, otherwise their buckets' values (see
    /// [`QuantileSketch::bucket_value`]).
    fn adjacent_order_statistics(&self, i: u64) -> (f64, f64) {
        debug_assert!(i + 1 < self.count);
        let (mut first, mut second) = (None, None);
        let mut seen = 0u64;
        for (b, c) in self.counts() {
            seen += u64::from(c);
            if first.is_none() && seen > i {
                first = Some(b);
            }
            if seen > i + 1 {
                second = Some(b);
                break;
            }
        }
        let value = |b: Option<i32>| b.map_or(self.max, |b| self.bucket_value(b));
        let a = if i == 0 { self.min } else { value(first) };
        let b = if i + 2 == self.count {
            self.max
        } else {
            value(second)
        };
        (a, b)
    }

    /// The `tau` quantile by the definition of statrs' `Data::quantile` (Hyndman and Fan's
    /// type 8: interpolated between the two order statistics around `(n + 1/3) tau + 1/3`),
    /// with each order statistic read from its bucket: within [`RELATIVE_ACCURACY`] of the
    /// exact value, and exact when it is the smallest or largest value. NaN when empty or when
    /// `tau` is outside `0..=1`.
    pub fn quantile(&self, tau: f64) -> f64 {
        let (i, frac) = match self.position(tau) {
            Position::Value(v) => return v,
            Position::Between { i, frac } => (i, frac),
        };
        // Every value is the same number (two cells in three of a study are zero throughout):
        // each order statistic is it, clamped between the extremes, and so is the quantile,
        // without walking the buckets twice. Not for -0.0 extremes, whose bucket's
        // representative is +0.0.
        if self.min.to_bits() == self.max.to_bits() && self.min.to_bits() != (-0.0f64).to_bits() {
            return self.min;
        }
        let (a, b) = self.adjacent_order_statistics(i);
        a + frac * (b - a)
    }

    /// Where the `tau` quantile falls by statrs' definition (see [`QuantileSketch::quantile`]).
    fn position(&self, tau: f64) -> Position {
        if !(0.0..=1.0).contains(&tau) || self.count == 0 {
            return Position::Value(f64::NAN);
        }
        let h = (self.count as f64 + 1.0 / 3.0) * tau + 1.0 / 3.0;
        let hf = h as i64;
        if hf <= 0 || tau == 0.0 {
            return Position::Value(self.min);
        }
        if hf >= self.count as i64 || tau == 1.0 {
            return Position::Value(self.max);
        }
        Position::Between {
            i: hf as u64 - 1,
            frac: h - hf as f64,
        }
    }
}

/// Where a quantile falls among a sketch's order statistics.
enum Position {
    /// Known without reading the buckets (NaN, the smallest or the largest value).
    Value(f64),
    /// Between the `i`-th and the next smallest value, `frac` of the way.
    Between { i: u64, frac: f64 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile;
    use proptest::prelude::*;

    fn sketch(values: &[f64]) -> QuantileSketch {
        let mut s = QuantileSketch::new();
        values.iter().for_each(|&v| s.insert(v));
        s
    }

    /// The `i`-th smallest value as [`QuantileSketch::quantile`] read it first, one walk of
    /// the buckets per order statistic: the reference for the single walk.
    fn order_statistic(s: &QuantileSketch, i: u64) -> f64 {
        if i == 0 {
            return s.min;
        }
        if i + 1 == s.count {
            return s.max;
        }
        let mut seen = 0u64;
        for (b, c) in s.counts() {
            seen += u64::from(c);
            if seen > i {
                return s.bucket_value(b);
            }
        }
        s.max
    }

    /// [`QuantileSketch::quantile`] as first written, each order statistic on its own.
    fn quantile_by_order_statistics(s: &QuantileSketch, tau: f64) -> f64 {
        match s.position(tau) {
            Position::Value(v) => v,
            Position::Between { i, frac } => {
                let a = order_statistic(s, i);
                let b = order_statistic(s, i + 1);
                a + frac * (b - a)
            }
        }
    }

    #[test]
    fn every_value_is_within_the_accuracy_of_its_representative() {
        let mut x = 1e-300;
        while x < 1e300 {
            for v in [x, -x, x * 1.0049, x * 1.00999] {
                let r = representative(bucket(v));
                assert!(
                    ((r - v) / v).abs() <= RELATIVE_ACCURACY * (1.0 + 1e-12),
                    "{v} -> {r}"
                );
            }
            x *= 1.37;
        }
        assert_eq!(representative(bucket(0.0)), 0.0);
        assert_eq!(representative(bucket(-0.0)), 0.0);
        assert!(bucket(-2.0) < bucket(-1.0) && bucket(-1.0) < 0 && 0 < bucket(1e-300));
    }

    #[test]
    fn whole_numbers_alone_in_their_bucket_are_exact() {
        for x in (0..5000).map(f64::from) {
            let only = only_whole_number(bucket(x));
            if x < 100.0 {
                assert_eq!(only, Some(x));
            }
            assert!(only.is_none_or(|v| v == x), "{x}: {only:?}");
            assert_eq!(only_whole_number(bucket(-x)), only.map(|v| -v));
        }
        // Above 100 some buckets hold two whole numbers, and half-units are not whole.
        assert_eq!(only_whole_number(bucket(4000.0)), None);
        let s = sketch(&[3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0, 89.0]);
        let v = [3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0, 89.0];
        for tau in [0.05, 0.25, 0.5, 0.75, 0.95] {
            assert_eq!(s.quantile(tau), quantile(&v, tau), "{tau}");
        }
        let halves = sketch(&[3.5, 5.0, 8.0, 13.0, 21.0]);
        assert_ne!(halves.quantile(0.5), 8.0);
    }

    #[test]
    fn bucket_order_is_value_order() {
        let mut values: Vec<f64> = (-2000..2000).map(|i| i as f64 * 0.37).collect();
        values.extend([1e-200, -1e-200, 1e200, f64::MIN_POSITIVE, 0.0]);
        values.sort_by(f64::total_cmp);
        for w in values.windows(2) {
            assert!(bucket(w[0]) <= bucket(w[1]), "{} {}", w[0], w[1]);
        }
    }

    #[test]
    fn extremes_and_constant_cells_are_exact() {
        let s = sketch(&[7.25; 50]);
        assert_eq!(s.buckets(), 1);
        for tau in [0.0, 0.05, 0.5, 0.95, 1.0] {
            assert_eq!(s.quantile(tau), 7.25);
        }
        // With 4 values, P5 and P95 are the smallest and largest (as with exact quantiles).
        let v = [3.1, -2.0, 11.7, 0.0];
        let s = sketch(&v);
        assert_eq!(s.quantile(0.05), quantile(&v, 0.05));
        assert_eq!(s.quantile(0.95), quantile(&v, 0.95));
        assert!(QuantileSketch::new().quantile(0.5).is_nan());
        assert!(s.quantile(1.5).is_nan());
    }

    #[test]
    fn values_beyond_the_dense_run_keep_their_order() {
        // 10 starts the run; 1.5 and 1e6 are too far from it, 5 and 20 widen it.
        let v = [10.0, 1.5, 1e6, 5.0, 20.0, 1.5, 12.0, 0.0, -3.0, 25.0];
        let s = sketch(&v);
        let listed = |x: f64| s.sparse.iter().any(|&(b, _)| b == bucket(x));
        assert!(listed(1.5) && listed(1e6) && listed(-3.0), "{:?}", s.sparse);
        assert!(s.dense.len() <= DENSE_MAX);
        let run = s.dense.lo()..s.dense.lo() + s.dense.len() as i32;
        assert!(
            s.sparse.iter().all(|(b, _)| !run.contains(b)),
            "no bucket in both"
        );
        let buckets: Vec<i32> = s.counts().map(|(b, _)| b).collect();
        assert!(buckets.windows(2).all(|w| w[0] < w[1]), "{buckets:?}");
        assert_eq!(
            s.counts().map(|(_, c)| u64::from(c)).sum::<u64>(),
            s.count()
        );
        for tau in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let (q, exact) = (s.quantile(tau), quantile(&v, tau));
            assert!(
                (q - exact).abs() <= 2.0 * RELATIVE_ACCURACY * exact.abs(),
                "{tau}"
            );
        }
    }

    #[test]
    fn memory_follows_the_spread_not_the_count() {
        let mut s = QuantileSketch::new();
        for i in 0..100_000 {
            s.insert(1000.0 + (i % 97) as f64);
        }
        assert_eq!(s.count(), 100_000);
        // 1000..1096 spans log2(1.097) * 100 ≈ 14 buckets.
        assert!(s.buckets() <= 15, "{}", s.buckets());
        // About 1,031 values a bucket: two bytes a count.
        assert_eq!(s.dense.bytes(), 2 * s.dense.len());
    }

    #[test]
    fn tens_of_values_take_a_byte_per_bucket() {
        // A cell of a 30-replication study, its values spread over an octave and more.
        let v: Vec<f64> = (0..30).map(|i| 40.0 + 3.1 * f64::from(i)).collect();
        let s = sketch(&v);
        assert!(
            s.sparse.is_empty() && s.dense.len() > 100,
            "{}",
            s.dense.len()
        );
        assert_eq!(s.dense.bytes(), s.dense.len());
        for tau in [0.05, 0.5, 0.95] {
            let (q, exact) = (s.quantile(tau), quantile(&v, tau));
            assert!(
                (q - exact).abs() <= 2.0 * RELATIVE_ACCURACY * exact,
                "{tau}"
            );
        }
    }

    proptest! {
        #[test]
        fn quantiles_are_within_the_relative_accuracy_and_order_free(
            mut values in prop::collection::vec(
                prop_oneof![0.0..1e6f64, -1e3..0.0f64, Just(0.0)], 1..300),
            tau in 0.0..=1.0f64,
        ) {
            let exact = quantile(&values, tau);
            let s = sketch(&values);
            let q = s.quantile(tau);
            // Interpolating between two order statistics, each within the accuracy.
            let n = values.len() as f64;
            let h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0;
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let hf = (h as usize).clamp(1, values.len());
            let bound = RELATIVE_ACCURACY * (sorted[hf - 1].abs() + sorted[hf.min(values.len() - 1)].abs());
            prop_assert!((q - exact).abs() <= bound * (1.0 + 1e-9) + 1e-12, "{q} vs {exact}");
            values.reverse();
            prop_assert_eq!(sketch(&values), s);
        }

        #[test]
        fn values_at_once_are_values_one_by_one(
            values in prop::collection::vec(
                prop_oneof![1.0..1e3f64, 1e3..1e6f64, -1e3..0.0f64, Just(0.0), Just(-0.0),
                    (0..300).prop_map(f64::from)], 0..200),
            chunk in 1usize..20,
        ) {
            let one = sketch(&values);
            let mut all = QuantileSketch::new();
            values.chunks(chunk).for_each(|c| all.insert_all(c));
            prop_assert_eq!(&all, &one);
            prop_assert_eq!((all.min.to_bits(), all.max.to_bits()), (one.min.to_bits(), one.max.to_bits()));
            prop_assert!(all.dense.len() <= DENSE_MAX);
            prop_assert_eq!(all.counts().map(|(_, c)| u64::from(c)).sum::<u64>(), all.count());
        }

        /// Runs of equal values (as a cell that is the same in several replications gives),
        /// the single-value shortcut and the single walk leave every quantile's bytes as they
        /// were, signed zeros included.
        #[test]
        fn quantiles_are_those_of_one_value_and_one_walk_at_a_time(
            values in prop::collection::vec(
                prop_oneof![Just(0.0), Just(-0.0), Just(3.0), Just(7.25), Just(-2.0),
                    (0..40).prop_map(f64::from), 0.5..1e4f64], 1..120),
            chunk in 1usize..24,
            tau in prop_oneof![Just(0.05), Just(0.95), 0.0..=1.0f64],
        ) {
            let one = sketch(&values);
            let mut runs = QuantileSketch::new();
            values.chunks(chunk).for_each(|c| runs.insert_all(c));
            prop_assert_eq!(&runs, &one);
            let expected = quantile_by_order_statistics(&one, tau);
            prop_assert_eq!(runs.quantile(tau).to_bits(), expected.to_bits());
            // The same value throughout, however often and whatever its sign.
            let same = sketch(&vec![values[0]; values.len()]);
            let expected = quantile_by_order_statistics(&same, tau);
            prop_assert_eq!(same.quantile(tau).to_bits(), expected.to_bits());
        }

        #[test]
        fn is_whole_is_fract_zero(x in prop_oneof![
            any::<f64>(),
            (-1e17..1e17f64).prop_map(f64::round),
            Just(f64::INFINITY),
            Just(-0.0),
        ]) {
            prop_assume!(!x.is_nan());
            prop_assert_eq!(is_whole(x), x.fract() == 0.0);
        }

        #[test]
        fn zeros_at_once_are_zeros_one_by_one(values in prop::collection::vec(-5.0..5.0f64, 0..20), k in 0u32..40) {
            let mut one = sketch(&values);
            let mut all = one.clone();
            (0..k).for_each(|_| one.insert(0.0));
            all.insert_zeros(k);
            prop_assert_eq!(all, one);
        }
    }
}
