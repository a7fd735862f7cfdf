//! Time and session-id conversion with the semantics of `dayjs.utc(x).valueOf()` (dayjs
//! 1.10.7 on V8's `Date`), including its surprises: strings of digits are read as dates
//! (`"1710512553456"` → year 1710, month 51, …), ISO strings without a zone are UTC.

use serde_json::Value;

/// Largest absolute time value a JavaScript `Date` holds (`TimeClip`).
const MAX_TIME: f64 = 8.64e15;

/// `TimeClip`: out of range or not finite → NaN, otherwise truncated towards zero.
fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > MAX_TIME {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

/// Days from 1970-01-01 to the first day of `month` (0-based, any integer) of `year`.
fn days_from_civil(year: f64, month: f64) -> f64 {
    let y = year + (month / 12.0).floor();
    let m = month.rem_euclid(12.0) + 1.0; // 1..=12
    // Howard Hinnant's days_from_civil, in f64 so huge years stay finite.
    let y = if m <= 2.0 { y - 1.0 } else { y };
    let era = (y / 400.0).floor();
    let yoe = y - era * 400.0;
    let mp = (m + 9.0).rem_euclid(12.0);
    let doy = ((153.0 * mp + 2.0) / 5.0).floor();
    let doe = yoe * 365.0 + (yoe / 4.0).floor() - (yoe / 100.0).floor() + doy;
    era * 146097.0 + doe - 719468.0
}

/// `Date.UTC(year, month, day, h, mi, s, ms)` on numbers already converted by `ToNumber`.
pub fn date_utc(year: f64, month: f64, day: f64, h: f64, mi: f64, s: f64, ms: f64) -> f64 {
    let args = [year, month, day, h, mi, s, ms];
    if args.iter().any(|a| !a.is_finite()) {
        return f64::NAN;
    }
    let mut y = year.trunc();
    if (0.0..=99.0).contains(&y) {
        y += 1900.0;
    }
    let days = days_from_civil(y, month.trunc()) + day.trunc() - 1.0;
    let time = h.trunc() * 3_600_000.0 + mi.trunc() * 60_000.0 + s.trunc() * 1000.0 + ms.trunc();
    time_clip(days * 86_400_000.0 + time)
}

/// `dayjs.utc(value).valueOf()` — NaN when dayjs says the date is invalid. `None` stands for
/// `undefined` (which dayjs reads as "now").
pub fn dayjs_utc(value: Option<&Value>, now_ms: f64) -> f64 {
    match value {
        None => now_ms,
        Some(Value::Null) => f64::NAN,
        Some(Value::Number(n)) => time_clip(crate::engine::js::json_number_to_f64(n)),
        Some(Value::Bool(b)) => {
            if *b {
                1.0
            } else {
                0.0
            }
        }
        Some(Value::String(s)) => dayjs_utc_str(s),
        Some(Value::Array(_)) | Some(Value::Object(_)) => f64::NAN,
    }
}

/// dayjs' string path: strings not ending in `Z` that match its `REGEX_PARSE` are read as UTC
/// components; everything else goes to `new Date(string)`.
pub fn dayjs_utc_str(s: &str) -> f64 {
    let ends_with_z = s.ends_with('Z') || s.ends_with('z');
    if !ends_with_z && let Some(g) = match_dayjs_regex(s) {
        let num = |x: Option<&str>| x.map(|t| t.parse::<f64>().unwrap_or(f64::NAN));
        // `d[2] - 1 || 0`: NaN (group missing) and 0 both become 0.
        let month = match num(g[1]) {
            Some(m) if m - 1.0 != 0.0 && !(m - 1.0).is_nan() => m - 1.0,
            _ => 0.0,
        };
        // `d[3] || 1`: the empty string is falsy, "00" is not.
        let day = match g[2] {
            Some(d) if !d.is_empty() => num(Some(d)).unwrap_or(1.0),
            _ => 1.0,
        };
        let or0 = |x: Option<&str>| match x {
            Some(t) if !t.is_empty() => t.parse::<f64>().unwrap_or(0.0),
            _ => 0.0,
        };
        let ms_text: String = g[6].unwrap_or("0").chars().take(3).collect();
        let ms = ms_text.parse::<f64>().unwrap_or(0.0);
        let year = num(g[0]).unwrap_or(f64::NAN);
        return date_utc(year, month, day, or0(g[3]), or0(g[4]), or0(g[5]), ms);
    }
    js_date_parse(s)
}

/// Matches dayjs 1.10.7's
/// `^(\d{4})[-/]?(\d{1,2})?[-/]?(\d{0,2})[Tt\s]*(\d{1,2})?:?(\d{1,2})?:?(\d{1,2})?[.:]?(\d+)?$`
/// with JavaScript's greedy backtracking; returns the seven groups (`None` = not taking part).
fn match_dayjs_regex(s: &str) -> Option<[Option<&str>; 7]> {
    let b = s.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Only digits, `-`, `/`, `:`, `.`, `T`, `t` and white space can match: a zone (`Z`,
    // `+02:00`) rules the pattern out without the backtracking search.
    if !s.chars().all(|c| {
        c.is_ascii_digit() || matches!(c, '-' | '/' | ':' | '.' | 'T' | 't') || is_js_space(c)
    }) {
        return None;
    }
    let mut groups: [Option<(usize, usize)>; 7] = [None; 7];
    groups[0] = Some((0, 4));
    if step(s, 4, 0, &mut groups) {
        let mut out: [Option<&str>; 7] = [None; 7];
        for (o, g) in out.iter_mut().zip(groups.iter()) {
            *o = g.map(|(a, e)| &s[a..e]);
        }
        Some(out)
    } else {
        None
    }
}

fn digits_at(s: &str, pos: usize) -> usize {
    s.as_bytes()[pos..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// The regex after `(\d{4})`, as a sequence of tokens tried in order; `state` says which.
fn step(s: &str, pos: usize, state: usize, g: &mut [Option<(usize, usize)>; 7]) -> bool {
    let b = s.as_bytes();
    let opt_char = |pos: usize, set: &[u8]| -> Vec<usize> {
        if pos < b.len() && set.contains(&b[pos]) {
            vec![pos + 1, pos]
        } else {
            vec![pos]
        }
    };
    // Optional capture of `min..=max` digits (greedy), or not taking part at all.
    let digit_group = |pos: usize,
                       idx: usize,
                       min: usize,
                       max: usize,
                       optional: bool,
                       next: usize,
                       g: &mut [Option<(usize, usize)>; 7]|
     -> bool {
        let avail = digits_at(s, pos).min(max);
        let mut n = avail;
        loop {
            if n >= min {
                g[idx] = Some((pos, pos + n));
                if step(s, pos + n, next, g) {
                    return true;
                }
            }
            if n == 0 {
                break;
            }
            n -= 1;
        }
        if optional {
            g[idx] = None;
            if step(s, pos, next, g) {
                return true;
            }
        }
        g[idx] = None;
        false
    };
    match state {
        0 => opt_char(pos, b"-/").into_iter().any(|p| step(s, p, 1, g)),
        1 => digit_group(pos, 1, 1, 2, true, 2, g),
        2 => opt_char(pos, b"-/").into_iter().any(|p| step(s, p, 3, g)),
        3 => digit_group(pos, 2, 0, 2, false, 4, g),
        4 => {
            // [Tt\s]* greedy
            let mut ends = vec![pos];
            let mut p = pos;
            for c in s[pos..].chars() {
                if c == 'T' || c == 't' || is_js_space(c) {
                    p += c.len_utf8();
                    ends.push(p);
                } else {
                    break;
                }
            }
            ends.into_iter().rev().any(|p| step(s, p, 5, g))
        }
        5 => digit_group(pos, 3, 1, 2, true, 6, g),
        6 => opt_char(pos, b":").into_iter().any(|p| step(s, p, 7, g)),
        7 => digit_group(pos, 4, 1, 2, true, 8, g),
        8 => opt_char(pos, b":").into_iter().any(|p| step(s, p, 9, g)),
        9 => digit_group(pos, 5, 1, 2, true, 10, g),
        10 => opt_char(pos, b".:").into_iter().any(|p| step(s, p, 11, g)),
        11 => digit_group(pos, 6, 1, usize::MAX, true, 12, g),
        _ => pos == s.len(),
    }
}

/// JavaScript's `\s`.
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// `Date.parse(s)` as V8 does it: the ECMAScript ISO format first, then a legacy parser for
/// forms like `Fri, 15 Mar 2024 14:22:33 GMT`. Times without a zone are taken as UTC (the
/// reference ran with a UTC clock).
pub fn js_date_parse(s: &str) -> f64 {
    let t = s.trim();
    if let Some(v) = parse_iso(t) {
        return v;
    }
    parse_legacy(t).unwrap_or(f64::NAN)
}

fn parse_iso(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut p = 0;
    let num = |p: &mut usize, n: usize| -> Option<f64> {
        let part = b.get(*p..*p + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *p += n;
        // At most six digits: exact in an f64 (no float parsing needed).
        Some(
            part.iter()
                .fold(0.0, |acc, d| acc * 10.0 + f64::from(d - b'0')),
        )
    };
    let year = match b.first() {
        Some(b'+') | Some(b'-') => {
            let neg = b[0] == b'-';
            p = 1;
            let y = num(&mut p, 6)?;
            if neg { -y } else { y }
        }
        _ => num(&mut p, 4)?,
    };
    let (mut month, mut day) = (1.0, 1.0);
    if b.get(p) == Some(&b'-') {
        p += 1;
        month = num(&mut p, 2)?;
        if b.get(p) == Some(&b'-') {
            p += 1;
            day = num(&mut p, 2)?;
        }
    }
    if !(1.0..=12.0).contains(&month) || !(1.0..=31.0).contains(&day) {
        return None;
    }
    let (mut h, mut mi, mut sec, mut ms) = (0.0, 0.0, 0.0, 0.0);
    let mut offset_min: f64 = 0.0;
    if p == b.len() {
        return Some(date_utc_full(year, month - 1.0, day, h, mi, sec, ms));
    }
    if b.get(p) != Some(&b'T') && b.get(p) != Some(&b't') {
        return None;
    }
    p += 1;
    h = num(&mut p, 2)?;
    if b.get(p) != Some(&b':') {
        return None;
    }
    p += 1;
    mi = num(&mut p, 2)?;
    if b.get(p) == Some(&b':') {
        p += 1;
        sec = num(&mut p, 2)?;
        if b.get(p) == Some(&b'.') || b.get(p) == Some(&b',') {
            p += 1;
            let n = digits_at(s, p);
            if n == 0 {
                return None;
            }
            ms = frac_ms(s.as_bytes()[p..p + n].iter().copied());
            p += n;
        }
    }
    if h > 24.0 || mi > 59.0 || sec > 59.0 || (h == 24.0 && (mi > 0.0 || sec > 0.0 || ms > 0.0)) {
        return None;
    }
    match b.get(p) {
        None => {}
        Some(b'Z') | Some(b'z') if p + 1 == b.len() => {}
        Some(&c @ (b'+' | b'-')) => {
            p += 1;
            let oh = num(&mut p, 2)?;
            if b.get(p) == Some(&b':') {
                p += 1;
            }
            let om = num(&mut p, 2)?;
            if p != b.len() || oh > 23.0 || om > 59.0 {
                return None;
            }
            offset_min = (oh * 60.0 + om) * if c == b'-' { -1.0 } else { 1.0 };
        }
        _ => return None,
    }
    let t = date_utc_full(year, month - 1.0, day, h, mi, sec, ms);
    Some(time_clip(t - offset_min * 60_000.0))
}

/// `Date.UTC` without the 0..99 → 19xx year mapping (the string parsers do not apply it).
fn date_utc_full(year: f64, month: f64, day: f64, h: f64, mi: f64, s: f64, ms: f64) -> f64 {
    let days = days_from_civil(year, month) + day - 1.0;
    time_clip(days * 86_400_000.0 + h * 3_600_000.0 + mi * 60_000.0 + s * 1000.0 + ms)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// A small version of V8's legacy date parser: day and month names, `hh:mm[:ss[.mmm]]`,
/// `AM`/`PM`, `GMT`/`UTC`/`Z` and numeric offsets, day/month/year numbers.
fn parse_legacy(s: &str) -> Option<f64> {
    let mut month: Option<f64> = None;
    let mut numbers: Vec<f64> = Vec::new();
    let mut time: Option<(f64, f64, f64, f64)> = None;
    let mut pm: Option<bool> = None;
    let mut offset: Option<f64> = None;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '(' {
            while i < chars.len() && chars[i] != ')' {
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect::<String>().to_lowercase();
            if w == "am" || w == "pm" {
                pm = Some(w == "pm");
            } else if w == "gmt" || w == "utc" || w == "ut" || w == "z" {
                offset.get_or_insert(0.0);
            } else if w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)) {
                month = MONTHS
                    .iter()
                    .position(|m| w.starts_with(m))
                    .map(|p| p as f64);
            } else if w.len() >= 3 && DAYS.iter().any(|d| w.starts_with(d)) || w == "t" {
                // Day names are ignored, as V8 does.
            } else {
                return None;
            }
        } else if (c == '+' || c == '-')
            && time.is_some()
            && i + 1 < chars.len()
            && chars[i + 1].is_ascii_digit()
        {
            let start = i + 1;
            i = start;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == ':') {
                i += 1;
            }
            let text: String = chars[start..i].iter().filter(|c| **c != ':').collect();
            let v: f64 = text.parse().ok()?;
            let minutes = if text.len() <= 2 {
                v * 60.0
            } else {
                (v / 100.0).floor() * 60.0 + v % 100.0
            };
            offset = Some(if c == '-' { -minutes } else { minutes });
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let v: f64 = chars[start..i].iter().collect::<String>().parse().ok()?;
            if i < chars.len() && chars[i] == ':' && time.is_none() {
                let mut parts = vec![v];
                let mut ms = 0.0;
                while i < chars.len() && chars[i] == ':' {
                    i += 1;
                    let st = i;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                    parts.push(chars[st..i].iter().collect::<String>().parse().ok()?);
                }
                if i < chars.len() && chars[i] == '.' {
                    i += 1;
                    let st = i;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                    ms = frac_ms(chars[st..i].iter().map(|c| *c as u8));
                }
                time = Some((parts[0], parts[1], parts.get(2).copied().unwrap_or(0.0), ms));
            } else {
                numbers.push(v);
            }
        } else {
            i += 1;
        }
    }
    let (day, mon, year) = match (month, numbers.as_slice()) {
        (Some(m), [d, y]) => (*d, m, *y),
        (Some(m), [d]) => (*d, m, 2001.0),
        (None, [m, d, y]) => (*d, *m - 1.0, *y),
        _ => return None,
    };
    let year = if year < 50.0 {
        year + 2000.0
    } else if year < 100.0 {
        year + 1900.0
    } else {
        year
    };
    let (mut h, mi, sec, ms) = time.unwrap_or((0.0, 0.0, 0.0, 0.0));
    match pm {
        Some(true) if h < 12.0 => h += 12.0,
        Some(false) if h == 12.0 => h = 0.0,
        _ => {}
    }
    if !(0.0..12.0).contains(&mon)
        || !(1.0..=31.0).contains(&day)
        || h > 24.0
        || mi > 59.0
        || sec > 59.0
    {
        return None;
    }
    let t = date_utc_full(year, mon, day, h, mi, sec, ms);
    Some(time_clip(t - offset.unwrap_or(0.0) * 60_000.0))
}

/// `formatSessionId`: a string of digits is `Number(string)`, anything else `dayjs.utc`.
pub fn format_session_id(value: &Value, now_ms: f64) -> f64 {
    if let Value::String(s) = value
        && !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit())
    {
        return s.parse::<f64>().unwrap_or(f64::NAN);
    }
    dayjs_utc(Some(value), now_ms)
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => {
            let f = crate::engine::js::json_number_to_f64(n);
            f != 0.0 && !f.is_nan()
        }
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// Milliseconds from the digits of a fraction of a second: the first three, right-padded
/// with zeros (`"5"` is 500, `"123456"` is 123). The digits are ASCII.
fn frac_ms(digits: impl Iterator<Item = u8>) -> f64 {
    let mut ms = 0.0;
    let mut scale = 100.0;
    for d in digits.take(3) {
        if !d.is_ascii_digit() {
            break;
        }
        ms += f64::from(d - b'0') * scale;
        scale /= 10.0;
    }
    ms
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fractions_of_a_second_take_three_digits() {
        let ms = |s: &str| frac_ms(s.bytes());
        assert_eq!(ms("5"), 500.0);
        assert_eq!(ms("45"), 450.0);
        assert_eq!(ms("456"), 456.0);
        assert_eq!(ms("456789"), 456.0);
        assert_eq!(ms("007"), 7.0);
        assert_eq!(ms(""), 0.0);
    }

    const NOW: f64 = 1717245296789.0;

    #[test]
    fn dayjs_utc_matches_the_reference_observations() {
        let cases: &[(Value, f64)] = &[
            (json!("2024-03-15T14:22:33.456Z"), 1710512553456.0),
            (json!("2024-03-15T10:22:33.456-04:00"), 1710512553456.0),
            (json!("2024-03-15T19:52:33.456+05:30"), 1710512553456.0),
            (json!("2024-03-15T09:22:33-05:00"), 1710512553000.0),
            (json!("Fri, 15 Mar 2024 14:22:33 GMT"), 1710512553000.0),
            (json!("1970-01-01T00:00:00.000Z"), 0.0),
            (json!("2024-03-15"), 1710460800000.0),
            (json!("2024-03-15T14:22:33.456"), 1710512553456.0),
            (json!("2999-12-31T23:59:59.999Z"), 32503679999999.0),
            (json!("2024-03-15T14:22:33Z"), 1710512553000.0),
            (json!("1710512553456"), -8071208094000.0),
            (json!("1710512553"), -8071210800000.0),
            (json!("1629213675449"), -10705032951000.0),
            (json!("2024-03-15 14:22:33"), 1710512553000.0),
            (json!("2024-03-15T14:22:33.456789Z"), 1710512553456.0),
            (json!("2021-08-17T15:21:15+02:00"), 1629206475000.0),
            (json!("2000-10-31T01:30:00.000-05:00"), 972973800000.0),
            (json!(1710512553456u64), 1710512553456.0),
            (json!(1629213675449.7), 1629213675449.0),
            (json!(1e20), f64::NAN),
            (json!("yesterday"), f64::NAN),
            (json!("not a date"), f64::NAN),
            (json!(null), f64::NAN),
        ];
        for (input, want) in cases {
            let got = dayjs_utc(Some(input), NOW);
            assert!(
                got == *want || (got.is_nan() && want.is_nan()),
                "{input}: got {got}, want {want}"
            );
        }
        assert_eq!(dayjs_utc(None, NOW), NOW);
    }

    #[test]
    fn session_ids_follow_format_session_id() {
        let cases: &[(Value, f64)] = &[
            (json!("1710512000000"), 1710512000000.0),
            (json!("0"), 0.0),
            (json!(1710512000000.5), 1710512000000.0),
            (json!(-1), -1.0),
            (json!("2024-03-15T14:13:20.000Z"), 1710512000000.0),
            (json!("2021-06-08"), 1623110400000.0),
        ];
        for (input, want) in cases {
            assert_eq!(format_session_id(input, NOW), *want, "{input}");
        }
    }
}
