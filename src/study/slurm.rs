//! A ready script that submits a sharded study to Slurm: a job array whose tasks each run one
//! shard (the shard comes from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT), and a merge
//! job that starts when every task succeeded (`--dependency=afterok`).

use crate::error::{Error, Result};
use std::path::PathBuf;

/// What the script submits.
#[derive(Debug, Clone)]
pub struct SlurmJob {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of shards (array tasks).
    pub shards: u32,
    /// Final output directory (parts go to OUT/parts, logs to OUT/logs).
    pub out: PathBuf,
    /// CPUs per array task.
    pub cpus_per_task: u32,
    /// Slurm partition.
    pub partition: Option<String>,
    /// Time limit per task (Slurm syntax).
    pub time: Option<String>,
    /// Variants to run.
    pub variants: Vec<String>,
    /// Run every variant.
    pub all_variants: bool,
    /// Replications per variant.
    pub replications: Option<u32>,
    /// Base seed.
    pub seed: Option<u64>,
}

/// Quotes a word for a POSIX shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The submission script.
pub fn script(args: &SlurmJob, binary: &str) -> Result<String> {
    if args.shards == 0 {
        return Err(Error::Usage("--shards must be at least 1".into()));
    }
    let abs = |p: &PathBuf| {
        std::path::absolute(p)
            .map(|p| p.display().to_string())
            .map_err(|source| Error::Read {
                path: p.clone(),
                source,
            })
    };
    let scenario = abs(&args.scenario)?;
    let out = abs(&args.out)?;
    let name = args
        .scenario
        .file_stem()
        .map_or("study".to_string(), |s| s.to_string_lossy().to_string());
    let mut opts = String::new();
    for v in &args.variants {
        opts += &format!(" --variant {}", quote(v));
    }
    if args.all_variants {
        opts += " --all-variants";
    }
    if let Some(r) = args.replications {
        opts += &format!(" --replications {r}");
    }
    if let Some(s) = args.seed {
        opts += &format!(" --seed {s}");
    }
    let mut sbatch = format!("--cpus-per-task={}", args.cpus_per_task);
    if let Some(p) = &args.partition {
        sbatch += &format!(" --partition={}", quote(p));
    }
    if let Some(t) = &args.time {
        sbatch += &format!(" --time={}", quote(t));
    }
    let last = args.shards - 1;
    Ok(format!(
        r#"#!/bin/bash
# medsupply on Slurm: {shards} shard(s) of {name} as a job array, then a merge job that runs
# when every shard succeeded. Submit with: bash THIS_FILE (it calls sbatch twice).
set -euo pipefail
BIN={bin}
SCENARIO={scenario}
OUT={out}
mkdir -p "$OUT/parts" "$OUT/logs"
rm -rf "$OUT"/parts/shard-*

# One array task per shard; medsupply reads its shard from SLURM_ARRAY_TASK_ID/COUNT.
ARRAY=$(sbatch --parsable --job-name=medsupply-{name} --array=0-{last} {sbatch} \
  --output="$OUT/logs/shard-%a.out" <<EOS
#!/bin/bash
set -euo pipefail
exec "$BIN" run "$SCENARIO" --out "$OUT/parts/shard-\$SLURM_ARRAY_TASK_ID" --threads {cpus} --quiet{opts}
EOS
)
ARRAY=${{ARRAY%%;*}}

# The merge waits for the whole array (afterok: only if every shard succeeded).
MERGE=$(sbatch --parsable --job-name=medsupply-{name}-merge --dependency=afterok:$ARRAY \
  --output="$OUT/logs/merge.out" <<EOS
#!/bin/bash
set -euo pipefail
exec "$BIN" merge "$OUT"/parts/shard-* --out "$OUT"
EOS
)
echo "submitted shards as job $ARRAY and the merge as job $MERGE; results in $OUT"
"#,
        shards = args.shards,
        bin = quote(binary),
        scenario = quote(&scenario),
        out = quote(&out),
        cpus = args.cpus_per_task,
    ))
}
