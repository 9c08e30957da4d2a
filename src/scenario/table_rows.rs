//! The fast path of `*_table` CSVs: each row is deserialized straight into its raw entry
//! (`RawNode`, `RawLink`, `RawLines`, …) from the cells, by the cell rules of
//! [`super::tables`], with no TOML value built for it and no scenario table to splice it into.
//!
//! Like [`super::fast`], it succeeds only for tables the slow path would accept as they are:
//! anything it cannot vouch for (a malformed row, an unknown column, a cell of the wrong type or
//! out of range, a `defaults` entry a dotted column reaches into, a stock given twice) makes it
//! give up, and the file is read the slow way, which reports every problem with its file, line
//! and column.

use super::MAX_MAGNITUDE;
use super::csv_series::CsvCache;
use super::location::{FieldPath, Seg};
use super::policy::ReadOptions;
use super::raw::{RawScenario, RawTable};
use super::tables::{self, Block, Origins, RowPlace, TableInfo, Target, note_node_row};
use crate::error::Diagnostic;
use serde::de::value::{Error, MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor,
};
use std::collections::HashMap;

/// Node id → index, hashed fast: a large network's tables look up every row's node.
type Ids = HashMap<String, usize, foldhash::fast::FixedState>;
use std::path::Path;

/// Reads every `*_table` of `raw` into its entries (clearing the `*_table` lists, as the slow
/// path's expansion removes them), or `None` when any table needs the slow path's closer look;
/// `raw` is then left half filled and must be thrown away.
pub(super) fn read(
    raw: &mut RawScenario,
    base: &Path,
    options: &ReadOptions,
    cache: &CsvCache,
) -> Option<Origins> {
    let mut origins = Origins::default();
    // Node ids → index, made once the node tables are read (they come first in `KINDS`).
    let mut by_id: Option<Ids> = None;
    for &(key, into) in tables::KINDS {
        let specs = std::mem::take(match key {
            "region_table" => &mut raw.region_table,
            "node_table" => &mut raw.node_table,
            "link_table" => &mut raw.link_table,
            "link_group_table" => &mut raw.link_group_table,
            "lines_table" => &mut raw.lines_table,
            "conversion_table" => &mut raw.conversion_table,
            "replenish_table" => &mut raw.replenish_table,
            "stock_table" => &mut raw.stock_table,
            _ => return None,
        });
        for (i, spec) in specs.iter().enumerate() {
            let at = FieldPath::default().key(key).index(i);
            // The slow path makes the diagnostic when there is one to make.
            let no_diag = |_: &FieldPath, _: String| Diagnostic {
                file: base.to_path_buf(),
                position: None,
                field: String::new(),
                message: String::new(),
            };
            let info = tables::open(spec, &at, into, base, options, cache, &no_diag).ok()?;
            let table = origins.tables.len();
            match into {
                Target::Top(array) => {
                    let (first, lines) = match array {
                        "region" => append(&mut raw.region, &info, spec)?,
                        "node" => append(&mut raw.node, &info, spec)?,
                        "link" => append(&mut raw.link, &info, spec)?,
                        "link_group" => append(&mut raw.link_group, &info, spec)?,
                        _ => return None,
                    };
                    origins.blocks.push(Block {
                        array,
                        first,
                        table,
                        lines,
                    });
                }
                Target::NodeList(field) => {
                    let by_id = by_id.get_or_insert_with(|| ids(raw));
                    let places = match field {
                        "lines" => into_nodes(raw, by_id, &info, spec, |n| &mut n.lines)?,
                        "conversion" => into_nodes(raw, by_id, &info, spec, |n| &mut n.conversion)?,
                        "replenish" => into_nodes(raw, by_id, &info, spec, |n| &mut n.replenish)?,
                        _ => return None,
                    };
                    for (n, line, index) in places {
                        note_node_row(
                            &mut origins.node_rows,
                            (n, field),
                            table,
                            line,
                            RowPlace::Index(index),
                        );
                    }
                }
                Target::NodeMap(field) => {
                    if field != "stock" || !spec.defaults.is_empty() {
                        return None;
                    }
                    let by_id = by_id.get_or_insert_with(|| ids(raw));
                    for (n, line, keys) in stock(raw, by_id, &info)? {
                        note_node_row(
                            &mut origins.node_rows,
                            (n, field),
                            table,
                            line,
                            RowPlace::Keys(keys),
                        );
                    }
                }
            }
            origins.tables.push(info);
        }
    }
    Some(origins)
}

