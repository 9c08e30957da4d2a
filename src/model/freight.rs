//! Ordinary freight and transport modes: the background (non-medical) trucks that share a link's
//! capacity and its checkpoints with medical shipments, and what each mode's vehicles carry and
//! how many of them run. See docs/model.md, "Ordinary freight" and "Transport modes".

use super::{LinkId, Model, RegionId, step_value};
use crate::scenario::raw::TransportMode;

/// A mode's vehicles: how many run and how much each carries.
#[derive(Debug, Clone)]
pub struct Mode {
    /// Share of the mode's vehicles running (empty = all of them).
    pub availability: Vec<(u32, f64)>,
    /// Truckloads one unit of a link's capacity carries (a truck 1, a rail wagon or a flight more).
    pub truckloads_per_vehicle: f64,
}

impl Default for Mode {
    fn default() -> Self {
        Mode {
            availability: Vec::new(),
            truckloads_per_vehicle: 1.0,
        }
    }
}

/// Ordinary freight and modes, from `[transport]` (and `background` on links).
#[derive(Debug, Clone, Default)]
pub struct Freight {
    /// National ordinary freight on each link, trucks per day (empty = none).
    pub background: Vec<(u32, f64)>,
    /// Per region: factor on `background` for the links leaving it.
    pub region_scale: Vec<f64>,
    /// Per mode, in [`mode_index`] order: road, rail, air, ferry+road.
    pub modes: [Mode; 4],
}

/// Where a mode's settings are kept in [`Freight::modes`]; a link with no mode is a road.
pub fn mode_index(mode: Option<TransportMode>) -> usize {
    match mode {
        None | Some(TransportMode::Road) => 0,
        Some(TransportMode::Rail) => 1,
        Some(TransportMode::Air) => 2,
        Some(TransportMode::FerryRoad) => 3,
    }
}

/// Truckloads a link can carry on a day, for ordinary traffic and for the green lane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkTrucks {
    /// With the national truck share (road) or the mode's share.
    pub ordinary: f64,
    /// With the green channel's own truck share on road links (the national one if it has none).
    pub green: f64,
}

impl Model {
    /// Truckloads link `l` can carry on `day` (None = unlimited): its capacity in its mode's
    /// vehicles, times their size and the share running. The national truck share applies to
    /// road and ferry+road links only.
    pub fn link_trucks(&self, l: LinkId, day: u32) -> Option<LinkTrucks> {
        let props = self.links.props(l);
        if props.capacity.is_empty() {
            return None;
        }
        let mode = mode_index(props.mode);
        let spec = &self.freight.modes[mode];
        let base = step_value(&props.capacity, day).unwrap_or(0.0)
            * spec.truckloads_per_vehicle
            * step_value(&spec.availability, day).unwrap_or(1.0);
        if !matches!(mode, 0 | 3) {
            return Some(LinkTrucks {
                ordinary: base,
                green: base,
            });
        }
        let share = step_value(&self.truck_availability, day).unwrap_or(1.0);
        let green = step_value(&self.green.truck_availability, day).unwrap_or(share);
        Some(LinkTrucks {
            ordinary: base * share,
            green: base * green,
        })
    }

    /// Ordinary freight wanting to use link `l` on `day`, trucks: the link's own schedule, or
    /// the national one times its origin region's factor.
    pub fn background_trucks(&self, l: LinkId, day: u32) -> f64 {
        if let Some(own) = &self.links.props(l).background {
            return step_value(own, day).unwrap_or(0.0);
        }
        if self.freight.background.is_empty() {
            return 0.0;
        }
        let region = self.nodes[self.links.get(l).from()].region;
        step_value(&self.freight.background, day).unwrap_or(0.0) * self.freight.region_scale[region]
    }

    /// Whether any link carries ordinary freight.
    pub fn has_background(&self) -> bool {
        !self.freight.background.is_empty()
            || (0..self.links.len()).any(|l| self.links.props(l).background.is_some())
    }

    /// Ordinary freight trucks crossing each region's checkpoints each day (per region, per
    /// day; empty when no link carries any): on a link with a capacity, what of it can run.
    /// A function of the model alone, so every partition computes the same.
    pub fn checkpoint_traffic(&self) -> Vec<Vec<f64>> {
        if !self.has_background() {
            return Vec::new();
        }
        let days = self.days as usize;
        let mut out: Vec<Vec<f64>> = vec![Vec::new(); self.regions.len()];
        for l in 0..self.links.len() {
            let checkpoints: &[RegionId] = self.links.checkpoints(l);
            if checkpoints.is_empty() {
                continue;
            }
            for day in 0..days {
                let want = self.background_trucks(l, day as u32);
                if want <= 0.0 {
                    continue;
                }
                let runs = self
                    .link_trucks(l, day as u32)
                    .map_or(want, |t| want.min(t.ordinary));
                for &r in checkpoints {
                    let series = &mut out[r];
                    if series.is_empty() {
                        series.resize(days, 0.0);
                    }
                    series[day] += runs;
                }
            }
        }
        out
    }
}
