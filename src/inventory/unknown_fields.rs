//! Every unknown field of a `Workspace` or `Resource` document, in one run.
//!
//! Serde stops at the first problem of a document. [`decode_all`] walks the YAML against the
//! JSON Schema that schemars generates for the document's type, reports each key the schema
//! does not allow, and decodes the rest so that a value of the wrong type is reported too.

use schemars::JsonSchema;

use crate::diagnostics::Diagnostic;
use crate::inventory::document::{decode, did_you_mean};
use crate::inventory::yaml::{Node, Value};

/// Decodes a document like [`decode`], but first reports every unknown field at any depth,
/// found with `T`'s JSON Schema, and leaves them out so that serde goes on to report a value
/// of the wrong type. Serde still stops at the first such value.
pub fn decode_all<T>(node: &Node) -> Result<T, Vec<Diagnostic>>
where
    T: serde::de::DeserializeOwned + JsonSchema,
{
    let schema = schemars::schema_for!(T).to_value();
    let definitions = schema.get("$defs").cloned().unwrap_or_default();
    let mut unknown = Vec::new();
    let mut path = Vec::new();
    find_unknown_fields(node, &schema, &definitions, &mut path, &mut unknown);
    let header = ["apiVersion", "kind"];
    unknown.retain(|tokens| !(tokens.len() == 1 && header.contains(&tokens[0].as_str())));
    if unknown.is_empty() {
        return decode(node).map_err(|diagnostic| vec![diagnostic]);
    }
    let mut diagnostics: Vec<Diagnostic> = unknown
        .iter()
        .map(|tokens| unknown_field_diagnostic(node, &schema, &definitions, tokens))
        .collect();
    let mut pruned = node.clone();
    for tokens in &unknown {
        remove_entry(&mut pruned, tokens);
    }
    if let Err(diagnostic) = decode::<T>(&pruned) {
        // A misspelt required field also reads as missing, which its hint already explains.
        let explained = diagnostics.iter().any(|unknown| {
            let suggestion = unknown
                .help
                .as_deref()
                .and_then(|help| help.strip_prefix("did you mean `")?.strip_suffix("`?"));
            suggestion.is_some_and(|name| {
                diagnostic.message == format!("missing required field `{name}`")
            })
        });
        if !explained {
            diagnostics.push(diagnostic);
        }
    }
    Err(diagnostics)
}

