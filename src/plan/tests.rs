//! Tests of whole plans: masking, array changes, ordering, and the property that a plan made
//! right after its own apply is empty.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::diagnostics::{SourceMap, Span};
use crate::inventory::model::DesiredRecord;
use crate::plan::model::{Action, ElementOp, Plan};
use crate::plan::record::RecordJson;
use crate::plan::render::text::TextOptions;
use crate::plan::render::{json as json_render, markdown, text};
use crate::plan::{PlanInput, ResourceInput, build};
use crate::schema::base::{BaseType, record_schema_json};
use crate::schema::jtd::{Form, Schema};
use crate::vanta::RemoteRecord;

/// Returns the custom properties schema of the servers in these tests, with one field of each
/// kind that normalisation treats specially.
fn server_properties() -> Value {
    json!({
        "properties": {
            "name": { "type": "string" },
            "active": { "type": "boolean" },
            "memory": { "type": "int32" },
            "lastUpdated": { "type": "timestamp" }
        },
        "optionalProperties": {
            "notes": { "type": "string" },
            "apiKey": { "type": "string" },
            "tags": { "elements": { "type": "string" }, "metadata": { "unordered": true } },
            "ports": { "elements": { "type": "int32" } },
            "ratio": { "type": "float64" },
            "logins": {
                "elements": {
                    "properties": { "user": { "type": "string" }, "secret": { "type": "string" } }
                }
            }
        }
    })
}

fn schema_of(base: BaseType) -> Schema {
    let properties = server_properties();
    let custom = (base == BaseType::CustomResource).then_some(&properties);
    Schema::from_json(&record_schema_json(base, custom)).expect("a valid record schema")
}

/// The desired and current records of one resource, and how to plan them.
struct Fixture {
    base: BaseType,
    schema: Schema,
    sources: SourceMap,
    desired: Vec<DesiredRecord>,
    remote: Vec<RemoteRecord>,
    sensitive: Vec<Vec<String>>,
}

impl Fixture {
    fn new(base: BaseType) -> Fixture {
        let mut sources = SourceMap::default();
        sources.add("servers.yaml".into(), String::new());
        Fixture {
            base,
            schema: schema_of(base),
            sources,
            desired: Vec::new(),
            remote: Vec::new(),
            sensitive: Vec::new(),
        }
    }

    fn want(&mut self, value: Value) {
        let unique_id = value["uniqueId"].as_str().unwrap().to_string();
        let line = u32::try_from(self.desired.len()).unwrap() * 5 + 3;
        let fractional =
            crate::plan::normalize::fractional_timestamps(&value, &self.schema, &self.schema);
        let span = Span {
            file: crate::diagnostics::FileId(0),
            line,
            column: 5,
            len: 1,
        };
        self.desired.push(DesiredRecord {
            unique_id,
            fractional,
            json: RecordJson::new(value, &self.schema),
            span,
            unique_span: span,
        });
    }

    fn have(&mut self, value: Value, deleted: bool) {
        let unique_id = value["uniqueId"].as_str().unwrap().to_string();
        self.remote.push(RemoteRecord {
            unique_id,
            json: RecordJson::new(value, &self.schema),
            deleted,
        });
    }

    fn plan(&self) -> Plan {
        let input = PlanInput {
            workspace: Some("test"),
            api_url: "https://user:password@api.example.test/?token=abc",
            sources: &self.sources,
            resources: vec![ResourceInput {
                name: "servers",
                base_type: self.base,
                resource_id: "r1",
                managed: true,
                schema: &self.schema,
                desired: &self.desired,
                remote: &self.remote,
                sensitive: self.sensitive.clone(),
            }],
            custom_tests: &[],
        };
        build(&input)
    }
}

fn server(id: &str, memory: i64) -> Value {
    json!({
        "displayName": id,
        "uniqueId": id,
        "externalUrl": format!("https://cmdb.example/{id}"),
        "customProperties": {
            "name": id, "active": true, "memory": memory, "lastUpdated": "2026-05-05T00:00:00Z"
        }
    })
}

