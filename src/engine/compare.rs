//! Structured JSON diff of classic vs Actions requests.
//!
//! Both sides are first normalised into comparable objects: a v1 form body's `event`, a v2/batch
//! JSON body's `events[i]`, an identify form's `identification`, a usermap form's `mapping`
//! items. Objects are paired (same kind, then same event type, then order), diffed by path, and
//! every difference is annotated with a known reason from [`REASONS`] when one applies. An
//! [`Aggregate`] sums the differences of many events and exports CSV or Markdown.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::engine::amplitude;
use crate::engine::classic::{ClassicOutput, ClassicSettings, cloud_requests};
use crate::engine::js;
use crate::engine::project::Subscription;
use crate::engine::request::HttpRequest;

/// Which Amplitude API a request goes to (from its URL path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    HttpApiV1,
    HttpApiV2,
    Batch,
    Identify,
    GroupIdentify,
    UserMap,
    Other,
}

impl Api {
    /// The API of a URL.
    pub fn of_url(url: &str) -> Api {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let path = path.trim_end_matches('/');
        if path.ends_with("/2/httpapi") {
            Api::HttpApiV2
        } else if path.ends_with("/httpapi") {
            Api::HttpApiV1
        } else if path.ends_with("/batch") {
            Api::Batch
        } else if path.ends_with("/groupidentify") {
            Api::GroupIdentify
        } else if path.ends_with("/identify") {
            Api::Identify
        } else if path.ends_with("/usermap") {
            Api::UserMap
        } else {
            Api::Other
        }
    }

    /// The kind of object the API's requests carry.
    pub fn item_kind(self) -> ItemKind {
        match self {
            Api::HttpApiV1 | Api::HttpApiV2 | Api::Batch => ItemKind::Event,
            Api::Identify => ItemKind::Identify,
            Api::GroupIdentify => ItemKind::GroupIdentify,
            Api::UserMap => ItemKind::UserMap,
            Api::Other => ItemKind::Other,
        }
    }

    /// The form parameter holding the JSON objects.
    fn form_param(self) -> &'static str {
        match self {
            Api::HttpApiV1 => "event",
            Api::UserMap => "mapping",
            _ => "identification",
        }
    }
}

/// What a normalised object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Event,
    Identify,
    GroupIdentify,
    UserMap,
    Other,
}

/// One comparable object taken out of a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Index of the request among its side's requests.
    pub request: usize,
    /// Position inside the request (`events[i]`, array element of `identification`).
    pub position: usize,
    pub api: Api,
    pub kind: ItemKind,
    pub value: Value,
    /// Request-level facts compared as `$request.*` paths: `url`, `method`, `content_type`,
    /// `format` (`form` / `json`), and every other body parameter (`api_key`, `options`, ...).
    pub request_fields: Map<String, Value>,
}

impl Item {
    /// A short label: the event type, or the kind.
    pub fn label(&self) -> String {
        match self.value.get("event_type").and_then(Value::as_str) {
            Some(t) => t.to_string(),
            None => match self.kind {
                ItemKind::Event => "event".into(),
                ItemKind::Identify if self.value.get("groups").is_some() => {
                    "identify (group association)".into()
                }
                ItemKind::Identify => "identify".into(),
                ItemKind::GroupIdentify => "group identify".into(),
                ItemKind::UserMap => "user mapping".into(),
                ItemKind::Other => "request".into(),
            },
        }
    }
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space, `%XX` bytes are UTF-8).
pub fn parse_form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(x) => {
                        out.push(x);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Takes the comparable objects out of requests. Bodies that cannot be read become an
/// [`ItemKind::Other`] item holding the raw body, so they still show up in the diff.
pub fn normalise(requests: &[HttpRequest]) -> Vec<Item> {
    let mut items = Vec::new();
    for (ri, req) in requests.iter().enumerate() {
        let api = Api::of_url(&req.url);
        let mut fields = Map::new();
        fields.insert("url".into(), Value::String(req.url.to_string()));
        fields.insert("method".into(), Value::String(req.method.to_string()));
        if let Some(ct) = req.header("content-type") {
            fields.insert("content_type".into(), Value::String(ct.to_string()));
        }
        let looks_json = req
            .header("content-type")
            .is_some_and(|c| c.contains("json"))
            || req.body.trim_start().starts_with('{');
        let mut objects: Vec<Value> = Vec::new();
        if looks_json {
            fields.insert("format".into(), Value::String("json".into()));
            match js::utf16::parse_json(&req.body) {
                Ok(Value::Object(body)) => {
                    for (k, v) in body {
                        if k == "events" {
                            match v {
                                Value::Array(evs) => objects.extend(evs),
                                other => objects.push(other),
                            }
                        } else {
                            fields.insert(k, v);
                        }
                    }
                }
                Ok(other) => objects.push(other),
                Err(_) => objects.push(Value::String(req.body.clone())),
            }
        } else {
            fields.insert("format".into(), Value::String("form".into()));
            let param = api.form_param();
            for (k, v) in parse_form(&req.body) {
                if k == param {
                    match js::utf16::parse_json(&v) {
                        Ok(Value::Array(list)) => objects.extend(list),
                        Ok(one) => objects.push(one),
                        Err(_) => objects.push(Value::String(v)),
                    }
                } else {
                    fields.insert(k, Value::String(v));
                }
            }
        }
        for (position, value) in objects.into_iter().enumerate() {
            let kind = if value.is_object() {
                api.item_kind()
            } else {
                ItemKind::Other
            };
            items.push(Item {
                request: ri,
                position,
                api,
                kind,
                value,
                request_fields: fields.clone(),
            });
        }
    }
    items
}

/// How a path differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only Actions has it.
    Added,
    /// Only classic has it.
    Removed,
    /// Both have it, with different values.
    Changed,
    /// The same value sits at another path (classic `from` → Actions `path`).
    Moved,
}

