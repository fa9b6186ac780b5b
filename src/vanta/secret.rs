//! A wrapper that keeps secrets out of logs and error messages.

use std::fmt;

/// A secret value, such as a client secret or an access token. Its `Debug` output is
/// `Secret(REDACTED)` and it has no `Display`, so it cannot reach output by accident; code that
/// needs the value calls [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// Returns the secret value. Call this only where the value is sent to Vanta.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}
