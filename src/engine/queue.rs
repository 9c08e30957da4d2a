//! The deterministic event queue: events are totally ordered by
//! (time, priority class, owning entity, sequence number), so simultaneous events never depend
//! on how a heap happens to break ties.
//!
//! # How it works
//!
//! A discrete-event simulation pops events in time order and schedules new ones no earlier
//! than the clock, so the queue is a *monotone* radix structure (a hierarchical timing wheel)
//! rather than a comparison heap:
//!
//! - Times are mapped order-preservingly to `u64`. A `base` time splits them into 8 levels of
//!   8-bit digits: an event whose time first differs from `base` in digit `l` waits unsorted in
//!   bucket `(l, its digit l)`. A push is an append (`O(1)`), and every bucket of a lower level,
//!   or of the same level and a smaller digit, holds only earlier times.
//! - The *near* set holds every event before `hi`; every bucket holds only events at or after
//!   `hi`. Pops come from the near set: sorted once when it is made (latest first, so that a pop
//!   takes the last), with events pushed into it meanwhile in a binary heap beside it, each pop
//!   taking the earlier of the two. Pushes before `hi` (including, should a caller ever do it,
//!   before the clock) join the near set, so the order stays exact whatever is pushed.
//! - When the near set runs dry, the lowest non-empty bucket is taken (found with per-level
//!   occupancy bit masks) and `base` moves to its start. A small bucket (or a level-0 bucket, all
//!   one time) becomes the near set; a larger one is split into the level below. So each event
//!   is moved a few times at most, in bulk and in cache-friendly appends, and never compared
//!   against the whole queue.
//!
//! Within the near set the full key decides, so the total order is exactly
//! (time, class, entity, seq), the same as a binary heap of [`Key`]s would give.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Simulation time in ticks (minutes).
pub type Tick = i64;

/// The total-order key of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// When.
    pub time: Tick,
    /// Priority class among simultaneous events (lower first).
    pub class: u8,
    /// The entity that owns (handles) the event.
    pub entity: u32,
    /// Scheduling sequence number, the final tie-break.
    pub seq: u64,
}

/// Bits of time per wheel level (256 buckets a level).
const DIGIT_BITS: u32 = 8;
/// Buckets per level.
const DIGITS: usize = 1 << DIGIT_BITS;
/// Levels needed to cover 64-bit times.
const LEVELS: usize = u64::BITS.div_ceil(DIGIT_BITS) as usize;
/// Largest bucket (of any level) taken whole as the near set, and sorted with the next level-0
/// buckets it takes up to this size; a bucket with more events is split into the level below
/// (or, at level 0, sorted).
const NEAR_SMALL: usize = 8;
/// Capacity (in events) an emptied bucket keeps. Larger allocations go to a few spares that a
/// bucket outgrowing this size takes over, so memory follows the events pending (not the
/// largest burst each bucket ever saw) and large buckets are not regrown from scratch.
const RETAIN: usize = 64;
/// Most events' room [`EventQueue::clear`] keeps in the buckets (a few MB).
const KEEP: usize = 1 << 16;
/// Most spare allocations kept (the largest).
const SPARES: usize = 4;

/// Maps a time to `u64`, preserving order.
fn unsigned(time: Tick) -> u64 {
    (time as u64) ^ (1 << 63)
}

/// An event with its key, packed for cheap comparisons.
struct Slot<E> {
    /// [`unsigned`] time.
    time: u64,
    /// Class in bits 32..40, entity in bits 0..32.
    class_entity: u64,
    seq: u64,
    event: E,
}

impl<E> Slot<E> {
    /// The total order, as integers: (time, class, entity) then seq.
    #[inline(always)]
    fn order(&self) -> (u128, u64) {
        (
            (u128::from(self.time) << 64) | u128::from(self.class_entity),
            self.seq,
        )
    }

    fn key(&self) -> Key {
        Key {
            time: (self.time ^ (1 << 63)) as Tick,
            class: (self.class_entity >> 32) as u8,
            entity: self.class_entity as u32,
            seq: self.seq,
        }
    }
}

