//! Rules that JSON Type Definition cannot express, checked after JTD validation.
//!
//! JTD checks the shape of a record: fields, types, enums and int32 ranges. [`check`] adds what
//! JTD cannot state. Vanta's API reference states the cross-field rule on closed security tasks
//! and the 0 to 10 range of scores. Non-negative screen sleep timeouts and occurrences that do
//! not end before they begin follow from what the fields mean. The checks expect a record that
//! already passed JTD validation, and they skip values of the wrong type instead of reporting
//! them a second time.
//!
//! [`check_external_url`] is separate because Vanta's reference states that `externalUrl` must
//! be an HTTPS URL, but no source shows that Vanta rejects other values. Callers may report its
//! violations as warnings.

use serde_json::Value;

use super::base::BaseType;

/// Lowest value of a severity, confidence or CVSS 3 score.
const SCORE_MIN: f64 = 0.0;

/// Highest value of a severity, confidence or CVSS 3 score.
const SCORE_MAX: f64 = 10.0;

/// One broken rule in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleViolation {
    /// JSON Pointer tokens, unescaped, of the offending value, or of the missing field.
    pub instance_path: Vec<String>,
    /// Lowercase message that names what is wrong with the value and what is expected.
    pub message: String,
}

impl RuleViolation {
    fn new(instance_path: &[&str], message: String) -> RuleViolation {
        RuleViolation {
            instance_path: instance_path
                .iter()
                .map(|token| token.to_string())
                .collect(),
            message,
        }
    }
}

/// Number type that a score field has in the base type's schema.
#[derive(Clone, Copy)]
enum ScoreKind {
    Float,
    Integer,
}

/// Checks a record of `base` against the rules JTD cannot express and returns every violation.
///
/// [`check_external_url`] checks `externalUrl` separately.
pub fn check(base: BaseType, record: &Value) -> Vec<RuleViolation> {
    let mut violations = Vec::new();
    match base {
        BaseType::SecurityTask => check_closed_timestamp(record, &mut violations),
        BaseType::PackageVulnerabilityConnectors | BaseType::ApiEndpointVulnerabilityConnectors => {
            check_score(record, "severity", ScoreKind::Float, &mut violations);
            check_score(record, "cvss3Score", ScoreKind::Float, &mut violations);
        }
        BaseType::StaticAnalysisCodeVulnerabilityConnectors => {
            check_score(record, "severity", ScoreKind::Integer, &mut violations);
            check_score(record, "confidence", ScoreKind::Integer, &mut violations);
            check_score(record, "cvss3Score", ScoreKind::Float, &mut violations);
            check_occurrence_lines(record, &mut violations);
        }
        BaseType::MacosUserComputer | BaseType::WindowsUserComputer => {
            check_screen_sleep_timeouts(record, &mut violations);
        }
        BaseType::UserAccount
        | BaseType::CustomResource
        | BaseType::BackgroundCheckConnector
        | BaseType::UserSecurityTrainingStatus
        | BaseType::Secret
        | BaseType::VulnerableComponent => {}
    }
    violations
}

/// Checks that a record's `externalUrl` is an absolute `https://` URL with a host.
///
/// Returns `None` when the URL is valid, and also when `externalUrl` is missing or not a string,
/// because JTD validation reports those.
pub fn check_external_url(record: &Value) -> Option<RuleViolation> {
    let url = record.get("externalUrl")?.as_str()?;
    if is_absolute_https_url(url) {
        return None;
    }
    Some(RuleViolation::new(
        &["externalUrl"],
        format!(
            "externalUrl is {}, expected an absolute https:// URL such as \
             https://app.example.com/items/1",
            Value::from(url)
        ),
    ))
}

/// Reports whether `url` starts with `https://` (scheme in any case) followed by a non-empty
/// host, an optional numeric port, and no whitespace or control characters anywhere.
fn is_absolute_https_url(url: &str) -> bool {
    const SCHEME: &str = "https://";
    let Some(scheme) = url.get(..SCHEME.len()) else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return false;
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }

    let rest = &url[SCHEME.len()..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = if let Some(literal) = host_and_port.strip_prefix('[') {
        // An IPv6 literal such as [::1]:8443 contains colons of its own.
        match literal.split_once(']') {
            Some((address, after)) => (address, after.strip_prefix(':')),
            None => return false,
        }
    } else {
        match host_and_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_and_port, None),
        }
    };
    let port_is_valid =
        port.is_none_or(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    !host.is_empty() && port_is_valid
}

