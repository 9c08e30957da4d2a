//! The validated model: everything the engine needs, with names resolved to indices and every
//! parameter checked. Built from a scenario file by [`build::build`].

pub mod build;
pub mod dist;
pub mod freight;
pub mod links;
pub mod validate;

pub use dist::Dist;
pub use freight::{Freight, LinkTrucks, Mode};
pub use links::{Link, LinkProps, LinkSpec, Links, Network};

use chrono::NaiveDate;
use petgraph::graph::NodeIndex;
use std::collections::BTreeMap;

/// Index of an item (material or product) in [`Model::items`].
pub type ItemId = usize;
/// Index of a node in [`Model::nodes`].
pub type NodeId = usize;
/// Index of a region in [`Model::regions`].
pub type RegionId = usize;
/// Index of a link in [`Model::links`].
pub type LinkId = usize;

/// Simulation ticks per day (minutes).
pub const TICKS_PER_DAY: i64 = 1440;

/// A regional epidemic risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskLevel {
    /// Resumes fully.
    Low = 0,
    /// Resumes in an orderly way under controls.
    Medium = 1,
    /// Keeps its focus on epidemic control.
    High = 2,
}

/// Severity classes of patients, in this order everywhere: mild, moderate, severe, critical.
pub type Severity = [f64; 4];

/// What a risk level governs.
#[derive(Debug, Clone)]
pub struct Risk {
    /// Restart delay (days) of a large firm.
    pub restart_large: Dist,
    /// Restart delay (days) of a small or medium firm.
    pub restart_sme: Dist,
    /// Share of the gap to the ceiling closed per day.
    pub worker_return_rate: f64,
    /// Highest share of workers present under this level.
    pub worker_ceiling: f64,
    /// Checkpoint wait (hours) entering a region at this level.
    pub checkpoint_hours: Dist,
    /// Probability per plant-day of an in-plant outbreak.
    pub plant_outbreak_rate: f64,
    /// Closure after an outbreak (days).
    pub outbreak_closure_days: Dist,
    /// Productivity of a plant while its region is at this level.
    pub productivity: f64,
    /// Whether workers from a region at this level may travel to work in another region.
    pub outbound_travel: bool,
    /// A checkpoint's throughput at this level: with one, its waits come from a queue shared
    /// with ordinary freight instead of `checkpoint_hours`.
    pub checkpoint_throughput: Option<Throughput>,
}

/// A checkpoint's service: lanes, each inspecting `per_hour` vehicles an hour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throughput {
    /// Vehicles one lane inspects per hour.
    pub per_hour: f64,
    /// Lanes (servers).
    pub lanes: u32,
}

/// An SEIR epidemic in one region.
#[derive(Debug, Clone)]
pub struct Epidemic {
    /// Population.
    pub population: f64,
    /// Exposed at day 0.
    pub initial_exposed: f64,
    /// Infectious at day 0 (they are cases with onset on day 0).
    pub initial_infectious: f64,
    /// Basic reproduction number.
    pub r0: f64,
    /// Mean incubation (days).
    pub incubation_days: f64,
    /// Mean infectious period (days).
    pub infectious_days: f64,
    /// Contact multiplier by day (piecewise constant, sorted).
    pub contact: Vec<(u32, f64)>,
    /// Share of infections that become cases needing care.
    pub case_fraction: f64,
    /// Split of cases by severity.
    pub severity: Severity,
    /// Length of stay per severity (days).
    pub stay_days: Severity,
    /// Days from onset to admission per severity.
    pub admission_delay_days: Severity,
    /// Days a critical patient is cared for as severe after admission, before the
    /// `stay_days` of the critical class begin.
    pub icu_delay_days: f64,
    /// Parameters drawn once per replication, in the order they are drawn (empty for an
    /// epidemic that is the same in every replication). The fields above hold their means.
    pub uncertain: Vec<(EpidemicParam, Dist)>,
}

/// An epidemic parameter that may be drawn per replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpidemicParam {
    /// [`Epidemic::r0`].
    R0,
    /// [`Epidemic::incubation_days`].
    IncubationDays,
    /// [`Epidemic::infectious_days`].
    InfectiousDays,
    /// The factor of the `k`-th step of [`Epidemic::contact`].
    Contact(usize),
    /// [`Epidemic::case_fraction`].
    CaseFraction,
    /// A class's share of [`Epidemic::severity`].
    Severity(usize),
    /// A class's [`Epidemic::stay_days`].
    StayDays(usize),
    /// A class's [`Epidemic::admission_delay_days`].
    AdmissionDelayDays(usize),
    /// [`Epidemic::icu_delay_days`].
    IcuDelayDays,
}

