//! The whole pipeline for one subscription and one event: trigger → mapping → schema →
//! perform → sending through a [`Responder`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use std::borrow::Cow;
use std::sync::OnceLock;

use super::ActionError;
use super::actions::{ActionKind, perform};
use super::definitions::DEFINITIONS_JSON;
use super::payload::ActionPayload;
use super::quirks::QuirkNote;
use super::settings::Settings;
use crate::engine::mapping::schema::{
    Fields, NonFinite, PlainTypes, Schema, process_direct, process_owned_non_finite,
};
use crate::engine::mapping::{MappingError, PreparedMapping};
use crate::engine::project::Subscription;
use crate::engine::request::{HttpRequest, HttpResponse};

/// Answers requests: scripted answers, the emulator, or the network.
pub trait Responder {
    /// The answer to `request`, or why there was none (timeout, connection refused…).
    fn respond(&mut self, request: &HttpRequest) -> Result<HttpResponse, String>;

    /// [`Responder::respond`] for a request whose body is known to carry `events` events
    /// (an HTTP API batch built here); responders that report the count may skip reading it.
    fn respond_planned(
        &mut self,
        request: &HttpRequest,
        events: Option<usize>,
    ) -> Result<HttpResponse, String> {
        let _ = events;
        self.respond(request)
    }
}

/// The answers the reference's test harness gives: `/2/httpapi` and `/batch` answer 200 with
/// Amplitude's JSON summary, everything else 200 `success`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultResponder;

/// The frozen `server_upload_time` of the reference's mock answers.
const MOCK_UPLOAD_TIME: &str = "1717245296789";

impl DefaultResponder {
    /// The default answer to one request.
    pub fn answer(request: &HttpRequest) -> HttpResponse {
        DefaultResponder::answer_counted(request, None)
    }

    /// [`DefaultResponder::answer`] with the number of events in the body, when known.
    pub fn answer_counted(request: &HttpRequest, known: Option<usize>) -> HttpResponse {
        let path = url_path(&request.url);
        if path == "/2/httpapi" || path == "/batch" {
            // Counts the events without building them (this runs once per replayed request).
            #[derive(Deserialize)]
            struct Body {
                #[serde(default)]
                events: Vec<serde::de::IgnoredAny>,
            }
            let events = known
                .or_else(|| count_events(&request.body))
                .unwrap_or_else(|| {
                    serde_json::from_str::<Body>(&request.body)
                        .map(|b| b.events.len())
                        .unwrap_or(0)
                });
            HttpResponse {
                status: 200,
                headers: Cow::Borrowed(&[(
                    Cow::Borrowed("content-type"),
                    Cow::Borrowed("application/json"),
                )]),
                body: {
                    // Built by hand: this runs once per replayed request.
                    let mut body = String::with_capacity(112);
                    body.push_str("{\"code\":200,\"events_ingested\":");
                    crate::engine::js::write_integer(&mut body, events as i64);
                    body.push_str(",\"payload_size_bytes\":");
                    crate::engine::js::write_integer(&mut body, request.body.len() as i64);
                    body.push_str(",\"server_upload_time\":");
                    body.push_str(MOCK_UPLOAD_TIME);
                    body.push('}');
                    body
                },
            }
        } else {
            HttpResponse {
                status: 200,
                headers: Cow::Borrowed(&[(
                    Cow::Borrowed("content-type"),
                    Cow::Borrowed("text/plain"),
                )]),
                body: "success".to_string(),
            }
        }
    }
}

impl Responder for DefaultResponder {
    fn respond(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        Ok(DefaultResponder::answer(request))
    }

    fn respond_planned(
        &mut self,
        request: &HttpRequest,
        events: Option<usize>,
    ) -> Result<HttpResponse, String> {
        Ok(DefaultResponder::answer_counted(request, events))
    }
}

