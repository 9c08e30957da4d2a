//! Conservation strategies (contingency and crisis standards: extended use, reuse): from a
//! trigger day, or once a hospital's days of supply fall below a threshold, burn rates are cut.
//! The strongest active step applies; a step triggered by days of supply stays on.

use crate::engine::Sim;
use crate::model::{ItemId, NodeId};

impl Sim<'_> {
    /// Multiplier of the burn rate of `item` at hospital `n` today.
    pub(crate) fn burn_factor(&self, n: NodeId, item: ItemId) -> f64 {
        let day = self.day();
        self.m
            .conservation
            .iter()
            .enumerate()
            .filter(|(k, c)| {
                c.items.contains(&item) && (c.from_day.is_some_and(|d| day >= d) || self.nodes[n].conservation_on[*k])
            })
            .map(|(_, c)| c.burn_factor)
            .fold(1.0, f64::min)
    }

    /// Latches days-of-supply triggers after today's consumption (`demand` units per day).
    pub(crate) fn update_conservation(&mut self, n: NodeId, item: ItemId, demand: f64) {
        if demand <= 0.0 {
            return;
        }
        let days_of_supply = self.nodes[n].on_hand[item] as f64 / demand;
        for (k, c) in self.m.conservation.iter().enumerate() {
            if let Some(threshold) = c.days_of_supply_below {
                if c.items.contains(&item) && days_of_supply < threshold {
                    self.nodes[n].conservation_on[k] = true;
                }
            }
        }
    }
}
