//! Turning a raw scenario into a validated [`Model`], collecting every problem on the way.
//!
//! One file per section of the scenario; this one holds the entry points, the [`Builder`] that
//! carries the diagnostics and the names resolved so far, and the assembly of the [`Model`]:
//!
//! - `candidate`: a calibration's or an optimisation's candidate made from its variant's built
//!   model when its overrides name only parameters;
//! - `checks`: value checks shared by every section (shares, days, distributions, …);
//! - `settings`: `[scenario]`, `[policy]`, `[risk_levels]` and `[workers]`;
//! - `regions`: `[[region]]` and their epidemics;
//! - `items`: `[[material]]`, `[[product]]`, `[burn]` and `[[conservation]]`;
//! - `nodes`: `[[node]]`, with its production lines, conversions, stock and supplies;
//! - `orders`: a node's `replenish`, `make_to_order` and `customer_orders`;
//! - `demand`: a hospital's `census` and `demand` (and the CSV files they read);
//! - `sources`: that every hospital and every consumable has demand, and that the shares of a
//!   region's census add up to at most 1;
//! - `reserves`: a reserve's `release` rule;
//! - `links`: `[[link]]` and `[[link_group]]`;
//! - `transport`: `[[route]]`, `[green_channel]`, `[transport]` and `[[disruption]]`;
//! - `dispatch`: `[dispatch]`;
//! - `outlines`: `[map]` and each region's outline;
//! - `reachability`: that every order and every hospital has a route over the links.

mod bounds;
mod candidate;
mod chains;
mod checks;
mod demand;
mod dispatch;
mod items;
mod links;
mod nodes;
mod orders;
mod outlines;
mod reachability;
mod redeployment;
mod regions;
mod reserves;
mod settings;
mod sources;
mod transport;

pub use candidate::build_candidate;

use super::{Model, Network};
use crate::error::{Diagnostic, Error, Result};
use crate::scenario::ScenarioFile;
use crate::scenario::location::{FieldPath, ToPath, path};
use crate::scenario::raw::{RawPolicy, RawScenario};
use crate::util::FastMap;
use crate::util::hash::hex;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashSet};

/// Builds the model of the base scenario (`variant = None`) or of a named variant.
pub fn build(file: &ScenarioFile, variant: Option<&str>) -> Result<Model> {
    build_with(file, variant, &[], variant.unwrap_or("base"))
}

/// Builds a variant with further `settings` applied (a sweep point), named `label`.
pub fn build_with(
    file: &ScenarioFile,
    variant: Option<&str>,
    settings: &[(String, toml::Value)],
    label: &str,
) -> Result<Model> {
    let (raw, shape) = file.raw_with(variant, settings)?;
    build_from(file, variant, raw, shape, label)
}

/// Builds the base scenario of a file that is not used afterwards (`medsupply validate`), its
/// raw scenario taken out of it and its node and link entries dropped as soon as they are built,
/// so that a large network's raw entries and its model are not all alive at once. The variants
/// share the base's raw scenario: build them first.
pub fn build_base_taking(file: &mut ScenarioFile) -> Result<Model> {
    match file.take_base() {
        Some(raw) => build_from(file, None, Cow::Owned(raw), Vec::new(), "base"),
        None => build(file, None),
    }
}

/// Builds the model of `raw` (the scenario as `variant` changes it, with the problems `shape`
/// found reading it), named `label`.
fn build_from(
    file: &ScenarioFile,
    variant: Option<&str>,
    mut raw: Cow<'_, RawScenario>,
    shape: Vec<Diagnostic>,
    label: &str,
) -> Result<Model> {
    let mut builder = Builder::new(file, variant, shape);
    let model = builder.model(&mut raw, label);
    if builder.diags.is_empty() {
        Ok(model.expect("a model is returned when no problem was found"))
    } else {
        Err(Error::Invalid(builder.diags))
    }
}

