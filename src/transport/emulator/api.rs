//! The emulator's answers: one pure function from a received request (and the emulator's
//! memory) to the reply Amplitude documents. The HTTP server in `mod.rs` only moves bytes.
//!
//! Decisions where Amplitude's documentation is silent (see the spec's open questions):
//! * Every offending event index is listed (older docs), not only the first.
//! * An event with neither `user_id` nor `device_id` is reported as
//!   `events_with_missing_fields: {"device_id": [i]}` (Amplitude derives `device_id` from
//!   `user_id`, so it is the field that ends up missing).
//! * A too-short id gets `400 events_with_invalid_id_lengths` even when the other id is valid
//!   (as observed on the real service, although the docs say the short id is dropped).
//! * A request whose events would push any user or device over the rate is refused whole with
//!   429 and nothing of it is ingested or counted.
//! * The form endpoints (`/identify`, `/groupidentify`, `/usermap`, v1 `/httpapi`) answer plain
//!   text: `success`, `invalid api_key`, `missing_event`, `invalid_event_field. Invalid fields
//!   [f].` (the texts known from the real service), `missing mapping` and `invalid mapping`
//!   (the emulator's own, for `/usermap`, whose answers are undocumented).
//! * `/identify` is throttled like `/2/httpapi` (identifications count per user and device)
//!   and answers 429 with the same JSON body.
//! * Sizes are measured after gunzip, as Amplitude counts events after it decompresses.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::state::EmulatorState;
use crate::engine::js::utf16;

/// Which API keys the emulator accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ApiKeyRule {
    /// Any non-empty key (the default, so the app's emulator accepts whatever key the user has,
    /// including a placeholder such as `emulator`).
    #[default]
    AnyNonEmpty,
    /// Only keys that look like Amplitude's: 32 hexadecimal characters.
    Hex32,
    /// Only these keys.
    OneOf(Vec<String>),
}

impl ApiKeyRule {
    /// Whether `key` is accepted.
    pub fn accepts(&self, key: &str) -> bool {
        match self {
            ApiKeyRule::AnyNonEmpty => !key.trim().is_empty(),
            ApiKeyRule::Hex32 => key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()),
            ApiKeyRule::OneOf(keys) => keys.iter().any(|k| k == key),
        }
    }
}

/// Amplitude's documented limits (each can be lowered for tests).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Most events per `/2/httpapi` or `/batch` request (and per v1 request).
    pub max_events: usize,
    /// Largest `/2/httpapi` (and form endpoint) body, in bytes.
    pub v2_max_bytes: usize,
    /// Largest `/batch` body, in bytes.
    pub batch_max_bytes: usize,
    /// Events per second per user or device on `/2/httpapi`.
    pub v2_eps: u64,
    /// Events per second per user or device on `/batch`.
    pub batch_eps: u64,
    /// The window the rate is averaged over.
    pub rate_window: Duration,
    /// Events per user or device per rolling 24 hours on `/batch`.
    pub daily_quota: u64,
    /// Most identifications per `/identify` request and mappings per `/usermap` request.
    pub max_identifications: usize,
    /// Most group identifications per `/groupidentify` request.
    pub max_group_identifications: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_events: 2_000,
            v2_max_bytes: 1024 * 1024,
            batch_max_bytes: 20 * 1024 * 1024,
            v2_eps: 30,
            batch_eps: 1_000,
            rate_window: Duration::from_secs(30),
            daily_quota: 500_000,
            max_identifications: 2_000,
            max_group_identifications: 1_024,
        }
    }
}

/// A request as the emulator received it (body already gunzipped).
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    pub path: String,
    /// The raw query string (without `?`).
    pub query: String,
    /// Header names lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// A request built here, as the emulator would receive it (path and query from its URL).
    pub fn of(req: &crate::engine::request::HttpRequest) -> Incoming {
        let url = url::Url::parse(&req.url).ok();
        Incoming {
            method: req.method.to_string(),
            path: url
                .as_ref()
                .map_or_else(String::new, |u| u.path().to_string()),
            query: url
                .as_ref()
                .and_then(|u| u.query().map(str::to_string))
                .unwrap_or_default(),
            headers: req
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: req.body.as_bytes().to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The emulator's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: crate::engine::js::stringify(&body),
        }
    }

    fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.to_string(),
        }
    }
}

