//! Evaluation (`validate.ts` + `get.ts` of `@segment/destination-subscriptions`).
//!
//! Values are read from the event with JavaScript property semantics (`a && a[key]`), without
//! copying: the hot path allocates nothing.

use serde_json::{Map, Value};

use super::ast::{Condition, Expected, Field, Group, GroupOp, Node, Operator};
use super::parser::TYPE_ERROR;
use crate::engine::js;

/// `validate` threw (the framework then fails the subscription with this message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TypeError: {}", self.message)
    }
}

/// A value read from the event, as JavaScript would see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Actual<'a> {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    /// One half of a surrogate pair (`"😀".0`): a string of one UTF-16 unit.
    LoneSurrogate(u16),
    Array(&'a Vec<Value>),
    Object(&'a Map<String, Value>),
    /// A function or prototype object reached through an inherited member (`x.toString`).
    Opaque(&'static str),
}

impl<'a> Actual<'a> {
    /// Wraps a JSON value.
    pub fn of(v: &'a Value) -> Actual<'a> {
        match v {
            Value::Null => Actual::Null,
            Value::Bool(b) => Actual::Bool(*b),
            Value::Number(n) => Actual::Num(js::json_number_to_f64(n)),
            Value::String(s) => Actual::Str(s),
            Value::Array(a) => Actual::Array(a),
            Value::Object(o) => Actual::Object(o),
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Actual::Undefined | Actual::Null => false,
            Actual::Bool(b) => *b,
            Actual::Num(n) => *n != 0.0 && !n.is_nan(),
            Actual::Str(s) => !s.is_empty(),
            _ => true,
        }
    }

    /// `this[key]` (no short-circuit).
    fn member(&self, key: &str) -> Actual<'a> {
        match self {
            Actual::Object(m) => match js::member(m, key) {
                Some(v) => Actual::of(v),
                None => proto(key, &[]),
            },
            Actual::Array(a) => {
                if key == "length" {
                    return Actual::Num(a.len() as f64);
                }
                match js::is_array_index(key) {
                    Some(i) => a.get(i as usize).map_or(Actual::Undefined, Actual::of),
                    None => proto(key, ARRAY_PROTOTYPE),
                }
            }
            Actual::Str(s) => {
                if key == "length" {
                    return Actual::Num(js::utf16::len(s) as f64);
                }
                match string_index(key) {
                    Some(i) => utf16_unit_at(s, i),
                    None => proto(key, STRING_PROTOTYPE),
                }
            }
            Actual::LoneSurrogate(_) => match key {
                "length" => Actual::Num(1.0),
                "0" => *self,
                _ => proto(key, STRING_PROTOTYPE),
            },
            Actual::Num(_) => proto(key, NUMBER_PROTOTYPE),
            Actual::Bool(_) => proto(key, BOOLEAN_PROTOTYPE),
            // Functions' own `name`/`length` are not modelled (no event relies on them).
            Actual::Opaque(_) => proto(key, &[]),
            Actual::Undefined | Actual::Null => Actual::Undefined,
        }
    }

    /// JSON for explanations; `None` for `undefined`.
    pub fn to_json(&self) -> Option<Value> {
        match self {
            Actual::Undefined => None,
            Actual::Null => Some(Value::Null),
            Actual::Bool(b) => Some(Value::Bool(*b)),
            Actual::Num(n) => Some(super::ast::number_json(*n)),
            Actual::Str(s) => Some(Value::String((*s).to_string())),
            Actual::LoneSurrogate(u) => Some(Value::String(format!("\\u{u:04x}"))),
            Actual::Array(a) => Some(Value::Array((*a).clone())),
            Actual::Object(o) => Some(Value::Object((*o).clone())),
            Actual::Opaque(what) => Some(Value::String(format!("[{what}]"))),
        }
    }

    /// The JavaScript `typeof`-like kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Actual::Undefined => "missing",
            Actual::Null => "null",
            Actual::Bool(_) => "boolean",
            Actual::Num(_) => "number",
            Actual::Str(_) | Actual::LoneSurrogate(_) => "string",
            Actual::Array(_) => "array",
            Actual::Object(_) => "object",
            Actual::Opaque(_) => "function",
        }
    }
}

