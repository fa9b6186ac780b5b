//! Integration tests: the real binary against the sandbox over loopback, on real files.

mod inventory;
mod jtd;
mod support;
mod workflow;
