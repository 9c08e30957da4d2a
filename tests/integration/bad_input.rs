//! Broken scenarios are rejected with exit code 2, a message per problem that names the file,
//! the position, the field path and what is wrong, and no output at all.
//!
//! The corpus is `tests/bad/*.toml` (plus CSVs in `tests/bad/data/`): each file is the valid
//! `tests/good/base.toml` with a defect. A line of a bad file ending in a `# BAD` comment is where
//! a problem must be reported: every expected diagnostic must point at such a line (and at the
//! column of the token given in the table), and every such line must get a diagnostic.

use crate::{Outcome, medsupply, root};
use std::collections::BTreeSet;

/// Where a diagnostic must point.
#[derive(Debug, Clone, Copy)]
enum At {
    /// In the scenario, on a line marked `# BAD`, at the column where this token starts.
    Toml(&'static str),
    /// In this CSV file (relative to `tests/bad/`), at this 1-based line.
    Csv(&'static str, usize),
}

/// One diagnostic a case must produce.
#[derive(Debug)]
struct Expect {
    /// The field path the diagnostic names (empty: a syntax or CSV-row error names none).
    field: &'static str,
    /// Substrings of the message.
    says: &'static [&'static str],
    /// Where it points.
    at: At,
}

/// A diagnostic in the scenario file.
const fn toml(field: &'static str, token: &'static str, says: &'static [&'static str]) -> Expect {
    Expect {
        field,
        says,
        at: At::Toml(token),
    }
}

/// A diagnostic in a CSV file.
const fn csv(
    file: &'static str,
    line: usize,
    field: &'static str,
    says: &'static [&'static str],
) -> Expect {
    Expect {
        field,
        says,
        at: At::Csv(file, line),
    }
}

/// A broken scenario and everything that must be reported about it.
#[derive(Debug)]
struct Case {
    /// File name under `tests/bad/`.
    file: &'static str,
    /// Exactly how many problems are reported (`N problem(s) found`); consequences included.
    problems: usize,
    /// The diagnostics.
    expect: &'static [Expect],
}

const fn ok(file: &'static str, problems: usize, expect: &'static [Expect]) -> Case {
    Case {
        file,
        problems,
        expect,
    }
}

