//! `medsupply plot`: re-draw the charts and the report of a finished run from its saved
//! output files, without re-running the simulation.

use clap::Args;
use medsupply::error::Result;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `medsupply plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A scenario's output directory (OUT/<scenario>), or one variant directory inside it
    /// (then only that variant's chart files are re-drawn; the report covers every variant).
    pub run_dir: PathBuf,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// Re-draws the plots and the report.
pub fn run(args: &PlotArgs) -> Result<()> {
    let started = Instant::now();
    let drawn = medsupply::plots::draw_run(&args.run_dir, args.threads)?;
    eprintln!(
        "{} chart(s) drawn, {} file(s) written, in {:.2} s; report: {}",
        drawn.charts,
        drawn.files,
        started.elapsed().as_secs_f64(),
        drawn.report.display()
    );
    Ok(())
}