/// Renders a plan in every format, which also runs the renderers' checks against invisible
/// changes.
fn every_rendering(plan: &Plan) -> Vec<String> {
    let mut outputs = Vec::new();
    for full in [false, true] {
        for color in [false, true] {
            outputs.push(text::render(plan, TextOptions { color, full }));
        }
    }
    outputs.push(markdown::render(plan));
    outputs.push(json_render::render(plan));
    outputs
}

#[test]
fn sensitive_values_are_masked_in_every_output() {
    let mut fixture = Fixture::new(BaseType::CustomResource);
    fixture.sensitive = vec![
        vec!["customProperties".into(), "apiKey".into()],
        vec!["customProperties".into(), "tags".into()],
        vec!["customProperties".into(), "logins".into(), "secret".into()],
    ];
    let with_secret = |id: &str, secret: &str| {
        let mut value = server(id, 8192);
        value["customProperties"]["apiKey"] = json!(secret);
        value["customProperties"]["tags"] = json!([format!("tag-{secret}"), "a", "b", "c"]);
        value["customProperties"]["logins"] = json!([
            { "user": "a", "secret": format!("login-{secret}") },
            { "user": "b", "secret": "x" }, { "user": "c", "secret": "y" },
            { "user": "d", "secret": "z" }
        ]);
        value
    };
    fixture.want(with_secret("srv_create", "secret-created"));
    fixture.want(with_secret("srv_update", "secret-new"));
    fixture.have(with_secret("srv_update", "secret-old"), false);
    fixture.want(with_secret("srv_same", "secret-kept"));
    fixture.have(with_secret("srv_same", "secret-kept"), false);
    fixture.have(with_secret("srv_delete", "secret-deleted"), false);
    let plan = fixture.plan();

    assert_eq!(plan.summary.add, 1);
    assert_eq!(plan.summary.change, 1);
    assert_eq!(plan.summary.destroy, 1);
    for output in every_rendering(&plan) {
        assert!(!output.contains("secret-"), "a secret leaked:\n{output}");
    }
    let plain = text::render(&plan, TextOptions::default());
    assert!(plain.contains("~ customProperties.apiKey = (sensitive value changed)"));
    assert!(plain.contains("+ customProperties.apiKey = (sensitive value)"));
    assert!(plain.contains("- customProperties.apiKey = (sensitive value)"));
    assert!(
        markdown::render(&plan).contains("! customProperties.apiKey = (sensitive value changed)")
    );
}

#[test]
fn plan_keeps_no_credentials_of_the_api_url() {
    let plan = Fixture::new(BaseType::CustomResource).plan();
    assert_eq!(plan.api_url, "https://api.example.test");
}

#[test]
fn long_arrays_change_by_element() {
    let mut fixture = Fixture::new(BaseType::CustomResource);
    let mut desired = server("srv_1", 8192);
    desired["customProperties"]["ports"] = json!([22, 80, 443, 8080, 9090]);
    let mut current = server("srv_1", 8192);
    current["customProperties"]["ports"] = json!([22, 80, 444, 8080]);
    fixture.want(desired);
    fixture.have(current, false);
    let plan = fixture.plan();

    let field = &plan.resources[0].changes[0].fields[0];
    let ops: Vec<(ElementOp, i64)> = field
        .elements
        .iter()
        .map(|element| (element.op, element.value.as_i64().unwrap()))
        .collect();
    assert_eq!(
        ops,
        [
            (ElementOp::Keep, 22),
            (ElementOp::Keep, 80),
            (ElementOp::Remove, 444),
            (ElementOp::Add, 443),
            (ElementOp::Keep, 8080),
            (ElementOp::Add, 9090),
        ]
    );
    let short = text::render(&plan, TextOptions::default());
    assert!(short.contains("# (2 unchanged elements hidden)"), "{short}");
    assert!(short.contains("- 444,"), "{short}");
    let full = text::render(
        &plan,
        TextOptions {
            color: false,
            full: true,
        },
    );
    assert!(full.contains("  22,"), "{full}");
    assert!(!full.contains("unchanged element"), "{full}");
}

