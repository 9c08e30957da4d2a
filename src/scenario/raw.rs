//! The scenario file as written: plain serde types mirroring the TOML layout.
//!
//! These types carry no guarantees beyond "the TOML had this shape"; `model::build` turns them
//! into a validated [`crate::model::Model`] and reports every semantic problem with its field path.

use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A probability distribution of a duration or quantity, written as an inline table with a
/// `dist` tag, e.g. `{ dist = "triangular", min = 1, mode = 2, max = 4 }`.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
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

impl DistSpec {
    /// This distribution with its parameter `name` (a key of its table other than `dist`) set
    /// to `x`, as an override of that key writes it; None when its kind has no such key.
    pub fn with_param(&self, name: &str, x: f64) -> Option<DistSpec> {
        let mut spec = self.clone();
        let slot = match (&mut spec, name) {
            (DistSpec::Fixed { value }, "value") => value,
            (DistSpec::Uniform { min, .. }, "min")
            | (DistSpec::Triangular { min, .. }, "min")
            | (DistSpec::Exponential { min, .. }, "min")
            | (DistSpec::Lognormal { min, .. }, "min") => min,
            (DistSpec::Uniform { max, .. }, "max") | (DistSpec::Triangular { max, .. }, "max") => {
                max
            }
            (DistSpec::Triangular { mode, .. }, "mode") => mode,
            (DistSpec::Exponential { mean, .. }, "mean")
            | (DistSpec::Lognormal { mean, .. }, "mean") => mean,
            (DistSpec::Lognormal { sd, .. }, "sd") => sd,
            _ => return None,
        };
        *slot = x;
        Some(spec)
    }
}

/// The whole scenario file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawScenario {
    /// `[scenario]`: name, start date, horizon, default seed and replications (required).
    pub scenario: RawMeta,
    /// `[policy]`: policy switches and factors.
    #[serde(default)]
    pub policy: RawPolicy,
    /// `[risk_levels.low|medium|high]`: what each regional risk level governs (required).
    pub risk_levels: RawRiskLevels,
    /// `[workers]`: workers present at the start and firm-level noise.
    #[serde(default)]
    pub workers: RawWorkers,
    /// `[[region]]`: provinces or cities, each with a risk schedule and maybe an SEIR epidemic (at
    /// least one).
    #[serde(default)]
    pub region: Vec<RawRegion>,
    /// `[[material]]`: items suppliers make and factories use.
    #[serde(default)]
    pub material: Vec<RawItem>,
    /// `[[product]]`: items hospitals use, with their bills of materials.
    #[serde(default)]
    pub product: Vec<RawProduct>,
    /// `[staffing]`: health-worker shifts per patient-day, by severity class (0 when not given).
    #[serde(default)]
    pub staffing: RawSeverity,
    /// `[burn.<product>]`: consumption (units in use, for a durable) per patient-day and staff
    /// shift.
    #[serde(default)]
    pub burn: BTreeMap<String, RawBurn>,
    /// `[[conservation]]`: burn-rate cuts from a trigger (contingency and crisis standards).
    #[serde(default)]
    pub conservation: Vec<RawConservation>,
    /// `[[node]]`: suppliers, factories, warehouses, reserves, hospitals and sources.
    #[serde(default)]
    pub node: Vec<RawNode>,
    /// `[[link]]`: transport links between nodes.
    #[serde(default)]
    pub link: Vec<RawLink>,
    /// `[[link_group]]`: many links alike, from every node of one set to every node of another.
    #[serde(default)]
    pub link_group: Vec<RawLinkGroup>,
    /// `[[route]]`: pinned paths.
    #[serde(default)]
    pub route: Vec<RawRoute>,
    /// `[green_channel]`: checkpoint bypass, capacity priority and toll waiver for eligible
    /// shipments.
    #[serde(default)]
    pub green_channel: RawGreenChannel,
    /// `[transport]`: national truck availability, ordinary freight, tolls, transport modes.
    #[serde(default)]
    pub transport: RawTransport,
    /// `[dispatch]`: central allocation of key firms' output and reserves to hospitals.
    #[serde(default)]
    pub dispatch: Option<RawDispatch>,
    /// `[[disruption]]`: scheduled link closures.
    #[serde(default)]
    pub disruption: Vec<RawDisruption>,
    /// `[[redeployment]]`: idle durables moved from regions past their peak.
    #[serde(default)]
    pub redeployment: Vec<RawRedeployment>,
    /// `[[variant]]`: named policy variants, each a set of overrides.
    #[serde(default)]
    pub variant: Vec<RawVariant>,
    /// `[map]`: a GeoJSON file of region outlines for the report's map.
    #[serde(default)]
    pub map: Option<RawMap>,
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

