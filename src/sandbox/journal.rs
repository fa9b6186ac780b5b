//! The list of API requests served, which tests read through the admin API (for example to
//! assert that no PUT was sent). It stores no headers and no bodies, so no secret or token.

use std::collections::VecDeque;

use serde::Serialize;

/// Entries kept at most; older ones are dropped first so a long-running sandbox stays small.
const MAX_ENTRIES: usize = 10_000;

/// One served request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestEntry {
    pub method: String,
    pub path: String,
    /// The query string, such as `resourceId=abc`, or none.
    pub query: Option<String>,
    /// The response status, or none when a fault dropped the connection or the client gave up.
    pub status: Option<u16>,
    /// The time the request arrived (RFC 3339, UTC).
    pub time: String,
    pub duration_ms: u64,
    /// The kind of fault injected into this request, if any.
    pub fault: Option<String>,
    /// Whether the client closed the connection before the response was ready, as a client
    /// that timed out does.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abandoned: bool,
}

/// The served requests, oldest first.
#[derive(Debug, Default)]
pub struct Journal {
    entries: VecDeque<RequestEntry>,
}

impl Journal {
    /// Appends an entry, dropping the oldest beyond the maximum.
    pub fn push(&mut self, entry: RequestEntry) {
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Returns the entries, oldest first.
    pub fn entries(&self) -> &VecDeque<RequestEntry> {
        &self.entries
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
