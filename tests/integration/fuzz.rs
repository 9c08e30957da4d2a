//! A structured mutation fuzzer (issue 23): mutants of small shipped scenarios and the CSV files
//! they read go through the real binary, which must answer every one with exit 0 (valid, run
//! done) or 2 (rejected), in time, writing nothing outside its `--out` directory.
//!
//! Each case takes one of a few small bases (horizons of at most 60 days, so a run takes
//! milliseconds), applies one to four mutations chosen by a seeded ChaCha generator, and writes
//! the mutant with copies of its CSV files into a fresh temporary directory:
//!
//! - structural ones with `toml_edit`: delete, duplicate, reorder and clear tables, arrays of
//!   tables, arrays and keys; values set to extremes (0, -1, `i64::MAX`, 1e308, NaN, inf, huge
//!   arrays), wrong types, strings 20,000 characters long, path-like strings (`../x`), strings
//!   copied from elsewhere in the file (an id where another is expected), unknown keys;
//! - textual ones on the serialised file: truncation at a random byte, non-UTF-8 bytes, deleted,
//!   duplicated and swapped lines, a flipped byte, deep nesting (arrays or inline tables up to
//!   100,000 deep), CRLF line ends, a byte-order mark;
//! - CSV ones: rows and columns deleted, duplicated, reordered, made ragged; cells set to
//!   extremes, non-numbers, impossible dates, non-UTF-8 bytes; truncation; thousands of rows.
//!
//! The binary runs `validate`, and when the mutant is valid, `run --replications 1 --threads 1
//! --quiet --out out` (one case in ten draws the plots too). A panic, a signal, another exit
//! code, a run over the time limit (10 s), a `panicked` message, or a file written outside the
//! case's `out/` fails the test; every distinct failure is printed with the mutations that made
//! it and saved under `target/tmp/fuzz-failures/` to reproduce with `medsupply validate` / `run`.
//!
//! Normal mode runs a fixed number of cases from a fixed seed. Environment variables:
//!
//! - `MEDSUPPLY_FUZZ_SECONDS=N`: long mode, cases from the seed on for N seconds;
//! - `MEDSUPPLY_FUZZ_CASES=N`: N cases instead of the default;
//! - `MEDSUPPLY_FUZZ_SEED=S`: another base seed (case k uses seed S + k);
//! - `MEDSUPPLY_FUZZ_CASE=K`: only case K (to reproduce one failure), keeping its directory.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// Base seed of normal mode: fixed so CI runs the same cases every time.
const SEED: u64 = 0x6d65_6473_7570_0023;
/// Cases in normal mode (about 50 s in a release build on two busy cores).
const CASES: u64 = 1000;
/// Longest a command may take before it counts as hung.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Directories between the temporary root and the case directory, so a `../` escape lands in
/// the temporary root (where it is seen) rather than in the system's temporary directory.
const NESTING: [&str; 4] = ["n1", "n2", "n3", "n4"];
/// Markers put in strings and replaced in the serialised text.
const NON_UTF8: &str = "\u{E000}";
const DEEP: &str = "\u{E001}";

type Rng = ChaCha8Rng;

/// A scenario to mutate and the files it reads, by path relative to the scenario.
struct Base {
    name: &'static str,
    toml: String,
    files: Vec<(String, Vec<u8>)>,
}

/// A small chain with central dispatch, a reserve, direct demand from a CSV and a pinned route.
const DISPATCH: &str = r#"[scenario]
name = "fuzz-dispatch"
start_date = "2020-01-24"
days = 20
seed = 1
replications = 1

[workers]
initial_share = 0.5
noise_sd = 0.1

[risk_levels.low]
restart_days_large = { dist = "fixed", value = 0 }
restart_days_sme = { dist = "fixed", value = 2 }
worker_return_rate = 0.5
worker_ceiling = 1.0
checkpoint_hours = { dist = "fixed", value = 0 }

[risk_levels.medium]
restart_days_large = { dist = "fixed", value = 1 }
restart_days_sme = { dist = "fixed", value = 3 }
worker_return_rate = 0.2
worker_ceiling = 0.9
checkpoint_hours = { dist = "exponential", mean = 2, min = 0.5 }
plant_outbreak_rate = 0.01
outbreak_closure_days = { dist = "lognormal", mean = 5, sd = 1, min = 1 }

[risk_levels.high]
restart_days_large = { dist = "fixed", value = 3 }
restart_days_sme = { dist = "fixed", value = 5 }
worker_return_rate = 0.1
worker_ceiling = 0.5
checkpoint_hours = { dist = "uniform", min = 1, max = 4 }

[[region]]
id = "A"
risk = [{ day = 0, level = "low" }, { day = 5, level = "medium" }]

[[region]]
id = "B"
risk = [{ day = 0, level = "high" }]

[[material]]
id = "meltblown"
units_per_truck = 1e9

[[product]]
id = "mask"
kind = "consumable"
units_per_truck = 1e6
bom = { meltblown = 1 }

[[product]]
id = "vent"
kind = "durable"
units_per_truck = 50

[[conservation]]
name = "rationing"
burn_factor = 0.5
products = ["mask"]
from_day = 10

[[node]]
id = "factory"
kind = "factory"
region = "A"
priority = true
stock = { meltblown = 5000 }
lines = [{ item = "mask", lines = 1, rate_per_line = 300 }]

[[node]]
id = "importer"
kind = "source"
region = "A"
supplies = ["vent"]