/// Names of `Object.prototype` members (Node 20). The parser's keyword table is a plain
/// object too, so these also "are" field keywords there, which add nothing.
pub(crate) const OBJECT_PROTOTYPE: &[&str] = &[
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
];
const ARRAY_PROTOTYPE: &[&str] = &[
    "at",
    "concat",
    "copyWithin",
    "fill",
    "find",
    "findIndex",
    "findLast",
    "findLastIndex",
    "lastIndexOf",
    "pop",
    "push",
    "reverse",
    "shift",
    "unshift",
    "slice",
    "sort",
    "splice",
    "includes",
    "indexOf",
    "join",
    "keys",
    "entries",
    "values",
    "forEach",
    "filter",
    "flat",
    "flatMap",
    "map",
    "every",
    "some",
    "reduce",
    "reduceRight",
    "toReversed",
    "toSorted",
    "toSpliced",
    "with",
];
const STRING_PROTOTYPE: &[&str] = &[
    "anchor",
    "at",
    "big",
    "blink",
    "bold",
    "charAt",
    "charCodeAt",
    "codePointAt",
    "concat",
    "endsWith",
    "fontcolor",
    "fontsize",
    "fixed",
    "includes",
    "indexOf",
    "isWellFormed",
    "italics",
    "lastIndexOf",
    "link",
    "localeCompare",
    "match",
    "matchAll",
    "normalize",
    "padEnd",
    "padStart",
    "repeat",
    "replace",
    "replaceAll",
    "search",
    "slice",
    "small",
    "split",
    "strike",
    "sub",
    "substr",
    "substring",
    "sup",
    "startsWith",
    "toWellFormed",
    "trim",
    "trimStart",
    "trimLeft",
    "trimEnd",
    "trimRight",
    "toLocaleLowerCase",
    "toLocaleUpperCase",
    "toLowerCase",
    "toUpperCase",
];
const NUMBER_PROTOTYPE: &[&str] = &["toExponential", "toFixed", "toPrecision"];
const BOOLEAN_PROTOTYPE: &[&str] = &[];

/// An inherited member: Node 20's prototype chains (Node 20 is what the reference ran on).
fn proto(key: &str, own: &[&str]) -> Actual<'static> {
    if key == "__proto__" {
        Actual::Opaque("prototype")
    } else if OBJECT_PROTOTYPE.contains(&key) || own.contains(&key) {
        Actual::Opaque("Function")
    } else {
        Actual::Undefined
    }
}

/// A canonical integer index of a string (`"0"`, `"12"`; not `"01"`, `"-1"`).
fn string_index(key: &str) -> Option<usize> {
    if key.is_empty() || key.len() > 15 || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    key.parse().ok()
}

/// `s[i]` in UTF-16 units.
fn utf16_unit_at(s: &str, i: usize) -> Actual<'_> {
    let mut pos = 0;
    for (b, c) in s.char_indices() {
        let n = js::utf16::char_len(c);
        if i < pos + n {
            if n == 1 {
                return Actual::Str(&s[b..b + c.len_utf8()]);
            }
            let mut units = [0u16; 2];
            return Actual::LoneSurrogate(js::utf16::char_units(c, &mut units)[i - pos]);
        }
        pos += n;
    }
    Actual::Undefined
}

fn type_error(msg: String) -> EvalError {
    EvalError { message: msg }
}

/// The root members a field reads, e.g. `type`, `properties`.
fn root_member<'a>(event: &'a Value, key: &str) -> Result<Actual<'a>, EvalError> {
    match event {
        Value::Null => Err(type_error(format!(
            "Cannot read properties of null (reading '{key}')"
        ))),
        v => Ok(Actual::of(v).member(key)),
    }
}

/// Reads the value a condition tests: `event.type`, `get(event.properties, name)`, …
pub fn actual<'a>(field: &Field, event: &'a Value) -> Result<Actual<'a>, EvalError> {
    walk(field, event).map(|(a, _)| a)
}

/// Like [`actual`], also naming the path segment where `a && a[key]` stopped early on a falsy
/// value (`properties.a.b` with `a: 0` gives `0`), if it did.
pub fn actual_traced<'a>(
    field: &Field,
    event: &'a Value,
) -> Result<(Actual<'a>, Option<String>), EvalError> {
    walk(field, event).map(|(a, stop)| (a, stop.map(str::to_string)))
}

fn walk<'a, 'f>(
    field: &'f Field,
    event: &'a Value,
) -> Result<(Actual<'a>, Option<&'f str>), EvalError> {
    let root = root_member(event, field.root())?;
    let Some(name) = field.name() else {
        return Ok((root, None));
    };
    // get.ts: empty path → undefined; no segment at all → `null.reduce` throws.
    if name.is_empty() {
        return Ok((Actual::Undefined, None));
    }
    let mut segments = name
        .split(['.', '[', ']'])
        .filter(|s| !s.is_empty())
        .peekable();
    if segments.peek().is_none() {
        return Err(type_error(
            "Cannot read properties of null (reading 'reduce')".into(),
        ));
    }
    let mut cur = root;
    let mut last: Option<&str> = None;
    let mut stopped = None;
    for seg in segments {
        if !cur.truthy() {
            if stopped.is_none() && last.is_some() {
                stopped = last;
            }
            break;
        }
        cur = cur.member(seg);
        last = Some(seg);
    }
    Ok((cur, stopped))
}

