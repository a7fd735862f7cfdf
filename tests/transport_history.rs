//! The send history: persistence across a reload, bounds, filter, compare, redacted exports,
//! and redaction in the emulator's log.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Duration;

use ampscope::engine::request::{HttpRequest, HttpResponse};
use ampscope::transport::client::{Exchange, SendError, Sender, SenderConfig, Target};
use ampscope::transport::emulator::{Emulator, EmulatorConfig};
use ampscope::transport::history::{FILE_NAME, History, HistoryFilter, HistoryLimits, Outcome};
use serde_json::json;

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ampscope-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn exchange(url: &str, body: &str, result: Result<HttpResponse, SendError>, t: u64) -> Exchange {
    Exchange {
        request: HttpRequest {
            method: "POST".into(),
            url: url.to_string().into(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("authorization".into(), format!("Basic {KEY}").into()),
            ]
            .into(),
            body: body.into(),
        },
        result,
        latency: Duration::from_millis(12),
        started_at_ms: t,
    }
}

fn v2(user: &str) -> String {
    json!({"api_key": KEY, "events": [{"user_id": user, "event_type": "a"}]}).to_string()
}

fn ok() -> Result<HttpResponse, SendError> {
    Ok(HttpResponse {
        status: 200,
        headers: vec![].into(),
        body: r#"{"code":200,"events_ingested":1}"#.into(),
    })
}