impl ChangeKind {
    /// The kind's name (`added`, `removed`, `changed`, `moved`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Moved => "moved",
        }
    }
}

/// One difference between a classic object and its Actions counterpart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// Path in the Actions object (in the classic one for `removed`); `$request.*` for
    /// request-level facts; empty for a whole object present on one side only.
    pub path: String,
    pub kind: ChangeKind,
    /// For `moved`: the path in the classic object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub classic: Option<Value>,
    pub actions: Option<Value>,
    /// The id of a known reason in [`REASONS`].
    pub reason: Option<&'static str>,
}

/// A classic object and its Actions counterpart (either may be missing) with their differences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairDiff {
    pub label: String,
    pub kind: ItemKind,
    pub classic: Option<Item>,
    pub actions: Option<Item>,
    pub differences: Vec<Difference>,
}

/// The comparison of the two request sets of one event.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Comparison {
    pub pairs: Vec<PairDiff>,
}

impl Comparison {
    /// Every difference of every pair.
    pub fn differences(&self) -> impl Iterator<Item = (&PairDiff, &Difference)> {
        self.pairs
            .iter()
            .flat_map(|p| p.differences.iter().map(move |d| (p, d)))
    }

    /// True when neither side sends anything (no object on either side to compare).
    pub fn sends_nothing(&self) -> bool {
        self.pairs.is_empty()
    }

    /// True when both sides send the same objects with the same values (request-level
    /// differences such as the URL still count).
    pub fn is_identical(&self) -> bool {
        self.pairs.iter().all(|p| p.differences.is_empty())
    }
}

/// A known cause of classic-vs-Actions differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KnownReason {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
}

macro_rules! reason {
    ($id:literal, $title:literal, $explanation:literal) => {
        KnownReason {
            id: $id,
            title: $title,
            explanation: $explanation,
        }
    };
}

