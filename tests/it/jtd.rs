//! The JTD module against the official JSON Type Definition test suite.
//!
//! The suite is two JSON files: `validation.json` maps a case name to a schema, an instance and
//! the exact set of error indicators, and `invalid_schemas.json` maps a case name to a schema
//! that must be rejected. The folder is `VANTA_GITOPS_JTD_SUITE` when set, and otherwise the one
//! that [`suite_folder`] names beside the crate. When the folder is absent, the tests print that
//! they skipped and pass, because a fresh clone has no copy of the suite.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Map, Value};
use vanta_gitops::schema::jtd::{Schema, ValidationOptions, validate};

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
