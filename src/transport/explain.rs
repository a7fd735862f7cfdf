//! Amplitude's answers explained: each error body decoded back to the event and field it
//! names, with what Amplitude's own SDKs would do about it (retry, drop, split).
//!
//! A pure function over the request that was sent and the answer that came back.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use super::emulator::api::{INVALID_ID_VALUES, RESERVED_EVENT_TYPES, Route};
use super::redact::mask_key;
use crate::engine::js::utf16;
use crate::engine::request::{HttpRequest, HttpResponse};

/// What Amplitude's SDKs (TypeScript analytics-core, Kotlin, Python) do with an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SdkAction {
    /// Accepted: nothing more to do.
    Done,
    /// Drop the whole request: retrying cannot help (missing field, invalid API key, a single
    /// event too large).
    DropAll,
    /// Drop the events at these indexes and retry the rest (an empty list retries everything).
    DropEventsRetryRest { drop: Vec<usize> },
    /// Wait, drop the events at `drop` (users/devices over the daily quota), retry the rest.
    WaitAndRetry { wait: Duration, drop: Vec<usize> },
    /// Split the batch in two and send each half (413 with more than one event).
    Split,
    /// Retry later with growing back-off (timeouts, 5xx, network errors).
    RetryWithBackoff,
}

impl SdkAction {
    /// One sentence for people.
    pub fn describe(&self) -> String {
        match self {
            SdkAction::Done => "Accepted; nothing to retry.".into(),
            SdkAction::DropAll => {
                "Amplitude's SDKs drop this request without retrying: sending it again cannot succeed.".into()
            }
            SdkAction::DropEventsRetryRest { drop } if drop.is_empty() => {
                "Amplitude's SDKs retry the whole request (the answer names no event to drop).".into()
            }
            SdkAction::DropEventsRetryRest { drop } => format!(
                "Amplitude's SDKs drop {} and retry the rest.",
                event_list(drop)
            ),
            SdkAction::WaitAndRetry { wait, drop } if drop.is_empty() => format!(
                "Amplitude's SDKs wait {} s and retry the throttled events.",
                wait.as_secs()
            ),
            SdkAction::WaitAndRetry { wait, drop } => format!(
                "Amplitude's SDKs drop {} (daily quota exceeded), wait {} s and retry the rest.",
                event_list(drop),
                wait.as_secs()
            ),
            SdkAction::Split => {
                "Amplitude's SDKs split the batch in half and send each half.".into()
            }
            SdkAction::RetryWithBackoff => {
                "Amplitude's SDKs retry later with growing back-off.".into()
            }
        }
    }
}

/// Events of the request by their indices in Amplitude's answer, for people: numbered from
/// 1 and said to be the request's ("events 2, 3 of the request" for indices 1 and 2).
fn event_list(idx: &[usize]) -> String {
    let list: Vec<String> = idx.iter().map(|i| (i + 1).to_string()).collect();
    if idx.len() == 1 {
        format!("event {} of the request", list[0])
    } else {
        format!("events {} of the request", list.join(", "))
    }
}

/// Item `i` (an index in Amplitude's answer) of the request for people: `event 1 of the
/// request` for index 0 (`identification …`, `mapping …` on the form endpoints).
fn item_at(word: &str, i: usize) -> String {
    format!("{word} {} of the request", i + 1)
}

/// One thing the answer says about the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The event (or identification / mapping) index it is about, if any.
    pub event_index: Option<usize>,
    /// The field it names, if any.
    pub field: Option<String>,
    /// What is wrong and what to do, for people.
    pub message: String,
}

impl Finding {
    fn new(event_index: Option<usize>, field: Option<&str>, message: String) -> Finding {
        Finding {
            event_index,
            field: field.map(str::to_string),
            message,
        }
    }
}

/// An answer explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub status: u16,
    /// A one-line summary (`Accepted: 3 events ingested`, `Bad request: …`).
    pub title: String,
    pub findings: Vec<Finding>,
    pub action: SdkAction,
}

