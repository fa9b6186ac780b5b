//! The `CustomTest` document and its rule grammar.
//!
//! A rule is one of:
//!
//! - `all: [rule, ...]`, which holds when every listed rule holds;
//! - `any: [rule, ...]`, which holds when at least one listed rule holds;
//! - `not: rule`, which holds when the inner rule does not;
//! - a comparison `{ field: <dotted path>, <operator>: <operand> }` with exactly one operator.
//!
//! Deserialisation rejects anything else with an error that names the offending key or field.
//! Rejected are unknown keys, a rule that mixes `all`, `any`, `not` and `field`, a comparison
//! with no operator or several, and an empty `all` or `any` list. So are a null operand, an
//! ordering operand that is neither a number nor an RFC 3339 timestamp, and `isEmpty` or
//! `isNotEmpty` with any value but `true`.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use super::value::parse_timestamp;

/// A Custom Test authored in Vanta, mirrored in the inventory so that it can be evaluated
/// offline.
///
/// It deserialises from the whole YAML document. `apiVersion` and `kind` may be present, or
/// stripped by the loader beforehand. When present they must be `vanta-gitops/v1` and
/// `CustomTest`, and they are not stored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "CustomTestDocument")]
pub struct CustomTest {
    /// Local name of the test, unique within the inventory.
    pub name: String,
    /// Local name of the resource whose records the test checks.
    pub resource: String,
    /// What a passing record looks like, as Vanta shows it.
    pub description: String,
    /// How to fix a failing record.
    pub remediation: Option<String>,
    /// Filter that selects the records the test applies to. Without it, every record of the
    /// resource is in scope.
    pub scope: Option<Rule>,
    /// Condition that every record in scope must meet.
    pub rule: Rule,
}

/// The document form of [`CustomTest`], which also accepts `apiVersion` and `kind`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CustomTestDocument {
    #[serde(default, rename = "apiVersion")]
    _api_version: Option<ApiVersion>,
    #[serde(default, rename = "kind")]
    _kind: Option<DocumentKind>,
    name: String,
    resource: String,
    description: String,
    #[serde(default)]
    remediation: Option<String>,
    #[serde(default)]
    scope: Option<Rule>,
    rule: Rule,
}

/// The only `apiVersion` a `CustomTest` document may declare.
#[derive(Deserialize)]
enum ApiVersion {
    #[serde(rename = "vanta-gitops/v1")]
    V1,
}

/// The only `kind` a `CustomTest` document may declare.
#[derive(Deserialize)]
enum DocumentKind {
    CustomTest,
}

impl From<CustomTestDocument> for CustomTest {
    fn from(document: CustomTestDocument) -> CustomTest {
        CustomTest {
            name: document.name,
            resource: document.resource,
            description: document.description,
            remediation: document.remediation,
            scope: document.scope,
            rule: document.rule,
        }
    }
}

/// A pass/fail condition on one record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RuleDocument")]
pub enum Rule {
    /// Holds when every rule holds. Never empty.
    All(Vec<Rule>),
    /// Holds when at least one rule holds. Never empty.
    Any(Vec<Rule>),
    /// Holds when the inner rule does not.
    Not(Box<Rule>),
    /// Holds when the record's field satisfies the operator.
    Compare(Comparison),
}

/// A test of one field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Path of the field in the record.
    pub field: FieldPath,
    /// Test applied to the field's value.
    pub operator: Operator,
}

/// A dotted path into a record, such as `customProperties.memory`.
///
/// Each segment is an object member name, or an array index when the value at that point is an
/// array (`users.0.username`). Member names that contain a dot cannot be addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    segments: Vec<String>,
}

impl FieldPath {
    /// Parses a dotted path, or returns `None` when it is empty or has an empty segment.
    pub fn parse(path: &str) -> Option<FieldPath> {
        let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
        if segments.iter().any(String::is_empty) {
            return None;
        }
        Some(FieldPath { segments })
    }

    /// Returns the segments of the path, outermost first.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segments.join("."))
    }
}

