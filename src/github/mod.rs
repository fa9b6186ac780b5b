//! Publishing plans to GitHub: pull-request comments and job summaries.
//!
//! [`comment`] renders a plan as one pull-request comment and posts it, or updates the one an
//! earlier run posted, found by its [`marker`]. [`summary`] appends the plan to the job
//! summary. Both fit the plan into GitHub's size limits with [`budget`]. [`api`] is the REST
//! client, [`event`] reads the pull-request number, and [`env`] reads the variables GitHub
//! Actions sets.

pub mod api;
pub mod budget;
pub mod comment;
pub mod env;
pub mod event;
pub mod marker;
pub mod summary;
