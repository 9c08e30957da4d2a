//! Each replication's census: regions whose epidemic has parameters drawn per replication get
//! their own census, drawn from the region's `epidemic` stream (so replication *r* of every
//! variant draws the same epidemic: common random numbers); the others share the run
//! context's. What drives the hospitals' demand (their share of the region's census, or their
//! CSV series) is recorded per region and day for `census.csv`.

use crate::demand::seir::census;
use crate::engine::streams::{Purpose, Streams};
use crate::engine::{RunContext, Sim, stream};
use crate::model::{Census, Severity};
use std::borrow::Cow;

/// The census of every region for one replication: the context's, with the regions whose
/// epidemic is drawn per replication replaced by their draw. Only regions with a hospital
/// that `owns_node` and that takes a share of the region's census are drawn (a partition
/// draws its own regions; a draw never depends on which partition makes it).
pub(in crate::engine) fn replication_census<'m>(
    ctx: &'m RunContext<'m>,
    streams: &mut Streams,
    owns_node: impl Fn(usize) -> bool,
) -> Cow<'m, [Vec<Severity>]> {
    let m = ctx.model;
    if !m
        .regions
        .iter()
        .any(|r| r.epidemic.as_ref().is_some_and(|e| e.is_uncertain()))
    {
        return Cow::Borrowed(&ctx.census);
    }
    let mut needed = vec![false; m.regions.len()];
    for (n, node) in m.nodes.iter().enumerate() {
        if matches!(node.census, Some(Census::RegionShare(_))) && owns_node(n) {
            needed[node.region] = true;
        }
    }
    let mut all = ctx.census.clone();
    for (r, region) in m.regions.iter().enumerate() {
        let Some(e) = region.epidemic.as_ref().filter(|e| e.is_uncertain()) else {
            continue;
        };
        if needed[r] {
            let entity = m.nodes.len() + m.links.len() + r;
            all[r] = census(
                &e.draw(stream(streams, m, entity, Purpose::Epidemic)),
                m.days,
            );
        }
    }
    Cow::Owned(all)
}

impl Sim<'_> {
    /// Adds the census of every hospital this simulation owns to its region's daily census
    /// (the national total is summed when the replication finishes).
    pub(in crate::engine) fn record_census(&mut self) {
        let days = self.out.days;
        for (n, node) in self.m.nodes.iter().enumerate() {
            let Some(c) = node.census.as_ref() else {
                continue;
            };
            if !self.owns(n) {
                continue;
            }
            match c {
                Census::RegionShare(share) => {
                    for (day, row) in self.region_census[node.region]
                        .iter()
                        .take(days)
                        .enumerate()
                    {
                        self.out
                            .add_census(day, node.region, &row.map(|x| x * share));
                    }
                }
                Census::Series(series) => {
                    for (day, row) in series.iter().take(days).enumerate() {
                        self.out.add_census(day, node.region, row);
                    }
                }
            }
        }
    }
}