/// The length of the top-level `events` array of a JSON object body (0 without one), read by
/// a scanner that accepts only plain, well-formed JSON. `None` when anything is unusual
/// (escapes other than the short ones, exponents, deep nesting, a repeated or non-array
/// `events`, bad syntax): serde then decides, so the answer never differs from it.
fn count_events(body: &str) -> Option<usize> {
    let mut s = Scan {
        b: body.as_bytes(),
        i: 0,
    };
    s.ws();
    s.eat(b'{')?;
    s.ws();
    let mut events = None;
    if s.peek() == Some(b'}') {
        s.i += 1;
    } else {
        loop {
            s.ws();
            let key = s.string()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            if key == b"events" {
                if events.is_some() || s.peek() != Some(b'[') {
                    return None;
                }
                events = Some(s.array_len(1)?);
            } else {
                s.value(1)?;
            }
            s.ws();
            match s.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
    }
    s.ws();
    (s.i == s.b.len()).then_some(events.unwrap_or(0))
}

/// A cursor for [`count_events`].
struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    const MAX_DEPTH: usize = 64;

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    /// A string's raw bytes (between the quotes).
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            // Skip the plain run in one go.
            self.i += crate::engine::js::plain_run_len(&self.b[self.i..]);
            match self.next()? {
                b'"' => return Some(&self.b[start..self.i - 1]),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    _ => return None,
                },
                0..0x20 => return None,
                _ => {}
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        // Exponents (possibly out of range) are left to serde.
        (!matches!(self.peek(), Some(b'e' | b'E'))).then_some(())
    }

    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        let end = self.i + lit.len();
        (self.b.get(self.i..end)? == lit).then(|| self.i = end)
    }

    fn array_len(&mut self, depth: usize) -> Option<usize> {
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Some(0);
        }
        let mut n = 0;
        loop {
            self.ws();
            self.value(depth + 1)?;
            n += 1;
            self.ws();
            match self.next()? {
                b',' => {}
                b']' => return Some(n),
                _ => return None,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > Self::MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'[' => self.array_len(depth).map(|_| ()),
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => {}
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number(),
        }
    }
}

fn url_path(url: &str) -> &str {
    // Byte searches: a substring search sets up a searcher first, which cost more than the
    // rest of the answer (this runs once per replayed request).
    let rest = match url.as_bytes().windows(3).position(|w| w == b"://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let path = rest
        .bytes()
        .position(|b| b == b'/')
        .map_or("/", |i| &rest[i..]);
    let end = path
        .bytes()
        .position(|b| b == b'?' || b == b'#')
        .unwrap_or(path.len());
    &path[..end]
}

/// Scripted answers, in order, the last one repeating; with none, the [`DefaultResponder`]'s.
#[derive(Debug, Clone, Default)]
pub struct ScriptedResponder {
    pub answers: Vec<HttpResponse>,
    next: usize,
}

impl ScriptedResponder {
    pub fn new(answers: Vec<HttpResponse>) -> ScriptedResponder {
        ScriptedResponder { answers, next: 0 }
    }
}

impl Responder for ScriptedResponder {
    fn respond(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        if self.answers.is_empty() {
            return Ok(DefaultResponder::answer(request));
        }
        let i = self.next.min(self.answers.len() - 1);
        self.next += 1;
        Ok(self.answers[i].clone())
    }
}

/// How one subscription ended (the names of the conformance goldens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The action ran and every request succeeded.
    Ok,
    /// The trigger did not match; nothing was sent.
    NotSubscribed,
    /// The trigger was rejected (e.g. empty).
    InvalidSubscription,
    /// Something failed (see the error); requests sent before it are listed.
    Error,
    /// The action is not a cloud action (the browser `sessionId` plugin): nothing runs.
    NoSuchAction,
}

impl Status {
    /// The name used in the goldens and `run-case` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotSubscribed => "not_subscribed",
            Status::InvalidSubscription => "invalid_subscription",
            Status::Error => "error",
            Status::NoSuchAction => "no_such_action",
        }
    }
}

/// Everything one subscription did with one event.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionOutcome {
    /// Whether the trigger matched.
    pub matched: bool,
    pub status: Status,
    /// The payload `perform()` received (after mapping, clean-up and schema coercion).
    pub payload: Option<Map<String, Value>>,
    /// The requests sent (or planned), in order; on an HTTP error the failed one is last.
    pub requests: Vec<HttpRequest>,
    /// The answers received, one per sent request.
    pub responses: Vec<HttpResponse>,
    pub error: Option<ActionError>,
    /// Surprising behaviours of the reference, each tied to a request index.
    pub notes: Vec<QuirkNote>,
}