#[test]
fn short_arrays_change_as_one_line() {
    let mut fixture = Fixture::new(BaseType::CustomResource);
    let mut desired = server("srv_1", 8192);
    desired["customProperties"]["ports"] = json!([22, 443]);
    let mut current = server("srv_1", 8192);
    current["customProperties"]["ports"] = json!([22, 80]);
    fixture.want(desired);
    fixture.have(current, false);
    let plain = text::render(&fixture.plan(), TextOptions::default());
    assert!(
        plain.contains("~ customProperties.ports = [22, 80] -> [22, 443]"),
        "{plain}"
    );
}

#[test]
fn empty_object_against_absent_is_a_change() {
    let mut fixture = Fixture::new(BaseType::CustomResource);
    let mut desired = server("srv_1", 8192);
    desired["extra"] = json!({});
    fixture.want(desired);
    fixture.have(server("srv_1", 8192), false);
    let plain = text::render(&fixture.plan(), TextOptions::default());
    assert!(plain.contains("+ extra = {}"), "{plain}");
}

#[test]
fn unchanged_reactivation_is_shown() {
    let mut fixture = Fixture::new(BaseType::UserAccount);
    let account = user("u1", &["SMS"]);
    fixture.want(account.clone());
    fixture.have(account, true);
    let plan = fixture.plan();
    assert_eq!(plan.resources[0].changes[0].action, Action::Reactivate);
    let plain = text::render(&plan, TextOptions::default());
    assert!(plain.contains("will be reactivated"), "{plain}");
    assert!(plain.contains("unchanged fields hidden"), "{plain}");
}

#[test]
fn same_inputs_in_any_order_give_identical_output() {
    let mut forward = Fixture::new(BaseType::CustomResource);
    let mut backward = Fixture::new(BaseType::CustomResource);
    let ids = ["srv_3", "srv_1", "srv_2", "srv_10"];
    for (index, id) in ids.iter().enumerate() {
        forward.want(server(id, 1024 * (index as i64 + 1)));
        forward.have(server(id, 512), false);
    }
    for (index, id) in ids.iter().enumerate().rev() {
        backward.want(server(id, 1024 * (index as i64 + 1)));
        backward.have(server(id, 512), false);
    }
    // Lines differ between the two orders, so only compare what does not name lines.
    for fixture in [&mut forward, &mut backward] {
        for record in &mut fixture.desired {
            record.span.line = 1;
        }
    }
    let (first, second) = (forward.plan(), backward.plan());
    assert_eq!(every_rendering(&first), every_rendering(&second));
    let order: Vec<&str> = first.resources[0]
        .changes
        .iter()
        .map(|change| change.unique_id.as_str())
        .collect();
    assert_eq!(order, ["srv_1", "srv_10", "srv_2", "srv_3"]);
}

#[test]
fn email_case_warning_hides_sensitive_addresses() {
    let mut fixture = Fixture::new(BaseType::UserAccount);
    let mut first = user("u1", &[]);
    first["email"] = json!("Ada@Example.com");
    let mut second = user("u2", &[]);
    second["email"] = json!("ada@example.com");
    fixture.want(first);
    fixture.want(second);
    assert_eq!(fixture.plan().warnings.len(), 1);
    assert!(fixture.plan().warnings[0].contains("`Ada@Example.com`"));
    fixture.sensitive = vec![vec!["email".into()]];
    let plan = fixture.plan();
    assert_eq!(plan.warnings.len(), 1);
    for output in every_rendering(&plan) {
        assert!(!output.to_lowercase().contains("ada@"), "{output}");
    }
}