impl RawScenario {
    /// Whether the file names any `*_table` (their rows are spliced in from the TOML table).
    pub fn has_tables(&self) -> bool {
        [
            &self.region_table,
            &self.node_table,
            &self.link_table,
            &self.link_group_table,
            &self.lines_table,
            &self.conversion_table,
            &self.replenish_table,
            &self.stock_table,
        ]
        .iter()
        .any(|t| !t.is_empty())
    }

    /// Swaps the top-level field the file calls `key` with `other`'s; false when no field has
    /// that name. A variant that overrides a few sections is built by reading only those and
    /// swapping them into a copy of the base.
    pub(crate) fn swap_field(&mut self, other: &mut RawScenario, key: &str) -> bool {
        macro_rules! swap {
            ($($field:ident),* $(,)?) => {
                match key {
                    $(stringify!($field) => std::mem::swap(&mut self.$field, &mut other.$field),)*
                    _ => return false,
                }
            };
        }
        swap!(
            scenario,
            policy,
            risk_levels,
            workers,
            region,
            material,
            product,
            staffing,
            burn,
            conservation,
            node,
            link,
            link_group,
            route,
            green_channel,
            transport,
            dispatch,
            disruption,
            redeployment,
            variant,
            map,
            region_table,
            node_table,
            link_table,
            link_group_table,
            lines_table,
            conversion_table,
            replenish_table,
            stock_table,
        );
        true
    }
}

/// A `[[x_table]]` entry: a CSV file whose rows are entries of the array `x`, its header
/// naming their fields (`epidemic.r0` for a nested one).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    /// The CSV file, relative to the scenario's folder.
    pub csv: String,
    /// Fields every row has unless its cell says otherwise.
    #[serde(default)]
    #[schemars(schema_with = "defaults_table")]
    pub defaults: toml::Table,
}

/// `[scenario]`: identity, horizon and run defaults.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawMeta {
    /// Scenario name, also the output folder name: 1-100 of `A-Z a-z 0-9 . _ -`.
    pub name: String,
    /// One line on what the scenario is.
    #[serde(default)]
    pub description: String,
    /// Calendar date of day 0, `YYYY-MM-DD`.
    pub start_date: String,
    /// Horizon in days, 1..=3650 (`--limit days=N` raises the limit).
    pub days: i64,
    /// Default base seed of the random streams (1 when absent).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Default number of replications, 1..=1000000 (10 when absent).
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawRiskLevels {
    /// What the `low` level governs.
    pub low: RawRisk,
    /// What the `medium` level governs.
    pub medium: RawRisk,
    /// What the `high` level governs.
    pub high: RawRisk,
}

/// What a regional risk level governs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawRiskStep {
    /// First day of this level (the first step is on day 0).
    pub day: i64,
    /// `low`, `medium` or `high`.
    pub level: RawRiskLevel,
}

/// `[[region]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawRegion {
    /// Region name, unique (nodes name it in `region`).
    pub id: String,
    /// Risk level schedule; the first step must be on day 0.
    pub risk: Vec<RawRiskStep>,
    /// An SEIR epidemic whose census drives the demand of the region's hospitals with
    /// `census.share_of_region`.
    pub epidemic: Option<RawEpidemic>,
    /// The level follows the region's simulated epidemic from day 1 on.
    pub risk_by_incidence: Option<RawIncidenceRule>,
    /// Shares of the region's plant workforce whose homes are in other regions, by region.
    #[serde(default)]
    pub workers_from: BTreeMap<String, f64>,
    /// Longitude of the region's centroid, degrees east (-180 to 180); with `lat`, places
    /// the region on the report's map.
    pub lon: Option<f64>,
    /// Latitude of the region's centroid, degrees north (-90 to 90); given with `lon`.
    pub lat: Option<f64>,
    /// The feature of the `[map]` file that outlines the region, by the value of its
    /// `name_property`; without it, the feature named like the region's `id`, if any.
    pub outline: Option<String>,
}

