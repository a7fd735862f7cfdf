//! The emulator over loopback: every documented answer of Amplitude's ingestion APIs.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use ampscope::engine::request::{HttpRequest, HttpResponse};
use ampscope::transport::client::{Sender, SenderConfig, Target};
use ampscope::transport::emulator::{ApiKeyRule, Emulator, EmulatorConfig, EmulatorHandle, Limits};
use serde_json::{Value, json};

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn start(config: EmulatorConfig) -> (EmulatorHandle, Sender) {
    let emu = Emulator::start(config).unwrap();
    let sender = Sender::new(SenderConfig {
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    (emu, sender)
}

fn json_request(path: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: format!("https://api2.amplitude.com{path}").into(),
        headers: vec![("content-type".into(), "application/json".into())].into(),
        body: body.into(),
    }
}

fn form_request(path: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: format!("https://api2.amplitude.com{path}").into(),
        headers: vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded;charset=UTF-8".into(),
        )]
        .into(),
        body: body.into(),
    }
}

fn send(emu: &EmulatorHandle, sender: &Sender, req: &HttpRequest) -> HttpResponse {
    let ex = sender.send_blocking(req, &Target::Emulator(emu.url()));
    ex.result.unwrap()
}

fn body_json(resp: &HttpResponse) -> Value {
    serde_json::from_str(&resp.body).unwrap_or_else(|_| panic!("not JSON: {}", resp.body))
}

fn event(user: &str, device: &str, kind: &str) -> Value {
    json!({"user_id": user, "device_id": device, "event_type": kind})
}

fn v2_body(events: Vec<Value>) -> String {
    json!({"api_key": KEY, "events": events}).to_string()
}

/// Asserts every key of `expected` is in `actual` with the same value.
fn assert_subset(actual: &Value, expected: &Value, case: &str) {
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(actual.get(k), Some(v), "{case}: key {k} in {actual}");
    }
}

