//! The plan as data: what would change in Vanta, resource by resource.
//!
//! The same structure is rendered as text, markdown and JSON, and saved with `plan --out`.
//! Values of sensitive fields are already masked here, so no renderer can print them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::schema::base::BaseType;

/// The version of the saved plan format. A new minor version only adds fields.
pub const FORMAT_VERSION: &str = "2.0";

/// The text that replaces the value of a sensitive field in every output.
pub const SENSITIVE: &str = "(sensitive value)";

/// A plan of vanta-gitops: what applying an inventory would change in Vanta. `plan --out`
/// saves it in this form, and `show` and `apply` read it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// The version of this format, `MAJOR.MINOR`. Readers reject an unknown major version and
    /// ignore fields they do not know.
    pub format_version: String,
    /// The workspace name, when the inventory's `Workspace` sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// The API base URL the current records were read from.
    pub api_url: String,
    /// The counts of changes over every resource.
    pub summary: Summary,
    /// The planned resources, sorted by name.
    pub resources: Vec<ResourcePlan>,
    /// The outcome change of each Custom Test, by resource and then test name.
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Records created or reactivated.
    pub add: usize,
    /// Records updated in place.
    pub change: usize,
    /// Records deleted or deactivated.
    pub destroy: usize,
    /// Desired records that already match Vanta.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourcePlan {
    /// The resource's local name in the inventory.
    pub name: String,
    /// The Vanta base type, such as `UserAccount`.
    #[schemars(schema_with = "base_type_schema")]
    pub base_type: BaseType,
    /// The `resourceId` Vanta gave the resource.
    pub resource_id: String,
    /// `false` when the inventory declares the resource but has no `Records` document for it:
    /// the plan reads it and leaves it as it is.
    pub managed: bool,
    /// The counts of changes of this resource.
    pub summary: Summary,
    /// Records in Vanta that are live (not soft-deleted) when the plan was made.
    pub remote_live: usize,
    /// A digest of the current records in Vanta, checked again before a saved plan is applied.
    pub remote_digest: String,
    /// A digest of the desired records, checked against the inventory before applying.
    pub desired_digest: String,
    /// The records that change, sorted by `uniqueId`.
    pub changes: Vec<RecordChange>,
    /// The source location of every desired record, sorted by `uniqueId`, including records that do
    /// not change. Empty for a resource the inventory does not manage.
    #[serde(default)]
    pub sources: Vec<RecordSource>,
}

impl ResourcePlan {
    /// Reports whether the resource needs a PUT.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// The action the plan takes on one record.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecordChange {
    /// The record's `uniqueId`.
    pub unique_id: String,
    /// The action the plan takes on the record.
    pub action: Action,
    /// The source location of the desired record. `None` for deletions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
    /// Changed fields in schema order. For creates and deletes, every field of the record.
    pub fields: Vec<FieldChange>,
    /// Fields that did not change, hidden unless the plan is shown in full.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<FieldChange>,
}

impl RecordChange {
    /// Reports whether rendering the change shows what changes. Every action but a
    /// reactivation lists at least one field; a reactivation may restore a record unchanged,
    /// and its header line is the change. A plan must never hold an invisible change.
    pub fn is_visible(&self) -> bool {
        self.action == Action::Reactivate || !self.fields.is_empty()
    }
}

/// The source location of one desired record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecordSource {
    /// The record's `uniqueId`.
    pub unique_id: String,
    /// The file, relative to the inventory folder.
    pub file: String,
    /// The 1-based line where the record starts.
    pub line: u32,
}

/// A file and line in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceLocation {
    /// The file, relative to the inventory folder.
    pub file: String,
    /// The 1-based line where the record starts.
    pub line: u32,
}

/// The change of one field, addressed by its path from the record, such as
/// `["customProperties", "memory"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    /// The member names from the record down to the field.
    pub path: Vec<String>,
    /// The normalised value in Vanta, absent when Vanta does not have the field. A sensitive
    /// value is replaced by `(sensitive value)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted_option",
        deserialize_with = "present"
    )]
    pub before: Option<serde_json::Value>,
    /// The normalised desired value, absent when the field is removed. A sensitive value is
    /// replaced by `(sensitive value)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted_option",
        deserialize_with = "present"
    )]
    pub after: Option<serde_json::Value>,
    /// Whether the values are masked because the field is declared sensitive.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// The element-level changes of an array of which only some elements changed, in order.
    /// Empty when the whole value before and after is the clearer view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<ElementChange>,
}

