//! Plans of the example inventory against a seeded sandbox: every renderer, normalisation of
//! equivalent values, saved plans, `--resource`, masking, colours and Custom Tests.

use assert_cmd::assert::Assert;
use predicates::prelude::*;
use serde_json::{Value, json};

use crate::support::{Sandbox, TestInventory};

/// Seeds the sandbox with every desired record of the inventory, as an apply would leave
/// them, after `edit` changed them per resource name.
fn seed_as_applied(
    inventory: &TestInventory,
    sandbox: &Sandbox,
    edit: impl Fn(&str, &mut Vec<Value>),
) {
    let (loaded, diagnostics) = vanta_gitops::inventory::load(inventory.path()).unwrap();
    assert!(!diagnostics.has_errors(), "the inventory must be valid");
    for resource in &loaded.resources {
        let mut records: Vec<Value> = resource
            .records
            .iter()
            .map(|record| record.json.value())
            .collect();
        edit(&resource.name, &mut records);
        sandbox.seed(&resource.resource_id, records);
    }
}

/// Returns the record with a `uniqueId`, panicking when there is none.
fn record<'a>(records: &'a mut [Value], unique_id: &str) -> &'a mut Value {
    records
        .iter_mut()
        .find(|record| record["uniqueId"] == unique_id)
        .unwrap_or_else(|| panic!("no record {unique_id}"))
}

fn remove(records: &mut Vec<Value>, unique_id: &str) -> Value {
    let index = records
        .iter()
        .position(|record| record["uniqueId"] == unique_id)
        .unwrap_or_else(|| panic!("no record {unique_id}"));
    records.remove(index)
}

/// Runs `vanta-gitops ARGS` in the inventory against the sandbox.
fn run(inventory: &TestInventory, sandbox: &Sandbox, args: &[&str]) -> Assert {
    let mut command = inventory.command();
    sandbox.configure(&mut command);
    command.args(args).assert()
}

fn stdout(assert: &Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

fn stderr(assert: &Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// Copies the example inventory and seeds a sandbox with records that need every kind of
/// action: creates, updates (a field, a timestamp, a long set), deletes, a deactivation and a
/// reactivation.
fn every_action() -> (TestInventory, Sandbox) {
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    seed_as_applied(&inventory, &sandbox, |resource, records| match resource {
        "internal-servers" => {
            let billing = record(records, "srv_003");
            billing["customProperties"]["memory"] = json!(32768);
            // The same instant as the inventory's, written with another offset: no change.
            billing["customProperties"]["lastUpdated"] = json!("2026-11-20T15:30:00+01:00");
            record(records, "srv_006")["customProperties"]["lastUpdated"] =
                json!("2026-11-25T21:00:00Z");
            remove(records, "srv_008");
            records.push(json!({
                "displayName": "fax-gateway-1",
                "uniqueId": "srv_099",
                "externalUrl": "https://cmdb.acme.example/servers/srv_099",
                "customProperties": {
                    "name": "fax-gateway-1", "active": true, "memory": 2048,
                    "lastUpdated": "2025-01-01T00:00:00Z"
                }
            }));
        }
        "okta-users" => {
            record(records, "okta-00u1adalovelace")["groupIds"] =
                json!(["platform", "admins", "on-call", "security", "sre"]);
            record(records, "okta-00u1kenthompson")["permissionLevel"] = json!("EDITOR");
            record(records, "okta-00u2tonyhoare")["deletedAt"] = json!("2026-11-01T00:00:00Z");
            remove(records, "okta-00u1margarethamilton");
            let mut former = record(records, "okta-00u2dennisritchie").clone();
            former["uniqueId"] = json!("okta-00u3formeremployee");
            former["displayName"] = json!("Former Employee");
            former["email"] = json!("former.employee@acme.example");
            records.push(former);
        }
        other => panic!("unexpected resource {other}"),
    });
    (inventory, sandbox)
}

/// Replaces what changes from one sandbox to the next: its port, and so the plan digest.
fn snapshot_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"http://127\.0\.0\.1:\d+", "[API_URL]"),
        (
            r#""plan_digest": "sha256:[0-9a-f]{64}""#,
            r#""plan_digest": "[PLAN_DIGEST]""#,
        ),
        (
            r"Plan digest `sha256:[0-9a-f]{64}`",
            "Plan digest `[PLAN_DIGEST]`",
        ),
    ]
}

