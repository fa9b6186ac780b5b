//! The sandbox configuration: applications, declared resources, limits, faults and seed
//! records, read from a YAML or JSON file or built in code.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use super::SandboxError;
use super::faults::FaultRule;
use crate::schema::base::BaseType;

/// Client id of the application that the default configuration declares.
pub const DEFAULT_CLIENT_ID: &str = "vci_sandbox";

/// Client secret of the application that the default configuration declares. It is public on
/// purpose, because the sandbox must never contain real data.
pub const DEFAULT_CLIENT_SECRET: &str = "vcs_sandbox_secret";

/// Scope that allows reading resources back with GET.
pub const READ_SCOPE: &str = "connectors.self:read-resource";

/// Scope that allows sending resources with PUT.
pub const WRITE_SCOPE: &str = "connectors.self:write-resource";

/// Everything the sandbox serves and how strictly it behaves.
///
/// Every field has a default, so an empty file is a valid configuration: one application with
/// the default credentials and both resource scopes, no declared resources, Vanta's documented
/// rate limits and token lifetime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SandboxConfig {
    /// Applications that may request tokens. A configured list replaces the default one.
    pub applications: Vec<Application>,
    /// Resources declared in the (simulated) Developer Console. They are shared by every
    /// application, but each application stores its own records for them.
    pub resources: Vec<ResourceDecl>,
    /// Lifetime of an access token, in seconds. Vanta issues tokens for one hour.
    pub token_lifetime_seconds: u64,
    /// Request limits per application.
    pub rate_limits: RateLimits,
    /// Largest accepted request body, in bytes. Larger bodies get 413. Vanta documents no limit.
    pub max_body_bytes: usize,
    /// Whether a PUT that repeats a `uniqueId` is rejected with 400. When false, the last
    /// record with that `uniqueId` wins. Vanta's behaviour is undocumented.
    pub reject_duplicate_unique_ids: bool,
    /// Whether fractional seconds are removed from `timestamp` fields before they are stored,
    /// as Vanta does.
    pub drop_fractional_seconds: bool,
    /// Whether a PUT is also checked against the rules that JTD cannot express and that Vanta's
    /// API reference states: a closed security task needs `closedTimestamp` (an open one must
    /// not have it), and scores lie from 0 to 10.
    pub check_rules: bool,
    /// Whether `externalUrl` must be an absolute `https://` URL. Vanta's reference states it
    /// should be, but its own examples use other values, so this is off by default.
    pub require_https_external_url: bool,
    /// Faults injected into matching requests.
    pub faults: Vec<FaultRule>,
    /// Records stored at start for resources that have no stored records yet.
    pub seed: Vec<SeedRecords>,
}

/// An application (a client of the OAuth client-credentials grant) and the scopes it may
/// request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Application {
    pub client_id: String,
    pub client_secret: String,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

/// A resource as created in Vanta's Developer Console: the `resourceId` Vanta generated, its
/// base type and the custom properties it adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceDecl {
    pub resource_id: String,
    pub base_type: BaseType,
    /// A JSON Type Definition `properties` schema, or none when the resource adds no custom
    /// properties (records must then carry no `customProperties` key).
    #[serde(default)]
    pub custom_properties: Option<Value>,
}

/// Request limits of the token endpoint and of the resource endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RateLimits {
    /// Limit on `POST /oauth/token` per client id, or `null` for none. Vanta allows 5 a minute.
    pub token: Option<RateLimit>,
    /// Limit on resource requests per application, or `null` for none. Vanta allows 20 a
    /// minute.
    pub resources: Option<RateLimit>,
    /// Whether 429 responses carry a `Retry-After` header. Vanta does not document one.
    pub retry_after: bool,
}

/// A sliding-window limit: at most `max_requests` within any `window_ms` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimit {
    pub max_requests: u32,
    pub window_ms: u64,
}

/// Records to store for one application and resource, as if a PUT had sent them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedRecords {
    /// Application that owns the records. Defaults to the first configured application.
    #[serde(default)]
    pub client_id: Option<String>,
    pub resource_id: String,
    /// Records as a PUT would send them. They may also carry the server fields `createdAt`,
    /// `updatedAt` and `deletedAt`, for example to seed a soft-deleted account. They are not
    /// validated, so tests can seed records that Vanta would reject.
    pub records: Vec<Value>,
}

fn default_scopes() -> Vec<String> {
    vec![READ_SCOPE.to_owned(), WRITE_SCOPE.to_owned()]
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            applications: vec![Application {
                client_id: DEFAULT_CLIENT_ID.to_owned(),
                client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
                scopes: default_scopes(),
            }],
            resources: Vec::new(),
            token_lifetime_seconds: 3600,
            rate_limits: RateLimits::default(),
            max_body_bytes: 10 * 1024 * 1024,
            reject_duplicate_unique_ids: true,
            drop_fractional_seconds: true,
            check_rules: true,
            require_https_external_url: false,
            faults: Vec::new(),
            seed: Vec::new(),
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            token: Some(RateLimit {
                max_requests: 5,
                window_ms: 60_000,
            }),
            resources: Some(RateLimit {
                max_requests: 20,
                window_ms: 60_000,
            }),
            retry_after: true,
        }
    }
}

impl RateLimits {
    /// Builds limits that never reject a request.
    pub fn disabled() -> Self {
        RateLimits {
            token: None,
            resources: None,
            retry_after: true,
        }
    }
}

