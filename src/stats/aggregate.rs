//! What a study's outputs need from its replications, folded one replication at a time in
//! replication order, so that the daily series of a replication can be dropped as soon as it is
//! folded and a study's memory does not grow with its replication count.
//!
//! Per day, item, region slot and measure it keeps a running sum (so means have the bytes of a
//! sum over every replication in order) and a [`QuantileSketch`] (P5/P95 within
//! [`RELATIVE_ACCURACY`](super::sketch::RELATIVE_ACCURACY)); per item and slot, how many
//! replications first ran out on each day; per product, slot and week, the weekly demand,
//! deliveries and fill rate; per day, slot and severity class, the census of patients in care. The only things kept per replication are a few numbers: its KPIs
//! per product and slot (which `replications.csv`, `summary.json`, comparisons, sweeps and
//! sequential stopping need exactly) and, for scenarios with customer orders, their counts.

use super::flows::Flows;
use super::kpi::{KPI_NAMES, kpis};
use super::sketch::QuantileSketch;
use super::{SUM_START, StreamSummary};
use crate::model::{ItemKind, Model};
use crate::results::{MEASURE_COUNT, Measure, Replication, SEVERITY_CLASSES, recycle_series};
use rayon::prelude::*;

/// Replications whose daily series wait to be folded together: folding cell by cell over a
/// batch touches each cell's sketch once per batch instead of once per replication, which is
/// what folding cost (the cells of a study are far larger than the caches). A batch holds at
/// most [`MAX_BATCH`] series and at most [`BATCH_BYTES`] of them (22 series of `china-2020`,
/// 66 MB), less when many arms fold side by side (see [`STUDY_BATCH_BYTES`]).
const MAX_BATCH: usize = 32;

/// Daily cells [`Aggregate::finish`] gathers before it inserts.
const FINISH_BLOCK: usize = 64;

/// Cells per task when cells are made, folded or settled side by side (a multiple of
/// [`FINISH_BLOCK`]).
const PAR_CELLS: usize = 1 << 14;

/// Memory a batch of pending daily series may take, per arm.
const BATCH_BYTES: usize = 64 << 20;

/// Memory the batches of all the arms a study folds side by side may take together. The arms'
/// replications interleave, so every arm's batch fills at about the same time: at 64 MB each,
/// 22 arms of `china-2020` held 1.4 GB of pending series, more than their cells and sketches.
/// A smaller batch costs more cache misses per replication folded, but at 8 series rather
/// than 22 a 22-arm study ran as fast and peaked 0.7 GB lower.
const STUDY_BATCH_BYTES: usize = 512 << 20;

/// Series per batch for series of `cells` values, when `arms` arms fold side by side.
fn batch_len(cells: usize, arms: usize) -> usize {
    let bytes = BATCH_BYTES.min(STUDY_BATCH_BYTES / arms.max(1));
    (bytes / (cells.max(1) * size_of::<f64>())).clamp(1, MAX_BATCH)
}

/// Days in a week of `weekly.csv`.
pub const WEEK: usize = 7;

/// The stock measures `customer_orders.csv` averages, in its column order (factories,
/// warehouses, hospitals).
pub const STOCK_MEASURES: [Measure; 3] = [
    Measure::OnHandFactory,
    Measure::OnHandWarehouse,
    Measure::OnHandHospital,
];

/// One measure of one day, item and slot across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyCell {
    /// Sum over replications, in replication order.
    sum: f64,
    /// Distribution over replications.
    sketch: QuantileSketch,
}

impl DailyCell {
    /// Counts the zeros of the replications folded since the cell was last written (it has
    /// `count()` values of the first `folded`): what folding them one at a time would have done,
    /// since adding 0.0 once or many times, and counting zeros at once or in parts, is the same.
    fn catch_up(&mut self, folded: u64) {
        let gap = folded - self.sketch.count();
        if gap > 0 {
            self.sum += 0.0;
            self.sketch
                .insert_zeros(u32::try_from(gap).expect("replications are numbered in u32"));
        }
    }

