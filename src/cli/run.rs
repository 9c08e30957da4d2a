//! `medsupply run`: run scenario variants and write their outputs.

use super::study::{StudyArgs, execute, load, spec, variant_arms};
use crate::error::Result;
use crate::study::Shard;
use crate::study::spec::Kind;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `medsupply run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Output directory; results go to OUT/<scenario>/<variant>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Variant to run (repeatable); `base` is the scenario without overrides.
    #[arg(long = "variant")]
    pub variants: Vec<String>,
    /// Run the base and every variant the scenario defines.
    #[arg(long, conflicts_with = "variants")]
    pub all_variants: bool,
    /// Skip the plots and report.html (for benchmarks, sweeps and large studies); the tabular
    /// outputs are the same either way, and `medsupply plot` can draw them later.
    #[arg(long)]
    pub no_plots: bool,
    /// Study options.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// Runs the requested variants and writes their outputs.
pub(crate) fn run(args: &RunArgs) -> Result<()> {
    let (file, all) = load(&args.scenario)?;
    let names: Vec<String> = if args.all_variants {
        all.iter().map(|m| m.variant.clone()).collect()
    } else if args.variants.is_empty() {
        vec!["base".to_string()]
    } else {
        args.variants.clone()
    };
    let arms = variant_arms(&all, &args.scenario, &names)?;
    let spec = spec(Kind::Run, &args.scenario, &all[0], arms, &args.study)?;
    let models = spec.models(&file)?;
    execute(spec, &models, &args.study, &args.out, None)?;
    // A shard writes only a part directory; its plots come after `merge`.
    let env = |k: &str| std::env::var(k).ok();
    let sharded = Shard::from_env(args.study.shard.as_deref(), args.study.shard_count, &env)?;
    if !args.no_plots && sharded.is_none() {
        let started = Instant::now();
        let drawn = crate::plots::draw(
            &args.out.join(&all[0].name),
            Some(&names),
            args.study.threads,
        )?;
        eprintln!(
            "{} chart(s) drawn in {:.2} s; report: {}",
            drawn.charts,
            started.elapsed().as_secs_f64(),
            drawn.report.display()
        );
    }
    Ok(())
}