/// Every broken scenario, with what must be reported.
const CASES: &[Case] = &[
    ok(
        "toml_syntax_error.toml",
        1,
        &[toml("", "= 2", &["TOML syntax error"])],
    ),
    ok(
        "unknown_field_top_level.toml",
        1,
        &[toml("colour", "colour", &["unknown field"])],
    ),
    ok(
        "unknown_field_in_node.toml",
        1,
        &[toml("node[2].beds", "beds", &["unknown field"])],
    ),
    ok(
        "unknown_field_in_distribution.toml",
        1,
        &[toml(
            "node[1].replenish[0].order_delay_hours",
            "order_delay_hours",
            &["unknown field `max`"],
        )],
    ),
    ok(
        "unknown_region.toml",
        1,
        &[toml(
            "node[2].region",
            "region",
            &["unknown region `Hubie`"],
        )],
    ),
    ok(
        "unknown_bom_material.toml",
        1,
        &[toml(
            "product[0].bom.meltblow",
            "meltblow",
            &["unknown material `meltblow`"],
        )],
    ),
    ok(
        "unknown_link_source.toml",
        2,
        &[
            toml("link[0].from", "from", &["unknown node `jiangsu-meltblow`"]),
            toml(
                "node[1].replenish[0].source",
                "source",
                &["no route from `jiangsu-meltblown` to `jiangsu-mask-factory`"],
            ),
        ],
    ),
    ok(
        "unknown_replenish_source.toml",
        2,
        &[
            toml(
                "node[2].replenish[0].source",
                "source",
                &["unknown node `jiangsu-factory`"],
            ),
            toml("node[2]", "[[node]]", &["`wuhan-hospital` is unreachable"]),
        ],
    ),
    // Closed vocabularies: a value outside the set is rejected, and the message lists the set.
    ok(
        "unknown_node_kind.toml",
        1,
        &[toml(
            "node[2].kind",
            "kind",
            &[
                "unknown variant `clinic`",
                "`supplier`, `factory`, `warehouse`, `reserve`, `hospital`, `source`",
            ],
        )],
    ),
    ok(
        "unknown_transport_mode.toml",
        1,
        &[toml(
            "link[1].mode",
            "mode",
            &[
                "unknown variant `truck`",
                "`road`, `rail`, `air`, `ferry+road`",
            ],
        )],
    ),
    ok(
        "duplicate_node_id.toml",
        1,
        &[toml(
            "node[3].id",
            "id",
            &["`jiangsu-meltblown` is defined twice"],
        )],
    ),
    ok(
        "duplicate_region_id.toml",
        1,
        &[toml("region[2].id", "id", &["`Hubei` is defined twice"])],
    ),
    ok(
        "negative_capacity.toml",
        1,
        &[toml(
            "link[1].capacity[0].trucks_per_day",
            "trucks_per_day",
            &["cannot be negative", "-2"],
        )],
    ),
    ok(
        "switch_and_payment_lag.toml",
        2,
        &[
            toml(
                "node[1].conversion[0].from_item",
                "from_item = \"gloves\"",
                &["unknown item `gloves`"],
            ),
            toml(
                "node[1].payment_lag_days",
                "payment_lag_days = 30",
                &["only a node with `working_capital` is paid for what it ships"],
            ),
        ],
    ),
    ok(
        "negative_lines.toml",
        1,
        &[toml(
            "node[1].lines[0].lines",
            "lines = -2",
            &["cannot be negative", "-2"],
        )],
    ),
    ok(
        "nan_value.toml",
        1,
        &[toml("region[0].epidemic.r0", "r0", &["finite number"])],
    ),
    ok(
        "inf_value.toml",
        1,
        &[toml(
            "node[0].lines[0].rate_per_line",
            "rate_per_line",
            &["finite number"],
        )],
    ),
    ok(
        "missing_csv.toml",
        1,
        &[toml(
            "node[2].census.csv",
            "csv",
            &["cannot read CSV file", "data/does_not_exist.csv"],
        )],
    ),
    ok(
        "csv_not_a_number.toml",
        1,
        &[csv(
            "data/census_not_a_number.csv",
            3,
            "severe",
            &["`twelve` is not a finite non-negative number"],
        )],
    ),
    ok(
        "csv_bad_date.toml",
        1,
        &[csv(
            "data/census_bad_date.csv",
            4,
            "date",
            &["`2020-02-30` is not a date"],
        )],
    ),
    ok(
        "csv_missing_column.toml",
        1,
        &[csv(
            "data/census_missing_column.csv",
            1,
            "severe",
            &["no column `severe`"],
        )],
    ),
    // A row of a CSV table is located in its file, at its line and column.
    ok(
        "table_bad_value.toml",
        1,
        &[csv(
            "data/table_nodes_bad_value.csv",
            4,
            "node[2].region",
            &["column `region`", "unknown region `Hubie`"],
        )],
    ),
    ok(
        "table_unknown_column.toml",
        1,
        &[csv(
            "data/table_nodes_unknown_column.csv",
            1,
            "shift",
            &["unknown column"],
        )],
    ),
    ok(
        "table_bad_distribution.toml",
        1,
        &[csv(
            "data/table_links_bad_distribution.csv",
            3,
            "lead_time_days",
            &["`tri(0.8,2.0)`", "tri(min,mode,max)"],
        )],
    ),
    ok(
        "csv_ragged_row.toml",
        1,
        &[csv(
            "data/census_ragged_row.csv",
            3,
            "",
            &["malformed row", "2 fields"],
        )],
    ),
    ok(
        "lead_time_fixed_zero.toml",
        1,
        &[toml(
            "link[0].lead_time_days",
            "lead_time_days",
            &["positive minimum"],
        )],
    ),
    ok(
        "lead_time_uniform_min_zero.toml",
        1,
        &[toml(
            "link[0].lead_time_days",
            "lead_time_days",
            &["positive minimum"],
        )],
    ),
    ok(
        "unreachable_hospital.toml",
        2,
        &[
            toml(
                "node[2].replenish[0].source",
                "source",
                &["no route from `jiangsu-mask-factory` to `wuhan-hospital`"],
            ),
            toml("node[2]", "[[node]]", &["`wuhan-hospital` is unreachable"]),
        ],
    ),
    ok(
        "triangular_min_above_max.toml",
        1,
        &[toml(
            "link[1].lead_time_days",
            "lead_time_days",
            &["triangular", "min <= mode <= max"],
        )],
    ),
    ok(
        "severity_shares.toml",
        1,
        &[toml(
            "region[0].epidemic.severity",
            "severity",
            &["must sum to 1", "1.1"],
        )],
    ),
    ok(
        "csv_gap_census.toml",
        1,
        &[toml(
            "node[2].census.csv",
            "csv",
            &[
                "`data/census_gap.csv` has no row for 27 of the 30 days",
                "2020-01-26 (day 2), 2020-01-28 to 2020-02-22 (days 4-29)",
                "`fill = \"zero\"`",
            ],
        )],
    ),
    ok(
        "csv_gap_demand.toml",
        1,
        &[toml(
            "node[2].demand[0].csv",
            "csv",
            &["`data/census_gap.csv` has no row for 27 of the 30 days"],
        )],
    ),
    ok(
        "csv_fill_unknown.toml",
        1,
        &[toml(
            "node[2].census.fill",
            "fill",
            &["unknown variant `forward`, expected one of `zero`, `last`, `linear`"],
        )],
    ),
    ok(
        "hospital_without_demand.toml",
        2,
        &[
            toml(
                "node[2].demand",
                "[[node]]",
                &["hospital `wuhan-hospital` has no demand", "`demand = []`"],
            ),
            toml(
                "product[0].demanded",
                "[[product]]",
                &["consumable `surgical_mask` has no demand anywhere"],
            ),
        ],
    ),
    ok(
        "product_without_demand.toml",
        1,
        &[toml(
            "product[1].demanded",
            "[[product]]",
            &[
                "consumable `gown` has no demand anywhere: it has no [burn] rates",
                "`demanded = false`",
            ],
        )],
    ),
    ok(
        "share_of_region_without_epidemic.toml",
        1,
        &[toml(
            "node[2].census.share_of_region",
            "share_of_region",
            &["region `Jiangsu` has no epidemic"],
        )],
    ),
    ok(
        "share_of_region_sum.toml",
        1,
        &[toml(
            "node[3].census.share_of_region",
            "share_of_region",
            &[
                "region `Hubei`",
                "sum to 1.4 (`wuhan-hospital` 1, `clinic-` 2 × 0.2 = 0.4)",
            ],
        )],
    ),
    ok(
        "bad_variant_path.toml",
        1,
        &[toml(
            "variant[0].set.node.no-such-node.shifts",
            "\"node.no-such-node.shifts\"",
            &["variant `more-shifts`", "no element `no-such-node`"],
        )],
    ),
    ok(
        "start_date_not_a_date.toml",
        1,
        &[toml("scenario.start_date", "start_date", &["not a date"])],
    ),
    ok(
        "reserve_without_release.toml",
        1,
        &[toml(
            "node[3]",
            "[[node]]",
            &["a reserve needs a [node.release] rule"],
        )],
    ),
    ok(
        "missing_required_field.toml",
        1,
        &[toml("scenario", "scenario", &["missing field `days`"])],
    ),
    ok(
        "wrong_type.toml",
        1,
        &[toml(
            "scenario.days",
            "days",
            &["invalid type", "\"thirty\""],
        )],
    ),
    ok(
        "several_problems.toml",
        6,
        &[
            toml("scenario.start_date", "start_date", &["not a date"]),
            toml(
                "region[0].epidemic.severity",
                "severity",
                &["must sum to 1"],
            ),
            toml("node[2].region", "region", &["unknown region `Hubie`"]),
            toml(
                "node[3]",
                "[[node]]",
                &["a reserve needs a [node.release] rule"],
            ),
            toml(
                "link[0].lead_time_days",
                "lead_time_days",
                &["positive minimum"],
            ),
            toml(
                "link[1].capacity[0].trucks_per_day",
                "trucks_per_day",
                &["cannot be negative"],
            ),
        ],
    ),
    // Reported together since the reporting was fixed; each also has a test of its own below.
    ok(
        "several_problems_shape_and_semantic.toml",
        4,
        &[
            toml("colour", "colour", &["unknown field"]),
            toml("region[0].epidemic.r0", "r0", &["finite number"]),
            toml("node[2].region", "region", &["unknown region `Hubie`"]),
            toml(
                "link[1].capacity[0].trucks_per_day",
                "trucks_per_day",
                &["cannot be negative"],
            ),
        ],
    ),
    ok(
        "several_type_errors.toml",
        2,
        &[
            toml("scenario.days", "days", &["invalid type", "\"thirty\""]),
            toml(
                "link[1].capacity[0].trucks_per_day",
                "trucks_per_day",
                &["invalid type", "\"two\""],
            ),
        ],
    ),
    ok(
        "variant_unknown_key.toml",
        1,
        &[toml(
            "green_channel.enabeld",
            "\"green_channel.enabeld\"",
            &["variant `typo`", "unknown field"],
        )],
    ),
    ok(
        "variant_value_out_of_range.toml",
        1,
        &[toml(
            "scenario.replications",
            "\"scenario.replications\"",
            &["variant `negative`", "must be between 1 and 1000000", "-1"],
        )],
    ),
    ok(
        "multibyte_column.toml",
        1,
        &[toml(
            "node[2].replenish[0].order_up_to",
            "order_up_to",
            &["must exceed reorder_point"],
        )],
    ),
    ok(
        "link_group_unknown_prefix.toml",
        1,
        &[toml(
            "link_group[0].to[1]",
            "\"beijing-*\"",
            &["no node id starts with `beijing-`"],
        )],
    ),
    ok(
        "node_count_out_of_range.toml",
        1,
        &[toml(
            "node[2].count",
            "count",
            &["must be between 1 and 10000000, got 0"],
        )],
    ),
    ok(
        // Three clinics alike are reported once, not once per clinic.
        "node_count_copies.toml",
        3,
        &[
            toml("node[4].id", "id", &["`clinic-1` is defined twice"]),
            toml(
                "node[4].replenish[0].source",
                "source",
                &["no route from `jiangsu-meltblown` to `clinic-0`"],
            ),
            toml("node[4]", "[[node]]", &["`clinic-0` is unreachable"]),
        ],
    ),
    ok(
        "make_to_order_zero_batch.toml",
        3,
        &[
            toml(
                "node[1].make_to_order.batch_max",
                "batch_max",
                &["must be at least 1 unit, got 0"],
            ),
            toml(
                "node[2].customer_orders[0].units",
                "units",
                &["whole number of units", "2.5"],
            ),
            toml(
                "node[2].customer_orders[0].interarrival_days",
                "interarrival_days",
                &["at least one minute", "0.0001 days"],
            ),
        ],
    ),
    // Names that become output folders (issue: a name with `../` wrote outside --out).
    ok(
        "name_path_escape.toml",
        1,
        &[toml(
            "scenario.name",
            "name",
            &["`../escape`", "only letters, digits, `.`, `_` and `-`"],
        )],
    ),
    ok(
        "name_empty.toml",
        1,
        &[toml("scenario.name", "name", &["must not be empty"])],
    ),
    ok(
        "name_too_long.toml",
        1,
        &[toml(
            "scenario.name",
            "name",
            &["20000 characters", "at most 100 characters"],
        )],
    ),
    ok(
        "duplicate_variant_name.toml",
        1,
        &[toml(
            "variant[1].name",
            "name",
            &["`more-shifts` is defined twice"],
        )],
    ),
    ok(
        "map_bad_outline.toml",
        2,
        &[
            toml(
                "region[0].outline",
                "outline",
                &["`data/map-outlines.geojson` has no feature whose `name` is `Hubei province`"],
            ),
            toml(
                "region[1].id",
                "id",
                &[
                    "feature `Jiangsu` of `data/map-outlines.geojson`",
                    "Point, not a Polygon or MultiPolygon",
                ],
            ),
        ],
    ),
    ok(
        "map_not_geojson.toml",
        1,
        &[toml(
            "map.geojson",
            "geojson",
            &["`data/census_gap.csv`: not a GeoJSON feature collection"],
        )],
    ),
    ok(
        "csv_outside_folder.toml",
        1,
        &[toml(
            "node[2].census.csv",
            "csv",
            &["leaves the scenario's folder", "--allow-outside-paths"],
        )],
    ),
    // Absurd sizes are refused before anything is allocated.
    ok(
        "horizon_centuries.toml",
        1,
        &[toml(
            "scenario.days",
            "days",
            &["must be between 1 and 3650, got 36500", "--limit days=N"],
        )],
    ),
    ok(
        "replications_billions.toml",
        1,
        &[toml(
            "scenario.replications",
            "replications",
            &["got 5000000000", "--limit replications=N"],
        )],
    ),
];

