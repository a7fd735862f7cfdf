//! logEvent, logEventV2 and logPurchase: one JSON request to the HTTP API (or `/batch`).

use serde_json::Value;

use super::obj::{Obj, Spread, V, write_member, write_payload_member};
use super::{
    ActionKind, Performed, UtmMembers, as_number, has_utm_or_referrer, json_request, min_id_length,
    parsed_user_agent, platform_override, user_agent_notes, user_agent_prefix,
    user_properties_merged,
};
use crate::engine::amplitude::endpoints::Endpoint;
use crate::engine::amplitude::payload::{ActionPayload, Members};
use crate::engine::amplitude::quirks::{QuirkKind, QuirkNote};
use crate::engine::amplitude::settings::Settings;
use crate::engine::amplitude::time::{dayjs_utc, format_session_id, truthy};
use crate::engine::js::JsonSink;

/// What becomes of a payload member before the rest becomes the event.
enum Role {
    /// Stays in the event.
    Kept,
    /// Taken out (read separately or dropped).
    TakenOut,
    /// One of the revenue fields: taken out, and dropped for good except by logPurchase.
    Revenue,
}

/// The role of `key` in `action`'s payload (one `match`: this runs for every member).
fn role(action: ActionKind, key: &str) -> Role {
    match key {
        "time"
        | "session_id"
        | "userAgent"
        | "userAgentParsing"
        | "includeRawUserAgent"
        | "userAgentData"
        | "utm_properties"
        | "referrer"
        | "min_id_length"
        | "library"
        | "library2" => Role::TakenOut,
        "revenue" | "price" | "productId" | "quantity" | "revenueType" => Role::Revenue,
        "setOnce" | "setAlways" | "add" if action == ActionKind::LogEventV2 => Role::TakenOut,
        "products" | "trackRevenuePerProduct" if action == ActionKind::LogPurchase => {
            Role::TakenOut
        }
        _ => Role::Kept,
    }
}

