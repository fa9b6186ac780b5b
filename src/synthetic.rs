//! Synthetic inventories and matching sandbox states, for benchmarks and load tests.
//!
//! [`generate`] writes an inventory of user accounts, internal servers (a custom resource) and
//! vulnerable components. It also writes a sandbox state file in which a chosen share of the
//! records is missing (the plan creates them), changed (the plan updates them) or extra (the
//! plan deletes them). `examples/generate.rs` runs it from the command line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::sandbox::{DEFAULT_CLIENT_ID, StateData, StoredRecord};

/// The parameters of a synthetic inventory.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Records in the inventory, over all resources.
    pub records: usize,
    /// Files each resource's records are split over.
    pub files_per_resource: usize,
    /// Share of desired records missing from the sandbox state (planned as creates).
    pub create_share: f64,
    /// Share of desired records that differ in one field in the sandbox state.
    pub update_share: f64,
    /// Records in the sandbox state that the inventory does not declare, as a share of the
    /// desired records (planned as deletes or deactivations).
    pub delete_share: f64,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            records: 1_000,
            files_per_resource: 4,
            create_share: 0.01,
            update_share: 0.02,
            delete_share: 0.005,
            seed: 42,
        }
    }
}

/// The files [`generate`] wrote, with their sizes.
#[derive(Debug, Clone)]
pub struct Generated {
    pub inventory: PathBuf,
    /// The sandbox state file, where `plan --sandbox` finds it.
    pub state: PathBuf,
    pub yaml_bytes: u64,
    pub desired_records: usize,
    pub remote_records: usize,
}

/// A problem writing the generated files.
#[derive(Debug, thiserror::Error)]
#[error("could not write `{}`: {source}", path.display())]
pub struct GenerateError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// The resources of a synthetic inventory, with their share of the records.
const RESOURCES: [(&str, &str, &str, f64); 3] = [
    ("users", "UserAccount", "5f0000000000000000000001", 0.6),
    ("servers", "CustomResource", "5f0000000000000000000002", 0.3),
    (
        "components",
        "VulnerableComponent",
        "5f0000000000000000000003",
        0.1,
    ),
];

