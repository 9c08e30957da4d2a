//! Health checkpoints: a shipment entering or crossing a region waits there for a time that
//! depends on the region's risk level, unless the green channel lets it bypass.

use crate::engine::streams::Purpose;
use crate::engine::{ShipId, Sim};
use crate::engine::queue::Tick;
use crate::model::LinkId;

impl Sim<'_> {
    /// Total checkpoint wait (ticks) for shipment `s` at the end of a hop on `link`.
    pub(crate) fn checkpoint_wait(&mut self, s: ShipId, link: LinkId) -> Tick {
        let day = self.day();
        let sh = &self.shipments[s];
        let dest_region = self.m.nodes[sh.dest].region;
        let green = &self.m.green;
        if green.bypass_checkpoints && green.eligible(day, sh.item, sh.origin_region, dest_region, link) {
            if !self.m.links[link].checkpoints.is_empty() {
                self.shipments[s].green = true;
            }
            return 0;
        }
        let mut hours = 0.0;
        for k in 0..self.m.links[link].checkpoints.len() {
            let r = self.m.links[link].checkpoints[k];
            let level = self.m.regions[r].risk_on(day);
            let e = self.region_entity(r);
            hours += self.m.risk[level as usize].checkpoint_hours.sample(self.rng(e, Purpose::Checkpoint));
        }
        (hours * 60.0).round() as Tick
    }
}
