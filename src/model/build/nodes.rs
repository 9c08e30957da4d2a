//! Builds `[[node]]`: ids (with `count`), kind, region and size, production lines and
//! conversions, initial stock and a source's supplies. A node's orders are in `orders`, its
//! demand in `demand` and a reserve's release rule in `reserves`.

use super::{Builder, Names};
use crate::model::{
    Conversion, Item, ItemId, ItemKind, Lines, Network, Node, NodeKind, Region, Size,
    WorkingCapital,
};
use crate::scenario::location::{ToPath, path};
use crate::scenario::raw::{RawConversion, RawLines, RawNode, RawNodeKind, RawScenario, RawSize};
use petgraph::graph::NodeIndex;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// The most nodes one `[[node]]` entry can make.
const MAX_COUNT: i64 = 10_000_000;

/// What building a node refers to: the names resolved so far, the regions, the items, the
/// directory CSV paths are relative to and the horizon.
pub(super) struct NodeContext<'a> {
    /// Regions, items and nodes by name.
    pub names: &'a Names,
    /// Every region.
    pub regions: &'a [Region],
    /// Every item.
    pub items: &'a [Item],
    /// The directory of the scenario file.
    pub base: &'a Path,
    /// The last day.
    pub horizon: i64,
}

/// Drops what of a raw node entry only its own node is built from: the later checks (demand
/// sources, restart chains) read its kind, region, census, demand, customer orders, `requires`
/// and `cluster`.
fn shed(entry: &mut RawNode) {
    entry.lines = Vec::new();
    entry.conversion = Vec::new();
    entry.material_priority = None;
    entry.stock = BTreeMap::new();
    entry.replenish = Vec::new();
    entry.supplies = Vec::new();
    entry.make_to_order = None;
}

/// A quantity of stock as units: None unless it is a whole number, not negative.
pub(super) fn whole_units(quantity: f64) -> Option<u64> {
    (quantity >= 0.0 && quantity.fract() == 0.0).then_some(quantity as u64)
}

/// The model's kind of node for a kind as written.
fn node_kind(kind: RawNodeKind) -> NodeKind {
    match kind {
        RawNodeKind::Supplier => NodeKind::Supplier,
        RawNodeKind::Factory => NodeKind::Factory,
        RawNodeKind::Warehouse => NodeKind::Warehouse,
        RawNodeKind::Reserve => NodeKind::Reserve,
        RawNodeKind::Hospital => NodeKind::Hospital,
        RawNodeKind::Source => NodeKind::Source,
    }
}

