//! Link closures as a schedule drawn up front for each replication: the scheduled
//! `[[disruption]]`s (model data) and the random closures of links with a `closure_rate`, drawn
//! day by day from each link's own [`Purpose::Closure`] stream. Every partition draws the same
//! schedule, so a route chosen in one partition may avoid a closed link another partition owns.

use crate::engine::queue::Tick;
use crate::engine::streams::{Purpose, Streams};
use crate::engine::{Ev, Sim, class, stream};
use crate::model::{LinkId, Model, TICKS_PER_DAY};
use rand::RngExt;
use std::sync::Arc;

/// A link closing at `at` until `until` (perhaps extending a closure already in force).
#[derive(Debug, Clone, Copy)]
struct Close {
    at: Tick,
    link: LinkId,
    until: Tick,
}

/// One replication's link closures.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct Closures {
    /// Every closing, by time then link.
    closes: Vec<Close>,
    /// The times at which the set of closed links, or when one reopens, changes; ascending.
    changes: Vec<Tick>,
}

/// The links closed at a moment, each with the time it reopens, and the time since which this
/// set holds. Routes depend on it, so it is part of a route's cache key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Closed {
    /// When the set took this form (the routing cost of a closure is counted from here).
    pub since: Tick,
    /// Closed links and their reopening times, by link.
    pub links: Box<[(LinkId, Tick)]>,
}

impl Closed {
    /// The days a shipment entering `link` would wait for it to reopen, as routing sees them
    /// (0 for an open link).
    pub fn wait_days(&self, link: LinkId) -> f64 {
        self.links
            .binary_search_by_key(&link, |c| c.0)
            .map_or(0.0, |k| {
                (self.links[k].1 - self.since) as f64 / TICKS_PER_DAY as f64
            })
    }

    /// Whether `link` is closed.
    pub fn has(&self, link: LinkId) -> bool {
        self.links.binary_search_by_key(&link, |c| c.0).is_ok()
    }
}

impl Closures {
    /// Draws replication's closures. The draws are those the links made day by day before
    /// (one uniform a day while open, then the duration), so the streams do not shift.
    pub(in crate::engine) fn draw(m: &Model, streams: &mut Streams) -> Closures {
        let mut links: Vec<LinkId> = m.disruptions.iter().map(|d| d.link).collect();
        // Looked up per spec first: a large link group seldom has a closure rate.
        if m.links.any_props(|p| p.closure_rate > 0.0) {
            links.extend((0..m.links.len()).filter(|&l| m.links.props(l).closure_rate > 0.0));
        }
        links.sort_unstable();
        links.dedup();
        let mut out = Closures::default();
        for l in links {
            let props = m.links.props(l);
            let mut planned: Vec<(u32, f64)> = m
                .disruptions
                .iter()
                .filter(|d| d.link == l)
                .map(|d| (d.day, d.days))
                .collect();
            planned.sort_by_key(|p| p.0);
            let mut closed_until: Tick = 0;
            // As `Sim::link_close` does: a closure ending before the one in force changes nothing.
            let close = |out: &mut Closures, closed_until: &mut Tick, at: Tick, until: Tick| {
                if until <= *closed_until {
                    return;
                }
                if at >= *closed_until && *closed_until > 0 {
                    out.changes.push(*closed_until);
                }
                out.changes.push(at);
                out.closes.push(Close { at, link: l, until });
                *closed_until = until;
            };
            let entity = m.nodes.len() + l;
            for day in 0..m.days {
                let at = day as Tick * TICKS_PER_DAY;
                for &(_, days) in planned.iter().filter(|p| p.0 == day) {
                    close(
                        &mut out,
                        &mut closed_until,
                        at,
                        at + Sim::days_to_ticks(days, true),
                    );
                }
                if props.closure_rate > 0.0 && at >= closed_until {
                    let rng = stream(streams, m, entity, Purpose::Closure);
                    if rng.random::<f64>() < props.closure_rate {
                        let days = props.closure_days.sample(rng);
                        close(
                            &mut out,
                            &mut closed_until,
                            at,
                            at + Sim::days_to_ticks(days, true),
                        );
                    }
                }
            }
            if closed_until > 0 {
                out.changes.push(closed_until);
            }
        }
        out.closes.sort_by_key(|c| (c.at, c.link));
        out.changes.sort_unstable();
        out.changes.dedup();
        out
    }

