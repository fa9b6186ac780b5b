//! Loading a whole inventory: every file, every document, every record, every check.
//!
//! Files are read and parsed in parallel, and so are the records of each `Records` document.
//! Most files are parsed, checked and converted in one step, so that their YAML trees do not
//! all exist at once. Results are merged in path order, so diagnostics and records come out
//! the same on every run. No check stops the others, because the caller gets every
//! diagnostic and decides. Plan and apply stop when any diagnostic is an error.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::custom_tests::CustomTest;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};
use crate::inventory::document::{self, Resource, Workspace};
use crate::inventory::model::{DesiredRecord, Inventory, ResourceDef};
use crate::inventory::walk;
use crate::inventory::yaml::{self, Entry, Node, Value};
use crate::plan::record::RecordJson;
use crate::schema::{base, jtd, rules};

/// The largest inventory file read by default. A larger file is reported, not read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Limits that a caller may change from their defaults, such as a test that checks the file
/// size limit without writing a file of 256 MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// The largest file read, in bytes.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            max_file_bytes: MAX_FILE_BYTES,
        }
    }
}

/// The deepest chain of `ref`s followed while validating a record.
const MAX_REF_DEPTH: usize = 32;

/// A problem that stops loading before any file could be checked.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("inventory folder `{}` does not exist", .0.display())]
    MissingRoot(PathBuf),
    #[error(transparent)]
    Walk(#[from] walk::WalkError),
}

/// Loads and validates the inventory below `root` with the default limits.
pub fn load(root: &Path) -> Result<(Inventory, Diagnostics), LoadError> {
    load_with(root, &LoadOptions::default())
}

/// Loads and validates the inventory below `root`.
///
/// Files are read in two passes, so that most YAML trees never exist at the same time. The
/// first pass parses the files that can declare resources, keeps their trees, and registers
/// the resources. The second pass reads each remaining file again, parses it and checks its
/// records against those resources at once, on all cores, dropping the file's tree as soon as
/// its records are converted. Only `Records` documents of undeclared resources keep their
/// trees until the merge. A file that changes between its two reads is checked as read last.
/// Everything else is then merged in path order, so diagnostics and records come out the
/// same on every run.
pub fn load_with(
    root: &Path,
    options: &LoadOptions,
) -> Result<(Inventory, Diagnostics), LoadError> {
    if !root.is_dir() {
        return Err(LoadError::MissingRoot(root.to_path_buf()));
    }
    let paths = walk::find_yaml_files(root)?;
    let mut files: Vec<Option<ParsedFile>> = paths
        .par_iter()
        .enumerate()
        .map(|(index, path)| {
            let file = read_file(root, path, FileId(index as u32), options);
            may_declare_resources(&file.text).then(|| file.parse())
        })
        .collect();

    let mut loader = Loader::default();
    loader.inventory.root = root.to_path_buf();
    // Only resources are needed to check records. A `Workspace` is registered with the others
    // below, in path order, so that a second one is reported where it is.
    for file in files.iter_mut().flatten() {
        loader.register_declarations(file, &["Resource"]);
    }
    loader
        .inventory
        .resources
        .sort_by(|a, b| a.name.cmp(&b.name));

    let checked: Vec<Option<ParsedFile>> = {
        let resources: HashMap<&str, &ResourceDef> = loader
            .inventory
            .resources
            .iter()
            .map(|resource| (resource.name.as_str(), resource))
            .collect();
        paths
            .par_iter()
            .enumerate()
            .zip(&files)
            .map(|((index, path), first)| {
                if first.is_some() {
                    return None;
                }
                let mut file = read_file(root, path, FileId(index as u32), options).parse();
                file.check_records(&resources);
                Some(file)
            })
            .collect()
    };
    for (slot, file) in files.iter_mut().zip(checked) {
        if file.is_some() {
            *slot = file;
        }
    }
    let mut files: Vec<ParsedFile> = files.into_iter().flatten().collect();
    for file in &mut files {
        loader.register_declarations(file, &["Workspace", "Resource"]);
    }
    loader
        .inventory
        .resources
        .sort_by(|a, b| a.name.cmp(&b.name));
    loader.load_files(files);
    loader.diagnostics.sort();
    // Defaults merged into many records report the same problem once per record.
    loader.diagnostics.dedup();
    loader.inventory.sources.keep_text_for(&loader.diagnostics);
    Ok((loader.inventory, loader.diagnostics))
}

