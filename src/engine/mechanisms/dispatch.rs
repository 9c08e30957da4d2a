//! Central dispatch: each day the state allocates the stock at designated sources (key firms'
//! output, released reserves) across regions by a rule — `priority` (designated regions first,
//! up to their need), `proportional` (to need) or `weighted` (to weight × need) — then within a
//! region to its hospitals: priority hospitals first, the rest in proportion to weight × need
//! (by default to need alone). Allocations leave after a decision delay.

use crate::engine::mechanisms::closures::Closed;
use crate::engine::mechanisms::routing::{Ranking, route_class};
use crate::engine::partitions::owner_index;
use crate::engine::{Held, Route, Sim};
use crate::model::{Dispatch, ItemKind, LinkId, Model, NodeId, RegionId, Rule};
use std::sync::Arc;

/// Buffers of a dispatch day, kept by each thread from one day and replication to the next:
/// a day splits every region's allocation among its hospitals, and allocating these vectors
/// anew for each split was most of the allocations a replication made.
#[derive(Debug, Default)]
struct Scratch {
    /// Units of each dispatched product on their way to each node, by row and then node.
    in_transit: Vec<u64>,
    /// Per item, its row of `in_transit` ([`NO_ROW`] for an item not dispatched).
    rows: Vec<usize>,
    /// Per item, whether its row of `in_transit` is the day's (counted, and none of the
    /// product dispatched since).
    counted: Vec<bool>,
    /// Hospitals with a need: (node, need), by region and then node.
    hospitals: Vec<(NodeId, u64)>,
    /// The region of each of `hospitals`.
    regions: Vec<RegionId>,
    /// Need per region.
    region_need: Vec<u64>,
    /// Allocation per region.
    by_region: Vec<u64>,
    /// Allocation per hospital of one region.
    shares: Vec<u64>,
    /// Sources ranked for one hospital.
    nearest: Vec<NodeId>,
    /// What each source gives one hospital: (node, units).
    parts: Vec<(NodeId, u64)>,
    split: SplitBuffers,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::default();
}

/// The buffers a split works in, reused from one split to the next.
#[derive(Debug, Default)]
pub struct SplitBuffers {
    weights: Vec<f64>,
    caps: Vec<u64>,
    part: Vec<u64>,
    fractions: Vec<(f64, usize)>,
}

/// Splits `amount` whole units in proportion to `weights`, never giving anyone more than its
/// cap, redistributing what a capped share cannot take; remainders go by largest fraction,
/// ties to the lower index. Gives out min(amount, sum of caps).
pub fn proportional_split(amount: u64, weights: &[f64], caps: &[u64]) -> Vec<u64> {
    let mut out = Vec::new();
    split_into(amount, weights, caps, &mut out, &mut Vec::new());
    out
}

/// [`proportional_split`] into `out`, with `fractions` as its buffer.
fn split_into(
    amount: u64,
    weights: &[f64],
    caps: &[u64],
    out: &mut Vec<u64>,
    fractions: &mut Vec<(f64, usize)>,
) {
    out.clear();
    out.resize(weights.len(), 0);
    let mut left = amount.min(caps.iter().sum());
    while left > 0 {
        // Whether share i can take more; within one pass only i's own turn changes out[i].
        let open = |out: &[u64], i: usize| out[i] < caps[i] && weights[i] > 0.0;
        let total: f64 = (0..weights.len())
            .filter(|&i| open(&out[..], i))
            .map(|i| weights[i])
            .sum();
        if total <= 0.0 {
            break;
        }
        let mut capped = false;
        let mut given = 0;
        fractions.clear();
        for i in 0..weights.len() {
            if !open(&out[..], i) {
                continue;
            }
            let exact = left as f64 * weights[i] / total;
            let room = caps[i] - out[i];
            if exact >= room as f64 {
                out[i] += room;
                given += room;
                capped = true;
            } else {
                out[i] += exact.floor() as u64;
                given += exact.floor() as u64;
                fractions.push((exact - exact.floor(), i));
            }
        }
        left -= given;
        if !capped {
            // What is left is less than the number of shares: one unit each by largest remainder.
            fractions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            for &(_, i) in fractions.iter().take(left as usize) {
                out[i] += 1;
            }
            break;
        }
    }
}

