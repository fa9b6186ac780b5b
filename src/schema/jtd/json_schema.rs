//! Conversion of a JTD schema to JSON Schema draft 2020-12, for editors.
//!
//! Editors such as yaml-language-server complete and check YAML files against JSON Schema, not
//! JTD. The conversion keeps the JTD verdict wherever JSON Schema can express it:
//!
//! - `definitions` become `$defs`, and a `ref` becomes a `$ref` to `#/$defs/<name>`.
//! - Integer types become `integer` with `minimum` and `maximum`. Draft 2020-12 counts `1.0` as
//!   an integer, as JTD does.
//! - `timestamp` becomes a string with `format: date-time` and a `pattern` for the RFC 3339
//!   syntax, because draft 2020-12 lets validators treat `format` as an annotation only, and
//!   the `jsonschema` crate does so by default.
//! - The properties form sets `additionalProperties: false` unless JTD allows extra members.
//! - A discriminator becomes an object whose tag is an `enum` of the mapping keys, plus a
//!   `oneOf` of the variants, each of which pins the tag with `const`.
//! - `nullable` adds `"null"` to `type` or `enum` where there is one, and wraps the schema in
//!   `anyOf` with `{"type": "null"}` otherwise.
//! - `metadata.description` becomes `description`.
//!
//! NOTE: the `pattern` checks syntax and field ranges but not days per month or where a leap
//! second may fall, so a validator that ignores `format` accepts `2023-02-30T00:00:00Z`.

use serde_json::{Map, Value, json};

use super::pointer::to_pointer;
use super::schema::{Form, Schema, TypeName};

/// The `$schema` URI of JSON Schema draft 2020-12.
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The RFC 3339 `date-time` syntax, with `T` and `Z` in either case and seconds up to 60.
const TIMESTAMP_PATTERN: &str = concat!(
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
    r"[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?",
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
);

/// Converts a root JTD schema to a JSON Schema draft 2020-12 document.
pub fn to_json_schema(schema: &Schema) -> Value {
    let mut converted = convert(schema);
    if let Value::Object(object) = &mut converted {
        if !schema.definitions.is_empty() {
            let definitions: Map<String, Value> = schema
                .definitions
                .iter()
                .map(|(name, definition)| (name.clone(), convert(definition)))
                .collect();
            object.insert("$defs".to_owned(), Value::Object(definitions));
        }
        object.insert("$schema".to_owned(), json!(DRAFT_2020_12));
    }
    converted
}

/// Converts one schema and its descendants, without `$schema` or `$defs`.
fn convert(schema: &Schema) -> Value {
    let mut object = Map::new();
    if let Some(description) = schema.description() {
        object.insert("description".to_owned(), json!(description));
    }
    match &schema.form {
        // The empty form accepts everything, null included, whatever the value of `nullable`.
        Form::Empty => {}
        Form::Ref(name) => {
            let reference = json!({ "$ref": definition_uri(name) });
            add_nullable(&mut object, reference, schema.nullable);
        }
        Form::Type(type_name) => {
            convert_type(&mut object, *type_name);
            make_type_nullable(&mut object, schema.nullable);
        }
        Form::Enum(values) => {
            let mut allowed: Vec<Value> = values.iter().map(|value| json!(value)).collect();
            if schema.nullable {
                allowed.push(Value::Null);
            }
            object.insert("enum".to_owned(), Value::Array(allowed));
        }
        Form::Elements(item_schema) => {
            object.insert("type".to_owned(), json!("array"));
            object.insert("items".to_owned(), convert(item_schema));
            make_type_nullable(&mut object, schema.nullable);
        }
        Form::Properties {
            required,
            optional,
            additional,
            ..
        } => {
            convert_properties(&mut object, required, optional, *additional, None);
            make_type_nullable(&mut object, schema.nullable);
        }
        Form::Values(value_schema) => {
            object.insert("type".to_owned(), json!("object"));
            object.insert("additionalProperties".to_owned(), convert(value_schema));
            make_type_nullable(&mut object, schema.nullable);
        }
        Form::Discriminator { tag, mapping } => {
            let discriminator = convert_discriminator(tag, mapping);
            add_nullable(&mut object, discriminator, schema.nullable);
        }
    }
    Value::Object(object)
}

