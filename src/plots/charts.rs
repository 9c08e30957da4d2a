//! The charts a planner reads, built as data from a run's saved outputs: per variant, product
//! and place (national total and each region of interest) supply versus demand, shortage,
//! stock and days of supply, production against capacity, and P(stockout by day); across
//! variants, demand met under each; for a sweep, a KPI against the swept parameter.

use super::chart::{
    Chart, ChartKind, Dash, Fill, LineStyle, Marker, Panel, Series, Whisker, XAxis, YFormat,
    okabe_ito, variant_style,
};
use super::data::{Daily, ScenarioData, Stat, VariantData};
use super::format::{
    NATIONAL, date_axis_title, date_of, file_safe, kpi_format, kpi_words, long_date, place, plural,
    product_name,
};
use crate::output::schema::ProductInfo;
use crate::results::Measure;

/// Days of supply above this are drawn at it.
pub const DAYS_OF_SUPPLY_CAP: f64 = 60.0;

/// Days of demand averaged for days of supply.
const DEMAND_WINDOW: usize = 7;

/// Height of a chart's main panel, pixels.
const MAIN_HEIGHT: u32 = 380;
/// Height of a secondary panel, pixels.
const SECOND_HEIGHT: u32 = 210;

const DEMAND: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Dashed, Marker::None);
const USED: LineStyle = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::None);
const AVAILABLE: LineStyle =
    LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::LongDash, Marker::Circle);
const SHORT: LineStyle = LineStyle::new(okabe_ito::VERMILLION, Dash::Solid, Marker::None);
const HOSPITAL: LineStyle = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::None);
const WAREHOUSE: LineStyle = LineStyle::new(okabe_ito::ORANGE, Dash::Dashed, Marker::Triangle);
const FACTORY: LineStyle = LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::Dotted, Marker::Square);
const TRANSIT: LineStyle =
    LineStyle::new(okabe_ito::REDDISH_PURPLE, Dash::LongDash, Marker::Diamond);
const STERILISING: LineStyle = LineStyle::new(okabe_ito::SKY_BLUE, Dash::Dotted, Marker::Circle);
const PIPELINE: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Dashed, Marker::None);
const CAPACITY: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Dashed, Marker::None);
const PRODUCED: LineStyle = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::None);
const WORKERS: LineStyle = LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::Solid, Marker::None);

/// Supply on hand more than this many times the demand goes off the top of the supply-versus-
/// demand chart, so that demand and shortage stay readable.
const OFF_SCALE_RATIO: f64 = 2.5;

/// The available-supply line of the supply-versus-demand chart.
const AVAILABLE_LABEL: &str = "Available at hospitals (stock + used)";

/// What the shading means, for subtitles.
const PERCENTILE_BAND: &str = "lines: mean, shading: 5th–95th percentile across replications";

/// Days in the trailing average of the variant overlays.
const SMOOTHING_DAYS: usize = 7;

/// One product in one place of one variant.
struct Ctx<'a> {
    scenario: &'a ScenarioData,
    index: usize,
    product: &'a ProductInfo,
    place: &'a str,
    daily: &'a Daily,
}

impl Ctx<'_> {
    fn variant(&self) -> &VariantData {
        &self.scenario.variants[self.index]
    }

    fn durable(&self) -> bool {
        self.product.kind == "durable"
    }

    fn units(&self) -> String {
        plural(&self.product.unit)
    }

    fn stat(&self, m: Measure) -> &Stat {
        self.daily.get(m)
    }

    fn chart(&self, kind: ChartKind, what: &str, shading: &str, panels: Vec<Panel>) -> Chart {
        let v = self.variant();
        let subtitle = format!(
            "Scenario {}, variant {} · {} replications · {shading}",
            self.scenario.name,
            v.name(),
            v.manifest.replications
        );
        Chart {
            kind,
            product: self.product.id.clone(),
            place: self.place.to_string(),
            variant: Some(v.name().to_string()),
            file_stem: format!(
                "{}-{}-{}",
                file_safe(&self.product.id),
                file_safe(self.place),
                kind.slug()
            ),
            title: format!(
                "{}, {}: {what}",
                product_name(&self.product.id),
                place(self.place)
            ),
            subtitle,
            tag: Some((
                format!("Variant: {}", v.name()),
                variant_style(self.index).colour,
            )),
            x_axis: XAxis::Dates {
                start: v.start_date(),
                days: v.days(),
            },
            x_label: date_axis_title(v.start_date(), v.days()),
            panels,
        }
    }
}

