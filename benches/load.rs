//! Measures how loading time grows with the number of records.
//!
//! Generates inventories of 10,000 and 100,000 custom-resource records (1,000 per file) in a
//! temporary folder, loads each a few times, and prints the best time of each and their ratio.
//! Loading is linear when the ratio is close to 10. Run it with `cargo bench --bench load`.

#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Records written to each file of a generated inventory.
const RECORDS_PER_FILE: usize = 1_000;

/// Loads of each inventory; the fastest one counts, which filters out noise from other work.
const RUNS: usize = 3;

const RESOURCE: &str = "\
apiVersion: vanta-gitops/v1
kind: Resource
name: servers
baseType: CustomResource
resourceId: r-servers
customProperties:
  properties:
    name: { type: string }
    active: { type: boolean }
    memory: { type: int32 }
    lastUpdated: { type: timestamp }
";

/// Writes an inventory of `records` server records below `root`.
fn generate(root: &Path, records: usize) {
    std::fs::write(root.join("resources.yaml"), RESOURCE).unwrap();
    for (file, first) in (0..records).step_by(RECORDS_PER_FILE).enumerate() {
        let mut text = String::from(
            "apiVersion: vanta-gitops/v1\nkind: Records\nresource: servers\ndefaults:\n  customProperties: { active: true }\nrecords:\n",
        );
        for index in first..(first + RECORDS_PER_FILE).min(records) {
            let _ = write!(
                text,
                "  - uniqueId: srv-{index:06}\n    displayName: server {index}\n    externalUrl: https://cmdb.example.com/servers/{index}\n    customProperties: {{ name: host-{index}, memory: {}, lastUpdated: \"2026-11-28T09:00:00Z\" }}\n",
                1024 * (index % 64 + 1)
            );
        }
        std::fs::write(root.join(format!("servers-{file:04}.yaml")), text).unwrap();
    }
}

/// Returns the fastest of [`RUNS`] loads of an inventory of `records` records.
fn time_load(records: usize) -> Duration {
    let folder = tempfile::tempdir().unwrap();
    generate(folder.path(), records);
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let started = Instant::now();
        let (inventory, diagnostics) = vanta_gitops::inventory::load(folder.path()).unwrap();
        let elapsed = started.elapsed();
        assert!(
            !diagnostics.has_errors(),
            "the generated inventory is invalid"
        );
        assert_eq!(inventory.resources[0].records.len(), records);
        best = best.min(elapsed);
    }
    best
}

fn main() {
    let small = time_load(10_000);
    let large = time_load(100_000);
    println!(
        "load 10,000 records:  {:>8.1} ms",
        small.as_secs_f64() * 1e3
    );
    println!(
        "load 100,000 records: {:>8.1} ms",
        large.as_secs_f64() * 1e3
    );
    println!(
        "ratio: {:.1} for 10 times the records (10.0 is linear)",
        large.as_secs_f64() / small.as_secs_f64()
    );
}
