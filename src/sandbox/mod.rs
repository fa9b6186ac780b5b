//! A local server that behaves like Vanta's Build Integrations API.