#[test]
fn documented_400_and_200_answers() {
    let (emu, sender) = start(EmulatorConfig::default());
    let ok = event("user-123", "device-456", "Order Completed");
    let cases: Vec<(&str, &str, String, u16, Value)> = vec![
        ("accepted", "/2/httpapi", v2_body(vec![ok.clone(), ok.clone()]), 200,
         json!({"code": 200, "events_ingested": 2})),
        ("batch accepted", "/batch", v2_body(vec![ok.clone()]), 200,
         json!({"code": 200, "events_ingested": 1})),
        ("empty events", "/2/httpapi", v2_body(vec![]), 200,
         json!({"code": 200, "events_ingested": 0})),
        ("missing api_key", "/2/httpapi", json!({"events": [ok]}).to_string(), 400,
         json!({"code": 400, "error": "Request missing required field", "missing_field": "api_key"})),
        ("missing events", "/2/httpapi", json!({"api_key": KEY}).to_string(), 400,
         json!({"code": 400, "error": "Request missing required field", "missing_field": "events"})),
        ("invalid JSON", "/2/httpapi", "{\"api_key\":".to_string(), 400,
         json!({"code": 400, "error": "Invalid JSON request body"})),
        ("empty body", "/2/httpapi", String::new(), 400,
         json!({"code": 400, "error": "Missing request body"})),
        ("event not an object", "/2/httpapi", json!({"api_key": KEY, "events": [1]}).to_string(), 400,
         json!({"code": 400, "error": "Invalid event JSON"})),
        ("missing event_type", "/2/httpapi",
         v2_body(vec![ok.clone(), json!({"user_id": "user-123"})]), 400,
         json!({"code": 400, "error": "Request missing required field",
                "events_with_missing_fields": {"event_type": [1]}})),
        ("missing both ids", "/batch", v2_body(vec![json!({"event_type": "a"})]), 400,
         json!({"events_with_missing_fields": {"device_id": [0]}})),
        ("time as ISO string", "/2/httpapi",
         v2_body(vec![json!({"user_id": "user-123", "event_type": "a", "time": "2024-05-01T12:00:00Z"}), ok.clone(),
                      json!({"user_id": "user-123", "event_type": "a", "time": 1.5})]), 400,
         json!({"code": 400, "error": "Invalid field values on some events",
                "events_with_invalid_fields": {"time": [0, 2]}})),
        ("refused id value", "/2/httpapi", v2_body(vec![event("undefined", "device-456", "a")]), 400,
         json!({"events_with_invalid_fields": {"user_id": [0]}})),
        ("reserved event type", "/2/httpapi",
         v2_body(vec![event("user-123", "device-456", "[Amplitude] Revenue")]), 400,
         json!({"events_with_invalid_fields": {"event_type": [0]}})),
        ("short user id", "/2/httpapi", v2_body(vec![event("abc", "device-456", "a")]), 400,
         json!({"code": 400, "error": "Invalid id length for user_id or device_id",
                "events_with_invalid_id_lengths": {"user_id": [0]}})),
        ("numeric device id", "/2/httpapi",
         v2_body(vec![json!({"device_id": 1, "event_type": "a"})]), 400,
         json!({"events_with_invalid_id_lengths": {"device_id": [0]}})),
        ("min_id_length honoured", "/2/httpapi",
         json!({"api_key": KEY, "events": [event("abc", "dev", "a")], "options": {"min_id_length": 3}}).to_string(),
         200, json!({"events_ingested": 1})),
        ("min_id_length still enforced", "/2/httpapi",
         json!({"api_key": KEY, "events": [event("ab", "de", "a")], "options": {"min_id_length": 3}}).to_string(),
         400, json!({"events_with_invalid_id_lengths": {"user_id": [0], "device_id": [0]}})),
        ("empty key", "/2/httpapi", json!({"api_key": "", "events": [ok]}).to_string(), 400,
         json!({"code": 400, "error": "Invalid API key: "})),
        ("unknown path", "/3/httpapi", v2_body(vec![]), 400,
         json!({"code": 400, "error": "Invalid request path"})),
    ];
    for (name, path, body, status, expected) in cases {
        let resp = send(&emu, &sender, &json_request(path, &body));
        assert_eq!(resp.status, status, "{name}: {}", resp.body);
        let got = body_json(&resp);
        assert_eq!(got["code"], json!(status), "{name}: code equals status");
        assert_subset(&got, &expected, name);
        if status == 200 {
            assert_eq!(got["payload_size_bytes"], json!(body.len()), "{name}");
            assert!(got["server_upload_time"].as_u64().unwrap() > 1_600_000_000_000);
        }
    }
    // Only accepted requests reached the state: 2 + 1 + 1 events.
    assert_eq!(emu.state().events().len(), 4);
}

#[test]
fn content_type_must_be_json_but_parameters_are_fine() {
    let (emu, sender) = start(EmulatorConfig::default());
    let body = v2_body(vec![event("user-123", "device-456", "a")]);
    for (ct, status) in [
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON;charset=UTF-8", 200),
        ("text/plain", 400),
    ] {
        let mut req = json_request("/2/httpapi", &body);
        req.headers = vec![("content-type".into(), ct.into())].into();
        assert_eq!(send(&emu, &sender, &req).status, status, "{ct}");
    }
}

#[test]
fn api_key_rules() {
    let rules = [
        (ApiKeyRule::AnyNonEmpty, "emulator", 200),
        (ApiKeyRule::AnyNonEmpty, "   ", 400),
        (ApiKeyRule::Hex32, KEY, 200),
        (ApiKeyRule::Hex32, "emulator", 400),
        (ApiKeyRule::OneOf(vec!["k1-aaaa".into()]), "k1-aaaa", 200),
        (ApiKeyRule::OneOf(vec!["k1-aaaa".into()]), "k2-bbbb", 400),
    ];
    for (rule, key, status) in rules {
        let (emu, sender) = start(EmulatorConfig {
            keys: rule.clone(),
            ..EmulatorConfig::default()
        });
        let body =
            json!({"api_key": key, "events": [event("user-123", "device-456", "a")]}).to_string();
        let resp = send(&emu, &sender, &json_request("/2/httpapi", &body));
        assert_eq!(resp.status, status, "{rule:?} {key}");
        if status == 400 {
            assert_eq!(
                body_json(&resp)["error"],
                json!(format!("Invalid API key: {key}"))
            );
        }
        // The form endpoints apply the same rule.
        let form = format!("api_key={key}&identification=%7B%22user_id%22%3A%22user-123%22%7D");
        let resp = send(&emu, &sender, &form_request("/identify", &form));
        assert_eq!(resp.status, status, "identify {rule:?} {key}");
        if status == 400 {
            assert_eq!(resp.body, "invalid api_key");
        }
    }
}