/// Node id → index; a repeated id names its last node, as in the slow path.
fn ids(raw: &RawScenario) -> Ids {
    raw.node
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i))
        .collect()
}

/// Appends the rows of a top-level table to `entries`: where they start, and their lines.
fn append<T: DeserializeOwned>(
    entries: &mut Vec<T>,
    info: &TableInfo,
    spec: &RawTable,
) -> Option<(usize, Vec<usize>)> {
    let first = entries.len();
    // Sized once by the table's lines (a row per line, bar the header and comments): growing
    // a list of 10⁵ entries by doubling would copy it and leave it up to twice its size.
    let rows_at_most = info.bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    entries.reserve(rows_at_most);
    let mut lines = Vec::with_capacity(rows_at_most);
    rows(info, spec, |line, _, entry| {
        entries.push(entry);
        lines.push(line);
        Some(())
    })?;
    Some((first, lines))
}

/// Pushes the rows of a node-level table onto the list `list` of the node each names: the
/// node, line and index in the list of each row.
fn into_nodes<T: DeserializeOwned>(
    raw: &mut RawScenario,
    by_id: &Ids,
    info: &TableInfo,
    spec: &RawTable,
    list: impl Fn(&mut super::raw::RawNode) -> &mut Vec<T>,
) -> Option<Vec<(usize, usize, usize)>> {
    let mut places = Vec::new();
    rows(info, spec, |line, node, entry| {
        let n = *by_id.get(node?)?;
        let list = list(&mut raw.node[n]);
        // Most nodes have one row or two: a first push would make room for four.
        if list.is_empty() {
            list.reserve_exact(1);
        }
        list.push(entry);
        places.push((n, line, list.len() - 1));
        Some(())
    })?;
    Some(places)
}

/// Adds the rows of a stock table to the stock of the node each names: the node, line and
/// items set of each row. Every cell is a number of units and no item is given twice.
fn stock(
    raw: &mut RawScenario,
    by_id: &Ids,
    info: &TableInfo,
) -> Option<Vec<(usize, usize, Vec<String>)>> {
    let items: Vec<Option<&str>> = info
        .columns
        .iter()
        .enumerate()
        .map(|(c, column)| match column.0.as_slice() {
            [Seg::Key(item)] if Some(c) != info.node_column => Some(item.as_ref()),
            _ => None,
        })
        .collect();
    let mut places = Vec::new();
    each_row(info, |line, cells| {
        let node = cells[info.node_column?];
        let n = *by_id.get(node)?;
        let stock = &mut raw.node[n].stock;
        let mut keys = Vec::new();
        for (c, cell) in cells.iter().enumerate() {
            if cell.is_empty() || Some(c) == info.node_column {
                continue;
            }
            let item = items[c]?;
            let units = match tables::scalar(cell)? {
                toml::Value::Integer(i) => i as f64,
                toml::Value::Float(f) => f,
                _ => return None,
            };
            if !plain(units) || stock.insert(item.to_string(), units).is_some() {
                return None;
            }
            keys.push(item.to_string());
        }
        places.push((n, line, keys));
        Some(())
    })?;
    Some(places)
}

/// Calls `each` with the line, the `node` cell (node-level tables) and the entry of every row
/// of the table, deserialized from its cells and `defaults`.
fn rows<T: DeserializeOwned>(
    info: &TableInfo,
    spec: &RawTable,
    mut each: impl FnMut(usize, Option<&str>, T) -> Option<()>,
) -> Option<()> {
    let fields = tree(info, spec)?;
    each_row(info, |line, cells| {
        let node = info.node_column.map(|c| cells[c]);
        if node == Some("") {
            return None;
        }
        let mut unknown = false;
        let row = RowDe {
            cells,
            fields: &fields,
            defaults: Some(&spec.defaults),
        };
        let entry = T::deserialize(serde_ignored::Deserializer::new(row, &mut |_| {
            unknown = true
        }))
        .ok()?;
        if unknown {
            return None;
        }
        each(line, node, entry)
    })
}

