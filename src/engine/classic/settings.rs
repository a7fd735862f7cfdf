//! The classic destination's 37 settings, their catalog defaults, and loading them from the JSON
//! the Segment Public API (or a copied settings object) holds.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The value type of a setting in Segment's catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    Boolean,
    String,
    Number,
    /// A list of strings (trait names).
    Array,
    /// An object of string → string.
    Map,
    /// A string picked from a list.
    Select,
}

/// A catalog default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SettingDefault {
    Bool(bool),
    Str(&'static str),
    Num(f64),
    EmptyArray,
    EmptyMap,
}

impl SettingDefault {
    /// The default as JSON.
    pub fn to_value(self) -> Value {
        match self {
            SettingDefault::Bool(b) => Value::Bool(b),
            SettingDefault::Str(s) => Value::String(s.to_string()),
            SettingDefault::Num(n) => serde_json::Number::from_f64(n)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            SettingDefault::EmptyArray => Value::Array(Vec::new()),
            SettingDefault::EmptyMap => Value::Object(Map::new()),
        }
    }
}

/// One classic setting as Segment's catalog describes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SettingInfo {
    /// The settings key (as in the Public API), e.g. `trackNamedPages`.
    pub key: &'static str,
    /// The label shown in Segment's app.
    pub label: &'static str,
    pub kind: SettingKind,
    pub default: SettingDefault,
    /// Connection modes that use it: `C` cloud, `W` device-mode web, `M` device-mode mobile.
    pub modes: &'static str,
    /// What it does, briefly.
    pub behaviour: &'static str,
}

impl SettingInfo {
    /// Does cloud mode (the mode this model reproduces) read this setting?
    pub fn used_in_cloud_mode(&self) -> bool {
        self.modes.contains('C')
    }
}

macro_rules! setting {
    ($key:literal, $label:literal, $kind:ident, $default:expr, $modes:literal, $behaviour:literal) => {
        SettingInfo {
            key: $key,
            label: $label,
            kind: SettingKind::$kind,
            default: $default,
            modes: $modes,
            behaviour: $behaviour,
        }
    };
}

use SettingDefault::{Bool, EmptyArray, EmptyMap, Num, Str};

