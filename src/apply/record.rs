//! The apply record: a JSON file an auditor can keep as evidence of what was applied.

use serde::Serialize;

use crate::apply::push::ResourceResult;

/// The version of the apply record format.
pub const RECORD_FORMAT_VERSION: &str = "1.0";

/// Who applied what, when, and with which result.
#[derive(Debug, Serialize)]
pub struct ApplyRecord {
    pub format_version: &'static str,
    pub tool_version: &'static str,
    /// The user or CI actor that ran the apply, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The git commit of the inventory, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub api_url: String,
    pub plan_digest: String,
    /// RFC 3339 times in UTC.
    pub started_at: String,
    pub finished_at: String,
    pub resources: Vec<ResourceResult>,
}
