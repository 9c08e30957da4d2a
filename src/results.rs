//! What one replication produces: daily measures per item and region (and nationally), and
//! transport statistics. The engine fills it; `stats` aggregates it; it knows nothing of files.

use crate::util::prefetch;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// Daily series handed back once folded ([`recycle_series`]), every value +0.0, for the
/// replications still to run: a fresh series of `china-2020` is 3 MB that the kernel zeroes
/// page by page on first touch, once per replication, and clearing a warm one is still a 3 MB
/// write, where the fold has already zeroed the few cells it read.
static SPARE_SERIES: Mutex<Vec<Vec<f64>>> = Mutex::new(Vec::new());

/// Most series kept in [`SPARE_SERIES`]: a fold's batch (at most 32) and the replications in
/// flight.
const SPARE_SERIES_MAX: usize = 48;

/// Hands a replication's daily series back for reuse once nothing needs its values; every
/// value must be +0.0 (the fold sets back each cell it reads).
pub fn recycle_series(series: Vec<f64>) {
    debug_assert!(
        series.iter().all(|v| v.to_bits() == 0),
        "a recycled series is zeroed"
    );
    let mut spare = SPARE_SERIES.lock().unwrap_or_else(|e| e.into_inner());
    if spare.len() < SPARE_SERIES_MAX {
        spare.push(series);
    }
}

/// Values of a series in a 4 KB page.
const PAGE_VALUES: usize = 4096 / size_of::<f64>();

/// `len` zeros, in a recycled allocation when one is large enough.
fn zeroed_series(len: usize) -> Vec<f64> {
    let reused = {
        let mut spare = SPARE_SERIES.lock().unwrap_or_else(|e| e.into_inner());
        spare
            .iter()
            .position(|s| s.capacity() >= len)
            .map(|i| spare.swap_remove(i))
    };
    match reused {
        // Already zeros: only its length may differ (a study's arms can differ in shape).
        Some(mut s) => {
            s.resize(len, 0.0);
            s
        }
        None => {
            let mut s = vec![0.0; len];
            // First touch by a write: fresh zeroed memory is unmapped, and the engine's first
            // `+=` into a page would read it (mapping the kernel's shared zero page) and then
            // write it, a second fault that flushes the TLB of every core running the study;
            // in a partitioned run each partition's series took those while the others ran.
            // The value is opaque so the stores of zero into zeroed memory are not dropped.
            for page in s.iter_mut().step_by(PAGE_VALUES) {
                *page = std::hint::black_box(0.0);
            }
            s
        }
    }
}

/// The daily measures of docs/outputs.md, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Units needed at normal burn rates, before any conservation cut (durables: units needed
    /// in use, e.g. ventilated census).
    Need = 0,
    /// Units hospitals try to use, after conservation cuts (durables: as need).
    Demand,
    /// Units delivered to patients (durables: units in use).
    Delivered,
    /// Unmet demand (durables: patient-days without the device).
    Unmet,
    /// Units arriving at the region's hospitals (consumables and durables alike).
    Received,
    /// Stock at hospitals (durables: the fleet).
    OnHandHospital,
    /// Stock at warehouses and reserves.
    OnHandWarehouse,
    /// Stock at suppliers and factories, shippable.
    OnHandFactory,
    /// Units in transit to the region (including allocations waiting to leave).
    InTransit,
    /// Units made but waiting for sterilisation release.
    Sterilising,
    /// Good units produced.
    Produced,
    /// Installed capacity (units per day at full workforce).
    Capacity,
    /// Share of the workforce present at producing firms, capacity-weighted (0 while closed).
    WorkersPresent,
}

/// Severity classes of the census: mild, moderate, severe, critical.
pub const SEVERITY_CLASSES: usize = 4;

/// Names of the severity classes, in census order.
pub const SEVERITY_NAMES: [&str; SEVERITY_CLASSES] = ["mild", "moderate", "severe", "critical"];

/// Number of measures.
pub const MEASURE_COUNT: usize = 13;

