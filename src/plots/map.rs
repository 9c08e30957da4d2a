//! The map: per product, each located region (`regions.csv`) filled within its outline
//! (`outlines.geojson`, from the scenario's `[map]`) or, without one, as a dot at its centroid,
//! coloured by the share of its need met (delivered ÷ need from `timeseries.csv`) over the
//! horizon and in the peak week, one pair of maps per variant (small multiples on one colour
//! scale). The maps over the horizon carry the largest flows between regions (`flows.csv`) as
//! arrows under the dots, their width proportional to the units shipped, on one scale for
//! every map. A scenario whose regions carry no coordinates has no map.

use super::chart::{Chart, ChartKind, Rgb, XAxis, variant_style};
use super::charts::replications;
use super::data::{ScenarioData, VariantData, corrupt, read_text};
use super::format::{NATIONAL, date_of, file_safe, human, percent, product_name, tick_label};
use super::render::{DrawResult, INK, MARGIN, MUTED, WIDTH, bold, font, rgb, text_width};
use crate::error::Result;
use crate::output::flows::FLOWS_CSV;
use crate::output::outlines::{OUTLINES_GEOJSON, REGION_PROPERTY};
use crate::output::regions::REGIONS_CSV;
use crate::util::geo::Outline;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;
use std::path::Path;

/// Patches of the colour scale's bar, each of the scale's colour at its middle.
pub const SCALE_STEPS: usize = 60;
/// Height of the colour scale's row under the header, pixels.
const SCALE_ROW: i32 = 58;
/// Height of a map's label (variant, then what it shows), pixels.
const LABEL_ROW: i32 = 20;
/// Space between maps, pixels.
const GAP: i32 = 16;
/// Margin around the regions inside a map, as a share of their extent.
const PAD: f64 = 0.06;
const FRAME: RGBColor = RGBColor(200, 200, 200);
const NO_NEED: RGBColor = RGBColor(170, 170, 170);
/// Fill of an outlined region without need.
const NO_NEED_FILL: RGBColor = RGBColor(225, 225, 225);
/// Border of an outlined region.
const BORDER: RGBColor = RGBColor(150, 150, 150);
/// Share of the units shipped between a map's located regions that its arrows carry at least.
pub const ARROW_SHARE: f64 = 0.9;
/// Arrows per map at most, however many it takes to reach [`ARROW_SHARE`].
pub const MAX_ARROWS: usize = 40;
/// Width of the arrow of the largest flow on any of a chart's maps, pixels.
pub const MAX_ARROW_WIDTH: f64 = 12.0;
/// Opacity of the arrows, so that crossing arrows stay apart.
const ARROW_ALPHA: f64 = 0.55;
/// Size of the region names, pixels.
const NAME_SIZE: f64 = 11.0;
/// Height of a line of the notes under the colour scale, pixels.
const NOTE_ROW: i32 = 18;

/// A located region.
#[derive(Debug, Clone, PartialEq)]
pub struct MapRegion {
    /// Its id.
    pub id: String,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Its outline, filled instead of a dot; None without one.
    pub outline: Option<Outline>,
}

/// A flow between two located regions, drawn as an arrow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapArrow {
    /// Origin, an index into [`MapView::regions`].
    pub from: usize,
    /// Destination, an index into [`MapView::regions`] (never `from`).
    pub to: usize,
    /// Mean units shipped per replication.
    pub units: f64,
}

/// One small map: a label and each region's value (None where it had no need).
#[derive(Debug, Clone, PartialEq)]
pub struct MapPanel {
    /// The variant it shows, when the map has several.
    pub variant: Option<String>,
    /// What it shows: over the horizon, or the peak week.
    pub label: String,
    /// The variant's colour, for the label's swatch.
    pub colour: Rgb,
    /// Share of need met per region, in [`MapView::regions`] order.
    pub values: Vec<Option<f64>>,
    /// The flows drawn, largest first.
    pub arrows: Vec<MapArrow>,
    /// Whether the regions' names are written on it.
    pub named: bool,
}

/// What a map chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct MapView {
    /// The located regions.
    pub regions: Vec<MapRegion>,
    /// The maps, row by row.
    pub panels: Vec<MapPanel>,
    /// Maps per row.
    pub columns: usize,
    /// What the maps show, in sentences under the colour scale.
    pub notes: String,
    /// Region indices in the order their names are placed (the largest need first): a name
    /// that would overlap one placed before is left out.
    pub name_order: Vec<usize>,
}

/// Anchors of the colour scale, from no need met to all of it (viridis: ordered in
/// lightness and readable with any colour vision).
const SCALE: [Rgb; 5] = [
    Rgb(0x44, 0x01, 0x54),
    Rgb(0x3B, 0x52, 0x8B),
    Rgb(0x21, 0x91, 0x8C),
    Rgb(0x5E, 0xC9, 0x62),
    Rgb(0xFD, 0xE7, 0x25),
];

