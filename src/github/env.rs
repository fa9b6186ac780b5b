//! The GitHub Actions environment: the variables a workflow run sets.
//!
//! Besides `settings.rs`, this is the only place that reads environment variables. The
//! GitHub variables are read here so that every GitHub-specific setting sits next to the code
//! that uses it.

use std::path::PathBuf;

use crate::vanta::Secret;

/// The REST API of github.com, used when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The variable that contains the token used for comments.
pub const TOKEN_ENV: &str = "GITHUB_TOKEN";

/// The variable that contains `owner/repo`.
pub const REPOSITORY_ENV: &str = "GITHUB_REPOSITORY";

/// The variable that contains the path of the event payload.
pub const EVENT_PATH_ENV: &str = "GITHUB_EVENT_PATH";

/// The variable that contains the path of the step's job summary file.
pub const STEP_SUMMARY_ENV: &str = "GITHUB_STEP_SUMMARY";

fn read(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Returns the REST API base URL: `GITHUB_API_URL`, which GitHub Enterprise Server sets to
/// its own host, or github.com's.
pub fn api_url() -> String {
    read("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_string())
}

/// Returns the token from `GITHUB_TOKEN`, when set.
pub fn token() -> Option<Secret> {
    read(TOKEN_ENV).map(Secret::new)
}

/// Returns `owner/repo` from `GITHUB_REPOSITORY`, when set.
pub fn repository() -> Option<String> {
    read(REPOSITORY_ENV)
}

/// Returns the path of the event payload from `GITHUB_EVENT_PATH`, when set.
pub fn event_path() -> Option<PathBuf> {
    read(EVENT_PATH_ENV).map(PathBuf::from)
}

/// Returns the path of the job summary file from `GITHUB_STEP_SUMMARY`, when set.
pub fn step_summary_path() -> Option<PathBuf> {
    read(STEP_SUMMARY_ENV).map(PathBuf::from)
}

/// Returns the web address of the current workflow run, when running in GitHub Actions.
pub fn run_url() -> Option<String> {
    let server = read("GITHUB_SERVER_URL")?;
    let repository = read(REPOSITORY_ENV)?;
    let run_id = read("GITHUB_RUN_ID")?;
    Some(format!(
        "{}/{repository}/actions/runs/{run_id}",
        server.trim_end_matches('/')
    ))
}
