//! The fault matrix: the real binary against a sandbox that injects every kind of fault it
//! can (error statuses, `Retry-After`, slow responses, dropped connections, broken bodies,
//! token revocation), on plan and on apply. Each test checks the exit code, the message, and
//! from the sandbox's request log which requests were sent, above all that no PUT went out
//! wherever a read was incomplete.
//!
//! The client's testing knobs keep the suite fast: a 1 ms retry base, and a 300 ms request
//! timeout in the tests of slow responses (2 s elsewhere, so that a busy machine causes no
//! unplanned retries). No test sleeps for seconds.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

use crate::support::{Sandbox, TestInventory, sandbox_with};

/// The `resourceId` of the example's `internal-servers` (a CustomResource).
const SERVERS_ID: &str = "6650f5a0c1d2e3f4a5b6c7d8";
const SERVERS_PATH: &str = "/v1/resources/custom_resource";
const USERS_PATH: &str = "/v1/resources/user_account";

/// The example inventory, a sandbox for it, and the binary pointed at the sandbox.
pub struct Fixture {
    pub inventory: TestInventory,
    pub sandbox: Sandbox,
    /// The request timeout of every run, in milliseconds.
    pub timeout_ms: u64,
}

impl Fixture {
    /// Creates the fixture with faults added to the sandbox before the first request.
    pub fn with_faults(faults: Value) -> Fixture {
        let fixture = Fixture::new();
        fixture.sandbox.add_faults(faults);
        fixture
    }

    /// Creates the fixture with no faults.
    pub fn new() -> Fixture {
        Fixture::with_config(|_| {})
    }

    /// Creates the fixture with a changed sandbox configuration.
    pub fn with_config(adjust: impl FnOnce(&mut vanta_gitops::sandbox::SandboxConfig)) -> Fixture {
        let inventory = fast_example();
        let sandbox = sandbox_with(&inventory, adjust);
        Fixture {
            inventory,
            sandbox,
            timeout_ms: 2000,
        }
    }

    /// Shortens the request timeout to 300 ms, for tests of slow responses.
    pub fn short_timeout(mut self) -> Fixture {
        self.timeout_ms = 300;
        self
    }

    /// Returns the binary with the sandbox's URL and credentials and the fast testing knobs.
    pub fn command(&self) -> Command {
        let mut command = self.inventory.command();
        self.sandbox.configure(&mut command);
        command.env("VANTA_GITOPS_RETRY_BASE_MS", "1").env(
            "VANTA_GITOPS_REQUEST_TIMEOUT_MS",
            self.timeout_ms.to_string(),
        );
        command
    }

    pub fn plan(&self) -> assert_cmd::assert::Assert {
        self.command()
            .args(["plan", ".", "--detailed-exitcode"])
            .assert()
    }

    pub fn apply(&self) -> assert_cmd::assert::Assert {
        self.command()
            .args(["apply", ".", "--auto-approve"])
            .assert()
    }

    /// Returns the journal entries of one method and path, in order.
    pub fn served(&self, method: &str, path: &str) -> Vec<Value> {
        self.sandbox
            .journal()
            .into_iter()
            .filter(|entry| entry["method"] == method && entry["path"] == path)
            .collect()
    }

    /// Returns the statuses of the requests to one method and path, `None` for a dropped
    /// connection.
    pub fn statuses(&self, method: &str, path: &str) -> Vec<Option<u64>> {
        self.served(method, path)
            .iter()
            .map(|entry| entry["status"].as_u64())
            .collect()
    }
}

/// Copies the example inventory and raises its request budgets, so the client's pacing never
/// waits in a test that retries many times. The pacer's own unit test covers waiting, with a
/// paused clock.
pub fn fast_example() -> TestInventory {
    let inventory = TestInventory::example();
    inventory.replace(
        "workspace.yaml",
        "policy:\n",
        "policy:\n  rateLimits:\n    tokenRequestsPerMinute: 600\n    resourceRequestsPerMinute: 6000\n",
    );
    inventory
}

