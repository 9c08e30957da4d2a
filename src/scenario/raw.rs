//! The scenario file as written: plain serde types mirroring the TOML layout.
//!
//! These types carry no guarantees beyond "the TOML had this shape"; `model::build` turns them
//! into a validated [`crate::model::Model`] and reports every semantic problem with its field path.

use serde::Deserialize;
use std::collections::BTreeMap;

/// A probability distribution of a duration or quantity, written as an inline table with a
/// `dist` tag, e.g. `{ dist = "triangular", min = 1, mode = 2, max = 4 }`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum DistSpec {
    /// Always `value`.
    Fixed { value: f64 },
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Triangular with the given bounds and mode.
    Triangular { min: f64, mode: f64, max: f64 },
    /// `min + Exp` with overall mean `mean` (so the exponential part has mean `mean - min`).
    Exponential {
        mean: f64,
        #[serde(default)]
        min: f64,
    },
    /// `min + LogNormal`, with overall mean `mean` (min included) and the log-normal part's
    /// standard deviation `sd`.
    Lognormal {
        mean: f64,
        sd: f64,
        #[serde(default)]
        min: f64,
    },
}

/// The whole scenario file.
#[derive(Debug, Clone, Deserialize)]
pub struct RawScenario {
    pub scenario: RawMeta,
    #[serde(default)]
    pub policy: RawPolicy,
    pub risk_levels: RawRiskLevels,
    #[serde(default)]
    pub workers: RawWorkers,
    #[serde(default)]
    pub region: Vec<RawRegion>,
    #[serde(default)]
    pub material: Vec<RawItem>,
    #[serde(default)]
    pub product: Vec<RawProduct>,
    #[serde(default)]
    pub staffing: RawSeverity,
    #[serde(default)]
    pub burn: BTreeMap<String, RawBurn>,
    #[serde(default)]
    pub conservation: Vec<RawConservation>,
    #[serde(default)]
    pub node: Vec<RawNode>,
    #[serde(default)]
    pub link: Vec<RawLink>,
    #[serde(default)]
    pub link_group: Vec<RawLinkGroup>,
    #[serde(default)]
    pub route: Vec<RawRoute>,
    #[serde(default)]
    pub green_channel: RawGreenChannel,
    #[serde(default)]
    pub transport: RawTransport,
    #[serde(default)]
    pub dispatch: Option<RawDispatch>,
    #[serde(default)]
    pub disruption: Vec<RawDisruption>,
    #[serde(default)]
    pub redeployment: Vec<RawRedeployment>,
    #[serde(default)]
    pub variant: Vec<RawVariant>,
    /// `[[region_table]]`: regions from CSV files. Tables are expanded into their arrays when
    /// the file is read (`scenario::tables`), so these lists are always empty here; they are
    /// fields so that the scenario format lists them.
    #[serde(default)]
    pub region_table: Vec<RawTable>,
    /// `[[node_table]]`: nodes from CSV files, one row per `[[node]]`.
    #[serde(default)]
    pub node_table: Vec<RawTable>,
    /// `[[link_table]]`: links from CSV files, one row per `[[link]]`.
    #[serde(default)]
    pub link_table: Vec<RawTable>,
    /// `[[link_group_table]]`: link groups from CSV files, one row per `[[link_group]]`.
    #[serde(default)]
    pub link_group_table: Vec<RawTable>,
    /// `[[lines_table]]`: production lines from CSV files, one row per `[[node.lines]]` of the
    /// node named in the `node` column.
    #[serde(default)]
    pub lines_table: Vec<RawTable>,
    /// `[[conversion_table]]`: line conversions and expansions from CSV files, one row per
    /// `[[node.conversion]]` of the node named in the `node` column.
    #[serde(default)]
    pub conversion_table: Vec<RawTable>,
    /// `[[replenish_table]]`: replenishment rules from CSV files, one row per
    /// `[[node.replenish]]` of the node named in the `node` column.
    #[serde(default)]
    pub replenish_table: Vec<RawTable>,
    /// `[[stock_table]]`: initial stock from CSV files: a `node` column, and a column per item
    /// giving the node's `stock` of it.
    #[serde(default)]
    pub stock_table: Vec<RawTable>,
}