/// Returns the `$ref` URI of a definition: a JSON Pointer in the fragment, percent-encoded
/// because definition names may contain characters that a URI fragment does not allow.
fn definition_uri(name: &str) -> String {
    let pointer = to_pointer(&["$defs", name]);
    let mut uri = String::from("#");
    for byte in pointer.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/$".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn convert_type(object: &mut Map<String, Value>, type_name: TypeName) {
    let json_type = match type_name {
        TypeName::Boolean => "boolean",
        TypeName::String => "string",
        TypeName::Timestamp => {
            object.insert("format".to_owned(), json!("date-time"));
            object.insert("pattern".to_owned(), json!(TIMESTAMP_PATTERN));
            "string"
        }
        TypeName::Float32 | TypeName::Float64 => "number",
        integer => {
            if let Some((min, max)) = integer.integer_range() {
                object.insert("minimum".to_owned(), json!(min));
                object.insert("maximum".to_owned(), json!(max));
            }
            "integer"
        }
    };
    object.insert("type".to_owned(), json!(json_type));
}

/// Turns `"type": T` into `"type": [T, "null"]` when `nullable` is set. The other keywords
/// of these schemas apply only to values of type `T`, so `null` passes them.
fn make_type_nullable(object: &mut Map<String, Value>, nullable: bool) {
    if !nullable {
        return;
    }
    if let Some(json_type) = object.remove("type") {
        object.insert("type".to_owned(), json!([json_type, "null"]));
    }
}

/// Adds `schema` to `object`, as `anyOf` with `{"type": "null"}` when `nullable` is set and
/// else by merging its keywords.
fn add_nullable(object: &mut Map<String, Value>, schema: Value, nullable: bool) {
    if nullable {
        object.insert("anyOf".to_owned(), json!([{ "type": "null" }, schema]));
    } else if let Value::Object(keywords) = schema {
        object.extend(keywords);
    } else {
        object.insert("allOf".to_owned(), json!([schema]));
    }
}

/// Adds the keywords of a properties form. `tag` is a discriminator tag and its value, which
/// a mapping variant must accept although it does not list the tag among its properties.
fn convert_properties(
    object: &mut Map<String, Value>,
    required: &[(String, Schema)],
    optional: &[(String, Schema)],
    additional: bool,
    tag: Option<(&str, &str)>,
) {
    let mut properties = Map::new();
    let mut required_names = Vec::new();
    if let Some((tag, value)) = tag {
        properties.insert(tag.to_owned(), json!({ "const": value }));
        required_names.push(json!(tag));
    }
    for (name, property_schema) in required {
        properties.insert(name.clone(), convert(property_schema));
        required_names.push(json!(name));
    }
    for (name, property_schema) in optional {
        properties.insert(name.clone(), convert(property_schema));
    }
    object.insert("type".to_owned(), json!("object"));
    object.insert("properties".to_owned(), Value::Object(properties));
    if !required_names.is_empty() {
        object.insert("required".to_owned(), Value::Array(required_names));
    }
    if !additional {
        object.insert("additionalProperties".to_owned(), json!(false));
    }
}

/// Returns the non-nullable JSON Schema of a discriminator form.
fn convert_discriminator(tag: &str, mapping: &[(String, Schema)]) -> Value {
    // JTD rejects every instance when the mapping is empty, and draft 2020-12 requires
    // `oneOf` to be non-empty, so the schema that rejects everything is used instead.
    if mapping.is_empty() {
        return json!({ "not": {} });
    }
    let keys: Vec<&str> = mapping.iter().map(|(key, _)| key.as_str()).collect();
    let variants: Vec<Value> = mapping
        .iter()
        .map(|(key, variant)| convert_variant(tag, key, variant))
        .collect();
    json!({
        "type": "object",
        "properties": { tag: { "type": "string", "enum": keys } },
        "required": [tag],
        "oneOf": variants,
    })
}

