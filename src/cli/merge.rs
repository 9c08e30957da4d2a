//! `medsupply merge`: combine the part directories of a sharded study into the outputs a
//! one-machine run would have written, byte for byte.

use super::study::Terminal;
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
}

/// Merges the parts.
pub fn run(args: &MergeArgs) -> Result<()> {
    medsupply::study::merge(&args.parts, &args.out, &Terminal::new(true))
}
