//! Writes a synthetic inventory and its sandbox state, for trying plan and apply at scale.
//!
//! ```console
//! $ cargo run --release --example generate -- /tmp/big 100000
//! $ cargo run --release -- plan /tmp/big --sandbox
//! ```
//!
//! Arguments: the output folder, the number of records (default 10,000), and the number of
//! files per resource (default 10).

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line example prints its result"
)]

use std::path::PathBuf;
use std::process::ExitCode;

use vanta_gitops::synthetic::{Spec, generate};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: generate DIR [RECORDS] [FILES_PER_RESOURCE]");
        return ExitCode::FAILURE;
    };
    let Some(records) = number(args.next(), 10_000, "RECORDS") else {
        return ExitCode::FAILURE;
    };
    let Some(files_per_resource) = number(args.next(), 10, "FILES_PER_RESOURCE") else {
        return ExitCode::FAILURE;
    };
    let spec = Spec {
        records,
        files_per_resource,
        ..Spec::default()
    };
    match generate(&spec, &dir) {
        Ok(generated) => {
            println!(
                "wrote {} desired records ({} bytes of YAML) and {} records of sandbox state to {}",
                generated.desired_records,
                generated.yaml_bytes,
                generated.remote_records,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Reads a whole-number argument, or returns `default` when it is absent. Prints an error and
/// returns `None` when the argument is not a whole number, such as `100k`.
fn number(argument: Option<String>, default: usize, name: &str) -> Option<usize> {
    let Some(text) = argument else {
        return Some(default);
    };
    match text.replace('_', "").parse() {
        Ok(value) => Some(value),
        Err(_) => {
            eprintln!("error: {name} must be a whole number such as 100000, found `{text}`");
            None
        }
    }
}