/// A `[[x_table]]` entry: a CSV file whose rows are entries of the array `x`, its header
/// naming their fields (`epidemic.r0` for a nested one).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    /// The CSV file, relative to the scenario's folder.
    pub csv: String,
    /// Fields every row has unless its cell says otherwise.
    #[serde(default)]
    pub defaults: toml::Table,
}

/// `[scenario]`: identity, horizon and run defaults.
#[derive(Debug, Clone, Deserialize)]
pub struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Calendar date of day 0, `YYYY-MM-DD`.
    pub start_date: String,
    pub days: i64,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_replications")]
    pub replications: i64,
    /// Regions a planner wants to see on their own in plots and reports.
    #[serde(default)]
    pub regions_of_interest: Vec<String>,
}

fn default_seed() -> u64 {
    1
}
fn default_replications() -> i64 {
    10
}
fn default_true() -> bool {
    true
}
fn default_one() -> f64 {
    1.0
}

/// `[policy]`: switches and factors researchers compare.
#[derive(Debug, Clone, Deserialize)]
pub struct RawPolicy {
    /// Productivity while epidemic controls (disinfection, temperature checks) apply.
    #[serde(default = "default_one")]
    pub productivity_under_controls: f64,
    /// Restart delay multiplier for firms marked `priority = true` (medical key firms).
    #[serde(default = "default_one")]
    pub priority_restart_factor: f64,
    /// Whether small and medium firms get financing support.
    #[serde(default)]
    pub sme_financing: bool,
    /// Restart delay multiplier for SMEs when `sme_financing` is on.
    #[serde(default = "default_one")]
    pub sme_financing_restart_factor: f64,
    /// When `sme_financing` is on, every small or medium firm with working capital gets this
    /// many times its working capital on day 0 (an interest-free loan, not repaid within the
    /// horizon).
    #[serde(default)]
    pub sme_financing_credit_factor: f64,
    /// Large firms pay their small and medium suppliers within this many days (a shorter
    /// `payment_lag_days` for those sales); absent means on the suppliers' usual terms.
    #[serde(default)]
    pub sme_early_payment_days: Option<f64>,
    /// Whether scheduled line conversions and expansions happen.
    #[serde(default = "default_true")]
    pub conversion: bool,
    /// The order in which a plant's products draw shared materials: products listed first
    /// draw first, the rest after them in the order of their lines. Empty means line order.
    #[serde(default)]
    pub material_priority: Vec<String>,
    /// Whether regions with `risk_by_incidence` follow their epidemic (else their `risk`
    /// schedule holds).
    #[serde(default = "default_true")]
    pub risk_by_incidence: bool,
}

impl Default for RawPolicy {
    fn default() -> Self {
        RawPolicy {
            productivity_under_controls: 1.0,
            priority_restart_factor: 1.0,
            sme_financing: false,
            sme_financing_restart_factor: 1.0,
            sme_financing_credit_factor: 0.0,
            sme_early_payment_days: None,
            conversion: true,
            material_priority: Vec::new(),
            risk_by_incidence: true,
        }
    }
}

/// `[risk_levels.low|medium|high]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRiskLevels {
    pub low: RawRisk,
    pub medium: RawRisk,
    pub high: RawRisk,
}

/// What a regional risk level governs.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRisk {
    /// Days from the start of the surge until a large firm restarts.
    pub restart_days_large: DistSpec,
    /// Days until a small or medium firm restarts.
    pub restart_days_sme: DistSpec,
    /// Share of the gap to `worker_ceiling` closed each day.
    pub worker_return_rate: f64,
    /// Highest share of workers present while this level holds.
    pub worker_ceiling: f64,
    /// Hours a shipment waits at a health checkpoint entering the region.
    pub checkpoint_hours: DistSpec,
    /// Probability per plant and day of an outbreak inside the plant.
    #[serde(default)]
    pub plant_outbreak_rate: f64,
    /// Days a plant stays closed after an outbreak.
    pub outbreak_closure_days: Option<DistSpec>,
    /// Productivity of plants while their region is at this level (default
    /// `policy.productivity_under_controls`).
    pub productivity: Option<f64>,
    /// Whether workers living in a region at this level may leave it to work elsewhere.
    #[serde(default = "default_true")]
    pub outbound_travel: bool,
    /// Vehicles one checkpoint lane inspects per hour; absent keeps the plain
    /// `checkpoint_hours` wait (no queue).
    #[serde(default)]
    pub checkpoint_vehicles_per_hour: Option<f64>,
    /// Lanes (servers) of a checkpoint with a throughput.
    #[serde(default = "default_lanes")]
    pub checkpoint_lanes: i64,
}

