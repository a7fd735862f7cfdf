//! Path lookup exactly as `get.ts` does it (used by `@path`, `@arrayPath` and `{{…}}`).
//!
//! No JSONPath: an optional `$.` (only `@path`/`@arrayPath` strip it, and anywhere in the
//! string), dots, `["a b"]`/`['a b']`/`[0]`, and a walk that stops at the first falsy value
//! and returns it (`$.a.b` with `{"a": 0}` is `0`).

use std::borrow::Cow;

use serde_json::Value;

use super::quirks::{MappingQuirk, QuirkSet};
use super::schema::JsonRef;
use super::value::JsValue;
use crate::engine::js;

/// The value a lookup starts from: the event itself (borrowed JSON) or a value mapping-kit
/// computed (an `@arrayPath` item, the output of `@transform.apply`).
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    Json(&'a Value),
    Js(&'a JsValue),
}

/// A looked-up value: borrowed from the payload where possible, so reading a path copies
/// nothing until the value is placed in the output.
#[derive(Debug, Clone)]
pub enum Got<'a> {
    Json(&'a Value),
    Js(&'a JsValue),
    /// A computed value (`length`, a character of a string, a directive's result) or
    /// `undefined`.
    Owned(JsValue),
}

impl<'a> From<Payload<'a>> for Got<'a> {
    fn from(p: Payload<'a>) -> Self {
        match p {
            Payload::Json(v) => Got::Json(v),
            Payload::Js(v) => Got::Js(v),
        }
    }
}

impl<'a> Got<'a> {
    /// The value as JSON when that conversion is all the general path would do to it:
    /// borrowed when it was read from the event or the mapping; a computed value only when
    /// it has no `undefined` array element (the schema may drop those) and no NaN or infinity
    /// (the schema rejects those, JSON would make them `null`).
    pub fn into_plain_json(self) -> Option<JsonRef<'a>> {
        match self {
            Got::Json(v) => Some(JsonRef::Borrowed(v)),
            Got::Js(v) => Some(JsonRef::Owned(Box::new(plain_json(v.clone())?))),
            Got::Owned(v) => Some(JsonRef::Owned(Box::new(plain_json(v)?))),
        }
    }
}

/// A computed value as JSON (see [`Got::into_plain_json`]).
fn plain_json(v: JsValue) -> Option<Value> {
    fn plain(v: &JsValue) -> bool {
        match v {
            JsValue::Number(x) => x.is_finite(),
            JsValue::Array(items) => items
                .iter()
                .all(|it| !matches!(it, JsValue::Undefined) && plain(it)),
            JsValue::Object(obj) => obj.iter().all(|(_, v)| plain(v)),
            _ => true,
        }
    }
    if plain(&v) { v.into_json() } else { None }
}

/// The `undefined` every [`Got::UNDEFINED`] borrows.
static UNDEFINED_JS: JsValue = JsValue::Undefined;

impl Got<'_> {
    /// `undefined`: borrowed, so that the many missing values of a path table own nothing
    /// and are dropped without a call.
    pub const UNDEFINED: Got<'static> = Got::Js(&UNDEFINED_JS);

    /// The value as an owned [`JsValue`].
    pub fn into_js(self) -> JsValue {
        match self {
            Got::Json(v) => JsValue::from_json(v),
            Got::Js(v) => v.clone(),
            Got::Owned(v) => v,
        }
    }

    /// JavaScript truthiness.
    #[inline]
    pub fn truthy(&self) -> bool {
        match self {
            Got::Json(v) => json_truthy(v),
            Got::Js(v) => v.truthy(),
            Got::Owned(v) => v.truthy(),
        }
    }

    /// `v === undefined`.
    pub fn is_undefined(&self) -> bool {
        matches!(
            self,
            Got::Js(JsValue::Undefined) | Got::Owned(JsValue::Undefined)
        )
    }

    /// `v == null` (undefined or null).
    pub fn is_nullish(&self) -> bool {
        match self {
            Got::Json(v) => v.is_null(),
            Got::Js(v) => v.is_nullish(),
            Got::Owned(v) => v.is_nullish(),
        }
    }

    /// `realTypeOf(v)`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Got::Json(v) => json_type_name(v),
            Got::Js(v) => v.type_name(),
            Got::Owned(v) => v.type_name(),
        }
    }

    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Got::Json(Value::String(s)) => Some(s),
            Got::Js(JsValue::String(s)) | Got::Owned(JsValue::String(s)) => Some(s),
            _ => None,
        }
    }

    /// Appends `String(v)`.
    pub fn write_js_string(&self, out: &mut String) {
        match self {
            Got::Json(v) => write_json_as_js_string(v, out),
            Got::Js(v) => v.write_js_string(out),
            Got::Owned(v) => v.write_js_string(out),
        }
    }
}