/// The kind of Amplitude API a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    HttpV2,
    Batch,
    Identify,
    GroupIdentify,
    UserMap,
    HttpV1,
}

impl Route {
    /// The route of a request path (a trailing `/` is ignored).
    pub fn of(path: &str) -> Option<Route> {
        Some(match path.trim_end_matches('/') {
            "/2/httpapi" => Route::HttpV2,
            "/batch" => Route::Batch,
            "/identify" => Route::Identify,
            "/groupidentify" => Route::GroupIdentify,
            "/usermap" => Route::UserMap,
            "/httpapi" => Route::HttpV1,
            _ => return None,
        })
    }
}

/// Values Amplitude refuses as `user_id` / `device_id`.
pub const INVALID_ID_VALUES: [&str; 14] = [
    "anonymous",
    "nil",
    "none",
    "null",
    "n/a",
    "na",
    "undefined",
    "unknown",
    "\"\"",
    "00000000-0000-0000-0000-000000000000",
    "{}",
    "lmy47d",
    "0",
    "-1",
];

/// Event types reserved for Amplitude.
pub const RESERVED_EVENT_TYPES: [&str; 6] = [
    "[Amplitude] Start Session",
    "[Amplitude] End Session",
    "[Amplitude] Revenue",
    "[Amplitude] Revenue (Verified)",
    "[Amplitude] Revenue (Unverified)",
    "[Amplitude] Merged User",
];

/// Answers one request, updating `state` when it is accepted.
pub fn handle(
    req: &Incoming,
    keys: &ApiKeyRule,
    limits: &Limits,
    state: &mut EmulatorState,
    now_ms: u64,
) -> Reply {
    let reply = match Route::of(&req.path) {
        None => Reply::json(400, json!({"code": 400, "error": "Invalid request path"})),
        Some(route @ (Route::HttpV2 | Route::Batch)) => {
            if req.method != "POST" {
                Reply::json(400, json!({"code": 400, "error": "Invalid request path"}))
            } else {
                handle_json(route, req, keys, limits, state, now_ms)
            }
        }
        Some(route) => handle_form(route, req, keys, limits, state, now_ms),
    };
    state.count_status(reply.status);
    reply
}

fn handle_json(
    route: Route,
    req: &Incoming,
    keys: &ApiKeyRule,
    limits: &Limits,
    state: &mut EmulatorState,
    now_ms: u64,
) -> Reply {
    let max_bytes = if route == Route::Batch {
        limits.batch_max_bytes
    } else {
        limits.v2_max_bytes
    };
    if req.body.len() > max_bytes {
        return too_large();
    }
    let media = req
        .header("content-type")
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase());
    if media.as_deref() != Some("application/json") {
        return Reply::json(
            400,
            json!({"code": 400, "error": "Invalid Content-Type header: expected application/json"}),
        );
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Reply::json(400, json!({"code": 400, "error": "Missing request body"}));
    }
    let Ok(Value::Object(body)) = utf16::parse_json_slice(&req.body) else {
        return Reply::json(
            400,
            json!({"code": 400, "error": "Invalid JSON request body"}),
        );
    };
    let api_key = match body.get("api_key") {
        Some(Value::String(k)) => k.clone(),
        Some(Value::Null) | None => return missing_field("api_key"),
        Some(_) => return invalid_key(""),
    };
    let events = match body.get("events") {
        Some(Value::Array(events)) => events,
        Some(Value::Null) | None => return missing_field("events"),
        Some(_) => return Reply::json(400, json!({"code": 400, "error": "Invalid event JSON"})),
    };
    if !keys.accepts(&api_key) {
        return invalid_key(&api_key);
    }
    if events.len() > limits.max_events {
        return too_large();
    }
    if events.iter().any(|e| !e.is_object()) {
        return Reply::json(400, json!({"code": 400, "error": "Invalid event JSON"}));
    }
    let min_id_length = body
        .get("options")
        .and_then(|o| o.get("min_id_length"))
        .and_then(Value::as_u64)
        .unwrap_or(5) as usize;
    let problems = validate_events(events, min_id_length);
    if let Some(reply) = problems.reply() {
        return reply;
    }
    let (eps, daily) = if route == Route::Batch {
        (limits.batch_eps, Some(limits.daily_quota))
    } else {
        (limits.v2_eps, None)
    };
    if let Some(reply) = check_rate(events, eps, daily, limits.rate_window, state, now_ms) {
        return reply;
    }
    let endpoint = if route == Route::Batch {
        "/batch"
    } else {
        "/2/httpapi"
    };
    for e in events {
        state.ingest_event(endpoint, e, now_ms);
    }
    record_rate(events, state, now_ms);
    Reply::json(
        200,
        json!({
            "code": 200,
            "events_ingested": events.len(),
            "payload_size_bytes": req.body.len(),
            "server_upload_time": now_ms,
        }),
    )
}

