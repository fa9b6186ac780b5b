//! The resource endpoints: `GET` (list all) and `PUT` (sync all) under `/v1/resources/`.
//!
//! Checks run in this order: known path segment (404), bearer token (401), rate limit (429),
//! scope (403), then the request itself (400, 404 for an undeclared `resourceId`, 413).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::{self, Grant};
use super::config::{READ_SCOPE, ResourceDecl, WRITE_SCOPE};
use super::server::Shared;
use super::{reply, validate};
use crate::schema::base::BaseType;

/// A rejected resource request, rendered as the response Vanta sends for it.
#[derive(Debug)]
pub enum Rejection {
    RouteNotFound {
        method: &'static str,
        path: String,
    },
    Unauthorized,
    Forbidden,
    RateLimited {
        wait: Duration,
        retry_after: bool,
    },
    /// Any other error, sent as `{"error": message}`.
    Error(StatusCode, String),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::RouteNotFound { method, path } => reply::route_not_found(method, &path),
            Rejection::Unauthorized => reply::unauthorized(),
            Rejection::Forbidden => reply::forbidden(),
            Rejection::RateLimited { wait, retry_after } => reply::rate_limited(wait, retry_after),
            Rejection::Error(status, message) => reply::error(status, &message),
        }
    }
}

fn bad_request(message: impl Into<String>) -> Rejection {
    Rejection::Error(StatusCode::BAD_REQUEST, message.into())
}

/// Handles `GET /v1/resources/{segment}` and `GET /v1/resources/{segment}/list_all`.
pub async fn list_all(
    State(shared): State<Arc<Shared>>,
    Path(segment): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<Response, Rejection> {
    let base_type = base_type_of(&segment).ok_or_else(|| Rejection::RouteNotFound {
        method: "GET",
        path: uri.path().to_owned(),
    })?;
    let grant = authorize(&shared, &headers, READ_SCOPE)?;
    let resource_id = query
        .as_ref()
        .ok()
        .and_then(|query| query.get("resourceId"))
        .ok_or_else(|| bad_request("missing required query parameter resourceId"))?;
    declared_resource(&shared, resource_id, base_type)?;

    // Serialise straight from the store: cloning every record first made large lists slow
    // and doubled the memory they take.
    let store = shared.store.lock().await;
    let list = ListBody {
        resources: ListedRecords(store.records(&grant.client_id, resource_id)),
    };
    let body = serde_json::to_vec(&list)
        .map_err(|error| Rejection::Error(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()))?;
    drop(store);
    let headers = [(axum::http::header::CONTENT_TYPE, "application/json")];
    Ok((headers, body).into_response())
}

/// The body of a list response, serialised without copying the stored records.
#[derive(serde::Serialize)]
struct ListBody<'a> {
    resources: ListedRecords<'a>,
}

struct ListedRecords<'a>(&'a [crate::sandbox::StoredRecord]);

impl serde::Serialize for ListedRecords<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut sequence = serializer.serialize_seq(Some(self.0.len()))?;
        for stored in self.0 {
            sequence.serialize_element(&ListedRecord(stored))?;
        }
        sequence.end()
    }
}

/// One stored record as GET returns it: its fields followed by the server fields.
struct ListedRecord<'a>(&'a crate::sandbox::StoredRecord);

impl serde::Serialize for ListedRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let stored = self.0;
        let mut map = serializer.serialize_map(Some(stored.record.len() + 3))?;
        for (key, value) in &stored.record {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("createdAt", &stored.created_at)?;
        map.serialize_entry("updatedAt", &stored.updated_at)?;
        map.serialize_entry("deletedAt", &stored.deleted_at)?;
        map.end()
    }
}

