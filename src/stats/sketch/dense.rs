//! The dense run of a quantile sketch: the counts of consecutive buckets, each count stored in
//! as few bytes as the largest count of the run needs (1, 2 or 4).
//!
//! A study keeps a sketch per day, item, region and measure for every arm: 374,400 cells for
//! `china-2020`, of which about 110,000 see a value that is not zero. With tens of
//! replications, no bucket of a cell counts more than 255 of them, yet a run spans up to
//! [`DENSE_MAX`](super::DENSE_MAX) buckets; at four bytes a count the runs were two thirds of
//! an arm's memory. Counts start at one byte and the whole run moves to two, then four, the
//! first time one of its counts would not fit.

/// Counts of the buckets `lo..lo + len()`, `1 << shift` little-endian bytes each.
#[derive(Debug, Clone)]
pub(super) struct DenseRun {
    /// The first bucket.
    lo: i32,
    /// Bytes per count, as a power of two: 0, 1 or 2 (a shift rather than a width, so that
    /// the length is not a division on every count).
    shift: u8,
    /// The counts.
    bytes: Vec<u8>,
}

/// The count at `i` of counts `W` bytes wide.
#[inline]
fn load<const W: usize>(bytes: &[u8], i: usize) -> u32 {
    let mut le = [0u8; 4];
    le[..W].copy_from_slice(&bytes[i * W..(i + 1) * W]);
    u32::from_le_bytes(le)
}

/// Sets the count at `i` of counts `W` bytes wide (`v` fits in them).
#[inline]
fn store<const W: usize>(bytes: &mut [u8], i: usize, v: u32) {
    bytes[i * W..(i + 1) * W].copy_from_slice(&v.to_le_bytes()[..W]);
}

/// The shift of the fewest bytes (1, 2 or 4) that hold `v`.
fn shift_of(v: u32) -> u8 {
    match v {
        0..=0xff => 0,
        0x100..=0xffff => 1,
        _ => 2,
    }
}

impl DenseRun {
    /// A run of no buckets.
    pub const fn new() -> DenseRun {
        DenseRun {
            lo: 0,
            shift: 0,
            bytes: Vec::new(),
        }
    }

    /// The first bucket (meaningless while the run is empty).
    pub fn lo(&self) -> i32 {
        self.lo
    }

    /// Buckets the run spans.
    pub fn len(&self) -> usize {
        self.bytes.len() >> self.shift
    }

