//! The calibrated parameters: `PATH=LO..HI`, a dotted path as in variants and sweeps naming a
//! number in the scenario, searched over the box `[LO, HI]`.

use crate::error::{Error, Result};
use crate::scenario::ScenarioFile;

/// One calibrated parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Its dotted path.
    pub path: String,
    /// The low end of its box.
    pub lo: f64,
    /// The high end.
    pub hi: f64,
    /// Whether the scenario holds an integer there (candidates are then rounded).
    pub integer: bool,
    /// Its value in the scenario as given (with the variant).
    pub prior: f64,
}

impl Param {
    /// Parses `PATH=LO..HI` and checks that PATH names a number in the scenario as `variant`
    /// changes it.
    pub fn resolve(text: &str, file: &ScenarioFile, variant: Option<&str>) -> Result<Param> {
        let bad = |why: &str| Error::Usage(format!("--param `{text}`: {why}"));
        let (path, range) = text
            .split_once('=')
            .ok_or_else(|| bad("give PATH=LO..HI"))?;
        let (lo, hi) = range
            .split_once("..")
            .ok_or_else(|| bad("give PATH=LO..HI"))?;
        let number = |s: &str| s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(lo), Some(hi)) = (number(lo), number(hi)) else {
            return Err(bad("LO and HI must be numbers"));
        };
        if lo >= hi {
            return Err(bad("LO must be below HI"));
        }
        let path = path.trim().to_string();
        let (prior, integer) = match file.value_at(variant, &path)? {
            Some(toml::Value::Integer(i)) => (i as f64, true),
            Some(toml::Value::Float(f)) => (f, false),
            Some(_) => return Err(bad(&format!("`{path}` is not a number in the scenario"))),
            None => {
                return Err(bad(&format!(
                    "`{path}` names no value in the scenario (set it there, or in the variant, first)"
                )));
            }
        };
        Ok(Param {
            path,
            lo,
            hi,
            integer,
            prior,
        })
    }

    /// The value at `u` in `[0, 1]` of the box: rounded to an integer, or to 6 significant
    /// digits (so the value written is the value simulated).
    pub fn value(&self, u: f64) -> f64 {
        let v = self.lo + u * (self.hi - self.lo);
        if self.integer {
            return v.round();
        }
        format!("{v:.5e}")
            .parse()
            .expect("a formatted float parses")
    }

    /// Where `value` lies in the box, as a share of it.
    pub fn unit(&self, value: f64) -> f64 {
        (value - self.lo) / (self.hi - self.lo)
    }

    /// `value` as the scenario holds it.
    pub fn toml(&self, value: f64) -> toml::Value {
        if self.integer {
            toml::Value::Integer(value as i64)
        } else {
            toml::Value::Float(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn paths_resolve_to_numbers_and_bad_ones_are_named() {
        let file = ScenarioFile::read(Path::new("scenarios/minimal.toml")).unwrap();
        let p = Param::resolve(
            "node.jiangsu-meltblown.lines.0.rate_per_line=10000..60000",
            &file,
            None,
        )
        .unwrap();
        assert!(p.integer && p.prior == 40000.0);
        assert_eq!((p.value(0.5), p.value(0.123_456_7)), (35000.0, 16173.0));
        let q = Param::resolve("policy.productivity_under_controls=0.5..1", &file, None).unwrap();
        assert!(!q.integer && q.value(1.0 / 3.0) == 0.666667 && q.unit(0.75) == 0.5);
        for bad in [
            "node.nowhere.lines.0.rate_per_line=1..2",
            "policy.conversion=0..1",
            "policy.productivity_under_controls=1..0.5",
            "policy.productivity_under_controls",
        ] {
            let e = Param::resolve(bad, &file, None).unwrap_err().to_string();
            assert!(e.contains(bad), "{e}");
        }
    }
}
