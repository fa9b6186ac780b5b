//! The event payload of a workflow run, read for the pull-request number.

use std::path::Path;

/// A problem reading the pull-request number from the event payload.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("could not read the event file `{path}`: {message}")]
    Read { path: String, message: String },
    #[error("the event file `{path}` is not valid JSON: {message}")]
    Invalid { path: String, message: String },
    #[error(
        "the event file `{path}` has no `pull_request.number`; run on a `pull_request` \
         event or pass `--pr N`"
    )]
    NoPullRequest { path: String },
}

/// Reads `pull_request.number` from the event payload at `path`.
pub fn pull_request_number(path: &Path) -> Result<u64, EventError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| EventError::Read {
        path: display.clone(),
        message: error.to_string(),
    })?;
    let event: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| EventError::Invalid {
            path: display.clone(),
            message: error.to_string(),
        })?;
    event
        .pointer("/pull_request/number")
        .and_then(serde_json::Value::as_u64)
        .filter(|number| *number > 0)
        .ok_or(EventError::NoPullRequest { path: display })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_read_from_pull_request_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.json");
        std::fs::write(&path, r#"{"action":"opened","pull_request":{"number":42}}"#).unwrap();
        assert_eq!(pull_request_number(&path).unwrap(), 42);
    }

    #[test]
    fn push_event_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.json");
        std::fs::write(&path, r#"{"ref":"refs/heads/main"}"#).unwrap();
        let error = pull_request_number(&path).unwrap_err();
        assert!(error.to_string().contains("--pr N"), "{error}");
    }
}
