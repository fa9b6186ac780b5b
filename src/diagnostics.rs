//! Diagnostics: problems in the inventory with their source spans, and their rendering.
