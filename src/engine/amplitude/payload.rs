//! The payload `perform()` receives, as the actions read it: its members in order, each
//! borrowed from the event (or the mapping) where the framework would pass it through
//! unchanged, owned where something was computed.
//!
//! Building a `serde_json::Map` per event (a copied string and a hashed key per member, then
//! freeing it all) was a third of the replay profile; the actions only look members up, so
//! they read this instead and the map is made only when someone wants to see it.

use serde_json::{Map, Value};

use crate::engine::keytable::KeyTable;
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

/// Where each key is in the members (see [`KeyTable`]): the actions look keys up a score of
/// times per event, and a scan compares with thirty-odd keys each time. `None` for more
/// members than the table takes (they are then scanned).
type KeyIndex = Option<KeyTable<128>>;

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
            index: KeyTable::of(members.iter().map(|(k, _, _)| *k).enumerate()),
            members,
            non_finite: Vec::new(),
        }
    }

    /// A payload that borrows every member of `map`.
    pub fn from_map(map: &'a Map<String, Value>) -> ActionPayload<'a> {
        ActionPayload {
            index: KeyTable::of(map.keys().map(String::as_str).enumerate()),
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
        self.position(key).map(|at| &self.members[at].2)
    }

    /// Where `key` is among the members.
    #[inline(always)]
    pub(crate) fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(table) => table.find(key, |pos| self.members[pos].0),
            None => self.members.iter().position(|(k, _, _)| *k == key),
        }
    }

    /// The member at `at` (see [`ActionPayload::position`]), without building an object the
    /// mapping wrote out.
    #[inline(always)]
    pub(crate) fn member_at(&self, at: usize) -> MemberRef<'_> {
        view(&self.members[at].2)
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

    /// Lookups through the key table find what the members' map finds, for payloads up to
    /// past what the table takes (then scanned), present and absent keys alike.
    #[test]
    fn keys_found_through_the_table_are_the_members() {
        let names = [
            "",
            "time",
            "library",
            "os_name",
            "os_version",
            "platform",
            "user_id",
        ];
        let keys: Vec<String> = names
            .iter()
            .map(|n| n.to_string())
            .chain((0..100).map(|i| match i % 3 {
                0 => format!("field_{i}"),
                1 => format!("{i}"),
                _ => format!("é{}", "x".repeat(i % 9)),
            }))
            .collect();
        for n in [0, 1, 3, 7, 40, 96, 97, keys.len()] {
            let map: Map<String, Value> = keys[..n]
                .iter()
                .enumerate()
                .map(|(i, k)| (k.clone(), json!(i)))
                .collect();
            let payload = ActionPayload::from_map(&map);
            assert_eq!(payload.index.is_some(), map.len() <= 96, "{n}");
            for k in keys
                .iter()
                .map(String::as_str)
                .chain(["absent", "tim", "libraryy"])
            {
                assert_eq!(payload.get(k), map.get(k), "{n} members, {k:?}");
                assert_eq!(payload.contains_key(k), map.contains_key(k));
            }
        }
    }
}
