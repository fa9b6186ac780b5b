//! The compiled form of a JTD schema, which other modules walk to render, normalise and validate.
//!
//! A [`Schema`] is built by [`Schema::from_json`](crate::schema::jtd::Schema::from_json), which
//! rejects every schema that RFC 8927 calls invalid. Code that builds or edits a `Schema` by hand
//! must keep the same rules. The validator does not panic on a schema that breaks them, but the
//! RFC defines no verdict for it.

use std::collections::BTreeMap;
use std::fmt;

/// One JTD schema: its form, `nullable`, `metadata`, and at the root its `definitions`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// The form, which decides what the schema accepts.
    pub form: Form,
    /// Whether `null` is accepted in addition to what the form accepts.
    pub nullable: bool,
    /// The `metadata` member, which JTD stores but never interprets.
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// The `definitions` that `ref` forms name; RFC 8927 allows them only on the root schema, so
    /// this map is empty everywhere else.
    pub definitions: BTreeMap<String, Schema>,
}

/// The eight forms of RFC 8927, each with the members that define it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Form {
    /// Accepts every instance.
    #[default]
    Empty,
    /// Accepts what the root definition of this name accepts.
    Ref(String),
    /// Accepts one JSON type, with integer ranges and RFC 3339 timestamps checked.
    Type(TypeName),
    /// Accepts one of these strings, which are unique and in document order.
    Enum(Vec<String>),
    /// Accepts an array whose every element matches the schema.
    Elements(Box<Schema>),
    /// Accepts an object with the listed properties, each list in document order.
    Properties {
        /// Members of `properties`, which must be present.
        required: Vec<(String, Schema)>,
        /// Members of `optionalProperties`, which may be absent. No name is in both lists.
        optional: Vec<(String, Schema)>,
        /// The value of `additionalProperties`: whether unlisted members are accepted.
        additional: bool,
        /// Whether the schema had a `properties` member, even an empty one. RFC 8927 points the
        /// error for a non-object instance at `properties` when it did, and at
        /// `optionalProperties` otherwise.
        has_properties_keyword: bool,
    },
    /// Accepts an object whose every member value matches the schema.
    Values(Box<Schema>),
    /// Accepts an object whose string member `tag` selects the schema in `mapping` that the
    /// object must match, with `tag` itself exempt from that schema's property checks.
    Discriminator {
        /// The name of the tag member.
        tag: String,
        /// Tag values with their schemas, all of the properties form, in document order.
        mapping: Vec<(String, Schema)>,
    },
}

/// The primitive types that the `type` keyword names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeName {
    /// `true` or `false`.
    Boolean,
    /// Any string.
    String,
    /// A string holding an RFC 3339 `date-time`.
    Timestamp,
    /// Any number; RFC 8927 leaves precision to the implementation, so no range is checked.
    Float32,
    /// Any number.
    Float64,
    /// An integral number from -128 to 127.
    Int8,
    /// An integral number from 0 to 255.
    Uint8,
    /// An integral number from -32768 to 32767.
    Int16,
    /// An integral number from 0 to 65535.
    Uint16,
    /// An integral number from -2147483648 to 2147483647.
    Int32,
    /// An integral number from 0 to 4294967295.
    Uint32,
}

impl TypeName {
    /// Every type name, in the order RFC 8927 lists them.
    pub const ALL: [TypeName; 11] = [
        TypeName::Boolean,
        TypeName::String,
        TypeName::Timestamp,
        TypeName::Float32,
        TypeName::Float64,
        TypeName::Int8,
        TypeName::Uint8,
        TypeName::Int16,
        TypeName::Uint16,
        TypeName::Int32,
        TypeName::Uint32,
    ];