/// JavaScript truthiness of a JSON value.
#[inline]
pub fn json_truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => {
            let x = js::json_number_to_f64(n);
            x != 0.0 && !x.is_nan()
        }
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `realTypeOf` of a JSON value.
pub fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `String(v)` of a JSON value.
pub fn write_json_as_js_string(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => js::write_number(out, js::json_number_to_f64(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !item.is_null() {
                    write_json_as_js_string(item, out);
                }
            }
        }
        Value::Object(_) => out.push_str("[object Object]"),
    }
}

/// Splits a path into the keys `get.ts` walks (after any `$.` stripping).
///
/// Splits at `.`, at a `[` followed by a quote or digit, and at a run of `]` preceded by a
/// quote or digit (the regex `\[(?="|'|\d)|\.|(?<="|'|\d)]+`); drops empty pieces, then
/// deletes every quote character.
pub fn segments(path: &str) -> Vec<String> {
    Segments::new(path).map(Cow::into_owned).collect()
}

/// The keys of a path, lazily and without copying keys that contain no quote.
pub enum Segments<'p> {
    /// Only dots separate keys: split on them.
    Dots { path: &'p str, pos: usize },
    /// Brackets or quotes: the full `get.ts` rules.
    Full { path: &'p str, pos: usize },
}

impl<'p> Segments<'p> {
    /// Segments of `path`.
    pub fn new(path: &'p str) -> Self {
        if path
            .bytes()
            .any(|b| matches!(b, b'[' | b']' | b'"' | b'\''))
        {
            Segments::Full { path, pos: 0 }
        } else {
            Segments::Dots { path, pos: 0 }
        }
    }
}

impl<'p> Iterator for Segments<'p> {
    type Item = Cow<'p, str>;

    fn next(&mut self) -> Option<Cow<'p, str>> {
        let (path, pos) = match self {
            Segments::Dots { path, pos } => {
                let b = path.as_bytes();
                while *pos < b.len() {
                    let start = *pos;
                    let end = b[start..]
                        .iter()
                        .position(|c| *c == b'.')
                        .map_or(b.len(), |i| start + i);
                    *pos = end + 1;
                    if end > start {
                        return Some(Cow::Borrowed(&path[start..end]));
                    }
                }
                return None;
            }
            Segments::Full { path, pos } => (*path, pos),
        };
        let bytes = path.as_bytes();
        let is_mark = |b: u8| b == b'"' || b == b'\'' || b.is_ascii_digit();
        loop {
            if *pos > bytes.len() {
                return None;
            }
            let start = *pos;
            let mut i = start;
            // Find the next separator; `end` is where the piece stops, `next` where the
            // following piece starts.
            let (end, next) = loop {
                if i >= bytes.len() {
                    break (bytes.len(), bytes.len() + 1);
                }
                let b = bytes[i];
                if b == b'.' || (b == b'[' && bytes.get(i + 1).is_some_and(|n| is_mark(*n))) {
                    break (i, i + 1);
                }
                if b == b']' && i > 0 && is_mark(bytes[i - 1]) {
                    let mut j = i;
                    while j < bytes.len() && bytes[j] == b']' {
                        j += 1;
                    }
                    break (i, j);
                }
                i += 1;
            };
            *pos = next;
            if end > start {
                let piece = &path[start..end];
                return Some(if piece.contains(['"', '\'']) {
                    Cow::Owned(piece.chars().filter(|c| *c != '"' && *c != '\'').collect())
                } else {
                    Cow::Borrowed(piece)
                });
            }
        }
    }
}

