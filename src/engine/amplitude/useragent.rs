//! User-agent parsing with the outputs of `@amplitude/ua-parser-js` (0.7.33, the version the
//! reference runs) for the fields the destination reads: browser name and major version, OS
//! name, device vendor, model and type.
//!
//! A small table-driven parser of our own: ordered rules per family, first match wins, each
//! rule a few substring checks on the lower-cased text. It covers the families the reference
//! distinguishes in real traffic (desktop and mobile browsers, in-app browsers, Android
//! vendors, consoles, TVs, app HTTP clients); `tests/amplitude_useragent.rs` checks it against
//! outputs recorded from the reference library.

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
}

impl<'a> Ua<'a> {
    fn has(&self, needle: &str) -> bool {
        self.low.contains(needle)
    }

    fn find(&self, needle: &str) -> Option<usize> {
        self.low.find(needle)
    }

    /// The `[\w.]+` version right after `token`.
    fn version_after(&self, token: &str) -> Option<&'a str> {
        let start = self.find(token)? + token.len();
        let len = self.orig[start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'_')
            .count();
        (len > 0).then(|| &self.orig[start..start + len])
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

/// Parses a user agent.
pub fn parse(ua: &str) -> ParsedUa {
    let trimmed = ua.trim_start();
    let cut = trimmed
        .char_indices()
        .nth(MAX_LEN)
        .map_or(trimmed, |(i, _)| &trimmed[..i]);
    let u = Ua {
        orig: cut,
        low: cut.to_ascii_lowercase(),
    };
    let mut out = ParsedUa::default();
    if let Some((name, version)) = browser(&u) {
        out.browser_name = Some(name.to_string());
        out.browser_major = version.and_then(major);
    }
    out.os_name = os(&u).map(str::to_string);
    if let Some(d) = device(&u) {
        out.device_vendor = d.vendor.map(str::to_string);
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

/// Browser rules: (token that must be present, name, token the version follows).
const BROWSERS: &[(&str, &str, &str)] = &[
    ("opera mini/", "Opera Mini", "opera mini/"),
    ("opios/", "Opera Mini", "opios/"),
    ("opr/", "Opera", "opr/"),
    ("edgios/", "Edge", "edgios/"),
    ("edga/", "Edge", "edga/"),
    ("edge/", "Edge", "edge/"),
    ("edg/", "Edge", "edg/"),
    ("iemobile/", "IEMobile", "iemobile/"),
    ("msie ", "IE", "msie "),
    ("yabrowser/", "Yandex", "yabrowser/"),
    ("vivaldi/", "Vivaldi", "vivaldi/"),
    ("ucbrowser/", "UCBrowser", "ucbrowser/"),
    ("brave/", "Brave", "brave/"),
    ("whale/", "Whale", "whale/"),
    ("waterfox/", "Waterfox", "waterfox/"),
    ("duckduckgo/", "DuckDuckGo", "duckduckgo/"),
    ("electron/", "Electron", "electron/"),
    ("huaweibrowser/", "Huawei Browser", "huaweibrowser/"),
    ("miuibrowser/", "MIUI Browser", "miuibrowser/"),
    ("samsungbrowser/", "Samsung Browser", "samsungbrowser/"),
    ("silk/", "Silk", "silk/"),
    ("fbav/", "Facebook", "fbav/"),
    ("instagram ", "Instagram", "instagram "),
    ("micromessenger/", "WeChat", "micromessenger/"),
    ("headlesschrome/", "Chrome Headless", "headlesschrome/"),
];

fn browser<'a>(u: &Ua<'a>) -> Option<(&'static str, Option<&'a str>)> {
    // Presto-era Opera: `Opera/9.80 (...) Version/12.00`.
    if u.low.starts_with("opera/") {
        return Some((
            "Opera",
            u.version_after("version/").or(u.version_after("opera/")),
        ));
    }
    for (token, name, vtoken) in BROWSERS {
        if u.has(token) {
            return Some((name, u.version_after(vtoken)));
        }
    }
    if u.has("[linkedinapp]") {
        return Some(("LinkedIn", None));
    }
    // The Google app on iOS (on Android it reports Chrome).
    if let Some(g) = u.find("gsa/")
        && u.low[g..].contains("safari/")
    {
        return Some(("GSA", u.version_after("gsa/")));
    }
    if u.has("trident/") && u.has("rv:") {
        return Some(("IE", u.version_after("rv:")));
    }
    if u.has("; wv)") && u.has("chrome/") {
        return Some(("Chrome WebView", u.version_after("chrome/")));
    }
    if u.has("crios/") {
        return Some(("Chrome", u.version_after("crios/")));
    }
    if u.has("fxios/") {
        return Some(("Firefox", u.version_after("fxios/")));
    }
    if u.has("chromium/") {
        return Some(("Chromium", u.version_after("chromium/")));
    }
    if u.has("chrome/") {
        return Some(("Chrome", u.version_after("chrome/")));
    }
    if u.has("android") && u.has("version/") && u.has("safari") {
        return Some(("Android Browser", u.version_after("version/")));
    }
    if let Some(v) = u.find("version/") {
        let rest = &u.low[v..];
        if let Some(m) = rest.find("mobile/") {
            let after = &rest[m + 7..];
            let word = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if word > 0 && after[word..].starts_with(" safari") {
                return Some(("Mobile Safari", u.version_after("version/")));
            }
        }
        if rest.contains("safari") {
            return Some(("Safari", u.version_after("version/")));
        }
    }
    if let Some(d) = webkit_safari(u) {
        return Some(d);
    }
    if u.has("firefox/") {
        return Some(("Firefox", u.version_after("firefox/")));
    }
    if u.has("applewebkit/") {
        return Some(("WebKit", u.version_after("applewebkit/")));
    }
    None
}

/// `… AppleWebKit … Safari/N` without `Version/`: the name as written, and a version only
/// through the reference's table of early Safari build numbers (any other build gives none).
fn webkit_safari<'a>(u: &Ua<'a>) -> Option<(&'static str, Option<&'a str>)> {
    let w = u.find("webkit")?;
    let rest = &u.low[w..];
    let s = rest.find("safari/")?;
    let at = w + s;
    let name = if u.low[..at].ends_with("mobile ") || u.low[..at].ends_with("mobile") {
        "Mobile Safari"
    } else {
        "Safari"
    };
    let build = u.version_after("safari/").unwrap_or("");
    const OLD_SAFARI: [(&str, &str); 7] = [
        ("8", "1.0"),
        ("1", "1.2"),
        ("3", "1.3"),
        ("412", "2.0"),
        ("416", "2.0.2"),
        ("417", "2.0.3"),
        ("419", "2.0.4"),
    ];
    let version = OLD_SAFARI
        .iter()
        .find(|(b, _)| build.starts_with(b))
        .map(|(_, v)| *v);
    Some((name, version))
}

const LINUX_DISTROS: &[(&str, &str)] = &[
    ("ubuntu", "Ubuntu"),
    ("fedora", "Fedora"),
    ("raspbian", "Raspbian"),
    ("debian", "Debian"),
    ("mint", "Mint"),
    ("gentoo", "Gentoo"),
    ("centos", "CentOS"),
    ("arch linux", "Arch"),
    ("suse", "SUSE"),
];

fn os(u: &Ua) -> Option<&'static str> {
    if u.has("windows phone") {
        return Some("Windows Phone");
    }
    if u.has("xbox") {
        return Some("Xbox");
    }
    if u.has("windows nt") || u.has("windows ") {
        return Some("Windows");
    }
    let apple_mobile = ["iphone", "ipad", "ipod"]
        .iter()
        .filter_map(|d| u.find(d))
        .min();
    if let Some(p) = apple_mobile {
        let rest = &u.low[p..];
        if rest
            .find(" os ")
            .is_some_and(|o| rest[o..].contains(" like mac"))
        {
            return Some("iOS");
        }
    }
    if u.has("cfnetwork/") && u.has("darwin") {
        return Some("iOS");
    }
    if u.has("mac os x") || u.has("macintosh") {
        return Some("Mac OS");
    }
    if u.has("harmonyos") {
        return Some("HarmonyOS");
    }
    if u.has("android") {
        return Some("Android");
    }
    if u.has("cros ") {
        return Some("Chromium OS");
    }
    if u.has("crkey") {
        return Some("Chromecast");
    }
    if u.has("kaios") {
        return Some("KAIOS");
    }
    if u.has("tizen") {
        return Some("Tizen");
    }
    if u.has("web0s") || u.has("webos") {
        return Some("webOS");
    }
    if u.has("playstation") {
        return Some("PlayStation");
    }
    if u.has("nintendo") {
        return Some("Nintendo");
    }
    for (token, name) in LINUX_DISTROS {
        if u.has(token) {
            return Some(name);
        }
    }
    if u.has("linux") {
        return Some("Linux");
    }
    None
}

