//! The classic (non-Actions) Amplitude destination in cloud mode: given its settings and a
//! Segment event, the HTTP requests it sends to Amplitude.
//!
//! The live classic cloud-mode code is private. This model follows Segment's last public copy of
//! it (segment-boneyard/integration-amplitude 4.3.0, "SRV17", with the `segmentio/facade` rules it
//! relies on) where that code fixes the payload, and Segment's current documentation for the
//! features added later (batch endpoint, alias, group properties, trait operations, Order
//! Completed, UTM, EU). Every request says which of its parts are documented and which are
//! inferred, so the app can say so.

mod facade;
mod locale_data;
pub mod settings;

pub use facade::{UserAgentInfo, encode_uri_component, parse_user_agent};
pub use settings::{
    CATALOG, ClassicSettings, LoadedSettings, SettingDefault, SettingInfo, SettingKind,
    SettingsIssue, setting_info,
};

use facade::{currency, objcase_del, objcase_get, or, parse_locale, path, timestamp_ms, truthy};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::engine::js;
use crate::engine::request::HttpRequest;

/// Where a fact about a classic request comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "source", rename_all = "snake_case")]
pub enum Provenance {
    /// Read from code or documentation (named).
    Documented(String),
    /// Not fixed by the public record; chosen for the stated reason.
    Inferred(String),
}

impl Provenance {
    /// Is this an inference rather than a documented fact?
    pub fn is_inferred(&self) -> bool {
        matches!(self, Provenance::Inferred(_))
    }
}

/// One decision behind a request: what (`subject`, a request part or payload path) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub subject: String,
    pub provenance: Provenance,
}

/// Which Amplitude API a classic request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassicEndpoint {
    /// The deprecated HTTP API v1 (`/httpapi`, form `api_key` + `event`).
    HttpApiV1,
    /// The Batch Event Upload API (`/batch`, JSON).
    Batch,
    Identify,
    GroupIdentify,
    UserMap,
}

/// One request of the classic destination, with the JSON it carries and its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassicRequest {
    pub endpoint: ClassicEndpoint,
    pub request: HttpRequest,
    /// The JSON inside the body (the `event`, `identification` or `mapping` parameter, or the
    /// batch body's single event).
    pub payload: Value,
    pub decisions: Vec<Decision>,
}

/// What the classic destination does with one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassicOutput {
    /// The Segment call type (`track`, `page`, ...).
    pub call: String,
    pub requests: Vec<ClassicRequest>,
    /// Why nothing was sent, when nothing was.
    pub skipped: Option<String>,
}

const SRV17: &str =
    "segment-boneyard/integration-amplitude 4.3.0 (Segment's last public cloud-mode code, 2017)";
const FACADE: &str = "segmentio/facade (the message wrapper the classic code reads events through)";
const SD: &str = "Segment docs, Amplitude (classic) destination";

fn documented(subject: &str, source: &str) -> Decision {
    Decision {
        subject: subject.to_string(),
        provenance: Provenance::Documented(source.to_string()),
    }
}

fn inferred(subject: &str, reason: &str) -> Decision {
    Decision {
        subject: subject.to_string(),
        provenance: Provenance::Inferred(reason.to_string()),
    }
}

/// A JavaScript object under construction: keys keep their first position, and a key may hold
/// `undefined` (`None`), which `JSON.stringify` leaves out.
#[derive(Debug, Clone, Default)]
struct JsObj(Vec<(String, Option<Value>)>);

impl JsObj {
    fn set(&mut self, key: &str, v: Option<Value>) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = v,
            None => self.0.push((key.to_string(), v)),
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_ref())
    }

    fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }

    /// The `reject` package: drops `null` and `undefined` members.
    fn reject(&mut self) {
        self.0
            .retain(|(_, v)| !matches!(v, None | Some(Value::Null)));
    }

    fn into_value(self) -> Value {
        Value::Object(
            self.0
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
        )
    }
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// JavaScript `String(v)` for the scalar values that reach string contexts.
fn js_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => js::number_to_string(js::json_number_to_f64(n)),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Array(_) | Value::Object(_) => js::stringify(v),
    }
}

/// The inputs of one run.
struct Run<'a> {
    ev: &'a Value,
    settings: &'a ClassicSettings,
    call: &'a str,
    /// `facade.options('Amplitude')`.
    options: Value,
}