/// Adds to `out` the split of `left` units in proportion to weight × room, each share's room
/// being `need(k) - out[k]` (the units `out` does not give it yet).
fn split_rest(
    left: u64,
    out: &mut [u64],
    need: impl Fn(usize) -> u64,
    weight: impl Fn(usize) -> f64,
    b: &mut SplitBuffers,
) {
    b.caps.clear();
    b.caps
        .extend(out.iter().enumerate().map(|(k, o)| need(k) - o));
    b.weights.clear();
    b.weights.extend(
        b.caps
            .iter()
            .enumerate()
            .map(|(k, &c)| c as f64 * weight(k)),
    );
    split_into(left, &b.weights, &b.caps, &mut b.part, &mut b.fractions);
    for (o, x) in out.iter_mut().zip(&b.part) {
        *o += x;
    }
}

/// Allocates `amount` units across regions with needs `need` by `rule`.
pub fn allocate(
    rule: Rule,
    amount: u64,
    need: &[u64],
    priority: &[RegionId],
    weights: &[f64],
) -> Vec<u64> {
    let mut out = Vec::new();
    allocate_into(
        rule,
        amount,
        need,
        priority,
        weights,
        &mut out,
        &mut SplitBuffers::default(),
    );
    out
}

/// [`allocate`] into `out`, working in `b`.
pub fn allocate_into(
    rule: Rule,
    amount: u64,
    need: &[u64],
    priority: &[RegionId],
    weights: &[f64],
    out: &mut Vec<u64>,
    b: &mut SplitBuffers,
) {
    match rule {
        Rule::Proportional => {
            b.weights.clear();
            b.weights.extend(need.iter().map(|&n| n as f64));
            split_into(amount, &b.weights, need, out, &mut b.fractions);
        }
        Rule::Weighted => {
            b.weights.clear();
            b.weights
                .extend(need.iter().zip(weights).map(|(&n, &w)| n as f64 * w));
            split_into(amount, &b.weights, need, out, &mut b.fractions);
        }
        Rule::Priority => {
            out.clear();
            out.resize(need.len(), 0);
            let mut left = amount;
            for &r in priority {
                let give = left.min(need[r] - out[r]);
                out[r] += give;
                left -= give;
            }
            split_rest(left, out, |r| need[r], |_| 1.0, b);
        }
    }
}

/// Central dispatch of every dispatched product (a step of the central day, over all
/// partitions).
pub(in crate::engine) fn dispatch_day(sims: &mut [Sim]) {
    if let Some(d) = &sims[0].m.dispatch {
        let mut scratch = SCRATCH.take();
        let items = sims[0].m.items.len();
        scratch.counted.clear();
        scratch.counted.resize(items, false);
        // Rows for the dispatched products alone: a large network has materials too, and the
        // table is counted afresh each day.
        scratch.rows.clear();
        scratch.rows.resize(items, NO_ROW);
        let mut count = 0;
        for &item in &d.items {
            if scratch.rows[item] == NO_ROW {
                scratch.rows[item] = count;
                count += 1;
            }
        }
        for &item in &d.items {
            dispatch_item(sims, item, &mut scratch);
        }
        SCRATCH.set(scratch);
    }
}

/// The nodes a dispatch day may find a need at, for each product (none for a product not
/// dispatched): those with a direct demand for it, or with a census and the product's burn
/// rates (any other has no demand, see [`Sim::raw_demand_on`]), with their regions, by region
/// and then node. That is the order a day splits regions' allocations in, so a day walks
/// neither every node nor sorts, nor looks up a node's region in its record.
pub(in crate::engine) fn demand_nodes(m: &Model) -> Vec<Vec<(NodeId, RegionId)>> {
    let Some(d) = &m.dispatch else {
        return Vec::new();
    };
    (0..m.items.len())
        .map(|item| {
            if !d.items.contains(&item) {
                return Vec::new();
            }
            let burns = m.items[item].burn.is_some();
            let mut nodes: Vec<(NodeId, RegionId)> = (m.nodes.iter().enumerate())
                .filter(|(_, node)| {
                    node.direct_demand.iter().any(|(i, _)| *i == item)
                        || (burns && node.census.is_some())
                })
                .map(|(n, node)| (n, node.region))
                .collect();
            nodes.sort_unstable_by_key(|&(n, r)| (r, n));
            nodes
        })
        .collect()
}