fn too_large() -> Reply {
    Reply::json(413, json!({"code": 413, "error": "Payload too large"}))
}

fn missing_field(field: &str) -> Reply {
    Reply::json(
        400,
        json!({"code": 400, "error": "Request missing required field", "missing_field": field}),
    )
}

fn invalid_key(key: &str) -> Reply {
    Reply::json(
        400,
        json!({"code": 400, "error": format!("Invalid API key: {key}")}),
    )
}

/// Per-event problems of a `/2/httpapi` or `/batch` request: field → event indexes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EventProblems {
    pub missing: BTreeMap<String, Vec<usize>>,
    pub invalid: BTreeMap<String, Vec<usize>>,
    pub invalid_id_lengths: BTreeMap<String, Vec<usize>>,
}

impl EventProblems {
    /// True when no event has a problem.
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.invalid.is_empty() && self.invalid_id_lengths.is_empty()
    }

    fn reply(&self) -> Option<Reply> {
        if self.is_empty() {
            return None;
        }
        let error = if !self.missing.is_empty() {
            "Request missing required field"
        } else if !self.invalid.is_empty() {
            "Invalid field values on some events"
        } else {
            "Invalid id length for user_id or device_id"
        };
        let mut body = Map::new();
        body.insert("code".into(), json!(400));
        body.insert("error".into(), json!(error));
        for (key, map) in [
            ("events_with_missing_fields", &self.missing),
            ("events_with_invalid_fields", &self.invalid),
            ("events_with_invalid_id_lengths", &self.invalid_id_lengths),
        ] {
            if !map.is_empty() {
                body.insert(key.into(), json!(map));
            }
        }
        Some(Reply::json(400, Value::Object(body)))
    }
}

/// Checks events the way Amplitude documents it (ids, `event_type`, `time`, numeric fields).
pub fn validate_events(events: &[Value], min_id_length: usize) -> EventProblems {
    let mut p = EventProblems::default();
    let push = |map: &mut BTreeMap<String, Vec<usize>>, field: &str, i: usize| {
        map.entry(field.to_string()).or_default().push(i);
    };
    for (i, e) in events.iter().enumerate() {
        match e.get("event_type") {
            None | Some(Value::Null) => push(&mut p.missing, "event_type", i),
            Some(Value::String(t))
                if t.is_empty() || RESERVED_EVENT_TYPES.contains(&t.as_str()) =>
            {
                push(&mut p.invalid, "event_type", i)
            }
            Some(Value::String(_)) => {}
            Some(_) => push(&mut p.invalid, "event_type", i),
        }
        check_ids(e, i, min_id_length, &mut p);
        for field in ["time", "session_id", "event_id", "quantity"] {
            match e.get(field) {
                None | Some(Value::Null) => {}
                Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {}
                Some(_) => push(&mut p.invalid, field, i),
            }
        }
        for field in ["price", "revenue", "location_lat", "location_lng"] {
            match e.get(field) {
                None | Some(Value::Null) | Some(Value::Number(_)) => {}
                Some(_) => push(&mut p.invalid, field, i),
            }
        }
        for field in [
            "event_properties",
            "user_properties",
            "groups",
            "group_properties",
        ] {
            match e.get(field) {
                None | Some(Value::Null) | Some(Value::Object(_)) => {}
                Some(_) => push(&mut p.invalid, field, i),
            }
        }
    }
    p
}

