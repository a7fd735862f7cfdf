//! The classic destination's cloud-mode requests, one table row per call type and setting.
#![allow(clippy::unwrap_used)]

use ampscope::engine::classic::{ClassicEndpoint, ClassicSettings, cloud_requests};
use ampscope::engine::js;
use serde_json::{Value, json};

fn settings(v: Value) -> ClassicSettings {
    ClassicSettings::from_json(&v).unwrap().settings
}

/// (url, payload JSON text) of every request.
fn run(s: &ClassicSettings, ev: &Value) -> Vec<(String, String)> {
    cloud_requests(s, ev)
        .requests
        .iter()
        .map(|r| (r.request.url.to_string(), js::stringify(&r.payload)))
        .collect()
}

fn full_context(library: &str) -> Value {
    json!({
        "device": {"id": "device-id", "model": "device-model", "brand": "device-brand", "manufacturer": "device-manufacturer"},
        "locale": "en-US",
        "library": {"name": library},
        "app": {"version": "app-version"},
        "os": {"name": "os-name", "version": "os-version"},
        "network": {"carrier": "carrier"},
        "ip": "0.0.0.0",
        "location": {"latitude": 1.0, "longitude": 1.0}
    })
}

const V1: &str = "https://api.amplitude.com/httpapi";
const IDENTIFY: &str = "https://api.amplitude.com/identify";

