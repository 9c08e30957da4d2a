//! What an optimisation is told: the decision variables (`--param PATH=LO..HI` or
//! `PATH=v1,v2,…`), the objectives (`KPI:ITEM:REGION[:min|max]`), the constraints on KPIs
//! (`KPI:ITEM:REGION<=X` or `>=X`) and the linear cost budget (`PATH*COEF+…<=B`). Each is
//! checked against the scenario before anything runs; a bad one is a usage error naming it.

use crate::calibrate::params::Param;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::scenario::ScenarioFile;
use crate::stats::kpi::{KPI_NAMES, kpi_index};

/// One decision variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// A number in a box (an integer when the scenario holds one there): `PATH=LO..HI`.
    Range(Param),
    /// One of a few values: `PATH=v1,v2,…`, each read as TOML (a bare word is a string); a
    /// single value fixes the path for every candidate.
    Set {
        /// Its dotted path.
        path: String,
        /// The values, in the order given.
        values: Vec<toml::Value>,
    },
}

impl Decision {
    /// Parses `PATH=LO..HI` or `PATH=v1,v2,…`; a range's PATH must name a number in the
    /// scenario as `variant` changes it (a set's values are checked when its models are built).
    pub fn resolve(text: &str, file: &ScenarioFile, variant: Option<&str>) -> Result<Decision> {
        let bad = |why: &str| Error::Usage(format!("--param `{text}`: {why}"));
        let (path, spec) = text
            .split_once('=')
            .ok_or_else(|| bad("give PATH=LO..HI or PATH=v1,v2,..."))?;
        if spec.contains("..") {
            return Param::resolve(text, file, variant).map(Decision::Range);
        }
        let values: Vec<toml::Value> = spec.split(',').map(|v| value_of(v.trim())).collect();
        if spec.split(',').any(|v| v.trim().is_empty()) {
            return Err(bad(
                "a set is one or more values, v1,v2,... (one fixes the path)",
            ));
        }
        let path = path.trim().to_string();
        if path.is_empty() {
            return Err(bad("no path before `=`"));
        }
        Ok(Decision::Set { path, values })
    }

    /// Its dotted path.
    pub fn path(&self) -> &str {
        match self {
            Decision::Range(p) => &p.path,
            Decision::Set { path, .. } => path,
        }
    }

    /// Its levels when it has few enough to list: a set's values, an integer range's integers
    /// (None for a continuous range, or an integer range of more than `most`).
    pub fn levels(&self, most: usize) -> Option<usize> {
        match self {
            Decision::Set { values, .. } => Some(values.len()),
            Decision::Range(p) if p.integer => {
                let n = (p.hi.floor() - p.lo.ceil()) as usize + 1;
                (n <= most).then_some(n)
            }
            Decision::Range(_) => None,
        }
    }

    /// The coordinate of level `k` (see [`Decision::levels`]).
    pub fn level(&self, k: usize) -> f64 {
        match self {
            Decision::Set { .. } => k as f64,
            Decision::Range(p) => p.lo.ceil() + k as f64,
        }
    }

    /// The coordinate at `u` in `[0, 1]`: a range's value (rounded as [`Param::value`] rounds
    /// it), or a set's index.
    pub fn at(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self {
            Decision::Range(p) => p.value(u).clamp(p.lo.ceil().min(p.hi), p.hi),
            Decision::Set { values, .. } => {
                ((u * values.len() as f64).floor() as usize).min(values.len() - 1) as f64
            }
        }
    }

    /// The TOML value of coordinate `x`.
    pub fn toml(&self, x: f64) -> toml::Value {
        match self {
            Decision::Range(p) => p.toml(x),
            Decision::Set { values, .. } => values[x as usize].clone(),
        }
    }

    /// Coordinate `x` as written in optimization.csv (a string without quotes).
    pub fn show(&self, x: f64) -> String {
        match self.toml(x) {
            toml::Value::String(s) => s,
            v => v.to_string(),
        }
    }
}

/// `text` as a TOML value; a bare word is a string.
fn value_of(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_string()))
}

/// Which way an objective is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// Lower is better.
    Min,
    /// Higher is better.
    Max,
}

/// A KPI of an item in a region slot, as replications.csv holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// `KPI:ITEM:REGION` as given.
    pub label: String,
    /// The KPI's index in [`KPI_NAMES`].
    pub kpi: usize,
    /// The item's index in the model.
    pub item: usize,
    /// The region slot (the last is national).
    pub slot: usize,
}

