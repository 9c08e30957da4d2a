//! Candidates of a calibration or an optimisation, and the points of a sweep: a variant of the
//! scenario with further settings. Where every setting names a parameter that feeds only the
//! model's settings (`[policy]`'s factors, `[risk_levels]`, `[workers]`, the national truck
//! availability), one of a node's numbers that shape nothing else (see [`NodeField`]: its
//! initial stock, its production lines and their rate, its shifts and reject fraction, the
//! levels of its replenishment policies; on every copy of an entry with `count`) or one of a
//! `[[link]]`'s or `[[link_group]]`'s that leave the network's shape alone (see [`LinkField`]:
//! tolls, haulage cost, trucks a day, closure rate, the parameters of its lead time), the
//! candidate is the variant's built model with those settings read and checked again and
//! swapped in, rather than a model built again from the whole raw scenario: at 2×10⁴ nodes that
//! build is most of the time a candidate takes before it simulates.

use super::bounds::within_unit_bound;
use super::nodes::whole_units;
use super::orders::{capacity_too_low, up_to_too_low};
use super::{Builder, PolicyFactors, build_with};
use crate::error::Result;
use crate::model::links::{LinkProps, Way};
use crate::model::{Dist, Model, NodeKind, Replenish};
use crate::scenario::{MAX_MAGNITUDE, ScenarioFile};
use std::ops::Range;

/// Paths of parameters whose override changes only the model's settings: a path is one of
/// these, or starts with one that ends with a dot. Nothing else these sections hold feeds
/// another part of the model (`policy.conversion`, `policy.risk_by_incidence` and
/// `policy.material_priority` do, and are left out).
const PARAMETERS: &[&str] = &[
    "policy.productivity_under_controls",
    "policy.priority_restart_factor",
    "policy.sme_financing_restart_factor",
    "policy.sme_financing_credit_factor",
    "policy.sme_early_payment_days",
    "risk_levels.",
    "workers.",
    "transport.truck_availability.",
];

/// The sections the swapped settings are read from.
const SECTIONS: &[&str] = &["policy", "workers", "transport"];

/// Whether overriding `path` changes only the model's settings.
fn is_parameter(path: &str) -> bool {
    PARAMETERS.iter().any(|p| match p.strip_suffix('.') {
        Some(section) => path.starts_with(p) && path.len() > section.len() + 1,
        None => path == *p,
    })
}

/// What a setting of a node sets that the built model takes as the build would: fields that
/// feed nothing else in the model but the bound on the units a run can count (see
/// [`within_unit_bound`]), which is checked again.
#[derive(Debug, Clone, Copy, PartialEq)]
enum NodeField<'a> {
    /// `node.ID.stock.ITEM`: the initial stock of an item.
    Stock(&'a str),
    /// `node.ID.lines.K.lines`: the lines of its K-th line set.
    Lines(usize),
    /// `node.ID.lines.K.rate_per_line`: their rate.
    Rate(usize),
    /// `node.ID.shifts`: shifts a day.
    Shifts,
    /// `node.ID.reject_fraction`: the share of output scrapped.
    RejectFraction,
    /// `node.ID.replenish.K.reorder_point`: the reorder point s of its K-th policy.
    ReorderPoint(usize),
    /// `node.ID.replenish.K.order_up_to`: its order-up-to level S.
    OrderUpTo(usize),
}

/// What a setting of a `[[link]]` or a `[[link_group]]` sets that the built model takes as the
/// build would: numbers that leave the network's shape alone. Routes are found per run from the
/// links' lead times; of what the build derives from them, only each vertex's fastest link out
/// is kept, and is found again when a lead time moves.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LinkField<'a> {
    /// `link.ID.toll_per_truck`.
    Toll,
    /// `link.ID.cost_per_truck`.
    Cost,
    /// `link.ID.capacity.K.trucks_per_day`: the trucks of its K-th capacity step.
    Trucks(usize),
    /// `link.ID.closure_rate`.
    ClosureRate,
    /// `link.ID.lead_time_days.KEY`: a parameter of its lead time's distribution (not `dist`).
    LeadTime(&'a str),
}

/// The links a setting of links names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LinkEntry<'a> {
    /// `link.ID`: a `[[link]]` by its id or position.
    Link(&'a str),
    /// `link_group.K`: the K-th `[[link_group]]`, which has no id.
    Group(usize),
}

/// The links and field a setting's path names, if it is one of [`LinkField`]'s.
fn link_setting(path: &str) -> Option<(LinkEntry<'_>, LinkField<'_>)> {
    let parts: Vec<&str> = path.split('.').collect();
    let (entry, rest) = match parts[..] {
        ["link", id, ref rest @ ..] if !id.is_empty() => (LinkEntry::Link(id), rest),
        ["link_group", k, ref rest @ ..] => (LinkEntry::Group(k.parse().ok()?), rest),
        _ => return None,
    };
    let field = match *rest {
        ["toll_per_truck"] => LinkField::Toll,
        ["cost_per_truck"] => LinkField::Cost,
        ["capacity", k, "trucks_per_day"] => LinkField::Trucks(k.parse().ok()?),
        ["closure_rate"] => LinkField::ClosureRate,
        ["lead_time_days", key] if key != "dist" => LinkField::LeadTime(key),
        _ => return None,
    };
    Some((entry, field))
}