/// `String.replace('$.', '')`: the first `$.` anywhere in the path goes.
pub fn strip_dollar_dot<'p>(path: &'p str, quirks: &mut QuirkSet) -> Cow<'p, str> {
    if let Some(rest) = path.strip_prefix("$.") {
        return Cow::Borrowed(rest);
    }
    match path.find("$.") {
        None => Cow::Borrowed(path),
        Some(pos) => {
            quirks.hit(MappingQuirk::PathDollarDotAnywhere);
            let mut s = String::with_capacity(path.len() - 2);
            s.push_str(&path[..pos]);
            s.push_str(&path[pos + 2..]);
            Cow::Owned(s)
        }
    }
}

/// `get(root, path)` from `get.ts` (no `$.` stripping; callers do that where the reference does).
pub fn get<'a>(root: Payload<'a>, path: &str, quirks: &mut QuirkSet) -> Got<'a> {
    if path.is_empty() || path == "." {
        return root.into();
    }
    let segments = Segments::new(path);
    if matches!(segments, Segments::Full { .. }) {
        note_dotted_bracket_key(path, quirks);
    }
    let mut cur: Got<'a> = root.into();
    for seg in segments {
        if !cur.truthy() {
            if !cur.is_undefined() {
                quirks.hit(MappingQuirk::PathFalsyIntermediate);
            }
            return cur;
        }
        cur = property(cur, &seg);
    }
    cur
}

fn note_dotted_bracket_key(path: &str, quirks: &mut QuirkSet) {
    for quote in ['"', '\''] {
        let open = format!("[{quote}");
        let mut rest = path;
        while let Some(pos) = rest.find(&open) {
            let after = &rest[pos + 2..];
            let inner = after.split(quote).next().unwrap_or("");
            if inner.contains('.') {
                quirks.hit(MappingQuirk::PathDottedKeyUnreachable);
                return;
            }
            rest = after;
        }
    }
}

/// [`get`] over keys split beforehand (`None`: the path is the root itself).
pub fn get_split<'a>(
    root: Payload<'a>,
    keys: Option<&[Box<str>]>,
    quirks: &mut QuirkSet,
) -> Got<'a> {
    let Some(mut keys) = keys else {
        return root.into();
    };
    let mut cur: Got<'a> = match root {
        // Through objects of the event (the usual walk) by reference, no value moved per step.
        Payload::Json(mut v) => loop {
            match (v, keys.split_first()) {
                (_, None) => return Got::Json(v),
                (Value::Object(m), Some((key, rest))) => match js::member(m, key) {
                    Some(next) => (v, keys) = (next, rest),
                    // Every later step from `undefined` gives `undefined`.
                    None => return Got::UNDEFINED,
                },
                _ => break Got::Json(v),
            }
        },
        Payload::Js(v) => Got::Js(v),
    };
    for key in keys {
        if !cur.truthy() {
            if !cur.is_undefined() {
                quirks.hit(MappingQuirk::PathFalsyIntermediate);
            }
            return cur;
        }
        cur = property(cur, key);
    }
    cur
}

/// What [`get`] will walk for `path` (`None` for the root), and the quirks the path's text
/// itself implies.
pub fn split_path(path: &str, quirks: &mut QuirkSet) -> Option<Vec<Box<str>>> {
    if path.is_empty() || path == "." {
        return None;
    }
    let segments = Segments::new(path);
    if matches!(segments, Segments::Full { .. }) {
        note_dotted_bracket_key(path, quirks);
    }
    Some(segments.map(|s| s.into_owned().into_boxed_str()).collect())
}

/// `cur[key]` for a truthy `cur`. Inherited prototype members (`constructor`, `toFixed`, …)
/// are JavaScript functions in the reference; here they are `undefined`.
pub fn property<'a>(cur: Got<'a>, key: &str) -> Got<'a> {
    property_of(&cur, key)
}

/// [`property`] of a value that stays where it is (a prepared mapping's table of path
/// prefixes): nothing is moved in or dropped for the common borrowed case.
pub fn property_of<'a>(cur: &Got<'a>, key: &str) -> Got<'a> {
    match cur {
        Got::Json(v) => property_json(v, key),
        Got::Js(v) => property_js(v, key),
        Got::Owned(v) => Got::Owned(property_js(v, key).into_js()),
    }
}

