//! `medsupply run`: run scenario variants and write their outputs.

use super::study::{StudyArgs, execute, load, spec, variant_arms};
use crate::error::Result;
use crate::study::spec::Kind;
use clap::Args;
use std::path::PathBuf;

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
    let models = spec.models_from(file, all)?;
    execute(spec, &models, &args.study, &args.out, None)
}
