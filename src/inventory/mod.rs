//! Loading an inventory: files, YAML with spans, typed documents and records.
//!
//! [`load`] is the entry point: [`walk`] finds the files, [`yaml`] parses them with a
//! position on every value, [`document`] reads the document kinds, and the records of each
//! resource are validated against their schema, with [`messages`] wording the problems.

pub mod document;
pub mod fields;
pub mod json_schema;
mod load;
pub mod messages;
pub mod model;
pub mod unknown_fields;
pub mod walk;
pub mod yaml;

pub use load::{LoadError, LoadOptions, MAX_FILE_BYTES, load, load_with};
pub use model::{DesiredRecord, Inventory, ResourceDef};