impl Explanation {
    /// Title, findings and the SDK action as plain text lines.
    pub fn to_text(&self) -> String {
        let mut out = format!("{} {}\n", self.status, self.title);
        for f in &self.findings {
            out.push_str("- ");
            out.push_str(&f.message);
            out.push('\n');
        }
        out.push_str(&self.action.describe());
        out
    }
}

/// How long Amplitude's SDKs pause throttled events (TypeScript `throttleTimeout`, Kotlin's
/// fixed delay, Python's retry delay).
pub const THROTTLE_WAIT: Duration = Duration::from_secs(30);

/// What the request carried, as far as explaining needs it.
struct Sent {
    route: Option<Route>,
    api_key: Option<String>,
    /// Events, identifications or mappings.
    items: Vec<Value>,
    min_id_length: usize,
    size: usize,
}

fn read_request(req: &HttpRequest) -> Sent {
    let path = url::Url::parse(&req.url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    let route = Route::of(&path);
    let mut sent = Sent {
        route,
        api_key: None,
        items: Vec::new(),
        min_id_length: 5,
        size: req.body.len(),
    };
    match route {
        Some(Route::HttpV2 | Route::Batch) | None => {
            if let Ok(Value::Object(body)) = utf16::parse_json(&req.body) {
                sent.api_key = body
                    .get("api_key")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let Some(Value::Array(events)) = body.get("events") {
                    sent.items = events.clone();
                }
                if let Some(n) = body
                    .get("options")
                    .and_then(|o| o.get("min_id_length"))
                    .and_then(Value::as_u64)
                {
                    sent.min_id_length = n as usize;
                }
            }
        }
        Some(route) => {
            let incoming = super::emulator::api::Incoming::of(req);
            let params = super::emulator::api::form_params(&incoming);
            let get = |n: &str| params.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
            sent.api_key = get("api_key");
            sent.min_id_length = super::emulator::api::form_min_id_length(&params);
            let name = match route {
                Route::UserMap => "mapping",
                Route::HttpV1 => "event",
                _ => "identification",
            };
            sent.items = get(name)
                .and_then(|t| super::emulator::api::parse_objects(&t))
                .unwrap_or_default();
        }
    }
    sent
}

fn item_word(route: Option<Route>) -> &'static str {
    match route {
        Some(Route::Identify | Route::GroupIdentify) => "identification",
        Some(Route::UserMap) => "mapping",
        _ => "event",
    }
}