impl SubscriptionOutcome {
    fn new(matched: bool, status: Status) -> SubscriptionOutcome {
        SubscriptionOutcome {
            matched,
            status,
            payload: None,
            requests: Vec::new(),
            responses: Vec::new(),
            error: None,
            notes: Vec::new(),
        }
    }

    fn failed(matched: bool, error: ActionError) -> SubscriptionOutcome {
        let mut out = SubscriptionOutcome::new(matched, Status::Error);
        out.error = Some(error);
        out
    }
}

/// The error a stage this build does not have yet reports.
fn not_wired(stage: &str) -> ActionError {
    ActionError {
        class: "NotWired".to_string(),
        message: format!("the {stage} is not wired into this build yet"),
        status: None,
    }
}

/// Runs one subscription on one event as the reference does: trigger, settings, mapping,
/// schema validation, the action's requests sent through `responder` (stopping at the first
/// failure). `now_ms` is the clock the actions may read.
pub fn run_subscription(
    settings: &Settings,
    sub: &Subscription,
    event: &Value,
    now_ms: f64,
    responder: &mut dyn Responder,
) -> SubscriptionOutcome {
    Prepared::new(sub).run(Ok(settings), event, now_ms, responder)
}

/// [`run_subscription`] with settings that may have failed validation
/// ([`Settings::from_json`]): the error is every subscription's outcome, matching or not, as
/// the reference validates settings before it runs any subscription.
pub fn run_subscription_checked(
    settings: Result<&Settings, &ActionError>,
    sub: &Subscription,
    event: &Value,
    now_ms: f64,
    responder: &mut dyn Responder,
) -> SubscriptionOutcome {
    Prepared::new(sub).run(settings, event, now_ms, responder)
}

/// A subscription made ready to run on many events: its trigger parsed and its mapping
/// checked once.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub name: String,
    action: Option<ActionKind>,
    trigger: TriggerState,
    /// The mapping validated once; its error is reported when an event reaches it.
    mapping: Result<PreparedMapping, ActionError>,
    /// Whether outcomes carry the payload `perform()` received (a copy per event).
    keep_payload: bool,
    /// For each top-level field of the mapping, its property in the action's schema.
    field_props: Vec<Option<usize>>,
    /// Whether the mapping has an `@liquid` directive, the one thing in it that reads the clock.
    reads_clock: bool,
}

