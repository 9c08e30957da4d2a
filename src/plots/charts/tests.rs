use super::{DAYS_OF_SUPPLY_CAP, overlay_charts, sweep_charts, variant_charts};
use crate::output::schema::ProductInfo;
use crate::output::schema::{KpiSummary, Manifest, Summary};
use crate::plots::chart::{Chart, ChartKind, XAxis, YFormat, variant_style};
use crate::plots::data::{Daily, ScenarioData, Stat, VariantData};
use crate::results::MEASURE_COUNT;
use crate::results::Measure;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn stat(values: Vec<f64>) -> Stat {
    Stat {
        p5: values.iter().map(|v| v * 0.8).collect(),
        p95: values.iter().map(|v| v * 1.25).collect(),
        mean: values,
    }
}

/// 30 days of a mask and a ventilator, national and Hubei, in the given variants; the
/// variant at position i meets (1 - 0.1 i) of a demand rising by 1,000 a day, and only the
/// national total has production.
pub(crate) fn scenario(variants: &[&str]) -> ScenarioData {
    let days = 30;
    let products = vec![
        ProductInfo {
            id: "surgical_mask".into(),
            unit: "mask".into(),
            kind: "consumable".into(),
        },
        ProductInfo {
            id: "ventilator".into(),
            unit: "ventilator".into(),
            kind: "durable".into(),
        },
    ];
    let variant = |i: usize, name: &str| {
        let mut daily = BTreeMap::new();
        for p in &products {
            for place in ["national", "Hubei"] {
                let demand: Vec<f64> = (0..days).map(|d| 1000.0 * d as f64).collect();
                let met: Vec<f64> = demand.iter().map(|x| x * (1.0 - 0.1 * i as f64)).collect();
                let mut measures = vec![stat(vec![0.0; days]); MEASURE_COUNT];
                // Variants after the first conserve: their need is above their demand.
                measures[Measure::Need as usize] =
                    stat(demand.iter().map(|x| x * (1.0 + 0.1 * i as f64)).collect());
                measures[Measure::Demand as usize] = stat(demand.clone());
                measures[Measure::Delivered as usize] = stat(met.clone());
                measures[Measure::Unmet as usize] =
                    stat(demand.iter().zip(&met).map(|(a, b)| a - b).collect());
                measures[Measure::OnHandHospital as usize] = stat(vec![500_000.0; days]);
                if place == "national" {
                    measures[Measure::Capacity as usize] = stat(vec![20_000.0; days]);
                    measures[Measure::Produced as usize] = stat(vec![15_000.0; days]);
                    measures[Measure::WorkersPresent as usize] = stat(vec![0.75; days]);
                }
                let prob: Vec<f64> = (0..days)
                    .map(|d| 0.5 * i as f64 * d as f64 / days as f64)
                    .collect();
                let stockout = Stat {
                    p5: prob.iter().map(|x| x * 0.5).collect(),
                    p95: prob.iter().map(|x| (x * 1.5).min(1.0)).collect(),
                    mean: prob,
                };
                daily.insert(
                    (p.id.clone(), place.to_string()),
                    Daily { measures, stockout },
                );
            }
        }
        let kpis = ["shortage", "patient_days_without_device"]
            .iter()
            .map(|k| KpiSummary {
                product: "surgical_mask".into(),
                region: "national".into(),
                kpi: k.to_string(),
                n: 20,
                mean: 40_000.0,
                sd: 1.0,
                ci95_low: Some(39_000.0),
                ci95_high: Some(41_000.0),
                p5: 30_000.0,
                p50: 40_000.0,
                p95: 60_000.0,
            })
            .collect();
        VariantData {
            dir: PathBuf::from(format!("out/s/{name}")),
            manifest: Manifest {
                schema_version: 2,
                program: "medsupply".into(),
                version: "0".into(),
                scenario: "s".into(),
                variant: name.to_string(),
                scenario_hash: "h".into(),
                seed: 1,
                replications: 20,
                generator: "g".into(),
                start_date: "2020-01-24".into(),
                days: days as u32,
                ticks_per_day: 1440,
                regions_of_interest: vec!["Hubei".into()],
                products: products.clone(),
                files: Default::default(),
            },
            summary: Summary {
                schema_version: 2,
                scenario: "s".into(),
                variant: name.to_string(),
                replications: 20,
                kpis,
                probabilities: vec![],
            },
            daily,
            census: ["national", "Hubei"]
                .iter()
                .map(|place| {
                    let stats = (0..4)
                        .map(|k| {
                            let mean: Vec<f64> =
                                (0..days).map(|d| (d * (4 - k)) as f64 * 10.0).collect();
                            Stat {
                                p5: mean.iter().map(|x| x * 0.8).collect(),
                                p95: mean.iter().map(|x| x * 1.2).collect(),
                                mean,
                            }
                        })
                        .collect();
                    (place.to_string(), stats)
                })
                .collect(),
        }
    };
    ScenarioData {
        dir: PathBuf::from("out/s"),
        name: "s".into(),
        variants: variants
            .iter()
            .enumerate()
            .map(|(i, n)| variant(i, n))
            .collect(),
        sweep: None,
        comparison: None,
    }
}

