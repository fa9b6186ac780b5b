//! `vanta-gitops schema`: write JSON Schemas of the inventory's files, for editors.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::SchemaArgs;
use crate::commands::inventory::load_or_report;
use crate::inventory::json_schema::{
    INVENTORY_SCHEMA_FILE, inventory_schema, records_schema, records_schema_file, to_file_text,
};
use crate::printer::Printer;

/// Loads the inventory and writes the schema of every document kind and one schema per
/// declared resource for its `Records` files.
pub fn run(args: &SchemaArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let Some(inventory) = load_or_report(&args.dir, printer)? else {
        return Ok(ExitCode::FAILURE);
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("could not create `{}`", args.out.display()))?;
    let mut files = vec![(INVENTORY_SCHEMA_FILE.to_string(), inventory_schema())];
    for resource in &inventory.resources {
        files.push((
            records_schema_file(&resource.name),
            records_schema(resource),
        ));
    }
    for (name, schema) in &files {
        let path = args.out.join(name);
        std::fs::write(&path, to_file_text(schema))
            .with_context(|| format!("could not write `{}`", path.display()))?;
    }
    printer.message(&format!(
        "Wrote {} schemas to `{}`.",
        files.len(),
        args.out.display()
    ));
    Ok(ExitCode::SUCCESS)
}
