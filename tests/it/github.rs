//! `github comment` and `github summary` run as the real binary against the GitHub stand-in,
//! with plans the real binary saved from the example inventory, and the workflow files parsed
//! as GitHub would.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use crate::github_standin::GithubStandin;
use crate::support::TestInventory;

/// A token that must never appear in any output.
const TOKEN: &str = "ghs_standinTokenThatMustNeverLeak0123";

/// The pull request of the test event.
const PULL_REQUEST: u64 = 7;

/// Returns the binary in the inventory folder with the GitHub variables pointing at the
/// stand-in and an event file for pull request 7.
fn github_command(inventory: &TestInventory, standin: &GithubStandin) -> Command {
    inventory.write(
        "event.json",
        &format!(r#"{{"action":"synchronize","pull_request":{{"number":{PULL_REQUEST}}}}}"#),
    );
    let mut command = inventory.command();
    for name in [
        "GITHUB_ACTIONS",
        "GITHUB_RUN_ID",
        "GITHUB_SERVER_URL",
        "GITHUB_STEP_SUMMARY",
    ] {
        command.env_remove(name);
    }
    command
        .env("GITHUB_API_URL", &standin.url)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REPOSITORY", "acme/inventory")
        .env("GITHUB_EVENT_PATH", inventory.path().join("event.json"));
    command
}

/// Saves a plan of the inventory against its own sandbox and returns its path.
fn save_plan(inventory: &TestInventory) -> PathBuf {
    inventory
        .command()
        .args(["plan", ".", "--sandbox", "--out", "plan.json"])
        .assert()
        .success();
    inventory.path().join("plan.json")
}

/// Runs a command and returns its exit code, stdout and stderr, after checking that neither
/// stream contains the token.
fn run(mut command: Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        !stdout.contains(TOKEN),
        "the token leaked to stdout: {stdout}"
    );
    assert!(
        !stderr.contains(TOKEN),
        "the token leaked to stderr: {stderr}"
    );
    (output.status.code().unwrap_or(-1), stdout, stderr)
}

fn comment(inventory: &TestInventory, standin: &GithubStandin) -> (i32, String, String) {
    let mut command = github_command(inventory, standin);
    command.args(["github", "comment", "--plan", "plan.json"]);
    run(command)
}

fn marker_line(body: &str) -> &str {
    body.lines().next().unwrap()
}

#[test]
fn first_run_creates_comment() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Posted the plan comment for `acme-production`"));
    let comments = standin.comments(PULL_REQUEST);
    assert_eq!(comments.len(), 1);
    let body = &comments[0].body;
    assert!(
        marker_line(body)
            .starts_with("<!-- vanta-gitops:plan v=1 target=acme-production digest=sha256:"),
        "{body}"
    );
    assert!(body.contains("23 to add"), "{body}");
    assert!(body.contains("| `internal-servers` |"), "{body}");
    assert!(!body.contains("not shown"));
    assert!(
        standin.requests()[0].ends_with("/repos/acme/inventory/issues/7/comments?per_page=100")
    );
}

#[test]
fn sensitive_values_stay_out_of_comment() {
    let inventory = TestInventory::example();
    let workspace = inventory.read("workspace.yaml");
    inventory.write(
        "workspace.yaml",
        &format!(
            "{workspace}sensitive:\n  - resource: internal-servers\n    fields: [externalUrl]\n"
        ),
    );
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 0, "{stderr}");
    let body = &standin.comments(PULL_REQUEST)[0].body;
    assert!(!body.contains("cmdb.acme.example"), "{body}");
    assert!(body.contains("(sensitive value)"), "{body}");
}

#[test]
fn second_run_updates_same_comment() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    assert_eq!(comment(&inventory, &standin).0, 0);
    let first = standin.comments(PULL_REQUEST);

    inventory.replace(
        "servers/internal-servers.yaml",
        "memory: 4096",
        "memory: 8192",
    );
    save_plan(&inventory);
    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Updated the plan comment"), "{stderr}");

    let second = standin.comments(PULL_REQUEST);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].id, first[0].id);
    assert_ne!(second[0].body, first[0].body);
    assert_ne!(marker_line(&second[0].body), marker_line(&first[0].body));
    assert!(
        standin
            .requests()
            .iter()
            .any(|request| request.starts_with(&format!(
                "PATCH /repos/acme/inventory/issues/comments/{}",
                first[0].id
            )))
    );
}

