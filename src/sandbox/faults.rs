//! Fault injection: rules that match requests by method, path and count, and the failures they
//! cause (error responses, delays, dropped connections, broken bodies, token revocation).

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One fault: which requests it hits and what happens to them.
///
/// Each rule counts the requests that match `method` and `path` (1 for the first). It fires on
/// the `nth` match only, or on every match after the first `after`, or on every match when
/// neither is set, and at most `times` times in total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// HTTP method to match, case-insensitive. Absent matches every method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path to match, without the query string. `*` matches any run of characters, so
    /// `/v1/resources/user_account*` matches both path forms. Absent matches every path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Fires only on this matching request (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<u64>,
    /// Fires only on matching requests after this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u64>,
    /// Fires at most this many times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// Delay before the request is handled (or the action taken), in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// The failure caused after the delay. Absent means the request is then handled normally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<FaultAction>,
}

/// The failure a fault causes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum FaultAction {
    /// Returns this response instead of handling the request. A JSON `body` is sent as JSON, a
    /// string as text. `retryAfterSeconds` adds a `Retry-After` header, as a number of seconds
    /// or, with `retryAfterHttpDate`, as the HTTP date that many seconds from now. With
    /// `afterHandling`, the request is handled first (a PUT is stored) and only its response is
    /// replaced, like a gateway that times out after the server did the work.
    #[serde(rename_all = "camelCase")]
    Respond {
        status: u16,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        after_handling: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<Value>,
        #[serde(default)]
        headers: BTreeMap<String, String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_seconds: Option<u64>,
        #[serde(default)]
        retry_after_http_date: bool,
    },
    /// Closes the connection without sending a response.
    Drop,
    /// Handles the request, then sends only the first half of the body (with a matching
    /// `Content-Length`), so the JSON is cut off.
    Truncate,
    /// Handles the request, then replaces the body with text that is not valid JSON.
    MalformedJson,
    /// Handles the request, then puts the escape `\ud800`, an unpaired UTF-16 surrogate, inside
    /// the first string of the JSON body (or in an added `note` string when it has none).
    LoneSurrogate,
    /// Revokes the application's current access token, then handles the request, which
    /// therefore fails with 401 as if another process had requested a new token.
    RevokeToken,
}

impl FaultAction {
    /// Returns the `kind` of the action, as the configuration spells it.
    pub fn name(&self) -> &'static str {
        match self {
            FaultAction::Respond { .. } => "respond",
            FaultAction::Drop => "drop",
            FaultAction::Truncate => "truncate",
            FaultAction::MalformedJson => "malformedJson",
            FaultAction::LoneSurrogate => "loneSurrogate",
            FaultAction::RevokeToken => "revokeToken",
        }
    }
}

/// A fault that fired for one request.
#[derive(Debug, Clone, PartialEq)]
pub struct FiredFault {
    pub delay: Option<Duration>,
    pub action: Option<FaultAction>,
}

/// The configured faults and how many requests each has matched and fired on.
#[derive(Debug, Default)]
pub struct FaultSet {
    rules: Vec<RuleState>,
}

#[derive(Debug)]
struct RuleState {
    rule: FaultRule,
    matched: u64,
    fired: u64,
}

impl FaultRule {
    /// Checks that the rule does something, has a valid status and valid headers.
    pub fn check(&self) -> Result<(), String> {
        if self.delay_ms.is_none() && self.action.is_none() {
            return Err("a fault needs delayMs, an action, or both".to_owned());
        }
        if self.nth == Some(0) {
            return Err("fault nth counts from 1".to_owned());
        }
        if let Some(FaultAction::Respond {
            status, headers, ..
        }) = &self.action
        {
            StatusCode::from_u16(*status)
                .map_err(|_| format!("fault status {status} is not an HTTP status code"))?;
            for (name, value) in headers {
                HeaderName::try_from(name.as_str())
                    .map_err(|_| format!("fault header name {name:?} is invalid"))?;
                HeaderValue::try_from(value.as_str())
                    .map_err(|_| format!("fault header {name} has an invalid value"))?;
            }
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_matches = self
            .method
            .as_deref()
            .is_none_or(|expected| expected.eq_ignore_ascii_case(method));
        let path_matches = self
            .path
            .as_deref()
            .is_none_or(|pattern| wildcard_match(pattern, path));
        method_matches && path_matches
    }
}

impl FaultSet {
    /// Creates a set from rules that passed [`FaultRule::check`].
    pub fn new(rules: Vec<FaultRule>) -> Self {
        let mut set = FaultSet::default();
        set.add(rules);
        set
    }

