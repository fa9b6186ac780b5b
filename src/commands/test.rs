//! `vanta-gitops test`: evaluate the inventory's Custom Tests offline, or against Vanta.

use std::process::ExitCode;

use crate::cli::TestArgs;
use crate::commands::inventory::load_or_report;
use crate::commands::plan::{select_resources, sensitive_paths};
use crate::commands::remote;
use crate::custom_tests::{self, CustomTest};
use crate::diagnostics::plural;
use crate::inventory::Inventory;
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
    // Each resource's records are parsed once for all of its tests.
    let mut outcomes: Vec<Option<custom_tests::TestOutcome>> =
        vec![None; inventory.custom_tests.len()];
    let selected = select_resources(&inventory, &[])?;
    let fetched = if args.remote {
        let connection = remote::connect(&inventory, &args.remote_args, Scope::Read).await?;
        let fetched = remote::fetch(&connection.client, &selected).await;
        connection.close().await;
        Some(fetched?)
    } else {
        None
    };
    for (index, resource) in selected.iter().enumerate() {
        let (positions, tests): (Vec<usize>, Vec<&CustomTest>) = inventory
            .custom_tests
            .iter()
            .enumerate()
            .filter(|(_, test)| test.resource == resource.name)
            .unzip();
        if tests.is_empty() {
            continue;
        }
        let found = match &fetched {
            Some(sets) => {
                let live = sets[index].records.iter().filter(|record| !record.deleted);
                custom_tests::evaluate_records(&tests, live.map(|record| &record.json))
            }
            None => custom_tests::evaluate_records(
                &tests,
                resource.records.iter().map(|record| &record.json),
            ),
        };
        for (position, outcome) in positions.into_iter().zip(found) {
            outcomes[position] = Some(outcome);
        }
    }
    let mut failing_tests = 0;
    let mut report = String::new();
    for (test, outcome) in inventory.custom_tests.iter().zip(outcomes) {
        // Every test names a declared resource, which loading checks.
        let outcome = outcome.unwrap_or_default();
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
            let masked = reads_sensitive_field(&inventory, test);
            for failure in &outcome.failing {
                let reason = if masked {
                    "(reason hidden: the test reads a sensitive field)"
                } else {
                    failure.reason.as_str()
                };
                report.push_str(&format!("  - {}: {reason}\n", failure.unique_id));
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

/// Reports whether a test reads a field declared sensitive, or an object that contains one.
/// Failure reasons quote the values they compare, so such a test's reasons are not shown.
fn reads_sensitive_field(inventory: &Inventory, test: &CustomTest) -> bool {
    let sensitive = sensitive_paths(inventory, &test.resource);
    custom_tests::test_fields(test).iter().any(|field| {
        // Array indexes do not appear in sensitive paths, so `logins.0.secret` reads
        // `logins.secret`.
        let segments: Vec<String> = field
            .segments()
            .iter()
            .filter(|segment| segment.parse::<usize>().is_err())
            .cloned()
            .collect();
        sensitive
            .iter()
            .any(|path| segments.starts_with(path) || path.starts_with(&segments))
    })
}
