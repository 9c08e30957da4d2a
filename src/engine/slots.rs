//! Where a simulation keeps each node's state: a partition packs the nodes it owns, in node
//! order, so that its events walk its own nodes' state as densely as a sequential run walks
//! every node's.
//!
//! Nodes are numbered as the scenario lists them, and a large network lists them by kind with
//! the regions interleaved: a partition of 4 regions out of 31 owns about every eighth node. Kept
//! at their node numbers, the hospitals a partition serves at the start of a day sit kilobytes
//! apart, in a table eight times the size of what it uses, and each one is a cache miss the
//! hardware prefetcher does not see coming; packed, they are neighbours, as in a sequential run.
//!
//! The same holds for the model's own node records (560 bytes each, kept in the scenario's
//! order and shared by every partition): the fields a node's daily events read are copied, a
//! few bytes per node, beside the states ([`NodeFacts`]), so a day's walk over a partition's
//! hospitals reads one dense table instead of four cache lines of every eighth record.

use super::NodeState;
use crate::model::{Census, ItemId, Node, NodeId, NodeKind, Replenish};
use crate::util::prefetch;
use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// The slot of every node in a simulation's per-node tables.
#[derive(Debug, Clone)]
pub(in crate::engine) struct NodeSlots {
    /// Slot of each node (None: every node is owned and its slot is its number). Nodes another
    /// partition owns share the spare slot after the owned ones, which stays as made.
    of: Option<Arc<[u32]>>,
    /// Slots, the spare included.
    len: usize,
}

impl NodeSlots {
    /// Slots for `nodes` nodes, packing those `owns` says are this simulation's (None: all of
    /// them, each at its own number).
    pub(in crate::engine) fn new(nodes: usize, owns: Option<impl Fn(NodeId) -> bool>) -> NodeSlots {
        let Some(owns) = owns else {
            return NodeSlots {
                of: None,
                len: nodes,
            };
        };
        let mut owned = 0;
        let mut of: Vec<u32> = (0..nodes)
            .map(|n| {
                let mine = owns(n);
                let slot = if mine { owned } else { u32::MAX };
                owned += u32::from(mine);
                slot
            })
            .collect();
        for s in of.iter_mut().filter(|s| **s == u32::MAX) {
            *s = owned;
        }
        NodeSlots {
            of: Some(of.into()),
            len: owned as usize + 1,
        }
    }

    /// The slot of node `n`.
    #[inline]
    pub(in crate::engine) fn get(&self, n: NodeId) -> usize {
        match &self.of {
            Some(of) => of[n] as usize,
            None => n,
        }
    }

    /// How many slots there are (the spare included).
    pub(in crate::engine) fn len(&self) -> usize {
        self.len
    }

    /// The node in each slot but the spare, in order.
    fn nodes(&self) -> Vec<NodeId> {
        match &self.of {
            None => (0..self.len).collect(),
            Some(of) => {
                let mut nodes = vec![0; self.len - 1];
                for (n, &s) in of.iter().enumerate() {
                    if let Some(slot) = nodes.get_mut(s as usize) {
                        *slot = n;
                    }
                }
                nodes
            }
        }
    }
}

/// What the events of every day read of a model node, copied out of its record: returned by
/// value, with references into the model, so that reading it never borrows the simulation.
#[derive(Debug, Clone, Copy)]
pub(in crate::engine) struct NodeFacts<'m> {
    /// The whole record, for what is read less often.
    pub node: &'m Node,
    /// Its replenishment policies.
    pub replenish: &'m [Replenish],
    /// Its share of its region's census (None: no census, or a series of its own).
    pub census_share: Option<f64>,
    /// Its region.
    pub region: u32,
    /// What it is.
    pub kind: NodeKind,
    /// Whether it has direct demand series.
    pub direct_demand: bool,
    /// Whether it makes to order.
    pub make_to_order: bool,
    /// Whether its purchases are limited by working capital.
    pub working_capital: bool,
    /// Bit `item.min(63)` set for the item of each continuous-review policy (see
    /// [`NodeFacts::reviews_on_drop`]).
    continuous: u64,
    /// Review periods of the first [`INLINE_PERIODS`] policies (see [`NodeFacts::review_days`]).
    periods: [Option<u32>; INLINE_PERIODS],
    /// Whether any policy reviews periodically.
    pub periodic: bool,
}

