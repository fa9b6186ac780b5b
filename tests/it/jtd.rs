//! The JTD module against the official JSON Type Definition test suite.
//!
//! The suite is two JSON files: `validation.json` maps a case name to a schema, an instance and
//! the exact set of error indicators, and `invalid_schemas.json` maps a case name to a schema
//! that must be rejected. The folder is `VANTA_GITOPS_JTD_SUITE` when set, and otherwise the one
//! that [`suite_folder`] names beside the crate. When the folder is absent, the tests print that
//! they skipped and pass, because a fresh clone has no copy of the suite.
//!
//! The same validation cases, and some of this file's own, also check [`to_json_schema`]: the
//! `jsonschema` crate must accept the instance under the converted schema exactly when the JTD
//! validator does, except for the cases listed in [`JSON_SCHEMA_EXCEPTIONS`].

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Map, Value, json};
use vanta_gitops::schema::jtd::{Schema, ValidationOptions, to_json_schema, validate};

/// Cases where the converted schema gives another verdict than JTD, with the reason.
///
/// The differential tests fail when a case differs without being listed, when a listed case
/// agrees or never runs, and when a listed case still differs with `format` asserted, so the list
/// stays true.
const JSON_SCHEMA_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "timestamp - February 29 of a common year",
        "the `pattern` cannot check days per month, and draft 2020-12 treats `format: \
         date-time` as an annotation unless the validator is told to assert it",
    ),
    (
        "timestamp - leap second at noon UTC",
        "the `pattern` cannot relate the seconds to the UTC time of day, and draft 2020-12 \
         treats `format: date-time` as an annotation unless the validator is told to assert it",
    ),
];

/// Returns the folder that contains the suite files.
fn suite_folder() -> PathBuf {
    match std::env::var_os("VANTA_GITOPS_JTD_SUITE") {
        Some(folder) => PathBuf::from(folder),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/jtd"),
    }
}

/// Returns the cases of one suite file, or `None` after saying so when the suite is absent.
#[expect(
    clippy::print_stdout,
    reason = "a skipped suite must be visible in the test output"
)]
fn load_suite(file_name: &str) -> Option<Map<String, Value>> {
    let folder = suite_folder();
    if !folder.is_dir() {
        println!(
            "jtd conformance skipped: no suite folder at {}; set VANTA_GITOPS_JTD_SUITE to the \
             folder that contains {file_name}",
            folder.display()
        );
        return None;
    }
    let path = folder.join(file_name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Object(cases)) => Some(cases),
        Ok(_) => panic!("{} is not a JSON object of cases", path.display()),
        Err(error) => panic!("{} is not valid JSON: {error}", path.display()),
    }
}