/// Reports whether a file's text could contain a `Resource` document. Such a document needs
/// the word `Resource` written out, or an escape sequence that spells it.
fn may_declare_resources(text: &str) -> bool {
    text.contains("Resource") || text.contains('\\')
}

/// A file's text as read from disk, before parsing.
struct FileText {
    id: FileId,
    display_path: PathBuf,
    text: String,
    diagnostics: Diagnostics,
}

impl FileText {
    fn parse(self) -> ParsedFile {
        let mut diagnostics = self.diagnostics;
        let documents = yaml::parse(&self.text, self.id, &mut diagnostics)
            .into_iter()
            .filter_map(|document| document.root)
            .map(Document::Tree)
            .collect();
        ParsedFile {
            id: self.id,
            display_path: self.display_path,
            text: self.text,
            documents,
            diagnostics,
        }
    }
}

struct ParsedFile {
    id: FileId,
    display_path: PathBuf,
    text: String,
    documents: Vec<Document>,
    diagnostics: Diagnostics,
}

/// One document of a file, at some step of loading.
enum Document {
    /// A document still to be handled, as written.
    Tree(Node),
    /// A `Records` document whose records were checked against its resource. Its tree is gone.
    Checked {
        resource: String,
        records: CheckedRecords,
    },
    /// A `Workspace` or `Resource` document, already registered.
    Registered,
}

impl ParsedFile {
    /// Checks the records of every `Records` document whose resource is known, replacing its
    /// tree with the checked records. Other documents stay as they are.
    fn check_records(&mut self, resources: &HashMap<&str, &ResourceDef>) {
        let yaml_error_spans: HashSet<Span> = self
            .diagnostics
            .items()
            .iter()
            .filter_map(|diagnostic| diagnostic.span)
            .collect();
        for document in &mut self.documents {
            let Document::Tree(node) = document else {
                continue;
            };
            if !matches!(document::header(node), Ok("Records")) {
                continue;
            }
            let Some(Value::String(name)) = node.entry("resource").map(|entry| &entry.value.value)
            else {
                continue;
            };
            let Some(resource) = resources.get(name.as_str()) else {
                continue;
            };
            let records = check_records_document(node, resource, &yaml_error_spans);
            *document = Document::Checked {
                resource: name.clone(),
                records,
            };
        }
    }
}

fn read_file(root: &Path, path: &Path, id: FileId, options: &LoadOptions) -> FileText {
    let display_path = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut diagnostics = Diagnostics::default();
    let file_span = Span {
        file: id,
        line: 1,
        column: 1,
        len: 1,
    };
    let empty = |diagnostics| FileText {
        id,
        display_path: display_path.clone(),
        text: String::new(),
        diagnostics,
    };
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.len() > options.max_file_bytes => {
            let message = format!(
                "file is {} bytes, larger than the limit of {} bytes",
                metadata.len(),
                options.max_file_bytes
            );
            let help = "split the records over several files";
            diagnostics.push(Diagnostic::error(message, Some(file_span)).with_help(help));
            return empty(diagnostics);
        }
        Ok(_) => {}
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                format!("could not read file: {error}"),
                Some(file_span),
            ));
            return empty(diagnostics);
        }
    }
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(error)) => {
            let message = format!(
                "file is not valid UTF-8 (invalid byte at offset {})",
                error.utf8_error().valid_up_to()
            );
            diagnostics.push(Diagnostic::error(message, Some(file_span)));
            return empty(diagnostics);
        }
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                format!("could not read file: {error}"),
                Some(file_span),
            ));
            return empty(diagnostics);
        }
    };
    let mut text = text;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    FileText {
        id,
        display_path,
        text,
        diagnostics,
    }
}

#[derive(Default)]
struct Loader {
    inventory: Inventory,
    diagnostics: Diagnostics,
    /// Values that already have a YAML error, such as `0x10` or a value with an anchor. A
    /// schema error at the same value would only repeat it.
    yaml_error_spans: HashSet<Span>,
    /// Names of `Resource` documents that had errors, so that documents referring to them
    /// do not also report an undeclared resource.
    invalid_resources: HashSet<String>,
    /// The span of the first `Workspace` document's `kind`.
    workspace_span: Option<Span>,
    /// The tree of the first `Workspace` document, when it was valid.
    workspace_node: Option<Node>,
}

