//! Overrides of scenario values by dotted path, used by policy variants (and sweeps).
//!
//! `green_channel.start_day` names a key in a table; in an array of tables an element is named by
//! its `id` (or `name`), or by its 0-based position: `node.wuhan-hospital.shifts`, `link.3.closure_rate`.
//! A table the file leaves out for its defaults (e.g. `[policy]`) is created on the way. A
//! distribution's fields are paths too (`region.Hubei.epidemic.r0.max`), and a number may
//! replace a whole distribution (`region.Hubei.epidemic.r0 = 3`).

use serde_json::Value as Schema;
use std::sync::OnceLock;

/// Sets the value at `path` in `table`. Only scalars and arrays of scalars can be replaced, and
/// the parent table must exist; a new key may be added to an existing table (an optional field).
/// A list the file leaves out (`link_group.0.…` in a scenario without `[[link_group]]`) has no
/// element to set.
pub fn apply(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    apply_in(table, path, value, &[])
}

/// [`apply`] in a table that the parts `outer` of the whole path name in the scenario.
fn apply_in(
    table: &mut toml::Table,
    path: &str,
    value: toml::Value,
    outer: &[&str],
) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!("`{path}` is not a dotted path"));
    }
    if matches!(value, toml::Value::Table(_)) {
        return Err(format!("`{path}`: only scalar values can be overridden"));
    }
    let (last, parents) = parts.split_last().expect("split of a non-empty path");
    let mut cur: &mut toml::Table = table;
    let mut walked = String::new();
    for (k, part) in parents.iter().enumerate() {
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(part);
        if !cur.contains_key(*part) && names_list(outer.iter().chain(&parts[..=k])) {
            return Err(format!(
                "`{walked}` has no element `{}`: the scenario has no `{part}` entries",
                parts[k + 1]
            ));
        }
        // A section left out for its defaults is created; a misspelt one is then reported as
        // an unknown field when the scenario is read.
        let next = cur
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        cur = match next {
            toml::Value::Table(t) => t,
            toml::Value::Array(items) => {
                let outer: Vec<&str> = outer.iter().chain(&parts[..=k]).copied().collect();
                return apply_in_array(items, &parts, &walked, value, &outer);
            }
            _ => return Err(format!("`{walked}` is a value, not a table")),
        };
    }
    set_scalar(cur, last, value, path)
}

/// Whether the path `parts` (list elements named by their id or position) ends at a list in
/// the scenario format; false where its schema does not say.
fn names_list<'a>(parts: impl IntoIterator<Item = &'a &'a str>) -> bool {
    let mut parts = parts.into_iter();
    let mut schema = scenario_schema();
    while let Some(part) = parts.next() {
        let Some(field) = field_schema(schema, part) else {
            return false;
        };
        if !is_list(field) {
            schema = field;
            continue;
        }
        // The next part names an element.
        match (parts.next(), resolved(field).and_then(|s| s.get("items"))) {
            (None, _) => return true,
            (Some(_), Some(items)) => schema = items,
            (Some(_), None) => return false,
        }
    }
    false
}

/// The scenario format's JSON Schema, made once (only an override that names a key the file
/// leaves out asks for it).
fn scenario_schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(super::schema::schema)
}

/// `schema` itself, or the definition its `$ref` (or single `allOf` branch) names.
fn resolved(schema: &Schema) -> Option<&Schema> {
    let inner = match schema.get("allOf").and_then(Schema::as_array) {
        Some(branches) => branches.first()?,
        None => schema,
    };
    match inner.get("$ref").and_then(Schema::as_str) {
        Some(reference) => {
            let name = reference.strip_prefix("#/definitions/")?;
            scenario_schema().get("definitions")?.get(name)
        }
        None => Some(inner),
    }
}

/// The schema of the field `key` of a table whose schema is `table` (a map's values for any
/// key), None where the schema does not say.
fn field_schema<'a>(table: &'a Schema, key: &str) -> Option<&'a Schema> {
    let table = resolved(table)?;
    table
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| table.get("additionalProperties").filter(|s| s.is_object()))
}

/// Whether a field's schema is a list.
fn is_list(schema: &Schema) -> bool {
    resolved(schema).and_then(|s| s.get("type")) == Some(&Schema::from("array"))
}

