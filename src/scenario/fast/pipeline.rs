//! Two stages over a list of items, overlapped on two threads: the first stage of item k + 1
//! runs on a thread of its own while the second stage takes item k. The second stage sees the
//! items in order, as a loop would.
//!
//! Lexing and parsing a piece of entries and deserializing its events take about as long as
//! each other, so overlapping them nearly halves the wall time of reading a large network
//! (each piece is still read by one thread, in file order).

use std::sync::mpsc;

/// Runs `first` then `second` on each item, in order, stopping at the first item `second`
/// refuses (returns false for); true when `second` took every item.
///
/// Each item has a buffer `first` fills and `second` reads: two buffers alternate between the
/// stages, so they are allocated twice, not once per item. With fewer than two items there is
/// nothing to overlap, and both stages run on the calling thread.
pub(super) fn two_stages<T, B, R>(
    items: &[T],
    mut first: impl FnMut(&T, &mut B) -> R + Send,
    mut second: impl FnMut(&T, R, &mut B) -> bool,
) -> bool
where
    T: Sync,
    B: Default + Send,
    R: Send,
{
    if items.len() < 2 {
        let mut buffer = B::default();
        return items.iter().all(|item| {
            let done = first(item, &mut buffer);
            second(item, done, &mut buffer)
        });
    }
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::sync_channel::<(R, B)>(1);
        let (free_tx, free_rx) = mpsc::channel::<B>();
        for _ in 0..2 {
            free_tx.send(B::default()).expect("the receiver is alive");
        }
        s.spawn(move || {
            for item in items {
                // Either channel closed: the second stage has stopped.
                let Ok(mut buffer) = free_rx.recv() else {
                    return;
                };
                let done = first(item, &mut buffer);
                if done_tx.send((done, buffer)).is_err() {
                    return;
                }
            }
        });
        // Returning drops this side's channels, which ends the first stage's thread early.
        for item in items {
            let Ok((done, mut buffer)) = done_rx.recv() else {
                // The first stage panicked; the scope passes the panic on.
                return false;
            };
            if !second(item, done, &mut buffer) {
                return false;
            }
            // The first stage may have finished every item and left.
            let _ = free_tx.send(buffer);
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::two_stages;
    use proptest::prelude::*;

    /// The items `second` took, in order, each with what `first` made of it, and whether it
    /// took every one; `refuse` is the first item it refuses.
    fn run(items: &[u32], refuse: Option<u32>) -> (Vec<(u32, u64)>, bool) {
        let mut taken = Vec::new();
        let all = two_stages(
            items,
            // The buffer carries what the first stage wrote: a reused one is overwritten.
            |&x, buffer: &mut Vec<u64>| {
                buffer.clear();
                buffer.extend((0..x % 7).map(|k| u64::from(x) * 10 + u64::from(k)));
                x % 3
            },
            |&x, r, buffer| {
                if Some(x) == refuse {
                    return false;
                }
                assert_eq!(r, x % 3);
                taken.push((x, buffer.iter().sum()));
                true
            },
        );
        (taken, all)
    }

    /// What a plain loop would take.
    fn sequential(items: &[u32], refuse: Option<u32>) -> (Vec<(u32, u64)>, bool) {
        let mut taken = Vec::new();
        for &x in items {
            if Some(x) == refuse {
                return (taken, false);
            }
            taken.push((
                x,
                (0..x % 7).map(|k| u64::from(x) * 10 + u64::from(k)).sum(),
            ));
        }
        (taken, true)
    }

    proptest! {
        #[test]
        fn takes_the_items_in_order_as_a_loop_would(
            items in prop::collection::vec(0u32..50, 0..40),
            refuse in prop::option::of(0u32..50),
        ) {
            prop_assert_eq!(run(&items, refuse), sequential(&items, refuse));
        }
    }

    #[test]
    fn stopping_early_ends_the_first_stage() {
        // Refused at the first item: the thread is not left waiting for a buffer.
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(run(&items, Some(0)), (Vec::new(), false));
    }
}
