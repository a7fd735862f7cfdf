//! `@liquid`: the LiquidJS (10.x) engine as Segment configures it (`liquid-directive.ts`).
//!
//! No Liquid crate is used: the maintained one (`liquid` 0.26) pulls a C/assembly build step
//! (`psm` through `pest`'s stack guard), needs a newer compiler than this project for one of
//! its crates, and differs from LiquidJS in truthiness, number printing and errors, which we
//! would have to undo anyway. This is a small LiquidJS-compatible subset instead:
//!
//! * output `{{ expr | filter: arg, … }}` with whitespace control (`{{-`, `-}}`);
//! * tags `if`/`elsif`/`else`, `unless`, `assign`, `capture`, `comment`, `raw`, `echo`, `#`;
//! * the common string, math and array filters, with LiquidJS semantics (JS number printing,
//!   `+x || 0` arithmetic, Ruby-like `split`, `round` half away from zero);
//! * the date filters (`date` with LiquidJS' own `strftime`, `date_to_xmlschema`, …) as they
//!   run in a UTC process (`liquid/date.rs`); hashing, Base64, URI escapes, `slugify`, `sum`,
//!   `where` and the array copies (`liquid/extra.rs`);
//! * quoted strings with LiquidJS' escapes (`\n`, `\u00e9`, octal), skipped whole when looking
//!   for the `}}` that closes an output;
//! * comparisons with the `nil`, `empty` and `blank` drops, and operators in outputs and
//!   assigns (`{{ a > 1 }}`);
//! * Segment's disabled tags and filters fail exactly as in the reference
//!   (`tag "for" is disabled, line:1, col:1`), unknown tags too (`tag "x" not found`), and
//!   filters LiquidJS does not know are ignored as LiquidJS ignores them.
//!
//! Everything else LiquidJS has (other tags, `sample`, ranges, `empty`/`blank` compared by
//! filters or put in arrays, named filter arguments, object identity comparison, expressions LiquidJS reads
//! leniently such as `{{ a > }}`, …) fails with an "unsupported in Ampscope" error rather than
//! a possibly wrong answer. There are no loops (`for` and `tablerow` are disabled), so
//! rendering time is linear in the template, which is
//! at most 1000 characters; that is Segment's `renderLimit`/`parseLimit` in effect.

mod date;
pub use date::with_clock;
mod extra;
mod slug_chars;
mod tz;
mod tz_data;

use std::cell::Cell;
use std::collections::HashMap;

use serde_json::Value;

use super::MappingError;
use super::path::{Got, Payload, property};
use super::value::JsValue;
use crate::engine::js;

/// Longest template the reference accepts.
pub const MAX_TEMPLATE_LENGTH: usize = 1000;

const DISABLED_TAGS: &[&str] = &["case", "for", "include", "layout", "render", "tablerow"];
const DISABLED_FILTERS: &[&str] = &[
    "array_to_sentence_string",
    "concat",
    "find",
    "find_exp",
    "find_index",
    "find_index_exp",
    "group_by",
    "group_by_exp",
    "has",
    "has_exp",
    "map",
    "newline_to_br",
    "reject",
    "reject_exp",
    "reverse",
    "sort",
    "sort_natural",
    "uniq",
    "where_exp",
    "type",
];
/// Tags LiquidJS has that are not reproduced here.
const OTHER_TAGS: &[&str] = &[
    "decrement",
    "increment",
    "cycle",
    "block",
    "break",
    "continue",
    "liquid",
];
/// Every filter LiquidJS 10 registers; a filter outside this list is ignored by LiquidJS.
const LIQUIDJS_FILTERS: &[&str] = &[
    "escape",
    "xml_escape",
    "escape_once",
    "newline_to_br",
    "strip_html",
    "abs",
    "at_least",
    "at_most",
    "ceil",
    "divided_by",
    "floor",
    "minus",
    "plus",
    "modulo",
    "times",
    "round",
    "url_decode",
    "url_encode",
    "cgi_escape",
    "uri_escape",
    "slugify",
    "join",
    "last",
    "first",
    "reverse",
    "sort",
    "sort_natural",
    "size",
    "map",
    "sum",
    "compact",
    "concat",
    "push",
    "unshift",
    "pop",
    "shift",
    "slice",
    "where",
    "reject",
    "where_exp",
    "reject_exp",
    "group_by",
    "group_by_exp",
    "has",
    "has_exp",
    "find_index",
    "find_index_exp",
    "find",
    "find_exp",
    "uniq",
    "sample",
    "date",
    "date_to_xmlschema",
    "date_to_rfc822",
    "date_to_string",
    "date_to_long_string",
    "append",
    "prepend",
    "lstrip",
    "downcase",
    "upcase",
    "remove",
    "remove_first",
    "remove_last",
    "rstrip",
    "split",
    "strip",
    "strip_newlines",
    "squish",
    "capitalize",
    "replace",
    "replace_first",
    "replace_last",
    "truncate",
    "truncatewords",
    "normalize_whitespace",
    "number_of_words",
    "array_to_sentence_string",
    "base64_encode",
    "base64_decode",
    "sha256",
    "hmac_sha256",
    "default",
    "raw",
    "jsonify",
    "to_integer",
    "json",
    "inspect",
];

fn unsupported(what: impl std::fmt::Display) -> MappingError {
    MappingError::Unsupported(format!("@liquid: {what} is unsupported in Ampscope"))
}

/// Renders a `@liquid` template against `payload` (`evaluateLiquid`).
pub fn evaluate(opts: &Value, payload: Payload<'_>) -> Result<String, MappingError> {
    let Value::String(template) = opts else {
        return Err(MappingError::Runtime(
            "liquid template value must be a string".to_string(),
        ));
    };
    if template.is_empty() {
        return Ok(String::new());
    }
    if js::utf16::len(template) > MAX_TEMPLATE_LENGTH {
        return Err(MappingError::Runtime(
            "liquid template values are limited to 1000 characters".to_string(),
        ));
    }
    let tokens = lex(template)?;
    let mut parser = Parser {
        src: template,
        tokens,
        i: 0,
    };
    let nodes = parser.block(&[])?.0;
    let mut r = Renderer {
        src: template,
        payload,
        locals: HashMap::new(),
        nil_locals: Vec::new(),
        memory: Memory::default(),
    };
    let mut out = String::new();
    r.render(&nodes, &mut out)?;
    Ok(out)
}

/// `, line:L, col:C` of a byte offset.
fn position(src: &str, pos: usize) -> String {
    let before = &src[..pos];
    let line = before.matches('\n').count() + 1;
    // Columns count UTF-16 units, as LiquidJS indexes its input.
    let col = before.rsplit('\n').next().map_or(0, js::utf16::len) + 1;
    format!("line:{line}, col:{col}")
}

/// LiquidJS' `snapshot`: the text as JSON, cut to 29 UTF-16 units and `...` when it is longer
/// than 32.
fn snapshot(rest: &str) -> String {
    let units: Vec<u16> = js::utf16::units(rest).collect();
    let text = if units.len() > 32 {
        js::utf16::from_units(&units[..29]) + "..."
    } else {
        rest.to_string()
    };
    let mut out = String::new();
    js::write_json_string(&mut out, &text);
    out
}

fn liquid_error(src: &str, pos: usize, msg: &str) -> MappingError {
    MappingError::Liquid(format!("{msg}, {}", position(src, pos)))
}

#[derive(Debug)]
enum Tok<'t> {
    Text(String),
    Output {
        inner: &'t str,
        pos: usize,
    },
    Tag {
        name: &'t str,
        args: &'t str,
        pos: usize,
        raw: &'t str,
    },
}

