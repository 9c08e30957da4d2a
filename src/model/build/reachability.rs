//! Checks that goods can reach where they are ordered: every replenishment source and
//! make-to-order materials source has a route over the links to the node ordering from it, and
//! every hospital with demand is reachable from a replenishment or dispatch source.

use super::Builder;
use crate::model::{Dispatch, Links, Node, NodeId, NodeKind};
use crate::scenario::location::{FieldPath, path};
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
        for (i, node) in nodes.iter().enumerate() {
            let at = path("node").index(self.node_entry[i]);
            for (j, policy) in node.replenish.iter().enumerate() {
                let field = at.key("replenish").index(j).key("source");
                self.source_reaches(&mut reach, &field, policy.source, i);
            }
            if let Some(make_to_order) = &node.make_to_order {
                let field = at.key("make_to_order").key("materials_source");
                self.source_reaches(&mut reach, &field, make_to_order.materials_source, i);
            }
            self.hospital_reachable(&mut reach, &at, i, dispatch);
        }
    }

    /// Node `to` orders from `source`: another node, with a route to it.
    fn source_reaches(
        &mut self,
        reach: &mut Reach<'_>,
        field: &FieldPath,
        source: NodeId,
        to: NodeId,
    ) {
        if source == to {
            self.err_once(field, "a node cannot order from itself");
        } else if !reach.connects(source, to) {
            let nodes = reach.nodes;
            self.err_once(
                field,
                format!(
                    "no route from `{}` to `{}` over the links",
                    nodes[source].id, nodes[to].id
                ),
            );
        }
    }

    /// A hospital with demand must be reachable from one of its sources or dispatch's.
    fn hospital_reachable(
        &mut self,
        reach: &mut Reach<'_>,
        at: &FieldPath,
        hospital: NodeId,
        dispatch: &Option<Dispatch>,
    ) {
        let node = &reach.nodes[hospital];
        if node.kind != NodeKind::Hospital
            || (node.census.is_none()
                && node.direct_demand.is_empty()
                && node.customer_orders.is_empty())
        {
            return;
        }
        let mut sources: Vec<NodeId> = node.replenish.iter().map(|policy| policy.source).collect();
        if let Some(dispatch) = dispatch {
            sources.extend(&dispatch.sources);
        }
        if !sources
            .iter()
            .any(|&source| source != hospital && reach.connects(source, hospital))
        {
            self.err_once(at, format!("hospital `{}` is unreachable: no replenishment source or dispatch source has a route to it", node.id));
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
