//! Daily series read from CSV files referenced by a scenario.

use super::policy::Limits;
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
/// A column's daily series, or every problem found reading it.
type ColumnRead = Result<Vec<f64>, Vec<CsvProblem>>;

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
/// a `day` (0-based) column into `days` daily values; days not listed are 0, rows outside the
/// horizon are ignored. Every problem found is returned.
pub fn read_column(
    bytes: &[u8],
    column: &str,
    start: Option<NaiveDate>,
    days: usize,
) -> Result<Vec<f64>, Vec<CsvProblem>> {
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
    let mut out = vec![0.0; days];
    let mut seen = vec![false; days];
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
            if seen[d] {
                problems.push((
                    line,
                    headers[key].to_string(),
                    format!("day {d} is listed twice"),
                ));
            }
            seen[d] = true;
            out[d] = value;
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
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
            Ok(vec![1.0, 0.0, 3.0])
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
        assert_eq!(ok, vec![5.0, 0.0, 7.0, 0.0]);
        let bad =
            read_column(b"date,n95\n2020-01-24,x\n2020-13-01,1\n", "n95", start, 4).unwrap_err();
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].0, Some(2));
        assert_eq!(bad[1].0, Some(3));
        assert!(read_column(b"date,a\n", "b", start, 4).is_err());
    }
}