/// `[map]`: where the report's map finds the regions' outlines.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMap {
    /// A GeoJSON FeatureCollection of Polygon or MultiPolygon features, longitude and
    /// latitude in degrees; relative to the scenario's folder, and inside it.
    pub geojson: String,
    /// The feature property holding a feature's name, which regions match (`outline`, or
    /// their `id`).
    #[serde(default = "default_name_property")]
    pub name_property: String,
}
fn default_name_property() -> String {
    "name".into()
}

/// `risk_by_incidence = { ... }` of a region: thresholds on new cases per 100,000 people
/// over a window, separate up and down (hysteresis), and a minimum time at a level.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct RawSeverity {
    /// Mild cases.
    #[serde(default)]
    pub mild: f64,
    /// Moderate cases.
    #[serde(default)]
    pub moderate: f64,
    /// Severe cases.
    #[serde(default)]
    pub severe: f64,
    /// Critical cases.
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

/// Written by hand to match the hand-written `Deserialize`: a number, or a distribution table.
impl JsonSchema for RawParam {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawParam".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number, or a distribution drawn once per replication.",
            "anyOf": [{ "type": "number" }, generator.subschema_for::<DistSpec>()]
        })
    }
}

/// Epidemic parameters per severity class, each a number or a distribution.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct RawSeverityParams {
    /// Mild cases (a number or a distribution).
    #[serde(default)]
    pub mild: RawParam,
    /// Moderate cases (a number or a distribution).
    #[serde(default)]
    pub moderate: RawParam,
    /// Severe cases (a number or a distribution).
    #[serde(default)]
    pub severe: RawParam,
    /// Critical cases (a number or a distribution).
    #[serde(default)]
    pub critical: RawParam,
}

/// A day-indexed multiplier of an epidemic's contacts (the factor may be a distribution).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawFactorStep {
    /// First day of this factor.
    pub day: i64,
    /// Multiplier of the transmission rate `r0 / infectious_days` (1 = no reduction).
    pub factor: RawParam,
}

/// An SEIR epidemic in one region. The parameters after the initial state may be numbers or
/// distributions drawn once per replication.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawEpidemic {
    /// People in the region.
    pub population: f64,
    /// Exposed on day 0 (0 when not given).
    #[serde(default)]
    pub initial_exposed: f64,
    /// Infectious on day 0; they are cases with onset on day 0.
    pub initial_infectious: f64,
    /// Basic reproduction number, 0 or more.
    pub r0: RawParam,
    /// Mean days exposed before infectious, above 0.
    pub incubation_days: RawParam,
    /// Mean days infectious, above 0.
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawItem {
    /// Material name, unique among materials and products.
    pub id: String,
    /// Unit of count, for reading (`g`, `m2`).
    #[serde(default)]
    pub unit: String,
    /// Units one truck carries (transport capacity is counted in trucks).
    pub units_per_truck: f64,
    /// Money per unit (a buyer's cost when working capital limits its purchases).
    #[serde(default)]
    pub price: f64,
}

/// What a product is: `consumable` (used up) or `durable` (serves a census, not consumed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawProductKind {
    /// `consumable`.
    Consumable,
    /// `durable`.
    Durable,
}

/// `[[product]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawProduct {
    /// Product name, unique among materials and products.
    pub id: String,
    /// Unit of count, for reading (`mask`, `suit`).
    #[serde(default)]
    pub unit: String,
    /// `consumable` (used up) or `durable` (serves a census, not consumed).
    pub kind: RawProductKind,
    /// Units one truck carries (transport capacity is counted in trucks).
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawBurn {
    /// Units per patient-day by severity class (for a durable: units in use per patient).
    #[serde(default)]
    pub per_patient_day: RawSeverity,
    /// Units per health-worker shift (0 for a durable).
    #[serde(default)]
    pub per_staff_shift: f64,
}

/// `[[conservation]]`: a crisis-standard step that cuts burn rates from a trigger until an exit.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawConservation {
    /// Name of the step, for reports.
    pub name: String,
    /// Share 0..1 multiplying the burn rate while the step is on.
    pub burn_factor: f64,
    /// Products it applies to; empty means every consumable.
    #[serde(default)]
    pub products: Vec<String>,
    /// Trigger: on from this day (give exactly one trigger).
    pub from_day: Option<i64>,
    /// Trigger: on at a hospital once its on-hand stock divided by today's need falls below this.
    pub days_of_supply_below: Option<f64>,
    /// Exit: switched off (at every hospital) from this day on.
    pub until_day: Option<i64>,
    /// Exit of a days-of-supply trigger: off again once days of supply at normal burn rates
    /// rise above this (above `days_of_supply_below`: the gap is the hysteresis).
    pub days_of_supply_above: Option<f64>,
}

