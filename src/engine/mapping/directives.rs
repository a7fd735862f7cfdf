//! The resolver and the 13 directives (`mapping-kit/index.ts`).

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::MappingError;
use super::path::{Got, Payload, get, json_truthy, json_type_name, strip_dollar_dot};
use super::quirks::{MappingQuirk, QuirkSet};
use super::template::render;
use super::value::{JsObject, JsValue};
use crate::engine::js;

/// The key that turns a mapping into "run this directive over the other fields".
pub const ROOT_DIRECTIVE_KEY: &str = "__segment_internal_directive";

/// State of one resolution.
#[derive(Debug, Default)]
pub struct Ctx {
    pub quirks: QuirkSet,
}

fn err(msg: impl Into<String>) -> MappingError {
    MappingError::Runtime(msg.into())
}

/// `isDirective`: a plain object with at least one `@` key whose other keys are `_metadata`.
pub fn is_directive(map: &Map<String, Value>) -> bool {
    let mut has_at = false;
    for k in map.keys() {
        if k.starts_with('@') {
            has_at = true;
        } else if k != "_metadata" {
            return false;
        }
    }
    has_at
}

/// `transform(mapping, data)`: root-directive handling, validation, resolution, undefined removal.
pub fn transform(
    mapping: &Value,
    data: Payload<'_>,
    cx: &mut Ctx,
) -> Result<JsValue, MappingError> {
    let data = defaulted(data);
    check_data(data)?;
    let to_process = prepare(mapping, cx)?;
    run_prepared(&to_process, data, cx)
}

/// JavaScript's default parameter `data = {}` (of `transform` and of the template renderer):
/// an `undefined` payload (an `@transform` whose `apply` gave nothing, an `undefined` element
/// under `@arrayPath`) is read as an empty object.
fn defaulted(data: Payload<'_>) -> Payload<'_> {
    static EMPTY: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    match data {
        Payload::Js(JsValue::Undefined) => {
            Payload::Json(EMPTY.get_or_init(|| Value::Object(serde_json::Map::new())))
        }
        d => d,
    }
}

/// `data must be an object`.
pub fn check_data(data: Payload<'_>) -> Result<(), MappingError> {
    let data_type = match data {
        Payload::Json(v) => json_type_name(v),
        Payload::Js(v) => v.type_name(),
    };
    if data_type != "object" {
        return Err(err(format!("data must be an object, got {data_type}")));
    }
    Ok(())
}

/// The mapping `transform` actually resolves (`{...mapping}` and root-directive handling),
/// validated.
pub fn prepare<'m>(mapping: &'m Value, cx: &mut Ctx) -> Result<Cow<'m, Value>, MappingError> {
    let to_process: Cow<'m, Value> = match mapping {
        Value::Object(map) if map.contains_key(ROOT_DIRECTIVE_KEY) => {
            Cow::Owned(root_directive_mapping(map)?)
        }
        Value::Object(_) => Cow::Borrowed(mapping),
        Value::String(s) => {
            // `{...mapping}` spreads a string into its characters.
            cx.quirks.hit(MappingQuirk::StringMappingSpread);
            Cow::Owned(Value::Object(
                js::utf16::units(s)
                    .enumerate()
                    .map(|(i, u)| {
                        let c = js::utf16::unit_char(u);
                        (i.to_string(), Value::String(c.to_string()))
                    })
                    .collect(),
            ))
        }
        Value::Array(items) => Cow::Owned(Value::Object(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect(),
        )),
        Value::Null => {
            return Err(err("Cannot convert undefined or null to object"));
        }
        Value::Bool(_) | Value::Number(_) => Cow::Owned(Value::Object(Map::new())),
    };
    let (errors, aggregate) = super::validate::validate_detailed(&to_process);
    if !errors.is_empty() {
        return Err(MappingError::Invalid { errors, aggregate });
    }
    Ok(to_process)
}

/// Resolves a mapping returned by [`prepare`] and removes `undefined` members.
pub fn run_prepared(
    to_process: &Value,
    data: Payload<'_>,
    cx: &mut Ctx,
) -> Result<JsValue, MappingError> {
    let mut out = resolve(to_process, data, cx)?.into_js();
    out.remove_undefined();
    Ok(out)
}

