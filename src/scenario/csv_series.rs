//! Daily series read from CSV files referenced by a scenario.

use super::policy::Limits;
use super::raw::RawFill;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A problem in a CSV file: line (1-based), column name, message.
pub type CsvProblem = (Option<usize>, String, String);

/// The CSV files a scenario refers to, each read once, and the columns taken from them, each
/// parsed once: the base and every variant of a scenario are built from the same files, and a
/// national scenario takes dozens of columns from one file.
#[derive(Debug, Default)]
pub struct CsvCache {
    files: Mutex<BTreeMap<PathBuf, Arc<[u8]>>>,
    columns: Mutex<BTreeMap<ColumnKey, ColumnRead>>,
}

/// A column as read for a horizon: file, column, start date and days.
type ColumnKey = (PathBuf, String, Option<NaiveDate>, usize);
/// A column's value on each day of the horizon (`None` on a day without a row), or every problem
/// found reading it.
type ColumnRead = Result<Vec<Option<f64>>, Vec<CsvProblem>>;

impl CsvCache {
    /// The bytes of the file at `path`, refused when over the size limit (a failed read is not
    /// kept, so it is reported each time).
    pub fn bytes(&self, path: &Path, limits: &Limits) -> std::result::Result<Arc<[u8]>, String> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = files.get(path) {
            return Ok(b.clone());
        }
        limits.check_file(path).map_err(|e| e.to_string())?;
        let b: Arc<[u8]> = std::fs::read(path).map_err(|e| e.to_string())?.into();
        files.insert(path.to_path_buf(), b.clone());
        Ok(b)
    }

    /// Forgets the bytes of the file at `path` (read again if asked for).
    pub fn forget(&self, path: &Path) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
    }

    /// [`read_column`] of the file at `path` (whose bytes are `bytes`), parsed on first use.
    pub fn column(
        &self,
        path: &Path,
        bytes: &[u8],
        column: &str,
        start: Option<NaiveDate>,
        days: usize,
    ) -> ColumnRead {
        let key = (path.to_path_buf(), column.to_string(), start, days);
        let mut columns = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        columns
            .entry(key)
            .or_insert_with(|| read_column(bytes, column, start, days))
            .clone()
    }
}

/// Reads `column` of a CSV whose rows are keyed by a `date` (YYYY-MM-DD, relative to `start`) or
/// a `day` (0-based) column into `days` daily values; a day not listed is `None` (see [`fill`]),
/// rows outside the horizon are ignored. Every problem found is returned.
pub fn read_column(
    bytes: &[u8],
    column: &str,
    start: Option<NaiveDate>,
    days: usize,
) -> ColumnRead {
    let mut problems = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![(
                Some(1),
                String::new(),
                format!("cannot read the header: {e}"),
            )]);
        }
    };
    let key = headers.iter().position(|h| h == "date" || h == "day");
    let col = headers.iter().position(|h| h == column);
    if key.is_none() {
        problems.push((
            Some(1),
            "date".to_string(),
            "needs a `date` or `day` column".to_string(),
        ));
    }
    if col.is_none() {
        problems.push((
            Some(1),
            column.to_string(),
            format!(
                "no column `{column}` (columns: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let (Some(key), Some(col)) = (key, col) else {
        return Err(problems);
    };
    let by_date = &headers[key] == "date";
    let mut out = vec![None; days];
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                problems.push((line, String::new(), format!("malformed row: {e}")));
                continue;
            }
        };
        let line = rec.position().map(|p| p.line() as usize);
        let k = rec.get(key).unwrap_or("");
        let day: Option<i64> = if by_date {
            match (NaiveDate::parse_from_str(k, "%Y-%m-%d"), start) {
                (Ok(d), Some(s)) => Some((d - s).num_days()),
                (Ok(_), None) => None,
                (Err(_), _) => {
                    problems.push((
                        line,
                        "date".to_string(),
                        format!("`{k}` is not a date YYYY-MM-DD"),
                    ));
                    None
                }
            }
        } else {
            match k.parse::<i64>() {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push((
                        line,
                        "day".to_string(),
                        format!("`{k}` is not a whole day number"),
                    ));
                    None
                }
            }
        };
        let raw = rec.get(col).unwrap_or("");
        let value = match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=crate::scenario::MAX_MAGNITUDE).contains(&v) => v,
            _ => {
                problems.push((
                    line,
                    column.to_string(),
                    format!("`{raw}` is not a finite non-negative number up to 1e15"),
                ));
                continue;
            }
        };
        if let Some(d) = day.filter(|d| *d >= 0 && (*d as usize) < days) {
            let d = d as usize;
            if out[d].is_some() {
                problems.push((
                    line,
                    headers[key].to_string(),
                    format!("day {d} is listed twice"),
                ));
            }
            out[d] = Some(value);
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Why a series read from a CSV does not give a value for every day of the horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// Days without a row (inclusive ranges, in order) and no `fill` to say what they are.
    Missing(Vec<(usize, usize)>),
    /// `fill = "last"` or `"linear"`, but no row within the horizon to fill from.
    NoRow,
}

