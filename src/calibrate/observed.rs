//! The observed file: a tidy CSV `date,item,region,measure,value` with an optional `weight`
//! (default 1; 0 keeps the row in fit.csv but out of the fit) and `kind` (`reported lower
//! bound` makes the row one-sided); other columns are ignored. Every row is checked against
//! the model before anything runs.

use crate::error::{Diagnostic, Error, Result};
use crate::model::Model;
use crate::results::{Measure, Replication};
use chrono::NaiveDate;
use std::path::Path;

/// What an observed row measures, and how it is read from a replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observable {
    /// Good units produced that day.
    ProducedPerDay,
    /// Installed capacity that day.
    CapacityPerDay,
    /// Produced ÷ capacity that day (0 when there is no capacity).
    CapacityUtilisation,
    /// Units received by the region's hospitals from day 0 through the date.
    DeliveredCumulative,
    /// Units needed that day at normal burn rates.
    NeedPerDay,
    /// Units received by the region's hospitals that day.
    ReceivedPerDay,
}

impl Observable {
    /// The names in the `measure` column, in the order of [`Observable::ALL`].
    pub const NAMES: [&'static str; 6] = [
        "produced_per_day",
        "capacity_per_day",
        "capacity_utilisation",
        "delivered_cumulative",
        "need_per_day",
        "received_per_day",
    ];

    /// Every observable.
    pub const ALL: [Observable; 6] = [
        Observable::ProducedPerDay,
        Observable::CapacityPerDay,
        Observable::CapacityUtilisation,
        Observable::DeliveredCumulative,
        Observable::NeedPerDay,
        Observable::ReceivedPerDay,
    ];

    /// Its name in the `measure` column.
    pub fn name(self) -> &'static str {
        Observable::NAMES[self as usize]
    }

    /// The observable named `name`.
    pub fn parse(name: &str) -> Option<Observable> {
        let k = Observable::NAMES.iter().position(|n| *n == name)?;
        Some(Observable::ALL[k])
    }

    /// Its value on every day of the horizon for `item` in region slot `slot` of one
    /// replication (a cumulative measure as the running sum from day 0).
    pub fn daily(self, rep: &Replication, item: usize, slot: usize) -> Vec<f64> {
        let at = |day, m| rep.get(day, item, slot, m);
        let days = 0..rep.days;
        let measure = |m| days.clone().map(|d| at(d, m)).collect();
        match self {
            Observable::ProducedPerDay => measure(Measure::Produced),
            Observable::CapacityPerDay => measure(Measure::Capacity),
            Observable::CapacityUtilisation => days
                .map(|d| {
                    let cap = at(d, Measure::Capacity);
                    if cap > 0.0 {
                        at(d, Measure::Produced) / cap
                    } else {
                        0.0
                    }
                })
                .collect(),
            Observable::DeliveredCumulative => days
                .scan(0.0, |sum, d| {
                    *sum += at(d, Measure::Received);
                    Some(*sum)
                })
                .collect(),
            Observable::NeedPerDay => measure(Measure::Need),
            Observable::ReceivedPerDay => measure(Measure::Received),
        }
    }

    /// Whether its values are shares (shown as percentages) rather than counts.
    pub fn is_share(self) -> bool {
        self == Observable::CapacityUtilisation
    }
}

/// The `kind` that makes a row one-sided.
pub const LOWER_BOUND: &str = "reported lower bound";

/// One observed row, resolved against the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Its line in the file (1-based; the header is line 1).
    pub line: usize,
    /// The date as written.
    pub date: String,
    /// Day index from the scenario's start.
    pub day: usize,
    /// The item's id.
    pub item_id: String,
    /// The item's index in the model.
    pub item: usize,
    /// The region as written (`national` for the national slot).
    pub region: String,
    /// The region slot (the last is national).
    pub slot: usize,
    /// What is observed.
    pub observable: Observable,
    /// The observed value (> 0).
    pub value: f64,
    /// Its weight in the discrepancy (0: shown, not fitted).
    pub weight: f64,
    /// Only a simulated value below the observation counts as error.
    pub lower_bound: bool,
}

