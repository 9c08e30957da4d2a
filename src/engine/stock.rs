//! Stock per node and item: on hand (shippable) and sterilising (made, waiting for release).
//!
//! Both live in one flat table, and their sums over the nodes a simulation records (per
//! echelon, region and item) are kept as stock changes. The end-of-day snapshot adds those
//! sums, so it costs the same for 20 nodes or 2,000, instead of a walk over every node's stock
//! every day. The sums are of whole units, so adding them at once gives the same bits as adding
//! the nodes one by one.

use super::slots::NodeSlots;
use crate::model::{Echelon, ItemId, Model, NodeId};
use crate::results::{Measure, Replication};

/// Which stock of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::engine) enum Held {
    /// On hand: can be shipped or used.
    OnHand = 0,
    /// Made and waiting for sterilisation release.
    Sterilising = 1,
}

/// The stock of every node, with the sums the daily snapshot records.
#[derive(Debug, Clone)]
pub(in crate::engine) struct Stock {
    items: usize,
    /// Where each node's stock is in `units` and `row_of`.
    slots: NodeSlots,
    /// Per node slot × item: on hand, sterilising.
    units: Vec<[u64; 2]>,
    /// Per node slot, the row of `sums` it adds to; `u32::MAX` when it is not recorded here (a
    /// source, or a node another partition owns).
    row_of: Vec<u32>,
    /// Per row: the measure its on-hand stock is recorded as, and its region slot.
    rows: Vec<(Measure, usize)>,
    /// Per row × item: on hand, sterilising, summed over the row's nodes.
    sums: Vec<[u64; 2]>,
}

const NOT_RECORDED: u32 = u32::MAX;

impl Stock {
    /// The starting stock of `m`'s nodes, of those `owns` says are this simulation's (the
    /// others stay empty and are never recorded), kept in `slots`.
    pub(in crate::engine) fn new(
        m: &Model,
        slots: NodeSlots,
        owns: impl Fn(NodeId) -> bool,
    ) -> Stock {
        let items = m.items.len();
        let (nodes, slots) = (slots, m.regions.len());
        let echelons = [Echelon::Factory, Echelon::Warehouse, Echelon::Hospital];
        let rows = echelons
            .iter()
            .flat_map(|&e| (0..slots).map(move |r| (measure(e), r)))
            .collect::<Vec<_>>();
        let mut row_of = vec![NOT_RECORDED; nodes.len()];
        for (n, node) in m.nodes.iter().enumerate() {
            if let Some(e) = node.kind.echelon().filter(|_| owns(n)) {
                row_of[nodes.get(n)] = (e as usize * slots + node.region) as u32;
            }
        }
        let mut stock = Stock {
            items,
            units: vec![[0; 2]; nodes.len() * items],
            slots: nodes,
            row_of,
            sums: vec![[0; 2]; rows.len() * items],
            rows,
        };
        for (n, node) in m.nodes.iter().enumerate().filter(|&(n, _)| owns(n)) {
            for &(i, q) in &node.stock {
                stock.add(n, i, Held::OnHand, q);
            }
        }
        stock
    }

    /// Units of `item` on hand at `n`.
    #[inline]
    pub(in crate::engine) fn on_hand(&self, n: NodeId, item: ItemId) -> u64 {
        self.units[self.slots.get(n) * self.items + item][Held::OnHand as usize]
    }

    /// Units of `item` sterilising at `n`.
    pub(in crate::engine) fn sterilising(&self, n: NodeId, item: ItemId) -> u64 {
        self.units[self.slots.get(n) * self.items + item][Held::Sterilising as usize]
    }

    /// Adds `q` units of `item` to `n`'s stock.
    #[inline]
    pub(in crate::engine) fn add(&mut self, n: NodeId, item: ItemId, held: Held, q: u64) {
        let slot = self.slots.get(n);
        self.units[slot * self.items + item][held as usize] += q;
        if let Some(s) = self.sum(slot, item) {
            s[held as usize] += q;
        }
    }

