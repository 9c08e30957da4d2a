//! What the replications of one model share while a study runs: the census of every region
//! whose epidemic is the same in every replication, the route cache, and the nodes central
//! dispatch finds needs at. The study owns a context per model and lends it to each replication,
//! so the model itself stays plain data.

use crate::demand::seir::{census_of, onsets_many};
use crate::engine::mechanisms::census::region_levels;
use crate::engine::mechanisms::dispatch::demand_nodes;
use crate::engine::mechanisms::routing::RouteCache;
use crate::model::{Epidemic, Model, NodeId, Region, RegionId, RiskLevel, Severity};

/// Run-time data derived from a model and shared by its replications (on any thread).
pub struct RunContext<'m> {
    /// The model that runs.
    pub(in crate::engine) model: &'m Model,
    /// Routes and ranked dispatch sources found so far (a function of the model alone, so any
    /// replication may reuse what another found).
    pub(in crate::engine) routes: RouteCache,
    /// Every region's daily census (empty without an epidemic, or with one whose parameters
    /// are drawn per replication): a function of the model alone, computed once rather than
    /// per replication.
    pub(in crate::engine) census: Vec<Vec<Severity>>,
    /// Ordinary freight trucks crossing each region's checkpoints per day (empty unless a risk
    /// level gives checkpoints a throughput): the arrivals of their queues.
    pub(in crate::engine) checkpoint_traffic: Vec<Vec<f64>>,
    /// Every region's risk level schedule: its `risk`, or the one its `risk_by_incidence` rule
    /// gives from an epidemic that is the same in every replication (a replication replaces
    /// those of epidemics it draws).
    pub(in crate::engine) levels: Vec<Vec<(u32, RiskLevel)>>,
    /// For each product, the nodes a dispatch day may find a need at, by region and then node
    /// (see [`demand_nodes`]).
    pub(in crate::engine) demand_nodes: Vec<Vec<(NodeId, RegionId)>>,
    /// Whether the event loop prefetches what the next node events read (see
    /// [`PREFETCH_MIN_NODES`]).
    pub(in crate::engine) prefetch: bool,
}

/// Nodes from which the event loop prefetches: below, every node's state stays in the caches
/// between its daily events, and looking ahead would be work for nothing.
const PREFETCH_MIN_NODES: usize = 2048;

impl<'m> RunContext<'m> {
    /// A context for `model`, its census integrated and its route cache empty.
    pub fn new(model: &'m Model) -> RunContext<'m> {
        let fixed = |r: &'m Region| r.epidemic.as_ref().filter(|e| !e.is_uncertain());
        let epidemics: Vec<&Epidemic> = model.regions.iter().filter_map(fixed).collect();
        let mut onsets = onsets_many(&epidemics, model.days).into_iter();
        let (census, levels) = model
            .regions
            .iter()
            .map(|r| match fixed(r) {
                Some(e) => {
                    let onsets = onsets.next().expect("one series per fixed epidemic");
                    (census_of(e, &onsets), region_levels(r, e, &onsets))
                }
                None => (Vec::new(), r.risk.clone()),
            })
            .unzip();
        let queues = model.risk.iter().any(|r| r.checkpoint_throughput.is_some());
        RunContext {
            model,
            routes: RouteCache::default(),
            census,
            checkpoint_traffic: if queues {
                model.checkpoint_traffic()
            } else {
                Vec::new()
            },
            levels,
            demand_nodes: demand_nodes(model),
            prefetch: model.nodes.len() >= PREFETCH_MIN_NODES,
        }
    }

    /// The model this context belongs to.
    pub fn model(&self) -> &'m Model {
        self.model
    }
}
