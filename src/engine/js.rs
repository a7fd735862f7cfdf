//! JavaScript semantics the wire format depends on: `Number#toString` and `JSON.stringify`.
//!
//! The reference serialises bodies with `JSON.stringify`, so numbers print as JavaScript prints
//! them (`1e+21`, `100` for `100.0`, `0.30000000000000004`) and object keys that look like array
//! indices come first in ascending order, as they do in any JavaScript object.

use serde_json::Value;

pub mod utf16;

/// `map[key]` for a JSON object. Event objects are small: comparing keys (length and first
/// byte first) beats hashing them, which a `serde_json::Map` lookup does.
#[inline]
pub fn member<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= 16 {
        let first = key.as_bytes().first();
        map.iter()
            .find(|(k, _)| {
                k.len() == key.len() && k.as_bytes().first() == first && k.as_str() == key
            })
            .map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// `map[key] = …`'s slot when the key is there: the same scan as [`member`] for small maps.
#[inline]
pub fn member_mut<'a>(
    map: &'a mut serde_json::Map<String, Value>,
    key: &str,
) -> Option<&'a mut Value> {
    if map.len() <= 16 {
        map.iter_mut()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    } else {
        map.get_mut(key)
    }
}

/// `Number.prototype.toString()` (radix 10) for an `f64`.
pub fn number_to_string(x: f64) -> String {
    let mut out = String::new();
    write_number(&mut out, x);
    out
}

/// Decimal digits of an integer (no formatting machinery: request bodies are full of them).
pub fn write_integer(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends `Number.prototype.toString()` of `x` to `out`.
pub fn write_number(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NaN");
        return;
    }
    if x == 0.0 {
        out.push('0');
        return;
    }
    if x.is_infinite() {
        out.push_str(if x < 0.0 { "-Infinity" } else { "Infinity" });
        return;
    }
    // Integers a double holds exactly print as themselves (the common case: timestamps,
    // counts), without going through the shortest-digits formatting.
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        write_integer(out, x as i64);
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    // zmij (serde_json's own float printer) gives the shortest digits that round-trip,
    // the closest of them when there is a choice, as ECMAScript's Number::toString requires;
    // only the layout differs, so the digits and the point's position are read back out.
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(x.abs());
    // A number with a fraction that zmij writes without an exponent is the plain decimal
    // JavaScript writes from 1e-6 on (prices, coordinates). A whole number gets here only
    // from 2^53 on, written `….0` by zmij: the general layout below drops that.
    if x.abs() >= 1e-6 && !text.bytes().any(|b| b == b'e' || b == b'E') && !text.ends_with(".0") {
        out.push_str(text);
        return;
    }
    let (digits, n) = shortest_digits(text);
    let digits = &digits.buf[..digits.len];
    let digits = std::str::from_utf8(digits).unwrap_or_default();
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(digits);
    } else {
        let e = n - 1;
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        write_integer(out, i64::from(e.abs()));
    }
}

/// Significant digits: an `f64`'s shortest form has at most 17, plus room for zeros a
/// printer might write before its exponent switch (they are dropped at the end).
struct Digits {
    buf: [u8; 40],
    len: usize,
}

/// The significant digits of a positive decimal text (`123.45`, `1.5e-7`, `1e21`, `0.001`)
/// without leading or trailing zeros, and `n`: the value is `0.digits × 10^n`.
fn shortest_digits(text: &str) -> (Digits, i32) {
    let (mantissa, exp) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut n = int_part.len() as i32 + exp;
    let mut d = Digits {
        buf: [0; 40],
        len: 0,
    };
    for b in int_part.bytes().chain(frac_part.bytes()) {
        if b == b'0' && d.len == 0 {
            n -= 1;
            continue;
        }
        if let Some(slot) = d.buf.get_mut(d.len) {
            *slot = b;
            d.len += 1;
        }
    }
    while d.len > 0 && d.buf[d.len - 1] == b'0' {
        d.len -= 1;
    }
    (d, n)
}