    /// Mean over the replications folded.
    pub fn mean(&self) -> f64 {
        self.sum / self.sketch.count() as f64
    }

    /// The `tau` quantile (see [`QuantileSketch::quantile`]).
    pub fn quantile(&self, tau: f64) -> f64 {
        self.sketch.quantile(tau)
    }
}

/// One week of one product and slot across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekCell {
    /// Sum over replications of the week's demand.
    demand: f64,
    /// Sum over replications of the week's deliveries.
    delivered: f64,
    /// The week's fill rate, in replications with demand that week.
    fill_rate: StreamSummary,
}

impl WeekCell {
    /// Sum over replications of the week's demand.
    pub fn demand_sum(&self) -> f64 {
        self.demand
    }

    /// Sum over replications of the week's deliveries.
    pub fn delivered_sum(&self) -> f64 {
        self.delivered
    }

    /// The week's fill rate across replications with demand that week.
    pub fn fill_rate(&self) -> &StreamSummary {
        &self.fill_rate
    }
}

/// Customer orders of one replication, product and slot.
#[derive(Debug, Clone, PartialEq)]
pub struct Orders {
    /// Orders placed.
    pub placed: u64,
    /// Orders filled in full.
    pub filled: u64,
    /// Sum over days of each of [`STOCK_MEASURES`].
    pub stock_sums: [f64; 3],
}

/// The few numbers kept per replication.
#[derive(Debug, Clone, PartialEq)]
pub struct RepRow {
    /// Replication index.
    pub index: u32,
    /// KPIs (in [`KPI_NAMES`] order) per product and slot (product-major), NaN where
    /// undefined (no KPI is NaN where defined); see [`RepRow::kpis`].
    kpis: Vec<f64>,
    /// Customer orders per product and slot (product-major), empty when the scenario has none.
    pub orders: Vec<Orders>,
}

impl RepRow {
    /// The KPIs of the `product`-th product (in [`Aggregate::products`] order) in `slot`, in
    /// [`KPI_NAMES`] order (None where undefined).
    pub fn kpis(
        &self,
        slots: usize,
        product: usize,
        slot: usize,
    ) -> impl Iterator<Item = Option<f64>> + '_ {
        let at = (product * slots + slot) * KPI_NAMES.len();
        self.kpis[at..at + KPI_NAMES.len()]
            .iter()
            .map(|&v| (!v.is_nan()).then_some(v))
    }

    /// KPI `kpi` of the `product`-th product in `slot` (None where undefined).
    pub fn kpi(&self, slots: usize, product: usize, slot: usize, kpi: usize) -> Option<f64> {
        let v = self.kpis[(product * slots + slot) * KPI_NAMES.len() + kpi];
        (!v.is_nan()).then_some(v)
    }
}

/// Whether a model has customer orders (`[[node.customer_orders]]`).
pub fn has_customer_orders(model: &Model) -> bool {
    model.nodes.iter().any(|n| !n.customer_orders.is_empty())
}

/// A study arm's replications, folded in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Days.
    days: usize,
    /// Items.
    items: usize,
    /// Region slots including the national one.
    slots: usize,
    /// Item indices of the products (materials excluded).
    products: Vec<usize>,
    /// Whether customer orders are kept.
    customer_orders: bool,
    /// Events handled, over every replication.
    events: u64,
    /// Daily cells, indexed like [`Replication::daily`].
    daily: Vec<DailyCell>,
    /// Census cells per day, slot and severity class, indexed like [`Replication::census`],
    /// folded in the same batches as the daily cells.
    census: Vec<DailyCell>,
    /// Per item × slot: replications whose first stockout was on each day.
    first_stockouts: Vec<Vec<u32>>,
    /// Per product × slot × week.
    weeks: Vec<WeekCell>,
    /// Units shipped between regions.
    flows: Flows,
    /// One row per replication, in order.
    reps: Vec<RepRow>,
    /// Daily series of the last replications folded, not yet in `daily` (fewer than `batch`;
    /// none after [`Aggregate::finish`]).
    pending: Vec<Vec<f64>>,
    /// Their census series, not yet in `census`.
    pending_census: Vec<Vec<f64>>,
    /// Series folded together (see [`batch_len`]).
    batch: usize,
    /// Replications folded into `daily` and `census`. A cell that was zero in all of them since it was
    /// last written has not been touched: it counts those zeros when it is next written, or
    /// when [`Aggregate::finish`] settles every cell (see [`DailyCell::catch_up`]).
    folded: u64,
}

