//! Plots and report.html: drawn by `run` (not with `--no-plots`, which leaves the tabular
//! outputs unchanged), byte-identical across runs, re-drawn identically by `plot` from the
//! saved files alone, refused with exit 2 when those files are missing or corrupt, rendered by
//! a real browser (headless Chromium) into a non-blank page with every chart (unpacked by the
//! page's script) and table, and a few megabytes for a shipped national run of every variant.

use crate::{assert_same_files, files_under, ids, medsupply, minimal, minimal_toml, root, run_ok};
use medsupply::plots::map::{SCALE_STEPS, colour_of};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Replications per run: enough for bands, few for speed.
const REPS: &str = "6";

/// A finished run of every variant of minimal.toml, with its plots.
struct Run {
    _tmp: tempfile::TempDir,
    /// OUT/minimal.
    dir: PathBuf,
}

/// Runs every variant of minimal.toml with `extra` arguments.
fn run(extra: &[&str]) -> Run {
    let mut args = vec!["--all-variants"];
    args.extend(extra);
    run_args(&args)
}

/// Runs minimal.toml with `args`.
fn run_args(args: &[&str]) -> Run {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let mut args = args.to_vec();
    args.extend(["--replications", REPS]);
    run_ok(&minimal(), tmp.path(), &args);
    let dir = tmp.path().join("minimal");
    Run { _tmp: tmp, dir }
}

fn is_plot(p: &Path) -> bool {
    p.components().any(|c| c.as_os_str() == "plots") || p == Path::new("report.html")
}

/// The plot files and the report of a run.
fn plot_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .filter(|(p, _)| is_plot(p))
        .collect()
}

