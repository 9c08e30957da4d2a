//! The transport links: a `[[link]]` is an edge of the [`Network`]; a `[[link_group]]` (every
//! node of one set to every node of another) is kept as that rule, so that its links cost
//! nothing each. A group of 455,000 links was 9 MB of edges, a seventh of a `layered-2000` run to
//! build and page in, and all of it is answered from the two sets.
//!
//! Link ids run through the `[[link]]`s in order, then through each group, origin by origin
//! and destination by destination. Every question is answered as if each link were an edge
//! added in id order: [`Links::out`] and [`Links::between`] give the newest link first, as a
//! petgraph adjacency list does, so routes break ties the same way.

use super::{Dist, LinkId, NodeId, RegionId};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

/// The network of `[[link]]`s: vertices carry node ids, and edge `i` is link `i`, its weight
/// the index of the link's [`LinkSpec`] (edges are added in link order and never removed).
pub type Network = DiGraph<NodeId, u32>;

/// A link's mode, lead time, capacity and closures.
#[derive(Debug, Clone)]
pub struct LinkProps {
    /// Mode (road, rail, air, ferry and road), when the scenario says; none is a road.
    pub mode: Option<crate::scenario::raw::TransportMode>,
    /// Lead time (days), with a positive minimum.
    pub lead_time: Dist,
    /// Trucks per day schedule; empty is unlimited.
    pub capacity: Vec<(u32, f64)>,
    /// Random closure probability per day.
    pub closure_rate: f64,
    /// Closure duration (days).
    pub closure_days: Dist,
    /// Its own ordinary freight, trucks per day (None = the national default).
    pub background: Option<Vec<(u32, f64)>>,
    /// Toll per truck, waived for green-channel vehicles.
    pub toll_per_truck: f64,
    /// Haulage cost per truck, tolls aside.
    pub cost_per_truck: f64,
}

/// What links share: everything but their ends. A `[[link]]` has its own; the links of a
/// `[[link_group]]` share one per set of checkpoints (one within a region, one per destination
/// region).
#[derive(Debug, Clone)]
pub struct LinkSpec {
    /// The link's name; empty for the links of a `[[link_group]]`, whose name is `from->to`
    /// (see [`super::Model::link_name`]).
    pub id: Box<str>,
    /// Mode, lead time, capacity and closures.
    pub props: LinkProps,
    /// Regions whose checkpoints a shipment passes: crossed regions and the destination's when it
    /// differs from the origin's.
    pub checkpoints: Box<[RegionId]>,
    /// Which way of its entry it is made for (an override of the entry changes both ways).
    pub way: Way,
}

/// Which way of a `[[link]]` entry a spec is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// The only one: a `[[link]]` without `both_ways`, or a `[[link_group]]`.
    One,
    /// The way there of a `[[link]]` with `both_ways`; its way back is the next spec.
    There,
    /// The way back (`ID:back`).
    Back,
}

/// A directed transport link: its ends.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    from: NodeId,
    to: NodeId,
}

impl Link {
    /// Origin node.
    pub fn from(&self) -> NodeId {
        self.from
    }

    /// Destination node.
    pub fn to(&self) -> NodeId {
        self.to
    }
}

/// One end of a group's links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct End {
    /// The node.
    pub node: NodeId,
    /// Its vertex of the network.
    pub vertex: NodeIndex,
    /// Its region.
    pub region: RegionId,
}

/// A `[[link_group]]`'s links: from every origin (a row) to every destination (a column) but
/// the origin itself.
#[derive(Debug, Clone)]
struct Group {
    /// The id of its first link.
    first: LinkId,
    from: Box<[End]>,
    to: Box<[End]>,
    /// Per row, the offset of its first link from `first`; then the number of links.
    row_start: Box<[usize]>,
    /// Per row, where its skipped columns (the origin's own, ascending) start in `skipped`;
    /// then their number.
    skip_start: Box<[usize]>,
    skipped: Box<[u32]>,
    /// Its specs: index 0 for a link within a region, `1 + r` for one into region `r`.
    specs: Box<[u32]>,
}