/// Checks that a SecurityTask has `closedTimestamp` exactly when its `taskState` is `CLOSED`.
fn check_closed_timestamp(record: &Value, violations: &mut Vec<RuleViolation>) {
    let Some(state) = record.get("taskState").and_then(Value::as_str) else {
        return;
    };
    let closed = state == "CLOSED";
    let has_timestamp = record.get("closedTimestamp").is_some();
    if closed && !has_timestamp {
        violations.push(RuleViolation::new(
            &["closedTimestamp"],
            "closedTimestamp is missing, expected the time the task was closed because \
             taskState is CLOSED"
                .to_owned(),
        ));
    } else if !closed && has_timestamp {
        violations.push(RuleViolation::new(
            &["closedTimestamp"],
            format!(
                "closedTimestamp is set but taskState is {state}, expected closedTimestamp \
                 only on a task whose taskState is CLOSED"
            ),
        ));
    }
}

/// Checks that the score `field`, if present and a number, lies from 0 to 10.
fn check_score(record: &Value, field: &str, kind: ScoreKind, violations: &mut Vec<RuleViolation>) {
    let Some(number) = record.get(field).filter(|value| value.is_number()) else {
        return;
    };
    let in_range = number
        .as_f64()
        .is_some_and(|score| (SCORE_MIN..=SCORE_MAX).contains(&score));
    if in_range {
        return;
    }
    let expected = match kind {
        ScoreKind::Float => "a number",
        ScoreKind::Integer => "an integer",
    };
    violations.push(RuleViolation::new(
        &[field],
        format!("{field} is {number}, expected {expected} from {SCORE_MIN} to {SCORE_MAX}"),
    ));
}

/// Checks that no occurrence of a static analysis finding ends before the line it begins on.
fn check_occurrence_lines(record: &Value, violations: &mut Vec<RuleViolation>) {
    let Some(occurrences) = record.get("occurrences").and_then(Value::as_array) else {
        return;
    };
    for (index, occurrence) in occurrences.iter().enumerate() {
        let begin = occurrence.get("beginLine").and_then(Value::as_i64);
        let end = occurrence.get("endLine").and_then(Value::as_i64);
        if let (Some(begin), Some(end)) = (begin, end)
            && end < begin
        {
            violations.push(RuleViolation::new(
                &["occurrences", &index.to_string(), "endLine"],
                format!("endLine is {end}, expected at least beginLine, which is {begin}"),
            ));
        }
    }
}

/// Checks that every `screenSleepTimeoutMs` of a computer is zero or more.
///
/// The field appears in each user's `screenlockPolicies` and `screenlockSettings`, and in the
/// computer's `systemScreenlockPolicies`.
fn check_screen_sleep_timeouts(record: &Value, violations: &mut Vec<RuleViolation>) {
    if let Some(users) = record.get("users").and_then(Value::as_array) {
        for (user_index, user) in users.iter().enumerate() {
            let user_index = user_index.to_string();
            if let Some(policies) = user.get("screenlockPolicies").and_then(Value::as_array) {
                for (policy_index, policy) in policies.iter().enumerate() {
                    let path = [
                        "users",
                        user_index.as_str(),
                        "screenlockPolicies",
                        &policy_index.to_string(),
                    ];
                    check_screen_sleep_timeout(policy, &path, violations);
                }
            }
            if let Some(settings) = user.get("screenlockSettings") {
                let path = ["users", user_index.as_str(), "screenlockSettings"];
                check_screen_sleep_timeout(settings, &path, violations);
            }
        }
    }
    if let Some(policies) = record
        .get("systemScreenlockPolicies")
        .and_then(Value::as_array)
    {
        for (policy_index, policy) in policies.iter().enumerate() {
            let path = ["systemScreenlockPolicies", &policy_index.to_string()];
            check_screen_sleep_timeout(policy, &path, violations);
        }
    }
}