fn default_lanes() -> i64 {
    1
}

/// `[workers]`: the national worker-return set-up.
#[derive(Debug, Clone, Deserialize)]
pub struct RawWorkers {
    /// Share of workers present on day 0 everywhere (1 when not given).
    #[serde(default = "default_one")]
    pub initial_share: f64,
    /// Relative standard deviation of firm-level daily noise around the regional share.
    #[serde(default)]
    pub noise_sd: f64,
}

impl Default for RawWorkers {
    fn default() -> Self {
        RawWorkers {
            initial_share: 1.0,
            noise_sd: 0.0,
        }
    }
}

/// A regional risk level as written: `low`, `medium` or `high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawRiskLevel {
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
}

/// One step of a piecewise-constant schedule.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRiskStep {
    pub day: i64,
    pub level: RawRiskLevel,
}

/// `[[region]]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRegion {
    pub id: String,
    /// Risk level schedule; the first step must be on day 0.
    pub risk: Vec<RawRiskStep>,
    pub epidemic: Option<RawEpidemic>,
    /// The level follows the region's simulated epidemic from day 1 on.
    pub risk_by_incidence: Option<RawIncidenceRule>,
    /// Shares of the region's plant workforce whose homes are in other regions, by region.
    #[serde(default)]
    pub workers_from: BTreeMap<String, f64>,
}

/// `risk_by_incidence = { ... }` of a region: thresholds on new cases per 100,000 people
/// over a window, separate up and down (hysteresis), and a minimum time at a level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIncidenceRule {
    /// Days the new cases are summed over.
    #[serde(default = "default_window")]
    pub window_days: i64,
    /// Rise to medium at or above this incidence.
    pub medium_above: f64,
    /// Rise to high at or above this incidence.
    pub high_above: f64,
    /// Fall from medium to low below this incidence (default `medium_above`).
    pub low_below: Option<f64>,
    /// Fall from high to medium below this incidence (default `high_above`).
    pub medium_below: Option<f64>,
    /// Days a level holds at least before it may change.
    #[serde(default)]
    pub min_days: i64,
}
fn default_window() -> i64 {
    14
}

/// Values per severity class.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawSeverity {
    #[serde(default)]
    pub mild: f64,
    #[serde(default)]
    pub moderate: f64,
    #[serde(default)]
    pub severe: f64,
    #[serde(default)]
    pub critical: f64,
}

/// An epidemic parameter: a number, or a distribution drawn once per replication (e.g.
/// `r0 = { dist = "triangular", min = 1.4, mode = 2.2, max = 3.9 }`).
#[derive(Debug, Clone, PartialEq)]
pub enum RawParam {
    /// The same value in every replication.
    Value(f64),
    /// Drawn once per replication.
    Dist(DistSpec),
}

impl Default for RawParam {
    fn default() -> Self {
        RawParam::Value(0.0)
    }
}