/// The test that a comparison applies to a field, with its operand.
///
/// Every operand is non-null. Ordering operands are numbers or RFC 3339 timestamps.
#[derive(Debug, Clone, PartialEq)]
pub enum Operator {
    /// `equals`: the value equals the operand.
    Equals(Value),
    /// `notEquals`: the value is present and differs from the operand.
    NotEquals(Value),
    /// `atLeast`: the value is greater than or equal to the operand.
    AtLeast(Value),
    /// `atMost`: the value is less than or equal to the operand.
    AtMost(Value),
    /// `greaterThan`: the value is greater than the operand.
    GreaterThan(Value),
    /// `lessThan`: the value is less than the operand.
    LessThan(Value),
    /// `contains`: the string value contains the operand as a substring, or the array value
    /// contains an element equal to the operand.
    Contains(Value),
    /// `isEmpty: true`: the value is missing, null, `""`, `[]` or `{}`.
    IsEmpty,
    /// `isNotEmpty: true`: the value is present and not null, `""`, `[]` or `{}`.
    IsNotEmpty,
}

impl Operator {
    /// Returns the operator's key as written in a rule, such as `atLeast`.
    pub fn keyword(&self) -> &'static str {
        match self {
            Operator::Equals(_) => "equals",
            Operator::NotEquals(_) => "notEquals",
            Operator::AtLeast(_) => "atLeast",
            Operator::AtMost(_) => "atMost",
            Operator::GreaterThan(_) => "greaterThan",
            Operator::LessThan(_) => "lessThan",
            Operator::Contains(_) => "contains",
            Operator::IsEmpty => "isEmpty",
            Operator::IsNotEmpty => "isNotEmpty",
        }
    }

    /// Returns the operand, or `None` for `isEmpty` and `isNotEmpty`.
    pub fn operand(&self) -> Option<&Value> {
        match self {
            Operator::Equals(operand)
            | Operator::NotEquals(operand)
            | Operator::AtLeast(operand)
            | Operator::AtMost(operand)
            | Operator::GreaterThan(operand)
            | Operator::LessThan(operand)
            | Operator::Contains(operand) => Some(operand),
            Operator::IsEmpty | Operator::IsNotEmpty => None,
        }
    }
}

/// Every operator key, in the order error messages list them.
const OPERATOR_KEYWORDS: &str =
    "equals, notEquals, atLeast, atMost, greaterThan, lessThan, contains, isEmpty, isNotEmpty";

/// Error for a rule document that parses but breaks the rule grammar. Each message names the
/// key or field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error("rule is empty, expected one of all, any, not, or field with an operator")]
    Empty,
    #[error("rule mixes {keys}, expected exactly one of all, any, not or field")]
    Mixed { keys: String },
    #[error("`{keyword}` lists no rules, expected at least one")]
    EmptyList { keyword: &'static str },
    #[error("`{keyword}` has no field to compare, expected `field: <dotted path>` next to it")]
    OperatorWithoutField { keyword: &'static str },
    #[error("field {field:?} is not a dotted path, expected names such as customProperties.memory")]
    InvalidField { field: String },
    #[error("comparison of field {field} has no operator, expected one of {OPERATOR_KEYWORDS}")]
    NoOperator { field: String },
    #[error("comparison of field {field} has operators {keywords}, expected exactly one")]
    SeveralOperators { field: String, keywords: String },
    #[error(
        "`{keyword}` of field {field} is null, expected a value (isEmpty matches a missing or null field)"
    )]
    NullOperand {
        field: String,
        keyword: &'static str,
    },
    #[error(
        "`{keyword}` of field {field} is {operand}, expected a number or an RFC 3339 timestamp"
    )]
    NotOrderable {
        field: String,
        keyword: &'static str,
        operand: String,
    },
    #[error(
        "`{keyword}: false` on field {field} is not allowed, expected `{keyword}: true` or `{opposite}: true`"
    )]
    FlagNotTrue {
        field: String,
        keyword: &'static str,
        opposite: &'static str,
    },
}