/// Builds a fault on the GET of `internal-servers` that fires on every request.
fn on_servers_get(action: Value) -> Value {
    json!({ "method": "GET", "path": SERVERS_PATH, "action": action })
}

/// Checks that plan and apply both stop on a read fault with `message`, and that apply sends
/// no PUT.
fn assert_read_fault_aborts(fault: Value, message: &str) {
    assert_read_fault_aborts_within(fault, message, 2000);
}

/// Runs [`assert_read_fault_aborts`] with a request timeout of `timeout_ms`.
fn assert_read_fault_aborts_within(fault: Value, message: &str, timeout_ms: u64) {
    let mut fixture = Fixture::with_faults(fault.clone());
    fixture.timeout_ms = timeout_ms;
    fixture
        .plan()
        .code(1)
        .stderr(predicate::str::contains(
            "could not read the current records of resource `internal-servers`",
        ))
        .stderr(predicate::str::contains(format!(
            "GET {SERVERS_PATH}?resourceId={SERVERS_ID}"
        )))
        .stderr(predicate::str::contains(message));

    let mut fixture = Fixture::with_faults(fault);
    fixture.timeout_ms = timeout_ms;
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "could not read the current records of resource `internal-servers`",
        ))
        .stderr(predicate::str::contains(message));
    assert_eq!(fixture.sandbox.count("PUT"), 0, "apply must send no PUT");
}

#[test]
fn server_error_every_time_aborts() {
    let fault = on_servers_get(json!({
        "kind": "respond", "status": 500, "body": { "error": "database unavailable" }
    }));
    assert_read_fault_aborts(fault.clone(), "failed after 5 attempts");
    assert_read_fault_aborts(fault, "HTTP 500: database unavailable");
}

#[test]
fn server_error_every_time_retries_five_times() {
    let fixture = Fixture::with_faults(on_servers_get(json!({
        "kind": "respond", "status": 502, "body": "Bad Gateway"
    })));
    fixture
        .plan()
        .code(1)
        .stderr(predicate::str::contains("HTTP 502: Bad Gateway"));
    assert_eq!(
        fixture.statuses("GET", SERVERS_PATH),
        vec![Some(502); 5],
        "a transient error is tried exactly max-attempts times"
    );
}

#[test]
fn client_error_is_not_retried() {
    let fixture = Fixture::with_faults(on_servers_get(json!({
        "kind": "respond", "status": 404, "body": { "error": "no such resource" }
    })));
    fixture
        .plan()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404: no such resource"));
    assert_eq!(fixture.statuses("GET", SERVERS_PATH), vec![Some(404)]);
}

#[test]
fn transient_errors_are_retried_until_success() {
    for status in [429, 500, 502, 503, 504] {
        let fixture = Fixture::with_faults(json!({
            "method": "GET", "path": SERVERS_PATH, "times": 2,
            "action": { "kind": "respond", "status": status, "body": { "error": "try again" } }
        }));
        fixture.plan().code(2).stdout(predicate::str::contains(
            "Plan: 23 to add, 0 to change, 0 to destroy.",
        ));
        assert_eq!(
            fixture.statuses("GET", SERVERS_PATH),
            vec![Some(status), Some(status), Some(200)],
            "status {status} is retried"
        );
    }
}

#[test]
fn retry_after_zero_seconds_is_honoured() {
    let fixture = Fixture::with_faults(json!({
        "method": "GET", "path": SERVERS_PATH, "times": 1,
        "action": { "kind": "respond", "status": 429, "body": "rate limit exceeded",
                    "retryAfterSeconds": 0 }
    }));
    fixture.plan().code(2);
    assert_eq!(
        fixture.statuses("GET", SERVERS_PATH),
        vec![Some(429), Some(200)]
    );
}

#[test]
fn retry_after_beyond_deadline_stops_at_once() {
    let fixture = Fixture::with_faults(on_servers_get(json!({
        "kind": "respond", "status": 429, "body": "rate limit exceeded",
        "retryAfterSeconds": 3600
    })));
    fixture.plan().code(1).stderr(predicate::str::contains(
        "Vanta asked to wait 3600s before retrying, beyond the deadline of 300s",
    ));
    assert_eq!(
        fixture.statuses("GET", SERVERS_PATH),
        vec![Some(429)],
        "the client reads Retry-After instead of retrying sooner"
    );
}