/// Whether `v` has a member named `key` at any depth.
fn has_key(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| k == key || has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

impl Prepared {
    /// Parses the trigger and looks up the action.
    pub fn new(sub: &Subscription) -> Prepared {
        let action = ActionKind::from_key(&sub.action);
        let json = Value::Object(sub.mapping.clone());
        let mapping = PreparedMapping::new(&json).map_err(|e| mapping_error(&e));
        Prepared {
            reads_clock: has_key(&json, "@liquid"),
            name: sub.name.clone(),
            action,
            trigger: TriggerState::parse(&sub.trigger),
            field_props: field_props(action, mapping.as_ref().ok()),
            mapping,
            keep_payload: true,
        }
    }

    /// Outcomes leave [`SubscriptionOutcome::payload`] empty: for batch runs that only want
    /// the requests (the payload is then never copied out of the event).
    pub fn without_payload(mut self) -> Prepared {
        self.keep_payload = false;
        self
    }

    /// Runs on one event (see [`run_subscription_checked`]).
    pub fn run(
        &self,
        settings: Result<&Settings, &ActionError>,
        event: &Value,
        now_ms: f64,
        responder: &mut dyn Responder,
    ) -> SubscriptionOutcome {
        let trigger = self.trigger.evaluate(event);
        let matched = matches!(trigger, TriggerResult::Match);
        // The framework validates the settings before it looks at any subscription: invalid
        // settings fail every subscription, matching or not.
        let settings = match settings {
            Ok(s) => s,
            Err(e) => return SubscriptionOutcome::failed(matched, e.clone()),
        };
        match trigger {
            TriggerResult::Invalid => {
                return SubscriptionOutcome::new(false, Status::InvalidSubscription);
            }
            TriggerResult::NoMatch => {
                return SubscriptionOutcome::new(false, Status::NotSubscribed);
            }
            TriggerResult::Match => {}
        }
        let Some(action) = self.action else {
            return SubscriptionOutcome::new(matched, Status::NoSuchAction);
        };
        let mapping = match &self.mapping {
            Ok(m) => m,
            Err(e) => return SubscriptionOutcome::failed(matched, e.clone()),
        };
        if !self.reads_clock {
            return self.run_mapped(action, mapping, settings, event, now_ms, responder);
        }
        // `@liquid`'s "now" is the time the actions see.
        crate::engine::mapping::with_clock(now_ms, || {
            self.run_mapped(action, mapping, settings, event, now_ms, responder)
        })
    }

    /// [`Prepared::run`] from the mapping on, for a subscription that matched.
    #[inline(always)]
    fn run_mapped(
        &self,
        action: ActionKind,
        mapping: &PreparedMapping,
        settings: &Settings,
        event: &Value,
        now_ms: f64,
        responder: &mut dyn Responder,
    ) -> SubscriptionOutcome {
        if let Some(payload) = direct_payload_with(action, mapping, &self.field_props, event) {
            let mut out = execute_payload(action, settings, &payload, now_ms, responder);
            if self.keep_payload {
                out.payload = Some(payload.to_map());
            }
            return out;
        }
        let (payload, non_finite) = match resolve_payload_non_finite(action, mapping, event) {
            Ok(p) => p,
            Err(e) => return SubscriptionOutcome::failed(true, e),
        };
        let mut out = execute_payload(
            action,
            settings,
            &ActionPayload::from_map(&payload).with_non_finite(&non_finite),
            now_ms,
            responder,
        );
        if self.keep_payload {
            out.payload = Some(payload);
        }
        out
    }
}

/// Like [`run_subscription`] but nothing is sent: every request is planned assuming success.
pub fn preview(
    settings: &Settings,
    sub: &Subscription,
    event: &Value,
    now_ms: f64,
) -> SubscriptionOutcome {
    run_subscription(settings, sub, event, now_ms, &mut DefaultResponder)
}

/// The action alone, from a ready payload: builds the requests and sends them in order
/// through `responder`, stopping at the first non-2xx answer with the reference's HTTP error.
pub fn execute(
    action: ActionKind,
    settings: &Settings,
    payload: Map<String, Value>,
    now_ms: f64,
    responder: &mut dyn Responder,
) -> SubscriptionOutcome {
    let mut out = execute_payload(
        action,
        settings,
        &ActionPayload::from_map(&payload),
        now_ms,
        responder,
    );
    out.payload = Some(payload);
    out
}

/// [`execute`] on a payload the caller keeps (the outcome's `payload` is left empty).
pub fn execute_payload(
    action: ActionKind,
    settings: &Settings,
    payload: &ActionPayload<'_>,
    now_ms: f64,
    responder: &mut dyn Responder,
) -> SubscriptionOutcome {
    let performed = perform(action, settings, payload, now_ms);
    let mut out = SubscriptionOutcome::new(true, Status::Ok);
    out.notes = performed.notes;
    // The planned requests become the sent ones (cut after a failed answer): no second vector.
    out.requests = performed.requests;
    out.responses = Vec::with_capacity(out.requests.len());
    for (i, request) in out.requests.iter().enumerate() {
        let events = performed.first_event_count.filter(|_| i == 0);
        let answer = responder.respond_planned(request, events);
        let failed = match answer {
            Ok(resp) => {
                let ok = resp.is_success();
                let status = resp.status;
                out.responses.push(resp);
                (!ok).then(|| ActionError::http(status))
            }
            Err(message) => Some(ActionError {
                class: "TransportError".to_string(),
                message,
                status: None,
            }),
        };
        if let Some(error) = failed {
            out.status = Status::Error;
            out.error = Some(error);
            out.requests.truncate(i + 1);
            break;
        }
    }
    let sent = out.requests.len();
    out.notes.retain(|n| n.request < sent);
    out
}

enum TriggerResult {
    Match,
    NoMatch,
    Invalid,
}

/// A parsed trigger; `None` when it does not parse (the reference then rejects the
/// subscription).
#[derive(Debug, Clone)]
struct TriggerState(Option<crate::engine::trigger::Fql>);

impl TriggerState {
    fn parse(fql: &str) -> TriggerState {
        TriggerState(crate::engine::trigger::parse(fql).ok())
    }

    fn evaluate(&self, event: &Value) -> TriggerResult {
        match &self.0 {
            None => TriggerResult::Invalid,
            Some(f) if f.matches(event) => TriggerResult::Match,
            Some(_) => TriggerResult::NoMatch,
        }
    }
}

/// The JSON schema of each action (what the framework validates payloads against), built once
/// from the definitions.
pub fn schema_for(action: ActionKind) -> Option<&'static Schema> {
    checked_schema(action).map(|c| &c.schema)
}

