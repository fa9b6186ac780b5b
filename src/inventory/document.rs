//! The typed document kinds of an inventory: `Workspace`, `Resource`, `Records` and
//! `CustomTest`.
//!
//! `Workspace` and `Resource` documents are small and fixed, so they are decoded with serde;
//! a decoding error is mapped back to the line and column of the offending value. Their JSON
//! Schemas, generated with schemars, serve editors and also let
//! [`unknown_fields::decode_all`](crate::inventory::unknown_fields::decode_all) report every
//! unknown field of a document, where serde stops at the first. Records are
//! not decoded here: they are checked against their resource's JTD schema by the loader.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Span};
use crate::inventory::yaml::{Node, Value};
use crate::schema::base::BaseType;

/// The only `apiVersion` this version of the tool reads.
pub const API_VERSION: &str = "vanta-gitops/v1";

/// The document kinds, as written in `kind:`.
pub const KINDS: [&str; 4] = ["Workspace", "Resource", "Records", "CustomTest"];

/// Settings that apply to the whole inventory. At most one per inventory.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Workspace {
    /// A short name for the workspace, shown in plans and pull-request comments.
    #[serde(default)]
    pub name: Option<String>,
    /// Vanta's API region: `us` (the default) or `gov`.
    #[serde(default)]
    pub region: Option<Region>,
    /// The API's base URL, for a server other than Vanta's regional hosts.
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub credentials: Option<Credentials>,
    #[serde(default)]
    pub policy: Policy,
    /// Records that may never be deleted or deactivated by this tool.
    #[serde(default)]
    pub protected: Vec<Protected>,
    /// Fields whose values are masked in every output.
    #[serde(default)]
    pub sensitive: Vec<Sensitive>,
}

/// Vanta's API regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    Us,
    Gov,
}

impl Region {
    /// Returns the API's base URL in this region.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.vanta.com",
            Region::Gov => "https://api.vanta-gov.com",
        }
    }
}

/// The source of the client id and secret.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Credentials {
    /// The environment variable holding the client id (default `VANTA_CLIENT_ID`).
    #[serde(default)]
    pub client_id_env: Option<String>,
    /// The environment variable holding the client secret (default `VANTA_CLIENT_SECRET`).
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// A JSON file with `client_id` and `client_secret`, relative to the inventory root.
    #[serde(default)]
    pub file: Option<String>,
}

/// The safety policy of the workspace; resources may override parts of it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Policy {
    /// The deletion limit of every resource that sets none itself. Without any limit, an apply
    /// deletes at most 500 records of a resource unless `--allow-destroy` is given.
    #[serde(default)]
    pub max_destroy: Option<MaxDestroy>,
    #[serde(default)]
    pub rate_limits: Option<RateLimits>,
}

/// The maximum number of records one apply may delete from a resource, as a count, a percentage of the
/// records in Vanta, or both (both must hold).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MaxDestroy {
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub percent: Option<f64>,
}

/// Request budgets per minute, for tenants whose limits differ from Vanta's documented ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RateLimits {
    #[serde(default)]
    pub token_requests_per_minute: Option<u32>,
    #[serde(default)]
    pub resource_requests_per_minute: Option<u32>,
}

/// Records of one resource that may never be deleted.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Protected {
    pub resource: String,
    pub unique_ids: Vec<String>,
}

/// Fields of one resource whose values are masked, as dotted paths such as
/// `customProperties.apiKey`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Sensitive {
    pub resource: String,
    pub fields: Vec<String>,
}

/// One Vanta resource, as created in Vanta's developer console.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resource {
    /// The local name that `Records` and `CustomTest` documents refer to.
    pub name: String,
    #[schemars(schema_with = "base_type_schema")]
    pub base_type: BaseType,
    /// The id Vanta shows for the resource in the developer console.
    pub resource_id: String,
    /// The JTD `properties` schema of the resource's custom properties.
    #[serde(default)]
    #[schemars(schema_with = "jtd_schema")]
    pub custom_properties: Option<serde_json::Value>,
    #[serde(default)]
    pub description: Option<String>,
    /// Allows an apply to delete every record of the resource.
    #[serde(default)]
    pub allow_empty: bool,
    /// Overrides the workspace's `policy.maxDestroy` for this resource.
    #[serde(default)]
    pub max_destroy: Option<MaxDestroy>,
}

