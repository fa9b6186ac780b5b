//! Schema checking: turns a JSON value into a [`Schema`], rejecting what RFC 8927 calls invalid.
//!
//! The checks follow the RFC's CDDL and the constraints of its section 2.2. Each keyword has the
//! right JSON type, keywords of different forms are not mixed, and `definitions` appear only at
//! the root. Every `ref` names a definition, and enums are non-empty and unique. No property is
//! both required and optional. Discriminator mappings contain non-nullable properties forms that
//! do not redefine the tag. Unknown keywords are rejected too. The first problem found is
//! returned.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use super::pointer::{describe_pointer, to_pointer};
use super::schema::{Form, Schema, TypeName};

/// Maximum nesting of schemas inside schemas that [`Schema::from_json`] accepts.
///
/// Parsing, validation and conversion recurse once per level, so the limit keeps a hostile schema
/// from exhausting the stack.
///
/// NOTE: 64 is this module's choice, not a figure from RFC 8927; raise it if a real schema needs
/// more.
pub const MAX_SCHEMA_DEPTH: usize = 64;

/// The keywords that RFC 8927 defines; any other member of a schema object is rejected.
const KEYWORDS: [&str; 13] = [
    "definitions",
    "metadata",
    "nullable",
    "ref",
    "type",
    "enum",
    "elements",
    "properties",
    "optionalProperties",
    "additionalProperties",
    "values",
    "discriminator",
    "mapping",
];

/// An invalid JTD schema: where the problem is and what it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JTD schema at {}: {kind}", describe_pointer(pointer))]
pub struct SchemaError {
    /// The JSON Pointer (RFC 6901) to the offending value inside the schema, `""` for the root.
    pub pointer: String,
    /// The rule that the value breaks.
    pub kind: SchemaErrorKind,
}

/// The rules of RFC 8927 that a schema can break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaErrorKind {
    /// A schema is not a JSON object.
    #[error("a schema must be an object, found {found}")]
    NotAnObject {
        /// The JSON type found instead.
        found: &'static str,
    },
    /// A member name is not a JTD keyword.
    #[error("unknown keyword `{keyword}`")]
    UnknownKeyword {
        /// The member name.
        keyword: String,
    },
    /// A keyword's value has the wrong JSON type.
    #[error("`{keyword}` must be {expected}")]
    WrongKeywordType {
        /// The keyword.
        keyword: &'static str,
        /// The JSON type the value must have, such as "a boolean".
        expected: &'static str,
    },
    /// Keywords of two different forms appear in one schema.
    #[error("`{first}` and `{second}` belong to different forms and cannot be used together")]
    MixedForms {
        /// A keyword of one form.
        first: &'static str,
        /// A keyword of another form.
        second: &'static str,
    },
    /// A keyword appears without the keyword it needs.
    #[error("`{keyword}` requires {requires}")]
    MissingKeyword {
        /// The keyword present.
        keyword: &'static str,
        /// The keyword or keywords it needs, quoted.
        requires: &'static str,
    },
    /// `definitions` appears below the root.
    #[error("`definitions` is allowed only on the root schema")]
    DefinitionsNotAtRoot,
    /// A `ref` names a definition that the root does not have.
    #[error("`ref` names `{name}`, which is not in the root `definitions`")]
    UndefinedRef {
        /// The name in the `ref`.
        name: String,
    },
    /// `type` names no JTD type.
    #[error(
        "unknown type `{name}`, expected one of boolean, string, timestamp, float32, float64, \
         int8, uint8, int16, uint16, int32, uint32"
    )]
    UnknownType {
        /// The name found.
        name: String,
    },
    /// `enum` is an empty array.
    #[error("`enum` must list at least one value")]
    EmptyEnum,
    /// `enum` lists a value twice.
    #[error("`enum` lists `{value}` more than once")]
    DuplicateEnumValue {
        /// The repeated value.
        value: String,
    },
    /// A property is in both `properties` and `optionalProperties`.
    #[error("property `{name}` is in both `properties` and `optionalProperties`")]
    PropertyRequiredAndOptional {
        /// The property name.
        name: String,
    },
    /// A `mapping` value is not of the properties form.
    #[error("a `mapping` value must be a schema of the properties form")]
    MappingNotProperties,
    /// A `mapping` value has `nullable: true`.
    #[error("a `mapping` value must not be nullable")]
    MappingNullable,
    /// A `mapping` value declares the discriminator tag as a property.
    #[error("a `mapping` value must not declare the discriminator tag `{tag}` as a property")]
    MappingRedefinesTag {
        /// The tag name.
        tag: String,
    },
    /// Schemas nest deeper than [`MAX_SCHEMA_DEPTH`].
    #[error("schemas nest more than {MAX_SCHEMA_DEPTH} levels deep")]
    TooDeep,
}

