//! Integration tests: the real binary against the sandbox over loopback, on real files.

mod apply;
mod faults;
mod jtd;
mod sandbox;
mod support;
mod workflow;
