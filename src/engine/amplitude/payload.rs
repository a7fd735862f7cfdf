//! The payload `perform()` receives, as the actions read it: its members in order, each
//! borrowed from the event (or the mapping) where the framework would pass it through
//! unchanged, owned where something was computed.
//!
//! Building a `serde_json::Map` per event (a copied string and a hashed key per member, then
//! freeing it all) was a third of the replay profile; the actions only look members up, so
//! they read this instead and the map is made only when someone wants to see it.

use serde_json::{Map, Value};

use crate::engine::mapping::schema::{DirectValue, JsonRef};

/// A payload: members in the order `perform()` sees them, no key twice.
#[derive(Debug, Clone, Default)]
pub struct ActionPayload<'a> {
    /// Each with its property's index in the action's schema, when known (what the schema
    /// check left: kept as it is rather than copied into another vector without it).
    members: Vec<(&'a str, Option<usize>, DirectValue<'a>)>,
    /// Root members whose value is `Infinity` or `-Infinity` (`null` in `members`, which are
    /// JSON values); the actions compute with the number.
    non_finite: Vec<(&'a str, f64)>,
    /// Where each key is in `members`, for the twenty-odd lookups an action makes.
    index: KeyIndex,
}

/// An open-addressing table from a key to its position in the members (plus one; 0 is an
/// empty slot): the actions look keys up a score of times per event, and a scan compares
/// with thirty-odd keys each time. `None` for more members than it holds at a low load
/// (they are then scanned).
#[derive(Debug, Clone, Default)]
struct KeyIndex(Option<[u8; KeyIndex::SLOTS]>);

impl KeyIndex {
    const SLOTS: usize = 128;

    // Inlined: with the key a constant, as at the actions' lookups, this folds away.
    #[inline(always)]
    fn slot_of(key: &str) -> usize {
        let b = key.as_bytes();
        let (first, last) = match b {
            [] => (0, 0),
            [f, .., l] => (usize::from(*f), usize::from(*l)),
            [f] => (usize::from(*f), usize::from(*f)),
        };
        (first * 31
            + last * 7
            + b.len() * 13
            + usize::from(b.get(b.len() / 2).copied().unwrap_or(0)))
            % KeyIndex::SLOTS
    }

    fn of<'k>(keys: impl ExactSizeIterator<Item = &'k str>) -> KeyIndex {
        if keys.len() > KeyIndex::SLOTS / 2 {
            return KeyIndex(None);
        }
        let mut table = [0u8; KeyIndex::SLOTS];
        for (pos, k) in keys.enumerate() {
            let mut at = KeyIndex::slot_of(k);
            while table[at] != 0 {
                at = (at + 1) % KeyIndex::SLOTS;
            }
            // At most half the slots: positions fit in a byte.
            table[at] = (pos + 1) as u8;
        }
        KeyIndex(Some(table))
    }
}

/// A view of a member that does not build an object the mapping wrote out.
fn view<'p>(v: &'p DirectValue<'_>) -> MemberRef<'p> {
    match v {
        DirectValue::Json(v) => MemberRef::Json(v),
        DirectValue::Fields(f) => MemberRef::Fields(&f.0),
    }
}

/// A borrowed payload member that may be an object not built yet.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MemberRef<'p> {
    Json(&'p Value),
    Fields(&'p [(&'p str, JsonRef<'p>)]),
}

impl<'p> MemberRef<'p> {
    /// Whether the value is an object.
    pub(crate) fn is_object(self) -> bool {
        matches!(
            self,
            MemberRef::Json(Value::Object(_)) | MemberRef::Fields(_)
        )
    }

    /// `value[key]` of an object (`None` for anything else or a missing key).
    pub(crate) fn member(self, key: &str) -> Option<&'p Value> {
        match self {
            MemberRef::Json(Value::Object(m)) => crate::engine::js::member(m, key),
            MemberRef::Json(_) => None,
            MemberRef::Fields(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| &**v),
        }
    }

    /// Whether some member value of an object, or some item of an array, passes `f` (false
    /// for anything else).
    pub(crate) fn any_value(self, f: impl FnMut(&Value) -> bool) -> bool {
        match self {
            MemberRef::Json(Value::Object(m)) => m.values().any(f),
            MemberRef::Json(Value::Array(items)) => items.iter().any(f),
            MemberRef::Json(_) => false,
            MemberRef::Fields(fields) => fields.iter().map(|(_, v)| &**v).any(f),
        }
    }
}

