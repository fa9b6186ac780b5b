//! Scale benchmark: validate, plan and apply synthetic inventories of 1k, 10k and 100k records
//! with the release binary against a sandbox on loopback, and compare plan time with the
//! parsing floor measured in the same run.
//!
//! Run with `cargo bench --bench scale`. `VANTA_GITOPS_BENCH_SIZES=1000,10000` picks sizes.
//! Wall time and peak memory of each command come from `/usr/bin/time`; request counts come
//! from the sandbox's request log. The floor is the fastest parse of the same YAML that keeps
//! a line and column for every value (yaml-rust2's event parser, which reports a marker per
//! event) plus the parse of the GET responses into the client's response type.

#![expect(clippy::print_stdout, reason = "a benchmark prints its report")]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use vanta_gitops::plan::model::{Action, FieldChange, Plan, RecordChange, ResourcePlan, Summary};
use vanta_gitops::sandbox::{self, SandboxConfig};
use vanta_gitops::schema::base::BaseType;
use vanta_gitops::synthetic::{Spec, generate};

const BINARY: &str = env!("CARGO_BIN_EXE_vanta-gitops");

fn main() {
    let sizes: Vec<usize> = std::env::var("VANTA_GITOPS_BENCH_SIZES")
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|size| size.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!();
    println!(
        "| records | YAML MB | GET MB | validate s | plan s | floor s | plan/floor | plan peak MB | peak/(YAML+GET) | apply s | apply peak MB | plan requests | apply requests |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
    let mut last_dir = None;
    for size in sizes {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let spec = Spec {
            records: size,
            files_per_resource: (size / 2_000).max(2),
            ..Spec::default()
        };
        let generated = generate(&spec, dir.path()).expect("generated inventory");
        let pristine = dir.path().join("pristine-state.json");
        std::fs::copy(&generated.state, &pristine).expect("a copy of the state");

        let validate = measure(Command::new(BINARY).args(["validate"]).arg(dir.path()));

        let server = Server::start(&runtime, dir.path(), &pristine);
        let get_bytes = server.get_bodies(&runtime);
        let mut plan_command = Command::new(BINARY);
        server.configure(plan_command.args(["plan", "--no-color"]).arg(dir.path()));
        // The first run's requests are counted; the other runs only time the plan.
        let first = measure(&mut plan_command);
        let plan_requests = server.request_counts(&runtime);
        let rest = measure_best(RUNS - 1, &mut plan_command);
        let plan = Measured {
            seconds: first.seconds.min(rest.seconds),
            peak_mb: first.peak_mb.max(rest.peak_mb),
        };
        server.stop(&runtime);

        let floor = floor_seconds(dir.path(), &get_bytes);

        let server = Server::start(&runtime, dir.path(), &pristine);
        let apply = measure(
            server.configure(
                Command::new(BINARY)
                    .args(["apply", "--auto-approve", "--allow-destroy", "--no-color"])
                    .arg(dir.path()),
            ),
        );
        let apply_requests = server.request_counts(&runtime);
        server.stop(&runtime);

        let yaml_mb = generated.yaml_bytes as f64 / 1e6;
        let get_mb = get_bytes.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
        println!(
            "| {size} | {yaml_mb:.1} | {get_mb:.1} | {:.3} | {:.3} | {floor:.3} | {:.2} | {:.0} | {:.2} | {:.3} | {:.0} | {plan_requests} | {apply_requests} |",
            validate.seconds,
            plan.seconds,
            plan.seconds / floor,
            plan.peak_mb,
            plan.peak_mb / (yaml_mb + get_mb),
            apply.seconds,
            apply.peak_mb,
        );
        last_dir = Some((dir, plan.seconds));
    }
    println!();
    let render = render_seconds(10_000);
    println!("text rendering of a plan with 10,000 changes: {render:.3} s");
    if let Some((dir, plan_seconds)) = &last_dir {
        pyyaml_comparison(dir.path(), *plan_seconds);
    }
}

/// How many times each plan runs. The report takes the fastest run's time, as for the floor,
/// and the largest peak memory of all runs.
const RUNS: usize = 3;

struct Measured {
    seconds: f64,
    peak_mb: f64,
}

/// Runs a command `runs` times and returns the fastest wall time and the largest peak memory.
fn measure_best(runs: usize, command: &mut Command) -> Measured {
    let mut best = Measured {
        seconds: f64::INFINITY,
        peak_mb: 0.0,
    };
    for _ in 0..runs {
        let run = measure(command);
        best.seconds = best.seconds.min(run.seconds);
        best.peak_mb = best.peak_mb.max(run.peak_mb);
    }
    best
}

/// Runs a command under `/usr/bin/time` and returns its wall time and peak resident memory.
fn measure(command: &mut Command) -> Measured {
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(ToOwned::to_owned).collect();
    let envs: Vec<_> = command
        .get_envs()
        .map(|(k, v)| (k.to_owned(), v.map(ToOwned::to_owned)))
        .collect();
    let report = tempfile::NamedTempFile::new().expect("a report file");
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(report.path())
        .arg(program)
        .args(args);
    for (key, value) in envs {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    let output = timed.output().expect("the command runs");
    let status = output.status.code().unwrap_or(-1);
    assert!(
        status == 0 || status == 2,
        "command failed with {status}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(report.path()).unwrap_or_default();
    let mut fields = text.split_whitespace();
    let seconds = fields
        .next()
        .and_then(|field| field.parse().ok())
        .unwrap_or(f64::NAN);
    let peak_kb: f64 = fields
        .next()
        .and_then(|field| field.parse().ok())
        .unwrap_or(f64::NAN);
    Measured {
        seconds,
        peak_mb: peak_kb / 1024.0,
    }
}

/// A sandbox on loopback serving a copy of the generated state.
struct Server {
    running: sandbox::RunningSandbox,
    url: String,
    resource_ids: Vec<(BaseType, String)>,
}

impl Server {
    fn start(runtime: &tokio::runtime::Runtime, inventory: &Path, pristine: &Path) -> Server {
        let state = inventory.join(".vanta-gitops/bench-state.json");
        std::fs::copy(pristine, &state).expect("a fresh state");
        let (loaded, _) = vanta_gitops::inventory::load(inventory).expect("the inventory loads");
        let mut config = SandboxConfig {
            rate_limits: sandbox::RateLimits::disabled(),
            max_body_bytes: 1 << 30,
            ..SandboxConfig::default()
        };
        let mut resource_ids = Vec::new();
        for resource in &loaded.resources {
            resource_ids.push((resource.base_type, resource.resource_id.clone()));
            config.declare(sandbox::ResourceDecl {
                resource_id: resource.resource_id.clone(),
                base_type: resource.base_type,
                custom_properties: resource.custom_properties.clone(),
            });
        }
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let running = runtime
            .block_on(sandbox::start(config, Some(state), listen))
            .expect("the sandbox starts");
        let url = running.base_url();
        Server {
            running,
            url,
            resource_ids,
        }
    }

    fn configure<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command
            .env("VANTA_API_URL", &self.url)
            .env("VANTA_CLIENT_ID", sandbox::DEFAULT_CLIENT_ID)
            .env("VANTA_CLIENT_SECRET", sandbox::DEFAULT_CLIENT_SECRET)
            .env("NO_COLOR", "1")
    }

    /// Fetches each resource's GET response once, outside any timing, for the floor.
    fn get_bodies(&self, runtime: &tokio::runtime::Runtime) -> Vec<Vec<u8>> {
        runtime.block_on(async {
            let client = reqwest::Client::new();
            let token: serde_json::Value = client
                .post(format!("{}/oauth/token", self.url))
                .json(&serde_json::json!({
                    "client_id": sandbox::DEFAULT_CLIENT_ID,
                    "client_secret": sandbox::DEFAULT_CLIENT_SECRET,
                    "scope": sandbox::READ_SCOPE,
                    "grant_type": "client_credentials",
                }))
                .send()
                .await
                .expect("a token")
                .json()
                .await
                .expect("a token body");
            let token = token["access_token"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let mut bodies = Vec::new();
            for (base, id) in &self.resource_ids {
                let body = client
                    .get(format!("{}/v1/resources/{}", self.url, base.path_segment()))
                    .query(&[("resourceId", id)])
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("a response")
                    .bytes()
                    .await
                    .expect("a body");
                bodies.push(body.to_vec());
            }
            let _ = client
                .delete(format!("{}/_sandbox/requests", self.url))
                .send()
                .await;
            bodies
        })
    }

    /// Returns the requests served since the last clear, counted by kind.
    fn request_counts(&self, runtime: &tokio::runtime::Runtime) -> String {
        let body: serde_json::Value = runtime.block_on(async {
            reqwest::get(format!("{}/_sandbox/requests", self.url))
                .await
                .expect("the request log")
                .json()
                .await
                .expect("a JSON log")
        });
        let mut counts = std::collections::BTreeMap::new();
        for entry in body["requests"].as_array().into_iter().flatten() {
            let kind = match (entry["method"].as_str(), entry["path"].as_str()) {
                (Some("POST"), Some("/oauth/token")) => "token",
                (Some(method), _) => method,
                _ => "?",
            };
            *counts.entry(kind.to_string()).or_insert(0) += 1;
        }
        counts
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn stop(self, runtime: &tokio::runtime::Runtime) {
        runtime.block_on(self.running.shutdown());
    }
}

/// Times the floor: every YAML file read and parsed into events with positions, plus every
/// GET response parsed into the client's response shape. Best of three.
fn floor_seconds(inventory: &Path, bodies: &[Vec<u8>]) -> f64 {
    let files = yaml_files(inventory);
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let mut events = 0usize;
        for file in &files {
            let text = std::fs::read_to_string(file).expect("a YAML file");
            let mut parser = yaml_rust2::parser::Parser::new_from_str(&text);
            loop {
                match parser.next_token() {
                    Ok((yaml_rust2::Event::StreamEnd, _)) | Err(_) => break,
                    Ok((_, marker)) => events += marker.line() & 1,
                }
            }
        }
        for body in bodies {
            let parsed: ListResponse = serde_json::from_slice(body).expect("a resource list");
            events += parsed.resources.len();
        }
        std::hint::black_box(events);
        best = best.min(start.elapsed().as_secs_f64());
    }
    best
}

#[derive(serde::Deserialize)]
struct ListResponse {
    resources: Vec<serde_json::Map<String, serde_json::Value>>,
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).expect("a folder").flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if path.is_dir() && !hidden {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|extension| extension == "yaml")
            {
                files.push(path);
            }
        }
    }
    files
}

