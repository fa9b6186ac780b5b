//! Connecting to Vanta or to an in-process sandbox, and reading the current records.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::task::JoinSet;

use crate::cli::RemoteArgs;
use crate::inventory::{Inventory, ResourceDef};
use crate::sandbox::{self, RunningSandbox, SandboxConfig};
use crate::settings;
use crate::vanta::{Client, ClientOptions, Credentials, RateLimit, RemoteSet, Scope, Secret};

/// The folder, inside the inventory, where `--sandbox` keeps its state.
pub const SANDBOX_DIR: &str = ".vanta-gitops";

/// A client, and the sandbox it talks to when `--sandbox` was given.
pub struct Connection {
    pub client: Arc<Client>,
    sandbox: Option<RunningSandbox>,
}

impl Connection {
    /// Reports whether the connection goes to the in-process sandbox.
    pub fn is_sandbox(&self) -> bool {
        self.sandbox.is_some()
    }

    /// Stops the sandbox, if one runs.
    pub async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

/// Builds the sandbox configuration that declares every resource of the inventory.
pub fn sandbox_config(inventory: &Inventory) -> SandboxConfig {
    let mut config = SandboxConfig::default();
    for resource in &inventory.resources {
        config.declare(sandbox::ResourceDecl {
            resource_id: resource.resource_id.clone(),
            base_type: resource.base_type,
            custom_properties: resource.custom_properties.clone(),
        });
    }
    config
}

/// Connects to the API that `remote` names: the in-process sandbox, `--api-url`, or the
/// Workspace's region.
pub async fn connect(
    inventory: &Inventory,
    remote: &RemoteArgs,
    scope: Scope,
) -> anyhow::Result<Connection> {
    let workspace = &inventory.workspace;
    let (base_url, credentials, sandbox) = if remote.sandbox {
        let state_dir = inventory.root.join(SANDBOX_DIR);
        std::fs::create_dir_all(&state_dir)
            .with_context(|| format!("could not create `{}`", state_dir.display()))?;
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let running = sandbox::start(
            sandbox_config(inventory),
            Some(state_dir.join("sandbox.json")),
            listen,
        )
        .await
        .context("could not start the sandbox")?;
        let credentials = Credentials {
            client_id: sandbox::DEFAULT_CLIENT_ID.to_string(),
            client_secret: Secret::new(sandbox::DEFAULT_CLIENT_SECRET),
        };
        tracing::debug!(url = %running.base_url(), "sandbox started");
        (running.base_url(), credentials, Some(running))
    } else {
        let url = settings::api_url(remote.api_url.as_deref(), workspace);
        let credentials = settings::credentials(workspace, &inventory.root)?;
        (url, credentials, None)
    };
    let mut options = ClientOptions::new(base_url, credentials, scope);
    let timing = settings::client_timing()?;
    if let Some(base) = timing.retry_base {
        options.backoff_base = base;
    }
    if let Some(timeout) = timing.request_timeout {
        options.request_timeout = timeout;
    }
    if let Some(deadline) = timing.deadline {
        options.deadline = deadline;
    }
    if let Some(limits) = workspace.policy.rate_limits {
        let minute = Duration::from_secs(60);
        if let Some(requests) = limits.token_requests_per_minute {
            options.token_limit = RateLimit {
                requests,
                window: minute,
            };
        }
        if let Some(requests) = limits.resource_requests_per_minute {
            options.resource_limit = RateLimit {
                requests,
                window: minute,
            };
        }
    }
    // NOTE: the pacers count this process's requests only. Vanta counts per application, so
    // runs started within the same minute can still meet a 429, which the client retries.
    let client = Client::new(options)?;
    Ok(Connection {
        client: Arc::new(client),
        sandbox,
    })
}

/// Reads the current records of each resource, concurrently within the client's pacing.
/// Fails when any resource could not be read completely.
pub async fn fetch(
    client: &Arc<Client>,
    resources: &[&ResourceDef],
) -> anyhow::Result<Vec<RemoteSet>> {
    let mut tasks = JoinSet::new();
    for (index, resource) in resources.iter().enumerate() {
        let client = Arc::clone(client);
        let base = resource.base_type;
        let resource_id = resource.resource_id.clone();
        let name = resource.name.clone();
        let schema = resource.schema.clone();
        tasks.spawn(async move {
            let result = client
                .list(base, &resource_id, &schema)
                .await
                .with_context(|| {
                    format!("could not read the current records of resource `{name}`")
                });
            (index, result)
        });
    }
    let mut sets: Vec<Option<RemoteSet>> = vec![None; resources.len()];
    while let Some(joined) = tasks.join_next().await {
        let (index, result) = joined.context("a read task failed")?;
        sets[index] = Some(result?);
    }
    Ok(sets
        .into_iter()
        .map(|set| set.expect("every task reported"))
        .collect())
}