#[test]
fn retry_after_http_date_is_honoured() {
    // An HTTP date an hour from now: whole seconds, so the wait reads 3600s or a little less on
    // a busy machine.
    let fixture = Fixture::with_faults(on_servers_get(json!({
        "kind": "respond", "status": 503, "body": "maintenance",
        "retryAfterSeconds": 3600, "retryAfterHttpDate": true
    })));
    fixture.plan().code(1).stderr(
        predicate::str::is_match("Vanta asked to wait (3600|35[0-9][0-9])s before retrying")
            .unwrap(),
    );
    assert_eq!(fixture.statuses("GET", SERVERS_PATH), vec![Some(503)]);

    // A date that has already passed (now, at whole seconds) means "retry at once".
    let fixture = Fixture::with_faults(json!({
        "method": "GET", "path": SERVERS_PATH, "times": 1,
        "action": { "kind": "respond", "status": 503, "body": "maintenance",
                    "retryAfterSeconds": 0, "retryAfterHttpDate": true }
    }));
    fixture.plan().code(2);
    assert_eq!(
        fixture.statuses("GET", SERVERS_PATH),
        vec![Some(503), Some(200)]
    );
}

#[test]
fn slow_response_times_out_and_is_retried() {
    let fixture = Fixture::with_faults(json!({
        "method": "GET", "path": SERVERS_PATH, "times": 1, "delayMs": 1000
    }))
    .short_timeout();
    fixture
        .plan()
        .code(2)
        .stderr(predicate::str::contains("retrying"))
        .stderr(predicate::str::contains("the request timed out"));
    // The request the client gave up on is logged without a status, in whichever order the
    // server noticed the closed connection.
    let mut statuses = fixture.statuses("GET", SERVERS_PATH);
    statuses.sort();
    assert_eq!(statuses, vec![None, Some(200)]);
    let rule = &fixture.sandbox.faults()[0];
    assert_eq!(rule["fired"], 1, "{rule}");
    assert_eq!(rule["matched"], 2, "the request was sent again: {rule}");
}

#[test]
fn slow_responses_every_time_abort() {
    let fault = json!({ "method": "GET", "path": SERVERS_PATH, "delayMs": 1000 });
    assert_read_fault_aborts_within(fault.clone(), "the request timed out", 300);

    let fixture = Fixture::with_faults(fault).short_timeout();
    fixture
        .plan()
        .code(1)
        .stderr(predicate::str::contains("failed after 5 attempts"));
    let rule = &fixture.sandbox.faults()[0];
    assert_eq!(rule["matched"], 5, "five attempts, each timed out: {rule}");
}

#[test]
fn dropped_connection_is_retried() {
    let fixture = Fixture::with_faults(json!({
        "method": "GET", "path": SERVERS_PATH, "times": 1, "action": { "kind": "drop" }
    }));
    fixture.plan().code(2);
    assert_eq!(fixture.statuses("GET", SERVERS_PATH), vec![None, Some(200)]);
}

#[test]
fn dropped_connections_every_time_abort() {
    assert_read_fault_aborts(
        on_servers_get(json!({ "kind": "drop" })),
        "failed after 5 attempts",
    );
}

#[test]
fn truncated_json_aborts() {
    assert_read_fault_aborts(
        on_servers_get(json!({ "kind": "truncate" })),
        "the body is not a complete resource list",
    );
}

#[test]
fn malformed_json_aborts() {
    assert_read_fault_aborts(
        on_servers_get(json!({ "kind": "malformedJson" })),
        "the body is not a complete resource list",
    );
}