#[test]
fn track_calls() {
    let defaults = settings(json!({"apiKey": "k"}));
    let options =
        json!({"Amplitude": {"eventType": "amplitude-event-type", "sessionId": 1, "eventId": 1}});
    let mut analytics_js_ua = full_context("analytics.js");
    analytics_js_ua["userAgent"] =
        json!("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)");
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "all common fields, options read case-insensitively, country/language dropped from properties",
            json!({"type": "track", "userId": "user-id", "event": "my-event", "timestamp": "2014",
                   "properties": {"country": "United States", "property": true},
                   "context": full_context("analytics.js"), "integrations": options.clone()}),
            r#"{"user_id":"user-id","device_id":"device-id","time":1388534400000,"library":"segment","app_version":"app-version","os_name":"os-name","os_version":"os-version","carrier":"carrier","device_model":"device-model","device_brand":"device-brand","device_manufacturer":"device-manufacturer","location_lat":1,"location_lng":1,"ip":"0.0.0.0","amplitude_event_type":"amplitude-event-type","session_id":1,"event_id":1,"language":"English","country":"United States","platform":"Web","user_properties":{"id":"user-id"},"event_type":"my-event","event_properties":{"property":true}}"#,
        ),
        (
            "analytics.js user agent: browser as os_name, OS as device_model; revenue top level and kept in properties",
            json!({"type": "track", "userId": "user-id", "event": "my-event", "timestamp": "2014",
                   "properties": {"country": "United States", "revenue": 19.99, "property": true},
                   "context": analytics_js_ua, "integrations": options.clone()}),
            r#"{"user_id":"user-id","device_id":"device-id","time":1388534400000,"library":"segment","app_version":"app-version","os_name":"IE","os_version":"10","carrier":"carrier","device_model":"Windows","device_brand":"device-brand","device_manufacturer":"device-manufacturer","location_lat":1,"location_lng":1,"ip":"0.0.0.0","amplitude_event_type":"amplitude-event-type","session_id":1,"event_id":1,"language":"English","country":"United States","platform":"Web","user_properties":{"id":"user-id"},"revenue":19.99,"event_type":"my-event","event_properties":{"revenue":19.99,"property":true}}"#,
        ),
        (
            "revenue fields: price and quantity only together, revenueType and productId top level",
            json!({"type": "track", "userId": "user-id", "event": "Bought", "timestamp": "2014",
                   "properties": {"revenue": "$20.50", "price": 10.25, "quantity": 2, "revenueType": "purchase", "productId": "p1", "other": 1}}),
            r#"{"user_id":"user-id","time":1388534400000,"library":"segment","user_properties":{"id":"user-id"},"revenue":20.5,"price":10.25,"quantity":2,"revenueType":"purchase","productId":"p1","event_type":"Bought","event_properties":{"revenue":"$20.50","other":1}}"#,
        ),
        (
            "without revenue, price and quantity stay event properties",
            json!({"type": "track", "userId": "user-id", "event": "Viewed", "timestamp": "2014",
                   "properties": {"price": 10.25, "quantity": 2}}),
            r#"{"user_id":"user-id","time":1388534400000,"library":"segment","user_properties":{"id":"user-id"},"event_type":"Viewed","event_properties":{"price":10.25,"quantity":2}}"#,
        ),
        (
            "Completed Order falls back to total",
            json!({"type": "track", "userId": "user-id", "event": "Completed Order", "timestamp": "2014",
                   "properties": {"total": 30}}),
            r#"{"user_id":"user-id","time":1388534400000,"library":"segment","user_properties":{"id":"user-id"},"revenue":30,"event_type":"Completed Order","event_properties":{"total":30}}"#,
        ),
        (
            "context.traits become user_properties (address removed, address country used); event_id cleaned",
            json!({"type": "track", "userId": "user-id", "event": "my-event", "timestamp": "2014",
                   "properties": {"property": true, "language": "x", "event_id": "e", "amplitude_event_type": "t"},
                   "context": {"traits": {"plan": "pro", "address": {"country": "some-country", "city": "Paris"}}}}),
            r#"{"user_id":"user-id","time":1388534400000,"library":"segment","country":"some-country","city":"Paris","user_properties":{"plan":"pro","id":"user-id"},"event_type":"my-event","event_properties":{"property":true}}"#,
        ),
        (
            "anonymous iOS event: device id falls back to anonymousId, idfa from advertisingId, platform from os",
            json!({"type": "track", "anonymousId": "anon-1", "event": "Opened", "timestamp": 1714564800,
                   "context": {"os": {"name": "iOS"}, "device": {"advertisingId": "ad-1"}, "locale": "de"}}),
            r#"{"device_id":"anon-1","time":1714564800000,"library":"segment","os_name":"iOS","language":"German","idfa":"ad-1","platform":"iOS","user_properties":{},"event_type":"Opened","event_properties":{}}"#,
        ),
        (
            "Android adid from idfa, platform from library, unknown country code drops the locale",
            json!({"type": "track", "userId": "u", "event": "E", "timestamp": "2014",
                   "context": {"os": {"name": "Android"}, "device": {"idfa": "g-1", "type": "phone"}, "library": {"name": "analytics-android"}, "locale": "en-ZZ"}}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","os_name":"Android","adid":"g-1","platform":"Android","user_properties":{"id":"u"},"event_type":"E","event_properties":{}}"#,
        ),
        (
            "server library: platform is the lower-cased library name",
            json!({"type": "track", "userId": "u", "event": "E", "timestamp": "2014", "context": {"library": {"name": "Analytics-PHP"}}}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","platform":"analytics-php","user_properties":{"id":"u"},"event_type":"E","event_properties":{}}"#,
        ),
        (
            "analytics-android 1.4.4 device id quirk",
            json!({"type": "track", "userId": "u", "event": "E", "timestamp": "2014",
                   "context": {"library": {"name": "analytics-android", "version": "1.4.4"}, "device": {"id": "d", "model": "m"}}}),
            r#"{"user_id":"u","device_id":"u:m:d","time":1388534400000,"library":"segment","device_model":"m","platform":"Android","user_properties":{"id":"u"},"event_type":"E","event_properties":{}}"#,
        ),
        (
            "integrations.Amplitude.groups go to groups and user_properties",
            json!({"type": "track", "userId": "u", "event": "E", "timestamp": "2014",
                   "integrations": {"Amplitude": {"groups": {"team": ["a", "b"]}}}}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"id":"u","team":["a","b"]},"groups":{"team":["a","b"]},"event_type":"E","event_properties":{}}"#,
        ),
    ];
    for (what, ev, want) in cases {
        let got = run(&defaults, &ev);
        assert_eq!(got.len(), 1, "{what}");
        assert_eq!(got[0].0, V1, "{what}");
        assert_eq!(got[0].1, want, "{what}");
    }
}