/// `user_id` / `device_id` checks shared by events and identifications.
fn check_ids(e: &Value, i: usize, min_id_length: usize, p: &mut EventProblems) {
    let mut present = 0;
    for field in ["user_id", "device_id"] {
        match e.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                present += 1;
                if INVALID_ID_VALUES.contains(&s.to_ascii_lowercase().as_str()) {
                    p.invalid.entry(field.into()).or_default().push(i);
                } else if s.chars().count() < min_id_length {
                    p.invalid_id_lengths
                        .entry(field.into())
                        .or_default()
                        .push(i);
                }
            }
            // A number is not an id; Amplitude reports it as an id of invalid length.
            Some(_) => {
                present += 1;
                p.invalid_id_lengths
                    .entry(field.into())
                    .or_default()
                    .push(i);
            }
        }
    }
    if present == 0 {
        p.missing.entry("device_id".into()).or_default().push(i);
    }
}

fn rate_keys(e: &Value) -> Vec<(bool, String)> {
    let mut keys = Vec::new();
    if let Some(u) = e.get("user_id").and_then(Value::as_str) {
        keys.push((true, u.to_string()));
    }
    if let Some(d) = e.get("device_id").and_then(Value::as_str) {
        keys.push((false, d.to_string()));
    }
    keys
}

fn rate_key(is_user: bool, id: &str) -> String {
    format!("{}:{id}", if is_user { 'u' } else { 'd' })
}

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn check_rate(
    events: &[Value],
    eps: u64,
    daily: Option<u64>,
    window: Duration,
    state: &mut EmulatorState,
    now_ms: u64,
) -> Option<Reply> {
    let window_ms = window.as_millis().max(1) as u64;
    // Forget what no window needs any more (the daily quota looks back 24 hours).
    let keep_ms = window_ms.max(DAY_MS);
    state.rate.retain(|_, q| {
        while q
            .front()
            .is_some_and(|(t, _)| now_ms.saturating_sub(*t) > keep_ms)
        {
            q.pop_front();
        }
        !q.is_empty()
    });
    let mut new: BTreeMap<(bool, String), u64> = BTreeMap::new();
    for e in events {
        for k in rate_keys(e) {
            *new.entry(k).or_insert(0) += 1;
        }
    }
    let mut throttled_users = Map::new();
    let mut throttled_devices = Map::new();
    let mut quota_users = Map::new();
    let mut quota_devices = Map::new();
    let window_secs = window_ms as f64 / 1000.0;
    for ((is_user, id), n) in &new {
        let past = state.rate.get(&rate_key(*is_user, id));
        let sum_since = |ms: u64| -> u64 {
            past.map_or(0, |q| {
                q.iter()
                    .filter(|(t, _)| now_ms.saturating_sub(*t) < ms)
                    .map(|(_, c)| c)
                    .sum()
            })
        };
        let in_window = sum_since(window_ms) + n;
        let rate = in_window as f64 / window_secs;
        if rate > eps as f64 {
            let target = if *is_user {
                &mut throttled_users
            } else {
                &mut throttled_devices
            };
            target.insert(id.clone(), json!(rate.ceil() as u64));
        }
        if let Some(quota) = daily {
            let today = sum_since(DAY_MS) + n;
            if today > quota {
                let target = if *is_user {
                    &mut quota_users
                } else {
                    &mut quota_devices
                };
                target.insert(id.clone(), json!(today));
            }
        }
    }
    if throttled_users.is_empty()
        && throttled_devices.is_empty()
        && quota_users.is_empty()
        && quota_devices.is_empty()
    {
        return None;
    }
    let hit = |e: &Value| {
        rate_keys(e).iter().any(|(is_user, id)| {
            if *is_user {
                throttled_users.contains_key(id) || quota_users.contains_key(id)
            } else {
                throttled_devices.contains_key(id) || quota_devices.contains_key(id)
            }
        })
    };
    let throttled_events: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| hit(e))
        .map(|(i, _)| i)
        .collect();
    let mut body = Map::new();
    body.insert("code".into(), json!(429));
    body.insert(
        "error".into(),
        json!("Too many requests for some devices and users"),
    );
    body.insert("eps_threshold".into(), json!(eps));
    body.insert("throttled_devices".into(), Value::Object(throttled_devices));
    body.insert("throttled_users".into(), Value::Object(throttled_users));
    if daily.is_some() {
        body.insert(
            "exceeded_daily_quota_users".into(),
            Value::Object(quota_users),
        );
        body.insert(
            "exceeded_daily_quota_devices".into(),
            Value::Object(quota_devices),
        );
    }
    body.insert("throttled_events".into(), json!(throttled_events));
    Some(Reply::json(429, Value::Object(body)))
}

