//! Builds a reserve's `[node.release]` rule: a day, or a national or regional days-of-supply
//! threshold, releasing every product or only the one that fell below it.

use super::Builder;
use crate::model::{NodeKind, Release};
use crate::scenario::location::ToPath;
use crate::scenario::raw::RawNode;

impl Builder<'_> {
    /// The release rule of a node: a reserve has exactly one, and no other node any.
    pub(super) fn release(
        &mut self,
        at: &impl ToPath,
        entry: &RawNode,
        kind: NodeKind,
        horizon: i64,
    ) -> Option<Release> {
        let release = entry.release.as_ref().map(|rule| {
            let release_at = at.lazy_key("release");
            if kind != NodeKind::Reserve {
                self.err(&release_at, "only a reserve has a release rule");
            }
            let triggers = [
                rule.day.is_some(),
                rule.national_days_of_supply_below.is_some(),
                rule.region_days_of_supply_below.is_some(),
            ];
            if triggers.iter().filter(|&&t| t).count() != 1 {
                self.err(
                    &release_at,
                    "give exactly one of `day`, `national_days_of_supply_below` or `region_days_of_supply_below`",
                );
            }
            if rule.per_product && rule.day.is_some() {
                self.err(
                    &release_at.lazy_key("per_product"),
                    "a release on a day releases every product; `per_product` needs a days-of-supply threshold",
                );
            }
            let threshold = |b: &mut Self, key: &'static str, days: Option<f64>| {
                days.map(|d| b.non_negative(&release_at.lazy_key(key), d))
            };
            Release {
                day: rule
                    .day
                    .map(|day| self.day(&release_at.lazy_key("day"), day, horizon)),
                national_days_of_supply_below: threshold(
                    self,
                    "national_days_of_supply_below",
                    rule.national_days_of_supply_below,
                ),
                region_days_of_supply_below: threshold(
                    self,
                    "region_days_of_supply_below",
                    rule.region_days_of_supply_below,
                ),
                per_product: rule.per_product,
            }
        });
        if kind == NodeKind::Reserve && entry.release.is_none() {
            self.err(
                at,
                "a reserve needs a [node.release] rule (a day or a days-of-supply threshold)",
            );
        }
        release
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    /// A node of `kind` in Jiangsu with a stock of masks and `release`.
    fn node(kind: &str, release: &str) -> String {
        scenario(&format!(
            "[[node]]\nid = \"extra\"\nkind = \"{kind}\"\nregion = \"Jiangsu\"\nstock = {{ mask = 100 }}\n{release}\n"
        ))
    }

    #[test]
    fn only_a_reserve_has_a_release_rule() {
        assert_problem(
            &node("warehouse", "release = { day = 3 }"),
            "node[3].release",
            "only a reserve has a release rule",
        );
    }

    #[test]
    fn a_release_rule_has_exactly_one_trigger() {
        assert_problem(
            &node(
                "reserve",
                "release = { day = 3, national_days_of_supply_below = 2 }",
            ),
            "node[3].release",
            "give exactly one of `day`, `national_days_of_supply_below` or `region_days_of_supply_below`",
        );
    }

    #[test]
    fn per_product_needs_a_threshold() {
        assert_problem(
            &node("reserve", "release = { day = 3, per_product = true }"),
            "node[3].release.per_product",
            "a release on a day releases every product; `per_product` needs a days-of-supply threshold",
        );
    }

    #[test]
    fn a_regional_threshold_is_not_negative() {
        assert_problem(
            &node("reserve", "release = { region_days_of_supply_below = -1 }"),
            "node[3].release.region_days_of_supply_below",
            "cannot be negative, got -1",
        );
    }

    #[test]
    fn a_release_day_within_the_horizon() {
        assert_problem(
            &node("reserve", "release = { day = 99 }"),
            "node[3].release.day",
            "day 99 is outside the horizon 0..=30",
        );
    }
}
