//! vanta-gitops: declarative GitOps for Vanta's Build Integrations API.
//!
//! The modules follow the data flow of a run, and each owns one step:
//!
//! - [`inventory`] finds the YAML files of an inventory, parses them with a line and column on
//!   every value, and turns them into typed documents and records.
//! - [`schema`] holds the JSON Type Definition (RFC 8927) validator, the embedded schemas of
//!   Vanta's twelve base resource types, and the rules JTD cannot express.
//! - [`diagnostics`] collects every problem with its source span and renders them.
//! - [`vanta`] is the HTTP client for Vanta: token, GET and PUT of resources, pacing, retries.
//! - [`plan`] compares desired and current records. It is pure: no I/O happens there.
//! - [`apply`] enforces the safety rules, pushes changed resources and verifies them.
//! - [`custom_tests`] evaluates the Custom Test rules of the inventory.
//! - [`sandbox`] is a local server that behaves like Vanta's API.
//! - [`github`] publishes plans as pull-request comments and job summaries.
//! - [`commands`] wires these together, one thin file per subcommand.
//! - [`synthetic`] generates large inventories for benchmarks.
//!
//! Start reading at `commands/plan.rs`, which walks the whole pipeline once.

pub mod apply;
pub mod cli;
pub mod commands;
pub mod custom_tests;
pub mod diagnostics;
pub mod github;
pub mod inventory;
pub mod plan;
pub mod printer;
pub mod sandbox;
pub mod schema;
pub mod settings;
pub mod synthetic;
pub mod vanta;
