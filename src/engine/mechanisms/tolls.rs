//! Transport cost and the green channel's toll exemption: every hop costs the link's
//! `cost_per_truck` plus its `toll_per_truck` per truckload, and a vehicle on the green channel
//! pays no toll ("no stop, no inspection, no toll"), nor does any vehicle from the national
//! toll waiver's day (`[transport] toll_free_from_day`). A shipment carries what its units have
//! paid and been spared so far; the KPIs count it when they arrive.

use crate::engine::{ShipId, Sim};
use crate::model::{LinkId, TICKS_PER_DAY};

impl Sim<'_> {
    /// Charges shipment `s` for leaving on link `l` now.
    pub(in crate::engine) fn charge_hop(&mut self, s: ShipId, l: LinkId) {
        let (m, day) = (self.m, (self.now / TICKS_PER_DAY) as u32);
        let p = m.links.props(l);
        if p.toll_per_truck == 0.0 && p.cost_per_truck == 0.0 {
            return;
        }
        let sh = &mut self.shipments[s];
        // Trucks prorated, as capacity is charged: parts of different consignments leaving on
        // one link on one day share trucks. Per unit, so the parts of a split shipment keep
        // their shares.
        let per_unit = 1.0 / m.items[sh.item].units_per_truck;
        // Under a national waiver no toll is due, so the channel spares none.
        let free_for_all = m.toll_free_from_day.is_some_and(|d| day >= d);
        let toll = if free_for_all {
            0.0
        } else {
            p.toll_per_truck * per_unit
        };
        sh.unit_cost += p.cost_per_truck * per_unit;
        if sh.on_channel(&m.green, day, l) {
            sh.unit_waived += toll;
        } else {
            sh.unit_cost += toll;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;

    /// (transport cost, tolls waived, units) of masks delivered to region B.
    fn costs(m: &crate::model::Model) -> (f64, f64, f64) {
        let r = run(m, 0);
        let t = &r.transport[item(m, "mask") * r.slots + region(m, "B")];
        (t.transport_cost, t.tolls_waived, t.units as f64)
    }

    #[test]
    fn tolls_are_paid_per_truckload_and_waived_on_the_green_channel() {
        // 100 masks a day, 50 to a truck: 2 truckloads a day at 30 toll and 100 haulage.
        let mut m = chain_model(20, 100, 1_000_000, 100, 0, "");
        let mask = item(&m, "mask");
        m.items[mask].units_per_truck = 50.0;
        m.links.props_mut(0).toll_per_truck = 30.0;
        m.links.props_mut(0).cost_per_truck = 100.0;
        let (cost, waived, units) = costs(&m);
        assert!(units > 1000.0);
        assert!(
            (cost - units / 50.0 * 130.0).abs() < 1e-6,
            "{cost} for {units}"
        );
        assert_eq!(waived, 0.0);
        // On the green channel from day 0, no toll: haulage only, the toll counted as waived.
        m.green.enabled = true;
        let (cost, waived, units) = costs(&m);
        assert!((cost - units / 50.0 * 100.0).abs() < 1e-6, "{cost}");
        assert!((waived - units / 50.0 * 30.0).abs() < 1e-6, "{waived}");
        // Only for eligible products.
        m.green.items = Some(vec![item(&m, "meltblown")]);
        assert_eq!(costs(&m).1, 0.0);
        let r = run(&m, 0);
        let national = &r.transport[mask * r.slots + r.slots - 1];
        assert_eq!(
            national.transport_cost,
            costs(&m).0,
            "the national slot sums the regions"
        );
        // A national toll waiver from day 0: haulage only, and nothing for the channel to waive.
        m.green.items = None;
        m.toll_free_from_day = Some(0);
        let (cost, waived, units) = costs(&m);
        assert!((cost - units / 50.0 * 100.0).abs() < 1e-6, "{cost}");
        assert_eq!(waived, 0.0);
    }
}
