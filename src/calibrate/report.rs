//! `validation.md`: a calibration for a person to read. The command that regenerates it, the
//! discrepancy measure, the parameters before and after with their plausible ranges, the fit
//! to every observed row with its error before and after, the forecast of every series after
//! its last observation at weekly steps, and the fit charts. Numbers read as on the charts
//! (`14.8 M`, `82 %`).

use super::observed::{Observable, ObservedSeries};
use super::{CalibrateOptions, Calibration, Curve, THRESHOLD};
use crate::plots::charts::fit_stem;
use crate::plots::format::{date_of, human, percent, place, product_name};
use chrono::NaiveDate;
use std::ffi::OsString;
use std::fmt::Write;

/// Options left out of the quoted command line (name, whether it takes a value): they change
/// where the files go or how fast they are made, not what they hold.
const LEFT_OUT: [(&str, bool); 4] = [
    ("--out", true),
    ("--threads", true),
    ("--partitions", true),
    ("--quiet", false),
];

/// Days between the rows of a forecast.
const FORECAST_STEP: usize = 7;

/// What the report needs besides the calibration.
pub struct Context<'a> {
    /// The options the calibration ran with.
    pub options: &'a CalibrateOptions,
    /// Calendar date of day 0.
    pub start: NaiveDate,
    /// The seed every candidate shared.
    pub seed: u64,
    /// Replications per candidate.
    pub replications: u32,
    /// Whether the fit charts were drawn.
    pub charts: bool,
}

/// The command line `args` (program first) for a shell: the program as `medsupply`, without
/// the options of [`LEFT_OUT`], each argument quoted where a shell needs it.
pub fn command_line(args: &[OsString]) -> String {
    let mut out = vec![env!("CARGO_PKG_NAME").to_string()];
    let mut rest = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = rest.next() {
        let name = a.split('=').next().unwrap_or_default();
        match LEFT_OUT.iter().find(|(n, _)| *n == name) {
            Some((_, true)) if !a.contains('=') => drop(rest.next()),
            Some(_) => {}
            None => out.push(a),
        }
    }
    out.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `a` as one shell word: as it is when it holds only characters a shell leaves alone, else
/// in single quotes.
fn shell_quote(a: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !a.is_empty() && a.chars().all(plain) {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', r"'\''"))
    }
}

/// A value of `observable` in words: a share as a percentage, a count in k/M.
fn value(observable: Observable, v: f64) -> String {
    if observable.is_share() {
        percent(v)
    } else {
        human(v)
    }
}

/// A relative error with its sign: `+12 %`, `−3.5 %`.
fn signed(e: f64) -> String {
    if e < 0.0 {
        format!("−{}", percent(-e))
    } else {
        format!("+{}", percent(e))
    }
}

/// Text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', r"\|")
}

/// A series' name: `Surgical mask, national total: produced per day`.
fn series_name(s: &ObservedSeries) -> String {
    format!(
        "{}, {}: {}",
        product_name(&s.item_id),
        place(&s.region),
        s.observable.name().replace('_', " ")
    )
}

/// The mean with its P5–P95 at `day` of `curve`: `30.3 k (28 k – 32.1 k)`.
fn banded(observable: Observable, curve: &Curve, day: usize) -> String {
    let s = &curve[day];
    format!(
        "{} ({} – {})",
        value(observable, s.mean),
        value(observable, s.p5),
        value(observable, s.p95)
    )
}

