//! `vanta-gitops github`: publish a saved plan as a pull-request comment or a job summary.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use crate::cli::{GithubCommand, GithubCommentArgs, GithubSummaryArgs};
use crate::diagnostics::plural;
use crate::github::api::{GithubClient, Repository};
use crate::github::budget::Fitted;
use crate::github::comment::{self, Action};
use crate::github::{env, event, summary};
use crate::plan::Plan;
use crate::printer::Printer;

/// The target of plans whose inventory has no workspace name and no `--target`.
const DEFAULT_TARGET: &str = "default";

pub async fn run(command: &GithubCommand, printer: Printer) -> anyhow::Result<ExitCode> {
    match command {
        GithubCommand::Comment(args) => post_comment(args, printer).await,
        GithubCommand::Summary(args) => write_summary(args, printer),
    }
}

async fn post_comment(args: &GithubCommentArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let plan = read_plan(&args.plan)?;
    let target = match (&args.target, &plan.workspace) {
        (Some(target), _) if target.trim().is_empty() => bail!("`--target` must not be empty"),
        (Some(target), _) => target.clone(),
        (None, Some(workspace)) => workspace.clone(),
        (None, None) => DEFAULT_TARGET.to_string(),
    };
    let token = env::token().with_context(|| {
        format!(
            "`{}` is not set; pass `${{{{ github.token }}}}` to the step",
            env::TOKEN_ENV
        )
    })?;
    let repository = env::repository()
        .with_context(|| format!("`{}` is not set (`owner/repo`)", env::REPOSITORY_ENV))?;
    let repository = Repository::parse(&repository)?;
    let pull_request = match args.pr {
        Some(number) => number,
        None => {
            let path = env::event_path().with_context(|| {
                format!(
                    "`{}` is not set; pass `--pr N` outside GitHub Actions",
                    env::EVENT_PATH_ENV
                )
            })?;
            event::pull_request_number(&path)?
        }
    };

    let body = comment::body(&plan, &target, env::run_url().as_deref())
        .context("could not fit the plan into a pull-request comment")?;
    let client = GithubClient::new(&env::api_url(), token, repository)?;
    let published = comment::publish(&client, pull_request, &target, &body.body)
        .await
        .with_context(|| format!("could not post the plan to pull request #{pull_request}"))?;
    let comment = format!("the plan comment for `{target}` on pull request #{pull_request}");
    let location = published
        .comment
        .html_url
        .map(|url| format!(": {url}"))
        .unwrap_or_default();
    printer.message(&match published.action {
        Action::Created => format!("Posted {comment}{location}"),
        Action::Updated => format!("Updated {comment}{location}"),
        Action::Unchanged => format!("Left {comment} as it is, because it is up to date{location}"),
    });
    warn_omitted(&body, "comment", printer);
    Ok(ExitCode::SUCCESS)
}

fn write_summary(args: &GithubSummaryArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let plan = read_plan(&args.plan)?;
    let path = env::step_summary_path().with_context(|| {
        format!(
            "`{}` is not set; run this in a GitHub Actions step",
            env::STEP_SUMMARY_ENV
        )
    })?;
    let fitted = summary::append(&path, &plan)?;
    printer.message("Wrote the plan to the job summary.");
    warn_omitted(&fitted, "job summary", printer);
    Ok(ExitCode::SUCCESS)
}

fn warn_omitted(fitted: &Fitted, medium: &str, printer: Printer) {
    if fitted.omitted_changes > 0 {
        printer.warning(&format!(
            "the plan is too large for the {medium}, so {} in {} are not shown there",
            plural(fitted.omitted_changes, "change"),
            plural(fitted.omitted_sections, "section")
        ));
    }
}

fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read `{}`", path.display()))?;
    crate::commands::plan::check_saved_version(&text, path)?;
    let mut plan: Plan = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not a plan saved with `plan --out`", path.display()))?;
    // Reviewers read what is published, so a plan edited after it was made is not published.
    if crate::plan::diff::plan_digest(&mut plan) != plan.plan_digest {
        bail!(
            "`{}` was modified after it was made (its digest does not match); plan again",
            path.display()
        );
    }
    Ok(plan)
}