#[test]
fn payload_too_large_by_count_and_by_size() {
    let (emu, sender) = start(EmulatorConfig::default());
    let many = |n: usize| {
        (0..n)
            .map(|i| event(&format!("user-{i:05}"), &format!("device-{i:05}"), "a"))
            .collect::<Vec<_>>()
    };
    for (path, n, status) in [
        ("/2/httpapi", 2000, 200),
        ("/2/httpapi", 2001, 413),
        ("/batch", 2001, 413),
    ] {
        let resp = send(&emu, &sender, &json_request(path, &v2_body(many(n))));
        assert_eq!(resp.status, status, "{path} {n} events");
        if status == 413 {
            assert_eq!(
                body_json(&resp),
                json!({"code": 413, "error": "Payload too large"})
            );
        }
    }
    // 1.1 MB in one event: too large for /2/httpapi (1 MB), fine for /batch (20 MB).
    let big = json!({"user_id": "user-123", "event_type": "a",
                     "event_properties": {"blob": "x".repeat(1_100_000)}});
    let body = v2_body(vec![big]);
    assert_eq!(
        send(&emu, &sender, &json_request("/2/httpapi", &body)).status,
        413
    );
    assert_eq!(
        send(&emu, &sender, &json_request("/batch", &body)).status,
        200
    );
}

#[test]
fn too_many_requests_by_rate_with_documented_defaults() {
    let (emu, sender) = start(EmulatorConfig::default());
    // 30 events/s averaged over 30 s: 900 events for one user are fine, 901 are not.
    let burst = |n: usize, user: &str| {
        (0..n)
            .map(|i| event(user, &format!("device-{i:05}"), "a"))
            .collect::<Vec<_>>()
    };
    let resp = send(
        &emu,
        &sender,
        &json_request("/2/httpapi", &v2_body(burst(900, "user-fine"))),
    );
    assert_eq!(resp.status, 200);
    let mut events = burst(2, "user-busy");
    events.insert(0, event("user-other", "device-other", "a"));
    let resp = send(
        &emu,
        &sender,
        &json_request("/2/httpapi", &v2_body(burst(899, "user-fine"))),
    );
    assert_eq!(resp.status, 429, "1799 events for user-fine within 30 s");
    let got = body_json(&resp);
    assert_subset(
        &got,
        &json!({"code": 429, "error": "Too many requests for some devices and users",
                "eps_threshold": 30, "throttled_users": {"user-fine": 60}, "throttled_devices": {}}),
        "v2 rate",
    );
    assert_eq!(got["throttled_events"].as_array().unwrap().len(), 899);
    // A refused request is neither ingested nor counted.
    assert_eq!(emu.state().events().len(), 900);
    assert_eq!(
        send(&emu, &sender, &json_request("/2/httpapi", &v2_body(events))).status,
        200
    );
}

#[test]
fn daily_quota_on_batch() {
    let (emu, sender) = start(EmulatorConfig {
        limits: Limits {
            daily_quota: 3,
            ..Limits::default()
        },
        ..EmulatorConfig::default()
    });
    let two = v2_body(vec![
        event("user-quota", "device-a1", "a"),
        event("user-quota", "device-a2", "a"),
    ]);
    assert_eq!(
        send(&emu, &sender, &json_request("/batch", &two)).status,
        200
    );
    let mixed = v2_body(vec![
        event("user-other", "device-b1", "a"),
        event("user-quota", "device-a3", "a"),
        event("user-quota", "device-a4", "a"),
    ]);
    let resp = send(&emu, &sender, &json_request("/batch", &mixed));
    assert_eq!(resp.status, 429);
    assert_subset(
        &body_json(&resp),
        &json!({"eps_threshold": 1000, "exceeded_daily_quota_users": {"user-quota": 4},
                "exceeded_daily_quota_devices": {}, "throttled_events": [1, 2]}),
        "daily quota",
    );
    // /2/httpapi has no daily quota.
    assert_eq!(
        send(&emu, &sender, &json_request("/2/httpapi", &mixed)).status,
        200
    );
}

