//! `@liquid` (LiquidJS 10.27.2 as Segment configures it).

use serde_json::Value;

use super::MappingError;
use super::path::Payload;

/// Longest template the reference accepts.
pub const MAX_TEMPLATE_LENGTH: usize = 1000;

/// Renders a `@liquid` template against `payload`.
pub fn evaluate(opts: &Value, _payload: Payload<'_>) -> Result<String, MappingError> {
    let Value::String(template) = opts else {
        return Err(MappingError::Runtime(
            "liquid template value must be a string".to_string(),
        ));
    };
    if template.is_empty() {
        return Ok(String::new());
    }
    if super::value::utf16_len(template) > MAX_TEMPLATE_LENGTH {
        return Err(MappingError::Runtime(
            "liquid template values are limited to 1000 characters".to_string(),
        ));
    }
    Err(MappingError::Unsupported(
        "@liquid templates are unsupported in Ampscope".to_string(),
    ))
}