/// Scenarios with absurd magnitudes: rejecting them (exit 2, naming the field) or running them
/// (exit 0) are both acceptable; panicking is not.
const EXTREME: &[(&str, &str)] = &[
    ("huge_stock.toml", "node[2].stock.surgical_mask"),
    ("huge_lead_time.toml", "link[1].lead_time_days"),
];

fn case(file: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.file == file)
        .unwrap_or_else(|| panic!("{file} is not in CASES"))
}

/// Whether a scenario line ends in a `# BAD` comment (a comment line does not count).
fn is_marked(line: &str) -> bool {
    !line.trim_start().starts_with('#') && line.contains("# BAD")
}

/// Splits `FILE:LINE:COL: REST` or `FILE: REST` for a given FILE.
fn parse_diag<'a>(line: &'a str, file: &str) -> Option<(Option<(usize, usize)>, &'a str)> {
    let line = line.trim_start();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let rest = line.strip_prefix(file)?;
    if let Some(msg) = rest.strip_prefix(": ") {
        return Some((None, msg));
    }
    let mut parts = rest.strip_prefix(':')?.splitn(3, ':');
    let l = parts.next()?.parse().ok()?;
    let c = parts.next()?.parse().ok()?;
    let msg = parts.next()?.strip_prefix(' ')?;
    Some((Some((l, c)), msg))
}

