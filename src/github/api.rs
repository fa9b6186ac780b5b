//! A small client for the GitHub REST API: list, create and update issue comments.
//!
//! Pull-request comments are issue comments in the REST API. The token is sent only to the
//! API origin the client was created with: a pagination link to another origin is an error.
//! Every message built from a response has the token removed, in case a server echoes the
//! request.

use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, LINK};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use url::Url;

use crate::vanta::Secret;

/// Comments requested per page, the maximum GitHub allows.
const PER_PAGE: u32 = 100;

/// The maximum number of comment pages read before giving up: 10,000 comments.
const MAX_PAGES: usize = 100;

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The REST API version the requests are written for.
const API_VERSION: &str = "2022-11-28";

/// A failure to talk to GitHub. Messages never contain the token.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("invalid GitHub API URL `{url}`: {message}")]
    InvalidUrl { url: String, message: String },
    #[error("invalid repository `{0}`: expected `owner/repo`")]
    InvalidRepository(String),
    #[error("the GitHub token is not a valid HTTP header value")]
    InvalidToken,
    #[error("{method} {url} failed: {message}")]
    Transport {
        method: Method,
        url: String,
        message: String,
    },
    #[error("GitHub returned HTTP {status} for {method} {url}: {message}")]
    Status {
        method: Method,
        url: String,
        status: u16,
        message: String,
    },
    #[error("GitHub returned an unreadable response for {method} {url}: {message}")]
    InvalidResponse {
        method: Method,
        url: String,
        message: String,
    },
    #[error(
        "the next page of comments is at `{url}`, outside the GitHub API at `{api_url}`; \
         the token is not sent there"
    )]
    ForeignLink { url: String, api_url: String },
    #[error("the pull request has more than {max} comments; stopped reading them", max = MAX_PAGES * PER_PAGE as usize)]
    TooManyComments,
}

/// A repository, from `owner/repo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    pub owner: String,
    pub name: String,
}

impl Repository {
    /// Parses `owner/repo`. Both parts must be non-empty and use only the characters GitHub
    /// allows in names, so they can be put into a URL path as they are.
    pub fn parse(text: &str) -> Result<Repository, GithubError> {
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(&byte))
        };
        match text.split_once('/') {
            Some((owner, name)) if valid(owner) && valid(name) => Ok(Repository {
                owner: owner.to_string(),
                name: name.to_string(),
            }),
            _ => Err(GithubError::InvalidRepository(text.to_string())),
        }
    }
}

/// An issue or pull-request comment, with the fields this tool reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IssueComment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
}

/// A client for one repository of one GitHub API.
#[derive(Debug)]
pub struct GithubClient {
    http: reqwest::Client,
    api_url: Url,
    token: Secret,
    repository: Repository,
}