fn lex(src: &str) -> Result<Vec<Tok<'_>>, MappingError> {
    let mut toks = Vec::new();
    let mut i = 0;
    let mut trim_next = false;
    while i < src.len() {
        let next = [src[i..].find("{{"), src[i..].find("{%")]
            .into_iter()
            .flatten()
            .min()
            .map(|p| p + i);
        let end_text = next.unwrap_or(src.len());
        let mut text = &src[i..end_text];
        if trim_next {
            text = text.trim_start_matches(is_liquid_blank);
            trim_next = false;
        }
        let Some(open) = next else {
            toks.push(Tok::Text(text.to_string()));
            break;
        };
        let is_output = src[open..].starts_with("{{");
        let close_pat = if is_output { "}}" } else { "%}" };
        let found = if is_output {
            output_end(&src[open + 2..])
        } else {
            src[open + 2..].find(close_pat)
        };
        let Some(close_rel) = found else {
            let kind = if is_output { "output" } else { "tag" };
            return Err(liquid_error(
                src,
                open,
                &format!("{kind} {} not closed", snapshot(&src[open..])),
            ));
        };
        let close = open + 2 + close_rel;
        let mut inner = &src[open + 2..close];
        if let Some(rest) = inner.strip_prefix('-') {
            inner = rest;
            text = text.trim_end_matches(is_liquid_blank);
        }
        if let Some(rest) = inner.strip_suffix('-') {
            inner = rest;
            trim_next = true;
        }
        if !text.is_empty() {
            toks.push(Tok::Text(text.to_string()));
        }
        i = close + 2;
        if is_output {
            toks.push(Tok::Output { inner, pos: open });
            continue;
        }
        let trimmed = inner.trim_matches(is_liquid_blank);
        // LiquidJS reads `#` or an identifier as the tag's name; the rest are its arguments.
        let name_len = if trimmed.starts_with('#') {
            1
        } else {
            trimmed
                .find(|c: char| !is_ident_char(c))
                .unwrap_or(trimmed.len())
        };
        let (name, args) = trimmed.split_at(name_len);
        if name == "raw" {
            // Everything up to `{% endraw %}` is text.
            let Some((body, after)) = find_endraw(&src[i..]) else {
                return Err(liquid_error(
                    src,
                    open,
                    &format!("tag {{%{inner}%}} not closed"),
                ));
            };
            toks.push(Tok::Text(src[i..i + body].to_string()));
            i += after;
            continue;
        }
        toks.push(Tok::Tag {
            name,
            args: args.trim_matches(is_liquid_blank),
            pos: open,
            raw: &src[open..close + 2],
        });
    }
    Ok(toks)
}

/// Where `}}` closes an output whose text starts `inner`: LiquidJS skips quoted strings (with
/// backslash escapes) on the way, so `{{ "}}" }}` is one output. Tags do not get this.
fn output_end(inner: &str) -> Option<usize> {
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                let mut escaped = false;
                i += 1;
                while i < b.len() && (b[i] != q || escaped) {
                    escaped = !escaped && b[i] == b'\\';
                    i += 1;
                }
                // An unclosed quote runs to the end: the output is not closed.
                i += 1;
            }
            b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// LiquidJS' blank characters (its `BLANK` class): ASCII white space and the Unicode space
/// separators, U+180E included; not U+0085 or U+FEFF, which are word characters to it.
fn is_liquid_blank(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0b}'
            | '\u{0c}'
            | '\r'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{180e}'
            | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Finds `{% endraw %}` (with optional `-`): (length of the raw body, offset after the tag).
fn find_endraw(s: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(rel) = s[from..].find("{%") {
        let start = from + rel;
        let close = s[start..].find("%}")? + start;
        let inner = s[start + 2..close]
            .trim_matches('-')
            .trim_matches(is_liquid_blank);
        if inner == "endraw" {
            return Some((start, close + 2));
        }
        from = start + 2;
    }
    None
}

#[derive(Debug, Clone)]
enum Operand {
    Str(String),
    Num(f64),
    Bool(bool),
    Nil,
    /// The `empty` literal (LiquidJS' `EmptyDrop`).
    Empty,
    /// The `blank` literal (LiquidJS' `BlankDrop`).
    Blank,
    /// Operands joined by operators (`a == b`, `x and y`): a boolean.
    Cond(Vec<CondTok>),
    /// A variable: first name, then property keys (string or integer index).
    Var(Vec<Key>),
    /// A property of a literal (`null.x`, `true["y"]`): LiquidJS reads the literal, never a
    /// variable of that name, and a literal has no such property.
    Undefined,
}

#[derive(Debug, Clone)]
enum Key {
    Name(String),
    Index(f64),
}

#[derive(Debug, Clone)]
struct Filter {
    name: String,
    args: Vec<Operand>,
}

#[derive(Debug, Clone)]
struct Expr {
    base: Operand,
    filters: Vec<Filter>,
    pos: usize,
}

#[derive(Debug, Clone)]
enum CondTok {
    Operand(Operand),
    Op(&'static str),
}

#[derive(Debug)]
enum Node {
    Text(String),
    Output(Expr),
    /// `if` (and `unless`, whose first condition is negated) with its branches.
    If {
        branches: Vec<(Vec<CondTok>, Vec<Node>)>,
        negate_first: bool,
        otherwise: Option<Vec<Node>>,
    },
    Assign(String, Expr),
    Capture(String, Vec<Node>),
}

/// Parsed nodes and the closing tag (name, arguments) that ended them, if any.
type Block = (Vec<Node>, Option<(String, String)>);

struct Parser<'t> {
    src: &'t str,
    tokens: Vec<Tok<'t>>,
    i: usize,
}

impl<'t> Parser<'t> {
    /// Parses nodes until one of `ends` (returned with its args), or the end of the template.
    fn block(&mut self, ends: &[&str]) -> Result<Block, MappingError> {
        let mut nodes = Vec::new();
        while self.i < self.tokens.len() {
            let i = self.i;
            self.i += 1;
            match &self.tokens[i] {
                Tok::Text(t) => nodes.push(Node::Text(t.clone())),
                Tok::Output { inner, pos } => {
                    let (inner, pos) = (*inner, *pos);
                    nodes.push(Node::Output(parse_expr(self.src, inner, pos)?));
                }
                Tok::Tag {
                    name,
                    args,
                    pos,
                    raw,
                } => {
                    let (name, args, pos, raw) = (*name, *args, *pos, *raw);
                    if ends.contains(&name) {
                        return Ok((nodes, Some((name.to_string(), args.to_string()))));
                    }
                    if let Some(n) = self.tag(name, args, pos, raw)? {
                        nodes.push(n);
                    }
                }
            }
        }
        Ok((nodes, None))
    }

    fn tag(
        &mut self,
        name: &str,
        args: &str,
        pos: usize,
        raw: &str,
    ) -> Result<Option<Node>, MappingError> {
        if DISABLED_TAGS.contains(&name) {
            return Err(liquid_error(
                self.src,
                pos,
                &format!("tag \"{name}\" is disabled"),
            ));
        }
        let not_closed =
            |p: &Parser<'_>| liquid_error(p.src, pos, &format!("tag {raw} not closed"));
        match name {
            "if" | "unless" => {
                let mut branches = Vec::new();
                let mut cond = parse_condition(self.src, args, pos)?;
                let mut otherwise = None;
                loop {
                    let (body, end) = self.block(&["elsif", "else", "endif", "endunless"])?;
                    match end {
                        None => return Err(not_closed(self)),
                        Some((e, next_args)) => {
                            branches.push((cond, body));
                            match e.as_str() {
                                "elsif" => cond = parse_condition(self.src, &next_args, pos)?,
                                "else" => {
                                    let close = if name == "if" { "endif" } else { "endunless" };
                                    let (body, end) = self.block(&[close])?;
                                    if end.is_none() {
                                        return Err(not_closed(self));
                                    }
                                    otherwise = Some(body);
                                    break;
                                }
                                _ => break,
                            }
                        }
                    }
                }
                Ok(Some(Node::If {
                    branches,
                    negate_first: name == "unless",
                    otherwise,
                }))
            }
            "assign" => {
                let Some((var, expr)) = args.split_once('=') else {
                    return Err(unsupported(format!("assign \"{args}\"")));
                };
                let var = var.trim_matches(is_liquid_blank);
                if var.is_empty() || !var.chars().all(is_ident_char) {
                    return Err(unsupported(format!("assign \"{args}\"")));
                }
                Ok(Some(Node::Assign(
                    var.to_string(),
                    parse_expr(self.src, expr, pos)?,
                )))
            }
            "capture" => {
                let var = args
                    .trim_matches(is_liquid_blank)
                    .trim_matches(|c| c == '"' || c == '\'');
                let (body, end) = self.block(&["endcapture"])?;
                if end.is_none() {
                    return Err(not_closed(self));
                }
                Ok(Some(Node::Capture(var.to_string(), body)))
            }
            "comment" => {
                let mut depth = 1;
                while self.i < self.tokens.len() {
                    if let Tok::Tag { name, .. } = &self.tokens[self.i] {
                        match *name {
                            "comment" => depth += 1,
                            "endcomment" => depth -= 1,
                            _ => {}
                        }
                    }
                    self.i += 1;
                    if depth == 0 {
                        return Ok(None);
                    }
                }
                Err(not_closed(self))
            }
            "echo" => Ok(Some(Node::Output(parse_expr(self.src, args, pos)?))),
            "#" => Ok(None),
            n if n.starts_with('#') => Ok(None),
            n if OTHER_TAGS.contains(&n) => Err(unsupported(format!("the tag \"{n}\""))),
            n => Err(liquid_error(
                self.src,
                pos,
                &format!("tag \"{n}\" not found"),
            )),
        }
    }
}