impl<'de> Deserialize<'de> for RawParam {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawParam;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a number or a distribution such as \
                     { dist = \"triangular\", min = 1, mode = 2, max = 3 }",
                )
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawParam, E> {
                Ok(RawParam::Value(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawParam, E> {
                Ok(RawParam::Value(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawParam, E> {
                Ok(RawParam::Value(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawParam, A::Error> {
                DistSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawParam::Dist)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Epidemic parameters per severity class, each a number or a distribution.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawSeverityParams {
    #[serde(default)]
    pub mild: RawParam,
    #[serde(default)]
    pub moderate: RawParam,
    #[serde(default)]
    pub severe: RawParam,
    #[serde(default)]
    pub critical: RawParam,
}

/// A day-indexed multiplier of an epidemic's contacts (the factor may be a distribution).
#[derive(Debug, Clone, Deserialize)]
pub struct RawFactorStep {
    pub day: i64,
    pub factor: RawParam,
}

/// An SEIR epidemic in one region. The parameters after the initial state may be numbers or
/// distributions drawn once per replication.
#[derive(Debug, Clone, Deserialize)]
pub struct RawEpidemic {
    pub population: f64,
    #[serde(default)]
    pub initial_exposed: f64,
    pub initial_infectious: f64,
    pub r0: RawParam,
    pub incubation_days: RawParam,
    pub infectious_days: RawParam,
    /// Contact multiplier schedule (1 = no reduction); piecewise constant.
    #[serde(default)]
    pub contact: Vec<RawFactorStep>,
    /// Share of infections that become reported cases needing care.
    pub case_fraction: RawParam,
    /// Split of cases into severity classes (fixed shares must sum to 1; drawn shares are
    /// renormalised).
    pub severity: RawSeverityParams,
    /// Length of stay in care, days, per class.
    pub stay_days: RawSeverityParams,
    /// Days from onset to admission, per class (0 when not given).
    #[serde(default)]
    pub admission_delay_days: RawSeverityParams,
    /// Days a critical patient spends as severe after admission before needing intensive
    /// care (0 when not given).
    #[serde(default)]
    pub icu_delay_days: RawParam,
}

/// `[[material]]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawItem {
    pub id: String,
    #[serde(default)]
    pub unit: String,
    /// Units one truck carries (transport capacity is counted in trucks).
    pub units_per_truck: f64,
    /// Money per unit (a buyer's cost when working capital limits its purchases).
    #[serde(default)]
    pub price: f64,
}

/// What a product is: `consumable` (used up) or `durable` (serves a census, not consumed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawProductKind {
    /// `consumable`.
    Consumable,
    /// `durable`.
    Durable,
}

/// `[[product]]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawProduct {
    pub id: String,
    #[serde(default)]
    pub unit: String,
    /// `consumable` (used up) or `durable` (serves a census, not consumed).
    pub kind: RawProductKind,
    pub units_per_truck: f64,
    /// Money per unit (what a seller with working capital is paid for it).
    #[serde(default)]
    pub price: f64,
    /// Material units per unit of product.
    #[serde(default)]
    pub bom: BTreeMap<String, f64>,
    /// Days from production until sterilised goods may ship.
    pub release_delay_days: Option<DistSpec>,
    /// `false` says on purpose that no hospital uses this product: a consumable without demand
    /// anywhere is otherwise an error.
    #[serde(default = "default_true")]
    pub demanded: bool,
}

/// `[burn.<product>]`: consumption (or, for durables, units in use) per patient-day and staff shift.
#[derive(Debug, Clone, Deserialize)]
pub struct RawBurn {
    #[serde(default)]
    pub per_patient_day: RawSeverity,
    #[serde(default)]
    pub per_staff_shift: f64,
}

/// `[[conservation]]`: a crisis-standard step that cuts burn rates from a trigger until an exit.
#[derive(Debug, Clone, Deserialize)]
pub struct RawConservation {
    pub name: String,
    pub burn_factor: f64,
    /// Products it applies to; empty means every consumable.
    #[serde(default)]
    pub products: Vec<String>,
    pub from_day: Option<i64>,
    pub days_of_supply_below: Option<f64>,
    /// Exit: switched off (at every hospital) from this day on.
    pub until_day: Option<i64>,
    /// Exit of a days-of-supply trigger: off again once days of supply at normal burn rates
    /// rise above this (above `days_of_supply_below`: the gap is the hysteresis).
    pub days_of_supply_above: Option<f64>,
}

/// `[[node.lines]]`: production lines of one item.
#[derive(Debug, Clone, Deserialize)]
pub struct RawLines {
    pub item: String,
    pub lines: i64,
    /// Units per line per shift-day.
    pub rate_per_line: f64,
    pub time_to_failure_days: Option<DistSpec>,
    pub repair_days: Option<DistSpec>,
}

/// `[[node.conversion]]`: lines added from a trigger day after a lead time, or with `from_item`
/// moved from another product (down from the trigger day until they are ready).
#[derive(Debug, Clone, Deserialize)]
pub struct RawConversion {
    pub day: i64,
    pub item: String,
    pub lines: i64,
    pub rate_per_line: f64,
    pub lead_time_days: DistSpec,
    /// The product whose `[[node.lines]]` the lines are taken from; absent means new lines.
    pub from_item: Option<String>,
    /// Failure model of each added line (default: that of the node's lines of the item).
    pub time_to_failure_days: Option<DistSpec>,
    pub repair_days: Option<DistSpec>,
}

/// `[[node.replenish]]`: an (s, S) or periodic order-up-to policy for one item.
#[derive(Debug, Clone, Deserialize)]
pub struct RawReplenish {
    pub item: String,
    pub source: String,
    pub reorder_point: f64,
    pub order_up_to: f64,
    /// Review period in days; absent means continuous review.
    pub review_days: Option<i64>,
    pub order_delay_hours: DistSpec,
    /// Most units the node holds of the item: an order never lifts the inventory position above
    /// it (the order is clipped to `capacity - position`).
    pub capacity: Option<f64>,
    /// Inventory position also nets out the units this node owes to orders waiting at it
    /// (on hand + on order - backorders); by default it is on hand + on order.
    #[serde(default)]
    pub net_backorders: bool,
}

/// `[node.make_to_order]`: production planned by an (s, S) rule on the product's inventory
/// position, in batches, from materials ordered for exactly the units planned.
#[derive(Debug, Clone, Deserialize)]
pub struct RawMakeToOrder {
    /// The product made (its bill of materials gives the materials used per unit).
    pub product: String,
    /// Where the materials are ordered from.
    pub materials_source: String,
    pub reorder_point: f64,
    pub order_up_to: f64,
    /// Most units of the product the node holds; production and plans stay within it.
    pub capacity: Option<f64>,
    /// Most units one batch makes.
    pub batch_max: i64,
    /// How long a batch takes (days, positive minimum).
    pub batch_days: DistSpec,
    /// Processing delay of the material orders (hours, positive minimum).
    pub order_delay_hours: DistSpec,
}

/// `[[node.customer_orders]]`: a stream of customer orders of a fixed size; an order the node
/// cannot fill in full at once is lost whole.
#[derive(Debug, Clone, Deserialize)]
pub struct RawCustomerOrders {
    pub product: String,
    /// Units per order (a whole positive number).
    pub units: f64,
    /// Days between orders (mean at least one minute); the first order arrives at time 0.
    pub interarrival_days: DistSpec,
}

/// How a CSV series fills the days of the horizon it has no row for; without it, a missing day
/// is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawFill {
    /// `zero`: a missing day counts as 0.
    Zero,
    /// `last`: the last value listed before it (before the first row, the first value).
    Last,
    /// `linear`: interpolated between the rows around it (before the first row or after the
    /// last, the first or last value).
    Linear,
}

/// `[node.census]`: where a hospital's patients come from.
#[derive(Debug, Clone, Deserialize)]
pub struct RawCensus {
    /// Share of its region's epidemic census this hospital treats.
    pub share_of_region: Option<f64>,
    /// Or a CSV time series of census per severity class.
    pub csv: Option<String>,
    pub mild: Option<String>,
    pub moderate: Option<String>,
    pub severe: Option<String>,
    pub critical: Option<String>,
    /// How the CSV's missing days are filled; absent means every day must be listed.
    pub fill: Option<RawFill>,
}

/// `[[node.demand]]`: direct product demand from a CSV column.
#[derive(Debug, Clone, Deserialize)]
pub struct RawDirectDemand {
    pub product: String,
    pub csv: String,
    pub column: String,
    /// How the CSV's missing days are filled; absent means every day must be listed.
    pub fill: Option<RawFill>,
}

/// `[node.release]`: when a reserve's stock becomes available.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRelease {
    pub day: Option<i64>,
    /// Release when national hospital days of supply of any stocked product fall below this.
    pub national_days_of_supply_below: Option<f64>,
    /// Or when days of supply at the hospitals of the reserve's own region fall below this.
    pub region_days_of_supply_below: Option<f64>,
    /// Release each product alone when its own days of supply fall below the threshold
    /// (default: the first product to trigger releases every product).
    #[serde(default)]
    pub per_product: bool,
}

/// What a node is: `supplier`, `factory`, `warehouse`, `reserve`, `hospital` or `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawNodeKind {
    /// `supplier`: makes materials.
    Supplier,
    /// `factory`: makes products.
    Factory,
    /// `warehouse`: holds stock.
    Warehouse,
    /// `reserve`: holds stock until released.
    Reserve,
    /// `hospital`: has demand.
    Hospital,
    /// `source`: unlimited supply (imports).
    Source,
}

impl RawNodeKind {
    /// The kind as written in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            RawNodeKind::Supplier => "supplier",
            RawNodeKind::Factory => "factory",
            RawNodeKind::Warehouse => "warehouse",
            RawNodeKind::Reserve => "reserve",
            RawNodeKind::Hospital => "hospital",
            RawNodeKind::Source => "source",
        }
    }
}

/// A firm's size class as written: `large` or `sme` (small or medium).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawSize {
    /// `large`.
    Large,
    /// `sme`.
    Sme,
}

/// `[[node]]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawNode {
    pub id: String,
    /// Makes this many nodes alike, named `id` followed by 0, 1, …; absent means one node
    /// named `id`.
    pub count: Option<i64>,
    /// `supplier`, `factory`, `warehouse`, `reserve`, `hospital` or `source` (unlimited import).
    pub kind: RawNodeKind,
    pub region: String,
    /// `large` (also when absent) or `sme`.
    #[serde(default)]
    pub size: Option<RawSize>,
    #[serde(default)]
    pub priority: bool,
    pub closed_at_start: Option<bool>,
    #[serde(default = "default_one")]
    pub shifts: f64,
    #[serde(default)]
    pub reject_fraction: f64,
    #[serde(default)]
    pub lines: Vec<RawLines>,
    #[serde(default)]
    pub conversion: Vec<RawConversion>,
    /// This plant's own `policy.material_priority` (replaces the policy's for it).
    pub material_priority: Option<Vec<String>>,
    /// Money the firm has for material purchases on day 0; absent means purchases are not
    /// limited by money.
    pub working_capital: Option<f64>,
    /// Days from shipping goods until the buyer's payment refills `working_capital` (0 when
    /// absent; only with `working_capital`).
    pub payment_lag_days: Option<f64>,
    #[serde(default)]
    pub stock: BTreeMap<String, f64>,
    #[serde(default)]
    pub replenish: Vec<RawReplenish>,
    pub census: Option<RawCensus>,
    /// Direct demand series. Absent means none; an explicit `demand = []` also says that a
    /// hospital without any other demand source has no demand on purpose.
    pub demand: Option<Vec<RawDirectDemand>>,
    pub release: Option<RawRelease>,
    /// Items an unlimited `source` node supplies.
    #[serde(default)]
    pub supplies: Vec<String>,
    /// Orders waiting here ship only whole, first in first out: a later order never overtakes
    /// an earlier one of the same item. By default what is on hand ships at once, partly.
    #[serde(default)]
    pub ship_whole_orders: bool,
    pub make_to_order: Option<RawMakeToOrder>,
    #[serde(default)]
    pub customer_orders: Vec<RawCustomerOrders>,
    /// Nodes that must have restarted before this one can (whole chains restart).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Nodes naming the same cluster restart together, on the latest member's day.
    pub cluster: Option<String>,
}