fn find<'a>(charts: &'a [Chart], kind: ChartKind, product: &str, place: &str) -> &'a Chart {
    charts
        .iter()
        .find(|c| c.kind == kind && c.product == product && c.place == place)
        .unwrap_or_else(|| panic!("no {kind:?} chart of {product} in {place}"))
}

/// Every panel's y range holds all its values, and the x axis spans the horizon.
/// (A series the panel says is off the scale may rise above it.)
fn assert_contains_data(c: &Chart) {
    for p in &c.panels {
        let (lo, hi) = p.y_range;
        assert!(hi > lo, "{}: empty y range", c.title);
        let mut q = p.clone();
        if let Some(off) = &p.off_scale {
            q.series.retain(|s| !off.starts_with(&s.label));
            assert_eq!(q.series.len() + 1, p.series.len(), "{off}");
        }
        for v in q.values() {
            assert!(v >= lo && v <= hi, "{}: {v} outside {lo}..{hi}", c.title);
        }
        for s in &p.series {
            assert_eq!(s.values.len(), c.x_axis.len(), "{}: {}", c.title, s.label);
        }
    }
    let (x0, x1) = c.x_range();
    let last = c.x_axis.position(c.x_axis.len() - 1);
    assert!(x0 <= c.x_axis.position(0) && x1 >= last);
}

#[test]
fn supply_vs_demand_shows_demand_use_and_the_shortage_between() {
    let s = scenario(&["base", "slow"]);
    let charts = variant_charts(&s, 1);
    let c = find(&charts, ChartKind::SupplyDemand, "surgical_mask", "Hubei");
    assert_eq!(c.title, "Surgical mask, Hubei: demand vs supply");
    assert!(c.subtitle.contains("variant slow") && c.subtitle.contains("20 replications"));
    assert_eq!(
        c.tag,
        Some(("Variant: slow".into(), variant_style(1).colour))
    );
    assert_eq!(c.x_label, "Date (2020)");
    let p = &c.panels[0];
    assert_eq!(p.y_label, "masks per day");
    assert_eq!(
        p.labels(),
        vec![
            "Shortage (demand not met)",
            "Cut by conservation (need not asked for)",
            "Need (normal burn rates)",
            "Demand (after conservation)",
            "Used (demand met)",
            "Available at hospitals (stock + used)"
        ]
    );
    assert_eq!(
        c.series("Need (normal burn rates)").unwrap().values[29],
        29_000.0 * 1.1
    );
    let demand = c.series("Demand (after conservation)").unwrap();
    assert_eq!(demand.values[29], 29_000.0);
    assert!(demand.band.is_some());
    assert_eq!(
        c.series("Used (demand met)").unwrap().values[29],
        29_000.0 * 0.9
    );
    assert_contains_data(c);
    // Without conservation need is demand, and is not drawn twice.
    let base = variant_charts(&s, 0);
    let b = find(&base, ChartKind::SupplyDemand, "surgical_mask", "Hubei");
    assert!(b.series("Need (normal burn rates)").is_none());
    // 500k on hand dwarfs a demand of at most 36k a day: the scale stays on the demand.
    assert_eq!(p.y_range, (0.0, 50_000.0));
    assert_eq!(
        p.off_scale.as_deref(),
        Some("Available at hospitals (stock + used): off the scale, up to 526k")
    );
}

