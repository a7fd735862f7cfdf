//! The direct payload path (members borrowed from the event, no copies) against the general
//! one (resolve into a JavaScript value, clean, coerce, validate, convert): for every
//! subscription and event of the corpus, and for crafted events that must leave the direct
//! path, both give the same payload, member by member and byte for byte.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use ampscope::cli::run_case::subscription_of;
use ampscope::engine::amplitude::payload::ActionPayload;
use ampscope::engine::amplitude::runner::{direct_payload, resolve_payload};
use ampscope::engine::amplitude::{ActionKind, Region, Settings, perform};
use ampscope::engine::mapping::PreparedMapping;
use serde_json::{Map, Value, json};

const NOW: f64 = 1717245296789.0;

fn cases() -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for set in ["tests/conformance/cases", "tests/extra-cases/cases"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(set);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            let case: Value =
                ampscope::engine::js::utf16::parse_json_as(&std::fs::read_to_string(&p).unwrap())
                    .unwrap();
            out.push((p, case));
        }
    }
    out
}

/// `None`: the direct path declined. Otherwise whether it agreed with the general path.
fn agree(
    action: ActionKind,
    mapping: &PreparedMapping,
    event: &Value,
) -> Option<Result<(), String>> {
    let direct = direct_payload(action, mapping, event)?;
    let general = resolve_payload(action, mapping, event);
    Some(match general {
        Ok(g) => {
            let d = serde_json::to_string(&direct.to_map()).unwrap();
            let g = serde_json::to_string(&g).unwrap();
            if d != g {
                return Some(Err(format!("direct  {d}\n      general {g}")));
            }
            // The actions read nested objects in the event's order on the direct path:
            // the requests must not show it.
            let settings = Settings::new("KEY", "SECRET", Region::NorthAmerica);
            let from_direct = perform(action, &settings, &direct, NOW);
            let general: Map<String, Value> =
                ampscope::engine::js::utf16::parse_json_as(&g).unwrap();
            let from_general = perform(action, &settings, &ActionPayload::from_map(&general), NOW);
            if from_direct == from_general {
                Ok(())
            } else {
                Err(format!(
                    "requests differ:\n      direct  {:?}\n      general {:?}",
                    from_direct.requests, from_general.requests
                ))
            }
        }
        Err(e) => Err(format!(
            "general path failed ({e}) but the direct path did not"
        )),
    })
}

