//! The live preview, memoised on its inputs: (event rev, subscription rev, settings rev).
//! Typing in any editor bumps one of them; everything else is served from the cache.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::engine_glue::{self, RunOutcome, RunSettings};
use crate::engine::project::Subscription;

/// The revisions a cached outcome is computed from (with the run settings, which the cache
/// compares).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub event_rev: u64,
    pub subs_rev: u64,
}

/// All subscriptions run on one event (index-aligned with the subscription list; disabled ones
/// are `None`).
#[derive(Debug, Clone, Default)]
pub struct EventOutcome {
    pub runs: Vec<Option<RunOutcome>>,
    /// The disabled subscriptions whose trigger matches the event (not run: they send
    /// nothing, but "no subscription matches" would be untrue of them).
    pub off_matching: Vec<usize>,
}

impl EventOutcome {
    /// Indices of the subscriptions whose trigger matched.
    pub fn matched(&self) -> impl Iterator<Item = usize> + '_ {
        self.runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.as_ref().is_some_and(|r| r.matched))
            .map(|(i, _)| i)
    }

    /// Count of runs that ended in an error (trigger or validation).
    pub fn errors(&self) -> usize {
        self.failed().count()
    }

    /// The subscriptions (by index) whose trigger or run failed on the event.
    pub fn failed(&self) -> impl Iterator<Item = usize> + '_ {
        self.runs.iter().enumerate().filter_map(|(i, r)| {
            r.as_ref()
                .filter(|r| r.error.is_some() || r.trigger_error.is_some())
                .map(|_| i)
        })
    }
}

/// Runs every enabled subscription on one event (the "one keystroke" unit of work).
pub fn evaluate(subs: &[Subscription], event: &Value, settings: &RunSettings) -> EventOutcome {
    EventOutcome {
        runs: subs
            .iter()
            .map(|s| {
                s.enabled
                    .then(|| engine_glue::run_subscription(s, event, settings))
            })
            .collect(),
        off_matching: (0..subs.len())
            .filter(|&i| {
                // Matched as a run matches (no explanation needed).
                !subs[i].enabled
                    && crate::engine::trigger::parse(&subs[i].trigger)
                        .is_ok_and(|fql| fql.evaluate(event).unwrap_or(false))
            })
            .collect(),
    }
}

/// A cache of outcomes; entries whose subscription revision is stale, or that were built with
/// other run settings, are dropped in bulk, so it never grows past the events actually looked
/// at since the last edit.
#[derive(Default)]
pub struct PreviewCache {
    map: HashMap<u64, Arc<EventOutcome>>,
    subs_rev: u64,
    /// What the outcomes were built with: the region (the document's settings) and the keys,
    /// which are in every request body but not in the document (no revision counts their
    /// edits), so they are compared rather than counted.
    settings: RunSettings,
    /// How many evaluations ran (tests check memoisation with it).
    pub computed: u64,
}

impl PreviewCache {
    /// The outcome for an event, computing it only when the key is new.
    pub fn get(
        &mut self,
        key: Key,
        subs: &[Subscription],
        event: &Value,
        settings: &RunSettings,
    ) -> Arc<EventOutcome> {
        if key.subs_rev != self.subs_rev || *settings != self.settings {
            self.map.clear();
            self.subs_rev = key.subs_rev;
            self.settings = settings.clone();
        }
        if self.map.len() > 50_000 {
            self.map.clear();
        }
        let computed = &mut self.computed;
        self.map
            .entry(key.event_rev)
            .or_insert_with(|| {
                *computed += 1;
                Arc::new(evaluate(subs, event, settings))
            })
            .clone()
    }
}

/// A warning that one event produces more than one Amplitude event (double counting).
#[derive(Debug, Clone, PartialEq)]
pub struct DoubleSend {
    /// The subscriptions that all send the event.
    pub subs: Vec<usize>,
    /// A subscription the fix would add a condition to, and the condition.
    pub fix: Option<(usize, String)>,
}

/// Actions that send an event to Amplitude (identify/group/alias calls do not count).
const EVENT_ACTIONS: [&str; 3] = ["logEvent", "logEventV2", "logPurchase"];

