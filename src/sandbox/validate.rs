//! Validation of the records a PUT sends, with the error messages Vanta returns.
//!
//! Vanta rejects the whole request on the first invalid record and reports one problem in
//! `{"error": "..."}`. The message shapes, as observed on Vanta's live API:
//!
//! - `/0: must have property 'fullName'` for a missing property,
//! - `Too many fields on resource with uniqueId DEV-1 (element 0). Extra keys: a, b` for
//!   unknown keys, listing each of them,
//! - `/0/status: must be equal to one of the allowed values` for a value outside an enum.

use serde_json::{Map, Value};

use super::config::ResourceDecl;

/// Checks that a custom properties schema is a JTD `properties` form.
pub fn check_custom_properties_schema(schema: &Value) -> Result<(), String> {
    let Some(object) = schema.as_object() else {
        return Err("must be a JTD schema object".to_owned());
    };
    if !object.contains_key("properties") && !object.contains_key("optionalProperties") {
        return Err("must be a JTD properties schema".to_owned());
    }
    Ok(())
}

/// Validates every element of a PUT's `resources` array against the resource's schema and
/// returns the records, or the message of the first problem.
pub fn validate_records(
    resource: &ResourceDecl,
    elements: &[Value],
) -> Result<Vec<Map<String, Value>>, String> {
    let mut records = Vec::with_capacity(elements.len());
    for (index, element) in elements.iter().enumerate() {
        let Value::Object(record) = element else {
            return Err(format!("/{index}: must be object"));
        };
        let unique_id = match record.get("uniqueId") {
            Some(Value::String(unique_id)) => unique_id.clone(),
            Some(_) => return Err(format!("/{index}/uniqueId: must be string")),
            None => return Err(format!("/{index}: must have property 'uniqueId'")),
        };
        if resource.custom_properties.is_none() && record.contains_key("customProperties") {
            return Err(too_many_fields(&unique_id, index, &["customProperties"]));
        }
        records.push(record.clone());
    }
    Ok(records)
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

/// Removes fractional seconds from every string that is an RFC 3339 date-time, because Vanta
/// does not retain them. The offset is kept as sent.
///
/// NOTE: this looks at values, not at the schema, so a custom string property whose value
/// happens to be an RFC 3339 date-time with fractional seconds is shortened too.
pub fn drop_fractional_seconds(value: &mut Value) {
    match value {
        Value::String(text) => {
            if let Some(shortened) = without_fraction(text) {
                *text = shortened;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_fractional_seconds),
        Value::Object(object) => object.values_mut().for_each(drop_fractional_seconds),
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
            let mut value = Value::from(input);
            drop_fractional_seconds(&mut value);
            assert_eq!(value, Value::from(expected), "input {input}");
        }
    }
}
