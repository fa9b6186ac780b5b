//! Equality and ordering of JSON values as Custom Test rules compare them.
//!
//! Numbers compare by value, exactly: integers are never rounded through `f64`, and an integer
//! compared with a float is compared without rounding either. Strings that both parse as RFC 3339
//! timestamps compare as instants, and other strings compare exactly. Values of different JSON
//! types are never equal, so `"8192"` does not equal `8192`.

use std::cmp::Ordering;

use jiff::Timestamp;
use serde_json::{Number, Value};

/// Maximum number of characters of a value quoted in a failure reason.
const MAX_RENDERED_CHARS: usize = 80;

/// Parses an RFC 3339 date-time with a `Z` or numeric offset, such as `2026-05-05T00:00:00Z`.
///
/// Jiff 1.0's parser alone also accepts forms RFC 3339 does not allow, such as a missing seconds
/// field or a space in place of `T`. So the layout is checked first, and Jiff then checks the
/// calendar and computes the instant. A leap second (`:60`) reads as second 59.
pub(crate) fn parse_timestamp(text: &str) -> Option<Timestamp> {
    if !has_rfc3339_layout(text.as_bytes()) {
        return None;
    }
    text.parse().ok()
}

/// Reports whether `text` has the layout `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, with
/// `T` and `Z` in either case.
fn has_rfc3339_layout(text: &[u8]) -> bool {
    const DATE_TIME: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    if text.len() < DATE_TIME.len() {
        return false;
    }
    let (date_time, mut rest) = text.split_at(DATE_TIME.len());
    let layout_matches = date_time
        .iter()
        .zip(DATE_TIME)
        .all(|(&byte, &expected)| match expected {
            b'd' => byte.is_ascii_digit(),
            b'T' => byte.eq_ignore_ascii_case(&b'T'),
            _ => byte == expected,
        });
    if !layout_matches {
        return false;
    }

    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest {
        [zulu] => zulu.eq_ignore_ascii_case(&b'Z'),
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let digits = [h1, h2, m1, m2];
            if !digits.iter().all(|b| b.is_ascii_digit()) {
                return false;
            }
            let hours = (h1 - b'0') * 10 + (h2 - b'0');
            let minutes = (m1 - b'0') * 10 + (m2 - b'0');
            hours <= 23 && minutes <= 59
        }
        _ => false,
    }
}

/// A JSON number in a form that compares without rounding.
enum ExactNumber {
    Integer(i128),
    Float(f64),
}

fn exact(number: &Number) -> ExactNumber {
    if let Some(integer) = number.as_i64() {
        ExactNumber::Integer(i128::from(integer))
    } else if let Some(integer) = number.as_u64() {
        ExactNumber::Integer(i128::from(integer))
    } else {
        // Without serde_json's arbitrary_precision feature every other number is an f64.
        ExactNumber::Float(number.as_f64().unwrap_or(f64::NAN))
    }
}

/// Compares two JSON numbers by value, or returns `None` for a NaN, which JSON cannot express.
pub(crate) fn compare_numbers(left: &Number, right: &Number) -> Option<Ordering> {
    match (exact(left), exact(right)) {
        (ExactNumber::Integer(left), ExactNumber::Integer(right)) => Some(left.cmp(&right)),
        (ExactNumber::Integer(left), ExactNumber::Float(right)) => {
            compare_integer_to_float(left, right)
        }
        (ExactNumber::Float(left), ExactNumber::Integer(right)) => {
            compare_integer_to_float(right, left).map(Ordering::reverse)
        }
        (ExactNumber::Float(left), ExactNumber::Float(right)) => left.partial_cmp(&right),
    }
}

