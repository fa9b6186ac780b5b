//! Settings resolved from the command line, the environment and the inventory's Workspace.
//!
//! This is the only module that reads environment variables (clap reads `VANTA_API_URL` for
//! `--api-url`). Credentials never come from command-line arguments, where other users of the
//! machine could read them.

use std::path::Path;
use std::time::Duration;

use crate::inventory::document::Workspace;
use crate::vanta::{Credentials, Secret};

/// The default environment variable of the client id.
pub const CLIENT_ID_ENV: &str = "VANTA_CLIENT_ID";
/// The default environment variable of the client secret.
pub const CLIENT_SECRET_ENV: &str = "VANTA_CLIENT_SECRET";

/// Testing knob: the first retry delay of the Vanta client, in milliseconds (default 1000).
pub const RETRY_BASE_ENV: &str = "VANTA_GITOPS_RETRY_BASE_MS";
/// Testing knob: the timeout of one HTTP request, in milliseconds (default 60000).
pub const REQUEST_TIMEOUT_ENV: &str = "VANTA_GITOPS_REQUEST_TIMEOUT_MS";
/// Testing knob: the longest one request may take with its retries, in milliseconds
/// (default 300000).
pub const DEADLINE_ENV: &str = "VANTA_GITOPS_DEADLINE_MS";

/// A problem with settings, found before any request.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("invalid `{name}` value `{value}`: expected a whole number of milliseconds above 0")]
    InvalidMilliseconds { name: &'static str, value: String },
    #[error("missing Vanta credentials: set `{id_env}` and `{secret_env}`")]
    MissingCredentials { id_env: String, secret_env: String },
    #[error("could not read the credentials file `{path}`: {message}")]
    CredentialsFile { path: String, message: String },
}

/// Reports whether `NO_COLOR` requests output without colours (set and not empty).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// Returns the log filter from `RUST_LOG`, when set.
pub fn log_filter() -> Option<String> {
    std::env::var("RUST_LOG")
        .ok()
        .filter(|value| !value.is_empty())
}

/// Timing overrides of the Vanta client, read from the environment. They exist so that tests
/// of retries and timeouts run in milliseconds; a normal run sets none of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientTiming {
    pub retry_base: Option<Duration>,
    pub request_timeout: Option<Duration>,
    pub deadline: Option<Duration>,
}

/// Reads `VANTA_GITOPS_RETRY_BASE_MS`, `VANTA_GITOPS_REQUEST_TIMEOUT_MS` and
/// `VANTA_GITOPS_DEADLINE_MS`. An empty variable counts as unset.
pub fn client_timing() -> Result<ClientTiming, SettingsError> {
    Ok(ClientTiming {
        retry_base: milliseconds(RETRY_BASE_ENV)?,
        request_timeout: milliseconds(REQUEST_TIMEOUT_ENV)?,
        deadline: milliseconds(DEADLINE_ENV)?,
    })
}

fn milliseconds(name: &'static str) -> Result<Option<Duration>, SettingsError> {
    let Some(value) = std::env::var(name).ok().filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    match value.trim().parse::<u64>() {
        Ok(millis) if millis > 0 => Ok(Some(Duration::from_millis(millis))),
        _ => Err(SettingsError::InvalidMilliseconds { name, value }),
    }
}

/// Returns the API base URL: the command line's, then the Workspace's `baseUrl`, then the
/// Workspace's region, then Vanta's commercial host.
pub fn api_url(from_cli: Option<&str>, workspace: &Workspace) -> String {
    if let Some(url) = from_cli {
        return url.to_string();
    }
    if let Some(url) = &workspace.base_url {
        return url.clone();
    }
    workspace
        .region
        .unwrap_or(crate::inventory::document::Region::Us)
        .base_url()
        .to_string()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    client_id: String,
    client_secret: String,
}

/// Reads the client id and secret: from the file the Workspace names, or from the environment
/// variables it names, by default `VANTA_CLIENT_ID` and `VANTA_CLIENT_SECRET`.
pub fn credentials(workspace: &Workspace, root: &Path) -> Result<Credentials, SettingsError> {
    let source = workspace.credentials.clone().unwrap_or_default();
    if let Some(file) = &source.file {
        let path = root.join(file);
        let display = path.display().to_string();
        let text =
            std::fs::read_to_string(&path).map_err(|error| SettingsError::CredentialsFile {
                path: display.clone(),
                message: error.to_string(),
            })?;
        let parsed: CredentialsFile =
            serde_json::from_str(&text).map_err(|error| SettingsError::CredentialsFile {
                path: display,
                message: format!(
                    "expected JSON with `client_id` and `client_secret` (line {}, column {})",
                    error.line(),
                    error.column()
                ),
            })?;
        return Ok(Credentials {
            client_id: parsed.client_id,
            client_secret: Secret::new(parsed.client_secret),
        });
    }
    let id_env = source
        .client_id_env
        .unwrap_or_else(|| CLIENT_ID_ENV.to_string());
    let secret_env = source
        .client_secret_env
        .unwrap_or_else(|| CLIENT_SECRET_ENV.to_string());
    let read = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    match (read(&id_env), read(&secret_env)) {
        (Some(client_id), Some(secret)) => Ok(Credentials {
            client_id,
            client_secret: Secret::new(secret),
        }),
        _ => Err(SettingsError::MissingCredentials { id_env, secret_env }),
    }
}

/// Returns who runs the command: the GitHub Actions actor, or the local user.
pub fn actor() -> Option<String> {
    ["GITHUB_ACTOR", "USER", "USERNAME"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
}

/// Returns the commit GitHub Actions checked out, when running there.
pub fn commit_from_env() -> Option<String> {
    std::env::var("GITHUB_SHA")
        .ok()
        .filter(|value| !value.is_empty())
}