[[node]]
id = "reserve"
kind = "reserve"
region = "A"
stock = { mask = 1000 }
release = { day = 5 }

[[node]]
id = "hospital"
kind = "hospital"
region = "B"
stock = { mask = 100, vent = 2 }
demand = [{ product = "mask", csv = "demand.csv", column = "mask" }]
replenish = [{ item = "vent", source = "importer", reorder_point = 1, order_up_to = 5, order_delay_hours = { dist = "fixed", value = 1 } }]

[[link]]
id = "road"
from = "factory"
to = "hospital"
lead_time_days = { dist = "fixed", value = 1 }
capacity = [{ day = 0, trucks_per_day = 3 }]
closure_rate = 0.05
closure_days = { dist = "fixed", value = 1 }

[[link]]
from = "reserve"
to = "hospital"
lead_time_days = { dist = "triangular", min = 0.5, mode = 1, max = 2 }

[[link]]
from = "importer"
to = "hospital"
lead_time_days = { dist = "uniform", min = 1, max = 2 }
via = ["A"]

[[route]]
from = "factory"
to = "hospital"
via = []

[dispatch]
rule = "weighted"
priority_regions = ["B"]
weights = { B = 2 }
products = ["mask"]
sources = ["factory", "reserve"]
cover_days = 3
decision_delay_hours = 2

[green_channel]
enabled = true
start_day = 2
products = ["mask"]

[transport]
truck_availability = [{ day = 0, share = 0.5 }, { day = 10, share = 1 }]

[[disruption]]
link = "road"
day = 4
days = 1.5

[[variant]]
name = "priority"
set = { "dispatch.rule" = "priority" }
"#;

/// The bases: the tutorial, the two good test scenarios, the layered benchmark network cut to
/// 60 days, and [`DISPATCH`].
fn bases() -> Vec<Base> {
    let root = super::root();
    let text = |p: &str| {
        std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("cannot read {p}: {e}"))
    };
    let mut layered: DocumentMut = text("benches/scenarios/layered-50.toml")
        .parse()
        .expect("layered-50 parses");
    layered["scenario"]["days"] = toml_edit::value(60);
    let demand: String = std::iter::once("day,mask\n".to_string())
        .chain((0..20).map(|d| format!("{d},{}\n", 50 + 10 * d)))
        .collect();
    vec![
        Base {
            name: "minimal",
            toml: text("scenarios/minimal.toml"),
            files: vec![],
        },
        Base {
            name: "good-base",
            toml: text("tests/good/base.toml"),
            files: vec![],
        },
        Base {
            name: "csv-census",
            toml: text("tests/good/csv_census.toml"),
            files: vec![(
                "data/census.csv".into(),
                text("tests/good/data/census.csv").into_bytes(),
            )],
        },
        Base {
            name: "layered-50",
            toml: layered.to_string(),
            files: vec![],
        },
        Base {
            name: "dispatch",
            toml: DISPATCH.to_string(),
            files: vec![("demand.csv".into(), demand.into_bytes())],
        },
    ]
}

/// One step of a path into the document.
#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Idx(usize),
}

fn show(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Idx(i) => {
                let _ = write!(s, "[{i}]");
            }
        }
    }
    if s.is_empty() { "<root>".into() } else { s }
}

/// A node of the document that a mutation can change.
enum Target<'a> {
    Table(&'a mut Table),
    Aot(&'a mut ArrayOfTables),
    Value(&'a mut Value),
}

fn item_target(item: &mut Item) -> Option<Target<'_>> {
    match item {
        Item::Table(t) => Some(Target::Table(t)),
        Item::ArrayOfTables(a) => Some(Target::Aot(a)),
        Item::Value(v) => Some(Target::Value(v)),
        Item::None => None,
    }
}

fn resolve<'a>(root: &'a mut Table, path: &[Seg]) -> Option<Target<'a>> {
    let mut cur = Target::Table(root);
    for seg in path {
        cur = match (cur, seg) {
            (Target::Table(t), Seg::Key(k)) => item_target(t.get_mut(k)?)?,
            (Target::Aot(a), Seg::Idx(i)) => Target::Table(a.get_mut(*i)?),
            (Target::Value(Value::Array(a)), Seg::Idx(i)) => Target::Value(a.get_mut(*i)?),
            (Target::Value(Value::InlineTable(t)), Seg::Key(k)) => Target::Value(t.get_mut(k)?),
            _ => return None,
        };
    }
    Some(cur)
}

/// Every node's path, and every string value.
fn enumerate(
    table: &Table,
    path: &mut Vec<Seg>,
    paths: &mut Vec<Vec<Seg>>,
    strings: &mut Vec<String>,
) {
    paths.push(path.clone());
    for (k, item) in table.iter() {
        path.push(Seg::Key(k.to_string()));
        match item {
            Item::Table(t) => enumerate(t, path, paths, strings),
            Item::ArrayOfTables(a) => {
                paths.push(path.clone());
                for (i, t) in a.iter().enumerate() {
                    path.push(Seg::Idx(i));
                    enumerate(t, path, paths, strings);
                    path.pop();
                }
            }
            Item::Value(v) => enumerate_value(v, path, paths, strings),
            Item::None => {}
        }
        path.pop();
    }
}

