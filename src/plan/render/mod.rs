//! Renderers of a [`Plan`](crate::plan::Plan): text for terminals and logs, markdown for
//! pull-request comments, JSON for machines and saved plans.

pub mod json;
pub mod text;
pub mod value;
