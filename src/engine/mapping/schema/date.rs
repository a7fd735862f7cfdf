//! The `date-like` ajv format of actions-core:
//!
//! ```js
//! let date = dayjs(data)
//! if (String(Number(data)) === data) date = dayjs.unix(Number(data))
//! return date.isValid()
//! ```
//!
//! `dayjs(string)` first tries its own pattern (local time, always a valid date when it
//! matches), else `new Date(string)`: V8's parser, ISO first and then its permissive legacy
//! parser. The legacy part is approximated: numbers, month and weekday names, AM/PM, time
//! zones and `(comments)`, with V8's rule that an unknown word after a number invalidates.

use crate::engine::js;

/// Is `s` accepted by the `date-like` format?
pub fn is_date_like(s: &str) -> bool {
    // `String(n)` starts with a digit, `-`, `I`(nfinity) or `N`(aN) and never holds `:` or
    // `T`: other strings (ISO dates among them) cannot be their number's text.
    let may_be_number = s
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'I' | b'N'))
        && !s.contains([':', 'T']);
    let n = if may_be_number {
        super::js_to_number(s)
    } else {
        f64::NAN
    };
    if may_be_number && js::number_to_string(n) == s {
        // dayjs.unix(n): new Date(n * 1000), valid while within ±8.64e15 ms.
        let ms = n * 1000.0;
        return ms.is_finite() && ms.abs() <= 8.64e15;
    }
    dayjs_valid(s)
}

fn dayjs_valid(s: &str) -> bool {
    let ends_with_z = s.ends_with('Z') || s.ends_with('z');
    if !ends_with_z && matches_dayjs_pattern(s) {
        return true;
    }
    v8_date_parse_valid(s)
}