/// Column names of the measures.
pub const MEASURE_NAMES: [&str; MEASURE_COUNT] = [
    "need",
    "demand",
    "delivered",
    "unmet",
    "received",
    "on_hand_hospital",
    "on_hand_warehouse",
    "on_hand_factory",
    "in_transit",
    "sterilising",
    "produced",
    "capacity",
    "workers_present",
];

/// One day's service of one item at one place: `need >= demand >= delivered`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Served {
    /// Units needed at normal burn rates.
    pub need: f64,
    /// Units asked for after conservation.
    pub demand: f64,
    /// Units served.
    pub delivered: f64,
}

/// Transport statistics of delivered shipments of one item into one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transport {
    /// Lead times (days) of delivered shipments, in delivery order.
    pub lead_times: Vec<f64>,
    /// Units delivered.
    pub units: u64,
    /// Units that travelled on the green channel for at least one hop.
    pub green_units: u64,
    /// Haulage and tolls paid for the delivered units, by truckloads (prorated).
    #[serde(default)]
    pub transport_cost: f64,
    /// Tolls the green channel waived for the delivered units.
    #[serde(default)]
    pub tolls_waived: f64,
}

/// The outcome of one replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replication {
    /// Replication index (0-based).
    pub index: u32,
    /// Days.
    pub days: usize,
    /// Items.
    pub items: usize,
    /// Regions plus one national slot (the last).
    pub slots: usize,
    /// Daily values, indexed by [`Replication::idx`].
    pub daily: Vec<f64>,
    /// Transport per item × slot.
    pub transport: Vec<Transport>,
    /// Customer orders (`[[node.customer_orders]]`) per item × slot: placed, filled in full.
    #[serde(default)]
    pub customer_orders: Vec<[u64; 2]>,
    /// Patients in care per day, slot and severity class (mild, moderate, severe, critical):
    /// the census that drives the hospitals' demand, summed over each region's hospitals;
    /// indexed by [`Replication::census_idx`].
    #[serde(default)]
    pub census: Vec<f64>,
    /// Units shipped per origin region × destination region × item, counted when a shipment
    /// is dispatched (its stock has left the origin node for the destination node, whatever
    /// the hops between and whether or not it arrives within the horizon); indexed by
    /// [`Replication::flow_idx`]. Origin and destination may be the same region.
    #[serde(default)]
    pub flows: Vec<u64>,
    /// Events handled.
    pub events: u64,
}

impl Replication {
    /// An empty result.
    pub fn new(index: u32, days: usize, items: usize, regions: usize) -> Replication {
        let slots = regions + 1;
        Replication {
            index,
            days,
            items,
            slots,
            daily: zeroed_series(days * items * slots * MEASURE_COUNT),
            transport: vec![Transport::default(); items * slots],
            customer_orders: vec![[0; 2]; items * slots],
            census: vec![0.0; days * slots * SEVERITY_CLASSES],
            flows: vec![0; regions * regions * items],
            events: 0,
        }
    }

    /// Regions (the slots without the national one).
    pub fn regions(&self) -> usize {
        self.slots - 1
    }

    /// Index of the units of `item` shipped from region `from` to region `to` in
    /// [`Replication::flows`].
    pub fn flow_idx(&self, from: usize, to: usize, item: usize) -> usize {
        (from * self.regions() + to) * self.items + item
    }

    /// Adds `qty` units of `item` dispatched from region `from` to region `to`.
    pub fn add_flow(&mut self, from: usize, to: usize, item: usize, qty: u64) {
        let i = self.flow_idx(from, to, item);
        self.flows[i] += qty;
    }

    /// Index of a day's census of class `k` in `slot` in [`Replication::census`].
    pub fn census_idx(&self, day: usize, slot: usize, k: usize) -> usize {
        (day * self.slots + slot) * SEVERITY_CLASSES + k
    }

    /// Adds patients by severity class to a day's census in `slot`.
    pub fn add_census(&mut self, day: usize, slot: usize, patients: &[f64; SEVERITY_CLASSES]) {
        let i = self.census_idx(day, slot, 0);
        for (cell, p) in self.census[i..i + SEVERITY_CLASSES]
            .iter_mut()
            .zip(patients)
        {
            *cell += p;
        }
    }

