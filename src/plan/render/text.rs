//! The text form of a plan, shaped like Terraform's so that reviewers can read it at a glance.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::diagnostics::plural;
use crate::plan::model::{Action, FieldChange, Plan, RecordChange, ResourcePlan};
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

fn render_change(
    out: &mut String,
    resource: &ResourcePlan,
    change: &RecordChange,
    styles: &Styles,
    full: bool,
) {
    let address = format!(
        "{}[{}]",
        resource.name,
        serde_json::Value::String(change.unique_id.clone())
    );
    let reason = match change.action {
        Action::Create => "will be created",
        Action::Update => "will be updated in-place",
        Action::Reactivate => "will be reactivated (Vanta holds it as deactivated)",
        Action::Delete => "will be destroyed (it is not in the inventory)",
        Action::Deactivate => {
            "will be deactivated (it is not in the inventory; Vanta keeps it as deactivated)"
        }
    };
    let style = styles.for_action(change.action);
    let symbol = match change.action {
        Action::Create | Action::Reactivate => "+",
        Action::Update => "~",
        Action::Delete | Action::Deactivate => "-",
    };
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
    for field in &change.fields {
        render_field(out, field, change.action, styles);
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

fn render_field(out: &mut String, field: &FieldChange, action: Action, styles: &Styles) {
    let path = field.dotted_path();
    let (symbol, style, text) = match (&field.before, &field.after) {
        (None, Some(after)) => ("+", styles.create, inline(after)),
        (Some(before), None) if action.is_destroy() => ("-", styles.destroy, inline(before)),
        (Some(before), None) => ("-", styles.destroy, format!("{} -> null", inline(before))),
        (Some(_), Some(_)) if field.sensitive => {
            ("~", styles.update, "(sensitive value changed)".to_string())
        }
        (Some(before), Some(after)) => (
            "~",
            styles.update,
            format!("{} -> {}", inline(before), inline(after)),
        ),
        (None, None) => return,
    };
    let _ = writeln!(
        out,
        "      {}{symbol}{} {path} = {text}",
        style.render(),
        style.render_reset()
    );
}

fn render_tests(out: &mut String, plan: &Plan) {
    if plan.custom_tests.is_empty() {
        return;
    }
    out.push_str("Custom tests:\n");
    for test in &plan.custom_tests {
        let mut line = format!("  {}: {} -> {}", test.name, test.before(), test.after());
        if test.before() == test.after() && test.failing_before == test.failing_after {
            line = format!("  {}: {} (unchanged)", test.name, test.after());
        }
        if !test.failing_after.is_empty() {
            let _ = write!(line, " ({})", test.failing_after.join(", "));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
}
