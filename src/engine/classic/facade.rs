//! Small pieces of Segment's `facade` message wrapper and of the helper packages the classic
//! cloud-mode code used (`obj-case`, `new-date`, `locale-string`, `ua-parser-js`), reduced to
//! what the classic model needs.

use serde_json::{Map, Value};

use super::locale_data::{COUNTRIES, LANGUAGES};

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

/// `a || b` on optional JSON values.
pub fn or<'a>(a: Option<&'a Value>, b: Option<&'a Value>) -> Option<&'a Value> {
    if truthy(a) { a } else { b }
}

/// The value at a dotted path (exact keys).
pub fn path<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(v, |cur, key| cur.get(key))
}

/// `obj-case`'s key normalisation: letters and digits only, lower-case.
fn normalise_key(k: &str) -> String {
    k.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `obj-case` lookup of one key: the exact key, else the first key that matches ignoring case
/// and separators (so `sessionId` finds `session_id`).
pub fn objcase_get<'a>(obj: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    let map = obj?.as_object()?;
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    let want = normalise_key(key);
    map.iter()
        .find(|(k, _)| normalise_key(k) == want)
        .map(|(_, v)| v)
}

/// `obj-case`'s `del`: removes the key, matched as [`objcase_get`] matches it.
pub fn objcase_del(map: &mut Map<String, Value>, key: &str) {
    if map.shift_remove(key).is_some() {
        return;
    }
    let want = normalise_key(key);
    if let Some(k) = map.keys().find(|k| normalise_key(k) == want).cloned() {
        map.shift_remove(&k);
    }
}

/// `facade.timestamp().getTime()`: the `new-date` rules. Numbers below 31557600000 are seconds;
/// ISO-8601 strings without a zone are UTC; 13- and 10-digit strings are ms / seconds.
pub fn timestamp_ms(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => {
            let x = n.as_f64()?;
            Some(if x < 31_557_600_000.0 { x * 1000.0 } else { x })
        }
        Value::String(s) => {
            if let Some(ms) = parse_isodate(s) {
                return Some(ms);
            }
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            if has_digit_run(s, 13) {
                return digits.parse().ok();
            }
            if has_digit_run(s, 10) {
                return digits.parse::<f64>().ok().map(|x| x * 1000.0);
            }
            None
        }
        _ => None,
    }
}

fn has_digit_run(s: &str, n: usize) -> bool {
    let mut run = 0;
    for c in s.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= n {
            return true;
        }
    }
    false
}

/// Segment's `isodate.parse`: `YYYY[-MM[-DD]][(T| )hh[:]mm[[:]ss[.fff]][Z|±hh[:]mm]]`.
fn parse_isodate(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<i64> {
        let part = s.get(*i..*i + n)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *i += n;
        part.parse().ok()
    };
    let year = num(&mut i, 4)?;
    let mut month = 1;
    let mut day = 1;
    let save = i;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match num(&mut i, 2) {
        Some(m) => {
            month = m;
            let save2 = i;
            if b.get(i) == Some(&b'-') {
                i += 1;
            }
            match num(&mut i, 2) {
                Some(d) => day = d,
                None => i = save2,
            }
        }
        None => i = save,
    }
    let (mut hour, mut minute, mut second, mut millis, mut offset_min) = (0, 0, 0, 0, 0);
    if matches!(b.get(i), Some(b' ' | b'T')) {
        i += 1;
        hour = num(&mut i, 2)?;
        if b.get(i) == Some(&b':') {
            i += 1;
        }
        minute = num(&mut i, 2)?;
        let save3 = i;
        if b.get(i) == Some(&b':') {
            i += 1;
        }
        match num(&mut i, 2) {
            Some(sec) => {
                second = sec;
                if matches!(b.get(i), Some(b',' | b'.')) {
                    let start = i + 1;
                    let mut end = start;
                    while b.get(end).is_some_and(u8::is_ascii_digit) {
                        end += 1;
                    }
                    if end == start {
                        return None;
                    }
                    let frac = format!("{}00", &s[start..end]);
                    millis = frac[..3].parse().ok()?;
                    i = end;
                }
            }
            None => i = save3,
        }
        match b.get(i) {
            Some(b'Z') => i += 1,
            Some(sign @ (b'+' | b'-')) => {
                let sign = if *sign == b'+' { -1 } else { 1 };
                i += 1;
                let h = num(&mut i, 2)?;
                if b.get(i) == Some(&b':') {
                    i += 1;
                }
                let m = num(&mut i, 2).unwrap_or(0);
                offset_min = sign * (h * 60 + m);
            }
            _ => {}
        }
    }
    if i != b.len() {
        return None;
    }
    Some(date_utc(
        year,
        month - 1,
        day,
        hour,
        minute + offset_min,
        second,
        millis,
    ) as f64)
}

