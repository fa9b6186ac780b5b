//! Validation of an [`Instance`] against a [`Schema`], with the error indicators of RFC 8927.
//!
//! Each error carries the RFC's pair of paths: the reference tokens of the rejected value in the
//! instance and of the schema keyword that rejected it. Following a `ref` restarts the schema
//! path at `definitions/<name>`, as the RFC specifies. The order of errors follows the schema and
//! then the instance, but callers should not rely on it; the RFC leaves it open.

use std::collections::HashSet;
use std::fmt;

use super::instance::Instance;
use super::pointer::{describe_pointer, to_pointer};
use super::schema::{Form, Schema, TypeName};
use super::timestamp::is_timestamp;

/// The `max_depth` of [`ValidationOptions::default`]: how many `ref`s may be followed at once.
///
/// It lets a recursive schema with one `ref` per level describe instances 64 levels deep, and
/// inventory records are far shallower. Callers should keep a limit for schemas they do not
/// control, because a chain of `ref`s costs stack until [`MAX_NESTING`] stops it.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// The maximum number of schemas evaluated one inside another during one validation: each
/// `ref`, element, property, value and mapping variant counts one level.
///
/// Validation recurses once per level, so this bound keeps the stack small whatever the schema
/// and instance: a unit test runs the deepest validation on a 1 MiB stack in a debug build.
/// Exceeding it raises [`MaxDepthExceeded`]. It allows a recursive schema with one `ref` per
/// level to describe instances 128 levels deep, the default nesting limit of `serde_json` 1.0's
/// parser.
pub const MAX_NESTING: usize = 256;

/// Limits for one validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidationOptions {
    /// The maximum number of `ref`s being followed at once; exceeding it stops validation with
    /// [`MaxDepthExceeded`]. `None` sets no limit of its own, but validation still ends: a `ref`
    /// cycle that never moves into a child of the instance, and nesting beyond
    /// [`MAX_NESTING`], also raise [`MaxDepthExceeded`].
    pub max_depth: Option<usize>,
    /// The number of errors after which validation stops and returns them; `None` collects all.
    /// `Some(0)` stops at the first error, like `Some(1)`, so that an empty result always
    /// means a valid instance.
    pub max_errors: Option<usize>,
}

impl Default for ValidationOptions {
    /// Returns options with `max_depth` at [`DEFAULT_MAX_DEPTH`] and no error limit.
    fn default() -> Self {
        ValidationOptions {
            max_depth: Some(DEFAULT_MAX_DEPTH),
            max_errors: None,
        }
    }
}

/// Validation stopped because following `ref`s went deeper than
/// [`ValidationOptions::max_depth`] or into a cycle that would never end, or because schemas
/// nested more than [`MAX_NESTING`] levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "JTD validation exceeded the maximum depth: the instance nests too deep for a recursive \
     schema, or the schema refers to itself without consuming the instance"
)]
pub struct MaxDepthExceeded;

/// One error indicator of RFC 8927, with what a message needs to explain it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at {}", describe_pointer(&self.instance_pointer()))]
pub struct ValidationError {
    /// Reference tokens from the instance root to the rejected value.
    pub instance_path: Vec<String>,
    /// Reference tokens from the schema root (or from `definitions/<name>` after a `ref`) to the
    /// keyword or schema that rejected the value.
    pub schema_path: Vec<String>,
    /// The reason the value was rejected.
    pub kind: ErrorKind,
}

impl ValidationError {
    /// Returns the instance path as a JSON Pointer, such as `/users/0/email`.
    pub fn instance_pointer(&self) -> String {
        to_pointer(&self.instance_path)
    }

    /// Returns the schema path as a JSON Pointer, such as `/properties/email/type`.
    pub fn schema_pointer(&self) -> String {
        to_pointer(&self.schema_path)
    }
}