/// Times text rendering of a plan with `changes` updates. Best of three.
fn render_seconds(changes: usize) -> f64 {
    let records = (0..changes)
        .map(|index| RecordChange {
            unique_id: format!("user-{index:07}"),
            action: Action::Update,
            source: None,
            fields: vec![FieldChange {
                path: vec!["permissionLevel".into()],
                before: Some("BASE".into()),
                after: Some("EDITOR".into()),
                sensitive: false,
                elements: Vec::new(),
            }],
            unchanged: Vec::new(),
        })
        .collect();
    let summary = Summary {
        change: changes,
        ..Summary::default()
    };
    let plan = Plan {
        format_version: "1.0".into(),
        workspace: None,
        api_url: "http://127.0.0.1".into(),
        summary,
        resources: vec![ResourcePlan {
            name: "users".into(),
            base_type: BaseType::UserAccount,
            resource_id: "id".into(),
            managed: true,
            summary,
            remote_live: changes,
            remote_digest: String::new(),
            desired_digest: String::new(),
            changes: records,
            sources: Vec::new(),
        }],
        custom_tests: Vec::new(),
        warnings: Vec::new(),
        inventory: None,
        plan_digest: String::new(),
    };
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let text = vanta_gitops::plan::render::text::render(&plan, Default::default());
        std::hint::black_box(text.len());
        best = best.min(start.elapsed().as_secs_f64());
    }
    best
}