/// All 37 classic settings in catalog order, with the catalog defaults (segment-docs
/// `src/_data/catalog/destinations.yml`, destination `54521fd525e721e32a72ee91`).
pub const CATALOG: &[SettingInfo] = &[
    setting!(
        "apiKey",
        "API Key",
        String,
        Str(""),
        "CWM",
        "Amplitude project API key (required)."
    ),
    setting!(
        "secretKey",
        "Secret Key",
        String,
        Str(""),
        "C",
        "Only used for user deletion (GDPR)."
    ),
    setting!(
        "endpoint",
        "Endpoint",
        Select,
        Str(""),
        "C",
        "Cloud-mode region (option values are not published)."
    ),
    setting!(
        "sendToBatchEndpoint",
        "Send To Batch Endpoint",
        Boolean,
        Bool(false),
        "C",
        "Send events to Amplitude's batch endpoint instead of the HTTP API."
    ),
    setting!(
        "sendAlias",
        "Enable Alias",
        Boolean,
        Bool(false),
        "C",
        "Send alias calls to Amplitude's usermap API; otherwise alias is unsupported."
    ),
    setting!(
        "trackAllPages",
        "Track All Pages to Amplitude",
        Boolean,
        Bool(false),
        "CWM",
        "Send \"Loaded a Page\" for every page call."
    ),
    setting!(
        "trackNamedPages",
        "Track Named Pages to Amplitude",
        Boolean,
        Bool(true),
        "CWM",
        "Send \"Viewed <Name> Page\" for pages with a name (the name includes the category)."
    ),
    setting!(
        "trackCategorizedPages",
        "Track Categorized Pages to Amplitude",
        Boolean,
        Bool(true),
        "CWM",
        "Send an event for pages with a category."
    ),
    setting!(
        "trackAllPagesV2",
        "Track All Screens",
        Boolean,
        Bool(false),
        "M",
        "Mobile: \"Loaded a Screen\" with the screen name as a property."
    ),
    setting!(
        "trackUtmProperties",
        "Track UTM Properties to Amplitude.",
        Boolean,
        Bool(true),
        "CW",
        "UTM parameters as user properties (cloud: from context.campaign)."
    ),
    setting!(
        "trackReferrer",
        "Track Referrer to Amplitude",
        Boolean,
        Bool(true),
        "W",
        "Web device mode: the referrer as a user property on page calls."
    ),
    setting!(
        "useAmplitudeReferral",
        "Use Amplitude Referral",
        Boolean,
        Bool(false),
        "W",
        "Let Amplitude's SDK track the referrer."
    ),
    setting!(
        "trackGclid",
        "Track GCLID",
        Boolean,
        Bool(false),
        "W",
        "gclid and initial_gclid user properties."
    ),
    setting!(
        "saveParamsReferrerOncePerSession",
        "Save Referrer, URL Params, GCLID Once Per Session",
        Boolean,
        Bool(true),
        "W",
        "Capture referrer/UTM/gclid once per session."
    ),
    setting!(
        "unsetParamsReferrerOnNewSession",
        "Unset Params Referrer On New Session",
        Boolean,
        Bool(false),
        "W",
        "Clear referrer and UTM properties on a new session."
    ),
    setting!(
        "deviceIdFromUrlParam",
        "Set Device ID From URL Parameter amp_device_id",
        Boolean,
        Bool(false),
        "W",
        "Read the device id from the amp_device_id URL parameter."
    ),
    setting!(
        "preferAnonymousIdForDeviceId",
        "Prefer Anonymous ID for Device ID",
        Boolean,
        Bool(false),
        "CWM",
        "device_id = anonymousId, falling back to context.device.id."
    ),
    setting!(
        "useAdvertisingIdForDeviceId",
        "Use AdvertisingId for DeviceId",
        Boolean,
        Bool(false),
        "M",
        "Mobile: the advertising id as device id."
    ),
    setting!(
        "batchEvents",
        "Batch Events",
        Boolean,
        Bool(false),
        "W",
        "SDK batching."
    ),
    setting!(
        "eventUploadThreshold",
        "Event Upload Threshold",
        Number,
        Num(30.0),
        "W",
        "SDK batch size."
    ),
    setting!(
        "eventUploadPeriodMillis",
        "Event Upload Period Millis",
        Number,
        Num(30000.0),
        "W",
        "SDK batch period."
    ),
    setting!(
        "forceHttps",
        "Force Https",
        Boolean,
        Bool(false),
        "W",
        "SDK option."
    ),
    setting!(
        "enableLocationListening",
        "Enable Location Listening",
        Boolean,
        Bool(true),
        "M",
        "Mobile location tracking."
    ),
    setting!(
        "trackSessionEvents",
        "Track Session Events to Amplitude",
        Boolean,
        Bool(false),
        "M",
        "Start/end session events."
    ),
    setting!(
        "useLogRevenueV2",
        "Use Log Revenue V2 API",
        Boolean,
        Bool(true),
        "WM",
        "logRevenueV2 (price × quantity, revenueType) instead of legacy logRevenue."
    ),
    setting!(
        "trackRevenuePerProduct",
        "Track Revenue Per Product",
        Boolean,
        Bool(false),
        "CWM",
        "Order Completed: revenue on each \"Product Purchased\" event instead of on the order."
    ),
    setting!(
        "trackProductsOnce",
        "Track products once",
        Boolean,
        Bool(false),
        "W",
        "One Order Completed event with the whole products array."
    ),
    setting!(
        "groupTypeTrait",
        "Group Type Trait",
        String,
        Str(""),
        "CWM",
        "Group trait holding the Amplitude group type."
    ),
    setting!(
        "groupValueTrait",
        "Group Value Trait",
        String,
        Str(""),
        "CWM",
        "Group trait holding the Amplitude group value."
    ),
    setting!(
        "traitsToIncrement",
        "Traits To Increment",
        Array,
        EmptyArray,
        "CWM",
        "Identify traits sent as an increment ($add)."
    ),
    setting!(
        "traitsToSetOnce",
        "Traits to Set Once",
        Array,
        EmptyArray,
        "CWM",
        "Identify traits sent as set-once ($setOnce)."
    ),
    setting!(
        "traitsToAppend",
        "Traits to Append",
        Array,
        EmptyArray,
        "C",
        "Identify traits appended to a list property ($append)."
    ),
    setting!(
        "traitsToPrepend",
        "Traits to Prepend",
        Array,
        EmptyArray,
        "C",
        "Identify traits prepended to a list property ($prepend)."
    ),
    setting!(
        "mapQueryParams",
        "Map Query Params to Custom Property",
        Map,
        EmptyMap,
        "CW",
        "Store context.page.search under a custom user or event property."
    ),
    setting!(
        "appendFieldsToEventProps",
        "Append Fields To Event Properties",
        Map,
        EmptyMap,
        "W",
        "Copy event fields into event properties on track."
    ),
    setting!(
        "useCustomAmplitudeProperties",
        "Send Custom Language and Country Properties",
        Boolean,
        Bool(false),
        "C",
        "Keep language/country found in event properties inside event_properties."
    ),
    setting!(
        "versionName",
        "Version Name",
        String,
        Str(""),
        "W",
        "SDK setVersionName."
    ),
];