fn enumerate_value(
    v: &Value,
    path: &mut Vec<Seg>,
    paths: &mut Vec<Vec<Seg>>,
    strings: &mut Vec<String>,
) {
    paths.push(path.clone());
    match v {
        Value::String(s) => strings.push(s.value().clone()),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(Seg::Idx(i));
                enumerate_value(x, path, paths, strings);
                path.pop();
            }
        }
        Value::InlineTable(t) => {
            for (k, x) in t.iter() {
                path.push(Seg::Key(k.to_string()));
                enumerate_value(x, path, paths, strings);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Gives every table a document position in tree order, so reordered and duplicated arrays
/// of tables are written in their new order.
fn renumber(table: &mut Table, pos: &mut isize) {
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => {
                t.set_position(Some(*pos));
                *pos += 1;
                renumber(t, pos);
            }
            Item::ArrayOfTables(a) => {
                for t in a.iter_mut() {
                    t.set_position(Some(*pos));
                    *pos += 1;
                    renumber(t, pos);
                }
            }
            _ => {}
        }
    }
}

fn pick<'a, T>(rng: &mut Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn shuffle<T>(rng: &mut Rng, xs: &mut [T]) {
    for i in (1..xs.len()).rev() {
        let j = rng.random_range(0..=i);
        xs.swap(i, j);
    }
}

/// Applies mutations and records what it did.
struct Mutator {
    rng: Rng,
    strings: Vec<String>,
    log: Vec<String>,
}

impl Mutator {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn junk_string(&mut self) -> String {
        match self.rng.random_range(0..14) {
            0 => String::new(),
            1 => "x".repeat(20_000),
            2 => "../fuzz-escape".into(),
            3 => "../../fuzz-escape".into(),
            4 => "sub/dir".into(),
            5 => "nul\0byte".into(),
            6 => "ünï😷\u{202e}".into(),
            7 => format!("a{NON_UTF8}b"),
            8 => "2020-02-30".into(),
            9 => " \t\n".into(),
            10 => "nan".into(),
            11 => "-1".into(),
            12 => "*".into(),
            _ if !self.strings.is_empty() => pick(&mut self.rng, &self.strings).clone(),
            _ => ".".into(),
        }
    }

    fn junk_int(&mut self) -> i64 {
        *pick(
            &mut self.rng,
            &[
                0,
                -1,
                1,
                2,
                i64::MAX,
                i64::MIN,
                i64::MAX - 1,
                1 << 53,
                1 << 32,
                100_000,
                -100_000,
            ],
        )
    }

    fn junk_float(&mut self) -> f64 {
        *pick(
            &mut self.rng,
            &[
                0.0,
                -0.0,
                -1.0,
                0.5,
                1e308,
                -1e308,
                f64::MIN_POSITIVE,
                5e-324,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                1e-9,
                1e15,
                9.223372036854776e18,
            ],
        )
    }

    fn junk_dist(&mut self) -> Value {
        let mut t = InlineTable::new();
        let dist = *pick(
            &mut self.rng,
            &[
                "fixed",
                "uniform",
                "triangular",
                "exponential",
                "lognormal",
                "cauchy",
                "",
            ],
        );
        t.insert("dist", dist.into());
        for key in ["value", "min", "max", "mode", "mean", "sd"] {
            if self.chance(0.5) {
                let x = if self.chance(0.5) {
                    self.junk_float()
                } else {
                    self.rng.random_range(0.0..10.0)
                };
                t.insert(key, x.into());
            }
        }
        Value::InlineTable(t)
    }

    fn junk(&mut self) -> Value {
        match self.rng.random_range(0..12) {
            0 | 1 => self.junk_int().into(),
            2 | 3 => self.junk_float().into(),
            4 => self.chance(0.5).into(),
            5 | 6 => self.junk_string().into(),
            7 => "2020-01-24"
                .parse::<toml_edit::Datetime>()
                .expect("a date")
                .into(),
            8 => Value::Array(Array::new()),
            9 => Value::InlineTable(InlineTable::new()),
            10 => self.junk_dist(),
            _ => DEEP.into(),
        }
    }

    /// Mutates one node chosen uniformly among all of the document's nodes.
    fn structural(&mut self, doc: &mut DocumentMut) {
        let mut paths = Vec::new();
        let mut strings = Vec::new();
        enumerate(doc.as_table(), &mut Vec::new(), &mut paths, &mut strings);
        self.strings = strings;
        // A scenario or variant name is a directory name: aim path-like names at it now and
        // then, beyond what the uniform choice gives.
        if self.chance(0.03) {
            let name = *pick(
                &mut self.rng,
                &[
                    "../fuzz-escape",
                    "../../fuzz-escape",
                    "a/../../fuzz-escape",
                    "..",
                    ".",
                ],
            );
            if self.chance(0.5) {
                if let Some(t) = doc.get_mut("scenario").and_then(Item::as_table_like_mut) {
                    t.insert("name", toml_edit::value(name));
                    self.log.push(format!("set scenario.name = {name:?}"));
                }
            } else if let Some(v) = doc
                .get_mut("variant")
                .and_then(Item::as_array_of_tables_mut)
                .and_then(|vs| vs.get_mut(0))
            {
                v.insert("name", toml_edit::value(name));
                self.log.push(format!("set variant[0].name = {name:?}"));
            }
            return;
        }
        let path = pick(&mut self.rng, &paths).clone();
        let at = show(&path);
        let Some(target) = resolve(doc.as_table_mut(), &path) else {
            return;
        };
        let what = match target {
            Target::Table(t) => self.table(t),
            Target::Aot(a) => self.aot(a),
            Target::Value(v) => self.value(v),
        };
        self.log.push(format!("{at}: {what}"));
    }

