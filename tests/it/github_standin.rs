//! A stand-in for the issue-comment endpoints of the GitHub REST API, served on loopback.
//!
//! It keeps comments in memory, pages them like GitHub (`per_page` up to 100, a `Link` header
//! with `rel="next"`), checks the bearer token, logs every request, and can be set to fail
//! writes. Failure messages quote the request's `Authorization` header, as a careless proxy
//! might, so tests can check that the binary never prints the token.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use serde::Deserialize;
use serde_json::json;

/// One stored comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredComment {
    pub id: u64,
    pub issue: u64,
    pub body: String,
}

#[derive(Debug, Default)]
struct Data {
    comments: Vec<StoredComment>,
    next_id: u64,
    requests: Vec<String>,
    failure: Option<(StatusCode, String)>,
}

#[derive(Clone)]
struct Shared {
    data: Arc<Mutex<Data>>,
    token: String,
    base_url: String,
}

/// A running stand-in with its own runtime, stopped when dropped.
pub struct GithubStandin {
    /// The runtime the server runs on; dropping it stops the server.
    _runtime: tokio::runtime::Runtime,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    shared: Shared,
    pub url: String,
}

impl GithubStandin {
    /// Starts a stand-in that accepts only `token`.
    pub fn start(token: &str) -> GithubStandin {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(SocketAddr::from((
                Ipv4Addr::LOCALHOST,
                0,
            ))))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = Shared {
            data: Arc::new(Mutex::new(Data {
                next_id: 1000,
                ..Data::default()
            })),
            token: token.to_string(),
            base_url: url.clone(),
        };
        let router = axum::Router::new()
            .route(
                "/repos/{owner}/{repo}/issues/{number}/comments",
                get(list_comments).post(create_comment),
            )
            .route(
                "/repos/{owner}/{repo}/issues/comments/{id}",
                patch(update_comment),
            )
            .with_state(shared.clone());
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        GithubStandin {
            _runtime: runtime,
            shutdown: Some(shutdown),
            shared,
            url,
        }
    }

    /// Adds a comment as if someone had posted it, and returns its id.
    pub fn add_comment(&self, issue: u64, body: &str) -> u64 {
        let mut data = self.shared.data.lock().unwrap();
        data.next_id += 1;
        let id = data.next_id;
        data.comments.push(StoredComment {
            id,
            issue,
            body: body.to_string(),
        });
        id
    }

    /// Returns the comments of an issue, oldest first.
    pub fn comments(&self, issue: u64) -> Vec<StoredComment> {
        let data = self.shared.data.lock().unwrap();
        data.comments
            .iter()
            .filter(|comment| comment.issue == issue)
            .cloned()
            .collect()
    }

    /// Makes every POST and PATCH fail with this status and message.
    pub fn fail_writes(&self, status: u16, message: &str) {
        let status = StatusCode::from_u16(status).unwrap();
        self.shared.data.lock().unwrap().failure = Some((status, message.to_string()));
    }

    /// Returns the requests served, as `METHOD /path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.shared.data.lock().unwrap().requests.clone()
    }
}

impl Drop for GithubStandin {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<usize>,
    per_page: Option<usize>,
}

#[derive(Deserialize)]
struct CommentRequest {
    body: String,
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({
            "message": message,
            "documentation_url": "https://docs.github.com/rest",
            "status": status.as_u16().to_string(),
        })),
    )
        .into_response()
}

/// Logs the request, checks the token, and returns the configured failure for writes.
fn admit(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let mut data = shared.data.lock().unwrap();
    data.requests.push(format!("{method} {uri}"));
    let authorization = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if authorization != format!("Bearer {}", shared.token) {
        return Some(error(StatusCode::UNAUTHORIZED, "Bad credentials"));
    }
    if headers.get("user-agent").is_none() {
        return Some(error(
            StatusCode::FORBIDDEN,
            "a User-Agent header is required",
        ));
    }
    if *method != Method::GET
        && let Some((status, message)) = &data.failure
    {
        return Some(error(
            *status,
            &format!("{message} (request carried `Authorization: {authorization}`)"),
        ));
    }
    None
}

fn comment_json(shared: &Shared, comment: &StoredComment) -> serde_json::Value {
    json!({
        "id": comment.id,
        "body": comment.body,
        "html_url": format!("{}/acme/inventory/pull/{}#issuecomment-{}", shared.base_url, comment.issue, comment.id),
        "user": { "login": "github-actions[bot]" },
    })
}

async fn list_comments(
    State(shared): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    Query(query): Query<PageQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(response) = admit(&shared, &method, &uri, &headers) {
        return response;
    }
    let per_page = query.per_page.unwrap_or(30).clamp(1, 100);
    let page = query.page.unwrap_or(1).max(1);
    let data = shared.data.lock().unwrap();
    let all: Vec<&StoredComment> = data
        .comments
        .iter()
        .filter(|comment| comment.issue == number)
        .collect();

    let last_page = all.len().div_ceil(per_page).max(1);
    let items: Vec<serde_json::Value> = all
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|comment| comment_json(&shared, comment))
        .collect();
    let link = |page: usize| {
        format!(
            "<{}/repos/{owner}/{repo}/issues/{number}/comments?per_page={per_page}&page={page}>",
            shared.base_url
        )
    };

    let mut links = Vec::new();
    if page < last_page {
        links.push(format!("{}; rel=\"next\"", link(page + 1)));
        links.push(format!("{}; rel=\"last\"", link(last_page)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link(page - 1)));
        links.push(format!("{}; rel=\"first\"", link(1)));
    }
    let mut response = Json(items).into_response();
    if !links.is_empty() {
        response
            .headers_mut()
            .insert("link", links.join(", ").parse().unwrap());
    }
    response
}

async fn create_comment(
    State(shared): State<Shared>,
    Path((_owner, _repo, number)): Path<(String, String, u64)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Json(request): Json<CommentRequest>,
) -> Response {
    if let Some(response) = admit(&shared, &method, &uri, &headers) {
        return response;
    }
    if request.body.chars().count() > 65_536 {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation Failed: body is too long (maximum is 65536 characters)",
        );
    }
    let mut data = shared.data.lock().unwrap();
    data.next_id += 1;
    let comment = StoredComment {
        id: data.next_id,
        issue: number,
        body: request.body,
    };
    data.comments.push(comment.clone());
    (StatusCode::CREATED, Json(comment_json(&shared, &comment))).into_response()
}

async fn update_comment(
    State(shared): State<Shared>,
    Path((_owner, _repo, id)): Path<(String, String, u64)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Json(request): Json<CommentRequest>,
) -> Response {
    if let Some(response) = admit(&shared, &method, &uri, &headers) {
        return response;
    }
    if request.body.chars().count() > 65_536 {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation Failed: body is too long (maximum is 65536 characters)",
        );
    }
    let mut data = shared.data.lock().unwrap();
    let Some(comment) = data.comments.iter_mut().find(|comment| comment.id == id) else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    comment.body = request.body;
    let comment = comment.clone();
    Json(comment_json(&shared, &comment)).into_response()
}