/// The catalog entry of a setting key.
pub fn setting_info(key: &str) -> Option<&'static SettingInfo> {
    CATALOG.iter().find(|s| s.key == key)
}

/// The classic destination's settings. Missing keys take the catalog defaults; keys the catalog
/// does not know are kept in `unknown`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClassicSettings {
    pub api_key: String,
    pub secret_key: String,
    pub endpoint: String,
    pub send_to_batch_endpoint: bool,
    pub send_alias: bool,
    pub track_all_pages: bool,
    pub track_named_pages: bool,
    pub track_categorized_pages: bool,
    pub track_all_pages_v2: bool,
    pub track_utm_properties: bool,
    pub track_referrer: bool,
    pub use_amplitude_referral: bool,
    pub track_gclid: bool,
    pub save_params_referrer_once_per_session: bool,
    pub unset_params_referrer_on_new_session: bool,
    pub device_id_from_url_param: bool,
    pub prefer_anonymous_id_for_device_id: bool,
    pub use_advertising_id_for_device_id: bool,
    pub batch_events: bool,
    pub event_upload_threshold: f64,
    pub event_upload_period_millis: f64,
    pub force_https: bool,
    pub enable_location_listening: bool,
    pub track_session_events: bool,
    pub use_log_revenue_v2: bool,
    pub track_revenue_per_product: bool,
    pub track_products_once: bool,
    pub group_type_trait: String,
    pub group_value_trait: String,
    pub traits_to_increment: Vec<String>,
    pub traits_to_set_once: Vec<String>,
    pub traits_to_append: Vec<String>,
    pub traits_to_prepend: Vec<String>,
    pub map_query_params: Map<String, Value>,
    pub append_fields_to_event_props: Map<String, Value>,
    pub use_custom_amplitude_properties: bool,
    pub version_name: String,
    /// Keys the catalog does not list, kept as they came.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

impl Default for ClassicSettings {
    fn default() -> Self {
        ClassicSettings {
            api_key: String::new(),
            secret_key: String::new(),
            endpoint: String::new(),
            send_to_batch_endpoint: false,
            send_alias: false,
            track_all_pages: false,
            track_named_pages: true,
            track_categorized_pages: true,
            track_all_pages_v2: false,
            track_utm_properties: true,
            track_referrer: true,
            use_amplitude_referral: false,
            track_gclid: false,
            save_params_referrer_once_per_session: true,
            unset_params_referrer_on_new_session: false,
            device_id_from_url_param: false,
            prefer_anonymous_id_for_device_id: false,
            use_advertising_id_for_device_id: false,
            batch_events: false,
            event_upload_threshold: 30.0,
            event_upload_period_millis: 30000.0,
            force_https: false,
            enable_location_listening: true,
            track_session_events: false,
            use_log_revenue_v2: true,
            track_revenue_per_product: false,
            track_products_once: false,
            group_type_trait: String::new(),
            group_value_trait: String::new(),
            traits_to_increment: Vec::new(),
            traits_to_set_once: Vec::new(),
            traits_to_append: Vec::new(),
            traits_to_prepend: Vec::new(),
            map_query_params: Map::new(),
            append_fields_to_event_props: Map::new(),
            use_custom_amplitude_properties: false,
            version_name: String::new(),
            unknown: Map::new(),
        }
    }
}

