//! Segment's mapping language (mapping-kit of `@segment/actions-core` 3.170.0), reproduced
//! exactly, and the framework pipeline between a resolved mapping and an action's `perform`.
//!
//! * [`resolve`] runs `transform(mapping, event)`: validation, resolution, removal of
//!   `undefined` members. [`resolve_with_report`] also says which [`MappingQuirk`]s it hit.
//! * [`PreparedMapping`] validates once and resolves many events (same results).
//! * [`validate`] lists every validation error with the reference's message and its location.
//! * [`schema`] holds action field definitions and [`schema::process`], the clean-up and ajv
//!   coercion/validation the framework runs before `perform`.

pub mod directives;
pub mod liquid;
pub mod path;
pub mod quirks;
pub mod schema;
pub mod template;
pub mod validate;
pub mod value;

use std::sync::Arc;

use serde_json::Value;

use crate::engine::js;
use crate::engine::keytable::KeyTable;
use schema::{DirectValue, JsonRef};

pub use liquid::with_clock;
pub use path::Payload;
pub use quirks::{MappingQuirk, QuirkSet};
pub use validate::{ValidationError, validate, validate_detailed};
pub use value::{JsObject, JsValue};

/// Why a mapping could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum MappingError {
    /// The mapping failed validation before anything ran. `aggregate` tells whether the
    /// reference throws an `AggregateError` (true) or a single `ValidationError`.
    Invalid {
        errors: Vec<ValidationError>,
        aggregate: bool,
    },
    /// A plain `Error` the reference throws while resolving (e.g. `@merge requires a
    /// "direction" key`).
    Runtime(String),
    /// A LiquidJS `ParseError`/`RenderError` (message with its `, line:1, col:1` suffix).
    Liquid(String),
    /// Something the reference accepts but Ampscope cannot reproduce exactly.
    Unsupported(String),
}

impl MappingError {
    /// The error's `message` as the reference's error object carries it. For an
    /// `AggregateError` that is the items' first stack lines, indented:
    /// `"\n    ValidationError: /a has an invalid directive: @x."`.
    pub fn reference_message(&self) -> String {
        match self {
            MappingError::Invalid { errors, aggregate } => {
                if *aggregate {
                    let mut s = String::new();
                    for e in errors {
                        s.push_str("\n    ValidationError: ");
                        s.push_str(&e.message);
                    }
                    s
                } else {
                    errors
                        .first()
                        .map(|e| e.message.clone())
                        .unwrap_or_default()
                }
            }
            MappingError::Runtime(m) | MappingError::Liquid(m) | MappingError::Unsupported(m) => {
                m.clone()
            }
        }
    }

    /// The class of the reference's error object: `AggregateError` or `ValidationError` for
    /// an invalid mapping, `Error` for a run-time error, `ParseError`/`TokenizationError`/
    /// `RenderError` for LiquidJS, `Unsupported` for what Ampscope rejects.
    pub fn class(&self) -> &'static str {
        match self {
            MappingError::Invalid {
                aggregate: true, ..
            } => "AggregateError",
            MappingError::Invalid { .. } => "ValidationError",
            MappingError::Runtime(_) => "Error",
            MappingError::Liquid(m) if m.starts_with("output ") => "TokenizationError",
            MappingError::Liquid(m) if m.starts_with("tag ") => "ParseError",
            MappingError::Liquid(_) => "RenderError",
            MappingError::Unsupported(_) => "Unsupported",
        }
    }

    /// The individual messages (one per validation error).
    pub fn messages(&self) -> Vec<String> {
        match self {
            MappingError::Invalid { errors, .. } => {
                errors.iter().map(|e| e.message.clone()).collect()
            }
            other => vec![other.reference_message()],
        }
    }
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.messages().join("\n"))
    }
}

impl std::error::Error for MappingError {}

/// A resolved mapping and the quirks its resolution relied on.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// What `transform` returned (`undefined` members already removed).
    pub value: JsValue,
    /// Reproduced reference surprises this resolution hit, in declaration order.
    pub quirks: Vec<MappingQuirk>,
}

