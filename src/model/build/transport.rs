//! Builds `[[route]]` (pinned paths), `[green_channel]`, `[transport]` (national truck
//! availability, ordinary freight, modes) and `[[disruption]]` (scheduled link closures).

use super::{Builder, Names};
use crate::model::{Disruption, Freight, GreenChannel, LinkId, Links, Mode, Node, NodeId};
use crate::scenario::location::{FieldPath, path};
use crate::scenario::raw::{RawLane, RawMode, RawScenario, RawShareStep, RawTrucksStep};
use std::collections::BTreeMap;

/// A check of a value at a field, giving the value to keep.
type Check<'b> = fn(&mut Builder<'b>, &FieldPath, f64) -> f64;

impl<'b> Builder<'b> {
    /// A link by name: a `[[link]]` id, or `from->to` of a link of a group.
    fn lookup_link(
        &mut self,
        at: &FieldPath,
        names: &Names,
        (links, nodes): (&Links, &[Node]),
        name: &str,
    ) -> Option<LinkId> {
        if let Some(&link) = names.links.get(name) {
            return Some(link);
        }
        let grouped = name.split_once("->").and_then(|(from, to)| {
            let (from, to) = (*names.nodes.get(from)?, *names.nodes.get(to)?);
            links
                .between(nodes[from].vertex, nodes[to].vertex)
                .filter(|&link| links.spec(link).id.is_empty())
                .min()
        });
        if grouped.is_none() {
            self.lookup(at, &names.links, "link", name);
        }
        grouped
    }

    /// Every `[[route]]`: its hops, by the first link defined between each pair of stops.
    pub(super) fn routes(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        nodes: &[Node],
        links: &Links,
    ) -> BTreeMap<(NodeId, NodeId), Vec<LinkId>> {
        let mut out = BTreeMap::new();
        for (i, route) in raw.route.iter().enumerate() {
            let at = path("route").index(i);
            let mut stops = vec![(at.key("from"), &route.from)];
            stops.extend(
                route
                    .via
                    .iter()
                    .enumerate()
                    .map(|(j, via)| (at.key("via").index(j), via)),
            );
            stops.push((at.key("to"), &route.to));
            let ids: Vec<Option<NodeId>> = stops
                .iter()
                .map(|(stop_at, name)| self.lookup(stop_at, &names.nodes, "node", name))
                .collect();
            let Some(ids) = ids.into_iter().collect::<Option<Vec<_>>>() else {
                continue;
            };
            let mut hops = Vec::new();
            for pair in ids.windows(2) {
                let (from, to) = (&nodes[pair[0]], &nodes[pair[1]]);
                // The first link defined between the two, found among the first one's links.
                match links.between(from.vertex, to.vertex).min() {
                    Some(link) => hops.push(link),
                    None => self.err(
                        &at.key("via"),
                        format!("no link from `{}` to `{}`", from.id, to.id),
                    ),
                }
            }
            if hops.len() == ids.len() - 1 {
                out.insert((ids[0], ids[ids.len() - 1]), hops);
            }
        }
        out
    }

    /// `[green_channel]`.
    pub(super) fn green(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        horizon: i64,
        network: (&Links, &[Node]),
    ) -> GreenChannel {
        let green = &raw.green_channel;
        let at = path("green_channel");
        let start_day = if green.start_day > horizon {
            // A channel that opens after the horizon is the same as none; allowed for sweeps.
            horizon as u32 + 1
        } else {
            self.day(&at.key("start_day"), green.start_day, horizon)
        };
        GreenChannel {
            enabled: green.enabled,
            start_day,
            items: self.id_list(&at.key("products"), &green.products, &names.items, "item"),
            origins: self.id_list(&at.key("origins"), &green.origins, &names.regions, "region"),
            destinations: self.id_list(
                &at.key("destinations"),
                &green.destinations,
                &names.regions,
                "region",
            ),
            links: (!green.links.is_empty()).then(|| {
                green
                    .links
                    .iter()
                    .enumerate()
                    .filter_map(|(i, name)| {
                        self.lookup_link(&at.key("links").index(i), names, network, name)
                    })
                    .collect()
            }),
            bypass_checkpoints: match green.checkpoint_lane {
                Some(lane) => lane == RawLane::Bypass,
                None => green.bypass_checkpoints,
            },
            capacity_priority: green.capacity_priority,
            truck_availability: self.shares(
                &at.key("truck_availability"),
                &green.truck_availability,
                horizon,
            ),
            checkpoint_priority: green.checkpoint_lane == Some(RawLane::Priority),
            routing: green.routing,
        }
    }

