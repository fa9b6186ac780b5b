//! The inventory loader's two passes, through the real binary.
//!
//! The loader first reads every file whose text contains `Resource` or a backslash, because
//! only such a file can declare a resource. It then checks every other file's records in a
//! second pass. These tests put declarations, records and mistakes on both sides of that
//! split, in orders that differ from path order, and check that each message, place and
//! source line is the one a single path-ordered pass would report.

use crate::support::TestInventory;

/// The declaration of `servers`. Its text contains `Resource`, so it is read in the first pass.
const SERVERS_RESOURCE: &str = "\
apiVersion: vanta-gitops/v1
kind: Resource
name: servers
baseType: CustomResource
resourceId: r-servers
";

/// A comment that puts any file it is appended to in the first pass, without moving a line.
const MENTIONS_RESOURCE: &str = "# Resource records kept by the platform team\n";

/// Returns a `Records` document of `servers` with three lines per record: the record at
/// index `n` starts on line `5 + 3n`, with its `uniqueId` value at column 15. The text has
/// neither `Resource` nor a backslash, so the loader reads it in the second pass.
fn servers_records(ids: &[&str]) -> String {
    let mut text =
        String::from("apiVersion: vanta-gitops/v1\nkind: Records\nresource: servers\nrecords:\n");
    for id in ids {
        text.push_str(&format!(
            "  - uniqueId: {id}\n    displayName: {id}\n    externalUrl: https://cmdb.example.com/{id}\n"
        ));
    }
    text
}

/// Returns `servers_records(ids)` with an unknown field `colour` after the last record,
/// reported at line `5 + 3 * ids.len()`, column 5.
fn servers_records_with_colour(ids: &[&str]) -> String {
    format!("{}    colour: blue\n", servers_records(ids))
}

