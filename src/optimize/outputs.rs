//! The optimisation's files in `OUT/<scenario>/optimization/`: `optimization.csv` (every
//! candidate), `best.toml` (the choice as a `[[variant]]` block), `progress.{svg,png}` (the
//! best mean by simulations spent), `pareto.{svg,png}` (with two objectives) and
//! `report.html`, each written whole or not at all (docs/optimize.md).

use super::{Candidate, Optimization, OptimizeOptions, Outcome};
use crate::calibrate::report::command_line;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::output::num;
use crate::plots::chart::{
    Chart, ChartKind, Dash, LineStyle, Marker, Panel, Series, XAxis, YFormat, okabe_ito,
};
use crate::plots::write_charts;
use crate::scenario::ScenarioFile;
use crate::stats::t_half_width;
use crate::util::atomic::atomic_write;
use std::io::Write;
use std::path::Path;

/// Height of a chart's panel, pixels.
const HEIGHT: u32 = 320;
/// Tick labels on a chart's x axis, about.
const TICKS: usize = 8;

/// `x` in few characters, for people (CSV cells keep every digit).
pub fn short(x: f64) -> String {
    format!("{x:.4e}")
        .parse::<f64>()
        .map_or_else(|_| x.to_string(), |v| v.to_string())
}

/// The mean of `values` and its 95 % t interval (the mean itself at both ends from one value).
pub fn interval(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = if n > 1 {
        (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let half = t_half_width(sd, n, 0.05).unwrap_or(0.0);
    (mean, mean - half, mean + half)
}

/// Writes every file of `opt` into `dir` (the caller holds the scenario directory's lock).
pub fn write(
    opt: &Optimization,
    dir: &Path,
    base: &Model,
    file: &ScenarioFile,
    options: &OptimizeOptions,
    seed: u64,
    replications: u32,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    atomic_write(&dir.join("optimization.csv"), |w| optimization_csv(opt, w))?;
    let best = best_toml(opt, file, options, seed);
    atomic_write(&dir.join("best.toml"), |w| w.write_all(best.as_bytes()))?;
    let charts = if options.study.plots {
        charts(opt, &base.name, replications)
    } else {
        Vec::new()
    };
    // A Pareto chart of an earlier run with two objectives, or every chart under --no-plots,
    // goes.
    write_charts(dir, &charts, &mut |name, bytes| {
        atomic_write(&dir.join(name), |w| w.write_all(bytes))
    })?;
    let html = report_html(opt, &base.name, options, &charts);
    atomic_write(&dir.join("report.html"), |w| w.write_all(html.as_bytes()))
}

/// `optimization.csv`: every candidate, the search's in evaluation order, then the
/// selection's.
fn optimization_csv(opt: &Optimization, w: &mut dyn Write) -> std::io::Result<()> {
    let p = &opt.problem;
    let mut c = csv::Writer::from_writer(w);
    let mut header = vec!["index".to_string(), "stage".to_string()];
    header.extend(p.decisions.iter().map(|d| d.path().to_string()));
    if p.cost.is_some() {
        header.push("cost".into());
    }
    header.extend(["first_replication".into(), "replications".into()]);
    for o in &p.objectives {
        for what in ["mean", "ci_low", "ci_high"] {
            header.push(format!("{}_{what}", o.measure.label));
        }
    }
    header.extend(
        p.constraints
            .iter()
            .map(|k| format!("{}_mean", k.measure.label)),
    );
    header.extend(["feasible".into(), "outcome".into()]);
    if p.objectives.len() == 2 {
        header.push("pareto".into());
    }
    c.write_record(&header)?;
    for (i, cand) in opt.candidates.iter().enumerate() {
        let mut row = vec![i.to_string(), stage(cand)];
        row.extend(p.decisions.iter().zip(&cand.point).map(|(d, &x)| d.show(x)));
        if let Some(cost) = &p.cost {
            row.push(num(cost.of(&cand.point)));
        }
        let ran = cand.replications() > 0;
        row.push(if ran {
            cand.first_rep.to_string()
        } else {
            String::new()
        });
        row.push(cand.replications().to_string());
        let blank = |row: &mut Vec<String>, n: usize| row.extend((0..n).map(|_| String::new()));
        for m in 0..p.objectives.len() {
            if ran {
                let (mean, low, high) = interval(&cand.values[m]);
                row.extend([num(mean), num(low), num(high)]);
            } else {
                blank(&mut row, 3);
            }
        }
        for k in 0..p.constraints.len() {
            if ran {
                row.push(num(cand.mean(p.objectives.len() + k)));
            } else {
                blank(&mut row, 1);
            }
        }
        row.push((ran && opt.feasible(cand)).to_string());
        row.push(cand.outcome.words());
        if p.objectives.len() == 2 {
            row.push(opt.pareto.contains(&i).to_string());
        }
        c.write_record(&row)?;
    }
    c.flush()
}

/// A candidate's stage: `search-G` (its generation) or `selection`.
fn stage(c: &Candidate) -> String {
    match c.generation {
        Some(g) => format!("search-{g}"),
        None => "selection".into(),
    }
}

/// `best.toml`: the choice as a `[[variant]]` block to paste into the scenario, with what it
/// measured and its guarantee in comments.
fn best_toml(
    opt: &Optimization,
    file: &ScenarioFile,
    options: &OptimizeOptions,
    seed: u64,
) -> String {
    let best = &opt.candidates[opt.selected];
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut t = format!(
        "# Chosen by `medsupply optimize` ({}), seed {seed}:\n",
        env!("CARGO_PKG_VERSION")
    );
    for (m, o) in opt.problem.objectives.iter().enumerate() {
        let (mean, low, high) = interval(&best.values[m]);
        t += &format!(
            "# {} = {} (95 % CI {} to {}) over {} replication(s)\n",
            o.measure.label,
            short(mean),
            short(low),
            short(high),
            best.replications()
        );
    }
    t += &format!("# {}\n", opt.guarantee());
    t += &format!(
        "[[variant]]\nname = \"optimized\"\ndescription = {}\n\n[variant.set]\n",
        quote(&format!(
            "Optimised for {}",
            opt.problem.objectives[0].measure.label
        ))
    );
    if let Some(v) = &options.variant {
        t += &format!("# From variant `{v}`:\n");
        for (path, value) in file.variant_set(v).unwrap_or_default() {
            if !opt.problem.decisions.iter().any(|d| d.path() == path) {
                t += &format!("{} = {value}\n", quote(&path));
            }
        }
    }
    for (d, &x) in opt.problem.decisions.iter().zip(&best.point) {
        t += &format!("{} = {}\n", quote(d.path()), d.toml(x));
    }
    t
}

/// Tick labels for points at `at`: about [`TICKS`] of them, the others blank.
fn ticks(at: &[f64]) -> Vec<String> {
    let every = at.len().div_ceil(TICKS).max(1);
    at.iter()
        .enumerate()
        .map(|(i, &x)| {
            if i % every == 0 {
                short(x)
            } else {
                String::new()
            }
        })
        .collect()
}

/// The progress chart and, with two objectives, the Pareto front.
fn charts(opt: &Optimization, scenario: &str, replications: u32) -> Vec<Chart> {
    let style = LineStyle::new(okabe_ito::BLUE, Dash::Solid, Marker::Circle);
    let o = &opt.problem.objectives[0];
    let at: Vec<f64> = opt.progress.iter().map(|p| p.0 as f64).collect();
    let mut panel = Panel::new(o.measure.label.clone(), YFormat::Count, HEIGHT);
    panel.series.push(Series {
        label: "Best mean so far (search), best mean left (selection)".into(),
        style,
        values: opt.progress.iter().map(|p| p.1).collect(),
        band: None,
    });
    let method = if opt.searched {
        format!("CMA-ES, {replications} replication(s) per candidate, then KN")
    } else {
        "KN on every candidate".into()
    };
    let mut out = vec![Chart {
        kind: ChartKind::Sweep,
        product: String::new(),
        place: String::new(),
        variant: None,
        file_stem: "progress".into(),
        title: format!("Optimisation progress: {}", o.measure.label),
        subtitle: format!("Scenario {scenario} · {method}"),
        tag: None,
        x_axis: XAxis::Points {
            labels: ticks(&at),
            at,
        },
        x_label: "simulations (candidate replications) spent".into(),
        panels: vec![panel.fit()],
        map: None,
    }];
    if opt.problem.objectives.len() == 2 {
        let o2 = &opt.problem.objectives[1];
        let mut front: Vec<(f64, f64)> = opt
            .pareto
            .iter()
            .map(|&i| (opt.candidates[i].mean(0), opt.candidates[i].mean(1)))
            .collect();
        front.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let at: Vec<f64> = front.iter().map(|p| p.0).collect();
        let mut panel = Panel::new(o2.measure.label.clone(), YFormat::Count, HEIGHT);
        panel.series.push(Series {
            label: "Non-dominated candidates (means)".into(),
            style,
            values: front.iter().map(|p| p.1).collect(),
            band: None,
        });
        out.push(Chart {
            kind: ChartKind::Sweep,
            product: String::new(),
            place: String::new(),
            variant: None,
            file_stem: "pareto".into(),
            title: format!(
                "Pareto front: {} against {}",
                o2.measure.label, o.measure.label
            ),
            subtitle: format!("Scenario {scenario} · every feasible candidate evaluated"),
            tag: None,
            x_axis: XAxis::Points {
                labels: ticks(&at),
                at,
            },
            x_label: o.measure.label.clone(),
            panels: vec![panel.fit()],
            map: None,
        });
    }
    out
}

/// `s` safe in HTML text.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `report.html`: the question, the choice and its guarantee, the charts, and the
/// selection's candidates.
fn report_html(
    opt: &Optimization,
    scenario: &str,
    options: &OptimizeOptions,
    charts: &[Chart],
) -> String {
    let p = &opt.problem;
    let best = &opt.candidates[opt.selected];
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Optimisation: {s}</title>\n\
         <style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}}\
         table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}img{{max-width:100%}}.muted{{color:#666}}</style></head><body>\n\
         <h1>Optimisation: {s}</h1>\n",
        s = escape(scenario)
    );
    if !options.command.is_empty() {
        h += &format!(
            "<p class=\"muted\"><code>{}</code></p>\n",
            escape(&command_line(&options.command))
        );
    }
    h += "<h2>Choice</h2>\n<table><tr><th>parameter</th><th>value</th></tr>\n";
    for (d, &x) in p.decisions.iter().zip(&best.point) {
        h += &format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            escape(d.path()),
            escape(&d.show(x))
        );
    }
    h += "</table>\n<p>";
    for (m, o) in p.objectives.iter().enumerate() {
        let (mean, low, high) = interval(&best.values[m]);
        h += &format!(
            "{}: <b>{}</b> (95 % CI {} to {}, {} replications). ",
            escape(&o.measure.label),
            short(mean),
            short(low),
            short(high),
            best.replications()
        );
    }
    h += &format!("</p>\n<p>{}.</p>\n", escape(&opt.guarantee()));
    if !p.constraints.is_empty() {
        h += "<p class=\"muted\">Constraints are judged on the mean: a finalist whose first-stage mean breaks one leaves the selection.</p>\n";
    }
    for chart in charts {
        h += &format!(
            "<figure><img src=\"{}.svg\" alt=\"{}\"></figure>\n",
            chart.file_stem,
            escape(&chart.title)
        );
    }
    h += "<h2>Selection</h2>\n<table><tr><th>candidate</th><th>replications</th><th>mean</th><th>95 % CI</th><th>outcome</th></tr>\n";
    for c in opt
        .candidates
        .iter()
        .filter(|c| c.generation.is_none() && c.outcome != Outcome::OverBudget)
    {
        let point: Vec<String> = p
            .decisions
            .iter()
            .zip(&c.point)
            .map(|(d, &x)| d.show(x))
            .collect();
        let (mean, low, high) = interval(&c.values[0]);
        h += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} to {}</td><td>{}</td></tr>\n",
            escape(&point.join(", ")),
            c.replications(),
            short(mean),
            short(low),
            short(high),
            escape(&c.outcome.words())
        );
    }
    h += "</table>\n<p class=\"muted\">Every candidate, with its replications, mean and interval: optimization.csv. The choice as a variant: best.toml.</p>\n</body></html>\n";
    h
}
