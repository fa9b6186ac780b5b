//! Throughput of the JTD validator on user-account-like records.
//!
//! Builds 100,000 records as `serde_json::Value` (strings, an enum, timestamps, a boolean, an
//! array of enums and an int32) and validates each against a matching schema. Building is not
//! timed. Five passes run, and the median pass is reported. Run it with `cargo bench --bench jtd`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vanta_gitops::schema::jtd::{Schema, ValidationOptions, validate};

const RECORD_COUNT: usize = 100_000;
const PASS_COUNT: usize = 5;

const PERMISSION_LEVELS: [&str; 3] = ["BASE", "EDITOR", "ADMIN"];
const MFA_METHODS: [&str; 4] = ["TOTP", "SMS", "WEBAUTHN", "PUSH"];

/// Returns the JTD schema of one user account record.
fn account_schema() -> Value {
    json!({
        "properties": {
            "uniqueId": {"type": "string"},
            "displayName": {"type": "string"},
            "email": {"type": "string"},
            "permissionLevel": {"enum": PERMISSION_LEVELS},
            "createdTimestamp": {"type": "timestamp"},
            "isActive": {"type": "boolean"},
            "mfaMethods": {"elements": {"enum": MFA_METHODS}},
            "loginCount": {"type": "int32"}
        },
        "optionalProperties": {
            "updatedTimestamp": {"type": "timestamp"},
            "externalUrl": {"type": "string", "nullable": true}
        }
    })
}

/// Returns record number `index`, varied so that no two records are alike.
fn account_record(index: usize) -> Value {
    let day = index % 28 + 1;
    let hour = index % 24;
    let minute = index % 60;
    let method_count = index % (MFA_METHODS.len() + 1);
    let mut record = json!({
        "uniqueId": format!("user-{index:06}"),
        "displayName": format!("User Number {index}"),
        "email": format!("user{index}@example.com"),
        "permissionLevel": PERMISSION_LEVELS[index % PERMISSION_LEVELS.len()],
        "createdTimestamp": format!("2023-{:02}-{day:02}T{hour:02}:{minute:02}:00Z", index % 12 + 1),
        "isActive": !index.is_multiple_of(5),
        "mfaMethods": MFA_METHODS[..method_count],
        "loginCount": index * 7 % 100_000
    });
    if index.is_multiple_of(2) {
        record["updatedTimestamp"] = json!(format!(
            "2024-06-{day:02}T{hour:02}:{minute:02}:30.250+02:00"
        ));
    }
    if index.is_multiple_of(3) {
        record["externalUrl"] = Value::Null;
    }
    record
}

#[expect(
    clippy::print_stdout,
    reason = "a benchmark reports its figures on stdout"
)]
fn main() {
    let schema = match Schema::from_json(&account_schema()) {
        Ok(schema) => schema,
        Err(error) => panic!("benchmark schema is invalid: {error}"),
    };
    let records: Vec<Value> = (0..RECORD_COUNT).map(account_record).collect();
    let options = ValidationOptions::default();

    let mut passes: Vec<Duration> = Vec::with_capacity(PASS_COUNT);
    for _ in 0..PASS_COUNT {
        let start = Instant::now();
        let mut error_count = 0;
        for record in &records {
            match validate(&schema, black_box(record), &options) {
                Ok(errors) => error_count += errors.len(),
                Err(error) => panic!("validation stopped: {error}"),
            }
        }
        passes.push(start.elapsed());
        // Every record is valid, so any error is a bug in the benchmark or the validator.
        assert_eq!(error_count, 0, "valid records were rejected");
    }

    passes.sort();
    let median = passes[PASS_COUNT / 2];
    let total: Duration = passes.iter().sum();
    let records_per_second = RECORD_COUNT as f64 / median.as_secs_f64();
    println!(
        "jtd validate: {RECORD_COUNT} records in {:.1} ms (median of {PASS_COUNT} passes), \
         {records_per_second:.0} records/s",
        median.as_secs_f64() * 1000.0
    );
    println!(
        "jtd validate: total time {:.1} ms for {} records",
        total.as_secs_f64() * 1000.0,
        RECORD_COUNT * PASS_COUNT
    );
}