/// The colour of a share met (clamped to 0–1), interpolated between the scale's anchors.
pub fn colour_of(share: f64) -> Rgb {
    let t = share.clamp(0.0, 1.0) * (SCALE.len() - 1) as f64;
    let i = (t.floor() as usize).min(SCALE.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (SCALE[i], SCALE[i + 1]);
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// An equirectangular projection fitted into a pixel box: longitudes shrink by the cosine of
/// the regions' mean latitude so shapes keep their proportions there; north is up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Cosine of the reference latitude.
    cos: f64,
    /// Projected west and north edges.
    west: f64,
    north: f64,
    /// Pixels per projected degree, and the box's top-left corner with the centring offsets.
    scale: f64,
    left: f64,
    top: f64,
}

/// The cosine of the regions' mean latitude and their projected extent
/// (west, east, south, north); None without regions.
fn extent(regions: &[MapRegion]) -> Option<(f64, [f64; 4])> {
    if regions.is_empty() {
        return None;
    }
    let lat0 = regions.iter().map(|r| r.lat).sum::<f64>() / regions.len() as f64;
    let cos = lat0.to_radians().cos().max(0.1);
    let points = regions.iter().flat_map(|r| {
        std::iter::once((r.lon, r.lat)).chain(r.outline.iter().flat_map(Outline::points))
    });
    let e = points.fold(
        [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ],
        |[w, e, s, n], (lon, lat)| {
            let x = lon * cos;
            [w.min(x), e.max(x), s.min(lat), n.max(lat)]
        },
    );
    Some((cos, e))
}

impl Projection {
    /// Fits `regions` (with a margin of `pad` of their extent) into the box at
    /// (`left`, `top`) of `width` × `height` pixels, centred; None without regions.
    pub fn fit(
        regions: &[MapRegion],
        (left, top): (f64, f64),
        (width, height): (f64, f64),
        pad: f64,
    ) -> Option<Projection> {
        let (cos, [x0, x1, y0, y1]) = extent(regions)?;
        // One degree at least, so a single region or a line of them still has an extent.
        let dx = (x1 - x0).max(1.0) * (1.0 + 2.0 * pad);
        let dy = (y1 - y0).max(1.0) * (1.0 + 2.0 * pad);
        let scale = (width / dx).min(height / dy);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        Some(Projection {
            cos,
            west: cx - width / 2.0 / scale,
            north: cy + height / 2.0 / scale,
            scale,
            left,
            top,
        })
    }

    /// The pixel of a longitude and latitude.
    pub fn pixel(&self, lon: f64, lat: f64) -> (i32, i32) {
        let x = self.left + (lon * self.cos - self.west) * self.scale;
        let y = self.top + (self.north - lat) * self.scale;
        (x.round() as i32, y.round() as i32)
    }

    /// Height over width of what `regions` span, projected, within bounds that keep a map
    /// readable, for sizing the maps.
    pub fn aspect(regions: &[MapRegion]) -> f64 {
        extent(regions).map_or(1.0, |(_, [x0, x1, y0, y1])| {
            ((y1 - y0).max(1.0) / (x1 - x0).max(1.0)).clamp(0.35, 1.4)
        })
    }
}

/// The located regions of a variant's `regions.csv`, with their outlines from its
/// `outlines.geojson` when it has one; empty when it has none.
fn read_regions(dir: &Path) -> Result<Vec<MapRegion>> {
    let path = dir.join(REGIONS_CSV);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let text = read_text(&path)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| corrupt(&path, format!("unreadable row: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let num = |i: usize| record.get(i).and_then(|v| v.parse::<f64>().ok());
        match (record.get(0), num(1), num(2)) {
            (Some(id), Some(lon), Some(lat)) => out.push(MapRegion {
                id: id.to_string(),
                lon,
                lat,
                outline: None,
            }),
            _ => {
                return Err(corrupt(
                    &path,
                    format!("line {line}: needs region, lon, lat"),
                ));
            }
        }
    }
    let path = dir.join(OUTLINES_GEOJSON);
    if path.is_file() {
        let outlines = crate::util::geo::read_features(&read_text(&path)?, REGION_PROPERTY)
            .map_err(|e| corrupt(&path, e))?;
        for region in &mut out {
            match outlines.get(&region.id) {
                Some(Ok(outline)) => region.outline = Some(outline.clone()),
                Some(Err(e)) => return Err(corrupt(&path, format!("{}: {e}", region.id))),
                None => {}
            }
        }
    }
    Ok(out)
}

/// The outer rings to fill, as (region, ring), largest first, so that an enclave filled
/// after the region around it shows.
fn fill_order(regions: &[MapRegion]) -> Vec<(usize, &[(f64, f64)])> {
    let mut rings: Vec<(usize, &[(f64, f64)])> = regions
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.outline.as_ref()?)))
        .flat_map(|(i, o)| {
            o.outer_rings()
                .into_iter()
                .map(move |ring| (i, ring.as_slice()))
        })
        .collect();
    let area = |ring: &[(f64, f64)]| crate::util::geo::ring_area(ring).abs();
    rings.sort_by(|a, b| area(b.1).total_cmp(&area(a.1)).then(a.0.cmp(&b.0)));
    rings
}

/// A ring's pixels under `p`, without repeated points.
fn ring_pixels(p: &Projection, ring: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(ring.len());
    for &(lon, lat) in ring {
        let px = p.pixel(lon, lat);
        if out.last() != Some(&px) {
            out.push(px);
        }
    }
    out
}