#[test]
fn plan_digest_ignores_member_order() {
    let mut fixture = Fixture::new(BaseType::CustomResource);
    let mut changed = server("s-1", 4);
    changed["customProperties"]["logins"] = json!([{"user": "ada", "secret": "x"}]);
    fixture.want(changed);
    fixture.have(server("s-1", 4), false);
    let plan = fixture.plan();
    let text = json_render::render(&plan);
    assert!(text.contains(r#""secret": "x""#), "{text}");

    // Rewrite the saved plan with the members of the login in the other order.
    let mut saved: Value = serde_json::from_str(&text).unwrap();
    let login = &mut saved["resources"][0]["changes"][0]["fields"][0]["after"][0];
    let reversed: serde_json::Map<String, Value> = login
        .as_object()
        .unwrap()
        .iter()
        .rev()
        .map(|(name, member)| (name.clone(), member.clone()))
        .collect();
    *login = Value::Object(reversed);
    let reordered = serde_json::to_string(&saved).unwrap();
    assert!(
        reordered.contains(r#"{"user":"ada","secret":"x"}"#),
        "{reordered}"
    );
    let mut read: Plan = serde_json::from_str(&reordered).unwrap();
    assert_eq!(crate::plan::diff::plan_digest(&mut read), plan.plan_digest);

    let edited = text.replace(r#""secret": "x""#, r#""secret": "y""#);
    let mut read: Plan = serde_json::from_str(&edited).unwrap();
    assert_ne!(crate::plan::diff::plan_digest(&mut read), plan.plan_digest);
}

fn user(id: &str, mfa: &[&str]) -> Value {
    json!({
        "displayName": id,
        "uniqueId": id,
        "externalUrl": format!("https://idp.example/{id}"),
        "fullName": id,
        "accountName": id,
        "email": format!("{id}@example.com"),
        "permissionLevel": "BASE",
        "createdTimestamp": "2026-01-01T00:00:00Z",
        "status": "ACTIVE",
        "mfaEnabled": !mfa.is_empty(),
        "mfaMethods": mfa,
        "authMethod": "PASSWORD"
    })
}

// The property: after an apply stores the desired records, the next plan has no changes.
// Records are random but valid; the "stored" copy is changed the ways Vanta may change a record
// without changing its meaning.

/// Generates timestamps as written in YAML, from seconds since the epoch, milliseconds and an
/// offset.
fn timestamp() -> impl Strategy<Value = String> {
    (
        0i64..4_000_000_000,
        prop::option::of(0u32..1000),
        prop::sample::select(vec![0i32, -420, 330, 780]),
    )
        .prop_map(|(seconds, millis, offset_minutes)| {
            let instant = jiff::Timestamp::from_second(seconds).unwrap();
            let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap();
            let civil = offset.to_datetime(instant);
            let fraction = millis.map(|m| format!(".{m:03}")).unwrap_or_default();
            let zone = if offset_minutes == 0 {
                "Z".to_string()
            } else {
                let sign = if offset_minutes < 0 { '-' } else { '+' };
                let minutes = offset_minutes.abs();
                format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
            };
            format!("{}{fraction}{zone}", civil.strftime("%Y-%m-%dT%H:%M:%S"))
        })
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "a", "B", "é", "x y", "ß", "null", "0"]).prop_map(str::to_string)
}

fn ratio() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-1000i32..1000).prop_map(|n| json!(f64::from(n))),
        (-1000i32..1000).prop_map(|n| json!(f64::from(n) / 8.0)),
        Just(json!(9_007_199_254_740_993u64)),
    ]
}

fn server_record(id: String) -> impl Strategy<Value = Value> {
    (
        word(),
        any::<bool>(),
        any::<i32>(),
        timestamp(),
        prop::option::of(word()),
        prop::option::of(prop::collection::vec(word(), 0..6)),
        prop::option::of(prop::collection::vec(0i32..4, 0..6)),
        prop::option::of(ratio()),
    )
        .prop_map(
            move |(name, active, memory, updated, notes, tags, ports, ratio)| {
                let mut custom = json!({
                    "name": name, "active": active, "memory": memory, "lastUpdated": updated
                });
                let optional = [
                    ("notes", notes.map(Value::from)),
                    ("tags", tags.map(Value::from)),
                    ("ports", ports.map(Value::from)),
                    ("ratio", ratio),
                ];
                for (key, value) in optional {
                    if let Some(value) = value {
                        custom[key] = value;
                    }
                }
                json!({
                    "displayName": id.clone(),
                    "uniqueId": id.clone(),
                    "externalUrl": format!("https://cmdb.example/{id}"),
                    "customProperties": custom
                })
            },
        )
}