/// The requests the classic Amplitude destination sends in cloud mode for `event`.
pub fn cloud_requests(settings: &ClassicSettings, event: &Value) -> ClassicOutput {
    let call = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut out = ClassicOutput {
        call: call.clone(),
        requests: Vec::new(),
        skipped: None,
    };
    if !event.is_object() {
        out.skipped = Some("the event is not a JSON object".into());
        return out;
    }
    if let Some(reason) = disabled_by_integrations(event) {
        out.skipped = Some(reason);
        return out;
    }
    let run = Run {
        ev: event,
        settings,
        call: &call,
        options: amplitude_options(event),
    };
    match call.as_str() {
        "track" => track(&run, &mut out),
        "page" | "screen" => page(&run, &mut out),
        "identify" => identify(&run, &mut out),
        "group" => group(&run, &mut out),
        "alias" => alias(&run, &mut out),
        "" => out.skipped = Some("the event has no `type`".into()),
        other => {
            out.skipped = Some(format!(
                "the classic destination does not handle `{other}` calls"
            ))
        }
    }
    out
}

/// Segment does not deliver events the integrations object turns off for this destination.
fn disabled_by_integrations(ev: &Value) -> Option<String> {
    let integrations = ev.get("integrations")?;
    let amp = objcase_get(Some(integrations), "Amplitude");
    if amp == Some(&Value::Bool(false)) {
        return Some("integrations.Amplitude is false: Segment does not send it".into());
    }
    if integrations.get("All") == Some(&Value::Bool(false)) && !truthy(amp) {
        return Some(
            "integrations.All is false and Amplitude is not enabled: Segment does not send it"
                .into(),
        );
    }
    None
}

/// `facade.options('Amplitude')`: the integration's object, else `context.Amplitude`, else `{}`.
fn amplitude_options(ev: &Value) -> Value {
    let from_integrations = objcase_get(ev.get("integrations"), "Amplitude");
    if let Some(v @ Value::Object(_)) = from_integrations {
        return v.clone();
    }
    if let Some(v @ Value::Object(_)) = objcase_get(ev.get("context"), "Amplitude") {
        return v.clone();
    }
    Value::Object(Map::new())
}

fn host(settings: &ClassicSettings) -> &'static str {
    if settings.is_eu() {
        "api.eu.amplitude.com"
    } else {
        "api.amplitude.com"
    }
}

fn endpoint_decision(settings: &ClassicSettings) -> Option<Decision> {
    settings.is_eu().then(|| {
        inferred(
            "request.url",
            "the `endpoint` setting selects the EU region; its option values and the EU host are \
             not published, api.eu.amplitude.com is Amplitude's EU ingestion host",
        )
    })
}

/// A form request as the classic code built it: `api_key=<key as is>&<name>=<encodeURIComponent(JSON)>`.
fn form_request(
    settings: &ClassicSettings,
    endpoint: ClassicEndpoint,
    path_: &str,
    param: &str,
    payload: Value,
    mut decisions: Vec<Decision>,
) -> ClassicRequest {
    let body = format!(
        "api_key={}&{}={}",
        settings.api_key,
        param,
        encode_uri_component(&js::stringify(&payload))
    );
    decisions.insert(
        0,
        documented(
            "request.headers",
            "superagent (the classic code's HTTP client) sends string bodies as application/x-www-form-urlencoded",
        ),
    );
    if let Some(d) = endpoint_decision(settings) {
        decisions.insert(0, d);
    }
    ClassicRequest {
        endpoint,
        request: HttpRequest {
            method: "POST".into(),
            url: format!("https://{}{}", host(settings), path_).into(),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )]
            .into(),
            body,
        },
        payload,
        decisions,
    }
}

