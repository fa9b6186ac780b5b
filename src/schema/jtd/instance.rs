//! The read-only view of a JSON-like document that the validator needs.
//!
//! The validator takes any [`Instance`] so that a tree which remembers where each value came
//! from, such as the inventory's YAML nodes with line and column, is validated in place. This
//! module implements it for [`serde_json::Value`].

use serde_json::Value;

/// A JSON-like value that can be validated against a JTD schema.
///
/// Implementations report the JSON data model: a value is exactly one of null, boolean, number,
/// string, array or object, so at most one of the accessors returns `Some` or `true`.
pub trait Instance {
    /// Returns whether the value is `null`.
    fn is_null(&self) -> bool;
    /// Returns the value of a boolean; `None` for every non-boolean.
    fn as_bool(&self) -> Option<bool>;
    /// Returns the value of a JSON number; `None` for every non-number.
    fn as_f64(&self) -> Option<f64>;
    /// Returns the text of a string; `None` for every non-string.
    fn as_str(&self) -> Option<&str>;
    /// Returns the elements of an array; `None` for every non-array.
    fn as_array(&self) -> Option<&[Self]>
    where
        Self: Sized;
    /// Returns whether the value is an object.
    fn is_object(&self) -> bool;
    /// Returns the member named `key` of an object; `None` for non-objects.
    fn get(&self, key: &str) -> Option<&Self>;
    /// Returns the member names of an object in document order; empty for non-objects.
    fn keys(&self) -> impl Iterator<Item = &str>;
}

impl Instance for Value {
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }

    fn as_bool(&self) -> Option<bool> {
        Value::as_bool(self)
    }

    fn as_f64(&self) -> Option<f64> {
        Value::as_f64(self)
    }

    fn as_str(&self) -> Option<&str> {
        Value::as_str(self)
    }

    fn as_array(&self) -> Option<&[Self]> {
        Value::as_array(self).map(Vec::as_slice)
    }

    fn is_object(&self) -> bool {
        Value::is_object(self)
    }

    fn get(&self, key: &str) -> Option<&Self> {
        Value::as_object(self)?.get(key)
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        Value::as_object(self)
            .into_iter()
            .flat_map(|object| object.keys().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keys_keep_document_order() {
        let value: Value = match serde_json::from_str(r#"{"b": 1, "a": 2, "c": 3}"#) {
            Ok(value) => value,
            Err(error) => panic!("test JSON is invalid: {error}"),
        };
        let keys: Vec<&str> = Instance::keys(&value).collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }

    #[test]
    fn non_objects_have_no_members() {
        let value = json!([1, 2]);
        assert_eq!(Instance::keys(&value).count(), 0);
        assert!(Instance::get(&value, "0").is_none());
    }

    #[test]
    fn numbers_read_as_f64() {
        assert_eq!(Instance::as_f64(&json!(3)), Some(3.0));
        assert_eq!(Instance::as_f64(&json!(-1.5)), Some(-1.5));
        assert_eq!(Instance::as_f64(&json!("3")), None);
    }
}
