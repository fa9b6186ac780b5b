//! Validation of the records a PUT sends, with the error messages Vanta returns.
//!
//! Vanta rejects the whole request on the first invalid record and reports one problem in
//! `{"error": "..."}`. The message shapes, as users of Vanta's live API reported them:
//!
//! - `/0: must have property 'fullName'` for a missing property,
//! - `Too many fields on resource with uniqueId DEV-1 (element 0). Extra keys: a, b` for
//!   unknown keys, listing each of them,
//! - `/0/status: must be equal to one of the allowed values` for a value outside an enum.

use serde_json::{Map, Value};

use super::config::ResourceDecl;
use crate::schema::base::{BaseType, record_schema_json};
use crate::schema::jtd::{
    self, ErrorKind, Form, Schema, TypeName, ValidationError, ValidationOptions,
};
use crate::schema::rules;

/// Checks that a custom properties schema is a valid JTD `properties` form that extends the
/// base type's schema.
pub fn check_custom_properties_schema(base_type: BaseType, schema: &Value) -> Result<(), String> {
    let Some(object) = schema.as_object() else {
        return Err("must be a JTD schema object".to_owned());
    };
    if !object.contains_key("properties") && !object.contains_key("optionalProperties") {
        return Err("must be a JTD properties schema".to_owned());
    }
    Schema::from_json(&record_schema_json(base_type, Some(schema)))
        .map(|_| ())
        .map_err(|error| error.to_string())
}

/// The checks a declared resource's records go through.
#[derive(Debug)]
pub struct RecordValidator {
    base_type: BaseType,
    schema: Schema,
    check_rules: bool,
    require_https_external_url: bool,
}

impl RecordValidator {
    /// Compiles the record schema of `resource`: its base type's schema with its custom
    /// properties.
    pub fn new(
        resource: &ResourceDecl,
        check_rules: bool,
        require_https_external_url: bool,
    ) -> Result<Self, String> {
        let schema_json =
            record_schema_json(resource.base_type, resource.custom_properties.as_ref());
        let schema = Schema::from_json(&schema_json).map_err(|error| error.to_string())?;
        Ok(RecordValidator {
            base_type: resource.base_type,
            schema,
            check_rules,
            require_https_external_url,
        })
    }

    /// Validates every element of a PUT's `resources` array and returns the records, or the
    /// message of the first problem in the first invalid element.
    pub fn validate(&self, elements: &[Value]) -> Result<Vec<Map<String, Value>>, String> {
        let mut records = Vec::with_capacity(elements.len());
        for (index, element) in elements.iter().enumerate() {
            self.validate_element(index, element)?;
            if let Value::Object(record) = element {
                records.push(record.clone());
            }
        }
        Ok(records)
    }

    /// Removes fractional seconds from the record's `timestamp` fields, as Vanta does when it
    /// stores them.
    pub fn drop_fractional_seconds(&self, record: &mut Map<String, Value>) {
        let mut value = Value::Object(std::mem::take(record));
        drop_fractions(&self.schema, &self.schema, &mut value);
        if let Value::Object(object) = value {
            *record = object;
        }
    }

    fn validate_element(&self, index: usize, element: &Value) -> Result<(), String> {
        let errors = jtd::validate(&self.schema, element, &ValidationOptions::default())
            .map_err(|error| format!("/{index}: {error}"))?;

        // Unknown top-level keys are reported all at once, before any other problem.
        // NOTE: which problem Vanta reports first when a record has several is unknown.
        let extra_keys: Vec<&str> = errors
            .iter()
            .filter_map(
                |error| match (&error.kind, error.instance_path.as_slice()) {
                    (ErrorKind::AdditionalProperty { name }, [_]) => Some(name.as_str()),
                    _ => None,
                },
            )
            .collect();
        if !extra_keys.is_empty() {
            // Vanta's server is JavaScript, which prints a missing uniqueId as `undefined`.
            let unique_id = element
                .get("uniqueId")
                .map_or("undefined".to_owned(), display_value);
            return Err(too_many_fields(&unique_id, index, &extra_keys));
        }
        if let Some(error) = errors.first() {
            return Err(describe(index, error));
        }

        if self.check_rules
            && let Some(violation) = rules::check(self.base_type, element).first()
        {
            let pointer = jtd::to_pointer(&violation.instance_path);
            return Err(format!("/{index}{pointer}: {}", violation.message));
        }
        if self.require_https_external_url
            && let Some(violation) = rules::check_external_url(element)
        {
            return Err(format!("/{index}/externalUrl: {}", violation.message));
        }
        Ok(())
    }
}

