//! The plan as data: what would change in Vanta, resource by resource.
//!
//! The same structure is rendered as text, markdown and JSON, and saved with `plan --out`.
//! Values of sensitive fields are already masked here, so no renderer can print them.

use serde::{Deserialize, Serialize};

use crate::schema::base::BaseType;

/// The version of the saved plan format. A new minor version only adds fields.
pub const FORMAT_VERSION: &str = "1.0";

/// The text that replaces the value of a sensitive field in every output.
pub const SENSITIVE: &str = "(sensitive value)";

/// A whole plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: String,
    /// The workspace name, when the inventory's `Workspace` sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The API base URL the current records were read from.
    pub api_url: String,
    pub summary: Summary,
    pub resources: Vec<ResourcePlan>,
    #[serde(default)]
    pub custom_tests: Vec<TestImpact>,
    /// Warnings about the plan, such as two desired emails that differ only in case.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The inventory folder the plan was made from, as given on the command line. Saved plans
    /// carry it so `apply PLANFILE` can check the desired records again. Not part of the digest,
    /// because the same change planned from two checkouts must have the same digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// A digest of everything above, so a reviewed plan can be recognised later.
    pub plan_digest: String,
}

impl Plan {
    /// Reports whether applying the plan would change anything in Vanta.
    pub fn has_changes(&self) -> bool {
        self.summary.add + self.summary.change + self.summary.destroy > 0
    }
}

/// Counts of changes, in Terraform's terms: deactivations count as destroys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    pub unchanged: usize,
}

impl Summary {
    /// Adds another summary's counts to this one.
    pub fn add_counts(&mut self, other: Summary) {
        self.add += other.add;
        self.change += other.change;
        self.destroy += other.destroy;
        self.unchanged += other.unchanged;
    }
}

/// The plan for one declared resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourcePlan {
    pub name: String,
    pub base_type: BaseType,
    pub resource_id: String,
    /// `false` when the inventory declares the resource but has no `Records` document for it:
    /// the plan reads it and leaves it as it is.
    pub managed: bool,
    pub summary: Summary,
    /// Records in Vanta that are live (not soft-deleted) when the plan was made.
    pub remote_live: usize,
    /// A digest of the current records in Vanta, checked again before a saved plan is applied.
    pub remote_digest: String,
    /// A digest of the desired records, checked against the inventory before applying.
    pub desired_digest: String,
    pub changes: Vec<RecordChange>,
}

impl ResourcePlan {
    /// Reports whether the resource needs a PUT.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// What happens to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    /// A soft-deleted user account that the inventory declares again.
    Reactivate,
    Delete,
    /// A user account that the inventory no longer declares: Vanta keeps it as deactivated.
    Deactivate,
}

impl Action {
    /// Reports whether the action removes a record from the live set.
    pub fn is_destroy(self) -> bool {
        matches!(self, Action::Delete | Action::Deactivate)
    }
}

/// The change of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordChange {
    pub unique_id: String,
    pub action: Action,
    /// Where the desired record is written. `None` for deletions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
    /// Changed fields in schema order. For creates and deletes, every field of the record.
    pub fields: Vec<FieldChange>,
    /// Fields that did not change, hidden unless the plan is shown in full.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<FieldChange>,
}

/// A file and line in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    pub file: String,
    pub line: u32,
}

/// The change of one field, addressed by its path from the record, such as
/// `["customProperties", "memory"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub path: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
    /// Whether the values are masked because the field is declared sensitive.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

impl FieldChange {
    /// Returns the path written with dots, such as `customProperties.memory`.
    pub fn dotted_path(&self) -> String {
        self.path.join(".")
    }
}

/// How a Custom Test's outcome changes when the plan is applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestImpact {
    pub name: String,
    pub resource: String,
    /// Failing records now, by `uniqueId`.
    pub failing_before: Vec<String>,
    /// Failing records after the apply, by `uniqueId`.
    pub failing_after: Vec<String>,
    /// Records the test applies to after the apply.
    pub in_scope_after: usize,
}

impl TestImpact {
    /// Returns the outcome before the apply as a word.
    pub fn before(&self) -> &'static str {
        outcome(&self.failing_before)
    }

    /// Returns the outcome after the apply as a word.
    pub fn after(&self) -> &'static str {
        outcome(&self.failing_after)
    }
}

fn outcome(failing: &[String]) -> &'static str {
    if failing.is_empty() {
        "passing"
    } else {
        "failing"
    }
}