#[test]
fn page_and_screen_naming_and_gating() {
    let named_and_categorized = settings(json!({}));
    let all = settings(json!({"trackAllPages": true}));
    let none = settings(json!({"trackNamedPages": false, "trackCategorizedPages": false}));
    let named_only = settings(json!({"trackCategorizedPages": false}));
    let categorized_only = settings(json!({"trackNamedPages": false}));
    let page = |extra: Value| {
        let mut ev = json!({"type": "page", "userId": "u", "timestamp": "2014", "properties": {"path": "/"}});
        for (k, v) in extra.as_object().unwrap() {
            ev[k] = v.clone();
        }
        ev
    };
    let cases: Vec<(&str, &ClassicSettings, Value, Option<&str>)> = vec![
        (
            "name and category",
            &named_and_categorized,
            page(json!({"name": "Analytics iOS", "category": "Docs"})),
            Some("Viewed Docs Analytics iOS Page"),
        ),
        (
            "name only",
            &named_and_categorized,
            page(json!({"name": "Home"})),
            Some("Viewed Home Page"),
        ),
        (
            "category only: sent, but no full name",
            &named_and_categorized,
            page(json!({"category": "Docs"})),
            Some("Loaded a Page"),
        ),
        (
            "neither: dropped",
            &named_and_categorized,
            page(json!({})),
            None,
        ),
        (
            "neither, trackAllPages",
            &all,
            page(json!({})),
            Some("Loaded a Page"),
        ),
        (
            "both settings off",
            &none,
            page(json!({"name": "Home"})),
            None,
        ),
        (
            "both off but all pages",
            &all,
            page(json!({"name": "Home"})),
            Some("Viewed Home Page"),
        ),
        (
            "named only, category page",
            &named_only,
            page(json!({"category": "Docs"})),
            None,
        ),
        (
            "categorized only, named page",
            &categorized_only,
            page(json!({"name": "Home"})),
            None,
        ),
        (
            "categorized only, properties.category counts",
            &categorized_only,
            page(json!({"properties": {"category": "Docs"}})),
            Some("Loaded a Page"),
        ),
        (
            "screen",
            &named_and_categorized,
            json!({"type": "screen", "name": "Settings", "timestamp": "2014"}),
            Some("Viewed Settings Screen"),
        ),
        (
            "screen without name",
            &all,
            json!({"type": "screen", "timestamp": "2014"}),
            Some("Loaded a Screen"),
        ),
    ];
    for (what, s, ev, want) in cases {
        let out = cloud_requests(s, &ev);
        match want {
            None => {
                assert!(out.requests.is_empty(), "{what}");
                assert!(out.skipped.is_some(), "{what}");
            }
            Some(name) => {
                assert_eq!(out.requests.len(), 1, "{what}");
                assert_eq!(out.requests[0].payload["event_type"], json!(name), "{what}");
            }
        }
    }
    let got = run(
        &named_and_categorized,
        &page(
            json!({"name": "Analytics iOS", "category": "Docs", "context": full_context("analytics-ios")}),
        ),
    );
    assert_eq!(
        got[0].1,
        r#"{"user_id":"u","device_id":"device-id","time":1388534400000,"library":"segment","app_version":"app-version","os_name":"os-name","os_version":"os-version","carrier":"carrier","device_model":"device-model","device_brand":"device-brand","device_manufacturer":"device-manufacturer","location_lat":1,"location_lng":1,"ip":"0.0.0.0","language":"English","country":"United States","platform":"iOS","user_properties":{"id":"u"},"event_type":"Viewed Docs Analytics iOS Page","event_properties":{"path":"/","category":"Docs","name":"Analytics iOS"}}"#
    );
}