/// Formats a JTD error the way Vanta's validator (Ajv in JTD mode) does:
/// `<instance path>: <message>`, where the path starts at the element index.
fn describe(index: usize, error: &ValidationError) -> String {
    let pointer = jtd::to_pointer(&error.instance_path);
    match &error.kind {
        ErrorKind::MissingProperty { name } => {
            format!("/{index}{pointer}: must have property '{name}'")
        }
        ErrorKind::AdditionalProperty { .. } => {
            // A nested unknown key: Ajv reports it on the object that contains it.
            let parent = jtd::to_pointer(&error.instance_path[..error.instance_path.len() - 1]);
            format!("/{index}{parent}: must NOT have additional properties")
        }
        ErrorKind::Type { expected } => format!("/{index}{pointer}: must be {}", expected.as_str()),
        ErrorKind::Enum { .. } => {
            format!("/{index}{pointer}: must be equal to one of the allowed values")
        }
        ErrorKind::NotArray => format!("/{index}{pointer}: must be array"),
        ErrorKind::NotObject => format!("/{index}{pointer}: must be object"),
        ErrorKind::DiscriminatorTagMissing { tag } => {
            format!("/{index}{pointer}: must have property '{tag}'")
        }
        ErrorKind::DiscriminatorTagNotString { tag } => {
            format!("/{index}{pointer}/{tag}: must be string")
        }
        ErrorKind::DiscriminatorValueUnknown { tag, .. } => {
            format!("/{index}{pointer}/{tag}: must be equal to one of the allowed values")
        }
        ErrorKind::UndefinedRef { name } => {
            format!("/{index}{pointer}: the schema refers to missing definition {name}")
        }
    }
}

/// Renders a JSON value as JavaScript's template strings would: strings without quotes.
fn display_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Builds Vanta's message for unknown keys on a record.
pub fn too_many_fields(unique_id: &str, index: usize, keys: &[&str]) -> String {
    format!(
        "Too many fields on resource with uniqueId {unique_id} (element {index}). Extra keys: {}",
        keys.join(", ")
    )
}

/// Finds the first `uniqueId` that appears twice and returns the message that rejects it.
pub fn find_duplicate(records: &[Map<String, Value>]) -> Option<String> {
    let mut first_index = std::collections::HashMap::new();
    for (index, record) in records.iter().enumerate() {
        let Some(unique_id) = record.get("uniqueId").and_then(Value::as_str) else {
            continue;
        };
        if let Some(first) = first_index.insert(unique_id, index) {
            return Some(format!(
                "Duplicate uniqueId {unique_id} (elements {first} and {index})"
            ));
        }
    }
    None
}

/// Removes fractional seconds from the values of `timestamp` fields, because Vanta does not
/// retain them. The offset is kept as sent.
fn drop_fractions(root: &Schema, schema: &Schema, value: &mut Value) {
    let Some(schema) = schema.resolve_all(root) else {
        return;
    };
    match (&schema.form, value) {
        (Form::Type(TypeName::Timestamp), Value::String(text)) => {
            if let Some(shortened) = without_fraction(text) {
                *text = shortened;
            }
        }
        (Form::Elements(item_schema), Value::Array(items)) => {
            for item in items {
                drop_fractions(root, item_schema, item);
            }
        }
        (
            Form::Properties {
                required, optional, ..
            },
            Value::Object(object),
        ) => {
            for (name, property_schema) in required.iter().chain(optional) {
                if let Some(property) = object.get_mut(name) {
                    drop_fractions(root, property_schema, property);
                }
            }
        }
        (Form::Values(value_schema), Value::Object(object)) => {
            for member in object.values_mut() {
                drop_fractions(root, value_schema, member);
            }
        }
        (Form::Discriminator { tag, mapping }, value @ Value::Object(_)) => {
            let tag_value = value.get(tag).and_then(Value::as_str).map(str::to_owned);
            let variant = mapping
                .iter()
                .find(|(name, _)| Some(name) == tag_value.as_ref());
            if let Some((_, variant_schema)) = variant {
                drop_fractions(root, variant_schema, value);
            }
        }
        _ => {}
    }
}

/// Returns `text` without its fraction if it is `YYYY-MM-DDTHH:MM:SS.fff…` followed by `Z` or
/// an offset `±HH:MM`.
fn without_fraction(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let digits_at = |positions: &[usize]| positions.iter().all(|&i| bytes[i].is_ascii_digit());
    if bytes.len() < 21
        || !digits_at(&[0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
        || bytes[19] != b'.'
    {
        return None;
    }
    let fraction_digits = bytes[20..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if fraction_digits == 0 {
        return None;
    }
    let zone = &text[20 + fraction_digits..];
    let zone_bytes = zone.as_bytes();
    let valid_zone = zone.eq_ignore_ascii_case("z")
        || (zone_bytes.len() == 6
            && matches!(zone_bytes[0], b'+' | b'-')
            && zone_bytes[1].is_ascii_digit()
            && zone_bytes[2].is_ascii_digit()
            && zone_bytes[3] == b':'
            && zone_bytes[4].is_ascii_digit()
            && zone_bytes[5].is_ascii_digit());
    valid_zone.then(|| format!("{}{zone}", &text[..19]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_are_dropped_from_timestamps_only() {
        let cases = [
            ("2026-05-05T10:00:00.123Z", "2026-05-05T10:00:00Z"),
            ("2026-05-05T10:00:00.5-05:00", "2026-05-05T10:00:00-05:00"),
            ("2026-05-05T10:00:00Z", "2026-05-05T10:00:00Z"),
            ("version 1.2", "version 1.2"),
            ("2026-05-05T10:00:00.123", "2026-05-05T10:00:00.123"),
        ];
        for (input, expected) in cases {
            let shortened = without_fraction(input).unwrap_or_else(|| input.to_owned());
            assert_eq!(shortened, expected, "input {input}");
        }
    }
}