/// A line over its P5–P95 band.
fn banded(label: &str, style: LineStyle, s: &Stat) -> Series {
    Series {
        label: label.to_string(),
        style,
        values: s.mean.clone(),
        band: Some((s.p5.clone(), s.p95.clone())),
    }
}

/// A line without a band.
fn plain(label: &str, style: LineStyle, values: Vec<f64>) -> Series {
    Series {
        label: label.to_string(),
        style,
        values,
        band: None,
    }
}

fn all_zero(values: &[f64]) -> bool {
    values.iter().all(|&v| v == 0.0)
}

/// Every chart of variant `index`: per product, national total then regions of interest.
pub fn variant_charts(scenario: &ScenarioData, index: usize) -> Vec<Chart> {
    let v = &scenario.variants[index];
    let mut out = Vec::new();
    for product in &v.manifest.products {
        for p in v.places() {
            let Some(daily) = v.series(&product.id, &p) else {
                continue;
            };
            let c = Ctx {
                scenario,
                index,
                product,
                place: &p,
                daily,
            };
            out.push(supply_vs_demand(&c));
            out.push(shortage(&c));
            out.push(stock(&c));
            out.extend(production(&c));
            out.push(stockout(&c));
        }
    }
    out
}

fn supply_vs_demand(c: &Ctx) -> Chart {
    let demand = c.stat(Measure::Demand);
    let used = c.stat(Measure::Delivered);
    let hospital = c.stat(Measure::OnHandHospital);
    let units = c.units();
    let mut panel;
    let what;
    if c.durable() {
        what = format!("patients needing a {} vs the fleet", c.product.unit);
        panel = Panel::new(format!("patients, or {units}"), YFormat::Count, MAIN_HEIGHT);
        panel.fills.push(Fill {
            label: format!("Patients without a {}", c.product.unit),
            colour: okabe_ito::VERMILLION,
            low: used.mean.clone(),
            high: demand.mean.clone(),
        });
        panel.series.push(banded(
            &format!("Patients needing a {}", c.product.unit),
            DEMAND,
            demand,
        ));
        let fleet = format!("Fleet at hospitals ({units})");
        panel.series.push(banded(&fleet, AVAILABLE_FLEET, hospital));
        // The fleet is always drawn whole: against the census it is the answer itself.
        panel = panel.fit();
    } else {
        what = "demand vs supply".to_string();
        panel = Panel::new(format!("{units} per day"), YFormat::Count, MAIN_HEIGHT);
        panel.fills.push(Fill {
            label: "Shortage (demand not met)".into(),
            colour: okabe_ito::VERMILLION,
            low: used.mean.clone(),
            high: demand.mean.clone(),
        });
        panel.series.push(banded("Demand", DEMAND, demand));
        panel.series.push(banded("Used (demand met)", USED, used));
        let available: Vec<f64> = hospital
            .mean
            .iter()
            .zip(&used.mean)
            .map(|(h, u)| h + u)
            .collect();
        panel
            .series
            .push(plain(AVAILABLE_LABEL, AVAILABLE, available));
        let core = peak(&[&demand.p95, &used.p95]);
        panel = panel.focus(core, AVAILABLE_LABEL, OFF_SCALE_RATIO);
    }
    c.chart(ChartKind::SupplyDemand, &what, PERCENTILE_BAND, vec![panel])
}