fn snapshot_plan(name: &str, args: &[&str]) {
    let (inventory, sandbox) = every_action();
    let mut full_args = vec!["plan", ".", "--detailed-exitcode"];
    full_args.extend_from_slice(args);
    let output = stdout(&run(&inventory, &sandbox, &full_args).code(2));
    insta::with_settings!({ filters => snapshot_filters() }, {
        insta::assert_snapshot!(name, output);
    });
}

#[test]
fn text_plan_snapshot() {
    snapshot_plan("every_action_text", &[]);
}

#[test]
fn full_text_plan_snapshot() {
    snapshot_plan("every_action_text_full", &["--full"]);
}

#[test]
fn markdown_plan_snapshot() {
    snapshot_plan("every_action_markdown", &["--format", "markdown"]);
}

#[test]
fn json_plan_snapshot() {
    snapshot_plan("every_action_json", &["--format", "json"]);
}

#[test]
fn every_action_is_counted() {
    let (inventory, sandbox) = every_action();
    let output = stdout(&run(&inventory, &sandbox, &["plan", "."]).success());
    assert!(
        output.contains("Plan: 3 to add, 4 to change, 2 to destroy."),
        "{output}"
    );
    assert!(output.contains("okta-users[\"okta-00u2tonyhoare\"] will be reactivated"));
    assert!(output.contains("okta-users[\"okta-00u3formeremployee\"] will be deactivated"));
    assert!(output.contains("internal-servers[\"srv_099\"] will be destroyed"));
    assert!(
        !output.contains("+01:00"),
        "an equivalent timestamp shows:\n{output}"
    );
}

#[test]
fn same_inputs_give_identical_bytes() {
    let (inventory, sandbox) = every_action();
    for format in ["text", "markdown", "json"] {
        let args = ["plan", ".", "--format", format];
        let first = stdout(&run(&inventory, &sandbox, &args).success());
        let second = stdout(&run(&inventory, &sandbox, &args).success());
        assert_eq!(first, second, "{format} output differs between two runs");
    }
}