#[test]
fn identify_calls() {
    let ops = settings(json!({"traitsToIncrement": ["logins"], "traitsToSetOnce": ["signup"]}));
    let cases: Vec<(&str, ClassicSettings, Value, &str)> = vec![
        (
            "traits + id, address feeds country, options removed, paying/start_version added",
            settings(json!({})),
            json!({"type": "identify", "userId": "user-id", "timestamp": "2014",
                   "traits": {"plan": "pro", "address": {"country": "United States"}},
                   "context": {"library": {"name": "analytics-ios"}},
                   "integrations": {"Amplitude": {"session_id": 5, "paying": true, "startVersion": "1.0"}}}),
            r#"{"user_id":"user-id","time":1388534400000,"library":"segment","country":"United States","platform":"iOS","user_properties":{"plan":"pro","id":"user-id"},"paying":true,"start_version":"1.0"}"#,
        ),
        (
            "legacy groups option on identify",
            settings(json!({})),
            json!({"type": "identify", "userId": "group-user-123", "timestamp": "2016",
                   "integrations": {"Amplitude": {"groups": {"foobar": ["basketball", "soccer"]}}}}),
            r#"{"user_id":"group-user-123","time":1451606400000,"library":"segment","user_properties":{"id":"group-user-123","foobar":["basketball","soccer"]},"groups":{"foobar":["basketball","soccer"]}}"#,
        ),
        (
            "traitsToIncrement / traitsToSetOnce become operations",
            ops,
            json!({"type": "identify", "userId": "u", "timestamp": "2014", "traits": {"logins": 1, "signup": "2020", "plan": "pro"}}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"$set":{"plan":"pro","id":"u"},"$setOnce":{"signup":"2020"},"$add":{"logins":1}}}"#,
        ),
        (
            "mapQueryParams on identify sets a user property",
            settings(json!({"mapQueryParams": {"search": "user_properties"}})),
            json!({"type": "identify", "userId": "u", "timestamp": "2014", "context": {"page": {"search": "?a=1"}}}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"id":"u","search":"?a=1"}}"#,
        ),
        (
            "preferAnonymousIdForDeviceId",
            settings(json!({"preferAnonymousIdForDeviceId": true})),
            json!({"type": "identify", "userId": "u", "anonymousId": "anon", "timestamp": "2014", "context": {"device": {"id": "dev"}}}),
            r#"{"user_id":"u","device_id":"anon","time":1388534400000,"library":"segment","user_properties":{"id":"u"}}"#,
        ),
    ];
    for (what, s, ev, want) in cases {
        let out = cloud_requests(&s, &ev);
        assert_eq!(out.requests.len(), 1, "{what}");
        assert_eq!(
            out.requests[0].endpoint,
            ClassicEndpoint::Identify,
            "{what}"
        );
        assert_eq!(out.requests[0].request.url, IDENTIFY, "{what}");
        assert_eq!(js::stringify(&out.requests[0].payload), want, "{what}");
        assert!(
            out.requests[0]
                .request
                .body
                .starts_with("api_key=&identification=%7B"),
            "{what}"
        );
    }
}