#[test]
fn a_durable_product_compares_patients_with_the_fleet() {
    let s = scenario(&["base"]);
    let charts = variant_charts(&s, 0);
    let c = find(&charts, ChartKind::SupplyDemand, "ventilator", "national");
    assert_eq!(
        c.title,
        "Ventilator, national total: patients needing a ventilator vs the fleet"
    );
    assert_eq!(
        c.labels(),
        vec![
            "Patients without a ventilator",
            "Patients needing a ventilator",
            "Fleet at hospitals (ventilators)"
        ]
    );
    let short = find(&charts, ChartKind::Shortage, "ventilator", "national");
    assert_eq!(
        short.panels[0].y_label,
        "patient-days without a ventilator, cumulative"
    );
    let stock = find(&charts, ChartKind::Stock, "ventilator", "national");
    assert_eq!(stock.panels.len(), 1, "no days of supply for a durable");
    assert!(!s.variants[0].name().is_empty());
    for c in &charts {
        assert_contains_data(c);
    }
}

#[test]
fn shortage_is_cumulative_with_the_total_interval_at_the_end() {
    let s = scenario(&["base", "slow"]);
    let charts = variant_charts(&s, 1);
    let c = find(&charts, ChartKind::Shortage, "surgical_mask", "national");
    let cum = &c.panels[0].series[0].values;
    let expected: f64 = (0..30).map(|d| 100.0 * d as f64).sum();
    assert!((cum[29] - expected).abs() < 1e-6, "{}", cum[29]);
    let w = &c.panels[0].whiskers[0];
    assert_eq!(
        (w.at, w.low, w.mid, w.high),
        (29, 30_000.0, 40_000.0, 60_000.0)
    );
    assert!(w.label.starts_with("Total by 22 Feb 2020"));
    assert_eq!(c.panels[1].y_label, "masks short per day");
    assert_contains_data(c);
    assert!(c.panels[0].note.is_none());
    // The base meets all demand: the chart says so instead of showing a flat line.
    let base = variant_charts(&s, 0);
    let c = find(&base, ChartKind::Shortage, "surgical_mask", "Hubei");
    assert_eq!(
        c.panels[0].note.as_deref(),
        Some("No shortage in any of the 20 replications")
    );
}

#[test]
fn stock_shows_echelons_and_capped_days_of_supply() {
    let s = scenario(&["base"]);
    let charts = variant_charts(&s, 0);
    let c = find(&charts, ChartKind::Stock, "surgical_mask", "Hubei");
    assert_eq!(c.panels[0].labels(), vec!["Hospitals"]);
    assert_eq!(
        c.panels[0].remark.as_deref(),
        Some(
            "None held: warehouses and reserves, factories (shippable), in transit, \
             awaiting sterilisation release"
        )
    );
    let dos = &c.panels[1];
    assert_eq!(dos.y_format, YFormat::Days);
    assert_eq!(dos.y_label, "days of supply (capped at 60)");
    assert_eq!(dos.y_range, (0.0, DAYS_OF_SUPPLY_CAP));
    let h = &dos.series[0].values;
    assert!(h[0].is_nan(), "no demand on day 0, so no days of supply");
    assert_eq!(h[1], DAYS_OF_SUPPLY_CAP);
    assert!(h[29] < DAYS_OF_SUPPLY_CAP);
    assert_contains_data(c);
}