/// The catalogue of known reasons.
pub const REASONS: &[KnownReason] = &[
    reason!(
        "api_version",
        "HTTP API v1 vs v2",
        "Classic cloud mode posts one event per request to the deprecated HTTP API v1 (/httpapi, form fields api_key and event); Actions posts JSON to HTTP API v2 (/2/httpapi) or /batch. Responses differ too (plain text vs JSON)."
    ),
    reason!(
        "endpoint_host",
        "Ingestion host",
        "Classic cloud mode posted identify calls to api.amplitude.com; Actions uses api2.amplitude.com (api.eu.amplitude.com in Europe) for the same APIs."
    ),
    reason!(
        "form_encoding",
        "Form encoding",
        "Actions sends form bodies as URLSearchParams (content type with charset=UTF-8, spaces as +); classic built them with encodeURIComponent (spaces as %20) and sent no charset."
    ),
    reason!(
        "identify_options",
        "Identify `options` field",
        "Actions always sends an `options` form field on identify and group identify (the text `undefined` when Minimum ID Length is unset); classic sent none."
    ),
    reason!(
        "page_naming",
        "Page and screen event names",
        "Classic names pages \"Viewed <Category> <Name> Page\" (or \"Loaded a Page\"); the Actions Page/Screen Calls presets use \"Viewed {{name}}\" (\"Viewed Home Page\" becomes \"Viewed Home\")."
    ),
    reason!(
        "page_gating",
        "Which page calls are sent",
        "Classic sends a page/screen only when Track All Pages is on or a named/categorized page setting matches; the Actions Page Calls and Screen Calls presets send every one."
    ),
    reason!(
        "page_properties",
        "Page name and category in event properties",
        "Classic adds the page's name and category to event_properties; Actions sends properties as they are."
    ),
    reason!(
        "library",
        "`library` value",
        "Classic sends library \"segment\"; Actions' Library Settings default maps context.library.name (e.g. \"analytics.js\")."
    ),
    reason!(
        "platform",
        "Platform",
        "Classic derives platform from the library (analytics.js → Web, analytics-ios → iOS, ...), then device type or OS; Actions maps context.device.type and falls back to Web only for analytics.js. Segment's docs say classic device mode captured Device Type and Platform automatically while Actions does not."
    ),
    reason!(
        "user_agent",
        "Browser and OS fields",
        "For analytics.js, classic put the browser name and major version in os_name/os_version and the OS in device_model (like Amplitude's JS SDK); Actions parses the user agent into the OS name, the browser major version, the device model and device_type, and maps context.os/device otherwise."
    ),
    reason!(
        "locale",
        "Language and country",
        "Classic turns context.locale into English names (\"en-US\" → language \"English\", country \"United States\"); Actions sends context.locale as language and context.location.country as country."
    ),
    reason!(
        "location",
        "City, region, country sources",
        "Classic reads address traits/properties (traits.address.city, properties.country, ...); Actions maps context.location.*."
    ),
    reason!(
        "revenue",
        "Revenue handling",
        "Classic puts revenue (with price/quantity/productId/revenueType) at the top level of any track event with revenue; Actions' Log Event V2 drops them, Log Purchase (Order Completed) computes price × quantity and defaults revenueType to \"Purchase\"."
    ),
    reason!(
        "order_products",
        "Order Completed products",
        "Both send \"Product Purchased\" events per product, but their fields and revenue differ (Track Revenue Per Product)."
    ),
    reason!(
        "leaked_fields",
        "Mapping-only fields in the event",
        "Actions sends some mapping fields inside the event (use_batch_endpoint, products on Log Event V2); Amplitude ignores them."
    ),
    reason!(
        "insert_id",
        "insert_id",
        "Classic cloud mode sets no insert_id (as far as the public code shows); Actions sends one only when mapped."
    ),
    reason!(
        "time_format",
        "Time conversion",
        "Classic converts timestamps with Segment's new-date (numbers below 31557600000 are seconds); Actions converts with dayjs (numbers are milliseconds, numeric strings mis-parse)."
    ),
    reason!(
        "session_id",
        "Session id source",
        "Classic reads integrations.Amplitude.session_id; Actions reads integrations[\"Actions Amplitude\"].session_id, which the Analytics.js 2.0 session plugin fills in."
    ),
    reason!(
        "integration_options",
        "integrations.Amplitude options",
        "Classic reads event_id and event_type (sent as amplitude_event_type) from integrations.Amplitude; Actions has no such defaults."
    ),
    reason!(
        "utm_referrer",
        "UTM and referrer user properties",
        "Actions' Set Once / Set Always defaults send $setOnce initial_utm_*/initial_referrer and $set utm_*/referrer; classic sent UTM values from context.campaign as plain user properties."
    ),
    reason!(
        "trait_operations",
        "Trait operations",
        "Classic's Traits to Increment / Set Once / Append / Prepend turned identify traits into $add/$setOnce/$append/$prepend; Actions has no such settings (map Add / Set Once instead)."
    ),
    reason!(
        "user_properties_id",
        "`id` user property",
        "Classic adds the userId as user_properties.id; Actions sends traits as they are."
    ),
    reason!(
        "traits_source",
        "Where user properties come from",
        "On track/page/screen, classic sends context.traits as user_properties; Actions maps $.traits (top-level traits, usually absent on those calls). Classic also removes the address trait."
    ),
    reason!(
        "event_properties_cleaning",
        "Event property clean-up",
        "Classic removes country, language, event_id and amplitude_event_type from event_properties (and price/quantity/productId/revenueType when revenue is present); Actions sends properties unchanged."
    ),
    reason!(
        "device_id",
        "device_id rule",
        "Both use context.device.id, else anonymousId, but classic uses JS truthiness (an empty device id falls back) and the Prefer Anonymous ID setting; Actions uses the Device ID mapping."
    ),
    reason!(
        "advertising_ids",
        "Advertising ids",
        "Classic sends idfa only for iOS and adid only for Android; Actions maps idfa and adid from the advertising id and idfv from context.device.id regardless of OS."
    ),
    reason!(
        "groups",
        "Groups",
        "Classic associates groups through identify (\"[Segment] Group\" = groupId unless Group Type/Value Trait are set); Actions needs a Group Identify User subscription with explicit group type and value."
    ),
    reason!(
        "alias",
        "Alias",
        "Classic sends alias to usermap only with Enable Alias; Actions needs a Map User subscription (no preset)."
    ),
    reason!(
        "identify_fields",
        "Identify extras",
        "Actions identify adds library \"segment\" and parses the user agent; classic identify carried time and options-based paying/start_version."
    ),
];