/// How many ranges of missing days a [`Gap::Missing`] message lists before "and N more".
const LISTED_RANGES: usize = 3;

impl Gap {
    /// What is wrong, naming the CSV file as written (`file`) and the missing days, as dates
    /// when the start date is known.
    pub fn message(&self, file: &str, start: Option<NaiveDate>, days: usize) -> String {
        match self {
            Gap::NoRow => format!(
                "`{file}` has no row within the {days}-day horizon, so there is no value to \
                 fill from"
            ),
            Gap::Missing(ranges) => {
                let count = |(a, b): &(usize, usize)| b - a + 1;
                let missing: usize = ranges.iter().map(count).sum();
                let listed: Vec<String> = ranges
                    .iter()
                    .take(LISTED_RANGES)
                    .map(|&range| describe_range(range, start))
                    .collect();
                let more: usize = ranges.iter().skip(LISTED_RANGES).map(count).sum();
                let more = if more > 0 {
                    format!(" and {more} more day{}", if more == 1 { "" } else { "s" })
                } else {
                    String::new()
                };
                format!(
                    "`{file}` has no row for {missing} of the {days} days of the horizon: {}{more}; \
                     add the rows, or say how to fill them with `fill = \"zero\"`, `\"last\"` \
                     or `\"linear\"`",
                    listed.join(", ")
                )
            }
        }
    }
}

/// `2020-01-27 to 2020-01-29 (days 3-5)`, or `day 3` alone when the start date is unknown.
fn describe_range((first, last): (usize, usize), start: Option<NaiveDate>) -> String {
    let date = |d: usize| start.and_then(|s| s.checked_add_days(chrono::Days::new(d as u64)));
    match (first == last, date(first), date(last)) {
        (true, Some(a), _) => format!("{a} (day {first})"),
        (true, None, _) => format!("day {first}"),
        (false, Some(a), Some(b)) => format!("{a} to {b} (days {first}-{last})"),
        (false, _, _) => format!("days {first}-{last}"),
    }
}

/// A daily series with every day of the horizon: `observed` as read, its missing days filled
/// as `fill` says. Without `fill`, a missing day is a [`Gap::Missing`].
pub fn fill(observed: &[Option<f64>], fill: Option<RawFill>) -> Result<Vec<f64>, Gap> {
    let rows: Vec<(usize, f64)> = observed
        .iter()
        .enumerate()
        .filter_map(|(day, value)| value.map(|v| (day, v)))
        .collect();
    if rows.len() == observed.len() {
        return Ok(rows.into_iter().map(|(_, v)| v).collect());
    }
    let Some(fill) = fill else {
        return Err(Gap::Missing(missing_ranges(observed)));
    };
    let (Some(&(first_day, first)), Some(&(last_day, last))) = (rows.first(), rows.last()) else {
        return match fill {
            RawFill::Zero => Ok(vec![0.0; observed.len()]),
            RawFill::Last | RawFill::Linear => Err(Gap::NoRow),
        };
    };
    let mut out = Vec::with_capacity(observed.len());
    // The rows before and after the day being filled.
    let mut next = 0;
    for (day, value) in observed.iter().enumerate() {
        if let Some(v) = value {
            out.push(*v);
            next += 1;
            continue;
        }
        out.push(match fill {
            RawFill::Zero => 0.0,
            _ if day < first_day => first,
            _ if day > last_day => last,
            RawFill::Last => rows[next - 1].1,
            RawFill::Linear => {
                let ((a, va), (b, vb)) = (rows[next - 1], rows[next]);
                va + (vb - va) * (day - a) as f64 / (b - a) as f64
            }
        });
    }
    Ok(out)
}

