//! Diagnostics: problems in the inventory with their source spans, and their rendering.
//!
//! Loading never stops at the first problem. Every step pushes [`Diagnostic`]s into a
//! [`Diagnostics`] list, and the command renders all of them at the end, as text like rustc
//! and cargo do, as JSON, or as GitHub workflow commands that annotate the offending lines.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// Identifies one source file of a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A place in a source file: a line (1-based), a column (1-based, in characters) and a length
/// in characters for the caret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub column: u32,
    pub len: u32,
}

/// One source file as read from disk, with the index of its line starts.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to users: relative to the inventory root where possible.
    pub path: PathBuf,
    text: String,
    /// The byte offset of each line's start, built the first time a line is shown.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// Creates a source file.
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        SourceFile {
            path,
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// Returns the text of a 1-based line without its line break, or `None` past the end.
    pub fn line(&self, line: u32) -> Option<&str> {
        let line_starts = self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(index, _)| index + 1));
            starts
        });
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *line_starts.get(index)?;
        let end = line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let text = &self.text[start..end];
        Some(text.trim_end_matches(['\n', '\r']))
    }
}

/// Every file that diagnostics may point into.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(SourceFile::new(path, text));
        id
    }

    /// Drops the text of every file that no diagnostic points into. Only diagnostics show
    /// source text, so a large inventory need not stay in memory once it is loaded.
    pub fn keep_text_for(&mut self, diagnostics: &Diagnostics) {
        let mut referenced = vec![false; self.files.len()];
        let spans = diagnostics.items().iter().flat_map(|diagnostic| {
            let related = diagnostic.related.iter().map(|(span, _)| *span);
            diagnostic.span.into_iter().chain(related)
        });
        for span in spans {
            if let Some(flag) = referenced.get_mut(span.file.0 as usize) {
                *flag = true;
            }
        }
        for (file, referenced) in self.files.iter_mut().zip(referenced) {
            if !referenced {
                file.text = String::new();
                file.line_starts = OnceLock::new();
            }
        }
    }

    /// Returns the file with the given id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Returns the display path of the file with the given id.
    pub fn path(&self, id: FileId) -> &Path {
        &self.file(id).path
    }

    /// Formats a span as `path:line:column`.
    pub fn location(&self, span: Span) -> String {
        format!(
            "{}:{}:{}",
            self.path(span.file).display(),
            span.line,
            span.column
        )
    }
}

/// The severity of a diagnostic. Errors block plan and apply, and warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the inventory or in data read from Vanta.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The place of the problem. `None` for problems that belong to no file, such as an empty
    /// inventory folder.
    pub span: Option<Span>,
    /// A short label printed under the caret.
    pub label: Option<String>,
    /// Other places that explain the problem, such as the first of two duplicates.
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// Creates an error at a span.
    pub fn error(message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
        }
    }

    /// Creates a warning at a span.
    pub fn warning(message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, span)
        }
    }

    /// Sets the label printed under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds another place that explains the problem.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.related.push((span, label.into()));
        self
    }

    /// Sets the hint printed after the source excerpt.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Appends a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Appends every diagnostic of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Returns the number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|item| item.severity == Severity::Error)
            .count()
    }

    /// Returns the number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|item| item.severity == Severity::Warning)
            .count()
    }

    /// Reports whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// Returns every diagnostic.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Sorts diagnostics by file, line and column so output does not depend on the order in
    /// which parallel loading finished. Diagnostics without a span come first.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|item| item.span);
    }

    /// Removes diagnostics equal to an earlier one, keeping the first of each.
    pub fn dedup(&mut self) {
        let mut seen = std::collections::HashSet::new();
        self.items.retain(|item| {
            seen.insert((
                item.severity,
                item.span,
                item.message.clone(),
                item.label.clone(),
            ))
        });
    }
}

