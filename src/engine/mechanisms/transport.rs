//! Transport: shipments move hop by hop along their route. At each link they queue for the
//! day's truck capacity (green-channel shipments first when the channel gives priority), travel a
//! drawn lead time, and wait at checkpoints entering a region. A closed link (scheduled or random
//! disruption, see `closures`) holds new departures and stalls shipments already on it.
//!
//! Every shipment belongs to a [`Consignment`]: what one decision sends to one destination (a
//! source filling an order, or a dispatch allocation to a hospital, perhaps from several
//! sources). Its lead time is recorded once, when its last unit arrives, however it was split
//! on the way (by truck capacity) or at the start (across sources).

use crate::engine::queue::Tick;
use crate::engine::streams::Purpose;
use crate::engine::{Ev, Held, LinkState, ShipId, Shipment, Sim, class};
use crate::model::{ItemId, LinkId, NodeId, NodeKind, TICKS_PER_DAY};
use crate::results::Measure;
use crate::util::FastMap;

/// One order or allocation, named by the node that started it and its count there (so the
/// name does not depend on partitions), with its units: its shipments' quantities add up to
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::engine) struct Consignment {
    /// The node that started it (the source filling an order; the hospital allocated to).
    node: NodeId,
    /// How many consignments that node had started before.
    seq: u32,
    /// Units in all its shipments.
    units: u64,
}

/// The consignments a partition keeps: how many each of its nodes has started, and, at the
/// destinations it owns, the units of split consignments that have arrived so far.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct Consignments {
    started: Vec<u32>,
    arrived: FastMap<(NodeId, u32), u64>,
}

impl Consignments {
    /// Starts a consignment of `units` at `node`.
    pub(in crate::engine) fn start(&mut self, node: NodeId, units: u64) -> Consignment {
        if self.started.len() <= node {
            self.started.resize(node + 1, 0);
        }
        let seq = self.started[node];
        self.started[node] = seq.wrapping_add(1);
        Consignment { node, seq, units }
    }

    /// Records `qty` units of `c` arriving; true when that completes it.
    fn arrive(&mut self, c: Consignment, qty: u64) -> bool {
        if qty >= c.units {
            return true; // whole, the common case: nothing to remember
        }
        let got = self.arrived.entry((c.node, c.seq)).or_insert(0);
        *got += qty;
        if *got < c.units {
            return false;
        }
        self.arrived.remove(&(c.node, c.seq));
        true
    }
}