impl Builder<'_> {
    /// Every node, in file order (an entry with `count` makes several alike), named in `names`
    /// and added to `graph` as its vertices. An owned `raw` entry loses what only its node needs
    /// (lines, stock, orders, …) once the node is built.
    pub(super) fn nodes(
        &mut self,
        raw: &mut Cow<'_, RawScenario>,
        names: &mut Names,
        (regions, items): (&[Region], &[Item]),
        graph: &mut Network,
        horizon: i64,
    ) -> Vec<Node> {
        if raw.node.is_empty() {
            self.err(
                &path("node"),
                "a scenario needs at least one [[node]]: without one there is no network",
            );
        }
        // Every id is known before any node is built, as nodes name each other.
        let mut ids = self.node_names(raw, names);
        let base = self.file.base_dir();
        let context = NodeContext {
            names,
            regions,
            items,
            base: &base,
            horizon,
        };
        let mut out = Vec::with_capacity(ids.iter().map(Vec::len).sum());
        // One list of ids per entry.
        for (i, ids) in ids.iter_mut().enumerate() {
            let node = self.node(&"node".lazy_index(i), &raw.node[i], &context);
            let counted = raw.node[i].count.is_some();
            if let Cow::Owned(owned) = &mut *raw {
                shed(&mut owned.node[i]);
            }
            let mut copies = std::mem::take(ids);
            // The last copy takes the node itself: an entry without `count` is not cloned.
            let last = copies.pop();
            let cloned = copies.len() as u32;
            for (k, id) in (0..).zip(copies) {
                out.push(Node {
                    id,
                    copy: counted.then_some(k),
                    vertex: graph.add_node(out.len()),
                    ..node.clone()
                });
            }
            if let Some(id) = last {
                out.push(Node {
                    id,
                    copy: counted.then_some(cloned),
                    vertex: graph.add_node(out.len()),
                    ..node
                });
            }
        }
        out
    }

    /// The ids of every `[[node]]` entry's nodes, named in `names`, noting each one's entry.
    fn node_names(&mut self, raw: &RawScenario, names: &mut Names) -> Vec<Vec<String>> {
        // One node per entry, unless an entry has `count`.
        names.nodes.reserve(raw.node.len());
        raw.node
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let at = "node".lazy_index(i);
                let ids = self.node_ids(&at, entry);
                for id in &ids {
                    let index = self.node_entry.len();
                    self.unique(&at.lazy_key("id"), &mut names.nodes, id, index);
                    self.node_entry.push(i);
                }
                ids
            })
            .collect()
    }

    /// The ids of the nodes a `[[node]]` entry makes: `id`, or with `count` that many, `id`
    /// followed by 0, 1, …
    fn node_ids(&mut self, at: &impl ToPath, entry: &RawNode) -> Vec<String> {
        match entry.count {
            Some(count) if (1..=MAX_COUNT).contains(&count) => {
                (0..count).map(|k| format!("{}{k}", entry.id)).collect()
            }
            Some(count) => {
                self.err(
                    &at.lazy_key("count"),
                    format!("must be between 1 and {MAX_COUNT}, got {count}"),
                );
                // One node as named, so that what refers to it is not reported too.
                vec![entry.id.clone()]
            }
            None => vec![entry.id.clone()],
        }
    }

    /// The node a `[[node]]` entry describes (its id and vertex are set per copy).
    fn node(&mut self, at: &impl ToPath, entry: &RawNode, context: &NodeContext<'_>) -> Node {
        let kind = node_kind(entry.kind);
        let known_region = self.lookup_at(
            || at.lazy_key("region").to_path(),
            &context.names.regions,
            "region",
            &entry.region,
        );
        let region = known_region.unwrap_or(0);
        let size = match entry.size {
            None | Some(RawSize::Large) => Size::Large,
            Some(RawSize::Sme) => Size::Sme,
        };
        let (lines, conversions) = self.production(at, entry, kind, context);
        let material_priority = entry
            .material_priority
            .as_ref()
            .map(|list| self.product_order(&at.lazy_key("material_priority"), list, context.names));
        let stock = self.stock(at, entry, kind, context.names);
        // Sized as written: collecting would make room for four.
        let mut replenish = Vec::with_capacity(entry.replenish.len());
        replenish.extend(
            entry
                .replenish
                .iter()
                .enumerate()
                .filter_map(|(j, policy)| {
                    self.replenish(&at.lazy_key("replenish").lazy_index(j), policy, context)
                }),
        );
        let (census, direct_demand) = self.demand(at, entry, kind, known_region, context);
        let release = self.release(at, entry, kind, context.horizon);
        let supplies = self.supplies(at, entry, kind, context.names);
        let make_to_order = entry.make_to_order.as_ref().and_then(|policy| {
            self.make_to_order(&at.lazy_key("make_to_order"), policy, kind, context)
        });
        let customer_orders = self.customer_order_streams(at, entry, kind, context);
        let working_capital = self.working_capital(at, entry);
        Node {
            id: String::new(),
            copy: None,
            kind,
            region,
            size,
            priority: entry.priority,
            closed_at_start: entry.closed_at_start.unwrap_or(false),
            shifts: self.positive(&at.lazy_key("shifts"), entry.shifts),
            reject_fraction: self.share(&at.lazy_key("reject_fraction"), entry.reject_fraction),
            lines,
            conversions,
            material_priority,
            working_capital,
            stock,
            replenish,
            census,
            direct_demand,
            release,
            supplies,
            ship_whole_orders: entry.ship_whole_orders,
            make_to_order,
            customer_orders,
            vertex: NodeIndex::end(),
            requires: Vec::new(),
        }
    }

    /// A node's production lines and conversions (suppliers and factories only).
    fn production(
        &mut self,
        at: &impl ToPath,
        entry: &RawNode,
        kind: NodeKind,
        context: &NodeContext<'_>,
    ) -> (Vec<Lines>, Vec<Conversion>) {
        if !kind.produces() && (!entry.lines.is_empty() || !entry.conversion.is_empty()) {
            self.err(
                &at.lazy_key("lines"),
                format!("a {} has no production lines", entry.kind.name()),
            );
        }
        let lines: Vec<Lines> = entry
            .lines
            .iter()
            .enumerate()
            .filter_map(|(j, raw_lines)| {
                self.lines(
                    &at.lazy_key("lines").lazy_index(j),
                    raw_lines,
                    kind,
                    context.items,
                    context.names,
                )
            })
            .collect();
        // Lines of each product still there to be moved by the switches read so far.
        let mut movable: BTreeMap<ItemId, u32> = BTreeMap::new();
        for l in &lines {
            *movable.entry(l.item).or_default() += l.lines;
        }
        let mut conversions = Vec::new();
        for (j, conversion) in entry.conversion.iter().enumerate() {
            let conversion_at = at.lazy_key("conversion").lazy_index(j);
            let as_lines = RawLines {
                item: conversion.item.clone(),
                lines: conversion.lines,
                rate_per_line: conversion.rate_per_line,
                time_to_failure_days: conversion.time_to_failure_days.clone(),
                repair_days: conversion.repair_days.clone(),
            };
            let day = self.day(
                &conversion_at.lazy_key("day"),
                conversion.day,
                context.horizon,
            );
            let lead_time = self.duration(
                &conversion_at.lazy_key("lead_time_days"),
                &conversion.lead_time_days,
            );
            let added = self.lines(
                &conversion_at,
                &as_lines,
                kind,
                context.items,
                context.names,
            );
            let from = conversion.from_item.as_ref().and_then(|name| {
                self.switched_from(&conversion_at, name, conversion, &mut movable, context)
            });
            if let Some(mut added) = added {
                // Converted lines fail like the node's own lines of the item (a switch's, like
                // the lines it takes) unless told.
                if added.breakdown.is_none() {
                    added.breakdown = lines
                        .iter()
                        .find(|l| l.item == added.item)
                        .or_else(|| from.and_then(|f| lines.iter().find(|l| l.item == f)))
                        .and_then(|l| l.breakdown.clone());
                }
                conversions.push(Conversion {
                    day,
                    lines: added,
                    lead_time,
                    from,
                });
            }
        }
        (lines, conversions)
    }

    /// The product a switch moves lines from: one the node has `[[node.lines]]` of, other than
    /// the new one, with at least as many lines left as are moved (earlier switches in file
    /// order having taken theirs).
    fn switched_from(
        &mut self,
        at: &impl ToPath,
        name: &str,
        conversion: &RawConversion,
        movable: &mut BTreeMap<ItemId, u32>,
        context: &NodeContext<'_>,
    ) -> Option<ItemId> {
        let from_at = at.lazy_key("from_item");
        let from = self.lookup(&from_at, &context.names.items, "item", name)?;
        if *name == conversion.item {
            self.err(&from_at, "moves lines to the product they already make");
            return None;
        }
        let Some(left) = movable.get_mut(&from) else {
            self.err(
                &from_at,
                format!("the node has no `lines` of `{name}` to move"),
            );
            return None;
        };
        let moved = conversion.lines.max(0) as u32;
        if moved > *left {
            self.err(
                &at.lazy_key("lines"),
                format!("moves {moved} lines of `{name}` but the node has {left} left to move"),
            );
            return None;
        }
        *left -= moved;
        Some(from)
    }

    /// A firm's working capital: non-negative money and payment lag, the lag only with money.
    fn working_capital(&mut self, at: &impl ToPath, entry: &RawNode) -> Option<WorkingCapital> {
        let lag = entry
            .payment_lag_days
            .map(|days| self.non_negative(&at.lazy_key("payment_lag_days"), days));
        let Some(money) = entry.working_capital else {
            if lag.is_some() {
                self.err(
                    &at.lazy_key("payment_lag_days"),
                    "only a node with `working_capital` is paid for what it ships",
                );
            }
            return None;
        };
        Some(WorkingCapital {
            initial: self.non_negative(&at.lazy_key("working_capital"), money),
            payment_lag_days: lag.unwrap_or(0.0),
        })
    }

    /// A `material_priority` list: known items, each named once.
    pub(super) fn product_order(
        &mut self,
        at: &impl ToPath,
        list: &[String],
        names: &Names,
    ) -> Vec<ItemId> {
        let mut order: Vec<ItemId> = Vec::new();
        for (i, name) in list.iter().enumerate() {
            let Some(id) = self.lookup(&at.lazy_index(i), &names.items, "item", name) else {
                continue;
            };
            if order.contains(&id) {
                self.err(&at.lazy_index(i), format!("`{name}` is listed twice"));
                continue;
            }
            order.push(id);
        }
        order
    }

    /// Production lines of one item: a supplier makes materials, a factory products.
    fn lines(
        &mut self,
        at: &impl ToPath,
        raw_lines: &RawLines,
        kind: NodeKind,
        items: &[Item],
        names: &Names,
    ) -> Option<Lines> {
        let item = self.lookup(&at.lazy_key("item"), &names.items, "item", &raw_lines.item)?;
        match (kind, items[item].kind) {
            (NodeKind::Supplier, ItemKind::Material)
            | (NodeKind::Factory, ItemKind::Consumable | ItemKind::Durable) => {}
            (NodeKind::Supplier, _) => self.err(
                &at.lazy_key("item"),
                "a supplier makes materials; use a factory for products",
            ),
            _ => self.err(
                &at.lazy_key("item"),
                "a factory makes products; use a supplier for materials",
            ),
        }
        if raw_lines.lines < 0 {
            self.err(
                &at.lazy_key("lines"),
                format!("cannot be negative, got {}", raw_lines.lines),
            );
        }
        self.non_negative(&at.lazy_key("rate_per_line"), raw_lines.rate_per_line);
        let breakdown = match (&raw_lines.time_to_failure_days, &raw_lines.repair_days) {
            (Some(to_failure), Some(repair)) => Some((
                self.delay(&at.lazy_key("time_to_failure_days"), to_failure),
                self.delay(&at.lazy_key("repair_days"), repair),
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
            lines: raw_lines.lines.max(0) as u32,
            rate_per_line: raw_lines.rate_per_line,
            breakdown,
        })
    }

    /// A node's initial stock: whole non-negative units (a source has none, being unlimited).
    fn stock(
        &mut self,
        at: &impl ToPath,
        entry: &RawNode,
        kind: NodeKind,
        names: &Names,
    ) -> Vec<(ItemId, u64)> {
        let mut stock = Vec::new();
        for (name, quantity) in &entry.stock {
            let stock_at = || at.lazy_key("stock").to_path().key(name.to_string());
            let Some(id) = self.lookup_at(stock_at, &names.items, "item", name) else {
                continue;
            };
            let Some(units) = whole_units(*quantity) else {
                self.err(
                    &stock_at(),
                    format!("must be a whole non-negative number of units, got {quantity}"),
                );
                continue;
            };
            stock.push((id, units));
        }
        if kind == NodeKind::Source && !entry.stock.is_empty() {
            self.err(
                &at.lazy_key("stock"),
                "a source has unlimited supply; list its items in `supplies`",
            );
        }
        stock
    }

    /// The items a source supplies: a source lists some, and no other node any.
    fn supplies(
        &mut self,
        at: &impl ToPath,
        entry: &RawNode,
        kind: NodeKind,
        names: &Names,
    ) -> Vec<ItemId> {
        let supplies: Vec<ItemId> = entry
            .supplies
            .iter()
            .enumerate()
            .filter_map(|(j, item)| {
                self.lookup(
                    &at.lazy_key("supplies").lazy_index(j),
                    &names.items,
                    "item",
                    item,
                )
            })
            .collect();
        if kind == NodeKind::Source && supplies.is_empty() {
            self.err(
                &at.lazy_key("supplies"),
                "a source must list the items it supplies",
            );
        }
        if kind != NodeKind::Source && !supplies.is_empty() {
            self.err(
                &at.lazy_key("supplies"),
                "only a source node has `supplies`",
            );
        }
        supplies
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    /// A `[[node]]` in Jiangsu of `kind` with `fields`.
    fn extra_node(kind: &str, fields: &str) -> String {
        format!("[[node]]\nid = \"extra\"\nkind = \"{kind}\"\nregion = \"Jiangsu\"\n{fields}\n")
    }

    #[test]
    fn a_supplier_makes_materials() {
        let text = scenario(&extra_node(
            "supplier",
            "lines = [{ item = \"mask\", lines = 1, rate_per_line = 10 }]",
        ));
        assert_problem(
            &text,
            "node[3].lines[0].item",
            "a supplier makes materials; use a factory for products",
        );
    }

    #[test]
    fn a_factory_makes_products() {
        let text = scenario(&extra_node(
            "factory",
            "lines = [{ item = \"meltblown\", lines = 1, rate_per_line = 10 }]",
        ));
        assert_problem(
            &text,
            "node[3].lines[0].item",
            "a factory makes products; use a supplier for materials",
        );
    }

    #[test]
    fn only_producers_have_lines() {
        let text = scenario(&extra_node(
            "warehouse",
            "conversion = [{ day = 2, item = \"mask\", lines = 1, rate_per_line = 10, lead_time_days = { dist = \"fixed\", value = 1 } }]",
        ));
        let found = super::super::test_scenario::problems(&text);
        assert!(
            found
                .iter()
                .any(|p| p == "node[3].lines: a warehouse has no production lines"),
            "{found:#?}"
        );
    }

    #[test]
    fn breakdowns_need_both_durations() {
        let text = scenario(&extra_node(
            "factory",
            "lines = [{ item = \"mask\", lines = 1, rate_per_line = 10, repair_days = { dist = \"fixed\", value = 1 } }]",
        ));
        assert_problem(
            &text,
            "node[3].lines[0]",
            "give both `time_to_failure_days` and `repair_days`, or neither",
        );
    }

    #[test]
    fn stock_is_whole_units() {
        let text = scenario(&extra_node("warehouse", "stock = { mask = 2.5 }"));
        assert_problem(
            &text,
            "node[3].stock.mask",
            "must be a whole non-negative number of units, got 2.5",
        );
    }

    #[test]
    fn a_source_has_no_stock() {
        let text = scenario(&extra_node(
            "source",
            "supplies = [\"mask\"]\nstock = { mask = 10 }",
        ));
        assert_problem(
            &text,
            "node[3].stock",
            "a source has unlimited supply; list its items in `supplies`",
        );
    }

    #[test]
    fn a_source_lists_its_supplies() {
        let text = scenario(&extra_node("source", ""));
        assert_problem(
            &text,
            "node[3].supplies",
            "a source must list the items it supplies",
        );
    }

    #[test]
    fn only_a_source_supplies() {
        let text = scenario(&extra_node("warehouse", "supplies = [\"mask\"]"));
        assert_problem(
            &text,
            "node[3].supplies",
            "only a source node has `supplies`",
        );
    }

    #[test]
    fn an_unknown_size_is_a_shape_error_listing_the_sizes() {
        let text = scenario(&extra_node("warehouse", "size = \"small\""));
        assert_problem(
            &text,
            "node[3].size",
            "unknown variant `small`, expected `large` or `sme`",
        );
    }

    /// A factory with two mask lines and a switch of `moved` lines from `from` to `gown`.
    fn switch(from: &str, moved: i64) -> String {
        let node = extra_node(
            "factory",
            &format!(
                "lines = [{{ item = \"mask\", lines = 2, rate_per_line = 10 }}]\nconversion = [{{ day = 2, item = \"gown\", from_item = \"{from}\", lines = {moved}, rate_per_line = 5, lead_time_days = {{ dist = \"fixed\", value = 3 }} }}]"
            ),
        );
        scenario(&format!(
            "{node}\n[[product]]\nid = \"gown\"\nkind = \"consumable\"\nunits_per_truck = 10\ndemanded = false\n"
        ))
    }

    #[test]
    fn a_switch_moves_no_more_lines_than_the_node_has() {
        assert!(super::super::test_scenario::problems(&switch("mask", 2)).is_empty());
        assert_problem(
            &switch("mask", 3),
            "node[3].conversion[0].lines",
            "moves 3 lines of `mask` but the node has 2 left to move",
        );
    }

    #[test]
    fn a_switch_names_a_product_the_node_makes() {
        assert_problem(
            &switch("gloves", 1),
            "node[3].conversion[0].from_item",
            "gloves",
        );
        assert_problem(
            &switch("meltblown", 1),
            "node[3].conversion[0].from_item",
            "the node has no `lines` of `meltblown` to move",
        );
        assert_problem(
            &switch("gown", 1),
            "node[3].conversion[0].from_item",
            "moves lines to the product they already make",
        );
    }

    #[test]
    fn a_material_priority_names_known_items_once() {
        let text = scenario(&extra_node(
            "factory",
            "material_priority = [\"mask\", \"gloves\", \"mask\"]",
        ));
        let found = super::super::test_scenario::problems(&text);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("node[3].material_priority[1]: ") && p.contains("gloves"))
                && found
                    .iter()
                    .any(|p| p == "node[3].material_priority[2]: `mask` is listed twice"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_payment_lag_needs_working_capital_and_money_is_not_negative() {
        assert_problem(
            &scenario(&extra_node("factory", "payment_lag_days = 30")),
            "node[3].payment_lag_days",
            "only a node with `working_capital` is paid for what it ships",
        );
        assert_problem(
            &scenario(&extra_node("factory", "working_capital = -5")),
            "node[3].working_capital",
            "cannot be negative, got -5",
        );
        let priced = scenario("").replace(
            "units_per_truck = 500_000\n",
            "units_per_truck = 500_000\nprice = -0.5\n",
        );
        assert_problem(&priced, "product[0].price", "cannot be negative, got -0.5");
    }
}
