//! Time zones by name for the `date` filter, as the reference's node knows them (its ICU): the
//! names `Intl` accepts, in any case, and each zone's UTC offset at any instant, from the table
//! `tests/mapping/tz_data.gen.mjs` generates (changes to the second from 1800 to 2100, the
//! zone's rule after that, checked against `Intl` at sampled instants).

use super::tz_data::{NAMES, ZONES};
use crate::engine::jsdate;

/// One zone: its offset before its first change, its changes, and its rule at the end.
pub(super) struct Zone {
    /// Seconds east of UTC before the first change (the local mean time of 1800).
    pub(super) initial: i32,
    /// `(second since the epoch, seconds east of UTC from then on)`, ascending.
    pub(super) changes: &'static [(i64, i32)],
    /// From this second on, [`Zone::rule`] gives the offset (when the zone has one).
    pub(super) rule_from: i64,
    /// The standard offset of the rule.
    pub(super) std: i32,
    pub(super) rule: Option<Rule>,
}

/// A POSIX TZ rule's daylight part: `(month 1–12, week 1–5 (5: the last), weekday 0–6 (0:
/// Sunday), local seconds after midnight)` of its start and of its end.
pub(super) struct Rule {
    pub(super) dst: i32,
    pub(super) start: (u8, u8, u8, i32),
    pub(super) end: (u8, u8, u8, i32),
}

/// The zone of `name`, as `Intl.DateTimeFormat`'s `timeZone` option takes it (ASCII letters in
/// any case).
pub(super) fn find(name: &str) -> Option<&'static Zone> {
    if name.len() > 40 || !name.is_ascii() {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let i = NAMES
        .binary_search_by(|(n, _)| n.cmp(&lower.as_str()))
        .ok()?;
    ZONES.get(usize::from(NAMES[i].1))
}

impl Zone {
    /// Seconds east of UTC at second `t` since the epoch.
    pub(super) fn offset_at(&self, t: i64) -> i32 {
        if let Some(rule) = &self.rule
            && t >= self.rule_from
        {
            return rule.offset_at(self.std, t);
        }
        match self.changes.partition_point(|&(at, _)| at <= t) {
            0 => self.initial,
            i => self.changes[i - 1].1,
        }
    }
}

impl Rule {
    fn offset_at(&self, std: i32, t: i64) -> i32 {
        let (year, _, _) = jsdate::civil_from_days(t.div_euclid(86_400));
        let start = instant(year, self.start, std);
        let end = instant(year, self.end, self.dst);
        let daylight = if start < end {
            (start..end).contains(&t)
        } else {
            !(end..start).contains(&t)
        };
        if daylight { self.dst } else { std }
    }
}

/// The second of the transition `(month, week, weekday, time)` of `year`, its time read at
/// `offset`.
fn instant(year: i64, (month, week, weekday, time): (u8, u8, u8, i32), offset: i32) -> i64 {
    let first = jsdate::days_from_civil(year as f64, f64::from(month) - 1.0) as i64;
    let next = jsdate::days_from_civil(year as f64, f64::from(month)) as i64;
    let first_weekday = (first + 4).rem_euclid(7);
    let mut day = (i64::from(weekday) - first_weekday).rem_euclid(7) + (i64::from(week) - 1) * 7;
    while first + day >= next {
        day -= 7;
    }
    (first + day) * 86_400 + i64::from(time) - i64::from(offset)
}

/// LiquidJS' `getTimezoneOffset(zone, date)`: minutes west of UTC, found by writing the date
/// in the zone and in UTC with `toLocaleString('en-US')` and reading both back with `new
/// Date(…)`. Whole seconds only; the era and the century are lost on the way (a year before
/// 100 reads as 19xx or 20xx, a year BC as AD), as they are in the reference. NaN for an
/// invalid date.
pub(super) fn liquid_offset(zone: &Zone, time_ms: f64) -> f64 {
    if time_ms.is_nan() {
        return f64::NAN;
    }
    let t = (time_ms / 1000.0).floor() as i64;
    let local = read_back(t + i64::from(zone.offset_at(t)));
    let utc = read_back(t);
    (utc - local) / 60_000.0
}

/// `new Date(d.toLocaleString('en-US', { timeZone }))` for the wall clock second `t`.
fn read_back(t: i64) -> f64 {
    let days = t.div_euclid(86_400);
    let (year, month, day) = jsdate::civil_from_days(days);
    // `M/D/Y`: the year of its era, without the era.
    let shown = if year <= 0 { 1 - year } else { year };
    // V8's legacy parser reads a year under 50 as 20xx, under 100 as 19xx.
    let read = match shown {
        0..=49 => shown + 2000,
        50..=99 => shown + 1900,
        _ => shown,
    };
    let date = jsdate::days_from_civil(read as f64, f64::from(month) - 1.0) + f64::from(day) - 1.0;
    jsdate::time_clip(date * 86_400_000.0 + t.rem_euclid(86_400) as f64 * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names are found in any case, unknown ones are not.
    #[test]
    fn names() {
        assert!(find("America/New_York").is_some());
        assert!(find("AMERICA/NEW_YORK").is_some());
        assert!(find("us/eastern").is_some());
        for bad in [
            "",
            "Foo/Bar",
            "+08:00",
            "America/New_Yorkk",
            "Amérique/Paris",
        ] {
            assert!(find(bad).is_none(), "{bad}");
        }
    }

    /// Each zone's offset is `Intl`'s at the instants `tz_data.gen.mjs` sampled: across the
    /// whole Date range (before 1800, the table, the rules after 2100), on both sides of
    /// changes, through aliases.
    #[test]
    fn offsets_are_intls() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../../../tests/mapping/tz_offsets.json"))
                .unwrap();
        let samples = doc["samples"].as_array().unwrap();
        assert!(samples.len() > 4000);
        let mut wrong = Vec::new();
        for s in samples {
            let (name, t, want) = (
                s[0].as_str().unwrap(),
                s[1].as_i64().unwrap(),
                s[2].as_i64().unwrap(),
            );
            let got = find(name).map(|z| i64::from(z.offset_at(t)));
            if got != Some(want) {
                wrong.push(format!("{name} at {t}: {got:?}, Intl {want}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} of {}:\n{}",
            wrong.len(),
            samples.len(),
            wrong.join("\n")
        );
    }
}
