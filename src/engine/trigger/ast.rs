//! The trigger AST (`types.ts` of `@segment/destination-subscriptions`), with byte spans, and
//! its conversion to the reference's JSON shape.

use std::ops::Range;

use serde_json::{Map, Value, json};

use crate::engine::js;

/// How the children of a group combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupOp {
    /// Every child must match (an empty group matches).
    And,
    /// One child must match (an empty group does not).
    Or,
}

impl GroupOp {
    /// The reference's operator text, `and` / `or`.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupOp::And => "and",
            GroupOp::Or => "or",
        }
    }
}

/// `{type: "group", operator, children}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub operator: GroupOp,
    pub children: Vec<Node>,
    /// Source bytes the group came from (for a parenthesised group: the parentheses included).
    pub span: Range<usize>,
}

/// A child of a group.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Group(Group),
    Condition(Condition),
    /// JavaScript `undefined`: what an empty or unusable `( … )` leaves in a group. The
    /// reference keeps it, and `validate` throws a `TypeError` when it reaches it.
    Empty {
        span: Range<usize>,
    },
}

impl Node {
    /// Where the node came from in the source.
    pub fn span(&self) -> Range<usize> {
        match self {
            Node::Group(g) => g.span.clone(),
            Node::Condition(c) => c.span.clone(),
            Node::Empty { span } => span.clone(),
        }
    }
}

/// What a condition reads from the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `type` → AST type `event-type`, reads `event.type`.
    EventType,
    /// `event` → `event.event`.
    Event,
    /// `name` → `event.name` (page/screen name).
    Name,
    /// `userId` → `event.userId`.
    UserId,
    /// `properties.<name>` → `event-property`, reads `get(event.properties, name)`.
    Property(String),
    /// `traits.<name>` → `event-trait`, reads the top-level `event.traits`.
    Trait(String),
    /// `context.<name>` → `event-context`, reads `event.context`.
    Context(String),
}

impl Field {
    /// The reference AST `type` of a condition on this field.
    pub fn ast_type(&self) -> &'static str {
        match self {
            Field::EventType => "event-type",
            Field::Event => "event",
            Field::Name => "name",
            Field::UserId => "userId",
            Field::Property(_) => "event-property",
            Field::Trait(_) => "event-trait",
            Field::Context(_) => "event-context",
        }
    }

    /// The `name` of map fields (`properties`/`traits`/`context`); `None` for the others.
    pub fn name(&self) -> Option<&str> {
        match self {
            Field::Property(n) | Field::Trait(n) | Field::Context(n) => Some(n),
            _ => None,
        }
    }

    /// The root keyword of the field (`type`, `event`, `name`, `userId`, `properties`,
    /// `traits`, `context`).
    pub fn root(&self) -> &'static str {
        match self {
            Field::EventType => "type",
            Field::Event => "event",
            Field::Name => "name",
            Field::UserId => "userId",
            Field::Property(_) => "properties",
            Field::Trait(_) => "traits",
            Field::Context(_) => "context",
        }
    }

    /// A readable path: `type`, `properties.a.b`, …
    pub fn display_path(&self) -> String {
        match self.name() {
            Some(n) => format!("{}.{n}", self.root()),
            None => self.root().to_string(),
        }
    }

    /// Is this one of the map fields whose values keep their JSON type?
    pub fn is_map(&self) -> bool {
        self.name().is_some()
    }
}

/// Condition operators. `Other` is any token text the reference stored verbatim as the
/// operator (`.`, `eos`, `(` …); such a condition never matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    NumberEquals,
    NumberNotEquals,
    Contains,
    NotContains,
    StartsWith,
    NotStartsWith,
    EndsWith,
    NotEndsWith,
    Exists,
    NotExists,
    IsTrue,
    IsFalse,
    Other(String),
}

