//! Engine-level tests: an analytic closed form, conservation of units on random networks,
//! epidemic-driven demand, and common random numbers across variants.

use crate::results::{MEASURE_COUNT, Measure};
use crate::testutil::*;
use proptest::prelude::*;

#[test]
fn deterministic_chain_matches_the_closed_form_cumulative_shortage() {
    // Factory makes P = 70/day from day 0; dispatch ships all of it at once; 1 day on the road,
    // so a day's output is usable two days later. Hospital starts with S0 = 500 and uses D = 100.
    // Cumulative shortage through day d = max(0, D (d + 1) - S0 - P max(0, d - 1)).
    let (p, d0, s0) = (70.0, 100.0, 500.0);
    let m = chain_model(60, 70, 1_000_000, 100, 500, "");
    let r = run(&m, 0);
    let unmet = series(&r, item(&m, "mask"), region(&m, "B"), Measure::Unmet);
    let mut cumulative = 0.0;
    for (d, u) in unmet.iter().enumerate() {
        cumulative += u;
        let expected = (d0 * (d as f64 + 1.0) - s0 - p * (d as f64 - 1.0).max(0.0)).max(0.0);
        assert_eq!(cumulative, expected, "day {d}");
    }
}

#[test]
fn seir_census_drives_demand_through_burn_rates() {
    let toml = format!(
        r#"{}
[[region]]
id = "A"
risk = [{{ day = 0, level = "low" }}]
epidemic = {{ population = 1e6, initial_infectious = 100, r0 = 2.5, incubation_days = 5, infectious_days = 5, case_fraction = 0.5, severity = {{ mild = 0.4, moderate = 0.4, severe = 0.15, critical = 0.05 }}, stay_days = {{ mild = 7, moderate = 10, severe = 14, critical = 21 }} }}

[[product]]
id = "n95"
kind = "consumable"
units_per_truck = 1000

[staffing]
critical = 4.1

[burn.n95]
per_patient_day = {{ critical = 4 }}
per_staff_shift = 1

[[node]]
id = "store"
kind = "warehouse"
region = "A"

[[node]]
id = "hospital"
kind = "hospital"
region = "A"
census = {{ share_of_region = 0.5 }}
replenish = [{{ item = "n95", source = "store", reorder_point = 0, order_up_to = 1, order_delay_hours = {{ dist = "fixed", value = 1 }} }}]

[[link]]
from = "store"
to = "hospital"
lead_time_days = {{ dist = "fixed", value = 1 }}
"#,
        prelude(40)
    );
    let m = model(&toml);
    let census = crate::demand::seir::census(m.regions[0].epidemic.as_ref().unwrap(), 40);
    let r = run(&m, 0);
    let demand = series(&r, item(&m, "n95"), 0, Measure::Demand);
    let expected: f64 = census.iter().map(|c| 0.5 * c[3] * (4.0 + 4.1)).sum();
    let got: f64 = demand.iter().sum();
    assert!(
        (got - expected).abs() <= 1.0,
        "whole units carry fractions over: {got} vs {expected}"
    );
    assert!(demand[39] > demand[20], "a growing epidemic needs more");
}

