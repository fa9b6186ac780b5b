//! `vanta-gitops show`: render a saved plan.

use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{PlanFormat, ShowArgs};
use crate::plan::Plan;
use crate::plan::render::text::TextOptions;
use crate::printer::Printer;

pub fn run(args: &ShowArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.plan)
        .with_context(|| format!("could not read `{}`", args.plan.display()))?;
    let plan: Plan = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a plan saved with `plan --out`",
            args.plan.display()
        )
    })?;
    match args.format {
        PlanFormat::Text => {
            let options = TextOptions {
                color: printer.stdout_color,
                full: args.full,
            };
            printer.data(&crate::plan::render::text::render(&plan, options));
        }
        PlanFormat::Json => printer.data(&crate::plan::render::json::render(&plan)),
    }
    Ok(ExitCode::SUCCESS)
}
