//! Integration tests: the real binary against the sandbox over loopback, on real files.

mod jtd;
mod plan;
mod sandbox;
mod support;
mod workflow;
