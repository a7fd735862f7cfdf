//! JavaScript strings are sequences of UTF-16 units and may hold a lone surrogate (half of an
//! emoji after a cut, or a `"\ud83d"` escape in an event); Rust strings cannot. The engine
//! keeps each lone surrogate as a stand-in character at the top of the last private-use plane,
//! U+10F800 + (unit − 0xD800), which no text in the wild uses: it counts as one UTF-16 unit,
//! compares as its unit, and is written back as `\udXXX` in JSON text (what `JSON.stringify`
//! writes) and as U+FFFD in form fields (what `URLSearchParams` writes).
//!
//! Everything that counts, indexes or compares UTF-16 units goes through this module, so a
//! stand-in behaves as the unit it stands for.

use std::borrow::Cow;

use serde_json::Value;

/// The first stand-in: the one for unit 0xD800.
const BASE: u32 = 0x10_F800;

/// The first UTF-8 byte of every stand-in (and of every character from U+100000 on).
pub const LEAD_BYTE: u8 = 0xF4;

/// The stand-in character of a surrogate `unit` (0xD800..=0xDFFF).
pub fn lone(unit: u16) -> char {
    debug_assert!((0xD800..0xE000).contains(&unit));
    char::from_u32(BASE + u32::from(unit.wrapping_sub(0xD800) & 0x7FF)).unwrap_or('\u{FFFD}')
}

/// The surrogate unit `c` stands for, if it is a stand-in.
#[inline]
pub fn as_lone(c: char) -> Option<u16> {
    let n = u32::from(c);
    (n >= BASE).then(|| (0xD800 + (n - BASE)) as u16)
}

/// The character of one UTF-16 unit: itself, or a stand-in for a surrogate.
#[inline]
pub fn unit_char(unit: u16) -> char {
    char::from_u32(u32::from(unit)).unwrap_or_else(|| lone(unit))
}

/// How many UTF-16 units JavaScript counts for `c` (a stand-in is one).
#[inline]
pub fn char_len(c: char) -> usize {
    if as_lone(c).is_some() {
        1
    } else {
        c.len_utf16()
    }
}

/// JavaScript's `length` of `s`.
pub fn len(s: &str) -> usize {
    // Most strings are ASCII: their length is their byte count.
    if s.is_ascii() {
        return s.len();
    }
    s.chars().map(char_len).sum()
}

/// The UTF-16 units of `c`, as JavaScript holds them.
#[inline]
pub fn char_units(c: char, buf: &mut [u16; 2]) -> &[u16] {
    match as_lone(c) {
        Some(u) => {
            buf[0] = u;
            &buf[..1]
        }
        None => c.encode_utf16(buf),
    }
}

/// The UTF-16 units of `s`, as JavaScript holds them.
pub fn units(s: &str) -> impl Iterator<Item = u16> + Clone + '_ {
    s.chars().flat_map(|c| {
        let mut buf = [0u16; 2];
        let n = char_units(c, &mut buf).len();
        buf.into_iter().take(n)
    })
}

/// The string of UTF-16 `units`; a surrogate without its other half becomes a stand-in, as
/// it stays in JavaScript.
pub fn from_units(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or_else(|e| lone(e.unpaired_surrogate())))
        .collect()
}

/// The UTF-16 unit at `idx` of `s` as a one-unit JavaScript string (`s[idx]`).
pub fn unit_at(s: &str, idx: usize) -> Option<String> {
    let mut pos = 0usize;
    for c in s.chars() {
        let mut buf = [0u16; 2];
        let us = char_units(c, &mut buf);
        if idx < pos + us.len() {
            return Some(unit_char(us[idx - pos]).to_string());
        }
        pos += us.len();
    }
    None
}

/// Whether `s` holds a stand-in.
#[inline]
pub fn has_lone(s: &str) -> bool {
    s.as_bytes().contains(&LEAD_BYTE) && s.chars().any(|c| as_lone(c).is_some())
}

