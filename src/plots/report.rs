//! `report.html`: one self-contained page per scenario run (inline SVG, CSS and one script;
//! no fonts or anything else fetched) with the headline KPIs and their confidence intervals, a
//! comparison's paired differences in words, a sweep's charts, the charts with the variants
//! side by side, and the provenance of every variant. The charts and the tables of every other
//! region are packed ([`super::pack`]) and unpacked by the page's script.

use super::Rendered;
use super::chart::{ChartKind, YFormat, variant_style};
use super::compact::Compactor;
use super::data::{ScenarioData, VariantData};
use super::format::{
    date_of, escape, kpi_format, kpi_words, long_date, percent, place, plural, product_name, si,
};
use super::pack;
use crate::output::schema::{KpiSummary, ProductInfo};
use crate::stats::compare::{Paired, Verdict};
use std::fmt::Write;

/// What the KPI columns mean.
const KPI_NOTE: &str = "<p class=\"muted\">Small print: 95 % confidence interval of the mean \
    (Wilson interval for P). <b>Fill rate</b>: demand met ÷ demand over the horizon. \
    <b>Shortage</b>: total demand not met (durable equipment: patient-days without it). \
    <b>Shortage days</b>: days with any unmet demand. <b>Sufficient from</b>: first day, after \
    the first stockout, that starts 7 days running with demand met in full. <b>First \
    stockout</b>: first day with unmet demand. Both are averaged over the runs where they \
    happen (n/N runs). <b>P(stockout)</b>: share of runs with any unmet demand by the end.</p>\n";

/// A manifest row of the provenance table: its label and how to read it from a variant.
type ManifestField<'a> = (&'a str, &'a dyn Fn(&VariantData) -> String);

