//! Lint: triggers whose reference meaning differs from their natural reading. Each warning has
//! a span and one sentence saying what the reference will actually do.

use std::ops::Range;

use serde::Serialize;

use super::ast::{Condition, Expected, Field, Group, GroupOp, Node, Operator};
use super::lexer::{LexNote, TokenKind};
use super::parser::{ParseNote, parse_raw};

/// One warning: where, and what the reference will actually do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintWarning {
    /// Byte range in the trigger text.
    pub span: Range<usize>,
    pub message: String,
}

/// Lints a trigger text. (A trigger that does not parse gets its parse error from
/// [`super::parse`]; the warnings here still describe what was understood before it.)
pub fn lint(text: &str) -> Vec<LintWarning> {
    let parsed = parse_raw(text);
    let mut out = Vec::new();
    let mut w = |span: Range<usize>, message: String| out.push(LintWarning { span, message });
    for note in &parsed.notes {
        match note {
            ParseNote::Conditionals { seen, .. } => {
                let first = seen[0].0;
                if let Some((last, span)) = seen
                    .iter()
                    .rev()
                    .find(|(op, _)| *op != first)
                    .map(|(_, s)| (seen.last().map_or(first, |l| l.0), s.clone()))
                {
                    w(
                        span,
                        format!(
                            "'and' and 'or' are mixed without precedence: the reference combines \
                             every condition of this group with the last one, '{}'",
                            last.as_str()
                        ),
                    );
                }
            }
            ParseNote::Skipped(t) => match t.kind {
                TokenKind::Ident => {
                    let msg = match t.text.as_str() {
                        "AND" | "OR" => format!(
                            "'{}' is not a keyword (keywords are lower-case): the reference skips \
                             it and the group keeps its other 'and'/'or' (default 'and')",
                            t.text
                        ),
                        "not" | "NOT" => "'not' is not an operator: the reference skips it, so \
                                          the condition after it is not negated"
                            .to_string(),
                        "in" => "'in' is not supported by triggers".to_string(),
                        other
                            if other.starts_with('e')
                                && other[1..].chars().all(|c| c.is_ascii_digit())
                                && other.len() > 1 =>
                        {
                            format!(
                                "exponents are not supported: the reference reads the number before '{other}' and skips '{other}'"
                            )
                        }
                        other => format!(
                            "'{other}' is not a field (use type, event, name, userId, \
                             properties.…, traits.… or context.…): the reference skips it"
                        ),
                    };
                    w(t.span.clone(), msg);
                }
                TokenKind::String | TokenKind::Number | TokenKind::Null => w(
                    t.span.clone(),
                    format!("the reference skips {}: it belongs to no condition", t.text),
                ),
                TokenKind::ParenRight => w(
                    t.span.clone(),
                    "this ')' closes nothing: the reference skips it".into(),
                ),
                _ => {}
            },
            ParseNote::PrototypeField { span, name } => w(
                span.clone(),
                format!("'{name}' is not a field: the reference drops this condition"),
            ),
            ParseNote::NegationIgnored { span } => w(
                span.clone(),
                "'!' only negates contains(…) and match(…): the reference ignores it here".into(),
            ),
            ParseNote::FunctionDropped { span, field } => w(
                span.clone(),
                format!(
                    "contains/match on '{field}' is not supported: the reference drops this \
                     condition"
                ),
            ),
            ParseNote::FunctionEndsGroup { function, .. } => w(
                function.clone(),
                "a function call inside parentheses closes the group at its own ')': the rest \
                 of the group joins the outer level"
                    .into(),
            ),
            ParseNote::Lex(LexNote::QuoteReread { quote }) => w(
                *quote..*quote + 1,
                "this quote is not followed by a space, ',', ')' or ']': the reference also \
                 reads it as the start of a new string (there are no escapes in strings)"
                    .into(),
            ),
            ParseNote::Lex(LexNote::SwallowedAtEnd { span }) => w(
                span.clone(),
                "the reference drops the last character of this name at the end of the trigger"
                    .into(),
            ),
        }
    }
    dangling_conditionals(text, &mut out);
    if let Ok(root) = &parsed.root {
        group(root, text, &mut out);
    }
    out.sort_by_key(|w| (w.span.start, w.span.end));
    out.dedup();
    out
}

