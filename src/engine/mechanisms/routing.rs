//! Routing: the shortest expected-time path over the petgraph network (mean lead time plus mean
//! checkpoint waits, which the green channel removes for eligible shipments), or a pinned route.
//! Routes are cached until a risk level or the green channel changes.

use crate::engine::{Route, Sim};
use crate::model::{ItemId, LinkId, Model, NodeId, RiskLevel};
use crate::util::FastMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

/// Key of a cached route: (levels key, from, to, item); the levels key is [`Sim::route_key`].
type RouteKey = (usize, NodeId, NodeId, ItemId);

/// Key of a cached ranking of dispatch sources: (levels key, hospital, item).
type SourcesKey = (usize, NodeId, ItemId);

/// Routes, and dispatch sources ranked by route, shared by the replications of one model. A
/// route depends only on the network, the item, every region's risk level and whether the
/// green channel is open (a level schedule may differ by replication when it follows a drawn
/// epidemic, so the key is a hash of the levels, not a count of changes), so every
/// replication may reuse what another found: the outputs are the same whichever thread finds
/// a route first.
#[derive(Debug, Default)]
pub struct RouteCache {
    routes: Shared<RouteKey, Option<Route>>,
    sources: Shared<SourcesKey, Arc<[NodeId]>>,
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
    /// The ranking of dispatch sources for (epoch, hospital, item), or `rank`'s, kept.
    pub(in crate::engine) fn sources(
        &self,
        key: SourcesKey,
        rank: impl FnOnce() -> Arc<[NodeId]>,
    ) -> Arc<[NodeId]> {
        self.sources.get_or_find(key, rank)
    }
}

impl Clone for RouteCache {
    /// A clone starts empty (the cache is derived data; a clone may be changed as a variant).
    fn clone(&self) -> RouteCache {
        RouteCache::default()
    }
}

/// Expected days to traverse `link` for a shipment of `item` from `origin`'s region to `dest`.
pub fn expected_days(
    m: &Model,
    levels: &[RiskLevel],
    day: u32,
    item: ItemId,
    origin: NodeId,
    dest: NodeId,
    link: LinkId,
) -> f64 {
    let l = m.links.spec(link);
    let (o, d) = (m.nodes[origin].region, m.nodes[dest].region);
    let bypass = m.green.bypass_checkpoints && m.green.eligible(day, item, o, d, link);
    let waits: f64 = if bypass {
        0.0
    } else {
        l.checkpoints
            .iter()
            .map(|&r| m.risk[levels[r] as usize].checkpoint_hours.mean() / 24.0)
            .sum()
    };
    l.props.lead_time.mean() + waits
}

/// The fastest path from `from` to `to` on `day` for `item`, with every region at its level in
/// `levels`, as links; None if unreachable.
pub fn shortest_path(
    m: &Model,
    levels: &[RiskLevel],
    day: u32,
    item: ItemId,
    from: NodeId,
    to: NodeId,
) -> Option<(f64, Vec<LinkId>)> {
    if let Some(p) = m.pinned_routes.get(&(from, to)) {
        let cost = p
            .iter()
            .map(|&l| expected_days(m, levels, day, item, from, to, l))
            .sum();
        return Some((cost, p.clone()));
    }
    dijkstra(m, levels, day, item, from, to)
}

