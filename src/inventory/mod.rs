//! Loading an inventory: files, YAML with spans, typed documents and records.
