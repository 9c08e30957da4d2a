//! One replication split into region partitions that advance in parallel in conservative
//! time windows (synchronous, no rollback).
//!
//! Each partition is a [`Sim`] that handles only the events of the entities it owns: the nodes
//! and links leaving its regions, its regions, and the far ends of links arriving in them.
//! Anything for another partition's entity (an order, a shipment reaching the end of a hop)
//! leaves as a message, which always arrives at least the *lookahead* later: the smallest
//! lower bound of the delays on everything that crosses partitions (lead times of links
//! between partitions, order delays of policies ordering from another partition). So:
//!
//! 1. the lower bound `T` is the earliest pending event anywhere;
//! 2. every partition handles its events before `T + lookahead` in parallel: nothing sent
//!    inside the window can land before its end;
//! 3. at the barrier the messages go into their owners' queues under the key they were given
//!    when sent; central dispatch (and national reserve rules) runs as a step of all partitions
//!    together at its place in the event order (day start, class `DISPATCH`).
//!
//! Events are numbered per scheduling entity, so each partition handles its events in exactly
//! the order a single queue would; results are merged so that every number is the same to the
//! bit, for any partition count and thread count.

use super::queue::Tick;
use super::{Ev, RunContext, Shipment, Sim, central_step, class, entity_count, has_central_step};
use crate::error::Result;
use crate::model::{Model, TICKS_PER_DAY};
use crate::results::Replication;
use rayon::prelude::*;
use std::sync::Arc;

/// Owner value of an entity every partition handles for itself (the centre: each partition
/// records its own part of the day).
const EVERY: u16 = u16::MAX;

/// What a message carries.
pub(in crate::engine) enum Payload {
    /// An event for another partition's entity.
    Event(Ev),
    /// A shipment reaching the end of a hop in another partition (with its generation), which
    /// becomes a `HopEnd` there.
    Shipment(Box<Shipment>, u32),
}

/// An event on its way to another partition, with its place in the total order.
pub(in crate::engine) struct Message {
    time: Tick,
    class: u8,
    entity: u32,
    seq: u64,
    payload: Payload,
}

/// A simulation's place in a partitioned run.
pub(in crate::engine) struct Part {
    /// This partition.
    pub id: u16,
    /// Owning partition of every entity.
    owner: Arc<[u16]>,
    /// Messages sent in the current window.
    outbox: Vec<Message>,
}

impl Part {
    /// Whether this partition handles `entity`'s events.
    pub fn owns(&self, entity: usize) -> bool {
        let o = self.owner[entity];
        o == self.id || o == EVERY
    }

    /// Sends an event to another partition.
    pub fn send(&mut self, time: Tick, class: u8, entity: u32, seq: u64, payload: Payload) {
        self.outbox.push(Message {
            time,
            class,
            entity,
            seq,
            payload,
        });
    }
}

/// The index, among a run's simulations, of the one owning `entity`.
pub(in crate::engine) fn owner_index(sims: &[Sim], entity: usize) -> usize {
    match &sims[0].part {
        Some(p) if p.owner[entity] != EVERY => p.owner[entity] as usize,
        _ => 0,
    }
}

/// How many partitions each replication runs in (`--partitions K|auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partitions {
    /// Exactly this many (1 = the sequential engine), at most one per region.
    Count(usize),
    /// Chosen from the network, the thread count and the replication count
    /// ([`Partitioning::auto`]).
    Auto,
}

impl Default for Partitions {
    fn default() -> Self {
        Partitions::Count(1)
    }
}

impl std::str::FromStr for Partitions {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(Partitions::Auto),
            _ => match s.parse::<usize>() {
                Ok(k) if k >= 1 => Ok(Partitions::Count(k)),
                _ => Err(format!("expected a positive number or `auto`, got `{s}`")),
            },
        }
    }
}

impl Partitions {
    /// The partitioning to run `m` in with `threads` threads and `replications` replications,
    /// or None for the sequential engine.
    pub fn plan(
        self,
        m: &Model,
        threads: usize,
        replications: usize,
    ) -> Result<Option<Partitioning>> {
        let k = match self {
            Partitions::Count(k) => k,
            Partitions::Auto => Partitioning::auto(m, threads, replications),
        };
        if k.min(m.regions.len()) <= 1 {
            return Ok(None);
        }
        let plan = Partitioning::new(m, k);
        Ok((plan.parts > 1).then_some(plan))
    }
}

