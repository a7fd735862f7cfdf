//! Migration assistant: from classic Amplitude settings to Amplitude (Actions).
//!
//! For every classic setting: where it lives in Actions now, or that Actions does not support it
//! and what to do instead (Segment's documented settings table, `segment-docs`
//! `src/_data/actions/amplitude.yml`). And the Actions subscriptions that reproduce the classic
//! behaviour, starting from the Amplitude presets / action defaults.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::engine::amplitude::presets;
use crate::engine::amplitude::{ActionKind, Region, Settings};
use crate::engine::classic::{CATALOG, ClassicSettings, Provenance, SettingInfo};
use crate::engine::project::Subscription;

/// Where a classic setting went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// A destination-level setting of Actions.
    GlobalSetting,
    /// Expressed by a subscription's trigger or existence.
    Subscription,
    /// A field of an action's mapping.
    ActionField,
    /// Actions has no equivalent.
    NotSupported,
    /// Only meaningful for a device-mode connection, which Actions does not have.
    NotApplicable,
}

/// The documented fate of one classic setting, with advice for its current value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingFate {
    pub key: &'static str,
    pub label: &'static str,
    pub value: Value,
    /// Whether the value is the catalog default.
    pub is_default: bool,
    pub fate: Fate,
    /// Where it lives in Actions now (or why it does not), as documented.
    pub in_actions: &'static str,
    /// What to do with the current value.
    pub advice: String,
    /// A mapping snippet to paste into a subscription, when one helps.
    pub suggested_mapping: Option<Value>,
    pub source: Provenance,
}

/// One generated subscription and why it looks the way it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeneratedSubscription {
    pub subscription: Subscription,
    pub why: Vec<String>,
}

/// Choices the documentation leaves to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct MigrationOptions {
    /// Keep classic page/screen names ("Viewed <Category> <Name> Page", "Loaded a Page")
    /// instead of the Actions preset's "Viewed {{name}}".
    pub keep_classic_page_names: bool,
}

/// The whole migration plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MigrationPlan {
    /// All 37 classic settings, in catalog order.
    pub settings: Vec<SettingFate>,
    pub subscriptions: Vec<GeneratedSubscription>,
    /// Keys of the classic settings object the catalog does not know.
    pub unknown_settings: Vec<String>,
    /// Differences that no setting controls but that users notice.
    pub notes: Vec<String>,
}

const DOCS: &str = "Segment docs, Amplitude (Actions): Amplitude settings mapping (segment-docs src/_data/actions/amplitude.yml)";

