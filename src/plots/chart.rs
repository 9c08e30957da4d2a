//! A chart as plain data: title, axes, ranges and series. Builders in [`super::charts`] make
//! these from saved outputs; [`super::render`] draws them. Tests inspect this, not pixels.

use super::map::MapView;
use chrono::NaiveDate;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

/// The Okabe–Ito palette (without its yellow, too faint on white): distinguishable with the
/// common colour-vision deficiencies.
pub mod okabe_ito {
    use super::Rgb;
    /// Black.
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    /// Orange.
    pub const ORANGE: Rgb = Rgb(0xE6, 0x9F, 0x00);
    /// Sky blue.
    pub const SKY_BLUE: Rgb = Rgb(0x56, 0xB4, 0xE9);
    /// Bluish green.
    pub const BLUISH_GREEN: Rgb = Rgb(0x00, 0x9E, 0x73);
    /// Blue.
    pub const BLUE: Rgb = Rgb(0x00, 0x72, 0xB2);
    /// Vermillion.
    pub const VERMILLION: Rgb = Rgb(0xD5, 0x5E, 0x00);
    /// Reddish purple.
    pub const REDDISH_PURPLE: Rgb = Rgb(0xCC, 0x79, 0xA7);
}

/// How a line is stroked; with markers this tells series apart in greyscale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// Continuous.
    Solid,
    /// Medium dashes.
    Dashed,
    /// Dots.
    Dotted,
    /// Long dashes.
    LongDash,
}

/// A marker drawn at intervals along a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// No marker.
    None,
    /// Filled circle.
    Circle,
    /// Triangle.
    Triangle,
    /// Square.
    Square,
    /// Diamond.
    Diamond,
}

/// The look of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineStyle {
    /// Colour.
    pub colour: Rgb,
    /// Stroke pattern.
    pub dash: Dash,
    /// Marker.
    pub marker: Marker,
    /// Stroke width in pixels.
    pub width: u32,
}

impl LineStyle {
    /// A style.
    pub const fn new(colour: Rgb, dash: Dash, marker: Marker) -> LineStyle {
        LineStyle {
            colour,
            dash,
            marker,
            width: 2,
        }
    }
}

/// The colour and line style of the variant at `index` (its position in the report), the same
/// on every chart.
pub fn variant_style(index: usize) -> LineStyle {
    use okabe_ito::*;
    const COLOURS: [Rgb; 7] = [
        BLUE,
        VERMILLION,
        BLUISH_GREEN,
        REDDISH_PURPLE,
        ORANGE,
        SKY_BLUE,
        BLACK,
    ];
    const DASHES: [Dash; 4] = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::LongDash];
    const MARKERS: [Marker; 5] = [
        Marker::None,
        Marker::Circle,
        Marker::Triangle,
        Marker::Square,
        Marker::Diamond,
    ];
    LineStyle::new(
        COLOURS[index % COLOURS.len()],
        DASHES[(index + index / COLOURS.len()) % DASHES.len()],
        MARKERS[index % MARKERS.len()],
    )
}

/// A line (one value per day; NaN leaves a gap), optionally over a shaded band.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Look.
    pub style: LineStyle,
    /// The line: usually the mean across replications.
    pub values: Vec<f64>,
    /// The band around it (low, high): usually P5–P95.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
}

/// A shaded area between two curves, where `high` is above `low` (e.g. unmet demand).
#[derive(Debug, Clone, PartialEq)]
pub struct Fill {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub colour: Rgb,
    /// Lower edge per day.
    pub low: Vec<f64>,
    /// Upper edge per day.
    pub high: Vec<f64>,
}

/// An interval at one point of the x axis: a vertical bar with caps and a dot at `mid`.
#[derive(Debug, Clone, PartialEq)]
pub struct Whisker {
    /// Legend label (none when empty).
    pub label: String,
    /// Colour.
    pub colour: Rgb,
    /// Index on the x axis: a day, or a point of [`XAxis::Points`].
    pub at: usize,
    /// Low end.
    pub low: f64,
    /// Centre.
    pub mid: f64,
    /// High end.
    pub high: f64,
}