#[test]
fn lone_surrogate_aborts() {
    let fixture = Fixture::new();
    fixture.apply().success();
    fixture
        .sandbox
        .add_faults(on_servers_get(json!({ "kind": "loneSurrogate" })));
    fixture
        .plan()
        .code(1)
        .stderr(predicate::str::contains(
            "the body is not a complete resource list",
        ))
        .stderr(predicate::str::contains("hex escape"))
        .stderr(predicate::str::contains(format!(
            "GET {SERVERS_PATH}?resourceId={SERVERS_ID}"
        )));
    // An empty list gets the surrogate in an added field, which fails just the same.
    assert_read_fault_aborts(
        on_servers_get(json!({ "kind": "loneSurrogate" })),
        "the body is not a complete resource list",
    );
}

#[test]
fn duplicate_unique_ids_abort() {
    let fixture = Fixture::new();
    let record = json!({
        "uniqueId": "srv_001", "displayName": "auth-prod-1",
        "externalUrl": "https://cmdb.acme.example/servers/srv_001"
    });
    fixture
        .sandbox
        .seed(SERVERS_ID, vec![record.clone(), record]);
    fixture.plan().code(1).stderr(predicate::str::contains(
        "`uniqueId` `srv_001` appears more than once",
    ));
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains("appears more than once"));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn token_endpoint_errors_are_retried() {
    let fixture = Fixture::with_faults(json!({
        "method": "POST", "path": "/oauth/token", "times": 2,
        "action": { "kind": "respond", "status": 503, "body": "unavailable" }
    }));
    fixture.plan().code(2);
    assert_eq!(
        fixture.statuses("POST", "/oauth/token"),
        vec![Some(503), Some(503), Some(200)]
    );

    let fixture = Fixture::with_faults(json!({
        "method": "POST", "path": "/oauth/token", "times": 1, "action": { "kind": "drop" }
    }));
    fixture.plan().code(2);
    assert_eq!(
        fixture.statuses("POST", "/oauth/token"),
        vec![None, Some(200)]
    );

    let fixture = Fixture::with_faults(json!({
        "method": "POST", "path": "/oauth/token", "times": 1, "delayMs": 1000
    }))
    .short_timeout();
    fixture
        .plan()
        .code(2)
        .stderr(predicate::str::contains("the request timed out"));
}

#[test]
fn token_endpoint_failing_stops_before_reads() {
    let fixture = Fixture::with_faults(json!({
        "method": "POST", "path": "/oauth/token",
        "action": { "kind": "respond", "status": 500, "body": "unavailable" }
    }));
    fixture.apply().code(1).stderr(predicate::str::contains(
        "POST /oauth/token failed after 5 attempts",
    ));
    assert_eq!(fixture.sandbox.count("GET"), 0);
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn rejected_credentials_stop_before_any_read() {
    let fixture = Fixture::new();
    fixture
        .command()
        .env("VANTA_CLIENT_SECRET", "vcs_wrong_secret_value")
        .args(["apply", ".", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Vanta rejected the credentials (401): invalid_client",
        ))
        .stderr(predicate::str::contains("vcs_wrong_secret_value").not());
    assert_eq!(fixture.sandbox.count("GET"), 0);
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn one_token_per_run() {
    let fixture = Fixture::new();
    fixture.apply().success();
    assert_eq!(
        fixture.sandbox.count("POST"),
        1,
        "apply reads, sends and reads back with one token"
    );
}

#[test]
fn revoked_token_is_replaced_once() {
    // The third resource request finds its token revoked, as if another process had
    // requested a token for the same application.
    let fixture = Fixture::with_faults(json!({
        "path": "/v1/resources/*", "nth": 3, "action": { "kind": "revokeToken" }
    }));
    fixture
        .apply()
        .success()
        .stderr(predicate::str::contains(
            "another process requested a token for the same application",
        ))
        .stdout(predicate::str::contains(
            "Apply complete! Records: 23 added, 0 changed, 0 destroyed.",
        ));
    assert_eq!(fixture.sandbox.count("POST"), 2, "one token, replaced once");
    let statuses: Vec<Option<u64>> = fixture
        .sandbox
        .journal()
        .iter()
        .filter(|entry| entry["fault"] == "revokeToken")
        .map(|entry| entry["status"].as_u64())
        .collect();
    assert_eq!(statuses, vec![Some(401)]);
}

#[test]
fn token_revoked_twice_stops_the_run() {
    let fixture = Fixture::with_faults(json!({
        "path": "/v1/resources/*", "after": 2, "action": { "kind": "revokeToken" }
    }));
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "the access token was revoked during the run: another process requested a token for the same Vanta application",
        ));
    assert_eq!(
        fixture.sandbox.count("POST"),
        2,
        "the token is replaced at most once"
    );
    assert_eq!(
        fixture
            .served("PUT", SERVERS_PATH)
            .iter()
            .filter(|entry| entry["status"] == 200)
            .count(),
        0,
        "no PUT was accepted"
    );
}

