//! Turning a raw scenario into a validated [`Model`], collecting every problem on the way.

use super::links::End;
use super::*;
use crate::error::{Diagnostic, Error, Result};
use crate::scenario::ScenarioFile;
use crate::scenario::location::{FieldPath, path};
use crate::scenario::raw::*;
use sha2::{Digest, Sha256};
use std::path::Path;

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
    let mut b = Builder {
        file,
        variant,
        diags: shape,
        hasher: Sha256::new(),
        start: None,
        node_entry: Vec::new(),
        reported: Default::default(),
    };
    b.hasher.update(file.text.as_bytes());
    let model = b.model(&raw, label);
    if b.diags.is_empty() {
        Ok(model.expect("a model is returned when no problem was found"))
    } else {
        Err(Error::Invalid(b.diags))
    }
}

struct Builder<'a> {
    file: &'a ScenarioFile,
    variant: Option<&'a str>,
    diags: Vec<Diagnostic>,
    hasher: Sha256,
    start: Option<NaiveDate>,
    /// The `[[node]]` entry each node comes from (an entry with `count` makes several).
    node_entry: Vec<usize>,
    /// Fields [`Builder::err_once`] has reported.
    reported: std::collections::BTreeSet<String>,
}

/// Names resolved so far.
struct Names {
    regions: BTreeMap<String, RegionId>,
    items: BTreeMap<String, ItemId>,
    nodes: BTreeMap<String, NodeId>,
    links: BTreeMap<String, LinkId>,
}

