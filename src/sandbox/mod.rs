//! A local server that behaves like Vanta's Build Integrations API.
//!
//! It implements the OAuth client-credentials grant with scopes and the one-active-token rule,
//! and the resource endpoints of all twelve base types in both path forms. A PUT replaces the
//! full state, soft-deletes omitted user accounts, and is validated all or nothing with
//! Vanta's error messages. Rate limits, a JSON state file and fault injection complete it. An admin API under `/_sandbox/` lets
//! tests inspect and steer it. Users run it with `vanta-gitops sandbox serve`, and the
//! project's integration tests run against it over loopback HTTP.

mod admin;
mod auth;
mod config;
mod faults;
mod journal;
mod limits;
mod reply;
mod resources;
mod server;
mod state;
mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use admin::is_loopback_peer;
pub use config::{
    Application, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, READ_SCOPE, RateLimit, RateLimits,
    ResourceDecl, SandboxConfig, SeedRecords, WRITE_SCOPE,
};
pub use faults::{FaultAction, FaultRule};
pub use server::{RunningSandbox, start};
pub use state::{StateData, StoredRecord};

/// Errors that stop the sandbox from starting or from persisting its state.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("failed to read sandbox configuration {path}: {source}")]
    ConfigRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid sandbox configuration {path}: {message}")]
    ConfigParse { path: PathBuf, message: String },
    #[error("invalid sandbox configuration: {0}")]
    InvalidConfig(String),
    #[error("failed to read sandbox state {path}: {source}")]
    StateRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sandbox state {path} is not valid: {source}; move it away to start empty")]
    StateParse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "sandbox state {path} has version {found}, this build reads version {expected}; \
         move it away to start empty"
    )]
    StateVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("failed to write sandbox state {path}: {source}")]
    StateWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("sandbox internal error: {0}")]
    Internal(String),
}

/// Runs the sandbox until Ctrl-C, logging its URL and the client ids it accepts (never the
/// secrets).
pub async fn serve(
    config: SandboxConfig,
    state_path: Option<PathBuf>,
    listen: SocketAddr,
) -> Result<(), SandboxError> {
    let client_ids: Vec<String> = config
        .applications
        .iter()
        .map(|application| application.client_id.clone())
        .collect();
    let resource_count = config.resources.len();
    let sandbox = start(config, state_path.clone(), listen).await?;
    tracing::info!(
        url = %sandbox.base_url(),
        client_ids = %client_ids.join(", "),
        resources = resource_count,
        state = %state_path.as_deref().map_or("in memory".into(), |path| path.display().to_string()),
        "sandbox listening; press Ctrl-C to stop"
    );
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(%error, "failed to wait for Ctrl-C; stopping the sandbox");
    }
    tracing::info!("sandbox stopping");
    sandbox.shutdown().await;
    Ok(())
}