fn dispatch_item(sims: &mut [Sim], item: usize, s: &mut Scratch) {
    let (m, ctx) = (sims[0].m, sims[0].ctx);
    let d = m.dispatch.as_ref().expect("dispatch configured");
    let node = |sims: &[Sim], n: NodeId| owner_index(sims, n);
    let supply: u64 = d
        .sources
        .iter()
        .filter(|&&s| sims[node(sims, s)].is_released(s, item))
        .map(|&s| sims[node(sims, s)].stock.on_hand(s, item))
        .sum();
    if supply == 0 {
        return;
    }
    if !s.counted[item] {
        // One walk of the shipments counts every product's: dispatching one product adds
        // shipments of it alone, so the others' counts hold all day (a product listed twice
        // is counted again).
        in_transit_into(sims, &s.rows, &mut s.in_transit);
        s.counted.fill(true);
    }
    s.counted[item] = false;
    let nodes = m.nodes.len();
    let row = s.rows[item];
    let in_transit = &s.in_transit[row * nodes..(row + 1) * nodes];
    s.hospitals.clear();
    s.regions.clear();
    s.region_need.clear();
    s.region_need.resize(m.regions.len(), 0);
    // By region, then node: each region's hospitals in node order, regions in index order.
    for &(n, r) in &ctx.demand_nodes[item] {
        let sim = &sims[node(sims, n)];
        let Some(daily) = sim.demand_today(n, item) else {
            continue;
        };
        let target = match m.items[item].kind {
            ItemKind::Durable => daily,
            _ => daily * d.cover_days,
        };
        let have = (sim.stock.on_hand(n, item) + in_transit[n]) as f64;
        let need = (target - have).ceil().max(0.0) as u64;
        if need > 0 {
            s.hospitals.push((n, need));
            s.regions.push(r);
            s.region_need[r] += need;
        }
    }
    allocate_into(
        d.rule,
        supply,
        &s.region_need,
        &d.priority_regions,
        &d.weights,
        &mut s.by_region,
        &mut s.split,
    );
    let mut first = 0;
    for run in s.regions.chunk_by(|a, b| a == b) {
        let members = &s.hospitals[first..first + run.len()];
        first += run.len();
        let amount = s.by_region[run[0]];
        if amount == 0 {
            continue;
        }
        split_in_region_into(d, amount, members, &mut s.shares, &mut s.split);
        for (&(h, _), &give) in members.iter().zip(&s.shares) {
            send_allocation(sims, h, item, give, &mut s.nearest, &mut s.parts);
        }
    }
}

/// Splits a region's `amount` among its hospitals `members` (node, need): the dispatch's
/// priority hospitals first, in their order, up to their need; what is left in proportion to
/// weight × remaining need (with no priority hospitals and weights 1, in proportion to need).
pub fn split_in_region(d: &Dispatch, amount: u64, members: &[(NodeId, u64)]) -> Vec<u64> {
    let mut out = Vec::new();
    split_in_region_into(d, amount, members, &mut out, &mut SplitBuffers::default());
    out
}

/// [`split_in_region`] into `out`, working in `b`.
pub fn split_in_region_into(
    d: &Dispatch,
    amount: u64,
    members: &[(NodeId, u64)],
    out: &mut Vec<u64>,
    b: &mut SplitBuffers,
) {
    out.clear();
    out.resize(members.len(), 0);
    let mut left = amount;
    for &p in &d.priority_hospitals {
        if let Some(k) = members.iter().position(|x| x.0 == p) {
            let give = left.min(members[k].1 - out[k]);
            out[k] += give;
            left -= give;
        }
    }
    split_rest(
        left,
        out,
        |k| members[k].1,
        |k| d.hospital_weights[members[k].0],
        b,
    );
}

/// Units of `item` on their way to each node, over all partitions, wherever the shipment is
/// held now.
pub(in crate::engine) fn in_transit(sims: &[Sim], item: usize) -> Vec<u64> {
    let mut rows = vec![NO_ROW; sims[0].m.items.len()];
    rows[item] = 0;
    let mut out = Vec::new();
    in_transit_into(sims, &rows, &mut out);
    out
}

/// The row of an item [`in_transit_into`] does not count.
const NO_ROW: usize = usize::MAX;

/// Units on their way to each node, over all partitions, wherever the shipment is held now,
/// into `out`, in one walk of the shipments: by row and then node, for the items `rows` gives
/// a row (numbered from 0, each item its own).
fn in_transit_into(sims: &[Sim], rows: &[usize], out: &mut Vec<u64>) {
    let nodes = sims[0].m.nodes.len();
    let count = rows.iter().filter(|&&r| r != NO_ROW).count();
    out.clear();
    out.resize(count * nodes, 0);
    for sim in sims {
        for sh in &sim.shipments {
            let row = rows[sh.item];
            if row != NO_ROW && sh.held_at(sim.now) {
                out[row * nodes + sh.dest] += sh.qty;
            }
        }
    }
}