    /// How many changes have happened by `now` (a new count means routes may change).
    pub(in crate::engine) fn state_at(&self, now: Tick) -> usize {
        self.changes.partition_point(|&t| t <= now)
    }

    /// The times over which the count of changes is `state` ([`Closures::state_at`]): from
    /// its change (the start of time for 0) until the next (the end of time after the last).
    pub(in crate::engine) fn state_span(&self, state: usize) -> (Tick, Tick) {
        let from = state.checked_sub(1).map_or(Tick::MIN, |k| self.changes[k]);
        (from, self.changes.get(state).copied().unwrap_or(Tick::MAX))
    }

    /// The links closed at `now`; None when every link is open.
    pub(in crate::engine) fn closed_at(&self, now: Tick) -> Option<Arc<Closed>> {
        let since = *self.changes[..self.state_at(now)].last()?;
        let mut links: Vec<(LinkId, Tick)> = Vec::new();
        for c in self.closes.iter().take_while(|c| c.at <= now) {
            match links.iter_mut().find(|x| x.0 == c.link) {
                Some(x) => x.1 = x.1.max(c.until),
                None => links.push((c.link, c.until)),
            }
        }
        links.retain(|x| x.1 > now);
        links.sort_unstable();
        (!links.is_empty()).then(|| {
            Arc::new(Closed {
                since,
                links: links.into(),
            })
        })
    }
}

impl Sim<'_> {
    /// Schedules the closings of the links this simulation owns.
    pub(in crate::engine) fn schedule_closures(&mut self) {
        for k in 0..self.closures.closes.len() {
            let Close { at, link, until } = self.closures.closes[k];
            let e = self.link_entity(link);
            if self.owns(e) {
                self.push(at, class::STATE, e, Ev::LinkClose(link, until));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Disruption, Dist};
    use crate::testutil::*;

    #[test]
    fn the_schedule_merges_planned_and_random_closures_and_names_what_is_closed() {
        let mut m = chain_model(40, 100, 1_000_000, 50, 0, "");
        m.disruptions.push(Disruption {
            link: 0,
            day: 5,
            days: 3.0,
        });
        let day = |d: i64| d * TICKS_PER_DAY;
        let c = Closures::draw(
            &m,
            &mut Streams::lazy(1, 0, crate::engine::entity_count(&m)),
        );
        assert_eq!(c.changes, [day(5), day(8)]);
        assert!(c.closed_at(day(4)).is_none());
        let closed = c.closed_at(day(6)).unwrap();
        assert_eq!((closed.since, &*closed.links), (day(5), &[(0, day(8))][..]));
        assert_eq!(closed.wait_days(0), 3.0);
        assert_eq!(closed.wait_days(1), 0.0);
        assert!(c.closed_at(day(8)).is_none(), "open again");
        for t in [0, day(5) - 1, day(5), day(8) - 1, day(8), day(40)] {
            let (from, until) = c.state_span(c.state_at(t));
            assert!(from <= t && t < until, "{t} in {from}..{until}");
        }
        assert_eq!(c.state_span(1), (day(5), day(8)));
        assert_eq!(c.state_span(2), (day(8), Tick::MAX));
        // Random closures are drawn up front, the same for every draw of the replication.
        m.links.props_mut(0).closure_rate = 0.2;
        m.links.props_mut(0).closure_days = Dist::fixed(2.0);
        let n = crate::engine::entity_count(&m);
        let draw = || Closures::draw(&m, &mut Streams::lazy(1, 0, n));
        let (a, b) = (draw(), draw());
        assert!(a.closes.len() > 3, "{:?}", a.closes);
        assert_eq!(a.changes, b.changes);
        assert!(a.changes.contains(&day(5)));
    }
}
