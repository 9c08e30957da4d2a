//! Builds a hospital's demand: `[node.census]` (a share of its region's epidemic, or CSV
//! columns per severity class) and `[[node.demand]]` (direct product demand from CSV columns),
//! reading and hashing the CSV files.

use super::Builder;
use super::nodes::NodeContext;
use crate::error::Diagnostic;
use crate::model::{Census, ItemId, ItemKind, NodeKind};
use crate::scenario::location::FieldPath;
use crate::scenario::raw::{RawCensus, RawNode};
use sha2::Digest;
use std::path::Path;

impl Builder<'_> {
    /// A node's census and direct demand series (hospitals only).
    pub(super) fn demand(
        &mut self,
        at: &FieldPath,
        entry: &RawNode,
        kind: NodeKind,
        context: &NodeContext<'_>,
    ) -> (Option<Census>, Vec<(ItemId, Vec<f64>)>) {
        if kind != NodeKind::Hospital && (entry.census.is_some() || !entry.demand.is_empty()) {
            self.err(&at.key("census"), "only a hospital has demand");
        }
        let census = entry
            .census
            .as_ref()
            .and_then(|census| self.census(&at.key("census"), census, context));
        let mut direct = Vec::new();
        for (j, demand) in entry.demand.iter().enumerate() {
            let demand_at = at.key("demand").index(j);
            let Some(item) = self.lookup(
                &demand_at.key("product"),
                &context.names.items,
                "product",
                &demand.product,
            ) else {
                continue;
            };
            if context.items[item].kind == ItemKind::Material {
                self.err(
                    &demand_at.key("product"),
                    "hospitals demand products, not materials",
                );
            }
            let series = self.csv_column(
                &demand_at.key("csv"),
                context.base,
                &demand.csv,
                &demand.column,
                context.horizon,
            );
            if let Some(series) = series {
                direct.push((item, series));
            }
        }
        (census, direct)
    }

    /// Where a hospital's patients come from: exactly one of a share of its region's census or
    /// a CSV file with at least one column per severity class.
    fn census(
        &mut self,
        at: &FieldPath,
        census: &RawCensus,
        context: &NodeContext<'_>,
    ) -> Option<Census> {
        match (&census.share_of_region, &census.csv) {
            (Some(share), None) => Some(Census::RegionShare(
                self.share(&at.key("share_of_region"), *share),
            )),
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
                let horizon = context.horizon;
                let mut series = vec![[0.0; 4]; horizon.max(1) as usize];
                for (class, column) in columns.iter().enumerate() {
                    if let Some(column) = column {
                        let values =
                            self.csv_column(&at.key("csv"), context.base, file, column, horizon)?;
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
    /// (0-based), into a daily series over the horizon (days not listed are 0).
    fn csv_column(
        &mut self,
        at: &FieldPath,
        base: &Path,
        file: &str,
        column: &str,
        horizon: i64,
    ) -> Option<Vec<f64>> {
        let full = match self.file.options.data_path(base, file) {
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
        match self
            .file
            .csv
            .column(&full, &bytes, column, self.start, horizon.max(1) as usize)
        {
            Ok(values) => Some(values),
            Err(problems) => {
                for (line, field, message) in problems {
                    self.diags.push(Diagnostic {
                        file: full.clone(),
                        position: line.map(|line| (line, 1)),
                        field,
                        message: format!(
                            "{message} (read for {at} of {})",
                            self.file.path.display()
                        ),
                    });
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

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
}