fn record_rate(events: &[Value], state: &mut EmulatorState, now_ms: u64) {
    let mut new: BTreeMap<String, u64> = BTreeMap::new();
    for e in events {
        for (is_user, id) in rate_keys(e) {
            *new.entry(rate_key(is_user, &id)).or_insert(0) += 1;
        }
    }
    for (k, n) in new {
        state.rate.entry(k).or_default().push_back((now_ms, n));
    }
}

/// The parameters of a form endpoint: the query string, then an url-encoded body.
pub fn form_params(req: &Incoming) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(req.query.as_bytes())
        .into_owned()
        .collect();
    let is_form = req.header("content-type").is_none_or(|c| {
        c.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if is_form && !req.body.is_empty() {
        params.extend(url::form_urlencoded::parse(&req.body).into_owned());
    }
    params
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A JSON object or array of objects given as a form parameter; `None` when malformed.
pub fn parse_objects(text: &str) -> Option<Vec<Value>> {
    match utf16::parse_json(text).ok()? {
        v @ Value::Object(_) => Some(vec![v]),
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            Some(items)
        }
        _ => None,
    }
}

/// `options={"min_id_length":N}` of a form request; anything unparseable (Segment sends
/// `options=undefined`) means the default 5.
pub fn form_min_id_length(params: &[(String, String)]) -> usize {
    param(params, "options")
        .and_then(|o| utf16::parse_json(o).ok())
        .and_then(|o| o.get("min_id_length").and_then(Value::as_u64))
        .unwrap_or(5) as usize
}

fn handle_form(
    route: Route,
    req: &Incoming,
    keys: &ApiKeyRule,
    limits: &Limits,
    state: &mut EmulatorState,
    now_ms: u64,
) -> Reply {
    if req.method != "POST" && req.method != "GET" {
        return Reply::text(400, "invalid request path");
    }
    if req.body.len() > limits.v2_max_bytes {
        return Reply::text(413, "Payload too large");
    }
    let params = form_params(req);
    match param(&params, "api_key") {
        Some(k) if keys.accepts(k) => {}
        _ => return Reply::text(400, "invalid api_key"),
    }
    let min_id_length = form_min_id_length(&params);
    match route {
        Route::Identify => {
            let idents = match items(
                &params,
                "identification",
                "missing_event",
                limits.max_identifications,
            ) {
                Ok(items) => items,
                Err(reply) => return reply,
            };
            if let Some(reply) = invalid_ids_reply(&idents, min_id_length) {
                return reply;
            }
            // Amplitude applies the HTTP V2 throttling to the Identify API.
            if let Some(reply) = check_rate(
                &idents,
                limits.v2_eps,
                None,
                limits.rate_window,
                state,
                now_ms,
            ) {
                return reply;
            }
            record_rate(&idents, state, now_ms);
            for ident in &idents {
                state.apply_identification(ident);
            }
        }
        Route::GroupIdentify => {
            let idents = match items(
                &params,
                "identification",
                "missing_event",
                limits.max_group_identifications,
            ) {
                Ok(items) => items,
                Err(reply) => return reply,
            };
            let bad: Vec<&str> = ["group_type", "group_value"]
                .into_iter()
                .filter(|f| idents.iter().any(|i| !is_group_name(i.get(*f))))
                .collect();
            if !bad.is_empty() {
                return invalid_fields(&bad);
            }
            for ident in &idents {
                state.apply_group_identify(ident);
            }
        }
        Route::UserMap => {
            let mappings = match items(
                &params,
                "mapping",
                "missing mapping",
                limits.max_identifications,
            ) {
                Ok(items) => items,
                Err(reply) => return reply,
            };
            if !mappings.iter().all(is_valid_mapping) {
                return Reply::text(400, "invalid mapping");
            }
            for m in &mappings {
                state.apply_mapping(m);
            }
        }
        Route::HttpV1 => {
            let events = match items(&params, "event", "missing_event", limits.max_events) {
                Ok(items) => items,
                Err(reply) => return reply,
            };
            let problems = validate_events(&events, min_id_length);
            if !problems.is_empty() {
                let mut fields: Vec<&str> = problems
                    .missing
                    .keys()
                    .chain(problems.invalid.keys())
                    .chain(problems.invalid_id_lengths.keys())
                    .map(String::as_str)
                    .collect();
                fields.dedup();
                return invalid_fields(&fields);
            }
            for e in &events {
                state.ingest_event("/httpapi", e, now_ms);
            }
        }
        Route::HttpV2 | Route::Batch => return Reply::text(400, "invalid request path"),
    }
    Reply::text(200, "success")
}

/// The JSON objects of form parameter `name`: 400 `missing` when absent or malformed, 413
/// above `max`.
fn items(
    params: &[(String, String)],
    name: &str,
    missing: &str,
    max: usize,
) -> Result<Vec<Value>, Reply> {
    let Some(items) = param(params, name).and_then(parse_objects) else {
        return Err(Reply::text(400, missing));
    };
    if items.len() > max {
        return Err(Reply::text(413, "Payload too large"));
    }
    Ok(items)
}

fn invalid_fields(fields: &[&str]) -> Reply {
    Reply::text(
        400,
        &format!(
            "invalid_event_field. Invalid fields [{}].",
            fields.join(", ")
        ),
    )
}

fn invalid_ids_reply(idents: &[Value], min_id_length: usize) -> Option<Reply> {
    let mut p = EventProblems::default();
    for (i, ident) in idents.iter().enumerate() {
        check_ids(ident, i, min_id_length, &mut p);
    }
    if !p.missing.is_empty() {
        return Some(Reply::text(400, "missing_event"));
    }
    let mut fields: Vec<&str> = p
        .invalid
        .keys()
        .chain(p.invalid_id_lengths.keys())
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    fields.dedup();
    (!fields.is_empty()).then(|| invalid_fields(&fields))
}

fn is_group_name(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(_)) => true,
        _ => false,
    }
}

