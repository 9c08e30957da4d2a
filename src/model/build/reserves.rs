//! Builds a reserve's `[node.release]` rule: a day, or a national days-of-supply threshold.

use super::Builder;
use crate::model::{NodeKind, Release};
use crate::scenario::location::FieldPath;
use crate::scenario::raw::RawNode;

impl Builder<'_> {
    /// The release rule of a node: a reserve has exactly one, and no other node any.
    pub(super) fn release(
        &mut self,
        at: &FieldPath,
        entry: &RawNode,
        kind: NodeKind,
        horizon: i64,
    ) -> Option<Release> {
        let release = entry.release.as_ref().map(|rule| {
            let release_at = at.key("release");
            if kind != NodeKind::Reserve {
                self.err(&release_at, "only a reserve has a release rule");
            }
            if rule.day.is_none() == rule.national_days_of_supply_below.is_none() {
                self.err(
                    &release_at,
                    "give exactly one of `day` or `national_days_of_supply_below`",
                );
            }
            Release {
                day: rule
                    .day
                    .map(|day| self.day(&release_at.key("day"), day, horizon)),
                national_days_of_supply_below: rule.national_days_of_supply_below.map(|days| {
                    self.non_negative(&release_at.key("national_days_of_supply_below"), days)
                }),
            }
        });
        if kind == NodeKind::Reserve && entry.release.is_none() {
            self.err(at, "a reserve needs a [node.release] rule (a day or a national days-of-supply threshold)");
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
            "give exactly one of `day` or `national_days_of_supply_below`",
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
