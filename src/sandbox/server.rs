//! The HTTP server: routes, the per-request layer that injects faults, logs and records each
//! request, and the accept loop that can drop a connection on request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

use super::auth::{self, TokenStore};
use super::config::SandboxConfig;
use super::faults::{self, FaultAction, FaultSet};
use super::journal::{Journal, RequestEntry};
use super::limits::RateLimiter;
use super::resources::{self, now_rfc3339};
use super::state::Store;
use super::validate::RecordValidator;
use super::{SandboxError, admin, reply};

/// Time that open connections get to finish their request at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// State shared by every request.
#[derive(Debug)]
pub struct Shared {
    pub config: SandboxConfig,
    pub tokens: Mutex<TokenStore>,
    pub token_limiter: RateLimiter,
    pub resource_limiter: RateLimiter,
    /// The records. One lock covers each change and the write of the state file.
    pub store: tokio::sync::Mutex<Store>,
    pub faults: Mutex<FaultSet>,
    pub journal: Mutex<Journal>,
    /// Compiled record schemas by `resourceId`.
    pub validators: HashMap<String, RecordValidator>,
}

impl Shared {
    /// Compiles the record schemas of every declared resource and sets up empty token, limit,
    /// fault and journal state around `store`.
    fn new(config: SandboxConfig, store: Store) -> Result<Self, SandboxError> {
        let mut validators = HashMap::new();
        for resource in &config.resources {
            let validator = RecordValidator::new(
                resource,
                config.check_rules,
                config.require_https_external_url,
            )
            .map_err(|message| {
                SandboxError::InvalidConfig(format!(
                    "schema of resource {}: {message}",
                    resource.resource_id
                ))
            })?;
            validators.insert(resource.resource_id.clone(), validator);
        }
        Ok(Shared {
            validators,
            tokens: Mutex::new(TokenStore::default()),
            token_limiter: RateLimiter::new(config.rate_limits.token),
            resource_limiter: RateLimiter::new(config.rate_limits.resources),
            store: tokio::sync::Mutex::new(store),
            faults: Mutex::new(FaultSet::new(config.faults.clone())),
            journal: Mutex::new(Journal::default()),
            config,
        })
    }
}

/// The peer of a connection and a switch that closes the connection without a response.
#[derive(Debug, Clone)]
pub struct Connection {
    pub peer: SocketAddr,
    closer: Arc<Notify>,
}

impl Connection {
    fn close(&self) {
        self.closer.notify_one();
    }
}

/// Locks a standard mutex, recovering the data if a panicking thread poisoned it, because
/// every critical section leaves the data consistent.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A sandbox server running on a background task.
#[derive(Debug)]
pub struct RunningSandbox {
    local_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSandbox {
    /// Returns the base URL of the API, such as `http://127.0.0.1:8080`, without a trailing
    /// slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Returns the address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections, lets open requests finish for a few seconds, then closes
    /// every connection.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the sandbox server task failed");
        }
    }
}

/// Loads the state, binds `listen` and serves in a background task.
pub async fn start(
    config: SandboxConfig,
    state_path: Option<std::path::PathBuf>,
    listen: SocketAddr,
) -> Result<RunningSandbox, SandboxError> {
    config.check()?;
    let mut store = Store::load(state_path)?;
    admin::apply_seeds(&config, &mut store).await?;
    let shared = Arc::new(Shared::new(config, store)?);

    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| SandboxError::Bind {
            address: listen,
            source,
        })?;
    let local_addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        address: listen,
        source,
    })?;
    let (shutdown, shutdown_signal) = watch::channel(false);
    let router = router(shared);
    let task = tokio::spawn(accept_loop(listener, router, shutdown_signal));
    tracing::debug!(%local_addr, "sandbox started");
    Ok(RunningSandbox {
        local_addr,
        shutdown,
        task,
    })
}

fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/oauth/token", post(auth::issue_token))
        .route(
            "/v1/resources/{segment}",
            get(resources::list_all).put(resources::sync_all),
        )
        .route("/v1/resources/{segment}/list_all", get(resources::list_all))
        .route("/v1/resources/{segment}/sync_all", put(resources::sync_all))
        .nest("/_sandbox", admin::router())
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(shared.clone());
    api.layer(middleware::from_fn_with_state(shared, observe))
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    reply::route_not_found(method.as_str(), uri.path())
}