#[test]
fn production_is_drawn_only_where_there_is_capacity() {
    let s = scenario(&["base"]);
    let charts = variant_charts(&s, 0);
    let c = find(&charts, ChartKind::Production, "surgical_mask", "national");
    assert_eq!(c.panels[1].y_format, YFormat::Percent);
    assert_eq!(c.panels[1].y_range, (0.0, 1.0));
    assert_eq!(
        c.series("Capacity (full workforce)").unwrap().values[0],
        20_000.0
    );
    assert_contains_data(c);
    assert!(
        !charts
            .iter()
            .any(|c| c.kind == ChartKind::Production && c.place == "Hubei")
    );
    // 2 products × 2 places × 4 charts, plus production in the national totals, plus the
    // census of each place.
    assert_eq!(charts.len(), 2 * 2 * 4 + 2 + 2);
}

#[test]
fn the_census_is_charted_per_place_by_severity_with_bands() {
    let s = scenario(&["base"]);
    let charts = variant_charts(&s, 0);
    let c = find(&charts, ChartKind::Census, "", "Hubei");
    let p = &c.panels[0];
    let labels: Vec<&str> = p.series.iter().map(|x| x.label.as_str()).collect();
    assert_eq!(labels, ["Mild", "Moderate", "Severe", "Critical"]);
    assert!(p.series.iter().all(|x| x.band.is_some()));
    assert_eq!(c.file_stem, "census-Hubei");
    assert!(c.title.contains("patients in care"));
    assert_contains_data(c);
    find(&charts, ChartKind::Census, "", "national");
}

#[test]
fn stockout_probability_is_a_percentage_with_its_interval() {
    let s = scenario(&["base", "slow"]);
    let charts = variant_charts(&s, 1);
    let c = find(&charts, ChartKind::Stockout, "surgical_mask", "Hubei");
    let p = &c.panels[0];
    assert_eq!((p.y_format, p.y_range), (YFormat::Percent, (0.0, 1.0)));
    let (lo, hi) = p.series[0].band.as_ref().unwrap();
    assert!(lo[20] <= p.series[0].values[20] && p.series[0].values[20] <= hi[20]);
    assert!(c.subtitle.contains("Wilson"));
    assert_contains_data(c);
}

#[test]
fn one_replication_draws_no_band_and_says_why() {
    let mut s = scenario(&["base"]);
    s.variants[0].manifest.replications = 1;
    let charts = variant_charts(&s, 0);
    assert!(!charts.is_empty());
    for c in &charts {
        assert!(
            c.panels
                .iter()
                .all(|p| p.whiskers.is_empty() && p.series.iter().all(|s| s.band.is_none())),
            "{}",
            c.file_stem
        );
        assert!(
            c.subtitle
                .contains("1 replication · line: the one replication, no band"),
            "{}",
            c.subtitle
        );
    }
    let csv = "point,a.days,product,region,kpi,n,mean,sd,ci95_low,ci95_high,p5,p50,p95\n\
        p1,10,surgical_mask,national,fill_rate,1,0.8,0,,,0.8,0.8,0.8\n";
    let sweep =
        crate::plots::data::parse_sweep(std::path::Path::new("sweep.csv"), csv, "fill_rate")
            .unwrap();
    assert_eq!(
        (sweep.rows[0].ci95_low, sweep.rows[0].ci95_high),
        (None, None)
    );
    s.sweep = Some(sweep);
    let c = &sweep_charts(&s)[0];
    assert!(c.panels[0].whiskers.is_empty(), "no interval bar");
    assert_eq!(
        c.series("Mean with its 95 % confidence interval")
            .unwrap()
            .values,
        [0.8]
    );
    assert!(
        c.subtitle
            .contains("1 replication each · line: the one replication")
    );
}