/// `[[node.lines]]`: production lines of one item.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawLines {
    /// The item (material or product) the lines make.
    pub item: String,
    /// Number of lines.
    pub lines: i64,
    /// Units per line per shift-day.
    pub rate_per_line: f64,
    /// Days a line works before it fails (with `repair_days`; positive minimum).
    pub time_to_failure_days: Option<DistSpec>,
    /// Days a failed line takes to repair (with `time_to_failure_days`; positive minimum).
    pub repair_days: Option<DistSpec>,
}

/// `[[node.conversion]]`: lines added from a trigger day after a lead time, or with `from_item`
/// moved from another product (down from the trigger day until they are ready).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawConversion {
    /// Day the conversion is decided.
    pub day: i64,
    /// The product the added lines make.
    pub item: String,
    /// Number of lines added.
    pub lines: i64,
    /// Units per line per shift-day.
    pub rate_per_line: f64,
    /// Days from the decision until the lines are ready.
    pub lead_time_days: DistSpec,
    /// The product whose `[[node.lines]]` the lines are taken from; absent means new lines.
    pub from_item: Option<String>,
    /// Failure model of each added line (default: that of the node's lines of the item).
    pub time_to_failure_days: Option<DistSpec>,
    /// Repair time of each added line (default: that of the node's lines of the item).
    pub repair_days: Option<DistSpec>,
}

/// `[[node.replenish]]`: an (s, S) or periodic order-up-to policy for one item.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawReplenish {
    /// The item ordered.
    pub item: String,
    /// The node orders are sent to.
    pub source: String,
    /// Order when the inventory position is at or below this (s).
    pub reorder_point: f64,
    /// Order up to this inventory position (S).
    pub order_up_to: f64,
    /// Review period in days; absent means continuous review.
    pub review_days: Option<i64>,
    /// Hours until an order reaches `source` (positive minimum).
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawMakeToOrder {
    /// The product made (its bill of materials gives the materials used per unit).
    pub product: String,
    /// Where the materials are ordered from.
    pub materials_source: String,
    /// Plan production when the product's position is at or below this (s).
    pub reorder_point: f64,
    /// Plan production up to this position (S).
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawCustomerOrders {
    /// The product ordered.
    pub product: String,
    /// Units per order (a whole positive number).
    pub units: f64,
    /// Days between orders (mean at least one minute); the first order arrives at time 0.
    pub interarrival_days: DistSpec,
}

/// How a CSV series fills the days of the horizon it has no row for; without it, a missing day
/// is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawCensus {
    /// Share of its region's epidemic census this hospital treats.
    pub share_of_region: Option<f64>,
    /// Or a CSV time series of census per severity class.
    pub csv: Option<String>,
    /// CSV column of the mild census.
    pub mild: Option<String>,
    /// CSV column of the moderate census.
    pub moderate: Option<String>,
    /// CSV column of the severe census.
    pub severe: Option<String>,
    /// CSV column of the critical census.
    pub critical: Option<String>,
    /// How the CSV's missing days are filled; absent means every day must be listed.
    pub fill: Option<RawFill>,
}

/// `[[node.demand]]`: direct product demand from a CSV column.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawDirectDemand {
    /// The product demanded (the series replaces census demand of it).
    pub product: String,
    /// CSV file, relative to the scenario's folder, keyed by a `day` or `date` column.
    pub csv: String,
    /// The CSV column with the daily demand.
    pub column: String,
    /// How the CSV's missing days are filled; absent means every day must be listed.
    pub fill: Option<RawFill>,
}

/// `[node.release]`: when a reserve's stock becomes available.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawRelease {
    /// Release on this day (give exactly one of `day`, `national_days_of_supply_below` and
    /// `region_days_of_supply_below`).
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RawSize {
    /// `large`.
    Large,
    /// `sme`.
    Sme,
}

