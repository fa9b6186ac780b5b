//! Safety checks, pushing changed resources to Vanta, verification and the apply record.
//!
//! A resource is sent only when every check passed: its desired set was loaded without
//! errors, its current set was read completely, the safety policy allows the deletions, and
//! (for saved plans) nothing changed in Vanta since the plan. Each resource goes in one PUT of
//! its complete desired set and is read back afterwards.

pub mod push;
pub mod record;
pub mod safety;
pub mod saved;

pub use push::{Outcome, ResourceResult, apply_resource};
pub use safety::{Refusal, check};
