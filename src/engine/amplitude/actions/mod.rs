//! Request building per action: from the payload `perform()` receives (after mapping, clean-up
//! and schema coercion) to the exact HTTP requests, in the order they are sent.

mod events;
mod group;
mod identify;
mod map_user;
mod obj;

use obj::{Obj, V};

use std::borrow::Cow;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::payload::{ActionPayload, MemberRef};
use super::quirks::{QuirkKind, QuirkNote};
use super::settings::Settings;
use super::useragent::ParsedUa;
use crate::engine::js;
use crate::engine::request::HttpRequest;

/// The six cloud actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    LogEvent,
    LogEventV2,
    LogPurchase,
    IdentifyUser,
    MapUser,
    GroupIdentifyUser,
}

impl ActionKind {
    /// Every action, in the reference's definition order.
    pub const ALL: [ActionKind; 6] = [
        ActionKind::LogEvent,
        ActionKind::IdentifyUser,
        ActionKind::MapUser,
        ActionKind::GroupIdentifyUser,
        ActionKind::LogPurchase,
        ActionKind::LogEventV2,
    ];

    /// The action's key (`logEventV2`, …).
    pub fn key(self) -> &'static str {
        match self {
            ActionKind::LogEvent => "logEvent",
            ActionKind::LogEventV2 => "logEventV2",
            ActionKind::LogPurchase => "logPurchase",
            ActionKind::IdentifyUser => "identifyUser",
            ActionKind::MapUser => "mapUser",
            ActionKind::GroupIdentifyUser => "groupIdentifyUser",
        }
    }

    /// Parses an action key; `None` for anything that is not a cloud action (`sessionId`).
    pub fn from_key(key: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The action's definition (fields, schema, defaults).
    pub fn definition(self) -> Option<&'static super::definitions::ActionDef> {
        super::definitions::definitions().action(self.key())
    }
}

/// The requests an action sends for one payload, in order, with the quirks seen on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Performed {
    pub requests: Vec<HttpRequest>,
    pub notes: Vec<QuirkNote>,
    /// How many events the first request carries when its body is an HTTP API event batch
    /// (answers report it; knowing it spares reading the body back). `None`: unknown.
    pub first_event_count: Option<usize>,
}

/// The reference's `perform(request, {payload, settings})`: the requests it sends, assuming
/// each one succeeds (a failed request stops the rest; the runner handles that). `now_ms` is
/// the clock groupIdentifyUser reads when the payload has no time.
pub fn perform(
    action: ActionKind,
    settings: &Settings,
    payload: &ActionPayload<'_>,
    now_ms: f64,
) -> Performed {
    match action {
        ActionKind::LogEvent | ActionKind::LogEventV2 | ActionKind::LogPurchase => {
            events::perform(action, settings, payload, now_ms)
        }
        ActionKind::IdentifyUser => identify::perform(settings, payload),
        ActionKind::MapUser => map_user::perform(settings, payload),
        ActionKind::GroupIdentifyUser => group::perform(settings, payload, now_ms),
    }
}

/// `user-agent` every request carries (actions-core's request client).
pub const USER_AGENT: &str = "Segment (Actions)";

fn json_request(url: &'static str, body: String) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: url.into(),
        headers: Cow::Borrowed(&[
            (
                Cow::Borrowed("content-type"),
                Cow::Borrowed("application/json"),
            ),
            (Cow::Borrowed("user-agent"), Cow::Borrowed(USER_AGENT)),
        ]),
        body,
    }
}

fn form_request(url: &'static str, pairs: &[(&str, &str)]) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: url.into(),
        headers: Cow::Borrowed(&[
            (
                Cow::Borrowed("content-type"),
                Cow::Borrowed(super::form::CONTENT_TYPE),
            ),
            (Cow::Borrowed("user-agent"), Cow::Borrowed(USER_AGENT)),
        ]),
        body: super::form::encode(pairs),
    }
}

/// A JSON number from an `f64`; NaN and infinities become `null`, as `JSON.stringify` writes
/// them.
fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// The payload's value as a JavaScript number, if it is one (`typeof x === 'number'`).
fn as_number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Number(n)) => Some(crate::engine::js::json_number_to_f64(n)),
        _ => None,
    }
}