/// Writes a synthetic inventory into `dir` and the matching sandbox state into
/// `dir/.vanta-gitops/sandbox.json`.
pub fn generate(spec: &Spec, dir: &Path) -> Result<Generated, GenerateError> {
    let write = |path: &Path, text: &str| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| GenerateError {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(path, text).map_err(|source| GenerateError {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut random = SplitMix(spec.seed);
    let mut yaml_bytes = 0u64;
    let mut state = StateData {
        version: 1,
        ..StateData::default()
    };
    let mut application = std::collections::BTreeMap::new();
    let mut desired_total = 0;
    let mut remote_total = 0;

    let mut declarations = String::new();
    for (name, base, resource_id, share) in RESOURCES {
        let _ = write!(
            declarations,
            "---\napiVersion: vanta-gitops/v1\nkind: Resource\nname: {name}\nbaseType: {base}\nresourceId: \"{resource_id}\"\n"
        );
        if base == "CustomResource" {
            declarations.push_str(
                "customProperties:\n  properties:\n    name: { type: string }\n    active: { type: boolean }\n    memory: { type: int32 }\n    lastUpdated: { type: timestamp }\n",
            );
        }
        let count = ((spec.records as f64) * share).round() as usize;
        let records: Vec<Value> = (0..count)
            .map(|index| record(base, index, &mut random))
            .collect();
        desired_total += records.len();
        let files = spec.files_per_resource.max(1);
        let per_file = records.len().div_ceil(files).max(1);
        for (file_index, chunk) in records.chunks(per_file).enumerate() {
            let text = records_document(name, chunk);
            yaml_bytes += text.len() as u64;
            write(
                &dir.join(format!("{name}/part-{file_index:04}.yaml")),
                &text,
            )?;
        }
        let mut stored = Vec::new();
        for (index, desired) in records.iter().enumerate() {
            let roll = random.unit();
            if roll < spec.create_share {
                continue;
            }
            let mut value = desired.clone();
            if roll < spec.create_share + spec.update_share {
                change_one_field(base, &mut value);
            }
            stored.push(stored_record(value, index));
        }
        let extra = ((count as f64) * spec.delete_share).round() as usize;
        for index in 0..extra {
            stored.push(stored_record(
                record(base, count + index, &mut random),
                index,
            ));
        }
        remote_total += stored.len();
        application.insert(resource_id.to_string(), stored);
    }
    write(&dir.join("resources.yaml"), &declarations)?;
    write(
        &dir.join("workspace.yaml"),
        "apiVersion: vanta-gitops/v1\nkind: Workspace\nname: synthetic\n",
    )?;
    state
        .applications
        .insert(DEFAULT_CLIENT_ID.to_string(), application);
    let state_path = dir.join(".vanta-gitops/sandbox.json");
    let text = serde_json::to_string(&state).unwrap_or_default();
    write(&state_path, &text)?;
    Ok(Generated {
        inventory: dir.to_path_buf(),
        state: state_path,
        yaml_bytes,
        desired_records: desired_total,
        remote_records: remote_total,
    })
}

fn stored_record(value: Value, index: usize) -> StoredRecord {
    let record: Map<String, Value> = match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let time = format!("2026-01-01T00:{:02}:{:02}Z", (index / 60) % 60, index % 60);
    StoredRecord {
        record,
        created_at: time.clone(),
        updated_at: time,
        deleted_at: None,
    }
}

fn change_one_field(base: &str, value: &mut Value) {
    let target = match base {
        "UserAccount" => "permissionLevel",
        "CustomResource" => "displayName",
        _ => "description",
    };
    if let Some(field) = value.get_mut(target) {
        *field = match target {
            "permissionLevel" => json!("EDITOR"),
            _ => json!(format!("{} (old)", field.as_str().unwrap_or(""))),
        };
    }
}

fn record(base: &str, index: usize, random: &mut SplitMix) -> Value {
    let day = 1 + random.below(28);
    let month = 1 + random.below(12);
    let timestamp = format!("2025-{month:02}-{day:02}T{:02}:00:00Z", random.below(24));
    match base {
        "UserAccount" => {
            let methods = ["OTP", "HARDWARE_TOKEN", "PUSH_PROMPT", "SMS"];
            json!({
                "displayName": format!("User {index}"),
                "uniqueId": format!("user-{index:07}"),
                "externalUrl": format!("https://idp.example.com/users/{index}"),
                "fullName": format!("User Number {index}"),
                "accountName": format!("user{index}"),
                "email": format!("user{index}@example.com"),
                "permissionLevel": "BASE",
                "createdTimestamp": timestamp,
                "status": if random.below(10) == 0 { "DEACTIVATED" } else { "ACTIVE" },
                "mfaEnabled": true,
                "mfaMethods": [methods[random.below(4)], methods[random.below(4)]],
                "authMethod": "SSO",
                "groupIds": [format!("team-{}", random.below(50))],
            })
        }
        "CustomResource" => json!({
            "displayName": format!("server-{index}"),
            "uniqueId": format!("srv-{index:07}"),
            "externalUrl": format!("https://cmdb.example.com/servers/{index}"),
            "customProperties": {
                "name": format!("server-{index}"),
                "active": random.below(20) != 0,
                "memory": 4096 * (1 + random.below(16)),
                "lastUpdated": timestamp,
            },
        }),
        _ => json!({
            "displayName": format!("component-{index}"),
            "uniqueId": format!("comp-{index:07}"),
            "externalUrl": format!("https://scanner.example.com/components/{index}"),
            "collectedTimestamp": timestamp,
            "name": format!("component-{index}"),
            "description": format!("Container image number {index}"),
            "targetType": "CONTAINER",
        }),
    }
}

/// Writes a `Records` document. JSON strings are valid YAML double-quoted scalars, so values
/// are written with JSON escaping.
fn records_document(resource: &str, records: &[Value]) -> String {
    let mut text =
        format!("apiVersion: vanta-gitops/v1\nkind: Records\nresource: {resource}\nrecords:\n");
    for record in records {
        let Value::Object(members) = record else {
            continue;
        };
        let mut first = true;
        for (key, value) in members {
            let prefix = if first { "  - " } else { "    " };
            first = false;
            match value {
                Value::Object(inner) => {
                    let _ = writeln!(text, "{prefix}{key}:");
                    for (inner_key, inner_value) in inner {
                        let _ = writeln!(text, "      {inner_key}: {inner_value}");
                    }
                }
                other => {
                    let _ = writeln!(text, "{prefix}{key}: {other}");
                }
            }
        }
    }
    text
}

/// A small deterministic random number generator (SplitMix64), so generated inventories are
/// the same for the same seed on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_inventory_is_valid() {
        let dir = tempfile::tempdir().unwrap();
        let spec = Spec {
            records: 400,
            ..Spec::default()
        };
        let generated = generate(&spec, dir.path()).unwrap();
        assert_eq!(generated.desired_records, 400);
        let (inventory, diagnostics) = crate::inventory::load(dir.path()).unwrap();
        assert!(!diagnostics.has_errors(), "{:?}", diagnostics.items());
        assert_eq!(inventory.resources.len(), 3);
        let records: usize = inventory.resources.iter().map(|r| r.records.len()).sum();
        assert_eq!(records, 400);
        assert!(generated.state.exists());
    }
}