fn bad_key() -> Result<HttpResponse, SendError> {
    Ok(HttpResponse {
        status: 400,
        headers: vec![].into(),
        body: format!(r#"{{"code":400,"error":"Invalid API key: {KEY}"}}"#),
    })
}

#[test]
fn survives_a_reload_and_never_stores_keys() {
    let dir = temp_dir("reload");
    let (a, b, c);
    {
        let mut h = History::open(&dir, HistoryLimits::default()).unwrap();
        a = h.record(
            "Emulator",
            "Track Calls",
            &exchange(
                "https://api2.amplitude.com/2/httpapi",
                &v2("user-1"),
                ok(),
                1000,
            ),
        );
        b = h.record(
            "Amplitude Europe",
            "Track Calls",
            &exchange(
                "https://api.eu.amplitude.com/2/httpapi",
                &v2("user-2"),
                bad_key(),
                2000,
            ),
        );
        c = h.record(
            "Emulator",
            "Identify",
            &exchange(
                &format!("https://api2.amplitude.com/usermap?api_key={KEY}"),
                &format!("api_key={KEY}&mapping=%5B%5D"),
                Err(SendError::Timeout { after_ms: 10_000 }),
                3000,
            ),
        );
        h.save().unwrap();
    }
    let raw = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
    assert!(!raw.contains(KEY), "the key reached the disk");
    assert!(raw.contains("••••cdef"));
    let h = History::open(&dir, HistoryLimits::default()).unwrap();
    assert_eq!(h.len(), 3);
    let ids: Vec<u64> = h.entries().map(|e| e.id).collect();
    assert_eq!(ids, vec![a, b, c]);
    let e = h.get(b).unwrap();
    assert_eq!(e.outcome, Outcome::Rejected);
    assert_eq!(e.latency_ms, 12);
    assert_eq!(
        e.response.as_ref().unwrap().body,
        r#"{"code":400,"error":"Invalid API key: ••••cdef"}"#
    );
    assert_eq!(e.request.header("authorization"), Some("Basic ••••cdef"));
    assert_eq!(
        h.get(c).unwrap().request.url,
        "https://api2.amplitude.com/usermap?api_key=••••cdef"
    );
    assert_eq!(
        h.get(c).unwrap().request.body,
        "api_key=••••cdef&mapping=%5B%5D"
    );
    assert_eq!(h.get(c).unwrap().outcome, Outcome::Failed);
    // New ids continue after the reload.
    let mut h = h;
    let d = h.record(
        "Emulator",
        "x",
        &exchange(
            "https://api2.amplitude.com/batch",
            &v2("user-3"),
            ok(),
            4000,
        ),
    );
    assert!(d > c);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn filter_get_and_compare() {
    let dir = temp_dir("filter");
    let mut h = History::open(&dir, HistoryLimits::default()).unwrap();
    let a = h.record(
        "Emulator (http://127.0.0.1:1)",
        "Track Calls",
        &exchange("https://x/2/httpapi", &v2("user-1"), ok(), 1000),
    );
    let b = h.record(
        "Amplitude Europe",
        "Track Calls",
        &exchange("https://x/2/httpapi", &v2("user-2"), bad_key(), 2000),
    );
    let ids = |f: HistoryFilter| h.list(&f).iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(HistoryFilter::default()), vec![b, a], "newest first");
    assert_eq!(
        ids(HistoryFilter {
            outcome: Some(Outcome::Success),
            ..Default::default()
        }),
        vec![a]
    );
    assert_eq!(
        ids(HistoryFilter {
            status: Some(400),
            ..Default::default()
        }),
        vec![b]
    );
    assert_eq!(
        ids(HistoryFilter {
            target: Some("europe".into()),
            ..Default::default()
        }),
        vec![b]
    );
    assert_eq!(
        ids(HistoryFilter {
            text: Some("USER-1".into()),
            ..Default::default()
        }),
        vec![a]
    );
    assert_eq!(
        ids(HistoryFilter {
            since_ms: Some(1500),
            ..Default::default()
        }),
        vec![b]
    );
    // The key itself cannot be searched for: it is not kept.
    assert!(
        ids(HistoryFilter {
            text: Some(KEY.into()),
            ..Default::default()
        })
        .is_empty()
    );

    let diff = h.compare(a, b).unwrap();
    let paths: Vec<&str> = diff.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "outcome",
            "request.body.events[0].user_id",
            "response.body.code",
            "response.body.error",
            "response.body.events_ingested",
            "response.status",
            "target"
        ]
    );
    let user = diff
        .iter()
        .find(|d| d.path == "request.body.events[0].user_id")
        .unwrap();
    assert_eq!(
        (user.left.clone(), user.right.clone()),
        (Some(json!("user-1")), Some(json!("user-2")))
    );
    assert!(h.compare(a, 999).is_none());
    assert!(h.remove(a));
    assert!(h.get(a).is_none());
    drop(h);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bounded_by_count_and_size() {
    let dir = temp_dir("bounds");
    let mut h = History::open(
        &dir,
        HistoryLimits {
            max_entries: 5,
            max_bytes: 1 << 20,
        },
    )
    .unwrap();
    for i in 0..8 {
        h.record(
            "Emulator",
            "x",
            &exchange("https://x/2/httpapi", &v2(&format!("user-{i}")), ok(), i),
        );
    }
    let times: Vec<u64> = h.entries().map(|e| e.time_ms).collect();
    assert_eq!(times, vec![3, 4, 5, 6, 7]);
    h.save().unwrap();
    drop(h);
    // Reopened with a smaller size bound, the oldest go first.
    let one = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap().len() / 5;
    let mut h = History::open(
        &dir,
        HistoryLimits {
            max_entries: 100,
            max_bytes: one * 2,
        },
    )
    .unwrap();
    assert!(h.len() <= 2 && !h.is_empty(), "{}", h.len());
    assert_eq!(h.entries().last().unwrap().time_ms, 7);
    // A huge body is cut when recorded.
    let big = "x".repeat(600_000);
    let id = h.record(
        "Emulator",
        "big",
        &exchange("https://x/batch", &big, ok(), 9),
    );
    let kept = &h.get(id).unwrap().request.body;
    assert!(kept.len() < 300_000 && kept.ends_with("more bytes not kept)"));
    drop(h);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn corrupt_file_is_moved_aside() {
    let dir = temp_dir("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(FILE_NAME), "{not json").unwrap();
    let h = History::open(&dir, HistoryLimits::default()).unwrap();
    assert!(h.is_empty());
    assert!(dir.join("send-history.json.corrupt").exists());
    drop(h);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn export_is_redacted_and_no_temp_files_remain() {
    let dir = temp_dir("export");
    let mut h = History::open(&dir, HistoryLimits::default()).unwrap();
    let a = h.record(
        "Emulator",
        "x",
        &exchange("https://x/2/httpapi", &v2("user-1"), bad_key(), 1),
    );
    h.record(
        "Emulator",
        "y",
        &exchange("https://x/2/httpapi", &v2("user-2"), ok(), 2),
    );
    let all: serde_json::Value = serde_json::from_str(&h.export_json(None)).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let one = h.export_json(Some(&[a]));
    assert!(!one.contains(KEY));
    assert!(one.contains("••••cdef"));
    let out = dir.join("export.json");
    h.export_to(&out, None).unwrap();
    assert!(!std::fs::read_to_string(&out).unwrap().contains(KEY));
    h.save().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    drop(h);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn emulator_log_masks_keys() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let s = Sender::new(SenderConfig::default()).unwrap();
    let req = HttpRequest {
        method: "GET".into(),
        url: format!("https://api.amplitude.com/usermap?api_key={KEY}&mapping=x").into(),
        headers: vec![].into(),
        body: String::new(),
    };
    let resp = s
        .send_blocking(&req, &Target::Emulator(emu.url()))
        .result
        .unwrap();
    assert_eq!(resp.status, 400);
    let json_req = HttpRequest {
        method: "POST".into(),
        url: "https://api2.amplitude.com/2/httpapi".into(),
        headers: vec![("content-type".into(), "application/json".into())].into(),
        body: json!({"api_key": format!("{KEY}x"), "events": []}).to_string(),
    };
    let emu_keys = Emulator::start(EmulatorConfig {
        keys: ampscope::transport::emulator::ApiKeyRule::Hex32,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let resp = s
        .send_blocking(&json_req, &Target::Emulator(emu_keys.url()))
        .result
        .unwrap();
    assert!(
        resp.body.contains(KEY),
        "the answer itself echoes the key, as Amplitude's does"
    );
    for e in [&emu, &emu_keys] {
        let state = e.state();
        let log: Vec<_> = state.requests().collect();
        assert_eq!(log.len(), 1);
        let line = format!(
            "{} {} {} {}",
            log[0].method, log[0].target, log[0].status, log[0].answer
        );
        assert!(!line.contains(KEY), "{line}");
        assert!(line.contains("••••"), "{line}");
    }
}
