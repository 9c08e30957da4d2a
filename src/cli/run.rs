//! `medsupply run`: run scenario variants and write their outputs.

use super::study::StudyArgs;
use clap::Args;
use medsupply::error::Result;
use medsupply::study::{Design, Variants};

/// Arguments of `medsupply run`.
#[derive(Debug, Args)]
pub struct RunArgs {
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

/// Runs the study.
pub fn run(args: &RunArgs) -> Result<()> {
    let variants = Variants::new(args.all_variants, &args.variants);
    args.study.run(&Design::Run { variants })
}
