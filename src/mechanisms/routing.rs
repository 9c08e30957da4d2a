//! Routing: the shortest expected-time path over the petgraph network (mean lead time plus mean
//! checkpoint waits, which the green channel removes for eligible shipments), or a pinned route.
//! Routes are cached until a risk level or the green channel changes.

use crate::engine::Sim;
use crate::model::{ItemId, LinkId, Model, NodeId};

/// Expected days to traverse `link` for a shipment of `item` from `origin`'s region to `dest`.
pub fn expected_days(m: &Model, day: u32, item: ItemId, origin: NodeId, dest: NodeId, link: LinkId) -> f64 {
    let l = &m.links[link];
    let (o, d) = (m.nodes[origin].region, m.nodes[dest].region);
    let bypass = m.green.bypass_checkpoints && m.green.eligible(day, item, o, d, link);
    let waits: f64 = if bypass {
        0.0
    } else {
        l.checkpoints
            .iter()
            .map(|&r| m.risk[m.regions[r].risk_on(day) as usize].checkpoint_hours.mean() / 24.0)
            .sum()
    };
    l.lead_time.mean() + waits
}

/// The fastest path from `from` to `to` on `day` for `item`, as links; None if unreachable.
pub fn shortest_path(m: &Model, day: u32, item: ItemId, from: NodeId, to: NodeId) -> Option<(f64, Vec<LinkId>)> {
    if let Some(p) = m.pinned_routes.get(&(from, to)) {
        let cost = p.iter().map(|&l| expected_days(m, day, item, from, to, l)).sum();
        return Some((cost, p.clone()));
    }
    let (cost, vertices) = petgraph::algo::astar(
        &m.graph,
        m.nodes[from].vertex,
        |v| v == m.nodes[to].vertex,
        |e| expected_days(m, day, item, from, to, *e.weight()),
        |_| 0.0,
    )?;
    let links = vertices
        .windows(2)
        .map(|w| {
            // Among parallel links pick the fastest, ties to the first defined.
            m.graph
                .edges_connecting(w[0], w[1])
                .map(|e| *e.weight())
                .min_by(|&a, &b| {
                    expected_days(m, day, item, from, to, a)
                        .total_cmp(&expected_days(m, day, item, from, to, b))
                        .then(a.cmp(&b))
                })
                .expect("astar returned consecutive vertices joined by an edge")
        })
        .collect();
    Some((cost, links))
}

impl Sim<'_> {
    /// The route for a shipment, from the cache when the world has not changed.
    pub(crate) fn route(&mut self, from: NodeId, to: NodeId, item: ItemId) -> Option<Vec<LinkId>> {
        let day = self.day();
        let epoch = (
            self.m.regions.iter().map(|r| r.risk_on(day) as u8).collect::<Vec<_>>(),
            self.m.green.active(day),
        );
        if epoch != self.route_epoch {
            self.routes.clear();
            self.route_epoch = epoch;
        }
        if let Some(r) = self.routes.get(&(from, to, item)) {
            return Some(r.clone());
        }
        let (_, path) = shortest_path(self.m, day, item, from, to)?;
        self.routes.insert((from, to, item), path.clone());
        Some(path)
    }
}