/// Explains `response` as the answer to `request`.
pub fn explain(request: &HttpRequest, response: &HttpResponse) -> Explanation {
    let sent = read_request(request);
    let body: Option<Map<String, Value>> = match utf16::parse_json(&response.body) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    };
    let status = response.status;
    let mut findings = Vec::new();
    if let Some(code) = body
        .as_ref()
        .and_then(|b| b.get("code"))
        .and_then(Value::as_u64)
        && code != u64::from(status)
    {
        findings.push(Finding::new(
            None,
            Some("code"),
            format!(
                "the body's code {code} differs from the HTTP status {status}; Amplitude's TypeScript SDK goes by the body's code"
            ),
        ));
    }
    let (title, action) = match (status, &body) {
        (200..=299, Some(b)) => {
            let n = b.get("events_ingested").and_then(Value::as_u64);
            let title = match n {
                Some(n) => format!("Accepted: {n} {} ingested", plural(n, "event")),
                None => "Accepted".to_string(),
            };
            (title, SdkAction::Done)
        }
        (200..=299, None) => {
            let text = response.body.trim();
            let title = if text.is_empty() {
                "Accepted".to_string()
            } else {
                format!("Accepted ({text})")
            };
            (title, SdkAction::Done)
        }
        (400, Some(b)) => explain_400(b, &sent, &mut findings),
        (400, None) => explain_text_400(response.body.trim(), &sent, &mut findings),
        (413, _) => {
            let n = sent.items.len();
            findings.push(Finding::new(
                None,
                None,
                format!(
                    "the request has {n} {} and {} bytes; Amplitude takes at most 2,000 events, and 1 MB on /2/httpapi or 20 MB on /batch",
                    plural(n as u64, item_word(sent.route)),
                    sent.size
                ),
            ));
            let action = if n > 1 {
                SdkAction::Split
            } else {
                SdkAction::DropAll
            };
            ("Payload too large".to_string(), action)
        }
        (429, b) => explain_429(b.as_ref(), &sent, &mut findings),
        (403, _) => {
            findings.push(Finding::new(
                None,
                None,
                "Amplitude's firewall blocked the request (a header, the body or the URL matched its security filters, or the request came from a sanctioned region)".into(),
            ));
            (
                "Forbidden".to_string(),
                SdkAction::DropEventsRetryRest { drop: Vec::new() },
            )
        }
        (408, _) => ("Request timeout".to_string(), SdkAction::RetryWithBackoff),
        (500..=599, _) => {
            let note = if status == 503 {
                "the request was not committed, so retrying cannot duplicate events"
            } else {
                "the request may or may not have been accepted; retrying can duplicate events that have no insert_id"
            };
            findings.push(Finding::new(None, None, note.to_string()));
            (
                format!(
                    "Server error ({})",
                    crate::engine::request::status_text(status)
                ),
                SdkAction::RetryWithBackoff,
            )
        }
        _ => (
            format!("Unexpected status {status}"),
            SdkAction::DropEventsRetryRest { drop: Vec::new() },
        ),
    };
    Explanation {
        status,
        title,
        findings,
        action,
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn index_map(body: &Map<String, Value>, key: &str) -> Vec<(String, Vec<usize>)> {
    let Some(Value::Object(m)) = body.get(key) else {
        return Vec::new();
    };
    m.iter()
        .map(|(field, idx)| {
            let list = idx
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_u64)
                        .map(|i| i as usize)
                        .collect()
                })
                .unwrap_or_default();
            (field.clone(), list)
        })
        .collect()
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None => "missing".into(),
        Some(Value::String(s)) => format!("'{s}'"),
        Some(other) => crate::engine::js::stringify(other),
    }
}

fn field_hint(field: &str) -> String {
    match field {
        "user_id" => "map User ID".into(),
        "device_id" => "map Device ID".into(),
        "event_type" => "map Event Type".into(),
        "time" => "map Timestamp".into(),
        "session_id" => "map Session ID".into(),
        other => format!("check the mapping of {other}"),
    }
}