/// Values at single points of the x axis, drawn as markers and not joined (observations).
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// Legend label (none when empty).
    pub label: String,
    /// Colour and marker (the dash is not used).
    pub style: LineStyle,
    /// (index on the x axis, value) of each point.
    pub at: Vec<(usize, f64)>,
}

/// A vertical line across a panel at one index of the x axis, labelled at its top
/// (`forecast after 12 Feb →`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Index on the x axis.
    pub at: usize,
    /// The label, written just right of the line.
    pub label: String,
}

/// How the y-axis numbers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YFormat {
    /// Counts in k/M.
    Count,
    /// Shares in [0, 1] shown as percentages.
    Percent,
    /// Days.
    Days,
}

/// One plotting area; a chart stacks one or more sharing the x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Y-axis title, with units.
    pub y_label: String,
    /// Number format of the y axis.
    pub y_format: YFormat,
    /// Y-axis range (low, high), containing every value drawn.
    pub y_range: (f64, f64),
    /// Shaded areas, drawn first.
    pub fills: Vec<Fill>,
    /// Lines with their bands.
    pub series: Vec<Series>,
    /// Intervals.
    pub whiskers: Vec<Whisker>,
    /// Markers at single points, drawn over everything else.
    pub points: Vec<Points>,
    /// A vertical line across the panel.
    pub rule: Option<Rule>,
    /// A message written across an empty-looking plot (`No shortage in any replication`).
    pub note: Option<String>,
    /// Set when the y range is narrowed to the demand and a series is allowed off the top:
    /// says which and how high it goes. Without it, the y range holds every value.
    pub off_scale: Option<String>,
    /// A remark in the top-right corner (`None held: factories`).
    pub remark: Option<String>,
    /// Height in pixels.
    pub height: u32,
}

impl Panel {
    /// An empty panel.
    pub fn new(y_label: impl Into<String>, y_format: YFormat, height: u32) -> Panel {
        Panel {
            y_label: y_label.into(),
            y_format,
            y_range: (0.0, 1.0),
            fills: Vec::new(),
            series: Vec::new(),
            whiskers: Vec::new(),
            points: Vec::new(),
            rule: None,
            note: None,
            off_scale: None,
            remark: None,
            height,
        }
    }

    /// Every finite value drawn.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        let fills = self.fills.iter().flat_map(|f| f.low.iter().chain(&f.high));
        let series = self.series.iter().flat_map(|s| {
            s.values
                .iter()
                .chain(s.band.iter().flat_map(|(l, h)| l.iter().chain(h)))
        });
        let whiskers = self.whiskers.iter().flat_map(|w| [&w.low, &w.mid, &w.high]);
        let points = self.points.iter().flat_map(|p| p.at.iter().map(|(_, v)| v));
        fills
            .chain(series)
            .chain(whiskers)
            .chain(points)
            .copied()
            .filter(|v| v.is_finite())
    }

    /// Sets the y range from zero to a round number above the data (percentages: 0–100 %).
    pub fn fit(mut self) -> Panel {
        let max = self.values().fold(0.0_f64, f64::max);
        let min = self.values().fold(0.0_f64, f64::min);
        self.y_range = match self.y_format {
            YFormat::Percent => (0.0, nice_ceiling(max.max(1.0))),
            _ => (min.min(0.0), nice_ceiling(max * 1.04)),
        };
        self
    }

    /// Narrows the y range to zero–`focus` (rounded up) when the series `label` reaches more
    /// than `ratio` times higher, noting it off the scale; otherwise fits every value.
    pub fn focus(self, focus: f64, label: &str, ratio: f64) -> Panel {
        let peak = self
            .series
            .iter()
            .filter(|s| s.label == label)
            .flat_map(|s| &s.values)
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        if focus <= 0.0 || peak <= ratio * focus {
            return self.fit();
        }
        let mut p = self;
        p.y_range = (0.0, nice_ceiling(focus * 1.15));
        p.off_scale = Some(format!(
            "{label}: off the scale, up to {}",
            super::format::si(peak)
        ));
        p
    }

    /// The legend labels of everything in the panel, in drawing order.
    pub fn labels(&self) -> Vec<&str> {
        self.fills
            .iter()
            .map(|f| f.label.as_str())
            .chain(self.series.iter().map(|s| s.label.as_str()))
            .chain(self.whiskers.iter().map(|w| w.label.as_str()))
            .chain(self.points.iter().map(|p| p.label.as_str()))
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// What a chart shows; the report groups charts by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChartKind {
    /// Demand, use and supply over time.
    SupplyDemand,
    /// Cumulative and daily shortage.
    Shortage,
    /// Stock by echelon and days of supply.
    Stock,
    /// Production, capacity and workers present.
    Production,
    /// P(stockout by day).
    Stockout,
    /// Demand met under each variant.
    VariantOverlay,
    /// A KPI against a swept parameter.
    Sweep,
    /// Patients in care by severity class (no product).
    Census,
    /// A calibration's fit to observed figures and its forecast (no single product).
    Fit,
    /// Share of need met by region, on a map.
    Map,
}

