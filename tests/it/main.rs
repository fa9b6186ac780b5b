//! Integration tests: the real binary against the sandbox over loopback, on real files.

mod apply;
mod faults;
mod github;
mod github_standin;
mod inventory;
mod jtd;
mod loading;
mod plan;
mod sandbox;
mod support;
mod workflow;
