use super::*;
use serde_json::json;

fn settings(v: Value) -> ClassicSettings {
    ClassicSettings::from_json(&v).unwrap().settings
}

fn sub<'a>(p: &'a [GeneratedSubscription], name: &str) -> Option<&'a Subscription> {
    p.iter().map(|g| &g.subscription).find(|s| s.name == name)
}

#[test]
fn every_setting_has_a_fate_and_documented_ones_say_so() {
    let p = plan(&ClassicSettings::default(), MigrationOptions::default());
    assert_eq!(p.settings.len(), 37);
    assert_eq!(TABLE.len(), 37);
    let inferred: Vec<&str> = p
        .settings
        .iter()
        .filter(|f| f.source.is_inferred())
        .map(|f| f.key)
        .collect();
    assert_eq!(
        inferred,
        vec!["endpoint", "useAmplitudeReferral", "deviceIdFromUrlParam"]
    );
    assert!(p.settings.iter().all(|f| f.is_default));
    let cases: &[(&str, Fate)] = &[
        ("apiKey", Fate::GlobalSetting),
        ("sendAlias", Fate::Subscription),
        ("traitsToIncrement", Fate::NotSupported),
        ("forceHttps", Fate::NotApplicable),
        ("trackRevenuePerProduct", Fate::ActionField),
    ];
    for (key, fate) in cases {
        let f = p.settings.iter().find(|f| f.key == *key).unwrap();
        assert_eq!(&f.fate, fate, "{key}");
    }
}

#[test]
fn advice_follows_the_value() {
    let s = settings(json!({
        "traitsToIncrement": ["logins"], "traitsToSetOnce": ["signup"],
        "preferAnonymousIdForDeviceId": true, "sendToBatchEndpoint": true,
        "mapQueryParams": {"query": "event_properties"}, "versionName": "2.1",
        "mystery": 1
    }));
    let p = plan(&s, MigrationOptions::default());
    let fate = |k: &str| p.settings.iter().find(|f| f.key == k).unwrap();
    assert!(!fate("traitsToIncrement").is_default);
    assert_eq!(
        fate("traitsToIncrement").suggested_mapping,
        Some(json!({"add": {"logins": {"@path": "$.context.traits.logins"}}}))
    );
    assert!(fate("traitsToIncrement").advice.contains("Add field"));
    assert_eq!(
        fate("traitsToSetOnce").suggested_mapping,
        Some(json!({"setOnce": {"signup": {"@path": "$.context.traits.signup"}}}))
    );
    assert_eq!(
        fate("sendToBatchEndpoint").suggested_mapping,
        Some(json!({"use_batch_endpoint": true}))
    );
    assert_eq!(
        fate("versionName").suggested_mapping,
        Some(json!({"app_version": "2.1"}))
    );
    assert!(fate("mapQueryParams").advice.contains("\"query\""));
    assert_eq!(
        fate("traitsToAppend").advice,
        "Default value: nothing to do."
    );
    assert_eq!(p.unknown_settings, vec!["mystery".to_string()]);
}

#[test]
fn page_gating_becomes_triggers() {
    let cases: &[(Value, Option<&str>, Option<&str>)] = &[
        (
            json!({}),
            Some("type = \"page\" and (name != null or properties.category != null)"),
            Some("type = \"screen\" and (name != null or properties.category != null)"),
        ),
        (
            json!({"trackAllPages": true}),
            Some("type = \"page\""),
            Some("type = \"screen\""),
        ),
        (
            json!({"trackCategorizedPages": false}),
            Some("type = \"page\" and name != null"),
            Some("type = \"screen\" and name != null"),
        ),
        (
            json!({"trackNamedPages": false}),
            Some("type = \"page\" and properties.category != null"),
            Some("type = \"screen\" and properties.category != null"),
        ),
        (
            json!({"trackNamedPages": false, "trackCategorizedPages": false}),
            None,
            None,
        ),
    ];
    for (input, page, screen) in cases {
        let subs = subscriptions(&settings(input.clone()), MigrationOptions::default());
        assert_eq!(
            sub(&subs, "Page Calls").map(|s| s.trigger.as_str()),
            *page,
            "{input}"
        );
        assert_eq!(
            sub(&subs, "Screen Calls").map(|s| s.trigger.as_str()),
            *screen,
            "{input}"
        );
    }
}