impl Loader {
    /// Registers the documents of a file whose kind is in `kinds` (`Workspace`, `Resource` or
    /// both), which every other document depends on.
    fn register_declarations(&mut self, file: &mut ParsedFile, kinds: &[&str]) {
        for document in &mut file.documents {
            let Document::Tree(node) = document else {
                continue;
            };
            let is_workspace = match document::header(node) {
                Ok(kind) if !kinds.contains(&kind) => continue,
                Ok("Workspace") => true,
                Ok("Resource") => false,
                _ => continue,
            };
            let Document::Tree(node) = std::mem::replace(document, Document::Registered) else {
                unreachable!("the document was a tree a moment ago");
            };
            if is_workspace {
                self.load_workspace(node);
            } else {
                self.load_resource(&node);
            }
        }
    }

    /// Handles every document that is not a declaration, in path order.
    fn load_files(&mut self, files: Vec<ParsedFile>) {
        let mut documents = Vec::new();
        for file in files {
            let id = self.inventory.sources.add(file.display_path, file.text);
            debug_assert_eq!(id, file.id);
            self.yaml_error_spans.extend(
                file.diagnostics
                    .items()
                    .iter()
                    .filter_map(|diagnostic| diagnostic.span),
            );
            self.diagnostics.extend(file.diagnostics);
            documents.extend(file.documents);
        }
        // An inventory without documents is an error, not a warning, in every command. It is
        // never what anyone means: a mistyped path, a sparse checkout or a moved folder look
        // exactly like this. As a warning, `validate` would pass in CI and `plan` would report
        // no changes forever while the real inventory went unchecked. An intended empty
        // resource is written as `records: []`, which is a document.
        if documents.is_empty() && !self.diagnostics.has_errors() {
            self.diagnostics.push(
                Diagnostic::error(
                    format!(
                        "no vanta-gitops documents found in `{}`",
                        self.inventory.root.display()
                    ),
                    None,
                )
                .with_help(
                    "check the inventory path; every `*.yaml` and `*.yml` file below it is read, except in hidden folders and files listed in `.vanta-gitops-ignore`",
                ),
            );
        }
        let mut custom_test_documents = Vec::new();
        for document in documents {
            match document {
                Document::Registered => {}
                Document::Checked { resource, records } => {
                    let index = self
                        .inventory
                        .resources
                        .iter()
                        .position(|declared| declared.name == resource)
                        .expect("records are checked only against declared resources");
                    self.add_records(index, records);
                }
                Document::Tree(node) => match document::header(&node) {
                    Err(diagnostic) => self.diagnostics.push(diagnostic),
                    Ok("Records") => self.load_records(&node),
                    Ok(_) => custom_test_documents.push(node),
                },
            }
        }
        self.remove_duplicates();
        for node in &custom_test_documents {
            self.load_custom_test(node);
        }
        self.inventory
            .custom_tests
            .sort_by(|a, b| a.name.cmp(&b.name));
        let workspace_node = self.workspace_node.take();
        self.check_workspace_references(workspace_node.as_ref());
    }

    fn load_workspace(&mut self, node: Node) {
        if let Some(first) = self.workspace_span {
            let diagnostic = Diagnostic::error(
                "more than one `Workspace` document",
                Some(document::kind_span(&node)),
            )
            .with_related(first, "first `Workspace` is here");
            self.diagnostics.push(diagnostic);
            return;
        }
        self.workspace_span = Some(document::kind_span(&node));
        match crate::inventory::unknown_fields::decode_all::<Workspace>(&node) {
            Ok(workspace) => {
                self.inventory.workspace = workspace;
                self.workspace_node = Some(node);
            }
            Err(problems) => problems
                .into_iter()
                .for_each(|problem| self.diagnostics.push(problem)),
        }
    }