struct Device {
    vendor: Option<&'static str>,
    model: Option<String>,
    kind: Option<&'static str>,
}

fn dev(
    vendor: Option<&'static str>,
    model: Option<String>,
    kind: Option<&'static str>,
) -> Option<Device> {
    Some(Device {
        vendor,
        model,
        kind,
    })
}

const MOBILE: Option<&str> = Some("mobile");
const TABLET: Option<&str> = Some("tablet");
const CONSOLE: Option<&str> = Some("console");
const SMARTTV: Option<&str> = Some("smarttv");
const WEARABLE: Option<&str> = Some("wearable");

/// Is the byte before `pos` a word boundary?
fn boundary_before(low: &str, pos: usize) -> bool {
    pos == 0 || !low.as_bytes()[pos - 1].is_ascii_alphanumeric()
}

/// Text of `orig` from `start` while bytes are `[\w-]`.
fn word_at(orig: &str, start: usize) -> &str {
    let len = orig[start..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    &orig[start..start + len]
}

fn device(u: &Ua) -> Option<Device> {
    let low = u.low.as_str();
    if u.has("ipad") {
        return dev(Some("Apple"), Some("iPad".into()), TABLET);
    }
    // `iPhone14,5` (in-app browsers name the hardware model).
    for (p, _) in u.low.match_indices("iphone") {
        let tail = &u.orig[p + 6..];
        let digits = tail.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && tail[digits..].starts_with(',') {
            let more = tail[digits + 1..]
                .bytes()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if more > 0 {
                return dev(
                    Some("Apple"),
                    Some(u.orig[p..p + 6 + digits + 1 + more].to_string()),
                    MOBILE,
                );
            }
        }
    }
    for token in ["(iphone", "(ipod"] {
        if let Some(p) = u.find(token) {
            let start = p + 1;
            let len = u.orig[start..]
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b' ')
                .count();
            if u.orig[start + len..].starts_with(';') {
                return dev(
                    Some("Apple"),
                    Some(u.orig[start..start + len].to_string()),
                    MOBILE,
                );
            }
        }
    }
    if u.has("macintosh") {
        return dev(Some("Apple"), Some("Macintosh".into()), None);
    }
    if let Some(p) = u.find("playstation ") {
        let n = word_at(u.orig, p + 12);
        let n = n.split('/').next().unwrap_or(n);
        let digits: String = n
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        return dev(Some("Sony"), Some(format!("PlayStation {digits}")), CONSOLE);
    }
    if u.has("xbox") {
        let model = if u.has("xbox one") {
            "Xbox One"
        } else {
            "Xbox"
        };
        return dev(Some("Microsoft"), Some(model.into()), CONSOLE);
    }
    if u.has("nintendo switch") {
        return dev(Some("Nintendo"), Some("Switch".into()), CONSOLE);
    }
    if u.has("smart-tv") && (u.has("samsung") || u.has("tizen")) {
        return dev(Some("Samsung"), None, SMARTTV);
    }
    if let Some(p) = u.find("roku/") {
        let len = u.orig[p + 5..]
            .bytes()
            .take_while(|b| !b.is_ascii_whitespace())
            .count();
        return dev(
            Some("Roku"),
            Some(u.orig[p + 5..p + 5 + len].to_string()),
            SMARTTV,
        );
    }
    if u.has("crkey") {
        return dev(Some("Google"), Some("Chromecast".into()), SMARTTV);
    }
    if u.has("appletv") || u.has("apple tv") {
        return dev(Some("Apple"), Some("Apple TV".into()), SMARTTV);
    }
    if u.has("smarttv") || u.has("android tv") || u.has("googletv") {
        return dev(None, None, SMARTTV);
    }
    if let Some(p) = u.find("lumia ") {
        let w = word_at(u.orig, p + 6);
        let vendor = if u.has("nokia") { "Nokia" } else { "Microsoft" };
        return dev(Some(vendor), Some(format!("Lumia {w}")), MOBILE);
    }
    if u.has("blackberry") {
        return dev(Some("BlackBerry"), None, MOBILE);
    }
    if let Some(d) = samsung(u) {
        return Some(d);
    }
    if let Some(d) = android_vendor(u) {
        return Some(d);
    }
    if let Some(p) = u.find("quest") {
        let mut end = p + 5;
        for ext in [" 2", " pro"] {
            if low[end..].starts_with(ext) {
                end += ext.len();
                break;
            }
        }
        return dev(Some("Facebook"), Some(u.orig[p..end].to_string()), WEARABLE);
    }
    // Firefox OS / KaiOS and Firefox for Android: `(Mobile; …rv:… Gecko/`.
    if u.has("rv:") && u.has("gecko/") {
        if u.has("(mobile;") {
            return dev(None, None, MOBILE);
        }
        if u.has("(tablet;") {
            return dev(None, None, TABLET);
        }
    }
    generic_android(u)
}

