//! User-agent parsing with the outputs of `@amplitude/ua-parser-js` (0.7.33, the version the
//! reference runs) for the fields the destination reads: browser name and major version, OS
//! name, device vendor, model and type.
//!
//! The reference's rules, in its order, as patterns built in code (`pattern`: a small
//! backtracking matcher with JavaScript's matching order; the engine has no regex engine) in
//! `browsers` and `devices`, and hand-written matchers for Apple devices and the last,
//! generic Android rules. `tests/amplitude_useragent.rs` checks the whole against outputs
//! recorded from the reference library; on the 38,368 user agents of Matomo's device-detector
//! fixtures, and on mutated and spliced copies of them, every field agrees. All offsets are
//! bytes of the ASCII-lower-cased copy, which keeps the original's offsets.

mod browsers;
mod devices;
mod pattern;

use std::rc::Rc;

/// What the destination reads from the parser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedUa {
    pub browser_name: Option<String>,
    pub browser_major: Option<String>,
    pub os_name: Option<String>,
    pub device_vendor: Option<String>,
    pub device_model: Option<String>,
    pub device_type: Option<String>,
}

/// The reference parser only looks at the first 350 characters.
const MAX_LEN: usize = 350;

struct Ua<'a> {
    /// The text as given (after trimming), for models in their original case.
    orig: &'a str,
    /// ASCII-lower-cased copy with the same byte offsets.
    low: String,
    /// The byte pairs `low` holds.
    pairs: pattern::Pairs,
}

impl<'a> Ua<'a> {
    fn has(&self, needle: &str) -> bool {
        self.low.contains(needle)
    }

    fn find(&self, needle: &str) -> Option<usize> {
        self.low.find(needle)
    }

    /// The first `needle` starting at byte `from` or later (any byte offset).
    fn find_from(&self, from: usize, needle: &str) -> Option<usize> {
        let hay = self.low.as_bytes().get(from..)?;
        hay.windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .map(|i| from + i)
    }
}

/// `majorize`: digits and dots only, up to the first dot.
fn major(version: &str) -> Option<String> {
    let cleaned: String = version
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Some(cleaned.split('.').next().unwrap_or("").to_string())
}

/// JavaScript's `\s` (Rust's white space less U+0085, plus U+FEFF).
fn js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

/// What the reference parses: a text longer than 350 UTF-16 units loses its leading white
/// space and is cut to 350 units (a shorter one is taken as it is).
fn limited(ua: &str) -> &str {
    if ua.encode_utf16().count() <= MAX_LEN {
        return ua;
    }
    let trimmed = ua.trim_start_matches(js_space);
    let mut units = 0;
    for (i, c) in trimmed.char_indices() {
        units += c.len_utf16();
        if units > MAX_LEN {
            return &trimmed[..i];
        }
    }
    trimmed
}

/// Parses a user agent.
pub fn parse(ua: &str) -> ParsedUa {
    let cut = limited(ua);
    let low = cut.to_ascii_lowercase();
    let u = Ua {
        orig: cut,
        pairs: pattern::Pairs::of(low.as_bytes()),
        low,
    };
    let mut out = ParsedUa::default();
    if let Some((name, version)) = browsers::first(
        browsers::BROWSERS,
        &browsers::BROWSER_NEEDS,
        u.orig,
        u.low.as_bytes(),
        &u.pairs,
    ) {
        out.browser_name = name;
        out.browser_major = version.as_deref().and_then(major);
    }
    out.os_name = browsers::first(
        browsers::OSES,
        &browsers::OS_NEEDS,
        u.orig,
        u.low.as_bytes(),
        &u.pairs,
    )
    .and_then(|(n, _)| n);
    if let Some(d) = device(&u) {
        out.device_vendor = d.vendor;
        out.device_model = d.model;
        out.device_type = d.kind.map(str::to_string);
    }
    out
}

/// [`parse`] through a bounded cache per thread: event streams repeat a modest set of user
/// agents (a few browser builds make up most traffic), and parsing costs far more than a
/// lookup. The cache is emptied when it reaches [`UA_CACHE_SIZE`] entries. Shared, so the
/// caller can borrow its texts instead of copying them.
pub fn parsed(ua: &str) -> Rc<ParsedUa> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::hash::BuildHasherDefault;
    thread_local! {
        static SEEN: RefCell<HashMap<String, Rc<ParsedUa>, BuildHasherDefault<WordHasher>>> =
            RefCell::new(HashMap::default());
    }
    SEEN.with(|cell| {
        let mut seen = cell.borrow_mut();
        if let Some(parsed) = seen.get(ua) {
            return Rc::clone(parsed);
        }
        if seen.len() >= UA_CACHE_SIZE {
            seen.clear();
        }
        let parsed = Rc::new(parse(ua));
        seen.insert(ua.to_string(), Rc::clone(&parsed));
        parsed
    })
}