#[test]
fn gzip_encoded_batch_is_accepted() {
    let (emu, sender) = start(EmulatorConfig::default());
    let body = v2_body(vec![event("user-123", "device-456", "Gzipped")]);
    let mut req = json_request("/batch", &body);
    req.headers
        .to_mut()
        .push(("content-encoding".into(), "gzip".into()));
    let resp = send(&emu, &sender, &req);
    assert_eq!(resp.status, 200, "{}", resp.body);
    // Counted after gunzip.
    assert_eq!(body_json(&resp)["payload_size_bytes"], json!(body.len()));
    assert_eq!(
        emu.state().events()[0].event["event_type"],
        json!("Gzipped")
    );
    assert_eq!(emu.state().events()[0].endpoint, "/batch");
}

#[test]
fn form_endpoints() {
    let (emu, sender) = start(EmulatorConfig::default());
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let identification = enc(
        r#"{"user_id":"user-123","device_id":"device-456","user_properties":{"plan":"pro"},"groups":{"company":"acme"}}"#,
    );
    let group = enc(
        r#"[{"group_type":"company","group_value":"acme","group_properties":{"$set":{"tier":"gold"},"$add":{"seats":5}}}]"#,
    );
    let mapping = enc(r#"[{"user_id":"user-123","global_user_id":"global-1"}]"#);
    let unmap = enc(r#"{"user_id":"user-123","unmap":true}"#);
    let v1_event =
        enc(r#"{"user_id":"user-v1xx","event_type":"Classic","event_properties":{"a":1}}"#);
    let v1_bad = enc(r#"[{"user_id":"user-v1xx"}]"#);
    let cases: Vec<(&str, String, u16, &str)> = vec![
        (
            "/identify",
            format!("api_key={KEY}&identification={identification}&options=undefined"),
            200,
            "success",
        ),
        ("/identify", format!("api_key={KEY}"), 400, "missing_event"),
        (
            "/identify",
            format!("api_key={KEY}&identification=not-json"),
            400,
            "missing_event",
        ),
        (
            "/identify",
            format!(
                "api_key={KEY}&identification={}",
                enc(r#"{"user_properties":{}}"#)
            ),
            400,
            "missing_event",
        ),
        (
            "/identify",
            format!(
                "api_key={KEY}&identification={}&options={}",
                enc(r#"{"user_id":"abc"}"#),
                enc(r#"{"min_id_length":3}"#)
            ),
            200,
            "success",
        ),
        (
            "/identify",
            format!(
                "api_key={KEY}&identification={}",
                enc(r#"{"user_id":"abc"}"#)
            ),
            400,
            "invalid_event_field. Invalid fields [user_id].",
        ),
        (
            "/groupidentify",
            format!("api_key={KEY}&identification={group}"),
            200,
            "success",
        ),
        (
            "/groupidentify",
            format!(
                "api_key={KEY}&identification={}",
                enc(r#"{"group_type":"company"}"#)
            ),
            400,
            "invalid_event_field. Invalid fields [group_value].",
        ),
        (
            "/usermap",
            format!("api_key={KEY}&mapping={mapping}"),
            200,
            "success",
        ),
        (
            "/usermap",
            format!("api_key={KEY}&mapping={}", enc(r#"{"user_id":"user-123"}"#)),
            400,
            "invalid mapping",
        ),
        ("/usermap", format!("api_key={KEY}"), 400, "missing mapping"),
        (
            "/httpapi",
            format!("api_key={KEY}&event={v1_event}"),
            200,
            "success",
        ),
        (
            "/httpapi",
            format!("api_key={KEY}&event={v1_bad}"),
            400,
            "invalid_event_field. Invalid fields [event_type].",
        ),
        (
            "/httpapi",
            format!("event={v1_event}"),
            400,
            "invalid api_key",
        ),
    ];
    for (path, body, status, text) in cases {
        let resp = send(&emu, &sender, &form_request(path, &body));
        assert_eq!(
            (resp.status, resp.body.as_str()),
            (status, text),
            "{path} {body}"
        );
    }
    let state = emu.state();
    let p = state.profile("user-123").unwrap();
    assert_eq!(p.user_properties.get("plan"), Some(&json!("pro")));
    assert_eq!(p.groups.get("company"), Some(&json!("acme")));
    let g = state.group("company", "acme").unwrap();
    assert_eq!(
        Value::Object(g.group_properties.clone()),
        json!({"tier": "gold", "seats": 5})
    );
    assert_eq!(state.user_mapping("user-123"), Some("global-1"));
    assert_eq!(state.events().len(), 1);
    assert_eq!(state.events()[0].endpoint, "/httpapi");

    // The usermap parameters as a query string (GET, as Amplitude's docs show them), then unmap.
    let get = HttpRequest {
        method: "GET".into(),
        url: format!("https://api.amplitude.com/usermap?api_key={KEY}&mapping={unmap}").into(),
        headers: vec![].into(),
        body: String::new(),
    };
    let resp = send(&emu, &sender, &get);
    assert_eq!((resp.status, resp.body.as_str()), (200, "success"));
    assert_eq!(emu.state().user_mapping("user-123"), None);
    let get = HttpRequest {
        url: format!("https://api.amplitude.com/usermap?api_key={KEY}&mapping={mapping}").into(),
        ..get
    };
    assert_eq!(send(&emu, &sender, &get).status, 200);
    assert_eq!(emu.state().user_mapping("user-123"), Some("global-1"));
}

#[test]
fn profiles_follow_user_property_operations() {
    let (emu, sender) = start(EmulatorConfig::default());
    let identify = |props: Value| {
        v2_body(vec![
            json!({"user_id": "user-ops", "event_type": "$identify", "user_properties": props}),
        ])
    };
    let steps = [
        json!({"$add": {"friendCount": 3}, "$setOnce": {"first": "a"}, "$set": {"plan": "free"}}),
        json!({"$add": {"friendCount": 1}, "$setOnce": {"first": "b"}, "$append": {"tags": "x"}}),
        json!({"$append": {"tags": ["y", "z"]}, "$prepend": {"tags": "w"}, "$unset": {"plan": "-"}}),
        json!({"$preInsert": {"tags": ["x", "v"]}, "$postInsert": {"tags": ["z", "u"]}, "$remove": {"tags": "y"}}),
    ];
    for props in steps {
        let resp = send(&emu, &sender, &json_request("/2/httpapi", &identify(props)));
        assert_eq!(resp.status, 200);
    }
    let state = emu.state();
    let p = state.profile("user-ops").unwrap();
    assert_eq!(
        Value::Object(p.user_properties.clone()),
        json!({"friendCount": 4, "first": "a", "tags": ["v", "w", "x", "z", "u"]})
    );
    // Identifies are not counted as events.
    assert_eq!(p.event_count, 0);
    // $clearAll empties the profile.
    let resp = send(
        &emu,
        &sender,
        &json_request("/2/httpapi", &identify(json!({"$clearAll": "-"}))),
    );
    assert_eq!(resp.status, 200);
    assert!(
        emu.state()
            .profile("user-ops")
            .unwrap()
            .user_properties
            .is_empty()
    );
}

#[test]
fn group_identify_event_and_device_lookup() {
    let (emu, sender) = start(EmulatorConfig::default());
    let body = v2_body(vec![
        json!({"device_id": "device-only", "event_type": "Viewed", "user_properties": {"seen": true}}),
        json!({"user_id": "user-g", "event_type": "$groupidentify", "group_properties": {"$set": {"size": 10}},
               "groups": {"org": "o1"}, "group_type": "org", "group_value": "o1"}),
    ]);
    assert_eq!(
        send(&emu, &sender, &json_request("/2/httpapi", &body)).status,
        200
    );
    let state = emu.state();
    assert_eq!(
        state
            .profile("device-only")
            .unwrap()
            .user_properties
            .get("seen"),
        Some(&json!(true))
    );
    assert_eq!(
        state
            .group("org", "o1")
            .unwrap()
            .group_properties
            .get("size"),
        Some(&json!(10))
    );
}

#[test]
fn state_is_bounded_and_clearable() {
    let (emu, sender) = start(EmulatorConfig {
        max_events: 3,
        ..EmulatorConfig::default()
    });
    let events = (0..5)
        .map(|i| event("user-123", "device-456", &format!("e{i}")))
        .collect();
    assert_eq!(
        send(&emu, &sender, &json_request("/2/httpapi", &v2_body(events))).status,
        200
    );
    let kinds: Vec<Value> = emu
        .state()
        .events()
        .iter()
        .map(|e| e.event["event_type"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("e2"), json!("e3"), json!("e4")]);
    assert_eq!(emu.state().profile("user-123").unwrap().event_count, 5);
    emu.clear_state();
    assert!(emu.state().profile("user-123").is_none());
    assert!(emu.state().events().is_empty());
}

#[test]
fn identify_is_throttled_like_http_v2() {
    let (emu, sender) = start(EmulatorConfig {
        limits: Limits {
            v2_eps: 1,
            rate_window: Duration::from_secs(2),
            ..Limits::default()
        },
        ..EmulatorConfig::default()
    });
    let idents: Vec<Value> = (0..3)
        .map(|i| json!({"user_id": "user-idfy", "user_properties": {"$add": {"n": i}}}))
        .collect();
    let enc = |v: &Value| {
        url::form_urlencoded::byte_serialize(v.to_string().as_bytes()).collect::<String>()
    };
    let two = format!("api_key={KEY}&identification={}", enc(&json!(idents[..2])));
    let resp = send(&emu, &sender, &form_request("/identify", &two));
    assert_eq!((resp.status, resp.body.as_str()), (200, "success"));
    let one = format!("api_key={KEY}&identification={}", enc(&idents[2]));
    let resp = send(&emu, &sender, &form_request("/identify", &one));
    assert_eq!(resp.status, 429);
    assert_subset(
        &body_json(&resp),
        &json!({"code": 429, "eps_threshold": 1, "throttled_users": {"user-idfy": 2}, "throttled_events": [0]}),
        "identify rate",
    );
    // The throttled identification was not applied.
    assert_eq!(
        emu.state()
            .profile("user-idfy")
            .unwrap()
            .user_properties
            .get("n"),
        Some(&json!(1))
    );
}

#[test]
fn oversized_and_broken_gzip_bodies_are_answered_and_logged() {
    let (emu, sender) = start(EmulatorConfig {
        limits: Limits {
            v2_max_bytes: 300,
            batch_max_bytes: 600,
            ..Limits::default()
        },
        ..EmulatorConfig::default()
    });
    let events = (0..20)
        .map(|i| event("user-123", "device-456", &format!("e{i}")))
        .collect();
    let body = v2_body(events);
    assert!(body.len() > 600);
    let resp = send(&emu, &sender, &json_request("/batch", &body));
    assert_eq!(
        body_json(&resp),
        json!({"code": 413, "error": "Payload too large"})
    );
    // A body that says gzip but is not.
    let raw = send_false_gzip(&emu);
    assert_eq!(raw, 400);
    let state = emu.state();
    let statuses: Vec<u16> = state.requests().map(|r| r.status).collect();
    assert_eq!(statuses, vec![413, 400]);
    assert_eq!((state.status_count(413), state.status_count(400)), (1, 1));
}

/// Sends `content-encoding: gzip` with a plain body over a raw socket (the sender would gzip it).
fn send_false_gzip(emu: &EmulatorHandle) -> u16 {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(emu.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let body = "{\"api_key\":\"k\",\"events\":[]}";
    write!(
        s,
        "POST /batch HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.contains("Invalid gzip request body"), "{answer}");
    answer[9..12].parse().unwrap()
}

/// A request whose JSON holds lone surrogate escapes (what Segment sends for a string cut inside
/// an emoji) is read as Amplitude's JSON parser reads it: accepted, the texts kept.
#[test]
fn lone_surrogate_escapes_are_accepted() {
    let (emu, sender) = start(EmulatorConfig::default());
    let body = format!(
        r#"{{"api_key":"{KEY}","events":[{{"user_id":"user-cut\ud83d","event_type":"E\udc00","user_properties":{{"k":"\ude00\ud83d"}}}}]}}"#
    );
    let resp = send(&emu, &sender, &json_request("/2/httpapi", &body));
    assert_eq!(resp.status, 200, "{}", resp.body);
    let user = ampscope::engine::js::utf16::parse_json(r#""user-cut\ud83d""#).unwrap();
    let state = emu.state();
    let profile = state.profile(user.as_str().unwrap()).unwrap();
    assert_eq!(
        ampscope::engine::js::stringify(&Value::Object(profile.user_properties.clone())),
        r#"{"k":"\ude00\ud83d"}"#
    );
}
