//! Key performance indicators of one replication, per product and region (docs/model.md).

use crate::error::{Error, Result};
use crate::model::{ItemKind, Model};
use crate::results::{Measure, Replication};

/// KPI names, in column order.
pub const KPI_NAMES: [&str; 22] = [
    "need",
    "demand",
    "delivered",
    "received",
    "fill_rate",
    "fill_rate_vs_need",
    "shortage",
    "unprotected",
    "shortage_days",
    "patient_days_without_device",
    "time_to_sufficiency_day",
    "first_stockout_day",
    "peak_daily_shortage",
    "days_of_supply_end",
    "produced",
    "capacity",
    "utilisation",
    "lead_time_mean_days",
    "lead_time_p95_days",
    "green_channel_share",
    "transport_cost",
    "tolls_waived",
];

/// The index of a KPI in [`KPI_NAMES`]; a usage error naming every KPI when there is none.
pub fn kpi_index(name: &str) -> Result<usize> {
    KPI_NAMES.iter().position(|k| *k == name).ok_or_else(|| {
        Error::Usage(format!(
            "unknown KPI `{name}` (KPIs: {})",
            KPI_NAMES.join(", ")
        ))
    })
}

/// Days the fill rate must stay at 1 for sufficiency.
const SUFFICIENCY_RUN: usize = 7;

/// The KPIs of `item` in `slot` (None where undefined, e.g. fill rate without demand).
pub fn kpis(model: &Model, rep: &Replication, item: usize, slot: usize) -> Vec<Option<f64>> {
    let days = rep.days;
    let series = |m: Measure| {
        (0..days)
            .map(|d| rep.get(d, item, slot, m))
            .collect::<Vec<f64>>()
    };
    // A total in day order, without collecting the series first (the same bytes as summing it).
    let total = |m: Measure| (0..days).map(|d| rep.get(d, item, slot, m)).sum::<f64>();
    let total_need = total(Measure::Need);
    let received = total(Measure::Received);
    let demand = series(Measure::Demand);
    let delivered = series(Measure::Delivered);
    let unmet = series(Measure::Unmet);
    let total_demand: f64 = demand.iter().sum();
    let total_delivered: f64 = delivered.iter().sum();
    let shortage: f64 = unmet.iter().sum();
    let has_demand = total_demand > 0.0;
    let fill_rate = has_demand.then(|| total_delivered / total_demand);
    let fill_rate_vs_need = (total_need > 0.0).then(|| total_delivered / total_need);
    let shortage_days = unmet.iter().filter(|&&u| u > 0.0).count() as f64;
    let durable = model.items[item].kind == ItemKind::Durable;
    let sufficient = |d: usize| unmet[d] == 0.0;
    let first_stockout = unmet.iter().position(|&u| u > 0.0);
    // Sufficiency is reached after a shortage, not by opening stock that runs out later.
    let time_to_sufficiency = has_demand
        .then(|| {
            (first_stockout.unwrap_or(0)..days.saturating_sub(SUFFICIENCY_RUN - 1))
                .find(|&d| (d..d + SUFFICIENCY_RUN).all(sufficient))
        })
        .flatten()
        .map(|d| d as f64);
    let first_stockout = first_stockout.map(|d| d as f64);
    let peak = unmet.iter().copied().fold(0.0, f64::max);
    let tail = 7.min(days);
    let recent_demand: f64 = demand[days - tail..].iter().sum::<f64>() / tail as f64;
    let stock_end = rep.get(days - 1, item, slot, Measure::OnHandHospital);
    let days_of_supply = (recent_demand > 0.0 && !durable).then(|| stock_end / recent_demand);
    let produced = total(Measure::Produced);
    let capacity = total(Measure::Capacity);
    let t = &rep.transport[item * rep.slots + slot];
    let lead_mean = (!t.lead_times.is_empty())
        .then(|| t.lead_times.iter().sum::<f64>() / t.lead_times.len() as f64);
    let lead_p95 = (!t.lead_times.is_empty()).then(|| crate::stats::quantile(&t.lead_times, 0.95));
    let green = (t.units > 0).then(|| t.green_units as f64 / t.units as f64);
    vec![
        Some(total_need),
        Some(total_demand),
        Some(total_delivered),
        Some(received),
        fill_rate,
        fill_rate_vs_need,
        Some(shortage),
        Some(total_need - total_delivered),
        Some(shortage_days),
        durable.then_some(shortage),
        time_to_sufficiency,
        first_stockout,
        Some(peak),
        days_of_supply,
        Some(produced),
        Some(capacity),
        (capacity > 0.0).then(|| produced / capacity),
        lead_mean,
        lead_p95,
        green,
        Some(t.transport_cost),
        Some(t.tolls_waived),
    ]
}