/// The document form of [`Rule`]: every key optional, checked by `TryFrom`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RuleDocument {
    #[serde(default)]
    all: Option<Vec<Rule>>,
    #[serde(default)]
    any: Option<Vec<Rule>>,
    #[serde(default)]
    not: Option<Box<Rule>>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default, deserialize_with = "present")]
    equals: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    not_equals: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    at_least: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    at_most: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    greater_than: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    less_than: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    contains: Option<Value>,
    #[serde(default)]
    is_empty: Option<bool>,
    #[serde(default)]
    is_not_empty: Option<bool>,
}

/// Deserialises a key that is present, keeping an explicit `null` as `Some(Value::Null)` so that
/// it can be rejected with a clear message instead of reading as an absent key.
fn present<'de, D>(deserializer: D) -> Result<Option<Value>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Value::deserialize(deserializer).map(Some)
}

/// An operator key found in a rule document, before its operand is checked.
enum FoundOperator {
    /// A key that takes an operand, with the constructor of its [`Operator`].
    WithOperand {
        keyword: &'static str,
        operand: Value,
        build: fn(Value) -> Operator,
        ordering: bool,
    },
    /// `isEmpty` or `isNotEmpty`, with the value given and the operator for `true`.
    Flag {
        keyword: &'static str,
        value: bool,
        operator: Operator,
        opposite: &'static str,
    },
}

impl FoundOperator {
    fn keyword(&self) -> &'static str {
        match self {
            FoundOperator::WithOperand { keyword, .. } | FoundOperator::Flag { keyword, .. } => {
                keyword
            }
        }
    }
}

impl RuleDocument {
    /// Removes and returns the operator keys that are present, in the order of the grammar.
    fn take_operators(&mut self) -> Vec<FoundOperator> {
        let mut found = Vec::new();
        let mut push_operand = |keyword, operand: Option<Value>, build, ordering| {
            if let Some(operand) = operand {
                found.push(FoundOperator::WithOperand {
                    keyword,
                    operand,
                    build,
                    ordering,
                });
            }
        };
        push_operand("equals", self.equals.take(), Operator::Equals, false);
        push_operand(
            "notEquals",
            self.not_equals.take(),
            Operator::NotEquals,
            false,
        );
        push_operand("atLeast", self.at_least.take(), Operator::AtLeast, true);
        push_operand("atMost", self.at_most.take(), Operator::AtMost, true);
        push_operand(
            "greaterThan",
            self.greater_than.take(),
            Operator::GreaterThan,
            true,
        );
        push_operand("lessThan", self.less_than.take(), Operator::LessThan, true);
        push_operand("contains", self.contains.take(), Operator::Contains, false);

        let flags = [
            (
                "isEmpty",
                self.is_empty.take(),
                Operator::IsEmpty,
                "isNotEmpty",
            ),
            (
                "isNotEmpty",
                self.is_not_empty.take(),
                Operator::IsNotEmpty,
                "isEmpty",
            ),
        ];
        for (keyword, value, operator, opposite) in flags {
            if let Some(value) = value {
                found.push(FoundOperator::Flag {
                    keyword,
                    value,
                    operator,
                    opposite,
                });
            }
        }
        found
    }
}

impl TryFrom<RuleDocument> for Rule {
    type Error = RuleError;

    fn try_from(mut document: RuleDocument) -> Result<Rule, RuleError> {
        let operators = document.take_operators();
        let mut kinds = Vec::new();
        if document.all.is_some() {
            kinds.push("all");
        }
        if document.any.is_some() {
            kinds.push("any");
        }
        if document.not.is_some() {
            kinds.push("not");
        }
        if document.field.is_some() {
            kinds.push("field");
        }
        if kinds.len() > 1 {
            return Err(RuleError::Mixed {
                keys: join_keys(&kinds),
            });
        }

        if let Some(rules) = document.all {
            return list_rule("all", rules, operators).map(Rule::All);
        }
        if let Some(rules) = document.any {
            return list_rule("any", rules, operators).map(Rule::Any);
        }
        if let Some(rule) = document.not {
            if let Some(operator) = operators.first() {
                return Err(RuleError::OperatorWithoutField {
                    keyword: operator.keyword(),
                });
            }
            return Ok(Rule::Not(rule));
        }
        let Some(field) = document.field else {
            return match operators.first() {
                Some(operator) => Err(RuleError::OperatorWithoutField {
                    keyword: operator.keyword(),
                }),
                None => Err(RuleError::Empty),
            };
        };
        comparison(field, operators).map(Rule::Compare)
    }
}