/// `getMappingToProcess`: `{"__segment_internal_directive": {"@d": opts}, ...fields}` becomes
/// `{"@d": {...opts, "mapping": fields}}`.
fn root_directive_mapping(map: &Map<String, Value>) -> Result<Value, MappingError> {
    let mut fields = Map::new();
    for (k, v) in map {
        if k != ROOT_DIRECTIVE_KEY {
            fields.insert(k.clone(), v.clone());
        }
    }
    let root = &map[ROOT_DIRECTIVE_KEY];
    if let Value::Array(items) = root {
        // `Object.keys` of an array are its indices: one element is the directive object.
        let mut items = items.clone();
        match items.as_mut_slice() {
            [Value::Object(opts)] => {
                opts.insert("mapping".to_string(), Value::Object(fields));
            }
            // A named member on an array is invisible to JSON and to resolution.
            [Value::Array(_)] => {}
            [_, _, ..] => {
                return Err(err(
                    "The root mapping must only have a single directive object",
                ));
            }
            _ => return Err(err("The root directive must be an object")),
        }
        return Ok(Value::Array(items));
    }
    if root.is_null() {
        // `Object.keys(null)` throws.
        return Err(err("Cannot convert undefined or null to object"));
    }
    let mut root_map = match root {
        Value::Object(m) => m.clone(),
        Value::String(s) if js::utf16::len(s) > 1 => {
            return Err(err(
                "The root mapping must only have a single directive object",
            ));
        }
        _ => return Err(err("The root directive must be an object")),
    };
    if root_map.len() > 1 {
        return Err(err(
            "The root mapping must only have a single directive object",
        ));
    }
    let Some(first) = js::ordered_keys(&root_map).first().map(|k| (*k).clone()) else {
        return Err(err("The root directive must be an object"));
    };
    match root_map.get_mut(&first) {
        Some(Value::Object(opts)) => {
            opts.insert("mapping".to_string(), Value::Object(fields));
        }
        // An array is an object to `typeof`, but JSON cannot carry a named member on it.
        Some(Value::Array(_)) => {}
        _ => return Err(err("The root directive must be an object")),
    }
    Ok(Value::Object(root_map))
}

/// `resolve(mapping, payload)`.
pub fn resolve<'a>(m: &Value, payload: Payload<'a>, cx: &mut Ctx) -> Result<Got<'a>, MappingError> {
    match m {
        Value::Object(map) => {
            if is_directive(map) {
                return run_directive(map, payload, cx);
            }
            // Members are resolved in JavaScript property order (it decides which quirk or
            // error comes first); `push_new` keeps the object in that order.
            let mut obj = JsObject::with_capacity(map.len());
            if map.keys().any(|k| js::is_array_index(k).is_some()) {
                for k in js::ordered_keys(map) {
                    let v = resolve(&map[k.as_str()], payload, cx)?.into_js();
                    obj.push_new(Arc::from(k.as_str()), v);
                }
            } else {
                for (k, v) in map {
                    let v = resolve(v, payload, cx)?.into_js();
                    obj.push_new(Arc::from(k.as_str()), v);
                }
            }
            Ok(Got::Owned(JsValue::Object(obj)))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(resolve(item, payload, cx)?.into_js());
            }
            Ok(Got::Owned(JsValue::Array(out)))
        }
        raw => Ok(Got::Owned(JsValue::from_json(raw))),
    }
}

/// Resolves an optional option value (`undefined` when absent).
fn resolve_opt<'a>(
    m: Option<&Value>,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    match m {
        Some(v) => resolve(v, payload, cx),
        None => Ok(Got::UNDEFINED),
    }
}

fn truthy_opt(v: Option<&Value>) -> bool {
    v.is_some_and(json_truthy)
}

fn run_directive<'a>(
    map: &Map<String, Value>,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Some((name, opts)) = map.iter().find(|(k, _)| k.starts_with('@')) else {
        return Ok(Got::UNDEFINED);
    };
    match name.as_str() {
        "@if" => if_directive(opts, payload, cx),
        "@case" => case_directive(opts, payload, cx),
        "@replace" => replace_directive(opts, payload, cx),
        "@arrayPath" => array_path_directive(opts, payload, cx),
        "@path" => {
            let path = string_option("@path", opts, payload, cx)?;
            let path = strip_dollar_dot(&path, &mut cx.quirks);
            Ok(get(payload, &path, &mut cx.quirks))
        }
        "@template" => {
            let tpl = string_option("@template", opts, payload, cx)?;
            Ok(Got::Owned(JsValue::String(render(
                &tpl,
                defaulted(payload),
                &mut cx.quirks,
            ))))
        }
        "@literal" => resolve(opts, payload, cx),
        "@flatten" => flatten_directive(opts, payload, cx),
        "@json" => json_directive(opts, payload, cx),
        "@merge" => merge_directive(opts, payload, cx),
        "@transform" => transform_directive(opts, payload, cx),
        "@excludeWhenNull" => {
            let v = resolve(opts, payload, cx)?;
            if v.is_nullish() && !v.is_undefined() {
                return Ok(Got::UNDEFINED);
            }
            Ok(match v.into_js() {
                JsValue::Object(obj) => Got::Owned(JsValue::Object(clean_nulls(obj))),
                other => Got::Owned(other),
            })
        }
        "@liquid" => super::liquid::evaluate(opts, payload).map(|s| Got::Owned(JsValue::String(s))),
        other => Err(err(format!(
            "{other} is not a valid directive, got undefined"
        ))),
    }
}

