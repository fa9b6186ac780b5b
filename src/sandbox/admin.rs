//! The admin API under `/_sandbox/`, which only loopback clients may call: the request
//! journal, faults, stored state, seed records and token revocation.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::config::{SandboxConfig, SeedRecords};
use super::faults::FaultRule;
use super::resources::now_rfc3339;
use super::server::{Connection, Shared, lock};
use super::state::{Store, StoredRecord};
use super::{SandboxError, reply};

/// The largest body `POST /_sandbox/seed` accepts.
const MAX_SEED_BYTES: usize = 1 << 30;

/// Builds the admin routes, relative to `/_sandbox`.
pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/requests", get(list_requests).delete(clear_requests))
        .route(
            "/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/state", get(read_state).delete(clear_state))
        // Seeds of large test states run to tens of megabytes, past the framework's default
        // limit of 2 MB. The admin API serves only loopback peers.
        .route(
            "/seed",
            post(seed).layer(DefaultBodyLimit::max(MAX_SEED_BYTES)),
        )
        .route("/revoke-token", post(revoke_token))
        .layer(middleware::from_fn(require_loopback))
}

/// Reports whether a peer may use the admin API. IPv4-mapped IPv6 loopback addresses count.
pub fn is_loopback_peer(peer: std::net::SocketAddr) -> bool {
    peer.ip().to_canonical().is_loopback()
}

async fn require_loopback(request: Request, next: Next) -> Response {
    let allowed = request
        .extensions()
        .get::<Connection>()
        .is_some_and(|connection| is_loopback_peer(connection.peer));
    if !allowed {
        return reply::error(
            StatusCode::FORBIDDEN,
            "the sandbox admin API accepts loopback clients only",
        );
    }
    next.run(request).await
}

async fn list_requests(State(shared): State<Arc<Shared>>) -> Response {
    let journal = lock(&shared.journal);
    axum::Json(json!({ "requests": journal.entries() })).into_response()
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.journal).clear();
    StatusCode::NO_CONTENT
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    let rules = lock(&shared.faults).to_json();
    axum::Json(json!({ "faults": rules })).into_response()
}

/// Adds one fault rule, or each rule of an array, after the existing ones.
async fn add_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(error) => return bad_request(&format!("invalid JSON: {error}")),
    };
    let parsed: Result<Vec<FaultRule>, String> = match value {
        Value::Array(_) => serde_json::from_value(value),
        other => serde_json::from_value(other).map(|rule| vec![rule]),
    }
    .map_err(|error| error.to_string());
    let checked = parsed.and_then(|rules| {
        rules.iter().try_for_each(FaultRule::check)?;
        Ok(rules)
    });
    let rules = match checked {
        Ok(rules) => rules,
        Err(message) => return bad_request(&format!("invalid fault: {message}")),
    };
    let mut faults = lock(&shared.faults);
    faults.add(rules);
    let count = faults.rule_count();
    axum::Json(json!({ "faults": count })).into_response()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.faults).clear();
    StatusCode::NO_CONTENT
}

async fn read_state(State(shared): State<Arc<Shared>>) -> Response {
    let store = shared.store.lock().await;
    axum::Json(store.data()).into_response()
}

async fn clear_state(State(shared): State<Arc<Shared>>) -> Response {
    let mut store = shared.store.lock().await;
    match store.clear().await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => internal_error(&error),
    }
}

/// Replaces the stored records of one application and resource, without validation.
async fn seed(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let seed: SeedRecords = match serde_json::from_slice(&body) {
        Ok(seed) => seed,
        Err(error) => return bad_request(&format!("invalid seed: {error}")),
    };
    let client_id = match seed_client_id(&shared.config, &seed) {
        Ok(client_id) => client_id,
        Err(message) => return bad_request(&message),
    };
    let records = match seed_records(&seed.records) {
        Ok(records) => records,
        Err(message) => return bad_request(&message),
    };
    let mut store = shared.store.lock().await;
    match store.set(&client_id, &seed.resource_id, records).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => internal_error(&error),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RevokeRequest {
    client_id: String,
}

/// Revokes an application's current token, as another process requesting a token would.
async fn revoke_token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: RevokeRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => return bad_request(&format!("invalid request: {error}")),
    };
    let revoked = lock(&shared.tokens).revoke_client(&request.client_id);
    axum::Json(json!({ "revoked": revoked })).into_response()
}

/// Stores the configured seed records of every resource that has no stored records yet, so a
/// restart does not overwrite what PUT requests changed.
pub async fn apply_seeds(config: &SandboxConfig, store: &mut Store) -> Result<(), SandboxError> {
    for seed in &config.seed {
        let client_id = seed_client_id(config, seed).map_err(SandboxError::InvalidConfig)?;
        let already_stored = store
            .data()
            .applications
            .get(&client_id)
            .is_some_and(|resources| resources.contains_key(&seed.resource_id));
        if already_stored {
            continue;
        }
        let records = seed_records(&seed.records).map_err(SandboxError::InvalidConfig)?;
        store.set(&client_id, &seed.resource_id, records).await?;
    }
    Ok(())
}

fn seed_client_id(config: &SandboxConfig, seed: &SeedRecords) -> Result<String, String> {
    if config.resource(&seed.resource_id).is_none() {
        return Err(format!(
            "resource {} is not declared in the sandbox configuration",
            seed.resource_id
        ));
    }
    match &seed.client_id {
        Some(client_id) if config.application(client_id).is_some() => Ok(client_id.clone()),
        Some(client_id) => Err(format!("application {client_id} is not configured")),
        None => config
            .applications
            .first()
            .map(|application| application.client_id.clone())
            .ok_or_else(|| "no application is configured".to_owned()),
    }
}

/// Turns seed records into stored records, taking `createdAt`, `updatedAt` and `deletedAt`
/// from each record when present and the current time otherwise.
fn seed_records(records: &[Value]) -> Result<Vec<StoredRecord>, String> {
    let now = now_rfc3339();
    records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            let Value::Object(record) = record else {
                return Err(format!("seed record {index} is not an object"));
            };
            let mut record: Map<String, Value> = record.clone();
            let mut server_field = |name: &str| match record.shift_remove(name) {
                Some(Value::String(value)) => Ok(Some(value)),
                None | Some(Value::Null) => Ok(None),
                Some(_) => Err(format!("seed record {index}: {name} must be a string")),
            };
            let created_at = server_field("createdAt")?;
            let updated_at = server_field("updatedAt")?;
            let deleted_at = server_field("deletedAt")?;
            Ok(StoredRecord {
                record,
                created_at: created_at.unwrap_or_else(|| now.clone()),
                updated_at: updated_at.unwrap_or_else(|| now.clone()),
                deleted_at,
            })
        })
        .collect()
}

fn bad_request(message: &str) -> Response {
    reply::error(StatusCode::BAD_REQUEST, message)
}

fn internal_error(error: &SandboxError) -> Response {
    tracing::error!(%error, "admin request failed");
    reply::error(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string())
}