fn samsung(u: &Ua) -> Option<Device> {
    let low = u.low.as_str();
    for prefix in ["sm-", "gt-", "sch-", "sgh-", "sph-"] {
        let mut from = 0;
        while let Some(off) = low[from..].find(prefix) {
            let p = from + off;
            from = p + prefix.len();
            if !boundary_before(low, p) {
                continue;
            }
            let model = word_at(u.orig, p);
            if model.len() <= prefix.len() {
                continue;
            }
            let rest = &low[p + prefix.len()..];
            let tablet = (prefix == "sm-" && rest.starts_with(['p', 't', 'x']))
                || (prefix == "gt-" && rest.starts_with(['p', 'n']));
            return dev(
                Some("Samsung"),
                Some(model.to_string()),
                if tablet { TABLET } else { MOBILE },
            );
        }
    }
    None
}

/// The model text of an Android UA: the `; MODEL` segment ending in ` Build` or `)`.
fn android_model<'a>(u: &Ua<'a>) -> Option<&'a str> {
    let a = u.find("android")?;
    let open = u.low[..a].rfind('(')?;
    // The closing parenthesis of the group, skipping nested ones (`moto g(60))`).
    let mut depth = 0usize;
    let mut close = u.low.len();
    for (i, b) in u.low.bytes().enumerate().skip(open) {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    close = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let inside = &u.orig[open + 1..close];
    let mut candidate = None;
    let mut after_android = false;
    for seg in inside.split(';') {
        let s = seg.trim();
        let l = s.to_ascii_lowercase();
        if l.starts_with("android") {
            after_android = true;
            continue;
        }
        if !after_android
            || s.is_empty()
            || l == "wv"
            || l == "mobile"
            || l == "harmonyos"
            || l == "tablet"
            || l.starts_with("rv:")
        {
            continue;
        }
        // Locales such as `en-us`, `zh-cn`, `ko-kr`.
        let is_locale = l.len() <= 5
            && l.split('-').count() == 2
            && l.split('-')
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()));
        if is_locale {
            continue;
        }
        let model = match l.find(" build") {
            Some(b) => &s[..b],
            None => s,
        };
        candidate = Some(model.trim());
        break;
    }
    candidate.filter(|m| !m.is_empty())
}