impl Epidemic {
    /// Whether some parameter is drawn per replication.
    pub fn is_uncertain(&self) -> bool {
        !self.uncertain.is_empty()
    }

    /// The epidemic of one replication: every uncertain parameter drawn from `rng` in turn,
    /// then the severity shares renormalised to sum to 1 if any was drawn (left as drawn in
    /// the unlikely case that every share drew 0).
    pub fn draw<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> Epidemic {
        let mut e = self.clone();
        e.uncertain = Vec::new();
        let mut shares_drawn = false;
        for (param, dist) in &self.uncertain {
            let v = dist.sample(rng);
            match *param {
                EpidemicParam::R0 => e.r0 = v,
                EpidemicParam::IncubationDays => e.incubation_days = v,
                EpidemicParam::InfectiousDays => e.infectious_days = v,
                EpidemicParam::Contact(k) => e.contact[k].1 = v,
                EpidemicParam::CaseFraction => e.case_fraction = v,
                EpidemicParam::Severity(k) => {
                    e.severity[k] = v;
                    shares_drawn = true;
                }
                EpidemicParam::StayDays(k) => e.stay_days[k] = v,
                EpidemicParam::AdmissionDelayDays(k) => e.admission_delay_days[k] = v,
                EpidemicParam::IcuDelayDays => e.icu_delay_days = v,
            }
        }
        let total: f64 = e.severity.iter().sum();
        if shares_drawn && total > 0.0 {
            e.severity = e.severity.map(|s| s / total);
        }
        e
    }
}

/// A region (province or city).
#[derive(Debug, Clone)]
pub struct Region {
    /// Its name.
    pub id: String,
    /// Risk level schedule, sorted by day, first on day 0.
    pub risk: Vec<(u32, RiskLevel)>,
    /// Its epidemic, if demand is computed.
    pub epidemic: Option<Epidemic>,
    /// When set, the level follows the region's simulated epidemic from day 1 on (the
    /// schedule `risk` then gives only the level on day 0).
    pub by_incidence: Option<IncidenceRule>,
    /// Shares of its plants' workforce whose homes are in other regions (`workers_from`); the
    /// rest are local.
    pub workers_from: Vec<(RegionId, f64)>,
    /// Its centroid (longitude, latitude in degrees), for the map; None when not given and
    /// it has no outline (then the centroid of its outline's largest polygon).
    pub location: Option<(f64, f64)>,
    /// Its outline from the `[map]` file, for the map; None without one.
    pub outline: Option<crate::util::geo::Outline>,
}

/// A risk level that follows the epidemic (`risk_by_incidence`): the level is set each day
/// from the new cases per 100,000 people over the last `window_days` days, with separate
/// thresholds up and down (hysteresis) and a minimum time at a level.
#[derive(Debug, Clone)]
pub struct IncidenceRule {
    /// Days the incidence is summed over (ending on the day itself).
    pub window_days: u32,
    /// Incidence at or above which the level rises to medium and to high.
    pub up: [f64; 2],
    /// Incidence below which the level falls from medium to low and from high to medium.
    pub down: [f64; 2],
    /// Days a level holds at least before it may change again.
    pub min_days: u32,
}

impl IncidenceRule {
    /// The level after `level` for an incidence of `inc` (per 100,000 over the window).
    fn next(&self, level: RiskLevel, inc: f64) -> RiskLevel {
        use RiskLevel::*;
        if inc >= self.up[1] {
            return High;
        }
        match level {
            High if inc < self.down[0] => Low,
            High if inc < self.down[1] => Medium,
            Medium if inc < self.down[0] => Low,
            Low if inc >= self.up[0] => Medium,
            l => l,
        }
    }

    /// The level schedule over `cases.len()` days from the daily new cases of a region of
    /// `population` people, starting at `start` on day 0.
    pub fn levels(
        &self,
        start: RiskLevel,
        cases: &[f64],
        population: f64,
    ) -> Vec<(u32, RiskLevel)> {
        let per_100k = 1e5 / population;
        let w = self.window_days.max(1) as usize;
        let mut out = vec![(0, start)];
        let mut held = 0;
        for d in 1..cases.len() {
            held += 1;
            let inc: f64 = cases[(d + 1).saturating_sub(w)..=d].iter().sum::<f64>() * per_100k;
            let level = out.last().map_or(start, |s| s.1);
            let next = self.next(level, inc);
            if next != level && held >= self.min_days {
                out.push((d as u32, next));
                held = 0;
            }
        }
        out
    }
}

