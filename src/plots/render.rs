//! Draws a [`Chart`] with plotters, as SVG text or a PNG file. Layout: title and subtitle,
//! the variant tag at the top right, the legend in rows under the subtitle (never over the
//! data), then the panels sharing an x axis (calendar dates, or the points of a sweep).

use super::chart::{Chart, Dash, Fill, LineStyle, Marker, Panel, Rgb, Series, XAxis, YFormat};
use super::font::{self, FAMILY};
use super::format::{date_of, escape, percent, si, tick_label};
use crate::error::{Error, Result};
use crate::util::atomic::atomic_write;
use chrono::Datelike;
use image::ImageEncoder;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::error::Error as StdError;
use std::path::Path;

/// Width of every chart, pixels.
pub const WIDTH: u32 = 1000;
pub(super) const MARGIN: i32 = 24;
const TITLE_SIZE: f64 = 26.0;
const SUBTITLE_SIZE: f64 = 16.0;
const LEGEND_SIZE: f64 = 17.0;
const LABEL_SIZE: f64 = 16.0;
const AXIS_TITLE_SIZE: f64 = 17.0;
/// Height of a one-line title and the subtitle, pixels.
const HEADER: i32 = 74;
/// Height of each further title line, pixels.
const TITLE_LINE: i32 = 32;
/// Left edge of legends: aligned with the plot area, right of the y-axis labels.
const LEGEND_LEFT: i32 = MARGIN + 92;
const LEGEND_ROW: i32 = 28;
const SWATCH: i32 = 38;
/// Extra height of the bottom panel for the x-axis title.
const X_TITLE_SPACE: u32 = 26;
const GRID: RGBColor = RGBColor(228, 228, 228);
pub(super) const INK: RGBColor = RGBColor(40, 40, 40);
pub(super) const MUTED: RGBColor = RGBColor(90, 90, 90);
/// Opacity of percentile bands.
const BAND_ALPHA: f64 = 0.17;
/// Strength of the (opaque) tint of shaded areas such as unmet demand: opaque, so bands
/// beneath do not muddy its colour and it matches its legend swatch.
const FILL_TINT: f64 = 0.5;

pub(super) type DrawResult<T = ()> = std::result::Result<T, Box<dyn StdError>>;

pub(super) fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// `c` mixed with white: `share` of the colour.
fn tint(c: Rgb, share: f64) -> RGBColor {
    let m = |v: u8| (v as f64 * share + 255.0 * (1.0 - share)).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

pub(super) fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
}

pub(super) fn bold(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Bold)
}

pub(super) fn text_width(f: &FontDesc, text: &str) -> i32 {
    f.box_size(text)
        .map_or(text.len() as i32 * 8, |(w, _)| w as i32)
}

/// One legend entry.
enum Swatch {
    Line { style: LineStyle, banded: bool },
    Area(Rgb),
    Interval(Rgb),
    Point(LineStyle),
}

fn legend_entries(panel: &Panel) -> Vec<(Swatch, &str)> {
    let mut out: Vec<(Swatch, &str)> = Vec::new();
    out.extend(
        panel
            .fills
            .iter()
            .map(|f: &Fill| (Swatch::Area(f.colour), f.label.as_str())),
    );
    out.extend(panel.series.iter().map(|s: &Series| {
        (
            Swatch::Line {
                style: s.style,
                banded: s.band.is_some(),
            },
            s.label.as_str(),
        )
    }));
    out.extend(
        panel
            .whiskers
            .iter()
            .map(|w| (Swatch::Interval(w.colour), w.label.as_str())),
    );
    out.extend(
        panel
            .points
            .iter()
            .map(|p| (Swatch::Point(p.style), p.label.as_str())),
    );
    out.retain(|(_, l)| !l.is_empty());
    out
}

