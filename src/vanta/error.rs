//! Errors of the Vanta client. Messages never contain the client secret or a token.

use std::time::Duration;

/// A failed exchange with Vanta.
#[derive(Debug, thiserror::Error)]
pub enum VantaError {
    #[error("Vanta rejected the credentials ({status}): {message}")]
    Credentials { status: u16, message: String },
    #[error(
        "the access token was revoked during the run: another process requested a token for the same Vanta application"
    )]
    TokenRevoked,
    #[error(
        "the access token was revoked during the run: another process requested a token for the same Vanta application ({method} {path} failed with HTTP 401 before any request of this run succeeded, so the application may also lack access to this resource)"
    )]
    /// A token revoked twice before any request succeeded, which a missing permission of
    /// the application can also cause.
    TokenRejected { method: &'static str, path: String },
    #[error("{method} {path} failed with HTTP {status}: {message}")]
    Status {
        method: &'static str,
        path: String,
        status: u16,
        message: String,
    },
    #[error("{method} {path} failed after {attempts} attempts: {last}")]
    RetriesExhausted {
        method: &'static str,
        path: String,
        attempts: u32,
        last: String,
    },
    #[error("{method} {path} did not finish within {}s", .deadline.as_secs_f64())]
    Deadline {
        method: &'static str,
        path: String,
        deadline: Duration,
    },
    #[error(
        "{method} {path} failed ({last}), and Vanta asked to wait {}s before retrying, beyond the deadline of {}s",
        .wait.as_secs(), .deadline.as_secs_f64()
    )]
    WaitTooLong {
        method: &'static str,
        path: String,
        wait: Duration,
        deadline: Duration,
        last: String,
    },
    #[error("{method} {path} failed: {message}")]
    Transport {
        method: &'static str,
        path: String,
        message: String,
    },
    #[error("invalid response to {method} {path}: {message}")]
    InvalidResponse {
        method: &'static str,
        path: String,
        message: String,
    },
    #[error("invalid API URL `{url}`: {message}")]
    InvalidUrl { url: String, message: String },
}

impl VantaError {
    /// Rewrites every text that came from outside the client, such as Vanta's error
    /// messages, with `rewrite`. The client uses it to remove secrets.
    pub fn map_messages(self, rewrite: impl Fn(String) -> String) -> VantaError {
        match self {
            VantaError::Credentials { status, message } => VantaError::Credentials {
                status,
                message: rewrite(message),
            },
            VantaError::Status {
                method,
                path,
                status,
                message,
            } => VantaError::Status {
                method,
                path,
                status,
                message: rewrite(message),
            },
            VantaError::RetriesExhausted {
                method,
                path,
                attempts,
                last,
            } => VantaError::RetriesExhausted {
                method,
                path,
                attempts,
                last: rewrite(last),
            },
            VantaError::WaitTooLong {
                method,
                path,
                wait,
                deadline,
                last,
            } => VantaError::WaitTooLong {
                method,
                path,
                wait,
                deadline,
                last: rewrite(last),
            },
            VantaError::Transport {
                method,
                path,
                message,
            } => VantaError::Transport {
                method,
                path,
                message: rewrite(message),
            },
            VantaError::InvalidResponse {
                method,
                path,
                message,
            } => VantaError::InvalidResponse {
                method,
                path,
                message: rewrite(message),
            },
            other => other,
        }
    }

    /// Reports whether retrying the same request may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            VantaError::Status { status, .. } => *status == 429 || *status >= 500,
            VantaError::Transport { .. } => true,
            _ => false,
        }
    }
}
