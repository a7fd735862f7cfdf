//! The JavaScript value model mapping-kit computes with.
//!
//! mapping-kit is plain JavaScript over parsed JSON, and what it produces depends on distinctions
//! `serde_json::Value` cannot hold: `undefined` (a member that will be removed) versus `null`
//! (kept), every number being an `f64`, and JavaScript's property order (array-index keys first,
//! ascending, then insertion order).

use std::sync::Arc;

use serde_json::{Map, Number, Value};

use crate::engine::js;

/// A JavaScript value as mapping-kit sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum JsValue {
    /// `undefined`: a missing path. Object members holding it are removed at the end of a
    /// transform; array elements holding it are kept (they serialise as `null`).
    #[default]
    Undefined,
    Null,
    Bool(bool),
    /// Every JavaScript number is an IEEE double.
    Number(f64),
    String(String),
    Array(Vec<JsValue>),
    Object(JsObject),
}

/// A plain JavaScript object: members kept in JavaScript property order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsObject {
    // Invariant: array-index keys come first in ascending order, then the other keys in
    // insertion order. Objects are small, so a vector beats a map here. Keys are shared so a
    // prepared mapping can hand out its field names without copying them.
    entries: Vec<(Arc<str>, JsValue)>,
}

impl JsObject {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty object with room for `n` members.
    pub fn with_capacity(n: usize) -> Self {
        JsObject {
            entries: Vec::with_capacity(n),
        }
    }

    /// `obj[key]` for an own member.
    pub fn get(&self, key: &str) -> Option<&JsValue> {
        self.entries
            .iter()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| v)
    }

    /// `obj[key] = value`: an existing member keeps its position, a new one goes where
    /// JavaScript would put it.
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: JsValue) {
        let key: Arc<str> = key.into();
        if let Some(slot) = self.entries.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
            return;
        }
        match js::is_array_index(&key) {
            Some(idx) => {
                let pos = self
                    .entries
                    .iter()
                    .position(|(k, _)| js::is_array_index(k).is_none_or(|other| other > idx))
                    .unwrap_or(self.entries.len());
                self.entries.insert(pos, (key, value));
            }
            None => self.entries.push((key, value)),
        }
    }

    /// Adds a member known not to be present yet (keys of one JSON object), skipping the
    /// search for an existing one.
    pub(crate) fn push_new(&mut self, key: Arc<str>, value: JsValue) {
        if js::is_array_index(&key).is_some() {
            self.insert(key, value);
        } else {
            self.entries.push((key, value));
        }
    }

    /// `delete obj[key]`; returns the removed value.
    pub fn remove(&mut self, key: &str) -> Option<JsValue> {
        let pos = self.entries.iter().position(|(k, _)| &**k == key)?;
        Some(self.entries.remove(pos).1)
    }

    /// Members in property order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &JsValue)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    /// Mutable access to the members in property order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut JsValue)> {
        self.entries.iter_mut().map(|(k, v)| (&**k, v))
    }

    /// Keeps only the members for which `f` is true.
    pub fn retain(&mut self, mut f: impl FnMut(&str, &mut JsValue) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k, v));
    }

    /// Number of members (including `undefined` ones).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the object has no members.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl IntoIterator for JsObject {
    type Item = (Arc<str>, JsValue);
    type IntoIter = std::vec::IntoIter<(Arc<str>, JsValue)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<Arc<str>>> FromIterator<(K, JsValue)> for JsObject {
    fn from_iter<I: IntoIterator<Item = (K, JsValue)>>(iter: I) -> Self {
        let mut obj = JsObject::new();
        for (k, v) in iter {
            obj.insert(k, v);
        }
        obj
    }
}

impl JsValue {
    /// The value `JSON.parse` would give for this JSON (numbers become doubles, object keys
    /// take JavaScript order).
    pub fn from_json(v: &Value) -> JsValue {
        match v {
            Value::Null => JsValue::Null,
            Value::Bool(b) => JsValue::Bool(*b),
            Value::Number(n) => JsValue::Number(js::json_number_to_f64(n)),
            Value::String(s) => JsValue::String(s.clone()),
            Value::Array(items) => JsValue::Array(items.iter().map(JsValue::from_json).collect()),
            Value::Object(map) => JsValue::Object(object_from_json(map)),
        }
    }

    /// The JSON this value stands for, as `JSON.parse(JSON.stringify(v))` would see it:
    /// `undefined` members are dropped, `undefined` array elements and non-finite numbers
    /// become `null`. `None` for a top-level `undefined`.
    pub fn to_json(&self) -> Option<Value> {
        match self {
            JsValue::Undefined => None,
            other => Some(other.to_json_or_null()),
        }
    }

