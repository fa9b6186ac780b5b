//! Apply safety: what apply refuses to send, saved plans, the apply record, convergence after
//! a partial failure, and two applies racing for one application.

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::faults::{Fixture, fast_example};
use crate::support::sandbox_with;

const SERVERS_ID: &str = "6650f5a0c1d2e3f4a5b6c7d8";
const USERS_ID: &str = "6650f5a0c1d2e3f4a5b6c701";
const SERVERS_FILE: &str = "servers/internal-servers.yaml";

/// Removes one record, from its `- uniqueId:` line to the next record or the end of the file.
fn remove_record(fixture: &Fixture, file: &str, unique_id: &str) {
    let text = fixture.inventory.read(file);
    let marker = format!("  - uniqueId: {unique_id}\n");
    let start = text.find(&marker).expect("the record is in the file");
    let end = text[start + marker.len()..]
        .find("  - uniqueId: ")
        .map_or(text.len(), |offset| start + marker.len() + offset);
    fixture
        .inventory
        .write(file, &format!("{}{}", &text[..start], &text[end..]));
}

/// Returns the stored records of a resource that are live (not soft-deleted).
fn live(fixture: &Fixture, resource_id: &str) -> Vec<Value> {
    fixture
        .sandbox
        .stored(resource_id)
        .into_iter()
        .filter(|record| record["deletedAt"].is_null())
        .collect()
}

/// Saves the fixture's plan as `plan.json` in its inventory folder.
fn save_plan(fixture: &Fixture) {
    fixture
        .command()
        .args(["plan", ".", "--out", "plan.json"])
        .assert()
        .success();
}

/// Creates the fixture and applies the example once, so Vanta contains every record.
fn applied() -> Fixture {
    let fixture = Fixture::new();
    fixture.apply().success();
    fixture.sandbox.clear_requests();
    fixture
}

#[test]
fn empty_desired_set_is_refused() {
    let fixture = applied();
    fixture.inventory.write(
        SERVERS_FILE,
        "apiVersion: vanta-gitops/v1\nkind: Records\nresource: internal-servers\nrecords: []\n",
    );
    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--allow-destroy"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "apply refused by the `allowEmpty` rule for resource `internal-servers`",
        ))
        .stderr(predicate::str::contains(
            "would delete all 8 records in Vanta",
        ))
        .stderr(predicate::str::contains("set `allowEmpty: true`"))
        .stderr(predicate::str::contains("Nothing was sent to Vanta."));
    assert_eq!(fixture.sandbox.count("PUT"), 0);

    // With the opt-in, the empty set is sent and every record is deleted.
    fixture.inventory.replace(
        "resources.yaml",
        "name: internal-servers\n",
        "name: internal-servers\nallowEmpty: true\n",
    );
    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--allow-destroy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 changed, 8 destroyed."));
    assert_eq!(fixture.sandbox.count("PUT"), 1);
    assert_eq!(live(&fixture, SERVERS_ID), Vec::<Value>::new());
}

#[test]
fn resource_without_records_is_unmanaged() {
    let fixture = applied();
    std::fs::remove_file(fixture.inventory.path().join(SERVERS_FILE)).unwrap();
    fixture.plan().code(0).stdout(predicate::str::contains(
        "resource `internal-servers` has no `Records` document, so its 8 records in Vanta are left as they are.",
    ));
    fixture.apply().success();
    assert_eq!(fixture.sandbox.count("PUT"), 0);
    assert_eq!(live(&fixture, SERVERS_ID).len(), 8);
}

#[test]
fn undeclared_resource_is_never_touched() {
    let fixture = Fixture::with_config(|config| {
        config.declare(vanta_gitops::sandbox::ResourceDecl {
            resource_id: "vendors0000000000000000".to_string(),
            base_type: vanta_gitops::schema::base::BaseType::CustomResource,
            custom_properties: None,
        });
    });
    let vendor = json!({
        "uniqueId": "vendor-1", "displayName": "Vendor One",
        "externalUrl": "https://vendors.example/1"
    });
    fixture
        .sandbox
        .seed("vendors0000000000000000", vec![vendor]);
    fixture.apply().success();
    let touched: Vec<Value> = fixture
        .sandbox
        .journal()
        .into_iter()
        .filter(|entry| {
            entry["query"]
                .as_str()
                .is_some_and(|query| query.contains("vendors"))
        })
        .collect();
    assert_eq!(touched, Vec::<Value>::new());
    assert_eq!(fixture.sandbox.stored("vendors0000000000000000").len(), 1);
}

