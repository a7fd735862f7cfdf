//! `Date.parse(string)` as V8 (Node 20) computes it, with the clock's zone at UTC as the
//! reference ran: the ES5 ISO form first, then, from wherever that stops, V8's permissive legacy
//! parser (`Fri, 15 Mar 2024 14:22:33 GMT`, `3/15/24 2:22 PM`, …).
//!
//! The algorithm follows V8's documented grammar and behaviour token by token, because the
//! edges matter here: a timestamp that V8 rejects makes the reference answer with a validation
//! error, one it accepts becomes a number in the request. Checked against 15,000+ strings parsed
//! by node (`tests/data/js_date_parse.txt`).
//!
//! The input is read as UTF-16 code units, as V8 reads a string: every unit from `A` (0x41) up
//! that is not white space is part of a "word" (so `é`, `_` or `[` glued to a number make the
//! date invalid), white space is JavaScript's (U+0085 is not), and a NUL unit ends the input.

use std::cell::RefCell;

/// Largest absolute time value a JavaScript `Date` holds (`TimeClip`).
pub const MAX_TIME: f64 = 8.64e15;

/// `TimeClip`: out of range or not finite → NaN, otherwise truncated towards zero.
pub fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > MAX_TIME {
        f64::NAN
    } else {
        t.trunc() + 0.0
    }
}

/// Days from 1970-01-01 to the first day of `month` (0-based, any integer) of `year`.
pub fn days_from_civil(year: f64, month: f64) -> f64 {
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

/// [`days_from_civil`] for a month 0–11 of a year that fits easily in integers.
fn days_from_civil_i64(year: i64, month: i64) -> i64 {
    let y = if month < 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 10) % 12;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * mp + 2) / 5;
    era * 146_097 + doe - 719_468
}

/// The Gregorian year, month (1–12) and day of a day count since 1970-01-01 (Howard Hinnant's
/// civil_from_days; the inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `Date.parse(s)`: milliseconds since the epoch, NaN when V8 cannot read `s`.
pub fn parse(s: &str) -> f64 {
    // An event's timestamp is read twice: by the schema's `date-like` check, then by the
    // action. The second time is answered from the first.
    thread_local! {
        static LAST: Memo<f64> = const { RefCell::new((String::new(), f64::NAN)) };
    }
    remembered(&LAST, s, parse_uncached)
}

/// The last text a pure function of a text was asked about, and its answer.
type Memo<T> = RefCell<(String, T)>;

/// `compute(s)`, answered from `memo` when `s` is the text it was last asked about; texts
/// over 64 bytes are not kept (dates are short; a long text is not kept alive for nothing).
fn remembered<T: Copy>(
    memo: &'static std::thread::LocalKey<Memo<T>>,
    s: &str,
    compute: impl FnOnce(&str) -> T,
) -> T {
    if s.len() > 64 {
        return compute(s);
    }
    memo.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != s {
            last.1 = compute(s);
            last.0.clear();
            last.0.push_str(s);
        }
        last.1
    })
}

fn parse_uncached(s: &str) -> f64 {
    if let Some(f) = canonical_fields(s.as_bytes()) {
        // Years 0–9999 in UTC: whole milliseconds, exact in integers and far inside the
        // valid range, so the general arithmetic below would give this same value.
        let days =
            days_from_civil_i64(i64::from(f.year), i64::from(f.month)) + i64::from(f.day) - 1;
        let ms = ((days * 24 + i64::from(f.hour)) * 60 + i64::from(f.minute)) * 60_000
            + i64::from(f.second) * 1000
            + i64::from(f.millisecond);
        return ms as f64;
    }
    parse_fields(s).map_or(f64::NAN, time_value)
}

/// The time value of parsed fields (`MakeDate(MakeDay(…), MakeTime(…))`, then the zone).
fn time_value(f: Fields) -> f64 {
    let day = days_from_civil(f.year as f64, f.month as f64) + f.day as f64 - 1.0;
    let time = f.hour as f64 * 3_600_000.0
        + f.minute as f64 * 60_000.0
        + f.second as f64 * 1000.0
        + f.millisecond as f64;
    let mut date = day * 86_400_000.0 + time;
    if let Some(offset_s) = f.utc_offset_s {
        date -= offset_s as f64 * 1000.0;
    }
    // A local time (no zone) is UTC here; either way the result must be a valid time value.
    time_clip(date)
}