/// Converts one mapping variant, which `Schema::from_json` guarantees to be a non-nullable
/// properties form.
fn convert_variant(tag: &str, key: &str, variant: &Schema) -> Value {
    let mut object = Map::new();
    if let Some(description) = variant.description() {
        object.insert("description".to_owned(), json!(description));
    }
    match &variant.form {
        Form::Properties {
            required,
            optional,
            additional,
            ..
        } => {
            convert_properties(
                &mut object,
                required,
                optional,
                *additional,
                Some((tag, key)),
            );
            Value::Object(object)
        }
        // A hand-built variant of another form is converted as JTD would evaluate it, with
        // the tag value pinned so that `oneOf` still selects one variant.
        _ => json!({
            "allOf": [convert(variant), { "properties": { tag: { "const": key } } }],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_json(json: Value) -> Value {
        match Schema::from_json(&json) {
            Ok(schema) => to_json_schema(&schema),
            Err(error) => panic!("test schema {json} is invalid: {error}"),
        }
    }

    #[test]
    fn root_names_draft() {
        let converted = convert_json(json!({}));
        assert_eq!(converted, json!({ "$schema": DRAFT_2020_12 }));
    }

    #[test]
    fn integer_gets_range() {
        let converted = convert_json(json!({"type": "int8"}));
        assert_eq!(converted["type"], json!("integer"));
        assert_eq!(converted["minimum"], json!(-128));
        assert_eq!(converted["maximum"], json!(127));
    }

    #[test]
    fn nullable_type_becomes_union() {
        let converted = convert_json(json!({"type": "string", "nullable": true}));
        assert_eq!(converted["type"], json!(["string", "null"]));
    }

    #[test]
    fn nullable_enum_lists_null() {
        let converted = convert_json(json!({"enum": ["a"], "nullable": true}));
        assert_eq!(converted["enum"], json!(["a", null]));
    }

    #[test]
    fn nullable_ref_uses_any_of() {
        let converted = convert_json(json!({
            "definitions": {"a": {"type": "string"}},
            "ref": "a",
            "nullable": true
        }));
        assert_eq!(
            converted["anyOf"],
            json!([{"type": "null"}, {"$ref": "#/$defs/a"}])
        );
        assert_eq!(converted["$defs"]["a"], json!({"type": "string"}));
    }

    #[test]
    fn properties_keep_order_and_close_object() {
        let converted = convert_json(json!({
            "properties": {"b": {}, "a": {}},
            "optionalProperties": {"c": {}}
        }));
        let names: Vec<&String> = match converted["properties"].as_object() {
            Some(properties) => properties.keys().collect(),
            None => panic!("no properties in {converted}"),
        };
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(converted["required"], json!(["b", "a"]));
        assert_eq!(converted["additionalProperties"], json!(false));
    }

    #[test]
    fn additional_properties_stay_open() {
        let converted = convert_json(json!({
            "optionalProperties": {"a": {}},
            "additionalProperties": true
        }));
        assert!(converted.get("additionalProperties").is_none());
    }

    #[test]
    fn description_comes_from_metadata() {
        let converted = convert_json(json!({
            "type": "boolean",
            "metadata": {"description": "Whether the account is active."}
        }));
        assert_eq!(
            converted["description"],
            json!("Whether the account is active.")
        );
    }

    #[test]
    fn definition_uri_escapes_pointer_and_uri() {
        assert_eq!(definition_uri("plain"), "#/$defs/plain");
        assert_eq!(definition_uri("a/b~c"), "#/$defs/a~1b~0c");
        assert_eq!(definition_uri("a b%é"), "#/$defs/a%20b%25%C3%A9");
    }

    #[test]
    fn discriminator_variants_pin_tag() {
        let converted = convert_json(json!({
            "discriminator": "kind",
            "mapping": {"a": {"properties": {"x": {"type": "string"}}}}
        }));
        assert_eq!(converted["properties"]["kind"]["enum"], json!(["a"]));
        let variant = &converted["oneOf"][0];
        assert_eq!(variant["properties"]["kind"], json!({"const": "a"}));
        assert_eq!(variant["required"], json!(["kind", "x"]));
    }

    #[test]
    fn empty_mapping_rejects_all() {
        let converted = convert_json(json!({"discriminator": "kind", "mapping": {}}));
        assert_eq!(converted["not"], json!({}));
    }
}
