//! Action field definitions and the framework pipeline between a resolved mapping and an
//! action's `perform` (`action.ts` `execute`): `removeEmptyValues`, then ajv validation with
//! `coerceTypes: "array"`, `removeAdditional: true`, `allErrors: true` and the `date-like`
//! format, failing with `@segment/ajv-human-errors` messages.
//!
//! Field definitions deserialise from the field entries of `definitions.json` (the oracle's
//! dump of the destination); [`Fields::to_schema`] builds what `fieldsToJsonSchema` builds.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::validate::article;
use super::value::{JsObject, JsValue};
use crate::engine::js;

pub(crate) mod date;

pub use date::is_date_like;

/// The type of an action or settings field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Text,
    Password,
    Number,
    Integer,
    Boolean,
    Datetime,
    Object,
}

/// One allowed value of a field with choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Choice {
    Labelled { label: String, value: Value },
    Plain(Value),
}

impl Choice {
    /// The value the field takes.
    pub fn value(&self) -> &Value {
        match self {
            Choice::Labelled { value, .. } => value,
            Choice::Plain(v) => v,
        }
    }
}

/// A field of an action (or of the destination's settings), as actions-core declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub key: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Only `required: true` is modelled; conditional requirements (an object in other
    /// destinations) read as not required.
    #[serde(default, deserialize_with = "bool_or_false")]
    pub required: bool,
    #[serde(default, rename = "allowNull", deserialize_with = "bool_or_false")]
    pub allow_null: bool,
    #[serde(default, deserialize_with = "bool_or_false")]
    pub multiple: bool,
    #[serde(default)]
    pub choices: Option<Vec<Choice>>,
    /// Nested fields of an object field, in declaration order.
    #[serde(default)]
    pub properties: Option<Vec<Field>>,
    #[serde(
        default,
        rename = "additionalProperties",
        deserialize_with = "bool_or_false"
    )]
    pub additional_properties: bool,
    /// The default mapping value (used for presets and new mappings, never at run time).
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub minimum: Option<f64>,
    #[serde(default)]
    pub maximum: Option<f64>,
}

fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(matches!(Value::deserialize(d)?, Value::Bool(true)))
}

/// The fields of one action or of the settings, in declaration order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<Field>);

impl Fields {
    /// Reads fields from `definitions.json` shapes: an array of field entries, or an object
    /// with a `fields` array (an action entry or the `authentication` entry).
    pub fn from_definitions_json(v: &Value) -> Result<Fields, String> {
        let list = match v {
            Value::Array(_) => v,
            Value::Object(o) => o.get("fields").ok_or_else(|| {
                "expected an array of fields or an object with \"fields\"".to_string()
            })?,
            _ => return Err("expected an array of fields or an object with \"fields\"".into()),
        };
        Fields::deserialize(list).map_err(|e| format!("invalid field definition: {e}"))
    }

    /// The fields of action `key` in a whole `definitions.json` document.
    pub fn for_action(definitions: &Value, key: &str) -> Result<Fields, String> {
        let action = definitions["actions"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["key"] == key))
            .ok_or_else(|| format!("no action '{key}' in the definitions"))?;
        Fields::from_definitions_json(action)
    }

    /// The settings fields (`authentication.fields`) of a whole `definitions.json` document.
    pub fn for_settings(definitions: &Value) -> Result<Fields, String> {
        Fields::from_definitions_json(&definitions["authentication"])
    }

    /// The field called `key`.
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.0.iter().find(|f| f.key == key)
    }

    /// `fieldsToJsonSchema(fields)`.
    pub fn to_schema(&self) -> Schema {
        fields_to_schema(&self.0, false)
    }
}

/// A JSON-schema type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Null,
    Array,
    Object,
}

impl JsonType {
    fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Null => "null",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    /// [`JsonType::matches`] for the JSON value (as `JSON.parse` would give it).
    fn matches_json(self, v: &Value) -> bool {
        match (self, v) {
            (JsonType::String, Value::String(_))
            | (JsonType::Boolean, Value::Bool(_))
            | (JsonType::Null, Value::Null)
            | (JsonType::Array, Value::Array(_))
            | (JsonType::Object, Value::Object(_)) => true,
            (JsonType::Number, Value::Number(n)) => js::json_number_to_f64(n).is_finite(),
            (JsonType::Integer, Value::Number(n)) => {
                let x = js::json_number_to_f64(n);
                x.is_finite() && x.fract() == 0.0
            }
            _ => false,
        }
    }

    fn matches(self, v: &JsValue) -> bool {
        match (self, v) {
            (JsonType::String, JsValue::String(_))
            | (JsonType::Boolean, JsValue::Bool(_))
            | (JsonType::Null, JsValue::Null)
            | (JsonType::Array, JsValue::Array(_))
            | (JsonType::Object, JsValue::Object(_)) => true,
            // ajv's `strictNumbers`: NaN and infinities are not numbers.
            (JsonType::Number, JsValue::Number(x)) => x.is_finite(),
            (JsonType::Integer, JsValue::Number(x)) => x.is_finite() && x.fract() == 0.0,
            _ => false,
        }
    }
}

/// The subset of JSON schema `fieldsToJsonSchema` produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    pub title: Option<String>,
    /// Empty: no `type` keyword.
    pub types: Vec<JsonType>,
    pub format: Option<String>,
    pub enum_values: Option<Vec<Value>>,
    pub min_length: Option<f64>,
    pub max_length: Option<f64>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub items: Option<Box<Schema>>,
    /// `None`: no `properties` keyword.
    pub properties: Option<Vec<(String, Schema)>>,
    pub required: Vec<String>,
    /// `additionalProperties` (only meaningful with `properties`); `false` removes unknown keys.
    pub additional_properties: bool,
}