/// One event to the HTTP API v1, or to the batch endpoint with `sendToBatchEndpoint`.
fn event_request(
    settings: &ClassicSettings,
    payload: Value,
    mut decisions: Vec<Decision>,
) -> ClassicRequest {
    if !settings.send_to_batch_endpoint {
        decisions.insert(
            0,
            documented(
                "request",
                &format!(
                    "{SRV17}: POST /httpapi, api_key=<key>&event=<url-encoded JSON of one event>"
                ),
            ),
        );
        return form_request(
            settings,
            ClassicEndpoint::HttpApiV1,
            "/httpapi",
            "event",
            payload,
            decisions,
        );
    }
    decisions.insert(
        0,
        inferred(
            "request",
            "Segment documents that `sendToBatchEndpoint` sends to Amplitude's batch endpoint; the \
             Batch API takes JSON {api_key, events}, one event per Segment call assumed",
        ),
    );
    if let Some(d) = endpoint_decision(settings) {
        decisions.insert(0, d);
    }
    let host = if settings.is_eu() {
        "api.eu.amplitude.com"
    } else {
        "api2.amplitude.com"
    };
    let mut body = Map::new();
    body.insert("api_key".into(), Value::String(settings.api_key.clone()));
    body.insert("events".into(), Value::Array(vec![payload.clone()]));
    ClassicRequest {
        endpoint: ClassicEndpoint::Batch,
        request: HttpRequest {
            method: "POST".into(),
            url: format!("https://{host}/batch").into(),
            headers: vec![("content-type".into(), "application/json".into())].into(),
            body: js::stringify(&Value::Object(body)),
        },
        payload,
        decisions,
    }
}

/// `facade.traits()`: identify/group traits, else `context.traits`; plus `id` = userId.
fn facade_traits(run: &Run) -> Map<String, Value> {
    let source = if matches!(run.call, "identify" | "group") {
        run.ev.get("traits")
    } else {
        path(run.ev, "context.traits")
    };
    let mut traits = source
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(id) = run.ev.get("userId")
        && truthy(Some(id))
    {
        traits.insert("id".into(), id.clone());
    }
    traits
}

/// The `device_id` rule (`preferAnonymousIdForDeviceId` flips the order).
fn device_id(run: &Run, decisions: &mut Vec<Decision>) -> Option<Value> {
    let ev = run.ev;
    let lib = path(ev, "context.library.name").and_then(Value::as_str);
    let version = path(ev, "context.library.version").and_then(Value::as_str);
    if lib == Some("analytics-android") && version == Some("1.4.4") {
        let part = |p: &str| path(ev, p).map(js_string).unwrap_or("undefined".into());
        return Some(Value::String(format!(
            "{}:{}:{}",
            part("userId"),
            part("context.device.model"),
            part("context.device.id")
        )));
    }
    let device = path(ev, "context.device.id");
    let anon = ev.get("anonymousId");
    if run.settings.prefer_anonymous_id_for_device_id {
        decisions.push(documented(
            "device_id",
            &format!("{SD}: Prefer Anonymous ID for Device ID uses anonymousId, falling back to context.device.id"),
        ));
        or(anon, device).cloned()
    } else {
        or(device, anon).cloned()
    }
}