/// Times the same plan done by a short Python script with PyYAML's C loader, when Python and
/// PyYAML with libyaml are installed.
fn pyyaml_comparison(inventory: &Path, plan_seconds: f64) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/pyyaml_plan.py");
    let state = inventory.join(".vanta-gitops/sandbox.json");
    let mut python = f64::INFINITY;
    for _ in 0..2 {
        let start = Instant::now();
        let output = Command::new("python3")
            .arg(&script)
            .arg(inventory)
            .arg(&state)
            .output();
        if !output.is_ok_and(|output| output.status.success()) {
            println!("PyYAML comparison skipped: python3 with PyYAML and libyaml is not available");
            return;
        }
        python = python.min(start.elapsed().as_secs_f64());
    }
    let in_process = measure_best(
        RUNS,
        Command::new(BINARY)
            .args(["plan", "--sandbox", "--no-color"])
            .arg(inventory),
    );
    println!(
        "PyYAML (C loader) plan of the largest inventory: {python:.2} s (best of 2); vanta-gitops plan against the sandbox on loopback: {plan_seconds:.2} s ({:.1}x faster); plan --sandbox, which also loads the state into an in-process sandbox: {:.2} s ({:.1}x faster)",
        python / plan_seconds,
        in_process.seconds,
        python / in_process.seconds
    );
}
