//! Shared helpers: a copy of an inventory in a temporary folder, the real binary, and a
//! sandbox server on loopback whose request log tests can read.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;
use vanta_gitops::sandbox::{self, SandboxConfig};

/// Returns the folder of the example inventory in the repository.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/inventory")
}

/// An inventory copied into a temporary folder, so tests can change it freely.
pub struct TestInventory {
    dir: TempDir,
}

impl TestInventory {
    /// Copies the example inventory, without any sandbox state.
    pub fn example() -> TestInventory {
        let inventory = TestInventory::empty();
        copy_tree(&example_dir(), inventory.path());
        inventory
    }

    /// Creates an empty inventory folder.
    pub fn empty() -> TestInventory {
        TestInventory {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the inventory root, creating folders as needed.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Reads a file relative to the inventory root.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    /// Replaces the only occurrence of `from` in a file; panics when it is not exactly once,
    /// so a test never edits nothing silently.
    pub fn replace(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in {relative}"
        );
        self.write(relative, &text.replace(from, to));
    }

    /// Returns the binary, run in the inventory folder with a clean environment.
    pub fn command(&self) -> Command {
        let mut command = Command::cargo_bin("vanta-gitops").unwrap();
        command
            .current_dir(self.path())
            .env_remove("VANTA_API_URL")
            .env_remove("VANTA_CLIENT_ID")
            .env_remove("VANTA_CLIENT_SECRET")
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1");
        command
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == ".vanta-gitops" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A sandbox server on a loopback port, running on its own runtime for the test's lifetime.
pub struct Sandbox {
    runtime: tokio::runtime::Runtime,
    running: Option<sandbox::RunningSandbox>,
    pub url: String,
}

impl Sandbox {
    /// Starts a sandbox that declares every resource of an inventory, with rate limits off.
    pub fn for_inventory(inventory: &TestInventory) -> Sandbox {
        sandbox_with(inventory, |_| {})
    }

    /// Starts a sandbox with a configuration.
    pub fn start(config: SandboxConfig) -> Sandbox {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let running = runtime
            .block_on(sandbox::start(config, None, listen))
            .unwrap();
        let url = running.base_url();
        Sandbox {
            runtime,
            running: Some(running),
            url,
        }
    }

    /// Points a command at this sandbox with its default application's credentials.
    pub fn configure(&self, command: &mut Command) {
        command
            .env("VANTA_API_URL", &self.url)
            .env("VANTA_CLIENT_ID", sandbox::DEFAULT_CLIENT_ID)
            .env("VANTA_CLIENT_SECRET", sandbox::DEFAULT_CLIENT_SECRET);
    }

    /// Returns the requests the sandbox served, as `METHOD path` strings.
    pub fn requests(&self) -> Vec<String> {
        let url = format!("{}/_sandbox/requests", self.url);
        let body: serde_json::Value = self
            .runtime
            .block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() });
        let entries = body
            .get("requests")
            .unwrap_or(&body)
            .as_array()
            .cloned()
            .unwrap_or_default();
        entries
            .iter()
            .map(|entry| {
                format!(
                    "{} {}",
                    entry["method"].as_str().unwrap_or(""),
                    entry["path"].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    /// Returns how many requests used a method.
    pub fn count(&self, method: &str) -> usize {
        self.requests()
            .iter()
            .filter(|line| line.starts_with(&format!("{method} ")))
            .count()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}

impl Sandbox {
    /// Replaces the stored records of a resource through the admin API, as if a PUT had sent
    /// them. Records may carry `deletedAt` to seed a soft-deleted account.
    pub fn seed(&self, resource_id: &str, records: Vec<serde_json::Value>) {
        let url = format!("{}/_sandbox/seed", self.url);
        let body = serde_json::json!({ "resourceId": resource_id, "records": records });
        let status = self.runtime.block_on(async {
            reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        });
        assert!(
            status.is_success(),
            "seeding {resource_id} failed: {status}"
        );
    }
}

/// Starts a sandbox that declares every resource of an inventory, with rate limits off, after
/// `adjust` changed its configuration (to add faults, seeds or a short token lifetime).
pub fn sandbox_with(inventory: &TestInventory, adjust: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let (loaded, diagnostics) = vanta_gitops::inventory::load(inventory.path()).unwrap();
    assert!(!diagnostics.has_errors(), "the inventory must be valid");
    let mut config = SandboxConfig {
        rate_limits: sandbox::RateLimits::disabled(),
        ..SandboxConfig::default()
    };
    for resource in &loaded.resources {
        config.declare(sandbox::ResourceDecl {
            resource_id: resource.resource_id.clone(),
            base_type: resource.base_type,
            custom_properties: resource.custom_properties.clone(),
        });
    }
    adjust(&mut config);
    Sandbox::start(config)
}

impl Sandbox {
    /// Adds fault rules (one rule or an array, in the admin API's JSON form).
    pub fn add_faults(&self, rules: serde_json::Value) {
        let status = self.admin_post("/_sandbox/faults", &rules);
        assert_eq!(status, 200, "the sandbox rejected the faults {rules}");
    }

    /// Returns the request journal: method, path, query, status and fault of each request.
    pub fn journal(&self) -> Vec<serde_json::Value> {
        let url = format!("{}/_sandbox/requests", self.url);
        let body: serde_json::Value = self
            .runtime
            .block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() });
        body["requests"].as_array().cloned().unwrap_or_default()
    }

    /// Returns the fault rules with their counters: `matched` requests and times `fired`.
    pub fn faults(&self) -> Vec<serde_json::Value> {
        let url = format!("{}/_sandbox/faults", self.url);
        let body: serde_json::Value = self
            .runtime
            .block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() });
        body["faults"].as_array().cloned().unwrap_or_default()
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        let url = format!("{}/_sandbox/faults", self.url);
        self.runtime.block_on(async {
            reqwest::Client::new().delete(url).send().await.unwrap();
        });
    }

    /// Forgets the requests served so far.
    pub fn clear_requests(&self) {
        let url = format!("{}/_sandbox/requests", self.url);
        self.runtime.block_on(async {
            reqwest::Client::new().delete(url).send().await.unwrap();
        });
    }

    /// Returns the stored records of a resource of the default application, as the state
    /// file stores them: `{"record": {...}, "createdAt", "updatedAt", "deletedAt"}`.
    pub fn stored(&self, resource_id: &str) -> Vec<serde_json::Value> {
        let url = format!("{}/_sandbox/state", self.url);
        let body: serde_json::Value = self
            .runtime
            .block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() });
        body["applications"][sandbox::DEFAULT_CLIENT_ID][resource_id]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Requests an access token for the default application, as another process would.
    pub fn mint_token(&self) -> String {
        let url = format!("{}/oauth/token", self.url);
        let body = serde_json::json!({
            "client_id": sandbox::DEFAULT_CLIENT_ID,
            "client_secret": sandbox::DEFAULT_CLIENT_SECRET,
            "grant_type": "client_credentials",
        });
        let response: serde_json::Value = self.runtime.block_on(async {
            reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        response["access_token"].as_str().unwrap().to_string()
    }

    fn admin_post(&self, path: &str, body: &serde_json::Value) -> u16 {
        let url = format!("{}{path}", self.url);
        self.runtime.block_on(async {
            reqwest::Client::new()
                .post(url)
                .json(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    }
}

/// Returns the folder of a fixture inventory under `tests/fixtures/inventory`.
pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inventory")
        .join(name)
}

/// Copies a fixture inventory into a temporary folder.
pub fn fixture_inventory(name: &str) -> TestInventory {
    let inventory = TestInventory::empty();
    copy_tree(&fixture_dir(name), inventory.path());
    inventory
}

/// Returns the sandbox's stored state (`GET /_sandbox/state`) as JSON.
pub fn sandbox_state(sandbox: &Sandbox) -> serde_json::Value {
    let url = format!("{}/_sandbox/state", sandbox.url);
    sandbox
        .runtime
        .block_on(async { reqwest::get(url).await.unwrap().json().await.unwrap() })
}
