//! `vanta-gitops plan`: validate, read the current records, and show what would change.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{PlanArgs, PlanFormat};
use crate::commands::EXIT_CHANGES;
use crate::commands::inventory::load_or_report;
use crate::commands::remote;
use crate::inventory::{Inventory, ResourceDef};
use crate::plan::model::FORMAT_VERSION;
use crate::plan::render::text::TextOptions;
use crate::plan::{self, Plan, PlanInput, ResourceInput};
use crate::printer::Printer;
use crate::vanta::{RemoteSet, Scope};

pub async fn run(args: &PlanArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let Some(inventory) = load_or_report(&args.dir, printer)? else {
        return Ok(ExitCode::FAILURE);
    };
    tracing::debug!("inventory loaded");
    let selected = select_resources(&inventory, &args.resource)?;
    let connection = remote::connect(&inventory, &args.remote, Scope::Read).await?;
    let fetched = remote::fetch(&connection.client, &selected).await;
    let api_url = connection.client.base_url().to_string();
    connection.close().await;
    let fetched = fetched?;
    tracing::debug!("current records read");
    let mut plan = make_plan(&inventory, &selected, &fetched, &api_url);
    plan.inventory = Some(args.dir.display().to_string());
    tracing::debug!(
        changes = plan.summary.add + plan.summary.change + plan.summary.destroy,
        "plan built"
    );

    print_plan(&plan, args.format, args.full, printer);
    tracing::debug!("plan printed");
    if let Some(path) = &args.out {
        save_plan(&plan, path)?;
        printer.message(&format!("Saved the plan to `{}`.", path.display()));
    }
    let code = if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(EXIT_CHANGES)
    } else {
        ExitCode::SUCCESS
    };
    // Freeing hundreds of thousands of small allocations one by one takes a noticeable part of
    // a large plan's run time, and the process is about to exit, so the memory is left to the
    // operating system.
    std::mem::forget(fetched);
    std::mem::forget(inventory);
    Ok(code)
}

/// Prints a plan to stdout in a format. Colours follow the printer, which turns them off
/// unless stdout is a terminal, and with `NO_COLOR` or `--no-color`.
pub fn print_plan(plan: &Plan, format: PlanFormat, full: bool, printer: Printer) {
    if full && format != PlanFormat::Text {
        printer.warning(
            "`--full` changes only the text format; the JSON plan always lists the unchanged fields of changed records",
        );
    }
    let text = match format {
        PlanFormat::Text => {
            let options = TextOptions {
                color: printer.stdout_color,
                full,
            };
            plan::render::text::render(plan, options)
        }
        PlanFormat::Json => plan::render::json::render(plan),
        PlanFormat::Markdown => plan::render::markdown::render(plan),
    };
    printer.data(&text);
}

/// Returns the resources a command works on: all of them, or the ones named with
/// `--resource`, in the inventory's order and each once. An unknown name is an error, so a
/// typo never plans nothing silently.
pub fn select_resources<'a>(
    inventory: &'a Inventory,
    names: &[String],
) -> anyhow::Result<Vec<&'a ResourceDef>> {
    if names.is_empty() {
        return Ok(inventory.resources.iter().collect());
    }
    if let Some(unknown) = names.iter().find(|name| inventory.resource(name).is_none()) {
        let known: Vec<&str> = inventory
            .resources
            .iter()
            .map(|resource| resource.name.as_str())
            .collect();
        anyhow::bail!(
            "unknown resource `{unknown}`; the inventory declares `{}`",
            known.join("`, `")
        );
    }
    Ok(inventory
        .resources
        .iter()
        .filter(|resource| names.contains(&resource.name))
        .collect())
}

/// Builds the plan of the selected resources from their current records.
pub fn make_plan(
    inventory: &Inventory,
    selected: &[&ResourceDef],
    remote: &[RemoteSet],
    api_url: &str,
) -> Plan {
    let resources = selected
        .iter()
        .zip(remote)
        .map(|(resource, set)| ResourceInput {
            name: &resource.name,
            base_type: resource.base_type,
            resource_id: &resource.resource_id,
            managed: resource.managed,
            schema: &resource.schema,
            desired: &resource.records,
            remote: &set.records,
            sensitive: sensitive_paths(inventory, &resource.name),
        })
        .collect();
    let input = PlanInput {
        workspace: inventory.workspace.name.as_deref(),
        api_url,
        sources: &inventory.sources,
        resources,
        custom_tests: &inventory.custom_tests,
    };
    plan::build(&input)
}

/// Returns the sensitive field paths the Workspace declares for a resource.
pub fn sensitive_paths(inventory: &Inventory, resource: &str) -> Vec<Vec<String>> {
    inventory
        .workspace
        .sensitive
        .iter()
        .filter(|entry| entry.resource == resource)
        .flat_map(|entry| entry.fields.iter())
        .map(|field| field.split('.').map(str::to_string).collect())
        .collect()
}

/// Writes a plan as JSON, through a temporary file so a crash never leaves half a plan.
pub fn save_plan(plan: &Plan, path: &Path) -> anyhow::Result<()> {
    let text = plan::render::json::render(plan);
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text)
        .with_context(|| format!("could not write `{}`", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("could not write `{}`", path.display()))?;
    Ok(())
}

/// Rejects a saved plan of another major format version before reading its fields, because
/// their meaning, and how the digest is computed, may have changed. Text that is not JSON is
/// left to the full parse to report.
pub fn check_saved_version(text: &str, path: &Path) -> anyhow::Result<()> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Ok(());
    };
    let Some(version) = value.get("format_version").and_then(|value| value.as_str()) else {
        return Ok(());
    };
    let major = |version: &str| version.split('.').next().unwrap_or("").to_string();
    if major(version) != major(FORMAT_VERSION) {
        anyhow::bail!(
            "`{}` has plan format version {version}, but this vanta-gitops reads version {}.x; \
             run `plan` again with this version, or use the vanta-gitops that made the plan",
            path.display(),
            major(FORMAT_VERSION)
        );
    }
    Ok(())
}