    fn table(&mut self, t: &mut Table) -> String {
        let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
        let key = if keys.is_empty() {
            None
        } else {
            Some(pick(&mut self.rng, &keys).clone())
        };
        match (self.rng.random_range(0..5), key) {
            (0, Some(k)) => {
                t.remove(&k);
                format!("delete key {k}")
            }
            (1, Some(k)) => {
                let v = self.junk();
                let shown = short(&v.to_string());
                t.insert(&k, Item::Value(v));
                format!("set {k} = {shown}")
            }
            (2, _) => {
                let v = self.junk();
                let shown = short(&v.to_string());
                t.insert("fuzz_unknown", Item::Value(v));
                format!("add fuzz_unknown = {shown}")
            }
            (3, _) => {
                let mut entries: Vec<_> = keys.iter().filter_map(|k| t.remove_entry(k)).collect();
                shuffle(&mut self.rng, &mut entries);
                for (k, v) in entries {
                    t.insert_formatted(&k, v);
                }
                "reorder keys".into()
            }
            (_, Some(k)) => {
                // The same entry under a neighbouring name (often an unknown field).
                let v = t.get(&k).cloned().unwrap_or(Item::None);
                let new = format!("{k}s");
                t.insert(&new, v);
                format!("copy key {k} to {new}")
            }
            _ => "nothing".into(),
        }
    }

    fn aot(&mut self, a: &mut ArrayOfTables) -> String {
        let n = a.len();
        if n == 0 {
            return "nothing (empty)".into();
        }
        let i = self.rng.random_range(0..n);
        match self.rng.random_range(0..6) {
            0 => {
                a.remove(i);
                format!("delete entry {i}")
            }
            1 => {
                let t = a.get(i).expect("in range").clone();
                a.insert(i + 1, t);
                format!("duplicate entry {i}")
            }
            2 => {
                let mut ts: Vec<Table> = a.iter().cloned().collect();
                shuffle(&mut self.rng, &mut ts);
                a.clear();
                for t in ts {
                    a.push(t);
                }
                "shuffle entries".into()
            }
            3 => {
                a.clear();
                "delete every entry".into()
            }
            4 => {
                let copies = *pick(&mut self.rng, &[10, 100, 500]);
                let t = a.get(i).expect("in range").clone();
                for _ in 0..copies {
                    a.push(t.clone());
                }
                format!("append {copies} copies of entry {i}")
            }
            _ => {
                let j = self.rng.random_range(0..n);
                let (ti, tj) = (a.get(i).cloned(), a.get(j).cloned());
                a.replace(i, tj.expect("in range"));
                a.replace(j, ti.expect("in range"));
                format!("swap entries {i} and {j}")
            }
        }
    }

    fn value(&mut self, v: &mut Value) -> String {
        if self.chance(0.25) {
            *v = self.junk();
            return format!("set to {}", short(&v.to_string()));
        }
        match v {
            Value::Integer(x) => {
                let x = *x.value();
                let new: Value = match self.rng.random_range(0..12) {
                    0 => 0.into(),
                    1 => (-1).into(),
                    2 => x.saturating_add(1).into(),
                    3 => x.saturating_sub(1).into(),
                    4 => x.saturating_neg().into(),
                    5 => x.saturating_mul(10).into(),
                    6 => x.saturating_mul(1000).into(),
                    7 => (x / 2).into(),
                    8 => (x as f64 + 0.5).into(),
                    9 => (x as f64).into(),
                    10 => i64::MAX.into(),
                    _ => self.junk_int().into(),
                };
                *v = new;
            }
            Value::Float(x) => {
                let x = *x.value();
                let new = match self.rng.random_range(0..12) {
                    0 => 0.0,
                    1 => -x,
                    2 => x * 2.0,
                    3 => x * 10.0,
                    4 => x * 1e6,
                    5 => x / 10.0,
                    6 => x + 1.0,
                    7 => x - 1.0,
                    8 => x.round(),
                    9 => 1e308,
                    10 => return self.value_int_of(v, x),
                    _ => self.junk_float(),
                };
                *v = new.into();
            }
            Value::String(_) => {
                let new = match self.rng.random_range(0..5) {
                    0 | 1 if !self.strings.is_empty() => pick(&mut self.rng, &self.strings).clone(),
                    2 => {
                        let s = v.as_str().unwrap_or_default();
                        format!("{s}x")
                    }
                    3 => {
                        let s = v.as_str().unwrap_or_default();
                        let cut = s
                            .char_indices()
                            .nth(s.chars().count() / 2)
                            .map_or(0, |(i, _)| i);
                        s[..cut].to_string()
                    }
                    _ => self.junk_string(),
                };
                *v = new.into();
            }
            Value::Boolean(b) => {
                let b = !*b.value();
                *v = b.into();
            }
            Value::Datetime(_) => *v = self.junk(),
            Value::Array(a) => return self.array(a),
            Value::InlineTable(t) => return self.inline(t),
        }
        format!("set to {}", short(&v.to_string()))
    }

    fn value_int_of(&mut self, v: &mut Value, x: f64) -> String {
        *v = (x as i64).into();
        format!("set to the integer {}", x as i64)
    }