/// Ships `qty` of `item` to hospital `h` from the nearest released dispatch sources that have
/// it: one consignment, however many sources fill it. `nearest` and `parts` are buffers for
/// the sources' ranking and what each gives.
fn send_allocation(
    sims: &mut [Sim],
    h: NodeId,
    item: usize,
    mut qty: u64,
    nearest: &mut Vec<NodeId>,
    parts: &mut Vec<(NodeId, u64)>,
) {
    let d = sims[0].m.dispatch.as_ref().expect("dispatch configured");
    let delay = d.decision_delay_ticks;
    // What each source gives, taken first so that the consignment knows its units.
    parts.clear();
    sims[0].nearest_sources(h, item, nearest);
    for &s in nearest.iter() {
        if qty == 0 {
            break;
        }
        // The ranking holds dispatch sources only; those released today give.
        let o = owner_index(sims, s);
        if !sims[o].is_released(s, item) {
            continue;
        }
        let q = sims[o].stock.take_at_most(s, item, qty);
        if q > 0 {
            parts.push((s, q));
            qty -= q;
        }
    }
    consign(sims, parts, h, item, delay);
}

/// Sends `parts` (node, units already taken from its stock) of `item` to `h` as one
/// consignment, leaving after `delay` ticks; a part without a route goes back to its stock.
pub(in crate::engine) fn consign(
    sims: &mut [Sim],
    parts: &[(NodeId, u64)],
    h: NodeId,
    item: usize,
    delay: i64,
) {
    if parts.is_empty() {
        return;
    }
    let o = owner_index(sims, h);
    let units = parts.iter().map(|p| p.1).sum();
    let consignment = sims[o].consignments.start(h, units);
    for &(s, q) in parts {
        let sim = &mut sims[owner_index(sims, s)];
        // What the allocation schedules is numbered in the source's own sequence.
        sim.cur = s as u32;
        // The sources are those with a route to `h`, so this cannot fail; should it, the
        // goods stay, and the consignment is never complete (no lead time is recorded).
        if sim.ship(s, h, item, q, delay, consignment) {
            sim.after_drop(s, item);
            sims[o].nodes[h].inbound[item] += q;
        } else {
            sim.stock.add(s, item, Held::OnHand, q);
        }
    }
}

impl Sim<'_> {
    /// Dispatch sources that can reach `h`, nearest first (shared by every replication while
    /// every link is open), into `out`. Copied rather than handed out as a clone of the shared
    /// ranking: a clone's count is written by every thread that ranks for `h`, once per
    /// allocation, and the copy of a few ids is cheaper than that cache line moving between
    /// cores.
    fn nearest_sources(&mut self, h: NodeId, item: usize, out: &mut Vec<NodeId>) {
        out.clear();
        self.sync_route_state();
        if let Some((r, _)) = self.nearest_sources.get(&(h, item)) {
            out.extend_from_slice(r);
            return;
        }
        let (ctx, key, class) = (self.ctx, self.route_key, route_class(self.m, item));
        let open = ctx
            .routes
            .sources((key, h, class), || self.rank_sources(h, item));
        let (order, links) = match &self.closed {
            Some(c) if open.links.iter().any(|&l| c.has(l)) => (rank_around(c, &open), None),
            _ => (open.order, Some(open.links)),
        };
        out.extend_from_slice(&order);
        self.nearest_sources.insert((h, item), (order, links));
    }

    /// Ranks the dispatch sources by their route to `h` with every link open.
    fn rank_sources(&self, h: NodeId, item: usize) -> Ranking {
        let d = self.m.dispatch.as_ref().expect("dispatch configured");
        let mut ranked: Vec<(NodeId, Route)> = d
            .sources
            .iter()
            .filter_map(|&s| Some((s, self.shared_route(None, s, h, item)?)))
            .collect();
        ranked.sort_by(|a, b| by_cost((a.1.0, a.0), (b.1.0, b.0)));
        let mut links: Vec<LinkId> = ranked
            .iter()
            .flat_map(|(_, r)| r.1.iter().copied())
            .collect();
        links.sort_unstable();
        links.dedup();
        Ranking {
            order: ranked.iter().map(|&(s, _)| s).collect(),
            routes: ranked.into_iter().map(|(_, r)| r).collect(),
            links: links.into(),
        }
    }
}