/// The catalogue entry of a reason id.
pub fn reason(id: &str) -> Option<&'static KnownReason> {
    REASONS.iter().find(|r| r.id == id)
}

/// Compares the requests the classic destination sends with those of Actions for one event.
pub fn compare(classic: &[HttpRequest], actions: &[HttpRequest]) -> Comparison {
    compare_items(normalise(classic), normalise(actions))
}

/// As [`compare`], on already normalised objects.
pub fn compare_items(classic: Vec<Item>, actions: Vec<Item>) -> Comparison {
    let mut used = vec![false; actions.len()];
    let mut pairs = Vec::new();
    let mut ordinal_c: BTreeMap<ItemKind, usize> = BTreeMap::new();
    for c in classic {
        let oc = ordinal_c.entry(c.kind).or_default();
        let my_ordinal = *oc;
        *oc += 1;
        let mut best: Option<(usize, i32)> = None;
        let mut ordinal_a: BTreeMap<ItemKind, usize> = BTreeMap::new();
        for (ai, a) in actions.iter().enumerate() {
            let oa = ordinal_a.entry(a.kind).or_default();
            let a_ordinal = *oa;
            *oa += 1;
            if used[ai] || a.kind != c.kind {
                continue;
            }
            let mut score = 0;
            if a.value.get("event_type").is_some()
                && a.value.get("event_type") == c.value.get("event_type")
            {
                score += 8;
            }
            if a.value.get("groups").is_some() == c.value.get("groups").is_some() {
                score += 4;
            }
            if a_ordinal == my_ordinal {
                score += 2;
            }
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((ai, score));
            }
        }
        match best {
            Some((ai, _)) => {
                used[ai] = true;
                let a = actions[ai].clone();
                pairs.push(diff_pair(Some(c), Some(a)));
            }
            None => pairs.push(diff_pair(Some(c), None)),
        }
    }
    for (ai, a) in actions.into_iter().enumerate() {
        if !used[ai] {
            pairs.push(diff_pair(None, Some(a)));
        }
    }
    Comparison { pairs }
}

fn diff_pair(classic: Option<Item>, actions: Option<Item>) -> PairDiff {
    let (label, kind) = match (&classic, &actions) {
        (Some(c), Some(a)) if c.label() != a.label() => {
            (format!("{} ↔ {}", c.label(), a.label()), c.kind)
        }
        (Some(i), _) | (None, Some(i)) => (i.label(), i.kind),
        (None, None) => (String::new(), ItemKind::Other),
    };
    let mut differences = Vec::new();
    match (&classic, &actions) {
        (Some(c), Some(a)) => {
            let ctx = Ctx { c, a };
            let mut raw = Vec::new();
            diff_values("", Some(&c.value), Some(&a.value), &mut raw);
            let mut req = Vec::new();
            diff_maps(
                "$request",
                &c.request_fields,
                &a.request_fields,
                &mut req,
                false,
            );
            let mut all = detect_moves(raw);
            all.extend(req);
            for mut d in all {
                d.reason = reason_for(&d, &ctx);
                differences.push(d);
            }
        }
        (Some(c), None) => differences.push(Difference {
            path: String::new(),
            kind: ChangeKind::Removed,
            from: None,
            classic: Some(c.value.clone()),
            actions: None,
            reason: whole_item_reason(c),
        }),
        (None, Some(a)) => differences.push(Difference {
            path: String::new(),
            kind: ChangeKind::Added,
            from: None,
            classic: None,
            actions: Some(a.value.clone()),
            reason: whole_item_reason(a),
        }),
        (None, None) => {}
    }
    PairDiff {
        label,
        kind,
        classic,
        actions,
        differences,
    }
}

