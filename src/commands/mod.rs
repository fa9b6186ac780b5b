//! One thin file per subcommand: each orchestrates the modules and renders the result.

use std::process::ExitCode;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
