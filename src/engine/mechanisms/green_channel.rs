//! The green channel: from its start day, eligible shipments (by product, origin region,
//! destination region and link) skip health checkpoints and go first for link capacity.

use crate::model::{GreenChannel, ItemId, LinkId, RegionId};

impl GreenChannel {
    /// Whether the channel is open on `day`.
    pub fn active(&self, day: u32) -> bool {
        self.enabled && day >= self.start_day
    }

    /// Whether a shipment of `item` from `origin` to `dest` on `link` may use it on `day`.
    pub fn eligible(
        &self,
        day: u32,
        item: ItemId,
        origin: RegionId,
        dest: RegionId,
        link: LinkId,
    ) -> bool {
        self.eligible_trip(day, item, origin, dest) && self.covers_link(link)
    }

    /// [`GreenChannel::eligible`] but for the link: what is the same for every link of a trip,
    /// worked out once per route search rather than once per link it looks at.
    pub fn eligible_trip(&self, day: u32, item: ItemId, origin: RegionId, dest: RegionId) -> bool {
        self.active(day) && self.admits(item, origin, dest)
    }

    /// Whether the channel's lists admit a shipment of `item` from `origin` to `dest`: the
    /// part of [`GreenChannel::eligible`] that a shipment keeps all the way.
    pub fn admits(&self, item: ItemId, origin: RegionId, dest: RegionId) -> bool {
        allows(&self.items, item)
            && allows(&self.origins, origin)
            && allows(&self.destinations, dest)
    }

    /// [`GreenChannel::eligible`] of a shipment that the channel's lists admit or not
    /// (`admitted`, from [`GreenChannel::admits`] when it was sent), on `link` on `day`.
    pub fn eligible_admitted(&self, day: u32, admitted: bool, link: LinkId) -> bool {
        admitted && self.active(day) && self.covers_link(link)
    }

    /// Whether the channel's list of links covers `link` (every link when it has none).
    pub fn covers_link(&self, link: LinkId) -> bool {
        allows(&self.links, link)
    }
}

/// Whether an optional list (None: everything) has `x`.
fn allows(list: &Option<Vec<usize>>, x: usize) -> bool {
    list.as_ref().is_none_or(|l| l.contains(&x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel() -> GreenChannel {
        GreenChannel {
            enabled: true,
            start_day: 10,
            items: Some(vec![1]),
            origins: None,
            destinations: Some(vec![0]),
            links: None,
            bypass_checkpoints: true,
            capacity_priority: true,
            truck_availability: Vec::new(),
            checkpoint_priority: false,
            routing: true,
        }
    }

    #[test]
    fn opens_on_its_start_day_for_eligible_shipments_only() {
        let g = channel();
        assert!(!g.eligible(9, 1, 3, 0, 0));
        assert!(g.eligible(10, 1, 3, 0, 0));
        assert!(!g.eligible(10, 2, 3, 0, 0), "product not listed");
        assert!(!g.eligible(10, 1, 3, 1, 0), "destination not listed");
        let off = GreenChannel {
            enabled: false,
            ..channel()
        };
        assert!(!off.eligible(20, 1, 3, 0, 0));
    }

    #[test]
    fn admission_worked_out_once_agrees_with_eligibility() {
        let mut g = channel();
        g.origins = Some(vec![3]);
        g.links = Some(vec![1]);
        let mut off = g.clone();
        off.enabled = false;
        for g in [&g, &off] {
            for (day, item, origin, dest, link) in cases() {
                assert_eq!(
                    g.eligible_admitted(day, g.admits(item, origin, dest), link),
                    g.eligible(day, item, origin, dest, link),
                    "day {day}, item {item}, {origin} -> {dest} on {link}"
                );
            }
        }
    }

    /// Every (day, item, origin, destination, link) around the fixture's lists.
    fn cases() -> impl Iterator<Item = (u32, usize, usize, usize, usize)> {
        [9, 10, 20].into_iter().flat_map(|day| {
            (0..3).flat_map(move |item| {
                (2..5).flat_map(move |origin| {
                    (0..2).flat_map(move |dest| {
                        (0..3).map(move |link| (day, item, origin, dest, link))
                    })
                })
            })
        })
    }
}