#[test]
fn same_plan_sends_no_update() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    assert_eq!(comment(&inventory, &standin).0, 0);
    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("up to date"), "{stderr}");
    let writes = standin
        .requests()
        .iter()
        .filter(|request| !request.starts_with("GET "))
        .count();
    assert_eq!(writes, 1, "only the first run posts");
    assert_eq!(standin.comments(PULL_REQUEST).len(), 1);
}

#[test]
fn other_comments_left_untouched() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    let review = "Looks good, but check the servers.";
    let staging =
        "<!-- vanta-gitops:plan v=1 target=staging digest=sha256:00 -->\n### Staging plan\n";
    let quoted = "> <!-- vanta-gitops:plan v=1 target=acme-production digest=sha256:00 -->";
    standin.add_comment(PULL_REQUEST, review);
    standin.add_comment(PULL_REQUEST, staging);
    standin.add_comment(PULL_REQUEST, quoted);
    let elsewhere = "<!-- vanta-gitops:plan v=1 target=acme-production digest=sha256:00 -->\n";
    standin.add_comment(PULL_REQUEST + 1, elsewhere);

    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 0, "{stderr}");
    let comments = standin.comments(PULL_REQUEST);
    assert_eq!(comments.len(), 4);
    assert_eq!(comments[0].body, review);
    assert_eq!(comments[1].body, staging);
    assert_eq!(comments[2].body, quoted);
    assert!(comments[3].body.contains("target=acme-production"));
    assert_eq!(standin.comments(PULL_REQUEST + 1)[0].body, elsewhere);
}

#[test]
fn target_flag_names_a_separate_comment() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    assert_eq!(comment(&inventory, &standin).0, 0);
    let mut command = github_command(&inventory, &standin);
    command.args([
        "github",
        "comment",
        "--plan",
        "plan.json",
        "--target",
        "eu west",
    ]);
    let (code, _, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    let comments = standin.comments(PULL_REQUEST);
    assert_eq!(comments.len(), 2);
    assert!(marker_line(&comments[1].body).contains("target=eu%20west "));
}

#[test]
fn comments_beyond_first_page_are_read() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    for index in 0..180 {
        standin.add_comment(PULL_REQUEST, &format!("comment {index}"));
    }
    let ours = standin.add_comment(
        PULL_REQUEST,
        "<!-- vanta-gitops:plan v=1 target=acme-production digest=sha256:00 -->\nold plan\n",
    );
    for index in 0..60 {
        standin.add_comment(PULL_REQUEST, &format!("later comment {index}"));
    }

    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 0, "{stderr}");
    let comments = standin.comments(PULL_REQUEST);
    assert_eq!(comments.len(), 241, "no new comment is created");
    let updated = comments.iter().find(|comment| comment.id == ours).unwrap();
    assert!(updated.body.contains("23 to add"));
    let pages: Vec<String> = standin
        .requests()
        .into_iter()
        .filter(|request| request.starts_with("GET "))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages[1].ends_with("per_page=100&page=2"), "{pages:?}");
    assert!(pages[2].ends_with("per_page=100&page=3"), "{pages:?}");
}