fn android_vendor(u: &Ua) -> Option<Device> {
    let model = android_model(u)?;
    let l = model.to_ascii_lowercase();
    let mobile_or_tablet = if u.has("mobile") { MOBILE } else { TABLET };
    if l.starts_with("pixel c") {
        return dev(Some("Google"), Some(model.into()), TABLET);
    }
    if let Some(rest) = l.strip_prefix("pixel") {
        // `Pixel`, `Pixel 7`, `Pixel 4a`, `Pixel 3 XL`; not `Pixel 8 Pro` or `Pixel Tablet`,
        // which the reference does not recognise.
        let words: Vec<&str> = rest.split_whitespace().collect();
        let numbered = |w: &str| w.starts_with(|c: char| c.is_ascii_digit());
        let ok = match words.as_slice() {
            [] => true,
            [w] | [w, "xl"] => numbered(w),
            _ => false,
        };
        if ok {
            return dev(Some("Google"), Some(model.into()), MOBILE);
        }
        return None;
    }
    if l.starts_with("nexus 5") || l.starts_with("nexus 4") {
        return dev(Some("LG"), Some(model[..7].to_string()), MOBILE);
    }
    if l.starts_with("cph") && l[3..].bytes().take(4).filter(u8::is_ascii_digit).count() == 4 {
        return dev(Some("OPPO"), Some(model.into()), MOBILE);
    }
    if l.starts_with("moto") || l.starts_with("motorola") {
        return dev(Some("Motorola"), Some(model.into()), MOBILE);
    }
    if l.starts_with("redmi") || l.starts_with("mi ") || l.starts_with("poco") {
        return dev(Some("Xiaomi"), Some(model.into()), MOBILE);
    }
    if l.starts_with("lm-") {
        return dev(Some("LG"), Some(model.into()), MOBILE);
    }
    if let Some(rest) = l.strip_prefix("lg-") {
        return dev(
            Some("LG"),
            Some(model[3..3 + rest.len()].to_string()),
            MOBILE,
        );
    }
    if let Some(rest) = l.strip_prefix("lenovo ") {
        return dev(
            Some("Lenovo"),
            Some(model[7..7 + rest.len()].to_string()),
            mobile_or_tablet,
        );
    }
    if l.starts_with("kf") && l.len() >= 4 && l.bytes().all(|b| b.is_ascii_lowercase()) {
        return dev(Some("Amazon"), Some(model.into()), TABLET);
    }
    for (prefix, vendor) in [
        ("huawei", "Huawei"),
        ("honor", "Huawei"),
        ("oneplus", "OnePlus"),
        ("nokia", "Nokia"),
        ("asus", "ASUS"),
    ] {
        if l.starts_with(prefix) {
            // The model is what follows the brand; Huawei keeps the separator (` P30 Pro`).
            let rest = &model[prefix.len()..];
            let rest = if vendor == "Huawei" {
                rest
            } else {
                rest.trim_start_matches([' ', '_', '-'])
            };
            return dev(Some(vendor), Some(rest.to_string()), MOBILE);
        }
    }
    if huawei_like(&l) {
        return dev(Some("Huawei"), Some(model.into()), MOBILE);
    }
    None
}