pub(super) fn perform(
    action: ActionKind,
    settings: &Settings,
    payload: &ActionPayload<'_>,
    now_ms: f64,
) -> Performed {
    let mut notes = Vec::new();
    // What the user-properties merge reads and makes, declared before the event that
    // borrows it.
    let utm_members: UtmMembers<'_>;
    // The members that stay in the event, by position, in one pass over the roles.
    let mut kept = Kept::default();
    let mut has_revenue = false;
    for (at, (k, _)) in payload.slots().enumerate() {
        match role(action, k) {
            Role::Kept => kept.add(at, k),
            Role::TakenOut => {}
            Role::Revenue => has_revenue = true,
        }
    }
    if action != ActionKind::LogPurchase && has_revenue {
        notes.push(QuirkNote::new(QuirkKind::RevenueDropped, 0, None));
    }
    let platform = platform_override(payload.get("platform"), payload.get("library"));
    if platform.is_some() {
        notes.push(QuirkNote::new(QuirkKind::PlatformRewritten, 0, None));
    }
    let mut time = None;
    if let Some(t) = payload.get("time").filter(|v| truthy(v)) {
        let ms = dayjs_utc(Some(t), now_ms);
        if !ms.is_nan() {
            time = Some(ms);
            if let Value::String(s) = t
                && s.bytes().all(|b| b.is_ascii_digit())
            {
                notes.push(QuirkNote::new(
                    QuirkKind::NumericStringTime,
                    0,
                    Some(format!(
                        "\"{s}\" became {}.",
                        crate::engine::js::number_to_string(ms)
                    )),
                ));
            }
        }
    }
    let session_id = payload
        .get("session_id")
        .filter(|v| truthy(v))
        .filter(|sid| !dayjs_utc(Some(sid), now_ms).is_nan())
        .map(|sid| format_session_id(sid, now_ms));
    let user_properties = match action {
        ActionKind::LogEventV2 => {
            // `user_properties = {...user_properties, [name]: obj}` per operation: the copy
            // is made once (borrowing the members) and each operation adds to it.
            let mut up: Option<Obj<'_>> = None;
            for (name, field) in [
                ("$setOnce", "setOnce"),
                ("$set", "setAlways"),
                ("$add", "add"),
            ] {
                // `compact(obj)`: some member or item is not `""`.
                let Some(obj) = payload
                    .get_ref(field)
                    .filter(|o| o.any_value(|v| v.as_str() != Some("")))
                else {
                    continue;
                };
                let up = up.get_or_insert_with(|| match payload.get("user_properties") {
                    Some(Value::Object(m)) => Obj::spread_of(m),
                    _ => Obj::default(),
                });
                if up.get(name).is_some() {
                    notes.push(QuirkNote::new(QuirkKind::OperationReplacedTraits, 0, None));
                }
                up.set(name, V::of_member(obj));
            }
            up.map(V::Obj)
        }
        _ if has_utm_or_referrer(payload) => {
            utm_members = UtmMembers::of(payload);
            Some(user_properties_merged(payload, false, &utm_members))
        }
        _ => None,
    };

    let library = library_value(payload);
    if let (Some(Value::String(lib)), Some(V::Str(sent))) = (payload.get("library"), &library)
        && sent == "segment"
        && lib != "segment"
    {
        notes.push(QuirkNote::new(
            QuirkKind::LibraryIsSegment,
            0,
            Some(format!("The event's library is \"{lib}\".")),
        ));
    }
    let ua = parsed_user_agent(payload);
    let prefix = user_agent_prefix(payload, ua.as_deref());
    let event = Event {
        payload,
        kept,
        platform: platform.as_ref().map(|v| (payload.position("platform"), v)),
        time,
        session_id,
        user_properties: user_properties
            .as_ref()
            .map(|v| (payload.position("user_properties"), v)),
    };
    user_agent_notes(
        |k| {
            event.kept_at(k).is_some()
                || (k == "platform" && platform.is_some())
                || (k == "user_properties" && user_properties.is_some())
        },
        &prefix,
        &mut notes,
    );

    let products: &[Value] = match payload.get("products") {
        Some(Value::Array(items)) if action == ActionKind::LogPurchase => items,
        _ => &[],
    };
    let per_product = payload.get("trackRevenuePerProduct").is_some_and(truthy);
    // The revenue members, set on the event after the others (none of them is kept).
    let mut revenue = Obj::default();
    if action == ActionKind::LogPurchase && (!per_product || products.is_empty()) {
        add_revenue(&mut revenue, payload, &mut notes);
    }
    let library_member = || library.as_ref().map_or(V::Undefined, V::view);

    let endpoint = if payload.get("use_batch_endpoint").is_some_and(truthy) {
        Endpoint::Batch
    } else {
        Endpoint::HttpApi
    };
    // Most bodies are one to three kilobytes: one allocation instead of growing by doubling.
    let mut body = String::with_capacity(4096);
    body.push_str("{\"api_key\":");
    crate::engine::js::write_json_string(&mut body, &settings.api_key);
    body.push_str(",\"events\":[");
    if products.is_empty() && !event.kept.general && !by_object() {
        // Written straight from the payload's members: no object is built for it.
        crate::engine::js::write_escaping_once(
            &mut body,
            &Written {
                prefix: &prefix,
                event: &event,
                revenue: &revenue,
                library: library_member(),
            },
        );
    } else {
        // The product events start from the members (a copy: they are moved into the event).
        let mut props = event.to_obj();
        let product_base = (!products.is_empty()).then(|| props.clone());
        // The event is `{...prefix, ...props}` with the revenue and library members set on it:
        // set on `props` before the spread, which puts them in the same places (none of them
        // is a key of the prefix).
        for (k, v) in revenue.entries.iter() {
            props.set(k, v.view());
        }
        props.push("library", library_member());
        Spread {
            first: &prefix,
            then: &props,
        }
        .write(&mut body);
        let product_base = product_base.unwrap_or_default();
        let insert_id = product_base.get("insert_id").filter(|v| v.truthy());
        for (i, product) in products.iter().enumerate() {
            let mut ev = product_base.view();
            if per_product && let Value::Object(p) = product {
                add_revenue(&mut ev, p, &mut notes);
            }
            ev.set("event_properties", V::Ref(product));
            ev.set("event_type", V::Str("Product Purchased".into()));
            ev.set(
                "insert_id",
                match insert_id {
                    Some(id) => {
                        let mut s = String::new();
                        write_js_string(&mut s, id);
                        // The main event is number 1.
                        s.push('-');
                        s.push_str(&(i + 2).to_string());
                        V::Str(s.into())
                    }
                    None => V::Undefined,
                },
            );
            ev.set("library", library_member());
            body.push(',');
            ev.write(&mut body);
        }
    }
    body.push(']');
    if let Some(n) = min_id_length(payload) {
        body.push_str(",\"options\":{\"min_id_length\":");
        if n.is_finite() {
            crate::engine::js::write_number(&mut body, n);
        } else {
            // JSON.stringify writes Infinity as null.
            body.push_str("null");
        }
        body.push('}');
    }
    body.push('}');

    if payload.contains_key("use_batch_endpoint") {
        notes.push(QuirkNote::new(QuirkKind::BatchFlagInEvent, 0, None));
    }
    if action != ActionKind::LogPurchase && payload.contains_key("products") {
        notes.push(QuirkNote::new(QuirkKind::ProductsInEvent, 0, None));
    }
    Performed {
        requests: vec![json_request(endpoint.url(settings.endpoint), body)],
        notes,
        first_event_count: Some(1 + products.len()),
    }
}

