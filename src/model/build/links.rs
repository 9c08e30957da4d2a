//! Builds `[[link]]` (with `both_ways` reverses) and `[[link_group]]` (every node of one set to
//! every node of another, kept as that rule).

use super::{Builder, NameMap, Names};
use crate::model::links::{End, Way};
use crate::model::{Dist, LinkProps, LinkSpec, Links, Network, Node, NodeId, RegionId};
use crate::scenario::location::ToPath;
use crate::scenario::raw::{
    DistSpec, RawCapacityStep, RawLink, RawLinkGroup, RawScenario, RawTrucksStep, TransportMode,
};
use std::collections::BTreeMap;

/// The fields a `[[link]]` and a `[[link_group]]` share.
struct LinkFields<'a> {
    mode: Option<TransportMode>,
    lead_time_days: &'a DistSpec,
    capacity: &'a [RawCapacityStep],
    via: &'a [String],
    closure_rate: f64,
    closure_days: &'a Option<DistSpec>,
    background: &'a Option<Vec<RawTrucksStep>>,
    toll_per_truck: f64,
    cost_per_truck: f64,
}

impl<'a> LinkFields<'a> {
    fn of_link(link: &'a RawLink) -> Self {
        LinkFields {
            mode: link.mode,
            lead_time_days: &link.lead_time_days,
            capacity: &link.capacity,
            via: &link.via,
            closure_rate: link.closure_rate,
            closure_days: &link.closure_days,
            background: &link.background,
            toll_per_truck: link.toll_per_truck,
            cost_per_truck: link.cost_per_truck,
        }
    }

    fn of_group(group: &'a RawLinkGroup) -> Self {
        LinkFields {
            mode: group.mode,
            lead_time_days: &group.lead_time_days,
            capacity: &group.capacity,
            via: &group.via,
            closure_rate: group.closure_rate,
            closure_days: &group.closure_days,
            background: &group.background,
            toll_per_truck: group.toll_per_truck,
            cost_per_truck: group.cost_per_truck,
        }
    }
}

