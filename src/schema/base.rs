//! Vanta's twelve base resource types and their JSON Type Definition (RFC 8927) schemas.
//!
//! Each base type has a JTD schema in `schemas/vanta/<path segment>.jtd.json`, embedded into the
//! binary at build time, and an API path segment under `/v1/resources/`.
//!
//! The schemas list every field of the type in the order of Vanta's API reference. Their JTD
//! `metadata` carries what the rest of the tool reads:
//!
//! - on the root, `description`, `path` (the path segment) and `baseType` (the type's name);
//! - on every property, a one-line `description`;
//! - on every array, `unordered`: `true` when the order of its elements has no meaning, so that
//!   a plan compares it as a set, and `false` when order matters.
//!
//! The base schemas never contain `customProperties`: Vanta rejects that member on records of a
//! resource that declares no custom properties. [`record_schema_json`] adds it for resources that
//! declare some.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One of the base resource types that Vanta's Build Integrations API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BaseType {
    UserAccount,
    CustomResource,
    MacosUserComputer,
    WindowsUserComputer,
    BackgroundCheckConnector,
    UserSecurityTrainingStatus,
    Secret,
    SecurityTask,
    VulnerableComponent,
    PackageVulnerabilityConnectors,
    StaticAnalysisCodeVulnerabilityConnectors,
    ApiEndpointVulnerabilityConnectors,
}

impl BaseType {
    /// Every base type, in the order the API reference lists them.
    pub const ALL: [BaseType; 12] = [
        BaseType::UserAccount,
        BaseType::CustomResource,
        BaseType::MacosUserComputer,
        BaseType::WindowsUserComputer,
        BaseType::BackgroundCheckConnector,
        BaseType::UserSecurityTrainingStatus,
        BaseType::Secret,
        BaseType::SecurityTask,
        BaseType::VulnerableComponent,
        BaseType::PackageVulnerabilityConnectors,
        BaseType::StaticAnalysisCodeVulnerabilityConnectors,
        BaseType::ApiEndpointVulnerabilityConnectors,
    ];

    /// Returns the type's name as Vanta writes it, such as `UserAccount`.
    pub fn name(self) -> &'static str {
        match self {
            BaseType::UserAccount => "UserAccount",
            BaseType::CustomResource => "CustomResource",
            BaseType::MacosUserComputer => "MacosUserComputer",
            BaseType::WindowsUserComputer => "WindowsUserComputer",
            BaseType::BackgroundCheckConnector => "BackgroundCheckConnector",
            BaseType::UserSecurityTrainingStatus => "UserSecurityTrainingStatus",
            BaseType::Secret => "Secret",
            BaseType::SecurityTask => "SecurityTask",
            BaseType::VulnerableComponent => "VulnerableComponent",
            BaseType::PackageVulnerabilityConnectors => "PackageVulnerabilityConnectors",
            BaseType::StaticAnalysisCodeVulnerabilityConnectors => {
                "StaticAnalysisCodeVulnerabilityConnectors"
            }
            BaseType::ApiEndpointVulnerabilityConnectors => "ApiEndpointVulnerabilityConnectors",
        }
    }

    /// Returns the path segment under `/v1/resources/`, such as `user_account`.
    pub fn path_segment(self) -> &'static str {
        match self {
            BaseType::UserAccount => "user_account",
            BaseType::CustomResource => "custom_resource",
            BaseType::MacosUserComputer => "macos_user_computer",
            BaseType::WindowsUserComputer => "windows_user_computer",
            BaseType::BackgroundCheckConnector => "background_check_connector",
            BaseType::UserSecurityTrainingStatus => "user_security_training_status",
            BaseType::Secret => "secret",
            BaseType::SecurityTask => "security_task",
            BaseType::VulnerableComponent => "vulnerable_component",
            BaseType::PackageVulnerabilityConnectors => "package_vulnerability_connectors",
            BaseType::StaticAnalysisCodeVulnerabilityConnectors => {
                "static_analysis_code_vulnerability_connectors"
            }
            BaseType::ApiEndpointVulnerabilityConnectors => "api_endpoint_vulnerability_connectors",
        }
    }

    /// Finds the base type served at a path segment.
    pub fn from_path_segment(segment: &str) -> Option<BaseType> {
        BaseType::ALL
            .into_iter()
            .find(|base| base.path_segment() == segment)
    }

    /// Reports whether records omitted from a PUT are soft-deleted (kept with `deletedAt`)
    /// rather than removed. Vanta documents this for user accounts only.
    pub fn soft_deletes(self) -> bool {
        self == BaseType::UserAccount
    }
}