/// What building carries from section to section: the file, every problem found so far and the
/// hash of everything read.
struct Builder<'a> {
    file: &'a ScenarioFile,
    variant: Option<&'a str>,
    diags: Vec<Diagnostic>,
    hasher: Sha256,
    start: Option<NaiveDate>,
    /// The `[[node]]` entry each node comes from (an entry with `count` makes several).
    node_entry: Vec<usize>,
    /// The problems in `diags`, to report each once without a search per problem.
    seen: HashSet<Diagnostic>,
    /// Fields [`Builder::err_once`] has reported.
    reported: BTreeSet<String>,
}

/// The model's factors of `[policy]`.
struct PolicyFactors {
    priority_restart_factor: f64,
    /// 1 when SME financing is off.
    sme_restart_factor: f64,
    /// 0 when SME financing is off.
    sme_financing_credit_factor: f64,
    sme_early_payment_days: Option<f64>,
}

impl PolicyFactors {
    fn of(policy: &RawPolicy) -> Self {
        PolicyFactors {
            priority_restart_factor: policy.priority_restart_factor,
            sme_restart_factor: if policy.sme_financing {
                policy.sme_financing_restart_factor
            } else {
                1.0
            },
            sme_financing_credit_factor: if policy.sme_financing {
                policy.sme_financing_credit_factor
            } else {
                0.0
            },
            sme_early_payment_days: policy.sme_early_payment_days,
        }
    }
}

/// Names resolved so far.
#[derive(Default)]
struct Names {
    regions: NameMap,
    items: NameMap,
    nodes: NameMap,
    links: NameMap,
}

/// Names and their indices, hashed: a network of 10⁵ nodes looks names up millions of times.
#[derive(Default)]
struct NameMap {
    map: FastMap<String, usize>,
    /// The first names in sorted order, listed when an unknown name is reported; found once,
    /// when first needed, and forgotten when a name is added.
    first: OnceCell<Vec<String>>,
}

impl NameMap {
    /// How many names there are.
    fn len(&self) -> usize {
        self.map.len()
    }

    /// The index of `name`.
    fn get(&self, name: &str) -> Option<&usize> {
        self.map.get(name)
    }

    /// Makes room for `more` names, so that naming every node of a large network does not
    /// grow the table step by step.
    fn reserve(&mut self, more: usize) {
        self.map.reserve(more);
    }

    /// Adds `name` (which must not be there yet) as `index`.
    fn insert(&mut self, name: String, index: usize) {
        self.map.insert(name, index);
        self.first.take();
    }

    /// The first `KNOWN_LISTED` names in sorted order.
    fn first_names(&self) -> &[String] {
        self.first.get_or_init(|| {
            let mut all: Vec<&String> = self.map.keys().collect();
            let n = KNOWN_LISTED.min(all.len());
            if n < all.len() {
                all.select_nth_unstable(n);
                all.truncate(n);
            }
            all.sort_unstable();
            all.into_iter().cloned().collect()
        })
    }
}

/// How many known names a problem with an unknown name lists.
const KNOWN_LISTED: usize = 12;

impl<'a> Builder<'a> {
    /// A builder of `file` as `variant` changes it, with the problems `shape` found reading it.
    fn new(file: &'a ScenarioFile, variant: Option<&'a str>, shape: Vec<Diagnostic>) -> Self {
        Builder {
            file,
            variant,
            diags: shape,
            hasher: file.hashed(),
            start: None,
            node_entry: Vec::new(),
            seen: HashSet::new(),
            reported: BTreeSet::new(),
        }
    }

    /// Reports a problem with `at` (once: the same problem twice is one).
    fn err(&mut self, at: &impl ToPath, msg: impl Into<String>) {
        let diag = self.file.diag_for(self.variant, &at.to_path(), msg);
        if self.seen.insert(diag.clone()) {
            self.diags.push(diag);
        }
    }

