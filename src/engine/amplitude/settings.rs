//! Destination settings (`apiKey`, `secretKey`, `endpoint`) and their validation, which the
//! reference runs (JSON schema with ajv, `coerceTypes`) before every event.

use std::sync::OnceLock;

use serde_json::Value;

use super::ActionError;
use super::definitions::DEFINITIONS_JSON;
use super::endpoints::Region;
use crate::engine::mapping::schema::{Fields, validate_settings};

/// Validated destination settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// Amplitude project API key; sent as `api_key` in every request.
    pub api_key: String,
    /// Amplitude project secret key; only used by the reference's auth test and deletions.
    pub secret_key: String,
    /// Data-residency region (`north_america` when absent).
    pub endpoint: Region,
}

impl Settings {
    /// Settings for `api_key` in North America (handy for previews and tests).
    pub fn new(api_key: &str, secret_key: &str, endpoint: Region) -> Settings {
        Settings {
            api_key: api_key.to_string(),
            secret_key: secret_key.to_string(),
            endpoint,
        }
    }

    /// Validates settings given as a JSON object the way the reference does (its JSON schema
    /// with ajv's coercion): the two keys are required strings (numbers and booleans become
    /// strings), `endpoint` must be one of the two regions, unknown keys are ignored. The error
    /// is the reference's `AggregateAjvError` (all problems, joined by a space; status 400).
    pub fn from_json(value: &Value) -> Result<Settings, ActionError> {
        static FIELDS: OnceLock<Option<Fields>> = OnceLock::new();
        let fields = FIELDS.get_or_init(|| {
            let defs: Value = serde_json::from_str(DEFINITIONS_JSON).ok()?;
            Fields::for_settings(&defs).ok()
        });
        let Some(fields) = fields else {
            return Err(ActionError::validation(vec![
                "The settings definitions could not be read.".to_string(),
            ]));
        };
        let checked = validate_settings(fields, value)
            .map_err(|e| ActionError::validation(vec![e.message]))?;
        let text = |k: &str| {
            checked
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Ok(Settings {
            api_key: text("apiKey"),
            secret_key: text("secretKey"),
            endpoint: checked
                .get("endpoint")
                .and_then(Value::as_str)
                .and_then(Region::from_key)
                .unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_validate_like_the_reference() {
        let ok = Settings::from_json(&json!({"apiKey": "k", "secretKey": "s", "foo": 1})).unwrap();
        assert_eq!(ok, Settings::new("k", "s", Region::NorthAmerica));
        let eu = Settings::from_json(&json!({"apiKey": 1234567890, "secretKey": "s",
            "endpoint": "europe"}))
        .unwrap();
        assert_eq!(eu.api_key, "1234567890");
        assert_eq!(eu.endpoint, Region::Europe);
        let cases: &[(Value, &str)] = &[
            (
                json!({"apiKey": "k-123"}),
                "The root value is missing the required field 'secretKey'.",
            ),
            (
                json!({"apiKey": "k", "secretKey": "s", "endpoint": "asia"}),
                "Endpoint Region must be one of: \"north_america\" or \"europe\".",
            ),
            (
                json!({}),
                "The root value is missing the required field 'apiKey'. \
                 The root value is missing the required field 'secretKey'.",
            ),
            (
                json!({"apiKey": {"a": 1}, "secretKey": "s"}),
                "API Key must be a string but it was an object.",
            ),
            (
                json!({"apiKey": "k", "secretKey": "s", "endpoint": 3}),
                "Endpoint Region must be one of: \"north_america\" or \"europe\".",
            ),
        ];
        for (input, want) in cases {
            let err = Settings::from_json(input).unwrap_err();
            assert_eq!(err.message, *want, "for {input}");
            assert_eq!(err.status, Some(400));
            assert_eq!(err.class, "AggregateAjvError");
        }
    }
}