/// Finds property schemas by key, starting each search after the previous hit: payload
/// members mostly come in the schema's order (mappings are built from the field list), so
/// most lookups compare a single key.
#[derive(Default)]
struct PropCursor {
    next: usize,
}

impl PropCursor {
    fn index(&mut self, props: &[(String, Schema)], key: &str) -> Option<usize> {
        let n = props.len();
        let start = self.next.min(n);
        let hit = (start..n)
            .chain(0..start)
            .find(|&i| props[i].0.len() == key.len() && props[i].0 == key)?;
        self.next = hit + 1;
        Some(hit)
    }
}

impl Schema {
    /// The index of property `key` in [`Schema::properties`].
    pub fn property_index(&self, key: &str) -> Option<usize> {
        self.properties
            .as_deref()?
            .iter()
            .position(|(k, _)| k == key)
    }

    /// The JSON types (as [`json_type_bit`]s) a value may have for the framework to leave it
    /// as it is, when this schema says nothing else about it (no `enum`, `format`, lengths,
    /// bounds, `items`, `properties` or `required`, and not `integer`): checking a value is
    /// then only looking at its type. A value of another type is removed if it is `null`
    /// and fails (or is wrapped or coerced) otherwise. `None` for any other schema.
    pub fn plain_types(&self) -> Option<u8> {
        let plain = self.enum_values.is_none()
            && self.format.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.items.is_none()
            && self.properties.is_none()
            && self.required.is_empty()
            && !self.types.contains(&JsonType::Integer);
        if !plain {
            return None;
        }
        if self.types.is_empty() {
            return Some(u8::MAX);
        }
        Some(self.types.iter().fold(0, |mask, t| {
            mask | match t {
                JsonType::Null => JSON_NULL,
                JsonType::Boolean => JSON_BOOL,
                JsonType::Number => JSON_NUMBER,
                JsonType::String => JSON_STRING,
                JsonType::Array => JSON_ARRAY,
                JsonType::Object => JSON_OBJECT,
                JsonType::Integer => 0,
            }
        }))
    }
}

/// [`Schema::plain_types`] of an object schema's properties (`top`) and of each property's
/// own properties (`sub`, empty for a property without any), for [`process_direct`].
#[derive(Debug, Clone, Default)]
pub struct PlainTypes {
    top: Vec<Option<u8>>,
    sub: Vec<Vec<Option<u8>>>,
}

impl PlainTypes {
    /// Computed once per schema.
    pub fn of(schema: &Schema) -> PlainTypes {
        let plain_of = |s: &Schema| -> Vec<Option<u8>> {
            s.properties
                .iter()
                .flatten()
                .map(|(_, p)| p.plain_types())
                .collect()
        };
        PlainTypes {
            top: plain_of(schema),
            sub: schema
                .properties
                .iter()
                .flatten()
                .map(|(_, p)| plain_of(p))
                .collect(),
        }
    }
}

const JSON_NULL: u8 = 1;
const JSON_BOOL: u8 = 2;
const JSON_NUMBER: u8 = 4;
const JSON_STRING: u8 = 8;
const JSON_ARRAY: u8 = 16;
const JSON_OBJECT: u8 = 32;

/// A value's JSON type as one bit of a [`Schema::plain_types`] mask (NaN and infinities,
/// which are not numbers to ajv, have none).
#[inline]
pub fn json_type_bit(v: &Value) -> u8 {
    match v {
        Value::Null => JSON_NULL,
        Value::Bool(_) => JSON_BOOL,
        Value::Number(n) if js::json_number_to_f64(n).is_finite() => JSON_NUMBER,
        Value::Number(_) => 0,
        Value::String(_) => JSON_STRING,
        Value::Array(_) => JSON_ARRAY,
        Value::Object(_) => JSON_OBJECT,
    }
}

/// One step of the location of a value being validated (kept borrowed until an issue needs
/// the text).
#[derive(Clone, Copy)]
enum Seg<'s> {
    Key(&'s str),
    Index(usize),
}

impl Seg<'_> {
    fn text(self) -> String {
        match self {
            Seg::Key(k) => k.to_string(),
            Seg::Index(i) => i.to_string(),
        }
    }
}

fn base_types(t: FieldType) -> Vec<JsonType> {
    match t {
        FieldType::String | FieldType::Text | FieldType::Password => vec![JsonType::String],
        FieldType::Datetime => vec![JsonType::String, JsonType::Number],
        FieldType::Number => vec![JsonType::Number],
        FieldType::Integer => vec![JsonType::Integer],
        FieldType::Boolean => vec![JsonType::Boolean],
        FieldType::Object => vec![JsonType::Object],
    }
}

fn truthy_f64(x: Option<f64>) -> Option<f64> {
    x.filter(|v| *v != 0.0 && !v.is_nan())
}