/// One element of an array shown element by element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ElementChange {
    /// Whether the element stays, is added or is removed.
    pub op: ElementOp,
    /// The element's normalised value.
    #[serde(serialize_with = "sorted")]
    pub value: serde_json::Value,
}

/// Writes a value with the members of every object sorted by name. A plan read back from a
/// file then writes the same JSON whatever order the file had, so its digest still matches.
fn sorted<S: serde::Serializer>(
    value: &serde_json::Value,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Sorted(value).serialize(serializer)
}

fn sorted_option<S: serde::Serializer>(
    value: &Option<serde_json::Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.as_ref().map(Sorted).serialize(serializer)
}

/// Reads a value that is present, `null` included. Absent is `None` (by `default`), and a
/// field changed to or from `null` keeps its `null` when a saved plan is read back.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(Some)
}

/// A value that serialises with object members sorted by name.
struct Sorted<'a>(&'a serde_json::Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            serde_json::Value::Object(members) => {
                let mut entries: Vec<(&String, &serde_json::Value)> = members.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (name, member) in entries {
                    map.serialize_entry(name, &Sorted(member))?;
                }
                map.end()
            }
            serde_json::Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Sorted(item))?;
                }
                seq.end()
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

/// Whether an array element stays, is added or is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ElementOp {
    Keep,
    Add,
    Remove,
}

impl FieldChange {
    /// Returns the path written with dots, such as `customProperties.memory`.
    pub fn dotted_path(&self) -> String {
        self.path.join(".")
    }
}

/// The change of a Custom Test's outcome when the plan is applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TestImpact {
    /// The Custom Test's name.
    pub name: String,
    /// The resource whose records the test evaluates.
    pub resource: String,
    /// Failing records now, by `uniqueId`.
    pub failing_before: Vec<String>,
    /// Failing records after the apply, by `uniqueId`.
    pub failing_after: Vec<String>,
    /// Records the test applies to after the apply.
    pub in_scope_after: usize,
    /// Records failing now that the apply deletes or deactivates, by `uniqueId`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
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

/// Returns the JSON Schema of the saved plan format, which `schemas/plan.schema.json` holds.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Plan);
    serde_json::to_value(&schema).unwrap_or(serde_json::Value::Null)
}

/// Describes a base type as one of its names, because [`BaseType`] has no schema of its own.
fn base_type_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = BaseType::ALL.iter().map(|base| base.name()).collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

fn outcome(failing: &[String]) -> &'static str {
    if failing.is_empty() {
        "passing"
    } else {
        "failing"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_change_keeps_null_values() {
        let change = FieldChange {
            path: vec!["notes".to_string()],
            before: Some(serde_json::Value::Null),
            after: Some(serde_json::json!("text")),
            sensitive: false,
            elements: Vec::new(),
        };
        let text = serde_json::to_string(&change).unwrap();
        assert!(text.contains(r#""before":null"#), "{text}");
        let read: FieldChange = serde_json::from_str(&text).unwrap();
        assert_eq!(read, change);

        let absent: FieldChange = serde_json::from_str(r#"{"path":["notes"]}"#).unwrap();
        assert_eq!(absent.before, None);
        assert_eq!(absent.after, None);
    }

    /// Compares the checked-in JSON Schema of the plan format with the one the types give.
    /// Run with `VANTA_GITOPS_UPDATE_SCHEMAS=1` to rewrite the file after changing the types.
    #[test]
    fn plan_schema_file_matches_types() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json");
        let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        if std::env::var_os("VANTA_GITOPS_UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "{} is out of date; run `VANTA_GITOPS_UPDATE_SCHEMAS=1 cargo test --lib plan::model` \
             and commit the result",
            path.display()
        );
    }
}