/// The fields of the one shape nearly every event timestamp has, `YYYY-MM-DDTHH:mm:ss[.s[s[s]]]Z`
/// with every field in range, read directly (what the general parser gives for it, at a tenth
/// of the cost); `None` for anything else, which the general parser then reads.
fn canonical_fields(b: &[u8]) -> Option<Fields> {
    // The first twenty bytes as an array: the field reads below need no bounds checks.
    let (h, rest): (&[u8; 20], &[u8]) = b.split_first_chunk()?;
    if rest.len() > 4
        || h[4] != b'-'
        || h[7] != b'-'
        || h[10] != b'T'
        || h[13] != b':'
        || h[16] != b':'
    {
        return None;
    }
    // Each digit's value, or 10 and more for any other byte: one test per field.
    #[inline(always)]
    fn d(b: u8) -> i32 {
        i32::from(b.wrapping_sub(b'0'))
    }
    #[inline(always)]
    fn two(hi: u8, lo: u8) -> Option<i32> {
        let (hi, lo) = (d(hi), d(lo));
        (hi < 10 && lo < 10).then_some(hi * 10 + lo)
    }
    let millisecond = match *rest {
        [] if h[19] == b'Z' => 0,
        // One to three digits after the point: tenths, hundredths, thousandths.
        [t, b'Z'] if h[19] == b'.' && d(t) < 10 => d(t) * 100,
        [t, u, b'Z'] if h[19] == b'.' => two(t, u)? * 10,
        [t, u, v, b'Z'] if h[19] == b'.' && d(v) < 10 => two(t, u)? * 10 + d(v),
        _ => return None,
    };
    let fields = Fields {
        year: two(h[0], h[1])? * 100 + two(h[2], h[3])?,
        month: two(h[5], h[6])? - 1,
        day: two(h[8], h[9])?,
        hour: two(h[11], h[12])?,
        minute: two(h[14], h[15])?,
        second: two(h[17], h[18])?,
        millisecond,
        utc_offset_s: Some(0),
    };
    (between(fields.month, 0, 11)
        && DayParts::is_day(fields.day)
        && between(fields.hour, 0, 23)
        && is_minute(fields.minute)
        && is_minute(fields.second))
    .then_some(fields)
}

/// Missing value (V8's `kNone`).
const NONE: i32 = i32::MAX;
/// Digits of a numeral that count; the rest are skipped.
const MAX_SIGNIFICANT_DIGITS: usize = 9;

/// The components of a parsed date (month 0-based).
struct Fields {
    year: i32,
    month: i32,
    day: i32,
    hour: i32,
    minute: i32,
    second: i32,
    millisecond: i32,
    utc_offset_s: Option<i32>,
}

fn between(x: i32, lo: i32, hi: i32) -> bool {
    (x as u32).wrapping_sub(lo as u32) <= (hi as u32).wrapping_sub(lo as u32)
}

/// Characters one at a time (UTF-16 code units); 0 at the end.
struct Reader<I: Iterator<Item = u16>> {
    units: I,
    ch: u32,
    position: usize,
}

impl<I: Iterator<Item = u16>> Reader<I> {
    fn new(units: I) -> Self {
        let mut r = Reader {
            units,
            ch: 0,
            position: 0,
        };
        r.advance();
        r
    }

    fn advance(&mut self) {
        self.ch = self.units.next().map_or(0, u32::from);
        self.position += 1;
    }