impl Group {
    fn skips(&self, row: usize) -> &[u32] {
        &self.skipped[self.skip_start[row]..self.skip_start[row + 1]]
    }

    /// The column of the `k`th link of `row`.
    fn column(&self, row: usize, k: usize) -> usize {
        let mut col = k;
        for &s in self.skips(row) {
            if s as usize <= col {
                col += 1;
            }
        }
        col
    }

    /// The id of the link from `row` to column `col` (not a skipped one).
    fn id(&self, row: usize, col: usize) -> LinkId {
        let before = self.skips(row).partition_point(|&s| (s as usize) < col);
        self.first + self.row_start[row] + col - before
    }

    fn spec(&self, row: usize, col: usize) -> u32 {
        let (a, b) = (self.from[row], self.to[col]);
        self.specs[if a.region == b.region {
            0
        } else {
            1 + b.region
        }]
    }

    /// The columns `row` has a link to, in id order.
    fn columns(&self, row: usize) -> impl DoubleEndedIterator<Item = usize> + '_ {
        let skips = self.skips(row);
        (0..self.to.len()).filter(move |&c| !skips.contains(&(c as u32)))
    }

    /// The links of `row`, newest first: (destination vertex, id).
    fn row_out(&self, row: usize) -> impl Iterator<Item = (NodeIndex, LinkId)> + '_ {
        let last = self.first + self.row_start[row + 1];
        self.columns(row)
            .rev()
            .enumerate()
            .map(move |(t, c)| (self.to[c].vertex, last - 1 - t))
    }
}

/// The transport links, by [`LinkId`]: the `[[link]]`s' edges of the [`Network`], the
/// `[[link_group]]`s as rules, and what links share, kept once.
#[derive(Debug, Clone)]
pub struct Links {
    graph: Network,
    groups: Vec<Group>,
    /// Per vertex, the group rows it is the origin of: (group, row), in id order.
    rows_of: Vec<Vec<(u32, u32)>>,
    /// Per vertex, the group columns it is the destination of: (group, column), in id order.
    cols_of: Vec<Vec<(u32, u32)>>,
    len: usize,
    specs: Vec<LinkSpec>,
    /// Per vertex of the network: the shortest mean lead time of its links out.
    fastest_out: Vec<f64>,
    /// Whether `fastest_out` still holds (no link's properties have changed since
    /// the links were added).
    fastest_known: bool,
}