impl Schema {
    /// Checks a JTD schema and compiles it into a [`Schema`].
    ///
    /// # Errors
    ///
    /// Returns a [`SchemaError`] for the first rule of RFC 8927 that the schema breaks, and for
    /// schemas nested deeper than [`MAX_SCHEMA_DEPTH`].
    pub fn from_json(json: &Value) -> Result<Schema, SchemaError> {
        let mut parser = Parser {
            path: Vec::new(),
            definition_names: HashSet::new(),
        };
        // Names are collected first because any schema, including a definition, may refer to
        // any definition, even one defined later in the document.
        if let Some(Value::Object(definitions)) = json.get("definitions") {
            parser.definition_names = definitions.keys().cloned().collect();
        }
        parser.parse(json, true, 0)
    }
}

/// Schema-checking state: the path to the current value and the root's definition names.
struct Parser {
    path: Vec<String>,
    definition_names: HashSet<String>,
}

/// The forms, each with its keywords, used to detect mixed forms.
const FORM_KEYWORDS: [&[&str]; 7] = [
    &["ref"],
    &["type"],
    &["enum"],
    &["elements"],
    &["properties", "optionalProperties", "additionalProperties"],
    &["values"],
    &["discriminator", "mapping"],
];

impl Parser {
    fn error(&self, kind: SchemaErrorKind) -> SchemaError {
        SchemaError {
            pointer: to_pointer(&self.path),
            kind,
        }
    }

    /// Returns an error located at member `key` of the current value.
    fn error_at(&mut self, key: &str, kind: SchemaErrorKind) -> SchemaError {
        self.path.push(key.to_owned());
        let error = self.error(kind);
        self.path.pop();
        error
    }

    fn parse(&mut self, json: &Value, is_root: bool, depth: usize) -> Result<Schema, SchemaError> {
        if depth > MAX_SCHEMA_DEPTH {
            return Err(self.error(SchemaErrorKind::TooDeep));
        }
        let Value::Object(object) = json else {
            return Err(self.error(SchemaErrorKind::NotAnObject {
                found: json_type(json),
            }));
        };
        if let Some(keyword) = object
            .keys()
            .find(|keyword| !KEYWORDS.contains(&keyword.as_str()))
        {
            return Err(self.error_at(
                keyword,
                SchemaErrorKind::UnknownKeyword {
                    keyword: keyword.clone(),
                },
            ));
        }

        let nullable = match object.get("nullable") {
            None => false,
            Some(Value::Bool(nullable)) => *nullable,
            Some(_) => return Err(self.wrong_type("nullable", "a boolean")),
        };
        let metadata = match object.get("metadata") {
            None => None,
            Some(Value::Object(metadata)) => Some(metadata.clone()),
            Some(_) => return Err(self.wrong_type("metadata", "an object")),
        };
        let definitions = match object.get("definitions") {
            None => BTreeMap::new(),
            Some(_) if !is_root => {
                return Err(self.error_at("definitions", SchemaErrorKind::DefinitionsNotAtRoot));
            }
            Some(Value::Object(definitions)) => self.parse_definitions(definitions, depth)?,
            Some(_) => return Err(self.wrong_type("definitions", "an object")),
        };
        let form = self.parse_form(object, depth)?;
        Ok(Schema {
            form,
            nullable,
            metadata,
            definitions,
        })
    }