/// Collects the paths of mapping keys that `schema` does not allow, following `$ref`s and the
/// `anyOf` that describes an `Option`.
fn find_unknown_fields(
    node: &Node,
    schema: &serde_json::Value,
    definitions: &serde_json::Value,
    path: &mut Vec<String>,
    unknown: &mut Vec<Vec<String>>,
) {
    let Some(schema) = object_schema(schema, definitions) else {
        return;
    };
    match &node.value {
        Value::Mapping(entries) => {
            let Some(properties) = schema.get("properties").and_then(|p| p.as_object()) else {
                return;
            };
            let closed =
                schema.get("additionalProperties") == Some(&serde_json::Value::Bool(false));
            for entry in entries {
                path.push(entry.key.clone());
                match properties.get(&entry.key) {
                    Some(member) => {
                        find_unknown_fields(&entry.value, member, definitions, path, unknown)
                    }
                    None if closed => unknown.push(path.clone()),
                    None => {}
                }
                path.pop();
            }
        }
        Value::Sequence(items) => {
            let Some(item_schema) = schema.get("items") else {
                return;
            };
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                find_unknown_fields(item, item_schema, definitions, path, unknown);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Follows `$ref`s and an `anyOf` with one non-null member to the schema that describes a
/// mapping or a sequence. Returns `None` for anything else.
fn object_schema<'a>(
    schema: &'a serde_json::Value,
    definitions: &'a serde_json::Value,
) -> Option<&'a serde_json::Value> {
    let mut schema = schema;
    // Generated schemas need two steps at most (an `Option`'s `anyOf`, then its `$ref`), and
    // the bound stops a cycle of `$ref`s.
    for _ in 0..4 {
        if let Some(reference) = schema.get("$ref").and_then(|r| r.as_str()) {
            schema = definitions.get(reference.strip_prefix("#/$defs/")?)?;
        } else if let Some(choices) = schema.get("anyOf").and_then(|c| c.as_array()) {
            let mut members = choices
                .iter()
                .filter(|choice| choice.get("type") != Some(&serde_json::json!("null")));
            schema = members.next()?;
            if members.next().is_some() {
                return None;
            }
        } else {
            return Some(schema);
        }
    }
    None
}

/// Builds the diagnostic of an unknown field, with the closest allowed name as a hint.
fn unknown_field_diagnostic(
    node: &Node,
    root: &serde_json::Value,
    definitions: &serde_json::Value,
    tokens: &[String],
) -> Diagnostic {
    let field = crate::inventory::messages::display_path(tokens);
    let span = node.key_span_at(tokens).or(Some(node.span));
    let diagnostic = Diagnostic::error(format!("unknown field `{field}`"), span);
    let (name, parent_tokens) = tokens.split_last().expect("an unknown field has a name");
    let mut parent = object_schema(root, definitions);
    for token in parent_tokens {
        parent = parent.and_then(|schema| {
            let next = schema
                .get("properties")
                .and_then(|p| p.get(token))
                .or_else(|| schema.get("items"))?;
            object_schema(next, definitions)
        });
    }
    let mut known: Vec<&str> = parent
        .and_then(|schema| schema.get("properties"))
        .and_then(|p| p.as_object())
        .map(|properties| properties.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if parent_tokens.is_empty() {
        known.retain(|key| !["apiVersion", "kind"].contains(key));
    }
    match did_you_mean(name, known.iter().copied()) {
        Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
        None if !known.is_empty() => {
            diagnostic.with_help(format!("expected one of `{}`", known.join("`, `")))
        }
        None => diagnostic,
    }
}

/// Removes the mapping entry at `tokens` from a node.
fn remove_entry(node: &mut Node, tokens: &[String]) {
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    let mut current = node;
    for token in parents {
        current = match &mut current.value {
            Value::Mapping(entries) => match entries.iter_mut().find(|entry| &entry.key == token) {
                Some(entry) => &mut entry.value,
                None => return,
            },
            Value::Sequence(items) => {
                match token.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(item) => item,
                    None => return,
                }
            }
            _ => return,
        };
    }
    if let Value::Mapping(entries) = &mut current.value {
        entries.retain(|entry| &entry.key != last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostics, FileId};
    use crate::inventory::document::{Resource, Workspace};
    use crate::inventory::yaml;

    fn node(text: &str) -> Node {
        let mut diagnostics = Diagnostics::default();
        let mut documents = yaml::parse(text, FileId(0), &mut diagnostics);
        documents.remove(0).root.unwrap()
    }

    #[test]
    fn nested_unknown_fields_all_reported() {
        let workspace = node(
            "apiVersion: vanta-gitops/v1\nkind: Workspace\nregoin: us\npolicy:\n  maxDestroy: { count: 1, percnt: 5 }\nprotected:\n  - { resource: a, uniqueIDs: [x] }\n",
        );
        let problems = decode_all::<Workspace>(&workspace).unwrap_err();
        let reported: Vec<(&str, Option<&str>, u32)> = problems
            .iter()
            .map(|problem| {
                (
                    problem.message.as_str(),
                    problem.help.as_deref(),
                    problem.span.unwrap().line,
                )
            })
            .collect();
        assert_eq!(
            reported,
            [
                ("unknown field `regoin`", Some("did you mean `region`?"), 3),
                (
                    "unknown field `policy.maxDestroy.percnt`",
                    Some("did you mean `percent`?"),
                    5
                ),
                (
                    "unknown field `protected[0].uniqueIDs`",
                    Some("did you mean `uniqueIds`?"),
                    7
                ),
            ]
        );
    }

    #[test]
    fn wrong_value_reported_after_unknown_field() {
        let resource = node(
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: a\nbaseType: Secret\nresourceId: r\ndescripton: x\nallowEmpty: 1\n",
        );
        let problems = decode_all::<Resource>(&resource).unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown field `descripton`",
                "invalid value for `allowEmpty`: expected a boolean, found number `1`"
            ]
        );
    }
}