fn whole_item_reason(i: &Item) -> Option<&'static str> {
    let et = i
        .value
        .get("event_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    match i.kind {
        ItemKind::Event if et == "Product Purchased" => Some("order_products"),
        ItemKind::Event if is_page_name(et) || et.starts_with("Viewed ") => Some("page_gating"),
        ItemKind::Identify if i.value.get("groups").is_some() => Some("groups"),
        ItemKind::GroupIdentify => Some("groups"),
        ItemKind::UserMap => Some("alias"),
        _ => None,
    }
}

fn is_page_name(s: &str) -> bool {
    matches!(s, "Loaded a Page" | "Loaded a Screen")
        || (s.starts_with("Viewed ") && (s.ends_with(" Page") || s.ends_with(" Screen")))
}

/// A path segment as text: `.key`, `["odd key"]` or `[i]`.
fn push_key(prefix: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if simple {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    } else {
        format!(
            "{prefix}[{}]",
            js::stringify(&Value::String(key.to_string()))
        )
    }
}

fn diff_values(path: &str, c: Option<&Value>, a: Option<&Value>, out: &mut Vec<Difference>) {
    match (c, a) {
        (Some(Value::Object(cm)), Some(Value::Object(am))) => {
            diff_maps(path, cm, am, out, true);
        }
        (Some(Value::Array(cv)), Some(Value::Array(av))) => {
            for i in 0..cv.len().max(av.len()) {
                diff_values(&format!("{path}[{i}]"), cv.get(i), av.get(i), out);
            }
        }
        (Some(x), Some(y)) => {
            if !same_value(x, y) {
                out.push(change(path, ChangeKind::Changed, Some(x), Some(y)));
            }
        }
        (Some(Value::Object(m)), None) if !m.is_empty() => {
            for (k, v) in m {
                diff_values(&push_key(path, k), Some(v), None, out);
            }
        }
        (None, Some(Value::Object(m))) if !m.is_empty() => {
            for (k, v) in m {
                diff_values(&push_key(path, k), None, Some(v), out);
            }
        }
        (Some(x), None) => out.push(change(path, ChangeKind::Removed, Some(x), None)),
        (None, Some(y)) => out.push(change(path, ChangeKind::Added, None, Some(y))),
        (None, None) => {}
    }
}

/// Numbers compare as JavaScript numbers (`1` and `1.0` are the same).
fn same_value(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::Number(a), Value::Number(b)) => {
            js::json_number_to_f64(a) == js::json_number_to_f64(b)
        }
        _ => x == y,
    }
}

fn diff_maps(
    path: &str,
    c: &Map<String, Value>,
    a: &Map<String, Value>,
    out: &mut Vec<Difference>,
    recurse: bool,
) {
    for (k, cv) in c {
        let p = push_key(path, k);
        match a.get(k) {
            Some(av) if recurse => diff_values(&p, Some(cv), Some(av), out),
            Some(av) => {
                if !same_value(cv, av) {
                    out.push(change(&p, ChangeKind::Changed, Some(cv), Some(av)));
                }
            }
            None if recurse => diff_values(&p, Some(cv), None, out),
            None => out.push(change(&p, ChangeKind::Removed, Some(cv), None)),
        }
    }
    for (k, av) in a {
        if !c.contains_key(k) {
            let p = push_key(path, k);
            if recurse {
                diff_values(&p, None, Some(av), out);
            } else {
                out.push(change(&p, ChangeKind::Added, None, Some(av)));
            }
        }
    }
}

fn change(path: &str, kind: ChangeKind, c: Option<&Value>, a: Option<&Value>) -> Difference {
    Difference {
        path: path.to_string(),
        kind,
        from: None,
        classic: c.cloned(),
        actions: a.cloned(),
        reason: None,
    }
}

/// Is the value distinctive enough that finding it at another path means it moved?
fn distinctive(v: &Value) -> bool {
    match v {
        Value::String(s) => s.chars().count() >= 2,
        Value::Number(n) => js::json_number_to_f64(n).abs() >= 10.0,
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        _ => false,
    }
}

