//! Every matched subscription of the 234 conformance goldens: resolve the mapping the
//! reference ran against the case's event, run the framework pipeline with the action's fields
//! from `assets/amplitude-definitions.json`, and compare with the payload `perform()` received
//! (or with the reference's validation error).
#![allow(clippy::unwrap_used)]

use ampscope::engine::mapping::{
    self,
    schema::{self, Fields},
};
#[path = "mapping/common.rs"]
mod common;

use common::same;
use serde_json::{Map, Value};

fn load(rel: &str) -> Value {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The mapping the oracle ran: base (defaults, preset or explicit), overrides shallow-merged
/// over it, then removed keys deleted.
fn mapping_for(defs: &Value, sub: &Value) -> Value {
    let mut base: Map<String, Value> = match &sub["mapping"] {
        Value::String(s) if s == "defaults" => defs["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["key"] == sub["action"])
            .unwrap()["default_mapping"]
            .as_object()
            .unwrap()
            .clone(),
        Value::String(s) => {
            let name = s.strip_prefix("preset:").unwrap();
            defs["presets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap()["mapping"]
                .as_object()
                .unwrap()
                .clone()
        }
        other => other.as_object().unwrap().clone(),
    };
    if let Some(Value::Object(o)) = sub.get("overrides") {
        for (k, v) in o {
            base.insert(k.clone(), v.clone());
        }
    }
    if let Some(Value::Array(r)) = sub.get("remove") {
        for k in r {
            base.shift_remove(k.as_str().unwrap());
        }
    }
    Value::Object(base)
}

fn check_schema_error(label: &str, e: &schema::SchemaError, want: &Value) -> Result<(), String> {
    if want["class"] != "AggregateAjvError" || want["message"] != e.message.as_str() {
        return Err(format!(
            "{label}: schema error {:?}, want {want}",
            e.message
        ));
    }
    if let Some(details) = want.get("details") {
        let got = serde_json::to_value(&e.details).unwrap();
        if !same(&got, details) {
            return Err(format!("{label}: details {got}, want {details}"));
        }
    }
    Ok(())
}

fn run_sub(defs: &Value, case: &Value, sub: &Value) -> Result<(), String> {
    let label = format!("{} / {}", case["name"].as_str().unwrap(), sub["name"]);
    let want_error = sub.get("error");
    // Settings are validated first, with the same machinery.
    let settings_fields = Fields::for_settings(defs).unwrap();
    let mut settings = case["settings"].clone();
    settings["subscriptions"] = Value::Array(vec![]);
    if let Err(e) = schema::validate_settings(&settings_fields, &settings) {
        return match want_error {
            Some(w) => check_schema_error(&label, &e, w),
            None => Err(format!("{label}: unexpected settings error {e}")),
        };
    }
    let mapping = mapping_for(defs, sub);
    let resolved = match mapping::resolve(&mapping, &case["event"]) {
        Ok(v) => v,
        Err(e) => {
            let Some(w) = want_error else {
                return Err(format!("{label}: unexpected mapping error {e}"));
            };
            let class = e.class();
            if w["class"] != class || w["message"] != e.reference_message().as_str() {
                return Err(format!(
                    "{label}: {class} {:?}, want {w}",
                    e.reference_message()
                ));
            }
            return Ok(());
        }
    };
    let prepared = mapping::PreparedMapping::new(&mapping).unwrap();
    if prepared.resolve(&case["event"]).as_ref() != Ok(&resolved) {
        return Err(format!(
            "{label}: the prepared mapping resolves differently"
        ));
    }
    let fields = Fields::for_action(defs, sub["action"].as_str().unwrap()).unwrap();
    match schema::process(&fields, &resolved) {
        Ok(payload) => match sub.get("payload") {
            Some(want) if same(&payload, want) => Ok(()),
            Some(want) => Err(format!("{label}:\n  got  {payload}\n  want {want}")),
            None => Err(format!("{label}: got a payload, want error {want_error:?}")),
        },
        Err(e) => match want_error {
            Some(w) => check_schema_error(&label, &e, w),
            None => Err(format!("{label}: unexpected schema error {e}")),
        },
    }
}

#[test]
fn every_golden_payload_and_validation_error_is_reproduced() {
    let defs = load("assets/amplitude-definitions.json");
    let data = load("tests/mapping/golden_payloads.json");
    let mut failures = Vec::new();
    let mut n = 0;
    for case in data["cases"].as_array().unwrap() {
        for sub in case["subscriptions"].as_array().unwrap() {
            n += 1;
            if let Err(e) = run_sub(&defs, case, sub) {
                failures.push(e);
            }
        }
    }
    assert_eq!(n, 336, "matched subscriptions in the goldens");
    assert!(
        failures.is_empty(),
        "{} of {n} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