/// `registerStringDirective`: the option resolves to the string the directive works on.
fn string_option<'m>(
    name: &str,
    opts: &'m Value,
    payload: Payload<'_>,
    cx: &mut Ctx,
) -> Result<Cow<'m, str>, MappingError> {
    if let Value::String(s) = opts {
        return Ok(Cow::Borrowed(s));
    }
    let v = resolve(opts, payload, cx)?;
    match v.as_str() {
        Some(s) => Ok(Cow::Owned(s.to_string())),
        None => Err(err(format!(
            "{name}: expected string, got {}",
            v.type_name()
        ))),
    }
}

fn if_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Object(o) = opts else {
        return Err(err("@if requires an object with an \"exists\" key"));
    };
    let exists = o.get("exists");
    let blank = o.get("blank");
    if !truthy_opt(exists) && !truthy_opt(blank) {
        return Err(err("@if requires an \"exists\" key or a \"blank\" key"));
    }
    let condition = if let Some(e) = exists {
        !resolve(e, payload, cx)?.is_nullish()
    } else {
        let v = resolve_opt(blank, payload, cx)?;
        !v.is_nullish() && !loosely_equals_empty_string(&v)
    };
    if condition {
        if let Some(then) = o.get("then") {
            return resolve(then, payload, cx);
        }
    } else if let Some(els) = o.get("else") {
        if json_truthy(els) {
            return resolve(els, payload, cx);
        }
        cx.quirks.hit(MappingQuirk::IfFalsyElseDropped);
    }
    Ok(Got::UNDEFINED)
}

/// `v == ''` for a non-nullish `v`.
fn loosely_equals_empty_string(v: &Got<'_>) -> bool {
    let js = match v {
        Got::Json(j) => {
            return match j {
                Value::String(s) => s.is_empty(),
                Value::Number(n) => js::json_number_to_f64(n) == 0.0,
                Value::Bool(b) => !*b,
                Value::Array(_) => {
                    let mut s = String::new();
                    super::path::write_json_as_js_string(j, &mut s);
                    s.is_empty()
                }
                Value::Object(_) | Value::Null => false,
            };
        }
        Got::Js(x) => *x,
        Got::Owned(x) => x,
    };
    match js {
        JsValue::String(s) => s.is_empty(),
        JsValue::Number(x) => *x == 0.0,
        JsValue::Bool(b) => !*b,
        JsValue::Array(_) => js.to_js_string().is_empty(),
        _ => false,
    }
}

fn case_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Object(o) = opts else {
        return Err(err("@case requires an object with a \"operator\" key"));
    };
    let operator = o.get("operator");
    if !truthy_opt(operator) {
        return Err(err("@case requires a \"operator\" key"));
    }
    let value = o.get("value");
    if !truthy_opt(value) {
        return Ok(Got::UNDEFINED);
    }
    let v = resolve_opt(value, payload, cx)?;
    let Some(s) = v.as_str() else {
        return Ok(v);
    };
    let out = match operator.and_then(Value::as_str) {
        Some("lower") => s.to_lowercase(),
        Some("upper") => s.to_uppercase(),
        _ => {
            return Err(err(
                "operator key should have a value of \"lower\" or \"upper\"",
            ));
        }
    };
    Ok(Got::Owned(JsValue::String(out)))
}

const MAX_PATTERN_LENGTH: usize = 10;
const MAX_REPLACEMENT_LENGTH: usize = 10;

