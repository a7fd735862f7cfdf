//! The one place the window talks to the engine.
//!
//! The GUI works with the small types below; each function adapts the engine's API to them. While
//! a part of the engine is still being written, the function uses a simplified stand-in from
//! [`fallback`] (clearly marked) so the window can be built and tested; replacing a stand-in with
//! the real engine call changes nothing outside this file.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::engine::amplitude;
use crate::engine::project::Subscription;
use crate::engine::request::HttpRequest;

/// One field of an action, as the field-mapping editor lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInfo {
    pub key: String,
    pub label: String,
    /// `string`, `integer`, `number`, `boolean`, `object`, `datetime`, …
    pub ty: String,
    pub required: bool,
    pub multiple: bool,
    pub description: String,
    /// The mapping a new subscription gets for this field.
    pub default: Option<Value>,
}

/// One action of the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionInfo {
    pub key: String,
    pub label: String,
    pub description: String,
    /// The trigger a new subscription of this action starts with.
    pub default_trigger: String,
    pub fields: Vec<FieldInfo>,
}

/// A located trigger error: a byte range of the FQL text and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct FqlError {
    pub span: Range<usize>,
    pub message: String,
}

/// One condition of a trigger evaluated against one event.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionResult {
    /// The field as written in the trigger, e.g. `properties.price`.
    pub field: String,
    pub operator: String,
    /// The expected value as written (`"track"`, `100`, `null`).
    pub expected: String,
    /// The event's value as JSON text, or `missing`.
    pub actual: String,
    pub pass: bool,
}

/// A trigger evaluated against one event.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerOutcome {
    pub matched: bool,
    /// `and` / `or` for the top group.
    pub joiner: String,
    pub conditions: Vec<ConditionResult>,
}

/// The visual builder's model: ALL/ANY of flat conditions.
#[derive(Debug, Clone, PartialEq)]
pub struct BuilderModel {
    /// true = ALL (`and`), false = ANY (`or`).
    pub all: bool,
    pub conditions: Vec<BuilderCondition>,
}

/// One row of the visual builder.
#[derive(Debug, Clone, PartialEq)]
pub struct BuilderCondition {
    pub field: String,
    pub operator: String,
    /// The value as the user typed it (without quotes).
    pub value: String,
}

/// Operators the visual builder offers (the reference's AST operator names).
pub const BUILDER_OPERATORS: [&str; 16] = [
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "contains",
    "not_contains",
    "starts_with",
    "not_starts_with",
    "ends_with",
    "not_ends_with",
    "exists",
    "not_exists",
    "is_true",
    "is_false",
];

/// What running one subscription on one event produced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunOutcome {
    pub matched: bool,
    /// The trigger could not be read.
    pub trigger_error: Option<String>,
    /// The payload `perform` receives (after mapping, clean-up and schema coercion).
    pub payload: Option<Value>,
    pub requests: Vec<HttpRequest>,
    /// The validation or runtime error, in the reference's words.
    pub error: Option<String>,
    /// Field key -> error, for the fields the error can be pinned on.
    pub field_errors: Vec<(String, String)>,
    /// Notes on reference quirks that shaped the request.
    pub notes: Vec<String>,
}

/// Destination settings for building requests (secrets included; never stored in a project).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunSettings {
    pub api_key: String,
    pub secret_key: String,
    /// `north_america` or `europe`.
    pub region: String,
}

/// The six actions of the destination, in the reference's order (from the engine's
/// definitions).
pub fn actions() -> &'static [ActionInfo] {
    use std::sync::OnceLock;
    static CELL: OnceLock<Vec<ActionInfo>> = OnceLock::new();
    CELL.get_or_init(|| {
        amplitude::definitions::definitions()
            .actions
            .iter()
            .map(|a| ActionInfo {
                key: a.key.clone(),
                label: a.title.clone(),
                description: a.description.clone(),
                default_trigger: a.default_subscription.clone(),
                fields: a
                    .fields
                    .iter()
                    .map(|f| FieldInfo {
                        key: f.key.clone(),
                        label: f.label.clone(),
                        ty: f.field_type.clone(),
                        required: f.required,
                        multiple: f.multiple,
                        description: f.description.clone(),
                        default: f.default.clone(),
                    })
                    .collect(),
            })
            .collect()
    })
}

/// The action with this key.
pub fn action(key: &str) -> Option<&'static ActionInfo> {
    actions().iter().find(|a| a.key == key)
}

