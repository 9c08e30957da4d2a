//! The discrete-event engine: state of one replication, the event loop, and scheduling.
//! The mechanisms themselves live in `crate::engine::mechanisms`, one file each, as handlers on [`Sim`].
//!
//! Region discipline: a node's events are owned by the node; everything that crosses regions
//! (shipments on links, orders) is a message that arrives after a positive delay, and central
//! dispatch is a step every region takes together, so regions can advance in parallel in
//! conservative time windows (`partitions`).
//!
//! Event order: (time, class, entity, seq), where `seq` is the number of events the
//! *scheduling* entity had scheduled before, so the order never depends on how events were
//! queued (one queue, or one per partition).

mod context;
mod lazy_table;
pub mod mechanisms;
pub mod partitions;
pub mod queue;
mod slots;
mod stock;
pub mod streams;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::model::{
    ItemId, LinkId, Model, NodeId, RegionId, RiskLevel, Severity, TICKS_PER_DAY, step_value,
};
use crate::results::{Measure, Replication};
use crate::util::FastMap;
pub use context::RunContext;
use lazy_table::LazyTable;
use partitions::Part;
use queue::{EventQueue, Tick};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;
pub(in crate::engine) use stock::Held;
use stock::Stock;
use streams::{Purpose, Streams};

/// A route's expected days and its links.
pub(in crate::engine) type Route = (f64, Arc<[LinkId]>);

/// Dispatch sources ranked for a hospital as a replication keeps them: nearest first, and the
/// links of their routes when this is the ranking with every link open (None when ranked
/// around closed links).
pub(in crate::engine) type Nearest = (Arc<[NodeId]>, Option<Arc<[LinkId]>>);

/// Index of a shipment in [`Sim::shipments`].
pub type ShipId = usize;

/// Priority classes of simultaneous events, lowest first.
pub(in crate::engine) mod class {
    pub const REGION_DAY: u8 = 0;
    pub const STATE: u8 = 1;
    pub const ARRIVAL: u8 = 2;
    pub const LINK_DAY: u8 = 3;
    pub const PRODUCTION: u8 = 4;
    pub const DISPATCH: u8 = 5;
    pub const DEMAND: u8 = 6;
    pub const REVIEW: u8 = 7;
    pub const RECORD: u8 = 9;
}

/// Everything that can happen.
#[derive(Debug, Clone)]
pub(in crate::engine) enum Ev {
    RegionDay(RegionId),
    Restart(NodeId),
    LinesReady(NodeId, usize),
    /// The lines a switch moves stop making their old product.
    LinesLeave(NodeId, usize),
    Breakdown(NodeId, usize),
    Repair(NodeId, usize),
    LinkClose(LinkId, Tick),
    LinkOpen(LinkId),
    ReserveRelease(NodeId),
    Sterilised(NodeId, ItemId, u64),
    HopEnd(ShipId, u32),
    CheckpointCleared(ShipId),
    OrderArrives(NodeId, Order),
    Depart(ShipId),
    LinkDay(LinkId),
    Production(NodeId),
    Dispatch,
    Demand(NodeId),
    Review(NodeId),
    CustomerOrder(NodeId, usize),
    BatchDone(NodeId),
    Record,
}

/// How many pops ahead [`Sim::prefetch_ahead`] looks, in its first and second steps: far enough
/// for memory to answer before the event's turn (an event takes a few hundred nanoseconds).
const PREFETCH_FAR: usize = 8;
/// See [`PREFETCH_FAR`].
const PREFETCH_NEAR: usize = 4;

/// A replenishment order travelling to, then waiting at, its source.
#[derive(Debug, Clone)]
pub(in crate::engine) struct Order {
    pub to: NodeId,
    pub item: ItemId,
    pub qty: u64,
}

/// A line group's running state.
#[derive(Debug, Clone)]
pub(in crate::engine) struct LineState {
    pub item: ItemId,
    pub lines: u32,
    pub down: u32,
    pub rate: f64,
    /// Fractional output carried to the next day, so totals match capacity exactly.
    pub carry: f64,
    /// The conversion step that added the group (None: the node's own `lines` at the same
    /// index), where its failure model is.
    pub conversion: Option<usize>,
    /// Failures still pending of lines a switch moved away while they were up: each is void
    /// when it comes (see [`Sim::lines_leave`]).
    pub gone_up: u32,
    /// Repairs still pending of lines a switch moved away while they were down: void too.
    pub gone_down: u32,
}