/// Inflates a saved plan until its markdown exceeds `characters`, with 30 destroys, a mass of
/// creates and non-ASCII values, and returns the path of the inflated plan.
fn inflate_plan(inventory: &TestInventory, characters: usize) -> PathBuf {
    let path = save_plan(inventory);
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let template = plan["resources"][0]["changes"][0].clone();

    let mut changes = Vec::new();
    let mut index = 0;
    loop {
        let mut change = template.clone();
        change["unique_id"] = Value::from(format!("srv_big_{index:05}"));
        for field in change["fields"].as_array_mut().unwrap() {
            if field["path"][0] == "displayName" {
                field["after"] = Value::from(format!("Zoë’s 🔥 server {index} ``` fence"));
            }
        }
        if index < 60 && index % 2 == 0 {
            change["action"] = Value::from("delete");
            for field in change["fields"].as_array_mut().unwrap() {
                let after = field.as_object_mut().unwrap().remove("after").unwrap();
                field["before"] = after;
            }
        }
        changes.push(change);
        index += 1;
        if index % 100 == 0 {
            plan["resources"][0]["changes"] = Value::from(changes.clone());
            let parsed: vanta_gitops::plan::Plan = serde_json::from_value(plan.clone()).unwrap();
            let markdown = vanta_gitops::plan::render::markdown::render(&parsed);
            if markdown.chars().count() > characters {
                break;
            }
        }
    }

    let destroys = 30;
    plan["summary"]["destroy"] = Value::from(destroys);
    plan["summary"]["add"] = Value::from(changes.len() - destroys);
    plan["resources"][0]["summary"] = plan["summary"].clone();
    plan["resources"][0]["changes"] = Value::from(changes);
    // The inflated plan gets a digest of its own, as if it had been planned this way, because
    // publishing rejects plans whose digest does not match.
    let mut parsed: vanta_gitops::plan::Plan = serde_json::from_value(plan).unwrap();
    parsed.plan_digest = vanta_gitops::plan::diff::plan_digest(&mut parsed);
    let big = inventory.path().join("big-plan.json");
    std::fs::write(&big, serde_json::to_string(&parsed).unwrap()).unwrap();
    big
}

/// Checks that markdown has balanced code fences and `<details>` blocks.
fn assert_balanced(markdown: &str) {
    let fences = markdown
        .lines()
        .filter(|line| line.trim_start().starts_with("```"))
        .count();
    assert_eq!(fences % 2, 0, "unbalanced code fences");
    assert_eq!(
        markdown.matches("<details>").count(),
        markdown.matches("</details>").count(),
        "unbalanced <details>"
    );
    let mut open_details = 0usize;
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence {
            open_details += line.matches("<details>").count();
            open_details = open_details
                .checked_sub(line.matches("</details>").count())
                .expect("</details> before <details>");
        }
    }
    assert!(!in_fence, "a code fence is left open");
    assert_eq!(open_details, 0, "a <details> block is left open");
}

#[test]
fn huge_plan_fits_comment_limit() {
    let inventory = TestInventory::example();
    let big = inflate_plan(&inventory, 500_000);
    let standin = GithubStandin::start(TOKEN);
    let mut command = github_command(&inventory, &standin);
    command.args(["github", "comment", "--plan"]).arg(&big);
    let (code, _, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("are not shown there"), "{stderr}");

    let comments = standin.comments(PULL_REQUEST);
    assert_eq!(comments.len(), 1);
    let body = &comments[0].body;
    let characters = body.chars().count();
    let utf16 = body.encode_utf16().count() + body.matches('\n').count();
    assert!(utf16 <= 65_536, "{utf16} counted characters");
    assert!(characters > 10_000, "the destroys are shown: {characters}");
    assert_balanced(body);
    assert!(body.contains("### Vanta plan for `acme-production`"));
    assert!(body.contains("> [!WARNING]"));
    assert!(body.contains("| `internal-servers` |"));
    assert!(body.contains("<summary>Destroy"), "destroys are kept first");
    // Creates are split into numbered sections; the first ones fit, the last are dropped.
    let create_parts = body.matches("<summary>Create").count();
    assert!(create_parts >= 1, "the first creates are kept");
    let total: usize = body
        .split("<summary>Create")
        .nth(1)
        .and_then(|rest| rest.split(" of ").nth(1))
        .and_then(|rest| rest.split('<').next())
        .and_then(|number| number.trim().parse().ok())
        .expect("the create sections are numbered");
    assert!(
        create_parts < total,
        "later create sections are dropped first"
    );
    assert!(body.contains("changes not shown here"), "{body}");
    assert!(body.contains("job summary and the plan artifact"));
    assert!(
        body.trim_end().ends_with('`'),
        "the digest footer stays last"
    );
}

#[test]
fn summary_holds_whole_plan() {
    let inventory = TestInventory::example();
    let big = inflate_plan(&inventory, 500_000);
    let summary = inventory.path().join("summary.md");
    std::fs::write(&summary, "## Validate\n\nNo problems.\n").unwrap();
    let standin = GithubStandin::start(TOKEN);
    let mut command = github_command(&inventory, &standin);
    command
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["github", "summary", "--plan"])
        .arg(&big);
    let (code, _, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("## Validate\n\nNo problems.\n\n### Vanta plan"));
    assert!(text.len() <= 1_048_576);
    assert!(text.len() > 500_000);
    assert!(!text.contains("not shown"));
    assert_balanced(&text);
    assert!(standin.requests().is_empty(), "the summary sends nothing");
}