/// How a model's regions are split into partitions, and the lookahead that keeps windows safe.
#[derive(Debug, Clone)]
pub struct Partitioning {
    /// Number of partitions.
    pub parts: usize,
    /// Owning partition of every entity.
    owner: Arc<[u16]>,
    /// Smallest delay (ticks) of anything crossing partitions.
    pub lookahead: Tick,
}

/// Counters of a partitioned run, for benchmarks and the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowStats {
    /// Time windows advanced.
    pub windows: u64,
    /// Central steps taken at barriers.
    pub central_steps: u64,
    /// Messages passed between partitions.
    pub messages: u64,
    /// Wall time outside the parallel windows: delivering messages, finding the next window,
    /// central steps.
    pub barrier: std::time::Duration,
    /// Events handled in the windows, summed over every window of the larger of its busiest
    /// partition's events and an equal share per thread: the window's events on the thread
    /// that finishes last if partitions were shared out perfectly. The events divided by this
    /// bounds the speed-up the partitions allow on this many threads.
    pub critical_events: u64,
    /// Events handled by each partition, in partition order.
    pub part_events: Vec<u64>,
}

impl Partitioning {
    /// Splits `m` into at most `k` partitions of whole regions, balanced by node count.
    /// Regions joined by a link that can close stay together: a closure stalls shipments
    /// already on the road, which a partition at the far end could not learn of in time.
    pub fn new(m: &Model, k: usize) -> Partitioning {
        let region_part = split_regions(m, k);
        let k = region_part
            .iter()
            .map(|&p| p as usize + 1)
            .max()
            .unwrap_or(1);
        let (nodes, links, regions) = (m.nodes.len(), m.links.len(), m.regions.len());
        let node_part = |n: usize| region_part[m.nodes[n].region];
        let mut owner = vec![EVERY; entity_count(m)];
        for (n, o) in owner[..nodes].iter_mut().enumerate() {
            *o = node_part(n);
        }
        for (l, link) in m.links.iter().enumerate() {
            owner[nodes + l] = node_part(link.from());
            owner[nodes + links + regions + 1 + l] = node_part(link.to());
        }
        for (r, &p) in region_part.iter().enumerate() {
            owner[nodes + links + r] = p;
        }
        let days = |d: f64| Sim::days_to_ticks(d, true);
        let mut lookahead = m.days as Tick * TICKS_PER_DAY;
        for (l, link) in m.links.iter().enumerate() {
            if node_part(link.from()) == node_part(link.to()) {
                continue;
            }
            debug_assert!(
                !m.link_can_close(l),
                "split_regions keeps closable links inside"
            );
            lookahead = lookahead.min(days(m.links.props(l).lead_time.min()));
        }
        for (n, node) in m.nodes.iter().enumerate() {
            let orders = node
                .replenish
                .iter()
                .map(|p| (p.source, &p.order_delay_hours))
                .chain(
                    node.make_to_order
                        .iter()
                        .map(|p| (p.materials_source, &p.order_delay_hours)),
                );
            for (source, delay) in orders {
                if node_part(source) != node_part(n) {
                    lookahead = lookahead.min(days(delay.min() / 24.0));
                }
            }
        }
        Partitioning {
            parts: k,
            owner: owner.into(),
            lookahead,
        }
    }

    /// The partition count `auto` picks: one when replications already fill the threads or
    /// the network is small, else four partitions per thread (so uneven regions balance),
    /// at most one per region.
    pub fn auto(m: &Model, threads: usize, replications: usize) -> usize {
        if threads <= 1 || replications >= threads || m.nodes.len() < 1000 {
            1
        } else {
            (4 * threads).min(m.regions.len()).max(1)
        }
    }

