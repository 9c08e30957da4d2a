//! How numbers, dates and names read on charts and in the report: counts in k/M, calendar
//! dates, products and places in words.

use super::chart::YFormat;
use chrono::{Datelike, NaiveDate};

/// The name of the national slot in the output files.
pub const NATIONAL: &str = "national";

/// A count in k/M/B with at most three significant digits: `950`, `1.5k`, `12k`, `2.25M`.
pub fn si(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let a = x.abs();
    let (v, suffix) = if a >= 999.5e6 {
        (x / 1e9, "B")
    } else if a >= 999.5e3 {
        (x / 1e6, "M")
    } else if a >= 999.5 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let decimals = match v.abs() {
        v if v >= 99.95 => 0,
        v if v >= 9.995 => 1,
        _ => 2,
    };
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    let s = if s == "-0" { "0" } else { s };
    format!("{s}{suffix}")
}

/// A count for running text, as [`si`] with a space before the suffix: `950`, `1.5 k`,
/// `14.8 M`.
pub fn human(x: f64) -> String {
    let s = si(x);
    match s.char_indices().last() {
        Some((k, c)) if c.is_ascii_alphabetic() => format!("{} {c}", &s[..k]),
        _ => s,
    }
}

/// A share in [0, 1] as a percentage: `45 %`, `99.5 %`, `0.8 %`.
pub fn percent(p: f64) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    let v = p * 100.0;
    if v == 0.0 || v >= 99.95 || (v - v.round()).abs() < 0.05 {
        format!("{:.0} %", v)
    } else {
        format!("{v:.1} %")
    }
}

