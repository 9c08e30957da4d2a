//! `medsupply optimize`: the best setting of decision variables for a KPI, with a guarantee
//! (`medsupply::optimize`).

use super::study::{StudyArgs, Terminal};
use clap::Args;
use medsupply::optimize::select::KnOptions;
use medsupply::optimize::{OptimizeOptions, optimize};

/// Arguments of `medsupply optimize`.
#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// What to optimise: `KPI:ITEM:REGION[:min|max]` (min by default), a KPI column of
    /// replications.csv for an item in a region or `national`. Twice: also the Pareto front of
    /// the two (selection is on the first).
    #[arg(long = "objective", required = true)]
    pub objectives: Vec<String>,
    /// A decision variable (repeatable): `PATH=LO..HI` (a number; an integer where the scenario
    /// holds one) or `PATH=v1,v2,...` (a set; one value fixes the path); PATH as in variants.
    #[arg(long = "param", required = true)]
    pub params: Vec<String>,
    /// A constraint on a KPI's mean (repeatable): `KPI:ITEM:REGION<=X` or `>=X`.
    #[arg(long = "constraint")]
    pub constraints: Vec<String>,
    /// A linear budget over range parameters, `PATH*COEF+PATH*COEF<=B`: candidates over it
    /// are never simulated.
    #[arg(long)]
    pub cost: Option<String>,
    /// Simulations (candidate replications) for the global search of a large or continuous
    /// space.
    #[arg(long, default_value_t = 600)]
    pub budget: usize,
    /// The search's best distinct candidates that go on to selection.
    #[arg(long, default_value_t = 5)]
    pub finalists: usize,
    /// Enumerate a space of discrete parameters of at most this many candidates and select
    /// among all of them, instead of searching.
    #[arg(long, default_value_t = 200)]
    pub max_candidates: usize,
    /// The indifference zone δ of the selection, in the objective's units: a candidate within
    /// δ of the best counts as good as the best.
    #[arg(long)]
    pub delta: f64,
    /// 1 − the selection's probability of picking a candidate within δ of the best.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// First-stage replications of each candidate in the selection.
    #[arg(long, default_value_t = 10)]
    pub n0: u32,
    /// The most replications any candidate gets in the selection.
    #[arg(long, default_value_t = 200)]
    pub max_replications: u32,
    /// The variant the parameters apply to.
    #[arg(long)]
    pub variant: Option<String>,
    /// Study options; --replications is each search candidate's, --seed the one all share.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// Runs the optimisation.
pub fn run(args: &OptimizeArgs) -> medsupply::error::Result<()> {
    let options = OptimizeOptions {
        params: args.params.clone(),
        objectives: args.objectives.clone(),
        constraints: args.constraints.clone(),
        cost: args.cost.clone(),
        variant: args.variant.clone(),
        budget: args.budget,
        finalists: args.finalists,
        max_candidates: args.max_candidates,
        kn: KnOptions {
            n0: args.n0,
            max_reps: args.max_replications,
            delta: args.delta,
            alpha: args.alpha,
        },
        study: args.study.options()?,
        command: std::env::args_os().collect(),
    };
    let terminal = Terminal::new(args.study.quiet);
    optimize(&args.study.scenario, &options, &terminal).map(drop)
}
