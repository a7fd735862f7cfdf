//! logEvent, logEventV2 and logPurchase: one JSON request to the HTTP API (or `/batch`).

use serde_json::{Map, Value};

use super::{
    ActionKind, Performed, apply_platform, as_number, drop_placeholders, has_utm_or_referrer,
    json_request, merge_user_properties, min_id_length, number, referrer_part, set,
    traits_without_utm, user_agent_prefix, utm_part,
};
use crate::engine::amplitude::endpoints::Endpoint;
use crate::engine::amplitude::quirks::{QuirkKind, QuirkNote};
use crate::engine::amplitude::settings::Settings;
use crate::engine::amplitude::time::{dayjs_utc, format_session_id, truthy};

const REVENUE_KEYS: [&str; 5] = ["revenue", "price", "productId", "quantity", "revenueType"];

/// Keys every event action takes out of the payload before the rest becomes the event.
const TAKEN_OUT: [&str; 11] = [
    "time",
    "session_id",
    "userAgent",
    "userAgentParsing",
    "includeRawUserAgent",
    "userAgentData",
    "utm_properties",
    "referrer",
    "min_id_length",
    "library",
    "library2",
];

pub(super) fn perform(
    action: ActionKind,
    settings: &Settings,
    payload: &Map<String, Value>,
    now_ms: f64,
) -> Performed {
    let mut notes = Vec::new();
    let extra: &[&str] = match action {
        ActionKind::LogEventV2 => &["setOnce", "setAlways", "add"],
        ActionKind::LogPurchase => &["products", "trackRevenuePerProduct"],
        _ => &[],
    };
    let mut props = Map::new();
    for (k, v) in payload {
        let k = k.as_str();
        if !REVENUE_KEYS.contains(&k) && !TAKEN_OUT.contains(&k) && !extra.contains(&k) {
            props.insert(k.to_string(), v.clone());
        }
    }
    if action != ActionKind::LogPurchase && REVENUE_KEYS.iter().any(|k| payload.contains_key(*k)) {
        notes.push(QuirkNote::new(QuirkKind::RevenueDropped, 0, None));
    }

    if apply_platform(&mut props, payload.get("library")) {
        notes.push(QuirkNote::new(QuirkKind::PlatformRewritten, 0, None));
    }
    if let Some(time) = payload.get("time").filter(|v| truthy(v)) {
        let t = dayjs_utc(Some(time), now_ms);
        if !t.is_nan() {
            props.insert("time".to_string(), number(t));
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
        props.insert(
            "session_id".to_string(),
            number(format_session_id(sid, now_ms)),
        );
    }
    match action {
        ActionKind::LogEventV2 => {
            for (name, field) in [
                ("$setOnce", "setOnce"),
                ("$set", "setAlways"),
                ("$add", "add"),
            ] {
                let obj = payload.get(field);
                if compact(obj) {
                    let mut up = Map::new();
                    let replaced = match props.get("user_properties") {
                        Some(Value::Object(m)) => m.contains_key(name),
                        _ => false,
                    };
                    super::spread(&mut up, props.get("user_properties"));
                    set(&mut up, name, obj.cloned().unwrap_or(Value::Null));
                    set(&mut props, "user_properties", Value::Object(up));
                    if replaced {
                        notes.push(QuirkNote::new(QuirkKind::OperationReplacedTraits, 0, None));
                    }
                }
            }
        }
        _ => {
            if has_utm_or_referrer(payload) {
                let merged = merge_user_properties(&[
                    utm_part(payload.get("utm_properties")),
                    referrer_part(payload.get("referrer")),
                    traits_without_utm(props.get("user_properties")),
                ]);
                set(&mut props, "user_properties", Value::Object(merged));
            }
        }
    }

    let library = library_value(payload);
    if let (Some(Value::String(lib)), Some(Value::String(sent))) =
        (payload.get("library"), &library)
        && sent == "segment"
        && lib != "segment"
    {
        notes.push(QuirkNote::new(
            QuirkKind::LibraryIsSegment,
            0,
            Some(format!("The event's library is \"{lib}\".")),
        ));
    }
    let mut main = Map::new();
    let undefined = user_agent_prefix(payload, &mut main);
    for (k, v) in &props {
        set(&mut main, k, v.clone());
    }
    drop_placeholders(&mut main, &undefined, &props);
    if main.get("os_version").is_some() && !props.contains_key("os_version") {
        notes.push(QuirkNote::new(
            QuirkKind::OsVersionIsBrowserVersion,
            0,
            None,
        ));
    }

    let products: &[Value] = match payload.get("products") {
        Some(Value::Array(items)) if action == ActionKind::LogPurchase => items,
        _ => &[],
    };
    let per_product = payload.get("trackRevenuePerProduct").is_some_and(truthy);
    if action == ActionKind::LogPurchase && (!per_product || products.is_empty()) {
        add_revenue(&mut main, payload, &mut notes);
    }
    if let Some(lib) = &library {
        set(&mut main, "library", lib.clone());
    }
    let mut events = vec![Value::Object(main)];
    for product in products {
        let mut ev = props.clone();
        if per_product && let Value::Object(p) = product {
            add_revenue(&mut ev, p, &mut notes);
        }
        set(&mut ev, "event_properties", product.clone());
        set(
            &mut ev,
            "event_type",
            Value::String("Product Purchased".to_string()),
        );
        match props.get("insert_id").filter(|v| truthy(v)) {
            Some(id) => {
                let mut s = String::new();
                write_js_string(&mut s, id);
                s.push('-');
                s.push_str(&(events.len() + 1).to_string());
                set(&mut ev, "insert_id", Value::String(s));
            }
            None => {
                ev.shift_remove("insert_id");
            }
        }
        if let Some(lib) = &library {
            set(&mut ev, "library", lib.clone());
        }
        events.push(Value::Object(ev));
    }

    if payload.contains_key("use_batch_endpoint") {
        notes.push(QuirkNote::new(QuirkKind::BatchFlagInEvent, 0, None));
    }
    if action != ActionKind::LogPurchase && payload.contains_key("products") {
        notes.push(QuirkNote::new(QuirkKind::ProductsInEvent, 0, None));
    }
    let endpoint = if payload.get("use_batch_endpoint").is_some_and(truthy) {
        Endpoint::Batch
    } else {
        Endpoint::HttpApi
    };
    let mut body = Map::new();
    body.insert(
        "api_key".to_string(),
        Value::String(settings.api_key.clone()),
    );
    body.insert("events".to_string(), Value::Array(events));
    if let Some(n) = min_id_length(payload) {
        let mut o = Map::new();
        o.insert("min_id_length".to_string(), number(n));
        body.insert("options".to_string(), Value::Object(o));
    }
    let body = crate::engine::js::stringify(&Value::Object(body));
    Performed {
        requests: vec![json_request(endpoint.url(settings.endpoint), body)],
        notes,
    }
}

/// `library2?.behavior === 'use_mapping' ? library2.mapping : 'segment'` (`None` when the
/// mapping is missing: the key is then not sent).
fn library_value(payload: &Map<String, Value>) -> Option<Value> {
    match payload.get("library2") {
        Some(Value::Object(l))
            if l.get("behavior").and_then(Value::as_str) == Some("use_mapping") =>
        {
            l.get("mapping").cloned()
        }
        _ => Some(Value::String("segment".to_string())),
    }
}

/// `compact(obj)`: has at least one entry whose value is not `""`.
fn compact(obj: Option<&Value>) -> bool {
    match obj {
        Some(Value::Object(m)) => m.values().any(|v| v.as_str() != Some("")),
        Some(Value::Array(items)) => items.iter().any(|v| v.as_str() != Some("")),
        _ => false,
    }
}

/// Template-literal string conversion of a JSON value.
fn write_js_string(out: &mut String, v: &Value) {
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
fn add_revenue(ev: &mut Map<String, Value>, x: &Map<String, Value>, notes: &mut Vec<QuirkNote>) {
    let quantity = as_number(x.get("quantity"));
    let price = as_number(x.get("price"));
    let mut revenue = x.get("revenue").cloned();
    if let (Some(q), Some(p)) = (quantity, price) {
        let product = q * p;
        if let Some(r) = revenue.as_ref().and_then(|r| as_number(Some(r)))
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
        revenue = Some(number(product));
    }
    let Some(revenue) = revenue.filter(truthy) else {
        return;
    };
    set(ev, "revenue", revenue);
    let revenue_type = match x.get("revenueType") {
        Some(v) if !v.is_null() => v.clone(),
        _ => Value::String("Purchase".to_string()),
    };
    set(ev, "revenueType", revenue_type);
    if let Some(q) = quantity {
        set(ev, "quantity", number(js_round(q)));
    }
    for k in ["price", "productId"] {
        if let Some(v) = x.get(k) {
            set(ev, k, v.clone());
        }
    }
}