fn explain_400(
    body: &Map<String, Value>,
    sent: &Sent,
    findings: &mut Vec<Finding>,
) -> (String, SdkAction) {
    let error = body.get("error").and_then(Value::as_str).unwrap_or("");
    if error.to_ascii_lowercase().starts_with("invalid api key") {
        let key = sent.api_key.as_deref().unwrap_or("");
        findings.push(Finding::new(
            None,
            Some("api_key"),
            format!(
                "Amplitude rejected the API key {} — check the key, and that its project's region matches the endpoint (a key sent to the other region's host is rejected)",
                if key.is_empty() { "(empty)".to_string() } else { mask_key(key) }
            ),
        ));
        return ("Invalid API key".into(), SdkAction::DropAll);
    }
    if let Some(field) = body.get("missing_field").and_then(Value::as_str) {
        let hint = match field {
            "api_key" => "set the API key in the destination settings",
            "events" => "the request must carry an events array",
            _ => "add it to the request",
        };
        findings.push(Finding::new(
            None,
            Some(field),
            format!("the request has no {field} — {hint}"),
        ));
        return (format!("Bad request: {error}"), SdkAction::DropAll);
    }
    let mut drop: Vec<usize> = Vec::new();
    let word = item_word(sent.route);
    for (field, idx) in index_map(body, "events_with_missing_fields") {
        for i in idx {
            let at = item_at(word, i);
            let msg = if field == "device_id" || field == "user_id" {
                format!("{at}: neither user_id nor device_id is set — map User ID or Device ID")
            } else {
                format!("{at}: {field} is missing — {}", field_hint(&field))
            };
            findings.push(Finding::new(Some(i), Some(&field), msg));
            drop.push(i);
        }
    }
    for (field, idx) in index_map(body, "events_with_invalid_fields") {
        for i in idx {
            let value = sent.items.get(i).and_then(|e| e.get(&field));
            findings.push(Finding::new(
                Some(i),
                Some(&field),
                invalid_field_message(word, i, &field, value),
            ));
            drop.push(i);
        }
    }
    for (field, idx) in index_map(body, "events_with_invalid_id_lengths") {
        for i in idx {
            let at = item_at(word, i);
            let value = sent.items.get(i).and_then(|e| e.get(&field));
            let msg = match value {
                Some(Value::String(s)) => format!(
                    "{at}: {field} '{s}' is shorter than min_id_length {} — map Min ID Length or use longer ids",
                    sent.min_id_length
                ),
                Some(v) if !v.is_null() => format!(
                    "{at}: {field} {} is not a string — Amplitude needs ids as strings",
                    shown(Some(v))
                ),
                _ => format!("{at}: {field} has an invalid length"),
            };
            findings.push(Finding::new(Some(i), Some(&field), msg));
            drop.push(i);
        }
    }
    if let Some(Value::Array(silenced)) = body.get("silenced_events") {
        for i in silenced
            .iter()
            .filter_map(Value::as_u64)
            .map(|i| i as usize)
        {
            let device = shown(sent.items.get(i).and_then(|e| e.get("device_id")));
            let at = item_at(word, i);
            findings.push(Finding::new(
                Some(i),
                Some("device_id"),
                format!("{at}: device {device} is silenced by Amplitude"),
            ));
            drop.push(i);
        }
    }
    drop.sort_unstable();
    drop.dedup();
    if findings.is_empty() {
        findings.push(Finding::new(
            None,
            None,
            if error.is_empty() {
                "the answer names no event".into()
            } else {
                format!("Amplitude says: {error}")
            },
        ));
    }
    let title = if error.is_empty() {
        "Bad request".to_string()
    } else {
        format!("Bad request: {error}")
    };
    (title, SdkAction::DropEventsRetryRest { drop })
}

fn invalid_field_message(word: &str, i: usize, field: &str, value: Option<&Value>) -> String {
    let v = shown(value);
    let at = item_at(word, i);
    match (field, value) {
        ("user_id" | "device_id", Some(Value::String(s)))
            if INVALID_ID_VALUES.contains(&s.to_ascii_lowercase().as_str()) =>
        {
            format!(
                "{at}: {field} {v} is a value Amplitude refuses as an id (like null, undefined, anonymous, 0, -1) — {}",
                field_hint(field)
            )
        }
        ("event_type", Some(Value::String(s))) if RESERVED_EVENT_TYPES.contains(&s.as_str()) => {
            format!("{at}: event_type {v} is reserved for Amplitude — use another name")
        }
        ("time", Some(_)) => format!(
            "{at}: time {v} is not a number of milliseconds since 1970 — {}",
            field_hint("time")
        ),
        _ => format!("{at}: {field} {v} is not valid — {}", field_hint(field)),
    }
}