    /// Runs replication `rep` of the context's model with base seed `seed` in these partitions,
    /// on the current rayon pool. Gives the same replication, to the bit, as [`Sim::run`].
    pub fn run(&self, ctx: &RunContext, seed: u64, rep: u32) -> Result<(Replication, WindowStats)> {
        let m = ctx.model;
        // Each partition sets up its own state for every entity: side by side.
        let mut sims: Vec<Sim> = (0..self.parts)
            .into_par_iter()
            .map(|p| {
                let part = Part {
                    id: p as u16,
                    owner: self.owner.clone(),
                    outbox: Vec::new(),
                };
                let mut sim = Sim::with_part(ctx, seed, rep, Some(part));
                sim.schedule_start();
                sim
            })
            .collect();
        let end = sims[0].end();
        let centre = sims[0].centre_entity();
        let mut central = has_central_step(m).then_some(0 as Tick);
        let mut stats = WindowStats::default();
        // Each partition's events at the end of the last window.
        let mut seen = vec![0; self.parts];
        let threads = rayon::current_num_threads() as u64;
        let mut serial = std::time::Instant::now();
        loop {
            stats.messages += deliver(&mut sims);
            let next = sims.iter_mut().filter_map(|s| s.q.next_time()).min();
            let Some(t) = next.into_iter().chain(central).min() else {
                break;
            };
            if t >= end {
                break;
            }
            let window_end = (t + self.lookahead).min(end);
            let barrier = central.filter(|&c| c < window_end);
            let limit = match barrier {
                Some(c) => (c, class::DISPATCH, centre),
                None => (window_end, 0, 0),
            };
            stats.barrier += serial.elapsed();
            sims.par_iter_mut().for_each(|s| s.run_before(limit));
            serial = std::time::Instant::now();
            stats.windows += 1;
            let (mut busiest, mut all) = (0, 0);
            for (s, seen) in sims.iter().zip(&mut seen) {
                let handled = s.events - *seen;
                *seen = s.events;
                busiest = busiest.max(handled);
                all += handled;
            }
            stats.critical_events += busiest.max(all.div_ceil(threads));
            if let Some(c) = barrier {
                for s in &mut sims {
                    s.now = c;
                    s.cur = centre;
                    s.cur_class = class::DISPATCH;
                }
                central_step(&mut sims);
                sims[0].events += 1;
                stats.central_steps += 1;
                central = Some(c + TICKS_PER_DAY).filter(|&c| c < end);
            }
        }
        // Shipments still travelling between partitions belong to their receivers' ledgers.
        stats.messages += deliver(&mut sims);
        for s in &mut sims {
            s.count_lost_orders_to_end();
        }
        super::check_ledger(&sims)?;
        stats.part_events = sims.iter().map(|s| s.events).collect();
        // The partitions' states are freed side by side; their results are merged in order.
        let mut parts = sims
            .into_par_iter()
            .map(|s| {
                let mut out = s.out;
                out.events = s.events;
                out
            })
            .collect::<Vec<_>>()
            .into_iter();
        let mut out = parts.next().expect("at least one partition");
        for p in parts {
            out.absorb(&p);
        }
        out.finish();
        Ok((out, stats))
    }
}

/// Moves every partition's messages into their owners' queues; returns how many.
fn deliver(sims: &mut [Sim]) -> u64 {
    let mut moved = 0;
    for from in 0..sims.len() {
        let outbox = match &mut sims[from].part {
            Some(p) => std::mem::take(&mut p.outbox),
            None => continue,
        };
        for msg in outbox {
            moved += 1;
            let to = owner_index(sims, msg.entity as usize);
            let sim = &mut sims[to];
            let ev = match msg.payload {
                Payload::Event(ev) => ev,
                Payload::Shipment(sh, generation) => Ev::HopEnd(sim.new_shipment(*sh), generation),
            };
            sim.q.push_seq(msg.time, msg.class, msg.entity, msg.seq, ev);
        }
    }
    moved
}