/// A node's running state.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct NodeState {
    /// Ordered or allocated to this node, not yet received.
    pub inbound: Vec<u64>,
    pub open: bool,
    pub closed_until: Tick,
    pub workers: f64,
    pub lines: Vec<LineState>,
    pub backlog: VecDeque<Order>,
    /// Everything here is released (a reserve's stock is locked until then).
    pub released: bool,
    /// Items released on their own by a per-product reserve rule, while `released` is false.
    pub released_items: Vec<ItemId>,
    /// Demand carried as a fraction of a unit to the next day, per item.
    pub demand_carry: Vec<f64>,
    /// Need carried to the next day, per item (may be negative: a day's need is never counted
    /// below its demand, and the carry pays that back).
    pub need_carry: Vec<f64>,
    /// Conservation steps switched on by a days-of-supply trigger (until their exit), per step
    /// and item (`step * items + item`).
    pub conservation_on: Vec<bool>,
    /// Units owed to the orders waiting in `backlog`, per item.
    pub owed: Vec<u64>,
    /// Make-to-order: units planned and not yet started.
    pub planned: u64,
    /// Make-to-order: units of the batch being made (0 when idle).
    pub in_production: u64,
    /// The time of the next customer order while they are being lost (counted when stock
    /// arrives or the run ends, not as events: `mechanisms::customer_orders`).
    pub next_order: Option<Tick>,
    /// Money for material purchases (firms with working capital).
    pub cash: mechanisms::replenishment::Cash,
}

/// A link's running state.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct LinkState {
    pub queue: Vec<ShipId>,
    pub budget_day: i64,
    /// Truckloads medical shipments took today.
    pub used: f64,
    /// Truckloads ordinary freight claims today; green-lane shipments may displace it.
    pub background: f64,
    pub closed_until: Tick,
    pub in_transit: Vec<ShipId>,
    /// The latest day whose [`Ev::LinkDay`] is scheduled (0: none yet; day 0 never needs one).
    pub day_event: u32,
}

/// A consignment moving through the network hop by hop.
#[derive(Debug, Clone)]
pub(in crate::engine) struct Shipment {
    pub item: ItemId,
    pub qty: u64,
    pub dest: NodeId,
    pub path: Arc<[LinkId]>,
    pub hop: usize,
    pub created: Tick,
    /// The order or allocation it is (part of), counted once in the lead times.
    pub consignment: mechanisms::transport::Consignment,
    pub arrival: Tick,
    /// Bumped when the shipment is rescheduled, so stale arrival events are ignored.
    pub generation: u32,
    pub green: bool,
    pub alive: bool,
    /// The partition holding this record counts the shipment from `held_from` until
    /// `held_until` (all the time in a run of one partition; a shipment handed to another
    /// partition at the end of a hop is counted there from the hop's end).
    pub held_from: Tick,
    pub held_until: Tick,
    /// Haulage and tolls paid per unit so far (a unit's share of each truck on each hop, so
    /// that the parts of a split shipment keep their shares).
    pub unit_cost: f64,
    /// Tolls waived per unit so far (green channel).
    pub unit_waived: f64,
    /// Whether the green channel's lists admit it ([`crate::model::GreenChannel::admits`]),
    /// worked out when it is sent: it is asked at every hop, for capacity, tolls and checkpoints.
    pub admitted: bool,
}

impl Shipment {
    /// Whether it may use the green channel on link `l` on `day`.
    pub(in crate::engine) fn on_channel(
        &self,
        g: &crate::model::GreenChannel,
        day: u32,
        l: LinkId,
    ) -> bool {
        g.eligible_admitted(day, self.admitted, l)
    }

    /// Whether this record of the shipment is the one to count at `now`.
    pub(in crate::engine) fn held_at(&self, now: Tick) -> bool {
        self.alive && self.held_from <= now && now < self.held_until
    }
}

/// Conservation-of-units ledger per item.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct Ledger {
    pub imported: u64,
    pub produced: u64,
    pub scrapped: u64,
    pub consumed: u64,
}

