//! A port of `parseFql` (`parse-fql.ts` of `@segment/destination-subscriptions` 3.37.0): the
//! normaliser and the flat, single-pass parser, with its quirks (no precedence, functions
//! ending groups early, tokens silently skipped), plus byte spans and notes for the linter.

use std::collections::VecDeque;
use std::ops::Range;

use super::ast::{Condition, Expected, Field, Group, GroupOp, Node, Operator, to_number};
use super::eval::OBJECT_PROTOTYPE;
use super::lexer::{LexNote, Token, TokenKind, lex};
use crate::engine::js;

/// The message of the `TypeError` the reference returns for most unparsable triggers.
pub const TYPE_ERROR: &str = "Cannot read properties of undefined (reading 'type')";

/// Why a trigger does not parse, in the reference's words and in ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawError {
    pub span: Range<usize>,
    pub message: String,
    /// `parseFql(text).error.message`.
    pub reference_message: String,
}

/// Things the parser did that a reader would not expect (for the linter).
#[derive(Debug, Clone, PartialEq)]
pub enum ParseNote {
    /// A token the parser skipped without using it.
    Skipped(Token),
    /// An identifier naming an `Object.prototype` member: it eats two tokens and adds nothing.
    PrototypeField { span: Range<usize>, name: String },
    /// `!` before something other than `contains`/`match`: ignored.
    NegationIgnored { span: Range<usize> },
    /// `contains`/`match` on a field the reference does not support: no condition.
    FunctionDropped { span: Range<usize>, field: String },
    /// A function call inside parentheses: its `)` closed the group.
    FunctionEndsGroup {
        group: Range<usize>,
        function: Range<usize>,
    },
    /// The `and`/`or` keywords of one group, in order.
    Conditionals {
        group: Range<usize>,
        seen: Vec<(GroupOp, Range<usize>)>,
    },
    /// The lexer's notes.
    Lex(LexNote),
}

/// What parsing produced: the root group or the error, and the notes either way.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub root: Result<Group, RawError>,
    pub notes: Vec<ParseNote>,
    /// The tokens after normalisation (empty after a lexer error).
    pub tokens: Vec<Token>,
}

/// Parses like `parseFql`, keeping spans and notes.
pub fn parse_raw(text: &str) -> Parsed {
    let lexed = lex(text);
    let mut notes: Vec<ParseNote> = lexed.notes.into_iter().map(ParseNote::Lex).collect();
    if let Some(e) = lexed.error {
        return Parsed {
            root: Err(RawError {
                span: e.span,
                message: e.message,
                reference_message: TYPE_ERROR.into(),
            }),
            notes,
            tokens: Vec::new(),
        };
    }
    let tokens = normalize(lexed.tokens);
    let mut queue: VecDeque<Token> = tokens.iter().cloned().collect();
    let mut p = Parser { notes: &mut notes };
    let whole = 0..text.len();
    let root = match p.parse(&mut queue, 0, whole.clone()) {
        Err(e) => Err(e),
        Ok(Some(Node::Group(g))) => Ok(g),
        Ok(Some(Node::Condition(c))) => Ok(Group {
            operator: GroupOp::And,
            children: vec![Node::Condition(c)],
            span: whole,
        }),
        Ok(Some(Node::Empty { span })) => Err(RawError {
            span,
            message: "these parentheses hold no condition the reference understands".into(),
            reference_message: TYPE_ERROR.into(),
        }),
        Ok(None) => Err(nothing_understood(text, &tokens)),
    };
    Parsed {
        root,
        notes,
        tokens,
    }
}

fn nothing_understood(text: &str, tokens: &[Token]) -> RawError {
    if tokens.iter().all(|t| t.kind == TokenKind::Eos) {
        return RawError {
            span: 0..text.len(),
            message: "the trigger is empty: write a condition such as type = \"track\"".into(),
            reference_message: TYPE_ERROR.into(),
        };
    }
    let unknown = tokens.iter().find(|t| t.kind == TokenKind::Ident);
    match unknown {
        Some(t) => RawError {
            span: t.span.clone(),
            message: format!(
                "'{}' is not a field the trigger language knows: use type, event, name, userId, \
                 properties.…, traits.… or context.…",
                t.text
            ),
            reference_message: TYPE_ERROR.into(),
        },
        None => RawError {
            span: 0..text.len(),
            message: "no condition here: write a condition such as type = \"track\"".into(),
            reference_message: TYPE_ERROR.into(),
        },
    }
}