/// `transform(mapping, data)`: validates `mapping`, resolves it against `data` (the raw
/// Segment event) and removes `undefined` members.
pub fn resolve(mapping: &Value, data: &Value) -> Result<JsValue, MappingError> {
    let mut cx = directives::Ctx::default();
    directives::transform(mapping, Payload::Json(data), &mut cx)
}

/// [`resolve`], also reporting the [`MappingQuirk`]s hit.
pub fn resolve_with_report(mapping: &Value, data: &Value) -> Result<Resolution, MappingError> {
    let mut cx = directives::Ctx::default();
    let value = directives::transform(mapping, Payload::Json(data), &mut cx)?;
    Ok(Resolution {
        value,
        quirks: cx.quirks.to_vec(),
    })
}

/// A mapping validated once, to resolve against many events (what the reference does per
/// event minus the repeated validation, which cannot change the result).
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedMapping {
    plan: Plan,
    quirks: QuirkSet,
    /// Every prefix of the plan's `@path`s once, parents first: `(parent, key)`, the parent
    /// [`ROOT`] for first segments. Resolving an event looks each prefix up once (the presets'
    /// 140-odd path steps share about 50 prefixes such as `context.device`).
    trie: Vec<(usize, Box<str>)>,
    /// For the root and each node of `trie` (the root last) with several children: where
    /// each child's key leads, so an object's members are looked up in it once each instead
    /// of the object being searched once per child (see [`Fanout`]).
    fanout: Vec<Option<Fanout>>,
}

/// The parent of a first path segment in [`PreparedMapping`]'s trie.
const ROOT: usize = usize::MAX;

/// The children of a trie node (or the root) by key, for nodes with two or more: `context`
/// alone has a dozen children in the presets, and finding each in an object of a dozen
/// members cost more than looking each member up here.
#[derive(Debug, Clone, PartialEq)]
struct Fanout {
    table: KeyTable<32>,
    children: usize,
}

impl Fanout {
    /// Tables for the root (last) and every node with at least two children (none where the
    /// table would not take them).
    fn of_trie(trie: &[(usize, Box<str>)]) -> Vec<Option<Fanout>> {
        let parent_at = |p: usize| if p == ROOT { trie.len() } else { p };
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); trie.len() + 1];
        for (i, (parent, _)) in trie.iter().enumerate() {
            kids[parent_at(*parent)].push(i);
        }
        kids.into_iter()
            .map(|children| {
                if children.len() < 2 {
                    return None;
                }
                Some(Fanout {
                    table: KeyTable::of(children.iter().map(|&c| (c, &*trie[c].1)))?,
                    children: children.len(),
                })
            })
            .collect()
    }

    /// The child node whose key is `key`.
    #[inline]
    fn child(&self, trie: &[(usize, Box<str>)], key: &str) -> Option<usize> {
        self.table.find(key, |c| &trie[c].1)
    }
}

/// The value of every node of a prepared mapping's trie for one payload: a borrowed JSON value
/// or `undefined` (`None`), one word each, looked at once per node per event; the rare value
/// computed on the way (a `length`, a character of a string) is kept aside.
struct Slots<'a> {
    json: Vec<Option<&'a Value>>,
    /// The computed values, by node; their nodes hold [`COMPUTED`].
    computed: Vec<(usize, JsValue)>,
}

/// What a node with a computed value holds (compared by address: no event value is this one).
static COMPUTED: Value = Value::Null;