/// Checks where a diagnostic points; returns the scenario line it points at, if any.
fn check_position(
    at: At,
    pos: Option<(usize, usize)>,
    text: &str,
) -> Result<Option<usize>, String> {
    let Some((line, col)) = pos else {
        return Err("it has no line:col position".into());
    };
    match at {
        At::Toml(token) => {
            let src = line
                .checked_sub(1)
                .and_then(|l| text.lines().nth(l))
                .ok_or_else(|| format!("line {line} is not in the file"))?;
            if !is_marked(src) {
                return Err(format!("line {line} is not a line marked `# BAD`: {src:?}"));
            }
            let from: String = src.chars().skip(col.saturating_sub(1)).collect();
            if col == 0 || !from.starts_with(token) {
                return Err(format!(
                    "column {col} of line {line} is not where `{token}` starts: {src:?}"
                ));
            }
            Ok(Some(line))
        }
        At::Csv(_, want) if line == want => Ok(None),
        At::Csv(_, want) => Err(format!("it points at CSV line {line}, not {want}")),
    }
}

/// Finds the diagnostic `e` in `stderr`; returns the scenario line it points at.
fn find(e: &Expect, scenario: &str, text: &str, stderr: &str) -> Result<Option<usize>, String> {
    let file = match e.at {
        At::Toml(_) => scenario.to_string(),
        At::Csv(csv, _) => format!("tests/bad/{csv}"),
    };
    let mut misplaced = Vec::new();
    for line in stderr.lines() {
        let Some((pos, rest)) = parse_diag(line, &file) else {
            continue;
        };
        if !e.field.is_empty() && !rest.contains(&format!("{}: ", e.field)) {
            continue;
        }
        if !e.says.iter().all(|s| rest.contains(s)) {
            continue;
        }
        match check_position(e.at, pos, text) {
            Ok(l) => return Ok(l),
            Err(why) => misplaced.push(format!("{:?}: {why}", line.trim())),
        }
    }
    if misplaced.is_empty() {
        Err(format!(
            "no diagnostic in {file} for field `{}` saying {:?}",
            e.field, e.says
        ))
    } else {
        Err(format!(
            "diagnostic for `{}` found but misplaced: {}",
            e.field,
            misplaced.join("; ")
        ))
    }
}