/// `surgical_mask` → `Surgical mask`, as chart titles name products.
fn product_name(id: &str) -> String {
    let words = id.replace(['_', '-'], " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// What minimal.toml makes the plots show: (product ids, places: national + regions of interest).
fn expected() -> (Vec<String>, Vec<String>) {
    let t = minimal_toml();
    let products = ids(&t, "product", "id");
    let mut places = vec!["national".to_string()];
    places.extend(
        t["scenario"]["regions_of_interest"]
            .as_array()
            .expect("minimal.toml names regions of interest")
            .iter()
            .map(|v| v.as_str().expect("a region id").to_string()),
    );
    (products, places)
}

#[test]
fn run_draws_every_chart_as_svg_and_png_byte_identically_across_runs() {
    let a = run(&[]);
    let b = run(&["--threads", "1"]);
    let files = plot_files(&a.dir);
    let (products, places) = expected();
    let variants = ids(&minimal_toml(), "variant", "name").len() + 1;
    for p in &products {
        for place in &places {
            for v in ["base", "no-conversion", "no-green-channel"] {
                for chart in [
                    "supply-vs-demand",
                    "shortage",
                    "stock",
                    "stockout-probability",
                ] {
                    for ext in ["svg", "png"] {
                        let f = PathBuf::from(format!("{v}/plots/{p}-{place}-{chart}.{ext}"));
                        assert!(files.contains_key(&f), "{} missing", f.display());
                    }
                }
            }
            let map = PathBuf::from(format!("plots/{p}-map.svg"));
            assert!(files.contains_key(&map), "{} missing", map.display());
            let overlay = PathBuf::from(format!("plots/{p}-{place}-variants.svg"));
            assert!(
                files.contains_key(&overlay),
                "{} missing",
                overlay.display()
            );
        }
    }
    let svgs: Vec<_> = files
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    let pngs = files
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .count();
    assert_eq!(svgs.len(), pngs, "every chart in both formats");
    // The report inlines every chart, compacted: well under the size of the SVG files.
    let report = files[Path::new("report.html")].len();
    let svg_bytes: usize = svgs.iter().map(|p| files[*p].len()).sum();
    assert!(
        report * 5 < svg_bytes * 2,
        "report.html is {report} bytes, its charts' SVG files {svg_bytes}"
    );
    assert!(svgs.len() >= variants * products.len() * places.len() * 4);
    assert!(
        files.keys().all(|p| !p.to_string_lossy().contains(".tmp")),
        "no temporary files left: {:?}",
        files.keys()
    );
    for (path, bytes) in &files {
        if path.extension().is_some_and(|e| e == "svg") {
            let text = std::str::from_utf8(bytes).expect("SVG is UTF-8");
            assert!(
                text.starts_with("<svg") && text.trim_end().ends_with("</svg>"),
                "{}",
                path.display()
            );
            assert!(text.contains("<title>"), "{} has a title", path.display());
            let map = path.to_string_lossy().ends_with("-map.svg");
            assert!(
                map || text.contains("Date (2020)"),
                "{} has a date axis",
                path.display()
            );
        }
    }
    assert_same_files(
        "two runs (all cores, then 1 thread)",
        &files,
        &plot_files(&b.dir),
    );
}

#[test]
fn plot_redraws_the_same_files_from_the_saved_outputs_alone() {
    let a = run(&[]);
    let drawn = plot_files(&a.dir);
    // Remove everything `plot` should make, and the scenario file is not needed either.
    for p in drawn.keys() {
        let _ = std::fs::remove_file(a.dir.join(p));
    }
    let o = medsupply([Path::new("plot"), a.dir.as_path()]);
    o.assert_code(0);
    assert_same_files("run vs plot", &drawn, &plot_files(&a.dir));
    // One variant directory: its plots are re-drawn, the report still covers every variant.
    std::fs::remove_dir_all(a.dir.join("base/plots")).unwrap();
    std::fs::remove_file(a.dir.join("report.html")).unwrap();
    medsupply([Path::new("plot"), a.dir.join("base").as_path()]).assert_code(0);
    assert_same_files("run vs plot of one variant", &drawn, &plot_files(&a.dir));
}

#[test]
fn no_plots_writes_the_same_tabular_outputs_and_nothing_else() {
    let with = run(&[]);
    let without = run(&["--no-plots"]);
    let tabular = |d: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        files_under(d)
            .into_iter()
            .filter(|(p, _)| !is_plot(p))
            .collect()
    };
    assert!(
        plot_files(&without.dir).is_empty(),
        "--no-plots draws nothing"
    );
    assert_same_files(
        "with and without plots",
        &tabular(&with.dir),
        &tabular(&without.dir),
    );
    assert_eq!(tabular(&without.dir).len(), files_under(&without.dir).len());
}

#[test]
fn plot_refuses_missing_or_corrupt_outputs_with_exit_2() {
    let a = run_args(&["--variant", "base"]);
    let base = a.dir.join("base");
    let o = medsupply([Path::new("plot"), a.dir.join("no-such-dir").as_path()]);
    o.assert_code(2);
    assert!(o.stderr.contains("not a directory"), "{}", o.stderr);

    let ts = base.join("timeseries.csv");
    let text = std::fs::read_to_string(&ts).unwrap();
    let half = text[..text.len() / 2].rfind('\n').expect("many lines") + 1;
    std::fs::write(&ts, &text[..half]).unwrap();
    let o = medsupply([Path::new("plot"), a.dir.as_path()]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("timeseries.csv") && o.stderr.contains("truncated"),
        "{}",
        o.stderr
    );
    // Garble the demand of the first national product row.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let row = lines
        .iter()
        .position(|l| l.contains(",consumable,national,"))
        .expect("a national product row");
    let mut fields: Vec<&str> = lines[row].split(',').collect();
    fields[5] = "zero";
    lines[row] = fields.join(",");
    std::fs::write(&ts, lines.join("\n") + "\n").unwrap();
    let o = medsupply([Path::new("plot"), a.dir.as_path()]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("`zero`, not a number")
            && o.stderr.contains(&format!("line {}", row + 1)),
        "{}",
        o.stderr
    );
    std::fs::write(&ts, text).unwrap();

    std::fs::write(base.join("manifest.json"), "{ \"schema_version\": 2 ").unwrap();
    let o = medsupply([Path::new("plot"), a.dir.as_path()]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("manifest.json") && o.stderr.contains("not a valid manifest"),
        "{}",
        o.stderr
    );
    std::fs::remove_file(base.join("manifest.json")).unwrap();
    let o = medsupply([Path::new("plot"), a.dir.as_path()]);
    o.assert_code(2);
    // Result files without the manifest written last: an unfinished run, refused as such.
    assert!(
        o.stderr.contains("is incomplete") && o.stderr.contains("manifest.json"),
        "{}",
        o.stderr
    );
}

/// The names a Chromium binary goes by, looked up on the PATH in this order.
const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The Chromium binary on the PATH, if any. Tests never install it: `.ci/run` does, before
/// the tests, and sets `CI` so that a missing browser fails the test rather than skipping it.
fn chromium() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    CHROMIUM_NAMES.iter().find_map(|name| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Runs Chromium headless and offline on `page` with `extra` arguments; returns its stdout.
/// The page's script has (virtual) time to unpack every chart before the DOM is dumped or
/// the screenshot taken.
fn headless(chromium: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().expect("a temporary profile directory");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--virtual-time-budget=20000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("chromium can be waited for") {
            assert!(status.success(), "chromium exited with {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("chromium did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader
        .join()
        .expect("reader thread")
        .expect("chromium's stdout is UTF-8")
}

#[test]
fn the_report_renders_in_headless_chromium_with_every_chart_and_table() {
    let Some(chromium) = chromium() else {
        let names = CHROMIUM_NAMES.join(", ");
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but no Chromium binary ({names}) is on the PATH: install one \
             (`.ci/run` does, with `apt-get install -y chromium`) so the report is checked in a \
             browser"
        );
        eprintln!(
            "skipped: chromium not found (looked for {names} on the PATH; set CI=1 to make this \
             a failure)"
        );
        return;
    };
    let a = run(&[]);
    let report = a.dir.join("report.html");
    let html = std::fs::read_to_string(&report).expect("report.html is written");
    let charts = plot_files(&a.dir)
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .count();

    // Self-contained: nothing fetched; one inline script, which unpacks the charts.
    for banned in ["src=", "url(", "@import", "http://", "https://"] {
        assert!(!html.contains(banned), "report.html contains `{banned}`");
    }
    assert_eq!(html.matches("<script").count(), 1, "one script");
    assert!(html.contains("DecompressionStream(\"gzip\")"));
    assert_eq!(html.matches("<svg").count(), 0, "every chart packed");
    assert_eq!(
        html.matches("<figure>").count(),
        charts,
        "a figure per chart"
    );

    // The browser parses it into the same content.
    let dom = headless(&chromium, &report, &["--dump-dom".to_string()]);
    assert!(
        dom.contains("<html") && dom.contains("</html>"),
        "a parsed DOM: {}",
        &dom[..dom.len().min(300)]
    );
    // Unpacked: every chart drawn in its figure, the shared definitions once, no block or
    // placeholder left.
    assert_eq!(
        dom.matches("<figure><svg ").count(),
        charts,
        "every chart unpacked into its figure"
    );
    assert_eq!(dom.matches("<svg class=\"defs\"").count(), 1);
    assert_eq!(dom.matches("<svg").count(), charts + 1);
    assert!(!dom.contains("data-z=") && !dom.contains("class=\"ph"));
    assert!(
        dom.contains("<use href=\"#u"),
        "charts draw the shared elements"
    );
    assert!(dom.contains("id=\"unpack\" hidden="), "no complaint");
    let (products, places) = expected();
    for p in &products {
        for place in &places {
            let where_ = if place == "national" {
                "national total"
            } else {
                place.as_str()
            };
            let title = format!("{}, {where_}: demand vs supply", product_name(p));
            assert!(dom.contains(&title), "the report shows `{title}`");
            let overlay = format!(
                "{}, {where_}: demand met under each variant",
                product_name(p)
            );
            assert!(dom.contains(&overlay), "the report shows `{overlay}`");
        }
    }
    for p in &products {
        let map = format!("{}: share of need met by region", product_name(p));
        assert!(dom.contains(&map), "the report shows the map `{map}`");
    }
    for heading in [
        "At a glance",
        "Where need was met",
        "Fill rate",
        "Shortage",
        "Sufficient from",
        "First stockout",
        "Provenance",
        "Scenario hash",
    ] {
        assert!(dom.contains(heading), "the report shows `{heading}`");
    }
    assert!(
        dom.matches("<table").count() >= 2,
        "KPI and provenance tables"
    );
    assert!(
        dom.contains("95 % confidence interval") && dom.contains("class=\"ci\""),
        "KPIs carry confidence intervals"
    );

    // The browser draws it: a full-size screenshot that is not blank.
    let shots = tempfile::tempdir().expect("a temporary directory");
    let shot = shots.path().join("report.png");
    headless(
        &chromium,
        &report,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
    );
    let decoder = png::Decoder::new(std::fs::File::open(&shot).expect("a screenshot is written"));
    let mut reader = decoder.read_info().expect("the screenshot is a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).expect("the screenshot decodes");
    assert_eq!((frame.width, frame.height), (1280, 2000));
    let px = frame.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..frame.buffer_size()].chunks(px).collect();
    let white = pixels
        .iter()
        .filter(|p| p[..3].iter().all(|&c| c >= 250))
        .count();
    let mut colours: Vec<&[u8]> = pixels.iter().map(|p| &p[..3]).collect();
    colours.sort_unstable();
    colours.dedup();
    let inked = 1.0 - white as f64 / pixels.len() as f64;
    assert!(
        inked > 0.03,
        "only {:.1} % of the page is drawn on",
        inked * 100.0
    );
    assert!(
        colours.len() > 50,
        "only {} colours on the page",
        colours.len()
    );
    // The map is on screen, unpacked: its colour scale's patches show in their exact colours.
    let shown = (0..SCALE_STEPS)
        .map(|i| colour_of((i as f64 + 0.5) / SCALE_STEPS as f64))
        .filter(|c| colours.binary_search(&&[c.0, c.1, c.2][..]).is_ok())
        .count();
    assert!(
        shown * 3 >= SCALE_STEPS * 2,
        "the map's colour scale shows {shown} of its {SCALE_STEPS} colours in the screenshot"
    );
}

/// The most `report.html` of `china-2020` with every variant may weigh: planners e-mail it.
const REPORT_BYTES: u64 = 3_000_000;

#[test]
fn a_national_run_of_every_variant_reports_in_a_few_megabytes_with_every_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/china-2020.toml");
    run_ok(
        &scenario,
        tmp.path(),
        &["--all-variants", "--replications", "2", "--quiet"],
    );
    let dir = tmp.path().join("china-2020");
    let report = dir.join("report.html");
    let bytes = std::fs::metadata(&report).unwrap().len();
    assert!(
        bytes <= REPORT_BYTES,
        "report.html is {bytes} bytes, over {REPORT_BYTES}"
    );
    let html = std::fs::read_to_string(&report).unwrap();
    // The SVG files in `plots/` and in each variant's `plots/` (counted, not read).
    let svgs = |d: &Path| -> usize {
        std::fs::read_dir(d).map_or(0, |entries| {
            entries
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "svg"))
                })
                .count()
        })
    };
    let charts = svgs(&dir.join("plots"))
        + std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| svgs(&e.unwrap().path().join("plots")))
            .sum::<usize>();
    assert!(charts > 2_000, "{charts} charts");
    assert_eq!(html.matches("<figure>").count(), charts, "every chart");
}

