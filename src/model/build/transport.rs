//! Builds `[[route]]` (pinned paths), `[green_channel]`, `[transport]` (national truck
//! availability) and `[[disruption]]` (scheduled link closures).

use super::{Builder, Names};
use crate::model::{Disruption, GreenChannel, LinkId, Links, Node, NodeId};
use crate::scenario::location::{FieldPath, path};
use crate::scenario::raw::RawScenario;
use std::collections::BTreeMap;

impl Builder<'_> {
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
            bypass_checkpoints: green.bypass_checkpoints,
            capacity_priority: green.capacity_priority,
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
        let schedule = raw
            .transport
            .truck_availability
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let at = path("transport.truck_availability").index(i);
                (
                    self.day(&at.key("day"), step.day, horizon),
                    self.share(&at.key("share"), step.share),
                )
            })
            .collect::<Vec<_>>();
        self.sorted_steps(&path("transport.truck_availability"), &schedule);
        schedule
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
    use super::super::test_scenario::{assert_problem, scenario};

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
}