/// Runs `validate` and `run` on a case; returns every way the program falls short.
fn check_case(c: &Case) -> Vec<String> {
    let rel = format!("tests/bad/{}", c.file);
    let text = std::fs::read_to_string(root().join(&rel))
        .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    let marked: BTreeSet<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| is_marked(l))
        .map(|(i, _)| i + 1)
        .collect();
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let runs = [
        medsupply(["validate", rel.as_str()]),
        medsupply([
            "run",
            rel.as_str(),
            "--out",
            tmp.path().to_str().expect("a UTF-8 temp path"),
        ]),
    ];
    let mut problems = Vec::new();
    for o in &runs {
        let mut errs = Vec::new();
        if o.code != Some(2) {
            errs.push(format!("exit code {:?}, expected 2", o.code));
        }
        if o.stderr.contains("panicked") {
            errs.push("it panicked".to_string());
        }
        // A problem inside a CSV file is located in that file (checked with each diagnostic).
        let only_csv = c.expect.iter().all(|e| matches!(e.at, At::Csv(..)));
        if !only_csv && !o.stderr.contains(&rel) {
            errs.push(format!("stderr does not name {rel}"));
        }
        let count = format!("{} problem(s) found", c.problems);
        if !o.stderr.contains(&count) {
            errs.push(format!("stderr does not say `{count}`"));
        }
        let mut pointed = BTreeSet::new();
        for e in c.expect {
            match find(e, &rel, &text, &o.stderr) {
                Ok(line) => pointed.extend(line),
                Err(why) => errs.push(why),
            }
        }
        for l in marked.difference(&pointed) {
            errs.push(format!(
                "no expected diagnostic points at line {l}, marked `# BAD`"
            ));
        }
        if !errs.is_empty() {
            problems.push(format!(
                "`medsupply {}`:\n    - {}\n    stderr:\n{}",
                o.args,
                errs.join("\n    - "),
                indent(&o.stderr)
            ));
        }
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("the temporary directory is listable")
        .map(|e| e.expect("an entry").path().display().to_string())
        .collect();
    if !left.is_empty() {
        problems.push(format!("`run {rel}` left files behind: {left:?}"));
    }
    problems
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("      | {l}\n")).collect()
}