/// The value of a piecewise-constant schedule on `day`.
pub fn step_value<T: Copy>(steps: &[(u32, T)], day: u32) -> Option<T> {
    steps
        .iter()
        .take_while(|(d, _)| *d <= day)
        .last()
        .map(|(_, v)| *v)
}

/// Material, consumable product or durable product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// Input to production.
    Material,
    /// Used up by demand.
    Consumable,
    /// Serves a census and is not consumed (ventilators).
    Durable,
}

/// A material or product.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its name.
    pub id: String,
    /// Unit of measure.
    pub unit: String,
    /// Kind.
    pub kind: ItemKind,
    /// Units per truck.
    pub units_per_truck: f64,
    /// Bill of materials: material units per unit.
    pub bom: Vec<(ItemId, f64)>,
    /// Sterilisation release delay (days).
    pub release_delay: Option<Dist>,
    /// Burn rates, for products hospitals use.
    pub burn: Option<Burn>,
    /// Money per unit (0 when not given: free to buy, earns nothing).
    pub price: f64,
}

/// Consumption (or units in use, for durables) per patient-day by severity and per staff shift.
#[derive(Debug, Clone)]
pub struct Burn {
    /// Per patient-day, by severity.
    pub per_patient_day: Severity,
    /// Per health-worker shift.
    pub per_staff_shift: f64,
}

/// A conservation strategy step.
#[derive(Debug, Clone)]
pub struct Conservation {
    /// Name (`contingency`, `crisis`, …).
    pub name: String,
    /// Multiplier of burn rates while active.
    pub burn_factor: f64,
    /// Items it applies to.
    pub items: Vec<ItemId>,
    /// Active from this day.
    pub from_day: Option<u32>,
    /// Or active at a hospital once its days of supply of an item (at normal burn rates) fall
    /// below this.
    pub days_of_supply_below: Option<f64>,
    /// Off everywhere from this day on.
    pub until_day: Option<u32>,
    /// A days-of-supply trigger switches off again once days of supply rise above this.
    pub days_of_supply_above: Option<f64>,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    /// Makes materials.
    Supplier,
    /// Makes products from materials.
    Factory,
    /// Holds stock.
    Warehouse,
    /// Holds locked stock until released.
    Reserve,
    /// Has demand.
    Hospital,
    /// Unlimited supply from outside the modelled system (imports).
    Source,
}

/// Echelon a node's stock is reported under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Echelon {
    /// Suppliers and factories.
    Factory,
    /// Warehouses and reserves.
    Warehouse,
    /// Hospitals.
    Hospital,
}

impl NodeKind {
    /// Whether it runs production lines.
    pub fn produces(self) -> bool {
        matches!(self, NodeKind::Supplier | NodeKind::Factory)
    }
    /// The echelon its stock counts under (None for unlimited sources).
    pub fn echelon(self) -> Option<Echelon> {
        match self {
            NodeKind::Supplier | NodeKind::Factory => Some(Echelon::Factory),
            NodeKind::Warehouse | NodeKind::Reserve => Some(Echelon::Warehouse),
            NodeKind::Hospital => Some(Echelon::Hospital),
            NodeKind::Source => None,
        }
    }
}

/// Production lines of one item at a node.
#[derive(Debug, Clone)]
pub struct Lines {
    /// What they make.
    pub item: ItemId,
    /// How many.
    pub lines: u32,
    /// Units per line per shift-day.
    pub rate_per_line: f64,
    /// Breakdowns: time to failure and repair (days).
    pub breakdown: Option<(Dist, Dist)>,
}

/// A conversion or expansion step.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// Decision day.
    pub day: u32,
    /// Lines added.
    pub lines: Lines,
    /// Lead time (days).
    pub lead_time: Dist,
    /// A switch: the product whose lines (as many as [`Lines::lines`]) stop on the decision
    /// day and become the new lines after the lead time. None adds new lines.
    pub from: Option<ItemId>,
}