/// The mapping a new subscription of `action` starts with (the reference's `defaultValues`).
pub fn default_mapping(action_key: &str) -> Map<String, Value> {
    amplitude::ActionKind::from_key(action_key)
        .map(amplitude::presets::default_mapping)
        .unwrap_or_default()
}

/// The destination's cloud presets, as subscriptions.
pub fn presets() -> Vec<Subscription> {
    amplitude::presets::cloud_subscriptions()
}

/// The built-in sample events: (label, event).
pub fn sample_events() -> Vec<(String, Value)> {
    crate::engine::samples::all()
        .iter()
        .filter_map(|s| s.value().ok().map(|v| (s.title.to_string(), v)))
        .collect()
}

/// Checks a trigger; every error located in the text.
pub fn check_trigger(fql: &str) -> Result<(), Vec<FqlError>> {
    fallback::parse(fql).map(|_| ()).map_err(|e| vec![e])
}

/// Evaluates a trigger against an event, condition by condition.
pub fn explain_trigger(fql: &str, event: &Value) -> Result<TriggerOutcome, FqlError> {
    fallback::parse(fql).map(|t| fallback::explain(&t, event))
}

/// Warnings about a trigger that parses but probably does not do what the user means.
pub fn lint_trigger(fql: &str) -> Vec<String> {
    fallback::lint(fql)
}

/// The builder view of a trigger; `None` when the trigger is too complex for the builder.
pub fn to_builder(fql: &str) -> Option<BuilderModel> {
    fallback::parse(fql)
        .ok()
        .and_then(|t| fallback::to_builder(&t))
}

/// The FQL text of a builder model.
pub fn from_builder(model: &BuilderModel) -> String {
    fallback::from_builder(model)
}

/// Resolves one field's mapping against an event: the value, `None` for undefined, or the
/// mapping's error.
pub fn resolve_field(mapping: &Value, event: &Value) -> Result<Option<Value>, String> {
    crate::engine::mapping::resolve(mapping, event)
        .map(|v| v.to_json())
        .map_err(|e| e.to_string().trim().to_string())
}

/// Runs one subscription on one event: trigger, mapping, validation, requests.
pub fn run_subscription(sub: &Subscription, event: &Value, settings: &RunSettings) -> RunOutcome {
    let mut out = RunOutcome::default();
    match explain_trigger(&sub.trigger, event) {
        Err(e) => {
            out.trigger_error = Some(format!("Invalid subscription : {}", e.message));
            return out;
        }
        Ok(t) => out.matched = t.matched,
    }
    if !out.matched {
        return out;
    }
    let Some(kind) = amplitude::ActionKind::from_key(&sub.action) else {
        out.error = Some(format!(
            "{} is not a cloud action: nothing is sent from Segment's servers",
            sub.action
        ));
        return out;
    };
    let mapping = Value::Object(sub.mapping.clone());
    let resolved = match crate::engine::mapping::resolve(&mapping, event) {
        Ok(v) => v,
        Err(e) => {
            out.error = Some(e.reference_message().trim().to_string());
            for v in crate::engine::mapping::validate(&mapping) {
                if let Some(field) = v.path.first() {
                    out.field_errors.push((field.clone(), v.message));
                }
            }
            return out;
        }
    };
    let Some(schema) = schema_for(kind) else {
        out.error = Some(format!("no schema for {}", sub.action));
        return out;
    };
    let payload = match crate::engine::mapping::schema::process_with_schema(schema, &resolved) {
        Ok(Value::Object(m)) => m,
        Ok(_) => Map::new(),
        Err(e) => {
            out.payload = resolved.to_json();
            out.error = Some(e.message);
            for issue in e.details {
                let field = issue.pointer.trim_start_matches('/');
                let field = field.split('/').next().unwrap_or("");
                let missing = issue
                    .message
                    .strip_prefix("The root value is missing the required field '")
                    .and_then(|r| r.strip_suffix("'."));
                let key = missing.unwrap_or(field);
                if !key.is_empty() {
                    out.field_errors.push((key.to_string(), issue.message));
                }
            }
            return out;
        }
    };
    let region = amplitude::Region::from_key(&settings.region).unwrap_or_default();
    let s = amplitude::Settings::new(&settings.api_key, &settings.secret_key, region);
    let done = amplitude::runner::execute(
        kind,
        &s,
        payload,
        now_ms(),
        &mut amplitude::DefaultResponder,
    );
    let many = done.requests.len() > 1;
    out.notes = done
        .notes
        .into_iter()
        .map(|n| {
            if many {
                format!("Request {}: {}", n.request + 1, n.message)
            } else {
                n.message
            }
        })
        .collect();
    out.payload = done.payload.map(Value::Object);
    out.requests = done.requests;
    out.error = done.error.map(|e| e.message);
    out
}

