//! The one place the window talks to the engine.
//!
//! The GUI works with the small types below; each function adapts the engine's API to them, so
//! a change of an engine API changes nothing outside this file.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::engine::amplitude;
use crate::engine::project::Subscription;
use crate::engine::request::HttpRequest;
use crate::engine::trigger::{
    self,
    builder::{Builder, BuilderOp, Combinator, Family},
    explain::ExplainNode,
};

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

/// Operators the visual builder offers (the Segment app's, in menu order).
pub const BUILDER_OPERATORS: [BuilderOp; 16] = [
    BuilderOp::Is,
    BuilderOp::IsNot,
    BuilderOp::NumberEquals,
    BuilderOp::NumberNotEquals,
    BuilderOp::LessThan,
    BuilderOp::LessThanOrEqual,
    BuilderOp::GreaterThan,
    BuilderOp::GreaterThanOrEqual,
    BuilderOp::Contains,
    BuilderOp::DoesNotContain,
    BuilderOp::StartsWith,
    BuilderOp::EndsWith,
    BuilderOp::Exists,
    BuilderOp::DoesNotExist,
    BuilderOp::IsTrue,
    BuilderOp::IsFalse,
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
    trigger::parse(fql).map(|_| ()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| FqlError {
                span: e.span,
                message: e.message,
            })
            .collect()
    })
}

/// Evaluates a trigger against an event, condition by condition (nested groups flattened in
/// reading order; the top group's operator is the joiner).
pub fn explain_trigger(fql: &str, event: &Value) -> Result<TriggerOutcome, FqlError> {
    let parsed = trigger::parse(fql).map_err(|mut errors| {
        let e = errors.swap_remove(0);
        FqlError {
            span: e.span,
            message: e.message,
        }
    })?;
    let explanation = parsed.explain(event);
    let mut conditions = Vec::new();
    flatten(&explanation.root, &mut conditions);
    let joiner = match &explanation.root {
        ExplainNode::Group { operator, .. } => (*operator).to_string(),
        _ => "and".to_string(),
    };
    Ok(TriggerOutcome {
        matched: explanation.matched,
        joiner,
        conditions,
    })
}

fn flatten(node: &ExplainNode, out: &mut Vec<ConditionResult>) {
    match node {
        ExplainNode::Group { children, .. } => children.iter().for_each(|c| flatten(c, out)),
        ExplainNode::Condition(c) => out.push(ConditionResult {
            field: c.path.clone(),
            operator: c.operator.clone(),
            expected: c
                .expected
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default(),
            actual: c
                .actual
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "missing".to_string()),
            pass: c.outcome == trigger::explain::Outcome::Pass,
        }),
        ExplainNode::Empty { .. } => {}
    }
}

/// Warnings about a trigger that parses but probably does not do what the user means.
pub fn lint_trigger(fql: &str) -> Vec<String> {
    trigger::lint(fql).into_iter().map(|w| w.message).collect()
}

/// The builder view of a trigger; `None` when the trigger is raw only (too complex for the
/// Segment app's builder, read differently by the reference, or broken).
pub fn to_builder(fql: &str) -> Option<BuilderModel> {
    // An empty trigger is a builder with no condition yet (to add the first one to).
    if fql.trim().is_empty() {
        return Some(BuilderModel {
            all: true,
            conditions: Vec::new(),
        });
    }
    let b = Builder::from_fql(fql).ok()?;
    Some(BuilderModel {
        all: b.combinator == Combinator::All,
        conditions: b
            .conditions
            .iter()
            .map(|c| BuilderCondition {
                field: match c.family {
                    Family::EventType => "type".to_string(),
                    Family::EventName => "event".to_string(),
                    Family::UserId => "userId".to_string(),
                    Family::EventProperty => format!("properties.{}", c.path),
                    Family::UserTrait => format!("traits.{}", c.path),
                    Family::ContextField => format!("context.{}", c.path),
                },
                operator: c.operator.label().to_string(),
                value: c.value.clone(),
            })
            .collect(),
    })
}

/// Does the builder operator with this label take a value?
pub fn builder_op_takes_value(label: &str) -> bool {
    builder_op(label).is_none_or(BuilderOp::takes_value)
}

fn builder_op(label: &str) -> Option<BuilderOp> {
    BUILDER_OPERATORS
        .iter()
        .find(|op| op.label() == label)
        .copied()
}