/// JavaScript `Date.UTC` with its overflow rules.
pub fn date_utc(year: i64, month0: i64, day: i64, h: i64, mi: i64, s: i64, ms: i64) -> i64 {
    let y = year + month0.div_euclid(12);
    let m = month0.rem_euclid(12) + 1;
    let days = days_from_civil(y, m, 1) + day - 1;
    ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `locale-string`'s `parse`: `"en-US"` → (`"English"`, `Some("United States")`). Splits on `-`
/// only; an unknown language or country gives `None` for both.
pub fn parse_locale(locale: &str) -> Option<(&'static str, Option<&'static str>)> {
    let mut parts = locale.split('-');
    let language = parts.next().filter(|l| !l.is_empty())?;
    let country = parts.next();
    let lang_name = LANGUAGES
        .iter()
        .find(|(code, _)| *code == language)
        .map(|(_, n)| *n)?;
    let country_name = match country {
        Some(c) if !c.is_empty() => Some(
            COUNTRIES
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(c))
                .map(|(_, n)| *n)?,
        ),
        _ => None,
    };
    Some((lang_name, country_name))
}

/// `facade.track.revenue()`'s `currency()`: numbers as they are, `"$32"`-style strings parsed
/// (JavaScript `parseFloat` after removing `$`), anything else nothing.
pub fn currency(v: Option<&Value>) -> Option<f64> {
    if !truthy(v) {
        return None;
    }
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_float(&s.replace('$', "")),
        _ => None,
    }
}