/// LiquidJS' word characters: ASCII letters, digits, `_`, `-` and `?`, and every other
/// character that is neither blank nor a curly double quote.
fn is_ident_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '?'
    } else {
        !is_liquid_blank(c) && c != '\u{201c}' && c != '\u{201d}'
    }
}

/// Tokens of an expression: operands, `|`, `:`, `,` and operators.
#[derive(Debug, Clone)]
enum ETok {
    Operand(Operand),
    Punct(char),
    Op(&'static str),
    Word(String),
}

fn lex_expr(s: &str) -> Result<Vec<ETok>, MappingError> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if is_liquid_blank(c) {
            i += 1;
            continue;
        }
        if c == '"' || c == '\'' {
            let Some(close) = quote_end(&chars, i) else {
                return Err(unsupported(format!("the expression \"{s}\"")));
            };
            out.push(ETok::Operand(Operand::Str(string_literal(
                &chars[i + 1..close],
            )?)));
            i = close + 1;
            continue;
        }
        if matches!(c, '|' | ':' | ',') {
            out.push(ETok::Punct(c));
            i += 1;
            continue;
        }
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(op) = ["==", "!=", "<>", "<=", ">="]
            .into_iter()
            .find(|o| *o == two)
        {
            out.push(ETok::Op(if op == "<>" { "!=" } else { op }));
            i += 2;
            continue;
        }
        if c == '<' || c == '>' {
            out.push(ETok::Op(if c == '<' { "<" } else { ">" }));
            i += 1;
            continue;
        }
        if c == '(' || c == '=' {
            return Err(unsupported(format!("the expression \"{s}\"")));
        }
        // A word: a literal, a variable path, or a keyword operator.
        let start = i;
        let mut depth = 0;
        while i < chars.len() {
            let d = chars[i];
            if d == '[' {
                depth += 1;
            } else if d == ']' {
                depth -= 1;
            } else if depth == 0
                && (is_liquid_blank(d) || matches!(d, '|' | ':' | ',' | '=' | '!' | '<' | '>'))
            {
                break;
            } else if depth > 0 && (d == '"' || d == '\'') {
                // Skip a quoted key inside brackets.
                i += 1;
                while i < chars.len() && chars[i] != d {
                    i += 1;
                }
            }
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        out.push(match word.as_str() {
            "and" => ETok::Op("and"),
            "or" => ETok::Op("or"),
            "not" => ETok::Op("not"),
            "contains" => ETok::Op("contains"),
            _ => ETok::Word(word),
        });
    }
    Ok(out)
}

/// The index of the quote closing the one at `open` (LiquidJS' `readQuoted`: a backslash
/// escapes the next character).
fn quote_end(chars: &[char], open: usize) -> Option<usize> {
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate().skip(open + 1) {
        if c == chars[open] && !escaped {
            return Some(i);
        }
        escaped = !escaped && c == '\\';
    }
    None
}

/// A quoted literal's text (LiquidJS' `parseStringLiteral`): `\b \f \n \r \t \v`, `\u` with up
/// to four hex digits, `\` with up to three octal digits, and a backslash before anything else
/// stands for that character.
fn string_literal(content: &[char]) -> Result<String, MappingError> {
    let mut units: Vec<u16> = Vec::with_capacity(content.len());
    let mut i = 0;
    while i < content.len() {
        let c = content[i];
        i += 1;
        if c != '\\' {
            let mut buf = [0u16; 2];
            units.extend_from_slice(js::utf16::char_units(c, &mut buf));
            continue;
        }
        let Some(&next) = content.get(i) else {
            break;
        };
        let escaped = match next {
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            _ => None,
        };
        if let Some(e) = escaped {
            units.push(e as u16);
            i += 1;
        } else if next == 'u' || next.is_digit(8) {
            let (radix, max) = if next == 'u' { (16, 4) } else { (8, 3) };
            i += usize::from(next == 'u');
            let mut val: u32 = 0;
            let mut n = 0;
            while n < max && content.get(i).is_some_and(|d| d.is_digit(radix)) {
                val = val * radix + content[i].to_digit(radix).unwrap_or(0);
                i += 1;
                n += 1;
            }
            units.push(val as u16);
        } else {
            // Any other character after a backslash stands for itself.
            let mut buf = [0u16; 2];
            units.extend_from_slice(js::utf16::char_units(next, &mut buf));
            i += 1;
        }
    }
    Ok(js::utf16::from_units(&units))
}

fn parse_operand(word: &str) -> Result<Operand, MappingError> {
    match word {
        "true" => return Ok(Operand::Bool(true)),
        "false" => return Ok(Operand::Bool(false)),
        "nil" | "null" => return Ok(Operand::Nil),
        "empty" => return Ok(Operand::Empty),
        "blank" => return Ok(Operand::Blank),
        _ => {}
    }
    let literal_root = ["true", "false", "nil", "null", "empty", "blank"]
        .iter()
        .any(|k| {
            word.strip_prefix(k)
                .is_some_and(|r| r.starts_with(['.', '[']))
        });
    if literal_root {
        return Ok(Operand::Undefined);
    }
    let b = word.as_bytes();
    let digits_start = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let is_number = b.len() > digits_start && b[digits_start].is_ascii_digit() && {
        let rest = &word[digits_start..];
        let mut parts = rest.splitn(2, '.');
        let int_ok = parts
            .next()
            .is_some_and(|p| p.bytes().all(|c| c.is_ascii_digit()));
        let frac_ok = parts
            .next()
            .is_none_or(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
        int_ok && frac_ok
    };
    if is_number {
        return word
            .parse::<f64>()
            .map(Operand::Num)
            .map_err(|_| unsupported(format!("the number {word}")));
    }
    parse_var(word).map(Operand::Var)
}

/// `a.b[0]["c d"].size`.
fn parse_var(word: &str) -> Result<Vec<Key>, MappingError> {
    let bad = || unsupported(format!("the variable \"{word}\""));
    let mut keys = Vec::new();
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    let mut expect_name = true;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                i += 1;
                expect_name = true;
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').ok_or_else(bad)? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim_matches(is_liquid_blank);
                if let Some(q) = inner
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .or_else(|| inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                {
                    if q.contains('\\') {
                        return Err(bad());
                    }
                    keys.push(Key::Name(q.to_string()));
                } else if let Ok(n) = inner.parse::<i64>() {
                    keys.push(Key::Index(n as f64));
                } else {
                    return Err(bad());
                }
                i = close + 1;
                expect_name = false;
            }
            _ if expect_name => {
                let start = i;
                while i < chars.len() && is_ident_char(chars[i]) {
                    i += 1;
                }
                if i == start {
                    return Err(bad());
                }
                keys.push(Key::Name(chars[start..i].iter().collect()));
                expect_name = false;
            }
            _ => return Err(bad()),
        }
    }
    if keys.is_empty() {
        return Err(bad());
    }
    Ok(keys)
}

