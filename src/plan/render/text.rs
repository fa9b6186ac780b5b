//! The text form of a plan, shaped like Terraform's so that reviewers can read it at a glance.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::diagnostics::plural;
use crate::plan::model::{
    Action, ElementChange, ElementOp, FieldChange, Plan, RecordChange, ResourcePlan,
};
use crate::plan::render::value::inline;

/// Options of the text renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Whether to use ANSI colours.
    pub color: bool,
    /// Whether to show unchanged fields too.
    pub full: bool,
}

struct Styles {
    create: Style,
    update: Style,
    destroy: Style,
    bold: Style,
    dim: Style,
}

impl Styles {
    fn new(color: bool) -> Styles {
        if !color {
            let plain = Style::new();
            return Styles {
                create: plain,
                update: plain,
                destroy: plain,
                bold: plain,
                dim: plain,
            };
        }
        Styles {
            create: AnsiColor::Green.on_default(),
            update: AnsiColor::Yellow.on_default(),
            destroy: AnsiColor::Red.on_default(),
            bold: Style::new().bold(),
            dim: Style::new().dimmed(),
        }
    }

    fn for_action(&self, action: Action) -> Style {
        match action {
            Action::Create | Action::Reactivate => self.create,
            Action::Update => self.update,
            Action::Delete | Action::Deactivate => self.destroy,
        }
    }
}

/// Renders the whole plan as text.
pub fn render(plan: &Plan, options: TextOptions) -> String {
    let styles = Styles::new(options.color);
    let mut out = String::new();
    for resource in plan.resources.iter().filter(|resource| !resource.managed) {
        let _ = writeln!(
            out,
            "{}note:{} resource `{}` has no `Records` document, so its {} in Vanta are left as they are.",
            styles.bold.render(),
            styles.bold.render_reset(),
            resource.name,
            plural(resource.remote_live, "record"),
        );
    }
    if plan.has_changes() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("vanta-gitops will perform the following actions:\n");
        for resource in &plan.resources {
            for change in &resource.changes {
                out.push('\n');
                render_change(&mut out, resource, change, &styles, options.full);
            }
        }
        out.push('\n');
    }
    render_tests(&mut out, plan);
    for warning in &plan.warnings {
        let _ = writeln!(
            out,
            "{}warning:{} {warning}",
            styles.update.render(),
            styles.update.render_reset()
        );
    }
    if !plan.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(plan, &styles));
    out.push('\n');
    out
}

/// Returns Terraform's summary line, or the no-changes line.
pub fn summary_text(plan: &Plan) -> String {
    if plan.has_changes() {
        let summary = plan.summary;
        format!(
            "Plan: {} to add, {} to change, {} to destroy.",
            summary.add, summary.change, summary.destroy
        )
    } else {
        "No changes. Vanta matches the inventory.".to_string()
    }
}

fn summary_line(plan: &Plan, styles: &Styles) -> String {
    format!(
        "{}{}{}",
        styles.bold.render(),
        summary_text(plan),
        styles.bold.render_reset()
    )
}

/// Returns a record's address, such as `internal-servers["srv_004"]`. The `uniqueId` is quoted
/// with JSON escapes, so no identifier can break the line.
pub fn address(resource: &ResourcePlan, change: &RecordChange) -> String {
    format!(
        "{}[{}]",
        resource.name,
        serde_json::Value::String(change.unique_id.clone())
    )
}

/// Returns what happens to a record, in the words of the header line above its changes.
pub fn reason(action: Action) -> &'static str {
    match action {
        Action::Create => "will be created",
        Action::Update => "will be updated in-place",
        Action::Reactivate => "will be reactivated (Vanta holds it as deactivated)",
        Action::Delete => "will be destroyed (it is not in the inventory)",
        Action::Deactivate => {
            "will be deactivated (it is not in the inventory; Vanta keeps it as deactivated)"
        }
    }
}

