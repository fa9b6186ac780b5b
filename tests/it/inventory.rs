//! Loading and validating inventories through the real binary: every kind of mistake is
//! reported with its message and exact `file:line:column`, and valid inventories of every base
//! type plan and apply against the sandbox.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use vanta_gitops::diagnostics::{Diagnostics, FileId};
use vanta_gitops::inventory::{json_schema, walk, yaml};

use crate::support::{Sandbox, TestInventory, fixture_inventory, sandbox_state};

/// Resources that most cases refer to: a custom resource with typed custom properties, user
/// accounts, security tasks and package vulnerabilities.
const RESOURCES: &str = "\
apiVersion: vanta-gitops/v1
kind: Resource
name: servers
baseType: CustomResource
resourceId: r-servers
customProperties:
  properties:
    name: { type: string }
    remote: { type: boolean }
    seats: { type: int32 }
    lastUpdated: { type: timestamp }
  optionalProperties:
    disks: { elements: { properties: { size: { type: int32 } } } }
    owner: { properties: { email: { type: string } } }
---
apiVersion: vanta-gitops/v1
kind: Resource
name: users
baseType: UserAccount
resourceId: r-users
---
apiVersion: vanta-gitops/v1
kind: Resource
name: tasks
baseType: SecurityTask
resourceId: r-tasks
---
apiVersion: vanta-gitops/v1
kind: Resource
name: vulns
baseType: PackageVulnerabilityConnectors
resourceId: r-vulns
";

/// A valid `servers` record file. Line 10 is `remote`, 11 `seats`, 12 `lastUpdated`.
const SERVER: &str = "\
apiVersion: vanta-gitops/v1
kind: Records
resource: servers
records:
  - uniqueId: s-1
    displayName: s-1
    externalUrl: https://cmdb.example.com/s-1
    customProperties:
      name: s-1
      remote: true
      seats: 4
      lastUpdated: \"2026-05-05T00:00:00Z\"
";

/// A valid `users` record file. Line 10 is `email`, 11 `permissionLevel`, 14 `mfaEnabled`.
const USER: &str = "\
apiVersion: vanta-gitops/v1
kind: Records
resource: users
records:
  - uniqueId: u-001
    displayName: Example User One
    externalUrl: https://idp.example.com/u-001
    fullName: Example User One
    accountName: user1
    email: user1@example.com
    permissionLevel: BASE
    createdTimestamp: \"2026-05-05T00:00:00Z\"
    status: ACTIVE
    mfaEnabled: true
    mfaMethods: [OTP]
    authMethod: SSO
";

/// A valid closed `tasks` record file. Line 11 is `taskState`, 16 `closedTimestamp`.
const TASK: &str = "\
apiVersion: vanta-gitops/v1
kind: Records
resource: tasks
records:
  - uniqueId: t-1
    displayName: Rotate keys
    externalUrl: https://tracker.example.com/t-1
    taskId: SEC-1
    taskTitle: Rotate keys
    createdTimestamp: \"2026-10-01T00:00:00Z\"
    taskState: CLOSED
    priority: P1
    assignees: [user1@example.com]
    creator: user2@example.com
    labels: []
    closedTimestamp: \"2026-10-03T00:00:00Z\"
";

/// A valid `vulns` record file. Line 9 is `severity`.
const VULN: &str = "\
apiVersion: vanta-gitops/v1
kind: Records
resource: vulns
records:
  - uniqueId: v-1
    displayName: openssl 3.0.1
    externalUrl: https://scanner.example.com/v-1
    packageName: openssl
    severity: 7.5
    packageVersion: 3.0.1
    vulnerableComponentUniqueId: repo-api
    description: Buffer overread
    isResolvable: true
    remediationInstructions: Upgrade
";

/// One kind of mistake: the files to write and the error the binary must report.
struct Case {
    name: &'static str,
    /// Whether to write `RESOURCES` as `resources.yaml` first.
    with_resources: bool,
    files: Vec<(&'static str, Vec<u8>)>,
    extra_args: Vec<&'static str>,
    /// A part of the error's message line.
    message: &'static str,
    /// `file:line:column` of the error, or `None` for an error that belongs to no file.
    location: Option<&'static str>,
    /// A second place the error must show, such as the first of two duplicates.
    related: Option<&'static str>,
    /// The number of errors the run must report.
    errors: usize,
}

impl Case {
    fn new(name: &'static str, message: &'static str, location: &'static str) -> Case {
        Case {
            name,
            with_resources: true,
            files: Vec::new(),
            extra_args: Vec::new(),
            message,
            location: Some(location),
            related: None,
            errors: 1,
        }
    }

