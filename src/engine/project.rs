//! The project document: settings without secrets, subscriptions, event sets.
//!
//! Pure: the document converts to and from JSON text; reading and writing files is the caller's
//! business (the GUI writes atomically, see `app::document`). Secrets (API key, secret key) are
//! deliberately not part of the document so a project file can be shared or committed.

mod segment;
pub use segment::{Imported, from_segment_json, to_segment_json};

use crate::engine::js::utf16;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One mapping of the destination: a trigger, an action and the action's field mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub name: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The action's key, e.g. `logEventV2`, `identifyUser`.
    pub action: String,
    /// The trigger in FQL, e.g. `type = "track"`.
    pub trigger: String,
    /// Field key → mapping value (a literal, or a directive such as `{"@path": "$.userId"}`).
    pub mapping: Map<String, Value>,
}

fn yes() -> bool {
    true
}

/// The version written into new documents; older versions are upgraded on read.
pub const SCHEMA_VERSION: u32 = 1;

/// Destination settings that are safe to store in a project (no API key, no secret key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectSettings {
    /// `north_america` or `europe`, as the destination's `endpoint` setting.
    #[serde(default = "default_region")]
    pub region: String,
}

fn default_region() -> String {
    "north_america".to_string()
}

impl Default for ProjectSettings {
    fn default() -> Self {
        ProjectSettings {
            region: default_region(),
        }
    }
}

/// One entry of the project's event list: an event stored inline, or a file to load again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProjectEvents {
    /// Events kept in the document itself (edited or added by hand, or from the samples).
    Inline {
        /// A label for the set, e.g. `samples` or `edited`.
        name: String,
        events: Vec<Value>,
    },
    /// A file the events were loaded from, re-read when the project opens.
    File { path: String },
}

/// The whole project document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub schema_version: u32,
    #[serde(default)]
    pub settings: ProjectSettings,
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    #[serde(default)]
    pub events: Vec<ProjectEvents>,
}

impl Default for Project {
    fn default() -> Self {
        Project {
            schema_version: SCHEMA_VERSION,
            settings: ProjectSettings::default(),
            subscriptions: Vec::new(),
            events: Vec::new(),
        }
    }
}