/// Handles `PUT /v1/resources/{segment}` and `PUT /v1/resources/{segment}/sync_all`: validates
/// every record, then replaces the stored set, or changes nothing on any error.
pub async fn sync_all(
    State(shared): State<Arc<Shared>>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Body,
) -> Result<Response, Rejection> {
    let base_type = base_type_of(&segment).ok_or_else(|| Rejection::RouteNotFound {
        method: "PUT",
        path: uri.path().to_owned(),
    })?;
    let grant = authorize(&shared, &headers, WRITE_SCOPE)?;

    let body = read_body(&headers, body, shared.config.max_body_bytes).await?;
    let request = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(request)) => request,
        Ok(_) => return Err(bad_request("request body must be object")),
        Err(error) => {
            return Err(bad_request(format!(
                "request body is not valid JSON: {error}"
            )));
        }
    };
    // Unknown top-level keys (such as `sourceId`, which some clients send) are ignored.
    let resource_id = match request.get("resourceId") {
        Some(Value::String(resource_id)) => resource_id,
        Some(_) => return Err(bad_request("/resourceId: must be string")),
        None => return Err(bad_request("must have property 'resourceId'")),
    };
    let elements = match request.get("resources") {
        Some(Value::Array(elements)) => elements,
        Some(_) => return Err(bad_request("/resources: must be array")),
        None => return Err(bad_request("must have property 'resources'")),
    };
    declared_resource(&shared, resource_id, base_type)?;
    let Some(validator) = shared.validators.get(resource_id) else {
        return Err(Rejection::Error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("resource {resource_id} has no compiled schema"),
        ));
    };

    let mut records = validator.validate(elements).map_err(bad_request)?;
    if shared.config.reject_duplicate_unique_ids {
        if let Some(message) = validate::find_duplicate(&records) {
            return Err(bad_request(message));
        }
    } else {
        records = keep_last_of_each_unique_id(records);
    }
    if shared.config.drop_fractional_seconds {
        for record in &mut records {
            validator.drop_fractional_seconds(record);
        }
    }

    let now = now_rfc3339();
    let mut store = shared.store.lock().await;
    let result = store
        .replace(
            &grant.client_id,
            resource_id,
            records,
            base_type.soft_deletes(),
            &now,
        )
        .await;
    drop(store);
    match result {
        Ok(()) => Ok(axum::Json(json!({ "success": true })).into_response()),
        Err(error) => {
            tracing::error!(%error, resource_id, "failed to store records");
            Err(Rejection::Error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "failed to store records".to_owned(),
            ))
        }
    }
}

/// Finds the base type of a path segment. Vanta also accepts the type name, such as
/// `UserAccount`, in place of `user_account`.
fn base_type_of(segment: &str) -> Option<BaseType> {
    BaseType::from_path_segment(segment).or_else(|| segment.parse().ok())
}

/// Checks the bearer token, the rate limit and the scope, in that order.
fn authorize(shared: &Shared, headers: &HeaderMap, scope: &str) -> Result<Grant, Rejection> {
    let grant = auth::bearer_token(headers).and_then(|token| {
        shared
            .tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .authenticate(token)
    });
    let grant = grant.ok_or(Rejection::Unauthorized)?;
    if let Err(wait) = shared.resource_limiter.admit(&grant.client_id) {
        return Err(Rejection::RateLimited {
            wait,
            retry_after: shared.config.rate_limits.retry_after,
        });
    }
    if !grant.has_scope(scope) {
        return Err(Rejection::Forbidden);
    }
    Ok(grant)
}

fn declared_resource<'a>(
    shared: &'a Shared,
    resource_id: &str,
    base_type: BaseType,
) -> Result<&'a ResourceDecl, Rejection> {
    match shared.config.resource(resource_id) {
        Some(resource) if resource.base_type == base_type => Ok(resource),
        _ => {
            let message = format!("no {base_type} resource with resourceId {resource_id}");
            Err(Rejection::Error(StatusCode::NOT_FOUND, message))
        }
    }
}

/// Reads the body up to `max_bytes`, and rejects a larger one with 413.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    max_bytes: usize,
) -> Result<axum::body::Bytes, Rejection> {
    let too_large = || {
        let message = format!("request body is larger than {max_bytes} bytes");
        Rejection::Error(StatusCode::PAYLOAD_TOO_LARGE, message)
    };
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > max_bytes as u64) {
        return Err(too_large());
    }
    match axum::body::to_bytes(body, max_bytes).await {
        Ok(bytes) => Ok(bytes),
        Err(error) => {
            let is_limit = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if is_limit {
                Err(too_large())
            } else {
                Err(bad_request("failed to read the request body"))
            }
        }
    }
}

fn keep_last_of_each_unique_id(
    records: Vec<serde_json::Map<String, Value>>,
) -> Vec<serde_json::Map<String, Value>> {
    let mut last_index = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        if let Some(unique_id) = record.get("uniqueId").and_then(Value::as_str) {
            last_index.insert(unique_id.to_owned(), index);
        }
    }
    records
        .into_iter()
        .enumerate()
        .filter(|(index, record)| {
            record
                .get("uniqueId")
                .and_then(Value::as_str)
                .is_none_or(|unique_id| last_index.get(unique_id) == Some(index))
        })
        .map(|(_, record)| record)
        .collect()
}

/// Returns the current time in RFC 3339 at whole seconds, the precision Vanta keeps.
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

/// Reports whether a request carries a body, which Vanta's CDN rejects on GET.
pub fn is_get_with_body(method: &Method, headers: &HeaderMap) -> bool {
    if method != Method::GET {
        return false;
    }
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    declared_length.is_some_and(|length| length > 0)
        || headers.contains_key(header::TRANSFER_ENCODING)
}