    /// [`JsValue::to_json`], consuming the value: strings and arrays move instead of being
    /// copied.
    pub fn into_json(self) -> Option<Value> {
        match self {
            JsValue::Undefined => None,
            other => Some(other.into_json_or_null()),
        }
    }

    fn into_json_or_null(self) -> Value {
        match self {
            JsValue::String(s) => Value::String(s),
            JsValue::Array(items) => {
                Value::Array(items.into_iter().map(JsValue::into_json_or_null).collect())
            }
            JsValue::Object(obj) => {
                let mut map = Map::with_capacity(obj.len());
                for (k, v) in obj {
                    if !matches!(v, JsValue::Undefined) {
                        map.insert(String::from(&*k), v.into_json_or_null());
                    }
                }
                Value::Object(map)
            }
            other => other.to_json_or_null(),
        }
    }

    fn to_json_or_null(&self) -> Value {
        match self {
            JsValue::Undefined | JsValue::Null => Value::Null,
            JsValue::Bool(b) => Value::Bool(*b),
            JsValue::Number(x) => number_to_json(*x),
            JsValue::String(s) => Value::String(s.clone()),
            JsValue::Array(items) => {
                Value::Array(items.iter().map(JsValue::to_json_or_null).collect())
            }
            JsValue::Object(obj) => {
                let mut map = Map::with_capacity(obj.len());
                for (k, v) in obj.iter() {
                    if !matches!(v, JsValue::Undefined) {
                        map.insert(k.to_string(), v.to_json_or_null());
                    }
                }
                Value::Object(map)
            }
        }
    }

