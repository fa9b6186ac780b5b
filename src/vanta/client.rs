//! The client itself: one token per run, paced and retried requests, strict response parsing.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rayon::prelude::*;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::plan::record::RecordJson;
use crate::schema::base::BaseType;
use crate::schema::jtd::Schema;
use crate::vanta::error::VantaError;
use crate::vanta::pacing::{Pacer, RateLimit};
use crate::vanta::secret::{Redactor, Secret};

/// The OAuth scopes a run needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `connectors.self:read-resource`: enough for plan.
    Read,
    /// Read and `connectors.self:write-resource`: needed for apply.
    ReadWrite,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "connectors.self:read-resource",
            Scope::ReadWrite => "connectors.self:read-resource connectors.self:write-resource",
        }
    }
}

/// The client id and secret of a Vanta application.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: Secret,
}

/// Settings of a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub base_url: String,
    pub credentials: Credentials,
    pub scope: Scope,
    /// The timeout of one HTTP request.
    pub request_timeout: Duration,
    /// The maximum number of attempts of one request, the first included.
    pub max_attempts: u32,
    /// The first backoff delay; later ones double, with jitter.
    pub backoff_base: Duration,
    /// The maximum time one request may take with all its retries.
    pub deadline: Duration,
    pub token_limit: RateLimit,
    pub resource_limit: RateLimit,
}

impl ClientOptions {
    /// Returns options with Vanta's documented limits and conservative timeouts.
    pub fn new(base_url: String, credentials: Credentials, scope: Scope) -> ClientOptions {
        ClientOptions {
            base_url,
            credentials,
            scope,
            request_timeout: Duration::from_secs(60),
            max_attempts: 5,
            backoff_base: Duration::from_secs(1),
            deadline: Duration::from_secs(300),
            token_limit: RateLimit::TOKEN,
            resource_limit: RateLimit::RESOURCES,
        }
    }
}

/// One record as Vanta returned it, without server fields.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteRecord {
    pub unique_id: String,
    pub json: RecordJson,
    /// Whether Vanta soft-deleted the record (`deletedAt` is set).
    pub deleted: bool,
}

/// Every record of one resource as Vanta returned it, with the raw bytes' length.
#[derive(Debug, Clone)]
pub struct RemoteSet {
    pub records: Vec<RemoteRecord>,
    pub bytes: usize,
}

/// A client for one Vanta application. Cheap to share behind a reference across tasks.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    options: ClientOptions,
    token: Mutex<TokenState>,
    token_pacer: Pacer,
    resource_pacer: Pacer,
    redactor: Redactor,
    /// Whether any resource request of this run succeeded. A 401 after that means the token
    /// was revoked, while a 401 before it may also mean the application lacks access.
    started: AtomicBool,
}

#[derive(Debug, Default)]
struct TokenState {
    current: Option<IssuedToken>,
    /// How many tokens this run minted.
    minted: u32,
    /// Whether a token was already replaced after Vanta rejected it. A second rejection means
    /// another process keeps requesting tokens for the same application, so the run stops.
    renewed_after_rejection: bool,
}

#[derive(Debug)]
struct IssuedToken {
    token: Secret,
    /// When the token was received, and its lifetime from `expires_in` when Vanta sent one.
    received_at: Instant,
    lifetime: Option<Duration>,
}

impl IssuedToken {
    /// Reports whether the token expires within a safety margin: a quarter of its lifetime,
    /// at most 60 seconds, so a request sent with it still arrives in time.
    fn expires_soon(&self) -> bool {
        self.lifetime.is_some_and(|lifetime| {
            let margin = (lifetime / 4).min(Duration::from_secs(60));
            self.received_at.elapsed() + margin >= lifetime
        })
    }
}

