//! `vanta-gitops show`: render a saved plan.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::ShowArgs;
use crate::commands::plan::print_plan;
use crate::plan::Plan;
use crate::plan::model::FORMAT_VERSION;
use crate::printer::Printer;

pub fn run(args: &ShowArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.plan)
        .with_context(|| format!("could not read `{}`", args.plan.display()))?;
    check_format_version(&text, &args.plan)?;
    let mut plan: Plan = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a plan saved with `plan --out`",
            args.plan.display()
        )
    })?;
    if crate::plan::diff::plan_digest(&mut plan) != plan.plan_digest {
        printer.warning(&format!(
            "`{}` was modified after it was made (its digest does not match); what follows may not be what was planned",
            args.plan.display()
        ));
    }
    print_plan(&plan, args.format, args.full, printer);
    Ok(ExitCode::SUCCESS)
}

/// Rejects a saved plan of another major format version before reading its fields, because
/// their meaning may have changed. Text that is not JSON is left to the full parse to report.
fn check_format_version(text: &str, path: &Path) -> anyhow::Result<()> {
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
             show it with the vanta-gitops that made it",
            path.display(),
            major(FORMAT_VERSION)
        );
    }
    Ok(())
}