/// One replication in progress.
pub struct Sim<'m> {
    pub(in crate::engine) m: &'m Model,
    /// What this replication shares with the model's others (census, route cache).
    pub(in crate::engine) ctx: &'m RunContext<'m>,
    pub(in crate::engine) now: Tick,
    pub(in crate::engine) q: EventQueue<Ev>,
    pub(in crate::engine) streams: Streams,
    /// Node states, of this simulation's nodes (`slots`).
    pub(in crate::engine) nodes: slots::NodeStates<'m>,
    /// Stock on hand and sterilising, per node and item.
    pub(in crate::engine) stock: Stock,
    /// Link states, made when a link is first used (most links of a big group never are).
    pub(in crate::engine) links: LazyTable<LinkState>,
    pub(in crate::engine) region_workers: Vec<f64>,
    /// Share present of each region's workers from each of its `workers_from` origins.
    pub(in crate::engine) origin_workers: Vec<Vec<f64>>,
    /// Every region's census in this replication (see [`mechanisms::census`]).
    pub(in crate::engine) region_census: Cow<'m, [Vec<Severity>]>,
    /// Every region's risk level schedule in this replication (see [`mechanisms::census`]).
    pub(in crate::engine) levels: Cow<'m, [Vec<(u32, RiskLevel)>]>,
    pub(in crate::engine) shipments: Vec<Shipment>,
    pub(in crate::engine) free_ships: Vec<ShipId>,
    pub(in crate::engine) ledger: Vec<Ledger>,
    /// Routes per (from, to, item), each with whether it is the route with every link open
    /// (which outlives a change of closures that it does not cross).
    pub(in crate::engine) routes: FastMap<(NodeId, NodeId, ItemId), (Option<Route>, bool)>,
    /// Dispatch sources that can reach a hospital, nearest first, per (hospital, item), with
    /// the links of their routes when that is the ranking with every link open (None when
    /// ranked around closed links); valid for the same epoch as `routes`.
    pub(in crate::engine) nearest_sources: FastMap<(NodeId, ItemId), Nearest>,
    /// Days on which a risk level or the green channel changes, so expected times do.
    pub(in crate::engine) route_changes: Vec<u32>,
    /// How many of them had passed when the route cache was filled.
    pub(in crate::engine) route_epoch: usize,
    /// This replication's link closures, drawn up front (the same in every partition).
    pub(in crate::engine) closures: mechanisms::closures::Closures,
    /// How many closure changes had passed when the route cache was filled.
    pub(in crate::engine) closure_state: usize,
    /// The times between which `route_epoch` and `closure_state` stay what they are.
    pub(in crate::engine) route_span: (Tick, Tick),
    /// The links closed then (None: all open).
    pub(in crate::engine) closed: Option<Arc<mechanisms::closures::Closed>>,
    /// Every region's level while the route cache holds.
    pub(in crate::engine) route_levels: Vec<RiskLevel>,
    /// Key of the shared route cache: a hash of `route_levels` and whether the green channel
    /// is open, what routes depend on (replications with other level schedules share it).
    pub(in crate::engine) route_key: usize,
    pub(in crate::engine) out: Replication,
    /// The entity whose event is being handled ([`SETUP`] while the start is scheduled).
    pub(in crate::engine) cur: u32,
    /// The class of the event being handled.
    pub(in crate::engine) cur_class: u8,
    /// Events scheduled so far by each entity: the last tie-break of the event order.
    pub(in crate::engine) scheduled: Vec<u32>,
    /// Events handled.
    pub(in crate::engine) events: u64,
    /// Whether a shop's lost customer orders are counted when stock arrives rather than as
    /// events (`mechanisms::customer_orders`; off only to test that both agree).
    pub(in crate::engine) lazy_lost_orders: bool,
    /// Set when this is one partition of a partitioned run.
    pub(in crate::engine) part: Option<Part>,
    /// Consignments started per node, and the parts of split ones that have arrived.
    pub(in crate::engine) consignments: mechanisms::transport::Consignments,
    /// Per region, its checkpoint queue day by day (empty until a shipment meets it).
    pub(in crate::engine) checkpoint_queues: Vec<Vec<mechanisms::checkpoints::QueueDay>>,
}

thread_local! {
    /// The event queue of this thread's last replication, emptied, for its next one.
    static SPARE_QUEUE: std::cell::Cell<Option<EventQueue<Ev>>> = const { std::cell::Cell::new(None) };
}

