//! One thin file per subcommand: each orchestrates the modules and renders the result.
//!
//! Errors reach [`main`] as `anyhow::Error` and are printed as `error: ...` with their causes.
//! Exit codes are the same on every command: 0 success, 1 error, 2 success with changes
//! present (only with `--detailed-exitcode` or `--expect-no-changes`).

mod apply;
mod github;
mod inventory;
mod plan;
mod remote;
mod sandbox;
mod schema;
mod show;
mod test;
mod validate;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::printer::Printer;

/// The exit code of a run that found changes, with `--detailed-exitcode` or
/// `--expect-no-changes`.
pub const EXIT_CHANGES: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    // clap exits with 2 on a usage error, which here means "changes present", so a typo in a
    // workflow's arguments would read as a plan with changes. Usage errors exit with 1.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // The sandbox server reports its address and each request at info level; other
    // commands keep logs quiet unless asked.
    let serves = matches!(cli.command, Command::Sandbox(_));
    let printer = Printer::new(cli.no_color || crate::settings::no_color_requested());
    init_logging(cli.verbose, serves, printer.stderr_color);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            printer.error(&format!("could not start the async runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, printer)) {
        Ok(code) => code,
        Err(error) => {
            report(&printer, &error);
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, printer: Printer) -> anyhow::Result<ExitCode> {
    match command {
        Command::Validate(args) => validate::run(&args, printer),
        Command::Plan(args) => plan::run(&args, printer).await,
        Command::Apply(args) => apply::run(&args, printer).await,
        Command::Show(args) => show::run(&args, printer),
        Command::Test(args) => test::run(&args, printer).await,
        Command::Schema(args) => schema::run(&args, printer),
        Command::Sandbox(command) => sandbox::run(command, printer).await,
        Command::Github(command) => github::run(&command, printer).await,
    }
}

/// Prints an error and its causes, one per line.
fn report(printer: &Printer, error: &anyhow::Error) {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    printer.error(&text);
}

/// Sets up `tracing` on stderr: warnings by default (info for the sandbox server), `-v`
/// debug, `-vv` trace, and `RUST_LOG` over all of them.
fn init_logging(verbose: u8, serves: bool, color: bool) {
    let level = match verbose {
        0 if serves => "vanta_gitops=info",
        0 => "vanta_gitops=warn",
        1 => "vanta_gitops=debug",
        _ => "vanta_gitops=trace",
    };
    let filter = crate::settings::log_filter().unwrap_or_else(|| level.to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .try_init();
}
