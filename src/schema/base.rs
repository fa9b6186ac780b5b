//! Vanta's twelve base resource types.
//!
//! Each base type has a JTD schema in `schemas/vanta/`, embedded into the binary at build time,
//! and an API path segment under `/v1/resources/`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

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
            BaseType::ApiEndpointVulnerabilityConnectors => {
                "api_endpoint_vulnerability_connectors"
            }
        }
    }

    /// Finds the base type served at a path segment.
    pub fn from_path_segment(segment: &str) -> Option<BaseType> {
        BaseType::ALL.into_iter().find(|base| base.path_segment() == segment)
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
        BaseType::ALL.into_iter().find(|base| base.name() == name).ok_or(())
    }
}