/// Renders one diagnostic like rustc: the message, `--> file:line:column`, the source line and
/// a caret under the value, then related places and the hint.
pub fn render_text(diagnostic: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    if diagnostic.span.is_none() && diagnostic.related.is_empty() {
        return render_without_source(diagnostic, color);
    }
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_title(level.primary_title(diagnostic.message.as_str()));
    if let Some(span) = diagnostic.span
        && let Some(snippet) = snippet(sources, span, AnnotationKind::Primary, &diagnostic.label)
    {
        group = group.element(snippet);
    }
    for (span, label) in &diagnostic.related {
        let label = Some(label.clone());
        if let Some(snippet) = snippet(sources, *span, AnnotationKind::Context, &label) {
            group = group.element(snippet);
        }
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}

/// Renders a diagnostic that points at no file: the message and the hint, without the empty
/// source gutter a snippet renderer would draw.
fn render_without_source(diagnostic: &Diagnostic, color: bool) -> String {
    let (name, style) = match diagnostic.severity {
        Severity::Error => ("error", anstyle::AnsiColor::Red.on_default().bold()),
        Severity::Warning => ("warning", anstyle::AnsiColor::Yellow.on_default().bold()),
    };
    let (start, end) = if color {
        (style.render().to_string(), style.render_reset().to_string())
    } else {
        (String::new(), String::new())
    };
    let mut text = format!("{start}{name}{end}: {}", diagnostic.message);
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("\n  = help: {help}"));
    }
    text
}

fn snippet<'a>(
    sources: &'a SourceMap,
    span: Span,
    kind: AnnotationKind,
    label: &Option<String>,
) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
    let file = sources.file(span.file);
    let line = file.line(span.line)?;
    let range = char_range_to_bytes(line, span.column.saturating_sub(1), span.len.max(1));
    let mut annotation = kind.span(range);
    if let Some(label) = label {
        annotation = annotation.label(label.clone());
    }
    Some(
        Snippet::source(line)
            .line_start(span.line as usize)
            .path(file.path.display().to_string())
            .annotation(annotation),
    )
}

/// Converts a column range in characters into a byte range of `line`, clamped to the line.
fn char_range_to_bytes(line: &str, start: u32, len: u32) -> std::ops::Range<usize> {
    let mut offsets = line
        .char_indices()
        .map(|(offset, _)| offset)
        .chain([line.len()]);
    let start_byte = offsets.nth(start as usize).unwrap_or(line.len());
    let end_byte = offsets
        .nth(len.saturating_sub(1) as usize)
        .unwrap_or(line.len());
    start_byte..end_byte.max(start_byte)
}

/// Renders the closing line of a validation run, such as
/// `error: could not load the inventory (2 errors, 1 warning)` or
/// `warning: 1 warning and no errors`.
pub fn render_summary(diagnostics: &Diagnostics, what: &str) -> Option<String> {
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    if errors == 0 && warnings == 0 {
        return None;
    }
    let counts = match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    };
    Some(if errors > 0 {
        format!("error: could not {what} ({counts})")
    } else {
        format!("warning: {counts} and no errors")
    })
}

/// Formats a count with its noun, such as `1 error` or `3 errors`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The JSON shape of one diagnostic, for `--format json`.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
}

/// Another place that explains a diagnostic, in JSON.
#[derive(Debug, Serialize)]
pub struct JsonRelated<'a> {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub label: &'a str,
}

/// Converts a diagnostic into its JSON shape.
pub fn to_json<'a>(diagnostic: &'a Diagnostic, sources: &SourceMap) -> JsonDiagnostic<'a> {
    let path = |span: Span| sources.path(span.file).display().to_string();
    JsonDiagnostic {
        severity: diagnostic.severity,
        message: &diagnostic.message,
        file: diagnostic.span.map(path),
        line: diagnostic.span.map(|span| span.line),
        column: diagnostic.span.map(|span| span.column),
        label: diagnostic.label.as_deref(),
        related: diagnostic
            .related
            .iter()
            .map(|(span, label)| JsonRelated {
                file: path(*span),
                line: span.line,
                column: span.column,
                label,
            })
            .collect(),
        help: diagnostic.help.as_deref(),
    }
}