/// The node id and field a setting's path names, if it is one of [`NodeField`]'s.
fn node_setting(path: &str) -> Option<(&str, NodeField<'_>)> {
    let parts: Vec<&str> = path.split('.').collect();
    let (node, field) = match parts[..] {
        ["node", node, "stock", item] if !item.is_empty() => (node, NodeField::Stock(item)),
        ["node", node, "lines", k, "lines"] => (node, NodeField::Lines(k.parse().ok()?)),
        ["node", node, "lines", k, "rate_per_line"] => (node, NodeField::Rate(k.parse().ok()?)),
        ["node", node, "shifts"] => (node, NodeField::Shifts),
        ["node", node, "reject_fraction"] => (node, NodeField::RejectFraction),
        ["node", node, "replenish", k, "reorder_point"] => {
            (node, NodeField::ReorderPoint(k.parse().ok()?))
        }
        ["node", node, "replenish", k, "order_up_to"] => {
            (node, NodeField::OrderUpTo(k.parse().ok()?))
        }
        _ => return None,
    };
    (!node.is_empty()).then_some((node, field))
}

/// The model of `variant` with `settings` applied, named `label`, as [`build_with`] builds it;
/// `base` is the variant's model ([`super::build`]). Made from `base` when every setting is a
/// parameter of the model's settings, one of a node's [`NodeField`]s or one of a link's
/// [`LinkField`]s, and they read and check cleanly; else built in full, which also reports any
/// problem.
pub fn build_candidate(
    file: &ScenarioFile,
    variant: Option<&str>,
    base: &Model,
    settings: &[(String, toml::Value)],
    label: &str,
) -> Result<Model> {
    match swapped(file, variant, base, settings, label)? {
        Some(model) => Ok(model),
        None => build_with(file, variant, settings, label),
    }
}

/// [`build_candidate`] from `base`, or None when it must be built in full.
fn swapped(
    file: &ScenarioFile,
    variant: Option<&str>,
    base: &Model,
    settings: &[(String, toml::Value)],
    label: &str,
) -> Result<Option<Model>> {
    let mut of_nodes = Vec::new();
    let mut of_links = Vec::new();
    let mut others = Vec::new();
    for (path, value) in settings {
        if let Some((node, field)) = node_setting(path) {
            of_nodes.push((node, field, value));
        } else if let Some((link, field)) = link_setting(path) {
            of_links.push((link, field, value));
        } else if is_parameter(path) {
            others.push((path.clone(), value.clone()));
        } else {
            return Ok(None);
        }
    }
    let mut model = if others.is_empty() && !(of_nodes.is_empty() && of_links.is_empty()) {
        Model {
            variant: label.to_string(),
            ..base.clone()
        }
    } else {
        match with_settings(file, variant, base, &others, label)? {
            Some(model) => model,
            None => return Ok(None),
        }
    };
    let mut touched = Vec::with_capacity(of_nodes.len());
    for &(node, field, value) in &of_nodes {
        let Some(nodes) = entry_nodes(&model, node) else {
            return Ok(None);
        };
        for n in nodes {
            if set_on_node(&mut model, n, field, value).is_none() {
                return Ok(None);
            }
            touched.push(n);
        }
    }
    for &(link, field, value) in &of_links {
        if set_on_link(&mut model, link, field, value).is_none() {
            return Ok(None);
        }
    }
    // The build checks a policy's levels against each other once every override is in.
    if !touched
        .iter()
        .all(|&n| model.nodes[n].replenish.iter().all(levels_hold))
    {
        return Ok(None);
    }
    // The build's horizon: a model is built only with its days within the file's limits.
    let horizon = i64::from(model.days);
    if !of_nodes.is_empty() && within_unit_bound(&model.nodes, &model.items, horizon).is_err() {
        return Ok(None);
    }
    Ok(Some(model))
}

/// `base` with the model's settings read again with `settings` (parameters of the settings
/// only), or None when they do not read and check cleanly.
fn with_settings(
    file: &ScenarioFile,
    variant: Option<&str>,
    base: &Model,
    settings: &[(String, toml::Value)],
    label: &str,
) -> Result<Option<Model>> {
    let Some((raw, _)) = file.sections_with(variant, settings, SECTIONS)? else {
        return Ok(None);
    };
    let mut builder = Builder::new(file, variant, Vec::new());
    let horizon = raw.scenario.days.clamp(1, file.options.limits.days);
    let read = builder.settings(&raw);
    let truck_availability = builder.truck_availability(&raw, horizon);
    if !builder.diags.is_empty() {
        return Ok(None);
    }
    let factors = PolicyFactors::of(&raw.policy);
    // The input hash stays the base's: the text and the files read are the same.
    Ok(Some(Model {
        variant: label.to_string(),
        priority_restart_factor: factors.priority_restart_factor,
        sme_restart_factor: factors.sme_restart_factor,
        sme_financing_credit_factor: factors.sme_financing_credit_factor,
        sme_early_payment_days: factors.sme_early_payment_days,
        risk: read.risk,
        workers_initial: read.workers_initial,
        workers_noise_sd: read.workers_noise_sd,
        truck_availability,
        ..base.clone()
    }))
}