    /// JavaScript truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            JsValue::Undefined | JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Number(x) => *x != 0.0 && !x.is_nan(),
            JsValue::String(s) => !s.is_empty(),
            JsValue::Array(_) | JsValue::Object(_) => true,
        }
    }

    /// True for `undefined` and `null` (`v == null` in JavaScript).
    pub fn is_nullish(&self) -> bool {
        matches!(self, JsValue::Undefined | JsValue::Null)
    }

    /// `realTypeOf(v)`: the lower-case type tag used in the reference's error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            JsValue::Undefined => "undefined",
            JsValue::Null => "null",
            JsValue::Bool(_) => "boolean",
            JsValue::Number(_) => "number",
            JsValue::String(_) => "string",
            JsValue::Array(_) => "array",
            JsValue::Object(_) => "object",
        }
    }

    /// `String(v)`.
    pub fn to_js_string(&self) -> String {
        let mut out = String::new();
        self.write_js_string(&mut out);
        out
    }

    /// Appends `String(v)` to `out`: numbers as `Number#toString`, arrays joined with commas
    /// (`null`/`undefined` elements empty), objects as `[object Object]`.
    pub fn write_js_string(&self, out: &mut String) {
        match self {
            JsValue::Undefined => out.push_str("undefined"),
            JsValue::Null => out.push_str("null"),
            JsValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            JsValue::Number(x) => js::write_number(out, *x),
            JsValue::String(s) => out.push_str(s),
            JsValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !item.is_nullish() {
                        item.write_js_string(out);
                    }
                }
            }
            JsValue::Object(_) => out.push_str("[object Object]"),
        }
    }

    /// `JSON.stringify(v)`; `None` where JavaScript returns `undefined`.
    pub fn json_stringify(&self) -> Option<String> {
        match self {
            JsValue::Undefined => None,
            _ => {
                let mut out = String::new();
                self.write_json(&mut out);
                Some(out)
            }
        }
    }

    /// `JSON.stringify(value, null, space)`: `gap` is the indentation step (`""` writes the
    /// compact text).
    pub fn json_stringify_gap(&self, gap: &str) -> Option<String> {
        if gap.is_empty() {
            return self.json_stringify();
        }
        match self {
            JsValue::Undefined => None,
            _ => {
                let mut out = String::new();
                self.write_json_gap(&mut out, gap, &mut String::new());
                Some(out)
            }
        }
    }

    /// `SerializeJSONArray`/`SerializeJSONObject` with a gap: each member on its own line at
    /// `indent` plus one `gap`, `": "` after keys, empty containers as `[]`/`{}`.
    fn write_json_gap(&self, out: &mut String, gap: &str, indent: &mut String) {
        let members: Vec<(Option<&str>, &JsValue)> = match self {
            JsValue::Array(items) => items.iter().map(|v| (None, v)).collect(),
            JsValue::Object(obj) => obj
                .iter()
                .filter(|(_, v)| !matches!(v, JsValue::Undefined))
                .map(|(k, v)| (Some(k), v))
                .collect(),
            scalar => return scalar.write_json(out),
        };
        let (open, close) = if matches!(self, JsValue::Array(_)) {
            ('[', ']')
        } else {
            ('{', '}')
        };
        out.push(open);
        if !members.is_empty() {
            let outer = indent.len();
            indent.push_str(gap);
            for (i, (k, v)) in members.into_iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(indent);
                if let Some(k) = k {
                    js::write_json_string(out, k);
                    out.push_str(": ");
                }
                v.write_json_gap(out, gap, indent);
            }
            indent.truncate(outer);
            out.push('\n');
            out.push_str(indent);
        }
        out.push(close);
    }

    fn write_json(&self, out: &mut String) {
        match self {
            JsValue::Undefined | JsValue::Null => out.push_str("null"),
            JsValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            JsValue::Number(x) => {
                if x.is_finite() {
                    js::write_number(out, *x)
                } else {
                    out.push_str("null")
                }
            }
            JsValue::String(s) => js::write_json_string(out, s),
            JsValue::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            JsValue::Object(obj) => {
                out.push('{');
                let mut first = true;
                for (k, v) in obj.iter() {
                    if matches!(v, JsValue::Undefined) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    js::write_json_string(out, k);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// `removeUndefined`: deletes `undefined` object members, recursively (also in objects
    /// nested in arrays); arrays keep their `undefined` elements.
    pub fn remove_undefined(&mut self) {
        match self {
            JsValue::Array(items) => items.iter_mut().for_each(JsValue::remove_undefined),
            JsValue::Object(obj) => obj.retain(|_, v| {
                if matches!(v, JsValue::Undefined) {
                    false
                } else {
                    v.remove_undefined();
                    true
                }
            }),
            _ => {}
        }
    }
}

impl From<&Value> for JsValue {
    fn from(v: &Value) -> Self {
        JsValue::from_json(v)
    }
}

/// An object parsed the way JavaScript orders it.
pub(crate) fn object_from_json(map: &Map<String, Value>) -> JsObject {
    let mut obj = JsObject::with_capacity(map.len());
    for (k, v) in map {
        obj.push_new(Arc::from(k.as_str()), JsValue::from_json(v));
    }
    obj
}

/// A double as a JSON number: integral values that a double holds exactly become JSON integers
/// so they compare equal to parsed JSON; non-finite values become `null` as in `JSON.stringify`.
pub fn number_to_json(x: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if x.fract() == 0.0 && x.abs() <= EXACT {
        if x == 0.0 {
            return Value::Number(Number::from(0));
        }
        return Value::Number(Number::from(x as i64));
    }
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// `JSON.parse(text)`: `None` where it throws. Unlike `serde_json`, numbers beyond the double
/// range become infinities and duplicate keys keep the first position with the last value, as
/// in JavaScript. A lone surrogate escape becomes its stand-in ([`js::utf16`]).
pub fn parse_json(text: &str) -> Option<JsValue> {
    let mut p = JsonParser {
        b: text.as_bytes(),
        s: text,
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

struct JsonParser<'t> {
    b: &'t [u8],
    s: &'t str,
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<JsValue> {
        if depth > 512 {
            return None;
        }
        match *self.b.get(self.i)? {
            b'n' => self.eat("null").then_some(JsValue::Null),
            b't' => self.eat("true").then_some(JsValue::Bool(true)),
            b'f' => self.eat("false").then_some(JsValue::Bool(false)),
            b'"' => self.string().map(JsValue::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Some(JsValue::Array(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat("]") {
                        return Some(JsValue::Array(items));
                    }
                    if !self.eat(",") {
                        return None;
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut obj = JsObject::new();
                self.ws();
                if self.eat("}") {
                    return Some(JsValue::Object(obj));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let key = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return None;
                    }
                    self.ws();
                    let v = self.value(depth + 1)?;
                    obj.insert(key, v);
                    self.ws();
                    if self.eat("}") {
                        return Some(JsValue::Object(obj));
                    }
                    if !self.eat(",") {
                        return None;
                    }
                }
            }
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Option<JsValue> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.i < p.b.len() && p.b[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - from
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if digits(self) == 0 {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        self.s[start..self.i].parse().ok().map(JsValue::Number)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let rest = &self.s[self.i..];
            let stop = rest.find(|c: char| c == '"' || c == '\\' || (c as u32) < 0x20)?;
            out.push_str(&rest[..stop]);
            self.i += stop;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let c = *self.b.get(self.i)?;
                    self.i += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.s[self.i..].starts_with("\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    self.i = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or_else(|| js::utf16::lone(hi as u16)));
                        }
                        _ => return None,
                    }
                }
                _ => return None, // a raw control character
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.i += 4;
        u32::from_str_radix(h, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_keep_javascript_property_order() {
        let v = JsValue::from_json(&json!({"b": 1, "10": 2, "a": 3, "2": 4}));
        let JsValue::Object(mut obj) = v else {
            panic!("not an object")
        };
        let keys: Vec<&str> = obj.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["2", "10", "b", "a"]);
        obj.insert("5", JsValue::Null);
        obj.insert("b", JsValue::Bool(true));
        obj.insert("c", JsValue::Null);
        let keys: Vec<&str> = obj.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["2", "5", "10", "b", "a", "c"]);
        assert_eq!(obj.get("b"), Some(&JsValue::Bool(true)));
    }

    #[test]
    fn string_coercion_matches_javascript() {
        let cases: &[(Value, &str)] = &[
            (json!(1.5), "1.5"),
            (json!(100.0), "100"),
            (json!(1e21), "1e+21"),
            (json!(false), "false"),
            (json!(null), "null"),
            (json!({"k": 1}), "[object Object]"),
            (
                json!(["x", null, 2, [3, [4]], {"a": 1}]),
                "x,,2,3,4,[object Object]",
            ),
        ];
        for (v, want) in cases {
            assert_eq!(JsValue::from_json(v).to_js_string(), *want, "for {v}");
        }
        assert_eq!(JsValue::Number(-0.0).to_js_string(), "0");
        assert_eq!(JsValue::Undefined.to_js_string(), "undefined");
    }

    #[test]
    fn undefined_is_removed_from_objects_but_kept_in_arrays() {
        let mut obj = JsObject::new();
        obj.insert("gone", JsValue::Undefined);
        obj.insert("null", JsValue::Null);
        obj.insert(
            "arr",
            JsValue::Array(vec![JsValue::Number(1.0), JsValue::Undefined]),
        );
        let mut v = JsValue::Object(obj);
        assert_eq!(
            v.json_stringify().as_deref(),
            Some(r#"{"null":null,"arr":[1,null]}"#)
        );
        v.remove_undefined();
        let JsValue::Object(o) = &v else {
            panic!("not an object")
        };
        assert_eq!(o.len(), 2);
        assert_eq!(v.to_json(), Some(json!({"null": null, "arr": [1, null]})));
        assert_eq!(JsValue::Undefined.to_json(), None);
    }

    #[test]
    fn truthiness_and_type_names() {
        let falsy = [json!(null), json!(false), json!(0), json!(""), json!(-0.0)];
        for v in falsy {
            assert!(!JsValue::from_json(&v).truthy(), "{v}");
        }
        let truthy = [json!({}), json!([]), json!("0"), json!("false"), json!(0.1)];
        for v in truthy {
            assert!(JsValue::from_json(&v).truthy(), "{v}");
        }
        assert!(!JsValue::Number(f64::NAN).truthy());
        assert_eq!(JsValue::from_json(&json!([1])).type_name(), "array");
    }

    #[test]
    fn parses_json_like_json_parse() {
        let cases: &[(&str, Option<&str>)] = &[
            (" 1e3 ", Some("1000")),
            ("[1e400]", Some("[null]")),
            (r#"{"a":1,"b":2,"a":3}"#, Some(r#"{"a":3,"b":2}"#)),
            (r#"{"z":1,"2":2}"#, Some(r#"{"2":2,"z":1}"#)),
            (r#""\u00e9\ud83d\ude00\n""#, Some(r#""é😀\n""#)),
            ("null", Some("null")),
            ("01", None),
            ("[1,]", None),
            ("'x'", None),
            ("1 2", None),
            ("NaN", None),
        ];
        for (text, want) in cases {
            let got = parse_json(text).and_then(|v| v.json_stringify());
            assert_eq!(got.as_deref(), *want, "for {text}");
        }
    }

    #[test]
    fn numbers_convert_back_to_json_exactly() {
        assert_eq!(number_to_json(3.0), json!(3));
        assert_eq!(number_to_json(-0.0), json!(0));
        assert_eq!(number_to_json(2.5), json!(2.5));
        assert_eq!(number_to_json(f64::NAN), Value::Null);
        assert_eq!(number_to_json(1e21), json!(1e21));
    }
}