/// A JSON number as JavaScript sees it (every number is an `f64`).
pub fn json_number_to_f64(n: &serde_json::Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

/// Is `key` an array index (a canonical integer below 2^32 - 1)? Such keys come first, in
/// ascending numeric order, in every JavaScript object.
pub fn is_array_index(key: &str) -> Option<u32> {
    // Most keys start with a letter: rule them out before anything else.
    if !key.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: u64 = key.parse().ok()?;
    if v < u64::from(u32::MAX) {
        Some(v as u32)
    } else {
        None
    }
}

/// The keys of an object in JavaScript's property order.
pub fn ordered_keys(map: &serde_json::Map<String, Value>) -> Vec<&String> {
    let mut index_keys: Vec<(u32, &String)> = Vec::new();
    let mut other: Vec<&String> = Vec::with_capacity(map.len());
    for k in map.keys() {
        match is_array_index(k) {
            Some(i) => index_keys.push((i, k)),
            None => other.push(k),
        }
    }
    if index_keys.is_empty() {
        return other;
    }
    index_keys.sort_by_key(|(i, _)| *i);
    let mut keys: Vec<&String> = index_keys.into_iter().map(|(_, k)| k).collect();
    keys.extend(other);
    keys
}

/// Whether two values are the same JSON text apart from spacing: like `==`, but members
/// must also be in the same order (serde_json's maps compare as sets, and the order of an
/// event's members is the order of the request's).
pub fn identical(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| identical(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, a), (kb, b))| ka == kb && identical(a, b))
        }
        _ => a == b,
    }
}

/// `JSON.stringify(value)` with no indentation.
pub fn stringify(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

/// `JSON.stringify(value, null, 2)`: what a user is shown, with the numbers and key order
/// the wire text has (serde_json's pretty printer writes `1e16` where JavaScript writes
/// `10000000000000000`).
pub fn stringify_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_pretty(&mut out, value, 0);
    out
}

fn write_pretty(out: &mut String, value: &Value, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, k) in ordered_keys(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json_string(out, k);
                out.push_str(": ");
                write_pretty(out, &map[k.as_str()], depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
        // Scalars, `[]` and `{}` are written as JSON.stringify writes them without indent.
        v => write_json(out, v),
    }
}

/// Appends `JSON.stringify(value)` to `out` (a `String`, or [`Unescaped`] through
/// [`write_escaping_once`]).
pub fn write_json<S: JsonSink + ?Sized>(out: &mut S, value: &Value) {
    match value {
        Value::Null => out.text().push_str("null"),
        Value::Bool(b) => out.text().push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let f = json_number_to_f64(n);
            if f.is_finite() {
                write_number(out.text(), f)
            } else {
                out.text().push_str("null")
            }
        }
        Value::String(s) => out.string(s),
        Value::Array(items) => {
            out.text().push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.text().push(',');
                }
                write_json(out, item);
            }
            out.text().push(']');
        }
        Value::Object(map) => {
            if map.keys().any(|k| is_array_index(k).is_some()) {
                let ordered = ordered_keys(map);
                write_json_object(
                    out,
                    ordered.into_iter().map(|k| (k.as_str(), &map[k.as_str()])),
                );
            } else {
                // Insertion order is already JavaScript's order: no key list, no lookups.
                write_json_object(out, map.iter().map(|(k, v)| (k.as_str(), v)));
            }
        }
    }
}

/// `{"k":v,…}` of these members, in this order (the caller orders index-like keys first).
pub fn write_json_object<'v, S: JsonSink + ?Sized>(
    out: &mut S,
    members: impl Iterator<Item = (&'v str, &'v Value)>,
) {
    out.text().push('{');
    for (i, (k, v)) in members.enumerate() {
        if i > 0 {
            out.text().push(',');
        }
        out.string(k);
        out.text().push(':');
        match v {
            // Most members: strings, written here rather than through a call.
            Value::String(s) => out.string(s),
            v => write_json(out, v),
        }
    }
    out.text().push('}');
}

/// Where JSON text is written. A `String` escapes every string as it goes; [`Unescaped`]
/// leaves that to one check of the whole text (see [`write_escaping_once`]).
pub trait JsonSink {
    /// The text so far, for punctuation, numbers and literals (never for a quote).
    fn text(&mut self) -> &mut String;
    /// A string (value or key), quoted.
    fn string(&mut self, s: &str);
}

impl JsonSink for String {
    #[inline]
    fn text(&mut self) -> &mut String {
        self
    }

    #[inline]
    fn string(&mut self, s: &str) {
        write_json_string(self, s)
    }
}

/// Writes strings quoted but not escaped, and counts them.
pub struct Unescaped<'a> {
    out: &'a mut String,
    strings: usize,
}

impl JsonSink for Unescaped<'_> {
    #[inline]
    fn text(&mut self) -> &mut String {
        self.out
    }

    #[inline]
    fn string(&mut self, s: &str) {
        self.strings += 1;
        self.out.reserve(s.len() + 2);
        self.out.push('"');
        self.out.push_str(s);
        self.out.push('"');
    }
}