/// Folds a batch of series (one per replication, in order, each indexed like `cells`) into
/// `cells`, which have taken the first `folded` replications: each cell takes the batch's
/// values in order, so sums have the same bytes as folding one replication at a time. A cell
/// that is zero in every series of the batch is not touched (two cells in three of
/// `china-2020`'s daily series are zero in every replication, and writing each of them once
/// per batch was memory traffic for nothing); it counts those zeros when it is next written
/// (see [`DailyCell::catch_up`]). Every value read is set back to +0.0.
fn fold_cells<S: AsMut<[f64]>>(cells: &mut [DailyCell], pending: &mut [S], folded: u64) {
    let k = pending.len();
    // A block of cells at a time: first find the cells with a value that is not zero and
    // read their bucket lists, then gather each such cell's values and insert them. The
    // reads of a block overlap; an insert's binary search alone waits for one cache miss
    // after another, which was most of the fold's time (the cells' lists are far larger
    // than the caches).
    let mut row = [0.0; MAX_BATCH];
    for (b, cells) in cells.chunks_mut(FINISH_BLOCK).enumerate() {
        let at = b * FINISH_BLOCK;
        // The bits of each cell's values OR'ed over the batch, zero when every value is
        // +0.0: one sequential pass per series, rather than a gather per cell, since most
        // cells are zero throughout.
        let mut bits = [0u64; FINISH_BLOCK];
        let bits = &mut bits[..cells.len()];
        for series in &mut *pending {
            for (o, v) in bits.iter_mut().zip(&series.as_mut()[at..at + cells.len()]) {
                *o |= v.to_bits();
            }
        }
        let mut warm = 0u32;
        for (cell, &o) in cells.iter().zip(&*bits) {
            if o != 0 {
                warm = warm.wrapping_add(cell.sketch.touch());
            }
        }
        std::hint::black_box(warm);
        for (j, (cell, &o)) in cells.iter_mut().zip(&*bits).enumerate() {
            if o == 0 {
                continue;
            }
            let row = &mut row[..k];
            // Taken, leaving +0.0: the daily series go back for reuse all zeros without a
            // 3 MB clear each (see `recycle_series`).
            for (v, series) in row.iter_mut().zip(&mut *pending) {
                *v = std::mem::take(&mut series.as_mut()[at + j]);
            }
            cell.catch_up(folded);
            for &v in &*row {
                cell.sum += v;
            }
            cell.sketch.insert_all(row);
        }
    }
}

/// [`fold_cells`] over runs of [`PAR_CELLS`] cells side by side on the current rayon pool, each
/// run with the same run of every pending series. Cells are independent, and each still takes
/// its values in replication order, so the result is the same to the bit.
fn fold_cells_par(cells: &mut [DailyCell], pending: &mut [Vec<f64>], folded: u64) {
    let mut runs: Vec<_> = pending
        .iter_mut()
        .map(|s| s.chunks_mut(PAR_CELLS))
        .collect();
    let tasks: Vec<(&mut [DailyCell], Vec<&mut [f64]>)> = cells
        .chunks_mut(PAR_CELLS)
        .map(|cells| {
            let series = runs.iter_mut().filter_map(Iterator::next).collect();
            (cells, series)
        })
        .collect();
    tasks
        .into_par_iter()
        .for_each(|(cells, mut series)| fold_cells(cells, &mut series, folded));
}