/// A multiply-rotate hash eight bytes at a time for the cache's keys: user agents are long
/// (100+ bytes), the cache is bounded and local, so SipHash's flooding resistance buys
/// nothing and costs a fifth of a cached lookup's time.
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// How many parsed user agents [`parsed`] keeps per thread.
pub const UA_CACHE_SIZE: usize = 512;

struct Device {
    vendor: Option<String>,
    model: Option<String>,
    kind: Option<&'static str>,
}

fn dev(
    vendor: Option<&'static str>,
    model: Option<String>,
    kind: Option<&'static str>,
) -> Option<Device> {
    Some(Device {
        vendor: vendor.map(str::to_string),
        model,
        kind,
    })
}

const MOBILE: Option<&str> = Some("mobile");
const TABLET: Option<&str> = Some("tablet");

fn device(u: &Ua) -> Option<Device> {
    use devices::*;
    let from = |g: &Group| {
        apply(g, u.orig, u.low.as_bytes(), &u.pairs).map(|(vendor, model, kind)| Device {
            vendor,
            model,
            kind,
        })
    };
    if let Some(d) = [&SAMSUNG_TABLET, &SAMSUNG_MOBILE]
        .into_iter()
        .find_map(from)
    {
        return Some(d);
    }
    if let Some(d) = apple(u) {
        return Some(d);
    }
    AFTER_APPLE
        .iter()
        .copied()
        .find_map(from)
        .or_else(|| generic_android(u))
}

/// The reference's device groups after Apple's, in its order.
static AFTER_APPLE: &[&devices::Group] = {
    use devices::*;
    &[
        &HUAWEI_TABLET,
        &HUAWEI_MOBILE,
        &XIAOMI_MOBILE,
        &XIAOMI_TABLET,
        &OPPO,
        &VIVO,
        &REALME,
        &MOTOROLA_MOBILE,
        &MOTOROLA_TABLET,
        &LG_TABLET,
        &LG_MOBILE,
        &LENOVO_TABLET,
        &NOKIA,
        &GOOGLE_TABLET,
        &GOOGLE_MOBILE,
        &SONY_MOBILE,
        &SONY_TABLET,
        &ONEPLUS,
        &AMAZON_TABLET,
        &AMAZON_PHONE,
        &BLACKBERRY_PLAYBOOK,
        &BLACKBERRY_MOBILE,
        &ASUS_TABLET,
        &ASUS_MOBILE,
        &HTC_TABLET,
        &HTC_ZTE_AND_OTHERS,
        &ACER_TABLET,
        &MEIZU,
        &SHARP,
        &MIXED_MOBILE,
        &MIXED_TABLET,
        &SURFACE_DUO,
        &FAIRPHONE,
        &ATT,
        &SIEMENS,
        &RCA,
        &DELL_VENUE,
        &VERIZON,
        &BARNES_NOBLE,
        &NUVISION,
        &ZTE_K,
        &ZTE_NUBIA,
        &SWISS_MOBILE,
        &SWISS_TABLET,
        &ZEKI,
        &DRAGON_TOUCH,
        &INSIGNIA,
        &NEXTBOOK,
        &VOICE,
        &LVTEL,
        &ESSENTIAL,
        &ENVIZEN,
        &MACHSPEED,
        &ROTOR,
        &NVIDIA_TABLET,
        &SPRINT,
        &KIN,
        &ZEBRA_TABLET,
        &ZEBRA_MOBILE,
        &CONSOLES,
        &NVIDIA_CONSOLE,
        &PLAYSTATION,
        &XBOX,
        &SAMSUNG_TV,
        &SAMSUNG_HBBTV,
        &LG_TV,
        &APPLE_TV,
        &CHROMECAST,
        &FIRE_TV,
        &SHARP_TV,
        &SONY_TV,
        &XIAOMI_TV,
        &ROKU_HBBTV,
        &UNKNOWN_TV,
        &PEBBLE,
        &GLASS,
        &ZEBRA_WEARABLE,
        &QUEST,
        &TESLA,
    ]
};