impl Builder<'_> {
    /// Every link, on the network of the nodes' vertices: the `[[link]]`s, then the groups.
    pub(super) fn links(
        &mut self,
        raw: &RawScenario,
        names: &mut Names,
        nodes: &[Node],
        graph: Network,
        horizon: i64,
    ) -> Links {
        let mut out = Links::new(graph);
        // One link per entry, unless it goes both ways.
        names.links.reserve(raw.link.len());
        for (i, link) in raw.link.iter().enumerate() {
            self.link(&"link".lazy_index(i), link, names, nodes, &mut out, horizon);
        }
        let mut sets = NodeSets::new(nodes);
        let groups: Vec<_> = raw
            .link_group
            .iter()
            .enumerate()
            .map(|(i, group)| {
                let at = "link_group".lazy_index(i);
                let from =
                    self.node_set(&at.lazy_key("from"), &group.from, &names.nodes, &mut sets);
                let to = self.node_set(&at.lazy_key("to"), &group.to, &names.nodes, &mut sets);
                let (props, via) =
                    self.link_props(&at, names, &LinkFields::of_group(group), horizon);
                (from, to, props, via)
            })
            .collect();
        // A group is kept as its two node sets, however many links it makes, but a run keeps
        // a little state for each link: the limit is reported at the entry that crosses it.
        let most = self.file.options.limits.links;
        let over = |out: &Links| out.len() as u64 > most;
        let mut within = !over(&out);
        if !within {
            self.err(&"link", over_the_limit(out.len(), most));
        }
        for (i, (from, to, props, via)) in groups.into_iter().enumerate() {
            link_group(&mut out, names, nodes, (&from, &to), &props, &via);
            if within && over(&out) {
                within = false;
                self.err(&"link_group".lazy_index(i), over_the_limit(out.len(), most));
            }
        }
        out
    }

    /// One `[[link]]` (and its reverse, with `both_ways`), added to `out`.
    fn link(
        &mut self,
        at: &impl ToPath,
        link: &RawLink,
        names: &mut Names,
        nodes: &[Node],
        out: &mut Links,
        horizon: i64,
    ) {
        let from = self.lookup_at(
            || at.lazy_key("from").to_path(),
            &names.nodes,
            "node",
            &link.from,
        );
        let to = self.lookup_at(
            || at.lazy_key("to").to_path(),
            &names.nodes,
            "node",
            &link.to,
        );
        let (props, via) = self.link_props(at, names, &LinkFields::of_link(link), horizon);
        let (Some(from), Some(to)) = (from, to) else {
            return;
        };
        if from == to {
            self.err(&at.lazy_key("to"), "a link must join two different nodes");
            return;
        }
        let base_id = link
            .id
            .clone()
            .unwrap_or_else(|| format!("{}->{}", link.from, link.to));
        // The way back, if any, after the way there; neither copies the id nor lists the ends.
        let back = link
            .both_ways
            .then(|| (format!("{base_id}:back"), to, from, Way::Back));
        let there = if link.both_ways { Way::There } else { Way::One };
        for (id, origin, destination, way) in
            std::iter::once((base_id, from, to, there)).chain(back)
        {
            self.unique(&at.lazy_key("id"), &mut names.links, &id, out.len());
            let mut checkpoints = via.clone();
            if nodes[origin].region != nodes[destination].region {
                checkpoints.push(nodes[destination].region);
            }
            let spec = out.add_spec(LinkSpec {
                id: id.into(),
                props: props.clone(),
                checkpoints: checkpoints.into(),
                way,
            });
            out.push(nodes[origin].vertex, nodes[destination].vertex, spec);
        }
    }

    /// Mode, lead time, capacity, via and closures of a `[[link]]` or `[[link_group]]`.
    fn link_props(
        &mut self,
        at: &impl ToPath,
        names: &Names,
        fields: &LinkFields<'_>,
        horizon: i64,
    ) -> (LinkProps, Vec<RegionId>) {
        let lead_time = self.delay(&at.lazy_key("lead_time_days"), fields.lead_time_days);
        let capacity: Vec<(u32, f64)> = fields
            .capacity
            .iter()
            .enumerate()
            .map(|(j, step)| {
                let step_at = at.lazy_key("capacity").lazy_index(j);
                (
                    self.day(&step_at.lazy_key("day"), step.day, horizon),
                    self.non_negative(&step_at.lazy_key("trucks_per_day"), step.trucks_per_day),
                )
            })
            .collect();
        self.sorted_steps(&at.lazy_key("capacity"), &capacity);
        if !capacity.is_empty() && capacity[0].0 != 0 {
            self.err(
                &at.lazy_key("capacity"),
                "the first capacity step must be on day 0",
            );
        }
        let via: Vec<RegionId> = fields
            .via
            .iter()
            .enumerate()
            .filter_map(|(j, region)| {
                self.lookup(
                    &at.lazy_key("via").lazy_index(j),
                    &names.regions,
                    "region",
                    region,
                )
            })
            .collect();
        let closure_rate = self.share(&at.lazy_key("closure_rate"), fields.closure_rate);
        let closure_days = match fields.closure_days {
            Some(days) => self.delay(&at.lazy_key("closure_days"), days),
            None => {
                if closure_rate > 0.0 {
                    self.err(
                        &at.lazy_key("closure_days"),
                        "is required when closure_rate > 0",
                    );
                }
                Dist::fixed(1.0)
            }
        };
        let background = fields
            .background
            .as_ref()
            .map(|steps| self.trucks(&at.lazy_key("background").to_path(), steps, horizon));
        // NaN and infinity are refused for every number when the file is read.
        let toll_per_truck =
            self.non_negative(&at.lazy_key("toll_per_truck"), fields.toll_per_truck);
        let cost_per_truck =
            self.non_negative(&at.lazy_key("cost_per_truck"), fields.cost_per_truck);
        let props = LinkProps {
            mode: fields.mode,
            lead_time,
            capacity,
            closure_rate,
            closure_days,
            background,
            toll_per_truck,
            cost_per_truck,
        };
        (props, via)
    }

    /// The nodes a link group's `from` or `to` names: ids, or prefixes ending in `*`, each
    /// prefix's nodes in node order; every node once, where it is first named.
    fn node_set(
        &mut self,
        at: &impl ToPath,
        list: &[String],
        names: &NameMap,
        sets: &mut NodeSets,
    ) -> Vec<NodeId> {
        if list.is_empty() {
            self.err(
                at,
                "must name at least one node (an id, or a prefix ending in `*`)",
            );
        }
        let mut out = Vec::new();
        for (j, entry) in list.iter().enumerate() {
            match entry.strip_suffix('*') {
                Some(prefix) => {
                    let before = out.len();
                    sets.extend_with_prefix(prefix, &mut out);
                    if out.len() == before {
                        self.err(
                            &at.lazy_index(j),
                            format!("no node id starts with `{prefix}`"),
                        );
                    }
                }
                None => {
                    if let Some(k) = self.lookup(&at.lazy_index(j), names, "node", entry) {
                        out.push(k);
                    }
                }
            }
        }
        sets.dedup(&mut out);
        out
    }
}