/// Detects one event sent as several Amplitude events. The fix excludes the event's name from
/// the trigger of the subscription that is not a purchase (Log Purchase keeps revenue right).
pub fn double_send(
    subs: &[Subscription],
    event: &Value,
    outcome: &EventOutcome,
) -> Option<DoubleSend> {
    let senders: Vec<usize> = outcome
        .matched()
        .filter(|&i| {
            subs.get(i)
                .is_some_and(|s| EVENT_ACTIONS.contains(&s.action.as_str()))
        })
        .collect();
    if senders.len() < 2 {
        return None;
    }
    let name = event.get("event").and_then(Value::as_str);
    let purchase = senders
        .iter()
        .any(|&i| subs.get(i).is_some_and(|s| s.action == "logPurchase"));
    let fix = name.and_then(|n| {
        let target = senders.iter().copied().find(|&i| {
            subs.get(i)
                .is_some_and(|s| !purchase || s.action != "logPurchase")
        })?;
        Some((target, format!("event != \"{n}\"")))
    });
    Some(DoubleSend { subs: senders, fix })
}

/// The trigger with one more condition joined by `and` (wrapped in parentheses when the trigger
/// is an `or` group so the meaning stays the same).
pub fn add_condition(trigger: &str, condition: &str) -> String {
    let t = trigger.trim();
    if t.is_empty() {
        condition.to_string()
    } else if t.contains(" or ") {
        format!("({t}) and {condition}")
    } else {
        format!("{t} and {condition}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sub(action: &str, trigger: &str) -> Subscription {
        Subscription {
            name: action.into(),
            enabled: true,
            action: action.into(),
            trigger: trigger.into(),
            mapping: serde_json::Map::new(),
        }
    }

    fn run(matched: bool) -> Option<RunOutcome> {
        Some(RunOutcome {
            matched,
            ..RunOutcome::default()
        })
    }

    #[test]
    fn double_send_is_flagged_with_a_fix_on_the_non_purchase_trigger() {
        let subs = vec![
            sub("logEventV2", "type = \"track\""),
            sub("logPurchase", "event = \"Order Completed\""),
            sub("identifyUser", "type = \"identify\""),
        ];
        let event = json!({"type": "track", "event": "Order Completed"});
        let outcome = EventOutcome {
            runs: vec![run(true), run(true), run(true)],
            off_matching: Vec::new(),
        };
        let d = double_send(&subs, &event, &outcome);
        assert_eq!(
            d,
            Some(DoubleSend {
                subs: vec![0, 1],
                fix: Some((0, "event != \"Order Completed\"".into()))
            })
        );
        let single = EventOutcome {
            runs: vec![run(false), run(true), run(true)],
            off_matching: Vec::new(),
        };
        assert_eq!(double_send(&subs, &event, &single), None);
    }

    #[test]
    fn conditions_are_added_keeping_meaning() {
        let cases = [
            ("type = \"track\"", "type = \"track\" and X"),
            (
                "type = \"a\" or type = \"b\"",
                "(type = \"a\" or type = \"b\") and X",
            ),
            ("", "X"),
        ];
        for (t, want) in cases {
            assert_eq!(add_condition(t, "X"), want);
        }
    }

    #[test]
    fn cache_recomputes_only_on_new_keys() {
        let subs = vec![sub("logEventV2", "type = \"track\"")];
        let settings = RunSettings::default();
        let event = json!({"type": "track", "event": "A"});
        let mut cache = PreviewCache::default();
        let k = |e, s| Key {
            event_rev: e,
            subs_rev: s,
        };
        cache.get(k(1, 0), &subs, &event, &settings);
        cache.get(k(1, 0), &subs, &event, &settings);
        assert_eq!(cache.computed, 1);
        cache.get(k(2, 0), &subs, &event, &settings);
        cache.get(k(1, 0), &subs, &event, &settings);
        assert_eq!(cache.computed, 2);
        cache.get(k(1, 1), &subs, &event, &settings);
        assert_eq!(cache.computed, 3);
    }

    #[test]
    fn cache_recomputes_when_the_keys_change() {
        let mut track = sub("logEventV2", "type = \"track\"");
        track.mapping = crate::app::engine_glue::default_mapping("logEventV2");
        let subs = vec![track];
        let event = json!({"type": "track", "event": "A", "userId": "u1"});
        let key = Key {
            event_rev: 1,
            subs_rev: 0,
        };
        let with_key = |api_key: &str| RunSettings {
            api_key: api_key.into(),
            region: "north_america".into(),
            ..RunSettings::default()
        };
        let body = |o: &EventOutcome| {
            let run = o.runs[0].as_ref().unwrap();
            run.requests[0].body.clone()
        };
        let mut cache = PreviewCache::default();
        let before = cache.get(key, &subs, &event, &with_key("YOUR_API_KEY"));
        assert!(body(&before).contains("\"api_key\":\"YOUR_API_KEY\""));
        // The key typed in the settings (not a document edit: no revision moves).
        let after = cache.get(key, &subs, &event, &with_key("key-typed-later"));
        assert_eq!(cache.computed, 2);
        assert!(body(&after).contains("\"api_key\":\"key-typed-later\""));
    }
}