fn user_record(id: String) -> impl Strategy<Value = Value> {
    let methods = vec!["SMS", "EMAIL", "OTP", "HARDWARE_TOKEN", "PUSH_PROMPT"];
    (
        prop::sample::subsequence(methods, 0..4),
        prop::sample::select(vec!["ADMIN", "EDITOR", "BASE"]),
        timestamp(),
        prop::option::of(timestamp()),
        prop::option::of(prop::collection::vec(word(), 0..5)),
        word(),
    )
        .prop_map(move |(mfa, level, created, login, groups, role)| {
            let mut record = user(&id, &mfa);
            record["permissionLevel"] = json!(level);
            record["createdTimestamp"] = json!(created);
            record["roleDescription"] = json!(role);
            if let Some(login) = login {
                record["lastLoginTimestamp"] = json!(login);
            }
            if let Some(groups) = groups {
                record["groupIds"] = json!(groups);
            }
            record
        })
}

/// Random records for up to six `uniqueId`s, each present or not.
fn record_set(base: BaseType) -> impl Strategy<Value = Vec<Value>> {
    let slots: Vec<BoxedStrategy<Option<Value>>> = (0..6)
        .map(|index| {
            let id = format!("id_{index}");
            let record = if base == BaseType::UserAccount {
                user_record(id).boxed()
            } else {
                server_record(id).boxed()
            };
            prop::option::of(record).boxed()
        })
        .collect();
    slots.prop_map(|records| records.into_iter().flatten().collect())
}

/// Changes a record the ways a store may without changing its meaning: fractional seconds
/// dropped and offsets restated in UTC, unordered arrays reversed, and absent optional fields
/// returned as `null`.
fn as_stored(value: &Value, schema: &Schema, restate: bool) -> Value {
    fn walk(value: &mut Value, key: Option<&str>, restate: bool) {
        match value {
            Value::String(text) => {
                if let Ok(instant) = text.parse::<jiff::Timestamp>() {
                    let whole = jiff::Timestamp::from_second(instant.as_second()).unwrap();
                    *text = if restate {
                        whole.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string()
                    } else {
                        whole.to_string()
                    };
                }
            }
            Value::Array(items) => {
                if matches!(key, Some("tags" | "mfaMethods" | "groupIds")) {
                    items.reverse();
                }
                items.iter_mut().for_each(|item| walk(item, None, restate));
            }
            Value::Object(members) => {
                for (name, member) in members.iter_mut() {
                    walk(member, Some(name), restate);
                }
            }
            _ => {}
        }
    }
    let mut stored = value.clone();
    walk(&mut stored, None, restate);
    if restate && let Form::Properties { optional, .. } = &schema.form {
        for (name, _) in optional {
            stored
                .as_object_mut()
                .unwrap()
                .entry(name.clone())
                .or_insert(Value::Null);
        }
    }
    stored
}

fn assert_apply_converges(base: BaseType, desired: &[Value], remote: &[Value], restate: bool) {
    let mut fixture = Fixture::new(base);
    for value in desired {
        fixture.want(value.clone());
    }
    for value in remote {
        fixture.have(value.clone(), false);
    }
    let first = fixture.plan();
    let _ = every_rendering(&first);

    // Apply: Vanta now stores exactly the desired set; user accounts left out stay deleted.
    let mut after = Vec::new();
    for record in &fixture.desired {
        after.push(RemoteRecord {
            unique_id: record.unique_id.clone(),
            json: RecordJson::new(
                as_stored(&record.json.value(), &fixture.schema, restate),
                &fixture.schema,
            ),
            deleted: false,
        });
    }
    if base.soft_deletes() {
        for record in &fixture.remote {
            if !fixture
                .desired
                .iter()
                .any(|d| d.unique_id == record.unique_id)
            {
                after.push(RemoteRecord {
                    deleted: true,
                    ..record.clone()
                });
            }
        }
    }
    fixture.remote = after;
    let second = fixture.plan();
    assert!(
        !second.has_changes(),
        "the plan after apply is not empty:\n{}",
        text::render(&second, TextOptions::default())
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn servers_plan_nothing_after_apply(
        desired in record_set(BaseType::CustomResource),
        remote in record_set(BaseType::CustomResource),
        restate in any::<bool>(),
    ) {
        assert_apply_converges(BaseType::CustomResource, &desired, &remote, restate);
    }

    #[test]
    fn accounts_plan_nothing_after_apply(
        desired in record_set(BaseType::UserAccount),
        remote in record_set(BaseType::UserAccount),
        restate in any::<bool>(),
    ) {
        assert_apply_converges(BaseType::UserAccount, &desired, &remote, restate);
    }
}