/// Whether the main event is built as an object first (the way products need), for tests to
/// compare both ways.
#[cfg(not(test))]
fn by_object() -> bool {
    false
}

#[cfg(test)]
thread_local! {
    static BY_OBJECT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn by_object() -> bool {
    BY_OBJECT.get()
}

/// The positions of the payload's members kept in the event.
#[derive(Default)]
struct Kept {
    /// One bit per position below 64.
    mask: u64,
    /// The positions from 64 on.
    beyond: Vec<usize>,
    /// Positions past the mask, or an index-like key (which the object writers order):
    /// the event is then built as an object and written the general way.
    general: bool,
}

impl Kept {
    fn add(&mut self, at: usize, key: &str) {
        if at < 64 {
            self.mask |= 1 << at;
        } else {
            self.beyond.push(at);
        }
        self.general |= at >= 64 || crate::engine::js::is_array_index(key).is_some();
    }

    fn has(&self, at: usize) -> bool {
        if at < 64 {
            self.mask & 1 << at != 0
        } else {
            self.beyond.contains(&at)
        }
    }
}

/// The event's own members before the revenue and `library` ones: the payload's kept members
/// in their order (the platform and user properties replaced where the action sets them),
/// then what the action adds. Read from the payload where it is written, rather than copied
/// into an object first.
struct Event<'o, 'p> {
    payload: &'o ActionPayload<'p>,
    kept: Kept,
    /// The platform the action sets, with the payload's position of it (else it is added).
    platform: Option<(Option<usize>, &'o V<'o>)>,
    time: Option<f64>,
    session_id: Option<f64>,
    /// The user properties the action sets, as the platform.
    user_properties: Option<(Option<usize>, &'o V<'o>)>,
}

impl<'o> Event<'o, '_> {
    /// The position of the kept member `k`.
    fn kept_at(&self, k: &str) -> Option<usize> {
        self.payload.position(k).filter(|&at| self.kept.has(at))
    }

    /// The members the action adds after the payload's, in order (`set` on a key the
    /// payload has replaces its value in place instead).
    fn added(&self) -> [(&'static str, Option<V<'o>>); 4] {
        let added = |set: Option<(Option<usize>, &'o V<'o>)>| match set {
            Some((None, v)) => Some(v.view()),
            _ => None,
        };
        [
            ("platform", added(self.platform)),
            ("time", self.time.map(V::Num)),
            ("session_id", self.session_id.map(V::Num)),
            ("user_properties", added(self.user_properties)),
        ]
    }

    /// The value of the payload's member at `at` (kept in the event).
    fn member(&self, at: usize) -> V<'o> {
        match self.replaced(at) {
            Some(v) => v.view(),
            None => V::of_member(self.payload.member_at(at)),
        }
    }

    /// The value the action sets for the payload's member at `at`, if it does.
    #[inline(always)]
    fn replaced(&self, at: usize) -> Option<&'o V<'o>> {
        match (self.platform, self.user_properties) {
            (None, None) => None,
            (Some((Some(p), v)), _) if p == at => Some(v),
            (_, Some((Some(p), v))) if p == at => Some(v),
            _ => None,
        }
    }

    /// `"key":value` of the payload's member at `at` (kept in the event).
    #[inline(always)]
    fn write_member<S: JsonSink + ?Sized>(
        &self,
        out: &mut S,
        empty: &mut bool,
        k: &str,
        at: usize,
    ) {
        match self.replaced(at) {
            Some(v) => write_member(out, empty, k, v),
            None => write_payload_member(out, empty, k, self.payload.member_at(at)),
        }
    }

    /// The kept members of the payload: position and key.
    fn kept(&self) -> impl Iterator<Item = (usize, &'o str)> + '_ {
        self.payload
            .slots()
            .enumerate()
            .filter(|(at, _)| self.kept.has(*at))
            .map(|(at, (k, _))| (at, k))
    }

    /// The members as an object.
    fn to_obj(&self) -> Obj<'o> {
        let mut props = Obj::with_capacity(self.payload.len() + 6);
        for (at, k) in self.kept() {
            props.push(k, self.member(at));
        }
        for (k, v) in self.added() {
            if let Some(v) = v {
                props.push(k, v);
            }
        }
        props
    }
}