impl ChartKind {
    /// The file-name part: `supply-vs-demand`.
    pub fn slug(self) -> &'static str {
        match self {
            ChartKind::SupplyDemand => "supply-vs-demand",
            ChartKind::Shortage => "shortage",
            ChartKind::Stock => "stock",
            ChartKind::Production => "production",
            ChartKind::Stockout => "stockout-probability",
            ChartKind::VariantOverlay => "variants",
            ChartKind::Sweep => "sweep",
            ChartKind::Census => "census",
            ChartKind::Fit => "fit",
            ChartKind::Map => "map",
        }
    }
}

/// The x axis of a chart. Series hold one value per index of the axis.
#[derive(Debug, Clone, PartialEq)]
pub enum XAxis {
    /// Calendar dates: index `d` is day `d` after `start`, for `days` days.
    Dates {
        /// Calendar date of day 0.
        start: NaiveDate,
        /// Days on the axis.
        days: usize,
    },
    /// Points at given positions, each with its tick label: numeric values at their value
    /// (increasing), categories at 0, 1, 2, …
    Points {
        /// Position of each point.
        at: Vec<f64>,
        /// Tick label of each point.
        labels: Vec<String>,
    },
}

impl XAxis {
    /// Points, numeric when every label reads as a finite number (then sorted by value),
    /// else categories in the given order.
    pub fn points(labels: &[String]) -> XAxis {
        let numbers: Option<Vec<f64>> = labels
            .iter()
            .map(|l| l.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        match numbers {
            Some(at) => {
                let mut pairs: Vec<(f64, String)> = at.into_iter().zip(labels.to_vec()).collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let (at, labels) = pairs.into_iter().unzip();
                XAxis::Points { at, labels }
            }
            None => XAxis::Points {
                at: (0..labels.len()).map(|i| i as f64).collect(),
                labels: labels.to_vec(),
            },
        }
    }

    /// Number of indices (days, or points).
    pub fn len(&self) -> usize {
        match self {
            XAxis::Dates { days, .. } => *days,
            XAxis::Points { at, .. } => at.len(),
        }
    }

    /// Whether the axis has no index at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index of the point labelled `label` (None on a date axis).
    pub fn index_of(&self, label: &str) -> Option<usize> {
        match self {
            XAxis::Dates { .. } => None,
            XAxis::Points { labels, .. } => labels.iter().position(|l| l == label),
        }
    }

    /// The position of index `i` on the axis.
    pub fn position(&self, i: usize) -> f64 {
        match self {
            XAxis::Dates { .. } => i as f64,
            XAxis::Points { at, .. } => at[i],
        }
    }
}

/// A chart: a header (title, subtitle, legend, variant tag) over panels sharing an x axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// What it shows.
    pub kind: ChartKind,
    /// Product id.
    pub product: String,
    /// Place: a region id or `national`.
    pub place: String,
    /// The variant it belongs to (None for a chart across variants).
    pub variant: Option<String>,
    /// File name without extension.
    pub file_stem: String,
    /// Title: what and where.
    pub title: String,
    /// Subtitle: scenario, replications, what lines and shading mean.
    pub subtitle: String,
    /// A labelled colour patch at the top right (the variant and its colour).
    pub tag: Option<(String, Rgb)>,
    /// The x axis.
    pub x_axis: XAxis,
    /// X-axis title.
    pub x_label: String,
    /// Panels, top to bottom.
    pub panels: Vec<Panel>,
    /// A map instead of panels.
    pub map: Option<MapView>,
}

