//! A port of the lexer of `@segment/fql-ts` 1.10.1 (`lexer.js`), quirks included, with byte
//! spans added.
//!
//! The reference works on UTF-16 code units; this port works on `char`s. The only place where
//! the two differ observably is an escaped astral character in a name (`\😀`), which the
//! reference rejects (the escape takes the high surrogate only); the port rejects it too.

use crate::engine::js::utf16;
use std::ops::Range;

/// Token kinds, as named by the reference (`token.js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    Dot,
    Operator,
    Conditional,
    String,
    Number,
    Null,
    BrackLeft,
    BrackRight,
    ParenLeft,
    ParenRight,
    Comma,
    Eos,
}

/// One token: its kind, its reference `value` text and where it sits in the source (bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    /// The reference's `token.value`: escapes resolved for identifiers, quotes kept for strings.
    pub text: String,
    pub span: Range<usize>,
}

/// Why the reference lexer gave up (it then returns no tokens at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub span: Range<usize>,
    /// A sentence for people.
    pub message: String,
}

/// Something the lexer did that is surprising but not an error (used by the linter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexNote {
    /// A closing quote not followed by a space, `,`, `]`, `)` or the end: the reference keeps
    /// the string but reads that quote again as the start of a new string.
    QuoteReread { quote: usize },
    /// `and`/`or`/`null` prefix at the very end swallowed a character (`an` lexes as `a`).
    SwallowedAtEnd { span: Range<usize> },
}

/// The result of lexing: tokens (ending with `Eos`) or the first error; notes in both cases.
#[derive(Debug, Clone, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub error: Option<LexError>,
    pub notes: Vec<LexNote>,
}

const MAX_LEN: usize = 100_000;

fn is_whitespace(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t' | '\n'))
}

fn is_alpha(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_alphabetic())
}

fn is_digit(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_digit())
}

fn is_ident(c: Option<char>) -> bool {
    matches!(c, Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '\\')
}

/// End of input, whitespace, `,`, `]` or `)`.
pub(crate) fn is_terminator(c: Option<char>) -> bool {
    c.is_none() || is_whitespace(c) || matches!(c, Some(',' | ']' | ')'))
}

struct Lexer<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
    notes: Vec<LexNote>,
}

/// Lexes `src` the way `lex()` of fql-ts does.
pub fn lex(src: &str) -> Lexed {
    let mut lx = Lexer {
        src,
        chars: src.char_indices().collect(),
        pos: 0,
        notes: Vec::new(),
    };
    let mut tokens = Vec::new();
    let result = lx.run(&mut tokens);
    let notes = std::mem::take(&mut lx.notes);
    match result {
        Ok(()) => Lexed {
            tokens,
            error: None,
            notes,
        },
        Err(error) => Lexed {
            tokens: Vec::new(),
            error: Some(error),
            notes,
        },
    }
}

