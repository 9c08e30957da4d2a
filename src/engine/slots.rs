//! Where a simulation keeps each node's state: a partition packs the nodes it owns, in node
//! order, so that its events walk its own nodes' state as densely as a sequential run walks
//! every node's.
//!
//! Nodes are numbered as the scenario lists them, and a large network lists them by kind with
//! the regions interleaved: a partition of 4 regions out of 31 owns about every eighth node. Kept
//! at their node numbers, the hospitals a partition serves at the start of a day sit kilobytes
//! apart, in a table eight times the size of what it uses, and each one is a cache miss the
//! hardware prefetcher does not see coming; packed, they are neighbours, as in a sequential run.

use super::NodeState;
use crate::model::NodeId;
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

/// The running state of a simulation's nodes, indexed by node number.
#[derive(Debug, Clone)]
pub(in crate::engine) struct NodeStates {
    slots: NodeSlots,
    states: Vec<NodeState>,
}

impl NodeStates {
    /// The state of each node `make` makes, in `slots` (the spare, if any, gets the default).
    pub(in crate::engine) fn new(slots: NodeSlots, make: impl FnMut(NodeId) -> NodeState) -> Self {
        let mut states: Vec<NodeState> = slots.nodes().into_iter().map(make).collect();
        states.resize_with(slots.len(), NodeState::default);
        NodeStates { slots, states }
    }

    /// The nodes with a state of their own (this simulation's), in order.
    pub(in crate::engine) fn owned(&self) -> Vec<NodeId> {
        self.slots.nodes()
    }
}

impl Index<NodeId> for NodeStates {
    type Output = NodeState;
    #[inline]
    fn index(&self, n: NodeId) -> &NodeState {
        &self.states[self.slots.get(n)]
    }
}

impl IndexMut<NodeId> for NodeStates {
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
        let states = NodeStates::new(slots, |n| NodeState {
            planned: n as u64 + 10,
            ..NodeState::default()
        });
        assert_eq!((states[1].planned, states[4].planned), (11, 14));
        assert_eq!(states[0].planned, 0, "another partition's node: the spare");
        assert_eq!(states.owned(), [1, 4]);

        let all = NodeSlots::new(4, None::<fn(NodeId) -> bool>);
        let of: Vec<usize> = (0..4).map(|n| all.get(n)).collect();
        assert_eq!(
            (of, all.len(), all.nodes()),
            (vec![0, 1, 2, 3], 4, vec![0, 1, 2, 3])
        );
    }
}
