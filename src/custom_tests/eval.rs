//! Evaluation of a [`CustomTest`] against the records of its resource.

use std::cmp::Ordering;

use rayon::prelude::*;
use serde_json::Value;

use super::rule::{Comparison, CustomTest, FieldPath, Operator, Rule};
use super::value::{is_empty, order_values, render, type_name, values_equal};
use crate::plan::record::RecordJson;

/// Result of a Custom Test over one resource's records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TestOutcome {
    /// Number of records the test's scope selected.
    pub in_scope: usize,
    /// Records in scope that break the rule, in the order they were given.
    pub failing: Vec<Failure>,
}

/// A record that breaks a Custom Test's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `uniqueId` of the record, or `record <n> (no uniqueId)` with its 1-based position when it
    /// has none.
    pub unique_id: String,
    /// Every part of the rule that failed, in words, such as
    /// `customProperties.memory is 4096, expected at least 8192`.
    pub reason: String,
}

/// Evaluates a Custom Test against records and returns which records are in scope and which fail.
pub fn evaluate(test: &CustomTest, records: &[&Value]) -> TestOutcome {
    evaluate_from(test, records, 0)
}

/// Evaluates a test over records that start at position `first` of a longer list.
fn evaluate_from(test: &CustomTest, records: &[&Value], first: usize) -> TestOutcome {
    let mut outcome = TestOutcome::default();
    for (index, record) in records.iter().enumerate() {
        let in_scope = test
            .scope
            .as_ref()
            .is_none_or(|scope| check_rule(scope, record, false).is_ok());
        if !in_scope {
            continue;
        }
        outcome.in_scope += 1;
        if let Err(reason) = check_rule(&test.rule, record, false) {
            outcome.failing.push(Failure {
                unique_id: unique_id(record, first + index),
                reason,
            });
        }
    }
    outcome
}

/// How many records are parsed at a time by [`evaluate_records`]. Each batch is parsed on all
/// cores and dropped once every test has seen it, so a large resource is never held as
/// `serde_json::Value` trees all at once.
const BATCH: usize = 4096;

/// Evaluates every test over records held as JSON text, parsing each record once, and returns
/// one outcome per test, with failures in the records' order.
pub fn evaluate_records<'a>(
    tests: &[&CustomTest],
    records: impl Iterator<Item = &'a RecordJson>,
) -> Vec<TestOutcome> {
    let records: Vec<&RecordJson> = records.collect();
    let mut outcomes = vec![TestOutcome::default(); tests.len()];
    for (number, batch) in records.chunks(BATCH).enumerate() {
        let values: Vec<Value> = batch.par_iter().map(|record| record.value()).collect();
        let values: Vec<&Value> = values.iter().collect();
        for (test, outcome) in tests.iter().zip(&mut outcomes) {
            // A record without a `uniqueId` is named by its place in the whole list.
            let found = evaluate_from(test, &values, number * BATCH);
            outcome.in_scope += found.in_scope;
            outcome.failing.extend(found.failing);
        }
    }
    outcomes
}

/// Reports whether a Custom Test passed: no record in scope failed.
///
/// A test with no record in scope passes. Callers that treat an empty scope as suspect can check
/// [`TestOutcome::in_scope`].
pub fn passes(outcome: &TestOutcome) -> bool {
    outcome.failing.is_empty()
}

fn unique_id(record: &Value, index: usize) -> String {
    match record.get("uniqueId").and_then(Value::as_str) {
        Some(unique_id) => unique_id.to_owned(),
        None => format!("record {} (no uniqueId)", index + 1),
    }
}

/// Checks a rule, or its negation when `negated` is set, and returns why it fails.
///
/// Negation is pushed down to the comparisons (`not all` is `any not`, `not any` is `all not`),
/// so that a failure reason always names the comparisons that decided it.
fn check_rule(rule: &Rule, record: &Value, negated: bool) -> Result<(), String> {
    match (rule, negated) {
        (Rule::All(rules), false) | (Rule::Any(rules), true) => every(rules, record, negated),
        (Rule::Any(rules), false) | (Rule::All(rules), true) => some(rules, record, negated),
        (Rule::Not(inner), _) => check_rule(inner, record, !negated),
        (Rule::Compare(comparison), _) => check_comparison(comparison, record, negated),
    }
}

