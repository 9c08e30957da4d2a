//! Each replication's census: regions whose epidemic has parameters drawn per replication get
//! their own census, drawn from the region's `epidemic` stream (so replication *r* of every
//! variant draws the same epidemic: common random numbers); the others share the run
//! context's. What drives the hospitals' demand (their share of the region's census, or their
//! CSV series) is recorded per region and day for `census.csv`.

use crate::demand::seir::{census_of, new_cases, onsets_many};
use crate::engine::streams::{Purpose, Streams};
use crate::engine::{RunContext, Sim, stream};
use crate::model::{Census, Epidemic, Region, RiskLevel, Severity};
use std::borrow::Cow;

/// Every region's census and risk level schedule in one replication.
pub(in crate::engine) struct Epidemics<'m> {
    /// Census per region and day.
    pub census: Cow<'m, [Vec<Severity>]>,
    /// Risk level schedule per region.
    pub levels: Cow<'m, [Vec<(u32, RiskLevel)>]>,
}

/// A region's risk level schedule when its epidemic runs as `e` with daily `onsets`: its
/// `risk_by_incidence` rule's, or its schedule.
pub(in crate::engine) fn region_levels(
    region: &Region,
    e: &Epidemic,
    onsets: &[f64],
) -> Vec<(u32, RiskLevel)> {
    match &region.by_incidence {
        Some(rule) => {
            let start = region.risk.first().map_or(RiskLevel::Low, |s| s.1);
            rule.levels(start, &new_cases(e, onsets), e.population)
        }
        None => region.risk.clone(),
    }
}

/// The census and risk levels of every region for one replication: the context's, with the
/// regions whose epidemic is drawn per replication replaced by their draw. A region is drawn
/// (once, from its `epidemic` stream) when a hospital that `owns_node` takes a share of its
/// census, or when its risk level follows its epidemic (then in every partition, which all
/// need every region's level); a draw never depends on which partition makes it.
pub(in crate::engine) fn replication_epidemics<'m>(
    ctx: &'m RunContext<'m>,
    streams: &mut Streams,
    owns_node: impl Fn(usize) -> bool,
) -> Epidemics<'m> {
    let m = ctx.model;
    let uncertain = |r: &Region| r.epidemic.as_ref().is_some_and(|e| e.is_uncertain());
    if !m.regions.iter().any(uncertain) {
        return Epidemics {
            census: Cow::Borrowed(&ctx.census),
            levels: Cow::Borrowed(&ctx.levels),
        };
    }
    let mut needed = vec![false; m.regions.len()];
    for (n, node) in m.nodes.iter().enumerate() {
        if matches!(node.census, Some(Census::RegionShare(_))) && owns_node(n) {
            needed[node.region] = true;
        }
    }
    // Every epidemic drawn first (each region from its own stream, so the order changes no
    // number), then integrated side by side.
    let drawn: Vec<(usize, Epidemic)> = m
        .regions
        .iter()
        .enumerate()
        .filter(|(r, region)| needed[*r] || region.by_incidence.is_some())
        .filter_map(|(r, region)| {
            let e = region.epidemic.as_ref().filter(|e| e.is_uncertain())?;
            let entity = m.nodes.len() + m.links.len() + r;
            Some((r, e.draw(stream(streams, m, entity, Purpose::Epidemic))))
        })
        .collect();
    let epidemics: Vec<&Epidemic> = drawn.iter().map(|(_, e)| e).collect();
    let mut census = ctx.census.clone();
    let mut levels = Cow::Borrowed(ctx.levels.as_slice());
    for ((r, e), onsets) in drawn.iter().zip(onsets_many(&epidemics, m.days)) {
        let region = &m.regions[*r];
        if needed[*r] {
            census[*r] = census_of(e, &onsets);
        }
        if region.by_incidence.is_some() {
            levels.to_mut()[*r] = region_levels(region, e, &onsets);
        }
    }
    Epidemics {
        census: Cow::Owned(census),
        levels,
    }
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