/// A product id in words: `surgical_mask` → `Surgical mask`, `n95-respirator` → `N95 respirator`.
pub fn product_name(id: &str) -> String {
    let words = id.replace(['_', '-'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A place in words: the national slot is `national total`, a region keeps its id.
pub fn place(region: &str) -> String {
    if region == NATIONAL {
        "national total".to_string()
    } else {
        region.to_string()
    }
}

/// The plural of a unit of measure, for axis labels: `mask` → `masks`, `g` stays `g`.
pub fn plural(unit: &str) -> String {
    let u = unit.trim();
    if u.is_empty() {
        return "units".to_string();
    }
    if u.chars().count() <= 2 || u.ends_with('s') || !u.chars().all(char::is_alphabetic) {
        return u.to_string();
    }
    if u.ends_with("sh") || u.ends_with("ch") || u.ends_with('x') {
        format!("{u}es")
    } else {
        format!("{u}s")
    }
}

/// A KPI name in words: `fill_rate` → `fill rate`, `lead_time_mean_days` → `mean lead time`.
pub fn kpi_words(kpi: &str) -> String {
    match kpi {
        "shortage_days" => "days with a shortage".to_string(),
        "patient_days_without_device" => "patient-days without the device".to_string(),
        "time_to_sufficiency_day" => "day supply became sufficient".to_string(),
        "first_stockout_day" => "day of the first stockout".to_string(),
        "peak_daily_shortage" => "peak daily shortage".to_string(),
        "days_of_supply_end" => "days of supply at the end".to_string(),
        "lead_time_mean_days" => "mean lead time".to_string(),
        "lead_time_p95_days" => "95th percentile lead time".to_string(),
        "green_channel_share" => "share shipped by green channel".to_string(),
        "transport_cost" => "transport cost".to_string(),
        other => other.replace('_', " "),
    }
}

/// How a KPI's values read: shares as percentages, days, or counts of units.
pub fn kpi_format(kpi: &str) -> YFormat {
    match kpi {
        "fill_rate" | "utilisation" | "green_channel_share" => YFormat::Percent,
        "shortage_days"
        | "time_to_sufficiency_day"
        | "first_stockout_day"
        | "days_of_supply_end"
        | "lead_time_mean_days"
        | "lead_time_p95_days" => YFormat::Days,
        _ => YFormat::Count,
    }
}

/// The calendar date of a simulation day.
pub fn date_of(start: NaiveDate, day: usize) -> NaiveDate {
    start + chrono::Days::new(day as u64)
}

/// A tick label: `24 Jan`, or `1 Jan 2021` for a year's first tick.
pub fn tick_label(date: NaiveDate, with_year: bool) -> String {
    if with_year {
        date.format("%-d %b %Y").to_string()
    } else {
        date.format("%-d %b").to_string()
    }
}

/// A date in running text: `24 Jan 2020`.
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// The x-axis title: `Date (2020)` or `Date (2020–2021)`.
pub fn date_axis_title(start: NaiveDate, days: usize) -> String {
    let end = date_of(start, days.saturating_sub(1));
    if end.year() == start.year() {
        format!("Date ({})", start.year())
    } else {
        format!("Date ({}–{})", start.year(), end.year())
    }
}

/// Day indices of the x-axis ticks: calendar-aligned, at most ten. Short horizons get daily,
/// weekly or fortnightly ticks from day 0; long ones the 1st (and 15th) of months.
pub fn date_ticks(start: NaiveDate, days: usize) -> Vec<usize> {
    const MAX_TICKS: usize = 10;
    if days == 0 {
        return Vec::new();
    }
    for step in [1, 2, 7, 14] {
        if days.div_ceil(step) <= MAX_TICKS {
            return (0..days).step_by(step).collect();
        }
    }
    let month_days = |pick: &dyn Fn(NaiveDate) -> bool| -> Vec<usize> {
        (0..days).filter(|&d| pick(date_of(start, d))).collect()
    };
    let candidates: [&dyn Fn(NaiveDate) -> bool; 4] = [
        &|d| d.day() == 1 || d.day() == 15,
        &|d| d.day() == 1,
        &|d| d.day() == 1 && d.month0() % 2 == 0,
        &|d| d.day() == 1 && d.month0() % 3 == 0,
    ];
    for pick in candidates {
        let t = month_days(pick);
        if t.len() <= MAX_TICKS {
            return t;
        }
    }
    month_days(&|d| d.day() == 1 && d.month0() == 0)
}

/// Escapes text for HTML and SVG.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A name safe in a file name: letters, digits, `-` and `_` kept, anything else `_`.
pub fn file_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn counts_read_in_k_and_m() {
        assert_eq!(human(14.8e6), "14.8 M");
        assert_eq!(human(950.0), "950");
        assert_eq!(human(f64::NAN), "–");
        assert_eq!(si(0.0), "0");
        assert_eq!(si(950.0), "950");
        assert_eq!(si(12.5), "12.5");
        assert_eq!(si(1500.0), "1.5k");
        assert_eq!(si(2000.0), "2k");
        assert_eq!(si(12_000.0), "12k");
        assert_eq!(si(125_000.0), "125k");
        assert_eq!(si(999_999.0), "1M");
        assert_eq!(si(2_250_000.0), "2.25M");
        assert_eq!(si(40_000_000.0), "40M");
        assert_eq!(si(3.2e9), "3.2B");
        assert_eq!(si(-1500.0), "-1.5k");
    }

    #[test]
    fn percentages_are_short() {
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(0.45), "45 %");
        assert_eq!(percent(0.995), "99.5 %");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.008), "0.8 %");
    }

    #[test]
    fn names_read_as_words() {
        assert_eq!(product_name("surgical_mask"), "Surgical mask");
        assert_eq!(product_name("n95-respirator"), "N95 respirator");
        assert_eq!(place("national"), "national total");
        assert_eq!(place("Hubei"), "Hubei");
        assert_eq!(plural("mask"), "masks");
        assert_eq!(plural("g"), "g");
        assert_eq!(plural("box"), "boxes");
        assert_eq!(plural("pairs"), "pairs");
        assert_eq!(plural(""), "units");
        assert_eq!(file_safe("Hubei/Wuhan city"), "Hubei_Wuhan_city");
        assert_eq!(escape("<a&b>"), "&lt;a&amp;b&gt;");
        assert_eq!(kpi_words("fill_rate"), "fill rate");
        assert_eq!(kpi_words("lead_time_mean_days"), "mean lead time");
        assert_eq!(kpi_format("fill_rate"), YFormat::Percent);
        assert_eq!(kpi_format("first_stockout_day"), YFormat::Days);
        assert_eq!(kpi_format("shortage"), YFormat::Count);
    }

    #[test]
    fn ticks_are_weekly_for_two_months_and_monthly_for_a_year() {
        let start = d(2020, 1, 24);
        assert_eq!(
            date_ticks(start, 60),
            vec![0, 7, 14, 21, 28, 35, 42, 49, 56]
        );
        assert_eq!(date_ticks(start, 5), vec![0, 1, 2, 3, 4]);
        let year = date_ticks(start, 366);
        assert!(year.len() <= 10, "{year:?}");
        assert!(year.iter().all(|&t| date_of(start, t).day() == 1));
        assert_eq!(tick_label(date_of(start, 8), false), "1 Feb");
        assert_eq!(date_axis_title(start, 60), "Date (2020)");
        assert_eq!(date_axis_title(start, 366), "Date (2020–2021)");
    }
}