fn parse_expr(_src: &str, text: &str, pos: usize) -> Result<Expr, MappingError> {
    let mut toks = lex_expr(text)?;
    let head_len = toks
        .iter()
        .position(|t| matches!(t, ETok::Punct('|')))
        .unwrap_or(toks.len());
    let rest = toks.split_off(head_len);
    let mut head = toks.into_iter();
    let base = match (head.next(), head.len()) {
        (Some(ETok::Operand(o)), 0) => o,
        (Some(ETok::Word(w)), 0) => parse_operand(&w)?,
        (None, _) => Operand::Nil,
        // An expression with operators (LiquidJS' `Expression`) evaluates to a boolean.
        (Some(first), _) => Operand::Cond(cond_toks(std::iter::once(first).chain(head), text)?),
    };
    let mut it = rest.into_iter().peekable();
    let mut filters = Vec::new();
    while let Some(t) = it.next() {
        let ETok::Punct('|') = t else {
            return Err(unsupported(format!("the expression \"{text}\"")));
        };
        let Some(ETok::Word(name)) = it.next() else {
            return Err(unsupported(format!("the expression \"{text}\"")));
        };
        let mut args = Vec::new();
        if matches!(it.peek(), Some(ETok::Punct(':'))) {
            it.next();
            loop {
                let arg = match it.next() {
                    Some(ETok::Operand(o)) => o,
                    Some(ETok::Word(w)) => parse_operand(&w)?,
                    _ => return Err(unsupported(format!("the filter arguments in \"{text}\""))),
                };
                if matches!(it.peek(), Some(ETok::Punct(':'))) {
                    return Err(unsupported(format!("named filter arguments in \"{text}\"")));
                }
                args.push(arg);
                if matches!(it.peek(), Some(ETok::Punct(','))) {
                    it.next();
                } else {
                    break;
                }
            }
        }
        filters.push(Filter { name, args });
    }
    Ok(Expr { base, filters, pos })
}

fn parse_condition(_src: &str, text: &str, _pos: usize) -> Result<Vec<CondTok>, MappingError> {
    cond_toks(lex_expr(text)?, text)
}

fn cond_toks(
    toks: impl IntoIterator<Item = ETok>,
    text: &str,
) -> Result<Vec<CondTok>, MappingError> {
    let mut out = Vec::new();
    for t in toks {
        out.push(match t {
            ETok::Operand(o) => CondTok::Operand(o),
            ETok::Word(w) => CondTok::Operand(parse_operand(&w)?),
            ETok::Op(op) => CondTok::Op(op),
            ETok::Punct(_) => return Err(unsupported(format!("the condition \"{text}\""))),
        });
    }
    if out.is_empty() {
        return Err(unsupported("an empty condition"));
    }
    Ok(out)
}

fn precedence(op: &str) -> u8 {
    match op {
        "and" | "or" => 0,
        "not" => 1,
        _ => 2,
    }
}

struct Renderer<'s, 'p> {
    src: &'s str,
    payload: Payload<'p>,
    locals: HashMap<String, JsValue>,
    /// Variables assigned the bare `nil` literal: they hold LiquidJS' `NullDrop`, not `null`.
    nil_locals: Vec<String>,
    /// The render's `memoryLimit`.
    memory: Memory,
}