impl<'a> Slots<'a> {
    /// The value of node `i`.
    #[inline]
    fn get(&self, i: usize) -> path::Got<'a> {
        match self.json[i] {
            None => path::Got::UNDEFINED,
            Some(v) if std::ptr::eq(v, &COMPUTED) => self.computed(i),
            Some(v) => path::Got::Json(v),
        }
    }

    #[cold]
    fn computed(&self, i: usize) -> path::Got<'a> {
        let v = self.computed.iter().find(|(at, _)| *at == i);
        path::Got::Owned(v.map_or(JsValue::Undefined, |(_, v)| v.clone()))
    }

    fn is_undefined(&self, i: usize) -> bool {
        self.json[i].is_none()
    }

    /// `v == null` for node `i`'s value.
    #[inline]
    fn is_nullish(&self, i: usize) -> bool {
        match self.json[i] {
            None => true,
            Some(v) if std::ptr::eq(v, &COMPUTED) => self.computed(i).is_nullish(),
            Some(v) => v.is_null(),
        }
    }

    /// Node `node`'s value as JSON as [`path::Got::into_plain_json`] gives it; `Some(None)`
    /// for no node or an `undefined` one.
    #[inline]
    fn json_at(&self, node: Option<usize>) -> Option<Option<JsonRef<'a>>> {
        let Some(i) = node else {
            return Some(None);
        };
        match self.json[i] {
            None => Some(None),
            Some(v) if std::ptr::eq(v, &COMPUTED) => self.computed(i).into_plain_json().map(Some),
            Some(v) => Some(Some(JsonRef::Borrowed(v))),
        }
    }

    /// Node `i` is `got`.
    fn set(&mut self, i: usize, got: path::Got<'a>) {
        self.json[i] = match got {
            path::Got::Json(v) => Some(v),
            g if g.is_undefined() => None,
            g => {
                self.computed.push((i, g.into_js()));
                Some(&COMPUTED)
            }
        };
    }
}

/// A prepared mapping's skeleton: plain objects with their keys ready to share, `@path`s with
/// their keys split, and coalescing `@if`s; everything else runs through the general resolver
/// (which these mirror exactly: the golden tests compare both).
#[derive(Debug, Clone, PartialEq)]
enum Plan {
    Object(Vec<(Arc<str>, Plan)>),
    Array(Vec<Plan>),
    /// `{"@path": "<string>"}`: keys after `$.` stripping (`None`: the root), and the quirks
    /// its text implies.
    Path(Option<Vec<Box<str>>>, QuirkSet, usize),
    /// `{"@if": {"exists": <object>, "then"?, "else"?}}`.
    IfExists {
        exists: Box<Plan>,
        then: Option<Box<Plan>>,
        /// `then` is the same as `exists` (`exists: x, then: x`): its value is reused.
        then_is_exists: bool,
        otherwise: Option<Box<Plan>>,
        /// The raw `else` is falsy: the reference ignores it.
        else_dropped: bool,
    },
    /// `{"@arrayPath": ["<string>", shape?]}`: the root found as a [`Plan::Path`], then the
    /// shape (most events have no such array: the general resolver's parsing of the path on
    /// every event was the costliest field of the presets).
    ArrayPath {
        root: Box<Plan>,
        shape: Option<Value>,
        /// The shape's plan, run on each element.
        shape_plan: Box<Plan>,
    },
    /// A string, number, boolean or null.
    Literal(Value),
    Resolve(Value),
}

impl Plan {
    fn new(v: &Value) -> Plan {
        match v {
            Value::Object(map) if !directives::is_directive(map) => {
                // Members in JavaScript property order, as `resolve` visits them.
                let keys: Vec<&String> = if map.keys().any(|k| js::is_array_index(k).is_some()) {
                    js::ordered_keys(map)
                } else {
                    map.keys().collect()
                };
                Plan::Object(
                    keys.into_iter()
                        .map(|k| (Arc::from(k.as_str()), Plan::new(&map[k.as_str()])))
                        .collect(),
                )
            }
            Value::Object(map) => Plan::directive(map).unwrap_or_else(|| Plan::Resolve(v.clone())),
            Value::Array(items) => Plan::Array(items.iter().map(Plan::new).collect()),
            // A literal resolves to itself: hand it out borrowed from the plan.
            other => Plan::Literal(other.clone()),
        }
    }

