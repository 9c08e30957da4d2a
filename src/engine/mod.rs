//! The discrete-event engine: state of one replication, the event loop, and scheduling.
//! The mechanisms themselves live in `crate::mechanisms`, one file each, as handlers on [`Sim`].
//!
//! Region discipline: a node's events are owned by the node; everything that crosses regions
//! (shipments on links, orders, dispatch allocations) is a message that arrives after a positive
//! delay, so regions can later advance in parallel in conservative time windows.

pub mod queue;
pub mod streams;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::model::{ItemId, LinkId, Model, NodeId, RegionId, Severity, TICKS_PER_DAY};
use crate::results::{Measure, Replication};
use queue::{EventQueue, Tick};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use streams::{Purpose, Streams};

/// A route's expected days and its links.
pub(crate) type Route = (f64, Arc<[LinkId]>);

/// Index of a shipment in [`Sim::shipments`].
pub type ShipId = usize;

/// Priority classes of simultaneous events, lowest first.
pub(crate) mod class {
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
pub(crate) enum Ev {
    RegionDay(RegionId),
    Restart(NodeId),
    LinesReady(NodeId, usize),
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

/// A replenishment order travelling to, then waiting at, its source.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub to: NodeId,
    pub item: ItemId,
    pub qty: u64,
}

/// A line group's running state.
#[derive(Debug, Clone)]
pub(crate) struct LineState {
    pub item: ItemId,
    pub lines: u32,
    pub down: u32,
    pub rate: f64,
    /// Fractional output carried to the next day, so totals match capacity exactly.
    pub carry: f64,
}

/// A node's running state.
#[derive(Debug, Clone)]
pub(crate) struct NodeState {
    pub on_hand: Vec<u64>,
    /// Ordered or allocated to this node, not yet received.
    pub inbound: Vec<u64>,
    /// Units in shipments heading here (whatever sent them).
    pub in_transit: Vec<u64>,
    pub pending_release: Vec<u64>,
    pub open: bool,
    pub closed_until: Tick,
    pub workers: f64,
    pub lines: Vec<LineState>,
    pub backlog: VecDeque<Order>,
    pub released: bool,
    /// Demand carried as a fraction of a unit to the next day, per item.
    pub demand_carry: Vec<f64>,
    /// Conservation steps latched on by a days-of-supply trigger, per step.
    pub conservation_on: Vec<bool>,
    /// Units owed to the orders waiting in `backlog`, per item.
    pub owed: Vec<u64>,
    /// Make-to-order: units planned and not yet started.
    pub planned: u64,
    /// Make-to-order: units of the batch being made (0 when idle).
    pub in_production: u64,
}

/// A link's running state.
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkState {
    pub queue: Vec<ShipId>,
    pub budget_day: i64,
    pub budget: f64,
    pub closed_until: Tick,
    pub in_transit: Vec<ShipId>,
}

/// A consignment moving through the network hop by hop.
#[derive(Debug, Clone)]
pub(crate) struct Shipment {
    pub item: ItemId,
    pub qty: u64,
    pub dest: NodeId,
    pub origin_region: RegionId,
    pub path: Arc<[LinkId]>,
    pub hop: usize,
    pub created: Tick,
    pub arrival: Tick,
    /// Bumped when the shipment is rescheduled, so stale arrival events are ignored.
    pub generation: u32,
    pub green: bool,
    pub alive: bool,
}

/// Conservation-of-units ledger per item.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    pub initial: u64,
    pub imported: u64,
    pub produced: u64,
    pub scrapped: u64,
    pub consumed: u64,
}

/// One replication in progress.
pub struct Sim<'m> {
    pub(crate) m: &'m Model,
    pub(crate) now: Tick,
    pub(crate) q: EventQueue<Ev>,
    pub(crate) streams: Streams,
    pub(crate) nodes: Vec<NodeState>,
    /// Link states, made when a link is first used (most links of a big group never are).
    pub(crate) links: Vec<Option<Box<LinkState>>>,
    pub(crate) region_workers: Vec<f64>,
    pub(crate) region_census: Vec<Vec<Severity>>,
    pub(crate) shipments: Vec<Shipment>,
    pub(crate) free_ships: Vec<ShipId>,
    pub(crate) ledger: Vec<Ledger>,
    pub(crate) routes: BTreeMap<(NodeId, NodeId, ItemId), Option<Route>>,
    /// Dispatch sources that can reach a hospital, nearest first, per (hospital, item); valid
    /// for the same epoch as `routes`.
    pub(crate) nearest_sources: BTreeMap<(NodeId, ItemId), Rc<[NodeId]>>,
    /// Days on which a risk level or the green channel changes, so expected times do.
    pub(crate) route_changes: Vec<u32>,
    /// How many of them had passed when the route cache was filled.
    pub(crate) route_epoch: usize,
    pub(crate) out: Replication,
}