/// Calls `each` with the line and the cells of every row that is not a comment; `None` when a
/// row is malformed, not UTF-8, or `each` gives up.
fn each_row(info: &TableInfo, mut each: impl FnMut(usize, &[&str]) -> Option<()>) -> Option<()> {
    let mut rdr = tables::reader(&info.bytes);
    let mut record = csv::ByteRecord::new();
    while rdr.read_byte_record(&mut record).ok()? {
        if record.get(0).is_some_and(|f| f.starts_with(b"#")) {
            continue;
        }
        if record.len() != info.names.len() {
            return None;
        }
        let line = record.position().map_or(1, |p| p.line() as usize);
        let cells = record
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        each(line, &cells)?;
    }
    Some(())
}

/// The fields of a row: a column's cell, or the columns under a dotted prefix
/// (`census.share_of_region`).
enum Field {
    Cell(usize),
    Group(Vec<(String, Field)>),
}

/// The header of a table as a tree of fields (the `node` column apart), or `None` when a
/// `defaults` entry is a table a dotted column reaches into (the slow path merges those).
fn tree(info: &TableInfo, spec: &RawTable) -> Option<Vec<(String, Field)>> {
    let mut fields: Vec<(String, Field)> = Vec::new();
    for (c, column) in info.columns.iter().enumerate() {
        if Some(c) == info.node_column {
            continue;
        }
        let mut keys = column.0.iter().map(|seg| match seg {
            Seg::Key(k) => Some(k.as_ref()),
            Seg::Index(_) => None,
        });
        let mut level = &mut fields;
        let mut depth = 0;
        loop {
            let key = keys.next()??;
            let last = depth + 1 == column.0.len();
            if depth == 0 && !last && spec.defaults.contains_key(key) {
                return None;
            }
            let at = match level.iter().position(|(k, _)| k == key) {
                // Columns `a` and `a.b`: the slow path replaces one with the other.
                Some(_) if last => return None,
                Some(at) => at,
                None => {
                    let field = if last {
                        Field::Cell(c)
                    } else {
                        Field::Group(Vec::new())
                    };
                    level.push((key.to_string(), field));
                    level.len() - 1
                }
            };
            if last {
                break;
            }
            level = match &mut level[at].1 {
                Field::Group(inner) => inner,
                Field::Cell(_) => return None,
            };
            depth += 1;
        }
    }
    Some(fields)
}

/// Whether a number is one the slow path's range check lets through.
fn plain(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_MAGNITUDE
}

/// Whether every number in a TOML literal cell is plain.
fn plain_value(v: &toml::Value) -> bool {
    match v {
        toml::Value::Float(f) => plain(*f),
        toml::Value::Integer(i) => plain(*i as f64),
        toml::Value::Table(t) => t.values().all(plain_value),
        toml::Value::Array(a) => a.iter().all(plain_value),
        _ => true,
    }
}

/// One row (or a dotted group of its columns) as a map: the fields with a cell or a default.
struct RowDe<'a> {
    cells: &'a [&'a str],
    fields: &'a [(String, Field)],
    /// The table's `defaults` (top level only).
    defaults: Option<&'a toml::Table>,
}