    /// `transport.toll_free_from_day` (a day after the horizon is the same as none).
    pub(super) fn toll_free_from_day(&mut self, raw: &RawScenario, horizon: i64) -> Option<u32> {
        let day = raw.transport.toll_free_from_day?;
        Some(if day > horizon {
            horizon as u32 + 1
        } else {
            self.day(&path("transport.toll_free_from_day"), day, horizon)
        })
    }

    /// `transport.truck_availability`: a sorted schedule of shares.
    pub(super) fn truck_availability(
        &mut self,
        raw: &RawScenario,
        horizon: i64,
    ) -> Vec<(u32, f64)> {
        self.shares(
            &path("transport.truck_availability"),
            &raw.transport.truck_availability,
            horizon,
        )
    }

    /// A sorted schedule of shares at `at`.
    fn shares(&mut self, at: &FieldPath, steps: &[RawShareStep], horizon: i64) -> Vec<(u32, f64)> {
        let steps: Vec<_> = steps.iter().map(|s| (s.day, s.share)).collect();
        self.schedule(at, &steps, ("share", Self::share), horizon)
    }

    /// A sorted schedule of ordinary-freight trucks per day at `at`.
    pub(super) fn trucks(
        &mut self,
        at: &FieldPath,
        steps: &[RawTrucksStep],
        horizon: i64,
    ) -> Vec<(u32, f64)> {
        let steps: Vec<_> = steps.iter().map(|s| (s.day, s.trucks)).collect();
        self.schedule(at, &steps, ("trucks", Self::non_negative), horizon)
    }

