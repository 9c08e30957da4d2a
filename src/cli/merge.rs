//! `medsupply merge`: combine the part directories of a sharded study into the outputs a
//! one-machine run would have written, byte for byte.

use super::study::finish;
use crate::error::{Error, Result};
use crate::stats::aggregate::Aggregate;
use crate::study::parts::read_parts;
use clap::Args;
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

/// Merges.
pub(crate) fn run(args: &MergeArgs) -> Result<()> {
    let parts = read_parts(&args.parts)?;
    let info = &parts.info;
    let file = info.study.read_scenario()?;
    let models = info.study.models(&file)?;
    let hashes: Vec<String> = models.iter().map(|m| m.input_hash.clone()).collect();
    if hashes != info.arm_hashes {
        return Err(Error::Usage(format!(
            "{} (or a CSV it reads) changed since the shards ran: re-run them",
            info.study.scenario_file.display()
        )));
    }
    // Each arm's replications are folded in order, one at a time, as a one-machine run folds
    // them.
    let mut aggs = Vec::with_capacity(models.len());
    for (arm, model) in models.iter().enumerate() {
        let mut agg = Aggregate::new(model);
        parts.replay(arm, |rep| {
            agg.fold(model, rep);
            Ok(())
        })?;
        agg.finish();
        aggs.push(agg);
    }
    finish(&info.study, &models, &aggs, &args.out, 0)?;
    eprintln!(
        "merged {} part(s) into {}",
        args.parts.len(),
        args.out.join(&info.scenario).display()
    );
    Ok(())
}
