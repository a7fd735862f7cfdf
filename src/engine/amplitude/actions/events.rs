//! logEvent, logEventV2 and logPurchase: one JSON request to the HTTP API (or `/batch`).

use serde_json::Value;

use super::obj::{Obj, Spread, V};
use super::{
    ActionKind, Performed, UtmMembers, apply_platform, as_number, has_utm_or_referrer,
    json_request, min_id_length, parsed_user_agent, user_agent_notes, user_agent_prefix,
    user_properties_merged,
};
use crate::engine::amplitude::endpoints::Endpoint;
use crate::engine::amplitude::payload::{ActionPayload, Members};
use crate::engine::amplitude::quirks::{QuirkKind, QuirkNote};
use crate::engine::amplitude::settings::Settings;
use crate::engine::amplitude::time::{dayjs_utc, format_session_id, truthy};

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
    // What the user-properties merge reads and makes, declared before the object that
    // borrows it.
    let utm_members: UtmMembers<'_>;
    let mut props = Obj::with_capacity(payload.len() + 4);
    let mut has_revenue = false;
    for (k, v) in payload.slots() {
        match role(action, k) {
            Role::Kept => props.push(k, V::Ref(v.value())),
            Role::TakenOut => {}
            Role::Revenue => has_revenue = true,
        }
    }
    if action != ActionKind::LogPurchase && has_revenue {
        notes.push(QuirkNote::new(QuirkKind::RevenueDropped, 0, None));
    }

    if apply_platform(&mut props, payload.get("platform"), payload.get("library")) {
        notes.push(QuirkNote::new(QuirkKind::PlatformRewritten, 0, None));
    }
    if let Some(time) = payload.get("time").filter(|v| truthy(v)) {
        let t = dayjs_utc(Some(time), now_ms);
        if !t.is_nan() {
            // `time`, `session_id` and `library` were taken out of `props`: appended.
            props.push("time", V::Num(t));
            if let Value::String(s) = time
                && s.bytes().all(|b| b.is_ascii_digit())
            {
                notes.push(QuirkNote::new(
                    QuirkKind::NumericStringTime,
                    0,
                    Some(format!(
                        "\"{s}\" became {}.",
                        crate::engine::js::number_to_string(t)
                    )),
                ));
            }
        }
    }
    if let Some(sid) = payload.get("session_id").filter(|v| truthy(v))
        && !dayjs_utc(Some(sid), now_ms).is_nan()
    {
        props.push("session_id", V::Num(format_session_id(sid, now_ms)));
    }
    match action {
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
                let up = up.get_or_insert_with(|| match props.get("user_properties") {
                    // Only the payload's own value can be there at this point.
                    Some(V::Ref(Value::Object(m))) => Obj::spread_of(m),
                    _ => Obj::default(),
                });
                if up.get(name).is_some() {
                    notes.push(QuirkNote::new(QuirkKind::OperationReplacedTraits, 0, None));
                }
                up.set(name, V::of_member(obj));
            }
            if let Some(up) = up {
                props.set("user_properties", V::Obj(up));
            }
        }
        _ => {
            if has_utm_or_referrer(payload) {
                utm_members = UtmMembers::of(payload);
                props.set(
                    "user_properties",
                    user_properties_merged(payload, false, &utm_members),
                );
            }
        }
    }

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
    user_agent_notes(&props, &prefix, &mut notes);

    let products: &[Value] = match payload.get("products") {
        Some(Value::Array(items)) if action == ActionKind::LogPurchase => items,
        _ => &[],
    };
    // The product events start from the members (a copy: they are moved into the event).
    let product_base = (!products.is_empty()).then(|| props.clone());
    // The event is `{...prefix, ...props}` with the revenue and library members set on it:
    // set on `props` before the spread, which puts them in the same places (none of them is
    // a key of the prefix).
    let per_product = payload.get("trackRevenuePerProduct").is_some_and(truthy);
    if action == ActionKind::LogPurchase && (!per_product || products.is_empty()) {
        add_revenue(&mut props, payload, &mut notes);
    }
    let library_member = || library.as_ref().map_or(V::Undefined, V::view);
    props.push("library", library_member());
    let main = Spread {
        first: &prefix,
        then: &props,
    };

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
    main.write(&mut body);
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
