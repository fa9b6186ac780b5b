//! OAuth client credentials: `POST /oauth/token`, the one-active-token rule, and bearer token
//! checks on resource requests.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::reply;
use super::server::Shared;

/// The access tokens currently issued, at most one per application.
#[derive(Debug, Default)]
pub struct TokenStore {
    by_client: HashMap<String, IssuedToken>,
}

#[derive(Debug)]
struct IssuedToken {
    token: String,
    expires_at: Instant,
    scopes: Vec<String>,
}

/// The application and scopes of a valid access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub client_id: String,
    pub scopes: Vec<String>,
}

impl Grant {
    /// Reports whether the token was issued with `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| granted == scope)
    }
}

impl TokenStore {
    /// Issues a new token for `client_id`, which revokes the application's previous token.
    pub fn issue(&mut self, client_id: &str, scopes: Vec<String>, lifetime: Duration) -> String {
        let token = format!("vat_{}", random_hex(24));
        let issued = IssuedToken {
            token: token.clone(),
            expires_at: Instant::now() + lifetime,
            scopes,
        };
        self.by_client.insert(client_id.to_owned(), issued);
        token
    }

    /// Finds the application whose current, unexpired token is `token`.
    pub fn authenticate(&self, token: &str) -> Option<Grant> {
        let now = Instant::now();
        self.by_client.iter().find_map(|(client_id, issued)| {
            (issued.token == token && now < issued.expires_at).then(|| Grant {
                client_id: client_id.clone(),
                scopes: issued.scopes.clone(),
            })
        })
    }

    /// Revokes `token` if it is some application's current token, and reports whether it was.
    pub fn revoke_token(&mut self, token: &str) -> bool {
        let before = self.by_client.len();
        self.by_client.retain(|_, issued| issued.token != token);
        self.by_client.len() != before
    }

    /// Revokes the current token of `client_id`, and reports whether there was one.
    pub fn revoke_client(&mut self, client_id: &str) -> bool {
        self.by_client.remove(client_id).is_some()
    }
}

/// Reads the token from an `Authorization: Bearer <token>` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Handles `POST /oauth/token` with the client-credentials grant.
///
/// Errors follow RFC 6749 section 5.2: 400 `invalid_request`, `unsupported_grant_type` or
/// `invalid_scope`, and 401 `invalid_client`. Only JSON bodies are accepted, as Vanta
/// documents; form-encoded bodies get 415.
pub async fn issue_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return token_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            "the token request body must be JSON with Content-Type: application/json",
        );
    }
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(&body) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the token request body is not a JSON object",
        );
    };
    let field = |name: &str| request.get(name).and_then(Value::as_str);

    let (Some(grant_type), Some(client_id), Some(client_secret)) = (
        field("grant_type"),
        field("client_id"),
        field("client_secret"),
    ) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type, client_id and client_secret are required strings",
        );
    };
    if grant_type != "client_credentials" {
        return token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only the client_credentials grant is supported",
        );
    }

    // The limit counts every request that names a client id, because Vanta counts requests,
    // not successful ones.
    if let Err(wait) = shared.token_limiter.admit(client_id) {
        return reply::rate_limited(wait, shared.config.rate_limits.retry_after);
    }

    let Some(application) = shared.config.application(client_id) else {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "");
    };
    if application.client_secret != client_secret {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "");
    }

    // NOTE: Vanta's behaviour without `scope` is undocumented; RFC 6749 lets the server apply
    // a default, so the sandbox grants every scope of the application.
    let scopes: Vec<String> = match request.get("scope") {
        None | Some(Value::Null) => application.scopes.clone(),
        Some(Value::String(scope)) => scope.split_whitespace().map(str::to_owned).collect(),
        Some(_) => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "scope must be a space-separated string",
            );
        }
    };
    if let Some(unknown) = scopes
        .iter()
        .find(|scope| !application.scopes.contains(scope))
    {
        let description = format!("scope {unknown} is not enabled for this application");
        return token_error(StatusCode::BAD_REQUEST, "invalid_scope", &description);
    }

    let lifetime = Duration::from_secs(shared.config.token_lifetime_seconds);
    let token = shared
        .tokens
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .issue(client_id, scopes, lifetime);
    tracing::debug!(client_id, "issued an access token");
    axum::Json(json!({
        "access_token": token,
        "expires_in": shared.config.token_lifetime_seconds,
        "token_type": "Bearer",
    }))
    .into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"))
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = if description.is_empty() {
        json!({ "error": error })
    } else {
        json!({ "error": error, "error_description": description })
    };
    (status, axum::Json(body)).into_response()
}

/// Returns `bytes` random bytes from the operating system, hex-encoded. Falls back to bytes
/// derived from the clock if the OS source fails, because a sandbox token need not be secret.
fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    if getrandom::getrandom(&mut buffer).is_err() {
        tracing::warn!("the OS random source failed; tokens are predictable");
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        for (index, byte) in buffer.iter_mut().enumerate() {
            *byte = (seed >> ((index % 16) * 8)) as u8 ^ index as u8;
        }
    }
    buffer.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuing_revokes_previous_token() {
        let mut store = TokenStore::default();
        let first = store.issue("app", vec!["s".into()], Duration::from_secs(60));
        let second = store.issue("app", vec!["s".into()], Duration::from_secs(60));
        assert_ne!(first, second);
        assert!(store.authenticate(&first).is_none());
        assert_eq!(store.authenticate(&second).unwrap().client_id, "app");
    }

    #[test]
    fn bearer_token_parsing() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer vat_x".parse().unwrap());
        assert_eq!(bearer_token(&headers), Some("vat_x"));
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer_token(&headers), None);
    }
}