/// Checks that every rule holds, and returns the reasons of all that fail, joined by `; `.
fn every(rules: &[Rule], record: &Value, negated: bool) -> Result<(), String> {
    let reasons: Vec<String> = rules
        .iter()
        .filter_map(|rule| check_rule(rule, record, negated).err())
        .collect();
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons.join("; "))
    }
}

/// Checks that at least one rule holds, and returns the reasons of all of them otherwise.
fn some(rules: &[Rule], record: &Value, negated: bool) -> Result<(), String> {
    let mut reasons = Vec::new();
    for rule in rules {
        match check_rule(rule, record, negated) {
            Ok(()) => return Ok(()),
            Err(reason) => reasons.push(reason),
        }
    }
    if reasons.len() == 1 {
        return Err(reasons.remove(0));
    }
    let alternatives: Vec<String> = reasons.iter().map(|reason| format!("({reason})")).collect();
    Err(format!(
        "no alternative holds: {}",
        alternatives.join(" or ")
    ))
}

/// Checks one comparison, or its negation, and returns why it fails.
fn check_comparison(comparison: &Comparison, record: &Value, negated: bool) -> Result<(), String> {
    let value = lookup(record, &comparison.field);
    let (satisfied, note) = apply(&comparison.operator, value);
    if satisfied != negated {
        return Ok(());
    }

    let actual = match value {
        Some(value) => render(value),
        None => "missing".to_owned(),
    };
    let expected = expectation(&comparison.operator, negated);
    let mut reason = format!("{} is {actual}, expected {expected}", comparison.field);
    if let Some(note) = note {
        reason.push_str(&format!(" ({note})"));
    }
    Err(reason)
}

