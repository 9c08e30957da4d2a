//! `medsupply merge`: combine the part directories of a sharded study into the outputs a
//! one-machine run would have written, byte for byte.

use super::study::{InputArgs, Terminal};
use clap::Args;
use medsupply::error::Result;
use std::path::PathBuf;

/// Arguments of `medsupply merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Part directories (each the `--out` a shard was given).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output directory; results go to OUT/<scenario>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// How the scenario is read.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Merges the parts.
pub fn run(args: &MergeArgs) -> Result<()> {
    let input = args.input.options()?;
    medsupply::study::merge(&args.parts, &args.out, &input, &Terminal::new(true))
}
