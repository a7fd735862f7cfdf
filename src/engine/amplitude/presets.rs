//! The destination's presets: the subscriptions Segment creates automatically.

use serde_json::{Map, Value};

use super::actions::ActionKind;
use super::definitions::{PresetDef, definitions};
use crate::engine::project::Subscription;

/// Why a preset is not run in cloud mode.
pub const BROWSER_ONLY_NOTE: &str = "runs in the browser, not in cloud mode";

/// One preset, with whether it runs in cloud mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub def: &'static PresetDef,
    /// The cloud action it uses; `None` for the browser session plugin (`sessionId`).
    pub action: Option<ActionKind>,
}

impl Preset {
    /// `None` when it runs in cloud mode, else why not.
    pub fn not_cloud_note(&self) -> Option<&'static str> {
        match self.action {
            Some(_) => None,
            None => Some(BROWSER_ONLY_NOTE),
        }
    }

    /// The preset as an enabled subscription.
    pub fn subscription(&self) -> Subscription {
        Subscription {
            name: self.def.name.clone(),
            enabled: true,
            action: self.def.partner_action.clone(),
            trigger: self.def.subscribe.clone(),
            mapping: self.def.mapping.clone(),
        }
    }
}

/// All six presets, in the reference's order (five cloud presets and the browser
/// "Browser Session Tracking").
pub fn all() -> Vec<Preset> {
    definitions()
        .presets
        .iter()
        .map(|def| Preset {
            def,
            action: ActionKind::from_key(&def.partner_action),
        })
        .collect()
}

/// The preset with this name.
pub fn by_name(name: &str) -> Option<Preset> {
    all().into_iter().find(|p| p.def.name == name)
}

/// The five cloud presets as subscriptions (what `replay` runs by default).
pub fn cloud_subscriptions() -> Vec<Subscription> {
    all()
        .iter()
        .filter(|p| p.action.is_some())
        .map(Preset::subscription)
        .collect()
}

/// `defaultValues(fields)` of an action: the mapping of a new subscription.
pub fn default_mapping(action: ActionKind) -> Map<String, Value> {
    action
        .definition()
        .map(|d| d.default_mapping.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_cloud_presets_and_one_browser_preset() {
        let all = all();
        let names: Vec<&str> = all.iter().map(|p| p.def.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Track Calls",
                "Order Completed Calls",
                "Page Calls",
                "Screen Calls",
                "Identify Calls",
                "Browser Session Tracking"
            ]
        );
        let cloud = cloud_subscriptions();
        assert_eq!(cloud.len(), 5);
        assert_eq!(
            cloud[0].trigger,
            "type = \"track\" and event != \"Order Completed\""
        );
        assert_eq!(
            cloud[2].mapping["event_type"]["@template"],
            "Viewed {{name}}"
        );
        let session = by_name("Browser Session Tracking").unwrap();
        assert_eq!(session.not_cloud_note(), Some(BROWSER_ONLY_NOTE));
        assert_eq!(
            by_name("Track Calls").unwrap().action,
            Some(ActionKind::LogEventV2)
        );
        assert_eq!(default_mapping(ActionKind::MapUser).len(), 2);
    }
}
