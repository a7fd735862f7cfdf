//! Quirk notes: each surprising behaviour of the reference is reported next to the request it
//! affects, and ordinary payloads get no notes.
#![allow(clippy::unwrap_used)]

use ampscope::engine::amplitude::payload::ActionPayload;
use ampscope::engine::amplitude::{ActionKind, QuirkKind, Region, Settings, perform};
use serde_json::{Map, Value, json};

fn kinds(action: ActionKind, payload: Value) -> Vec<(QuirkKind, usize)> {
    let payload: Map<String, Value> = serde_json::from_value(payload).unwrap();
    let settings = Settings::new("KEY", "SECRET", Region::NorthAmerica);
    let mut k: Vec<(QuirkKind, usize)> = perform(
        action,
        &settings,
        &ActionPayload::from_map(&payload),
        1717245296789.0,
    )
    .notes
    .into_iter()
    .map(|n| {
        assert!(n.message.starts_with(n.kind.explanation()));
        (n.kind, n.request)
    })
    .collect();
    k.dedup();
    k
}

/// (action, payload, expected notes as (kind, request index)).
type Case = (ActionKind, Value, Vec<(QuirkKind, usize)>);

#[test]
fn quirks_are_reported_where_they_happen() {
    use ActionKind::*;
    use QuirkKind::*;
    let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    // An Android app's HTTP client of a vendor the reference's parser does not know.
    let dalvik = "Dalvik/2.1.0 (Linux; U; Android 9; XYZ-Box Build/PKQ1.190302.001)";
    let cases: Vec<Case> = vec![
        (
            LogEventV2,
            json!({"event_type": "A", "user_id": "u-123456"}),
            vec![],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "use_batch_endpoint": false}),
            vec![(BatchFlagInEvent, 0)],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "revenue": 10}),
            vec![(RevenueDropped, 0)],
        ),
        (
            LogEvent,
            json!({"event_type": "A", "products": [{"price": 1}]}),
            vec![(ProductsInEvent, 0)],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "time": "1710512553456"}),
            vec![(NumericStringTime, 0)],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "time": "2024-03-15T14:22:33.456Z"}),
            vec![],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "userAgent": ua, "userAgentParsing": true}),
            vec![(OsVersionIsBrowserVersion, 0)],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "userAgent": ua, "userAgentParsing": true, "os_version": "10"}),
            vec![],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "userAgent": dalvik, "userAgentParsing": true}),
            vec![(GenericDeviceVendor, 0)],
        ),
        (
            IdentifyUser,
            json!({"user_id": "u-123456", "userAgent": dalvik, "userAgentParsing": true}),
            vec![(GenericDeviceVendor, 0), (OptionsUndefined, 0)],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "userAgent": dalvik, "userAgentParsing": true, "device_manufacturer": "Acme"}),
            vec![],
        ),
        (
            LogPurchase,
            json!({"event_type": "A", "revenue": 20, "price": 5, "quantity": 2}),
            vec![(PriceTimesQuantity, 0)],
        ),
        (
            LogPurchase,
            json!({"event_type": "A", "revenue": 10, "price": 5, "quantity": 2}),
            vec![],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "platform": "ios"}),
            vec![(PlatformRewritten, 0)],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "user_properties": {"$set": {"a": 1}}, "setAlways": {"b": 2}}),
            vec![(OperationReplacedTraits, 0)],
        ),
        (
            IdentifyUser,
            json!({"user_id": "u-123456"}),
            vec![(OptionsUndefined, 0)],
        ),
        (
            IdentifyUser,
            json!({"user_id": "u-123456", "min_id_length": 3}),
            vec![],
        ),
        (
            GroupIdentifyUser,
            json!({"user_id": "u-123456", "group_type": "org", "group_value": "acme",
                   "time": "2024-03-15T14:22:33.456Z"}),
            vec![(OptionsUndefined, 0), (OptionsUndefined, 1)],
        ),
        (
            GroupIdentifyUser,
            json!({"group_type": "org", "group_value": "acme"}),
            vec![(OptionsUndefined, 0)],
        ),
        (
            GroupIdentifyUser,
            json!({"device_id": "d-123456", "group_type": "org", "group_value": "acme",
                   "min_id_length": 2}),
            vec![(GroupTimeParsing, 0)],
        ),
        (
            MapUser,
            json!({"user_id": "a", "global_user_id": "b"}),
            vec![],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "library": "analytics.js", "platform": "Web",
                   "library2": {"behavior": "auto"}}),
            vec![(LibraryIsSegment, 0)],
        ),
        (
            LogEventV2,
            json!({"event_type": "A", "library": "analytics.js", "platform": "Web",
                   "library2": {"behavior": "use_mapping", "mapping": "analytics.js"}}),
            vec![],
        ),
        (
            IdentifyUser,
            json!({"user_id": "u-123456", "library": "analytics-ios", "min_id_length": 5}),
            vec![(LibraryIsSegment, 0)],
        ),
    ];
    for (action, payload, want) in cases {
        assert_eq!(kinds(action, payload.clone()), want, "{action:?} {payload}");
    }
}