/// `min_id_length && min_id_length > 0`.
fn min_id_length(payload: &ActionPayload<'_>) -> Option<f64> {
    payload
        .non_finite("min_id_length")
        .or_else(|| as_number(payload.get("min_id_length")))
        .filter(|n| *n > 0.0)
}

/// The form value `options`: `JSON.stringify({min_id_length})`, or the text `undefined` that
/// `URLSearchParams` writes for a missing value.
fn options_text(min_id_length: Option<f64>) -> String {
    match min_id_length {
        Some(n) => {
            let mut o = Map::new();
            o.insert("min_id_length".to_string(), number(n));
            crate::engine::js::stringify(&Value::Object(o))
        }
        None => "undefined".to_string(),
    }
}

/// `obj[key] = value` on a JavaScript object: an existing key keeps its position.
fn set(obj: &mut Map<String, Value>, key: &str, value: Value) {
    // Small maps: a scan, then one hash for a new key (not a hashed lookup and a hashed
    // insert).
    match js::member_mut(obj, key) {
        Some(slot) => *slot = value,
        None => {
            obj.insert(key.to_string(), value);
        }
    }
}

/// `{...a}` of a JSON value into `out`: an object's members, an array's or a string's items
/// by index; numbers, booleans and null spread nothing.
fn spread(out: &mut Map<String, Value>, v: Option<&Value>) {
    match v {
        Some(Value::Object(m)) => {
            for (k, v) in m {
                set(out, k, v.clone());
            }
        }
        Some(Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                set(out, &i.to_string(), v.clone());
            }
        }
        Some(Value::String(s)) => {
            // A string spreads into its UTF-16 units by index (`{..."ab"}` is `{0: "a", 1: "b"}`).
            // A character outside the BMP gives two lone surrogates.
            for (i, unit) in js::utf16::units(s).enumerate() {
                let c = js::utf16::unit_char(unit);
                set(out, &i.to_string(), Value::String(c.to_string()));
            }
        }
        _ => {}
    }
}

/// `platform.replace(/ios/i, 'iOS').replace(/android/i, 'Android')`, borrowed when that
/// leaves it as it is (`Android`, `iOS`, `Web`), built without the formatting machinery otherwise.
fn normalise_platform(p: &str) -> Cow<'_, str> {
    match replace_first_ci(p, "ios", "iOS") {
        Cow::Borrowed(once) => replace_first_ci(once, "android", "Android"),
        Cow::Owned(once) => Cow::Owned(replace_first_ci(&once, "android", "Android").into_owned()),
    }
}

fn replace_first_ci<'s>(s: &'s str, needle: &str, with: &str) -> Cow<'s, str> {
    let at = s
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
    match at {
        // ASCII matches start and end on char boundaries.
        Some(i) if &s[i..i + needle.len()] != with => {
            let mut out = String::with_capacity(s.len());
            out.push_str(&s[..i]);
            out.push_str(with);
            out.push_str(&s[i + needle.len()..]);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(s),
    }
}

/// Platform rules shared by the event actions and identifyUser: rewrite a truthy platform, or
/// set `Web` when the library is `analytics.js`. Returns whether anything changed. `props`
/// holds the payload's `platform` (`payload.platform`, read from the payload's key table rather
/// than by searching `props`).
fn apply_platform(props: &mut Obj<'_>, platform: Option<&Value>, library: Option<&Value>) -> bool {
    match platform_override(platform, library) {
        Some(v) => {
            props.set("platform", v);
            true
        }
        None => false,
    }
}

/// The `platform` the rules of [`apply_platform`] set, when they change it.
fn platform_override(platform: Option<&Value>, library: Option<&Value>) -> Option<V<'static>> {
    let platform_truthy = match platform {
        Some(Value::String(p)) if !p.is_empty() => {
            if let Cow::Owned(fixed) = normalise_platform(p) {
                return Some(V::Str(fixed.into()));
            }
            true
        }
        other => other.is_some_and(super::time::truthy),
    };
    (library.and_then(Value::as_str) == Some("analytics.js") && !platform_truthy)
        .then(|| V::Str("Web".into()))
}

