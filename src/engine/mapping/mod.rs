//! Segment's mapping language (mapping-kit of `@segment/actions-core` 3.170.0), reproduced
//! exactly, and the framework pipeline between a resolved mapping and an action's `perform`.
//!
//! * [`resolve`] runs `transform(mapping, event)`: validation, resolution, removal of
//!   `undefined` members. [`resolve_with_report`] also says which [`MappingQuirk`]s it hit.
//! * [`validate`] lists every validation error with the reference's message and its location.
//! * [`schema`] holds action field definitions and [`schema::process`], the clean-up and ajv
//!   coercion/validation the framework runs before `perform`.

pub mod directives;
pub mod liquid;
pub mod path;
pub mod quirks;
pub mod schema;
pub mod template;
pub mod validate;
pub mod value;

use serde_json::Value;

pub use path::Payload;
pub use quirks::{MappingQuirk, QuirkSet};
pub use validate::{ValidationError, validate, validate_detailed};
pub use value::{JsObject, JsValue};

/// Why a mapping could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum MappingError {
    /// The mapping failed validation before anything ran. `aggregate` tells whether the
    /// reference throws an `AggregateError` (true) or a single `ValidationError`.
    Invalid {
        errors: Vec<ValidationError>,
        aggregate: bool,
    },
    /// A plain `Error` the reference throws while resolving (e.g. `@merge requires a
    /// "direction" key`).
    Runtime(String),
    /// A LiquidJS `ParseError`/`RenderError` (message with its `, line:1, col:1` suffix).
    Liquid(String),
    /// Something the reference accepts but Ampscope cannot reproduce exactly.
    Unsupported(String),
}

impl MappingError {
    /// The error's `message` as the reference's error object carries it. For an
    /// `AggregateError` that is the items' first stack lines, indented:
    /// `"\n    ValidationError: /a has an invalid directive: @x."`.
    pub fn reference_message(&self) -> String {
        match self {
            MappingError::Invalid { errors, aggregate } => {
                if *aggregate {
                    let mut s = String::new();
                    for e in errors {
                        s.push_str("\n    ValidationError: ");
                        s.push_str(&e.message);
                    }
                    s
                } else {
                    errors
                        .first()
                        .map(|e| e.message.clone())
                        .unwrap_or_default()
                }
            }
            MappingError::Runtime(m) | MappingError::Liquid(m) | MappingError::Unsupported(m) => {
                m.clone()
            }
        }
    }

    /// The individual messages (one per validation error).
    pub fn messages(&self) -> Vec<String> {
        match self {
            MappingError::Invalid { errors, .. } => {
                errors.iter().map(|e| e.message.clone()).collect()
            }
            other => vec![other.reference_message()],
        }
    }
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.messages().join("\n"))
    }
}

impl std::error::Error for MappingError {}

/// A resolved mapping and the quirks its resolution relied on.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// What `transform` returned (`undefined` members already removed).
    pub value: JsValue,
    /// Reproduced reference surprises this resolution hit, in declaration order.
    pub quirks: Vec<MappingQuirk>,
}

/// `transform(mapping, data)`: validates `mapping`, resolves it against `data` (the raw
/// Segment event) and removes `undefined` members.
pub fn resolve(mapping: &Value, data: &Value) -> Result<JsValue, MappingError> {
    let mut cx = directives::Ctx::default();
    directives::transform(mapping, Payload::Json(data), &mut cx)
}

/// [`resolve`], also reporting the [`MappingQuirk`]s hit.
pub fn resolve_with_report(mapping: &Value, data: &Value) -> Result<Resolution, MappingError> {
    let mut cx = directives::Ctx::default();
    let value = directives::transform(mapping, Payload::Json(data), &mut cx)?;
    Ok(Resolution {
        value,
        quirks: cx.quirks.to_vec(),
    })
}

/// A mapping validated once, to resolve against many events (what the reference does per
/// event minus the repeated validation, which cannot change the result).
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedMapping {
    mapping: Value,
    quirks: QuirkSet,
}

impl PreparedMapping {
    /// Validates `mapping` (and applies the root-directive rewrite).
    pub fn new(mapping: &Value) -> Result<PreparedMapping, MappingError> {
        let mut cx = directives::Ctx::default();
        let prepared = directives::prepare(mapping, &mut cx)?.into_owned();
        Ok(PreparedMapping {
            mapping: prepared,
            quirks: cx.quirks,
        })
    }

    /// Same as [`resolve`] with the original mapping.
    pub fn resolve(&self, data: &Value) -> Result<JsValue, MappingError> {
        let mut cx = directives::Ctx::default();
        directives::check_data(Payload::Json(data))?;
        directives::run_prepared(&self.mapping, Payload::Json(data), &mut cx)
    }

    /// Same as [`resolve_with_report`] with the original mapping.
    pub fn resolve_with_report(&self, data: &Value) -> Result<Resolution, MappingError> {
        let mut cx = directives::Ctx {
            quirks: self.quirks,
        };
        directives::check_data(Payload::Json(data))?;
        let value = directives::run_prepared(&self.mapping, Payload::Json(data), &mut cx)?;
        Ok(Resolution {
            value,
            quirks: cx.quirks.to_vec(),
        })
    }
}
