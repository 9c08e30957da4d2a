//! Key performance indicators of one replication, per product and region (docs/model.md).

use crate::error::{Error, Result};
use crate::model::{ItemKind, Model};
use crate::results::{MEASURE_COUNT, Measure, Replication};

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
///
/// One pass over the days, each day's measures read as one row: the totals are each summed in
/// day order from `-0.0`, as `Iterator::sum` does, so they have the same bytes as summing
/// each measure's series on its own (which read the replication's cells a dozen times over,
/// a stride of a whole day's slots apart).
pub fn kpis(
    model: &Model,
    rep: &Replication,
    item: usize,
    slot: usize,
) -> [Option<f64>; KPI_NAMES.len()] {
    let days = rep.days;
    let tail = 7.min(days);
    let mut total_need = -0.0;
    let mut received = -0.0;
    let mut total_demand = -0.0;
    let mut total_delivered = -0.0;
    let mut shortage = -0.0;
    let mut produced = -0.0;
    let mut capacity = -0.0;
    let mut recent_demand = -0.0;
    let mut peak = 0.0;
    let mut shortage_days = 0usize;
    let mut first_stockout = None;
    // Sufficiency is reached after a shortage, not by opening stock that runs out later: the
    // first run of sufficient days that starts at or after the first stockout (or day 0).
    let mut sufficient_run = 0;
    let mut sufficient_from = None;
    let mut stock_end = 0.0;
    for d in 0..days {
        let at = rep.idx(d, item, slot, Measure::Need);
        let row = &rep.daily[at..at + MEASURE_COUNT];
        let cell = |m: Measure| row[m as usize];
        let unmet = cell(Measure::Unmet);
        total_need += cell(Measure::Need);
        received += cell(Measure::Received);
        total_demand += cell(Measure::Demand);
        total_delivered += cell(Measure::Delivered);
        shortage += unmet;
        produced += cell(Measure::Produced);
        capacity += cell(Measure::Capacity);
        if d >= days - tail {
            recent_demand += cell(Measure::Demand);
        }
        peak = f64::max(peak, unmet);
        if unmet > 0.0 {
            shortage_days += 1;
            if first_stockout.is_none() {
                first_stockout = Some(d);
                // A run found before the first stockout started before it.
                sufficient_from = None;
            }
        }
        if unmet == 0.0 {
            sufficient_run += 1;
            if sufficient_run >= SUFFICIENCY_RUN && sufficient_from.is_none() {
                sufficient_from = Some(d + 1 - SUFFICIENCY_RUN);
            }
        } else {
            sufficient_run = 0;
        }
        if d + 1 == days {
            stock_end = cell(Measure::OnHandHospital);
        }
    }
    let has_demand = total_demand > 0.0;
    let fill_rate = has_demand.then(|| total_delivered / total_demand);
    let fill_rate_vs_need = (total_need > 0.0).then(|| total_delivered / total_need);
    let durable = model.items[item].kind == ItemKind::Durable;
    let time_to_sufficiency = sufficient_from.filter(|_| has_demand).map(|d| d as f64);
    let first_stockout = first_stockout.map(|d| d as f64);
    let recent_demand = recent_demand / tail as f64;
    let days_of_supply = (recent_demand > 0.0 && !durable).then(|| stock_end / recent_demand);
    let t = &rep.transport[item * rep.slots + slot];
    let lead_mean = (!t.lead_times.is_empty())
        .then(|| t.lead_times.iter().sum::<f64>() / t.lead_times.len() as f64);
    let lead_p95 = (!t.lead_times.is_empty()).then(|| crate::stats::quantile(&t.lead_times, 0.95));
    let green = (t.units > 0).then(|| t.green_units as f64 / t.units as f64);
    [
        Some(total_need),
        Some(total_demand),
        Some(total_delivered),
        Some(received),
        fill_rate,
        fill_rate_vs_need,
        Some(shortage),
        Some(total_need - total_delivered),
        Some(shortage_days as f64),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `kpis` as it was written first, one measure's series at a time: the reference.
    fn kpis_by_series(
        model: &Model,
        rep: &Replication,
        item: usize,
        slot: usize,
    ) -> Vec<Option<f64>> {
        let days = rep.days;
        let series = |m: Measure| {
            (0..days)
                .map(|d| rep.get(d, item, slot, m))
                .collect::<Vec<f64>>()
        };
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
        let lead_p95 =
            (!t.lead_times.is_empty()).then(|| crate::stats::quantile(&t.lead_times, 0.95));
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

    /// A cell's value: often zero (of either sign), sometimes negative, so that runs of
    /// sufficient days, stockouts and empty totals all occur.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => Just(0.0),
            1 => Just(-0.0),
            1 => -5.0..0.0f64,
            4 => 0.0..50.0f64,
        ]
    }

    proptest! {
        /// Every KPI has the bits the series-at-a-time reference gives, whatever the series.
        #[test]
        fn one_pass_kpis_are_those_of_each_series(
            days in 1usize..30,
            values in proptest::collection::vec(value(), 1..400),
            lead_times in proptest::collection::vec(0.0..9.0f64, 0..4),
        ) {
            let model = crate::testutil::chain_model(5, 1, 0, 0, 0, "");
            let mut rep = Replication::new(0, days, model.items.len(), model.regions.len());
            for (i, cell) in rep.daily.iter_mut().enumerate() {
                *cell = values[i % values.len()];
            }
            rep.transport[0].lead_times = lead_times;
            for item in 0..rep.items {
                for slot in 0..rep.slots {
                    let bits = |k: &[Option<f64>]| {
                        k.iter().map(|v| v.map(f64::to_bits)).collect::<Vec<_>>()
                    };
                    prop_assert_eq!(
                        bits(&kpis(&model, &rep, item, slot)),
                        bits(&kpis_by_series(&model, &rep, item, slot))
                    );
                }
            }
        }
    }
}