impl Renderer<'_, '_> {
    fn render(&mut self, nodes: &[Node], out: &mut String) -> Result<(), MappingError> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Output(e) => {
                    let v = self.eval_expr(e)?;
                    stringify(&v, out);
                }
                Node::If {
                    branches,
                    negate_first,
                    otherwise,
                } => {
                    let mut done = false;
                    for (i, (cond, body)) in branches.iter().enumerate() {
                        let mut hit = truthy(&self.eval_condition(cond)?);
                        if i == 0 && *negate_first {
                            hit = !hit;
                        }
                        if hit {
                            self.render(body, out)?;
                            done = true;
                            break;
                        }
                    }
                    if !done && let Some(body) = otherwise {
                        self.render(body, out)?;
                    }
                }
                Node::Assign(name, e) => {
                    let (v, drop) = self.eval_expr_drop(e)?;
                    match drop {
                        // The variable would hold the drop, which compares unlike its text.
                        Drop::Empty | Drop::Blank => {
                            return Err(unsupported("assigning \"empty\" or \"blank\""));
                        }
                        Drop::Nil => {
                            self.nil_locals.retain(|n| n != name);
                            self.nil_locals.push(name.clone());
                        }
                        Drop::None => self.nil_locals.retain(|n| n != name),
                    }
                    self.locals.insert(name.clone(), v);
                }
                Node::Capture(name, body) => {
                    let mut s = String::new();
                    self.render(body, &mut s)?;
                    self.nil_locals.retain(|n| n != name);
                    self.locals.insert(name.clone(), JsValue::String(s));
                }
            }
        }
        Ok(())
    }

    fn operand(&self, o: &Operand) -> Result<JsValue, MappingError> {
        Ok(match o {
            Operand::Str(s) => JsValue::String(s.clone()),
            Operand::Num(x) => JsValue::Number(*x),
            Operand::Bool(b) => JsValue::Bool(*b),
            Operand::Nil => JsValue::Null,
            Operand::Undefined => JsValue::Undefined,
            // Filters read the drop object itself (`size`, `json`, …): not reproduced.
            Operand::Empty | Operand::Blank => {
                return Err(unsupported("\"empty\" or \"blank\" outside a comparison"));
            }
            Operand::Var(keys) => self.lookup(keys),
            Operand::Cond(toks) => self.eval_condition(toks)?,
        })
    }

    /// The drop an operand stands for in a comparison.
    fn drop_of(&self, o: &Operand) -> Drop {
        match o {
            Operand::Empty => Drop::Empty,
            Operand::Blank => Drop::Blank,
            _ if self.is_nil_drop(o) => Drop::Nil,
            _ => Drop::None,
        }
    }

    fn lookup(&self, keys: &[Key]) -> JsValue {
        let mut cur: JsValue = match &keys[0] {
            Key::Name(n) => match self.locals.get(n) {
                Some(v) => v.clone(),
                // A name the data does not have is read from LiquidJS' globals, `{}`: its
                // `size` is 0 (not the data's key count), anything else `undefined`.
                None if self.payload_lacks(n) => {
                    if n == "size" {
                        JsValue::Number(0.0)
                    } else {
                        JsValue::Undefined
                    }
                }
                None => read_property(Got::from(self.payload), &Key::Name(n.clone())),
            },
            Key::Index(_) => return JsValue::Undefined,
        };
        for k in &keys[1..] {
            if cur.is_nullish() {
                return cur;
            }
            cur = read_property(Got::Js(&cur), k);
        }
        cur
    }

    /// Does the data lack a member `name` (LiquidJS' `name in environments`)? Data that is not
    /// an object (an `@arrayPath` item) is read as `Object(data)`: only a string's or an
    /// array's `length` and indices are its own, and `null` is `{}`.
    fn payload_lacks(&self, name: &str) -> bool {
        let len = match self.payload {
            Payload::Json(Value::Object(m)) => return !m.contains_key(name),
            Payload::Js(JsValue::Object(o)) => return o.get(name).is_none(),
            Payload::Json(Value::String(s)) | Payload::Js(JsValue::String(s)) => js::utf16::len(s),
            Payload::Json(Value::Array(a)) => a.len(),
            Payload::Js(JsValue::Array(a)) => a.len(),
            _ => return true,
        };
        name != "length" && js::is_array_index(name).is_none_or(|i| i as usize >= len)
    }

    /// The `nil` literal (or a variable assigned it) is LiquidJS' `NullDrop`: most filters read
    /// it as `null`, but `json`/`inspect` stringify the drop object itself, `{}`.
    fn is_nil_drop(&self, o: &Operand) -> bool {
        match o {
            Operand::Nil => true,
            Operand::Var(keys) => {
                matches!(keys.as_slice(), [Key::Name(n)] if self.nil_locals.contains(n))
            }
            _ => false,
        }
    }

    fn eval_expr(&self, e: &Expr) -> Result<JsValue, MappingError> {
        self.eval_expr_drop(e).map(|(v, _)| v)
    }

    /// The value of a literal drop (`nil`, `empty`, `blank`) as filters read it: `null`, `''`.
    fn drop_value(&self, o: &Operand, drop: Drop) -> Result<JsValue, MappingError> {
        match drop {
            Drop::Empty | Drop::Blank => Ok(JsValue::String(String::new())),
            _ => self.operand(o),
        }
    }

    /// The value of `e`, and the literal drop (`nil`, `empty`, `blank`) it still is: filters
    /// read a drop as `null` or `''`, but the ones that hand back their input unchanged pass
    /// the drop object on, and `json` writes that object as `{}`.
    fn eval_expr_drop(&self, e: &Expr) -> Result<(JsValue, Drop), MappingError> {
        let mut drop = self.drop_of(&e.base);
        let mut v = self.drop_value(&e.base, drop)?;
        for f in &e.filters {
            let name = f.name.as_str();
            let arg_drops: Vec<Drop> = f.args.iter().map(|a| self.drop_of(a)).collect();
            let mut args: Vec<JsValue> = f
                .args
                .iter()
                .zip(&arg_drops)
                .map(|(a, d)| self.drop_value(a, *d))
                .collect::<Result<_, _>>()?;
            let was = std::mem::replace(&mut drop, Drop::None);
            if was != Drop::None {
                if matches!(name, "json" | "jsonify" | "inspect") {
                    v = JsValue::String("{}".to_string());
                    continue;
                }
                // `raw`, a date filter given no date, `truncate` within its length, and the
                // filters LiquidJS does not know (ignored) return the drop itself.
                let keeps = matches!(
                    name,
                    "raw"
                        | "truncate"
                        | "date"
                        | "date_to_xmlschema"
                        | "date_to_rfc822"
                        | "date_to_string"
                        | "date_to_long_string"
                ) || !LIQUIDJS_FILTERS.contains(&name);
                if keeps {
                    drop = was;
                }
            }
            let is_empty = |d: &Drop| matches!(d, Drop::Empty | Drop::Blank);
            // A drop argument that is truthy as a property or put in the array as an object
            // (any drop), or compared by the drop's own `equals` (`nil` compares as nullish).
            let refused = match name {
                "sum" | "push" | "unshift" => arg_drops.iter().any(|d| *d != Drop::None),
                "where" | "reject" | "find" | "find_index" | "has" => {
                    arg_drops.iter().any(is_empty)
                }
                _ => false,
            };
            if refused {
                return Err(unsupported(format!(
                    "the filter \"{name}\" given nil, \"empty\" or \"blank\""
                )));
            }
            // A drop is an object: `slugify`'s `cased` is true.
            if name == "slugify" && arg_drops.get(1).is_some_and(|d| *d != Drop::None) {
                args[1] = JsValue::Bool(true);
            }
            // A date filter's time zone `empty` or `blank` is a fixed offset of 0 without a
            // name, as `nil` is.
            let nil_drops: Vec<bool> = arg_drops
                .iter()
                .map(|d| *d == Drop::Nil || (name == "date" && is_empty(d)))
                .collect();
            v = apply_filter(name, v, &args, &nil_drops, &self.memory).map_err(
                |err| match err {
                    FilterError::Disabled => liquid_error(
                        self.src,
                        e.pos,
                        &format!("filter \"{}\" is disabled", f.name),
                    ),
                    FilterError::Unsupported(m) => unsupported(m),
                    FilterError::Render(m) => liquid_error(self.src, e.pos, &m),
                },
            )?;
            // `default` of a falsy value hands back its argument, which may be a drop.
            if name == "default" {
                drop = arg_drops.first().copied().unwrap_or(Drop::None);
            }
            // Handed back unchanged, or made anew.
            let unchanged = match drop {
                Drop::Nil => matches!(v, JsValue::Null),
                Drop::Empty | Drop::Blank => matches!(&v, JsValue::String(s) if s.is_empty()),
                Drop::None => true,
            };
            if !unchanged {
                drop = Drop::None;
            }
        }
        Ok((v, drop))
    }

    /// LiquidJS evaluates conditions in postfix order; operators of equal precedence group to
    /// the right (`a and b or c` is `a and (b or c)`).
    fn eval_condition(&self, toks: &[CondTok]) -> Result<JsValue, MappingError> {
        let mut postfix: Vec<&CondTok> = Vec::new();
        let mut ops: Vec<&CondTok> = Vec::new();
        for t in toks {
            match t {
                CondTok::Op(op) => {
                    while let Some(CondTok::Op(top)) = ops.last() {
                        if precedence(top) > precedence(op) {
                            postfix.extend(ops.pop());
                        } else {
                            break;
                        }
                    }
                    ops.push(t);
                }
                CondTok::Operand(_) => postfix.push(t),
            }
        }
        while let Some(op) = ops.pop() {
            postfix.push(op);
        }
        // Each value remembers the literal drop it is (`nil`, `empty`, `blank`): drops compare
        // by their own `equals` and are never greater or smaller than anything.
        let mut stack: Vec<(JsValue, Drop)> = Vec::new();
        let bad = || unsupported("this condition");
        for t in postfix {
            match t {
                CondTok::Operand(o) => {
                    let drop = self.drop_of(o);
                    let v = match drop {
                        Drop::Empty | Drop::Blank => JsValue::String(String::new()),
                        _ => self.operand(o)?,
                    };
                    stack.push((v, drop));
                }
                CondTok::Op("not") => {
                    let (v, _) = stack.pop().ok_or_else(bad)?;
                    stack.push((JsValue::Bool(!truthy(&v)), Drop::None));
                }
                CondTok::Op(op) => {
                    let r = stack.pop().ok_or_else(bad)?;
                    let l = stack.pop().ok_or_else(bad)?;
                    let with_drop = l.1 != Drop::None || r.1 != Drop::None;
                    let result = match *op {
                        "==" | "!=" if with_drop => {
                            let eq = if l.1 != Drop::None {
                                l.1.equals(&r)
                            } else {
                                r.1.equals(&l)
                            };
                            eq == (*op == "==")
                        }
                        "<" | ">" | "<=" | ">=" if with_drop => false,
                        "contains" if l.1 != Drop::None => {
                            // `toValue(l)`: `null` has no `indexOf`; `''` holds only `''`.
                            l.1 != Drop::Nil && r.1 != Drop::Nil && r.0.to_js_string().is_empty()
                        }
                        "contains" if r.1 != Drop::None => match &l.0 {
                            JsValue::Array(items) => {
                                items.iter().any(|x| r.1.equals(&(x.clone(), Drop::None)))
                            }
                            // `indexOf(toValue(r))`: `null` reads as "null", `''` is everywhere.
                            JsValue::String(text) => r.1 != Drop::Nil || text.contains("null"),
                            _ => false,
                        },
                        _ => binary(op, &l.0, &r.0)?,
                    };
                    stack.push((JsValue::Bool(result), Drop::None));
                }
            }
        }
        let (v, _) = stack.pop().ok_or_else(bad)?;
        if !stack.is_empty() {
            return Err(bad());
        }
        Ok(v)
    }
}

/// The literal drops of LiquidJS a condition can compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drop {
    None,
    /// `nil`: `NullDrop`.
    Nil,
    /// `empty`: `EmptyDrop`.
    Empty,
    /// `blank`: `BlankDrop` (an `EmptyDrop`).
    Blank,
}

impl Drop {
    /// `drop.equals(other)`; `other` is a value with the drop it is, if any.
    fn equals(self, other: &(JsValue, Drop)) -> bool {
        let (v, d) = other;
        // `toValue(other)`: a drop's value (`null` for nil, `''` for the others).
        let nil = *d == Drop::Nil || (*d == Drop::None && v.is_nullish());
        match self {
            Drop::None => false,
            Drop::Nil => nil,
            Drop::Empty => Drop::empty_equals(v, *d),
            Drop::Blank => {
                if *d == Drop::None && matches!(v, JsValue::Bool(false)) || nil {
                    return true;
                }
                match v {
                    JsValue::String(s) if *d == Drop::None => s.chars().all(js::is_js_space),
                    _ => Drop::empty_equals(v, *d),
                }
            }
        }
    }

    /// `EmptyDrop.equals`: empty text, array or object; never another `empty`/`blank`.
    fn empty_equals(v: &JsValue, d: Drop) -> bool {
        if d != Drop::None {
            return false;
        }
        match v {
            JsValue::String(s) => s.is_empty(),
            JsValue::Array(items) => items.is_empty(),
            JsValue::Object(o) => o.is_empty(),
            _ => false,
        }
    }
}