/// A `/usermap` mapping: `user_id`, and `global_user_id` unless (and only unless) `unmap`.
pub fn is_valid_mapping(m: &Value) -> bool {
    let has = |k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    let unmap = m.get("unmap") == Some(&Value::Bool(true));
    has("user_id") && (unmap != has("global_user_id"))
}

/// The answer for a status forced by fault injection, in the documented shape for that status
/// (a 429 throttles every user and device of the request). Nothing is validated or stored.
pub fn forced_reply(status: u16, req: &Incoming, limits: &Limits) -> Reply {
    let route = Route::of(&req.path);
    let events: Vec<Value> = match route {
        Some(Route::HttpV2 | Route::Batch) => utf16::parse_json_slice(&req.body)
            .ok()
            .and_then(|b| b.get("events").and_then(Value::as_array).cloned())
            .unwrap_or_default(),
        _ => param(&form_params(req), "event")
            .and_then(parse_objects)
            .unwrap_or_default(),
    };
    let text = crate::engine::request::status_text(status);
    match status {
        200..=299 => Reply::json(
            status,
            json!({"code": status, "events_ingested": events.len(),
                   "payload_size_bytes": req.body.len(), "server_upload_time": 0}),
        ),
        413 => too_large(),
        429 => {
            let eps = if route == Some(Route::Batch) {
                limits.batch_eps
            } else {
                limits.v2_eps
            };
            let mut users = Map::new();
            let mut devices = Map::new();
            for e in &events {
                for (is_user, id) in rate_keys(e) {
                    let m = if is_user { &mut users } else { &mut devices };
                    m.insert(id, json!(eps + 1));
                }
            }
            let all: Vec<usize> = (0..events.len()).collect();
            Reply::json(
                429,
                json!({"code": 429, "error": "Too many requests for some devices and users",
                       "eps_threshold": eps, "throttled_devices": devices,
                       "throttled_users": users, "throttled_events": all}),
            )
        }
        _ => Reply::json(status, json!({"code": status, "error": text})),
    }
}