impl Operator {
    /// Reads the reference's operator text.
    pub fn from_text(s: &str) -> Operator {
        match s {
            "=" => Operator::Eq,
            "!=" => Operator::Ne,
            "<" => Operator::Lt,
            "<=" => Operator::Le,
            ">" => Operator::Gt,
            ">=" => Operator::Ge,
            "number_equals" => Operator::NumberEquals,
            "number_not_equals" => Operator::NumberNotEquals,
            "contains" => Operator::Contains,
            "not_contains" => Operator::NotContains,
            "starts_with" => Operator::StartsWith,
            "not_starts_with" => Operator::NotStartsWith,
            "ends_with" => Operator::EndsWith,
            "not_ends_with" => Operator::NotEndsWith,
            "exists" => Operator::Exists,
            "not_exists" => Operator::NotExists,
            "is_true" => Operator::IsTrue,
            "is_false" => Operator::IsFalse,
            other => Operator::Other(other.to_string()),
        }
    }

    /// The reference's operator text.
    pub fn as_str(&self) -> &str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::NumberEquals => "number_equals",
            Operator::NumberNotEquals => "number_not_equals",
            Operator::Contains => "contains",
            Operator::NotContains => "not_contains",
            Operator::StartsWith => "starts_with",
            Operator::NotStartsWith => "not_starts_with",
            Operator::EndsWith => "ends_with",
            Operator::NotEndsWith => "not_ends_with",
            Operator::Exists => "exists",
            Operator::NotExists => "not_exists",
            Operator::IsTrue => "is_true",
            Operator::IsFalse => "is_false",
            Operator::Other(s) => s,
        }
    }

    /// Words for people: `is`, `is not`, `contains`, `is greater than`, …
    pub fn describe(&self) -> String {
        match self {
            Operator::Eq => "is (text)".into(),
            Operator::Ne => "is not (text)".into(),
            Operator::Lt => "is less than".into(),
            Operator::Le => "is less than or equal to".into(),
            Operator::Gt => "is greater than".into(),
            Operator::Ge => "is greater than or equal to".into(),
            Operator::NumberEquals => "equals (number)".into(),
            Operator::NumberNotEquals => "does not equal (number)".into(),
            Operator::Contains => "contains".into(),
            Operator::NotContains => "does not contain".into(),
            Operator::StartsWith => "starts with".into(),
            Operator::NotStartsWith => "does not start with".into(),
            Operator::EndsWith => "ends with".into(),
            Operator::NotEndsWith => "does not end with".into(),
            Operator::Exists => "exists".into(),
            Operator::NotExists => "does not exist".into(),
            Operator::IsTrue => "is true".into(),
            Operator::IsFalse => "is false".into(),
            Operator::Other(s) => format!("'{s}' (not an operator: never matches)"),
        }
    }

    /// Does this operator take no value (`exists`, `not_exists`, `is_true`, `is_false`)?
    pub fn is_unary(&self) -> bool {
        matches!(
            self,
            Operator::Exists | Operator::NotExists | Operator::IsTrue | Operator::IsFalse
        )
    }
}

/// A condition's expected value (`value` in the AST).
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Expected {
    /// JavaScript `String(value)`.
    pub fn js_string(&self) -> String {
        match self {
            Expected::Str(s) => s.clone(),
            Expected::Num(n) => js::number_to_string(*n),
            Expected::Bool(b) => b.to_string(),
        }
    }

    /// JavaScript `Number(value)`.
    pub fn js_number(&self) -> f64 {
        match self {
            Expected::Str(s) => to_number(s),
            Expected::Num(n) => *n,
            Expected::Bool(b) => f64::from(u8::from(*b)),
        }
    }

    /// The value as the reference's JSON AST shows it (`JSON.stringify` turns NaN into null).
    pub fn to_json(&self) -> Value {
        match self {
            Expected::Str(s) => Value::String(s.clone()),
            Expected::Num(n) => number_json(*n),
            Expected::Bool(b) => Value::Bool(*b),
        }
    }

    /// The value as FQL source would write it (for messages): strings quoted.
    pub fn display(&self) -> String {
        match self {
            // A lone surrogate shows as its escape.
            Expected::Str(s) if js::utf16::has_lone(s) => js::stringify(&Value::String(s.clone())),
            Expected::Str(s) => format!("\"{s}\""),
            Expected::Num(n) => js::number_to_string(*n),
            Expected::Bool(b) => b.to_string(),
        }
    }
}