/// JavaScript `parseFloat`: the longest numeric prefix after leading white space.
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let digits_start = end;
    while b.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    if b.get(end) == Some(&b'.') {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    if end == digits_start || &t[digits_start..end] == "." {
        return t[digits_start..]
            .starts_with("Infinity")
            .then_some(if t.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut e = end + 1;
        if matches!(b.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        let exp_digits = e;
        while b.get(e).is_some_and(u8::is_ascii_digit) {
            e += 1;
        }
        if e > exp_digits {
            end = e;
        }
    }
    t[..end].parse().ok()
}

/// What the classic code read from a user agent: browser name, browser major version, OS name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserAgentInfo {
    pub browser: Option<String>,
    pub browser_major: Option<String>,
    pub os: Option<String>,
}

/// The browser and OS the classic code read with its `ua-parser-js` fork, here through the
/// port of `@amplitude/ua-parser-js` the Amplitude (Actions) model uses (the same library
/// family; the classic code pinned an older commit of Amplitude's fork).
pub fn parse_user_agent(ua: &str) -> UserAgentInfo {
    let parsed = crate::engine::amplitude::useragent::parse(ua);
    UserAgentInfo {
        browser: parsed.browser_name,
        browser_major: parsed.browser_major,
        os: parsed.os_name,
    }
}

/// `encodeURIComponent` (what the classic code's `urlencode` did to the JSON of each request).
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_follow_new_date() {
        let cases: &[(Value, Option<f64>)] = &[
            (json!("2014"), Some(1388534400000.0)),
            (json!("2016"), Some(1451606400000.0)),
            (json!("2024-05-01T12:00:00.000Z"), Some(1714564800000.0)),
            (json!("2024-05-01T12:00:00Z"), Some(1714564800000.0)),
            (json!("2024-05-01T14:00:00+02:00"), Some(1714564800000.0)),
            (json!("2024-05-01T12:00:00.5Z"), Some(1714564800500.0)),
            (json!("2024-05-01"), Some(1714521600000.0)),
            (json!("1714564800000"), Some(1714564800000.0)),
            (json!("1714564800"), Some(1714564800000.0)),
            (json!(1714564800), Some(1714564800000.0)),
            (json!(1714564800000u64), Some(1714564800000.0)),
            (json!("yesterday"), None),
            (json!(true), None),
        ];
        for (input, want) in cases {
            assert_eq!(timestamp_ms(input), *want, "{input}");
        }
    }

    #[test]
    fn locales_parse_like_locale_string() {
        let cases: &[(&str, Option<(&str, Option<&str>)>)] = &[
            ("en-US", Some(("English", Some("United States")))),
            ("fr-fr", Some(("French", Some("France")))),
            ("de", Some(("German", None))),
            ("en_US", None),
            ("EN-US", None),
            ("xx-US", None),
            ("en-ZZ", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_locale(input), *want, "{input}");
        }
    }

    #[test]
    fn currency_and_parse_float() {
        let cases: &[(Value, Option<f64>)] = &[
            (json!(19.99), Some(19.99)),
            (json!("$32"), Some(32.0)),
            (json!("12.5 USD"), Some(12.5)),
            (json!("abc"), None),
            (json!(0), None),
            (json!(""), None),
            (json!([1]), None),
        ];
        for (input, want) in cases {
            assert_eq!(currency(Some(input)), *want, "{input}");
        }
        assert_eq!(parse_float("1e3x"), Some(1000.0));
        assert_eq!(parse_float("-Infinity"), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn user_agents_give_browser_and_os() {
        let cases: &[(&str, Option<&str>, Option<&str>, Option<&str>)] = &[
            (
                "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
                Some("IE"),
                Some("10"),
                Some("Windows"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                Some("Chrome"),
                Some("120"),
                Some("Windows"),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1",
                Some("Mobile Safari"),
                Some("16"),
                Some("iOS"),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
                Some("Safari"),
                Some("17"),
                Some("Mac OS"),
            ),
            (
                "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
                Some("Firefox"),
                Some("121"),
                Some("Ubuntu"),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
                Some("Edge"),
                Some("120"),
                Some("Windows"),
            ),
            ("curl/8.0.1", None, None, None),
        ];
        for (ua, browser, major, os) in cases {
            let got = parse_user_agent(ua);
            assert_eq!(got.browser.as_deref(), *browser, "{ua}");
            assert_eq!(got.browser_major.as_deref(), *major, "{ua}");
            assert_eq!(got.os.as_deref(), *os, "{ua}");
        }
    }

    #[test]
    fn objcase_matches_ignoring_case_and_separators() {
        let v = json!({"sessionId": 1, "event_type": "x"});
        assert_eq!(objcase_get(Some(&v), "session_id"), Some(&json!(1)));
        assert_eq!(objcase_get(Some(&v), "eventType"), Some(&json!("x")));
        assert_eq!(objcase_get(Some(&v), "event_id"), None);
        let mut m = v.as_object().unwrap().clone();
        objcase_del(&mut m, "session_id");
        assert!(!m.contains_key("sessionId"));
    }

    #[test]
    fn encode_uri_component_keeps_the_unreserved_set() {
        assert_eq!(
            encode_uri_component("{\"a b\":\"é!*'()~\"}"),
            "%7B%22a%20b%22%3A%22%C3%A9!*'()~%22%7D"
        );
    }
}
