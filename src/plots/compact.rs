//! Makes the charts' SVG small for the report, which inlines thousands of them.
//!
//! plotters writes every line segment, dash and label as its own element with its full style
//! (`<polyline fill="none" opacity="1" stroke="#000000" stroke-width="2" points="…"/>`, the
//! font family on every `<text>`). [`Compactor`] rewrites a chart's SVG without changing what
//! it draws: styles become classes shared by every chart of the page (one CSS rule each), lines
//! become `<path>` data in relative integer steps with straight runs of points merged, and
//! consecutive opaque lines of one style become one path. An element drawn the same in several
//! charts (grid lines, date labels, axes) is defined once with an id, in the page's shared
//! definitions ([`Compactor::defs`]), and in the charts as a `<use>` of it, so that each chart
//! draws whole whenever the definitions are on the page, whatever the order the charts arrive
//! in. A path drawn with the same shape in several places (a region's outline on each of a
//! map's small multiples) is defined once at the origin and used at each place, with its own
//! class. Anything it does not recognise is copied as it is.

use std::collections::HashMap;
use std::fmt::Write;

/// Presentation attributes that move into a class; every other attribute stays.
const STYLE: [&str; 9] = [
    "fill",
    "stroke",
    "stroke-width",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
];

/// Elements shorter than this are written out again rather than shared: a `<use>` saves
/// too little.
const MIN_SHARED: usize = 40;

/// Path data after the first point shorter than this is written out again rather than
/// shared as a shape: a `<use>` with a place and a class saves too little.
const MIN_SHAPE: usize = 60;

/// Rewrites SVG documents with the classes shared among them; [`Compactor::css`] gives the
/// rules of the classes handed out so far. Documents first surveyed
/// ([`Compactor::survey`]) share their repeated elements when written
/// ([`Compactor::compact`]), all in one page with [`Compactor::defs`].
#[derive(Debug, Default)]
pub struct Compactor {
    /// Each class's declarations, by class number.
    rules: Vec<String>,
    index: HashMap<String, usize>,
    /// How often each element occurs in the surveyed documents.
    seen: HashMap<String, u32>,
    /// The id of each shared element already defined: its index in `defs`.
    written: HashMap<String, usize>,
    /// The shared elements, each with its id, in the order first met.
    defs: Vec<String>,
    /// How often each shape (path data after its first point) occurs in the surveyed
    /// documents, in paths not shared whole.
    shapes: HashMap<String, u32>,
    /// The id of each shape already defined: its index in `defs`.
    written_shapes: HashMap<String, usize>,
}

/// A path element as [`Compactor`] writes it, `<path class="…" d="M{x} {y}{steps}"/>` with
/// one subpath, split into its class, first point and the steps after it (which start
/// with a command letter).
fn shape(piece: &str) -> Option<(&str, i64, i64, &str)> {
    let rest = piece.strip_prefix("<path class=\"")?;
    let (class, rest) = rest.split_once("\" d=\"M")?;
    let d = rest.strip_suffix("\"/>")?;
    let end_x = d.find([' ', '-'])?;
    let x = d[..end_x].parse().ok()?;
    let d = d[end_x..].strip_prefix(' ').unwrap_or(&d[end_x..]);
    let end_y = d.find(|c: char| c.is_ascii_alphabetic())?;
    let y = d[..end_y].parse().ok()?;
    let steps = &d[end_y..];
    (!steps.contains(['M', 'm'])).then_some((class, x, y, steps))
}

/// The pieces of compacted SVG: each leaf element whole (`<path …/>`, `<rect …/>`,
/// `<circle …/>`, `<text …>…</text>`) with `true`, anything else with `false`.
fn pieces(svg: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut rest = svg;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            out.push((rest, false));
            break;
        };
        if open > 0 {
            out.push((&rest[..open], false));
            rest = &rest[open..];
        }
        let leaf_end = if rest.starts_with("<text ") {
            rest.find("</text>").map(|i| i + "</text>".len())
        } else if ["<path ", "<rect ", "<circle "]
            .iter()
            .any(|t| rest.starts_with(t))
        {
            rest.find("/>").map(|i| i + 2)
        } else {
            None
        };
        let (end, leaf) = match leaf_end {
            Some(end) => (end, true),
            None => (rest.find('>').map_or(rest.len(), |i| i + 1), false),
        };
        out.push((&rest[..end], leaf));
        rest = &rest[end..];
    }
    out
}