    fn array(&mut self, a: &mut Array) -> String {
        let n = a.len();
        let i = if n == 0 {
            0
        } else {
            self.rng.random_range(0..n)
        };
        match self.rng.random_range(0..7) {
            0 if n > 0 => {
                a.remove(i);
                format!("delete element {i}")
            }
            1 if n > 0 => {
                let x = a.get(i).expect("in range").clone();
                a.insert_formatted(i + 1, x);
                format!("duplicate element {i}")
            }
            2 => {
                let mut xs: Vec<Value> = a.iter().cloned().collect();
                shuffle(&mut self.rng, &mut xs);
                a.clear();
                for x in xs {
                    a.push_formatted(x);
                }
                "shuffle elements".into()
            }
            3 => {
                a.clear();
                "clear".into()
            }
            4 if n > 0 => {
                let copies = *pick(&mut self.rng, &[10, 1000, 100_000]);
                let x = a.get(i).expect("in range").clone();
                for _ in 0..copies {
                    a.push_formatted(x.clone());
                }
                format!("append {copies} copies of element {i}")
            }
            _ => {
                let x = self.junk();
                let shown = short(&x.to_string());
                a.push_formatted(x);
                format!("push {shown}")
            }
        }
    }

    fn inline(&mut self, t: &mut InlineTable) -> String {
        let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
        match self.rng.random_range(0..4) {
            0 if !keys.is_empty() => {
                let k = pick(&mut self.rng, &keys).clone();
                t.remove(&k);
                format!("delete key {k}")
            }
            1 if t.contains_key("dist") => {
                let d = *pick(
                    &mut self.rng,
                    &["fixed", "uniform", "triangular", "exponential", "lognormal"],
                );
                t.insert("dist", d.into());
                format!("dist = {d:?}")
            }
            2 => {
                let x = self.junk();
                let shown = short(&x.to_string());
                t.insert("fuzz_unknown", x);
                format!("add fuzz_unknown = {shown}")
            }
            _ => {
                let mut entries: Vec<(String, Value)> = keys
                    .iter()
                    .filter_map(|k| t.remove(k).map(|v| (k.clone(), v)))
                    .collect();
                shuffle(&mut self.rng, &mut entries);
                for (k, v) in entries {
                    t.insert(k, v);
                }
                "reorder keys".into()
            }
        }
    }

    /// A mutation of the serialised bytes.
    fn textual(&mut self, bytes: &mut Vec<u8>) {
        let what = match self.rng.random_range(0..9) {
            0 => {
                let at = self.rng.random_range(0..=bytes.len());
                bytes.truncate(at);
                format!("truncate at byte {at}")
            }
            1 => {
                let at = self.rng.random_range(0..=bytes.len());
                let bad = self.bad_bytes();
                bytes.splice(at..at, bad.iter().copied());
                format!("insert bytes {bad:02x?} at byte {at}")
            }
            2..=4 => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                let i = self.rng.random_range(0..n);
                let j = self.rng.random_range(0..n);
                let what = match self.rng.random_range(0..3) {
                    0 => {
                        lines.remove(i);
                        format!("delete line {}", i + 1)
                    }
                    1 => {
                        let l = lines[i].clone();
                        lines.insert(i, l);
                        format!("duplicate line {}", i + 1)
                    }
                    _ => {
                        lines.swap(i, j);
                        format!("swap lines {} and {}", i + 1, j + 1)
                    }
                };
                *bytes = lines.join(&b'\n');
                what
            }
            5 if !bytes.is_empty() => {
                let at = self.rng.random_range(0..bytes.len());
                let b: u8 = self.rng.random();
                bytes[at] = b;
                format!("set byte {at} to {b:#04x}")
            }
            6 => {
                let depth = *pick(&mut self.rng, &[60, 200, 5_000, 100_000]);
                let deep = self.deep(depth);
                let mut new = format!("fuzz_deep = {deep}\n").into_bytes();
                new.extend_from_slice(bytes);
                *bytes = new;
                format!("prepend a value nested {depth} deep")
            }
            7 => {
                let crlf: Vec<u8> = bytes
                    .iter()
                    .flat_map(|&b| {
                        if b == b'\n' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
                *bytes = crlf;
                "CRLF line ends".into()
            }
            _ => {
                let mut new = b"\xef\xbb\xbf".to_vec();
                new.extend_from_slice(bytes);
                *bytes = new;
                "prepend a byte-order mark".into()
            }
        };
        self.log.push(format!("text: {what}"));
    }

    fn bad_bytes(&mut self) -> Vec<u8> {
        pick(
            &mut self.rng,
            &[
                vec![0xff],
                vec![0xfe, 0xff],
                vec![0xc3, 0x28],
                vec![0xed, 0xa0, 0x80],
                vec![0x80],
                vec![0xf8, 0x88, 0x80, 0x80, 0x80],
                vec![0x00],
            ],
        )
        .clone()
    }

    fn deep(&mut self, depth: usize) -> String {
        if self.chance(0.5) {
            format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}1{}", "{ a = ".repeat(depth), " }".repeat(depth))
        }
    }

    /// Replaces the markers by non-UTF-8 bytes and deeply nested values.
    fn expand_markers(&mut self, text: String) -> Vec<u8> {
        let mut text = text;
        while let Some(at) = text
            .find(&format!("\"{DEEP}\""))
            .or_else(|| text.find(&format!("'{DEEP}'")))
        {
            let depth = *pick(&mut self.rng, &[60, 200, 5_000, 100_000]);
            let deep = self.deep(depth);
            text.replace_range(at..at + DEEP.len() + 2, &deep);
            self.log.push(format!("text: a value nested {depth} deep"));
        }
        let mut out = Vec::with_capacity(text.len());
        for (i, part) in text.split(NON_UTF8).enumerate() {
            if i > 0 {
                let bad = self.bad_bytes();
                self.log.push(format!("text: bytes {bad:02x?} in a string"));
                out.extend(bad);
            }
            out.extend_from_slice(part.as_bytes());
        }
        out
    }