/// Something written as JSON text to any [`JsonSink`].
pub trait WriteJson {
    /// Appends the JSON text.
    fn write_to<S: JsonSink + ?Sized>(&self, out: &mut S);
}

/// Appends `value`'s JSON text as [`WriteJson::write_to`] on a `String` would, checking for
/// escapes once over the whole text instead of string by string (a request body holds about
/// fifty strings, most of them a few bytes: the check per string cost more than the copy).
/// Written unescaped first; the text stands when it holds no backslash, no control character
/// and exactly two quotes per string written (so none inside one): only then is it the same
/// as the escaped text. Otherwise it is written again, escaping.
pub fn write_escaping_once<T: WriteJson + ?Sized>(out: &mut String, value: &T) {
    let start = out.len();
    let mut fast = Unescaped { out, strings: 0 };
    value.write_to(&mut fast);
    let strings = fast.strings;
    let text = &out.as_bytes()[start..];
    // Two passes the compiler turns into vector code (no early exit, no table; the quotes
    // are counted in a byte per 255 bytes, which vectorises where a `usize` count did not).
    let quotes = text
        .chunks(255)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == b'"'))))
        .sum::<usize>();
    let escapes = text.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'\\') | (b == utf16::LEAD_BYTE)
    });
    if escapes || quotes != 2 * strings {
        out.truncate(start);
        value.write_to(out);
    }
}

impl WriteJson for Value {
    fn write_to<S: JsonSink + ?Sized>(&self, out: &mut S) {
        write_json(out, self)
    }
}

/// Bytes JSON.stringify escapes: control characters, `"` and backslash.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    // The lead byte of a lone surrogate's stand-in (and of every character from U+100000 on,
    // which the escaping loop copies as they are).
    t[utf16::LEAD_BYTE as usize] = true;
    t
};

/// The length of the leading run of `bytes` that JSON writes as is: no `"`, no backslash, no
/// control character.
pub fn plain_run_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| NEEDS_ESCAPE[usize::from(b)])
        .unwrap_or(bytes.len())
}

/// `JSON.stringify(string)`: quotes and escapes exactly as ECMAScript's QuoteJSONString.
#[inline]
pub fn write_json_string(out: &mut String, s: &str) {
    // Almost every string needs no escape (keys, ids, names): one branch-free pass over the
    // bytes, then a single copy (small enough to inline where bodies are written).
    if s.bytes()
        .fold(false, |any, b| any | NEEDS_ESCAPE[usize::from(b)])
    {
        return write_escaped_json_string(out, s);
    }
    out.reserve(s.len() + 2);
    out.push('"');
    out.push_str(s);
    out.push('"');
}

/// [`write_json_string`] of a string with something to escape.
#[cold]
#[inline(never)]
fn write_escaped_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Runs of bytes needing no escape are copied whole; only `"`, backslash, control characters
    // (all ASCII, so never inside a multi-byte character) and the lead byte of a four-byte
    // character from U+100000 on break a run.
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        let i = start + plain_run_len(&bytes[start..]);
        out.push_str(&s[start..i]);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            utf16::LEAD_BYTE => {
                // A four-byte character: a lone surrogate's stand-in is written as
                // JSON.stringify writes the surrogate, anything else as it is.
                let mut rest = s[i..].chars();
                let c = rest.next().unwrap_or('\u{FFFD}');
                start = i + c.len_utf8();
                match utf16::as_lone(c) {
                    // Two halves side by side (strings joined) are one character in JavaScript.
                    Some(high @ 0xD800..0xDC00) => match rest.next().and_then(utf16::as_lone) {
                        Some(low @ 0xDC00..0xE000) => {
                            out.push_str(&utf16::from_units(&[high, low]));
                            start += 4;
                        }
                        _ => write_unit_escape(out, high),
                    },
                    Some(unit) => write_unit_escape(out, unit),
                    None => out.push(c),
                }
                continue;
            }
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        start = i + 1;
    }
    out.push('"');
}

/// `\udXXX`, the escape JSON.stringify writes for a lone surrogate `unit`.
#[cold]
fn write_unit_escape(out: &mut String, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((unit >> shift) & 0xf)]));
    }
}

