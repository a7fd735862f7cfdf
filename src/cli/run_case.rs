//! `ampscope run-case CASE.json`: runs one conformance case (the oracle's case schema) and
//! prints what happened per subscription, in the shape the goldens use.

use serde_json::{Map, Value, json};

use crate::engine::amplitude::definitions::definitions;
use crate::engine::amplitude::runner::{
    ScriptedResponder, SubscriptionOutcome, run_subscription_checked,
};
use crate::engine::amplitude::{ActionKind, Settings};
use crate::engine::project::Subscription;
use crate::engine::request::{HttpResponse, Text};

/// The reference's frozen clock for conformance runs: `2024-06-01T12:34:56.789Z`.
pub const FROZEN_NOW_MS: f64 = 1717245296789.0;

/// Runs the command; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let [path] = args else {
        eprintln!("usage: ampscope run-case CASE.json");
        return 2;
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ampscope run-case: cannot read {path}: {e}");
            return 2;
        }
    };
    let case: Value = match crate::engine::js::utf16::parse_json(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("ampscope run-case: {path} is not JSON: {e}");
            return 2;
        }
    };
    // A file may hold one case, an array of cases or `{"cases": [...]}`.
    let output = match &case {
        Value::Array(cases) => Value::Array(cases.iter().map(run_case).collect()),
        Value::Object(m) if m.contains_key("cases") && !m.contains_key("event") => Value::Array(
            m["cases"]
                .as_array()
                .map(|c| c.iter().map(run_case).collect())
                .unwrap_or_default(),
        ),
        one => run_case(one),
    };
    println!("{output}");
    0
}

/// Runs one case and returns the result object (`name`, `subscriptions`).
pub fn run_case(case: &Value) -> Value {
    let settings = Settings::from_json(case.get("settings").unwrap_or(&Value::Null));
    let event = case.get("event").cloned().unwrap_or(Value::Null);
    let empty = Vec::new();
    let subs = case
        .get("subscriptions")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let results: Vec<Value> = subs
        .iter()
        .map(|sub| {
            let name = sub.get("name").cloned().unwrap_or(Value::Null);
            let subscription = match subscription_of(sub) {
                Ok(s) => s,
                Err(message) => {
                    return json!({"name": name, "matched": false, "status": "bad_case",
                        "requests": [], "error": {"message": message, "status": null}});
                }
            };
            let answers = sub
                .get("mockResponses")
                .or_else(|| case.get("mockResponses"))
                .and_then(Value::as_array)
                .map(|a| a.iter().map(mock_response).collect())
                .unwrap_or_default();
            let mut responder = ScriptedResponder::new(answers);
            let outcome = run_subscription_checked(
                settings.as_ref(),
                &subscription,
                &event,
                FROZEN_NOW_MS,
                &mut responder,
            );
            outcome_json(name, &outcome)
        })
        .collect();
    json!({"name": case.get("name").cloned().unwrap_or(Value::Null), "subscriptions": results})
}

/// The subscription a case describes: its mapping spec resolved (`"defaults"`, `"preset:…"`
/// or an object), then `mappingOverrides` merged and `mappingRemove` keys deleted.
pub fn subscription_of(sub: &Value) -> Result<Subscription, String> {
    let action = sub
        .get("partnerAction")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut mapping: Map<String, Value> = match sub.get("mapping") {
        None => default_mapping(&action),
        Some(Value::String(s)) if s == "defaults" => default_mapping(&action),
        Some(Value::String(s)) if s.starts_with("preset:") => {
            let name = &s["preset:".len()..];
            definitions()
                .preset(name)
                .map(|p| p.mapping.clone())
                .ok_or_else(|| format!("unknown preset \"{name}\""))?
        }
        Some(Value::Object(m)) => m.clone(),
        Some(other) => return Err(format!("bad mapping spec: {other}")),
    };
    if let Some(Value::Object(over)) = sub.get("mappingOverrides") {
        for (k, v) in over {
            if let Some(slot) = mapping.get_mut(k) {
                *slot = v.clone();
            } else {
                mapping.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(Value::Array(remove)) = sub.get("mappingRemove") {
        for k in remove.iter().filter_map(Value::as_str) {
            mapping.shift_remove(k);
        }
    }
    Ok(Subscription {
        name: sub
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        enabled: true,
        action,
        trigger: sub
            .get("subscribe")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        mapping,
    })
}

fn default_mapping(action: &str) -> Map<String, Value> {
    ActionKind::from_key(action)
        .map(crate::engine::amplitude::presets::default_mapping)
        .unwrap_or_default()
}

/// A case's mock answer: `{"status", "body": object | text, "headers"}`.
fn mock_response(v: &Value) -> HttpResponse {
    let status = v
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(200);
    let mut headers: Vec<(Text, Text)> = v
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(k, v)| {
                    (
                        k.to_ascii_lowercase().into(),
                        v.as_str().unwrap_or_default().to_string().into(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let body = match v.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            if !headers.iter().any(|(k, _)| k == "content-type") {
                headers.push(("content-type".into(), "application/json".into()));
            }
            crate::engine::js::stringify(other)
        }
    };
    HttpResponse {
        status,
        headers: headers.into(),
        body,
    }
}

/// One subscription's result in the golden shape.
pub fn outcome_json(name: Value, o: &SubscriptionOutcome) -> Value {
    let requests: Vec<Value> = o
        .requests
        .iter()
        .map(|r| {
            let headers: Map<String, Value> = r
                .headers
                .iter()
                .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                .collect();
            json!({"method": r.method, "url": r.url, "headers": headers, "body_raw": r.body})
        })
        .collect();
    let mut out = json!({
        "name": name,
        "matched": o.matched,
        "status": o.status.as_str(),
        "requests": requests,
    });
    if let (Some(e), Value::Object(m)) = (&o.error, &mut out) {
        m.insert(
            "error".to_string(),
            json!({"class": e.class, "message": e.message, "status": e.status}),
        );
    }
    if !o.notes.is_empty()
        && let Value::Object(m) = &mut out
    {
        let notes: Vec<Value> = o
            .notes
            .iter()
            .map(|n| json!({"kind": n.kind, "request": n.request, "message": n.message}))
            .collect();
        m.insert("notes".to_string(), Value::Array(notes));
    }
    out
}
