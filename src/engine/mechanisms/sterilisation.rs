//! Sterilisation release: sterilised goods become shippable only after a delay after production.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Held, Sim, class};
use crate::model::{ItemId, NodeId};

impl Sim<'_> {
    /// Puts freshly made goods into stock, through sterilisation when the product needs it.
    pub(in crate::engine) fn put_away(&mut self, n: NodeId, item: ItemId, qty: u64) {
        if qty == 0 {
            return;
        }
        match &self.m.items[item].release_delay {
            Some(delay) => {
                let days = delay.sample(self.rng(n, Purpose::Release));
                self.stock.add(n, item, Held::Sterilising, qty);
                self.after(
                    Self::days_to_ticks(days, true),
                    class::ARRIVAL,
                    n,
                    Ev::Sterilised(n, item, qty),
                );
            }
            None => self.receive(n, item, qty),
        }
    }

    pub(in crate::engine) fn sterilised(&mut self, n: NodeId, item: ItemId, qty: u64) {
        self.stock.take(n, item, Held::Sterilising, qty);
        self.receive(n, item, qty);
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Dist;
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn sterilised_goods_ship_only_after_the_release_delay() {
        let mut m = chain_model(20, 100, 1_000_000, 50, 0, "");
        let (mask, a, b) = (item(&m, "mask"), region(&m, "A"), region(&m, "B"));
        let first_delivery = |m: &crate::model::Model| {
            series(&run(m, 0), mask, b, Measure::Delivered)
                .iter()
                .position(|&d| d > 0.0)
                .unwrap()
        };
        assert_eq!(
            first_delivery(&m),
            2,
            "made day 0, shipped, 1 day on the road, used the next day"
        );
        m.items[mask].release_delay = Some(Dist::fixed(7.0));
        assert_eq!(first_delivery(&m), 9);
        let r = run(&m, 0);
        assert_eq!(
            r.get(3, mask, a, Measure::Sterilising),
            400.0,
            "four days of output waiting"
        );
    }
}