#[test]
fn summary_over_one_mebibyte_is_cut_by_section() {
    let inventory = TestInventory::example();
    let big = inflate_plan(&inventory, 1_200_000);
    let summary = inventory.path().join("summary.md");
    let mut command = inventory.command();
    command
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["github", "summary", "--plan"])
        .arg(&big);
    let (code, _, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.len() <= 1_048_576, "{} bytes", text.len());
    assert!(text.contains("changes not shown here"));
    assert!(text.contains("plan artifact"));
    assert_balanced(&text);
}

#[test]
fn full_summary_is_an_error() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let summary = inventory.path().join("summary.md");
    std::fs::write(&summary, "x".repeat(1_048_500)).unwrap();
    let mut command = inventory.command();
    command
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["github", "summary", "--plan", "plan.json"]);
    let (code, _, stderr) = run(command);
    assert_eq!(code, 1);
    assert!(stderr.contains("has no room left for the plan"), "{stderr}");
    assert_eq!(std::fs::metadata(&summary).unwrap().len(), 1_048_500);
}

#[test]
fn failed_post_exits_one_with_message() {
    for (status, message) in [
        (403, "Resource not accessible by integration"),
        (500, "Server Error"),
    ] {
        let inventory = TestInventory::example();
        save_plan(&inventory);
        let standin = GithubStandin::start(TOKEN);
        standin.fail_writes(status, message);
        let (code, stdout, stderr) = comment(&inventory, &standin);
        assert_eq!(code, 1, "{stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(&format!("HTTP {status}")), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
        assert!(stderr.contains("pull request #7"), "{stderr}");
        assert!(
            stderr.contains("[REDACTED]"),
            "the echoed header is masked: {stderr}"
        );
        assert!(standin.comments(PULL_REQUEST).is_empty());
    }
}

#[test]
fn wrong_token_reports_bad_credentials() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start("another-token");
    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 1);
    assert!(stderr.contains("HTTP 401"), "{stderr}");
    assert!(stderr.contains("Bad credentials"), "{stderr}");
}

#[test]
fn missing_settings_are_named() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    let cases: [(&str, &str); 3] = [
        ("GITHUB_TOKEN", "`GITHUB_TOKEN` is not set"),
        ("GITHUB_REPOSITORY", "`GITHUB_REPOSITORY` is not set"),
        ("GITHUB_EVENT_PATH", "pass `--pr N`"),
    ];
    for (variable, expected) in cases {
        let mut command = github_command(&inventory, &standin);
        command
            .env_remove(variable)
            .args(["github", "comment", "--plan", "plan.json"]);
        let (code, _, stderr) = run(command);
        assert_eq!(code, 1, "{variable}");
        assert!(stderr.contains(expected), "{variable}: {stderr}");
    }
    assert!(standin.requests().is_empty());
}

#[test]
fn pr_flag_replaces_event_file() {
    let inventory = TestInventory::example();
    save_plan(&inventory);
    let standin = GithubStandin::start(TOKEN);
    let mut command = github_command(&inventory, &standin);
    command.env_remove("GITHUB_EVENT_PATH").args([
        "github",
        "comment",
        "--plan",
        "plan.json",
        "--pr",
        "12",
    ]);
    let (code, _, stderr) = run(command);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(standin.comments(12).len(), 1);
}

#[test]
fn invalid_plan_file_is_rejected() {
    let inventory = TestInventory::example();
    inventory.write("plan.json", "{\"not\": \"a plan\"}");
    let standin = GithubStandin::start(TOKEN);
    let (code, _, stderr) = comment(&inventory, &standin);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("is not a plan saved with `plan --out`"),
        "{stderr}"
    );
    assert!(standin.requests().is_empty());
}

fn load_yaml(relative: &str) -> Yaml {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut documents = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|error| panic!("{relative} is not valid YAML: {error}"));
    assert_eq!(documents.len(), 1, "{relative} holds one document");
    documents.remove(0)
}