    /// Like `err`, but once per field of the file: the nodes of a `[[node]]` entry with `count`
    /// share its fields, so a problem they all have is reported once, at the first.
    fn err_once(&mut self, at: &impl ToPath, msg: impl Into<String>) {
        if self.reported.insert(at.to_path().to_string()) {
            self.err(at, msg);
        }
    }

    /// The index of `name` among `names`, or a problem listing some of the known names.
    fn lookup(
        &mut self,
        at: &impl ToPath,
        names: &NameMap,
        what: &str,
        name: &str,
    ) -> Option<usize> {
        self.lookup_at(|| at.to_path(), names, what, name)
    }

    /// [`Builder::lookup`] with the field's path made only when there is a problem to report:
    /// the lookups of every entry of a large network find their names.
    fn lookup_at(
        &mut self,
        at: impl FnOnce() -> FieldPath,
        names: &NameMap,
        what: &str,
        name: &str,
    ) -> Option<usize> {
        let found = names.get(name).copied();
        if found.is_none() {
            let known: Vec<&str> = names.first_names().iter().map(String::as_str).collect();
            self.err(
                &at(),
                format!("unknown {what} `{name}` (known: {})", known.join(", ")),
            );
        }
        found
    }

    /// Records `name` as index `index`, unless it is empty or already taken.
    fn unique(&mut self, at: &impl ToPath, names: &mut NameMap, name: &str, index: usize) {
        if name.is_empty() {
            self.err(at, "must not be empty");
        } else if names.get(name).is_some() {
            self.err(at, format!("`{name}` is defined twice"));
        } else {
            names.insert(name.to_string(), index);
        }
    }

    /// The indices of a list of names; `None` for an empty list (which means "all").
    fn id_list(
        &mut self,
        at: &FieldPath,
        list: &[String],
        names: &NameMap,
        what: &str,
    ) -> Option<Vec<usize>> {
        if list.is_empty() {
            return None;
        }
        Some(
            list.iter()
                .enumerate()
                .filter_map(|(i, name)| self.lookup(&at.index(i), names, what, name))
                .collect(),
        )
    }

    /// The model, section by section; `None` only when a problem has been reported. An owned
    /// `raw` loses its node and link entries as they are built (see [`build_base_taking`]).
    fn model(&mut self, raw: &mut Cow<'_, RawScenario>, variant: &str) -> Option<Model> {
        let start_date = self.meta(&raw.scenario);
        self.variant_names(raw);
        // Kept in range even when reported out of it, so nothing is sized by a wild value.
        let horizon = raw.scenario.days.clamp(1, self.file.options.limits.days);
        let settings = self.settings(raw);
        let mut names = Names::default();
        let mut regions = self.regions(raw, &mut names, horizon);
        self.outlines(raw, &mut regions);
        let regions_of_interest = self.regions_of_interest(&raw.scenario, &names);
        let items = self.items(raw, &mut names);
        let staffing = self.severity(&path("staffing"), &raw.staffing);
        let conservation = self.conservation(raw, &names, &items, horizon);
        let material_priority = self.product_order(
            &path("policy.material_priority"),
            &raw.policy.material_priority,
            &names,
        );
        let mut graph = Network::new();
        let mut nodes = self.nodes(raw, &mut names, (&regions, &items), &mut graph, horizon);
        let restart_clusters = self.restart_chains(raw, &names, &mut nodes);
        self.demand_sources(raw, &names, &items, &staffing);
        if let Cow::Owned(owned) = &mut *raw {
            owned.node = Vec::new();
        }
        let links = self.links(raw, &mut names, &nodes, graph, horizon);
        if let Cow::Owned(owned) = &mut *raw {
            owned.link = Vec::new();
        }
        let pinned_routes = self.routes(raw, &names, &nodes, &links);
        let green = self.green(raw, &names, horizon, (&links, &nodes));
        let truck_availability = self.truck_availability(raw, horizon);
        let freight = self.freight(raw, &names, horizon);
        let dispatch = self.dispatch(raw, &names, &regions, &items, &nodes);
        let disruptions = self.disruptions(raw, &names, (&links, &nodes), horizon);
        let redeployment = self.redeployment(raw, &names, &items, horizon);
        let toll_free_from_day = self.toll_free_from_day(raw, horizon);
        self.reachability(&nodes, &links, &dispatch);
        self.unit_bound(&nodes, &items, horizon);
        let input_hash = self.input_hash();
        let meta = &raw.scenario;
        let factors = PolicyFactors::of(&raw.policy);
        Some(Model {
            name: meta.name.clone(),
            variant: variant.to_string(),
            start_date: start_date?,
            days: meta.days.clamp(1, i64::from(u32::MAX)) as u32,
            seed: meta.seed,
            replications: meta.replications.clamp(1, i64::from(u32::MAX)) as u32,
            input_hash,
            regions_of_interest,
            priority_restart_factor: factors.priority_restart_factor,
            sme_restart_factor: factors.sme_restart_factor,
            sme_financing_credit_factor: factors.sme_financing_credit_factor,
            sme_early_payment_days: factors.sme_early_payment_days,
            conversion_enabled: raw.policy.conversion,
            material_priority,
            risk: settings.risk,
            workers_initial: settings.workers_initial,
            workers_noise_sd: settings.workers_noise_sd,
            regions,
            items,
            staffing,
            conservation,
            nodes,
            links,
            pinned_routes,
            green,
            truck_availability,
            dispatch,
            disruptions,
            freight,
            redeployment,
            toll_free_from_day,
            restart_clusters,
        })
    }