/// The nodes an override of `node.ID` names in `model`, as the build resolves it: those of the
/// first `[[node]]` entry (or table row) with that id or, when none has it, at that position:
/// one node, or every copy of an entry with `count` (whose ids are `ID` and 0, 1, …).
fn entry_nodes(model: &Model, id: &str) -> Option<Range<usize>> {
    let first_copy = format!("{id}0");
    let nodes = &model.nodes;
    let named = nodes.iter().position(|x| match x.copy {
        None => x.id == id,
        Some(0) => x.id == first_copy,
        Some(_) => false,
    });
    let n = match named {
        Some(n) => n,
        // An entry's first node is its only one or its first copy.
        None => {
            let entry = id.parse().ok()?;
            (0..nodes.len())
                .filter(|&n| nodes[n].copy.is_none_or(|k| k == 0))
                .nth(entry)?
        }
    };
    // An entry's copies are numbered in a run; the next entry starts again at 0, or has none.
    let copies = nodes[n..]
        .iter()
        .zip(0..)
        .take_while(|&(x, k)| x.copy == Some(k))
        .count();
    Some(n..n + copies.max(1))
}

/// The specs an override of `entry` changes in `model`, as the build resolves it: those of
/// the `[[link]]` with that id or, when none has it, at that position, its way back too when it
/// goes both ways; or every spec of the `[[link_group]]` at that position. None when the build
/// might resolve it otherwise: an id of the ends (`FROM->TO`, a link that has none) or of a way
/// back (`ID:back`), which no entry has; or a group without links, whose fields the model does
/// not keep.
fn entry_specs(model: &Model, entry: LinkEntry) -> Option<Vec<usize>> {
    let id = match entry {
        LinkEntry::Link(id) => id,
        LinkEntry::Group(k) => {
            let specs: Vec<usize> = model.links.group_specs(k)?.collect();
            return (!specs.is_empty()).then_some(specs);
        }
    };
    if id.contains("->") {
        return None;
    }
    let there = match model.links.spec_named(id) {
        Some(k) => k,
        None => model.links.entry_spec(id.parse().ok()?)?,
    };
    match model.links.spec_at(there)?.way {
        Way::One => Some(vec![there]),
        Way::There => Some(vec![there, there + 1]),
        Way::Back => None,
    }
}

/// Sets `field` of the links of `entry` (both ways of a `[[link]]` that goes both ways, every
/// link of a `[[link_group]]`) in `model` to `value` as the build reads it; None when the build
/// might read it otherwise or report a problem: links [`entry_specs`] cannot vouch for, a
/// capacity step they do not have, a closure rate that is not a share, or one above 0 on links
/// without closures, whose `closure_days` the build then requires and the model does not
/// record; a lead time's parameter its distribution does not have, or one that leaves it
/// invalid or without a positive minimum.
fn set_on_link(
    model: &mut Model,
    entry: LinkEntry,
    field: LinkField,
    value: &toml::Value,
) -> Option<()> {
    let specs = entry_specs(model, entry)?;
    let x = non_negative(value)?;
    let set = |p: &mut LinkProps| -> Option<()> {
        match field {
            LinkField::Toll => p.toll_per_truck = x,
            LinkField::Cost => p.cost_per_truck = x,
            LinkField::Trucks(k) => p.capacity.get_mut(k)?.1 = x,
            LinkField::ClosureRate => {
                if x > 1.0 || (x > 0.0 && p.closure_rate == 0.0) {
                    return None;
                }
                p.closure_rate = x;
            }
            LinkField::LeadTime(key) => {
                let dist = Dist::new(&p.lead_time.spec().with_param(key, x)?).ok()?;
                p.lead_time = Some(dist).filter(|d| d.min() > 0.0)?;
            }
        }
        Some(())
    };
    // Tried on a copy first (the specs of an entry have the same properties): a change is made
    // on every spec or on none.
    set(&mut model.links.spec_at(specs[0])?.props.clone())?;
    model.links.change_specs(&specs, |p| {
        set(p);
    });
    Some(())
}

/// A number as the build reads one into an `f64` field, within what the scenario's numbers are
/// held to and not negative; None otherwise (the build reports it).
fn non_negative(value: &toml::Value) -> Option<f64> {
    let x = match *value {
        toml::Value::Integer(x) => x as f64,
        toml::Value::Float(x) => x,
        _ => return None,
    };
    (0.0..=MAX_MAGNITUDE).contains(&x).then_some(x)
}

/// Whether a replenishment policy's levels pass the build's checks (see `orders.rs`): a reorder
/// point s that is not negative, an order-up-to level above it, and a capacity, if any, that is
/// positive and above s.
fn levels_hold(policy: &Replenish) -> bool {
    let s = policy.reorder_point;
    s >= 0.0
        && !up_to_too_low(s, policy.order_up_to)
        && !policy.capacity.is_some_and(|c| capacity_too_low(c, s))
}