/// Validates an `all` or `any` list: it lists at least one rule and has no operator beside it.
fn list_rule(
    keyword: &'static str,
    rules: Vec<Rule>,
    operators: Vec<FoundOperator>,
) -> Result<Vec<Rule>, RuleError> {
    if let Some(operator) = operators.first() {
        return Err(RuleError::OperatorWithoutField {
            keyword: operator.keyword(),
        });
    }
    if rules.is_empty() {
        return Err(RuleError::EmptyList { keyword });
    }
    Ok(rules)
}

/// Builds a comparison from its field and the operator keys found next to it.
fn comparison(field: String, mut operators: Vec<FoundOperator>) -> Result<Comparison, RuleError> {
    let Some(path) = FieldPath::parse(&field) else {
        return Err(RuleError::InvalidField { field });
    };
    if operators.len() > 1 {
        let keywords: Vec<&str> = operators.iter().map(FoundOperator::keyword).collect();
        return Err(RuleError::SeveralOperators {
            field,
            keywords: join_keys(&keywords),
        });
    }
    let Some(found) = operators.pop() else {
        return Err(RuleError::NoOperator { field });
    };

    let operator = match found {
        FoundOperator::WithOperand {
            keyword,
            operand: Value::Null,
            ..
        } => {
            return Err(RuleError::NullOperand { field, keyword });
        }
        FoundOperator::WithOperand {
            keyword,
            operand,
            build,
            ordering,
        } => {
            if ordering && !is_orderable(&operand) {
                return Err(RuleError::NotOrderable {
                    field,
                    keyword,
                    operand: operand.to_string(),
                });
            }
            build(operand)
        }
        FoundOperator::Flag {
            value: true,
            operator,
            ..
        } => operator,
        FoundOperator::Flag {
            keyword,
            value: false,
            opposite,
            ..
        } => {
            return Err(RuleError::FlagNotTrue {
                field,
                keyword,
                opposite,
            });
        }
    };
    Ok(Comparison {
        field: path,
        operator,
    })
}

/// Reports whether an operand can bound an ordering: a number or an RFC 3339 timestamp.
fn is_orderable(operand: &Value) -> bool {
    match operand {
        Value::Number(_) => true,
        Value::String(text) => parse_timestamp(text).is_some(),
        _ => false,
    }
}