/// The output of one run of the binary.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Returns every `error:` line's message with the `file:line:column` on the next line, if
    /// any. Skips the closing summary line.
    fn errors(&self) -> Vec<(String, Option<String>)> {
        crate::inventory::reported(&self.stderr)
            .into_iter()
            .filter(|(message, _)| !message.starts_with("could not load the inventory"))
            .collect()
    }

    /// Returns the source line printed under a place, whether it is a diagnostic's own place
    /// (`--> file:line:column`) or a related one (`::: file:line:column`).
    fn source_line_at(&self, location: &str) -> Option<String> {
        source_line(&self.stderr, location)
    }

    /// Returns the text output of the one diagnostic whose own place is `location`.
    fn diagnostic_at(&self, location: &str) -> Option<&str> {
        let own = format!("--> {location}\n");
        let mut blocks = self
            .stderr
            .split("\n\n")
            .filter(|block| block.contains(&own));
        let block = blocks.next()?;
        blocks.next().is_none().then_some(block)
    }

    /// Returns the text of the whole run, for failure messages.
    fn dump(&self) -> String {
        format!(
            "exit code {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Returns the source line printed under the first occurrence of a place in text output.
fn source_line(text: &str, location: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|line| {
        let line = line.trim_start();
        line == format!("--> {location}") || line == format!("::: {location}")
    })?;
    let (_, number) = location.rsplit_once(':')?.0.rsplit_once(':')?;
    let gutter = format!("{number} |");
    lines[start + 1..]
        .iter()
        .take_while(|line| !line.contains("--> ") && !line.contains("::: "))
        .find_map(|line| line.trim_start().strip_prefix(&gutter))
        .map(|text| text.strip_prefix(' ').unwrap_or(text).to_string())
}

/// Runs the binary in the inventory folder with some arguments.
fn run_binary(inventory: &TestInventory, args: &[&str]) -> Run {
    let output = inventory
        .command()
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `validate .` and checks that it fails with exactly one error: `message` at
/// `location`, with `source` as the line shown under it.
fn assert_one_error(inventory: &TestInventory, message: &str, location: &str, source: &str) {
    assert_case_has_one_error("", inventory, message, location, source);
}

/// Does what [`assert_one_error`] does, naming the case in every failure message.
fn assert_case_has_one_error(
    case: &str,
    inventory: &TestInventory,
    message: &str,
    location: &str,
    source: &str,
) {
    let run = run_binary(inventory, &["validate", "."]);
    let dump = format!("{case}: {}", run.dump());
    assert_eq!(run.code, Some(1), "{dump}");
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:?}\n{dump}");
    assert!(errors[0].0.contains(message), "{errors:?}\n{dump}");
    assert_eq!(errors[0].1.as_deref(), Some(location), "{dump}");
    assert_eq!(
        run.source_line_at(location).as_deref(),
        Some(source),
        "{dump}"
    );
    assert!(
        run.stderr
            .contains("error: could not load the inventory (1 error)"),
        "{dump}"
    );
}

/// Runs `validate .` and checks that it succeeds with the given summary.
fn assert_valid(inventory: &TestInventory, summary: &str) {
    let run = run_binary(inventory, &["validate", "."]);
    let dump = run.dump();
    assert_eq!(run.code, Some(0), "{dump}");
    assert!(run.stderr.contains(summary), "{dump}");
    assert!(!run.stderr.contains("warning"), "{dump}");
}

#[test]
fn records_before_resource_in_nested_folders() {
    let inventory = TestInventory::empty();
    inventory.write("a/a/early.yaml", &servers_records(&["s-1", "s-2"]));
    inventory.write("a/b/c/deep.yml", &servers_records(&["s-3"]));
    inventory.write(
        "m/mentions.yaml",
        &format!("{}{MENTIONS_RESOURCE}", servers_records(&["s-4"])),
    );
    inventory.write("z/y/resources.yaml", SERVERS_RESOURCE);
    assert_valid(
        &inventory,
        "The inventory is valid: 1 resource, 4 records, 0 custom tests.",
    );

    inventory.write(
        "a/a/early.yaml",
        &servers_records_with_colour(&["s-1", "s-2"]),
    );
    assert_one_error(
        &inventory,
        "unknown field `colour`",
        "a/a/early.yaml:11:5",
        "    colour: blue",
    );
}

#[test]
fn plan_counts_records_of_both_passes() {
    let inventory = TestInventory::empty();
    inventory.write("a/early.yaml", &servers_records(&["s-1", "s-2"]));
    inventory.write(
        "b/mentions.yaml",
        &format!("{}{MENTIONS_RESOURCE}", servers_records(&["s-3"])),
    );
    inventory.write("c/d/late.yml", &servers_records(&["s-4", "s-5", "s-6"]));
    inventory.write("z-resources.yaml", SERVERS_RESOURCE);

    let run = run_binary(
        &inventory,
        &["plan", ".", "--sandbox", "--detailed-exitcode"],
    );
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stdout
            .contains("Plan: 6 to add, 0 to change, 0 to destroy."),
        "{}",
        run.dump()
    );

    let run = run_binary(&inventory, &["plan", ".", "--sandbox", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["summary"]["add"], 6, "{}", run.stdout);
    let resources = plan["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1, "{}", run.stdout);
    let sources: Vec<(String, String, u64)> = resources[0]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|source| {
            (
                source["unique_id"].as_str().unwrap().to_string(),
                source["file"].as_str().unwrap().to_string(),
                source["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("s-1", "a/early.yaml", 5),
        ("s-2", "a/early.yaml", 8),
        ("s-3", "b/mentions.yaml", 5),
        ("s-4", "c/d/late.yml", 5),
        ("s-5", "c/d/late.yml", 8),
        ("s-6", "c/d/late.yml", 11),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(id, file, line)| (id.to_string(), file.to_string(), *line))
        .collect();
    assert_eq!(sources, expected);
}

#[test]
fn escaped_declarations_check_other_files() {
    // Only a backslash puts these declarations in the first pass, because their text never
    // spells `Resource`. The exception is the case that escapes only the base type.
    let cases = [
        (
            "escaped kind and base type",
            "kind: \"\\x52esource\"\nname: servers\nbaseType: \"Custom\\x52esource\"\n",
        ),
        (
            "four-digit escapes",
            "kind: \"\\u0052esource\"\nname: servers\nbaseType: \"Custom\\u0052esource\"\n",
        ),
        (
            "escaped base type only",
            "kind: Resource\nname: servers\nbaseType: \"Custom\\x52esource\"\n",
        ),
        (
            "escaped kind and name",
            "kind: \"\\x52esource\"\nname: \"serv\\x65rs\"\nbaseType: \"Custom\\x52esource\"\n",
        ),
        (
            "kind over an escaped line break",
            "kind: \"Reso\\\n  urce\"\nname: servers\nbaseType: \"Custom\\x52esource\"\n",
        ),
    ];
    for (name, fields) in cases {
        let declaration = format!("apiVersion: vanta-gitops/v1\n{fields}resourceId: r-servers\n");
        if name != "escaped base type only" {
            assert!(!declaration.contains("Resource"), "{name}: {declaration}");
        }
        let inventory = TestInventory::empty();
        inventory.write("z/servers.yaml", &declaration);
        inventory.write("a.yaml", &servers_records(&["s-1"]));
        inventory.write("b/more.yaml", &servers_records(&["s-2", "s-3"]));
        let run = run_binary(&inventory, &["validate", "."]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.dump());
        assert!(
            run.stderr
                .contains("The inventory is valid: 1 resource, 3 records, 0 custom tests."),
            "{name}: {}",
            run.dump()
        );

        inventory.write("b/more.yaml", &servers_records_with_colour(&["s-2", "s-3"]));
        let run = run_binary(&inventory, &["validate", "."]);
        let errors = run.errors();
        assert_eq!(run.code, Some(1), "{name}: {}", run.dump());
        assert_eq!(
            errors,
            [(
                "unknown field `colour`".to_string(),
                Some("b/more.yaml:11:5".to_string())
            )],
            "{name}: {}",
            run.dump()
        );
        assert_eq!(
            run.source_line_at("b/more.yaml:11:5").as_deref(),
            Some("    colour: blue"),
            "{name}: {}",
            run.dump()
        );
    }
}

/// A place in a file and the source line shown there.
type PlaceAndLine<'a> = (&'a str, &'a str);

/// Checks one `duplicate uniqueId` error: its place, the first copy's place, and the source
/// line shown under each in that diagnostic's output.
fn assert_duplicate(run: &Run, id: &str, at: PlaceAndLine, first: PlaceAndLine) {
    let dump = run.dump();
    let message = format!("duplicate uniqueId `{id}` in resource `servers`");
    assert!(
        run.errors().contains(&(message, Some(at.0.to_string()))),
        "{dump}"
    );
    let block = run.diagnostic_at(at.0).unwrap_or_else(|| panic!("{dump}"));
    assert_eq!(source_line(block, at.0).as_deref(), Some(at.1), "{dump}");
    assert!(block.contains(&format!("::: {}", first.0)), "{dump}");
    assert_eq!(
        source_line(block, first.0).as_deref(),
        Some(first.1),
        "{dump}"
    );
    assert!(block.contains("first used here"), "{dump}");
}

/// The line of a record whose `uniqueId` is `s-1`, in a file that `servers_records` wrote.
const S1_LINE: &str = "  - uniqueId: s-1";

#[test]
fn duplicates_across_passes_follow_path_order() {
    // A value with the word `Resource` puts the first file in the first pass.
    let first_pass =
        servers_records(&["s-1"]).replace("displayName: s-1", "displayName: Resource pool one");
    let second_pass = servers_records(&["s-1"]);
    for (a, b, order) in [
        (&first_pass, &second_pass, "first pass, then second"),
        (&second_pass, &first_pass, "second pass, then first"),
    ] {
        let inventory = TestInventory::empty();
        inventory.write("resources.yaml", SERVERS_RESOURCE);
        inventory.write("servers/a.yaml", a);
        inventory.write("servers/b.yaml", b);
        let run = run_binary(&inventory, &["validate", "."]);
        assert_eq!(run.code, Some(1), "{order}: {}", run.dump());
        assert_eq!(run.errors().len(), 1, "{order}: {}", run.dump());
        assert_duplicate(
            &run,
            "s-1",
            ("servers/b.yaml:5:15", S1_LINE),
            ("servers/a.yaml:5:15", S1_LINE),
        );
        assert!(
            run.stderr
                .contains("error: could not load the inventory (1 error)"),
            "{order}: {}",
            run.dump()
        );
    }
}

#[test]
fn three_copies_point_at_the_first() {
    let inventory = TestInventory::empty();
    inventory.write("resources.yaml", SERVERS_RESOURCE);
    inventory.write("a.yaml", &servers_records(&["s-0", "s-1"]));
    inventory.write(
        "b.yaml",
        &format!("{}{MENTIONS_RESOURCE}", servers_records(&["s-1"])),
    );
    inventory.write("c/c.yaml", &servers_records(&["s-1", "s-2"]));

    let run = run_binary(&inventory, &["validate", "."]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert_eq!(run.errors().len(), 2, "{}", run.dump());
    assert_duplicate(
        &run,
        "s-1",
        ("b.yaml:5:15", S1_LINE),
        ("a.yaml:8:15", S1_LINE),
    );
    assert_duplicate(
        &run,
        "s-1",
        ("c/c.yaml:5:15", S1_LINE),
        ("a.yaml:8:15", S1_LINE),
    );
    assert!(
        run.stderr
            .contains("error: could not load the inventory (2 errors)"),
        "{}",
        run.dump()
    );
}

#[test]
fn duplicates_within_and_across_files() {
    // Copies of `s-2` in one file, among other ids, must keep the first written whatever
    // the sort does with them. A quoted copy of `s-1` in flow style is read in the first pass.
    let inventory = TestInventory::empty();
    inventory.write("resources.yaml", SERVERS_RESOURCE);
    inventory.write(
        "a.yaml",
        &servers_records(&["s-2", "s-1", "s-2", "s-0", "s-2"]),
    );
    let flow = "  - { uniqueId: \"s-1\", displayName: Resource one, externalUrl: https://cmdb.example.com/s-1 }";
    inventory.write(
        "b.yaml",
        &format!(
            "apiVersion: vanta-gitops/v1\nkind: Records\nresource: servers\nrecords:\n{flow}\n"
        ),
    );

    let run = run_binary(&inventory, &["validate", "."]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert_eq!(run.errors().len(), 3, "{}", run.dump());
    let s2 = "  - uniqueId: s-2";
    assert_duplicate(&run, "s-2", ("a.yaml:11:15", s2), ("a.yaml:5:15", s2));
    assert_duplicate(&run, "s-2", ("a.yaml:17:15", s2), ("a.yaml:5:15", s2));
    assert_duplicate(&run, "s-1", ("b.yaml:5:17", flow), ("a.yaml:8:15", S1_LINE));
    assert!(
        run.stderr
            .contains("error: could not load the inventory (3 errors)"),
        "{}",
        run.dump()
    );
}

#[test]
fn second_pass_errors_survive_encodings() {
    let colour = servers_records_with_colour(&["s-1"]);
    let version = servers_records(&["s-1"]).replace("gitops/v1", "gitops/v2");
    let crlf = |text: &str| text.replace('\n', "\r\n");
    let bom = |text: &str| format!("\u{feff}{text}");
    let colour_message = "unknown field `colour`";
    let version_message =
        "unsupported `apiVersion`: found string `vanta-gitops/v2`, expected `vanta-gitops/v1`";
    let version_line = "apiVersion: vanta-gitops/v2";
    let cases: Vec<(&str, String, &str, &str, &str)> = vec![
        (
            "LF",
            colour.clone(),
            colour_message,
            "8:5",
            "    colour: blue",
        ),
        (
            "BOM",
            bom(&colour),
            colour_message,
            "8:5",
            "    colour: blue",
        ),
        (
            "CRLF",
            crlf(&colour),
            colour_message,
            "8:5",
            "    colour: blue",
        ),
        (
            "BOM and CRLF",
            bom(&crlf(&colour)),
            colour_message,
            "8:5",
            "    colour: blue",
        ),
        (
            "BOM, line 1",
            bom(&version),
            version_message,
            "1:13",
            version_line,
        ),
        (
            "BOM and CRLF, line 1",
            bom(&crlf(&version)),
            version_message,
            "1:13",
            version_line,
        ),
        (
            "CRLF, first pass",
            crlf(&format!("{colour}{MENTIONS_RESOURCE}")),
            colour_message,
            "8:5",
            "    colour: blue",
        ),
    ];
    for (name, text, message, place, source) in cases {
        let inventory = TestInventory::empty();
        inventory.write("resources.yaml", SERVERS_RESOURCE);
        inventory.write("servers/records.yaml", &text);
        let location = format!("servers/records.yaml:{place}");
        let run = run_binary(&inventory, &["validate", "."]);
        let dump = format!("{name}: {}", run.dump());
        assert_eq!(run.code, Some(1), "{dump}");
        assert_eq!(
            run.errors(),
            [(message.to_string(), Some(location.clone()))],
            "{dump}"
        );
        assert_eq!(
            run.source_line_at(&location).as_deref(),
            Some(source),
            "{dump}"
        );
    }
}

#[test]
fn unreadable_files_in_either_pass() {
    let valid = servers_records(&["s-1"]);
    let (head, tail) = valid.split_once("displayName: s-1").unwrap();
    let prefix = format!("{head}displayName: caf");
    let offset = prefix.len();
    let mut latin1 = prefix.into_bytes();
    latin1.push(0xe9);
    latin1.extend_from_slice(tail.as_bytes());
    let mut latin1_mentioning = latin1.clone();
    latin1_mentioning.extend_from_slice(MENTIONS_RESOURCE.as_bytes());
    let utf8_message = format!("file is not valid UTF-8 (invalid byte at offset {offset})");

    let big = servers_records(&["s-1", "s-2", "s-3"]);
    let big_mentioning = format!("{big}{MENTIONS_RESOURCE}");
    let limit = 200;
    assert!(SERVERS_RESOURCE.len() <= limit);
    assert!(big.len() > limit);
    let size_message = |text: &str| {
        format!(
            "file is {} bytes, larger than the limit of {limit} bytes",
            text.len()
        )
    };

    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        ("not UTF-8", latin1, utf8_message.clone()),
        (
            "not UTF-8, mentions Resource",
            latin1_mentioning,
            utf8_message,
        ),
        (
            "over the limit",
            big.clone().into_bytes(),
            size_message(&big),
        ),
        (
            "over the limit, mentions Resource",
            big_mentioning.clone().into_bytes(),
            size_message(&big_mentioning),
        ),
    ];
    for (name, bytes, message) in cases {
        let inventory = TestInventory::empty();
        inventory.write("z-resources.yaml", SERVERS_RESOURCE);
        inventory.write("a/good.yaml", &servers_records(&["s-0"]));
        std::fs::create_dir_all(inventory.path().join("a/b")).unwrap();
        std::fs::write(inventory.path().join("a/b/bad.yaml"), bytes).unwrap();
        let limit = limit.to_string();
        let run = run_binary(
            &inventory,
            &["validate", ".", "--max-file-bytes", limit.as_str()],
        );
        let dump = format!("{name}: {}", run.dump());
        assert_eq!(run.code, Some(1), "{dump}");
        assert_eq!(
            run.errors(),
            [(message, Some("a/b/bad.yaml:1:1".to_string()))],
            "{dump}"
        );
        assert!(
            run.stderr
                .contains("error: could not load the inventory (1 error)"),
            "{dump}"
        );
    }
}

/// Returns `hosts` declarations with one mistake each: the case, the fields after `name`, and
/// the message, place and source line reported.
fn invalid_hosts_cases() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    vec![
        (
            "unknown base type",
            "baseType: Secrets\nresourceId: r-hosts\n",
            "invalid value for `baseType`: expected one of `UserAccount`",
            "z/hosts.yaml:4:11",
            "baseType: Secrets",
        ),
        (
            "missing resourceId",
            "baseType: Secret\n",
            "missing required field `resourceId`",
            "z/hosts.yaml:1:1",
            "apiVersion: vanta-gitops/v1",
        ),
        (
            "misspelt field",
            "baseType: Secret\nresourceID: r-hosts\n",
            "unknown field `resourceID`",
            "z/hosts.yaml:5:1",
            "resourceID: r-hosts",
        ),
    ]
}

/// Records of `hosts`, read in the second pass.
const HOSTS_RECORDS: &str = "\
apiVersion: vanta-gitops/v1
kind: Records
resource: hosts
records: []
";

#[test]
fn records_of_missing_or_invalid_resources() {
    let inventory = TestInventory::empty();
    inventory.write(
        "a/servers.yaml",
        &servers_records(&["s-1"]).replace("resource: servers", "resource: server"),
    );
    inventory.write("z/resources.yaml", SERVERS_RESOURCE);
    assert_one_error(
        &inventory,
        "undeclared resource `server`",
        "a/servers.yaml:3:11",
        "resource: server",
    );
    let run = run_binary(&inventory, &["validate", "."]);
    assert!(
        run.stderr.contains("help: did you mean `servers`?"),
        "{}",
        run.dump()
    );

    for (name, fields, message, location, source) in invalid_hosts_cases() {
        let inventory = TestInventory::empty();
        inventory.write("a/hosts.yaml", HOSTS_RECORDS);
        inventory.write(
            "z/hosts.yaml",
            &format!("apiVersion: vanta-gitops/v1\nkind: Resource\nname: hosts\n{fields}"),
        );
        assert_case_has_one_error(name, &inventory, message, location, source);
    }
}

#[test]
fn records_of_resource_with_invalid_jtd() {
    let inventory = TestInventory::empty();
    inventory.write("a/hosts.yaml", HOSTS_RECORDS);
    inventory.write(
        "z/hosts.yaml",
        "apiVersion: vanta-gitops/v1\nkind: Resource\nname: hosts\nbaseType: CustomResource\n\
         resourceId: r-hosts\ncustomProperties:\n  properties:\n    ram: { type: int64 }\n",
    );
    assert_one_error(
        &inventory,
        "invalid JTD schema in `customProperties` at `/properties/ram/type`: unknown type `int64`",
        "z/hosts.yaml:8:18",
        "    ram: { type: int64 }",
    );
}

/// A Workspace that names `servers` before any file declares it. Line 5 is the protected
/// resource, line 8 the sensitive one and line 9 its fields.
const WORKSPACE: &str = "\
apiVersion: vanta-gitops/v1
kind: Workspace
name: acme
protected:
  - resource: servers
    uniqueIds: [s-1]
sensitive:
  - resource: servers
    fields: [externalUrl]
";

/// A Custom Test of `servers`, for the same file as its records. Line 7 has the field.
const CUSTOM_TEST: &str = "\
apiVersion: vanta-gitops/v1
kind: CustomTest
name: servers-named
resource: servers
description: Every server has a display name.
rule:
  all: [{ field: displayName, equals: s-1 }]
";

#[test]
fn custom_test_and_workspace_before_resource() {
    let write = |workspace: &str, mixed: &str| {
        let inventory = TestInventory::empty();
        inventory.write("0-workspace.yaml", workspace);
        inventory.write("a/servers.yaml", mixed);
        inventory.write("z/resources.yaml", SERVERS_RESOURCE);
        inventory
    };
    let records = servers_records(&["s-1", "s-2"]);
    let mixed = format!("{records}---\n{CUSTOM_TEST}");
    assert_valid(
        &write(WORKSPACE, &mixed),
        "The inventory is valid: 1 resource, 2 records, 1 custom test.",
    );

    // The Custom Test document starts on line 12 of the mixed file, so its field is on 18.
    let cases = [
        (
            "misspelt Custom Test field",
            WORKSPACE.to_string(),
            mixed.replace("field: displayName", "field: displayNme"),
            "unknown field `displayNme`: records of `servers` have no such field",
            "a/servers.yaml:18:18",
            "  all: [{ field: displayNme, equals: s-1 }]",
        ),
        (
            "record error before the Custom Test",
            WORKSPACE.to_string(),
            format!(
                "{}---\n{CUSTOM_TEST}",
                servers_records_with_colour(&["s-1", "s-2"])
            ),
            "unknown field `colour`",
            "a/servers.yaml:11:5",
            "    colour: blue",
        ),
        (
            "misspelt sensitive field",
            WORKSPACE.replace("[externalUrl]", "[externalURL]"),
            mixed.clone(),
            "sensitive field `externalURL` does not exist in the records of `servers`",
            "0-workspace.yaml:9:14",
            "    fields: [externalURL]",
        ),
        (
            "protected names an undeclared resource",
            WORKSPACE.replacen("resource: servers", "resource: server", 1),
            mixed.clone(),
            "undeclared resource `server` in the workspace's `protected`",
            "0-workspace.yaml:5:15",
            "  - resource: server",
        ),
    ];
    for (name, workspace, mixed, message, location, source) in cases {
        let inventory = write(&workspace, &mixed);
        assert_case_has_one_error(name, &inventory, message, location, source);
    }
}

#[test]
fn second_workspace_follows_path_order() {
    let inventory = TestInventory::empty();
    inventory.write("a.yaml", WORKSPACE);
    inventory.write("b.yaml", &format!("{WORKSPACE}{MENTIONS_RESOURCE}"));
    inventory.write("resources.yaml", SERVERS_RESOURCE);
    let run = run_binary(&inventory, &["validate", "."]);
    let dump = run.dump();
    assert_eq!(run.code, Some(1), "{dump}");
    assert_eq!(
        run.errors(),
        [(
            "more than one `Workspace` document".to_string(),
            Some("b.yaml:2:7".to_string())
        )],
        "{dump}"
    );
    assert!(run.stderr.contains("::: a.yaml:2:7"), "{dump}");
    assert_eq!(
        run.source_line_at("a.yaml:2:7").as_deref(),
        Some("kind: Workspace"),
        "{dump}"
    );
}

#[test]
fn json_and_github_formats_across_passes() {
    // A second-pass error.
    let inventory = TestInventory::empty();
    inventory.write("a/servers.yaml", &servers_records_with_colour(&["s-1"]));
    inventory.write("z/resources.yaml", SERVERS_RESOURCE);
    let json = run_binary(&inventory, &["validate", ".", "--format", "json"]);
    assert_eq!(json.code, Some(1), "{}", json.dump());
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["errors"], 1, "{}", json.stdout);
    assert_eq!(report["warnings"], 0, "{}", json.stdout);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["file"], "a/servers.yaml");
    assert_eq!(diagnostic["line"], 8);
    assert_eq!(diagnostic["column"], 5);
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown field `colour`"),
        "{}",
        json.stdout
    );
    let github = run_binary(&inventory, &["validate", ".", "--format", "github"]);
    assert_eq!(github.code, Some(1), "{}", github.dump());
    let lines: Vec<&str> = github.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", github.dump());
    assert!(
        lines[0].starts_with("::error file=a/servers.yaml,line=8,col=5::unknown field `colour`"),
        "{}",
        github.dump()
    );

    // A duplicate whose first copy is read in the first pass and the second in the second.
    let inventory = TestInventory::empty();
    inventory.write("resources.yaml", SERVERS_RESOURCE);
    inventory.write(
        "servers/a.yaml",
        &format!("{}{MENTIONS_RESOURCE}", servers_records(&["s-1"])),
    );
    inventory.write("servers/b.yaml", &servers_records(&["s-0", "s-1"]));
    let json = run_binary(&inventory, &["validate", ".", "--format", "json"]);
    assert_eq!(json.code, Some(1), "{}", json.dump());
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["errors"], 1, "{}", json.stdout);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(
        diagnostic["message"],
        "duplicate uniqueId `s-1` in resource `servers`"
    );
    assert_eq!(diagnostic["file"], "servers/b.yaml");
    assert_eq!(diagnostic["line"], 8);
    assert_eq!(diagnostic["column"], 15);
    let related = diagnostic["related"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{}", json.stdout);
    assert_eq!(related[0]["file"], "servers/a.yaml");
    assert_eq!(related[0]["line"], 5);
    assert_eq!(related[0]["column"], 15);
    assert_eq!(related[0]["label"], "first used here");
    let github = run_binary(&inventory, &["validate", ".", "--format", "github"]);
    assert_eq!(github.code, Some(1), "{}", github.dump());
    assert_eq!(
        github.stdout,
        "::error file=servers/b.yaml,line=8,col=15::duplicate uniqueId `s-1` in resource \
         `servers`%0Afirst used here: servers/a.yaml:5:15\n"
    );
    let text = run_binary(&inventory, &["validate", "."]);
    assert_duplicate(
        &text,
        "s-1",
        ("servers/b.yaml:8:15", S1_LINE),
        ("servers/a.yaml:5:15", S1_LINE),
    );
}

#[test]
fn many_files_with_one_error_near_the_end() {
    const FILES: usize = 300;
    let inventory = TestInventory::empty();
    for index in 0..FILES {
        let id = format!("s-{index:03}");
        let mut text = servers_records(&[id.as_str()]);
        // Every seventh file is read in the first pass.
        if index % 7 == 0 {
            text.push_str(MENTIONS_RESOURCE);
        }
        inventory.write(&format!("servers/{}/f{index:03}.yaml", index / 50), &text);
    }
    inventory.write("zz/resources.yaml", SERVERS_RESOURCE);
    assert_valid(
        &inventory,
        "The inventory is valid: 1 resource, 300 records, 0 custom tests.",
    );

    inventory.write(
        "servers/5/f297.yaml",
        &servers_records_with_colour(&["s-297"]),
    );
    assert_one_error(
        &inventory,
        "unknown field `colour`",
        "servers/5/f297.yaml:8:5",
        "    colour: blue",
    );
}