/// Policies whose review period [`NodeFacts`] keeps beside the node's state: a daily review
/// that finds none due then reads no policy (a cache miss per node and day in a large network).
const INLINE_PERIODS: usize = 4;

impl<'m> NodeFacts<'m> {
    /// The facts of `node`.
    pub(in crate::engine) fn of(node: &'m Node) -> NodeFacts<'m> {
        NodeFacts {
            node,
            replenish: &node.replenish,
            census_share: match node.census {
                Some(Census::RegionShare(s)) => Some(s),
                _ => None,
            },
            region: node.region as u32,
            kind: node.kind,
            direct_demand: !node.direct_demand.is_empty(),
            make_to_order: node.make_to_order.is_some(),
            working_capital: node.working_capital.is_some(),
            continuous: node
                .replenish
                .iter()
                .filter(|p| p.review_days.is_none())
                .fold(0, |bits, p| bits | item_bit(p.item)),
            periods: std::array::from_fn(|k| node.replenish.get(k).and_then(|p| p.review_days)),
            periodic: node.replenish.iter().any(|p| p.review_days.is_some()),
        }
    }

    /// The review period (days) of the `k`-th policy, None for continuous review.
    #[inline]
    pub(in crate::engine) fn review_days(&self, k: usize) -> Option<u32> {
        match self.periods.get(k) {
            Some(&days) => days,
            None => self.replenish[k].review_days,
        }
    }

    /// Whether a policy may review when stock of `item` falls: false when no continuous-review
    /// policy is for it, so a fall need not read the policies (a cache miss in a large network).
    #[inline]
    pub(in crate::engine) fn reviews_on_drop(&self, item: ItemId) -> bool {
        self.continuous & item_bit(item) != 0
    }
}

/// The bit of `item` in [`NodeFacts`]' item sets; items from 63 on share the last bit.
fn item_bit(item: ItemId) -> u64 {
    1 << item.min(63)
}

/// What a review reads of a replenishment policy to tell whether it orders: most reviews find
/// the inventory position above the reorder point, and then the policy record itself (in the
/// model, a cache miss in a large network) need not be read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::engine) struct PolicyCheck {
    /// Its item.
    pub item: ItemId,
    /// Its reorder point: it orders only at or below it.
    pub reorder_point: f64,
    /// Whether its position nets out backorders.
    pub net_backorders: bool,
    /// Whether it reviews continuously (when stock falls) rather than periodically.
    pub continuous: bool,
}

impl PolicyCheck {
    /// The check of `p`.
    pub(in crate::engine) fn of(p: &Replenish) -> PolicyCheck {
        PolicyCheck {
            item: p.item,
            reorder_point: p.reorder_point,
            net_backorders: p.net_backorders,
            continuous: p.review_days.is_none(),
        }
    }
}

/// The running state of a simulation's nodes, and the facts of their model records, indexed by
/// node number.
#[derive(Debug, Clone)]
pub(in crate::engine) struct NodeStates<'m> {
    slots: NodeSlots,
    states: Vec<NodeState>,
    /// Facts of the nodes in the slots but the spare.
    facts: Vec<NodeFacts<'m>>,
    /// The checks of those nodes' policies, slot by slot and in policy order.
    checks: Vec<PolicyCheck>,
    /// Where each slot's run of `checks` ends (it starts where the slot before ends).
    check_ends: Vec<u32>,
    /// The model's records, for another simulation's nodes.
    model: &'m [Node],
}