/// The records of one resource. The loader reads `Records` documents from YAML nodes so that
/// each record keeps its place; this type describes the document for the JSON Schema only.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Records {
    /// The `name` of the `Resource` these records belong to.
    pub resource: String,
    /// Fields merged under every record: a field the record sets wins, and nested mappings
    /// merge key by key.
    #[serde(default)]
    pub defaults: Option<serde_json::Map<String, serde_json::Value>>,
    /// Every record the resource should hold. Whatever is missing here is deleted in Vanta.
    pub records: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Describes `baseType` as the names of Vanta's base types.
fn base_type_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = BaseType::ALL.iter().map(|base| base.name()).collect();
    schemars::json_schema!({
        "description": "The Vanta base type the resource was created with.",
        "enum": names,
    })
}

/// Describes `customProperties` as a JTD schema of the properties form.
fn jtd_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "A JSON Type Definition (RFC 8927) schema of the properties form, such as `properties: { memory: { type: int32 } }`.",
        "type": "object",
    })
}

/// Decodes a document body (without `apiVersion` and `kind`) into `T`, mapping a decoding
/// error to the place of the offending value.
pub fn decode<T: serde::de::DeserializeOwned>(node: &Node) -> Result<T, Diagnostic> {
    let mut json = node.to_json();
    if let Some(object) = json.as_object_mut() {
        object.shift_remove("apiVersion");
        object.shift_remove("kind");
    }
    serde_path_to_error::deserialize(json).map_err(|error| {
        let tokens: Vec<String> = error.path().iter().map(segment_token).collect();
        let inner = error.into_inner().to_string();
        decode_diagnostic(node, &tokens, &inner)
    })
}

fn segment_token(segment: &serde_path_to_error::Segment) -> String {
    match segment {
        serde_path_to_error::Segment::Seq { index } => index.to_string(),
        serde_path_to_error::Segment::Map { key } => key.clone(),
        serde_path_to_error::Segment::Enum { variant } => variant.clone(),
        serde_path_to_error::Segment::Unknown => String::new(),
    }
}

/// Builds a diagnostic from a serde message such as ``unknown field `x`, expected one of `a`,
/// `b` `` and the path where it happened.
fn decode_diagnostic(node: &Node, tokens: &[String], message: &str) -> Diagnostic {
    let field = crate::inventory::messages::display_path(tokens);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let span = node.key_span_at(tokens).or(Some(node.span));
        let diagnostic = Diagnostic::error(format!("unknown field `{unknown}`"), span);
        return match did_you_mean(unknown, expected.iter().copied()) {
            Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
            None => diagnostic.with_help(format!("expected one of `{}`", expected.join("`, `"))),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let missing = rest.split('`').next().unwrap_or("");
        let span = node
            .pointer(tokens)
            .map(|found| found.span)
            .or(Some(node.span));
        return Diagnostic::error(format!("missing required field `{missing}`"), span);
    }
    let value = node.pointer(tokens);
    let span = value.map(|found| found.span).or(Some(node.span));
    let found = value
        .map(Node::describe)
        .unwrap_or_else(|| "nothing".to_string());
    let subject = if field.is_empty() {
        "invalid document".to_string()
    } else {
        format!("invalid value for `{field}`")
    };
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let allowed: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let text = format!(
            "{subject}: expected one of `{}`, found {found}",
            allowed.join("`, `")
        );
        let diagnostic = Diagnostic::error(text, span);
        let written = match value.map(|found| &found.value) {
            Some(Value::String(written)) => written.as_str(),
            _ => "",
        };
        return match did_you_mean(written, allowed.into_iter()) {
            Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
            None => diagnostic,
        };
    }
    let expected = message
        .split_once(", expected ")
        .map(|(_, expected)| expected_phrase(expected));
    let text = match expected {
        Some(expected) => format!("{subject}: expected {expected}, found {found}"),
        None => format!("{subject}: {message}"),
    };
    let diagnostic = Diagnostic::error(text, span);
    match value.and_then(|found| quoting_help(&found.value)) {
        Some(help) if message.contains("expected a string") => diagnostic.with_help(help),
        _ => match value.map(|found| &found.value) {
            Some(Value::String(text)) if message.contains("expected a boolean") => diagnostic
                .with_help(format!(
                    "YAML 1.2 reads only `true` and `false` as booleans, so `{text}` is text; write true or false"
                )),
            _ => diagnostic,
        },
    }
}

