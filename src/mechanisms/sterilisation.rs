//! Sterilisation release: sterilised goods become shippable only after a delay after production.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Sim, class};
use crate::model::{ItemId, NodeId};

impl Sim<'_> {
    /// Puts freshly made goods into stock, through sterilisation when the product needs it.
    pub(crate) fn put_away(&mut self, n: NodeId, item: ItemId, qty: u64) {
        if qty == 0 {
            return;
        }
        match &self.m.items[item].release_delay {
            Some(delay) => {
                let days = delay.sample(self.rng(n, Purpose::Release));
                self.nodes[n].pending_release[item] += qty;
                self.after(Self::days_to_ticks(days, true), class::ARRIVAL, n, Ev::Sterilised(n, item, qty));
            }
            None => self.receive(n, item, qty),
        }
    }

    pub(crate) fn sterilised(&mut self, n: NodeId, item: ItemId, qty: u64) {
        self.nodes[n].pending_release[item] -= qty;
        self.receive(n, item, qty);
    }
}