impl Project {
    /// The document as pretty JSON text (stable key order, trailing newline).
    pub fn to_json(&self) -> String {
        let text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string());
        // A lone surrogate (only ever inside a string) is written as JSON's escape for it.
        let mut text = utf16::shown(&text).into_owned();
        text.push('\n');
        text
    }

    /// Whether `v` has the shape of a project document (a `schema_version` number and a
    /// `subscriptions` list): what tells a project dropped among event files from an event.
    pub fn looks_like_project(v: &Value) -> bool {
        v.get("schema_version").is_some_and(Value::is_u64)
            && v.get("subscriptions").is_some_and(Value::is_array)
    }

    /// Reads a document; rejects texts that are not a project or come from a newer version.
    pub fn from_json(text: &str) -> Result<Project, String> {
        let value: Value =
            utf16::parse_json(text).map_err(|e| format!("not valid JSON ({})", e.located()))?;
        let Some(obj) = value.as_object() else {
            return Err("a project file holds one JSON object".to_string());
        };
        match obj.get("schema_version").and_then(Value::as_u64) {
            None => {
                return Err("not an Ampscope project: `schema_version` is missing".to_string());
            }
            Some(v) if v > u64::from(SCHEMA_VERSION) => {
                return Err(format!(
                    "this project was saved by a newer Ampscope (schema version {v}; this one reads up to {SCHEMA_VERSION})"
                ));
            }
            Some(_) => {}
        }
        // Unknown settings keys (an API key pasted by hand, say) are dropped on read: secrets
        // live in the app's own storage only.
        let mut project: Project =
            serde_json::from_value(value).map_err(|e| format!("not a valid project: {e}"))?;
        project.schema_version = SCHEMA_VERSION;
        Ok(project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Keys that must never appear in a project file.
    const SECRET_KEYS: [&str; 4] = ["apiKey", "secretKey", "api_key", "secret_key"];

    /// A saved project has the shape; events (even with a `subscriptions` property) do not.
    #[test]
    fn a_project_is_told_from_an_event() {
        let saved: Value = serde_json::from_str(&sample().to_json()).unwrap();
        assert!(Project::looks_like_project(&saved));
        for event in [
            json!({"type": "track", "event": "Subscribed", "properties": {"subscriptions": []}}),
            json!({"type": "identify", "traits": {"schema_version": 2}, "subscriptions": [1]}),
            json!({"schema_version": "1", "subscriptions": []}),
            json!([1, 2]),
        ] {
            assert!(!Project::looks_like_project(&event), "{event}");
        }
    }

    fn sample() -> Project {
        let mut mapping = Map::new();
        mapping.insert("user_id".into(), json!({"@path": "$.userId"}));
        mapping.insert("event_type".into(), json!({"@path": "$.event"}));
        Project {
            schema_version: SCHEMA_VERSION,
            settings: ProjectSettings {
                region: "europe".into(),
            },
            subscriptions: vec![Subscription {
                name: "Track Calls".into(),
                enabled: false,
                action: "logEventV2".into(),
                trigger: "type = \"track\"".into(),
                mapping,
            }],
            events: vec![
                ProjectEvents::Inline {
                    name: "edited".into(),
                    events: vec![json!({"type": "track", "event": "A"})],
                },
                ProjectEvents::File {
                    path: "events/today.ndjson".into(),
                },
            ],
        }
    }

    #[test]
    fn round_trips_through_json() {
        let p = sample();
        let text = p.to_json();
        assert_eq!(Project::from_json(&text), Ok(p));
    }

    #[test]
    fn lone_surrogates_are_saved_as_escapes_and_read_back() {
        let mut p = sample();
        let lone = utf16::lone(0xD83D);
        p.events = vec![ProjectEvents::Inline {
            name: format!("cut {lone}"),
            events: vec![json!({"type": "track", "event": format!("A{lone}")})],
        }];
        let text = p.to_json();
        assert!(text.contains("\"A\\ud83d\""), "{text}");
        assert!(text.is_ascii());
        assert_eq!(Project::from_json(&text), Ok(p));
    }

    #[test]
    fn mapping_key_order_survives() {
        let text = sample().to_json();
        let a = text.find("\"user_id\"").unwrap_or(usize::MAX);
        let b = text.find("\"event_type\"").unwrap_or(0);
        assert!(a < b, "{text}");
    }

    #[test]
    fn rejects_what_is_not_a_project() {
        let cases = [
            ("[]", "one JSON object"),
            ("{}", "schema_version"),
            ("{\"schema_version\": 99}", "newer Ampscope"),
            (
                "{\"schema_version\": 1, \"subscriptions\": 3}",
                "not a valid project",
            ),
            ("{", "not valid JSON"),
        ];
        for (text, want) in cases {
            match Project::from_json(text) {
                Ok(_) => panic!("{text} was accepted"),
                Err(e) => assert!(e.contains(want), "{text}: {e}"),
            }
        }
    }

    #[test]
    fn secrets_are_never_written() {
        let text = sample().to_json();
        for k in SECRET_KEYS {
            assert!(!text.contains(k), "{k} in {text}");
        }
        let with_secret = r#"{"schema_version":1,"settings":{"region":"europe","apiKey":"K"}}"#;
        let p = Project::from_json(with_secret).unwrap_or_default();
        assert_eq!(p.settings.region, "europe");
        assert!(!p.to_json().contains("\"K\""));
    }

    #[test]
    fn defaults_fill_missing_parts() {
        let p = Project::from_json("{\"schema_version\": 1}").unwrap_or_default();
        assert_eq!(p.settings.region, "north_america");
        assert!(p.subscriptions.is_empty() && p.events.is_empty());
    }
}