    fn file(mut self, path: &'static str, text: impl Into<Vec<u8>>) -> Case {
        self.files.push((path, text.into()));
        self
    }

    /// Adds a copy of `template` with each `(from, to)` replaced; each `from` must occur once.
    fn edited(self, path: &'static str, template: &str, edits: &[(&str, &str)]) -> Case {
        let mut text = template.to_string();
        for (from, to) in edits {
            assert_eq!(text.matches(from).count(), 1, "`{from}` in {path}");
            text = text.replacen(from, to, 1);
        }
        self.file(path, text)
    }

    fn without_resources(mut self) -> Case {
        self.with_resources = false;
        self
    }

    fn related(mut self, location: &'static str) -> Case {
        self.related = Some(location);
        self
    }

    fn nowhere(mut self) -> Case {
        self.location = None;
        self
    }

    fn errors(mut self, count: usize) -> Case {
        self.errors = count;
        self
    }

    fn args(mut self, args: &[&'static str]) -> Case {
        self.extra_args.extend(args);
        self
    }
}

const CUSTOM_TEST: &str = "\
apiVersion: vanta-gitops/v1
kind: CustomTest
name: servers-are-big
resource: servers
description: Servers have seats.
rule:
  all:
    - { field: customProperties.remote, equals: true }
    - { field: customProperties.seats, atLeast: 2 }
";

const WORKSPACE: &str = "\
apiVersion: vanta-gitops/v1
kind: Workspace
name: acme
region: us
policy:
  maxDestroy: { count: 5, percent: 34 }
protected:
  - resource: users
    uniqueIds: [u-001]
sensitive:
  - resource: servers
    fields: [customProperties.name]
";

fn cases() -> Vec<Case> {
    vec![
        // YAML syntax and the YAML 1.2 core schema.
        Case::new("duplicate key", "duplicate key `remote`", "servers.yaml:11:7")
            .edited("servers.yaml", SERVER, &[("      seats: 4\n", "      remote: false\n      seats: 4\n")])
            .related("servers.yaml:10:7"),
        Case::new(
            "duplicate uniqueId across files",
            "duplicate uniqueId `s-1` in resource `servers`",
            "b.yaml:5:15",
        )
        .file("a.yaml", SERVER)
        .file("b.yaml", SERVER)
        .related("a.yaml:5:15"),
        Case::new(
            "YAML 1.1 boolean where a boolean is expected",
            "invalid value for `customProperties.remote`: expected a boolean, found string `yes`",
            "servers.yaml:10:15",
        )
        .edited("servers.yaml", SERVER, &[("remote: true", "remote: yes")]),
        Case::new(
            "NO where a boolean is expected",
            "invalid value for `mfaEnabled`: expected a boolean, found string `NO`",
            "users.yaml:14:17",
        )
        .edited("users.yaml", USER, &[("mfaEnabled: true", "mfaEnabled: NO")]),
        Case::new(
            "leading zero uniqueId",
            "ambiguous number `0140`",
            "servers.yaml:5:15",
        )
        .edited("servers.yaml", SERVER, &[("uniqueId: s-1", "uniqueId: 0140")]),
        Case::new(
            "unquoted numeric uniqueId",
            "invalid value for `uniqueId`: expected a string, found number `140`",
            "servers.yaml:5:15",
        )
        .edited("servers.yaml", SERVER, &[("uniqueId: s-1", "uniqueId: 140")]),
        Case::new(
            "leading zeros where a string is expected",
            "ambiguous number `0012`",
            "servers.yaml:9:13",
        )
        .edited("servers.yaml", SERVER, &[("name: s-1", "name: 0012")]),
        Case::new(
            "decimal where a string is expected",
            "invalid value for `customProperties.name`: expected a string, found number `1.10`",
            "servers.yaml:9:13",
        )
        .edited("servers.yaml", SERVER, &[("name: s-1", "name: 1.10")]),
        Case::new(
            "date-only timestamp",
            "invalid value for `customProperties.lastUpdated`: expected an RFC 3339 timestamp",
            "servers.yaml:12:20",
        )
        .edited(
            "servers.yaml",
            SERVER,
            &[("\"2026-05-05T00:00:00Z\"", "2026-05-05")],
        ),
        Case::new(
            "alias bomb",
            "YAML aliases are not supported",
            "bomb.yaml:2:8",
        )
        .file(
            "bomb.yaml",
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n\
             b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
             c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        )
        .file("anchors.yaml", "")
        .errors(3),
        Case::new(
            "10,000 levels of flow nesting",
            "YAML nesting is deeper than the parser's limit",
            "deep.yaml:1:256",
        )
        .file("deep.yaml", format!("{}{}\n", "[".repeat(10_000), "]".repeat(10_000))),
        Case::new(
            "10,000 levels of block nesting",
            "YAML nesting is deeper than the limit of 64 levels",
            "deep.yaml:65:129",
        )
        .file(
            "deep.yaml",
            (0..10_000)
                .map(|depth| format!("{}-\n", "  ".repeat(depth)))
                .collect::<String>(),
        ),
        Case::new("anchor", "YAML anchors are not supported", "servers.yaml:9:13")
            .edited("servers.yaml", SERVER, &[("name: s-1", "name: &n s-1")]),
        Case::new("merge key", "YAML merge keys (`<<`) are not supported", "servers.yaml:9:7")
            .edited("servers.yaml", SERVER, &[("name: s-1", "<<: {}\n      name: s-1")]),
        Case::new(
            "custom tag",
            "YAML tag `tag:yaml.org,2002:binary` is not supported",
            "servers.yaml:9:22",
        )
            .edited("servers.yaml", SERVER, &[("name: s-1", "name: !!binary czE=")]),
        Case::new("hexadecimal number", "ambiguous number `0x10`", "servers.yaml:11:14")
            .edited("servers.yaml", SERVER, &[("seats: 4", "seats: 0x10")]),
        Case::new("invalid YAML syntax", "invalid YAML", "servers.yaml:9:16")
            .edited("servers.yaml", SERVER, &[("name: s-1", "name: s-1: x")]),
        Case::new(
            "invalid UTF-8",
            "file is not valid UTF-8 (invalid byte at offset 18)",
            "latin1.yaml:1:1",
        )
        .file("latin1.yaml", b"apiVersion: vanta-\xe9gitops/v1\n".to_vec()),
        Case::new(
            "file larger than the limit",
            "file is 200 bytes, larger than the limit of 100 bytes",
            "big.yaml:1:1",
        )
        .without_resources()
        .file("big.yaml", format!("# {}\n", "x".repeat(197)))
        .args(&["--max-file-bytes", "100"]),
        Case::new(
            "error after a byte order mark",
            "invalid value for `customProperties.seats`",
            "bom.yaml:11:14",
        )
        .file(
            "bom.yaml",
            format!("\u{feff}{}", SERVER.replace("seats: 4", "seats: x")),
        ),
        Case::new(
            "error in a .yml file",
            "invalid value for `customProperties.seats`",
            "servers.yml:11:14",
        )
        .edited("servers.yml", SERVER, &[("seats: 4", "seats: many")]),
        // Document headers.
        Case::new("missing apiVersion", "missing `apiVersion`", "notes.yaml:1:1")
            .file("notes.yaml", "owner: platform-team\n"),
        Case::new(
            "unsupported apiVersion",
            "unsupported `apiVersion`: found string `vanta-gitops/v2`",
            "servers.yaml:1:13",
        )
        .edited("servers.yaml", SERVER, &[("gitops/v1", "gitops/v2")]),
        Case::new("missing kind", "missing `kind`", "servers.yaml:1:1")
            .edited("servers.yaml", SERVER, &[("kind: Records\n", "")]),
        Case::new("unknown kind", "unknown `kind`: found string `Record`", "servers.yaml:2:7")
            .edited("servers.yaml", SERVER, &[("kind: Records", "kind: Record")]),
        Case::new(
            "document that is not a mapping",
            "expected a mapping with `apiVersion` and `kind`, found a sequence",
            "list.yaml:1:1",
        )
        .file("list.yaml", "- a\n- b\n"),
        Case::new(
            "error in the second document of a file",
            "invalid value for `customProperties.seats`",
            "two.yaml:24:14",
        )
        .file(
            "two.yaml",
            format!(
                "{SERVER}---\n{}",
                SERVER.replace("s-1", "s-2").replace("seats: 4", "seats: four")
            ),
        ),
        Case::new("empty inventory", "no vanta-gitops documents found", "")
            .nowhere()
            .without_resources()
        .file("notes/readme.yaml", "# only a comment\n"),
        // Resource documents.
        Case::new("undeclared resource", "undeclared resource `server`", "servers.yaml:3:11")
            .edited("servers.yaml", SERVER, &[("resource: servers", "resource: server")]),
        Case::new(
            "resource declared twice",
            "resource `servers` is declared twice",
            "resources.yaml:3:7",
        )
        .related("more.yaml:3:7")
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: servers\nbaseType: Secret\nresourceId: r-2\n",
        ),
        Case::new(
            "unknown base type",
            "invalid value for `baseType`: expected one of `UserAccount`",
            "more.yaml:4:11",
        )
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: keys\nbaseType: Secrets\nresourceId: r-2\n",
        ),
        Case::new(
            "number where resourceId text is expected",
            "invalid value for `resourceId`: expected a string, found number `12`",
            "more.yaml:5:13",
        )
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: keys\nbaseType: Secret\nresourceId: 12\n",
        ),
        Case::new(
            "yes where allowEmpty is expected",
            "invalid value for `allowEmpty`: expected a boolean, found string `yes`",
            "more.yaml:6:13",
        )
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: keys\nbaseType: Secret\nresourceId: r-2\nallowEmpty: yes\n",
        ),
        Case::new(
            "invalid JTD in customProperties",
            "invalid JTD schema in `customProperties` at `/properties/ram/type`: unknown type `int64`",
            "more.yaml:8:18",
        )
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: hosts\nbaseType: CustomResource\nresourceId: r-2\ncustomProperties:\n  properties:\n    ram: { type: int64 }\n",
        ),
        Case::new(
            "misspelt Resource field",
            "unknown field `resourceID`",
            "more.yaml:5:1",
        )
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: keys\nbaseType: Secret\nresourceID: r-2\n",
        ),
        Case::new(
            "records of an invalid Resource",
            "invalid value for `baseType`",
            "more.yaml:4:11",
        )
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: keys\nbaseType: Secrets\nresourceId: r-2\n",
        )
        .file(
            "keys.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Records\nresource: keys\nrecords: []\n",
        ),
        Case::new(
            "every mistake of one Resource",
            "invalid value for `allowEmpty`: expected a boolean, found string `yes`",
            "more.yaml:6:13",
        )
        .file(
            "more.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Resource\nname: keys\nbaseType: Secret\nresourceID: r-2\nallowEmpty: yes\n",
        )
        .errors(2),
        // Records documents.
        Case::new("misspelt Records field", "unknown field `record`", "servers.yaml:4:1")
            .edited("servers.yaml", SERVER, &[("records:", "record:")])
            .errors(2),
        Case::new(
            "records not a sequence",
            "`records` must be a sequence, found a mapping",
            "servers.yaml:5:5",
        )
        .edited("servers.yaml", SERVER, &[("  - uniqueId", "    uniqueId")]),
        Case::new("records left null", "`records` is null", "servers.yaml:4:1").file(
            "servers.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Records\nresource: servers\nrecords:\n",
        ),
        Case::new(
            "defaults not a mapping",
            "`defaults` must be a mapping, found a sequence",
            "servers.yaml:4:11",
        )
        .edited("servers.yaml", SERVER, &[("records:\n", "defaults: [remote]\nrecords:\n")]),
        Case::new(
            "error in defaults reported once",
            "invalid value for `customProperties.seats`",
            "servers.yaml:7:12",
        )
        .file(
            "servers.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Records\nresource: servers\ndefaults:\n  externalUrl: https://cmdb.example.com/\n  customProperties:\n    seats: x\nrecords:\n  - { uniqueId: a, displayName: a, customProperties: { name: a, remote: true, lastUpdated: \"2026-05-05T00:00:00Z\" } }\n  - { uniqueId: b, displayName: b, customProperties: { name: b, remote: true, lastUpdated: \"2026-05-05T00:00:00Z\" } }\n",
        ),
        Case::new(
            "record that is not a mapping",
            "invalid record: expected a mapping, found string `s-1`",
            "servers.yaml:5:5",
        )
        .file(
            "servers.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Records\nresource: servers\nrecords:\n  - s-1\n",
        ),
        Case::new(
            "missing records field",
            "missing required field `records`",
            "servers.yaml:1:1",
        )
        .file(
            "servers.yaml",
            "apiVersion: vanta-gitops/v1\nkind: Records\nresource: servers\n",
        ),
        // Records against their schema.
        Case::new(
            "misspelt record field",
            "unknown field `mfaEnable`",
            "users.yaml:15:5",
        )
        .edited("users.yaml", USER, &[("mfaEnabled: true", "mfaEnabled: true\n    mfaEnable: true")]),
        Case::new(
            "custom property not in the JTD",
            "unknown field `customProperties.colour`",
            "servers.yaml:12:7",
        )
        .edited("servers.yaml", SERVER, &[("seats: 4\n", "seats: 4\n      colour: blue\n")]),
        Case::new(
            "misspelt nested custom property",
            "unknown field `customProperties.owner.emial`",
            "servers.yaml:12:16",
        )
        .errors(2)
        .edited("servers.yaml", SERVER, &[("seats: 4\n", "seats: 4\n      owner: { emial: a@example.com }\n")]),
        Case::new(
            "int32 above the range",
            "expected an integer (int32, -2147483648 to 2147483647), found number `2147483648`",
            "servers.yaml:11:14",
        )
        .edited("servers.yaml", SERVER, &[("seats: 4", "seats: 2147483648")]),
        Case::new(
            "int32 below the range",
            "expected an integer (int32, -2147483648 to 2147483647), found number `-2147483649`",
            "servers.yaml:11:14",
        )
        .edited("servers.yaml", SERVER, &[("seats: 4", "seats: -2147483649")]),
        Case::new(
            "underscore digits for an int32",
            "found string `1_000`",
            "servers.yaml:11:14",
        )
        .edited("servers.yaml", SERVER, &[("seats: 4", "seats: 1_000")]),
        Case::new(
            "quoted number for an int32",
            "invalid value for `customProperties.seats`: expected an integer (int32, -2147483648 to 2147483647), found string `12`",
            "servers.yaml:11:14",
        )
        .edited("servers.yaml", SERVER, &[("seats: 4", "seats: \"12\"")]),
        Case::new(
            "enum value",
            "invalid value for `permissionLevel`: expected one of ADMIN, EDITOR, BASE, found string `OWNER`",
            "users.yaml:11:22",
        )
        .edited("users.yaml", USER, &[("permissionLevel: BASE", "permissionLevel: OWNER")]),
        Case::new(
            "missing required field",
            "missing required field `email`",
            "users.yaml:5:5",
        )
        .edited("users.yaml", USER, &[("    email: user1@example.com\n", "")]),
        Case::new(
            "nested missing field",
            "missing required field `customProperties.seats`",
            "servers.yaml:9:7",
        )
        .edited("servers.yaml", SERVER, &[("      seats: 4\n", "")]),
        Case::new(
            "wrong type in a nested array element",
            "invalid value for `customProperties.disks[1].size`: expected an integer (int32",
            "servers.yaml:12:36",
        )
        .edited(
            "servers.yaml",
            SERVER,
            &[("seats: 4\n", "seats: 4\n      disks: [{ size: 1 }, { size: big }]\n")],
        ),
        Case::new(
            "closed SecurityTask without closedTimestamp",
            "closedTimestamp is missing",
            "tasks.yaml:5:5",
        )
        .edited("tasks.yaml", TASK, &[("    closedTimestamp: \"2026-10-03T00:00:00Z\"\n", "")]),
        Case::new(
            "open SecurityTask with closedTimestamp",
            "closedTimestamp",
            "tasks.yaml:16:22",
        )
        .edited("tasks.yaml", TASK, &[("taskState: CLOSED", "taskState: OPEN")]),
        Case::new("severity out of range", "severity", "vulns.yaml:9:15")
            .edited("vulns.yaml", VULN, &[("severity: 7.5", "severity: 11")]),
        // Workspace documents.
        Case::new("two Workspaces", "more than one `Workspace` document", "b.yaml:2:7")
            .file("a.yaml", WORKSPACE)
            .file("b.yaml", WORKSPACE)
            .related("a.yaml:2:7"),
        Case::new(
            "misspelt field in the Workspace policy",
            "unknown field `policy.maxDestory`",
            "workspace.yaml:6:3",
        )
        .edited("workspace.yaml", WORKSPACE, &[("maxDestroy", "maxDestory")]),
        Case::new(
            "misspelt field deep in the Workspace",
            "unknown field `policy.maxDestroy.percnt`",
            "workspace.yaml:6:27",
        )
        .edited("workspace.yaml", WORKSPACE, &[("percent", "percnt")]),
        Case::new(
            "unknown region",
            "invalid value for `region`: expected one of `us`, `gov`, found string `eu`",
            "workspace.yaml:4:9",
        )
        .edited("workspace.yaml", WORKSPACE, &[("region: us", "region: eu")]),
        Case::new(
            "protected names an undeclared resource",
            "undeclared resource `user` in the workspace's `protected`",
            "workspace.yaml:8:15",
        )
        .edited("workspace.yaml", WORKSPACE, &[("resource: users", "resource: user")]),
        Case::new(
            "sensitive names a missing field",
            "sensitive field `customProperties.nmae` does not exist in the records of `servers`",
            "workspace.yaml:12:14",
        )
        .edited("workspace.yaml", WORKSPACE, &[("Properties.name", "Properties.nmae")]),
        // CustomTest documents.
        Case::new(
            "misspelt field in a Custom Test rule",
            "unknown field `customProperties.seets`",
            "test.yaml:9:16",
        )
        .edited("test.yaml", CUSTOM_TEST, &[("Properties.seats", "Properties.seets")]),
        Case::new(
            "Custom Test for an undeclared resource",
            "undeclared resource `server`",
            "test.yaml:4:11",
        )
        .edited("test.yaml", CUSTOM_TEST, &[("resource: servers", "resource: server")]),
        Case::new(
            "misspelt Custom Test operator",
            "unknown field `atleast`",
            "test.yaml:9:40",
        )
        .edited("test.yaml", CUSTOM_TEST, &[("atLeast", "atleast")]),
    ]
}

