//! `vanta-gitops test`: evaluate the inventory's Custom Tests offline, or against Vanta.

use std::process::ExitCode;

use crate::cli::TestArgs;
use crate::commands::inventory::load_or_report;
use crate::commands::plan::select_resources;
use crate::commands::remote;
use crate::custom_tests;
use crate::diagnostics::plural;
use crate::printer::Printer;
use crate::vanta::Scope;

pub async fn run(args: &TestArgs, printer: Printer) -> anyhow::Result<ExitCode> {
    let Some(inventory) = load_or_report(&args.dir, printer)? else {
        return Ok(ExitCode::FAILURE);
    };
    if inventory.custom_tests.is_empty() {
        printer.message("The inventory has no CustomTest documents.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut remote_records = Vec::new();
    if args.remote {
        let selected = select_resources(&inventory, &[])?;
        let connection = remote::connect(&inventory, &args.remote_args, Scope::Read).await?;
        let fetched = remote::fetch(&connection.client, &selected).await;
        connection.close().await;
        for (resource, set) in selected.iter().zip(fetched?) {
            let live = set.records.into_iter().filter(|record| !record.deleted);
            remote_records.push((
                resource.name.clone(),
                live.map(|record| record.value).collect::<Vec<_>>(),
            ));
        }
    }
    let mut failing_tests = 0;
    let mut report = String::new();
    for test in &inventory.custom_tests {
        let records: Vec<&serde_json::Value> = if args.remote {
            remote_records
                .iter()
                .filter(|(name, _)| *name == test.resource)
                .flat_map(|(_, records)| records.iter())
                .collect()
        } else {
            inventory
                .resource(&test.resource)
                .map(|resource| {
                    resource
                        .records
                        .iter()
                        .map(|record| &record.value)
                        .collect()
                })
                .unwrap_or_default()
        };
        let outcome = custom_tests::evaluate(test, &records);
        if outcome.failing.is_empty() {
            report.push_str(&format!(
                "PASS {} ({} of {} in scope)\n",
                test.name,
                plural(outcome.in_scope, "record"),
                test.resource
            ));
        } else {
            failing_tests += 1;
            report.push_str(&format!(
                "FAIL {}: {} of {} failing\n",
                test.name,
                outcome.failing.len(),
                plural(outcome.in_scope, "record")
            ));
            for failure in &outcome.failing {
                report.push_str(&format!("  - {}: {}\n", failure.unique_id, failure.reason));
            }
            if let Some(remediation) = &test.remediation {
                report.push_str(&format!("  remediation: {remediation}\n"));
            }
        }
    }
    let passed = inventory.custom_tests.len() - failing_tests;
    report.push_str(&format!("\n{passed} passed, {failing_tests} failed\n"));
    printer.data(&report);
    Ok(if failing_tests > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
