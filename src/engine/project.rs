//! The project document: settings without secrets, subscriptions, event sets.

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