/// Injects the first fault that fires, rejects GET requests with a body, then records and
/// logs the request. Admin requests get neither faults nor a journal entry.
async fn observe(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let time = now_rfc3339();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);

    if path == "/_sandbox" || path.starts_with("/_sandbox/") {
        let response = next.run(request).await;
        log_request(&method, &path, Some(response.status().as_u16()), started);
        return response;
    }

    let fired = lock(&shared.faults).on_request(method.as_str(), &path);
    let action = fired.as_ref().and_then(|fired| fired.action.clone());
    let fault_name = fired.as_ref().map(|fired| match &fired.action {
        Some(action) => action.name(),
        None => "delay",
    });
    let pending = PendingEntry {
        shared: shared.clone(),
        started,
        entry: Some(RequestEntry {
            method: method.to_string(),
            path: path.clone(),
            query,
            status: None,
            time,
            duration_ms: 0,
            fault: fault_name.map(str::to_owned),
            abandoned: false,
        }),
    };
    if let Some(delay) = fired.and_then(|fired| fired.delay) {
        tokio::time::sleep(delay).await;
    }

    let response = match &action {
        Some(FaultAction::Drop) => {
            pending.finish(None);
            log_request(&method, &path, None, started);
            if let Some(connection) = request.extensions().get::<Connection>() {
                connection.close();
            }
            // The connection task drops this future when it closes the connection.
            return std::future::pending().await;
        }
        Some(
            respond @ FaultAction::Respond {
                after_handling: true,
                ..
            },
        ) => {
            let _handled = handle(request, next).await;
            faults::fault_response(respond)
        }
        Some(respond @ FaultAction::Respond { .. }) => faults::fault_response(respond),
        Some(FaultAction::RevokeToken) => {
            if let Some(token) = auth::bearer_token(request.headers()) {
                lock(&shared.tokens).revoke_token(token);
            }
            handle(request, next).await
        }
        Some(corruption) => {
            let response = handle(request, next).await;
            corrupt(corruption, response).await
        }
        None => handle(request, next).await,
    };

    pending.finish(Some(response.status().as_u16()));
    log_request(&method, &path, Some(response.status().as_u16()), started);
    response
}

/// A journal entry that is recorded when its request finishes. When the client closes the
/// connection first, as a client that timed out does, the server drops the request's future,
/// and the entry is recorded as abandoned instead of being lost.
struct PendingEntry {
    shared: Arc<Shared>,
    started: Instant,
    entry: Option<RequestEntry>,
}

impl PendingEntry {
    /// Records the entry with the status sent, or none when no response is sent.
    fn finish(mut self, status: Option<u16>) {
        if let Some(mut entry) = self.entry.take() {
            entry.status = status;
            entry.duration_ms = elapsed_ms(self.started);
            lock(&self.shared.journal).push(entry);
        }
    }
}

impl Drop for PendingEntry {
    fn drop(&mut self) {
        if let Some(mut entry) = self.entry.take() {
            entry.abandoned = true;
            entry.duration_ms = elapsed_ms(self.started);
            tracing::info!(method = %entry.method, path = %entry.path, "request abandoned by the client");
            lock(&self.shared.journal).push(entry);
        }
    }
}

async fn handle(request: Request, next: Next) -> Response {
    if resources::is_get_with_body(request.method(), request.headers()) {
        return reply::get_with_body_forbidden();
    }
    next.run(request).await
}

async fn corrupt(action: &FaultAction, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "failed to read a response body to corrupt; sending it empty");
            axum::body::Bytes::new()
        }
    };
    let corrupted = faults::corrupt_body(action, &bytes);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(corrupted))
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn log_request(method: &Method, path: &str, status: Option<u16>, started: Instant) {
    let duration_ms = elapsed_ms(started);
    match status {
        Some(status) => tracing::info!(%method, path, status, duration_ms, "request"),
        None => tracing::info!(%method, path, duration_ms, "request dropped without a response"),
    }
}

/// Accepts connections until shutdown, then gives open connections a grace period.
async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, router.clone(), shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "failed to accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => break,
            // Reap finished connection tasks so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let closer = Arc::new(Notify::new());
    let connection = Connection {
        peer,
        closer: closer.clone(),
    };
    let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
        request.extensions_mut().insert(connection.clone());
        router.clone().oneshot(request)
    });
    let serving = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(serving);

    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = serving.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, %peer, "connection ended with an error");
                }
                return;
            }
            // Dropping `serving` closes the socket without writing a response.
            () = closer.notified() => return,
            changed = shutdown.changed(), if !shutting_down => {
                shutting_down = true;
                if changed.is_ok() {
                    serving.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The admin API cannot be reached from another host in a test, so this passes the
    /// connection's peer address to the router directly.
    #[tokio::test]
    async fn admin_rejects_non_loopback_peers() {
        let store = Store::load(None).unwrap();
        let shared = Arc::new(Shared::new(SandboxConfig::default(), store).unwrap());
        let app = router(shared);
        for (peer, expected) in [
            ("192.0.2.10:40000", 403),
            ("[2001:db8::1]:40000", 403),
            ("127.0.0.1:40000", 200),
            ("[::1]:40000", 200),
        ] {
            let mut request = Request::get("/_sandbox/requests")
                .body(Body::empty())
                .unwrap();
            request.extensions_mut().insert(Connection {
                peer: peer.parse().unwrap(),
                closer: Arc::new(Notify::new()),
            });
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status().as_u16(), expected, "peer {peer}");
        }
    }

    #[tokio::test]
    async fn api_stays_open_to_any_peer() {
        let store = Store::load(None).unwrap();
        let shared = Arc::new(Shared::new(SandboxConfig::default(), store).unwrap());
        let app = router(shared);
        let mut request = Request::post("/oauth/token")
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        request.extensions_mut().insert(Connection {
            peer: "192.0.2.10:40000".parse().unwrap(),
            closer: Arc::new(Notify::new()),
        });
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status().as_u16(), 400);
    }
}