/// Sets `field` of node `n` in `model` to `value` as the build reads it; None when the build
/// might read it otherwise or report a problem: units of stock that are not whole, a source's
/// stock, an unknown item, a line set or policy the node does not have, lines that are not a
/// whole number or at a node whose conversions move lines, shifts that are not positive, a
/// reject fraction that is not a share. (Policy levels are checked against each other once all
/// are set: [`levels_hold`].)
fn set_on_node(model: &mut Model, n: usize, field: NodeField, value: &toml::Value) -> Option<()> {
    match field {
        NodeField::Stock(item) => {
            let units = non_negative(value).and_then(whole_units)?;
            if model.nodes[n].kind == NodeKind::Source {
                return None;
            }
            let id = model.items.iter().position(|x| x.id == item)?;
            // In the order of the items' ids, as the file's table keeps a node's stock.
            let items = &model.items;
            let stock = &mut model.nodes[n].stock;
            let at = stock.partition_point(|&(i, _)| items[i].id.as_str() < item);
            match stock.get_mut(at) {
                Some((i, held)) if *i == id => *held = units,
                _ => stock.insert(at, (id, units)),
            }
        }
        NodeField::Lines(k) => {
            let toml::Value::Integer(lines) = *value else {
                return None;
            };
            // A conversion's switch moves lines the node has: the build checks them.
            if !model.nodes[n].conversions.is_empty() {
                return None;
            }
            model.nodes[n].lines.get_mut(k)?.lines = u32::try_from(lines).ok()?;
        }
        NodeField::Rate(k) => {
            let rate = non_negative(value)?;
            model.nodes[n].lines.get_mut(k)?.rate_per_line = rate;
        }
        NodeField::Shifts => model.nodes[n].shifts = non_negative(value).filter(|&x| x > 0.0)?,
        NodeField::RejectFraction => {
            model.nodes[n].reject_fraction = non_negative(value).filter(|&x| x <= 1.0)?;
        }
        NodeField::ReorderPoint(k) => {
            model.nodes[n].replenish.get_mut(k)?.reorder_point = non_negative(value)?;
        }
        NodeField::OrderUpTo(k) => {
            model.nodes[n].replenish.get_mut(k)?.order_up_to = non_negative(value)?;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;
    use std::sync::OnceLock;

    /// A shipped scenario, read once for every test.
    fn scenario(name: &str) -> &'static ScenarioFile {
        static FILES: OnceLock<Vec<(String, ScenarioFile)>> = OnceLock::new();
        let files = FILES.get_or_init(|| {
            ["china-2020", "minimal"]
                .iter()
                .map(|n| {
                    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("scenarios")
                        .join(format!("{n}.toml"));
                    (n.to_string(), ScenarioFile::read(&path).unwrap())
                })
                .collect()
        });
        &files.iter().find(|(n, _)| n == name).unwrap().1
    }

    /// The candidate as made and as built in full: the same model, or the same error.
    fn both(
        file: &ScenarioFile,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
    ) -> (String, String) {
        let shown = |m: Result<Model>| format!("{:?}", m.map_err(|e| e.to_string()));
        let base = super::super::build(file, variant).unwrap();
        (
            shown(build_candidate(file, variant, &base, settings, "c")),
            shown(build_with(file, variant, settings, "c")),
        )
    }

    /// Every parameter path the shipped calibrations and optimisations use (docs/validation.md,
    /// docs/calibration.md, docs/optimize.md, the tests): the candidate equals the model built
    /// in full, and one of the model's settings is made from the base.
    #[test]
    fn a_candidate_is_the_model_built_in_full() {
        let cases = [
            (
                "china-2020",
                "policy.productivity_under_controls",
                0.7,
                true,
            ),
            ("china-2020", "policy.priority_restart_factor", 0.45, true),
            ("china-2020", "workers.initial_share", 0.3, true),
            (
                "china-2020",
                "risk_levels.medium.worker_return_rate",
                0.05,
                true,
            ),
            (
                "china-2020",
                "risk_levels.high.worker_return_rate",
                0.01,
                true,
            ),
            (
                "china-2020",
                "risk_levels.high.restart_days_large.mode",
                40.0,
                true,
            ),
            (
                "china-2020",
                "transport.truck_availability.2.share",
                0.25,
                true,
            ),
            (
                "china-2020",
                "node.hubei-hospitals.stock.protective_suit",
                9000.0,
                true,
            ),
            (
                "china-2020",
                "node.national-reserve.stock.protective_suit",
                0.0,
                true,
            ),
            // An item the node's row leaves empty: a stock of its own, in item order.
            (
                "china-2020",
                "node.national-reserve.stock.eye_protection",
                1000.0,
                true,
            ),
            (
                "minimal",
                "node.jiangsu-meltblown.lines.0.rate_per_line",
                25000.0,
                true,
            ),
            // A policy read from china-2020's replenishment table, and a factory's shifts.
            (
                "china-2020",
                "node.beijing-hospitals.replenish.0.order_up_to",
                2000.0,
                true,
            ),
            (
                "china-2020",
                "node.beijing-hospitals.replenish.0.reorder_point",
                600.0,
                true,
            ),
            ("china-2020", "node.beijing-key.shifts", 1.5, true),
            // A row of its node table named by its position.
            ("china-2020", "node.7.shifts", 1.5, true),
            // Links of china-2020's table: a trunk both ways, with closures, and one way.
            (
                "china-2020",
                "link.trunk:hubei-hunan.capacity.0.trucks_per_day",
                4.0,
                true,
            ),
            (
                "china-2020",
                "link.trunk:hubei-hunan.closure_rate",
                0.05,
                true,
            ),
            // The first row of its link table, which has no id, named by position.
            ("china-2020", "link.0.cost_per_truck", 40.0, true),
            (
                "china-2020",
                "link.express:guangdong-hubei.toll_per_truck",
                0.0,
                true,
            ),
            // Lead times, both ways and one way: each vertex's fastest link out found again.
            ("china-2020", "link.0.lead_time_days.mode", 0.5, true),
            (
                "china-2020",
                "link.trunk:hubei-hunan.lead_time_days.max",
                1.5,
                true,
            ),
            (
                "china-2020",
                "link.express:guangdong-hubei.lead_time_days.min",
                0.05,
                true,
            ),
            // A factory with conversions: its rate is made (its lines are built in full, see
            // `a_node_setting_is_made_only_where_the_build_reads_it_alike`).
            (
                "china-2020",
                "node.beijing-key.lines.0.rate_per_line",
                1.5,
                true,
            ),
        ];
        for (name, path, value, swappable) in cases {
            let file = scenario(name);
            let variants = [None, Some("uncalibrated")];
            for variant in variants
                .iter()
                .filter(|v| v.is_none() || name == "china-2020")
            {
                let settings = [(path.to_string(), toml::Value::Float(value))];
                check(file, *variant, &settings, swappable, true);
            }
        }
    }

    /// Checks the candidate of `settings` to `file`'s `variant`: whether it is made from the
    /// built model (`made`), that it is the full build's model or problem, and whether that
    /// builds (`built`).
    fn check(
        file: &ScenarioFile,
        variant: Option<&str>,
        settings: &[(String, toml::Value)],
        made: bool,
        built: bool,
    ) {
        let what = format!("{settings:?} {variant:?}");
        let base = super::super::build(file, variant).unwrap();
        let swap = swapped(file, variant, &base, settings, "c").unwrap();
        assert_eq!(swap.is_some(), made, "{what}");
        let (candidate, full) = both(file, variant, settings);
        assert_eq!(candidate, full, "{what}");
        assert_eq!(full.starts_with("Ok("), built, "{what}: {full}");
    }

    /// [`crate::testutil::chain`] with a node entry of three copies (`clinic-0`…`clinic-2`), a
    /// later node with the same id as that entry (`node.clinic-` names the entry, the first),
    /// a plain node and a source, read from a folder that lives as long as the file is used.
    /// The copies' orders may bring in all but about 8.6e13 of the units a run can count
    /// (3 × 2.135e14 units once a minute for 5 days, against 2^62).
    fn counted() -> (tempfile::TempDir, ScenarioFile) {
        let extra = r#"
[[node]]
id = "clinic-"
count = 3
kind = "hospital"
region = "A"
demand = []
stock = { mask = 7 }
replenish = [{ item = "mask", source = "factory", reorder_point = 1, order_up_to = 213_500_000_000_000, order_delay_hours = { dist = "fixed", value = 1 } }]

[[node]]
id = "clinic-"
kind = "warehouse"
region = "B"

[[node]]
id = "depot"
kind = "warehouse"
region = "B"
replenish = [{ item = "mask", source = "factory", reorder_point = 20, order_up_to = 50, capacity = 60, order_delay_hours = { dist = "fixed", value = 1 } }]

[[node]]
id = "import"
kind = "source"
region = "A"
supplies = ["meltblown"]

[[link]]
id = "lane"
from = "depot"
to = "hospital"
both_ways = true
lead_time_days = { dist = "fixed", value = 1 }
capacity = [{ day = 0, trucks_per_day = 5 }, { day = 2, trucks_per_day = 3 }]
closure_rate = 0.1
closure_days = { dist = "fixed", value = 1 }
toll_per_truck = 20

[[link]]
from = "import"
to = "depot"
lead_time_days = { dist = "fixed", value = 2 }

[[link_group]]
from = ["factory", "import"]
to = ["clinic-*", "depot", "factory"]
lead_time_days = { dist = "fixed", value = 1 }
toll_per_truck = 5

[[link_group]]
from = ["depot"]
to = ["depot"]
lead_time_days = { dist = "fixed", value = 1 }
"#;
        let (toml, csv) = crate::testutil::chain(5, 1, 0, 0, 0, extra);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("unit.toml"), toml).unwrap();
        std::fs::write(dir.path().join("demand.csv"), csv).unwrap();
        let file = ScenarioFile::read(&dir.path().join("unit.toml")).unwrap();
        (dir, file)
    }

    /// A node's stock or lines are set on the built model where the build would read the
    /// override the same way, and built in full wherever it might not: the two give the same
    /// model, or the same problem.
    #[test]
    fn a_node_setting_is_made_only_where_the_build_reads_it_alike() {
        let (_dir, file) = counted();
        let int = toml::Value::Integer;
        let float = toml::Value::Float;
        let cases = [
            // Made: a stock held, a stock added in item order ("mask" before "meltblown"),
            // whole units as a float, none at all, a node with no stock.
            ("node.factory.stock.meltblown", int(400), true, true),
            ("node.factory.stock.mask", int(3), true, true),
            ("node.hospital.stock.mask", float(12.0), true, true),
            ("node.hospital.stock.mask", int(0), true, true),
            ("node.depot.stock.meltblown", int(5), true, true),
            (
                "node.depot.stock.meltblown",
                int(10_i64.pow(13)),
                true,
                true,
            ),
            // Lines: their number and rate, an integer rate, none at all.
            ("node.factory.lines.0.lines", int(4), true, true),
            ("node.factory.lines.0.rate_per_line", float(2.5), true, true),
            ("node.factory.lines.0.rate_per_line", int(3), true, true),
            ("node.factory.lines.0.lines", int(0), true, true),
            // Shifts and the reject fraction, as integers too; a policy's levels.
            ("node.factory.shifts", float(2.5), true, true),
            ("node.factory.shifts", int(3), true, true),
            ("node.factory.reject_fraction", float(0.1), true, true),
            ("node.factory.reject_fraction", int(1), true, true),
            ("node.factory.reject_fraction", int(0), true, true),
            ("node.hospital.shifts", int(2), true, true),
            (
                "node.depot.replenish.0.reorder_point",
                float(10.5),
                true,
                true,
            ),
            ("node.depot.replenish.0.reorder_point", int(0), true, true),
            ("node.depot.replenish.0.order_up_to", int(55), true, true),
            ("node.depot.replenish.0.order_up_to", float(1e6), true, true),
            // The entry with `count`: every copy, not the later node of the same id.
            ("node.clinic-.stock.mask", int(9), true, true),
            ("node.clinic-.replenish.0.order_up_to", int(70), true, true),
            ("node.clinic-.shifts", int(2), true, true),
            // By position: a plain entry, the entry with `count` (every copy), the later entry
            // with its id.
            ("node.1.stock.mask", int(4), true, true),
            ("node.2.stock.mask", int(4), true, true),
            ("node.3.shifts", int(2), true, true),
            // Built in full: its order-up-to level raised past what the run can count on its
            // three copies (one copy alone would stay within it), a copy (no entry has its id),
            // a position past the last entry, a source, an unknown node or item, units that are
            // not whole, more than the run can count, a number beyond what a scenario holds
            // (1e15), and a value of another type.
            (
                "node.clinic-.replenish.0.order_up_to",
                int(250_000_000_000_000),
                false,
                false,
            ),
            ("node.clinic-1.stock.mask", int(9), false, false),
            ("node.6.stock.mask", int(9), false, false),
            ("node.import.stock.meltblown", int(9), false, false),
            ("node.nowhere.stock.mask", int(9), false, false),
            ("node.factory.stock.gown", int(9), false, false),
            ("node.factory.stock.mask", float(2.5), false, false),
            ("node.factory.stock.mask", int(-1), false, false),
            ("node.factory.stock.mask", float(f64::NAN), false, false),
            (
                "node.depot.stock.meltblown",
                int(2 * 10_i64.pow(14)),
                false,
                false,
            ),
            // Lines built in full: a line set the node does not have, a node without lines,
            // lines not a whole number or negative, a negative rate, more than can count.
            ("node.factory.lines.1.lines", int(2), false, false),
            ("node.depot.lines.0.rate_per_line", int(2), false, false),
            ("node.factory.lines.0.lines", float(2.0), false, false),
            ("node.factory.lines.0.lines", int(-1), false, false),
            (
                "node.factory.lines.0.rate_per_line",
                float(-0.5),
                false,
                false,
            ),
            (
                "node.factory.lines.0.rate_per_line",
                float(1e14),
                false,
                false,
            ),
            // Shifts, reject fractions and policy levels the build refuses: no shifts, a
            // share above 1, a reorder point at the order-up-to level or above the capacity,
            // an order-up-to level at the reorder point, a policy the node does not have, and
            // more than the run can count.
            ("node.factory.shifts", int(0), false, false),
            ("node.factory.shifts", float(-1.0), false, false),
            ("node.factory.reject_fraction", float(1.5), false, false),
            ("node.factory.reject_fraction", float(-0.1), false, false),
            (
                "node.depot.replenish.0.reorder_point",
                int(50),
                false,
                false,
            ),
            (
                "node.depot.replenish.0.reorder_point",
                int(-1),
                false,
                false,
            ),
            ("node.depot.replenish.0.order_up_to", int(20), false, false),
            ("node.depot.replenish.1.order_up_to", int(70), false, false),
            (
                "node.factory.replenish.0.order_up_to",
                int(70),
                false,
                false,
            ),
            (
                "node.depot.replenish.0.order_up_to",
                float(1e15),
                false,
                false,
            ),
            ("node.factory.shifts", float(1e15), false, false),
            ("node.factory.stock.mask", float(1e16), false, false),
            ("node.factory.stock.mask", int(10_i64.pow(16)), false, false),
            (
                "node.factory.stock.mask",
                toml::Value::String("9".into()),
                false,
                false,
            ),
        ];
        for (path, value, made, built) in cases {
            check(&file, None, &[(path.to_string(), value)], made, built);
        }
        // A stock and a parameter of the settings together, the stock set twice: the last
        // wins, as in the build.
        let settings = [
            ("node.factory.stock.mask".to_string(), int(3)),
            ("workers.initial_share".to_string(), float(0.4)),
            ("node.factory.stock.mask".to_string(), int(8)),
        ];
        check(&file, None, &settings, true, true);
        // A policy's levels are checked once both are in: raised past the capacity together
        // (the reorder point alone would reach the order-up-to level), refused together
        // when the capacity stays below them.
        for (reorder, up_to, made, built) in [(58, 100, true, true), (65, 100, false, false)] {
            let settings = [
                (
                    "node.depot.replenish.0.reorder_point".to_string(),
                    int(reorder),
                ),
                ("node.depot.replenish.0.order_up_to".to_string(), int(up_to)),
            ];
            check(&file, None, &settings, made, built);
        }
        // The lines of a factory with conversions, which the build checks the switches
        // against, are built in full.
        let settings = [("node.beijing-key.lines.0.lines".to_string(), int(40))];
        check(scenario("china-2020"), None, &settings, false, true);
    }

    /// A `[[link]]`'s tolls, costs, trucks and closure rate are set on the built model (on its
    /// way back too, when it goes both ways) where the build would read them alike, and built
    /// in full wherever it might not: the same model, or the same problem.
    #[test]
    fn a_link_setting_is_made_only_where_the_build_reads_it_alike() {
        let (_dir, file) = counted();
        let int = toml::Value::Integer;
        let float = toml::Value::Float;
        let cases = [
            // Made: one way and both ways, each field, integers for numbers.
            ("link.road.toll_per_truck", int(30), true, true),
            ("link.road.cost_per_truck", float(12.5), true, true),
            ("link.lane.toll_per_truck", int(10), true, true),
            ("link.lane.cost_per_truck", int(0), true, true),
            (
                "link.lane.capacity.1.trucks_per_day",
                float(7.5),
                true,
                true,
            ),
            ("link.lane.capacity.0.trucks_per_day", int(0), true, true),
            ("link.lane.closure_rate", float(0.3), true, true),
            ("link.lane.closure_rate", int(1), true, true),
            ("link.lane.closure_rate", int(0), true, true),
            ("link.road.closure_rate", int(0), true, true),
            // A lead time's parameter, both ways and one way, faster and slower than the other
            // links out of its origin.
            ("link.lane.lead_time_days.value", float(0.25), true, true),
            ("link.lane.lead_time_days.value", int(3), true, true),
            ("link.2.lead_time_days.value", float(0.5), true, true),
            // A group's links, by its position: every spec (within a region and into each).
            ("link_group.0.toll_per_truck", int(7), true, true),
            ("link_group.0.cost_per_truck", float(2.5), true, true),
            ("link_group.0.lead_time_days.value", float(0.3), true, true),
            ("link_group.0.lead_time_days.value", int(4), true, true),
            // Built in full and refused: closures on a link without `closure_days`, a rate above
            // 1, a negative toll, a capacity step the link does not have, a way back's id
            // (no entry has it), a link without an id named by its ends (it is named by its
            // position).
            ("link.road.closure_rate", float(0.2), false, false),
            ("link.lane.closure_rate", float(1.5), false, false),
            ("link.lane.toll_per_truck", int(-1), false, false),
            ("link.lane.capacity.2.trucks_per_day", int(3), false, false),
            ("link.road.capacity.0.trucks_per_day", int(3), false, false),
            ("link.lane:back.toll_per_truck", int(5), false, false),
            ("link.import->depot.toll_per_truck", int(5), false, false),
            // Lead times the build refuses: no positive minimum, a parameter the distribution
            // does not have, another distribution, a negative one.
            ("link.lane.lead_time_days.value", int(0), false, false),
            ("link.lane.lead_time_days.mode", int(1), false, false),
            (
                "link.lane.lead_time_days.dist",
                toml::Value::String("uniform".into()),
                false,
                false,
            ),
            ("link.2.lead_time_days.value", float(-1.0), false, false),
            // Groups built in full: a capacity step or closures it does not have, a group
            // without links (the model keeps no fields of it), one past the last.
            (
                "link_group.0.capacity.0.trucks_per_day",
                int(2),
                false,
                false,
            ),
            ("link_group.0.closure_rate", float(0.2), false, false),
            ("link_group.1.toll_per_truck", int(7), false, true),
            ("link_group.2.toll_per_truck", int(7), false, false),
            // By position: the third entry (after a link both ways), the second (both ways),
            // one past the last.
            ("link.2.toll_per_truck", int(5), true, true),
            ("link.1.cost_per_truck", int(5), true, true),
            ("link.3.toll_per_truck", int(5), false, false),
        ];
        for (path, value, made, built) in cases {
            check(&file, None, &[(path.to_string(), value)], made, built);
        }
        // With a node's stock and a parameter of the settings at once.
        let settings = [
            ("link.lane.toll_per_truck".to_string(), int(40)),
            ("node.factory.stock.mask".to_string(), int(3)),
            ("workers.initial_share".to_string(), float(0.4)),
        ];
        check(&file, None, &settings, true, true);
    }

    /// A generated layered network (`medsupply generate --layered`), whose nodes are entries
    /// with `count` and whose links are groups: a group's lead time and toll, and the stock and
    /// policy levels of every retailer, are set on the built model.
    #[test]
    fn a_layered_networks_groups_and_copies_are_set_on_the_built_model() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios/layered-50.toml");
        let file = ScenarioFile::read(&path).unwrap();
        let settings = [
            (
                "link_group.1.lead_time_days.mean".to_string(),
                toml::Value::Float(2.0),
            ),
            (
                "link_group.2.toll_per_truck".to_string(),
                toml::Value::Integer(40),
            ),
            (
                "node.R.stock.product".to_string(),
                toml::Value::Integer(120),
            ),
            (
                "node.R.replenish.0.order_up_to".to_string(),
                toml::Value::Integer(180),
            ),
        ];
        check(&file, None, &settings, true, true);
    }

    #[test]
    fn link_settings_name_a_link_and_a_field() {
        let link = LinkEntry::Link;
        for (path, entry, field) in [
            ("link.road.toll_per_truck", link("road"), LinkField::Toll),
            ("link.a:b.cost_per_truck", link("a:b"), LinkField::Cost),
            (
                "link.r.capacity.3.trucks_per_day",
                link("r"),
                LinkField::Trucks(3),
            ),
            ("link.r.closure_rate", link("r"), LinkField::ClosureRate),
            (
                "link.r.lead_time_days.mode",
                link("r"),
                LinkField::LeadTime("mode"),
            ),
            (
                "link_group.2.toll_per_truck",
                LinkEntry::Group(2),
                LinkField::Toll,
            ),
            (
                "link_group.0.lead_time_days.mean",
                LinkEntry::Group(0),
                LinkField::LeadTime("mean"),
            ),
        ] {
            assert_eq!(link_setting(path), Some((entry, field)), "{path}");
        }
        for path in [
            "link..toll_per_truck",
            "link.r.capacity.x.trucks_per_day",
            "link.r.capacity.0.day",
            "link.r.lead_time_days",
            "link.r.lead_time_days.dist",
            "link.r.lead_time_days.mode.x",
            "link.r.closure_days",
            "link_group.x.toll_per_truck",
            "link_group.0.closure_days",
            "node.r.toll_per_truck",
        ] {
            assert_eq!(link_setting(path), None, "{path}");
        }
    }

    #[test]
    fn node_settings_name_a_node_and_a_field() {
        for (path, node, field) in [
            ("node.wuhan.stock.n95", "wuhan", NodeField::Stock("n95")),
            ("node.f.lines.2.lines", "f", NodeField::Lines(2)),
            ("node.f.lines.0.rate_per_line", "f", NodeField::Rate(0)),
            ("node.f.shifts", "f", NodeField::Shifts),
            ("node.f.reject_fraction", "f", NodeField::RejectFraction),
            (
                "node.h.replenish.1.reorder_point",
                "h",
                NodeField::ReorderPoint(1),
            ),
            (
                "node.h.replenish.0.order_up_to",
                "h",
                NodeField::OrderUpTo(0),
            ),
        ] {
            assert_eq!(node_setting(path), Some((node, field)), "{path}");
        }
        for path in [
            "node.wuhan.stock",
            "node.wuhan.stock.",
            "node..stock.n95",
            "node.wuhan.stock.n95.x",
            "node.a.b.stock.n95",
            "link.wuhan.stock.n95",
            "node.wuhan.shifts.x",
            "node.f.lines.x.lines",
            "node.f.replenish.x.order_up_to",
            "node.f.replenish.0.capacity",
            "node.f.lines.-1.rate_per_line",
            "node.f.lines.0.item",
            "node.f.lines.0",
        ] {
            assert_eq!(node_setting(path), None, "{path}");
        }
    }

    #[test]
    fn only_parameters_of_the_settings_are_swapped() {
        for path in [
            "policy.productivity_under_controls",
            "risk_levels.high.checkpoint_lanes",
            "workers.noise_sd",
            "transport.truck_availability.0.day",
        ] {
            assert!(is_parameter(path), "{path}");
        }
        for path in [
            "policy.conversion",
            "policy.productivity_under_controls_x",
            "risk_levels",
            "risk_levels.",
            "transport.modes.road.speed",
            "node.a.shifts",
        ] {
            assert!(!is_parameter(path), "{path}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Random values (some out of range, not whole units or below a policy's reorder point,
        /// which the full build reports) of several parameters, a stock, a policy's level and a
        /// factory's shifts at once give the model, or the error, of the full build.
        #[test]
        fn random_parameters_give_the_full_build(
            productivity in -0.2f64..1.2,
            restart in 0.0f64..2.0,
            initial in 0.0f64..1.1,
            medium in 0.0f64..0.2,
            mode in 20.0f64..80.0,
            share in 0.0f64..1.05,
            suits in prop_oneof![(0u32..20_000).prop_map(f64::from), -10.0f64..20_000.0],
            up_to in 0.0f64..3000.0,
            shifts in -0.5f64..3.0,
            uncalibrated in any::<bool>(),
        ) {
            let file = scenario("china-2020");
            let variant = uncalibrated.then_some("uncalibrated");
            let settings: Vec<(String, toml::Value)> = [
                ("policy.productivity_under_controls", productivity),
                ("policy.priority_restart_factor", restart),
                ("workers.initial_share", initial),
                ("risk_levels.medium.worker_return_rate", medium),
                ("risk_levels.high.restart_days_large.mode", mode),
                ("transport.truck_availability.2.share", share),
                ("node.hubei-hospitals.stock.protective_suit", suits),
                ("node.beijing-hospitals.replenish.0.order_up_to", up_to),
                ("node.hubei-key.shifts", shifts),
            ]
            .into_iter()
            .map(|(p, v)| (p.to_string(), toml::Value::Float(v)))
            .collect();
            let (candidate, full) = both(file, variant, &settings);
            prop_assert_eq!(candidate, full);
        }
    }
}