#[track_caller]
fn assert_cases(files: &[&str]) {
    let failures: Vec<String> = files.iter().flat_map(|f| check_case(case(f))).collect();
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn bad_scenarios_are_reported_with_file_position_field_and_message() {
    let files: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    assert!(files.len() >= 25, "the corpus shrank to {}", files.len());
    assert_cases(&files);
}

#[test]
fn every_problem_in_a_file_is_reported() {
    assert_cases(&["several_problems.toml"]);
}

#[test]
fn validate_reports_the_problems_of_every_file() {
    let o = medsupply([
        "validate",
        "tests/bad/unknown_region.toml",
        "tests/good/base.toml",
        "tests/bad/negative_capacity.toml",
    ]);
    o.assert_code(2);
    for want in [
        "tests/bad/unknown_region.toml:",
        "node[2].region: unknown region `Hubie`",
        "tests/bad/negative_capacity.toml:",
        "link[1].capacity[0].trucks_per_day: cannot be negative",
        "2 problem(s) found",
    ] {
        assert!(
            o.stderr.contains(want),
            "missing {want:?} in:\n{}",
            o.stderr
        );
    }
}

#[test]
fn the_corpus_is_sound() {
    // The file every case is derived from is valid, so each case fails for its defect alone.
    let o = medsupply([
        "validate",
        "tests/good/base.toml",
        "tests/good/csv_census.toml",
    ]);
    o.assert_code(0);
    // The valid CSV counterpart of the csv_* cases runs.
    let tmp = tempfile::tempdir().expect("a temporary directory");
    crate::run_ok(
        &root().join("tests/good/csv_census.toml"),
        tmp.path(),
        &["--replications", "1", "--no-plots"],
    );
    // The seven result files, and the lock file (`.lock`).
    assert_eq!(crate::files_under(tmp.path()).len(), 8);
    // Every file of the corpus is in a table, and every table entry has its file.
    let listed: BTreeSet<&str> = CASES
        .iter()
        .map(|c| c.file)
        .chain(EXTREME.iter().map(|e| e.0))
        .collect();
    assert_eq!(
        listed.len(),
        CASES.len() + EXTREME.len(),
        "a file is listed twice"
    );
    let on_disk: BTreeSet<String> = std::fs::read_dir(root().join("tests/bad"))
        .expect("tests/bad exists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".toml"))
        .collect();
    let listed: BTreeSet<String> = listed.into_iter().map(str::to_string).collect();
    assert_eq!(on_disk, listed, "tests/bad/*.toml and the tables differ");
    // Every bad CSV is used by a case: pointed at, or named by a problem of the scenario (a CSV
    // that misses days of the horizon).
    for e in std::fs::read_dir(root().join("tests/bad/data")).expect("tests/bad/data exists") {
        let name = format!(
            "data/{}",
            e.expect("an entry").file_name().to_string_lossy()
        );
        // The valid tables the table_* cases share, each breaking one of them.
        if name.starts_with("data/tables-") {
            continue;
        }
        let used = CASES.iter().flat_map(|c| c.expect).any(|x| {
            matches!(x.at, At::Csv(f, _) if f == name)
                || x.says.iter().any(|s| s.contains(&format!("`{name}`")))
        });
        assert!(used, "tests/bad/{name} is not used by any case");
    }
}

/// A usage error: exit 2, a message naming the culprit, no panic, nothing written.
#[track_caller]
fn assert_usage_error(args: &[&str], says: &[&str]) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let mut all: Vec<&str> = args.to_vec();
    let out = tmp.path().to_str().expect("a UTF-8 temp path");
    if matches!(args.first(), Some(&("run" | "compare" | "sweep"))) {
        all.extend(["--out", out]);
    }
    let o: Outcome = medsupply(&all);
    o.assert_code(2);
    for s in says {
        assert!(
            o.stderr.contains(s),
            "`medsupply {}`: stderr lacks {s:?}:\n{}",
            o.args,
            o.stderr
        );
    }
    assert!(
        std::fs::read_dir(tmp.path())
            .expect("the temporary directory is listable")
            .next()
            .is_none(),
        "`medsupply {}` wrote into the output directory",
        o.args
    );
}

#[test]
fn unknown_variant_is_a_usage_error() {
    assert_usage_error(
        &[
            "run",
            "scenarios/minimal.toml",
            "--variant",
            "no-such-variant",
        ],
        &[
            "no variant named `no-such-variant`",
            "no-green-channel",
            "no-conversion",
        ],
    );
    // Nothing runs, not even the valid variant asked for first.
    assert_usage_error(
        &[
            "run",
            "scenarios/minimal.toml",
            "--variant",
            "base",
            "--variant",
            "no-such-variant",
        ],
        &["no-such-variant"],
    );
}

#[test]
fn zero_replications_is_a_usage_error() {
    assert_usage_error(
        &["run", "scenarios/minimal.toml", "--replications", "0"],
        &["--replications"],
    );
}

#[test]
fn missing_scenario_file_is_reported() {
    assert_usage_error(
        &["run", "tests/bad/does_not_exist.toml"],
        &["tests/bad/does_not_exist.toml"],
    );
    assert_usage_error(
        &["validate", "tests/bad/does_not_exist.toml"],
        &["tests/bad/does_not_exist.toml"],
    );
}

#[test]
fn malformed_command_lines_are_usage_errors() {
    assert_usage_error(&["run"], &["SCENARIO"]);
    assert_usage_error(&["validate"], &["SCENARIOS"]);
    assert_usage_error(&["simulate", "scenarios/minimal.toml"], &["simulate"]);
    assert_usage_error(
        &["run", "scenarios/minimal.toml", "--threads", "many"],
        &["--threads"],
    );
    assert_usage_error(
        &[
            "run",
            "scenarios/minimal.toml",
            "--all-variants",
            "--variant",
            "base",
        ],
        &["--all-variants"],
    );
}

#[test]
fn too_many_threads_is_a_usage_error_not_an_abort() {
    // 100,000 threads once got as far as the operating system's limits, where a thread that
    // could not get its stack aborted the process.
    assert_usage_error(
        &["run", "scenarios/minimal.toml", "--threads", "100000"],
        &["--threads must be at most 1024", "got 100000"],
    );
}

#[test]
fn a_network_over_the_links_limit_is_refused_at_the_group_that_crosses_it() {
    // A `[[link_group]]` of a few lines joins every node of one set to every node of another:
    // `generate --layered 100000` writes one of 1.1×10⁹ links in 3 KB, which once got as far
    // as a run, where the per-link state of a replication did not fit in memory.
    let layered = "benches/scenarios/layered-50.toml";
    assert_usage_error(
        &["validate", layered, "--limit", "links=100"],
        &[
            "layered-50.toml:95:1: link_group[2]: brings the network to 281 links, over the limit of 100",
            "--limit links=N",
        ],
    );
    medsupply(["validate", layered, "--limit", "links=281"]).assert_code(0);
}

#[test]
fn sweeps_and_generated_networks_too_large_for_memory_are_refused() {
    // Each once ran out of memory: a grid of 10¹⁰ points, a network of 10¹¹ nodes.
    let hundred: Vec<String> = (1..=100).map(|v| v.to_string()).collect();
    let sets: Vec<String> = [
        "policy.productivity_under_controls",
        "policy.priority_restart_factor",
        "policy.sme_financing_restart_factor",
        "policy.sme_financing_credit_factor",
        "workers.initial",
    ]
    .iter()
    .map(|p| format!("{p}={}", hundred.join(",")))
    .collect();
    let mut args = vec!["sweep", "scenarios/minimal.toml"];
    for s in &sets {
        args.extend(["--set", s.as_str()]);
    }
    assert_usage_error(
        &args,
        &["at most 10000 grid points, and these --set values make 10000000000"],
    );
    assert_usage_error(
        &["generate", "--nodes", "100000000000"],
        &["--nodes must be at most 2000000, got 100000000000"],
    );
}

#[test]
fn an_output_folder_that_is_a_file_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let file = tmp.path().join("results.txt");
    std::fs::write(&file, "kept").expect("a file");
    let shown = file.to_str().expect("a UTF-8 temp path");
    let o = medsupply([
        "run",
        "scenarios/minimal.toml",
        "--no-plots",
        "--out",
        shown,
    ]);
    o.assert_code(2);
    assert!(
        o.stderr
            .contains(&format!("{shown} is a file, not a folder")),
        "{}",
        o.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).expect("still there"), "kept");
}