#[test]
fn token_rejected_from_the_start_stops_the_run() {
    let fixture = Fixture::with_faults(json!({
        "path": "/v1/resources/*", "action": { "kind": "revokeToken" }
    }));
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "the access token was revoked during the run",
        ))
        .stderr(predicate::str::contains(
            "failed with HTTP 401 before any request of this run succeeded",
        ));
    assert_eq!(
        fixture.sandbox.count("POST"),
        2,
        "the token is replaced at most once"
    );
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn token_expiring_mid_run_is_renewed() {
    // Tokens live one second and every resource request takes 400 ms, so the token expires
    // while the run reads and sends.
    let fixture = Fixture::with_config(|config| {
        config.token_lifetime_seconds = 1;
    });
    fixture
        .sandbox
        .add_faults(json!({ "path": "/v1/resources/*", "delayMs": 400 }));
    fixture
        .command()
        .args(["apply", ".", "--auto-approve"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Apply complete!"));
    let tokens = fixture.sandbox.count("POST");
    assert!(tokens >= 2, "the token was renewed ({tokens} minted)");
    let rejected = fixture
        .sandbox
        .journal()
        .iter()
        .filter(|entry| entry["status"] == 401)
        .count();
    // Only the two reads that start together could meet the expiry at once.
    assert!(
        rejected <= 2,
        "renewal happens before expiry ({rejected} rejected)"
    );
    fixture.sandbox.clear_faults();
    fixture.plan().code(0);
}

#[test]
fn put_error_skips_later_resources() {
    let fixture = Fixture::with_faults(json!({
        "method": "PUT", "path": SERVERS_PATH,
        "action": { "kind": "respond", "status": 500, "body": { "error": "storage failure" } }
    }));
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "internal-servers: failed: PUT /v1/resources/custom_resource failed after 5 attempts",
        ))
        .stderr(predicate::str::contains("storage failure"))
        .stderr(predicate::str::contains(
            "okta-users: not attempted: an earlier resource failed",
        ))
        .stderr(predicate::str::contains(
            "Apply failed: 0 of 2 resources applied",
        ));
    assert_eq!(fixture.served("PUT", USERS_PATH).len(), 0);
}

#[test]
fn put_rejected_by_validation_is_not_retried() {
    let fixture = Fixture::with_faults(json!({
        "method": "PUT", "path": USERS_PATH,
        "action": { "kind": "respond", "status": 400,
                    "body": { "error": "/resources/0/email: must match format \"email\"" } }
    }));
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains("internal-servers: applied"))
        .stderr(predicate::str::contains(
            "okta-users: failed: PUT /v1/resources/user_account failed with HTTP 400: /resources/0/email: must match format \"email\"",
        ))
        .stderr(predicate::str::contains("Apply failed: 1 of 2 resources applied"));
    assert_eq!(fixture.served("PUT", USERS_PATH).len(), 1);

    // The next run sends only the resource that failed.
    fixture.sandbox.clear_requests();
    fixture.sandbox.clear_faults();
    fixture.apply().success().stdout(predicate::str::contains(
        "Apply complete! Records: 15 added, 0 changed, 0 destroyed.",
    ));
    assert_eq!(fixture.served("PUT", SERVERS_PATH).len(), 0);
    assert_eq!(fixture.served("PUT", USERS_PATH).len(), 1);
    fixture.plan().code(0);
}