impl Measure {
    /// Parses `KPI:ITEM:REGION` against `model`; `what` names the option in messages.
    fn resolve(text: &str, what: &str, model: &Model) -> Result<Measure> {
        let bad = |why: String| Error::Usage(format!("{what} `{text}`: {why}"));
        let parts: Vec<&str> = text.split(':').map(str::trim).collect();
        let [kpi, item, region] = parts[..] else {
            return Err(bad("give KPI:ITEM:REGION".into()));
        };
        let kpi = kpi_index(kpi).map_err(|_| {
            bad(format!(
                "unknown KPI `{kpi}` (KPIs: {})",
                KPI_NAMES.join(", ")
            ))
        })?;
        let item = model
            .items
            .iter()
            .position(|i| i.id == item)
            .ok_or_else(|| {
                let known: Vec<&str> = model.items.iter().map(|i| i.id.as_str()).collect();
                bad(format!("no item `{item}` (items: {})", known.join(", ")))
            })?;
        let slot = if region == "national" {
            Some(model.regions.len())
        } else {
            model.regions.iter().position(|r| r.id == region)
        }
        .ok_or_else(|| {
            bad(format!(
                "no region `{region}` (a region's id, or `national`)"
            ))
        })?;
        Ok(Measure {
            label: parts.join(":"),
            kpi,
            item,
            slot,
        })
    }

    /// The KPI's name.
    pub fn kpi_name(&self) -> &'static str {
        KPI_NAMES[self.kpi]
    }
}

/// An objective: a measure and which way is better.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective {
    /// What is measured.
    pub measure: Measure,
    /// Which way is better.
    pub sense: Sense,
}

impl Objective {
    /// Parses `KPI:ITEM:REGION[:min|max]` (min when not said) against `model`.
    pub fn resolve(text: &str, model: &Model) -> Result<Objective> {
        let (measure, sense) = match text.rsplit_once(':') {
            Some((m, "min")) => (m, Sense::Min),
            Some((m, "max")) => (m, Sense::Max),
            _ => (text, Sense::Min),
        };
        let mut measure = Measure::resolve(measure, "--objective", model).map_err(|e| match e {
            Error::Usage(m) => Error::Usage(m.replacen(measure, text, 1)),
            e => e,
        })?;
        measure.label = text.to_string();
        Ok(Objective { measure, sense })
    }

    /// `mean` turned so that lower is better.
    pub fn lower_better(&self, value: f64) -> f64 {
        match self.sense {
            Sense::Min => value,
            Sense::Max => -value,
        }
    }
}

/// A constraint on a KPI's mean: `KPI:ITEM:REGION<=X` or `>=X`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// What is measured.
    pub measure: Measure,
    /// Whether the mean must be at most (true) or at least the bound.
    pub at_most: bool,
    /// The bound.
    pub bound: f64,
    /// As given.
    pub text: String,
}

impl Constraint {
    /// Parses `KPI:ITEM:REGION<=X` or `KPI:ITEM:REGION>=X` against `model`.
    pub fn resolve(text: &str, model: &Model) -> Result<Constraint> {
        let bad = |why: &str| Error::Usage(format!("--constraint `{text}`: {why}"));
        let (measure, at_most, bound) = if let Some((m, b)) = text.split_once("<=") {
            (m, true, b)
        } else if let Some((m, b)) = text.split_once(">=") {
            (m, false, b)
        } else {
            return Err(bad("give KPI:ITEM:REGION<=X or KPI:ITEM:REGION>=X"));
        };
        let bound = number(bound).ok_or_else(|| bad("the bound must be a number"))?;
        let measure =
            Measure::resolve(measure.trim(), "--constraint", model).map_err(|e| match e {
                Error::Usage(m) => Error::Usage(m.replacen(measure.trim(), text, 1)),
                e => e,
            })?;
        Ok(Constraint {
            measure,
            at_most,
            bound,
            text: text.to_string(),
        })
    }

    /// How far `mean` is on the wrong side of the bound (0 when it holds).
    pub fn violation(&self, mean: f64) -> f64 {
        let over = if self.at_most {
            mean - self.bound
        } else {
            self.bound - mean
        };
        over.max(0.0)
    }
}

