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

/// The text that replaces a secret in messages and logs.
pub const REDACTED: &str = "[REDACTED]";

/// Prefixes of Vanta's credential formats: access tokens (`vat_`) and client secrets (`vcs_`).
const SECRET_PREFIXES: [&str; 2] = ["vat_", "vcs_"];

/// Removes secrets from text that came from outside, such as an error body that echoes the
/// request. It replaces every value it was given and, because a body may echo a token the
/// client never saw, anything shaped like a Vanta credential or a bearer token.
#[derive(Debug, Default)]
pub struct Redactor {
    known: std::sync::Mutex<Vec<String>>,
}

impl Redactor {
    /// Creates a redactor that replaces one secret.
    pub fn new(secret: &Secret) -> Redactor {
        let redactor = Redactor::default();
        redactor.add(secret);
        redactor
    }

    /// Adds a secret to replace from now on, such as a newly minted token.
    pub fn add(&self, secret: &Secret) {
        let value = secret.expose();
        if value.is_empty() {
            return;
        }
        let mut known = self
            .known
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !known.iter().any(|existing| existing == value) {
            known.push(value.to_string());
        }
    }

    /// Returns `text` with every known secret and every credential-shaped word replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        {
            let known = self
                .known
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for value in known.iter() {
                if text.contains(value.as_str()) {
                    text = text.replace(value.as_str(), REDACTED);
                }
            }
        }
        for prefix in SECRET_PREFIXES {
            text = redact_after(&text, prefix, true);
        }
        redact_after(&text, "Bearer ", false)
    }
}

/// Replaces the token-like run of characters after each `marker`, keeping the marker unless
/// `with_marker` is set (then the marker is part of the secret, as in `vat_...`).
fn redact_after(text: &str, marker: &str, with_marker: bool) -> String {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '~');
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.find(marker) {
        let after = &rest[index + marker.len()..];
        let length = after
            .find(|c: char| !is_token_char(c))
            .unwrap_or(after.len());
        // A lone prefix such as `vat_` in prose is not a secret; real values are long.
        if length < 8 || after[..length].starts_with(REDACTED) {
            output.push_str(&rest[..index + marker.len()]);
            rest = after;
            continue;
        }
        output.push_str(&rest[..index]);
        if !with_marker {
            output.push_str(marker);
        }
        output.push_str(REDACTED);
        rest = &after[length..];
    }
    output.push_str(rest);
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(REDACTED)");
    }

    #[test]
    fn redacts_known_values_and_credential_shapes() {
        let redactor = Redactor::new(&Secret::new("s3cr3t-value"));
        redactor.add(&Secret::new("opaque-token-123"));
        let text = "echo: s3cr3t-value opaque-token-123 vat_0123456789abcdef \
                    client_secret=vcs_abcdefgh1234 Authorization: Bearer xyz.abc-def_123";
        let redacted = redactor.redact(text);
        assert!(!redacted.contains("s3cr3t-value"), "{redacted}");
        assert!(!redacted.contains("opaque-token-123"), "{redacted}");
        assert!(!redacted.contains("0123456789abcdef"), "{redacted}");
        assert!(!redacted.contains("abcdefgh1234"), "{redacted}");
        assert!(!redacted.contains("xyz.abc-def_123"), "{redacted}");
        assert!(redacted.contains("Bearer [REDACTED]"), "{redacted}");
    }

    #[test]
    fn leaves_short_prefixes_in_prose() {
        let redactor = Redactor::default();
        assert_eq!(
            redactor.redact("tokens start with vat_"),
            "tokens start with vat_"
        );
        assert_eq!(redactor.redact("a Bearer token"), "a Bearer token");
    }
}