/// The builder family of a condition's field as typed (`properties.plan` → event property
/// `plan`), with its path; `None` for a field the builder does not offer.
pub fn builder_family(field: &str) -> Option<(Family, &str)> {
    Some(match field {
        "type" => (Family::EventType, ""),
        "event" => (Family::EventName, ""),
        "userId" => (Family::UserId, ""),
        f => {
            if let Some(p) = f.strip_prefix("properties.") {
                (Family::EventProperty, p)
            } else if let Some(p) = f.strip_prefix("traits.") {
                (Family::UserTrait, p)
            } else if let Some(p) = f.strip_prefix("context.") {
                (Family::ContextField, p)
            } else {
                return None;
            }
        }
    })
}

/// The operators the builder offers for a field as typed, in menu order: the family's, or
/// all of them while the field is not one the builder knows yet.
pub fn builder_operators(field: &str) -> Vec<BuilderOp> {
    match builder_family(field) {
        Some((family, _)) => BUILDER_OPERATORS
            .into_iter()
            .filter(|op| family.operators().contains(op))
            .collect(),
        None => BUILDER_OPERATORS.to_vec(),
    }
}

/// The FQL text of a builder model, or the first row that cannot be written (a half-typed
/// field, a missing number…) with why: the trigger is then left as it was, rather than given
/// text the reference would read differently.
pub fn from_builder(model: &BuilderModel) -> Result<String, (usize, String)> {
    let mut conditions = Vec::with_capacity(model.conditions.len());
    for (n, c) in model.conditions.iter().enumerate() {
        let Some((family, path)) = builder_family(c.field.trim()) else {
            return Err((
                n,
                format!(
                    "'{}' is not a field the builder offers: type, event, userId, \
                     properties.<path>, traits.<path> or context.<path>",
                    c.field
                ),
            ));
        };
        let Some(operator) = builder_op(&c.operator) else {
            return Err((
                n,
                format!("'{}' is not an operator of the builder", c.operator),
            ));
        };
        conditions.push(trigger::builder::BuilderCondition {
            family,
            path: path.to_string(),
            operator,
            value: c.value.clone(),
        });
    }
    Builder {
        combinator: if model.all {
            Combinator::All
        } else {
            Combinator::Any
        },
        conditions,
    }
    .to_fql()
    .map_err(|e| (e.index, e.message))
}

/// Resolves field `key`'s mapping against an event: the value, `None` for undefined, or the
/// mapping's error. Resolved as the member it is of the whole mapping: resolved alone, a
/// literal is a whole mapping, which the reference spreads into an object (`"company"`
/// became `{"0":"c",…}`, `""` became `{}`), and errors are located as in the whole mapping.
pub fn resolve_field(key: &str, mapping: &Value, event: &Value) -> Result<Option<Value>, String> {
    let mut whole = serde_json::Map::new();
    whole.insert(key.to_string(), mapping.clone());
    crate::engine::mapping::with_clock(crate::clock::now_ms(), || {
        crate::engine::mapping::resolve(&Value::Object(whole), event)
    })
    .map(|v| match v.to_json() {
        Some(Value::Object(mut members)) => members.remove(key),
        _ => None,
    })
    .map_err(|e| e.to_string().trim().to_string())
}