/// A panel's legend entries placed in rows: (row, x) of each, and the number of rows.
fn legend_layout(panel: &Panel) -> (Vec<(i32, i32)>, i32) {
    let f = font(LEGEND_SIZE);
    let right = WIDTH as i32 - MARGIN;
    let (mut row, mut x) = (0, LEGEND_LEFT);
    let mut at = Vec::new();
    for (_, label) in legend_entries(panel) {
        let w = SWATCH + 8 + text_width(&f, label);
        if x > LEGEND_LEFT && x + w > right {
            row += 1;
            x = LEGEND_LEFT;
        }
        at.push((row, x));
        x += w + 26;
    }
    let rows = if at.is_empty() { 0 } else { row + 1 };
    (at, rows)
}

/// Height of a panel's legend, pixels.
fn legend_height(panel: &Panel) -> i32 {
    let (_, rows) = legend_layout(panel);
    if rows == 0 { 0 } else { rows * LEGEND_ROW + 6 }
}

/// Height of a panel with its legend (and, for the bottom one, the x-axis title).
fn panel_height(panel: &Panel, last: bool) -> i32 {
    legend_height(panel) + panel.height as i32 + if last { X_TITLE_SPACE as i32 } else { 0 }
}

/// The chart's size in pixels.
pub fn size(chart: &Chart) -> (u32, u32) {
    if let Some(map) = &chart.map {
        return (WIDTH, (header_height(chart) + map.height() + 8) as u32);
    }
    let n = chart.panels.len();
    let panels: i32 = chart
        .panels
        .iter()
        .enumerate()
        .map(|(i, p)| panel_height(p, i + 1 == n))
        .sum();
    (WIDTH, (header_height(chart) + panels + 8) as u32)
}

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String> {
    font::register()?;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size(chart)).into_drawing_area();
        draw(&root, chart)
            .and_then(|_| root.present().map_err(Into::into))
            .map_err(|e| plot_error(chart, "svg", e.as_ref()))?;
    }
    // Give the document its title, for screen readers and browser tooltips.
    if let Some(end) = buf.find('>') {
        buf.insert_str(
            end + 1,
            &format!("\n<title>{}</title>", escape(&chart.title)),
        );
    }
    Ok(buf)
}

/// Draws the chart into a PNG file (through a temporary name, then renamed).
pub fn png(chart: &Chart, path: &Path) -> Result<()> {
    let bytes = png_bytes(chart)?;
    atomic_write(path, |out| out.write_all(&bytes))
}

/// The chart as a PNG file's bytes, drawn in memory and encoded as plotters encodes a PNG
/// file (for a caller that writes it like every other output file).
pub fn png_bytes(chart: &Chart) -> Result<Vec<u8>> {
    font::register()?;
    let (w, h) = size(chart);
    let mut pixels = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(&root, chart)
            .and_then(|_| root.present().map_err(Into::into))
            .map_err(|e| plot_error(chart, "png", e.as_ref()))?;
    }
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(&pixels, w, h, image::ColorType::Rgb8)
        .map_err(|e| plot_error(chart, "png", &e))?;
    Ok(bytes)
}

fn plot_error(chart: &Chart, ext: &str, e: &dyn StdError) -> Error {
    Error::Plot {
        path: format!("{}.{ext}", chart.file_stem).into(),
        message: e.to_string(),
    }
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    draw_header(root, chart)?;
    let mut y = header_height(chart);
    if let Some(map) = &chart.map {
        return super::map::draw(root, map, y);
    }
    let n = chart.panels.len();
    for (i, panel) in chart.panels.iter().enumerate() {
        let last = i + 1 == n;
        let legend = legend_height(panel);
        draw_legend(root, panel, y)?;
        let h = panel_height(panel, last) - legend;
        let area = root.clone().shrink((0, y + legend), (WIDTH, h as u32));
        draw_panel(root, &area, chart, panel, last)?;
        y += legend + h;
    }
    Ok(())
}