/// The largest finite value of some series.
fn peak(series: &[&Vec<f64>]) -> f64 {
    series
        .iter()
        .flat_map(|s| s.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

const AVAILABLE_FLEET: LineStyle =
    LineStyle::new(okabe_ito::BLUISH_GREEN, Dash::Solid, Marker::Circle);

/// The mean of each day and the `window - 1` days before it (fewer at the start).
fn trailing_mean(values: &[f64], window: usize) -> Vec<f64> {
    (0..values.len())
        .map(|d| {
            let from = (d + 1).saturating_sub(window);
            values[from..=d].iter().sum::<f64>() / (d + 1 - from) as f64
        })
        .collect()
}

fn cumulative(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .scan(0.0, |acc, v| {
            *acc += v;
            Some(*acc)
        })
        .collect()
}

fn shortage(c: &Ctx) -> Chart {
    let unmet = c.stat(Measure::Unmet);
    let v = c.variant();
    let days = v.days();
    let (total_label, daily_label, kpi) = if c.durable() {
        (
            format!("patient-days without a {}, cumulative", c.product.unit),
            format!("patients without a {}", c.product.unit),
            "patient_days_without_device",
        )
    } else {
        (
            format!("{} short, cumulative", c.units()),
            format!("{} short per day", c.units()),
            "shortage",
        )
    };
    let mut top = Panel::new(total_label, YFormat::Count, MAIN_HEIGHT);
    top.series.push(plain(
        "Cumulative shortage, mean",
        SHORT,
        cumulative(&unmet.mean),
    ));
    if let Some(k) = v.kpi(&c.product.id, c.place, kpi) {
        top.whiskers.push(Whisker {
            label: format!(
                "Total by {}: 5th–95th percentile",
                long_date(date_of(v.start_date(), days - 1))
            ),
            colour: okabe_ito::BLACK,
            at: days - 1,
            low: k.p5,
            mid: k.mean,
            high: k.p95,
        });
    }
    let mut bottom = Panel::new(daily_label, YFormat::Count, SECOND_HEIGHT);
    let daily = if c.durable() {
        format!("Patients without a {}", c.product.unit)
    } else {
        "Daily shortage".to_string()
    };
    bottom.series.push(banded(&daily, SHORT, unmet));
    if all_zero(&unmet.p95) && all_zero(&unmet.mean) {
        top.note = Some(format!(
            "No shortage in any of the {} replications",
            v.manifest.replications
        ));
    }
    let what = if c.durable() {
        format!("patient-days without a {}", c.product.unit)
    } else {
        "shortage (demand not met)".to_string()
    };
    c.chart(
        ChartKind::Shortage,
        &what,
        PERCENTILE_BAND,
        vec![top.fit(), bottom.fit()],
    )
}

fn stock(c: &Ctx) -> Chart {
    let units = c.units();
    let mut top = Panel::new(format!("{units} on hand"), YFormat::Count, MAIN_HEIGHT);
    let hospital_label = if c.durable() {
        "Hospitals (fleet)"
    } else {
        "Hospitals"
    };
    // Only the hospitals' stock carries its band: overlapping bands of several echelons would
    // muddy each other. Echelons holding nothing are named rather than drawn along zero.
    top.series.push(banded(
        hospital_label,
        HOSPITAL,
        c.stat(Measure::OnHandHospital),
    ));
    let mut empty = Vec::new();
    for (label, style, m) in [
        (
            "Warehouses and reserves",
            WAREHOUSE,
            Measure::OnHandWarehouse,
        ),
        ("Factories (shippable)", FACTORY, Measure::OnHandFactory),
        ("In transit", TRANSIT, Measure::InTransit),
        (
            "Awaiting sterilisation release",
            STERILISING,
            Measure::Sterilising,
        ),
    ] {
        let s = c.stat(m);
        if all_zero(&s.p95) && all_zero(&s.mean) {
            empty.push(label.to_lowercase());
        } else {
            top.series.push(plain(label, style, s.mean.clone()));
        }
    }
    if !empty.is_empty() {
        top.remark = Some(format!("None held: {}", empty.join(", ")));
    }
    let mut panels = vec![top.fit()];
    if !c.durable() {
        panels.push(days_of_supply(c));
    }
    let what = if c.durable() {
        format!("{} stock by echelon", c.product.unit)
    } else {
        "stock by echelon and days of supply".to_string()
    };
    c.chart(ChartKind::Stock, &what, PERCENTILE_BAND, panels)
}

/// Stock ÷ mean daily demand over the trailing week, capped; NaN while there is no demand.
fn days_of_supply_series(stock: &[f64], demand: &[f64]) -> (Vec<f64>, bool) {
    let mut capped = false;
    let v = stock
        .iter()
        .zip(trailing_mean(demand, DEMAND_WINDOW))
        .map(|(s, rate)| {
            if rate <= 0.0 {
                return f64::NAN;
            }
            let x = s / rate;
            if x > DAYS_OF_SUPPLY_CAP {
                capped = true;
                DAYS_OF_SUPPLY_CAP
            } else {
                x
            }
        })
        .collect();
    (v, capped)
}

fn days_of_supply(c: &Ctx) -> Panel {
    let demand = &c.stat(Measure::Demand).mean;
    let hospital = &c.stat(Measure::OnHandHospital).mean;
    let pipeline: Vec<f64> = (0..hospital.len())
        .map(|d| {
            [
                Measure::OnHandHospital,
                Measure::OnHandWarehouse,
                Measure::OnHandFactory,
                Measure::InTransit,
                Measure::Sterilising,
            ]
            .iter()
            .map(|&m| c.stat(m).mean[d])
            .sum()
        })
        .collect();
    let (h, capped_h) = days_of_supply_series(hospital, demand);
    let (p, capped_p) = days_of_supply_series(&pipeline, demand);
    let label = if capped_h || capped_p {
        format!("days of supply (capped at {DAYS_OF_SUPPLY_CAP:.0})")
    } else {
        "days of supply".to_string()
    };
    let mut panel = Panel::new(label, YFormat::Days, SECOND_HEIGHT);
    panel
        .series
        .push(plain("Days of supply at hospitals", HOSPITAL, h));
    panel.series.push(plain(
        "Days of supply, all stock incl. in transit",
        PIPELINE,
        p,
    ));
    if panel.values().next().is_none() {
        panel.note = Some("No demand: days of supply undefined".into());
    }
    let mut panel = panel.fit();
    if capped_h || capped_p {
        panel.y_range = (0.0, DAYS_OF_SUPPLY_CAP);
    }
    panel
}

fn production(c: &Ctx) -> Option<Chart> {
    let capacity = c.stat(Measure::Capacity);
    if all_zero(&capacity.p95) {
        return None;
    }
    let mut top = Panel::new(
        format!("{} per day", c.units()),
        YFormat::Count,
        MAIN_HEIGHT,
    );
    top.series
        .push(banded("Capacity (full workforce)", CAPACITY, capacity));
    top.series.push(banded(
        "Produced (good units)",
        PRODUCED,
        c.stat(Measure::Produced),
    ));
    let mut bottom = Panel::new("workers present", YFormat::Percent, SECOND_HEIGHT);
    bottom.series.push(banded(
        "Workers present (capacity-weighted share)",
        WORKERS,
        c.stat(Measure::WorkersPresent),
    ));
    Some(c.chart(
        ChartKind::Production,
        "production vs capacity",
        PERCENTILE_BAND,
        vec![top.fit(), bottom.fit()],
    ))
}

fn stockout(c: &Ctx) -> Chart {
    let s = &c.daily.stockout;
    let mut panel = Panel::new("probability of a stockout", YFormat::Percent, MAIN_HEIGHT);
    panel.series.push(Series {
        label: "P(stockout on or before the day)".into(),
        style: SHORT,
        values: s.mean.clone(),
        band: Some((s.p5.clone(), s.p95.clone())),
    });
    if all_zero(&s.mean) {
        panel.note = Some(format!(
            "No stockout in any of the {} replications",
            c.variant().manifest.replications
        ));
    }
    c.chart(
        ChartKind::Stockout,
        "probability of a stockout by each day",
        "line: share of replications with unmet demand so far, shading: Wilson 95 % interval",
        vec![panel.fit()],
    )
}

/// One chart per product and place overlaying the variants' demand met (empty with one variant).
pub fn overlay_charts(scenario: &ScenarioData) -> Vec<Chart> {
    if scenario.variants.len() < 2 {
        return Vec::new();
    }
    let first = &scenario.variants[0];
    let mut out = Vec::new();
    for product in scenario.products() {
        for p in first.places() {
            if let Some(c) = overlay(scenario, product, &p) {
                out.push(c);
            }
        }
    }
    out
}

fn overlay(scenario: &ScenarioData, product: &ProductInfo, p: &str) -> Option<Chart> {
    let runs: Vec<(usize, &VariantData, &Daily)> = scenario
        .variants
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.series(&product.id, p).map(|d| (i, v, d)))
        .collect();
    if runs.len() < 2 {
        return None;
    }
    let durable = product.kind == "durable";
    let units = plural(&product.unit);
    let (y_label, met) = if durable {
        (format!("patients, or {units}"), format!("{units} in use"))
    } else {
        (
            format!("{units} per day, {SMOOTHING_DAYS}-day average"),
            "used (demand met)".to_string(),
        )
    };
    // Daily flows zig-zag with deliveries; their weekly average lets variants be told apart.
    // Bands are left to each variant's own charts: several overlapping would hide the lines.
    let smooth = |v: &[f64]| {
        if durable {
            v.to_vec()
        } else {
            trailing_mean(v, SMOOTHING_DAYS)
        }
    };
    let mut panel = Panel::new(y_label, YFormat::Count, MAIN_HEIGHT + 60);
    let demand0 = &runs[0].2.get(Measure::Demand).mean;
    let scale = demand0.iter().fold(0.0_f64, |a, b| a.max(b.abs())).max(1.0);
    let same_demand = runs.iter().all(|(_, _, d)| {
        d.get(Measure::Demand)
            .mean
            .iter()
            .zip(demand0)
            .all(|(a, b)| (a - b).abs() <= 1e-9 * scale)
    });
    let demand_style = LineStyle::new(okabe_ito::BLACK, Dash::Dotted, Marker::None);
    if same_demand {
        panel.series.push(Series {
            label: if durable {
                format!("Patients needing a {} (all variants)", product.unit)
            } else {
                "Demand (all variants)".into()
            },
            style: LineStyle {
                width: 3,
                ..demand_style
            },
            values: smooth(demand0),
            band: None,
        });
    }
    for (i, v, d) in &runs {
        let style = variant_style(*i);
        if !same_demand {
            panel.series.push(plain(
                &format!("{}: demand", v.name()),
                LineStyle {
                    width: 1,
                    dash: Dash::Dotted,
                    ..style
                },
                smooth(&d.get(Measure::Demand).mean),
            ));
        }
        panel.series.push(plain(
            &format!("{}: {met}", v.name()),
            style,
            smooth(&d.get(Measure::Delivered).mean),
        ));
    }
    let first = runs[0].1;
    let reps: Vec<String> = runs
        .iter()
        .map(|(_, v, _)| v.manifest.replications.to_string())
        .collect();
    let reps = if reps.iter().all(|r| *r == reps[0]) {
        format!("{} replications each", reps[0])
    } else {
        format!("{} replications", reps.join("/"))
    };
    Some(Chart {
        kind: ChartKind::VariantOverlay,
        product: product.id.clone(),
        place: p.to_string(),
        variant: None,
        file_stem: format!("{}-{}-variants", file_safe(&product.id), file_safe(p)),
        title: format!(
            "{}, {}: demand met under each variant",
            product_name(&product.id),
            place(p)
        ),
        subtitle: format!(
            "Scenario {} · {} variants, {reps} · lines: {}mean across replications",
            scenario.name,
            runs.len(),
            if durable {
                String::new()
            } else {
                format!("{SMOOTHING_DAYS}-day trailing average of the ")
            }
        ),
        tag: None,
        x_axis: XAxis::Dates {
            start: first.start_date(),
            days: first.days(),
        },
        x_label: date_axis_title(first.start_date(), first.days()),
        panels: vec![panel.fit()],
    })
}

/// Per product, the sweep's KPI in the national total against the first swept parameter:
/// the mean at each value with its 95 % confidence interval as a bar. With several swept
/// parameters, one line per combination of the others' values (empty without a sweep).
pub fn sweep_charts(scenario: &ScenarioData) -> Vec<Chart> {
    let Some(sweep) = &scenario.sweep else {
        return Vec::new();
    };
    let Some(x_param) = sweep.parameters.first() else {
        return Vec::new();
    };
    let mut xs: Vec<String> = Vec::new();
    let mut lines: Vec<&[String]> = Vec::new();
    for p in &sweep.points {
        if !xs.contains(&p[0]) {
            xs.push(p[0].clone());
        }
        if !lines.contains(&&p[1..]) {
            lines.push(&p[1..]);
        }
    }
    let axis = XAxis::points(&xs);
    let format = kpi_format(&sweep.kpi);
    let what = kpi_words(&sweep.kpi);
    let reps = scenario.variants[0].manifest.replications;
    let mut out = Vec::new();
    for product in scenario.products() {
        let y_label = match format {
            YFormat::Percent => what.clone(),
            YFormat::Days => format!("{what} (days)"),
            YFormat::Count if sweep.kpi == "patient_days_without_device" => what.clone(),
            YFormat::Count => format!("{what} ({})", plural(&product.unit)),
        };
        let mut panel = Panel::new(y_label, format, MAIN_HEIGHT);
        for (k, others) in lines.iter().enumerate() {
            let style = variant_style(k);
            let mut values = vec![f64::NAN; axis.len()];
            for r in sweep.rows.iter().filter(|r| {
                r.product == product.id && r.region == NATIONAL && r.values[1..] == **others
            }) {
                let Some(i) = axis.index_of(&r.values[0]) else {
                    continue;
                };
                values[i] = r.mean;
                panel.whiskers.push(Whisker {
                    label: String::new(),
                    colour: style.colour,
                    at: i,
                    low: r.ci95_low,
                    mid: r.mean,
                    high: r.ci95_high,
                });
            }
            let label = if others.is_empty() {
                "Mean with its 95 % confidence interval".to_string()
            } else {
                sweep.parameters[1..]
                    .iter()
                    .zip(others.iter())
                    .map(|(p, v)| format!("{p} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            panel.series.push(plain(&label, style, values));
        }
        if panel.values().next().is_none() {
            panel.note = Some(format!("No values: {what} is undefined at every point"));
        }
        out.push(Chart {
            kind: ChartKind::Sweep,
            product: product.id.clone(),
            place: NATIONAL.to_string(),
            variant: None,
            file_stem: format!("{}-{NATIONAL}-sweep", file_safe(&product.id)),
            title: format!(
                "{}, {}: {what} by {x_param}",
                product_name(&product.id),
                place(NATIONAL)
            ),
            subtitle: format!(
                "Scenario {} · sweep of {} points, {reps} replications each · dots: mean, \
                 bars: 95 % confidence interval of the mean",
                scenario.name,
                sweep.points.len()
            ),
            tag: None,
            x_axis: axis.clone(),
            x_label: x_param.clone(),
            panels: vec![panel.fit()],
        });
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::output::schema::{KpiSummary, Manifest, Summary};
    use crate::results::MEASURE_COUNT;
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
                    ci95_low: 39_000.0,
                    ci95_high: 41_000.0,
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
                "Demand",
                "Used (demand met)",
                "Available at hospitals (stock + used)"
            ]
        );
        let demand = c.series("Demand").unwrap();
        assert_eq!(demand.values[29], 29_000.0);
        assert!(demand.band.is_some());
        assert_eq!(
            c.series("Used (demand met)").unwrap().values[29],
            29_000.0 * 0.9
        );
        assert_contains_data(c);
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
        // 2 products × 2 places × 4 charts, plus production in the national totals.
        assert_eq!(charts.len(), 2 * 2 * 4 + 2);
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
}
