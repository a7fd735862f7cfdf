//! Subscriptions in the shape Segment's Public API gives them (`name`, `actionSlug`, `enabled`,
//! `trigger` in FQL, `settings` = the field mapping), so a configuration can be reviewed in
//! git, re-applied, or brought in from a workspace. The shape Segment's actions framework takes
//! in a destination's `subscriptions` setting (`subscribe`, `partnerAction`, `mapping`: its
//! presets, tests and the conformance cases use it) reads too.

use serde_json::{Map, Value};

use super::Subscription;
use crate::engine::amplitude::actions::ActionKind;
use crate::engine::js::utf16;

/// Subscriptions read from a Segment configuration, and what could not be taken as it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub subscriptions: Vec<Subscription>,
    /// One sentence per subscription skipped or changed, naming it.
    pub problems: Vec<String>,
}

/// The subscriptions as JSON text: `{"subscriptions": [...]}`, each with the Public API's
/// keys. `actionSlug` carries the action's key (`logEventV2`); Segment's create call also
/// wants the action's id, which depends on the workspace.
pub fn to_segment_json(subs: &[Subscription]) -> String {
    let list: Vec<Value> = subs
        .iter()
        .map(|s| {
            let mut o = Map::new();
            o.insert("name".into(), Value::String(s.name.clone()));
            o.insert("actionSlug".into(), Value::String(s.action.clone()));
            o.insert("enabled".into(), Value::Bool(s.enabled));
            o.insert("trigger".into(), Value::String(s.trigger.clone()));
            o.insert("settings".into(), Value::Object(s.mapping.clone()));
            Value::Object(o)
        })
        .collect();
    let mut doc = Map::new();
    doc.insert("subscriptions".into(), Value::Array(list));
    let text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default();
    let mut text = utf16::shown(&text).into_owned();
    text.push('\n');
    text
}

/// Reads subscriptions from what the Public API returns for a destination's subscriptions
/// (`{"data": {"subscriptions": [...]}}`, or one `subscription`), from what
/// [`to_segment_json`] writes, or from a bare list or a single subscription object.
pub fn from_segment_json(text: &str) -> Result<Imported, String> {
    let value = utf16::parse_json(text).map_err(|e| format!("not valid JSON ({})", e.located()))?;
    let items = find_list(&value, 0).ok_or(
        "no subscriptions found: expected a list of subscriptions, an object with \
         \"subscriptions\" (as the Segment Public API returns them) or one subscription",
    )?;
    let mut out = Imported {
        subscriptions: Vec::new(),
        problems: Vec::new(),
    };
    for (i, item) in items.iter().enumerate() {
        match read_one(item, i) {
            Ok((s, note)) => {
                out.problems.extend(note);
                out.subscriptions.push(s);
            }
            Err(p) => out.problems.push(p),
        }
    }
    Ok(out)
}

/// The subscriptions inside `v`, looked for through `data` wrappers.
fn find_list(v: &Value, depth: usize) -> Option<Vec<&Value>> {
    match v {
        Value::Array(items) => Some(items.iter().collect()),
        Value::Object(o) if depth < 4 => {
            if let Some(Value::Array(items)) = o.get("subscriptions") {
                Some(items.iter().collect())
            } else if let Some(one @ Value::Object(_)) = o.get("subscription") {
                Some(vec![one])
            } else if let Some(data) = o.get("data") {
                find_list(data, depth + 1)
            } else if o.contains_key("trigger") || o.contains_key("subscribe") {
                Some(vec![v])
            } else {
                None
            }
        }
        _ => None,
    }
}

