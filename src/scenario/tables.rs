//! Tables from spreadsheets: `[[node_table]]`, `[[link_table]]` and the other `*_table` arrays
//! name CSV files whose rows become entries of the scenario, as if written inline.
//!
//! The tables are expanded right after the TOML is parsed: each row becomes a TOML table
//! appended, in file order, after the inline entries of its array, and the `*_table` keys are
//! removed. Everything after that (variants' dotted overrides, shape checks, the model build)
//! sees one scenario table and does not know where an entry came from. Only diagnostics do:
//! [`Origins`] maps a field path inside an expanded row (`node[57].shifts`) back to its CSV
//! file, line and column, or to the table's `defaults` in the scenario.
//!
//! A cell is read as (first rule that applies): empty, the field is absent; a number (integer
//! when it has no `.`, `e` or `E`; `_` between digits allowed); `true` or `false`; a TOML
//! literal when it starts with `"`, `'`, `[` or `{`; a compact distribution such as
//! `tri(1,2,4)`; a list when it contains `;` (each part read by these rules); else a string.
//! A line starting with `#` is a comment (notes and citations beside the rows).

use super::csv_series::CsvCache;
use super::location::{FieldPath, Locator, Seg};
use super::policy::ReadOptions;
use crate::error::Diagnostic;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the rows of a `*_table` array go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// Entries of a top-level array (`node`, `link`, …).
    Top(&'static str),
    /// Entries of an array of the node named in the row's `node` column (`lines`, `replenish`).
    NodeList(&'static str),
    /// Keys of a table of the node named in the row's `node` column (`stock`: item → units).
    NodeMap(&'static str),
}

/// Every kind of table, in the order they are expanded (nodes before what goes into them).
pub(super) const KINDS: &[(&str, Target)] = &[
    ("region_table", Target::Top("region")),
    ("node_table", Target::Top("node")),
    ("link_table", Target::Top("link")),
    ("link_group_table", Target::Top("link_group")),
    ("lines_table", Target::NodeList("lines")),
    ("conversion_table", Target::NodeList("conversion")),
    ("replenish_table", Target::NodeList("replenish")),
    ("stock_table", Target::NodeMap("stock")),
];

/// The column of a node-level table that names the node a row belongs to.
pub(super) const NODE_COLUMN: &str = "node";

/// One `[[x_table]]` entry as read: its CSV and where it is in the scenario.
#[derive(Debug)]
pub(super) struct TableInfo {
    /// The CSV file (the scenario's folder joined with `csv`).
    file: PathBuf,
    /// `node_table[0]`.
    at: FieldPath,
    /// Each column's header as a path inside a row (`epidemic.r0`); for node-level tables the
    /// `node` column is an empty path.
    pub(super) columns: Vec<FieldPath>,
    /// The header names, as written.
    pub(super) names: Vec<String>,
    /// The column naming the node a row of a node-level table belongs to.
    pub(super) node_column: Option<usize>,
    /// The keys its `defaults` give every row.
    defaults: Vec<String>,
    /// The file's bytes, while its rows are read (see [`Origins::take_files`]).
    pub(super) bytes: Arc<[u8]>,
}

/// Rows of one table appended to a top-level array: entries `first..first + lines.len()`.
#[derive(Debug)]
pub(super) struct Block {
    pub(super) array: &'static str,
    pub(super) first: usize,
    pub(super) table: usize,
    pub(super) lines: Vec<usize>,
}

/// A row of a node-level table.
#[derive(Debug)]
pub(super) struct NodeRow {
    pub(super) table: usize,
    pub(super) line: usize,
    /// The index in the node's array (`lines`, `replenish`), or the keys set (`stock`).
    pub(super) place: RowPlace,
}

#[derive(Debug)]
pub(super) enum RowPlace {
    Index(usize),
    Keys(Vec<String>),
}

/// The rows each node's list or map came from, by node and field; hashed fast, as a large
/// network notes a row for every node.
pub(super) type NodeRows = HashMap<(usize, &'static str), Vec<NodeRow>, foldhash::fast::FixedState>;

/// Where the entries that came from tables came from.
#[derive(Debug, Default)]
pub struct Origins {
    pub(super) tables: Vec<TableInfo>,
    pub(super) blocks: Vec<Block>,
    /// Node index and field (`lines`, `replenish`, `stock`) → the rows that went there.
    pub(super) node_rows: NodeRows,
}

/// Where a field of an expanded row was written.
#[derive(Debug, PartialEq, Eq)]
pub enum Place {
    /// In a CSV: file, line, 1-based column number and header (no column: the row itself).
    Csv {
        file: PathBuf,
        line: usize,
        column: Option<(usize, String)>,
    },
    /// In the scenario, at this path (a table's `defaults`).
    Toml(FieldPath),
}

/// Notes that a row of table `table`, at `line` of its CSV, went into `field` of node `node`,
/// at `place` (in [`Origins::node_rows`], borrowed alone so the table infos stay readable).
pub(super) fn note_node_row(
    node_rows: &mut NodeRows,
    (node, field): (usize, &'static str),
    table: usize,
    line: usize,
    place: RowPlace,
) {
    node_rows
        .entry((node, field))
        .or_default()
        .push(NodeRow { table, line, place });
}

impl Origins {
    /// Every table file read, in the order read, with its bytes taken out: once its rows are
    /// read they are needed only for the scenario's hash, and a large network's tables would
    /// otherwise stay alive beside its model.
    pub fn take_files(&mut self) -> impl Iterator<Item = (&Path, Arc<[u8]>)> {
        self.tables
            .iter_mut()
            .map(|t| (t.file.as_path(), std::mem::take(&mut t.bytes)))
    }

    /// Where `field` was written, when it lies in a row that came from a table.
    pub fn place(&self, field: &FieldPath) -> Option<Place> {
        let (array, index) = match field.0.as_slice() {
            [Seg::Key(a), Seg::Index(i), ..] => (a.as_ref(), *i),
            _ => return None,
        };
        let rest = &field.0[2..];
        if array == "node"
            && let Some(Seg::Key(f)) = rest.first()
            && let Some(rows) = self.node_rows.get(&(index, f.as_ref()))
        {
            let row = rows.iter().find(|r| match (&r.place, rest.get(1)) {
                (RowPlace::Index(j), Some(Seg::Index(k))) => j == k,
                (RowPlace::Keys(keys), Some(Seg::Key(k))) => keys.iter().any(|x| x == k),
                _ => false,
            });
            if let Some(row) = row {
                let inner = match row.place {
                    RowPlace::Index(_) => &rest[2..],
                    RowPlace::Keys(_) => &rest[1..],
                };
                return Some(self.in_row(row.table, row.line, inner));
            }
        }
        let block = self
            .blocks
            .iter()
            .find(|b| b.array == array && (b.first..b.first + b.lines.len()).contains(&index))?;
        Some(self.in_row(block.table, block.lines[index - block.first], rest))
    }

    /// The place of the field at `inner` inside a row at `line` of table `table`.
    fn in_row(&self, table: usize, line: usize, inner: &[Seg]) -> Place {
        let t = &self.tables[table];
        let covers = |column: &FieldPath| {
            let n = column.0.len().min(inner.len());
            n > 0 && column.0[..n] == inner[..n]
        };
        if let Some(c) = t.columns.iter().position(covers) {
            return Place::Csv {
                file: t.file.clone(),
                line,
                column: Some((c + 1, t.names[c].clone())),
            };
        }
        if let Some(Seg::Key(k)) = inner.first()
            && t.defaults.iter().any(|x| x == k)
        {
            return Place::Toml(t.at.key("defaults").key(k.clone()));
        }
        Place::Csv {
            file: t.file.clone(),
            line,
            column: None,
        }
    }
}

/// A diagnostic located in the scenario file.
pub(super) type TomlDiag<'a> = dyn Fn(&FieldPath, String) -> Diagnostic + 'a;

/// Expands every `*_table` of `table` in place (see the module documentation). Every problem
/// found is returned: a table entry that is malformed, a file that cannot be read, a header or
/// a cell that cannot be used.
pub fn expand(
    table: &mut toml::Table,
    base: &Path,
    options: &ReadOptions,
    cache: &CsvCache,
    scenario: &Path,
    locator: &Locator,
) -> Result<Origins, Vec<Diagnostic>> {
    let toml_diag = |at: &FieldPath, message: String| Diagnostic {
        file: scenario.to_path_buf(),
        position: locator.locate(at),
        field: at.to_string(),
        message,
    };
    let mut origins = Origins::default();
    let mut diags = Vec::new();
    for &(key, into) in KINDS {
        let Some(refs) = table.remove(key) else {
            continue;
        };
        let at = FieldPath::default().key(key);
        let Some(refs) = refs.as_array() else {
            diags.push(toml_diag(
                &at,
                "must be an array of tables `[[...]]`".into(),
            ));
            continue;
        };
        for (i, r) in refs.iter().enumerate() {
            let at = at.index(i);
            let spec = match r.clone().try_into::<super::raw::RawTable>() {
                Ok(spec) => spec,
                Err(e) => {
                    diags.push(toml_diag(&at, e.message().trim().to_string()));
                    continue;
                }
            };
            let read = read_table(&spec, &at, into, base, options, cache, &toml_diag);
            let (info, rows) = match read {
                Ok(read) => read,
                Err(mut problems) => {
                    diags.append(&mut problems);
                    continue;
                }
            };
            origins.tables.push(info);
            let index = origins.tables.len() - 1;
            if let Err(mut problems) = place_rows(table, into, rows, index, &mut origins) {
                diags.append(&mut problems);
            }
        }
    }
    if diags.is_empty() {
        Ok(origins)
    } else {
        Err(diags)
    }
}

/// A row read from a table: its line and its fields (the `node` column apart).
struct Row {
    line: usize,
    node: Option<String>,
    fields: toml::Table,
}

/// Opens the CSV of one table entry: its bytes read and its header checked.
pub(super) fn open(
    spec: &super::raw::RawTable,
    at: &FieldPath,
    into: Target,
    base: &Path,
    options: &ReadOptions,
    cache: &CsvCache,
    toml_diag: &TomlDiag<'_>,
) -> Result<TableInfo, Vec<Diagnostic>> {
    let file = options
        .data_path(base, &spec.csv)
        .map_err(|m| vec![toml_diag(&at.key("csv"), m)])?;
    let bytes = cache.bytes(&file, &options.limits).map_err(|e| {
        vec![toml_diag(
            &at.key("csv"),
            format!("cannot read CSV file {}: {e}", file.display()),
        )]
    })?;
    let csv_diag = |line: usize, column: usize, field: &str, message: String| Diagnostic {
        file: file.clone(),
        position: Some((line, column)),
        field: field.to_string(),
        message,
    };
    let nested = !matches!(into, Target::Top(_));
    let mut problems = Vec::new();
    let header = reader(&bytes)
        .byte_headers()
        .map_err(|e| vec![csv_diag(1, 1, "", format!("cannot read the header: {e}"))])?
        .clone();
    let mut names = Vec::with_capacity(header.len());
    let mut columns = Vec::with_capacity(header.len());
    for (c, h) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(h).into_owned();
        let path = if nested && name == NODE_COLUMN {
            FieldPath::default()
        } else if name.is_empty() || name.split('.').any(str::is_empty) {
            problems.push(csv_diag(1, c + 1, &name, "is not a field name".into()));
            FieldPath::default()
        } else {
            FieldPath(
                name.split('.')
                    .map(|k| Seg::Key(k.to_string().into()))
                    .collect(),
            )
        };
        if names.contains(&name) {
            problems.push(csv_diag(1, c + 1, &name, "is a column twice".into()));
        }
        names.push(name);
        columns.push(path);
    }
    let node_column = names
        .iter()
        .position(|n| n == NODE_COLUMN)
        .filter(|_| nested);
    if nested && node_column.is_none() {
        problems.push(csv_diag(
            1,
            1,
            NODE_COLUMN,
            "needs a `node` column naming the node each row belongs to".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(TableInfo {
        file,
        at: at.clone(),
        columns,
        names,
        node_column,
        defaults: spec.defaults.keys().cloned().collect(),
        bytes,
    })
}

/// A reader of a table's CSV: cells trimmed, rows of any length (comment lines have their own
/// number of fields; rows are checked against the header).
pub(super) fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes)
}

/// Reads the CSV of one table entry into rows, `defaults` applied.
fn read_table(
    spec: &super::raw::RawTable,
    at: &FieldPath,
    into: Target,
    base: &Path,
    options: &ReadOptions,
    cache: &CsvCache,
    toml_diag: &TomlDiag<'_>,
) -> Result<(TableInfo, Vec<Row>), Vec<Diagnostic>> {
    let info = open(spec, at, into, base, options, cache, toml_diag)?;
    let csv_diag = |line: usize, column: usize, field: &str, message: String| Diagnostic {
        file: info.file.clone(),
        position: Some((line, column)),
        field: field.to_string(),
        message,
    };
    let (names, columns, node_column) = (&info.names, &info.columns, info.node_column);
    let mut rdr = reader(&info.bytes);
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                problems.push(csv_diag(line, 1, "", format!("malformed row: {e}")));
                continue;
            }
        }
        let line = record.position().map_or(1, |p| p.line() as usize);
        if record.get(0).is_some_and(|f| f.starts_with(b"#")) {
            continue;
        }
        if record.len() != names.len() {
            problems.push(csv_diag(
                line,
                1,
                "",
                format!(
                    "malformed row: it has {} fields, the header {}",
                    record.len(),
                    names.len()
                ),
            ));
            continue;
        }
        let mut row = Row {
            line,
            node: None,
            fields: spec.defaults.clone(),
        };
        for (c, cell) in record.iter().enumerate() {
            let Ok(cell) = std::str::from_utf8(cell) else {
                problems.push(csv_diag(line, c + 1, &names[c], "is not UTF-8 text".into()));
                continue;
            };
            if cell.is_empty() {
                continue;
            }
            if Some(c) == node_column {
                row.node = Some(cell.to_string());
                continue;
            }
            let value = match parse_cell(cell) {
                Ok(v) => v,
                Err(m) => {
                    problems.push(csv_diag(line, c + 1, &names[c], m));
                    continue;
                }
            };
            if let Err(m) = insert(&mut row.fields, &columns[c].0, value) {
                problems.push(csv_diag(line, c + 1, &names[c], m));
            }
        }
        if let Some(c) = node_column
            && row.node.is_none()
        {
            problems.push(csv_diag(line, c + 1, NODE_COLUMN, "names no node".into()));
        }
        rows.push(row);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((info, rows))
}

/// Sets the field at `path` (keys) of `fields` to `value`, creating tables on the way; a cell
/// replaces what `defaults` gave.
fn insert(fields: &mut toml::Table, path: &[Seg], value: toml::Value) -> Result<(), String> {
    let (last, up) = match path.split_last() {
        Some((Seg::Key(last), up)) => (last, up),
        _ => return Err("is not a field name".into()),
    };
    let mut at = fields;
    for seg in up {
        let Seg::Key(k) = seg else {
            return Err("is not a field name".into());
        };
        at = match at
            .entry(k.clone())
            .or_insert_with(|| toml::Value::Table(Default::default()))
        {
            toml::Value::Table(t) => t,
            _ => return Err(format!("`{k}` is not a table, so it has no fields")),
        };
    }
    at.insert(last.to_string(), value);
    Ok(())
}

/// Appends the rows of table `index` where `into` says, recording where each went.
fn place_rows(
    table: &mut toml::Table,
    into: Target,
    rows: Vec<Row>,
    index: usize,
    origins: &mut Origins,
) -> Result<(), Vec<Diagnostic>> {
    let file = origins.tables[index].file.clone();
    let column_of = |name: &str| {
        origins.tables[index]
            .names
            .iter()
            .position(|n| n == name)
            .map_or(1, |c| c + 1)
    };
    let mut problems = Vec::new();
    match into {
        Target::Top(array) => {
            let entries = array_of(table, array);
            let first = entries.len();
            let lines = rows.iter().map(|r| r.line).collect();
            entries.extend(rows.into_iter().map(|r| toml::Value::Table(r.fields)));
            origins.blocks.push(Block {
                array,
                first,
                table: index,
                lines,
            });
        }
        Target::NodeList(field) | Target::NodeMap(field) => {
            let nodes = array_of(table, "node");
            let by_id: HashMap<String, usize> = nodes
                .iter()
                .enumerate()
                .filter_map(|(i, n)| Some((n.get("id")?.as_str()?.to_string(), i)))
                .collect();
            let node_column = column_of(NODE_COLUMN);
            for row in rows {
                let name = row.node.unwrap_or_default();
                let Some(&n) = by_id.get(&name) else {
                    problems.push(Diagnostic {
                        file: file.clone(),
                        position: Some((row.line, node_column)),
                        field: NODE_COLUMN.into(),
                        message: format!("no node `{name}` in the scenario"),
                    });
                    continue;
                };
                let Some(node) = nodes[n].as_table_mut() else {
                    continue;
                };
                let place = match into {
                    Target::NodeList(_) => {
                        let list = node
                            .entry(field)
                            .or_insert_with(|| toml::Value::Array(Vec::new()));
                        let Some(list) = list.as_array_mut() else {
                            problems.push(Diagnostic {
                                file: file.clone(),
                                position: Some((row.line, node_column)),
                                field: NODE_COLUMN.into(),
                                message: format!(
                                    "node `{name}` has a `{field}` that is not a list"
                                ),
                            });
                            continue;
                        };
                        list.push(toml::Value::Table(row.fields));
                        RowPlace::Index(list.len() - 1)
                    }
                    _ => {
                        let map = node
                            .entry(field)
                            .or_insert_with(|| toml::Value::Table(Default::default()));
                        let Some(map) = map.as_table_mut() else {
                            problems.push(Diagnostic {
                                file: file.clone(),
                                position: Some((row.line, node_column)),
                                field: NODE_COLUMN.into(),
                                message: format!(
                                    "node `{name}` has a `{field}` that is not a table"
                                ),
                            });
                            continue;
                        };
                        let keys: Vec<String> = row.fields.keys().cloned().collect();
                        for (k, v) in row.fields {
                            if map.contains_key(&k) {
                                problems.push(Diagnostic {
                                    file: file.clone(),
                                    position: Some((row.line, column_of(&k))),
                                    field: k.clone(),
                                    message: format!(
                                        "node `{name}` already has a `{field}` of `{k}`"
                                    ),
                                });
                            }
                            map.insert(k, v);
                        }
                        RowPlace::Keys(keys)
                    }
                };
                note_node_row(&mut origins.node_rows, (n, field), index, row.line, place);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The top-level array `name` of `table`, created empty when absent (a non-array is replaced:
/// the shape check would reject it anyway, and rows need somewhere to go).
fn array_of<'t>(table: &'t mut toml::Table, name: &str) -> &'t mut Vec<toml::Value> {
    let slot = table
        .entry(name)
        .or_insert_with(|| toml::Value::Array(Vec::new()));
    if !slot.is_array() {
        *slot = toml::Value::Array(Vec::new());
    }
    match slot {
        toml::Value::Array(a) => a,
        _ => unreachable!("made an array just above"),
    }
}

/// The value of a non-empty cell, by the rules in the module documentation.
fn parse_cell(cell: &str) -> Result<toml::Value, String> {
    if let Some(v) = scalar(cell) {
        return Ok(v);
    }
    if cell.starts_with(['"', '\'', '[', '{']) {
        return toml_literal(cell);
    }
    if let Some(d) = compact_distribution(cell) {
        return d;
    }
    if cell.contains(';') {
        return cell
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match scalar(p) {
                Some(v) => Ok(v),
                None if p.starts_with(['"', '\'', '[', '{']) => toml_literal(p),
                None => Ok(toml::Value::String(p.to_string())),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(toml::Value::Array);
    }
    Ok(toml::Value::String(cell.to_string()))
}

/// A number or a boolean, when the cell is one.
pub(super) fn scalar(cell: &str) -> Option<toml::Value> {
    match cell {
        "true" => return Some(toml::Value::Boolean(true)),
        "false" => return Some(toml::Value::Boolean(false)),
        _ => {}
    }
    let numeric = cell.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | '_' | 'e' | 'E'));
    if !numeric {
        return None;
    }
    let plain: String = cell.chars().filter(|&c| c != '_').collect();
    if let Ok(i) = plain.parse::<i64>() {
        return Some(toml::Value::Integer(i));
    }
    plain.parse::<f64>().ok().map(toml::Value::Float)
}

/// A cell written as a TOML value (`"a string"`, `[1, 2]`, `{ dist = "fixed", value = 2 }`).
pub(super) fn toml_literal(cell: &str) -> Result<toml::Value, String> {
    format!("v = {cell}")
        .parse::<toml::Table>()
        .map_err(|e| format!("`{cell}` is not a TOML value: {}", e.message().trim()))
        .and_then(|mut t| t.remove("v").ok_or_else(|| "holds no value".to_string()))
}

/// The distributions a cell may write as `name(numbers)`: name, `dist` tag, parameters (the
/// optional ones last).
pub(super) const DISTRIBUTIONS: &[(&str, &str, &[&str], usize)] = &[
    ("fixed", "fixed", &["value"], 1),
    ("uniform", "uniform", &["min", "max"], 2),
    ("tri", "triangular", &["min", "mode", "max"], 3),
    ("triangular", "triangular", &["min", "mode", "max"], 3),
    ("exp", "exponential", &["mean", "min"], 1),
    ("exponential", "exponential", &["mean", "min"], 1),
    ("lognormal", "lognormal", &["mean", "sd", "min"], 2),
];

/// `tri(1,2,4)` as `{ dist = "triangular", min = 1, mode = 2, max = 4 }`; None when the cell is
/// not of the form `name(...)` with a known name.
fn compact_distribution(cell: &str) -> Option<Result<toml::Value, String>> {
    let (name, args) = cell.strip_suffix(')')?.split_once('(')?;
    let name = name.trim();
    let &(_, tag, params, required) = DISTRIBUTIONS.iter().find(|d| d.0 == name)?;
    let args: Vec<&str> = args.split(',').map(str::trim).collect();
    let form = || {
        let optional = &params[required..];
        let mut form = params[..required].join(",");
        if !optional.is_empty() {
            form = format!("{form}[,{}]", optional.join(","));
        }
        format!("{name}({form})")
    };
    if args.len() < required || args.len() > params.len() {
        return Some(Err(format!("`{cell}`: write it as {}", form())));
    }
    let mut t = toml::Table::new();
    t.insert("dist".into(), toml::Value::String(tag.into()));
    for (p, a) in params.iter().zip(&args) {
        match scalar(a) {
            Some(v @ (toml::Value::Integer(_) | toml::Value::Float(_))) => {
                t.insert((*p).into(), v);
            }
            _ => {
                return Some(Err(format!(
                    "`{cell}`: `{a}` is not a number (write it as {})",
                    form()
                )));
            }
        }
    }
    Some(Ok(toml::Value::Table(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Expands `scenario` (a TOML text) with `files` beside it; the table, or the problems.
    fn expanded(
        scenario: &str,
        files: &[(&str, &str)],
    ) -> Result<(toml::Table, Origins), Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut table: toml::Table = scenario.parse().unwrap();
        let origins = expand(
            &mut table,
            dir.path(),
            &ReadOptions::default(),
            &CsvCache::default(),
            Path::new("s.toml"),
            &Locator::new(scenario),
        )?;
        Ok((table, origins))
    }

    fn value(text: &str) -> toml::Value {
        toml_literal(text).unwrap()
    }

    #[test]
    fn cells_are_numbers_booleans_literals_distributions_lists_or_strings() {
        for (cell, want) in [
            ("12", "12"),
            ("-3", "-3"),
            ("1_000", "1000"),
            ("2.5", "2.5"),
            ("1e3", "1000.0"),
            ("true", "true"),
            ("false", "false"),
            ("\"12\"", "\"12\""),
            ("[1, 2]", "[1, 2]"),
            (
                "{ day = 0, level = \"low\" }",
                "{ day = 0, level = \"low\" }",
            ),
            ("Hubei", "\"Hubei\""),
            ("2020-01-24", "\"2020-01-24\""),
            ("a;b; 3", "[\"a\", \"b\", 3]"),
            ("fixed(2)", "{ dist = \"fixed\", value = 2 }"),
            (
                "uniform(1, 2.5)",
                "{ dist = \"uniform\", min = 1, max = 2.5 }",
            ),
            (
                "tri(1,2,4)",
                "{ dist = \"triangular\", min = 1, mode = 2, max = 4 }",
            ),
            (
                "triangular(1,2,4)",
                "{ dist = \"triangular\", min = 1, mode = 2, max = 4 }",
            ),
            ("exp(3)", "{ dist = \"exponential\", mean = 3 }"),
            ("exp(3, 1)", "{ dist = \"exponential\", mean = 3, min = 1 }"),
            (
                "lognormal(5,2)",
                "{ dist = \"lognormal\", mean = 5, sd = 2 }",
            ),
            ("mystery(1)", "\"mystery(1)\""),
        ] {
            assert_eq!(parse_cell(cell), Ok(value(want)), "{cell}");
        }
        for bad in [
            "tri(1,2)",
            "uniform(1,x)",
            "lognormal(1,2,3,4)",
            "[1,",
            "\"open",
        ] {
            assert!(parse_cell(bad).is_err(), "{bad}");
        }
        assert!(
            parse_cell("tri(1,2)")
                .unwrap_err()
                .contains("tri(min,mode,max)")
        );
    }

    #[test]
    fn rows_follow_the_inline_entries_with_their_defaults_and_dotted_fields() {
        let scenario = r#"
[[node]]
id = "a"
kind = "factory"
region = "R"

[[node_table]]
csv = "data/nodes.csv"
defaults = { kind = "hospital", census = { share_of_region = 1.0 } }
"#;
        let csv = "id,region,shifts,census.share_of_region,kind\nb,R,2,,\nc,S,,0.5,warehouse\n";
        let (table, mut origins) = expanded(scenario, &[("data/nodes.csv", csv)]).unwrap();
        let want: toml::Table = r#"
[[node]]
id = "a"
kind = "factory"
region = "R"

[[node]]
id = "b"
kind = "hospital"
region = "R"
shifts = 2
census = { share_of_region = 1.0 }

[[node]]
id = "c"
kind = "warehouse"
region = "S"
census = { share_of_region = 0.5 }
"#
        .parse()
        .unwrap();
        assert_eq!(table, want);
        assert!(!table.contains_key("node_table"));
        assert_eq!(origins.take_files().count(), 1);
    }

    #[test]
    fn fields_of_rows_are_placed_at_their_line_and_column_or_at_the_defaults() {
        let scenario = "[[node]]\nid = \"a\"\n\n[[node_table]]\ncsv = \"n.csv\"\ndefaults = { kind = \"hospital\" }\n";
        let csv = "id,region,epidemic.r0\nb,R,2\nc,S,3\n";
        let (_, origins) = expanded(scenario, &[("n.csv", csv)]).unwrap();
        let place = |p: &str| origins.place(&FieldPath::parse(p));
        let csv_at = |line, column: Option<(usize, &str)>| {
            Some(Place::Csv {
                file: std::env::temp_dir(), // replaced below
                line,
                column: column.map(|(c, n)| (c, n.to_string())),
            })
        };
        let strip = |p: Option<Place>| match p {
            Some(Place::Csv { line, column, file }) => {
                assert!(file.ends_with("n.csv"));
                Some(Place::Csv {
                    file: std::env::temp_dir(),
                    line,
                    column,
                })
            }
            other => other,
        };
        assert_eq!(place("node[0].id"), None);
        assert_eq!(
            strip(place("node[2].region")),
            csv_at(3, Some((2, "region")))
        );
        assert_eq!(
            strip(place("node[1].epidemic.r0.min")),
            csv_at(2, Some((3, "epidemic.r0")))
        );
        assert_eq!(strip(place("node[1].shifts")), csv_at(2, None));
        assert_eq!(
            place("node[1].kind"),
            Some(Place::Toml(FieldPath::parse("node_table[0].defaults.kind")))
        );
        assert_eq!(place("node[3].id"), None);
    }

    #[test]
    fn node_level_tables_go_into_the_node_they_name() {
        let scenario = r#"
[[node]]
id = "f"
stock = { mask = 5 }
lines = [{ item = "mask", lines = 1, rate_per_line = 10 }]

[[node_table]]
csv = "nodes.csv"

[[lines_table]]
csv = "lines.csv"

[[stock_table]]
csv = "stock.csv"

[[replenish_table]]
csv = "replenish.csv"
"#;
        let files = [
            ("nodes.csv", "id\ng\n"),
            (
                "lines.csv",
                "node,item,lines,rate_per_line\nf,gown,2,5\ng,mask,1,3\n",
            ),
            ("stock.csv", "node,mask,gown\nf,,7\ng,1,\n"),
            (
                "replenish.csv",
                "node,item,source,order_delay_hours\ng,mask,f,\"uniform(2,8)\"\n",
            ),
        ];
        let (table, origins) = expanded(scenario, &files).unwrap();
        let want: toml::Table = r#"
[[node]]
id = "f"
stock = { mask = 5, gown = 7 }
lines = [{ item = "mask", lines = 1, rate_per_line = 10 }, { item = "gown", lines = 2, rate_per_line = 5 }]

[[node]]
id = "g"
lines = [{ item = "mask", lines = 1, rate_per_line = 3 }]
stock = { mask = 1 }
replenish = [{ item = "mask", source = "f", order_delay_hours = { dist = "uniform", min = 2, max = 8 } }]
"#
        .parse()
        .unwrap();
        assert_eq!(table, want);
        let line_of = |p: &str| match origins.place(&FieldPath::parse(p)) {
            Some(Place::Csv { file, line, column }) => (
                file.file_name().unwrap().to_str().unwrap().to_string(),
                line,
                column.map(|c| c.0),
            ),
            other => panic!("{p}: {other:?}"),
        };
        assert_eq!(
            line_of("node[0].lines[1].rate_per_line"),
            ("lines.csv".into(), 2, Some(4))
        );
        assert_eq!(
            line_of("node[1].lines[0].item"),
            ("lines.csv".into(), 3, Some(2))
        );
        assert_eq!(
            line_of("node[0].stock.gown"),
            ("stock.csv".into(), 2, Some(3))
        );
        assert_eq!(
            line_of("node[1].stock.mask"),
            ("stock.csv".into(), 3, Some(2))
        );
        assert_eq!(
            line_of("node[1].replenish[0].order_delay_hours.min"),
            ("replenish.csv".into(), 2, Some(4))
        );
        assert_eq!(
            origins.place(&FieldPath::parse("node[0].lines[0].item")),
            None
        );
        assert_eq!(origins.place(&FieldPath::parse("node[0].stock.mask")), None);
    }

    #[test]
    fn problems_name_the_file_line_and_column() {
        let problems = |scenario: &str, files: &[(&str, &str)]| -> Vec<String> {
            expanded(scenario, files)
                .unwrap_err()
                .iter()
                .map(|d| {
                    let file = d.file.file_name().unwrap().to_string_lossy().into_owned();
                    format!("{file}:{:?}: {}: {}", d.position, d.field, d.message)
                })
                .collect()
        };
        let got = problems(
            "[[link_table]]\ncsv = \"l.csv\"\n",
            &[(
                "l.csv",
                "from,to,lead_time_days\n# a note\na,b,\"tri(1,2)\"\nb,c\n",
            )],
        );
        assert_eq!(got.len(), 2, "{got:?}");
        // Comment lines count: the lines are the file's.
        assert!(
            got[0].starts_with("l.csv:Some((3, 3)): lead_time_days: `tri(1,2)`"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("l.csv:Some((4, 1)): : malformed row"),
            "{got:?}"
        );
        let got = problems(
            "[[stock_table]]\ncsv = \"s.csv\"\n[[lines_table]]\ncsv = \"l.csv\"\n",
            &[
                ("s.csv", "node,mask\nnowhere,1\n"),
                ("l.csv", "item\nmask\n"),
            ],
        );
        assert!(
            got.iter()
                .any(|p| p.starts_with("l.csv:Some((1, 1)): node: needs a `node` column")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|p| p.starts_with("s.csv:Some((2, 1)): node: no node `nowhere`")),
            "{got:?}"
        );
        let got = problems(
            "[[node]]\nid = \"a\"\nstock = { mask = 1 }\n[[stock_table]]\ncsv = \"s.csv\"\n",
            &[("s.csv", "node,gown,mask\na,2,3\n")],
        );
        assert_eq!(
            got,
            ["s.csv:Some((2, 3)): mask: node `a` already has a `stock` of `mask`"]
        );
        let got = problems(
            "[[node_table]]\ncsv = \"../n.csv\"\n[[link_table]]\nfile = \"x\"\n",
            &[],
        );
        assert!(
            got[0].starts_with("s.toml:Some((2, 1)): node_table[0].csv: `../n.csv` leaves"),
            "{got:?}"
        );
        assert!(
            got[1].contains("link_table[0]: unknown field `file`"),
            "{got:?}"
        );
        let got = problems(
            "[[node_table]]\ncsv = \"n.csv\"\n",
            &[("n.csv", "id,,id\n")],
        );
        assert_eq!(got.len(), 2, "{got:?}");
    }

    /// A node written inline, and the same node as a row of a table.
    fn node_both_ways(id: &str, shifts: f64, stock: u32, lead: (u8, u8, u8)) -> (String, String) {
        let (a, b, c) = lead;
        let inline = format!(
            "[[node]]\nid = \"{id}\"\nkind = \"factory\"\nshifts = {shifts:?}\nstock = {{ mask = {stock} }}\n\
             conversion = [{{ day = 1, item = \"mask\", lines = 1, rate_per_line = 1, \
             lead_time_days = {{ dist = \"triangular\", min = {a}, mode = {b}, max = {c} }} }}]\n"
        );
        let row = format!(
            "{id},{shifts:?},{stock},\"[{{ day = 1, item = \"\"mask\"\", lines = 1, rate_per_line = 1, \
             lead_time_days = {{ dist = \"\"triangular\"\", min = {a}, mode = {b}, max = {c} }} }}]\"\n"
        );
        (inline, row)
    }

    proptest! {
        /// Nodes written inline and the same nodes as table rows make the same scenario table,
        /// hence the same model.
        #[test]
        fn a_table_is_the_same_as_its_rows_written_inline(
            nodes in prop::collection::vec(
                ("[a-z][a-z0-9-]{0,8}", 0.0f64..1e6, any::<u32>(), (0u8..5, 5u8..10, 10u8..20)),
                0..6,
            ),
            inline_first in 0usize..6,
        ) {
            let split = inline_first.min(nodes.len());
            let mut inline_all = String::new();
            let mut mixed = String::new();
            let mut csv = String::from("id,shifts,stock.mask,conversion\n");
            for (k, (id, shifts, stock, lead)) in nodes.iter().enumerate() {
                let (inline, row) = node_both_ways(id, *shifts, *stock, *lead);
                inline_all.push_str(&inline);
                if k < split {
                    mixed.push_str(&inline);
                } else {
                    csv.push_str(&row);
                }
            }
            mixed.push_str("[[node_table]]\ncsv = \"n.csv\"\ndefaults = { kind = \"factory\" }\n");
            let want: toml::Table = inline_all.parse().unwrap();
            let (got, _) = expanded(&mixed, &[("n.csv", csv.as_str())]).unwrap();
            let got_nodes = got.get("node").cloned().unwrap_or(toml::Value::Array(vec![]));
            let want_nodes = want.get("node").cloned().unwrap_or(toml::Value::Array(vec![]));
            prop_assert_eq!(got_nodes, want_nodes);
        }
    }
}