impl SandboxConfig {
    /// Reads a configuration from a YAML or JSON file (JSON is read as YAML, which contains
    /// it) and checks it.
    pub fn from_file(path: &Path) -> Result<Self, SandboxError> {
        let text = std::fs::read_to_string(path).map_err(|source| SandboxError::ConfigRead {
            path: path.to_owned(),
            source,
        })?;
        let config = Self::from_yaml_str(&text).map_err(|message| SandboxError::ConfigParse {
            path: path.to_owned(),
            message,
        })?;
        config.check()?;
        Ok(config)
    }

    /// Parses a configuration from YAML or JSON text, without the checks of [`Self::check`].
    pub fn from_yaml_str(text: &str) -> Result<Self, String> {
        let documents = YamlLoader::load_from_str(text).map_err(|error| error.to_string())?;
        let value = match documents.as_slice() {
            [] => Value::Object(serde_json::Map::new()),
            [document] => yaml_to_json(document)?,
            _ => return Err("expected one YAML document, found several".to_owned()),
        };
        // An empty document or a bare `null` is the default configuration.
        let value = match value {
            Value::Null => Value::Object(serde_json::Map::new()),
            other => other,
        };
        serde_json::from_value(value).map_err(|error| error.to_string())
    }

    /// Declares a resource, replacing any declaration with the same `resourceId`.
    pub fn declare(&mut self, resource: ResourceDecl) {
        self.resources
            .retain(|existing| existing.resource_id != resource.resource_id);
        self.resources.push(resource);
    }

    /// Finds the declared resource with this `resourceId`.
    pub fn resource(&self, resource_id: &str) -> Option<&ResourceDecl> {
        self.resources
            .iter()
            .find(|resource| resource.resource_id == resource_id)
    }

    /// Finds the application with this client id.
    pub fn application(&self, client_id: &str) -> Option<&Application> {
        self.applications
            .iter()
            .find(|application| application.client_id == client_id)
    }

    /// Checks what serde cannot: unique ids, non-empty credentials, valid JTD custom
    /// property schemas, rate limits with a window, valid faults, and seeds that name known
    /// applications.
    pub fn check(&self) -> Result<(), SandboxError> {
        let invalid = |message: String| Err(SandboxError::InvalidConfig(message));

        let mut client_ids = HashSet::new();
        for application in &self.applications {
            if application.client_id.is_empty() || application.client_secret.is_empty() {
                return invalid("an application has an empty clientId or clientSecret".into());
            }
            if !client_ids.insert(application.client_id.as_str()) {
                return invalid(format!(
                    "application {} is declared twice",
                    application.client_id
                ));
            }
        }

        let mut resource_ids = HashSet::new();
        for resource in &self.resources {
            if resource.resource_id.is_empty() {
                return invalid("a resource has an empty resourceId".into());
            }
            if !resource_ids.insert(resource.resource_id.as_str()) {
                return invalid(format!(
                    "resource {} is declared twice",
                    resource.resource_id
                ));
            }
            if let Some(schema) = &resource.custom_properties {
                super::validate::check_custom_properties_schema(resource.base_type, schema)
                    .map_err(|message| {
                        SandboxError::InvalidConfig(format!(
                            "customProperties of resource {}: {message}",
                            resource.resource_id
                        ))
                    })?;
            }
        }

        for limit in [&self.rate_limits.token, &self.rate_limits.resources]
            .into_iter()
            .flatten()
        {
            if limit.window_ms == 0 {
                return invalid("a rate limit has windowMs 0; use null to disable it".into());
            }
        }

        for fault in &self.faults {
            fault.check().map_err(SandboxError::InvalidConfig)?;
        }

        // Seeds may name resources that are declared later (for example from an inventory),
        // so their resource ids are checked when the sandbox starts.
        for seed in &self.seed {
            if let Some(client_id) = &seed.client_id
                && self.application(client_id).is_none()
            {
                return invalid(format!("seed names unknown application {client_id}"));
            }
        }
        Ok(())
    }
}

/// Converts a parsed YAML node to JSON. Mapping keys must be strings, and aliases are rejected
/// because the loader does not resolve them.
fn yaml_to_json(node: &Yaml) -> Result<Value, String> {
    Ok(match node {
        Yaml::Null => Value::Null,
        Yaml::Boolean(value) => Value::Bool(*value),
        Yaml::Integer(value) => Value::from(*value),
        Yaml::Real(text) => {
            let number: f64 = text.parse().map_err(|_| format!("invalid number {text}"))?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(|| format!("number {text} has no JSON form"))?
        }
        Yaml::String(text) => Value::String(text.clone()),
        Yaml::Array(items) => {
            Value::Array(items.iter().map(yaml_to_json).collect::<Result<_, _>>()?)
        }
        Yaml::Hash(entries) => {
            let mut object = serde_json::Map::new();
            for (key, value) in entries {
                let Yaml::String(key) = key else {
                    return Err(format!("mapping key {key:?} is not a string"));
                };
                object.insert(key.clone(), yaml_to_json(value)?);
            }
            Value::Object(object)
        }
        Yaml::Alias(_) => return Err("YAML aliases are not supported".to_owned()),
        Yaml::BadValue => return Err("invalid YAML value".to_owned()),
    })
}
