//! A calibration's fit and forecast for one measure: one panel per observed series (an item in
//! a place) with the observations as points (lower bounds as triangles), the calibrated mean
//! over its P5–P95 band across the whole horizon, the scenario as given dashed, and a line at
//! the last observation, after which the model forecasts. The data come from
//! `medsupply calibrate` as plain values.

use super::context::{NO_BAND, replications};
use super::series::{banded, plain};
use crate::plots::chart::{
    Chart, ChartKind, Dash, LineStyle, Marker, Panel, Points, Rule, XAxis, YFormat, okabe_ito,
};
use crate::plots::data::Stat;
use crate::plots::format::{date_axis_title, date_of, file_safe, place, product_name, tick_label};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// Height of each series' panel, pixels.
const FIT_HEIGHT: u32 = 300;
const CALIBRATED: LineStyle = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::None);
const PRIOR: LineStyle = LineStyle::new(okabe_ito::VERMILLION, Dash::Dashed, Marker::None);
const OBSERVED: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Solid, Marker::Circle);
const LOWER_BOUND: LineStyle = LineStyle::new(okabe_ito::BLACK, Dash::Solid, Marker::Triangle);

/// One observed value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    /// Day index from the scenario's start.
    pub day: usize,
    /// The value.
    pub value: f64,
    /// Whether it is a lower bound ("more than …").
    pub lower_bound: bool,
}

/// One observed series: an item in a place, over the whole horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSeries {
    /// The item's id.
    pub item: String,
    /// A region's id, or `national`.
    pub place: String,
    /// The y-axis title, with units (`masks per day`).
    pub y_label: String,
    /// Its observations (at least one).
    pub observed: Vec<Observed>,
    /// The mean per day of the scenario as given.
    pub prior: Vec<f64>,
    /// The calibrated point per day across the replications.
    pub calibrated: Stat,
}

/// What a fit chart of one measure shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FitData {
    /// The scenario's name.
    pub scenario: String,
    /// The measure as named in the observed file (`produced_per_day`).
    pub measure: String,
    /// How its values read (counts, or shares as percentages).
    pub format: YFormat,
    /// Calendar date of day 0.
    pub start: NaiveDate,
    /// Days in the horizon.
    pub days: usize,
    /// Replications per candidate.
    pub replications: u32,
    /// Its series, one panel each.
    pub series: Vec<FitSeries>,
}

/// The file name, without extension, of the fit chart of `measure`: `fit-produced_per_day`.
pub fn fit_stem(measure: &str) -> String {
    format!("{}-{}", ChartKind::Fit.slug(), file_safe(measure))
}

/// The fit chart of one measure. Each legend entry is shown once, where it first occurs; from
/// one replication the calibrated line has no band, and the subtitle says why.
pub fn fit_chart(data: &FitData) -> Chart {
    let mut seen = BTreeSet::new();
    let mut once = |label: &str| {
        if seen.insert(label.to_string()) {
            label.to_string()
        } else {
            String::new()
        }
    };
    let banded_ok = data.replications >= 2;
    let panels = data
        .series
        .iter()
        .map(|s| {
            let mut p = Panel::new(s.y_label.clone(), data.format, FIT_HEIGHT);
            let mut line = banded(
                &once("Calibrated: mean, 5th–95th percentile"),
                CALIBRATED,
                &s.calibrated,
            );
            if !banded_ok {
                line.band = None;
            }
            p.series.push(line);
            p.series
                .push(plain(&once("As given: mean"), PRIOR, s.prior.clone()));
            for (lower, label, style) in [
                (false, "Observed", OBSERVED),
                (true, "Observed lower bound", LOWER_BOUND),
            ] {
                let at: Vec<(usize, f64)> = s
                    .observed
                    .iter()
                    .filter(|o| o.lower_bound == lower)
                    .map(|o| (o.day, o.value))
                    .collect();
                if !at.is_empty() {
                    p.points.push(Points {
                        label: once(label),
                        style,
                        at,
                    });
                }
            }
            if let Some(last) = s.observed.iter().map(|o| o.day).max() {
                let date = date_of(data.start, last);
                p.rule = Some(Rule {
                    at: last,
                    label: format!("forecast after {} →", tick_label(date, false)),
                });
            }
            p.remark = Some(format!("{}, {}", product_name(&s.item), place(&s.place)));
            p.fit()
        })
        .collect();
    let shading = if banded_ok {
        "the model forecasts after the last observation"
    } else {
        NO_BAND
    };
    let what = data.measure.replace('_', " ");
    Chart {
        kind: ChartKind::Fit,
        product: String::new(),
        place: String::new(),
        variant: None,
        file_stem: fit_stem(&data.measure),
        title: format!("Fit and forecast: {what}"),
        subtitle: format!(
            "Scenario {} · {} per candidate · {shading}",
            data.scenario,
            replications(data.replications)
        ),
        tag: None,
        x_axis: XAxis::Dates {
            start: data.start,
            days: data.days,
        },
        x_label: date_axis_title(data.start, data.days),
        panels,
        map: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::render::svg;

    fn data(replications: u32) -> FitData {
        let series = |place: &str, observed: Vec<Observed>| FitSeries {
            item: "surgical_mask".into(),
            place: place.into(),
            y_label: "masks produced per day".into(),
            observed,
            prior: vec![1.0, 2.0, 3.0, 4.0],
            calibrated: Stat {
                mean: vec![1.0, 2.5, 3.5, 5.0],
                p5: vec![0.5, 2.0, 3.0, 4.0],
                p95: vec![1.5, 3.0, 4.0, 6.0],
            },
        };
        let at = |day, value, lower_bound| Observed {
            day,
            value,
            lower_bound,
        };
        FitData {
            scenario: "minimal".into(),
            measure: "produced_per_day".into(),
            format: YFormat::Count,
            start: NaiveDate::from_ymd_opt(2020, 1, 24).unwrap(),
            days: 4,
            replications,
            series: vec![
                series("national", vec![at(0, 1.2, false), at(1, 7.0, true)]),
                series("Hubei", vec![at(2, 3.0, false)]),
            ],
        }
    }

    #[test]
    fn a_panel_per_series_with_points_band_prior_and_the_last_observation() {
        let c = fit_chart(&data(4));
        assert_eq!(c.file_stem, "fit-produced_per_day");
        assert_eq!(c.panels.len(), 2);
        let (a, b) = (&c.panels[0], &c.panels[1]);
        assert_eq!(a.remark.as_deref(), Some("Surgical mask, national total"));
        assert_eq!(a.rule.as_ref().map(|r| r.at), Some(1));
        assert_eq!(b.rule.as_ref().unwrap().label, "forecast after 26 Jan →");
        assert!(a.series[0].band.is_some());
        assert_eq!(a.points.len(), 2);
        assert_eq!(a.points[1].style.marker, Marker::Triangle);
        // The lower bound above everything else is inside the y range.
        assert!(a.y_range.1 >= 7.0);
        // Each legend entry once, where it first occurs.
        assert_eq!(
            c.labels(),
            [
                "Calibrated: mean, 5th–95th percentile",
                "As given: mean",
                "Observed",
                "Observed lower bound"
            ]
        );
        let drawn = svg(&c).unwrap();
        assert!(drawn.contains("forecast after 25 Jan →"));
        assert_eq!(drawn, svg(&c).unwrap());
        // From one replication: no band, and the subtitle says why.
        let one = fit_chart(&data(1));
        assert!(one.panels.iter().all(|p| p.series[0].band.is_none()));
        assert!(one.subtitle.contains(NO_BAND));
    }
}
