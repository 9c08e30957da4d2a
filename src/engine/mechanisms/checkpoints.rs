//! Health checkpoints: a shipment entering or crossing a region waits there for a time that
//! depends on the region's risk level, unless the green channel lets it bypass.
//!
//! Without a throughput the wait is drawn from the level's `checkpoint_hours`. With one
//! (`checkpoint_vehicles_per_hour` and `checkpoint_lanes`), the checkpoint is a queue of `c`
//! lanes shared by everything crossing it. Its arrivals are the ordinary freight trucks of the
//! links that cross it, a function of the model alone ([`crate::model::Model::checkpoint_traffic`]),
//! so every partition computes the same queue for a region whose links it does not own; the
//! medical trucks themselves are left out of the arrival rate (a few per day against
//! thousands). Each day the queue is an M/M/c queue at that day's rate while it is stable, and a
//! fluid backlog (arrivals beyond capacity pile up and drain later) when it is not; a medical
//! shipment draws its own wait from that day's queue on its link's stream. A green-channel
//! vehicle in a `priority` lane is served before ordinary traffic: it waits only for a lane to
//! free when all are busy.

use crate::engine::queue::Tick;
use crate::engine::streams::Purpose;
use crate::engine::{ShipId, Sim};
use crate::model::{LinkId, RegionId, RiskLevel};
use rand::RngExt;

/// One day of a checkpoint's queue. A day without a throughput has `mu` 0.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::engine) struct QueueDay {
    /// Vehicles one lane inspects per hour.
    mu: f64,
    /// Lanes.
    lanes: f64,
    /// Arriving vehicles per hour.
    lambda: f64,
    /// Probability that an arriving vehicle finds every lane busy (Erlang C while stable, 1
    /// with a backlog or overloaded).
    busy: f64,
    /// Mean hours an ordinary vehicle spends behind the day's backlog (fluid part).
    backlog_hours: f64,
}

impl QueueDay {
    /// Hours in queue and inspection for one vehicle, from uniforms `u` (busy or not), `v`
    /// (queue wait) and `w` (inspection).
    fn wait(&self, priority: bool, u: f64, v: f64, w: f64) -> f64 {
        let capacity = self.mu * self.lanes;
        let exp = |x: f64, rate: f64| -(1.0 - x).ln() / rate;
        let queued = if priority {
            // Non-preemptive priority with a light priority load: the next lane to free.
            if u < self.busy { exp(v, capacity) } else { 0.0 }
        } else if self.lambda < capacity && u < self.busy {
            self.backlog_hours + exp(v, capacity - self.lambda)
        } else {
            self.backlog_hours
        };
        queued + exp(w, self.mu)
    }
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load `a`
/// (arrival rate over one server's rate), `a < c`.
pub(in crate::engine) fn erlang_c(c: u32, a: f64) -> f64 {
    // Erlang B by its recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let c = c as f64;
    c * b / (c - a * (1.0 - b))
}

impl Sim<'_> {
    /// The risk level of region `r` on `day`, as checkpoints see it.
    fn checkpoint_level(&self, r: RegionId, day: u32) -> RiskLevel {
        self.level_on(r, day)
    }

    /// Region `r`'s queue, day by day (see the module notes).
    fn queue_days(&self, r: RegionId) -> Vec<QueueDay> {
        let traffic = self.ctx.checkpoint_traffic.get(r).map_or(&[][..], |t| t);
        let mut backlog = 0.0; // vehicles waiting at the start of the day
        (0..self.m.days)
            .map(|day| {
                let level = self.checkpoint_level(r, day);
                let Some(t) = self.m.risk[level as usize].checkpoint_throughput else {
                    backlog = 0.0;
                    return QueueDay::default();
                };
                let lambda = traffic.get(day as usize).copied().unwrap_or(0.0) / 24.0;
                let (mu, lanes) = (t.per_hour, t.lanes as f64);
                let capacity = mu * lanes;
                let start = backlog;
                backlog = (start + (lambda - capacity) * 24.0).max(0.0);
                // Mean backlog over the day: linear while it grows or until it is cleared.
                let mean = if lambda >= capacity || start / (capacity - lambda) >= 24.0 {
                    (start + backlog) / 2.0
                } else {
                    start * start / (capacity - lambda) / 2.0 / 24.0
                };
                let busy = if lambda >= capacity || start > 0.0 {
                    1.0
                } else {
                    erlang_c(t.lanes, lambda / mu)
                };
                QueueDay {
                    mu,
                    lanes,
                    lambda,
                    busy,
                    backlog_hours: mean / capacity,
                }
            })
            .collect()
    }

