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
    let records = args
        .next()
        .and_then(|text| text.parse().ok())
        .unwrap_or(10_000);
    let files_per_resource = args.next().and_then(|text| text.parse().ok()).unwrap_or(10);
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