/// `mergeUserProperties(...parts)`: a left fold of `{...prev, ...cur}` where `$set` and
/// `$setOnce` are merged one level deep. Folded in place, each part's members moved in (the
/// reference's copies per step would only be thrown away).
fn merge_user_properties(parts: [Map<String, Value>; 3]) -> Map<String, Value> {
    let mut acc = Map::new();
    for cur in parts {
        let truthy =
            |m: &Map<String, Value>, k: &str| js::member(m, k).is_some_and(super::time::truthy);
        let has_set = truthy(&acc, "$set") || truthy(&cur, "$set");
        let has_set_once = truthy(&acc, "$setOnce") || truthy(&cur, "$setOnce");
        // The previous `$set`/`$setOnce`, taken out for the deep merge: the slot keeps its
        // position and is overwritten below.
        let mut take = |flag: bool, key: &str| {
            flag.then(|| js::member_mut(&mut acc, key).map(std::mem::take))
                .flatten()
        };
        let prev_set = take(has_set, "$set");
        let prev_set_once = take(has_set_once, "$setOnce");
        let cur_has = ["$set", "$setOnce"].map(|k| js::member(&cur, k).is_some());
        for (k, v) in cur {
            // `insert` keeps an existing key's position, as assignment does.
            acc.insert(k, v);
        }
        for ((flag, key, prev), cur_has) in [
            (has_set, "$set", prev_set),
            (has_set_once, "$setOnce", prev_set_once),
        ]
        .into_iter()
        .zip(cur_has)
        {
            if flag {
                let mut merged = Map::new();
                spread(&mut merged, prev.as_ref());
                if cur_has {
                    spread(&mut merged, js::member(&acc, key));
                }
                set(&mut acc, key, Value::Object(merged));
            }
        }
    }
    acc
}

/// `convertUTMProperties` + `convertReferrerProperty`: `($set, $setOnce)` parts.
fn utm_part(utm: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(v) = utm.filter(|v| super::time::truthy(v)) else {
        return out;
    };
    let mut set_ = Map::new();
    let mut once = Map::new();
    if let Value::Object(m) = v {
        // JavaScript property order: `initial_0` is not an index key, so the order the
        // reference reads the members in shows in the output.
        for k in crate::engine::js::ordered_keys(m) {
            let v = &m[k.as_str()];
            set_.insert(k.clone(), v.clone());
            once.insert(format!("initial_{k}"), v.clone());
        }
    }
    out.insert("$set".to_string(), Value::Object(set_));
    out.insert("$setOnce".to_string(), Value::Object(once));
    out
}

fn referrer_part(referrer: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(r) = referrer.filter(|v| super::time::truthy(v)) {
        let mut s = Map::new();
        s.insert("referrer".to_string(), r.clone());
        let mut o = Map::new();
        o.insert("initial_referrer".to_string(), r.clone());
        out.insert("$set".to_string(), Value::Object(s));
        out.insert("$setOnce".to_string(), Value::Object(o));
    }
    out
}