/// LiquidJS `readProperty` with `ownPropertyOnly`: own members, array/string indices (negative
/// array indices from the end), `length`, and the special `size`, `first`, `last`.
fn read_property(obj: Got<'_>, key: &Key) -> JsValue {
    if obj.is_nullish() {
        return obj.into_js();
    }
    let name = match key {
        Key::Index(i) => {
            if *i < 0.0
                && let Got::Json(Value::Array(_))
                | Got::Js(JsValue::Array(_))
                | Got::Owned(JsValue::Array(_)) = &obj
            {
                let len = match &obj {
                    Got::Json(Value::Array(a)) => a.len(),
                    Got::Js(JsValue::Array(a)) | Got::Owned(JsValue::Array(a)) => a.len(),
                    _ => 0,
                };
                let idx = len as f64 + i;
                if idx < 0.0 {
                    return JsValue::Undefined;
                }
                return property(obj, &(idx as usize).to_string()).into_js();
            }
            js::number_to_string(*i)
        }
        Key::Name(n) => n.clone(),
    };
    let js = obj.into_js();
    match name.as_str() {
        "size" => match &js {
            JsValue::Object(o) if o.get("size").is_some() => {
                o.get("size").cloned().unwrap_or_default()
            }
            JsValue::Array(a) => JsValue::Number(a.len() as f64),
            JsValue::String(s) => JsValue::Number(js::utf16::len(s) as f64),
            JsValue::Object(o) => JsValue::Number(o.len() as f64),
            _ => JsValue::Undefined,
        },
        "first" => match &js {
            JsValue::Array(a) => a.first().cloned().unwrap_or_default(),
            _ => property(Got::Js(&js), "first").into_js(),
        },
        "last" => match &js {
            JsValue::Array(a) => a.last().cloned().unwrap_or_default(),
            _ => property(Got::Js(&js), "last").into_js(),
        },
        n => property(Got::Js(&js), n).into_js(),
    }
}

/// LiquidJS truthiness: only `false`, `null` and `undefined` are falsy.
fn truthy(v: &JsValue) -> bool {
    !matches!(v, JsValue::Bool(false) | JsValue::Null | JsValue::Undefined)
}

/// LiquidJS `stringify` of an output value.
fn stringify(v: &JsValue, out: &mut String) {
    match v {
        JsValue::Undefined | JsValue::Null => {}
        JsValue::Array(items) => items.iter().for_each(|x| stringify(x, out)),
        other => other.write_js_string(out),
    }
}

fn to_str(v: &JsValue) -> String {
    let mut s = String::new();
    stringify(v, &mut s);
    s
}

/// `+value || 0`.
fn to_number(v: &JsValue) -> f64 {
    let x = js_number(v);
    if x.is_nan() || x == 0.0 { 0.0 } else { x }
}

/// JavaScript `Number(v)` (`+v`).
fn js_number(v: &JsValue) -> f64 {
    match v {
        JsValue::Undefined => f64::NAN,
        JsValue::Null => 0.0,
        JsValue::Bool(b) => f64::from(u8::from(*b)),
        JsValue::Number(x) => *x,
        JsValue::String(s) => super::schema::js_to_number(s),
        JsValue::Array(_) => super::schema::js_to_number(&v.to_js_string()),
        JsValue::Object(_) => f64::NAN,
    }
}

fn equals(l: &JsValue, r: &JsValue) -> Result<bool, MappingError> {
    Ok(match (l, r) {
        (JsValue::Array(a), JsValue::Array(b)) => {
            if a.len() != b.len() {
                return Ok(false);
            }
            for (x, y) in a.iter().zip(b) {
                if !equals(x, y)? {
                    return Ok(false);
                }
            }
            true
        }
        (JsValue::Array(_), _) => false,
        (JsValue::Object(_), JsValue::Object(_)) => {
            return Err(unsupported(
                "comparing two objects (JavaScript compares identity)",
            ));
        }
        (JsValue::Number(a), JsValue::Number(b)) => a == b,
        (a, b) => a == b,
    })
}

fn binary(op: &str, l: &JsValue, r: &JsValue) -> Result<bool, MappingError> {
    Ok(match op {
        "==" => equals(l, r)?,
        "!=" => !equals(l, r)?,
        "and" => truthy(l) && truthy(r),
        "or" => truthy(l) || truthy(r),
        "contains" => match l {
            JsValue::Array(items) => {
                let mut found = false;
                for x in items {
                    if equals(x, r)? {
                        found = true;
                        break;
                    }
                }
                found
            }
            JsValue::String(s) => s.contains(&r.to_js_string()),
            _ => false,
        },
        "<" | ">" | "<=" | ">=" => relational(op, l, r),
        _ => return Err(unsupported(format!("the operator {op}"))),
    })
}

/// JavaScript's abstract relational comparison.
fn relational(op: &str, l: &JsValue, r: &JsValue) -> bool {
    let prim = |v: &JsValue| match v {
        JsValue::Array(_) | JsValue::Object(_) => JsValue::String(v.to_js_string()),
        other => other.clone(),
    };
    let (l, r) = (prim(l), prim(r));
    if let (JsValue::String(a), JsValue::String(b)) = (&l, &r) {
        let ord = js::utf16::cmp(a, b);
        return match op {
            "<" => ord.is_lt(),
            ">" => ord.is_gt(),
            "<=" => ord.is_le(),
            _ => ord.is_ge(),
        };
    }
    let (a, b) = (js_number(&l), js_number(&r));
    match op {
        "<" => a < b,
        ">" => a > b,
        "<=" => a <= b,
        _ => a >= b,
    }
}

/// LiquidJS' `memoryLimit` (`Limiter('memory alloc', 1e8)`) for one render. Charged: what a
/// template can make large (`slice`'s length, `strftime`'s padding) and the date and
/// `liquid/extra.rs` filters; the common filters' small charges (their input's length) are
/// not, so a template whose total lands within a few thousand units of the limit may pass here
/// and fail in the reference.
#[derive(Debug, Default)]
struct Memory {
    used: Cell<f64>,
}

impl Memory {
    const LIMIT: f64 = 1e8;

    /// `memoryLimit.use(count)`.
    fn charge(&self, count: f64) -> Result<(), FilterError> {
        if count > 0.0 {
            if self.used.get() + count > Self::LIMIT {
                return Err(FilterError::Render("memory alloc limit exceeded".into()));
            }
            self.used.set(self.used.get() + count);
        }
        Ok(())
    }
}

enum FilterError {
    Disabled,
    Unsupported(String),
    /// An exception the filter throws while rendering (LiquidJS reports a `RenderError`).
    Render(std::borrow::Cow<'static, str>),
}

fn arity(name: &str, args: &[JsValue], min: usize, max: usize) -> Result<(), FilterError> {
    if args.len() < min || args.len() > max {
        return Err(FilterError::Unsupported(format!(
            "the filter \"{name}\" with {}",
            if args.len() == 1 {
                "1 argument".to_string()
            } else {
                format!("{} arguments", args.len())
            }
        )));
    }
    Ok(())
}

/// The pattern and replacement of `replace*` (two arguments) or `remove*` (one).
fn pattern_args(
    name: &str,
    args: &[JsValue],
    replacing: bool,
) -> Result<(String, String), FilterError> {
    if replacing {
        arity(name, args, 2, 2)?;
        Ok((to_str(&args[0]), to_str(&args[1])))
    } else {
        arity(name, args, 1, 1)?;
        Ok((to_str(&args[0]), String::new()))
    }
}

fn num(x: f64) -> JsValue {
    JsValue::Number(x)
}

/// One filter call as the filter families outside this file take it.
#[derive(Clone, Copy)]
struct FilterCall<'c> {
    name: &'c str,
    v: &'c JsValue,
    args: &'c [JsValue],
    /// Which arguments are the `nil` literal (LiquidJS' `NullDrop`).
    nil_drops: &'c [bool],
    /// The render's memory limit.
    mem: &'c Memory,
}

impl<'c> FilterCall<'c> {
    /// Argument `i`, `undefined` when absent.
    fn arg(&self, i: usize) -> &'c JsValue {
        self.args.get(i).unwrap_or(&JsValue::Undefined)
    }
}