/// `s` as a well-formed string: stand-ins become U+FFFD, as `URLSearchParams`, `TextEncoder`
/// and `fetch` make of a lone surrogate.
pub fn well_formed(s: &str) -> Cow<'_, str> {
    if !has_lone(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        join_pairs(s)
            .chars()
            .map(|c| if as_lone(c).is_some() { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// `s` with each character outside the BMP as the stand-ins of its two surrogates: one
/// character per UTF-16 unit, for searches whose pattern holds a lone surrogate (which finds
/// half of a character in JavaScript). [`join_pairs`] undoes it.
pub fn split_pairs(s: &str) -> Cow<'_, str> {
    if s.chars()
        .all(|c| c.len_utf16() == 1 || as_lone(c).is_some())
    {
        return Cow::Borrowed(s);
    }
    Cow::Owned(units(s).map(unit_char).collect())
}

/// Stand-ins of a high and a low surrogate next to each other joined into their character, as
/// they are one in JavaScript.
pub fn join_pairs(s: &str) -> String {
    if !has_lone(s) {
        return s.to_string();
    }
    from_units(&units(s).collect::<Vec<_>>())
}

/// `s` for people: each stand-in as the `\udXXX` escape of its surrogate (a font has no glyph
/// for it).
pub fn shown(s: &str) -> Cow<'_, str> {
    if !has_lone(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match as_lone(c) {
            Some(u) => out.push_str(&format!("\\u{u:04x}")),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JavaScript's `a < b` ordering of strings: by UTF-16 units, not by code points (they
/// differ for characters above U+FFFF against U+E000..U+FFFF, and for stand-ins).
pub fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    units(a).cmp(units(b))
}

/// A JSON text that `JSON.parse` reads and `serde_json` refuses only for its lone surrogate
/// escapes, rewritten with each of them as its stand-in character. `None` when the text has
/// none. `shifts` receives, per rewritten escape, its line (1-based) and its byte column
/// after the rewrite (each rewrite shortens the line by two bytes), to map positions back.
fn rewrite_lone_escapes(text: &str, shifts: &mut Vec<(usize, usize)>) -> Option<String> {
    let b = text.as_bytes();
    let hex = |i: usize| -> Option<u16> {
        let h = text.get(i..i + 4)?;
        if h.bytes().all(|c| c.is_ascii_hexdigit()) {
            u16::from_str_radix(h, 16).ok()
        } else {
            None
        }
    };
    let mut out = String::new();
    let mut copied = 0; // bytes of `text` already in `out`
    let mut in_string = false;
    let mut line = 1;
    let mut line_start = 0; // in `out` terms, adjusted below
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line += 1;
                line_start = out.len() + (i + 1 - copied);
                i += 1;
            }
            b'"' => {
                in_string = !in_string;
                i += 1;
            }
            b'\\' if in_string => match (b.get(i + 1), hex(i + 2)) {
                (Some(b'u'), Some(u)) if (0xD800..0xE000).contains(&u) => {
                    let pair = u < 0xDC00
                        && text.get(i + 6..i + 8) == Some("\\u")
                        && hex(i + 8).is_some_and(|l| (0xDC00..0xE000).contains(&l));
                    if pair {
                        i += 12;
                    } else {
                        out.push_str(&text[copied..i]);
                        out.push(lone(u));
                        i += 6;
                        copied = i;
                        shifts.push((line, out.len() - line_start));
                    }
                }
                _ => i += 2,
            },
            _ => i += 1,
        }
    }
    if shifts.is_empty() {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Where `JSON.parse` would fail, or what `serde_json` failed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// serde_json's message, without its location.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column (serde_json's count).
    pub column: usize,
    /// 1-based column in characters (what an editor shows; in messages).
    pub char_column: usize,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.char_column
        )
    }
}

impl std::error::Error for JsonError {}

impl JsonError {
    /// The byte range in `text` (the text it was found in) of the character this error points
    /// at, empty at the very end. serde_json's column counts bytes; one inside a character
    /// stands for that character.
    pub fn span(&self, text: &str) -> std::ops::Range<usize> {
        let (start, line) = self.line_in(text);
        let mut at = self.column.saturating_sub(1).min(line.len());
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        let end = line[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        start + at..start + end
    }

    /// Where this error's line starts in `text`, and the line (without its `\n`); the end of
    /// the text when it has fewer lines.
    fn line_in<'t>(&self, text: &'t str) -> (usize, &'t str) {
        let mut start = 0;
        for (n, l) in text.split_inclusive('\n').enumerate() {
            if n + 1 == self.line {
                return (start, l.strip_suffix('\n').unwrap_or(l));
            }
            start += l.len();
        }
        (text.len(), "")
    }

    /// "line 2, column 7: expected value".
    pub fn located(&self) -> String {
        format!(
            "line {}, column {}: {}",
            self.line, self.char_column, self.message
        )
    }

    /// `e` found in `text`.
    fn of(e: &serde_json::Error, text: &[u8]) -> JsonError {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let mut err = JsonError {
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
            line: e.line(),
            column: e.column(),
            char_column: 1,
        };
        err.count_chars(text);
        err
    }

