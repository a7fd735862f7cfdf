//! Validation of a mapping before it runs (`mapping-kit/validate.ts`), with the reference's
//! messages and, for each error, where in the mapping it is.
//!
//! The reference throws: a directive stops at its first problem, an object collects the errors
//! of all its members. This module returns exactly the list the reference's `AggregateError`
//! holds, in its order.

use serde_json::{Map, Value};

use super::path::json_type_name;
use crate::engine::js;

/// One validation error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Where the offending value is in the mapping, as keys from the root
    /// (`["event_type", "@replace", "pattern"]`; array elements by index).
    pub path: Vec<String>,
    /// The reference's message, e.g.
    /// `/event_type/@replace/pattern should be a string of length 10 or less.` Its leading path
    /// is the reference's, which differs from [`Self::path`] in two places: `@arrayPath`
    /// elements carry no index and `@merge` objects start again from `/`.
    pub message: String,
}

impl ValidationError {
    /// [`Self::path`] as a JSON pointer (`/event_type/@replace/pattern`, `/` for the root).
    pub fn pointer(&self) -> String {
        if self.path.is_empty() {
            return "/".to_string();
        }
        let mut s = String::new();
        for seg in &self.path {
            s.push('/');
            s.push_str(&seg.replace('~', "~0").replace('/', "~1"));
        }
        s
    }
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the reference throws: one `ValidationError`, or an `AggregateError` of several.
#[derive(Debug)]
pub(crate) enum Thrown {
    One(ValidationError),
    Many(Vec<ValidationError>),
}

impl Thrown {
    fn into_vec(self) -> Vec<ValidationError> {
        match self {
            Thrown::One(e) => vec![e],
            Thrown::Many(v) => v,
        }
    }
}

type VResult = Result<(), Thrown>;

/// A path kept as a borrowed chain, so validating a good mapping allocates nothing.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Child(&'a Seg<'a>, &'a str),
}

impl Seg<'_> {
    fn to_vec(self) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = self;
        while let Seg::Child(parent, key) = cur {
            out.push(key.to_string());
            cur = *parent;
        }
        out.reverse();
        out
    }
}

/// The reference's stack (used in messages) and the real location.
#[derive(Clone, Copy)]
struct At<'a> {
    refs: &'a Seg<'a>,
    loc: &'a Seg<'a>,
}

fn fail(at: At<'_>, msg: impl std::fmt::Display) -> Thrown {
    let refs = at.refs.to_vec();
    Thrown::One(ValidationError {
        path: at.loc.to_vec(),
        message: format!("/{} {msg}.", refs.join("/")),
    })
}

/// "an" before a vowel, else "a" (both packages' `indefiniteArticle`).
pub(crate) fn article(t: &str) -> &'static str {
    match t.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => "an",
        _ => "a",
    }
}

/// `realTypeOrDirective`: "directive" for an object with any `@` key, else `realTypeOf`.
fn type_or_directive(v: Option<&Value>) -> &'static str {
    match v {
        None => "undefined",
        Some(Value::Object(m)) if m.keys().any(|k| k.starts_with('@')) => "directive",
        Some(v) => json_type_name(v),
    }
}

fn directive_known(name: &str) -> bool {
    matches!(
        name,
        "@if"
            | "@case"
            | "@replace"
            | "@arrayPath"
            | "@path"
            | "@json"
            | "@flatten"
            | "@merge"
            | "@template"
            | "@literal"
            | "@transform"
            | "@excludeWhenNull"
            | "@liquid"
    )
}

/// Validates `mapping` and returns every error the reference reports (empty when valid).
pub fn validate(mapping: &Value) -> Vec<ValidationError> {
    validate_detailed(mapping).0
}

/// Like [`validate`], also telling whether the reference throws an `AggregateError` (true) or a
/// single `ValidationError` (false: a problem of a root-level directive itself).
pub fn validate_detailed(mapping: &Value) -> (Vec<ValidationError>, bool) {
    let root = Seg::Root;
    let at = At {
        refs: &root,
        loc: &root,
    };
    match node(Some(mapping), at) {
        Ok(()) => (Vec::new(), false),
        Err(Thrown::One(e)) => (vec![e], false),
        Err(Thrown::Many(v)) => (v, true),
    }
}

/// `validate(mapping, stack)`.
fn node(v: Option<&Value>, at: At<'_>) -> VResult {
    match (type_or_directive(v), v) {
        ("directive", Some(Value::Object(m))) => directive(m, at),
        ("object", Some(_)) => object(v, at),
        _ => Ok(()),
    }
}