/// A finite number.
fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A linear budget over numeric decisions: `Σ coef × value <= limit`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    /// (decision index, coefficient) per term.
    pub terms: Vec<(usize, f64)>,
    /// The budget.
    pub limit: f64,
    /// As given.
    pub text: String,
}

impl Cost {
    /// Parses `PATH*COEF+PATH*COEF+…<=B` (a term without `*COEF` counts once); every PATH must
    /// be a range `--param`.
    pub fn resolve(text: &str, decisions: &[Decision]) -> Result<Cost> {
        let bad = |why: String| Error::Usage(format!("--cost `{text}`: {why}"));
        let (sum, limit) = text
            .split_once("<=")
            .ok_or_else(|| bad("give PATH*COEF+PATH*COEF<=BUDGET".into()))?;
        let limit = number(limit).ok_or_else(|| bad("the budget must be a number".into()))?;
        let mut terms = Vec::new();
        for term in sum.split('+') {
            let (path, coef) = match term.split_once('*') {
                Some((p, c)) => (
                    p.trim(),
                    number(c).ok_or_else(|| bad(format!("`{}` is not a number", c.trim())))?,
                ),
                None => (term.trim(), 1.0),
            };
            let k = decisions
                .iter()
                .position(|d| d.path() == path && matches!(d, Decision::Range(_)))
                .ok_or_else(|| bad(format!("`{path}` is not a --param range")))?;
            terms.push((k, coef));
        }
        Ok(Cost {
            terms,
            limit,
            text: text.to_string(),
        })
    }

    /// The cost of coordinates `x`.
    pub fn of(&self, x: &[f64]) -> f64 {
        self.terms.iter().map(|&(k, c)| c * x[k]).sum()
    }

    /// Whether coordinates `x` are within the budget.
    pub fn allows(&self, x: &[f64]) -> bool {
        self.of(x) <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::build;
    use std::path::Path;

    #[test]
    fn each_option_parses_and_a_bad_one_is_named() {
        let file = ScenarioFile::read(Path::new("scenarios/minimal.toml")).unwrap();
        let model = build(&file, None).unwrap();
        let set = Decision::resolve("dispatch.rule=priority,proportional", &file, None).unwrap();
        assert_eq!(set.levels(10), Some(2));
        assert_eq!(
            (set.at(0.2), set.at(0.9), set.show(1.0)),
            (0.0, 1.0, "proportional".into())
        );
        let ints =
            Decision::resolve("node.jiangsu-mask-factory.lines.0.lines=1..4", &file, None).unwrap();
        assert_eq!((ints.levels(10), ints.level(2)), (Some(4), 3.0));
        let o = Objective::resolve("shortage:surgical_mask:Hubei:max", &model).unwrap();
        assert_eq!((o.sense, o.measure.kpi_name()), (Sense::Max, "shortage"));
        assert_eq!(o.lower_better(2.0), -2.0);
        let c = Constraint::resolve("fill_rate:surgical_mask:national>=0.9", &model).unwrap();
        assert_eq!((c.violation(0.8) * 10.0).round(), 1.0);
        assert_eq!(c.violation(0.95), 0.0);
        let cost = Cost::resolve(
            "node.jiangsu-mask-factory.lines.0.lines*2.5<=6",
            std::slice::from_ref(&ints),
        )
        .unwrap();
        assert!(cost.allows(&[2.0]) && !cost.allows(&[3.0]));
        for bad in [
            "nope:surgical_mask:Hubei",
            "shortage:gloves:Hubei",
            "shortage:surgical_mask:Mars",
            "shortage:surgical_mask",
        ] {
            let e = Objective::resolve(bad, &model).unwrap_err();
            assert!(e.to_string().contains(bad), "{e}");
            assert_eq!(e.exit_code(), 2);
        }
        for bad in [
            "shortage:surgical_mask:Hubei<x",
            "shortage:surgical_mask:Hubei<=x",
            "nope:surgical_mask:Hubei<=1",
        ] {
            let e = Constraint::resolve(bad, &model).unwrap_err();
            assert!(e.to_string().contains(bad), "{e}");
        }
        for bad in [
            "node.nowhere.stock.x=1..2",
            "dispatch.rule=priority,,proportional",
            "=a,b",
        ] {
            let e = Decision::resolve(bad, &file, None).unwrap_err();
            assert!(e.to_string().contains(bad), "{e}");
        }
        assert!(Cost::resolve("dispatch.rule*2<=1", &[set]).is_err());
    }
}
