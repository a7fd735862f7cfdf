//! Time and session-id conversion with the semantics of `dayjs.utc(x).valueOf()` (dayjs
//! 1.11.23 on V8's `Date`, [`crate::engine::jsdate`]), including its surprises: strings of digits are read as dates
//! (`"1710512553456"` → year 1710, month 51, …), ISO strings without a zone are UTC.

use serde_json::Value;

use crate::engine::jsdate::{days_from_civil, time_clip};

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
    if !ends_with_z && let Some(g) = crate::engine::jsdate::match_dayjs_regex(s) {
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
    crate::engine::jsdate::parse(s)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    /// `tests/data/dayjs_strings.txt`: `[string, date-like, dayjs.utc(string) or null]` from
    /// node 20 with the reference's actions-core and dayjs (`TZ=UTC`): the schema's
    /// `date-like` check and the actions' time conversion, string by string.
    #[test]
    fn strings_validate_and_convert_as_the_reference_does() {
        let text = include_str!("../../../tests/data/dayjs_strings.txt");
        let mut failures = Vec::new();
        for line in text.lines() {
            let (s, date_like, want): (String, bool, Option<f64>) =
                serde_json::from_str(line).unwrap();
            if crate::engine::mapping::schema::date::is_date_like(&s) != date_like {
                failures.push(format!("{s:?}: date-like should be {date_like}"));
            }
            let got = dayjs_utc_str(&s);
            let same = match want {
                None => got.is_nan(),
                Some(w) => got == w,
            };
            if !same {
                failures.push(format!("{s:?}: got {got}, node {want:?}"));
            }
        }
        assert!(text.lines().count() > 10_000);
        assert!(
            failures.is_empty(),
            "{} differ:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }
}
