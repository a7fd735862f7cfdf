//! Every classic setting, flipped from its catalog default: cloud-mode settings change what is
//! sent for some probe event, device-mode-only settings change nothing.
#![allow(clippy::unwrap_used)]

use ampscope::engine::classic::{CATALOG, ClassicSettings, SettingKind, cloud_requests};
use ampscope::engine::js;
use serde_json::{Value, json};

/// Events that exercise every cloud-mode setting.
fn probes() -> Vec<Value> {
    vec![
        json!({"type": "track", "event": "Signed Up", "userId": "u1", "anonymousId": "a1", "timestamp": "2014",
               "properties": {"language": "fr", "plan": "pro"},
               "context": {"device": {"id": "d1"}, "campaign": {"source": "news"}, "page": {"search": "?q=1"}}}),
        json!({"type": "track", "event": "Order Completed", "userId": "u1", "timestamp": "2014",
               "properties": {"revenue": 30, "products": [{"productId": "p1", "price": 10, "quantity": 3}]}}),
        json!({"type": "page", "userId": "u1", "timestamp": "2014"}),
        json!({"type": "page", "name": "Home", "userId": "u1", "timestamp": "2014"}),
        json!({"type": "page", "category": "Docs", "userId": "u1", "timestamp": "2014"}),
        json!({"type": "identify", "userId": "u1", "timestamp": "2014", "traits": {"plan": "pro", "logins": 2}}),
        json!({"type": "group", "groupId": "g1", "userId": "u1", "timestamp": "2014", "traits": {"plan": "pro", "logins": 2}}),
        json!({"type": "alias", "previousId": "old", "userId": "u1", "timestamp": "2014"}),
    ]
}

/// Everything sent for all probes, as text.
fn sent(s: &ClassicSettings) -> Vec<String> {
    probes()
        .iter()
        .flat_map(|ev| {
            cloud_requests(s, ev)
                .requests
                .into_iter()
                .map(|r| format!("{} {}", r.request.url, r.request.body))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn flipped(kind: SettingKind, default: &Value) -> Value {
    match kind {
        SettingKind::Boolean => Value::Bool(!default.as_bool().unwrap()),
        SettingKind::String | SettingKind::Select => json!("europe"),
        SettingKind::Number => json!(1),
        SettingKind::Array => json!(["plan"]),
        SettingKind::Map => json!({"query": "event_properties"}),
    }
}

/// Cloud settings that need another setting (or no request at all) to show an effect.
const NO_EFFECT_ALONE: &[&str] = &["secretKey", "groupTypeTrait", "groupValueTrait"];

#[test]
fn each_setting_flipped_alone() {
    let baseline = sent(&ClassicSettings::default());
    assert!(!baseline.is_empty());
    for info in CATALOG {
        let value = flipped(info.kind, &info.default.to_value());
        let loaded = ClassicSettings::from_json(&json!({ info.key: value })).unwrap();
        assert!(
            loaded.issues.is_empty(),
            "{}: {:?}",
            info.key,
            loaded.issues
        );
        let changed = sent(&loaded.settings) != baseline;
        let expect = info.used_in_cloud_mode() && !NO_EFFECT_ALONE.contains(&info.key);
        assert_eq!(
            changed, expect,
            "{} ({}) flipped to {value}",
            info.key, info.modes
        );
    }
}

#[test]
fn group_traits_work_together() {
    let both =
        ClassicSettings::from_json(&json!({"groupTypeTrait": "plan", "groupValueTrait": "logins"}))
            .unwrap()
            .settings;
    let ev = &probes()[6];
    let out = cloud_requests(&both, ev);
    assert_eq!(out.requests.len(), 2);
    assert_eq!(
        js::stringify(&out.requests[0].payload["groups"]),
        r#"{"pro":2}"#
    );
}
