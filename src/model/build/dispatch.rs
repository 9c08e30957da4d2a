//! Builds `[dispatch]`: central allocation of key firms' output and reserves.

use super::{Builder, Names};
use crate::model::{Dispatch, Item, ItemKind, Node, NodeKind, Region, Rule};
use crate::scenario::location::path;
use crate::scenario::raw::{RawDispatch, RawRule, RawScenario};

impl Builder<'_> {
    /// `[dispatch]`, checked even when not `enabled`; `None` when absent or disabled.
    pub(super) fn dispatch(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        regions: &[Region],
        items: &[Item],
        nodes: &[Node],
    ) -> Option<Dispatch> {
        let dispatch = raw.dispatch.as_ref()?;
        let at = path("dispatch");
        let rule = match dispatch.rule {
            RawRule::Priority => Rule::Priority,
            RawRule::Proportional => Rule::Proportional,
            RawRule::Weighted => Rule::Weighted,
        };
        let priority_regions = self
            .id_list(
                &at.key("priority_regions"),
                &dispatch.priority_regions,
                &names.regions,
                "region",
            )
            .unwrap_or_default();
        if rule == Rule::Priority && priority_regions.is_empty() {
            self.err(
                &at.key("priority_regions"),
                "the priority rule needs at least one priority region",
            );
        }
        let mut weights = vec![1.0; regions.len()];
        for (region, weight) in &dispatch.weights {
            let weight_at = at.key("weights").key(region.to_string());
            if let Some(index) = self.lookup(&weight_at, &names.regions, "region", region) {
                weights[index] = self.non_negative(&weight_at, *weight);
            }
        }
        let (priority_hospitals, hospital_weights) = self.within_region(dispatch, names, nodes);
        let (products, sources) = self.dispatched(dispatch, names, items, nodes);
        self.positive(&at.key("cover_days"), dispatch.cover_days);
        self.positive(
            &at.key("decision_delay_hours"),
            dispatch.decision_delay_hours,
        );
        if !dispatch.enabled {
            return None;
        }
        Some(Dispatch {
            rule,
            priority_regions,
            weights,
            priority_hospitals,
            hospital_weights,
            items: products,
            sources,
            cover_days: dispatch.cover_days,
            decision_delay_ticks: ((dispatch.decision_delay_hours * 60.0).round() as i64).max(1),
        })
    }

    /// How a region's allocation is split among its hospitals: priority hospitals (each a
    /// hospital, named once) and a non-negative weight per hospital (1 where not given).
    fn within_region(
        &mut self,
        dispatch: &RawDispatch,
        names: &Names,
        nodes: &[Node],
    ) -> (Vec<usize>, Vec<f64>) {
        let at = path("dispatch");
        let priority = self
            .id_list(
                &at.key("priority_hospitals"),
                &dispatch.priority_hospitals,
                &names.nodes,
                "node",
            )
            .unwrap_or_default();
        for (i, &n) in priority.iter().enumerate() {
            if nodes[n].kind != NodeKind::Hospital {
                self.err(
                    &at.key("priority_hospitals").index(i),
                    format!("`{}` is not a hospital", nodes[n].id),
                );
            }
        }
        let mut weights = vec![1.0; nodes.len()];
        for (node, weight) in &dispatch.hospital_weights {
            let weight_at = at.key("hospital_weights").key(node.to_string());
            if let Some(n) = self.lookup(&weight_at, &names.nodes, "node", node) {
                if nodes[n].kind != NodeKind::Hospital {
                    self.err(&weight_at, format!("`{node}` is not a hospital"));
                }
                weights[n] = self.non_negative(&weight_at, *weight);
            }
        }
        (priority, weights)
    }

    /// What dispatch allocates (products, not materials) and from where (not hospitals).
    fn dispatched(
        &mut self,
        dispatch: &RawDispatch,
        names: &Names,
        items: &[Item],
        nodes: &[Node],
    ) -> (Vec<usize>, Vec<usize>) {
        let at = path("dispatch");
        let products = self
            .id_list(
                &at.key("products"),
                &dispatch.products,
                &names.items,
                "product",
            )
            .unwrap_or_default();
        for (i, &product) in products.iter().enumerate() {
            if items[product].kind == ItemKind::Material {
                self.err(
                    &at.key("products").index(i),
                    "dispatch allocates products, not materials",
                );
            }
        }
        let sources = self
            .id_list(&at.key("sources"), &dispatch.sources, &names.nodes, "node")
            .unwrap_or_default();
        for (i, &source) in sources.iter().enumerate() {
            if nodes[source].kind == NodeKind::Hospital {
                self.err(
                    &at.key("sources").index(i),
                    "a hospital cannot be a dispatch source",
                );
            }
        }
        (products, sources)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    /// A `[dispatch]` with `fields` after the rule.
    fn dispatch(rule: &str, fields: &str) -> String {
        scenario(&format!(
            "[dispatch]\nrule = \"{rule}\"\ncover_days = 3\ndecision_delay_hours = 2\n{fields}\n"
        ))
    }

    #[test]
    fn the_priority_rule_needs_a_region() {
        assert_problem(
            &dispatch("priority", "products = [\"mask\"]\nsources = [\"factory\"]"),
            "dispatch.priority_regions",
            "the priority rule needs at least one priority region",
        );
    }

    #[test]
    fn dispatch_allocates_products() {
        assert_problem(
            &dispatch(
                "proportional",
                "products = [\"meltblown\"]\nsources = [\"factory\"]",
            ),
            "dispatch.products[0]",
            "dispatch allocates products, not materials",
        );
    }

    #[test]
    fn a_hospital_is_not_a_dispatch_source() {
        assert_problem(
            &dispatch(
                "proportional",
                "products = [\"mask\"]\nsources = [\"hospital\"]",
            ),
            "dispatch.sources[0]",
            "a hospital cannot be a dispatch source",
        );
    }

    #[test]
    fn weights_are_not_negative() {
        assert_problem(
            &dispatch(
                "weighted",
                "products = [\"mask\"]\nsources = [\"factory\"]\nweights = { Hubei = -1 }",
            ),
            "dispatch.weights.Hubei",
            "cannot be negative, got -1",
        );
    }

    #[test]
    fn a_priority_hospital_is_a_hospital() {
        assert_problem(
            &dispatch(
                "proportional",
                "products = [\"mask\"]\nsources = [\"factory\"]\npriority_hospitals = [\"factory\"]",
            ),
            "dispatch.priority_hospitals[0]",
            "`factory` is not a hospital",
        );
    }

    #[test]
    fn hospital_weights_are_not_negative() {
        assert_problem(
            &dispatch(
                "proportional",
                "products = [\"mask\"]\nsources = [\"factory\"]\nhospital_weights = { hospital = -2 }",
            ),
            "dispatch.hospital_weights.hospital",
            "cannot be negative, got -2",
        );
    }

    #[test]
    fn an_unknown_rule_is_a_shape_error_listing_the_rules() {
        assert_problem(
            &dispatch("fair", "products = [\"mask\"]\nsources = [\"factory\"]"),
            "dispatch.rule",
            "unknown variant `fair`, expected one of `priority`, `proportional`, `weighted`",
        );
    }
}
