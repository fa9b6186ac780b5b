//! Formatting of field values, shared by the text and markdown renderers.

use serde_json::Value;

/// Formats a value on one line: strings quoted with JSON escapes, so control characters and
/// quotes can never break the layout, and arrays and objects as compact JSON.
pub fn inline(value: &Value) -> String {
    match value {
        Value::String(text) if text == crate::plan::model::SENSITIVE => text.clone(),
        other => other.to_string(),
    }
}
