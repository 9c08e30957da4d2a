//! Redeployment of durable equipment (`[[redeployment]]`): once a region's need for a durable
//! product (ventilators in use) has peaked and fallen, its hospitals send a share of their idle
//! units to hospitals short of them in regions not yet past their peak, as ordinary shipments
//! on the network.
//!
//! Every decision is taken in the central step, which sees all partitions: each hospital's
//! need (on any day, from its own partition's census) and stock are read where they are
//! owned, so the decision is the same for any partition count.

use crate::engine::Sim;
use crate::engine::mechanisms::dispatch::{consign, in_transit, proportional_split};
use crate::engine::partitions::owner_index;
use crate::model::{NodeId, NodeKind, Redeployment};

/// Redeploys idle durables by every rule (a step of the central day).
pub(in crate::engine) fn redeploy_day(sims: &mut [Sim]) {
    let m = sims[0].m;
    for rule in &m.redeployment {
        redeploy(sims, rule);
    }
}

/// Units in use for a need of `need` (a fraction of a patient still takes a unit).
fn in_use(need: f64) -> u64 {
    (need - 1e-9).ceil().max(0.0) as u64
}

/// Whether each region is past its peak: its need for the rule's product so far was highest
/// on a day before today, at least `after_peak_days` ago.
fn past_peak(sims: &[Sim], rule: &Redeployment) -> Vec<bool> {
    let m = sims[0].m;
    let today = sims[0].day() as usize;
    let mut need = vec![vec![0.0; today + 1]; m.regions.len()];
    for (n, node) in m.nodes.iter().enumerate() {
        if node.kind != NodeKind::Hospital {
            continue;
        }
        let sim = &sims[owner_index(sims, n)];
        for (d, x) in need[node.region].iter_mut().enumerate() {
            *x += sim.raw_demand_on(n, rule.item, d).unwrap_or(0.0);
        }
    }
    need.iter()
        .map(|series| {
            // The first day of the highest need so far.
            let (peak_day, peak) =
                series.iter().enumerate().fold(
                    (0, 0.0),
                    |(pd, p), (d, &x)| if x > p { (d, x) } else { (pd, p) },
                );
            peak > 0.0 && peak_day < today && peak_day + rule.after_peak_days as usize <= today
        })
        .collect()
}

/// One rule's day: donors' offers, receivers' shortfalls, and the shipments between them.
fn redeploy(sims: &mut [Sim], rule: &Redeployment) {
    let m = sims[0].m;
    let item = rule.item;
    // Hospitals with a need for the product: (node, in use today, on hand).
    let hospitals: Vec<(NodeId, u64, u64)> = (0..m.nodes.len())
        .filter(|&n| m.nodes[n].kind == NodeKind::Hospital)
        .filter_map(|n| {
            let sim = &sims[owner_index(sims, n)];
            let need = sim.demand_today(n, item)?;
            Some((n, in_use(need), sim.stock.on_hand(n, item)))
        })
        .collect();
    // Nothing to move unless some hospital is short and another has idle units: most days, so
    // the peaks (a scan of every day so far) are looked at only then.
    if !hospitals.iter().any(|h| h.1 > h.2) || !hospitals.iter().any(|h| h.2 > h.1) {
        return;
    }
    let past = past_peak(sims, rule);
    // Idle units a donor gives: what it does not keep, at most `max_share` of its units.
    let mut offers: Vec<(NodeId, u64)> = hospitals
        .iter()
        .filter(|h| past[m.nodes[h.0].region])
        .filter_map(|&(n, used, have)| {
            let idle = have.saturating_sub(used) as f64;
            let give = (idle * (1.0 - rule.keep_share))
                .floor()
                .min((have as f64 * rule.max_share).floor()) as u64;
            (give > 0).then_some((n, give))
        })
        .collect();
    if offers.is_empty() {
        return;
    }
    // Shortfalls in regions not past their peak: units in use less those on hand or on the way.
    let transit = in_transit(sims, item);
    let receivers: Vec<(NodeId, u64)> = hospitals
        .iter()
        .filter(|h| !past[m.nodes[h.0].region])
        .filter_map(|&(n, used, have)| {
            let short = used.saturating_sub(have + transit[n]);
            (short > 0).then_some((n, short))
        })
        .collect();
    if receivers.is_empty() {
        return;
    }
    let supply = offers.iter().map(|o| o.1).sum();
    let caps: Vec<u64> = receivers.iter().map(|r| r.1).collect();
    let weights: Vec<f64> = caps.iter().map(|&c| c as f64).collect();
    for (&(h, _), give) in receivers
        .iter()
        .zip(proportional_split(supply, &weights, &caps))
    {
        send_from_nearest(sims, &mut offers, h, item, give, rule.delay_ticks);
    }
}