/// The partition of every region: groups of regions joined by closable links, in order of
/// their first region, cut into at most `k` consecutive runs of about equal node count.
fn split_regions(m: &Model, k: usize) -> Vec<u16> {
    let r = m.regions.len();
    // Union-find over regions, joined by links that can close.
    let mut root: Vec<usize> = (0..r).collect();
    fn find(root: &mut [usize], mut x: usize) -> usize {
        while root[x] != x {
            root[x] = root[root[x]];
            x = root[x];
        }
        x
    }
    for (l, link) in m.links.iter().enumerate() {
        if m.link_can_close(l) {
            let a = find(&mut root, m.nodes[link.from()].region);
            let b = find(&mut root, m.nodes[link.to()].region);
            // The smaller index stays the root, so groups are ordered by their first region.
            root[a.max(b)] = a.min(b);
        }
    }
    let group: Vec<usize> = (0..r).map(|x| find(&mut root, x)).collect();
    let mut nodes_in = vec![0usize; r];
    for n in &m.nodes {
        nodes_in[group[n.region]] += 1;
    }
    let groups: Vec<usize> = (0..r).filter(|&g| group[g] == g).collect();
    let k = k.clamp(1, groups.len().clamp(1, EVERY as usize - 1));
    let total = m.nodes.len().max(1);
    let mut before = 0;
    let mut part_of_group = vec![0u16; r];
    for &g in &groups {
        // A group goes to the partition its middle node falls in.
        let c = nodes_in[g];
        let mid = before * 2 + c;
        before += c;
        part_of_group[g] = ((mid * k) / (2 * total)).min(k - 1) as u16;
    }
    // Partitions left empty by a large group are dropped, keeping the numbering dense.
    let mut used: Vec<u16> = part_of_group
        .iter()
        .enumerate()
        .filter(|&(g, _)| group[g] == g)
        .map(|(_, &p)| p)
        .collect();
    used.dedup();
    (0..r)
        .map(|x| used.binary_search(&part_of_group[group[x]]).unwrap_or(0) as u16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{NationalSpec, national};

    fn network(nodes: usize, regions: usize) -> Model {
        let spec = NationalSpec {
            nodes,
            regions,
            days: 60,
            seed: 5,
            min_cross_region_days: 0.5,
        };
        crate::testutil::model(&national(&spec).unwrap())
    }

    #[test]
    fn a_national_network_splits_and_gives_the_sequential_replication() {
        let m = network(400, 12);
        let sequential = Sim::new(&crate::engine::RunContext::new(&m), 3, 1)
            .run()
            .unwrap();
        for k in [2, 5, 12] {
            let plan = Partitioning::new(&m, k);
            assert_eq!(
                plan.parts, k,
                "no closable links: every region can stand alone"
            );
            // Goods and orders between regions take at least half a day.
            assert_eq!(plan.lookahead, 720);
            let (r, stats) = plan.run(&crate::engine::RunContext::new(&m), 3, 1).unwrap();
            assert!(
                r == sequential,
                "{k} partitions differ from the sequential run"
            );
            assert!(stats.messages > 100, "partitions talk: {stats:?}");
            assert_eq!(stats.part_events.len(), k);
            assert_eq!(stats.part_events.iter().sum::<u64>(), r.events);
            let threads = rayon::current_num_threads() as u64;
            // Central steps are counted in the window after them, if any.
            let (busiest, steps) = (
                *stats.part_events.iter().max().unwrap(),
                stats.central_steps,
            );
            assert!(
                stats.critical_events <= r.events
                    && stats.critical_events + steps >= busiest
                    && (stats.critical_events + steps) * threads >= r.events,
                "the critical path lies between all events and the busiest partition's or an even share: {stats:?}"
            );
            assert!(
                stats.windows > 60,
                "windows of at most half a day: {stats:?}"
            );
        }
    }

    #[test]
    fn regions_joined_by_a_closable_link_share_a_partition() {
        let mut m = network(400, 12);
        let trunk = (0..m.links.len())
            .find(|&l| m.nodes[m.links.get(l).from()].region != m.nodes[m.links.get(l).to()].region)
            .unwrap();
        m.links.props_mut(trunk).closure_rate = 0.1;
        let (a, b) = (
            m.nodes[m.links.get(trunk).from()].region,
            m.nodes[m.links.get(trunk).to()].region,
        );
        let plan = Partitioning::new(&m, 12);
        assert!((2..=11).contains(&plan.parts), "{} partitions", plan.parts);
        let (nodes, links) = (m.nodes.len(), m.links.len());
        assert_eq!(plan.owner[nodes + links + a], plan.owner[nodes + links + b]);
        assert!(
            plan.run(&crate::engine::RunContext::new(&m), 3, 0)
                .unwrap()
                .0
                == Sim::new(&crate::engine::RunContext::new(&m), 3, 0)
                    .run()
                    .unwrap()
        );
    }

    #[test]
    fn partition_counts_parse_and_auto_prefers_replications() {
        assert_eq!("auto".parse::<Partitions>(), Ok(Partitions::Auto));
        assert_eq!("8".parse::<Partitions>(), Ok(Partitions::Count(8)));
        assert!("0".parse::<Partitions>().is_err());
        assert!("two".parse::<Partitions>().is_err());
        let m = network(1200, 31);
        assert_eq!(
            Partitioning::auto(&m, 2, 100),
            1,
            "replications fill the threads"
        );
        assert_eq!(Partitioning::auto(&m, 1, 1), 1);
        assert_eq!(Partitioning::auto(&m, 2, 1), 8);
        assert_eq!(
            Partitioning::auto(&network(100, 10), 2, 1),
            1,
            "small network"
        );
    }
}