fn apply_filter(
    name: &str,
    v: JsValue,
    args: &[JsValue],
    nil_drops: &[bool],
    memory: &Memory,
) -> Result<JsValue, FilterError> {
    if DISABLED_FILTERS.contains(&name) {
        return Err(FilterError::Disabled);
    }
    let call = FilterCall {
        name,
        v: &v,
        args,
        nil_drops,
        mem: memory,
    };
    if let Some(result) = date::filter(&call).or_else(|| extra::filter(&call)) {
        return result;
    }
    let a = |i: usize| args.get(i).cloned().unwrap_or_default();
    let s = || to_str(&v);
    Ok(match name {
        "append" | "prepend" => {
            arity(name, args, 1, 1)?;
            let (x, y) = (s(), to_str(&args[0]));
            JsValue::String(if name == "append" { x + &y } else { y + &x })
        }
        "upcase" => JsValue::String(s().to_uppercase()),
        "downcase" => JsValue::String(s().to_lowercase()),
        "capitalize" => {
            let text = s();
            let mut chars = text.chars();
            JsValue::String(match chars.next() {
                Some(c) => c.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase(),
                None => String::new(),
            })
        }
        "strip" | "lstrip" | "rstrip" => {
            arity(name, args, 0, 0)?;
            let text = s();
            let ws = crate::engine::js::is_js_space;
            JsValue::String(match name {
                "strip" => text.trim_matches(ws).to_string(),
                "lstrip" => text.trim_start_matches(ws).to_string(),
                _ => text.trim_end_matches(ws).to_string(),
            })
        }
        "strip_newlines" => JsValue::String(s().replace("\r\n", "").replace('\n', "")),
        "replace" | "remove" => {
            let (pat, rep) = pattern_args(name, args, name.starts_with("replace"))?;
            JsValue::String(js_split(&s(), &pat).join(&rep))
        }
        "replace_first" | "remove_first" => {
            let (pat, rep) = pattern_args(name, args, name.starts_with("replace"))?;
            JsValue::String(s().replacen(&pat, &rep, 1))
        }
        "replace_last" | "remove_last" => {
            let (pat, rep) = pattern_args(name, args, name.starts_with("replace"))?;
            let text = s();
            JsValue::String(match text.rfind(&pat) {
                Some(i) => format!("{}{rep}{}", &text[..i], &text[i + pat.len()..]),
                None => text,
            })
        }
        "split" => {
            arity(name, args, 1, 1)?;
            let mut parts: Vec<String> = js_split(&s(), &to_str(&args[0]));
            while parts.last().is_some_and(String::is_empty) {
                parts.pop();
            }
            JsValue::Array(parts.into_iter().map(JsValue::String).collect())
        }
        "join" => {
            arity(name, args, 0, 1)?;
            let sep = match args.first() {
                None | Some(JsValue::Null | JsValue::Undefined) => " ".to_string(),
                Some(x) => to_str(x),
            };
            let items = match v {
                JsValue::Null | JsValue::Undefined => vec![],
                JsValue::Array(items) => items,
                other => vec![other],
            };
            // `Array.prototype.join`: nullish elements are empty, others `String(x)`.
            let parts: Vec<String> = items
                .iter()
                .map(|x| {
                    if x.is_nullish() {
                        String::new()
                    } else {
                        x.to_js_string()
                    }
                })
                .collect();
            JsValue::String(parts.join(&sep))
        }
        "first" | "last" => match v {
            JsValue::Array(items) => {
                let item = if name == "first" {
                    items.into_iter().next()
                } else {
                    items.into_iter().last()
                };
                item.unwrap_or_default()
            }
            // `str[0]` / `str[str.length - 1]`: one UTF-16 unit (half of a character outside
            // the BMP is a lone surrogate).
            JsValue::String(t) => {
                let c = if name == "first" {
                    t.chars().next()
                } else {
                    t.chars().next_back()
                };
                match c {
                    None => JsValue::String(String::new()),
                    Some(c) => {
                        let mut buf = [0u16; 2];
                        let units = js::utf16::char_units(c, &mut buf);
                        let unit = if name == "first" {
                            units[0]
                        } else {
                            units[units.len() - 1]
                        };
                        JsValue::String(js::utf16::unit_char(unit).to_string())
                    }
                }
            }
            _ => JsValue::String(String::new()),
        },
        "size" => match &v {
            JsValue::Array(items) => num(items.len() as f64),
            JsValue::String(t) => num(js::utf16::len(t) as f64),
            JsValue::Object(o) => match o.get("length") {
                Some(JsValue::Number(x)) if *x != 0.0 => num(*x),
                _ => num(0.0),
            },
            _ => num(0.0),
        },
        "default" => {
            arity(name, args, 1, 1)?;
            let empty = match &v {
                JsValue::Array(items) => items.is_empty(),
                JsValue::String(t) => t.is_empty(),
                other => !truthy(other),
            };
            if empty { a(0) } else { v }
        }
        // `inspect` differs from `json` only on circular objects, which JSON data cannot hold.
        "json" | "jsonify" | "inspect" => {
            // Arguments after the space are ignored.
            // `JSON.stringify(v, replacer, space)`'s gap: a number of spaces (at most 10), the
            // first 10 units of a text, nothing for any other value.
            let gap = match args.first() {
                Some(JsValue::Number(n)) if *n >= 1.0 => " ".repeat(n.min(10.0) as usize),
                Some(JsValue::String(s)) => {
                    js::utf16::from_units(&js::utf16::units(s).take(10).collect::<Vec<_>>())
                }
                _ => String::new(),
            };
            v.json_stringify_gap(&gap)
                .map_or(JsValue::Undefined, JsValue::String)
        }
        "plus" | "minus" | "times" | "divided_by" | "modulo" | "at_least" | "at_most" => {
            arity(name, args, 1, 1)?;
            let (x, y) = (to_number(&v), to_number(&args[0]));
            num(match name {
                "plus" => x + y,
                "minus" => x - y,
                "times" => x * y,
                "divided_by" => x / y,
                "modulo" => ((x % y) + y) % y,
                "at_least" => js_max(x, y),
                _ => js_min(x, y),
            })
        }
        "abs" | "ceil" | "floor" => {
            arity(name, args, 0, 0)?;
            let x = to_number(&v);
            num(match name {
                "abs" => x.abs(),
                "ceil" => x.ceil(),
                _ => x.floor(),
            })
        }
        "round" => {
            arity(name, args, 0, 1)?;
            num(round(to_number(&v), args.first().map_or(0.0, to_number)))
        }
        "escape" | "xml_escape" => JsValue::String(html_escape(&s())),
        "url_encode" => JsValue::String(encode_uri_component(&s())?.replace("%20", "+")),
        "truncate" => {
            arity(name, args, 0, 2)?;
            // `truncate(v, l = 50, o = '...')`: an undefined argument takes the default; `l` is
            // compared and subtracted as JavaScript does (`nil` is 0, `false` 0, text its number).
            let (l, o) = count_and_ellipsis(args, 50.0);
            let text = s();
            if js::utf16::len(&text) as f64 <= l || code_point_steps(l) >= text.chars().count() {
                v
            } else {
                let keep = code_point_steps(l - o.chars().count() as f64);
                JsValue::String(text.chars().take(keep).collect::<String>() + &o)
            }
        }
        "compact" => JsValue::Array(
            to_array(&v)
                .into_iter()
                .filter(|x| !x.is_nullish())
                .collect(),
        ),
        "escape_once" => JsValue::String(html_escape(&html_unescape(&s()))),
        "strip_html" => JsValue::String(strip_html(&s())),
        "url_decode" => match url_decode(&s().replace('+', " ")) {
            Some(text) => JsValue::String(text),
            None => return Err(FilterError::Render("URI malformed".into())),
        },
        "truncatewords" => {
            arity(name, args, 0, 2)?;
            // `words <= 0`, `slice(0, words)` and `length >= words` all read it as a number.
            let (words, o) = count_and_ellipsis(args, 15.0);
            // `words <= 0` makes it 1 (NaN stays: no word and no ellipsis).
            let words = if words <= 0.0 { 1.0 } else { words };
            let text = s();
            let arr = js_split_space(text.trim_start_matches(js::is_js_space));
            let take = slice_end(words, arr.len());
            let mut ret = arr[..take].join(" ");
            if arr.len() as f64 >= words {
                ret.push_str(&o);
            }
            JsValue::String(ret)
        }
        "slice" => {
            arity(name, args, 1, 2)?;
            // Arguments read as JavaScript reads them: `begin < 0` and `length < 0` compare
            // numbers, `size + begin` and `begin + length` join as text when either side is
            // text (`"1" + 2` is `"12"`); arrays and objects are their text in both.
            let args: Vec<JsValue> = args
                .iter()
                .map(|x| match x {
                    JsValue::Array(_) | JsValue::Object(_) => JsValue::String(x.to_js_string()),
                    other => other.clone(),
                })
                .collect();
            let length = match args.get(1) {
                None | Some(JsValue::Undefined) => num(1.0),
                Some(x) => x.clone(),
            };
            let (v, size) = match v {
                JsValue::Null | JsValue::Undefined => return Ok(JsValue::Array(vec![])),
                JsValue::Array(items) => {
                    let n = items.len();
                    (JsValue::Array(items), n)
                }
                other => {
                    let text = to_str(&other);
                    let n = text.chars().count();
                    (JsValue::String(text), n)
                }
            };
            let begin = if js_number(&args[0]) < 0.0 {
                js_add(&num(size as f64), &args[0])
            } else {
                args[0].clone()
            };
            if js_number(&begin) < 0.0 || js_number(&length) < 0.0 {
                return Ok(match v {
                    JsValue::Array(_) => JsValue::Array(vec![]),
                    _ => JsValue::String(String::new()),
                });
            }
            memory.charge(js_number(&length))?;
            match v {
                JsValue::Array(items) => {
                    // `Array.prototype.slice(begin, begin + length)`.
                    let from = slice_end(js_number(&begin), items.len());
                    let to = slice_end(js_number(&js_add(&begin, &length)), items.len());
                    JsValue::Array(items.into_iter().take(to).skip(from).collect())
                }
                other => JsValue::String(
                    to_str(&other)
                        .chars()
                        .skip(code_point_steps(js_number(&begin)))
                        .take(code_point_steps(js_number(&length)))
                        .collect(),
                ),
            }
        }
        n if LIQUIDJS_FILTERS.contains(&n) => {
            return Err(FilterError::Unsupported(format!("the filter \"{n}\"")));
        }
        // LiquidJS ignores filters it does not know (`strictFilters` is off).
        _ => v,
    })
}