/// One observed series: an observable of an item in a region slot, the rows that share them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedSeries {
    /// The item's id.
    pub item_id: String,
    /// The item's index in the model.
    pub item: usize,
    /// The region as written (`national` for the national slot).
    pub region: String,
    /// The region slot (the last is national).
    pub slot: usize,
    /// What is observed.
    pub observable: Observable,
}

impl ObservedSeries {
    /// Whether `row` belongs to this series.
    pub fn holds(&self, row: &Observation) -> bool {
        (row.observable, row.item, row.slot) == (self.observable, self.item, self.slot)
    }

    /// Its value on every day of one replication.
    pub fn daily(&self, rep: &Replication) -> Vec<f64> {
        self.observable.daily(rep, self.item, self.slot)
    }
}

/// The distinct series of `rows`, ordered by measure (in the order of [`Observable::ALL`]),
/// item and region slot.
pub fn series(rows: &[Observation]) -> Vec<ObservedSeries> {
    let mut out: Vec<ObservedSeries> = Vec::new();
    for r in rows {
        if !out.iter().any(|s| s.holds(r)) {
            out.push(ObservedSeries {
                item_id: r.item_id.clone(),
                item: r.item,
                region: r.region.clone(),
                slot: r.slot,
                observable: r.observable,
            });
        }
    }
    out.sort_by_key(|s| (s.observable as usize, s.item, s.slot));
    out
}

/// Reads and checks the observed file against `model`: every problem in it is reported, each
/// with its line and column.
pub fn read(path: &Path, model: &Model) -> Result<Vec<Observation>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path, model)
}

