//! Schemas that records are checked against.
//!
//! Every record is validated by one JSON Type Definition (RFC 8927) validator, [`jtd`], against
//! its base type's schema ([`base`]) extended with the resource's custom properties. Rules that
//! JTD cannot express live in [`rules`].

pub mod base;
pub mod jtd;
pub mod rules;