impl<'m> NodeStates<'m> {
    /// The state of each of the model's `nodes` that `make` makes, in `slots` (the spare, if
    /// any, gets the default).
    pub(in crate::engine) fn new(
        slots: NodeSlots,
        nodes: &'m [Node],
        make: impl FnMut(NodeId) -> NodeState,
    ) -> Self {
        let owned = slots.nodes();
        let facts = owned.iter().map(|&n| NodeFacts::of(&nodes[n])).collect();
        let mut checks = Vec::new();
        let check_ends = owned
            .iter()
            .map(|&n| {
                checks.extend(nodes[n].replenish.iter().map(PolicyCheck::of));
                u32::try_from(checks.len()).expect("policies number in u32")
            })
            .collect();
        let mut states: Vec<NodeState> = owned.into_iter().map(make).collect();
        states.resize_with(slots.len(), NodeState::default);
        NodeStates {
            slots,
            states,
            facts,
            checks,
            check_ends,
            model: nodes,
        }
    }

    /// The region of node `n`: from the dense table for this simulation's nodes, else from the
    /// model's record (one field of it, not the facts made from the whole record).
    #[inline]
    pub(in crate::engine) fn region(&self, n: NodeId) -> usize {
        match self.facts.get(self.slots.get(n)) {
            Some(f) => f.region as usize,
            None => self.model[n].region,
        }
    }

    /// The check of node `n`'s `k`-th policy: packed beside the state for this simulation's
    /// nodes, else read from the policy.
    #[inline]
    pub(in crate::engine) fn policy_check(&self, n: NodeId, k: usize) -> PolicyCheck {
        let slot = self.slots.get(n);
        match self.check_ends.get(slot) {
            Some(_) => {
                let start = match slot {
                    0 => 0,
                    _ => self.check_ends[slot - 1] as usize,
                };
                self.checks[start + k]
            }
            None => PolicyCheck::of(&self.model[n].replenish[k]),
        }
    }

    /// Asks the cache for node `n`'s state and facts.
    #[inline]
    pub(in crate::engine) fn prefetch(&self, n: NodeId) {
        let slot = self.slots.get(n);
        if let Some(f) = self.facts.get(slot) {
            prefetch::value(f);
            prefetch::value(&self.states[slot]);
        }
    }

    /// The nodes with a state of their own (this simulation's), in order.
    pub(in crate::engine) fn owned(&self) -> Vec<NodeId> {
        self.slots.nodes()
    }

    /// The facts of node `n`: from the dense table for this simulation's nodes, else from the
    /// model's record.
    #[inline]
    pub(in crate::engine) fn facts(&self, n: NodeId) -> NodeFacts<'m> {
        match self.facts.get(self.slots.get(n)) {
            Some(f) => *f,
            None => NodeFacts::of(&self.model[n]),
        }
    }
}

impl Index<NodeId> for NodeStates<'_> {
    type Output = NodeState;
    #[inline]
    fn index(&self, n: NodeId) -> &NodeState {
        &self.states[self.slots.get(n)]
    }
}