/// Pairs a removed path with an added path holding the same value into one `moved` entry.
fn detect_moves(diffs: Vec<Difference>) -> Vec<Difference> {
    let mut removed: Vec<(usize, &Difference)> = diffs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == ChangeKind::Removed)
        .collect();
    let mut moved_from: BTreeMap<usize, usize> = BTreeMap::new();
    for (ai, d) in diffs.iter().enumerate() {
        if d.kind != ChangeKind::Added {
            continue;
        }
        let Some(av) = d.actions.as_ref().filter(|v| distinctive(v)) else {
            continue;
        };
        if let Some(pos) = removed
            .iter()
            .position(|(_, r)| r.classic.as_ref().is_some_and(|cv| same_value(cv, av)))
        {
            let (ri, _) = removed.remove(pos);
            moved_from.insert(ai, ri);
        }
    }
    let consumed: Vec<usize> = moved_from.values().copied().collect();
    diffs
        .iter()
        .enumerate()
        .filter(|(i, _)| !consumed.contains(i))
        .map(|(i, d)| match moved_from.get(&i) {
            Some(ri) => Difference {
                path: d.path.clone(),
                kind: ChangeKind::Moved,
                from: Some(diffs[*ri].path.clone()),
                classic: diffs[*ri].classic.clone(),
                actions: d.actions.clone(),
                reason: None,
            },
            None => d.clone(),
        })
        .collect()
}

struct Ctx<'a> {
    c: &'a Item,
    a: &'a Item,
}

/// The first path segment (`user_properties` of `user_properties.$set.x`).
fn head(path: &str) -> &str {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    &path[..end]
}

/// The first key of a path rest such as `.a.b`, `["odd key"].b` or `[0]`.
fn first_key(rest: &str) -> String {
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if let Some(quoted) = rest.strip_prefix('[')
        && quoted.starts_with('"')
    {
        let mut de = serde_json::Deserializer::from_str(quoted).into_iter::<String>();
        if let Some(Ok(k)) = de.next() {
            return k;
        }
    }
    head(rest).to_string()
}

fn reason_for(d: &Difference, ctx: &Ctx) -> Option<&'static str> {
    let path = d.from.as_deref().filter(|_| d.kind == ChangeKind::Moved);
    let paths = [Some(d.path.as_str()), path];
    for p in paths.into_iter().flatten() {
        if let Some(r) = reason_for_path(p, d, ctx) {
            return Some(r);
        }
    }
    None
}

fn reason_for_path(path: &str, d: &Difference, ctx: &Ctx) -> Option<&'static str> {
    if let Some(rest) = path.strip_prefix("$request") {
        let field = rest.trim_start_matches('.');
        let same_format = ctx.c.request_fields.get("format") == ctx.a.request_fields.get("format");
        return Some(match field {
            "options" => "identify_options",
            "content_type" if same_format => "form_encoding",
            "url" if ctx.c.api == ctx.a.api => "endpoint_host",
            _ => "api_version",
        });
    }
    let top = head(path);
    let event = ctx.c.kind == ItemKind::Event;
    let r = match top {
        "event_type" => {
            let cv = d.classic.as_ref().and_then(Value::as_str).unwrap_or("");
            if is_page_name(cv) {
                "page_naming"
            } else if ctx.c.value.get("amplitude_event_type").is_some() {
                "integration_options"
            } else {
                return None;
            }
        }
        "library" => {
            if ctx.c.kind == ItemKind::Event {
                "library"
            } else {
                "identify_fields"
            }
        }
        "platform" => "platform",
        "device_type"
        | "os_name"
        | "os_version"
        | "device_model"
        | "device_manufacturer"
        | "device_brand"
        | "user_agent" => "user_agent",
        "language" => "locale",
        "country" => "locale",
        "city" | "region" | "dma" => "location",
        "revenue" | "price" | "quantity" | "productId" | "revenueType" => "revenue",
        "products" if event => "leaked_fields",
        "use_batch_endpoint" => "leaked_fields",
        "insert_id" => "insert_id",
        "time" => {
            if ctx.c.kind == ItemKind::Event {
                "time_format"
            } else {
                "identify_fields"
            }
        }
        "session_id" => "session_id",
        "event_id" | "amplitude_event_type" => "integration_options",
        "paying" | "start_version" => "identify_fields",
        "ip" | "app_version" | "carrier" | "location_lat" | "location_lng" if !event => {
            "identify_fields"
        }
        "groups" | "group_properties" | "group_type" | "group_value" => "groups",
        "device_id" => "device_id",
        "idfa" | "adid" | "idfv" | "android_id" => "advertising_ids",
        "user_properties" => user_property_reason(path, ctx),
        "event_properties" => {
            let second = first_key(path.strip_prefix("event_properties").unwrap_or(""));
            let second = second.as_str();
            let page_call = is_page_name(
                ctx.c
                    .value
                    .get("event_type")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            );
            if second == "products" {
                "order_products"
            } else if page_call && (second == "name" || second == "category") {
                "page_properties"
            } else if matches!(
                second,
                "price" | "quantity" | "productId" | "revenueType" | "revenue"
            ) {
                "revenue"
            } else if ctx.c.value.get("event_type").and_then(Value::as_str)
                == Some("Product Purchased")
            {
                "order_products"
            } else {
                "event_properties_cleaning"
            }
        }
        _ => return None,
    };
    Some(r)
}