#[test]
fn put_retried_after_a_dropped_connection() {
    let fixture = Fixture::with_faults(json!({
        "method": "PUT", "path": SERVERS_PATH, "times": 1, "action": { "kind": "drop" }
    }));
    fixture.apply().success();
    assert_eq!(fixture.statuses("PUT", SERVERS_PATH), vec![None, Some(200)]);
    fixture.plan().code(0);
}

#[test]
fn put_timing_out_every_time_fails() {
    let fixture = Fixture::with_faults(json!({
        "method": "PUT", "path": SERVERS_PATH, "delayMs": 1000
    }))
    .short_timeout();
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "internal-servers: failed: PUT /v1/resources/custom_resource failed after 5 attempts",
        ))
        .stderr(predicate::str::contains("the request timed out"));
}

#[test]
fn broken_read_before_put_sends_nothing() {
    // GET 1 of each path is the plan's read; GET 2 is the read right before the PUT.
    let fixture = Fixture::with_faults(json!({
        "method": "GET", "path": SERVERS_PATH, "nth": 2, "action": { "kind": "truncate" }
    }));
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "internal-servers: not attempted: could not read the current records again",
        ))
        .stderr(predicate::str::contains(format!(
            "GET {SERVERS_PATH}?resourceId={SERVERS_ID}"
        )));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}

#[test]
fn broken_read_back_fails_the_resource() {
    // GET 3 of the path is the read-back after the PUT.
    let fixture = Fixture::with_faults(json!({
        "method": "GET", "path": SERVERS_PATH, "nth": 3, "action": { "kind": "malformedJson" }
    }));
    fixture.apply().code(1).stderr(predicate::str::contains(
        "internal-servers: failed: the PUT succeeded, but reading the records back failed",
    ));
    assert_eq!(fixture.served("PUT", SERVERS_PATH).len(), 1);
    // The records did arrive, so the next plan shows only the resource never attempted.
    fixture.plan().code(2).stdout(predicate::str::contains(
        "Plan: 15 to add, 0 to change, 0 to destroy.",
    ));
}

#[test]
fn secrets_never_reach_output_or_files() {
    let fixture = Fixture::new();
    // A token minted the way the client mints its own, so the error bodies below echo a real
    // one. The client's own tokens are caught by their shape in the final check.
    let token = fixture.sandbox.mint_token();
    let secret = vanta_gitops::sandbox::DEFAULT_CLIENT_SECRET;
    let echo =
        format!("request was: client_secret={secret} Authorization: Bearer {token} token={token}");
    fixture.sandbox.add_faults(json!([
        { "method": "GET", "path": SERVERS_PATH, "nth": 1,
          "action": { "kind": "respond", "status": 500, "body": { "error": echo } } },
        { "method": "PUT", "path": USERS_PATH,
          "action": { "kind": "respond", "status": 400, "body": { "error": echo } } },
    ]));

    let plan = fixture
        .command()
        .args(["-vv", "plan", ".", "--out", "plan.json"])
        .assert()
        .success();
    let apply = fixture
        .command()
        .args(["-vv", "apply", "plan.json", "--record", "record.json"])
        .arg("--auto-approve")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("okta-users: failed"))
        .stderr(predicate::str::contains("[REDACTED]"));

    let outputs = [
        (
            "plan stdout",
            String::from_utf8_lossy(&plan.get_output().stdout).into_owned(),
        ),
        (
            "plan stderr",
            String::from_utf8_lossy(&plan.get_output().stderr).into_owned(),
        ),
        (
            "apply stdout",
            String::from_utf8_lossy(&apply.get_output().stdout).into_owned(),
        ),
        (
            "apply stderr",
            String::from_utf8_lossy(&apply.get_output().stderr).into_owned(),
        ),
        ("plan file", fixture.inventory.read("plan.json")),
        ("apply record", fixture.inventory.read("record.json")),
    ];
    let token_shape = token_shape_finder();
    for (name, text) in &outputs {
        assert!(
            !text.is_empty(),
            "{name} is empty, so the check would prove nothing"
        );
        assert!(
            !text.contains(secret),
            "{name} contains the client secret:\n{text}"
        );
        assert!(!text.contains(&token), "{name} contains a token:\n{text}");
        assert!(
            !token_shape(text),
            "{name} contains something shaped like a token:\n{text}"
        );
    }
    // The trace log did print the retried request and the failed PUT, redacted.
    assert!(outputs[1].1.contains("retrying"), "{}", outputs[1].1);
}

