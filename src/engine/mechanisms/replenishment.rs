//! Replenishment: (s, S) order-up-to policies with continuous review (checked on every drop of
//! stock) or periodic review (every `review_days`), orders that reach their source after a
//! processing delay, and first-in-first-out fulfilment of the orders waiting at a source.
//!
//! The inventory position is on hand + on order, less what the node owes to orders waiting at it
//! when the policy has `net_backorders`. An order never lifts the position above the policy's
//! `capacity`. At a source with `ship_whole_orders`, an order waits until all of it is there and
//! no later order of the same item overtakes it; otherwise what is on hand ships at once, partly.
//!
//! A firm with `working_capital` pays for the materials it orders when it orders them, and
//! orders no more than its money buys; what it ships from its orders is paid to it after its
//! payment lag (shorter for a small firm's sales to a large one under early payment). The
//! payment is worked out from the seller's own shipments, so no message crosses partitions;
//! such a firm also reviews its continuous policies daily, so money arriving without a drop of
//! stock is spent.

use crate::engine::slots::PolicyCheck;
use crate::engine::streams::Purpose;
use crate::engine::{Ev, Held, Order, Sim, class};
use crate::model::{ItemId, Model, Node, NodeId, NodeKind, Size};

/// Guards the floor of money / price against representation error.
const EPS: f64 = 1e-9;

/// A firm's money for material purchases (`[[node]] working_capital`).
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct Cash {
    balance: f64,
    /// Payments not received yet: (tick due, amount), in shipping order.
    due: Vec<(crate::engine::queue::Tick, f64)>,
}

impl Cash {
    /// The money of `node` on day 0: its working capital, plus financing for a small firm.
    pub(in crate::engine) fn opening(m: &Model, node: &Node) -> Cash {
        let loan = match node.size {
            Size::Sme => m.sme_financing_credit_factor,
            Size::Large => 0.0,
        };
        Cash {
            balance: node
                .working_capital
                .map_or(0.0, |w| w.initial * (1.0 + loan)),
            due: Vec::new(),
        }
    }
}