impl GithubClient {
    /// Creates a client. The API URL must be HTTPS, or plain HTTP on a loopback address.
    pub fn new(
        api_url: &str,
        token: Secret,
        repository: Repository,
    ) -> Result<GithubClient, GithubError> {
        let parsed = check_api_url(api_url)?;
        if HeaderValue::from_str(&format!("Bearer {}", token.expose())).is_err() {
            return Err(GithubError::InvalidToken);
        }
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("vanta-gitops/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| GithubError::InvalidUrl {
                url: api_url.to_string(),
                message: error.to_string(),
            })?;
        Ok(GithubClient {
            http,
            api_url: parsed,
            token,
            repository,
        })
    }

    /// Lists every comment of an issue or pull request, following `Link: rel="next"`.
    pub async fn list_comments(&self, issue: u64) -> Result<Vec<IssueComment>, GithubError> {
        let mut url = Some(self.endpoint(&format!("issues/{issue}/comments?per_page={PER_PAGE}")));
        let mut comments = Vec::new();
        let mut pages = 0;
        while let Some(current) = url.take() {
            if pages == MAX_PAGES {
                return Err(GithubError::TooManyComments);
            }
            pages += 1;
            let response = self.send(Method::GET, &current, None).await?;
            url = next_link(response.headers());
            if let Some(next) = &url {
                self.check_same_origin(next)?;
            }
            let page: Vec<IssueComment> = self.read_json(Method::GET, &current, response).await?;
            comments.extend(page);
        }
        tracing::debug!(issue, pages, count = comments.len(), "listed comments");
        Ok(comments)
    }

    /// Creates a comment on an issue or pull request.
    pub async fn create_comment(
        &self,
        issue: u64,
        body: &str,
    ) -> Result<IssueComment, GithubError> {
        let url = self.endpoint(&format!("issues/{issue}/comments"));
        let response = self.send(Method::POST, &url, Some(body)).await?;
        self.read_json(Method::POST, &url, response).await
    }

    /// Replaces the body of a comment.
    pub async fn update_comment(&self, id: u64, body: &str) -> Result<IssueComment, GithubError> {
        let url = self.endpoint(&format!("issues/comments/{id}"));
        let response = self.send(Method::PATCH, &url, Some(body)).await?;
        self.read_json(Method::PATCH, &url, response).await
    }

    fn endpoint(&self, rest: &str) -> String {
        format!(
            "{}/repos/{}/{}/{rest}",
            self.api_url.as_str().trim_end_matches('/'),
            self.repository.owner,
            self.repository.name
        )
    }

    /// Sends a request and returns the response when its status is a success.
    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&str>,
    ) -> Result<reqwest::Response, GithubError> {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", self.token.expose()))
            .map_err(|_| GithubError::InvalidToken)?;
        authorization.set_sensitive(true);
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", API_VERSION)
            .header(AUTHORIZATION, authorization);
        if let Some(body) = body {
            request = request.json(&serde_json::json!({ "body": body }));
        }
        tracing::debug!(%method, url, "sending a GitHub request");
        let response = request
            .send()
            .await
            .map_err(|error| GithubError::Transport {
                method: method.clone(),
                url: url.to_string(),
                message: self.redact(&transport_message(error)),
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let text = response.text().await.unwrap_or_default();
        Err(GithubError::Status {
            method,
            url: url.to_string(),
            status: status.as_u16(),
            message: self.redact(&error_message(status, &text)),
        })
    }

    async fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        url: &str,
        response: reqwest::Response,
    ) -> Result<T, GithubError> {
        let invalid = |message: String| GithubError::InvalidResponse {
            method: method.clone(),
            url: url.to_string(),
            message,
        };
        let text = response
            .text()
            .await
            .map_err(|error| invalid(self.redact(&error.to_string())))?;
        serde_json::from_str(&text).map_err(|error| invalid(error.to_string()))
    }

    fn check_same_origin(&self, next: &str) -> Result<(), GithubError> {
        let foreign = || GithubError::ForeignLink {
            url: next.to_string(),
            api_url: self.api_url.to_string(),
        };
        let parsed = Url::parse(next).map_err(|_| foreign())?;
        if parsed.origin() == self.api_url.origin() {
            Ok(())
        } else {
            Err(foreign())
        }
    }

    /// Removes the token from a text that may quote the request.
    fn redact(&self, text: &str) -> String {
        let token = self.token.expose();
        if token.is_empty() {
            text.to_string()
        } else {
            text.replace(token, "[REDACTED]")
        }
    }
}

/// Returns a transport error with its causes, such as a refused connection, without the URL
/// that the error message around it already names.
fn transport_message(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    message
}

/// Accepts HTTPS URLs, and plain HTTP only on loopback addresses (tests and local stand-ins),
/// so the token never crosses a network unencrypted.
fn check_api_url(url: &str) -> Result<Url, GithubError> {
    let invalid = |message: &str| GithubError::InvalidUrl {
        url: url.to_string(),
        message: message.to_string(),
    };
    let parsed = Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(domain)) => domain == "localhost",
                Some(url::Host::Ipv4(address)) => address.is_loopback(),
                Some(url::Host::Ipv6(address)) => address.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(parsed)
            } else {
                Err(invalid(
                    "plain HTTP is allowed only on loopback addresses; use https://",
                ))
            }
        }
        _ => Err(invalid("the URL must start with https://")),
    }
}

