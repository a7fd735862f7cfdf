//! The destination's settings fields, actions and presets as data the app can show, read from
//! the definitions dumped from the reference (`assets/amplitude-definitions.json`).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The reference's definitions dump, embedded so the app works from any directory.
pub const DEFINITIONS_JSON: &str = include_str!("../../../assets/amplitude-definitions.json");

/// One choice of a field with `choices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    pub value: Value,
}

/// One field of an action (or of the settings), with its nested properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    /// `string`, `number`, `integer`, `boolean`, `object`, `datetime`, `password`.
    #[serde(rename = "type")]
    pub field_type: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default, rename = "allowNull")]
    pub allow_null: bool,
    #[serde(default)]
    pub multiple: bool,
    /// The default mapping value (a literal or a directive).
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub format: Option<String>,
    /// Unknown keys are kept (true) or silently dropped by validation (false).
    #[serde(default, rename = "additionalProperties")]
    pub additional_properties: bool,
    #[serde(default, rename = "defaultObjectUI")]
    pub default_object_ui: Option<String>,
    /// Hidden in Segment's UI (`library` of the event actions).
    #[serde(default, rename = "unsafe_hidden")]
    pub hidden: bool,
    /// UI visibility rule (no runtime effect).
    #[serde(default)]
    pub depends_on: Option<Value>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub properties: Vec<FieldDef>,
}

/// One action of the destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionDef {
    pub key: String,
    pub title: String,
    pub description: String,
    #[serde(rename = "defaultSubscription")]
    pub default_subscription: String,
    pub fields: Vec<FieldDef>,
    /// Every field that has a default, in field order (`defaultValues(fields)`).
    pub default_mapping: Map<String, Value>,
    /// The JSON schema the framework validates the payload against.
    pub json_schema: Value,
}

impl ActionDef {
    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// One preset (a subscription Segment creates automatically).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresetDef {
    pub name: String,
    /// The trigger in FQL.
    pub subscribe: String,
    #[serde(rename = "partnerAction")]
    pub partner_action: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub mapping: Map<String, Value>,
}

/// The settings section of the dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthenticationDef {
    pub scheme: String,
    pub fields: Vec<FieldDef>,
    pub settings_json_schema: Value,
}

/// The whole dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definitions {
    pub name: String,
    pub slug: String,
    pub mode: String,
    pub authentication: AuthenticationDef,
    pub presets: Vec<PresetDef>,
    pub actions: Vec<ActionDef>,
}

impl Definitions {
    /// The action with this key (`logEventV2`, …); `None` for non-cloud actions (`sessionId`).
    pub fn action(&self, key: &str) -> Option<&ActionDef> {
        self.actions.iter().find(|a| a.key == key)
    }

    /// The preset with this name.
    pub fn preset(&self, name: &str) -> Option<&PresetDef> {
        self.presets.iter().find(|p| p.name == name)
    }
}

/// The definitions, parsed once.
pub fn definitions() -> &'static Definitions {
    static DEFS: OnceLock<Definitions> = OnceLock::new();
    DEFS.get_or_init(|| match serde_json::from_str(DEFINITIONS_JSON) {
        Ok(d) => d,
        // The file is embedded and checked by the tests, so this cannot happen in a build
        // that passed them; an empty set keeps the app alive rather than panicking.
        Err(_) => Definitions {
            name: String::new(),
            slug: String::new(),
            mode: String::new(),
            authentication: AuthenticationDef {
                scheme: String::new(),
                fields: Vec::new(),
                settings_json_schema: Value::Null,
            },
            presets: Vec::new(),
            actions: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_parses_into_six_actions_and_six_presets() {
        let d: Definitions = serde_json::from_str(DEFINITIONS_JSON).unwrap();
        assert_eq!(d.name, "Actions Amplitude");
        let keys: Vec<&str> = d.actions.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "logEvent",
                "identifyUser",
                "mapUser",
                "groupIdentifyUser",
                "logPurchase",
                "logEventV2"
            ]
        );
        assert_eq!(d.presets.len(), 6);
        let v2 = definitions().action("logEventV2").unwrap();
        let event_type = v2.field("event_type").unwrap();
        assert!(event_type.required);
        assert_eq!(event_type.label, "Event Type");
        let lib2 = v2.field("library2").unwrap();
        assert_eq!(lib2.properties.len(), 2);
        assert_eq!(lib2.properties[0].choices.len(), 2);
        assert!(v2.field("library").unwrap().hidden);
        assert!(v2.field("user_id").unwrap().allow_null);
        assert!(v2.field("products").unwrap().multiple);
        // `defaultValues(fields)`: fields with a default, in field order.
        let with_default: Vec<&str> = v2
            .fields
            .iter()
            .filter(|f| f.default.is_some())
            .map(|f| f.key.as_str())
            .collect();
        let mapping_keys: Vec<&str> = v2.default_mapping.keys().map(String::as_str).collect();
        assert_eq!(with_default, mapping_keys);
        assert_eq!(definitions().authentication.fields.len(), 3);
    }
}