/// Huawei model codes such as `VOG-L29`, `ELS-NX9`: 2–4 letters, `-`, then
/// `[atu]?[ln][\dx][012359c][adn]?`.
fn huawei_like(l: &str) -> bool {
    let Some((head, tail)) = l.split_once('-') else {
        return false;
    };
    if !(2..=5).contains(&head.len()) || !head.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let t = tail.as_bytes();
    let mut i = 0;
    if t.first().is_some_and(|b| b"atu".contains(b)) && t.get(1).is_some_and(|b| b"ln".contains(b))
    {
        i = 1;
    }
    let ok = t.get(i).is_some_and(|b| b"ln".contains(b))
        && t.get(i + 1)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'x')
        && t.get(i + 2).is_some_and(|b| b"012359c".contains(b));
    if !ok {
        return false;
    }
    let rest = &t[i + 3..];
    rest.is_empty() || (rest.len() == 1 && b"adn".contains(&rest[0]))
}

fn generic_android(u: &Ua) -> Option<Device> {
    if !u.has("android") {
        return None;
    }
    let model = android_model(u);
    let kind = if u.has("mobile") { MOBILE } else { TABLET };
    match model {
        Some(m) => dev(None, Some(m.to_string()), kind),
        None if u.has("mobile") => dev(None, None, MOBILE),
        None if u.has("tablet") => dev(None, None, TABLET),
        None => None,
    }
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