/// A firm whose material purchases are limited by its money (`working_capital`).
#[derive(Debug, Clone, Copy)]
pub struct WorkingCapital {
    /// Money on day 0.
    pub initial: f64,
    /// Days from shipping goods until they are paid for.
    pub payment_lag_days: f64,
}

/// A replenishment policy.
#[derive(Debug, Clone)]
pub struct Replenish {
    /// Item.
    pub item: ItemId,
    /// Where orders go.
    pub source: NodeId,
    /// Reorder point s.
    pub reorder_point: f64,
    /// Order-up-to level S.
    pub order_up_to: f64,
    /// Review period (days); None is continuous review.
    pub review_days: Option<u32>,
    /// Order processing delay (hours, positive).
    pub order_delay_hours: Dist,
    /// Most units held: orders never lift the position above it.
    pub capacity: Option<f64>,
    /// The position nets out units owed to orders waiting at this node.
    pub net_backorders: bool,
}

/// Make-to-order production (`[node.make_to_order]`).
#[derive(Debug, Clone)]
pub struct MakeToOrder {
    /// The product.
    pub item: ItemId,
    /// Where materials are ordered from.
    pub materials_source: NodeId,
    /// Reorder point s of the product's position (on hand + planned - owed).
    pub reorder_point: f64,
    /// Order-up-to level S.
    pub order_up_to: f64,
    /// Most units of the product held.
    pub capacity: Option<f64>,
    /// Most units per batch.
    pub batch_max: u64,
    /// Batch duration (days).
    pub batch_days: Dist,
    /// Processing delay of material orders (hours).
    pub order_delay_hours: Dist,
}

/// A stream of customer orders (`[[node.customer_orders]]`).
#[derive(Debug, Clone)]
pub struct CustomerOrders {
    /// The product.
    pub item: ItemId,
    /// Units per order.
    pub units: u64,
    /// Days between orders.
    pub interarrival_days: Dist,
}

/// Where a hospital's census comes from.
#[derive(Debug, Clone)]
pub enum Census {
    /// A share of its region's epidemic census.
    RegionShare(f64),
    /// A series per day (from CSV).
    Series(Vec<Severity>),
}

/// When a reserve releases its stock.
#[derive(Debug, Clone)]
pub struct Release {
    /// On this day.
    pub day: Option<u32>,
    /// Or when national hospital days of supply of any of its products fall below this.
    pub national_days_of_supply_below: Option<f64>,
    /// Or when days of supply at the hospitals of its own region fall below this.
    pub region_days_of_supply_below: Option<f64>,
    /// A days-of-supply trigger releases only the product that fell below the threshold.
    pub per_product: bool,
}

impl Release {
    /// The days-of-supply threshold and whether it is measured over the reserve's own region
    /// (else nationally); None for a release on a day.
    pub fn days_of_supply_below(&self) -> Option<(f64, bool)> {
        self.national_days_of_supply_below
            .map(|d| (d, false))
            .or(self.region_days_of_supply_below.map(|d| (d, true)))
    }
}

/// Size class of a firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// Large firm.
    Large,
    /// Small or medium firm.
    Sme,
}

/// A node of the network.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its name.
    pub id: String,
    /// Which copy it is of a `[[node]]` entry with `count` (0-based), whose `id` its own
    /// extends; None for the node of an entry without `count`, which has the entry's `id`.
    pub copy: Option<u32>,
    /// What it is.
    pub kind: NodeKind,
    /// Where it is.
    pub region: RegionId,
    /// Firm size.
    pub size: Size,
    /// A priority (key medical) firm.
    pub priority: bool,
    /// Closed on day 0 until its restart.
    pub closed_at_start: bool,
    /// Shifts per day.
    pub shifts: f64,
    /// Share of output scrapped by quality control.
    pub reject_fraction: f64,
    /// Production lines.
    pub lines: Vec<Lines>,
    /// Conversions and expansions.
    pub conversions: Vec<Conversion>,
    /// Its own order of products drawing shared materials (None: [`Model::material_priority`]).
    pub material_priority: Option<Vec<ItemId>>,
    /// Money limiting its material purchases (None: not limited).
    pub working_capital: Option<WorkingCapital>,
    /// Initial stock.
    pub stock: Vec<(ItemId, u64)>,
    /// Replenishment policies.
    pub replenish: Vec<Replenish>,
    /// Census source (hospitals).
    pub census: Option<Census>,
    /// Direct demand series per product (hospitals).
    pub direct_demand: Vec<(ItemId, Vec<f64>)>,
    /// Release rule (reserves).
    pub release: Option<Release>,
    /// Items an unlimited source supplies.
    pub supplies: Vec<ItemId>,
    /// Orders waiting here ship whole, first in first out per item.
    pub ship_whole_orders: bool,
    /// Make-to-order production.
    pub make_to_order: Option<MakeToOrder>,
    /// Customer order streams.
    pub customer_orders: Vec<CustomerOrders>,
    /// Its vertex in the network of [`Links`].
    pub vertex: NodeIndex,
    /// Nodes that must have restarted before it restarts (`requires`).
    pub requires: Vec<NodeId>,
}

