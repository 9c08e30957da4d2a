//! The JSON Schema of the scenario format, generated from the types that parse it
//! ([`super::raw`]), so the two cannot drift. Editors with a TOML language server (taplo, Even
//! Better TOML) use it for completion, hover docs (the fields' doc comments) and inline errors.

use super::raw::RawScenario;
use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use serde_json::Value;

/// The scenario format's JSON Schema (draft 7, the newest draft taplo's validator supports).
pub fn schema() -> Value {
    let generator = SchemaSettings::draft07()
        .with_transform(TomlTables)
        .into_generator();
    let mut root = generator.into_root_schema_for::<RawScenario>();
    root.insert("title".into(), "medsupply scenario".into());
    root.to_value()
}

/// The schema as the text `medsupply schema` prints and `scenarios/medsupply.schema.json`
/// holds: pretty JSON, keys in a fixed order, ending in a newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a schema serialises to JSON");
    text.push('\n');
    text
}

/// Makes the derived schema say what the TOML parser accepts:
/// - the parser refuses unknown fields in every table (`serde_ignored` reports them), so every
///   table with named fields is closed (`additionalProperties: false`);
/// - TOML has no null: an optional field is left out, never `null`, so the null schemars
///   allows for an `Option` goes (from `type` lists, `anyOf` branches and `default`).
#[derive(Clone)]
struct TomlTables;

impl Transform for TomlTables {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        if object.contains_key("properties") && !object.contains_key("additionalProperties") {
            object.insert("additionalProperties".into(), Value::Bool(false));
        }
        if object.get("default") == Some(&Value::Null) {
            object.remove("default");
        }
        if let Some(Value::Array(types)) = object.get_mut("type") {
            types.retain(|t| t != "null");
            if let [single] = types.as_slice() {
                let single = single.clone();
                object.insert("type".into(), single);
            }
        }
        let null = serde_json::json!({ "type": "null" });
        if let Some(Value::Array(branches)) = object.get_mut("anyOf") {
            branches.retain(|b| *b != null);
            if let [single] = branches.as_slice() {
                // One branch left: draft 7 ignores keywords beside a `$ref`, so it stays
                // wrapped (in `allOf`) when the field has its own description.
                let single = single.clone();
                object.remove("anyOf");
                match single {
                    Value::Object(branch) if object.is_empty() => object.extend(branch),
                    branch => {
                        object.insert("allOf".into(), Value::Array(vec![branch]));
                    }
                }
            }
        }
    }
}