    fn load_resource(&mut self, node: &Node) {
        let resource = match crate::inventory::unknown_fields::decode_all::<Resource>(node) {
            Ok(resource) => resource,
            Err(problems) => {
                for problem in problems {
                    self.diagnostics.push(problem);
                }
                if let Some(Value::String(name)) =
                    node.entry("name").map(|entry| &entry.value.value)
                {
                    self.invalid_resources.insert(name.clone());
                }
                return;
            }
        };
        let name_span = node
            .entry("name")
            .map(|entry| entry.value.span)
            .unwrap_or(node.span);
        if let Some(first) = self.inventory.resource(&resource.name) {
            let diagnostic = Diagnostic::error(
                format!("resource `{}` is declared twice", resource.name),
                Some(name_span),
            )
            .with_related(first.span, "first declared here");
            return self.diagnostics.push(diagnostic);
        }
        if let Some(custom) = &resource.custom_properties
            && let Err(error) = jtd::Schema::from_json(custom)
        {
            let mut tokens = vec!["customProperties".to_string()];
            tokens.extend(
                error
                    .pointer
                    .split('/')
                    .skip(1)
                    .map(|token| token.replace("~1", "/").replace("~0", "~")),
            );
            // Point at the offending value, or at the key when the problem is the key itself.
            let span = node
                .pointer(&tokens)
                .map(|value| value.span)
                .or_else(|| node.key_span_at(&tokens))
                .or_else(|| node.entry("customProperties").map(|entry| entry.value.span));
            let message = format!(
                "invalid JTD schema in `customProperties` at `{}`: {}",
                error.pointer, error.kind
            );
            // Its records cannot be checked, and are not also reported as undeclared.
            self.invalid_resources.insert(resource.name);
            return self.diagnostics.push(Diagnostic::error(message, span));
        }
        let schema_json =
            base::record_schema_json(resource.base_type, resource.custom_properties.as_ref());
        let schema = match jtd::Schema::from_json(&schema_json) {
            Ok(schema) => schema,
            Err(error) => {
                let message = format!(
                    "could not build the record schema of `{}`: {error}",
                    resource.name
                );
                self.invalid_resources.insert(resource.name);
                return self
                    .diagnostics
                    .push(Diagnostic::error(message, Some(name_span)));
            }
        };
        self.inventory.resources.push(ResourceDef {
            name: resource.name,
            base_type: resource.base_type,
            resource_id: resource.resource_id,
            custom_properties: resource.custom_properties,
            schema,
            allow_empty: resource.allow_empty,
            max_destroy: resource.max_destroy,
            span: name_span,
            managed: false,
            records: Vec::new(),
        });
    }

    fn resource_index(&mut self, node: &Node, field: &str) -> Option<usize> {
        let Some(entry) = node.entry(field) else {
            let diagnostic =
                Diagnostic::error(format!("missing required field `{field}`"), Some(node.span));
            self.diagnostics.push(diagnostic);
            return None;
        };
        let Value::String(name) = &entry.value.value else {
            let message = format!(
                "`{field}` must be a resource name, found {}",
                entry.value.describe()
            );
            self.diagnostics
                .push(Diagnostic::error(message, Some(entry.value.span)));
            return None;
        };
        let index = self
            .inventory
            .resources
            .iter()
            .position(|resource| &resource.name == name);
        // A resource whose own document has errors was reported there already.
        if index.is_none() && !self.invalid_resources.contains(name) {
            let names = self
                .inventory
                .resources
                .iter()
                .map(|resource| resource.name.as_str());
            let mut diagnostic = Diagnostic::error(
                format!("undeclared resource `{name}`"),
                Some(entry.value.span),
            );
            diagnostic = match document::did_you_mean(name, names) {
                Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_help("declare it with a `kind: Resource` document"),
            };
            self.diagnostics.push(diagnostic);
        }
        index
    }

    fn load_records(&mut self, node: &Node) {
        let Some(index) = self.resource_index(node, "resource") else {
            for diagnostic in unknown_records_fields(node) {
                self.diagnostics.push(diagnostic);
            }
            return;
        };
        let records = check_records_document(
            node,
            &self.inventory.resources[index],
            &self.yaml_error_spans,
        );
        self.add_records(index, records);
    }

    /// Adds a document's checked records to a resource in order, with their problems.
    fn add_records(&mut self, index: usize, records: CheckedRecords) {
        for diagnostic in records.diagnostics {
            self.diagnostics.push(diagnostic);
        }
        let Some(checked) = records.records else {
            return;
        };
        let resource = &mut self.inventory.resources[index];
        resource.managed = true;
        for checked in checked {
            for diagnostic in checked.diagnostics {
                self.diagnostics.push(diagnostic);
            }
            resource.records.extend(checked.desired);
        }
    }

    /// Sorts each resource's records by `uniqueId` and removes every record whose `uniqueId`
    /// an earlier record used, reporting both places. The sort is stable, so records of one
    /// `uniqueId` stay in path order and the first written is kept.
    fn remove_duplicates(&mut self) {
        for resource in &mut self.inventory.resources {
            resource
                .records
                .sort_by(|a, b| a.unique_id.cmp(&b.unique_id));
            let mut first = 0;
            for index in 1..resource.records.len() {
                let (earlier, record) = (&resource.records[first], &resource.records[index]);
                if record.unique_id != earlier.unique_id {
                    first = index;
                    continue;
                }
                let message = format!(
                    "duplicate uniqueId `{}` in resource `{}`",
                    record.unique_id, resource.name
                );
                let diagnostic = Diagnostic::error(message, Some(record.unique_span))
                    .with_related(earlier.unique_span, "first used here");
                self.diagnostics.push(diagnostic);
            }
            resource
                .records
                .dedup_by(|later, earlier| later.unique_id == earlier.unique_id);
        }
    }

