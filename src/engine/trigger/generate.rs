//! `generateFql(ast)` (`generate-fql.ts`): AST → FQL text, as the Segment app writes it.

use super::ast::{Condition, Expected, Field, Group, Node, Operator};
use super::parser::TYPE_ERROR;
use crate::engine::js;

/// Why an AST cannot be written as FQL (the reference throws).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateError {
    pub message: String,
}

/// The reference's `generateFql`. Values are not escaped: a `"` inside a value produces text
/// that does not parse back (as in the reference). An empty slot left by `()` makes the
/// reference throw a `TypeError`.
pub fn generate_fql(root: &Group) -> Result<String, GenerateError> {
    let fql = group(root)?;
    let parens = fql.chars().filter(|c| *c == '(' || *c == ')').count();
    if fql.starts_with('(') && fql.ends_with(')') && parens == 2 {
        return Ok(fql[1..fql.len() - 1].to_string());
    }
    Ok(fql)
}

fn group(g: &Group) -> Result<String, GenerateError> {
    let mut parts = Vec::with_capacity(g.children.len());
    for child in &g.children {
        parts.push(match child {
            Node::Group(inner) => format!("({})", group(inner)?),
            Node::Condition(c) => condition(c),
            Node::Empty { .. } => {
                return Err(GenerateError {
                    message: TYPE_ERROR.into(),
                });
            }
        });
    }
    Ok(parts.join(&format!(" {} ", g.operator.as_str())))
}

/// `stringifyValue`: numbers and booleans bare, everything else in double quotes.
fn quoted(v: Option<&Expected>) -> String {
    match v {
        Some(Expected::Num(n)) => js::number_to_string(*n),
        Some(Expected::Bool(b)) => b.to_string(),
        Some(e) => format!("\"{}\"", e.js_string()),
        None => "\"undefined\"".into(),
    }
}

fn plain(v: Option<&Expected>) -> String {
    v.map_or_else(|| "undefined".into(), Expected::js_string)
}

fn number(v: Option<&Expected>) -> String {
    js::number_to_string(v.map_or(f64::NAN, Expected::js_number))
}

/// Escapes every character outside `[a-zA-Z0-9._-]` with a backslash.
pub fn escape_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            // JS regexes without the `u` flag see an astral character as two units, each
            // escaped on its own; a Rust string cannot split it, so it gets one backslash.
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn condition(c: &Condition) -> String {
    let name = match &c.field {
        Field::EventType => "type".to_string(),
        Field::Event => "event".to_string(),
        Field::Name => "name".to_string(),
        Field::UserId => "userId".to_string(),
        Field::Property(n) => format!("properties.{}", escape_path(n)),
        Field::Trait(n) => format!("traits.{}", escape_path(n)),
        Field::Context(n) => format!("context.{}", escape_path(n)),
    };
    let v = c.value.as_ref();
    match &c.operator {
        Operator::Contains => format!("contains({name}, {})", quoted(v)),
        Operator::NotContains => format!("!contains({name}, {})", quoted(v)),
        Operator::Exists => format!("{name} != null"),
        Operator::NotExists => format!("{name} = null"),
        Operator::IsTrue => format!("{name} = true"),
        Operator::IsFalse => format!("{name} = false"),
        Operator::StartsWith => format!("match({name}, \"{}*\")", plain(v)),
        Operator::NotStartsWith => format!("!match({name}, \"{}*\")", plain(v)),
        Operator::EndsWith => format!("match({name}, \"*{}\")", plain(v)),
        Operator::NotEndsWith => format!("!match({name}, \"*{}\")", plain(v)),
        op @ (Operator::Lt | Operator::Gt | Operator::Le | Operator::Ge) => {
            format!("{name} {} {}", op.as_str(), number(v))
        }
        Operator::NumberEquals => format!("{name} = {}", number(v)),
        Operator::NumberNotEquals => format!("{name} != {}", number(v)),
        op => format!("{name} {} {}", op.as_str(), quoted(v)),
    }
}