impl<E> PartialEq for Slot<E> {
    fn eq(&self, other: &Self) -> bool {
        self.order() == other.order()
    }
}
impl<E> Eq for Slot<E> {}
impl<E> PartialOrd for Slot<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Slot<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the smallest key pops first.
        other.order().cmp(&self.order())
    }
}

/// A priority queue of events of type `E`, popped in (time, class, entity, seq) order.
pub struct EventQueue<E> {
    /// Every bucketed event's time shares with `base` all digits above its level.
    base: u64,
    /// Events before `hi` are in the near set; bucketed events are at or after it.
    hi: u64,
    /// Bit `l` set: level `l` has a non-empty bucket.
    occupied: u64,
    /// Per level, bit `d` set: bucket `(l, d)` is non-empty.
    masks: [[u64; DIGITS / 64]; LEVELS],
    buckets: Box<[[Vec<Slot<E>>; DIGITS]; LEVELS]>,
    /// Emptied allocations larger than [`RETAIN`], for growing buckets.
    spares: Vec<Vec<Slot<E>>>,
    /// The near set, sorted latest first (so the next event is last): one sort is cheaper than
    /// a heap pop per event, and than finding the earliest of a few unsorted events on each pop.
    sorted: Vec<Slot<E>>,
    /// Events added to the near set once it is sorted, in a heap beside `sorted`.
    heap: BinaryHeap<Slot<E>>,
    len: usize,
    seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        let buckets: Box<[[Vec<Slot<E>>; DIGITS]]> = (0..LEVELS)
            .map(|_| std::array::from_fn(|_| Vec::new()))
            .collect();
        EventQueue {
            base: 0,
            hi: 0,
            occupied: 0,
            masks: [[0; DIGITS / 64]; LEVELS],
            buckets: buckets.try_into().unwrap_or_else(|_| unreachable!()),
            spares: Vec::new(),
            sorted: Vec::new(),
            heap: BinaryHeap::new(),
            len: 0,
            seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `time` in `class`, owned by `entity`, after every event of the
    /// same (time, class, entity) pushed before it.
    #[inline(always)]
    pub fn push(&mut self, time: Tick, class: u8, entity: u32, event: E) {
        self.seq += 1;
        self.push_seq(time, class, entity, self.seq, event);
    }

    /// Schedules `event` with the caller's own sequence number as the final tie-break. The
    /// simulation numbers events per scheduling entity, so the order does not depend on which
    /// queue (partition) an event went through.
    #[inline(always)]
    pub fn push_seq(&mut self, time: Tick, class: u8, entity: u32, seq: u64, event: E) {
        self.len += 1;
        let time = unsigned(time);
        let class_entity = (u64::from(class) << 32) | u64::from(entity);
        // The slot is built where it goes: one built before the branch was spilled to the
        // stack field by field and reloaded whole, a store-forwarding stall on every push.
        if time < self.hi {
            self.push_near(Slot {
                time,
                class_entity,
                seq,
                event,
            });
        } else {
            self.place(Slot {
                time,
                class_entity,
                seq,
                event,
            });
        }
    }

    /// Removes and returns the earliest event if its (time, class, entity) is before `limit`.
    /// Inlined into the event loop, the event it returns is built in place rather than copied
    /// out of a call.
    #[inline(always)]
    pub fn pop_before(&mut self, limit: (Tick, u8, u32)) -> Option<(Key, E)> {
        let (key, event) = self.pop()?;
        if (key.time, key.class, key.entity) < limit {
            return Some((key, event));
        }
        // Put it back: it was just in the near set, so it returns there with its own key.
        self.push_seq(key.time, key.class, key.entity, key.seq, event);
        None
    }

    /// The event `d` pops after the next one, when it is already known: the near set waits
    /// sorted (at the start of a day, every node's daily events), so its events can be looked
    /// at before their turn. Only a hint (for prefetching what they read): an event pushed
    /// meanwhile may come first.
    #[inline]
    pub fn ahead(&self, d: usize) -> Option<&E> {
        let i = self.sorted.len().checked_sub(d + 1)?;
        Some(&self.sorted[i].event)
    }

    /// Time of the earliest event, if any.
    pub fn next_time(&mut self) -> Option<Tick> {
        let (key, event) = self.pop()?;
        self.push_seq(key.time, key.class, key.entity, key.seq, event);
        Some(key.time)
    }

    /// Removes and returns the earliest event.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(Key, E)> {
        let slot = loop {
            match (self.sorted.last(), self.heap.peek()) {
                // `Slot`'s order is reversed (for the max-heap): greater is earlier.
                (Some(s), Some(h)) if h > s => break self.heap.pop().expect("peeked"),
                (Some(_), _) => break self.sorted.pop().expect("looked"),
                (None, Some(_)) => break self.heap.pop().expect("peeked"),
                (None, None) => {}
            }
            if !self.refill() {
                return None;
            }
        };
        self.len -= 1;
        Some((slot.key(), slot.event))
    }

