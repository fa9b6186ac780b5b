//! Building a [`Plan`]: desired records against current records, matched by `uniqueId`.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;

use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::custom_tests::{self, CustomTest};
use crate::diagnostics::SourceMap;
use crate::inventory::model::DesiredRecord;
use crate::plan::model::{
    Action, ElementChange, ElementOp, FORMAT_VERSION, FieldChange, Plan, RecordChange,
    RecordSource, ResourcePlan, SENSITIVE, SourceLocation, Summary, TestImpact,
};
use crate::plan::normalize::push_json_string;
use crate::schema::base::BaseType;
use crate::schema::jtd::{Form, Schema};
use crate::vanta::RemoteRecord;

/// The inputs of the plan of one declared resource.
#[derive(Debug)]
pub struct ResourceInput<'a> {
    pub name: &'a str,
    pub base_type: BaseType,
    pub resource_id: &'a str,
    pub managed: bool,
    pub schema: &'a Schema,
    pub desired: &'a [DesiredRecord],
    pub remote: &'a [RemoteRecord],
    /// Dotted paths of fields whose values are masked, such as `customProperties.apiKey`.
    pub sensitive: Vec<Vec<String>>,
}

/// Everything a plan is built from.
#[derive(Debug)]
pub struct PlanInput<'a> {
    pub workspace: Option<&'a str>,
    pub api_url: &'a str,
    pub sources: &'a SourceMap,
    pub resources: Vec<ResourceInput<'a>>,
    pub custom_tests: &'a [CustomTest],
}

/// Arrays with at least this many elements on either side are shown element by element when
/// only some of their elements changed. Shorter ones read better as one line before and after.
pub const LONG_ARRAY: usize = 4;

/// Builds the plan. Resources are sorted by name and records by `uniqueId`, so the same
/// inputs give the same plan whatever order they come in.
pub fn build(input: &PlanInput<'_>) -> Plan {
    let mut summary = Summary::default();
    let mut warnings = Vec::new();
    let mut resources = Vec::with_capacity(input.resources.len());
    let mut custom_tests = Vec::new();
    let mut ordered: Vec<&ResourceInput<'_>> = input.resources.iter().collect();
    ordered.sort_by(|a, b| a.name.cmp(b.name));
    for resource in ordered {
        let plan = plan_resource(resource, input.sources, &mut warnings);
        summary.add_counts(plan.summary);
        let tests: Vec<&CustomTest> = input
            .custom_tests
            .iter()
            .filter(|test| test.resource == resource.name)
            .collect();
        if !tests.is_empty() {
            let live = resource.remote.iter().filter(|record| !record.deleted);
            let before = custom_tests::evaluate_records(&tests, live.map(|record| &record.json));
            let after = if resource.managed {
                custom_tests::evaluate_records(
                    &tests,
                    resource.desired.iter().map(|record| &record.json),
                )
            } else {
                before.clone()
            };
            for ((test, before), after) in tests.into_iter().zip(before).zip(after) {
                custom_tests.push(test_impact(test, resource, before, after));
            }
        }
        resources.push(plan);
    }
    let mut plan = Plan {
        format_version: FORMAT_VERSION.to_string(),
        workspace: input.workspace.map(str::to_string),
        api_url: redact_url(input.api_url),
        summary,
        resources,
        custom_tests,
        warnings,
        inventory: None,
        plan_digest: String::new(),
    };
    plan.plan_digest = plan_digest(&mut plan);
    plan
}

/// Computes the digest of a plan: SHA-256 over its compact JSON with `plan_digest` empty and
/// `inventory` left out. The JSON goes straight into the hash, so a plan with a hundred
/// thousand records is never copied. Both fields are restored before returning.
pub fn plan_digest(plan: &mut Plan) -> String {
    let digest = std::mem::take(&mut plan.plan_digest);
    let inventory = plan.inventory.take();
    let mut hasher = Sha256::new();
    serde_json::to_writer(&mut hasher, &*plan).expect("a plan always serialises to JSON");
    plan.plan_digest = digest;
    plan.inventory = inventory;
    hex_digest(hasher)
}

