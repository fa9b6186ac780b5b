//! Loading the inventory for a command and printing its diagnostics.

use std::path::Path;

use anyhow::Context as _;

use crate::cli::DiagnosticFormat;
use crate::diagnostics::{self, Diagnostics};
use crate::inventory::{self, Inventory};
use crate::printer::Printer;

/// Loads the inventory and prints every diagnostic to stderr. Returns `None` when there are
/// errors: nothing may be planned or applied from an inventory with errors.
pub fn load_or_report(dir: &Path, printer: Printer) -> anyhow::Result<Option<Inventory>> {
    let (inventory, diagnostics) = inventory::load(dir)
        .with_context(|| format!("could not load the inventory in `{}`", dir.display()))?;
    print_diagnostics(&inventory, &diagnostics, DiagnosticFormat::Text, printer);
    if diagnostics.has_errors() {
        return Ok(None);
    }
    Ok(Some(inventory))
}

/// Prints diagnostics in a format: text and GitHub annotations to stderr, JSON to stdout.
pub fn print_diagnostics(
    inventory: &Inventory,
    diagnostics: &Diagnostics,
    format: DiagnosticFormat,
    printer: Printer,
) {
    match format {
        DiagnosticFormat::Text => {
            for diagnostic in diagnostics.items() {
                let text =
                    diagnostics::render_text(diagnostic, &inventory.sources, printer.stderr_color);
                printer.message(&format!("{text}\n\n"));
            }
            if let Some(summary) = diagnostics::render_summary(diagnostics, "load the inventory") {
                printer.message(&summary);
            }
        }
        DiagnosticFormat::Github => {
            printer.data(&diagnostics::render_github(
                diagnostics,
                &inventory.sources,
                &inventory.root,
            ));
        }
        DiagnosticFormat::Json => {
            let items: Vec<_> = diagnostics
                .items()
                .iter()
                .map(|diagnostic| diagnostics::to_json(diagnostic, &inventory.sources))
                .collect();
            let document = serde_json::json!({
                "errors": diagnostics.error_count(),
                "warnings": diagnostics.warning_count(),
                "diagnostics": items,
            });
            printer.data(&format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            ));
        }
    }
}