/// Returns Terraform's symbol of an action: `+` adds, `~` changes, `-` destroys.
pub fn symbol(action: Action) -> &'static str {
    match action {
        Action::Create | Action::Reactivate => "+",
        Action::Update => "~",
        Action::Delete | Action::Deactivate => "-",
    }
}

fn render_change(
    out: &mut String,
    resource: &ResourcePlan,
    change: &RecordChange,
    styles: &Styles,
    full: bool,
) {
    let address = address(resource, change);
    let reason = reason(change.action);
    let style = styles.for_action(change.action);
    let symbol = symbol(change.action);
    let _ = writeln!(
        out,
        "  {}# {address} {reason}{}",
        styles.bold.render(),
        styles.bold.render_reset()
    );
    if let Some(source) = &change.source {
        let _ = writeln!(
            out,
            "  {}# from {}:{}{}",
            styles.dim.render(),
            source.file,
            source.line,
            styles.dim.render_reset()
        );
    }
    let _ = writeln!(
        out,
        "  {}{symbol}{} {} {} {{",
        style.render(),
        style.render_reset(),
        resource.base_type,
        address
    );
    debug_assert!(change.is_visible(), "an invisible change of {address}");
    for field in &change.fields {
        render_field(out, field, change.action, styles, full);
    }
    if full {
        for field in &change.unchanged {
            let _ = writeln!(
                out,
                "        {} = {}",
                field.dotted_path(),
                field.after.as_ref().map(inline).unwrap_or_default()
            );
        }
    } else if !change.unchanged.is_empty() {
        let _ = writeln!(
            out,
            "        {}# ({} hidden){}",
            styles.dim.render(),
            plural(change.unchanged.len(), "unchanged field"),
            styles.dim.render_reset()
        );
    }
    out.push_str("    }\n");
}

fn render_field(
    out: &mut String,
    field: &FieldChange,
    action: Action,
    styles: &Styles,
    full: bool,
) {
    let path = field.dotted_path();
    if !field.elements.is_empty() {
        let _ = writeln!(
            out,
            "      {}~{} {path} = [",
            styles.update.render(),
            styles.update.render_reset()
        );
        render_elements(out, &field.elements, styles, full);
        out.push_str("        ]\n");
        return;
    }
    let (symbol, style, text) = match (&field.before, &field.after) {
        (None, Some(after)) => ("+", styles.create, inline(after)),
        (Some(before), None) if action.is_destroy() => ("-", styles.destroy, inline(before)),
        (Some(before), None) => ("-", styles.destroy, format!("{} -> null", inline(before))),
        (Some(_), Some(_)) if field.sensitive => {
            ("~", styles.update, "(sensitive value changed)".to_string())
        }
        (Some(before), Some(after)) => {
            let (before, after) = (inline(before), inline(after));
            debug_assert_ne!(
                before, after,
                "a change of {path} that renders as no change"
            );
            ("~", styles.update, format!("{before} -> {after}"))
        }
        (None, None) => {
            debug_assert!(false, "a change of {path} with no value on either side");
            return;
        }
    };
    let _ = writeln!(
        out,
        "      {}{symbol}{} {path} = {text}",
        style.render(),
        style.render_reset()
    );
}

/// Writes the elements of an array field, collapsing runs of unchanged elements into a count
/// unless the plan is shown in full.
fn render_elements(out: &mut String, elements: &[ElementChange], styles: &Styles, full: bool) {
    let mut hidden = 0;
    let flush = |out: &mut String, hidden: &mut usize| {
        if *hidden > 0 {
            let _ = writeln!(
                out,
                "            {}# ({} hidden){}",
                styles.dim.render(),
                plural(*hidden, "unchanged element"),
                styles.dim.render_reset()
            );
            *hidden = 0;
        }
    };
    for element in elements {
        let (symbol, style) = match element.op {
            ElementOp::Keep if !full => {
                hidden += 1;
                continue;
            }
            ElementOp::Keep => (" ", Style::new()),
            ElementOp::Add => ("+", styles.create),
            ElementOp::Remove => ("-", styles.destroy),
        };
        flush(out, &mut hidden);
        let _ = writeln!(
            out,
            "          {}{symbol}{} {},",
            style.render(),
            style.render_reset(),
            inline(&element.value)
        );
    }
    flush(out, &mut hidden);
}

