//! Health checkpoints: a shipment entering or crossing a region waits there for a time that
//! depends on the region's risk level, unless the green channel lets it bypass.

use crate::engine::queue::Tick;
use crate::engine::streams::Purpose;
use crate::engine::{ShipId, Sim};
use crate::model::LinkId;

impl Sim<'_> {
    /// Total checkpoint wait (ticks) for shipment `s` at the end of a hop on `link`.
    pub(in crate::engine) fn checkpoint_wait(&mut self, s: ShipId, link: LinkId) -> Tick {
        let (m, day) = (self.m, self.day());
        let checkpoints = m.links.checkpoints(link);
        let sh = &self.shipments[s];
        let dest_region = m.nodes[sh.dest].region;
        let green = &m.green;
        if green.bypass_checkpoints
            && green.eligible(day, sh.item, sh.origin_region, dest_region, link)
        {
            if !checkpoints.is_empty() {
                self.shipments[s].green = true;
            }
            return 0;
        }
        let mut hours = 0.0;
        // The link's own stream, drawn where its shipments arrive (a region's stream would be
        // drawn by every partition whose links cross it).
        let e = self.link_entity(link);
        for &r in checkpoints {
            let level = self.level_on(r, day);
            hours += m.risk[level as usize]
                .checkpoint_hours
                .sample(self.rng(e, Purpose::Checkpoint));
        }
        Self::days_to_ticks(hours / 24.0, false)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Dist, RiskLevel};
    use crate::testutil::*;

    /// Mean lead time (days) of masks delivered to region B.
    fn lead(m: &crate::model::Model) -> f64 {
        let r = run(m, 0);
        let t = &r.transport[item(m, "mask") * r.slots + region(m, "B")];
        t.lead_times.iter().sum::<f64>() / t.lead_times.len() as f64
    }

    #[test]
    fn entering_a_high_risk_region_waits_at_the_checkpoint_and_the_green_channel_skips_it() {
        let mut m = chain_model(20, 100, 1_000_000, 50, 0, "");
        m.risk[RiskLevel::High as usize].checkpoint_hours = Dist::fixed(12.0);
        // 1 tick decision delay + 1 day on the road + 12 h at the checkpoint.
        let slow = lead(&m);
        assert!((slow - (1.5 + 1.0 / 1440.0)).abs() < 1e-9, "{slow}");
        m.green.enabled = true;
        let fast = lead(&m);
        assert!((fast - (1.0 + 1.0 / 1440.0)).abs() < 1e-9, "{fast}");
        let r = run(&m, 0);
        let t = &r.transport[item(&m, "mask") * r.slots + region(&m, "B")];
        assert_eq!(t.green_units, t.units);
    }

    #[test]
    fn green_channel_respects_its_start_day_and_eligibility() {
        let mut m = chain_model(30, 100, 1_000_000, 50, 0, "");
        m.risk[RiskLevel::High as usize].checkpoint_hours = Dist::fixed(12.0);
        m.green.enabled = true;
        m.green.start_day = 15;
        let r = run(&m, 0);
        let t = &r.transport[item(&m, "mask") * r.slots + region(&m, "B")];
        let share = t.green_units as f64 / t.units as f64;
        assert!(
            share > 0.4 && share < 0.6,
            "about half the horizon is on the channel: {share}"
        );
        m.green.start_day = 0;
        m.green.items = Some(vec![item(&m, "meltblown")]);
        let r = run(&m, 0);
        assert_eq!(
            r.transport[item(&m, "mask") * r.slots + region(&m, "B")].green_units,
            0,
            "masks not eligible"
        );
    }
}