/// The value at `path` in `table`, followed as [`apply`] follows it (array elements by id,
/// name or position); None when the path names nothing.
pub fn get<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let parts: Vec<&str> = path.split('.').collect();
    let (first, rest) = parts.split_first()?;
    let mut cur = table.get(*first)?;
    let mut k = 0;
    while k < rest.len() {
        cur = match cur {
            toml::Value::Table(t) => t.get(rest[k])?,
            toml::Value::Array(items) => &items[element_index(items, &rest[k..])?],
            _ => return None,
        };
        k += 1;
    }
    Some(cur)
}

/// The field path (with array positions) an override path names in `table`, as far as it can
/// be followed: `node.wuhan-hospital.shifts` → `node[2].shifts`.
pub fn resolve(table: &toml::Table, path: &str) -> super::location::FieldPath {
    use super::location::Seg;
    let parts: Vec<&str> = path.split('.').collect();
    let mut segs = Vec::new();
    let mut cur = Some(toml::Value::Table(table.clone()));
    let mut k = 0;
    while k < parts.len() {
        match cur.take() {
            Some(toml::Value::Array(items)) => match element_index(&items, &parts[k..]) {
                Some(i) => {
                    segs.push(Seg::Index(i));
                    cur = Some(items[i].clone());
                }
                None => break,
            },
            Some(toml::Value::Table(t)) => {
                segs.push(Seg::Key(parts[k].to_string().into()));
                cur = t.get(parts[k]).cloned();
            }
            _ => {
                segs.extend(parts[k..].iter().map(|p| Seg::Key(p.to_string().into())));
                break;
            }
        }
        k += 1;
    }
    super::location::FieldPath(segs)
}

