//! `medsupply generate`: write a synthetic national network as a scenario file.

use clap::Args;
use medsupply::error::{Error, Result};
use medsupply::generate::{NationalSpec, layered, national, national_tables};
use medsupply::util::atomic::atomic_write;
use std::path::PathBuf;

/// Arguments of `medsupply generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of nodes of a national network (at most 2,000,000).
    #[arg(long, required_unless_present = "layered", conflicts_with = "layered")]
    pub nodes: Option<usize>,
    /// Instead, SupplyNetPy's layered network of this many nodes (suppliers N/5, manufacturers
    /// N/10, distributors N/7, retailers the rest, all-to-all between echelons; at most
    /// 2,000,000 nodes, though runs take at most 10⁸ links, about 30,000 nodes).
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
    /// Write the national network's nodes, links, production lines and replenishment rules as
    /// CSV tables beside the scenario (`<stem>-nodes.csv`, `-links.csv`, `-lines.csv`,
    /// `-replenish.csv`, named by its `[[node_table]]` and other entries) rather than in it:
    /// the same network, which loads faster when large. Needs --out.
    #[arg(long, requires = "out", conflicts_with = "layered")]
    pub tables: bool,
}

/// Writes the scenario (and its tables).
pub fn run(args: &GenerateArgs) -> Result<()> {
    let spec = |nodes| NationalSpec {
        nodes,
        regions: args.regions,
        days: args.days,
        seed: args.seed,
        min_cross_region_days: args.min_cross_region_days,
    };
    let (text, tables) = match (args.layered, args.nodes, &args.out) {
        (Some(n), _, _) => layered(n, args.days, args.seed).map(|t| (t, Vec::new())),
        (None, Some(nodes), Some(out)) if args.tables => {
            let stem = out.file_stem().unwrap_or_default().to_string_lossy();
            national_tables(&spec(nodes), &stem)
        }
        (None, Some(nodes), _) => national(&spec(nodes)).map(|t| (t, Vec::new())),
        (None, None, _) => Err("give --nodes or --layered".into()),
    }
    .map_err(Error::Usage)?;
    match &args.out {
        Some(path) => {
            let dir = path.parent().unwrap_or(std::path::Path::new(""));
            for (name, csv) in &tables {
                atomic_write(&dir.join(name), |w| w.write_all(csv.as_bytes()))?;
            }
            atomic_write(path, |w| w.write_all(text.as_bytes()))
        }
        None => crate::print(&text),
    }
}