/// Joins keys for a message: `all and field`, or `equals, atLeast and contains`.
fn join_keys(keys: &[&str]) -> String {
    match keys.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse_rule(rule: Value) -> Result<Rule, String> {
        serde_json::from_value(rule).map_err(|error| error.to_string())
    }

    fn compare(field: &str, operator: Operator) -> Rule {
        Rule::Compare(Comparison {
            field: FieldPath::parse(field).expect("valid path"),
            operator,
        })
    }

    fn example_document() -> Value {
        json!({
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
        })
    }

    #[test]
    fn example_document_parses() {
        let test: CustomTest = serde_json::from_value(example_document()).expect("valid test");
        assert_eq!(test.name, "servers-have-memory");
        assert_eq!(test.resource, "internal-servers");
        assert_eq!(
            test.remediation.as_deref(),
            Some("Resize or decommission the server.")
        );
        assert_eq!(
            test.scope,
            Some(compare(
                "customProperties.environment",
                Operator::Equals(json!("production"))
            ))
        );
        assert_eq!(
            test.rule,
            Rule::All(vec![
                compare("customProperties.active", Operator::Equals(json!(true))),
                compare("customProperties.memory", Operator::AtLeast(json!(8192))),
            ])
        );
    }

    #[test]
    fn document_without_header_parses() {
        let mut document = example_document();
        let members = document.as_object_mut().expect("object");
        members.remove("apiVersion");
        members.remove("kind");
        members.remove("remediation");
        members.remove("scope");
        let test: CustomTest = serde_json::from_value(document).expect("valid test");
        assert_eq!(test.remediation, None);
        assert_eq!(test.scope, None);
    }

    #[test]
    fn document_header_checked() {
        let mut wrong_kind = example_document();
        wrong_kind["kind"] = json!("Records");
        let error = serde_json::from_value::<CustomTest>(wrong_kind).expect_err("wrong kind");
        assert!(error.to_string().contains("Records"), "{error}");

        let mut wrong_version = example_document();
        wrong_version["apiVersion"] = json!("vanta-gitops/v2");
        let error =
            serde_json::from_value::<CustomTest>(wrong_version).expect_err("wrong apiVersion");
        assert!(error.to_string().contains("vanta-gitops/v2"), "{error}");
    }

    #[test]
    fn document_unknown_key_rejected() {
        let mut document = example_document();
        document["remedy"] = json!("typo");
        let error = serde_json::from_value::<CustomTest>(document).expect_err("unknown key");
        assert!(
            error.to_string().contains("unknown field `remedy`"),
            "{error}"
        );
    }

    #[test]
    fn document_missing_rule_rejected() {
        let mut document = example_document();
        document.as_object_mut().expect("object").remove("rule");
        let error = serde_json::from_value::<CustomTest>(document).expect_err("no rule");
        assert!(
            error.to_string().contains("missing field `rule`"),
            "{error}"
        );
    }

    #[test]
    fn every_operator_parses() {
        let cases = [
            (
                json!({ "field": "a", "equals": 1 }),
                Operator::Equals(json!(1)),
            ),
            (
                json!({ "field": "a", "notEquals": "x" }),
                Operator::NotEquals(json!("x")),
            ),
            (
                json!({ "field": "a", "atLeast": 1.5 }),
                Operator::AtLeast(json!(1.5)),
            ),
            (
                json!({ "field": "a", "atMost": -2 }),
                Operator::AtMost(json!(-2)),
            ),
            (
                json!({ "field": "a", "greaterThan": "2026-01-01T00:00:00Z" }),
                Operator::GreaterThan(json!("2026-01-01T00:00:00Z")),
            ),
            (
                json!({ "field": "a", "lessThan": 0 }),
                Operator::LessThan(json!(0)),
            ),
            (
                json!({ "field": "a", "contains": ["x"] }),
                Operator::Contains(json!(["x"])),
            ),
            (json!({ "field": "a", "isEmpty": true }), Operator::IsEmpty),
            (
                json!({ "field": "a", "isNotEmpty": true }),
                Operator::IsNotEmpty,
            ),
        ];
        for (document, operator) in cases {
            let keyword = operator.keyword();
            assert_eq!(
                parse_rule(document),
                Ok(compare("a", operator)),
                "{keyword}"
            );
        }
    }

    #[test]
    fn nested_rules_parse() {
        let rule = parse_rule(json!({
            "any": [
                { "not": { "field": "a.b", "isEmpty": true } },
                { "all": [{ "field": "users.0.username", "equals": "root" }] }
            ]
        }));
        let expected = Rule::Any(vec![
            Rule::Not(Box::new(compare("a.b", Operator::IsEmpty))),
            Rule::All(vec![compare(
                "users.0.username",
                Operator::Equals(json!("root")),
            )]),
        ]);
        assert_eq!(rule, Ok(expected));
    }

    #[test]
    fn field_path_segments() {
        let path = FieldPath::parse("customProperties.memory").expect("valid path");
        assert_eq!(path.segments(), ["customProperties", "memory"]);
        assert_eq!(path.to_string(), "customProperties.memory");
        for invalid in ["", ".", "a.", ".a", "a..b"] {
            assert_eq!(FieldPath::parse(invalid), None, "{invalid:?}");
        }
    }

    /// Asserts that a rule is rejected with exactly `expected` as its message.
    fn assert_rejected(rule: Value, expected: &str) {
        assert_eq!(parse_rule(rule.clone()), Err(expected.to_owned()), "{rule}");
    }

    #[test]
    fn unknown_operator_rejected() {
        let error = parse_rule(json!({ "field": "a", "atleast": 1 })).expect_err("unknown key");
        assert!(error.starts_with("unknown field `atleast`"), "{error}");
    }

    #[test]
    fn empty_rule_rejected() {
        assert_rejected(
            json!({}),
            "rule is empty, expected one of all, any, not, or field with an operator",
        );
    }

    #[test]
    fn missing_operator_rejected() {
        assert_rejected(
            json!({ "field": "customProperties.memory" }),
            "comparison of field customProperties.memory has no operator, expected one of \
             equals, notEquals, atLeast, atMost, greaterThan, lessThan, contains, isEmpty, \
             isNotEmpty",
        );
    }

    #[test]
    fn several_operators_rejected() {
        assert_rejected(
            json!({ "field": "customProperties.memory", "atLeast": 1, "atMost": 9, "isEmpty": true }),
            "comparison of field customProperties.memory has operators atLeast, atMost and \
             isEmpty, expected exactly one",
        );
    }

    #[test]
    fn mixed_rule_rejected() {
        assert_rejected(
            json!({ "all": [{ "field": "a", "isEmpty": true }], "field": "b", "equals": 1 }),
            "rule mixes all and field, expected exactly one of all, any, not or field",
        );
    }

    #[test]
    fn operator_without_field_rejected() {
        assert_rejected(
            json!({ "equals": 1 }),
            "`equals` has no field to compare, expected `field: <dotted path>` next to it",
        );
        assert_rejected(
            json!({ "all": [{ "field": "a", "isEmpty": true }], "equals": 1 }),
            "`equals` has no field to compare, expected `field: <dotted path>` next to it",
        );
        assert_rejected(
            json!({ "not": { "field": "a", "isEmpty": true }, "isEmpty": true }),
            "`isEmpty` has no field to compare, expected `field: <dotted path>` next to it",
        );
    }

    #[test]
    fn empty_lists_rejected() {
        assert_rejected(
            json!({ "all": [] }),
            "`all` lists no rules, expected at least one",
        );
        assert_rejected(
            json!({ "any": [] }),
            "`any` lists no rules, expected at least one",
        );
    }

    #[test]
    fn invalid_field_rejected() {
        assert_rejected(
            json!({ "field": "customProperties..memory", "equals": 1 }),
            "field \"customProperties..memory\" is not a dotted path, expected names such as \
             customProperties.memory",
        );
    }

    #[test]
    fn null_operand_rejected() {
        assert_rejected(
            json!({ "field": "owner", "equals": null }),
            "`equals` of field owner is null, expected a value (isEmpty matches a missing or \
             null field)",
        );
    }

    #[test]
    fn unorderable_operand_rejected() {
        for (operand, rendered) in [
            (json!("8 GiB"), "\"8 GiB\""),
            (json!("2026-05-05"), "\"2026-05-05\""),
            (json!(true), "true"),
            (json!([1]), "[1]"),
        ] {
            let expected = format!(
                "`atMost` of field customProperties.memory is {rendered}, expected a number or \
                 an RFC 3339 timestamp"
            );
            assert_rejected(
                json!({ "field": "customProperties.memory", "atMost": operand }),
                &expected,
            );
        }
    }

    #[test]
    fn false_flags_rejected() {
        assert_rejected(
            json!({ "field": "labels", "isEmpty": false }),
            "`isEmpty: false` on field labels is not allowed, expected `isEmpty: true` or \
             `isNotEmpty: true`",
        );
        assert_rejected(
            json!({ "field": "labels", "isNotEmpty": false }),
            "`isNotEmpty: false` on field labels is not allowed, expected `isNotEmpty: true` or \
             `isEmpty: true`",
        );
    }

    #[test]
    fn nested_error_surfaces() {
        let error =
            parse_rule(json!({ "all": [{ "not": { "field": "a" } }] })).expect_err("no operator");
        assert!(
            error.contains("comparison of field a has no operator"),
            "{error}"
        );
    }
}
