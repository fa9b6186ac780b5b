//! The main workflow on the example inventory: plan, apply, plan again, change, delete.

use predicates::prelude::*;

use crate::support::{Sandbox, TestInventory};

fn plan(inventory: &TestInventory) -> assert_cmd::assert::Assert {
    inventory
        .command()
        .args(["plan", ".", "--sandbox", "--detailed-exitcode"])
        .assert()
}

fn apply(inventory: &TestInventory) -> assert_cmd::assert::Assert {
    inventory
        .command()
        .args(["apply", ".", "--sandbox", "--auto-approve"])
        .assert()
}

#[test]
fn first_plan_creates_every_record() {
    let inventory = TestInventory::example();
    plan(&inventory)
        .code(2)
        .stdout(predicate::str::contains(
            "Plan: 23 to add, 0 to change, 0 to destroy.",
        ))
        .stdout(predicate::str::contains(
            "+ CustomResource internal-servers[\"srv_001\"]",
        ))
        .stdout(predicate::str::contains(
            "servers-have-memory: passing -> failing (srv_004, srv_007)",
        ));
}

#[test]
fn plan_without_flag_exits_zero_with_changes() {
    let inventory = TestInventory::example();
    inventory
        .command()
        .args(["plan", "--sandbox"])
        .assert()
        .success();
}

#[test]
fn apply_then_plan_shows_no_changes() {
    let inventory = TestInventory::example();
    apply(&inventory).success().stdout(predicate::str::contains(
        "Apply complete! Records: 23 added, 0 changed, 0 destroyed.",
    ));
    plan(&inventory).code(0).stdout(predicate::str::contains(
        "No changes. Vanta matches the inventory.",
    ));
}

#[test]
fn one_changed_field_plans_that_field() {
    let inventory = TestInventory::example();
    apply(&inventory).success();
    inventory.replace(
        "servers/internal-servers.yaml",
        "memory: 4096",
        "memory: 8192",
    );
    plan(&inventory)
        .code(2)
        .stdout(predicate::str::contains(
            "~ customProperties.memory = 4096 -> 8192",
        ))
        .stdout(predicate::str::contains("# (6 unchanged fields hidden)"))
        .stdout(predicate::str::contains(
            "Plan: 0 to add, 1 to change, 0 to destroy.",
        ));
}

#[test]
fn deleted_account_plans_a_deactivation() {
    let inventory = TestInventory::example();
    apply(&inventory).success();
    let text = inventory.read("users/operations.yaml");
    let start = text.find("  - uniqueId: okta-00u2tonyhoare").unwrap();
    inventory.write("users/operations.yaml", &text[..start]);
    plan(&inventory)
        .code(2)
        .stdout(predicate::str::contains(
            "okta-users[\"okta-00u2tonyhoare\"] will be deactivated",
        ))
        .stdout(predicate::str::contains(
            "Plan: 0 to add, 0 to change, 1 to destroy.",
        ));
    apply(&inventory).success().stdout(predicate::str::contains(
        "Apply complete! Records: 0 added, 0 changed, 1 destroyed.",
    ));
    plan(&inventory).code(0);
}

#[test]
fn returning_account_is_reactivated() {
    let inventory = TestInventory::example();
    apply(&inventory).success();
    let original = inventory.read("users/operations.yaml");
    let start = original.find("  - uniqueId: okta-00u2tonyhoare").unwrap();
    inventory.write("users/operations.yaml", &original[..start]);
    apply(&inventory).success();
    inventory.write("users/operations.yaml", &original);
    plan(&inventory)
        .code(2)
        .stdout(predicate::str::contains("will be reactivated"))
        .stdout(predicate::str::contains(
            "Plan: 1 to add, 0 to change, 0 to destroy.",
        ));
}

#[test]
fn invalid_record_is_reported_and_nothing_is_sent() {
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    inventory.replace(
        "users/engineering.yaml",
        "permissionLevel: EDITOR\n    mfaMethods: [OTP]",
        "permissionLevel: OWNER\n    mfaMethods: [OTP]",
    );
    let mut command = inventory.command();
    sandbox.configure(&mut command);
    command
        .args(["plan", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "invalid value for `permissionLevel`: expected one of ADMIN, EDITOR, BASE, found string `OWNER`",
        ))
        .stderr(predicate::str::contains("--> users/engineering.yaml:49:22"))
        .stderr(predicate::str::contains("error: could not load the inventory (1 error)"));
    assert_eq!(sandbox.requests(), Vec::<String>::new());

    let mut command = inventory.command();
    sandbox.configure(&mut command);
    command
        .args(["apply", ".", "--auto-approve"])
        .assert()
        .code(1);
    assert_eq!(sandbox.requests(), Vec::<String>::new());
}