/// `mapper.common()`: the fields every event and identify share.
fn common(run: &Run, decisions: &mut Vec<Decision>) -> JsObj {
    let ev = run.ev;
    let opts = Some(&run.options);
    let os = path(ev, "context.os.name");
    let ctx = |p: &str| path(ev, p).cloned();
    let mut ret = JsObj::default();
    ret.set("user_id", ev.get("userId").cloned());
    ret.set("device_id", device_id(run, decisions));
    ret.set("time", ev.get("timestamp").and_then(timestamp_ms).map(num));
    ret.set("library", Some(Value::String("segment".into())));
    ret.set("app_version", ctx("context.app.version"));
    ret.set("os_name", os.cloned());
    ret.set("os_version", ctx("context.os.version"));
    ret.set("carrier", ctx("context.network.carrier"));
    ret.set("device_model", ctx("context.device.model"));
    ret.set("device_brand", ctx("context.device.brand"));
    ret.set("device_manufacturer", ctx("context.device.manufacturer"));
    ret.set("location_lat", ctx("context.location.latitude"));
    ret.set("location_lng", ctx("context.location.longitude"));
    ret.set("ip", ctx("context.ip"));
    ret.set(
        "amplitude_event_type",
        objcase_get(opts, "event_type").cloned(),
    );
    ret.set("session_id", objcase_get(opts, "session_id").cloned());
    if objcase_get(opts, "session_id").is_some() && run.call != "identify" {
        decisions.push(documented(
            "session_id",
            &format!("{SRV17}: integrations.Amplitude.session_id passed through unchanged (Amplitude expects ms; Segment's example shows seconds)"),
        ));
    }
    if ret.get("time").is_none() {
        decisions.push(inferred(
            "time",
            "no readable timestamp: the classic code would fail here (Segment always sets one); sent without time",
        ));
    }
    ret.set("event_id", objcase_get(opts, "event_id").cloned());

    if let Some(Value::String(loc)) = path(ev, "context.locale")
        && let Some((language, country)) = parse_locale(loc)
    {
        ret.set("language", Some(Value::String(language.into())));
        ret.set("country", country.map(|c| Value::String(c.into())));
    }

    let traits = facade_traits(run);
    let traits_v = Value::Object(traits.clone());
    let props = if run.call == "identify" {
        None
    } else {
        ev.get("properties")
    };
    for field in ["country", "city", "region"] {
        let found = [
            path(&traits_v, &format!("address.{field}")),
            traits_v.get(field),
            props.and_then(|p| path(p, &format!("address.{field}"))),
            props.and_then(|p| p.get(field)),
        ]
        .into_iter()
        .find(|v| truthy(*v))
        .flatten();
        if let Some(v) = found {
            ret.set(field, Some(v.clone()));
        }
    }

    let advertising_id = or(
        path(ev, "context.device.advertisingId"),
        path(ev, "context.device.idfa"),
    );
    let os_lower = os
        .filter(|v| truthy(Some(v)))
        .map(|v| js_string(v).to_lowercase());
    match os_lower.as_deref() {
        Some("ios") => ret.set("idfa", advertising_id.cloned()),
        Some("android") => ret.set("adid", advertising_id.cloned()),
        _ => {}
    }

    let lib = path(ev, "context.library.name").filter(|v| truthy(Some(v)));
    let lib_lower = lib.map(|v| js_string(v).to_lowercase());
    let from_library = match lib_lower.as_deref() {
        Some("analytics.js") => Some(Value::String("Web".into())),
        Some("analytics-android") => Some(Value::String("Android".into())),
        Some("analytics-ios") => Some(Value::String("iOS".into())),
        _ => None,
    };
    let platform = from_library
        .or_else(|| {
            path(ev, "context.device.type")
                .filter(|v| truthy(Some(v)))
                .cloned()
        })
        .or_else(|| os_lower.clone().map(Value::String))
        .or_else(|| lib.cloned());
    if let Some(p) = platform {
        let lower = js_string(&p).to_lowercase();
        let sanitized = match lower.as_str() {
            "web" => "Web".to_string(),
            "android" => "Android".to_string(),
            "ios" => "iOS".to_string(),
            _ => lower,
        };
        ret.set("platform", Some(Value::String(sanitized)));
    }

    if lib_lower.as_deref() == Some("analytics.js")
        && let Some(Value::String(ua)) = path(ev, "context.userAgent")
        && !ua.is_empty()
    {
        let parsed = parse_user_agent(ua);
        ret.set("os_name", parsed.browser.map(Value::String));
        ret.set("os_version", parsed.browser_major.map(Value::String));
        ret.set("device_model", parsed.os.map(Value::String));
        decisions.push(documented(
            "os_name, os_version, device_model",
            &format!("{SRV17}: for analytics.js, browser name, browser major version and OS name from the user agent"),
        ));
        decisions.push(inferred(
            "os_name, os_version, device_model",
            "user agent read with the @amplitude/ua-parser-js 0.7 port; the classic code pinned an older commit of Amplitude's ua-parser-js fork",
        ));
    }

    let mut user_properties = traits;
    objcase_del(&mut user_properties, "address");

    let mut query_event_properties = None;
    if let Some((property, _)) = run.settings.map_query_params.iter().next() {
        let query = path(ev, "context.page.search").cloned();
        if run.call == "identify" {
            match query {
                Some(q) => {
                    user_properties.insert(property.clone(), q);
                }
                None => {
                    user_properties.shift_remove(property);
                }
            }
        } else {
            let mut m = Map::new();
            if let Some(q) = query {
                m.insert(property.clone(), q);
            }
            query_event_properties = Some(Value::Object(m));
        }
        decisions.push(documented(
            &format!("mapQueryParams → {property}"),
            &format!(
                "{SRV17}: context.page.search under the first key; identify → user_properties, \
                 other calls → event_properties (the code ignores the setting's value)"
            ),
        ));
    }

    if run.settings.track_utm_properties
        && let Some(Value::Object(campaign)) = path(ev, "context.campaign")
    {
        let mut added = false;
        for (from, to) in [
            ("source", "utm_source"),
            ("medium", "utm_medium"),
            ("name", "utm_campaign"),
            ("term", "utm_term"),
            ("content", "utm_content"),
        ] {
            if let Some(v) = campaign.get(from).filter(|v| truthy(Some(v))) {
                user_properties.insert(to.into(), v.clone());
                added = true;
            }
        }
        if added {
            decisions.push(inferred(
                "user_properties.utm_*",
                "Segment documents that cloud mode takes UTM values from context.campaign when \
                 Track UTM Properties is on; the exact keys (plain utm_* user properties) are not \
                 published",
            ));
        }
    }

    let groups = run
        .options
        .get("groups")
        .filter(|g| truthy(Some(g)))
        .cloned();
    if let Some(Value::Object(gm)) = &groups {
        for (k, v) in gm {
            user_properties.insert(k.clone(), v.clone());
        }
    }
    ret.set("user_properties", Some(Value::Object(user_properties)));
    if query_event_properties.is_some() {
        ret.set("event_properties", query_event_properties);
    }
    if let Some(g) = groups {
        ret.set("groups", Some(g));
        decisions.push(documented(
            "groups",
            &format!("{SRV17}: integrations.Amplitude.groups as event groups, also copied into user_properties"),
        ));
    }
    ret.reject();
    ret
}

