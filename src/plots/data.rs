//! Reading a run back from its saved files (`manifest.json`, `summary.json`,
//! `timeseries.csv`, `census.csv`, and a study's `sweep.csv` with `sweep.json`, or `comparison.json`): plots
//! and the report are drawn from these alone, never from the model.

use super::format::NATIONAL;
use crate::error::{Error, Result};
use crate::output::manifest::ensure_complete;
use crate::output::schema::{
    KpiSummary, Manifest, ProbabilitySummary, ProductInfo, Summary, SweepInfo,
};
use crate::output::sweep::DEFAULT_PLOT_KPI;
use crate::results::{MEASURE_COUNT, MEASURE_NAMES, Measure, SEVERITY_NAMES};
use crate::stats::compare::Paired;
use crate::stats::kpi::kpi_index;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A daily statistic across replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stat {
    /// Mean per day.
    pub mean: Vec<f64>,
    /// 5th percentile per day.
    pub p5: Vec<f64>,
    /// 95th percentile per day.
    pub p95: Vec<f64>,
}

impl Stat {
    /// A statistic of `days` zeros.
    pub fn zeros(days: usize) -> Stat {
        Stat {
            mean: vec![0.0; days],
            p5: vec![0.0; days],
            p95: vec![0.0; days],
        }
    }
}

/// The daily series of one product in one place (a region or `national`).
#[derive(Debug, Clone, PartialEq)]
pub struct Daily {
    /// Each measure, indexed by `Measure as usize`.
    pub measures: Vec<Stat>,
    /// P(stockout by day) as `mean`, with its Wilson interval as `p5` (low) and `p95` (high).
    pub stockout: Stat,
}

impl Daily {
    /// All zeros over `days` days.
    pub fn zeros(days: usize) -> Daily {
        Daily {
            measures: vec![Stat::zeros(days); MEASURE_COUNT],
            stockout: Stat::zeros(days),
        }
    }

    /// One measure.
    pub fn get(&self, m: Measure) -> &Stat {
        &self.measures[m as usize]
    }

    /// Mutable access to one measure.
    pub fn get_mut(&mut self, m: Measure) -> &mut Stat {
        &mut self.measures[m as usize]
    }
}

/// One variant's saved outputs.
#[derive(Debug, Clone)]
pub struct VariantData {
    /// Its directory.
    pub dir: PathBuf,
    /// Provenance.
    pub manifest: Manifest,
    /// KPIs across replications.
    pub summary: Summary,
    /// Daily series by (product, place), for the national total and the regions of interest.
    pub daily: BTreeMap<(String, String), Daily>,
    /// Patients in care by place (the national total and the regions of interest that have
    /// a census), one statistic per severity class (mild, moderate, severe, critical); empty
    /// for outputs written before `census.csv`.
    pub census: BTreeMap<String, Vec<Stat>>,
}

impl VariantData {
    /// The variant's name.
    pub fn name(&self) -> &str {
        &self.manifest.variant
    }

    /// Calendar date of day 0.
    pub fn start_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.manifest.start_date, "%Y-%m-%d")
            .expect("checked when loading")
    }

    /// Horizon in days.
    pub fn days(&self) -> usize {
        self.manifest.days as usize
    }

    /// The places charted: the national total, then the regions of interest.
    pub fn places(&self) -> Vec<String> {
        let mut p = vec![NATIONAL.to_string()];
        p.extend(self.manifest.regions_of_interest.iter().cloned());
        p
    }

    /// The daily series of a product in a place.
    pub fn series(&self, product: &str, place: &str) -> Option<&Daily> {
        self.daily.get(&(product.to_string(), place.to_string()))
    }

    /// A KPI summary.
    pub fn kpi(&self, product: &str, place: &str, kpi: &str) -> Option<&KpiSummary> {
        self.summary
            .kpis
            .iter()
            .find(|k| k.product == product && k.region == place && k.kpi == kpi)
    }

    /// The probability of a stockout by the end of the horizon.
    pub fn stockout_by_end(&self, product: &str, place: &str) -> Option<&ProbabilitySummary> {
        self.summary
            .probabilities
            .iter()
            .find(|p| p.product == product && p.region == place && p.event == "stockout_by_end")
    }

    /// Every place with KPIs, in the order of `summary.json`.
    pub fn kpi_places(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for k in &self.summary.kpis {
            if !out.contains(&k.region) {
                out.push(k.region.clone());
            }
        }
        out
    }
}

