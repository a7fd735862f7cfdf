//! LiquidJS 10.30.1's date filters (`date`, `date_to_xmlschema`, `date_to_rfc822`,
//! `date_to_string`, `date_to_long_string`): its `parseDate`, `LiquidDate` and `strftime`, for
//! a reference process whose time zone is UTC (the oracle runs so; Segment's servers presumably
//! too).
//!
//! `"now"`/`"today"` read the clock the caller sets with [`with_clock`] (the engine has none of
//! its own). A time zone given by name is looked up in the reference's own zones (see
//! [`super::tz`]).

use std::cell::Cell;

use super::{FilterCall, FilterError, Memory, js_number, to_str, tz};
use crate::engine::js::number_to_string;
use crate::engine::js::utf16;
use crate::engine::jsdate;
use crate::engine::mapping::value::JsValue;

thread_local! {
    /// What `Date.now()` gives the date filters, while [`with_clock`] runs.
    static CLOCK: Cell<Option<f64>> = const { Cell::new(None) };
}

/// Runs `f` with `now_ms` (milliseconds since the epoch) as the time `"now"` and `"today"`
/// stand for in `@liquid` date filters, as the reference's `Date.now()`. Outside it they are
/// unsupported.
pub fn with_clock<R>(now_ms: f64, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<f64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CLOCK.set(self.0);
        }
    }
    let _restore = Restore(CLOCK.replace(Some(now_ms)));
    f()
}

/// LiquidJS' default `dateFormat`.
const DEFAULT_FORMAT: &str = "%A, %B %-e, %Y at %-l:%M %P %z";

/// The date filters; `None` when the call's name is not one of them.
pub(super) fn filter(call: &FilterCall<'_>) -> Option<Result<JsValue, FilterError>> {
    let FilterCall {
        name,
        v,
        nil_drops,
        mem,
        ..
    } = *call;
    Some(match name {
        "date" => {
            // The `nil` literal is LiquidJS' `NullDrop`, an object: as a time zone it is not
            // missing (`??` keeps it) but a fixed offset of `+null`, zero, without a name.
            let tz = if nil_drops.get(1).copied().unwrap_or(false) {
                &JsValue::Number(0.0)
            } else {
                call.arg(1)
            };
            date(v, call.arg(0), tz, mem)
        }
        "date_to_xmlschema" => date(
            v,
            &JsValue::String("%Y-%m-%dT%H:%M:%S%:z".into()),
            &JsValue::Undefined,
            mem,
        ),
        "date_to_rfc822" => with_date(v, &JsValue::Undefined, |d| {
            strftime(d, "%a, %d %b %Y %H:%M:%S %z", mem)
        }),
        "date_to_string" | "date_to_long_string" => {
            let month = if name == "date_to_string" { "%b" } else { "%B" };
            let (kind, style) = (call.arg(0), call.arg(1));
            with_date(v, &JsValue::Undefined, |d| {
                let format = if matches!(kind, JsValue::String(k) if k == "ordinal") {
                    let day = d.fields().day;
                    if matches!(style, JsValue::String(s) if s == "US") {
                        format!("{month} {day}%q, %Y")
                    } else {
                        format!("{day}%q {month} %Y")
                    }
                } else {
                    format!("%d {month} %Y")
                };
                strftime(d, &format, mem)
            })
        }
        _ => return None,
    })
}

/// `date(v, format, timezoneOffset)`.
fn date(v: &JsValue, format: &JsValue, tz: &JsValue, mem: &Memory) -> Result<JsValue, FilterError> {
    mem.charge(length_property(v) + length_property(tz))?;
    with_date(v, tz, |d| {
        let format = match format {
            JsValue::Null | JsValue::Undefined => DEFAULT_FORMAT.to_string(),
            other => to_str(other),
        };
        mem.charge(utf16::len(&format) as f64)?;
        strftime(d, &format, mem)
    })
}

/// `parseDate(v)`, then `render` on the date, or `v` itself when it is no valid date.
fn with_date(
    v: &JsValue,
    tz: &JsValue,
    render: impl FnOnce(&LiquidDate) -> Result<String, FilterError>,
) -> Result<JsValue, FilterError> {
    match parse_date(v, tz)? {
        Some(d) => Ok(JsValue::String(render(&d)?)),
        None => Ok(v.clone()),
    }
}