/// `mapper.properties()`: removes the keys Amplitude reads at the top level.
fn clean_properties(
    run: &Run,
    props: &mut Map<String, Value>,
    has_revenue: bool,
    decisions: &mut Vec<Decision>,
) {
    if run.settings.use_custom_amplitude_properties {
        decisions.push(inferred(
            "event_properties.language, event_properties.country",
            "Send Custom Language and Country Properties keeps them in event_properties (the \
             classic code otherwise deletes them); the implementation is not public",
        ));
    } else {
        objcase_del(props, "country");
        objcase_del(props, "language");
    }
    objcase_del(props, "event_id");
    objcase_del(props, "amplitude_event_type");
    if has_revenue {
        for k in ["price", "quantity", "productId", "revenueType"] {
            objcase_del(props, k);
        }
    }
}

/// `extend(payload.event_properties, props)`.
fn extend_event_properties(payload: &mut JsObj, props: Map<String, Value>) {
    let mut target = payload
        .get("event_properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in props {
        target.insert(k, v);
    }
    payload.set("event_properties", Some(Value::Object(target)));
}

/// `Order Completed` / `Completed Order` in any case, with `_` or space (facade's regex
/// `/^[ _]?completed[ _]?order[ _]?|^[ _]?order[ _]?completed[ _]?$/i`).
fn is_order_completed(event: &str) -> bool {
    let lower = event.to_ascii_lowercase();
    let s = lower.strip_prefix([' ', '_']).unwrap_or(&lower);
    let sep = |s: &str| -> String { s.strip_prefix([' ', '_']).unwrap_or(s).to_string() };
    if let Some(rest) = s.strip_prefix("completed")
        && sep(rest).starts_with("order")
    {
        return true;
    }
    if let Some(rest) = s.strip_prefix("order") {
        let rest = sep(rest);
        if let Some(tail) = rest.strip_prefix("completed") {
            return tail.is_empty() || tail == " " || tail == "_";
        }
    }
    false
}

/// Top-level revenue fields of a track-like payload (`mapper.track`).
fn set_revenue_fields(payload: &mut JsObj, source: &Map<String, Value>, revenue: Option<f64>) {
    payload.set("revenue", revenue.map(num));
    if revenue.is_some() {
        let src = Value::Object(source.clone());
        let price = objcase_get(Some(&src), "price");
        let quantity = or(objcase_get(Some(&src), "quantity"), None)
            .cloned()
            .unwrap_or(Value::from(1));
        if truthy(price) && truthy(Some(&quantity)) {
            payload.set("price", price.cloned());
            payload.set("quantity", Some(quantity));
        }
        for k in ["revenueType", "productId"] {
            let v = objcase_get(Some(&src), k);
            if truthy(v) {
                payload.set(k, v.cloned());
            }
        }
    }
}