impl Sim<'_> {
    /// Stock of `item` at `n` fell: continuous-review policies check their reorder point.
    pub(in crate::engine) fn after_drop(&mut self, n: NodeId, item: ItemId) {
        let f = self.nodes.facts(n);
        if f.reviews_on_drop(item) {
            self.review_where(n, |c| c.continuous && c.item == item);
        }
        if f.make_to_order
            && let Some(mto) = &f.node.make_to_order
        {
            if mto.item == item {
                self.mto_review(n);
            }
            // Room was made, or materials were used: the next batch may start.
            self.mto_try_start(n);
        }
    }

    /// An order arrived at `n`: positions that net out backorders have dropped.
    fn after_owed(&mut self, n: NodeId, item: ItemId) {
        let f = self.nodes.facts(n);
        self.review_where(n, |c| c.continuous && c.item == item && c.net_backorders);
        if f.make_to_order
            && f.node
                .make_to_order
                .as_ref()
                .is_some_and(|m| m.item == item)
        {
            self.mto_review(n);
        }
    }

    /// Reviews, in policy order, each of node `n`'s policies whose check `wanted` picks (from
    /// the checks packed beside the state: the policies themselves are read only by a review
    /// that orders).
    fn review_where(&mut self, n: NodeId, wanted: impl Fn(PolicyCheck) -> bool) {
        for k in 0..self.nodes.facts(n).replenish.len() {
            if wanted(self.nodes.policy_check(n, k)) {
                self.review(n, k);
            }
        }
    }

    /// Units to order to lift `position` to `order_up_to`, within `capacity` (0 above `s`).
    pub(in crate::engine) fn order_quantity(
        position: f64,
        reorder_point: f64,
        order_up_to: f64,
        capacity: Option<f64>,
    ) -> u64 {
        if !Self::orders_at(position, reorder_point) {
            return 0;
        }
        let target = capacity.map_or(order_up_to, |c| order_up_to.min(c));
        (target - position).ceil().max(0.0) as u64
    }

    /// Whether a policy with `reorder_point` orders at inventory position `position`: unless
    /// the position is above it.
    fn orders_at(position: f64, reorder_point: f64) -> bool {
        position.partial_cmp(&reorder_point) != Some(std::cmp::Ordering::Greater)
    }

    /// Node `n`'s inventory position in `item`: on hand plus on order, less what it owes when
    /// `net_backorders`.
    fn position(&self, n: NodeId, item: ItemId, net_backorders: bool) -> f64 {
        let st = &self.nodes[n];
        let position = (self.stock.on_hand(n, item) + st.inbound[item]) as f64;
        if net_backorders {
            position - st.owed[item] as f64
        } else {
            position
        }
    }

    /// Orders up to S when the inventory position is at or below s.
    fn review(&mut self, n: NodeId, k: usize) {
        // What the policy's review finds first, from the node's packed checks: above the
        // reorder point it orders nothing, and the policy need not be read.
        let c = self.nodes.policy_check(n, k);
        let position = self.position(n, c.item, c.net_backorders);
        if !Self::orders_at(position, c.reorder_point) {
            return;
        }
        // The check is the policy's own item and netting, so the position stands.
        let p = &self.nodes.facts(n).replenish[k];
        let qty = Self::order_quantity(position, p.reorder_point, p.order_up_to, p.capacity);
        let qty = self.affordable(n, p.item, qty);
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

    /// How much of `qty` units of `item` node `n` can pay for now (all of it without working
    /// capital or a price), taking the money for them.
    fn affordable(&mut self, n: NodeId, item: ItemId, qty: u64) -> u64 {
        let price = self.m.items[item].price;
        if qty == 0 || price <= 0.0 || !self.nodes.facts(n).working_capital {
            return qty;
        }
        let now = self.now;
        let cash = &mut self.nodes[n].cash;
        cash.due.retain(|&(at, amount)| {
            if at > now {
                return true;
            }
            cash.balance += amount;
            false
        });
        let qty = qty.min((cash.balance / price + EPS).floor().max(0.0) as u64);
        cash.balance = (cash.balance - qty as f64 * price).max(0.0);
        qty
    }

    /// `seller` shipped `qty` units of `item` to `buyer`: with working capital, it is paid
    /// after its payment lag, or within the early-payment days for a small firm's sale to a
    /// large one.
    fn bill(&mut self, seller: NodeId, buyer: NodeId, item: ItemId, qty: u64) {
        let m = self.m;
        let (Some(terms), price) = (m.nodes[seller].working_capital, m.items[item].price) else {
            return;
        };
        if price <= 0.0 {
            return;
        }
        let mut lag = terms.payment_lag_days;
        if let Some(early) = m.sme_early_payment_days
            && m.nodes[seller].size == Size::Sme
            && m.nodes[buyer].size == Size::Large
        {
            lag = lag.min(early);
        }
        let at = self.now + Self::days_to_ticks(lag, false);
        self.nodes[seller].cash.due.push((at, qty as f64 * price));
    }

    /// Day 0 reviews every policy; later days the periodic ones whose period has come, and
    /// every day the continuous ones of a firm with working capital.
    pub(in crate::engine) fn periodic_review(&mut self, n: NodeId) {
        let day = self.day();
        let f = self.nodes.facts(n);
        let cash_limited = f.working_capital;
        if day == 0 && f.make_to_order {
            self.mto_review(n);
        }
        for k in 0..f.replenish.len() {
            match f.review_days(k) {
                Some(period) if day.is_multiple_of(period) => self.review(n, k),
                None if day == 0 || cash_limited => self.review(n, k),
                _ => {}
            }
        }
        if cash_limited || f.periodic {
            self.on_day(day as i64 + 1, class::REVIEW, n, Ev::Review(n));
        }
    }

    pub(in crate::engine) fn order_arrives(&mut self, source: NodeId, order: Order) {
        let item = order.item;
        self.nodes[source].owed[item] += order.qty;
        self.nodes[source].backlog.push_back(order);
        self.fill_backlog(source);
        self.after_owed(source, item);
    }

    /// Ships what it can of the orders waiting at `n`, oldest first; an order only partly
    /// filled keeps its place. A reserve ships nothing until released (or only the products
    /// released on their own).
    pub(in crate::engine) fn fill_backlog(&mut self, n: NodeId) {
        let node = &self.nodes[n];
        if node.backlog.is_empty() || (!node.released && node.released_items.is_empty()) {
            return;
        }
        let f = self.nodes.facts(n);
        let (unlimited, whole) = (f.kind == NodeKind::Source, f.node.ship_whole_orders);
        let mut backlog = std::mem::take(&mut self.nodes[n].backlog);
        let mut dropped = Vec::new();
        // Items whose oldest waiting order cannot ship whole: later ones of the item wait too.
        let mut blocked: Vec<ItemId> = Vec::new();
        // Once every item still owed is blocked nothing later can ship, so the scan stops (a
        // starved distributor holds a thousand waiting orders and is checked at every receipt).
        let owed_items = self.nodes[n].owed.iter().filter(|&&q| q > 0).count();
        for order in backlog.iter_mut() {
            let item = order.item;
            if (whole && blocked.contains(&item)) || !self.is_released(n, item) {
                continue;
            }
            let qty = if unlimited {
                if !self.m.nodes[n].supplies.contains(&item) {
                    continue;
                }
                self.ledger[item].imported += order.qty;
                order.qty
            } else if whole {
                if self.stock.on_hand(n, item) < order.qty {
                    blocked.push(item);
                    if blocked.len() == owed_items {
                        break;
                    }
                    continue;
                }
                self.stock.take(n, item, Held::OnHand, order.qty);
                order.qty
            } else {
                self.stock.take_at_most(n, item, order.qty)
            };
            if qty == 0 {
                continue;
            }
            let consignment = self.consignments.start(n, qty);
            if !self.ship(n, order.to, item, qty, 0, consignment) {
                // Unreachable (validation rules this out); keep the goods and the order.
                if unlimited {
                    self.ledger[item].imported -= qty;
                } else {
                    self.stock.add(n, item, Held::OnHand, qty);
                }
                continue;
            }
            self.bill(n, order.to, item, qty);
            order.qty -= qty;
            self.nodes[n].owed[item] -= qty;
            dropped.push(item);
        }
        if !dropped.is_empty() {
            backlog.retain(|o| o.qty > 0);
        }
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
    use crate::model::{Dist, Replenish, Size, WorkingCapital};
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
            capacity: None,
            net_backorders: false,
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

    #[test]
    fn working_capital_limits_a_small_firms_purchases_until_it_is_paid() {
        // The factory (100 masks a day at 1 g) buys melt-blown at 0.1 a gram from an unlimited
        // source a day away and sells masks at 0.5 to the hospital, which orders from it.
        let extra = "[[node]]\nid = \"mb\"\nkind = \"source\"\nregion = \"A\"\nsupplies = [\"meltblown\"]\n\n[[link]]\nfrom = \"mb\"\nto = \"factory\"\nlead_time_days = { dist = \"fixed\", value = 1 }\n";
        let mut m = chain_model(60, 100, 0, 100, 0, extra);
        let (mask, mb, nat) = (item(&m, "mask"), item(&m, "meltblown"), m.regions.len());
        m.dispatch = None;
        m.items[mb].price = 0.1;
        m.items[mask].price = 0.5;
        let order = |item, source, s, up_to| Replenish {
            item,
            source,
            reorder_point: s,
            order_up_to: up_to,
            review_days: None,
            order_delay_hours: Dist::fixed(1.0),
            capacity: None,
            net_backorders: false,
        };
        m.nodes[0].replenish.push(order(mb, 2, 300.0, 1000.0));
        m.nodes[1].replenish.push(order(mask, 0, 300.0, 600.0));
        m.nodes[0].size = Size::Sme;
        let made = |m: &crate::model::Model| total(&run(m, 0), mask, nat, Measure::Produced);
        let free = made(&m);
        // 50 buys 500 g; the masks made from them are paid for 30 days after they ship.
        m.nodes[0].working_capital = Some(WorkingCapital {
            initial: 50.0,
            payment_lag_days: 30.0,
        });
        let tight = made(&m);
        assert!(tight < 0.7 * free, "{tight} against {free}");
        // Financing adds money on day 0; early payment by a large buyer brings it sooner.
        m.sme_financing_credit_factor = 2.0;
        let financed = made(&m);
        m.sme_financing_credit_factor = 0.0;
        m.sme_early_payment_days = Some(2.0);
        let early = made(&m);
        assert!(financed > tight + 900.0, "{financed} against {tight}");
        assert!(early > 0.9 * free, "{early} against {free}");
        // Early payment is for sales to large firms only.
        m.nodes[1].size = Size::Sme;
        assert_eq!(made(&m), tight);
    }
}

#[cfg(test)]
mod whole_order_tests {
    use crate::results::Measure;
    use crate::testutil::*;

    /// A depot with 100 masks (none coming) and two hospitals: `big` orders 150 first, then
    /// `small` orders 20; `whole` says how the depot ships.
    fn depot(whole: bool, big_capacity: &str) -> crate::model::Model {
        let toml = format!(
            r#"{}
[[region]]
id = "A"
risk = [{{ day = 0, level = "low" }}]

[[product]]
id = "mask"
kind = "consumable"
units_per_truck = 1000
demanded = false

[[node]]
id = "depot"
kind = "warehouse"
region = "A"
stock = {{ mask = 100 }}
ship_whole_orders = {whole}

[[node]]
id = "big"
kind = "hospital"
region = "A"
demand = []
replenish = [{{ item = "mask", source = "depot", reorder_point = 0, order_up_to = 150, {big_capacity} order_delay_hours = {{ dist = "fixed", value = 1 }} }}]

[[node]]
id = "small"
kind = "hospital"
region = "B"
demand = []
replenish = [{{ item = "mask", source = "depot", reorder_point = 0, order_up_to = 20, order_delay_hours = {{ dist = "fixed", value = 2 }} }}]

[[region]]
id = "B"
risk = [{{ day = 0, level = "low" }}]

[[link_group]]
from = ["depot"]
to = ["big", "small"]
lead_time_days = {{ dist = "fixed", value = 0.5 }}
"#,
            prelude(4)
        );
        model(&toml)
    }

    #[test]
    fn a_later_small_order_does_not_overtake_an_earlier_big_one() {
        let m = depot(true, "");
        let r = run(&m, 0);
        let (mask, a, b) = (item(&m, "mask"), region(&m, "A"), region(&m, "B"));
        // The 150 can never ship whole from 100; the 20 waits behind it.
        assert_eq!(total(&r, mask, a, Measure::OnHandHospital), 0.0);
        assert_eq!(total(&r, mask, b, Measure::OnHandHospital), 0.0);
        assert_eq!(r.get(3, mask, a, Measure::OnHandWarehouse), 100.0);
        // By default what is on hand ships at once: 100 of the 150, the 20 still waits.
        let r = run(&depot(false, ""), 0);
        assert_eq!(r.get(3, mask, a, Measure::OnHandHospital), 100.0);
        assert_eq!(r.get(3, mask, b, Measure::OnHandHospital), 0.0);
    }

    #[test]
    fn capacity_clips_the_order() {
        // S = 150 but room for 80: the order is 80, which ships whole; then the 20.
        let r = run(&depot(true, "capacity = 80,"), 0);
        let m = depot(true, "capacity = 80,");
        let (mask, a, b) = (item(&m, "mask"), region(&m, "A"), region(&m, "B"));
        assert_eq!(r.get(3, mask, a, Measure::OnHandHospital), 80.0);
        assert_eq!(r.get(3, mask, b, Measure::OnHandHospital), 20.0);
        assert_eq!(r.get(3, mask, a, Measure::OnHandWarehouse), 0.0);
    }

    #[test]
    fn order_quantity_nets_and_clips() {
        use crate::engine::Sim;
        assert_eq!(Sim::order_quantity(41.0, 40.0, 150.0, None), 0);
        assert_eq!(Sim::order_quantity(40.0, 40.0, 150.0, None), 110);
        // Owing 300 (position -260): S - position.
        assert_eq!(Sim::order_quantity(-260.0, 40.0, 150.0, Some(200.0)), 410);
        assert_eq!(Sim::order_quantity(10.0, 40.0, 300.0, Some(200.0)), 190);
    }
}