    /// Removes every event and starts again from time zero, keeping the buckets' allocations:
    /// the next replication's queue fills the same buckets, and reusing them saves regrowing
    /// each from nothing. Past [`KEEP`] events' room in all, they shrink as after a refill
    /// (to [`RETAIN`] each, and the spares).
    pub fn clear(&mut self) {
        let room: usize = self.buckets.iter().flatten().map(Vec::capacity).sum();
        for bucket in self.buckets.iter_mut().flatten() {
            bucket.clear();
            if room > KEEP {
                let emptied = std::mem::take(bucket);
                *bucket = recycle(emptied, &mut self.spares);
            }
        }
        self.sorted.clear();
        self.heap.clear();
        self.masks = [[0; DIGITS / 64]; LEVELS];
        (self.base, self.hi, self.occupied, self.len, self.seq) = (0, 0, 0, 0, 0);
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends an event at or after `hi` to its bucket.
    #[inline(always)]
    fn place(&mut self, slot: Slot<E>) {
        let level = ((63 - ((slot.time ^ self.base) | 1).leading_zeros()) / DIGIT_BITS) as usize;
        let digit = (slot.time >> (level as u32 * DIGIT_BITS)) as usize % DIGITS;
        let bucket = &mut self.buckets[level % LEVELS][digit];
        if bucket.is_empty() {
            self.masks[level % LEVELS][digit / 64] |= 1 << (digit % 64);
            self.occupied |= 1 << level;
        }
        if bucket.len() == bucket.capacity() {
            grow(bucket, &mut self.spares);
        }
        bucket.push(slot);
    }

    /// Adds an event before `hi` to the near set.
    fn push_near(&mut self, slot: Slot<E>) {
        if self.sorted.is_empty() && self.heap.is_empty() {
            self.sorted.push(slot);
        } else {
            self.heap.push(slot);
        }
    }

    /// With the near set empty, makes the earliest bucket the near set, splitting buckets that
    /// are too large on the way. Returns false when no event is pending.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> bool {
        debug_assert!(self.sorted.is_empty() && self.heap.is_empty());
        loop {
            if self.occupied == 0 {
                return false;
            }
            let level = self.occupied.trailing_zeros() as usize;
            let words = &mut self.masks[level];
            let Some(w) = words.iter().position(|&w| w != 0) else {
                unreachable!("an occupied level has a non-empty bucket")
            };
            let digit = w * 64 + words[w].trailing_zeros() as usize;
            words[w] &= words[w] - 1;
            if words.iter().all(|&w| w == 0) {
                self.occupied &= !(1 << level);
            }
            // Move `base` to the bucket's start: keep the digits above, set digit `level`,
            // clear the ones below. Other buckets stay valid (their digits above are kept).
            let shift = level as u32 * DIGIT_BITS;
            let above = shift + DIGIT_BITS;
            let high = if above >= 64 {
                0
            } else {
                (self.base >> above) << above
            };
            self.base = high | ((digit as u64) << shift);
            let mut bucket = std::mem::take(&mut self.buckets[level][digit]);
            if level == 0 || bucket.len() <= NEAR_SMALL {
                // Everything still bucketed is at or after this bucket's end.
                self.hi = self.base.saturating_add(1 << shift);
                let small = bucket.len() <= NEAR_SMALL;
                let spare = std::mem::replace(&mut self.sorted, bucket);
                self.buckets[level][digit] = recycle(spare, &mut self.spares);
                if small {
                    if level == 0 {
                        self.absorb_level0();
                    }
                    // Mostly pushed in key order, and the buckets absorbed taken in time order:
                    // reversed, they are latest first or nearly, which the insertion sort of a
                    // few events passes over with one comparison each.
                    self.sorted.reverse();
                    self.sorted.sort_unstable();
                } else {
                    // A stable sort (keys are unique, so the order is the same) because it
                    // finds runs: a tick's bucket is mostly the next-day events its entities
                    // scheduled in key order the day before, a few runs that it merges rather
                    // than sorting from scratch.
                    self.sorted.sort();
                }
                return true;
            }
            // Split: every event of the bucket shares digits `level` and above with `base`,
            // so each lands in a lower level.
            self.hi = self.base;
            for slot in bucket.drain(..) {
                self.place(slot);
            }
            self.buckets[level][digit] = recycle(bucket, &mut self.spares);
        }
    }