fn fields_to_schema(fields: &[Field], additional_properties: bool) -> Schema {
    let mut properties = Vec::with_capacity(fields.len());
    let mut required = Vec::new();
    for f in fields {
        let base = base_types(f.field_type);
        let mut s = Schema {
            title: f.label.clone(),
            types: base.clone(),
            format: f.format.clone(),
            ..Schema::default()
        };
        match f.field_type {
            FieldType::Datetime => s.format = Some("date-like".into()),
            FieldType::Password => s.format = Some("password".into()),
            FieldType::Text => s.format = Some("text".into()),
            FieldType::String => {
                s.min_length = truthy_f64(f.minimum);
                s.max_length = truthy_f64(f.maximum);
            }
            FieldType::Number => {
                s.minimum = truthy_f64(f.minimum);
                s.maximum = truthy_f64(f.maximum);
            }
            _ => {}
        }
        if let Some(choices) = &f.choices {
            s.enum_values = Some(choices.iter().map(|c| c.value().clone()).collect());
        }
        if f.allow_null {
            s.types.push(JsonType::Null);
            if let Some(e) = &mut s.enum_values {
                e.push(Value::Null);
            }
        }
        if f.multiple {
            s.items = Some(Box::new(Schema {
                types: base.clone(),
                enum_values: s.enum_values.take(),
                ..Schema::default()
            }));
            s.types = vec![JsonType::Array];
        }
        if f.field_type == FieldType::Object
            && let Some(props) = &f.properties
        {
            let nested = fields_to_schema(props, f.additional_properties);
            if f.multiple {
                s.items = Some(Box::new(nested));
            } else {
                // `{...schema, ...nested}`: the nested object's `type: "object"` replaces
                // the field's type, `allowNull` included.
                s.types = nested.types;
                s.properties = nested.properties;
                s.required = nested.required;
                s.additional_properties = nested.additional_properties;
            }
        }
        if f.required {
            required.push(f.key.clone());
        }
        properties.push((f.key.clone(), s));
    }
    Schema {
        types: vec![JsonType::Object],
        properties: Some(properties),
        required,
        additional_properties,
        ..Schema::default()
    }
}

/// One human-readable validation error (`@segment/ajv-human-errors` `AjvError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaIssue {
    /// E.g. `Quantity must be an integer but it was a number.`
    pub message: String,
    /// JSONPath of the value (`$.products[0].quantity`, `$` for the root).
    pub path: String,
    /// JSON pointer of the value (`/products/0/quantity`, empty for the root).
    pub pointer: String,
}

/// The payload (or settings) failed validation: the reference's `AggregateAjvError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// All issue messages joined by a space, as the reference's `message`.
    pub message: String,
    /// JSONPath of the first issue (`$` for the root).
    pub path: String,
    /// Every issue, in ajv's order.
    pub details: Vec<SchemaIssue>,
}