/// The reasons a value fails a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The value is not of the `type`: wrong JSON type, a non-integral or out-of-range number
    /// for an integer type, or a string that is not an RFC 3339 timestamp.
    Type {
        /// The type the schema requires.
        expected: TypeName,
    },
    /// The value is not one of the `enum` strings.
    Enum {
        /// The strings the schema allows, in schema order.
        allowed: Vec<String>,
    },
    /// The `elements` form needs an array.
    NotArray,
    /// The properties, `values` or discriminator form needs an object.
    NotObject,
    /// A member of `properties` is absent.
    MissingProperty {
        /// The property name.
        name: String,
    },
    /// A member that the properties form does not list, with `additionalProperties` unset.
    AdditionalProperty {
        /// The member name.
        name: String,
    },
    /// The object has no discriminator tag member.
    DiscriminatorTagMissing {
        /// The tag name.
        tag: String,
    },
    /// The discriminator tag member is not a string.
    DiscriminatorTagNotString {
        /// The tag name.
        tag: String,
    },
    /// The discriminator tag value is not a key of `mapping`.
    DiscriminatorValueUnknown {
        /// The tag name.
        tag: String,
        /// The value found.
        value: String,
        /// The mapping keys, in schema order.
        allowed: Vec<String>,
    },
    /// A `ref` names a missing definition. [`Schema::from_json`] rejects such schemas, so this
    /// arises only from a schema built or edited by hand.
    UndefinedRef {
        /// The name in the `ref`.
        name: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Type { expected } => match expected {
                TypeName::Timestamp => write!(formatter, "expected an RFC 3339 timestamp"),
                TypeName::Float32 | TypeName::Float64 => write!(formatter, "expected a number"),
                TypeName::Boolean | TypeName::String => {
                    write!(formatter, "expected a {expected}")
                }
                integer => match integer.integer_range() {
                    Some((min, max)) => write!(
                        formatter,
                        "expected an integer from {min} to {max} ({integer})"
                    ),
                    None => write!(formatter, "expected a value of type {integer}"),
                },
            },
            ErrorKind::Enum { allowed } => {
                write!(formatter, "expected one of {}", quote_list(allowed))
            }
            ErrorKind::NotArray => write!(formatter, "expected an array"),
            ErrorKind::NotObject => write!(formatter, "expected an object"),
            ErrorKind::MissingProperty { name } => {
                write!(formatter, "missing required property `{name}`")
            }
            ErrorKind::AdditionalProperty { name } => {
                write!(formatter, "unknown property `{name}`")
            }
            ErrorKind::DiscriminatorTagMissing { tag } => {
                write!(formatter, "missing discriminator property `{tag}`")
            }
            ErrorKind::DiscriminatorTagNotString { tag } => {
                write!(formatter, "discriminator property `{tag}` must be a string")
            }
            ErrorKind::DiscriminatorValueUnknown {
                tag,
                value,
                allowed,
            } => write!(
                formatter,
                "unknown `{tag}` value `{value}`, expected one of {}",
                quote_list(allowed)
            ),
            ErrorKind::UndefinedRef { name } => {
                write!(
                    formatter,
                    "the schema refers to missing definition `{name}`"
                )
            }
        }
    }
}

/// Returns `a`, `b`, `c` with each item in backticks, or "no value" for an empty list.
fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "no value".to_owned();
    }
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    quoted.join(", ")
}

/// Validates `instance` against `schema`, which must be a root schema for its `ref`s to resolve.
///
/// Returns every error indicator (up to [`ValidationOptions::max_errors`]); an empty list means
/// the instance is valid. [`ValidationOptions::default`] suits most callers.
///
/// # Errors
///
/// Returns [`MaxDepthExceeded`] when following `ref`s nests deeper than
/// [`ValidationOptions::max_depth`], or loops without moving into the instance.
pub fn validate<I: Instance>(
    schema: &Schema,
    instance: &I,
    options: &ValidationOptions,
) -> Result<Vec<ValidationError>, MaxDepthExceeded> {
    let mut validator = Validator {
        root: schema,
        options,
        instance_path: Vec::new(),
        schema_path: Vec::new(),
        schema_path_start: 0,
        ref_chain: Vec::new(),
        ref_cycle_start: 0,
        nesting: 0,
        errors: Vec::new(),
    };
    match validator.visit(schema, instance, None) {
        Ok(()) | Err(Stop::MaxErrors) => Ok(validator.errors),
        Err(Stop::MaxDepth) => Err(MaxDepthExceeded),
    }
}

/// The reason validation ended early.
enum Stop {
    MaxErrors,
    MaxDepth,
}

/// One token of an instance path, kept borrowed until an error needs it.
#[derive(Clone, Copy)]
enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

impl Token<'_> {
    fn to_owned_string(self) -> String {
        match self {
            Token::Key(key) => key.to_owned(),
            Token::Index(index) => index.to_string(),
        }
    }
}