/// Checks the keys every workflow needs and returns its jobs.
fn check_workflow(relative: &str) -> Yaml {
    let workflow = load_yaml(relative);
    assert!(workflow["name"].as_str().is_some(), "{relative}: name");
    assert!(!workflow["on"].is_badvalue(), "{relative}: on");
    let jobs = workflow["jobs"]
        .as_hash()
        .unwrap_or_else(|| panic!("{relative}: jobs"));
    assert!(!jobs.is_empty(), "{relative}: at least one job");
    for (name, job) in jobs {
        let name = name.as_str().unwrap();
        assert!(
            job["runs-on"].as_str().is_some(),
            "{relative}: {name}.runs-on"
        );
        let steps = job["steps"]
            .as_vec()
            .unwrap_or_else(|| panic!("{relative}: {name}.steps"));
        assert!(!steps.is_empty(), "{relative}: {name} has steps");
        for step in steps {
            let runs = step["run"].as_str().is_some();
            let uses = step["uses"].as_str().is_some();
            assert!(
                runs != uses,
                "{relative}: {name}: each step has run or uses"
            );
        }
    }
    workflow
}

fn read_text(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap()
}

/// Returns the step of the first job that runs this repository's action.
fn action_step(workflow: &Yaml) -> Yaml {
    let jobs = workflow["jobs"].as_hash().unwrap();
    let steps = jobs.values().next().unwrap()["steps"].as_vec().unwrap();
    steps
        .iter()
        .find(|step| step["uses"].as_str() == Some("./"))
        .expect("a step runs the action")
        .clone()
}