impl SchemaError {
    fn from_issues(details: Vec<SchemaIssue>) -> SchemaError {
        SchemaError {
            message: details
                .iter()
                .map(|d| d.message.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            path: details.first().map(|d| d.path.clone()).unwrap_or_default(),
            details,
        }
    }
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SchemaError {}

/// What the framework does between mapping-kit and `perform`: `removeEmptyValues` (root `""`
/// members, `null`s the schema does not allow, `""` where no string is allowed), then ajv with
/// coercion and removal of unknown keys. Returns the payload `perform()` receives.
pub fn process(fields: &Fields, resolved: &JsValue) -> Result<Value, SchemaError> {
    let schema = fields.to_schema();
    process_with_schema(&schema, resolved)
}

/// [`process`] with a schema built beforehand (build it once per action with
/// [`Fields::to_schema`] when processing many events).
pub fn process_with_schema(schema: &Schema, resolved: &JsValue) -> Result<Value, SchemaError> {
    process_owned(schema, resolved.clone())
}

/// [`process_with_schema`] consuming the resolved value (no copy of it is made).
pub fn process_owned(schema: &Schema, resolved: JsValue) -> Result<Value, SchemaError> {
    process_owned_non_finite(schema, resolved).map(|(v, _)| v)
}

/// Root members of a payload whose value is a non-finite number, with that number.
pub type NonFinite = Vec<(String, f64)>;

/// [`process_owned`], also giving the root members whose value is a non-finite number: ajv
/// coerces the text `"Infinity"` (or `"1e999"`) in a number field to `Infinity`, which a JSON
/// value cannot hold (it becomes `null` there), while the action computes with it.
pub fn process_owned_non_finite(
    schema: &Schema,
    resolved: JsValue,
) -> Result<(Value, NonFinite), SchemaError> {
    let mut payload = remove_empty_values(resolved, schema, true);
    validate_schema(schema, &mut payload)?;
    let non_finite = match &payload {
        JsValue::Object(obj) => obj
            .iter()
            .filter_map(|(k, v)| match v {
                JsValue::Number(x) if !x.is_finite() => Some((k.to_string(), *x)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok((payload.into_json().unwrap_or(Value::Null), non_finite))
}

/// [`process_owned`] on a root object given as its members (unique keys, JSON values, each
/// with the index of its property in `schema.properties`, see [`Schema::property_index`])
/// when all it does is leave members out or coerce a scalar member whose property states only
/// types: removes them from `members` (coerced ones replaced by their owned value) and returns
/// true. False when a value would be cleaned inside, wrapped, coerced otherwise or fail
/// validation (members are then unspecified): [`process_owned`] must run to say how. Lets the runner pass the event's
/// values to `perform()` without copying them.
/// `plain` is [`PlainTypes::of`] `schema` (computed once per schema by the caller): members
/// and members of objects written out in the mapping whose property states only types are
/// checked by their type alone.
pub fn process_direct(
    schema: &Schema,
    plain: &PlainTypes,
    members: &mut Vec<(&str, Option<usize>, DirectValue<'_>)>,
) -> bool {
    let Some(props) = schema.properties.as_deref() else {
        return false;
    };
    if schema.enum_values.is_some() || !schema.types.contains(&JsonType::Object) {
        return false;
    }
    let mut ok = true;
    let prop_of = |index: &Option<usize>| index.and_then(|i| props.get(i)).map(|(_, s)| s);
    members.retain_mut(|(_, index, v)| {
        let v: &Value = match v {
            // Most members: a property that states only types, checked by one bit test.
            DirectValue::Json(json)
                if let Some(types) = index.and_then(|i| plain.top.get(i).copied().flatten()) =>
            {
                if json_type_bit(json) & types != 0 {
                    // Kept as it is, unless it is an empty string at the root.
                    return !matches!(&**json, Value::String(s) if s.is_empty());
                }
                // `removeEmptyValues` takes a `null` the schema does not allow (and an empty
                // string, at the root); anything else of the wrong type is ajv's to coerce
                // (done here for a scalar: nothing is checked after it) or fail.
                let removed = matches!(&**json, Value::Null)
                    || matches!(&**json, Value::String(s) if s.is_empty());
                if !removed {
                    match prop_of(index).and_then(|p| coerce_plain(&p.types, json)) {
                        Some(c) => *json = JsonRef::Owned(Box::new(c)),
                        None => ok = false,
                    }
                }
                return !removed;
            }
            DirectValue::Json(v) => v,
            DirectValue::Fields(f) => {
                let fields = &f.0;
                // An object never cleans away; only its members are looked at.
                return match prop_of(index) {
                    None => schema.additional_properties,
                    Some(p) => {
                        // A schema of `array` alone would wrap it; an `enum` compares it
                        // as a whole: the general path says what happens.
                        let sub = index.and_then(|i| plain.sub.get(i)).map_or(&[][..], |s| s);
                        ok &= p.types != [JsonType::Array]
                            && p.enum_values.is_none()
                            && (p.types.is_empty() || p.types.contains(&JsonType::Object))
                            && fields_unchanged(p, sub, fields);
                        true
                    }
                };
            }
        };
        let prop = prop_of(index);
        // removeEmptyValues: a member cleaned to undefined, or an empty string at the root.
        if prop.is_some_and(|p| cleans_away_json(v, p))
            || matches!(v, Value::String(s) if s.is_empty())
        {
            return false;
        }
        match prop {
            // ajv's removeAdditional.
            None => schema.additional_properties,
            Some(p) => {
                let arrified =
                    p.types == [JsonType::Array] && !matches!(v, Value::Null | Value::Array(_));
                ok &= !arrified && clean_unchanged(p, v) && ajv_unchanged(p, v);
                true
            }
        }
    });
    ok && schema
        .required
        .iter()
        .all(|r| members.iter().any(|(k, _, _)| *k == r.as_str()))
}

/// A JSON value borrowed where the mapping only read it, or made (boxed: payload members
/// are moved and dropped by the dozen per event, and an inline `Value` would make every
/// one of them five times the size of a borrow).
#[derive(Debug, Clone)]
pub enum JsonRef<'a> {
    Borrowed(&'a Value),
    Owned(Box<Value>),
}

impl std::ops::Deref for JsonRef<'_> {
    type Target = Value;

    fn deref(&self) -> &Value {
        match self {
            JsonRef::Borrowed(v) => v,
            JsonRef::Owned(v) => v,
        }
    }
}

/// An object written out in the mapping: its members in order (keys unique), and the JSON
/// object made of them once someone asks for one.
pub type MappedObject<'a> = (Vec<(&'a str, JsonRef<'a>)>, std::cell::OnceCell<Box<Value>>);

/// A root member's value for [`process_direct`].
#[derive(Debug, Clone)]
pub enum DirectValue<'a> {
    /// A JSON value.
    Json(JsonRef<'a>),
    /// A plain object written out in the mapping, as its members in order (keys unique):
    /// made into one JSON value (kept in the cell) only when someone asks for it. Boxed:
    /// a payload's members are mostly borrowed values, which then drop without a call.
    Fields(Box<MappedObject<'a>>),
}

impl DirectValue<'_> {
    /// The value as JSON.
    pub fn value(&self) -> &Value {
        match self {
            DirectValue::Json(v) => v,
            DirectValue::Fields(f) => f.1.get_or_init(|| Box::new(fields_to_json(&f.0))),
        }
    }
}

/// The JSON object of [`DirectValue::Fields`]' members.
pub fn fields_to_json(fields: &[(&str, JsonRef<'_>)]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_string(), (**v).clone()))
            .collect(),
    )
}

/// The members of an object written out in the mapping, checked against its property `p`:
/// both [`members_clean_unchanged`] (when `p` has types) and [`members_ajv_unchanged`], in one
/// pass. `sub` is [`Schema::plain_types`] of each of `p`'s properties: a member of one of
/// those types is left as it is by both, without looking further.
fn fields_unchanged(p: &Schema, sub: &[Option<u8>], fields: &[(&str, JsonRef<'_>)]) -> bool {
    if !p
        .required
        .iter()
        .all(|r| fields.iter().any(|(f, _)| *f == r))
    {
        return false;
    }
    let Some(props) = p.properties.as_deref() else {
        return true;
    };
    let typed = !p.types.is_empty();
    let mut cursor = PropCursor::default();
    fields.iter().all(|(k, v)| match cursor.index(props, k) {
        None => p.additional_properties,
        Some(i) => {
            let v: &Value = v;
            if sub
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|t| json_type_bit(v) & t != 0)
            {
                return true;
            }
            let sp = &props[i].1;
            (!typed || (!cleans_away_json(v, sp) && clean_unchanged(sp, v))) && ajv_unchanged(sp, v)
        }
    })
}

/// [`cleans_to_undefined`] for a JSON value.
fn cleans_away_json(v: &Value, schema: &Schema) -> bool {
    if schema.types.is_empty() && schema.enum_values.is_none() {
        return false;
    }
    match v {
        Value::Null => !schema.types.contains(&JsonType::Null),
        Value::String(s) => s.is_empty() && !schema.types.contains(&JsonType::String),
        _ => false,
    }
}

/// Whether `remove_empty_values(v, schema, false)` gives `v` back unchanged (`v` itself kept).
fn clean_unchanged(schema: &Schema, v: &Value) -> bool {
    if schema.types.is_empty() && schema.enum_values.is_none() {
        return true;
    }
    match v {
        Value::Array(items) => schema
            .items
            .as_deref()
            .is_none_or(|is| !items.iter().any(|it| cleans_away_json(it, is))),
        Value::Object(m) => members_clean_unchanged(schema, m.iter().map(|(k, v)| (k.as_str(), v))),
        _ => true,
    }
}

/// [`clean_unchanged`] of an object given as its members, for a schema with types.
fn members_clean_unchanged<'v>(
    schema: &Schema,
    mut members: impl Iterator<Item = (&'v str, &'v Value)>,
) -> bool {
    let Some(props) = schema.properties.as_deref() else {
        return true;
    };
    let mut cursor = PropCursor::default();
    members.all(|(k, mv)| match cursor.index(props, k) {
        None => true,
        Some(i) => !cleans_away_json(mv, &props[i].1) && clean_unchanged(&props[i].1, mv),
    })
}

/// Whether [`ajv_validate`] leaves `v` unchanged (no coercion, no removal) and reports nothing.
fn ajv_unchanged(schema: &Schema, v: &Value) -> bool {
    if !schema.types.is_empty() && !schema.types.iter().any(|t| t.matches_json(v)) {
        return false;
    }
    if let Some(allowed) = &schema.enum_values {
        let listed = match v {
            // Most enums are of strings: compared as they are, without a copy.
            Value::String(s) => allowed.iter().any(|a| a.as_str() == Some(s)),
            _ => {
                let js = JsValue::from_json(v);
                allowed.iter().any(|a| js_deep_equal(&js, a))
            }
        };
        if !listed {
            return false;
        }
    }
    match v {
        Value::Number(n) => {
            let x = js::json_number_to_f64(n);
            !(x.is_finite()
                && (schema.minimum.is_some_and(|m| x < m) || schema.maximum.is_some_and(|m| x > m)))
        }
        Value::String(s) => {
            if schema.min_length.is_some() || schema.max_length.is_some() {
                let len = s.chars().count() as f64;
                if schema.min_length.is_some_and(|m| len < m)
                    || schema.max_length.is_some_and(|m| len > m)
                {
                    return false;
                }
            }
            schema.format.as_deref() != Some("date-like") || is_date_like(s)
        }
        Value::Array(items) => schema
            .items
            .as_deref()
            .is_none_or(|is| items.iter().all(|it| ajv_unchanged(is, it))),
        Value::Object(m) => {
            members_ajv_unchanged(schema, m.iter().map(|(k, v)| (k.as_str(), v)), |k| {
                m.contains_key(k)
            })
        }
        _ => true,
    }
}

/// The object part of [`ajv_unchanged`] for an object given as its members.
fn members_ajv_unchanged<'v>(
    schema: &Schema,
    mut members: impl Iterator<Item = (&'v str, &'v Value)>,
    has: impl Fn(&str) -> bool,
) -> bool {
    if !schema.required.iter().all(|r| has(r.as_str())) {
        return false;
    }
    let Some(props) = schema.properties.as_deref() else {
        return true;
    };
    let mut cursor = PropCursor::default();
    members.all(|(k, mv)| match cursor.index(props, k) {
        None => schema.additional_properties,
        Some(i) => ajv_unchanged(&props[i].1, mv),
    })
}

/// `validateSettings`: the same ajv validation of the destination settings (no
/// `removeEmptyValues`). Returns the settings as the actions see them (coerced, unknown keys
/// such as `subscriptions` removed).
pub fn validate_settings(fields: &Fields, settings: &Value) -> Result<Value, SchemaError> {
    let schema = fields.to_schema();
    let mut v = JsValue::from_json(settings);
    validate_schema(&schema, &mut v)?;
    Ok(v.to_json().unwrap_or(Value::Null))
}

/// `removeEmptyValues(obj, schema, isRoot)`; `Undefined` means "remove".
pub fn remove_empty_values(obj: JsValue, schema: &Schema, is_root: bool) -> JsValue {
    if schema.types.is_empty() && schema.enum_values.is_none() {
        return obj;
    }
    match obj {
        JsValue::Array(items) => {
            let Some(item_schema) = &schema.items else {
                return JsValue::Array(items);
            };
            // Items are only filtered, never replaced by their cleaned copies.
            let mut items = items;
            items.retain(|it| !cleans_to_undefined(it, item_schema));
            JsValue::Array(items)
        }
        JsValue::Object(obj) => {
            let Some(props) = schema.properties.as_deref() else {
                return JsValue::Object(obj);
            };
            let mut cursor = PropCursor::default();
            let mut out = JsObject::with_capacity(obj.len());
            for (k, v) in obj {
                let cleaned = match cursor.index(props, &k) {
                    Some(i) => remove_empty_values(v, &props[i].1, false),
                    None => v,
                };
                match cleaned {
                    JsValue::Undefined => {}
                    JsValue::String(s) if s.is_empty() && is_root => {}
                    // Keys come unique and in JavaScript order: no search needed.
                    other => out.push_new(k, other),
                }
            }
            JsValue::Object(out)
        }
        JsValue::Null if !schema.types.contains(&JsonType::Null) => JsValue::Undefined,
        JsValue::String(s) if s.is_empty() && !schema.types.contains(&JsonType::String) => {
            JsValue::Undefined
        }
        other => other,
    }
}

/// Whether `remove_empty_values(v, schema, false)` is `undefined` (without building the
/// cleaned copy).
fn cleans_to_undefined(v: &JsValue, schema: &Schema) -> bool {
    match v {
        JsValue::Undefined => true,
        _ if schema.types.is_empty() && schema.enum_values.is_none() => false,
        JsValue::Null => !schema.types.contains(&JsonType::Null),
        JsValue::String(s) => s.is_empty() && !schema.types.contains(&JsonType::String),
        _ => false,
    }
}

/// `validateSchema`: `arrifyFields`, then ajv (coercing and removing in place).
pub fn validate_schema(schema: &Schema, payload: &mut JsValue) -> Result<(), SchemaError> {
    if let (JsValue::Object(obj), Some(props)) = (&mut *payload, schema.properties.as_deref()) {
        let mut cursor = PropCursor::default();
        for (k, v) in obj.iter_mut() {
            if cursor
                .index(props, k)
                .is_some_and(|i| props[i].1.types == [JsonType::Array])
            {
                match v {
                    JsValue::Undefined | JsValue::Null | JsValue::Array(_) => {}
                    other => *other = JsValue::Array(vec![std::mem::take(other)]),
                }
            }
        }
    }
    let mut issues = Vec::new();
    let mut pointer = Vec::new();
    ajv_validate(schema, payload, &mut pointer, &mut issues);
    if issues.is_empty() {
        Ok(())
    } else {
        Err(SchemaError::from_issues(issues))
    }
}

fn issue(schema: &Schema, pointer: &[Seg<'_>], message: String) -> SchemaIssue {
    let pointer: Vec<String> = pointer.iter().map(|s| s.text()).collect();
    let ptr: String = pointer
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect();
    let preamble = match &schema.title {
        Some(t) if !t.is_empty() => t.clone(),
        _ if ptr.is_empty() => "the root value".to_string(),
        _ => format!("the value at {ptr}"),
    };
    let full = capitalize(&format!("{preamble} {message}")) + ".";
    SchemaIssue {
        message: full,
        path: json_path(&pointer),
        pointer: ptr,
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// `jsonPath` of ajv-human-errors: `$.a[0].b`, dots in keys escaped.
fn json_path(pointer: &[String]) -> String {
    let mut s = String::from("$");
    for seg in pointer {
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            s.push('[');
            s.push_str(seg);
            s.push(']');
        } else {
            s.push('.');
            s.push_str(&seg.replace('.', "\\."));
        }
    }
    s
}

fn humanize_list(items: &[String], conj: &str) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.clone(),
        [a, b] => format!("{a} {conj} {b}"),
        [init @ .., last] => format!("{}, {conj} {last}", init.join(", ")),
    }
}

/// `humanizeTypeOf`.
fn humanize_type_of(v: &JsValue) -> &'static str {
    match v {
        JsValue::Null => "null",
        JsValue::Array(_) => "an array",
        JsValue::Object(_) => "an object",
        JsValue::Undefined => "undefined",
        JsValue::Bool(_) => "a boolean",
        JsValue::Number(_) => "a number",
        JsValue::String(_) => "a string",
    }
}

fn ajv_validate<'s>(
    schema: &'s Schema,
    data: &mut JsValue,
    pointer: &mut Vec<Seg<'s>>,
    out: &mut Vec<SchemaIssue>,
) {
    // 1. Type, with coercion.
    if !schema.types.is_empty() && !schema.types.iter().any(|t| t.matches(data)) {
        match coerce(&schema.types, data) {
            Some(v) => *data = v,
            None => {
                let names: Vec<String> =
                    schema.types.iter().map(|t| t.name().to_string()).collect();
                let expected = humanize_list(&names, "or");
                // When it tried coercions, ajv reports the unwrapped element of a one-element
                // array.
                let tried = schema.types.iter().any(|t| *t != JsonType::Object);
                let reported = match &*data {
                    JsValue::Array(items) if tried && items.len() == 1 => &items[0],
                    other => other,
                };
                let msg = format!(
                    "must be {} {expected} but it was {}",
                    article(&expected),
                    humanize_type_of(reported)
                );
                out.push(issue(schema, pointer, msg));
                // ajv's generated code goes on with the unwrapped element (its `data` variable
                // was reassigned): a `format` or `enum` below reports on it too. Validation has
                // failed, so nothing else sees the value.
                if let JsValue::Array(items) = &*data
                    && tried
                    && items.len() == 1
                {
                    *data = items[0].clone();
                }
            }
        }
    }
    // 2. Keywords without a type: enum.
    if let Some(allowed) = &schema.enum_values
        && !allowed.iter().any(|a| js_deep_equal(data, a))
    {
        let list: Vec<String> = allowed.iter().map(js::stringify).collect();
        let msg = format!("must be one of: {}", humanize_list(&list, "or"));
        out.push(issue(schema, pointer, msg));
    }
    // 3. Type-specific keywords, each only for data of that type.
    match data {
        JsValue::Number(x) if x.is_finite() => {
            let x = *x;
            if let Some(min) = schema.minimum
                && x < min
            {
                let msg = format!(
                    "must be equal to or greater than {}",
                    js::number_to_string(min)
                );
                out.push(issue(schema, pointer, msg));
            }
            if let Some(max) = schema.maximum
                && x > max
            {
                let msg = format!(
                    "must be equal to or less than {}",
                    js::number_to_string(max)
                );
                out.push(issue(schema, pointer, msg));
            }
        }
        JsValue::String(s) => {
            // ajv checks code points (`ucs2length`); the human message reports the UTF-16
            // `length`.
            let lengths = || (s.chars().count() as f64, js::utf16::len(s) as f64);
            let (len, shown) = if schema.min_length.is_some() || schema.max_length.is_some() {
                lengths()
            } else {
                (0.0, 0.0)
            };
            if let Some(min) = schema.min_length
                && len < min
            {
                let msg = format!(
                    "must be {} {} or more but it was {} {}",
                    js::number_to_string(min),
                    plural("character", min),
                    js::number_to_string(shown),
                    plural("character", shown)
                );
                out.push(issue(schema, pointer, msg));
            }
            if let Some(max) = schema.max_length
                && len > max
            {
                let msg = format!(
                    "must be {} {} or fewer but it was {} {}",
                    js::number_to_string(max),
                    plural("character", max),
                    js::number_to_string(shown),
                    plural("character", shown)
                );
                out.push(issue(schema, pointer, msg));
            }
            if schema.format.as_deref() == Some("date-like") && !is_date_like(s) {
                out.push(issue(
                    schema,
                    pointer,
                    "must be a valid date-like string but it was not".to_string(),
                ));
            }
        }
        JsValue::Array(items) => {
            if let Some(item_schema) = &schema.items {
                for (i, item) in items.iter_mut().enumerate() {
                    pointer.push(Seg::Index(i));
                    ajv_validate(item_schema, item, pointer, out);
                    pointer.pop();
                }
            }
        }
        JsValue::Object(obj) => {
            for req in &schema.required {
                if obj.get(req).is_none_or(|v| matches!(v, JsValue::Undefined)) {
                    let msg = format!("is missing the required field '{req}'");
                    out.push(issue(schema, pointer, msg));
                }
            }
            if let Some(props) = &schema.properties {
                // Each member's property, found once; unknown members removed unless allowed.
                let mut cursor = PropCursor::default();
                let mut order: Vec<(usize, usize)> = Vec::with_capacity(obj.len());
                let mut member = 0;
                obj.retain(|k, v| {
                    let found = cursor.index(props, k);
                    if let Some(p) = found
                        && !matches!(v, JsValue::Undefined)
                    {
                        order.push((p, member));
                    }
                    let keep = found.is_some() || schema.additional_properties;
                    if keep {
                        member += 1;
                    }
                    keep
                });
                // ajv visits the properties in the schema's order.
                order.sort_unstable();
                let mut members: Vec<&mut JsValue> = obj.iter_mut().map(|(_, v)| v).collect();
                for (p, m) in order {
                    let (key, prop_schema) = &props[p];
                    pointer.push(Seg::Key(key));
                    ajv_validate(prop_schema, &mut *members[m], pointer, out);
                    pointer.pop();
                }
            }
        }
        _ => {}
    }
}

fn plural(word: &str, n: f64) -> String {
    if n == 1.0 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// ajv's `coerceData` with `coerceTypes: "array"`. `None`: no coercion applies.
fn coerce(types: &[JsonType], data: &JsValue) -> Option<JsValue> {
    let coercible: Vec<JsonType> = types
        .iter()
        .copied()
        .filter(|t| *t != JsonType::Object)
        .collect();
    if coercible.is_empty() {
        return None;
    }
    let mut cur = data;
    if let JsValue::Array(items) = data
        && items.len() == 1
    {
        cur = &items[0];
        if unwrapped_matches(types, cur) {
            return Some(cur.clone());
        }
    }
    for t in coercible {
        let out = match (t, cur) {
            (JsonType::String, JsValue::Number(_) | JsValue::Bool(_)) => {
                Some(JsValue::String(cur.to_js_string()))
            }
            (JsonType::String, JsValue::Null) => Some(JsValue::String(String::new())),
            (JsonType::Number | JsonType::Integer, JsValue::Bool(b)) => {
                Some(JsValue::Number(if *b { 1.0 } else { 0.0 }))
            }
            (JsonType::Number | JsonType::Integer, JsValue::Null) => Some(JsValue::Number(0.0)),
            (JsonType::Number, JsValue::String(s)) if !s.is_empty() => {
                js_string_to_number(s).map(JsValue::Number)
            }
            // `!(data % 1)`: integral, or infinite (`Infinity % 1` is NaN).
            (JsonType::Integer, JsValue::String(s)) if !s.is_empty() => js_string_to_number(s)
                .filter(|x| x.is_infinite() || x.fract() == 0.0)
                .map(JsValue::Number),
            (JsonType::Boolean, JsValue::String(s)) if s == "false" => Some(JsValue::Bool(false)),
            (JsonType::Boolean, JsValue::String(s)) if s == "true" => Some(JsValue::Bool(true)),
            (JsonType::Boolean, JsValue::Number(x)) if *x == 0.0 => Some(JsValue::Bool(false)),
            (JsonType::Boolean, JsValue::Number(x)) if *x == 1.0 => Some(JsValue::Bool(true)),
            (JsonType::Boolean, JsValue::Null) => Some(JsValue::Bool(false)),
            (JsonType::Null, JsValue::String(s)) if s.is_empty() => Some(JsValue::Null),
            (JsonType::Null, JsValue::Number(x)) if *x == 0.0 => Some(JsValue::Null),
            (JsonType::Null, JsValue::Bool(false)) => Some(JsValue::Null),
            (
                JsonType::Array,
                JsValue::String(_) | JsValue::Number(_) | JsValue::Bool(_) | JsValue::Null,
            ) => Some(JsValue::Array(vec![cur.clone()])),
            _ => None,
        };
        if out.is_some() {
            return out;
        }
    }
    None
}

/// [`coerce`] of a scalar JSON value for a property that states only types (so nothing is
/// checked after the coercion): the coerced value as the general path would hold it, or `None`
/// where that path has to decide (no coercion applies, the result is not finite, an array or
/// an object on either side).
fn coerce_plain(types: &[JsonType], v: &Value) -> Option<Value> {
    if types
        .iter()
        .any(|t| matches!(t, JsonType::Array | JsonType::Object | JsonType::Integer))
        || !(matches!(v, Value::String(_) | Value::Bool(_)) || json_type_bit(v) == JSON_NUMBER)
    {
        return None;
    }
    match coerce(types, &JsValue::from_json(v))? {
        JsValue::Number(x) if !x.is_finite() => None,
        c => c.into_json(),
    }
}

/// ajv's `checkDataTypes(types, data, strictNumbers, Correct)`, the test `coerceData` applies to
/// the element taken out of a one-element array. Right for one type; for several, ajv joins the
/// per-type tests with `&&` (the joining is built for the negated test), so `["x"]` is not
/// taken as a string for a `["string", "null"]` field: the coercions below then run on `"x"`
/// and, finding none, ajv reports a type error.
fn unwrapped_matches(types: &[JsonType], v: &JsValue) -> bool {
    if let [t] = types {
        return t.matches(v);
    }
    let mut rest: Vec<JsonType> = Vec::with_capacity(types.len());
    for t in types {
        if !rest.contains(t) {
            rest.push(*t);
        }
    }
    let mut cond = true;
    if rest.contains(&JsonType::Array) && rest.contains(&JsonType::Object) {
        // `typeof data != "object"`, or with no null type `!data || typeof data != "object"`.
        let not_object = !matches!(v, JsValue::Null | JsValue::Array(_) | JsValue::Object(_));
        cond = if rest.contains(&JsonType::Null) {
            not_object
        } else {
            !v.truthy() || not_object
        };
        rest.retain(|t| !matches!(t, JsonType::Null | JsonType::Array | JsonType::Object));
    }
    if rest.contains(&JsonType::Number) {
        rest.retain(|t| *t != JsonType::Integer);
    }
    cond && rest.iter().all(|t| t.matches(v))
}

/// `data == +data` for a non-empty string: the string's `Number()` value when it is a number
/// (not NaN).
fn js_string_to_number(s: &str) -> Option<f64> {
    let x = js_to_number(s);
    (!x.is_nan()).then_some(x)
}

pub use crate::engine::js::string_to_number as js_to_number;

/// `fast-deep-equal` between a (coerced) value and a schema constant.
fn js_deep_equal(a: &JsValue, b: &Value) -> bool {
    match (a, b) {
        (JsValue::Null, Value::Null) => true,
        (JsValue::Bool(x), Value::Bool(y)) => x == y,
        (JsValue::Number(x), Value::Number(n)) => *x == js::json_number_to_f64(n),
        (JsValue::String(x), Value::String(y)) => x == y,
        (JsValue::Array(xs), Value::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| js_deep_equal(x, y))
        }
        (JsValue::Object(xo), Value::Object(yo)) => {
            xo.len() == yo.len()
                && yo
                    .iter()
                    .all(|(k, y)| xo.get(k).is_some_and(|x| js_deep_equal(x, y)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_to_number_follows_javascript() {
        let cases: &[(&str, f64)] = &[
            ("10.5", 10.5),
            (" 2 ", 2.0),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("0x10", 16.0),
            ("-Infinity", f64::NEG_INFINITY),
            ("", 0.0),
        ];
        for (s, want) in cases {
            assert_eq!(js_to_number(s), *want, "for {s:?}");
        }
        for s in [
            "abc", "1e", "inf", "nan", "1_000", "--1", "0x", "+-1", "1 2",
        ] {
            assert!(js_to_number(s).is_nan(), "for {s:?}");
        }
    }

    #[test]
    fn humanizes_lists_like_ajv_human_errors() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(humanize_list(&l(&["a"]), "or"), "a");
        assert_eq!(humanize_list(&l(&["a", "b"]), "or"), "a or b");
        assert_eq!(humanize_list(&l(&["a", "b", "c"]), "or"), "a, b, or c");
        assert_eq!(
            json_path(&l(&["products", "0", "a.b"])),
            "$.products[0].a\\.b"
        );
    }
}