/// Something worth telling the user about a loaded settings object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsIssue {
    /// A key the catalog does not list (kept in `ClassicSettings::unknown`).
    UnknownKey(String),
    /// A known key whose value has the wrong type; the default was used instead.
    WrongType { key: String, expected: String },
}

impl std::fmt::Display for SettingsIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingsIssue::UnknownKey(k) => {
                write!(
                    f,
                    "unknown setting `{k}` (not in the classic catalog; kept)"
                )
            }
            SettingsIssue::WrongType { key, expected } => {
                write!(
                    f,
                    "setting `{key}` should be {expected}; the default is used"
                )
            }
        }
    }
}

/// Settings read from a JSON text, with what was odd about them.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSettings {
    pub settings: ClassicSettings,
    pub issues: Vec<SettingsIssue>,
}

impl ClassicSettings {
    /// Does the `endpoint` setting pick the EU region? (Its option values are not published;
    /// any value mentioning "eu" counts.)
    pub fn is_eu(&self) -> bool {
        self.endpoint.to_ascii_lowercase().contains("eu")
    }

    /// The value of a setting by its catalog key, as JSON (`None` for keys not in the catalog).
    pub fn get(&self, key: &str) -> Option<Value> {
        setting_info(key)?;
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m.get(key).cloned(),
            _ => None,
        }
    }

    /// Reads settings from JSON text: a bare settings object, `{"settings": {...}}`, a Public API
    /// answer `{"data": {"destination": {"settings": {...}}}}`, or the older Config API list
    /// `[{"name": "apiKey", "value": "..."}]` form.
    pub fn from_json_text(text: &str) -> Result<LoadedSettings, String> {
        let value: Value = crate::engine::js::utf16::parse_json(text)
            .map_err(|e| format!("settings are not JSON: {e}"))?;
        Self::from_json(&value)
    }

    /// As [`ClassicSettings::from_json_text`], from a parsed value.
    pub fn from_json(value: &Value) -> Result<LoadedSettings, String> {
        let object = settings_object(value)?;
        let mut issues = Vec::new();
        let mut clean = Map::new();
        for (key, v) in &object {
            match setting_info(key) {
                None => {
                    issues.push(SettingsIssue::UnknownKey(key.clone()));
                    clean.insert(key.clone(), v.clone());
                }
                Some(info) => match coerce(info.kind, v) {
                    Some(ok) => {
                        clean.insert(key.clone(), ok);
                    }
                    None => issues.push(SettingsIssue::WrongType {
                        key: key.clone(),
                        expected: expected_text(info.kind).to_string(),
                    }),
                },
            }
        }
        let settings: ClassicSettings = serde_json::from_value(Value::Object(clean))
            .map_err(|e| format!("settings could not be read: {e}"))?;
        Ok(LoadedSettings { settings, issues })
    }
}

fn expected_text(kind: SettingKind) -> &'static str {
    match kind {
        SettingKind::Boolean => "a boolean",
        SettingKind::String | SettingKind::Select => "a string",
        SettingKind::Number => "a number",
        SettingKind::Array => "a list of strings",
        SettingKind::Map => "an object",
    }
}