#[test]
fn missing_inventory_folder_sends_nothing() {
    let fixture = Fixture::new();
    fixture
        .command()
        .args(["apply", "no-such-folder", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "could not load the inventory in `no-such-folder`",
        ));
    assert_eq!(fixture.sandbox.requests(), Vec::<String>::new());
}

#[test]
fn empty_inventory_folder_plans_no_deletion() {
    let fixture = applied();
    std::fs::create_dir(fixture.inventory.path().join("empty")).unwrap();
    fixture
        .command()
        .args(["apply", "empty", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no vanta-gitops documents found"));
    assert_eq!(
        fixture.sandbox.requests().len(),
        0,
        "an empty inventory reads nothing"
    );
    assert_eq!(fixture.sandbox.count("PUT"), 0);
    assert_eq!(live(&fixture, SERVERS_ID).len(), 8);
}

#[test]
fn removed_account_is_deactivated_not_deleted() {
    let fixture = applied();
    remove_record(&fixture, "users/operations.yaml", "okta-00u2dennisritchie");
    fixture
        .apply()
        .success()
        .stdout(predicate::str::contains(
            "okta-users[\"okta-00u2dennisritchie\"] will be deactivated",
        ))
        .stdout(predicate::str::contains("0 added, 0 changed, 1 destroyed."));
    let stored = fixture.sandbox.stored(USERS_ID);
    let dennis = stored
        .iter()
        .find(|stored| stored["record"]["uniqueId"] == "okta-00u2dennisritchie")
        .expect("Vanta keeps a deactivated account");
    assert!(dennis["deletedAt"].is_string(), "{dennis}");
}

#[test]
fn status_change_is_an_update() {
    let fixture = applied();
    let text = fixture.inventory.read("users/operations.yaml");
    let start = text.find("  - uniqueId: okta-00u2dennisritchie").unwrap();
    let status = start + text[start..].find("status: ACTIVE").unwrap();
    let changed = format!(
        "{}status: DEACTIVATED\n    deactivatedTimestamp: \"2026-12-01T00:00:00Z\"{}",
        &text[..status],
        &text[status + "status: ACTIVE".len()..]
    );
    fixture.inventory.write("users/operations.yaml", &changed);
    fixture
        .plan()
        .code(2)
        .stdout(predicate::str::contains(
            "okta-users[\"okta-00u2dennisritchie\"] will be updated in-place",
        ))
        .stdout(predicate::str::contains(
            "~ status = \"ACTIVE\" -> \"DEACTIVATED\"",
        ))
        .stdout(predicate::str::contains(
            "0 to add, 1 to change, 0 to destroy.",
        ));
}

#[test]
fn mass_delete_needs_allow_destroy() {
    let fixture = applied();
    for id in ["srv_001", "srv_002", "srv_003"] {
        remove_record(&fixture, SERVERS_FILE, id);
    }
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "apply refused by the `maxDestroy` rule for resource `internal-servers`",
        ))
        .stderr(predicate::str::contains(
            "38% of its 8 records, more than the limit of 34% (`maxDestroy.percent`)",
        ))
        .stderr(predicate::str::contains("run again with `--allow-destroy`"));
    assert_eq!(fixture.sandbox.count("PUT"), 0);

    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--allow-destroy"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 added, 0 changed, 3 destroyed."));
    assert_eq!(live(&fixture, SERVERS_ID).len(), 5);
    // Custom resources are removed, unlike user accounts, which Vanta keeps deactivated.
    assert_eq!(fixture.sandbox.stored(SERVERS_ID).len(), 5);
}

#[test]
fn lost_records_file_trips_max_destroy() {
    // One of the two files of okta-users disappears, as after a bad merge or a sparse
    // checkout: its seven accounts would be deactivated.
    let fixture = applied();
    std::fs::remove_file(fixture.inventory.path().join("users/operations.yaml")).unwrap();
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "apply refused by the `maxDestroy` rule for resource `okta-users`: the plan deletes 7 records of `okta-users`, more than the limit of 5 (`maxDestroy.count`)",
        ));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
    assert_eq!(live(&fixture, USERS_ID).len(), 15);
}

