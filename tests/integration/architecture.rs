//! The library's module graph is pinned: data flows one way (scenario → model → engine →
//! results → statistics → writers → plots, with `study` on top orchestrating them), so a new
//! import between top-level modules must be added here on purpose, and a cycle fails with the
//! edge that closes it. Test code (`tests.rs`, `testutil.rs`, trailing `mod tests { … }`) is
//! left out: tests may reach anywhere. The CLI lives in the binary and may use the whole
//! library; the library never prints and never uses clap.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every allowed import between the library's top-level modules: (module, what it may use).
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("util", &["error"]),
    ("results", &["util"]),
    ("generate", &[]),
    ("init", &["error", "scenario", "util"]),
    ("scenario", &["error"]),
    ("model", &["error", "scenario", "util"]),
    ("demand", &["model"]),
    ("engine", &["demand", "error", "model", "results", "util"]),
    ("stats", &["error", "model", "results"]),
    (
        "output",
        &["engine", "error", "model", "results", "stats", "util"],
    ),
    ("plots", &["error", "output", "results", "stats", "util"]),
    ("check", &["error", "output", "scenario", "stats", "util"]),
    (
        "study",
        &[
            "engine", "error", "model", "output", "plots", "results", "scenario", "stats", "util",
        ],
    ),
    (
        "calibrate",
        &[
            "engine", "error", "model", "output", "plots", "results", "scenario", "stats", "study",
            "util",
        ],
    ),
    (
        "optimize",
        &[
            "calibrate",
            "engine",
            "error",
            "model",
            "output",
            "plots",
            "scenario",
            "stats",
            "study",
            "util",
        ],
    ),
];

/// The Rust files of a top-level module (a file, or a folder of them), test files left out.
fn files(src: &Path, module: &str) -> Vec<PathBuf> {
    let file = src.join(format!("{module}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let mut out = Vec::new();
    let mut dirs = vec![src.join(module)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source folder") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_some_and(|n| n != "tests.rs")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A file's text without comments and without its trailing test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source file");
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(k) => &text[..k],
        None => &text[..],
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named after each `crate::` in `code`, grouped imports included
/// (`use crate::{a::x, b};`).
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (k, _) in code.match_indices("crate::") {
        let rest = &code[k + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut item) = (0, String::new());
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        refs.insert(ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            refs.insert(ident(&item));
        } else {
            refs.insert(ident(rest));
        }
    }
    refs.retain(|r| !r.is_empty() && r != "self");
    refs
}

#[test]
fn modules_import_only_along_the_pinned_graph() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(&src).expect("src/") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if ["lib", "main", "cli", "testutil"].contains(&name.as_str()) {
            continue;
        }
        seen.insert(name.clone());
        let Some(may) = allowed.get(name.as_str()) else {
            problems.push(format!(
                "top-level module `{name}` is not in ALLOWED: give it its place in the graph"
            ));
            continue;
        };
        for file in files(&src, &name) {
            let text = code(&file);
            for used in crate_refs(&text) {
                if used != name
                    && !may.contains(&used.as_str())
                    && allowed.contains_key(used.as_str())
                {
                    problems.push(format!(
                        "`{name}` imports `{used}` ({}): not an edge of the pinned graph",
                        file.display()
                    ));
                }
            }
            for banned in ["println!", "eprintln!", "print!(", "eprint!(", "clap::"] {
                if text.contains(banned) {
                    problems.push(format!(
                        "{} uses `{banned}`: only the CLI (src/cli/, src/main.rs) prints or parses arguments",
                        file.display()
                    ));
                }
            }
        }
    }
    for (name, _) in ALLOWED {
        assert!(
            seen.contains(*name),
            "ALLOWED names `{name}`, which is gone from src/"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_pinned_graph_has_no_cycle() {
    // Depth-first search over ALLOWED: a module met again while still on the path closes a cycle.
    fn visit<'a>(
        m: &'a str,
        graph: &BTreeMap<&'a str, &'a [&'a str]>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if done.contains(m) {
            return;
        }
        if let Some(k) = path.iter().position(|p| *p == m) {
            panic!("cycle: {} -> {m}", path[k..].join(" -> "));
        }
        path.push(m);
        for next in graph.get(m).copied().unwrap_or(&[]) {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(m);
    }
    let graph: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn grouped_imports_and_paths_are_both_seen() {
    let refs = crate_refs(
        "use crate::{engine::Sim, model::{Model, NodeId}, util};\nlet x = crate::stats::f();",
    );
    let names: Vec<&str> = refs.iter().map(String::as_str).collect();
    assert_eq!(names, ["engine", "model", "stats", "util"]);
}