    /// The SHA-256 of the scenario text and every CSV file read, in hex.
    fn input_hash(&mut self) -> String {
        hex(&std::mem::take(&mut self.hasher).finalize())
    }
}

/// Helpers for the unit tests of the sections: a small valid scenario to break.
#[cfg(test)]
mod test_scenario {
    use crate::testutil::prelude;

    /// A valid scenario: two regions, a material, a product, a supplier, a factory and a
    /// hospital joined by links. `extra` is appended (more `[[node]]`s, `[dispatch]`, …).
    pub fn scenario(extra: &str) -> String {
        format!("{}{BODY}\n{extra}\n", prelude(30))
    }

    const BODY: &str = r#"
[[region]]
id = "Hubei"
risk = [{ day = 0, level = "high" }]
epidemic = { population = 1_000_000, initial_infectious = 200, r0 = 2.6, incubation_days = 5.2, infectious_days = 5, case_fraction = 0.2, severity = { mild = 0.4, moderate = 0.4, severe = 0.15, critical = 0.05 }, stay_days = { mild = 7, moderate = 10, severe = 14, critical = 21 } }

[[region]]
id = "Jiangsu"
risk = [{ day = 0, level = "low" }]

[[material]]
id = "meltblown"
units_per_truck = 5_000_000

[[product]]
id = "mask"
kind = "consumable"
units_per_truck = 500_000
bom = { meltblown = 1.0 }

[burn.mask]
per_patient_day = { mild = 1, moderate = 1, severe = 2, critical = 2 }

[[node]]
id = "supplier"
kind = "supplier"
region = "Jiangsu"
lines = [{ item = "meltblown", lines = 2, rate_per_line = 40_000 }]

[[node]]
id = "factory"
kind = "factory"
region = "Jiangsu"
stock = { meltblown = 50_000 }
lines = [{ item = "mask", lines = 2, rate_per_line = 20_000 }]
replenish = [{ item = "meltblown", source = "supplier", reorder_point = 40_000, order_up_to = 150_000, order_delay_hours = { dist = "fixed", value = 4 } }]

[[node]]
id = "hospital"
kind = "hospital"
region = "Hubei"
stock = { mask = 20_000 }
census = { share_of_region = 1.0 }
replenish = [{ item = "mask", source = "factory", reorder_point = 60_000, order_up_to = 200_000, review_days = 1, order_delay_hours = { dist = "uniform", min = 2, max = 6 } }]

[[link]]
from = "supplier"
to = "factory"
lead_time_days = { dist = "uniform", min = 0.2, max = 0.5 }

[[link]]
id = "factory-hospital"
from = "factory"
to = "hospital"
lead_time_days = { dist = "fixed", value = 1 }
"#;