/// The `(v, count = default, ellipsis = '...')` arguments of `truncate`/`truncatewords`: an
/// undefined argument takes its default, the count reads as a number.
fn count_and_ellipsis(args: &[JsValue], default: f64) -> (f64, String) {
    let count = match args.first() {
        None | Some(JsValue::Undefined) => default,
        Some(a) => js_number(a),
    };
    let ellipsis = match args.get(1) {
        None | Some(JsValue::Undefined) => "...".to_string(),
        Some(a) => to_str(a),
    };
    (count, ellipsis)
}

/// `toArray(v)`: nil is empty, an array itself, anything else alone in an array.
fn to_array(v: &JsValue) -> Vec<JsValue> {
    match v {
        JsValue::Null | JsValue::Undefined => Vec::new(),
        JsValue::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

/// JavaScript's `a + b` on primitives: text when either side is text, else a sum.
fn js_add(a: &JsValue, b: &JsValue) -> JsValue {
    if matches!(a, JsValue::String(_)) || matches!(b, JsValue::String(_)) {
        JsValue::String(a.to_js_string() + &b.to_js_string())
    } else {
        num(js_number(a) + js_number(b))
    }
}

/// LiquidJS' `advanceCodePoints(str, from, count)` as a number of characters: its loop runs
/// while `i < count` (so 2.5 is 3 steps, NaN and anything not above 0 none).
fn code_point_steps(count: f64) -> usize {
    if count > 0.0 {
        if count.is_finite() {
            count.ceil() as usize
        } else {
            usize::MAX
        }
    } else {
        0
    }
}

/// An end index of `Array.prototype.slice` (`ToIntegerOrInfinity`, negative from the end,
/// clamped to `0..=len`).
fn slice_end(x: f64, len: usize) -> usize {
    let n = if x.is_nan() { 0.0 } else { x.trunc() };
    let n = if n < 0.0 {
        (len as f64 + n).max(0.0)
    } else {
        n
    };
    n.min(len as f64) as usize
}

/// `str.split(/\s+/)` (JavaScript white space).
fn js_split_space(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find(js::is_js_space) {
        out.push(&rest[..start]);
        let after = &rest[start..];
        let end = after
            .find(|c: char| !js::is_js_space(c))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push(rest);
    out
}

/// LiquidJS `escape`: `&`, `<`, `>`, `"` and `'` as entities.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// LiquidJS `unescape`: the five entities `escape` writes, left to right.
fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let found = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&#34;", '"'),
            ("&#39;", '\''),
        ]
        .into_iter()
        .find(|(e, _)| tail.starts_with(e));
        match found {
            Some((e, c)) => {
                out.push(c);
                rest = &tail[e.len()..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// LiquidJS `strip_html`: `<script>…</script>`, `<style>…</style>`, `<!--…-->` and `<…>`
/// removed; an opener whose closer never comes is not tried again, and an unclosed `<` keeps
/// the rest of the text.
fn strip_html(s: &str) -> String {
    let mut blocks = vec![
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
        ("<", ">"),
    ];
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let Some(lt) = s[i..].find('<').map(|p| p + i) else {
            out.push_str(&s[i..]);
            return out;
        };
        out.push_str(&s[i..lt]);
        let mut k = 0;
        while k < blocks.len() {
            let (opener, closer) = blocks[k];
            if !s[lt..].starts_with(opener) {
                k += 1;
                continue;
            }
            if let Some(e) = s[lt + opener.len()..].find(closer) {
                i = lt + opener.len() + e + closer.len();
                break;
            }
            blocks.remove(k);
        }
        if i <= lt {
            out.push_str(&s[lt..]);
            return out;
        }
    }
    out
}

/// `decodeURIComponent`: `None` where it would throw (a malformed escape or UTF-8 sequence).
fn url_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).ok()
}

fn js_max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.max(y)
    }
}

fn js_min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.min(y)
    }
}

/// `String.prototype.split(sep)` (an empty separator splits into characters).
fn js_split(s: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        // One string per UTF-16 unit: a character outside the BMP gives its two halves.
        return js::utf16::units(s)
            .map(|u| js::utf16::unit_char(u).to_string())
            .collect();
    }
    if js::utf16::has_lone(sep) {
        let split = js::utf16::split_pairs(s);
        return split.split(sep).map(js::utf16::join_pairs).collect();
    }
    s.split(sep).map(str::to_string).collect()
}

/// LiquidJS `round`: half away from zero, shifting the decimal point in the number's text.
fn round(v: f64, digits: f64) -> f64 {
    let shift = |n: f64, e: f64| -> f64 {
        let text = js::number_to_string(n);
        let (mantissa, power) = text.split_once('e').unwrap_or((&text, "0"));
        let power: f64 = power.parse().unwrap_or(0.0);
        format!("{mantissa}e{}", js::number_to_string(power + e))
            .parse()
            .unwrap_or(f64::NAN)
    };
    let scaled = shift(v.abs(), digits);
    if scaled.is_nan() || scaled > 9_007_199_254_740_991.0 {
        return v;
    }
    // `Math.round`: halves go up.
    let rounded = shift((scaled + 0.5).floor(), -digits);
    if v < 0.0 { -rounded } else { rounded }
}

/// `encodeURIComponent`; it throws on a lone surrogate.
fn encode_uri_component(s: &str) -> Result<String, FilterError> {
    percent_encode(s, b"-_.!~*'()")
}

/// `encodeURI(s)`; it throws on a lone surrogate.
fn encode_uri(s: &str) -> Result<String, FilterError> {
    percent_encode(s, b";,/?:@&=+$-_.!~*'()#")
}

/// UTF-8 bytes as `%XX`, except ASCII letters, digits and `keep`.
fn percent_encode(s: &str, keep: &[u8]) -> Result<String, FilterError> {
    if js::utf16::has_lone(s) {
        // Halves side by side are one character; a half alone cannot be encoded.
        let joined = js::utf16::join_pairs(s);
        if js::utf16::has_lone(&joined) {
            return Err(FilterError::Render("URI malformed".into()));
        }
        return percent_encode(&joined, keep);
    }
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}
