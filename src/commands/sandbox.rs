//! `vanta-gitops sandbox serve`: run the local Vanta-compatible API until interrupted.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::SandboxCommand;
use crate::commands::inventory::load_or_report;
use crate::commands::remote::sandbox_config;
use crate::printer::Printer;
use crate::sandbox::{self, SandboxConfig};

pub async fn run(command: SandboxCommand, printer: Printer) -> anyhow::Result<ExitCode> {
    let SandboxCommand::Serve(args) = command;
    if !args.listen.ip().is_loopback() {
        anyhow::bail!(
            "the sandbox listens only on loopback addresses, such as 127.0.0.1; got {}",
            args.listen
        );
    }
    let mut config = match &args.config {
        Some(path) => SandboxConfig::from_file(path).with_context(|| {
            format!(
                "could not read the sandbox configuration `{}`",
                path.display()
            )
        })?,
        None => SandboxConfig::default(),
    };
    if let Some(dir) = &args.inventory {
        let Some(inventory) = load_or_report(dir, printer)? else {
            return Ok(ExitCode::FAILURE);
        };
        for resource in sandbox_config(&inventory).resources {
            config.declare(resource);
        }
    }
    sandbox::serve(config, Some(args.state.clone()), args.listen)
        .await
        .context("could not run the sandbox")?;
    Ok(ExitCode::SUCCESS)
}