fn replace_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Object(o) = opts else {
        return Err(err("@replace requires an object with a \"pattern\" key"));
    };
    let pattern = o.get("pattern");
    if !truthy_opt(pattern) {
        return Err(err("@replace requires a \"pattern\" key"));
    }
    // The reference writes these defaults back into the options; the values are what matters.
    let empty = Value::String(String::new());
    let nullish = |v: Option<&Value>| v.is_none_or(Value::is_null);
    let replacement = if nullish(o.get("replacement")) {
        &empty
    } else {
        &o["replacement"]
    };
    let pattern2 = o.get("pattern2");
    let replacement2 = match o.get("replacement2") {
        Some(v) if !v.is_null() => Some(v),
        _ if truthy_opt(pattern2) => Some(&empty),
        _ => None,
    };
    let ignorecase = match o.get("ignorecase") {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => None,
    };
    let global = match o.get("global") {
        None | Some(Value::Null) => Some(true),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => None,
    };
    let value = o.get("value");
    if !truthy_opt(value) {
        return Ok(Got::UNDEFINED);
    }
    let v = resolve_opt(value, payload, cx)?;
    let text: Option<String> = match &v {
        Got::Json(Value::Number(_) | Value::Bool(_))
        | Got::Js(JsValue::Number(_) | JsValue::Bool(_))
        | Got::Owned(JsValue::Number(_) | JsValue::Bool(_)) => {
            let mut s = String::new();
            v.write_js_string(&mut s);
            Some(s)
        }
        _ => v.as_str().map(str::to_string),
    };
    let (Some(text), Some(Value::String(pattern)), Value::String(replacement), Some(ic), Some(g)) =
        (text, pattern, replacement, ignorecase, global)
    else {
        cx.quirks.hit(MappingQuirk::ReplaceNonStringGivesEmpty);
        return Ok(Got::Owned(JsValue::String(String::new())));
    };
    let mut out = perform_replace(&text, pattern, replacement, g, ic, cx)?;
    if let (Some(Value::String(p2)), Some(Value::String(r2))) = (pattern2, replacement2)
        && !p2.is_empty()
    {
        out = perform_replace(&out, p2, r2, g, ic, cx)?;
    }
    Ok(Got::Owned(JsValue::String(out)))
}

fn perform_replace(
    value: &str,
    pattern: &str,
    replacement: &str,
    global: bool,
    ignorecase: bool,
    cx: &mut Ctx,
) -> Result<String, MappingError> {
    if js::utf16::len(pattern) > MAX_PATTERN_LENGTH {
        return Err(err(format!(
            "@replace requires a \"pattern\" less than {MAX_PATTERN_LENGTH} characters"
        )));
    }
    if js::utf16::len(replacement) > MAX_REPLACEMENT_LENGTH {
        return Err(err(format!(
            "@replace requires a \"replacement\" less than {MAX_REPLACEMENT_LENGTH} characters"
        )));
    }
    // A lone surrogate finds half of a character: then the search goes unit by unit.
    let by_units = js::utf16::has_lone(pattern);
    let split = if by_units {
        js::utf16::split_pairs(value)
    } else {
        Cow::Borrowed(value)
    };
    let value: &str = &split;
    let pat: Vec<char> = pattern.chars().collect();
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    let mut out = String::with_capacity(value.len());
    let mut copied = 0usize; // byte offset
    let mut i = 0usize; // char index
    while i + pat.len() <= chars.len() {
        let hit = pat.iter().enumerate().all(|(j, p)| {
            let c = chars[i + j].1;
            c == *p || (ignorecase && canonicalize(c) == canonicalize(*p))
        });
        if !hit {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let end = chars.get(i + pat.len()).map_or(value.len(), |(b, _)| *b);
        out.push_str(&value[copied..start]);
        substitute(&mut out, replacement, value, start, end, cx);
        copied = end;
        i += pat.len();
        if !global {
            break;
        }
    }
    out.push_str(&value[copied..]);
    Ok(if by_units {
        js::utf16::join_pairs(&out)
    } else {
        out
    })
}

/// JavaScript's non-Unicode case-insensitive `Canonicalize`, which works on UTF-16 code units:
/// the simple upper-case mapping, unless it is not a single code unit or would map non-ASCII
/// to ASCII (a character outside the BMP is two units, each its own canonical form).
fn canonicalize(c: char) -> char {
    if c.len_utf16() > 1 {
        return c;
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) if u.len_utf16() == 1 && (c.is_ascii() || !u.is_ascii()) => u,
        _ => c,
    }
}