/// `[[node]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawNode {
    /// Node name, unique (links, orders and routes name it).
    pub id: String,
    /// Makes this many nodes alike, named `id` followed by 0, 1, …; absent means one node
    /// named `id`.
    pub count: Option<i64>,
    /// `supplier`, `factory`, `warehouse`, `reserve`, `hospital` or `source` (unlimited import).
    pub kind: RawNodeKind,
    /// The region the node is in (its risk level and checkpoints apply).
    pub region: String,
    /// `large` (also when absent) or `sme`.
    #[serde(default)]
    pub size: Option<RawSize>,
    /// Key medical firm: restart delay times `policy.priority_restart_factor`.
    #[serde(default)]
    pub priority: bool,
    /// Producers only: closed on day 0 until their restart (default false).
    pub closed_at_start: Option<bool>,
    /// Shifts a day; multiplies capacity (default 1).
    #[serde(default = "default_one")]
    pub shifts: f64,
    /// Share of output scrapped by quality control (binomial draw).
    #[serde(default)]
    pub reject_fraction: f64,
    /// Production lines, one entry per item.
    #[serde(default)]
    pub lines: Vec<RawLines>,
    /// Lines added (or moved from another product) from a trigger day.
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
    /// Initial stock per item, whole units (not allowed on a source).
    #[serde(default)]
    pub stock: BTreeMap<String, f64>,
    /// (s, S) or periodic order-up-to rules, one per item.
    #[serde(default)]
    pub replenish: Vec<RawReplenish>,
    /// Hospitals: where patients come from (a share of the region's epidemic, or a CSV).
    pub census: Option<RawCensus>,
    /// Direct demand series. Absent means none; an explicit `demand = []` also says that a
    /// hospital without any other demand source has no demand on purpose.
    pub demand: Option<Vec<RawDirectDemand>>,
    /// Reserves: when the stock becomes available (required on a reserve).
    pub release: Option<RawRelease>,
    /// Items an unlimited `source` node supplies.
    #[serde(default)]
    pub supplies: Vec<String>,
    /// Orders waiting here ship only whole, first in first out: a later order never overtakes
    /// an earlier one of the same item. By default what is on hand ships at once, partly.
    #[serde(default)]
    pub ship_whole_orders: bool,
    /// Factories without lines: production planned by an (s, S) rule, in batches.
    pub make_to_order: Option<RawMakeToOrder>,
    /// Hospitals: streams of fixed-size orders, filled whole or lost.
    #[serde(default)]
    pub customer_orders: Vec<RawCustomerOrders>,
    /// Nodes that must have restarted before this one can (whole chains restart).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Nodes naming the same cluster restart together, on the latest member's day.
    pub cluster: Option<String>,
}

/// A step of a link's capacity schedule.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawCapacityStep {
    /// First day of this capacity.
    pub day: i64,
    /// Trucks per day (times the national truck availability for road links).
    pub trucks_per_day: f64,
}

/// A link's transport mode: `road`, `rail`, `air` or `ferry+road`. Road and ferry+road links
/// follow the national truck availability; each mode has its own availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawLink {
    /// Link name (default `<from>-><to>`); disruptions and the green channel name it.
    pub id: Option<String>,
    /// Origin node.
    pub from: String,
    /// Destination node.
    pub to: String,
    /// Absent means not said.
    #[serde(default)]
    pub mode: Option<TransportMode>,
    /// Days on the road (positive minimum).
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
    /// Length of a random closure (required when `closure_rate` > 0).
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawLinkGroup {
    /// Origin nodes: ids, or prefixes ending in `*`.
    pub from: Vec<String>,
    /// Destination nodes: ids, or prefixes ending in `*`.
    pub to: Vec<String>,
    /// Absent means not said.
    #[serde(default)]
    pub mode: Option<TransportMode>,
    /// Days on the road (positive minimum).
    pub lead_time_days: DistSpec,
    /// Trucks per day on each link; absent means unlimited.
    #[serde(default)]
    pub capacity: Vec<RawCapacityStep>,
    /// Regions crossed on the way (each adds a checkpoint).
    #[serde(default)]
    pub via: Vec<String>,
    /// Probability per day of a random closure of each link.
    #[serde(default)]
    pub closure_rate: f64,
    /// Length of a random closure (required when `closure_rate` > 0).
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawTrucksStep {
    /// First day of this level.
    pub day: i64,
    /// Trucks per day.
    pub trucks: f64,
}

/// `[[route]]`: a pinned path.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawRoute {
    /// Origin node.
    pub from: String,
    /// Destination node.
    pub to: String,
    /// Nodes in between, in order; each consecutive pair needs a link.
    pub via: Vec<String>,
}