/// An `and`/`or` with no condition after it (at the end, before a `)` or another `and`/`or`):
/// the reference parses the trigger all the same, so a condition left half-typed goes unseen.
fn dangling_conditionals(text: &str, out: &mut Vec<LintWarning>) {
    let tokens = super::lexer::lex(text).tokens;
    for pair in tokens.windows(2) {
        let [t, next] = pair else { continue };
        if t.kind == TokenKind::Conditional
            && matches!(
                next.kind,
                TokenKind::Eos | TokenKind::ParenRight | TokenKind::Conditional
            )
        {
            out.push(LintWarning {
                span: t.span.clone(),
                message: format!(
                    "no condition follows this '{}': the reference ignores it (a condition \
                     left unfinished?)",
                    t.text
                ),
            });
        }
    }
}

fn group(g: &Group, text: &str, out: &mut Vec<LintWarning>) {
    for child in &g.children {
        match child {
            Node::Group(inner) => group(inner, text, out),
            Node::Condition(c) => condition(c, text, out),
            Node::Empty { span } => out.push(LintWarning {
                span: span.clone(),
                message: "these parentheses hold no condition: the reference keeps an empty slot \
                          and throws when evaluation reaches it"
                    .into(),
            }),
        }
    }
    if g.operator == GroupOp::Or && g.children.is_empty() {
        out.push(LintWarning {
            span: g.span.clone(),
            message: "an empty 'or' group never matches".into(),
        });
    }
}