/// Ranks `open`'s sources again while links are closed: each by its usual route plus the wait
/// at the closed links on it. Why not search again: a source's ranking only says which stock to
/// draw first, and a search per source at every closure cost more than the rest of the run; the
/// shipments themselves still take the fastest route around the closure. The usual routes come
/// with the ranking: looking each up again was most of a dispatch day's ranking.
fn rank_around(closed: &Closed, open: &Ranking) -> Arc<[NodeId]> {
    let mut ranked: Vec<(f64, NodeId)> = open
        .order
        .iter()
        .zip(open.routes.iter())
        .map(|(&s, (cost, path))| {
            let waits: f64 = path.iter().map(|&l| closed.wait_days(l)).sum();
            (cost + waits, s)
        })
        .collect();
    ranked.sort_by(|&a, &b| by_cost(a, b));
    ranked.into_iter().map(|(_, s)| s).collect()
}

/// Order of sources (cost, id): nearest first, ties to the lower id.
fn by_cost(a: (f64, NodeId), b: (f64, NodeId)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn priority_serves_the_designated_region_first() {
        // Hubei (0) needs 80, two others 40 each; 100 units.
        let a = allocate(Rule::Priority, 100, &[80, 40, 40], &[0], &[1.0; 3]);
        assert_eq!(a, vec![80, 10, 10]);
        let p = allocate(Rule::Proportional, 100, &[80, 40, 40], &[], &[1.0; 3]);
        assert_eq!(p, vec![50, 25, 25]);
        let w = allocate(Rule::Weighted, 100, &[80, 40, 40], &[], &[2.0, 1.0, 1.0]);
        assert_eq!(w, vec![67, 17, 16]);
    }

    #[test]
    fn never_exceeds_need() {
        assert_eq!(
            allocate(Rule::Proportional, 1000, &[3, 5], &[], &[1.0; 2]),
            vec![3, 5]
        );
        assert_eq!(
            allocate(Rule::Weighted, 10, &[3, 50], &[], &[100.0, 1.0]),
            vec![3, 7]
        );
    }

    /// The chain's dispatch with two more hospitals in region B (nodes 2 and 3), and `extra`
    /// in `[dispatch]`.
    fn three_hospitals(extra: &str) -> Dispatch {
        let more = format!(
            r#"{extra}

[[node]]
id = "clinic-"
count = 2
kind = "hospital"
region = "B"
demand = []

[[link_group]]
from = ["factory"]
to = ["clinic-*"]
lead_time_days = {{ dist = "fixed", value = 1 }}
"#
        );
        crate::testutil::chain_model(5, 1, 0, 0, 0, &more)
            .dispatch
            .unwrap()
    }

    #[test]
    fn a_priority_hospital_is_filled_first_within_its_region() {
        let d = three_hospitals("priority_hospitals = [\"clinic-1\"]");
        assert_eq!(d.priority_hospitals, [3]);
        let members = [(1, 60), (2, 60), (3, 50)];
        assert_eq!(split_in_region(&d, 80, &members), [15, 15, 50]);
        assert_eq!(split_in_region(&d, 30, &members), [0, 0, 30]);
        // By default, in proportion to need.
        let d = three_hospitals("");
        assert_eq!(split_in_region(&d, 85, &members), [30, 30, 25]);
    }

    #[test]
    fn hospital_weights_split_a_region_as_given() {
        let d = three_hospitals("hospital_weights = { hospital = 3, clinic-1 = 0 }");
        let members = [(1, 100), (2, 100), (3, 100)];
        assert_eq!(split_in_region(&d, 80, &members), [60, 20, 0]);
        // Never above need: what a capped share cannot take goes to the others.
        let members = [(1, 10), (2, 100), (3, 100)];
        assert_eq!(split_in_region(&d, 80, &members), [10, 70, 0]);
    }

    #[test]
    fn demand_nodes_are_those_with_a_demand_by_region_then_node() {
        // Two clinics with a demand in region A, after region B's hospital; the factory has none.
        let extra = r#"
[[node]]
id = "clinic-"
count = 2
kind = "hospital"
region = "A"
demand = [{ product = "mask", csv = "demand.csv", column = "mask" }]

[[link_group]]
from = ["factory"]
to = ["clinic-*"]
lead_time_days = { dist = "fixed", value = 1 }
"#;
        let m = crate::testutil::chain_model(5, 100, 1000, 10, 0, extra);
        let (mask, a, b) = (
            crate::testutil::item(&m, "mask"),
            crate::testutil::region(&m, "A"),
            crate::testutil::region(&m, "B"),
        );
        let lists = demand_nodes(&m);
        assert_eq!(lists[mask], [(2, a), (3, a), (1, b)]);
        // Exactly the nodes with a demand are listed.
        let ctx = crate::engine::RunContext::new(&m);
        let sim = Sim::new(&ctx, 0, 0);
        for n in 0..m.nodes.len() {
            let listed = lists[mask].iter().any(|&(k, _)| k == n);
            assert_eq!(sim.raw_demand_on(n, mask, 0).is_some(), listed, "node {n}");
        }
    }

    proptest! {
        #[test]
        fn gives_out_exactly_what_it_can(amount in 0u64..10_000, need in proptest::collection::vec(0u64..3000, 1..8), rule in 0..3usize) {
            let rule = [Rule::Priority, Rule::Proportional, Rule::Weighted][rule];
            let weights: Vec<f64> = (0..need.len()).map(|i| 1.0 + i as f64).collect();
            let a = allocate(rule, amount, &need, &[0], &weights);
            prop_assert_eq!(a.iter().sum::<u64>(), amount.min(need.iter().sum()));
            for (x, n) in a.iter().zip(&need) { prop_assert!(x <= n); }
        }
    }
}