/// Runs `medsupply ARGS --out OUT --quiet` on minimal.toml (a `sweep` or `compare` with its
/// options), expecting success; returns OUT/minimal.
fn study(cmd: &str, args: &[&str], out: &Path) -> PathBuf {
    let mut a: Vec<String> = vec![cmd.to_string(), minimal().display().to_string()];
    a.extend(args.iter().map(|s| s.to_string()));
    a.extend([
        "--replications".into(),
        REPS.into(),
        "--quiet".into(),
        "--out".into(),
        out.display().to_string(),
    ]);
    medsupply(&a).assert_code(0);
    out.join("minimal")
}

#[test]
fn a_sweep_draws_its_kpi_chart_and_plot_redraws_it_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "--set",
        "green_channel.start_day=0,10,30",
        "--set",
        "policy.conversion=true,false",
        "--plot-kpi",
        "lead_time_mean_days",
    ];
    let dir = study("sweep", &args, &tmp.path().join("a"));
    let files = plot_files(&dir);
    let (products, _) = expected();
    for p in &products {
        for ext in ["svg", "png"] {
            let f = PathBuf::from(format!("plots/{p}-national-sweep.{ext}"));
            assert!(files.contains_key(&f), "{} missing", f.display());
        }
        let svg =
            std::str::from_utf8(&files[&PathBuf::from(format!("plots/{p}-national-sweep.svg"))])
                .unwrap()
                .to_string();
        assert!(
            svg.contains(&format!(
                "<title>{}, national total: mean lead time by green_channel.start_day</title>",
                product_name(p)
            )),
            "{svg:.300}"
        );
        assert!(
            svg.contains("policy.conversion = false"),
            "a line per other value"
        );
        let report = std::str::from_utf8(&files[&PathBuf::from("report.html")]).unwrap();
        assert!(report.contains("<section id=\"sweep\">"));
        assert!(report.contains(&format!("File: plots/{p}-national-sweep.svg")));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(json["plot_kpi"], "lead_time_mean_days");
    // Same on one thread.
    let mut one = args.to_vec();
    one.extend(["--threads", "1"]);
    let b = study("sweep", &one, &tmp.path().join("b"));
    assert_same_files(
        "a sweep on all cores and on 1 thread",
        &files,
        &plot_files(&b),
    );
    // `plot` redraws it from sweep.csv and sweep.json alone.
    for p in files.keys() {
        std::fs::remove_file(dir.join(p)).unwrap();
    }
    medsupply([Path::new("plot"), dir.as_path()]).assert_code(0);
    assert_same_files("sweep vs plot", &files, &plot_files(&dir));
}