    /// Takes `q` units of `item` from `n`'s stock (never more than there are).
    #[inline]
    pub(in crate::engine) fn take(&mut self, n: NodeId, item: ItemId, held: Held, q: u64) {
        let slot = self.slots.get(n);
        self.units[slot * self.items + item][held as usize] -= q;
        if let Some(s) = self.sum(slot, item) {
            s[held as usize] -= q;
        }
    }

    /// Takes up to `q` units of `item` from `n`'s stock on hand; returns how many it took.
    pub(in crate::engine) fn take_at_most(&mut self, n: NodeId, item: ItemId, q: u64) -> u64 {
        let taken = q.min(self.on_hand(n, item));
        self.take(n, item, Held::OnHand, taken);
        taken
    }

    /// The sums the node in `slot` adds to, for `item` (None if it is not recorded).
    #[inline]
    fn sum(&mut self, slot: usize, item: ItemId) -> Option<&mut [u64; 2]> {
        let row = self.row_of[slot];
        (row != NOT_RECORDED).then(|| &mut self.sums[row as usize * self.items + item])
    }

    /// Adds today's stock of the recorded nodes to `day` of `out`.
    pub(in crate::engine) fn record(&self, day: usize, out: &mut Replication) {
        for (&(measure, slot), sums) in self.rows.iter().zip(self.sums.chunks(self.items)) {
            for (i, &[on_hand, sterilising]) in sums.iter().enumerate() {
                if on_hand > 0 {
                    out.add(day, i, slot, measure, on_hand as f64);
                }
                if sterilising > 0 {
                    out.add(day, i, slot, Measure::Sterilising, sterilising as f64);
                }
            }
        }
    }
}

/// The measure an echelon's stock on hand is recorded as.
fn measure(e: Echelon) -> Measure {
    match e {
        Echelon::Factory => Measure::OnHandFactory,
        Echelon::Warehouse => Measure::OnHandWarehouse,
        Echelon::Hospital => Measure::OnHandHospital,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    #[test]
    fn sums_follow_the_stock_of_the_recorded_nodes_only() {
        let m = chain_model(1, 10, 100, 1, 50, "");
        let (meltblown, mask) = (item(&m, "meltblown"), item(&m, "mask"));
        let (a, b) = (region(&m, "A"), region(&m, "B"));
        let node = |id: &str| m.nodes.iter().position(|x| x.id == id).unwrap();
        let (factory, hospital) = (node("factory"), node("hospital"));
        // The hospital is another partition's: it starts empty here and is not recorded.
        let owns = |n| n != hospital;
        let mut stock = Stock::new(&m, NodeSlots::new(m.nodes.len(), Some(owns)), owns);
        assert_eq!(stock.on_hand(factory, meltblown), 100);
        assert_eq!(stock.on_hand(hospital, mask), 0);
        stock.take(factory, meltblown, Held::OnHand, 30);
        stock.add(factory, mask, Held::Sterilising, 5);
        stock.take(factory, mask, Held::Sterilising, 2);
        stock.add(factory, mask, Held::OnHand, 2);
        stock.add(hospital, mask, Held::OnHand, 9);
        assert_eq!(stock.sterilising(factory, mask), 3);
        assert_eq!(stock.on_hand(hospital, mask), 9);
        let mut out = Replication::new(0, 1, m.items.len(), m.regions.len());
        stock.record(0, &mut out);
        assert_eq!(out.get(0, meltblown, a, Measure::OnHandFactory), 70.0);
        assert_eq!(out.get(0, mask, a, Measure::OnHandFactory), 2.0);
        assert_eq!(out.get(0, mask, a, Measure::Sterilising), 3.0);
        assert_eq!(out.get(0, mask, b, Measure::OnHandHospital), 0.0);
        assert_eq!(out.daily.iter().sum::<f64>(), 75.0);
        // Taking more than there is takes what there is.
        assert_eq!(stock.take_at_most(factory, meltblown, 100), 70);
        assert_eq!(stock.take_at_most(factory, meltblown, 1), 0);
        assert_eq!(stock.on_hand(factory, meltblown), 0);
    }
}