impl fmt::Display for BaseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BaseType {
    type Err = ();

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        BaseType::ALL
            .into_iter()
            .find(|base| base.name() == name)
            .ok_or(())
    }
}

/// Name of the record member that contains a resource's custom properties.
pub const CUSTOM_PROPERTIES_FIELD: &str = "customProperties";

/// Returns the embedded JTD source of a base type's schema.
fn schema_source(base: BaseType) -> &'static str {
    match base {
        BaseType::UserAccount => include_str!("../../schemas/vanta/user_account.jtd.json"),
        BaseType::CustomResource => include_str!("../../schemas/vanta/custom_resource.jtd.json"),
        BaseType::MacosUserComputer => {
            include_str!("../../schemas/vanta/macos_user_computer.jtd.json")
        }
        BaseType::WindowsUserComputer => {
            include_str!("../../schemas/vanta/windows_user_computer.jtd.json")
        }
        BaseType::BackgroundCheckConnector => {
            include_str!("../../schemas/vanta/background_check_connector.jtd.json")
        }
        BaseType::UserSecurityTrainingStatus => {
            include_str!("../../schemas/vanta/user_security_training_status.jtd.json")
        }
        BaseType::Secret => include_str!("../../schemas/vanta/secret.jtd.json"),
        BaseType::SecurityTask => include_str!("../../schemas/vanta/security_task.jtd.json"),
        BaseType::VulnerableComponent => {
            include_str!("../../schemas/vanta/vulnerable_component.jtd.json")
        }
        BaseType::PackageVulnerabilityConnectors => {
            include_str!("../../schemas/vanta/package_vulnerability_connectors.jtd.json")
        }
        BaseType::StaticAnalysisCodeVulnerabilityConnectors => include_str!(
            "../../schemas/vanta/static_analysis_code_vulnerability_connectors.jtd.json"
        ),
        BaseType::ApiEndpointVulnerabilityConnectors => {
            include_str!("../../schemas/vanta/api_endpoint_vulnerability_connectors.jtd.json")
        }
    }
}

/// Base type schemas, parsed on first use.
///
/// The sources are compiled into the binary, so a parse failure is a build defect rather than
/// bad input, and a unit test parses every one of them.
static BASE_SCHEMAS: LazyLock<BTreeMap<BaseType, Value>> = LazyLock::new(|| {
    BaseType::ALL
        .into_iter()
        .map(|base| {
            let schema = serde_json::from_str(schema_source(base)).unwrap_or_else(|error| {
                panic!("embedded JTD schema of {base} is not valid JSON: {error}")
            });
            (base, schema)
        })
        .collect()
});

/// Returns the JTD schema of a base type, without custom properties.
pub fn base_schema_json(base: BaseType) -> &'static Value {
    &BASE_SCHEMAS[&base]
}