#[test]
fn direct_payloads_equal_general_ones_on_the_whole_corpus() {
    let mut direct = 0;
    let mut declined = 0;
    let mut failures = Vec::new();
    for (path, case) in cases() {
        let event = &case["event"];
        for sub in case["subscriptions"].as_array().unwrap() {
            let Ok(sub) = subscription_of(sub) else {
                continue;
            };
            let Some(action) = ActionKind::from_key(&sub.action) else {
                continue;
            };
            let Ok(mapping) = PreparedMapping::new(&Value::Object(sub.mapping.clone())) else {
                continue;
            };
            match agree(action, &mapping, event) {
                None => declined += 1,
                Some(Ok(())) => direct += 1,
                Some(Err(e)) => failures.push(format!("{} ({}): {e}", path.display(), sub.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The point of the direct path: most payloads take it (about three in four here; the
    // corpora are heavy on coercions and validation errors on purpose, which it declines).
    assert!(
        2 * direct > 5 * declined,
        "direct {direct}, declined {declined}"
    );
}

/// Events that the direct path must hand to the general path (or get exactly right).
#[test]
fn coercions_cleanups_and_errors_agree() {
    let mapping = |action: &str| {
        let sub = subscription_of(&json!({
            "name": "x", "subscribe": "type = \"track\"", "partnerAction": action, "mapping": "defaults"
        }))
        .unwrap();
        PreparedMapping::new(&Value::Object(sub.mapping)).unwrap()
    };
    let base = json!({
        "type": "track", "event": "Viewed", "userId": "u-1", "anonymousId": "a-1",
        "messageId": "m-1", "timestamp": "2024-03-15T14:22:33.456Z",
        "properties": {"revenue": 10, "quantity": 2, "price": 5, "products": [{"price": 1, "quantity": 3}]},
        "context": {"ip": "203.0.113.1", "location": {"latitude": 1.5, "longitude": 2},
                    "device": {"id": "d-1", "type": "ios"}, "library": {"name": "analytics.js"}},
        "integrations": {"Actions Amplitude": {"session_id": 1717245296789i64}}
    });
    let variants: Vec<(&str, Value)> = vec![
        ("as is", json!({})),
        (
            "string latitude (coerced)",
            json!({"context": {"location": {"latitude": "1.5"}}}),
        ),
        (
            "bad latitude",
            json!({"context": {"location": {"latitude": "north"}}}),
        ),
        ("null user id", json!({"userId": null})),
        ("empty user id", json!({"userId": ""})),
        ("number user id", json!({"userId": 42})),
        // Scalars of the wrong type for fields that state only types: coerced in place on
        // the direct path, as ajv does (numbers printed as JavaScript prints them, strings
        // read as `Number()` reads them), unless the result is not finite.
        ("huge number user id", json!({"userId": 1e21})),
        ("fractional user id", json!({"userId": 0.30000000000000004})),
        ("numeric event name", json!({"event": 404})),
        ("boolean ip", json!({"context": {"ip": true}})),
        (
            "boolean latitude",
            json!({"context": {"location": {"latitude": true}}}),
        ),
        (
            "hex and padded coordinates",
            json!({"context": {"location": {"latitude": "0x10", "longitude": " 2.5 "}}}),
        ),
        (
            "infinite latitude text",
            json!({"context": {"location": {"latitude": "Infinity", "longitude": "1e999"}}}),
        ),
        ("string price", json!({"properties": {"price": "19.99"}})),
        ("string revenue", json!({"properties": {"revenue": "-0"}})),
        // Infinity is truthy revenue for logPurchase: declined, the general path keeps it.
        (
            "infinite revenue text",
            json!({"properties": {"revenue": "Infinity"}}),
        ),
        // Members of the wrong JSON type for a schema that only states types.
        ("object user id", json!({"userId": {"a": 1}})),
        (
            "boolean device id",
            json!({"context": {"device": {"id": true}}}),
        ),
        ("array ip", json!({"context": {"ip": ["203.0.113.1"]}})),
        ("null ip", json!({"context": {"ip": null}})),
        ("empty ip", json!({"context": {"ip": ""}})),
        (
            "string library",
            json!({"context": {"library": "analytics.js"}}),
        ),
        ("no event name", json!({"event": null})),
        ("numeric string time", json!({"timestamp": "1717245296789"})),
        ("bad time", json!({"timestamp": "yesterday"})),
        (
            "fractional quantity",
            json!({"properties": {"quantity": 1.5}}),
        ),
        ("string quantity", json!({"properties": {"quantity": "2"}})),
        (
            "null inside products",
            json!({"properties": {"products": [{"price": null, "name": ""}]}}),
        ),
        (
            "products not an array",
            json!({"properties": {"products": {"a": 1}}}),
        ),
        (
            "numeric keys",
            json!({"properties": {"b": 1, "2": 2, "1": 1}, "context": {"traits": {"z": 1, "0": 0}}}),
        ),
        (
            "utm with numeric keys",
            json!({"context": {"campaign": {"source": "s", "7": "x"}}}),
        ),
        (
            "huge integer",
            json!({"properties": {"n": 18446744073709551615u64}}),
        ),
        (
            "session id string",
            json!({"integrations": {"Actions Amplitude": {"session_id": "1717245296789"}}}),
        ),
        (
            "session id object",
            json!({"integrations": {"Actions Amplitude": {"session_id": {}}}}),
        ),
    ];
    let mut direct = 0;
    for kind in ActionKind::ALL {
        let action = kind.key();
        let m = mapping(action);
        for (name, patch) in &variants {
            let mut event = base.clone();
            merge(&mut event, patch);
            match agree(kind, &m, &event) {
                None => {}
                Some(Ok(())) => direct += 1,
                Some(Err(e)) => panic!("{action}, {name}: {e}"),
            }
        }
    }
    assert!(direct > 0);
}

/// A JSON merge patch (`null` sets null rather than deleting: the variants want nulls).
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(slot) if v.is_object() && slot.is_object() => merge(slot, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// Objects written out in a mapping reach the actions as their members (not built into one
/// JSON value unless an action reads them as one): every way an action reads them must give
/// what the general path gives.
#[test]
fn objects_written_in_the_mapping_agree() {
    let event = json!({
        "type": "track", "event": "Viewed", "userId": "u-1", "anonymousId": "a-1",
        "timestamp": "2024-03-15T14:22:33.456Z",
        "properties": {"a": 1, "b": "", "products": [{"price": 2, "quantity": 1}]},
        "traits": {"$setOnce": {"old": 1}, "t": "x", "3": "three"},
        "context": {
            "page": {"referrer": "https://r.example/"},
            "campaign": {"source": "s", "medium": ""},
            "library": {"name": "analytics.js"},
            "userAgent": "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
            "userAgentData": {"model": "Pixel 7", "platformVersion": "13", "mobile": null}
        }
    });
    // Index-like keys anywhere in an object make the writers order it as JavaScript does.
    let mut plain_traits = event.clone();
    plain_traits["traits"] = json!({"t": "x", "$set": {"old": 2}});
    let events = [event, plain_traits];
    let objects: Vec<(&str, Value)> = vec![
        (
            "setOnce",
            json!({"1": {"@path": "$.context.page.referrer"}, "b": {"@path": "$.properties.a"},
                   "0": {"@path": "$.missing"}, "c": {"d": {"@path": "$.properties.a"}}}),
        ),
        (
            "setAlways",
            json!({"x": {"@path": "$.properties.b"}, "y": ""}),
        ),
        ("add", json!({"n": {"@path": "$.properties.a"}})),
        ("setAlways", json!({})),
        (
            "user_properties",
            json!({"x": {"@path": "$.traits.t"}, "2": {"@path": "$.traits.3"},
                   "utm_properties": {"@path": "$.properties.a"}}),
        ),
        (
            "event_properties",
            json!({"k": {"@path": "$.properties.a"}, "nested": {"v": {"@path": "$.userId"}}}),
        ),
        (
            "library2",
            json!({"behavior": "use_mapping", "mapping": {"@path": "$.context.page.referrer"}}),
        ),
        ("library2", json!({"behavior": "segment", "mapping": "m"})),
        ("library2", json!({"behavior": "other", "mapping": "m"})),
        ("library2", json!({"mapping": {"@path": "$.missing"}})),
        (
            "userAgentData",
            json!({"model": {"@path": "$.context.userAgentData.model"},
                   "platformVersion": {"@path": "$.context.userAgentData.platformVersion"}}),
        ),
        ("userAgentData", json!({"model": 5})),
        (
            "userAgentData",
            json!({"model": {"@path": "$.context.userAgentData.mobile"}}),
        ),
        (
            "utm_properties",
            json!({"utm_source": {"@path": "$.context.campaign.source"}, "7": "x"}),
        ),
        (
            "utm_properties",
            json!({"utm_source": {"@path": "$.missing"}}),
        ),
        (
            "utm_properties",
            json!({"utm_medium": {"@path": "$.context.campaign.medium"}}),
        ),
        (
            "group_properties",
            json!({"g": {"@path": "$.properties.a"}}),
        ),
        ("products", json!({"price": 3})),
    ];
    let mut direct = 0;
    for kind in ActionKind::ALL {
        let action = kind.key();
        for (field, object) in &objects {
            let mut sub = subscription_of(&json!({
                "name": "x", "subscribe": "type = \"track\"", "partnerAction": action,
                "mapping": "defaults"
            }))
            .unwrap();
            sub.mapping.insert(field.to_string(), object.clone());
            if action == "groupIdentifyUser" {
                sub.mapping.insert("group_type".into(), json!("org"));
                sub.mapping.insert("group_value".into(), json!("acme"));
            }
            let m = PreparedMapping::new(&Value::Object(sub.mapping)).unwrap();
            for event in &events {
                match agree(kind, &m, event) {
                    None => {}
                    Some(Ok(())) => direct += 1,
                    Some(Err(e)) => panic!("{action}, {field} = {object}: {e}"),
                }
            }
        }
    }
    // Most of these take the direct path.
    assert!(direct > 150, "direct {direct}");
}

/// Fields answered straight from the table of looked-up paths (`@if` between paths, an
/// `@arrayPath` whose root is no array or object) against the general resolution: every
/// shape of `@if` (then = exists, no then, no else, a falsy else, a part that is not a path)
/// over values of every kind, missing and falsy ones among them, in fields of several types,
/// as the field and inside an object written out in the mapping.
#[test]
fn fields_read_from_the_path_table_agree() {
    let values = [
        Some(json!("id-1")),
        Some(json!(12.5)),
        Some(json!({})),
        Some(json!({"a": 1, "2": "two"})),
        Some(json!([])),
        Some(json!([1, {"a": 2}])),
    ];
    let values: Vec<Option<Value>> = missing_or_falsy().into_iter().chain(values).collect();
    let p = |path: &str| json!({ "@path": path });
    let fields = [
        json!({"@if": {"exists": p("$.properties.v"), "then": p("$.properties.v"), "else": p("$.properties.w")}}),
        json!({"@if": {"exists": p("$.properties.v"), "then": p("$.properties.w"), "else": p("$.userId")}}),
        json!({"@if": {"exists": p("$.properties.v"), "then": p("$.properties.w")}}),
        json!({"@if": {"exists": p("$.properties.v"), "else": p("$.properties.w")}}),
        json!({"@if": {"exists": p("$.properties.v"), "then": "literal", "else": p("$.properties.w")}}),
        json!({"@if": {"exists": p("$.properties.v"), "then": p("$.properties.w"), "else": ""}}),
        json!({"@if": {"exists": p("$.properties.v.a"), "then": p("$.properties.v.a"), "else": p("$.properties.v")}}),
        json!({"@arrayPath": ["$.properties.v", {"x": {"@path": "a"}}]}),
        json!({"@arrayPath": ["$.properties.v"]}),
        json!({"@arrayPath": ["$.properties.w", {"price": {"@path": "a"}}]}),
    ];
    // The same inside an object written out in the mapping.
    let wrapped: Vec<Value> = fields
        .iter()
        .map(|f| json!({"k": f, "u": {"@path": "$.userId"}}))
        .collect();
    let fields: Vec<Value> = fields.into_iter().chain(wrapped).collect();
    let targets = [
        ("logEvent", "device_id"),
        ("logEvent", "event_properties"),
        ("logEvent", "products"),
        ("logEvent", "session_id"),
        ("identifyUser", "user_id"),
        ("identifyUser", "user_properties"),
    ];
    let mut direct = 0;
    let mut checked = 0;
    for (action, field) in targets {
        let kind = ActionKind::from_key(action).unwrap();
        for f in &fields {
            let mut sub = subscription_of(&json!({
                "name": "x", "subscribe": "type = \"track\"", "partnerAction": action,
                "mapping": "defaults"
            }))
            .unwrap();
            sub.mapping.insert(field.to_string(), f.clone());
            let m = PreparedMapping::new(&Value::Object(sub.mapping)).unwrap();
            for v in &values {
                for w in &values {
                    let mut props = Map::new();
                    if let Some(v) = v {
                        props.insert("v".into(), v.clone());
                    }
                    if let Some(w) = w {
                        props.insert("w".into(), w.clone());
                    }
                    let event = json!({"type": "track", "event": "E", "userId": "u-1",
                        "anonymousId": "a-1", "properties": props});
                    checked += 1;
                    match agree(kind, &m, &event) {
                        None => {}
                        Some(Ok(())) => direct += 1,
                        Some(Err(e)) => panic!("{action}, {field} = {f}, event {event}: {e}"),
                    }
                }
            }
        }
    }
    // Many of these go the general way (a wrong type for the field); enough do not.
    assert!(direct > checked / 4, "direct {direct} of {checked}");
}

/// Paths that share a parent (`context`, `context.c`) are looked up from the parent's members
/// at once when the parent is an object, one child at a time otherwise: both agree with the
/// general resolution whatever the parent holds (missing, falsy, a string or an array with
/// `length` and index children, objects small and large, keys present or not).
#[test]
fn sibling_paths_looked_up_together_agree() {
    let p = |path: &str| json!({ "@path": path });
    let fields = json!({
        "a": p("$.context.a"), "b": p("$.context.b"), "len": p("$.context.length"),
        "zero": p("$.context.0"), "cd": p("$.context.c.d"), "ce": p("$.context.c.e"),
        "cl": p("$.context.c.length"), "missing": p("$.context.nope"), "ip": p("$.context.ip")
    });
    let mut large = Map::new();
    for i in 0..40 {
        large.insert(format!("k{i}"), json!(i));
    }
    large.insert("b".into(), json!("late b"));
    large.insert("ip".into(), json!("10.0.0.1"));
    let contexts = [
        Some(json!("abc")),
        Some(json!([1, 2])),
        Some(json!(["x", {"d": 1}])),
        Some(json!({})),
        Some(json!({"a": 1, "b": "2", "c": {"d": 3, "e": [4]}, "ip": "1.2.3.4"})),
        Some(json!({"0": "zero", "length": 5, "a": null, "c": "xy"})),
        Some(json!({"c": [7, 8], "": "empty key", "nope2": 1})),
        Some(json!({"c": {"length": 2, "d": null}, "b": false})),
        Some(Value::Object(large)),
    ];
    let contexts: Vec<Option<Value>> = missing_or_falsy().into_iter().chain(contexts).collect();
    let mut direct = 0;
    for target in ["event_properties", "user_properties"] {
        let mut sub = subscription_of(&json!({
            "name": "x", "subscribe": "type = \"track\"", "partnerAction": "logEvent",
            "mapping": "defaults"
        }))
        .unwrap();
        sub.mapping.insert(target.to_string(), fields.clone());
        let m = PreparedMapping::new(&Value::Object(sub.mapping)).unwrap();
        for context in &contexts {
            let mut event = json!({"type": "track", "event": "E", "userId": "u-1",
                "anonymousId": "a-1", "properties": {"x": 1}});
            if let Some(c) = context {
                event["context"] = c.clone();
            }
            match agree(ActionKind::LogEvent, &m, &event) {
                None => {}
                Some(Ok(())) => direct += 1,
                Some(Err(e)) => panic!("{target}, context {context:?}: {e}"),
            }
        }
    }
    assert!(direct >= 20, "direct {direct}");
}

/// A member left out, then the values JavaScript finds falsy.
fn missing_or_falsy() -> [Option<Value>; 5] {
    [
        None,
        Some(json!(null)),
        Some(json!("")),
        Some(json!(0)),
        Some(json!(false)),
    ]
}