/// What resolving the node sets of many link groups shares, so that each costs in proportion
/// to the nodes it names rather than to the network: the nodes sorted by id (a prefix's nodes
/// are one run of them), made when a prefix first asks, and one marker per node.
struct NodeSets<'n> {
    nodes: &'n [Node],
    /// Node indices in id order.
    by_id: Option<Vec<NodeId>>,
    /// All false between calls of [`NodeSets::dedup`].
    seen: Vec<bool>,
}

impl<'n> NodeSets<'n> {
    fn new(nodes: &'n [Node]) -> Self {
        NodeSets {
            nodes,
            by_id: None,
            seen: Vec::new(),
        }
    }

    /// Appends to `out` the nodes whose id starts with `prefix`, in node order.
    fn extend_with_prefix(&mut self, prefix: &str, out: &mut Vec<NodeId>) {
        let nodes = self.nodes;
        let by_id = self.by_id.get_or_insert_with(|| {
            let mut v: Vec<NodeId> = (0..nodes.len()).collect();
            v.sort_unstable_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id));
            v
        });
        let first = by_id.partition_point(|&k| nodes[k].id.as_str() < prefix);
        let run = by_id[first..].partition_point(|&k| nodes[k].id.starts_with(prefix));
        let before = out.len();
        out.extend_from_slice(&by_id[first..first + run]);
        out[before..].sort_unstable();
    }

    /// Keeps the first of each node in `set`.
    fn dedup(&mut self, set: &mut Vec<NodeId>) {
        if self.seen.len() < self.nodes.len() {
            self.seen.resize(self.nodes.len(), false);
        }
        let seen = &mut self.seen;
        set.retain(|&k| !std::mem::replace(&mut seen[k], true));
        for &k in &*set {
            seen[k] = false;
        }
    }
}

/// The problem of a network with `count` links, over the limit of `most`.
fn over_the_limit(count: usize, most: u64) -> String {
    format!(
        "brings the network to {count} links, over the limit of {most} (raise it with --limit links=N)"
    )
}