/// Removes a user name, password, query and fragment from a URL, so that a URL given with
/// credentials in it never reaches a plan. Text that is not a URL is replaced whole.
fn redact_url(text: &str) -> String {
    let Ok(mut url) = url::Url::parse(text) else {
        return "(invalid URL)".to_string();
    };
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    // The sandbox listens on a new loopback port on every run; without the port, plans made
    // against it are byte-identical and keep their digest.
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    };
    if loopback {
        let _ = url.set_port(None);
    }
    url.to_string().trim_end_matches('/').to_string()
}

/// Formats a finished hash as `sha256:` and lowercase hex.
fn hex_digest(hasher: Sha256) -> String {
    let hash = hasher.finalize();
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in hash {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// Builds the plan of one resource.
pub fn plan_resource(
    resource: &ResourceInput<'_>,
    sources: &SourceMap,
    warnings: &mut Vec<String>,
) -> ResourcePlan {
    // Both sides sorted by `uniqueId` give the digests their order and pair the records in
    // one pass, without a hash map of either side.
    let (remote, desired) = rayon::join(
        || sorted_remote(resource.remote),
        || sorted_desired(resource.desired),
    );
    let (remote_digest, desired_digest) = rayon::join(
        || digest_remote_sorted(&remote),
        || digest_desired_sorted(&desired),
    );
    let remote_live = remote.iter().filter(|record| !record.deleted).count();

    let mut plan = ResourcePlan {
        name: resource.name.to_string(),
        base_type: resource.base_type,
        resource_id: resource.resource_id.to_string(),
        managed: resource.managed,
        summary: Summary::default(),
        remote_live,
        remote_digest,
        desired_digest,
        changes: Vec::new(),
        sources: Vec::new(),
    };
    if !resource.managed {
        return plan;
    }
    email_case_warnings(resource, warnings);
    for record in &desired {
        for path in &record.fractional {
            warnings.push(format!(
                "{}[{}]: `{}` has fractional seconds, which Vanta drops; the plan compares \
                 whole seconds",
                resource.name,
                record.unique_id,
                path.join(".")
            ));
        }
    }
    plan.sources = desired
        .par_iter()
        .map(|record| RecordSource {
            unique_id: record.unique_id.clone(),
            file: sources.path(record.span.file).display().to_string(),
            line: record.span.line,
        })
        .collect();

    let pairs = pair_by_id(&desired, &remote);
    let changes: Vec<RecordChange> = pairs
        .par_iter()
        .filter_map(|&(desired, remote)| record_change(resource, sources, desired, remote))
        .collect();
    debug_assert!(changes.iter().all(RecordChange::is_visible));
    for change in &changes {
        match change.action {
            Action::Create | Action::Reactivate => plan.summary.add += 1,
            Action::Update => plan.summary.change += 1,
            Action::Delete | Action::Deactivate => plan.summary.destroy += 1,
        }
    }
    let paired = pairs
        .iter()
        .filter(|(desired, remote)| desired.is_some() && remote.is_some_and(|found| !found.deleted))
        .count();
    plan.summary.unchanged = paired - plan.summary.change;
    plan.changes = changes;
    plan
}

/// A desired record and the current record with the same `uniqueId`, either of which may be
/// missing.
type Pair<'a> = (Option<&'a DesiredRecord>, Option<&'a RemoteRecord>);

/// Pairs two lists sorted by `uniqueId`, in id order. Each id is in each list at most once,
/// because the loader removes repeated desired ids and the client rejects repeated current ones.
fn pair_by_id<'a>(desired: &[&'a DesiredRecord], remote: &[&'a RemoteRecord]) -> Vec<Pair<'a>> {
    debug_assert!(desired.windows(2).all(|w| w[0].unique_id < w[1].unique_id));
    debug_assert!(remote.windows(2).all(|w| w[0].unique_id < w[1].unique_id));
    let mut pairs = Vec::with_capacity(desired.len().max(remote.len()));
    let (mut left, mut right) = (desired.iter().peekable(), remote.iter().peekable());
    loop {
        let pair = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => (left.next().copied(), None),
            (None, Some(_)) => (None, right.next().copied()),
            (Some(want), Some(have)) => match want.unique_id.cmp(&have.unique_id) {
                std::cmp::Ordering::Less => (left.next().copied(), None),
                std::cmp::Ordering::Greater => (None, right.next().copied()),
                std::cmp::Ordering::Equal => (left.next().copied(), right.next().copied()),
            },
        };
        pairs.push(pair);
    }
    pairs
}

/// Returns the change that turns the current record into the desired one, or `None` when
/// there is nothing to do.
fn record_change(
    resource: &ResourceInput<'_>,
    sources: &SourceMap,
    desired: Option<&DesiredRecord>,
    remote: Option<&RemoteRecord>,
) -> Option<RecordChange> {
    let schema = resource.schema;
    let Some(desired) = desired else {
        let remote = remote?;
        if remote.deleted {
            return None;
        }
        let action = if resource.base_type.soft_deletes() {
            Action::Deactivate
        } else {
            Action::Delete
        };
        let before = remote.json.normal_value();
        let mut fields = FieldDiff::new(&resource.sensitive, schema);
        fields.walk(&mut Vec::new(), Some(&before), None, Some(schema));
        return Some(RecordChange {
            unique_id: remote.unique_id.clone(),
            action,
            source: None,
            fields: fields.changed,
            unchanged: Vec::new(),
        });
    };
    let action = match remote {
        None => Action::Create,
        Some(remote) if remote.deleted => Action::Reactivate,
        Some(_) => Action::Update,
    };
    // Most records of a large resource are unchanged: equal normal forms are equal records,
    // and only the others are parsed to compare their fields.
    if action == Action::Update
        && remote.map(|remote| remote.json.normal()) == Some(desired.json.normal())
    {
        return None;
    }
    let before = remote.map(|remote| remote.json.normal_value());
    let after = desired.json.normal_value();
    let mut fields = FieldDiff::new(&resource.sensitive, schema);
    fields.walk(&mut Vec::new(), before.as_ref(), Some(&after), Some(schema));
    if action == Action::Update && fields.changed.is_empty() {
        return None;
    }
    Some(RecordChange {
        unique_id: desired.unique_id.clone(),
        action,
        source: Some(SourceLocation {
            file: sources.path(desired.span.file).display().to_string(),
            line: desired.span.line,
        }),
        fields: fields.changed,
        unchanged: fields.unchanged,
    })
}

fn sorted_remote(records: &[RemoteRecord]) -> Vec<&RemoteRecord> {
    let mut order: Vec<&RemoteRecord> = records.iter().collect();
    order.par_sort_unstable_by(|a, b| (&a.unique_id, a.deleted).cmp(&(&b.unique_id, b.deleted)));
    order
}

fn sorted_desired(records: &[DesiredRecord]) -> Vec<&DesiredRecord> {
    let mut order: Vec<&DesiredRecord> = records.iter().collect();
    order.par_sort_unstable_by(|a, b| a.unique_id.cmp(&b.unique_id));
    order
}

/// Digests a resource's current records: one line per record, sorted, of its JSON-quoted
/// `uniqueId`, whether it is soft-deleted, and its normalised canonical JSON. Lines go straight
/// into the hash, so no copy of the whole set is built.
///
/// NOTE: the digests cover values of sensitive fields too, because apply must notice when one
/// changes. A digest does not reveal a value, but a guessable secret (a short PIN) could be
/// confirmed by someone who has every other field of the resource.
pub fn remote_digest(records: &[RemoteRecord]) -> String {
    digest_remote_sorted(&sorted_remote(records))
}

fn digest_remote_sorted(records: &[&RemoteRecord]) -> String {
    let mut hasher = Sha256::new();
    let mut line = String::new();
    for record in records {
        line.clear();
        push_json_string(&mut line, &record.unique_id);
        line.push_str(if record.deleted {
            "\ttrue\t"
        } else {
            "\tfalse\t"
        });
        hasher.update(line.as_bytes());
        hasher.update(record.json.normal().as_bytes());
        hasher.update(b"\n");
    }
    hex_digest(hasher)
}

/// Digests the desired records: one line per record, sorted by `uniqueId`, of its JSON-quoted
/// `uniqueId` and its normalised canonical JSON.
fn digest_desired_sorted(records: &[&DesiredRecord]) -> String {
    let mut hasher = Sha256::new();
    let mut line = String::new();
    for record in records {
        line.clear();
        push_json_string(&mut line, &record.unique_id);
        line.push('\t');
        hasher.update(line.as_bytes());
        hasher.update(record.json.normal().as_bytes());
        hasher.update(b"\n");
    }
    hex_digest(hasher)
}

/// Collects field changes of one record, walking the schema so fields come in schema order.
struct FieldDiff<'a> {
    sensitive: &'a [Vec<String>],
    root: &'a Schema,
    changed: Vec<FieldChange>,
    unchanged: Vec<FieldChange>,
}