    fn parse_definitions(
        &mut self,
        definitions: &Map<String, Value>,
        depth: usize,
    ) -> Result<BTreeMap<String, Schema>, SchemaError> {
        let mut parsed = BTreeMap::new();
        self.path.push("definitions".to_owned());
        for (name, definition) in definitions {
            self.path.push(name.clone());
            let schema = self.parse(definition, false, depth + 1)?;
            self.path.pop();
            parsed.insert(name.clone(), schema);
        }
        self.path.pop();
        Ok(parsed)
    }

    fn wrong_type(&mut self, keyword: &'static str, expected: &'static str) -> SchemaError {
        self.error_at(
            keyword,
            SchemaErrorKind::WrongKeywordType { keyword, expected },
        )
    }

    /// Returns the keywords of the form that `object` uses, after checking that it uses one.
    fn form_keywords(
        &self,
        object: &Map<String, Value>,
    ) -> Result<&'static [&'static str], SchemaError> {
        let mut found: Option<(&'static [&'static str], &'static str)> = None;
        for keywords in FORM_KEYWORDS {
            let Some(present) = keywords
                .iter()
                .find(|keyword| object.contains_key(**keyword))
            else {
                continue;
            };
            if let Some((_, first)) = found {
                return Err(self.error(SchemaErrorKind::MixedForms {
                    first,
                    second: present,
                }));
            }
            found = Some((keywords, present));
        }
        Ok(found.map_or(&[], |(keywords, _)| keywords))
    }

    fn parse_form(
        &mut self,
        object: &Map<String, Value>,
        depth: usize,
    ) -> Result<Form, SchemaError> {
        let keywords = self.form_keywords(object)?;
        match keywords.first().copied() {
            None => Ok(Form::Empty),
            Some("ref") => self.parse_ref(object),
            Some("type") => self.parse_type(object),
            Some("enum") => self.parse_enum(object),
            Some("elements") => {
                let schema = self.parse_member(object, "elements", depth)?;
                Ok(Form::Elements(Box::new(schema)))
            }
            Some("properties") => self.parse_properties(object, depth),
            Some("values") => {
                let schema = self.parse_member(object, "values", depth)?;
                Ok(Form::Values(Box::new(schema)))
            }
            Some(_) => self.parse_discriminator(object, depth),
        }
    }

    /// Parses the subschema in member `keyword` of `object`.
    fn parse_member(
        &mut self,
        object: &Map<String, Value>,
        keyword: &'static str,
        depth: usize,
    ) -> Result<Schema, SchemaError> {
        let Some(json) = object.get(keyword) else {
            return Ok(Schema::default());
        };
        if !json.is_object() {
            return Err(self.wrong_type(keyword, "an object"));
        }
        self.path.push(keyword.to_owned());
        let schema = self.parse(json, false, depth + 1)?;
        self.path.pop();
        Ok(schema)
    }

    fn parse_ref(&mut self, object: &Map<String, Value>) -> Result<Form, SchemaError> {
        let Some(Value::String(name)) = object.get("ref") else {
            return Err(self.wrong_type("ref", "a string"));
        };
        if !self.definition_names.contains(name) {
            let kind = SchemaErrorKind::UndefinedRef { name: name.clone() };
            return Err(self.error_at("ref", kind));
        }
        Ok(Form::Ref(name.clone()))
    }

    fn parse_type(&mut self, object: &Map<String, Value>) -> Result<Form, SchemaError> {
        let Some(Value::String(name)) = object.get("type") else {
            return Err(self.wrong_type("type", "a string"));
        };
        match TypeName::from_name(name) {
            Some(type_name) => Ok(Form::Type(type_name)),
            None => {
                let kind = SchemaErrorKind::UnknownType { name: name.clone() };
                Err(self.error_at("type", kind))
            }
        }
    }

    fn parse_enum(&mut self, object: &Map<String, Value>) -> Result<Form, SchemaError> {
        let Some(Value::Array(items)) = object.get("enum") else {
            return Err(self.wrong_type("enum", "an array of strings"));
        };
        if items.is_empty() {
            return Err(self.error_at("enum", SchemaErrorKind::EmptyEnum));
        }
        let mut values: Vec<String> = Vec::with_capacity(items.len());
        let mut seen = HashSet::with_capacity(items.len());
        self.path.push("enum".to_owned());
        for (index, item) in items.iter().enumerate() {
            let Value::String(value) = item else {
                let kind = SchemaErrorKind::WrongKeywordType {
                    keyword: "enum",
                    expected: "an array of strings",
                };
                return Err(self.error_at(&index.to_string(), kind));
            };
            if !seen.insert(value.as_str()) {
                let kind = SchemaErrorKind::DuplicateEnumValue {
                    value: value.clone(),
                };
                return Err(self.error_at(&index.to_string(), kind));
            }
            values.push(value.clone());
        }
        self.path.pop();
        Ok(Form::Enum(values))
    }

    fn parse_properties(
        &mut self,
        object: &Map<String, Value>,
        depth: usize,
    ) -> Result<Form, SchemaError> {
        let has_properties_keyword = object.contains_key("properties");
        if !has_properties_keyword && !object.contains_key("optionalProperties") {
            return Err(self.error(SchemaErrorKind::MissingKeyword {
                keyword: "additionalProperties",
                requires: "`properties` or `optionalProperties`",
            }));
        }
        let required = self.parse_property_list(object, "properties", depth)?;
        let optional = self.parse_property_list(object, "optionalProperties", depth)?;
        if let Some((name, _)) = optional
            .iter()
            .find(|(name, _)| required.iter().any(|(other, _)| other == name))
        {
            self.path.push("optionalProperties".to_owned());
            let kind = SchemaErrorKind::PropertyRequiredAndOptional { name: name.clone() };
            let error = self.error_at(name, kind);
            self.path.pop();
            return Err(error);
        }
        let additional = match object.get("additionalProperties") {
            None => false,
            Some(Value::Bool(additional)) => *additional,
            Some(_) => return Err(self.wrong_type("additionalProperties", "a boolean")),
        };
        Ok(Form::Properties {
            required,
            optional,
            additional,
            has_properties_keyword,
        })
    }

    fn parse_property_list(
        &mut self,
        object: &Map<String, Value>,
        keyword: &'static str,
        depth: usize,
    ) -> Result<Vec<(String, Schema)>, SchemaError> {
        let members = match object.get(keyword) {
            None => return Ok(Vec::new()),
            Some(Value::Object(members)) => members,
            Some(_) => return Err(self.wrong_type(keyword, "an object")),
        };
        self.path.push(keyword.to_owned());
        let mut list = Vec::with_capacity(members.len());
        for (name, json) in members {
            self.path.push(name.clone());
            list.push((name.clone(), self.parse(json, false, depth + 1)?));
            self.path.pop();
        }
        self.path.pop();
        Ok(list)
    }

    fn parse_discriminator(
        &mut self,
        object: &Map<String, Value>,
        depth: usize,
    ) -> Result<Form, SchemaError> {
        let (tag, mapping) = match (object.get("discriminator"), object.get("mapping")) {
            (Some(tag), Some(mapping)) => (tag, mapping),
            (Some(_), None) => {
                return Err(self.error(SchemaErrorKind::MissingKeyword {
                    keyword: "discriminator",
                    requires: "`mapping`",
                }));
            }
            _ => {
                return Err(self.error(SchemaErrorKind::MissingKeyword {
                    keyword: "mapping",
                    requires: "`discriminator`",
                }));
            }
        };
        let Value::String(tag) = tag else {
            return Err(self.wrong_type("discriminator", "a string"));
        };
        let Value::Object(mapping) = mapping else {
            return Err(self.wrong_type("mapping", "an object"));
        };
        self.path.push("mapping".to_owned());
        let mut variants = Vec::with_capacity(mapping.len());
        for (value, json) in mapping {
            self.path.push(value.clone());
            let variant = self.parse(json, false, depth + 1)?;
            self.check_mapping_variant(&variant, tag)?;
            self.path.pop();
            variants.push((value.clone(), variant));
        }
        self.path.pop();
        Ok(Form::Discriminator {
            tag: tag.clone(),
            mapping: variants,
        })
    }

    /// Checks the rules that a `mapping` value obeys beyond being a valid schema.
    fn check_mapping_variant(&mut self, variant: &Schema, tag: &str) -> Result<(), SchemaError> {
        let Form::Properties {
            required, optional, ..
        } = &variant.form
        else {
            return Err(self.error(SchemaErrorKind::MappingNotProperties));
        };
        if variant.nullable {
            return Err(self.error_at("nullable", SchemaErrorKind::MappingNullable));
        }
        for (keyword, list) in [("properties", required), ("optionalProperties", optional)] {
            if list.iter().any(|(name, _)| name == tag) {
                self.path.push(keyword.to_owned());
                let kind = SchemaErrorKind::MappingRedefinesTag {
                    tag: tag.to_owned(),
                };
                let error = self.error_at(tag, kind);
                self.path.pop();
                return Err(error);
            }
        }
        Ok(())
    }
}