/// Adds a group's links, every node of `from` to every node of `to`, to `out`.
fn link_group(
    out: &mut Links,
    names: &Names,
    nodes: &[Node],
    (from, to): (&[NodeId], &[NodeId]),
    props: &LinkProps,
    via: &[RegionId],
) {
    let ends = |set: &[NodeId]| -> Vec<End> {
        set.iter()
            .map(|&node| End {
                node,
                vertex: nodes[node].vertex,
                region: nodes[node].region,
            })
            .collect()
    };
    let (from, to) = (ends(from), ends(to));
    // The group's specs, for the regions its links go into: index 0 within a region,
    // 1 + r into region r (from an origin in another region).
    // A node whose region is unknown (reported) stands in region 0, which exists even when
    // no region does.
    let regions = names.regions.len().max(1);
    let mut origins = vec![0usize; regions];
    let mut times = BTreeMap::new();
    for origin in &from {
        origins[origin.region] += 1;
        *times.entry(origin.node).or_insert(0usize) += 1;
    }
    let mut specs = vec![u32::MAX; 1 + regions];
    for destination in &to {
        let region = destination.region;
        let within = origins[region] - times.get(&destination.node).copied().unwrap_or(0);
        let into = from.len() - origins[region];
        for (slot, into, links) in [(0, None, within), (1 + region, Some(region), into)] {
            if links > 0 && specs[slot] == u32::MAX {
                let mut checkpoints = via.to_vec();
                checkpoints.extend(into);
                specs[slot] = out.add_spec(LinkSpec {
                    id: Box::default(),
                    props: props.clone(),
                    checkpoints: checkpoints.into(),
                    way: Way::One,
                });
            }
        }
    }
    out.push_group(from, to, specs);
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};
    use super::NodeSets;
    use crate::generate::{NationalSpec, national};
    use crate::model::Model;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    /// A generated network of 300 nodes in 5 regions, whose ids share prefixes by kind and
    /// region.
    static NETWORK: LazyLock<Model> = LazyLock::new(|| {
        let spec = NationalSpec {
            nodes: 300,
            regions: 5,
            days: 10,
            seed: 3,
            min_cross_region_days: 0.5,
        };
        crate::testutil::model(&national(&spec).unwrap())
    });

    proptest! {
        #[test]
        fn a_prefix_names_the_nodes_a_scan_finds_in_node_order(
            picks in prop::collection::vec((0usize..300, 0usize..14), 1..8)
        ) {
            let nodes = &NETWORK.nodes;
            let mut sets = NodeSets::new(nodes);
            for (k, len) in picks {
                let id = &nodes[k % nodes.len()].id;
                // Generated ids are ASCII; cut one short, or add a character no id has next.
                let prefix = if len <= id.len() { id[..len].to_string() } else { format!("{id}~") };
                let mut got = vec![usize::MAX];
                sets.extend_with_prefix(&prefix, &mut got);
                let scan = nodes.iter().enumerate().filter(|(_, n)| n.id.starts_with(&prefix));
                let want: Vec<usize> = std::iter::once(usize::MAX).chain(scan.map(|(k, _)| k)).collect();
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn a_set_keeps_the_first_of_each_node_and_clears_its_marks(
            sets_of in prop::collection::vec(prop::collection::vec(0usize..300, 0..40), 1..4)
        ) {
            let mut sets = NodeSets::new(&NETWORK.nodes);
            for set in sets_of {
                let mut got = set.clone();
                sets.dedup(&mut got);
                let mut want = Vec::new();
                for k in set {
                    if !want.contains(&k) {
                        want.push(k);
                    }
                }
                prop_assert_eq!(got, want);
                prop_assert!(sets.seen.iter().all(|&s| !s), "marks cleared for the next set");
            }
        }
    }

    /// A `[[link]]` from the factory to `to` with `fields`.
    fn link(to: &str, fields: &str) -> String {
        scenario(&format!(
            "[[link]]\nfrom = \"factory\"\nto = \"{to}\"\nlead_time_days = {{ dist = \"fixed\", value = 1 }}\n{fields}\n"
        ))
    }

    #[test]
    fn a_link_joins_two_nodes() {
        assert_problem(
            &link("factory", ""),
            "link[2].to",
            "a link must join two different nodes",
        );
    }

    #[test]
    fn the_first_capacity_step_is_on_day_zero() {
        assert_problem(
            &link("hospital", "capacity = [{ day = 2, trucks_per_day = 1 }]"),
            "link[2].capacity",
            "the first capacity step must be on day 0",
        );
    }

    #[test]
    fn a_toll_or_truck_cost_is_not_negative() {
        assert_problem(
            &link("hospital", "toll_per_truck = -5"),
            "link[2].toll_per_truck",
            "cannot be negative, got -5",
        );
        assert_problem(
            &link("hospital", "cost_per_truck = -1"),
            "link[2].cost_per_truck",
            "cannot be negative, got -1",
        );
    }

    #[test]
    fn a_closure_rate_needs_closure_days() {
        assert_problem(
            &link("hospital", "closure_rate = 0.1"),
            "link[2].closure_days",
            "is required when closure_rate > 0",
        );
    }

    #[test]
    fn a_link_id_is_unique() {
        assert_problem(
            &link("hospital", "id = \"factory-hospital\""),
            "link[2].id",
            "`factory-hospital` is defined twice",
        );
    }

    #[test]
    fn a_group_names_some_nodes() {
        let text = scenario(
            "[[link_group]]\nfrom = []\nto = [\"hospital\"]\nlead_time_days = { dist = \"fixed\", value = 1 }\n",
        );
        assert_problem(
            &text,
            "link_group[0].from",
            "must name at least one node (an id, or a prefix ending in `*`)",
        );
    }
}
