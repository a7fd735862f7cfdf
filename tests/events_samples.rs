//! The built-in sample library: every file embedded, valid, and covering what it promises.
#![allow(clippy::unwrap_used)]

use ampscope::engine::event::{CallType, EventView, parse_events};
use ampscope::engine::samples;
use serde_json::Value;
use std::path::Path;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-events")
}

fn values() -> Vec<(&'static str, Value)> {
    samples::all()
        .iter()
        .map(|s| (s.file_name, s.value().unwrap()))
        .collect()
}

fn any(pred: impl Fn(&EventView) -> bool) -> bool {
    values().iter().any(|(_, v)| pred(&EventView::new(v)))
}

fn s<'a>(v: &EventView<'a>, path: &[&str]) -> &'a str {
    v.path(path).and_then(Value::as_str).unwrap_or("")
}

#[test]
fn every_file_is_embedded_listed_and_loads_cleanly() {
    let readme = std::fs::read_to_string(dir().join("README.md")).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    let mut embedded: Vec<String> = samples::all()
        .iter()
        .map(|s| s.file_name.to_string())
        .collect();
    embedded.sort();
    assert_eq!(files, embedded, "sample-events/*.json vs engine::samples");
    assert!(files.len() >= 40, "only {} samples", files.len());
    for sample in samples::all() {
        let on_disk = std::fs::read_to_string(dir().join(sample.file_name)).unwrap();
        assert_eq!(on_disk, sample.json, "{}", sample.file_name);
        assert!(
            readme.contains(&format!("`{}`", sample.file_name)),
            "{} missing from README",
            sample.file_name
        );
        let loaded = parse_events(sample.json);
        assert_eq!(loaded.events.len(), 1, "{}", sample.file_name);
        assert!(loaded.errors.is_empty() && loaded.warnings.is_empty());
        let view = loaded.events[0].view();
        let call = view.call_type().unwrap();
        assert!(
            sample.title.starts_with(call.as_str()) || sample.title.starts_with("edge:"),
            "{}: title should start with its call type",
            sample.file_name
        );
        assert!(
            view.message_id().is_some_and(|m| m.len() >= 20),
            "{}",
            sample.file_name
        );
        for key in ["originalTimestamp", "receivedAt", "sentAt", "timestamp"] {
            let t = view.get(key).and_then(Value::as_str).unwrap_or("");
            assert!(
                t.len() >= 20 && t.starts_with("2024-") && t.as_bytes()[10] == b'T',
                "{}: {key} = {t:?}",
                sample.file_name
            );
        }
        assert!(
            view.user_id().is_some() || view.anonymous_id().is_some(),
            "{}",
            sample.file_name
        );
    }
    assert_eq!(
        samples::find("track-order-completed-3-products.json").map(|s| s.group),
        Some("E-commerce")
    );
    assert!(samples::groups().len() >= 6);
}

#[test]
fn every_call_type_is_there() {
    for call in CallType::ALL {
        assert!(any(|v| v.call_type() == Some(call)), "{call}");
    }
}

#[test]
fn the_ecommerce_spec_is_there() {
    for name in [
        "Products Searched",
        "Product Viewed",
        "Product Added",
        "Checkout Started",
        "Order Refunded",
    ] {
        assert!(any(|v| v.event_name() == Some(name)), "{name}");
    }
    for n in 1..=5 {
        assert!(
            any(|v| v.event_name() == Some("Order Completed")
                && v.path(&["properties", "products"])
                    .and_then(Value::as_array)
                    .is_some_and(|p| p.len() == n)),
            "Order Completed with {n} products"
        );
    }
}

