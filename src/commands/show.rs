//! `vanta-gitops show`: render a saved plan.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::ShowArgs;
use crate::commands::plan::print_plan;
use crate::plan::Plan;
use crate::printer::Printer;

pub fn run(args: &ShowArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.plan)
        .with_context(|| format!("could not read `{}`", args.plan.display()))?;
    crate::commands::plan::check_saved_version(&text, &args.plan)?;
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