#[derive(Serialize)]
struct TokenRequest<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    scope: &'a str,
    grant_type: &'a str,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListResponse<'a> {
    /// Each record's text, parsed one by one on all cores.
    #[serde(borrow)]
    resources: Vec<&'a RawValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncRequest<'a> {
    resource_id: &'a str,
    resources: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct SyncResponse {
    success: bool,
}

/// The endpoint family of a request, which selects its pacer and the meaning of a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Token,
    Resources,
}

/// The outcome of one attempt: done, or worth another try after a delay.
enum Attempt<T> {
    Done(Result<T, VantaError>),
    Retry {
        error: VantaError,
        after: Option<Duration>,
    },
    /// Vanta rejected the access token (401) of a resource request.
    Rejected,
}

impl Client {
    /// Creates a client. Fails when the base URL is not an HTTPS URL or a loopback HTTP URL.
    pub fn new(options: ClientOptions) -> Result<Client, VantaError> {
        check_base_url(&options.base_url)?;
        let http = reqwest::Client::builder()
            .timeout(options.request_timeout)
            .connect_timeout(options.request_timeout)
            .user_agent(concat!("vanta-gitops/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| VantaError::InvalidUrl {
                url: options.base_url.clone(),
                message: error.to_string(),
            })?;
        Ok(Client {
            http,
            token_pacer: Pacer::new(options.token_limit),
            resource_pacer: Pacer::new(options.resource_limit),
            redactor: Redactor::new(&options.credentials.client_secret),
            options,
            token: Mutex::new(TokenState::default()),
            started: AtomicBool::new(false),
        })
    }

    /// Returns the API base URL.
    pub fn base_url(&self) -> &str {
        &self.options.base_url
    }

    /// Returns how many access tokens this client minted so far.
    pub async fn tokens_minted(&self) -> u32 {
        self.token.lock().await.minted
    }

    /// Reads every record of a resource, normalising each against the resource's record
    /// `schema`. Fails unless the whole set was read and parsed: a partial read would plan
    /// deletions.
    pub async fn list(
        &self,
        base: BaseType,
        resource_id: &str,
        schema: &Schema,
    ) -> Result<RemoteSet, VantaError> {
        let path = format!("/v1/resources/{}", base.path_segment());
        // Errors name the whole request, so they distinguish two resources of one base type.
        let request = format!("{path}?resourceId={resource_id}");
        let body = self
            .send_with_retries("GET", &request, Endpoint::Resources, |client, token| {
                client
                    .http
                    .get(client.url(&path))
                    .query(&[("resourceId", resource_id)])
                    .bearer_auth(token.unwrap_or_default())
                    .header("accept", "application/json")
            })
            .await
            .map_err(|error| self.redact(error))?;
        // Parsing a large list takes long enough to hold up other requests, so it runs on
        // the blocking pool and not on the runtime's workers.
        let schema = schema.clone();
        let path = request.clone();
        let parsed =
            match tokio::task::spawn_blocking(move || parse_list(&path, &body, &schema)).await {
                Ok(parsed) => parsed,
                Err(error) => match error.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(_) => Err(VantaError::InvalidResponse {
                        method: "GET",
                        path: request,
                        message: "reading the records was cancelled".to_string(),
                    }),
                },
            };
        parsed.map_err(|error| self.redact(error))
    }

    /// Replaces every record of a resource with `records`. The request is idempotent (the
    /// same complete set sent twice leaves the same records), so it is retried like a read.
    pub async fn sync_all(
        &self,
        base: BaseType,
        resource_id: &str,
        records: &[&RecordJson],
    ) -> Result<(), VantaError> {
        let path = format!("/v1/resources/{}", base.path_segment());
        let encoding_failed = |error: serde_json::Error| VantaError::InvalidResponse {
            method: "PUT",
            path: path.clone(),
            message: format!("could not encode the request: {error}"),
        };
        let resources = records
            .iter()
            .map(|record| serde_json::from_str::<&RawValue>(record.json()))
            .collect::<Result<_, _>>()
            .map_err(encoding_failed)?;
        let request = SyncRequest {
            resource_id,
            resources,
        };
        // `Bytes` shares one copy of the body among the attempts of a retried PUT.
        let body = bytes::Bytes::from(serde_json::to_vec(&request).map_err(encoding_failed)?);
        let size = body.len();
        let response = self
            .send_with_retries("PUT", &path, Endpoint::Resources, |client, token| {
                client
                    .http
                    .put(client.url(&path))
                    .bearer_auth(token.unwrap_or_default())
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .body(body.clone())
            })
            .await
            .map_err(|error| self.redact(too_large_hint(error, size)))?;
        match serde_json::from_slice::<SyncResponse>(&response) {
            Ok(SyncResponse { success: true }) => Ok(()),
            Ok(SyncResponse { success: false }) => Err(VantaError::InvalidResponse {
                method: "PUT",
                path,
                message: "Vanta responded with `success: false`".to_string(),
            }),
            Err(error) => Err(self.redact(VantaError::InvalidResponse {
                method: "PUT",
                path,
                message: format!("unexpected body: {error}"),
            })),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.options.base_url.trim_end_matches('/'))
    }

    fn redact(&self, error: VantaError) -> VantaError {
        error.map_messages(|text| self.redactor.redact(&text))
    }

    /// Sends an idempotent request, retrying transient failures with exponential backoff
    /// and jitter, honouring `Retry-After`, within the attempt limit and the deadline.
    /// Resource requests carry the run's token, and a rejected token is replaced as
    /// [`Client::after_rejection`] describes.
    async fn send_with_retries(
        &self,
        method: &'static str,
        path: &str,
        endpoint: Endpoint,
        build: impl Fn(&Client, Option<&str>) -> reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, VantaError> {
        let started = Instant::now();
        let deadline_error = || VantaError::Deadline {
            method,
            path: path.to_string(),
            deadline: self.options.deadline,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            match endpoint {
                Endpoint::Token => self.token_pacer.acquire().await,
                Endpoint::Resources => self.resource_pacer.acquire().await,
            }
            // The token is taken after pacing, which may wait, so it is checked for expiry
            // right before it is sent.
            let token = match endpoint {
                Endpoint::Token => None,
                Endpoint::Resources => Some(self.token().await?),
            };
            let remaining = self.options.deadline.saturating_sub(started.elapsed());
            let exchange = async {
                let result = build(self, token.as_ref().map(Secret::expose)).send().await;
                self.classify(method, path, endpoint, result).await
            };
            let outcome = tokio::time::timeout(remaining, exchange)
                .await
                .map_err(|_| deadline_error())?;
            let (error, after) = match outcome {
                Attempt::Done(result) => {
                    if result.is_ok() && endpoint == Endpoint::Resources {
                        self.started.store(true, Ordering::Relaxed);
                    }
                    return result;
                }
                Attempt::Rejected => {
                    let rejected = token.expect("only resource requests are rejected");
                    self.after_rejection(&rejected, method, path).await?;
                    continue;
                }
                Attempt::Retry { error, after } => (error, after),
            };
            if attempt >= self.options.max_attempts {
                return Err(VantaError::RetriesExhausted {
                    method,
                    path: path.to_string(),
                    attempts: attempt,
                    last: error.to_string(),
                });
            }
            let delay = after.unwrap_or_else(|| self.retry_delay(endpoint, &error, attempt));
            if started.elapsed() + delay > self.options.deadline {
                return Err(match after {
                    Some(wait) => VantaError::WaitTooLong {
                        method,
                        path: path.to_string(),
                        wait,
                        deadline: self.options.deadline,
                        last: error.to_string(),
                    },
                    None => deadline_error(),
                });
            }
            tracing::warn!(method, path, attempt, delay_ms = delay.as_millis() as u64, %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn classify(
        &self,
        method: &'static str,
        path: &str,
        endpoint: Endpoint,
        result: Result<reqwest::Response, reqwest::Error>,
    ) -> Attempt<Vec<u8>> {
        let mut response = match result {
            Ok(response) => response,
            Err(error) => {
                let error = VantaError::Transport {
                    method,
                    path: path.to_string(),
                    message: describe_transport_error(&error),
                };
                return Attempt::Retry { error, after: None };
            }
        };
        let status = response.status().as_u16();
        let retry_after = parse_retry_after(response.headers());
        let body = match read_body(&mut response).await {
            Ok(body) => body,
            Err(error) => {
                let error = VantaError::Transport {
                    method,
                    path: path.to_string(),
                    message: format!(
                        "the response body was cut off: {}",
                        describe_transport_error(&error)
                    ),
                };
                return Attempt::Retry { error, after: None };
            }
        };
        tracing::debug!(method, path, status, bytes = body.len(), "response");
        if (200..300).contains(&status) {
            return Attempt::Done(Ok(body));
        }
        let message = error_message(&body, &self.redactor);
        match (endpoint, status) {
            (Endpoint::Resources, 401) => return Attempt::Rejected,
            (Endpoint::Token, 400 | 401 | 403) => {
                return Attempt::Done(Err(VantaError::Credentials { status, message }));
            }
            _ => {}
        }
        let error = VantaError::Status {
            method,
            path: path.to_string(),
            status,
            message,
        };
        if error.is_transient() {
            Attempt::Retry {
                error,
                after: retry_after,
            }
        } else {
            Attempt::Done(Err(error))
        }
    }

    /// Returns the delay before retry number `attempt` when Vanta sent no `Retry-After`. Vanta
    /// documents none for 429, so a rate-limited request waits at least one request's share
    /// of the window (3 seconds at 20 a minute), doubled per attempt, which lets a window
    /// that another run filled drain within the attempts.
    fn retry_delay(&self, endpoint: Endpoint, error: &VantaError, attempt: u32) -> Duration {
        let delay = backoff(self.options.backoff_base, attempt);
        if !matches!(error, VantaError::Status { status: 429, .. }) {
            return delay;
        }
        let limit = match endpoint {
            Endpoint::Token => self.options.token_limit,
            Endpoint::Resources => self.options.resource_limit,
        };
        if limit.requests == 0 {
            return delay;
        }
        delay.max(backoff(limit.window / limit.requests, attempt))
    }

    /// Returns the run's token: the one already minted, or a new one on first use and when
    /// the current one is about to expire.
    async fn token(&self) -> Result<Secret, VantaError> {
        let mut state = self.token.lock().await;
        if let Some(issued) = &state.current {
            if !issued.expires_soon() {
                return Ok(issued.token.clone());
            }
            tracing::debug!("the access token is about to expire; requesting a new one");
        }
        self.mint(&mut state).await
    }

    /// Handles a 401 on a resource request. When another task already replaced the rejected
    /// token, or the token simply expired, the request is retried with a new token. Otherwise
    /// another process requested a token for the same application, which revoked this run's:
    /// the run mints a new token once, and fails with [`VantaError::TokenRevoked`] (or
    /// [`VantaError::TokenRejected`] when no request succeeded yet) when it happens again.
    async fn after_rejection(
        &self,
        rejected: &Secret,
        method: &'static str,
        path: &str,
    ) -> Result<(), VantaError> {
        let mut state = self.token.lock().await;
        let Some(current) = &state.current else {
            return self.mint(&mut state).await.map(drop);
        };
        if current.token != *rejected {
            return Ok(());
        }
        if current.expires_soon() {
            tracing::debug!(
                method,
                path,
                "the access token expired; requesting a new one"
            );
            return self.mint(&mut state).await.map(drop);
        }
        if state.renewed_after_rejection {
            if !self.started.load(Ordering::Relaxed) {
                return Err(VantaError::TokenRejected {
                    method,
                    path: path.to_string(),
                });
            }
            return Err(VantaError::TokenRevoked);
        }
        state.renewed_after_rejection = true;
        tracing::warn!(
            method,
            path,
            "Vanta rejected the access token: another process requested a token for the same application, which revoked this run's; requesting a new token once"
        );
        self.mint(&mut state).await.map(drop)
    }

    /// Requests a new access token, which revokes this application's previous one.
    async fn mint(&self, state: &mut TokenState) -> Result<Secret, VantaError> {
        let credentials = &self.options.credentials;
        let request = TokenRequest {
            client_id: &credentials.client_id,
            client_secret: credentials.client_secret.expose(),
            scope: self.options.scope.as_str(),
            grant_type: "client_credentials",
        };
        // Boxed because `send_with_retries` calls this function for resource requests; token
        // requests never reach it, so the recursion is one level deep.
        let body = Box::pin(self.send_with_retries(
            "POST",
            TOKEN_PATH,
            Endpoint::Token,
            |client, _| client.http.post(client.url(TOKEN_PATH)).json(&request),
        ))
        .await
        .map_err(|error| self.redact(error))?;

        let response: TokenResponse =
            serde_json::from_slice(&body).map_err(|_| VantaError::InvalidResponse {
                method: "POST",
                path: TOKEN_PATH.to_string(),
                message: "the token response has no `access_token`".to_string(),
            })?;
        let token = Secret::new(response.access_token);
        // Registered before anything can print it, so every later message is cleaned of it.
        self.redactor.add(&token);
        // A lifetime of 0 would renew the token before every request, so it counts as unknown.
        let lifetime = response
            .expires_in
            .filter(|&seconds| seconds > 0)
            .map(Duration::from_secs);
        state.minted += 1;
        tracing::debug!(
            minted = state.minted,
            lifetime_s = lifetime.map(|lifetime| lifetime.as_secs()),
            "access token minted"
        );
        state.current = Some(IssuedToken {
            token: token.clone(),
            received_at: Instant::now(),
            lifetime,
        });
        Ok(token)
    }
}

/// The token endpoint, relative to the API host.
const TOKEN_PATH: &str = "/oauth/token";

/// Adds the body's size to a 413 response, since Vanta documents no size limit for a PUT and
/// its message may not say how large the request was.
fn too_large_hint(error: VantaError, size: usize) -> VantaError {
    match error {
        VantaError::Status {
            method,
            path,
            status: 413,
            message,
        } => VantaError::Status {
            method,
            path,
            status: 413,
            message: format!(
                "{message} (the request body was {size} bytes: every record of a resource goes in one PUT, so this resource has more records than Vanta accepts at once)"
            ),
        },
        other => other,
    }
}

/// The largest buffer reserved up front for a response body from its `Content-Length`. A
/// longer body still arrives whole, in a buffer that grows as it is read.
const MAX_RESERVED_BODY: u64 = 256 * 1024 * 1024;

/// Reads a response body into one buffer as its chunks arrive. A list of 100,000 records is
/// tens of megabytes, and collecting the chunks before copying them would hold it twice.
async fn read_body(response: &mut reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    let reserved = response
        .content_length()
        .unwrap_or(0)
        .min(MAX_RESERVED_BODY);
    let mut body = Vec::with_capacity(usize::try_from(reserved).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses the body of a list request. Fails on anything but a complete list of records with
/// distinct string `uniqueId`s. Records are parsed and normalised on all cores.
fn parse_list(request: &str, body: &[u8], schema: &Schema) -> Result<RemoteSet, VantaError> {
    let invalid = |message: String| VantaError::InvalidResponse {
        method: "GET",
        path: request.to_string(),
        message,
    };
    // serde reads a struct from an array too, so `[[...]]` would pass without this check.
    if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        return Err(invalid(
            "the body is not a complete resource list: expected a JSON object".to_string(),
        ));
    }
    let response: ListResponse<'_> = serde_json::from_slice(body)
        .map_err(|error| invalid(format!("the body is not a complete resource list: {error}")))?;
    let parsed: Vec<Result<RemoteRecord, String>> = response
        .resources
        .par_iter()
        .enumerate()
        .map(|(index, raw)| parse_record(index, raw, offset_in(body, raw), schema))
        .collect();
    // Problems are reported in the body's order, whichever core found one first.
    let mut records = Vec::with_capacity(parsed.len());
    let mut seen = HashSet::with_capacity(parsed.len());
    for record in parsed {
        let record = record.map_err(invalid)?;
        if !seen.insert(record.unique_id.clone()) {
            return Err(invalid(format!(
                "`uniqueId` `{}` appears more than once",
                record.unique_id
            )));
        }
        records.push(record);
    }
    Ok(RemoteSet {
        records,
        bytes: body.len(),
    })
}

/// Returns where a record borrowed from a response body starts in it, in bytes.
fn offset_in(body: &[u8], raw: &RawValue) -> usize {
    (raw.get().as_ptr() as usize).saturating_sub(body.as_ptr() as usize)
}

/// Parses one record of a list response, which starts at byte `offset` of the body, and
/// drops its server fields.
fn parse_record(
    index: usize,
    raw: &RawValue,
    offset: usize,
    schema: &Schema,
) -> Result<RemoteRecord, String> {
    let mut item: serde_json::Map<String, serde_json::Value> = serde_json::from_str(raw.get())
        .map_err(|error| {
            // serde_json counts lines and columns from the start of the record, which would
            // mislead in a message about the whole body, so the record's offset is given instead.
            let message = error.to_string();
            let position = format!(" at line {} column {}", error.line(), error.column());
            let message = message.strip_suffix(&position).unwrap_or(&message);
            format!(
                "the body is not a complete resource list: record {index} (from byte {offset}): {message}"
            )
        })?;
    let unique_id = match item.get("uniqueId") {
        Some(serde_json::Value::String(id)) => id.clone(),
        _ => return Err(format!("record {index} has no string `uniqueId`")),
    };
    let deleted = !matches!(item.get("deletedAt"), None | Some(serde_json::Value::Null));
    for field in crate::vanta::SERVER_FIELDS {
        item.shift_remove(field);
    }
    Ok(RemoteRecord {
        unique_id,
        json: RecordJson::new(serde_json::Value::Object(item), schema),
        deleted,
    })
}

/// Accepts HTTPS URLs, and plain HTTP only on loopback addresses (the sandbox).
fn check_base_url(url: &str) -> Result<(), VantaError> {
    let invalid = |message: &str| VantaError::InvalidUrl {
        url: url.to_string(),
        message: message.to_string(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // The URL is printed in plans and apply records, so it must carry no credentials.
        return Err(VantaError::InvalidUrl {
            url: format!(
                "{}://{}",
                parsed.scheme(),
                parsed.host_str().unwrap_or_default()
            ),
            message: "the URL must not contain a user name or password; set VANTA_CLIENT_ID and VANTA_CLIENT_SECRET instead".to_string(),
        });
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(domain)) => domain == "localhost",
                Some(url::Host::Ipv4(address)) => address.is_loopback(),
                Some(url::Host::Ipv6(address)) => address.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(invalid(
                    "plain HTTP is allowed only on loopback addresses; use https://",
                ))
            }
        }
        _ => Err(invalid("the URL must start with https://")),
    }
}

/// Returns the delay before retry number `attempt`: the base doubled per attempt, plus up
/// to half again of jitter so that concurrent clients do not retry in step.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base.saturating_mul(1 << attempt.saturating_sub(1).min(10));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(0);
    let jitter = exponential.mul_f64(f64::from(nanos % 500) / 1000.0);
    exponential + jitter
}

/// Reads `Retry-After` as seconds or as an HTTP date.
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Extracts Vanta's error text from a body: `{"error": "..."}` (with its `error_description`
/// when there is one), `{"message": "..."}`, or the start of the body. Secrets are removed
/// from the whole body first, so cutting it short never leaves part of one.
fn error_message(body: &[u8], redactor: &Redactor) -> String {
    let text = redactor.redact(&String::from_utf8_lossy(body));
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        let field = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
        match (field("error"), field("error_description"), field("message")) {
            (Some(error), Some(description), _) => return format!("{error}: {description}"),
            (Some(error), None, _) => return error.to_string(),
            (None, _, Some(message)) => return message.to_string(),
            (None, Some(description), None) => return description.to_string(),
            (None, None, None) => {}
        }
    }
    let text: String = text.chars().take(200).collect();
    if text.trim().is_empty() {
        "(empty body)".to_string()
    } else {
        text.trim().to_string()
    }
}

fn describe_transport_error(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut message = if error.is_timeout() {
        "the request timed out".to_string()
    } else if error.is_connect() {
        "could not connect".to_string()
    } else {
        "the connection failed".to_string()
    };
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_must_be_https_or_loopback() {
        assert!(check_base_url("https://api.vanta.com").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://api.vanta.com").is_err());
        assert!(check_base_url("ftp://127.0.0.1").is_err());
        let error = check_base_url("https://vci_id:hunter2@api.vanta.com").unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(
            error.to_string().contains("user name or password"),
            "{error}"
        );
    }

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(parse_retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(parse_retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(parse_retry_after(&headers), None);
    }

    #[test]
    fn error_message_reads_vanta_shapes() {
        let redactor = Redactor::default();
        let message = |body: &[u8]| error_message(body, &redactor);
        assert_eq!(message(br#"{"error":"bad"}"#), "bad");
        assert_eq!(
            message(br#"{"error":"invalid_scope","error_description":"not enabled"}"#),
            "invalid_scope: not enabled"
        );
        assert_eq!(message(br#"{"message":"worse"}"#), "worse");
        assert_eq!(
            message(b"<html>Cannot PUT</html>"),
            "<html>Cannot PUT</html>"
        );
        assert_eq!(message(b""), "(empty body)");
    }

    #[test]
    fn error_message_redacts_before_cutting() {
        let secret = Secret::new("s3cr3t-0123456789");
        let redactor = Redactor::new(&secret);
        let mut body = "x".repeat(195).into_bytes();
        body.extend_from_slice(b"s3cr3t-0123456789 and more");
        let message = error_message(&body, &redactor);
        assert!(!message.contains("s3cr3t"), "{message}");
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let base = Duration::from_millis(100);
        for attempt in 1..5 {
            let delay = backoff(base, attempt);
            let floor = base * (1 << (attempt - 1));
            assert!(
                delay >= floor && delay < floor * 3 / 2,
                "{attempt}: {delay:?}"
            );
        }
    }

    #[test]
    fn rate_limited_retries_wait_for_the_window() {
        let credentials = Credentials {
            client_id: "vci_test".to_string(),
            client_secret: Secret::new("vcs_test_secret_value"),
        };
        let mut options =
            ClientOptions::new("http://127.0.0.1:1".to_string(), credentials, Scope::Read);
        options.backoff_base = Duration::from_millis(1);
        let client = Client::new(options).unwrap();
        let status = |status| VantaError::Status {
            method: "GET",
            path: "/v1/resources/user_account".to_string(),
            status,
            message: String::new(),
        };
        let limited = status(429);
        let first = client.retry_delay(Endpoint::Resources, &limited, 1);
        assert!(first >= Duration::from_secs(3), "{first:?}");
        let second = client.retry_delay(Endpoint::Resources, &limited, 2);
        assert!(second >= Duration::from_secs(6), "{second:?}");
        let token = client.retry_delay(Endpoint::Token, &limited, 1);
        assert!(token >= Duration::from_secs(12), "{token:?}");
        let failed = client.retry_delay(Endpoint::Resources, &status(503), 1);
        assert!(failed < Duration::from_millis(2), "{failed:?}");
    }

    /// Starts a loopback HTTP/1.1 server that records each request (head and body) and
    /// responds like Vanta: a token, an empty list, or a successful sync.
    async fn recording_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorded = seen.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    loop {
                        let mut chunk = [0u8; 4096];
                        let read = stream.read(&mut chunk).await.unwrap_or(0);
                        if read == 0 {
                            return;
                        }
                        buffer.extend_from_slice(&chunk[..read]);
                        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                            continue;
                        };
                        let head = String::from_utf8_lossy(&buffer[..end]).to_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|line| line.strip_prefix("content-length:"))
                            .map_or(0, |value| value.trim().parse().unwrap());
                        if buffer.len() < end + 4 + length {
                            continue;
                        }
                        let request: Vec<u8> = buffer.drain(..end + 4 + length).collect();
                        let request = String::from_utf8_lossy(&request).into_owned();
                        let body = if request.starts_with("POST /oauth/token") {
                            r#"{"access_token":"vat_0123456789abcdef","expires_in":3600}"#
                        } else if request.starts_with("GET ") {
                            r#"{"resources":[]}"#
                        } else {
                            r#"{"success":true}"#
                        };
                        recorded.lock().unwrap().push(request);
                        let response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        stream.write_all(response.as_bytes()).await.unwrap();
                    }
                });
            }
        });
        (url, seen)
    }

    fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
        request.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    #[tokio::test]
    async fn requests_carry_the_expected_headers() {
        let (url, seen) = recording_server().await;
        let credentials = Credentials {
            client_id: "vci_test".to_string(),
            client_secret: Secret::new("vcs_test_secret_value"),
        };
        let client = Client::new(ClientOptions::new(url, credentials, Scope::ReadWrite)).unwrap();
        let schema = Schema::from_json(&serde_json::json!({})).unwrap();
        client
            .list(BaseType::CustomResource, "r1", &schema)
            .await
            .unwrap();
        client
            .sync_all(BaseType::CustomResource, "r1", &[])
            .await
            .unwrap();

        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3, "{seen:#?}");
        let user_agent = concat!("vanta-gitops/", env!("CARGO_PKG_VERSION"));
        for request in &seen {
            assert_eq!(header(request, "user-agent"), Some(user_agent), "{request}");
        }

        let token = &seen[0];
        assert!(token.starts_with("POST /oauth/token "), "{token}");
        assert_eq!(header(token, "content-type"), Some("application/json"));
        assert!(
            token.contains(r#""grant_type":"client_credentials""#),
            "{token}"
        );

        let get = &seen[1];
        assert!(
            get.starts_with("GET /v1/resources/custom_resource?resourceId=r1 "),
            "{get}"
        );
        assert_eq!(header(get, "content-length"), None, "a GET has no body");
        assert_eq!(header(get, "transfer-encoding"), None, "a GET has no body");
        assert_eq!(header(get, "content-type"), None);
        assert_eq!(
            header(get, "authorization"),
            Some("Bearer vat_0123456789abcdef")
        );
        assert!(get.ends_with("\r\n\r\n"), "{get}");

        let put = &seen[2];
        assert!(
            put.starts_with("PUT /v1/resources/custom_resource "),
            "{put}"
        );
        assert_eq!(header(put, "content-type"), Some("application/json"));
        assert!(
            put.ends_with(r#"{"resourceId":"r1","resources":[]}"#),
            "{put}"
        );
        assert_eq!(client.tokens_minted().await, 1);
    }
}