impl<'a> ActionPayload<'a> {
    /// A payload of `members` (keys unique, in order; see [`process_direct`]).
    ///
    /// [`process_direct`]: crate::engine::mapping::schema::process_direct
    pub(crate) fn from_members(
        members: Vec<(&'a str, Option<usize>, DirectValue<'a>)>,
    ) -> ActionPayload<'a> {
        ActionPayload {
            index: KeyIndex::of(members.iter().map(|(k, _, _)| *k)),
            members,
            non_finite: Vec::new(),
        }
    }

    /// A payload that borrows every member of `map`.
    pub fn from_map(map: &'a Map<String, Value>) -> ActionPayload<'a> {
        ActionPayload {
            index: KeyIndex::of(map.keys().map(String::as_str)),
            members: map
                .iter()
                .map(|(k, v)| (k.as_str(), None, DirectValue::Json(JsonRef::Borrowed(v))))
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
    #[inline(always)]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.slot(key).map(DirectValue::value)
    }

    #[inline(always)]
    fn slot(&self, key: &str) -> Option<&DirectValue<'a>> {
        let Some(table) = &self.index.0 else {
            return self
                .members
                .iter()
                .find(|(k, _, _)| *k == key)
                .map(|(_, _, v)| v);
        };
        let mut at = KeyIndex::slot_of(key);
        loop {
            let pos = usize::from(table[at]).checked_sub(1)?;
            let (k, _, v) = &self.members[pos];
            if *k == key {
                return Some(v);
            }
            at = (at + 1) % KeyIndex::SLOTS;
        }
    }

    /// `payload[key]` without building an object the mapping wrote out.
    #[inline(always)]
    pub(crate) fn get_ref(&self, key: &str) -> Option<MemberRef<'_>> {
        self.slot(key).map(view)
    }

    /// `key in payload`.
    #[inline(always)]
    pub fn contains_key(&self, key: &str) -> bool {
        self.slot(key).is_some()
    }

    /// Members in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(k, _, v)| (*k, v.value()))
    }

    /// Members in order, objects the mapping wrote out not built until read.
    pub(crate) fn slots(&self) -> impl Iterator<Item = (&str, &DirectValue<'a>)> {
        self.members.iter().map(|(k, _, v)| (*k, v))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Lookups through the key table find what a scan of the members finds: for payloads of
    /// every size up to past what the table holds (then scanned), with keys that share their
    /// first, last and middle bytes and lengths, the empty key, and keys that are absent.
    #[test]
    fn keys_found_through_the_table_are_the_members() {
        let mut keys: Vec<String> = vec!["".into(), "a".into(), "aa".into(), "aba".into()];
        keys.extend((0..40).map(|i| format!("k{i}")));
        keys.extend((0..40).map(|i| format!("key_{}_{}", i % 7, i)));
        keys.extend(["os_name", "os_version", "device_model", "time", "library"].map(String::from));
        let absent = ["b", "k40", "key_0_1", "os_nam", "libraries", "é"];
        for n in [0, 1, 2, 5, 17, 33, 64, 65, keys.len()] {
            let map: Map<String, Value> = keys[..n]
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), json!(i)))
                .collect();
            let payload = ActionPayload::from_map(&map);
            assert_eq!(payload.index.0.is_some(), n <= KeyIndex::SLOTS / 2, "{n}");
            for k in keys.iter().map(String::as_str).chain(absent) {
                assert_eq!(payload.get(k), map.get(k), "{n} members, {k:?}");
                assert_eq!(payload.contains_key(k), map.contains_key(k));
            }
        }
    }
}