/// Returns a check for a sandbox access token (`vat_` and at least 16 hex digits) anywhere in a text.
fn token_shape_finder() -> impl Fn(&str) -> bool {
    |text: &str| {
        text.match_indices("vat_").any(|(index, _)| {
            let rest = &text[index + 4..];
            rest.len() >= 16 && rest[..16].chars().all(|c| c.is_ascii_hexdigit())
        })
    }
}

#[test]
fn normal_runs_stay_within_vanta_limits() {
    // The sandbox enforces Vanta's documented limits, and the inventory keeps the client's
    // default budgets.
    let inventory = TestInventory::example();
    let sandbox = sandbox_with(&inventory, |config| {
        config.rate_limits = vanta_gitops::sandbox::RateLimits::default();
    });
    let run = |args: &[&str]| {
        let mut command = inventory.command();
        sandbox.configure(&mut command);
        command.args(args).assert()
    };
    run(&["plan", "."]).success();
    run(&["apply", ".", "--auto-approve"]).success();
    run(&["plan", ".", "--detailed-exitcode"]).code(0);
    let limited: Vec<Value> = sandbox
        .journal()
        .into_iter()
        .filter(|entry| entry["status"] == 429)
        .collect();
    assert_eq!(limited, Vec::<Value>::new());
    assert_eq!(sandbox.count("POST"), 3, "one token per run");
}

#[test]
fn put_stored_but_reply_lost_converges() {
    // The sandbox stores the PUT, then cuts its reply short, so the client cannot know that
    // the records arrived.
    for action in ["truncate", "malformedJson"] {
        let fixture = Fixture::with_faults(json!({
            "method": "PUT", "path": SERVERS_PATH, "times": 1, "action": { "kind": action }
        }));
        fixture
            .apply()
            .code(1)
            .stderr(predicate::str::contains(
                "internal-servers: failed: invalid response to PUT /v1/resources/custom_resource: unexpected body",
            ))
            .stderr(predicate::str::contains(
                "okta-users: not attempted: an earlier resource failed",
            ));
        assert_eq!(
            fixture.statuses("PUT", SERVERS_PATH),
            vec![Some(200)],
            "{action}"
        );

        // The next plan finds the records in place, and the next apply sends only the rest.
        fixture
            .plan()
            .code(2)
            .stdout(predicate::str::contains("internal-servers[").not())
            .stdout(predicate::str::contains(
                "Plan: 15 to add, 0 to change, 0 to destroy.",
            ));
        fixture.apply().success();
        assert_eq!(fixture.served("PUT", SERVERS_PATH).len(), 1, "{action}");
        fixture.plan().code(0);
    }
}

#[test]
fn unexpected_list_shapes_abort() {
    let bodies = [
        (json!({}), "missing field `resources`"),
        (json!({ "resources": null }), "invalid type: null"),
        (
            json!({ "resources": [], "next": "cursor" }),
            "unknown field `next`",
        ),
        (json!([]), "expected a JSON object"),
        (
            json!([[{ "uniqueId": "srv_001" }]]),
            "expected a JSON object",
        ),
        (json!("<html>maintenance</html>"), "expected a JSON object"),
        (
            json!({ "resources": [{ "displayName": "no id" }] }),
            "record 0 has no string `uniqueId`",
        ),
        (
            json!({ "resources": [{ "uniqueId": 7 }] }),
            "record 0 has no string `uniqueId`",
        ),
        // The first problem in the body is reported, although records are parsed in parallel.
        (
            json!({ "resources": [{ "uniqueId": "a" }, { "uniqueId": "a" }, { "displayName": "x" }] }),
            "`uniqueId` `a` appears more than once",
        ),
        (
            json!({ "resources": [{ "uniqueId": "a" }, [1], { "displayName": "x" }] }),
            "record 1 (from byte 31): invalid type: sequence, expected a map",
        ),
    ];
    for (body, message) in bodies {
        let fault = on_servers_get(json!({ "kind": "respond", "status": 200, "body": body }));
        assert_read_fault_aborts(fault, message);
    }
}