impl IndexMut<NodeId> for NodeStates<'_> {
    #[inline]
    fn index_mut(&mut self, n: NodeId) -> &mut NodeState {
        &mut self.states[self.slots.get(n)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_packs_its_nodes_in_order_and_others_share_the_spare() {
        let slots = NodeSlots::new(6, Some(|n: NodeId| n % 3 == 1));
        let of: Vec<usize> = (0..6).map(|n| slots.get(n)).collect();
        assert_eq!(of, [2, 0, 2, 2, 1, 2]);
        assert_eq!((slots.len(), slots.nodes()), (3, vec![1, 4]));
        // A factory and a hospital, copied into six nodes of regions 0 to 5.
        let m = crate::testutil::chain_model(5, 1, 0, 0, 0, "");
        let nodes: Vec<Node> = (0..6)
            .map(|n| Node {
                region: n,
                ..m.nodes[n % 2].clone()
            })
            .collect();
        let states = NodeStates::new(slots, &nodes, |n| NodeState {
            planned: n as u64 + 10,
            ..NodeState::default()
        });
        assert_eq!((states[1].planned, states[4].planned), (11, 14));
        assert_eq!(states[0].planned, 0, "another partition's node: the spare");
        assert_eq!(states.owned(), [1, 4]);
        // Facts are the records' own, whether the node is this simulation's or not.
        for (n, node) in nodes.iter().enumerate() {
            let f = states.facts(n);
            assert!(std::ptr::eq(f.node, node));
            assert_eq!((f.region as usize, f.kind), (n, node.kind));
            assert_eq!(states.region(n), node.region);
            assert_eq!(f.replenish.len(), node.replenish.len());
            assert_eq!(f.census_share.is_some(), node.census.is_some());
            assert_eq!(
                (f.direct_demand, f.make_to_order, f.working_capital),
                (
                    !node.direct_demand.is_empty(),
                    node.make_to_order.is_some(),
                    node.working_capital.is_some()
                )
            );
        }
        assert_eq!(states.facts.len(), 2, "facts of the packed nodes only");

        let all = NodeSlots::new(4, None::<fn(NodeId) -> bool>);
        let of: Vec<usize> = (0..4).map(|n| all.get(n)).collect();
        assert_eq!(
            (of, all.len(), all.nodes()),
            (vec![0, 1, 2, 3], 4, vec![0, 1, 2, 3])
        );
    }

    #[test]
    fn facts_keep_what_reviews_read_of_the_policies() {
        let policy = |item: ItemId, review_days: Option<u32>| Replenish {
            item,
            source: 0,
            reorder_point: 1.0,
            order_up_to: 2.0,
            review_days,
            order_delay_hours: crate::model::Dist::fixed(1.0),
            capacity: None,
            net_backorders: false,
        };
        let m = crate::testutil::chain_model(5, 1, 0, 0, 0, "");
        let node = Node {
            replenish: vec![policy(2, None), policy(3, Some(7)), policy(70, None)],
            ..m.nodes[0].clone()
        };
        let f = NodeFacts::of(&node);
        assert!(f.periodic);
        // Beyond the periods kept inline, the policies' own.
        let many = Node {
            replenish: (0..INLINE_PERIODS as u32 + 3)
                .map(|k| policy(k as usize, (k % 2 == 1).then_some(k)))
                .collect(),
            ..m.nodes[0].clone()
        };
        for node in [&node, &many] {
            let f = NodeFacts::of(node);
            for (k, p) in node.replenish.iter().enumerate() {
                assert_eq!(f.review_days(k), p.review_days, "policy {k}");
            }
        }
        let continuous_only = Node {
            replenish: vec![policy(1, None)],
            ..m.nodes[0].clone()
        };
        assert!(!NodeFacts::of(&continuous_only).periodic);
        let reviews: Vec<ItemId> = (0..80).filter(|&i| f.reviews_on_drop(i)).collect();
        // Item 3 is reviewed periodically only; items from 63 on share a bit, so a fall of
        // any of them looks at the policies (and finds item 70's).
        let mut expected = vec![2];
        expected.extend(63..80);
        assert_eq!(reviews, expected);
        // What a review checks first: each policy's item, reorder point, netting and kind,
        // packed for this simulation's nodes and read from the policy for another's.
        let nodes = [node.clone(), continuous_only, node];
        let slots = NodeSlots::new(3, Some(|n: NodeId| n != 1));
        let states = NodeStates::new(slots, &nodes, |_| NodeState::default());
        for (n, node) in nodes.iter().enumerate() {
            let checks: Vec<PolicyCheck> = (0..node.replenish.len())
                .map(|k| states.policy_check(n, k))
                .collect();
            let kinds: Vec<_> = checks.iter().map(|c| (c.item, c.continuous)).collect();
            match n {
                1 => assert_eq!(kinds, [(1, true)]),
                _ => assert_eq!(kinds, [(2, true), (3, false), (70, true)]),
            }
            for (c, p) in checks.iter().zip(&node.replenish) {
                assert_eq!((c.reorder_point, c.net_backorders), (1.0, false));
                assert_eq!(*c, PolicyCheck::of(p));
            }
        }
        assert_eq!(states.checks.len(), 6, "checks of the packed nodes only");
    }
}