    fn is_digit(&self) -> bool {
        (u32::from(b'0')..=u32::from(b'9')).contains(&self.ch)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    /// A word that is not a keyword.
    Other,
    Month,
    Zone,
    TimeSeparator,
    AmPm,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Token {
    Invalid,
    Unknown,
    Number { value: i32, len: usize },
    Symbol(u8),
    WhiteSpace,
    End,
    Word { kind: Word, value: i32, len: usize },
}

impl Token {
    fn is_number(self) -> bool {
        matches!(self, Token::Number { .. })
    }
    fn is_number_of_len(self, n: usize) -> bool {
        matches!(self, Token::Number { len, .. } if len == n)
    }
    fn number(self) -> i32 {
        match self {
            Token::Number { value, .. } => value,
            _ => 0,
        }
    }
    fn is_symbol(self, c: u8) -> bool {
        self == Token::Symbol(c)
    }
    fn sign(self) -> Option<i32> {
        match self {
            Token::Symbol(b'+') => Some(1),
            Token::Symbol(b'-') => Some(-1),
            _ => None,
        }
    }
    fn is_z(self) -> bool {
        matches!(
            self,
            Token::Word {
                kind: Word::Zone,
                value: 0,
                len: 1
            }
        )
    }
}

/// Keywords by their first three letters (lower case, zero-padded); only month names may be
/// longer than their prefix.
const KEYWORDS: [([u8; 3], Word, i32); 26] = [
    (*b"jan", Word::Month, 1),
    (*b"feb", Word::Month, 2),
    (*b"mar", Word::Month, 3),
    (*b"apr", Word::Month, 4),
    (*b"may", Word::Month, 5),
    (*b"jun", Word::Month, 6),
    (*b"jul", Word::Month, 7),
    (*b"aug", Word::Month, 8),
    (*b"sep", Word::Month, 9),
    (*b"oct", Word::Month, 10),
    (*b"nov", Word::Month, 11),
    (*b"dec", Word::Month, 12),
    (*b"am\0", Word::AmPm, 0),
    (*b"pm\0", Word::AmPm, 12),
    (*b"ut\0", Word::Zone, 0),
    (*b"utc", Word::Zone, 0),
    (*b"z\0\0", Word::Zone, 0),
    (*b"gmt", Word::Zone, 0),
    (*b"cdt", Word::Zone, -5),
    (*b"cst", Word::Zone, -6),
    (*b"edt", Word::Zone, -4),
    (*b"est", Word::Zone, -5),
    (*b"mdt", Word::Zone, -6),
    (*b"mst", Word::Zone, -7),
    (*b"pdt", Word::Zone, -7),
    (*b"pst", Word::Zone, -8),
];

/// Tokens with one of look-ahead.
struct Scanner<I: Iterator<Item = u16>> {
    input: Reader<I>,
    next: Token,
}

impl<I: Iterator<Item = u16>> Scanner<I> {
    fn new(units: I) -> Self {
        let mut input = Reader::new(units);
        let next = scan(&mut input);
        Scanner { input, next }
    }

    fn next(&mut self) -> Token {
        let t = self.next;
        self.next = scan(&mut self.input);
        t
    }

    fn peek(&self) -> Token {
        self.next
    }

    fn skip_symbol(&mut self, c: u8) -> bool {
        if self.next.is_symbol(c) {
            self.next = scan(&mut self.input);
            true
        } else {
            false
        }
    }
}

fn scan<I: Iterator<Item = u16>>(r: &mut Reader<I>) -> Token {
    let start = r.position;
    if r.ch == 0 {
        return Token::End;
    }
    if r.is_digit() {
        // Leading zeros do not count towards the significant digits.
        while r.ch == u32::from(b'0') {
            r.advance();
        }
        let mut value: i32 = 0;
        let mut i = 0;
        while r.is_digit() {
            if i < MAX_SIGNIFICANT_DIGITS {
                value = value * 10 + (r.ch - u32::from(b'0')) as i32;
            }
            i += 1;
            r.advance();
        }
        return Token::Number {
            value,
            len: r.position - start,
        };
    }
    if let Ok(c @ (b':' | b'-' | b'+' | b'.' | b')')) = u8::try_from(r.ch) {
        r.advance();
        return Token::Symbol(c);
    }
    if is_word_unit(r.ch) {
        let mut prefix = [0u8; 3];
        let mut len = 0;
        while is_word_unit(r.ch) {
            if len < 3 {
                // ASCII letters fold to lower case; nothing else can equal a keyword letter.
                let lower = r.ch | 0x20;
                prefix[len] = if lower <= 0x7f { lower as u8 } else { 0xff };
            }
            len += 1;
            r.advance();
        }
        if prefix == *b"t\0\0" {
            return Token::Word {
                kind: Word::TimeSeparator,
                value: 0,
                len,
            };
        }
        let found = KEYWORDS
            .iter()
            .find(|(p, kind, _)| *p == prefix && (len <= 3 || *kind == Word::Month));
        return match found {
            Some((_, kind, value)) => Token::Word {
                kind: *kind,
                value: *value,
                len,
            },
            None => Token::Word {
                kind: Word::Other,
                value: 0,
                len,
            },
        };
    }
    if is_space_unit(r.ch) {
        r.advance();
        return Token::WhiteSpace;
    }
    if r.ch == u32::from(b'(') {
        let mut balance = 0;
        loop {
            if r.ch == u32::from(b')') {
                balance -= 1;
            } else if r.ch == u32::from(b'(') {
                balance += 1;
            }
            r.advance();
            if balance <= 0 || r.ch == 0 {
                break;
            }
        }
        return Token::Unknown;
    }
    r.advance();
    Token::Unknown
}

/// A unit of a "word": anything from `A` up that is not white space (the line separators
/// U+2028 and U+2029 are not white space: they are word units).
fn is_word_unit(ch: u32) -> bool {
    ch >= u32::from(b'A') && (ch < 0xa0 || matches!(ch, 0x2028 | 0x2029) || !is_space_unit(ch))
}

fn is_space_unit(ch: u32) -> bool {
    char::from_u32(ch).is_some_and(crate::engine::js::is_js_space)
}

/// The first three significant digits of a fraction's numeral.
fn read_milliseconds(t: Token) -> i32 {
    let Token::Number { value, len } = t else {
        return 0;
    };
    match len {
        1 => value * 100,
        2 => value * 10,
        3 => value,
        _ => {
            let len = len.min(MAX_SIGNIFICANT_DIGITS);
            value / 10i32.pow((len - 3) as u32)
        }
    }
}

#[derive(Default)]
struct DayParts {
    comp: [i32; 3],
    count: usize,
    named_month: Option<i32>,
    iso: bool,
}

impl DayParts {
    fn add(&mut self, n: i32) -> bool {
        if self.count < 3 {
            self.comp[self.count] = n;
            self.count += 1;
            true
        } else {
            false
        }
    }

    fn is_month(x: i32) -> bool {
        between(x, 1, 12)
    }

    fn is_day(x: i32) -> bool {
        between(x, 1, 31)
    }

    /// (year, month 1-based, day).
    fn finish(mut self) -> Option<(i32, i32, i32)> {
        if self.count < 1 {
            return None;
        }
        // Day and month default to 1; after this all three slots are filled.
        while self.count < 3 {
            self.comp[self.count] = 1;
            self.count += 1;
        }
        let c = self.comp;
        let (mut year, month, day) = match self.named_month {
            None if self.iso || !Self::is_day(c[0]) => (c[0], c[1], c[2]),
            None => (c[2], c[0], c[1]),
            Some(m) if !Self::is_day(c[0]) => (c[0], m, c[1]),
            Some(m) => (c[1], m, c[0]),
        };
        if !self.iso {
            if between(year, 0, 49) {
                year += 2000;
            } else if between(year, 50, 99) {
                year += 1900;
            }
        }
        (Self::is_month(month) && Self::is_day(day)).then_some((year, month, day))
    }
}

struct TimeParts {
    comp: [i32; 4],
    count: usize,
    hour_offset: Option<i32>,
}

impl TimeParts {
    fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn is_expecting(&self, n: i32) -> bool {
        (self.count == 1 && is_minute(n))
            || (self.count == 2 && is_minute(n))
            || (self.count == 3 && between(n, 0, 999))
    }

    fn add(&mut self, n: i32) -> bool {
        if self.count < 4 {
            self.comp[self.count] = n;
            self.count += 1;
            true
        } else {
            false
        }
    }

    fn add_final(&mut self, n: i32) -> bool {
        if !self.add(n) {
            return false;
        }
        while self.count < 4 {
            self.comp[self.count] = 0;
            self.count += 1;
        }
        true
    }

    fn finish(mut self) -> Option<[i32; 4]> {
        while self.count < 4 {
            self.comp[self.count] = 0;
            self.count += 1;
        }
        let [mut hour, minute, second, ms] = self.comp;
        if let Some(offset) = self.hour_offset {
            if !between(hour, 0, 12) {
                return None;
            }
            hour = hour % 12 + offset;
        }
        let valid =
            between(hour, 0, 23) && is_minute(minute) && is_minute(second) && between(ms, 0, 999);
        // Hour 24 only as the end of a day.
        (valid || (hour == 24 && minute == 0 && second == 0 && ms == 0))
            .then_some([hour, minute, second, ms])
    }
}

fn is_minute(x: i32) -> bool {
    between(x, 0, 59)
}

struct ZoneParts {
    sign: i32,
    hour: i32,
    minute: i32,
}

impl ZoneParts {
    fn set(&mut self, offset_hours: i32) {
        self.sign = if offset_hours < 0 { -1 } else { 1 };
        self.hour = offset_hours * self.sign;
        self.minute = 0;
    }

    fn is_expecting(&self, n: i32) -> bool {
        self.hour != NONE && self.minute == NONE && is_minute(n)
    }

    fn is_utc(&self) -> bool {
        self.hour == 0 && self.minute == 0
    }

    fn is_empty(&self) -> bool {
        self.hour == NONE
    }

    /// Offset in seconds; `Some(None)` when no zone was given.
    fn finish(&self) -> Option<Option<i32>> {
        if self.sign == NONE {
            return Some(None);
        }
        let hour = if self.hour == NONE { 0 } else { self.hour };
        let minute = if self.minute == NONE { 0 } else { self.minute };
        // Unsigned 32-bit arithmetic, wrapping, as V8 computes it.
        let total = (hour as u32)
            .wrapping_mul(3600)
            .wrapping_add((minute as u32).wrapping_mul(60));
        if total > i32::MAX as u32 {
            return None;
        }
        let total = total as i32;
        Some(Some(if self.sign < 0 { -total } else { total }))
    }
}

fn parse_fields(s: &str) -> Option<Fields> {
    // ASCII text is its own UTF-16 (and the byte iterator is cheaper).
    if s.is_ascii() {
        parse_units(s.bytes().map(u16::from))
    } else {
        parse_units(crate::engine::js::utf16::units(s))
    }
}

fn parse_units<I: Iterator<Item = u16>>(units: I) -> Option<Fields> {
    let mut sc = Scanner::new(units);
    let mut day = DayParts::default();
    let mut time = TimeParts {
        comp: [0; 4],
        count: 0,
        hour_offset: None,
    };
    let mut tz = ZoneParts {
        sign: NONE,
        hour: NONE,
        minute: NONE,
    };
    let mut token = es5(&mut sc, &mut day, &mut time, &mut tz);
    if token == Token::Invalid {
        return None;
    }
    let mut has_read_number = day.count > 0;
    while token != Token::End {
        match token {
            Token::Number { value: n, .. } => {
                has_read_number = true;
                if sc.skip_symbol(b':') {
                    if sc.skip_symbol(b':') {
                        // `n::`
                        if !time.is_empty() {
                            return None;
                        }
                        time.add(n);
                        time.add(0);
                    } else {
                        if !time.add(n) {
                            return None;
                        }
                        if sc.peek().is_symbol(b'.') {
                            sc.next();
                        }
                    }
                } else if sc.skip_symbol(b'.') && time.is_expecting(n) {
                    time.add(n);
                    if !sc.peek().is_number() {
                        return None;
                    }
                    let ms = read_milliseconds(sc.next());
                    if ms < 0 {
                        return None;
                    }
                    time.add_final(ms);
                } else if tz.is_expecting(n) {
                    tz.minute = n;
                } else if time.is_expecting(n) {
                    time.add_final(n);
                    // The end, white space, `Z` or a sign must follow a completed time.
                    let p = sc.peek();
                    if !(p == Token::End
                        || p == Token::WhiteSpace
                        || p.is_z()
                        || p.sign().is_some())
                    {
                        return None;
                    }
                } else {
                    if !day.add(n) {
                        return None;
                    }
                    sc.skip_symbol(b'-');
                }
            }
            Token::Word { kind, value, .. } => {
                if kind == Word::AmPm && !time.is_empty() {
                    time.hour_offset = Some(value);
                } else if kind == Word::Month {
                    day.named_month = Some(value);
                    sc.skip_symbol(b'-');
                } else if kind == Word::Zone && has_read_number {
                    tz.set(value);
                } else {
                    // Unknown words may only come before the first number, apart from it.
                    if has_read_number || sc.peek().is_number() {
                        return None;
                    }
                }
            }
            Token::Symbol(_) if token.sign().is_some() && (tz.is_utc() || !time.is_empty()) => {
                // A UTC offset, only after a zone name or a time.
                tz.sign = token.sign().unwrap_or(1);
                let (n, len) = match sc.peek() {
                    Token::Number { value, len } => {
                        sc.next();
                        (value, len)
                    }
                    _ => (0, 0),
                };
                has_read_number = true;
                if sc.peek().is_symbol(b':') {
                    tz.hour = n;
                    tz.minute = NONE;
                } else if len == 1 || len == 2 {
                    tz.hour = n;
                    tz.minute = 0;
                } else if len == 3 || len == 4 {
                    tz.hour = n / 100;
                    tz.minute = n % 100;
                } else {
                    return None;
                }
            }
            Token::Symbol(b'+' | b'-' | b')') if has_read_number => return None,
            _ => {}
        }
        token = sc.next();
    }
    let (year, month, d) = day.finish()?;
    let [hour, minute, second, millisecond] = time.finish()?;
    let utc_offset_s = tz.finish()?;
    Some(Fields {
        year,
        month: month - 1,
        day: d,
        hour,
        minute,
        second,
        millisecond,
        utc_offset_s,
    })
}

/// `[+-yy]yyyy[-MM[-DD]][THH:mm[:ss[.sss]][Z|+hh:mm|+hhmm]]`, as far as it goes: the token the
/// legacy parser continues with, `End` when the whole string was read, `Invalid` when a `T`
/// started a time that is not well formed.
fn es5<I: Iterator<Item = u16>>(
    sc: &mut Scanner<I>,
    day: &mut DayParts,
    time: &mut TimeParts,
    tz: &mut ZoneParts,
) -> Token {
    if let Some(sign) = sc.peek().sign() {
        // The sign goes back to the legacy parser when no six-digit year follows.
        let sign_token = sc.next();
        if !sc.peek().is_number_of_len(6) {
            return sign_token;
        }
        let year = sc.next().number();
        if sign < 0 && year == 0 {
            return sign_token;
        }
        day.add(sign * year);
    } else if sc.peek().is_number_of_len(4) {
        day.add(sc.next().number());
    } else {
        return sc.next();
    }
    if sc.skip_symbol(b'-') {
        if !sc.peek().is_number_of_len(2) || !DayParts::is_month(sc.peek().number()) {
            return sc.next();
        }
        day.add(sc.next().number());
        if sc.skip_symbol(b'-') {
            if !sc.peek().is_number_of_len(2) || !DayParts::is_day(sc.peek().number()) {
                return sc.next();
            }
            day.add(sc.next().number());
        }
    }
    if !matches!(
        sc.peek(),
        Token::Word {
            kind: Word::TimeSeparator,
            ..
        }
    ) {
        if sc.peek() != Token::End {
            return sc.next();
        }
    } else {
        sc.next();
        let two = |t: Token| t.is_number_of_len(2);
        if !two(sc.peek()) || !between(sc.peek().number(), 0, 24) {
            return Token::Invalid;
        }
        let hour_is_24 = sc.peek().number() == 24;
        time.add(sc.next().number());
        if !sc.skip_symbol(b':') {
            return Token::Invalid;
        }
        if !two(sc.peek())
            || !is_minute(sc.peek().number())
            || (hour_is_24 && sc.peek().number() > 0)
        {
            return Token::Invalid;
        }
        time.add(sc.next().number());
        if sc.skip_symbol(b':') {
            if !two(sc.peek())
                || !is_minute(sc.peek().number())
                || (hour_is_24 && sc.peek().number() > 0)
            {
                return Token::Invalid;
            }
            time.add(sc.next().number());
            if sc.skip_symbol(b'.') {
                if !sc.peek().is_number() || (hour_is_24 && sc.peek().number() > 0) {
                    return Token::Invalid;
                }
                time.add(read_milliseconds(sc.next()));
            }
        }
        if sc.peek().is_z() {
            sc.next();
            tz.set(0);
        } else if let Some(sign) = sc.peek().sign() {
            sc.next();
            tz.sign = sign;
            if sc.peek().is_number_of_len(4) {
                // `hhmm`.
                let hm = sc.next().number();
                let (h, m) = (hm / 100, hm % 100);
                if !between(h, 0, 23) || !is_minute(m) {
                    return Token::Invalid;
                }
                tz.hour = h;
                tz.minute = m;
            } else {
                if !two(sc.peek()) || !between(sc.peek().number(), 0, 23) {
                    return Token::Invalid;
                }
                tz.hour = sc.next().number();
                if !sc.skip_symbol(b':') {
                    return Token::Invalid;
                }
                if !two(sc.peek()) || !is_minute(sc.peek().number()) {
                    return Token::Invalid;
                }
                tz.minute = sc.next().number();
            }
        }
        if sc.peek() != Token::End {
            return Token::Invalid;
        }
    }
    // A date-only form without a zone is UTC (date-time forms are local time, UTC here too).
    if tz.is_empty() && time.is_empty() {
        tz.set(0);
    }
    day.iso = true;
    Token::End
}

/// Matches `REGEX_PARSE` of dayjs 1.11.23 (the version the reference's lockfile pins; the spec
/// says 1.10.7, the regex is the same)
/// `^(\d{4})[-/]?(\d{1,2})?[-/]?(\d{0,2})[Tt\s]*(\d{1,2})?:?(\d{1,2})?:?(\d{1,2})?[.:]?(\d+)?$`
/// with JavaScript's greedy backtracking; returns the seven groups (`None` = not taking part).
pub fn match_dayjs_regex(s: &str) -> Option<[Option<&str>; 7]> {
    let b = s.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Only digits, `-`, `/`, `:`, `.`, `T`, `t` and white space can match: a zone (`Z`,
    // `+02:00`) rules the pattern out without the backtracking search.
    if !s.chars().all(|c| {
        c.is_ascii_digit()
            || matches!(c, '-' | '/' | ':' | '.' | 'T' | 't')
            || crate::engine::js::is_js_space(c)
    }) {
        return None;
    }
    // Like `parse`, asked twice of the same text (the `date-like` check, then the action).
    type Groups = Option<[Option<(usize, usize)>; 7]>;
    thread_local! {
        static LAST: Memo<Groups> = const { RefCell::new((String::new(), None)) };
    }
    let groups = remembered(&LAST, s, |s| {
        let mut groups: [Option<(usize, usize)>; 7] = [None; 7];
        groups[0] = Some((0, 4));
        step(s, 4, 0, &mut groups).then_some(groups)
    })?;
    Some(groups.map(|g| g.map(|(a, e)| &s[a..e])))
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
    // An optional character: the positions to go on from, taking it first when it is there.
    let opt_char = |pos: usize, set: &[u8], next: usize, g: &mut [Option<(usize, usize)>; 7]| {
        (pos < b.len() && set.contains(&b[pos]) && step(s, pos + 1, next, g))
            || step(s, pos, next, g)
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
        0 => opt_char(pos, b"-/", 1, g),
        1 => digit_group(pos, 1, 1, 2, true, 2, g),
        2 => opt_char(pos, b"-/", 3, g),
        3 => digit_group(pos, 2, 0, 2, false, 4, g),
        4 => {
            // [Tt\s]* greedy: the longest run first, then one character less at a time.
            let run = s[pos..]
                .find(|c: char| !(c == 'T' || c == 't' || crate::engine::js::is_js_space(c)))
                .unwrap_or(s.len() - pos);
            s[pos..pos + run]
                .char_indices()
                .rev()
                .map(|(i, c)| pos + i + c.len_utf8())
                .chain(std::iter::once(pos))
                .any(|p| step(s, p, 5, g))
        }
        5 => digit_group(pos, 3, 1, 2, true, 6, g),
        6 => opt_char(pos, b":", 7, g),
        7 => digit_group(pos, 4, 1, 2, true, 8, g),
        8 => opt_char(pos, b":", 9, g),
        9 => digit_group(pos, 5, 1, 2, true, 10, g),
        10 => opt_char(pos, b".:", 11, g),
        11 => digit_group(pos, 6, 1, usize::MAX, true, 12, g),
        _ => pos == s.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts remembered by `parse` and `match_dayjs_regex` give each its own answer, asked
    /// in turn, again and again, and past the length kept.
    #[test]
    fn remembered_dates_answer_as_when_first_read() {
        let long = format!("2024-03-15T14:22:33.{}", "1".repeat(70));
        let texts = [
            "2024-03-15T14:22:33.456Z",
            "2024-03-15T14:22:33.457Z",
            "2024-03-15 14:22:33",
            "2024/03/15",
            "not a date",
            "",
            long.as_str(),
        ];
        let search = |s: &str| {
            let mut groups: [Option<(usize, usize)>; 7] = [None; 7];
            groups[0] = Some((0, 4));
            (s.len() >= 4 && step(s, 4, 0, &mut groups))
                .then(|| groups.map(|g| g.map(|(a, e)| s[a..e].to_string())))
        };
        for round in 0..3 {
            for (i, a) in texts.iter().enumerate() {
                for b in [a, &texts[(i + round + 1) % texts.len()], a] {
                    assert_eq!(parse(b).to_bits(), parse_uncached(b).to_bits(), "{b}");
                    let got = match_dayjs_regex(b).map(|g| g.map(|x| x.map(str::to_string)));
                    assert_eq!(got, search(b), "{b}");
                }
            }
        }
    }

    /// The integer arithmetic of canonical timestamps gives what the general arithmetic gives
    /// for the fields the general parser reads, over the whole range of the shape.
    #[test]
    fn canonical_timestamps_take_a_shortcut_to_the_same_value() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for i in 0..20_000 {
            let ms = match i % 4 {
                0 => String::new(),
                1 => format!(".{}", next(10)),
                2 => format!(".{:02}", next(100)),
                _ => format!(".{:03}", next(1000)),
            };
            let year = if i < 40 {
                [0, 1, 1969, 1970, 9999, 2000, 1900, 2024][i % 8]
            } else {
                next(10_000)
            };
            let s = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{ms}Z",
                year,
                1 + next(12),
                1 + next(31),
                next(24),
                next(60),
                next(60)
            );
            let general = parse_fields(&s).map_or(f64::NAN, time_value);
            assert!(canonical_fields(s.as_bytes()).is_some(), "{s}");
            assert_eq!(parse(&s).to_bits(), general.to_bits(), "{s}");
            // A byte next to the digits (`/`, `:`) or a space where a digit was: not the
            // shape, and the general parser has the say.
            let digit_at: Vec<usize> = s
                .bytes()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            let mut odd = s.clone().into_bytes();
            odd[digit_at[next(digit_at.len() as u64) as usize]] = [b'/', b':', b' '][i % 3];
            let odd = String::from_utf8(odd).unwrap();
            assert!(canonical_fields(odd.as_bytes()).is_none(), "{odd}");
        }
    }

    /// Every line of `tests/data/js_date_parse.txt` is `[string, Date.parse(string) or null]`
    /// as node 20 printed it with `TZ=UTC` (generator: hand-picked forms, random token soups,
    /// ISO-like and legacy-like strings with random fields and separators).
    #[test]
    fn strings_parse_as_v8_parses_them() {
        let text = include_str!("../../tests/data/js_date_parse.txt");
        let mut failures = Vec::new();
        let mut count = 0;
        for line in text.lines() {
            let (s, want): (String, Option<f64>) = serde_json::from_str(line).unwrap();
            let got = parse(&s);
            count += 1;
            let same = match want {
                None => got.is_nan(),
                Some(w) => got == w,
            };
            if !same {
                failures.push(format!("{s:?}: got {got}, node {want:?}"));
            }
        }
        assert!(count > 10_000, "only {count} goldens");
        assert!(
            failures.is_empty(),
            "{} of {count} differ:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }
}
