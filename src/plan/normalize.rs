//! Normalisation of records before comparison, so that nothing shows a perpetual diff and no
//! real change hides.
//!
//! Both sides of a comparison go through [`normalize`] with the same schema:
//! - timestamps become instants at second precision, written in UTC with `Z`, because Vanta
//!   drops fractional seconds and may return another offset for the same instant;
//! - integral numbers become JSON integers (`1.0` and `1e3` are the values 1 and 1000) in
//!   numeric fields and in fields of any type, while integers are never converted through
//!   floating point, so `9007199254740993` stays exact;
//! - an optional field that is `null` is the same as an absent one, but `""`, `false` and `0`
//!   stay values;
//! - arrays whose schema `metadata` says `"unordered": true` are sorted, and every other array
//!   keeps its order.
//!
//! Strings are never case-folded or Unicode-normalised: an email that differs only in case is
//! a change, and the plan warns about it separately.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::schema::jtd::{Form, Schema, TypeName};

/// Normalises a record in place against its schema. `root` is the schema that contains the
/// definitions `ref`s point to.
pub fn normalize(value: &mut Value, schema: &Schema, root: &Schema) {
    let Some(schema) = resolve(schema, root) else {
        return;
    };
    match (&schema.form, value) {
        (Form::Type(TypeName::Timestamp), Value::String(text)) => {
            if let Some(normal) = normalize_timestamp(text) {
                *text = normal;
            }
        }
        (Form::Type(kind), value @ Value::Number(_)) if is_numeric(*kind) => {
            if let Some(integer) = integral(value) {
                *value = integer;
            }
        }
        (Form::Empty, value) => normalize_numbers(value),
        (Form::Elements(element), Value::Array(items)) => {
            for item in items.iter_mut() {
                normalize(item, element, root);
            }
            if is_unordered(schema) {
                items.sort_by_cached_key(canonical_json);
            }
        }
        (Form::Values(inner), Value::Object(members)) => {
            for member in members.values_mut() {
                normalize(member, inner, root);
            }
        }
        (
            Form::Properties {
                required, optional, ..
            },
            Value::Object(members),
        ) => {
            for (name, property) in required {
                if let Some(member) = members.get_mut(name) {
                    normalize(member, property, root);
                }
            }
            for (name, property) in optional {
                if members.get(name).is_some_and(Value::is_null) {
                    members.shift_remove(name);
                } else if let Some(member) = members.get_mut(name) {
                    normalize(member, property, root);
                }
            }
        }
        (Form::Discriminator { tag, mapping }, Value::Object(members)) => {
            let selected = members.get(tag).and_then(Value::as_str).map(str::to_string);
            if let Some((_, variant)) = mapping
                .iter()
                .find(|(name, _)| Some(name) == selected.as_ref())
            {
                let mut variant_value = Value::Object(std::mem::take(members));
                normalize(&mut variant_value, variant, root);
                if let Value::Object(normalized) = variant_value {
                    *members = normalized;
                }
            }
        }
        _ => {}
    }
}