/// Checks the `screenSleepTimeoutMs` of one screen lock policy or setting at `parent_path`.
fn check_screen_sleep_timeout(
    policy: &Value,
    parent_path: &[&str],
    violations: &mut Vec<RuleViolation>,
) {
    let Some(timeout) = policy.get("screenSleepTimeoutMs").and_then(Value::as_i64) else {
        return;
    };
    if timeout >= 0 {
        return;
    }
    let mut path = parent_path.to_vec();
    path.push("screenSleepTimeoutMs");
    violations.push(RuleViolation::new(
        &path,
        format!("screenSleepTimeoutMs is {timeout}, expected 0 or more milliseconds"),
    ));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn paths(violations: &[RuleViolation]) -> Vec<String> {
        violations
            .iter()
            .map(|violation| violation.instance_path.join("/"))
            .collect()
    }

    fn security_task(state: &str, closed: Option<&str>) -> Value {
        let mut task = json!({
            "displayName": "Rotate keys",
            "uniqueId": "task-1",
            "externalUrl": "https://tracker.example.com/task-1",
            "taskState": state,
        });
        if let Some(closed) = closed {
            task["closedTimestamp"] = json!(closed);
        }
        task
    }

    #[test]
    fn closed_task_with_timestamp_passes() {
        let task = security_task("CLOSED", Some("2026-05-05T00:00:00Z"));
        assert!(check(BaseType::SecurityTask, &task).is_empty());
    }

    #[test]
    fn closed_task_without_timestamp_fails() {
        let violations = check(BaseType::SecurityTask, &security_task("CLOSED", None));
        assert_eq!(paths(&violations), ["closedTimestamp"]);
        assert_eq!(
            violations[0].message,
            "closedTimestamp is missing, expected the time the task was closed because \
             taskState is CLOSED"
        );
    }

    #[test]
    fn open_tasks_without_timestamp_pass() {
        for state in ["OPEN", "IN_PROGRESS"] {
            let task = security_task(state, None);
            assert!(check(BaseType::SecurityTask, &task).is_empty(), "{state}");
        }
    }

    #[test]
    fn open_task_with_timestamp_fails() {
        for state in ["OPEN", "IN_PROGRESS"] {
            let task = security_task(state, Some("2026-05-05T00:00:00Z"));
            let violations = check(BaseType::SecurityTask, &task);
            assert_eq!(paths(&violations), ["closedTimestamp"], "{state}");
            assert!(violations[0].message.contains(state), "{state}");
        }
    }

    #[test]
    fn float_severity_range() {
        for base in [
            BaseType::PackageVulnerabilityConnectors,
            BaseType::ApiEndpointVulnerabilityConnectors,
        ] {
            for severity in [json!(0), json!(0.1), json!(6.9), json!(10), json!(10.0)] {
                let record = json!({ "severity": severity });
                assert!(check(base, &record).is_empty(), "{base} {severity}");
            }
            for severity in [json!(-0.1), json!(10.1), json!(11), json!(-3)] {
                let record = json!({ "severity": severity });
                let violations = check(base, &record);
                assert_eq!(paths(&violations), ["severity"], "{base} {severity}");
            }
        }
    }

    #[test]
    fn float_severity_message() {
        let record = json!({ "severity": 10.5 });
        let violations = check(BaseType::PackageVulnerabilityConnectors, &record);
        assert_eq!(violations.len(), 1);
        assert_eq!(
            violations[0].message,
            "severity is 10.5, expected a number from 0 to 10"
        );
    }

    #[test]
    fn integer_severity_and_confidence_range() {
        let base = BaseType::StaticAnalysisCodeVulnerabilityConnectors;
        let valid = json!({ "severity": 10, "confidence": 0 });
        assert!(check(base, &valid).is_empty());

        let invalid = json!({ "severity": 11, "confidence": -1 });
        let violations = check(base, &invalid);
        assert_eq!(paths(&violations), ["severity", "confidence"]);
        assert_eq!(
            violations[0].message,
            "severity is 11, expected an integer from 0 to 10"
        );
        assert_eq!(
            violations[1].message,
            "confidence is -1, expected an integer from 0 to 10"
        );
    }

    #[test]
    fn cvss3_score_range() {
        for base in [
            BaseType::PackageVulnerabilityConnectors,
            BaseType::StaticAnalysisCodeVulnerabilityConnectors,
            BaseType::ApiEndpointVulnerabilityConnectors,
        ] {
            assert!(check(base, &json!({})).is_empty(), "{base} absent");
            assert!(
                check(base, &json!({ "cvss3Score": 9.8 })).is_empty(),
                "{base}"
            );
            let violations = check(base, &json!({ "cvss3Score": 10.01 }));
            assert_eq!(paths(&violations), ["cvss3Score"], "{base}");
        }
    }

    #[test]
    fn scores_ignored_on_other_types() {
        let record = json!({ "severity": 99, "cvss3Score": 99 });
        assert!(check(BaseType::VulnerableComponent, &record).is_empty());
        assert!(check(BaseType::CustomResource, &record).is_empty());
    }

    #[test]
    fn wrong_type_left_to_jtd() {
        let record = json!({ "severity": "high", "occurrences": "none" });
        let base = BaseType::StaticAnalysisCodeVulnerabilityConnectors;
        assert!(check(base, &record).is_empty());
        let task = json!({ "taskState": 3, "closedTimestamp": "2026-05-05T00:00:00Z" });
        assert!(check(BaseType::SecurityTask, &task).is_empty());
    }

    #[test]
    fn occurrence_end_before_begin_fails() {
        let record = json!({
            "occurrences": [
                { "path": "a.rs", "beginLine": 7, "endLine": 7, "beginColumn": 1, "endColumn": 9 },
                { "path": "b.rs", "beginLine": 7, "endLine": 3, "beginColumn": 1, "endColumn": 9 },
                { "path": "c.rs", "beginLine": 2, "endLine": 40, "beginColumn": 5, "endColumn": 1 }
            ]
        });
        let base = BaseType::StaticAnalysisCodeVulnerabilityConnectors;
        let violations = check(base, &record);
        assert_eq!(paths(&violations), ["occurrences/1/endLine"]);
        assert_eq!(
            violations[0].message,
            "endLine is 3, expected at least beginLine, which is 7"
        );
    }

    #[test]
    fn negative_screen_sleep_timeouts_fail() {
        let policy =
            |timeout: i64| json!({ "requiresPassword": true, "screenSleepTimeoutMs": timeout });
        let record = json!({
            "users": [
                {
                    "username": "ada",
                    "screenlockPolicies": [policy(0), policy(-1)],
                    "screenlockSettings": policy(-5)
                },
                {
                    "username": "bob",
                    "screenlockPolicies": [],
                    "screenlockSettings": policy(300000)
                }
            ],
            "systemScreenlockPolicies": [policy(60000), policy(-2)]
        });
        for base in [BaseType::MacosUserComputer, BaseType::WindowsUserComputer] {
            let violations = check(base, &record);
            assert_eq!(
                paths(&violations),
                [
                    "users/0/screenlockPolicies/1/screenSleepTimeoutMs",
                    "users/0/screenlockSettings/screenSleepTimeoutMs",
                    "systemScreenlockPolicies/1/screenSleepTimeoutMs",
                ],
                "{base}"
            );
            assert_eq!(
                violations[0].message,
                "screenSleepTimeoutMs is -1, expected 0 or more milliseconds"
            );
        }
    }

    #[test]
    fn zero_screen_sleep_timeout_passes() {
        let record = json!({
            "users": [],
            "systemScreenlockPolicies": [{ "requiresPassword": false, "screenSleepTimeoutMs": 0 }]
        });
        assert!(check(BaseType::MacosUserComputer, &record).is_empty());
    }

    #[test]
    fn external_url_accepts_https() {
        for url in [
            "https://app.example.com/servers/srv_001",
            "HTTPS://app.example.com",
            "https://app.example.com:8443/a?b=c#d",
            "https://user@app.example.com/",
            "https://[::1]:8443/x",
            "https://localhost",
        ] {
            let record = json!({ "externalUrl": url });
            assert_eq!(check_external_url(&record), None, "{url}");
        }
    }

    #[test]
    fn external_url_rejects_others() {
        for url in [
            "",
            "myprivate.app/servers/1",
            "http://app.example.com/",
            "https://",
            "https:///path",
            "https://app.example.com:/x",
            "https://app.example.com:80a/x",
            "https://app.example.com/a b",
            "https://[::1/x",
            "ftp://files.example.com/",
        ] {
            let record = json!({ "externalUrl": url });
            let Some(violation) = check_external_url(&record) else {
                panic!("{url:?} was accepted");
            };
            assert_eq!(violation.instance_path, ["externalUrl"], "{url}");
        }
    }

    #[test]
    fn external_url_message_quotes_value() {
        let record = json!({ "externalUrl": "myprivate.app/x" });
        let violation = check_external_url(&record).map(|violation| violation.message);
        assert_eq!(
            violation.as_deref(),
            Some(
                "externalUrl is \"myprivate.app/x\", expected an absolute https:// URL such as \
                 https://app.example.com/items/1"
            )
        );
    }

    #[test]
    fn external_url_missing_left_to_jtd() {
        assert_eq!(check_external_url(&json!({})), None);
        assert_eq!(check_external_url(&json!({ "externalUrl": 5 })), None);
    }

    #[test]
    fn check_skips_external_url() {
        let mut record = security_task("OPEN", None);
        record["externalUrl"] = json!("not a url");
        assert!(check(BaseType::SecurityTask, &record).is_empty());
    }
}