    fn load_custom_test(&mut self, node: &Node) {
        let Some(index) = self.resource_index(node, "resource") else {
            return;
        };
        let test = match document::decode::<CustomTest>(node) {
            Ok(test) => test,
            Err(diagnostic) => return self.diagnostics.push(diagnostic),
        };
        if self
            .inventory
            .custom_tests
            .iter()
            .any(|other| other.name == test.name)
        {
            let span = node.entry("name").map(|entry| entry.value.span);
            let message = format!("CustomTest `{}` is declared twice", test.name);
            return self.diagnostics.push(Diagnostic::error(message, span));
        }
        let resource = &self.inventory.resources[index];
        let schema_json =
            base::record_schema_json(resource.base_type, resource.custom_properties.as_ref());
        let unknown = crate::custom_tests::unknown_fields(&test, &schema_json);
        if !unknown.is_empty() {
            let known = crate::inventory::fields::known_paths(&resource.schema);
            for field in unknown {
                let path = field.to_string();
                let spans = field_value_spans(node, &path);
                let mut diagnostic = Diagnostic::error(
                    format!(
                        "unknown field `{path}`: records of `{}` have no such field",
                        resource.name
                    ),
                    spans.first().copied().or(Some(node.span)),
                );
                for span in spans.iter().skip(1) {
                    diagnostic = diagnostic.with_related(*span, "also used here");
                }
                diagnostic = match document::did_you_mean(&path, known.iter().map(String::as_str)) {
                    Some(suggestion) => {
                        diagnostic.with_help(format!("did you mean `{suggestion}`?"))
                    }
                    None => diagnostic.with_help(
                        "a misspelt field matches no record, so the test would check nothing",
                    ),
                };
                self.diagnostics.push(diagnostic);
            }
            return;
        }
        self.inventory.custom_tests.push(test);
    }

    /// Checks that `protected` and `sensitive` entries of the workspace name declared
    /// resources. A typo there would silently drop a protection or unmask a field.
    fn check_workspace_references(&mut self, node: Option<&Node>) {
        let Some(node) = node else {
            return;
        };
        let workspace = &self.inventory.workspace;
        let protected = workspace
            .protected
            .iter()
            .enumerate()
            .map(|(index, entry)| ("protected", index, entry.resource.as_str()));
        let sensitive = workspace
            .sensitive
            .iter()
            .enumerate()
            .map(|(index, entry)| ("sensitive", index, entry.resource.as_str()));
        let mut problems = Vec::new();
        for (list, index, name) in protected.chain(sensitive) {
            if self.inventory.resource(name).is_some() {
                continue;
            }
            let index = index.to_string();
            let span = node
                .pointer(&[list, index.as_str(), "resource"])
                .map(|value| value.span)
                .unwrap_or(node.span);
            let names = self
                .inventory
                .resources
                .iter()
                .map(|resource| resource.name.as_str());
            let help = match document::did_you_mean(name, names) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => "declare it with a `kind: Resource` document".to_string(),
            };
            let message = format!("undeclared resource `{name}` in the workspace's `{list}`");
            problems.push(Diagnostic::error(message, Some(span)).with_help(help));
        }
        for problem in problems {
            self.diagnostics.push(problem);
        }
        self.check_sensitive_fields(node);
    }

    /// Checks that every `sensitive` field path exists in its resource's records. A misspelt
    /// path would leave the real field unmasked in plans and comments.
    fn check_sensitive_fields(&mut self, node: &Node) {
        let mut problems = Vec::new();
        for (entry_index, entry) in self.inventory.workspace.sensitive.iter().enumerate() {
            let Some(resource) = self.inventory.resource(&entry.resource) else {
                continue;
            };
            for (field_index, field) in entry.fields.iter().enumerate() {
                let segments: Vec<&str> = field.split('.').collect();
                if crate::inventory::fields::path_exists(&resource.schema, &segments) {
                    continue;
                }
                let tokens = [
                    "sensitive".to_string(),
                    entry_index.to_string(),
                    "fields".to_string(),
                    field_index.to_string(),
                ];
                let span = node.pointer(&tokens).map(|value| value.span);
                let known = crate::inventory::fields::known_paths(&resource.schema);
                let mut diagnostic = Diagnostic::error(
                    format!(
                        "sensitive field `{field}` does not exist in the records of `{}`",
                        resource.name
                    ),
                    span,
                );
                if let Some(suggestion) =
                    document::did_you_mean(field, known.iter().map(String::as_str))
                {
                    diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                }
                problems.push(diagnostic);
            }
        }
        for problem in problems {
            self.diagnostics.push(problem);
        }
    }
}

