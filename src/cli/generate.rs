//! `medsupply generate`: write a synthetic national network as a scenario file.

use clap::Args;
use medsupply::error::{Error, Result};
use medsupply::generate::{NationalSpec, layered, national};
use medsupply::util::atomic::atomic_write;
use std::path::PathBuf;

/// Arguments of `medsupply generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of nodes of a national network.
    #[arg(long, required_unless_present = "layered", conflicts_with = "layered")]
    pub nodes: Option<usize>,
    /// Instead, SupplyNetPy's layered network of this many nodes (suppliers N/5, manufacturers
    /// N/10, distributors N/7, retailers the rest, all-to-all between echelons).
    #[arg(long)]
    pub layered: Option<usize>,
    /// Number of regions.
    #[arg(long, default_value_t = 31)]
    pub regions: usize,
    /// Horizon in days.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Generator seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Minimum lead time (days) of links between regions, and of orders to another region:
    /// the lookahead of a run in partitions (`--partitions`).
    #[arg(long, default_value_t = 0.5)]
    pub min_cross_region_days: f64,
    /// Where to write the scenario (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Writes the scenario.
pub fn run(args: &GenerateArgs) -> Result<()> {
    let text = match (args.layered, args.nodes) {
        (Some(n), _) => layered(n, args.days, args.seed),
        (None, Some(nodes)) => national(&NationalSpec {
            nodes,
            regions: args.regions,
            days: args.days,
            seed: args.seed,
            min_cross_region_days: args.min_cross_region_days,
        }),
        (None, None) => Err("give --nodes or --layered".into()),
    }
    .map_err(Error::Usage)?;
    match &args.out {
        Some(path) => atomic_write(path, |w| w.write_all(text.as_bytes())),
        None => crate::print(&text),
    }
}