/// (key, fate, documented text; `None` when the settings table has no row for the key).
const TABLE: &[(&str, Fate, Option<&str>)] = &[
    (
        "apiKey",
        Fate::GlobalSetting,
        Some("Global setting: API Key."),
    ),
    (
        "secretKey",
        Fate::GlobalSetting,
        Some("Global setting: Secret Key."),
    ),
    ("endpoint", Fate::GlobalSetting, None),
    (
        "sendToBatchEndpoint",
        Fate::ActionField,
        Some("Use Batch Endpoint field on the Log Event action."),
    ),
    (
        "sendAlias",
        Fate::Subscription,
        Some("Use the Map User action (not enabled by default; add a subscription)."),
    ),
    (
        "trackAllPages",
        Fate::Subscription,
        Some("Subscription Page Calls; tracks all Page calls by default."),
    ),
    (
        "trackNamedPages",
        Fate::Subscription,
        Some("Subscription Page Calls; add the trigger condition Event Property name exists."),
    ),
    (
        "trackCategorizedPages",
        Fate::Subscription,
        Some("Subscription Page Calls; add the trigger condition Event Property category exists."),
    ),
    (
        "trackAllPagesV2",
        Fate::Subscription,
        Some("Subscription Page Calls (Screen Calls); tracks all Screen calls by default."),
    ),
    (
        "trackUtmProperties",
        Fate::ActionField,
        Some("Supported by default (UTM mappings: Set Once / Set Always, UTM Properties)."),
    ),
    (
        "trackReferrer",
        Fate::ActionField,
        Some("Update the User Properties mapping to send context.page.referrer."),
    ),
    ("useAmplitudeReferral", Fate::NotApplicable, None),
    (
        "trackGclid",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    (
        "saveParamsReferrerOncePerSession",
        Fate::NotApplicable,
        Some("Edge case not applicable to Actions."),
    ),
    (
        "unsetParamsReferrerOnNewSession",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    ("deviceIdFromUrlParam", Fate::NotApplicable, None),
    (
        "preferAnonymousIdForDeviceId",
        Fate::ActionField,
        Some("Actions field Device ID: replace its value with your preferred one."),
    ),
    (
        "useAdvertisingIdForDeviceId",
        Fate::ActionField,
        Some("Actions field Device ID: put the preferred field first in coalesce()."),
    ),
    (
        "batchEvents",
        Fate::ActionField,
        Some("Use Batch Endpoint field on the Log Event action."),
    ),
    (
        "eventUploadThreshold",
        Fate::NotApplicable,
        Some("Not configurable for cloud-mode batching."),
    ),
    (
        "eventUploadPeriodMillis",
        Fate::NotApplicable,
        Some("Not configurable for cloud-mode batching."),
    ),
    (
        "forceHttps",
        Fate::NotApplicable,
        Some("HTTPS is always on in cloud mode."),
    ),
    (
        "enableLocationListening",
        Fate::NotSupported,
        Some(
            "Map context.location.latitude/longitude; otherwise Amplitude uses IP-based location.",
        ),
    ),
    (
        "trackSessionEvents",
        Fate::NotSupported,
        Some(
            "Classic sent [Session Started]/[Session Ended]; use Session ID (Analytics.js 2.0 tracks it by default; mobile needs a plugin).",
        ),
    ),
    (
        "useLogRevenueV2",
        Fate::NotSupported,
        Some("Actions supports Revenue v2; verify revenue if classic had this disabled."),
    ),
    (
        "trackRevenuePerProduct",
        Fate::ActionField,
        Some(
            "Actions field Track Revenue Per Product (Log Purchase); elevates revenue to the top level for LTV.",
        ),
    ),
    (
        "trackProductsOnce",
        Fate::NotApplicable,
        Some("Not applicable to cloud mode."),
    ),
    (
        "groupTypeTrait",
        Fate::ActionField,
        Some(
            "Group Identify User subscription, Group Type field; mandatory in Actions (classic created a \"[Segment] Group\" group when omitted).",
        ),
    ),
    (
        "groupValueTrait",
        Fate::ActionField,
        Some(
            "Group Identify User subscription, Group Value field; mandatory in Actions (classic used the group id when omitted).",
        ),
    ),
    (
        "traitsToIncrement",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    (
        "traitsToSetOnce",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    (
        "traitsToAppend",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    (
        "traitsToPrepend",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    (
        "mapQueryParams",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    (
        "appendFieldsToEventProps",
        Fate::NotSupported,
        Some("Not supported with Actions."),
    ),
    (
        "useCustomAmplitudeProperties",
        Fate::ActionField,
        Some("Actions fields Language and Country (default from context)."),
    ),
    (
        "versionName",
        Fate::ActionField,
        Some("Action field App Version; defaults to context.app.version."),
    ),
];

/// Texts for the three settings the documented table has no row for.
fn undocumented_text(key: &str) -> &'static str {
    match key {
        "endpoint" => "Global setting: Endpoint Region (North America / Europe).",
        "useAmplitudeReferral" => {
            "Device-mode web only (Amplitude SDK referrer tracking); Actions has no device mode."
        }
        _ => "Device-mode web only (amp_device_id URL parameter); Actions has no device mode.",
    }
}

/// The Actions destination settings that match classic ones: the same keys, and Europe when the
/// classic endpoint names the EU region.
pub fn actions_settings(classic: &ClassicSettings) -> Settings {
    let region = if classic.is_eu() {
        Region::Europe
    } else {
        Region::NorthAmerica
    };
    Settings::new(&classic.api_key, &classic.secret_key, region)
}

/// The migration plan for classic `settings`.
pub fn plan(settings: &ClassicSettings, options: MigrationOptions) -> MigrationPlan {
    let values = serde_json::to_value(settings)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let fates = CATALOG
        .iter()
        .map(|info| setting_fate(info, settings, &values))
        .collect();
    MigrationPlan {
        settings: fates,
        subscriptions: subscriptions(settings, options),
        unknown_settings: settings.unknown.keys().cloned().collect(),
        notes: vec![
            "Actions uses Amplitude's HTTP API v2 (JSON answers) where classic cloud mode used the deprecated HTTP API v1; expect different responses.".into(),
            "Session ids: classic read integrations.Amplitude.session_id; Actions reads integrations[\"Actions Amplitude\"].session_id, which the Analytics.js 2.0 session plugin (Browser Session Tracking) sets.".into(),
            "Actions sends library = context.library.name (Library Settings) instead of \"segment\", and sends context.locale as language instead of an English language name.".into(),
            "Classic device mode captured Device Type and Platform automatically; Actions maps them from context (platform falls back to Web for analytics.js).".into(),
            "Do not map both User Properties and Set Once / Set Always in one subscription if you rely on Amplitude rejecting mixed operations (Segment docs).".into(),
        ],
    }
}

fn setting_fate(
    info: &'static SettingInfo,
    settings: &ClassicSettings,
    values: &Map<String, Value>,
) -> SettingFate {
    let value = values.get(info.key).cloned().unwrap_or(Value::Null);
    let default = info.default.to_value();
    let is_default = match (value.as_f64(), default.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => value == default,
    };
    let (fate, doc) = TABLE
        .iter()
        .find(|(k, _, _)| *k == info.key)
        .map(|(_, f, d)| (f.clone(), *d))
        .unwrap_or((Fate::NotApplicable, None));
    let (in_actions, source) = match doc {
        Some(text) => (text, Provenance::Documented(DOCS.to_string())),
        None => (
            undocumented_text(info.key),
            Provenance::Inferred(
                "the documented settings table has no row for this setting; derived from its catalog description"
                    .to_string(),
            ),
        ),
    };
    let (advice, suggested_mapping) = advice(info.key, settings, is_default);
    SettingFate {
        key: info.key,
        label: info.label,
        value,
        is_default,
        fate,
        in_actions,
        advice,
        suggested_mapping,
        source,
    }
}

/// `{"<trait>": {"@path": "$.<root>.<trait>"}}` for a list of traits.
fn trait_paths(traits: &[String], root: &str) -> Value {
    let mut m = Map::new();
    for t in traits {
        m.insert(t.clone(), json!({"@path": format!("$.{root}.{t}")}));
    }
    Value::Object(m)
}

fn anonymous_first_device_id() -> Value {
    json!({"@if": {"exists": {"@path": "$.anonymousId"}, "then": {"@path": "$.anonymousId"}, "else": {"@path": "$.context.device.id"}}})
}

fn advice(key: &str, s: &ClassicSettings, is_default: bool) -> (String, Option<Value>) {
    let nothing = |t: &str| (t.to_string(), None);
    match key {
        "apiKey" => nothing("Enter the same API key in the Actions destination settings."),
        "secretKey" => nothing("Actions requires the Secret Key; enter it in the destination settings."),
        "endpoint" if s.endpoint.is_empty() => nothing("Keep Endpoint Region North America (the default)."),
        "endpoint" => {
            nothing(if s.is_eu() {
                "Set Endpoint Region to Europe."
            } else {
                "Set Endpoint Region to the matching region (North America or Europe)."
            })
        }
        "sendToBatchEndpoint" | "batchEvents" if !is_default => (
            "Set Use Batch Endpoint to true in the Track, Order Completed, Page and Screen subscriptions (done in the generated ones)."
                .into(),
            Some(json!({"use_batch_endpoint": true})),
        ),
        "sendAlias" if s.send_alias => nothing("Add a Map User subscription for alias calls (generated)."),
        "sendAlias" => nothing("Alias calls were not sent; add no Map User subscription."),
        "trackAllPages" | "trackNamedPages" | "trackCategorizedPages" | "trackAllPagesV2" => {
            nothing(&page_advice(s))
        }
        "trackUtmProperties" if s.track_utm_properties => nothing("Keep the default Set Once / Set Always (UTM) mappings."),
        "trackUtmProperties" => (
            "Classic did not send UTM properties: remove the UTM entries from Set Once / Set Always (or clear those fields).".into(),
            Some(json!({"setOnce": {}, "setAlways": {}})),
        ),
        "trackReferrer" if !is_default => nothing("Referrer tracking was off: remove initial_referrer / referrer from Set Once / Set Always."),
        "preferAnonymousIdForDeviceId" if s.prefer_anonymous_id_for_device_id => (
            "Replace the Device ID mapping so anonymousId comes first (done in the generated subscriptions).".into(),
            Some(json!({"device_id": anonymous_first_device_id()})),
        ),
        "useAdvertisingIdForDeviceId" if s.use_advertising_id_for_device_id => (
            "Put the advertising id first in the Device ID mapping.".into(),
            Some(json!({"device_id": {"@if": {"exists": {"@path": "$.context.device.advertisingId"}, "then": {"@path": "$.context.device.advertisingId"}, "else": {"@path": "$.context.device.id"}}}})),
        ),
        "trackRevenuePerProduct" if s.track_revenue_per_product => (
            "Set Track Revenue Per Product to true in the Order Completed Calls subscription (done in the generated one).".into(),
            Some(json!({"trackRevenuePerProduct": true})),
        ),
        "groupTypeTrait" | "groupValueTrait" => nothing(&group_advice(s)),
        "traitsToIncrement" if !s.traits_to_increment.is_empty() => (
            "Not supported as a setting: map the Add field of Log Event V2 (increments user properties), or send the traits as {\"$add\": {...}} on identify.".into(),
            Some(json!({"add": trait_paths(&s.traits_to_increment, "context.traits")})),
        ),
        "traitsToSetOnce" if !s.traits_to_set_once.is_empty() => (
            "Not supported as a setting: add these traits to the Set Once field of Log Event V2, or send them as {\"$setOnce\": {...}} traits on identify.".into(),
            Some(json!({"setOnce": trait_paths(&s.traits_to_set_once, "context.traits")})),
        ),
        "traitsToAppend" | "traitsToPrepend"
            if !(if key == "traitsToAppend" { &s.traits_to_append } else { &s.traits_to_prepend }).is_empty() =>
        {
            let op = if key == "traitsToAppend" { "$append" } else { "$prepend" };
            nothing(&format!(
                "Not supported: Actions has no {op} field; send the traits as {{\"{op}\": {{...}}}} in identify traits (they pass through as user_properties)."
            ))
        }
        "mapQueryParams" if !s.map_query_params.is_empty() => {
            let prop = s.map_query_params.keys().next().cloned().unwrap_or_default();
            (
                format!("Not supported as a setting: map context.page.search into event or user properties yourself, e.g. a property \"{prop}\"."),
                Some(json!({"event_properties": {"@merge": {"objects": [{"@path": "$.properties"}, {prop: {"@path": "$.context.page.search"}}], "direction": "right"}}})),
            )
        }
        "useCustomAmplitudeProperties" if s.use_custom_amplitude_properties => nothing("Map the Language and Country fields (defaults: context.locale, context.location.country); event properties are sent unchanged."),
        "useLogRevenueV2" if !s.use_log_revenue_v2 => nothing("Classic used legacy logRevenue (device mode): check revenue figures after migrating, Actions always uses revenue v2 semantics."),
        "versionName" if !s.version_name.is_empty() => (
            "Map App Version to the literal version name (or keep context.app.version).".into(),
            Some(json!({"app_version": s.version_name})),
        ),
        _ if is_default => nothing("Default value: nothing to do."),
        _ => nothing("No action needed in cloud mode."),
    }
}

/// The FQL condition (without the type) that reproduces the classic page gating, or `None`
/// when every call is sent; `Some(None)` when none is.
fn page_condition(s: &ClassicSettings) -> Option<Option<&'static str>> {
    if s.track_all_pages {
        return None;
    }
    Some(match (s.track_named_pages, s.track_categorized_pages) {
        (true, true) => Some("(name != null or properties.category != null)"),
        (true, false) => Some("name != null"),
        (false, true) => Some("properties.category != null"),
        (false, false) => None,
    })
}

fn page_advice(s: &ClassicSettings) -> String {
    match page_condition(s) {
        None => "Every page and screen call was sent: keep the Page Calls and Screen Calls presets.".into(),
        Some(None) => "No page or screen call was sent: disable (or do not create) the Page Calls and Screen Calls subscriptions.".into(),
        Some(Some(c)) => format!("Add the trigger condition `{c}` to the Page Calls and Screen Calls subscriptions (done in the generated ones)."),
    }
}

fn group_advice(s: &ClassicSettings) -> String {
    if s.group_type_trait.is_empty() || s.group_value_trait.is_empty() {
        "Classic used group type \"[Segment] Group\" with the group id as value; the generated Group Identify User subscription does the same.".into()
    } else {
        format!(
            "Map Group Type to $.traits.{} and Group Value to $.traits.{} (done in the generated Group Identify User subscription).",
            s.group_type_trait, s.group_value_trait
        )
    }
}

/// The page/screen event name classic sent, as a mapping.
fn classic_page_name(noun: &str) -> Value {
    json!({"@if": {
        "exists": {"@path": "$.name"},
        "then": {"@if": {
            "exists": {"@path": "$.category"},
            "then": {"@template": format!("Viewed {{{{category}}}} {{{{name}}}} {noun}")},
            "else": {"@template": format!("Viewed {{{{name}}}} {noun}")}
        }},
        "else": format!("Loaded a {noun}")
    }})
}

fn preset_subscription(name: &str) -> Option<Subscription> {
    presets::by_name(name).map(|p| p.subscription())
}

fn action_subscription(name: &str, action: ActionKind, trigger: &str) -> Subscription {
    Subscription {
        name: name.to_string(),
        enabled: true,
        action: action.key().to_string(),
        trigger: trigger.to_string(),
        mapping: presets::default_mapping(action),
    }
}

/// Applies the settings every event subscription shares (batch endpoint, device id).
fn common_fields(sub: &mut Subscription, s: &ClassicSettings, why: &mut Vec<String>) {
    if (s.send_to_batch_endpoint || s.batch_events)
        && sub.mapping.contains_key("use_batch_endpoint")
    {
        sub.mapping
            .insert("use_batch_endpoint".into(), Value::Bool(true));
        why.push(
            "Use Batch Endpoint on: classic had Send To Batch Endpoint (or Batch Events) on."
                .into(),
        );
    }
    if s.prefer_anonymous_id_for_device_id && sub.mapping.contains_key("device_id") {
        sub.mapping
            .insert("device_id".into(), anonymous_first_device_id());
        why.push(
            "Device ID prefers anonymousId: classic had Prefer Anonymous ID for Device ID on."
                .into(),
        );
    }
}

/// The Actions subscriptions that reproduce the classic destination's behaviour.
pub fn subscriptions(s: &ClassicSettings, options: MigrationOptions) -> Vec<GeneratedSubscription> {
    let mut out = Vec::new();
    let mut push = |sub: Option<Subscription>, mut why: Vec<String>| {
        if let Some(mut sub) = sub {
            common_fields(&mut sub, s, &mut why);
            out.push(GeneratedSubscription {
                subscription: sub,
                why,
            });
        }
    };
    push(
        preset_subscription("Track Calls"),
        vec!["Track Calls preset: classic sent every track call.".into()],
    );
    let mut order = preset_subscription("Order Completed Calls");
    let mut why = vec!["Order Completed Calls preset: revenue and one Product Purchased event per product, as classic did (classic also matched \"Completed Order\" and other spellings; Actions matches \"Order Completed\" exactly).".to_string()];
    if s.track_revenue_per_product
        && let Some(sub) = order.as_mut()
    {
        sub.mapping
            .insert("trackRevenuePerProduct".into(), Value::Bool(true));
        why.push("Track Revenue Per Product on, as in classic.".into());
    }
    push(order, why);
    for (preset, ty, noun) in [
        ("Page Calls", "page", "Page"),
        ("Screen Calls", "screen", "Screen"),
    ] {
        let condition = page_condition(s);
        if condition == Some(None) {
            continue;
        }
        let mut sub = preset_subscription(preset);
        let mut why = vec![format!("{preset} preset.")];
        if let Some(sub) = sub.as_mut() {
            if let Some(Some(c)) = condition {
                sub.trigger = format!("type = \"{ty}\" and {c}");
                why.push(format!(
                    "Trigger limited like classic's Track Named/Categorized Pages settings. Classic tested name/category for being non-empty and also read a top-level category, which triggers cannot test; {}s with only a top-level category are not matched.",
                    ty
                ));
            } else {
                why.push("Track All Pages was on: every call is sent.".into());
            }
            if options.keep_classic_page_names {
                sub.mapping
                    .insert("event_type".into(), classic_page_name(noun));
                why.push(format!(
                    "Event Type keeps classic names (\"Viewed <Category> <Name> {noun}\", \"Loaded a {noun}\")."
                ));
            } else {
                why.push(format!(
                    "Event Type is the preset's \"Viewed {{{{name}}}}\": classic's \"Viewed Home {noun}\" becomes \"Viewed Home\"."
                ));
            }
        }
        push(sub, why);
    }
    let mut why = vec!["Identify Calls preset.".to_string()];
    let ops: Vec<&str> = [
        ("Traits To Increment", &s.traits_to_increment),
        ("Traits to Set Once", &s.traits_to_set_once),
        ("Traits to Append", &s.traits_to_append),
        ("Traits to Prepend", &s.traits_to_prepend),
    ]
    .iter()
    .filter(|(_, l)| !l.is_empty())
    .map(|(n, _)| *n)
    .collect();
    if !ops.is_empty() {
        why.push(format!(
            "{} not supported by Identify User: traits are sent as plain user properties (see the settings list).",
            ops.join(", ")
        ));
    }
    push(preset_subscription("Identify Calls"), why);

    let mut group = action_subscription(
        "Group Calls",
        ActionKind::GroupIdentifyUser,
        "type = \"group\"",
    );
    let mut why = vec![
        "Group Identify User has no preset; classic sent every group call with a group id."
            .to_string(),
    ];
    if s.group_type_trait.is_empty() || s.group_value_trait.is_empty() {
        group
            .mapping
            .insert("group_type".into(), Value::String("[Segment] Group".into()));
        group
            .mapping
            .insert("group_value".into(), json!({"@path": "$.groupId"}));
        why.push("Group type \"[Segment] Group\" with the group id, like classic without Group Type/Value Trait. Unlike classic, Actions also sends the traits as group properties; clear Group Properties to match.".into());
    } else {
        group.mapping.insert(
            "group_type".into(),
            json!({"@path": format!("$.traits.{}", s.group_type_trait)}),
        );
        group.mapping.insert(
            "group_value".into(),
            json!({"@path": format!("$.traits.{}", s.group_value_trait)}),
        );
        why.push("Group Type and Group Value from the classic Group Type/Value Trait traits; group properties from the traits, as classic documented.".into());
    }
    push(Some(group), why);

    if s.send_alias {
        push(
            Some(action_subscription(
                "Alias Calls",
                ActionKind::MapUser,
                "type = \"alias\"",
            )),
            vec!["Map User: classic had Enable Alias on (previousId → user_id, userId → global_user_id).".into()],
        );
    }
    out
}

#[cfg(test)]
mod tests;