const CSS: &str = "
:root{--ink:#1f1f1f;--muted:#5a5a5a;--rule:#d9d9d9;--shade:#f4f4f4}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1900px;padding:24px 32px 48px;color:var(--ink);background:#fff;
font:15px/1.45 'DejaVu Sans',Verdana,system-ui,sans-serif}
h1{font-size:26px;margin:0 0 6px}
h2{font-size:21px;margin:36px 0 10px;padding-top:10px;border-top:2px solid var(--ink)}
h3{font-size:17px;margin:26px 0 8px}
h4{font-size:15px;margin:18px 0 6px;color:var(--muted)}
p{margin:6px 0;max-width:95ch}
.lede{font-size:16px}
.muted,.ci,figcaption{color:var(--muted)}
nav a{margin-right:14px}
table{border-collapse:collapse;margin:8px 0 4px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--rule);padding:4px 8px;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--ink);font-weight:bold}
tr.group th{background:var(--shade);font-size:15px}
td.num{text-align:right;white-space:nowrap}
td.variant{white-space:nowrap}
.ci{display:block;font-size:12.5px}
.sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px;border:1px solid #0003}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:18px;align-items:start}
figure{margin:0 0 14px;max-width:1100px}
figure svg,figure .ph{display:block;width:100%;height:auto;border:1px solid var(--rule)}
.ph{background:var(--shade)}
.defs{position:absolute;width:0;height:0;overflow:hidden}
figcaption{font-size:13px;margin-top:3px}
details{margin:10px 0}
summary{cursor:pointer;font-weight:bold}
code{font-size:13px;word-break:break-all}
.warn{border-left:4px solid #D55E00;padding:6px 10px;background:#fdf1e8}
.better{color:#007A58;font-weight:bold}
.worse{color:#B34F00;font-weight:bold}
";

fn swatch(index: usize) -> String {
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>",
        variant_style(index).colour.hex()
    )
}

fn anchor(s: &str) -> String {
    super::format::file_safe(s)
}

/// `value` and, under it, small print (its 95 % confidence interval).
fn cell(value: String, ci: Option<String>) -> String {
    match ci {
        Some(ci) => format!("<td class=\"num\">{value}<span class=\"ci\">{ci}</span></td>"),
        None => format!("<td class=\"num\">{value}</td>"),
    }
}

/// Why a report shows no interval and no verdict from one replication.
const ONE_REPLICATION: &str = "1 replication: no interval; run with --replications ≥ 2";

/// The 95 % confidence interval of a KPI's mean, `low–high` (None from one replication, where
/// it is undefined). Left out when both ends read the same.
fn range(k: &KpiSummary, f: impl Fn(f64) -> String) -> Option<String> {
    let (lo, hi) = k.ci95_low.zip(k.ci95_high)?;
    let (lo, hi) = (f(lo), f(hi));
    (lo != hi).then(|| format!("{lo}–{hi}"))
}

/// Two shares as a range of percentages, `68.5–69.2 %`; None when both read the same.
fn percent_range(low: f64, high: f64) -> Option<String> {
    let (lo, hi) = (percent(low), percent(high));
    (lo != hi).then(|| format!("{}–{hi}", lo.trim_end_matches(" %")))
}

/// How often a KPI defined only in some replications was: ` · 9/20 runs`.
fn share(k: &KpiSummary, reps: u32) -> String {
    if k.n as u32 == reps {
        String::new()
    } else {
        format!(" · {}/{reps} runs", k.n)
    }
}

/// The KPI counting shortage: units, or for durables patient-days without the device.
fn shortage_kpi(p: &ProductInfo) -> &'static str {
    if p.kind == "durable" {
        "patient_days_without_device"
    } else {
        "shortage"
    }
}

/// The fill rate with its confidence interval, for a table cell.
fn fill_rate(v: &VariantData, p: &ProductInfo, place: &str) -> String {
    match v.kpi(&p.id, place, "fill_rate") {
        Some(k) => cell(
            format!("<b>{}</b>", percent(k.mean)),
            k.ci95_low
                .zip(k.ci95_high)
                .and_then(|(lo, hi)| percent_range(lo, hi.min(1.0))),
        ),
        None => cell("no demand".into(), None),
    }
}

/// The headline KPI cells of one product in one place of one variant.
fn kpi_cells(v: &VariantData, p: &ProductInfo, place: &str) -> String {
    let reps = v.manifest.replications;
    let kpi = |name: &str| v.kpi(&p.id, place, name);
    let start = v.start_date();
    let day = |d: f64| {
        let d = d.round().max(0.0) as usize;
        format!("{} (day {d})", date_of(start, d).format("%-d %b"))
    };
    let days = |k: &KpiSummary| {
        Some(format!(
            "{}{}",
            range(k, |x| format!("day {:.0}", x.max(0.0)))
                .map(|r| r.replacen("–day ", "–", 1))
                .unwrap_or_default(),
            share(k, reps)
        ))
    };
    let mut row = fill_rate(v, p, place);
    row += &match kpi(shortage_kpi(p)) {
        Some(k) => cell(si(k.mean), range(k, |x| si(x.max(0.0)))),
        None => cell("–".into(), None),
    };
    row += &match kpi("shortage_days") {
        Some(k) => cell(
            format!("{:.1}", k.mean),
            range(k, |x| format!("{:.1}", x.max(0.0))),
        ),
        None => cell("–".into(), None),
    };
    row += &match kpi("time_to_sufficiency_day") {
        Some(k) => cell(day(k.mean), days(k)),
        None => cell("not reached".into(), None),
    };
    row += &match kpi("first_stockout_day") {
        Some(k) => cell(day(k.mean), days(k)),
        None => cell("none".into(), Some(format!("in all {reps} runs"))),
    };
    row += &match v.stockout_by_end(&p.id, place) {
        Some(pr) => cell(percent(pr.p), percent_range(pr.wilson_low, pr.wilson_high)),
        None => cell("–".into(), None),
    };
    row
}

/// The full KPI table of one product: a row per place and variant.
fn kpi_table(s: &ScenarioData, p: &ProductInfo, places: &[String]) -> String {
    let many = s.variants.len() > 1;
    let mut h = String::from("<table class=\"kpi\"><thead><tr><th>Place</th>");
    if many {
        h += "<th>Variant</th>";
    }
    let short = if p.kind == "durable" {
        format!("Patient-days without a {}", p.unit)
    } else {
        format!("Shortage ({})", plural(&p.unit))
    };
    let _ = write!(
        h,
        "<th>Fill rate</th><th>{}</th><th>Shortage days</th><th>Sufficient from</th>\
         <th>First stockout</th><th>P(stockout)</th></tr></thead><tbody>",
        escape(&short)
    );
    for pl in places {
        for (i, v) in s.variants.iter().enumerate() {
            h += "<tr>";
            if i == 0 {
                let _ = write!(
                    h,
                    "<th rowspan=\"{}\">{}</th>",
                    s.variants.len(),
                    escape(&place(pl))
                );
            }
            if many {
                let _ = write!(
                    h,
                    "<td class=\"variant\">{}{}</td>",
                    swatch(i),
                    escape(v.name())
                );
            }
            h += &kpi_cells(v, p, pl);
            h += "</tr>";
        }
    }
    h += "</tbody></table>";
    h
}

/// The at-a-glance table: fill rate and shortage of each product and place, a column per
/// variant.
fn glance_table(s: &ScenarioData, products: &[&ProductInfo], places: &[String]) -> String {
    let mut h = String::from("<table class=\"glance\"><thead><tr><th>Product</th><th>Place</th>");
    for (i, v) in s.variants.iter().enumerate() {
        let _ = write!(
            h,
            "<th class=\"variant\">{}{}</th>",
            swatch(i),
            escape(v.name())
        );
    }
    h += "</tr></thead><tbody>";
    for p in products {
        for (j, pl) in places.iter().enumerate() {
            h += "<tr>";
            if j == 0 {
                let _ = write!(
                    h,
                    "<th rowspan=\"{}\"><a href=\"#product-{}\">{}</a></th>",
                    places.len(),
                    anchor(&p.id),
                    escape(&product_name(&p.id))
                );
            }
            let _ = write!(h, "<th>{}</th>", escape(&place(pl)));
            for v in &s.variants {
                let fill = fill_rate(v, p, pl);
                let short = v
                    .kpi(&p.id, pl, shortage_kpi(p))
                    .map_or(String::new(), |k| {
                        let what = if p.kind == "durable" {
                            "pt-days short"
                        } else {
                            "short"
                        };
                        format!("<span class=\"ci\">{} {what}</span>", si(k.mean))
                    });
                // Durables are never conserved: their need is their demand.
                let of_need = v
                    .kpi(&p.id, pl, "fill_rate_vs_need")
                    .filter(|_| p.kind != "durable")
                    .map_or(String::new(), |k| {
                        format!("<span class=\"ci\">{} of need</span>", percent(k.mean))
                    });
                h += &fill.replacen("</td>", &format!("{of_need}{short}</td>"), 1);
            }
            h += "</tr>";
        }
    }
    h += "</tbody></table>";
    h
}

/// A value of a KPI as it reads: a percentage, days, or a count.
fn kpi_value(kpi: &str, x: f64) -> String {
    match kpi_format(kpi) {
        YFormat::Percent => percent(x),
        YFormat::Days => format!("{x:.1}"),
        YFormat::Count => si(x),
    }
}

/// A difference of a KPI with its sign: percentage points, days, or a count.
fn kpi_difference(kpi: &str, d: f64) -> String {
    match kpi_format(kpi) {
        YFormat::Percent => format!("{:+.1}", d * 100.0),
        YFormat::Days => format!("{d:+.1}"),
        YFormat::Count if d > 0.0 => format!("+{}", si(d)),
        YFormat::Count => si(d),
    }
}

/// The KPIs the comparison section reports for a product, and whether higher is better.
fn compared_kpis(p: &ProductInfo) -> [(&'static str, bool); 4] {
    [
        ("fill_rate", true),
        (shortage_kpi(p), false),
        ("shortage_days", false),
        ("lead_time_mean_days", false),
    ]
}

/// One paired difference in words: `fill rate +4.2 points (95 % CI +3.1 to +5.3) vs base`, or
/// `(no interval: 1 replication)`.
fn difference_words(r: &Paired, p: &ProductInfo) -> String {
    let unit = match kpi_format(&r.kpi) {
        YFormat::Percent => " points".to_string(),
        YFormat::Days => " days".to_string(),
        YFormat::Count if r.kpi == "patient_days_without_device" => String::new(),
        YFormat::Count => format!(" {}", plural(&p.unit)),
    };
    let interval = r
        .ci95()
        .map_or("no interval: 1 replication".to_string(), |i| {
            format!(
                "95 % CI {} to {}",
                kpi_difference(&r.kpi, i.low),
                kpi_difference(&r.kpi, i.high)
            )
        });
    format!(
        "{} {}{unit} ({interval}) vs {}",
        kpi_words(&r.kpi),
        kpi_difference(&r.kpi, r.mean_diff),
        r.baseline
    )
}

/// The comparison section: per product, national first, each variant's headline KPIs against
/// the baseline, flagged where the interval of the difference excludes zero: the 95 % one for
/// a single variant, the Bonferroni-adjusted one when several are compared. From one
/// replication there is no interval and no verdict.
fn comparison_section(s: &ScenarioData, rows: &[Paired], places: &[String]) -> String {
    let adjusted = rows
        .iter()
        .any(|r| r.adjusted_low != r.ci95_low || r.adjusted_high != r.ci95_high);
    let baseline = rows.first().map_or("the baseline", |r| r.baseline.as_str());
    let mut h =
        String::from("<section id=\"comparison\">\n<h2>Variants against the baseline</h2>\n");
    let _ = writeln!(
        h,
        "<p class=\"muted\">Paired differences (variant − {}) over the same random numbers, \
         with their 95 % confidence interval{}. <span class=\"better\">Better</span> or \
         <span class=\"worse\">worse</span> marks a difference whose interval{} excludes \
         zero; otherwise the runs cannot tell the two apart. Fill rates differ in percentage \
         points. Correlation: how closely the paired runs moved together (common random \
         numbers).</p>",
        escape(baseline),
        if adjusted {
            " and, for several variants at once, the Bonferroni-adjusted interval"
        } else {
            ""
        },
        if adjusted { " (the adjusted one)" } else { "" }
    );
    if rows.iter().any(|r| r.ci95().is_none()) {
        let _ = writeln!(h, "<p class=\"warn\">{ONE_REPLICATION}.</p>");
    }
    let mut variants: Vec<&str> = Vec::new();
    for r in rows {
        if !variants.contains(&r.variant.as_str()) {
            variants.push(&r.variant);
        }
    }
    for p in s.products() {
        let _ = write!(
            h,
            "<h3>{}</h3>\n<table class=\"comparison\"><thead><tr><th>Place</th><th>Variant</th>\
             <th>Baseline</th><th>Variant</th><th>Difference</th>{}<th>Correlation</th>\
             <th></th></tr></thead><tbody>",
            escape(&product_name(&p.id)),
            if adjusted {
                "<th>Bonferroni 95 % CI</th>"
            } else {
                ""
            }
        );
        for pl in places {
            for v in &variants {
                for (kpi, higher_better) in compared_kpis(p) {
                    let Some(r) = rows.iter().find(|r| {
                        r.variant == *v && r.product == p.id && &r.region == pl && r.kpi == kpi
                    }) else {
                        continue;
                    };
                    let index = s.variant_index(v).unwrap_or(0);
                    let said = r.verdict(higher_better);
                    let class = match said {
                        Verdict::Better => "better",
                        Verdict::Worse => "worse",
                        Verdict::NoClearDifference | Verdict::NotAvailable => "muted",
                    };
                    let verdict = format!("<span class=\"{class}\">{}</span>", said.words());
                    let _ = write!(
                        h,
                        "<tr><th>{}</th><td class=\"variant\">{}{}</td><td class=\"num\">{}</td>\
                         <td class=\"num\">{}</td><td>{}</td>",
                        escape(&place(pl)),
                        swatch(index),
                        escape(v),
                        kpi_value(kpi, r.mean_baseline),
                        kpi_value(kpi, r.mean_variant),
                        escape(&difference_words(r, p))
                    );
                    if adjusted {
                        let _ = write!(
                            h,
                            "<td class=\"num\">{}</td>",
                            r.adjusted().map_or("n/a".to_string(), |i| format!(
                                "{} to {}",
                                kpi_difference(kpi, i.low),
                                kpi_difference(kpi, i.high)
                            ))
                        );
                    }
                    let _ = write!(
                        h,
                        "<td class=\"num\">{}</td><td>{verdict}</td></tr>",
                        r.correlation.map_or("–".to_string(), |c| format!("{c:.2}"))
                    );
                }
            }
        }
        h += "</tbody></table>\n";
    }
    h += "<p class=\"muted\">From <code>comparison.json</code> (every KPI and region is in it, \
          and in <code>comparison.csv</code>).</p>\n</section>\n";
    h
}

/// A chart's SVG as inlined: without its namespace declaration, which inline SVG does not
/// need (without it the page names no URL at all).
fn inline_svg(r: &Rendered) -> String {
    r.svg
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

/// Charts as figures in one packed block (`<div class="row">` side by side, or a plain
/// `<div>`): their SVG, compacted with the page's shared classes and elements, is packed
/// together, and each figure holds a placeholder of the chart's size and its caption.
fn figures(svg: &mut Compactor, class: Option<&str>, rs: &[&Rendered]) -> String {
    let mut charts = String::new();
    let mut figs = String::new();
    for r in rs {
        let inline = inline_svg(r);
        charts += &svg.compact(&inline);
        let _ = write!(
            figs,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            pack::chart_placeholder(&inline),
            escape(&format!("File: {} (and .png)", r.file))
        );
    }
    let class = class.map_or(String::new(), |c| format!(" class=\"{c}\""));
    format!("<div{class}{}>{figs}</div>", pack::attribute(&charts))
}

/// The report page.
pub fn html(s: &ScenarioData, rendered: &[Rendered]) -> String {
    let first = &s.variants[0];
    let start = first.start_date();
    let days = first.days();
    let products: Vec<&ProductInfo> = s.products().iter().collect();
    let places = first.places();
    let mut svg = Compactor::new();
    for r in rendered {
        svg.survey(&inline_svg(r));
    }
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — medsupply report</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <noscript><p class=\"warn\">{cannot}</p></noscript>\n\
         <p class=\"warn\" id=\"unpack\" hidden>{cannot}</p>\n",
        escape(&s.name),
        cannot = pack::CANNOT_UNPACK
    );
    let _ = write!(
        h,
        "<header>\n<h1>{}: medical supplies against demand</h1>\n<p class=\"lede\">{} from {} to {} ({days} days); {}. Places shown: {}.</p>\n",
        escape(&s.name),
        if s.variants.len() > 1 {
            format!(
                "{} policy variants ({})",
                s.variants.len(),
                s.variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("{}{}", swatch(i), escape(v.name())))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!("Variant {}", escape(first.name()))
        },
        long_date(start),
        long_date(date_of(start, days - 1)),
        {
            let reps: Vec<u32> = s.variants.iter().map(|v| v.manifest.replications).collect();
            if reps.iter().all(|&r| r == reps[0]) {
                format!(
                    "{} replications{}",
                    reps[0],
                    if reps.len() > 1 { " each" } else { "" }
                )
            } else {
                format!(
                    "{} replications",
                    reps.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join("/")
                )
            }
        },
        places
            .iter()
            .map(|p| escape(&place(p)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    h += "<p class=\"muted\">How to read: chart lines are means across replications and shading \
          the 5th–95th percentile (the range of plausible outcomes); table intervals are 95 % \
          confidence intervals of the mean (Wilson intervals for probabilities). Each variant \
          keeps its colour in every chart and table.</p>\n";
    if s.variants.iter().any(|v| v.manifest.replications < 2) {
        let _ = writeln!(
            h,
            "<p class=\"warn\">{ONE_REPLICATION} for confidence intervals, bands and \
             verdicts. The figures below are those of a single run.</p>"
        );
    }
    h += "<nav><b>Contents:</b> <a href=\"#glance\">At a glance</a>";
    if s.comparison.is_some() {
        h += "<a href=\"#comparison\">Variants against the baseline</a>";
    }
    let sweep: Vec<&Rendered> = rendered
        .iter()
        .filter(|r| r.chart.kind == ChartKind::Sweep)
        .collect();
    if !sweep.is_empty() {
        h += "<a href=\"#sweep\">Sweep</a>";
    }
    let maps: Vec<&Rendered> = rendered
        .iter()
        .filter(|r| r.chart.kind == ChartKind::Map)
        .collect();
    if !maps.is_empty() {
        h += "<a href=\"#map\">Where need was met</a>";
    }
    let census: Vec<&Rendered> = rendered
        .iter()
        .filter(|r| r.chart.kind == ChartKind::Census)
        .collect();
    if !census.is_empty() {
        h += "<a href=\"#census\">Patients in care</a>";
    }
    for p in &products {
        let _ = write!(
            h,
            "<a href=\"#product-{}\">{}</a>",
            anchor(&p.id),
            escape(&product_name(&p.id))
        );
    }
    h += "<a href=\"#provenance\">Provenance</a></nav>\n</header>\n";
    let hashes: Vec<&str> = s
        .variants
        .iter()
        .map(|v| v.manifest.scenario_hash.as_str())
        .collect();
    if hashes.iter().any(|x| *x != hashes[0]) {
        h += "<p class=\"warn\">The variants in this directory come from different versions of \
              the scenario file (their scenario hashes differ: see Provenance). Re-run them \
              together before comparing.</p>\n";
    }

    h += "<section id=\"glance\">\n<h2>At a glance</h2>\n<p class=\"muted\">Fill rate \
          (demand met ÷ demand over the horizon) with its 95 % confidence interval, the share \
          of need met (need: use at normal burn rates, before conservation cuts), and the mean \
          shortage. Each product's section has the full table.</p>\n";
    h += &glance_table(s, &products, &places);
    h += "</section>\n";
    if !maps.is_empty() {
        h += "<section id=\"map\">\n<h2>Where need was met</h2>\n<p class=\"muted\">Each \
              region with coordinates is a dot at them, coloured by the share of its need \
              delivered (means across replications), over the horizon and in the week of the \
              largest national need; with several variants, two maps per variant on one colour \
              scale. Arrows on the maps over the horizon are the largest flows between regions, \
              their width proportional to the units shipped. The coordinates are in each \
              variant's <code>regions.csv</code>, the flows in its <code>flows.csv</code>.</p>\n";
        for r in &maps {
            let _ = writeln!(h, "<h3>{}</h3>", escape(&product_name(&r.chart.product)));
            h += &figures(&mut svg, None, &[r]);
        }
        h += "</section>\n";
    }
    if let Some(rows) = &s.comparison {
        h += &comparison_section(s, rows, &places);
    }
    if let Some(sw) = s.sweep.as_ref().filter(|_| !sweep.is_empty()) {
        let _ = write!(
            h,
            "<section id=\"sweep\">\n<h2>Sweep</h2>\n<p class=\"muted\">Each chart shows the \
             {} in the national total at each value of <code>{}</code>: dots are means across \
             replications, bars their 95 % confidence intervals; one line per combination of \
             the other swept parameters. The numbers are in <code>sweep.csv</code>.</p>\n",
            escape(&kpi_words(&sw.kpi)),
            escape(sw.parameters.first().map_or("", String::as_str))
        );
        h += &figures(&mut svg, Some("row"), &sweep);
        h += "\n</section>\n";
    }

    if !census.is_empty() {
        h += "<section id=\"census\">\n<h2>Patients in care</h2>\n<p class=\"muted\">The census \
              that drives the hospitals' demand (their share of the region's epidemic, or their \
              CSV series), by severity class: lines are means across replications, shading the \
              5th–95th percentile, which carries the epidemic's uncertainty where the scenario \
              draws its parameters. The numbers are in <code>census.csv</code>.</p>\n";
        for pl in &places {
            let figs: Vec<&Rendered> = census
                .iter()
                .filter(|r| &r.chart.place == pl)
                .copied()
                .collect();
            if figs.is_empty() {
                continue;
            }
            let _ = writeln!(h, "<h3>{}</h3>", escape(&place(pl)));
            h += &figures(&mut svg, Some("row"), &figs);
            h += "\n";
        }
        h += "</section>\n";
    }

    let order = [
        (ChartKind::SupplyDemand, "Supply against demand"),
        (ChartKind::Shortage, "Shortage"),
        (ChartKind::Stock, "Stock and days of supply"),
        (
            ChartKind::Production,
            "Production, capacity and workers back",
        ),
        (ChartKind::Stockout, "Probability of a stockout"),
    ];
    for p in &products {
        let _ = write!(
            h,
            "<section id=\"product-{}\">\n<h2>{}</h2>\n",
            anchor(&p.id),
            escape(&product_name(&p.id))
        );
        h += &kpi_table(s, p, &places);
        h += KPI_NOTE;
        for pl in &places {
            let _ = writeln!(
                h,
                "<h3>{}, {}</h3>",
                escape(&product_name(&p.id)),
                escape(&place(pl))
            );
            let mine = |kind: ChartKind| {
                rendered.iter().filter(move |r| {
                    r.chart.kind == kind && r.chart.product == p.id && &r.chart.place == pl
                })
            };
            for r in mine(ChartKind::VariantOverlay) {
                h += "<h4>Variants compared</h4>\n";
                h += &figures(&mut svg, None, &[r]);
            }
            for (kind, heading) in order {
                let figs: Vec<&Rendered> = mine(kind).collect();
                if figs.is_empty() {
                    continue;
                }
                let _ = writeln!(h, "<h4>{heading}</h4>");
                h += &figures(&mut svg, Some("row"), &figs);
                h += "\n";
            }
        }
        let others: Vec<String> = first
            .kpi_places()
            .into_iter()
            .filter(|x| !places.contains(x))
            .collect();
        if !others.is_empty() {
            // Packed: a row per region and variant, the bulk of the page's text.
            let _ = write!(
                h,
                "<details{}><summary>{} in every other region ({})</summary>\n\
                 <p class=\"ph muted\">The table is unpacked when opened.</p></details>\n",
                pack::attribute(&kpi_table(s, p, &others)),
                escape(&product_name(&p.id)),
                others.len()
            );
        }
        h += "</section>\n";
    }

    h += "<section id=\"provenance\">\n<h2>Provenance</h2>\n<table><thead><tr><th>Field</th>";
    for (i, v) in s.variants.iter().enumerate() {
        let _ = write!(h, "<th>{}{}</th>", swatch(i), escape(v.name()));
    }
    h += "</tr></thead><tbody>";
    let fields: [ManifestField; 13] = [
        ("Program", &|v| {
            format!("{} {}", v.manifest.program, v.manifest.version)
        }),
        ("Scenario", &|v| v.manifest.scenario.clone()),
        ("Variant", &|v| v.manifest.variant.clone()),
        ("Scenario hash (SHA-256)", &|v| {
            v.manifest.scenario_hash.clone()
        }),
        ("Seed", &|v| v.manifest.seed.to_string()),
        ("Replications", &|v| v.manifest.replications.to_string()),
        ("Random generator", &|v| v.manifest.generator.clone()),
        ("Start date", &|v| v.manifest.start_date.clone()),
        ("Days", &|v| v.manifest.days.to_string()),
        ("Ticks per day", &|v| v.manifest.ticks_per_day.to_string()),
        ("Output schema", &|v| v.manifest.schema_version.to_string()),
        ("Regions of interest", &|v| {
            v.manifest.regions_of_interest.join(", ")
        }),
        ("Products", &|v| {
            v.manifest
                .products
                .iter()
                .map(|p| format!("{} ({}, {})", p.id, p.unit, p.kind))
                .collect::<Vec<_>>()
                .join(", ")
        }),
    ];
    for (name, f) in fields {
        let _ = write!(h, "<tr><th>{name}</th>");
        for v in &s.variants {
            let _ = write!(h, "<td><code>{}</code></td>", escape(&f(v)));
        }
        h += "</tr>";
    }
    h += "</tbody></table>\n<p class=\"muted\">Drawn from the saved outputs of each variant \
          (<code>manifest.json</code>, <code>summary.json</code>, <code>timeseries.csv</code>); \
          <code>medsupply plot</code> re-draws this page and the chart files (SVG and PNG, in \
          each variant's <code>plots/</code> and, across variants, in this directory's \
          <code>plots/</code>) without re-running the simulation.</p>\n</section>\n";
    let _ = write!(
        h,
        "<footer class=\"muted\"><p>medsupply {} · charts set in DejaVu Sans (bundled) · \
         palette: Okabe–Ito.</p></footer>\n<script>\n{}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        pack::SCRIPT
    );
    // The charts' classes, known once every chart is on the page, go into the head's style.
    let head_end = h.find("</style>").expect("the head has a style");
    h.insert_str(head_end, &svg.css());
    // So do the elements they share, which every chart needs: first in the body.
    let defs = svg.defs();
    if !defs.is_empty() {
        let body = h.find("<body>\n").expect("the page has a body") + "<body>\n".len();
        h.insert_str(
            body,
            &format!(
                "<div class=\"defs\"{}><i class=\"ph\"></i></div>\n",
                pack::attribute(&defs)
            ),
        );
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::charts::{overlay_charts, tests::scenario, variant_charts};

    fn rendered(s: &ScenarioData) -> Vec<Rendered> {
        let mut charts: Vec<_> = (0..s.variants.len())
            .flat_map(|i| variant_charts(s, i))
            .collect();
        charts.extend(overlay_charts(s));
        charts
            .into_iter()
            .map(|chart| Rendered {
                svg: format!("<svg><title>{}</title></svg>", escape(&chart.title)),
                file: format!("plots/{}.svg", chart.file_stem),
                written: true,
                chart,
            })
            .collect()
    }

    #[test]
    fn the_report_holds_tables_charts_side_by_side_and_provenance() {
        let s = scenario(&["base", "slow"]);
        let r = rendered(&s);
        let page = html(&s, &r);
        assert_eq!(page.matches("<svg").count(), 0, "every chart packed");
        assert_eq!(page.matches("<figure>").count(), r.len());
        let unpacked = pack::unpack_all(&page).concat();
        assert_eq!(unpacked.matches("<svg").count(), r.len());
        for c in &r {
            let title = format!("<title>{}</title>", escape(&c.chart.title));
            assert!(unpacked.contains(&title), "{title} is packed");
        }
        assert!(page.contains("<h2>At a glance</h2>"));
        assert!(page.contains("<h2>Surgical mask</h2>") && page.contains("<h2>Ventilator</h2>"));
        assert!(page.contains("<h3>Surgical mask, Hubei</h3>"));
        assert!(page.contains("<h4>Variants compared</h4>"));
        // Per product and place one row per chart kind, plus one census row per place.
        assert_eq!(
            page.matches("<div class=\"row\" data-z=\"").count(),
            2 * 2 * 4 + 2 + 2
        );
        assert!(page.contains("<h2>Patients in care</h2>"));
        assert!(page.contains("Scenario hash (SHA-256)"));
        assert!(page.contains("#0072B2") && page.contains("#D55E00"));
        assert!(
            page.contains("<span class=\"ci\">39k–41k</span>"),
            "shortage with its CI"
        );
        assert!(page.contains("<table class=\"glance\">"));
        assert_eq!(
            page.matches("<table class=\"kpi\">").count(),
            2,
            "one per product"
        );
        assert!(page.contains("40k short"));
        assert_eq!(page.matches("<script>").count(), 1, "one inline script");
        assert!(page.contains(&format!("<script>\n{}</script>", pack::SCRIPT)));
        assert!(!page.contains("src=") && !page.contains("url("));
        assert_eq!(
            page.matches(pack::CANNOT_UNPACK).count(),
            2,
            "said without scripts and without DecompressionStream"
        );
        assert!(!page.contains("http"), "no external references");
        assert_eq!(
            page.matches("warn\"").count(),
            2,
            "no warning but the hidden one about unpacking"
        );
    }

    fn paired(variant: &str, kpi: &str, diff: f64, low: f64, high: f64) -> Paired {
        Paired {
            variant: variant.into(),
            baseline: "base".into(),
            kpi: kpi.into(),
            product: "surgical_mask".into(),
            region: "national".into(),
            n: 20,
            mean_variant: 0.9 + diff,
            mean_baseline: 0.9,
            mean_diff: diff,
            ci95_low: Some(low),
            ci95_high: Some(high),
            adjusted_low: Some(low),
            adjusted_high: Some(high),
            correlation: Some(0.8),
        }
    }

    #[test]
    fn several_variants_are_judged_by_the_adjusted_interval() {
        let mut s = scenario(&["base", "slow", "fast"]);
        let mut slow = paired("slow", "fill_rate", -0.042, -0.053, -0.031);
        // Clear at 95 %, but the Bonferroni interval holds zero: no verdict of worse.
        (slow.adjusted_low, slow.adjusted_high) = (Some(-0.06), Some(0.004));
        let mut fast = paired("fast", "fill_rate", 0.05, 0.03, 0.07);
        (fast.adjusted_low, fast.adjusted_high) = (Some(0.02), Some(0.08));
        s.comparison = Some(vec![slow, fast]);
        let page = html(&s, &rendered(&s));
        assert!(page.contains("Bonferroni 95 % CI"));
        assert!(page.contains("-6.0 to +0.4"));
        assert_eq!(
            page.matches("<span class=\"worse\">Worse</span>").count(),
            0
        );
        assert_eq!(page.matches("no clear difference</span>").count(), 1);
        assert_eq!(
            page.matches("<span class=\"better\">Better</span>").count(),
            2,
            "the legend and the fast variant"
        );
    }

    #[test]
    fn one_replication_shows_no_interval_and_no_verdict_and_says_why() {
        let mut s = scenario(&["base", "slow"]);
        for v in &mut s.variants {
            v.manifest.replications = 1;
            for k in &mut v.summary.kpis {
                k.n = 1;
                (k.ci95_low, k.ci95_high) = (None, None);
            }
        }
        let mut row = paired("slow", "fill_rate", -0.042, 0.0, 0.0);
        row.n = 1;
        (row.ci95_low, row.ci95_high) = (None, None);
        (row.adjusted_low, row.adjusted_high) = (None, None);
        s.comparison = Some(vec![row]);
        let page = html(&s, &rendered(&s));
        assert!(page.contains(
            "<p class=\"warn\">1 replication: no interval; run with --replications ≥ 2 for \
             confidence intervals"
        ));
        assert!(page.contains("fill rate -4.2 points (no interval: 1 replication) vs base"));
        assert!(page.contains("<span class=\"muted\">n/a: 1 replication</span>"));
        assert!(!page.contains("<span class=\"worse\">Worse") && !page.contains("39k–41k"));
        assert!(!page.contains("95 % CI -"), "no interval is printed");
    }

    #[test]
    fn the_comparison_reads_as_differences_flagged_when_clear() {
        let mut s = scenario(&["base", "slow"]);
        s.comparison = Some(vec![
            paired("slow", "fill_rate", -0.042, -0.053, -0.031),
            paired("slow", "shortage_days", 0.5, -0.2, 1.2),
        ]);
        let page = html(&s, &rendered(&s));
        assert!(page.contains("<section id=\"comparison\">"));
        assert!(page.contains("href=\"#comparison\""));
        assert!(
            page.contains("fill rate -4.2 points (95 % CI -5.3 to -3.1) vs base"),
            "planner wording"
        );
        assert!(page.contains("days with a shortage +0.5 days (95 % CI -0.2 to +1.2) vs base"));
        assert_eq!(
            page.matches("<span class=\"worse\">Worse</span>").count(),
            1
        );
        assert_eq!(page.matches("no clear difference</span>").count(), 1);
        assert!(page.contains("<td class=\"num\">90 %</td><td class=\"num\">85.8 %</td>"));
        assert!(page.contains("<td class=\"num\">0.80</td>"));
        assert!(
            !page.contains("Bonferroni 95 % CI"),
            "one variant: no adjusted column"
        );
        assert!(!page.contains("id=\"sweep\""));
    }

    #[test]
    fn the_tables_of_every_other_region_are_packed_in_their_details() {
        let mut s = scenario(&["base", "slow"]);
        for v in &mut s.variants {
            let mut k = v.summary.kpis[0].clone();
            k.region = "Guangdong".into();
            v.summary.kpis.push(k);
        }
        let page = html(&s, &rendered(&s));
        let details = &page[page.find("<details").expect("a details")..];
        let details = &details[..details.find("</details>").expect("closed")];
        assert!(details.contains("every other region (1)</summary>"));
        assert!(!details.contains("<table"), "the table is packed");
        let tables: Vec<String> = pack::unpack_all(details);
        assert_eq!(tables.len(), 1);
        assert!(tables[0].starts_with("<table class=\"kpi\">"));
        assert!(tables[0].contains("<th rowspan=\"2\">Guangdong</th>"));
        assert!(tables[0].contains("<span class=\"ci\">39k–41k</span>"));
    }

    #[test]
    fn mixed_scenario_versions_are_flagged() {
        let mut s = scenario(&["base", "slow"]);
        s.variants[1].manifest.scenario_hash = "other".into();
        let page = html(&s, &rendered(&s));
        assert!(page.contains("different versions of the scenario file"));
    }
}