/// What a key of a row holds.
enum Entry<'a> {
    Cell(&'a str),
    Group(&'a [(String, Field)]),
    Default(&'a toml::Value),
}

impl Field {
    /// Whether any cell under this field is filled in.
    fn filled(&self, cells: &[&str]) -> bool {
        match self {
            Field::Cell(c) => !cells[*c].is_empty(),
            Field::Group(inner) => inner.iter().any(|(_, f)| f.filled(cells)),
        }
    }
}

impl<'de> Deserializer<'de> for RowDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let mut entries: Vec<(&str, Entry<'_>)> = Vec::with_capacity(self.fields.len());
        for (key, field) in self.fields {
            match field {
                Field::Cell(c) if !self.cells[*c].is_empty() => {
                    entries.push((key, Entry::Cell(self.cells[*c])))
                }
                Field::Group(inner) if field.filled(self.cells) => {
                    entries.push((key, Entry::Group(inner)))
                }
                _ => {}
            }
        }
        if let Some(defaults) = self.defaults {
            for (key, value) in defaults {
                if !entries.iter().any(|(k, _)| k == key) {
                    entries.push((key, Entry::Default(value)));
                }
            }
        }
        visitor.visit_map(RowMap {
            cells: self.cells,
            entries: entries.into_iter(),
            value: None,
        })
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// The entries of a row being visited.
struct RowMap<'a, I> {
    cells: &'a [&'a str],
    entries: I,
    value: Option<Entry<'a>>,
}

impl<'de, 'a, I: Iterator<Item = (&'a str, Entry<'a>)>> MapAccess<'de> for RowMap<'a, I> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key: StrDeserializer<'_, Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(Entry::Cell(cell)) => seed.deserialize(CellDe { cell, part: false }),
            Some(Entry::Group(fields)) => seed.deserialize(RowDe {
                cells: self.cells,
                fields,
                defaults: None,
            }),
            Some(Entry::Default(value)) => {
                seed.deserialize(value.clone()).map_err(de::Error::custom)
            }
            None => Err(de::Error::custom("a value without its key")),
        }
    }
}

/// A non-empty cell, read by the rules in [`super::tables`]; a `part` of a `;` list is a
/// number, a boolean, a TOML literal or a string.
#[derive(Clone, Copy)]
struct CellDe<'a> {
    cell: &'a str,
    part: bool,
}

impl<'de> IntoDeserializer<'de, Error> for CellDe<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl CellDe<'_> {
    fn literal(&self) -> Result<Option<toml::Value>, Error> {
        if !self.cell.starts_with(['"', '\'', '[', '{']) {
            return Ok(None);
        }
        match tables::toml_literal(self.cell) {
            Ok(v) if plain_value(&v) => Ok(Some(v)),
            _ => Err(de::Error::custom("not a plain TOML value")),
        }
    }
}

impl<'de> Deserializer<'de> for CellDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let cell = self.cell;
        match tables::scalar(cell) {
            Some(toml::Value::Boolean(b)) => return visitor.visit_bool(b),
            Some(toml::Value::Integer(i)) if plain(i as f64) => return visitor.visit_i64(i),
            Some(toml::Value::Float(f)) if plain(f) => return visitor.visit_f64(f),
            Some(_) => return Err(de::Error::custom("a number out of range")),
            None => {}
        }
        if let Some(v) = self.literal()? {
            return v.deserialize_any(visitor).map_err(de::Error::custom);
        }
        if self.part {
            return visitor.visit_str(cell);
        }
        if let Some(dist) = distribution(cell) {
            let (tag, params, args) = dist?;
            let tag = std::iter::once((
                "dist",
                CellDe {
                    cell: tag,
                    part: true,
                },
            ));
            let args = params.iter().zip(args).map(|(p, a)| {
                (
                    *p,
                    CellDe {
                        cell: a,
                        part: true,
                    },
                )
            });
            return visitor.visit_map(MapDeserializer::new(tag.chain(args)));
        }
        if cell.contains(';') {
            let parts = cell
                .split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|cell| CellDe { cell, part: true });
            return visitor.visit_seq(SeqDeserializer::new(parts));
        }
        visitor.visit_str(cell)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.literal()? {
            Some(v) => v
                .deserialize_enum(name, variants, visitor)
                .map_err(de::Error::custom),
            None => visitor.visit_enum(self.cell.into_deserializer()),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// A compact distribution's `dist` tag, parameter names and arguments.
type Compact<'a> = (&'static str, &'static [&'static str], Vec<&'a str>);