/// Returns the JSON type name of a value, for messages.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn reject(json: Value) -> SchemaError {
        match Schema::from_json(&json) {
            Ok(schema) => panic!("schema {json} was accepted as {schema:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn error_points_at_nested_keyword() {
        let error = reject(json!({"properties": {"a/b": {"type": "int64"}}}));
        assert_eq!(error.pointer, "/properties/a~1b/type");
        assert_eq!(
            error.kind,
            SchemaErrorKind::UnknownType {
                name: "int64".into()
            }
        );
    }

    #[test]
    fn root_error_message_names_root() {
        let error = reject(json!([]));
        assert_eq!(
            error.to_string(),
            "invalid JTD schema at the root: a schema must be an object, found an array"
        );
    }

    #[test]
    fn error_points_at_duplicate_enum_value() {
        let error = reject(json!({"enum": ["a", "b", "a"]}));
        assert_eq!(error.pointer, "/enum/2");
    }

    #[test]
    fn metadata_must_be_object() {
        let error = reject(json!({"metadata": "text"}));
        assert_eq!(error.pointer, "/metadata");
    }

    #[test]
    fn mixed_forms_name_both_keywords() {
        let error = reject(json!({"type": "string", "elements": {}}));
        let message = error.to_string();
        assert!(message.contains("`type`"), "{message}");
        assert!(message.contains("`elements`"), "{message}");
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let mut json = json!({});
        for _ in 0..=MAX_SCHEMA_DEPTH {
            json = json!({ "elements": json });
        }
        assert_eq!(reject(json).kind, SchemaErrorKind::TooDeep);
    }

    #[test]
    fn nesting_at_limit_is_accepted() {
        let mut json = json!({});
        for _ in 0..MAX_SCHEMA_DEPTH {
            json = json!({ "elements": json });
        }
        assert!(Schema::from_json(&json).is_ok());
    }

    #[test]
    fn definitions_may_refer_to_later_ones() {
        let json = json!({
            "definitions": {"a": {"ref": "b"}, "b": {"type": "string"}},
            "ref": "a"
        });
        assert!(Schema::from_json(&json).is_ok());
    }

    #[test]
    fn properties_keep_document_order() {
        let json = json!({"properties": {"z": {}, "a": {}, "m": {}}});
        let Ok(Schema {
            form: Form::Properties { required, .. },
            ..
        }) = Schema::from_json(&json)
        else {
            panic!("schema was rejected or has another form");
        };
        let names: Vec<&str> = required.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["z", "a", "m"]);
    }
}