/// `GetSubstitution` without capture groups: `$$`, `$&`, `` $` ``, `$'`; anything else is literal.
fn substitute(
    out: &mut String,
    replacement: &str,
    value: &str,
    start: usize,
    end: usize,
    cx: &mut Ctx,
) {
    let mut rest = replacement;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        match after.chars().next() {
            Some('$') => out.push('$'),
            Some('&') => out.push_str(&value[start..end]),
            Some('`') => out.push_str(&value[..start]),
            Some('\'') => out.push_str(&value[end..]),
            _ => {
                out.push('$');
                rest = after;
                continue;
            }
        }
        cx.quirks.hit(MappingQuirk::ReplaceDollarPatterns);
        rest = &after[1..];
    }
    out.push_str(rest);
}

fn array_path_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Array(items) = opts else {
        return Err(err(format!(
            "@arrayPath expected array, got {}",
            json_type_name(opts)
        )));
    };
    let path = items.first();
    let shape = items.get(1);
    let root = match path {
        Some(Value::String(p)) => {
            let p = strip_dollar_dot(p, &mut cx.quirks);
            get(payload, &p, &mut cx.quirks)
        }
        other => {
            let r = resolve_opt(other, payload, cx)?;
            if r.as_str().is_some() {
                cx.quirks.hit(MappingQuirk::ArrayPathDirectiveNotPath);
            }
            r
        }
    };
    array_path_shape(root, shape, cx, |item, cx| {
        resolve(shape.unwrap_or(&Value::Null), item, cx).map(Got::into_js)
    })
}

/// The rest of `@arrayPath` once its root is found: the shape resolved against each element
/// (or against the root itself when it is an object) by `resolve_shape`, or the root as it is.
pub(super) fn array_path_shape<'a>(
    root: Got<'a>,
    shape: Option<&Value>,
    cx: &mut Ctx,
    mut resolve_shape: impl FnMut(Payload<'_>, &mut Ctx) -> Result<JsValue, MappingError>,
) -> Result<Got<'a>, MappingError> {
    let Some(Value::Object(shape_map)) = shape else {
        return Ok(root);
    };
    if shape_map.is_empty() || !matches!(root.type_name(), "object" | "array") {
        return Ok(root);
    }
    let mut out = Vec::new();
    {
        let mut each = |item: Payload<'_>, cx: &mut Ctx| -> Result<(), MappingError> {
            out.push(resolve_shape(item, cx)?);
            Ok(())
        };
        match &root {
            Got::Json(Value::Array(a)) => {
                for it in a {
                    each(Payload::Json(it), cx)?;
                }
            }
            Got::Js(JsValue::Array(a)) => {
                for it in a {
                    each(Payload::Js(it), cx)?;
                }
            }
            Got::Owned(JsValue::Array(a)) => {
                for it in a {
                    each(Payload::Js(it), cx)?;
                }
            }
            Got::Json(j) => each(Payload::Json(j), cx)?,
            Got::Js(j) => each(Payload::Js(j), cx)?,
            Got::Owned(j) => each(Payload::Js(j), cx)?,
        }
    }
    Ok(Got::Owned(JsValue::Array(out)))
}

fn flatten_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Object(o) = opts else {
        return Err(err("@flatten requires an object with a \"separator\" key"));
    };
    let sep_opt = o.get("separator");
    if !truthy_opt(sep_opt) {
        return Err(err("@flatten requires a \"separator\" key"));
    }
    let sep = resolve_opt(sep_opt, payload, cx)?;
    let Some(sep) = sep.as_str().map(str::to_string) else {
        return Err(err("@flatten requires a string separator"));
    };
    let value = resolve_opt(o.get("value"), payload, cx)?.into_js();
    let omit_arrays = truthy_opt(o.get("omitArrays"));
    let mut out = JsObject::new();
    flatten_into(&mut out, value, "", &sep, omit_arrays);
    Ok(Got::Owned(JsValue::Object(out)))
}

fn flatten_into(out: &mut JsObject, input: JsValue, prefix: &str, sep: &str, omit_arrays: bool) {
    let key_for = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}{sep}{k}")
        }
    };
    match input {
        JsValue::Object(obj) => {
            for (k, v) in obj {
                flatten_into(out, v, &key_for(&k), sep, omit_arrays);
            }
        }
        JsValue::Array(items) if !omit_arrays => {
            for (i, v) in items.into_iter().enumerate() {
                flatten_into(out, v, &key_for(&i.to_string()), sep, omit_arrays);
            }
        }
        leaf => out.insert(prefix, leaf),
    }
}