#[test]
fn group_calls() {
    let legacy = settings(json!({}));
    let traits = settings(json!({"groupTypeTrait": "kind", "groupValueTrait": "name"}));
    let ev = json!({"type": "group", "groupId": "g1", "userId": "u", "timestamp": "2014", "traits": {"kind": "company", "name": "Acme", "employees": 5}});
    let got = run(&legacy, &ev);
    assert_eq!(got, vec![(IDENTIFY.to_string(), r#"{"user_id":"u","time":1388534400000,"groups":{"[Segment] Group":"g1"},"user_properties":{"[Segment] Group":"g1"}}"#.to_string())]);
    let got = run(&traits, &ev);
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].1,
        r#"{"user_id":"u","time":1388534400000,"groups":{"company":"Acme"},"user_properties":{"company":"Acme"}}"#
    );
    assert_eq!(got[1].0, "https://api.amplitude.com/groupidentify");
    assert_eq!(
        got[1].1,
        r#"{"group_type":"company","group_value":"Acme","group_properties":{"kind":"company","name":"Acme","employees":5}}"#
    );
    // A missing trait falls back to the legacy group.
    let partial = json!({"type": "group", "groupId": "g1", "userId": "u", "timestamp": "2014", "traits": {"kind": "company"}});
    assert_eq!(run(&traits, &partial).len(), 1);
    let no_id = cloud_requests(&legacy, &json!({"type": "group", "userId": "u"}));
    assert!(no_id.requests.is_empty() && no_id.skipped.is_some());
}

#[test]
fn alias_calls() {
    let ev = json!({"type": "alias", "previousId": "old", "userId": "new", "timestamp": "2014"});
    let off = cloud_requests(&settings(json!({})), &ev);
    assert!(off.requests.is_empty());
    assert!(off.skipped.unwrap().contains("sendAlias"));
    let on = settings(json!({"apiKey": "K", "sendAlias": true}));
    let out = cloud_requests(&on, &ev);
    assert_eq!(out.requests[0].endpoint, ClassicEndpoint::UserMap);
    assert_eq!(
        out.requests[0].request.url,
        "https://api.amplitude.com/usermap"
    );
    assert_eq!(
        out.requests[0].request.body,
        "api_key=K&mapping=%5B%7B%22user_id%22%3A%22old%22%2C%22global_user_id%22%3A%22new%22%7D%5D"
    );
    let unmap = json!({"type": "alias", "previousId": "old", "userId": "new", "integrations": {"Amplitude": {"unmap": "old"}}});
    assert_eq!(run(&on, &unmap)[0].1, r#"[{"user_id":"old","unmap":true}]"#);
    assert!(
        out.requests[0]
            .decisions
            .iter()
            .any(|d| d.provenance.is_inferred())
    );
}

#[test]
fn settings_that_change_transport() {
    let ev = json!({"type": "track", "userId": "u", "event": "E", "timestamp": "2014"});
    let batch = settings(json!({"apiKey": "K", "sendToBatchEndpoint": true}));
    let out = cloud_requests(&batch, &ev);
    let r = &out.requests[0];
    assert_eq!(r.endpoint, ClassicEndpoint::Batch);
    assert_eq!(r.request.url, "https://api2.amplitude.com/batch");
    assert_eq!(r.request.header("content-type"), Some("application/json"));
    assert_eq!(
        r.request.body,
        r#"{"api_key":"K","events":[{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"id":"u"},"event_type":"E","event_properties":{}}]}"#
    );
    assert!(
        r.decisions
            .iter()
            .any(|d| d.subject == "request" && d.provenance.is_inferred())
    );
    let eu = settings(json!({"endpoint": "europe"}));
    assert_eq!(
        cloud_requests(&eu, &ev).requests[0].request.url,
        "https://api.eu.amplitude.com/httpapi"
    );
    let eu_batch = settings(json!({"endpoint": "EU", "sendToBatchEndpoint": true}));
    assert_eq!(
        cloud_requests(&eu_batch, &ev).requests[0].request.url,
        "https://api.eu.amplitude.com/batch"
    );
}

#[test]
fn settings_that_change_payloads() {
    let ev = json!({"type": "track", "userId": "u", "event": "E", "timestamp": "2014",
                    "properties": {"language": "fr", "country": "FR", "p": 1},
                    "context": {"campaign": {"source": "news", "medium": "email", "name": "spring"}, "page": {"search": "?q=1"}}});
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "defaults: UTM user properties, language/country dropped",
            json!({}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","country":"FR","user_properties":{"id":"u","utm_source":"news","utm_medium":"email","utm_campaign":"spring"},"event_type":"E","event_properties":{"p":1}}"#,
        ),
        (
            "trackUtmProperties off",
            json!({"trackUtmProperties": false}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","country":"FR","user_properties":{"id":"u"},"event_type":"E","event_properties":{"p":1}}"#,
        ),
        (
            "useCustomAmplitudeProperties keeps language/country",
            json!({"trackUtmProperties": false, "useCustomAmplitudeProperties": true}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","country":"FR","user_properties":{"id":"u"},"event_type":"E","event_properties":{"language":"fr","country":"FR","p":1}}"#,
        ),
        (
            "mapQueryParams on track: event property first",
            json!({"trackUtmProperties": false, "mapQueryParams": {"query": "event_properties"}}),
            r#"{"user_id":"u","time":1388534400000,"library":"segment","country":"FR","user_properties":{"id":"u"},"event_properties":{"query":"?q=1","p":1},"event_type":"E"}"#,
        ),
    ];
    for (what, s, want) in cases {
        let got = run(&settings(s), &ev);
        assert_eq!(got[0].1, want, "{what}");
    }
}

#[test]
fn order_completed_and_revenue_per_product() {
    let ev = json!({"type": "track", "userId": "u", "event": "Order Completed", "timestamp": "2014",
                    "properties": {"order_id": "o1", "revenue": 30, "products": [
                        {"productId": "p1", "price": 10, "quantity": 2, "name": "Socks"},
                        {"product_id": "p2", "revenue": 10}]}});
    let off = run(&settings(json!({})), &ev);
    assert_eq!(off.len(), 3);
    assert_eq!(
        off[0].1,
        r#"{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"id":"u"},"revenue":30,"event_type":"Order Completed","event_properties":{"order_id":"o1","revenue":30}}"#
    );
    assert_eq!(
        off[1].1,
        r#"{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"id":"u"},"event_type":"Product Purchased","event_properties":{"productId":"p1","price":10,"quantity":2,"name":"Socks"}}"#
    );
    let on = run(&settings(json!({"trackRevenuePerProduct": true})), &ev);
    assert_eq!(on.len(), 3);
    assert!(
        !on[0].1.contains(r#""revenue":30,"event_type""#),
        "{}",
        on[0].1
    );
    assert_eq!(
        on[1].1,
        r#"{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"id":"u"},"revenue":20,"price":10,"quantity":2,"productId":"p1","event_type":"Product Purchased","event_properties":{"productId":"p1","price":10,"quantity":2,"name":"Socks"}}"#
    );
    assert_eq!(
        on[2].1,
        r#"{"user_id":"u","time":1388534400000,"library":"segment","user_properties":{"id":"u"},"revenue":10,"productId":"p2","event_type":"Product Purchased","event_properties":{"product_id":"p2","revenue":10}}"#
    );
    // Products on another event are left alone.
    let other = json!({"type": "track", "userId": "u", "event": "Cart Viewed", "timestamp": "2014", "properties": {"products": [{"productId": "p1"}]}});
    assert_eq!(
        run(&settings(json!({"trackRevenuePerProduct": true})), &other).len(),
        1
    );
}

#[test]
fn events_segment_would_not_deliver() {
    let s = settings(json!({}));
    for ev in [
        json!({"type": "track", "event": "E", "integrations": {"Amplitude": false}}),
        json!({"type": "track", "event": "E", "integrations": {"All": false}}),
        json!({"type": "delete"}),
        json!({"event": "no type"}),
        json!("not an object"),
    ] {
        let out = cloud_requests(&s, &ev);
        assert!(out.requests.is_empty(), "{ev}");
        assert!(out.skipped.is_some(), "{ev}");
    }
    let enabled = json!({"type": "track", "event": "E", "userId": "u", "integrations": {"All": false, "Amplitude": true}});
    assert_eq!(cloud_requests(&s, &enabled).requests.len(), 1);
}