/// Merges `ident . ident` into one dotted identifier, repeatedly.
fn normalize(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let cur = &tokens[i];
        let mergeable = cur.kind == TokenKind::Dot
            && out.last().is_some_and(|t| t.kind == TokenKind::Ident)
            && tokens
                .get(i + 1)
                .is_some_and(|t| t.kind == TokenKind::Ident);
        if mergeable {
            if let (Some(prev), Some(next)) = (out.last_mut(), tokens.get(i + 1)) {
                prev.text.push('.');
                prev.text.push_str(&next.text);
                prev.span.end = next.span.end;
            }
            i += 2;
        } else {
            out.push(cur.clone());
            i += 1;
        }
    }
    out
}

struct Parser<'n> {
    notes: &'n mut Vec<ParseNote>,
}

/// The reference's `getTokenValue`.
fn token_value(t: &Token) -> Expected {
    match t.kind {
        TokenKind::String => {
            let s = t.text.strip_prefix('"').unwrap_or(&t.text);
            let s = s.strip_suffix('"').unwrap_or(s);
            Expected::Str(s.to_string())
        }
        TokenKind::Number => Expected::Num(to_number(&t.text)),
        TokenKind::Ident if t.text == "true" => Expected::Bool(true),
        TokenKind::Ident if t.text == "false" => Expected::Bool(false),
        _ => Expected::Str(t.text.clone()),
    }
}

/// `String(getTokenValue(token))`.
fn token_string(t: &Token) -> String {
    match token_value(t) {
        Expected::Str(s) => s,
        Expected::Num(n) => js::number_to_string(n),
        Expected::Bool(b) => b.to_string(),
    }
}

fn missing(span: Range<usize>, message: String, reference: &str) -> RawError {
    RawError {
        span,
        message,
        reference_message: reference.into(),
    }
}

