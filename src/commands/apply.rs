//! `vanta-gitops apply`: plan (or read a saved plan), check safety, confirm, and push.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::apply::record::{ApplyRecord, RECORD_FORMAT_VERSION};
use crate::apply::{self, Outcome, ResourceResult};
use crate::cli::ApplyArgs;
use crate::commands::EXIT_CHANGES;
use crate::commands::inventory::load_or_report;
use crate::commands::plan::{make_plan, select_resources};
use crate::commands::remote;
use crate::plan::Plan;
use crate::plan::model::ResourcePlan;
use crate::plan::render::text::{self, TextOptions};
use crate::printer::Printer;
use crate::schema::base::BaseType;
use crate::vanta::Scope;

pub async fn run(args: &ApplyArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let saved = if args.target.is_file() {
        Some(read_saved_plan(&args.target)?)
    } else if !args.target.exists() && args.target.extension().is_some_and(|ext| ext == "json") {
        anyhow::bail!(
            "plan file `{}` not found; give a plan saved with `plan --out`, or an inventory folder",
            args.target.display()
        );
    } else {
        None
    };
    let dir = match &saved {
        Some(plan) => PathBuf::from(plan.inventory.clone().context(
            "the saved plan does not name its inventory folder; plan again with `plan --out`",
        )?),
        None => args.target.clone(),
    };
    let Some(inventory) = load_or_report(&dir, printer)? else {
        return Ok(ExitCode::FAILURE);
    };
    let names: Vec<String> = match &saved {
        Some(plan) => plan
            .resources
            .iter()
            .map(|resource| resource.name.clone())
            .collect(),
        None => args.resource.clone(),
    };
    let selected = select_resources(&inventory, &names)?;
    let connection = remote::connect(&inventory, &args.remote, Scope::ReadWrite).await?;
    let result = apply_with(
        args,
        printer,
        &inventory,
        &selected,
        saved.as_ref(),
        &connection,
    )
    .await;
    connection.close().await;
    result
}

async fn apply_with(
    args: &ApplyArgs,
    printer: Printer,
    inventory: &crate::inventory::Inventory,
    selected: &[&crate::inventory::ResourceDef],
    saved: Option<&Plan>,
    connection: &remote::Connection,
) -> anyhow::Result<ExitCode> {
    let started_at = jiff::Timestamp::now();
    if let Some(saved) = saved {
        apply::saved::check_target(saved, connection.client.base_url())?;
    }
    let remote_sets = remote::fetch(&connection.client, selected).await?;
    let fresh = make_plan(
        inventory,
        selected,
        &remote_sets,
        connection.client.base_url(),
    );
    let plan = match saved {
        Some(saved) => {
            apply::saved::check_matches(saved, &fresh)?;
            saved
        }
        None => &fresh,
    };
    printer.data(&text::render(
        plan,
        TextOptions {
            color: printer.stdout_color,
            full: false,
        },
    ));

    if !plan.has_changes() {
        printer.data("Apply complete! Records: 0 added, 0 changed, 0 destroyed.\n");
        return Ok(ExitCode::SUCCESS);
    }
    if args.expect_no_changes {
        printer.message(
            "The plan has changes, and `--expect-no-changes` was given, so nothing was applied.",
        );
        return Ok(ExitCode::from(EXIT_CHANGES));
    }

    let mut refusals = Vec::new();
    for resource in selected {
        if let Some(planned) = plan
            .resources
            .iter()
            .find(|planned| planned.name == resource.name)
            && planned.has_changes()
        {
            refusals.extend(apply::check(
                resource,
                planned,
                &inventory.workspace,
                args.allow_destroy,
            ));
        }
    }
    if !refusals.is_empty() {
        for refusal in &refusals {
            printer.error(&format!(
                "apply refused by the `{}` rule for resource `{}`: {}\n\nhint: {}",
                refusal.rule, refusal.resource, refusal.message, refusal.hint
            ));
        }
        printer.message("Nothing was sent to Vanta.");
        if let Some(path) = &args.record {
            // A refused run is on record too, so an auditor can review every attempt.
            let results = apply::safety::refused_results(&apply_order(plan), &refusals);
            write_record(
                path,
                plan,
                &results,
                started_at,
                &inventory.root,
                connection.client.base_url(),
            )?;
            printer.message(&format!("Wrote the apply record to `{}`.", path.display()));
        }
        return Ok(ExitCode::FAILURE);
    }
    let target = if connection.is_sandbox() {
        "the sandbox"
    } else {
        "Vanta"
    };
    if !confirm(args.auto_approve, target, printer)? {
        printer.error("apply cancelled");
        return Ok(ExitCode::FAILURE);
    }

    let mut results = Vec::new();
    let mut failed = false;
    for planned in apply_order(plan) {
        // An unmanaged resource has no changes by construction; the check keeps it unsent
        // even if a saved plan claims otherwise.
        if !planned.managed || !planned.has_changes() {
            continue;
        }
        if failed {
            let result = ResourceResult::not_attempted(planned, "an earlier resource failed");
            report_result(&result, printer);
            results.push(result);
            continue;
        }
        let resource = selected
            .iter()
            .find(|resource| resource.name == planned.name)
            .context("the plan names a resource the inventory does not declare")?;
        printer.message(&format!("{}: applying...", planned.name));
        let result = apply::apply_resource(
            &connection.client,
            resource,
            planned,
            &inventory.sources,
            saved.is_some(),
        )
        .await;
        failed = result.outcome != Outcome::Applied;
        report_result(&result, printer);
        results.push(result);
    }
    report_results(plan, &results, printer);
    if let Some(path) = &args.record {
        write_record(
            path,
            plan,
            &results,
            started_at,
            &inventory.root,
            connection.client.base_url(),
        )?;
        printer.message(&format!("Wrote the apply record to `{}`.", path.display()));
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn read_saved_plan(path: &Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read `{}`", path.display()))?;
    crate::commands::plan::check_saved_version(&text, path)?;
    let mut plan: Plan = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not a plan saved with `plan --out`", path.display()))?;
    if crate::plan::diff::plan_digest(&mut plan) != plan.plan_digest {
        anyhow::bail!(
            "the saved plan `{}` was modified after it was made (its digest does not match)",
            path.display()
        );
    }
    Ok(plan)
}

/// Orders resources so that vulnerable components go before the vulnerabilities that refer
/// to them, and otherwise keeps the plan's order.
fn apply_order(plan: &Plan) -> Vec<&ResourcePlan> {
    let mut order: Vec<&ResourcePlan> = plan.resources.iter().collect();
    order.sort_by_key(|resource| resource.base_type != BaseType::VulnerableComponent);
    order
}

fn confirm(auto_approve: bool, target: &str, printer: Printer) -> anyhow::Result<bool> {
    if auto_approve {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "apply needs confirmation, but stdin is not a terminal; pass `--auto-approve` to apply without one"
        );
    }
    printer.message(&format!(
        "\nDo you want to perform these actions in {target}?\n  Only 'yes' will be accepted to approve.\n"
    ));
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "  Enter a value: ");
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("could not read the confirmation from stdin")?;
    Ok(answer.trim() == "yes")
}

