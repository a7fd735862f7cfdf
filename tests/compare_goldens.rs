//! Classic requests compared with the Actions requests the reference code recorded for the same
//! events (copied from the conformance goldens into tests/data/compare).
#![allow(clippy::unwrap_used)]

use ampscope::engine::classic::{ClassicSettings, cloud_requests};
use ampscope::engine::compare::{Aggregate, ChangeKind, compare, reason};
use ampscope::engine::request::HttpRequest;
use serde_json::{Value, json};

fn load(name: &str) -> (Value, Vec<HttpRequest>) {
    let path = format!(
        "{}/tests/data/compare/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let actions: Vec<HttpRequest> = serde_json::from_value(v["actions"].clone()).unwrap();
    (v["event"].clone(), actions)
}

fn classic(settings: Value, event: &Value) -> Vec<HttpRequest> {
    let s = ClassicSettings::from_json(&settings).unwrap().settings;
    cloud_requests(&s, event)
        .requests
        .into_iter()
        .map(|r| r.request)
        .collect()
}

/// (path, kind, from, reason) of one difference.
type Row = (String, ChangeKind, Option<String>, Option<&'static str>);

/// (path, kind, from, reason) of every difference, pair by pair.
fn summary(c: &[HttpRequest], a: &[HttpRequest]) -> Vec<Vec<Row>> {
    for (_, d) in compare(c, a).differences() {
        if let Some(r) = d.reason {
            assert!(reason(r).is_some(), "reason `{r}` is in the catalogue");
        }
    }
    compare(c, a)
        .pairs
        .iter()
        .map(|p| {
            p.differences
                .iter()
                .map(|d| (d.path.clone(), d.kind, d.from.clone(), d.reason))
                .collect()
        })
        .collect()
}

fn row(path: &str, kind: ChangeKind, from: Option<&str>, reason: &'static str) -> Row {
    (
        path.to_string(),
        kind,
        from.map(str::to_string),
        Some(reason),
    )
}

fn settings() -> Value {
    json!({"apiKey": "amp-api-key-0123456789", "sendAlias": true})
}

#[test]
fn page_call_differences() {
    let (ev, a) = load("page-home-basic");
    let got = summary(&classic(settings(), &ev), &a);
    use ChangeKind::*;
    assert_eq!(
        got,
        vec![vec![
            row("library", Changed, None, "library"),
            row("os_name", Changed, None, "user_agent"),
            row("device_model", Changed, None, "user_agent"),
            row("language", Changed, None, "locale"),
            row("country", Removed, None, "locale"),
            row("user_properties.id", Removed, None, "user_properties_id"),
            row(
                "user_properties.$setOnce.initial_referrer",
                Added,
                None,
                "utm_referrer"
            ),
            row("user_properties.$set.referrer", Added, None, "utm_referrer"),
            row("event_type", Changed, None, "page_naming"),
            row("event_properties.name", Removed, None, "page_properties"),
            row("device_manufacturer", Added, None, "user_agent"),
            row("use_batch_endpoint", Added, None, "leaked_fields"),
            row("$request.url", Changed, None, "api_version"),
            row("$request.content_type", Changed, None, "api_version"),
            row("$request.format", Changed, None, "api_version"),
        ]]
    );
    let cmp = compare(&classic(settings(), &ev), &a);
    let et = cmp.pairs[0]
        .differences
        .iter()
        .find(|d| d.path == "event_type")
        .unwrap();
    assert_eq!(et.classic, Some(json!("Viewed Home Page")));
    assert_eq!(et.actions, Some(json!("Viewed Home")));
    // With the page settings off, classic sends nothing and the Actions event stands alone.
    let off = classic(
        json!({"trackNamedPages": false, "trackCategorizedPages": false}),
        &ev,
    );
    assert!(off.is_empty());
    assert_eq!(
        summary(&off, &a),
        vec![vec![row("", Added, None, "page_gating")]]
    );
}

#[test]
fn group_call_moves_the_legacy_group_and_adds_group_identify() {
    let (ev, a) = load("group-basic");
    let got = summary(&classic(settings(), &ev), &a);
    use ChangeKind::*;
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0][..2].to_vec(),
        vec![
            row(
                "groups.Company",
                Moved,
                Some("groups[\"[Segment] Group\"]"),
                "groups"
            ),
            row(
                "user_properties.Company",
                Moved,
                Some("user_properties[\"[Segment] Group\"]"),
                "groups"
            ),
        ]
    );
    assert!(got[0].contains(&row("$request.options", Added, None, "identify_options")));
    assert!(got[0].contains(&row("$request.url", Changed, None, "endpoint_host")));
    assert_eq!(got[1], vec![row("", Added, None, "groups")]);
}

#[test]
fn identify_order_and_alias() {
    use ChangeKind::*;
    let (ev, a) = load("identify-basic-web");
    let got = summary(&classic(settings(), &ev), &a);
    assert!(got[0].contains(&row(
        "user_properties.address.city",
        Moved,
        Some("city"),
        "traits_source"
    )));
    assert!(got[0].contains(&row(
        "user_properties.id",
        Removed,
        None,
        "user_properties_id"
    )));

    let (ev, a) = load("order-completed-standard");
    let got = summary(&classic(settings(), &ev), &a);
    assert_eq!(got.len(), 3, "order + one pair per product");
    assert!(got[0].contains(&row(
        "event_properties.products",
        Added,
        None,
        "order_products"
    )));
    assert!(got[0].contains(&row("revenueType", Added, None, "revenue")));
    assert!(got[1].contains(&row(
        "event_properties.sku",
        Removed,
        None,
        "order_products"
    )));

    let (ev, a) = load("alias-basic");
    let got = summary(&classic(settings(), &ev), &a);
    assert_eq!(
        got,
        vec![vec![row(
            "$request.content_type",
            Changed,
            None,
            "form_encoding"
        )]]
    );
}

#[test]
fn aggregate_over_the_golden_events() {
    let mut agg = Aggregate::new();
    for (i, name) in [
        "page-home-basic",
        "identify-basic-web",
        "order-completed-standard",
        "group-basic",
        "alias-basic",
    ]
    .iter()
    .enumerate()
    {
        let (ev, a) = load(name);
        agg.add(i, &compare(&classic(settings(), &ev), &a));
    }
    let rows = agg.rows();
    let url = rows.iter().find(|r| r.path == "$request.url").unwrap();
    assert_eq!((url.count, url.examples.clone()), (4, vec![0, 1, 2, 3]));
    assert!((url.percent - 80.0).abs() < 1e-9);
    let csv = agg.to_csv();
    assert!(
        csv.lines()
            .any(|l| l == "$request.url,changed,api_version,4,80.0,0 1 2 3"),
        "{csv}"
    );
    assert!(
        agg.to_markdown()
            .contains("| `$request.url` | changed | 4 | 80.0 | 0, 1, 2, 3 | HTTP API v1 vs v2 |")
    );
}