/// Width left for the title beside the variant tag.
fn title_room(chart: &Chart) -> i32 {
    let room = WIDTH as i32 - 2 * MARGIN;
    match &chart.tag {
        Some((label, _)) => room - text_width(&bold(LEGEND_SIZE), label) - 40,
        None => room,
    }
}

/// The title broken into lines at spaces to fit beside the tag: at most two lines, the second
/// cut short with `…` if even that is not enough.
fn title_lines(chart: &Chart) -> Vec<String> {
    let tf = bold(TITLE_SIZE);
    let room = title_room(chart);
    let mut lines: Vec<String> = vec![String::new()];
    for word in chart.title.split(' ') {
        let full = lines.len() == 2;
        let last = lines.last_mut().expect("one line at least");
        let joined = if last.is_empty() {
            word.to_string()
        } else {
            format!("{last} {word}")
        };
        if last.is_empty() || text_width(&tf, &joined) <= room || full {
            *last = joined;
        } else {
            lines.push(word.to_string());
        }
    }
    if let Some(last) = lines.last_mut()
        && text_width(&tf, last) > room
    {
        while last.chars().count() > 8 && text_width(&tf, &format!("{last}…")) > room {
            last.pop();
        }
        *last = format!("{}…", last.trim_end());
    }
    lines
}

/// Height of the title and subtitle, pixels.
fn header_height(chart: &Chart) -> i32 {
    HEADER + (title_lines(chart).len() as i32 - 1) * TITLE_LINE
}

fn draw_header<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let right = WIDTH as i32 - MARGIN;
    let pos = Pos::new(HPos::Left, VPos::Center);
    if let Some((label, colour)) = &chart.tag {
        let f = bold(LEGEND_SIZE);
        let x = right - text_width(&f, label);
        root.draw(&Rectangle::new(
            [(x - 24, 16), (x - 8, 32)],
            rgb(*colour).filled(),
        ))?;
        root.draw(&Text::new(label.clone(), (x, 24), f.color(&INK).pos(pos)))?;
    }
    let tf = bold(TITLE_SIZE).color(&INK).pos(pos);
    let lines = title_lines(chart);
    for (i, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (MARGIN, 24 + i as i32 * TITLE_LINE),
            tf.clone(),
        ))?;
    }
    root.draw(&Text::new(
        chart.subtitle.clone(),
        (MARGIN, 54 + (lines.len() as i32 - 1) * TITLE_LINE),
        font(SUBTITLE_SIZE).color(&MUTED).pos(pos),
    ))?;
    Ok(())
}

/// Draws a panel's legend in rows from `top`, above its plot.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panel: &Panel,
    top: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (at, _) = legend_layout(panel);
    let lf = font(LEGEND_SIZE)
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for ((swatch, label), (row, x)) in legend_entries(panel).into_iter().zip(at) {
        let mid = top + row * LEGEND_ROW + LEGEND_ROW / 2;
        match swatch {
            Swatch::Area(c) => {
                root.draw(&Rectangle::new(
                    [(x, mid - 7), (x + SWATCH, mid + 7)],
                    tint(c, FILL_TINT).filled(),
                ))?;
            }
            Swatch::Interval(c) => {
                let style = rgb(c).stroke_width(2);
                let cx = x + SWATCH / 2;
                root.draw(&PathElement::new(vec![(cx, mid - 8), (cx, mid + 8)], style))?;
                root.draw(&PathElement::new(
                    vec![(cx - 6, mid - 8), (cx + 6, mid - 8)],
                    style,
                ))?;
                root.draw(&PathElement::new(
                    vec![(cx - 6, mid + 8), (cx + 6, mid + 8)],
                    style,
                ))?;
                root.draw(&Circle::new((cx, mid), 4, rgb(c).filled()))?;
            }
            Swatch::Point(style) => draw_marker(root, style, (x + SWATCH / 2, mid))?,
            Swatch::Line { style, banded } => {
                if banded {
                    root.draw(&Rectangle::new(
                        [(x, mid - 8), (x + SWATCH, mid + 8)],
                        rgb(style.colour).mix(BAND_ALPHA * 1.4).filled(),
                    ))?;
                }
                for (a, b) in dash_segments(style.dash, x, x + SWATCH) {
                    root.draw(&PathElement::new(
                        vec![(a, mid), (b, mid)],
                        rgb(style.colour).stroke_width(style.width + 1),
                    ))?;
                }
                draw_marker(root, style, (x + SWATCH / 2, mid))?;
            }
        }
        root.draw(&Text::new(
            label.to_string(),
            (x + SWATCH + 8, mid),
            lf.clone(),
        ))?;
    }
    Ok(())
}