fn user_property_reason(path: &str, ctx: &Ctx) -> &'static str {
    let rest = path.strip_prefix("user_properties").unwrap_or("");
    let key = first_key(rest);
    let key = key.as_str();
    let utm_like = |k: &str| {
        k.starts_with("utm_")
            || k.starts_with("initial_utm_")
            || k == "referrer"
            || k == "initial_referrer"
    };
    if key == "id" {
        return "user_properties_id";
    }
    if matches!(key, "$add" | "$append" | "$prepend")
        || (key == "$setOnce"
            && !ctx
                .a
                .value
                .pointer("/user_properties/$setOnce")
                .is_some_and(|v| v.as_object().is_some_and(|m| m.keys().all(|k| utm_like(k)))))
    {
        return "trait_operations";
    }
    if matches!(key, "$set" | "$setOnce") || utm_like(key) {
        return "utm_referrer";
    }
    let in_groups = |item: &Item| {
        item.value
            .get("groups")
            .and_then(Value::as_object)
            .is_some_and(|g| g.contains_key(key))
    };
    if in_groups(ctx.c) || in_groups(ctx.a) {
        return "groups";
    }
    "traits_source"
}

/// One row of an [`Aggregate`]: a path that differs, how, and in how many events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregateRow {
    pub path: String,
    pub kind: ChangeKind,
    pub reason: Option<&'static str>,
    /// Events where it occurs.
    pub count: usize,
    /// `count` as a percentage of all events compared.
    pub percent: f64,
    /// Indices of the first few events where it occurs.
    pub examples: Vec<usize>,
}

/// Differences summed over many events.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    events: usize,
    rows: BTreeMap<(String, ChangeKind), RowAcc>,
}

/// Running totals of one aggregate row: events, example indices, reason.
#[derive(Debug, Clone, Default)]
struct RowAcc(usize, Vec<usize>, Option<&'static str>);

/// How many example event indices a row keeps.
const MAX_EXAMPLES: usize = 5;

impl Aggregate {
    /// An empty aggregate.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the comparison of event `index`.
    pub fn add(&mut self, index: usize, cmp: &Comparison) {
        self.events += 1;
        let mut seen: Vec<(String, ChangeKind)> = Vec::new();
        for (pair, d) in cmp.differences() {
            let key = (summary_path(pair, d), d.kind);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let row = self
                .rows
                .entry(key)
                .or_insert(RowAcc(0, Vec::new(), d.reason));
            row.0 += 1;
            if row.2.is_none() {
                row.2 = d.reason;
            }
            if row.1.len() < MAX_EXAMPLES {
                row.1.push(index);
            }
        }
    }

    /// Number of events added.
    pub fn events(&self) -> usize {
        self.events
    }

    /// The rows, most frequent first, then by path.
    pub fn rows(&self) -> Vec<AggregateRow> {
        let mut rows: Vec<AggregateRow> = self
            .rows
            .iter()
            .map(
                |((path, kind), RowAcc(count, examples, reason))| AggregateRow {
                    path: path.clone(),
                    kind: *kind,
                    reason: *reason,
                    count: *count,
                    percent: if self.events == 0 {
                        0.0
                    } else {
                        *count as f64 * 100.0 / self.events as f64
                    },
                    examples: examples.clone(),
                },
            )
            .collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.path.cmp(&b.path)));
        rows
    }

    /// CSV with a header: `path,kind,reason,events,percent,example_events`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("path,kind,reason,events,percent,example_events\n");
        for r in self.rows() {
            let fields = [
                r.path.clone(),
                r.kind.as_str().to_string(),
                r.reason.unwrap_or("").to_string(),
                r.count.to_string(),
                format!("{:.1}", r.percent),
                examples_text(&r.examples, " "),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }

    /// A Markdown table of the rows, with the reasons' titles.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "Differences over {} event{}\n\n| Path | Kind | Events | % | Examples | Known reason |\n|---|---|---:|---:|---|---|\n",
            self.events,
            if self.events == 1 { "" } else { "s" }
        );
        for r in self.rows() {
            let reason = r.reason.and_then(reason).map(|k| k.title).unwrap_or("");
            out.push_str(&format!(
                "| `{}` | {} | {} | {:.1} | {} | {} |\n",
                r.path.replace('|', "\\|").replace('`', "'"),
                r.kind.as_str(),
                r.count,
                r.percent,
                examples_text(&r.examples, ", "),
                reason.replace('|', "\\|")
            ));
        }
        out
    }
}

