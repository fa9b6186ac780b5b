//! Detection of Custom Test fields that the resource's records cannot have.
//!
//! A misspelt field is missing on every record. In `rule` that fails every record, which is
//! visible, but in `scope` it selects no record at all, so the test passes without checking
//! anything. Checking field paths against the JTD schema of the resource's records catches both.

use serde_json::Value;

use super::rule::{CustomTest, FieldPath, Rule};

/// Returns the fields of a test's `scope` and `rule` that no record matching `record_schema`
/// can have, each once, in the order they appear.
///
/// `record_schema` is a JTD schema (RFC 8927), normally the base schema extended with the
/// resource's custom properties. An array index segment matches `elements`, any segment matches
/// `values` or an empty schema, and `ref` is followed into the root's `definitions`.
pub fn unknown_fields(test: &CustomTest, record_schema: &Value) -> Vec<FieldPath> {
    let fields = test_fields(test);
    let definitions = record_schema.get("definitions");
    let mut unknown: Vec<FieldPath> = Vec::new();
    for field in fields {
        let known = path_exists(record_schema, field.segments(), definitions, 0);
        if !known && !unknown.contains(field) {
            unknown.push(field.clone());
        }
    }
    unknown
}

/// Returns every field that a test's `scope` and `rule` read, in the order they appear.
pub fn test_fields(test: &CustomTest) -> Vec<&FieldPath> {
    let mut fields = Vec::new();
    if let Some(scope) = &test.scope {
        collect_fields(scope, &mut fields);
    }
    collect_fields(&test.rule, &mut fields);
    fields
}

fn collect_fields<'a>(rule: &'a Rule, fields: &mut Vec<&'a FieldPath>) {
    match rule {
        Rule::All(rules) | Rule::Any(rules) => {
            for rule in rules {
                collect_fields(rule, fields);
            }
        }
        Rule::Not(inner) => collect_fields(inner, fields),
        Rule::Compare(comparison) => fields.push(&comparison.field),
    }
}

/// Maximum number of `ref` hops followed for one segment, which stops a cycle of definitions
/// that refer only to each other.
const MAX_REF_HOPS: usize = 32;