/// The green channel policy.
#[derive(Debug, Clone)]
pub struct GreenChannel {
    /// On at all.
    pub enabled: bool,
    /// From this day.
    pub start_day: u32,
    /// Eligible items (None = all).
    pub items: Option<Vec<ItemId>>,
    /// Eligible origin regions (None = all).
    pub origins: Option<Vec<RegionId>>,
    /// Eligible destination regions (None = all).
    pub destinations: Option<Vec<RegionId>>,
    /// Eligible links (None = all).
    pub links: Option<Vec<LinkId>>,
    /// Eligible shipments skip checkpoints.
    pub bypass_checkpoints: bool,
    /// Eligible shipments go first for link capacity.
    pub capacity_priority: bool,
    /// Share of green-channel trucks running on road links (empty = the national share).
    pub truck_availability: Vec<(u32, f64)>,
    /// When they do not bypass checkpoints: eligible vehicles are served before ordinary
    /// traffic in a checkpoint's queue.
    pub checkpoint_priority: bool,
    /// Routes count the checkpoints eligible shipments skip (else they are chosen as if the
    /// shipment were not eligible).
    pub routing: bool,
}

/// A central allocation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Designated regions first, up to their need; the rest in proportion to need.
    Priority,
    /// In proportion to need.
    Proportional,
    /// In proportion to weight × need.
    Weighted,
}

/// Central dispatch.
#[derive(Debug, Clone)]
pub struct Dispatch {
    /// Rule.
    pub rule: Rule,
    /// Priority regions, by index (Priority rule).
    pub priority_regions: Vec<RegionId>,
    /// Weight per region (Weighted rule; 1 where not given).
    pub weights: Vec<f64>,
    /// Hospitals served first within their region, in order, up to their need.
    pub priority_hospitals: Vec<NodeId>,
    /// Weight per node within its region (1 where not given; only hospitals' are used).
    pub hospital_weights: Vec<f64>,
    /// Products it allocates.
    pub items: Vec<ItemId>,
    /// Nodes whose stock it allocates.
    pub sources: Vec<NodeId>,
    /// Days of demand a hospital is topped up to.
    pub cover_days: f64,
    /// Ticks from decision to departure.
    pub decision_delay_ticks: i64,
}

/// Redeployment of a durable product between regions (`[[redeployment]]`).
#[derive(Debug, Clone)]
pub struct Redeployment {
    /// The durable product.
    pub item: ItemId,
    /// A region gives only once its need peaked at least this many days ago.
    pub after_peak_days: u32,
    /// Share of a donor hospital's idle units it keeps.
    pub keep_share: f64,
    /// Most share of a donor hospital's units sent in one day.
    pub max_share: f64,
    /// Ticks from the decision until the units leave.
    pub delay_ticks: i64,
}

/// A scheduled link closure.
#[derive(Debug, Clone)]
pub struct Disruption {
    /// The link.
    pub link: LinkId,
    /// First day.
    pub day: u32,
    /// Duration (days).
    pub days: f64,
}

