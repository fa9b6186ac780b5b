//! Dotted field paths, such as `customProperties.apiKey`, checked against a record schema.
//!
//! The Workspace's `sensitive` fields and Custom Test rules name record fields by dotted path.
//! A misspelt path matches nothing, which unmasks a secret or makes a test check nothing, so
//! the loader checks each path here and suggests the closest one that exists.

use crate::schema::jtd::{Form, Schema};

/// The longest path [`path_exists`] follows, the same as the YAML nesting limit.
const MAX_PATH_SEGMENTS: usize = crate::inventory::yaml::MAX_DEPTH;

/// The deepest path [`known_paths`] lists, which bounds the walk of recursive schemas.
const MAX_SUGGESTION_DEPTH: usize = 8;

/// Reports whether a record matching `root` can have a value at `segments`. An index segment
/// steps into `elements`, any segment steps into `values` or an empty schema, and `ref`s are
/// followed into the root's `definitions`.
pub fn path_exists(root: &Schema, segments: &[&str]) -> bool {
    // Records nest no deeper than the YAML limit of 64 levels, so a longer path names
    // nothing, and the bound keeps a path through a recursive schema off the stack's end.
    if segments.len() > MAX_PATH_SEGMENTS {
        return false;
    }
    exists_below(root, root, segments)
}

fn exists_below(root: &Schema, schema: &Schema, segments: &[&str]) -> bool {
    let Some((segment, rest)) = segments.split_first() else {
        return true;
    };
    let Some(schema) = schema.resolve_all(root) else {
        return false;
    };
    match &schema.form {
        Form::Empty => true,
        Form::Properties { additional, .. } => match schema.property(segment) {
            Some((member, _)) => exists_below(root, member, rest),
            None => *additional,
        },
        Form::Elements(inner) => {
            segment.parse::<usize>().is_ok() && exists_below(root, inner, rest)
        }
        Form::Values(inner) => exists_below(root, inner, rest),
        Form::Discriminator { tag, mapping } => {
            if segment == tag {
                return rest.is_empty();
            }
            mapping
                .iter()
                .any(|(_, variant)| exists_below(root, variant, segments))
        }
        _ => false,
    }
}

/// Lists the dotted paths of the named members of a record schema, for "did you mean" hints.
/// Arrays and maps are not stepped into, because their segments are indexes and keys.
pub fn known_paths(root: &Schema) -> Vec<String> {
    let mut paths = Vec::new();
    collect_paths(root, root, "", 0, &mut paths);
    paths
}

fn collect_paths(
    root: &Schema,
    schema: &Schema,
    prefix: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth >= MAX_SUGGESTION_DEPTH {
        return;
    }
    let Some(schema) = schema.resolve_all(root) else {
        return;
    };
    let Form::Properties {
        required, optional, ..
    } = &schema.form
    else {
        return;
    };
    for (name, member) in required.iter().chain(optional) {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        out.push(path.clone());
        collect_paths(root, member, &path, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::base::{BaseType, record_schema_json};

    fn servers() -> Schema {
        let custom = json!({ "properties": { "memory": { "type": "int32" } } });
        Schema::from_json(&record_schema_json(BaseType::CustomResource, Some(&custom))).unwrap()
    }

    #[test]
    fn paths_follow_properties_and_elements() {
        let schema = servers();
        assert!(path_exists(&schema, &["customProperties", "memory"]));
        assert!(path_exists(&schema, &["displayName"]));
        assert!(!path_exists(&schema, &["customProperties", "memroy"]));
        assert!(!path_exists(&schema, &["displayName", "x"]));
        let macos =
            Schema::from_json(&record_schema_json(BaseType::MacosUserComputer, None)).unwrap();
        assert!(path_exists(&macos, &["users", "0", "username"]));
        assert!(!path_exists(&macos, &["users", "ada", "username"]));
    }

    #[test]
    fn known_paths_list_nested_members() {
        let paths = known_paths(&servers());
        assert!(
            paths.contains(&"customProperties.memory".to_string()),
            "{paths:?}"
        );
        assert!(paths.contains(&"uniqueId".to_string()), "{paths:?}");
    }
}