/// Returns the `uses` of every step of every job.
fn used_actions(workflow: &Yaml) -> Vec<String> {
    let jobs = workflow["jobs"].as_hash().unwrap();
    jobs.values()
        .flat_map(|job| job["steps"].as_vec().unwrap().iter())
        .filter_map(|step| step["uses"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn plan_workflow_is_valid() {
    let workflow = check_workflow(".github/workflows/plan.yml");
    assert!(!workflow["on"]["pull_request"].is_badvalue());
    assert_eq!(
        workflow["permissions"]["pull-requests"].as_str(),
        Some("write")
    );
    let step = action_step(&workflow);
    assert_eq!(step["with"]["command"].as_str(), Some("plan"));
    assert_eq!(step["with"]["plan-file"].as_str(), Some("plan.json"));
    assert!(
        step["env"]["VANTA_CLIENT_SECRET"]
            .as_str()
            .unwrap()
            .contains("secrets.")
    );
    assert!(used_actions(&workflow).contains(&"actions/upload-artifact@v4".to_string()));
    assert_eq!(
        workflow["env"]["VANTA_GITOPS_ARGS"].as_str(),
        Some("--sandbox")
    );
}

#[test]
fn action_runs_plan_comment_and_apply() {
    let text = read_text("action.yml");
    for expected in [
        "validate \"$INVENTORY\" --format github",
        "--detailed-exitcode --out \"$PLAN_FILE\"",
        "2) echo \"has-changes=true\"",
        "github summary --plan",
        "github comment --plan",
        "apply \"$INVENTORY\" --auto-approve --record \"$RECORD_FILE\"",
        "cargo install --locked --path",
        "actions/cache@v4",
    ] {
        assert!(text.contains(expected), "action.yml runs `{expected}`");
    }
}

/// Returns the `run` script of a step, found by name, of the action's composite steps.
fn action_script(name: &str) -> String {
    let action = load_yaml("action.yml");
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let step = steps
        .iter()
        .find(|step| step["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("the action has a step `{name}`"));
    step["run"].as_str().unwrap().to_string()
}

#[cfg(unix)]
/// Runs the action's plan script on an inventory the way the runner does, with the real
/// binary on the PATH, and returns its exit code and the outputs it set.
fn run_plan_script(inventory: &TestInventory) -> (i32, String) {
    let binary = assert_cmd::cargo::cargo_bin("vanta-gitops");
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let outputs = inventory.path().join("outputs.txt");
    std::fs::write(&outputs, "").unwrap();
    inventory.write("plan-step.sh", &action_script("Plan"));
    let status = std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "plan-step.sh"])
        .current_dir(inventory.path())
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &outputs)
        .env("INVENTORY", ".")
        .env("ARGS", "--sandbox")
        .env("PLAN_FILE", "plan.json")
        .env("NO_COLOR", "1")
        .env_remove("VANTA_API_URL")
        .output()
        .unwrap()
        .status;
    (
        status.code().unwrap_or(-1),
        std::fs::read_to_string(outputs).unwrap(),
    )
}

#[cfg(unix)]
#[test]
fn action_plan_script_handles_exit_codes() {
    let inventory = TestInventory::example();
    let (code, outputs) = run_plan_script(&inventory);
    assert_eq!(code, 0, "changes are a success: {outputs}");
    assert!(outputs.contains("exitcode=2\n"), "{outputs}");
    assert!(outputs.contains("has-changes=true\n"), "{outputs}");
    assert!(outputs.contains("plan-file=plan.json\n"), "{outputs}");
    assert!(inventory.path().join("plan.json").exists());

    inventory
        .command()
        .args(["apply", ".", "--sandbox", "--auto-approve"])
        .assert()
        .success();
    let (code, outputs) = run_plan_script(&inventory);
    assert_eq!(code, 0, "{outputs}");
    assert!(outputs.contains("exitcode=0\n"), "{outputs}");
    assert!(outputs.contains("has-changes=false\n"), "{outputs}");

    inventory.write("broken.yaml", "apiVersion: vanta-gitops/v1\nkind: Bogus\n");
    let (code, outputs) = run_plan_script(&inventory);
    assert_eq!(code, 1, "a failed plan fails the step: {outputs}");
    assert!(outputs.contains("exitcode=1\n"), "{outputs}");
    assert!(!outputs.contains("plan-file="), "{outputs}");
}

#[test]
fn apply_workflow_never_cancels_apply() {
    let workflow = check_workflow(".github/workflows/apply.yml");
    let branches = workflow["on"]["push"]["branches"].as_vec().unwrap();
    assert!(branches.contains(&Yaml::String("main".to_string())));
    let concurrency = &workflow["concurrency"];
    assert!(concurrency["group"].as_str().is_some(), "concurrency.group");
    assert_eq!(
        concurrency["cancel-in-progress"].as_bool(),
        Some(false),
        "a running apply must never be cancelled"
    );
    let step = action_step(&workflow);
    assert_eq!(step["with"]["command"].as_str(), Some("apply"));
    assert_eq!(
        step["with"]["record-file"].as_str(),
        Some("apply-record.json")
    );
    assert!(used_actions(&workflow).contains(&"actions/upload-artifact@v4".to_string()));
}

#[test]
fn drift_workflow_runs_on_schedule() {
    let workflow = check_workflow(".github/workflows/drift.yml");
    let schedule = workflow["on"]["schedule"].as_vec().unwrap();
    assert!(schedule[0]["cron"].as_str().is_some());
    assert_eq!(workflow["permissions"]["issues"].as_str(), Some("write"));
    let step = action_step(&workflow);
    assert_eq!(step["with"]["comment"].as_str(), Some("false"));
    let text = read_text(".github/workflows/drift.yml");
    assert!(text.contains("gh issue create"));
    assert!(text.contains("gh issue close"));
}

#[cfg(unix)]
/// A stand-in for the `gh` CLI: it logs its arguments and prints `FAKE_ISSUES` filtered by
/// the `--jq` expression for `gh issue list`, as the real one does with the API's response.
const FAKE_GH: &str = r#"#!/bin/bash
printf '%s\n' "$*" >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then
  while [ $# -gt 0 ]; do
    if [ "$1" = "--jq" ]; then printf '%s' "$FAKE_ISSUES" | jq -r "$2"; fi
    shift
  done
fi
"#;

#[cfg(unix)]
#[test]
#[expect(
    clippy::print_stdout,
    reason = "a skipped test must be visible in the test output"
)]
fn drift_script_opens_updates_and_closes() {
    if std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("drift script test skipped: it needs `jq` on the PATH, as GitHub's runners have");
        return;
    }
    let workflow = load_yaml(".github/workflows/drift.yml");
    let steps = workflow["jobs"]["drift"]["steps"].as_vec().unwrap();
    let script = steps
        .iter()
        .find_map(|step| step["run"].as_str())
        .expect("the drift job runs a script");

    let inventory = TestInventory::example();
    save_plan(&inventory);
    inventory.write("drift.sh", script);
    inventory.write("bin/gh", FAKE_GH);
    let gh = inventory.path().join("bin/gh");
    std::fs::set_permissions(&gh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        inventory.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let open_issue = r#"[{"number":3,"body":"unrelated"},{"number":9,"body":"<!-- vanta-gitops:drift -->\nold"}]"#;
    let no_issue = r#"[{"number":3,"body":"unrelated"}]"#;
    let cases = [
        (
            "true",
            no_issue,
            "issue create --title Vanta differs from main",
        ),
        (
            "true",
            open_issue,
            "issue edit 9 --body-file drift-issue.md",
        ),
        ("false", open_issue, "issue close 9 --comment"),
        ("false", no_issue, ""),
    ];
    for (has_changes, issues, expected) in cases {
        let log = inventory.path().join("gh.log");
        std::fs::write(&log, "").unwrap();
        let output = std::process::Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "drift.sh"])
            .current_dir(inventory.path())
            .env("PATH", &path)
            .env("GH_LOG", &log)
            .env("FAKE_ISSUES", issues)
            .env("HAS_CHANGES", has_changes)
            .env(
                "RUN_URL",
                "https://github.invalid/acme/inventory/actions/runs/1",
            )
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{has_changes} {issues}: {output:?}"
        );
        let calls = std::fs::read_to_string(&log).unwrap();
        let writes: Vec<&str> = calls
            .lines()
            .filter(|call| !call.starts_with("issue list"))
            .collect();
        if expected.is_empty() {
            assert!(writes.is_empty(), "{calls}");
        } else {
            assert_eq!(writes.len(), 1, "{calls}");
            assert!(writes[0].starts_with(expected), "{calls}");
        }
    }
    let body = inventory.read("drift-issue.md");
    assert!(body.starts_with("<!-- vanta-gitops:drift -->\n"), "{body}");
    assert!(
        body.contains("23 to add, 0 to change, 0 to destroy"),
        "{body}"
    );
}