/// The validated model of one scenario variant.
#[derive(Debug, Clone)]
pub struct Model {
    /// Scenario name.
    pub name: String,
    /// Variant name (`base` when none).
    pub variant: String,
    /// Calendar date of day 0.
    pub start_date: NaiveDate,
    /// Horizon in days.
    pub days: u32,
    /// Default seed.
    pub seed: u64,
    /// Default replications.
    pub replications: u32,
    /// SHA-256 of the scenario text and every CSV it reads.
    pub input_hash: String,
    /// Regions of interest.
    pub regions_of_interest: Vec<RegionId>,
    /// Restart multiplier for priority firms.
    pub priority_restart_factor: f64,
    /// SME restart multiplier (1 when financing is off).
    pub sme_restart_factor: f64,
    /// An SME's loan on day 0, as a multiple of its working capital (0 when financing is off).
    pub sme_financing_credit_factor: f64,
    /// Days within which large firms pay their SME suppliers (None: the suppliers' terms).
    pub sme_early_payment_days: Option<f64>,
    /// Conversions enabled.
    pub conversion_enabled: bool,
    /// Products that draw shared materials first at a plant, in this order (others follow in
    /// line order); empty means line order.
    pub material_priority: Vec<ItemId>,
    /// Parameters per risk level, indexed by `RiskLevel as usize`.
    pub risk: [Risk; 3],
    /// Initial worker share.
    pub workers_initial: f64,
    /// Firm-level worker noise (relative sd).
    pub workers_noise_sd: f64,
    /// Regions.
    pub regions: Vec<Region>,
    /// Items: materials then products, in file order.
    pub items: Vec<Item>,
    /// Staff shifts per patient-day by severity.
    pub staffing: Severity,
    /// Conservation steps.
    pub conservation: Vec<Conservation>,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Links, and the network they are the edges of.
    pub links: Links,
    /// Pinned routes.
    pub pinned_routes: BTreeMap<(NodeId, NodeId), Vec<LinkId>>,
    /// Green channel.
    pub green: GreenChannel,
    /// National truck availability schedule (road and ferry+road links).
    pub truck_availability: Vec<(u32, f64)>,
    /// Central dispatch.
    pub dispatch: Option<Dispatch>,
    /// Scheduled link closures.
    pub disruptions: Vec<Disruption>,
    /// Ordinary freight and transport modes.
    pub freight: Freight,
    /// Redeployment rules of durable products (enabled ones only).
    pub redeployment: Vec<Redeployment>,
    /// From this day no vehicle pays tolls (None: never).
    pub toll_free_from_day: Option<u32>,
    /// Restart clusters: the members of each restart together (`cluster`).
    pub restart_clusters: Vec<Vec<NodeId>>,
}

impl Model {
    /// Whether link `l` can ever close (a random closure rate, or a scheduled disruption).
    pub fn link_can_close(&self, l: LinkId) -> bool {
        self.links.props(l).closure_rate > 0.0 || self.disruptions.iter().any(|d| d.link == l)
    }