/// One subscription (the `i`th, counted from 0), and a note when something was assumed.
fn read_one(item: &Value, i: usize) -> Result<(Subscription, Option<String>), String> {
    let place = |name: Option<&str>| match name {
        Some(n) => format!("subscription {} (\"{n}\")", i + 1),
        None => format!("subscription {}", i + 1),
    };
    let Value::Object(o) = item else {
        return Err(format!("{}: not an object; skipped", place(None)));
    };
    let name = o.get("name").and_then(Value::as_str);
    let at = place(name);
    let action = ["actionSlug", "action", "partnerAction"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str))
        .ok_or_else(|| format!("{at}: no \"actionSlug\" naming its action; skipped"))?;
    if ActionKind::from_key(action).is_none() {
        let known: Vec<&str> = ActionKind::ALL.iter().map(|a| a.key()).collect();
        return Err(format!(
            "{at}: \"{action}\" is not an Amplitude (Actions) cloud action ({}); skipped",
            known.join(", ")
        ));
    }
    let trigger = match o.get("trigger").or_else(|| o.get("subscribe")) {
        Some(Value::String(t)) => t.clone(),
        _ => return Err(format!("{at}: no \"trigger\" (FQL text); skipped")),
    };
    let (mapping, note) = match o.get("settings").or_else(|| o.get("mapping")) {
        Some(Value::Object(m)) => (m.clone(), None),
        None | Some(Value::Null) => (
            Map::new(),
            Some(format!(
                "{at}: no \"settings\": imported with an empty mapping"
            )),
        ),
        Some(_) => return Err(format!("{at}: \"settings\" is not an object; skipped")),
    };
    let enabled = match o.get("enabled") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(format!("{at}: \"enabled\" is not true or false; skipped")),
    };
    Ok((
        Subscription {
            name: name.map_or_else(|| format!("Imported subscription {}", i + 1), String::from),
            enabled,
            action: action.to_string(),
            trigger,
            mapping,
        },
        note,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sub(name: &str, action: &str, enabled: bool) -> Subscription {
        let mut mapping = Map::new();
        mapping.insert("user_id".into(), json!({"@path": "$.userId"}));
        mapping.insert("event_type".into(), json!("Zürich \u{1F680}"));
        Subscription {
            name: name.into(),
            enabled,
            action: action.into(),
            trigger: "type = \"track\" and event = \"Order Completed\"".into(),
            mapping,
        }
    }

    /// What is written reads back as it was, key order of the mappings included.
    #[test]
    fn written_subscriptions_read_back_unchanged() {
        let subs = vec![
            sub("Orders", "logPurchase", true),
            sub("Off", "identifyUser", false),
        ];
        let text = to_segment_json(&subs);
        assert!(text.contains("\"actionSlug\": \"logPurchase\""), "{text}");
        let back = from_segment_json(&text).unwrap();
        assert_eq!(back.subscriptions, subs);
        assert!(back.problems.is_empty());
    }

    /// The Public API's answers (the list, one subscription, wrapped twice as some clients
    /// save them), bare lists and single objects all read; ids the API adds are ignored.
    #[test]
    fn the_public_api_shapes_read() {
        let one = json!({
            "id": "eoeXaMeAYcB2XvEApJDrQs", "name": "Track Calls", "actionId": "uD9jEQ4DxJZzhzVqppM7UD",
            "actionSlug": "logEventV2", "destinationId": "fP7qoQw2HTWt9WdMr718gn", "modelId": "",
            "enabled": true, "trigger": "type = \"track\"", "settings": {"user_id": {"@path": "$.userId"}}
        });
        for doc in [
            json!({"data": {"subscriptions": [one], "pagination": {"current": "MA==", "totalEntries": 1}}}),
            json!({"data": {"data": {"subscription": one}}}),
            json!([one]),
            one.clone(),
        ] {
            let got = from_segment_json(&doc.to_string()).unwrap();
            assert_eq!(got.subscriptions.len(), 1, "{doc}");
            let s = &got.subscriptions[0];
            assert_eq!(
                (s.name.as_str(), s.action.as_str(), s.trigger.as_str()),
                ("Track Calls", "logEventV2", "type = \"track\"")
            );
            assert_eq!(s.mapping["user_id"], json!({"@path": "$.userId"}));
        }
    }

    /// The actions framework's shape (a destination's `subscriptions` setting, its presets).
    #[test]
    fn the_frameworks_shape_reads() {
        let doc = json!([{
            "name": "Track Calls", "subscribe": "type = \"track\"", "partnerAction": "logEventV2",
            "mapping": {"user_id": {"@path": "$.userId"}}, "enabled": true
        }]);
        let got = from_segment_json(&doc.to_string()).unwrap();
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let s = &got.subscriptions[0];
        assert_eq!(
            (s.action.as_str(), s.trigger.as_str()),
            ("logEventV2", "type = \"track\"")
        );
        assert_eq!(s.mapping["user_id"], json!({"@path": "$.userId"}));
        let one = from_segment_json(&doc[0].to_string()).unwrap();
        assert_eq!(one.subscriptions, got.subscriptions);
    }

    /// A JSON error is placed by line and character column, once.
    #[test]
    fn broken_json_is_located_once() {
        let err = from_segment_json("[{\"name\": \"Zürich\", x}]").unwrap_err();
        assert_eq!(
            err,
            "not valid JSON (line 1, column 21: key must be a string)"
        );
    }

    /// Each subscription that cannot be taken is named with why; the others still come.
    #[test]
    fn bad_subscriptions_are_skipped_and_named() {
        let doc = json!({"subscriptions": [
            {"name": "Good", "actionSlug": "logEvent", "trigger": "type = \"page\"", "settings": {}},
            {"name": "Browser", "actionSlug": "sessionId", "trigger": "type = \"track\"", "settings": {}},
            {"name": "No trigger", "actionSlug": "logEvent", "settings": {}},
            {"actionSlug": "mapUser", "trigger": "type = \"alias\""},
            {"name": "Bad settings", "actionSlug": "logEvent", "trigger": "type = \"track\"", "settings": [1]},
            {"name": "Maybe", "actionSlug": "logEvent", "trigger": "type = \"track\"", "enabled": "yes"},
            "a string",
        ]});
        let got = from_segment_json(&doc.to_string()).unwrap();
        let names: Vec<&str> = got.subscriptions.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Good", "Imported subscription 4"]);
        assert_eq!(
            got.problems,
            [
                format!(
                    "subscription 2 (\"Browser\"): \"sessionId\" is not an Amplitude (Actions) \
                     cloud action ({}); skipped",
                    ActionKind::ALL.map(ActionKind::key).join(", ")
                ),
                "subscription 3 (\"No trigger\"): no \"trigger\" (FQL text); skipped".to_string(),
                "subscription 4: no \"settings\": imported with an empty mapping".to_string(),
                "subscription 5 (\"Bad settings\"): \"settings\" is not an object; skipped"
                    .to_string(),
                "subscription 6 (\"Maybe\"): \"enabled\" is not true or false; skipped".to_string(),
                "subscription 7: not an object; skipped".to_string(),
            ]
        );
        assert!(
            from_segment_json("{\"x\": 1}")
                .unwrap_err()
                .starts_with("no subscriptions")
        );
        assert!(
            from_segment_json("{\"subscriptions\": [")
                .unwrap_err()
                .starts_with("not valid JSON (line 1")
        );
    }
}
