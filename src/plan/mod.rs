//! The plan: desired records against current records. Pure: no I/O happens here.