fn condition(c: &Condition, text: &str, out: &mut Vec<LintWarning>) {
    let mut w = |span: Range<usize>, message: String| out.push(LintWarning { span, message });
    let value_src = text.get(c.value_span.clone()).unwrap_or("");
    let is_function = text
        .get(c.operator_span.clone())
        .is_some_and(|s| s == "!" || s == "contains" || s == "match");
    // Single quotes.
    if value_src.starts_with('\'') {
        w(
            c.value_span.clone(),
            format!(
                "single quotes stay part of the value: the reference compares with {value_src} \
                 including the quotes, which almost never matches"
            ),
        );
    }
    if is_function {
        if matches!(
            c.operator,
            Operator::StartsWith
                | Operator::NotStartsWith
                | Operator::EndsWith
                | Operator::NotEndsWith
        ) {
            let inner = value_src.trim_matches('"');
            let natural = (inner.ends_with('*') && !inner[..inner.len() - 1].contains('*'))
                || (inner.starts_with('*') && !inner[1..].contains('*'));
            if !natural || !value_src.starts_with('"') {
                let what = match &c.value {
                    Some(v) => v.display(),
                    None => String::new(),
                };
                let how = match c.operator {
                    Operator::StartsWith | Operator::NotStartsWith => "starts with",
                    _ => "ends with",
                };
                w(
                    c.value_span.clone(),
                    format!(
                        "match() is not a glob: the reference tests whether the value {how} \
                         {what} (only a trailing '*' or a leading '*' is understood)"
                    ),
                );
            }
        }
        return;
    }
    // Scalar fields ignore a dotted suffix.
    if !c.field.is_map() && c.field_text.contains('.') {
        w(
            c.field_span.clone(),
            format!(
                "the reference ignores everything after '{}' here: this tests {}",
                c.field.root(),
                c.field.root()
            ),
        );
    }
    if matches!(&c.field, Field::Property(n) | Field::Trait(n) | Field::Context(n) if n == c.field.root())
    {
        w(
            c.field_span.clone(),
            format!("'{0}' alone is read as the path {0}.{0}", c.field.root()),
        );
    }
    let op_src = text.get(c.operator_span.clone()).unwrap_or("");
    match &c.operator {
        Operator::Other(op) => w(
            c.operator_span.clone(),
            format!("'{op}' is not a comparison operator: this condition never matches"),
        ),
        Operator::Ne if matches!(c.value, Some(Expected::Bool(_))) => w(
            c.span.clone(),
            format!(
                "'!= {v}' compares text: it is true for every value except the string \"{v}\", \
                 even for the boolean {v}",
                v = value_src
            ),
        ),
        Operator::Eq | Operator::Ne if !c.field.is_map() && value_src == "null" => {
            w(
                c.span.clone(),
                format!(
                    "on '{}', '{op_src} null' compares with the text \"null\", not with a \
                     missing value",
                    c.field.root()
                ),
            );
        }
        Operator::Eq | Operator::Ne
            if !c.field.is_map()
                && matches!(c.field, Field::EventType | Field::Event | Field::Name)
                && (value_src == "true" || value_src == "false") =>
        {
            w(
                c.span.clone(),
                format!(
                    "on '{}', '{op_src} {value_src}' compares with the text \"{value_src}\"",
                    c.field.root()
                ),
            );
        }
        _ => {}
    }
    // Value tokens that are not values.
    let value_kind_odd = value_src.is_empty()
        || matches!(
            value_src,
            "=" | "!="
                | "<"
                | ">"
                | "<="
                | ">="
                | "and"
                | "or"
                | "("
                | ")"
                | ","
                | "."
                | "["
                | "]"
                | "!"
        );
    if value_kind_odd && !matches!(c.operator, Operator::Other(_)) && !c.operator.is_unary() {
        let shown = match &c.value {
            Some(v) => v.display(),
            None => String::new(),
        };
        w(
            c.value_span.clone(),
            format!("no value here: the reference compares with {shown}"),
        );
    }
    if value_src == "-" || value_src == "+" {
        w(
            c.value_span.clone(),
            "a sign alone is not a number: the reference reads NaN, which never matches".into(),
        );
    }
    if let Some(Expected::Num(n)) = &c.value
        && value_src.len() > 1
        && value_src.trim_start_matches(['+', '-']).starts_with('0')
        && !value_src.contains('.')
        && *n != 0.0
    {
        w(
            c.value_span.clone(),
            format!(
                "{value_src} is read as the number {}: leading zeros are dropped",
                crate::engine::js::number_to_string(*n)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (trigger, text that must be underlined, words the message must contain); `None` = clean.
    #[test]
    fn warnings_point_at_the_surprise() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("type = \"track\" and event = \"Order Completed\"", None),
            ("match(event, \"Order*\")", None),
            ("properties.price > 100 and properties.x != null", None),
            (
                "type = \"track\" and event = \"A\" or event = \"B\"",
                Some(("or", "last one, 'or'")),
            ),
            (
                "properties.flag != true",
                Some(("properties.flag != true", "even for the boolean true")),
            ),
            (
                "event = 'Order Completed'",
                Some(("'Order Completed'", "single quotes")),
            ),
            (
                "match(event, \"Order\")",
                Some(("\"Order\"", "ends with \"rder\"")),
            ),
            ("match(event, \"O*d\")", Some(("\"O*d\"", "not a glob"))),
            ("!(type = \"track\")", Some(("!", "ignores it"))),
            ("not type = \"track\"", Some(("not", "not negated"))),
            (
                "type = \"track\" OR type = \"identify\"",
                Some(("OR", "lower-case")),
            ),
            (
                "type = \"identify\" and (contains(event, \"A\") or event = \"B\")",
                Some(("contains(event, \"A\")", "joins the outer level")),
            ),
            (
                "contains(type, \"tr\") and event = \"x\"",
                Some(("contains(type, \"tr\")", "drops this condition")),
            ),
            (
                "foo = \"bar\" and type = \"track\"",
                Some(("foo", "not a field")),
            ),
            ("event = null", Some(("event = null", "text \"null\""))),
            (
                "userId.foo = \"a\"",
                Some(("userId.foo", "ignores everything after")),
            ),
            (
                "properties.x == \"a\"",
                Some(("\"a\"", "belongs to no condition")),
            ),
            ("properties.y <=5", Some(("=", "no value here"))),
            ("type = ", Some(("", "\"eos\""))),
            ("properties.zip = 02134", Some(("02134", "2134"))),
            ("properties.x > 1e3", Some(("e3", "exponents"))),
            ("event = \"a\\\"b\"", Some(("\"", "new string"))),
            ("type = \"track\" and ()", Some(("()", "throws"))),
            (
                "properties.a.0 = \"x\"",
                Some((".", "not a comparison operator")),
            ),
            (
                "type = \"track\" and",
                Some(("and", "no condition follows this 'and'")),
            ),
            (
                "(type = \"track\" or) and event = \"A\"",
                Some(("or", "no condition follows this 'or'")),
            ),
            (
                "type = \"track\" and and event = \"A\"",
                Some(("and", "no condition follows")),
            ),
        ];
        for (fql, want) in cases {
            let got = lint(fql);
            match want {
                None => assert!(got.is_empty(), "{fql:?}: {got:?}"),
                Some((under, words)) => {
                    assert!(
                        got.iter()
                            .any(|w| &fql[w.span.clone()] == *under && w.message.contains(words)),
                        "{fql:?}: wanted {under:?} / {words:?}, got {got:?}"
                    );
                }
            }
        }
    }
}