/// An action's schema with [`PlainTypes`] of its properties.
struct CheckedSchema {
    schema: Schema,
    plain: PlainTypes,
}

fn checked_schema(action: ActionKind) -> Option<&'static CheckedSchema> {
    static SCHEMAS: OnceLock<Vec<(ActionKind, CheckedSchema)>> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        let defs: Value = serde_json::from_str(DEFINITIONS_JSON).unwrap_or(Value::Null);
        ActionKind::ALL
            .iter()
            .filter_map(|a| {
                let schema = Fields::for_action(&defs, a.key()).ok()?.to_schema();
                let plain = PlainTypes::of(&schema);
                Some((*a, CheckedSchema { schema, plain }))
            })
            .collect()
    });
    all.iter().find(|(a, _)| *a == action).map(|(_, s)| s)
}

/// A mapping-kit failure as the reference reports it (no HTTP status).
fn mapping_error(e: &MappingError) -> ActionError {
    let class = match e {
        MappingError::Invalid {
            aggregate: true, ..
        } => "AggregateError",
        MappingError::Invalid { .. } => "ValidationError",
        MappingError::Runtime(_) => "Error",
        MappingError::Liquid(_) => "LiquidError",
        MappingError::Unsupported(_) => "Unsupported",
    };
    ActionError {
        class: class.to_string(),
        message: e.reference_message(),
        status: None,
    }
}

/// [`resolve_payload`] without copies: the resolved members borrowed from the event (or the
/// mapping) as they are, when the framework's clean-up and validation would only leave some
/// out (or coerce a scalar of a field that states only types, which is then owned). `None`
/// when anything else happens (an error, another coercion, a value cleaned inside):
/// [`resolve_payload`] then does it all the general way, with the same result.
pub fn direct_payload<'a>(
    action: ActionKind,
    mapping: &'a PreparedMapping,
    event: &'a Value,
) -> Option<ActionPayload<'a>> {
    direct_payload_with(
        action,
        mapping,
        &field_props(Some(action), Some(mapping)),
        event,
    )
}

/// The schema property of each top-level field of `mapping` (see [`Prepared`]).
fn field_props(
    action: Option<ActionKind>,
    mapping: Option<&PreparedMapping>,
) -> Vec<Option<usize>> {
    let (Some(schema), Some(keys)) = (
        action.and_then(schema_for),
        mapping.and_then(PreparedMapping::field_keys),
    ) else {
        return Vec::new();
    };
    keys.iter().map(|k| schema.property_index(k)).collect()
}

fn direct_payload_with<'a>(
    action: ActionKind,
    mapping: &'a PreparedMapping,
    field_props: &[Option<usize>],
    event: &'a Value,
) -> Option<ActionPayload<'a>> {
    let checked = checked_schema(action)?;
    let mut members = mapping.resolve_members(event, field_props)?;
    if !process_direct(&checked.schema, &checked.plain, &mut members) {
        return None;
    }
    Some(ActionPayload::from_members(members))
}

/// Mapping resolution, then the framework's clean-up and schema validation: the payload
/// `perform()` receives (whether or not a trigger matches: handy for showing a mapping's
/// result on any event).
pub fn resolve_payload(
    action: ActionKind,
    mapping: &PreparedMapping,
    event: &Value,
) -> Result<Map<String, Value>, ActionError> {
    resolve_payload_non_finite(action, mapping, event).map(|(m, _)| m)
}

