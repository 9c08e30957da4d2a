//! Checks that goods can reach where they are ordered: every replenishment source and
//! make-to-order materials source has a route over the links to the node ordering from it, and
//! every hospital with demand is reachable from a replenishment or dispatch source.

use super::Builder;
use crate::model::{Dispatch, Links, Node, NodeId, NodeKind};
use crate::scenario::location::path;
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, HashSet, VecDeque};

/// One breadth-first search per source (a few warehouses serve many hospitals), taken only as
/// far as the questions asked of it need: a hub of an all-to-all group discovers all its
/// neighbours in its first step, without the search going on through theirs.
struct Reach<'a> {
    nodes: &'a [Node],
    links: &'a Links,
    searches: BTreeMap<NodeId, Search>,
}

/// A breadth-first search from one node, paused. The nodes it discovered are a set, not a
/// flag per node: a large network has thousands of sources, and a flag per node for each made
/// the check quadratic in memory and time (a search from a warehouse finds a few dozen).
struct Search {
    discovered: HashSet<usize, foldhash::fast::FixedState>,
    queue: VecDeque<NodeIndex>,
}

impl Reach<'_> {
    /// Whether a route over the links leads from `from` to `to`.
    fn connects(&mut self, from: NodeId, to: NodeId) -> bool {
        let nodes = self.nodes;
        let search = self.searches.entry(from).or_insert_with(|| Search {
            discovered: [nodes[from].vertex.index()].into_iter().collect(),
            queue: [nodes[from].vertex].into(),
        });
        while !search.discovered.contains(&nodes[to].vertex.index()) {
            let Some(vertex) = search.queue.pop_front() else {
                return false;
            };
            for (next, _) in self.links.out(vertex) {
                if search.discovered.insert(next.index()) {
                    search.queue.push_back(next);
                }
            }
        }
        true
    }
}

impl Builder<'_> {
    /// Every order must have a route from its source, and every hospital with demand must be
    /// reachable from where its goods come from.
    pub(super) fn reachability(
        &mut self,
        nodes: &[Node],
        links: &Links,
        dispatch: &Option<Dispatch>,
    ) {
        let mut reach = Reach {
            nodes,
            links,
            searches: BTreeMap::new(),
        };
        // A field's path is made only for a problem: most of a large network has none.
        let at = |entry: usize| path("node").index(entry);
        for (i, node) in nodes.iter().enumerate() {
            for (j, policy) in node.replenish.iter().enumerate() {
                if let Some(problem) = reach.source_problem(policy.source, i) {
                    let field = at(self.node_entry[i])
                        .key("replenish")
                        .index(j)
                        .key("source");
                    self.err_once(&field, problem);
                }
            }
            if let Some(make_to_order) = &node.make_to_order
                && let Some(problem) = reach.source_problem(make_to_order.materials_source, i)
            {
                let field = at(self.node_entry[i])
                    .key("make_to_order")
                    .key("materials_source");
                self.err_once(&field, problem);
            }
            if let Some(problem) = reach.hospital_problem(i, dispatch) {
                self.err_once(&at(self.node_entry[i]), problem);
            }
        }
    }
}

impl Reach<'_> {
    /// What is wrong when node `to` orders from `source`: it must be another node, with a
    /// route to it.
    fn source_problem(&mut self, source: NodeId, to: NodeId) -> Option<String> {
        if source == to {
            Some("a node cannot order from itself".to_string())
        } else if !self.connects(source, to) {
            let nodes = self.nodes;
            Some(format!(
                "no route from `{}` to `{}` over the links",
                nodes[source].id, nodes[to].id
            ))
        } else {
            None
        }
    }

    /// What is wrong when a hospital with demand is not reachable from one of its sources or
    /// dispatch's.
    fn hospital_problem(
        &mut self,
        hospital: NodeId,
        dispatch: &Option<Dispatch>,
    ) -> Option<String> {
        let node = &self.nodes[hospital];
        if node.kind != NodeKind::Hospital
            || (node.census.is_none()
                && node.direct_demand.is_empty()
                && node.customer_orders.is_empty())
        {
            return None;
        }
        let dispatch_sources = dispatch.iter().flat_map(|d| &d.sources).copied();
        let mut sources = node
            .replenish
            .iter()
            .map(|policy| policy.source)
            .chain(dispatch_sources);
        if sources.any(|source| source != hospital && self.connects(source, hospital)) {
            None
        } else {
            Some(format!(
                "hospital `{}` is unreachable: no replenishment source or dispatch source has a route to it",
                node.id
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, problems, scenario};

    #[test]
    fn a_node_does_not_order_from_itself() {
        let text = scenario("").replace("source = \"supplier\"", "source = \"factory\"");
        assert_problem(
            &text,
            "node[1].replenish[0].source",
            "a node cannot order from itself",
        );
    }

    #[test]
    fn a_materials_source_needs_a_route() {
        let text = scenario(
            "[[node]]\nid = \"extra\"\nkind = \"factory\"\nregion = \"Jiangsu\"\nmake_to_order = { product = \"mask\", materials_source = \"supplier\", reorder_point = 10, order_up_to = 100, batch_max = 50, batch_days = { dist = \"fixed\", value = 1 }, order_delay_hours = { dist = \"fixed\", value = 1 } }\n",
        );
        assert_problem(
            &text,
            "node[3].make_to_order.materials_source",
            "no route from `supplier` to `extra` over the links",
        );
    }

    #[test]
    fn a_dispatch_source_makes_a_hospital_reachable() {
        // The hospital orders from a warehouse no link reaches, but dispatch ships from the
        // factory: only the order is reported, not the hospital.
        let text = scenario(
            "[[node]]\nid = \"island\"\nkind = \"warehouse\"\nregion = \"Hubei\"\n[dispatch]\nrule = \"proportional\"\nproducts = [\"mask\"]\nsources = [\"factory\"]\ncover_days = 3\ndecision_delay_hours = 2\n",
        )
        .replace("source = \"factory\"", "source = \"island\"");
        let found = problems(&text);
        assert!(
            found.len() == 1 && found[0].contains("no route from `island` to `hospital`"),
            "{found:#?}"
        );
    }
}