    fn csv_cell(&mut self) -> Vec<u8> {
        let s = *pick(
            &mut self.rng,
            &[
                "0",
                "-1",
                "9223372036854775807",
                "18446744073709551616",
                "1e308",
                "1e309",
                "NaN",
                "inf",
                "-inf",
                "",
                "abc",
                "LONG",
                "2020-02-30",
                "9999-12-31",
                "0000-01-01",
                "2019-12-31",
                "\"unterminated",
                "\"1,5\"",
                "BAD",
                "+1",
                "0x10",
                " 1 ",
                "1.5",
                "-0",
            ],
        );
        match s {
            "LONG" => vec![b'7'; 20_000],
            "BAD" => self.bad_bytes(),
            _ => s.as_bytes().to_vec(),
        }
    }

    /// A mutation of a CSV file.
    fn csv(&mut self, name: &str, bytes: &mut Vec<u8>) {
        let mut rows: Vec<Vec<Vec<u8>>> = bytes
            .split(|&b| b == b'\n')
            .map(|l| l.split(|&b| b == b',').map(<[u8]>::to_vec).collect())
            .collect();
        if rows.last().is_some_and(|r| r.len() == 1 && r[0].is_empty()) {
            rows.pop();
        }
        let n = rows.len();
        let what = if n == 0 {
            *bytes = b"date\n".to_vec();
            "replace the empty file by a header".to_string()
        } else {
            let i = self.rng.random_range(0..n);
            let j = self.rng.random_range(0..n);
            let width = rows[i].len().max(1);
            let c = self.rng.random_range(0..width);
            let what = match self.rng.random_range(0..13) {
                0 => {
                    rows.remove(i);
                    format!("delete row {i}")
                }
                1 => {
                    let r = rows[i].clone();
                    rows.insert(i, r);
                    format!("duplicate row {i}")
                }
                2 => {
                    rows.swap(i, j);
                    format!("swap rows {i} and {j}")
                }
                3 => {
                    if c < rows[i].len() {
                        rows[i].remove(c);
                    }
                    format!("delete cell {c} of row {i}")
                }
                4 => {
                    for r in &mut rows {
                        if c < r.len() {
                            r.remove(c);
                        }
                    }
                    format!("delete column {c}")
                }
                5..=7 => {
                    let cell = self.csv_cell();
                    let shown = short(&String::from_utf8_lossy(&cell));
                    if c < rows[i].len() {
                        rows[i][c] = cell;
                    } else {
                        rows[i].push(cell);
                    }
                    format!("set cell {c} of row {i} to {shown:?}")
                }
                8 => {
                    let cell = self.csv_cell();
                    rows[i].push(cell);
                    format!("add a cell to row {i}")
                }
                9 => {
                    let copies = *pick(&mut self.rng, &[100, 20_000]);
                    let r = rows[n - 1].clone();
                    for _ in 0..copies {
                        rows.push(r.clone());
                    }
                    format!("append {copies} copies of the last row")
                }
                10 => {
                    rows.truncate(1);
                    "keep only the header".into()
                }
                11 => {
                    let h = rows[0].clone();
                    let k = self.rng.random_range(0..h.len().max(1));
                    if let Some(cell) = h.get(k) {
                        rows[0].push(cell.clone());
                    }
                    format!("duplicate header cell {k}")
                }
                _ => {
                    let mut body = rows[1..].to_vec();
                    shuffle(&mut self.rng, &mut body);
                    rows.truncate(1);
                    rows.extend(body);
                    "shuffle rows".into()
                }
            };
            *bytes = rows
                .iter()
                .map(|r| r.join(&b','))
                .collect::<Vec<_>>()
                .join(&b'\n');
            bytes.push(b'\n');
            what
        };
        self.log.push(format!("{name}: {what}"));
        if self.chance(0.15) {
            let at = self.rng.random_range(0..=bytes.len());
            bytes.truncate(at);
            self.log.push(format!("{name}: truncate at byte {at}"));
        }
    }
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        let _ = write!(out, "…({} chars)", s.chars().count());
    }
    out
}

/// One mutant: the scenario's bytes, its files, and how it was made.
struct Mutant {
    base: &'static str,
    toml: Vec<u8>,
    files: Vec<(String, Vec<u8>)>,
    log: Vec<String>,
    /// Whether the run also draws the plots and report (slower, so one case in ten).
    plots: bool,
}

fn mutant(base: &Base, seed: u64) -> Mutant {
    let mut m = Mutator {
        rng: Rng::seed_from_u64(seed),
        strings: Vec::new(),
        log: Vec::new(),
    };
    let mut doc: DocumentMut = base.toml.parse().expect("a base parses");
    let mut files = base.files.clone();
    // Mostly one mutation, so that many mutants stay valid and reach the simulation.
    let structural = *pick(&mut m.rng, &[0, 1, 1, 1, 1, 2, 3]);
    for _ in 0..structural {
        m.structural(&mut doc);
    }
    renumber(doc.as_table_mut(), &mut 1);
    let mut toml = m.expand_markers(doc.to_string());
    if structural == 0 || m.chance(0.15) {
        m.textual(&mut toml);
    }
    if !files.is_empty() && (structural == 0 || m.chance(0.4)) {
        let k = m.rng.random_range(0..files.len());
        let (name, bytes) = &mut files[k];
        m.csv(name, bytes);
    }
    if m.log.is_empty() {
        m.log.push("none (the base itself)".into());
    }
    let plots = m.chance(0.1);
    Mutant {
        base: base.name,
        toml,
        files,
        log: m.log,
        plots,
    }
}