fn directive(obj: &Map<String, Value>, at: At<'_>) -> VResult {
    let at_keys = obj.keys().filter(|k| k.starts_with('@')).count();
    if at_keys > 1 {
        return Err(fail(
            at,
            format_args!("should only have one @-prefixed key but it has {at_keys} keys"),
        ));
    }
    if obj.keys().any(|k| !k.starts_with('@') && k != "_metadata") {
        return Err(fail(
            at,
            format_args!(
                "should only have one @-prefixed key but it has {} keys",
                obj.len()
            ),
        ));
    }
    let Some((name, opts)) = obj.iter().find(|(k, _)| k.starts_with('@')) else {
        return Ok(());
    };
    if !directive_known(name) {
        return Err(fail(at, format_args!("has an invalid directive: {name}")));
    }
    let refs = Seg::Child(at.refs, name);
    let loc = Seg::Child(at.loc, name);
    let inner = At {
        refs: &refs,
        loc: &loc,
    };
    let opts = Some(opts);
    match name.as_str() {
        "@if" => with_fields(
            opts,
            &[
                ("exists", Need::Optional, Rule::DirectiveOrRaw),
                ("then", Need::Optional, Rule::DirectiveOrRaw),
                ("else", Need::Optional, Rule::DirectiveOrRaw),
            ],
            inner,
        ),
        "@case" => with_fields(
            opts,
            &[
                ("operator", Need::Optional, Rule::String),
                ("value", Need::Optional, Rule::DirectiveOrString),
            ],
            inner,
        ),
        "@replace" => with_fields(
            opts,
            &[
                ("pattern", Need::Required, Rule::StringLen(1, 10)),
                ("replacement", Need::Optional, Rule::StringLen(0, 10)),
                ("value", Need::Required, Rule::DirectiveOrString),
                ("ignorecase", Need::Optional, Rule::Boolean),
                ("global", Need::Optional, Rule::Boolean),
            ],
            inner,
        ),
        "@arrayPath" => {
            check(Rule::Array, opts, inner)?;
            let items = match opts {
                Some(Value::Array(items)) => items.as_slice(),
                _ => &[],
            };
            let l0 = Seg::Child(inner.loc, "0");
            check(
                Rule::DirectiveOrString,
                items.first(),
                At {
                    refs: inner.refs,
                    loc: &l0,
                },
            )?;
            let l1 = Seg::Child(inner.loc, "1");
            node(
                items.get(1),
                At {
                    refs: inner.refs,
                    loc: &l1,
                },
            )
        }
        "@path" | "@template" => check(Rule::DirectiveOrString, opts, inner),
        "@json" => with_fields(
            opts,
            &[
                ("value", Need::Required, Rule::DirectiveOrRaw),
                ("mode", Need::Required, Rule::OneOf(&["encode", "decode"])),
            ],
            inner,
        ),
        "@flatten" => with_fields(
            opts,
            &[
                ("separator", Need::Optional, Rule::String),
                ("value", Need::Required, Rule::DirectiveOrRaw),
            ],
            inner,
        ),
        "@merge" => {
            with_fields(
                opts,
                &[
                    ("direction", Need::Optional, Rule::OneOf(&["left", "right"])),
                    ("objects", Need::Required, Rule::Array),
                ],
                inner,
            )?;
            let Some(Value::Object(o)) = opts else {
                return Ok(());
            };
            let Some(Value::Array(items)) = o.get("objects") else {
                return Ok(());
            };
            // The reference validates each element with an empty stack.
            let root = Seg::Root;
            let lo = Seg::Child(inner.loc, "objects");
            for (i, item) in items.iter().enumerate() {
                let idx = i.to_string();
                let li = Seg::Child(&lo, &idx);
                check(
                    Rule::DirectiveOrObject,
                    Some(item),
                    At {
                        refs: &root,
                        loc: &li,
                    },
                )?;
            }
            Ok(())
        }
        "@literal" | "@excludeWhenNull" => check(Rule::DirectiveOrRaw, opts, inner),
        "@transform" => with_fields(
            opts,
            &[
                ("apply", Need::Required, Rule::DirectiveOrObject),
                ("mapping", Need::Required, Rule::DirectiveOrObject),
            ],
            inner,
        ),
        "@liquid" => check(Rule::String, opts, inner),
        _ => Ok(()),
    }
}

/// `validateObject`: every member is validated; all their errors are thrown together.
fn object(v: Option<&Value>, at: At<'_>) -> VResult {
    let t = type_or_directive(v);
    let Some(Value::Object(map)) = v.filter(|_| t == "object") else {
        return Err(fail(
            at,
            format_args!("should be an object but it is {} {t}", article(t)),
        ));
    };
    let mut errors = Vec::new();
    let mut member = |k: &str, v: &Value| {
        let refs = Seg::Child(at.refs, k);
        let loc = Seg::Child(at.loc, k);
        if let Err(e) = node(
            Some(v),
            At {
                refs: &refs,
                loc: &loc,
            },
        ) {
            errors.extend(e.into_vec());
        }
    };
    // JavaScript order decides the order of the errors; skip sorting when it is plain.
    if map.keys().any(|k| js::is_array_index(k).is_some()) {
        for k in js::ordered_keys(map) {
            member(k, &map[k.as_str()]);
        }
    } else {
        for (k, v) in map {
            member(k, v);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Thrown::Many(errors))
    }
}

