//! Builds `[[material]]`, `[[product]]` (with bills of materials), `[burn.<product>]` and
//! `[[conservation]]`.

use super::{Builder, Names};
use crate::model::{Burn, Conservation, Item, ItemId, ItemKind};
use crate::scenario::location::path;
use crate::scenario::raw::{RawProductKind, RawScenario};

impl Builder<'_> {
    /// Materials then products, in file order, named in `names`, with their bills of materials
    /// and burn rates.
    pub(super) fn items(&mut self, raw: &RawScenario, names: &mut Names) -> Vec<Item> {
        // A file cut short (or a section left out) would otherwise run with nothing to supply.
        if raw.product.is_empty() {
            self.err(
                &path("product"),
                "a scenario needs at least one [[product]]: without one nothing is supplied or used",
            );
        }
        let mut items = Vec::new();
        for (i, material) in raw.material.iter().enumerate() {
            let at = path("material").index(i);
            self.unique(&at.key("id"), &mut names.items, &material.id, items.len());
            items.push(Item {
                id: material.id.clone(),
                unit: material.unit.clone(),
                kind: ItemKind::Material,
                units_per_truck: self
                    .positive(&at.key("units_per_truck"), material.units_per_truck),
                bom: vec![],
                release_delay: None,
                burn: None,
                price: self.non_negative(&at.key("price"), material.price),
            });
        }
        for (i, product) in raw.product.iter().enumerate() {
            let at = path("product").index(i);
            self.unique(&at.key("id"), &mut names.items, &product.id, items.len());
            let kind = match product.kind {
                RawProductKind::Consumable => ItemKind::Consumable,
                RawProductKind::Durable => ItemKind::Durable,
            };
            let release_delay = product
                .release_delay_days
                .as_ref()
                .map(|days| self.delay(&at.key("release_delay_days"), days));
            items.push(Item {
                id: product.id.clone(),
                unit: product.unit.clone(),
                kind,
                units_per_truck: self.positive(&at.key("units_per_truck"), product.units_per_truck),
                bom: vec![],
                release_delay,
                burn: None,
                price: self.non_negative(&at.key("price"), product.price),
            });
        }
        // Bills of materials and burn rates refer to items by name, so resolve them second.
        self.bills_of_materials(raw, names, &mut items);
        self.burn_rates(raw, names, &mut items);
        items
    }

    /// Each product's `bom`: materials only, in positive quantities.
    fn bills_of_materials(&mut self, raw: &RawScenario, names: &Names, items: &mut [Item]) {
        for (i, product) in raw.product.iter().enumerate() {
            let at = path("product").index(i).key("bom");
            let product_id = raw.material.len() + i;
            for (material, quantity) in &product.bom {
                let material_at = at.key(material.clone());
                let Some(material_id) =
                    self.lookup(&material_at, &names.items, "material", material)
                else {
                    continue;
                };
                if items[material_id].kind != ItemKind::Material {
                    self.err(
                        &material_at,
                        format!("`{material}` is a product; a bill of materials lists materials"),
                    );
                }
                self.positive(&material_at, *quantity);
                items[product_id].bom.push((material_id, *quantity));
            }
        }
    }

    /// `[burn.<product>]`: for products only, and per staff shift for consumables only.
    fn burn_rates(&mut self, raw: &RawScenario, names: &Names, items: &mut [Item]) {
        for (name, burn) in &raw.burn {
            let at = path("burn").key(name.to_string());
            let Some(id) = self.lookup(&at, &names.items, "product", name) else {
                continue;
            };
            if items[id].kind == ItemKind::Material {
                self.err(
                    &at,
                    format!("`{name}` is a material; burn rates are for products"),
                );
            }
            if items[id].kind == ItemKind::Durable && burn.per_staff_shift != 0.0 {
                self.err(
                    &at.key("per_staff_shift"),
                    "a durable product is not used up per staff shift; use per_patient_day",
                );
            }
            let per_patient_day = self.severity(&at.key("per_patient_day"), &burn.per_patient_day);
            let per_staff_shift =
                self.non_negative(&at.key("per_staff_shift"), burn.per_staff_shift);
            items[id].burn = Some(Burn {
                per_patient_day,
                per_staff_shift,
            });
        }
    }

    /// `[[conservation]]`: steps that cut the burn of consumables from a trigger.
    pub(super) fn conservation(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        items: &[Item],
        horizon: i64,
    ) -> Vec<Conservation> {
        let mut out = Vec::new();
        for (i, step) in raw.conservation.iter().enumerate() {
            let at = path("conservation").index(i);
            let list: Vec<ItemId> = if step.products.is_empty() {
                (0..items.len())
                    .filter(|&k| items[k].kind == ItemKind::Consumable)
                    .collect()
            } else {
                step.products
                    .iter()
                    .enumerate()
                    .filter_map(|(j, product)| {
                        let product_at = at.key("products").index(j);
                        let id = self.lookup(&product_at, &names.items, "product", product)?;
                        if items[id].kind != ItemKind::Consumable {
                            self.err(&product_at, format!("`{product}` is not a consumable; conservation cuts the burn of consumables"));
                        }
                        Some(id)
                    })
                    .collect()
            };
            if step.from_day.is_none() == step.days_of_supply_below.is_none() {
                self.err(
                    &at,
                    "give exactly one trigger: `from_day` or `days_of_supply_below`",
                );
            }
            let from_day = step
                .from_day
                .map(|day| self.day(&at.key("from_day"), day, horizon));
            let until_day = step
                .until_day
                .map(|day| self.day(&at.key("until_day"), day, horizon));
            if let (Some(from), Some(until)) = (from_day, until_day)
                && until <= from
            {
                self.err(
                    &at.key("until_day"),
                    format!("must be after `from_day` ({from}), got {until}"),
                );
            }
            let below = step
                .days_of_supply_below
                .map(|days| self.non_negative(&at.key("days_of_supply_below"), days));
            let above = step
                .days_of_supply_above
                .map(|days| self.non_negative(&at.key("days_of_supply_above"), days));
            if let Some(above) = above {
                match below {
                    None => self.err(
                        &at.key("days_of_supply_above"),
                        "an exit above a days-of-supply level needs the `days_of_supply_below` trigger",
                    ),
                    Some(below) if above <= below => self.err(
                        &at.key("days_of_supply_above"),
                        format!("must be above `days_of_supply_below` ({below}) so that the step does not switch on and off every day, got {above}"),
                    ),
                    Some(_) => {}
                }
            }
            out.push(Conservation {
                name: step.name.clone(),
                burn_factor: self.share(&at.key("burn_factor"), step.burn_factor),
                items: list,
                from_day,
                days_of_supply_below: below,
                until_day,
                days_of_supply_above: above,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, scenario};

    const VENTILATOR: &str =
        "[[product]]\nid = \"ventilator\"\nkind = \"durable\"\nunits_per_truck = 40\n";

    #[test]
    fn a_bill_of_materials_lists_materials() {
        let text = scenario(&format!("{VENTILATOR}bom = {{ mask = 2 }}\n"));
        assert_problem(
            &text,
            "product[1].bom.mask",
            "`mask` is a product; a bill of materials lists materials",
        );
    }

    #[test]
    fn burn_rates_are_for_products() {
        let text = scenario("[burn.meltblown]\nper_staff_shift = 1\n");
        assert_problem(
            &text,
            "burn.meltblown",
            "`meltblown` is a material; burn rates are for products",
        );
    }

    #[test]
    fn a_durable_is_not_burnt_per_staff_shift() {
        let text = scenario(&format!(
            "{VENTILATOR}[burn.ventilator]\nper_staff_shift = 1\n"
        ));
        assert_problem(
            &text,
            "burn.ventilator.per_staff_shift",
            "a durable product is not used up per staff shift",
        );
    }

    #[test]
    fn conservation_cuts_consumables_only() {
        let text = scenario(&format!(
            "{VENTILATOR}[[conservation]]\nname = \"crisis\"\nburn_factor = 0.5\nproducts = [\"ventilator\"]\nfrom_day = 3\n"
        ));
        assert_problem(
            &text,
            "conservation[0].products[0]",
            "`ventilator` is not a consumable",
        );
    }

    #[test]
    fn conservation_needs_exactly_one_trigger() {
        let text = scenario("[[conservation]]\nname = \"crisis\"\nburn_factor = 0.5\n");
        assert_problem(
            &text,
            "conservation[0]",
            "give exactly one trigger: `from_day` or `days_of_supply_below`",
        );
    }

    #[test]
    fn a_conservation_exit_comes_after_its_trigger() {
        let step = "[[conservation]]\nname = \"crisis\"\nburn_factor = 0.5\n";
        assert_problem(
            &scenario(&format!("{step}from_day = 5\nuntil_day = 5\n")),
            "conservation[0].until_day",
            "must be after `from_day` (5), got 5",
        );
        assert_problem(
            &scenario(&format!(
                "{step}days_of_supply_below = 2\ndays_of_supply_above = 2\n"
            )),
            "conservation[0].days_of_supply_above",
            "must be above `days_of_supply_below` (2)",
        );
        assert_problem(
            &scenario(&format!("{step}from_day = 1\ndays_of_supply_above = 3\n")),
            "conservation[0].days_of_supply_above",
            "needs the `days_of_supply_below` trigger",
        );
    }

    #[test]
    fn an_unknown_product_kind_is_a_shape_error_listing_the_kinds() {
        let text = scenario("").replace("kind = \"consumable\"", "kind = \"disposable\"");
        assert_problem(
            &text,
            "product[0].kind",
            "unknown variant `disposable`, expected `consumable` or `durable`",
        );
    }
}