#[test]
fn an_uncertain_epidemic_is_drawn_per_replication_from_the_region_stream() {
    use crate::engine::streams::{Purpose, stream_seed};
    use rand::SeedableRng;
    let toml = format!(
        r#"{}
[[region]]
id = "A"
risk = [{{ day = 0, level = "low" }}]
epidemic = {{ population = 1e6, initial_infectious = 100, r0 = {{ dist = "triangular", min = 1.5, mode = 2.5, max = 3.5 }}, incubation_days = 5, infectious_days = 5, case_fraction = 0.5, severity = {{ mild = 0.4, moderate = 0.4, severe = 0.15, critical = {{ dist = "uniform", min = 0.03, max = 0.08 }} }}, stay_days = {{ mild = 7, moderate = 10, severe = 14, critical = 21 }}, admission_delay_days = {{ critical = {{ dist = "uniform", min = 2, max = 6 }} }} }}

[[product]]
id = "n95"
kind = "consumable"
units_per_truck = 1000

[burn.n95]
per_patient_day = {{ critical = 4 }}

[[node]]
id = "store"
kind = "warehouse"
region = "A"

[[node]]
id = "hospital"
kind = "hospital"
region = "A"
census = {{ share_of_region = 0.5 }}
replenish = [{{ item = "n95", source = "store", reorder_point = 0, order_up_to = 1, order_delay_hours = {{ dist = "fixed", value = 1 }} }}]

[[link]]
id = "road"
from = "store"
to = "hospital"
lead_time_days = {{ dist = "fixed", value = 1 }}

[[variant]]
name = "slower-road"
set = {{ "link.road.lead_time_days.value" = 2.0 }}
"#,
        prelude(40)
    );
    let m = model(&toml);
    let slow = variant(&toml, Some("slower-road"));
    let (r0, r1) = (run(&m, 0), run(&m, 1));
    assert_ne!(
        r0.census, r1.census,
        "each replication draws its own epidemic"
    );
    assert_eq!(r0.census, run(&slow, 0).census, "common random numbers");
    // The census recorded is the hospital's half of the epidemic drawn from the region's
    // `epidemic` stream, and the national slot is the region's.
    let e = m.regions[0].epidemic.as_ref().unwrap();
    let mut rng =
        rand_chacha::ChaCha8Rng::from_seed(stream_seed(1, 1, "region:A", Purpose::Epidemic));
    let drawn = crate::demand::seir::census(&e.draw(&mut rng), 40);
    for (d, row) in drawn.iter().enumerate() {
        for (k, &x) in row.iter().enumerate() {
            assert_eq!(
                r1.census[r1.census_idx(d, 0, k)],
                x * 0.5,
                "day {d} class {k}"
            );
            assert_eq!(r1.census[r1.census_idx(d, 1, k)], x * 0.5);
        }
    }
    let demand: f64 = series(&r1, item(&m, "n95"), 0, Measure::Demand)
        .iter()
        .sum();
    let expected: f64 = drawn.iter().map(|c| 0.5 * c[3] * 4.0).sum();
    assert!((demand - expected).abs() <= 1.0, "{demand} vs {expected}");
}

#[test]
fn a_variant_identical_to_the_base_gives_identical_results_and_others_share_streams() {
    let extra = r#"
[[variant]]
name = "same"
set = { "policy.conversion" = true }

[[variant]]
name = "slower-road"
set = { "link.road.lead_time_days.value" = 2.0 }
"#;
    let (toml, csv) = chain(30, 100, 1_000_000, 80, 0, extra);
    let base = with_files(&toml, None, &[("demand.csv", &csv)]);
    let same = with_files(&toml, Some("same"), &[("demand.csv", &csv)]);
    let mut b = base.clone();
    b.nodes[0].reject_fraction = 0.1;
    let mut s = same.clone();
    s.nodes[0].reject_fraction = 0.1;
    assert_eq!(run(&b, 3).daily, run(&s, 3).daily);
    let slow = with_files(&toml, Some("slower-road"), &[("demand.csv", &csv)]);
    let mut sl = slow.clone();
    sl.nodes[0].reject_fraction = 0.1;
    let (rb, rs) = (run(&b, 3), run(&sl, 3));
    let mask = item(&base, "mask");
    // Same quality draws at the factory (common random numbers), different deliveries.
    assert_eq!(
        series(&rb, mask, 0, Measure::Produced),
        series(&rs, mask, 0, Measure::Produced)
    );
    assert_ne!(
        series(&rb, mask, 1, Measure::Delivered),
        series(&rs, mask, 1, Measure::Delivered)
    );
}

/// Parameters of a random small network.
#[derive(Debug, Clone)]
struct Net {
    regions: usize,
    hospitals: usize,
    bom: f64,
    reject: f64,
    release: bool,
    capacity: Option<f64>,
    closure: f64,
    dispatch: Option<usize>,
    periodic: bool,
    reserve: bool,
    breakdown: bool,
    outbreak: f64,
    lead_min: f64,
    demand: u32,
    /// A shop per region with customer orders (lost when short) and continuous review.
    shops: bool,
}