/// [`Sim::cur`] while the start is scheduled: each event counts as scheduled by its own entity.
pub(in crate::engine) const SETUP: u32 = u32::MAX;

impl<'m> Sim<'m> {
    /// Sets up replication `rep` of the context's model with base seed `seed`.
    pub fn new(ctx: &'m RunContext<'m>, seed: u64, rep: u32) -> Sim<'m> {
        Sim::with_part(ctx, seed, rep, None)
    }

    /// Sets up replication `rep`, or one partition of it: a partition keeps state only for
    /// the nodes and regions it owns (another partition's are never touched).
    pub(in crate::engine) fn with_part(
        ctx: &'m RunContext<'m>,
        seed: u64,
        rep: u32,
        part: Option<Part>,
    ) -> Sim<'m> {
        let m = ctx.model;
        let items = m.items.len();
        let entities = entity_count(m);
        let owns = |e: usize| part.as_ref().is_none_or(|p| p.owns(e));
        // A partition keeps only its own nodes' states and stock, packed in node order.
        let slots = slots::NodeSlots::new(m.nodes.len(), part.as_ref().map(|_| owns));
        let nodes = slots::NodeStates::new(slots.clone(), &m.nodes, |k| {
            let n = &m.nodes[k];
            NodeState {
                inbound: vec![0; items],
                open: !(n.kind.produces() && n.closed_at_start),
                closed_until: 0,
                workers: m.workers_initial,
                lines: n
                    .lines
                    .iter()
                    .map(|l| LineState {
                        item: l.item,
                        lines: l.lines,
                        down: 0,
                        rate: l.rate_per_line,
                        carry: 0.0,
                        conversion: None,
                        gone_up: 0,
                        gone_down: 0,
                    })
                    .collect(),
                backlog: VecDeque::new(),
                released: n.release.is_none(),
                released_items: Vec::new(),
                demand_carry: vec![0.0; items],
                need_carry: vec![0.0; items],
                conservation_on: vec![false; m.conservation.len() * items],
                owed: vec![0; items],
                planned: 0,
                in_production: 0,
                next_order: None,
                cash: mechanisms::replenishment::Cash::opening(m, n),
            }
        });
        let ledger = vec![Ledger::default(); items];
        let mut streams = Streams::lazy(seed, rep, entities);
        let epidemics = mechanisms::census::replication_epidemics(ctx, &mut streams, owns);
        let closures = mechanisms::closures::Closures::draw(m, &mut streams);
        let mut sim = Sim {
            m,
            ctx,
            now: 0,
            q: SPARE_QUEUE.take().unwrap_or_default(),
            streams,
            nodes,
            stock: Stock::new(m, slots, owns),
            links: LazyTable::new(m.links.len()),
            region_workers: vec![m.workers_initial; m.regions.len()],
            origin_workers: m
                .regions
                .iter()
                .map(|r| vec![m.workers_initial; r.workers_from.len()])
                .collect(),
            route_changes: route_changes(m, &epidemics.levels),
            region_census: epidemics.census,
            levels: epidemics.levels,
            shipments: Vec::new(),
            free_ships: Vec::new(),
            ledger,
            routes: FastMap::default(),
            nearest_sources: FastMap::default(),
            route_epoch: usize::MAX,
            route_levels: Vec::new(),
            route_key: 0,
            closures,
            closure_state: 0,
            route_span: (0, 0),
            closed: None,
            out: Replication::new(rep, m.days as usize, items, m.regions.len()),
            cur: SETUP,
            cur_class: 0,
            scheduled: vec![0; entities],
            events: 0,
            lazy_lost_orders: true,
            part,
            consignments: Default::default(),
            checkpoint_queues: vec![Vec::new(); m.regions.len()],
        };
        sim.record_census();
        sim
    }

    /// Entity number of a link (nodes come first, then links, then regions, then the centre).
    pub(in crate::engine) fn link_entity(&self, l: LinkId) -> usize {
        self.m.nodes.len() + l
    }
    /// Entity number of a region.
    pub(in crate::engine) fn region_entity(&self, r: RegionId) -> usize {
        self.m.nodes.len() + self.m.links.len() + r
    }
    pub(in crate::engine) fn centre_entity(&self) -> u32 {
        (self.m.nodes.len() + self.m.links.len() + self.m.regions.len()) as u32
    }
    /// Entity number of the far end of a link, where its shipments arrive (owned by the
    /// destination's region, so arrivals happen in the partition that receives them).
    pub(in crate::engine) fn link_end_entity(&self, l: LinkId) -> usize {
        self.m.nodes.len() + self.m.links.len() + self.m.regions.len() + 1 + l
    }

    /// Whether this simulation handles `entity`'s events (always, unless partitioned).
    pub(in crate::engine) fn owns(&self, entity: usize) -> bool {
        self.part.as_ref().is_none_or(|p| p.owns(entity))
    }

    /// The current day.
    pub(in crate::engine) fn day(&self) -> u32 {
        (self.now / TICKS_PER_DAY) as u32
    }

    /// Region `r`'s risk level today.
    pub(in crate::engine) fn level(&self, r: RegionId) -> RiskLevel {
        self.level_on(r, self.day())
    }

    /// Region `r`'s risk level on `day`, in this replication.
    pub(in crate::engine) fn level_on(&self, r: RegionId, day: u32) -> RiskLevel {
        step_value(&self.levels[r], day).unwrap_or(RiskLevel::Low)
    }

    /// Schedules `ev` at `time` for `entity`, numbered in the scheduling entity's sequence;
    /// an event for another partition's entity leaves as a message.
    #[inline]
    pub(in crate::engine) fn push(&mut self, time: Tick, class: u8, entity: usize, ev: Ev) {
        let seq = self.next_seq(entity);
        match &mut self.part {
            Some(p) if !p.owns(entity) => Self::send_event(p, time, class, entity, seq, ev),
            _ => self.q.push_seq(time, class, entity as u32, seq, ev),
        }
    }

    /// [`Sim::push`] of an event for another partition, kept out of line: it is the rare case.
    #[cold]
    #[inline(never)]
    fn send_event(p: &mut Part, time: Tick, class: u8, entity: usize, seq: u64, ev: Ev) {
        p.send(
            time,
            class,
            entity as u32,
            seq,
            partitions::Payload::Event(ev),
        );
    }

    /// The sequence number of the next event the current entity schedules (for `entity`).
    fn next_seq(&mut self, entity: usize) -> u64 {
        let by = if self.cur == SETUP {
            entity as u32
        } else {
            self.cur
        };
        let count = &mut self.scheduled[by as usize];
        let seq = (u64::from(by) << 32) | u64::from(*count);
        *count += 1;
        seq
    }

    /// Hands shipment `sh` to the partition owning link end `end`, where its hop ends at `time`.
    pub(in crate::engine) fn send_shipment(
        &mut self,
        time: Tick,
        end: usize,
        sh: Box<Shipment>,
        generation: u32,
    ) {
        let seq = self.next_seq(end);
        if let Some(p) = &mut self.part {
            p.send(
                time,
                class::ARRIVAL,
                end as u32,
                seq,
                partitions::Payload::Shipment(sh, generation),
            );
        }
    }

    /// Schedules `ev` after `delay` ticks.
    pub(in crate::engine) fn after(&mut self, delay: Tick, class: u8, entity: usize, ev: Ev) {
        self.push(self.now + delay, class, entity, ev);
    }

    /// Schedules `ev` at the start of `day` (if within the horizon).
    pub(in crate::engine) fn on_day(&mut self, day: i64, class: u8, entity: usize, ev: Ev) {
        if day < self.m.days as i64 {
            self.push(day * TICKS_PER_DAY, class, entity, ev);
        }
    }

    /// A draw of days, turned into whole ticks (at least one when `at_least_one`).
    pub(in crate::engine) fn days_to_ticks(days: f64, at_least_one: bool) -> Tick {
        // Capped at a million days so that adding it to the clock can never overflow.
        let t = round_half_away(days.clamp(-1e6, 1e6) * TICKS_PER_DAY as f64);
        if at_least_one { t.max(1) } else { t.max(0) }
    }

    /// The stream of an entity for a purpose.
    #[inline]
    pub(in crate::engine) fn rng(
        &mut self,
        entity: usize,
        purpose: Purpose,
    ) -> &mut rand_chacha::ChaCha8Rng {
        stream(&mut self.streams, self.m, entity, purpose)
    }

    /// The state of link `l` (made on first use).
    #[inline]
    pub(in crate::engine) fn ls(&mut self, l: LinkId) -> &mut LinkState {
        self.links.get(l, LinkState::default)
    }

    /// Region slot of a node (for recording).
    #[inline]
    pub(in crate::engine) fn slot(&self, n: NodeId) -> usize {
        self.nodes.region(n)
    }

    /// Records a flow measure for today.
    pub(in crate::engine) fn record(&mut self, item: ItemId, slot: usize, m: Measure, v: f64) {
        let day = self.day() as usize;
        if day < self.out.days {
            self.out.add(day, item, slot, m, v);
        }
    }

    fn schedule_start(&mut self) {
        self.cur = SETUP;
        let m = self.m;
        let restarts = self.restart_plan();
        for r in 0..m.regions.len() {
            let e = self.region_entity(r);
            if self.owns(e) {
                self.on_day(0, class::REGION_DAY, e, Ev::RegionDay(r));
            }
        }
        for (n, node) in m.nodes.iter().enumerate() {
            if !self.owns(n) {
                continue;
            }
            if node.kind.produces() && (!node.lines.is_empty() || !node.conversions.is_empty()) {
                self.on_day(0, class::PRODUCTION, n, Ev::Production(n));
            }
            if node.kind.produces() {
                self.schedule_restart(n, restarts[n]);
                self.schedule_conversions(n);
                self.schedule_breakdowns(n);
            }
            if node.census.is_some() || !node.direct_demand.is_empty() {
                self.on_day(0, class::DEMAND, n, Ev::Demand(n));
            }
            for k in 0..node.customer_orders.len() {
                self.on_day(0, class::DEMAND, n, Ev::CustomerOrder(n, k));
            }
            if !node.replenish.is_empty() || node.make_to_order.is_some() {
                // Every policy reviews on day 0, so a node that starts below s orders at once.
                self.on_day(0, class::REVIEW, n, Ev::Review(n));
            }
            if let Some(day) = node.release.as_ref().and_then(|r| r.day) {
                self.on_day(day as i64, class::STATE, n, Ev::ReserveRelease(n));
            }
        }
        // Closures are scheduled up front (`mechanisms::closures`): only capacity is daily.
        let daily = |p: &crate::model::LinkProps| !p.capacity.is_empty();
        // Looked up per spec first: most networks, and every large link group so far, have no
        // link with a daily step, and a group can have hundreds of thousands of links.
        // A link's day is an event only while shipments wait on it (`link_day`); every day of
        // every such link is counted as handled all the same, so the count does not depend on it.
        if m.links.any_props(daily) {
            for l in 0..m.links.len() {
                if self.owns(self.link_entity(l)) && daily(m.links.props(l)) {
                    self.events += u64::from(m.days);
                }
            }
        }
        self.schedule_closures();
        let c = self.centre_entity() as usize;
        // A partitioned run takes the central step at its barriers instead.
        if self.part.is_none() && has_central_step(m) {
            self.on_day(0, class::DISPATCH, c, Ev::Dispatch);
        }
        self.push(TICKS_PER_DAY - 1, class::RECORD, c, Ev::Record);
    }

    /// The end of the horizon.
    pub(in crate::engine) fn end(&self) -> Tick {
        self.m.days as Tick * TICKS_PER_DAY
    }

    /// Asks the cache for what the node events a few pops ahead will read: at the start of a
    /// day every node's daily events come one after another, each reading a node's state and
    /// drawing from its streams, memory no event since yesterday has touched. In two steps,
    /// since a stream is found through what the first step brings.
    #[inline]
    fn prefetch_ahead(&self) {
        if let Some(ev) = self.q.ahead(PREFETCH_FAR) {
            match *ev {
                Ev::Production(n) => {
                    self.nodes.prefetch(n);
                    self.streams.prefetch_slot(n, Purpose::Outbreak);
                }
                Ev::Demand(n) | Ev::Review(n) | Ev::CustomerOrder(n, _) => self.nodes.prefetch(n),
                _ => {}
            }
        }
        if let Some(&Ev::Production(n)) = self.q.ahead(PREFETCH_NEAR) {
            self.streams.prefetch(n, Purpose::Outbreak);
        }
    }

    /// Handles, in order, every pending event whose (time, class, entity) is before `limit`.
    pub(in crate::engine) fn run_before(&mut self, limit: (Tick, u8, u32)) {
        let prefetch = self.ctx.prefetch;
        while let Some((key, ev)) = self.q.pop_before(limit) {
            if prefetch {
                self.prefetch_ahead();
            }
            self.now = key.time;
            self.cur = key.entity;
            self.cur_class = key.class;
            self.events += 1;
            self.handle(ev);
        }
    }

    /// Runs the replication to the horizon and checks the unit ledger.
    pub fn run(mut self) -> Result<Replication> {
        self.schedule_start();
        self.run_before((self.end(), 0, 0));
        self.count_lost_orders_to_end();
        check_ledger(std::slice::from_ref(&self))?;
        self.out.events = self.events;
        self.out.finish();
        let Sim { mut q, out, .. } = self;
        q.clear();
        SPARE_QUEUE.set(Some(q));
        Ok(out)
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::RegionDay(r) => self.region_day(r),
            Ev::Restart(n) => self.nodes[n].open = true,
            Ev::LinesReady(n, k) => self.lines_ready(n, k),
            Ev::LinesLeave(n, k) => self.lines_leave(n, k),
            Ev::Breakdown(n, g) => self.breakdown(n, g),
            Ev::Repair(n, g) => self.repair(n, g),
            Ev::LinkClose(l, until) => self.link_close(l, until),
            Ev::LinkOpen(l) => self.link_open(l),
            Ev::ReserveRelease(n) => self.release_reserve(n),
            Ev::Sterilised(n, i, q) => self.sterilised(n, i, q),
            Ev::HopEnd(s, generation) => self.hop_end(s, generation),
            Ev::CheckpointCleared(s) => self.arrive_at_node(s),
            Ev::OrderArrives(n, o) => self.order_arrives(n, o),
            Ev::Depart(s) => self.enter_next_link(s),
            Ev::LinkDay(l) => self.link_day(l),
            Ev::Production(n) => self.production_day(n),
            Ev::Dispatch => {
                central_step(std::slice::from_mut(self));
                self.cur = self.centre_entity();
                let c = self.cur as usize;
                self.on_day(self.day() as i64 + 1, class::DISPATCH, c, Ev::Dispatch);
            }
            Ev::Demand(n) => self.demand_day(n),
            Ev::Review(n) => self.periodic_review(n),
            Ev::CustomerOrder(n, k) => self.customer_order(n, k),
            Ev::BatchDone(n) => self.batch_done(n),
            Ev::Record => self.record_day(),
        }
    }

    /// End-of-day snapshot of stocks and shipments (of this partition's nodes and shipments).
    fn record_day(&mut self) {
        if self.part.as_ref().is_some_and(|p| p.id != 0) {
            // Every partition records its own part; the snapshot counts as one event.
            self.events -= 1;
        }
        let day = self.day() as usize;
        if day < self.out.days {
            self.stock.record(day, &mut self.out);
        }
        for s in 0..self.shipments.len() {
            let sh = &self.shipments[s];
            if sh.held_at(self.now) {
                let (i, r, q) = (sh.item, self.slot(sh.dest), sh.qty as f64);
                self.record(i, r, Measure::InTransit, q);
            } else if sh.alive && self.now >= sh.held_until {
                // Handed to another partition, which holds it now: the slot is free.
                self.shipments[s].alive = false;
                self.free_ships.push(s);
            }
        }
        if day < self.out.days {
            // Tomorrow's lines while today's, all written now, are warm; tomorrow's events
            // then write into cache rather than stall on memory at their first touch.
            self.out.prefetch_lines_like(day + 1, day);
        }
        let c = self.centre_entity() as usize;
        self.after(TICKS_PER_DAY, class::RECORD, c, Ev::Record);
    }
}

