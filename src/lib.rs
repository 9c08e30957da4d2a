//! medsupply: a deterministic discrete-event simulator of medical protective-supply logistics
//! in an epidemic surge.
//!
//! Data flows one way: scenario file ([`scenario`]) → validated model ([`model`]) → engine
//! ([`engine`], with the mechanisms in [`mechanisms`] and demand in [`demand`]) → per-replication
//! results ([`results`]) → statistics ([`stats`]) → writers ([`output`]) → charts and the HTML
//! report ([`plots`]), drawn from the written files. [`check`] compares written results with a
//! committed baseline, for regression checks in CI. [`calibrate`] fits scenario parameters to
//! observed figures. [`optimize`] finds the best setting of decision variables for a KPI.

pub mod calibrate;
pub mod check;
pub mod demand;
pub mod engine;
pub mod error;
pub mod generate;
pub mod init;
pub mod model;
pub mod optimize;
pub mod output;
pub mod plots;
pub mod results;
pub mod scenario;
pub mod stats;
pub mod study;
#[cfg(test)]
pub(crate) mod testutil;
pub mod util;

pub use error::{Error, Result};