/// Returns GitHub's explanation of an error: the `message` field of its JSON body, with the
/// `errors` details when present, or the start of the body as text.
fn error_message(status: StatusCode, body: &str) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        message: String,
        #[serde(default)]
        errors: Vec<serde_json::Value>,
    }
    if let Ok(parsed) = serde_json::from_str::<ErrorBody>(body) {
        let details: Vec<String> = parsed
            .errors
            .iter()
            .map(
                |error| match error.get("message").and_then(|m| m.as_str()) {
                    Some(message) => message.to_string(),
                    None => error.to_string(),
                },
            )
            .collect();
        if details.is_empty() {
            return parsed.message;
        }
        return format!("{} ({})", parsed.message, details.join("; "));
    }
    let text: String = body.trim().chars().take(300).collect();
    if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("no explanation")
            .to_string()
    } else {
        text
    }
}

/// Returns the `rel="next"` address of a `Link` header, when there is one.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|link| {
            let (target, params) = link.trim().split_once(';')?;
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            let is_next = params.split(';').any(|param| {
                param
                    .trim()
                    .strip_prefix("rel=")
                    .map(|rel| rel.trim_matches('"'))
                    .is_some_and(|rel| rel.split(' ').any(|value| value == "next"))
            });
            is_next.then(|| target.to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    #[test]
    fn next_link_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<https://api.github.com/repositories/1/issues/2/comments?page=1>; rel=\"prev\", \
                 <https://api.github.com/repositories/1/issues/2/comments?page=3>; rel=\"next\", \
                 <https://api.github.com/repositories/1/issues/2/comments?page=9>; rel=\"last\"",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.github.com/repositories/1/issues/2/comments?page=3")
        );
    }

    #[test]
    fn last_page_has_no_next_link() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static("<https://api.github.com/x?page=1>; rel=\"first\""),
        );
        assert_eq!(next_link(&headers), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn token_stays_on_api_origin() {
        let client = GithubClient::new(
            "https://ghe.example/api/v3",
            Secret::new("token"),
            Repository::parse("acme/inventory").unwrap(),
        )
        .unwrap();
        assert!(
            client
                .check_same_origin(
                    "https://ghe.example/api/v3/repositories/1/issues/2/comments?page=2"
                )
                .is_ok()
        );
        for foreign in [
            "https://attacker.example/api/v3/x?page=2",
            "http://ghe.example/api/v3/x?page=2",
            "https://ghe.example:8443/api/v3/x?page=2",
            "not a url",
        ] {
            assert!(client.check_same_origin(foreign).is_err(), "{foreign}");
        }
    }

    #[test]
    fn token_removed_from_messages() {
        let client = GithubClient::new(
            "https://api.github.com",
            Secret::new("ghs_secret"),
            Repository::parse("acme/inventory").unwrap(),
        )
        .unwrap();
        assert_eq!(
            client.redact("denied for Bearer ghs_secret"),
            "denied for Bearer [REDACTED]"
        );
    }

    #[test]
    fn repository_must_be_owner_and_name() {
        assert_eq!(
            Repository::parse("acme/inventory").unwrap(),
            Repository {
                owner: "acme".to_string(),
                name: "inventory".to_string()
            }
        );
        for bad in [
            "acme",
            "acme/",
            "/inventory",
            "acme/inv/x",
            "acme/in ventory",
        ] {
            assert!(Repository::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_api_url("https://ghe.example/api/v3").is_ok());
        assert!(check_api_url("http://127.0.0.1:8080").is_ok());
        assert!(check_api_url("http://ghe.example/api/v3").is_err());
        assert!(check_api_url("ftp://127.0.0.1").is_err());
    }

    #[test]
    fn error_message_prefers_github_json() {
        let body = r#"{"message":"Validation Failed","errors":[{"message":"body is too long"}]}"#;
        assert_eq!(
            error_message(StatusCode::UNPROCESSABLE_ENTITY, body),
            "Validation Failed (body is too long)"
        );
        assert_eq!(
            error_message(StatusCode::BAD_GATEWAY, ""),
            "Bad Gateway".to_string()
        );
    }
}