fn net() -> impl Strategy<Value = Net> {
    (
        (
            1usize..4,
            1usize..4,
            prop_oneof![Just(0.5), Just(1.0), Just(2.5)],
            0.0..0.3f64,
            any::<bool>(),
        ),
        (
            proptest::option::of(0.5..5.0f64),
            // Half the networks have no closures, so partitions can split them.
            prop_oneof![Just(0.0), 0.0..0.2f64],
            proptest::option::of(0usize..3),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            any::<bool>(),
            0.0..0.05f64,
            0.05..1.0f64,
            0u32..400,
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (regions, hospitals, bom, reject, release),
                (capacity, closure, dispatch, periodic, reserve),
                (breakdown, outbreak, lead_min, demand, shops),
            )| Net {
                regions,
                hospitals,
                bom,
                reject,
                release,
                capacity,
                closure,
                dispatch,
                periodic,
                reserve,
                breakdown,
                outbreak,
                lead_min,
                demand,
                shops,
            },
        )
}

fn toml_of(n: &Net) -> String {
    let mut t = prelude(40).replace("plant_outbreak_rate", "#");
    for level in ["low", "medium", "high"] {
        t = t.replace(
            &format!("[risk_levels.{level}]\n"),
            &format!(
                "[risk_levels.{level}]\nplant_outbreak_rate = {}\noutbreak_closure_days = {{ dist = \"uniform\", min = 1, max = 5 }}\n",
                n.outbreak
            ),
        );
    }
    t = t.replace(
        "restart_days_large = { dist = \"fixed\", value = 0 }",
        "restart_days_large = { dist = \"uniform\", min = 0, max = 10 }",
    );
    t = t.replace(
        "checkpoint_hours = { dist = \"fixed\", value = 0 }",
        "checkpoint_hours = { dist = \"uniform\", min = 0, max = 12 }",
    );
    for r in 0..n.regions {
        let level = ["low", "medium", "high"][r % 3];
        t += &format!(
            "[[region]]\nid = \"R{r}\"\nrisk = [{{ day = 0, level = \"{level}\" }}, {{ day = 20, level = \"low\" }}]\n\n"
        );
    }
    let release = if n.release {
        "release_delay_days = { dist = \"uniform\", min = 1, max = 4 }"
    } else {
        ""
    };
    t += &format!(
        "[[material]]\nid = \"mb\"\nunits_per_truck = 1e6\n\n[[product]]\nid = \"mask\"\nkind = \"consumable\"\nunits_per_truck = 500\nbom = {{ mb = {} }}\n{release}\n\n[[product]]\nid = \"vent\"\nkind = \"durable\"\nunits_per_truck = 20\n\n",
        n.bom
    );
    let breakdown = if n.breakdown {
        ", time_to_failure_days = { dist = \"exponential\", mean = 5, min = 0.5 }, repair_days = { dist = \"uniform\", min = 0.5, max = 3 }"
    } else {
        ""
    };
    t += &format!(
        "[[node]]\nid = \"supplier\"\nkind = \"supplier\"\nregion = \"R0\"\nclosed_at_start = true\nlines = [{{ item = \"mb\", lines = 2, rate_per_line = 300{breakdown} }}]\n\n"
    );
    t += &format!(
        "[[node]]\nid = \"factory\"\nkind = \"factory\"\nregion = \"R{}\"\nclosed_at_start = true\nreject_fraction = {}\nstock = {{ mb = 500 }}\nlines = [{{ item = \"mask\", lines = 1, rate_per_line = 250{breakdown} }}]\nreplenish = [{{ item = \"mb\", source = \"supplier\", reorder_point = 200, order_up_to = 1000, order_delay_hours = {{ dist = \"uniform\", min = 1, max = 5 }} }}]\n\n",
        n.regions - 1,
        n.reject
    );
    t += "[[node]]\nid = \"vent-import\"\nkind = \"source\"\nregion = \"R0\"\nsupplies = [\"vent\"]\n\n";
    if n.reserve {
        t += "[[node]]\nid = \"reserve\"\nkind = \"reserve\"\nregion = \"R0\"\nstock = { mask = 2000, vent = 10 }\nrelease = { day = 10 }\n\n";
    }
    let cap = n
        .capacity
        .map(|c| format!("capacity = [{{ day = 0, trucks_per_day = {c} }}]"))
        .unwrap_or_default();
    let lead = format!(
        "{{ dist = \"uniform\", min = {}, max = {} }}",
        n.lead_min,
        n.lead_min + 1.5
    );
    let closure = format!(
        "closure_rate = {}\nclosure_days = {{ dist = \"uniform\", min = 0.5, max = 3 }}",
        n.closure
    );
    t += &format!(
        "[[link]]\nfrom = \"supplier\"\nto = \"factory\"\nlead_time_days = {lead}\n{closure}\n\n"
    );
    for h in 0..n.hospitals {
        let review = if n.periodic { "review_days = 3," } else { "" };
        t += &format!(
            "[[node]]\nid = \"h{h}\"\nkind = \"hospital\"\nregion = \"R{}\"\nstock = {{ mask = 300, vent = 2 }}\ndemand = [{{ product = \"mask\", csv = \"d.csv\", column = \"mask\" }}, {{ product = \"vent\", csv = \"d.csv\", column = \"vent\" }}]\nreplenish = [{{ item = \"mask\", source = \"factory\", reorder_point = 400, order_up_to = 1200, {review} order_delay_hours = {{ dist = \"fixed\", value = 3 }} }}, {{ item = \"vent\", source = \"vent-import\", reorder_point = 2, order_up_to = 5, order_delay_hours = {{ dist = \"fixed\", value = 3 }} }}]\n\n",
            h % n.regions
        );
        for from in ["factory", "vent-import"] {
            t += &format!(
                "[[link]]\nfrom = \"{from}\"\nto = \"h{h}\"\nlead_time_days = {lead}\n{cap}\n{closure}\n\n"
            );
        }
        if n.reserve {
            t += &format!(
                "[[link]]\nfrom = \"reserve\"\nto = \"h{h}\"\nlead_time_days = {lead}\n\n"
            );
        }
    }
    for r in (0..n.regions).filter(|_| n.shops) {
        t += &format!(
            "[[node]]\nid = \"shop{r}\"\nkind = \"hospital\"\nregion = \"R{r}\"\nstock = {{ mask = 40 }}\ncustomer_orders = [{{ product = \"mask\", units = 25, interarrival_days = {{ dist = \"exponential\", mean = 0.2 }} }}]\nreplenish = [{{ item = \"mask\", source = \"factory\", reorder_point = 30, order_up_to = 150, order_delay_hours = {{ dist = \"fixed\", value = 3 }} }}]\n\n[[link]]\nfrom = \"factory\"\nto = \"shop{r}\"\nlead_time_days = {lead}\n{cap}\n{closure}\n\n"
        );
    }
    if let Some(rule) = n.dispatch {
        let rule = ["priority", "proportional", "weighted"][rule];
        let sources = if n.reserve {
            "[\"factory\", \"reserve\"]"
        } else {
            "[\"factory\"]"
        };
        t += &format!(
            "[dispatch]\nrule = \"{rule}\"\npriority_regions = [\"R0\"]\nweights = {{ R0 = 2 }}\nproducts = [\"mask\", \"vent\"]\nsources = {sources}\ncover_days = 3\ndecision_delay_hours = 2\n\n"
        );
    }
    t += "[green_channel]\nenabled = true\nstart_day = 5\nproducts = [\"mask\"]\n\n[transport]\ntruck_availability = [{ day = 0, share = 0.3 }, { day = 15, share = 1.0 }]\n\n";
    t += "[[conservation]]\nname = \"contingency\"\nburn_factor = 0.7\ndays_of_supply_below = 1\ndays_of_supply_above = 2\n";
    t
}