/// [`resolve_payload`] and the root members that are non-finite numbers (`null` in the map;
/// see [`process_owned_non_finite`]).
fn resolve_payload_non_finite(
    action: ActionKind,
    mapping: &PreparedMapping,
    event: &Value,
) -> Result<(Map<String, Value>, NonFinite), ActionError> {
    let resolved = mapping.resolve(event).map_err(|e| mapping_error(&e))?;
    let schema = schema_for(action).ok_or_else(|| not_wired("action schema"))?;
    match process_owned_non_finite(schema, resolved) {
        Ok((Value::Object(m), non_finite)) => Ok((m, non_finite)),
        Ok(_) => Ok((Map::new(), Vec::new())),
        Err(e) => Err(ActionError::validation(vec![e.message])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(url: &str, body: &str) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            url: url.to_string().into(),
            headers: vec![].into(),
            body: body.into(),
        }
    }

    #[test]
    fn default_answers_match_the_oracle_mock() {
        let a = DefaultResponder::answer(&req(
            "https://api2.amplitude.com/2/httpapi",
            r#"{"api_key":"k","events":[{},{}]}"#,
        ));
        assert_eq!(
            a.body,
            r#"{"code":200,"events_ingested":2,"payload_size_bytes":32,"server_upload_time":1717245296789}"#
        );
        let b = DefaultResponder::answer(&req("https://api.amplitude.com/usermap", "x"));
        assert_eq!((b.status, b.body.as_str()), (200, "success"));
    }

    #[test]
    fn event_counting_agrees_with_serde() {
        let bodies = [
            r#"{"api_key":"k","events":[{},{}]}"#,
            r#" { "events" : [ 1 , "a\"b" , [ [ ] ] , { "x" : null } , -0.5 , true ] } "#,
            r#"{"events":[]}"#,
            r#"{}"#,
            r#"{"a":{"events":[1]}}"#,
            r#"{"events":[1],"events":[1,2]}"#,
            r#"{"events":{}}"#,
            r#"{"events":null}"#,
            r#"{"events":[1e400]}"#,
            r#"{"events":[1,]}"#,
            r#"{"events":[01]}"#,
            r#"{"events":[1.]}"#,
            r#"{"events":["\u0041"]}"#,
            r#"{"events":["\x"]}"#,
            r#"{"events":[tru]}"#,
            r#"{"events":[1]} x"#,
            r#"{"events":[1]"#,
            r#"[1,2]"#,
            "",
        ];
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            events: Vec<serde::de::IgnoredAny>,
        }
        for body in bodies {
            let by_serde = serde_json::from_str::<Body>(body).map_or(0, |b| b.events.len());
            if let Some(n) = count_events(body) {
                assert_eq!(n, by_serde, "for {body}");
            }
            let answer =
                DefaultResponder::answer(&req("https://api2.amplitude.com/2/httpapi", body));
            let want = format!("\"events_ingested\":{by_serde},");
            assert!(answer.body.contains(&want), "for {body}: {}", answer.body);
        }
        assert_eq!(count_events(r#"{"events":[{},{}]}"#), Some(2));
        assert_eq!(count_events(r#"{"events":[1],"events":[1]}"#), None);
    }

    #[test]
    fn group_call_stops_after_a_failed_first_request() {
        let payload: Map<String, Value> = serde_json::from_value(json!({
            "user_id": "u-12345", "group_type": "company", "group_value": "acme",
            "time": "2024-03-15T14:22:33.456Z"
        }))
        .unwrap();
        let settings = Settings::new("k", "s", super::super::Region::NorthAmerica);
        let fail = HttpResponse {
            status: 500,
            headers: vec![].into(),
            body: String::new(),
        };
        let mut r = ScriptedResponder::new(vec![fail]);
        let out = execute(
            ActionKind::GroupIdentifyUser,
            &settings,
            payload.clone(),
            0.0,
            &mut r,
        );
        assert_eq!(out.status, Status::Error);
        assert_eq!(out.requests.len(), 1);
        assert_eq!(out.error.unwrap().message, "Internal Server Error");
        let ok = execute(
            ActionKind::GroupIdentifyUser,
            &settings,
            payload,
            0.0,
            &mut DefaultResponder,
        );
        assert_eq!(ok.status, Status::Ok);
        assert_eq!(ok.requests.len(), 2);
        assert!(ok.requests[1].url.ends_with("/groupidentify"));
    }
}
