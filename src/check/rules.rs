//! The rules file of `check --rules FILE`: bounds per KPI, product and region.
//!
//! A small, strict TOML file: an array of `[[rule]]` tables and nothing else. Each rule selects
//! comparisons by any of `kpi`, `product` and `region` (an omitted selector matches everything)
//! and either bounds them or ignores them:
//!
//! ```toml
//! [[rule]]              # every KPI may move by 2 % of its baseline...
//! rtol = 0.02
//!
//! [[rule]]              # ...fill rates by 0.01 in absolute terms...
//! kpi = "fill_rate"
//! atol = 0.01
//!
//! [[rule]]              # ...and Hubei's lead times are not checked at all.
//! kpi = "lead_time_p95_days"
//! region = "Hubei"
//! ignore = true
//! ```
//!
//! A comparison is allowed to move by `atol + rtol × |baseline|` (in `statistical` mode that is
//! the practical threshold a significant change must exceed). The **last** rule that matches a
//! comparison decides its bound, so general rules go first and exceptions after them; a
//! comparison no rule matches gets the command line's `--atol`/`--rtol` (both 0 by default).
//! An omitted `atol` or `rtol` in a rule is 0. `kpi` is a column of `replications.csv` or a
//! probability of `summary.json` prefixed with `p_` (`p_stockout_by_end`); `region` is a region
//! id or `national`. Unknown keys, unknown KPIs, negative or non-finite bounds, and a rule that
//! neither bounds nor ignores are errors, reported with file, line and column.

use crate::error::{Diagnostic, Error, Result};
use crate::scenario::location::Locator;
use crate::stats::kpi::KPI_NAMES;
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Prefix that turns a probability of `summary.json` into a compared quantity.
pub const PROBABILITY_PREFIX: &str = "p_";

/// The probabilities `summary.json` reports, by event name.
const PROBABILITY_EVENTS: [&str; 1] = ["stockout_by_end"];

/// Every name a rule's `kpi` may take.
pub fn known_kpis() -> Vec<String> {
    KPI_NAMES
        .iter()
        .map(|k| k.to_string())
        .chain(
            PROBABILITY_EVENTS
                .iter()
                .map(|e| format!("{PROBABILITY_PREFIX}{e}")),
        )
        .collect()
}

/// How far a compared quantity may move: `atol + rtol × |baseline|`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bound {
    /// Absolute part.
    pub atol: f64,
    /// Relative part, a fraction of the baseline's magnitude.
    pub rtol: f64,
}

impl Bound {
    /// The allowed movement from `baseline`.
    pub fn allowed(&self, baseline: f64) -> f64 {
        self.atol + self.rtol * baseline.abs()
    }
}

/// What applies to one comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Treatment {
    /// Compared within this bound.
    Bounded(Bound),
    /// Not compared.
    Ignored,
}

/// One rule, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// KPI it selects (None: any).
    pub kpi: Option<String>,
    /// Product it selects (None: any).
    pub product: Option<String>,
    /// Region it selects (None: any).
    pub region: Option<String>,
    /// What it does to the comparisons it selects.
    pub treatment: Treatment,
    /// `file:line:col` of the rule, for messages.
    pub location: String,
}

impl Rule {
    /// Whether the rule selects this comparison.
    pub fn matches(&self, kpi: &str, product: &str, region: &str) -> bool {
        let hit = |sel: &Option<String>, v: &str| sel.as_deref().is_none_or(|s| s == v);
        hit(&self.kpi, kpi) && hit(&self.product, product) && hit(&self.region, region)
    }
}

/// A parsed rules file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rules {
    /// The rules in file order.
    pub rules: Vec<Rule>,
}

impl Rules {
    /// The treatment of a comparison and the index of the rule that decided it (None: the
    /// default applies).
    pub fn treatment(
        &self,
        default: Bound,
        kpi: &str,
        product: &str,
        region: &str,
    ) -> (Treatment, Option<usize>) {
        self.rules
            .iter()
            .enumerate()
            .rev()
            .find(|(_, r)| r.matches(kpi, product, region))
            .map_or((Treatment::Bounded(default), None), |(i, r)| {
                (r.treatment, Some(i))
            })
    }