/// Prints the tally of one suite file and fails listing every failed case.
#[expect(
    clippy::print_stdout,
    reason = "the tally is the report of the conformance run"
)]
fn report(file_name: &str, passed: usize, failures: &[String]) {
    println!(
        "jtd conformance: {passed} passed, {} failed ({file_name})",
        failures.len()
    );
    for failure in failures {
        println!("  FAILED {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} cases of {file_name} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One error indicator: instance path and schema path.
type Indicator = (Vec<String>, Vec<String>);

/// Returns the expected error indicators of a validation case.
fn expected_indicators(case: &Value) -> Result<BTreeSet<Indicator>, String> {
    let errors = case["errors"]
        .as_array()
        .ok_or("`errors` is not an array")?;
    let tokens = |value: &Value| -> Result<Vec<String>, String> {
        let items = value.as_array().ok_or("a path is not an array")?;
        items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or("a path token is not a string")
            })
            .collect::<Result<_, _>>()
            .map_err(str::to_owned)
    };
    errors
        .iter()
        .map(|error| {
            Ok((
                tokens(&error["instancePath"])?,
                tokens(&error["schemaPath"])?,
            ))
        })
        .collect()
}

/// Runs one validation case and returns why it failed, if it did.
fn run_validation_case(case: &Value) -> Result<(), String> {
    let expected = expected_indicators(case)?;
    let schema = Schema::from_json(&case["schema"]).map_err(|error| error.to_string())?;
    let errors = validate(&schema, &case["instance"], &ValidationOptions::default())
        .map_err(|error| error.to_string())?;
    let actual: BTreeSet<Indicator> = errors
        .into_iter()
        .map(|error| (error.instance_path, error.schema_path))
        .collect();
    if actual == expected {
        Ok(())
    } else {
        Err(format!("expected {expected:?}, got {actual:?}"))
    }
}

#[test]
fn jtd_validation_suite() {
    let Some(cases) = load_suite("validation.json") else {
        return;
    };
    let mut passed = 0;
    let mut failures = Vec::new();
    for (name, case) in &cases {
        match run_validation_case(case) {
            Ok(()) => passed += 1,
            Err(reason) => failures.push(format!("{name}: {reason}")),
        }
    }
    report("validation.json", passed, &failures);
}

#[test]
fn jtd_invalid_schemas_suite() {
    let Some(cases) = load_suite("invalid_schemas.json") else {
        return;
    };
    let mut passed = 0;
    let mut failures = Vec::new();
    for (name, schema) in &cases {
        match Schema::from_json(schema) {
            Err(_) => passed += 1,
            Ok(compiled) => failures.push(format!("{name}: accepted as {compiled:?}")),
        }
    }
    report("invalid_schemas.json", passed, &failures);
}

/// Returns whether the `jsonschema` crate accepts `instance` under the converted `schema`,
/// asserting `format` only when `assert_format` is set, as draft 2020-12 leaves it optional.
fn json_schema_verdict(
    schema: &Schema,
    instance: &Value,
    assert_format: bool,
) -> Result<bool, String> {
    let converted = to_json_schema(schema);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(assert_format)
        .build(&converted)
        .map_err(|error| format!("converted schema {converted} is invalid: {error}"))?;
    Ok(validator.is_valid(instance))
}

/// Returns whether the JTD validator accepts `instance` under `schema`.
fn jtd_verdict(schema: &Schema, instance: &Value) -> Result<bool, String> {
    validate(schema, instance, &ValidationOptions::default())
        .map(|errors| errors.is_empty())
        .map_err(|error| error.to_string())
}

/// Compares the JTD and JSON Schema verdicts on one case against [`JSON_SCHEMA_EXCEPTIONS`],
/// and returns the problem found, if any.
fn compare_verdicts(name: &str, schema_json: &Value, instance: &Value) -> Result<(), String> {
    let schema = Schema::from_json(schema_json).map_err(|error| format!("{name}: {error}"))?;
    let jtd = jtd_verdict(&schema, instance).map_err(|error| format!("{name}: {error}"))?;
    let plain = json_schema_verdict(&schema, instance, false)
        .map_err(|error| format!("{name}: {error}"))?;
    let asserted =
        json_schema_verdict(&schema, instance, true).map_err(|error| format!("{name}: {error}"))?;
    let listed = JSON_SCHEMA_EXCEPTIONS
        .iter()
        .any(|(exception, _)| *exception == name);
    if jtd != plain && !listed {
        return Err(format!(
            "{name}: JTD verdict valid={jtd}, JSON Schema verdict valid={plain}"
        ));
    }
    if jtd == plain && listed {
        return Err(format!(
            "{name}: listed as an exception, but both verdicts are valid={jtd}"
        ));
    }
    if jtd != asserted {
        return Err(format!(
            "{name}: JTD verdict valid={jtd}, JSON Schema verdict with `format` asserted \
             valid={asserted}"
        ));
    }
    Ok(())
}

/// Returns this file's own differential cases as (name, schema, instance), for what the suite
/// does not cover: escaped definition names, discriminator variants, nullable forms and
/// timestamps that only `format` can reject.
fn own_cases() -> Vec<(String, Value, Value)> {
    let groups = [
        (
            "ref - definition name that needs escaping",
            json!({
                "definitions": {"a b/~%é": {"type": "string"}},
                "properties": {"name": {"ref": "a b/~%é"}}
            }),
            vec![
                ("ok", json!({"name": "x"})),
                ("wrong type", json!({"name": 1})),
                ("missing", json!({})),
            ],
        ),
        (
            "discriminator - closed and open variants",
            json!({
                "discriminator": "kind",
                "mapping": {
                    "user": {"properties": {"email": {"type": "string"}}},
                    "bot": {
                        "optionalProperties": {"owner": {"type": "string"}},
                        "additionalProperties": true
                    }
                }
            }),
            vec![
                ("ok", json!({"kind": "user", "email": "a@example.com"})),
                (
                    "extra member",
                    json!({"kind": "user", "email": "a@example.com", "x": 1}),
                ),
                ("missing property", json!({"kind": "user"})),
                ("extra member allowed", json!({"kind": "bot", "x": 1})),
                ("unknown tag value", json!({"kind": "robot"})),
                ("tag not string", json!({"kind": 1})),
                ("tag missing", json!({})),
                ("null", json!(null)),
            ],
        ),
        (
            "discriminator - nullable with empty mapping",
            json!({"discriminator": "kind", "mapping": {}, "nullable": true}),
            vec![
                ("null", json!(null)),
                ("tag present", json!({"kind": "x"})),
                ("empty object", json!({})),
            ],
        ),
        (
            "type - nullable uint8",
            json!({"type": "uint8", "nullable": true}),
            vec![
                ("null", json!(null)),
                ("max", json!(255)),
                ("integral float", json!(255.0)),
                ("above max", json!(256)),
                ("below min", json!(-1)),
                ("fraction", json!(1.5)),
            ],
        ),
        (
            "timestamp",
            json!({"type": "timestamp"}),
            vec![
                ("February 29 of a leap year", json!("2024-02-29T12:00:00Z")),
                (
                    "February 29 of a common year",
                    json!("2023-02-29T12:00:00Z"),
                ),
                ("leap second at noon UTC", json!("2016-12-31T12:59:60Z")),
                (
                    "leap second with offset",
                    json!("2016-12-31T15:59:60-08:00"),
                ),
                ("lower-case separators", json!("2024-01-01t00:00:00z")),
                ("space separator", json!("2024-01-01 00:00:00Z")),
            ],
        ),
        (
            "enum - nullable",
            json!({"enum": ["a", "b"], "nullable": true}),
            vec![
                ("listed", json!("a")),
                ("null", json!(null)),
                ("unlisted", json!("c")),
                ("number", json!(1)),
            ],
        ),
        (
            "values - nullable, of elements",
            json!({"values": {"elements": {"type": "boolean"}}, "nullable": true}),
            vec![
                ("ok", json!({"a": [true]})),
                ("wrong element", json!({"a": [1]})),
                ("null", json!(null)),
                ("array", json!([])),
            ],
        ),
    ];
    let mut cases = Vec::new();
    for (group, schema, instances) in groups {
        for (label, instance) in instances {
            cases.push((format!("{group} - {label}"), schema.clone(), instance));
        }
    }
    cases
}

#[test]
fn json_schema_agrees_with_jtd() {
    let mut cases = own_cases();
    if let Some(suite) = load_suite("validation.json") {
        for (name, case) in suite {
            cases.push((name, case["schema"].clone(), case["instance"].clone()));
        }
    }
    let mut problems = Vec::new();
    for (name, schema, instance) in &cases {
        if let Err(problem) = compare_verdicts(name, schema, instance) {
            problems.push(problem);
        }
    }
    for (exception, _) in JSON_SCHEMA_EXCEPTIONS {
        if !cases.iter().any(|(name, _, _)| name == exception) {
            problems.push(format!(
                "{exception}: listed as an exception, but no such case ran"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