/// `[green_channel]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawGreenChannel {
    /// Whether the channel exists (default false).
    #[serde(default)]
    pub enabled: bool,
    /// First day it applies (a day after the horizon means never).
    #[serde(default)]
    pub start_day: i64,
    /// Eligible products; empty means all.
    #[serde(default)]
    pub products: Vec<String>,
    /// Eligible origin regions; empty means all.
    #[serde(default)]
    pub origins: Vec<String>,
    /// Eligible destination regions; empty means all.
    #[serde(default)]
    pub destinations: Vec<String>,
    /// Eligible link ids; empty means all.
    #[serde(default)]
    pub links: Vec<String>,
    /// Eligible shipments skip checkpoint waits (default true).
    #[serde(default = "default_true")]
    pub bypass_checkpoints: bool,
    /// Eligible shipments go first for truck capacity (default true).
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawShareStep {
    /// First day of this share.
    pub day: i64,
    /// Share 0..1.
    pub share: f64,
}

/// `[transport]`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct RawModes {
    /// Road links (the national truck availability applies too).
    #[serde(default)]
    pub road: Option<RawMode>,
    /// Rail links.
    #[serde(default)]
    pub rail: Option<RawMode>,
    /// Air links.
    #[serde(default)]
    pub air: Option<RawMode>,
    /// Ferry crossings on road routes (the national truck availability applies too).
    #[serde(default, rename = "ferry+road")]
    pub ferry_road: Option<RawMode>,
}

/// `[transport.modes.X]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawMode {
    /// Share of the mode's vehicles running (1 when absent).
    #[serde(default)]
    pub availability: Vec<RawShareStep>,
    /// Truckloads one unit of a link's capacity carries (a wagon, a flight); 1 when absent.
    #[serde(default = "default_one")]
    pub truckloads_per_vehicle: f64,
}

/// A central allocation rule as written: `priority`, `proportional` or `weighted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawDispatch {
    /// Whether dispatch runs (default true once the section exists).
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// `priority`, `proportional` or `weighted`.
    pub rule: RawRule,
    /// `priority` rule: regions served first, in this order, up to their need.
    #[serde(default)]
    pub priority_regions: Vec<String>,
    /// `weighted` rule: weight per region (1 where not given); shares go in proportion to weight
    /// times need.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Hospitals served first within their region, in this order, up to their need.
    #[serde(default)]
    pub priority_hospitals: Vec<String>,
    /// Weight per hospital within its region (1 where not given): the rest of a region's
    /// allocation goes in proportion to weight times need.
    #[serde(default)]
    pub hospital_weights: BTreeMap<String, f64>,
    /// Products dispatch allocates.
    pub products: Vec<String>,
    /// Nodes whose stock it allocates (not hospitals).
    pub sources: Vec<String>,
    /// Days of demand each hospital is topped up to.
    pub cover_days: f64,
    /// Hours from the allocation decision until goods leave the source (positive).
    pub decision_delay_hours: f64,
}

/// `[[disruption]]`: a scheduled link closure.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawDisruption {
    /// The link closed (its id).
    pub link: String,
    /// Day the closure starts.
    pub day: i64,
    /// Length of the closure in days (> 0, may be fractional).
    pub days: f64,
}

/// `[[redeployment]]`: idle units of a durable product move from regions past their peak to
/// hospitals short of them elsewhere.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawRedeployment {
    /// Whether the rule applies (default true).
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RawVariant {
    /// Variant name, also its output folder name: unique, not `base`.
    pub name: String,
    /// One line on what the variant changes.
    #[serde(default)]
    pub description: String,
    /// Overrides: each key a dotted path into the scenario (`"policy.conversion"`,
    /// `"node.wuhan-hospital.stock.n95"`), each value what it is set to in this variant.
    #[serde(default)]
    #[schemars(schema_with = "override_table")]
    pub set: toml::Table,
}

/// The schema of a variant's `set`: any dotted path, each set to a scalar, an array of scalars
/// or a distribution (whether the path names a field is checked when the variant is built).
/// A table's `defaults`: any fields of the rows' entries (checked as the rows are).
fn defaults_table(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "object" })
}

fn override_table(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let scalar = schemars::json_schema!({ "type": ["string", "number", "boolean"] });
    schemars::json_schema!({
        "type": "object",
        "additionalProperties": {
            "anyOf": [
                scalar.clone(),
                { "type": "array", "items": scalar },
                generator.subschema_for::<DistSpec>()
            ]
        }
    })
}
