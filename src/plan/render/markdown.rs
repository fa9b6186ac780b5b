//! The markdown form of a plan, for pull-request comments and job summaries.
//!
//! The plan is rendered as parts rather than one string, so that publishers with a size limit
//! (a GitHub comment holds at most 65,536 characters) can drop whole change sections, lowest
//! priority first, and never cut inside a code fence or a `<details>` block.

use std::fmt::Write as _;

use crate::plan::Plan;
use crate::plan::model::Action;
use crate::plan::render::text::{summary_text, test_line};
use crate::plan::render::value::inline;

/// A plan in markdown, split into parts that are each complete markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownPlan {
    /// The title line with the summary.
    pub header: String,
    /// A warning shown when the plan destroys anything.
    pub destroy_warning: Option<String>,
    /// The per-resource table of counts.
    pub table: String,
    /// Custom Test outcomes, when the inventory has any.
    pub tests: Option<String>,
    /// Change sections, destroys first. Each is a closed `<details>` block.
    pub sections: Vec<MarkdownSection>,
    /// The closing line with the plan digest.
    pub footer: String,
}

/// One collapsible section of changes.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownSection {
    /// Lower numbers are kept first when space runs out: destroys 0, updates 1, creates 2.
    pub priority: u8,
    /// The number of record changes the section lists.
    pub changes: usize,
    pub body: String,
}

impl MarkdownPlan {
    /// Joins every part into one document.
    pub fn join(&self) -> String {
        let mut parts: Vec<&str> = vec![&self.header];
        if let Some(warning) = &self.destroy_warning {
            parts.push(warning);
        }
        parts.push(&self.table);
        if let Some(tests) = &self.tests {
            parts.push(tests);
        }
        parts.extend(self.sections.iter().map(|section| section.body.as_str()));
        parts.push(&self.footer);
        parts.join("\n")
    }
}

/// Renders a plan as one markdown document.
pub fn render(plan: &Plan) -> String {
    render_parts(plan).join()
}

/// Renders a plan as markdown parts.
pub fn render_parts(plan: &Plan) -> MarkdownPlan {
    let title = match &plan.workspace {
        Some(name) => format!("### Vanta plan for `{name}`: {}\n", summary_text(plan)),
        None => format!("### Vanta plan: {}\n", summary_text(plan)),
    };
    let destroy_warning = (plan.summary.destroy > 0).then(|| {
        format!(
            "> [!WARNING]\n> This plan deletes or deactivates {} in Vanta. Review the destroy section.\n",
            crate::diagnostics::plural(plan.summary.destroy, "record")
        )
    });
    let mut table = String::from(
        "| Resource | Type | Add | Change | Destroy | Unchanged |\n|---|---|---:|---:|---:|---:|\n",
    );
    for resource in &plan.resources {
        let summary = resource.summary;
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {} | {} | {} |",
            resource.name,
            resource.base_type,
            summary.add,
            summary.change,
            summary.destroy,
            if resource.managed {
                summary.unchanged.to_string()
            } else {
                "not managed".to_string()
            }
        );
    }
    let tests = (!plan.custom_tests.is_empty()).then(|| {
        let mut text = String::from("**Custom tests**\n\n");
        for test in &plan.custom_tests {
            let _ = writeln!(text, "- {}", test_line(test));
        }
        text
    });
    let groups: [(u8, &str, &[Action]); 3] = [
        (0, "Destroy", &[Action::Delete, Action::Deactivate]),
        (1, "Update", &[Action::Update]),
        (2, "Create", &[Action::Create, Action::Reactivate]),
    ];
    let mut sections = Vec::new();
    for (priority, title, actions) in groups {
        let mut body = String::new();
        let mut count = 0;
        for resource in &plan.resources {
            for change in resource
                .changes
                .iter()
                .filter(|change| actions.contains(&change.action))
            {
                count += 1;
                let symbol = match change.action {
                    Action::Create | Action::Reactivate => '+',
                    Action::Update => '~',
                    Action::Delete | Action::Deactivate => '-',
                };
                let _ = writeln!(
                    body,
                    "{symbol} {}[{}] ({:?})",
                    resource.name, change.unique_id, change.action
                );
                for field in &change.fields {
                    let before = field.before.as_ref().map(inline);
                    let after = field.after.as_ref().map(inline);
                    let text = match (before, after) {
                        (Some(before), Some(after)) => format!("{before} -> {after}"),
                        (None, Some(after)) => after,
                        (Some(before), None) => before,
                        (None, None) => continue,
                    };
                    let _ = writeln!(
                        body,
                        "{symbol}     {} = {}",
                        field.dotted_path(),
                        text.replace("```", "'''")
                    );
                }
            }
        }
        if count > 0 {
            sections.push(MarkdownSection {
                priority,
                changes: count,
                body: format!("<details><summary>{title} ({count})</summary>\n\n```diff\n{body}```\n\n</details>\n"),
            });
        }
    }
    let footer = format!("Plan digest `{}`\n", plan.plan_digest);
    MarkdownPlan {
        header: title,
        destroy_warning,
        table,
        tests,
        sections,
        footer,
    }
}
