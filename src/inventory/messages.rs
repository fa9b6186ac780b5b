//! Turning JTD validation errors into diagnostics that a person can act on.
//!
//! The validator reports RFC 8927 error indicators (an instance path and a schema path). Here
//! each one becomes a message that names the field, quotes the value as written in YAML, states
//! what was expected, and points at the value's line and column.

use crate::diagnostics::Diagnostic;
use crate::inventory::document::did_you_mean;
use crate::inventory::yaml::{Node, Value};
use crate::schema::jtd::{ErrorKind, Form, Schema, TypeName, ValidationError};

/// Builds the diagnostic of one validation error of a record.
pub fn jtd_diagnostic(record: &Node, schema: &Schema, error: &ValidationError) -> Diagnostic {
    let path = &error.instance_path;
    let field = display_path(path);
    let value = record.pointer(path);
    let value_span = value.map(|node| node.span).or(Some(record.span));
    match &error.kind {
        ErrorKind::Type { expected } => {
            let found = value
                .map(Node::describe)
                .unwrap_or_else(|| "nothing".to_string());
            let message = format!(
                "invalid value for `{field}`: expected {}, found {found}",
                type_phrase(*expected)
            );
            let diagnostic = Diagnostic::error(message, value_span);
            match type_help(*expected, value) {
                Some(help) => diagnostic.with_help(help),
                None => diagnostic,
            }
        }
        ErrorKind::Enum { allowed } => {
            let found = value.map(Node::describe).unwrap_or_default();
            let message = format!(
                "invalid value for `{field}`: expected one of {}, found {found}",
                allowed.join(", ")
            );
            let diagnostic = Diagnostic::error(message, value_span);
            let text = match value.map(|node| &node.value) {
                Some(Value::String(text)) => text.as_str(),
                _ => "",
            };
            match did_you_mean(text, allowed.iter().map(String::as_str)) {
                Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                None => diagnostic,
            }
        }
        ErrorKind::NotArray => Diagnostic::error(
            format!(
                "invalid value for `{field}`: expected a sequence, found {}",
                describe(value)
            ),
            value_span,
        ),
        ErrorKind::NotObject if field.is_empty() => Diagnostic::error(
            format!(
                "invalid record: expected a mapping, found {}",
                describe(value)
            ),
            value_span,
        )
        .with_help("write each record as a mapping of fields, such as `- uniqueId: ...`"),
        ErrorKind::NotObject => Diagnostic::error(
            format!(
                "invalid value for `{field}`: expected a mapping, found {}",
                describe(value)
            ),
            value_span,
        ),
        ErrorKind::MissingProperty { name } => {
            let full = join(&field, name);
            Diagnostic::error(format!("missing required field `{full}`"), value_span)
                .with_label("in this record")
        }
        ErrorKind::AdditionalProperty { name } => {
            // The instance path of an additional property ends with the property itself.
            let span = record.key_span_at(path).or(value_span);
            let diagnostic = Diagnostic::error(format!("unknown field `{field}`"), span);
            let known = known_properties(schema, &error.schema_path);
            if name == "customProperties" && path.len() == 1 {
                return diagnostic.with_help(
                    "this resource declares no custom properties; add `customProperties` to its Resource document, or remove them here",
                );
            }
            match did_you_mean(name, known.iter().map(String::as_str)) {
                Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                None if !known.is_empty() => {
                    diagnostic.with_help(format!("expected one of `{}`", known.join("`, `")))
                }
                None => diagnostic,
            }
        }
        other => Diagnostic::error(format!("invalid value for `{field}`: {other}"), value_span),
    }
}

fn describe(value: Option<&Node>) -> String {
    value
        .map(Node::describe)
        .unwrap_or_else(|| "nothing".to_string())
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// Writes an instance path as a field path: `applications[2].name`.
pub fn display_path(tokens: &[String]) -> String {
    let mut text = String::new();
    for token in tokens {
        if token.parse::<usize>().is_ok() {
            text.push_str(&format!("[{token}]"));
        } else {
            if !text.is_empty() {
                text.push('.');
            }
            text.push_str(token);
        }
    }
    text
}

fn type_phrase(expected: TypeName) -> String {
    match expected {
        TypeName::Boolean => "a boolean".to_string(),
        TypeName::String => "a string".to_string(),
        TypeName::Timestamp => "an RFC 3339 timestamp such as `2026-05-05T00:00:00Z`".to_string(),
        TypeName::Float32 | TypeName::Float64 => "a number".to_string(),
        integer => match integer.integer_range() {
            Some((min, max)) => format!("an integer ({integer}, {min} to {max})"),
            None => format!("{integer}"),
        },
    }
}

fn type_help(expected: TypeName, value: Option<&Node>) -> Option<String> {
    let value = value?;
    match (expected, &value.value) {
        (TypeName::Boolean, Value::String(text)) => Some(format!(
            "YAML 1.2 reads only `true` and `false` as booleans, so `{text}` is text; write true or false"
        )),
        (TypeName::String, Value::Number(text)) => {
            Some(format!("quote the value to keep it as text: \"{text}\""))
        }
        (TypeName::String, Value::Bool(flag)) => {
            Some(format!("quote the value to keep it as text: \"{flag}\""))
        }
        (TypeName::Timestamp, Value::String(text)) if !text.contains('T') => Some(
            "a timestamp needs a date, a time and an offset, such as `2026-05-05T00:00:00Z`"
                .to_string(),
        ),
        (TypeName::Timestamp, _) | (TypeName::Boolean, _) => None,
        (_, Value::String(text)) if expected.integer_range().is_some() => Some(format!(
            "write the number without quotes, underscores or a sign prefix, such as {}",
            text.replace('_', "").trim_matches('"')
        )),
        _ => None,
    }
}

/// Returns the property names of the properties-form schema at a schema path.
fn known_properties(root: &Schema, schema_path: &[String]) -> Vec<String> {
    let Some(schema) = schema_at(root, schema_path) else {
        return Vec::new();
    };
    match &schema.form {
        Form::Properties {
            required, optional, ..
        } => required
            .iter()
            .chain(optional)
            .map(|(name, _)| name.clone())
            .collect(),
        _ => Vec::new(),
    }
}

/// Follows a schema path (RFC 8927 schema pointer tokens) from the root.
fn schema_at<'a>(root: &'a Schema, tokens: &[String]) -> Option<&'a Schema> {
    let mut schema = root;
    let mut index = 0;
    while index < tokens.len() {
        let token = tokens[index].as_str();
        schema = match (token, &schema.form) {
            ("definitions", _) => {
                index += 1;
                root.definitions.get(tokens.get(index)?)?
            }
            ("properties", Form::Properties { required, .. }) => {
                index += 1;
                let name = tokens.get(index)?;
                &required.iter().find(|(key, _)| key == name)?.1
            }
            ("optionalProperties", Form::Properties { optional, .. }) => {
                index += 1;
                let name = tokens.get(index)?;
                &optional.iter().find(|(key, _)| key == name)?.1
            }
            ("elements", Form::Elements(inner)) | ("values", Form::Values(inner)) => inner,
            ("mapping", Form::Discriminator { mapping, .. }) => {
                index += 1;
                let name = tokens.get(index)?;
                &mapping.iter().find(|(key, _)| key == name)?.1
            }
            _ => return None,
        };
        index += 1;
    }
    Some(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_fields() {
        let tokens: Vec<String> = ["applications", "2", "name"].map(String::from).to_vec();
        assert_eq!(display_path(&tokens), "applications[2].name");
        assert_eq!(display_path(&[]), "");
    }
}
