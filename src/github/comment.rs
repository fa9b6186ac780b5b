//! The plan comment of a pull request: its body, and posting it or updating the earlier one.

use crate::github::api::{GithubClient, GithubError, IssueComment};
use crate::github::budget::{self, Budget, BudgetError, Fitted, Measure};
use crate::github::marker::{self, Marker};
use crate::plan::Plan;
use crate::plan::render::markdown::render_parts;

/// What publishing did to the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    /// The existing comment already had this body, so nothing was sent.
    Unchanged,
}

/// The comment after publishing.
#[derive(Debug, Clone)]
pub struct Published {
    pub action: Action,
    pub comment: IssueComment,
}

/// Renders the comment body of a plan: the marker of `target`, then the markdown plan within
/// GitHub's comment limit. `run_url` is the workflow run whose summary and artifact contain the full plan.
pub fn body(plan: &Plan, target: &str, run_url: Option<&str>) -> Result<Fitted, BudgetError> {
    let marker = Marker {
        target: target.to_string(),
        digest: plan.plan_digest.clone(),
    };
    let full_plan = match run_url {
        Some(url) => format!(
            "The full plan is in the job summary and the plan artifact of [this workflow run]({url})."
        ),
        None => "The full plan is in the job summary and the plan artifact of this workflow run."
            .to_string(),
    };
    let budget = Budget {
        max: budget::COMMENT_MAX,
        measure: Measure::CommentCharacters,
        full_plan: &full_plan,
    };
    budget::fit(&marker.render(), &render_parts(plan), &budget)
}

/// Updates the comment of `target` on a pull request, or creates it when there is none.
///
/// When several comments carry the target's marker (two runs raced to create it), the oldest
/// is updated and the others are left as they are.
pub async fn publish(
    client: &GithubClient,
    pull_request: u64,
    target: &str,
    body: &str,
) -> Result<Published, GithubError> {
    let comments = client.list_comments(pull_request).await?;
    let existing = comments.iter().find(|comment| {
        comment
            .body
            .as_deref()
            .is_some_and(|text| marker::is_comment_of(text, target))
    });
    match existing {
        Some(comment) if comment.body.as_deref() == Some(body) => {
            tracing::debug!(id = comment.id, "the plan comment is up to date");
            Ok(Published {
                action: Action::Unchanged,
                comment: comment.clone(),
            })
        }
        Some(comment) => {
            tracing::debug!(id = comment.id, "updating the plan comment");
            let comment = client.update_comment(comment.id, body).await?;
            Ok(Published {
                action: Action::Updated,
                comment,
            })
        }
        None => {
            tracing::debug!(pull_request, "creating the plan comment");
            let comment = client.create_comment(pull_request, body).await?;
            Ok(Published {
                action: Action::Created,
                comment,
            })
        }
    }
}