fn render_tests(out: &mut String, plan: &Plan) {
    if plan.custom_tests.is_empty() {
        return;
    }
    out.push_str("Custom tests:\n");
    for test in &plan.custom_tests {
        let _ = writeln!(out, "  {}", test_line(test));
    }
    out.push('\n');
}

/// Describes a test's outcome before and after, naming the records whose outcome changes,
/// such as `servers-have-memory: passing -> failing (srv_002)`. Failing records that the apply
/// deletes are listed as removed rather than as passing.
pub fn test_line(test: &crate::plan::model::TestImpact) -> String {
    let newly_failing: Vec<&str> = test
        .failing_after
        .iter()
        .filter(|id| !test.failing_before.contains(id))
        .map(String::as_str)
        .collect();
    let now_passing: Vec<&str> = test
        .failing_before
        .iter()
        .filter(|id| !test.failing_after.contains(id) && !test.removed.contains(id))
        .map(String::as_str)
        .collect();
    let head = format!("{}: {} -> {}", test.name, test.before(), test.after());
    if newly_failing.is_empty() && now_passing.is_empty() && test.removed.is_empty() {
        return if test.failing_after.is_empty() {
            format!("{}: passing (unchanged)", test.name)
        } else {
            format!(
                "{}: failing (unchanged: {})",
                test.name,
                test.failing_after.join(", ")
            )
        };
    }
    let mut parts = Vec::new();
    if !newly_failing.is_empty() {
        parts.push(if test.before() == "passing" {
            newly_failing.join(", ")
        } else {
            format!("newly failing: {}", newly_failing.join(", "))
        });
    }
    if !now_passing.is_empty() {
        parts.push(format!("now passing: {}", now_passing.join(", ")));
    }
    if !test.removed.is_empty() {
        parts.push(format!("removed: {}", test.removed.join(", ")));
    }
    let still: Vec<&str> = test
        .failing_after
        .iter()
        .filter(|id| test.failing_before.contains(id))
        .map(String::as_str)
        .collect();
    if !still.is_empty() {
        parts.push(format!("still failing: {}", still.join(", ")));
    }
    format!("{head} ({})", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::model::TestImpact;

    fn impact(before: &[&str], after: &[&str], removed: &[&str]) -> String {
        let ids = |list: &[&str]| list.iter().map(|id| id.to_string()).collect();
        test_line(&TestImpact {
            name: "servers-have-memory".into(),
            resource: "internal-servers".into(),
            failing_before: ids(before),
            failing_after: ids(after),
            in_scope_after: 8,
            removed: ids(removed),
        })
    }

    #[test]
    fn test_lines_name_records_whose_outcome_changes() {
        let cases = [
            (
                impact(&[], &["srv_002"], &[]),
                "servers-have-memory: passing -> failing (srv_002)",
            ),
            (
                impact(&["srv_002"], &[], &[]),
                "servers-have-memory: failing -> passing (now passing: srv_002)",
            ),
            (
                impact(&["srv_002", "srv_009"], &["srv_002"], &["srv_009"]),
                "servers-have-memory: failing -> failing (removed: srv_009; still failing: srv_002)",
            ),
            (
                impact(&["srv_002"], &["srv_002"], &[]),
                "servers-have-memory: failing (unchanged: srv_002)",
            ),
            (
                impact(&[], &[], &[]),
                "servers-have-memory: passing (unchanged)",
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(line, expected);
        }
    }
}