/// The (dash length, gap) of a stroke pattern, pixels.
fn pattern(dash: Dash) -> Option<(i32, i32)> {
    match dash {
        Dash::Solid => None,
        Dash::Dashed => Some((9, 6)),
        Dash::Dotted => Some((2, 5)),
        Dash::LongDash => Some((18, 6)),
    }
}

/// The pieces of a horizontal legend line from `x0` to `x1`.
fn dash_segments(dash: Dash, x0: i32, x1: i32) -> Vec<(i32, i32)> {
    match pattern(dash) {
        None => vec![(x0, x1)],
        Some((on, off)) => {
            let mut v = Vec::new();
            let mut x = x0;
            while x < x1 {
                v.push((x, (x + on).min(x1)));
                x += on + off;
            }
            v
        }
    }
}

fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: LineStyle,
    (x, y): (i32, i32),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let c = rgb(style.colour);
    match style.marker {
        Marker::None => {}
        Marker::Circle => area.draw(&Circle::new((x, y), 4, c.filled()))?,
        Marker::Triangle => area.draw(&Polygon::new(
            vec![(x, y - 6), (x + 6, y + 4), (x - 6, y + 4)],
            c.filled(),
        ))?,
        Marker::Square => area.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            c.filled(),
        ))?,
        Marker::Diamond => area.draw(&Polygon::new(
            vec![(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)],
            c.filled(),
        ))?,
    }
    Ok(())
}