impl Builder<'_> {
    fn err(&mut self, at: &FieldPath, msg: impl Into<String>) {
        let d = self.file.diag_for(self.variant, at, msg);
        if !self.diags.contains(&d) {
            self.diags.push(d);
        }
    }

    /// Like `err`, but once per field of the file: the nodes of a `[[node]]` entry with `count`
    /// share its fields, so a problem they all have is reported once, at the first.
    fn err_once(&mut self, at: &FieldPath, msg: impl Into<String>) {
        if self.reported.insert(at.to_string()) {
            self.err(at, msg);
        }
    }

    fn dist(&mut self, at: &FieldPath, spec: &DistSpec) -> Dist {
        match Dist::new(spec) {
            Ok(d) => d,
            Err(m) => {
                self.err(at, m);
                Dist::fixed(1.0)
            }
        }
    }

    /// A delay distribution: valid and with a positive minimum.
    fn delay(&mut self, at: &FieldPath, spec: &DistSpec) -> Dist {
        let d = self.dist(at, spec);
        if d.min() <= 0.0 {
            self.err(
                at,
                format!(
                    "must have a positive minimum (give `min` > 0); its minimum is {}",
                    d.min()
                ),
            );
        }
        d
    }

    /// A non-negative duration distribution.
    fn duration(&mut self, at: &FieldPath, spec: &DistSpec) -> Dist {
        let d = self.dist(at, spec);
        if d.min() < 0.0 {
            self.err(
                at,
                format!("cannot be negative; its minimum is {}", d.min()),
            );
        }
        d
    }

    fn share(&mut self, at: &FieldPath, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.err(at, format!("must be a share between 0 and 1, got {v}"));
        }
        v
    }

    fn non_negative(&mut self, at: &FieldPath, v: f64) -> f64 {
        if v < 0.0 {
            self.err(at, format!("cannot be negative, got {v}"));
        }
        v
    }

    fn positive(&mut self, at: &FieldPath, v: f64) -> f64 {
        if v <= 0.0 {
            self.err(at, format!("must be positive, got {v}"));
        }
        v
    }

    fn day(&mut self, at: &FieldPath, d: i64, horizon: i64) -> u32 {
        if d < 0 || d > horizon.max(0) {
            self.err(at, format!("day {d} is outside the horizon 0..={horizon}"));
            // Clamped rather than zeroed, so schedules are not also reported out of order.
            return d.clamp(0, horizon.max(0)) as u32;
        }
        d as u32
    }

    fn lookup(
        &mut self,
        at: &FieldPath,
        names: &BTreeMap<String, usize>,
        what: &str,
        name: &str,
    ) -> Option<usize> {
        let found = names.get(name).copied();
        if found.is_none() {
            let known: Vec<&str> = names.keys().map(String::as_str).take(12).collect();
            self.err(
                at,
                format!("unknown {what} `{name}` (known: {})", known.join(", ")),
            );
        }
        found
    }

    fn unique(
        &mut self,
        at: &FieldPath,
        names: &mut BTreeMap<String, usize>,
        name: &str,
        ix: usize,
    ) {
        if name.is_empty() {
            self.err(at, "must not be empty");
        } else if names.contains_key(name) {
            self.err(at, format!("`{name}` is defined twice"));
        } else {
            names.insert(name.to_string(), ix);
        }
    }

    fn model(&mut self, raw: &RawScenario, variant: &str) -> Option<Model> {
        let meta = &raw.scenario;
        let start_date = match NaiveDate::parse_from_str(&meta.start_date, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(
                    &path("scenario.start_date"),
                    format!("not a date YYYY-MM-DD: {e}"),
                );
                None
            }
        };
        self.start = start_date;
        if !(1..=3650).contains(&meta.days) {
            self.err(
                &path("scenario.days"),
                format!("must be between 1 and 3650, got {}", meta.days),
            );
        }
        if !(1..=1_000_000).contains(&meta.replications) {
            self.err(
                &path("scenario.replications"),
                format!("must be between 1 and 1000000, got {}", meta.replications),
            );
        }
        let horizon = meta.days;
        let p = &raw.policy;
        let productivity = self.share(
            &path("policy.productivity_under_controls"),
            p.productivity_under_controls,
        );
        self.positive(
            &path("policy.priority_restart_factor"),
            p.priority_restart_factor,
        );
        self.positive(
            &path("policy.sme_financing_restart_factor"),
            p.sme_financing_restart_factor,
        );
        let risk = [
            self.risk(&path("risk_levels.low"), &raw.risk_levels.low),
            self.risk(&path("risk_levels.medium"), &raw.risk_levels.medium),
            self.risk(&path("risk_levels.high"), &raw.risk_levels.high),
        ];
        let workers_initial = self.share(&path("workers.initial_share"), raw.workers.initial_share);
        let workers_noise_sd = self.non_negative(&path("workers.noise_sd"), raw.workers.noise_sd);

        let mut names = Names {
            regions: BTreeMap::new(),
            items: BTreeMap::new(),
            nodes: BTreeMap::new(),
            links: BTreeMap::new(),
        };
        let regions = self.regions(raw, &mut names, horizon);
        let regions_of_interest = meta
            .regions_of_interest
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                self.lookup(
                    &path("scenario.regions_of_interest").index(i),
                    &names.regions,
                    "region",
                    r,
                )
            })
            .collect();
        let items = self.items(raw, &mut names);
        let staffing = self.severity(&path("staffing"), &raw.staffing);
        let conservation = self.conservation(raw, &names, &items, horizon);
        let base = self.file.base_dir();
        let mut graph = Network::new();
        let nodes = self.nodes(raw, &mut names, &items, &mut graph, &base, horizon);
        let links = self.links(raw, &mut names, &nodes, graph, horizon);
        let pinned_routes = self.routes(raw, &names, &nodes, &links);
        let green = self.green(raw, &names, horizon, (&links, &nodes));
        let truck_availability = raw
            .transport
            .truck_availability
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let at = path("transport.truck_availability").index(i);
                (
                    self.day(&at.key("day"), s.day, horizon),
                    self.share(&at.key("share"), s.share),
                )
            })
            .collect::<Vec<_>>();
        self.sorted_steps(&path("transport.truck_availability"), &truck_availability);
        let dispatch = self.dispatch(raw, &names, &regions, &items, &nodes);
        let disruptions = raw
            .disruption
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let at = path("disruption").index(i);
                let link = self.lookup_link(&at.key("link"), &names, &links, &nodes, &d.link)?;
                let day = self.day(&at.key("day"), d.day, horizon);
                let days = self.positive(&at.key("days"), d.days);
                Some(Disruption { link, day, days })
            })
            .collect();
        self.reachability(&nodes, &links, &dispatch);

        let input_hash: String = std::mem::take(&mut self.hasher)
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Some(Model {
            name: meta.name.clone(),
            variant: variant.to_string(),
            start_date: start_date?,
            days: meta.days.clamp(1, 3650) as u32,
            seed: meta.seed,
            replications: meta.replications.clamp(1, 1_000_000) as u32,
            input_hash,
            regions_of_interest,
            productivity,
            priority_restart_factor: p.priority_restart_factor,
            sme_restart_factor: if p.sme_financing {
                p.sme_financing_restart_factor
            } else {
                1.0
            },
            conversion_enabled: p.conversion,
            risk,
            workers_initial,
            workers_noise_sd,
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
            route_cache: Default::default(),
            census_cache: Default::default(),
        })
    }

    fn risk(&mut self, at: &FieldPath, r: &RawRisk) -> Risk {
        Risk {
            restart_large: self.duration(&at.key("restart_days_large"), &r.restart_days_large),
            restart_sme: self.duration(&at.key("restart_days_sme"), &r.restart_days_sme),
            worker_return_rate: self.share(&at.key("worker_return_rate"), r.worker_return_rate),
            worker_ceiling: self.share(&at.key("worker_ceiling"), r.worker_ceiling),
            checkpoint_hours: self.duration(&at.key("checkpoint_hours"), &r.checkpoint_hours),
            plant_outbreak_rate: self.share(&at.key("plant_outbreak_rate"), r.plant_outbreak_rate),
            outbreak_closure_days: match &r.outbreak_closure_days {
                Some(d) => self.delay(&at.key("outbreak_closure_days"), d),
                None => {
                    if r.plant_outbreak_rate > 0.0 {
                        self.err(
                            &at.key("outbreak_closure_days"),
                            "is required when plant_outbreak_rate > 0",
                        );
                    }
                    Dist::fixed(1.0)
                }
            },
        }
    }

    fn severity(&mut self, at: &FieldPath, s: &RawSeverity) -> Severity {
        let v = [s.mild, s.moderate, s.severe, s.critical];
        for (k, x) in ["mild", "moderate", "severe", "critical"].iter().zip(v) {
            self.non_negative(&at.key(k), x);
        }
        v
    }

    fn sorted_steps<T>(&mut self, at: &FieldPath, steps: &[(u32, T)]) {
        if steps.windows(2).any(|w| w[0].0 >= w[1].0) {
            self.err(at, "steps must be in increasing order of day");
        }
    }

    fn regions(&mut self, raw: &RawScenario, names: &mut Names, horizon: i64) -> Vec<Region> {
        if raw.region.is_empty() {
            self.err(&path("region"), "a scenario needs at least one [[region]]");
        }
        let mut out = Vec::new();
        for (i, r) in raw.region.iter().enumerate() {
            let at = path("region").index(i);
            self.unique(&at.key("id"), &mut names.regions, &r.id, i);
            let mut risk = Vec::new();
            for (j, s) in r.risk.iter().enumerate() {
                let sat = at.key("risk").index(j);
                let level = match s.level {
                    RawRiskLevel::Low => RiskLevel::Low,
                    RawRiskLevel::Medium => RiskLevel::Medium,
                    RawRiskLevel::High => RiskLevel::High,
                };
                risk.push((self.day(&sat.key("day"), s.day, horizon), level));
            }
            if risk.first().map(|s| s.0) != Some(0) {
                self.err(&at.key("risk"), "the first risk step must be on day 0");
            }
            self.sorted_steps(&at.key("risk"), &risk);
            let epidemic = r
                .epidemic
                .as_ref()
                .map(|e| self.epidemic(&at.key("epidemic"), e, horizon));
            out.push(Region {
                id: r.id.clone(),
                risk,
                epidemic,
            });
        }
        out
    }

    fn epidemic(&mut self, at: &FieldPath, e: &RawEpidemic, horizon: i64) -> Epidemic {
        self.positive(&at.key("population"), e.population);
        self.non_negative(&at.key("initial_exposed"), e.initial_exposed);
        self.non_negative(&at.key("initial_infectious"), e.initial_infectious);
        if e.initial_exposed + e.initial_infectious > e.population {
            self.err(
                &at.key("initial_infectious"),
                "initial exposed plus infectious exceed the population",
            );
        }
        self.non_negative(&at.key("r0"), e.r0);
        self.positive(&at.key("incubation_days"), e.incubation_days);
        self.positive(&at.key("infectious_days"), e.infectious_days);
        let contact: Vec<(u32, f64)> = e
            .contact
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let sat = at.key("contact").index(i);
                (
                    self.day(&sat.key("day"), s.day, horizon),
                    self.non_negative(&sat.key("factor"), s.factor),
                )
            })
            .collect();
        self.sorted_steps(&at.key("contact"), &contact);
        let severity = self.severity(&at.key("severity"), &e.severity);
        let total: f64 = severity.iter().sum();
        if (total - 1.0).abs() > 1e-6 {
            self.err(
                &at.key("severity"),
                format!("shares must sum to 1, they sum to {total}"),
            );
        }
        let stay_days = self.severity(&at.key("stay_days"), &e.stay_days);
        for (k, (share, stay)) in ["mild", "moderate", "severe", "critical"]
            .iter()
            .zip(severity.iter().zip(stay_days))
        {
            if *share > 0.0 && stay < 1.0 {
                self.err(
                    &at.key("stay_days").key(k),
                    format!("must be at least 1 day for a class with cases, got {stay}"),
                );
            }
        }
        Epidemic {
            population: e.population,
            initial_exposed: e.initial_exposed,
            initial_infectious: e.initial_infectious,
            r0: e.r0,
            incubation_days: e.incubation_days,
            infectious_days: e.infectious_days,
            contact,
            case_fraction: self.share(&at.key("case_fraction"), e.case_fraction),
            severity,
            stay_days,
        }
    }

    fn items(&mut self, raw: &RawScenario, names: &mut Names) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, m) in raw.material.iter().enumerate() {
            let at = path("material").index(i);
            self.unique(&at.key("id"), &mut names.items, &m.id, items.len());
            items.push(Item {
                id: m.id.clone(),
                unit: m.unit.clone(),
                kind: ItemKind::Material,
                units_per_truck: self.positive(&at.key("units_per_truck"), m.units_per_truck),
                bom: vec![],
                release_delay: None,
                burn: None,
            });
        }
        for (i, p) in raw.product.iter().enumerate() {
            let at = path("product").index(i);
            self.unique(&at.key("id"), &mut names.items, &p.id, items.len());
            let kind = match p.kind {
                RawProductKind::Consumable => ItemKind::Consumable,
                RawProductKind::Durable => ItemKind::Durable,
            };
            let release_delay = p
                .release_delay_days
                .as_ref()
                .map(|d| self.delay(&at.key("release_delay_days"), d));
            items.push(Item {
                id: p.id.clone(),
                unit: p.unit.clone(),
                kind,
                units_per_truck: self.positive(&at.key("units_per_truck"), p.units_per_truck),
                bom: vec![],
                release_delay,
                burn: None,
            });
        }
        // Bills of materials and burn rates refer to items by name, so resolve them second.
        for (i, p) in raw.product.iter().enumerate() {
            let at = path("product").index(i).key("bom");
            let ix = raw.material.len() + i;
            for (m, q) in &p.bom {
                let Some(mid) = self.lookup(&at.key(m), &names.items, "material", m) else {
                    continue;
                };
                if items[mid].kind != ItemKind::Material {
                    self.err(
                        &at.key(m),
                        format!("`{m}` is a product; a bill of materials lists materials"),
                    );
                }
                self.positive(&at.key(m), *q);
                items[ix].bom.push((mid, *q));
            }
        }
        for (name, b) in &raw.burn {
            let at = path("burn").key(name);
            let Some(id) = self.lookup(&at, &names.items, "product", name) else {
                continue;
            };
            if items[id].kind == ItemKind::Material {
                self.err(
                    &at,
                    format!("`{name}` is a material; burn rates are for products"),
                );
            }
            if items[id].kind == ItemKind::Durable && b.per_staff_shift != 0.0 {
                self.err(
                    &at.key("per_staff_shift"),
                    "a durable product is not used up per staff shift; use per_patient_day",
                );
            }
            let per_patient_day = self.severity(&at.key("per_patient_day"), &b.per_patient_day);
            let per_staff_shift = self.non_negative(&at.key("per_staff_shift"), b.per_staff_shift);
            items[id].burn = Some(Burn {
                per_patient_day,
                per_staff_shift,
            });
        }
        items
    }

    fn conservation(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        items: &[Item],
        horizon: i64,
    ) -> Vec<Conservation> {
        let mut out = Vec::new();
        for (i, c) in raw.conservation.iter().enumerate() {
            let at = path("conservation").index(i);
            let list: Vec<ItemId> = if c.products.is_empty() {
                (0..items.len())
                    .filter(|&k| items[k].kind == ItemKind::Consumable)
                    .collect()
            } else {
                c.products
                    .iter()
                    .enumerate()
                    .filter_map(|(j, p)| {
                        let pat = at.key("products").index(j);
                        let id = self.lookup(&pat, &names.items, "product", p)?;
                        if items[id].kind != ItemKind::Consumable {
                            self.err(&pat, format!("`{p}` is not a consumable; conservation cuts the burn of consumables"));
                        }
                        Some(id)
                    })
                    .collect()
            };
            if c.from_day.is_none() == c.days_of_supply_below.is_none() {
                self.err(
                    &at,
                    "give exactly one trigger: `from_day` or `days_of_supply_below`",
                );
            }
            out.push(Conservation {
                name: c.name.clone(),
                burn_factor: self.share(&at.key("burn_factor"), c.burn_factor),
                items: list,
                from_day: c
                    .from_day
                    .map(|d| self.day(&at.key("from_day"), d, horizon)),
                days_of_supply_below: c
                    .days_of_supply_below
                    .map(|d| self.non_negative(&at.key("days_of_supply_below"), d)),
            });
        }
        out
    }

    fn lines(
        &mut self,
        at: &FieldPath,
        l: &RawLines,
        names: &Names,
        items: &[Item],
        kind: NodeKind,
    ) -> Option<Lines> {
        let item = self.lookup(&at.key("item"), &names.items, "item", &l.item)?;
        match (kind, items[item].kind) {
            (NodeKind::Supplier, ItemKind::Material)
            | (NodeKind::Factory, ItemKind::Consumable | ItemKind::Durable) => {}
            (NodeKind::Supplier, _) => self.err(
                &at.key("item"),
                "a supplier makes materials; use a factory for products",
            ),
            _ => self.err(
                &at.key("item"),
                "a factory makes products; use a supplier for materials",
            ),
        }
        if l.lines < 0 {
            self.err(
                &at.key("lines"),
                format!("cannot be negative, got {}", l.lines),
            );
        }
        self.non_negative(&at.key("rate_per_line"), l.rate_per_line);
        let breakdown = match (&l.time_to_failure_days, &l.repair_days) {
            (Some(t), Some(r)) => Some((
                self.delay(&at.key("time_to_failure_days"), t),
                self.delay(&at.key("repair_days"), r),
            )),
            (None, None) => None,
            _ => {
                self.err(
                    at,
                    "give both `time_to_failure_days` and `repair_days`, or neither",
                );
                None
            }
        };
        Some(Lines {
            item,
            lines: l.lines.max(0) as u32,
            rate_per_line: l.rate_per_line,
            breakdown,
        })
    }

    fn nodes(
        &mut self,
        raw: &RawScenario,
        names: &mut Names,
        items: &[Item],
        graph: &mut Network,
        base: &Path,
        horizon: i64,
    ) -> Vec<Node> {
        // Every id is known before any node is built, as nodes name each other.
        let mut ids: Vec<Vec<String>> = raw
            .node
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let at = path("node").index(i);
                let ids = self.node_ids(&at, n);
                for id in &ids {
                    let ix = self.node_entry.len();
                    self.unique(&at.key("id"), &mut names.nodes, id, ix);
                    self.node_entry.push(i);
                }
                ids
            })
            .collect();
        let mut out = Vec::new();
        for (i, n) in raw.node.iter().enumerate() {
            let at = path("node").index(i);
            let kind = match n.kind {
                RawNodeKind::Supplier => NodeKind::Supplier,
                RawNodeKind::Factory => NodeKind::Factory,
                RawNodeKind::Warehouse => NodeKind::Warehouse,
                RawNodeKind::Reserve => NodeKind::Reserve,
                RawNodeKind::Hospital => NodeKind::Hospital,
                RawNodeKind::Source => NodeKind::Source,
            };
            let region = self
                .lookup(&at.key("region"), &names.regions, "region", &n.region)
                .unwrap_or(0);
            let size = match n.size {
                None | Some(RawSize::Large) => Size::Large,
                Some(RawSize::Sme) => Size::Sme,
            };
            if !kind.produces() && (!n.lines.is_empty() || !n.conversion.is_empty()) {
                self.err(
                    &at.key("lines"),
                    format!("a {} has no production lines", n.kind.name()),
                );
            }
            let lines = n
                .lines
                .iter()
                .enumerate()
                .filter_map(|(j, l)| self.lines(&at.key("lines").index(j), l, names, items, kind))
                .collect();
            let mut conversions = Vec::new();
            for (j, c) in n.conversion.iter().enumerate() {
                let cat = at.key("conversion").index(j);
                let as_lines = RawLines {
                    item: c.item.clone(),
                    lines: c.lines,
                    rate_per_line: c.rate_per_line,
                    time_to_failure_days: None,
                    repair_days: None,
                };
                let day = self.day(&cat.key("day"), c.day, horizon);
                let lead_time = self.duration(&cat.key("lead_time_days"), &c.lead_time_days);
                if let Some(lines) = self.lines(&cat, &as_lines, names, items, kind) {
                    conversions.push(Conversion {
                        day,
                        lines,
                        lead_time,
                    });
                }
            }
            let mut stock = Vec::new();
            for (name, q) in &n.stock {
                let sat = at.key("stock").key(name);
                let Some(id) = self.lookup(&sat, &names.items, "item", name) else {
                    continue;
                };
                if *q < 0.0 || q.fract() != 0.0 {
                    self.err(
                        &sat,
                        format!("must be a whole non-negative number of units, got {q}"),
                    );
                    continue;
                }
                stock.push((id, *q as u64));
            }
            if kind == NodeKind::Source && !n.stock.is_empty() {
                self.err(
                    &at.key("stock"),
                    "a source has unlimited supply; list its items in `supplies`",
                );
            }
            let replenish = n
                .replenish
                .iter()
                .enumerate()
                .filter_map(|(j, r)| {
                    self.replenish(&at.key("replenish").index(j), r, names, horizon)
                })
                .collect();
            let (census, direct_demand) = self.demand(&at, n, kind, names, items, base, horizon);
            let release = n.release.as_ref().map(|r| {
                let rat = at.key("release");
                if kind != NodeKind::Reserve {
                    self.err(&rat, "only a reserve has a release rule");
                }
                if r.day.is_none() == r.national_days_of_supply_below.is_none() {
                    self.err(
                        &rat,
                        "give exactly one of `day` or `national_days_of_supply_below`",
                    );
                }
                Release {
                    day: r.day.map(|d| self.day(&rat.key("day"), d, horizon)),
                    national_days_of_supply_below: r
                        .national_days_of_supply_below
                        .map(|d| self.non_negative(&rat.key("national_days_of_supply_below"), d)),
                }
            });
            if kind == NodeKind::Reserve && n.release.is_none() {
                self.err(&at, "a reserve needs a [node.release] rule (a day or a national days-of-supply threshold)");
            }
            let supplies: Vec<ItemId> = n
                .supplies
                .iter()
                .enumerate()
                .filter_map(|(j, s)| {
                    self.lookup(&at.key("supplies").index(j), &names.items, "item", s)
                })
                .collect();
            if kind == NodeKind::Source && supplies.is_empty() {
                self.err(
                    &at.key("supplies"),
                    "a source must list the items it supplies",
                );
            }
            if kind != NodeKind::Source && !supplies.is_empty() {
                self.err(&at.key("supplies"), "only a source node has `supplies`");
            }
            let make_to_order = n
                .make_to_order
                .as_ref()
                .and_then(|r| self.make_to_order(&at.key("make_to_order"), r, kind, names, items));
            if kind != NodeKind::Hospital && !n.customer_orders.is_empty() {
                self.err(
                    &at.key("customer_orders"),
                    "only a hospital has customer orders",
                );
            }
            let customer_orders = n
                .customer_orders
                .iter()
                .enumerate()
                .filter_map(|(j, c)| {
                    self.customer_orders(&at.key("customer_orders").index(j), c, names, items)
                })
                .collect();
            let shifts = self.positive(&at.key("shifts"), n.shifts);
            let reject_fraction = self.share(&at.key("reject_fraction"), n.reject_fraction);
            let node = Node {
                id: String::new(),
                kind,
                region,
                size,
                priority: n.priority,
                closed_at_start: n.closed_at_start.unwrap_or(false),
                shifts,
                reject_fraction,
                lines,
                conversions,
                stock,
                replenish,
                census,
                direct_demand,
                release,
                supplies,
                ship_whole_orders: n.ship_whole_orders,
                make_to_order,
                customer_orders,
                vertex: NodeIndex::end(),
            };
            for id in std::mem::take(&mut ids[i]) {
                out.push(Node {
                    id,
                    vertex: graph.add_node(out.len()),
                    ..node.clone()
                });
            }
        }
        out
    }

    /// The ids of the nodes a `[[node]]` entry makes: `id`, or with `count` that many, `id`
    /// followed by 0, 1, …
    fn node_ids(&mut self, at: &FieldPath, n: &RawNode) -> Vec<String> {
        match n.count {
            Some(c) if (1..=MAX_COUNT).contains(&c) => {
                (0..c).map(|k| format!("{}{k}", n.id)).collect()
            }
            Some(c) => {
                self.err(
                    &at.key("count"),
                    format!("must be between 1 and {MAX_COUNT}, got {c}"),
                );
                // One node as named, so that what refers to it is not reported too.
                vec![n.id.clone()]
            }
            None => vec![n.id.clone()],
        }
    }

    fn replenish(
        &mut self,
        at: &FieldPath,
        r: &RawReplenish,
        names: &Names,
        horizon: i64,
    ) -> Option<Replenish> {
        let item = self.lookup(&at.key("item"), &names.items, "item", &r.item);
        let source = self.lookup(&at.key("source"), &names.nodes, "node", &r.source);
        self.non_negative(&at.key("reorder_point"), r.reorder_point);
        if r.order_up_to <= r.reorder_point {
            self.err(
                &at.key("order_up_to"),
                format!(
                    "must exceed reorder_point {}, got {}",
                    r.reorder_point, r.order_up_to
                ),
            );
        }
        let review_days = r.review_days.map(|d| {
            if d < 1 || d > horizon {
                self.err(
                    &at.key("review_days"),
                    format!("must be between 1 and the horizon, got {d}"),
                );
            }
            d.max(1) as u32
        });
        let order_delay_hours = self.delay(&at.key("order_delay_hours"), &r.order_delay_hours);
        let capacity = r
            .capacity
            .map(|c| self.capacity(&at.key("capacity"), c, r.reorder_point));
        Some(Replenish {
            item: item?,
            source: source?,
            reorder_point: r.reorder_point,
            order_up_to: r.order_up_to,
            review_days,
            order_delay_hours,
            capacity,
            net_backorders: r.net_backorders,
        })
    }

    /// A capacity of a policy: positive and above the reorder point (else it could never order).
    fn capacity(&mut self, at: &FieldPath, c: f64, reorder_point: f64) -> f64 {
        if c <= reorder_point || c <= 0.0 {
            self.err(
                at,
                format!("must be positive and exceed reorder_point {reorder_point}, got {c}"),
            );
        }
        c
    }

    fn make_to_order(
        &mut self,
        at: &FieldPath,
        r: &RawMakeToOrder,
        kind: NodeKind,
        names: &Names,
        items: &[Item],
    ) -> Option<MakeToOrder> {
        if kind != NodeKind::Factory {
            self.err(at, "only a factory makes to order");
        }
        let item = self.lookup(&at.key("product"), &names.items, "product", &r.product);
        if let Some(i) = item
            && items[i].kind == ItemKind::Material
        {
            self.err(
                &at.key("product"),
                "a factory makes products, not materials",
            );
        }
        let source = self.lookup(
            &at.key("materials_source"),
            &names.nodes,
            "node",
            &r.materials_source,
        );
        self.non_negative(&at.key("reorder_point"), r.reorder_point);
        if r.order_up_to <= r.reorder_point {
            self.err(
                &at.key("order_up_to"),
                format!(
                    "must exceed reorder_point {}, got {}",
                    r.reorder_point, r.order_up_to
                ),
            );
        }
        let capacity = r
            .capacity
            .map(|c| self.capacity(&at.key("capacity"), c, r.reorder_point));
        if r.batch_max < 1 {
            self.err(
                &at.key("batch_max"),
                format!("must be at least 1 unit, got {}", r.batch_max),
            );
        }
        let batch_days = self.delay(&at.key("batch_days"), &r.batch_days);
        let order_delay_hours = self.delay(&at.key("order_delay_hours"), &r.order_delay_hours);
        Some(MakeToOrder {
            item: item?,
            materials_source: source?,
            reorder_point: r.reorder_point,
            order_up_to: r.order_up_to,
            capacity,
            batch_max: r.batch_max.max(1) as u64,
            batch_days,
            order_delay_hours,
        })
    }

    fn customer_orders(
        &mut self,
        at: &FieldPath,
        c: &RawCustomerOrders,
        names: &Names,
        items: &[Item],
    ) -> Option<CustomerOrders> {
        let item = self.lookup(&at.key("product"), &names.items, "product", &c.product);
        if let Some(i) = item
            && items[i].kind != ItemKind::Consumable
        {
            self.err(&at.key("product"), "customers order consumable products");
        }
        if c.units < 1.0 || c.units.fract() != 0.0 {
            self.err(
                &at.key("units"),
                format!(
                    "must be a whole number of units, at least 1, got {}",
                    c.units
                ),
            );
        }
        let interarrival_days = self.duration(&at.key("interarrival_days"), &c.interarrival_days);
        let mean = interarrival_days.mean();
        if mean <= 0.0 {
            self.err(&at.key("interarrival_days"), "must have a positive mean");
        } else if mean * (TICKS_PER_DAY as f64) < 1.0 {
            // Times are whole minutes: with a shorter mean, orders could fall on one minute
            // forever and the clock would never move.
            self.err(
                &at.key("interarrival_days"),
                format!("must have a mean of at least one minute (1/1440 day), got {mean} days"),
            );
        }
        Some(CustomerOrders {
            item: item?,
            units: c.units.max(1.0) as u64,
            interarrival_days,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn demand(
        &mut self,
        at: &FieldPath,
        n: &RawNode,
        kind: NodeKind,
        names: &Names,
        items: &[Item],
        base: &Path,
        horizon: i64,
    ) -> (Option<Census>, Vec<(ItemId, Vec<f64>)>) {
        if kind != NodeKind::Hospital && (n.census.is_some() || !n.demand.is_empty()) {
            self.err(&at.key("census"), "only a hospital has demand");
        }
        let census = n.census.as_ref().and_then(|c| {
            let cat = at.key("census");
            match (&c.share_of_region, &c.csv) {
                (Some(s), None) => Some(Census::RegionShare(
                    self.share(&cat.key("share_of_region"), *s),
                )),
                (None, Some(file)) => {
                    let cols = [&c.mild, &c.moderate, &c.severe, &c.critical];
                    if cols.iter().all(|c| c.is_none()) {
                        self.err(
                            &cat,
                            "name at least one census column: mild, moderate, severe, critical",
                        );
                    }
                    let mut series = vec![[0.0; 4]; horizon.max(1) as usize];
                    for (k, col) in cols.iter().enumerate() {
                        if let Some(col) = col {
                            let v = self.csv_column(&cat.key("csv"), base, file, col, horizon)?;
                            for (d, x) in v.into_iter().enumerate() {
                                series[d][k] = x;
                            }
                        }
                    }
                    Some(Census::Series(series))
                }
                _ => {
                    self.err(&cat, "give exactly one of `share_of_region` or `csv`");
                    None
                }
            }
        });
        let mut direct = Vec::new();
        for (j, d) in n.demand.iter().enumerate() {
            let dat = at.key("demand").index(j);
            let Some(item) = self.lookup(&dat.key("product"), &names.items, "product", &d.product)
            else {
                continue;
            };
            if items[item].kind == ItemKind::Material {
                self.err(
                    &dat.key("product"),
                    "hospitals demand products, not materials",
                );
            }
            if let Some(v) = self.csv_column(&dat.key("csv"), base, &d.csv, &d.column, horizon) {
                direct.push((item, v));
            }
        }
        (census, direct)
    }

    /// Reads one numeric column of a CSV with a `date` column (YYYY-MM-DD) or a `day` column
    /// (0-based), into a daily series over the horizon (days not listed are 0).
    fn csv_column(
        &mut self,
        at: &FieldPath,
        base: &Path,
        file: &str,
        column: &str,
        horizon: i64,
    ) -> Option<Vec<f64>> {
        let full = base.join(file);
        let bytes = match self.file.csv.bytes(&full) {
            Ok(b) => b,
            Err(e) => {
                self.err(at, format!("cannot read CSV file {}: {e}", full.display()));
                return None;
            }
        };
        self.hasher.update(&bytes);
        match self
            .file
            .csv
            .column(&full, &bytes, column, self.start, horizon.max(1) as usize)
        {
            Ok(v) => Some(v),
            Err(problems) => {
                for (line, field, msg) in problems {
                    self.diags.push(Diagnostic {
                        file: full.clone(),
                        position: line.map(|l| (l, 1)),
                        field,
                        message: format!("{msg} (read for {at} of {})", self.file.path.display()),
                    });
                }
                None
            }
        }
    }

    /// Mode, lead time, capacity, via and closures of a `[[link]]` or `[[link_group]]`.
    #[allow(clippy::too_many_arguments)]
    fn link_props(
        &mut self,
        at: &FieldPath,
        names: &Names,
        mode: Option<TransportMode>,
        lead: &DistSpec,
        capacity: &[RawCapacityStep],
        via: &[String],
        closure_rate: f64,
        closure_days: &Option<DistSpec>,
        horizon: i64,
    ) -> (LinkProps, Vec<RegionId>) {
        let lead_time = self.delay(&at.key("lead_time_days"), lead);
        let capacity: Vec<(u32, f64)> = capacity
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let cat = at.key("capacity").index(j);
                (
                    self.day(&cat.key("day"), c.day, horizon),
                    self.non_negative(&cat.key("trucks_per_day"), c.trucks_per_day),
                )
            })
            .collect();
        self.sorted_steps(&at.key("capacity"), &capacity);
        if !capacity.is_empty() && capacity[0].0 != 0 {
            self.err(
                &at.key("capacity"),
                "the first capacity step must be on day 0",
            );
        }
        let via: Vec<RegionId> = via
            .iter()
            .enumerate()
            .filter_map(|(j, r)| self.lookup(&at.key("via").index(j), &names.regions, "region", r))
            .collect();
        let closure_rate = self.share(&at.key("closure_rate"), closure_rate);
        let closure_days = match closure_days {
            Some(d) => self.delay(&at.key("closure_days"), d),
            None => {
                if closure_rate > 0.0 {
                    self.err(&at.key("closure_days"), "is required when closure_rate > 0");
                }
                Dist::fixed(1.0)
            }
        };
        (
            LinkProps {
                mode,
                lead_time,
                capacity,
                closure_rate,
                closure_days,
            },
            via,
        )
    }

    fn links(
        &mut self,
        raw: &RawScenario,
        names: &mut Names,
        nodes: &[Node],
        graph: Network,
        horizon: i64,
    ) -> Links {
        let mut out = Links::new(graph);
        for (i, l) in raw.link.iter().enumerate() {
            let at = path("link").index(i);
            let from = self.lookup(&at.key("from"), &names.nodes, "node", &l.from);
            let to = self.lookup(&at.key("to"), &names.nodes, "node", &l.to);
            let (props, via) = self.link_props(
                &at,
                names,
                l.mode,
                &l.lead_time_days,
                &l.capacity,
                &l.via,
                l.closure_rate,
                &l.closure_days,
                horizon,
            );
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if from == to {
                self.err(&at.key("to"), "a link must join two different nodes");
                continue;
            }
            let base_id =
                l.id.clone()
                    .unwrap_or_else(|| format!("{}->{}", l.from, l.to));
            let ends = if l.both_ways {
                vec![(from, to), (to, from)]
            } else {
                vec![(from, to)]
            };
            for (k, (a, b)) in ends.into_iter().enumerate() {
                let id = if k == 0 {
                    base_id.clone()
                } else {
                    format!("{base_id}:back")
                };
                self.unique(&at.key("id"), &mut names.links, &id, out.len());
                let mut checkpoints = via.clone();
                if nodes[a].region != nodes[b].region {
                    checkpoints.push(nodes[b].region);
                }
                let spec = out.add_spec(LinkSpec {
                    id: id.into(),
                    props: props.clone(),
                    checkpoints: checkpoints.into(),
                });
                out.push(nodes[a].vertex, nodes[b].vertex, spec);
            }
        }
        let groups: Vec<_> = raw
            .link_group
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let at = path("link_group").index(i);
                let from = self.node_set(&at.key("from"), &g.from, &names.nodes, nodes);
                let to = self.node_set(&at.key("to"), &g.to, &names.nodes, nodes);
                let (props, via) = self.link_props(
                    &at,
                    names,
                    g.mode,
                    &g.lead_time_days,
                    &g.capacity,
                    &g.via,
                    g.closure_rate,
                    &g.closure_days,
                    horizon,
                );
                (from, to, props, via)
            })
            .collect();
        for (from, to, props, via) in groups {
            let ends = |set: &[NodeId]| -> Vec<End> {
                set.iter()
                    .map(|&n| End {
                        node: n,
                        vertex: nodes[n].vertex,
                        region: nodes[n].region,
                    })
                    .collect()
            };
            let (from, to) = (ends(&from), ends(&to));
            // The group's specs, for the regions its links go into: index 0 within a region,
            // 1 + r into region r (from an origin in another region).
            let mut origins = vec![0usize; names.regions.len()];
            let mut times = BTreeMap::new();
            for a in &from {
                origins[a.region] += 1;
                *times.entry(a.node).or_insert(0usize) += 1;
            }
            let mut specs = vec![u32::MAX; 1 + names.regions.len()];
            for b in &to {
                let within = origins[b.region] - times.get(&b.node).copied().unwrap_or(0);
                let into = from.len() - origins[b.region];
                for (slot, into, links) in [(0, None, within), (1 + b.region, Some(b.region), into)]
                {
                    if links > 0 && specs[slot] == u32::MAX {
                        let mut checkpoints = via.clone();
                        checkpoints.extend(into);
                        specs[slot] = out.add_spec(LinkSpec {
                            id: Box::default(),
                            props: props.clone(),
                            checkpoints: checkpoints.into(),
                        });
                    }
                }
            }
            out.push_group(from, to, specs);
        }
        out
    }

    /// The nodes a link group's `from` or `to` names: ids, or prefixes ending in `*`.
    fn node_set(
        &mut self,
        at: &FieldPath,
        list: &[String],
        names: &BTreeMap<String, usize>,
        nodes: &[Node],
    ) -> Vec<NodeId> {
        if list.is_empty() {
            self.err(
                at,
                "must name at least one node (an id, or a prefix ending in `*`)",
            );
        }
        let mut out = Vec::new();
        for (j, entry) in list.iter().enumerate() {
            match entry.strip_suffix('*') {
                Some(prefix) => {
                    let before = out.len();
                    out.extend(
                        nodes
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| n.id.starts_with(prefix))
                            .map(|(k, _)| k),
                    );
                    if out.len() == before {
                        self.err(&at.index(j), format!("no node id starts with `{prefix}`"));
                    }
                }
                None => {
                    if let Some(k) = self.lookup(&at.index(j), names, "node", entry) {
                        out.push(k);
                    }
                }
            }
        }
        let mut seen = vec![false; nodes.len()];
        out.retain(|&k| !std::mem::replace(&mut seen[k], true));
        out
    }

    /// A link by name: a `[[link]]` id, or `from->to` of a link of a group.
    fn lookup_link(
        &mut self,
        at: &FieldPath,
        names: &Names,
        links: &Links,
        nodes: &[Node],
        name: &str,
    ) -> Option<LinkId> {
        if let Some(&l) = names.links.get(name) {
            return Some(l);
        }
        let grouped = name.split_once("->").and_then(|(a, b)| {
            let (a, b) = (*names.nodes.get(a)?, *names.nodes.get(b)?);
            links
                .between(nodes[a].vertex, nodes[b].vertex)
                .filter(|&l| links.spec(l).id.is_empty())
                .min()
        });
        if grouped.is_none() {
            self.lookup(at, &names.links, "link", name);
        }
        grouped
    }

    fn routes(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        nodes: &[Node],
        links: &Links,
    ) -> BTreeMap<(NodeId, NodeId), Vec<LinkId>> {
        let mut out = BTreeMap::new();
        for (i, r) in raw.route.iter().enumerate() {
            let at = path("route").index(i);
            let mut stops = vec![(at.key("from"), &r.from)];
            stops.extend(
                r.via
                    .iter()
                    .enumerate()
                    .map(|(j, v)| (at.key("via").index(j), v)),
            );
            stops.push((at.key("to"), &r.to));
            let ids: Vec<Option<NodeId>> = stops
                .iter()
                .map(|(p, n)| self.lookup(p, &names.nodes, "node", n))
                .collect();
            let Some(ids) = ids.into_iter().collect::<Option<Vec<_>>>() else {
                continue;
            };
            let mut hops = Vec::new();
            for w in ids.windows(2) {
                // The first link defined between the two, found among the first one's links.
                match links.between(nodes[w[0]].vertex, nodes[w[1]].vertex).min() {
                    Some(l) => hops.push(l),
                    None => self.err(
                        &at.key("via"),
                        format!("no link from `{}` to `{}`", nodes[w[0]].id, nodes[w[1]].id),
                    ),
                }
            }
            if hops.len() == ids.len() - 1 {
                out.insert((ids[0], ids[ids.len() - 1]), hops);
            }
        }
        out
    }

    fn id_list(
        &mut self,
        at: &FieldPath,
        list: &[String],
        names: &BTreeMap<String, usize>,
        what: &str,
    ) -> Option<Vec<usize>> {
        if list.is_empty() {
            return None;
        }
        Some(
            list.iter()
                .enumerate()
                .filter_map(|(i, n)| self.lookup(&at.index(i), names, what, n))
                .collect(),
        )
    }

    fn green(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        horizon: i64,
        (links, nodes): (&Links, &[Node]),
    ) -> GreenChannel {
        let g = &raw.green_channel;
        let at = path("green_channel");
        let start_day = if g.start_day > horizon {
            // A channel that opens after the horizon is the same as none; allowed for sweeps.
            horizon as u32 + 1
        } else {
            self.day(&at.key("start_day"), g.start_day, horizon)
        };
        GreenChannel {
            enabled: g.enabled,
            start_day,
            items: self.id_list(&at.key("products"), &g.products, &names.items, "item"),
            origins: self.id_list(&at.key("origins"), &g.origins, &names.regions, "region"),
            destinations: self.id_list(
                &at.key("destinations"),
                &g.destinations,
                &names.regions,
                "region",
            ),
            links: (!g.links.is_empty()).then(|| {
                g.links
                    .iter()
                    .enumerate()
                    .filter_map(|(i, n)| {
                        self.lookup_link(&at.key("links").index(i), names, links, nodes, n)
                    })
                    .collect()
            }),
            bypass_checkpoints: g.bypass_checkpoints,
            capacity_priority: g.capacity_priority,
        }
    }

    fn dispatch(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        regions: &[Region],
        items: &[Item],
        nodes: &[Node],
    ) -> Option<Dispatch> {
        let d = raw.dispatch.as_ref()?;
        let at = path("dispatch");
        let rule = match d.rule {
            RawRule::Priority => Rule::Priority,
            RawRule::Proportional => Rule::Proportional,
            RawRule::Weighted => Rule::Weighted,
        };
        let priority_regions = self
            .id_list(
                &at.key("priority_regions"),
                &d.priority_regions,
                &names.regions,
                "region",
            )
            .unwrap_or_default();
        if rule == Rule::Priority && priority_regions.is_empty() {
            self.err(
                &at.key("priority_regions"),
                "the priority rule needs at least one priority region",
            );
        }
        let mut weights = vec![1.0; regions.len()];
        for (r, w) in &d.weights {
            if let Some(ix) = self.lookup(&at.key("weights").key(r), &names.regions, "region", r) {
                weights[ix] = self.non_negative(&at.key("weights").key(r), *w);
            }
        }
        let products = self
            .id_list(&at.key("products"), &d.products, &names.items, "product")
            .unwrap_or_default();
        for (i, &p) in products.iter().enumerate() {
            if items[p].kind == ItemKind::Material {
                self.err(
                    &at.key("products").index(i),
                    "dispatch allocates products, not materials",
                );
            }
        }
        let sources = self
            .id_list(&at.key("sources"), &d.sources, &names.nodes, "node")
            .unwrap_or_default();
        for (i, &s) in sources.iter().enumerate() {
            if nodes[s].kind == NodeKind::Hospital {
                self.err(
                    &at.key("sources").index(i),
                    "a hospital cannot be a dispatch source",
                );
            }
        }
        self.positive(&at.key("cover_days"), d.cover_days);
        self.positive(&at.key("decision_delay_hours"), d.decision_delay_hours);
        if !d.enabled {
            return None;
        }
        Some(Dispatch {
            rule,
            priority_regions,
            weights,
            items: products,
            sources,
            cover_days: d.cover_days,
            decision_delay_ticks: ((d.decision_delay_hours * 60.0).round() as i64).max(1),
        })
    }

    /// Every hospital with demand must be reachable from where its goods come from.
    fn reachability(&mut self, nodes: &[Node], links: &Links, dispatch: &Option<Dispatch>) {
        // One breadth-first search per source (a few warehouses serve many hospitals), taken
        // only as far as the questions asked of it need: a hub of an all-to-all group discovers
        // all its neighbours in its first step, without the search going on through theirs.
        struct Search {
            discovered: Vec<bool>,
            queue: std::collections::VecDeque<NodeIndex>,
        }
        let mut reach: BTreeMap<NodeId, Search> = BTreeMap::new();
        let mut connects = |from: NodeId, to: NodeId| {
            let search = reach.entry(from).or_insert_with(|| {
                let mut discovered = vec![false; nodes.len()];
                discovered[nodes[from].vertex.index()] = true;
                Search {
                    discovered,
                    queue: [nodes[from].vertex].into(),
                }
            });
            while !search.discovered[nodes[to].vertex.index()] {
                let Some(v) = search.queue.pop_front() else {
                    return false;
                };
                for (w, _) in links.out(v) {
                    if !std::mem::replace(&mut search.discovered[w.index()], true) {
                        search.queue.push_back(w);
                    }
                }
            }
            true
        };
        for (i, n) in nodes.iter().enumerate() {
            let at = path("node").index(self.node_entry[i]);
            for (j, r) in n.replenish.iter().enumerate() {
                if r.source == i {
                    self.err_once(
                        &at.key("replenish").index(j).key("source"),
                        "a node cannot order from itself",
                    );
                } else if !connects(r.source, i) {
                    self.err_once(
                        &at.key("replenish").index(j).key("source"),
                        format!(
                            "no route from `{}` to `{}` over the links",
                            nodes[r.source].id, n.id
                        ),
                    );
                }
            }
            if let Some(mto) = &n.make_to_order {
                let field = at.key("make_to_order").key("materials_source");
                if mto.materials_source == i {
                    self.err_once(&field, "a node cannot order from itself");
                } else if !connects(mto.materials_source, i) {
                    self.err_once(
                        &field,
                        format!(
                            "no route from `{}` to `{}` over the links",
                            nodes[mto.materials_source].id, n.id
                        ),
                    );
                }
            }
            if n.kind != NodeKind::Hospital
                || (n.census.is_none()
                    && n.direct_demand.is_empty()
                    && n.customer_orders.is_empty())
            {
                continue;
            }
            let mut sources: Vec<NodeId> = n.replenish.iter().map(|r| r.source).collect();
            if let Some(d) = dispatch {
                sources.extend(&d.sources);
            }
            if !sources.iter().any(|&s| s != i && connects(s, i)) {
                self.err_once(&at, format!("hospital `{}` is unreachable: no replenishment source or dispatch source has a route to it", n.id));
            }
        }
    }
}

/// The most nodes one `[[node]]` entry can make.
const MAX_COUNT: i64 = 10_000_000;