/// A step of a link's capacity schedule.
#[derive(Debug, Clone, Deserialize)]
pub struct RawCapacityStep {
    pub day: i64,
    pub trucks_per_day: f64,
}

/// A link's transport mode: `road`, `rail`, `air` or `ferry+road`. Road and ferry+road links
/// follow the national truck availability; each mode has its own availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    /// `road`.
    Road,
    /// `rail`.
    Rail,
    /// `air`.
    Air,
    /// `ferry+road`: a ferry crossing on a road route.
    #[serde(rename = "ferry+road")]
    FerryRoad,
}

/// `[[link]]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawLink {
    pub id: Option<String>,
    pub from: String,
    pub to: String,
    /// Absent means not said.
    #[serde(default)]
    pub mode: Option<TransportMode>,
    pub lead_time_days: DistSpec,
    /// Trucks per day; absent means unlimited.
    #[serde(default)]
    pub capacity: Vec<RawCapacityStep>,
    /// Regions crossed on the way (each adds a checkpoint).
    #[serde(default)]
    pub via: Vec<String>,
    /// Also create the reverse link.
    #[serde(default)]
    pub both_ways: bool,
    /// Random closures: probability per day, and duration.
    #[serde(default)]
    pub closure_rate: f64,
    pub closure_days: Option<DistSpec>,
    /// Ordinary (non-medical) freight, trucks per day; absent means the national default.
    #[serde(default)]
    pub background: Option<Vec<RawTrucksStep>>,
    /// Toll per truck (currency units), waived for green-channel vehicles.
    #[serde(default)]
    pub toll_per_truck: f64,
    /// Haulage cost per truck (currency units), tolls aside.
    #[serde(default)]
    pub cost_per_truck: f64,
}

