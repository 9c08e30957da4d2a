//! Routing: the shortest expected-time path over the petgraph network (mean lead time plus mean
//! checkpoint waits, which the green channel removes for eligible shipments, plus the wait for
//! a closed link to reopen), or a pinned route. Routes are cached until a risk level or the
//! green channel changes, or a link closes or reopens.

use crate::engine::mechanisms::closures::Closed;
use crate::engine::queue::Tick;
use crate::engine::{Route, Sim};
use crate::model::{ItemId, LinkId, LinkSpec, Model, NodeId, RiskLevel, TICKS_PER_DAY};
use crate::util::FastMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

/// Key of a cached route: (route key, from, to, route class of the item, see [`route_class`]).
/// The route key ([`Sim::route_key`]) stands for every region's risk level and whether the
/// green channel is open: a level schedule may differ by replication when it follows a drawn
/// epidemic, so it is a hash of the levels, not a count of changes. It is None for a trip
/// whose cost the levels cannot change (see [`TripCosts::ignores_levels`]).
type RouteKey = (Option<usize>, NodeId, NodeId, ItemId);

/// Key of a cached ranking of dispatch sources: (route key, hospital, route class of the item).
type SourcesKey = (usize, NodeId, ItemId);

/// Routes with every link open, and dispatch sources ranked by them, shared by the replications
/// of one model. Such a route depends only on the network, the item's route class and the route
/// key, never on anything else a replication draws, so every replication may reuse what another
/// found: the outputs are the same whichever thread finds a route first. Routes around closed
/// links are not shared: closures are drawn per replication, so two replications rarely close
/// the same links at the same times, and keeping their routes would grow the cache without end.
#[derive(Debug, Default)]
pub struct RouteCache {
    routes: Shared<RouteKey, Option<Route>>,
    sources: Shared<SourcesKey, Ranking>,
}

/// Dispatch sources that can reach a hospital, nearest first, and every link their routes use
/// (while none of those is closed, a closure leaves the ranking as it is).
#[derive(Debug, Clone)]
pub(in crate::engine) struct Ranking {
    /// Sources, nearest first.
    pub order: Arc<[NodeId]>,
    /// The route with every link open of each source in `order`, kept so that ranking again
    /// around closed links needs no route look-ups.
    pub routes: Arc<[crate::engine::Route]>,
    /// The links of their routes, sorted.
    pub links: Arc<[LinkId]>,
}

/// A map filled on demand by several threads.
#[derive(Debug)]
struct Shared<K, V>(Mutex<FastMap<K, V>>);

impl<K, V> Default for Shared<K, V> {
    fn default() -> Self {
        Shared(Mutex::new(FastMap::default()))
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> Shared<K, V> {
    /// The value of `key`, or `find`'s, kept. The search runs without the lock, so threads
    /// (replications, partitions) searching at once do not wait for each other; a value is a
    /// function of the model, so whichever search finishes first gives the same value.
    fn get_or_find(&self, key: K, find: impl FnOnce() -> V) -> V {
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(r) = lock().get(&key) {
            return r.clone();
        }
        let found = find();
        lock().entry(key).or_insert(found).clone()
    }
}

impl RouteCache {
    /// The ranking of dispatch sources for (state, hospital, item), or `rank`'s, kept.
    pub(in crate::engine) fn sources(
        &self,
        key: SourcesKey,
        rank: impl FnOnce() -> Ranking,
    ) -> Ranking {
        self.sources.get_or_find(key, rank)
    }
}

impl Clone for RouteCache {
    /// A clone starts empty (the cache is derived data; a clone may be changed as a variant).
    fn clone(&self) -> RouteCache {
        RouteCache::default()
    }
}

/// A shipment as routing sees it: its day, product and ends, and the links closed.
#[derive(Debug, Clone, Copy)]
pub struct Trip<'a> {
    /// The day it is routed.
    pub day: u32,
    /// Its product.
    pub item: ItemId,
    /// Where it starts.
    pub from: NodeId,
    /// Where it goes.
    pub to: NodeId,
    /// The links closed (None: all open).
    pub closed: Option<&'a Closed>,
    /// Every region's risk level.
    pub levels: &'a [RiskLevel],
}

/// The product as routes see it: a route's cost takes nothing from the product but whether the
/// green channel's product list covers it, so the products it covers share one class (and
/// their routes and rankings are searched once, not once per product).
pub(in crate::engine) fn route_class(m: &Model, item: ItemId) -> ItemId {
    if m.green.items.as_ref().is_none_or(|l| l.contains(&item)) {
        ItemId::MAX
    } else {
        item
    }
}

/// The expected days of the links of one trip, with what is the same for all of them worked
/// out once: a search looks at a hundred links or more per trip.
struct TripCosts<'a> {
    m: &'a Model,
    trip: Trip<'a>,
    /// Whether the green channel takes the checkpoint waits off the trip's links it covers
    /// (the channel counts for routing, is open and lets the product, origin and destination
    /// through).
    bypass: bool,
}

