use super::*;
use serde_json::json;

fn settings(v: Value) -> ClassicSettings {
    ClassicSettings::from_json(&v).unwrap().settings
}

fn only_payload(s: &ClassicSettings, ev: Value) -> String {
    let out = cloud_requests(s, &ev);
    assert_eq!(out.requests.len(), 1, "{out:?}");
    js::stringify(&out.requests[0].payload)
}

#[test]
fn order_completed_regex() {
    for (name, want) in [
        ("Order Completed", true),
        ("order_completed", true),
        ("Completed Order", true),
        ("completed order extra", true),
        (" order completed ", true),
        ("Order Completed Twice", false),
        ("Order Refunded", false),
    ] {
        assert_eq!(is_order_completed(name), want, "{name}");
    }
}

#[test]
fn trait_operations_split_into_set_and_operations() {
    let s = settings(
        json!({"traitsToIncrement": ["logins"], "traitsToSetOnce": ["first"], "traitsToAppend": ["tags"], "traitsToPrepend": ["recent"]}),
    );
    let props = json!({"logins": 1, "first": "a", "tags": ["x"], "recent": "r", "plan": "pro"});
    let got = trait_operations(&s, props.as_object().unwrap()).unwrap();
    assert_eq!(
        js::stringify(&Value::Object(got)),
        r#"{"$set":{"plan":"pro"},"$setOnce":{"first":"a"},"$add":{"logins":1},"$append":{"tags":["x"]},"$prepend":{"recent":"r"}}"#
    );
    let none = json!({"plan": "pro"});
    assert!(trait_operations(&s, none.as_object().unwrap()).is_none());
}

#[test]
fn js_object_keeps_first_positions_and_rejects_empty_members() {
    let mut o = JsObj::default();
    o.set("a", None);
    o.set("b", Some(json!(1)));
    o.set("c", Some(Value::Null));
    o.set("a", Some(json!(2)));
    o.reject();
    o.set("d", None);
    assert_eq!(js::stringify(&o.into_value()), r#"{"a":2,"b":1}"#);
}

#[test]
fn the_form_body_is_the_raw_key_and_the_encoded_json() {
    let s = settings(json!({"apiKey": "KEY 1"}));
    let out = cloud_requests(
        &s,
        &json!({"type": "track", "event": "A b", "userId": "u1", "timestamp": "2014"}),
    );
    let r = &out.requests[0].request;
    assert_eq!(r.url, "https://api.amplitude.com/httpapi");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        r.body,
        "api_key=KEY 1&event=%7B%22user_id%22%3A%22u1%22%2C%22time%22%3A1388534400000%2C%22library%22%3A%22segment%22%2C%22user_properties%22%3A%7B%22id%22%3A%22u1%22%7D%2C%22event_type%22%3A%22A%20b%22%2C%22event_properties%22%3A%7B%7D%7D"
    );
    assert_eq!(
        only_payload(
            &s,
            json!({"type": "track", "event": "A b", "userId": "u1", "timestamp": "2014"})
        ),
        r#"{"user_id":"u1","time":1388534400000,"library":"segment","user_properties":{"id":"u1"},"event_type":"A b","event_properties":{}}"#
    );
}