fn parts_after<'a>(parts: &'a [&'a str], walked: &str) -> &'a [&'a str] {
    let n = walked.split('.').count();
    &parts[n..]
}

/// Index of the array element named by the first of `rest` (an id, a name or a position).
fn element_index(items: &[toml::Value], rest: &[&str]) -> Option<usize> {
    let sel = rest.first()?;
    items
        .iter()
        .position(|v| {
            ["id", "name"]
                .iter()
                .any(|k| v.get(k).and_then(|x| x.as_str()) == Some(*sel))
        })
        .or_else(|| sel.parse::<usize>().ok().filter(|i| *i < items.len()))
}

/// Sets the value at the rest of `parts` after `walked` in the element of `items` its first
/// names; `outer` names `items` in the scenario.
fn apply_in_array(
    items: &mut [toml::Value],
    parts: &[&str],
    walked: &str,
    value: toml::Value,
    outer: &[&str],
) -> Result<(), String> {
    let rest = parts_after(parts, walked);
    if rest.is_empty() {
        return Err(format!(
            "`{walked}` is a list: name an element by its id or position"
        ));
    }
    let ix = element_index(items, rest)
        .ok_or_else(|| format!("`{walked}` has no element `{}`", rest[0]))?;
    let sub_path = rest[1..].join(".");
    if sub_path.is_empty() {
        return Err(format!(
            "`{walked}.{}` is a whole element, not a scalar",
            rest[0]
        ));
    }
    match &mut items[ix] {
        toml::Value::Table(t) => apply_in(t, &sub_path, value, &[outer, &rest[..1]].concat())
            .map_err(|e| format!("in `{walked}.{}`: {e}", rest[0])),
        _ => Err(format!("`{walked}.{}` is not a table", rest[0])),
    }
}

fn set_scalar(
    t: &mut toml::Table,
    key: &str,
    value: toml::Value,
    path: &str,
) -> Result<(), String> {
    match t.get(key) {
        // A distribution (`{ dist = ... }`) may be replaced by a number where the field takes
        // either (epidemic parameters); elsewhere the scenario reader reports the number.
        Some(toml::Value::Table(d)) if !d.contains_key("dist") => {
            Err(format!("`{path}` is a table, not a scalar"))
        }
        Some(toml::Value::Array(a)) if a.iter().any(|v| v.is_table()) => {
            Err(format!("`{path}` is a list of tables, not a scalar"))
        }
        _ => {
            t.insert(key.to_string(), value);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> toml::Table {
        s.parse().unwrap()
    }

    #[test]
    fn sets_nested_and_array_elements_by_id_or_index() {
        let mut t = table(
            "[g]\nstart = 1\n[[node]]\nid = \"a\"\nshifts = 1\n[[node]]\nid = \"b\"\nshifts = 1\n",
        );
        apply(&mut t, "g.start", toml::Value::Integer(30)).unwrap();
        apply(&mut t, "node.b.shifts", toml::Value::Integer(3)).unwrap();
        apply(&mut t, "node.0.shifts", toml::Value::Integer(2)).unwrap();
        assert_eq!(t["g"]["start"].as_integer(), Some(30));
        assert_eq!(t["node"][1]["shifts"].as_integer(), Some(3));
        assert_eq!(t["node"][0]["shifts"].as_integer(), Some(2));
    }

    #[test]
    fn a_distribution_takes_a_number_or_new_fields() {
        let mut t = table(
            "[[region]]\nid = \"Hubei\"\n[region.epidemic]\nr0 = { dist = \"triangular\", min = 1.4, mode = 2.2, max = 3.9 }\nstay_days = { mild = 7 }\n",
        );
        apply(
            &mut t,
            "region.Hubei.epidemic.r0.max",
            toml::Value::Float(3.0),
        )
        .unwrap();
        assert_eq!(
            t["region"][0]["epidemic"]["r0"]["max"].as_float(),
            Some(3.0)
        );
        apply(&mut t, "region.Hubei.epidemic.r0", toml::Value::Integer(3)).unwrap();
        assert_eq!(t["region"][0]["epidemic"]["r0"].as_integer(), Some(3));
        // A table that is not a distribution stays a table.
        assert!(
            apply(
                &mut t,
                "region.Hubei.epidemic.stay_days",
                toml::Value::Integer(3)
            )
            .is_err()
        );
    }

    #[test]
    fn gets_values_as_apply_sets_them() {
        let t = table("[g]\nstart = 1\n[[node]]\nid = \"a\"\nlines = [{ rate = 4 }]\n");
        assert_eq!(get(&t, "g.start").and_then(|v| v.as_integer()), Some(1));
        assert_eq!(
            get(&t, "node.a.lines.0.rate").and_then(|v| v.as_integer()),
            Some(4)
        );
        assert!(get(&t, "node.b.lines.0.rate").is_none() && get(&t, "g.x").is_none());
    }

    #[test]
    fn resolves_ids_to_positions() {
        let t = table("[[node]]\nid = \"a\"\n[[node]]\nid = \"b\"\nshifts = 1\n");
        assert_eq!(resolve(&t, "node.b.shifts").to_string(), "node[1].shifts");
        assert_eq!(
            resolve(&t, "policy.conversion").to_string(),
            "policy.conversion"
        );
    }

    #[test]
    fn a_list_the_file_leaves_out_has_no_element_to_set() {
        let mut t = table("[[node]]\nid = \"a\"\n");
        for (path, says) in [
            (
                "link_group.0.toll_per_truck",
                "`link_group` has no element `0`: the scenario has no `link_group` entries",
            ),
            // Inside an element too, named by its id.
            (
                "node.a.replenish.0.reorder_point",
                "in `node.a`: `replenish` has no element `0`: the scenario has no `replenish` \
                 entries",
            ),
        ] {
            assert_eq!(
                apply(&mut t, path, toml::Value::Integer(1)),
                Err(says.into())
            );
        }
        assert!(
            !t.contains_key("link_group")
                && !t["node"][0].as_table().unwrap().contains_key("replenish")
        );
        // Tables and maps left out are still made on the way.
        apply(
            &mut t,
            "policy.productivity_under_controls",
            toml::Value::Float(0.8),
        )
        .unwrap();
        apply(&mut t, "burn.mask.per_staff_shift", toml::Value::Float(2.0)).unwrap();
        apply(&mut t, "node.a.stock.mask", toml::Value::Integer(5)).unwrap();
        assert_eq!(t["burn"]["mask"]["per_staff_shift"].as_float(), Some(2.0));
        assert_eq!(t["node"][0]["stock"]["mask"].as_integer(), Some(5));
    }

    #[test]
    fn creates_missing_tables_but_refuses_tables_and_bad_paths() {
        let mut t = table("[g]\nstart = 1\n[[node]]\nid = \"a\"\n");
        apply(&mut t, "h.start", toml::Value::Integer(1)).unwrap();
        assert_eq!(t["h"]["start"].as_integer(), Some(1));
        assert!(apply(&mut t, "node.zz.shifts", toml::Value::Integer(1)).is_err());
        assert!(apply(&mut t, "g.start.x", toml::Value::Integer(1)).is_err());
        assert!(apply(&mut t, "g", toml::Value::Integer(1)).is_err());
        assert!(apply(&mut t, "g..x", toml::Value::Integer(1)).is_err());
    }
}