    /// Total checkpoint wait (ticks) for shipment `s` at the end of a hop on `link`.
    pub(in crate::engine) fn checkpoint_wait(&mut self, s: ShipId, link: LinkId) -> Tick {
        let (m, day) = (self.m, self.day());
        let checkpoints = m.links.checkpoints(link);
        if checkpoints.is_empty() {
            // No wait, and nothing for the channel to let the shipment bypass.
            return 0;
        }
        let green = &m.green;
        let eligible = self.shipments[s].on_channel(green, day, link);
        if green.bypass_checkpoints && eligible {
            self.shipments[s].green = true;
            return 0;
        }
        let priority = green.checkpoint_priority && eligible;
        let mut hours = 0.0;
        // The link's own stream, drawn where its shipments arrive (a region's stream would be
        // drawn by every partition whose links cross it).
        let e = self.link_entity(link);
        for &r in checkpoints {
            let level = self.checkpoint_level(r, day);
            let risk = &m.risk[level as usize];
            if risk.checkpoint_throughput.is_none() {
                hours += risk
                    .checkpoint_hours
                    .sample(self.rng(e, Purpose::Checkpoint));
                continue;
            }
            if self.checkpoint_queues[r].is_empty() {
                self.checkpoint_queues[r] = self.queue_days(r);
            }
            let q = self.checkpoint_queues[r][day as usize];
            let rng = self.rng(e, Purpose::CheckpointQueue);
            let (u, v, w) = (rng.random(), rng.random(), rng.random());
            hours += q.wait(priority, u, v, w);
        }
        if priority {
            self.shipments[s].green = true;
        }
        Self::days_to_ticks(hours / 24.0, false)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Dist, RiskLevel, Throughput};
    use crate::testutil::*;

    /// Mean lead time (days) of masks delivered to region B.
    fn lead(m: &crate::model::Model) -> f64 {
        let r = run(m, 0);
        let t = &r.transport[item(m, "mask") * r.slots + region(m, "B")];
        t.lead_times.iter().sum::<f64>() / t.lead_times.len() as f64
    }

    #[test]
    fn entering_a_high_risk_region_waits_at_the_checkpoint_and_the_green_channel_skips_it() {
        let mut m = chain_model(20, 100, 1_000_000, 50, 0, "");
        m.risk[RiskLevel::High as usize].checkpoint_hours = Dist::fixed(12.0);
        // 1 tick decision delay + 1 day on the road + 12 h at the checkpoint.
        let slow = lead(&m);
        assert!((slow - (1.5 + 1.0 / 1440.0)).abs() < 1e-9, "{slow}");
        m.green.enabled = true;
        let fast = lead(&m);
        assert!((fast - (1.0 + 1.0 / 1440.0)).abs() < 1e-9, "{fast}");
        let r = run(&m, 0);
        let t = &r.transport[item(&m, "mask") * r.slots + region(&m, "B")];
        assert_eq!(t.green_units, t.units);
    }

    #[test]
    fn green_channel_respects_its_start_day_and_eligibility() {
        let mut m = chain_model(30, 100, 1_000_000, 50, 0, "");
        m.risk[RiskLevel::High as usize].checkpoint_hours = Dist::fixed(12.0);
        m.green.enabled = true;
        m.green.start_day = 15;
        let r = run(&m, 0);
        let t = &r.transport[item(&m, "mask") * r.slots + region(&m, "B")];
        let share = t.green_units as f64 / t.units as f64;
        assert!(
            share > 0.4 && share < 0.6,
            "about half the horizon is on the channel: {share}"
        );
        m.green.start_day = 0;
        m.green.items = Some(vec![item(&m, "meltblown")]);
        let r = run(&m, 0);
        assert_eq!(
            r.transport[item(&m, "mask") * r.slots + region(&m, "B")].green_units,
            0,
            "masks not eligible"
        );
    }

