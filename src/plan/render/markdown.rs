//! The markdown form of a plan, for pull-request comments and job summaries.
//!
//! The plan is rendered as parts rather than one string, so that publishers with a size limit
//! (a GitHub comment holds at most 65,536 characters) can drop whole change sections, lowest
//! priority first, and never cut inside a code fence or a `<details>` block. Changes are shown
//! in ```` ```diff ```` fences, where GitHub colours `+` lines green and `-` lines red, so an
//! update is written as the old line followed by the new one.

use std::fmt::Write as _;

use crate::diagnostics::plural;
use crate::plan::Plan;
use crate::plan::model::{Action, ElementOp, FieldChange, RecordChange, ResourcePlan};
use crate::plan::render::text::{address, reason, summary_text, test_line};
use crate::plan::render::value::inline;

/// A plan in markdown, split into parts that are each complete markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownPlan {
    /// The title line with the summary.
    pub header: String,
    /// A warning shown when the plan destroys anything.
    pub destroy_warning: Option<String>,
    /// The per-resource table of counts, followed by the plan's warnings when it has any.
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

/// The maximum number of record changes in one section.
pub const SECTION_CHANGES: usize = 100;

/// The change sections in the order they appear: priority, title and the actions listed.
const GROUPS: [(u8, &str, &[Action]); 3] = [
    (0, "Destroy", &[Action::Delete, Action::Deactivate]),
    (1, "Update", &[Action::Update]),
    (2, "Create", &[Action::Create, Action::Reactivate]),
];

/// Renders a plan as markdown parts.
pub fn render_parts(plan: &Plan) -> MarkdownPlan {
    // The heading already names the plan, so the counts go without the text format's "Plan:".
    let summary = summary_text(plan);
    let summary = summary.strip_prefix("Plan: ").unwrap_or(&summary);
    let header = match &plan.workspace {
        Some(name) => format!("### Vanta plan for `{name}`: {summary}\n"),
        None => format!("### Vanta plan: {summary}\n"),
    };
    let destroy_warning = (plan.summary.destroy > 0).then(|| {
        format!(
            "> [!WARNING]\n> This plan deletes or deactivates {} in Vanta. \
             They are listed first below.\n",
            plural(plan.summary.destroy, "record")
        )
    });
    let tests = (!plan.custom_tests.is_empty()).then(|| {
        let mut text = String::from("**Custom tests**\n\n");
        for test in &plan.custom_tests {
            let _ = writeln!(text, "- {}", escape_text(&test_line(test)));
        }
        text
    });
    let mut sections = Vec::new();
    for (priority, title, actions) in GROUPS {
        let listed: Vec<(&ResourcePlan, &RecordChange)> = plan
            .resources
            .iter()
            .flat_map(|resource| {
                resource
                    .changes
                    .iter()
                    .map(move |change| (resource, change))
            })
            .filter(|(_, change)| actions.contains(&change.action))
            .collect();
        if listed.is_empty() {
            continue;
        }
        let mut counts = vec![0usize; actions.len()];
        for (_, change) in &listed {
            if let Some(index) = actions.iter().position(|action| *action == change.action) {
                counts[index] += 1;
            }
        }
        let title = section_title(title, actions, &counts);
        // Long groups are split into sections of at most `SECTION_CHANGES` changes, so a
        // publisher with a size limit can keep part of a group rather than none of it.
        let parts = listed.len().div_ceil(SECTION_CHANGES);
        for (part, chunk) in listed.chunks(SECTION_CHANGES).enumerate() {
            let mut body = String::new();
            for (index, (resource, change)) in chunk.iter().enumerate() {
                if index > 0 {
                    body.push('\n');
                }
                write_change(&mut body, resource, change);
            }
            let fence = fence_for(&body);
            let title = if parts > 1 {
                format!("{title}, part {} of {parts}", part + 1)
            } else {
                title.clone()
            };
            sections.push(MarkdownSection {
                priority,
                changes: chunk.len(),
                body: format!(
                    "<details><summary>{title}</summary>\n\n{fence}diff\n{body}{fence}\n\n</details>\n"
                ),
            });
        }
    }
    let footer = format!("Plan digest `{}`\n", plan.plan_digest);
    MarkdownPlan {
        header,
        destroy_warning,
        table: table(plan),
        tests,
        sections,
        footer,
    }
}

/// Returns a section's summary line, such as `Create: 3 records (create 2, reactivate 1)`. The
/// counts per action are left out when the section lists only its first action, which the title
/// names.
fn section_title(title: &str, actions: &[Action], counts: &[usize]) -> String {
    let total: usize = counts.iter().sum();
    let mut line = format!("{title}: {}", plural(total, "record"));
    if counts[0] == total {
        return line;
    }
    let parts: Vec<String> = actions
        .iter()
        .zip(counts)
        .filter(|(_, count)| **count > 0)
        .map(|(action, count)| format!("{} {count}", action_word(*action)))
        .collect();
    line.push_str(&format!(" ({})", parts.join(", ")));
    line
}

