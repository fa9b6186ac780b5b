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

/// A small deterministic pseudo-random generator (xorshift64*), so that random cases repeat
/// from run to run without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Returns a number below `bound`, which must not be zero.
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Returns true with probability `numerator` in 100.
    fn chance(&mut self, numerator: usize) -> bool {
        self.below(100) < numerator
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: [&str; 5] = ["a", "b", "kind", "x/y", "~z"];
const TYPES: [&str; 11] = [
    "boolean",
    "string",
    "timestamp",
    "float32",
    "float64",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
];
const STRINGS: [&str; 6] = [
    "a",
    "b",
    "kind",
    "",
    "2024-02-29T23:59:60Z",
    "1990-12-31T15:59:60-08:00",
];
const NUMBERS: [f64; 10] = [
    0.0,
    1.0,
    -1.0,
    1.5,
    127.0,
    128.0,
    255.0,
    -32769.0,
    4_294_967_295.0,
    4_294_967_296.0,
];

/// Returns a random valid JTD schema, nested at most `depth` levels.
fn random_schema(random: &mut Random, depth: usize, definitions: &[&str]) -> Value {
    let mut schema = Map::new();
    let form = if depth == 0 {
        random.below(4)
    } else {
        random.below(9)
    };
    match form {
        0 => {}
        1 if !definitions.is_empty() => {
            schema.insert("ref".into(), json!(random.pick(definitions)));
        }
        1 | 2 => {
            schema.insert("type".into(), json!(random.pick(&TYPES)));
        }
        3 => {
            let count = 1 + random.below(3);
            let values: BTreeSet<&str> = (0..count).map(|_| random.pick(&STRINGS)).collect();
            schema.insert("enum".into(), json!(values));
        }
        4 => {
            let items = random_schema(random, depth - 1, definitions);
            schema.insert("elements".into(), items);
        }
        5 => {
            let values = random_schema(random, depth - 1, definitions);
            schema.insert("values".into(), values);
        }
        6 => {
            let tag = random.pick(&NAMES);
            let mut mapping = Map::new();
            for _ in 0..random.below(3) {
                let key = random.pick(&STRINGS);
                let mut variant = random_properties(random, depth - 1, definitions);
                variant.retain(|_, members| match members {
                    Value::Object(members) => {
                        members.remove(tag);
                        true
                    }
                    _ => true,
                });
                mapping.insert(key.into(), Value::Object(variant));
            }
            schema.insert("discriminator".into(), json!(tag));
            schema.insert("mapping".into(), Value::Object(mapping));
        }
        _ => schema = random_properties(random, depth - 1, definitions),
    }
    if random.chance(30) {
        schema.insert("nullable".into(), json!(true));
    }
    if random.chance(10) {
        schema.insert("metadata".into(), json!({"description": "random"}));
    }
    Value::Object(schema)
}

/// Returns the members of a random properties form.
fn random_properties(
    random: &mut Random,
    depth: usize,
    definitions: &[&str],
) -> Map<String, Value> {
    let mut schema = Map::new();
    let mut required = Map::new();
    let mut optional = Map::new();
    for name in NAMES {
        match random.below(4) {
            0 => {
                required.insert(name.into(), random_schema(random, depth, definitions));
            }
            1 => {
                optional.insert(name.into(), random_schema(random, depth, definitions));
            }
            _ => {}
        }
    }
    if !optional.is_empty() && random.chance(70) {
        schema.insert("optionalProperties".into(), Value::Object(optional));
    }
    if schema.is_empty() || random.chance(70) {
        schema.insert("properties".into(), Value::Object(required));
    }
    if random.chance(30) {
        schema.insert("additionalProperties".into(), json!(true));
    }
    schema
}

/// Returns a random instance, often shaped like `schema` so that both verdicts occur.
fn random_instance(random: &mut Random, schema: &Value, root: &Value, depth: usize) -> Value {
    if depth == 0 || random.chance(15) {
        return random_value(random);
    }
    if schema.get("nullable") == Some(&json!(true)) && random.chance(20) {
        return Value::Null;
    }

    if let Some(name) = schema.get("ref").and_then(Value::as_str) {
        return random_instance(random, &root["definitions"][name], root, depth - 1);
    }
    if let Some(type_name) = schema.get("type").and_then(Value::as_str) {
        return match type_name {
            "boolean" => json!(random.chance(50)),
            "string" | "timestamp" => json!(random.pick(&STRINGS)),
            _ => json!(NUMBERS[random.below(NUMBERS.len())]),
        };
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        return values[random.below(values.len())].clone();
    }
    if let Some(items) = schema.get("elements") {
        let count = random.below(3);
        let elements = (0..count).map(|_| random_instance(random, items, root, depth - 1));
        return Value::Array(elements.collect());
    }
    if let Some(values) = schema.get("values") {
        let mut object = Map::new();
        for _ in 0..random.below(3) {
            let value = random_instance(random, values, root, depth - 1);
            object.insert(random.pick(&NAMES).into(), value);
        }
        return Value::Object(object);
    }
    if let (Some(Value::String(tag)), Some(Value::Object(mapping))) =
        (schema.get("discriminator"), schema.get("mapping"))
    {
        return random_tagged_object(random, tag, mapping, root, depth);
    }
    random_object(random, schema, root, depth)
}

/// Returns a random value of any JSON type, unrelated to any schema.
fn random_value(random: &mut Random) -> Value {
    match random.below(7) {
        0 => Value::Null,
        1 => json!(random.chance(50)),
        2 => json!(NUMBERS[random.below(NUMBERS.len())]),
        3 => json!(random.pick(&STRINGS)),
        4 => json!([]),
        5 => json!({}),
        _ => json!({ random.pick(&NAMES): random.pick(&STRINGS) }),
    }
}

/// Returns an object for a discriminator form, with a tag value from `mapping` or not.
fn random_tagged_object(
    random: &mut Random,
    tag: &str,
    mapping: &Map<String, Value>,
    root: &Value,
    depth: usize,
) -> Value {
    let Some((key, variant)) = mapping.iter().nth(random.below(mapping.len() + 1)) else {
        return json!({ tag: random.pick(&STRINGS) });
    };
    let mut object = random_object(random, variant, root, depth);
    if let Value::Object(members) = &mut object {
        members.insert(tag.to_owned(), json!(key));
    }
    object
}

/// Returns an object for a properties form, sometimes missing or adding a member.
fn random_object(random: &mut Random, schema: &Value, root: &Value, depth: usize) -> Value {
    let mut object = Map::new();
    for keyword in ["properties", "optionalProperties"] {
        let Some(Value::Object(members)) = schema.get(keyword) else {
            continue;
        };
        for (name, member) in members {
            if keyword == "properties" || random.chance(50) {
                let value = random_instance(random, member, root, depth - 1);
                object.insert(name.clone(), value);
            }
        }
    }
    if random.chance(10) {
        object.insert("extra".into(), json!(1));
    }
    Value::Object(object)
}

/// Returns a copy of `schema` with one member, at any depth, replaced by a random value, so
/// that schema checking meets invalid schemas of every shape.
fn damage(random: &mut Random, schema: &Value) -> Value {
    let mut damaged = schema.clone();
    let mut current = &mut damaged;
    while let Value::Object(members) = current {
        if members.is_empty() {
            break;
        }
        let index = random.below(members.len());
        let Some((_, child)) = members.iter_mut().nth(index) else {
            break;
        };
        if !child.is_object() || random.chance(30) {
            *child = match random.below(6) {
                0 => Value::Null,
                1 => json!(7),
                2 => json!("int64"),
                3 => json!(["a", "a"]),
                4 => json!({"unknown": {}}),
                _ => json!({"definitions": {}}),
            };
            break;
        }
        current = child;
    }
    damaged
}

#[test]
fn random_cases_agree_and_never_panic() {
    let mut random = Random(0x5EED_1234_ABCD_0001);
    let mut compiled = 0;
    let mut rejected = 0;
    let mut verdicts = [0usize; 2];
    let mut problems = Vec::new();
    for case in 0..1500 {
        let definitions: Vec<&str> = NAMES[..random.below(3)].to_vec();
        let mut root = random_schema(&mut random, 3, &definitions);
        if !definitions.is_empty() {
            let members: Map<String, Value> = definitions
                .iter()
                .map(|name| ((*name).into(), random_schema(&mut random, 2, &definitions)))
                .collect();
            if let Value::Object(root_members) = &mut root {
                root_members.insert("definitions".into(), Value::Object(members));
            }
        }
        if Schema::from_json(&damage(&mut random, &root)).is_err() {
            rejected += 1;
        }
        let Ok(schema) = Schema::from_json(&root) else {
            continue;
        };
        compiled += 1;
        for _ in 0..4 {
            let instance = random_instance(&mut random, &root, &root, 4);
            match jtd_verdict(&schema, &instance) {
                Ok(valid) => verdicts[usize::from(valid)] += 1,
                // A ref cycle such as {"definitions": {"a": {"ref": "a"}}} has no verdict,
                // and stopping on it is the expected outcome.
                Err(_) => continue,
            }
            let name = format!("random case {case}: {root} with {instance}");
            if let Err(problem) = compare_verdicts(&name, &root, &instance) {
                problems.push(problem);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The generator must produce enough valid schemas and both verdicts to test anything.
    assert!(compiled > 500, "only {compiled} random schemas compiled");
    assert!(
        rejected > 500,
        "only {rejected} damaged schemas were rejected"
    );
    assert!(
        verdicts[0] > 1000,
        "only {} random instances were invalid",
        verdicts[0]
    );
    assert!(
        verdicts[1] > 1000,
        "only {} random instances were valid",
        verdicts[1]
    );
}