#[test]
fn the_sweep_chart_draws_the_means_and_intervals_of_sweep_csv() {
    let csv = "point,a.days,b.rule,product,region,kpi,n,mean,sd,ci95_low,ci95_high,p5,p50,p95\n\
        p1,10,x,surgical_mask,national,fill_rate,4,0.8,0,0.75,0.85,0,0,0\n\
        p1,10,x,surgical_mask,Hubei,fill_rate,4,0.1,0,0.1,0.1,0,0,0\n\
        p1,10,x,surgical_mask,national,shortage,4,99,0,99,99,0,0,0\n\
        p2,10,y,surgical_mask,national,fill_rate,4,0.7,0,0.6,0.8,0,0,0\n\
        p3,2,x,surgical_mask,national,fill_rate,4,0.9,0,0.88,0.92,0,0,0\n\
        p4,2,y,surgical_mask,national,shortage,4,5,0,5,5,0,0,0\n";
    let mut s = scenario(&["base"]);
    let sweep =
        crate::plots::data::parse_sweep(std::path::Path::new("sweep.csv"), csv, "fill_rate")
            .unwrap();
    assert_eq!(sweep.parameters, vec!["a.days", "b.rule"]);
    assert_eq!(sweep.points.len(), 4);
    s.sweep = Some(sweep);
    let charts = sweep_charts(&s);
    assert_eq!(charts.len(), 2, "one per product");
    let c = find(&charts, ChartKind::Sweep, "surgical_mask", "national");
    assert_eq!(c.file_stem, "surgical_mask-national-sweep");
    assert_eq!(
        c.title,
        "Surgical mask, national total: fill rate by a.days"
    );
    assert_eq!(c.x_label, "a.days");
    // Numeric values sit at their value, in increasing order.
    assert_eq!(
        c.x_axis,
        XAxis::Points {
            at: vec![2.0, 10.0],
            labels: vec!["2".into(), "10".into()]
        }
    );
    let x = c.series("b.rule = x").unwrap();
    assert_eq!(x.values, vec![0.9, 0.8]);
    let y = c.series("b.rule = y").unwrap();
    assert!(y.values[0].is_nan(), "fill rate undefined at (2, y)");
    assert_eq!(y.values[1], 0.7);
    let w: Vec<(usize, f64, f64, f64)> = c.panels[0]
        .whiskers
        .iter()
        .map(|w| (w.at, w.low, w.mid, w.high))
        .collect();
    assert_eq!(
        w,
        vec![
            (1, 0.75, 0.8, 0.85),
            (0, 0.88, 0.9, 0.92),
            (1, 0.6, 0.7, 0.8)
        ]
    );
    assert_eq!(c.panels[0].y_format, YFormat::Percent);
    assert_contains_data(c);
    let v = find(&charts, ChartKind::Sweep, "ventilator", "national");
    assert!(v.panels[0].note.is_some(), "no rows for the ventilator");
    // Values that are not all numbers are categories, in the order given.
    assert_eq!(
        XAxis::points(&["b".into(), "a".into()]),
        XAxis::Points {
            at: vec![0.0, 1.0],
            labels: vec!["b".into(), "a".into()]
        }
    );
}

#[test]
fn overlays_give_each_variant_its_colour() {
    assert!(overlay_charts(&scenario(&["base"])).is_empty());
    let s = scenario(&["base", "fast", "slow"]);
    let charts = overlay_charts(&s);
    assert_eq!(charts.len(), 4);
    let c = find(
        &charts,
        ChartKind::VariantOverlay,
        "surgical_mask",
        "national",
    );
    assert_eq!(c.file_stem, "surgical_mask-national-variants");
    assert_eq!(
        c.labels(),
        vec![
            "Demand (all variants)",
            "base: used (demand met)",
            "fast: used (demand met)",
            "slow: used (demand met)"
        ]
    );
    for (i, name) in ["base", "fast", "slow"].iter().enumerate() {
        let series = c.series(&format!("{name}: used (demand met)")).unwrap();
        assert_eq!(series.style, variant_style(i));
        assert!(series.band.is_none());
        // A 7-day trailing average of 1,000 d × (1 − 0.1 i): 1,000 (d − 3) × (1 − 0.1 i).
        let expected = 26_000.0 * (1.0 - 0.1 * i as f64);
        assert!(
            (series.values[29] - expected).abs() < 1e-6,
            "{}",
            series.values[29]
        );
    }
    assert_eq!(c.panels[0].y_label, "masks per day, 7-day average");
    assert!(c.subtitle.contains("7-day trailing average"));
    assert_contains_data(c);
    // Per-variant charts carry the same colour in their tag.
    let tagged = variant_charts(&s, 2);
    assert!(
        tagged
            .iter()
            .all(|c| c.tag.as_ref().unwrap().1 == variant_style(2).colour)
    );
}