fn utf16_of_actual(a: &Actual<'_>) -> Vec<u16> {
    match a {
        Actual::Str(s) => js::utf16::units(s).collect(),
        Actual::LoneSurrogate(u) => vec![*u],
        _ => Vec::new(),
    }
}

fn utf16_of_expected(e: &Expected) -> Vec<u16> {
    js::utf16::units(&e.js_string()).collect()
}

#[derive(Clone, Copy)]
enum TextOp {
    Eq,
    Contains,
    Starts,
    Ends,
}

/// A string test, exact in UTF-16 for the rare values that are not valid Unicode.
fn text_test(actual: &Actual<'_>, expected: Option<&Expected>, op: TextOp) -> bool {
    match (actual, expected) {
        // A lone surrogate in the expected text can match half of a character: by units.
        (Actual::Str(a), Some(Expected::Str(e))) if !js::utf16::has_lone(e) => match op {
            TextOp::Eq => a == e,
            TextOp::Contains => a.contains(e.as_str()),
            TextOp::Starts => a.starts_with(e.as_str()),
            TextOp::Ends => a.ends_with(e.as_str()),
        },
        (Actual::Str(_) | Actual::LoneSurrogate(_), Some(e @ Expected::Str(_)))
        | (Actual::LoneSurrogate(_), Some(e)) => {
            let a = utf16_of_actual(actual);
            let e = utf16_of_expected(e);
            match op {
                TextOp::Eq => a == e,
                TextOp::Contains => e.is_empty() || a.windows(e.len()).any(|w| w == e),
                TextOp::Starts => a.starts_with(&e),
                TextOp::Ends => a.ends_with(&e),
            }
        }
        (Actual::Str(a), expected) => {
            let e = expected.map_or_else(|| "undefined".to_string(), Expected::js_string);
            match op {
                TextOp::Eq => *a == e,
                TextOp::Contains => a.contains(e.as_str()),
                TextOp::Starts => a.starts_with(e.as_str()),
                TextOp::Ends => a.ends_with(e.as_str()),
            }
        }
        _ => false,
    }
}

fn num(actual: &Actual<'_>) -> Option<f64> {
    match actual {
        Actual::Num(n) => Some(*n),
        _ => None,
    }
}

fn expected_number(e: Option<&Expected>) -> f64 {
    e.map_or(f64::NAN, Expected::js_number)
}

fn is_string(a: &Actual<'_>) -> bool {
    matches!(a, Actual::Str(_) | Actual::LoneSurrogate(_))
}

/// `validateValue(actual, operator, expected)`.
pub fn test_value(actual: &Actual<'_>, operator: &Operator, expected: Option<&Expected>) -> bool {
    use Operator as O;
    match operator {
        O::Eq => text_test(actual, expected, TextOp::Eq),
        O::Ne => !text_test(actual, expected, TextOp::Eq),
        O::NumberEquals => num(actual).is_some_and(|a| a == expected_number(expected)),
        O::NumberNotEquals => num(actual).is_some_and(|a| a != expected_number(expected)),
        O::Lt => num(actual).is_some_and(|a| a < expected_number(expected)),
        O::Le => num(actual).is_some_and(|a| a <= expected_number(expected)),
        O::Gt => num(actual).is_some_and(|a| a > expected_number(expected)),
        O::Ge => num(actual).is_some_and(|a| a >= expected_number(expected)),
        O::Contains => text_test(actual, expected, TextOp::Contains),
        O::NotContains => is_string(actual) && !text_test(actual, expected, TextOp::Contains),
        O::StartsWith => text_test(actual, expected, TextOp::Starts),
        O::NotStartsWith => is_string(actual) && !text_test(actual, expected, TextOp::Starts),
        O::EndsWith => text_test(actual, expected, TextOp::Ends),
        O::NotEndsWith => is_string(actual) && !text_test(actual, expected, TextOp::Ends),
        O::Exists => !matches!(actual, Actual::Undefined | Actual::Null),
        O::NotExists => matches!(actual, Actual::Undefined | Actual::Null),
        O::IsTrue => matches!(actual, Actual::Bool(true)),
        O::IsFalse => matches!(actual, Actual::Bool(false)),
        O::Other(_) => false,
    }
}

