//! The job summary: the markdown plan appended to the file `$GITHUB_STEP_SUMMARY` names.

use std::io::Write as _;
use std::path::Path;

use crate::github::budget::{self, Budget, BudgetError, Fitted, Measure};
use crate::plan::Plan;
use crate::plan::render::markdown::render_parts;

/// A problem writing the job summary.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("could not write the job summary `{path}`: {message}")]
    Write { path: String, message: String },
    #[error("the job summary `{path}` has no room left for the plan")]
    Full {
        path: String,
        #[source]
        source: BudgetError,
    },
}

/// Appends the plan to the job summary file, within what is left of the step's 1 MiB limit
/// after the text earlier commands of the step wrote.
pub fn append(path: &Path, plan: &Plan) -> Result<Fitted, SummaryError> {
    let display = path.display().to_string();
    let write_error = |error: std::io::Error| SummaryError::Write {
        path: display.clone(),
        message: error.to_string(),
    };
    let existing = match std::fs::metadata(path) {
        Ok(metadata) => usize::try_from(metadata.len()).unwrap_or(usize::MAX),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => 0,
        Err(error) => return Err(write_error(error)),
    };
    // A blank line keeps the plan apart from whatever the step wrote before.
    let separator = if existing > 0 { "\n" } else { "" };
    let budget = Budget {
        max: budget::SUMMARY_MAX.saturating_sub(existing + separator.len()),
        measure: Measure::Bytes,
        full_plan: "The full plan is in the plan artifact of this workflow run.",
    };
    let fitted =
        budget::fit("", &render_parts(plan), &budget).map_err(|source| SummaryError::Full {
            path: display.clone(),
            source,
        })?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(write_error)?;
    file.write_all(separator.as_bytes())
        .and_then(|()| file.write_all(fitted.body.as_bytes()))
        .map_err(write_error)?;
    Ok(fitted)
}