fn pair_kind_text(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Event => "event",
        ItemKind::Identify => "identify",
        ItemKind::GroupIdentify => "group identify",
        ItemKind::UserMap => "user mapping",
        ItemKind::Other => "request",
    }
}

fn examples_text(examples: &[usize], sep: &str) -> String {
    examples
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// `products[3].price` → `products[*].price`, so array items aggregate together.
/// The path under which an [`Aggregate`] sums a difference: array indices collapsed to `[*]`,
/// `(whole <kind>)` for an object only one side sends.
pub fn summary_path(pair: &PairDiff, d: &Difference) -> String {
    if d.path.is_empty() {
        format!("(whole {})", pair_kind_text(pair.kind))
    } else {
        collapse_indices(&d.path)
    }
}

fn collapse_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '[' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push_str("[*");
        } else {
            out.push(c);
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// What one Actions subscription did with the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionsRun {
    pub subscription: String,
    pub action: String,
    /// `ok`, `not_subscribed`, `error`, ... (the conformance names).
    pub status: &'static str,
    pub requests: Vec<HttpRequest>,
    pub error: Option<String>,
}

/// Classic and Actions requests for one event, and their comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideBySide {
    pub classic: ClassicOutput,
    /// The Actions subscriptions' runs, or why the Actions side cannot be computed in this
    /// build.
    pub actions: Result<Vec<ActionsRun>, String>,
    /// Present when both sides could be computed.
    pub comparison: Option<Comparison>,
}

/// Runs the classic model and the given Actions subscriptions (e.g. the five cloud presets or
/// the migration's subscriptions) on one event and compares what they send. Nothing is sent:
/// the Actions side is previewed assuming every answer succeeds.
pub fn side_by_side(
    classic_settings: &ClassicSettings,
    actions_settings: &amplitude::Settings,
    subscriptions: &[Subscription],
    event: &Value,
    now_ms: f64,
) -> SideBySide {
    let classic = cloud_requests(classic_settings, event);
    let mut runs = Vec::new();
    let mut unavailable = None;
    for sub in subscriptions.iter().filter(|s| s.enabled) {
        let outcome = amplitude::preview(actions_settings, sub, event, now_ms);
        if let Some(e) = outcome.error.as_ref().filter(|e| e.class == "NotWired") {
            unavailable = Some(e.message.clone());
            break;
        }
        runs.push(ActionsRun {
            subscription: sub.name.clone(),
            action: sub.action.clone(),
            status: outcome.status.as_str(),
            requests: outcome.requests,
            error: outcome.error.map(|e| e.to_string()),
        });
    }
    if let Some(reason) = unavailable {
        return SideBySide {
            classic,
            actions: Err(reason),
            comparison: None,
        };
    }
    let classic_requests: Vec<HttpRequest> =
        classic.requests.iter().map(|r| r.request.clone()).collect();
    let actions_requests: Vec<HttpRequest> = runs
        .iter()
        .flat_map(|r| r.requests.iter().cloned())
        .collect();
    let comparison = compare(&classic_requests, &actions_requests);
    SideBySide {
        classic,
        actions: Ok(runs),
        comparison: Some(comparison),
    }
}

#[cfg(test)]
mod tests;