/// Plain-text 400s of the form endpoints (and proxies' HTML pages).
fn explain_text_400(text: &str, sent: &Sent, findings: &mut Vec<Finding>) -> (String, SdkAction) {
    let word = item_word(sent.route);
    if text.eq_ignore_ascii_case("invalid api_key") {
        let key = sent.api_key.as_deref().unwrap_or("");
        findings.push(Finding::new(
            None,
            Some("api_key"),
            format!(
                "Amplitude rejected the API key {} — check the key and the region",
                if key.is_empty() {
                    "(missing)".to_string()
                } else {
                    mask_key(key)
                }
            ),
        ));
        return ("Invalid API key".into(), SdkAction::DropAll);
    }
    if text.starts_with("missing_event")
        || text.starts_with("invalid_event_field")
        || text.contains("mapping")
    {
        if sent.items.is_empty() {
            findings.push(Finding::new(
                None,
                None,
                format!(
                    "the {word} parameter is missing or is not a JSON object or array of objects"
                ),
            ));
        }
        for (i, item) in sent.items.iter().enumerate() {
            for problem in local_problems(sent.route, item, sent.min_id_length) {
                findings.push(Finding::new(
                    Some(i),
                    Some(&problem.0),
                    format!("{}: {}", item_at(word, i), problem.1),
                ));
            }
        }
        if findings.is_empty() {
            findings.push(Finding::new(None, None, format!("Amplitude says: {text}")));
        }
        return (format!("Bad request: {text}"), SdkAction::DropAll);
    }
    let shown_text = if text.starts_with('<') {
        "an HTML page, not Amplitude's answer (a proxy or load balancer refused the request)"
            .to_string()
    } else if text.is_empty() {
        "an empty body".to_string()
    } else {
        format!("'{text}'")
    };
    findings.push(Finding::new(
        None,
        None,
        format!("the answer is {shown_text}"),
    ));
    (
        "Bad request".into(),
        SdkAction::DropEventsRetryRest { drop: Vec::new() },
    )
}

/// The emulator's own checks, used to point at the identification or mapping a plain-text
/// error is about (those answers name no index).
fn local_problems(
    route: Option<Route>,
    item: &Value,
    min_id_length: usize,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match route {
        Some(Route::GroupIdentify) => {
            for f in ["group_type", "group_value"] {
                let ok = match item.get(f) {
                    Some(Value::String(s)) => !s.is_empty(),
                    Some(Value::Number(_)) => true,
                    _ => false,
                };
                if !ok {
                    out.push((
                        f.to_string(),
                        format!(
                            "{f} is {} — map Group Type and Group Value",
                            shown(item.get(f))
                        ),
                    ));
                }
            }
        }
        Some(Route::UserMap) => {
            if !super::emulator::api::is_valid_mapping(item) {
                out.push((
                    "user_id".into(),
                    "a mapping needs user_id and global_user_id (or unmap: true without global_user_id)".into(),
                ));
            }
        }
        _ => {
            let has = |f: &str| item.get(f).is_some_and(|v| !v.is_null());
            if !has("user_id") && !has("device_id") {
                out.push((
                    "device_id".into(),
                    "neither user_id nor device_id is set — map User ID or Device ID".into(),
                ));
            }
            for f in ["user_id", "device_id"] {
                match item.get(f) {
                    Some(Value::String(s)) if INVALID_ID_VALUES.contains(&s.to_ascii_lowercase().as_str()) => {
                        out.push((f.into(), format!("{f} '{s}' is a value Amplitude refuses as an id")));
                    }
                    Some(Value::String(s)) if s.chars().count() < min_id_length => out.push((
                        f.into(),
                        format!("{f} '{s}' is shorter than min_id_length {min_id_length} — map Min ID Length or use longer ids"),
                    )),
                    Some(v) if !v.is_null() && !v.is_string() => {
                        out.push((f.into(), format!("{f} {} is not a string", shown(Some(v)))));
                    }
                    _ => {}
                }
            }
            if route == Some(Route::HttpV1) {
                let problems = super::emulator::api::validate_events(
                    std::slice::from_ref(item),
                    min_id_length,
                );
                for field in problems.missing.keys().chain(problems.invalid.keys()) {
                    if field != "device_id" && field != "user_id" {
                        out.push((
                            field.clone(),
                            format!(
                                "{field} is {} — {}",
                                shown(item.get(field)),
                                field_hint(field)
                            ),
                        ));
                    }
                }
            }
        }
    }
    out
}

