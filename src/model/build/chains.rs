//! Builds whole-chain restarts: a node's `requires` (nodes that must restart first) and
//! `cluster` (nodes that restart together). A cycle of requirements is an error.

use super::{Builder, Names};
use crate::model::{Node, NodeId};
use crate::scenario::location::{ToPath, path};
use crate::scenario::raw::RawScenario;
use std::collections::BTreeMap;

impl Builder<'_> {
    /// Resolves every node's `requires` into `nodes` and returns the restart clusters.
    pub(super) fn restart_chains(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        nodes: &mut [Node],
    ) -> Vec<Vec<NodeId>> {
        let mut clusters: BTreeMap<&str, Vec<NodeId>> = BTreeMap::new();
        for (n, node) in nodes.iter_mut().enumerate() {
            let Some(&i) = self.node_entry.get(n) else {
                continue;
            };
            let (entry, at) = (&raw.node[i], "node".lazy_index(i));
            if (!entry.requires.is_empty() || entry.cluster.is_some()) && !node.kind.produces() {
                self.err(
                    &at.lazy_key("requires"),
                    "only a supplier or factory restarts: `requires` and `cluster` are for them",
                );
            }
            node.requires = entry
                .requires
                .iter()
                .enumerate()
                .filter_map(|(j, id)| {
                    self.lookup(
                        &at.lazy_key("requires").lazy_index(j),
                        &names.nodes,
                        "node",
                        id,
                    )
                })
                .collect();
            if let Some(c) = &entry.cluster {
                clusters.entry(c).or_default().push(n);
            }
        }
        if let Some(cycle) = requirement_cycle(nodes) {
            let names: Vec<&str> = cycle.iter().map(|&n| nodes[n].id.as_str()).collect();
            self.err(
                &path("node")
                    .index(self.node_entry[cycle[0]])
                    .key("requires"),
                format!("requirements form a cycle: {}", names.join(" -> ")),
            );
        }
        clusters.into_values().collect()
    }
}

/// A cycle of `requires` (its nodes, the first repeated at the end), if there is one.
fn requirement_cycle(nodes: &[Node]) -> Option<Vec<NodeId>> {
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; nodes.len()];
    let mut path = Vec::new();
    for start in 0..nodes.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative depth-first search: (node, next requirement to look at).
        let mut stack = vec![(start, 0)];
        state[start] = 1;
        path.push(start);
        while let Some(&mut (n, ref mut k)) = stack.last_mut() {
            if let Some(&s) = nodes[n].requires.get(*k) {
                *k += 1;
                match state[s] {
                    0 => {
                        state[s] = 1;
                        path.push(s);
                        stack.push((s, 0));
                    }
                    1 => {
                        let from = path.iter().position(|&p| p == s).unwrap_or(0);
                        let mut cycle = path[from..].to_vec();
                        cycle.push(s);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                state[n] = 2;
                path.pop();
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    #[test]
    fn a_cycle_of_requirements_is_reported_naming_the_field() {
        let text = scenario(
            r#"
[[node]]
id = "mb-a"
kind = "supplier"
region = "Jiangsu"
lines = [{ item = "meltblown", lines = 1, rate_per_line = 10 }]
requires = ["mb-b"]

[[node]]
id = "mb-b"
kind = "supplier"
region = "Jiangsu"
lines = [{ item = "meltblown", lines = 1, rate_per_line = 10 }]
requires = ["mb-a"]
"#,
        );
        assert_problem(
            &text,
            "node[3].requires",
            "requirements form a cycle: mb-a -> mb-b -> mb-a",
        );
    }
}