/// `n` cells with nothing folded, made side by side on the current rayon pool: a year of a
/// large network has millions of cells (44 MB at 2×10⁴ nodes), a serial step before the first
/// replication otherwise.
fn empty_cells(n: usize) -> Vec<DailyCell> {
    let mut cells = Vec::new();
    (0..n)
        .into_par_iter()
        .with_min_len(PAR_CELLS)
        .map(|_| DailyCell {
            sum: SUM_START,
            sketch: QuantileSketch::new(),
        })
        .collect_into_vec(&mut cells);
    cells
}

impl Aggregate {
    /// Nothing folded yet, for `model`'s replications (its cells made on the current rayon
    /// pool).
    pub fn new(model: &Model) -> Aggregate {
        Aggregate::with_arms(model, 1)
    }

    /// One empty aggregate per arm of a study whose arms are folded side by side, their
    /// batches of pending series sharing one budget (see [`STUDY_BATCH_BYTES`]).
    pub fn for_arms(models: &[Model]) -> Vec<Aggregate> {
        models
            .iter()
            .map(|m| Aggregate::with_arms(m, models.len()))
            .collect()
    }

    /// Nothing folded yet, for `model`'s replications, one of `arms` arms folded side by side.
    fn with_arms(model: &Model, arms: usize) -> Aggregate {
        let days = model.days as usize;
        let items = model.items.len();
        let slots = model.regions.len() + 1;
        let products: Vec<usize> = (0..items)
            .filter(|&i| model.items[i].kind != ItemKind::Material)
            .collect();
        let week_cell = WeekCell {
            demand: SUM_START,
            delivered: SUM_START,
            fill_rate: StreamSummary::default(),
        };
        let daily = empty_cells(days * items * slots * MEASURE_COUNT);
        Aggregate {
            days,
            items,
            slots,
            customer_orders: has_customer_orders(model),
            events: 0,
            census: empty_cells(days * slots * SEVERITY_CLASSES),
            batch: batch_len(daily.len(), arms),
            daily,
            first_stockouts: vec![vec![0; days]; items * slots],
            weeks: vec![week_cell; products.len() * slots * days.div_ceil(WEEK)],
            products,
            flows: Flows::new(model.regions.len(), items),
            reps: Vec::new(),
            pending: Vec::new(),
            pending_census: Vec::new(),
            folded: 0,
        }
    }

    /// Folds the next replication (they must come in index order, one after another); call
    /// [`Aggregate::finish`] after the last.
    pub fn fold(&mut self, model: &Model, rep: Replication) {
        debug_assert_eq!(rep.index as usize, self.reps.len(), "replications in order");
        debug_assert_eq!(
            rep.daily.len(),
            self.daily.len(),
            "a replication of this model"
        );
        self.events += rep.events;
        for item in 0..self.items {
            for slot in 0..self.slots {
                if let Some(d) =
                    (0..self.days).find(|&d| rep.get(d, item, slot, Measure::Unmet) > 0.0)
                {
                    self.first_stockouts[item * self.slots + slot][d] += 1;
                }
            }
        }
        let weeks = self.days.div_ceil(WEEK);
        let mut kpi_row = Vec::with_capacity(self.products.len() * self.slots * KPI_NAMES.len());
        let mut orders = Vec::new();
        for (p, &item) in self.products.iter().enumerate() {
            for slot in 0..self.slots {
                for week in 0..weeks {
                    let (demand, delivered) = (week * WEEK..((week + 1) * WEEK).min(self.days))
                        .fold((0.0, 0.0), |(d, x), day| {
                            (
                                d + rep.get(day, item, slot, Measure::Demand),
                                x + rep.get(day, item, slot, Measure::Delivered),
                            )
                        });
                    let cell = &mut self.weeks[(p * self.slots + slot) * weeks + week];
                    cell.demand += demand;
                    cell.delivered += delivered;
                    if demand > 0.0 {
                        cell.fill_rate.push(delivered / demand);
                    }
                }
                kpi_row.extend(kpis(model, &rep, item, slot).into_iter().map(|v| {
                    debug_assert!(v.is_none_or(|v| !v.is_nan()), "a defined KPI is a number");
                    v.unwrap_or(f64::NAN)
                }));
                if self.customer_orders {
                    let [placed, filled] = rep.customer_orders[item * rep.slots + slot];
                    orders.push(Orders {
                        placed,
                        filled,
                        stock_sums: STOCK_MEASURES
                            .map(|m| (0..rep.days).map(|d| rep.get(d, item, slot, m)).sum()),
                    });
                }
            }
        }
        debug_assert_eq!(
            rep.census.len(),
            self.census.len(),
            "a census of this model"
        );
        self.flows.fold(&rep.flows);
        self.reps.push(RepRow {
            index: rep.index,
            kpis: kpi_row,
            orders,
        });
        self.pending.push(rep.daily);
        self.pending_census.push(rep.census);
        if self.pending.len() == self.batch {
            self.fold_pending();
        }
    }