#[test]
fn default_limit_applies_without_policy() {
    // Without a `maxDestroy` policy, 501 records in Vanta that the inventory lacks are more
    // than the default limit of 500 deletions.
    let fixture = Fixture::new();
    fixture.inventory.replace(
        "workspace.yaml",
        "  maxDestroy:\n    count: 5\n    percent: 34\n",
        "",
    );
    let extra: Vec<Value> = (0..501)
        .map(|index| {
            json!({
                "uniqueId": format!("srv_old_{index}"),
                "displayName": format!("old-{index}"),
                "externalUrl": format!("https://cmdb.acme.example/servers/old-{index}"),
                "customProperties": { "name": format!("old-{index}"), "memory": 4096, "active": false }
            })
        })
        .collect();
    fixture.sandbox.seed(SERVERS_ID, extra);
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "the plan deletes 501 records of `internal-servers`, more than the limit of 500 (`maxDestroy.count`), the default when no `maxDestroy` policy is set",
        ));
    assert_eq!(fixture.sandbox.count("PUT"), 0);

    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--allow-destroy"])
        .assert()
        .success();
    assert_eq!(live(&fixture, SERVERS_ID).len(), 8);
}

#[test]
fn resource_limit_overrides_workspace_limit() {
    let fixture = applied();
    fixture.inventory.replace(
        "resources.yaml",
        "name: internal-servers\n",
        "name: internal-servers\nmaxDestroy:\n  count: 0\n",
    );
    remove_record(&fixture, SERVERS_FILE, "srv_001");
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "the plan deletes 1 record of `internal-servers`, more than the limit of 0 (`maxDestroy.count`)",
        ));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn protected_record_is_never_deleted() {
    let fixture = applied();
    remove_record(&fixture, "users/engineering.yaml", "okta-00u1breakglass");
    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--allow-destroy"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "apply refused by the `protected` rule for resource `okta-users`: the plan would delete protected records of `okta-users`: okta-00u1breakglass",
        ));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn saved_plan_is_applied_once() {
    let fixture = Fixture::new();
    save_plan(&fixture);
    fixture
        .command()
        .args(["apply", "plan.json", "--auto-approve"])
        .assert()
        .success()
        .stdout(predicate::str::contains("23 added"));
    assert_eq!(fixture.sandbox.count("PUT"), 2);

    fixture.sandbox.clear_requests();
    fixture
        .command()
        .args(["apply", "plan.json", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Saved plan is stale"))
        .stderr(predicate::str::contains("can be applied once"));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn missing_plan_file_is_named() {
    let fixture = Fixture::new();
    fixture
        .command()
        .args(["apply", "plan.json", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "plan file `plan.json` not found; give a plan saved with `plan --out`, or an inventory folder",
        ));
    assert_eq!(fixture.sandbox.requests().len(), 0);
}

#[test]
fn saved_plan_of_older_format_is_rejected() {
    let fixture = Fixture::new();
    save_plan(&fixture);
    let path = fixture.inventory.path().join("plan.json");
    let saved = std::fs::read_to_string(&path).unwrap();
    let older = saved.replace("\"format_version\": \"2.0\"", "\"format_version\": \"1.0\"");
    assert_ne!(older, saved, "the saved plan must carry format version 2.0");
    std::fs::write(&path, older).unwrap();
    fixture.sandbox.clear_requests();
    for args in [
        &["apply", "plan.json", "--auto-approve"][..],
        &["show", "plan.json"][..],
    ] {
        fixture
            .command()
            .args(args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "`plan.json` has plan format version 1.0, but this vanta-gitops reads version 2.x",
            ))
            .stderr(predicate::str::contains(
                "run `plan` again with this version",
            ));
    }
    assert_eq!(fixture.sandbox.requests().len(), 0);
}

#[test]
fn saved_plan_is_stale_after_remote_change() {
    let fixture = Fixture::new();
    save_plan(&fixture);
    let record = json!({
        "uniqueId": "srv_999", "displayName": "rogue",
        "externalUrl": "https://cmdb.acme.example/servers/srv_999"
    });
    fixture.sandbox.seed(SERVERS_ID, vec![record]);
    fixture
        .command()
        .args(["apply", "plan.json", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Saved plan is stale: the records of `internal-servers` in Vanta changed",
        ));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn saved_plan_is_stale_after_inventory_change() {
    let fixture = Fixture::new();
    save_plan(&fixture);
    fixture
        .inventory
        .replace(SERVERS_FILE, "memory: 4096", "memory: 8192");
    fixture
        .command()
        .args(["apply", "plan.json", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Saved plan is stale: the inventory's records of `internal-servers` changed",
        ));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn expect_no_changes_applies_nothing() {
    let fixture = Fixture::new();
    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--expect-no-changes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing was applied"));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
    fixture.apply().success();
    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--expect-no-changes"])
        .assert()
        .code(0);
}

#[test]
fn apply_record_lists_each_resource() {
    let fixture = Fixture::with_faults(json!({
        "method": "PUT", "path": "/v1/resources/user_account",
        "action": { "kind": "respond", "status": 400, "body": { "error": "rejected" } }
    }));
    fixture
        .command()
        .env("GITHUB_ACTOR", "octo-auditor")
        .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
        .args(["apply", ".", "--auto-approve", "--record", "record.json"])
        .assert()
        .code(1);
    let record: Value = serde_json::from_str(&fixture.inventory.read("record.json")).unwrap();
    assert_eq!(record["actor"], "octo-auditor");
    assert_eq!(record["commit"], "0123456789abcdef0123456789abcdef01234567");
    assert!(
        record["plan_digest"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    assert!(record["started_at"].is_string());
    assert!(record["finished_at"].is_string());
    let resources = record["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    assert_eq!(resources[0]["name"], "internal-servers");
    assert_eq!(resources[0]["outcome"], "applied");
    assert!(resources[0]["before_digest"].is_string());
    assert!(resources[0]["after_digest"].is_string());
    assert_ne!(resources[0]["before_digest"], resources[0]["after_digest"]);
    assert!(resources[0]["started_at"].is_string());
    assert!(resources[0]["finished_at"].is_string());
    assert_eq!(resources[1]["name"], "okta-users");
    assert_eq!(resources[1]["outcome"], "failed");
    assert!(
        resources[1]["error"]
            .as_str()
            .is_some_and(|error| error.contains("HTTP 400: rejected"))
    );
}

#[test]
fn partial_failure_converges_on_rerun() {
    // Three resources, so the one after the failing users is not attempted.
    let inventory = fast_example();
    inventory.write(
        "zz-extra.yaml",
        "apiVersion: vanta-gitops/v1\nkind: Resource\nname: zz-extra\nbaseType: CustomResource\n\
         resourceId: 6650f5a0c1d2e3f4a5b6c7ff\n---\napiVersion: vanta-gitops/v1\nkind: Records\n\
         resource: zz-extra\nrecords:\n  - uniqueId: x1\n    displayName: x1\n\
         \x20   externalUrl: https://x.example/1\n",
    );
    let sandbox = sandbox_with(&inventory, |_| {});
    // Five failures exhaust the first run's attempts, and the second run finds Vanta healthy.
    sandbox.add_faults(json!({
        "method": "PUT", "path": "/v1/resources/user_account", "times": 5,
        "action": { "kind": "respond", "status": 500, "body": { "error": "storage failure" } }
    }));
    let fixture = Fixture {
        inventory,
        sandbox,
        timeout_ms: 2000,
    };
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains("internal-servers: applied"))
        .stderr(predicate::str::contains("okta-users: failed"))
        .stderr(predicate::str::contains("storage failure"))
        .stderr(predicate::str::contains(
            "zz-extra: not attempted: an earlier resource failed",
        ));

    fixture.sandbox.clear_requests();
    fixture.apply().success().stdout(predicate::str::contains(
        "16 added, 0 changed, 0 destroyed.",
    ));
    let puts: Vec<String> = fixture
        .sandbox
        .requests()
        .into_iter()
        .filter(|line| line.starts_with("PUT "))
        .collect();
    assert_eq!(
        puts,
        vec![
            "PUT /v1/resources/user_account",
            "PUT /v1/resources/custom_resource"
        ],
        "the applied resource is not sent again"
    );
    fixture.plan().code(0);
}

#[test]
fn put_stored_before_gateway_timeout_converges() {
    // Every PUT of internal-servers is stored, but the sandbox then returns 504 as a gateway
    // that timed out would, so the client sees five failed attempts.
    let fixture = Fixture::new();
    fixture.sandbox.add_faults(serde_json::json!({
        "method": "PUT",
        "path": "/v1/resources/custom_resource",
        "action": {
            "kind": "respond",
            "status": 504,
            "body": "Gateway Timeout",
            "afterHandling": true,
        },
    }));
    let mut command = fixture.command();
    command
        .args(["apply", ".", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "internal-servers: failed: PUT /v1/resources/custom_resource failed after 5 attempts",
        ))
        .stderr(predicate::str::contains("HTTP 504: Gateway Timeout"))
        .stderr(predicate::str::contains(
            "okta-users: not attempted: an earlier resource failed",
        ));
    let attempts = fixture
        .sandbox
        .journal()
        .into_iter()
        .filter(|entry| entry["method"] == "PUT" && entry["status"] == 504)
        .count();
    assert_eq!(attempts, 5, "every attempt was answered with 504");
    fixture.sandbox.clear_faults();

    // Without the fault, the next plan shows no change for internal-servers: it was stored.
    fixture
        .plan()
        .code(2)
        .stdout(predicate::str::contains("internal-servers[").not())
        .stdout(predicate::str::contains(
            "Plan: 15 to add, 0 to change, 0 to destroy.",
        ));
    fixture.sandbox.clear_requests();
    fixture.apply().success();
    assert_eq!(
        fixture
            .sandbox
            .requests()
            .iter()
            .filter(|line| line.starts_with("PUT "))
            .count(),
        1,
        "only okta-users is sent"
    );
}

#[test]
fn concurrent_applies_leave_whole_sets() {
    let inventory = fast_example();
    let sandbox = sandbox_with(&inventory, |_| {});
    // Slow resource requests, so the two runs overlap.
    sandbox.add_faults(json!({ "path": "/v1/resources/*", "delayMs": 150 }));
    let fixture = Fixture {
        inventory,
        sandbox,
        timeout_ms: 2000,
    };
    let spawn = || {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("vanta-gitops"));
        command
            .current_dir(fixture.inventory.path())
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .env("VANTA_API_URL", &fixture.sandbox.url)
            .env("VANTA_CLIENT_ID", vanta_gitops::sandbox::DEFAULT_CLIENT_ID)
            .env(
                "VANTA_CLIENT_SECRET",
                vanta_gitops::sandbox::DEFAULT_CLIENT_SECRET,
            )
            .env("VANTA_GITOPS_RETRY_BASE_MS", "1")
            .env("VANTA_GITOPS_REQUEST_TIMEOUT_MS", "2000")
            .args(["apply", ".", "--auto-approve"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command.spawn().unwrap()
    };
    let first = spawn();
    let second = spawn();
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    let failed: Vec<String> = outputs
        .iter()
        .filter(|output| !output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stderr).into_owned())
        .collect();
    let succeeded = outputs
        .iter()
        .filter(|output| output.status.success())
        .count();
    assert!(succeeded >= 1, "at least one run applies: {failed:?}");
    for stderr in &failed {
        assert!(
            stderr.contains("the access token was revoked during the run")
                || stderr.contains("Plan is stale")
                || stderr.contains("changed since the plan was made"),
            "the loser says why it stopped:\n{stderr}"
        );
    }
    // Every resource contains either nothing or its whole desired set, never part of it.
    assert!(matches!(live(&fixture, SERVERS_ID).len(), 0 | 8));
    assert!(matches!(live(&fixture, USERS_ID).len(), 0 | 15));
    fixture.sandbox.clear_faults();
    fixture.plan().code(0);
}

#[test]
fn saved_plan_checked_again_before_each_put() {
    let fixture = Fixture::new();
    save_plan(&fixture);
    // The PUT of internal-servers (sent first) is slow. While it waits, another writer
    // changes okta-users, which the apply reads again right before its own PUT.
    fixture.sandbox.add_faults(json!({
        "method": "PUT", "path": "/v1/resources/custom_resource", "delayMs": 800
    }));
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vanta-gitops"))
        .current_dir(fixture.inventory.path())
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .env("VANTA_API_URL", &fixture.sandbox.url)
        .env("VANTA_CLIENT_ID", vanta_gitops::sandbox::DEFAULT_CLIENT_ID)
        .env(
            "VANTA_CLIENT_SECRET",
            vanta_gitops::sandbox::DEFAULT_CLIENT_SECRET,
        )
        .env("VANTA_GITOPS_REQUEST_TIMEOUT_MS", "5000")
        .args(["apply", "plan.json", "--auto-approve"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Four GETs are the plan's two reads and the apply's first two. The change lands after
    // them, so only the read right before the okta-users PUT can notice it.
    let started = std::time::Instant::now();
    while fixture.sandbox.count("GET") < 4 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the apply never reached the PUT"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let intruder = json!({
        "uniqueId": "okta-intruder", "displayName": "Intruder",
        "externalUrl": "https://acme.okta.com/intruder", "fullName": "Intruder",
        "accountName": "intruder", "email": "intruder@acme.example",
        "permissionLevel": "ADMIN", "createdTimestamp": "2026-01-01T00:00:00Z",
        "status": "ACTIVE", "mfaEnabled": false, "authMethod": "PASSWORD"
    });
    fixture.sandbox.seed(USERS_ID, vec![intruder]);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("internal-servers: applied"), "{stderr}");
    assert!(
        stderr.contains("okta-users: not attempted: Saved plan is stale"),
        "{stderr}"
    );
    let user_puts = fixture
        .sandbox
        .requests()
        .iter()
        .filter(|line| *line == "PUT /v1/resources/user_account")
        .count();
    assert_eq!(user_puts, 0);
    assert_eq!(
        fixture.sandbox.stored(USERS_ID).len(),
        1,
        "the intruder stays"
    );
}

#[test]
fn refused_apply_writes_a_record() {
    let fixture = applied();
    remove_record(&fixture, "users/engineering.yaml", "okta-00u1breakglass");
    fixture
        .inventory
        .replace(SERVERS_FILE, "memory: 4096", "memory: 8192");
    fixture
        .command()
        .args(["apply", ".", "--auto-approve", "--record", "record.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Wrote the apply record"));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
    let record: Value = serde_json::from_str(&fixture.inventory.read("record.json")).unwrap();
    let resources = record["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    assert_eq!(resources[0]["name"], "internal-servers");
    assert_eq!(resources[0]["outcome"], "not_attempted");
    assert_eq!(resources[0]["error"], "another resource was refused");
    assert_eq!(resources[1]["name"], "okta-users");
    assert_eq!(resources[1]["outcome"], "not_attempted");
    assert_eq!(resources[1]["error"], "refused by the `protected` rule");
    assert!(resources[1]["after_digest"].is_null());
}

#[test]
fn saved_plan_for_another_api_is_rejected() {
    let fixture = Fixture::new();
    save_plan(&fixture);
    // The same plan, as if made against Vanta's commercial host (with a valid digest).
    let mut plan: vanta_gitops::plan::Plan =
        serde_json::from_str(&fixture.inventory.read("plan.json")).unwrap();
    plan.api_url = "https://api.vanta.com".to_string();
    plan.plan_digest = vanta_gitops::plan::diff::plan_digest(&mut plan);
    fixture
        .inventory
        .write("plan.json", &serde_json::to_string(&plan).unwrap());
    fixture.sandbox.clear_requests();
    fixture
        .command()
        .args(["apply", "plan.json", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the saved plan was made against `https://api.vanta.com`, but this run targets `http://127.0.0.1:",
        ));
    assert_eq!(fixture.sandbox.requests(), Vec::<String>::new());
}

#[test]
fn oversized_put_names_body_size() {
    let inventory = fast_example();
    let sandbox = sandbox_with(&inventory, |config| config.max_body_bytes = 1_000);
    let fixture = Fixture {
        inventory,
        sandbox,
        timeout_ms: 2000,
    };
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains("failed with HTTP 413"))
        .stderr(predicate::str::is_match("the request body was [0-9]+ bytes").unwrap())
        .stderr(predicate::str::contains(
            "more records than Vanta accepts at once",
        ));
}