/// Prints one resource's result as soon as it is known.
fn report_result(result: &ResourceResult, printer: Printer) {
    match result.outcome {
        Outcome::Applied => printer.message(&format!("{}: applied", result.name)),
        Outcome::Failed => printer.error(&format!(
            "{}: failed: {}",
            result.name,
            result.error.as_deref().unwrap_or("unknown error")
        )),
        Outcome::NotAttempted => printer.message(&format!(
            "{}: not attempted: {}",
            result.name,
            result.error.as_deref().unwrap_or("")
        )),
    }
}

/// Prints the closing summary of the apply.
fn report_results(plan: &Plan, results: &[ResourceResult], printer: Printer) {
    let mut added = 0;
    let mut changed = 0;
    let mut destroyed = 0;
    for result in results {
        let planned = plan
            .resources
            .iter()
            .find(|resource| resource.name == result.name);
        match result.outcome {
            Outcome::Applied => {
                if let Some(planned) = planned {
                    added += planned.summary.add;
                    changed += planned.summary.change;
                    destroyed += planned.summary.destroy;
                }
            }
            Outcome::Failed | Outcome::NotAttempted => {}
        }
    }
    let all_applied = results
        .iter()
        .all(|result| result.outcome == Outcome::Applied);
    if all_applied {
        printer.data(&format!(
            "\nApply complete! Records: {added} added, {changed} changed, {destroyed} destroyed.\n"
        ));
    } else {
        let applied = results
            .iter()
            .filter(|result| result.outcome == Outcome::Applied)
            .count();
        printer.error(&format!(
            "Apply failed: {applied} of {} resources applied ({added} added, {changed} changed, {destroyed} destroyed).",
            results.len()
        ));
    }
}

fn write_record(
    path: &Path,
    plan: &Plan,
    results: &[ResourceResult],
    started_at: jiff::Timestamp,
    root: &Path,
    api_url: &str,
) -> anyhow::Result<()> {
    let commit = crate::settings::commit_from_env().or_else(|| git_head(root));
    let record = ApplyRecord {
        format_version: RECORD_FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        actor: crate::settings::actor(),
        commit,
        api_url: api_url.to_string(),
        plan_digest: plan.plan_digest.clone(),
        started_at: started_at.to_string(),
        finished_at: jiff::Timestamp::now().to_string(),
        resources: results.to_vec(),
    };
    let text = serde_json::to_string_pretty(&record)?;
    std::fs::write(path, text + "\n")
        .with_context(|| format!("could not write `{}`", path.display()))
}

/// Returns the commit checked out in the inventory's git repository, if it is one.
fn git_head(root: &Path) -> Option<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}
