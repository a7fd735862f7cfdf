//! The payload `perform()` receives, as the actions read it: its members in order, each
//! borrowed from the event (or the mapping) where the framework would pass it through
//! unchanged, owned where something was computed.
//!
//! Building a `serde_json::Map` per event (a copied string and a hashed key per member, then
//! freeing it all) was a third of the replay profile; the actions only look members up, so
//! they read this instead and the map is made only when someone wants to see it.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// A payload: members in the order `perform()` sees them, no key twice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionPayload<'a> {
    members: Vec<(&'a str, Cow<'a, Value>)>,
    /// Root members whose value is `Infinity` or `-Infinity` (`null` in `members`, which are
    /// JSON values); the actions compute with the number.
    non_finite: Vec<(&'a str, f64)>,
}

impl<'a> ActionPayload<'a> {
    /// A payload of `members` (keys unique, in order).
    pub(crate) fn from_members(members: Vec<(&'a str, Cow<'a, Value>)>) -> ActionPayload<'a> {
        ActionPayload {
            members,
            non_finite: Vec::new(),
        }
    }

    /// A payload that borrows every member of `map`.
    pub fn from_map(map: &'a Map<String, Value>) -> ActionPayload<'a> {
        ActionPayload {
            members: map
                .iter()
                .map(|(k, v)| (k.as_str(), Cow::Borrowed(v)))
                .collect(),
            non_finite: Vec::new(),
        }
    }

    /// The payload with these root members known to be non-finite numbers (their JSON value
    /// is `null`).
    pub fn with_non_finite(mut self, members: &'a [(String, f64)]) -> ActionPayload<'a> {
        self.non_finite = members.iter().map(|(k, x)| (k.as_str(), *x)).collect();
        self
    }

    /// `payload[key]` when it is `Infinity` or `-Infinity`.
    pub fn non_finite(&self, key: &str) -> Option<f64> {
        self.non_finite
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, x)| *x)
    }

    /// `payload[key]`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.members
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| &**v)
    }

    /// `key in payload`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Members in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, v)| (*k, &**v))
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when there is no member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The payload as a JSON object (copies every member), objects in JavaScript property
    /// order as the framework hands them over.
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| {
                let v = crate::engine::mapping::JsValue::from_json(v)
                    .into_json()
                    .unwrap_or(Value::Null);
                (k.to_string(), v)
            })
            .collect()
    }
}

/// Read access to an object's members, for helpers that run on the payload and on objects
/// inside it (products).
pub(crate) trait Members {
    fn member(&self, key: &str) -> Option<&Value>;

    /// The member when it is a non-finite number (which a JSON value cannot hold).
    fn non_finite_member(&self, _key: &str) -> Option<f64> {
        None
    }
}

impl Members for ActionPayload<'_> {
    fn member(&self, key: &str) -> Option<&Value> {
        self.get(key)
    }

    fn non_finite_member(&self, key: &str) -> Option<f64> {
        self.non_finite(key)
    }
}

impl Members for Map<String, Value> {
    fn member(&self, key: &str) -> Option<&Value> {
        crate::engine::js::member(self, key)
    }
}