    /// Adds rules after the existing ones.
    pub fn add(&mut self, rules: Vec<FaultRule>) {
        self.rules.extend(rules.into_iter().map(|rule| RuleState {
            rule,
            matched: 0,
            fired: 0,
        }));
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Returns the number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Returns each rule as JSON with its counters: `matched` requests and times `fired`.
    pub fn to_json(&self) -> Vec<Value> {
        self.rules
            .iter()
            .map(|state| {
                let mut value = serde_json::to_value(&state.rule).unwrap_or(Value::Null);
                if let Value::Object(object) = &mut value {
                    object.insert("matched".into(), Value::from(state.matched));
                    object.insert("fired".into(), Value::from(state.fired));
                }
                value
            })
            .collect()
    }

    /// Counts the request against every matching rule and returns the first rule that fires.
    pub fn on_request(&mut self, method: &str, path: &str) -> Option<FiredFault> {
        let mut fired = None;
        for state in &mut self.rules {
            if !state.rule.matches(method, path) {
                continue;
            }
            state.matched += 1;
            let rule = &state.rule;
            let count_matches = match (rule.nth, rule.after) {
                (Some(nth), _) => state.matched == nth,
                (None, Some(after)) => state.matched > after,
                (None, None) => true,
            };
            let under_cap = rule.times.is_none_or(|times| state.fired < times);
            if fired.is_none() && count_matches && under_cap {
                state.fired += 1;
                fired = Some(FiredFault {
                    delay: rule.delay_ms.map(Duration::from_millis),
                    action: rule.action.clone(),
                });
            }
        }
        fired
    }
}

/// Matches `text` against `pattern`, where `*` matches any run of characters.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        // No `*`: the whole text must equal the pattern.
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(index) => rest = &rest[index + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Builds the response of a `respond` fault.
pub fn fault_response(action: &FaultAction) -> Response {
    let FaultAction::Respond {
        status,
        after_handling: _,
        body,
        headers,
        retry_after_seconds,
        retry_after_http_date,
    } = action
    else {
        return Response::new(Body::empty());
    };
    let (content_type, body) = match body {
        None => (None, Body::empty()),
        Some(Value::String(text)) => (Some("text/plain; charset=utf-8"), Body::from(text.clone())),
        Some(json) => (Some("application/json"), Body::from(json.to_string())),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let response_headers = response.headers_mut();
    if let Some(content_type) = content_type {
        response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Some(seconds) = retry_after_seconds {
        let value = if *retry_after_http_date {
            http_date_after(*seconds)
        } else {
            seconds.to_string()
        };
        if let Ok(value) = HeaderValue::try_from(value) {
            response_headers.insert(header::RETRY_AFTER, value);
        }
    }
    // Configured headers come last so they can override the ones above.
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response_headers.insert(name, value);
        }
    }
    response
}

/// Formats the time `seconds` from now as an HTTP date (RFC 9110 IMF-fixdate), such as
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date_after(seconds: u64) -> String {
    let offset = jiff::SignedDuration::from_secs(i64::try_from(seconds).unwrap_or(i64::MAX));
    let now = jiff::Timestamp::now();
    let at = now.checked_add(offset).unwrap_or(now);
    at.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Rewrites a response body for the `truncate`, `malformedJson` and `loneSurrogate` faults.
/// Other actions leave the body as it is.
pub fn corrupt_body(action: &FaultAction, body: &[u8]) -> Vec<u8> {
    match action {
        FaultAction::Truncate => body[..body.len() / 2].to_vec(),
        FaultAction::MalformedJson => {
            // A JSON prefix followed by garbage, so a parser fails mid-document.
            let mut broken = b"{\"resources\": [{\"uniqueId\": ".to_vec();
            broken.extend_from_slice(b"'not json'}, }");
            broken
        }
        FaultAction::LoneSurrogate => insert_lone_surrogate(body),
        _ => body.to_vec(),
    }
}

/// Marks the first string of the body, serializes it, and swaps the mark for `\ud800`, which
/// `serde_json` cannot represent in a `String`.
fn insert_lone_surrogate(body: &[u8]) -> Vec<u8> {
    const MARK: &str = "\u{E000}lone-surrogate\u{E000}";
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
        return body.to_vec();
    };
    if !mark_first_string(&mut value, MARK) {
        match &mut value {
            Value::Object(object) => {
                object.insert("note".into(), Value::from(MARK));
            }
            _ => return body.to_vec(),
        }
    }
    value.to_string().replacen(MARK, "\\ud800", 1).into_bytes()
}

fn mark_first_string(value: &mut Value, mark: &str) -> bool {
    match value {
        Value::String(text) => {
            text.push_str(mark);
            true
        }
        Value::Array(items) => items.iter_mut().any(|item| mark_first_string(item, mark)),
        Value::Object(object) => object
            .values_mut()
            .any(|item| mark_first_string(item, mark)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_patterns() {
        assert!(wildcard_match(
            "/v1/resources/user_account",
            "/v1/resources/user_account"
        ));
        assert!(!wildcard_match(
            "/v1/resources/user_account",
            "/v1/resources/user_account/x"
        ));
        assert!(wildcard_match(
            "/v1/resources/user_account*",
            "/v1/resources/user_account/list_all"
        ));
        assert!(wildcard_match("*", "/anything"));
        assert!(wildcard_match("/v1/*/secret", "/v1/resources/secret"));
        assert!(!wildcard_match("/v1/*/secret", "/v1/resources/secrets"));
    }

    #[test]
    fn nth_after_and_times() {
        let rule = |nth, after, times| FaultRule {
            method: Some("get".into()),
            path: None,
            nth,
            after,
            times,
            delay_ms: None,
            action: Some(FaultAction::Drop),
        };
        let mut set = FaultSet::new(vec![rule(Some(2), None, None)]);
        assert!(set.on_request("GET", "/").is_none());
        assert!(set.on_request("PUT", "/").is_none());
        assert!(set.on_request("GET", "/").is_some());
        assert!(set.on_request("GET", "/").is_none());

        let mut set = FaultSet::new(vec![rule(None, Some(1), Some(2))]);
        let fired: Vec<bool> = (0..5)
            .map(|_| set.on_request("GET", "/").is_some())
            .collect();
        assert_eq!(fired, [false, true, true, false, false]);
    }

    #[test]
    fn lone_surrogate_goes_into_first_string() {
        let body = br#"{"resources":[{"uniqueId":"a"}]}"#;
        let corrupted = String::from_utf8(insert_lone_surrogate(body)).unwrap();
        assert_eq!(corrupted, r#"{"resources":[{"uniqueId":"a\ud800"}]}"#);
        assert!(serde_json::from_str::<Value>(&corrupted).is_err());
    }
}