    /// Sets the character column from the byte column; a byte inside a character stands for
    /// that character.
    fn count_chars(&mut self, text: &[u8]) {
        let mut start = 0;
        for _ in 1..self.line {
            match text[start..].iter().position(|&b| b == b'\n') {
                Some(p) => start += p + 1,
                None => {
                    start = text.len();
                    break;
                }
            }
        }
        let line = &text[start..];
        let line = &line[..line.iter().position(|&b| b == b'\n').unwrap_or(line.len())];
        let mut at = self.column.saturating_sub(1).min(line.len());
        while at > 0 && line.get(at).is_some_and(|&b| b & 0xC0 == 0x80) {
            at -= 1;
        }
        self.char_column = line[..at].iter().filter(|&&b| b & 0xC0 != 0x80).count() + 1;
    }
}

/// Whether serde_json refused `e` for a surrogate escape, which JavaScript takes as it is.
fn is_surrogate_error(e: &serde_json::Error) -> bool {
    let m = e.to_string();
    m.starts_with("lone leading surrogate in hex escape")
        || m.starts_with("unexpected end of hex escape")
        || m.starts_with("invalid unicode code point")
}

/// `JSON.parse(text)` into a `serde_json` value: serde_json's parser, plus the lone surrogate
/// escapes JavaScript accepts, kept as stand-ins. Errors carry serde_json's message and the
/// position in `text`.
pub fn parse_json(text: &str) -> Result<Value, JsonError> {
    parse_json_as(text)
}

/// [`parse_json`] into any deserialisable type.
pub fn parse_json_as<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(e) if is_surrogate_error(&e) => {
            let mut shifts = Vec::new();
            let Some(rewritten) = rewrite_lone_escapes(text, &mut shifts) else {
                return Err(JsonError::of(&e, text.as_bytes()));
            };
            serde_json::from_str(&rewritten).map_err(|e| {
                let mut err = JsonError::of(&e, rewritten.as_bytes());
                err.column += 2 * shifts
                    .iter()
                    .filter(|&&(l, c)| l == err.line && c < err.column)
                    .count();
                err.count_chars(text.as_bytes());
                err
            })
        }
        Err(e) => Err(JsonError::of(&e, text.as_bytes())),
    }
}