/// `{...prefix, ...event, ...revenue, library}` written from its parts: `prefix`'s members in
/// order, each with the event's value when the event has its key, then the event's other
/// members, the revenue ones and `library` (none of them is a key of the prefix or of the
/// payload).
struct Written<'w, 'o, 'p> {
    prefix: &'w Obj<'w>,
    event: &'w Event<'o, 'p>,
    revenue: &'w Obj<'w>,
    library: V<'w>,
}

impl crate::engine::js::WriteJson for Written<'_, '_, '_> {
    fn write_to<S: JsonSink + ?Sized>(&self, out: &mut S) {
        let Written {
            prefix,
            event,
            revenue,
            library,
        } = self;
        out.text().push('{');
        let mut empty = true;
        // The payload's members written in the prefix's places (at most six).
        let mut shadowed = [usize::MAX; 8];
        for (n, (k, v)) in prefix.entries.iter().enumerate() {
            match event.kept_at(k) {
                Some(at) if n < shadowed.len() => {
                    shadowed[n] = at;
                    event.write_member(out, &mut empty, k, at);
                }
                _ => write_member(out, &mut empty, k, v),
            }
        }
        for (at, k) in event.kept() {
            if !shadowed.contains(&at) {
                event.write_member(out, &mut empty, k, at);
            }
        }
        // What the action adds, in [`Event::added`]'s order (written from references here:
        // a view of the user properties would copy their members).
        if let Some((None, v)) = event.platform {
            write_member(out, &mut empty, "platform", v);
        }
        for (k, n) in [("time", event.time), ("session_id", event.session_id)] {
            if let Some(n) = n {
                write_member(out, &mut empty, k, &V::Num(n));
            }
        }
        if let Some((None, v)) = event.user_properties {
            write_member(out, &mut empty, "user_properties", v);
        }
        for (k, v) in &revenue.entries {
            write_member(out, &mut empty, k, v);
        }
        write_member(out, &mut empty, "library", library);
        out.text().push('}');
    }
}

/// `library2?.behavior === 'use_mapping' ? library2.mapping : 'segment'` (`None` when the
/// mapping is missing: the key is then not sent).
fn library_value<'p>(payload: &'p ActionPayload<'_>) -> Option<V<'p>> {
    match payload.get_ref("library2") {
        Some(l) if l.member("behavior").and_then(Value::as_str) == Some("use_mapping") => {
            l.member("mapping").map(V::Ref)
        }
        _ => Some(V::Str("segment".into())),
    }
}