#[test]
fn read_faults_on_apply_send_nothing() {
    let cases = [
        (
            json!({ "kind": "respond", "status": 404, "body": { "error": "not found" } }),
            "HTTP 404: not found",
        ),
        (
            json!({ "kind": "respond", "status": 429, "body": "rate limit exceeded",
                    "retryAfterSeconds": 3600 }),
            "Vanta asked to wait 3600s before retrying",
        ),
        (
            json!({ "kind": "respond", "status": 503, "body": "maintenance",
                    "retryAfterSeconds": 3600, "retryAfterHttpDate": true }),
            "before retrying, beyond the deadline of 300s",
        ),
    ];
    for (action, message) in cases {
        assert_read_fault_aborts(on_servers_get(action), message);
    }
}

#[test]
fn revoked_token_during_plan_is_replaced() {
    let fixture = Fixture::with_faults(json!({
        "method": "GET", "path": SERVERS_PATH, "nth": 1, "action": { "kind": "revokeToken" }
    }));
    fixture.plan().code(2).stderr(predicate::str::contains(
        "another process requested a token for the same application",
    ));
    assert_eq!(fixture.sandbox.count("POST"), 2);
    assert_eq!(
        fixture.statuses("GET", SERVERS_PATH),
        vec![Some(401), Some(200)]
    );
}

#[test]
fn put_accepted_but_not_stored_fails() {
    // Vanta returns success without storing anything, so only the read-back notices.
    let fixture = Fixture::with_faults(json!({
        "method": "PUT", "path": SERVERS_PATH,
        "action": { "kind": "respond", "status": 200, "body": { "success": true } }
    }));
    fixture
        .apply()
        .code(1)
        .stderr(predicate::str::contains(
            "internal-servers: failed: Vanta accepted the PUT but contains different records afterwards (8 differ, such as srv_001, srv_002",
        ));
    assert_eq!(fixture.served("PUT", USERS_PATH).len(), 0);
}

#[test]
fn token_error_echoing_the_secret_is_redacted() {
    let secret = vanta_gitops::sandbox::DEFAULT_CLIENT_SECRET;
    let fixture = Fixture::with_faults(json!({
        "method": "POST", "path": "/oauth/token",
        "action": { "kind": "respond", "status": 401, "body": {
            "error": "invalid_client",
            "error_description": format!("no application with client_secret={secret}")
        } }
    }));
    let assert = fixture
        .command()
        .args(["-vv", "apply", ".", "--auto-approve"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Vanta rejected the credentials (401): invalid_client: no application with client_secret=[REDACTED]",
        ));
    let output = assert.get_output();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(secret), "{text}");
    }
    assert_eq!(fixture.sandbox.count("GET"), 0);
}

#[test]
fn failed_token_renewal_sends_no_put() {
    // Tokens live one second, resource requests take 400 ms, and every token request after
    // the first fails, so the renewal the apply needs before its PUT cannot succeed.
    let fixture = Fixture::with_config(|config| {
        config.token_lifetime_seconds = 1;
    });
    fixture.sandbox.add_faults(json!([
        { "path": "/v1/resources/*", "delayMs": 400 },
        { "method": "POST", "path": "/oauth/token", "after": 1,
          "action": { "kind": "respond", "status": 500, "body": "unavailable" } }
    ]));
    fixture.apply().code(1).stderr(predicate::str::contains(
        "POST /oauth/token failed after 5 attempts",
    ));
    assert_eq!(fixture.sandbox.count("PUT"), 0);
}