/// A number as `JSON.parse(JSON.stringify(n))` would give it back to serde_json.
pub(crate) fn number_json(n: f64) -> Value {
    if !n.is_finite() {
        return Value::Null;
    }
    if n.fract() == 0.0 {
        if n.abs() < 9.0e18 {
            return json!(n as i64);
        }
        if n > 0.0 && n < 1.8e19 {
            return json!(n as u64);
        }
    }
    json!(n)
}

pub use crate::engine::js::string_to_number as to_number;

/// One comparison: `field operator value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: Field,
    pub operator: Operator,
    /// Absent for `exists`, `not_exists`, `is_true`, `is_false` (as in the reference).
    pub value: Option<Expected>,
    /// The whole condition in the source (field to value, or `!contains(` … `)`).
    pub span: Range<usize>,
    /// The field name as written, escapes resolved (`userId.foo`, `properties.a.b`).
    pub field_text: String,
    pub field_span: Range<usize>,
    /// The operator token (or the function name for `contains`/`match`).
    pub operator_span: Range<usize>,
    /// The value token.
    pub value_span: Range<usize>,
}

impl Condition {
    /// A condition built in code (the builder): spans are empty.
    pub fn new(field: Field, operator: Operator, value: Option<Expected>) -> Condition {
        let field_text = field.display_path();
        Condition {
            field,
            operator,
            value,
            span: 0..0,
            field_text,
            field_span: 0..0,
            operator_span: 0..0,
            value_span: 0..0,
        }
    }

    /// The reference JSON of this condition.
    pub fn to_reference_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), Value::String(self.field.ast_type().into()));
        if let Some(n) = self.field.name() {
            m.insert("name".into(), Value::String(n.into()));
        }
        m.insert(
            "operator".into(),
            Value::String(self.operator.as_str().into()),
        );
        if let Some(v) = &self.value {
            m.insert("value".into(), v.to_json());
        }
        Value::Object(m)
    }
}

impl Group {
    /// The reference JSON (`parseFql`'s result) of this group.
    pub fn to_reference_json(&self) -> Value {
        json!({
            "type": "group",
            "operator": self.operator.as_str(),
            "children": self.children.iter().map(Node::to_reference_json).collect::<Vec<_>>(),
        })
    }

    /// Every condition, depth first, in source order.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        fn walk<'a>(g: &'a Group, out: &mut Vec<&'a Condition>) {
            for c in &g.children {
                match c {
                    Node::Group(g) => walk(g, out),
                    Node::Condition(c) => out.push(c),
                    Node::Empty { .. } => {}
                }
            }
        }
        walk(self, &mut out);
        out
    }

    /// Equality of meaning: operators, fields, values and structure, spans ignored.
    pub fn same_meaning(&self, other: &Group) -> bool {
        self.to_reference_json() == other.to_reference_json()
    }
}

impl Node {
    /// The reference JSON of this node (`null` for [`Node::Empty`], as `JSON.stringify` writes
    /// `undefined` inside an array).
    pub fn to_reference_json(&self) -> Value {
        match self {
            Node::Group(g) => g.to_reference_json(),
            Node::Condition(c) => c.to_reference_json(),
            Node::Empty { .. } => Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_to_number() {
        for (s, want) in [
            ("", 0.0),
            (" 12 ", 12.0),
            ("0x10", 16.0),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("1e3", 1000.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("-.5", -0.5),
            ("\n\t7\u{A0}", 7.0),
        ] {
            assert_eq!(to_number(s), want, "{s:?}");
        }
        for s in [
            "abc", "1a", "0x", "-0x10", "e5", ".", "+-1", "1e", "infinity", "1_0",
        ] {
            assert!(to_number(s).is_nan(), "{s:?}");
        }
    }

    #[test]
    fn numbers_in_json_like_javascript() {
        assert_eq!(number_json(2134.0), json!(2134));
        assert_eq!(number_json(-0.0), json!(0));
        assert_eq!(number_json(1.5), json!(1.5));
        assert_eq!(number_json(f64::NAN), Value::Null);
        assert_eq!(number_json(f64::INFINITY), Value::Null);
    }
}