/// Where a link is kept.
enum Place<'a> {
    /// An edge of the network.
    Edge(&'a petgraph::graph::Edge<u32>),
    /// Row and column of a group.
    Group(&'a Group, usize, usize),
}

/// Notes in `fastest_out` a link out of `v` with mean lead time `lead`: as links are added, and
/// when they are all gone through again ([`Links::change_specs`]).
fn lower_fastest_out(fastest_out: &mut [f64], v: NodeIndex, lead: f64) {
    let fastest = &mut fastest_out[v.index()];
    *fastest = fastest.min(lead);
}

/// The mean lead time of a group's links, whose specs are `of` (`u32::MAX` for none) in
/// `specs`: they differ in their checkpoints only, so its links share one lead time.
fn group_lead(specs: &[LinkSpec], of: &[u32]) -> f64 {
    of.iter()
        .filter(|&&s| s != u32::MAX)
        .map(|&s| specs[s as usize].props.lead_time.mean())
        .fold(f64::INFINITY, f64::min)
}

impl Links {
    /// Links to come between the vertices of `graph`, which has none yet.
    pub(crate) fn new(graph: Network) -> Links {
        debug_assert_eq!(graph.edge_count(), 0);
        let n = graph.node_count();
        Links {
            fastest_out: vec![f64::INFINITY; n],
            rows_of: vec![Vec::new(); n],
            cols_of: vec![Vec::new(); n],
            graph,
            groups: Vec::new(),
            len: 0,
            specs: Vec::new(),
            fastest_known: true,
        }
    }

    /// How many links there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn place(&self, l: LinkId) -> Place<'_> {
        let edges = self.graph.raw_edges();
        if l < edges.len() {
            return Place::Edge(&edges[l]);
        }
        assert!(l < self.len, "link {l} of {}", self.len);
        let g = &self.groups[self.groups.partition_point(|g| g.first <= l) - 1];
        let k = l - g.first;
        let row = g.row_start.partition_point(|&s| s <= k) - 1;
        Place::Group(g, row, g.column(row, k - g.row_start[row]))
    }

    /// Link `l`.
    pub fn get(&self, l: LinkId) -> Link {
        match self.place(l) {
            Place::Edge(e) => self.edge_link(e),
            Place::Group(g, row, col) => Link {
                from: g.from[row].node,
                to: g.to[col].node,
            },
        }
    }

    fn edge_link(&self, e: &petgraph::graph::Edge<u32>) -> Link {
        Link {
            from: self.graph[e.source()],
            to: self.graph[e.target()],
        }
    }

    /// The links in id order.
    pub fn iter(&self) -> impl Iterator<Item = Link> + '_ {
        let edges = self.graph.raw_edges().iter().map(|e| self.edge_link(e));
        let groups = self.groups.iter().flat_map(|g| {
            g.from.iter().enumerate().flat_map(move |(row, a)| {
                g.columns(row).map(move |c| Link {
                    from: a.node,
                    to: g.to[c].node,
                })
            })
        });
        edges.chain(groups)
    }

    /// The links out of vertex `v`, newest first: (destination vertex, link).
    pub fn out(&self, v: NodeIndex) -> impl Iterator<Item = (NodeIndex, LinkId)> + '_ {
        let groups = self.rows_of[v.index()]
            .iter()
            .rev()
            .flat_map(|&(g, row)| self.groups[g as usize].row_out(row as usize));
        let edges = self.graph.edges(v).map(|e| (e.target(), e.id().index()));
        groups.chain(edges)
    }

    /// The links from vertex `from` to vertex `to` of the network, newest first.
    pub fn between(&self, from: NodeIndex, to: NodeIndex) -> impl Iterator<Item = LinkId> + '_ {
        let cols = &self.cols_of[to.index()];
        let groups = self.rows_of[from.index()]
            .iter()
            .rev()
            .filter(move |_| from != to)
            .flat_map(move |&(g, row)| {
                cols.iter()
                    .rev()
                    .filter(move |&&(h, _)| h == g)
                    .map(move |&(_, col)| self.groups[g as usize].id(row as usize, col as usize))
            });
        let edges = self
            .graph
            .edges_connecting(from, to)
            .map(|e| e.id().index());
        groups.chain(edges)
    }

    /// A lower bound of the mean lead time of every link out of vertex `v` (the least of them,
    /// or minus infinity once a link's properties have been changed after building).
    pub fn fastest_out(&self, v: NodeIndex) -> f64 {
        if self.fastest_known {
            self.fastest_out[v.index()]
        } else {
            f64::NEG_INFINITY
        }
    }

    /// Where link `l`'s spec is kept. Inline for a `[[link]]` (its edge's weight, a lookup asked
    /// millions of times a run by routing and transport), out of line for a group's.
    #[inline]
    fn spec_index(&self, l: LinkId) -> usize {
        match self.graph.raw_edges().get(l) {
            Some(e) => e.weight as usize,
            None => self.group_spec_index(l),
        }
    }

    #[inline(never)]
    fn group_spec_index(&self, l: LinkId) -> usize {
        match self.place(l) {
            Place::Edge(e) => e.weight as usize,
            Place::Group(g, row, col) => g.spec(row, col) as usize,
        }
    }

    /// What link `l` shares with others.
    #[inline]
    pub fn spec(&self, l: LinkId) -> &LinkSpec {
        &self.specs[self.spec_index(l)]
    }

    /// Mode, lead time, capacity and closures of link `l`.
    #[inline]
    pub fn props(&self, l: LinkId) -> &LinkProps {
        &self.spec(l).props
    }

    /// Whether the properties of any link satisfy `f` (checked once per spec, not per link).
    pub fn any_props(&self, f: impl Fn(&LinkProps) -> bool) -> bool {
        self.specs.iter().any(|s| f(&s.props))
    }

    /// The regions whose checkpoints a shipment on link `l` passes.
    #[inline]
    pub fn checkpoints(&self, l: LinkId) -> &[RegionId] {
        &self.spec(l).checkpoints
    }

    /// The properties of link `l`, for changing them; they change for every link of its spec
    /// (only `l` itself when it is a `[[link]]`).
    pub fn props_mut(&mut self, l: LinkId) -> &mut LinkProps {
        self.fastest_known = false;
        let spec = self.spec_index(l);
        &mut self.specs[spec].props
    }

    /// The index of the spec named `id`: a `[[link]]`'s (a group's specs have no name).
    pub(crate) fn spec_named(&self, id: &str) -> Option<usize> {
        self.specs.iter().position(|s| &*s.id == id)
    }

    /// The index of the spec of the `n`-th `[[link]]` entry (its way there, when it goes both
    /// ways): entries add their edges, in order, before any group's links.
    pub(crate) fn entry_spec(&self, n: usize) -> Option<usize> {
        self.graph
            .raw_edges()
            .iter()
            .map(|e| e.weight as usize)
            .filter(|&k| self.specs[k].way != Way::Back)
            .nth(n)
    }

    /// The specs of the `g`-th group (its links into each region), if there is one.
    pub(crate) fn group_specs(&self, g: usize) -> Option<impl Iterator<Item = usize> + '_> {
        let group = self.groups.get(g)?;
        Some(
            group
                .specs
                .iter()
                .filter(|&&s| s != u32::MAX)
                .map(|&s| s as usize),
        )
    }

    /// Spec `k` (see [`Links::spec_named`]), if there is one.
    pub(crate) fn spec_at(&self, k: usize) -> Option<&LinkSpec> {
        self.specs.get(k)
    }

    /// Changes the properties of specs `specs`. Unlike [`Links::props_mut`], the fastest links
    /// out of each vertex still hold afterwards: found again when `change` moved a spec's mean
    /// lead time.
    pub(crate) fn change_specs(&mut self, specs: &[usize], change: impl Fn(&mut LinkProps)) {
        let mut moved = false;
        for &k in specs {
            let props = &mut self.specs[k].props;
            let lead = props.lead_time.mean();
            change(props);
            moved |= props.lead_time.mean().to_bits() != lead.to_bits();
        }
        if moved {
            self.find_fastest_out();
        }
    }

    /// Finds the fastest link out of every vertex again, as adding the links found it (the
    /// least of the same means, so the same values).
    fn find_fastest_out(&mut self) {
        self.fastest_out.fill(f64::INFINITY);
        for e in self.graph.raw_edges() {
            let lead = self.specs[e.weight as usize].props.lead_time.mean();
            lower_fastest_out(&mut self.fastest_out, e.source(), lead);
        }
        for g in &self.groups {
            let lead = group_lead(&self.specs, &g.specs);
            for (row, a) in g.from.iter().enumerate() {
                if g.row_start[row + 1] > g.row_start[row] {
                    lower_fastest_out(&mut self.fastest_out, a.vertex, lead);
                }
            }
        }
    }

    /// Adds a spec for links to come; returns its index.
    pub(crate) fn add_spec(&mut self, spec: LinkSpec) -> u32 {
        self.specs.push(spec);
        (self.specs.len() - 1) as u32
    }

    /// Adds a link between two vertices of the network with spec `spec`; returns its id. Every
    /// `[[link]]` comes before the first group.
    pub(crate) fn push(&mut self, from: NodeIndex, to: NodeIndex, spec: u32) -> LinkId {
        assert!(self.groups.is_empty(), "links come before groups");
        let lead = self.specs[spec as usize].props.lead_time.mean();
        lower_fastest_out(&mut self.fastest_out, from, lead);
        self.len += 1;
        self.graph.add_edge(from, to, spec).index()
    }

    /// Adds a group's links: from every end of `from` to every end of `to` but itself, with
    /// spec `specs[0]` within a region and `specs[1 + r]` into region `r` (`specs` has an entry
    /// for every region some link of the group goes into; `u32::MAX` where none does).
    pub(crate) fn push_group(&mut self, from: Vec<End>, to: Vec<End>, specs: Vec<u32>) {
        let g = self.groups.len() as u32;
        let lead = group_lead(&self.specs, &specs);
        let (mut row_start, mut skip_start, mut skipped) = (vec![0], vec![0], Vec::new());
        // The destinations by node, so each origin finds the columns that are itself without
        // reading every destination: a group costs its two sets, not their product.
        let mut cols: Vec<(NodeId, u32)> = to
            .iter()
            .enumerate()
            .map(|(c, b)| (b.node, c as u32))
            .collect();
        cols.sort_unstable();
        for (row, a) in from.iter().enumerate() {
            let first = cols.partition_point(|&(n, _)| n < a.node);
            skipped.extend(
                cols[first..]
                    .iter()
                    .take_while(|&&(n, _)| n == a.node)
                    .map(|&(_, c)| c),
            );
            skip_start.push(skipped.len());
            let links = to.len() - (skipped.len() - skip_start[row]);
            row_start.push(row_start[row] + links);
            self.rows_of[a.vertex.index()].push((g, row as u32));
            if links > 0 {
                lower_fastest_out(&mut self.fastest_out, a.vertex, lead);
            }
        }
        for (col, b) in to.iter().enumerate() {
            self.cols_of[b.vertex.index()].push((g, col as u32));
        }
        let group = Group {
            first: self.len,
            from: from.into(),
            to: to.into(),
            row_start: row_start.into(),
            skip_start: skip_start.into(),
            skipped: skipped.into(),
            specs: specs.into(),
        };
        self.len += group.row_start[group.from.len()];
        self.groups.push(group);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A spec whose lead time tells it apart.
    fn spec(lead: f64, checkpoints: Vec<RegionId>) -> LinkSpec {
        LinkSpec {
            id: Box::default(),
            way: Way::One,
            props: LinkProps {
                mode: Some(crate::scenario::raw::TransportMode::Road),
                lead_time: Dist::fixed(lead),
                capacity: Vec::new(),
                closure_rate: 0.0,
                closure_days: Dist::fixed(1.0),
                background: None,
                toll_per_truck: 0.0,
                cost_per_truck: 0.0,
            },
            checkpoints: checkpoints.into(),
        }
    }

    #[test]
    fn a_change_keeps_the_fastest_links_known() {
        let [mut links, _] = both(3, &[(0, 1), (1, 2), (1, 0)], &[]);
        let v = NodeIndex::new(1);
        assert_eq!(links.fastest_out(v), 2.0);
        links.change_specs(&[1], |p| p.toll_per_truck = 50.0);
        assert_eq!(links.fastest_out(v), 2.0, "a toll leaves lead times alone");
        assert_eq!(links.spec_at(1).unwrap().props.toll_per_truck, 50.0);
        links.change_specs(&[1], |p| p.lead_time = Dist::fixed(0.5));
        assert_eq!(links.fastest_out(v), 0.5, "a faster link");
        links.change_specs(&[1], |p| p.lead_time = Dist::fixed(9.0));
        assert_eq!(
            links.fastest_out(v),
            3.0,
            "the other link out is now the fastest"
        );
        assert_eq!(links.fastest_out(NodeIndex::new(0)), 1.0);
    }

    /// Links over `nodes` vertices (node `i` in region `i % 3`): `edges` as `[[link]]`s, then
    /// `groups` (origin and destination sets, repeats allowed), kept as rules by one and as an
    /// edge per link by the other.
    fn both(
        nodes: usize,
        edges: &[(usize, usize)],
        groups: &[(Vec<usize>, Vec<usize>)],
    ) -> [Links; 2] {
        let mut graph = Network::new();
        let vertices: Vec<NodeIndex> = (0..nodes).map(|n| graph.add_node(n)).collect();
        let end = |n: usize| End {
            node: n,
            vertex: vertices[n],
            region: n % 3,
        };
        let (mut rules, mut edges_only) = (Links::new(graph.clone()), Links::new(graph));
        for (i, &(a, b)) in edges.iter().enumerate() {
            for links in [&mut rules, &mut edges_only] {
                let s = links.add_spec(spec(1.0 + i as f64, vec![]));
                links.push(vertices[a], vertices[b], s);
            }
        }
        let mut later = Vec::new();
        for (g, (from, to)) in groups.iter().enumerate() {
            let specs: Vec<u32> = (0..4)
                .map(|slot| {
                    let s = spec(
                        0.5 + g as f64,
                        (slot > 0).then(|| slot - 1).into_iter().collect(),
                    );
                    edges_only.add_spec(s.clone());
                    rules.add_spec(s)
                })
                .collect();
            for &a in from {
                for &b in to {
                    if a != b {
                        let slot = if a % 3 == b % 3 { 0 } else { 1 + b % 3 };
                        later.push((vertices[a], vertices[b], specs[slot]));
                    }
                }
            }
            rules.push_group(
                from.iter().map(|&n| end(n)).collect(),
                to.iter().map(|&n| end(n)).collect(),
                specs,
            );
        }
        // The edge-per-link side adds its group links after every spec, as `push` wants no
        // group before it; the ids are the same.
        for (a, b, s) in later {
            edges_only.push(a, b, s);
        }
        [rules, edges_only]
    }

    fn set() -> impl Strategy<Value = Vec<usize>> {
        proptest::collection::vec(0usize..6, 1..5)
    }

    proptest! {
        /// A group kept as a rule answers every question as its links would as edges.
        #[test]
        fn a_group_answers_as_its_links_would(
            edges in proptest::collection::vec((0usize..6, 0usize..6), 0..4)
                .prop_map(|e| e.into_iter().filter(|(a, b)| a != b).collect::<Vec<_>>()),
            groups in proptest::collection::vec((set(), set()), 0..4),
            changed in 0usize..8,
            lead in 0.1f64..5.0,
        ) {
            let [mut rules, edges_only] = both(6, &edges, &groups);
            prop_assert_eq!(rules.len(), edges_only.len());
            let ends = |l: &Links| l.iter().map(|k| (k.from(), k.to())).collect::<Vec<_>>();
            prop_assert_eq!(ends(&rules), ends(&edges_only));
            for l in 0..rules.len() {
                let (a, b) = (rules.get(l), edges_only.get(l));
                prop_assert_eq!((a.from(), a.to()), (b.from(), b.to()));
                prop_assert_eq!(rules.checkpoints(l), edges_only.checkpoints(l));
                prop_assert_eq!(rules.props(l).lead_time.mean(), edges_only.props(l).lead_time.mean());
            }
            for v in (0..6).map(NodeIndex::new) {
                prop_assert_eq!(rules.out(v).collect::<Vec<_>>(), edges_only.out(v).collect::<Vec<_>>());
                prop_assert_eq!(rules.fastest_out(v), edges_only.fastest_out(v));
                for w in (0..6).map(NodeIndex::new) {
                    prop_assert_eq!(
                        rules.between(v, w).collect::<Vec<_>>(),
                        edges_only.between(v, w).collect::<Vec<_>>()
                    );
                }
            }
            // A `[[link]]`'s lead time changes, or a group's (all its specs at once): each
            // vertex's fastest link out is still the least mean lead time of its links out.
            let specs: Vec<usize> = match changed.checked_sub(edges.len()) {
                None => vec![changed],
                Some(g) => rules.group_specs(g).into_iter().flatten().collect(),
            };
            if !specs.is_empty() {
                rules.change_specs(&specs, |p| p.lead_time = Dist::fixed(lead));
                for v in (0..6).map(NodeIndex::new) {
                    let least = rules
                        .out(v)
                        .map(|(_, l)| rules.props(l).lead_time.mean())
                        .fold(f64::INFINITY, f64::min);
                    prop_assert_eq!(rules.fastest_out(v), least);
                }
            }
        }
    }
}