#[test]
fn apply_without_terminal_needs_auto_approve() {
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    let mut command = inventory.command();
    sandbox.configure(&mut command);
    command
        .args(["apply", "."])
        .write_stdin("yes\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("pass `--auto-approve`"));
    assert_eq!(sandbox.count("PUT"), 0);
}

#[test]
fn apply_sends_one_put_per_changed_resource() {
    let inventory = TestInventory::example();
    let sandbox = Sandbox::for_inventory(&inventory);
    let run = || {
        let mut command = inventory.command();
        sandbox.configure(&mut command);
        command
            .args(["apply", ".", "--auto-approve"])
            .assert()
            .success();
    };
    run();
    assert_eq!(sandbox.count("PUT"), 2);
    assert_eq!(sandbox.count("POST"), 1, "one token per run");
    inventory.replace(
        "servers/internal-servers.yaml",
        "memory: 4096",
        "memory: 8192",
    );
    run();
    assert_eq!(sandbox.count("PUT"), 3, "only the changed resource is sent");
}

#[test]
fn sandbox_serve_process_serves_plan_and_apply() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let inventory = TestInventory::example();
    let state = inventory.path().join("served-state.json");
    let mut server = Command::new(assert_cmd::cargo::cargo_bin("vanta-gitops"))
        .args([
            "sandbox",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--inventory",
            ".",
        ])
        .arg("--state")
        .arg(&state)
        .current_dir(inventory.path())
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let start = line.find("url=http://127.0.0.1:")? + "url=".len();
            Some(line[start..].split_whitespace().next()?.to_string())
        })
        .expect("the server logs its URL");
    let run = |args: &[&str]| {
        inventory
            .command()
            .args(args)
            .env("VANTA_API_URL", &url)
            .env("VANTA_CLIENT_ID", vanta_gitops::sandbox::DEFAULT_CLIENT_ID)
            .env(
                "VANTA_CLIENT_SECRET",
                vanta_gitops::sandbox::DEFAULT_CLIENT_SECRET,
            )
            .assert()
    };
    run(&["apply", ".", "--auto-approve"]).success();
    run(&["plan", ".", "--detailed-exitcode"]).code(0);
    server.kill().unwrap();
    server.wait().unwrap();
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(
        saved.contains("okta-00u1adalovelace"),
        "the state file holds the applied records"
    );
}

#[test]
fn usage_error_exits_one() {
    let inventory = TestInventory::example();
    inventory
        .command()
        .args(["plan", ".", "--detaled-exitcode"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--detailed-exitcode"));
}

#[test]
fn sandbox_plans_are_byte_identical() {
    let inventory = TestInventory::example();
    let run = || {
        let output = inventory
            .command()
            .args(["plan", ".", "--sandbox", "--format", "json"])
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let first = run();
    let second = run();
    assert!(
        first.contains("\"api_url\": \"http://127.0.0.1\""),
        "{first}"
    );
    assert_eq!(first, second);
}

#[test]
fn fractional_seconds_warn_with_location() {
    let inventory = TestInventory::example();
    inventory.replace(
        "servers/internal-servers.yaml",
        "memory: 65536, lastUpdated: \"2026-11-20T14:30:00Z\"",
        "memory: 65536, lastUpdated: \"2026-11-20T14:30:00.250Z\"",
    );
    inventory
        .command()
        .args(["validate", "."])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: `customProperties.lastUpdated` has fractional seconds, which Vanta drops",
        ))
        .stderr(predicate::str::contains(
            "--> servers/internal-servers.yaml:16:",
        ));
}

#[test]
fn show_warns_about_edited_plan() {
    let inventory = TestInventory::example();
    inventory
        .command()
        .args(["plan", ".", "--sandbox", "--out", "plan.json"])
        .assert()
        .success();
    let text = inventory.read("plan.json");
    inventory.write("plan.json", &text.replacen("16384", "99999", 1));
    inventory
        .command()
        .args(["show", "plan.json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("was modified after it was made"))
        .stdout(predicate::str::contains("99999"));
}

#[test]
fn full_with_json_warns() {
    let inventory = TestInventory::example();
    inventory
        .command()
        .args(["plan", ".", "--sandbox", "--format", "json", "--full"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "`--full` changes only the text format",
        ));
}