impl<'a> FieldDiff<'a> {
    fn new(sensitive: &'a [Vec<String>], root: &'a Schema) -> FieldDiff<'a> {
        FieldDiff {
            sensitive,
            root,
            changed: Vec::new(),
            unchanged: Vec::new(),
        }
    }

    fn walk(
        &mut self,
        path: &mut Vec<String>,
        before: Option<&Value>,
        after: Option<&Value>,
        schema: Option<&Schema>,
    ) {
        let schema = schema.and_then(|schema| self.resolve(schema));
        let both_objects_or_one = matches!(
            (before, after),
            (Some(Value::Object(_)) | None, Some(Value::Object(_)) | None)
        ) && (before.is_some() || after.is_some());
        let descend = both_objects_or_one
            && !self.is_sensitive(path)
            && schema.is_none_or(|schema| {
                matches!(
                    schema.form,
                    Form::Properties { .. } | Form::Values(_) | Form::Empty
                )
            });
        if !descend {
            self.leaf(path, before, after);
            return;
        }
        let empty = serde_json::Map::new();
        let before_members = before.and_then(Value::as_object).unwrap_or(&empty);
        let after_members = after.and_then(Value::as_object).unwrap_or(&empty);
        let members = self.member_order(schema, before_members, after_members);
        if members.is_empty() && before != after && !path.is_empty() {
            // An empty object against an absent one has no member to show the change on.
            self.leaf(path, before, after);
            return;
        }
        for (name, member_schema) in members {
            path.push(name.clone());
            self.walk(
                path,
                before_members.get(&name),
                after_members.get(&name),
                member_schema,
            );
            path.pop();
        }
    }

    fn resolve(&self, schema: &'a Schema) -> Option<&'a Schema> {
        let mut current = schema;
        for _ in 0..32 {
            match &current.form {
                Form::Ref(name) => current = self.root.definitions.get(name)?,
                _ => return Some(current),
            }
        }
        None
    }

    /// Returns member names in schema order (required, then optional), then members the
    /// schema does not list, sorted by name.
    fn member_order(
        &self,
        schema: Option<&'a Schema>,
        before: &serde_json::Map<String, Value>,
        after: &serde_json::Map<String, Value>,
    ) -> Vec<(String, Option<&'a Schema>)> {
        let mut order: Vec<(String, Option<&'a Schema>)> = Vec::new();
        if let Some(Schema {
            form: Form::Properties {
                required, optional, ..
            },
            ..
        }) = schema
        {
            for (name, property) in required.iter().chain(optional) {
                if before.contains_key(name) || after.contains_key(name) {
                    order.push((name.clone(), Some(property)));
                }
            }
        }
        let values_schema = match schema {
            Some(Schema {
                form: Form::Values(inner),
                ..
            }) => Some(inner.as_ref()),
            _ => None,
        };
        let mut extra: Vec<&String> = before
            .keys()
            .chain(after.keys())
            .filter(|name| !order.iter().any(|(known, _)| known == *name))
            .collect();
        extra.sort();
        extra.dedup();
        order.extend(extra.into_iter().map(|name| (name.clone(), values_schema)));
        order
    }

    fn is_sensitive(&self, path: &[String]) -> bool {
        self.sensitive
            .iter()
            .any(|sensitive| path.starts_with(sensitive))
    }

    fn leaf(&mut self, path: &[String], before: Option<&Value>, after: Option<&Value>) {
        // A leaf that contains a sensitive field, such as an array of objects with a secret
        // member, is masked whole, because the walk does not step into it.
        let sensitive = self.is_sensitive(path)
            || self
                .sensitive
                .iter()
                .any(|sensitive| sensitive.starts_with(path));
        let mask = |value: Option<&Value>| {
            value.map(|value| {
                if sensitive {
                    Value::String(SENSITIVE.to_string())
                } else {
                    value.clone()
                }
            })
        };
        let elements = match (before, after) {
            (Some(Value::Array(before)), Some(Value::Array(after))) if !sensitive => {
                element_changes(before, after)
            }
            _ => Vec::new(),
        };
        let change = FieldChange {
            path: path.to_vec(),
            before: mask(before),
            after: mask(after),
            sensitive,
            elements,
        };
        if before == after {
            self.unchanged.push(change);
        } else {
            self.changed.push(change);
        }
    }
}

/// Returns the element-level changes of two arrays, or nothing when the arrays are equal, short,
/// have no element in common, or are too long to compare element by element.
fn element_changes(before: &[Value], after: &[Value]) -> Vec<ElementChange> {
    // The longest common subsequence table costs one cell per pair of elements.
    const MAX_CELLS: usize = 4_000_000;
    if before == after
        || before.len().max(after.len()) < LONG_ARRAY
        || (before.len() + 1) * (after.len() + 1) > MAX_CELLS
    {
        return Vec::new();
    }

    let (rows, columns) = (before.len(), after.len());
    let mut common = vec![0usize; (rows + 1) * (columns + 1)];
    let cell = |row: usize, column: usize| row * (columns + 1) + column;
    for row in (0..rows).rev() {
        for column in (0..columns).rev() {
            common[cell(row, column)] = if before[row] == after[column] {
                common[cell(row + 1, column + 1)] + 1
            } else {
                common[cell(row + 1, column)].max(common[cell(row, column + 1)])
            };
        }
    }
    if common[cell(0, 0)] == 0 {
        return Vec::new();
    }

    let mut changes = Vec::with_capacity(rows.max(columns));
    let (mut row, mut column) = (0, 0);
    while row < rows || column < columns {
        let op = if row < rows && column < columns && before[row] == after[column] {
            ElementOp::Keep
        } else if row < rows
            && (column == columns || common[cell(row + 1, column)] >= common[cell(row, column + 1)])
        {
            // Removals come before additions at the same place, as in a unified diff.
            ElementOp::Remove
        } else {
            ElementOp::Add
        };
        let value = match op {
            ElementOp::Keep => {
                row += 1;
                column += 1;
                before[row - 1].clone()
            }
            ElementOp::Add => {
                column += 1;
                after[column - 1].clone()
            }
            ElementOp::Remove => {
                row += 1;
                before[row - 1].clone()
            }
        };
        changes.push(ElementChange { op, value });
    }
    changes
}

/// Warns about desired emails that differ only in case, from each other or from Vanta's copy:
/// the comparison is exact, so such a pair is two people or a perpetual diff.
fn email_case_warnings(resource: &ResourceInput<'_>, warnings: &mut Vec<String>) {
    let masked = resource
        .sensitive
        .iter()
        .any(|path| path.first().is_some_and(|first| first == "email"));
    let shown = |address: &str| {
        if masked {
            SENSITIVE.to_string()
        } else {
            format!("`{address}`")
        }
    };
    let desired_emails: Vec<Option<Cow<'_, str>>> = resource
        .desired
        .par_iter()
        .map(|record| email_of(record.json.normal()))
        .collect();
    let mut seen: HashMap<Cow<'_, str>, (&str, &str)> =
        HashMap::with_capacity(resource.desired.len());
    for (record, address) in resource.desired.iter().zip(&desired_emails) {
        let Some(address) = address.as_deref() else {
            continue;
        };
        match seen.get(&folded(address)) {
            Some((other_id, other)) if *other != address => warnings.push(format!(
                "{}: emails {} ({other_id}) and {} ({}) differ only in case",
                resource.name,
                shown(other),
                shown(address),
                record.unique_id
            )),
            Some(_) => {}
            None => {
                seen.insert(folded(address), (record.unique_id.as_str(), address));
            }
        }
    }
    let remote: HashMap<&str, &RemoteRecord> = resource
        .remote
        .iter()
        .map(|record| (record.unique_id.as_str(), record))
        .collect();
    for (record, desired) in resource.desired.iter().zip(&desired_emails) {
        let Some(desired) = desired.as_deref() else {
            continue;
        };
        // Equal records have equal emails, so only records that differ are parsed.
        let Some(current) = remote
            .get(record.unique_id.as_str())
            .filter(|remote| remote.json.normal() != record.json.normal())
            .and_then(|remote| email_of(remote.json.normal()))
        else {
            continue;
        };
        if desired != current && folded(desired) == folded(&current) {
            warnings.push(format!(
                "{}[{}]: email {} differs from Vanta's {} only in case; the plan changes it",
                resource.name,
                record.unique_id,
                shown(desired),
                shown(&current)
            ));
        }
    }
}

/// Reads a record's top-level `email` string from its JSON without parsing the other fields.
fn email_of(json: &str) -> Option<Cow<'_, str>> {
    #[derive(Deserialize)]
    struct Email<'a> {
        #[serde(borrow, default)]
        email: Option<Cow<'a, str>>,
    }
    serde_json::from_str::<Email<'_>>(json).ok()?.email
}