/// Returns where a Custom Test document's `scope` and `rule` compare the field `path`, in
/// document order.
fn field_value_spans(node: &Node, path: &str) -> Vec<Span> {
    fn visit(node: &Node, path: &str, spans: &mut Vec<Span>) {
        match &node.value {
            Value::Mapping(entries) => {
                for entry in entries {
                    let is_match = entry.key == "field"
                        && matches!(&entry.value.value, Value::String(text) if text == path);
                    if is_match {
                        spans.push(entry.value.span);
                    } else {
                        visit(&entry.value, path, spans);
                    }
                }
            }
            Value::Sequence(items) => {
                for item in items {
                    visit(item, path, spans);
                }
            }
            _ => {}
        }
    }
    let mut spans = Vec::new();
    for key in ["scope", "rule"] {
        if let Some(entry) = node.entry(key) {
            visit(&entry.value, path, &mut spans);
        }
    }
    spans
}

/// Returns the unknown top-level fields of a `Records` document.
fn unknown_records_fields(node: &Node) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for entry in node.entries().unwrap_or_default() {
        if ["apiVersion", "kind", "resource", "defaults", "records"].contains(&entry.key.as_str()) {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            format!("unknown field `{}`", entry.key),
            Some(entry.key_span),
        );
        let known = ["resource", "defaults", "records"].into_iter();
        if let Some(suggestion) = document::did_you_mean(&entry.key, known) {
            diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// The records of one `Records` document after checking.
struct CheckedRecords {
    /// Problems of the document itself, such as an unknown field.
    diagnostics: Vec<Diagnostic>,
    /// Each record with its own problems, or `None` when `records` is not a sequence.
    records: Option<Vec<CheckedRecord>>,
}

impl CheckedRecords {
    fn invalid(diagnostics: Vec<Diagnostic>) -> CheckedRecords {
        CheckedRecords {
            diagnostics,
            records: None,
        }
    }
}

/// Validates and converts the records of a `Records` document against its resource, on all
/// cores. It reads only shared data, so documents of different files are checked in parallel.
fn check_records_document(
    node: &Node,
    resource: &ResourceDef,
    yaml_error_spans: &HashSet<Span>,
) -> CheckedRecords {
    let mut diagnostics = unknown_records_fields(node);
    let defaults = match node.entry("defaults") {
        None => &[][..],
        Some(Entry {
            value:
                Node {
                    value: Value::Mapping(entries),
                    ..
                },
            ..
        }) => entries.as_slice(),
        Some(entry) => {
            let message = format!(
                "`defaults` must be a mapping, found {}",
                entry.value.describe()
            );
            diagnostics.push(Diagnostic::error(message, Some(entry.value.span)));
            return CheckedRecords::invalid(diagnostics);
        }
    };
    let records = match node.entry("records") {
        Some(Entry {
            value:
                Node {
                    value: Value::Sequence(items),
                    ..
                },
            ..
        }) => items.as_slice(),
        Some(entry) if entry.value.value == Value::Null => {
            // `records:` with nothing after it is more often an unfinished edit than a
            // wish to delete every record, so the empty set must be written out. The
            // error points at the key, because an empty value has no text to point at.
            let span = entry.key_span;
            let message = "`records` is null";
            let help = "write `records: []` to declare that the resource should be empty";
            diagnostics.push(Diagnostic::error(message, Some(span)).with_help(help));
            return CheckedRecords::invalid(diagnostics);
        }
        Some(entry) => {
            let message = format!(
                "`records` must be a sequence, found {}",
                entry.value.describe()
            );
            diagnostics.push(Diagnostic::error(message, Some(entry.value.span)));
            return CheckedRecords::invalid(diagnostics);
        }
        None => {
            let message = "missing required field `records`";
            let help = "write `records: []` to declare that the resource should be empty";
            diagnostics.push(Diagnostic::error(message, Some(node.span)).with_help(help));
            return CheckedRecords::invalid(diagnostics);
        }
    };
    let records = records
        .par_iter()
        .map(|record| {
            let merged = merge_defaults(defaults, record);
            let record = merged.as_ref().unwrap_or(record);
            let mut diagnostics = Vec::new();
            let desired = check_record(resource, record, yaml_error_spans, &mut diagnostics);
            CheckedRecord {
                desired,
                diagnostics,
            }
        })
        .collect();
    CheckedRecords {
        diagnostics,
        records: Some(records),
    }
}

/// Merges a `Records` document's `defaults` under a record: a key the record sets wins, and
/// nested mappings present in both merge key by key. Returns `None` when there is nothing to
/// merge, so the record is used as written.
fn merge_defaults(defaults: &[Entry], record: &Node) -> Option<Node> {
    if defaults.is_empty() {
        return None;
    }
    let Value::Mapping(entries) = &record.value else {
        return None;
    };
    Some(Node {
        value: Value::Mapping(merge_entries(defaults, entries)),
        span: record.span,
    })
}

fn merge_entries(defaults: &[Entry], entries: &[Entry]) -> Vec<Entry> {
    let mut merged: Vec<Entry> = Vec::with_capacity(defaults.len() + entries.len());
    for default in defaults {
        match entries.iter().find(|entry| entry.key == default.key) {
            Some(own) => match (&default.value.value, &own.value.value) {
                (Value::Mapping(inner_defaults), Value::Mapping(inner)) => merged.push(Entry {
                    key: own.key.clone(),
                    key_span: own.key_span,
                    value: Node {
                        value: Value::Mapping(merge_entries(inner_defaults, inner)),
                        span: own.value.span,
                    },
                }),
                _ => merged.push(own.clone()),
            },
            None => merged.push(default.clone()),
        }
    }
    for entry in entries {
        if !defaults.iter().any(|default| default.key == entry.key) {
            merged.push(entry.clone());
        }
    }
    merged
}

/// One record after checking, with what the sequential merge needs.
struct CheckedRecord {
    desired: Option<DesiredRecord>,
    diagnostics: Vec<Diagnostic>,
}

/// Validates one record and converts it, adding its problems to `diagnostics`. Returns `None`
/// when the record has errors. It reads only shared data, so records are checked in parallel.
fn check_record(
    resource: &ResourceDef,
    record: &Node,
    yaml_error_spans: &HashSet<Span>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<DesiredRecord> {
    let options = jtd::ValidationOptions {
        max_depth: Some(MAX_REF_DEPTH),
        max_errors: None,
    };
    let errors = match jtd::validate(&resource.schema, record, &options) {
        Ok(errors) => errors,
        Err(_) => {
            let message = "the record's schema nests `ref`s too deeply to validate";
            diagnostics.push(Diagnostic::error(message, Some(record.span)));
            return None;
        }
    };
    let had_errors = !errors.is_empty();
    for error in &errors {
        let diagnostic =
            crate::inventory::messages::jtd_diagnostic(record, &resource.schema, error);
        let repeats_yaml_error = diagnostic
            .span
            .is_some_and(|span| yaml_error_spans.contains(&span));
        if !repeats_yaml_error {
            diagnostics.push(diagnostic);
        }
    }
    if had_errors {
        return None;
    }
    let mut value = record.to_json();
    // `1e3` or `4096.0` in an integer field is valid JTD. It is sent as the integer it
    // denotes, so Vanta never receives a float where it expects an int32.
    crate::plan::normalize::integers_for_sending(&mut value, &resource.schema, &resource.schema);
    // Fractional seconds are outside normal form, so a record in normal form has none.
    let fractional = if crate::plan::normalize::needs_normalization(
        &value,
        &resource.schema,
        &resource.schema,
    ) {
        crate::plan::normalize::fractional_timestamps(&value, &resource.schema, &resource.schema)
    } else {
        Vec::new()
    };
    for path in &fractional {
        let span = record.pointer(path).map(|found| found.span);
        let message = format!(
            "`{}` has fractional seconds, which Vanta drops",
            path.join(".")
        );
        let help = "write whole seconds, as Vanta stores them";
        diagnostics.push(Diagnostic::warning(message, span).with_help(help));
    }
    let errors = rules::check(resource.base_type, &value);
    let warnings = rules::check_external_url(&value);
    let blocked = !errors.is_empty();
    for (violation, is_error) in errors
        .into_iter()
        .map(|v| (v, true))
        .chain(warnings.into_iter().map(|v| (v, false)))
    {
        let span = record
            .pointer(&violation.instance_path)
            .map(|found| found.span)
            .or(Some(record.span));
        diagnostics.push(if is_error {
            Diagnostic::error(violation.message, span)
        } else {
            Diagnostic::warning(violation.message, span)
        });
    }
    if blocked {
        return None;
    }
    let unique_id = value.get("uniqueId")?.as_str()?.to_string();
    Some(DesiredRecord {
        unique_id,
        json: RecordJson::new(value, &resource.schema),
        span: record.span,
        unique_span: record
            .pointer(&["uniqueId"])
            .map_or(record.span, |found| found.span),
        fractional,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESOURCES: &str = "\
apiVersion: vanta-gitops/v1
kind: Resource
name: servers
baseType: CustomResource
resourceId: r-servers
";

    fn records(unique_id: &str, display_name: &str) -> String {
        format!(
            "\
apiVersion: vanta-gitops/v1
kind: Records
resource: servers
records:
  - uniqueId: {unique_id}
    displayName: {display_name}
    externalUrl: https://cmdb.example.com/{unique_id}
"
        )
    }

    fn load_files(files: &[(&str, &str)]) -> (Inventory, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).unwrap();
        }
        load(dir.path()).unwrap()
    }

    fn unique_ids(inventory: &Inventory) -> Vec<&str> {
        let servers = inventory.resource("servers").unwrap();
        servers
            .records
            .iter()
            .map(|record| record.unique_id.as_str())
            .collect()
    }

    #[test]
    fn records_load_before_their_resource_file() {
        let (inventory, diagnostics) = load_files(&[
            ("a-servers.yaml", &records("s-1", "one")),
            ("z-resources.yaml", RESOURCES),
        ]);
        assert!(diagnostics.items().is_empty(), "{diagnostics:?}");
        assert_eq!(unique_ids(&inventory), ["s-1"]);
        assert!(inventory.resource("servers").unwrap().managed);
    }

    #[test]
    fn escaped_resource_kind_is_declared() {
        let escaped = RESOURCES
            .replace("kind: Resource", r#"kind: "\x52esource""#)
            .replace("CustomResource", r#""Custom\x52esource""#);
        assert!(!escaped.contains("Resource"));
        let (inventory, diagnostics) = load_files(&[
            ("resources.yaml", &escaped),
            ("servers.yaml", &records("s-1", "one")),
        ]);
        assert!(diagnostics.items().is_empty(), "{diagnostics:?}");
        assert_eq!(unique_ids(&inventory), ["s-1"]);
    }

    #[test]
    fn duplicates_follow_path_order_in_both_passes() {
        // A record whose text mentions `Resource` is read in the first pass, the others in
        // the second. The later path is the duplicate whichever pass read it.
        let first_pass = records("s-1", "Resource one");
        let second_pass = records("s-1", "one");
        for (a, b) in [(&first_pass, &second_pass), (&second_pass, &first_pass)] {
            let (inventory, diagnostics) =
                load_files(&[("resources.yaml", RESOURCES), ("a.yaml", a), ("b.yaml", b)]);
            let errors = diagnostics.items();
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].message.contains("duplicate uniqueId `s-1`"));
            let path = inventory.sources.path(errors[0].span.unwrap().file);
            assert_eq!(path, Path::new("b.yaml"));
            assert_eq!(unique_ids(&inventory), ["s-1"]);
        }
    }

    #[test]
    fn every_later_duplicate_points_at_first() {
        let text = records("s-1", "one");
        let (inventory, diagnostics) = load_files(&[
            ("resources.yaml", RESOURCES),
            ("a.yaml", &text),
            ("b.yaml", &text),
            ("c.yaml", &text),
        ]);
        let errors = diagnostics.items();
        assert_eq!(errors.len(), 2, "{errors:?}");
        for (error, path) in errors.iter().zip(["b.yaml", "c.yaml"]) {
            let at = inventory.sources.location(error.span.unwrap());
            assert_eq!(at, format!("{path}:5:15"));
            let first = inventory.sources.location(error.related[0].0);
            assert_eq!(first, "a.yaml:5:15");
        }
        assert_eq!(unique_ids(&inventory), ["s-1"]);
    }

    #[test]
    fn records_of_undeclared_resource_are_reported() {
        let (inventory, diagnostics) = load_files(&[("servers.yaml", &records("s-1", "one"))]);
        let errors = diagnostics.items();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("undeclared resource `servers`"));
        assert!(inventory.resources.is_empty());
    }
}