/// Rewrites integral numbers in integer-typed fields as JSON integers, and changes nothing
/// else, so a record keeps its timestamps and array order as written when it is sent.
pub fn integers_for_sending(value: &mut Value, schema: &Schema, root: &Schema) {
    let Some(schema) = resolve(schema, root) else {
        return;
    };
    match (&schema.form, value) {
        (Form::Type(kind), value @ Value::Number(_)) if kind.integer_range().is_some() => {
            if let Some(integer) = integral(value) {
                *value = integer;
            }
        }
        (Form::Elements(element), Value::Array(items)) => {
            for item in items.iter_mut() {
                integers_for_sending(item, element, root);
            }
        }
        (Form::Values(inner), Value::Object(members)) => {
            for member in members.values_mut() {
                integers_for_sending(member, inner, root);
            }
        }
        (
            Form::Properties {
                required, optional, ..
            },
            Value::Object(members),
        ) => {
            for (name, property) in required.iter().chain(optional) {
                if let Some(member) = members.get_mut(name) {
                    integers_for_sending(member, property, root);
                }
            }
        }
        (Form::Discriminator { tag, mapping }, Value::Object(members)) => {
            let selected = members.get(tag).and_then(Value::as_str).map(str::to_string);
            if let Some((_, variant)) = mapping
                .iter()
                .find(|(name, _)| Some(name) == selected.as_ref())
            {
                for (name, property) in variant_properties(variant) {
                    if let Some(member) = members.get_mut(name) {
                        integers_for_sending(member, property, root);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Returns the properties of a discriminator mapping's schema, which is always of the
/// properties form.
fn variant_properties(variant: &Schema) -> Vec<(&String, &Schema)> {
    match &variant.form {
        Form::Properties {
            required, optional, ..
        } => required
            .iter()
            .chain(optional)
            .map(|(name, schema)| (name, schema))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reports whether [`normalize`] would change a value, without copying it. Most records are
/// already in normal form, so the plan copies only those that are not.
pub fn needs_normalization(value: &Value, schema: &Schema, root: &Schema) -> bool {
    let Some(schema) = resolve(schema, root) else {
        return false;
    };
    match (&schema.form, value) {
        (Form::Type(TypeName::Timestamp), Value::String(text)) => {
            !is_normal_timestamp(text)
                && normalize_timestamp(text).is_some_and(|normal| normal != *text)
        }
        (Form::Type(kind), value @ Value::Number(_)) if is_numeric(*kind) => {
            integral(value).is_some()
        }
        (Form::Empty, value) => has_integral_float(value),
        (Form::Elements(element), Value::Array(items)) => {
            items
                .iter()
                .any(|item| needs_normalization(item, element, root))
                || (is_unordered(schema) && !is_sorted_canonically(items))
        }
        (Form::Values(inner), Value::Object(members)) => members
            .values()
            .any(|member| needs_normalization(member, inner, root)),
        (
            Form::Properties {
                required, optional, ..
            },
            Value::Object(members),
        ) => {
            let required_changes = required.iter().any(|(name, property)| {
                members
                    .get(name)
                    .is_some_and(|member| needs_normalization(member, property, root))
            });
            required_changes
                || optional.iter().any(|(name, property)| {
                    members.get(name).is_some_and(|member| {
                        member.is_null() || needs_normalization(member, property, root)
                    })
                })
        }
        (Form::Discriminator { tag, mapping }, Value::Object(members)) => {
            let selected = members.get(tag).and_then(Value::as_str);
            mapping
                .iter()
                .find(|(name, _)| Some(name.as_str()) == selected)
                .is_some_and(|(_, variant)| needs_normalization(value, variant, root))
        }
        _ => false,
    }
}

/// Reports whether a timestamp is already written as [`normalize_timestamp`] writes it:
/// `YYYY-MM-DDTHH:MM:SSZ`, without a leap second, which parsing would move.
fn is_normal_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digit_positions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    bytes.len() == 20
        && digit_positions
            .iter()
            .all(|&index| bytes[index].is_ascii_digit())
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[19] == b'Z'
        && &bytes[17..19] != b"60"
}

fn has_integral_float(value: &Value) -> bool {
    match value {
        Value::Number(_) => integral(value).is_some(),
        Value::Array(items) => items.iter().any(has_integral_float),
        Value::Object(members) => members.values().any(has_integral_float),
        _ => false,
    }
}

fn is_sorted_canonically(items: &[Value]) -> bool {
    let keys: Vec<String> = items.iter().map(canonical_json).collect();
    keys.windows(2).all(|pair| pair[0] <= pair[1])
}

/// Returns the paths of timestamps with fractional seconds in a record. Vanta keeps whole
/// seconds, so the plan compares whole seconds and warns about the digits that are lost.
pub fn fractional_timestamps(value: &Value, schema: &Schema, root: &Schema) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    find_fractions(value, schema, root, &mut Vec::new(), &mut found);
    found
}

fn find_fractions(
    value: &Value,
    schema: &Schema,
    root: &Schema,
    path: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) {
    let Some(schema) = resolve(schema, root) else {
        return;
    };
    let mut visit = |name: String, member: &Value, schema: &Schema| {
        path.push(name);
        find_fractions(member, schema, root, path, found);
        path.pop();
    };
    match (&schema.form, value) {
        (Form::Type(TypeName::Timestamp), Value::String(text)) => {
            // Only a timestamp with a `.` can have fractional seconds; parsing the others is
            // the most expensive part of this walk on a large inventory.
            let fractional = text.contains('.')
                && text
                    .parse::<jiff::Timestamp>()
                    .is_ok_and(|instant| instant.subsec_nanosecond() != 0);
            if fractional {
                found.push(path.clone());
            }
        }
        (Form::Elements(element), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                visit(index.to_string(), item, element);
            }
        }
        (Form::Values(inner), Value::Object(members)) => {
            for (name, member) in members {
                visit(name.clone(), member, inner);
            }
        }
        (
            Form::Properties {
                required, optional, ..
            },
            Value::Object(members),
        ) => {
            for (name, property) in required.iter().chain(optional) {
                if let Some(member) = members.get(name) {
                    visit(name.clone(), member, property);
                }
            }
        }
        (Form::Discriminator { tag, mapping }, Value::Object(members)) => {
            let selected = members.get(tag).and_then(Value::as_str);
            if let Some((_, variant)) = mapping
                .iter()
                .find(|(name, _)| Some(name.as_str()) == selected)
            {
                find_fractions(value, variant, root, path, found);
            }
        }
        _ => {}
    }
}

/// Follows `ref`s to the schema that has the real form. Returns `None` for a dangling or
/// cyclic chain, which a compiled schema never has.
fn resolve<'a>(schema: &'a Schema, root: &'a Schema) -> Option<&'a Schema> {
    let mut current = schema;
    for _ in 0..32 {
        match &current.form {
            Form::Ref(name) => current = root.definitions.get(name)?,
            _ => return Some(current),
        }
    }
    None
}

/// Reports whether an elements schema marks its array as unordered in `metadata`.
pub fn is_unordered(schema: &Schema) -> bool {
    schema
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get("unordered"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Returns a timestamp as an instant at second precision in UTC, or `None` when the text is
/// not an RFC 3339 timestamp.
pub fn normalize_timestamp(text: &str) -> Option<String> {
    let instant: jiff::Timestamp = text.parse().ok()?;
    let seconds = instant.as_second();
    let truncated = jiff::Timestamp::from_second(seconds).ok()?;
    Some(truncated.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn is_numeric(kind: TypeName) -> bool {
    kind.integer_range().is_some() || matches!(kind, TypeName::Float32 | TypeName::Float64)
}

/// Turns integral numbers anywhere inside a value of no declared type into integers.
fn normalize_numbers(value: &mut Value) {
    match value {
        Value::Number(_) => {
            if let Some(integer) = integral(value) {
                *value = integer;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_numbers),
        Value::Object(members) => members.values_mut().for_each(normalize_numbers),
        _ => {}
    }
}

/// Converts an integral floating-point number of at most 2^53 into a JSON integer. Larger
/// floating-point numbers stay as they are, because their integer digits are already rounded.
fn integral(value: &Value) -> Option<Value> {
    let Value::Number(number) = value else {
        return None;
    };
    if number.is_i64() || number.is_u64() {
        return None;
    }
    let float = number.as_f64()?;
    if float.fract() != 0.0 || float.abs() > 9_007_199_254_740_992.0 {
        return None;
    }
    Some(Value::from(float as i64))
}

/// Serialises a value with object keys sorted, so equal values give equal text.
pub fn canonical_json(value: &Value) -> String {
    let mut output = String::new();
    write_canonical(value, &mut output);
    output
}

/// Appends the canonical JSON of a value to `output`.
pub fn write_canonical(value: &Value, output: &mut String) {
    match value {
        Value::Object(members) => {
            let mut entries: Vec<(&String, &Value)> = members.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            output.push('{');
            for (index, (key, member)) in entries.into_iter().enumerate() {
                if index > 0 {
                    output.push(',');
                }
                push_json_string(output, key);
                output.push(':');
                write_canonical(member, output);
            }
            output.push('}');
        }
        Value::Array(items) => {
            output.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    output.push(',');
                }
                write_canonical(item, output);
            }
            output.push(']');
        }
        Value::String(text) => push_json_string(output, text),
        Value::Number(number) => {
            // Writing to a `String` cannot fail.
            let _ = write!(output, "{number}");
        }
        Value::Bool(true) => output.push_str("true"),
        Value::Bool(false) => output.push_str("false"),
        Value::Null => output.push_str("null"),
    }
}

/// Appends a string as JSON, quoted and escaped exactly as `serde_json` writes it.
pub fn push_json_string(output: &mut String, text: &str) {
    let plain = text
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\');
    if plain {
        output.push('"');
        output.push_str(text);
        output.push('"');
    } else {
        output.push_str(&Value::String(text.to_string()).to_string());
    }
}

/// Returns a record's members without server fields, for comparison.
pub fn strip_server_fields(members: &mut Map<String, Value>) {
    for field in crate::vanta::SERVER_FIELDS {
        members.shift_remove(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(json: Value) -> Schema {
        Schema::from_json(&json).expect("a valid schema")
    }

    #[test]
    fn equivalent_timestamps_become_equal() {
        let variants = [
            "2026-05-05T00:00:00Z",
            "2026-05-05T00:00:00.000Z",
            "2026-05-05T00:00:00+00:00",
            "2026-05-04T17:00:00-07:00",
            "2026-05-05T00:00:00.9Z",
        ];
        for variant in variants {
            assert_eq!(
                normalize_timestamp(variant).as_deref(),
                Some("2026-05-05T00:00:00Z"),
                "{variant}"
            );
        }
        assert_eq!(
            normalize_timestamp("2026-05-05T00:00:01Z").as_deref(),
            Some("2026-05-05T00:00:01Z")
        );
    }

    #[test]
    fn optional_nulls_drop_empty_values_stay() {
        let schema = schema(json!({
            "properties": { "a": { "type": "string" } },
            "optionalProperties": { "notes": { "type": "string" }, "flag": { "type": "boolean" } }
        }));
        let mut null = json!({ "a": "", "notes": null });
        normalize(&mut null, &schema, &schema);
        assert_eq!(null, json!({ "a": "" }));
        let mut values = json!({ "a": "", "notes": "", "flag": false });
        normalize(&mut values, &schema, &schema);
        assert_eq!(values, json!({ "a": "", "notes": "", "flag": false }));
    }

    #[test]
    fn integral_floats_become_integers() {
        let schema = schema(json!({
            "properties": { "seats": { "type": "int32" }, "big": { "type": "float64" } }
        }));
        let mut value = json!({ "seats": 1e3, "big": 9007199254740993u64 });
        normalize(&mut value, &schema, &schema);
        assert_eq!(value["seats"], json!(1000));
        assert_eq!(value["big"].as_u64(), Some(9007199254740993));
    }

    #[test]
    fn float_and_untyped_numbers_become_integers() {
        let schema = schema(json!({
            "properties": { "ratio": { "type": "float64" }, "extra": {} }
        }));
        let mut value = json!({ "ratio": 1e3, "extra": { "n": [2.0, 2.5] } });
        normalize(&mut value, &schema, &schema);
        assert_eq!(value["ratio"].to_string(), "1000");
        assert_eq!(value["extra"].to_string(), r#"{"n":[2,2.5]}"#);
    }

    #[test]
    fn only_unordered_arrays_are_sorted() {
        let schema = schema(json!({
            "properties": {
                "set": { "elements": { "type": "string" }, "metadata": { "unordered": true } },
                "list": { "elements": { "type": "string" } }
            }
        }));
        let mut value = json!({ "set": ["b", "a"], "list": ["b", "a"] });
        normalize(&mut value, &schema, &schema);
        assert_eq!(value, json!({ "set": ["a", "b"], "list": ["b", "a"] }));
    }

    #[test]
    fn fractional_timestamps_are_found_by_path() {
        let schema = schema(json!({
            "properties": {
                "at": { "type": "timestamp" },
                "history": { "elements": { "type": "timestamp" } }
            }
        }));
        let value = json!({
            "at": "2026-05-05T00:00:00Z",
            "history": ["2026-05-05T00:00:00.000Z", "2026-05-05T00:00:00.1234567+02:00"]
        });
        assert_eq!(
            fractional_timestamps(&value, &schema, &schema),
            vec![vec!["history".to_string(), "1".to_string()]]
        );
    }

    #[test]
    fn normal_values_need_no_copy() {
        let schema = schema(json!({
            "properties": {
                "at": { "type": "timestamp" },
                "n": { "type": "int32" },
                "set": { "elements": { "type": "string" }, "metadata": { "unordered": true } }
            },
            "optionalProperties": { "note": { "type": "string" } }
        }));
        let normal = json!({ "at": "2026-05-05T00:00:00Z", "n": 3, "set": ["a", "b"] });
        assert!(!needs_normalization(&normal, &schema, &schema));
        let variants = [
            json!({ "at": "2026-05-05T00:00:00.5Z", "n": 3, "set": ["a", "b"] }),
            json!({ "at": "2026-05-05T02:00:00+02:00", "n": 3, "set": ["a", "b"] }),
            json!({ "at": "2026-05-05T00:00:00Z", "n": 3.0, "set": ["a", "b"] }),
            json!({ "at": "2026-05-05T00:00:00Z", "n": 3, "set": ["b", "a"] }),
            json!({ "at": "2026-05-05T00:00:00Z", "n": 3, "set": ["a", "b"], "note": null }),
        ];
        for variant in variants {
            assert!(needs_normalization(&variant, &schema, &schema), "{variant}");
            let mut copy = variant.clone();
            normalize(&mut copy, &schema, &schema);
            assert_ne!(copy, variant, "normalize changes {variant}");
        }
    }

    #[test]
    fn integers_are_sent_as_integers() {
        let schema = schema(json!({
            "properties": {
                "memory": { "type": "int32" },
                "score": { "type": "float64" },
                "at": { "type": "timestamp" }
            }
        }));
        let mut value =
            json!({ "memory": 4.096e3, "score": 7.0, "at": "2026-05-05T02:00:00+02:00" });
        integers_for_sending(&mut value, &schema, &schema);
        assert_eq!(value["memory"].to_string(), "4096");
        assert_eq!(value["score"].to_string(), "7.0");
        assert_eq!(value["at"], json!("2026-05-05T02:00:00+02:00"));
    }

    #[test]
    fn canonical_json_sorts_keys() {
        assert_eq!(
            canonical_json(&json!({ "b": 1, "a": [true, null] })),
            r#"{"a":[true,null],"b":1}"#
        );
    }
}