/// Sends `qty` of `item` to `h` from the nearest donors that can reach it, as one
/// consignment, drawing down their offers.
fn send_from_nearest(
    sims: &mut [Sim],
    offers: &mut [(NodeId, u64)],
    h: NodeId,
    item: usize,
    mut qty: u64,
    delay: i64,
) {
    if qty == 0 {
        return;
    }
    let mut ranked: Vec<(f64, usize)> = Vec::new();
    for (k, &(d, left)) in offers.iter().enumerate() {
        if left > 0 {
            let o = owner_index(sims, d);
            if let Some((cost, _)) = sims[o].route(d, h, item) {
                ranked.push((cost, k));
            }
        }
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut parts = Vec::new();
    for (_, k) in ranked {
        if qty == 0 {
            break;
        }
        let (d, left) = offers[k];
        let q = sims[owner_index(sims, d)]
            .stock
            .take_at_most(d, item, left.min(qty));
        offers[k].1 -= q;
        qty -= q;
        if q > 0 {
            parts.push((d, q));
        }
    }
    consign(sims, &parts, h, item, delay);
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::results::Measure;
    use crate::testutil::*;

    /// The chain plus a donor hospital in region A with 50 ventilators, whose need peaks on
    /// day 5 and is gone by day 10, and a receiver in region B without any, whose need rises
    /// from day 6; a redeployment rule with `rule` fields (none: no rule).
    fn two_waves(rule: &str) -> Model {
        let redeploy = if rule.is_empty() {
            String::new()
        } else {
            format!("[[redeployment]]\nproduct = \"vent\"\nlead_time_days = 0.5\n{rule}\n")
        };
        let extra = format!(
            r#"
[[product]]
id = "vent"
kind = "durable"
units_per_truck = 1e9

[[node]]
id = "donor"
kind = "hospital"
region = "A"
stock = {{ vent = 50 }}
demand = [{{ product = "vent", csv = "vent.csv", column = "a" }}]

[[node]]
id = "receiver"
kind = "hospital"
region = "B"
demand = [{{ product = "vent", csv = "vent.csv", column = "b" }}]

[[link]]
from = "donor"
to = "receiver"
lead_time_days = {{ dist = "fixed", value = 1 }}

[[link_group]]
from = ["factory"]
to = ["donor", "receiver"]
lead_time_days = {{ dist = "fixed", value = 1 }}

{redeploy}"#
        );
        let (toml, csv) = chain(20, 0, 0, 0, 0, &extra);
        let vent: String = std::iter::once("day,a,b\n".to_string())
            .chain((0..20i32).map(|d| {
                let a = if d <= 5 {
                    8 * d
                } else {
                    (40 - 8 * (d - 5)).max(0)
                };
                let b = (5 * (d - 6)).max(0);
                format!("{d},{a},{b}\n")
            }))
            .collect();
        with_files(&toml, None, &[("demand.csv", &csv), ("vent.csv", &vent)])
    }

    fn received_in_b(m: &Model) -> Vec<f64> {
        let r = run(m, 0);
        series(&r, item(m, "vent"), region(m, "B"), Measure::Received)
    }

    #[test]
    fn idle_units_move_from_a_falling_region_to_a_rising_one_after_the_peak() {
        assert_eq!(received_in_b(&two_waves("")).iter().sum::<f64>(), 0.0);
        let got = received_in_b(&two_waves("after_peak_days = 3"));
        // Region A peaked on day 5: it gives from day 8 (half a day's packing, a day on the
        // road), never before.
        let first = got.iter().position(|&x| x > 0.0).expect("units arrive");
        assert_eq!(first, 9, "{got:?}");
        // All 50 units end up where the need is (B needs 65 by day 19, A none from day 10).
        assert_eq!(got.iter().sum::<f64>(), 50.0, "{got:?}");
        // A later threshold waits longer; keeping half the idle units moves fewer; sending at
        // most a tenth of the fleet a day (5 units) moves them more slowly.
        let later = received_in_b(&two_waves("after_peak_days = 6"));
        assert_eq!(later.iter().position(|&x| x > 0.0), Some(12));
        let kept = received_in_b(&two_waves("after_peak_days = 3\nkeep_share = 0.5"));
        assert!(kept.iter().sum::<f64>() < 50.0, "{kept:?}");
        let slow = received_in_b(&two_waves("after_peak_days = 3\nmax_share = 0.1"));
        assert_eq!((got[9], slow[9]), (10.0, 5.0), "{slow:?}");
    }
}