/// The model of a random network, with its demand file.
fn model_of(n: &Net) -> crate::model::Model {
    let csv: String = std::iter::once("day,mask,vent\n".to_string())
        .chain((0..40).map(|d| format!("{d},{},{}\n", n.demand + d * 3, d % 7)))
        .collect();
    with_files(&toml_of(n), None, &[("d.csv", &csv)])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Conservation of units is checked inside every run (an unbalanced ledger is an error);
    /// here also: nobody gets more than they asked for, nobody asks for more than they need,
    /// and shortage is demand not delivered.
    #[test]
    fn units_are_conserved_on_random_small_networks(n in net(), rep in 0u32..1000) {
        let m = model_of(&n);
        let r = crate::engine::run_replication(&crate::engine::RunContext::new(&m), 7, rep);
        prop_assert!(r.is_ok(), "{:?}", r.err());
        let r = r.unwrap();
        for chunk in r.daily.chunks(MEASURE_COUNT) {
            let at = |m: Measure| chunk[m as usize];
            let (need, d, del, un) = (at(Measure::Need), at(Measure::Demand), at(Measure::Delivered), at(Measure::Unmet));
            prop_assert!(need >= d && del <= d && (d - del - un).abs() < 1e-9);
            prop_assert!(chunk.iter().all(|x| x.is_finite() && *x >= 0.0));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Every unit dispatched towards a region (`flows`, from any region) has arrived there
    /// (`transport.units`) or is still on its way at the end (the last day's `in_transit`).
    #[test]
    fn units_shipped_between_regions_arrive_or_are_in_transit(n in net(), rep in 0u32..1000) {
        let m = model_of(&n);
        let r = run(&m, rep);
        prop_assert_eq!(r.flows.len(), m.regions.len() * m.regions.len() * m.items.len());
        let last = r.days - 1;
        for item in 0..m.items.len() {
            for to in 0..m.regions.len() {
                let shipped: u64 = (0..m.regions.len()).map(|from| r.flows[r.flow_idx(from, to, item)]).sum();
                let arrived = r.transport[item * r.slots + to].units;
                let on_the_way = r.get(last, item, to, Measure::InTransit);
                prop_assert_eq!(shipped as f64, arrived as f64 + on_the_way, "item {} into region {}", item, to);
            }
        }
    }

    /// A replication split into partitions is the sequential replication, to the bit: every
    /// daily cell, lead time, order count and the event count.
    #[test]
    fn partitioned_runs_equal_the_sequential_run(n in net(), rep in 0u32..1000, k in 2usize..6) {
        let m = model_of(&n);
        let sequential = crate::engine::run_replication(&crate::engine::RunContext::new(&m), 7, rep).unwrap();
        let plan = crate::engine::partitions::Partitioning::new(&m, k);
        let (partitioned, _) = plan.run(&crate::engine::RunContext::new(&m), 7, rep).unwrap();
        prop_assert!(partitioned == sequential, "{} partitions differ", plan.parts);
    }

    /// Customer orders lost while a shop is short, counted in a loop when stock arrives, give
    /// the results of one event per order, to the bit (the event count too).
    #[test]
    fn lost_orders_counted_lazily_equal_an_event_per_order(n in net(), rep in 0u32..1000) {
        let m = model_of(&Net { shops: true, ..n });
        let ctx = crate::engine::RunContext::new(&m);
        let lazy = crate::engine::Sim::new(&ctx, 7, rep);
        prop_assert!(lazy.lazy_lost_orders);
        let mut eager = crate::engine::Sim::new(&ctx, 7, rep);
        eager.lazy_lost_orders = false;
        let (lazy, eager) = (lazy.run().unwrap(), eager.run().unwrap());
        let orders = lazy.customer_orders[(item(&m, "mask") + 1) * lazy.slots - 1];
        prop_assert!(orders[0] > orders[1], "some orders are lost: {orders:?}");
        prop_assert!(lazy == eager);
    }
}

#[test]
fn ticks_round_half_away_from_zero_as_f64_round_does() {
    let edge = [
        0.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        0.49999999999999994,
        -0.49999999999999994,
        4_503_599_627_370_495.5,
        1.44e9 + 0.5,
    ];
    for x in edge {
        assert_eq!(super::round_half_away(x), x.round() as i64, "{x}");
    }
}

proptest! {
    #[test]
    fn ticks_round_like_f64_round(x in -1.44e9f64..1.44e9) {
        prop_assert_eq!(super::round_half_away(x), x.round() as i64);
    }
}