/// The stream of an entity for a purpose, from the streams alone (so that a caller can hold
/// it while it changes other parts of the [`Sim`]).
#[inline]
pub(in crate::engine) fn stream<'s>(
    streams: &'s mut Streams,
    m: &Model,
    entity: usize,
    purpose: Purpose,
) -> &'s mut rand_chacha::ChaCha8Rng {
    streams.get_named(entity, purpose, || entity_name(m, entity))
}

/// The stable name of an entity's streams, asked for only when one is first drawn from.
#[cold]
#[inline(never)]
fn entity_name(m: &Model, entity: usize) -> String {
    let (nodes, links) = (m.nodes.len(), m.links.len());
    if entity < nodes {
        format!("node:{}", m.nodes[entity].id)
    } else if entity < nodes + links {
        format!("link:{}", m.link_name(entity - nodes))
    } else {
        format!("region:{}", m.regions[entity - nodes - links].id)
    }
}

/// Days on which a risk level (in schedules `levels`) or the green channel changes, so
/// expected route times do.
fn route_changes(m: &Model, levels: &[Vec<(u32, RiskLevel)>]) -> Vec<u32> {
    let mut d: Vec<u32> = levels.iter().flat_map(|r| r.iter().map(|s| s.0)).collect();
    d.push(m.green.start_day);
    d.sort_unstable();
    d.dedup();
    d
}