/// A compact distribution cell (`tri(1,2,4)`) taken apart; `None` when the cell is not
/// `name(...)` with a known name.
fn distribution(cell: &str) -> Option<Result<Compact<'_>, Error>> {
    let (name, args) = cell.strip_suffix(')')?.split_once('(')?;
    let &(_, tag, params, required) = tables::DISTRIBUTIONS.iter().find(|d| d.0 == name.trim())?;
    let args: Vec<&str> = args.split(',').map(str::trim).collect();
    if args.len() < required || args.len() > params.len() {
        return Some(Err(de::Error::custom("wrong number of parameters")));
    }
    Some(Ok((tag, params, args)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scenario read with its tables the fast way, and the same read the slow way.
    fn both_ways(files: &[(&str, &str)]) -> (Option<String>, String) {
        let scenario = &format!("{}{TABLES}", crate::testutil::prelude(10));
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let path = dir.path().join("s.toml");
        std::fs::write(&path, scenario).unwrap();
        let mut raw: RawScenario = toml::from_str(scenario).unwrap();
        let fast = read(
            &mut raw,
            dir.path(),
            &ReadOptions::default(),
            &CsvCache::default(),
        )
        .map(|_| format!("{raw:?}"));
        let mut table: toml::Table = scenario.parse().unwrap();
        tables::expand(
            &mut table,
            dir.path(),
            &ReadOptions::default(),
            &CsvCache::default(),
            &path,
            &super::super::location::Locator::new(scenario),
        )
        .unwrap();
        let slow: RawScenario = toml::Value::Table(table).try_into().unwrap();
        (fast, format!("{slow:?}"))
    }

    /// Entries of every top-level and node-level kind, after `prelude`.
    const TABLES: &str = r#"
[[region]]
id = "R"
risk = [{ day = 0, level = "low" }]

[[node]]
id = "f"
kind = "factory"
region = "R"
stock = { mask = 5 }

[[node_table]]
csv = "nodes.csv"
defaults = { kind = "hospital", size = "sme" }

[[link_table]]
csv = "links.csv"

[[lines_table]]
csv = "lines.csv"

[[replenish_table]]
csv = "replenish.csv"

[[stock_table]]
csv = "stock.csv"
"#;

    fn files() -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "nodes.csv",
                "id,region,kind,census.share_of_region,priority,supplies\n# a note\ng,R,,0.5,true,\nw,R,warehouse,,,a;b\n",
            ),
            (
                "links.csv",
                "from,to,lead_time_days,capacity,closure_rate,closure_days\nf,w,\"tri(1,2,4)\",\"[{ day = 0, trucks_per_day = 4 }]\",,\nw,g,exp(3),,0.01,\"{ dist = \"\"fixed\"\", value = 2 }\"\n",
            ),
            (
                "lines.csv",
                "node,item,lines,rate_per_line,repair_days\nf,mask,2,10.5,\"uniform(1,3)\"\nw,mask,1,3,\n",
            ),
            (
                "replenish.csv",
                "node,item,source,reorder_point,order_up_to,order_delay_hours\ng,mask,w,1,5,fixed(12)\n",
            ),
            ("stock.csv", "node,gown,mask\nf,7,\ng,1,2\n"),
        ]
    }

    #[test]
    fn rows_read_the_fast_way_make_the_same_scenario_as_the_slow_way() {
        let (fast, slow) = both_ways(&files());
        assert_eq!(fast.as_deref(), Some(slow.as_str()));
    }

    #[test]
    fn anything_to_report_leaves_the_tables_to_the_slow_path() {
        for (file, text) in [
            ("nodes.csv", "id,region,kind,typo\ng,R,,1\n"),
            ("nodes.csv", "id,region,kind\ng,R\n"),
            ("nodes.csv", "id,region,kind,shifts\ng,R,,1e16\n"),
            ("nodes.csv", "id,region,kind,shifts\ng,R,,many\n"),
            (
                "nodes.csv",
                "id,region,census.share_of_region,census\ng,R,1,\n",
            ),
            ("stock.csv", "node,mask\nf,1\n"),
            ("stock.csv", "node,mask\nnowhere,1\n"),
            ("links.csv", "from,to,lead_time_days\nf,w,\"tri(1,2)\"\n"),
        ] {
            let mut files = files();
            files.retain(|(n, _)| *n != file);
            files.push((file, text));
            let dir = tempfile::tempdir().unwrap();
            for (name, text) in &files {
                std::fs::write(dir.path().join(name), text).unwrap();
            }
            let scenario = format!("{}{TABLES}", crate::testutil::prelude(10));
            let mut raw: RawScenario = toml::from_str(&scenario).unwrap();
            let fast = read(
                &mut raw,
                dir.path(),
                &ReadOptions::default(),
                &CsvCache::default(),
            );
            assert!(fast.is_none(), "{file}: {text}");
        }
    }
}