/// Builds the JTD schema that a resource's records must match.
///
/// Without custom properties this is the base schema. With them, the base schema gains a
/// required `customProperties` member, because Vanta requires it whenever a resource declares
/// custom properties. Its schema is `custom_properties` as given, which the JTD validator checks.
pub fn record_schema_json(base: BaseType, custom_properties: Option<&Value>) -> Value {
    let mut schema = base_schema_json(base).clone();
    if let Some(custom_properties) = custom_properties
        && let Some(Value::Object(properties)) = schema.get_mut("properties")
    {
        properties.insert(
            CUSTOM_PROPERTIES_FIELD.to_owned(),
            custom_properties.clone(),
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const COMMON_FIELDS: [&str; 3] = ["displayName", "uniqueId", "externalUrl"];

    /// Required and optional top-level fields of each type after the common ones, in the order
    /// of Vanta's API reference.
    fn expected_fields(base: BaseType) -> (&'static [&'static str], &'static [&'static str]) {
        match base {
            BaseType::UserAccount => (
                &[
                    "fullName",
                    "accountName",
                    "email",
                    "permissionLevel",
                    "createdTimestamp",
                    "status",
                    "mfaEnabled",
                    "mfaMethods",
                    "authMethod",
                ],
                &[
                    "roleDescription",
                    "updatedTimestamp",
                    "deactivatedTimestamp",
                    "lastLoginTimestamp",
                    "lastPasswordResetTimestamp",
                    "groupIds",
                ],
            ),
            BaseType::CustomResource => (&[], &[]),
            BaseType::MacosUserComputer => (
                &[
                    "collectedTimestamp",
                    "osName",
                    "osVersion",
                    "hardwareUuid",
                    "serialNumber",
                    "applications",
                    "browserExtensions",
                    "drives",
                    "users",
                    "systemScreenlockPolicies",
                    "isManaged",
                    "autoUpdatesEnabled",
                ],
                &[
                    "owner",
                    "passwordPolicy",
                    "lastEnrolledTimestamp",
                    "isXProtectEnabled",
                ],
            ),
            BaseType::WindowsUserComputer => (
                &[
                    "collectedTimestamp",
                    "osName",
                    "osVersion",
                    "hardwareUuid",
                    "serialNumber",
                    "programs",
                    "browserExtensions",
                    "drives",
                    "users",
                    "systemScreenlockPolicies",
                    "isManaged",
                    "autoUpdatesEnabled",
                ],
                &[
                    "owner",
                    "passwordPolicy",
                    "lastEnrolledTimestamp",
                    "windowsSecurityProducts",
                    "windowsSecurityCenter",
                ],
            ),
            BaseType::BackgroundCheckConnector => {
                (&["fullName", "email", "status"], &["completionDate"])
            }
            BaseType::UserSecurityTrainingStatus => (
                &[
                    "trainingId",
                    "trainingName",
                    "frameworksFulfilled",
                    "traineeFullName",
                    "traineeAccountName",
                    "traineeEmail",
                    "status",
                    "trainingCreatedTimestamp",
                    "trainingDueTimestamp",
                ],
                &["trainingCompletedTimestamp"],
            ),
            BaseType::Secret => (
                &[
                    "name",
                    "description",
                    "createdTimestamp",
                    "creator",
                    "owner",
                ],
                &[
                    "updatedTimestamp",
                    "lastAccessedTimestamp",
                    "expiresTimestamp",
                ],
            ),
            BaseType::SecurityTask => (
                &[
                    "taskId",
                    "taskTitle",
                    "createdTimestamp",
                    "taskState",
                    "priority",
                    "assignees",
                    "creator",
                    "labels",
                ],
                &["closedTimestamp", "updatedTimestamp"],
            ),
            BaseType::VulnerableComponent => (
                &["collectedTimestamp", "name", "description", "targetType"],
                &[],
            ),
            BaseType::PackageVulnerabilityConnectors => (
                &[
                    "packageName",
                    "packageVersion",
                    "severity",
                    "vulnerableComponentUniqueId",
                    "description",
                    "isResolvable",
                    "remediationInstructions",
                ],
                &["isReachable", "cveId", "cvss3Vector", "cvss3Score"],
            ),
            BaseType::StaticAnalysisCodeVulnerabilityConnectors => (
                &[
                    "occurrences",
                    "severity",
                    "confidence",
                    "isResolvable",
                    "vulnerableComponentUniqueId",
                    "description",
                    "remediationInstructions",
                ],
                &["cveId", "cvss3Vector", "cvss3Score"],
            ),
            BaseType::ApiEndpointVulnerabilityConnectors => (
                &[
                    "occurrences",
                    "severity",
                    "vulnerableComponentUniqueId",
                    "description",
                    "remediationInstructions",
                    "url",
                    "httpMethod",
                ],
                &["cveId", "cvss3Vector", "cvss3Score"],
            ),
        }
    }

    fn member_names(schema: &Value, keyword: &str) -> Vec<String> {
        schema
            .get(keyword)
            .and_then(Value::as_object)
            .map(|members| members.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Calls `visit` on `schema` and on every subschema below it, with its JSON Pointer.
    fn walk(schema: &Value, pointer: &str, visit: &mut dyn FnMut(&str, &Value)) {
        visit(pointer, schema);
        for keyword in ["properties", "optionalProperties"] {
            if let Some(members) = schema.get(keyword).and_then(Value::as_object) {
                for (name, member) in members {
                    walk(member, &format!("{pointer}/{keyword}/{name}"), visit);
                }
            }
        }
        if let Some(elements) = schema.get("elements") {
            walk(elements, &format!("{pointer}/elements"), visit);
        }
    }

    #[test]
    fn every_source_parses() {
        for base in BaseType::ALL {
            let parsed = serde_json::from_str::<Value>(schema_source(base));
            assert!(parsed.is_ok(), "{base}: {:?}", parsed.err());
            assert!(base_schema_json(base).is_object(), "{base}");
        }
    }

    #[test]
    fn schema_folder_has_one_file_per_type() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/vanta");
        let mut found: Vec<String> = std::fs::read_dir(folder)
            .expect("schemas/vanta is readable")
            .map(|entry| entry.expect("directory entry").file_name())
            .map(|name| name.to_string_lossy().into_owned())
            .collect();
        found.sort();
        let mut expected: Vec<String> = BaseType::ALL
            .iter()
            .map(|base| format!("{}.jtd.json", base.path_segment()))
            .collect();
        expected.sort();
        assert_eq!(found, expected);
    }

    #[test]
    fn root_metadata_names_type() {
        for base in BaseType::ALL {
            let metadata = &base_schema_json(base)["metadata"];
            assert_eq!(metadata["path"], base.path_segment(), "{base}");
            assert_eq!(metadata["baseType"], base.name(), "{base}");
            let description = metadata["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "{base} has no description");
        }
    }

    #[test]
    fn common_fields_come_first() {
        for base in BaseType::ALL {
            let schema = base_schema_json(base);
            let required = member_names(schema, "properties");
            assert_eq!(required[..3], COMMON_FIELDS, "{base}");
            for field in COMMON_FIELDS {
                assert_eq!(
                    schema["properties"][field]["type"], "string",
                    "{base}.{field}"
                );
            }
        }
    }

    #[test]
    fn fields_match_reference() {
        for base in BaseType::ALL {
            let schema = base_schema_json(base);
            let (required, optional) = expected_fields(base);
            let expected_required: Vec<&str> =
                COMMON_FIELDS.iter().chain(required).copied().collect();
            assert_eq!(
                member_names(schema, "properties"),
                expected_required,
                "{base}"
            );
            assert_eq!(
                member_names(schema, "optionalProperties"),
                optional,
                "{base}"
            );
        }
    }

    #[test]
    fn base_schemas_omit_custom_properties() {
        for base in BaseType::ALL {
            let schema = base_schema_json(base);
            for keyword in ["properties", "optionalProperties"] {
                assert!(
                    schema
                        .get(keyword)
                        .and_then(|m| m.get(CUSTOM_PROPERTIES_FIELD))
                        .is_none(),
                    "{base} {keyword}"
                );
            }
        }
    }

    #[test]
    fn every_property_has_description() {
        for base in BaseType::ALL {
            walk(base_schema_json(base), "", &mut |pointer, schema| {
                // The schema of an array's elements is described by the array's description.
                if pointer.ends_with("/elements") {
                    return;
                }
                let description = schema["metadata"]["description"].as_str();
                assert!(
                    description.is_some_and(|text| !text.is_empty()),
                    "{base} {pointer} has no description"
                );
            });
        }
    }

    #[test]
    fn every_array_declares_ordering() {
        for base in BaseType::ALL {
            walk(base_schema_json(base), "", &mut |pointer, schema| {
                if schema.get("elements").is_some() {
                    assert!(
                        schema["metadata"]["unordered"].is_boolean(),
                        "{base} {pointer} has no boolean metadata.unordered"
                    );
                }
            });
        }
    }

    #[test]
    fn set_like_arrays_are_unordered() {
        let cases = [
            (BaseType::UserAccount, "/properties/mfaMethods"),
            (BaseType::UserAccount, "/optionalProperties/groupIds"),
            (BaseType::SecurityTask, "/properties/assignees"),
            (BaseType::SecurityTask, "/properties/labels"),
            (
                BaseType::UserSecurityTrainingStatus,
                "/properties/frameworksFulfilled",
            ),
            (BaseType::MacosUserComputer, "/properties/applications"),
            (BaseType::MacosUserComputer, "/properties/browserExtensions"),
            (BaseType::WindowsUserComputer, "/properties/programs"),
            (
                BaseType::WindowsUserComputer,
                "/properties/browserExtensions",
            ),
        ];
        for (base, pointer) in cases {
            let schema = base_schema_json(base).pointer(pointer);
            assert!(schema.is_some(), "{base} {pointer} not found");
            let unordered = schema.and_then(|s| s.pointer("/metadata/unordered"));
            assert_eq!(unordered, Some(&Value::Bool(true)), "{base} {pointer}");
        }
    }

    #[test]
    fn nullable_only_on_computer_options() {
        for base in BaseType::ALL {
            let computer = matches!(
                base,
                BaseType::MacosUserComputer | BaseType::WindowsUserComputer
            );
            walk(base_schema_json(base), "", &mut |pointer, schema| {
                let nullable = schema.get("nullable") == Some(&Value::Bool(true));
                let optional = pointer
                    .rsplit('/')
                    .nth(1)
                    .is_some_and(|keyword| keyword == "optionalProperties");
                assert_eq!(nullable, computer && optional, "{base} {pointer}");
            });
        }
    }

    #[test]
    fn numeric_fields_have_reference_types() {
        let cases = [
            (
                BaseType::PackageVulnerabilityConnectors,
                "/properties/severity",
                "float64",
            ),
            (
                BaseType::ApiEndpointVulnerabilityConnectors,
                "/properties/severity",
                "float64",
            ),
            (
                BaseType::StaticAnalysisCodeVulnerabilityConnectors,
                "/properties/severity",
                "int32",
            ),
            (
                BaseType::StaticAnalysisCodeVulnerabilityConnectors,
                "/properties/confidence",
                "int32",
            ),
            (
                BaseType::StaticAnalysisCodeVulnerabilityConnectors,
                "/properties/occurrences/elements/properties/endLine",
                "int32",
            ),
            (
                BaseType::StaticAnalysisCodeVulnerabilityConnectors,
                "/optionalProperties/cvss3Score",
                "float64",
            ),
            (
                BaseType::MacosUserComputer,
                "/properties/systemScreenlockPolicies/elements/properties/screenSleepTimeoutMs",
                "int32",
            ),
            (
                BaseType::WindowsUserComputer,
                "/optionalProperties/passwordPolicy/properties/minimumLengthRequirement",
                "int32",
            ),
        ];
        for (base, pointer, expected) in cases {
            let schema = base_schema_json(base).pointer(pointer);
            let found = schema.and_then(|s| s.get("type"));
            assert_eq!(found, Some(&json!(expected)), "{base} {pointer}");
        }
    }

    #[test]
    fn record_schema_without_custom_properties() {
        for base in BaseType::ALL {
            assert_eq!(
                &record_schema_json(base, None),
                base_schema_json(base),
                "{base}"
            );
        }
    }

    #[test]
    fn record_schema_adds_custom_properties() {
        let custom = json!({
            "properties": {
                "memory": { "type": "int32" },
                "active": { "type": "boolean" }
            }
        });
        let schema = record_schema_json(BaseType::CustomResource, Some(&custom));
        assert_eq!(schema["properties"][CUSTOM_PROPERTIES_FIELD], custom);
        assert!(schema["optionalProperties"][CUSTOM_PROPERTIES_FIELD].is_null());
        assert_eq!(
            member_names(&schema, "properties"),
            [
                "displayName",
                "uniqueId",
                "externalUrl",
                CUSTOM_PROPERTIES_FIELD
            ]
        );
        assert_eq!(
            schema["metadata"],
            base_schema_json(BaseType::CustomResource)["metadata"]
        );
        let base = base_schema_json(BaseType::CustomResource);
        assert!(base["properties"].get(CUSTOM_PROPERTIES_FIELD).is_none());
    }

    #[test]
    fn record_schema_extends_user_account() {
        let custom = json!({ "properties": { "costCenter": { "type": "string" } } });
        let schema = record_schema_json(BaseType::UserAccount, Some(&custom));
        assert_eq!(schema["properties"][CUSTOM_PROPERTIES_FIELD], custom);
        assert_eq!(
            schema["properties"]["mfaMethods"],
            base_schema_json(BaseType::UserAccount)["properties"]["mfaMethods"]
        );
    }
}