#[derive(Clone, Copy)]
enum Tok {
    /// `\d{min,max}`.
    Digits(usize, usize),
    /// One optional character of the set.
    Opt(&'static str),
    /// Any number of `T`, `t` or whitespace.
    SepStar,
}

/// dayjs' `REGEX_PARSE`:
/// `^(\d{4})[-/]?(\d{1,2})?[-/]?(\d{0,2})[Tt\s]*(\d{1,2})?:?(\d{1,2})?:?(\d{1,2})?[.:]?(\d+)?$`
fn matches_dayjs_pattern(s: &str) -> bool {
    const PATTERN: &[Tok] = &[
        Tok::Digits(4, 4),
        Tok::Opt("-/"),
        Tok::Digits(0, 2),
        Tok::Opt("-/"),
        Tok::Digits(0, 2),
        Tok::SepStar,
        Tok::Digits(0, 2),
        Tok::Opt(":"),
        Tok::Digits(0, 2),
        Tok::Opt(":"),
        Tok::Digits(0, 2),
        Tok::Opt(".:"),
        Tok::Digits(0, usize::MAX),
    ];
    // Only digits, `-`, `/`, `:`, `.`, `T`, `t` and white space can match: anything else (a
    // zone such as `Z` or `+02:00`) rules the pattern out without the backtracking search.
    if !s.chars().all(|c| {
        c.is_ascii_digit() || matches!(c, '-' | '/' | ':' | '.' | 'T' | 't') || is_js_space(c)
    }) {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    match_from(PATTERN, &chars)
}

fn match_from(pat: &[Tok], input: &[char]) -> bool {
    let Some((first, rest)) = pat.split_first() else {
        return input.is_empty();
    };
    match *first {
        Tok::Digits(min, max) => {
            let avail = input.iter().take_while(|c| c.is_ascii_digit()).count();
            let most = avail.min(max);
            if most < min {
                return false;
            }
            (min..=most).rev().any(|n| match_from(rest, &input[n..]))
        }
        Tok::Opt(set) => {
            (input.first().is_some_and(|c| set.contains(*c)) && match_from(rest, &input[1..]))
                || match_from(rest, input)
        }
        Tok::SepStar => {
            let avail = input
                .iter()
                .take_while(|c| **c == 'T' || **c == 't' || is_js_space(**c))
                .count();
            (0..=avail).rev().any(|n| match_from(rest, &input[n..]))
        }
    }
}

fn is_js_space(c: char) -> bool {
    super::super::template::js_trim(c.encode_utf8(&mut [0; 4])).is_empty()
}

fn v8_date_parse_valid(s: &str) -> bool {
    iso_valid(s).unwrap_or_else(|| legacy_valid(s))
}

/// ES date-time string format (`YYYY-MM-DDTHH:mm:ss.sssZ` and its shortenings). `None` when
/// the string is not in that format (V8 then tries its legacy parser).
fn iso_valid(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<u32> {
        let part = b.get(*i..*i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(
            part.iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    };
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
        num(&mut i, 6)?;
    } else {
        num(&mut i, 4)?;
    }
    let (mut month, mut day) = (1, 1);
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = num(&mut i, 2)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            day = num(&mut i, 2)?;
        }
    }
    let mut ok = (1..=12).contains(&month) && (1..=31).contains(&day);
    if i == b.len() {
        return Some(ok);
    }
    if b.get(i) != Some(&b'T') {
        return None;
    }
    i += 1;
    let hour = num(&mut i, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let minute = num(&mut i, 2)?;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        i += 1;
        second = num(&mut i, 2)?;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    ok &= hour <= 24 && minute < 60 && second < 60;
    match b.get(i) {
        None => Some(ok),
        Some(b'Z') if i + 1 == b.len() => Some(ok),
        Some(b'+' | b'-') => {
            i += 1;
            let oh = num(&mut i, 2)?;
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
            let om = num(&mut i, 2)?;
            (i == b.len()).then_some(ok && oh < 24 && om < 60)
        }
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// An approximation of V8's legacy date parser: enough to accept RFC 2822, `toString()`
/// output and `M/D/YYYY` forms, and to reject text without a date.
fn legacy_valid(s: &str) -> bool {
    let mut numbers: Vec<u32> = Vec::new();
    let mut month_name = false;
    let mut read_number = false;
    let mut in_time = false;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut depth = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '(' {
            depth += 1;
            i += 1;
            continue;
        }
        if c == ')' && depth > 0 {
            depth -= 1;
            i += 1;
            continue;
        }
        if depth > 0 {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let value: u32 = text.parse().unwrap_or(u32::MAX);
            read_number = true;
            if chars.get(i) == Some(&':') || in_time {
                // hh:mm[:ss[.ms]] — a time component, not part of the date.
                in_time = chars.get(i) == Some(&':') || chars.get(i) == Some(&'.');
                if in_time && chars.get(i) == Some(&'.') {
                    i += 1;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                    in_time = false;
                }
                continue;
            }
            let prev = start.checked_sub(1).map(|p| chars[p]);
            if matches!(prev, Some('+' | '-')) && numbers.len() >= 3 {
                // A time-zone offset such as +0100.
                continue;
            }
            numbers.push(value);
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
            let prefix: String = word.chars().take(3).collect();
            let known = word.len() >= 3 && DAYS.contains(&prefix.as_str())
                || matches!(
                    word.as_str(),
                    "am" | "pm" | "ut" | "utc" | "gmt" | "z" | "t"
                );
            if word.len() >= 3 && MONTHS.contains(&prefix.as_str()) {
                month_name = true;
            } else if !known && read_number {
                // V8: an unknown word after a number makes the date invalid.
                return false;
            }
            continue;
        }
        i += 1;
    }
    let in_range = |m: u32, d: u32| (1..=12).contains(&m) && (1..=31).contains(&d);
    match (month_name, numbers.as_slice()) {
        (true, [d, _y, ..]) => (1..=31).contains(d) || (1..=31).contains(_y),
        (true, [_one]) => true,
        (false, [a, b, _c, ..]) => {
            if *a > 31 {
                in_range(*b, *_c)
            } else {
                in_range(*a, *b)
            }
        }
        (false, [m, d]) => in_range(*m, *d),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_reference_accepts() {
        let good = [
            "2024-03-15T14:22:33.456Z",
            "2024-03-15T10:22:33.456-04:00",
            "2024-03-15",
            "1710512553456",
            "1710512553",
            "2999-12-31T23:59:59.999Z",
            "2024-03-15T14:22:33.456789Z",
            "2024-03-15T09:22:33-05:00",
            "2024-03-15T14:22:33.456",
            "2024-03-15T19:52:33.456+05:30",
            "2024-03-15T14:22:33Z",
            "Fri, 15 Mar 2024 14:22:33 GMT",
            "2024-03-15 14:22:33",
            "1970-01-01T00:00:00.000Z",
            "3/15/2024",
            "Mar 15 2024 14:22:33 GMT+0100 (Central European Standard Time)",
            "-1",
            "1.5",
        ];
        for s in good {
            assert!(is_date_like(s), "{s} should be date-like");
        }
        let bad = [
            "not a date",
            "abc",
            "12:30",
            "session-abc",
            "yesterday",
            "2024-13-45T00:00:00Z",
            "",
            "15 Mar 2024 foo",
            // Their own number's text, out of dayjs.unix's range.
            "NaN",
            "Infinity",
            "1e+21",
        ];
        for s in bad {
            assert!(!is_date_like(s), "{s} should not be date-like");
        }
    }
}
