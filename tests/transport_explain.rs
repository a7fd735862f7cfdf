//! Amplitude's answers explained: pure, over (request, response) pairs in the documented shapes.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use ampscope::engine::request::{HttpRequest, HttpResponse};
use ampscope::transport::explain::{SdkAction, THROTTLE_WAIT, explain, without_events};
use serde_json::json;

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn v2(events: serde_json::Value, options: Option<serde_json::Value>) -> HttpRequest {
    let mut body = json!({"api_key": KEY, "events": events});
    if let Some(o) = options {
        body["options"] = o;
    }
    HttpRequest {
        method: "POST".into(),
        url: "https://api2.amplitude.com/2/httpapi".into(),
        headers: vec![("content-type".into(), "application/json".into())].into(),
        body: body.to_string(),
    }
}

fn form(path: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: format!("https://api2.amplitude.com{path}").into(),
        headers: vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        )]
        .into(),
        body: body.into(),
    }
}

fn resp(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![].into(),
        body: body.into(),
    }
}

#[test]
fn each_documented_answer() {
    let events = json!([
        {"user_id": "abc", "device_id": "device-1", "event_type": "a"},
        {"user_id": "user-2", "event_type": "b", "time": "2024-01-01"},
        {"user_id": "null", "event_type": "c"},
        {"event_type": "d"},
        {"user_id": "user-5"}
    ]);
    let req = v2(events.clone(), None);
    // (status, body, expected action, expected messages (substrings, in order))
    let cases: Vec<(u16, String, SdkAction, Vec<&str>)> = vec![
        (200, r#"{"code":200,"events_ingested":5,"payload_size_bytes":9,"server_upload_time":1}"#.into(),
         SdkAction::Done, vec![]),
        (400, r#"{"code":400,"error":"Request missing required field","missing_field":"api_key"}"#.into(),
         SdkAction::DropAll, vec!["the request has no api_key — set the API key in the destination settings"]),
        (400, format!(r#"{{"code":400,"error":"Invalid API key: {KEY}"}}"#), SdkAction::DropAll,
         vec!["Amplitude rejected the API key ••••cdef"]),
        (400, r#"{"code":400,"error":"Invalid id length for user_id or device_id","events_with_invalid_id_lengths":{"user_id":[0]}}"#.into(),
         SdkAction::DropEventsRetryRest { drop: vec![0] },
         vec!["event 1 of the request: user_id 'abc' is shorter than min_id_length 5 — map Min ID Length or use longer ids"]),
        (400, r#"{"code":400,"error":"Invalid field values on some events","events_with_invalid_fields":{"time":[1],"user_id":[2]}}"#.into(),
         SdkAction::DropEventsRetryRest { drop: vec![1, 2] },
         vec!["event 2 of the request: time '2024-01-01' is not a number of milliseconds since 1970 — map Timestamp",
              "event 3 of the request: user_id 'null' is a value Amplitude refuses as an id"]),
        (400, r#"{"code":400,"error":"Request missing required field","events_with_missing_fields":{"device_id":[3],"event_type":[4]}}"#.into(),
         SdkAction::DropEventsRetryRest { drop: vec![3, 4] },
         vec!["event 4 of the request: neither user_id nor device_id is set — map User ID or Device ID",
              "event 5 of the request: event_type is missing — map Event Type"]),
        (400, r#"{"code":400,"error":"Events silenced for device_id","silenced_devices":["device-1"],"silenced_events":[0]}"#.into(),
         SdkAction::DropEventsRetryRest { drop: vec![0] }, vec!["event 1 of the request: device 'device-1' is silenced"]),
        (400, "<html><title>400 Bad Request</title></html>".into(),
         SdkAction::DropEventsRetryRest { drop: vec![] }, vec!["an HTML page, not Amplitude's answer"]),
        (413, r#"{"code":413,"error":"Payload too large"}"#.into(), SdkAction::Split,
         vec!["the request has 5 events and"]),
        (429, r#"{"code":429,"error":"Too many requests for some devices and users","eps_threshold":30,"throttled_devices":{"device-1":31},"throttled_users":{"user-2":32},"throttled_events":[0,1]}"#.into(),
         SdkAction::WaitAndRetry { wait: THROTTLE_WAIT, drop: vec![] },
         vec!["user 'user-2' sends 32 events/s, over the limit of 30", "device 'device-1' sends 31 events/s", "throttled: events 1, 2 of the request"]),
        (429, r#"{"code":429,"error":"Too many requests for some devices and users","eps_threshold":1000,"throttled_devices":{},"throttled_users":{},"exceeded_daily_quota_users":{"user-2":500200},"exceeded_daily_quota_devices":{"device-1":500900},"throttled_events":[0,1]}"#.into(),
         SdkAction::WaitAndRetry { wait: THROTTLE_WAIT, drop: vec![0, 1] },
         vec!["user 'user-2' exceeded the daily quota (500200 events in 24 h)", "device 'device-1' exceeded the daily quota"]),
        (503, "".into(), SdkAction::RetryWithBackoff, vec!["not committed"]),
        (500, r#"{"code":500}"#.into(), SdkAction::RetryWithBackoff, vec!["may or may not have been accepted"]),
        (408, "".into(), SdkAction::RetryWithBackoff, vec![]),
    ];
    for (status, body, action, messages) in cases {
        let e = explain(&req, &resp(status, &body));
        assert_eq!(e.status, status);
        assert_eq!(e.action, action, "{status} {body}");
        let got: Vec<&str> = e.findings.iter().map(|f| f.message.as_str()).collect();
        assert!(got.len() >= messages.len(), "{status} {body}: {got:?}");
        for m in &messages {
            assert!(
                got.iter().any(|g| g.contains(m)),
                "{status} {body}: no '{m}' in {got:?}"
            );
        }
        assert!(!e.to_text().contains(KEY));
    }
}

#[test]
fn findings_name_event_and_field() {
    let req = v2(
        json!([{"user_id": "abc", "device_id": "xy", "event_type": "a"}]),
        Some(json!({"min_id_length": 4})),
    );
    let e = explain(
        &req,
        &resp(
            400,
            r#"{"code":400,"error":"Invalid id length for user_id or device_id","events_with_invalid_id_lengths":{"user_id":[0],"device_id":[0]}}"#,
        ),
    );
    let got: Vec<(Option<usize>, Option<&str>)> = e
        .findings
        .iter()
        .map(|f| (f.event_index, f.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![(Some(0), Some("user_id")), (Some(0), Some("device_id"))]
    );
    assert!(e.findings[0].message.contains("min_id_length 4"));
    assert_eq!(e.action, SdkAction::DropEventsRetryRest { drop: vec![0] });
    // 413 with one event cannot be split: it is dropped.
    let one = v2(json!([{"user_id": "user-1", "event_type": "a"}]), None);
    assert_eq!(
        explain(
            &one,
            &resp(413, r#"{"code":413,"error":"Payload too large"}"#)
        )
        .action,
        SdkAction::DropAll
    );
    // A body code that differs from the status is pointed out.
    let e = explain(&one, &resp(200, r#"{"code":400,"error":"x"}"#));
    assert_eq!(e.findings[0].field.as_deref(), Some("code"));
}

#[test]
fn form_endpoint_answers() {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let cases = vec![
        (
            "/identify",
            format!(
                "api_key={KEY}&identification={}",
                enc(r#"{"user_id":"user-1"}"#)
            ),
            200,
            "success",
            SdkAction::Done,
            "Accepted (success)",
            None,
        ),
        (
            "/identify",
            format!("api_key={KEY}"),
            400,
            "missing_event",
            SdkAction::DropAll,
            "Bad request: missing_event",
            Some("the identification parameter is missing"),
        ),
        (
            "/identify",
            format!(
                "api_key={KEY}&identification={}",
                enc(r#"[{"user_id":"user-1"},{"user_properties":{}}]"#)
            ),
            400,
            "missing_event",
            SdkAction::DropAll,
            "Bad request: missing_event",
            Some("identification 2 of the request: neither user_id nor device_id is set"),
        ),
        (
            "/identify",
            format!(
                "api_key={KEY}&identification={}",
                enc(r#"{"user_id":"abc"}"#)
            ),
            400,
            "invalid_event_field. Invalid fields [user_id].",
            SdkAction::DropAll,
            "Bad request",
            Some("identification 1 of the request: user_id 'abc' is shorter than min_id_length 5"),
        ),
        (
            "/groupidentify",
            format!(
                "api_key={KEY}&identification={}",
                enc(r#"{"group_type":"org"}"#)
            ),
            400,
            "invalid_event_field. Invalid fields [group_value].",
            SdkAction::DropAll,
            "Bad request",
            Some("identification 1 of the request: group_value is missing"),
        ),
        (
            "/usermap",
            format!("api_key={KEY}&mapping={}", enc(r#"{"user_id":"user-1"}"#)),
            400,
            "invalid mapping",
            SdkAction::DropAll,
            "Bad request",
            Some("mapping 1 of the request: a mapping needs user_id and global_user_id"),
        ),
        (
            "/httpapi",
            format!("api_key={KEY}&event={}", enc(r#"{"user_id":"user-1"}"#)),
            400,
            "invalid_event_field. Invalid fields [event_type].",
            SdkAction::DropAll,
            "Bad request",
            Some("event 1 of the request: event_type is missing — map Event Type"),
        ),
        (
            "/httpapi",
            "event=x".to_string(),
            400,
            "invalid api_key",
            SdkAction::DropAll,
            "Invalid API key",
            Some("Amplitude rejected the API key (missing)"),
        ),
    ];
    for (path, body, status, text, action, title, finding) in cases {
        let e = explain(&form(path, &body), &resp(status, text));
        assert_eq!(e.action, action, "{path} {body}");
        assert!(e.title.starts_with(title), "{path}: {}", e.title);
        if let Some(f) = finding {
            assert!(
                e.findings.iter().any(|x| x.message.contains(f)),
                "{path} {body}: {:?}",
                e.findings
            );
        }
    }
}

#[test]
fn dropping_events_rewrites_the_body_in_order() {
    let body = r#"{"api_key":"k","events":[{"event_type":"a"},{"event_type":"b"},{"event_type":"c"}],"options":{"min_id_length":1}}"#;
    assert_eq!(
        without_events(body, &[0, 2]),
        Some((
            r#"{"api_key":"k","events":[{"event_type":"b"}],"options":{"min_id_length":1}}"#
                .to_string(),
            1
        ))
    );
    assert_eq!(without_events("api_key=k", &[0]), None);
    assert_eq!(
        SdkAction::WaitAndRetry {
            wait: Duration::from_secs(30),
            drop: vec![1, 2]
        }
        .describe(),
        "Amplitude's SDKs drop events 2, 3 of the request (daily quota exceeded), wait 30 s and retry the rest."
    );
}