#[test]
fn json_plan_validates_against_schema() {
    let (inventory, sandbox) = every_action();
    run(&inventory, &sandbox, &["plan", ".", "--out", "plan.json"]).success();
    let plan: Value = serde_json::from_str(&inventory.read("plan.json")).unwrap();
    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&plan)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the plan does not match its schema: {errors:#?}"
    );

    // The schema must be able to reject a plan: one without a digest is invalid.
    let mut broken = plan.clone();
    broken.as_object_mut().unwrap().remove("plan_digest");
    assert!(!validator.is_valid(&broken));

    assert_eq!(plan["format_version"], "2.0");
    let servers = &plan["resources"][0];
    assert_eq!(servers["name"], "internal-servers");
    assert!(
        servers["remote_digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert!(
        servers["desired_digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let sources = servers["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 8, "every desired server has a source");
    assert_eq!(
        sources[0],
        json!({ "unique_id": "srv_001", "file": "servers/internal-servers.yaml", "line": 5 })
    );
}

#[test]
fn saved_plan_shows_as_planned_in_every_format() {
    let (inventory, sandbox) = every_action();
    let planned = run(&inventory, &sandbox, &["plan", ".", "--out", "plan.json"]).success();
    assert!(stderr(&planned).contains("Saved the plan to `plan.json`."));
    for format in ["text", "markdown", "json"] {
        let live = stdout(&run(&inventory, &sandbox, &["plan", ".", "--format", format]).success());
        let shown = inventory
            .command()
            .args(["show", "plan.json", "--format", format])
            .assert()
            .success();
        assert_eq!(
            stdout(&shown),
            live,
            "show --format {format} differs from plan"
        );
    }
    let full = inventory
        .command()
        .args(["show", "plan.json", "--full"])
        .assert()
        .success();
    assert!(stdout(&full).contains("        displayName = \"billing-db-1\""));
}

#[test]
fn show_rejects_non_plan_file() {
    let inventory = TestInventory::empty();
    inventory.write("plan.json", "{\"resources\": []}");
    inventory
        .command()
        .args(["show", "plan.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`plan.json` is not a plan saved with `plan --out`",
        ));
}

#[test]
fn show_rejects_unknown_major_version() {
    let (inventory, sandbox) = every_action();
    run(&inventory, &sandbox, &["plan", ".", "--out", "plan.json"]).success();
    let saved = inventory.read("plan.json");
    inventory.write(
        "plan.json",
        &saved.replace("\"format_version\": \"2.0\"", "\"format_version\": \"3.0\""),
    );
    inventory
        .command()
        .args(["show", "plan.json"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "`plan.json` has plan format version 3.0, but this vanta-gitops reads version 2.x",
        ));
}

#[test]
fn resource_option_plans_whole_named_resources_only() {
    let (inventory, sandbox) = every_action();
    let output = stdout(
        &run(
            &inventory,
            &sandbox,
            &[
                "plan",
                ".",
                "--resource",
                "okta-users",
                "--resource",
                "okta-users",
            ],
        )
        .success(),
    );
    assert!(
        output.contains("Plan: 2 to add, 2 to change, 1 to destroy."),
        "{output}"
    );
    assert!(!output.contains("internal-servers["), "{output}");
    let gets: Vec<String> = sandbox
        .requests()
        .into_iter()
        .filter(|line| line.starts_with("GET /v1/resources"))
        .collect();
    assert_eq!(gets, ["GET /v1/resources/user_account"], "{gets:?}");
}

#[test]
fn unknown_resource_is_an_error_before_any_request() {
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    run(
        &inventory,
        &sandbox,
        &["plan", ".", "--resource", "okta-user"],
    )
    .code(1)
    .stderr(predicate::str::contains(
        "unknown resource `okta-user`; the inventory declares `internal-servers`, `okta-users`",
    ));
    assert_eq!(sandbox.requests(), Vec::<String>::new());
}

// Normalisation: equivalent values in Vanta give no changes, and real changes show.

fn plan_after_seed(edit: impl Fn(&str, &mut Vec<Value>)) -> (Assert, TestInventory, Sandbox) {
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    seed_as_applied(&inventory, &sandbox, edit);
    let assert = run(&inventory, &sandbox, &["plan", ".", "--detailed-exitcode"]);
    (assert, inventory, sandbox)
}

#[test]
fn equivalent_timestamps_plan_no_changes() {
    let variants = [
        "2023-02-01T09:30:00.000Z",
        "2023-02-01T09:30:00+00:00",
        "2023-02-01T02:30:00-07:00",
    ];
    for variant in variants {
        let (assert, _inventory, _sandbox) = plan_after_seed(|resource, records| {
            if resource == "okta-users" {
                record(records, "okta-00u1adalovelace")["createdTimestamp"] = json!(variant);
            }
        });
        assert.code(0).stdout(predicate::str::contains(
            "No changes. Vanta matches the inventory.",
        ));
    }
}

#[test]
fn changed_instant_plans_an_update() {
    let (assert, _inventory, _sandbox) = plan_after_seed(|resource, records| {
        if resource == "okta-users" {
            record(records, "okta-00u1adalovelace")["createdTimestamp"] =
                json!("2023-02-01T09:30:01Z");
        }
    });
    assert.code(2).stdout(predicate::str::contains(
        "~ createdTimestamp = \"2023-02-01T09:30:01Z\" -> \"2023-02-01T09:30:00Z\"",
    ));
}

#[test]
fn output_is_identical_in_every_time_zone() {
    let inventory = TestInventory::example();
    inventory.replace(
        "users/engineering.yaml",
        "createdTimestamp: \"2023-02-01T09:30:00Z\"",
        "createdTimestamp: \"2023-02-01T02:30:00.250-07:00\"",
    );
    let sandbox = Sandbox::for_inventory(&inventory);
    let mut outputs = Vec::new();
    for zone in ["UTC", "Pacific/Auckland"] {
        let mut command = inventory.command();
        sandbox.configure(&mut command);
        let assert = command
            .env("TZ", zone)
            .args(["plan", ".", "--format", "text"])
            .assert()
            .success();
        outputs.push(stdout(&assert));
    }
    assert!(outputs[0].contains("+ createdTimestamp = \"2023-02-01T09:30:00Z\""));
    assert!(outputs[0].contains(
        "warning: okta-users[okta-00u1adalovelace]: `createdTimestamp` has fractional seconds, \
         which Vanta drops; the plan compares whole seconds"
    ));
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn set_order_plans_no_changes() {
    let (assert, _inventory, _sandbox) = plan_after_seed(|resource, records| {
        if resource == "okta-users" {
            record(records, "okta-00u2frances.allen")["mfaMethods"] = json!(["EMAIL", "OTP"]);
            record(records, "okta-00u1gracehopper")["groupIds"] = json!(["on-call", "platform"]);
        }
    });
    assert.code(0).stdout(predicate::str::contains(
        "No changes. Vanta matches the inventory.",
    ));
}

#[test]
fn exponent_number_equals_integer() {
    let inventory = TestInventory::example();
    inventory.replace(
        "servers/internal-servers.yaml",
        "memory: 4096",
        "memory: 4.096e3",
    );
    let sandbox = Sandbox::for_inventory(&inventory);
    seed_as_applied(&inventory, &sandbox, |resource, records| {
        if resource == "internal-servers" {
            record(records, "srv_004")["customProperties"]["memory"] = json!(4096);
        }
    });
    run(&inventory, &sandbox, &["plan", ".", "--detailed-exitcode"])
        .code(0)
        .stdout(predicate::str::contains(
            "No changes. Vanta matches the inventory.",
        ));
}

#[test]
fn email_case_change_warns() {
    let (assert, _inventory, _sandbox) = plan_after_seed(|resource, records| {
        if resource == "okta-users" {
            record(records, "okta-00u1alanturing")["email"] = json!("Alan.Turing@ACME.example");
        }
    });
    assert
        .code(2)
        .stdout(predicate::str::contains(
            "~ email = \"Alan.Turing@ACME.example\" -> \"alan.turing@acme.example\"",
        ))
        .stdout(predicate::str::contains(
            "warning: okta-users[okta-00u1alanturing]: email `alan.turing@acme.example` differs \
             from Vanta's `Alan.Turing@ACME.example` only in case; the plan changes it",
        ));
}

/// Writes an inventory of vendors whose optional `notes` and `archived` tell empty, false,
/// null and absent apart.
fn vendors() -> TestInventory {
    let inventory = TestInventory::empty();
    inventory.write(
        "vendors.yaml",
        r#"apiVersion: vanta-gitops/v1
kind: Resource
name: vendors
baseType: CustomResource
resourceId: 6650f5a0c1d2e3f4a5b6c7e1
customProperties:
  properties:
    name: { type: string }
  optionalProperties:
    notes: { type: string }
    archived: { type: boolean }
---
apiVersion: vanta-gitops/v1
kind: Records
resource: vendors
records:
  - uniqueId: empty-notes
    displayName: empty-notes
    externalUrl: https://vendors.example/1
    customProperties: { name: a, notes: "" }
  - uniqueId: absent-notes
    displayName: absent-notes
    externalUrl: https://vendors.example/2
    customProperties: { name: b }
  - uniqueId: false-archived
    displayName: false-archived
    externalUrl: https://vendors.example/3
    customProperties: { name: c, archived: false }
  - uniqueId: absent-archived
    displayName: absent-archived
    externalUrl: https://vendors.example/4
    customProperties: { name: d }
"#,
    );
    inventory
}

#[test]
fn null_empty_false_and_absent_are_told_apart() {
    let inventory = vendors();
    let sandbox = Sandbox::for_inventory(&inventory);
    let vendor = |id: &str, number: u32, name: &str, extra: Value| {
        let mut custom = json!({ "name": name });
        for (key, value) in extra.as_object().unwrap() {
            custom[key] = value.clone();
        }
        json!({
            "displayName": id, "uniqueId": id,
            "externalUrl": format!("https://vendors.example/{number}"),
            "customProperties": custom
        })
    };
    sandbox.seed(
        "6650f5a0c1d2e3f4a5b6c7e1",
        vec![
            vendor("empty-notes", 1, "a", json!({ "notes": null })),
            vendor("absent-notes", 2, "b", json!({ "notes": null })),
            vendor("false-archived", 3, "c", json!({})),
            vendor("absent-archived", 4, "d", json!({ "archived": false })),
        ],
    );
    let output = stdout(&run(&inventory, &sandbox, &["plan", ".", "--detailed-exitcode"]).code(2));
    assert!(
        output.contains("+ customProperties.notes = \"\""),
        "{output}"
    );
    assert!(
        output.contains("+ customProperties.archived = false"),
        "{output}"
    );
    assert!(
        output.contains("- customProperties.archived = false -> null"),
        "{output}"
    );
    assert!(
        !output.contains("absent-notes"),
        "null equals absent:\n{output}"
    );
    assert!(
        output.contains("Plan: 0 to add, 3 to change, 0 to destroy."),
        "{output}"
    );
}

#[test]
fn yaml_null_for_optional_field_is_an_error() {
    let inventory = vendors();
    inventory.replace("vendors.yaml", "{ name: b }", "{ name: b, notes: }");
    let sandbox = Sandbox::for_inventory(&vendors());
    run(&inventory, &sandbox, &["plan", "."])
        .code(1)
        .stderr(predicate::str::contains(
            "invalid value for `customProperties.notes`: expected a string, found null",
        ))
        .stderr(predicate::str::contains("vendors.yaml:24:"));
    assert_eq!(sandbox.count("GET"), 0);
}

// Sensitive fields, credentials and colours.

#[test]
fn sensitive_values_reach_no_output_or_file() {
    let inventory = TestInventory::example();
    inventory.replace(
        "resources.yaml",
        "    lastUpdated: { type: timestamp }",
        "    lastUpdated: { type: timestamp }\n  optionalProperties:\n    apiKey: { type: string }",
    );
    let workspace = inventory.read("workspace.yaml");
    inventory.write(
        "workspace.yaml",
        &format!(
            "{workspace}sensitive:\n  - resource: internal-servers\n    fields: [customProperties.apiKey]\n"
        ),
    );
    let servers = inventory.read("servers/internal-servers.yaml");
    let servers = servers
        .replace(
            "{ name: auth-prod-1,",
            "{ apiKey: sk-live-created-1111, name: auth-prod-1,",
        )
        .replace(
            "{ name: auth-prod-2,",
            "{ apiKey: sk-live-new-2222, name: auth-prod-2,",
        )
        .replace(
            "{ name: ldap-1,",
            "{ apiKey: sk-live-kept-3333, name: ldap-1,",
        );
    inventory.write("servers/internal-servers.yaml", &servers);
    inventory.write(
        "tests/no-inline-keys.yaml",
        "apiVersion: vanta-gitops/v1\nkind: CustomTest\nname: no-inline-keys\n\
         resource: internal-servers\ndescription: Servers hold no API key.\n\
         rule: { field: customProperties.apiKey, equals: none }\n",
    );
    let sandbox = Sandbox::for_inventory(&inventory);
    seed_as_applied(&inventory, &sandbox, |resource, records| {
        if resource == "internal-servers" {
            remove(records, "srv_001");
            record(records, "srv_002")["customProperties"]["apiKey"] = json!("sk-live-old-4444");
            let mut gone = record(records, "srv_003").clone();
            gone["uniqueId"] = json!("srv_099");
            gone["customProperties"]["apiKey"] = json!("sk-live-deleted-5555");
            records.push(gone);
        }
    });

    let mut outputs = Vec::new();
    let runs: [&[&str]; 6] = [
        &["plan", ".", "-vv", "--out", "plan.json"],
        &["plan", ".", "--full"],
        &["plan", ".", "--format", "markdown"],
        &["plan", ".", "--format", "json"],
        &["test", ".", "--remote"],
        &["test", "."],
    ];
    for args in runs {
        let assert = run(&inventory, &sandbox, args);
        outputs.push(stdout(&assert) + &stderr(&assert));
    }
    for format in ["text", "markdown", "json"] {
        let assert = inventory
            .command()
            .args(["show", "plan.json", "--full", "--format", format])
            .assert()
            .success();
        outputs.push(stdout(&assert));
    }
    outputs.push(inventory.read("plan.json"));
    assert!(outputs[0].contains("~ customProperties.apiKey = (sensitive value changed)"));
    assert!(outputs[0].contains("+ customProperties.apiKey = (sensitive value)"));
    assert!(outputs[0].contains("- customProperties.apiKey = (sensitive value)"));
    assert!(
        outputs[5].contains("  - srv_001: (reason hidden: the test reads a sensitive field)"),
        "{}",
        outputs[5]
    );
    for output in &outputs {
        assert!(
            !output.contains("sk-live"),
            "a sensitive value leaked:\n{output}"
        );
        assert!(
            !output.contains(vanta_gitops::sandbox::DEFAULT_CLIENT_SECRET),
            "the client secret leaked:\n{output}"
        );
    }
}

/// Runs the plan on a pseudo-terminal, where colours are on unless something turns them off.
/// Returns `None` when the `script` tool that provides the terminal is missing.
fn plan_on_terminal(no_color_env: bool, no_color_flag: bool) -> Option<String> {
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    let binary = assert_cmd::cargo::cargo_bin("vanta-gitops");
    let flag = if no_color_flag { " --no-color" } else { "" };
    let mut command = std::process::Command::new("script");
    command
        .current_dir(inventory.path())
        .args([
            "-qec",
            &format!("{} plan .{flag}", binary.display()),
            "/dev/null",
        ])
        .env("VANTA_API_URL", &sandbox.url)
        .env("VANTA_CLIENT_ID", vanta_gitops::sandbox::DEFAULT_CLIENT_ID)
        .env(
            "VANTA_CLIENT_SECRET",
            vanta_gitops::sandbox::DEFAULT_CLIENT_SECRET,
        )
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR");
    if no_color_env {
        command.env("NO_COLOR", "1");
    }
    let output = command.output().ok()?;
    assert!(output.status.success(), "{output:?}");
    Some(String::from_utf8(output.stdout).unwrap())
}

#[test]
#[expect(
    clippy::print_stdout,
    reason = "a skipped test must be visible in the test output"
)]
fn colours_only_on_a_terminal_without_no_color() {
    let Some(coloured) = plan_on_terminal(false, false) else {
        println!("colour test skipped: the `script` tool is not installed");
        return;
    };
    assert!(
        coloured.contains("\u{1b}["),
        "a terminal gets colours:\n{coloured}"
    );
    assert!(coloured.contains("Plan: 23 to add"), "{coloured}");
    for (env, flag) in [(true, false), (false, true)] {
        let plain = plan_on_terminal(env, flag).unwrap();
        assert!(plain.contains("Plan: 23 to add"), "{plain}");
        assert!(
            !plain.contains('\u{1b}'),
            "NO_COLOR={env} --no-color={flag}:\n{plain}"
        );
    }
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    let mut command = inventory.command();
    sandbox.configure(&mut command);
    let piped = command
        .env_remove("NO_COLOR")
        .args(["plan", "."])
        .assert()
        .success();
    assert!(!stdout(&piped).contains('\u{1b}'), "a pipe gets no colours");
}

