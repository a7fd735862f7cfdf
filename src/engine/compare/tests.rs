use super::*;
use serde_json::json;

fn form(url: &str, param: &str, payload: &Value) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: url.to_string().into(),
        headers: vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        )]
        .into(),
        body: format!(
            "api_key=K&{param}={}",
            crate::engine::classic::encode_uri_component(&js::stringify(payload))
        ),
    }
}

fn json_req(url: &str, events: Value) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: url.to_string().into(),
        headers: vec![("content-type".into(), "application/json".into())].into(),
        body: js::stringify(&json!({"api_key": "K", "events": events})),
    }
}

const V1: &str = "https://api.amplitude.com/httpapi";
const V2: &str = "https://api2.amplitude.com/2/httpapi";

#[test]
fn urls_map_to_apis() {
    for (url, api) in [
        (V1, Api::HttpApiV1),
        (V2, Api::HttpApiV2),
        ("https://api2.amplitude.com/batch", Api::Batch),
        ("https://api2.amplitude.com/identify", Api::Identify),
        (
            "https://api2.amplitude.com/groupidentify",
            Api::GroupIdentify,
        ),
        ("https://api.amplitude.com/usermap", Api::UserMap),
        ("https://example.com/x", Api::Other),
    ] {
        assert_eq!(Api::of_url(url), api, "{url}");
    }
}

#[test]
fn form_bodies_decode_plus_and_percent() {
    assert_eq!(
        parse_form("a=1+2&b=%7B%22x%22%3A%22%C3%A9%22%7D&c&d=%zz"),
        vec![
            ("a".to_string(), "1 2".to_string()),
            ("b".to_string(), "{\"x\":\"é\"}".to_string()),
            ("c".to_string(), String::new()),
            ("d".to_string(), "%zz".to_string()),
        ]
    );
}

#[test]
fn normalises_form_and_json_bodies_to_the_same_objects() {
    let ev = json!({"event_type": "E", "user_id": "u"});
    let c = normalise(&[form(V1, "event", &ev)]);
    let a = normalise(&[json_req(V2, json!([ev.clone(), {"event_type": "F"}]))]);
    assert_eq!(c.len(), 1);
    assert_eq!(a.len(), 2);
    assert_eq!(c[0].value, ev);
    assert_eq!(a[0].value, ev);
    assert_eq!(a[1].position, 1);
    assert_eq!(c[0].request_fields["format"], json!("form"));
    assert_eq!(c[0].request_fields["api_key"], json!("K"));
    assert_eq!(a[0].request_fields["format"], json!("json"));
    let broken = normalise(&[HttpRequest {
        method: "POST".into(),
        url: V2.into(),
        headers: vec![].into(),
        body: "{oops".into(),
    }]);
    assert_eq!(broken[0].kind, ItemKind::Other);
}

#[test]
fn differences_by_path_with_kinds_and_reasons() {
    let classic = json!({"user_id": "u", "library": "segment", "language": "English",
        "user_properties": {"plan": "pro", "id": "u", "utm_source": "news"},
        "event_type": "Viewed Home Page", "event_properties": {"path": "/", "name": "Home"}});
    let actions = json!({"user_id": "u", "language": "en-US",
        "user_properties": {"$set": {"utm_source": "news"}},
        "event_type": "Viewed Home", "event_properties": {"path": "/", "name": "Home"},
        "library": "analytics.js", "use_batch_endpoint": false});
    let cmp = compare(
        &[form(V1, "event", &classic)],
        &[json_req(V2, json!([actions]))],
    );
    assert_eq!(cmp.pairs.len(), 1);
    let got: Vec<(String, ChangeKind, Option<String>, Option<&str>)> = cmp.pairs[0]
        .differences
        .iter()
        .map(|d| (d.path.clone(), d.kind, d.from.clone(), d.reason))
        .collect();
    let want: Vec<(String, ChangeKind, Option<String>, Option<&str>)> = vec![
        ("library".into(), ChangeKind::Changed, None, Some("library")),
        ("language".into(), ChangeKind::Changed, None, Some("locale")),
        (
            "user_properties.plan".into(),
            ChangeKind::Removed,
            None,
            Some("traits_source"),
        ),
        (
            "user_properties.id".into(),
            ChangeKind::Removed,
            None,
            Some("user_properties_id"),
        ),
        (
            "user_properties.$set.utm_source".into(),
            ChangeKind::Moved,
            Some("user_properties.utm_source".into()),
            Some("utm_referrer"),
        ),
        (
            "event_type".into(),
            ChangeKind::Changed,
            None,
            Some("page_naming"),
        ),
        (
            "use_batch_endpoint".into(),
            ChangeKind::Added,
            None,
            Some("leaked_fields"),
        ),
        (
            "$request.url".into(),
            ChangeKind::Changed,
            None,
            Some("api_version"),
        ),
        (
            "$request.content_type".into(),
            ChangeKind::Changed,
            None,
            Some("api_version"),
        ),
        (
            "$request.format".into(),
            ChangeKind::Changed,
            None,
            Some("api_version"),
        ),
    ];
    assert_eq!(got, want);
    for (_, d) in cmp.differences() {
        if let Some(r) = d.reason {
            assert!(reason(r).is_some(), "{r} is in the catalogue");
        }
    }
}

