//! JSON Schemas of inventory files, for editors such as yaml-language-server.
//!
//! [`inventory_schema`] describes every document kind, generated with `schemars` from the Rust
//! types that decode them, as a `oneOf` selected by `kind`. [`records_schema`] describes the
//! `Records` files of one declared resource, with each record checked against the resource's
//! JTD schema converted to JSON Schema. The loader stays the authority: these schemas help an
//! editor complete and flag fields, and `validate` checks what they cannot express.

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

use crate::inventory::document::{API_VERSION, Records, Resource, Workspace};
use crate::inventory::model::ResourceDef;
use crate::schema::jtd;

/// The file name of the schema of every document kind.
pub const INVENTORY_SCHEMA_FILE: &str = "inventory.schema.json";

/// Returns the file name of the schema of one resource's `Records` files.
pub fn records_schema_file(resource: &str) -> String {
    format!("{resource}.records.schema.json")
}

/// Any document of an inventory, selected by `kind`. Only its schema is used: no value of
/// this type or of the shapes below is ever built, hence `allow(dead_code)`.
#[derive(JsonSchema)]
#[serde(tag = "kind")]
#[allow(dead_code)]
enum InventoryDocument {
    /// Settings of the whole inventory. At most one per inventory.
    Workspace(Workspace),
    /// One Vanta resource, as created in Vanta's developer console.
    Resource(Resource),
    /// The records of one resource.
    Records(Records),
    /// A mirror of a Custom Test authored in Vanta.
    CustomTest(Box<CustomTestShape>),
}

// NOTE: the shapes below mirror `custom_tests::CustomTest` and its rule grammar, whose types
// deserialise through conversions that schemars cannot follow. A field added there must be
// added here too.

/// A Custom Test: which records it checks and the rule they must meet.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct CustomTestShape {
    /// Local name of the test, unique within the inventory.
    name: String,
    /// The `name` of the resource whose records the test checks.
    resource: String,
    /// The description of a passing record, as Vanta shows it.
    description: String,
    /// How to fix a failing record.
    #[serde(default)]
    remediation: Option<String>,
    /// Selects the records the test applies to; without it, every record is in scope.
    #[serde(default)]
    scope: Option<RuleShape>,
    /// The condition every record in scope must meet.
    rule: RuleShape,
}

/// A pass or fail condition on one record.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RuleShape {
    All {
        /// Holds when every listed rule holds.
        #[schemars(length(min = 1))]
        all: Vec<RuleShape>,
    },
    Any {
        /// Holds when at least one listed rule holds.
        #[schemars(length(min = 1))]
        any: Vec<RuleShape>,
    },
    Not {
        /// Holds when this rule does not.
        not: Box<RuleShape>,
    },
    Compare(Box<ComparisonShape>),
}

/// A test of one field with exactly one operator.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct ComparisonShape {
    /// A dotted path into the record, such as `customProperties.memory`.
    field: String,
    equals: Option<Value>,
    not_equals: Option<Value>,
    /// A number or an RFC 3339 timestamp.
    at_least: Option<Value>,
    /// A number or an RFC 3339 timestamp.
    at_most: Option<Value>,
    /// A number or an RFC 3339 timestamp.
    greater_than: Option<Value>,
    /// A number or an RFC 3339 timestamp.
    less_than: Option<Value>,
    /// Text contained in a string, or an element of an array.
    contains: Option<Value>,
    /// Holds for a missing field, null, `""`, `[]` and `{}`.
    is_empty: Option<bool>,
    /// The exact opposite of `isEmpty`.
    is_not_empty: Option<bool>,
}

/// Returns the JSON Schema of every inventory document kind.
pub fn inventory_schema() -> Value {
    let mut schema = schemars::schema_for!(InventoryDocument).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "title".to_string(),
            json!("vanta-gitops inventory document"),
        );
        if let Some(Value::Array(variants)) = object.get_mut("oneOf") {
            for variant in variants {
                add_api_version(variant);
            }
        }
    }
    schema
}

/// Adds the required `apiVersion` member to one document kind's schema.
fn add_api_version(variant: &mut Value) {
    let Some(object) = variant.as_object_mut() else {
        return;
    };
    let properties = object
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(properties) = properties.as_object_mut() {
        properties.insert(
            "apiVersion".to_string(),
            json!({ "description": "The inventory format version.", "const": API_VERSION }),
        );
    }
    let required = object
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Some(required) = required.as_array_mut() {
        required.insert(0, json!("apiVersion"));
    }
}

/// Returns the JSON Schema of the `Records` files of one resource.
///
/// Each record is the resource's JTD schema converted to JSON Schema. `defaults` may supply
/// any field of a record or of its nested mappings, so neither lists required fields there.
// NOTE: a record that lacks a required field and gets it from no default passes this schema;
// `validate` reports it.
pub fn records_schema(resource: &ResourceDef) -> Value {
    let mut record = jtd::to_json_schema(&resource.schema);
    let mut definitions = Value::Null;
    if let Some(object) = record.as_object_mut() {
        object.remove("$schema");
        definitions = object.remove("$defs").unwrap_or(Value::Null);
    }
    drop_merged_requirements(&mut record);
    let mut defaults = record.clone();
    if let Some(object) = defaults.as_object_mut() {
        object.insert(
            "description".to_string(),
            json!("Fields merged under every record; a field the record sets wins."),
        );
    }
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("Records of the vanta-gitops resource `{}` ({})", resource.name, resource.base_type),
        "type": "object",
        "properties": {
            "apiVersion": { "const": API_VERSION },
            "kind": { "const": "Records" },
            "resource": { "const": resource.name },
            "defaults": defaults,
            "records": {
                "description": "Every record the resource should hold. Whatever is missing here is deleted in Vanta.",
                "type": "array",
                "items": record,
            },
        },
        "required": ["apiVersion", "kind", "resource", "records"],
        "additionalProperties": false,
    });
    if !definitions.is_null()
        && let Some(object) = schema.as_object_mut()
    {
        object.insert("$defs".to_string(), definitions);
    }
    schema
}

/// Removes `required` from an object schema and from the objects below it that `defaults`
/// merge into: members of `properties`, also when wrapped in `anyOf` for `nullable`. Array
/// elements are replaced whole by a default, not merged, so they keep their requirements.
fn drop_merged_requirements(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.remove("required");
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for member in properties.values_mut() {
            drop_merged_requirements(member);
        }
    }
    if let Some(Value::Array(choices)) = object.get_mut("anyOf") {
        for choice in choices {
            drop_merged_requirements(choice);
        }
    }
}

/// Renders a schema the way it is written to disk: pretty JSON with a final line break.
pub fn to_file_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_schema_has_one_variant_per_kind() {
        let schema = inventory_schema();
        let variants = schema["oneOf"].as_array().unwrap();
        let kinds: Vec<&Value> = variants
            .iter()
            .map(|variant| &variant["properties"]["kind"]["const"])
            .collect();
        assert_eq!(
            kinds,
            ["Workspace", "Resource", "Records", "CustomTest"]
                .map(|kind| json!(kind))
                .iter()
                .collect::<Vec<_>>()
        );
        for variant in variants {
            assert_eq!(variant["properties"]["apiVersion"]["const"], API_VERSION);
            assert_eq!(variant["required"][0], "apiVersion");
        }
    }
}
