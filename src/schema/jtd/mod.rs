//! JSON Type Definition (RFC 8927): schema checking, validation and conversion.

/// A JSON-like value that the validator can check.
pub trait Instance {
    fn is_null(&self) -> bool;
    fn as_bool(&self) -> Option<bool>;
    /// The value of a JSON number. `None` for every non-number.
    fn as_f64(&self) -> Option<f64>;
    fn as_str(&self) -> Option<&str>;
    fn as_array(&self) -> Option<&[Self]>
    where
        Self: Sized;
    fn is_object(&self) -> bool;
    /// The member named `key` of an object; `None` for non-objects.
    fn get(&self, key: &str) -> Option<&Self>;
    /// The member names of an object in document order; empty for non-objects.
    fn keys(&self) -> impl Iterator<Item = &str>;
}