#[test]
fn mobile_lifecycle_with_full_ios_and_android_context() {
    for (library, os) in [("analytics-ios", "iOS"), ("analytics-android", "Android")] {
        let full = |v: &EventView| {
            s(v, &["context", "library", "name"]) == library
                && s(v, &["context", "os", "name"]) == os
                && !s(v, &["context", "device", "advertisingId"]).is_empty()
                && !s(v, &["context", "device", "id"]).is_empty()
                && !s(v, &["context", "app", "version"]).is_empty()
                && v.path(&["context", "network"]).is_some()
                && v.path(&["context", "screen", "width"]).is_some()
                && !s(v, &["context", "locale"]).is_empty()
                && !s(v, &["context", "timezone"]).is_empty()
        };
        assert!(any(full), "{library}");
        assert!(
            any(|v| full(v)
                && v.event_name()
                    .is_some_and(|n| n.starts_with("Application "))),
            "{library} lifecycle event"
        );
    }
    for name in [
        "Application Installed",
        "Application Opened",
        "Application Backgrounded",
        "Application Updated",
    ] {
        assert!(any(|v| v.event_name() == Some(name)), "{name}");
    }
}

#[test]
fn browsers_pages_and_campaigns() {
    let uas: &[(&str, &[&str], &[&str])] = &[
        ("Chrome on Mac", &["Macintosh", "Chrome/"], &["Edg/"]),
        ("Safari on iPhone", &["iPhone", "Version/", "Safari/"], &[]),
        ("Firefox on Windows", &["Windows NT", "Firefox/"], &[]),
        ("Edge", &["Edg/"], &[]),
    ];
    for (label, has, lacks) in uas {
        assert!(
            any(|v| {
                let ua = s(v, &["context", "userAgent"]);
                has.iter().all(|h| ua.contains(h)) && !lacks.iter().any(|l| ua.contains(l))
            }),
            "{label}"
        );
    }
    assert!(any(|v| !s(v, &["context", "page", "url"]).is_empty()));
    assert!(any(|v| !s(v, &["context", "campaign", "source"])
        .is_empty()
        && !s(v, &["context", "campaign", "medium"]).is_empty()
        && !s(v, &["context", "campaign", "name"]).is_empty()));
    assert!(any(|v| v
        .path(&["context", "userAgentData", "platformVersion"])
        .is_some()));
    assert!(any(
        |v| v.call_type() == Some(CallType::Page) && v.get("category").is_some()
    ));
}

#[test]
fn server_side_events_have_no_device() {
    for library in ["analytics-node", "analytics-python"] {
        assert!(
            any(|v| s(v, &["context", "library", "name"]) == library
                && v.path(&["context", "device"]).is_none()
                && v.path(&["context", "userAgent"]).is_none()),
            "{library}"
        );
    }
}

#[test]
fn amplitude_session_ids_and_friend_count_increments() {
    assert!(any(|v| v
        .path(&["integrations", "Actions Amplitude", "session_id"])
        .and_then(Value::as_i64)
        .is_some_and(|id| id > 1_000_000_000_000)));
    for n in [3, 1] {
        assert!(
            any(|v| v.call_type() == Some(CallType::Identify)
                && v.path(&["traits", "$add", "friendCount"])
                    .and_then(Value::as_i64)
                    == Some(n)),
            "$add friendCount {n}"
        );
    }
}

#[test]
fn edge_cases() {
    assert!(any(
        |v| v.get("userId").is_none() && v.anonymous_id().is_some()
    ));
    assert!(any(|v| v.user_id().is_some_and(|u| u.chars().count() == 3)));
    let texts: Vec<&str> = samples::all().iter().map(|s| s.json).collect();
    let has = |pred: &dyn Fn(char) -> bool| texts.iter().any(|t| t.chars().any(pred));
    assert!(has(&|c| ('\u{1F300}'..='\u{1FAFF}').contains(&c)), "emoji");
    assert!(has(&|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)), "CJK");
    assert!(has(&|c| ('\u{0590}'..='\u{06FF}').contains(&c)), "RTL");
    assert!(any(|v| v.properties().is_some_and(|p| p.len() >= 200)));
}