    /// The name of link `l`: its `id`, or `from->to` for a link of a group.
    pub fn link_name(&self, l: LinkId) -> std::borrow::Cow<'_, str> {
        let (link, id) = (self.links.get(l), &self.links.spec(l).id);
        if id.is_empty() {
            std::borrow::Cow::Owned(format!(
                "{}->{}",
                self.nodes[link.from()].id,
                self.nodes[link.to()].id
            ))
        } else {
            std::borrow::Cow::Borrowed(id)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::*;

    /// `chain`'s factory (region A) and hospital (region B) and its link `road`, with `extra`.
    fn chain_with(extra: &str) -> super::Model {
        chain_model(5, 1, 0, 0, 0, extra)
    }

    #[test]
    fn an_incidence_rule_rises_and_falls_with_hysteresis_and_a_minimum_time() {
        use super::{IncidenceRule, RiskLevel::*};
        let mut rule = IncidenceRule {
            window_days: 1,
            up: [10.0, 50.0],
            down: [5.0, 30.0],
            min_days: 0,
        };
        // Per 100,000 people, one day's cases each.
        let cases = [0.0, 12.0, 60.0, 40.0, 20.0, 8.0, 4.0, 4.0];
        let at = |rule: &IncidenceRule| rule.levels(Low, &cases, 1e5);
        assert_eq!(
            at(&rule),
            [(0, Low), (1, Medium), (2, High), (4, Medium), (6, Low)],
            "40 keeps high (above 30), 8 keeps medium (above 5)"
        );
        rule.min_days = 2;
        assert_eq!(at(&rule), [(0, Low), (2, High), (4, Medium), (6, Low)]);
        // Over two days: 12, 72, 100, 60, 28, 12, 8.
        rule.window_days = 2;
        rule.min_days = 0;
        assert_eq!(at(&rule), [(0, Low), (1, Medium), (2, High), (5, Medium)]);
    }

    #[test]
    fn a_link_group_shares_one_spec_per_set_of_checkpoints() {
        let mut m = chain_with(
            r#"
[[node]]
id = "factory-b"
kind = "warehouse"
region = "A"

[[link_group]]
from = ["factory*"]
to = ["factory*", "hospital"]
lead_time_days = { dist = "fixed", value = 1 }
"#,
        );
        assert_eq!(std::mem::size_of::<petgraph::graph::Edge<u32>>(), 20);
        // No link from a node to itself.
        let ends: Vec<_> = m.links.iter().map(|l| (l.from(), l.to())).collect();
        assert_eq!(ends, [(0, 1), (0, 2), (0, 1), (2, 0), (2, 1)]);
        assert!(std::ptr::eq(m.links.spec(1), m.links.spec(3)));
        assert!(std::ptr::eq(m.links.spec(2), m.links.spec(4)));
        assert!(!std::ptr::eq(m.links.spec(0), m.links.spec(2)));
        assert!(m.links.checkpoints(1).is_empty());
        assert_eq!(m.links.checkpoints(2), [region(&m, "B")]);
        assert_eq!(m.link_name(0), "road");
        assert_eq!(m.link_name(4), "factory-b->hospital");
        // Changing a spec changes the links that share it, and only those.
        m.links.props_mut(2).closure_rate = 0.5;
        assert_eq!(m.links.props(4).closure_rate, 0.5);
        assert_eq!(m.links.props(1).closure_rate, 0.0);
        assert_eq!(m.links.props(0).closure_rate, 0.0);
    }

    #[test]
    fn a_vertex_knows_its_fastest_link_out_until_a_link_changes() {
        // The factory's links out take 1 (`road`), 2 and 0.5 days; clinic-0 has none.
        let mut m = chain_with(
            r#"
[[node]]
id = "clinic-"
count = 3
kind = "hospital"
region = "A"
demand = []

[[link_group]]
from = ["factory"]
to = ["clinic-*", "hospital"]
lead_time_days = { dist = "fixed", value = 2 }

[[link_group]]
from = ["clinic-1", "factory"]
to = ["hospital"]
lead_time_days = { dist = "fixed", value = 0.5 }
"#,
        );
        let vertex = |id: &str| m.nodes.iter().find(|n| n.id == id).unwrap().vertex;
        let factory = vertex("factory");
        assert_eq!(m.links.fastest_out(factory), 0.5);
        assert_eq!(m.links.fastest_out(vertex("clinic-0")), f64::INFINITY);
        // Once a link's properties change, the bound no longer holds and is not given.
        m.links.props_mut(0).lead_time = crate::model::Dist::fixed(0.1);
        assert_eq!(m.links.fastest_out(factory), f64::NEG_INFINITY);
    }

    #[test]
    fn a_node_entry_with_count_makes_nodes_alike_that_links_and_variants_reach() {
        let extra = r#"
[[node]]
id = "clinic-"
count = 3
kind = "hospital"
region = "A"
demand = []
stock = { mask = 7 }
replenish = [{ item = "mask", source = "factory", reorder_point = 1, order_up_to = 5, order_delay_hours = { dist = "fixed", value = 1 } }]

[[link_group]]
from = ["factory"]
to = ["clinic-*"]
lead_time_days = { dist = "fixed", value = 1 }

[[variant]]
name = "more"
set = { "node.clinic-.stock.mask" = 9 }
"#;
        let (toml, csv) = crate::testutil::chain(5, 1, 0, 0, 0, extra);
        let files = [("demand.csv", csv.as_str())];
        let m = with_files(&toml, None, &files);
        let ids: Vec<&str> = m.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            ["factory", "hospital", "clinic-0", "clinic-1", "clinic-2"]
        );
        let mask = item(&m, "mask");
        for n in &m.nodes[2..] {
            assert_eq!(n.stock, [(mask, 7)]);
            assert_eq!(n.replenish[0].source, 0);
        }
        let vertices: Vec<usize> = m.nodes.iter().map(|n| n.vertex.index()).collect();
        assert_eq!(vertices, [0, 1, 2, 3, 4]);
        assert_eq!(m.link_name(3), "factory->clinic-2");
        assert_eq!(m.links.len(), 4);
        // A variant changes the entry, so every node it makes.
        let v = with_files(&toml, Some("more"), &files);
        assert!(v.nodes[2..].iter().all(|n| n.stock == [(mask, 9)]));
        // The copies run as nodes of their own.
        let r = run(&m, 0);
        assert!(r.events > 0);
    }
}