    /// The specialised plan of a directive, when there is one.
    fn directive(map: &serde_json::Map<String, Value>) -> Option<Plan> {
        let (name, opts) = map.iter().find(|(k, _)| k.starts_with('@'))?;
        match (name.as_str(), opts) {
            ("@path", Value::String(p)) => Some(Plan::path(p)),
            ("@arrayPath", Value::Array(items)) => match items.first() {
                Some(Value::String(p)) => Some(Plan::ArrayPath {
                    root: Box::new(Plan::path(p)),
                    shape: items.get(1).cloned(),
                    shape_plan: Box::new(Plan::new(items.get(1).unwrap_or(&Value::Null))),
                }),
                _ => None,
            },
            ("@if", Value::Object(o)) => {
                let exists @ Value::Object(_) = o.get("exists")? else {
                    return None;
                };
                let els = o.get("else");
                Some(Plan::IfExists {
                    exists: Box::new(Plan::new(exists)),
                    then: o.get("then").map(|t| Box::new(Plan::new(t))),
                    then_is_exists: o.get("then") == Some(exists),
                    otherwise: els
                        .filter(|e| path::json_truthy(e))
                        .map(|e| Box::new(Plan::new(e))),
                    else_dropped: els.is_some_and(|e| !path::json_truthy(e)),
                })
            }
            _ => None,
        }
    }

    /// The plan of `{"@path": p}`.
    fn path(p: &str) -> Plan {
        let mut quirks = QuirkSet::default();
        let p = path::strip_dollar_dot(p, &mut quirks);
        let keys = path::split_path(&p, &mut quirks);
        Plan::Path(keys, quirks, ROOT)
    }

    /// Gives each `@path` its node in `trie` (see [`PreparedMapping`]).
    fn index_paths(&mut self, trie: &mut Vec<(usize, Box<str>)>) {
        match self {
            Plan::Object(fields) => fields.iter_mut().for_each(|(_, p)| p.index_paths(trie)),
            Plan::Array(items) => items.iter_mut().for_each(|p| p.index_paths(trie)),
            Plan::Path(Some(keys), _, node) => {
                let mut at = ROOT;
                for key in keys.iter() {
                    at = match trie.iter().position(|(p, k)| *p == at && k == key) {
                        Some(i) => i,
                        None => {
                            trie.push((at, key.clone()));
                            trie.len() - 1
                        }
                    };
                }
                *node = at;
            }
            Plan::ArrayPath { root, .. } => root.index_paths(trie),
            Plan::IfExists {
                exists,
                then,
                otherwise,
                ..
            } => {
                exists.index_paths(trie);
                for p in [then, otherwise].into_iter().flatten() {
                    p.index_paths(trie);
                }
            }
            Plan::Path(None, ..) | Plan::Literal(_) | Plan::Resolve(_) => {}
        }
    }

