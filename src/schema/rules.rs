//! Rules that JSON Type Definition cannot express, checked after JTD validation.