fn track(run: &Run, out: &mut ClassicOutput) {
    let mut decisions = Vec::new();
    let base = common(run, &mut decisions);
    let mut payload = base.clone();
    let props_in = run
        .ev
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let event_name = run.ev.get("event").cloned();
    let is_order = event_name
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(is_order_completed);
    let mut revenue = currency(objcase_get(
        Some(&Value::Object(props_in.clone())),
        "revenue",
    ));
    if revenue.is_none() && is_order {
        revenue = currency(objcase_get(Some(&Value::Object(props_in.clone())), "total"));
        if revenue.is_some() {
            decisions.push(documented(
                "revenue",
                &format!("{FACADE}: Order Completed falls back to properties.total"),
            ));
        }
    }
    let products: Vec<Map<String, Value>> = match props_in.get("products") {
        Some(Value::Array(items)) if is_order => items
            .iter()
            .filter_map(|p| p.as_object().cloned())
            .collect(),
        _ => Vec::new(),
    };
    let per_product = run.settings.track_revenue_per_product && !products.is_empty();
    if per_product {
        payload.set("revenue", None);
    } else {
        set_revenue_fields(&mut payload, &props_in, revenue);
    }
    payload.set("event_type", event_name);
    let mut props = props_in.clone();
    clean_properties(run, &mut props, revenue.is_some(), &mut decisions);
    if !products.is_empty() {
        props.shift_remove("products");
    }
    extend_event_properties(&mut payload, props);
    if revenue.is_some() && !per_product {
        decisions.push(documented(
            "revenue, price, quantity, revenueType, productId",
            &format!("{SRV17}: revenue at the top level (and kept in event_properties); price and quantity only when both are set"),
        ));
    }
    if products.is_empty() {
        out.requests
            .push(event_request(run.settings, payload.into_value(), decisions));
        return;
    }
    decisions.push(inferred(
        "event_properties.products",
        "Segment documents that Amplitude receives Order Completed without `products` plus one \
         \"Product Purchased\" event per product; the cloud payloads are not public",
    ));
    if per_product {
        decisions.push(inferred(
            "revenue",
            "Track Revenue Per Product: revenue only on the Product Purchased events (Segment docs)",
        ));
    }
    out.requests
        .push(event_request(run.settings, payload.into_value(), decisions));
    for product in products {
        let mut p = base.clone();
        let mut d = vec![inferred(
            "event_type, event_properties",
            "one \"Product Purchased\" event per product carrying that product's fields (Segment \
             docs); the exact cloud payload is not public",
        )];
        if per_product {
            let pv = Value::Object(product.clone());
            let mut rev = currency(objcase_get(Some(&pv), "revenue"));
            if rev.is_none()
                && let (Some(Value::Number(pr)), Some(Value::Number(q))) = (
                    objcase_get(Some(&pv), "price"),
                    objcase_get(Some(&pv), "quantity"),
                )
            {
                let x = js::json_number_to_f64(pr) * js::json_number_to_f64(q);
                rev = (x != 0.0 && !x.is_nan()).then_some(x);
            }
            let mut source = product.clone();
            if !source.contains_key("productId")
                && let Some(id) = objcase_get(Some(&pv), "product_id")
            {
                source.insert("productId".into(), id.clone());
            }
            set_revenue_fields(&mut p, &source, rev);
            d.push(inferred(
                "revenue, price, quantity, revenueType, productId",
                "per-product revenue = the product's revenue, else price × quantity",
            ));
        }
        p.set(
            "event_type",
            Some(Value::String("Product Purchased".into())),
        );
        p.set("event_properties", Some(Value::Object(product)));
        out.requests
            .push(event_request(run.settings, p.into_value(), d));
    }
}

