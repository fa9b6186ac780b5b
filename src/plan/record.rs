//! Records held as compact JSON text.
//!
//! A large inventory contains hundreds of thousands of records on each side of a plan. As
//! `serde_json::Value` trees they take several times their JSON size and cost an allocation
//! per field. A [`RecordJson`] keeps one string per record instead: its canonical JSON (keys
//! sorted), plus its normal form when normalisation changes it. Unchanged records then compare
//! as two strings and feed the digests without another walk; only changed records are parsed
//! again, to list their fields.

use serde_json::Value;

use crate::plan::normalize::{canonical_json, needs_normalization, normalize};
use crate::schema::jtd::Schema;

/// One record as canonical JSON text, with its normal form for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordJson {
    /// The record as written or received, with object keys sorted.
    json: Box<str>,
    /// The normal form, when it differs from `json`.
    normal: Option<Box<str>>,
}

impl RecordJson {
    /// Builds the text of a record, and normalises the record against `schema` when that
    /// changes something.
    pub fn new(mut value: Value, schema: &Schema) -> RecordJson {
        let json = canonical_json(&value).into_boxed_str();
        let normal = if needs_normalization(&value, schema, schema) {
            normalize(&mut value, schema, schema);
            let text = canonical_json(&value);
            (*text != *json).then(|| text.into_boxed_str())
        } else {
            None
        };
        RecordJson { json, normal }
    }

    /// Returns the record as written or received, as canonical JSON.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// Returns the normal form as canonical JSON. Equal text means equal records.
    pub fn normal(&self) -> &str {
        self.normal.as_deref().unwrap_or(&self.json)
    }

    /// Reports whether the record is already in normal form.
    pub fn is_normal(&self) -> bool {
        self.normal.is_none()
    }

    /// Parses the record as written or received.
    pub fn value(&self) -> Value {
        parse(&self.json)
    }

    /// Parses the normal form of the record.
    pub fn normal_value(&self) -> Value {
        parse(self.normal())
    }
}

/// Parses text that [`canonical_json`] wrote, which is always valid JSON.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("canonical JSON written by this module parses")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::from_json(&json!({
            "properties": {"uniqueId": {"type": "string"}},
            "optionalProperties": {
                "seen": {"type": "timestamp"},
                "count": {"type": "int32"}
            }
        }))
        .unwrap()
    }

    #[test]
    fn record_in_normal_form_keeps_one_text() {
        let record = RecordJson::new(json!({"uniqueId": "a", "count": 3}), &schema());
        assert!(record.is_normal());
        assert_eq!(record.json(), r#"{"count":3,"uniqueId":"a"}"#);
        assert_eq!(record.normal(), record.json());
    }

    #[test]
    fn record_keeps_normal_form_beside_written() {
        let value = json!({"uniqueId": "a", "seen": "2024-01-02T03:04:05.250+01:00", "count": 2.0});
        let record = RecordJson::new(value.clone(), &schema());
        assert!(!record.is_normal());
        assert_eq!(record.value(), value);
        assert_eq!(
            record.normal(),
            r#"{"count":2,"seen":"2024-01-02T02:04:05Z","uniqueId":"a"}"#
        );
        assert_eq!(record.normal_value()["count"], json!(2));
    }

    #[test]
    fn records_written_differently_share_normal_form() {
        let one = RecordJson::new(
            json!({"seen": "2024-01-02T02:04:05Z", "uniqueId": "a", "count": null}),
            &schema(),
        );
        let other = RecordJson::new(
            json!({"uniqueId": "a", "seen": "2024-01-02T03:04:05+01:00"}),
            &schema(),
        );
        assert_ne!(one.json(), other.json());
        assert_eq!(one.normal(), other.normal());
    }
}