/// `(x?.length ?? 0)` as a number (what the filter charges for its input).
fn length_property(v: &JsValue) -> f64 {
    match v {
        JsValue::String(s) => utf16::len(s) as f64,
        JsValue::Array(items) => items.len() as f64,
        JsValue::Object(o) => match o.get("length") {
            Some(JsValue::Number(n)) => *n,
            _ => 0.0,
        },
        _ => 0.0,
    }
}

/// A `LiquidDate`: the instant, and the shifted instant whose UTC fields are the ones shown.
struct LiquidDate<'t> {
    /// `date.getTime()`.
    time: f64,
    /// `displayDate.getTime()`.
    display: f64,
    /// `getTimezoneOffset()`: minutes, positive west of UTC, as JavaScript counts them.
    offset: f64,
    /// `getTimeZoneName()`.
    zone_name: &'t str,
}

/// The calendar fields of `displayDate` (UTC getters).
struct Fields {
    year: f64,
    /// 0–11.
    month: usize,
    day: u32,
    hours: u32,
    minutes: u32,
    seconds: u32,
    millis: u32,
    /// 0 = Sunday.
    weekday: usize,
}

impl LiquidDate<'_> {
    fn fields(&self) -> Fields {
        let days = (self.display / 86_400_000.0).floor();
        let ms = (self.display - days * 86_400_000.0) as u32;
        // Valid dates are within 10^8 days of the epoch.
        let (year, month, day) = jsdate::civil_from_days(days as i64);
        Fields {
            year: year as f64,
            month: month as usize - 1,
            day,
            hours: ms / 3_600_000,
            minutes: ms / 60_000 % 60,
            seconds: ms / 1000 % 60,
            millis: ms % 1000,
            weekday: (days + 4.0).rem_euclid(7.0) as usize,
        }
    }
}

/// `parseDate(v, opts, timezoneOffset)`; `None` for nil or an invalid date.
fn parse_date<'t>(v: &JsValue, tz: &'t JsValue) -> Result<Option<LiquidDate<'t>>, FilterError> {
    let time = match v {
        JsValue::Null | JsValue::Undefined => return Ok(None),
        // `new LiquidDate(Date.now(), …)`.
        JsValue::String(s) if s == "now" || s == "today" => match CLOCK.get() {
            Some(now) => now,
            None => {
                return Err(FilterError::Unsupported(format!(
                    "the date of \"{s}\" without a clock"
                )));
            }
        },
        JsValue::Number(x) => jsdate::time_clip(x * 1000.0),
        JsValue::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            jsdate::time_clip(js_number(v) * 1000.0)
        }
        JsValue::String(s) => jsdate::parse(s),
        // `new Date(value)`: a boolean is a number, an array or object its text.
        JsValue::Bool(b) => jsdate::time_clip(f64::from(u8::from(*b))),
        JsValue::Array(_) | JsValue::Object(_) => jsdate::parse(&v.to_js_string()),
    };
    // `timezoneOffset ?? opts.timezoneOffset`: without one, the process's (UTC) offset.
    let (offset, zone_name) = match tz {
        JsValue::Null | JsValue::Undefined => (if time.is_nan() { f64::NAN } else { 0.0 }, "UTC"),
        // `toLocaleString` of an invalid date is "Invalid Date" whatever the zone.
        JsValue::String(name) if time.is_nan() => (f64::NAN, name.as_str()),
        JsValue::String(name) => match tz::find(name) {
            Some(zone) => (tz::liquid_offset(zone, time), name.as_str()),
            None => {
                return Err(FilterError::Render(
                    format!("Invalid time zone specified: {}", v8_bytes(name)).into(),
                ));
            }
        },
        other => (js_number(other), ""),
    };
    let display = jsdate::time_clip(time + (0.0 - offset) * 60_000.0);
    if display.is_nan() {
        return Ok(None);
    }
    Ok(Some(LiquidDate {
        time,
        display,
        offset,
        zone_name,
    }))
}

