//! The device rules, in the reference parser's order: each group is tried pattern by pattern
//! over the whole user agent, and the first group with a matching pattern gives the vendor,
//! model and type (an empty capture counts as none). The patterns are built from
//! [`super::pattern`]'s pieces; `DEVICES` in the parent module lists the groups in order.

use std::sync::OnceLock;

use super::pattern::{Caps, Cl::*, MANY, Needs, P, P::*, Pairs, find};

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy)]
pub(super) enum F {
    No,
    Is(&'static str),
    /// Capture group `n` as written in the user agent.
    Cap(usize),
    /// Capture group `n` with every `from` byte replaced by a space.
    CapSpaced(usize, u8),
    /// `prefix` followed by capture group `n`.
    Prefixed(&'static str, usize),
    /// Capture group `n` without its leading white space (the reference's `trim`).
    Trimmed(usize),
    /// Capture group `n` followed by this text.
    Suffixed(usize, &'static str),
    /// The early Safari version a `/build` capture stands for.
    OldSafari(usize),
    /// Capture group `n` without its first `master.` or `lts.`.
    Cobalt(usize),
}

/// Patterns tried in order; the first that matches sets the fields.
#[derive(Debug)]
pub(super) struct Group {
    pub(super) pats: &'static [&'static [P]],
    pub(super) model: F,
    pub(super) vendor: F,
    pub(super) kind: Option<&'static str>,
    needs: OnceLock<Vec<Needs>>,
}

/// The first pattern of `pats` that matches (each pattern's needs worked out once, in `needs`).
pub(super) fn first_match(
    pats: &[&'static [P]],
    needs: &OnceLock<Vec<Needs>>,
    low: &[u8],
    pairs: &Pairs,
) -> Option<Caps> {
    let needs = needs.get_or_init(|| pats.iter().map(|p| Needs::of(p)).collect());
    pats.iter()
        .zip(needs)
        .find_map(|(p, n)| find(p, n, low, pairs))
}

/// The first matching pattern of `g` in `low`, resolved against `orig` (same byte offsets):
/// `(vendor, model, kind)`.
pub(super) fn apply(
    g: &Group,
    orig: &str,
    low: &[u8],
    pairs: &Pairs,
) -> Option<(Option<String>, Option<String>, Option<&'static str>)> {
    let caps = first_match(g.pats, &g.needs, low, pairs)?;
    Some((
        field(g.vendor, &caps, orig),
        field(g.model, &caps, orig),
        g.kind,
    ))
}

/// A field's value from a match's captures.
pub(super) fn field(f: F, caps: &Caps, orig: &str) -> Option<String> {
    let text = |n: usize| caps[n].map(|(a, b)| &orig[a..b]).filter(|s| !s.is_empty());
    match f {
        F::No => None,
        F::Is(s) => Some(s.to_string()),
        F::Cap(n) => text(n).map(str::to_string),
        F::CapSpaced(n, from) => text(n).map(|s| s.replace(char::from(from), " ")),
        F::Prefixed(p, n) => text(n).map(|s| format!("{p}{s}")),
        F::Suffixed(n, sfx) => text(n).map(|s| format!("{s}{sfx}")),
        // A function of the capture: an empty result stays (only a missing capture is none).
        F::Trimmed(n) => {
            caps[n].map(|(a, b)| orig[a..b].trim_start_matches(super::js_space).to_string())
        }
        F::OldSafari(n) => text(n).and_then(|s| {
            // The build after `/` stands for an early Safari version; any other is none.
            const BUILDS: [(&str, &str); 7] = [
                ("/8", "1.0"),
                ("/1", "1.2"),
                ("/3", "1.3"),
                ("/412", "2.0"),
                ("/416", "2.0.2"),
                ("/417", "2.0.3"),
                ("/419", "2.0.4"),
            ];
            let l = s.to_ascii_lowercase();
            BUILDS
                .iter()
                .find(|(b, _)| l.contains(b))
                .map(|(_, v)| v.to_string())
        }),
        F::Cobalt(n) => text(n).map(|s| {
            // `replace(/master.|lts./, "")`: the first `master` or `lts` and the character
            // after it.
            let l = s.to_ascii_lowercase();
            let hit = (0..l.len()).find_map(|i| {
                ["master", "lts"].iter().find_map(|w| {
                    let end = i + w.len();
                    (l[i..].starts_with(w) && l[end..].chars().next().is_some())
                        .then(|| (i, end + l[end..].chars().next().map_or(0, char::len_utf8)))
                })
            });
            match hit {
                Some((a, b)) => format!("{}{}", &s[..a], &s[b..]),
                None => s.to_string(),
            }
        }),
    }
}

const MOBILE: Option<&str> = Some("mobile");
const TABLET: Option<&str> = Some("tablet");
const CONSOLE: Option<&str> = Some("console");
const SMARTTV: Option<&str> = Some("smarttv");
const WEARABLE: Option<&str> = Some("wearable");
const EMBEDDED: Option<&str> = Some("embedded");

const fn g(
    pats: &'static [&'static [P]],
    model: F,
    vendor: F,
    kind: Option<&'static str>,
) -> Group {
    Group {
        pats,
        model,
        vendor,
        kind,
        needs: OnceLock::new(),
    }
}

/// ` bui` or `)`, the usual end of an Android model.
pub(super) const BUI_OR_PAREN: P = A(&[&[T(" bui")], &[T(")")]]);
/// `.+` (greedy).
pub(super) const ANY: P = R(Any, 1, MANY);
/// Not followed (one character or more later) by `d/s`.
const NO_DS: P = N(&[ANY, T("d/s")]);

pub(super) static SAMSUNG_TABLET: Group = g(
    &[&[
        B,
        C(
            1,
            &[A(&[
                &[T("sch-i"), R(In(b"89"), 1, 1), T("0"), R(Digit, 1, 1)],
                &[T("shw-m380s")],
                &[T("sm-"), R(In(b"ptx"), 1, 1), R(Word, 2, 4)],
                &[T("gt-"), R(In(b"pn"), 1, 1), R(Digit, 2, 4)],
                &[T("sgh-t8"), R(In(b"56"), 1, 1), T("9")],
                &[T("nexus 10")],
            ])],
        ),
    ]],
    F::Cap(1),
    F::Is("Samsung"),
    TABLET,
);

pub(super) static SAMSUNG_MOBILE: Group = g(
    &[
        &[
            B,
            C(
                1,
                &[A(&[
                    &[
                        A(&[
                            &[T("s"), R(In(b"cgp"), 1, 1), T("h")],
                            &[T("gt")],
                            &[T("sm")],
                        ]),
                        T("-"),
                        R(Word, 1, MANY),
                    ],
                    &[T("galaxy nexus")],
                ])],
            ),
        ],
        &[
            T("samsung"),
            R(In(b"- "), 1, 1),
            C(1, &[R(WordOr(b"-"), 1, MANY)]),
        ],
        &[T("sec-"), C(1, &[T("sgh"), R(Word, 1, MANY)])],
    ],
    F::Cap(1),
    F::Is("Samsung"),
    MOBILE,
);

pub(super) static HUAWEI_TABLET: Group = g(
    &[&[
        B,
        C(
            1,
            &[
                A(&[
                    &[T("ag"), R(In(b"rs"), 1, 1), R(In(b"23"), 0, 1)],
                    &[T("bah"), R(In(b"2"), 0, 1)],
                    &[T("sh"), R(In(b"t"), 0, 1)],
                    &[T("btv")],
                ]),
                T("-"),
                R(In(b"a"), 0, 1),
                R(In(b"lw"), 1, 1),
                R(Digit, 2, 2),
            ],
        ),
        B,
        NO_DS,
    ]],
    F::Cap(1),
    F::Is("Huawei"),
    TABLET,
);

pub(super) static HUAWEI_MOBILE: Group = g(
    &[
        &[
            A(&[&[T("huawei")], &[T("honor")]]),
            C(1, &[R(WordOr(b"- "), 1, MANY)]),
            R(In(b";)"), 1, 1),
        ],
        &[
            B,
            C(
                1,
                &[A(&[
                    &[T("nexus 6p")],
                    &[
                        R(Word, 2, 4),
                        R(In(b"e"), 0, 1),
                        T("-"),
                        R(In(b"atu"), 0, 1),
                        R(In(b"ln"), 1, 1),
                        R(In(b"0123456789x"), 1, 1),
                        R(In(b"012359c"), 1, 1),
                        R(In(b"adn"), 0, 1),
                    ],
                ])],
            ),
            B,
            NO_DS,
        ],
    ],
    F::Cap(1),
    F::Is("Huawei"),
    MOBILE,
);

pub(super) static XIAOMI_MOBILE: Group = g(
    &[
        &[
            B,
            C(1, &[T("poco"), R(WordOr(b" "), 1, MANY)]),
            BUI_OR_PAREN,
        ],
        &[
            B,
            T("; "),
            C(1, &[R(Word, 1, MANY)]),
            T(" build/hm"),
            Ref(1),
        ],
        &[
            B,
            C(
                1,
                &[
                    T("hm"),
                    R(In(b"-_ "), 0, 1),
                    T("not"),
                    R(In(b"e"), 0, 1),
                    R(In(b"_ "), 0, 1),
                    O(&[R(Digit, 1, 1), R(Word, 1, 1)]),
                ],
            ),
            T(" bui"),
        ],
        &[
            B,
            C(
                1,
                &[
                    T("redmi"),
                    R(In(b"-_ "), 0, 1),
                    O(&[A(&[&[T("note")], &[T("k")]])]),
                    R(WordOr(b" "), 1, MANY),
                ],
            ),
            BUI_OR_PAREN,
        ],
        &[
            B,
            C(
                1,
                &[
                    T("mi"),
                    R(In(b"-_ "), 0, 1),
                    O(&[A(&[
                        &[T("a"), R(Digit, 1, 1)],
                        &[T("one")],
                        &[T("one"), R(In(b"_ "), 1, 1), T("plus")],
                        &[T("note lte")],
                        &[T("max")],
                        &[T("cc")],
                    ])]),
                    R(In(b"_ "), 0, 1),
                    R(Digit, 0, 1),
                    R(Word, 0, 1),
                    R(In(b"_ "), 0, 1),
                    O(&[A(&[&[T("plus")], &[T("se")], &[T("lite")]])]),
                ],
            ),
            BUI_OR_PAREN,
        ],
    ],
    F::CapSpaced(1, b'_'),
    F::Is("Xiaomi"),
    MOBILE,
);

pub(super) static XIAOMI_TABLET: Group = g(
    &[&[
        B,
        C(
            1,
            &[
                T("mi"),
                R(In(b"-_ "), 0, 1),
                T("pad"),
                R(WordOr(b" "), 1, MANY),
            ],
        ),
        BUI_OR_PAREN,
    ]],
    F::CapSpaced(1, b'_'),
    F::Is("Xiaomi"),
    TABLET,
);

pub(super) static MOTOROLA_MOBILE: Group = g(
    &[
        &[
            B,
            C(
                1,
                &[
                    A(&[
                        &[T("milestone")],
                        &[
                            T("droid"),
                            O(&[A(&[
                                &[R(In(b"234x"), 1, 1)],
                                &[
                                    T(" "),
                                    A(&[&[T("bionic")], &[T("x2")], &[T("pro")], &[T("razr")]]),
                                ],
                            ])]),
                        ],
                    ]),
                    R(In(b":"), 0, 1),
                    O(&[C(2, &[T(" 4g")])]),
                ],
            ),
            B,
            R(WordOr(b" "), 1, MANY),
            T("build/"),
        ],
        &[
            B,
            T("mot"),
            O(&[T("orola")]),
            R(In(b"- "), 1, 1),
            C(1, &[R(Word, 0, MANY)]),
        ],
        &[
            C(
                1,
                &[A(&[
                    &[T("moto"), R(WordOr(b"() "), 1, MANY)],
                    &[T("xt"), R(Digit, 3, 4)],
                    &[T("nexus 6")],
                ])],
            ),
            Y(&[BUI_OR_PAREN]),
        ],
    ],
    F::Cap(1),
    F::Is("Motorola"),
    MOBILE,
);

pub(super) static MOTOROLA_TABLET: Group = g(
    &[&[
        B,
        C(
            1,
            &[A(&[
                &[T("mz60"), R(Digit, 1, 1)],
                &[T("xoom"), R(In(b"2 "), 0, 2)],
            ])],
        ),
        T(" build/"),
    ]],
    F::Cap(1),
    F::Is("Motorola"),
    TABLET,
);

pub(super) static LG_TABLET: Group = g(
    &[&[A(&[
        &[
            C(
                1,
                &[
                    R(In(b"vl"), 1, 1),
                    T("k"),
                    R(In(b"-"), 0, 1),
                    R(Digit, 3, 3),
                ],
            ),
            T(" bui"),
        ],
        &[
            T(" 3."),
            R(WordOr(b"-; "), 10, 10),
            T("l"),
            R(In(b"g"), 0, 1),
            T("-"),
            C(2, &[R(In(b"06cv9"), 3, 4)]),
        ],
    ])]],
    F::Cap(1),
    F::Is("LG"),
    TABLET,
);

pub(super) static LG_MOBILE: Group = g(
    &[
        &[C(
            1,
            &[A(&[
                &[
                    T("lm"),
                    A(&[
                        &[R(In(b"-"), 0, 1), T("f100"), R(In(b"nv"), 0, 1)],
                        &[T("-"), R(WordOr(b"."), 1, MANY)],
                    ]),
                    Y(&[BUI_OR_PAREN]),
                ],
                &[T("nexus "), R(In(b"45"), 1, 1)],
            ])],
        )],
        &[
            B,
            T("lg"),
            R(In(b"-e;/ "), 1, MANY),
            C(
                1,
                &[
                    N(&[A(&[&[T("browser")], &[T("netcast")], &[T("android tv")]])]),
                    R(Word, 1, MANY),
                ],
            ),
        ],
        &[
            B,
            T("lg"),
            R(In(b"-"), 0, 1),
            C(1, &[R(Word, 1, MANY)]),
            T(" bui"),
        ],
    ],
    F::Cap(1),
    F::Is("LG"),
    MOBILE,
);

pub(super) static LENOVO_TABLET: Group = g(
    &[
        &[C(1, &[T("ideatab"), R(WordOr(b"- "), 1, MANY)])],
        &[
            T("lenovo"),
            R(In(b" "), 0, 1),
            C(
                1,
                &[A(&[
                    &[
                        T("s"),
                        R(In(b"56"), 1, 1),
                        T("000"),
                        R(WordOr(b"-"), 1, MANY),
                    ],
                    &[T("tab"), R(WordOr(b" "), 1, MANY)],
                    &[T("yt"), R(WordOr(b"-"), 6, 6)],
                    &[T("tb"), R(WordOr(b"-"), 6, 6)],
                ])],
            ),
        ],
    ],
    F::Cap(1),
    F::Is("Lenovo"),
    TABLET,
);

pub(super) static NOKIA: Group = g(
    &[
        &[
            A(&[&[T("maemo")], &[T("nokia")]]),
            R(Any, 0, MANY),
            C(1, &[A(&[&[T("n900")], &[T("lumia "), R(Digit, 1, MANY)]])]),
        ],
        &[
            T("nokia"),
            R(In(b"-_ "), 0, 1),
            C(1, &[R(WordOr(b"-."), 0, MANY)]),
        ],
    ],
    F::CapSpaced(1, b'_'),
    F::Is("Nokia"),
    MOBILE,
);

pub(super) static GOOGLE_TABLET: Group = g(
    &[&[C(1, &[T("pixel c")]), B]],
    F::Cap(1),
    F::Is("Google"),
    TABLET,
);

pub(super) static GOOGLE_MOBILE: Group = g(
    &[&[
        T("droid"),
        ANY,
        T("; "),
        C(1, &[T("pixel"), R(In(b"0123456789axl "), 0, 6)]),
        BUI_OR_PAREN,
    ]],
    F::Cap(1),
    F::Is("Google"),
    MOBILE,
);

pub(super) static SONY_TABLET: Group = g(
    &[
        &[T("sony tablet "), R(In(b"ps"), 1, 1)],
        &[B, O(&[T("sony")]), T("sgp"), R(Word, 1, MANY), BUI_OR_PAREN],
    ],
    F::Is("Xperia Tablet"),
    F::Is("Sony"),
    TABLET,
);

pub(super) static ONEPLUS: Group = g(
    &[
        &[
            T(" "),
            C(
                1,
                &[A(&[
                    &[T("kb2005")],
                    &[T("in20"), R(In(b"12"), 1, 1), T("5")],
                    &[T("be20"), R(In(b"12"), 1, 1), R(In(b"59"), 1, 1)],
                ])],
            ),
            B,
        ],
        &[
            O(&[T("one")]),
            O(&[T("plus")]),
            T(" "),
            C(1, &[T("a"), R(Digit, 1, 1), T("0"), R(Digit, 2, 2)]),
            A(&[&[T(" b")], &[T(")")]]),
        ],
    ],
    F::Cap(1),
    F::Is("OnePlus"),
    MOBILE,
);

pub(super) static AMAZON_TABLET: Group = g(
    &[
        &[C(1, &[T("alexa")]), T("webm")],
        &[
            C(1, &[T("kf"), R(Range(b'a', b'z'), 2, 2), T("wi")]),
            C(2, &[BUI_OR_PAREN]),
        ],
        &[
            C(1, &[T("kf"), R(Range(b'a', b'z'), 1, MANY)]),
            C(2, &[BUI_OR_PAREN]),
            ANY,
            T("silk/"),
        ],
    ],
    F::Cap(1),
    F::Is("Amazon"),
    TABLET,
);

pub(super) static AMAZON_PHONE: Group = g(
    &[&[
        C(
            1,
            &[
                A(&[&[T("sd")], &[T("kf")]]),
                R(In(b"0349hijorstuw"), 1, MANY),
            ],
        ),
        C(2, &[BUI_OR_PAREN]),
        ANY,
        T("silk/"),
    ]],
    F::Prefixed("Fire Phone ", 1),
    F::Is("Amazon"),
    MOBILE,
);

pub(super) static BLACKBERRY_PLAYBOOK: Group = g(
    &[&[
        C(1, &[T("playbook")]),
        T(";"),
        R(WordOr(b"-),; "), 1, MANY),
        C(2, &[T("rim")]),
    ]],
    F::Cap(1),
    F::Cap(2),
    TABLET,
);

pub(super) static BLACKBERRY_MOBILE: Group = g(
    &[
        &[
            B,
            C(
                1,
                &[
                    A(&[
                        &[T("bb"), R(Range(b'a', b'f'), 1, 1)],
                        &[T("st"), R(In(b"hv"), 1, 1)],
                    ]),
                    T("100-"),
                    R(Digit, 1, 1),
                ],
            ),
        ],
        &[T("(bb10; "), C(1, &[R(Word, 1, MANY)])],
    ],
    F::Cap(1),
    F::Is("BlackBerry"),
    MOBILE,
);

pub(super) static ASUS_TABLET: Group = g(
    &[&[
        A(&[&[B], &[T("asus_")]]),
        C(
            1,
            &[A(&[
                &[
                    T("transfo"),
                    R(In(b"prime "), 4, 10),
                    T(" "),
                    R(Word, 1, MANY),
                ],
                &[T("eeepc")],
                &[T("slider "), R(Word, 1, MANY)],
                &[T("nexus 7")],
                &[T("padfone")],
                &[T("p00"), R(In(b"cj"), 1, 1)],
            ])],
        ),
    ]],
    F::Cap(1),
    F::Is("ASUS"),
    TABLET,
);

pub(super) static ASUS_MOBILE: Group = g(
    &[&[
        T(" "),
        C(
            1,
            &[A(&[
                &[
                    T("z"),
                    R(In(b"bes"), 1, 1),
                    T("6"),
                    R(In(b"027"), 1, 1),
                    R(In(b"012"), 1, 1),
                    R(In(b"km"), 1, 1),
                    R(In(b"ls"), 1, 1),
                ],
                &[T("zenfone "), R(Digit, 1, 1), R(Word, 0, 1)],
            ])],
        ),
        B,
    ]],
    F::Cap(1),
    F::Is("ASUS"),
    MOBILE,
);

pub(super) static HTC_TABLET: Group =
    g(&[&[C(1, &[T("nexus 9")])]], F::Cap(1), F::Is("HTC"), TABLET);

pub(super) static ACER_TABLET: Group = g(
    &[&[
        T("droid"),
        ANY,
        T("; "),
        C(
            1,
            &[
                R(In(b"ab"), 1, 1),
                R(Range(b'1', b'7'), 1, 1),
                R(In(b"-"), 0, 1),
                R(In(b"0178a"), 1, 1),
                R(Digit, 1, 1),
                R(Digit, 0, 1),
            ],
        ),
    ]],
    F::Cap(1),
    F::Is("Acer"),
    TABLET,
);

pub(super) static MEIZU: Group = g(
    &[
        &[
            T("droid"),
            ANY,
            T("; "),
            C(1, &[T("m"), R(Range(b'1', b'5'), 1, 1), T(" note")]),
            T(" bui"),
        ],
        &[B, T("mz-"), C(1, &[R(WordOr(b"-"), 2, MANY)])],
    ],
    F::Cap(1),
    F::Is("Meizu"),
    MOBILE,
);

pub(super) static SHARP: Group = g(
    &[&[
        B,
        C(
            1,
            &[
                T("sh"),
                R(In(b"-"), 0, 1),
                R(In(b"altvz"), 0, 1),
                R(Digit, 2, 2),
                R(In(b"abcdekm"), 0, 1),
            ],
        ),
    ]],
    F::Cap(1),
    F::Is("Sharp"),
    MOBILE,
);

pub(super) static MIXED_MOBILE: Group = g(
    &[
        &[
            C(
                1,
                &[A(&[
                    &[T("blackberry")],
                    &[T("benq")],
                    &[T("palm"), Y(&[T("-")])],
                    &[T("sonyericsson")],
                    &[T("acer")],
                    &[T("asus")],
                    &[T("dell")],
                    &[T("meizu")],
                    &[T("motorola")],
                    &[T("polytron")],
                ])],
            ),
            R(In(b"-_ "), 0, 1),
            C(2, &[R(WordOr(b"-"), 0, MANY)]),
        ],
        &[
            C(1, &[T("hp")]),
            T(" "),
            C(2, &[R(WordOr(b" "), 1, MANY), R(Word, 1, 1)]),
        ],
        &[
            C(1, &[T("asus")]),
            R(In(b"-"), 0, 1),
            C(2, &[R(Word, 1, MANY)]),
        ],
        &[
            C(1, &[T("microsoft")]),
            T("; "),
            C(2, &[T("lumia"), R(WordOr(b" "), 1, MANY)]),
        ],
        &[
            C(1, &[T("lenovo")]),
            R(In(b"-_ "), 0, 1),
            C(2, &[R(WordOr(b"-"), 1, MANY)]),
        ],
        &[C(1, &[T("jolla")])],
        &[
            C(1, &[T("oppo")]),
            R(In(b" "), 0, 1),
            C(2, &[R(WordOr(b" "), 1, MANY)]),
            T(" bui"),
        ],
    ],
    F::Cap(2),
    F::Cap(1),
    MOBILE,
);

pub(super) static MIXED_TABLET: Group = g(
    &[
        &[
            C(1, &[T("archos")]),
            T(" "),
            C(2, &[T("gamepad"), R(In(b"2"), 0, 1)]),
        ],
        &[
            C(1, &[T("hp")]),
            ANY,
            C(
                2,
                &[A(&[
                    &[T("touchpad"), N(&[ANY, T("tablet")])],
                    &[T("tablet")],
                ])],
            ),
        ],
        &[
            C(1, &[T("kindle")]),
            T("/"),
            C(2, &[R(WordOr(b"."), 1, MANY)]),
        ],
        &[
            C(1, &[T("nook")]),
            R(WordOr(b" "), 1, MANY),
            T("build/"),
            C(2, &[R(Word, 1, MANY)]),
        ],
        &[
            C(1, &[T("dell")]),
            T(" "),
            C(
                2,
                &[
                    T("strea"),
                    R(WordOr(b" "), 0, MANY),
                    R(In(b"0123456789ko"), 1, 1),
                ],
            ),
        ],
        &[
            C(1, &[T("le"), R(In(b"- "), 1, MANY), T("pan")]),
            R(In(b"- "), 1, MANY),
            C(2, &[R(Word, 1, 9)]),
            T(" bui"),
        ],
        &[
            C(1, &[T("trinity")]),
            R(In(b"- "), 0, MANY),
            C(2, &[T("t"), R(Digit, 3, 3)]),
            T(" bui"),
        ],
        &[
            C(1, &[T("gigaset")]),
            R(In(b"- "), 1, MANY),
            C(2, &[T("q"), R(Word, 1, 9)]),
            T(" bui"),
        ],
        &[
            C(1, &[T("vodafone")]),
            T(" "),
            C(2, &[R(WordOr(b" "), 1, MANY)]),
            A(&[&[T(")")], &[T(" bui")]]),
        ],
    ],
    F::Cap(2),
    F::Cap(1),
    TABLET,
);

/// One pattern, one capture for the model, a fixed vendor and type.
macro_rules! one {
    ($name:ident, $vendor:expr, $kind:expr, $($p:expr),+) => {
        pub(super) static $name: Group = g(&[&[$($p),+]], F::Cap(1), F::Is($vendor), $kind);
    };
}

/// As [`one!`], the model being the second capture (the vendor, fixed, takes the first).
macro_rules! two {
    ($name:ident, $vendor:expr, $kind:expr, $($p:expr),+) => {
        pub(super) static $name: Group = g(&[&[$($p),+]], F::Cap(2), F::Is($vendor), $kind);
    };
}

one!(SURFACE_DUO, "Microsoft", TABLET, C(1, &[T("surface duo")]));
one!(
    FAIRPHONE,
    "Fairphone",
    MOBILE,
    T("droid "),
    R(In(b"0123456789."), 1, MANY),
    T("; "),
    C(1, &[T("fp"), R(Digit, 1, 1), R(In(b"u"), 0, 1)]),
    A(&[&[T(" b")], &[T(")")]])
);
one!(ATT, "AT&T", MOBILE, C(1, &[T("u304aa")]));
one!(
    SIEMENS,
    "Siemens",
    MOBILE,
    B,
    T("sie-"),
    C(1, &[R(Word, 0, MANY)])
);
one!(
    RCA,
    "RCA",
    TABLET,
    B,
    C(1, &[T("rct"), R(Word, 1, MANY)]),
    T(" b")
);
one!(
    DELL_VENUE,
    "Dell",
    TABLET,
    B,
    C(1, &[T("venue"), R(In(b"0123456789 "), 2, 7)]),
    T(" b")
);
one!(
    VERIZON,
    "Verizon",
    TABLET,
    B,
    C(1, &[T("q"), A(&[&[T("mv")], &[T("ta")]]), R(Word, 1, MANY)]),
    T(" b")
);
one!(
    BARNES_NOBLE,
    "Barnes & Noble",
    TABLET,
    B,
    A(&[
        &[T("barnes"), R(In(b"& "), 1, MANY), T("noble ")],
        &[T("bn"), R(In(b"rt"), 1, 1)]
    ]),
    C(1, &[R(WordOr(b"+ "), 0, MANY)]),
    T(" b")
);
one!(
    NUVISION,
    "NuVision",
    TABLET,
    B,
    C(1, &[T("tm"), R(Digit, 3, 3), R(Word, 1, MANY)]),
    T(" b")
);
one!(ZTE_K, "ZTE", TABLET, B, C(1, &[T("k88")]), T(" b"));
one!(
    ZTE_NUBIA,
    "ZTE",
    MOBILE,
    B,
    C(1, &[T("nx"), R(Digit, 3, 3), T("j")]),
    T(" b")
);
one!(
    SWISS_MOBILE,
    "Swiss",
    MOBILE,
    B,
    C(1, &[T("gen"), R(Digit, 3, 3)]),
    T(" b"),
    ANY,
    T("49h")
);
one!(
    SWISS_TABLET,
    "Swiss",
    TABLET,
    B,
    C(1, &[T("zur"), R(Digit, 3, 3)]),
    T(" b")
);
one!(
    ZEKI,
    "Zeki",
    TABLET,
    B,
    C(1, &[O(&[C(2, &[T("zeki")])]), T("tb"), R(Any, 0, MANY), B]),
    T(" b")
);

pub(super) static DRAGON_TOUCH: Group = g(
    &[
        &[B, C(1, &[R(In(b"yr"), 1, 1), R(Digit, 2, 2)]), T(" b")],
        &[
            B,
            C(
                1,
                &[A(&[
                    &[T("dragon"), R(In(b"- "), 1, MANY), T("touch ")],
                    &[T("dt")],
                ])],
            ),
            C(2, &[R(Word, 5, 5)]),
            T(" b"),
        ],
    ],
    // The reference's fields take the captures in order, a fixed vendor included: the model is
    // the second capture.
    F::Cap(2),
    F::Is("Dragon Touch"),
    TABLET,
);

one!(
    INSIGNIA,
    "Insignia",
    TABLET,
    B,
    C(1, &[T("ns"), R(In(b"-"), 0, 1), R(Word, 0, 9)]),
    T(" b")
);
one!(
    NEXTBOOK,
    "NextBook",
    TABLET,
    B,
    C(
        1,
        &[
            C(2, &[A(&[&[T("nxa")], &[T("next")]])]),
            R(In(b"-"), 0, 1),
            R(Word, 0, 9)
        ]
    ),
    T(" b")
);
two!(
    VOICE,
    "Voice",
    MOBILE,
    B,
    O(&[C(1, &[T("xtreme_")])]),
    C(
        2,
        &[
            T("v"),
            C(
                3,
                &[A(&[
                    &[T("1"), R(In(b"045"), 1, 1)],
                    &[T("2"), R(In(b"015"), 1, 1)],
                    &[R(In(b"3469"), 1, 1), T("0")],
                    &[T("7"), R(In(b"05"), 1, 1)],
                ])]
            ),
        ]
    ),
    T(" b")
);
two!(
    LVTEL,
    "LvTel",
    MOBILE,
    B,
    O(&[C(1, &[T("lvtel-")])]),
    C(2, &[T("v1"), R(In(b"12"), 1, 1)]),
    T(" b")
);
one!(
    ESSENTIAL,
    "Essential",
    MOBILE,
    B,
    C(1, &[T("ph-1")]),
    T(" ")
);
one!(
    ENVIZEN,
    "Envizen",
    TABLET,
    B,
    C(
        1,
        &[
            T("v"),
            C(
                2,
                &[A(&[
                    &[T("100md")],
                    &[T("700na")],
                    &[T("7011")],
                    &[T("917g")]
                ])]
            ),
            R(Any, 0, MANY),
            B,
        ]
    ),
    T(" b")
);
one!(
    MACHSPEED,
    "MachSpeed",
    TABLET,
    B,
    C(1, &[T("trio"), R(WordOr(b"-. "), 1, MANY)]),
    T(" b")
);
one!(
    ROTOR,
    "Rotor",
    TABLET,
    B,
    T("tu_"),
    C(1, &[T("1491")]),
    T(" b")
);
one!(
    NVIDIA_TABLET,
    "Nvidia",
    TABLET,
    C(1, &[T("shield"), R(WordOr(b" "), 1, MANY)]),
    T(" b")
);

pub(super) static SPRINT: Group = g(
    &[&[C(1, &[T("sprint")]), T(" "), C(2, &[R(Word, 1, MANY)])]],
    F::Cap(2),
    F::Cap(1),
    MOBILE,
);

pub(super) static KIN: Group = g(
    &[&[C(1, &[T("kin."), R(In(b"onetw"), 3, 3)])]],
    F::CapSpaced(1, b'.'),
    F::Is("Microsoft"),
    MOBILE,
);

one!(
    ZEBRA_TABLET,
    "Zebra",
    TABLET,
    T("droid"),
    ANY,
    T("; "),
    C(
        1,
        &[A(&[
            &[T("cc666"), R(In(b"6"), 0, 1)],
            &[T("et5"), R(In(b"16"), 1, 1)],
            &[
                T("mc"),
                R(In(b"239"), 1, 1),
                R(In(b"23"), 1, 1),
                R(In(b"x"), 0, 1)
            ],
            &[T("vc8"), R(In(b"03"), 1, 1), R(In(b"x"), 0, 1)],
        ])]
    ),
    T(")")
);
one!(
    ZEBRA_MOBILE,
    "Zebra",
    MOBILE,
    T("droid"),
    ANY,
    T("; "),
    C(
        1,
        &[A(&[
            &[T("ec30")],
            &[T("ps20")],
            &[
                T("tc"),
                R(Range(b'2', b'8'), 1, 1),
                R(Digit, 1, 1),
                R(In(b"kx"), 1, 1)
            ],
        ])]
    ),
    T(")")
);

pub(super) static CONSOLES: Group = g(
    &[
        &[C(1, &[T("ouya")])],
        &[
            C(1, &[T("nintendo")]),
            T(" "),
            C(2, &[R(In(b"wids3utch"), 1, MANY)]),
        ],
    ],
    F::Cap(2),
    F::Cap(1),
    CONSOLE,
);

one!(
    NVIDIA_CONSOLE,
    "Nvidia",
    CONSOLE,
    T("droid"),
    ANY,
    T("; "),
    C(1, &[T("shield")]),
    T(" bui")
);
one!(
    PLAYSTATION,
    "Sony",
    CONSOLE,
    C(1, &[T("playstation "), R(In(b"345portablevi"), 1, MANY)])
);
one!(
    XBOX,
    "Microsoft",
    CONSOLE,
    B,
    C(1, &[T("xbox"), O(&[T(" one")]), N(&[T("; xbox")])]),
    R(In(b"); "), 1, 1)
);

pub(super) static SAMSUNG_TV: Group = g(
    &[&[T("smart-tv"), ANY, C(1, &[T("samsung")])]],
    F::No,
    F::Cap(1),
    SMARTTV,
);

pub(super) static SAMSUNG_HBBTV: Group = g(
    &[&[T("hbbtv"), ANY, T("maple;"), C(1, &[R(Digit, 1, MANY)])]],
    F::Prefixed("SmartTV", 1),
    F::Is("Samsung"),
    SMARTTV,
);

pub(super) static LG_TV: Group = g(
    &[&[C(
        1,
        &[A(&[
            &[T("nux; netcast"), ANY, T("smarttv")],
            &[
                T("lg "),
                C(
                    2,
                    &[A(&[
                        &[T("netcast.tv-201"), R(Digit, 1, 1)],
                        &[T("android tv")],
                    ])],
                ),
            ],
        ])],
    )]],
    F::No,
    F::Is("LG"),
    SMARTTV,
);

pub(super) static APPLE_TV: Group = g(
    &[&[C(1, &[T("apple")]), R(In(b" "), 0, 1), T("tv")]],
    F::Is("Apple TV"),
    F::Cap(1),
    SMARTTV,
);

pub(super) static CHROMECAST: Group = g(
    &[&[T("crkey")]],
    F::Is("Chromecast"),
    F::Is("Google"),
    SMARTTV,
);

one!(
    FIRE_TV,
    "Amazon",
    SMARTTV,
    T("droid"),
    ANY,
    T("aft"),
    C(1, &[R(Word, 1, 1)]),
    C(2, &[BUI_OR_PAREN])
);

pub(super) static SHARP_TV: Group = g(
    &[
        &[T("(dtv"), R(In(b");"), 1, 1), ANY, C(1, &[T("aquos")])],
        &[C(1, &[T("aquos-tv"), R(WordOr(b" "), 1, MANY)]), T(")")],
    ],
    F::Cap(1),
    F::Is("Sharp"),
    SMARTTV,
);

one!(
    SONY_TV,
    "Sony",
    SMARTTV,
    C(1, &[T("bravia"), R(WordOr(b" "), 1, MANY)]),
    C(2, &[BUI_OR_PAREN])
);
one!(
    XIAOMI_TV,
    "Xiaomi",
    SMARTTV,
    C(1, &[T("mitv-"), R(Word, 5, 5)]),
    T(" bui")
);

pub(super) static ROKU_HBBTV: Group = g(
    &[
        &[
            B,
            C(1, &[T("roku")]),
            R(In(b"0123456789x"), 0, MANY),
            R(In(b")/"), 1, 1),
            C(2, &[O(&[T("dvp-")]), R(In(b"0123456789."), 0, MANY)]),
        ],
        &[
            T("hbbtv/"),
            R(Digit, 1, MANY),
            T("."),
            R(Digit, 1, MANY),
            T("."),
            R(Digit, 1, MANY),
            R(In(b" "), 1, MANY),
            T("("),
            R(WordOr(b" "), 0, MANY),
            T(";"),
            R(In(b" "), 0, MANY),
            C(1, &[R(Word, 1, 1), R(NotIn(b";"), 0, MANY)]),
            T(";"),
            C(2, &[R(NotIn(b";"), 0, MANY)]),
        ],
    ],
    F::Trimmed(2),
    F::Trimmed(1),
    SMARTTV,
);

pub(super) static UNKNOWN_TV: Group = g(
    &[&[
        B,
        C(
            1,
            &[A(&[
                &[T("android tv")],
                &[T("smart"), R(In(b"- "), 0, 1), T("tv")],
                &[T("opera tv")],
                &[T("tv; rv:")],
            ])],
        ),
        B,
    ]],
    F::No,
    F::No,
    SMARTTV,
);

pub(super) static PEBBLE: Group = g(
    &[&[C(1, &[C(2, &[T("pebble")])]), T("app")]],
    F::Cap(2),
    F::Cap(1),
    WEARABLE,
);

one!(
    GLASS,
    "Google",
    WEARABLE,
    T("droid"),
    ANY,
    T("; "),
    C(1, &[T("glass")]),
    T(" "),
    R(Digit, 1, 1)
);
one!(
    ZEBRA_WEARABLE,
    "Zebra",
    WEARABLE,
    T("droid"),
    ANY,
    T("; "),
    C(1, &[T("wt6"), R(In(b"3"), 0, 1), R(In(b"0"), 2, 3)]),
    T(")")
);
one!(
    QUEST,
    "Facebook",
    WEARABLE,
    C(1, &[T("quest"), O(&[C(2, &[T(" 2")])])])
);

pub(super) static TESLA: Group = g(
    &[&[
        C(1, &[T("tesla")]),
        A(&[&[T(" qtcarbrowser")], &[T("/"), R(WordOr(b"-."), 1, MANY)]]),
    ]],
    F::No,
    F::Cap(1),
    EMBEDDED,
);

pub(super) static OPPO: Group = g(
    &[
        &[
            T("; "),
            C(1, &[R(Word, 1, MANY)]),
            T(" bui"),
            ANY,
            T(" oppo"),
        ],
        &[
            B,
            C(
                1,
                &[A(&[
                    &[T("cph"), R(In(b"12"), 1, 1), R(Digit, 3, 3)],
                    &[
                        T("p"),
                        A(&[
                            &[T("af")],
                            &[T("c"), R(In(b"al"), 1, 1)],
                            &[T("d"), R(Word, 1, 1)],
                            &[T("e"), R(In(b"ar"), 1, 1)],
                        ]),
                        R(In(b"mt"), 1, 1),
                        R(Digit, 1, 1),
                        T("0"),
                    ],
                    &[T("x9007")],
                    &[T("a101op")],
                ])],
            ),
            B,
        ],
    ],
    F::Cap(1),
    F::Is("OPPO"),
    MOBILE,
);

pub(super) static VIVO: Group = g(
    &[
        &[T("vivo "), C(1, &[R(Word, 1, MANY)]), BUI_OR_PAREN],
        &[
            B,
            C(
                1,
                &[
                    T("v"),
                    R(In(b"12"), 1, 1),
                    R(Digit, 3, 3),
                    R(Word, 0, 1),
                    R(In(b"at"), 1, 1),
                ],
            ),
            A(&[&[T(" bui")], &[T(";")]]),
        ],
    ],
    F::Cap(1),
    F::Is("Vivo"),
    MOBILE,
);

one!(
    REALME,
    "Realme",
    MOBILE,
    B,
    C(1, &[T("rmx"), R(In(b"12"), 1, 1), R(Digit, 3, 3)]),
    A(&[&[T(" bui")], &[T(";")], &[T(")")]])
);

one!(
    SONY_MOBILE,
    "Sony",
    MOBILE,
    T("droid"),
    ANY,
    T(" "),
    C(
        1,
        &[A(&[
            &[
                R(In(b"a"), 0, 1),
                R(Digit, 1, 1),
                R(Range(b'0', b'2'), 2, 2),
                T("so")
            ],
            &[R(Range(b'c', b'g'), 1, 1), R(Digit, 4, 4)],
            &[T("so"), R(In(b"-gl"), 1, 1), R(Word, 1, MANY)],
            &[
                T("xq-a"),
                R(Word, 1, 1),
                R(Range(b'4', b'7'), 1, 1),
                R(In(b"12"), 1, 1)
            ],
        ])]
    ),
    // Then ` bui`, or `)` with a `Chrome/` of version 70 or more after it.
    Y(&[A(&[
        &[T(" bui")],
        &[
            T(")"),
            ANY,
            T("chrome/"),
            N(&[R(Range(b'1', b'6'), 0, 1), R(Digit, 1, 1), T(".")]),
        ],
    ])])
);

pub(super) static HTC_ZTE_AND_OTHERS: Group = g(
    &[
        &[
            C(1, &[T("htc")]),
            R(In(b"-;_ "), 1, 2),
            C(
                2,
                &[A(&[
                    &[
                        R(WordOr(b" "), 1, MANY),
                        Y(&[A(&[&[T(")")], &[T(" bui")]])]),
                    ],
                    &[R(Word, 1, MANY)],
                ])],
            ),
        ],
        &[
            C(1, &[T("zte")]),
            R(In(b"- "), 1, 1),
            C(2, &[L(WordOr(b" "), 1, MANY)]),
            A(&[&[T(" bui")], &[T("/")], &[T(")")]]),
        ],
        &[
            C(
                1,
                &[A(&[
                    &[T("alcatel")],
                    &[T("geeksphone")],
                    &[T("nexian")],
                    &[T("panasonic")],
                    &[T("sony"), N(&[T("-bra")])],
                ])],
            ),
            R(In(b"-_ "), 0, 1),
            C(2, &[R(WordOr(b"-"), 0, MANY)]),
        ],
    ],
    F::CapSpaced(2, b'_'),
    F::Cap(1),
    MOBILE,
);

pub(super) static APPLE_MOBILE_MODEL: Group = g(
    &[&[C(
        1,
        &[
            A(&[&[T("ipod")], &[T("iphone")]]),
            R(Digit, 1, MANY),
            T(","),
            R(Digit, 1, MANY),
        ],
    )]],
    F::Cap(1),
    F::Is("Apple"),
    MOBILE,
);

pub(super) static APPLE_TABLET_MODEL: Group = g(
    &[&[C(
        1,
        &[T("ipad"), R(Digit, 1, MANY), T(","), R(Digit, 1, MANY)],
    )]],
    F::Cap(1),
    F::Is("Apple"),
    TABLET,
);

pub(super) static APPLE_MOBILE: Group = g(
    &[&[
        T("("),
        C(
            1,
            &[
                T("ip"),
                A(&[&[T("hone")], &[T("od")]]),
                R(WordOr(b" "), 0, MANY),
            ],
        ),
        T(";"),
    ]],
    F::Cap(1),
    F::Is("Apple"),
    MOBILE,
);

pub(super) static APPLE_TABLET: Group = g(
    &[
        &[
            T("("),
            C(1, &[T("ipad")]),
            T(";"),
            R(WordOr(b"-),; "), 1, MANY),
            T("apple"),
        ],
        &[
            T("applecoremedia/"),
            R(WordOr(b"."), 1, MANY),
            T(" ("),
            C(1, &[T("ipad")]),
        ],
        &[
            B,
            C(1, &[T("ipad")]),
            R(Digit, 1, 2),
            T(","),
            R(Digit, 1, 2),
            R(In(b";]"), 1, 1),
            ANY,
            T("ios"),
        ],
    ],
    F::Cap(1),
    F::Is("Apple"),
    TABLET,
);

pub(super) static MACINTOSH: Group = g(
    &[&[C(1, &[T("macintosh")]), T(";")]],
    F::Cap(1),
    F::Is("Apple"),
    None,
);

/// `droid .+?; ([^;]+?)(?: bui|\) applew).+?` and then `tail`.
macro_rules! unidentified_android {
    ($($tail:expr),+) => {
        &[
            T("droid "),
            L(Any, 1, MANY),
            T("; "),
            C(1, &[L(NotIn(b";"), 1, MANY)]),
            A(&[&[T(" bui")], &[T(") applew")]]),
            L(Any, 1, MANY),
            $($tail),+
        ]
    };
}

pub(super) static UNIDENTIFIED_PHONE: Group = g(
    &[unidentified_android!(T(" mobile safari"))],
    F::Cap(1),
    F::No,
    MOBILE,
);

pub(super) static UNIDENTIFIED_TABLET: Group = g(
    &[unidentified_android!(N(&[T(" mobile")]), T(" safari"))],
    F::Cap(1),
    F::No,
    TABLET,
);

pub(super) static UNIDENTIFIABLE_TABLET: Group = g(
    &[&[
        B,
        A(&[
            &[A(&[&[T("tablet")], &[T("tab")]]), R(In(b";/"), 1, 1)],
            &[T("focus/"), R(Digit, 1, 1), N(&[ANY, T("mobile")])],
        ]),
    ]],
    F::No,
    F::No,
    TABLET,
);

pub(super) static UNIDENTIFIABLE_MOBILE: Group = g(
    &[&[A(&[
        &[T("phone")],
        &[
            T("mobile"),
            A(&[
                &[R(In(b";/"), 1, 1)],
                &[T(" "), R(WordOr(b" /."), 0, MANY), T("safari")],
            ]),
        ],
        &[T("pda"), Y(&[ANY, T("windows ce")])],
    ])]],
    F::No,
    F::No,
    MOBILE,
);

pub(super) static GENERIC_ANDROID: Group = g(
    &[&[
        C(1, &[T("android"), R(WordOr(b"-. "), 0, 9)]),
        T(";"),
        ANY,
        T("buil"),
    ]],
    F::Cap(1),
    F::Is("Generic"),
    None,
);