impl Parser<'_> {
    fn parse(
        &mut self,
        tokens: &mut VecDeque<Token>,
        depth: usize,
        span: Range<usize>,
    ) -> Result<Option<Node>, RawError> {
        let mut nodes: Vec<Node> = Vec::new();
        let mut operator = GroupOp::And;
        let mut seen: Vec<(GroupOp, Range<usize>)> = Vec::new();
        while let Some(token) = tokens.pop_front() {
            if token.kind == TokenKind::Eos {
                break;
            }
            match token.kind {
                TokenKind::Ident => {
                    let start = token.text.split('.').next().unwrap_or("");
                    let field_kind = match start {
                        "type" | "event" | "name" | "userId" | "properties" | "traits"
                        | "context" => Some(start),
                        s if OBJECT_PROTOTYPE.contains(&s) => None,
                        _ if token.text == "contains" || token.text == "match" => {
                            let name = token.text.clone();
                            self.function(&name, token.span.clone(), tokens, false, &mut nodes)?;
                            continue;
                        }
                        _ => {
                            self.notes.push(ParseNote::Skipped(token));
                            continue;
                        }
                    };
                    let op = tokens.pop_front().ok_or_else(|| {
                        missing(
                            token.span.clone(),
                            format!("expected an operator and a value after '{}'", token.text),
                            "Operator token is missing",
                        )
                    })?;
                    let val = tokens.pop_front().ok_or_else(|| {
                        missing(
                            token.span.start..op.span.end,
                            format!("expected an operator and a value after '{}'", token.text),
                            "Value token is missing",
                        )
                    })?;
                    match field_kind {
                        Some(kind) => {
                            nodes.push(Node::Condition(condition(kind, &token, &op, &val)))
                        }
                        None => self.notes.push(ParseNote::PrototypeField {
                            span: token.span.start..val.span.end,
                            name: start.to_string(),
                        }),
                    }
                }
                TokenKind::Operator if token.text == "!" => match tokens.front() {
                    None => {
                        return Err(missing(
                            token.span.clone(),
                            "'!' must be followed by contains(…) or match(…)".into(),
                            TYPE_ERROR,
                        ));
                    }
                    Some(next)
                        if next.kind == TokenKind::Ident
                            && (next.text == "contains" || next.text == "match") =>
                    {
                        let name = next.text.clone();
                        tokens.pop_front();
                        self.function(&name, token.span.clone(), tokens, true, &mut nodes)?;
                    }
                    Some(_) => self.notes.push(ParseNote::NegationIgnored {
                        span: token.span.clone(),
                    }),
                },
                TokenKind::ParenLeft => {
                    let mut inner: VecDeque<Token> = VecDeque::new();
                    let close = loop {
                        match tokens.pop_front() {
                            None => {
                                let message = if depth > 0 {
                                    "nested parentheses are not supported: the reference allows \
                                     only one level of ( … )"
                                } else {
                                    "this '(' is never closed"
                                };
                                return Err(missing(
                                    token.span.clone(),
                                    message.into(),
                                    TYPE_ERROR,
                                ));
                            }
                            Some(t) if t.kind == TokenKind::ParenRight => break t,
                            Some(t) => inner.push_back(t),
                        }
                    };
                    let group_span = token.span.start..close.span.end;
                    if let Some(f) = inner
                        .iter()
                        .position(|t| t.kind == TokenKind::ParenLeft)
                        .and_then(|i| i.checked_sub(1).and_then(|j| inner.get(j)))
                        .filter(|t| t.text == "contains" || t.text == "match")
                    {
                        self.notes.push(ParseNote::FunctionEndsGroup {
                            group: group_span.clone(),
                            function: f.span.start..close.span.end,
                        });
                    }
                    inner.push_back(Token {
                        kind: TokenKind::Eos,
                        text: "eos".into(),
                        span: close.span.clone(),
                    });
                    match self.parse(&mut inner, depth + 1, group_span.clone())? {
                        Some(n) => nodes.push(n),
                        None => nodes.push(Node::Empty { span: group_span }),
                    }
                }
                TokenKind::Conditional => {
                    let op = if token.text == "or" {
                        GroupOp::Or
                    } else {
                        GroupOp::And
                    };
                    operator = op;
                    seen.push((op, token.span.clone()));
                }
                _ => self.notes.push(ParseNote::Skipped(token)),
            }
        }
        if !seen.is_empty() {
            self.notes.push(ParseNote::Conditionals {
                group: span.clone(),
                seen,
            });
        }
        Ok(match nodes.len() {
            0 => None,
            1 => nodes.pop(),
            _ => Some(Node::Group(Group {
                operator,
                children: nodes,
                span,
            })),
        })
    }

    /// `parseFqlFunction`: positions only, no checks.
    fn function(
        &mut self,
        name: &str,
        start: Range<usize>,
        tokens: &mut VecDeque<Token>,
        negate: bool,
        nodes: &mut Vec<Node>,
    ) -> Result<(), RawError> {
        let open = tokens.pop_front();
        let mut end = open.as_ref().map_or(start.end, |t| t.span.end);
        let arg_error = |end: usize, nth: &str| {
            missing(
                start.start..end,
                format!("{name}() needs two arguments: {name}(field, \"text\")"),
                &format!("{name}() is missing a {nth} argument"),
            )
        };
        let field = tokens.pop_front().ok_or_else(|| arg_error(end, "1st"))?;
        end = field.span.end;
        if let Some(comma) = tokens.pop_front() {
            end = comma.span.end;
        }
        let value = tokens.pop_front().ok_or_else(|| arg_error(end, "2nd"))?;
        end = value.span.end;
        if let Some(close) = tokens.pop_front() {
            end = close.span.end;
        }
        let pick = |yes: Operator, no: Operator| if negate { no } else { yes };
        let (operator, expected) = if name == "contains" {
            let op = pick(Operator::Contains, Operator::NotContains);
            (op, Expected::Str(token_string(&value)))
        } else if value.text.ends_with("*\"") {
            let mut s = token_string(&value);
            s.pop();
            let op = pick(Operator::StartsWith, Operator::NotStartsWith);
            (op, Expected::Str(s))
        } else {
            let s = token_string(&value);
            let mut chars = s.chars();
            let first = chars.next();
            let rest = chars.as_str().to_string();
            // The reference drops the first UTF-16 unit: of a character outside the BMP, its
            // low surrogate stays.
            let expected = match first {
                Some(c) if js::utf16::char_len(c) == 2 => {
                    let mut units = [0u16; 2];
                    let low = js::utf16::char_units(c, &mut units)[1];
                    Expected::Str(format!("{}{rest}", js::utf16::lone(low)))
                }
                _ => Expected::Str(rest),
            };
            let op = pick(Operator::EndsWith, Operator::NotEndsWith);
            (op, expected)
        };
        let f = field.text.as_str();
        let target = match f {
            "event" => Some(Field::Event),
            "name" => Some(Field::Name),
            "userId" => Some(Field::UserId),
            _ if f.starts_with("properties") => Some(Field::Property(
                f.strip_prefix("properties.").unwrap_or(f).to_string(),
            )),
            _ if f.starts_with("traits") => Some(Field::Trait(
                f.strip_prefix("traits.").unwrap_or(f).to_string(),
            )),
            _ if f.starts_with("context") => Some(Field::Context(
                f.strip_prefix("context.").unwrap_or(f).to_string(),
            )),
            _ => None,
        };
        match target {
            Some(field_kind) => nodes.push(Node::Condition(Condition {
                field: field_kind,
                operator,
                value: Some(expected),
                span: start.start..end,
                field_text: field.text.clone(),
                field_span: field.span.clone(),
                operator_span: start,
                value_span: value.span.clone(),
            })),
            None => self.notes.push(ParseNote::FunctionDropped {
                span: start.start..end,
                field: field.text.clone(),
            }),
        }
        Ok(())
    }
}

