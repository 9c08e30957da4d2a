//! Builds `[[redeployment]]`: durable units moved from regions past their peak.

use super::{Builder, Names};
use crate::model::{Item, ItemKind, Redeployment, TICKS_PER_DAY};
use crate::scenario::location::path;
use crate::scenario::raw::RawScenario;

impl Builder<'_> {
    /// Every `[[redeployment]]`, checked even when not `enabled`; only enabled ones are kept.
    pub(super) fn redeployment(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        items: &[Item],
        horizon: i64,
    ) -> Vec<Redeployment> {
        let mut rules = Vec::new();
        for (i, rule) in raw.redeployment.iter().enumerate() {
            let at = path("redeployment").index(i);
            let item = self.lookup(&at.key("product"), &names.items, "product", &rule.product);
            if let Some(item) = item
                && items[item].kind != ItemKind::Durable
            {
                self.err(
                    &at.key("product"),
                    format!(
                        "`{}` is not a durable product; only durables are redeployed",
                        rule.product
                    ),
                );
            }
            let after_peak_days =
                self.day(&at.key("after_peak_days"), rule.after_peak_days, horizon);
            let keep_share = self.share(&at.key("keep_share"), rule.keep_share);
            let max_share = self.share(&at.key("max_share"), rule.max_share);
            let lead = self.non_negative(&at.key("lead_time_days"), rule.lead_time_days);
            if let (Some(item), true) = (item, rule.enabled) {
                rules.push(Redeployment {
                    item,
                    after_peak_days,
                    keep_share,
                    max_share,
                    // At least a tick: what the central step sends leaves after it.
                    delay_ticks: ((lead * TICKS_PER_DAY as f64).round() as i64).max(1),
                });
            }
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    /// A `[[redeployment]]` of `product` with `fields`.
    fn rule(product: &str, fields: &str) -> String {
        scenario(&format!(
            "{VENTILATOR}\n[[redeployment]]\nproduct = \"{product}\"\nafter_peak_days = 7\nlead_time_days = 1\n{fields}\n"
        ))
    }

    const VENTILATOR: &str = "[[product]]\nid = \"ventilator\"\nkind = \"durable\"\nunits_per_truck = 100\n\n[burn.ventilator]\nper_patient_day = { mild = 0, moderate = 0, severe = 0, critical = 1 }\n";

    #[test]
    fn a_valid_rule_is_kept() {
        assert!(super::super::test_scenario::problems(&rule("ventilator", "")).is_empty());
    }

    #[test]
    fn only_a_durable_is_redeployed() {
        assert_problem(
            &rule("mask", ""),
            "redeployment[0].product",
            "`mask` is not a durable product",
        );
    }

    #[test]
    fn shares_are_shares() {
        assert_problem(
            &rule("ventilator", "keep_share = 1.5"),
            "redeployment[0].keep_share",
            "must be a share between 0 and 1, got 1.5",
        );
        assert_problem(
            &rule("ventilator", "max_share = -0.1"),
            "redeployment[0].max_share",
            "must be a share between 0 and 1, got -0.1",
        );
    }

    #[test]
    fn an_unknown_field_is_named() {
        assert_problem(
            &rule("ventilator", "keep = 0.5"),
            "redeployment[0].keep",
            "unknown field",
        );
    }
}