/// Splits text output into `(message line, location)` pairs, where the location is the text
/// after `-->` on the line that follows the message, if any.
pub(crate) fn reported(stderr: &str) -> Vec<(String, Option<String>)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(message) = line.strip_prefix("error: ") else {
            continue;
        };
        let location = lines
            .get(index + 1)
            .and_then(|next| next.trim_start().strip_prefix("--> "))
            .map(str::to_string);
        found.push((message.to_string(), location));
    }
    found
}

/// Runs one case and returns what differs from the expectation.
fn check(case: &Case) -> Result<(), String> {
    let inventory = TestInventory::empty();
    if case.with_resources {
        inventory.write("resources.yaml", RESOURCES);
    }
    for (path, bytes) in &case.files {
        let path = inventory.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let output = inventory
        .command()
        .args(["validate", "."])
        .args(&case.extra_args)
        .timeout(std::time::Duration::from_secs(10))
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();
    if output.status.code() != Some(1) {
        problems.push(format!("exit code {:?}, expected 1", output.status.code()));
    }

    let location = case.location;
    let matched = reported(&stderr)
        .into_iter()
        .any(|(message, at)| message.contains(case.message) && at.as_deref() == location);
    if !matched {
        problems.push(format!(
            "no error containing `{}` at {location:?}",
            case.message
        ));
    }

    if let Some(related) = case.related
        && !stderr.contains(&format!("::: {related}"))
    {
        problems.push(format!("the related place {related} is not shown"));
    }
    let summary = format!("error: could not load the inventory ({} error", case.errors);
    if !stderr.contains(&summary) {
        problems.push(format!("no summary line `{summary}...`"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}\n{stderr}", case.name, problems.join("; ")))
    }
}

#[test]
fn every_mistake_is_reported_at_its_place() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|case| check(case).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// A Workspace that lifts the client's request pacing, which the test sandbox does not need.
const FAST_WORKSPACE: &str = "\
apiVersion: vanta-gitops/v1
kind: Workspace
policy:
  rateLimits: { tokenRequestsPerMinute: 600, resourceRequestsPerMinute: 6000 }
";

/// Copies the inventory of every base type, with client pacing lifted.
fn all_types() -> TestInventory {
    let inventory = fixture_inventory("all-types");
    inventory.write("workspace.yaml", FAST_WORKSPACE);
    inventory
}

#[test]
fn all_base_types_validate_plan_and_apply() {
    let inventory = all_types();
    inventory
        .command()
        .args(["validate", "."])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "The inventory is valid: 12 resources, 14 records, 0 custom tests.",
        ));

    let sandbox = Sandbox::for_inventory(&inventory);
    let mut plan = inventory.command();
    sandbox.configure(&mut plan);
    plan.args(["plan", ".", "--detailed-exitcode"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "Plan: 14 to add, 0 to change, 0 to destroy.",
        ));

    let mut apply = inventory.command();
    sandbox.configure(&mut apply);
    apply
        .args(["apply", ".", "--auto-approve"])
        .assert()
        .success();
    assert_eq!(sandbox.count("PUT"), 12, "{:?}", sandbox.requests());

    let mut replan = inventory.command();
    sandbox.configure(&mut replan);
    replan
        .args(["plan", ".", "--detailed-exitcode"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No changes."));
}

#[test]
fn values_are_sent_as_written() {
    let inventory = all_types();
    let sandbox = Sandbox::for_inventory(&inventory);
    let mut apply = inventory.command();
    sandbox.configure(&mut apply);
    apply
        .args(["apply", ".", "--auto-approve"])
        .assert()
        .success();

    let state = sandbox_state(&sandbox).to_string();
    for stored in [
        // Quoted digits stay text, never 96 or 140.
        r#""uniqueId":"0140""#,
        // YAML 1.1 booleans stay strings, as values and as keys.
        r#""countryCode":"NO""#,
        r#""roleDescription":"NO""#,
        r#""on":"call""#,
        r#""N":"north""#,
        // Unquoted timestamps are sent as written, offsets included.
        r#""lastUpdated":"2026-05-05T00:00:00Z""#,
        r#""lastUpdated":"2026-05-05T02:00:00+02:00""#,
        r#""completionDate":"2026-04-01T12:00:00+02:00""#,
        // The int32 bounds are accepted.
        r#""seats":2147483647"#,
        r#""seats":-2147483648"#,
    ] {
        assert!(state.contains(stored), "{stored} not in {state}");
    }
    assert!(!state.contains(r#""countryCode":false"#), "{state}");
}

#[test]
fn invalid_inventory_sends_no_request() {
    let inventory = all_types();
    let sandbox = Sandbox::for_inventory(&inventory);
    inventory.replace("servers.yml", "seats: 2147483647", "seats: 2147483648");
    for command in [vec!["plan", "."], vec!["apply", ".", "--auto-approve"]] {
        let mut run = inventory.command();
        sandbox.configure(&mut run);
        run.args(&command)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("--> servers.yml:17:14"));
    }
    assert_eq!(sandbox.requests(), Vec::<String>::new());
}

#[test]
fn empty_inventory_blocks_plan() {
    let inventory = TestInventory::empty();
    inventory.write("docs/notes.yaml", "# nothing here yet\n");
    let sandbox = Sandbox::start(Default::default());
    let mut plan = inventory.command();
    sandbox.configure(&mut plan);
    plan.args(["plan", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: no vanta-gitops documents found in `.`",
        ))
        .stderr(predicate::str::contains("(1 error)"));
    assert_eq!(sandbox.requests(), Vec::<String>::new());

    let output = inventory
        .command()
        .args(["validate", ".", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("::error::no vanta-gitops documents found in `.`%0Ahelp: "),
        "{stdout}"
    );
}

#[test]
fn hidden_folders_and_ignored_files_are_skipped() {
    let inventory = fixture_inventory("all-types");
    inventory.write(".drafts/broken.yaml", "kind: [unclosed\n");
    inventory.write("scratch/broken.yaml", "not: an inventory document\n");
    inventory.write("scratch/keep.yaml", "not: an inventory document\n");
    inventory.write(".vanta-gitops-ignore", "scratch/broken.yaml\n");
    inventory
        .command()
        .args(["validate", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--> scratch/keep.yaml:1:1"))
        .stderr(predicate::str::contains("broken.yaml").not())
        .stderr(predicate::str::contains("(1 error)"));
}

/// Writes an inventory with `count` records whose `permissionLevel` is invalid.
fn inventory_with_bad_users(count: usize) -> TestInventory {
    let inventory = TestInventory::empty();
    inventory.write("resources.yaml", RESOURCES);
    let records: String = (0..count)
        .map(|index| {
            USER.split_once("records:\n")
                .unwrap()
                .1
                .replace("u-001", &format!("u-{index:03}"))
                .replace("permissionLevel: BASE", "permissionLevel: \"50%\"")
        })
        .collect();
    let head = USER.split_once("records:\n").unwrap().0;
    inventory.write("a,b.yaml", &format!("{head}records:\n{records}"));
    inventory
}

#[test]
fn json_format_reports_every_error() {
    let inventory = inventory_with_bad_users(2);
    let output = inventory
        .command()
        .args(["validate", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["errors"], 2);
    assert_eq!(report["warnings"], 0);
    let first = &report["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "a,b.yaml");
    assert_eq!(first["line"], 11);
    assert_eq!(first["column"], 22);
    assert_eq!(
        first["message"],
        "invalid value for `permissionLevel`: expected one of ADMIN, EDITOR, BASE, found string `50%`"
    );
    assert_eq!(report["diagnostics"][1]["line"], 23);
}

#[test]
fn github_format_escapes_and_caps_annotations() {
    let inventory = inventory_with_bad_users(12);
    let output = inventory
        .command()
        .args(["validate", ".", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 11, "{stdout}");
    assert_eq!(
        lines[0],
        "::error file=a%2Cb.yaml,line=11,col=22::invalid value for `permissionLevel`: \
         expected one of ADMIN, EDITOR, BASE, found string `50%25`"
    );
    assert!(
        lines[..10]
            .iter()
            .all(|line| line.starts_with("::error file=a%2Cb.yaml,"))
    );
    assert_eq!(
        lines[10],
        "::notice::2 more problems not shown as annotations; run `vanta-gitops validate` to see all of them"
    );
}

#[test]
fn github_format_shows_both_duplicates() {
    let inventory = TestInventory::empty();
    inventory.write("resources.yaml", RESOURCES);
    inventory.write("a.yaml", SERVER);
    inventory.write("b.yaml", SERVER);
    let output = inventory
        .command()
        .args(["validate", ".", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "::error file=b.yaml,line=5,col=15::duplicate uniqueId `s-1` in resource `servers`\
         %0Afirst used here: a.yaml:5:15\n"
    );
}

/// The environment variable that makes [`checked_in_schemas_are_current`] rewrite the schemas.
const UPDATE_SCHEMAS_ENV: &str = "VANTA_GITOPS_UPDATE_SCHEMAS";

#[test]
fn checked_in_schemas_are_current() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example_schemas = repository.join("examples/inventory/.schemas");
    let generated = tempfile::tempdir().unwrap();
    TestInventory::example()
        .command()
        .args(["schema", "."])
        .arg("--out")
        .arg(generated.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("Wrote 3 schemas"));

    // The schema of every document kind also lives at the top of `schemas/`.
    let mut expected: Vec<(PathBuf, PathBuf)> = vec![(
        generated.path().join("inventory.schema.json"),
        repository.join("schemas/inventory.schema.json"),
    )];
    for entry in std::fs::read_dir(generated.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        expected.push((path, example_schemas.join(name)));
    }
    let update = std::env::var_os(UPDATE_SCHEMAS_ENV).is_some_and(|value| value == "1");
    let mut stale = Vec::new();
    for (fresh, checked_in) in &expected {
        let fresh_text = std::fs::read_to_string(fresh).unwrap();
        if std::fs::read_to_string(checked_in).ok().as_deref() == Some(fresh_text.as_str()) {
            continue;
        }
        if update {
            std::fs::write(checked_in, &fresh_text).unwrap();
        } else {
            stale.push(
                checked_in
                    .strip_prefix(repository)
                    .unwrap()
                    .display()
                    .to_string(),
            );
        }
    }
    let mut checked_in_names: Vec<_> = std::fs::read_dir(&example_schemas)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    checked_in_names.sort();
    let mut generated_names: Vec<_> = std::fs::read_dir(generated.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    generated_names.sort();
    assert_eq!(
        checked_in_names, generated_names,
        "examples/inventory/.schemas holds other files than `vanta-gitops schema` writes"
    );
    assert!(
        stale.is_empty(),
        "these checked-in JSON Schemas differ from what the code generates: {stale:?}; \
         regenerate them with `{UPDATE_SCHEMAS_ENV}=1 cargo test --test it checked_in_schemas` \
         and commit the result"
    );
}

/// Reads every document of a YAML file as JSON.
fn yaml_documents(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut diagnostics = Diagnostics::default();
    let documents = yaml::parse(&text, FileId(0), &mut diagnostics);
    assert!(
        !diagnostics.has_errors(),
        "{}: {diagnostics:?}",
        path.display()
    );
    documents
        .into_iter()
        .filter_map(|document| document.root)
        .map(|root| root.to_json())
        .collect()
}

/// Checks every document of an inventory against the schemas generated for it, and returns
/// the problems found.
fn schema_problems(root: &Path) -> Vec<String> {
    let (inventory, _) = vanta_gitops::inventory::load(root).unwrap();
    let documents_schema = jsonschema::validator_for(&json_schema::inventory_schema()).unwrap();
    let mut problems = Vec::new();
    for file in walk::find_yaml_files(root).unwrap() {
        for document in yaml_documents(&file) {
            let validator = match (&document["kind"], &document["resource"]) {
                (kind, serde_json::Value::String(name)) if kind == "Records" => {
                    let resource = inventory.resource(name).unwrap();
                    jsonschema::validator_for(&json_schema::records_schema(resource)).unwrap()
                }
                _ => documents_schema.clone(),
            };
            for error in validator.iter_errors(&document) {
                problems.push(format!("{}: {error}", file.display()));
            }
        }
    }
    problems
}

#[test]
fn inventories_match_their_json_schemas() {
    let example = crate::support::example_dir();
    assert_eq!(schema_problems(&example), Vec::<String>::new());
    let all_types = crate::support::fixture_dir("all-types");
    assert_eq!(schema_problems(&all_types), Vec::<String>::new());
}

#[test]
fn json_schemas_reject_misspelt_fields() {
    let inventory = TestInventory::example();
    inventory.replace(
        "users/operations.yaml",
        "mfaEnabled: false",
        "mfaEnable: false",
    );
    inventory.replace("workspace.yaml", "maxDestroy:", "maxDestory:");
    inventory.replace("tests/servers-have-memory.yaml", "atLeast", "atleast");
    let problems = schema_problems(inventory.path());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("operations.yaml") && p.contains("mfaEnable")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("workspace.yaml")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("servers-have-memory.yaml")),
        "{problems:?}"
    );
}
