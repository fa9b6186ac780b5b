//! The HTTP client for Vanta: token, GET and PUT of resources, pacing and retries.
