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
//! parser ([`crate::engine::jsdate`]).

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
        c.is_ascii_digit() || matches!(c, '-' | '/' | ':' | '.' | 'T' | 't') || js::is_js_space(c)
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
                .take_while(|c| **c == 'T' || **c == 't' || js::is_js_space(**c))
                .count();
            (0..=avail).rev().any(|n| match_from(rest, &input[n..]))
        }
    }
}

fn v8_date_parse_valid(s: &str) -> bool {
    !crate::engine::jsdate::parse(s).is_nan()
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
