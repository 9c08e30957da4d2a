//! Builds a hospital's demand: `[node.census]` (a share of its region's epidemic, or CSV
//! columns per severity class) and `[[node.demand]]` (direct product demand from CSV columns),
//! reading and hashing the CSV files and filling their missing days as `fill` says.

use super::Builder;
use super::nodes::NodeContext;
use crate::error::Diagnostic;
use crate::model::{Census, ItemId, ItemKind, NodeKind, RegionId};
use crate::scenario::csv_series;
use crate::scenario::location::{FieldPath, ToPath};
use crate::scenario::raw::{RawCensus, RawFill, RawNode};
use sha2::Digest;
use std::path::Path;

impl Builder<'_> {
    /// A node's census and direct demand series (hospitals only); `region` is the node's region
    /// when it is known.
    pub(super) fn demand(
        &mut self,
        at: &impl ToPath,
        entry: &RawNode,
        kind: NodeKind,
        region: Option<RegionId>,
        context: &NodeContext<'_>,
    ) -> (Option<Census>, Vec<(ItemId, Vec<f64>)>) {
        if kind != NodeKind::Hospital {
            for (given, field) in [
                (entry.census.is_some(), "census"),
                (entry.demand.is_some(), "demand"),
            ] {
                if given {
                    self.err(&at.lazy_key(field), "only a hospital has demand");
                }
            }
        }
        // A share of the region's census is checked for an epidemic at hospitals only.
        let region = region.filter(|_| kind == NodeKind::Hospital);
        let census = entry
            .census
            .as_ref()
            .and_then(|census| self.census(&at.lazy_key("census"), census, region, context));
        let mut direct = Vec::new();
        for (j, demand) in entry.demand.iter().flatten().enumerate() {
            let demand_at = at.lazy_key("demand").lazy_index(j);
            let Some(item) = self.lookup(
                &demand_at.lazy_key("product"),
                &context.names.items,
                "product",
                &demand.product,
            ) else {
                continue;
            };
            if context.items[item].kind == ItemKind::Material {
                self.err(
                    &demand_at.lazy_key("product"),
                    "hospitals demand products, not materials",
                );
            }
            let series = self.csv_column(
                &demand_at.lazy_key("csv").to_path(),
                context,
                &demand.csv,
                &demand.column,
                demand.fill,
            );
            if let Some(series) = series {
                direct.push((item, series));
            }
        }
        (census, direct)
    }

    /// Where a hospital's patients come from: exactly one of a share of its region's census (a
    /// region with an epidemic) or a CSV file with at least one column per severity class.
    fn census(
        &mut self,
        at: &impl ToPath,
        census: &RawCensus,
        region: Option<RegionId>,
        context: &NodeContext<'_>,
    ) -> Option<Census> {
        match (&census.share_of_region, &census.csv) {
            (Some(share), None) => {
                let share_at = at.lazy_key("share_of_region");
                if let Some(region) = region.map(|r| &context.regions[r])
                    && region.epidemic.is_none()
                {
                    self.err(
                        &share_at,
                        format!(
                            "region `{}` has no epidemic, so a share of its census is no demand; \
                             give the region an `epidemic` or read the census from a CSV",
                            region.id
                        ),
                    );
                }
                Some(Census::RegionShare(self.share(&share_at, *share)))
            }
            (None, Some(file)) => {
                let columns = [
                    &census.mild,
                    &census.moderate,
                    &census.severe,
                    &census.critical,
                ];
                if columns.iter().all(|column| column.is_none()) {
                    self.err(
                        at,
                        "name at least one census column: mild, moderate, severe, critical",
                    );
                }
                let mut series = vec![[0.0; 4]; context.horizon.max(1) as usize];
                for (class, column) in columns.iter().enumerate() {
                    if let Some(column) = column {
                        let values = self.csv_column(
                            &at.lazy_key("csv").to_path(),
                            context,
                            file,
                            column,
                            census.fill,
                        )?;
                        for (day, value) in values.into_iter().enumerate() {
                            series[day][class] = value;
                        }
                    }
                }
                Some(Census::Series(series))
            }
            _ => {
                self.err(at, "give exactly one of `share_of_region` or `csv`");
                None
            }
        }
    }

    /// Reads one numeric column of a CSV with a `date` column (YYYY-MM-DD) or a `day` column
    /// (0-based), into a daily series over the horizon, its missing days filled as `fill` says
    /// (without `fill`, a missing day is a problem).
    fn csv_column(
        &mut self,
        at: &FieldPath,
        context: &NodeContext<'_>,
        file: &str,
        column: &str,
        fill: Option<RawFill>,
    ) -> Option<Vec<f64>> {
        let days = context.horizon.max(1) as usize;
        let full = match self.file.options.data_path(context.base, file) {
            Ok(full) => full,
            Err(message) => {
                self.err(at, message);
                return None;
            }
        };
        let bytes = match self.file.csv.bytes(&full, &self.file.options.limits) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.err(at, format!("cannot read CSV file {}: {e}", full.display()));
                return None;
            }
        };
        self.hasher.update(&bytes);
        let observed = match self
            .file
            .csv
            .column(&full, &bytes, column, self.start, days)
        {
            Ok(observed) => observed,
            Err(problems) => {
                self.csv_problems(at, &full, problems);
                return None;
            }
        };
        match csv_series::fill(&observed, fill) {
            Ok(series) => Some(series),
            Err(gap) => {
                // Rows are per file, so the columns of one file share the message: it is one
                // problem, reported once.
                self.err(at, gap.message(file, self.start, days));
                None
            }
        }
    }

    /// Reports the problems found reading a CSV file at their lines of that file.
    fn csv_problems(&mut self, at: &FieldPath, full: &Path, problems: Vec<csv_series::CsvProblem>) {
        for (line, field, message) in problems {
            self.diags.push(Diagnostic {
                file: full.to_path_buf(),
                position: line.map(|line| (line, 1)),
                field,
                message: format!("{message} (read for {at} of {})", self.file.path.display()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, problems_with, scenario};
    use crate::model::Census;

    /// The scenario with the hospital's census given as `census`.
    fn census(census: &str) -> String {
        scenario("").replace("census = { share_of_region = 1.0 }", census)
    }

    #[test]
    fn a_census_has_exactly_one_source() {
        assert_problem(
            &census("census = { }"),
            "node[2].census",
            "give exactly one of `share_of_region` or `csv`",
        );
    }

    #[test]
    fn a_census_share_is_a_share() {
        assert_problem(
            &census("census = { share_of_region = 2 }"),
            "node[2].census.share_of_region",
            "must be a share between 0 and 1, got 2",
        );
    }

    #[test]
    fn a_census_file_names_a_column() {
        // The file is not read when no column is named, so it need not exist.
        assert_problem(
            &census("census = { csv = \"census.csv\" }"),
            "node[2].census",
            "name at least one census column",
        );
    }

    #[test]
    fn only_a_hospital_has_demand() {
        let text = scenario("").replace(
            "stock = { meltblown = 50_000 }",
            "stock = { meltblown = 50_000 }\ncensus = { share_of_region = 0.5 }",
        );
        assert_problem(&text, "node[1].census", "only a hospital has demand");
    }

    #[test]
    fn hospitals_demand_products() {
        let text = census(
            "census = { share_of_region = 1.0 }\ndemand = [{ product = \"meltblown\", csv = \"missing.csv\", column = \"x\" }]",
        );
        let found = super::super::test_scenario::problems(&text);
        assert!(
            found
                .iter()
                .any(|p| p == "node[2].demand[0].product: hospitals demand products, not materials"),
            "{found:#?}"
        );
    }

    /// A census CSV of the first three days of the 30-day horizon.
    const SHORT: &str = "date,severe,critical\n2020-01-24,10,2\n2020-01-25,12,3\n2020-01-26,15,4\n";

    /// The scenario with the hospital's census read from `census.csv`, with `fill` if given.
    fn csv_census(fill: &str) -> String {
        census(&format!(
            "census = {{ csv = \"census.csv\", severe = \"severe\", critical = \"critical\"{fill} }}"
        ))
    }

    #[test]
    fn a_csv_that_misses_days_is_reported_once_with_the_dates() {
        // Both columns miss the same days: one problem, naming the file and the dates.
        let found = problems_with(&csv_census(""), &[("census.csv", SHORT)]);
        assert_eq!(
            found,
            [
                "node[2].census.csv: `census.csv` has no row for 27 of the 30 days of the horizon: \
              2020-01-27 to 2020-02-22 (days 3-29); add the rows, or say how to fill them with \
              `fill = \"zero\"`, `\"last\"` or `\"linear\"`"
            ]
        );
    }

    #[test]
    fn fill_says_what_the_missing_days_are() {
        let files = [("census.csv", SHORT)];
        let severe = |fill: &str| {
            let m = crate::testutil::with_files(&csv_census(fill), None, &files);
            match &m.nodes[2].census {
                Some(Census::Series(days)) => days.iter().map(|day| day[2]).collect::<Vec<_>>(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(severe(", fill = \"zero\"")[2..5], [15.0, 0.0, 0.0]);
        assert_eq!(severe(", fill = \"last\"")[2..5], [15.0, 15.0, 15.0]);
        assert_eq!(severe(", fill = \"linear\"")[29], 15.0);
    }

    #[test]
    fn direct_demand_is_filled_between_its_rows() {
        let text = census(
            "census = { share_of_region = 1.0 }\ndemand = [{ product = \"mask\", csv = \"d.csv\", column = \"n\", fill = \"linear\" }]",
        );
        let files = [("d.csv", "day,n\n1,10\n4,40\n")];
        let m = crate::testutil::with_files(&text, None, &files);
        assert_eq!(
            m.nodes[2].direct_demand[0].1[..6],
            [10.0, 10.0, 20.0, 30.0, 40.0, 40.0]
        );
        let found = problems_with(&text.replace(", fill = \"linear\"", ""), &files);
        assert!(
            found.len() == 1
                && found[0].starts_with("node[2].demand[0].csv: `d.csv` has no row for 28 of")
                && found[0].contains("2020-01-24 (day 0), 2020-01-26 to 2020-01-27 (days 2-3)"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_fill_from_rows_needs_a_row() {
        let text = csv_census(", fill = \"last\"");
        let found = problems_with(&text, &[("census.csv", "day,severe,critical\n40,1,1\n")]);
        assert!(
            found.len() == 1
                && found[0].starts_with("node[2].census.csv: `census.csv` has no row within"),
            "{found:#?}"
        );
    }

    #[test]
    fn an_unknown_fill_lists_the_fills() {
        assert_problem(
            &csv_census(", fill = \"forward\""),
            "node[2].census.fill",
            "unknown variant `forward`, expected one of `zero`, `last`, `linear`",
        );
    }
}