/// Reports whether `segments` lead to a value that `schema` allows.
fn path_exists(
    schema: &Value,
    segments: &[String],
    definitions: Option<&Value>,
    ref_hops: usize,
) -> bool {
    let Some((segment, rest)) = segments.split_first() else {
        return true;
    };

    if let Some(name) = schema.get("ref").and_then(Value::as_str) {
        let target = definitions.and_then(|definitions| definitions.get(name));
        return match target {
            Some(target) if ref_hops < MAX_REF_HOPS => {
                path_exists(target, segments, definitions, ref_hops + 1)
            }
            _ => false,
        };
    }

    let properties = schema.get("properties").and_then(Value::as_object);
    let optional = schema.get("optionalProperties").and_then(Value::as_object);
    if properties.is_some() || optional.is_some() {
        let member = properties
            .and_then(|members| members.get(segment))
            .or_else(|| optional.and_then(|members| members.get(segment)));
        return match member {
            Some(member) => path_exists(member, rest, definitions, 0),
            None => schema.get("additionalProperties") == Some(&Value::Bool(true)),
        };
    }
    if let Some(elements) = schema.get("elements") {
        return segment.parse::<usize>().is_ok() && path_exists(elements, rest, definitions, 0);
    }
    if let Some(values) = schema.get("values") {
        return path_exists(values, rest, definitions, 0);
    }
    if let Some(tag) = schema.get("discriminator").and_then(Value::as_str) {
        if segment == tag {
            return rest.is_empty();
        }
        let mapping = schema.get("mapping").and_then(Value::as_object);
        return mapping.is_some_and(|mapping| {
            mapping
                .values()
                .any(|variant| path_exists(variant, segments, definitions, 0))
        });
    }
    if schema.get("type").is_some() || schema.get("enum").is_some() {
        // A scalar has no members to step into.
        return false;
    }
    // The empty schema accepts any value, so any path may exist.
    true
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::base::{BaseType, record_schema_json};

    fn custom_test(scope: Option<Value>, rule: Value) -> CustomTest {
        crate::custom_tests::test_document(scope, rule)
    }

    fn names(fields: &[FieldPath]) -> Vec<String> {
        fields.iter().map(FieldPath::to_string).collect()
    }

    fn servers_schema() -> Value {
        let custom = json!({
            "properties": {
                "environment": { "type": "string" },
                "active": { "type": "boolean" },
                "memory": { "type": "int32" }
            }
        });
        record_schema_json(BaseType::CustomResource, Some(&custom))
    }

    #[test]
    fn known_fields_pass() {
        let test = custom_test(
            Some(json!({ "field": "customProperties.environment", "equals": "production" })),
            json!({ "all": [
                { "field": "customProperties.active", "equals": true },
                { "not": { "field": "customProperties.memory", "lessThan": 8192 } },
                { "field": "displayName", "isNotEmpty": true }
            ] }),
        );
        assert!(unknown_fields(&test, &servers_schema()).is_empty());
    }

    #[test]
    fn misspelt_fields_reported_once() {
        let test = custom_test(
            Some(json!({ "field": "customProperties.enviroment", "equals": "production" })),
            json!({ "any": [
                { "field": "customProperties.memroy", "atLeast": 8192 },
                { "field": "customProperties.memroy", "isEmpty": true },
                { "field": "customProperties.active.value", "equals": true }
            ] }),
        );
        assert_eq!(
            names(&unknown_fields(&test, &servers_schema())),
            [
                "customProperties.enviroment",
                "customProperties.memroy",
                "customProperties.active.value"
            ]
        );
    }

    #[test]
    fn custom_properties_need_declaration() {
        let test = custom_test(
            None,
            json!({ "field": "customProperties.memory", "atLeast": 1 }),
        );
        let schema = record_schema_json(BaseType::CustomResource, None);
        assert_eq!(
            names(&unknown_fields(&test, &schema)),
            ["customProperties.memory"]
        );
    }

    #[test]
    fn array_segments_need_index() {
        let schema = record_schema_json(BaseType::MacosUserComputer, None);
        let indexed = custom_test(
            None,
            json!({ "field": "users.0.screenlockSettings.requiresPassword", "equals": true }),
        );
        assert!(unknown_fields(&indexed, &schema).is_empty());
        let optional = custom_test(None, json!({ "field": "owner", "isNotEmpty": true }));
        assert!(unknown_fields(&optional, &schema).is_empty());
        let named = custom_test(
            None,
            json!({ "field": "users.ada.username", "isEmpty": true }),
        );
        assert_eq!(
            names(&unknown_fields(&named, &schema)),
            ["users.ada.username"]
        );
    }

    #[test]
    fn other_forms_followed() {
        let schema = json!({
            "definitions": {
                "loop": { "ref": "loop" },
                "address": { "properties": { "city": { "type": "string" } } }
            },
            "properties": {
                "labels": { "values": { "type": "string" } },
                "home": { "ref": "address" },
                "cycle": { "ref": "loop" },
                "anything": {},
                "shape": {
                    "discriminator": "kind",
                    "mapping": {
                        "circle": { "properties": { "radius": { "type": "float64" } } }
                    }
                }
            }
        });
        let known = custom_test(
            None,
            json!({ "all": [
                { "field": "labels.team", "equals": "x" },
                { "field": "home.city", "equals": "x" },
                { "field": "anything.at.all", "equals": "x" },
                { "field": "shape.kind", "equals": "circle" },
                { "field": "shape.radius", "atLeast": 1 }
            ] }),
        );
        assert!(unknown_fields(&known, &schema).is_empty());
        let unknown = custom_test(
            None,
            json!({ "all": [
                { "field": "home.street", "equals": "x" },
                { "field": "cycle.x", "equals": "x" },
                { "field": "shape.side", "equals": 1 },
                { "field": "shape.kind.x", "equals": 1 }
            ] }),
        );
        assert_eq!(
            names(&unknown_fields(&unknown, &schema)),
            ["home.street", "cycle.x", "shape.side", "shape.kind.x"]
        );
    }
}