    /// Folds the daily series still pending into the daily cells and counts in every cell the
    /// zeros it has not been written for, on the current rayon pool: call after the last
    /// replication, before the cells are read.
    pub fn finish(&mut self) {
        self.fold_pending();
        let folded = self.folded;
        let catch_up = |c: &mut DailyCell| c.catch_up(folded);
        self.daily
            .par_iter_mut()
            .with_min_len(PAR_CELLS)
            .for_each(catch_up);
        self.census
            .par_iter_mut()
            .with_min_len(PAR_CELLS)
            .for_each(catch_up);
    }

    /// Folds the daily and census series still pending into their cells (see [`fold_cells`]),
    /// then hands the daily series back for reuse.
    fn fold_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let k = self.pending.len();
        fold_cells_par(&mut self.daily, &mut self.pending, self.folded);
        fold_cells_par(&mut self.census, &mut self.pending_census, self.folded);
        self.folded += k as u64;
        self.pending.drain(..).for_each(recycle_series);
        self.pending_census.clear();
    }

    /// The aggregate of `reps`, in the order given (for tests: studies fold as they run).
    #[cfg(test)]
    pub(crate) fn of(model: &Model, reps: &[Replication]) -> Aggregate {
        let mut a = Aggregate::new(model);
        reps.iter().for_each(|r| a.fold(model, r.clone()));
        a.finish();
        a
    }

    /// Replications folded.
    pub fn replications(&self) -> usize {
        self.reps.len()
    }

    /// Events handled, over every replication folded.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Item indices of the products (materials excluded), in item order.
    pub fn products(&self) -> &[usize] {
        &self.products
    }

    /// Region slots including the national one (the last).
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// One measure (`Measure as usize`) of one day, item and slot (after
    /// [`Aggregate::finish`]).
    pub fn daily(&self, day: usize, item: usize, slot: usize, measure: usize) -> &DailyCell {
        assert!(self.pending.is_empty(), "daily cells read before finish()");
        let cell =
            &self.daily[((day * self.items + item) * self.slots + slot) * MEASURE_COUNT + measure];
        debug_assert_eq!(cell.sketch.count(), self.folded, "a settled cell");
        cell
    }

    /// Patients in care of severity class `k` (mild, moderate, severe, critical) in `slot` on
    /// `day`, across replications.
    pub fn census(&self, day: usize, slot: usize, k: usize) -> &DailyCell {
        assert!(self.pending.is_empty(), "census cells read before finish()");
        &self.census[(day * self.slots + slot) * SEVERITY_CLASSES + k]
    }

    /// Per day, how many replications first had unmet demand of `item` in `slot` that day.
    pub fn first_stockouts(&self, item: usize, slot: usize) -> &[u32] {
        &self.first_stockouts[item * self.slots + slot]
    }

    /// Week `week` of the `product`-th product (in [`Aggregate::products`] order) in `slot`.
    pub fn week(&self, product: usize, slot: usize, week: usize) -> &WeekCell {
        &self.weeks[(product * self.slots + slot) * self.days.div_ceil(WEEK) + week]
    }

    /// Units shipped between regions across replications.
    pub fn flows(&self) -> &Flows {
        &self.flows
    }

    /// The rows kept per replication, in order.
    pub fn reps(&self) -> &[RepRow] {
        &self.reps
    }

    /// The values of KPI `kpi` of the `product`-th product in `slot`, in replication order,
    /// where defined.
    pub fn kpi_values(&self, product: usize, slot: usize, kpi: usize) -> Vec<f64> {
        self.reps
            .iter()
            .filter_map(|r| r.kpi(self.slots, product, slot, kpi))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile;

    fn minimal() -> Model {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/minimal.toml");
        let file = crate::scenario::ScenarioFile::read(&path).unwrap();
        crate::model::build::build(&file, None).unwrap()
    }

    /// Everything an aggregate holds that could grow with the replications folded, apart from
    /// its rows per replication: values in its sketches and cells.
    fn held(a: &Aggregate) -> usize {
        a.daily.iter().map(|c| c.sketch.buckets()).sum::<usize>()
            + a.weeks
                .iter()
                .map(|w| w.fill_rate.sketch_buckets())
                .sum::<usize>()
            + a.census.iter().map(|c| c.sketch.buckets()).sum::<usize>()
            + a.daily.len()
            + a.first_stockouts.iter().map(Vec::len).sum::<usize>()
            + a.weeks.len()
    }

    #[test]
    fn arms_folded_side_by_side_share_one_budget_for_their_batches() {
        // A daily series of `china-2020` is 374,400 values, 3 MB.
        let cells = 374_400;
        assert_eq!(batch_len(cells, 1), 22);
        assert_eq!(batch_len(cells, 8), 22, "a few arms keep their own budget");
        assert_eq!(batch_len(cells, 22), 8);
        assert_eq!(batch_len(cells, 400), 1);
        for arms in 1..200 {
            let b = batch_len(cells, arms);
            assert!(
                b == 1 || arms * b * cells * 8 <= STUDY_BATCH_BYTES,
                "{arms}"
            );
        }
        let m = minimal();
        let many = Aggregate::for_arms(&vec![m.clone(); 3]);
        assert!(many.iter().all(|a| a.batch == batch_len(a.daily.len(), 3)));
    }

    #[test]
    fn the_batch_does_not_change_what_is_folded() {
        let m = minimal();
        let ctx = crate::engine::RunContext::new(&m);
        let (mut big, mut one) = (Aggregate::new(&m), Aggregate::with_arms(&m, usize::MAX));
        assert!(
            big.batch > 8 && one.batch == 1,
            "{} {}",
            big.batch,
            one.batch
        );
        for i in 0..20 {
            let rep = crate::engine::run_replication(&ctx, 5, i).unwrap();
            big.fold(&m, rep.clone());
            one.fold(&m, rep);
        }
        big.finish();
        one.finish();
        // Compared as text: a KPI that is undefined is NaN, which equals nothing.
        one.batch = big.batch;
        assert_eq!(format!("{big:?}"), format!("{one:?}"));
    }

    #[test]
    fn folding_keeps_no_series_of_a_replication() {
        let m = minimal();
        let rep =
            crate::engine::run_replication(&crate::engine::RunContext::new(&m), 5, 0).unwrap();
        let mut a = Aggregate::new(&m);
        let mut sizes = Vec::new();
        for i in 0..300u32 {
            // The same outcome under ever new indices: anything kept per replication beyond
            // its row would show as growth.
            let mut r = rep.clone();
            r.index = i;
            a.fold(&m, r);
            assert!(a.pending.len() < a.batch);
            a.finish();
            sizes.push(held(&a));
        }
        assert!(sizes.iter().all(|&s| s == sizes[0]), "grew: {sizes:?}");
        assert_eq!(a.replications(), 300);
        // What a replication leaves behind is its row of KPIs, a few numbers per product and
        // slot, not its daily series.
        let row = a.reps()[299].kpis.len() + a.reps()[299].orders.len();
        assert_eq!(
            row,
            a.products().len() * a.slots() * KPI_NAMES.len(),
            "minimal.toml has no customer orders"
        );
        assert!(row * 20 < rep.daily.len(), "{row} vs {}", rep.daily.len());
    }

    #[test]
    fn cells_left_untouched_while_zero_count_their_zeros_in_order() {
        let m = minimal();
        let mut a = Aggregate::new(&m);
        // Per cell, its value in each replication, folded in batches of 2, 3, 1 and 2.
        let cells: [[f64; 8]; 5] = [
            [0.0; 8],
            [-0.0, -0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 2.5, 0.0, 0.0, 7.0, 0.0],
            [-0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0],
            [0.0, 0.0, 0.0, 0.0, 0.0, -3.0, 0.0, 0.0],
        ];
        let at = |c: usize| c * 997;
        let batches = [2, 3, 1, 2];
        let mut rep = 0;
        for batch in batches {
            for _ in 0..batch {
                let mut series = vec![0.0; a.daily.len()];
                for (c, values) in cells.iter().enumerate() {
                    series[at(c)] = values[rep];
                }
                a.pending.push(series);
                rep += 1;
            }
            a.fold_pending();
        }
        a.finish();
        for (c, values) in cells.iter().enumerate() {
            // Every cell written in every batch, as cells were before: the zeros of a batch
            // of zeros at once (the sign of a zero extreme can follow which way zeros were
            // counted), the values of any other batch one at a time.
            let mut each = DailyCell {
                sum: SUM_START,
                sketch: QuantileSketch::new(),
            };
            let mut from = 0;
            for batch in batches {
                let row = &values[from..from + batch];
                from += batch;
                if row.iter().all(|v| v.to_bits() == 0) {
                    each.sum += 0.0;
                    each.sketch.insert_zeros(batch as u32);
                    continue;
                }
                for &v in row {
                    each.sum += v;
                    each.sketch.insert(v);
                }
            }
            let cell = &a.daily[at(c)];
            assert_eq!(cell.sum.to_bits(), each.sum.to_bits(), "cell {c}");
            assert_eq!(cell.sketch, each.sketch, "cell {c}");
            for tau in [0.0, 0.05, 0.95, 1.0] {
                assert_eq!(
                    cell.quantile(tau).to_bits(),
                    each.quantile(tau).to_bits(),
                    "cell {c} at {tau}"
                );
            }
        }
        assert_eq!(a.daily[1].sketch.count(), 8, "untouched cells settled too");
    }

    #[test]
    fn folded_means_and_stockouts_match_the_replications() {
        let m = minimal();
        let reps = crate::study::run_replications(&m, 9, 12, 2).unwrap();
        let a = Aggregate::of(&m, &reps);
        let (item, slot, k) = (a.products()[0], 0, Measure::OnHandHospital as usize);
        for day in [0, 10, 40] {
            let values: Vec<f64> = reps
                .iter()
                .map(|r| r.daily[r.idx(day, item, slot, Measure::OnHandHospital)])
                .collect();
            let cell = a.daily(day, item, slot, k);
            let exact = values.iter().sum::<f64>() / values.len() as f64;
            assert_eq!(cell.mean().to_bits(), exact.to_bits());
            for tau in [0.05, 0.95] {
                let q = quantile(&values, tau);
                assert!((cell.quantile(tau) - q).abs() <= 0.005 * q.abs(), "{tau}");
            }
        }
        let firsts = reps
            .iter()
            .filter(|r| (0..r.days).any(|d| r.get(d, item, slot, Measure::Unmet) > 0.0))
            .count();
        assert_eq!(
            a.first_stockouts(item, slot).iter().sum::<u32>() as usize,
            firsts
        );
        assert_eq!(a.events(), reps.iter().map(|r| r.events).sum::<u64>());
    }
}
