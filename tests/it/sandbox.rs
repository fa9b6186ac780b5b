//! Contract tests of the sandbox over real loopback HTTP: each test starts its own server on
//! an ephemeral port and calls it with reqwest.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use vanta_gitops::sandbox::{
    self, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, READ_SCOPE, RateLimit, RateLimits,
    ResourceDecl, RunningSandbox, SandboxConfig, WRITE_SCOPE,
};
use vanta_gitops::schema::base::BaseType;

const USERS: &str = "res-users";
const SECRETS: &str = "res-secrets";
const SERVERS: &str = "res-servers";
const BOTH_SCOPES: &str = "connectors.self:read-resource connectors.self:write-resource";

/// Builds a configuration with three declared resources and no rate limits.
fn config() -> SandboxConfig {
    let mut config = SandboxConfig {
        rate_limits: RateLimits::disabled(),
        ..SandboxConfig::default()
    };
    config.declare(ResourceDecl {
        resource_id: USERS.into(),
        base_type: BaseType::UserAccount,
        custom_properties: None,
    });
    config.declare(ResourceDecl {
        resource_id: SECRETS.into(),
        base_type: BaseType::Secret,
        custom_properties: None,
    });
    config.declare(ResourceDecl {
        resource_id: SERVERS.into(),
        base_type: BaseType::CustomResource,
        custom_properties: Some(json!({
            "properties": {
                "name": { "type": "string" },
                "active": { "type": "boolean" },
                "memory": { "type": "int32" },
            }
        })),
    });
    config
}

struct Harness {
    sandbox: RunningSandbox,
    http: reqwest::Client,
}

impl Harness {
    async fn start(config: SandboxConfig) -> Harness {
        Self::start_with_state(config, None).await
    }