    /// Every problem building `text` reports, as `field: message`; empty when it is valid.
    pub fn problems(text: &str) -> Vec<String> {
        problems_with(text, &[])
    }

    /// [`problems`] with files (name, content) beside the scenario.
    pub fn problems_with(text: &str, files: &[(&str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file_path = dir.path().join("unit.toml");
        std::fs::write(&file_path, text).expect("the scenario is written");
        for (name, content) in files {
            std::fs::write(dir.path().join(name), content).expect("the file is written");
        }
        let file =
            crate::scenario::ScenarioFile::read(&file_path).unwrap_or_else(|e| panic!("{e}"));
        match super::build(&file, None) {
            Ok(_) => Vec::new(),
            Err(crate::error::Error::Invalid(diags)) => diags
                .into_iter()
                .map(|d| format!("{}: {}", d.field, d.message))
                .collect(),
            Err(e) => panic!("{e}"),
        }
    }

    /// The model `text` describes (which must be valid).
    pub fn model(text: &str) -> crate::model::Model {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file_path = dir.path().join("unit.toml");
        std::fs::write(&file_path, text).expect("the scenario is written");
        let file =
            crate::scenario::ScenarioFile::read(&file_path).unwrap_or_else(|e| panic!("{e}"));
        super::build(&file, None).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Asserts that `text` is reported with exactly one problem, at `field`, saying `says`.
    #[track_caller]
    pub fn assert_problem(text: &str, field: &str, says: &str) {
        let found = problems(text);
        assert!(
            found.len() == 1
                && found[0].starts_with(&format!("{field}: "))
                && found[0].contains(says),
            "expected one problem at `{field}` saying {says:?}, got {found:#?}"
        );
    }

    /// Asserts that `text` is reported with a problem at `field` saying `says` (among others).
    #[track_caller]
    pub fn assert_reports(text: &str, field: &str, says: &str) {
        let found = problems(text);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("{field}: ")) && p.contains(says)),
            "expected a problem at `{field}` saying {says:?}, got {found:#?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::test_scenario::{assert_problem, problems, scenario};
    use super::{KNOWN_LISTED, NameMap};

    #[test]
    fn an_unknown_name_lists_the_first_known_ones_in_order() {
        let mut names = NameMap::default();
        for (i, k) in (0..30).rev().enumerate() {
            names.insert(format!("n{k:02}"), i);
        }
        let first: Vec<String> = (0..KNOWN_LISTED).map(|k| format!("n{k:02}")).collect();
        assert_eq!(names.first_names(), first);
        // A name added later is listed too when it comes first.
        names.insert("a".to_string(), 30);
        assert_eq!(names.first_names()[..2], ["a", "n00"]);
        assert_eq!(names.first_names().len(), KNOWN_LISTED);
    }

    #[test]
    fn the_test_scenario_is_valid() {
        assert_eq!(problems(&scenario("")), Vec::<String>::new());
    }

    #[test]
    fn an_empty_id_is_reported() {
        let text = scenario("").replace("id = \"Jiangsu\"", "id = \"\"");
        let found = problems(&text);
        assert!(
            found.iter().any(|p| p == "region[1].id: must not be empty"),
            "{found:#?}"
        );
    }

    #[test]
    fn an_unknown_name_lists_known_ones() {
        let text = scenario("").replace(
            "region = \"Jiangsu\"\nlines = [{ item = \"meltblown\"",
            "region = \"Anhui\"\nlines = [{ item = \"meltblown\"",
        );
        assert_problem(
            &text,
            "node[0].region",
            "unknown region `Anhui` (known: Hubei, Jiangsu)",
        );
    }
}