    /// Index of a value in `daily`.
    pub fn idx(&self, day: usize, item: usize, slot: usize, m: Measure) -> usize {
        ((day * self.items + item) * self.slots + slot) * MEASURE_COUNT + m as usize
    }

    /// A value.
    pub fn get(&self, day: usize, item: usize, slot: usize, m: Measure) -> f64 {
        self.daily[self.idx(day, item, slot, m)]
    }

    /// Asks the cache, ahead of the engine's writes, for the lines of `day`'s values whose
    /// lines on day `like` hold a value. A recycled series is cold, and the first `+=` into
    /// each of its lines otherwise waits on memory; a day writes nearly the lines the day
    /// before wrote, about a third of its row (of `china-2020`'s 30 KB). A no-op past the
    /// last day.
    pub fn prefetch_lines_like(&self, day: usize, like: usize) {
        const LINE: usize = 64 / size_of::<f64>();
        let row = self.items * self.slots * MEASURE_COUNT;
        let (Some(values), Some(model)) = (
            self.daily.get(day * row..(day + 1) * row),
            self.daily.get(like * row..(like + 1) * row),
        ) else {
            return;
        };
        // A line's worth of values at a time, tested with a few vector ORs rather than value
        // by value (a partial one at the end is left to the hardware).
        for (line, seen) in values
            .as_chunks::<LINE>()
            .0
            .iter()
            .zip(model.as_chunks::<LINE>().0)
        {
            if seen.iter().fold(0, |bits, v| bits | v.to_bits()) != 0 {
                prefetch::line_for_write(line.as_ptr().cast());
            }
        }
    }

    /// Adds to a value.
    pub fn add(&mut self, day: usize, item: usize, slot: usize, m: Measure, v: f64) {
        let i = self.idx(day, item, slot, m);
        self.daily[i] += v;
    }

    /// Adds `need` units needed at normal rates, `demand` of them asked for after conservation
    /// and `delivered` of those served, to a day's need, demand, delivered and unmet (adjacent
    /// cells: one index and one bounds check).
    pub fn add_served(&mut self, day: usize, item: usize, slot: usize, served: Served) {
        let i = self.idx(day, item, slot, Measure::Need);
        debug_assert_eq!(self.idx(day, item, slot, Measure::Unmet), i + 3);
        let cells = &mut self.daily[i..i + 4];
        cells[0] += served.need;
        cells[1] += served.demand;
        cells[2] += served.delivered;
        cells[3] += served.demand - served.delivered;
    }

    /// Adds another partition's part of the same replication (each region's cells are
    /// written by one partition only, so the sums are exact).
    pub fn absorb(&mut self, other: &Replication) {
        for (a, b) in self.daily.iter_mut().zip(&other.daily) {
            *a += b;
        }
        for (a, b) in self.transport.iter_mut().zip(&other.transport) {
            a.lead_times.extend_from_slice(&b.lead_times);
            a.units += b.units;
            a.green_units += b.green_units;
            a.transport_cost += b.transport_cost;
            a.tolls_waived += b.tolls_waived;
        }
        for (a, b) in self.customer_orders.iter_mut().zip(&other.customer_orders) {
            *a = [a[0] + b[0], a[1] + b[1]];
        }
        for (a, b) in self.census.iter_mut().zip(&other.census) {
            *a += b;
        }
        // Integer counts: the sum does not depend on the partitions' order.
        for (a, b) in self.flows.iter_mut().zip(&other.flows) {
            *a += b;
        }
        self.events += other.events;
    }

