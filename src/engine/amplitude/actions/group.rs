//! groupIdentifyUser: the user→group association (Identify API, only with a user or device id)
//! then the group's properties (Group Identify API).

use serde_json::{Map, Value};

use super::{Performed, form_request, min_id_length, number, options_text};
use crate::engine::amplitude::endpoints::Endpoint;
use crate::engine::amplitude::payload::ActionPayload;
use crate::engine::amplitude::quirks::{QuirkKind, QuirkNote};
use crate::engine::amplitude::settings::Settings;
use crate::engine::amplitude::time::{dayjs_utc, truthy};

pub(super) fn perform(settings: &Settings, payload: &ActionPayload<'_>, now_ms: f64) -> Performed {
    let mut notes = Vec::new();
    let mut requests = Vec::new();
    let group_type = js_property_key(payload.get("group_type"));
    let group_value = payload.get("group_value").cloned();
    let association = || {
        let mut m = Map::new();
        // `{[group_type]: group_value}`: an undefined value leaves the key out of the JSON.
        if let Some(v) = &group_value {
            m.insert(group_type.clone(), v.clone());
        }
        Value::Object(m)
    };
    let options = options_text(min_id_length(payload));
    let undefined_options = min_id_length(payload).is_none();
    let truthy_at = |k: &str| payload.get(k).is_some_and(truthy);
    if truthy_at("user_id") || truthy_at("device_id") {
        let mut ident = Map::new();
        if let Some(v) = payload.get("device_id") {
            ident.insert("device_id".to_string(), v.clone());
        }
        ident.insert("groups".to_string(), association());
        if let Some(v) = payload.get("insert_id") {
            ident.insert("insert_id".to_string(), v.clone());
        }
        ident.insert("library".to_string(), Value::String("segment".to_string()));
        let time = payload.get("time");
        let t = dayjs_utc(time, now_ms);
        ident.insert("time".to_string(), number(t));
        let surprising = match time {
            None | Some(Value::Number(_)) => true,
            Some(Value::String(s)) => t.is_nan() || s.bytes().all(|b| b.is_ascii_digit()),
            Some(_) => true,
        };
        if surprising {
            notes.push(QuirkNote::new(QuirkKind::GroupTimeParsing, 0, None));
        }
        if let Some(v) = payload.get("user_id") {
            ident.insert("user_id".to_string(), v.clone());
        }
        ident.insert("user_properties".to_string(), association());
        let identification =
            crate::engine::js::stringify(&Value::Array(vec![Value::Object(ident)]));
        requests.push(form_request(
            Endpoint::Identify.url(settings.endpoint),
            &[
                ("api_key", &settings.api_key),
                ("identification", &identification),
                ("options", &options),
            ],
        ));
        if undefined_options {
            notes.push(QuirkNote::new(QuirkKind::OptionsUndefined, 0, None));
        }
    }
    let mut group = Map::new();
    if let Some(v) = payload.get("group_properties") {
        group.insert("group_properties".to_string(), v.clone());
    }
    if let Some(v) = &group_value {
        group.insert("group_value".to_string(), v.clone());
    }
    if let Some(v) = payload.get("group_type") {
        group.insert("group_type".to_string(), v.clone());
    }
    group.insert("library".to_string(), Value::String("segment".to_string()));
    let identification = crate::engine::js::stringify(&Value::Array(vec![Value::Object(group)]));
    let index = requests.len();
    requests.push(form_request(
        Endpoint::GroupIdentify.url(settings.endpoint),
        &[
            ("api_key", &settings.api_key),
            ("identification", &identification),
            ("options", &options),
        ],
    ));
    if undefined_options {
        notes.push(QuirkNote::new(QuirkKind::OptionsUndefined, index, None));
    }
    Performed {
        requests,
        notes,
        first_event_count: None,
    }
}

/// A value used as a computed property key (`String(value)`).
fn js_property_key(v: Option<&Value>) -> String {
    match v {
        None => "undefined".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => {
            crate::engine::js::number_to_string(crate::engine::js::json_number_to_f64(n))
        }
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Null) => "null".to_string(),
        Some(Value::Array(_)) | Some(Value::Object(_)) => "[object Object]".to_string(),
    }
}
