//! Publishing plans to GitHub: pull-request comments and job summaries.