/// The digits at byte `at`, as a count.
fn digits_at(low: &[u8], at: usize) -> usize {
    low.get(at..)
        .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// `N,N` at byte `at` (a hardware model's numbers): its length.
fn model_numbers_at(low: &[u8], at: usize) -> Option<usize> {
    let a = digits_at(low, at);
    if a == 0 || low.get(at + a) != Some(&b',') {
        return None;
    }
    let b = digits_at(low, at + a + 1);
    (b > 0).then_some(a + 1 + b)
}

/// Apple devices, in the reference's order: a hardware model (`iPhone14,5`, `iPod7,1`, then
/// `iPad4,8`), `(iPhone…;`, the iPad forms, then `(Macintosh;`.
fn apple(u: &Ua) -> Option<Device> {
    let low = u.low.as_bytes();
    let apple = |start: usize, end: usize, kind| {
        dev(Some("Apple"), Some(u.orig[start..end].to_string()), kind)
    };
    // `(ipod|iphone)N,N`, leftmost.
    for p in 0..low.len() {
        for name in [&b"ipod"[..], b"iphone"] {
            if low[p..].starts_with(name)
                && let Some(n) = model_numbers_at(low, p + name.len())
            {
                return apple(p, p + name.len() + n, MOBILE);
            }
        }
    }
    let mut at = 0;
    while let Some(p) = u.find_from(at, "ipad") {
        if let Some(n) = model_numbers_at(low, p + 4) {
            return apple(p, p + 4 + n, TABLET);
        }
        at = p + 1;
    }
    // `\((ip(?:hone|od)[\w ]*);`
    let mut at = 0;
    while let Some(p) = u.find_from(at, "(ip") {
        let start = p + 1;
        if low[start..].starts_with(b"iphone") || low[start..].starts_with(b"ipod") {
            let len = low[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b' ')
                .count();
            if low.get(start + len) == Some(&b';') {
                return apple(start, start + len, MOBILE);
            }
        }
        at = p + 1;
    }
    if let Some(p) = ipad(u) {
        return apple(p, p + 4, TABLET);
    }
    let p = u.find("macintosh;")?;
    dev(Some("Apple"), Some(u.orig[p..p + 9].to_string()), None)
}

/// Where the reference finds a plain iPad: `(iPad;` followed by `[-\w),; ]+` then `apple`,
/// `AppleCoreMedia/V (iPad`, or `iPadN,N` followed by `;` or `]` and later `ios`.
fn ipad(u: &Ua) -> Option<usize> {
    let low = u.low.as_bytes();
    let mut at = 0;
    while let Some(p) = u.find_from(at, "(ipad;") {
        let run = low[p + 6..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"-_),; ".contains(b))
            .count();
        // Backtracking may end the run anywhere: `apple` must start inside it or right after.
        if run > 0
            && u.find_from(p + 7, "apple")
                .is_some_and(|a| a <= p + 6 + run)
        {
            return Some(p + 1);
        }
        at = p + 1;
    }
    let mut at = 0;
    while let Some(p) = u.find_from(at, "applecoremedia/") {
        let v = low[p + 15..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'.')
            .count();
        if v > 0 {
            // Backtracking can shorten the version, never cross ` (`.
            let after = p + 15 + v;
            if low[after..].starts_with(b" (ipad") {
                return Some(after + 2);
            }
        }
        at = p + 1;
    }
    let mut at = 0;
    while let Some(p) = u.find_from(at, "ipad") {
        let boundary = p == 0 || !(low[p - 1].is_ascii_alphanumeric() || low[p - 1] == b'_');
        let a = digits_at(low, p + 4);
        if boundary && (1..=2).contains(&a) && low.get(p + 4 + a) == Some(&b',') {
            let b = digits_at(low, p + 5 + a);
            let end = p + 5 + a + b;
            if (1..=2).contains(&b)
                && matches!(low.get(end), Some(b';' | b']'))
                && u.find_from(end + 2, "ios").is_some()
            {
                return Some(p);
            }
        }
        at = p + 1;
    }
    None
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A `\b` at byte `at`.
fn word_boundary(low: &[u8], at: usize) -> bool {
    let before = at > 0 && is_word(low[at - 1]);
    let after = low.get(at).is_some_and(|b| is_word(*b));
    before != after
}

/// The reference's last device rules, for what no vendor rule claimed: an Android model from
/// an unidentified vendor (`droid …; MODEL Build` or `; MODEL) AppleWebKit`: a phone when
/// ` mobile safari` follows, a tablet when ` safari` does), then a tablet or phone by a word
/// alone, then the `Generic` vendor with the `Android N` text as the model.
fn generic_android(u: &Ua) -> Option<Device> {
    for (needle, kind) in [(" mobile safari", MOBILE), (" safari", TABLET)] {
        if let Some(model) = unidentified_android(u, needle) {
            return dev(None, Some(model.to_string()), kind);
        }
    }
    if unidentifiable_tablet(u) {
        return dev(None, None, TABLET);
    }
    if unidentifiable_mobile(u) {
        return dev(None, None, MOBILE);
    }
    generic_android_text(u).map(|m| Device {
        vendor: Some("Generic".to_string()),
        model: Some(m.to_string()),
        kind: None,
    })
}

/// `droid .+?; ([^;]+?)(?: bui|\) applew).+?` then `tail`: the model of the first match.
fn unidentified_android<'a>(u: &Ua<'a>, tail: &str) -> Option<&'a str> {
    let low = u.low.as_bytes();
    let mut at = 0;
    while let Some(d) = u.find_from(at, "droid ") {
        at = d + 1;
        let mut semi = d + 7;
        while let Some(s) = u.find_from(semi, "; ") {
            semi = s + 1;
            let start = s + 2;
            // The shortest model (one character or more, no `;`) before ` bui` or `) applew`.
            let mut end = None;
            for e in start + 1..low.len() {
                if low[e - 1] == b';' {
                    break;
                }
                if low[e..].starts_with(b" bui") {
                    end = Some((e, e + 4));
                    break;
                }
                if low[e..].starts_with(b") applew") {
                    end = Some((e, e + 8));
                    break;
                }
            }
            if let Some((e, after)) = end
                && u.find_from(after + 1, tail).is_some()
            {
                return Some(&u.orig[start..e]);
            }
        }
    }
    None
}