impl<'a> TripCosts<'a> {
    fn new(m: &'a Model, trip: &Trip<'a>) -> TripCosts<'a> {
        let (o, d) = (m.nodes[trip.from].region, m.nodes[trip.to].region);
        let g = &m.green;
        let bypass =
            g.bypass_checkpoints && g.routing && g.eligible_trip(trip.day, trip.item, o, d);
        TripCosts {
            m,
            trip: *trip,
            bypass,
        }
    }

    /// Whether no risk level counts in the trip's costs: the green channel takes the checkpoint
    /// waits off every link (it lists none), and the levels count only through those waits.
    /// Such a trip's route is the same under every route key, so it is shared across all of
    /// them: with the channel open for most products, most routes are then searched once per
    /// run rather than once per change of any region's level in each replication.
    fn ignores_levels(&self) -> bool {
        self.bypass && self.m.green.links.is_none()
    }

    /// Expected days to traverse `link`, whose spec is `l`: its mean lead time, the mean
    /// checkpoint waits (none for a shipment the green channel lets through, when the channel
    /// counts for routing) and, for a closed link, the days until it reopens.
    fn days(&self, link: LinkId, l: &LinkSpec) -> f64 {
        let (m, trip) = (self.m, &self.trip);
        let waits: f64 = if self.bypass && m.green.covers_link(link) {
            0.0
        } else {
            l.checkpoints
                .iter()
                .map(|&r| m.risk[trip.levels[r] as usize].checkpoint_hours.mean() / 24.0)
                .sum()
        };
        let closed = trip.closed.map_or(0.0, |c| c.wait_days(link));
        l.props.lead_time.mean() + waits + closed
    }
}

/// The fastest path for `trip`, as links; None if unreachable. A pinned route is taken as it
/// is, closed or not (its cost counts the wait).
pub fn shortest_path(m: &Model, trip: &Trip) -> Option<(f64, Vec<LinkId>)> {
    if let Some(p) = m.pinned_routes.get(&(trip.from, trip.to)) {
        let costs = TripCosts::new(m, trip);
        let cost = p.iter().map(|&l| costs.days(l, m.links.spec(l))).sum();
        return Some((cost, p.clone()));
    }
    dijkstra(m, trip)
}

/// A vertex of the network.
type Vertex = petgraph::graph::NodeIndex;

/// How a vertex is reached: the vertex before, the link, its days.
type Step = (Vertex, LinkId, f64);

/// The order in which [`search`] expands what it has reached: cost, then the destination
/// before others, then first pushed first, packed in one integer so that a step of the heap
/// compares one number rather than three fields. Smaller comes first (the heap holds it in
/// [`Reverse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct HeapKey(u128);

impl HeapKey {
    /// The sign bit of an `f64`.
    const SIGN: u64 = 1 << 63;

    /// The key of a vertex reached at `cost` (the goal or not), pushed `seq`th (below 2^63).
    fn new(cost: f64, goal: bool, seq: u64) -> HeapKey {
        debug_assert!(seq < Self::SIGN);
        // `f64::total_cmp`'s order as an unsigned one: a negative value's bits flipped, the
        // sign bit set on the others.
        let bits = cost.to_bits();
        let ordered = if bits & Self::SIGN != 0 {
            !bits
        } else {
            bits | Self::SIGN
        };
        HeapKey((u128::from(ordered) << 64) | (u128::from(!goal) << 63) | u128::from(seq))
    }

