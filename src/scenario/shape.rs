//! Shape problems of a scenario table (unknown fields, wrong types, missing fields), found
//! section by section and element by element so that every one is reported, not only the
//! first serde stops at.

use super::location::FieldPath;
use super::raw::{
    RawBurn, RawConservation, RawDispatch, RawDisruption, RawGreenChannel, RawItem, RawLink,
    RawLinkGroup, RawMap, RawMeta, RawNode, RawPolicy, RawProduct, RawRedeployment, RawRegion,
    RawRiskLevels, RawRoute, RawSeverity, RawTable, RawTransport, RawVariant, RawWorkers,
};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// What an unknown field is told.
pub(super) const UNKNOWN: &str =
    "unknown field (check its spelling and the format in docs/scenario-format.md)";

/// Checks one value as a `T`: unknown fields and the first type error inside it.
fn check<T: DeserializeOwned>(v: &toml::Value, at: &FieldPath, out: &mut Vec<(FieldPath, String)>) {
    let mut unknown: Vec<String> = Vec::new();
    let mut track = |p: serde_ignored::Path| unknown.push(p.to_string());
    let de = serde_ignored::Deserializer::new(v.clone(), &mut track);
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    let join = |p: &str| {
        let inner = FieldPath::parse(p);
        FieldPath(at.0.iter().cloned().chain(inner.0).collect())
    };
    for u in unknown {
        out.push((join(&u), UNKNOWN.to_string()));
    }
    if let Err(e) = result {
        out.push((
            join(&e.path().to_string()),
            e.inner().message().trim().to_string(),
        ));
    }
}

/// Checks each element of an array as a `T` (or the whole value, if it is not an array).
fn each<T: DeserializeOwned>(v: &toml::Value, at: &FieldPath, out: &mut Vec<(FieldPath, String)>) {
    match v.as_array() {
        Some(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, x)| check::<T>(x, &at.index(i), out)),
        None => check::<Vec<T>>(v, at, out),
    }
}

/// Every shape problem of the top-level sections of `table`.
pub fn problems(table: &toml::Table) -> Vec<(FieldPath, String)> {
    let mut out = Vec::new();
    for (key, v) in table {
        let at = FieldPath::default().key(key.to_string());
        match key.as_str() {
            "scenario" => check::<RawMeta>(v, &at, &mut out),
            "policy" => check::<RawPolicy>(v, &at, &mut out),
            "risk_levels" => check::<RawRiskLevels>(v, &at, &mut out),
            "workers" => check::<RawWorkers>(v, &at, &mut out),
            "staffing" => check::<RawSeverity>(v, &at, &mut out),
            "burn" => check::<BTreeMap<String, RawBurn>>(v, &at, &mut out),
            "green_channel" => check::<RawGreenChannel>(v, &at, &mut out),
            "transport" => check::<RawTransport>(v, &at, &mut out),
            "dispatch" => check::<RawDispatch>(v, &at, &mut out),
            "region" => each::<RawRegion>(v, &at, &mut out),
            "material" => each::<RawItem>(v, &at, &mut out),
            "product" => each::<RawProduct>(v, &at, &mut out),
            "conservation" => each::<RawConservation>(v, &at, &mut out),
            "node" => each::<RawNode>(v, &at, &mut out),
            "link" => each::<RawLink>(v, &at, &mut out),
            "link_group" => each::<RawLinkGroup>(v, &at, &mut out),
            "route" => each::<RawRoute>(v, &at, &mut out),
            "disruption" => each::<RawDisruption>(v, &at, &mut out),
            "redeployment" => each::<RawRedeployment>(v, &at, &mut out),
            "variant" => each::<RawVariant>(v, &at, &mut out),
            "map" => check::<RawMap>(v, &at, &mut out),
            "region_table" | "node_table" | "link_table" | "link_group_table" | "lines_table"
            | "conversion_table" | "replenish_table" | "stock_table" => {
                each::<RawTable>(v, &at, &mut out)
            }
            _ => out.push((at, UNKNOWN.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_a_problem_in_every_section_and_element() {
        let t: toml::Table = r#"
colour = "red"
[scenario]
name = "x"
start_date = "2020-01-01"
days = "thirty"
[[link]]
from = "a"
to = "b"
lead_time_days = { dist = "fixed", value = 1 }
[[link]]
from = "a"
to = "b"
lead_time_days = { dist = "fixed", value = 1, extra = 2 }
capacity = [{ day = 0, trucks_per_day = "two" }]
"#
        .parse()
        .unwrap();
        let p: Vec<String> = problems(&t)
            .into_iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect();
        assert!(
            p.iter().any(|x| x.starts_with("colour: unknown field")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|x| x.starts_with("scenario.days: invalid type")),
            "{p:?}"
        );
        assert!(p.iter().any(|x| x.starts_with("link[1]")), "{p:?}");
        assert!(!p.iter().any(|x| x.starts_with("link[0]")), "{p:?}");
    }

    #[test]
    fn every_section_of_the_format_is_known() {
        // Every top-level property of the scenario's JSON schema, each given a value of the
        // wrong shape: a type error may be reported, never an unknown field.
        let schema = crate::scenario::schema::schema();
        let sections = schema["properties"]
            .as_object()
            .expect("top-level properties");
        assert!(sections.len() > 20, "{sections:?}");
        for key in sections.keys() {
            let mut t = toml::Table::new();
            t.insert(key.clone(), toml::Value::Integer(7));
            let p = problems(&t);
            assert!(
                p.iter().all(|(_, m)| m != UNKNOWN),
                "`{key}` is reported as unknown: {p:?}"
            );
        }
    }
}