/// JavaScript's WhiteSpace and LineTerminator code points (`\s`, what `String#trim` removes).
/// Not Rust's `char::is_whitespace`: JavaScript has U+FEFF and lacks U+0085.
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{0009}'
            | '\u{000A}'
            | '\u{000B}'
            | '\u{000C}'
            | '\u{000D}'
            | '\u{0020}'
            | '\u{00A0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// JavaScript `Number(string)` (StringToNumber): trimmed decimal literal, `0x`/`0o`/`0b`,
/// `Infinity`, empty → 0, anything else → NaN.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    for (prefix, radix) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(digits) = t.strip_prefix(prefix) {
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return f64::NAN;
            }
            return digits.chars().fold(0.0, |acc, c| {
                acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
            });
        }
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'-' => (-1.0, &t[1..]),
        b'+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return sign * f64::INFINITY;
    }
    // A StrDecimalLiteral: digits, optional fraction, optional exponent; nothing else.
    let b = body.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int = digits(&mut i);
    let mut frac = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac = digits(&mut i);
    }
    if int + frac == 0 {
        return f64::NAN;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return f64::NAN;
        }
    }
    if i != b.len() {
        return f64::NAN;
    }
    // Validated above, so Rust's parser (which also takes `.5` and `5.`) agrees.
    body.parse::<f64>().map_or(f64::NAN, |v| sign * v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identical_values_have_their_members_in_the_same_order() {
        let a = json!({"a": 1, "b": [1, {"c": 2, "d": 3}]});
        assert!(identical(&a, &a.clone()));
        let swapped = json!({"b": [1, {"c": 2, "d": 3}], "a": 1});
        let inner = json!({"a": 1, "b": [1, {"d": 3, "c": 2}]});
        for other in [&swapped, &inner] {
            assert_eq!(&a, other, "serde_json's == ignores the order");
            assert!(!identical(&a, other));
        }
        assert!(!identical(&json!(1), &json!(1.0)));
        assert!(!identical(&json!([1]), &json!([1, 2])));
    }

    /// `write_escaping_once` gives the text of escaping string by string, whatever the strings
    /// hold (a quote inside one, two of them balancing out, a backslash, a control character,
    /// in keys or values, nested, index-like keys), after text already in the buffer.
    #[test]
    fn escaping_once_writes_what_escaping_each_string_writes() {
        let strings = [
            "",
            "x",
            "plain text",
            "a\"b",
            "\"",
            "\"\"",
            "back\\slash",
            "tab\t",
            "nl\n",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            "é漢😀",
            "\u{2028}",
            "0",
            "10",
            "{\"k\":\"v\"}",
        ];
        let mut values = Vec::new();
        for (i, a) in strings.iter().enumerate() {
            for b in &strings[i..] {
                values.push(json!({ *a: *b, "n": 1.5, "k": [*b, null, true, {"x": *a}] }));
                values.push(json!([*a, *b]));
                values.push(json!({ "1": *a, "z": *b, "0": { *b: *a } }));
            }
        }
        for v in &values {
            for prefix in ["", "{\"api_key\":\"a\\\"b\",\"events\":["] {
                let mut once = prefix.to_string();
                write_escaping_once(&mut once, v);
                assert_eq!(once, format!("{prefix}{}", stringify(v)), "{v}");
            }
        }
        // The unescaped attempt is what would be wrong on these: the check must see it.
        let mut unescaped = String::new();
        json!({"a\"": "\"b"}).write_to(&mut Unescaped {
            out: &mut unescaped,
            strings: 0,
        });
        assert_ne!(unescaped, stringify(&json!({"a\"": "\"b"})));
    }

    #[test]
    fn numbers_print_as_v8_prints_them() {
        // `String(x)` from node for 10,000 doubles: random bit patterns, short decimals
        // (prices, coordinates) and halfway cases, where the last digit is a choice.
        let goldens = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/js_number_strings.txt"
        ));
        let mut checked = 0;
        for line in goldens.lines() {
            let (bits, want) = line.split_once(' ').unwrap();
            let x = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
            assert_eq!(number_to_string(x), want, "bits {bits}");
            checked += 1;
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn integers_print_like_number_to_string() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (-1.0, "-1"),
            (10.0, "10"),
            (-0.0, "0"),
            (1717245296789.0, "1717245296789"),
            (9_007_199_254_740_991.0, "9007199254740991"),
            (-9_007_199_254_740_991.0, "-9007199254740991"),
            (9_007_199_254_740_992.0, "9007199254740992"),
            (1e21, "1e+21"),
        ];
        for (x, want) in cases {
            assert_eq!(number_to_string(*x), *want, "for {x}");
        }
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (100.0, "100"),
            (-42.5, "-42.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (2.5e300, "2.5e+300"),
            (9007199254740993.0, "9007199254740992"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1717245296789.0, "1717245296789"),
            (19.99, "19.99"),
        ];
        for (x, want) in cases {
            assert_eq!(number_to_string(*x), *want, "for {x:?}");
        }
    }

    #[test]
    fn strings_escape_exactly_like_quote_json_string() {
        // QuoteJSONString, character by character.
        fn reference(s: &str) -> String {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\u{08}' => out.push_str("\\b"),
                    '\u{0c}' => out.push_str("\\f"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        let mut all_ascii = String::new();
        for b in 0u8..0x80 {
            all_ascii.push(char::from(b));
        }
        for s in [
            "",
            "plain",
            all_ascii.as_str(),
            "é\u{1f600}\"x\\y\u{1f}\u{7f}\u{2028}",
            "\n\nend",
            "a longer text of plain bytes, then a quote\" and more plain bytes after it\\",
            "0123456789abcdef\u{1f}0123456789abcdef\u{7f}\u{80}\u{ff}ÿ",
            "\u{0}",
        ] {
            let mut out = String::new();
            write_json_string(&mut out, s);
            assert_eq!(out, reference(s), "for {s:?}");
        }
    }

    #[test]
    fn plain_runs_stop_at_the_first_byte_to_escape() {
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for p in 0..20 {
                let mut bytes = vec![b'a'; p];
                bytes.push(special);
                bytes.extend_from_slice(b"\x7f\x80bcdefghij\"");
                assert_eq!(plain_run_len(&bytes), p, "{special} at {p}");
            }
        }
        for n in 0..20 {
            let bytes = vec![0xffu8; n];
            assert_eq!(plain_run_len(&bytes), n);
        }
    }

    #[test]
    fn stringify_orders_index_keys_first_and_escapes_like_js() {
        let v: Value = serde_json::from_str(
            r#"{"b":1,"10":2,"a":[1.0,2.5e21,null],"2":"x\u0001\"\n/","01":true}"#,
        )
        .unwrap();
        assert_eq!(
            stringify(&v),
            r#"{"2":"x\u0001\"\n/","10":2,"b":1,"a":[1,2.5e+21,null],"01":true}"#
        );
        assert_eq!(
            stringify(&json!(12345678901234567890u64)),
            "12345678901234567000"
        );
        assert_eq!(is_array_index("4294967294"), Some(4294967294));
        assert_eq!(is_array_index("4294967295"), None);
    }

    /// `tests/data/js_string_numbers.txt`: `[string, String(Number(string))]` (`-0` kept) from
    /// node 20: decimal, exponent, radix and `Infinity` forms, white space, random soups.
    #[test]
    fn strings_convert_to_numbers_as_v8_does() {
        let text = include_str!("../../tests/data/js_string_numbers.txt");
        let mut failures = Vec::new();
        for line in text.lines() {
            let (s, want): (String, String) = serde_json::from_str(line).unwrap();
            let v = string_to_number(&s);
            let got = if v == 0.0 && v.is_sign_negative() {
                "-0".to_string()
            } else {
                number_to_string(v)
            };
            if got != want {
                failures.push(format!("{s:?}: got {got}, node {want}"));
            }
        }
        assert!(text.lines().count() > 5_000);
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// `JSON.stringify(v, null, 2)` as node writes it (numbers up to 1e21 in full, index-like
    /// keys first, empty containers, escapes).
    #[test]
    fn pretty_text_is_javascripts() {
        let v: Value = serde_json::from_str(
            r#"{"b":[1e16,1e-7,0.000001,12345678901234567890,1e21,[],{},"é\n\u001f"],"10":null,"2":{"x":true,"y":[[]]},"a":-0.5}"#,
        )
        .unwrap();
        let node = "{\n  \"2\": {\n    \"x\": true,\n    \"y\": [\n      []\n    ]\n  },\n  \"10\": null,\n  \"b\": [\n    10000000000000000,\n    1e-7,\n    0.000001,\n    12345678901234567000,\n    1e+21,\n    [],\n    {},\n    \"é\\n\\u001f\"\n  ],\n  \"a\": -0.5\n}";
        assert_eq!(stringify_pretty(&v), node);
        assert_eq!(stringify_pretty(&Value::from("x")), "\"x\"");
    }
}