#[test]
fn an_unknown_plot_kpi_is_refused_with_exit_2_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = medsupply([
        "sweep",
        &minimal().display().to_string(),
        "--set",
        "green_channel.start_day=0,10",
        "--plot-kpi",
        "fillrate",
        "--out",
        &out.display().to_string(),
    ]);
    o.assert_code(2);
    assert!(
        o.stderr.contains("unknown KPI `fillrate`") && o.stderr.contains("fill_rate"),
        "{}",
        o.stderr
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_report_of_a_compare_run_reads_out_the_paired_differences() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = study(
        "compare",
        &["--variants", "no-green-channel,no-conversion"],
        tmp.path(),
    );
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(report.contains("<section id=\"comparison\">"));
    assert!(
        report.contains("Bonferroni 95 % CI"),
        "two variants: adjusted intervals"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("comparison.json")).unwrap()).unwrap();
    let (products, _) = expected();
    let row = |variant: &str, kpi: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["variant"] == variant
                    && r["kpi"] == kpi
                    && r["region"] == "national"
                    && r["product"] == products[0].as_str()
            })
            .unwrap_or_else(|| panic!("a national {kpi} row of {variant}"))
            .clone()
    };
    let f = |r: &serde_json::Value, k: &str| r[k].as_f64().unwrap();
    let lead = row("no-green-channel", "lead_time_mean_days");
    let want = format!(
        "mean lead time {:+.1} days (95 % CI {:+.1} to {:+.1}) vs base",
        f(&lead, "mean_diff"),
        f(&lead, "ci95_low"),
        f(&lead, "ci95_high")
    );
    assert!(report.contains(&want), "want `{want}` in the report");
    assert!(f(&lead, "ci95_low") > 0.0, "{lead}");
    assert!(report.contains("<span class=\"worse\">Worse</span>"));
    let fill = row("no-conversion", "fill_rate");
    let want = format!(
        "fill rate {:+.1} points (95 % CI {:+.1} to {:+.1}) vs base",
        100.0 * f(&fill, "mean_diff"),
        100.0 * f(&fill, "ci95_low"),
        100.0 * f(&fill, "ci95_high")
    );
    assert!(report.contains(&want), "want `{want}` in the report");
    // National first.
    let section = &report[report.find("<section id=\"comparison\">").unwrap()..];
    let at = |s: &str| section.find(s).unwrap_or(usize::MAX);
    assert!(at("<tr><th>national total</th>") < at("<tr><th>Hubei</th>"));
}