    /// The cost it was made with.
    fn cost(self) -> f64 {
        let ordered = (self.0 >> 64) as u64;
        f64::from_bits(if ordered & Self::SIGN != 0 {
            ordered & !Self::SIGN
        } else {
            !ordered
        })
    }
}

/// What [`dijkstra`] knows of each vertex, kept between the searches a thread makes: arrays
/// indexed by vertex rather than ordered maps (a search used to spend most of its time
/// inserting into those). A search resets only the vertices it reached, so one that reaches a
/// few vertices of a large network stays as cheap.
#[derive(Default)]
struct Scratch {
    /// The best cost of each vertex reached, and its last step (None: not reached).
    best: Vec<Option<(f64, Option<Step>)>>,
    /// Whether each vertex has been expanded.
    done: Vec<bool>,
    /// The vertices reached, to reset.
    reached: Vec<usize>,
    /// The vertices to expand (left as a search ends; emptied for the next).
    heap: BinaryHeap<(Reverse<HeapKey>, Vertex)>,
    /// The links from the vertex being expanded to the goal.
    to_goal: Vec<LinkId>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Shortest expected-time path from `from` to `to` as links. At equal cost the destination is
/// taken first, so a direct link in a large all-to-all group is found without expanding the
/// group's other nodes. Among parallel links the fastest is taken, ties to the first defined.
fn dijkstra(m: &Model, trip: &Trip) -> Option<(f64, Vec<LinkId>)> {
    SCRATCH.with_borrow_mut(|s| {
        let found = search(m, trip, s);
        for &v in &s.reached {
            s.best[v] = None;
            s.done[v] = false;
        }
        s.reached.clear();
        s.heap.clear();
        found
    })
}

/// [`dijkstra`] with its per-vertex state in `s` (every vertex unreached on entry).
fn search(m: &Model, trip: &Trip, s: &mut Scratch) -> Option<(f64, Vec<LinkId>)> {
    let (start, goal) = (m.nodes[trip.from].vertex, m.nodes[trip.to].vertex);
    let costs = TripCosts::new(m, trip);
    let Scratch {
        best,
        done,
        reached,
        heap,
        to_goal,
    } = s;
    // Every vertex is a node's.
    if best.len() < m.nodes.len() {
        best.resize(m.nodes.len(), None);
        done.resize(m.nodes.len(), false);
    }
    let mut seq = 0u64;
    best[start.index()] = Some((0.0, None));
    reached.push(start.index());
    heap.push((Reverse(HeapKey::new(0.0, start == goal, seq)), start));
    while let Some((Reverse(key), v)) = heap.pop() {
        let cost = key.cost();
        if std::mem::replace(&mut done[v.index()], true) {
            continue;
        }
        if v == goal {
            let mut path = Vec::new();
            let mut at = v;
            while let Some((_, Some((p, l, _)))) = best[at.index()] {
                path.push(l);
                at = p;
            }
            path.reverse();
            return Some((cost, path));
        }
        // What the goal will cost at most once `v` is expanded. A vertex reached at that cost or
        // more would pop after the goal (the goal goes first at equal cost), so it is not pushed:
        // the path is the same, and expanding a hub of a large all-to-all group no longer pushes
        // its every neighbour.
        to_goal.clear();
        to_goal.extend(m.links.between(v, goal));
        let bound = to_goal
            .iter()
            .map(|&l| cost + costs.days(l, m.links.spec(l)))
            .fold(best[goal.index()].map_or(f64::INFINITY, |b| b.0), f64::min);
        let mut relax = |w: Vertex, l: LinkId| {
            // The lead time is a lower bound of the link's cost (waits are never negative).
            let beyond = |c: f64| w != goal && c >= bound;
            if done[w.index()] {
                return;
            }
            let spec = m.links.spec(l);
            if beyond(cost + spec.props.lead_time.mean()) {
                return;
            }
            let days = costs.days(l, spec);
            let c = cost + days;
            if beyond(c) {
                return;
            }
            match &mut best[w.index()] {
                Some((old, _)) if c > *old => {}
                // Another link from `v` at the same cost (as fast, or faster by less than the
                // sum shows): the path stays, its link is the fastest, ties to the first defined.
                Some((old, pred)) if c == *old => {
                    if let Some((p, link, d)) = pred
                        && *p == v
                        && (days, l) < (*d, *link)
                    {
                        (*link, *d) = (l, days);
                    }
                }
                entry => {
                    if entry.is_none() {
                        reached.push(w.index());
                    }
                    *entry = Some((c, Some((v, l, days))));
                    seq += 1;
                    heap.push((Reverse(HeapKey::new(c, w == goal, seq)), w));
                }
            }
        };
        if cost + m.links.fastest_out(v) >= bound {
            // Every link but those to the goal would be beyond the bound: only they are looked
            // at, and a hub's list of links is not walked again.
            to_goal.iter().for_each(|&l| relax(goal, l));
        } else {
            for (w, l) in m.links.out(v) {
                relax(w, l);
            }
        }
    }
    None
}

impl Sim<'_> {
    /// Empties the caches of routes (and what is derived from them) when a risk level or the
    /// green channel has changed since they were filled; when only the set of closed links
    /// has, keeps what is still valid.
    pub(in crate::engine) fn sync_route_state(&mut self) {
        // Called for every shipment and ranking: two searches of the change times each time
        // cost more than the rest of a cached route's lookup.
        if self.route_span.0 <= self.now && self.now < self.route_span.1 {
            return;
        }
        let day = self.day();
        let epoch = self.route_changes.partition_point(|&d| d <= day);
        let closing = self.closures.state_at(self.now);
        if (epoch, closing) != (self.route_epoch, self.closure_state) {
            if closing != self.closure_state {
                self.closed = self.closures.closed_at(self.now);
                self.closure_state = closing;
            }
            if epoch == self.route_epoch {
                // Only closures changed: a route or ranking that was the one with every link
                // open, and crosses no link closed now, is what a search would give again (the
                // route key is the same); the rest are searched again.
                let closed = self.closed.as_deref();
                let still_open =
                    |links: &[LinkId]| closed.is_none_or(|c| !links.iter().any(|&l| c.has(l)));
                self.routes
                    .retain(|_, (r, open)| *open && r.as_ref().is_none_or(|r| still_open(&r.1)));
                self.nearest_sources
                    .retain(|_, (_, open)| open.as_ref().is_some_and(|l| still_open(l)));
            } else {
                self.routes.clear();
                self.nearest_sources.clear();
                // Levels and the green channel change only with the epoch, not with closures.
                self.route_epoch = epoch;
                self.route_levels = (0..self.m.regions.len())
                    .map(|r| self.level_on(r, day))
                    .collect();
                let mut h = std::hash::DefaultHasher::new();
                (&self.route_levels, self.m.green.active(day)).hash(&mut h);
                self.route_key = h.finish() as usize;
            }
        }
        let (from, until) = self.closures.state_span(closing);
        let day_start = |d: u32| Tick::from(d) * TICKS_PER_DAY;
        let epoch_from = epoch
            .checked_sub(1)
            .map_or(Tick::MIN, |k| day_start(self.route_changes[k]));
        let epoch_until = self
            .route_changes
            .get(epoch)
            .map_or(Tick::MAX, |&d| day_start(d));
        self.route_span = (from.max(epoch_from), until.min(epoch_until));
    }