/// The number of annotations of one severity that GitHub shows for a step. Later ones are
/// dropped by GitHub, so the renderer stops there and reports how many it left out.
pub const GITHUB_ANNOTATIONS_PER_SEVERITY: usize = 10;

/// Renders diagnostics as GitHub workflow commands (`::error file=...,line=...::message`), at
/// most ten per severity, followed by one `::notice::` counting the ones left out.
///
/// GitHub places annotations by their path from the repository root, so each file path is
/// `root` joined with the file's path in the inventory. Pass the inventory folder as given on
/// the command line, because workflows run from the repository root.
pub fn render_github(diagnostics: &Diagnostics, sources: &SourceMap, root: &Path) -> String {
    let mut output = String::new();
    let mut shown = [0usize; 2];
    let mut left_out = 0usize;
    for diagnostic in diagnostics.items() {
        let (command, slot) = match diagnostic.severity {
            Severity::Error => ("error", 0),
            Severity::Warning => ("warning", 1),
        };
        if shown[slot] == GITHUB_ANNOTATIONS_PER_SEVERITY {
            left_out += 1;
            continue;
        }
        shown[slot] += 1;
        let mut properties = Vec::new();
        if let Some(span) = diagnostic.span {
            let path = annotation_path(root, sources.path(span.file));
            properties.push(format!("file={}", escape_property(&path)));
            properties.push(format!("line={}", span.line));
            properties.push(format!("col={}", span.column));
        }
        let mut message = diagnostic.message.clone();
        for (span, label) in &diagnostic.related {
            let _ = write!(message, "\n{label}: {}", sources.location(*span));
        }
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        // A command without properties is `::error::message`, with no space before `::`.
        let properties = if properties.is_empty() {
            String::new()
        } else {
            format!(" {}", properties.join(","))
        };
        let _ = writeln!(output, "::{command}{properties}::{}", escape_data(&message));
    }
    if left_out > 0 {
        let message = format!(
            "{} not shown as annotations; run `vanta-gitops validate` to see all of them",
            plural(left_out, "more problem")
        );
        let _ = writeln!(output, "::notice::{}", escape_data(&message));
    }
    output
}

/// Joins the inventory root and a file's path, without `./` components.
fn annotation_path(root: &Path, file: &Path) -> String {
    let joined: PathBuf = root
        .join(file)
        .components()
        .filter(|component| !matches!(component, std::path::Component::CurDir))
        .collect();
    joined.display().to_string()
}

