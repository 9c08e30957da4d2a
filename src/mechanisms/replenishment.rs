//! Replenishment: (s, S) order-up-to policies with continuous review (checked on every drop of
//! stock) or periodic review (every `review_days`), orders that reach their source after a
//! processing delay, and first-in-first-out fulfilment of the orders waiting at a source.

use crate::engine::streams::Purpose;
use crate::engine::{Ev, Order, Sim, class};
use crate::model::{ItemId, NodeId, NodeKind};

impl Sim<'_> {
    /// Stock of `item` at `n` fell: continuous-review policies check their reorder point.
    pub(crate) fn after_drop(&mut self, n: NodeId, item: ItemId) {
        for k in 0..self.m.nodes[n].replenish.len() {
            let p = &self.m.nodes[n].replenish[k];
            if p.item == item && p.review_days.is_none() {
                self.review(n, k);
            }
        }
    }

    /// Orders up to S when the inventory position is at or below s.
    fn review(&mut self, n: NodeId, k: usize) {
        let p = &self.m.nodes[n].replenish[k];
        let st = &self.nodes[n];
        let position = (st.on_hand[p.item] + st.inbound[p.item]) as f64;
        if position > p.reorder_point {
            return;
        }
        let qty = (p.order_up_to - position).ceil() as u64;
        if qty == 0 {
            return;
        }
        self.nodes[n].inbound[p.item] += qty;
        let hours = p.order_delay_hours.sample(self.rng(n, Purpose::OrderDelay));
        let order = Order {
            to: n,
            item: p.item,
            qty,
        };
        let delay = Self::days_to_ticks(hours / 24.0, true);
        self.after(
            delay,
            class::ARRIVAL,
            p.source,
            Ev::OrderArrives(p.source, order),
        );
    }

    /// Day 0 reviews every policy; later days the periodic ones whose period has come.
    pub(crate) fn periodic_review(&mut self, n: NodeId) {
        let day = self.day();
        let policies = &self.m.nodes[n].replenish;
        for (k, p) in policies.iter().enumerate() {
            match p.review_days {
                Some(period) if day.is_multiple_of(period) => self.review(n, k),
                None if day == 0 => self.review(n, k),
                _ => {}
            }
        }
        if policies.iter().any(|p| p.review_days.is_some()) {
            self.on_day(day as i64 + 1, class::REVIEW, n, Ev::Review(n));
        }
    }

    pub(crate) fn order_arrives(&mut self, source: NodeId, order: Order) {
        self.nodes[source].backlog.push_back(order);
        self.fill_backlog(source);
    }

    /// Ships what it can of the orders waiting at `n`, oldest first; an order only partly
    /// filled keeps its place. A reserve ships nothing until released.
    pub(crate) fn fill_backlog(&mut self, n: NodeId) {
        if self.nodes[n].backlog.is_empty() || !self.nodes[n].released {
            return;
        }
        let unlimited = self.m.nodes[n].kind == NodeKind::Source;
        let mut backlog = std::mem::take(&mut self.nodes[n].backlog);
        let mut dropped = Vec::new();
        for order in backlog.iter_mut() {
            let item = order.item;
            let qty = if unlimited {
                if !self.m.nodes[n].supplies.contains(&item) {
                    continue;
                }
                self.ledger[item].imported += order.qty;
                order.qty
            } else {
                let q = order.qty.min(self.nodes[n].on_hand[item]);
                self.nodes[n].on_hand[item] -= q;
                q
            };
            if qty == 0 {
                continue;
            }
            if !self.ship(n, order.to, item, qty, 0) {
                // Unreachable (validation rules this out); keep the goods and the order.
                if unlimited {
                    self.ledger[item].imported -= qty;
                } else {
                    self.nodes[n].on_hand[item] += qty;
                }
                continue;
            }
            order.qty -= qty;
            dropped.push(item);
        }
        backlog.retain(|o| o.qty > 0);
        // Orders that arrived while we were shipping go after the ones already waiting.
        backlog.extend(std::mem::take(&mut self.nodes[n].backlog));
        self.nodes[n].backlog = backlog;
        if !unlimited {
            dropped.sort_unstable();
            dropped.dedup();
            for item in dropped {
                self.after_drop(n, item);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Dist, Replenish};
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn order_up_to_policies_keep_a_hospital_supplied() {
        let mut m = chain_model(30, 1000, 10_000_000, 100, 300, "");
        let (mask, b) = (item(&m, "mask"), region(&m, "B"));
        m.dispatch = None;
        let policy = Replenish {
            item: mask,
            source: 0,
            reorder_point: 250.0,
            order_up_to: 600.0,
            review_days: None,
            order_delay_hours: Dist::fixed(2.0),
        };
        m.nodes[1].replenish.push(policy.clone());
        let r = run(&m, 0);
        assert_eq!(
            total(&r, mask, b, Measure::Unmet),
            0.0,
            "continuous review never runs out"
        );
        assert!(
            series(&r, mask, b, Measure::OnHandHospital)
                .iter()
                .all(|&s| s <= 600.0)
        );
        // Weekly review with the same levels runs short between reviews.
        m.nodes[1].replenish[0].review_days = Some(7);
        let r = run(&m, 0);
        assert!(total(&r, mask, b, Measure::Unmet) > 0.0);
        // Without a policy the stock runs out after three days.
        m.nodes[1].replenish.clear();
        assert_eq!(total(&run(&m, 0), mask, b, Measure::Delivered), 300.0);
    }
}