/// Compares an integer with a float exactly, without converting the integer to `f64`.
fn compare_integer_to_float(integer: i128, float: f64) -> Option<Ordering> {
    // 2^127, which `as` rounds `i128::MAX` to. A float at or beyond it exceeds every i128.
    const LIMIT: f64 = i128::MAX as f64;
    if float.is_nan() {
        return None;
    }
    if float >= LIMIT {
        return Some(Ordering::Less);
    }
    if float < -LIMIT {
        return Some(Ordering::Greater);
    }
    // The whole part fits in an i128 exactly, and subtracting it from `float` is exact too.
    let whole = float.trunc();
    match integer.cmp(&(whole as i128)) {
        Ordering::Equal => 0.0.partial_cmp(&(float - whole)),
        unequal => Some(unequal),
    }
}

/// Reports whether two values are equal under the rules of this module.
///
/// Arrays are equal when their elements are equal in order. Objects are equal when they have the
/// same member names with equal values, in any order.
pub(crate) fn values_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => {
            compare_numbers(left, right) == Some(Ordering::Equal)
        }
        (Value::String(left), Value::String(right)) => {
            match (parse_timestamp(left), parse_timestamp(right)) {
                (Some(left), Some(right)) => left == right,
                _ => left == right,
            }
        }
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right)
                    .all(|(left, right)| values_equal(left, right))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left.iter().all(|(name, left)| {
                    right
                        .get(name)
                        .is_some_and(|right| values_equal(left, right))
                })
        }
        _ => left == right,
    }
}

/// Orders a record's value against an ordering operand, which is a number or an RFC 3339
/// timestamp.
///
/// Returns an explanation of why the two cannot be ordered when the value is of another type or
/// is a string that is not a timestamp.
pub(crate) fn order_values(value: &Value, operand: &Value) -> Result<Ordering, String> {
    match (value, operand) {
        (Value::Number(value), Value::Number(operand)) => compare_numbers(value, operand)
            .ok_or_else(|| "the numbers cannot be ordered".to_owned()),
        (Value::String(value), Value::String(operand)) => {
            let Some(bound) = parse_timestamp(operand) else {
                return Err("the bound is not an RFC 3339 timestamp".to_owned());
            };
            match parse_timestamp(value) {
                Some(instant) => Ok(instant.cmp(&bound)),
                None => Err("the value is not an RFC 3339 timestamp".to_owned()),
            }
        }
        _ => Err(format!(
            "{} cannot be ordered against {}",
            type_name(value),
            type_name(operand)
        )),
    }
}

/// Reports whether a field counts as empty: missing, null, `""`, `[]` or `{}`.
pub(crate) fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(Value::Object(members)) => members.is_empty(),
        Some(Value::Bool(_) | Value::Number(_)) => false,
    }
}