/// The JSON schema of each action, built once from the definitions.
fn schema_for(
    kind: amplitude::ActionKind,
) -> Option<&'static crate::engine::mapping::schema::Schema> {
    use crate::engine::mapping::schema::{Fields, Schema};
    use std::sync::OnceLock;
    static SCHEMAS: OnceLock<Vec<(amplitude::ActionKind, Schema)>> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        let defs: Value =
            serde_json::from_str(amplitude::definitions::DEFINITIONS_JSON).unwrap_or(Value::Null);
        amplitude::ActionKind::ALL
            .iter()
            .filter_map(|a| {
                Fields::for_action(&defs, a.key())
                    .ok()
                    .map(|f| (*a, f.to_schema()))
            })
            .collect()
    });
    all.iter().find(|(a, _)| *a == kind).map(|(_, s)| s)
}

/// Every path (`$.a.b`) that exists in the given events, sorted, for the mapping path picker.
pub fn event_paths<'a>(events: impl Iterator<Item = &'a Value>) -> Vec<String> {
    let mut set = std::collections::BTreeSet::new();
    fn walk(v: &Value, prefix: &str, set: &mut std::collections::BTreeSet<String>, depth: usize) {
        if depth > 6 || set.len() > 5000 {
            return;
        }
        if let Value::Object(m) = v {
            for (k, child) in m {
                let path = if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    format!("{prefix}.{k}")
                } else {
                    format!("{prefix}['{k}']")
                };
                set.insert(path.clone());
                walk(child, &path, set, depth + 1);
            }
        }
    }
    for e in events {
        walk(e, "$", &mut set, 0);
    }
    set.into_iter().collect()
}

/// `curl` command line for a request; the API key is masked unless `reveal`.
pub fn curl_command(req: &HttpRequest, api_key: &str, reveal: bool) -> String {
    let mask = |s: &str| -> String {
        if reveal || api_key.is_empty() {
            s.to_string()
        } else {
            s.replace(api_key, "<API_KEY>")
        }
    };
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut out = format!("curl -X {} {}", req.method, quote(&mask(&req.url)));
    for (k, v) in &req.headers {
        out.push_str(&format!(
            " \\\n  -H {}",
            quote(&format!("{k}: {}", mask(v)))
        ));
    }
    if !req.body.is_empty() {
        out.push_str(&format!(" \\\n  --data-raw {}", quote(&mask(&req.body))));
    }
    out
}

/// The request body for display: pretty JSON when it is JSON, one `key=value` per line when it
/// is a form, else as is. Returns (text, syntax name for highlighting).
pub fn pretty_body(req: &HttpRequest) -> (String, &'static str) {
    if let Ok(v) = serde_json::from_str::<Value>(&req.body) {
        return (
            serde_json::to_string_pretty(&v).unwrap_or_else(|_| req.body.clone()),
            "json",
        );
    }
    let form = req
        .header("content-type")
        .is_some_and(|c| c.contains("x-www-form-urlencoded"));
    if form {
        let mut out = String::new();
        for pair in req.body.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(&v.replace('+', " "));
            let shown = serde_json::from_str::<Value>(&v)
                .ok()
                .filter(|j| j.is_object() || j.is_array())
                .and_then(|j| serde_json::to_string_pretty(&j).ok())
                .unwrap_or(v);
            out.push_str(&format!("{k} =\n{shown}\n"));
        }
        return (out, "json");
    }
    (req.body.clone(), "txt")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..(i + 3).min(s.len())], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Stand-ins for engine parts that have not landed yet. Deliberately simple; each is replaced
/// by the real engine call in the functions above as the engine grows.
mod fallback {
    use serde_json::{Value, json};

    use super::{BuilderCondition, BuilderModel, ConditionResult, FqlError, TriggerOutcome};

    // ---- trigger stand-in: flat `field op value` conditions joined by one kind of `and`/`or`.

    #[derive(Debug, Clone)]
    pub struct Cond {
        pub field: String,
        pub op: String,
        pub value: Value,
    }

