//! The mechanisms of docs/model.md, one file each, as event handlers on [`crate::engine::Sim`].

pub mod breakdowns;
pub mod census;
pub mod checkpoints;
pub mod closures;
pub mod conservation_strategies;
pub mod conversion;
pub mod customer_orders;
pub mod dispatch;
pub mod green_channel;
pub mod hospital_demand;
pub mod make_to_order;
pub mod outbreaks;
pub mod production;
pub mod redeployment;
pub mod replenishment;
pub mod reserves;
pub mod restart;
pub mod routing;
pub mod sterilisation;
pub mod tolls;
pub mod transport;
pub mod workers;