// Custom Tests.

#[test]
fn test_command_lists_failing_servers_and_rule_parts() {
    let inventory = TestInventory::example();
    inventory
        .command()
        .args(["test", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL servers-have-memory: 2 of 8 records failing",
        ))
        .stdout(predicate::str::contains(
            "  - srv_004: customProperties.memory is 4096, expected at least 8192",
        ))
        .stdout(predicate::str::contains(
            "  - srv_007: customProperties.active is false, expected true",
        ))
        .stdout(predicate::str::contains("0 passed, 1 failed"));
}

#[test]
fn remote_test_and_plan_show_outcome_changes() {
    let (assert, inventory, sandbox) = plan_after_seed(|resource, records| {
        if resource == "internal-servers" {
            record(records, "srv_004")["customProperties"]["memory"] = json!(16384);
        }
    });
    assert.code(2).stdout(predicate::str::contains(
        "servers-have-memory: failing -> failing (newly failing: srv_004; still failing: srv_007)",
    ));
    let remote = run(&inventory, &sandbox, &["test", ".", "--remote"]).code(1);
    let output = stdout(&remote);
    assert!(
        output.contains("FAIL servers-have-memory: 1 of 8 records failing"),
        "{output}"
    );
    assert!(output.contains("srv_007"), "{output}");
    assert!(!output.contains("srv_004"), "{output}");
}