/// Template-literal string conversion of a member value.
fn write_js_string(out: &mut String, v: &V<'_>) {
    let v = match v {
        V::Ref(v) => *v,
        V::Own(v) => v,
        V::Num(n) => return crate::engine::js::write_number(out, *n),
        V::Str(s) => return out.push_str(s),
        V::Undefined => return out.push_str("undefined"),
        V::Obj(_) | V::Fields(_) => return out.push_str("[object Object]"),
    };
    match v {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => {
            crate::engine::js::write_number(out, crate::engine::js::json_number_to_f64(n))
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        Value::Array(_) | Value::Object(_) => out.push_str("[object Object]"),
    }
}

/// `Math.round` (halves go towards +∞).
fn js_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

/// `getRevenueProperties(x)` spread into `ev`.
fn add_revenue<'a, M: Members + ?Sized>(ev: &mut Obj<'a>, x: &'a M, notes: &mut Vec<QuirkNote>) {
    let number = |k: &str| x.non_finite_member(k).or_else(|| as_number(x.member(k)));
    let quantity = number("quantity");
    let price = number("price");
    let mut revenue = match x.non_finite_member("revenue") {
        Some(r) => Some(V::Num(r)),
        None => x.member("revenue").map(V::Ref),
    };
    if let (Some(q), Some(p)) = (quantity, price) {
        let product = q * p;
        if let Some(r) = number("revenue")
            && r != product
        {
            notes.push(QuirkNote::new(
                QuirkKind::PriceTimesQuantity,
                0,
                Some(format!(
                    "Revenue {} was replaced by {}.",
                    crate::engine::js::number_to_string(r),
                    crate::engine::js::number_to_string(product)
                )),
            ));
        }
        revenue = Some(V::Num(product));
    }
    let Some(revenue) = revenue.filter(V::truthy) else {
        return;
    };
    ev.set("revenue", revenue);
    let revenue_type = match x.member("revenueType") {
        Some(v) if !v.is_null() => V::Ref(v),
        _ => V::Str("Purchase".into()),
    };
    ev.set("revenueType", revenue_type);
    ev.set(
        "quantity",
        quantity.map_or(V::Undefined, |q| V::Num(js_round(q))),
    );
    ev.set(
        "price",
        match x.non_finite_member("price") {
            Some(p) => V::Num(p),
            None => x.member("price").map_or(V::Undefined, V::Ref),
        },
    );
    ev.set(
        "productId",
        x.member("productId").map_or(V::Undefined, V::Ref),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::amplitude::Region;
    use serde_json::{Map, json};

    /// The event written straight from the payload is the event built as an object and then
    /// written, for payloads mixing what the actions add, replace or take out: platforms
    /// rewritten in place or added, user agents whose members the payload overrides, user
    /// properties with operations or UTM merges, revenue members, times, libraries.
    #[test]
    fn events_written_from_the_payload_equal_events_built_first() {
        let choices: Vec<(&str, Vec<Value>)> = vec![
            ("event_type", vec![json!("Viewed")]),
            (
                "platform",
                vec![json!("ios"), json!("Web"), json!(0), json!("android tv")],
            ),
            (
                "library",
                vec![json!("analytics.js"), json!("segment"), json!("ios")],
            ),
            (
                "userAgent",
                vec![json!(
                    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 \
                     (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
                )],
            ),
            ("userAgentParsing", vec![json!(true), json!(false)]),
            ("includeRawUserAgent", vec![json!(true)]),
            (
                "userAgentData",
                vec![json!({"model": "Pixel", "platformVersion": "14"})],
            ),
            ("os_version", vec![json!("16"), json!(null)]),
            ("device_model", vec![json!("X")]),
            (
                "user_properties",
                vec![
                    json!({"a": 1, "$set": {"b": 2}}),
                    json!("text"),
                    json!({"1": 1}),
                ],
            ),
            ("setOnce", vec![json!({"first": "x"}), json!({"e": ""})]),
            ("setAlways", vec![json!({"$set": 1})]),
            ("add", vec![json!({"n": 1})]),
            (
                "time",
                vec![json!("2024-03-15T14:22:33.456Z"), json!("1700000000")],
            ),
            ("session_id", vec![json!(1700000000123_i64), json!("bad")]),
            ("revenue", vec![json!(10.5)]),
            ("price", vec![json!(2)]),
            ("quantity", vec![json!(3)]),
            ("utm_properties", vec![json!({"utm_source": "s"})]),
            ("referrer", vec![json!("https://r.example/")]),
            (
                "library2",
                vec![json!({"behavior": "use_mapping", "mapping": "lib"})],
            ),
            ("insert_id", vec![json!("i-1")]),
            ("min_id_length", vec![json!(3)]),
            ("use_batch_endpoint", vec![json!(true)]),
            ("3", vec![json!("index-like")]),
        ];
        let settings = Settings::new("KEY", "SECRET", Region::NorthAmerica);
        let mut seed = 11u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let mut written = 0;
        for _ in 0..1500 {
            let mut m = Map::new();
            // Members in a random order, each present half the time.
            let mut order: Vec<usize> = (0..choices.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, next() % (i + 1));
            }
            for i in order {
                let (k, vs) = &choices[i];
                if next() % 2 == 0 {
                    m.insert(k.to_string(), vs[next() % vs.len()].clone());
                }
            }
            let payload = ActionPayload::from_map(&m);
            for action in [
                ActionKind::LogEvent,
                ActionKind::LogEventV2,
                ActionKind::LogPurchase,
            ] {
                BY_OBJECT.set(false);
                let direct = perform(action, &settings, &payload, 1717245296789.0);
                BY_OBJECT.set(true);
                let built = perform(action, &settings, &payload, 1717245296789.0);
                BY_OBJECT.set(false);
                assert_eq!(direct, built, "{action:?} {}", Value::Object(m.clone()));
                written += usize::from(!m.contains_key("3"));
            }
        }
        assert!(written > 1000, "{written}");
    }
}