fn page(run: &Run, out: &mut ClassicOutput) {
    let mut decisions = Vec::new();
    let mut payload = common(run, &mut decisions);
    let name = run.ev.get("name").filter(|v| truthy(Some(v)));
    let category = run.ev.get("category").filter(|v| truthy(Some(v)));
    let full_name = match (name, category) {
        (Some(n), Some(c)) => Some(format!("{} {}", js_string(c), js_string(n))),
        (Some(n), None) => Some(js_string(n)),
        _ => None,
    };
    let noun = if run.call == "screen" {
        "Screen"
    } else {
        "Page"
    };
    let event_type = match &full_name {
        Some(f) => format!("Viewed {f} {noun}"),
        None => format!("Loaded a {noun}"),
    };
    payload.set("event_type", Some(Value::String(event_type)));
    let mut props = run
        .ev
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(c) = category {
        props.insert("category".into(), c.clone());
    }
    if let Some(n) = name {
        props.insert("name".into(), n.clone());
    }
    clean_properties(run, &mut props, false, &mut decisions);
    let s = run.settings;
    let should_track = s.track_all_pages
        || (s.track_categorized_pages && truthy(props.get("category")))
        || (s.track_named_pages && truthy(props.get("name")));
    extend_event_properties(&mut payload, props);
    if !should_track {
        out.skipped = Some(format!(
            "{} not sent: Track All Pages is off and the call has no {} the enabled page settings \
             track (trackNamedPages={}, trackCategorizedPages={})",
            run.call,
            match (s.track_named_pages, s.track_categorized_pages) {
                (true, true) => "name or category",
                (true, false) => "name",
                (false, true) => "category",
                (false, false) => "name or category",
            },
            s.track_named_pages,
            s.track_categorized_pages
        ));
        return;
    }
    decisions.push(documented(
        "event_type",
        &format!("{SRV17} with {FACADE}: \"Viewed <Category> <Name> {noun}\", else \"Loaded a {noun}\"; sent if trackAllPages, or a category/name the settings track"),
    ));
    out.requests
        .push(event_request(run.settings, payload.into_value(), decisions));
}

/// Splits identify user properties into Amplitude operations for the `traitsTo*` settings.
fn trait_operations(
    settings: &ClassicSettings,
    props: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    let lists: [(&str, &Vec<String>); 4] = [
        ("$add", &settings.traits_to_increment),
        ("$setOnce", &settings.traits_to_set_once),
        ("$append", &settings.traits_to_append),
        ("$prepend", &settings.traits_to_prepend),
    ];
    let mut ops: Vec<(&str, Map<String, Value>)> =
        lists.iter().map(|(op, _)| (*op, Map::new())).collect();
    let mut set = Map::new();
    let mut any = false;
    for (k, v) in props {
        match lists
            .iter()
            .position(|(_, list)| list.iter().any(|t| t == k))
        {
            Some(i) => {
                ops[i].1.insert(k.clone(), v.clone());
                any = true;
            }
            None => {
                set.insert(k.clone(), v.clone());
            }
        }
    }
    if !any {
        return None;
    }
    let mut out = Map::new();
    if !set.is_empty() {
        out.insert("$set".into(), Value::Object(set));
    }
    let order = ["$setOnce", "$add", "$append", "$prepend"];
    for name in order {
        if let Some((_, m)) = ops.iter().find(|(op, m)| *op == name && !m.is_empty()) {
            out.insert(name.into(), Value::Object(m.clone()));
        }
    }
    Some(out)
}

fn identify(run: &Run, out: &mut ClassicOutput) {
    let mut decisions = vec![documented(
        "request",
        &format!("{SRV17}: POST /identify, api_key=<key>&identification=<url-encoded JSON object>"),
    )];
    let mut payload = common(run, &mut decisions);
    payload.remove("amplitude_event_type");
    payload.remove("session_id");
    payload.remove("event_id");
    let opts = Some(&run.options);
    payload.set("paying", objcase_get(opts, "paying").cloned());
    payload.set("start_version", objcase_get(opts, "start_version").cloned());
    if let Some(Value::Object(props)) = payload.get("user_properties").cloned()
        && let Some(ops) = trait_operations(run.settings, &props)
    {
        payload.set("user_properties", Some(Value::Object(ops)));
        decisions.push(inferred(
            "user_properties",
            "traitsToIncrement/SetOnce/Append/Prepend as $add/$setOnce/$append/$prepend with the \
             other traits under $set (Amplitude forbids mixing operations and plain properties); \
             Segment documents the behaviour, not the payload",
        ));
    }
    out.requests.push(form_request(
        run.settings,
        ClassicEndpoint::Identify,
        "/identify",
        "identification",
        payload.into_value(),
        decisions,
    ));
}