impl Sim<'_> {
    /// Sends `qty` of `item` from `from` to `to`, leaving after `delay` ticks, as (part of)
    /// `consignment`. The stock has already left `from`. Returns false (and sends nothing)
    /// when there is no route.
    pub(in crate::engine) fn ship(
        &mut self,
        from: NodeId,
        to: NodeId,
        item: ItemId,
        qty: u64,
        delay: Tick,
        consignment: Consignment,
    ) -> bool {
        let Some((_, path)) = self.route(from, to, item) else {
            return false;
        };
        let (origin, dest) = (self.m.nodes[from].region, self.m.nodes[to].region);
        self.out.add_flow(origin, dest, item, qty);
        let sh = Shipment {
            item,
            qty,
            dest: to,
            path,
            hop: 0,
            created: self.now,
            consignment,
            arrival: self.now,
            generation: 0,
            green: false,
            alive: true,
            held_from: self.now,
            held_until: Tick::MAX,
            unit_cost: 0.0,
            unit_waived: 0.0,
            admitted: self.m.green.admits(item, origin, dest),
        };
        let s = self.new_shipment(sh);
        if delay > 0 {
            self.after(delay, class::ARRIVAL, from, Ev::Depart(s));
        } else {
            self.enter_next_link(s);
        }
        true
    }

    /// Stores a shipment, reusing the slot of a delivered one.
    pub(in crate::engine) fn new_shipment(&mut self, sh: Shipment) -> ShipId {
        match self.free_ships.pop() {
            Some(s) => {
                self.shipments[s] = sh;
                s
            }
            None => {
                self.shipments.push(sh);
                self.shipments.len() - 1
            }
        }
    }

    /// Queues a shipment at the link of its current hop.
    pub(in crate::engine) fn enter_next_link(&mut self, s: ShipId) {
        let sh = &self.shipments[s];
        let l = sh.path[sh.hop];
        let (m, now) = (self.m, self.now);
        let st = self.ls(l);
        // Most hops: an open link without a daily capacity, on which no one waits. Serving its
        // queue would let this shipment, the only one in it, leave at once; it leaves without
        // the round trip through the queue and the capacity look-up.
        if st.queue.is_empty() && now >= st.closed_until && m.links.props(l).capacity.is_empty() {
            self.depart(s, l);
            return;
        }
        st.queue.push(s);
        self.serve_link(l);
    }

    /// Start of a link's day: renew its truck budget, serve its queue. Only a link with a daily
    /// capacity on whose queue shipments waited the day before has one: on any other the
    /// event would find nothing to serve, or only shipments that entered today and were
    /// served then, within a budget that has only shrunk since.
    pub(in crate::engine) fn link_day(&mut self, l: LinkId) {
        // Counted with the idle days of the link when the run was scheduled.
        self.events -= 1;
        self.serve_link(l);
    }

    /// Schedules tomorrow's [`Sim::link_day`] of link `l` (at `at` in the link table), whose
    /// queue is not empty, unless it is scheduled already or the link has no daily capacity.
    fn wait_for_next_day(&mut self, l: LinkId, at: usize) {
        let next = self.day() + 1;
        let st = self.links.at(at);
        if st.day_event >= next || self.m.links.props(l).capacity.is_empty() {
            return;
        }
        st.day_event = next;
        let e = self.link_entity(l);
        if self.owns(e) {
            self.on_day(i64::from(next), class::LINK_DAY, e, Ev::LinkDay(l));
        }
    }

    /// Lets queued shipments depart within today's capacity. Ordinary freight claims its
    /// share of the day's truckloads when the day's budget is set: all it wants if that and the
    /// medical shipments then waiting fit, else in proportion to the two. Green-lane shipments
    /// (capacity priority) go first, from the green truck share, and displace ordinary freight;
    /// other medical shipments get what ordinary freight leaves.
    fn serve_link(&mut self, l: LinkId) {
        // The state's position, kept across `depart`, which needs the whole simulation.
        let at = self.links.position(l, LinkState::default);
        let (m, today) = (self.m, self.day());
        let st = self.links.at(at);
        if st.queue.is_empty() {
            return;
        }
        if self.now < st.closed_until {
            self.wait_for_next_day(l, at);
            return;
        }
        let mut queue = std::mem::take(&mut st.queue);
        let Some(cap) = m.link_trucks(l, today) else {
            for s in queue.drain(..) {
                self.depart(s, l);
            }
            self.links.at(at).queue = queue;
            return;
        };
        let g = &m.green;
        let ships = &self.shipments;
        let eligible = |s: ShipId| ships[s].on_channel(g, today, l);
        // Stable: green-lane shipments first, each group in arrival order.
        let lane = g.capacity_priority && g.active(today);
        let green_count = if lane {
            queue.sort_by_key(|&s| !eligible(s));
            queue.iter().take_while(|&&s| eligible(s)).count()
        } else {
            0
        };
        let st = self.links.at(at);
        if st.budget_day != today as i64 + 1 {
            // budget_day stores day + 1 so that the default 0 means "never set".
            st.budget_day = today as i64 + 1;
            st.used = 0.0;
            let want = m.background_trucks(l, today);
            let waiting: f64 = queue[green_count..]
                .iter()
                .map(|&s| ships[s].qty as f64 / m.items[ships[s].item].units_per_truck)
                .sum();
            st.background = if want + waiting <= cap.ordinary {
                want
            } else {
                cap.ordinary * want / (want + waiting)
            };
        }
        let mut waiting = Vec::new();
        for (k, s) in queue.drain(..).enumerate() {
            let green = k < green_count;
            let st = self.links.at(at);
            let free = if green {
                cap.green - st.used
            } else {
                cap.ordinary - st.used - st.background
            };
            let per_truck = m.items[self.shipments[s].item].units_per_truck;
            let fits = (free.max(0.0) * per_truck + 1e-9).floor();
            let qty = self.shipments[s].qty;
            let part = if fits >= qty as f64 { qty } else { fits as u64 };
            if part == 0 {
                waiting.push(s);
                continue;
            }
            st.used += part as f64 / per_truck;
            if part < qty {
                // A split leaves nothing of its lane's trucks today, not even a fraction.
                st.used = if green {
                    st.used.max(cap.green)
                } else {
                    st.used.max(cap.ordinary - st.background)
                };
            }
            if green {
                st.background = st.background.min((cap.ordinary - st.used).max(0.0));
            }
            if part == qty {
                self.depart(s, l);
            } else {
                // Split: what fits leaves today, the rest keeps its place in the queue.
                let mut first = self.shipments[s].clone();
                first.qty = part;
                self.shipments[s].qty -= part;
                let id = self.new_shipment(first);
                self.depart(id, l);
                waiting.push(s);
            }
        }
        // The emptied queue keeps its allocation for the next shipments when none waits.
        if waiting.is_empty() {
            self.links.at(at).queue = queue;
        } else {
            self.links.at(at).queue = waiting;
            self.wait_for_next_day(l, at);
        }
    }

    fn depart(&mut self, s: ShipId, l: LinkId) {
        let e = self.link_entity(l);
        let days = self
            .m
            .links
            .props(l)
            .lead_time
            .sample(self.rng(e, Purpose::LeadTime));
        self.charge_hop(s, l);
        let sh = &mut self.shipments[s];
        if self.m.green.capacity_priority
            && !self.m.links.props(l).capacity.is_empty()
            && sh.on_channel(&self.m.green, (self.now / TICKS_PER_DAY) as u32, l)
        {
            sh.green = true;
        }
        sh.arrival = self.now + Self::days_to_ticks(days, true);
        let (arrival, generation) = (sh.arrival, sh.generation);
        if self.m.link_can_close(l) {
            self.ls(l).in_transit.push(s);
        }
        let end = self.link_end_entity(l);
        if self.owns(end) {
            self.push(arrival, class::ARRIVAL, end, Ev::HopEnd(s, generation));
        } else {
            // The hop ends in another partition, which holds the shipment from then on.
            let mut moved = Box::new(self.shipments[s].clone());
            moved.held_from = arrival;
            self.shipments[s].held_until = arrival;
            self.send_shipment(arrival, end, moved, generation);
        }
    }

    pub(in crate::engine) fn hop_end(&mut self, s: ShipId, generation: u32) {
        if self.shipments[s].generation != generation {
            return; // rescheduled by a closure
        }
        let l = self.shipments[s].path[self.shipments[s].hop];
        if self.m.link_can_close(l) {
            self.ls(l).in_transit.retain(|&x| x != s);
        }
        let wait = self.checkpoint_wait(s, l);
        if wait > 0 {
            let end = self.link_end_entity(l);
            self.after(wait, class::ARRIVAL, end, Ev::CheckpointCleared(s));
        } else {
            self.arrive_at_node(s);
        }
    }

    /// A shipment reaches the end of its current hop, past any checkpoint.
    pub(in crate::engine) fn arrive_at_node(&mut self, s: ShipId) {
        let sh = &mut self.shipments[s];
        if sh.hop + 1 < sh.path.len() {
            sh.hop += 1;
            self.enter_next_link(s);
            return;
        }
        let (dest, item, qty) = (sh.dest, sh.item, sh.qty);
        sh.alive = false;
        let dest_facts = self.nodes.facts(dest);
        let slot = dest_facts.region as usize;
        // Every part of a consignment was created with it: its lead time ends with the last.
        let lead = (self.now - sh.created) as f64 / TICKS_PER_DAY as f64;
        let (green, whole) = (sh.green, self.consignments.arrive(sh.consignment, qty));
        let (cost, waived) = (sh.unit_cost * qty as f64, sh.unit_waived * qty as f64);
        let t = &mut self.out.transport[item * self.out.slots + slot];
        // Counted at the destination, so each region's sums are made in one partition.
        t.transport_cost += cost;
        t.tolls_waived += waived;
        if whole {
            t.lead_times.push(lead);
        }
        t.units += qty;
        if green {
            t.green_units += qty;
        }
        if dest_facts.kind == NodeKind::Hospital {
            self.record(item, slot, Measure::Received, qty as f64);
        }
        self.free_ships.push(s);
        let inb = &mut self.nodes[dest].inbound[item];
        *inb = inb.saturating_sub(qty);
        self.receive(dest, item, qty);
    }

    /// Closes a link until `until`: shipments on it stall for the rest of the closure.
    pub(in crate::engine) fn link_close(&mut self, l: LinkId, until: Tick) {
        if until <= self.ls(l).closed_until {
            return;
        }
        let extra = until - self.now.max(self.ls(l).closed_until);
        self.ls(l).closed_until = until;
        let (e, end) = (self.link_entity(l), self.link_end_entity(l));
        for k in 0..self.ls(l).in_transit.len() {
            let s = self.ls(l).in_transit[k];
            let sh = &mut self.shipments[s];
            sh.arrival += extra;
            sh.generation += 1;
            let (arrival, generation) = (sh.arrival, sh.generation);
            self.push(arrival, class::ARRIVAL, end, Ev::HopEnd(s, generation));
        }
        self.after(until - self.now, class::STATE, e, Ev::LinkOpen(l));
    }

    pub(in crate::engine) fn link_open(&mut self, l: LinkId) {
        if self.now >= self.ls(l).closed_until {
            self.serve_link(l);
        }
    }

    /// Stock arrives at a node (delivery, production, release): orders waiting there are served.
    pub(in crate::engine) fn receive(&mut self, n: NodeId, item: ItemId, qty: u64) {
        self.stock_arriving(n, item);
        self.stock.add(n, item, Held::OnHand, qty);
        self.fill_backlog(n);
        if self.nodes.facts(n).make_to_order {
            // Materials arrived: a batch may start.
            self.mto_try_start(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Disruption, Dist, RiskLevel};
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn units_arriving_at_hospitals_are_received_on_their_day() {
        // 150 masks/day made from day 0 reach the hospital over a 1-day link.
        let m = chain_model(10, 150, 1_000_000, 100, 0, "");
        let r = run(&m, 0);
        let (mask, a, b) = (item(&m, "mask"), region(&m, "A"), region(&m, "B"));
        let received = series(&r, mask, b, Measure::Received);
        assert_eq!(
            received[0], 0.0,
            "nothing arrives before the first hop ends"
        );
        assert!(received[2..].iter().all(|&x| x == 150.0), "{received:?}");
        assert_eq!(
            total(&r, mask, b, Measure::Received),
            r.transport[mask * r.slots + b].units as f64,
            "every unit delivered into the region arrived at its hospital"
        );
        assert_eq!(
            total(&r, mask, a, Measure::Received),
            0.0,
            "no hospital in A"
        );
    }

    #[test]
    fn truck_capacity_limits_flow_and_scales_with_national_availability() {
        // 1000 masks/day made; a truck carries 100; 3 trucks a day.
        let mut m = chain_model(30, 1000, 10_000_000, 5000, 0, "");
        let (mask, b) = (item(&m, "mask"), region(&m, "B"));
        m.items[mask].units_per_truck = 100.0;
        m.links.props_mut(0).capacity = vec![(0, 3.0)];
        let r = run(&m, 0);
        let delivered = total(&r, mask, b, Measure::Delivered);
        assert!((delivered - 300.0 * 28.0).abs() <= 300.0, "{delivered}");
        assert!(
            r.get(29, mask, b, Measure::InTransit) > 10_000.0,
            "the rest queues"
        );
        m.truck_availability = vec![(0, 0.5)];
        let half = total(&run(&m, 0), mask, b, Measure::Delivered);
        assert!((half - 150.0 * 28.0).abs() <= 150.0, "{half}");
    }

    #[test]
    fn a_shipment_split_by_truck_capacity_counts_once_when_its_last_part_arrives() {
        // 200 masks are ever made (200 g of melt-blown); one truck of 100 a day: the
        // allocation leaves in two parts, a day apart.
        let mut m = chain_model(12, 200, 200, 5000, 0, "");
        let (mask, b) = (item(&m, "mask"), region(&m, "B"));
        m.items[mask].units_per_truck = 100.0;
        m.links.props_mut(0).capacity = vec![(0, 1.0)];
        let r = run(&m, 0);
        let t = &r.transport[mask * r.slots + b];
        assert_eq!(t.units, 200);
        assert_eq!(
            t.lead_times.len(),
            1,
            "one order, one lead time: {:?}",
            t.lead_times
        );
        // Decided at the start of a day: the second part leaves on the next day's truck and
        // arrives a day later, 2 days after the decision (the first, a tick after it).
        assert_eq!(t.lead_times, [2.0]);
        // Without the capacity limit it arrives whole, a day and the decision delay later.
        m.links.props_mut(0).capacity.clear();
        let whole = &run(&m, 0).transport[mask * r.slots + b];
        assert_eq!(whole.lead_times, [1.0 + 1.0 / 1440.0]);
        let national = &r.transport[mask * r.slots + r.slots - 1];
        assert_eq!(national.lead_times, t.lead_times);
    }

    #[test]
    fn consignments_complete_with_their_last_unit_and_are_named_per_node() {
        let mut book = super::Consignments::default();
        let (a, b) = (book.start(3, 10), book.start(3, 5));
        assert_ne!(a, b);
        assert_eq!(book.start(0, 1).seq, 0);
        assert!(book.arrive(b, 5), "a whole consignment");
        assert!(!book.arrive(a, 4) && !book.arrive(a, 5));
        assert!(book.arrive(a, 1));
        assert!(book.arrived.is_empty(), "nothing kept once complete");
    }

    #[test]
    fn green_channel_shipments_go_first_for_capacity() {
        // Two products share a 1-truck/day link; only masks are on the green channel.
        let extra = r#"
[[product]]
id = "gown"
kind = "consumable"
units_per_truck = 100
demanded = false  # given direct demand below, on the model

[green_channel]
enabled = true
products = ["mask"]
bypass_checkpoints = false
"#;
        let mut m = chain_model(20, 100, 10_000_000, 100, 0, extra);
        let (mask, gown, b) = (item(&m, "mask"), item(&m, "gown"), region(&m, "B"));
        m.items[mask].units_per_truck = 100.0;
        m.links.props_mut(0).capacity = vec![(0, 1.0)];
        m.nodes[0].lines.push(crate::model::Lines {
            item: gown,
            lines: 1,
            rate_per_line: 100.0,
            breakdown: None,
        });
        m.nodes[0].lines.swap(0, 1); // gowns are made (and queued) first
        m.nodes[1].direct_demand.push((gown, vec![100.0; 20]));
        m.dispatch.as_mut().unwrap().items.push(gown);
        let r = run(&m, 0);
        assert!(total(&r, mask, b, Measure::Delivered) > 1500.0);
        // Only a truck left when no mask was waiting (the first days) ever carries gowns.
        assert!(
            total(&r, gown, b, Measure::Delivered) <= 200.0,
            "gowns wait behind masks"
        );
        m.green.enabled = false;
        let r = run(&m, 0);
        assert!(
            total(&r, gown, b, Measure::Delivered) > 700.0,
            "without priority, first come first served"
        );
    }

    #[test]
    fn a_link_closure_stalls_shipments_already_in_transit() {
        let mut m = chain_model(20, 100, 1_000_000, 50, 0, "");
        m.links.props_mut(0).lead_time = Dist::fixed(2.0);
        // Closed from day 5 for 3 days: what left on day 4 is stuck for the whole closure.
        m.disruptions.push(Disruption {
            link: 0,
            day: 5,
            days: 3.0,
        });
        let r = run(&m, 0);
        let t = &r.transport[item(&m, "mask") * r.slots + region(&m, "B")];
        let max = t.lead_times.iter().copied().fold(0.0, f64::max);
        assert!(
            (max - (5.0 + 1.0 / 1440.0)).abs() < 1e-9,
            "2 days on the road + 3 days stalled: {max}"
        );
        let stalled = t.lead_times.iter().filter(|&&l| l > 2.5).count();
        assert_eq!(
            stalled, 5,
            "departures of days 3..7 wait: {:?}",
            t.lead_times
        );
    }

    #[test]
    fn random_closures_follow_the_link_rate() {
        let mut m = chain_model(60, 100, 1_000_000, 50, 0, "");
        m.links.props_mut(0).closure_rate = 0.2;
        m.links.props_mut(0).closure_days = Dist::fixed(2.0);
        m.risk[RiskLevel::Low as usize].checkpoint_hours = Dist::fixed(0.0);
        let r = run(&m, 0);
        let t = &r.transport[item(&m, "mask") * r.slots + region(&m, "B")];
        assert!(
            t.lead_times.iter().any(|&l| l > 1.5),
            "some shipments were held by closures"
        );
    }

    /// Masks delivered to B over 30 days with 1000 made a day, 100 a truck, 10 trucks a day
    /// on the link, after `setup`.
    fn delivered_on_ten_trucks(setup: impl Fn(&mut crate::model::Model)) -> f64 {
        let mut m = chain_model(30, 1000, 10_000_000, 5000, 0, "");
        let mask = item(&m, "mask");
        m.items[mask].units_per_truck = 100.0;
        m.links.props_mut(0).capacity = vec![(0, 10.0)];
        setup(&mut m);
        total(&run(&m, 0), mask, region(&m, "B"), Measure::Delivered)
    }

    #[test]
    fn capacity_priority_puts_medical_shipments_ahead_of_ordinary_freight() {
        let free = delivered_on_ten_trucks(|_| {});
        let busy = |m: &mut crate::model::Model| {
            m.links.props_mut(0).background = Some(vec![(0, 30.0)]);
        };
        let priority = delivered_on_ten_trucks(|m| {
            busy(m);
            m.green.enabled = true;
        });
        assert_eq!(
            priority, free,
            "the green lane is unaffected by ordinary freight"
        );
        let crowded = delivered_on_ten_trucks(busy);
        assert!(
            crowded < 0.8 * free,
            "ordinary freight takes its share: {crowded} of {free}"
        );
        let no_priority = delivered_on_ten_trucks(|m| {
            busy(m);
            m.green.enabled = true;
            m.green.capacity_priority = false;
        });
        assert_eq!(
            no_priority, crowded,
            "without capacity priority, no green lane"
        );
    }

    #[test]
    fn the_green_channel_may_have_its_own_truck_share() {
        let national = |m: &mut crate::model::Model| m.truck_availability = vec![(0, 0.2)];
        let base = delivered_on_ten_trucks(national);
        let green = delivered_on_ten_trucks(|m| {
            national(m);
            m.green.enabled = true;
            m.green.truck_availability = vec![(0, 1.0)];
        });
        assert!((base - 200.0 * 28.0).abs() <= 200.0, "{base}");
        assert!(green > 4.0 * base, "guaranteed vehicles: {green} vs {base}");
    }

    #[test]
    fn a_modes_availability_scales_only_that_mode() {
        use crate::scenario::raw::TransportMode;
        let road = delivered_on_ten_trucks(|_| {});
        let rail = |m: &mut crate::model::Model| {
            m.links.props_mut(0).mode = Some(TransportMode::Rail);
        };
        let half_trucks = |m: &mut crate::model::Model| m.truck_availability = vec![(0, 0.5)];
        let half_rail = |m: &mut crate::model::Model| {
            m.freight.modes[1].availability = vec![(0, 0.5)];
        };
        assert_eq!(
            delivered_on_ten_trucks(|m| {
                rail(m);
                half_trucks(m);
            }),
            road,
            "the national truck share leaves rail alone"
        );
        assert_eq!(
            delivered_on_ten_trucks(half_rail),
            road,
            "rail availability leaves roads alone"
        );
        let halved = delivered_on_ten_trucks(|m| {
            rail(m);
            half_rail(m);
        });
        assert!((halved - road / 2.0).abs() <= 500.0, "{halved} vs {road}");
        // A wagon of 2 truckloads doubles what the same count of vehicles carries.
        let wagons = delivered_on_ten_trucks(|m| {
            rail(m);
            half_rail(m);
            m.freight.modes[1].truckloads_per_vehicle = 2.0;
        });
        assert_eq!(wagons, road);
    }
}