/// Finds the value at a dotted path, stepping into arrays by index.
fn lookup<'a>(record: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    let mut current = record;
    for segment in path.segments() {
        current = match current {
            Value::Object(members) => members.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Applies an operator to a field's value and reports whether it holds.
///
/// A missing or null value fails every operator except `isEmpty`. The second item explains a
/// failure that the value alone does not, such as a string compared with a number.
fn apply(operator: &Operator, value: Option<&Value>) -> (bool, Option<String>) {
    let present = value.filter(|value| !value.is_null());
    match (operator, present) {
        (Operator::IsEmpty, _) => (is_empty(value), None),
        (Operator::IsNotEmpty, _) => (!is_empty(value), None),
        (_, None) => (false, None),
        (Operator::Equals(operand), Some(value)) => (values_equal(value, operand), None),
        (Operator::NotEquals(operand), Some(value)) => (!values_equal(value, operand), None),
        (Operator::AtLeast(operand), Some(value)) => ordering(value, operand, Ordering::is_ge),
        (Operator::AtMost(operand), Some(value)) => ordering(value, operand, Ordering::is_le),
        (Operator::GreaterThan(operand), Some(value)) => ordering(value, operand, Ordering::is_gt),
        (Operator::LessThan(operand), Some(value)) => ordering(value, operand, Ordering::is_lt),
        (Operator::Contains(operand), Some(value)) => contains(value, operand),
    }
}

fn ordering(
    value: &Value,
    operand: &Value,
    accept: fn(Ordering) -> bool,
) -> (bool, Option<String>) {
    match order_values(value, operand) {
        Ok(order) => (accept(order), None),
        Err(note) => (false, Some(note)),
    }
}

/// Reports whether a string contains the operand as a substring, or an array contains an
/// element equal to the operand.
fn contains(value: &Value, operand: &Value) -> (bool, Option<String>) {
    match (value, operand) {
        (Value::String(text), Value::String(needle)) => (text.contains(needle.as_str()), None),
        (Value::String(_), _) => (
            false,
            Some(format!(
                "a string can only contain a string, not {}",
                type_name(operand)
            )),
        ),
        (Value::Array(items), _) => (items.iter().any(|item| values_equal(item, operand)), None),
        _ => (
            false,
            Some(format!(
                "only a string or an array can contain a value, not {}",
                type_name(value)
            )),
        ),
    }
}

/// Describes what a comparison expects of the value, or of its negation.
///
/// A negated comparison fails only where the comparison itself holds, so the value is then
/// present and comparable, and the opposite operator states what would pass.
fn expectation(operator: &Operator, negated: bool) -> String {
    let operand = operator.operand().map(render).unwrap_or_default();
    match (operator, negated) {
        (Operator::Equals(_), false) | (Operator::NotEquals(_), true) => operand,
        (Operator::Equals(_), true) | (Operator::NotEquals(_), false) => {
            format!("a value other than {operand}")
        }
        (Operator::AtLeast(_), false) | (Operator::LessThan(_), true) => {
            format!("at least {operand}")
        }
        (Operator::AtLeast(_), true) | (Operator::LessThan(_), false) => {
            format!("less than {operand}")
        }
        (Operator::AtMost(_), false) | (Operator::GreaterThan(_), true) => {
            format!("at most {operand}")
        }
        (Operator::AtMost(_), true) | (Operator::GreaterThan(_), false) => {
            format!("greater than {operand}")
        }
        (Operator::Contains(_), false) => format!("a value containing {operand}"),
        (Operator::Contains(_), true) => format!("a value not containing {operand}"),
        (Operator::IsEmpty, false) | (Operator::IsNotEmpty, true) => {
            "missing, null or empty".to_owned()
        }
        (Operator::IsEmpty, true) | (Operator::IsNotEmpty, false) => "a non-empty value".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn custom_test(scope: Option<Value>, rule: Value) -> CustomTest {
        crate::custom_tests::test_document(scope, rule)
    }

    #[test]
    fn records_evaluate_across_batches() {
        let schema = crate::schema::jtd::Schema::from_json(&json!({})).unwrap();
        let count = BATCH * 2 + 3;
        let values: Vec<Value> = (0..count)
            .map(|index| match index % 1000 {
                // Every thousandth record has no `uniqueId` and fails.
                0 => json!({ "size": 0 }),
                _ => json!({ "uniqueId": format!("r-{index}"), "size": index % 3 }),
            })
            .collect();
        let records: Vec<RecordJson> = values
            .iter()
            .map(|value| RecordJson::new(value.clone(), &schema))
            .collect();
        let small = custom_test(None, json!({ "field": "size", "atLeast": 1 }));
        let scoped = custom_test(
            Some(json!({ "field": "size", "equals": 2 })),
            json!({ "field": "size", "atMost": 1 }),
        );
        let tests = [&small, &scoped];

        let outcomes = evaluate_records(&tests, records.iter());
        let all: Vec<&Value> = values.iter().collect();
        assert_eq!(outcomes.len(), 2);
        assert_eq!(outcomes[0], evaluate(&small, &all));
        assert_eq!(outcomes[1], evaluate(&scoped, &all));
        let last_unnamed = format!("record {} (no uniqueId)", 8001);
        assert!(
            outcomes[0]
                .failing
                .iter()
                .any(|failure| failure.unique_id == last_unnamed)
        );
    }

    fn server(unique_id: &str, properties: Value) -> Value {
        json!({
            "uniqueId": unique_id,
            "displayName": unique_id,
            "externalUrl": format!("https://app.example.com/servers/{unique_id}"),
            "customProperties": properties,
        })
    }

    /// Evaluates `rule` against one record and returns the failure reason, if any.
    fn reason(rule: Value, record: &Value) -> Option<String> {
        let test = custom_test(None, rule);
        let outcome = evaluate(&test, &[record]);
        assert_eq!(outcome.in_scope, 1);
        outcome
            .failing
            .into_iter()
            .next()
            .map(|failure| failure.reason)
    }

    fn record() -> Value {
        server(
            "srv_001",
            json!({
                "name": "auth-prod-1",
                "active": true,
                "memory": 16384,
                "load": 0.75,
                "tags": ["pci", "prod"],
                "owner": null,
                "notes": "",
                "lastUpdated": "2026-05-05T00:00:00Z",
            }),
        )
    }

    #[test]
    fn example_test_fails_one_server() {
        let test: CustomTest = serde_json::from_value(json!({
            "apiVersion": "vanta-gitops/v1",
            "kind": "CustomTest",
            "name": "servers-have-memory",
            "resource": "internal-servers",
            "description": "Internal servers have at least 8 GiB RAM and are active.",
            "remediation": "Resize or decommission the server.",
            "scope": { "field": "customProperties.environment", "equals": "production" },
            "rule": {
                "all": [
                    { "field": "customProperties.active", "equals": true },
                    { "field": "customProperties.memory", "atLeast": 8192 }
                ]
            }
        }))
        .expect("valid test");
        let records = [
            server(
                "srv_001",
                json!({ "environment": "production", "active": true, "memory": 16384 }),
            ),
            server(
                "srv_002",
                json!({ "environment": "production", "active": true, "memory": 4096 }),
            ),
            server(
                "srv_003",
                json!({ "environment": "staging", "active": false, "memory": 1024 }),
            ),
        ];
        let references: Vec<&Value> = records.iter().collect();

        let outcome = evaluate(&test, &references);

        assert_eq!(outcome.in_scope, 2);
        assert_eq!(
            outcome.failing,
            [Failure {
                unique_id: "srv_002".to_owned(),
                reason: "customProperties.memory is 4096, expected at least 8192".to_owned(),
            }]
        );
        assert!(!passes(&outcome));
    }

    #[test]
    fn passing_outcome() {
        let test = custom_test(
            None,
            json!({ "field": "customProperties.active", "equals": true }),
        );
        let first = record();
        let second = server("srv_002", json!({ "active": true }));
        let outcome = evaluate(&test, &[&first, &second]);
        assert_eq!(outcome.in_scope, 2);
        assert!(outcome.failing.is_empty());
        assert!(passes(&outcome));
    }

    #[test]
    fn empty_scope_passes() {
        let test = custom_test(
            Some(json!({ "field": "customProperties.name", "equals": "nothing" })),
            json!({ "field": "customProperties.active", "equals": false }),
        );
        let outcome = evaluate(&test, &[&record()]);
        assert_eq!(outcome.in_scope, 0);
        assert!(passes(&outcome));
    }

    #[test]
    fn scope_filters_records() {
        let test = custom_test(
            Some(json!({ "field": "customProperties.tags", "contains": "pci" })),
            json!({ "field": "customProperties.memory", "atLeast": 8192 }),
        );
        let pci_small = server("pci-small", json!({ "tags": ["pci"], "memory": 2048 }));
        let pci_large = server("pci-large", json!({ "tags": ["pci"], "memory": 8192 }));
        let other_small = server("other-small", json!({ "tags": ["dev"], "memory": 2048 }));
        let untagged = server("untagged", json!({ "memory": 2048 }));

        let outcome = evaluate(&test, &[&pci_small, &pci_large, &other_small, &untagged]);

        assert_eq!(outcome.in_scope, 2);
        let failing: Vec<&str> = outcome
            .failing
            .iter()
            .map(|failure| failure.unique_id.as_str())
            .collect();
        assert_eq!(failing, ["pci-small"]);
    }

    #[test]
    fn equals_operator() {
        let record = record();
        let rule =
            |operand: Value| json!({ "field": "customProperties.memory", "equals": operand });
        assert_eq!(reason(rule(json!(16384)), &record), None);
        assert_eq!(reason(rule(json!(16384.0)), &record), None);
        assert_eq!(
            reason(rule(json!("16384")), &record).as_deref(),
            Some("customProperties.memory is 16384, expected \"16384\"")
        );
        let name = json!({ "field": "customProperties.name", "equals": "auth-prod-1" });
        assert_eq!(reason(name, &record), None);
        let case = json!({ "field": "customProperties.name", "equals": "AUTH-PROD-1" });
        assert!(reason(case, &record).is_some());
    }

    #[test]
    fn equals_compares_timestamps_as_instants() {
        let record = record();
        let rule = json!({
            "field": "customProperties.lastUpdated",
            "equals": "2026-05-05T02:00:00+02:00"
        });
        assert_eq!(reason(rule, &record), None);
    }

    #[test]
    fn not_equals_operator() {
        let record = record();
        let same = json!({ "field": "customProperties.name", "notEquals": "auth-prod-1" });
        assert_eq!(
            reason(same, &record).as_deref(),
            Some(
                "customProperties.name is \"auth-prod-1\", expected a value other than \"auth-prod-1\""
            )
        );
        let other = json!({ "field": "customProperties.name", "notEquals": "db-1" });
        assert_eq!(reason(other, &record), None);
    }

    #[test]
    fn ordering_operators() {
        let record = record();
        let cases = [
            ("atLeast", json!(16384), None),
            (
                "atLeast",
                json!(16385),
                Some("customProperties.memory is 16384, expected at least 16385"),
            ),
            ("atMost", json!(16384), None),
            (
                "atMost",
                json!(16383.5),
                Some("customProperties.memory is 16384, expected at most 16383.5"),
            ),
            ("greaterThan", json!(16383), None),
            (
                "greaterThan",
                json!(16384),
                Some("customProperties.memory is 16384, expected greater than 16384"),
            ),
            ("lessThan", json!(16384.5), None),
            (
                "lessThan",
                json!(16384),
                Some("customProperties.memory is 16384, expected less than 16384"),
            ),
        ];
        for (keyword, operand, expected) in cases {
            let mut rule = json!({ "field": "customProperties.memory" });
            rule[keyword] = operand.clone();
            assert_eq!(
                reason(rule, &record).as_deref(),
                expected,
                "{keyword} {operand}"
            );
        }
    }

    #[test]
    fn ordering_timestamps() {
        let record = record();
        let before =
            json!({ "field": "customProperties.lastUpdated", "atLeast": "2026-05-01T00:00:00Z" });
        assert_eq!(reason(before, &record), None);
        let after = json!({ "field": "customProperties.lastUpdated", "greaterThan": "2026-05-05T01:00:00+01:00" });
        assert_eq!(
            reason(after, &record).as_deref(),
            Some(
                "customProperties.lastUpdated is \"2026-05-05T00:00:00Z\", expected greater than \
                 \"2026-05-05T01:00:00+01:00\""
            )
        );
    }

    #[test]
    fn ordering_incomparable_values_fail() {
        let record = record();
        let string_vs_number = json!({ "field": "customProperties.name", "atLeast": 1 });
        assert_eq!(
            reason(string_vs_number, &record).as_deref(),
            Some(
                "customProperties.name is \"auth-prod-1\", expected at least 1 (a string cannot \
                 be ordered against a number)"
            )
        );
        let not_a_timestamp =
            json!({ "field": "customProperties.name", "lessThan": "2026-05-01T00:00:00Z" });
        assert_eq!(
            reason(not_a_timestamp, &record).as_deref(),
            Some(
                "customProperties.name is \"auth-prod-1\", expected less than \
                 \"2026-05-01T00:00:00Z\" (the value is not an RFC 3339 timestamp)"
            )
        );
    }

    #[test]
    fn contains_operator() {
        let record = record();
        let substring = json!({ "field": "customProperties.name", "contains": "prod" });
        assert_eq!(reason(substring, &record), None);
        let element = json!({ "field": "customProperties.tags", "contains": "pci" });
        assert_eq!(reason(element, &record), None);
        let absent = json!({ "field": "customProperties.tags", "contains": "hipaa" });
        assert_eq!(
            reason(absent, &record).as_deref(),
            Some(
                "customProperties.tags is [\"pci\",\"prod\"], expected a value containing \"hipaa\""
            )
        );
        let partial_element = json!({ "field": "customProperties.tags", "contains": "pc" });
        assert!(reason(partial_element, &record).is_some());
        let number = json!({ "field": "customProperties.memory", "contains": 1 });
        assert_eq!(
            reason(number, &record).as_deref(),
            Some(
                "customProperties.memory is 16384, expected a value containing 1 (only a string \
                 or an array can contain a value, not a number)"
            )
        );
        let non_string = json!({ "field": "customProperties.name", "contains": 1 });
        assert_eq!(
            reason(non_string, &record).as_deref(),
            Some(
                "customProperties.name is \"auth-prod-1\", expected a value containing 1 (a \
                 string can only contain a string, not a number)"
            )
        );
    }

    #[test]
    fn is_empty_operator() {
        let record = record();
        for field in [
            "customProperties.owner",
            "customProperties.notes",
            "customProperties.missing",
        ] {
            let rule = json!({ "field": field, "isEmpty": true });
            assert_eq!(reason(rule, &record), None, "{field}");
        }
        let full = json!({ "field": "customProperties.tags", "isEmpty": true });
        assert_eq!(
            reason(full, &record).as_deref(),
            Some("customProperties.tags is [\"pci\",\"prod\"], expected missing, null or empty")
        );
    }

    #[test]
    fn is_not_empty_operator() {
        let record = record();
        for field in [
            "customProperties.tags",
            "customProperties.active",
            "uniqueId",
        ] {
            let rule = json!({ "field": field, "isNotEmpty": true });
            assert_eq!(reason(rule, &record), None, "{field}");
        }
        let null = json!({ "field": "customProperties.owner", "isNotEmpty": true });
        assert_eq!(
            reason(null, &record).as_deref(),
            Some("customProperties.owner is null, expected a non-empty value")
        );
        let missing = json!({ "field": "customProperties.missing", "isNotEmpty": true });
        assert_eq!(
            reason(missing, &record).as_deref(),
            Some("customProperties.missing is missing, expected a non-empty value")
        );
    }

    #[test]
    fn missing_field_fails_comparisons() {
        let record = record();
        for (keyword, operand) in [
            ("equals", json!(1)),
            ("notEquals", json!(1)),
            ("atLeast", json!(1)),
            ("atMost", json!(1)),
            ("greaterThan", json!(1)),
            ("lessThan", json!(1)),
            ("contains", json!(1)),
        ] {
            for field in ["customProperties.cpu", "customProperties.owner"] {
                let mut rule = json!({ "field": field });
                rule[keyword] = operand.clone();
                assert!(reason(rule, &record).is_some(), "{keyword} on {field}");
            }
        }
        let missing = json!({ "field": "customProperties.cpu", "notEquals": 4 });
        assert_eq!(
            reason(missing, &record).as_deref(),
            Some("customProperties.cpu is missing, expected a value other than 4")
        );
    }

    #[test]
    fn path_through_non_object_is_missing() {
        let record = record();
        let rule = json!({ "field": "customProperties.name.first", "equals": "auth" });
        assert_eq!(
            reason(rule, &record).as_deref(),
            Some("customProperties.name.first is missing, expected \"auth\"")
        );
    }

    #[test]
    fn path_steps_into_arrays() {
        let record = record();
        let first = json!({ "field": "customProperties.tags.1", "equals": "prod" });
        assert_eq!(reason(first, &record), None);
        let out_of_range = json!({ "field": "customProperties.tags.2", "isEmpty": true });
        assert_eq!(reason(out_of_range, &record), None);
        let not_an_index = json!({ "field": "customProperties.tags.first", "isNotEmpty": true });
        assert!(reason(not_an_index, &record).is_some());
    }

    #[test]
    fn all_reports_every_failure() {
        let record = record();
        let rule = json!({
            "all": [
                { "field": "customProperties.active", "equals": false },
                { "field": "customProperties.memory", "atLeast": 1 },
                { "field": "customProperties.load", "atMost": 0.5 }
            ]
        });
        assert_eq!(
            reason(rule, &record).as_deref(),
            Some(
                "customProperties.active is true, expected false; customProperties.load is \
                 0.75, expected at most 0.5"
            )
        );
    }

    #[test]
    fn any_passes_on_one_match() {
        let record = record();
        let rule = json!({
            "any": [
                { "field": "customProperties.active", "equals": false },
                { "field": "customProperties.memory", "atLeast": 8192 }
            ]
        });
        assert_eq!(reason(rule, &record), None);
    }

    #[test]
    fn any_reports_every_alternative() {
        let record = record();
        let rule = json!({
            "any": [
                { "field": "customProperties.active", "equals": false },
                {
                    "all": [
                        { "field": "customProperties.memory", "atLeast": 32768 },
                        { "field": "customProperties.load", "lessThan": 0.5 }
                    ]
                }
            ]
        });
        assert_eq!(
            reason(rule, &record).as_deref(),
            Some(
                "no alternative holds: (customProperties.active is true, expected false) or \
                 (customProperties.memory is 16384, expected at least 32768; \
                 customProperties.load is 0.75, expected less than 0.5)"
            )
        );
    }

    #[test]
    fn not_inverts_comparison() {
        let record = record();
        let holds = json!({ "not": { "field": "customProperties.active", "equals": false } });
        assert_eq!(reason(holds, &record), None);
        let fails = json!({ "not": { "field": "customProperties.memory", "atLeast": 8192 } });
        assert_eq!(
            reason(fails, &record).as_deref(),
            Some("customProperties.memory is 16384, expected less than 8192")
        );
        let missing = json!({ "not": { "field": "customProperties.cpu", "equals": 4 } });
        assert_eq!(reason(missing, &record), None);
    }

    #[test]
    fn not_expectations_name_opposite() {
        let record = record();
        let cases = [
            (
                json!({ "field": "customProperties.name", "equals": "auth-prod-1" }),
                "customProperties.name is \"auth-prod-1\", expected a value other than \"auth-prod-1\"",
            ),
            (
                json!({ "field": "customProperties.name", "notEquals": "db-1" }),
                "customProperties.name is \"auth-prod-1\", expected \"db-1\"",
            ),
            (
                json!({ "field": "customProperties.memory", "atMost": 20000 }),
                "customProperties.memory is 16384, expected greater than 20000",
            ),
            (
                json!({ "field": "customProperties.memory", "greaterThan": 1 }),
                "customProperties.memory is 16384, expected at most 1",
            ),
            (
                json!({ "field": "customProperties.memory", "lessThan": 20000 }),
                "customProperties.memory is 16384, expected at least 20000",
            ),
            (
                json!({ "field": "customProperties.tags", "contains": "pci" }),
                "customProperties.tags is [\"pci\",\"prod\"], expected a value not containing \"pci\"",
            ),
            (
                json!({ "field": "customProperties.notes", "isEmpty": true }),
                "customProperties.notes is \"\", expected a non-empty value",
            ),
            (
                json!({ "field": "customProperties.tags", "isNotEmpty": true }),
                "customProperties.tags is [\"pci\",\"prod\"], expected missing, null or empty",
            ),
        ];
        for (inner, expected) in cases {
            let rule = json!({ "not": inner });
            assert_eq!(reason(rule, &record).as_deref(), Some(expected), "{inner}");
        }
    }

    #[test]
    fn not_pushes_through_groups() {
        let record = record();
        // not (all of a, b) holds when either fails.
        let not_all = json!({
            "not": { "all": [
                { "field": "customProperties.active", "equals": true },
                { "field": "customProperties.memory", "atLeast": 8192 }
            ] }
        });
        assert_eq!(
            reason(not_all, &record).as_deref(),
            Some(
                "no alternative holds: (customProperties.active is true, expected a value other \
                 than true) or (customProperties.memory is 16384, expected less than 8192)"
            )
        );
        // not (any of a, b) fails when either holds, and names each one that holds.
        let not_any = json!({
            "not": { "any": [
                { "field": "customProperties.active", "equals": true },
                { "field": "customProperties.memory", "atLeast": 99999 }
            ] }
        });
        assert_eq!(
            reason(not_any, &record).as_deref(),
            Some("customProperties.active is true, expected a value other than true")
        );
        let double =
            json!({ "not": { "not": { "field": "customProperties.active", "equals": true } } });
        assert_eq!(reason(double, &record), None);
    }

    #[test]
    fn record_without_unique_id_named_by_position() {
        let test = custom_test(None, json!({ "field": "name", "isNotEmpty": true }));
        let named = json!({ "uniqueId": "a", "name": "x" });
        let anonymous = json!({ "displayName": "b" });
        let outcome = evaluate(&test, &[&named, &anonymous]);
        assert_eq!(outcome.failing.len(), 1);
        assert_eq!(outcome.failing[0].unique_id, "record 2 (no uniqueId)");
    }
}