    /// Reads and validates a rules file.
    pub fn read(path: &Path) -> Result<Rules> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Rules::parse(path, &text)
    }

    /// Parses and validates the text of a rules file; every problem is reported with its
    /// position.
    pub fn parse(path: &Path, text: &str) -> Result<Rules> {
        let locator = Locator::new(text);
        let diag = |span: Option<Range<usize>>, field: String, message: String| Diagnostic {
            file: path.to_path_buf(),
            position: span.map(|s| locator.line_col(s.start)),
            field,
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            Error::Invalid(vec![diag(
                e.span(),
                String::new(),
                e.message().trim().to_string(),
            )])
        })?;
        let known = known_kpis();
        let mut diags = Vec::new();
        let mut rules = Vec::new();
        for (i, spanned) in raw.rule.iter().enumerate() {
            let rule_span = spanned.span();
            let r = spanned.get_ref();
            let field = |k: &str| format!("rule[{i}].{k}");
            if let Some(k) = &r.kpi
                && !known.contains(k.get_ref())
            {
                diags.push(diag(
                    Some(k.span()),
                    field("kpi"),
                    format!(
                        "unknown KPI `{}` (known: {})",
                        k.get_ref(),
                        known.join(", ")
                    ),
                ));
            }
            for (name, v) in [("atol", &r.atol), ("rtol", &r.rtol)] {
                if let Some(v) = v
                    && !(v.get_ref().is_finite() && *v.get_ref() >= 0.0)
                {
                    diags.push(diag(
                        Some(v.span()),
                        field(name),
                        format!("must be a finite number ≥ 0, not {}", v.get_ref()),
                    ));
                }
            }
            let bounded = r.atol.is_some() || r.rtol.is_some();
            let ignore = r.ignore.as_ref().is_some_and(|b| *b.get_ref());
            let treatment = match (ignore, bounded) {
                (true, true) => {
                    diags.push(diag(
                        r.ignore.as_ref().map(Spanned::span),
                        field("ignore"),
                        "`ignore = true` cannot be combined with `atol` or `rtol`".into(),
                    ));
                    Treatment::Ignored
                }
                (true, false) => Treatment::Ignored,
                (false, true) => Treatment::Bounded(Bound {
                    atol: r.atol.as_ref().map_or(0.0, |v| *v.get_ref()),
                    rtol: r.rtol.as_ref().map_or(0.0, |v| *v.get_ref()),
                }),
                (false, false) => {
                    diags.push(diag(
                        Some(rule_span.clone()),
                        format!("rule[{i}]"),
                        "a rule must set `atol`, `rtol` or `ignore = true`".into(),
                    ));
                    Treatment::Ignored
                }
            };
            let (line, col) = locator.line_col(rule_span.start);
            rules.push(Rule {
                kpi: r.kpi.as_ref().map(|s| s.get_ref().clone()),
                product: r.product.as_ref().map(|s| s.get_ref().clone()),
                region: r.region.as_ref().map(|s| s.get_ref().clone()),
                treatment,
                location: format!("{}:{line}:{col}", path.display()),
            });
        }
        if diags.is_empty() {
            Ok(Rules { rules })
        } else {
            Err(Error::Invalid(diags))
        }
    }
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

/// One `[[rule]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    kpi: Option<Spanned<String>>,
    product: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    atol: Option<Spanned<f64>>,
    rtol: Option<Spanned<f64>>,
    ignore: Option<Spanned<bool>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Rules> {
        Rules::parse(Path::new("rules.toml"), text)
    }

    /// The diagnostics of a text that must be refused.
    fn problems(text: &str) -> Vec<Diagnostic> {
        match parse(text) {
            Err(Error::Invalid(d)) => d,
            other => panic!("expected positioned diagnostics, got {other:?}"),
        }
    }

    #[test]
    fn the_last_matching_rule_decides_and_the_default_fills_in() {
        let rules = parse(
            "[[rule]]\nrtol = 0.02\n\n[[rule]]\nkpi = \"fill_rate\"\natol = 0.01\n\n\
             [[rule]]\nkpi = \"fill_rate\"\nregion = \"Hubei\"\nignore = true\n",
        )
        .unwrap();
        let default = Bound {
            atol: 5.0,
            rtol: 0.0,
        };
        let t = |k: &str, r: &str| rules.treatment(default, k, "mask", r);
        let rel = Treatment::Bounded(Bound {
            atol: 0.0,
            rtol: 0.02,
        });
        assert_eq!(t("shortage", "Hubei"), (rel, Some(0)));
        assert_eq!(
            t("fill_rate", "national"),
            (
                Treatment::Bounded(Bound {
                    atol: 0.01,
                    rtol: 0.0
                }),
                Some(1)
            )
        );
        assert_eq!(t("fill_rate", "Hubei"), (Treatment::Ignored, Some(2)));
        assert_eq!(rules.rules[2].location, "rules.toml:8:1");
        let empty = parse("").unwrap();
        assert_eq!(
            empty.treatment(default, "shortage", "mask", "Hubei"),
            (Treatment::Bounded(default), None)
        );
        assert_eq!(default.allowed(-100.0), 5.0);
        assert_eq!(
            Bound {
                atol: 1.0,
                rtol: 0.1
            }
            .allowed(-100.0),
            11.0
        );
    }

    #[test]
    fn probabilities_are_rule_targets() {
        assert!(parse("[[rule]]\nkpi = \"p_stockout_by_end\"\natol = 0.1\n").is_ok());
    }

    #[test]
    fn syntax_errors_and_unknown_keys_point_at_the_spot() {
        let d = problems("[[rule]]\nkpi = \"fill_rate\"\natol = \n");
        assert_eq!(d[0].position.map(|p| p.0), Some(3), "{d:?}");
        let d = problems("[[rule]]\nkpi = \"fill_rate\"\natoll = 0.1\n");
        assert_eq!(d[0].position, Some((3, 1)), "{d:?}");
        assert!(d[0].message.contains("atoll"), "{d:?}");
        let d = problems("[rules]\natol = 1\n");
        assert_eq!(d[0].position.map(|p| p.0), Some(1), "{d:?}");
        let d = problems("[[rule]]\natol = \"big\"\n");
        assert_eq!(d[0].position, Some((2, 8)), "{d:?}");
    }

    #[test]
    fn semantic_errors_are_all_listed_with_positions() {
        let d = problems(
            "[[rule]]\nkpi = \"fil_rate\"\natol = 0.1\n\n[[rule]]\nrtol = -0.5\n\n\
             [[rule]]\nregion = \"Hubei\"\n\n[[rule]]\natol = 1.0\nignore = true\n",
        );
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.field.as_str(), d.position.unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("rule[0].kpi", (2, 7)),
                ("rule[1].rtol", (6, 8)),
                ("rule[2]", (8, 1)),
                ("rule[3].ignore", (13, 10)),
            ],
            "{d:?}"
        );
        assert!(d[0].message.contains("unknown KPI `fil_rate`"), "{d:?}");
        assert!(d[0].to_string().starts_with("rules.toml:2:7: rule[0].kpi:"));
        assert_eq!(Error::Invalid(d).exit_code(), 2);
    }
}
