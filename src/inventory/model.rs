//! The loaded inventory: resources with their validated desired records.

use std::path::PathBuf;

use crate::custom_tests::CustomTest;
use crate::diagnostics::{SourceMap, Span};
use crate::inventory::document::{MaxDestroy, Workspace};
use crate::plan::record::RecordJson;
use crate::schema::base::BaseType;
use crate::schema::jtd;

/// Everything an inventory declares, after loading and validation.
#[derive(Debug, Default)]
pub struct Inventory {
    /// The folder the inventory was read from.
    pub root: PathBuf,
    pub sources: SourceMap,
    pub workspace: Workspace,
    /// Declared resources, sorted by name.
    pub resources: Vec<ResourceDef>,
    /// Custom Test mirrors, sorted by name.
    pub custom_tests: Vec<CustomTest>,
}

impl Inventory {
    /// Returns the resource with the given local name.
    pub fn resource(&self, name: &str) -> Option<&ResourceDef> {
        self.resources.iter().find(|resource| resource.name == name)
    }
}

/// One declared resource and the records it should hold in Vanta.
#[derive(Debug)]
pub struct ResourceDef {
    pub name: String,
    pub base_type: BaseType,
    pub resource_id: String,
    /// The JTD schema of the resource's custom properties, when it declares any.
    pub custom_properties: Option<serde_json::Value>,
    /// The compiled schema of one record: the base type's fields plus custom properties.
    pub schema: jtd::Schema,
    pub allow_empty: bool,
    pub max_destroy: Option<MaxDestroy>,
    /// The location of the `Resource` document.
    pub span: Span,
    /// Whether at least one `Records` document names this resource. A resource with no
    /// `Records` document is declared but unmanaged: the plan reads it and changes nothing.
    pub managed: bool,
    /// The desired records, sorted by `uniqueId`.
    pub records: Vec<DesiredRecord>,
}

/// One record as the inventory wants it in Vanta.
#[derive(Debug, Clone)]
pub struct DesiredRecord {
    pub unique_id: String,
    /// The record with `defaults` merged in, exactly as it would be sent.
    pub json: RecordJson,
    /// The start of the record.
    pub span: Span,
    /// The place of the record's `uniqueId` value.
    pub unique_span: Span,
    /// The paths of timestamps written with fractional seconds, which Vanta drops.
    pub fractional: Vec<Vec<String>>,
}
