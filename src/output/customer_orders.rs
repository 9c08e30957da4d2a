//! `customer_orders.csv` (only for scenarios with `[[node.customer_orders]]`): per replication ×
//! product × region, the customer orders placed and filled in full, their share, and the mean
//! end-of-day stock per node of each echelon (the figures a comparison with other simulators of
//! the same network needs).

use super::{Exporter, VariantRun, num, opt_num};
use crate::model::Echelon;
use crate::results::Measure;
use std::io::{self, Write};

/// Writes `customer_orders.csv`.
pub struct CustomerOrdersCsv;

impl CustomerOrdersCsv {
    /// Whether the run has customer orders at all.
    pub fn applies(run: &VariantRun) -> bool {
        run.model
            .nodes
            .iter()
            .any(|n| !n.customer_orders.is_empty())
    }
}

impl Exporter for CustomerOrdersCsv {
    fn file_name(&self) -> &'static str {
        "customer_orders.csv"
    }

    fn write(&self, run: &VariantRun, out: &mut dyn Write) -> io::Result<()> {
        let m = run.model;
        let echelons = [
            (Echelon::Factory, Measure::OnHandFactory),
            (Echelon::Warehouse, Measure::OnHandWarehouse),
            (Echelon::Hospital, Measure::OnHandHospital),
        ];
        // Nodes per slot and echelon (the national slot counts them all).
        let national = m.regions.len();
        let mut count = vec![[0usize; 3]; national + 1];
        for n in &m.nodes {
            if let Some(e) = n.kind.echelon() {
                let k = echelons.iter().position(|x| x.0 == e).unwrap_or(0);
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
        for rep in &run.reps {
            for item in run.products() {
                for (slot, count) in count.iter().enumerate() {
                    let [placed, filled] = rep.customer_orders[item * rep.slots + slot];
                    let mut row = vec![
                        rep.index.to_string(),
                        m.items[item].id.clone(),
                        run.slot_name(slot).to_string(),
                        placed.to_string(),
                        filled.to_string(),
                        opt_num((placed > 0).then(|| filled as f64 / placed as f64)),
                    ];
                    for (k, &(_, measure)) in echelons.iter().enumerate() {
                        let nodes = count[k];
                        let sum: f64 = (0..rep.days).map(|d| rep.get(d, item, slot, measure)).sum();
                        row.push(if nodes == 0 {
                            String::new()
                        } else {
                            num(sum / rep.days as f64 / nodes as f64)
                        });
                    }
                    w.write_record(&row)?;
                }
            }
        }
        w.flush()
    }
}