/// Every variant of one scenario run found in its directory.
#[derive(Debug, Clone)]
pub struct ScenarioData {
    /// `OUT/<scenario>`.
    pub dir: PathBuf,
    /// Scenario name.
    pub name: String,
    /// Variants: `base` first, then by name. A variant's index is its colour everywhere.
    pub variants: Vec<VariantData>,
    /// The sweep table, when the directory holds a sweep's outputs.
    pub sweep: Option<SweepData>,
    /// The paired differences, when the directory holds a comparison's outputs.
    pub comparison: Option<Vec<Paired>>,
}

/// One row of `sweep.csv`: a KPI of one product in one place at one grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The value of each swept parameter, as given on the command line.
    pub values: Vec<String>,
    /// Product.
    pub product: String,
    /// Region or `national`.
    pub region: String,
    /// Replications where the KPI is defined.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// 95 % confidence interval of the mean, low (None from one replication: an empty cell).
    pub ci95_low: Option<f64>,
    /// High.
    pub ci95_high: Option<f64>,
}

/// A sweep's saved table, kept for the KPI its chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepData {
    /// The swept parameters, in grid order (the first is the chart's x axis).
    pub parameters: Vec<String>,
    /// The KPI drawn.
    pub kpi: String,
    /// Every grid point (the value of each parameter), in file order (grid order).
    pub points: Vec<Vec<String>>,
    /// The rows of that KPI, in file order.
    pub rows: Vec<SweepRow>,
}

/// `comparison.json`, read back.
#[derive(Debug, serde::Deserialize)]
struct ComparisonJson {
    rows: Vec<Paired>,
}

impl ScenarioData {
    /// The products, from the first variant's manifest.
    pub fn products(&self) -> &[ProductInfo] {
        &self.variants[0].manifest.products
    }

    /// The index of a variant by name.
    pub fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v.name() == name)
    }
}

/// The error of an output file that cannot be read as written.
pub(super) fn corrupt(path: &Path, message: impl Into<String>) -> Error {
    Error::Corrupt {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// A whole output file as text.
pub(super) fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| corrupt(path, format!("not a valid {what}: {e}")))
}

/// Loads every variant directory (one holding `manifest.json`) inside `dir`, refusing a
/// directory a run did not finish (temporary files left, or a variant with result files but
/// no `manifest.json`).
pub fn load_scenario(dir: &Path) -> Result<ScenarioData> {
    ensure_complete(dir)?;
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut variant_dirs = Vec::new();
    for e in entries {
        let e = e.map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let p = e.path();
        if !p.is_dir() || e.file_name() == super::PLOTS {
            continue;
        }
        ensure_complete(&p)?;
        if p.join("manifest.json").is_file() {
            variant_dirs.push(p);
        }
    }
    if variant_dirs.is_empty() {
        return Err(corrupt(
            dir,
            "no variant outputs here: expected <variant>/manifest.json (give the directory \
             `medsupply run` wrote, OUT/<scenario>)",
        ));
    }
    let mut variants = variant_dirs
        .iter()
        .map(|p| load_variant(p))
        .collect::<Result<Vec<_>>>()?;
    variants.sort_by(|a, b| (a.name() != "base", a.name()).cmp(&(b.name() != "base", b.name())));
    let name = variants[0].manifest.scenario.clone();
    if let Some(v) = variants.iter().find(|v| v.manifest.scenario != name) {
        return Err(corrupt(
            &v.dir.join("manifest.json"),
            format!(
                "belongs to scenario `{}`, but {} holds scenario `{name}`",
                v.manifest.scenario,
                variants[0].dir.display()
            ),
        ));
    }
    Ok(ScenarioData {
        dir: dir.to_path_buf(),
        name,
        variants,
        sweep: load_sweep(dir)?,
        comparison: load_comparison(dir)?,
    })
}

/// The paired differences in `dir/comparison.json`, if there is one.
pub fn load_comparison(dir: &Path) -> Result<Option<Vec<Paired>>> {
    let path = dir.join("comparison.json");
    if !path.is_file() {
        return Ok(None);
    }
    let file: ComparisonJson = read_json(&path, "comparison")?;
    Ok(Some(file.rows))
}