fn action_word(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Reactivate => "reactivate",
        Action::Delete => "delete",
        Action::Deactivate => "deactivate",
    }
}

/// Renders the per-resource table of counts and the plan's warnings under it.
fn table(plan: &Plan) -> String {
    let mut table = String::from(
        "| Resource | Type | Add | Change | Destroy | Unchanged |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    for resource in &plan.resources {
        let summary = resource.summary;
        let unchanged = if resource.managed {
            summary.unchanged.to_string()
        } else {
            "not managed".to_string()
        };
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {} | {} | {unchanged} |",
            resource.name.replace('|', "\\|"),
            resource.base_type,
            summary.add,
            summary.change,
            summary.destroy,
        );
    }
    for warning in &plan.warnings {
        let _ = write!(table, "\n> **Warning:** {}\n", escape_text(warning));
    }
    table
}

/// Writes one record's change as diff lines: a `#` header, then its fields.
fn write_change(body: &mut String, resource: &ResourcePlan, change: &RecordChange) {
    let _ = writeln!(
        body,
        "# {} {}",
        address(resource, change),
        reason(change.action)
    );
    if let Some(source) = &change.source {
        let _ = writeln!(body, "# from {}:{}", source.file, source.line);
    }
    for field in &change.fields {
        write_field(body, field, change.action);
    }
    if !change.unchanged.is_empty() {
        let _ = writeln!(
            body,
            "  # ({} hidden)",
            plural(change.unchanged.len(), "unchanged field")
        );
    }
}

fn write_field(body: &mut String, field: &FieldChange, action: Action) {
    let path = field.dotted_path();
    if !field.elements.is_empty() {
        let _ = writeln!(body, "  {path} = [");
        let mut hidden = 0;
        for element in &field.elements {
            let symbol = match element.op {
                ElementOp::Keep => {
                    hidden += 1;
                    continue;
                }
                ElementOp::Add => '+',
                ElementOp::Remove => '-',
            };
            write_hidden_elements(body, &mut hidden);
            let _ = writeln!(body, "{symbol}     {},", inline(&element.value));
        }
        write_hidden_elements(body, &mut hidden);
        body.push_str("  ]\n");
        return;
    }
    match (&field.before, &field.after) {
        (Some(_), Some(_)) if field.sensitive => {
            let _ = writeln!(body, "! {path} = (sensitive value changed)");
        }
        (Some(before), Some(after)) => {
            let _ = writeln!(body, "- {path} = {}", inline(before));
            let _ = writeln!(body, "+ {path} = {}", inline(after));
        }
        (None, Some(after)) => {
            let _ = writeln!(body, "+ {path} = {}", inline(after));
        }
        (Some(before), None) if action.is_destroy() => {
            let _ = writeln!(body, "- {path} = {}", inline(before));
        }
        (Some(before), None) => {
            let _ = writeln!(body, "- {path} = {}", inline(before));
            let _ = writeln!(body, "+ {path} = null");
        }
        (None, None) => debug_assert!(false, "a change of {path} with no value on either side"),
    }
}

fn write_hidden_elements(body: &mut String, hidden: &mut usize) {
    if *hidden > 0 {
        let _ = writeln!(
            body,
            "      # ({} hidden)",
            plural(*hidden, "unchanged element")
        );
        *hidden = 0;
    }
}

/// Returns a code fence longer than any run of backticks in the text, so that no value can
/// close the fence early.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for character in text.chars() {
        if character == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// Escapes the characters that would start an HTML tag or entity in text outside code, and
/// joins lines, so a value can neither open a block nor end a list item.
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '<' => escaped.push_str("&lt;"),
            '&' => escaped.push_str("&amp;"),
            '\n' | '\r' => escaped.push(' '),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_is_longer_than_backticks_in_values() {
        assert_eq!(fence_for("no ticks"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }

    #[test]
    fn text_outside_code_cannot_open_tags() {
        assert_eq!(
            escape_text("a <details> & b\nc -> d"),
            "a &lt;details> &amp; b c -> d"
        );
    }

    #[test]
    fn section_titles_count_each_action() {
        let (_, title, actions) = GROUPS[0];
        assert_eq!(section_title(title, actions, &[2, 0]), "Destroy: 2 records");
        assert_eq!(
            section_title(title, actions, &[0, 1]),
            "Destroy: 1 record (deactivate 1)"
        );
        assert_eq!(
            section_title(title, actions, &[1, 1]),
            "Destroy: 2 records (delete 1, deactivate 1)"
        );
    }
}