/// `omit(user_properties ?? {}, ['utm_properties', 'referrer'])`.
fn traits_without_utm(up: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(Value::Object(m)) = up {
        for (k, v) in m {
            if k != "utm_properties" && k != "referrer" {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// The UTM members as the merge reads them, with the `initial_<key>` names it makes for them:
/// declared before the request object that borrows both.
struct UtmMembers<'p> {
    /// `None` when `utm_properties` is falsy (no part), else its members in JavaScript order
    /// (none for a truthy non-object). `Err` for members written out in the mapping with
    /// index-like keys (the JSON-map merge orders those).
    members: Result<Option<Vec<(&'p str, &'p Value)>>, ()>,
    initial_keys: Vec<String>,
}

impl<'p> UtmMembers<'p> {
    fn of(payload: &'p ActionPayload<'_>) -> UtmMembers<'p> {
        let members = match payload.get_ref("utm_properties") {
            None => Ok(None),
            Some(MemberRef::Json(Value::Object(m))) => Ok(Some(
                js::ordered_keys(m)
                    .into_iter()
                    .map(|k| (k.as_str(), &m[k.as_str()]))
                    .collect(),
            )),
            Some(MemberRef::Json(v)) => Ok(super::time::truthy(v).then(Vec::new)),
            Some(MemberRef::Fields(f))
                if f.iter().any(|(k, _)| js::is_array_index(k).is_some()) =>
            {
                Err(())
            }
            Some(MemberRef::Fields(f)) => Ok(Some(f.iter().map(|(k, v)| (*k, &**v)).collect())),
        };
        let initial_keys = match &members {
            Ok(Some(members)) => members
                .iter()
                .map(|(k, _)| format!("initial_{k}"))
                .collect(),
            _ => Vec::new(),
        };
        UtmMembers {
            members,
            initial_keys,
        }
    }
}

/// The traits, UTM and referrer parts in `mergeUserProperties`' order: identifyUser puts the
/// traits first, logEvent last.
fn merge_order<T>(traits_first: bool, [traits, utm, referrer]: [T; 3]) -> [T; 3] {
    if traits_first {
        [traits, utm, referrer]
    } else {
        [utm, referrer, traits]
    }
}

/// `user_properties` after `mergeUserProperties` of the traits (without UTM and referrer),
/// the UTM part and the referrer part (see [`merge_order`]). Built as a request object
/// borrowing the payload; the JSON-map merge ([`merge_user_properties`]) does the rare cases
/// that need keys made on the way (a `$set` or `$setOnce` that is a string or an array
/// spreads into index keys).
fn user_properties_merged<'p>(
    payload: &'p ActionPayload<'_>,
    traits_first: bool,
    utm: &'p UtmMembers<'p>,
) -> V<'p> {
    let traits = payload.get("user_properties");
    let referrer = payload.get("referrer");
    let borrowed = (|| {
        let traits_part = match traits {
            Some(Value::Object(m)) => Obj {
                entries: m
                    .iter()
                    .filter(|(k, _)| *k != "utm_properties" && *k != "referrer")
                    .map(|(k, v)| (k.as_str(), V::Ref(v)))
                    .collect(),
            },
            _ => Obj::default(),
        };
        let mut utm_part = Obj::default();
        if let Some(members) = utm.members.as_ref().ok()? {
            let set = members.iter().map(|(k, v)| (*k, V::Ref(v))).collect();
            let once = utm
                .initial_keys
                .iter()
                .zip(members)
                .map(|(k, (_, v))| (k.as_str(), V::Ref(v)))
                .collect();
            utm_part.push("$set", V::Obj(Obj { entries: set }));
            utm_part.push("$setOnce", V::Obj(Obj { entries: once }));
        }
        let mut referrer_part = Obj::default();
        if let Some(r) = referrer.filter(|v| super::time::truthy(v)) {
            let one = |k: &'p str| {
                V::Obj(Obj {
                    entries: vec![(k, V::Ref(r))],
                })
            };
            referrer_part.push("$set", one("referrer"));
            referrer_part.push("$setOnce", one("initial_referrer"));
        }
        merge_objs(merge_order(
            traits_first,
            [traits_part, utm_part, referrer_part],
        ))
    })();
    match borrowed {
        Some(merged) => V::Obj(merged),
        None => {
            let parts = [
                traits_without_utm(traits),
                utm_part(payload.get("utm_properties")),
                referrer_part(referrer),
            ];
            V::Own(Box::new(Value::Object(merge_user_properties(merge_order(
                traits_first,
                parts,
            )))))
        }
    }
}

