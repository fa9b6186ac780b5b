//! `vanta-gitops validate`: load and check the whole inventory offline.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::ValidateArgs;
use crate::commands::inventory::print_diagnostics;
use crate::diagnostics::plural;
use crate::inventory::LoadOptions;
use crate::printer::Printer;

/// Loads the inventory, prints every diagnostic, and exits with 1 when any is an error.
pub fn run(args: &ValidateArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let options = LoadOptions {
        max_file_bytes: args.max_file_bytes,
    };
    let (inventory, diagnostics) = crate::inventory::load_with(&args.dir, &options)
        .with_context(|| format!("could not load the inventory in `{}`", args.dir.display()))?;
    print_diagnostics(&inventory, &diagnostics, args.format, printer);
    if diagnostics.has_errors() {
        return Ok(ExitCode::FAILURE);
    }
    if args.format == crate::cli::DiagnosticFormat::Text {
        let records: usize = inventory
            .resources
            .iter()
            .map(|resource| resource.records.len())
            .sum();
        printer.message(&format!(
            "The inventory is valid: {}, {}, {}.",
            plural(inventory.resources.len(), "resource"),
            plural(records, "record"),
            plural(inventory.custom_tests.len(), "custom test"),
        ));
    }
    Ok(ExitCode::SUCCESS)
}