#[derive(Clone, Copy)]
enum Need {
    Required,
    Optional,
}

#[derive(Clone, Copy)]
enum Rule {
    DirectiveOrRaw,
    DirectiveOrString,
    DirectiveOrObject,
    String,
    /// A string of `min..=max` UTF-16 units.
    StringLen(usize, usize),
    Boolean,
    Array,
    /// A string whose lower-case form is one of these.
    OneOf(&'static [&'static str]),
}

/// `validateObjectWithFields`: the options object is validated generically first (and its
/// errors thrown alone), then each declared field.
fn with_fields(v: Option<&Value>, fields: &[(&str, Need, Rule)], at: At<'_>) -> VResult {
    object(v, at)?;
    let Some(Value::Object(obj)) = v else {
        return Ok(());
    };
    let mut errors = Vec::new();
    for (name, need, rule) in fields {
        let value = obj.get(*name);
        let result = match (need, value) {
            (Need::Required, None) => Err(fail(
                at,
                format_args!("should have field \"{name}\" but it doesn't"),
            )),
            (_, Some(value)) => {
                let refs = Seg::Child(at.refs, name);
                let loc = Seg::Child(at.loc, name);
                check(
                    *rule,
                    Some(value),
                    At {
                        refs: &refs,
                        loc: &loc,
                    },
                )
            }
            (Need::Optional, None) => Ok(()),
        };
        if let Err(e) = result {
            errors.extend(e.into_vec());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Thrown::Many(errors))
    }
}

fn directive_of(v: Option<&Value>) -> Option<&Map<String, Value>> {
    match v {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn check(rule: Rule, v: Option<&Value>, at: At<'_>) -> VResult {
    let t = type_or_directive(v);
    match rule {
        Rule::DirectiveOrRaw => match t {
            "directive" => directive_of(v).map_or(Ok(()), |m| directive(m, at)),
            "object" | "array" | "boolean" | "string" | "number" | "null" => Ok(()),
            _ => Err(fail(
                at,
                format_args!(
                    "should be a mapping directive or a JSON value but it is {} {t}",
                    article(t)
                ),
            )),
        },
        Rule::DirectiveOrString => match t {
            "directive" => directive_of(v).map_or(Ok(()), |m| directive(m, at)),
            "string" => Ok(()),
            _ => Err(fail(
                at,
                format_args!(
                    "should be a string or a mapping directive but it is {} {t}",
                    article(t)
                ),
            )),
        },
        Rule::DirectiveOrObject => match t {
            "directive" => directive_of(v).map_or(Ok(()), |m| directive(m, at)),
            "object" => object(v, at),
            _ => Err(fail(
                at,
                format_args!(
                    "should be a object or a mapping directive but it is {} {t}",
                    article(t)
                ),
            )),
        },
        Rule::String => {
            if t == "string" {
                Ok(())
            } else {
                Err(fail(
                    at,
                    format_args!("should be a string but it is {} {t}", article(t)),
                ))
            }
        }
        Rule::StringLen(min, max) => {
            check(Rule::String, v, at)?;
            let len = v.and_then(Value::as_str).map_or(0, js::utf16::len);
            if len < min {
                return Err(fail(
                    at,
                    format_args!("should be a string of length {min} or greater"),
                ));
            }
            if len > max {
                return Err(fail(
                    at,
                    format_args!("should be a string of length {max} or less"),
                ));
            }
            Ok(())
        }
        Rule::Boolean => {
            if t == "boolean" {
                Ok(())
            } else {
                Err(fail(
                    at,
                    format_args!("should be a boolean but it is {} {t}", article(t)),
                ))
            }
        }
        Rule::Array => {
            let t = v.map_or("undefined", json_type_name);
            if t == "array" {
                Ok(())
            } else {
                Err(fail(
                    at,
                    format_args!("should be an array but it is {} {t}", article(t)),
                ))
            }
        }
        Rule::OneOf(allowed) => {
            check(Rule::String, v, at)?;
            let s = v.and_then(Value::as_str).unwrap_or("");
            if allowed.contains(&s.to_lowercase().as_str()) {
                return Ok(());
            }
            let mut quoted = String::new();
            js::write_json_string(&mut quoted, s);
            Err(fail(
                at,
                format_args!("should be one of {} but it is {quoted}", allowed.join(", ")),
            ))
        }
    }
}