/// `x.round() as i64` for |x| < 2^52, exactly (`x - trunc(x)` is exact there). On baseline
/// x86-64 `f64::round` is a library call, once per customer order and shipment. Without
/// branches: whether a draw rounds up is a coin toss the branch predictor would miss half the
/// time.
#[inline]
fn round_half_away(x: f64) -> i64 {
    let t = x as i64;
    let frac = x - t as f64;
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

/// Entities that own events: nodes, links, regions, the centre, then link ends.
pub(in crate::engine) fn entity_count(m: &Model) -> usize {
    m.nodes.len() + 2 * m.links.len() + m.regions.len() + 1
}

/// Whether the model has a central daily step (dispatch, redeployment, or reserves released
/// on days of supply).
pub(in crate::engine) fn has_central_step(m: &Model) -> bool {
    m.dispatch.is_some()
        || !m.redeployment.is_empty()
        || m.nodes.iter().any(|n| {
            n.release
                .as_ref()
                .is_some_and(|r| r.days_of_supply_below().is_some())
        })
}

/// The central daily step over all partitions (one in a sequential run): reserve rules,
/// central dispatch, then redeployment of idle durables.
pub(in crate::engine) fn central_step(sims: &mut [Sim]) {
    crate::engine::mechanisms::reserves::check_reserve_rules(sims);
    crate::engine::mechanisms::dispatch::dispatch_day(sims);
    crate::engine::mechanisms::redeployment::redeploy_day(sims);
}

/// Conservation of units over a run's partitions: everything that entered is on hand,
/// sterilising, in transit, consumed or scrapped.
fn check_ledger(sims: &[Sim]) -> Result<()> {
    let m = sims[0].m;
    for i in 0..m.items.len() {
        let mut l = Ledger::default();
        let (mut initial, mut on_hand, mut pending, mut transit) = (0, 0, 0, 0);
        for sim in sims {
            let s = &sim.ledger[i];
            l.imported += s.imported;
            l.produced += s.produced;
            l.consumed += s.consumed;
            l.scrapped += s.scrapped;
            for (n, node) in m.nodes.iter().enumerate().filter(|(n, _)| sim.owns(*n)) {
                initial += node
                    .stock
                    .iter()
                    .filter(|s| s.0 == i)
                    .map(|s| s.1)
                    .sum::<u64>();
                on_hand += sim.stock.on_hand(n, i);
                pending += sim.stock.sterilising(n, i);
            }
            transit += sim
                .shipments
                .iter()
                .filter(|s| s.alive && s.held_until == Tick::MAX && s.item == i)
                .map(|s| s.qty)
                .sum::<u64>();
        }
        let inflow = initial + l.imported + l.produced;
        let outflow = on_hand + pending + transit + l.consumed + l.scrapped;
        if inflow != outflow {
            return Err(Error::Ledger(format!(
                "item `{}`: initial {initial} + imported {} + produced {} != on hand {on_hand} + sterilising {pending} + in transit {transit} + consumed {} + scrapped {}",
                m.items[i].id, l.imported, l.produced, l.consumed, l.scrapped
            )));
        }
    }
    Ok(())
}

/// Runs one replication of the context's model.
pub fn run_replication(ctx: &RunContext, seed: u64, rep: u32) -> Result<Replication> {
    Sim::new(ctx, seed, rep).run()
}
