//! The plan: desired records against current records. Pure: no I/O happens here.
//!
//! [`diff::build`] compares and produces a [`model::Plan`]; [`render`] turns a plan into text,
//! markdown or JSON. Values are compared after [`normalize`].

pub mod diff;
pub mod model;
pub mod normalize;
pub mod record;
pub mod render;

#[cfg(test)]
mod tests;

pub use diff::{PlanInput, ResourceInput, build};
pub use model::{Action, Plan};