/// Mean units shipped by item, origin and destination region, from a variant's `flows.csv`
/// (empty for outputs written before it existed).
type FlowMeans = BTreeMap<(String, String, String), f64>;

/// Reads the units shipped between regions from a variant's `flows.csv`.
fn read_flows(dir: &Path) -> Result<FlowMeans> {
    let path = dir.join(FLOWS_CSV);
    if !path.is_file() {
        return Ok(FlowMeans::new());
    }
    let text = read_text(&path)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut out = FlowMeans::new();
    for record in reader.records() {
        let record = record.map_err(|e| corrupt(&path, format!("unreadable row: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        let units = record
            .get(3)
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| {
                corrupt(
                    &path,
                    format!("line {line}: needs from_region, to_region, item, shipped_mean"),
                )
            })?;
        out.insert((field(2), field(0), field(1)), units);
    }
    Ok(out)
}

/// The flows of `item` between distinct located regions (indices into `regions`), largest
/// first: as many as carry [`ARROW_SHARE`] of their units, at most [`MAX_ARROWS`].
fn select_arrows(flows: &FlowMeans, item: &str, regions: &[MapRegion]) -> Vec<MapArrow> {
    let index = |id: &str| regions.iter().position(|r| r.id == id);
    let mut all: Vec<MapArrow> = flows
        .range((item.to_string(), String::new(), String::new())..)
        .take_while(|((i, _, _), _)| i == item)
        .filter_map(|((_, from, to), &units)| {
            let (from, to) = (index(from)?, index(to)?);
            (from != to && units > 0.0).then_some(MapArrow { from, to, units })
        })
        .collect();
    // Largest first; equal flows in region order, so the choice never depends on the file.
    all.sort_by(|a, b| {
        b.units
            .total_cmp(&a.units)
            .then((a.from, a.to).cmp(&(b.from, b.to)))
    });
    let total: f64 = all.iter().map(|a| a.units).sum();
    let mut carried = 0.0;
    let keep = all
        .iter()
        .take_while(|a| {
            let more = carried < ARROW_SHARE * total;
            carried += a.units;
            more
        })
        .count()
        .min(MAX_ARROWS);
    all.truncate(keep);
    all
}

/// Width in pixels of the arrow of `units`, proportional to them, with the largest flow of
/// the chart (`largest`) at [`MAX_ARROW_WIDTH`].
pub fn arrow_width(units: f64, largest: f64) -> f64 {
    if largest > 0.0 {
        MAX_ARROW_WIDTH * units / largest
    } else {
        0.0
    }
}

/// A round number of units (1, 2 or 5 times a power of ten) at most `largest`, for the
/// legend's reference arrow; None without flows.
fn reference_units(largest: f64) -> Option<f64> {
    if largest.is_nan() || largest < 1.0 {
        return None;
    }
    let power = 10f64.powf(largest.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * power)
        .find(|&v| v <= largest)
}

/// The outline of an arrow from `a` to `b` (pixels) of shaft width `w`, its ends pulled back
/// by `gap` (the dots' radius) and shifted sideways by half its width, to its right, so that
/// flows both ways between two regions lie side by side: the shaft's ends and the arrowhead's
/// three corners; None when the regions are too close for an arrow.
fn arrow_shape(a: (i32, i32), b: (i32, i32), w: f64, gap: f64) -> Option<ArrowShape> {
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len = dx.hypot(dy);
    let head = 2.0 * w + 6.0;
    if len <= 2.0 * gap + head {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    // To the right of the direction of travel, on screen (y grows downwards).
    let (nx, ny) = (-uy, ux);
    let side = w / 2.0 + 1.0;
    let at = |t: f64, off: f64| {
        let x = a.0 as f64 + ux * t + nx * (side + off);
        let y = a.1 as f64 + uy * t + ny * (side + off);
        (x.round() as i32, y.round() as i32)
    };
    let (start, tip) = (gap, len - gap);
    let base = tip - head;
    let half = w / 2.0 + 3.0;
    Some(ArrowShape {
        shaft: [at(start, 0.0), at(base, 0.0)],
        head: [at(base, -half), at(tip, 0.0), at(base, half)],
    })
}

/// An arrow's shaft (a line of its width) and head (a triangle), pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ArrowShape {
    shaft: [(i32, i32); 2],
    head: [(i32, i32); 3],
}

/// `text` broken into lines of at most `room` pixels in `f`.
fn wrap(f: &FontDesc, text: &str, room: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(f, &format!("{line} {word}")) <= room => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Where the names of a map's regions go: for each region in `order`, a box of its name's
/// size (`size(i)`, pixels) right of its dot (radius `r`) at `at(i)`, else left of it, unless
/// both overlap another dot or a name placed before or leave the map's `frame` (left, top,
/// right, bottom); the names placed, as (region, box).
fn place_names(
    order: &[usize],
    at: impl Fn(usize) -> (i32, i32),
    size: impl Fn(usize) -> (i32, i32),
    r: i32,
    frame: [i32; 4],
) -> Vec<(usize, [i32; 4])> {
    let apart =
        |a: &[i32; 4], b: &[i32; 4]| a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
    let dots: Vec<[i32; 4]> = order
        .iter()
        .map(|&i| {
            let (x, y) = at(i);
            [x - r, y - r, x + r, y + r]
        })
        .collect();
    let mut placed: Vec<(usize, [i32; 4])> = Vec::new();
    for &i in order {
        let ((x, y), (w, h)) = (at(i), size(i));
        let right = [x + r + 2, y - h / 2, x + r + 2 + w, y + h - h / 2];
        let left = [x - r - 2 - w, y - h / 2, x - r - 2, y + h - h / 2];
        let free = |b: &[i32; 4]| {
            b[0] >= frame[0]
                && b[1] >= frame[1]
                && b[2] <= frame[2]
                && b[3] <= frame[3]
                && dots.iter().all(|d| apart(b, d))
                && placed.iter().all(|(_, p)| apart(b, p))
        };
        if let Some(b) = [right, left].into_iter().find(free) {
            placed.push((i, b));
        }
    }
    placed
}

/// Need and delivered per day, by product and region, from a variant's `timeseries.csv`.
type NeedMet = BTreeMap<(String, String), Vec<(f64, f64)>>;

/// Reads need and delivered (means across replications) of every region and the national
/// total from `timeseries.csv`.
fn read_need_met(v: &VariantData) -> Result<NeedMet> {
    let path = v.dir.join("timeseries.csv");
    let text = read_text(&path)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| corrupt(&path, format!("unreadable header: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| corrupt(&path, format!("no column `{name}`")))
    };
    let (c_day, c_item, c_region) = (col("day")?, col("item")?, col("region")?);
    let (c_need, c_delivered) = (col("need_mean")?, col("delivered_mean")?);
    let days = v.days();
    let mut out = NeedMet::new();
    for record in reader.records() {
        let record = record.map_err(|e| corrupt(&path, format!("unreadable row: {e}")))?;
        let field = |i: usize| record.get(i).unwrap_or("");
        if !v.manifest.products.iter().any(|p| p.id == field(c_item)) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let bad = || {
            corrupt(
                &path,
                format!("line {line}: unreadable day, need or delivered"),
            )
        };
        let day: usize = field(c_day).parse().map_err(|_| bad())?;
        let need: f64 = field(c_need).parse().map_err(|_| bad())?;
        let delivered: f64 = field(c_delivered).parse().map_err(|_| bad())?;
        if day >= days {
            return Err(bad());
        }
        out.entry((field(c_item).to_string(), field(c_region).to_string()))
            .or_insert_with(|| vec![(0.0, 0.0); days])[day] = (need, delivered);
    }
    Ok(out)
}

/// Share of the need met over `days` (None without need).
fn share_met(series: Option<&Vec<(f64, f64)>>, days: std::ops::Range<usize>) -> Option<f64> {
    let s = series?;
    let (need, met) = s[days]
        .iter()
        .fold((0.0, 0.0), |(n, m), &(a, b)| (n + a, m + b));
    (need > 0.0).then(|| (met / need).min(1.0))
}

/// The week (7 days from day 0 on) with the largest national need.
fn peak_week(national: Option<&Vec<(f64, f64)>>, days: usize) -> std::ops::Range<usize> {
    let weeks = days.div_ceil(7).max(1);
    let need = |w: usize| {
        national.map_or(0.0, |s| {
            s[w * 7..((w + 1) * 7).min(days)]
                .iter()
                .map(|x| x.0)
                .sum::<f64>()
        })
    };
    let best = (0..weeks).fold(0, |b, w| if need(w) > need(b) { w } else { b });
    best * 7..((best + 1) * 7).min(days)
}

/// The map's subtitle: short, as what the maps show is in their notes.
fn subtitle(scenario: &str, replications_run: u32, variants: usize) -> String {
    let mut s = format!("Scenario {scenario}, {}", replications(replications_run));
    if variants > 1 {
        s += &format!(" · {variants} variants, two maps each");
    }
    s
}

/// The map chart of every product, drawn from the variants' `regions.csv`, `timeseries.csv`
/// and `flows.csv`; none when no variant has located regions.
pub fn map_charts(s: &ScenarioData) -> Result<Vec<Chart>> {
    let Some(regions) = s
        .variants
        .iter()
        .map(|v| read_regions(&v.dir))
        .find(|r| !matches!(r, Ok(r) if r.is_empty()))
        .transpose()?
    else {
        return Ok(Vec::new());
    };
    let needs: Vec<NeedMet> = s
        .variants
        .iter()
        .map(read_need_met)
        .collect::<Result<_>>()?;
    let flows: Vec<FlowMeans> = s
        .variants
        .iter()
        .map(|v| read_flows(&v.dir))
        .collect::<Result<_>>()?;
    let first = &s.variants[0];
    let several = s.variants.len() > 1;
    let columns = if several { 4 } else { 2 };
    let mut out = Vec::new();
    for product in &first.manifest.products {
        let mut panels = Vec::new();
        for (i, ((v, need), flows)) in s.variants.iter().zip(&needs).zip(&flows).enumerate() {
            let series = |r: &str| need.get(&(product.id.clone(), r.to_string()));
            let days = v.days();
            let peak = peak_week(series(NATIONAL), days);
            let colour = variant_style(i).colour;
            let start = v.start_date();
            let week = format!(
                "peak week {}–{}",
                tick_label(date_of(start, peak.start), false),
                tick_label(date_of(start, peak.end - 1), false)
            );
            // Flows are counted over the horizon, so only that map carries them.
            let arrows = select_arrows(flows, &product.id, &regions);
            for (label, range, arrows) in [
                ("over the horizon".to_string(), 0..days, arrows),
                (week, peak, Vec::new()),
            ] {
                panels.push(MapPanel {
                    variant: several.then(|| v.name().to_string()),
                    label,
                    colour,
                    values: regions
                        .iter()
                        .map(|r| share_met(series(&r.id), range.clone()))
                        .collect(),
                    arrows,
                    named: panels.len() < columns,
                });
            }
        }
        // Names go to the regions of the largest need first (the first variant's).
        let need_of = |r: &MapRegion| {
            needs[0]
                .get(&(product.id.clone(), r.id.clone()))
                .map_or(0.0, |s| s.iter().map(|x| x.0).sum::<f64>())
        };
        let mut name_order: Vec<usize> = (0..regions.len()).collect();
        name_order.sort_by(|&a, &b| need_of(&regions[b]).total_cmp(&need_of(&regions[a])));
        let arrows = if panels.iter().any(|p| !p.arrows.is_empty()) {
            format!(
                " Arrows, on the maps over the horizon: the mean units shipped from region to \
                 region (counted when dispatched), width proportional to the units on one scale \
                 for every map; the largest flows carrying {} of the units shipped between \
                 located regions, at most {MAX_ARROWS} per map; shipments within a region are \
                 not drawn.",
                percent(ARROW_SHARE)
            )
        } else {
            String::new()
        };
        out.push(Chart {
            kind: ChartKind::Map,
            product: product.id.clone(),
            place: NATIONAL.to_string(),
            variant: None,
            file_stem: format!("{}-map", file_safe(&product.id)),
            title: format!("{}: share of need met by region", product_name(&product.id)),
            subtitle: subtitle(&s.name, first.manifest.replications, s.variants.len()),
            tag: None,
            x_axis: XAxis::Points {
                at: Vec::new(),
                labels: Vec::new(),
            },
            x_label: String::new(),
            panels: Vec::new(),
            map: Some(MapView {
                regions: regions.clone(),
                panels,
                columns,
                notes: format!(
                    "{} colour: delivered ÷ need (means across replications), over the horizon \
                     and in the week of the largest national need.{arrows}",
                    if regions.iter().any(|r| r.outline.is_some()) {
                        "Region (within its outline, or its dot)"
                    } else {
                        "Dot"
                    }
                ),
                name_order,
            }),
        });
    }
    Ok(out)
}

impl MapView {
    /// Width of each map, pixels.
    fn map_width(&self) -> i32 {
        let cols = self.columns.max(1) as i32;
        (WIDTH as i32 - 2 * MARGIN - (cols - 1) * GAP) / cols
    }

    /// Lines of each map's label.
    fn label_lines(&self) -> i32 {
        if self.panels.iter().any(|p| p.variant.is_some()) {
            2
        } else {
            1
        }
    }

    /// Height of each map with its label, pixels.
    fn cell_height(&self) -> i32 {
        let map = (self.map_width() as f64 * Projection::aspect(&self.regions)).round() as i32;
        self.label_lines() * LABEL_ROW + map
    }

    /// Height of the scale and the maps, pixels.
    pub fn height(&self) -> i32 {
        let rows = self.panels.len().div_ceil(self.columns.max(1)) as i32;
        self.maps_top() + rows * (self.cell_height() + GAP)
    }

    /// The notes under the colour scale, in lines that fit the chart.
    fn note_lines(&self) -> Vec<String> {
        wrap(&font(13.0), &self.notes, WIDTH as i32 - 2 * MARGIN)
    }

    /// Offset of the first row of maps below the top of the map area, pixels.
    fn maps_top(&self) -> i32 {
        SCALE_ROW + self.note_lines().len() as i32 * NOTE_ROW + GAP / 2
    }

    /// The largest flow drawn on any map (0 without arrows), which sets the width scale.
    pub fn largest_flow(&self) -> f64 {
        self.panels
            .iter()
            .flat_map(|p| &p.arrows)
            .map(|a| a.units)
            .fold(0.0, f64::max)
    }

    /// Dot radius, pixels: smaller as maps get smaller.
    fn radius(&self) -> i32 {
        (self.map_width() / 40).clamp(3, 9)
    }
}

/// `text` cut short with `…` to fit `room` pixels in `f`.
fn fit_text(f: &FontDesc, text: &str, room: i32) -> String {
    let mut t = text.to_string();
    if text_width(f, &t) <= room {
        return t;
    }
    while t.chars().count() > 1 && text_width(f, &format!("{t}…")) > room {
        t.pop();
    }
    format!("{t}…")
}

/// Draws the colour scale and the maps from `top` down.
pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    view: &MapView,
    top: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let left = Pos::new(HPos::Left, VPos::Center);
    let label_font = font(15.0);
    let caption = "Share of need met";
    root.draw(&Text::new(
        caption,
        (MARGIN, top + 16),
        bold(15.0).color(&INK).pos(left),
    ))?;
    let bar_left = MARGIN + text_width(&bold(15.0), caption) + 16;
    let (bar_w, steps) = (360, SCALE_STEPS as i32);
    for i in 0..steps {
        let x = bar_left + bar_w * i / steps;
        let next = bar_left + bar_w * (i + 1) / steps;
        let c = rgb(colour_of((i as f64 + 0.5) / steps as f64));
        root.draw(&Rectangle::new(
            [(x, top + 8), (next, top + 24)],
            c.filled(),
        ))?;
    }
    for k in 0..=4 {
        let x = bar_left + bar_w * k / 4;
        root.draw(&PathElement::new(
            vec![(x, top + 24), (x, top + 29)],
            MUTED.stroke_width(1),
        ))?;
        root.draw(&Text::new(
            percent(k as f64 / 4.0),
            (x, top + 32),
            label_font
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    let swatch = bar_left + bar_w + 40;
    let r = view.radius();
    if view.regions.iter().any(|g| g.outline.is_some()) {
        let corners = [(swatch - r, top + 16 - r), (swatch + r, top + 16 + r)];
        root.draw(&Rectangle::new(corners, NO_NEED_FILL.filled()))?;
        root.draw(&Rectangle::new(corners, BORDER.stroke_width(1)))?;
    } else {
        root.draw(&Circle::new((swatch, top + 16), r, WHITE.filled()))?;
        root.draw(&Circle::new((swatch, top + 16), r, NO_NEED.stroke_width(1)))?;
    }
    root.draw(&Text::new(
        "no need",
        (swatch + r + 8, top + 16),
        label_font.color(&INK).pos(left),
    ))?;
    let largest = view.largest_flow();
    if let Some(reference) = reference_units(largest) {
        let x = swatch + r + 16 + text_width(&label_font, "no need");
        let w = arrow_width(reference, largest);
        if let Some(a) = arrow_shape((x, top + 16), (x + 56, top + 16), w, 0.0) {
            draw_arrow(root, &a, w)?;
        }
        root.draw(&Text::new(
            format!("{} units shipped", human(reference)),
            (x + 64, top + 16),
            label_font.color(&INK).pos(left),
        ))?;
    }
    let notes = font(13.0);
    for (k, line) in view.note_lines().iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (MARGIN, top + SCALE_ROW + k as i32 * NOTE_ROW),
            notes.color(&MUTED).pos(left),
        ))?;
    }

    let (w, cols) = (view.map_width(), view.columns.max(1));
    let map_top = top + view.maps_top();
    let fills = fill_order(&view.regions);
    let lines = view.label_lines();
    for (i, panel) in view.panels.iter().enumerate() {
        let x = MARGIN + (i % cols) as i32 * (w + GAP);
        let y = map_top + (i / cols) as i32 * (view.cell_height() + GAP);
        let mut line_y = y + LABEL_ROW / 2;
        if let Some(variant) = &panel.variant {
            root.draw(&Rectangle::new(
                [(x, line_y - 6), (x + 12, line_y + 6)],
                rgb(panel.colour).filled(),
            ))?;
            let f = bold(14.0);
            root.draw(&Text::new(
                fit_text(&f, variant, w - 18),
                (x + 18, line_y),
                f.color(&INK).pos(left),
            ))?;
            line_y += LABEL_ROW;
        }
        let f = font(14.0);
        root.draw(&Text::new(
            fit_text(&f, &panel.label, w),
            (x, line_y),
            f.color(&MUTED).pos(left),
        ))?;
        let box_top = y + lines * LABEL_ROW;
        let h = view.cell_height() - lines * LABEL_ROW;
        root.draw(&Rectangle::new(
            [(x, box_top), (x + w, box_top + h)],
            FRAME.stroke_width(1),
        ))?;
        let Some(p) = Projection::fit(
            &view.regions,
            (x as f64, box_top as f64),
            (w as f64, h as f64),
            PAD,
        ) else {
            continue;
        };
        let at = |i: usize| p.pixel(view.regions[i].lon, view.regions[i].lat);
        // Each ring filled, then its border, so that each is one element that repeats from
        // map to map (the report shares it).
        for &(i, ring) in &fills {
            let pixels = ring_pixels(&p, ring);
            let fill = panel.values[i].map_or(NO_NEED_FILL, |v| rgb(colour_of(v)));
            root.draw(&Polygon::new(pixels.clone(), fill.filled()))?;
            root.draw(&PathElement::new(pixels, BORDER.stroke_width(1)))?;
        }
        // Smallest first, so the largest flows lie on top.
        for arrow in panel.arrows.iter().rev() {
            let width = arrow_width(arrow.units, largest);
            if let Some(a) = arrow_shape(at(arrow.from), at(arrow.to), width, r as f64 + 1.0) {
                draw_arrow(root, &a, width)?;
            }
        }
        for (i, value) in panel.values.iter().enumerate() {
            if view.regions[i].outline.is_some() {
                continue;
            }
            let at = at(i);
            match value {
                Some(v) => {
                    root.draw(&Circle::new(at, r, rgb(colour_of(*v)).filled()))?;
                    root.draw(&Circle::new(at, r, INK.mix(0.5).stroke_width(1)))?;
                }
                None => {
                    root.draw(&Circle::new(at, r, WHITE.filled()))?;
                    root.draw(&Circle::new(at, r, NO_NEED.stroke_width(1)))?;
                }
            }
        }
        if panel.named {
            let f = font(NAME_SIZE);
            let size = |i: usize| (text_width(&f, &view.regions[i].id), NAME_SIZE as i32 + 2);
            let frame = [x + 2, box_top + 2, x + w - 2, box_top + h - 2];
            for (i, b) in place_names(&view.name_order, at, size, r, frame) {
                root.draw(&Text::new(
                    view.regions[i].id.clone(),
                    (b[0], (b[1] + b[3]) / 2),
                    f.color(&INK).pos(left),
                ))?;
            }
        }
    }
    Ok(())
}

/// Draws an arrow of shaft width `w` pixels (at least one).
fn draw_arrow<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &ArrowShape,
    w: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let ink = INK.mix(ARROW_ALPHA);
    root.draw(&PathElement::new(
        a.shaft.to_vec(),
        ink.stroke_width((w.round() as u32).max(1)),
    ))?;
    root.draw(&Polygon::new(a.head.to_vec(), ink.filled()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(id: &str, lon: f64, lat: f64) -> MapRegion {
        MapRegion {
            id: id.to_string(),
            lon,
            lat,
            outline: None,
        }
    }

    #[test]
    fn the_projection_keeps_north_up_east_right_and_proportions() {
        let rs = [
            region("Beijing", 116.4, 39.9),
            region("Guangdong", 113.3, 23.1),
            region("Xinjiang", 87.6, 43.8),
        ];
        let p = Projection::fit(&rs, (10.0, 20.0), (400.0, 300.0), 0.0).unwrap();
        let (bx, by) = p.pixel(116.4, 39.9);
        let (gx, gy) = p.pixel(113.3, 23.1);
        let (xx, _) = p.pixel(87.6, 43.8);
        assert!(gy > by, "south lies lower");
        assert!(bx > xx && gx > xx, "east lies right");
        // The extent fills the box in one direction and fits in the other.
        let xs = [bx, gx, xx];
        let ys = [by, gy, p.pixel(87.6, 43.8).1];
        let w = xs.iter().max().unwrap() - xs.iter().min().unwrap();
        let h = ys.iter().max().unwrap() - ys.iter().min().unwrap();
        assert!(w == 400 || h == 300, "{w} × {h}");
        assert!(w <= 400 && h <= 300);
        assert!(xs.iter().all(|&x| (10..=410).contains(&x)));
        // A degree of latitude is a degree of longitude shrunk by the cosine.
        let lat0 = (39.9 + 23.1 + 43.8) / 3.0_f64;
        let one_lat = p.pixel(100.0, 30.0).1 - p.pixel(100.0, 40.0).1;
        let one_lon = p.pixel(110.0, 30.0).0 - p.pixel(100.0, 30.0).0;
        let ratio = one_lon as f64 / one_lat as f64;
        assert!((ratio - lat0.to_radians().cos()).abs() < 0.02, "{ratio}");
        assert!(Projection::fit(&[], (0.0, 0.0), (1.0, 1.0), 0.0).is_none());
    }

    #[test]
    fn the_colour_scale_runs_from_its_first_anchor_to_its_last() {
        assert_eq!(colour_of(0.0), SCALE[0]);
        assert_eq!(colour_of(-1.0), SCALE[0]);
        assert_eq!(colour_of(1.0), SCALE[4]);
        assert_eq!(colour_of(2.0), SCALE[4]);
        assert_eq!(colour_of(0.5), SCALE[2]);
        let light = |c: Rgb| 0.3 * c.0 as f64 + 0.59 * c.1 as f64 + 0.11 * c.2 as f64;
        let steps: Vec<f64> = (0..=20)
            .map(|i| light(colour_of(i as f64 / 20.0)))
            .collect();
        assert!(
            steps.windows(2).all(|w| w[1] >= w[0]),
            "lighter as more is met"
        );
    }

    #[test]
    fn arrow_widths_are_proportional_to_the_units_shipped() {
        assert_eq!(arrow_width(500.0, 1000.0), MAX_ARROW_WIDTH / 2.0);
        assert_eq!(arrow_width(1000.0, 1000.0), MAX_ARROW_WIDTH);
        for (a, b) in [(10.0, 40.0), (3.0, 900.0), (250.0, 1000.0)] {
            let ratio = arrow_width(a, 1000.0) / arrow_width(b, 1000.0);
            assert!((ratio - a / b).abs() < 1e-12, "{a} vs {b}");
        }
        assert_eq!(arrow_width(5.0, 0.0), 0.0);
        assert_eq!(reference_units(1234.0), Some(1000.0));
        assert_eq!(reference_units(27_000.0), Some(20_000.0));
        assert_eq!(reference_units(0.2), None);
    }

    #[test]
    fn arrows_are_the_largest_flows_between_located_regions() {
        let rs = [
            region("A", 100.0, 30.0),
            region("B", 110.0, 30.0),
            region("C", 105.0, 40.0),
        ];
        let mut flows = FlowMeans::new();
        let mut add = |item: &str, from: &str, to: &str, units: f64| {
            flows.insert((item.into(), from.into(), to.into()), units);
        };
        add("mask", "A", "B", 50.0);
        add("mask", "B", "C", 40.0);
        add("mask", "C", "A", 9.0);
        add("mask", "A", "C", 1.0);
        add("mask", "A", "A", 1e6); // within a region: not an arrow
        add("mask", "A", "Nowhere", 1e6); // no coordinates: not on the map
        add("vent", "A", "B", 1e6); // another product
        let arrows = select_arrows(&flows, "mask", &rs);
        // 50 + 40 = 90 of 100 units: the first two carry the share.
        assert_eq!(
            arrows
                .iter()
                .map(|a| (a.from, a.to, a.units))
                .collect::<Vec<_>>(),
            [(0, 1, 50.0), (1, 2, 40.0)]
        );
        assert!(select_arrows(&flows, "gown", &rs).is_empty());
        // Many equal flows: capped.
        let many: Vec<MapRegion> = (0..20)
            .map(|i| region(&format!("R{i:02}"), i as f64, 0.0))
            .collect();
        let mut flows = FlowMeans::new();
        for a in &many {
            for b in &many {
                flows.insert(("mask".into(), a.id.clone(), b.id.clone()), 1.0);
            }
        }
        let capped = select_arrows(&flows, "mask", &many);
        assert_eq!(capped.len(), MAX_ARROWS);
        assert_eq!(
            (capped[0].from, capped[0].to),
            (0, 1),
            "ties in region order"
        );
    }

    #[test]
    fn an_arrow_runs_between_the_dots_with_its_head_at_the_destination() {
        let a = arrow_shape((0, 0), (100, 0), 4.0, 5.0).unwrap();
        // Eastwards: shifted to the right of travel (downwards on screen) by half its width + 1.
        assert_eq!(a.shaft, [(5, 3), (81, 3)]);
        assert_eq!(a.head[1], (95, 3), "the tip stops at the dot");
        assert_eq!((a.head[0].0, a.head[2].0), (81, 81));
        assert_eq!(
            a.head[2].1 - a.head[0].1,
            10,
            "the head is wider than the shaft"
        );
        // The way back lies on the other side.
        let back = arrow_shape((100, 0), (0, 0), 4.0, 5.0).unwrap();
        assert_eq!(back.shaft[0].1, -3);
        assert!(
            arrow_shape((0, 0), (20, 0), 4.0, 5.0).is_none(),
            "too close"
        );
    }

    #[test]
    fn names_never_overlap_each_other_other_dots_or_the_frame() {
        let at = [(50, 50), (60, 52), (50, 80), (195, 3)];
        let placed = place_names(&[0, 1, 2, 3], |i| at[i], |_| (40, 12), 4, [0, 0, 200, 100]);
        let ids: Vec<usize> = placed.iter().map(|p| p.0).collect();
        // 1 lies right of 0, so 0 goes left; 1 fits right; 2 is clear; 3 has no room.
        assert_eq!(ids, [0, 1, 2]);
        assert!(placed[0].1[2] <= 50 - 4, "left of its dot: {:?}", placed[0]);
        for (i, (_, a)) in placed.iter().enumerate() {
            for (_, b) in &placed[i + 1..] {
                assert!(a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1]);
            }
        }
    }

    #[test]
    fn the_subtitle_fits_the_chart_however_many_variants() {
        crate::plots::font::register().unwrap();
        let room = WIDTH as i32 - 2 * MARGIN;
        let s = subtitle("china-2020", 1000, 22);
        assert!(text_width(&font(16.0), &s) <= room, "{s}");
        assert!(s.contains("22 variants"));
        assert!(!subtitle("minimal", 5, 1).contains("variants"));
    }

    #[test]
    fn notes_wrap_to_the_width_given() {
        crate::plots::font::register().unwrap();
        let f = font(13.0);
        let text = "word ".repeat(200);
        let lines = wrap(&f, &text, 300);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| text_width(&f, l) <= 300));
        assert_eq!(lines.join(" ").split(' ').count(), 200);
    }

    #[test]
    fn shares_and_the_peak_week_come_from_need_and_delivered() {
        let mut national = vec![(10.0, 10.0); 21];
        national[7..14].fill((100.0, 50.0));
        assert_eq!(peak_week(Some(&national), 21), 7..14);
        assert_eq!(share_met(Some(&national), 7..14), Some(0.5));
        assert_eq!(share_met(Some(&vec![(0.0, 0.0); 3]), 0..3), None);
        assert_eq!(share_met(None, 0..3), None);
        assert_eq!(peak_week(None, 10), 0..7);
    }
}