fn json_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Object(o) = opts else {
        return Err(err("@json requires an object with a \"value\" key"));
    };
    let mode = o.get("mode");
    if !truthy_opt(mode) {
        return Err(err("@json requires a \"mode\" key"));
    }
    let value = o.get("value");
    if !truthy_opt(value) {
        return Err(err("@json requires a \"value\" key"));
    }
    let v = resolve_opt(value, payload, cx)?;
    match mode.and_then(Value::as_str) {
        Some("encode") => Ok(Got::Owned(
            v.into_js()
                .json_stringify()
                .map_or(JsValue::Undefined, JsValue::String),
        )),
        Some("decode") => {
            let Some(s) = v.as_str() else {
                return Ok(v);
            };
            Ok(Got::Owned(
                super::value::parse_json(s).unwrap_or_else(|| JsValue::String(s.to_string())),
            ))
        }
        _ => {
            cx.quirks.hit(MappingQuirk::JsonModeCase);
            Ok(Got::UNDEFINED)
        }
    }
}

fn merge_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Object(o) = opts else {
        return Err(err(
            "@merge requires an object with an \"objects\" key and a \"direction\" key",
        ));
    };
    let direction = o.get("direction");
    if !truthy_opt(direction) {
        return Err(err("@merge requires a \"direction\" key"));
    }
    let direction = resolve_opt(direction, payload, cx)?;
    let objects = o.get("objects");
    if !truthy_opt(objects) {
        return Err(err("@merge requires a \"objects\" key"));
    }
    let Some(Value::Array(items)) = objects else {
        let t = match objects {
            Some(Value::String(_)) => "string",
            Some(Value::Number(_)) => "number",
            Some(Value::Bool(_)) => "boolean",
            _ => "object",
        };
        return Err(err(format!("@merge: expected opts.array, got {t}")));
    };
    let mut resolved = Vec::with_capacity(items.len());
    for item in items {
        resolved.push(resolve(item, payload, cx)?.into_js());
    }
    match direction.as_str() {
        Some("left") => resolved.reverse(),
        Some(d) if d.eq_ignore_ascii_case("left") => {
            cx.quirks.hit(MappingQuirk::MergeDirectionCase);
        }
        _ => {}
    }
    let mut out = JsObject::new();
    for source in resolved {
        match source {
            JsValue::Object(obj) => {
                for (k, v) in obj {
                    if matches!(v, JsValue::Undefined)
                        && out
                            .get(&k)
                            .is_some_and(|old| !matches!(old, JsValue::Undefined))
                    {
                        cx.quirks.hit(MappingQuirk::MergeUndefinedErases);
                    }
                    out.insert(k, v);
                }
            }
            JsValue::Array(items) => {
                cx.quirks.hit(MappingQuirk::MergeSpreadsNonObject);
                for (i, v) in items.into_iter().enumerate() {
                    out.insert(i.to_string(), v);
                }
            }
            JsValue::String(s) => {
                cx.quirks.hit(MappingQuirk::MergeSpreadsNonObject);
                for (i, u) in js::utf16::units(&s).enumerate() {
                    let c = js::utf16::unit_char(u);
                    out.insert(i.to_string(), JsValue::String(c.to_string()));
                }
            }
            _ => {}
        }
    }
    Ok(Got::Owned(JsValue::Object(out)))
}

fn transform_directive<'a>(
    opts: &Value,
    payload: Payload<'a>,
    cx: &mut Ctx,
) -> Result<Got<'a>, MappingError> {
    let Value::Object(o) = opts else {
        return Err(err(
            "@transform requires an object with an \"apply\" key and a \"mapping\" key",
        ));
    };
    let mapping = o.get("mapping");
    if !truthy_opt(mapping) {
        return Err(err("@transform requires a \"mapping\" key"));
    }
    let apply = o.get("apply");
    if !truthy_opt(apply) {
        return Err(err("@transform requires a \"apply\" key"));
    }
    let Some(apply @ Value::Object(_)) = apply else {
        return Err(err("@transform \"apply\" key should be an object"));
    };
    let new_payload = transform(apply, payload, cx)?;
    let out = resolve(
        mapping.unwrap_or(&Value::Null),
        Payload::Js(&new_payload),
        cx,
    )?
    .into_js();
    Ok(Got::Owned(out))
}

/// `cleanNulls`: `null` members become `undefined`, recursing into nested objects only.
fn clean_nulls(mut obj: JsObject) -> JsObject {
    for (_, v) in obj.iter_mut() {
        match v {
            JsValue::Null => *v = JsValue::Undefined,
            JsValue::Object(inner) => *inner = clean_nulls(std::mem::take(inner)),
            _ => {}
        }
    }
    obj
}
