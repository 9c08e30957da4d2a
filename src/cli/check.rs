//! `medsupply check`: compare a run's results with a baseline and exit 0 (within bounds),
//! 1 (a regression) or 2 (the comparison is impossible).

use crate::check::rules::{Bound, Rules};
use crate::check::{
    CheckReport, DEFAULT_LEVEL, Mode, Options, Verdict, incomparable_report, render,
};
use crate::error::{Error, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `medsupply check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The run's results: the `--out` directory, one scenario's or one variant's directory.
    pub run_dir: PathBuf,
    /// The baseline, in any of the same three forms.
    #[arg(long)]
    pub baseline: PathBuf,
    /// exact: result files byte-identical; tolerance: KPI means within bounds; statistical:
    /// significant (Welch) and larger than the bounds.
    #[arg(long, value_enum, default_value_t = Mode::Exact)]
    pub mode: Mode,
    /// Relative bound, a fraction of the baseline, for KPIs no rule matches.
    #[arg(long)]
    pub rtol: Option<f64>,
    /// Absolute bound for KPIs no rule matches.
    #[arg(long)]
    pub atol: Option<f64>,
    /// TOML file of bounds per KPI, product and region (see the README).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Statistical mode: confidence level held jointly over the KPIs tested (each Welch
    /// interval at 1 − (1 − level)/m, Bonferroni); default 0.95.
    #[arg(long)]
    pub level: Option<f64>,
    /// Write the verdict as JSON on standard output instead of the text report.
    #[arg(long)]
    pub json: bool,
}

/// Turns the arguments into options, refusing meaningless combinations.
fn options(args: &CheckArgs) -> Result<Options> {
    let bounded = args.rtol.is_some() || args.atol.is_some() || args.rules.is_some();
    if args.mode == Mode::Exact && bounded {
        return Err(Error::Usage(
            "--rtol, --atol and --rules need --mode tolerance or --mode statistical".into(),
        ));
    }
    if args.mode != Mode::Statistical && args.level.is_some() {
        return Err(Error::Usage("--level needs --mode statistical".into()));
    }
    for (name, v) in [("--rtol", args.rtol), ("--atol", args.atol)] {
        if let Some(v) = v
            && !(v.is_finite() && v >= 0.0)
        {
            return Err(Error::Usage(format!(
                "{name} must be a finite number ≥ 0, not {v}"
            )));
        }
    }
    let level = args.level.unwrap_or(DEFAULT_LEVEL);
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::Usage(format!(
            "--level must be between 0 and 1 (e.g. 0.95), not {level}"
        )));
    }
    let rules = match &args.rules {
        Some(path) => Rules::read(path)?,
        None => Rules::default(),
    };
    Ok(Options {
        mode: args.mode,
        default_bound: Bound {
            atol: args.atol.unwrap_or(0.0),
            rtol: args.rtol.unwrap_or(0.0),
        },
        rules,
        level,
    })
}

/// Writes text to standard output.
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            path: PathBuf::from("<standard output>"),
            source,
        })
}

/// Prints a report as JSON.
fn print_json(report: &CheckReport) -> Result<()> {
    let json = serde_json::to_string_pretty(report).map_err(|e| Error::Write {
        path: PathBuf::from("<standard output>"),
        source: e.into(),
    })?;
    print(&format!("{json}\n"))
}

/// Runs the check, prints the report, and turns a regression into its error. With `--json`,
/// an impossible comparison is reported on standard output too.
pub(crate) fn check(args: &CheckArgs) -> Result<()> {
    let result = options(args).and_then(|o| crate::check::check(&args.run_dir, &args.baseline, &o));
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            if args.json {
                let shown = Options {
                    mode: args.mode,
                    ..Options::default()
                };
                print_json(&incomparable_report(
                    &args.run_dir,
                    &args.baseline,
                    &shown,
                    &e,
                ))?;
            }
            return Err(e);
        }
    };
    if args.json {
        print_json(&report)?;
    } else {
        print(&render::render(&report))?;
    }
    match report.verdict {
        Verdict::Regression => Err(Error::Regression {
            failed: report.failed,
            compared: report.compared,
        }),
        Verdict::Pass | Verdict::Incomparable => Ok(()),
    }
}