    /// `slots`: the value of every trie node for this payload, when known.
    fn run<'a>(
        &'a self,
        payload: Payload<'a>,
        slots: Option<&Slots<'a>>,
        cx: &mut directives::Ctx,
    ) -> Result<path::Got<'a>, MappingError> {
        Ok(match self {
            Plan::Object(fields) => {
                // `undefined` members are left out now rather than removed at the end (the
                // object is only ever placed in the output, so nothing can tell the
                // difference); most of a preset's fields are absent from most events.
                let mut obj = JsObject::with_capacity(fields.len().min(16));
                for (k, p) in fields {
                    let v = p.run(payload, slots, cx)?.into_js();
                    if !matches!(v, JsValue::Undefined) {
                        obj.push_new(Arc::clone(k), v);
                    }
                }
                path::Got::Owned(JsValue::Object(obj))
            }
            Plan::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for p in items {
                    out.push(p.run(payload, slots, cx)?.into_js());
                }
                path::Got::Owned(JsValue::Array(out))
            }
            Plan::Path(keys, quirks, node) => {
                cx.quirks.merge(*quirks);
                match (slots, keys) {
                    (Some(slots), Some(_)) => slots.get(*node),
                    _ => path::get_split(payload, keys.as_deref(), &mut cx.quirks),
                }
            }
            Plan::IfExists {
                exists,
                then,
                then_is_exists,
                otherwise,
                else_dropped,
            } => {
                let found = exists.run(payload, slots, cx)?;
                if !found.is_nullish() {
                    match then {
                        // Same plan on the same payload: same value, same quirks.
                        Some(_) if *then_is_exists => found,
                        Some(t) => t.run(payload, slots, cx)?,
                        None => path::Got::UNDEFINED,
                    }
                } else if let Some(e) = otherwise {
                    e.run(payload, slots, cx)?
                } else {
                    if *else_dropped {
                        cx.quirks.hit(MappingQuirk::IfFalsyElseDropped);
                    }
                    path::Got::UNDEFINED
                }
            }
            Plan::ArrayPath {
                root,
                shape,
                shape_plan,
            } => {
                let root = root.run(payload, slots, cx)?;
                // The elements are not the event: their paths are looked up without `slots`.
                directives::array_path_shape(root, shape.as_ref(), cx, |item, cx| {
                    shape_plan.run(item, None, cx).map(path::Got::into_js)
                })?
            }
            Plan::Literal(v) => path::Got::Json(v),
            Plan::Resolve(v) => directives::resolve(v, payload, cx)?,
        })
    }

    /// The node of the table of path prefixes that this field's value is, as [`Plan::run`]
    /// with the table gives it (quirks aside): a path; an `@if` of paths (the presets' ids);
    /// an `@arrayPath` of a path to no array or object (most events have no products).
    /// `Some(None)`: `undefined`; `None`: [`Plan::run`] has to work it out. (A node's
    /// index, not its value: a returned `Got` cost more in moves than the lookups.)
    #[inline(always)]
    fn table_entry(&self, slots: &Slots<'_>) -> Option<Option<usize>> {
        let node = |p: &Plan| match p {
            Plan::Path(Some(_), _, node) => Some(*node),
            _ => None,
        };
        match self {
            Plan::Path(..) => node(self).map(Some),
            Plan::IfExists {
                exists,
                then,
                then_is_exists,
                otherwise,
                ..
            } => {
                let found = node(exists)?;
                let chosen = match (
                    slots.is_nullish(found),
                    then.as_deref(),
                    otherwise.as_deref(),
                ) {
                    (false, Some(_), _) if *then_is_exists => return Some(Some(found)),
                    (false, chosen, _) | (true, _, chosen) => chosen,
                };
                match chosen {
                    None => Some(None),
                    Some(p) => node(p).map(Some),
                }
            }
            Plan::ArrayPath { root, .. } => node(root)
                .filter(|&n| !matches!(slots.get(n).type_name(), "object" | "array"))
                .map(Some),
            _ => None,
        }
    }

    /// `slots`: the prepared mapping's table of path prefixes for `data`, when there is one.
    fn resolve<'a>(
        &'a self,
        data: &'a Value,
        slots: Option<&Slots<'a>>,
        cx: &mut directives::Ctx,
    ) -> Result<JsValue, MappingError> {
        let mut out = self.run(Payload::Json(data), slots, cx)?.into_js();
        out.remove_undefined();
        Ok(out)
    }
}

impl PreparedMapping {
    /// Validates `mapping` (and applies the root-directive rewrite).
    pub fn new(mapping: &Value) -> Result<PreparedMapping, MappingError> {
        let mut cx = directives::Ctx::default();
        let prepared = directives::prepare(mapping, &mut cx)?;
        let mut plan = Plan::new(&prepared);
        let mut trie = Vec::new();
        plan.index_paths(&mut trie);
        Ok(PreparedMapping {
            plan,
            quirks: cx.quirks,
            fanout: Fanout::of_trie(&trie),
            trie,
        })
    }

    /// Same as [`resolve`] with the original mapping.
    pub fn resolve(&self, data: &Value) -> Result<JsValue, MappingError> {
        directives::check_data(Payload::Json(data))?;
        // Paths looked up through the table of prefixes, as the direct resolution does.
        let slots = self.walk_trie(data);
        self.plan
            .resolve(data, Some(&slots), &mut directives::Ctx::default())
    }