/// Property lists longer than this are indexed with a hash set before checking for unknown
/// members. Shorter ones are scanned, so typical records need no allocation.
const PROPERTY_SCAN_LIMIT: usize = 16;

/// The state of one validation.
struct Validator<'a> {
    root: &'a Schema,
    options: &'a ValidationOptions,
    instance_path: Vec<Token<'a>>,
    schema_path: Vec<&'a str>,
    /// The index in `schema_path` where the current schema path starts. After a `ref`, it is
    /// the index of the `definitions` token pushed for it.
    schema_path_start: usize,
    /// The definition names of the `ref`s being followed, outermost first.
    ref_chain: Vec<&'a str>,
    /// The index in `ref_chain` of the first `ref` followed on the current instance value. A
    /// name that repeats after this index is a cycle that would never consume the instance.
    ref_cycle_start: usize,
    /// The number of schemas being evaluated one inside another, bounded by [`MAX_NESTING`].
    nesting: usize,
    errors: Vec<ValidationError>,
}

impl<'a> Validator<'a> {
    /// Records an error at the current instance path and the schema path extended by
    /// `keywords`, and stops when the error limit is reached.
    fn error(&mut self, keywords: &[&str], kind: ErrorKind) -> Result<(), Stop> {
        let instance_path = self
            .instance_path
            .iter()
            .map(|token| token.to_owned_string())
            .collect();
        let schema_path = self.schema_path[self.schema_path_start..]
            .iter()
            .chain(keywords)
            .map(|token| (*token).to_owned())
            .collect();
        self.errors.push(ValidationError {
            instance_path,
            schema_path,
            kind,
        });
        match self.options.max_errors {
            Some(max) if self.errors.len() >= max => Err(Stop::MaxErrors),
            _ => Ok(()),
        }
    }

    /// Records an error at child `token` of the current instance value.
    fn child_error(
        &mut self,
        token: Token<'a>,
        keywords: &[&str],
        kind: ErrorKind,
    ) -> Result<(), Stop> {
        self.instance_path.push(token);
        let result = self.error(keywords, kind);
        self.instance_path.pop();
        result
    }

    /// Validates `instance` against `schema`. `exempt_tag` names the discriminator tag member
    /// when `schema` is a mapping value, since that member is not one of its properties.
    fn visit<I: Instance>(
        &mut self,
        schema: &'a Schema,
        instance: &'a I,
        exempt_tag: Option<&'a str>,
    ) -> Result<(), Stop> {
        if schema.nullable && instance.is_null() {
            return Ok(());
        }
        if self.nesting >= MAX_NESTING {
            return Err(Stop::MaxDepth);
        }
        self.nesting += 1;
        self.visit_form(schema, instance, exempt_tag)?;
        self.nesting -= 1;
        Ok(())
    }

    /// Validates a non-null or non-nullable `instance` against the form of `schema`.
    fn visit_form<I: Instance>(
        &mut self,
        schema: &'a Schema,
        instance: &'a I,
        exempt_tag: Option<&'a str>,
    ) -> Result<(), Stop> {
        match &schema.form {
            Form::Empty => Ok(()),
            Form::Ref(name) => self.visit_ref(name, instance),
            Form::Type(type_name) => {
                if accepts_type(*type_name, instance) {
                    return Ok(());
                }
                let kind = ErrorKind::Type {
                    expected: *type_name,
                };
                self.error(&["type"], kind)
            }
            Form::Enum(allowed) => {
                let found = instance
                    .as_str()
                    .is_some_and(|value| allowed.iter().any(|item| item == value));
                if found {
                    return Ok(());
                }
                let kind = ErrorKind::Enum {
                    allowed: allowed.clone(),
                };
                self.error(&["enum"], kind)
            }
            Form::Elements(item_schema) => self.visit_elements(item_schema, instance),
            Form::Properties {
                required,
                optional,
                additional,
                has_properties_keyword,
            } => {
                if !instance.is_object() {
                    let keyword = if *has_properties_keyword {
                        "properties"
                    } else {
                        "optionalProperties"
                    };
                    return self.error(&[keyword], ErrorKind::NotObject);
                }
                self.visit_properties(required, optional, instance)?;
                if *additional {
                    return Ok(());
                }
                self.check_additional(required, optional, exempt_tag, instance)
            }
            Form::Values(value_schema) => self.visit_values(value_schema, instance),
            Form::Discriminator { tag, mapping } => {
                self.visit_discriminator(tag, mapping, instance)
            }
        }
    }