#[test]
fn action_is_composite_with_inputs() {
    let action = load_yaml("action.yml");
    assert!(action["name"].as_str().is_some());
    assert!(action["description"].as_str().is_some());
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for input in ["inventory", "command", "args"] {
        assert!(
            !action["inputs"][input].is_badvalue(),
            "input `{input}` is declared"
        );
    }
    let steps = action["runs"]["steps"].as_vec().unwrap();
    for step in steps {
        if step["run"].as_str().is_some() {
            assert!(
                step["shell"].as_str().is_some(),
                "composite run steps need a shell"
            );
        }
    }
}

#[test]
fn pre_commit_hook_runs_validate() {
    let hooks = load_yaml(".pre-commit-hooks.yaml");
    let hook = &hooks.as_vec().unwrap()[0];
    assert!(hook["id"].as_str().is_some());
    assert!(hook["entry"].as_str().unwrap().contains("validate"));
    assert_eq!(hook["pass_filenames"].as_bool(), Some(false));
    assert!(
        hook["files"].as_str().unwrap().contains("ya?ml"),
        "matches .yaml and .yml"
    );
}

/// Saves the example's plan, changes its file with `edit`, and checks that `github comment`
/// rejects it with `message` and posts nothing.
fn assert_not_published(edit: impl Fn(&str) -> String, message: &str) {
    let inventory = TestInventory::example();
    let path = save_plan(&inventory);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit must change the saved plan");
    std::fs::write(&path, edited).unwrap();
    let standin = GithubStandin::start(TOKEN);
    let mut command = github_command(&inventory, &standin);
    command.args(["github", "comment", "--plan"]).arg(&path);
    let (code, _, stderr) = run(command);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert!(standin.comments(PULL_REQUEST).is_empty());
}

#[test]
fn edited_plan_is_not_published() {
    assert_not_published(
        |text| text.replacen("16384", "99999", 1),
        "was modified after it was made",
    );
}

#[test]
fn older_plan_format_is_not_published() {
    assert_not_published(
        |text| {
            text.replacen(
                "\"format_version\": \"2.0\"",
                "\"format_version\": \"1.0\"",
                1,
            )
        },
        "has plan format version 1.0, but this vanta-gitops reads version 2.x",
    );
}