    /// Hours at B's checkpoint of every consignment delivered over `reps` replications (lead
    /// time less the day on the road and the one-tick decision delay).
    fn checkpoint_hours(m: &crate::model::Model, reps: u32) -> Vec<f64> {
        (0..reps)
            .flat_map(|rep| {
                let r = run(m, rep);
                r.transport[item(m, "mask") * r.slots + region(m, "B")]
                    .lead_times
                    .iter()
                    .map(|l| (l - 1.0 - 1.0 / 1440.0) * 24.0)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Mean and 95 % half-width.
    fn mean_ci(x: &[f64]) -> (f64, f64) {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, 1.96 * (var / n).sqrt())
    }

    /// A chain whose checkpoint into B has 2 lanes of 1 vehicle/hour and 36 ordinary trucks a
    /// day (1.5/hour) crossing it: an M/M/2 queue at load 0.75.
    fn mm2(days: u32) -> crate::model::Model {
        let mut m = chain_model(days, 100, 1_000_000, 50, 0, "");
        m.risk[RiskLevel::High as usize].checkpoint_throughput = Some(Throughput {
            per_hour: 1.0,
            lanes: 2,
        });
        m.links.props_mut(0).background = Some(vec![(0, 36.0)]);
        m
    }

    #[test]
    fn erlang_c_matches_closed_forms() {
        // M/M/1: rho; M/M/2: 2 rho^2 / (1 + rho).
        assert!((super::erlang_c(1, 0.6) - 0.6).abs() < 1e-12);
        assert!((super::erlang_c(2, 1.5) - 2.0 * 0.5625 / 1.75).abs() < 1e-12);
    }

    #[test]
    fn checkpoint_queue_mean_wait_matches_mmc_theory() {
        let m = mm2(300);
        let (mean, ci) = mean_ci(&checkpoint_hours(&m, 4));
        // Wq = C(2, 1.5) / (c mu - lambda) = 0.642857 / 0.5; plus the 1-hour inspection.
        let theory = 0.642_857_142_857 / 0.5 + 1.0;
        assert!(
            (mean - theory).abs() < ci + 1.0 / 60.0,
            "mean {mean} +- {ci} vs M/M/2 {theory}"
        );
        // A priority lane waits only for the next lane to free: C / (c mu) + 1 h.
        let mut m = m;
        m.green.enabled = true;
        m.green.bypass_checkpoints = false;
        m.green.checkpoint_priority = true;
        let (fast, ci) = mean_ci(&checkpoint_hours(&m, 4));
        let theory = 0.642_857_142_857 / 2.0 + 1.0;
        assert!(
            (fast - theory).abs() < ci + 1.0 / 60.0,
            "priority {fast} +- {ci} vs {theory}"
        );
    }

    #[test]
    fn an_overloaded_checkpoint_backs_up_until_its_risk_level_falls() {
        // 60 trucks a day against 2 an hour at high risk: 12 more a day than it clears.
        let mut m = mm2(40);
        m.links.props_mut(0).background = Some(vec![(0, 60.0)]);
        let b = region(&m, "B");
        m.regions[b].risk = vec![(0, RiskLevel::High), (20, RiskLevel::Medium)];
        m.risk[RiskLevel::Medium as usize].checkpoint_hours = Dist::fixed(0.0);
        let r = run(&m, 0);
        let lead = &r.transport[item(&m, "mask") * r.slots + b].lead_times;
        let worst = lead.iter().copied().fold(0.0, f64::max);
        // The backlog at the start of day d is 12 d trucks, cleared at 2 an hour.
        assert!(worst > 3.0, "the backlog grows with the days: {lead:?}");
        let n = lead.len();
        assert!(
            lead[n - 5..].iter().all(|&l| l < 1.01),
            "no queue once the level falls: {lead:?}"
        );
    }
}
