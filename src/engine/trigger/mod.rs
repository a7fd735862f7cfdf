//! The trigger language: FQL subscriptions exactly as `@segment/destination-subscriptions`
//! 3.37.0 (with `@segment/fql-ts` 1.10.1) reads and evaluates them, quirks included (no
//! operator precedence, `match()` as a prefix/suffix test, single quotes kept in the value,
//! `!= true` comparing text, one level of parentheses…).
//!
//! Parse once with [`parse`], then evaluate many events with [`Fql::matches`] (allocation-free
//! for ordinary triggers). [`Fql::explain`] says why an event matched, [`lint`] flags triggers
//! whose reference meaning differs from their natural reading, [`generate_fql`] writes an AST
//! back as the Segment app does, and [`builder`] models the app's trigger builder.

pub mod ast;
pub mod builder;
mod eval;
pub mod explain;
mod generate;
pub mod lexer;
pub mod lint;
pub mod parser;

use std::ops::Range;

use serde_json::Value;

pub use ast::{Condition, Expected, Field, Group, GroupOp, Node, Operator};
pub use eval::{Actual, EvalError};
pub use explain::Explanation;
pub use generate::{GenerateError, escape_path};
pub use lint::{LintWarning, lint};

/// A parsed trigger: the reference AST (always a group at the root) plus its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Fql {
    pub root: Group,
    pub text: String,
}

/// Why a trigger does not parse: where, in words for people, and what the reference says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte range in the trigger text.
    pub span: Range<usize>,
    /// 1-based line and column (in characters) of the span's start.
    pub line: usize,
    pub column: usize,
    /// A sentence for people, e.g. "put a space between 'properties.x' and '>'".
    pub message: String,
    /// `parseFql(text).error.message`, e.g. "Cannot read properties of undefined (reading
    /// 'type')".
    pub reference_message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl ParseError {
    /// The error with the offending line and a caret under the span, e.g.
    ///
    /// ```text
    /// error: put a space between 'properties.x' and '>' (line 1, column 13)
    ///   properties.x>5
    ///               ^
    /// ```
    pub fn render(&self, text: &str) -> String {
        format!("error: {self}\n{}", caret(text, &self.span))
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_column(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The line holding `span.start` and a row of carets under the span (clipped to that line).
pub fn caret(text: &str, span: &Range<usize>) -> String {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let pad: String = text[line_start..start]
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let end = span.end.clamp(start, line_end);
    let width = text[start..end].chars().count().max(1);
    format!(
        "  {}\n  {pad}{}",
        line.replace('\r', " "),
        "^".repeat(width)
    )
}

/// Parses a trigger like `parseFql`. An error is what the reference reports as `{error}`
/// (the framework then rejects the subscription: "Invalid subscription : …").
pub fn parse(text: &str) -> Result<Fql, Vec<ParseError>> {
    let parsed = parser::parse_raw(text);
    match parsed.root {
        Ok(root) => Ok(Fql {
            root,
            text: text.to_string(),
        }),
        Err(e) => {
            let (line, column) = line_column(text, e.span.start);
            Err(vec![ParseError {
                span: e.span,
                line,
                column,
                message: e.message,
                reference_message: e.reference_message,
            }])
        }
    }
}

impl Fql {
    /// Does the event match? (`validate(ast, event)`; an event on which the reference throws
    /// does not match — see [`Fql::evaluate`].)
    pub fn matches(&self, event: &Value) -> bool {
        self.evaluate(event).unwrap_or(false)
    }

    /// `validate(ast, event)`, including the rare cases where the reference throws (an empty
    /// `()` group reached, a path such as `properties.\.` with no segment, a `null` event).
    pub fn evaluate(&self, event: &Value) -> Result<bool, EvalError> {
        if let Some(matched) = eval::eval_plain(&self.root, event) {
            return Ok(matched);
        }
        eval::eval_group(&self.root, event)
    }

    /// The reference JSON AST (`parseFql`'s result), e.g.
    /// `{"type":"group","operator":"and","children":[{"type":"event-type",…}]}`.
    pub fn to_reference_json(&self) -> Value {
        self.root.to_reference_json()
    }

    /// Explains the evaluation of one event, condition by condition.
    pub fn explain(&self, event: &Value) -> Explanation {
        explain::explain(self, event)
    }

    /// Builds a trigger from an AST (e.g. the builder's); `text` is what [`generate_fql`]
    /// writes for it, when it can.
    pub fn from_group(root: Group) -> Fql {
        let text = generate::generate_fql(&root).unwrap_or_default();
        Fql { root, text }
    }
}

/// The reference's `generateFql` for a parsed trigger. Fails only where the reference throws
/// (an empty `()` slot in the AST).
pub fn generate_fql(fql: &Fql) -> Result<String, GenerateError> {
    generate::generate_fql(&fql.root)
}

/// `generateFql` for a bare group.
pub fn generate_group(root: &Group) -> Result<String, GenerateError> {
    generate::generate_fql(root)
}

/// `validate(parseFql(text) or its error, event)`, exactly: an unparsable trigger or an
/// absent event is `false`.
pub fn validate(
    parsed: &Result<Fql, Vec<ParseError>>,
    event: Option<&Value>,
) -> Result<bool, EvalError> {
    match (parsed, event) {
        (Ok(fql), Some(e)) => fql.evaluate(e),
        _ => Ok(false),
    }
}

/// What the Actions framework (`onSubscription`) does with a subscription's trigger for one
/// event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameworkOutcome {
    /// The trigger matched: the mapping and the action run.
    Matched,
    /// The trigger did not match: nothing is sent ("not subscribed").
    NotSubscribed,
    /// The framework rejects the trigger itself; nothing is sent. Carries its message:
    /// `Failed to validate subscription` (empty trigger) or `Invalid subscription : …`.
    Invalid(String),
    /// `validate` threw: the subscription fails with this error message.
    Error(String),
}

/// The framework's handling of `subscribe` for `event`.
pub fn framework_outcome(subscribe: &str, event: &Value) -> FrameworkOutcome {
    if subscribe.is_empty() {
        return FrameworkOutcome::Invalid("Failed to validate subscription".into());
    }
    match parse(subscribe) {
        Err(errors) => FrameworkOutcome::Invalid(format!(
            "Invalid subscription : {}",
            errors
                .first()
                .map_or(parser::TYPE_ERROR, |e| e.reference_message.as_str())
        )),
        Ok(fql) => match fql.evaluate(event) {
            Ok(true) => FrameworkOutcome::Matched,
            Ok(false) => FrameworkOutcome::NotSubscribed,
            Err(e) => FrameworkOutcome::Error(e.message),
        },
    }
}

/// The reference JSON of `parseFql(text)`: the AST, or `{"error": message}`.
pub fn reference_json(text: &str) -> Value {
    match parse(text) {
        Ok(f) => f.to_reference_json(),
        Err(e) => serde_json::json!({
            "error": e.first().map_or(parser::TYPE_ERROR, |e| e.reference_message.as_str())
        }),
    }
}
