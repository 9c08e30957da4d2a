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

/// What the KPIs of an item in a slot take from its days.
#[derive(Debug, Clone, Copy)]
struct DayTotals {
    need: f64,
    demand: f64,
    delivered: f64,
    received: f64,
    shortage: f64,
    produced: f64,
    capacity: f64,
    /// Mean daily demand over the last week (or every day, if fewer).
    recent_demand: f64,
    peak: f64,
    shortage_days: usize,
    first_stockout: Option<usize>,
    /// The first day of the first run of sufficient days at or after the first stockout (or
    /// day 0): sufficiency is reached after a shortage, not by opening stock that runs out.
    sufficient_from: Option<usize>,
    /// Stock at hospitals on the last day.
    stock_end: f64,
}

/// The KPIs of `item` in `slot` (None where undefined, e.g. fill rate without demand).
pub fn kpis(
    model: &Model,
    rep: &Replication,
    item: usize,
    slot: usize,
) -> [Option<f64>; KPI_NAMES.len()] {
    from_totals(model, rep, item, slot, &day_totals(rep, item, slot))
}

/// One pass over the days, each day's measures read as one row: the totals are each summed in
/// day order from `-0.0`, as `Iterator::sum` does, so they have the same bytes as summing
/// each measure's series on its own (which read the replication's cells a dozen times over,
/// a stride of a whole day's slots apart).
fn day_totals(rep: &Replication, item: usize, slot: usize) -> DayTotals {
    let days = rep.days;
    let tail = 7.min(days);
    let mut t = DayTotals {
        need: -0.0,
        demand: -0.0,
        delivered: -0.0,
        received: -0.0,
        shortage: -0.0,
        produced: -0.0,
        capacity: -0.0,
        recent_demand: -0.0,
        peak: 0.0,
        shortage_days: 0,
        first_stockout: None,
        sufficient_from: None,
        stock_end: 0.0,
    };
    let mut sufficient_run = 0;
    for d in 0..days {
        let at = rep.idx(d, item, slot, Measure::Need);
        let row = &rep.daily[at..at + MEASURE_COUNT];
        let cell = |m: Measure| row[m as usize];
        let unmet = cell(Measure::Unmet);
        t.need += cell(Measure::Need);
        t.received += cell(Measure::Received);
        t.demand += cell(Measure::Demand);
        t.delivered += cell(Measure::Delivered);
        t.shortage += unmet;
        t.produced += cell(Measure::Produced);
        t.capacity += cell(Measure::Capacity);
        if d >= days - tail {
            t.recent_demand += cell(Measure::Demand);
        }
        t.peak = f64::max(t.peak, unmet);
        if unmet > 0.0 {
            t.shortage_days += 1;
            if t.first_stockout.is_none() {
                t.first_stockout = Some(d);
                // A run found before the first stockout started before it.
                t.sufficient_from = None;
            }
        }
        if unmet == 0.0 {
            sufficient_run += 1;
            if sufficient_run >= SUFFICIENCY_RUN && t.sufficient_from.is_none() {
                t.sufficient_from = Some(d + 1 - SUFFICIENCY_RUN);
            }
        } else {
            sufficient_run = 0;
        }
        if d + 1 == days {
            t.stock_end = cell(Measure::OnHandHospital);
        }
    }
    t.recent_demand /= tail as f64;
    t
}

/// The KPIs, in [`KPI_NAMES`] order, from an item's day totals in a slot and its transport.
fn from_totals(
    model: &Model,
    rep: &Replication,
    item: usize,
    slot: usize,
    d: &DayTotals,
) -> [Option<f64>; KPI_NAMES.len()] {
    let has_demand = d.demand > 0.0;
    let durable = model.items[item].kind == ItemKind::Durable;
    let t = &rep.transport[item * rep.slots + slot];
    let lead_mean = (!t.lead_times.is_empty())
        .then(|| t.lead_times.iter().sum::<f64>() / t.lead_times.len() as f64);
    let lead_p95 = (!t.lead_times.is_empty()).then(|| crate::stats::quantile(&t.lead_times, 0.95));
    [
        Some(d.need),
        Some(d.demand),
        Some(d.delivered),
        Some(d.received),
        has_demand.then(|| d.delivered / d.demand),
        (d.need > 0.0).then(|| d.delivered / d.need),
        Some(d.shortage),
        Some(d.need - d.delivered),
        Some(d.shortage_days as f64),
        durable.then_some(d.shortage),
        d.sufficient_from.filter(|_| has_demand).map(|d| d as f64),
        d.first_stockout.map(|d| d as f64),
        Some(d.peak),
        (d.recent_demand > 0.0 && !durable).then(|| d.stock_end / d.recent_demand),
        Some(d.produced),
        Some(d.capacity),
        (d.capacity > 0.0).then(|| d.produced / d.capacity),
        lead_mean,
        lead_p95,
        (t.units > 0).then(|| t.green_units as f64 / t.units as f64),
        Some(t.transport_cost),
        Some(t.tolls_waived),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The day totals as `kpis` first took them, one measure's series at a time: the
    /// reference.
    fn totals_by_series(rep: &Replication, item: usize, slot: usize) -> DayTotals {
        let days = rep.days;
        let series = |m: Measure| {
            (0..days)
                .map(|d| rep.get(d, item, slot, m))
                .collect::<Vec<f64>>()
        };
        let total = |m: Measure| (0..days).map(|d| rep.get(d, item, slot, m)).sum::<f64>();
        let demand = series(Measure::Demand);
        let unmet = series(Measure::Unmet);
        let sufficient = |d: usize| unmet[d] == 0.0;
        let first_stockout = unmet.iter().position(|&u| u > 0.0);
        let tail = 7.min(days);
        DayTotals {
            need: total(Measure::Need),
            demand: demand.iter().sum(),
            delivered: total(Measure::Delivered),
            received: total(Measure::Received),
            shortage: unmet.iter().sum(),
            produced: total(Measure::Produced),
            capacity: total(Measure::Capacity),
            recent_demand: demand[days - tail..].iter().sum::<f64>() / tail as f64,
            peak: unmet.iter().copied().fold(0.0, f64::max),
            shortage_days: unmet.iter().filter(|&&u| u > 0.0).count(),
            first_stockout,
            sufficient_from: (first_stockout.unwrap_or(0)
                ..days.saturating_sub(SUFFICIENCY_RUN - 1))
                .find(|&d| (d..d + SUFFICIENCY_RUN).all(sufficient)),
            stock_end: rep.get(days - 1, item, slot, Measure::OnHandHospital),
        }
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
                        bits(&from_totals(&model, &rep, item, slot, &totals_by_series(&rep, item, slot)))
                    );
                }
            }
        }
    }
}