/// [`merge_user_properties`] on request objects; `None` when a spread would make keys.
fn merge_objs(parts: [Obj<'_>; 3]) -> Option<Obj<'_>> {
    let mut acc = Obj::default();
    for cur in parts {
        let ops = ["$set", "$setOnce"].map(|key| {
            let flag = acc.get(key).is_some_and(V::truthy) || cur.get(key).is_some_and(V::truthy);
            (key, flag)
        });
        // The previous `$set`/`$setOnce`, taken out for the deep merge: the slot keeps its
        // position (`undefined` unless `cur` has the key) and is overwritten below.
        let prev = ops.map(|(key, flag)| if flag { acc.take(key) } else { None });
        acc.absorb(cur);
        for ((key, flag), prev) in ops.into_iter().zip(prev) {
            if flag {
                let mut merged = Obj::default();
                spread_obj(&mut merged, prev)?;
                spread_obj(&mut merged, acc.take(key))?;
                acc.set(key, V::Obj(merged));
            }
        }
    }
    Some(acc)
}

/// [`spread`] into a request object; `None` for what spreads into index keys (strings and
/// arrays that are not empty).
fn spread_obj<'p>(out: &mut Obj<'p>, v: Option<V<'p>>) -> Option<()> {
    match v {
        Some(V::Ref(Value::Object(m))) if out.entries.is_empty() => {
            // Nothing to search: a map's keys are unique.
            out.entries = m.iter().map(|(k, v)| (k.as_str(), V::Ref(v))).collect();
        }
        Some(V::Ref(Value::Object(m))) => {
            for (k, v) in m {
                out.set(k, V::Ref(v));
            }
        }
        Some(V::Obj(o)) => out.absorb(o),
        Some(V::Fields(f)) => {
            for (k, v) in f {
                out.set(k, V::Ref(v));
            }
        }
        Some(V::Ref(Value::String(s))) if !s.is_empty() => return None,
        Some(V::Ref(Value::Array(a))) if !a.is_empty() => return None,
        Some(V::Str(s)) if !s.is_empty() => return None,
        Some(V::Own(_)) => return None,
        _ => {}
    }
    Some(())
}

/// Whether UTM or referrer data asks for a user-properties merge:
/// `Object.keys(utm_properties ?? {}).length || referrer`.
fn has_utm_or_referrer(payload: &ActionPayload<'_>) -> bool {
    let utm = payload
        .get_ref("utm_properties")
        .is_some_and(|u| u.is_object() && u.any_value(|_| true));
    utm || payload.get("referrer").is_some_and(super::time::truthy)
}

/// The parsed `userAgent` when `userAgentParsing` asks for it (for [`user_agent_prefix`]).
fn parsed_user_agent(payload: &ActionPayload<'_>) -> Option<Rc<ParsedUa>> {
    if !payload
        .get("userAgentParsing")
        .is_some_and(super::time::truthy)
    {
        return None;
    }
    match payload.get("userAgent") {
        Some(Value::String(s)) if !s.is_empty() => Some(super::useragent::parsed(s)),
        _ => None,
    }
}

/// `parseUserAgentProperties` (when `userAgentParsing`) then `{user_agent}` (when
/// `includeRawUserAgent`): the lowest-precedence members of an event / identification.
/// JavaScript keeps the position of a member spread with the value `undefined`, so a later
/// payload key of the same name lands there; such members are kept as [`V::Undefined`].
/// `parsed` is [`parsed_user_agent`]'s answer for `payload`.
/// Notes about the parsed user agent's members that reach the request (`props` spread after
/// `prefix` overrides them).
/// `in_props` tells whether the request object has a key (with any value).
fn user_agent_notes(in_props: impl Fn(&str) -> bool, prefix: &Obj<'_>, notes: &mut Vec<QuirkNote>) {
    if !in_props("os_version") && prefix.has("os_version") {
        notes.push(QuirkNote::new(
            QuirkKind::OsVersionIsBrowserVersion,
            0,
            None,
        ));
    }
    if !in_props("device_manufacturer")
        && matches!(prefix.get("device_manufacturer"), Some(V::Str(v)) if v == "Generic")
    {
        notes.push(QuirkNote::new(QuirkKind::GenericDeviceVendor, 0, None));
    }
}

fn user_agent_prefix<'p>(payload: &'p ActionPayload<'_>, parsed: Option<&'p ParsedUa>) -> Obj<'p> {
    // At most six members (the caller spreads the payload after them).
    let mut out = Obj::with_capacity(6);
    let ua = payload.get("userAgent");
    if let Some(parsed) = parsed {
        let data = payload.get_ref("userAgentData");
        let hint = |k: &str| data.and_then(|d| d.member(k)).filter(|v| !v.is_null());
        let text = |s: Option<&'p String>| s.map_or(V::Undefined, |s| V::Str(s.as_str().into()));
        let os_name = parsed.os_name.as_ref().or(parsed.browser_name.as_ref());
        out.push("os_name", text(os_name));
        out.push(
            "os_version",
            match hint("platformVersion") {
                Some(v) => V::Ref(v),
                None => text(parsed.browser_major.as_ref()),
            },
        );
        out.push("device_manufacturer", text(parsed.device_vendor.as_ref()));
        out.push(
            "device_model",
            match hint("model") {
                Some(v) => V::Ref(v),
                None => text(parsed.device_model.as_ref().or(parsed.os_name.as_ref())),
            },
        );
        out.push("device_type", text(parsed.device_type.as_ref()));
    }
    if payload
        .get("includeRawUserAgent")
        .is_some_and(super::time::truthy)
    {
        out.set("user_agent", ua.map_or(V::Undefined, V::Ref));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mapping::schema::{DirectValue, JsonRef};
    use serde_json::json;

    /// The merge on request objects against the JSON-map merge it stands in for: every mix of
    /// traits (with `$set`/`$setOnce` of each JSON type, index-like keys, the omitted keys),
    /// UTM members (mapped objects with index-like keys, non-objects, falsy values) and
    /// referrers, in both orders, writes the same JSON.
    #[test]
    fn user_properties_merge_on_objects_agrees_with_the_map_merge() {
        let sets = [
            json!(null),
            json!({"a": 1, "1": "one"}),
            json!({}),
            json!("ab"),
            json!(["x"]),
            json!(7),
            json!(""),
            json!([]),
        ];
        let mut traits = vec![json!(null), json!("t"), json!({"name": "N", "0": 0})];
        for set in &sets {
            for once in [&sets[0], &sets[1], set] {
                traits.push(json!({"z": 1, "$set": set, "referrer": "r", "utm_properties": {"q": 1}, "$setOnce": once, "10": "x"}));
            }
        }
        let utms = [
            None,
            Some(json!({"utm_source": "s", "utm_medium": "m"})),
            Some(json!({"b": 1, "2": 2, "a": null})),
            Some(json!({})),
            Some(json!("text")),
            Some(json!(0)),
        ];
        let referrers = [
            None,
            Some(json!("https://r.example/")),
            Some(json!("")),
            Some(json!({"u": 1})),
        ];
        let mut borrowed_runs = 0;
        for t in &traits {
            for utm in &utms {
                for r in &referrers {
                    let mut m = Map::new();
                    if !t.is_null() {
                        m.insert("user_properties".into(), t.clone());
                    }
                    if let Some(u) = utm {
                        m.insert("utm_properties".into(), u.clone());
                    }
                    if let Some(r) = r {
                        m.insert("referrer".into(), r.clone());
                    }
                    let mut payloads = vec![ActionPayload::from_map(&m)];
                    // UTM members written out in the mapping, as the presets have them.
                    if let Some(Value::Object(u)) = utm {
                        let members = m
                            .iter()
                            .map(|(k, v)| {
                                let v = match v {
                                    Value::Object(_) if k == "utm_properties" => {
                                        DirectValue::Fields(Box::new((
                                            u.iter()
                                                .map(|(k, v)| (k.as_str(), JsonRef::Borrowed(v)))
                                                .collect(),
                                            Default::default(),
                                        )))
                                    }
                                    v => DirectValue::Json(JsonRef::Borrowed(v)),
                                };
                                (k.as_str(), None, v)
                            })
                            .collect();
                        payloads.push(ActionPayload::from_members(members));
                    }
                    for (payload, traits_first) in
                        payloads.iter().flat_map(|p| [(p, true), (p, false)])
                    {
                        let utm_members = UtmMembers::of(payload);
                        let got = user_properties_merged(payload, traits_first, &utm_members);
                        borrowed_runs += usize::from(matches!(got, V::Obj(_)));
                        let parts = [
                            traits_without_utm(payload.get("user_properties")),
                            utm_part(payload.get("utm_properties")),
                            referrer_part(payload.get("referrer")),
                        ];
                        let want =
                            Value::Object(merge_user_properties(merge_order(traits_first, parts)));
                        let mut got_text = String::new();
                        Obj {
                            entries: vec![("up", got)],
                        }
                        .write(&mut got_text);
                        let mut want_text = String::new();
                        Obj {
                            entries: vec![("up", V::Ref(&want))],
                        }
                        .write(&mut want_text);
                        assert_eq!(got_text, want_text, "{t} {utm:?} {r:?} {traits_first}");
                    }
                }
            }
        }
        // Most of them take the object merge (not the fallback).
        assert!(borrowed_runs > 300, "{borrowed_runs}");
    }

    #[test]
    fn platform_rewrites_first_match_only() {
        let cases = [
            ("ios", "iOS"),
            ("IOS", "iOS"),
            ("android", "Android"),
            ("ios-android", "iOS-Android"),
            ("iosios", "iOSios"),
            ("custom-device-type", "custom-device-type"),
            ("Web", "Web"),
            ("ANDROID tv", "Android tv"),
        ];
        for (input, want) in cases {
            assert_eq!(normalise_platform(input), want);
        }
    }
}
