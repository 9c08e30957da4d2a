//! Daily series read from CSV files referenced by a scenario.

use chrono::NaiveDate;

/// A problem in a CSV file: line (1-based), column name, message.
pub type CsvProblem = (Option<usize>, String, String);

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