/// The days without a value, as inclusive ranges in order.
fn missing_ranges(observed: &[Option<f64>]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for day in (0..observed.len()).filter(|&day| observed[day].is_none()) {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == day => *last = day,
            _ => ranges.push((day, day)),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_file_is_read_once_and_its_columns_as_read_column_gives_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, "day,a,b\n0,1,x\n2,3,4\n").unwrap();
        let cache = CsvCache::default();
        let bytes = cache.bytes(&path, &Limits::default()).unwrap();
        // Read once: the base and the variants see the file as it was first read.
        std::fs::write(&path, "day,a\n0,9\n").unwrap();
        assert_eq!(cache.bytes(&path, &Limits::default()).unwrap(), bytes);
        for (column, days) in [("a", 3), ("b", 3), ("a", 2), ("c", 3)] {
            let want = read_column(&bytes, column, None, days);
            assert_eq!(cache.column(&path, &bytes, column, None, days), want);
            assert_eq!(cache.column(&path, &bytes, column, None, days), want);
        }
        assert_eq!(
            cache.column(&path, &bytes, "a", None, 3),
            Ok(vec![Some(1.0), None, Some(3.0)])
        );
        assert!(
            cache
                .bytes(&dir.path().join("missing.csv"), &Limits::default())
                .is_err()
        );
    }

    #[test]
    fn reads_by_date_and_reports_bad_rows_with_lines() {
        let start = NaiveDate::from_ymd_opt(2020, 1, 24);
        let ok = read_column(b"date,n95\n2020-01-24,5\n2020-01-26,7\n", "n95", start, 4).unwrap();
        assert_eq!(ok, vec![Some(5.0), None, Some(7.0), None]);
        let bad =
            read_column(b"date,n95\n2020-01-24,x\n2020-13-01,1\n", "n95", start, 4).unwrap_err();
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].0, Some(2));
        assert_eq!(bad[1].0, Some(3));
        assert!(read_column(b"date,a\n", "b", start, 4).is_err());
    }

    #[test]
    fn a_full_series_needs_no_fill() {
        let observed = [Some(1.0), Some(2.0)];
        for how in [None, Some(RawFill::Zero), Some(RawFill::Linear)] {
            assert_eq!(fill(&observed, how), Ok(vec![1.0, 2.0]));
        }
    }

    #[test]
    fn missing_days_without_fill_are_ranges() {
        let observed = [None, Some(1.0), None, None, Some(2.0), None];
        assert_eq!(
            fill(&observed, None),
            Err(Gap::Missing(vec![(0, 0), (2, 3), (5, 5)]))
        );
    }

    #[test]
    fn each_fill_fills_as_documented() {
        let observed = [None, Some(2.0), None, None, Some(8.0), None];
        assert_eq!(
            fill(&observed, Some(RawFill::Zero)),
            Ok(vec![0.0, 2.0, 0.0, 0.0, 8.0, 0.0])
        );
        // `last` carries forward, and the first value backward before the first row.
        assert_eq!(
            fill(&observed, Some(RawFill::Last)),
            Ok(vec![2.0, 2.0, 2.0, 2.0, 8.0, 8.0])
        );
        // `linear` interpolates between rows and carries the ends.
        assert_eq!(
            fill(&observed, Some(RawFill::Linear)),
            Ok(vec![2.0, 2.0, 4.0, 6.0, 8.0, 8.0])
        );
    }

    #[test]
    fn a_series_without_rows_fills_only_with_zeros() {
        let observed = [None, None];
        assert_eq!(fill(&observed, Some(RawFill::Zero)), Ok(vec![0.0, 0.0]));
        assert_eq!(fill(&observed, Some(RawFill::Last)), Err(Gap::NoRow));
        assert_eq!(fill(&observed, Some(RawFill::Linear)), Err(Gap::NoRow));
        assert!(matches!(fill(&observed, None), Err(Gap::Missing(_))));
    }

    #[test]
    fn a_gap_message_lists_a_few_ranges_as_dates_then_counts_the_rest() {
        let start = NaiveDate::from_ymd_opt(2020, 1, 24);
        let gap = Gap::Missing(vec![(3, 5), (9, 9), (12, 13), (20, 21), (30, 30)]);
        let message = gap.message("data/x.csv", start, 60);
        assert!(
            message.starts_with(
                "`data/x.csv` has no row for 9 of the 60 days of the horizon: \
                 2020-01-27 to 2020-01-29 (days 3-5), 2020-02-02 (day 9), \
                 2020-02-05 to 2020-02-06 (days 12-13) and 3 more days; add the rows"
            ),
            "{message}"
        );
        assert!(
            Gap::Missing(vec![(3, 3), (5, 6)])
                .message("x.csv", None, 7)
                .contains("3 of the 7 days")
        );
        assert!(
            Gap::Missing(vec![(3, 3), (5, 6)])
                .message("x.csv", None, 7)
                .contains(": day 3, days 5-6; add")
        );
    }
}
