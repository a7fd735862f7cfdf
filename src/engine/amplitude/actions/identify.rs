//! identifyUser: one form request to the Identify API.

use serde_json::Value;

use super::obj::{Obj, Spread, V};
use super::{
    Performed, UtmMembers, apply_platform, form_request, has_utm_or_referrer, min_id_length,
    options_text, parsed_user_agent, user_agent_notes, user_agent_prefix, user_properties_merged,
};
use crate::engine::amplitude::endpoints::Endpoint;
use crate::engine::amplitude::payload::ActionPayload;
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

pub(super) fn perform(settings: &Settings, payload: &ActionPayload<'_>) -> Performed {
    let mut notes = Vec::new();
    // What the user-properties merge reads and makes, declared before the object that
    // borrows it.
    let utm_members: UtmMembers<'_>;
    let mut props = Obj::with_capacity(payload.len() + 2);
    for (k, v) in payload.slots() {
        if !TAKEN_OUT.contains(&k) {
            props.push(k, V::Ref(v.value()));
        }
    }
    if apply_platform(&mut props, payload.get("platform"), payload.get("library")) {
        notes.push(QuirkNote::new(QuirkKind::PlatformRewritten, 0, None));
    }
    if has_utm_or_referrer(payload) {
        // Traits first here (unlike logEvent), so UTM / referrer values win.
        utm_members = UtmMembers::of(payload);
        props.set(
            "user_properties",
            user_properties_merged(payload, true, &utm_members),
        );
    }
    let ua = parsed_user_agent(payload);
    let prefix = user_agent_prefix(payload, ua.as_deref());
    user_agent_notes(|k| props.get(k).is_some(), &prefix, &mut notes);
    // `{...prefix, ...props, library: 'segment'}`: `library` was taken out of `props` and is no
    // key of the prefix, so it goes last.
    props.push("library", V::Str("segment".into()));
    let ident = Spread {
        first: &prefix,
        then: &props,
    };
    if let Some(Value::String(lib)) = payload.get("library")
        && lib != "segment"
    {
        notes.push(QuirkNote::new(
            QuirkKind::LibraryIsSegment,
            0,
            Some(format!("The event's library is \"{lib}\".")),
        ));
    }
    let mut identification = String::with_capacity(512);
    ident.write(&mut identification);
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
        first_event_count: None,
    }
}