    /// Adds the next level-0 buckets to a small near set while it stays small, so that sparse
    /// times (one event a tick, as with many independent arrival streams) cost one refill per
    /// few events rather than one per event. `base` and `hi` move to the last bucket taken.
    fn absorb_level0(&mut self) {
        let words = &mut self.masks[0];
        while let Some(w) = words.iter().position(|&w| w != 0) {
            let digit = w * 64 + words[w].trailing_zeros() as usize;
            let bucket = &mut self.buckets[0][digit];
            if self.sorted.len() + bucket.len() > NEAR_SMALL {
                return;
            }
            words[w] &= words[w] - 1;
            self.sorted.append(bucket);
            self.base = (self.base & !(DIGITS as u64 - 1)) | digit as u64;
            self.hi = self.base.saturating_add(1);
        }
        self.occupied &= !1;
    }
}

/// Empties `v` for reuse as a bucket: a large allocation becomes a spare (or is freed).
fn recycle<E>(v: Vec<Slot<E>>, spares: &mut Vec<Vec<Slot<E>>>) -> Vec<Slot<E>> {
    debug_assert!(v.is_empty());
    if v.capacity() <= RETAIN {
        return v;
    }
    if spares.len() < SPARES {
        spares.push(v);
    } else if let Some(smallest) = spares.iter_mut().min_by_key(|s| s.capacity())
        && smallest.capacity() < v.capacity()
    {
        // The larger kept: the buckets that outgrow their room are a day's burst of events.
        *smallest = v;
    }
    Vec::new()
}