    /// The route for a shipment and its expected days, from the cache when the world has not
    /// changed (unreachable pairs are cached too).
    pub(in crate::engine) fn route(
        &mut self,
        from: NodeId,
        to: NodeId,
        item: ItemId,
    ) -> Option<crate::engine::Route> {
        self.sync_route_state();
        if let Some((r, _)) = self.routes.get(&(from, to, item)) {
            return r.clone();
        }
        let (r, open) = self.route_around(self.closed.as_ref(), from, to, item);
        self.routes.insert((from, to, item), (r.clone(), open));
        r
    }

    /// The route from `from` to `to` for `item` under the current route key with the links in
    /// `closed` closed: from the cache every replication shares when it crosses no closed link,
    /// else searched again.
    pub(in crate::engine) fn shared_route(
        &self,
        closed: Option<&Arc<Closed>>,
        from: NodeId,
        to: NodeId,
        item: ItemId,
    ) -> Option<crate::engine::Route> {
        self.route_around(closed, from, to, item).0
    }

    /// [`Sim::shared_route`], and whether it is the route with every link open (false for one
    /// searched around a closed link).
    fn route_around(
        &self,
        closed: Option<&Arc<Closed>>,
        from: NodeId,
        to: NodeId,
        item: ItemId,
    ) -> (Option<crate::engine::Route>, bool) {
        let (m, ctx, key) = (self.m, self.ctx, self.route_key);
        let trip = Trip {
            day: self.day(),
            item,
            from,
            to,
            closed: None,
            levels: &self.route_levels,
        };
        let find = |trip: &Trip| shortest_path(m, trip).map(|(c, p)| (c, p.into()));
        let class = route_class(m, item);
        let key = (!TripCosts::new(m, &trip).ignores_levels()).then_some(key);
        let open = ctx
            .routes
            .routes
            .get_or_find((key, from, to, class), || find(&trip));
        match closed {
            // Closures only add cost: a route that crosses no closed link stays the fastest,
            // and is shared with every replication; only one that crosses one is searched again.
            Some(c) if open.as_ref().is_some_and(|r| r.1.iter().any(|&l| c.has(l))) => (
                find(&Trip {
                    closed: Some(c),
                    ..trip
                }),
                false,
            ),
            _ => (open, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, RiskLevel};
    use crate::testutil::*;
    use proptest::prelude::*;

    /// A cost: any float but NaN, often a small number of whole or half days, so that ties
    /// and signed zeros come up.
    fn cost() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-4i32..8).prop_map(|h| f64::from(h) / 2.0),
            Just(-0.0),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            any::<f64>().prop_filter("not NaN", |c| !c.is_nan()),
        ]
    }

    proptest! {
        /// A key orders as cost (`total_cmp`), then the goal first, then the order pushed;
        /// and gives its cost back bit for bit.
        #[test]
        fn a_heap_key_orders_as_cost_then_goal_then_push(
            a in (cost(), any::<bool>(), 0u64..1 << 63),
            b in (cost(), any::<bool>(), 0u64..1 << 63),
        ) {
            let key = |(c, g, s): (f64, bool, u64)| HeapKey::new(c, g, s);
            let expected = a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2));
            prop_assert_eq!(key(a).cmp(&key(b)), expected);
            prop_assert_eq!(key(a).cost().to_bits(), a.0.to_bits());
        }
    }

    /// The chain plus a detour through a warehouse in region A: factory → depot → hospital,
    /// with a link to the depot per lead time in `to_depot` (links 1, 2, …) and then one on.
    fn via_depot(to_depot: &[f64], onward: f64) -> Model {
        let mut extra =
            String::from("[[node]]\nid = \"depot\"\nkind = \"warehouse\"\nregion = \"A\"\n");
        let link = |id: String, from: &str, to: &str, days: f64| {
            format!(
                "[[link]]\nid = \"{id}\"\nfrom = \"{from}\"\nto = \"{to}\"\n\
                 lead_time_days = {{ dist = \"fixed\", value = {days} }}\n"
            )
        };
        for (k, &days) in to_depot.iter().enumerate() {
            extra += &link(format!("to-depot-{k}"), "factory", "depot", days);
        }
        extra += &link("depot-hospital".into(), "depot", "hospital", onward);
        let (toml, csv) = chain(20, 100, 1000, 10, 0, &extra);
        with_files(&toml, None, &[("demand.csv", &csv)])
    }

    /// A trip with every link open.
    fn trip(levels: &[RiskLevel], day: u32, item: ItemId, from: NodeId, to: NodeId) -> Trip<'_> {
        Trip {
            day,
            item,
            from,
            to,
            closed: None,
            levels,
        }
    }

    /// Every region's level on day 0.
    fn day0(m: &Model) -> Vec<RiskLevel> {
        m.regions.iter().map(|r| r.risk[0].1).collect()
    }

    fn with_detour() -> Model {
        via_depot(&[0.25], 1.0)
    }

    #[test]
    fn takes_the_shortest_expected_time_and_the_green_channel_changes_it() {
        let mut m = with_detour();
        let mask = item(&m, "mask");
        let (f, h) = (0, 1);
        let (cost, path) = shortest_path(&m, &trip(&day0(&m), 0, mask, f, h)).unwrap();
        assert_eq!(path, vec![0], "direct road, 1 day");
        assert!((cost - 1.0).abs() < 1e-12);
        // Make the direct road slower than the detour; checkpoints hit both equally.
        m.links.props_mut(0).lead_time = Dist::fixed(1.5);
        m.risk[RiskLevel::High as usize].checkpoint_hours = Dist::fixed(12.0);
        let (cost, path) = shortest_path(&m, &trip(&day0(&m), 0, mask, f, h)).unwrap();
        assert_eq!(path, vec![1, 2]);
        assert!((cost - 1.75).abs() < 1e-12, "{cost}");
        // Green channel only on the direct road: it becomes fastest.
        m.green.enabled = true;
        m.green.links = Some(vec![0]);
        let (cost, path) = shortest_path(&m, &trip(&day0(&m), 0, mask, f, h)).unwrap();
        assert_eq!(path, vec![0]);
        assert!((cost - 1.5).abs() < 1e-12);
    }

    #[test]
    fn among_parallel_links_the_fastest_is_taken_ties_to_the_first_defined() {
        // Links 1, 2 and 3 join the factory to the depot (the road is link 0 and the depot's
        // road to the hospital link 4, after them).
        let mut m = via_depot(&[0.5, 0.5, 0.5], 0.25);
        let mask = item(&m, "mask");
        let depot = m.nodes.iter().position(|n| n.id == "depot").unwrap();
        let route = |m: &Model, to| shortest_path(m, &trip(&day0(m), 0, mask, 0, to)).unwrap().1;
        // The network lists a node's links newest first; the tie still goes to the first.
        assert_eq!(route(&m, depot), vec![1]);
        assert_eq!(route(&m, 1), vec![1, 4], "0.75 days through the depot");
        m.links.props_mut(2).lead_time = Dist::fixed(0.4);
        assert_eq!(route(&m, depot), vec![2]);
        m.links.props_mut(3).lead_time = Dist::fixed(0.3);
        assert_eq!(route(&m, 1), vec![3, 4]);
    }

    #[test]
    fn a_pinned_route_overrides_the_search() {
        let mut m = with_detour();
        m.pinned_routes.insert((0, 1), vec![1, 2]);
        assert_eq!(
            shortest_path(&m, &trip(&day0(&m), 0, item(&m, "mask"), 0, 1))
                .unwrap()
                .1,
            vec![1, 2]
        );
    }

    /// Lead times (days, less the 1-tick decision delay) of the masks delivered to region B,
    /// in arrival order.
    fn leads(m: &Model) -> Vec<f64> {
        let r = run(m, 0);
        let t = &r.transport[item(m, "mask") * r.slots + region(m, "B")];
        let tick = 1.0 / TICKS_PER_DAY as f64;
        t.lead_times.iter().map(|l| l - tick).collect()
    }

    /// How many of `leads` are `days`.
    fn count(leads: &[f64], days: f64) -> usize {
        leads.iter().filter(|&&l| (l - days).abs() < 1e-9).count()
    }

    #[test]
    fn a_closed_link_is_avoided_while_closed_and_used_again_when_it_reopens() {
        // The road takes 1 day; the detour through the depot 1.25.
        let mut m = via_depot(&[0.25], 1.0);
        for r in &mut m.risk {
            r.checkpoint_hours = Dist::fixed(0.0);
        }
        m.disruptions.push(crate::model::Disruption {
            link: 0,
            day: 5,
            days: 5.0,
        });
        let l = leads(&m);
        assert_eq!(count(&l, 1.25), 5, "days 5-9 go round: {l:?}");
        assert_eq!(
            count(&l, 6.0),
            1,
            "what left on day 4 is stalled on the road"
        );
        assert_eq!(
            count(&l, 1.0),
            l.len() - 6,
            "the road again once open: {l:?}"
        );
        // A pinned route is fixed: it waits for the road to reopen.
        m.pinned_routes.insert((0, 1), vec![0]);
        let pinned = leads(&m);
        assert_eq!(count(&pinned, 1.25), 0);
        assert!(
            pinned.iter().filter(|&&x| x > 1.5).count() >= 5,
            "what is dispatched while closed waits: {pinned:?}"
        );
    }

    #[test]
    fn random_closures_are_avoided_too() {
        let mut m = via_depot(&[0.25], 1.0);
        m.links.props_mut(0).closure_rate = 0.2;
        m.links.props_mut(0).closure_days = Dist::fixed(3.0);
        let l = leads(&m);
        assert!(
            l.iter().any(|&x| (x - 1.25).abs() < 0.5 && x > 1.2),
            "some go round while the road is closed: {l:?}"
        );
        assert!(
            l.iter().filter(|&&x| x > 2.0).count() <= 3,
            "few wait: {l:?}"
        );
    }

    /// Factory (A) to hospital (B) by the 1-day road, or by a depot in region C: 0.25 + 0.5
    /// days and C's checkpoint. Checkpoints: 12 h at high risk, none at low.
    fn via_region_c(c_risk: &str, green: &str) -> Model {
        let extra = format!(
            r#"
[[region]]
id = "C"
risk = {c_risk}

[[node]]
id = "depot"
kind = "warehouse"
region = "C"

[[link]]
id = "to-depot"
from = "factory"
to = "depot"
lead_time_days = {{ dist = "fixed", value = 0.25 }}

[[link]]
id = "depot-hospital"
from = "depot"
to = "hospital"
lead_time_days = {{ dist = "fixed", value = 0.5 }}
{green}
"#
        );
        let (toml, csv) = chain(20, 100, 1_000_000, 100, 0, &extra);
        let mut m = with_files(&toml, None, &[("demand.csv", &csv)]);
        for (r, h) in m.risk.iter_mut().zip([0.0, 0.0, 12.0]) {
            r.checkpoint_hours = Dist::fixed(h);
        }
        m
    }

    #[test]
    fn a_risk_level_change_moves_the_route() {
        // While C is low the detour is faster (1.25 against 1.5 days, both entering high-risk
        // B); from day 10, C's checkpoint makes it 1.75 and the road is taken.
        let risk = r#"[{ day = 0, level = "low" }, { day = 10, level = "high" }]"#;
        let l = leads(&via_region_c(risk, ""));
        assert_eq!(count(&l, 1.25), 10, "{l:?}");
        assert_eq!(count(&l, 1.5), l.len() - 10, "{l:?}");
        assert!((l[0] - 1.25).abs() < 1e-9 && (l[l.len() - 1] - 1.5).abs() < 1e-9);
    }

    #[test]
    fn a_trip_the_channel_lets_through_every_checkpoint_ignores_the_levels() {
        let green = "\n[green_channel]\nenabled = true\nstart_day = 0\n";
        let mut m = via_region_c(r#"[{ day = 0, level = "low" }]"#, green);
        let mask = item(&m, "mask");
        let low = day0(&m);
        let high = vec![RiskLevel::High; low.len()];
        let ignores =
            |m: &Model, levels| TripCosts::new(m, &trip(levels, 0, mask, 0, 1)).ignores_levels();
        assert!(ignores(&m, &low));
        // Its route and cost are what a search under other levels gives (which sharing it
        // across route keys relies on).
        let route = |m: &Model, levels| shortest_path(m, &trip(levels, 0, mask, 0, 1));
        assert_eq!(route(&m, &low), route(&m, &high));
        // Once the channel lists its links, the others' checkpoints count again.
        m.green.links = Some(vec![0]);
        assert!(!ignores(&m, &low));
        m.green.links = None;
        m.green.routing = false;
        assert!(!ignores(&m, &low));
    }

    #[test]
    fn the_green_channel_start_moves_the_route_unless_routing_ignores_it() {
        // The channel opens on day 10 on the road only: the road skips B's checkpoint (1 day)
        // and beats the detour (1.25).
        let risk = r#"[{ day = 0, level = "low" }]"#;
        let green = r#"
[green_channel]
enabled = true
start_day = 10
links = ["road"]
capacity_priority = false
"#;
        let mut m = via_region_c(risk, green);
        let l = leads(&m);
        assert_eq!(count(&l, 1.25), 10, "{l:?}");
        assert_eq!(count(&l, 1.0), l.len() - 10, "{l:?}");
        // Routes that ignore the channel stay on the detour, which it does not cover.
        m.green.routing = false;
        let l = leads(&m);
        assert_eq!(count(&l, 1.25), l.len(), "{l:?}");
    }
}