/// The sweep in `dir/sweep.csv`, if there is one, kept for the KPI `sweep.json` names
/// (fill rate when there is no `sweep.json`).
pub fn load_sweep(dir: &Path) -> Result<Option<SweepData>> {
    let path = dir.join("sweep.csv");
    if !path.is_file() {
        return Ok(None);
    }
    let info_path = dir.join("sweep.json");
    let info: Option<SweepInfo> = if info_path.is_file() {
        Some(read_json(&info_path, "sweep description")?)
    } else {
        None
    };
    let kpi = info
        .as_ref()
        .map_or(DEFAULT_PLOT_KPI.to_string(), |i| i.plot_kpi.clone());
    kpi_index(&kpi).map_err(|e| corrupt(&info_path, e.to_string()))?;
    let sweep = parse_sweep(&path, &read_text(&path)?, &kpi)?;
    if let Some(i) = info
        && i.parameters != sweep.parameters
    {
        return Err(corrupt(
            &info_path,
            format!(
                "names the parameters {:?}, but sweep.csv has {:?}",
                i.parameters, sweep.parameters
            ),
        ));
    }
    Ok(Some(sweep))
}

/// The header row of a saved CSV table.
fn header(path: &Path, reader: &mut csv::Reader<&[u8]>) -> Result<csv::StringRecord> {
    reader
        .headers()
        .cloned()
        .map_err(|e| corrupt(path, format!("unreadable header: {e}")))
}

/// Position of column `name` in `headers`; a saved table without it is corrupt.
fn column(path: &Path, headers: &csv::StringRecord, name: &str) -> Result<usize> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| corrupt(path, format!("missing column `{name}`")))
}

/// Parses `sweep.csv`, keeping the rows of `kpi`. The parameters are the columns between
/// `point` and `product`.
pub fn parse_sweep(path: &Path, text: &str, kpi: &str) -> Result<SweepData> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = header(path, &mut reader)?;
    let col = |name: &str| column(path, &headers, name);
    let (c_point, c_product, c_region, c_kpi) =
        (col("point")?, col("product")?, col("region")?, col("kpi")?);
    let (c_n, c_mean, c_low, c_high) =
        (col("n")?, col("mean")?, col("ci95_low")?, col("ci95_high")?);
    if c_product <= c_point {
        return Err(corrupt(path, "column `product` comes before `point`"));
    }
    let parameters: Vec<String> = (c_point + 1..c_product)
        .map(|i| headers[i].to_string())
        .collect();
    let mut rows = Vec::new();
    let mut points: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| corrupt(path, format!("unreadable row: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let values: Vec<String> = (c_point + 1..c_product)
            .map(|i| field(i).to_string())
            .collect();
        if !points.contains(&values) {
            points.push(values.clone());
        }
        if field(c_kpi) != kpi {
            continue;
        }
        let num = |i: usize| -> Result<f64> {
            field(i).parse::<f64>().map_err(|_| {
                corrupt(
                    path,
                    format!(
                        "line {line}: column `{}` holds `{}`, not a number",
                        &headers[i],
                        field(i)
                    ),
                )
            })
        };
        // An empty interval cell: undefined (one replication).
        let opt = |i: usize| -> Result<Option<f64>> {
            if field(i).is_empty() {
                Ok(None)
            } else {
                num(i).map(Some)
            }
        };
        rows.push(SweepRow {
            values,
            product: field(c_product).to_string(),
            region: field(c_region).to_string(),
            n: num(c_n)? as usize,
            mean: num(c_mean)?,
            ci95_low: opt(c_low)?,
            ci95_high: opt(c_high)?,
        });
    }
    Ok(SweepData {
        parameters,
        kpi: kpi.to_string(),
        points,
        rows,
    })
}

/// Loads one variant directory.
pub fn load_variant(dir: &Path) -> Result<VariantData> {
    let manifest_path = dir.join("manifest.json");
    let mut manifest: Manifest = read_json(&manifest_path, "manifest")?;
    if NaiveDate::parse_from_str(&manifest.start_date, "%Y-%m-%d").is_err() {
        return Err(corrupt(
            &manifest_path,
            format!(
                "start_date `{}` is not a YYYY-MM-DD date",
                manifest.start_date
            ),
        ));
    }
    if manifest.days == 0 {
        return Err(corrupt(&manifest_path, "days is 0"));
    }
    let summary: Summary = read_json(&dir.join("summary.json"), "summary")?;
    let ts_path = dir.join("timeseries.csv");
    let text = read_text(&ts_path)?;
    let (daily, kinds) = parse_timeseries(&ts_path, &text, &manifest)?;
    if manifest.products.is_empty() {
        // An older manifest: take the products from the time series, with a generic unit.
        manifest.products = kinds
            .into_iter()
            .map(|(id, kind)| ProductInfo {
                id,
                unit: "unit".to_string(),
                kind,
            })
            .collect();
    }
    for p in &manifest.products {
        for place in [NATIONAL.to_string()]
            .iter()
            .chain(&manifest.regions_of_interest)
        {
            if !daily.contains_key(&(p.id.clone(), place.clone())) {
                return Err(corrupt(
                    &ts_path,
                    format!("no rows for product `{}` in `{place}`", p.id),
                ));
            }
        }
    }
    let census_path = dir.join("census.csv");
    let census = if census_path.is_file() {
        parse_census(&census_path, &read_text(&census_path)?, &manifest)?
    } else {
        BTreeMap::new()
    };
    Ok(VariantData {
        dir: dir.to_path_buf(),
        manifest,
        summary,
        daily,
        census,
    })
}