impl Lexer<'_> {
    /// Byte offset of the character at index `i` (the end of the text past the last one).
    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.src.len(), |(b, _)| *b)
    }

    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).map(|(_, c)| *c);
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|(_, c)| *c)
    }

    fn err(&self, from: usize, to: usize, message: String) -> LexError {
        LexError {
            span: self.byte(from)..self.byte(to.max(from)),
            message,
        }
    }

    /// The reference's `accept`: consumes `s` if it follows and is followed by a terminator.
    /// Quirk kept: reaching the end part-way returns `false` *without* giving the characters
    /// back.
    fn accept(&mut self, s: &str) -> bool {
        let mut got = String::new();
        let mut consumed = 0;
        for _ in s.chars() {
            match self.next() {
                None => return false,
                Some(c) => {
                    got.push(c);
                    consumed += 1;
                    if is_terminator(Some(c)) {
                        break;
                    }
                }
            }
        }
        if got == s && is_terminator(self.peek()) {
            return true;
        }
        self.pos -= consumed;
        false
    }

    fn push(
        &self,
        tokens: &mut Vec<Token>,
        kind: TokenKind,
        text: impl Into<String>,
        start: usize,
    ) {
        tokens.push(Token {
            kind,
            text: text.into(),
            span: self.byte(start)..self.byte(self.pos),
        });
    }

    fn run(&mut self, tokens: &mut Vec<Token>) -> Result<(), LexError> {
        loop {
            let start = self.pos;
            let Some(c) = self.next() else {
                self.push(tokens, TokenKind::Eos, "eos", start);
                return Ok(());
            };
            if is_whitespace(Some(c)) {
                continue;
            }
            if c == '!' {
                let n = self.peek();
                if is_alpha(n) || n == Some('(') {
                    self.push(tokens, TokenKind::Operator, "!", start);
                    continue;
                }
            }
            if c.is_ascii_alphabetic() || matches!(c, '!' | '=' | '>' | '<' | '\\' | '_') {
                let (kind, text) = self.operator_or_conditional(c, start)?;
                self.push(tokens, kind, text, start);
                continue;
            }
            if c.is_ascii_digit() || c == '-' || c == '+' {
                let text = self.number(c, start)?;
                self.push(tokens, TokenKind::Number, text, start);
                continue;
            }
            if c == '"' || c == '\'' {
                let text = self.string(c, start)?;
                self.push(tokens, TokenKind::String, text, start);
                continue;
            }
            let kind = match c {
                '.' => TokenKind::Dot,
                '[' => TokenKind::BrackLeft,
                ']' => TokenKind::BrackRight,
                ',' => TokenKind::Comma,
                '(' => TokenKind::ParenLeft,
                ')' => TokenKind::ParenRight,
                _ => return Err(self.err(start, start + 1, invalid_char_message(c))),
            };
            self.push(tokens, kind, c.to_string(), start);
        }
    }

    fn operator_or_conditional(
        &mut self,
        c: char,
        start: usize,
    ) -> Result<(TokenKind, String), LexError> {
        match c {
            '=' => Ok((TokenKind::Operator, "=".into())),
            '!' => {
                if self.accept("=") {
                    return Ok((TokenKind::Operator, "!=".into()));
                }
                let msg = match self.peek() {
                    Some('=') => {
                        "'!=' must be followed by a space (write '!= \"x\"', not '!=\"x\"')"
                            .to_string()
                    }
                    _ => "'!' must be followed by '=' (as in '!=') or by contains(…) / match(…)"
                        .to_string(),
                };
                Err(self.err(start, self.pos + 1, msg))
            }
            'a' | 'o' | 'n' => {
                let (rest, kind, text) = match c {
                    'a' => ("nd", TokenKind::Conditional, "and"),
                    'o' => ("r", TokenKind::Conditional, "or"),
                    _ => ("ull", TokenKind::Null, "null"),
                };
                let before = self.pos;
                if self.accept(rest) {
                    return Ok((kind, text.into()));
                }
                if self.pos != before {
                    self.notes.push(LexNote::SwallowedAtEnd {
                        span: self.byte(start)..self.byte(self.pos),
                    });
                }
                self.ident(c, start)
            }
            '<' | '>' => {
                if self.accept("=") {
                    Ok((TokenKind::Operator, format!("{c}=")))
                } else {
                    Ok((TokenKind::Operator, c.to_string()))
                }
            }
            _ => self.ident(c, start),
        }
    }

    fn ident(&mut self, first: char, start: usize) -> Result<(TokenKind, String), LexError> {
        let mut s = String::new();
        let mut units = 0;
        let mut c = first;
        loop {
            if c == '\\' {
                match self.next() {
                    None => {
                        return Err(self.err(
                            self.pos - 1,
                            self.pos,
                            "'\\' at the end escapes nothing: remove it or add the character to \
                             escape"
                                .into(),
                        ));
                    }
                    Some(e) => {
                        if utf16::char_len(e) > 1 {
                            // The reference escapes one UTF-16 unit: the low surrogate that
                            // follows then ends the name with an error.
                            return Err(self.err(
                                self.pos - 2,
                                self.pos,
                                format!(
                                    "'\\{e}' cannot be escaped: the reference only escapes \
                                     characters of the Basic Multilingual Plane"
                                ),
                            ));
                        }
                        c = e;
                    }
                }
            }
            s.push(c);
            units += utf16::char_len(c);
            if units >= MAX_LEN {
                return Err(self.err(start, self.pos, "this name is unreasonably long".into()));
            }
            if !is_ident(self.peek()) {
                break;
            }
            c = self.next().unwrap_or_default();
        }
        let next = self.peek();
        if is_terminator(next) || matches!(next, Some('.' | '(' | '=' | '!')) {
            return Ok((TokenKind::Ident, s));
        }
        let n = next.unwrap_or_default();
        let raw = &self.src[self.byte(start)..self.byte(self.pos)];
        let msg = if n.is_alphabetic() || !n.is_ascii() {
            format!(
                "'{n}' is not allowed in a name: only ASCII letters, digits, '_' and '-' are; \
                 escape it as '\\{n}'"
            )
        } else if matches!(n, '<' | '>') {
            format!("put a space between '{raw}' and '{n}'")
        } else if matches!(n, '"' | '\'') {
            format!("put a space or an operator between '{raw}' and the quote")
        } else {
            format!(
                "'{n}' cannot follow the name '{raw}'; escape it as '\\{n}' if it is part of it"
            )
        };
        Err(self.err(self.pos, self.pos + 1, msg))
    }

    fn number(&mut self, first: char, start: usize) -> Result<String, LexError> {
        let mut s = String::from(first);
        let mut decimal = false;
        loop {
            let next = self.peek();
            if !(is_digit(next) || next == Some('.')) {
                break;
            }
            let c = self.next().unwrap_or_default();
            s.push(c);
            if c == '.' {
                if is_terminator(self.peek()) {
                    return Err(self.err(
                        start,
                        self.pos,
                        "a number cannot end with '.': write the digits after it or remove it"
                            .into(),
                    ));
                }
                if decimal {
                    return Err(self.err(
                        start,
                        self.pos,
                        "this number has two decimal points".into(),
                    ));
                }
                decimal = true;
            }
            if s.len() > MAX_LEN {
                return Err(self.err(start, self.pos, "this number is unreasonably long".into()));
            }
        }
        Ok(s)
    }

    fn string(&mut self, quote: char, start: usize) -> Result<String, LexError> {
        let mut s = String::new();
        s.push(quote);
        let mut units = 0;
        while self.peek() != Some(quote) {
            match self.next() {
                None => {
                    return Err(self.err(
                        start,
                        self.pos,
                        format!("this string is never closed: add a closing {quote}"),
                    ));
                }
                Some(c) => {
                    s.push(c);
                    units += utf16::char_len(c);
                }
            }
            if units >= MAX_LEN {
                return Err(self.err(start, self.pos, "this string is unreasonably long".into()));
            }
        }
        let quote_at = self.byte(self.pos);
        if !self.accept(&quote.to_string()) {
            self.notes.push(LexNote::QuoteReread { quote: quote_at });
        }
        s.push(quote);
        Ok(s)
    }
}