/// `\b((tablet|tab)[;/]|focus/\d(?!.+mobile))`
fn unidentifiable_tablet(u: &Ua) -> bool {
    let low = u.low.as_bytes();
    let mut at = 0;
    while let Some(p) = u.find_from(at, "tab") {
        at = p + 1;
        if !word_boundary(low, p) {
            continue;
        }
        let after = if low[p..].starts_with(b"tablet") {
            p + 6
        } else {
            p + 3
        };
        if matches!(low.get(after), Some(b';' | b'/')) {
            return true;
        }
    }
    let mut at = 0;
    while let Some(p) = u.find_from(at, "focus/") {
        at = p + 1;
        if word_boundary(low, p)
            && low.get(p + 6).is_some_and(u8::is_ascii_digit)
            && u.find_from(p + 8, "mobile").is_none()
        {
            return true;
        }
    }
    false
}

/// `(phone|mobile(?:[;/]| [ \w/.]*safari)|pda(?=.+windows ce))`
fn unidentifiable_mobile(u: &Ua) -> bool {
    if u.has("phone") {
        return true;
    }
    let low = u.low.as_bytes();
    let mut at = 0;
    while let Some(p) = u.find_from(at, "mobile") {
        at = p + 1;
        match low.get(p + 6) {
            Some(b';' | b'/') => return true,
            Some(b' ') => {
                let run = low[p + 7..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"_/. ".contains(b))
                    .count();
                // `safari` must start inside the run (or right after it) and end by its end.
                if u.find_from(p + 7, "safari")
                    .is_some_and(|s| s + 6 <= p + 7 + run)
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    let mut at = 0;
    while let Some(p) = u.find_from(at, "pda") {
        at = p + 1;
        if u.find_from(p + 4, "windows ce").is_some() {
            return true;
        }
    }
    false
}

/// `(android[-\w. ]{0,9});.+buil`: the `Android 10` text.
fn generic_android_text<'a>(u: &Ua<'a>) -> Option<&'a str> {
    let low = u.low.as_bytes();
    let mut at = 0;
    while let Some(p) = u.find_from(at, "android") {
        at = p + 1;
        let run = low[p + 7..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"-_. ".contains(b))
            .count();
        let semi = p + 7 + run;
        if run <= 9 && low.get(semi) == Some(&b';') && u.find_from(semi + 2, "buil").is_some() {
            return Some(&u.orig[p..semi]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_gives_what_parse_gives() {
        let uas = [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "",
        ];
        for ua in uas.iter().chain(uas.iter().rev()).chain(uas.iter()) {
            assert_eq!(*parsed(ua), parse(ua), "for {ua}");
            assert_eq!(*parsed(ua), parse(ua), "again for {ua}");
        }
    }

    #[test]
    fn parses_the_families_seen_in_the_corpus() {
        let p = parse(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        );
        assert_eq!(p.browser_name.as_deref(), Some("Chrome"));
        assert_eq!(p.browser_major.as_deref(), Some("120"));
        assert_eq!(p.os_name.as_deref(), Some("Mac OS"));
        assert_eq!(p.device_vendor.as_deref(), Some("Apple"));
        assert_eq!(p.device_model.as_deref(), Some("Macintosh"));
        assert_eq!(parse("curl/8.4.0"), ParsedUa::default());
    }
}