    async fn start_with_state(config: SandboxConfig, state: Option<std::path::PathBuf>) -> Harness {
        let sandbox = sandbox::start(config, state, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("sandbox starts");
        Harness {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    async fn request_token(&self, client_id: &str, secret: &str, scope: &str) -> reqwest::Response {
        self.http
            .post(self.url("/oauth/token"))
            .json(&json!({
                "client_id": client_id,
                "client_secret": secret,
                "scope": scope,
                "grant_type": "client_credentials",
            }))
            .send()
            .await
            .unwrap()
    }

    async fn token_with(&self, scope: &str) -> String {
        let response = self
            .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, scope)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn token(&self) -> String {
        self.token_with(BOTH_SCOPES).await
    }

    async fn get(&self, token: &str, path: &str, resource_id: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .query(&[("resourceId", resource_id)])
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn put(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Lists the stored records of a resource through GET, asserting success.
    async fn records(&self, token: &str, segment: &str, resource_id: &str) -> Vec<Value> {
        let response = self
            .get(token, &format!("/v1/resources/{segment}"), resource_id)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["resources"].as_array().unwrap().clone()
    }

    async fn put_records(
        &self,
        token: &str,
        segment: &str,
        resource_id: &str,
        records: &[Value],
    ) -> reqwest::Response {
        let body = json!({ "resourceId": resource_id, "resources": records });
        self.put(token, &format!("/v1/resources/{segment}"), &body)
            .await
    }

    async fn add_fault(&self, fault: Value) {
        let response = self
            .http
            .post(self.url("/_sandbox/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{}",
            response.text().await.unwrap()
        );
    }

    async fn journal(&self) -> Vec<Value> {
        let body: Value = self
            .http
            .get(self.url("/_sandbox/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["requests"].as_array().unwrap().clone()
    }
}

fn user(unique_id: &str) -> Value {
    json!({
        "displayName": format!("User {unique_id}"),
        "uniqueId": unique_id,
        "externalUrl": format!("https://example.com/users/{unique_id}"),
        "fullName": format!("User {unique_id}"),
        "accountName": unique_id,
        "email": format!("{unique_id}@example.com"),
        "permissionLevel": "BASE",
        "createdTimestamp": "2026-01-02T03:04:05Z",
        "status": "ACTIVE",
        "mfaEnabled": true,
        "mfaMethods": ["OTP"],
        "authMethod": "PASSWORD",
    })
}

fn secret(unique_id: &str) -> Value {
    json!({
        "displayName": format!("Secret {unique_id}"),
        "uniqueId": unique_id,
        "externalUrl": format!("https://example.com/secrets/{unique_id}"),
        "name": unique_id,
        "description": "a secret",
        "createdTimestamp": "2026-01-02T03:04:05Z",
        "creator": "alice@example.com",
        "owner": "bob@example.com",
    })
}

fn server(unique_id: &str) -> Value {
    json!({
        "displayName": format!("Server {unique_id}"),
        "uniqueId": unique_id,
        "externalUrl": format!("https://example.com/servers/{unique_id}"),
        "customProperties": { "name": unique_id, "active": true, "memory": 16384 },
    })
}

fn unique_ids(records: &[Value]) -> Vec<&str> {
    records
        .iter()
        .map(|record| record["uniqueId"].as_str().unwrap())
        .collect()
}

async fn error_message(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["error"].as_str().unwrap_or_default().to_owned()
}

// ---- OAuth token endpoint ----

#[tokio::test]
async fn token_response_shape() {
    let harness = Harness::start(config()).await;
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert!(body["access_token"].as_str().unwrap().starts_with("vat_"));
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["token_type"], "Bearer");
}

#[tokio::test]
async fn token_rejects_form_encoding() {
    let harness = Harness::start(config()).await;
    let response = harness
        .http
        .post(harness.url("/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "client_id={DEFAULT_CLIENT_ID}&client_secret={DEFAULT_CLIENT_SECRET}&grant_type=client_credentials"
        ))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(response.status().as_u16(), 400 | 415),
        "status {}",
        response.status()
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn token_rejects_bad_credentials() {
    let harness = Harness::start(config()).await;
    for (client_id, secret) in [
        (DEFAULT_CLIENT_ID, "wrong"),
        ("vci_unknown", DEFAULT_CLIENT_SECRET),
    ] {
        let response = harness.request_token(client_id, secret, BOTH_SCOPES).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_client");
    }
}

#[tokio::test]
async fn token_rejects_other_grant_types() {
    let harness = Harness::start(config()).await;
    let response = harness
        .http
        .post(harness.url("/oauth/token"))
        .json(&json!({
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "grant_type": "authorization_code",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn token_rejects_scope_not_enabled() {
    let mut config = config();
    config.applications[0].scopes = vec![READ_SCOPE.into()];
    let harness = Harness::start(config).await;
    for scope in [BOTH_SCOPES, "vanta-api.all:read"] {
        let response = harness
            .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, scope)
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "scope {scope}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_scope");
    }
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, READ_SCOPE)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn new_token_revokes_previous() {
    let harness = Harness::start(config()).await;
    let first = harness.token().await;
    let response = harness
        .get(&first, "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let second = harness.token().await;
    assert_ne!(first, second);
    let response = harness
        .get(&first, "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_message(response).await, "unauthorized");
    let response = harness
        .get(&second, "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn token_expires_after_lifetime() {
    let harness = Harness::start(SandboxConfig {
        token_lifetime_seconds: 1,
        ..config()
    })
    .await;
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 1);
    let token = body["access_token"].as_str().unwrap().to_owned();
    let response = harness
        .get(&token, "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = harness
        .get(&token, "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_endpoint_rate_limited() {
    let harness = Harness::start(SandboxConfig {
        rate_limits: RateLimits {
            token: Some(RateLimit {
                max_requests: 5,
                window_ms: 1500,
            }),
            ..RateLimits::disabled()
        },
        ..config()
    })
    .await;
    for attempt in 0..5 {
        let response = harness
            .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
            .await;
        assert_eq!(response.status(), StatusCode::OK, "attempt {attempt}");
    }
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(response.text().await.unwrap(), "rate limit exceeded");

    tokio::time::sleep(Duration::from_millis(1600)).await;
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

// ---- Routing, authentication and scopes ----

#[tokio::test]
async fn both_path_forms_reach_same_records() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let body = json!({ "resourceId": SECRETS, "resources": [secret("s1")] });
    let response = harness
        .put(&token, "/v1/resources/secret/sync_all", &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response_body: Value = response.json().await.unwrap();
    assert_eq!(response_body, json!({ "success": true }));

    for path in ["/v1/resources/secret", "/v1/resources/secret/list_all"] {
        let response = harness.get(&token, path, SECRETS).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            unique_ids(body["resources"].as_array().unwrap()),
            ["s1"],
            "{path}"
        );
    }

    // Unknown top-level keys, such as the `sourceId` some clients send, are ignored.
    let body = json!({ "resourceId": SECRETS, "sourceId": "src-1", "resources": [secret("s2")] });
    let response = harness.put(&token, "/v1/resources/secret", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let records = harness.records(&token, "secret", SECRETS).await;
    assert_eq!(unique_ids(&records), ["s2"]);

    // The type name works in place of the path segment too.
    let records = harness.records(&token, "Secret", SECRETS).await;
    assert_eq!(unique_ids(&records), ["s2"]);
}

#[tokio::test]
async fn every_base_type_is_routed() {
    let mut config = config();
    for (index, base_type) in BaseType::ALL.into_iter().enumerate() {
        config.declare(ResourceDecl {
            resource_id: format!("res-{index}"),
            base_type,
            custom_properties: None,
        });
    }
    let harness = Harness::start(config).await;
    let token = harness.token().await;
    for (index, base_type) in BaseType::ALL.into_iter().enumerate() {
        let path = format!("/v1/resources/{}", base_type.path_segment());
        let response = harness.get(&token, &path, &format!("res-{index}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({ "resources": [] }), "{path}");
        let response = harness
            .put(
                &token,
                &path,
                &json!({ "resourceId": format!("res-{index}"), "resources": [] }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn unknown_routes_and_resources_are_404() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;

    let response = harness.get(&token, "/v1/resources/computers", USERS).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Cannot GET /v1/resources/computers")
    );

    let response = harness
        .put(
            &token,
            "/v1/resources/computers",
            &json!({ "resourceId": USERS, "resources": [] }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let response = harness
        .http
        .post(harness.url("/v1/resources/secret"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let text = response.text().await.unwrap();
    assert!(text.contains("Cannot POST /v1/resources/secret"), "{text}");

    let response = harness
        .get(&token, "/v1/resources/user_account", "res-undeclared")
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!error_message(response).await.is_empty());

    // A declared resourceId of another base type is not found either.
    let response = harness.get(&token, "/v1/resources/secret", USERS).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!error_message(response).await.is_empty());

    let body = json!({ "resourceId": "res-undeclared", "resources": [] });
    let response = harness
        .put(&token, "/v1/resources/user_account", &body)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn missing_resource_id_is_400() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let response = harness
        .http
        .get(harness.url("/v1/resources/user_account"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(!error_message(response).await.is_empty());

    let response = harness
        .put(
            &token,
            "/v1/resources/user_account",
            &json!({ "resources": [] }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn missing_or_unknown_token_is_401() {
    let harness = Harness::start(config()).await;
    let response = harness
        .http
        .get(harness.url("/v1/resources/user_account"))
        .query(&[("resourceId", USERS)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_message(response).await, "unauthorized");

    let response = harness
        .get("vat_made_up", "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn scopes_gate_get_and_put() {
    let harness = Harness::start(config()).await;
    let read_only = harness.token_with(READ_SCOPE).await;
    let response = harness
        .put_records(&read_only, "secret", SECRETS, &[secret("s1")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_message(response).await, "unauthorized");
    let response = harness
        .get(&read_only, "/v1/resources/secret", SECRETS)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let write_only = harness.token_with(WRITE_SCOPE).await;
    let response = harness
        .get(&write_only, "/v1/resources/secret", SECRETS)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_message(response).await, "unauthorized");
    let response = harness
        .put_records(&write_only, "secret", SECRETS, &[secret("s1")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn get_with_body_is_rejected_as_cdn_html() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let response = harness
        .http
        .get(harness.url("/v1/resources/user_account"))
        .query(&[("resourceId", USERS)])
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("could not be satisfied")
    );
}

// ---- Full-state replacement ----

#[tokio::test]
async fn put_replaces_full_state() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s1"), secret("s2")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s2"), secret("s3")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let records = harness.records(&token, "secret", SECRETS).await;
    assert_eq!(unique_ids(&records), ["s2", "s3"]);
    for record in &records {
        assert!(record["createdAt"].is_string());
        assert!(record["updatedAt"].is_string());
        assert!(record["deletedAt"].is_null());
    }

    let response = harness.put_records(&token, "secret", SECRETS, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(harness.records(&token, "secret", SECRETS).await.is_empty());
}

#[tokio::test]
async fn user_accounts_are_soft_deleted_and_reactivated() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let response = harness
        .put_records(&token, "user_account", USERS, &[user("u1"), user("u2")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let created = harness.records(&token, "user_account", USERS).await;

    let response = harness
        .put_records(&token, "user_account", USERS, &[user("u1")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let records = harness.records(&token, "user_account", USERS).await;
    assert_eq!(unique_ids(&records), ["u1", "u2"]);
    assert!(records[0]["deletedAt"].is_null());
    assert!(records[1]["deletedAt"].is_string());
    assert_eq!(records[1]["email"], "u2@example.com");

    // Omitting the account again keeps the time it was first deleted.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    harness
        .put_records(&token, "user_account", USERS, &[user("u1")])
        .await;
    let again = harness.records(&token, "user_account", USERS).await;
    assert_eq!(again[1]["deletedAt"], records[1]["deletedAt"]);

    let response = harness
        .put_records(&token, "user_account", USERS, &[user("u1"), user("u2")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let records = harness.records(&token, "user_account", USERS).await;
    assert_eq!(unique_ids(&records), ["u1", "u2"]);
    assert!(records[1]["deletedAt"].is_null());
    assert_eq!(records[1]["createdAt"], created[1]["createdAt"]);
}

#[tokio::test]
async fn updated_at_changes_only_with_fields() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1"), secret("s2")])
        .await;
    let before = harness.records(&token, "secret", SECRETS).await;

    // Timestamps have whole seconds, so wait for the clock to move on.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut changed = secret("s2");
    changed["owner"] = json!("carol@example.com");
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1"), changed])
        .await;
    let after = harness.records(&token, "secret", SECRETS).await;

    assert_eq!(after[0]["updatedAt"], before[0]["updatedAt"]);
    assert_eq!(after[1]["createdAt"], before[1]["createdAt"]);
    assert_ne!(after[1]["updatedAt"], before[1]["updatedAt"]);
    assert_eq!(after[1]["owner"], "carol@example.com");
}

#[tokio::test]
async fn fractional_seconds_are_dropped() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let mut record = secret("s1");
    record["createdTimestamp"] = json!("2026-01-02T03:04:05.678-05:00");
    let response = harness
        .put_records(&token, "secret", SECRETS, &[record])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let records = harness.records(&token, "secret", SECRETS).await;
    assert_eq!(records[0]["createdTimestamp"], "2026-01-02T03:04:05-05:00");

    // Only `timestamp` fields lose their fraction; a string that looks like one is kept.
    let mut record = server("srv_1");
    record["customProperties"]["name"] = json!("2026-01-02T03:04:05.678Z");
    let response = harness
        .put_records(&token, "custom_resource", SERVERS, &[record])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let records = harness.records(&token, "custom_resource", SERVERS).await;
    assert_eq!(
        records[0]["customProperties"]["name"],
        "2026-01-02T03:04:05.678Z"
    );
}

#[tokio::test]
async fn fractional_seconds_kept_when_configured() {
    let harness = Harness::start(SandboxConfig {
        drop_fractional_seconds: false,
        ..config()
    })
    .await;
    let token = harness.token().await;
    let mut record = secret("s1");
    record["createdTimestamp"] = json!("2026-01-02T03:04:05.678Z");
    harness
        .put_records(&token, "secret", SECRETS, &[record])
        .await;
    let records = harness.records(&token, "secret", SECRETS).await;
    assert_eq!(records[0]["createdTimestamp"], "2026-01-02T03:04:05.678Z");
}

#[tokio::test]
async fn records_are_kept_per_application() {
    let mut config = config();
    config.applications.push(sandbox::Application {
        client_id: "vci_other".into(),
        client_secret: "vcs_other".into(),
        scopes: vec![READ_SCOPE.into(), WRITE_SCOPE.into()],
    });
    let harness = Harness::start(config).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;

    let response = harness
        .request_token("vci_other", "vcs_other", BOTH_SCOPES)
        .await;
    let body: Value = response.json().await.unwrap();
    let other = body["access_token"].as_str().unwrap().to_owned();
    assert!(harness.records(&other, "secret", SECRETS).await.is_empty());
    // The other application's token did not revoke the first one.
    assert_eq!(harness.records(&token, "secret", SECRETS).await.len(), 1);
}

// ---- Validation ----

#[tokio::test]
async fn duplicate_unique_ids_rejected() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s2"), secret("s2")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(error_message(response).await.contains("s2"));
    let records = harness.records(&token, "secret", SECRETS).await;
    assert_eq!(unique_ids(&records), ["s1"]);
}

#[tokio::test]
async fn duplicate_unique_ids_last_wins_when_allowed() {
    let harness = Harness::start(SandboxConfig {
        reject_duplicate_unique_ids: false,
        ..config()
    })
    .await;
    let token = harness.token().await;
    let mut second = secret("s1");
    second["owner"] = json!("carol@example.com");
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s1"), second])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let records = harness.records(&token, "secret", SECRETS).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["owner"], "carol@example.com");
}

#[tokio::test]
async fn custom_properties_rejected_without_declaration() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let mut record = secret("s1");
    record["customProperties"] = json!({});
    let response = harness
        .put_records(&token, "secret", SECRETS, &[record])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_message(response).await,
        "Too many fields on resource with uniqueId s1 (element 0). Extra keys: customProperties"
    );
}

#[tokio::test]
async fn custom_properties_stored_when_declared() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let response = harness
        .put_records(&token, "custom_resource", SERVERS, &[server("srv_001")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let records = harness.records(&token, "custom_resource", SERVERS).await;
    assert_eq!(records[0]["customProperties"]["memory"], 16384);
}

#[tokio::test]
async fn invalid_put_changes_nothing() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    let before = harness.records(&token, "secret", SECRETS).await;

    let mut broken = secret("s3");
    broken.as_object_mut().unwrap().remove("uniqueId");
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s2"), broken])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_message(response).await,
        "/1: must have property 'uniqueId'"
    );
    assert_eq!(harness.records(&token, "secret", SECRETS).await, before);
}

/// Sends one PUT and returns the 400 error message, asserting the status.
async fn rejection(
    harness: &Harness,
    token: &str,
    segment: &str,
    resource_id: &str,
    records: &[Value],
) -> String {
    let response = harness
        .put_records(token, segment, resource_id, records)
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    error_message(response).await
}

#[tokio::test]
async fn validation_messages_match_vanta() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;

    let mut missing = user("u2");
    missing.as_object_mut().unwrap().remove("fullName");
    missing.as_object_mut().unwrap().remove("email");
    assert_eq!(
        rejection(
            &harness,
            &token,
            "user_account",
            USERS,
            &[user("u1"), missing]
        )
        .await,
        "/1: must have property 'fullName'"
    );

    // Unknown keys are listed in the order sent, and win over a missing property.
    let mut extra = user("DEV-MAC-001");
    extra.as_object_mut().unwrap().shift_remove("email");
    extra["jobTitle"] = json!("engineer");
    extra["department"] = json!("it");
    assert_eq!(
        rejection(&harness, &token, "user_account", USERS, &[extra]).await,
        "Too many fields on resource with uniqueId DEV-MAC-001 (element 0). Extra keys: jobTitle, department"
    );

    let mut bad_enum = user("u1");
    bad_enum["permissionLevel"] = json!("OWNER");
    assert_eq!(
        rejection(&harness, &token, "user_account", USERS, &[bad_enum]).await,
        "/0/permissionLevel: must be equal to one of the allowed values"
    );

    let mut bad_item_enum = user("u1");
    bad_item_enum["mfaMethods"] = json!(["OTP", "CARRIER_PIGEON"]);
    assert_eq!(
        rejection(&harness, &token, "user_account", USERS, &[bad_item_enum]).await,
        "/0/mfaMethods/1: must be equal to one of the allowed values"
    );

    let cases = [
        ("mfaEnabled", json!("yes"), "/0/mfaEnabled: must be boolean"),
        ("email", json!(42), "/0/email: must be string"),
        (
            "createdTimestamp",
            json!("yesterday"),
            "/0/createdTimestamp: must be timestamp",
        ),
        ("mfaMethods", json!("OTP"), "/0/mfaMethods: must be array"),
    ];
    for (field, value, expected) in cases {
        let mut record = user("u1");
        record[field] = value;
        assert_eq!(
            rejection(&harness, &token, "user_account", USERS, &[record]).await,
            expected
        );
    }

    assert_eq!(
        rejection(&harness, &token, "user_account", USERS, &[json!("u1")]).await,
        "/0: must be object"
    );
}

#[tokio::test]
async fn custom_properties_validated_against_declaration() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;

    let mut missing = server("srv_1");
    missing.as_object_mut().unwrap().remove("customProperties");
    assert_eq!(
        rejection(&harness, &token, "custom_resource", SERVERS, &[missing]).await,
        "/0: must have property 'customProperties'"
    );

    let mut too_big = server("srv_1");
    too_big["customProperties"]["memory"] = json!(4_294_967_296_u64);
    assert_eq!(
        rejection(&harness, &token, "custom_resource", SERVERS, &[too_big]).await,
        "/0/customProperties/memory: must be int32"
    );

    let mut absent_property = server("srv_1");
    absent_property["customProperties"]
        .as_object_mut()
        .unwrap()
        .remove("active");
    assert_eq!(
        rejection(
            &harness,
            &token,
            "custom_resource",
            SERVERS,
            &[absent_property]
        )
        .await,
        "/0/customProperties: must have property 'active'"
    );

    let mut nested_extra = server("srv_1");
    nested_extra["customProperties"]["colour"] = json!("red");
    assert_eq!(
        rejection(
            &harness,
            &token,
            "custom_resource",
            SERVERS,
            &[nested_extra]
        )
        .await,
        "/0/customProperties: must NOT have additional properties"
    );
}

#[tokio::test]
async fn closed_security_task_needs_closed_timestamp() {
    let mut config = config();
    config.declare(ResourceDecl {
        resource_id: "res-tasks".into(),
        base_type: BaseType::SecurityTask,
        custom_properties: None,
    });
    let harness = Harness::start(config).await;
    let token = harness.token().await;
    let task = json!({
        "displayName": "Rotate keys",
        "uniqueId": "t1",
        "externalUrl": "https://example.com/tasks/t1",
        "taskId": "t1",
        "taskTitle": "Rotate keys",
        "createdTimestamp": "2026-01-02T03:04:05Z",
        "taskState": "CLOSED",
        "priority": "P1",
        "assignees": ["alice@example.com"],
        "creator": "bob@example.com",
        "labels": [],
    });
    let message = rejection(
        &harness,
        &token,
        "security_task",
        "res-tasks",
        std::slice::from_ref(&task),
    )
    .await;
    assert!(message.starts_with("/0"), "{message}");
    assert!(message.contains("closedTimestamp"), "{message}");

    let mut closed = task;
    closed["closedTimestamp"] = json!("2026-01-03T00:00:00Z");
    let response = harness
        .put_records(&token, "security_task", "res-tasks", &[closed])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn rejected_put_leaves_state_unchanged() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "user_account", USERS, &[user("u1"), user("u2")])
        .await;
    let before = harness.records(&token, "user_account", USERS).await;

    // The first element is valid and new, the second is invalid: nothing may change, not even
    // the soft deletion of u2.
    let mut invalid = user("u1");
    invalid["status"] = json!("SUSPENDED");
    let message = rejection(
        &harness,
        &token,
        "user_account",
        USERS,
        &[user("u3"), invalid],
    )
    .await;
    assert_eq!(
        message,
        "/1/status: must be equal to one of the allowed values"
    );
    assert_eq!(harness.records(&token, "user_account", USERS).await, before);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let harness = Harness::start(SandboxConfig {
        max_body_bytes: 2048,
        ..config()
    })
    .await;
    let token = harness.token().await;
    let records: Vec<Value> = (0..20).map(|index| secret(&format!("s{index}"))).collect();
    let response = harness
        .put_records(&token, "secret", SECRETS, &records)
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(harness.records(&token, "secret", SECRETS).await.is_empty());
}

#[tokio::test]
async fn malformed_put_body_is_400() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let response = harness
        .http
        .put(harness.url("/v1/resources/secret"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"resourceId\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(!error_message(response).await.is_empty());
}

// ---- State file ----

#[tokio::test]
async fn state_survives_restart() {
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("sandbox.json");
    let harness = Harness::start_with_state(config(), Some(state.clone())).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "user_account", USERS, &[user("u1"), user("u2")])
        .await;
    harness
        .put_records(&token, "user_account", USERS, &[user("u1")])
        .await;
    let before = harness.records(&token, "user_account", USERS).await;
    harness.sandbox.shutdown().await;

    let written: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name != "sandbox.json")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let harness = Harness::start_with_state(config(), Some(state)).await;
    let token = harness.token().await;
    let after = harness.records(&token, "user_account", USERS).await;
    assert_eq!(after, before);
    assert!(after[1]["deletedAt"].is_string());
}

#[tokio::test]
async fn corrupt_state_file_fails_start() {
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("sandbox.json");
    std::fs::write(&state, "{not json").unwrap();
    let result = sandbox::start(config(), Some(state), "127.0.0.1:0".parse().unwrap()).await;
    let error = result.unwrap_err().to_string();
    assert!(error.contains("sandbox.json"), "{error}");
}

#[tokio::test]
async fn concurrent_puts_are_serialized() {
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("sandbox.json");
    let harness = Harness::start_with_state(config(), Some(state.clone())).await;
    let token = harness.token().await;

    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..16 {
        let http = harness.http.clone();
        let base = harness.sandbox.base_url();
        let token = token.clone();
        tasks.spawn(async move {
            let secrets: Vec<Value> = (0..=round)
                .map(|index| secret(&format!("s{index}")))
                .collect();
            let users: Vec<Value> = (0..=round)
                .map(|index| user(&format!("u{index}")))
                .collect();
            let mut statuses = Vec::new();
            for (segment, resource_id, records) in
                [("secret", SECRETS, secrets), ("user_account", USERS, users)]
            {
                let response = http
                    .put(format!("{base}/v1/resources/{segment}"))
                    .bearer_auth(&token)
                    .json(&json!({ "resourceId": resource_id, "resources": records }))
                    .send()
                    .await
                    .unwrap();
                statuses.push(response.status());
            }
            statuses
        });
    }
    while let Some(statuses) = tasks.join_next().await {
        assert_eq!(statuses.unwrap(), [StatusCode::OK, StatusCode::OK]);
    }

    let secrets = harness.records(&token, "secret", SECRETS).await;
    let users = harness.records(&token, "user_account", USERS).await;
    // Each PUT sent s0..=sN, so whichever came last, the set is a prefix without gaps.
    let ids = unique_ids(&secrets);
    let expected: Vec<String> = (0..ids.len()).map(|index| format!("s{index}")).collect();
    assert_eq!(ids, expected);
    // Soft deletion keeps every account ever sent.
    assert_eq!(users.len(), 16);

    let written: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let stored_secrets = written["applications"][DEFAULT_CLIENT_ID][SECRETS]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(stored_secrets, secrets.len());
}

// ---- Resource rate limit ----

#[tokio::test]
async fn resource_requests_rate_limited() {
    let harness = Harness::start(SandboxConfig {
        rate_limits: RateLimits {
            resources: Some(RateLimit {
                max_requests: 3,
                window_ms: 1000,
            }),
            ..RateLimits::disabled()
        },
        ..config()
    })
    .await;
    let token = harness.token().await;
    for attempt in 0..3 {
        let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
        assert_eq!(response.status(), StatusCode::OK, "attempt {attempt}");
    }
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(response.text().await.unwrap(), "rate limit exceeded");
    // The rejected PUT stored nothing.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(harness.records(&token, "secret", SECRETS).await.is_empty());
}

#[tokio::test]
async fn retry_after_can_be_switched_off() {
    let harness = Harness::start(SandboxConfig {
        rate_limits: RateLimits {
            resources: Some(RateLimit {
                max_requests: 1,
                window_ms: 60_000,
            }),
            retry_after: false,
            ..RateLimits::disabled()
        },
        ..config()
    })
    .await;
    let token = harness.token().await;
    harness.get(&token, "/v1/resources/secret", SECRETS).await;
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!response.headers().contains_key("retry-after"));
}

// ---- Faults ----

#[tokio::test]
async fn fault_responds_on_nth_matching_request() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .add_fault(json!({
            "method": "GET",
            "path": "/v1/resources/user_account*",
            "nth": 2,
            "action": {
                "kind": "respond",
                "status": 503,
                "body": { "error": "service unavailable" },
                "headers": { "x-sandbox-fault": "yes" },
                "retryAfterSeconds": 7,
            },
        }))
        .await;

    // A request on another path does not count.
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = harness
        .get(&token, "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let response = harness
        .get(&token, "/v1/resources/user_account/list_all", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(response.headers()["x-sandbox-fault"], "yes");
    assert_eq!(error_message(response).await, "service unavailable");

    let response = harness
        .get(&token, "/v1/resources/user_account", USERS)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_after_handling_stores_the_put() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .add_fault(json!({
            "method": "PUT",
            "action": {
                "kind": "respond",
                "status": 504,
                "body": { "error": "gateway timeout" },
                "afterHandling": true,
            },
        }))
        .await;
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    let records = harness.records(&token, "secret", SECRETS).await;
    assert_eq!(
        unique_ids(&records),
        ["s1"],
        "the PUT was stored before the 504"
    );
}

#[tokio::test]
async fn fault_retry_after_as_http_date() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .add_fault(json!({
            "method": "PUT",
            "action": {
                "kind": "respond",
                "status": 429,
                "body": "rate limit exceeded",
                "retryAfterSeconds": 120,
                "retryAfterHttpDate": true,
            },
        }))
        .await;

    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let date = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .to_owned();
    let at = httpdate::parse_http_date(&date).unwrap();
    let wait = at.duration_since(std::time::SystemTime::now()).unwrap();
    assert!(wait > Duration::from_secs(110), "{date}");
    assert!(wait <= Duration::from_secs(120), "{date}");
    assert_eq!(response.text().await.unwrap(), "rate limit exceeded");

    // Every PUT fails, and none reached the store.
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(harness.records(&token, "secret", SECRETS).await.is_empty());
}

#[tokio::test]
async fn fault_delays_request() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .add_fault(json!({ "method": "GET", "nth": 1, "delayMs": 400 }))
        .await;
    let started = std::time::Instant::now();
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(400));

    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    harness
        .add_fault(json!({ "method": "GET", "delayMs": 1000 }))
        .await;
    let result = client
        .get(harness.url("/v1/resources/secret"))
        .query(&[("resourceId", SECRETS)])
        .bearer_auth(&token)
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());

    // The abandoned request is in the log once the server notices the closed connection.
    let mut abandoned = 0;
    for _ in 0..50 {
        abandoned = harness
            .journal()
            .await
            .iter()
            .filter(|entry| entry["abandoned"] == true && entry["status"].is_null())
            .count();
        if abandoned > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(abandoned, 1, "the timed-out request is logged as abandoned");
}

#[tokio::test]
async fn fault_drops_connection() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .add_fault(json!({ "method": "PUT", "times": 1, "action": { "kind": "drop" } }))
        .await;
    let result = harness
        .http
        .put(harness.url("/v1/resources/secret"))
        .bearer_auth(&token)
        .json(&json!({ "resourceId": SECRETS, "resources": [secret("s1")] }))
        .send()
        .await;
    let error = result.unwrap_err();
    assert!(!error.is_status(), "{error}");
    assert!(harness.records(&token, "secret", SECRETS).await.is_empty());

    let journal = harness.journal().await;
    let dropped = journal
        .iter()
        .find(|entry| entry["method"] == "PUT")
        .unwrap();
    assert!(dropped["status"].is_null());
    assert_eq!(dropped["fault"], "drop");

    // The fault fired once, so the next PUT succeeds.
    let response = harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn fault_truncates_body() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    harness
        .add_fault(json!({ "method": "GET", "action": { "kind": "truncate" } }))
        .await;
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(text.starts_with("{\"resources\":[{"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[tokio::test]
async fn fault_sends_malformed_json() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .add_fault(json!({ "path": "/v1/resources/secret", "action": { "kind": "malformedJson" } }))
        .await;
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[tokio::test]
async fn fault_inserts_lone_surrogate() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    harness
        .add_fault(json!({ "method": "GET", "action": { "kind": "loneSurrogate" } }))
        .await;
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(text.contains("\\ud800\""), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());
    // Apart from the escape, the body is valid JSON.
    let repaired = text.replacen("\\ud800", "", 1);
    let body: Value = serde_json::from_str(&repaired).unwrap();
    assert_eq!(body["resources"][0]["uniqueId"], "s1");
}

#[tokio::test]
async fn fault_revokes_token_after_requests() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .add_fault(json!({
            "path": "/v1/resources/*",
            "after": 2,
            "times": 1,
            "action": { "kind": "revokeToken" },
        }))
        .await;
    for attempt in 0..2 {
        let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
        assert_eq!(response.status(), StatusCode::OK, "attempt {attempt}");
    }
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let fresh = harness.token().await;
    let response = harness.get(&fresh, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn faults_from_config_and_clearing() {
    let config = SandboxConfig::from_yaml_str(
        r#"
faults:
  - method: POST
    path: /oauth/token
    nth: 1
    action: { kind: respond, status: 500, body: { error: boom } }
"#,
    )
    .unwrap();
    let harness = Harness::start(config).await;
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    harness
        .add_fault(json!([{ "action": { "kind": "respond", "status": 502 } }]))
        .await;
    let listed: Value = harness
        .http
        .get(harness.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = listed["faults"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["path"], "/oauth/token");
    assert_eq!(listed[0]["matched"], 2);
    assert_eq!(listed[0]["fired"], 1);
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);

    let response = harness
        .http
        .delete(harness.url("/_sandbox/faults"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let response = harness
        .request_token(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, BOTH_SCOPES)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn invalid_fault_is_rejected() {
    let harness = Harness::start(config()).await;
    for fault in [
        json!({ "method": "GET" }),
        json!({ "action": { "kind": "respond", "status": 1000 } }),
        json!({ "action": { "kind": "explode" } }),
        json!({ "nth": 0, "action": { "kind": "drop" } }),
    ] {
        let response = harness
            .http
            .post(harness.url("/_sandbox/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{fault}");
    }
}

// ---- Admin API ----

#[tokio::test]
async fn journal_lists_and_clears_requests() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    harness.get(&token, "/v1/resources/secret", SECRETS).await;

    let journal = harness.journal().await;
    let summary: Vec<(String, String, u64)> = journal
        .iter()
        .map(|entry| {
            (
                entry["method"].as_str().unwrap().to_owned(),
                entry["path"].as_str().unwrap().to_owned(),
                entry["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("POST".to_owned(), "/oauth/token".to_owned(), 200),
            ("PUT".to_owned(), "/v1/resources/secret".to_owned(), 200),
            ("GET".to_owned(), "/v1/resources/secret".to_owned(), 200),
        ]
    );
    assert_eq!(journal[2]["query"], format!("resourceId={SECRETS}"));
    assert!(journal[0]["time"].is_string());
    let text = serde_json::to_string(&journal).unwrap();
    assert!(!text.contains(&token), "the journal leaks the token");
    assert!(
        !text.contains(DEFAULT_CLIENT_SECRET),
        "the journal leaks the secret"
    );

    let response = harness
        .http
        .delete(harness.url("/_sandbox/requests"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert!(harness.journal().await.is_empty());
}

#[tokio::test]
async fn state_endpoint_and_seeding() {
    let harness = Harness::start(config()).await;
    let mut deleted = user("u2");
    deleted["deletedAt"] = json!("2026-02-03T04:05:06Z");
    let response = harness
        .http
        .post(harness.url("/_sandbox/seed"))
        .json(&json!({ "resourceId": USERS, "records": [user("u1"), deleted] }))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );

    let token = harness.token().await;
    let records = harness.records(&token, "user_account", USERS).await;
    assert_eq!(unique_ids(&records), ["u1", "u2"]);
    assert_eq!(records[1]["deletedAt"], "2026-02-03T04:05:06Z");

    let state: Value = harness
        .http
        .get(harness.url("/_sandbox/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored = &state["applications"][DEFAULT_CLIENT_ID][USERS];
    assert_eq!(stored.as_array().unwrap().len(), 2);
    assert_eq!(stored[0]["record"]["uniqueId"], "u1");

    let response = harness
        .http
        .post(harness.url("/_sandbox/seed"))
        .json(&json!({ "resourceId": "res-undeclared", "records": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let response = harness
        .http
        .delete(harness.url("/_sandbox/state"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert!(
        harness
            .records(&token, "user_account", USERS)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn seed_from_config_is_applied_once() {
    let folder = tempfile::tempdir().unwrap();
    let state = folder.path().join("sandbox.json");
    let mut config = config();
    config.seed.push(sandbox::SeedRecords {
        client_id: None,
        resource_id: SECRETS.into(),
        records: vec![secret("seeded")],
    });
    let harness = Harness::start_with_state(config.clone(), Some(state.clone())).await;
    let token = harness.token().await;
    assert_eq!(
        unique_ids(&harness.records(&token, "secret", SECRETS).await),
        ["seeded"]
    );
    harness
        .put_records(&token, "secret", SECRETS, &[secret("s1")])
        .await;
    harness.sandbox.shutdown().await;

    // After a restart the stored records win over the seed.
    let harness = Harness::start_with_state(config, Some(state)).await;
    let token = harness.token().await;
    assert_eq!(
        unique_ids(&harness.records(&token, "secret", SECRETS).await),
        ["s1"]
    );
}

#[tokio::test]
async fn seed_of_undeclared_resource_fails_start() {
    let mut config = config();
    config.seed.push(sandbox::SeedRecords {
        client_id: None,
        resource_id: "res-undeclared".into(),
        records: vec![],
    });
    let result = sandbox::start(config, None, "127.0.0.1:0".parse().unwrap()).await;
    let error = result.unwrap_err().to_string();
    assert!(error.contains("res-undeclared"), "{error}");
}

#[tokio::test]
async fn admin_revokes_token() {
    let harness = Harness::start(config()).await;
    let token = harness.token().await;
    let response = harness
        .http
        .post(harness.url("/_sandbox/revoke-token"))
        .json(&json!({ "clientId": DEFAULT_CLIENT_ID }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["revoked"], true);
    let response = harness.get(&token, "/v1/resources/secret", SECRETS).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn admin_accepts_loopback_peers_only() {
    for (peer, allowed) in [
        ("127.0.0.1:5000", true),
        ("[::1]:5000", true),
        ("[::ffff:127.0.0.1]:5000", true),
        ("192.168.1.20:5000", false),
        ("[2001:db8::1]:5000", false),
    ] {
        let peer = peer.parse().unwrap();
        assert_eq!(sandbox::is_loopback_peer(peer), allowed, "{peer}");
    }
}

// ---- Configuration file ----

#[test]
fn config_file_yaml_and_json() {
    let folder = tempfile::tempdir().unwrap();
    let yaml = folder.path().join("sandbox.yaml");
    std::fs::write(
        &yaml,
        r#"
applications:
  - clientId: vci_ci
    clientSecret: vcs_ci
    scopes: [connectors.self:read-resource]
resources:
  - resourceId: 6650f5a0c1d2e3f4a5b6c7d8
    baseType: CustomResource
    customProperties:
      properties:
        memory: { type: int32 }
tokenLifetimeSeconds: 60
rateLimits:
  token: null
  resources: { maxRequests: 100, windowMs: 1000 }
maxBodyBytes: 1000
"#,
    )
    .unwrap();
    let config = SandboxConfig::from_file(&yaml).unwrap();
    assert_eq!(config.applications.len(), 1);
    assert_eq!(config.applications[0].client_id, "vci_ci");
    assert_eq!(config.applications[0].scopes, [READ_SCOPE]);
    assert_eq!(config.resources[0].base_type, BaseType::CustomResource);
    assert_eq!(config.token_lifetime_seconds, 60);
    assert_eq!(config.rate_limits.token, None);
    assert_eq!(config.rate_limits.resources.unwrap().max_requests, 100);
    assert_eq!(config.max_body_bytes, 1000);
    // Unset fields keep their defaults.
    assert!(config.reject_duplicate_unique_ids);
    assert!(config.rate_limits.retry_after);

    // Vanta's documented limits are the defaults.
    let defaults = SandboxConfig::default();
    let token_limit = defaults.rate_limits.token.unwrap();
    assert_eq!(
        (token_limit.max_requests, token_limit.window_ms),
        (5, 60_000)
    );
    let resource_limit = defaults.rate_limits.resources.unwrap();
    assert_eq!(
        (resource_limit.max_requests, resource_limit.window_ms),
        (20, 60_000)
    );
    assert_eq!(defaults.token_lifetime_seconds, 3600);

    let json = folder.path().join("sandbox.json");
    std::fs::write(
        &json,
        r#"{"resources": [{"resourceId": "r1", "baseType": "Secret"}]}"#,
    )
    .unwrap();
    let config = SandboxConfig::from_file(&json).unwrap();
    assert_eq!(config.applications[0].client_id, DEFAULT_CLIENT_ID);
    assert_eq!(config.resources[0].base_type, BaseType::Secret);
}

#[test]
fn config_file_errors_name_the_problem() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("sandbox.yaml");
    for (text, expected) in [
        ("resourcez: []", "resourcez"),
        (
            "resources: [{resourceId: r1, baseType: Computer}]",
            "Computer",
        ),
        (
            "resources: [{resourceId: r1, baseType: Secret}, {resourceId: r1, baseType: Secret}]",
            "r1",
        ),
        (
            "seed: [{clientId: vci_nope, resourceId: r1, records: []}]",
            "vci_nope",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let error = SandboxConfig::from_file(&path).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}: {error}");
    }
}

#[test]
fn seed_accepts_large_bodies() {
    let inventory = crate::support::TestInventory::example();
    let sandbox = crate::support::Sandbox::for_inventory(&inventory);
    // About 4 MB of records, twice the web framework's default body limit.
    let records: Vec<Value> = (0..25_000)
        .map(|index| {
            json!({
                "uniqueId": format!("srv_{index:06}"),
                "displayName": format!("server-{index:06}"),
                "externalUrl": format!("https://cmdb.acme.example/servers/srv_{index:06}"),
                "customProperties": { "name": format!("server-{index:06}") }
            })
        })
        .collect();
    let size = serde_json::to_vec(&records).unwrap().len();
    assert!(size > 3_000_000, "the seed is only {size} bytes");
    sandbox.seed("6650f5a0c1d2e3f4a5b6c7d8", records);
    assert_eq!(sandbox.stored("6650f5a0c1d2e3f4a5b6c7d8").len(), 25_000);
}