/// `[[link_group]]`: a link from every node of `from` to every node of `to`, all alike. An entry
/// is a node id, or a prefix ending in `*` (`"D*"`: every node whose id starts with `D`, in file
/// order). The links are named `from->to`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawLinkGroup {
    pub from: Vec<String>,
    pub to: Vec<String>,
    /// Absent means not said.
    #[serde(default)]
    pub mode: Option<TransportMode>,
    pub lead_time_days: DistSpec,
    /// Trucks per day on each link; absent means unlimited.
    #[serde(default)]
    pub capacity: Vec<RawCapacityStep>,
    /// Regions crossed on the way (each adds a checkpoint).
    #[serde(default)]
    pub via: Vec<String>,
    #[serde(default)]
    pub closure_rate: f64,
    pub closure_days: Option<DistSpec>,
    /// Toll per truck on each link, waived for green-channel vehicles.
    #[serde(default)]
    pub toll_per_truck: f64,
    /// Haulage cost per truck on each link, tolls aside.
    #[serde(default)]
    pub cost_per_truck: f64,
    /// Ordinary freight on each link, trucks per day; absent means the national default.
    #[serde(default)]
    pub background: Option<Vec<RawTrucksStep>>,
}

/// A step of a trucks-per-day schedule of ordinary freight.
#[derive(Debug, Clone, Deserialize)]
pub struct RawTrucksStep {
    pub day: i64,
    pub trucks: f64,
}