/// Runs one subscription on one event: trigger, mapping, validation, requests.
pub fn run_subscription(sub: &Subscription, event: &Value, settings: &RunSettings) -> RunOutcome {
    let mut out = RunOutcome::default();
    match trigger::parse(&sub.trigger) {
        Err(errors) => {
            let message = errors.first().map(|e| e.message.as_str()).unwrap_or("");
            out.trigger_error = Some(format!("Invalid subscription : {message}"));
            return out;
        }
        Ok(fql) => match fql.evaluate(event) {
            Ok(m) => out.matched = m,
            Err(e) => {
                out.trigger_error = Some(e.to_string());
                return out;
            }
        },
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
    // One clock for `@liquid`'s "now" and the actions' time.
    let now = crate::clock::now_ms();
    let resolved = match crate::engine::mapping::with_clock(now, || {
        crate::engine::mapping::resolve(&mapping, event)
    }) {
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
    let done = amplitude::runner::execute(kind, &s, payload, now, &mut amplitude::DefaultResponder);
    let many = done.requests.len() > 1;
    out.notes = done
        .notes
        .into_iter()
        .map(|n| {
            if many {
                format!("Request {}: {}", n.request + 1, n.message)
            } else {
                n.message.to_string()
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

/// `curl` command line for a request; the API key is `<API_KEY>` unless `reveal`.
pub fn curl_command(req: &HttpRequest, api_key: &str, reveal: bool) -> String {
    let mask = |s: &str| -> String {
        if reveal || api_key.is_empty() {
            s.to_string()
        } else {
            crate::transport::redact::redact_text_with(s, &|_| "<API_KEY>".to_string())
        }
    };
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut out = format!("curl -X {} {}", req.method, quote(&mask(&req.url)));
    for (k, v) in req.headers.iter() {
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
    if let Ok(v) = crate::engine::js::utf16::parse_json(&req.body) {
        return (crate::engine::js::stringify_pretty(&v), "json");
    }
    let form = req
        .header("content-type")
        .is_some_and(|c| c.contains("x-www-form-urlencoded"));
    if form {
        let mut out = String::new();
        for pair in req.body.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(&v.replace('+', " "));
            let shown = crate::engine::js::utf16::parse_json(&v)
                .ok()
                .filter(|j| j.is_object() || j.is_array())
                .map(|j| crate::engine::js::stringify_pretty(&j))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder model becomes FQL that reads back as the same model; a row that is not a
    /// condition yet names itself and why, and writes nothing.
    #[test]
    fn builder_rows_become_fql_or_say_why_not() {
        let row = |field: &str, operator: &str, value: &str| BuilderCondition {
            field: field.into(),
            operator: operator.into(),
            value: value.into(),
        };
        let model = BuilderModel {
            all: false,
            conditions: vec![
                row("type", "is", "track"),
                row("properties.total", "is greater than", "10"),
                row("context.app.version", "exists", ""),
            ],
        };
        let fql = from_builder(&model).unwrap();
        assert_eq!(
            fql,
            r#"type = "track" or properties.total > 10 or context.app.version != null"#
        );
        assert_eq!(to_builder(&fql), Some(model.clone()));

        for (n, bad, why) in [
            (
                1,
                row("propert", "is", "x"),
                "'propert' is not a field the builder offers",
            ),
            (1, row("properties.", "is", "x"), "choose a property path"),
            (
                1,
                row("properties.total", "is less than", ""),
                "needs a number",
            ),
            (1, row("event", "exists", ""), "'exists' is not offered"),
            (1, row("type", "contains", "x"), "'contains' is not offered"),
        ] {
            let mut m = model.clone();
            m.conditions[n] = bad;
            let (at, message) = from_builder(&m).unwrap_err();
            assert_eq!(at, n);
            assert!(message.contains(why), "{message}");
        }
        assert_eq!(builder_operators("type"), [BuilderOp::Is, BuilderOp::IsNot]);
        assert_eq!(builder_operators("prop").len(), BUILDER_OPERATORS.len());
        // No condition: an empty trigger, and back.
        let empty = BuilderModel {
            all: true,
            conditions: Vec::new(),
        };
        assert_eq!(from_builder(&empty).unwrap(), "");
        assert_eq!(to_builder(" "), Some(empty));
    }

    /// A copied curl command names the key `<API_KEY>` where the request holds it, and
    /// nowhere else (the letters of a test key occur in other words too).
    #[test]
    fn curl_commands_hide_the_key_only_where_it_is() {
        let req = HttpRequest {
            method: "POST".into(),
            url: "https://api2.amplitude.com/identify".to_string().into(),
            headers: vec![].into(),
            body: "api_key=test&identification=%5B%7B%22user_id%22%3A%22test-user%22%7D%5D".into(),
        };
        let curl = curl_command(&req, "test", false);
        assert!(curl.contains("api_key=<API_KEY>&identification="), "{curl}");
        assert!(curl.contains("test-user"), "{curl}");
        let json = HttpRequest {
            body: r#"{"api_key":"test","events":[{"event_type":"test"}]}"#.into(),
            ..req.clone()
        };
        let curl = curl_command(&json, "test", false);
        assert!(
            curl.contains(r#"{"api_key":"<API_KEY>","events":[{"event_type":"test"}]}"#),
            "{curl}"
        );
        assert!(curl_command(&json, "test", true).contains(r#""api_key":"test""#));
    }
}
