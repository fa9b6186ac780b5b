//! The one place that writes user-facing output.
