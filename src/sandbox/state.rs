//! Stored records per application and resource, with full-state replacement and an optional
//! JSON state file that is rewritten atomically after every change.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::SandboxError;

/// Version written to new state files. Files with another version are rejected.
const STATE_VERSION: u32 = 1;

/// The content of the state file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StateData {
    pub version: u32,
    /// Records by client id, then by `resourceId`.
    pub applications: BTreeMap<String, BTreeMap<String, Vec<StoredRecord>>>,
}

/// One record as the sandbox stores it: the fields as sent and the server fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoredRecord {
    pub record: Map<String, Value>,
    /// Time the `uniqueId` was first stored (RFC 3339, whole seconds, UTC).
    pub created_at: String,
    /// Time the record's fields or deletion state last changed.
    pub updated_at: String,
    /// Time a later PUT omitted the record; only user accounts keep such records.
    pub deleted_at: Option<String>,
}

impl StoredRecord {
    /// Returns the record as GET returns it: its fields followed by the server fields.
    pub fn to_json(&self) -> Value {
        let mut object = self.record.clone();
        object.insert("createdAt".into(), Value::from(self.created_at.clone()));
        object.insert("updatedAt".into(), Value::from(self.updated_at.clone()));
        object.insert(
            "deletedAt".into(),
            self.deleted_at.clone().map_or(Value::Null, Value::from),
        );
        Value::Object(object)
    }

    fn unique_id(&self) -> Option<&str> {
        self.record.get("uniqueId").and_then(Value::as_str)
    }
}

/// The records in memory and the file they are persisted to.
#[derive(Debug)]
pub struct Store {
    data: StateData,
    path: Option<PathBuf>,
}

impl Store {
    /// Loads the state file if it exists, or starts empty. Without a path, the state lives in
    /// memory only.
    pub fn load(path: Option<PathBuf>) -> Result<Self, SandboxError> {
        let data = match &path {
            Some(path) if path.exists() => read_state(path)?,
            _ => StateData {
                version: STATE_VERSION,
                ..StateData::default()
            },
        };
        Ok(Store { data, path })
    }

    /// Returns every stored record.
    pub fn data(&self) -> &StateData {
        &self.data
    }

    /// Returns the records of one application and resource.
    pub fn records(&self, client_id: &str, resource_id: &str) -> &[StoredRecord] {
        self.data
            .applications
            .get(client_id)
            .and_then(|resources| resources.get(resource_id))
            .map_or(&[], Vec::as_slice)
    }

    /// Replaces the records of one application and resource with `records`, the complete set
    /// a PUT sent, and persists the result. On error the stored state is unchanged.
    ///
    /// Records whose fields are unchanged keep their `updatedAt`. Omitted records are removed,
    /// or, when `soft_delete` is set, kept with `deletedAt` set to `now`. A soft-deleted record
    /// that is sent again becomes live.
    pub async fn replace(
        &mut self,
        client_id: &str,
        resource_id: &str,
        records: Vec<Map<String, Value>>,
        soft_delete: bool,
        now: &str,
    ) -> Result<(), SandboxError> {
        let previous = self.records(client_id, resource_id);
        let mut previous_by_id: BTreeMap<&str, &StoredRecord> = previous
            .iter()
            .filter_map(|stored| stored.unique_id().map(|id| (id, stored)))
            .collect();

        let mut next = Vec::with_capacity(records.len());
        for record in records {
            let unique_id = record.get("uniqueId").and_then(Value::as_str);
            let earlier = unique_id.and_then(|id| previous_by_id.remove(id));
            let stored = match earlier {
                Some(earlier) if earlier.record == record && earlier.deleted_at.is_none() => {
                    earlier.clone()
                }
                Some(earlier) => StoredRecord {
                    record,
                    created_at: earlier.created_at.clone(),
                    updated_at: now.to_owned(),
                    deleted_at: None,
                },
                None => StoredRecord {
                    record,
                    created_at: now.to_owned(),
                    updated_at: now.to_owned(),
                    deleted_at: None,
                },
            };
            next.push(stored);
        }

        if soft_delete {
            // Keep omitted records in their previous order, after the records just sent.
            for stored in previous {
                let omitted = stored
                    .unique_id()
                    .is_some_and(|id| previous_by_id.contains_key(id));
                if !omitted {
                    continue;
                }
                let mut soft_deleted = stored.clone();
                if soft_deleted.deleted_at.is_none() {
                    soft_deleted.deleted_at = Some(now.to_owned());
                    soft_deleted.updated_at = now.to_owned();
                }
                next.push(soft_deleted);
            }
        }

        self.set(client_id, resource_id, next).await
    }