/// A name as V8 puts it in its message: each byte of its UTF-8 (WTF-8 for a lone surrogate)
/// read as a Latin-1 character, a NUL byte as a space.
fn v8_bytes(name: &str) -> String {
    let mut out = String::new();
    let mut buf = [0u8; 4];
    for c in name.chars() {
        let bytes: &[u8] = match utf16::as_lone(c) {
            Some(u) => {
                buf[..3].copy_from_slice(&[
                    0xE0 | (u >> 12) as u8,
                    0x80 | ((u >> 6) & 0x3F) as u8,
                    0x80 | (u & 0x3F) as u8,
                ]);
                &buf[..3]
            }
            None => c.encode_utf8(&mut buf).as_bytes(),
        };
        out.extend(
            bytes
                .iter()
                .map(|&b| if b == 0 { ' ' } else { char::from(b) }),
        );
    }
    out
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `isLeapYear` as LiquidJS writes it (year 0 is not a leap year there).
fn is_leap(year: f64) -> bool {
    let y = year as i64 as i32;
    (y & 3) == 0 && (y % 100 != 0 || (y % 400 == 0 && y != 0))
}

/// `getDayOfYear`.
fn day_of_year(f: &Fields) -> u32 {
    let feb = if is_leap(f.year) { 29 } else { 28 };
    let lengths = [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    lengths[..f.month].iter().sum::<u32>() + f.day
}

/// `getWeekOfYear(d, startDay)`.
fn week_of_year(f: &Fields, start: usize) -> u32 {
    let since_start = (f.weekday + 7 - start) % 7;
    (day_of_year(f) + 6 - since_start as u32) / 7
}

/// `toLocaleDateString()` in en-US: `M/D/Y`, the year of its era (no era shown).
fn locale_date(f: &Fields) -> String {
    let year = if f.year <= 0.0 { 1.0 - f.year } else { f.year };
    format!("{}/{}/{}", f.month + 1, f.day, number_to_string(year))
}

/// `toLocaleTimeString()` in en-US: `h:mm:ss AM`.
fn locale_time(f: &Fields) -> String {
    format!(
        "{}:{:02}:{:02} {}",
        hour12(f.hours),
        f.minutes,
        f.seconds,
        am_pm(f.hours)
    )
}

fn hour12(h: u32) -> u32 {
    if h.is_multiple_of(12) { 12 } else { h % 12 }
}

fn am_pm(h: u32) -> &'static str {
    if h < 12 { "AM" } else { "PM" }
}

/// `getTimezoneOffset(d, opts)` of strftime: `+hhmm` (`+hh:mm` with the `:` flag).
fn zone_offset(offset: f64, colon: bool) -> String {
    let n = offset.abs();
    let h = (n / 60.0).floor();
    let m = n % 60.0;
    let mut out = String::from(if offset > 0.0 { "-" } else { "+" });
    out.push_str(&pad_start(&number_to_string(h), 2, '0'));
    if colon {
        out.push(':');
    }
    out.push_str(&pad_start(&number_to_string(m), 2, '0'));
    out
}

/// `padStart(str, length, ch)` on UTF-16 lengths (all texts here are ASCII).
fn pad_start(s: &str, width: usize, ch: char) -> String {
    let len = utf16::len(s);
    if width <= len {
        return s.to_string();
    }
    let mut out: String = std::iter::repeat_n(ch, width - len).collect();
    out.push_str(s);
    out
}

/// One `%` directive as `rFormat` (`/%([-_0^#:]+)?(\d+)?([EO])?(.)/`) matches it at the start
/// of `s`, trying the longest flags and width first as the regular expression backtracks.
struct Directive<'s> {
    len: usize,
    flags: &'s str,
    width: &'s str,
    conversion: char,
}

fn match_directive(s: &str) -> Option<Directive<'_>> {
    let b = s.as_bytes();
    if b.first() != Some(&b'%') {
        return None;
    }
    let is_flag = |c: u8| matches!(c, b'-' | b'_' | b'0' | b'^' | b'#' | b':');
    let max_flags = b[1..].iter().take_while(|&&c| is_flag(c)).count();
    for flags in (0..=max_flags).rev() {
        let at = 1 + flags;
        let max_width = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        for width in (0..=max_width).rev() {
            let at = at + width;
            let modifiers: &[usize] = if matches!(b.get(at), Some(b'E' | b'O')) {
                &[1, 0]
            } else {
                &[0]
            };
            for &m in modifiers {
                // `.`: any one character but a line terminator.
                let Some(c) = s[at + m..].chars().next() else {
                    continue;
                };
                if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                    continue;
                }
                return Some(Directive {
                    len: at + m + c.len_utf8(),
                    flags: &s[1..1 + flags],
                    width: &s[1 + flags..1 + flags + width],
                    conversion: c,
                });
            }
        }
    }
    None
}