/// Rewords what serde expected, such as `u64` or `struct Policy`, in the inventory's terms.
fn expected_phrase(expected: &str) -> String {
    match expected {
        "u64" | "u32" | "u16" | "u8" => "a non-negative integer".to_string(),
        "f64" | "f32" => "a number".to_string(),
        "a map" => "a mapping".to_string(),
        other if other.starts_with("struct ") => "a mapping".to_string(),
        other if other.starts_with("enum ") => "a string".to_string(),
        other => other.to_string(),
    }
}

/// Returns the hint for a number or boolean written where text is expected.
fn quoting_help(value: &Value) -> Option<String> {
    match value {
        Value::Number(text) => Some(format!("quote the value to keep it as text: \"{text}\"")),
        Value::Bool(flag) => Some(format!("quote the value to keep it as text: \"{flag}\"")),
        _ => None,
    }
}

/// Returns the candidate closest to `word` when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Reads `apiVersion` and `kind` of a document. A non-empty document without them is an
/// error, never skipped: a skipped file would turn into deletions.
pub fn header(node: &Node) -> Result<&str, Diagnostic> {
    let Value::Mapping(_) = node.value else {
        return Err(Diagnostic::error(
            format!(
                "expected a mapping with `apiVersion` and `kind`, found {}",
                node.describe()
            ),
            Some(node.span),
        )
        .with_help(ignore_help()));
    };
    let api_version = node.entry("apiVersion").ok_or_else(|| {
        Diagnostic::error("missing `apiVersion`", Some(node.span)).with_help(format!(
            "add `apiVersion: {API_VERSION}`; {}",
            ignore_help()
        ))
    })?;
    match &api_version.value.value {
        Value::String(version) if version == API_VERSION => {}
        _ => {
            return Err(Diagnostic::error(
                format!(
                    "unsupported `apiVersion`: found {}, expected `{API_VERSION}`",
                    api_version.value.describe()
                ),
                Some(api_version.value.span),
            ));
        }
    }
    let kind = node.entry("kind").ok_or_else(|| {
        Diagnostic::error("missing `kind`", Some(node.span))
            .with_help(format!("add one of `kind: {}`", KINDS.join("`, `kind: ")))
    })?;
    match &kind.value.value {
        Value::String(name) if KINDS.contains(&name.as_str()) => Ok(name),
        _ => {
            let found = kind.value.describe();
            let mut diagnostic = Diagnostic::error(
                format!("unknown `kind`: found {found}"),
                Some(kind.value.span),
            );
            let text = match &kind.value.value {
                Value::String(name) => name.as_str(),
                _ => "",
            };
            diagnostic = match did_you_mean(text, KINDS.into_iter()) {
                Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_help(format!("expected one of `{}`", KINDS.join("`, `"))),
            };
            Err(diagnostic)
        }
    }
}

fn ignore_help() -> String {
    format!(
        "every YAML file in the inventory must be a vanta-gitops document; list unrelated files in `{}`",
        crate::inventory::walk::IGNORE_FILE
    )
}

/// Returns the span of a document's `kind` value, or of the document.
pub fn kind_span(node: &Node) -> Span {
    node.entry("kind")
        .map(|entry| entry.value.span)
        .unwrap_or(node.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostics, FileId};
    use crate::inventory::yaml;

    fn node(text: &str) -> Node {
        let mut diagnostics = Diagnostics::default();
        let mut documents = yaml::parse(text, FileId(0), &mut diagnostics);
        documents.remove(0).root.unwrap()
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let node = node(
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: a\nbaseType: Secret\nresourceID: x\n",
        );
        let error = decode::<Resource>(&node).unwrap_err();
        assert_eq!(error.message, "unknown field `resourceID`");
        assert_eq!(error.help.as_deref(), Some("did you mean `resourceId`?"));
        assert_eq!(error.span.unwrap().line, 5);
    }

    #[test]
    fn wrong_enum_value_points_at_value() {
        let node = node("name: a\nbaseType: Computer\nresourceId: x\n");
        let error = decode::<Resource>(&node).unwrap_err();
        assert!(
            error.message.starts_with("invalid value for `baseType`"),
            "{}",
            error.message
        );
        assert_eq!(error.span.unwrap().line, 2);
        assert_eq!(error.span.unwrap().column, 11);
    }

    #[test]
    fn missing_kind_is_an_error() {
        let without_kind = node("apiVersion: vanta-gitops/v1\nname: a\n");
        assert_eq!(header(&without_kind).unwrap_err().message, "missing `kind`");
        let misspelt = node("apiVersion: vanta-gitops/v1\nkind: Record\n");
        let error = header(&misspelt).unwrap_err();
        assert_eq!(error.help.as_deref(), Some("did you mean `Records`?"));
    }
}
