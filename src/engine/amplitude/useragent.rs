//! User-agent parsing with the outputs of `@amplitude/ua-parser-js` (0.7.33, the version the
//! reference runs) for the fields the destination reads: browser name and major version, OS
//! name, device vendor, model and type.
//!
//! The reference's rules, in its order, as patterns built in code (`pattern`: a small
//! backtracking matcher with JavaScript's matching order; the engine has no regex engine) in
//! `browsers` and `devices`. `tests/amplitude_useragent.rs` checks the whole against outputs
//! recorded from the reference library; on the 38,368 user agents of Matomo's device-detector
//! fixtures, and on mutated and spliced copies of them, every field agrees. All offsets are
//! bytes of the ASCII-lower-cased copy, which keeps the original's offsets.

mod browsers;
mod devices;
mod pattern;

use std::borrow::Cow;
use std::rc::Rc;

use crate::engine::js;

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
/// space and is cut to 350 units (a shorter one is taken as it is). A cut inside a character
/// outside the BMP keeps its first half, a lone surrogate.
fn limited(ua: &str) -> Cow<'_, str> {
    if js::utf16::len(ua) <= MAX_LEN {
        return Cow::Borrowed(ua);
    }
    let trimmed = ua.trim_start_matches(js_space);
    let mut units = 0;
    for (i, c) in trimmed.char_indices() {
        let n = js::utf16::char_len(c);
        if units + n > MAX_LEN {
            if units < MAX_LEN {
                let mut buf = [0u16; 2];
                let high = js::utf16::char_units(c, &mut buf)[0];
                return Cow::Owned(format!("{}{}", &trimmed[..i], js::utf16::lone(high)));
            }
            return Cow::Borrowed(&trimmed[..i]);
        }
        units += n;
    }
    Cow::Borrowed(trimmed)
}

/// Parses a user agent.
pub fn parse(ua: &str) -> ParsedUa {
    let cut = limited(ua);
    let low = cut.to_ascii_lowercase();
    let u = Ua {
        orig: &cut,
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
    if let Some((vendor, model, kind)) = device(&u) {
        out.device_vendor = vendor;
        out.device_model = model;
        out.device_type = kind.map(str::to_string);
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

/// What the device rules found: `(vendor, model, type)`.
type Device = (Option<String>, Option<String>, Option<&'static str>);

fn device(u: &Ua) -> Option<Device> {
    DEVICES
        .iter()
        .find_map(|g| devices::apply(g, u.orig, u.low.as_bytes(), &u.pairs))
}

/// The reference's device groups, in its order.
static DEVICES: &[&devices::Group] = {
    use devices::*;
    &[
        &SAMSUNG_TABLET,
        &SAMSUNG_MOBILE,
        &APPLE_MOBILE_MODEL,
        &APPLE_TABLET_MODEL,
        &APPLE_MOBILE,
        &APPLE_TABLET,
        &MACINTOSH,
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
        &UNIDENTIFIED_PHONE,
        &UNIDENTIFIED_TABLET,
        &UNIDENTIFIABLE_TABLET,
        &UNIDENTIFIABLE_MOBILE,
        &GENERIC_ANDROID,
    ]
};

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
