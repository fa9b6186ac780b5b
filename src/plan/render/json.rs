//! The JSON form of a plan, which is also the saved plan format.

use crate::plan::Plan;

/// Serialises a plan as pretty JSON with a trailing newline.
pub fn render(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
