//! A JavaScript object under construction, borrowing from the payload where it can, written
//! straight to JSON text: the request bodies are built without copying the payload's values.

use std::borrow::Cow;

use serde_json::Value;

use crate::engine::amplitude::payload::MemberRef;
use crate::engine::js::{self, JsonSink, WriteJson};
use crate::engine::keytable::same_key;
use crate::engine::mapping::schema::{JsonRef, fields_to_json};

/// One member value.
#[derive(Debug, Clone)]
pub(super) enum V<'a> {
    /// A value of the payload, borrowed.
    Ref(&'a Value),
    /// A value made here (boxed: it is rare, and every other variant is a third of its size).
    Own(Box<Value>),
    /// A number made here (NaN and infinities are written as `null`, as JSON.stringify does).
    Num(f64),
    /// A string made here.
    Str(Cow<'a, str>),
    /// An object made here from borrowed members.
    Obj(Obj<'a>),
    /// An object the mapping wrote out, as its members (see [`MemberRef::Fields`]).
    Fields(&'a [(&'a str, JsonRef<'a>)]),
    /// `undefined`: the key keeps its position but is not written.
    Undefined,
}

impl<'a> V<'a> {
    /// A payload member as a value.
    pub(super) fn of_member(m: MemberRef<'a>) -> V<'a> {
        match m {
            MemberRef::Json(v) => V::Ref(v),
            MemberRef::Fields(f) => V::Fields(f),
        }
    }

    /// A borrowed view of this value.
    pub(super) fn view(&self) -> V<'_> {
        match self {
            V::Ref(v) => V::Ref(v),
            V::Own(v) => V::Ref(v),
            V::Num(n) => V::Num(*n),
            V::Str(s) => V::Str(Cow::Borrowed(s)),
            V::Obj(o) => V::Obj(o.view()),
            V::Fields(f) => V::Fields(f),
            V::Undefined => V::Undefined,
        }
    }

    /// JavaScript truthiness.
    pub(super) fn truthy(&self) -> bool {
        match self {
            V::Ref(v) => crate::engine::amplitude::time::truthy(v),
            V::Own(v) => crate::engine::amplitude::time::truthy(v),
            V::Num(n) => *n != 0.0 && !n.is_nan(),
            V::Str(s) => !s.is_empty(),
            V::Obj(_) | V::Fields(_) => true,
            V::Undefined => false,
        }
    }

    // Inlined in both object writers: a call per member cost more than most members.
    #[inline(always)]
    fn write_to<S: JsonSink + ?Sized>(&self, out: &mut S) {
        match self {
            // Most members: a string of the event, written here rather than through a call.
            V::Ref(Value::String(s)) => out.string(s),
            V::Ref(v) => js::write_json(out, v),
            V::Own(v) => js::write_json(out, v),
            V::Num(n) if n.is_finite() => js::write_number(out.text(), *n),
            V::Num(_) => out.text().push_str("null"),
            V::Str(s) => out.string(s),
            V::Obj(o) => o.write_to(out),
            V::Fields(f) if f.iter().any(|(k, _)| js::is_array_index(k).is_some()) => {
                // Index-like keys come first in JavaScript; the general writer orders them.
                js::write_json(out, &fields_to_json(f))
            }
            V::Fields(f) => js::write_json_object(out, f.iter().map(|(k, v)| (*k, &**v))),
            V::Undefined => {}
        }
    }
}

/// Members in JavaScript insertion order.
#[derive(Debug, Clone, Default)]
pub(super) struct Obj<'a> {
    pub(super) entries: Vec<(&'a str, V<'a>)>,
}

impl<'a> Obj<'a> {
    pub(super) fn with_capacity(n: usize) -> Obj<'a> {
        Obj {
            entries: Vec::with_capacity(n),
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&V<'a>> {
        self.entries
            .iter()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    }

    /// Is the key present with a value other than `undefined`?
    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| !matches!(v, V::Undefined))
    }

    /// `obj[key] = value`: an existing key keeps its position.
    pub(super) fn set(&mut self, key: &'a str, value: V<'a>) {
        match self.entries.iter_mut().find(|(k, _)| same_key(k, key)) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// `{...self, ...other}` when neither is needed afterwards: `other`'s members are moved,
    /// not copied (those whose key `self` has go to its place; an `undefined` is left behind,
    /// which is never written and never found first).
    pub(super) fn spread(self, mut other: Obj<'a>) -> Obj<'a> {
        if self.entries.is_empty() {
            return other;
        }
        let lengths = other
            .entries
            .iter()
            .fold(0u64, |m, (k, _)| m | 1 << (k.len() % 64));
        let mut out = Obj::with_capacity(self.entries.len() + other.entries.len() + 6);
        for (k, v) in self.entries {
            let v = if lengths & 1 << (k.len() % 64) == 0 {
                v
            } else {
                other.take(k).unwrap_or(v)
            };
            out.entries.push((k, v));
        }
        out.entries.append(&mut other.entries);
        out
    }

    /// The value of `key`, its slot left `undefined` (it keeps its position).
    pub(super) fn take(&mut self, key: &str) -> Option<V<'a>> {
        let slot = self.entries.iter_mut().find(|(k, _)| same_key(k, key))?;
        Some(std::mem::replace(&mut slot.1, V::Undefined))
    }

    /// `Object.assign(this, other)`, moving `other`'s members in.
    pub(super) fn absorb(&mut self, other: Obj<'a>) {
        if self.entries.is_empty() {
            // Nothing to search: `other`'s keys are unique.
            self.entries = other.entries;
            return;
        }
        for (k, v) in other.entries {
            self.set(k, v);
        }
    }

    /// `{...object}`: a view of every member of `m`.
    pub(super) fn spread_of(m: &'a serde_json::Map<String, Value>) -> Obj<'a> {
        Obj {
            entries: m.iter().map(|(k, v)| (k.as_str(), V::Ref(v))).collect(),
        }
    }

    /// Appends without looking for an existing key (the caller knows it is new).
    pub(super) fn push(&mut self, key: &'a str, value: V<'a>) {
        self.entries.push((key, value));
    }

    /// A copy that borrows this object's values.
    pub(super) fn view(&self) -> Obj<'_> {
        Obj {
            entries: self.entries.iter().map(|(k, v)| (*k, v.view())).collect(),
        }
    }

    /// `JSON.stringify(obj)` appended to `out`.
    pub(super) fn write(&self, out: &mut String) {
        js::write_escaping_once(out, self)
    }

    /// The object as a JSON value (undefined members left out).
    pub(super) fn to_value(&self) -> Value {
        let mut m = serde_json::Map::new();
        for (k, v) in &self.entries {
            let value = match v {
                V::Ref(v) => (*v).clone(),
                V::Own(v) => (**v).clone(),
                V::Num(n) => super::number(*n),
                V::Str(s) => Value::String(s.to_string()),
                V::Obj(o) => o.to_value(),
                V::Fields(f) => fields_to_json(f),
                V::Undefined => continue,
            };
            m.insert(k.to_string(), value);
        }
        Value::Object(m)
    }
}

/// `{...first, ...then}` as it is written, without building it: `first`'s members in order,
/// each with `then`'s value when `then` has its key, then `then`'s other members. (A spread
/// built for writing only would copy every member of the payload once more.)
pub(super) struct Spread<'o, 'a> {
    pub(super) first: &'o Obj<'a>,
    pub(super) then: &'o Obj<'a>,
}

impl Spread<'_, '_> {
    /// `JSON.stringify({...first, ...then})` appended to `out`.
    pub(super) fn write(&self, out: &mut String) {
        js::write_escaping_once(out, self)
    }
}

impl WriteJson for Spread<'_, '_> {
    fn write_to<S: JsonSink + ?Sized>(&self, out: &mut S) {
        let Spread { first, then } = *self;
        if first.entries.is_empty() {
            return then.write_to(out);
        }
        // Index-like keys, or more members than bits to mark them with: built, then written.
        if then.entries.len() > 64
            || first
                .entries
                .iter()
                .chain(&then.entries)
                .any(|(k, _)| js::is_array_index(k).is_some())
        {
            return first.view().spread(then.view()).write_to(out);
        }
        // A key of `first` can only be one of `then`'s if its length is one of theirs; the
        // members of `then` written in `first`'s places are marked (one bit each).
        let lengths = then
            .entries
            .iter()
            .fold(0u64, |m, (k, _)| m | 1 << (k.len() % 64));
        let mut shadowed = 0u64;
        out.text().push('{');
        let mut empty = true;
        for (k, v) in &first.entries {
            let mut v = v;
            if lengths & 1 << (k.len() % 64) != 0
                && let Some(i) = then.entries.iter().position(|(t, _)| same_key(t, k))
            {
                v = &then.entries[i].1;
                shadowed |= 1 << i;
            }
            write_member(out, &mut empty, k, v);
        }
        for (i, (k, v)) in then.entries.iter().enumerate() {
            if shadowed & 1 << i == 0 {
                write_member(out, &mut empty, k, v);
            }
        }
        out.text().push('}');
    }
}

/// `"key":value` after a comma unless it is the first member written; nothing for `undefined`.
#[inline(always)]
pub(super) fn write_member<S: JsonSink + ?Sized>(
    out: &mut S,
    empty: &mut bool,
    k: &str,
    v: &V<'_>,
) {
    if matches!(v, V::Undefined) {
        return;
    }
    write_key(out, empty, k);
    v.write_to(out);
}

/// `"key":` after a comma unless it is the first member written.
#[inline(always)]
fn write_key<S: JsonSink + ?Sized>(out: &mut S, empty: &mut bool, k: &str) {
    if !*empty {
        out.text().push(',');
    }
    *empty = false;
    out.string(k);
    out.text().push(':');
}

/// [`write_member`] of a payload member, without making a [`V`] of it first.
#[inline(always)]
pub(super) fn write_payload_member<S: JsonSink + ?Sized>(
    out: &mut S,
    empty: &mut bool,
    k: &str,
    v: MemberRef<'_>,
) {
    write_key(out, empty, k);
    match v {
        MemberRef::Json(Value::String(s)) => out.string(s),
        MemberRef::Json(v) => js::write_json(out, v),
        MemberRef::Fields(f) => V::Fields(f).write_to(out),
    }
}

impl WriteJson for Obj<'_> {
    fn write_to<S: JsonSink + ?Sized>(&self, out: &mut S) {
        if self
            .entries
            .iter()
            .any(|(k, _)| js::is_array_index(k).is_some())
        {
            // Index-like keys come first in JavaScript; let the general writer order them.
            return js::write_json(out, &self.to_value());
        }
        out.text().push('{');
        let mut empty = true;
        for (k, v) in &self.entries {
            write_member(out, &mut empty, k, v);
        }
        out.text().push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `{...first, ...then}` written in place, and built then written.
    fn both_ways(first: &Obj<'_>, then: &Obj<'_>) -> (String, String) {
        let mut in_place = String::new();
        Spread { first, then }.write(&mut in_place);
        let mut built = String::new();
        first.view().spread(then.view()).write(&mut built);
        (in_place, built)
    }

    /// Writing `{...first, ...then}` in place gives the text of the spread built first: every
    /// mix of shared keys (one length or several), `undefined` on either side, index-like keys,
    /// an empty side and more members than the marks hold.
    #[test]
    fn spread_written_in_place_equals_spread_built() {
        let values = [
            json!("a"),
            json!(1),
            json!({"x": [1, "\"q\""]}),
            json!(null),
        ];
        let keys = [
            "os_name",
            "user_id",
            "os_version",
            "device_model",
            "library",
            "3",
            "event_type",
        ];
        let obj = |mask: u32, undefined: u32, offset: usize| {
            let mut o = Obj::default();
            for (i, k) in keys.iter().enumerate() {
                if mask & 1 << i != 0 {
                    let v = if undefined & 1 << i != 0 {
                        V::Undefined
                    } else {
                        V::Ref(&values[(i + offset) % values.len()])
                    };
                    o.push(k, v);
                }
            }
            o
        };
        let mut checked = 0;
        for first_mask in [0u32, 0b1, 0b101, 0b1101, 0b1111, 0b100_0101] {
            for then_mask in [0u32, 0b1, 0b10, 0b111, 0b1010, 0b111_1111, 0b101_0110] {
                for undefined in [0u32, 0b1, 0b10, 0b101] {
                    for (fu, tu) in [(undefined, 0), (0, undefined), (undefined, !undefined)] {
                        let first = obj(first_mask, fu, 0);
                        let then = obj(then_mask, tu, 1);
                        let (in_place, built) = both_ways(&first, &then);
                        assert_eq!(in_place, built, "{first:?} then {then:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 400);
        // More members than 64: written the general way.
        let many: Vec<String> = (0..70).map(|i| format!("k{i}")).collect();
        let mut then = Obj::default();
        for k in &many {
            then.push(k, V::Ref(&values[0]));
        }
        let mut first = Obj::default();
        first.push("k69", V::Ref(&values[1]));
        first.push("os_name", V::Undefined);
        let (in_place, built) = both_ways(&first, &then);
        assert_eq!(in_place, built);
        assert!(in_place.starts_with("{\"k69\":\"a\",\"k0\""), "{in_place}");
    }
}