#[cfg(test)]
mod engine_tests {
    use crate::model::Rule;
    use crate::results::Measure;
    use crate::testutil::*;

    #[test]
    fn hubei_first_versus_proportional_allocation() {
        // A second hospital in region A competes with region B's for 100 masks/day.
        let extra = r#"
[[node]]
id = "other-hospital"
kind = "hospital"
region = "A"
demand = [{ product = "mask", csv = "demand.csv", column = "mask" }]

[[link]]
from = "factory"
to = "other-hospital"
lead_time_days = { dist = "fixed", value = 1 }
"#;
        let (toml, csv) = chain(30, 100, 1_000_000, 100, 0, extra);
        let mut m = with_files(&toml, None, &[("demand.csv", &csv)]);
        let (mask, a, b) = (item(&m, "mask"), region(&m, "A"), region(&m, "B"));
        m.dispatch.as_mut().unwrap().cover_days = 3.0;
        let r = run(&m, 0);
        let (pa, pb) = (
            total(&r, mask, a, Measure::Delivered),
            total(&r, mask, b, Measure::Delivered),
        );
        assert!(
            (pa - pb).abs() <= 200.0,
            "proportional shares equal needs equally: {pa} {pb}"
        );
        let d = m.dispatch.as_mut().unwrap();
        d.rule = Rule::Priority;
        d.priority_regions = vec![b];
        let r = run(&m, 0);
        let (qa, qb) = (
            total(&r, mask, a, Measure::Delivered),
            total(&r, mask, b, Measure::Delivered),
        );
        assert!(
            qb > 2.0 * qa && qb > pb,
            "priority region served first: A {qa} B {qb}"
        );
    }

    #[test]
    fn a_product_listed_twice_sees_its_first_allocations_in_transit() {
        // The factory makes ten times the hospital's 3-day cover: the first pass sends the
        // need, and the second, counting that on its way, finds none and sends nothing.
        let (toml, csv) = chain(30, 1000, 1_000_000, 100, 0, "");
        let mut m = with_files(&toml, None, &[("demand.csv", &csv)]);
        let d = m.dispatch.as_mut().unwrap();
        d.cover_days = 3.0;
        let once = run(&m, 0);
        let d = m.dispatch.as_mut().unwrap();
        d.items = vec![d.items[0]; 2];
        let twice = run(&m, 0);
        assert!(once.flows.iter().sum::<u64>() > 0, "dispatch ships");
        assert_eq!(twice.flows, once.flows);
        assert_eq!(twice.daily, once.daily);
        // Listed twice, counted in one row: the table has a row per dispatched product, none
        // for the material.
        let table = super::SCRATCH.take().in_transit;
        assert!(m.items.len() > 1, "the chain has a material");
        assert_eq!(table.len(), m.nodes.len());
    }
}