    /// Validates `instance` against child `token` of the current value, under the schema
    /// path extended by `keywords`.
    fn visit_child<I: Instance>(
        &mut self,
        token: Token<'a>,
        keywords: &[&'a str],
        schema: &'a Schema,
        instance: &'a I,
    ) -> Result<(), Stop> {
        self.instance_path.push(token);
        self.schema_path.extend_from_slice(keywords);
        // Moving into a child consumes the instance, so refs followed above it cannot form a
        // cycle with refs followed below it.
        let cycle_start = std::mem::replace(&mut self.ref_cycle_start, self.ref_chain.len());
        self.visit(schema, instance, None)?;
        self.ref_cycle_start = cycle_start;
        self.schema_path
            .truncate(self.schema_path.len() - keywords.len());
        self.instance_path.pop();
        Ok(())
    }

    fn visit_ref<I: Instance>(&mut self, name: &'a str, instance: &'a I) -> Result<(), Stop> {
        let Some(definition) = self.root.definitions.get(name) else {
            let kind = ErrorKind::UndefinedRef {
                name: name.to_owned(),
            };
            return self.error(&["ref"], kind);
        };
        if self.ref_chain[self.ref_cycle_start..].contains(&name) {
            return Err(Stop::MaxDepth);
        }
        if self
            .options
            .max_depth
            .is_some_and(|max| self.ref_chain.len() >= max)
        {
            return Err(Stop::MaxDepth);
        }
        let path_length = self.schema_path.len();
        let path_start = std::mem::replace(&mut self.schema_path_start, path_length);
        self.schema_path.extend_from_slice(&["definitions", name]);
        self.ref_chain.push(name);
        self.visit(definition, instance, None)?;
        self.ref_chain.pop();
        self.schema_path.truncate(path_length);
        self.schema_path_start = path_start;
        Ok(())
    }

    fn visit_elements<I: Instance>(
        &mut self,
        item_schema: &'a Schema,
        instance: &'a I,
    ) -> Result<(), Stop> {
        let Some(items) = instance.as_array() else {
            return self.error(&["elements"], ErrorKind::NotArray);
        };
        for (index, item) in items.iter().enumerate() {
            self.visit_child(Token::Index(index), &["elements"], item_schema, item)?;
        }
        Ok(())
    }

    fn visit_properties<I: Instance>(
        &mut self,
        required: &'a [(String, Schema)],
        optional: &'a [(String, Schema)],
        instance: &'a I,
    ) -> Result<(), Stop> {
        for (name, property_schema) in required {
            match instance.get(name) {
                Some(value) => {
                    let keywords = ["properties", name.as_str()];
                    self.visit_child(Token::Key(name), &keywords, property_schema, value)?;
                }
                None => {
                    let kind = ErrorKind::MissingProperty { name: name.clone() };
                    self.error(&["properties", name.as_str()], kind)?;
                }
            }
        }
        for (name, property_schema) in optional {
            if let Some(value) = instance.get(name) {
                let keywords = ["optionalProperties", name.as_str()];
                self.visit_child(Token::Key(name), &keywords, property_schema, value)?;
            }
        }
        Ok(())
    }

    /// Reports every member of `instance` that neither list names, except `exempt_tag`.
    fn check_additional<I: Instance>(
        &mut self,
        required: &'a [(String, Schema)],
        optional: &'a [(String, Schema)],
        exempt_tag: Option<&'a str>,
        instance: &'a I,
    ) -> Result<(), Stop> {
        let listed =
            |list: &'a [(String, Schema)], key: &str| list.iter().any(|(name, _)| name == key);
        let index: Option<HashSet<&str>> = (required.len() + optional.len() > PROPERTY_SCAN_LIMIT)
            .then(|| {
                required
                    .iter()
                    .chain(optional)
                    .map(|(name, _)| name.as_str())
                    .collect()
            });
        for key in instance.keys() {
            if exempt_tag == Some(key) {
                continue;
            }
            let known = match &index {
                Some(index) => index.contains(key),
                None => listed(required, key) || listed(optional, key),
            };
            if !known {
                let kind = ErrorKind::AdditionalProperty {
                    name: key.to_owned(),
                };
                self.child_error(Token::Key(key), &[], kind)?;
            }
        }
        Ok(())
    }

    fn visit_values<I: Instance>(
        &mut self,
        value_schema: &'a Schema,
        instance: &'a I,
    ) -> Result<(), Stop> {
        if !instance.is_object() {
            return self.error(&["values"], ErrorKind::NotObject);
        }
        for key in instance.keys() {
            if let Some(value) = instance.get(key) {
                self.visit_child(Token::Key(key), &["values"], value_schema, value)?;
            }
        }
        Ok(())
    }

    fn visit_discriminator<I: Instance>(
        &mut self,
        tag: &'a str,
        mapping: &'a [(String, Schema)],
        instance: &'a I,
    ) -> Result<(), Stop> {
        if !instance.is_object() {
            return self.error(&["discriminator"], ErrorKind::NotObject);
        }
        let Some(tag_value) = instance.get(tag) else {
            let kind = ErrorKind::DiscriminatorTagMissing {
                tag: tag.to_owned(),
            };
            return self.error(&["discriminator"], kind);
        };
        let Some(value) = tag_value.as_str() else {
            let kind = ErrorKind::DiscriminatorTagNotString {
                tag: tag.to_owned(),
            };
            return self.child_error(Token::Key(tag), &["discriminator"], kind);
        };
        let Some((key, variant)) = mapping.iter().find(|(key, _)| key == value) else {
            let kind = ErrorKind::DiscriminatorValueUnknown {
                tag: tag.to_owned(),
                value: value.to_owned(),
                allowed: mapping.iter().map(|(key, _)| key.clone()).collect(),
            };
            return self.child_error(Token::Key(tag), &["mapping"], kind);
        };
        // The variant applies to the same object, so no instance token is pushed and refs
        // followed here still count towards cycle detection.
        self.schema_path.extend_from_slice(&["mapping", key]);
        self.visit(variant, instance, Some(tag))?;
        self.schema_path.truncate(self.schema_path.len() - 2);
        Ok(())
    }
}

/// Returns whether `instance` is a value of `type_name`.
fn accepts_type<I: Instance>(type_name: TypeName, instance: &I) -> bool {
    match type_name {
        TypeName::Boolean => instance.as_bool().is_some(),
        TypeName::String => instance.as_str().is_some(),
        TypeName::Timestamp => instance.as_str().is_some_and(is_timestamp),
        // JSON has no infinities or NaN, so a value that reports one (YAML's `.inf`, say) is
        // not a JSON number.
        TypeName::Float32 | TypeName::Float64 => instance.as_f64().is_some_and(f64::is_finite),
        integer => instance
            .as_f64()
            .is_some_and(|number| is_integer_in_range(integer, number)),
    }
}

/// Returns whether `number` is integral, `1.0` included, and within the range of `type_name`.
fn is_integer_in_range(type_name: TypeName, number: f64) -> bool {
    let Some((min, max)) = type_name.integer_range() else {
        return false;
    };
    // Every bound is at most 2^32 in magnitude, so converting it to f64 is exact.
    number.fract() == 0.0 && number >= min as f64 && number <= max as f64
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn compile(json: Value) -> Schema {
        match Schema::from_json(&json) {
            Ok(schema) => schema,
            Err(error) => panic!("test schema {json} is invalid: {error}"),
        }
    }

    fn errors(schema: &Schema, instance: &Value) -> Vec<ValidationError> {
        match validate(schema, instance, &ValidationOptions::default()) {
            Ok(errors) => errors,
            Err(error) => panic!("validation of {instance} stopped: {error}"),
        }
    }

    fn accepts(schema: &Schema, instance: Value) -> bool {
        errors(schema, &instance).is_empty()
    }

    #[test]
    fn integer_types_accept_integral_floats() {
        let schema = compile(json!({"type": "int32"}));
        assert!(accepts(&schema, json!(1.0)));
        assert!(accepts(&schema, json!(-2147483648.0)));
        assert!(!accepts(&schema, json!(1.5)));
    }

    #[test]
    fn integer_types_check_both_bounds() {
        let cases = [
            (TypeName::Int8, -128.0, 127.0),
            (TypeName::Uint8, 0.0, 255.0),
            (TypeName::Int16, -32768.0, 32767.0),
            (TypeName::Uint16, 0.0, 65535.0),
            (TypeName::Int32, -2147483648.0, 2147483647.0),
            (TypeName::Uint32, 0.0, 4294967295.0),
        ];
        for (type_name, min, max) in cases {
            let schema = Schema::new(Form::Type(type_name));
            assert!(accepts(&schema, json!(min)), "{type_name} rejects {min}");
            assert!(accepts(&schema, json!(max)), "{type_name} rejects {max}");
            assert!(
                !accepts(&schema, json!(min - 1.0)),
                "{type_name} accepts below min"
            );
            assert!(
                !accepts(&schema, json!(max + 1.0)),
                "{type_name} accepts above max"
            );
        }
    }

    #[test]
    fn integer_types_reject_huge_integers() {
        let schema = compile(json!({"type": "uint32"}));
        assert!(!accepts(&schema, json!(u64::MAX)));
        assert!(!accepts(&schema, json!(i64::MIN)));
    }

    #[test]
    fn float_types_accept_any_number() {
        let schema = compile(json!({"type": "float32"}));
        assert!(accepts(&schema, json!(1e300)));
        assert!(!accepts(&schema, json!("1")));
    }

    #[test]
    fn timestamp_type_checks_leap_second_position() {
        let schema = compile(json!({"type": "timestamp"}));
        assert!(accepts(&schema, json!("2016-12-31T23:59:60Z")));
        assert!(!accepts(&schema, json!("2016-12-31T12:59:60Z")));
    }

    #[test]
    fn error_carries_kind_and_paths() {
        let schema = compile(json!({"properties": {"a/b": {"elements": {"type": "int8"}}}}));
        let found = errors(&schema, &json!({"a/b": [1, 300]}));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].instance_pointer(), "/a~1b/1");
        assert_eq!(found[0].schema_pointer(), "/properties/a~1b/elements/type");
        assert_eq!(
            found[0].kind,
            ErrorKind::Type {
                expected: TypeName::Int8
            }
        );
        assert_eq!(
            found[0].to_string(),
            "expected an integer from -128 to 127 (int8) at `/a~1b/1`"
        );
    }

    #[test]
    fn root_error_message_names_root() {
        let schema = compile(json!({"properties": {"id": {}}}));
        let found = errors(&schema, &json!({}));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "missing required property `id` at the root"
        );
    }

    #[test]
    fn discriminator_tag_is_exempt_from_additional_check() {
        let schema = compile(json!({
            "discriminator": "kind",
            "mapping": {"a": {"properties": {"x": {"type": "string"}}}}
        }));
        assert!(accepts(&schema, json!({"kind": "a", "x": "1"})));
        let found = errors(&schema, &json!({"kind": "a", "x": "1", "y": 2}));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].kind,
            ErrorKind::AdditionalProperty { name: "y".into() }
        );
        assert_eq!(found[0].schema_pointer(), "/mapping/a");
    }

    #[test]
    fn unknown_discriminator_value_lists_mapping() {
        let schema = compile(json!({
            "discriminator": "kind",
            "mapping": {"a": {"properties": {}}, "b": {"properties": {}}}
        }));
        let found = errors(&schema, &json!({"kind": "c"}));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "unknown `kind` value `c`, expected one of `a`, `b` at `/kind`"
        );
    }

    #[test]
    fn many_properties_use_index() {
        let names: Vec<String> = (0..40).map(|index| format!("p{index}")).collect();
        let optional: serde_json::Map<String, Value> =
            names.iter().map(|name| (name.clone(), json!({}))).collect();
        let schema = compile(json!({ "optionalProperties": optional }));
        assert!(accepts(&schema, json!({"p0": 1, "p39": 2})));
        let found = errors(&schema, &json!({"p0": 1, "q": 2}));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].kind,
            ErrorKind::AdditionalProperty { name: "q".into() }
        );
    }

    #[test]
    fn max_errors_stops_early() {
        let schema = compile(json!({"elements": {"type": "string"}}));
        let instance = json!([1, 2, 3, 4]);
        for (max_errors, expected) in [(None, 4), (Some(2), 2), (Some(1), 1), (Some(0), 1)] {
            let options = ValidationOptions {
                max_depth: None,
                max_errors,
            };
            let found = validate(&schema, &instance, &options).map(|errors| errors.len());
            assert_eq!(found, Ok(expected), "max_errors {max_errors:?}");
        }
    }

    /// Returns a recursive schema and an instance that needs `depth` nested refs.
    fn nested_lists(depth: usize) -> (Schema, Value) {
        let schema = compile(json!({
            "definitions": {"list": {"elements": {"ref": "list"}}},
            "ref": "list"
        }));
        let mut instance = json!([]);
        for _ in 1..depth {
            instance = json!([instance]);
        }
        (schema, instance)
    }

    #[test]
    fn max_depth_allows_exact_depth() {
        let (schema, instance) = nested_lists(5);
        let options = ValidationOptions {
            max_depth: Some(5),
            max_errors: None,
        };
        assert_eq!(validate(&schema, &instance, &options), Ok(Vec::new()));
    }

    #[test]
    fn max_depth_rejects_one_more() {
        let (schema, instance) = nested_lists(6);
        let options = ValidationOptions {
            max_depth: Some(5),
            max_errors: None,
        };
        assert_eq!(
            validate(&schema, &instance, &options),
            Err(MaxDepthExceeded)
        );
    }

    #[test]
    fn ref_cycle_stops_without_depth_limit() {
        let schema = compile(json!({
            "definitions": {"a": {"ref": "b"}, "b": {"ref": "a"}},
            "ref": "a"
        }));
        let options = ValidationOptions {
            max_depth: None,
            max_errors: None,
        };
        assert_eq!(
            validate(&schema, &json!(1), &options),
            Err(MaxDepthExceeded)
        );
    }

    #[test]
    fn nullable_ref_cycle_accepts_null() {
        let schema = compile(json!({
            "definitions": {"a": {"ref": "a", "nullable": true}},
            "ref": "a"
        }));
        assert!(accepts(&schema, json!(null)));
    }

    #[test]
    fn same_ref_on_children_is_not_a_cycle() {
        let schema = compile(json!({
            "definitions": {"tree": {"values": {"ref": "tree"}}},
            "ref": "tree"
        }));
        let options = ValidationOptions {
            max_depth: None,
            max_errors: None,
        };
        let instance = json!({"a": {"b": {"c": {}}}, "d": {}});
        assert_eq!(validate(&schema, &instance, &options), Ok(Vec::new()));
    }

    #[test]
    fn hand_built_dangling_ref_is_an_error() {
        let schema = Schema::new(Form::Ref("missing".into()));
        let found = errors(&schema, &json!(1));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].kind,
            ErrorKind::UndefinedRef {
                name: "missing".into()
            }
        );
    }

    #[test]
    fn long_ref_chain_stops_at_nesting_limit() {
        let count = 2 * MAX_NESTING;
        let mut definitions = serde_json::Map::new();
        for index in 0..count {
            definitions.insert(
                format!("d{index}"),
                json!({"ref": format!("d{}", index + 1)}),
            );
        }
        definitions.insert(format!("d{count}"), json!({"type": "string"}));
        let schema = compile(json!({"definitions": definitions, "ref": "d0"}));
        let options = ValidationOptions {
            max_depth: None,
            max_errors: None,
        };
        assert_eq!(
            validate(&schema, &json!("x"), &options),
            Err(MaxDepthExceeded)
        );
    }

    #[test]
    fn deep_instance_stops_at_nesting_limit() {
        let (schema, instance) = nested_lists(2 * MAX_NESTING);
        let options = ValidationOptions {
            max_depth: None,
            max_errors: None,
        };
        assert_eq!(
            validate(&schema, &instance, &options),
            Err(MaxDepthExceeded)
        );
    }

    #[test]
    fn default_depth_fits_in_nesting_limit() {
        let (schema, instance) = nested_lists(DEFAULT_MAX_DEPTH);
        let found = validate(&schema, &instance, &ValidationOptions::default());
        assert_eq!(found, Ok(Vec::new()));
    }

    #[test]
    fn deepest_validation_fits_small_stack() {
        // A debug build needs about 1 KiB of stack per level, so 1 MiB leaves a wide margin.
        let spawned = std::thread::Builder::new().stack_size(1 << 20).spawn(|| {
            let schema = compile(json!({
                "definitions": {"node": {"optionalProperties": {"next": {"ref": "node"}}}},
                "ref": "node"
            }));
            let mut instance = json!({});
            for _ in 1..MAX_NESTING / 2 {
                instance = json!({ "next": instance });
            }
            let options = ValidationOptions {
                max_depth: None,
                max_errors: None,
            };
            validate(&schema, &instance, &options)
        });
        let outcome = match spawned {
            Ok(handle) => handle.join(),
            Err(error) => panic!("failed to spawn the validation thread: {error}"),
        };
        match outcome {
            Ok(result) => assert_eq!(result, Ok(Vec::new())),
            Err(_) => panic!("validation panicked"),
        }
    }
}