#[test]
fn generated_subscriptions_start_from_the_presets() {
    let defaults = subscriptions(&ClassicSettings::default(), MigrationOptions::default());
    let names: Vec<&str> = defaults
        .iter()
        .map(|g| g.subscription.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Track Calls",
            "Order Completed Calls",
            "Page Calls",
            "Screen Calls",
            "Identify Calls",
            "Group Calls"
        ]
    );
    let track = sub(&defaults, "Track Calls").unwrap();
    let preset = presets::by_name("Track Calls").unwrap().subscription();
    assert_eq!(
        track, &preset,
        "untouched preset when the settings are defaults"
    );
    let page = sub(&defaults, "Page Calls").unwrap();
    assert_eq!(
        page.mapping["event_type"],
        json!({"@template": "Viewed {{name}}"})
    );
    let group = sub(&defaults, "Group Calls").unwrap();
    assert_eq!(group.action, "groupIdentifyUser");
    assert_eq!(group.mapping["group_type"], json!("[Segment] Group"));
    assert_eq!(group.mapping["group_value"], json!({"@path": "$.groupId"}));
    assert_eq!(
        group.mapping["group_properties"],
        json!({"@path": "$.traits"})
    );

    let s = settings(
        json!({"sendAlias": true, "sendToBatchEndpoint": true, "preferAnonymousIdForDeviceId": true,
        "trackRevenuePerProduct": true, "groupTypeTrait": "kind", "groupValueTrait": "name"}),
    );
    let subs = subscriptions(
        &s,
        MigrationOptions {
            keep_classic_page_names: true,
        },
    );
    let alias = sub(&subs, "Alias Calls").unwrap();
    assert_eq!(alias.action, "mapUser");
    assert_eq!(alias.trigger, "type = \"alias\"");
    assert_eq!(alias.mapping["user_id"], json!({"@path": "$.previousId"}));
    for name in [
        "Track Calls",
        "Order Completed Calls",
        "Page Calls",
        "Screen Calls",
    ] {
        let m = &sub(&subs, name).unwrap().mapping;
        assert_eq!(m["use_batch_endpoint"], json!(true), "{name}");
        assert_eq!(
            m["device_id"]["@if"]["then"],
            json!({"@path": "$.anonymousId"}),
            "{name}"
        );
    }
    assert_eq!(
        sub(&subs, "Identify Calls").unwrap().mapping["device_id"]["@if"]["exists"],
        json!({"@path": "$.anonymousId"})
    );
    assert_eq!(
        sub(&subs, "Order Completed Calls").unwrap().mapping["trackRevenuePerProduct"],
        json!(true)
    );
    let g = sub(&subs, "Group Calls").unwrap();
    assert_eq!(g.mapping["group_type"], json!({"@path": "$.traits.kind"}));
    assert_eq!(g.mapping["group_value"], json!({"@path": "$.traits.name"}));
    let page = sub(&subs, "Page Calls").unwrap();
    assert_eq!(
        page.mapping["event_type"]["@if"]["then"]["@if"]["then"],
        json!({"@template": "Viewed {{category}} {{name}} Page"})
    );
    assert_eq!(
        page.mapping["event_type"]["@if"]["else"],
        json!("Loaded a Page")
    );
    let screen = sub(&subs, "Screen Calls").unwrap();
    assert_eq!(
        screen.mapping["event_type"]["@if"]["then"]["@if"]["else"],
        json!({"@template": "Viewed {{name}} Screen"})
    );
}