/// Returns the JSON type of a value with its article, such as `a string`, for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Renders a value as compact JSON for a message, cut to [`MAX_RENDERED_CHARS`] characters.
pub(crate) fn render(value: &Value) -> String {
    let json = value.to_string();
    if json.chars().count() <= MAX_RENDERED_CHARS {
        return json;
    }
    let mut cut: String = json.chars().take(MAX_RENDERED_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn number(value: Value) -> Number {
        match value {
            Value::Number(number) => number,
            other => panic!("{other} is not a number"),
        }
    }

    #[test]
    fn timestamp_layouts_accepted() {
        for text in [
            "2026-05-05T00:00:00Z",
            "2026-05-05t00:00:00z",
            "2026-05-05T00:00:00.5Z",
            "2026-05-05T00:00:00.123456789+05:30",
            "2026-05-05T00:00:00-00:00",
        ] {
            assert!(parse_timestamp(text).is_some(), "{text}");
        }
    }

    #[test]
    fn timestamp_layouts_rejected() {
        for text in [
            "",
            "2026-05-05",
            "2026-05-05T00:00Z",
            "2026-05-05 00:00:00Z",
            "2026-05-05T00:00:00",
            "2026-05-05T00:00:00.Z",
            "2026-05-05T00:00:00+0200",
            "2026-05-05T00:00:00+24:00",
            "2026-02-30T00:00:00Z",
            "2026-05-05T00:00:00Z[UTC]",
            "２026-05-05T00:00:00Z",
        ] {
            assert!(parse_timestamp(text).is_none(), "{text}");
        }
    }

    #[test]
    fn timestamp_offsets_compare_as_instants() {
        let utc = json!("2026-05-05T00:00:00Z");
        let paris = json!("2026-05-05T02:00:00+02:00");
        assert!(values_equal(&utc, &paris));
        let later = json!("2026-05-05T00:00:01Z");
        assert_eq!(order_values(&later, &paris), Ok(Ordering::Greater));
    }

    #[test]
    fn large_integers_compare_exactly() {
        let left = number(json!(9_007_199_254_740_993_u64));
        let right = number(json!(9_007_199_254_740_992_u64));
        assert_eq!(compare_numbers(&left, &right), Some(Ordering::Greater));
        let float = number(json!(9_007_199_254_740_992.0));
        assert_eq!(compare_numbers(&left, &float), Some(Ordering::Greater));
        assert_eq!(compare_numbers(&float, &left), Some(Ordering::Less));
        assert_eq!(compare_numbers(&right, &float), Some(Ordering::Equal));
    }

    #[test]
    fn integer_and_float_compare_by_value() {
        let cases = [
            (json!(1000), json!(1000.0), Ordering::Equal),
            (json!(2), json!(2.5), Ordering::Less),
            (json!(3), json!(2.5), Ordering::Greater),
            (json!(-2), json!(-2.5), Ordering::Greater),
            (json!(-3), json!(-2.5), Ordering::Less),
            (json!(i64::MIN), json!(-1e300), Ordering::Greater),
            (json!(u64::MAX), json!(1e300), Ordering::Less),
        ];
        for (integer, float, expected) in cases {
            let found = compare_numbers(&number(integer.clone()), &number(float.clone()));
            assert_eq!(found, Some(expected), "{integer} vs {float}");
        }
    }

    #[test]
    fn values_of_different_types_differ() {
        assert!(!values_equal(&json!("8192"), &json!(8192)));
        assert!(!values_equal(&json!("true"), &json!(true)));
        assert!(!values_equal(&json!(0), &json!(false)));
    }

    #[test]
    fn nested_values_equal_by_content() {
        let left = json!({ "a": [1, 2.0, "x"], "b": { "c": null } });
        let right = json!({ "b": { "c": null }, "a": [1.0, 2, "x"] });
        assert!(values_equal(&left, &right));
        let reordered = json!({ "a": [2, 1, "x"], "b": { "c": null } });
        assert!(!values_equal(&left, &reordered));
    }

    #[test]
    fn ordering_rejects_mixed_types() {
        assert_eq!(
            order_values(&json!("big"), &json!(8192)),
            Err("a string cannot be ordered against a number".to_owned())
        );
        assert_eq!(
            order_values(&json!("yesterday"), &json!("2026-01-01T00:00:00Z")),
            Err("the value is not an RFC 3339 timestamp".to_owned())
        );
    }

    #[test]
    fn emptiness() {
        for empty in [
            None,
            Some(json!(null)),
            Some(json!("")),
            Some(json!([])),
            Some(json!({})),
        ] {
            assert!(is_empty(empty.as_ref()), "{empty:?}");
        }
        for full in [
            json!(0),
            json!(false),
            json!(" "),
            json!([null]),
            json!({ "a": 1 }),
        ] {
            assert!(!is_empty(Some(&full)), "{full}");
        }
    }

    #[test]
    fn render_cuts_long_values() {
        let long = json!("x".repeat(200));
        let rendered = render(&long);
        assert_eq!(rendered.chars().count(), MAX_RENDERED_CHARS);
        assert!(rendered.ends_with('…'));
        assert_eq!(render(&json!("short")), "\"short\"");
    }
}
