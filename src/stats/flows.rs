//! Units shipped between regions ([`Replication::flows`](crate::results::Replication::flows))
//! across replications: per origin region × destination region × item, the running sum (so the
//! mean has the bytes of a sum over every replication in order) and Welford's moments for the
//! 95 % confidence interval of the mean.

use super::{Interval, SUM_START, t_half_width};

/// One origin × destination × item across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FlowCell {
    /// Sum of units over replications, in replication order.
    sum: f64,
    /// Welford's running mean.
    mean: f64,
    /// Welford's sum of squared deviations from the running mean.
    m2: f64,
}

/// Units shipped between regions, folded in replication order.
#[derive(Debug, Clone, PartialEq)]
pub struct Flows {
    /// Regions.
    regions: usize,
    /// Items.
    items: usize,
    /// Replications folded.
    n: usize,
    /// Cells, indexed like [`Replication::flows`](crate::results::Replication::flows).
    cells: Vec<FlowCell>,
}

/// The units of one item shipped from one region to another, across replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    /// Origin region index.
    pub from: usize,
    /// Destination region index (the same as `from` for shipments within a region).
    pub to: usize,
    /// Item index.
    pub item: usize,
    /// Mean units per replication.
    pub mean: f64,
    /// t-based 95 % interval of the mean; None below 2 replications.
    pub ci: Option<Interval>,
}

impl Flows {
    /// Nothing folded yet, for `regions` regions and `items` items.
    pub fn new(regions: usize, items: usize) -> Flows {
        let cell = FlowCell {
            sum: SUM_START,
            mean: 0.0,
            m2: 0.0,
        };
        Flows {
            regions,
            items,
            n: 0,
            cells: vec![cell; regions * regions * items],
        }
    }

    /// Folds the next replication's counts (replications in index order).
    pub fn fold(&mut self, counts: &[u64]) {
        debug_assert_eq!(counts.len(), self.cells.len(), "flows of this model");
        self.n += 1;
        let n = self.n as f64;
        for (cell, &units) in self.cells.iter_mut().zip(counts) {
            let x = units as f64;
            cell.sum += x;
            let d = x - cell.mean;
            cell.mean += d / n;
            cell.m2 += d * (x - cell.mean);
        }
    }

    /// Every origin × destination × item with a positive mean, origin-major, then
    /// destination, then item.
    pub fn nonzero(&self) -> impl Iterator<Item = Flow> + '_ {
        let n = self.n;
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.sum > 0.0)
            .map(move |(i, c)| {
                let mean = c.sum / n as f64;
                let sd = if n > 1 {
                    (c.m2 / (n - 1) as f64).sqrt()
                } else {
                    0.0
                };
                Flow {
                    from: i / (self.regions * self.items),
                    to: i / self.items % self.regions,
                    item: i % self.items,
                    mean,
                    ci: t_half_width(sd, n, 0.05).map(|h| Interval::around(mean, h)),
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::summarize;

    #[test]
    fn folded_flows_have_the_means_and_intervals_of_their_samples() {
        // 2 regions, 2 items: cells (from, to, item) in origin-major order.
        let reps: [[u64; 8]; 3] = [
            [5, 0, 10, 0, 0, 0, 0, 0],
            [7, 0, 0, 0, 0, 0, 0, 0],
            [9, 0, 20, 0, 0, 0, 0, 1],
        ];
        let mut f = Flows::new(2, 2);
        reps.iter().for_each(|r| f.fold(r));
        let got: Vec<Flow> = f.nonzero().collect();
        assert_eq!(
            got.iter()
                .map(|x| (x.from, x.to, x.item))
                .collect::<Vec<_>>(),
            [(0, 0, 0), (0, 1, 0), (1, 1, 1)]
        );
        for (flow, cell) in got.iter().zip([0, 2, 7]) {
            let sample: Vec<f64> = reps.iter().map(|r| r[cell] as f64).collect();
            let s = summarize(&sample).unwrap();
            assert_eq!(flow.mean.to_bits(), s.mean.to_bits());
            let (a, b) = (flow.ci.unwrap(), s.ci.unwrap());
            assert!((a.low - b.low).abs() < 1e-9 && (a.high - b.high).abs() < 1e-9);
        }
        let mut one = Flows::new(2, 2);
        one.fold(&reps[0]);
        assert!(one.nonzero().all(|x| x.ci.is_none()));
    }
}
