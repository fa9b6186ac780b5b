//! Pushing one resource: a staleness check, the PUT, and a read-back that must match.

use serde::Serialize;

use crate::diagnostics::SourceMap;
use crate::inventory::ResourceDef;
use crate::plan::diff::{ResourceInput, plan_resource, remote_digest};
use crate::plan::model::ResourcePlan;
use crate::plan::record::RecordJson;
use crate::vanta::{Client, RemoteRecord};

/// What happened to one resource during an apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    Failed,
    NotAttempted,
}

/// The result of applying one resource, for the report and the apply record.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceResult {
    pub name: String,
    pub resource_id: String,
    pub outcome: Outcome,
    /// The digest of the records in Vanta before the PUT.
    pub before_digest: String,
    /// The digest of the records in Vanta after the PUT, read back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The start and end times of this resource's apply (RFC 3339, UTC), for resources that
    /// were attempted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

impl ResourceResult {
    /// Creates the result of a resource that was not sent.
    pub fn not_attempted(plan: &ResourcePlan, reason: impl Into<String>) -> ResourceResult {
        ResourceResult {
            name: plan.name.clone(),
            resource_id: plan.resource_id.clone(),
            outcome: Outcome::NotAttempted,
            before_digest: plan.remote_digest.clone(),
            after_digest: None,
            error: Some(reason.into()),
            started_at: None,
            finished_at: None,
        }
    }
}

/// Applies one resource whose plan has changes: reads it again and rejects it when it changed
/// since the plan ("Saved plan is stale" when `saved`), sends the complete desired set, then
/// reads it back and checks that Vanta contains exactly the desired records.
pub async fn apply_resource(
    client: &Client,
    resource: &ResourceDef,
    planned: &ResourcePlan,
    sources: &SourceMap,
    saved: bool,
) -> ResourceResult {
    let mut result = ResourceResult {
        name: resource.name.clone(),
        resource_id: resource.resource_id.clone(),
        outcome: Outcome::Failed,
        before_digest: planned.remote_digest.clone(),
        after_digest: None,
        error: None,
        started_at: Some(jiff::Timestamp::now().to_string()),
        finished_at: None,
    };
    push(client, resource, planned, sources, saved, &mut result).await;
    result.finished_at = Some(jiff::Timestamp::now().to_string());
    result
}

/// Runs the steps of [`apply_resource`], recording the outcome in `result`.
async fn push(
    client: &Client,
    resource: &ResourceDef,
    planned: &ResourcePlan,
    sources: &SourceMap,
    saved: bool,
    result: &mut ResourceResult,
) {
    let current = match client
        .list(resource.base_type, &resource.resource_id, &resource.schema)
        .await
    {
        Ok(set) => set,
        Err(error) => {
            result.outcome = Outcome::NotAttempted;
            result.error = Some(format!("could not read the current records again: {error}"));
            return;
        }
    };
    let current_digest = remote_digest(&current.records);
    if current_digest != planned.remote_digest {
        result.outcome = Outcome::NotAttempted;
        let plan = if saved { "Saved plan" } else { "Plan" };
        result.error = Some(format!(
            "{plan} is stale: the records in Vanta changed since the plan was made, perhaps by another apply; nothing was sent for this resource, run plan again"
        ));
        return;
    }

    let desired: Vec<&RecordJson> = resource.records.iter().map(|record| &record.json).collect();
    tracing::debug!(resource = %resource.name, records = desired.len(), "sending PUT");
    if let Err(error) = client
        .sync_all(resource.base_type, &resource.resource_id, &desired)
        .await
    {
        result.error = Some(error.to_string());
        return;
    }

    let after = match client
        .list(resource.base_type, &resource.resource_id, &resource.schema)
        .await
    {
        Ok(set) => set,
        Err(error) => {
            result.error = Some(format!(
                "the PUT succeeded, but reading the records back failed: {error}"
            ));
            return;
        }
    };

    result.after_digest = Some(remote_digest(&after.records));
    let leftover = verify(resource, &after.records, sources);
    if leftover.has_changes() {
        let ids: Vec<&str> = leftover
            .changes
            .iter()
            .map(|change| change.unique_id.as_str())
            .take(5)
            .collect();
        result.error = Some(format!(
            "Vanta accepted the PUT but contains different records afterwards ({} differ, such as {})",
            leftover.changes.len(),
            ids.join(", ")
        ));
        return;
    }
    result.outcome = Outcome::Applied;
}

/// Plans the resource again against the records read back; an applied resource has no changes.
fn verify(resource: &ResourceDef, after: &[RemoteRecord], sources: &SourceMap) -> ResourcePlan {
    let input = ResourceInput {
        name: &resource.name,
        base_type: resource.base_type,
        resource_id: &resource.resource_id,
        managed: true,
        schema: &resource.schema,
        desired: &resource.records,
        remote: after,
        sensitive: Vec::new(),
    };
    plan_resource(&input, sources, &mut Vec::new())
}