    #[derive(Debug, Clone)]
    pub struct Trigger {
        pub all: bool,
        pub conds: Vec<Cond>,
    }

    fn err(span: std::ops::Range<usize>, message: &str) -> FqlError {
        FqlError {
            span,
            message: message.into(),
        }
    }

    #[derive(Debug)]
    enum Tok {
        Ident(String),
        Op(String),
        Str(String),
        Num(f64),
        Word(String),
    }

    fn lex(text: &str) -> Result<Vec<(Tok, std::ops::Range<usize>)>, FqlError> {
        let b = text.as_bytes();
        let mut i = 0;
        let mut out = Vec::new();
        while i < b.len() {
            let c = b[i];
            let start = i;
            if c == b' ' || c == b'\t' || c == b'\n' {
                i += 1;
            } else if c == b'"' {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
                if i >= b.len() {
                    return Err(err(start..b.len(), "unterminated string"));
                }
                i += 1;
                out.push((Tok::Str(text[start + 1..i - 1].to_string()), start..i));
            } else if c == b'=' {
                i += 1;
                out.push((Tok::Op("=".into()), start..i));
            } else if c == b'!' || c == b'<' || c == b'>' {
                i += 1;
                if i < b.len() && b[i] == b'=' {
                    i += 1;
                } else if c == b'!' {
                    return Err(err(start..i, "expected `!=`"));
                }
                out.push((Tok::Op(text[start..i].to_string()), start..i));
            } else if c.is_ascii_digit() || c == b'-' {
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                let n = text[start..i]
                    .parse::<f64>()
                    .map_err(|_| err(start..i, "not a number"))?;
                out.push((Tok::Num(n), start..i));
            } else if c.is_ascii_alphabetic() || c == b'_' {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_-.".contains(&b[i])) {
                    i += 1;
                }
                let w = &text[start..i];
                let tok = match w {
                    "and" | "or" | "null" | "true" | "false" => Tok::Word(w.into()),
                    _ => Tok::Ident(w.into()),
                };
                out.push((tok, start..i));
            } else {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                return Err(err(start..start + len, "unexpected character"));
            }
        }
        Ok(out)
    }

    pub fn parse(text: &str) -> Result<Trigger, FqlError> {
        let toks = lex(text)?;
        if toks.is_empty() {
            return Err(err(0..text.len(), "the trigger is empty"));
        }
        let mut conds = Vec::new();
        let mut joiner: Option<bool> = None;
        let mut i = 0;
        loop {
            let Some((Tok::Ident(field), fspan)) = toks.get(i) else {
                let span = toks.get(i).map_or(text.len()..text.len(), |t| t.1.clone());
                return Err(err(
                    span,
                    "expected a field such as `type` or `properties.x`",
                ));
            };
            let root = field.split('.').next().unwrap_or("");
            if ![
                "type",
                "event",
                "name",
                "userId",
                "properties",
                "traits",
                "context",
            ]
            .contains(&root)
            {
                return Err(err(fspan.clone(), "unknown field"));
            }
            let Some((Tok::Op(op), _)) = toks.get(i + 1) else {
                let span = toks
                    .get(i + 1)
                    .map_or(text.len()..text.len(), |t| t.1.clone());
                return Err(err(span, "expected an operator (=, !=, <, <=, >, >=)"));
            };
            let value = match toks.get(i + 2) {
                Some((Tok::Str(s), _)) => Value::String(s.clone()),
                Some((Tok::Num(n), _)) => json!(n),
                Some((Tok::Word(w), _)) if w == "null" => Value::Null,
                Some((Tok::Word(w), _)) if w == "true" || w == "false" => Value::Bool(w == "true"),
                other => {
                    let span = other.map_or(text.len()..text.len(), |t| t.1.clone());
                    return Err(err(span, "expected a value"));
                }
            };
            conds.push(Cond {
                field: field.clone(),
                op: op.clone(),
                value,
            });
            i += 3;
            match toks.get(i) {
                None => break,
                Some((Tok::Word(w), span)) if w == "and" || w == "or" => {
                    let all = w == "and";
                    if joiner.is_some_and(|j| j != all) {
                        return Err(err(span.clone(), "mixing `and` and `or` needs parentheses"));
                    }
                    joiner = Some(all);
                    i += 1;
                }
                Some((_, span)) => return Err(err(span.clone(), "expected `and` or `or`")),
            }
        }
        Ok(Trigger {
            all: joiner.unwrap_or(true),
            conds,
        })
    }

    fn lookup<'a>(event: &'a Value, field: &str) -> Option<&'a Value> {
        let mut cur = event;
        for seg in field.split('.') {
            cur = cur.get(seg)?;
        }
        Some(cur)
    }

    pub fn explain(t: &Trigger, event: &Value) -> TriggerOutcome {
        let conditions: Vec<ConditionResult> = t
            .conds
            .iter()
            .map(|c| {
                let actual = lookup(event, &c.field);
                let exp_num = c.value.as_f64();
                let pass = match (c.op.as_str(), &c.value) {
                    ("=", Value::Null) => actual.is_none_or(Value::is_null),
                    ("!=", Value::Null) => actual.is_some_and(|a| !a.is_null()),
                    ("=", Value::Bool(b)) => actual == Some(&Value::Bool(*b)),
                    ("=", v) => actual.and_then(Value::as_str) == Some(&value_text(v)),
                    ("!=", v) => actual.and_then(Value::as_str) != Some(&value_text(v)),
                    (op, _) => match (actual.and_then(Value::as_f64), exp_num) {
                        (Some(a), Some(e)) => match op {
                            "<" => a < e,
                            "<=" => a <= e,
                            ">" => a > e,
                            ">=" => a >= e,
                            _ => false,
                        },
                        _ => false,
                    },
                };
                ConditionResult {
                    field: c.field.clone(),
                    operator: c.op.clone(),
                    expected: c.value.to_string(),
                    actual: actual.map_or("missing".to_string(), Value::to_string),
                    pass,
                }
            })
            .collect();
        let matched = if t.all {
            conditions.iter().all(|c| c.pass)
        } else {
            conditions.iter().any(|c| c.pass)
        };
        TriggerOutcome {
            matched,
            joiner: if t.all { "and" } else { "or" }.into(),
            conditions,
        }
    }

    fn value_text(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    pub fn lint(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(t) = parse(text) {
            if t.conds.len() > 2 {
                out.push("Self-service plans allow at most 2 conditions per trigger.".into());
            }
            for c in &t.conds {
                if c.op == "=" && c.value.is_number() {
                    out.push(format!(
                        "`{} = {}` compares text: a number in the event never equals it.",
                        c.field, c.value
                    ));
                }
            }
        }
        out
    }

    pub fn to_builder(t: &Trigger) -> Option<BuilderModel> {
        Some(BuilderModel {
            all: t.all,
            conditions: t
                .conds
                .iter()
                .map(|c| {
                    let (op, value) = match (&c.op[..], &c.value) {
                        ("!=", Value::Null) => ("exists".to_string(), String::new()),
                        ("=", Value::Null) => ("not_exists".to_string(), String::new()),
                        ("=", Value::Bool(true)) => ("is_true".to_string(), String::new()),
                        ("=", Value::Bool(false)) => ("is_false".to_string(), String::new()),
                        (op, v) => (op.to_string(), value_text(v)),
                    };
                    BuilderCondition {
                        field: c.field.clone(),
                        operator: op,
                        value,
                    }
                })
                .collect(),
        })
    }

    pub fn from_builder(m: &BuilderModel) -> String {
        let parts: Vec<String> = m
            .conditions
            .iter()
            .map(|c| {
                let v = if c.value.parse::<f64>().is_ok() {
                    c.value.clone()
                } else {
                    format!("\"{}\"", c.value)
                };
                match c.operator.as_str() {
                    "exists" => format!("{} != null", c.field),
                    "not_exists" => format!("{} = null", c.field),
                    "is_true" => format!("{} = true", c.field),
                    "is_false" => format!("{} = false", c.field),
                    "contains" => format!("contains({}, {v})", c.field),
                    "not_contains" => format!("!contains({}, {v})", c.field),
                    "starts_with" => format!("match({}, \"{}*\")", c.field, c.value),
                    "not_starts_with" => format!("!match({}, \"{}*\")", c.field, c.value),
                    "ends_with" => format!("match({}, \"*{}\")", c.field, c.value),
                    "not_ends_with" => format!("!match({}, \"*{}\")", c.field, c.value),
                    op => format!("{} {op} {v}", c.field),
                }
            })
            .collect();
        parts.join(if m.all { " and " } else { " or " })
    }
}

/// The wall clock in epoch milliseconds (the app uses the real clock; tests of the engine use a
/// frozen one).
fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}
