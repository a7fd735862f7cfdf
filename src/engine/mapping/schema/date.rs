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
    if !ends_with_z && crate::engine::jsdate::match_dayjs_regex(s).is_some() {
        return true;
    }
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