    /// Whether the run spans no bucket.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Bytes the counts take (for tests of a sketch's size).
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }

    /// The count at offset `i` of the run.
    #[inline]
    fn get(&self, i: usize) -> u32 {
        match self.shift {
            0 => load::<1>(&self.bytes, i),
            1 => load::<2>(&self.bytes, i),
            _ => load::<4>(&self.bytes, i),
        }
    }

    /// Sets the count at offset `i`, widening every count first if `v` does not fit.
    #[inline]
    fn set(&mut self, i: usize, v: u32) {
        if shift_of(v) > self.shift {
            self.widen_counts(shift_of(v));
        }
        match self.shift {
            0 => store::<1>(&mut self.bytes, i, v),
            1 => store::<2>(&mut self.bytes, i, v),
            _ => store::<4>(&mut self.bytes, i, v),
        }
    }

    /// Counts `n` more in bucket `b` when the run spans it; false (and nothing counted) when
    /// it does not.
    #[inline]
    pub fn add(&mut self, b: i32, n: u32) -> bool {
        // Below `lo` the difference is negative and, as usize, far out of range.
        let i = b.wrapping_sub(self.lo) as usize;
        if i >= self.len() {
            return false;
        }
        self.set(i, self.get(i) + n);
        true
    }

    /// Rewrites every count `1 << shift` bytes wide (wider than now): rare, as it happens at
    /// most twice in a run's life.
    #[cold]
    #[inline(never)]
    fn widen_counts(&mut self, shift: u8) {
        let counts: Vec<u32> = (0..self.len()).map(|i| self.get(i)).collect();
        self.shift = shift;
        self.bytes = vec![0; counts.len() << shift];
        counts.iter().enumerate().for_each(|(i, &c)| self.set(i, c));
    }

    /// Makes the run `len` buckets from `lo`, every count zero but `n` in bucket `b`.
    pub fn start(&mut self, lo: i32, len: usize, b: i32, n: u32) {
        self.lo = lo;
        self.shift = 0;
        self.bytes = vec![0; len];
        self.set((b - lo) as usize, n);
    }

    /// Widens the run by `by` empty buckets before its first.
    pub fn extend_front(&mut self, by: usize) {
        let more = by << self.shift;
        let mut grown = Vec::with_capacity(self.bytes.len() + more);
        grown.resize(more, 0);
        grown.extend_from_slice(&self.bytes);
        self.bytes = grown;
        self.lo -= by as i32;
    }

    /// Widens the run by `by` empty buckets after its last.
    pub fn extend_back(&mut self, by: usize) {
        let more = by << self.shift;
        self.bytes.reserve_exact(more);
        self.bytes.resize(self.bytes.len() + more, 0);
    }

    /// Every (bucket, count) of the run in bucket order, empty buckets included.
    pub fn counts(&self) -> impl Iterator<Item = (i32, u32)> + '_ {
        (self.lo..).zip((0..self.len()).map(|i| self.get(i)))
    }

    /// Reads one byte from each cache line of the counts and returns their sum, to be thrown
    /// away (see [`QuantileSketch::touch`](super::QuantileSketch::touch)).
    pub fn touch(&self) -> u32 {
        self.bytes
            .iter()
            .step_by(64)
            .fold(0, |s, &b| s.wrapping_add(u32::from(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_widen_when_one_no_longer_fits() {
        let mut run = DenseRun::new();
        run.start(100, 9, 104, 1);
        assert_eq!((run.shift, run.bytes()), (0, 9));
        assert!(run.add(104, 254));
        assert_eq!(run.shift, 0, "255 fits in a byte");
        assert!(run.add(100, 1) && run.add(104, 1));
        assert_eq!((run.shift, run.bytes()), (1, 18));
        assert!(run.add(108, 70_000));
        assert_eq!((run.shift, run.bytes()), (2, 36));
        let counts: Vec<(i32, u32)> = run.counts().filter(|&(_, c)| c > 0).collect();
        assert_eq!(counts, [(100, 1), (104, 256), (108, 70_000)]);
        assert!(!run.add(99, 1) && !run.add(109, 1), "outside the run");
    }

    proptest! {
        /// Whatever the widths it passes through, a run counts as a list of `u32` would.
        #[test]
        fn a_run_counts_as_plain_counts_would(
            steps in prop::collection::vec(
                (0usize..4, -20i32..40, prop_oneof![1u32..4, 200u32..300, 60_000u32..70_000]),
                1..200),
        ) {
            let mut run = DenseRun::new();
            run.start(0, 9, 4, 1);
            let (mut lo, mut model) = (0i32, vec![0u32; 9]);
            model[4] = 1;
            for (op, b, n) in steps {
                match op {
                    0 => {
                        run.extend_front(3);
                        lo -= 3;
                        model.splice(0..0, [0; 3]);
                    }
                    1 => {
                        run.extend_back(2);
                        model.extend([0; 2]);
                    }
                    _ => {
                        let inside = b >= lo && ((b - lo) as usize) < model.len();
                        prop_assert_eq!(run.add(b, n), inside);
                        if inside {
                            model[(b - lo) as usize] += n;
                        }
                    }
                }
                let max = model.iter().copied().max().unwrap_or(0);
                prop_assert_eq!(run.shift, shift_of(max));
            }
            prop_assert_eq!(run.lo(), lo);
            let counts: Vec<u32> = run.counts().map(|(_, c)| c).collect();
            prop_assert_eq!(counts, model);
        }
    }
}