/// Parses `census.csv`, keeping the national total and the regions of interest.
fn parse_census(
    path: &Path,
    text: &str,
    manifest: &Manifest,
) -> Result<BTreeMap<String, Vec<Stat>>> {
    let days = manifest.days as usize;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = header(path, &mut reader)?;
    let col = |name: &str| column(path, &headers, name);
    let (c_day, c_region, c_severity) = (col("day")?, col("region")?, col("severity")?);
    let stat = Triple {
        mean: col("mean")?,
        p5: col("p5")?,
        p95: col("p95")?,
    };
    let mut places = vec![NATIONAL.to_string()];
    places.extend(manifest.regions_of_interest.iter().cloned());
    let mut out: BTreeMap<String, Vec<Stat>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| corrupt(path, format!("unreadable row: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let region = field(c_region);
        if !places.iter().any(|p| p == region) {
            continue;
        }
        let bad = |what: &str| corrupt(path, format!("line {line}: {what}"));
        let day: usize = field(c_day)
            .parse()
            .ok()
            .filter(|d| *d < days)
            .ok_or_else(|| {
                bad(&format!(
                    "day `{}` is not a day of the horizon",
                    field(c_day)
                ))
            })?;
        let k = SEVERITY_NAMES
            .iter()
            .position(|s| *s == field(c_severity))
            .ok_or_else(|| bad(&format!("unknown severity `{}`", field(c_severity))))?;
        let num = |i: usize| -> Result<f64> {
            field(i)
                .parse::<f64>()
                .map_err(|_| bad(&format!("`{}` is not a number", field(i))))
        };
        let stats = out
            .entry(region.to_string())
            .or_insert_with(|| vec![Stat::zeros(days); SEVERITY_NAMES.len()]);
        stats[k].mean[day] = num(stat.mean)?;
        stats[k].p5[day] = num(stat.p5)?;
        stats[k].p95[day] = num(stat.p95)?;
    }
    Ok(out)
}

/// Column indices of one statistic triple.
struct Triple {
    mean: usize,
    p5: usize,
    p95: usize,
}

/// Parses `timeseries.csv`, keeping products in the national total and the regions of
/// interest. Returns the series and the products with their kinds, in file order.
#[allow(clippy::type_complexity)]
fn parse_timeseries(
    path: &Path,
    text: &str,
    manifest: &Manifest,
) -> Result<(BTreeMap<(String, String), Daily>, Vec<(String, String)>)> {
    let days = manifest.days as usize;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = header(path, &mut reader)?;
    let col = |name: &str| column(path, &headers, name);
    let (c_day, c_item, c_kind, c_region) =
        (col("day")?, col("item")?, col("kind")?, col("region")?);
    let measures = MEASURE_NAMES
        .iter()
        .map(|m| {
            Ok(Triple {
                mean: col(&format!("{m}_mean"))?,
                p5: col(&format!("{m}_p5"))?,
                p95: col(&format!("{m}_p95"))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let stockout = Triple {
        mean: col("p_stockout_by_day")?,
        p5: col("p_stockout_low")?,
        p95: col("p_stockout_high")?,
    };
    let mut places = vec![NATIONAL.to_string()];
    places.extend(manifest.regions_of_interest.iter().cloned());
    let mut out: BTreeMap<(String, String), Daily> = BTreeMap::new();
    let mut filled: BTreeMap<(String, String), Vec<bool>> = BTreeMap::new();
    let mut kinds: Vec<(String, String)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| corrupt(path, format!("unreadable row: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let kind = field(c_kind);
        if kind == "material" {
            continue;
        }
        let item = field(c_item).to_string();
        if !kinds.iter().any(|(id, _)| *id == item) {
            kinds.push((item.clone(), kind.to_string()));
        }
        let region = field(c_region).to_string();
        if !places.contains(&region) {
            continue;
        }
        let day: usize = field(c_day).parse().map_err(|_| {
            corrupt(
                path,
                format!("line {line}: day `{}` is not a whole number", field(c_day)),
            )
        })?;
        if day >= days {
            return Err(corrupt(
                path,
                format!("line {line}: day {day} is beyond the horizon of {days} days"),
            ));
        }
        let num = |i: usize| -> Result<f64> {
            let s = field(i);
            s.parse::<f64>().map_err(|_| {
                corrupt(
                    path,
                    format!(
                        "line {line}: column `{}` holds `{s}`, not a number",
                        headers.get(i).unwrap_or("?")
                    ),
                )
            })
        };
        let key = (item, region);
        let daily = out.entry(key.clone()).or_insert_with(|| Daily::zeros(days));
        for (k, t) in measures.iter().enumerate() {
            let s = &mut daily.measures[k];
            s.mean[day] = num(t.mean)?;
            s.p5[day] = num(t.p5)?;
            s.p95[day] = num(t.p95)?;
        }
        daily.stockout.mean[day] = num(stockout.mean)?;
        daily.stockout.p5[day] = num(stockout.p5)?;
        daily.stockout.p95[day] = num(stockout.p95)?;
        filled.entry(key).or_insert_with(|| vec![false; days])[day] = true;
    }
    for ((item, region), f) in &filled {
        if let Some(missing) = f.iter().position(|x| !x) {
            return Err(corrupt(
                path,
                format!(
                    "no row for `{item}` in `{region}` on day {missing}: the file is truncated"
                ),
            ));
        }
    }
    Ok((out, kinds))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn manifest(days: u32, roi: &[&str]) -> Manifest {
        Manifest {
            schema_version: 2,
            program: "medsupply".into(),
            version: "0".into(),
            scenario: "s".into(),
            variant: "base".into(),
            scenario_hash: "h".into(),
            seed: 1,
            replications: 2,
            generator: "g".into(),
            start_date: "2020-01-24".into(),
            days,
            ticks_per_day: 1440,
            regions_of_interest: roi.iter().map(|s| s.to_string()).collect(),
            products: vec![],
            files: Default::default(),
        }
    }

    fn header() -> String {
        let mut h = vec!["day", "date", "item", "kind", "region"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        for m in MEASURE_NAMES {
            for s in ["mean", "p5", "p95"] {
                h.push(format!("{m}_{s}"));
            }
        }
        h.extend(["p_stockout_by_day", "p_stockout_low", "p_stockout_high"].map(String::from));
        h.join(",")
    }

    fn row(day: usize, item: &str, kind: &str, region: &str, demand: f64) -> String {
        let mut r = vec![
            day.to_string(),
            "2020-01-24".into(),
            item.into(),
            kind.into(),
            region.into(),
        ];
        for k in 0..MEASURE_COUNT {
            let v = if k == Measure::Demand as usize {
                demand
            } else {
                0.0
            };
            r.extend([v.to_string(), v.to_string(), v.to_string()]);
        }
        r.extend(["0.5", "0.2", "0.8"].map(String::from));
        r.join(",")
    }

    #[test]
    fn keeps_products_in_national_and_regions_of_interest() {
        let m = manifest(2, &["Hubei"]);
        let mut text = header() + "\n";
        for region in ["Hubei", "Jiangsu", "national"] {
            for day in 0..2 {
                text += &(row(day, "mask", "consumable", region, day as f64 + 1.0) + "\n");
                text += &(row(day, "meltblown", "material", region, 9.0) + "\n");
            }
        }
        let (daily, kinds) = parse_timeseries(Path::new("t.csv"), &text, &m).unwrap();
        assert_eq!(kinds, vec![("mask".to_string(), "consumable".to_string())]);
        assert_eq!(daily.len(), 2);
        let hubei = &daily[&("mask".to_string(), "Hubei".to_string())];
        assert_eq!(hubei.get(Measure::Demand).mean, vec![1.0, 2.0]);
        assert_eq!(hubei.stockout.p95, vec![0.8, 0.8]);
    }

    #[test]
    fn a_truncated_or_garbled_file_is_reported_with_its_line() {
        let m = manifest(2, &[]);
        let text = header() + "\n" + &row(0, "mask", "consumable", "national", 1.0) + "\n";
        let e = parse_timeseries(Path::new("t.csv"), &text, &m).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        assert_eq!(e.exit_code(), 2);
        let bad =
            header() + "\n" + &row(0, "mask", "consumable", "national", 1.0).replace(",1,", ",x,");
        let e = parse_timeseries(Path::new("t.csv"), &bad, &m).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = parse_timeseries(Path::new("t.csv"), "day,item\n", &m).unwrap_err();
        assert!(e.to_string().contains("missing column `kind`"), "{e}");
    }
}