/// Accepts the value when it fits the kind; a few harmless spellings are converted (`"true"`,
/// numeric strings, `null` for an empty string/list/map as exports sometimes carry).
fn coerce(kind: SettingKind, v: &Value) -> Option<Value> {
    match (kind, v) {
        (SettingKind::Boolean, Value::Bool(_)) => Some(v.clone()),
        (SettingKind::Boolean, Value::String(s)) if s == "true" || s == "false" => {
            Some(Value::Bool(s == "true"))
        }
        (SettingKind::String | SettingKind::Select, Value::String(_)) => Some(v.clone()),
        (SettingKind::String | SettingKind::Select, Value::Null) => {
            Some(Value::String(String::new()))
        }
        (SettingKind::Number, Value::Number(_)) => Some(v.clone()),
        (SettingKind::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        (SettingKind::Array, Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(|s| Value::String(s.to_string())))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        (SettingKind::Array, Value::Null) => Some(Value::Array(Vec::new())),
        (SettingKind::Map, Value::Object(_)) => Some(v.clone()),
        (SettingKind::Map, Value::Null) => Some(Value::Object(Map::new())),
        _ => None,
    }
}

fn settings_object(value: &Value) -> Result<Map<String, Value>, String> {
    let mut v = value;
    if let Some(inner) = v.get("data") {
        v = inner;
    }
    if let Some(inner) = v.get("destination") {
        v = inner;
    }
    if let Some(inner) = v.get("settings")
        && (inner.is_object() || inner.is_array())
        && v.get("apiKey").is_none()
    {
        v = inner;
    }
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Array(items) => {
            let mut m = Map::new();
            for item in items {
                let name = item.get("name").and_then(Value::as_str).ok_or_else(|| {
                    "a settings list needs items like {\"name\": ..., \"value\": ...}".to_string()
                })?;
                m.insert(
                    name.to_string(),
                    item.get("value").cloned().unwrap_or(Value::Null),
                );
            }
            Ok(m)
        }
        _ => Err("settings must be a JSON object".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_catalog_lists_37_distinct_settings() {
        assert_eq!(CATALOG.len(), 37);
        let mut keys: Vec<&str> = CATALOG.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 37);
    }

    #[test]
    fn defaults_equal_the_catalog_defaults_key_by_key() {
        let defaults = serde_json::to_value(ClassicSettings::default()).unwrap();
        let map = defaults.as_object().unwrap();
        assert_eq!(
            map.len(),
            37,
            "every setting serialises under its catalog key"
        );
        for info in CATALOG {
            let got = map
                .get(info.key)
                .unwrap_or_else(|| panic!("{} missing", info.key));
            let want = info.default.to_value();
            match (got.as_f64(), want.as_f64()) {
                (Some(a), Some(b)) => assert_eq!(a, b, "{}", info.key),
                _ => assert_eq!(got, &want, "{}", info.key),
            }
        }
    }

    #[test]
    fn reads_every_wrapper_shape() {
        let bare = json!({"apiKey": "K", "trackAllPages": true});
        let cases = [
            bare.clone(),
            json!({"settings": bare.clone()}),
            json!({"data": {"destination": {"id": "x", "settings": bare.clone()}}}),
            json!([{"name": "apiKey", "value": "K"}, {"name": "trackAllPages", "value": true}]),
        ];
        for case in cases {
            let loaded = ClassicSettings::from_json(&case).unwrap();
            assert_eq!(loaded.settings.api_key, "K", "{case}");
            assert!(loaded.settings.track_all_pages, "{case}");
            assert!(loaded.settings.track_named_pages, "{case}: default kept");
            assert!(loaded.issues.is_empty(), "{case}");
        }
    }

    #[test]
    fn unknown_keys_are_kept_and_reported_and_wrong_types_fall_back() {
        let loaded = ClassicSettings::from_json(&json!({
            "apiKey": "K",
            "someFutureSetting": {"a": 1},
            "trackNamedPages": "false",
            "trackCategorizedPages": 3,
            "traitsToIncrement": ["logins", 4],
            "eventUploadThreshold": "50"
        }))
        .unwrap();
        let s = &loaded.settings;
        assert_eq!(s.unknown.get("someFutureSetting"), Some(&json!({"a": 1})));
        assert!(!s.track_named_pages, "\"false\" is read as false");
        assert!(
            s.track_categorized_pages,
            "a number is not a boolean: default"
        );
        assert!(s.traits_to_increment.is_empty());
        assert_eq!(s.event_upload_threshold, 50.0);
        assert_eq!(
            loaded.issues,
            vec![
                SettingsIssue::UnknownKey("someFutureSetting".into()),
                SettingsIssue::WrongType {
                    key: "trackCategorizedPages".into(),
                    expected: "a boolean".into()
                },
                SettingsIssue::WrongType {
                    key: "traitsToIncrement".into(),
                    expected: "a list of strings".into()
                },
            ]
        );
        let round = serde_json::to_value(s).unwrap();
        assert_eq!(round["someFutureSetting"], json!({"a": 1}));
        assert_eq!(s.get("trackNamedPages"), Some(json!(false)));
        assert_eq!(s.get("someFutureSetting"), None);
    }

    #[test]
    fn rejects_non_objects() {
        assert!(ClassicSettings::from_json_text("3").is_err());
        assert!(ClassicSettings::from_json_text("{").is_err());
    }
}