/// `strftime(d, format)`.
fn strftime(d: &LiquidDate, format: &str, mem: &Memory) -> Result<String, FilterError> {
    let f = d.fields();
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = (0..rest.len())
        .filter(|&i| rest.as_bytes()[i] == b'%')
        .find(|&i| match_directive(&rest[i..]).is_some())
    {
        out.push_str(&rest[..start]);
        let Some(dir) = match_directive(&rest[start..]) else {
            break;
        };
        out.push_str(&directive(d, &f, &dir, &rest[start..start + dir.len], mem)?);
        rest = &rest[start + dir.len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `format(d, match)`: one directive's text.
fn directive(
    d: &LiquidDate,
    f: &Fields,
    dir: &Directive<'_>,
    input: &str,
    mem: &Memory,
) -> Result<String, FilterError> {
    let num = |x: f64| number_to_string(x);
    let int = |x: u32| x.to_string();
    let flag = |c: char| dir.flags.contains(c);
    let c = dir.conversion;
    let mut ret = match c {
        'a' => DAYS[f.weekday][..3].to_string(),
        'A' => DAYS[f.weekday].to_string(),
        'b' | 'h' => MONTHS[f.month][..3].to_string(),
        'B' => MONTHS[f.month].to_string(),
        'c' => format!("{}, {}", locale_date(f), locale_time(f)),
        'C' => num((f.year / 100.0).floor()),
        'd' | 'e' => int(f.day),
        'H' | 'k' => int(f.hours),
        'I' | 'l' => int(hour12(f.hours)),
        'j' => int(day_of_year(f)),
        'L' => int(f.millis),
        'm' => int(f.month as u32 + 1),
        'M' => int(f.minutes),
        'N' => {
            let width = js_number(&JsValue::String(dir.width.to_string()));
            let width = if width.is_nan() || width == 0.0 {
                9.0
            } else {
                width
            };
            let mut s = format!("{:03}", f.millis);
            s.truncate((width as usize).min(3));
            mem.charge(width - s.len() as f64)?;
            while (s.len() as f64) < width {
                s.push('0');
            }
            s
        }
        'p' => am_pm(f.hours).to_string(),
        'P' => am_pm(f.hours).to_lowercase(),
        'q' => match f.day {
            11..=13 => "th",
            d if d % 10 == 1 => "st",
            d if d % 10 == 2 => "nd",
            d if d % 10 == 3 => "rd",
            _ => "th",
        }
        .to_string(),
        's' => num((d.time / 1000.0).floor()),
        'S' => int(f.seconds),
        'u' => int(if f.weekday == 0 { 7 } else { f.weekday as u32 }),
        'U' => int(week_of_year(f, 0)),
        'w' => int(f.weekday as u32),
        'W' => int(week_of_year(f, 1)),
        'x' => locale_date(f),
        'X' => locale_time(f),
        'y' => num((f.year % 100.0 + 100.0) % 100.0),
        'Y' => num(f.year),
        'z' => zone_offset(d.offset, flag(':')),
        'Z' if !d.zone_name.is_empty() => d.zone_name.to_string(),
        'Z' => zone_offset(d.offset, flag(':')),
        't' => "\t".to_string(),
        'n' => "\n".to_string(),
        '%' => "%".to_string(),
        _ => return Ok(input.to_string()),
    };
    let default_width = match c {
        'C' | 'd' | 'e' | 'H' | 'I' | 'k' | 'l' | 'm' | 'M' | 'S' | 'U' | 'W' | 'y' => 2,
        'j' | 'L' => 3,
        'Y' => 4,
        _ => 0,
    };
    let mut pad = if "aAbBceklpP".contains(c) { ' ' } else { '0' };
    let width = js_number(&JsValue::String(dir.width.to_string()));
    let mut width = if width.is_nan() || width == 0.0 {
        f64::from(default_width)
    } else {
        width
    };
    if flag('^') {
        ret = ret.to_uppercase();
    } else if flag('#') {
        ret = if ret.bytes().any(|b| b.is_ascii_lowercase()) {
            ret.to_uppercase()
        } else {
            ret.to_lowercase()
        };
    }
    if flag('_') {
        pad = ' ';
    } else if flag('0') {
        pad = '0';
    }
    if flag('-') {
        width = 0.0;
    }
    mem.charge(width - utf16::len(&ret) as f64)?;
    let width = width as usize;
    if pad == '0'
        && let Some(digits) = ret.strip_prefix('-')
    {
        return Ok(format!(
            "-{}",
            pad_start(digits, width.saturating_sub(1), pad)
        ));
    }
    Ok(pad_start(&ret, width, pad))
}
