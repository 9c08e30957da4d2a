//! The deterministic event queue: events are totally ordered by
//! (time, priority class, owning entity, sequence number), so simultaneous events never depend
//! on how a heap happens to break ties.

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

struct Entry<E> {
    key: Key,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the smallest key pops first.
        other.key.cmp(&self.key)
    }
}

/// A priority queue of events of type `E`.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `time` in `class`, owned by `entity`.
    pub fn push(&mut self, time: Tick, class: u8, entity: u32, event: E) {
        self.seq += 1;
        self.heap.push(Entry {
            key: Key {
                time,
                class,
                entity,
                seq: self.seq,
            },
            event,
        });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(Key, E)> {
        self.heap.pop().map(|e| (e.key, e.event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
    }
}
