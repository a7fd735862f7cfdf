//! identifyUser: one form request to the Identify API.

use serde_json::{Map, Value};

use super::{
    Performed, apply_platform, drop_placeholders, form_request, has_utm_or_referrer,
    merge_user_properties, min_id_length, options_text, referrer_part, set, traits_without_utm,
    user_agent_prefix, utm_part,
};
use crate::engine::amplitude::endpoints::Endpoint;
use crate::engine::amplitude::quirks::{QuirkKind, QuirkNote};
use crate::engine::amplitude::settings::Settings;

const TAKEN_OUT: [&str; 8] = [
    "utm_properties",
    "referrer",
    "userAgent",
    "userAgentParsing",
    "includeRawUserAgent",
    "userAgentData",
    "min_id_length",
    "library",
];

pub(super) fn perform(settings: &Settings, payload: &Map<String, Value>) -> Performed {
    let mut notes = Vec::new();
    let mut props = Map::new();
    for (k, v) in payload {
        if !TAKEN_OUT.contains(&k.as_str()) {
            props.insert(k.clone(), v.clone());
        }
    }
    if apply_platform(&mut props, payload.get("library")) {
        notes.push(QuirkNote::new(QuirkKind::PlatformRewritten, 0, None));
    }
    if has_utm_or_referrer(payload) {
        // Traits first here (unlike logEvent), so UTM / referrer values win.
        let merged = merge_user_properties(&[
            traits_without_utm(props.get("user_properties")),
            utm_part(payload.get("utm_properties")),
            referrer_part(payload.get("referrer")),
        ]);
        set(&mut props, "user_properties", Value::Object(merged));
    }
    let mut ident = Map::new();
    let undefined = user_agent_prefix(payload, &mut ident);
    for (k, v) in &props {
        set(&mut ident, k, v.clone());
    }
    drop_placeholders(&mut ident, &undefined, &props);
    if ident.get("os_version").is_some() && !props.contains_key("os_version") {
        notes.push(QuirkNote::new(
            QuirkKind::OsVersionIsBrowserVersion,
            0,
            None,
        ));
    }
    set(&mut ident, "library", Value::String("segment".to_string()));
    if let Some(Value::String(lib)) = payload.get("library")
        && lib != "segment"
    {
        notes.push(QuirkNote::new(
            QuirkKind::LibraryIsSegment,
            0,
            Some(format!("The event's library is \"{lib}\".")),
        ));
    }
    let identification = crate::engine::js::stringify(&Value::Object(ident));
    let options = options_text(min_id_length(payload));
    if min_id_length(payload).is_none() {
        notes.push(QuirkNote::new(QuirkKind::OptionsUndefined, 0, None));
    }
    let request = form_request(
        Endpoint::Identify.url(settings.endpoint),
        &[
            ("api_key", &settings.api_key),
            ("identification", &identification),
            ("options", &options),
        ],
    );
    Performed {
        requests: vec![request],
        notes,
    }
}
