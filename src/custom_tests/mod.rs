//! Evaluation of the `CustomTest` rules of an inventory against records.