#[test]
fn a_setting_in_a_list_the_scenario_leaves_out_names_the_list() {
    // `minimal.toml` has no `[[link_group]]`, and its supplier no replenishment rules.
    assert_usage_error(
        &[
            "sweep",
            "scenarios/minimal.toml",
            "--set",
            "link_group.0.toll_per_truck=1,2",
        ],
        &[
            "setting `link_group.0.toll_per_truck`",
            "`link_group` has no element `0`: the scenario has no `link_group` entries",
        ],
    );
    assert_usage_error(
        &[
            "sweep",
            "scenarios/minimal.toml",
            "--set",
            "node.jiangsu-meltblown.replenish.0.order_up_to=1,2",
        ],
        &["in `node.jiangsu-meltblown`: `replenish` has no element `0`"],
    );
}

// ---- Reporting that once fell short; each has its own test so a regression is named. ----

#[test]
fn shape_and_model_problems_are_reported_together() {
    assert_cases(&["several_problems_shape_and_semantic.toml"]);
}

#[test]
fn every_type_error_is_reported() {
    assert_cases(&["several_type_errors.toml"]);
}

#[test]
fn variant_problems_point_at_the_variant() {
    assert_cases(&[
        "variant_unknown_key.toml",
        "variant_value_out_of_range.toml",
    ]);
}

#[test]
fn columns_count_characters() {
    assert_cases(&["multibyte_column.toml"]);
}

#[test]
fn validate_reports_other_files_despite_a_missing_one() {
    for args in [
        [
            "validate",
            "tests/bad/unknown_region.toml",
            "tests/bad/does_not_exist.toml",
        ],
        [
            "validate",
            "tests/bad/does_not_exist.toml",
            "tests/bad/unknown_region.toml",
        ],
    ] {
        let o = medsupply(args);
        o.assert_code(2);
        for want in [
            "tests/bad/does_not_exist.toml",
            "node[2].region: unknown region `Hubie`",
        ] {
            assert!(
                o.stderr.contains(want),
                "`medsupply {}`: stderr lacks {want:?}:\n{}",
                o.args,
                o.stderr
            );
        }
    }
}

