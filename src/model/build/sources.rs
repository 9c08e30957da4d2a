//! Checks that demand has a source, so that no gap silently counts as no demand: every hospital
//! has demand (a census burnt for some product, direct `demand` or `customer_orders`) unless it
//! says `demand = []`, every consumable is demanded somewhere unless it says `demanded = false`,
//! and the hospitals of a region take at most all of its census between them.

use super::{Builder, Names};
use crate::model::{Burn, Item, ItemId, ItemKind, Severity};
use crate::scenario::location::path;
use crate::scenario::raw::{RawNodeKind, RawScenario};
use std::collections::{BTreeMap, BTreeSet};

/// How far above 1 the shares of a region's census may sum (decimals written in a file).
const SHARE_TOLERANCE: f64 = 1e-9;

/// How many hospitals a share problem lists before "and N more".
const LISTED_HOSPITALS: usize = 6;

/// Whether burn rates give demand for some census: a positive rate per patient-day, or per
/// staff shift with some staffing.
fn burns(burn: &Burn, staffing: &Severity) -> bool {
    burn.per_patient_day.iter().any(|&rate| rate > 0.0)
        || (burn.per_staff_shift > 0.0 && staffing.iter().any(|&shifts| shifts > 0.0))
}

/// A number as a planner reads it: at most 6 decimals, without trailing zeros.
fn short(x: f64) -> String {
    let text = format!("{x:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Builder<'_> {
    /// Every hospital has demand or says `demand = []`, every consumable is demanded somewhere
    /// or says `demanded = false`, and no region's census is shared out more than once.
    pub(super) fn demand_sources(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        items: &[Item],
        staffing: &Severity,
    ) {
        let burnt: Vec<bool> = items
            .iter()
            .map(|item| {
                item.kind != ItemKind::Material
                    && item.burn.as_ref().is_some_and(|burn| burns(burn, staffing))
            })
            .collect();
        let mut demanded = vec![false; items.len()];
        for (i, entry) in raw.node.iter().enumerate() {
            if entry.kind != RawNodeKind::Hospital {
                continue;
            }
            let product = |name: &String| names.items.get(name).copied();
            let direct: BTreeSet<ItemId> = entry
                .demand
                .iter()
                .flatten()
                .filter_map(|demand| product(&demand.product))
                .collect();
            // A direct series of a product replaces the census for it.
            let from_census: Vec<ItemId> = (0..items.len())
                .filter(|id| entry.census.is_some() && burnt[*id] && !direct.contains(id))
                .collect();
            let ordered = entry
                .customer_orders
                .iter()
                .filter_map(|orders| product(&orders.product));
            for id in direct
                .iter()
                .copied()
                .chain(ordered)
                .chain(from_census.clone())
            {
                demanded[id] = true;
            }
            let has_demand = !from_census.is_empty()
                || entry.demand.as_ref().is_some_and(|list| !list.is_empty())
                || !entry.customer_orders.is_empty();
            if !has_demand && entry.demand.is_none() {
                let why = if entry.census.is_some() {
                    "no product has burn rates that turn its census into demand"
                } else {
                    "it has no `census`, `demand` or `customer_orders`"
                };
                let hospital = match entry.count {
                    Some(count) => format!("the entry `{}` of {count} hospitals", entry.id),
                    None => format!("hospital `{}`", entry.id),
                };
                self.err(
                    &path("node").index(i).key("demand"),
                    format!(
                        "{hospital} has no demand: {why}; give it a source of demand, or write \
                         `demand = []` if it has none on purpose"
                    ),
                );
            }
        }
        self.products_demanded(raw, items, &demanded);
        self.region_shares(raw, names);
    }

    /// A consumable is demanded somewhere unless it says `demanded = false`, and a product
    /// that says so is not.
    fn products_demanded(&mut self, raw: &RawScenario, items: &[Item], demanded: &[bool]) {
        for (i, product) in raw.product.iter().enumerate() {
            let at = path("product").index(i).key("demanded");
            let id = raw.material.len() + i;
            let name = &product.id;
            if !product.demanded && demanded[id] {
                self.err(
                    &at,
                    format!("`{name}` is demanded at a hospital; remove `demanded = false`"),
                );
            }
            if product.demanded && !demanded[id] && items[id].kind == ItemKind::Consumable {
                let why = if items[id].burn.is_some() {
                    "no hospital has a census its [burn] rates turn into demand, nor a `demand` \
                     series or `customer_orders` of it"
                } else {
                    "it has no [burn] rates, and no hospital has a `demand` series or \
                     `customer_orders` of it"
                };
                self.err(
                    &at,
                    format!(
                        "consumable `{name}` has no demand anywhere: {why}; write \
                         `demanded = false` if no hospital uses it on purpose"
                    ),
                );
            }
        }
    }

    /// The `share_of_region` of the hospitals of one region, each times its `count`, sum to at
    /// most 1; the problem is reported at the share that takes the sum above 1.
    fn region_shares(&mut self, raw: &RawScenario, names: &Names) {
        let mut copies = vec![0usize; raw.node.len()];
        for &entry in &self.node_entry {
            copies[entry] += 1;
        }
        // Per region: the entries with a share, as (entry, share), in file order.
        let mut by_region: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
        for (i, entry) in raw.node.iter().enumerate() {
            let share = entry
                .census
                .as_ref()
                .and_then(|census| census.share_of_region);
            let region = names.regions.get(&entry.region);
            if let (RawNodeKind::Hospital, Some(share), Some(&region)) = (entry.kind, share, region)
                && (0.0..=1.0).contains(&share)
            {
                by_region.entry(region).or_default().push((i, share));
            }
        }
        for (region, shares) in by_region {
            let taken = |&(i, share): &(usize, f64)| share * copies[i] as f64;
            let sum: f64 = shares.iter().map(taken).sum();
            if sum <= 1.0 + SHARE_TOLERANCE {
                continue;
            }
            let mut running = 0.0;
            let Some(&(over, _)) = shares.iter().find(|share| {
                running += taken(share);
                running > 1.0 + SHARE_TOLERANCE
            }) else {
                continue;
            };
            let mut listed: Vec<String> = shares
                .iter()
                .take(LISTED_HOSPITALS)
                .map(|&(i, share)| match copies[i] {
                    1 => format!("`{}` {}", raw.node[i].id, short(share)),
                    n => format!(
                        "`{}` {n} × {} = {}",
                        raw.node[i].id,
                        short(share),
                        short(share * n as f64)
                    ),
                })
                .collect();
            if shares.len() > LISTED_HOSPITALS {
                listed.push(format!("and {} more", shares.len() - LISTED_HOSPITALS));
            }
            self.err(
                &path("node")
                    .index(over)
                    .key("census")
                    .key("share_of_region"),
                format!(
                    "the hospitals of region `{}` take more than its whole census: their \
                     `share_of_region` (times `count`) sum to {} ({}); they may sum to at most 1",
                    raw.region[region].id,
                    short(sum),
                    listed.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, assert_reports, problems, scenario};

    const CENSUS: &str = "census = { share_of_region = 1.0 }";

    #[test]
    fn a_hospital_without_demand_is_reported_unless_it_says_demand_is_empty() {
        let text = scenario("").replace(CENSUS, "");
        assert_reports(
            &text,
            "node[2].demand",
            "hospital `hospital` has no demand: it has no `census`, `demand` or `customer_orders`",
        );
        // The mask is then used nowhere, too.
        assert_reports(
            &text,
            "product[0].demanded",
            "consumable `mask` has no demand",
        );
        let opted_out = text
            .replace(
                "stock = { mask = 20_000 }",
                "stock = { mask = 20_000 }\ndemand = []",
            )
            .replace(
                "bom = { meltblown = 1.0 }",
                "bom = { meltblown = 1.0 }\ndemanded = false",
            );
        assert_eq!(problems(&opted_out), Vec::<String>::new());
    }

    #[test]
    fn a_census_needs_burn_rates_to_be_demand() {
        let text = scenario("").replace(
            "per_patient_day = { mild = 1, moderate = 1, severe = 2, critical = 2 }",
            "per_staff_shift = 4",
        );
        // Per staff shift without [staffing] is no demand.
        assert_reports(
            &text,
            "node[2].demand",
            "no product has burn rates that turn its census into demand",
        );
        assert_reports(
            &text,
            "product[0].demanded",
            "no hospital has a census its [burn] rates turn into demand",
        );
        let staffed = format!("{text}\n[staffing]\nsevere = 2\n");
        assert_eq!(problems(&staffed), Vec::<String>::new());
    }

    #[test]
    fn a_product_demanded_says_so() {
        let text = scenario("").replace(
            "bom = { meltblown = 1.0 }",
            "bom = { meltblown = 1.0 }\ndemanded = false",
        );
        assert_problem(
            &text,
            "product[0].demanded",
            "`mask` is demanded at a hospital; remove `demanded = false`",
        );
    }

    #[test]
    fn a_durable_needs_no_demand() {
        let text = scenario(
            "[[product]]\nid = \"ventilator\"\nkind = \"durable\"\nunits_per_truck = 40\n",
        );
        assert_eq!(problems(&text), Vec::<String>::new());
    }

    #[test]
    fn a_share_of_a_region_without_epidemic_is_reported() {
        let text = scenario("").replace(
            "region = \"Hubei\"\nstock = { mask",
            "region = \"Jiangsu\"\nstock = { mask",
        );
        assert_problem(
            &text,
            "node[2].census.share_of_region",
            "region `Jiangsu` has no epidemic, so a share of its census is no demand",
        );
    }

    /// The scenario with the hospital's share `share` and an entry of `count` clinics in Hubei
    /// with `clinic_share` each.
    fn shared(share: &str, count: u32, clinic_share: &str) -> String {
        scenario(&format!(
            "[[node]]\nid = \"clinic-\"\ncount = {count}\nkind = \"hospital\"\nregion = \"Hubei\"\ncensus = {{ share_of_region = {clinic_share} }}\nreplenish = [{{ item = \"mask\", source = \"factory\", reorder_point = 1, order_up_to = 5, order_delay_hours = {{ dist = \"fixed\", value = 1 }} }}]\n[[link_group]]\nfrom = [\"factory\"]\nto = [\"clinic-*\"]\nlead_time_days = {{ dist = \"fixed\", value = 1 }}\n"
        ))
        .replace(CENSUS, &format!("census = {{ share_of_region = {share} }}"))
    }

    #[test]
    fn the_shares_of_a_region_times_count_sum_to_at_most_one() {
        assert_problem(
            &shared("1.0", 2, "0.25"),
            "node[3].census.share_of_region",
            "the hospitals of region `Hubei` take more than its whole census: their \
             `share_of_region` (times `count`) sum to 1.5 (`hospital` 1, `clinic-` 2 × 0.25 = 0.5)",
        );
        // Decimals that sum to 1 up to rounding are fine.
        assert_eq!(problems(&shared("0.7", 3, "0.1")), Vec::<String>::new());
    }

    #[test]
    fn a_long_list_of_shares_is_cut_short() {
        let hospitals: String = (0..8)
            .map(|k| format!("[[node]]\nid = \"h{k}\"\nkind = \"hospital\"\nregion = \"Hubei\"\ncensus = {{ share_of_region = 0.1 }}\nreplenish = [{{ item = \"mask\", source = \"factory\", reorder_point = 1, order_up_to = 5, order_delay_hours = {{ dist = \"fixed\", value = 1 }} }}]\n"))
            .collect();
        let text = scenario(&format!(
            "{hospitals}[[link_group]]\nfrom = [\"factory\"]\nto = [\"h*\"]\nlead_time_days = {{ dist = \"fixed\", value = 1 }}\n"
        ));
        // The hospital's 1 is all of the census: the first 0.1 after it is too much.
        assert_problem(
            &text,
            "node[3].census.share_of_region",
            "sum to 1.8 (`hospital` 1, `h0` 0.1, `h1` 0.1, `h2` 0.1, `h3` 0.1, `h4` 0.1, and 3 more)",
        );
    }
}
