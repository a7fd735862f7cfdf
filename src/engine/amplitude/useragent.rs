//! User-agent parsing with the outputs of `@amplitude/ua-parser-js` (0.7.33, the version the
//! reference runs) for the fields the destination reads: browser name and major version, OS
//! name, device vendor, model and type.
//!
//! A small table-driven parser of our own: ordered rules per family, first match wins, each
//! rule a few substring checks on the lower-cased text. It covers the families the reference
//! distinguishes in real traffic (desktop and mobile browsers, in-app browsers, Android
//! vendors, consoles, TVs, app HTTP clients); `tests/amplitude_useragent.rs` checks it against
//! outputs recorded from the reference library. Where a rule stands for one of the reference's
//! patterns it follows that pattern's matching exactly (leftmost match, greedy or lazy runs,
//! word boundaries), written out by hand: the engine has no regex engine. All offsets are
//! bytes of the ASCII-lower-cased copy, which keeps the original's offsets.

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

    /// The first `needle` starting at byte `from` or later (any byte offset).
    fn find_from(&self, from: usize, needle: &str) -> Option<usize> {
        let hay = self.low.as_bytes().get(from..)?;
        hay.windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .map(|i| from + i)
    }

    /// The `[\w.]+` version right after `token`.
    fn version_after(&self, token: &str) -> Option<&'a str> {
        self.version_after_at(self.find(token)? + token.len())
    }

    /// The `[\w.]+` version starting at byte `start`.
    fn version_after_at(&self, start: usize) -> Option<&'a str> {
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
    if let Some(version) = facebook(u) {
        return Some(("Facebook", version));
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
    // ` wv)` with `chrome/` somewhere after it.
    if let Some(w) = u.find(" wv)")
        && let Some(c) = u.find_from(w + 5, "chrome/")
    {
        return Some(("Chrome WebView", u.version_after_at(c + 7)));
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
    // Before Chrome: an old WebView (`Version/4.0 Chrome/39 Mobile Safari`) is reported as
    // the Android Browser at version 4.
    if let Some(version) = android_browser(u) {
        return Some(("Android Browser", Some(version)));
    }
    if u.has("chrome/") {
        return Some(("Chrome", u.version_after("chrome/")));
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

/// Facebook's in-app browser: `FBAN/FBIOS` or `FB_IAB/FB4A` with no `FBAV` after it (no
/// version), or `;FBAV/version;` (whichever comes first in the text).
fn facebook<'a>(u: &Ua<'a>) -> Option<Option<&'a str>> {
    let low = u.low.as_bytes();
    for p in 0..low.len() {
        let rest = &low[p..];
        if rest.starts_with(b"fban/fbios") || rest.starts_with(b"fb_iab/fb4a") {
            // Not followed, one character or more later, by `fbav`.
            let end = p + if rest.starts_with(b"fban") { 10 } else { 11 };
            if !low
                .get(end + 1..)
                .is_some_and(|r| r.windows(4).any(|w| w == b"fbav"))
            {
                return Some(None);
            }
        }
        if let Some(after) = rest.strip_prefix(b";fbav/") {
            let len = after
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'.')
                .count();
            if len > 0 && after[len..].starts_with(b";") {
                return Some(Some(&u.orig[p + 6..p + 6 + len]));
            }
        }
    }
    None
}