/// `[[route]]`: a pinned path.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRoute {
    pub from: String,
    pub to: String,
    pub via: Vec<String>,
}

/// `[green_channel]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawGreenChannel {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub start_day: i64,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub origins: Vec<String>,
    #[serde(default)]
    pub destinations: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default = "default_true")]
    pub bypass_checkpoints: bool,
    #[serde(default = "default_true")]
    pub capacity_priority: bool,
    /// Routes count the checkpoints eligible shipments skip (false: routes are chosen as if
    /// the channel did not exist, to measure routing's share of its effect).
    #[serde(default = "default_true")]
    pub routing: bool,
    /// Share of green-channel trucks running (road links); absent means the national share.
    #[serde(default)]
    pub truck_availability: Vec<RawShareStep>,
    /// How eligible vehicles pass checkpoints; absent follows `bypass_checkpoints`.
    #[serde(default)]
    pub checkpoint_lane: Option<RawLane>,
}

/// A green-channel checkpoint lane as written: `bypass`, `priority` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawLane {
    /// `bypass`: no stop at all.
    Bypass,
    /// `priority`: served before ordinary traffic in the checkpoint's queue.
    Priority,
    /// `none`: queue with everyone else.
    None,
}

impl Default for RawGreenChannel {
    fn default() -> Self {
        RawGreenChannel {
            enabled: false,
            start_day: 0,
            products: vec![],
            origins: vec![],
            destinations: vec![],
            links: vec![],
            bypass_checkpoints: true,
            capacity_priority: true,
            routing: true,
            truck_availability: vec![],
            checkpoint_lane: None,
        }
    }
}