fn property_json<'a>(v: &'a Value, key: &str) -> Got<'a> {
    match v {
        Value::Object(map) => js::member(map, key).map_or(Got::UNDEFINED, Got::Json),
        Value::Array(items) => {
            if key == "length" {
                return Got::Owned(JsValue::Number(items.len() as f64));
            }
            js::is_array_index(key)
                .and_then(|i| items.get(i as usize))
                .map_or(Got::UNDEFINED, Got::Json)
        }
        Value::String(s) => string_property(s, key),
        _ => Got::UNDEFINED,
    }
}

fn property_js<'a>(v: &'a JsValue, key: &str) -> Got<'a> {
    match v {
        JsValue::Object(obj) => obj.get(key).map_or(Got::UNDEFINED, Got::Js),
        JsValue::Array(items) => {
            if key == "length" {
                return Got::Owned(JsValue::Number(items.len() as f64));
            }
            js::is_array_index(key)
                .and_then(|i| items.get(i as usize))
                .map_or(Got::UNDEFINED, Got::Js)
        }
        JsValue::String(s) => string_property(s, key),
        _ => Got::UNDEFINED,
    }
}

fn string_property(s: &str, key: &str) -> Got<'static> {
    if key == "length" {
        return Got::Owned(JsValue::Number(js::utf16::len(s) as f64));
    }
    js::is_array_index(key)
        .and_then(|i| js::utf16::unit_at(s, i as usize))
        .map_or(Got::UNDEFINED, |c| Got::Owned(JsValue::String(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_paths_like_get_ts() {
        let cases: &[(&str, &[&str])] = &[
            ("properties.a b", &["properties", "a b"]),
            ("properties[\"a b\"]", &["properties", "a b"]),
            ("properties['a b']", &["properties", "a b"]),
            ("properties[\"a.b\"]", &["properties", "a", "b"]),
            ("items[0].id", &["items", "0", "id"]),
            ("items.0.id", &["items", "0", "id"]),
            ("items[-1]", &["items[-1"]),
            ("a[b]", &["a[b]"]),
            ("a..b", &["a", "b"]),
            ("it's", &["its"]),
            ("a[\"\"]", &["a", ""]),
            ("m[0]]]x", &["m", "0", "x"]),
            (
                "integrations.Actions Amplitude.session_id",
                &["integrations", "Actions Amplitude", "session_id"],
            ),
        ];
        for (path, want) in cases {
            assert_eq!(segments(path), *want, "for {path}");
        }
    }

    #[test]
    fn walks_like_get_ts() {
        let data = json!({"a": {"b": [10, {"c": "x"}]}, "z": 0, "s": "héllo", "n": null});
        let mut q = QuirkSet::default();
        let root = Payload::Json(&data);
        let cases: &[(&str, Option<Value>)] = &[
            ("a.b[1].c", Some(json!("x"))),
            ("a.b.length", Some(json!(2))),
            ("s.length", Some(json!(5))),
            ("s.1", Some(json!("é"))),
            ("z.y", Some(json!(0))),
            ("n.y", Some(json!(null))),
            ("a.nope.deeper", None),
            ("a.b.01", None),
            ("a.constructor", None),
            ("", Some(data.clone())),
            (".", Some(data.clone())),
        ];
        for (path, want) in cases {
            assert_eq!(
                get(root, path, &mut q).into_js().to_json(),
                *want,
                "for {path}"
            );
        }
        assert!(q.contains(MappingQuirk::PathFalsyIntermediate));
    }

    #[test]
    fn strips_the_first_dollar_dot_anywhere() {
        let mut q = QuirkSet::default();
        assert_eq!(strip_dollar_dot("$.a.b", &mut q), "a.b");
        assert!(q.is_empty());
        assert_eq!(strip_dollar_dot("a$.b$.c", &mut q), "ab$.c");
        assert!(q.contains(MappingQuirk::PathDollarDotAnywhere));
        assert_eq!(strip_dollar_dot("$", &mut q), "$");
    }
}