/// The runs of indices with finite values.
fn finite_runs(values: &[f64]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if v.is_finite() {
            cur.push(i);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The runs of finite values, as (x, value) points on `axis`.
fn runs(values: &[f64], axis: &XAxis) -> Vec<Vec<(f64, f64)>> {
    finite_runs(values)
        .into_iter()
        .map(|run| {
            run.into_iter()
                .map(|i| (axis.position(i), values[i]))
                .collect()
        })
        .collect()
}

/// A run of points cut where it rises above `top`, with the crossings interpolated, so a
/// curve leaves the plot at its upper edge and comes back.
fn clip_top(run: &[(f64, f64)], top: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    let cross = |a: (f64, f64), b: (f64, f64)| {
        let t = (top - a.1) / (b.1 - a.1);
        (a.0 + t * (b.0 - a.0), top)
    };
    for (i, &p) in run.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| run[j]);
        match (prev, p.1 <= top) {
            (None, true) => cur.push(p),
            (None, false) => {}
            (Some(a), true) => {
                if a.1 > top {
                    cur.push(cross(a, p));
                }
                cur.push(p);
            }
            (Some(a), false) => {
                if a.1 <= top {
                    cur.push(cross(a, p));
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if cur.len() > 1 || (cur.len() == 1 && run.len() == 1) {
        out.push(cur);
    }
    out.retain(|r| !r.is_empty());
    out
}

/// The polygons of the area between `low` and `high` on `axis` (high clamped to at least low).
fn band_polygons(low: &[f64], high: &[f64], axis: &XAxis) -> Vec<Vec<(f64, f64)>> {
    let both: Vec<f64> = low
        .iter()
        .zip(high)
        .map(|(l, h)| {
            if l.is_finite() && h.is_finite() {
                0.0
            } else {
                f64::NAN
            }
        })
        .collect();
    finite_runs(&both)
        .into_iter()
        .map(|run| {
            let mut poly: Vec<(f64, f64)> = run
                .iter()
                .map(|&i| (axis.position(i), high[i].max(low[i])))
                .collect();
            poly.extend(run.iter().rev().map(|&i| (axis.position(i), low[i])));
            poly
        })
        .collect()
}

fn y_label(format: YFormat, v: f64) -> String {
    match format {
        YFormat::Count => si(v),
        YFormat::Percent => percent(v),
        YFormat::Days => si(v),
    }
}

fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    panel: &Panel,
    last: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = chart.x_range();
    let (y0, y1) = panel.y_range;
    // Date ticks are calendar-aligned and points are labelled with their values, so ticks are
    // drawn below rather than by plotters.
    let ticks: Vec<(f64, String)> = match &chart.x_axis {
        XAxis::Dates { start, days } => super::format::date_ticks(*start, *days)
            .into_iter()
            .map(|d| {
                let date = date_of(*start, d);
                let with_year = date.year() != start.year() && date.ordinal() <= 15;
                (d as f64, tick_label(date, with_year))
            })
            .collect(),
        XAxis::Points { at, labels } => at.iter().copied().zip(labels.iter().cloned()).collect(),
    };
    let mut ctx = ChartBuilder::on(area)
        .margin_left(MARGIN as u32)
        .margin_right(MARGIN as u32 + 8)
        .margin_top(10)
        .margin_bottom(4)
        .x_label_area_size(if last { 34 + X_TITLE_SPACE } else { 34 })
        .y_label_area_size(92)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let y_fmt = |y: &f64| y_label(panel.y_format, *y);
    let mut mesh = ctx.configure_mesh();
    mesh.bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
        .x_labels(0)
        .y_label_formatter(&y_fmt)
        .y_labels(6)
        .label_style(font(LABEL_SIZE).color(&INK))
        .axis_desc_style(font(AXIS_TITLE_SIZE).color(&INK))
        .y_desc(panel.y_label.clone());
    if last {
        mesh.x_desc(chart.x_label.clone());
    }
    mesh.draw()?;
    let label_style = font(LABEL_SIZE)
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    // Grid lines, then tick marks, then labels (each over the one before, as when drawn tick
    // by tick), so the report's compact SVG joins each kind into one path.
    for (t, _) in &ticks {
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(*t, y0), (*t, y1)],
            GRID.stroke_width(1),
        )))?;
    }
    for (t, _) in &ticks {
        let (px, py) = ctx.backend_coord(&(*t, y0));
        root.draw(&PathElement::new(
            vec![(px, py), (px, py + 5)],
            MUTED.stroke_width(1),
        ))?;
    }
    for (t, label) in ticks {
        let (px, py) = ctx.backend_coord(&(t, y0));
        root.draw(&Text::new(label, (px, py + 9), label_style.clone()))?;
    }

    if let Some(rule) = &panel.rule {
        let x = chart.x_axis.position(rule.at);
        ctx.draw_series(DashedLineSeries::new(
            [(x, y0), (x, y1)],
            5,
            4,
            MUTED.stroke_width(1),
        ))?;
    }
    let clamp = |v: &[f64]| -> Vec<f64> { v.iter().map(|x| x.clamp(y0, y1)).collect() };
    for s in &panel.series {
        if let Some((lo, hi)) = &s.band {
            for poly in band_polygons(&clamp(lo), &clamp(hi), &chart.x_axis) {
                ctx.draw_series(std::iter::once(Polygon::new(
                    poly,
                    rgb(s.style.colour).mix(BAND_ALPHA).filled(),
                )))?;
            }
        }
    }
    for f in &panel.fills {
        for poly in band_polygons(&clamp(&f.low), &clamp(&f.high), &chart.x_axis) {
            ctx.draw_series(std::iter::once(Polygon::new(
                poly,
                tint(f.colour, FILL_TINT).filled(),
            )))?;
        }
    }
    // Markers at intervals along daily lines; at every point of a points axis.
    let step = match &chart.x_axis {
        XAxis::Dates { days, .. } => (days / 8).max(1),
        XAxis::Points { .. } => 1,
    };
    // Lines are drawn last-listed first, so the first in the legend lies on top.
    for (k, s) in panel.series.iter().enumerate().rev() {
        let stroke = ShapeStyle {
            color: rgb(s.style.colour).to_rgba(),
            filled: false,
            stroke_width: s.style.width,
        };
        for run in runs(&s.values, &chart.x_axis)
            .iter()
            .flat_map(|r| clip_top(r, y1))
        {
            match pattern(s.style.dash) {
                None => {
                    ctx.draw_series(LineSeries::new(run, stroke))?;
                }
                Some((on, off)) => {
                    ctx.draw_series(DashedLineSeries::new(run, on, off, stroke))?;
                }
            }
        }
        if s.style.marker != Marker::None {
            let offset = (step / 2 + k * step / 3) % step;
            for d in (offset..s.values.len()).step_by(step) {
                let v = s.values[d];
                if v.is_finite() && v <= y1 {
                    let at = (chart.x_axis.position(d), v);
                    draw_marker(root, s.style, ctx.backend_coord(&at))?;
                }
            }
        }
    }
    for w in &panel.whiskers {
        let c = rgb(w.colour);
        let style = c.stroke_width(2);
        let x = chart.x_axis.position(w.at);
        let (low, high) = (w.low.clamp(y0, y1), w.high.clamp(y0, y1));
        ctx.draw_series(std::iter::once(PathElement::new(
            vec![(x, low), (x, high)],
            style,
        )))?;
        for y in [low, high] {
            ctx.draw_series(std::iter::once(
                EmptyElement::at((x, y)) + PathElement::new(vec![(-7, 0), (7, 0)], style),
            ))?;
        }
        ctx.draw_series(std::iter::once(Circle::new(
            (x, w.mid.clamp(y0, y1)),
            5,
            c.filled(),
        )))?;
    }
    for p in &panel.points {
        for &(i, v) in &p.at {
            if v.is_finite() {
                let at = ctx.backend_coord(&(chart.x_axis.position(i), v.clamp(y0, y1)));
                // A white ring keeps the point visible on a line of its colour.
                root.draw(&Circle::new(at, 7, WHITE.filled()))?;
                draw_marker(root, p.style, at)?;
            }
        }
    }
    let corner: Vec<String> = [
        panel.off_scale.as_ref().map(|t| format!("↑ {t}")),
        panel.remark.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let style = font(LABEL_SIZE)
        .color(&INK)
        .pos(Pos::new(HPos::Right, VPos::Top));
    let (px, py) = ctx.backend_coord(&(x1, y1));
    let row = |i: usize| py + 6 + i as i32 * (LABEL_SIZE as i32 + 6);
    for (i, text) in corner.iter().enumerate() {
        root.draw(&Text::new(text.clone(), (px - 6, row(i)), style.clone()))?;
    }
    if let Some(rule) = &panel.rule {
        // Under the corner texts, on the side of the line with more room.
        let x = chart.x_axis.position(rule.at);
        let (rx, _) = ctx.backend_coord(&(x, y1));
        let (h, dx) = if x - x0 > (x1 - x0) * 0.6 {
            (HPos::Right, -6)
        } else {
            (HPos::Left, 6)
        };
        let f = font(LABEL_SIZE);
        let (w, y) = (text_width(&f, &rule.label), row(corner.len()));
        let left = if dx < 0 { rx + dx - w } else { rx + dx };
        // On a white patch, so the lines beneath do not cross the words.
        root.draw(&Rectangle::new(
            [(left - 3, y - 2), (left + w + 3, y + LABEL_SIZE as i32 + 3)],
            WHITE.filled(),
        ))?;
        let style = f.color(&MUTED).pos(Pos::new(h, VPos::Top));
        root.draw(&Text::new(rule.label.clone(), (rx + dx, y), style))?;
    }
    if let Some(note) = &panel.note {
        let style = font(LEGEND_SIZE + 2.0)
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Center));
        ctx.plotting_area().draw(&Text::new(
            note.clone(),
            ((x0 + x1) / 2.0, y0 + (y1 - y0) * 0.5),
            style,
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::charts::{overlay_charts, tests::scenario, variant_charts};

    #[test]
    fn svg_is_deterministic_and_carries_title_labels_and_font() {
        let s = scenario(&["base", "slow"]);
        let charts = variant_charts(&s, 1);
        let a = svg(&charts[0]).unwrap();
        let b = svg(&charts[0]).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("<svg"));
        assert!(a.contains("<title>Surgical mask, national total: demand vs supply</title>"));
        assert!(a.contains("masks per day"));
        assert!(a.contains("Date (2020)"));
        assert!(a.contains(">\n31 Jan\n<") || a.contains("31 Jan"));
        assert!(a.contains(&format!("font-family=\"{FAMILY}\"")));
        assert!(a.contains("Variant: slow"));
        let (w, h) = size(&charts[0]);
        assert!(a.contains(&format!("viewBox=\"0 0 {w} {h}\"")));
    }

    #[test]
    fn a_long_legend_wraps_into_rows_within_the_width() {
        let s = scenario(&[
            "base",
            "a-variant-with-a-long-name",
            "another-long-variant-name",
        ]);
        let c = &overlay_charts(&s)[0];
        let (at, rows) = legend_layout(&c.panels[0]);
        assert!(rows >= 2, "{rows}");
        assert_eq!(at.len(), c.labels().len());
        assert!(at.iter().all(|&(_, x)| x < WIDTH as i32 - MARGIN));
    }

    #[test]
    fn png_files_are_written_whole() {
        let s = scenario(&["base"]);
        let c = &variant_charts(&s, 0)[1];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.png");
        png(c, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_long_title_wraps_beside_the_tag() {
        let s = scenario(&["base"]);
        let mut c = variant_charts(&s, 0).remove(0);
        let short = size(&c).1;
        assert_eq!(title_lines(&c), vec![c.title.clone()]);
        c.title = "Surgical mask, national total: stock by echelon and days of supply, \
                   with a needlessly long tail to wrap"
            .into();
        let lines = title_lines(&c);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines.join(" "), c.title);
        assert!(
            lines
                .iter()
                .all(|l| text_width(&bold(TITLE_SIZE), l) <= title_room(&c))
        );
        assert_eq!(size(&c).1, short + TITLE_LINE as u32);
    }

    #[test]
    fn gaps_split_lines_and_bands() {
        let days = XAxis::Dates {
            start: chrono::NaiveDate::from_ymd_opt(2020, 1, 24).unwrap(),
            days: 4,
        };
        assert_eq!(runs(&[1.0, f64::NAN, 2.0, 3.0], &days).len(), 2);
        let polys = band_polygons(&[0.0, 1.0, 5.0], &[2.0, 0.5, 6.0], &days);
        assert_eq!(polys.len(), 1);
        assert_eq!(polys[0][1], (1.0, 1.0), "high below low is clamped");
        assert_eq!(dash_segments(Dash::Dashed, 0, 20), vec![(0, 9), (15, 20)]);
        let clipped = clip_top(&[(0.0, 0.0), (1.0, 20.0), (2.0, 0.0), (3.0, 5.0)], 10.0);
        assert_eq!(
            clipped,
            vec![
                vec![(0.0, 0.0), (0.5, 10.0)],
                vec![(1.5, 10.0), (2.0, 0.0), (3.0, 5.0)]
            ]
        );
    }
}