/// Builds the condition for `<field> <op-token> <value-token>` (the reference's table).
fn condition(kind: &str, field: &Token, op: &Token, val: &Token) -> Condition {
    let o = op.text.as_str();
    let v = val.text.as_str();
    let is_true = o == "=" && v == "true";
    let is_false = o == "=" && v == "false";
    let exists = o == "!=" && v == "null";
    let not_exists = o == "=" && v == "null";
    let num_eq = o == "=" && val.kind == TokenKind::Number;
    let num_ne = o == "!=" && val.kind == TokenKind::Number;
    let raw_string = || {
        (
            Operator::from_text(o),
            Some(Expected::Str(token_string(val))),
        )
    };
    let strip = |prefix: &str| {
        field
            .text
            .strip_prefix(prefix)
            .and_then(|s| s.strip_prefix('.'))
            .unwrap_or(&field.text)
            .to_string()
    };
    // The unary forms, first match wins: `!= null`, `= null`, `= true`, `= false`.
    let unary = if exists {
        Some(Operator::Exists)
    } else if not_exists {
        Some(Operator::NotExists)
    } else if is_true {
        Some(Operator::IsTrue)
    } else if is_false {
        Some(Operator::IsFalse)
    } else {
        None
    };
    // `name` only knows exists / not_exists; `type` and `event` none of them.
    let unary_for_name = unary
        .clone()
        .filter(|u| matches!(u, Operator::Exists | Operator::NotExists));
    let (f, (operator, value)) = match kind {
        "type" => (Field::EventType, raw_string()),
        "event" => (Field::Event, raw_string()),
        "name" => (
            Field::Name,
            unary_for_name.map_or_else(raw_string, |u| (u, None)),
        ),
        "userId" => (Field::UserId, unary.map_or_else(raw_string, |u| (u, None))),
        _ => {
            let f = match kind {
                "properties" => Field::Property(strip("properties")),
                "traits" => Field::Trait(strip("traits")),
                _ => Field::Context(strip("context")),
            };
            let typed = Some(token_value(val));
            let ov = if let Some(u) = unary {
                (u, None)
            } else if num_eq {
                (Operator::NumberEquals, typed)
            } else if num_ne {
                (Operator::NumberNotEquals, typed)
            } else {
                (Operator::from_text(o), typed)
            };
            (f, ov)
        }
    };
    Condition {
        field: f,
        operator,
        value,
        span: field.span.start..val.span.end,
        field_text: field.text.clone(),
        field_span: field.span.clone(),
        operator_span: op.span.clone(),
        value_span: val.span.clone(),
    }
}
