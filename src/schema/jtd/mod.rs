//! JSON Type Definition (RFC 8927): schema checking, validation and conversion.
//!
//! Every record schema of this project, Vanta's base types and each resource's custom
//! properties alike, is a JTD schema. This module owns the whole format:
//!
//! - [`Schema::from_json`] checks a schema against every rule of RFC 8927 and compiles it into a
//!   [`Schema`] whose [`Form`] tree other modules walk, in document order, to render and
//!   normalise records.
//! - [`validate`] checks any [`Instance`], a `serde_json::Value` or the inventory's YAML tree,
//!   and returns the RFC's error indicators as [`ValidationError`]s.
//! - [`to_json_schema`] converts a schema to JSON Schema draft 2020-12 for editors.
//!
//! It does not know about Vanta, records or YAML: callers map the error paths back to their
//! sources.
//!
//! ```
//! use serde_json::json;
//! use vanta_gitops::schema::jtd::{ErrorKind, Schema, TypeName, ValidationOptions, validate};
//!
//! let schema = Schema::from_json(&json!({
//!     "properties": {"email": {"type": "string"}, "logins": {"type": "int32"}}
//! }))?;
//! let record = json!({"email": "ada@example.com", "logins": 1.5});
//! let errors = validate(&schema, &record, &ValidationOptions::default())?;
//!
//! assert_eq!(errors.len(), 1);
//! assert_eq!(errors[0].instance_pointer(), "/logins");
//! assert_eq!(errors[0].schema_pointer(), "/properties/logins/type");
//! assert_eq!(errors[0].kind, ErrorKind::Type { expected: TypeName::Int32 });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod instance;
mod json_schema;
mod parse;
mod pointer;
mod schema;
mod timestamp;
mod validate;

pub use instance::Instance;
pub use json_schema::to_json_schema;
pub use parse::{MAX_SCHEMA_DEPTH, SchemaError, SchemaErrorKind};
pub use pointer::to_pointer;
pub use schema::{Form, Schema, TypeName};
pub use timestamp::is_timestamp;
pub use validate::{
    DEFAULT_MAX_DEPTH, ErrorKind, MAX_NESTING, MaxDepthExceeded, ValidationError,
    ValidationOptions, validate,
};