fn explain_429(
    body: Option<&Map<String, Value>>,
    sent: &Sent,
    findings: &mut Vec<Finding>,
) -> (String, SdkAction) {
    let Some(body) = body else {
        return (
            "Too many requests".into(),
            SdkAction::WaitAndRetry {
                wait: THROTTLE_WAIT,
                drop: Vec::new(),
            },
        );
    };
    let eps = body.get("eps_threshold").and_then(Value::as_u64);
    let limit = eps.map_or(String::new(), |e| format!(", over the limit of {e}"));
    for (key, who) in [("throttled_users", "user"), ("throttled_devices", "device")] {
        if let Some(Value::Object(m)) = body.get(key) {
            for (id, rate) in m {
                findings.push(Finding::new(
                    None,
                    Some(if who == "user" { "user_id" } else { "device_id" }),
                    format!(
                        "{who} '{id}' sends {} events/s{limit} — Amplitude throttles it; pause it about 30 s",
                        shown(Some(rate))
                    ),
                ));
            }
        }
    }
    let mut quota_users = Vec::new();
    let mut quota_devices = Vec::new();
    for (key, who, list) in [
        ("exceeded_daily_quota_users", "user", &mut quota_users),
        ("exceeded_daily_quota_devices", "device", &mut quota_devices),
    ] {
        if let Some(Value::Object(m)) = body.get(key) {
            for (id, count) in m {
                list.push(id.clone());
                findings.push(Finding::new(
                    None,
                    Some(if who == "user" { "user_id" } else { "device_id" }),
                    format!(
                        "{who} '{id}' exceeded the daily quota ({} events in 24 h) — its events are dropped",
                        shown(Some(count))
                    ),
                ));
            }
        }
    }
    if let Some(Value::Array(t)) = body.get("throttled_events") {
        let idx: Vec<usize> = t
            .iter()
            .filter_map(Value::as_u64)
            .map(|i| i as usize)
            .collect();
        if !idx.is_empty() {
            findings.push(Finding::new(
                None,
                None,
                format!("throttled: {}", event_list(&idx)),
            ));
        }
    }
    let drop: Vec<usize> = sent
        .items
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let u = e.get("user_id").and_then(Value::as_str);
            let d = e.get("device_id").and_then(Value::as_str);
            u.is_some_and(|u| quota_users.iter().any(|q| q == u))
                || d.is_some_and(|d| quota_devices.iter().any(|q| q == d))
        })
        .map(|(i, _)| i)
        .collect();
    let error = body
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("Too many requests");
    (
        error.to_string(),
        SdkAction::WaitAndRetry {
            wait: THROTTLE_WAIT,
            drop,
        },
    )
}

/// `body` (a `/2/httpapi` or `/batch` JSON body) without the events at `drop`; `None` when the
/// body is not such JSON. Key order and number spelling follow `JSON.stringify`.
pub fn without_events(body: &str, drop: &[usize]) -> Option<(String, usize)> {
    let Ok(Value::Object(mut obj)) = utf16::parse_json(body) else {
        return None;
    };
    let Some(Value::Array(events)) = obj.get_mut("events") else {
        return None;
    };
    let kept: Vec<Value> = events
        .drain(..)
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, e)| e)
        .collect();
    let n = kept.len();
    *events = kept;
    Some((crate::engine::js::stringify(&Value::Object(obj)), n))
}

/// `body` (a `/2/httpapi` or `/batch` JSON body) as two bodies with the first and the second
/// half of its events, as Amplitude's SDKs split after a 413; `None` for fewer than two events.
pub fn split_events(body: &str) -> Option<(String, String)> {
    let Ok(Value::Object(obj)) = utf16::parse_json(body) else {
        return None;
    };
    let events = obj.get("events")?.as_array()?;
    if events.len() < 2 {
        return None;
    }
    let (first, second) = events.split_at(events.len() / 2);
    let with = |part: &[Value]| {
        let mut o = obj.clone();
        o.insert("events".into(), Value::Array(part.to_vec()));
        crate::engine::js::stringify(&Value::Object(o))
    };
    Some((with(first), with(second)))
}
