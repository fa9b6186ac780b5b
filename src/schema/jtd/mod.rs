//! JSON Type Definition (RFC 8927): schema checking, validation and conversion.