    /// The members of the resolved object as JSON, each still borrowed from `data` where the
    /// mapping only read it, `undefined` ones left out: what [`PreparedMapping::resolve`]
    /// returns before `removeUndefined` and the copy into a [`JsValue`]. Each comes with
    /// `props[i]` for its field's index `i` in [`PreparedMapping::field_keys`]. `None` when the
    /// mapping's root is not a plain object, resolution fails, `props` is shorter than the
    /// fields, or a computed value is not plain JSON (see [`path::Got::into_plain_json`]): the
    /// general way then gives the same result or error.
    pub fn resolve_members<'a>(
        &'a self,
        data: &'a Value,
        props: &[Option<usize>],
    ) -> Option<Vec<(&'a str, Option<usize>, DirectValue<'a>)>> {
        let Plan::Object(fields) = &self.plan else {
            return None;
        };
        if props.len() < fields.len() {
            return None;
        }
        directives::check_data(Payload::Json(data)).ok()?;
        let slots = self.walk_trie(data);
        // The quirks are not reported from here: `cx` is only what `Plan::run` needs.
        let mut cx = directives::Ctx::default();
        // A field's value as JSON (`Some(None)`: `undefined`; `None`: the general way decides),
        // for the fields the path table does not answer.
        let json_of = |p: &'a Plan, cx: &mut directives::Ctx| {
            let got = p.run(Payload::Json(data), Some(&slots), cx).ok()?;
            if got.is_undefined() {
                Some(None)
            } else {
                got.into_plain_json().map(Some)
            }
        };
        // Sized for the fields not already known to be `undefined`: a vector for all of them
        // would take the allocator's slow path for large blocks.
        let known_undefined = fields
            .iter()
            .filter(|(_, p)| matches!(p, Plan::Path(Some(_), _, node) if slots.is_undefined(*node)))
            .count();
        let mut out = Vec::with_capacity(fields.len() - known_undefined);
        for ((k, p), prop) in fields.iter().zip(props) {
            let member = match p {
                // What `Plan::run` does with an object, minus copying the members into it.
                Plan::Object(children) => {
                    let mut members = Vec::with_capacity(children.len());
                    for (ck, cp) in children {
                        let json = match cp.table_entry(&slots) {
                            Some(node) => slots.json_at(node)?,
                            None => json_of(cp, &mut cx)?,
                        };
                        if let Some(json) = json {
                            members.push((&**ck, json));
                        }
                    }
                    DirectValue::Fields(Box::new((members, Default::default())))
                }
                Plan::Literal(v) => DirectValue::Json(JsonRef::Borrowed(v)),
                // The table first, outside `json_of`: a call per field cost more than the work
                // of most fields.
                _ => {
                    let json = match p.table_entry(&slots) {
                        Some(node) => slots.json_at(node)?,
                        None => json_of(p, &mut cx)?,
                    };
                    match json {
                        Some(json) => DirectValue::Json(json),
                        None => continue,
                    }
                }
            };
            out.push((&**k, *prop, member));
        }
        Some(out)
    }

    /// The value of every node of the trie for `data`: `get`'s walk, one step per prefix (a
    /// step from a falsy value gives that value). Parents come before their children, so
    /// each node is final when its children are looked up.
    fn walk_trie<'a>(&'a self, data: &'a Value) -> Slots<'a> {
        let n = self.trie.len();
        let mut slots = Slots {
            json: vec![None; n],
            computed: Vec::new(),
        };
        // Parents whose members were looked up in their fan-out table (which put what it
        // found in the children's slots at once).
        let mut expanded = vec![false; n + 1];
        for (i, (parent, key)) in self.trie.iter().enumerate() {
            let (cur, at) = match *parent {
                ROOT => (Some(data), n),
                p => (slots.json[p], p),
            };
            match cur {
                // Most steps: from a missing parent, or from an object.
                None => {}
                Some(Value::Object(map)) => match &self.fanout[at] {
                    // A large object with few children looked up: hashing each is cheaper.
                    Some(fan) if map.len() <= 8 * fan.children.max(4) => {
                        if !expanded[at] {
                            expanded[at] = true;
                            for (k, v) in map.iter() {
                                if let Some(c) = fan.child(&self.trie, k) {
                                    slots.json[c] = Some(v);
                                }
                            }
                        }
                    }
                    _ => slots.json[i] = js::member(map, key),
                },
                Some(_) => {
                    let cur = if at == n {
                        path::Got::Json(data)
                    } else {
                        slots.get(at)
                    };
                    // A step from a falsy value gives that value.
                    let next = if cur.truthy() {
                        path::property_of(&cur, key)
                    } else {
                        cur
                    };
                    slots.set(i, next);
                }
            }
        }
        slots
    }

    /// The keys of the resolved object, in resolution order, when the mapping's root is a
    /// plain object.
    pub fn field_keys(&self) -> Option<Vec<&str>> {
        match &self.plan {
            Plan::Object(fields) => Some(fields.iter().map(|(k, _)| &**k).collect()),
            _ => None,
        }
    }

    /// Same as [`resolve_with_report`] with the original mapping.
    pub fn resolve_with_report(&self, data: &Value) -> Result<Resolution, MappingError> {
        let mut cx = directives::Ctx {
            quirks: self.quirks,
        };
        directives::check_data(Payload::Json(data))?;
        // Path by path, not through the table of prefixes: a path's quirks (a falsy step on
        // the way, …) are found on its own walk.
        let value = self.plan.resolve(data, None, &mut cx)?;
        Ok(Resolution {
            value,
            quirks: cx.quirks.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The table of path prefixes gives what the path-by-path resolver gives, through
    /// computed steps (`length`, a character of a string, and steps after them), falsy
    /// values (a step from one gives it), arrays, and objects large enough to be looked up
    /// member by member rather than through their fan-out table.
    #[test]
    fn table_of_prefixes_agrees_with_path_by_path() {
        let mut big = serde_json::Map::new();
        for i in 0..80 {
            big.insert(format!("k{i}"), json!(i));
        }
        let data = json!({
            "s": "héllo", "e": "", "z": 0, "n": null, "f": false, "t": true,
            "arr": [{"id": 1}, "xy", [3]], "o": {"a": {"b": "c", "n": 0}},
            "big": big,
        });
        let paths = [
            "$.s.length",
            "$.s.0",
            "$.s.1",
            "$.s.0.length",
            "$.s.1.0",
            "$.s.1.0.length",
            "$.s.length.x",
            "$.s.9",
            "$.e.a",
            "$.e.length",
            "$.e.a.b",
            "$.z.a.b",
            "$.n.a",
            "$.f.x.y",
            "$.t.x",
            "$.arr.length",
            "$.arr.0.id",
            "$.arr.1.0",
            "$.arr.1.length",
            "$.arr.2.0",
            "$.arr.3",
            "$.o.a.b",
            "$.o.a.b.length",
            "$.o.a.n.x",
            "$.o.x.y",
            "$.missing.a",
            "$.big.k7",
            "$.big.k79",
            "$.big.nope",
            "$.big.length",
        ];
        let fields: serde_json::Map<String, Value> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("f{i}"), json!({ "@path": p })))
            .collect();
        let mapping = Value::Object(fields);
        let prepared = PreparedMapping::new(&mapping).unwrap();
        let general = resolve(&mapping, &data).unwrap();
        assert_eq!(prepared.resolve(&data).unwrap(), general);
        // Each path alone too (its prefixes are then the only ones in the table).
        for p in paths {
            let one = json!({ "v": { "@path": p } });
            let prepared = PreparedMapping::new(&one).unwrap();
            assert_eq!(
                prepared.resolve(&data).unwrap(),
                resolve(&one, &data).unwrap(),
                "{p}"
            );
        }
    }
}