/// Shortest expected-time path from `from` to `to` as links. At equal cost the destination is
/// taken first, so a direct link in a large all-to-all group is found without expanding the
/// group's other nodes. Among parallel links the fastest is taken, ties to the first defined.
fn dijkstra(
    m: &Model,
    levels: &[RiskLevel],
    day: u32,
    item: ItemId,
    from: NodeId,
    to: NodeId,
) -> Option<(f64, Vec<LinkId>)> {
    use std::cmp::Reverse;
    use std::collections::{BTreeMap, BinaryHeap};
    /// Heap key: cost, then the destination before others, then first pushed first.
    #[derive(PartialEq)]
    struct Key(f64, bool, Reverse<u64>);
    impl Eq for Key {}
    impl PartialOrd for Key {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Key {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            // Max-heap: smaller cost is greater.
            o.0.total_cmp(&self.0)
                .then(self.1.cmp(&o.1))
                .then(self.2.cmp(&o.2))
        }
    }
    let (start, goal) = (m.nodes[from].vertex, m.nodes[to].vertex);
    type Vertex = petgraph::graph::NodeIndex;
    /// How a vertex is reached: the vertex before, the link, its days.
    type Step = (Vertex, LinkId, f64);
    // The best cost of each vertex reached, and its last step.
    let mut best: BTreeMap<Vertex, (f64, Option<Step>)> = BTreeMap::new();
    let mut done = std::collections::BTreeSet::new();
    let mut heap = BinaryHeap::new();
    let mut seq = 0u64;
    // The links from the vertex being expanded to the goal.
    let mut to_goal = Vec::new();
    best.insert(start, (0.0, None));
    heap.push((Key(0.0, start == goal, Reverse(seq)), start));
    while let Some((Key(cost, _, _), v)) = heap.pop() {
        if !done.insert(v) {
            continue;
        }
        if v == goal {
            let mut path = Vec::new();
            let mut at = v;
            while let Some(&(_, Some((p, l, _)))) = best.get(&at) {
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
            .map(|&l| cost + expected_days(m, levels, day, item, from, to, l))
            .fold(best.get(&goal).map_or(f64::INFINITY, |b| b.0), f64::min);
        let mut relax = |w: Vertex, l: LinkId| {
            // The lead time is a lower bound of the link's cost (waits are never negative).
            let beyond = |c: f64| w != goal && c >= bound;
            if beyond(cost + m.links.props(l).lead_time.mean()) || done.contains(&w) {
                return;
            }
            let days = expected_days(m, levels, day, item, from, to, l);
            let c = cost + days;
            if beyond(c) {
                return;
            }
            match best.get_mut(&w) {
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
                _ => {
                    best.insert(w, (c, Some((v, l, days))));
                    seq += 1;
                    heap.push((Key(c, w == goal, Reverse(seq)), w));
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
    /// green channel has changed since they were filled.
    pub(in crate::engine) fn sync_route_epoch(&mut self) {
        let day = self.day();
        let epoch = self.route_changes.partition_point(|&d| d <= day);
        if epoch != self.route_epoch {
            self.routes.clear();
            self.nearest_sources.clear();
            self.route_epoch = epoch;
            self.route_levels = (0..self.m.regions.len())
                .map(|r| self.level_on(r, day))
                .collect();
            let mut h = std::hash::DefaultHasher::new();
            (&self.route_levels, self.m.green.active(day)).hash(&mut h);
            self.route_key = h.finish() as usize;
        }
    }

    /// The route for a shipment and its expected days, from the cache when the world has not
    /// changed (unreachable pairs are cached too).
    pub(in crate::engine) fn route(
        &mut self,
        from: NodeId,
        to: NodeId,
        item: ItemId,
    ) -> Option<crate::engine::Route> {
        let day = self.day();
        self.sync_route_epoch();
        let (m, ctx, key, levels) = (self.m, self.ctx, self.route_key, &self.route_levels);
        self.routes
            .entry((from, to, item))
            .or_insert_with(|| {
                ctx.routes.routes.get_or_find((key, from, to, item), || {
                    shortest_path(m, levels, day, item, from, to).map(|(c, p)| (c, p.into()))
                })
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, RiskLevel};
    use crate::testutil::*;

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
        let (toml, csv) = chain(10, 100, 1000, 10, 0, &extra);
        with_files(&toml, None, &[("demand.csv", &csv)])
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
        let (cost, path) = shortest_path(&m, &day0(&m), 0, mask, f, h).unwrap();
        assert_eq!(path, vec![0], "direct road, 1 day");
        assert!((cost - 1.0).abs() < 1e-12);
        // Make the direct road slower than the detour; checkpoints hit both equally.
        m.links.props_mut(0).lead_time = Dist::fixed(1.5);
        m.risk[RiskLevel::High as usize].checkpoint_hours = Dist::fixed(12.0);
        let (cost, path) = shortest_path(&m, &day0(&m), 0, mask, f, h).unwrap();
        assert_eq!(path, vec![1, 2]);
        assert!((cost - 1.75).abs() < 1e-12, "{cost}");
        // Green channel only on the direct road: it becomes fastest.
        m.green.enabled = true;
        m.green.links = Some(vec![0]);
        let (cost, path) = shortest_path(&m, &day0(&m), 0, mask, f, h).unwrap();
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
        let route = |m: &Model, to| shortest_path(m, &day0(m), 0, mask, 0, to).unwrap().1;
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
            shortest_path(&m, &day0(&m), 0, item(&m, "mask"), 0, 1)
                .unwrap()
                .1,
            vec![1, 2]
        );
    }
}