fn group(run: &Run, out: &mut ClassicOutput) {
    let ev = run.ev;
    let Some(group_id) = ev.get("groupId").filter(|v| truthy(Some(v))) else {
        out.skipped = Some("group call without a groupId: nothing is sent".into());
        return;
    };
    let s = run.settings;
    let traits = ev.get("traits").and_then(Value::as_object);
    let from_traits = (!s.group_type_trait.is_empty() && !s.group_value_trait.is_empty())
        .then(|| {
            let t = traits?;
            let ty = t.get(&s.group_type_trait).filter(|v| truthy(Some(v)))?;
            let val = t.get(&s.group_value_trait).filter(|v| truthy(Some(v)))?;
            Some((js_string(ty), val.clone()))
        })
        .flatten();
    let mut decisions = vec![documented(
        "request",
        &format!("{SRV17}: group → POST /identify with the user-group association"),
    )];
    let (group_type, group_value) = match &from_traits {
        Some((t, v)) => {
            decisions.push(documented(
                "groups",
                &format!("{SD}: group type and value from the Group Type Trait / Group Value Trait traits"),
            ));
            (t.clone(), v.clone())
        }
        None => {
            decisions.push(documented(
                "groups",
                &format!("{SRV17}: without both group traits, type \"[Segment] Group\" = groupId"),
            ));
            ("[Segment] Group".to_string(), group_id.clone())
        }
    };
    let mut assoc = JsObj::default();
    assoc.set("user_id", ev.get("userId").cloned());
    assoc.set("device_id", device_id(run, &mut decisions));
    assoc.set("time", ev.get("timestamp").and_then(timestamp_ms).map(num));
    let mut g = Map::new();
    g.insert(group_type.clone(), group_value.clone());
    assoc.set("groups", Some(Value::Object(g.clone())));
    assoc.set("user_properties", Some(Value::Object(g)));
    out.requests.push(form_request(
        s,
        ClassicEndpoint::Identify,
        "/identify",
        "identification",
        assoc.into_value(),
        decisions,
    ));
    if from_traits.is_some() {
        let mut gi = Map::new();
        gi.insert("group_type".into(), Value::String(group_type));
        gi.insert("group_value".into(), group_value);
        gi.insert(
            "group_properties".into(),
            Value::Object(traits.cloned().unwrap_or_default()),
        );
        out.requests.push(form_request(
            s,
            ClassicEndpoint::GroupIdentify,
            "/groupidentify",
            "identification",
            Value::Object(gi),
            vec![inferred(
                "request",
                "Segment documents that cloud mode sends the group traits as group_properties of \
                 the group; endpoint (/groupidentify) and payload shape are inferred",
            )],
        ));
    }
}

fn alias(run: &Run, out: &mut ClassicOutput) {
    if !run.settings.send_alias {
        out.skipped = Some(
            "alias is not sent: Enable Alias (sendAlias) is off, and the classic destination \
             rejects alias as unsupported"
                .into(),
        );
        return;
    }
    let ev = run.ev;
    let unmap = objcase_get(Some(&run.options), "unmap").filter(|v| truthy(Some(v)));
    let mut m = Map::new();
    let mut decisions = vec![documented(
        "request",
        &format!("{SD}: alias → Amplitude usermap when Enable Alias is on"),
    )];
    match unmap {
        Some(u) => {
            m.insert("user_id".into(), u.clone());
            m.insert("unmap".into(), Value::Bool(true));
            decisions.push(inferred(
                "mapping",
                "integrations.Amplitude.unmap = <id> unlinks that user (Segment docs); payload \
                 {user_id, unmap: true} per Amplitude's User Mapping API",
            ));
        }
        None => {
            if let Some(p) = ev.get("previousId") {
                m.insert("user_id".into(), p.clone());
            }
            if let Some(u) = ev.get("userId") {
                m.insert("global_user_id".into(), u.clone());
            }
            decisions.push(inferred(
                "mapping",
                "previousId → user_id, userId → global_user_id (Segment docs); sent as a one-item \
                 JSON array like Amplitude's User Mapping API examples",
            ));
        }
    }
    out.requests.push(form_request(
        run.settings,
        ClassicEndpoint::UserMap,
        "/usermap",
        "mapping",
        Value::Array(vec![Value::Object(m)]),
        decisions,
    ));
}

#[cfg(test)]
mod tests;