/// `droid… Version/X… Safari`: the Android Browser (and old WebViews). `X` is the `[\w.]+`
/// after the last ` version/` (one character or more after `droid`) that still ends on a word
/// boundary with `safari` one character or more after it.
fn android_browser<'a>(u: &Ua<'a>) -> Option<&'a str> {
    let from = u.find("droid")? + 6;
    let low = u.low.as_bytes();
    let mut starts = Vec::new();
    let mut at = from;
    while let Some(p) = u.find_from(at, " version/") {
        starts.push(p + 9);
        at = p + 1;
    }
    for &start in starts.iter().rev() {
        let len = low[start..]
            .iter()
            .take_while(|&&b| is_word(b) || b == b'.')
            .count();
        // The longest version (at least one character) at a word boundary with `safari`
        // starting one character or more after it.
        for k in (1..=len).rev() {
            let end = start + k;
            let boundary = word_boundary(low, end);
            if boundary && u.find_from(end + 1, "safari").is_some() {
                return Some(&u.orig[start..end]);
            }
        }
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
    if let Some(d) = apple(u) {
        return Some(d);
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
    if let Some(d) = coded_vendor(u) {
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

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Length of the `\w` run at byte `at`.
fn word_len(low: &[u8], at: usize) -> usize {
    low.get(at..)
        .map_or(0, |r| r.iter().take_while(|b| is_word(**b)).count())
}

/// A `\b` at byte `at`.
fn word_boundary(low: &[u8], at: usize) -> bool {
    let before = at > 0 && is_word(low[at - 1]);
    let after = low.get(at).is_some_and(|b| is_word(*b));
    before != after
}

/// Model codes of vendors the reference names by their code alone (Vivo `V1914A`, Realme
/// `RMX2002`, OPPO `CPH1907`/`PCAM10`, OnePlus `BE2015`), and `vivo NAME`, `ZTE NAME`,
/// `HTC NAME`, `Motorola NAME`, in the reference's order.
fn coded_vendor(u: &Ua) -> Option<Device> {
    let low = u.low.as_bytes();
    let found = |vendor, start: usize, end: usize| {
        dev(Some(vendor), Some(u.orig[start..end].to_string()), MOBILE)
    };
    // OPPO: `\b(cph[12]\d{3}|p(?:af|c[al]|d\w|e[ar])[mt]\d0|x9007|a101op)\b`.
    for p in 0..low.len() {
        if !word_boundary(low, p) {
            continue;
        }
        let r = &low[p..];
        let len = if r.starts_with(b"cph")
            && matches!(r.get(3), Some(b'1' | b'2'))
            && digits_at(r, 4) >= 3
        {
            7
        } else if r.starts_with(b"x9007") {
            5
        } else if r.starts_with(b"a101op")
            || (r.first() == Some(&b'p')
                && r.len() >= 6
                && matches!(
                    (r[1], r[2]),
                    (b'a', b'f') | (b'c', b'a' | b'l') | (b'e', b'a' | b'r')
                ) | (r[1] == b'd' && is_word(r[2]))
                && matches!(r[3], b'm' | b't')
                && r[4].is_ascii_digit()
                && r[5] == b'0')
        {
            6
        } else {
            continue;
        };
        if word_boundary(low, p + len) {
            return found("OPPO", p, p + len);
        }
    }
    // Vivo: `vivo (\w+)(?: bui|\))`, then `\b(v[12]\d{3}\w?[at])(?: bui|;)`.
    let mut at = 0;
    while let Some(p) = u.find_from(at, "vivo ") {
        at = p + 1;
        let n = word_len(low, p + 5);
        let end = p + 5 + n;
        if n > 0 && (low[end..].starts_with(b" bui") || low[end..].starts_with(b")")) {
            return dev(Some("Vivo"), Some(u.orig[p + 5..end].to_string()), MOBILE);
        }
    }
    for p in 0..low.len() {
        let r = &low[p..];
        if word_boundary(low, p)
            && r.first() == Some(&b'v')
            && matches!(r.get(1), Some(b'1' | b'2'))
            && digits_at(r, 2) >= 3
        {
            // `\w?` then `a` or `t`, then ` bui` or `;`.
            for len in [7, 6] {
                if r.len() > len
                    && matches!(r[len - 1], b'a' | b't')
                    && (len == 6 || is_word(r[5]))
                    && (r[len..].starts_with(b" bui") || r[len..].starts_with(b";"))
                {
                    return found("Vivo", p, p + len);
                }
            }
        }
    }
    // Realme: `\b(rmx[12]\d{3})(?: bui|;|\))`.
    let mut at = 0;
    while let Some(p) = u.find_from(at, "rmx") {
        at = p + 1;
        let r = &low[p..];
        if word_boundary(low, p)
            && matches!(r.get(3), Some(b'1' | b'2'))
            && digits_at(r, 4) >= 3
            && (r[7..].starts_with(b" bui") || r[7..].starts_with(b";") || r[7..].starts_with(b")"))
        {
            return found("Realme", p, p + 7);
        }
    }
    if let Some(d) = motorola(u) {
        return Some(d);
    }
    if let Some((start, end)) = sony(u) {
        return found("Sony", start, end);
    }
    // OnePlus: ` (kb2005|in20[12]5|be20[12][59])\b`.
    let mut at = 0;
    while let Some(p) = u.find_from(at, " ") {
        at = p + 1;
        let r = &low[p + 1..];
        let ok = r.starts_with(b"kb2005")
            || (r.starts_with(b"in20")
                && matches!(r.get(4), Some(b'1' | b'2'))
                && r.get(5) == Some(&b'5'))
            || (r.starts_with(b"be20")
                && matches!(r.get(4), Some(b'1' | b'2'))
                && matches!(r.get(5), Some(b'5' | b'9')));
        if ok && word_boundary(low, p + 7) {
            return found("OnePlus", p + 1, p + 7);
        }
    }
    named_vendor(u)
}

/// An empty capture is `undefined` to the reference.
fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.replace('_', " "))
}

/// `\bmot(?:orola)?[- ](\w*)`, then `xt` and three or four digits before ` bui` or `)`.
fn motorola(u: &Ua) -> Option<Device> {
    let low = u.low.as_bytes();
    let mut at = 0;
    while let Some(p) = u.find_from(at, "mot") {
        at = p + 1;
        if !word_boundary(low, p) {
            continue;
        }
        let sep =
            if low[p..].starts_with(b"motorola") && matches!(low.get(p + 8), Some(b'-' | b' ')) {
                p + 8
            } else if matches!(low.get(p + 3), Some(b'-' | b' ')) {
                p + 3
            } else {
                continue;
            };
        let n = word_len(low, sep + 1);
        return dev(
            Some("Motorola"),
            non_empty(&u.orig[sep + 1..sep + 1 + n]),
            MOBILE,
        );
    }
    let mut at = 0;
    while let Some(p) = u.find_from(at, "xt") {
        at = p + 1;
        let n = digits_at(low, p + 2);
        // Three or four digits; with five or more, four of them cannot end at ` bui` or `)`.
        let end = p + 2 + n;
        if (3..=4).contains(&n) && (low[end..].starts_with(b" bui") || low[end..].starts_with(b")"))
        {
            return dev(Some("Motorola"), Some(u.orig[p..end].to_string()), MOBILE);
        }
    }
    None
}

/// Sony phone codes after `droid…` and a space (`902SO`, `E6653`, `SO-01K`, `XQ-AT52`), the
/// last one followed by ` bui`, or by `)` with a `Chrome/` of version 70 or later after it.
fn sony(u: &Ua) -> Option<(usize, usize)> {
    let low = u.low.as_bytes();
    let d = u.find("droid")?;
    let digit = |i: usize| low.get(i).is_some_and(u8::is_ascii_digit);
    let in_range = |i: usize, a: u8, b: u8| low.get(i).is_some_and(|c| (a..=b).contains(c));
    let chrome_after = |from: usize| {
        let mut at = from;
        while let Some(c) = u.find_from(at, "chrome/") {
            at = c + 1;
            let v = c + 7;
            // Not `[1-6]?\d\.`: a version below 70.
            let short = (digit(v) && low.get(v + 1) == Some(&b'.'))
                || (in_range(v, b'1', b'6') && digit(v + 1) && low.get(v + 2) == Some(&b'.'));
            if !short {
                return true;
            }
        }
        false
    };
    let follows = |end: usize| {
        low[end..].starts_with(b" bui") || (low.get(end) == Some(&b')') && chrome_after(end + 2))
    };
    let mut best = None;
    for q in d + 7..low.len() {
        if low[q - 1] != b' ' {
            continue;
        }
        let mut ends = Vec::new();
        // `a?\d[0-2]{2}so`
        for start in [q + 1, q] {
            if (start == q || low[q] == b'a')
                && digit(start)
                && in_range(start + 1, b'0', b'2')
                && in_range(start + 2, b'0', b'2')
                && low[start + 3..].starts_with(b"so")
            {
                ends.push(start + 5);
            }
        }
        // `[c-g]\d{4}`
        if in_range(q, b'c', b'g') && (1..=4).all(|i| digit(q + i)) {
            ends.push(q + 5);
        }
        // `so[-gl]\w+`
        if low[q..].starts_with(b"so") && matches!(low.get(q + 2), Some(b'-' | b'g' | b'l')) {
            let n = word_len(low, q + 3);
            if n > 0 {
                ends.push(q + 3 + n);
            }
        }
        // `xq-a\w[4-7][12]`
        if low[q..].starts_with(b"xq-a")
            && low.get(q + 4).is_some_and(|b| is_word(*b))
            && in_range(q + 5, b'4', b'7')
            && in_range(q + 6, b'1', b'2')
        {
            ends.push(q + 7);
        }
        if let Some(end) = ends.into_iter().find(|&e| follows(e)) {
            best = Some((q, end));
        }
    }
    best
}

/// `(htc)[-;_ ]{1,2}([\w ]+(?=\)| bui)|\w+)`, `(zte)[- ]([\w ]+?)(?: bui|/|\))`, then
/// `(alcatel|geeksphone|nexian|panasonic|sony(?!-bra))[-_ ]?([-\w]*)`: the vendor as written.
fn named_vendor(u: &Ua) -> Option<Device> {
    let low = u.low.as_bytes();
    let named = |start: usize, len: usize, model: &str| {
        Some(Device {
            vendor: Some(u.orig[start..start + len].to_string()),
            model: non_empty(model),
            kind: MOBILE,
        })
    };
    let model_class = |b: u8| is_word(b) || b == b' ';
    let mut at = 0;
    while let Some(p) = u.find_from(at, "htc") {
        at = p + 1;
        let seps = low[p + 3..]
            .iter()
            .take(2)
            .take_while(|b| b"-;_ ".contains(b))
            .count();
        for sep in (1..=seps).rev() {
            let start = p + 3 + sep;
            let run = low[start..].iter().take_while(|b| model_class(**b)).count();
            // The longest `[\w ]+` followed by `)` or ` bui`, else the `\w+`.
            let ended = (1..=run).rev().find(|&k| {
                low[start + k..].starts_with(b")") || low[start + k..].starts_with(b" bui")
            });
            let k = ended.unwrap_or_else(|| word_len(low, start));
            if k > 0 {
                return named(p, 3, &u.orig[start..start + k]);
            }
        }
    }
    let mut at = 0;
    while let Some(p) = u.find_from(at, "zte") {
        at = p + 1;
        if !matches!(low.get(p + 3), Some(b'-' | b' ')) {
            continue;
        }
        let start = p + 4;
        let run = low[start..].iter().take_while(|b| model_class(**b)).count();
        // The shortest `[\w ]+?` followed by ` bui`, `/` or `)`.
        let ended = (1..=run).find(|&k| {
            let r = &low[start + k..];
            r.starts_with(b" bui") || r.starts_with(b"/") || r.starts_with(b")")
        });
        if let Some(k) = ended {
            return named(p, 3, &u.orig[start..start + k]);
        }
    }
    for p in 0..low.len() {
        let r = &low[p..];
        let len = ["alcatel", "geeksphone", "nexian", "panasonic", "sony"]
            .iter()
            .find(|n| r.starts_with(n.as_bytes()))
            .map(|n| n.len());
        let Some(len) = len else { continue };
        if len == 4 && r[4..].starts_with(b"-bra") {
            continue;
        }
        let mut start = p + len;
        if matches!(low.get(start), Some(b'-' | b'_' | b' ')) {
            start += 1;
        }
        let n = low[start..]
            .iter()
            .take_while(|b| is_word(**b) || **b == b'-')
            .count();
        return named(p, len, &u.orig[start..start + n]);
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