/// Makes room in a full bucket: a large one moves into a larger spare allocation if there is
/// one (its own becoming a spare); otherwise the bucket grows as usual.
#[cold]
#[inline(never)]
fn grow<E>(bucket: &mut Vec<Slot<E>>, spares: &mut Vec<Vec<Slot<E>>>) {
    // The largest spare: one just larger than the bucket would be outgrown, and copied out
    // of, again soon after.
    let larger = if bucket.len() >= RETAIN {
        (0..spares.len())
            .filter(|&i| spares[i].capacity() > bucket.len())
            .max_by_key(|&i| spares[i].capacity())
    } else {
        None
    };
    match larger {
        Some(i) => {
            let mut larger = spares.swap_remove(i);
            larger.append(bucket);
            let old = std::mem::replace(bucket, larger);
            recycle(old, spares);
        }
        None => bucket.reserve(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn orders_by_time_then_class_then_entity_then_sequence() {
        let mut q = EventQueue::default();
        q.push(10, 5, 1, "late");
        q.push(5, 9, 0, "early-low-priority");
        q.push(5, 1, 7, "early-high-priority-entity7");
        q.push(5, 1, 3, "early-high-priority-entity3");
        q.push(5, 1, 3, "same-key-scheduled-second");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(
            order,
            vec![
                "early-high-priority-entity3",
                "same-key-scheduled-second",
                "early-high-priority-entity7",
                "early-low-priority",
                "late"
            ]
        );
    }

    #[test]
    fn extreme_times_and_many_simultaneous_events() {
        let mut q = EventQueue::default();
        let times = [i64::MAX, i64::MIN, 0, -1, 1, i64::MAX - 1, i64::MIN + 1];
        for (i, &t) in times.iter().enumerate() {
            q.push(t, 0, i as u32, ());
        }
        // 1000 events at one time, in reverse entity order: popped by entity.
        for e in (0..1000).rev() {
            q.push(7, 3, e, ());
        }
        assert_eq!(q.len(), times.len() + 1000);
        let keys: Vec<Key> = std::iter::from_fn(|| q.pop().map(|(k, ())| k)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(keys.first().map(|k| k.time), Some(i64::MIN));
        assert_eq!(keys.last().map(|k| k.time), Some(i64::MAX));
        assert!(q.is_empty() && q.pop().is_none());
    }

    #[test]
    fn ahead_shows_the_events_a_sorted_near_set_pops_next() {
        let mut q = EventQueue::default();
        // A day's start: many events at one time, pushed out of order, become the near set.
        for e in (0..40u32).rev() {
            q.push(100, 2, e, e);
        }
        q.push(150, 0, 0, 999);
        let mut popped = 0;
        while let Some((_, e)) = q.pop() {
            if e == 999 {
                break;
            }
            assert_eq!(e, popped);
            popped += 1;
            // Looking ahead never reaches past the sorted events, nor changes what pops.
            for d in 0..4 {
                let expected = (popped + d < 40).then_some(popped + d);
                assert_eq!(
                    q.ahead(d as usize).copied(),
                    expected,
                    "after {popped}, {d} ahead"
                );
            }
        }
        assert_eq!(popped, 40);
        assert!(q.ahead(0).is_none(), "nothing sorted is left");
    }

    #[test]
    fn large_interleaved_runs_match_a_reference_queue() {
        // A hold model (pop one, push one later) over several spreads of delays, with bursts of
        // simultaneous events, so buckets of every size are split, heaped, grown and recycled.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for spread in [1u64, 300, 70_000, 1 << 30] {
            let mut q = EventQueue::default();
            let mut reference = std::collections::BTreeMap::new();
            let mut seq = 0u64;
            let mut push = |q: &mut EventQueue<u64>,
                            r: &mut std::collections::BTreeMap<Key, u64>,
                            time: i64,
                            x: u64| {
                seq += 1;
                let (class, entity) = ((x % 3) as u8, (x >> 8) as u32 % 50);
                q.push(time, class, entity, seq);
                r.insert(
                    Key {
                        time,
                        class,
                        entity,
                        seq,
                    },
                    seq,
                );
            };
            for _ in 0..5_000 {
                let x = next();
                push(&mut q, &mut reference, (x % spread) as i64, x);
            }
            for step in 0..40_000u64 {
                let expected = reference.pop_first();
                let (key, _) = expected.expect("a hold model never empties");
                assert_eq!(q.pop(), expected);
                let x = next();
                let burst = if step % 997 == 0 { 200 } else { 1 };
                for _ in 0..burst {
                    push(&mut q, &mut reference, key.time + (x % spread) as i64, x);
                }
                if burst > 1 {
                    for _ in 1..burst {
                        assert_eq!(q.pop(), reference.pop_first());
                    }
                }
                assert_eq!(q.len(), reference.len());
                assert!(q.spares.len() <= SPARES);
            }
            while let Some(expected) = reference.pop_first() {
                assert_eq!(q.pop(), Some(expected));
            }
            assert!(q.is_empty());
        }
    }

    #[test]
    fn spares_keep_the_largest_rooms_and_a_growing_bucket_takes_the_largest() {
        let room = |n: usize| Vec::<Slot<()>>::with_capacity(n);
        let mut spares = Vec::new();
        for n in [100, 5_000, 200, 300] {
            assert!(recycle(room(n), &mut spares).capacity() == 0);
        }
        // Full: a larger room replaces the smallest, a smaller one is dropped.
        recycle(room(9_000), &mut spares);
        recycle(room(150), &mut spares);
        let mut kept: Vec<usize> = spares.iter().map(Vec::capacity).collect();
        kept.sort_unstable();
        assert_eq!(kept, [200, 300, 5_000, 9_000]);
        // A full bucket of RETAIN events moves into the largest room, not the first larger
        // one, and its own room becomes a spare.
        let mut bucket = room(RETAIN);
        bucket.extend((0..RETAIN as u64).map(|seq| Slot {
            time: seq,
            class_entity: 0,
            seq,
            event: (),
        }));
        grow(&mut bucket, &mut spares);
        assert!(bucket.capacity() >= 9_000 && bucket.len() == RETAIN);
        assert!(bucket.iter().map(|s| s.seq).eq(0..RETAIN as u64));
        assert!(spares.iter().all(|s| s.capacity() < 9_000));
    }

    /// One step of a differential test: push (time offset from the last popped time, class,
    /// entity), or pop.
    #[derive(Debug, Clone)]
    enum Op {
        Push(i64, u8, u32),
        Pop,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            // Near the clock, possibly in the past, often simultaneous.
            3 => (-3i64..20, 0u8..3, 0u32..4).prop_map(|(t, c, e)| Op::Push(t, c, e)),
            // Far ahead, across many wheel levels.
            1 => (0i64..1 << 40, 0u8..3, 0u32..4).prop_map(|(t, c, e)| Op::Push(t, c, e)),
            3 => Just(Op::Pop),
        ]
    }

    /// Applies `ops` (times relative to the last event popped) and then pops every event
    /// left: what each pop gave.
    fn apply(q: &mut EventQueue<u64>, ops: &[Op]) -> Vec<Option<(Key, u64)>> {
        let (mut now, mut seq, mut popped) = (0i64, 0u64, Vec::new());
        for op in ops {
            match *op {
                Op::Push(dt, class, entity) => {
                    seq += 1;
                    q.push(now + dt, class, entity, seq);
                }
                Op::Pop => {
                    let got = q.pop();
                    if let Some((k, _)) = got {
                        now = k.time;
                    }
                    popped.push(got);
                }
            }
        }
        popped.extend(std::iter::from_fn(|| q.pop().map(Some)));
        popped
    }

    proptest! {
        #[test]
        fn pops_in_nondecreasing_key_order(evs in proptest::collection::vec((0i64..50, 0u8..4, 0u32..5), 0..200)) {
            let mut q = EventQueue::default();
            for (t, c, e) in &evs { q.push(*t, *c, *e, ()); }
            let mut last: Option<Key> = None;
            while let Some((k, _)) = q.pop() {
                if let Some(l) = last { prop_assert!(l < k); }
                last = Some(k);
            }
        }

        /// Interleaved pushes and pops give exactly what a sorted reference gives.
        #[test]
        fn a_cleared_queue_is_a_new_one(
            before in proptest::collection::vec(op(), 0..400),
            after in proptest::collection::vec(op(), 0..400),
        ) {
            // Events left pending in buckets of every level, then cleared.
            let mut used = EventQueue::default();
            apply(&mut used, &before);
            before.iter().for_each(|o| if let Op::Push(dt, class, entity) = *o {
                used.push(dt.abs(), class, entity, 0);
            });
            prop_assert!(!used.is_empty() || before.iter().all(|o| matches!(o, Op::Pop)));
            used.clear();
            prop_assert!(used.is_empty());
            prop_assert_eq!(apply(&mut used, &after), apply(&mut EventQueue::default(), &after));
        }

        #[test]
        fn matches_a_reference_queue(ops in proptest::collection::vec(op(), 0..600)) {
            let mut q = EventQueue::default();
            let mut reference = std::collections::BTreeMap::new();
            let (mut now, mut seq) = (0i64, 0u64);
            for op in ops {
                match op {
                    Op::Push(dt, class, entity) => {
                        seq += 1;
                        let key = Key { time: now + dt, class, entity, seq };
                        q.push(key.time, class, entity, seq);
                        reference.insert(key, seq);
                    }
                    Op::Pop => {
                        let expected = reference.pop_first();
                        prop_assert_eq!(q.pop(), expected);
                        if let Some((k, _)) = expected { now = k.time; }
                    }
                }
                prop_assert_eq!(q.len(), reference.len());
            }
            while let Some(expected) = reference.pop_first() {
                prop_assert_eq!(q.pop(), Some(expected));
            }
            prop_assert!(q.pop().is_none());
        }
    }
}
