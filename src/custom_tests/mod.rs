//! Evaluation of the `CustomTest` rules of an inventory against records.
//!
//! A Custom Test is authored in Vanta's web app, and no API exists to create one or read its
//! results. The inventory mirrors each test as a `CustomTest` document ([`CustomTest`]) so that
//! `plan` can show which records would fail it before they are sent.
//!
//! Semantics, shared by `scope` and `rule`:
//!
//! - A record is in scope when the test has no `scope`, or when its `scope` holds.
//! - `field` is a dotted path into the record as sent to Vanta, such as
//!   `customProperties.memory`. A segment steps into an array by index (`users.0.username`).
//! - A missing field, or one whose value is null, fails every comparison except `isEmpty`.
//!   `not` inverts that, so `not: { field: x, equals: 1 }` holds when `x` is missing.
//! - Numbers compare by value: integers exactly (no rounding through `f64`, even above 2^53),
//!   and `1000` equals `1000.0`.
//! - Strings that both parse as RFC 3339 timestamps compare as instants, so
//!   `2026-05-05T02:00:00+02:00` equals `2026-05-05T00:00:00Z`. Other strings compare exactly.
//! - Values of different JSON types are never equal, so `"8192"` is not `8192`. `atLeast`,
//!   `atMost`, `greaterThan` and `lessThan` order numbers against numbers and timestamps against
//!   timestamps. Any other value fails them, and the reason explains why.
//! - `contains` holds when a string value contains the operand string, or when an array value
//!   has an element equal to the operand.
//! - `isEmpty` holds for a missing field, null, `""`, `[]` and `{}`, and `isNotEmpty` is its
//!   exact opposite.
//! - A record fails with a reason naming every comparison that decided the failure, such as
//!   `customProperties.memory is 4096, expected at least 8192`.
//!
//! [`unknown_fields`] finds fields that the resource's records cannot have, so that a misspelt
//! `scope` field does not select no records and pass silently.

pub mod eval;
pub mod fields;
pub mod rule;
mod value;

pub use eval::{Failure, TestOutcome, evaluate, evaluate_records, passes};
pub use fields::{test_fields, unknown_fields};
pub use rule::{Comparison, CustomTest, FieldPath, Operator, Rule, RuleError};

/// Builds Custom Tests for the unit tests of this module.
#[cfg(test)]
fn test_document(scope: Option<serde_json::Value>, rule: serde_json::Value) -> CustomTest {
    let mut document = serde_json::json!({
        "name": "t",
        "resource": "internal-servers",
        "description": "d",
        "rule": rule,
    });
    if let Some(scope) = scope {
        document["scope"] = scope;
    }
    serde_json::from_value(document).expect("valid test")
}