fn invalid_char_message(c: char) -> String {
    match c {
        '\r' => {
            "a carriage return (\\r) is not allowed outside a string: use plain line feeds".into()
        }
        '~' => "'~' is not allowed in a trigger".into(),
        '$' => "'$' is not allowed: fields are written as properties.x, not $.properties.x".into(),
        c if c.is_alphabetic() => {
            format!(
                "'{c}' is not allowed here: only ASCII letters start a name; escape it as '\\{c}'"
            )
        }
        c => format!("'{}' is not allowed here", c.escape_debug()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, String)> {
        lex(src)
            .tokens
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn quirks_of_the_reference_lexer() {
        use TokenKind::*;
        let cases: Vec<(&str, Vec<(TokenKind, &str)>)> = vec![
            (
                "a == b",
                vec![
                    (Ident, "a"),
                    (Operator, "="),
                    (Operator, "="),
                    (Ident, "b"),
                    (Eos, "eos"),
                ],
            ),
            (
                "x <=5",
                vec![
                    (Ident, "x"),
                    (Operator, "<"),
                    (Operator, "="),
                    (Number, "5"),
                    (Eos, "eos"),
                ],
            ),
            ("1e3", vec![(Number, "1"), (Ident, "e3"), (Eos, "eos")]),
            ("or(", vec![(Ident, "or"), (ParenLeft, "("), (Eos, "eos")]),
            ("an", vec![(Ident, "a"), (Eos, "eos")]),
            ("nu", vec![(Ident, "n"), (Eos, "eos")]),
            (
                "\"a\\\"b\"",
                vec![(String, "\"a\\\""), (String, "\"b\""), (Eos, "eos")],
            ),
            (
                "p\\ 1.\\and",
                vec![(Ident, "p 1"), (Dot, "."), (Ident, "and"), (Eos, "eos")],
            ),
            ("-", vec![(Number, "-"), (Eos, "eos")]),
            ("'x'", vec![(String, "'x'"), (Eos, "eos")]),
            (
                "null)",
                vec![(Null, "null"), (ParenRight, ")"), (Eos, "eos")],
            ),
        ];
        for (src, want) in cases {
            let want: Vec<(TokenKind, std::string::String)> =
                want.into_iter().map(|(k, t)| (k, t.to_string())).collect();
            assert_eq!(kinds(src), want, "{src:?}");
        }
    }

    #[test]
    fn errors_have_spans() {
        for (src, span) in [
            ("x>5", 1..2),
            ("event !=\"x\"", 6..8),
            ("a $", 2..3),
            ("\"abc", 0..4),
            ("1.", 0..2),
            ("1.2.3", 0..4),
            ("caf\\😀", 3..8),
            ("type = \"x\"\r\n", 9..12),
            ("type = \"x\" \r\n", 11..12),
        ] {
            let l = lex(src);
            let e = l.error.unwrap_or_else(|| panic!("{src:?} should fail"));
            assert_eq!(e.span, span, "{src:?}: {}", e.message);
            assert!(l.tokens.is_empty());
        }
    }
}