#[test]
fn absurd_magnitudes_never_panic() {
    let mut failures = Vec::new();
    for (file, field) in EXTREME {
        let rel = format!("tests/bad/{file}");
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let out = tmp.path().to_str().expect("a UTF-8 temp path");
        for o in [
            medsupply(["validate", rel.as_str()]),
            medsupply(["run", rel.as_str(), "--out", out, "--replications", "1"]),
        ] {
            let fine = match o.code {
                Some(0) => !o.stderr.contains("panicked"),
                Some(2) => o.stderr.contains(&rel) && o.stderr.contains(field),
                _ => false,
            };
            if !fine {
                failures.push(format!(
                    "`medsupply {}` exited with {:?} (want 0, or 2 naming {field}):\n{}",
                    o.args,
                    o.code,
                    indent(&o.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn limits_and_outside_paths_are_raised_only_by_flags() {
    // What the flags allow, a scenario alone cannot.
    for (file, flags) in [
        (
            "tests/bad/csv_outside_folder.toml",
            &["--allow-outside-paths"][..],
        ),
        (
            "tests/bad/horizon_centuries.toml",
            &["--limit", "days=40000"][..],
        ),
    ] {
        let mut args = vec!["validate", file];
        args.extend(flags);
        medsupply(&args).assert_code(0);
    }
    assert_usage_error(
        &["validate", "tests/good/base.toml", "--limit", "weeks=3"],
        &["--limit takes days=N", "`weeks=3`"],
    );
    assert_usage_error(
        &[
            "run",
            "tests/good/base.toml",
            "--replications",
            "2000000000",
        ],
        &[
            "--replications must be between 1 and 1000000",
            "--limit replications=N",
        ],
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let big = tmp.path().join("big.toml");
    let base = std::fs::read_to_string(root().join("tests/good/base.toml")).expect("base.toml");
    let padding = format!("# {}\n", "x".repeat(1023)).repeat(1100);
    std::fs::write(&big, padding + &base).expect("a scratch file");
    let big = big.to_str().expect("a UTF-8 temp path");
    assert_usage_error(
        &["validate", big, "--limit", "file-mb=1"],
        &["big.toml", "over the limit of 1 MiB", "--limit file-mb=N"],
    );
    medsupply(["validate", big]).assert_code(0);
}

#[test]
fn an_arm_is_asked_for_once() {
    assert_usage_error(
        &[
            "run",
            "scenarios/minimal.toml",
            "--variant",
            "base",
            "--variant",
            "base",
        ],
        &["`base` is asked for twice"],
    );
    assert_usage_error(
        &[
            "sweep",
            "scenarios/minimal.toml",
            "--set",
            "green_channel.start_day=3,3",
        ],
        &["`green_channel.start_day=3` is asked for twice"],
    );
}

#[test]
fn extreme_but_valid_values_run_through_a_whole_run() {
    // Every number at or near what validation allows: stocks of 1e15 (the largest number a
    // scenario may hold), a billion units per line per day on a thousand lines, orders of 4e13
    // and a million trucks a day. The run completes (its unit ledger balances, so no counter
    // wrapped), and one step beyond the unit bound is refused up front.
    let base = std::fs::read_to_string(root().join("tests/good/base.toml")).expect("base.toml");
    let mut text = base.clone();
    for (from, to) in [
        ("rate_per_line = 40_000", "rate_per_line = 1e12"),
        (
            "lines = 2, rate_per_line = 20_000",
            "lines = 1000, rate_per_line = 1e9",
        ),
        (
            "stock = { meltblown = 50_000 }",
            "stock = { meltblown = 1e15 }",
        ),
        (
            "stock = { surgical_mask = 20_000 }",
            "stock = { surgical_mask = 1e15 }",
        ),
        (
            "reorder_point = 40_000, order_up_to = 150_000",
            "reorder_point = 1e13, order_up_to = 4e13",
        ),
        (
            "reorder_point = 60_000, order_up_to = 200_000",
            "reorder_point = 1e13, order_up_to = 4e13",
        ),
        ("trucks_per_day = 2", "trucks_per_day = 1e6"),
    ] {
        assert!(text.contains(from), "base.toml no longer has {from:?}");
        text = text.replacen(from, to, 1);
    }
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let scenario = tmp.path().join("extreme.toml");
    std::fs::write(&scenario, &text).expect("a scratch file");
    let out = tmp.path().join("out");
    crate::run_ok(&scenario, &out, &["--replications", "2", "--no-plots"]);
    let beyond = tmp.path().join("beyond.toml");
    std::fs::write(
        &beyond,
        text.replace("order_up_to = 4e13", "order_up_to = 9e13"),
    )
    .expect("a scratch file");
    let o = medsupply(["validate", beyond.to_str().expect("a UTF-8 temp path")]);
    o.assert_code(2);
    assert!(
        o.stderr
            .contains("replenish[0].order_up_to: too many units"),
        "{}",
        o.stderr
    );
}

#[test]
fn what_the_fuzzer_found_is_reported_not_a_panic_or_a_hang() {
    // Each was a panic, an abort or a validation that took minutes (tests/integration/fuzz.rs).
    let base = std::fs::read_to_string(root().join("tests/good/base.toml")).expect("base.toml");
    let start = base.find("[[region]]").expect("base.toml has regions");
    let end = base.find("[[material]]").expect("base.toml has materials");
    let no_regions = format!("{}{}", &base[..start], &base[end..]);
    let wild_days = base.replacen("days = 30", "days = 9223372036854775807", 1);
    let many_problems = base.replacen(
        "risk = [{ day = 0, level = \"low\" }]",
        &format!(
            "risk = [{}]",
            vec!["{ day = 99, level = \"low\" }"; 100_000].join(", ")
        ),
        1,
    );
    let twice = "\n[[variant]]\nname = \"v\"\nset = { \"green_channel.enabled\" = false }\n";
    let many_variants = format!("{base}{}", twice.repeat(500));
    let tmp = tempfile::tempdir().expect("a temporary directory");
    for (name, text, says) in [
        ("no_regions", no_regions, "unknown region `Hubei`"),
        ("wild_days", wild_days, "scenario.days: is too large"),
        (
            "many_problems",
            many_problems,
            "day 99 is outside the horizon",
        ),
        (
            "many_variants",
            many_variants,
            "variant[499].name: `v` is defined twice",
        ),
    ] {
        let path = tmp.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).expect("a scratch file");
        let o = medsupply(["validate", path.to_str().expect("a UTF-8 temp path")]);
        o.assert_code(2);
        assert!(!o.stderr.contains("panicked"), "{name}: {}", o.stderr);
        assert!(o.stderr.contains(says), "{name}: stderr lacks {says:?}");
    }
}

#[test]
fn a_scenario_cut_short_after_its_regions_is_reported() {
    // It once passed `validate` and then panicked in `run`: nothing to supply, no network.
    let minimal = std::fs::read_to_string(root().join("scenarios/minimal.toml")).expect("minimal");
    let cut = minimal
        .find("[[material]]")
        .expect("minimal.toml has materials");
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let path = tmp.path().join("cut.toml");
    std::fs::write(&path, &minimal[..cut]).expect("a scratch file");
    let out = tmp.path().join("out");
    let (path, out) = (
        path.to_str().expect("a UTF-8 temp path"),
        out.to_str().expect("a UTF-8 temp path"),
    );
    for args in [vec!["validate", path], vec!["run", path, "--out", out]] {
        let o = medsupply(&args);
        o.assert_code(2);
        for says in [
            "product: a scenario needs at least one [[product]]",
            "node: a scenario needs at least one [[node]]",
        ] {
            assert!(
                o.stderr.contains(says),
                "{}: lacks {says:?}:\n{}",
                o.args,
                o.stderr
            );
        }
    }
}

#[test]
fn a_type_error_in_a_scenario_with_a_map_and_tables_is_the_only_problem() {
    // The shape check once knew neither `[map]` nor the `*_table` sections, so any problem in
    // a shipped scenario came with an "unknown field" for each of them.
    let text = std::fs::read_to_string(root().join("scenarios/china-2020.toml")).expect("china");
    let broken = text.replacen("\ndays = 90", "\ndays = \"ninety\"", 1);
    assert_ne!(broken, text, "china-2020.toml sets `days = 90`");
    let tmp = tempfile::tempdir().expect("a temporary directory");
    // Its CSV tables and map are found beside it.
    std::os::unix::fs::symlink(root().join("scenarios/data"), tmp.path().join("data"))
        .expect("a link to the scenarios' data");
    let path = tmp.path().join("china.toml");
    std::fs::write(&path, broken).expect("a scratch file");
    let o = medsupply(["validate", path.to_str().expect("a UTF-8 temp path")]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("1 problem(s) found") && o.stderr.contains("scenario.days: invalid type"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("unknown field"), "{}", o.stderr);
}
