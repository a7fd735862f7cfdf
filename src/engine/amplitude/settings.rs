//! Destination settings (`apiKey`, `secretKey`, `endpoint`) and their validation, which the
//! reference runs (JSON schema with ajv, `coerceTypes`) before every event.

use serde_json::{Map, Value};

use super::ActionError;
use super::endpoints::Region;

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

    /// Validates settings given as a JSON object the way the reference does: the two keys are
    /// required strings (numbers and booleans are coerced to strings), `endpoint` must be one
    /// of the two regions, unknown keys are ignored. The error is the reference's
    /// `AggregateAjvError` (all problems, joined by a space; status 400).
    pub fn from_json(value: &Value) -> Result<Settings, ActionError> {
        let empty = Map::new();
        let obj = match value {
            Value::Object(m) => m,
            Value::Null => &empty,
            other => {
                return Err(ActionError::validation(vec![format!(
                    "The root value must be an object but it was {}.",
                    humanize_type(other)
                )]));
            }
        };
        let mut problems = Vec::new();
        for key in ["apiKey", "secretKey"] {
            if !obj.contains_key(key) {
                problems.push(format!(
                    "The root value is missing the required field '{key}'."
                ));
            }
        }
        let mut string_field = |key: &str, label: &str| -> String {
            match obj.get(key) {
                None => String::new(),
                Some(v) => match coerce_to_string(v) {
                    Some(s) => s,
                    None => {
                        problems.push(format!(
                            "{label} must be a string but it was {}.",
                            humanize_type(v)
                        ));
                        String::new()
                    }
                },
            }
        };
        let api_key = string_field("apiKey", "API Key");
        let secret_key = string_field("secretKey", "Secret Key");
        let region_text = obj.get("endpoint").map(|v| {
            let s = string_field("endpoint", "Endpoint Region");
            (v, s)
        });
        let mut endpoint = Region::NorthAmerica;
        if let Some((raw, text)) = region_text {
            match Region::from_key(&text) {
                Some(r) => endpoint = r,
                // A type error was already reported; ajv reports the enum too only for strings.
                None if coerce_to_string(raw).is_some() => problems.push(
                    "Endpoint Region must be one of: \"north_america\" or \"europe\".".to_string(),
                ),
                None => {}
            }
        }
        if problems.is_empty() {
            Ok(Settings {
                api_key,
                secret_key,
                endpoint,
            })
        } else {
            Err(ActionError::validation(problems))
        }
    }
}

/// ajv's `coerceTypes` towards `string`: numbers and booleans print as JavaScript prints
/// them, `null` becomes `""`; objects and arrays do not coerce.
fn coerce_to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(crate::engine::js::number_to_string(
            crate::engine::js::json_number_to_f64(n),
        )),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// How `@segment/ajv-human-errors` names the type of a value.
pub(crate) fn humanize_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
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
        ];
        for (input, want) in cases {
            let err = Settings::from_json(input).unwrap_err();
            assert_eq!(err.message, *want, "for {input}");
            assert_eq!(err.status, Some(400));
            assert_eq!(err.class, "AggregateAjvError");
        }
    }
}
