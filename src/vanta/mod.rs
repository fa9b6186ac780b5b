//! The HTTP client for Vanta: token, GET and PUT of resources, pacing and retries.
//!
//! Endpoints used, all relative to the API host:
//! - `POST /oauth/token` with a JSON body (client credentials), once per run;
//! - `GET /v1/resources/<type>?resourceId=<id>`, which returns every record at once;
//! - `PUT /v1/resources/<type>` with `{"resourceId", "resources"}`, which replaces every record
//!   of the resource.

mod client;
mod error;
mod pacing;
mod secret;

pub use client::{Client, ClientOptions, Credentials, RemoteRecord, RemoteSet, Scope};
pub use error::VantaError;
pub use pacing::RateLimit;
pub use secret::{REDACTED, Redactor, Secret};

/// Server-owned fields of a record: Vanta sets them and ignores them on PUT.
pub const SERVER_FIELDS: [&str; 3] = ["createdAt", "updatedAt", "deletedAt"];