impl<'m> Sim<'m> {
    /// Sets up replication `rep` with base seed `seed`.
    pub fn new(m: &'m Model, seed: u64, rep: u32) -> Sim<'m> {
        let items = m.items.len();
        let entities = m.nodes.len() + m.links.len() + m.regions.len() + 1;
        let nodes = m
            .nodes
            .iter()
            .map(|n| {
                let mut on_hand = vec![0; items];
                for &(i, q) in &n.stock {
                    on_hand[i] += q;
                }
                NodeState {
                    on_hand,
                    inbound: vec![0; items],
                    in_transit: vec![0; items],
                    pending_release: vec![0; items],
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
                        })
                        .collect(),
                    backlog: VecDeque::new(),
                    released: n.release.is_none(),
                    demand_carry: vec![0.0; items],
                    conservation_on: vec![false; m.conservation.len()],
                    owed: vec![0; items],
                    planned: 0,
                    in_production: 0,
                }
            })
            .collect::<Vec<_>>();
        let mut ledger = vec![Ledger::default(); items];
        for n in &m.nodes {
            for &(i, q) in &n.stock {
                ledger[i].initial += q;
            }
        }
        let region_census = m
            .regions
            .iter()
            .map(|r| {
                r.epidemic
                    .as_ref()
                    .map(|e| crate::demand::seir::census(e, m.days))
                    .unwrap_or_default()
            })
            .collect();
        Sim {
            m,
            now: 0,
            q: EventQueue::default(),
            streams: Streams::lazy(seed, rep, entities),
            nodes,
            links: vec![None; m.links.len()],
            region_workers: vec![m.workers_initial; m.regions.len()],
            region_census,
            shipments: Vec::new(),
            free_ships: Vec::new(),
            ledger,
            routes: BTreeMap::new(),
            nearest_sources: BTreeMap::new(),
            route_changes: {
                let mut d: Vec<u32> = m
                    .regions
                    .iter()
                    .flat_map(|r| r.risk.iter().map(|s| s.0))
                    .collect();
                d.push(m.green.start_day);
                d.sort_unstable();
                d.dedup();
                d
            },
            route_epoch: 0,
            out: Replication::new(rep, m.days as usize, items, m.regions.len()),
        }
    }

    /// Entity number of a link (nodes come first, then links, then regions, then the centre).
    pub(crate) fn link_entity(&self, l: LinkId) -> usize {
        self.m.nodes.len() + l
    }
    /// Entity number of a region.
    pub(crate) fn region_entity(&self, r: RegionId) -> usize {
        self.m.nodes.len() + self.m.links.len() + r
    }
    fn centre_entity(&self) -> u32 {
        (self.m.nodes.len() + self.m.links.len() + self.m.regions.len()) as u32
    }

    /// The current day.
    pub(crate) fn day(&self) -> u32 {
        (self.now / TICKS_PER_DAY) as u32
    }

    /// Schedules `ev` after `delay` ticks.
    pub(crate) fn after(&mut self, delay: Tick, class: u8, entity: usize, ev: Ev) {
        self.q.push(self.now + delay, class, entity as u32, ev);
    }

    /// Schedules `ev` at the start of `day` (if within the horizon).
    pub(crate) fn on_day(&mut self, day: i64, class: u8, entity: usize, ev: Ev) {
        if day < self.m.days as i64 {
            self.q.push(day * TICKS_PER_DAY, class, entity as u32, ev);
        }
    }

    /// A draw of days, turned into whole ticks (at least one when `at_least_one`).
    pub(crate) fn days_to_ticks(days: f64, at_least_one: bool) -> Tick {
        // Capped at a million days so that adding it to the clock can never overflow.
        let t = (days.min(1e6) * TICKS_PER_DAY as f64).round() as Tick;
        if at_least_one { t.max(1) } else { t.max(0) }
    }

    /// The stream of an entity for a purpose.
    pub(crate) fn rng(&mut self, entity: usize, purpose: Purpose) -> &mut rand_chacha::ChaCha8Rng {
        let m = self.m;
        self.streams.get_named(entity, purpose, || {
            let (nodes, links) = (m.nodes.len(), m.links.len());
            if entity < nodes {
                format!("node:{}", m.nodes[entity].id)
            } else if entity < nodes + links {
                format!("link:{}", m.link_name(entity - nodes))
            } else {
                format!("region:{}", m.regions[entity - nodes - links].id)
            }
        })
    }

    /// The state of link `l` (made on first use).
    pub(crate) fn ls(&mut self, l: LinkId) -> &mut LinkState {
        self.links[l].get_or_insert_with(Box::default)
    }

    /// Region slot of a node (for recording).
    pub(crate) fn slot(&self, n: NodeId) -> usize {
        self.m.nodes[n].region
    }

    /// Records a flow measure for today.
    pub(crate) fn record(&mut self, item: ItemId, slot: usize, m: Measure, v: f64) {
        let day = self.day() as usize;
        if day < self.out.days {
            self.out.add(day, item, slot, m, v);
        }
    }

    fn schedule_start(&mut self) {
        let m = self.m;
        for r in 0..m.regions.len() {
            let e = self.region_entity(r);
            self.on_day(0, class::REGION_DAY, e, Ev::RegionDay(r));
        }
        for (n, node) in m.nodes.iter().enumerate() {
            if node.kind.produces() && (!node.lines.is_empty() || !node.conversions.is_empty()) {
                self.on_day(0, class::PRODUCTION, n, Ev::Production(n));
            }
            if node.kind.produces() {
                self.schedule_restart(n);
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
        for (l, link) in m.links.iter().enumerate() {
            if !link.props.capacity.is_empty() || link.props.closure_rate > 0.0 {
                let e = self.link_entity(l);
                self.on_day(0, class::LINK_DAY, e, Ev::LinkDay(l));
            }
        }
        self.schedule_disruptions();
        let c = self.centre_entity() as usize;
        if m.dispatch.is_some()
            || m.nodes.iter().any(|n| {
                n.release
                    .as_ref()
                    .is_some_and(|r| r.national_days_of_supply_below.is_some())
            })
        {
            self.on_day(0, class::DISPATCH, c, Ev::Dispatch);
        }
        self.q
            .push(TICKS_PER_DAY - 1, class::RECORD, c as u32, Ev::Record);
    }

    /// Runs the replication to the horizon and checks the unit ledger.
    pub fn run(mut self) -> Result<Replication> {
        self.schedule_start();
        let end = self.m.days as Tick * TICKS_PER_DAY;
        let mut events = 0u64;
        while let Some((key, ev)) = self.q.pop() {
            if key.time >= end {
                break;
            }
            self.now = key.time;
            events += 1;
            self.handle(ev);
        }
        self.check_ledger()?;
        self.out.events = events;
        self.out.finish();
        Ok(self.out)
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::RegionDay(r) => self.region_day(r),
            Ev::Restart(n) => self.nodes[n].open = true,
            Ev::LinesReady(n, k) => self.lines_ready(n, k),
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
            Ev::Dispatch => self.dispatch_day(),
            Ev::Demand(n) => self.demand_day(n),
            Ev::Review(n) => self.periodic_review(n),
            Ev::CustomerOrder(n, k) => self.customer_order(n, k),
            Ev::BatchDone(n) => self.batch_done(n),
            Ev::Record => self.record_day(),
        }
    }

    /// End-of-day snapshot of stocks and shipments.
    fn record_day(&mut self) {
        let m = self.m;
        for (n, node) in m.nodes.iter().enumerate() {
            let Some(ech) = node.kind.echelon() else {
                continue;
            };
            let measure = match ech {
                crate::model::Echelon::Factory => Measure::OnHandFactory,
                crate::model::Echelon::Warehouse => Measure::OnHandWarehouse,
                crate::model::Echelon::Hospital => Measure::OnHandHospital,
            };
            for i in 0..m.items.len() {
                let (q, p) = (self.nodes[n].on_hand[i], self.nodes[n].pending_release[i]);
                if q > 0 {
                    self.record(i, node.region, measure, q as f64);
                }
                if p > 0 {
                    self.record(i, node.region, Measure::Sterilising, p as f64);
                }
            }
        }
        for s in 0..self.shipments.len() {
            let sh = &self.shipments[s];
            if sh.alive {
                let (i, r, q) = (sh.item, m.nodes[sh.dest].region, sh.qty as f64);
                self.record(i, r, Measure::InTransit, q);
            }
        }
        let c = self.centre_entity();
        self.q
            .push(self.now + TICKS_PER_DAY, class::RECORD, c, Ev::Record);
    }

    /// Conservation of units: everything that entered is on hand, sterilising, in transit,
    /// consumed or scrapped.
    fn check_ledger(&self) -> Result<()> {
        for (i, l) in self.ledger.iter().enumerate() {
            let on_hand: u64 = self.nodes.iter().map(|n| n.on_hand[i]).sum();
            let pending: u64 = self.nodes.iter().map(|n| n.pending_release[i]).sum();
            let transit: u64 = self
                .shipments
                .iter()
                .filter(|s| s.alive && s.item == i)
                .map(|s| s.qty)
                .sum();
            let inflow = l.initial + l.imported + l.produced;
            let outflow = on_hand + pending + transit + l.consumed + l.scrapped;
            if inflow != outflow {
                return Err(Error::Ledger(format!(
                    "item `{}`: initial {} + imported {} + produced {} != on hand {on_hand} + sterilising {pending} + in transit {transit} + consumed {} + scrapped {}",
                    self.m.items[i].id, l.initial, l.imported, l.produced, l.consumed, l.scrapped
                )));
            }
        }
        Ok(())
    }
}

/// Runs one replication of `model`.
pub fn run_replication(model: &Model, seed: u64, rep: u32) -> Result<Replication> {
    Sim::new(model, seed, rep).run()
}