/// One start or empty tag: its name, attributes in order, and whether it closes itself.
struct Tag<'a> {
    name: &'a str,
    attrs: Vec<(&'a str, &'a str)>,
    empty: bool,
}

/// Parses the inside of `<…>` (without the brackets); `None` for anything but a start tag
/// with `name="value"` attributes.
fn parse_tag(inner: &str) -> Option<Tag<'_>> {
    let (inner, empty) = match inner.strip_suffix('/') {
        Some(s) => (s, true),
        None => (inner, false),
    };
    let mut rest = inner.trim_end();
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let name = &rest[..end];
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    rest = rest[end..].trim_start();
    let mut attrs = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        attrs.push((key.trim(), value));
        rest = after.trim_start();
    }
    Some(Tag { name, attrs, empty })
}

/// A CSS declaration for a presentation attribute: lengths get their unit, and font sizes
/// are rounded to a hundredth of a pixel.
fn declaration(key: &str, value: &str) -> String {
    match key {
        "font-size" | "stroke-width" => match value.parse::<f64>() {
            Ok(v) => format!("{key}:{}px", (v * 100.0).round() / 100.0),
            Err(_) => format!("{key}:{value}"),
        },
        _ => format!("{key}:{value}"),
    }
}

/// The integer points of a `points` attribute.
fn parse_points(points: &str) -> Option<Vec<(i64, i64)>> {
    points
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

/// The points without repeats and without the inner points of straight runs (each step in
/// the same direction as the one before), which draw nothing a path from the run's ends
/// does not.
pub fn simplify(points: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(points.len());
    for &p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if let [.., a, b] = out[..] {
            let (d1, d2) = ((b.0 - a.0, b.1 - a.1), (p.0 - b.0, p.1 - b.1));
            let cross = d1.0 * d2.1 - d1.1 * d2.0;
            let dot = d1.0 * d2.0 + d1.1 * d2.1;
            if cross == 0 && dot > 0 {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Appends a number to path data, with a space only where the sign does not separate it.
fn push_number(d: &mut String, v: i64, first: bool) {
    if !first && v >= 0 {
        d.push(' ');
    }
    let _ = write!(d, "{v}");
}

/// Appends a subpath through `points` to path data: an absolute move, then relative steps
/// (`h`/`v` when one coordinate does not change), with a command letter only where it
/// changes; `close` ends it with `z`.
pub fn push_subpath(d: &mut String, points: &[(i64, i64)], close: bool) {
    let Some(&(x0, y0)) = points.first() else {
        return;
    };
    let _ = write!(d, "M{x0}");
    push_number(d, y0, false);
    let mut last = 'M';
    for w in points.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        let cmd = match (dx, dy) {
            (_, 0) => 'h',
            (0, _) => 'v',
            _ => 'l',
        };
        let first = cmd != last;
        if first {
            d.push(cmd);
        }
        match cmd {
            'h' => push_number(d, dx, first),
            'v' => push_number(d, dy, first),
            _ => {
                push_number(d, dx, first);
                push_number(d, dy, false);
            }
        }
        last = cmd;
    }
    if close {
        d.push('z');
    }
}

/// A path being gathered from consecutive lines of one class.
struct Pending {
    class: usize,
    d: String,
}

impl Compactor {
    /// A compactor with no classes yet.
    pub fn new() -> Compactor {
        Compactor::default()
    }

    /// The class of a style (its presentation attributes in order).
    fn class(&mut self, style: &[(&str, &str)]) -> usize {
        let rule: Vec<String> = style.iter().map(|(k, v)| declaration(k, v)).collect();
        let rule = rule.join(";");
        if let Some(&i) = self.index.get(&rule) {
            return i;
        }
        self.rules.push(rule.clone());
        self.index.insert(rule, self.rules.len() - 1);
        self.rules.len() - 1
    }

    /// The CSS rules of every class handed out, one per line (`.s0{…}`).
    pub fn css(&self) -> String {
        let mut out = String::new();
        for (i, r) in self.rules.iter().enumerate() {
            let _ = writeln!(out, ".s{i}{{{r}}}");
        }
        out
    }

    /// Counts the elements of `svg`, so that [`Compactor::compact`] shares those met more
    /// than once.
    pub fn survey(&mut self, svg: &str) {
        let compact = self.rewrite(svg);
        for (piece, leaf) in pieces(&compact) {
            if leaf && piece.len() >= MIN_SHARED {
                *self.seen.entry(piece.to_string()).or_insert(0) += 1;
            }
            if let Some((_, _, _, steps)) = shape(piece).filter(|s| s.3.len() >= MIN_SHAPE) {
                *self.shapes.entry(steps.to_string()).or_insert(0) += 1;
            }
        }
    }

    /// The SVG document `svg`, drawn the same with this compactor's classes: an element
    /// surveyed more than once is a `<use>` of its definition in [`Compactor::defs`].
    pub fn compact(&mut self, svg: &str) -> String {
        let compact = self.rewrite(svg);
        let mut out = String::with_capacity(compact.len());
        for (piece, leaf) in pieces(&compact) {
            if !leaf || self.seen.get(piece).is_none_or(|&n| n < 2) {
                match shape(piece).filter(|s| self.shapes.get(s.3).is_some_and(|&n| n >= 2)) {
                    Some((class, x, y, steps)) => {
                        let id = match self.written_shapes.get(steps) {
                            Some(&id) => id,
                            None => {
                                let id = self.defs.len();
                                self.written_shapes.insert(steps.to_string(), id);
                                self.defs
                                    .push(format!("<path id=\"u{id}\" d=\"M0 0{steps}\"/>"));
                                id
                            }
                        };
                        let _ = write!(
                            out,
                            "<use href=\"#u{id}\" x=\"{x}\" y=\"{y}\" class=\"{class}\"/>"
                        );
                    }
                    None => out.push_str(piece),
                }
                continue;
            }
            let id = match self.written.get(piece) {
                Some(&id) => id,
                None => {
                    let id = self.defs.len();
                    self.written.insert(piece.to_string(), id);
                    // After the element's name: `<path` + ` id="u…"` + the rest.
                    let name_end = piece.find(' ').unwrap_or(piece.len());
                    self.defs.push(format!(
                        "{} id=\"u{id}\"{}",
                        &piece[..name_end],
                        &piece[name_end..]
                    ));
                    id
                }
            };
            let _ = write!(out, "<use href=\"#u{id}\"/>");
        }
        out
    }

    /// `svg` compacted on its own, as a file: its classes in a `<style>` and its shared
    /// elements in `<defs>` at the top (the map's outlines, repeated on each small multiple,
    /// are then each defined once in its file too).
    pub fn standalone(svg: &str) -> String {
        let mut c = Compactor::new();
        c.survey(svg);
        let body = c.compact(svg);
        let Some(end) = body.find('>') else {
            return body;
        };
        let mut out = String::with_capacity(body.len() + 4096);
        out.push_str(&body[..=end]);
        let _ = write!(out, "<style>{}</style>", c.css().replace('\n', ""));
        if !c.defs.is_empty() {
            out.push_str("<defs>");
            c.defs.iter().for_each(|d| out.push_str(d));
            out.push_str("</defs>");
        }
        out.push_str(&body[end + 1..]);
        out.push('\n');
        out
    }

    /// The shared elements of the documents compacted so far, as one SVG document of
    /// definitions that draws nothing itself (class `defs`, which the page sizes to nothing):
    /// it must be on the page for the `<use>`s to draw. Empty when nothing is shared.
    pub fn defs(&self) -> String {
        if self.defs.is_empty() {
            return String::new();
        }
        let mut out = String::from("<svg class=\"defs\" aria-hidden=\"true\"><defs>");
        for d in &self.defs {
            out.push_str(d);
        }
        out.push_str("</defs></svg>");
        out
    }

    /// `svg` with classes for styles and paths for lines.
    fn rewrite(&mut self, svg: &str) -> String {
        let mut out = String::with_capacity(svg.len() / 3);
        let mut pending: Option<Pending> = None;
        let flush = |out: &mut String, pending: &mut Option<Pending>| {
            if let Some(p) = pending.take() {
                let _ = write!(out, "<path class=\"s{}\" d=\"{}\"/>", p.class, p.d);
            }
        };
        let mut rest = svg;
        // Inside `<text>` or `<title>`, where text is content; elsewhere, whitespace between
        // tags is only layout.
        let mut in_text = false;
        while !rest.is_empty() {
            let open = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..open];
            if in_text {
                out.push_str(text.trim());
            } else if !text.trim().is_empty() {
                flush(&mut out, &mut pending);
                out.push_str(text);
            }
            if open == rest.len() {
                break;
            }
            let Some(close) = rest[open..].find('>') else {
                flush(&mut out, &mut pending);
                out.push_str(&rest[open..]);
                break;
            };
            let raw = &rest[open..open + close + 1];
            rest = &rest[open + close + 1..];
            let tag = parse_tag(&raw[1..raw.len() - 1]);
            let Some(tag) = tag else {
                if raw.starts_with("</text") || raw.starts_with("</title") {
                    in_text = false;
                }
                flush(&mut out, &mut pending);
                out.push_str(raw);
                continue;
            };
            in_text = matches!(tag.name, "text" | "title") && !tag.empty;
            if self.line(&tag, &mut out, &mut pending, &flush) {
                continue;
            }
            flush(&mut out, &mut pending);
            self.element(&tag, &mut out);
        }
        flush(&mut out, &mut pending);
        out
    }

    /// Adds a `<polyline>`, `<line>` or `<polygon>` as path data: opaque unfilled lines join
    /// the pending path of their class; a polygon, or a translucent line (whose overlaps
    /// would otherwise paint once instead of twice), is a path of its own. False for any
    /// other element, or one it cannot read.
    fn line(
        &mut self,
        tag: &Tag,
        out: &mut String,
        pending: &mut Option<Pending>,
        flush: &dyn Fn(&mut String, &mut Option<Pending>),
    ) -> bool {
        let get = |k: &str| tag.attrs.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
        let points = match tag.name {
            "polyline" | "polygon" => get("points").and_then(parse_points),
            "line" => (|| {
                let n = |k: &str| get(k)?.parse::<i64>().ok();
                Some(vec![(n("x1")?, n("y1")?), (n("x2")?, n("y2")?)])
            })(),
            _ => None,
        };
        let geometry = ["points", "x1", "y1", "x2", "y2"];
        let Some(points) = points.filter(|_| {
            tag.empty
                && tag
                    .attrs
                    .iter()
                    .all(|(k, _)| geometry.contains(k) || STYLE.contains(k))
        }) else {
            return false;
        };
        // A `<line>` fills nothing, but a path it joins would be filled unless told not to.
        let unfilled = (tag.name == "line").then_some(("fill", "none"));
        let style: Vec<(&str, &str)> = unfilled
            .into_iter()
            .chain(tag.attrs.iter().filter(|(k, _)| STYLE.contains(k)).copied())
            .collect();
        let polygon = tag.name == "polygon";
        let joins = !polygon && get("opacity").is_none_or(|o| o == "1");
        let class = self.class(&style);
        if !joins || pending.as_ref().is_some_and(|p| p.class != class) {
            flush(out, pending);
        }
        let p = pending.get_or_insert_with(|| Pending {
            class,
            d: String::new(),
        });
        push_subpath(&mut p.d, &simplify(&points), polygon);
        if !joins {
            flush(out, pending);
        }
        true
    }

    /// Writes any other start or empty tag with its style as a class.
    fn element(&mut self, tag: &Tag, out: &mut String) {
        let style: Vec<(&str, &str)> = tag
            .attrs
            .iter()
            .filter(|(k, _)| STYLE.contains(k))
            .copied()
            .collect();
        let _ = write!(out, "<{}", tag.name);
        for (k, v) in tag.attrs.iter().filter(|(k, _)| !STYLE.contains(k)) {
            let _ = write!(out, " {k}=\"{v}\"");
        }
        if !style.is_empty() {
            let _ = write!(out, " class=\"s{}\"", self.class(&style));
        }
        out.push_str(if tag.empty { "/>" } else { ">" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_runs_and_repeats_are_merged_but_turns_kept() {
        let pts = [
            (0, 0),
            (1, 0),
            (2, 0),
            (2, 0),
            (3, 1),
            (4, 2),
            (4, 5),
            (4, 3),
        ];
        assert_eq!(simplify(&pts), vec![(0, 0), (2, 0), (4, 2), (4, 5), (4, 3)]);
        assert_eq!(simplify(&[(5, 5)]), vec![(5, 5)]);
    }

    #[test]
    fn path_data_is_relative_with_letters_only_where_they_change() {
        let mut d = String::new();
        push_subpath(
            &mut d,
            &[(10, 20), (15, 20), (15, 10), (18, 13), (20, 11)],
            false,
        );
        assert_eq!(d, "M10 20h5v-10l3 3 2-2");
        let mut d = String::new();
        push_subpath(&mut d, &[(0, 0), (4, 0), (4, 4)], true);
        assert_eq!(d, "M0 0h4v4z");
    }

    #[test]
    fn styles_become_shared_classes_and_lines_one_path() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">\n<title>t &amp; u</title>\n\
            <polyline fill=\"none\" opacity=\"1\" stroke=\"#000000\" stroke-width=\"2\" points=\"0,0 1,1 2,2 \"/>\n\
            <line opacity=\"1\" stroke=\"#000000\" stroke-width=\"2\" x1=\"3\" y1=\"3\" x2=\"5\" y2=\"3\"/>\n\
            <polygon opacity=\"0.17\" fill=\"#009E73\" points=\"0,0 4,0 4,4\"/>\n\
            <text x=\"1\" y=\"2\" dy=\"0.5ex\" font-family=\"DejaVu Sans\" font-size=\"13.709677419354838\" fill=\"#282828\">\nHello\n</text>\n</svg>\n";
        let mut c = Compactor::new();
        let a = c.compact(svg);
        assert_eq!(
            a,
            "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\"><title>t &amp; u</title>\
             <path class=\"s0\" d=\"M0 0l2 2M3 3h2\"/><path class=\"s1\" d=\"M0 0h4v4z\"/>\
             <text x=\"1\" y=\"2\" dy=\"0.5ex\" class=\"s2\">Hello</text></svg>"
        );
        // A second chart reuses the classes.
        let b = c.compact(svg);
        assert_eq!(a, b);
        assert_eq!(
            c.css(),
            ".s0{fill:none;opacity:1;stroke:#000000;stroke-width:2px}\n\
             .s1{opacity:0.17;fill:#009E73}\n\
             .s2{font-family:DejaVu Sans;font-size:13.71px;fill:#282828}\n"
        );
    }

    #[test]
    fn elements_repeated_across_charts_are_written_once_and_used_after() {
        let a = "<svg><text x=\"116\" y=\"490\" dy=\"0.76em\" fill=\"#282828\">24 Jan</text>\
                 <rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" fill=\"#FFFFFF\"/></svg>";
        let b = "<svg><text x=\"116\" y=\"490\" dy=\"0.76em\" fill=\"#282828\">24 Jan</text>\
                 <rect x=\"1\" y=\"2\" width=\"3\" height=\"5\" fill=\"#FFFFFF\"/></svg>";
        let mut c = Compactor::new();
        c.survey(a);
        c.survey(b);
        let label = "<text x=\"116\" y=\"490\" dy=\"0.76em\" class=\"s0\">24 Jan</text>";
        assert_eq!(
            c.compact(a),
            "<svg><use href=\"#u0\"/><rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" class=\"s1\"/></svg>"
        );
        assert_eq!(
            c.compact(b),
            "<svg><use href=\"#u0\"/><rect x=\"1\" y=\"2\" width=\"3\" height=\"5\" class=\"s1\"/></svg>"
        );
        assert_eq!(
            c.defs(),
            format!(
                "<svg class=\"defs\" aria-hidden=\"true\"><defs>{}</defs></svg>",
                label.replacen("<text", "<text id=\"u0\"", 1)
            )
        );
        assert_eq!(
            Compactor::new().defs(),
            "",
            "nothing shared, no definitions"
        );
    }

    #[test]
    fn shapes_repeated_in_other_places_are_defined_once_and_used_in_each() {
        let polygon = |x: i64, y: i64, fill: &str| {
            let mut points = format!("{x},{y}");
            let (mut px, mut py) = (x, y);
            for (dx, dy) in [(5, 0), (5, 5), (0, 5), (-5, 0)].repeat(8) {
                (px, py) = (px + dx, py + dy);
                points += &format!(" {px},{py}");
            }
            format!("<polygon opacity=\"1\" fill=\"{fill}\" points=\"{points}\"/>")
        };
        let a = format!(
            "<svg>{}{}</svg>",
            polygon(10, 20, "#FF0000"),
            polygon(3, -4, "#00FF00")
        );
        let mut c = Compactor::new();
        c.survey(&a);
        let out = c.compact(&a);
        assert_eq!(
            out,
            "<svg><use href=\"#u0\" x=\"10\" y=\"20\" class=\"s0\"/>\
             <use href=\"#u0\" x=\"3\" y=\"-4\" class=\"s1\"/></svg>"
        );
        assert!(
            c.defs().starts_with(
                "<svg class=\"defs\" aria-hidden=\"true\"><defs><path id=\"u0\" d=\"M0 0h5l5 5v5h-5"
            ),
            "{}",
            c.defs()
        );
        assert_eq!(
            shape("<path class=\"s3\" d=\"M7-2h4v4z\"/>"),
            Some(("s3", 7, -2, "h4v4z"))
        );
        assert_eq!(shape("<path class=\"s3\" d=\"M7 2h4M1 1v4\"/>"), None);
        // A shape met once is written out.
        let mut c = Compactor::new();
        let one = format!("<svg>{}</svg>", polygon(10, 20, "#FF0000"));
        c.survey(&one);
        assert!(
            c.compact(&one)
                .starts_with("<svg><path class=\"s0\" d=\"M10 20h5")
        );
    }

    #[test]
    fn a_standalone_file_carries_its_classes_and_definitions() {
        let text = "<text x=\"116\" y=\"490\" dy=\"0.76em\" fill=\"#282828\">24 January</text>";
        let svg = format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{text}{text}</svg>");
        assert_eq!(
            Compactor::standalone(&svg),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>.s0{fill:#282828}</style><defs>\
             <text id=\"u0\" x=\"116\" y=\"490\" dy=\"0.76em\" class=\"s0\">24 January</text>\
             </defs><use href=\"#u0\"/><use href=\"#u0\"/></svg>\n"
        );
    }

    #[test]
    fn translucent_lines_and_unreadable_elements_stay_apart() {
        let svg = "<svg><polyline opacity=\"0.5\" stroke=\"#000\" points=\"0,0 1,1\"/>\
                   <polyline opacity=\"0.5\" stroke=\"#000\" points=\"2,2 3,1\"/>\
                   <polyline stroke=\"#000\" points=\"0.5,1 2,2\"/></svg>";
        let out = Compactor::new().compact(svg);
        assert_eq!(out.matches("<path").count(), 2, "{out}");
        assert!(
            out.contains("<polyline points=\"0.5,1 2,2\" class=\"s1\"/>"),
            "{out}"
        );
    }
}