    /// Stores `records` for one application and resource as they are, and persists the
    /// result. On error the stored state is unchanged.
    pub async fn set(
        &mut self,
        client_id: &str,
        resource_id: &str,
        records: Vec<StoredRecord>,
    ) -> Result<(), SandboxError> {
        let mut data = self.data.clone();
        data.applications
            .entry(client_id.to_owned())
            .or_default()
            .insert(resource_id.to_owned(), records);
        self.commit(data).await
    }

    /// Removes every stored record and persists the result.
    pub async fn clear(&mut self) -> Result<(), SandboxError> {
        let data = StateData {
            version: STATE_VERSION,
            ..StateData::default()
        };
        self.commit(data).await
    }

    async fn commit(&mut self, data: StateData) -> Result<(), SandboxError> {
        if let Some(path) = &self.path {
            let bytes = serde_json::to_vec_pretty(&data)
                .map_err(|error| SandboxError::Internal(error.to_string()))?;
            let path = path.clone();
            tokio::task::spawn_blocking(move || write_atomically(&path, &bytes))
                .await
                .map_err(|error| SandboxError::Internal(error.to_string()))??;
        }
        self.data = data;
        Ok(())
    }
}

fn read_state(path: &Path) -> Result<StateData, SandboxError> {
    let bytes = std::fs::read(path).map_err(|source| SandboxError::StateRead {
        path: path.to_owned(),
        source,
    })?;
    let data: StateData =
        serde_json::from_slice(&bytes).map_err(|source| SandboxError::StateParse {
            path: path.to_owned(),
            source,
        })?;
    if data.version != STATE_VERSION {
        return Err(SandboxError::StateVersion {
            path: path.to_owned(),
            found: data.version,
            expected: STATE_VERSION,
        });
    }
    Ok(data)
}

/// Writes `bytes` to a temporary file in the target's folder, flushes it to disk and renames
/// it over `path`, so readers see either the old or the new file, never a partial one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    let write_error = |source| SandboxError::StateWrite {
        path: path.to_owned(),
        source,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&folder).map_err(write_error)?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".to_owned());
    let temporary = folder.join(format!(".{file_name}.{}.tmp", std::process::id()));

    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[tokio::test]
    async fn replace_keeps_unchanged_timestamps() {
        let mut store = Store::load(None).unwrap();
        let first = record(json!({"uniqueId": "a", "x": 1}));
        store
            .replace("app", "res", vec![first.clone()], false, "T1")
            .await
            .unwrap();
        store
            .replace("app", "res", vec![first], false, "T2")
            .await
            .unwrap();
        let stored = &store.records("app", "res")[0];
        assert_eq!(stored.created_at, "T1");
        assert_eq!(stored.updated_at, "T1");
    }

    #[tokio::test]
    async fn replace_soft_deletes_and_reactivates() {
        let mut store = Store::load(None).unwrap();
        let a = record(json!({"uniqueId": "a"}));
        let b = record(json!({"uniqueId": "b"}));
        store
            .replace("app", "res", vec![a.clone(), b.clone()], true, "T1")
            .await
            .unwrap();
        store
            .replace("app", "res", vec![a.clone()], true, "T2")
            .await
            .unwrap();
        let records = store.records("app", "res");
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].deleted_at.as_deref(), Some("T2"));
        store
            .replace("app", "res", vec![a, b], true, "T3")
            .await
            .unwrap();
        let records = store.records("app", "res");
        assert_eq!(records[1].deleted_at, None);
        assert_eq!(records[1].created_at, "T1");
        assert_eq!(records[1].updated_at, "T3");
    }
}