    /// Fills the national slot (daily measures and census) as the sum of the regions (in
    /// region order) and turns the capacity-weighted worker sums into shares.
    pub fn finish(&mut self) {
        let national = self.slots - 1;
        // Row by row ((day, item) for the measures, day for the census), the regions' cells
        // added column-wise in region order: the same sums as one column at a time, but read
        // in memory order.
        for row in self.daily.chunks_exact_mut(self.slots * MEASURE_COUNT) {
            sum_regions_into_national::<MEASURE_COUNT>(row);
            for cells in row.chunks_exact_mut(MEASURE_COUNT) {
                let cap = cells[Measure::Capacity as usize];
                let w = &mut cells[Measure::WorkersPresent as usize];
                *w = if cap > 0.0 { *w / cap } else { 0.0 };
            }
        }
        for row in self.census.chunks_exact_mut(self.slots * SEVERITY_CLASSES) {
            sum_regions_into_national::<SEVERITY_CLASSES>(row);
        }
        for item in 0..self.items {
            let mut orders = [0; 2];
            for s in 0..national {
                let o = self.customer_orders[item * self.slots + s];
                orders = [orders[0] + o[0], orders[1] + o[1]];
            }
            self.customer_orders[item * self.slots + national] = orders;
            let mut all = Transport::default();
            for s in 0..national {
                let t = &self.transport[item * self.slots + s];
                all.lead_times.extend_from_slice(&t.lead_times);
                all.units += t.units;
                all.green_units += t.green_units;
                all.transport_cost += t.transport_cost;
                all.tolls_waived += t.tolls_waived;
            }
            self.transport[item * self.slots + national] = all;
        }
    }
}

/// Sets the last `N` cells of `row` (the national slot) to the sums of the `N`-cell slots
/// before it, each column added in slot order from `-0.0` exactly as `Iterator::sum` does.
fn sum_regions_into_national<const N: usize>(row: &mut [f64]) {
    let (regions, national) = row.split_at_mut(row.len() - N);
    let mut total = [-0.0; N];
    for cells in regions.chunks_exact(N) {
        for (t, c) in total.iter_mut().zip(cells) {
            *t += c;
        }
    }
    national.copy_from_slice(&total);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `finish` as it was written first, one column at a time: the reference for the sums.
    fn finish_by_columns(r: &mut Replication) {
        let national = r.slots - 1;
        for day in 0..r.days {
            for item in 0..r.items {
                for m in 0..MEASURE_COUNT {
                    let total: f64 = (0..national)
                        .map(|s| {
                            r.daily[((day * r.items + item) * r.slots + s) * MEASURE_COUNT + m]
                        })
                        .sum();
                    let i = ((day * r.items + item) * r.slots + national) * MEASURE_COUNT + m;
                    r.daily[i] = total;
                }
                for s in 0..r.slots {
                    let cap = r.get(day, item, s, Measure::Capacity);
                    let w = r.idx(day, item, s, Measure::WorkersPresent);
                    r.daily[w] = if cap > 0.0 { r.daily[w] / cap } else { 0.0 };
                }
            }
            for k in 0..SEVERITY_CLASSES {
                let total: f64 = (0..national)
                    .map(|s| r.census[r.census_idx(day, s, k)])
                    .sum();
                let i = r.census_idx(day, national, k);
                r.census[i] = total;
            }
        }
    }

    #[test]
    fn prefetching_changes_no_value_and_ignores_days_past_the_last() {
        let mut r = Replication::new(0, 2, 2, 3);
        r.add(0, 1, 2, Measure::Received, 4.0);
        let before = r.clone();
        r.prefetch_lines_like(1, 0);
        r.prefetch_lines_like(2, 1);
        r.prefetch_lines_like(1, 5);
        assert_eq!(r, before);
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), Just(-0.0), -1e6..1e6f64, 0.0..3.0f64]
    }

    proptest! {
        /// The national slot holds bit for bit the sums the column-wise loop gave (signed
        /// zeros included), whatever the shape.
        #[test]
        fn finish_sums_rows_as_columns_did(
            days in 1usize..4,
            items in 1usize..3,
            regions in 0usize..5,
            values in proptest::collection::vec(value(), 1..64),
        ) {
            let mut r = Replication::new(0, days, items, regions);
            for (i, cell) in r.daily.iter_mut().enumerate() {
                *cell = values[i % values.len()];
            }
            for (i, cell) in r.census.iter_mut().enumerate() {
                *cell = values[(i * 7) % values.len()];
            }
            let mut expected = r.clone();
            finish_by_columns(&mut expected);
            r.finish();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&r.daily), bits(&expected.daily));
            prop_assert_eq!(bits(&r.census), bits(&expected.census));
        }
    }
}