/// `validation.md` of `cal`.
pub fn validation_md(cal: &Calibration, cx: &Context) -> String {
    let options = cx.options;
    let observed = super::outputs::file_name(&options.observed);
    let (prior, best) = (&cal.evaluations[0], &cal.evaluations[cal.best]);
    let mut t = format!(
        "# Validation of `{}` against `{observed}`\n\n\
         Written by `medsupply calibrate` ({}). This command regenerates it and every file \
         beside it (`--out`, `--threads`, `--partitions` and `--quiet` are left out: they \
         change where the files go or how fast, not what they hold):\n\n",
        cal.scenario,
        env!("CARGO_PKG_VERSION"),
    );
    if !options.command.is_empty() {
        let _ = writeln!(t, "```sh\n{}\n```\n", command_line(&options.command));
    }
    let fitted = cal.rows.iter().filter(|r| r.weight > 0.0).count();
    let _ = write!(
        t,
        "## The discrepancy\n\n\
         Every candidate runs the same {} replication(s) (seed {}), and each observed row `y` \
         is held against the simulated mean `m`:\n\n\
         ```\nD = Σ_rows  w · ln(m / y)² / (σ² + s² / (R · m²))\n```\n\n\
         with `w` the row's weight, `m` at least `y / 1000`, `σ` = {} the relative observation \
         error, `R` the replications and `s² / (R · m²)` their noise on `ln m`; a lower bound \
         counts only when `m < y` (docs/calibration.md). {} candidates were simulated \
         over {fitted} fitted row(s): D is **{:.1}** as given and **{:.1}** calibrated.\n\n",
        cx.replications,
        cx.seed,
        percent(options.obs_error),
        cal.evaluations.len(),
        prior.discrepancy,
        best.discrepancy,
    );
    t += "## Parameters\n\n\
          | parameter | as given | calibrated | plausible range | searched |\n\
          |---|--:|--:|---|---|\n";
    for (k, p) in cal.params.iter().enumerate() {
        let (lo, hi) = cal.ranges[k];
        let _ = writeln!(
            t,
            "| `{}` | {} | {} | {} – {} | {} – {} |",
            cell(&p.path),
            human(p.prior),
            human(best.values[k]),
            human(lo),
            human(hi),
            human(p.lo),
            human(p.hi)
        );
    }
    let _ = write!(
        t,
        "\nThe plausible range holds every simulated candidate whose discrepancy is within {:.2} \
         of the calibrated one (95 %, χ² with one degree of freedom), and the points where the \
         profile through the optimum crosses that level; an end at the edge of the searched box \
         means the observations do not bound that side.\n\n",
        THRESHOLD
    );
    t += "## Fit to the observed rows\n\n\
          Error: (simulated mean − observed) ÷ observed. A lower bound the simulation meets \
          adds nothing to D (`met`); a row of weight 0 is shown, not fitted.\n\n\
          | date | item | region | measure | kind | weight | observed | as given | \
          calibrated (P5 – P95) | error as given | error calibrated |\n\
          |---|---|---|---|---|--:|--:|--:|--:|--:|--:|\n";
    for (k, o) in cal.rows.iter().enumerate() {
        let error = |m: f64| {
            let e = (m - o.value) / o.value;
            if o.lower_bound && e >= 0.0 {
                format!("{} (met)", signed(e))
            } else {
                signed(e)
            }
        };
        let (p, b) = (&prior.rows[k], &best.rows[k]);
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} ({} – {}) | {} | {} |",
            o.date,
            cell(&o.item_id),
            cell(&o.region),
            o.observable.name(),
            if o.lower_bound {
                "lower bound"
            } else {
                "value"
            },
            o.weight,
            value(o.observable, o.value),
            value(o.observable, p.mean),
            value(o.observable, b.mean),
            value(o.observable, b.p5),
            value(o.observable, b.p95),
            error(p.mean),
            error(b.mean)
        );
    }
    t += "\n## Forecast after the last observation\n\n\
          For every observed series, weekly from its last observation to the end of the \
          horizon: the calibrated mean with its 5th–95th percentile, and the scenario as \
          given.\n";
    for (k, s) in cal.series.iter().enumerate() {
        let (c, p) = (&cal.calibrated_curves[k], &cal.prior_curves[k]);
        let last = cal
            .rows
            .iter()
            .filter(|r| s.holds(r))
            .map(|r| r.day)
            .max()
            .expect("a series has rows");
        let _ = write!(
            t,
            "\n### {}\n\nLast observed on {}.\n\n\
             | date | calibrated (P5 – P95) | as given |\n|---|--:|--:|\n",
            series_name(s),
            date_of(cx.start, last)
        );
        let end = c.len() - 1;
        let mut days: Vec<usize> = (last + FORECAST_STEP..=end)
            .step_by(FORECAST_STEP)
            .collect();
        if days.last().is_none_or(|&d| d < end) && last < end {
            days.push(end);
        }
        for d in days {
            let _ = writeln!(
                t,
                "| {} | {} | {} |",
                date_of(cx.start, d),
                banded(s.observable, c, d),
                value(s.observable, p[d].mean)
            );
        }
    }
    t += "\n## Charts\n\n";
    if cx.charts {
        t += "One per measure, one panel per series: observations as points, the calibrated \
              mean over its 5th–95th percentile, the scenario as given dashed, and a line at \
              the last observation.\n\n";
        let mut measures: Vec<Observable> = cal.series.iter().map(|s| s.observable).collect();
        measures.dedup();
        for m in measures {
            let stem = fit_stem(m.name());
            let _ = writeln!(
                t,
                "- [{}]({stem}.svg) ([PNG]({stem}.png))",
                m.name().replace('_', " ")
            );
        }
    } else {
        t += "Not drawn (`--no-plots`): `forecast.csv` holds what they would show.\n";
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_leaves_out_what_does_not_change_the_files() {
        let args: Vec<OsString> = [
            "/x/target/release/medsupply",
            "calibrate",
            "scenarios/minimal.toml",
            "--threads",
            "2",
            "--out=/tmp/a",
            "--param",
            "a.b=1..2",
            "--observed",
            "my obs's.csv",
            "--quiet",
            "--partitions",
            "auto",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        assert_eq!(
            command_line(&args),
            r"medsupply calibrate scenarios/minimal.toml --param a.b=1..2 --observed 'my obs'\''s.csv'"
        );
    }

    #[test]
    fn errors_carry_their_sign() {
        assert_eq!(signed(0.125), "+12.5 %");
        assert_eq!(signed(-0.5), "−50 %");
        assert_eq!(signed(0.0), "+0 %");
    }
}
