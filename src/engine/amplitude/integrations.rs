//! The Segment `integrations` object of an event: Segment leaves a destination out when the
//! event turns it off there (`"Actions Amplitude": false`, or `"All": false` without turning
//! it back on). The destination's code never sees such an event; the previews say so.

use serde_json::Value;

/// The names Segment's documentation gives this destination in the `integrations` object.
pub const NAMES: [&str; 2] = ["Actions Amplitude", "Amplitude (Actions)"];

/// Why Segment would not deliver `event` to Amplitude (Actions), when its `integrations`
/// object says so.
pub fn not_delivered_because(event: &Value) -> Option<String> {
    let Some(Value::Object(integrations)) = event.get("integrations") else {
        return None;
    };
    let named = NAMES
        .iter()
        .find_map(|n| integrations.get(*n).map(|v| (*n, v)));
    match named {
        // A setting for the destination itself decides (an object, such as the session
        // plugin's `{"session_id": …}`, turns it on).
        Some((name, v)) if !crate::engine::mapping::path::json_truthy(v) => Some(format!(
            "the event's integrations object turns \"{name}\" off ({})",
            crate::engine::js::stringify(v)
        )),
        Some(_) => None,
        None if integrations.get("All") == Some(&Value::Bool(false)) => Some(
            "the event's integrations object has \"All\": false and does not turn \"Actions \
             Amplitude\" on"
                .to_string(),
        ),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_destination_is_left_out_only_when_the_event_says_so() {
        for (integrations, left_out) in [
            (json!(null), false),
            (json!({}), false),
            (json!({"All": true}), false),
            (json!({"All": false}), true),
            (json!({"All": false, "Actions Amplitude": true}), false),
            (
                json!({"All": false, "Actions Amplitude": {"session_id": 1714564800000i64}}),
                false,
            ),
            (json!({"Actions Amplitude": false}), true),
            (json!({"All": true, "Amplitude (Actions)": false}), true),
            (json!({"All": false, "Amplitude": true}), true),
            (json!({"Amplitude": false}), false),
        ] {
            let event = json!({"type": "track", "event": "x", "integrations": integrations});
            assert_eq!(
                not_delivered_because(&event).is_some(),
                left_out,
                "{integrations}"
            );
        }
        assert!(not_delivered_because(&json!({"type": "track"})).is_none());
        assert_eq!(
            not_delivered_because(&json!({"integrations": {"Actions Amplitude": false}}))
                .as_deref(),
            Some("the event's integrations object turns \"Actions Amplitude\" off (false)")
        );
    }
}