/// [`parse_json`] of bytes (which must be UTF-8).
pub fn parse_json_slice(bytes: &[u8]) -> Result<Value, JsonError> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(e) => match std::str::from_utf8(bytes) {
            Ok(text) if is_surrogate_error(&e) => parse_json(text),
            _ => Err(JsonError::of(&e, bytes)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_are_located_by_serde_jsons_byte_columns() {
        let text = "ab\ncdé\nf";
        for (line, column, range, chars) in [
            (1, 1, 0..1, 1),
            (1, 2, 1..2, 2),
            (2, 1, 3..4, 1),
            (2, 3, 5..7, 3),
            // Inside the é (its second byte): the é.
            (2, 4, 5..7, 3),
            (2, 9, 7..7, 4),
            (3, 1, 8..9, 1),
            (9, 1, 9..9, 1),
        ] {
            let mut e = JsonError {
                message: String::new(),
                line,
                column,
                char_column: 0,
            };
            e.count_chars(text.as_bytes());
            assert_eq!(e.span(text), range, "{line}:{column}");
            assert_eq!(e.char_column, chars, "{line}:{column}");
        }
        // What serde_json reports for a line with non-ASCII text before the error.
        let text = "{\"é\": x}";
        let e = parse_json(text).unwrap_err();
        assert_eq!(&text[e.span(text)], "x");
        assert_eq!(e.located(), "line 1, column 7: expected value");
        assert_eq!(e.to_string(), "expected value at line 1 column 7");
        assert_eq!(e.column, 8, "serde_json's column counts bytes");
    }

    #[test]
    fn stand_ins_count_and_compare_as_their_units() {
        let s = format!("a{}b", lone(0xD83D));
        assert_eq!(len(&s), 3);
        assert_eq!(units(&s).collect::<Vec<_>>(), [0x61, 0xD83D, 0x62]);
        assert_eq!(len("😀x"), 3);
        assert_eq!(units("😀").collect::<Vec<_>>(), [0xD83D, 0xDE00]);
        assert_eq!(unit_at("😀x", 1), Some(lone(0xDE00).to_string()));
        assert_eq!(unit_at("😀x", 2).as_deref(), Some("x"));
        assert_eq!(unit_at("ab", 2), None);
        // A pair of stand-ins joined again is the character; a lone one stays.
        assert_eq!(
            from_units(&[0xD83D, 0xDE00, 0xD83D]),
            format!("😀{}", lone(0xD83D))
        );
        assert_eq!(as_lone(lone(0xDFFF)), Some(0xDFFF));
        assert_eq!(as_lone('\u{10F7FF}'), None);
        // JavaScript orders by units: U+FFFF after an astral character, a lone high
        // surrogate before U+E000.
        assert_eq!(cmp("\u{FFFF}", "😀"), std::cmp::Ordering::Greater);
        assert_eq!(
            cmp(&lone(0xD83D).to_string(), "\u{E000}"),
            std::cmp::Ordering::Less
        );
        assert_eq!(well_formed(&s), "a\u{FFFD}b");
        assert_eq!(shown(&s), "a\\ud83db");
        let split = split_pairs("a😀");
        assert_eq!(split.chars().count(), 3);
        assert_eq!(join_pairs(&split), "a😀");
        assert_eq!(
            join_pairs(&format!("{}{}", lone(0xDE00), lone(0xD83D)))
                .chars()
                .count(),
            2
        );
    }

    #[test]
    fn json_text_with_lone_surrogates_parses_as_javascript_reads_it() {
        let v = parse_json(r#"{"a":"x\ud83d","b":"\uDE00y","c":"\ud83d\ude00","d":"\\ud83d"}"#)
            .unwrap();
        assert_eq!(v["a"], format!("x{}", lone(0xD83D)));
        assert_eq!(v["b"], format!("{}y", lone(0xDE00)));
        assert_eq!(v["c"], "😀");
        assert_eq!(v["d"], "\\ud83d");
        // High then another high, and a high before a non-surrogate escape.
        let v = parse_json(r#"["\ud83d\ud83d", "\ud83d\u0041"]"#).unwrap();
        assert_eq!(v[0], format!("{0}{0}", lone(0xD83D)));
        assert_eq!(v[1], format!("{}A", lone(0xD83D)));
        // A key can hold one too.
        let v = parse_json(r#"{"\udc00":1}"#).unwrap();
        assert_eq!(v[lone(0xDC00).to_string()], 1);
    }

    #[test]
    fn errors_after_a_rewritten_escape_keep_their_column() {
        let text = "{\"a\":\"\\ud83d\", \"b\": tru}";
        let e = parse_json(text).unwrap_err();
        let plain = serde_json::from_str::<Value>("{\"a\":\"\\u0041\", \"b\": tru}").unwrap_err();
        assert_eq!((e.line, e.column), (plain.line(), plain.column()));
        assert!(e.message.starts_with("expected ident"), "{e}");
        // Other errors stay serde_json's.
        let e = parse_json("[1,]").unwrap_err();
        assert_eq!(e.message, "trailing comma");
    }
}

#[cfg(test)]
mod writing {
    use super::*;
    use crate::engine::js::{stringify, stringify_pretty, write_json_string};

    #[test]
    fn json_text_writes_a_stand_in_as_its_escape() {
        let s = format!("{}x😀\u{10F7FF}{}", lone(0xD83D), lone(0xDFFF));
        let mut out = String::new();
        write_json_string(&mut out, &s);
        assert_eq!(out, "\"\\ud83dx😀\u{10F7FF}\\udfff\"");
        // Two halves side by side are the character; the wrong way round, two escapes.
        let joined = format!("{}{}{}", lone(0xD83D), lone(0xDE00), lone(0xD83D));
        let mut out = String::new();
        write_json_string(&mut out, &joined);
        assert_eq!(out, "\"😀\\ud83d\"");
        let mut out = String::new();
        write_json_string(&mut out, &format!("{}{}", lone(0xDE00), lone(0xD83D)));
        assert_eq!(out, "\"\\ude00\\ud83d\"");
        assert_eq!(well_formed(&joined), "😀\u{FFFD}");
        let v = serde_json::json!({ s.clone(): [s.clone()] });
        assert_eq!(
            stringify(&v),
            "{\"\\ud83dx😀\u{10F7FF}\\udfff\":[\"\\ud83dx😀\u{10F7FF}\\udfff\"]}"
        );
        assert!(stringify_pretty(&v).contains("\"\\ud83dx😀\u{10F7FF}\\udfff\""));
        // Read back, the text gives the same value.
        assert_eq!(parse_json(&stringify(&v)).unwrap(), v);
    }
}