/// What went wrong with one case, if anything.
struct Failure {
    signature: String,
    detail: String,
}

/// Runs the binary in `dir` with a time limit; returns (exit code, stderr, elapsed), the code
/// `None` after a signal or the time limit (then `timed_out`).
fn run_limited(
    dir: &Path,
    logs: &Path,
    args: &[&str],
    limit: Duration,
) -> (Option<i32>, bool, String, Duration) {
    let stderr_path = logs.join("stderr");
    let stdout_path = logs.join("stdout");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_medsupply"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .env_remove("JOB_COMPLETION_INDEX")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).expect("a log file"))
        .stderr(std::fs::File::create(&stderr_path).expect("a log file"))
        .spawn()
        .expect("the medsupply binary starts");
    let (status, timed_out) = loop {
        if let Some(s) = child.try_wait().expect("waiting for medsupply") {
            break (Some(s), false);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    let stderr =
        String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap_or_default()).into_owned();
    let code = status.and_then(|s| s.code());
    let signal = status.and_then(|s| {
        use std::os::unix::process::ExitStatusExt;
        s.signal()
    });
    let stderr = match signal {
        Some(sig) => format!("{stderr}\n[killed by signal {sig}]"),
        None => stderr,
    };
    (code, timed_out, stderr, elapsed)
}

/// Every path under `dir`, relative to it, except those under `skip`.
fn tree(dir: &Path, skip: &Path) -> BTreeSet<PathBuf> {
    fn walk(base: &Path, dir: &Path, skip: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p == skip {
                continue;
            }
            out.insert(p.strip_prefix(base).expect("under base").to_path_buf());
            if p.is_dir() && !p.is_symlink() {
                walk(base, &p, skip, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, skip, &mut out);
    out
}

fn describe_panic(stderr: &str) -> (String, String) {
    let mut lines = stderr.lines();
    while let Some(l) = lines.next() {
        if let Some(rest) = l.split("panicked at ").nth(1) {
            let at = rest.trim_end_matches(':').to_string();
            let msg = lines.next().unwrap_or_default().to_string();
            return (at, msg);
        }
    }
    (
        "?".into(),
        stderr.lines().last().unwrap_or_default().to_string(),
    )
}

/// Runs one case in a fresh temporary directory; `keep` leaves the directory in place.
fn run_case(m: &Mutant, keep: bool) -> Result<&'static str, Failure> {
    let tmp = tempfile::Builder::new()
        .prefix("medsupply-fuzz")
        .tempdir()
        .expect("a temporary directory");
    let logs = tempfile::tempdir().expect("a temporary directory");
    let mut case = tmp.path().to_path_buf();
    for n in NESTING {
        case.push(n);
    }
    case.push("case");
    std::fs::create_dir_all(&case).expect("the case directory");
    std::fs::write(case.join("scenario.toml"), &m.toml).expect("the mutant is written");
    for (name, bytes) in &m.files {
        let p = case.join(name);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("a data directory");
        std::fs::write(p, bytes).expect("a CSV is written");
    }
    let out = case.join("out");
    let before = tree(tmp.path(), &out);
    let result = (|| {
        let mut outcome = "invalid";
        let mut run = vec![
            "run",
            "scenario.toml",
            "--all-variants",
            "--replications",
            "1",
            "--threads",
            "1",
            "--quiet",
            "--out",
            "out",
        ];
        if !m.plots {
            run.push("--no-plots");
        }
        let commands = [vec!["validate", "scenario.toml"], run];
        for (i, args) in commands.iter().enumerate() {
            let (code, timed_out, stderr, elapsed) = run_limited(&case, logs.path(), args, TIMEOUT);
            let cmd = format!("medsupply {}", args.join(" "));
            let fail = |signature: String| Failure {
                signature,
                detail: format!(
                    "`{cmd}` exited with {code:?} after {:.1} s\nstderr (tail):\n{}",
                    elapsed.as_secs_f64(),
                    tail(&stderr)
                ),
            };
            if timed_out {
                return Err(fail(format!(
                    "timeout ({}): over {} s",
                    args[0],
                    TIMEOUT.as_secs()
                )));
            }
            if code == Some(101) || stderr.contains("panicked") {
                let (at, msg) = describe_panic(&stderr);
                return Err(fail(format!(
                    "panic ({}) at {at}: {}",
                    args[0],
                    short(&msg)
                )));
            }
            match code {
                None => {
                    let sig = stderr.lines().last().unwrap_or_default().to_string();
                    return Err(fail(format!("signal ({}): {sig}", args[0])));
                }
                Some(0) => {}
                Some(2) => {
                    // Rejected: a run of a valid scenario may still refuse it (exit 2).
                    if i == 0 {
                        return Ok(outcome);
                    }
                    outcome = "run refused";
                }
                Some(c) => {
                    let first = stderr.lines().next().unwrap_or_default();
                    let first: String = first
                        .chars()
                        .filter(|c| !c.is_ascii_digit())
                        .take(70)
                        .collect();
                    return Err(fail(format!("exit {c} ({}): {first}", args[0])));
                }
            }
            let now = tree(tmp.path(), &out);
            let new: Vec<_> = now.difference(&before).collect();
            if !new.is_empty() {
                return Err(fail(format!("escape ({}): wrote outside out/", args[0]))
                    .with(format!("new paths: {new:?}")));
            }
            if i == 0 && out.exists() {
                return Err(fail("validate wrote out/".into()));
            }
            if i == 1 && outcome != "run refused" {
                outcome = "ran";
            }
        }
        Ok(outcome)
    })();
    if keep {
        let kept = tmp.keep();
        eprintln!("case kept in {}", kept.display());
    }
    result
}

impl Failure {
    fn with(mut self, more: String) -> Failure {
        self.detail.push('\n');
        self.detail.push_str(&more);
        self
    }
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    let from = lines.len().saturating_sub(15);
    lines[from..]
        .iter()
        .map(|l| short_line(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn short_line(l: &str) -> String {
    if l.chars().count() > 300 {
        format!("{}…", l.chars().take(300).collect::<String>())
    } else {
        l.to_string()
    }
}

/// Saves a failing mutant for reproduction; returns its directory.
fn save(m: &Mutant, seed: u64, case: u64, f: &Failure) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-failures")
        .join(format!("case-{case}-seed-{seed}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the failure directory");
    std::fs::write(dir.join("scenario.toml"), &m.toml).expect("the mutant is saved");
    for (name, bytes) in &m.files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("a data directory");
        std::fs::write(p, bytes).expect("a CSV is saved");
    }
    let readme = format!(
        "base: {}\ncase: {case} (MEDSUPPLY_FUZZ_CASE={case} MEDSUPPLY_FUZZ_SEED={})\nmutations:\n  {}\n\n{}\n\n{}\n",
        m.base,
        seed - case,
        m.log.join("\n  "),
        f.signature,
        f.detail
    );
    std::fs::write(dir.join("FAILURE.txt"), readme).expect("the failure note is saved");
    dir
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {v:?}"))
    })
}

#[test]
fn mutants_are_rejected_or_run_never_crash() {
    let bases = bases();
    let seed = env_u64("MEDSUPPLY_FUZZ_SEED").unwrap_or(SEED);
    let seconds = env_u64("MEDSUPPLY_FUZZ_SECONDS");
    let only = env_u64("MEDSUPPLY_FUZZ_CASE");
    let cases = env_u64("MEDSUPPLY_FUZZ_CASES").unwrap_or(CASES);

    // The bases themselves are valid and run: otherwise every mutant tests little.
    if only.is_none() {
        for b in &bases {
            let m = Mutant {
                base: b.name,
                toml: b.toml.clone().into_bytes(),
                files: b.files.clone(),
                log: vec!["none".into()],
                plots: true,
            };
            match run_case(&m, false) {
                Ok("ran") => {}
                Ok(other) => panic!("base {} does not run: {other}", b.name),
                Err(f) => panic!("base {} fails: {}\n{}", b.name, f.signature, f.detail),
            }
        }
    }

    let started = Instant::now();
    let deadline = seconds.map(|s| started + Duration::from_secs(s));
    let mut failures: BTreeMap<String, (u64, Vec<String>, String, PathBuf, usize)> =
        BTreeMap::new();
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut tried = 0u64;
    let mut case = only.unwrap_or(0);
    loop {
        match (only, deadline) {
            (Some(k), _) if case > k => break,
            (None, Some(d)) if Instant::now() >= d => break,
            (None, None) if case >= cases => break,
            _ => {}
        }
        let case_seed = seed.wrapping_add(case);
        let base = &bases[(case_seed % bases.len() as u64) as usize];
        let m = mutant(base, case_seed);
        tried += 1;
        match run_case(&m, only.is_some()) {
            Ok(outcome) => *counts.entry(outcome).or_default() += 1,
            Err(f) => {
                *counts.entry("FAILED").or_default() += 1;
                if let Some(e) = failures.get_mut(&f.signature) {
                    e.4 += 1;
                } else {
                    let dir = save(&m, case_seed, case, &f);
                    eprintln!(
                        "FAILURE case {case} ({}): {}\n  mutations: {}\n  {}\n  saved in {}",
                        m.base,
                        f.signature,
                        m.log.join("; "),
                        f.detail.replace('\n', "\n  "),
                        dir.display()
                    );
                    failures.insert(
                        f.signature.clone(),
                        (case, m.log.clone(), f.detail.clone(), dir, 1),
                    );
                }
            }
        }
        if seconds.is_some() && tried.is_multiple_of(500) {
            eprintln!(
                "fuzz: {tried} cases in {:.0} s, {} distinct failure(s)",
                started.elapsed().as_secs_f64(),
                failures.len()
            );
        }
        case += 1;
    }
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz: {tried} cases in {elapsed:.1} s (seed {seed:#x}): {counts:?}; {} distinct failure(s)",
        failures.len()
    );
    let mut report = String::new();
    for (sig, (case, log, detail, dir, n)) in &failures {
        let _ = writeln!(
            report,
            "\n* {sig}\n  {n} case(s), first case {case}; mutations: {}\n  {}\n  saved in {}",
            log.join("; "),
            detail.replace('\n', "\n  "),
            dir.display()
        );
    }
    assert!(
        failures.is_empty(),
        "{} distinct failure(s) in {tried} cases:{report}",
        failures.len()
    );
}