impl Chart {
    /// The x range. Dates: day 0 to the last day, with a little room on the right for an
    /// end-of-horizon interval. Points: the first to the last, with room on both sides for
    /// their intervals.
    pub fn x_range(&self) -> (f64, f64) {
        match &self.x_axis {
            XAxis::Dates { days, .. } => {
                let last = days.saturating_sub(1) as f64;
                (0.0, last + (*days as f64 * 0.025).max(1.0))
            }
            XAxis::Points { at, .. } => {
                let lo = at.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = at.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if !lo.is_finite() {
                    return (0.0, 1.0);
                }
                let pad = if hi > lo { (hi - lo) * 0.06 } else { 0.5 };
                (lo - pad, hi + pad)
            }
        }
    }

    /// Every legend label, top panel first.
    pub fn labels(&self) -> Vec<&str> {
        self.panels.iter().flat_map(Panel::labels).collect()
    }

    /// The series labelled `label`, in any panel.
    pub fn series(&self, label: &str) -> Option<&Series> {
        self.panels
            .iter()
            .flat_map(|p| &p.series)
            .find(|s| s.label == label)
    }
}

/// The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ at or above `x` (1 for x ≤ 0).
pub fn nice_ceiling(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 1.0;
    }
    let base = 10f64.powf(x.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        let v = m * base;
        if v >= x * (1.0 - 1e-12) {
            return v;
        }
    }
    10.0 * base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings_are_round_and_above() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(0.9), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(1.1), 1.2);
        assert_eq!(nice_ceiling(7.0), 8.0);
        assert_eq!(nice_ceiling(8100.0), 10_000.0);
        assert_eq!(nice_ceiling(2_400_000.0), 2_500_000.0);
    }

    #[test]
    fn a_fitted_panel_contains_every_value() {
        let mut p = Panel::new("masks per day", YFormat::Count, 300);
        p.series.push(Series {
            label: "Demand".into(),
            style: LineStyle::new(okabe_ito::BLACK, Dash::Dashed, Marker::None),
            values: vec![1.0, 5.0, f64::NAN],
            band: Some((vec![0.5, 4.0, 1.0], vec![2.0, 9.5, 3.0])),
        });
        p.whiskers.push(Whisker {
            label: "Total".into(),
            colour: okabe_ito::BLUE,
            at: 2,
            low: 1.0,
            mid: 2.0,
            high: 11.0,
        });
        let p = p.fit();
        assert_eq!(p.y_range, (0.0, 12.0));
        assert!(p.values().all(|v| v >= p.y_range.0 && v <= p.y_range.1));
        assert_eq!(p.labels(), vec!["Demand", "Total"]);
    }

    #[test]
    fn variants_keep_distinct_colours_and_strokes() {
        let styles: Vec<_> = (0..7).map(variant_style).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a.colour, b.colour);
            }
        }
        assert_eq!(variant_style(0).dash, Dash::Solid);
        assert_ne!(variant_style(1).dash, Dash::Solid);
        assert_eq!(variant_style(0).colour.hex(), "#0072B2");
    }
}