    /// A sorted schedule at `at` of (day, value) steps, each value named `value.0` and checked
    /// by `value.1`.
    fn schedule(
        &mut self,
        at: &FieldPath,
        steps: &[(i64, f64)],
        value: (&str, Check<'b>),
        horizon: i64,
    ) -> Vec<(u32, f64)> {
        let (key, check) = value;
        let schedule = steps
            .iter()
            .enumerate()
            .map(|(i, &(day, v))| {
                let step_at = at.index(i);
                (
                    self.day(&step_at.key("day"), day, horizon),
                    check(self, &step_at.key(key.to_string()), v),
                )
            })
            .collect::<Vec<_>>();
        self.sorted_steps(at, &schedule);
        schedule
    }

    /// `[transport]`'s ordinary freight and `[transport.modes]`.
    pub(super) fn freight(&mut self, raw: &RawScenario, names: &Names, horizon: i64) -> Freight {
        let t = &raw.transport;
        let at = path("transport");
        let mut region_scale = vec![1.0; names.regions.len()];
        for (region, &scale) in &t.background_scale {
            let key = at.key("background_scale").key(region.to_string());
            if let Some(r) = self.lookup(&key, &names.regions, "region", region) {
                region_scale[r] = self.non_negative(&key, scale);
            }
        }
        let modes = &t.modes;
        let mut mode = |name: &str, raw: &Option<RawMode>| {
            let Some(raw) = raw else {
                return Mode::default();
            };
            let mode_at = at.key("modes").key(name.to_string());
            Mode {
                availability: self.shares(&mode_at.key("availability"), &raw.availability, horizon),
                truckloads_per_vehicle: self.positive(
                    &mode_at.key("truckloads_per_vehicle"),
                    raw.truckloads_per_vehicle,
                ),
            }
        };
        let modes = [
            mode("road", &modes.road),
            mode("rail", &modes.rail),
            mode("air", &modes.air),
            mode("ferry+road", &modes.ferry_road),
        ];
        Freight {
            background: self.trucks(
                &at.key("background_trucks_per_day"),
                &t.background_trucks_per_day,
                horizon,
            ),
            region_scale,
            modes,
        }
    }

    /// Every `[[disruption]]`.
    pub(super) fn disruptions(
        &mut self,
        raw: &RawScenario,
        names: &Names,
        network: (&Links, &[Node]),
        horizon: i64,
    ) -> Vec<Disruption> {
        raw.disruption
            .iter()
            .enumerate()
            .filter_map(|(i, disruption)| {
                let at = path("disruption").index(i);
                let link = self.lookup_link(&at.key("link"), names, network, &disruption.link)?;
                let day = self.day(&at.key("day"), disruption.day, horizon);
                let days = self.positive(&at.key("days"), disruption.days);
                Some(Disruption { link, day, days })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{assert_problem, assert_reports, scenario};

    #[test]
    fn a_route_follows_links() {
        let text = scenario("[[route]]\nfrom = \"supplier\"\nto = \"hospital\"\nvia = []\n");
        assert_problem(
            &text,
            "route[0].via",
            "no link from `supplier` to `hospital`",
        );
    }

    #[test]
    fn a_disruption_names_a_link() {
        let text = scenario("[[disruption]]\nlink = \"factory->supplier\"\nday = 1\ndays = 2\n");
        assert_problem(
            &text,
            "disruption[0].link",
            "unknown link `factory->supplier`",
        );
    }

    #[test]
    fn a_disruption_lasts() {
        let text = scenario("[[disruption]]\nlink = \"factory-hospital\"\nday = 1\ndays = 0\n");
        assert_problem(&text, "disruption[0].days", "must be positive, got 0");
    }

    #[test]
    fn truck_availability_is_a_share() {
        let text = scenario("[transport]\ntruck_availability = [{ day = 0, share = 1.2 }]\n");
        assert_problem(
            &text,
            "transport.truck_availability[0].share",
            "must be a share between 0 and 1, got 1.2",
        );
    }

    #[test]
    fn a_toll_free_day_is_not_negative() {
        let text = scenario("[transport]\ntoll_free_from_day = -3\n");
        assert_problem(
            &text,
            "transport.toll_free_from_day",
            "day -3 is outside the horizon",
        );
    }

    #[test]
    fn a_green_channel_names_known_links() {
        let text = scenario("[green_channel]\nenabled = true\nlinks = [\"nowhere\"]\n");
        assert_problem(&text, "green_channel.links[0]", "unknown link `nowhere`");
    }

    #[test]
    fn ordinary_freight_is_trucks_per_day_from_known_regions() {
        let text = scenario(
            "[transport]\nbackground_trucks_per_day = [{ day = 0, trucks = -1 }]\nbackground_scale = { Atlantis = 2 }\n",
        );
        assert_reports(
            &text,
            "transport.background_trucks_per_day[0].trucks",
            "cannot be negative, got -1",
        );
        assert_reports(
            &text,
            "transport.background_scale.Atlantis",
            "unknown region `Atlantis`",
        );
        let text = scenario("").replace(
            "id = \"factory-hospital\"\n",
            "id = \"factory-hospital\"\nbackground = [{ day = 5, trucks = 1 }, { day = 2, trucks = 1 }]\n",
        );
        assert_problem(
            &text,
            "link[1].background",
            "steps must be in increasing order of day",
        );
    }

    #[test]
    fn a_modes_availability_is_a_share_and_its_vehicles_carry_something() {
        let text = scenario(
            "[transport.modes.rail]\navailability = [{ day = 0, share = 1.5 }]\ntruckloads_per_vehicle = 0\n",
        );
        assert_reports(
            &text,
            "transport.modes.rail.availability[0].share",
            "must be a share between 0 and 1, got 1.5",
        );
        assert_reports(
            &text,
            "transport.modes.rail.truckloads_per_vehicle",
            "must be positive, got 0",
        );
    }

    #[test]
    fn green_truck_availability_is_a_share_and_a_lane_is_known() {
        let text = scenario("[green_channel]\ntruck_availability = [{ day = 0, share = 2 }]\n");
        assert_problem(
            &text,
            "green_channel.truck_availability[0].share",
            "must be a share between 0 and 1, got 2",
        );
        let text = scenario("[green_channel]\ncheckpoint_lane = \"fast\"\n");
        assert_reports(&text, "green_channel.checkpoint_lane", "fast");
    }

    #[test]
    fn a_checkpoint_throughput_is_positive_with_some_lanes() {
        let text = scenario("").replace(
            "[risk_levels.high]\n",
            "[risk_levels.high]\ncheckpoint_vehicles_per_hour = 0\ncheckpoint_lanes = 0\n",
        );
        assert_reports(
            &text,
            "risk_levels.high.checkpoint_vehicles_per_hour",
            "must be positive, got 0",
        );
        assert_reports(
            &text,
            "risk_levels.high.checkpoint_lanes",
            "must be 1 to 1000, got 0",
        );
    }
}