/// Returns an address in lowercase. It borrows the address when it is lowercase already,
/// which most are, so a large resource does not allocate a key per record.
fn folded(address: &str) -> Cow<'_, str> {
    if address.chars().any(char::is_uppercase) {
        Cow::Owned(address.to_lowercase())
    } else {
        Cow::Borrowed(address)
    }
}

fn test_impact(
    test: &CustomTest,
    resource: &ResourceInput<'_>,
    before: custom_tests::TestOutcome,
    after: custom_tests::TestOutcome,
) -> TestImpact {
    let ids = |outcome: &custom_tests::TestOutcome| {
        let mut ids: Vec<String> = outcome
            .failing
            .iter()
            .map(|failure| failure.unique_id.clone())
            .collect();
        ids.sort();
        ids
    };
    let failing_before = ids(&before);
    let removed = if resource.managed && !failing_before.is_empty() {
        let desired: std::collections::HashSet<&str> = resource
            .desired
            .iter()
            .map(|record| record.unique_id.as_str())
            .collect();
        failing_before
            .iter()
            .filter(|id| !desired.contains(id.as_str()))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    TestImpact {
        name: test.name.clone(),
        resource: test.resource.clone(),
        failing_before,
        failing_after: ids(&after),
        in_scope_after: after.in_scope,
        removed,
    }
}