/// Parses the observed file's text (see [`read`]).
pub fn parse(text: &str, path: &Path, model: &Model) -> Result<Vec<Observation>> {
    let diag = |line: usize, field: &str, message: String| Diagnostic {
        file: path.to_path_buf(),
        position: Some((line, 1)),
        field: field.to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::Invalid(vec![diag(1, "", format!("malformed header: {e}"))]))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let mut problems = Vec::new();
    let required = ["date", "item", "region", "measure", "value"];
    for name in required {
        if column(name).is_none() {
            problems.push(diag(
                1,
                name,
                "missing column (the header needs date,item,region,measure,value)".into(),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let col = |name: &str| column(name).expect("checked above");
    let (weight_col, kind_col) = (column("weight"), column("kind"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(diag(line, "", format!("malformed row: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |name: &str| record.get(col(name)).unwrap_or("").trim();
        let before = problems.len();
        let mut bad = |name: &str, message: String| problems.push(diag(line, name, message));
        let date = field("date");
        let day = match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Err(_) => {
                bad("date", format!("`{date}` is not a date (YYYY-MM-DD)"));
                None
            }
            Ok(d) => {
                let day = (d - model.start_date).num_days();
                let end = model.start_date + chrono::Days::new(u64::from(model.days) - 1);
                if day < 0 || day >= i64::from(model.days) {
                    bad(
                        "date",
                        format!(
                            "{date} is outside the horizon ({} to {end})",
                            model.start_date
                        ),
                    );
                }
                usize::try_from(day).ok()
            }
        };
        let item_id = field("item");
        let item = model.items.iter().position(|i| i.id == item_id);
        if item.is_none() {
            let known: Vec<&str> = model.items.iter().map(|i| i.id.as_str()).collect();
            bad(
                "item",
                format!("no item `{item_id}` (items: {})", known.join(", ")),
            );
        }
        let region = field("region");
        let slot = if region == "national" {
            Some(model.regions.len())
        } else {
            model.regions.iter().position(|r| r.id == region)
        };
        if slot.is_none() {
            bad(
                "region",
                format!("no region `{region}` (a region's id, or `national`)"),
            );
        }
        let measure = field("measure");
        let observable = Observable::parse(measure);
        if observable.is_none() {
            bad(
                "measure",
                format!(
                    "unknown measure `{measure}` (one of {})",
                    Observable::NAMES.join(", ")
                ),
            );
        }
        let value = number(
            field("value"),
            "value",
            &mut bad,
            |v| v > 0.0,
            "a number > 0",
        );
        let weight_text = weight_col.and_then(|c| record.get(c)).unwrap_or("").trim();
        let weight = if weight_text.is_empty() {
            Some(1.0)
        } else {
            number(
                weight_text,
                "weight",
                &mut bad,
                |w| w >= 0.0,
                "a number >= 0",
            )
        };
        let lower_bound = kind_col
            .and_then(|c| record.get(c))
            .is_some_and(|k| k.trim() == LOWER_BOUND);
        if problems.len() > before {
            continue;
        }
        rows.push(Observation {
            line,
            date: date.to_string(),
            day: day.expect("checked"),
            item_id: item_id.to_string(),
            item: item.expect("checked"),
            region: region.to_string(),
            slot: slot.expect("checked"),
            observable: observable.expect("checked"),
            value: value.expect("checked"),
            weight: weight.expect("checked"),
            lower_bound,
        });
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    if !rows.iter().any(|r| r.weight > 0.0) {
        return Err(Error::Invalid(vec![diag(
            1,
            "",
            "no row to fit (every row has weight 0, or the file has no rows)".into(),
        )]));
    }
    Ok(rows)
}

/// `text` as a finite number that `ok` accepts, else a problem with `column` (`want` says what
/// is accepted).
fn number(
    text: &str,
    column: &str,
    bad: &mut impl FnMut(&str, String),
    ok: impl Fn(f64) -> bool,
    want: &str,
) -> Option<f64> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && ok(v) => Some(v),
        _ => {
            bad(column, format!("`{text}` is not {want}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let file =
            crate::scenario::ScenarioFile::read(Path::new("scenarios/minimal.toml")).unwrap();
        crate::model::build::build(&file, None).unwrap()
    }

    #[test]
    fn rows_resolve_against_the_model() {
        let text = "date,item,region,measure,value,weight,kind,note\n\
                    2020-02-05,surgical_mask,national,produced_per_day,50000,,,x\n\
                    2020-01-24,surgical_mask,Hubei,delivered_cumulative,10,0,reported lower bound,\n";
        let rows = parse(text, Path::new("o.csv"), &model()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].day, rows[0].slot, rows[0].line), (12, 2, 2));
        assert_eq!(rows[0].observable, Observable::ProducedPerDay);
        assert_eq!(
            (rows[1].weight, rows[1].lower_bound, rows[1].slot),
            (0.0, true, 0)
        );
        // Two series, measures in their order: produced before delivered.
        let mut three = rows.clone();
        three.push(rows[0].clone());
        let s = series(&three);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].observable, Observable::ProducedPerDay);
        assert!(s[1].holds(&rows[1]) && !s[1].holds(&rows[0]));
    }

    #[test]
    fn series_read_every_day_and_cumulate_deliveries() {
        let mut rep = Replication::new(0, 3, 1, 1);
        for (d, v) in [(0, 2.0), (1, 0.0), (2, 5.0)] {
            rep.add(d, 0, 0, Measure::Received, v);
            rep.add(d, 0, 0, Measure::Capacity, 10.0);
            rep.add(d, 0, 0, Measure::Produced, v);
        }
        let daily = |o: Observable| o.daily(&rep, 0, 0);
        assert_eq!(daily(Observable::ReceivedPerDay), [2.0, 0.0, 5.0]);
        assert_eq!(daily(Observable::DeliveredCumulative), [2.0, 2.0, 7.0]);
        assert_eq!(daily(Observable::CapacityUtilisation), [0.2, 0.0, 0.5]);
        assert_eq!(daily(Observable::NeedPerDay), [0.0; 3]);
    }

    #[test]
    fn every_bad_field_is_named_with_its_line() {
        let text = "date,item,region,measure,value,weight\n\
                    2020-02-05,gloves,Mars,produced_per_day,x,-1\n\
                    2021-02-05,surgical_mask,national,made,5\n";
        let Err(Error::Invalid(d)) = parse(text, Path::new("o.csv"), &model()) else {
            panic!("bad rows accepted");
        };
        let got: Vec<(usize, &str)> = d
            .iter()
            .map(|d| (d.position.unwrap().0, d.field.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "item"),
                (2, "region"),
                (2, "value"),
                (2, "weight"),
                (3, "date"),
                (3, "measure")
            ]
        );
    }
}