    /// Returns the name that the `type` keyword uses, such as `int32`.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeName::Boolean => "boolean",
            TypeName::String => "string",
            TypeName::Timestamp => "timestamp",
            TypeName::Float32 => "float32",
            TypeName::Float64 => "float64",
            TypeName::Int8 => "int8",
            TypeName::Uint8 => "uint8",
            TypeName::Int16 => "int16",
            TypeName::Uint16 => "uint16",
            TypeName::Int32 => "int32",
            TypeName::Uint32 => "uint32",
        }
    }

    /// Returns the type that the `type` keyword value `name` denotes, or `None` for an unknown
    /// name.
    pub fn from_name(name: &str) -> Option<TypeName> {
        TypeName::ALL
            .into_iter()
            .find(|type_name| type_name.as_str() == name)
    }

    /// Returns the inclusive range of an integer type, or `None` for the other types.
    pub fn integer_range(self) -> Option<(i64, i64)> {
        match self {
            TypeName::Int8 => Some((i8::MIN.into(), i8::MAX.into())),
            TypeName::Uint8 => Some((u8::MIN.into(), u8::MAX.into())),
            TypeName::Int16 => Some((i16::MIN.into(), i16::MAX.into())),
            TypeName::Uint16 => Some((u16::MIN.into(), u16::MAX.into())),
            TypeName::Int32 => Some((i32::MIN.into(), i32::MAX.into())),
            TypeName::Uint32 => Some((u32::MIN.into(), u32::MAX.into())),
            TypeName::Boolean
            | TypeName::String
            | TypeName::Timestamp
            | TypeName::Float32
            | TypeName::Float64 => None,
        }
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl Schema {
    /// Returns a schema of the given form that is not nullable and has no metadata.
    pub fn new(form: Form) -> Schema {
        Schema {
            form,
            ..Schema::default()
        }
    }

    /// Returns the definition that a `ref` form names, looked up in `root`, or `None` when this
    /// schema is not a `ref` or the definition is missing.
    pub fn resolve<'a>(&self, root: &'a Schema) -> Option<&'a Schema> {
        match &self.form {
            Form::Ref(name) => root.definitions.get(name),
            _ => None,
        }
    }

    /// Returns the schema that this one stands for after following `ref` chains in `root`.
    ///
    /// Returns `self` when it is not a `ref`, and `None` when a definition is missing or the
    /// chain loops back on itself, as `{"definitions": {"a": {"ref": "a"}}}` does.
    pub fn resolve_all<'a>(&'a self, root: &'a Schema) -> Option<&'a Schema> {
        let mut current = self;
        // A chain longer than the number of definitions must revisit one of them.
        for _ in 0..=root.definitions.len() {
            match &current.form {
                Form::Ref(name) => current = root.definitions.get(name)?,
                _ => return Some(current),
            }
        }
        None
    }

    /// Returns `metadata.description` when it is a string.
    pub fn description(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("description")?.as_str()
    }

    /// Returns the schema of property `name` and whether it is required, for the properties
    /// form; `None` for other forms and unknown names.
    pub fn property(&self, name: &str) -> Option<(&Schema, bool)> {
        let Form::Properties {
            required, optional, ..
        } = &self.form
        else {
            return None;
        };
        let required = required.iter().map(|entry| (entry, true));
        let optional = optional.iter().map(|entry| (entry, false));
        required
            .chain(optional)
            .find(|((property, _), _)| property == name)
            .map(|((_, schema), is_required)| (schema, is_required))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_name_round_trips() {
        for type_name in TypeName::ALL {
            assert_eq!(TypeName::from_name(type_name.as_str()), Some(type_name));
            assert_eq!(type_name.to_string(), type_name.as_str());
        }
        assert_eq!(TypeName::from_name("int64"), None);
    }

    #[test]
    fn integer_ranges_match_rust_types() {
        assert_eq!(TypeName::Int8.integer_range(), Some((-128, 127)));
        assert_eq!(TypeName::Uint32.integer_range(), Some((0, 4_294_967_295)));
        assert_eq!(TypeName::Float32.integer_range(), None);
    }

    #[test]
    fn resolve_all_stops_on_cycle() {
        let mut root = Schema::new(Form::Ref("a".into()));
        root.definitions
            .insert("a".into(), Schema::new(Form::Ref("b".into())));
        root.definitions
            .insert("b".into(), Schema::new(Form::Ref("a".into())));
        assert_eq!(root.resolve_all(&root), None);
    }

    #[test]
    fn resolve_all_follows_chain() {
        let mut root = Schema::new(Form::Ref("a".into()));
        root.definitions
            .insert("a".into(), Schema::new(Form::Ref("b".into())));
        root.definitions
            .insert("b".into(), Schema::new(Form::Type(TypeName::Int8)));
        let target = root.resolve_all(&root).map(|schema| &schema.form);
        assert_eq!(target, Some(&Form::Type(TypeName::Int8)));
    }
}