/// Evaluates one condition.
pub fn eval_condition(c: &Condition, event: &Value) -> Result<bool, EvalError> {
    let a = actual(&c.field, event)?;
    Ok(test_value(&a, &c.operator, c.value.as_ref()))
}

/// Evaluates a node (short-circuiting like `every`/`some`).
pub fn eval_node(n: &Node, event: &Value) -> Result<bool, EvalError> {
    match n {
        Node::Condition(c) => eval_condition(c, event),
        Node::Group(g) => eval_group(g, event),
        Node::Empty { .. } => Err(type_error(TYPE_ERROR.into())),
    }
}

/// [`eval_group`] for the shape nearly every trigger has (`type = "track" and event !=
/// "Order Completed"`): `=` and `!=` between a top-level field and a string, the field a
/// string in the event. `None` as soon as anything else would be evaluated; the full
/// evaluation then gives the same result (it is pure, so starting over changes nothing).
pub fn eval_plain(g: &Group, event: &Value) -> Option<bool> {
    let Value::Object(m) = event else {
        return None;
    };
    for c in &g.children {
        let Node::Condition(c) = c else {
            return None;
        };
        let negate = match c.operator {
            Operator::Eq => false,
            Operator::Ne => true,
            _ => return None,
        };
        let (Some(Expected::Str(expected)), None) = (&c.value, c.field.name()) else {
            return None;
        };
        let Some(Value::String(actual)) = js::member(m, c.field.root()) else {
            return None;
        };
        let hit = crate::engine::keytable::same_key(actual, expected) != negate;
        match g.operator {
            GroupOp::And if !hit => return Some(false),
            GroupOp::Or if hit => return Some(true),
            _ => {}
        }
    }
    Some(matches!(g.operator, GroupOp::And))
}

/// Evaluates a group.
pub fn eval_group(g: &Group, event: &Value) -> Result<bool, EvalError> {
    match g.operator {
        GroupOp::And => {
            for c in &g.children {
                if !eval_node(c, event)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        GroupOp::Or => {
            for c in &g.children {
                if eval_node(c, event)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The shortcut agrees with the full evaluation wherever it answers, and answers for the
    /// presets' triggers on ordinary events.
    #[test]
    fn plain_triggers_evaluate_like_the_full_evaluation() {
        let fields = ["type", "event", "name", "userId", "properties.type"];
        let values = [
            "\"track\"",
            "\"Order Completed\"",
            "\"\"",
            "\"1\"",
            "1",
            "true",
        ];
        let mut triggers = Vec::new();
        for f in fields {
            for v in values {
                for op in ["=", "!="] {
                    triggers.push(format!("{f} {op} {v}"));
                }
            }
        }
        let singles = triggers.clone();
        for (i, a) in singles.iter().enumerate() {
            let b = &singles[(i * 7 + 3) % singles.len()];
            triggers.push(format!("{a} and {b}"));
            triggers.push(format!("{a} or {b}"));
            triggers.push(format!("{a} and ({b} or type = \"page\")"));
        }
        triggers.push("type = \"track\" and event != \"Order Completed\"".into());
        triggers.push("type = \"identify\" or type = \"page\" or properties.total > 5".into());
        let events = [
            json!({"type": "track", "event": "Order Completed", "userId": "1", "name": ""}),
            json!({"type": "track", "event": "Viewed", "properties": {"type": "track"}}),
            json!({"type": "page", "name": "Home"}),
            json!({"type": 1, "event": null, "userId": 1}),
            json!({"type": "track", "event": ["track"], "name": {"a": 1}}),
            json!({"event": "constructor", "name": true}),
            json!({}),
            json!(null),
            json!("track"),
        ];
        let mut answered = 0;
        for t in &triggers {
            let fql = crate::engine::trigger::parse(t).unwrap_or_else(|e| panic!("{t}: {e:?}"));
            for e in &events {
                if let Some(fast) = eval_plain(&fql.root, e) {
                    answered += 1;
                    let full = eval_group(&fql.root, e);
                    assert_eq!(Ok(fast), full.map_err(|e| e.message), "{t} on {e}");
                }
            }
        }
        assert!(answered > 300, "{answered}");
        let preset =
            crate::engine::trigger::parse("type = \"track\" and event != \"Order Completed\"")
                .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(eval_plain(&preset.root, &events[1]), Some(true));
        assert_eq!(eval_plain(&preset.root, &events[2]), Some(false));
    }
}
