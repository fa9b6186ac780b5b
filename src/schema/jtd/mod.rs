//! JSON Type Definition (RFC 8927): schema checking, validation and conversion.
//!
//! Every record schema of this project, Vanta's base types and each resource's custom
//! properties alike, is a JTD schema. This module owns the whole format:
//!
//! - [`Schema::from_json`] checks a schema against every rule of RFC 8927 and compiles it into a
//!   [`Schema`] whose [`Form`] tree other modules walk, in document order, to render and
//!   normalise records.
//!
//! It does not know about Vanta, records or YAML: callers map the error paths back to their
//! sources.

mod parse;
mod pointer;
mod schema;

pub use parse::{MAX_SCHEMA_DEPTH, SchemaError, SchemaErrorKind};
pub use pointer::to_pointer;
pub use schema::{Form, Schema, TypeName};