/// A step of a national share schedule.
#[derive(Debug, Clone, Deserialize)]
pub struct RawShareStep {
    pub day: i64,
    pub share: f64,
}

/// `[transport]`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawTransport {
    /// Share of trucks running nationally (multiplies road and ferry+road link capacity).
    #[serde(default)]
    pub truck_availability: Vec<RawShareStep>,
    /// From this day no vehicle pays tolls (a national toll waiver); absent means never.
    #[serde(default)]
    pub toll_free_from_day: Option<i64>,
    /// Ordinary freight on every link, trucks per day, unless the link says otherwise.
    #[serde(default)]
    pub background_trucks_per_day: Vec<RawTrucksStep>,
    /// Per region (a link's origin), a factor on `background_trucks_per_day` (1 when absent).
    #[serde(default)]
    pub background_scale: BTreeMap<String, f64>,
    /// Per mode: availability and vehicle size.
    #[serde(default)]
    pub modes: RawModes,
}

/// `[transport.modes]`: one table per mode, each optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawModes {
    #[serde(default)]
    pub road: Option<RawMode>,
    #[serde(default)]
    pub rail: Option<RawMode>,
    #[serde(default)]
    pub air: Option<RawMode>,
    #[serde(default, rename = "ferry+road")]
    pub ferry_road: Option<RawMode>,
}

/// `[transport.modes.X]`.
#[derive(Debug, Clone, Deserialize)]
pub struct RawMode {
    /// Share of the mode's vehicles running (1 when absent).
    #[serde(default)]
    pub availability: Vec<RawShareStep>,
    /// Truckloads one unit of a link's capacity carries (a wagon, a flight); 1 when absent.
    #[serde(default = "default_one")]
    pub truckloads_per_vehicle: f64,
}

/// A central allocation rule as written: `priority`, `proportional` or `weighted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawRule {
    /// `priority`: designated regions first.
    Priority,
    /// `proportional`: in proportion to need.
    Proportional,
    /// `weighted`: in proportion to weight times need.
    Weighted,
}

/// `[dispatch]`: central allocation of key firms' output and reserves.
#[derive(Debug, Clone, Deserialize)]
pub struct RawDispatch {
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// `priority`, `proportional` or `weighted`.
    pub rule: RawRule,
    #[serde(default)]
    pub priority_regions: Vec<String>,
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Hospitals served first within their region, in this order, up to their need.
    #[serde(default)]
    pub priority_hospitals: Vec<String>,
    /// Weight per hospital within its region (1 where not given): the rest of a region's
    /// allocation goes in proportion to weight times need.
    #[serde(default)]
    pub hospital_weights: BTreeMap<String, f64>,
    pub products: Vec<String>,
    pub sources: Vec<String>,
    /// Days of demand each hospital is topped up to.
    pub cover_days: f64,
    /// Hours from the allocation decision until goods leave the source (positive).
    pub decision_delay_hours: f64,
}

/// `[[disruption]]`: a scheduled link closure.
#[derive(Debug, Clone, Deserialize)]
pub struct RawDisruption {
    pub link: String,
    pub day: i64,
    pub days: f64,
}

/// `[[redeployment]]`: idle units of a durable product move from regions past their peak to
/// hospitals short of them elsewhere.
#[derive(Debug, Clone, Deserialize)]
pub struct RawRedeployment {
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// The durable product moved.
    pub product: String,
    /// A region gives only once its need for the product peaked at least this many days ago.
    pub after_peak_days: i64,
    /// Share of a donor hospital's idle units it keeps (against a rebound).
    #[serde(default)]
    pub keep_share: f64,
    /// Most share of a donor hospital's units sent in one day.
    #[serde(default = "default_one")]
    pub max_share: f64,
    /// Days from the decision until the units leave (decommissioning, disinfection, packing).
    pub lead_time_days: f64,
}

/// `[[variant]]`: named overrides of scalars by dotted path.
#[derive(Debug, Clone, Deserialize)]
pub struct RawVariant {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub set: toml::Table,
}