#[test]
fn objects_pair_by_kind_and_event_type_and_leftovers_stand_alone() {
    let classic = vec![
        form(V1, "event", &json!({"event_type": "Order Completed"})),
        form(
            V1,
            "event",
            &json!({"event_type": "Product Purchased", "event_properties": {"sku": "a"}}),
        ),
        form(
            "https://api.amplitude.com/identify",
            "identification",
            &json!({"user_id": "u", "groups": {"[Segment] Group": "g"}}),
        ),
    ];
    let actions = vec![json_req(
        V2,
        json!([
            {"event_type": "Order Completed"},
            {"event_type": "Product Purchased", "event_properties": {"sku": "a"}},
            {"event_type": "Product Purchased", "event_properties": {"sku": "b"}}
        ]),
    )];
    let cmp = compare(&classic, &actions);
    let labels: Vec<(&str, bool, bool)> = cmp
        .pairs
        .iter()
        .map(|p| (p.label.as_str(), p.classic.is_some(), p.actions.is_some()))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("Order Completed", true, true),
            ("Product Purchased", true, true),
            ("identify (group association)", true, false),
            ("Product Purchased", false, true),
        ]
    );
    assert_eq!(cmp.pairs[2].differences[0].kind, ChangeKind::Removed);
    assert_eq!(cmp.pairs[2].differences[0].reason, Some("groups"));
    assert_eq!(cmp.pairs[3].differences[0].reason, Some("order_products"));
    assert_eq!(
        cmp.pairs[1]
            .differences
            .iter()
            .filter(|d| !d.path.starts_with("$request"))
            .count(),
        0
    );
}

#[test]
fn equal_values_do_not_differ_and_small_values_do_not_move() {
    let c = json!({"a": 1.0, "flag": true, "n": [1, 2]});
    let a = json!({"a": 1, "other": true, "n": [1, 2, 3]});
    let mut out = Vec::new();
    diff_values("", Some(&c), Some(&a), &mut out);
    let moved = detect_moves(out);
    let got: Vec<(&str, ChangeKind)> = moved.iter().map(|d| (d.path.as_str(), d.kind)).collect();
    assert_eq!(
        got,
        vec![
            ("flag", ChangeKind::Removed),
            ("n[2]", ChangeKind::Added),
            ("other", ChangeKind::Added)
        ]
    );
    assert_eq!(push_key("a", "[Segment] Group"), "a[\"[Segment] Group\"]");
    assert_eq!(push_key("", "$set"), "$set");
}

#[test]
fn aggregate_counts_events_and_exports() {
    let mut agg = Aggregate::new();
    let c1 = json!({"event_type": "A", "library": "segment", "products": [{"x": 1}]});
    let a1 = json!({"event_type": "A", "library": "analytics.js"});
    let c2 = json!({"event_type": "B", "library": "segment"});
    let a2 = json!({"event_type": "B", "library": "segment"});
    for (i, (c, a)) in [(c1, a1), (c2, a2)].into_iter().enumerate() {
        let cmp = compare(&[form(V1, "event", &c)], &[json_req(V2, json!([a]))]);
        agg.add(i, &cmp);
    }
    agg.add(
        2,
        &compare(&[], &[json_req(V2, json!([{"event_type": "Viewed Home"}]))]),
    );
    assert_eq!(agg.events(), 3);
    let rows = agg.rows();
    let find = |p: &str| {
        rows.iter()
            .find(|r| r.path == p)
            .unwrap_or_else(|| panic!("{p}: {rows:?}"))
    };
    assert_eq!(find("$request.url").count, 2);
    assert!((find("$request.url").percent - 66.666).abs() < 0.01);
    assert_eq!(find("$request.url").examples, vec![0, 1]);
    assert_eq!(find("library").count, 1);
    assert_eq!(find("products").examples, vec![0]);
    assert_eq!(find("(whole event)").kind, ChangeKind::Added);
    let csv = agg.to_csv();
    assert!(csv.starts_with("path,kind,reason,events,percent,example_events\n$request.content_type,changed,api_version,2,66.7,0 1\n"), "{csv}");
    let md = agg.to_markdown();
    assert!(
        md.contains("| `library` | changed | 1 | 33.3 | 0 | `library` value |"),
        "{md}"
    );
    assert_eq!(
        collapse_indices("products[12].price[0]"),
        "products[*].price[*]"
    );
    assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
}

#[test]
fn side_by_side_without_actions_subscriptions_shows_classic_only_objects() {
    let s = ClassicSettings::default();
    let ev = json!({"type": "identify", "userId": "u1", "timestamp": "2014"});
    let sbs = side_by_side(&s, &amplitude::Settings::default(), &[], &ev, 0.0);
    assert_eq!(sbs.classic.requests.len(), 1);
    assert_eq!(sbs.actions, Ok(vec![]));
    let cmp = sbs.comparison.unwrap();
    assert_eq!(cmp.pairs.len(), 1);
    assert_eq!(cmp.pairs[0].label, "identify");
    assert_eq!(cmp.pairs[0].differences[0].kind, ChangeKind::Removed);
    assert!(!cmp.is_identical());
}
