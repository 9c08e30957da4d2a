//! `customer_orders.csv` (only for scenarios with `[[node.customer_orders]]`): per replication ×
//! product × region, the customer orders placed and filled in full, their share, and the mean
//! end-of-day stock per node of each echelon (the figures a comparison with other simulators of
//! the same network needs).

use super::{Exporter, VariantRun, num, opt_num};
use crate::model::Echelon;
use crate::stats::aggregate::has_customer_orders;
use std::io::{self, Write};

/// Writes `customer_orders.csv`.
pub struct CustomerOrdersCsv;

impl CustomerOrdersCsv {
    /// Whether the run has customer orders at all.
    pub fn applies(run: &VariantRun) -> bool {
        has_customer_orders(run.model)
    }
}

impl Exporter for CustomerOrdersCsv {
    fn file_name(&self) -> &'static str {
        "customer_orders.csv"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let m = run.model;
        // In the order of STOCK_MEASURES.
        let echelons = [Echelon::Factory, Echelon::Warehouse, Echelon::Hospital];
        // Nodes per slot and echelon (the national slot counts them all).
        let national = m.regions.len();
        let mut count = vec![[0usize; 3]; national + 1];
        for n in &m.nodes {
            if let Some(e) = n.kind.echelon() {
                let k = echelons.iter().position(|&x| x == e).unwrap_or(0);
                count[n.region][k] += 1;
                count[national][k] += 1;
            }
        }
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "replication",
            "product",
            "region",
            "orders",
            "orders_filled",
            "filled_share",
            "mean_stock_per_factory",
            "mean_stock_per_warehouse",
            "mean_stock_per_hospital",
        ])?;
        let days = m.days as f64;
        for rep in run.agg.reps() {
            for (p, &item) in run.products().iter().enumerate() {
                for (slot, count) in count.iter().enumerate() {
                    let o = &rep.orders[p * run.slots() + slot];
                    let mut row = vec![
                        rep.index.to_string(),
                        m.items[item].id.clone(),
                        run.slot_name(slot).to_string(),
                        o.placed.to_string(),
                        o.filled.to_string(),
                        opt_num((o.placed > 0).then(|| o.filled as f64 / o.placed as f64)),
                    ];
                    for (&nodes, &sum) in count.iter().zip(&o.stock_sums) {
                        row.push(if nodes == 0 {
                            String::new()
                        } else {
                            num(sum / days / nodes as f64)
                        });
                    }
                    w.write_record(&row)?;
                }
            }
        }
        w.flush()
    }
}