/// Escapes the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command, which also must not contain `:` or `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> (SourceMap, FileId) {
        let mut sources = SourceMap::default();
        let text = "uniqueId: u-1\nstatus: ACTIVE\nstatus: GONE\n".to_string();
        let id = sources.add(PathBuf::from("users/a.yaml"), text);
        (sources, id)
    }

    #[test]
    fn source_text_kept_only_where_shown() {
        let (mut sources, shown) = sources();
        let related = sources.add(PathBuf::from("users/b.yaml"), "a: 1\n".to_string());
        let unused = sources.add(PathBuf::from("users/c.yaml"), "b: 2\n".to_string());
        let span = |file| Span {
            file,
            line: 1,
            column: 1,
            len: 1,
        };
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(
            Diagnostic::error("duplicate", Some(span(shown))).with_related(span(related), "first"),
        );
        sources.keep_text_for(&diagnostics);
        assert_eq!(sources.file(shown).line(1), Some("uniqueId: u-1"));
        assert_eq!(sources.file(related).line(1), Some("a: 1"));
        assert_eq!(sources.file(unused).line(1), Some(""));
        assert_eq!(sources.file(unused).line(2), None);
        assert_eq!(sources.path(unused), Path::new("users/c.yaml"));
    }

    #[test]
    fn text_shows_location_line_and_caret() {
        let (sources, file) = sources();
        let span = Span {
            file,
            line: 3,
            column: 1,
            len: 6,
        };
        let diagnostic = Diagnostic::error("duplicate key `status`", Some(span))
            .with_label("duplicate key")
            .with_related(Span { line: 2, ..span }, "first defined here");
        let text = render_text(&diagnostic, &sources, false);
        assert!(text.contains("--> users/a.yaml:3:1"), "{text}");
        assert!(text.contains("status: GONE"), "{text}");
        assert!(text.contains("^^^^^^ duplicate key"), "{text}");
        assert!(text.contains("first defined here"), "{text}");
    }

    #[test]
    fn github_escapes_and_caps_annotations() {
        let (sources, file) = sources();
        let mut diagnostics = Diagnostics::default();
        for _ in 0..12 {
            let span = Span {
                file,
                line: 1,
                column: 1,
                len: 1,
            };
            diagnostics.push(Diagnostic::error("bad: 100%\nvalue", Some(span)));
        }
        let output = render_github(&diagnostics, &sources, Path::new("."));
        assert_eq!(
            output
                .lines()
                .filter(|line| line.starts_with("::error "))
                .count(),
            10
        );
        assert!(output.contains("file=users/a.yaml,line=1,col=1::bad: 100%25%0Avalue"));
        assert!(output.contains("::notice::2 more problems not shown"));
    }

    #[test]
    fn github_without_span_or_with_related() {
        let (sources, file) = sources();
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(Diagnostic::error("no documents", None));
        let span = Span {
            file,
            line: 3,
            column: 1,
            len: 6,
        };
        let related = Span { line: 2, ..span };
        diagnostics.push(
            Diagnostic::error("duplicate key `status`", Some(span))
                .with_related(related, "first defined here"),
        );
        let output = render_github(&diagnostics, &sources, Path::new("."));
        assert_eq!(
            output,
            "::error::no documents\n\
             ::error file=users/a.yaml,line=3,col=1::duplicate key `status`\
             %0Afirst defined here: users/a.yaml:2:1\n"
        );
    }

    #[test]
    fn dedup_keeps_first_of_equal() {
        let (_, file) = sources();
        let span = Span {
            file,
            line: 1,
            column: 1,
            len: 1,
        };
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(Diagnostic::error("a", Some(span)));
        diagnostics.push(Diagnostic::error("b", Some(span)));
        diagnostics.push(Diagnostic::error("a", Some(span)));
        diagnostics.push(Diagnostic::error("a", Some(Span { line: 2, ..span })));
        diagnostics.dedup();
        let kept: Vec<(&str, u32)> = diagnostics
            .items()
            .iter()
            .map(|item| (item.message.as_str(), item.span.unwrap().line))
            .collect();
        assert_eq!(kept, [("a", 1), ("b", 1), ("a", 2)]);
    }

    #[test]
    fn github_paths_start_at_the_inventory_root() {
        let (sources, file) = sources();
        let mut diagnostics = Diagnostics::default();
        let span = Span {
            file,
            line: 2,
            column: 3,
            len: 1,
        };
        diagnostics.push(Diagnostic::error("bad", Some(span)));
        let nested = render_github(&diagnostics, &sources, Path::new("examples/inventory"));
        assert!(
            nested.contains("file=examples/inventory/users/a.yaml,line=2,col=3"),
            "{nested}"
        );
        let current = render_github(&diagnostics, &sources, Path::new("."));
        assert!(current.contains("file=users/a.yaml,"), "{current}");
    }

    #[test]
    fn text_without_span_has_no_gutter() {
        let (sources, _) = sources();
        let diagnostic = Diagnostic::error("no documents", None).with_help("check the path");
        let text = render_text(&diagnostic, &sources, false);
        assert_eq!(text, "error: no documents\n  = help: check the path");
    }

    #[test]
    fn caret_range_counts_characters() {
        assert_eq!(char_range_to_bytes("é: x", 3, 1), 4..5);
        assert_eq!(char_range_to_bytes("ab", 5, 2), 2..2);
    }

    #[test]
    fn summary_counts_errors_and_warnings() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(Diagnostic::error("a", None));
        diagnostics.push(Diagnostic::warning("b", None));
        let summary = render_summary(&diagnostics, "load the inventory");
        assert_eq!(
            summary.as_deref(),
            Some("error: could not load the inventory (1 error, 1 warning)")
        );
    }
}
