//! The browser and operating-system rules, in the reference parser's order (see
//! [`super::devices`] for how groups are tried). Only what the destination reads is kept: the
//! browser's name and version (for its major), the operating system's name.

use std::sync::OnceLock;

use super::devices::{ANY, F, field, first_match};
use super::pattern::{Cl::*, MANY, Needs, P, P::*, Pairs};

/// Patterns tried in order; the first that matches gives the name and version.
#[derive(Debug)]
pub(super) struct Named {
    pats: &'static [&'static [P]],
    name: F,
    version: F,
}

const fn n(pats: &'static [&'static [P]], name: F, version: F) -> Named {
    Named {
        pats,
        name,
        version,
    }
}

/// Each group's patterns' needs, worked out once per table.
pub(super) type TableNeeds = OnceLock<Vec<OnceLock<Vec<Needs>>>>;

pub(super) static BROWSER_NEEDS: TableNeeds = OnceLock::new();
pub(super) static OS_NEEDS: TableNeeds = OnceLock::new();

/// The first group with a matching pattern: `(name, version)`.
pub(super) fn first(
    groups: &[Named],
    needs: &TableNeeds,
    orig: &str,
    low: &[u8],
    pairs: &Pairs,
) -> Option<(Option<String>, Option<String>)> {
    let needs = needs.get_or_init(|| groups.iter().map(|_| OnceLock::new()).collect());
    groups.iter().zip(needs).find_map(|(g, n)| {
        let caps = first_match(g.pats, n, low, pairs)?;
        Some((field(g.name, &caps, orig), field(g.version, &caps, orig)))
    })
}

/// `[\w.]+`
const VER: P = R(WordOr(b"."), 1, MANY);
/// `[-\w.]+`
const VER_DASH: P = R(WordOr(b"-."), 1, MANY);
/// `[\w.]*`
const VER_OPT: P = R(WordOr(b"."), 0, MANY);

/// `/` or a space, optional.
const SLASH_OR_SPACE_OPT: P = R(In(b"/ "), 0, 1);

/// Version first, then a fixed name: `[VERSION, [NAME, name]]`.
const fn versioned(pats: &'static [&'static [P]], name: &'static str) -> Named {
    n(pats, F::Is(name), F::Cap(1))
}

pub(super) static BROWSERS: &[Named] = &[
    versioned(
        &[&[B, A(&[&[T("crmo")], &[T("crios")]]), T("/"), C(1, &[VER])]],
        "Chrome",
    ),
    versioned(
        &[&[
            T("edg"),
            O(&[A(&[&[T("e")], &[T("ios")], &[T("a")]])]),
            T("/"),
            C(1, &[VER]),
        ]],
        "Edge",
    ),
    n(
        &[
            &[C(1, &[T("opera mini")]), T("/"), C(2, &[VER_DASH])],
            &[
                C(1, &[T("opera "), R(In(b"mobiletab"), 3, 6)]),
                B,
                ANY,
                T("version/"),
                C(2, &[VER_DASH]),
            ],
            &[
                C(1, &[T("opera")]),
                A(&[&[ANY, T("version/")], &[R(In(b"/ "), 1, MANY)]]),
                C(2, &[VER]),
            ],
        ],
        F::Cap(1),
        F::Cap(2),
    ),
    versioned(
        &[&[T("opios"), R(In(b"/ "), 1, MANY), C(1, &[VER])]],
        "Opera Mini",
    ),
    versioned(&[&[B, T("opr/"), C(1, &[VER])]], "Opera"),
    n(
        &[
            &[C(1, &[T("kindle")]), T("/"), C(2, &[VER])],
            &[
                C(
                    1,
                    &[A(&[
                        &[T("lunascape")],
                        &[T("maxthon")],
                        &[T("netfront")],
                        &[T("jasmine")],
                        &[T("blazer")],
                    ])],
                ),
                SLASH_OR_SPACE_OPT,
                C(2, &[VER_OPT]),
            ],
            &[
                C(1, &[A(&[&[T("avant ")], &[T("iemobile")], &[T("slim")]])]),
                O(&[T("browser")]),
                SLASH_OR_SPACE_OPT,
                C(2, &[VER_OPT]),
            ],
            &[
                C(1, &[T("b"), R(In(b"a"), 0, 1), T("idubrowser")]),
                SLASH_OR_SPACE_OPT,
                C(2, &[VER]),
            ],
            &[
                A(&[&[T("ms")], &[T("(")]]),
                C(1, &[T("ie")]),
                T(" "),
                C(2, &[VER]),
            ],
            &[
                C(
                    1,
                    &[A(&[
                        &[T("flock")],
                        &[T("rockmelt")],
                        &[T("midori")],
                        &[T("epiphany")],
                        &[T("silk")],
                        &[T("skyfire")],
                        &[T("ovibrowser")],
                        &[T("bolt")],
                        &[T("iron")],
                        &[T("vivaldi")],
                        &[T("iridium")],
                        &[T("phantomjs")],
                        &[T("bowser")],
                        &[T("quark")],
                        &[T("qupzilla")],
                        &[T("falkon")],
                        &[T("rekonq")],
                        &[T("puffin")],
                        &[T("brave")],
                        &[T("whale")],
                        &[T("qqbrowserlite")],
                        &[T("qq")],
                        &[T("duckduckgo")],
                    ])],
                ),
                T("/"),
                C(2, &[VER_DASH]),
            ],
            &[
                C(1, &[T("weibo")]),
                T("__"),
                C(2, &[R(In(b"0123456789."), 1, MANY)]),
            ],
        ],
        F::Cap(1),
        F::Cap(2),
    ),
    versioned(
        &[&[
            A(&[
                &[
                    B,
                    T("u"),
                    R(In(b"c"), 0, 1),
                    R(In(b" "), 0, 1),
                    T("browser"),
                ],
                &[T("juc"), ANY, T("ucweb")],
            ]),
            SLASH_OR_SPACE_OPT,
            C(1, &[VER]),
        ]],
        "UCBrowser",
    ),
    versioned(
        &[
            &[T("microm"), ANY, B, T("qbcore/"), C(1, &[VER])],
            &[B, T("qbcore/"), C(1, &[VER]), ANY, T("microm")],
        ],
        "WeChat(Win) Desktop",
    ),
    versioned(&[&[T("micromessenger/"), C(1, &[VER])]], "WeChat"),
    versioned(&[&[T("konqueror/"), C(1, &[VER])]], "Konqueror"),
    versioned(
        &[&[
            T("trident"),
            ANY,
            T("rv"),
            R(In(b": "), 1, 1),
            C(1, &[R(WordOr(b"."), 1, 9)]),
            B,
            ANY,
            T("like gecko"),
        ]],
        "IE",
    ),
    versioned(&[&[T("yabrowser/"), C(1, &[VER])]], "Yandex"),
    n(
        &[&[
            C(1, &[A(&[&[T("avast")], &[T("avg")]])]),
            T("/"),
            C(2, &[VER]),
        ]],
        F::Suffixed(1, " Secure Browser"),
        F::Cap(2),
    ),
    versioned(&[&[B, T("focus/"), C(1, &[VER])]], "Firefox Focus"),
    versioned(&[&[B, T("opt/"), C(1, &[VER])]], "Opera Touch"),
    versioned(
        &[&[T("coc_coc"), R(Word, 1, MANY), T("/"), C(1, &[VER])]],
        "Coc Coc",
    ),
    versioned(&[&[T("dolfin/"), C(1, &[VER])]], "Dolphin"),
    versioned(&[&[T("coast/"), C(1, &[VER])]], "Opera Coast"),
    versioned(&[&[T("miuibrowser/"), C(1, &[VER])]], "MIUI Browser"),
    versioned(&[&[T("fxios/"), C(1, &[VER_DASH])]], "Firefox"),
    n(
        &[&[A(&[
            &[B, T("qihu")],
            &[
                C(
                    1,
                    &[A(&[
                        &[
                            T("q"),
                            R(In(b"i"), 0, 1),
                            T("h"),
                            R(In(b"o"), 0, 1),
                            R(In(b"o"), 0, 1),
                        ],
                        &[T("360")],
                    ])],
                ),
                T("browser"),
            ],
        ])]],
        F::Is("360 Browser"),
        F::No,
    ),
    n(
        &[&[
            C(
                1,
                &[A(&[
                    &[T("oculus")],
                    &[T("samsung")],
                    &[T("sailfish")],
                    &[T("huawei")],
                ])],
            ),
            T("browser/"),
            C(2, &[VER]),
        ]],
        F::Suffixed(1, " Browser"),
        F::Cap(2),
    ),
    n(
        &[&[C(1, &[T("comodo_dragon")]), T("/"), C(2, &[VER])]],
        F::CapSpaced(1, b'_'),
        F::Cap(2),
    ),
    n(
        &[
            &[C(1, &[T("electron")]), T("/"), C(2, &[VER]), T(" safari")],
            &[
                C(1, &[T("tesla")]),
                A(&[
                    &[T(" qtcarbrowser")],
                    &[T("/"), C(2, &[T("20"), R(Digit, 2, 2), T("."), VER_DASH])],
                ]),
            ],
            &[
                R(In(b"m"), 0, 1),
                C(
                    1,
                    &[A(&[
                        &[T("qqbrowser")],
                        &[T("baiduboxapp")],
                        &[T("2345explorer")],
                    ])],
                ),
                SLASH_OR_SPACE_OPT,
                C(2, &[VER]),
            ],
        ],
        F::Cap(1),
        F::Cap(2),
    ),
    n(
        &[
            &[C(1, &[T("metasr")]), SLASH_OR_SPACE_OPT, C(2, &[VER])],
            &[C(1, &[T("lbbrowser")])],
            &[T("["), C(1, &[T("linkedin")]), T("app]")],
        ],
        F::Cap(1),
        F::No,
    ),
    n(
        &[&[C(
            1,
            &[A(&[
                &[
                    A(&[&[T("fban/fbios")], &[T("fb_iab/fb4a")]]),
                    N(&[ANY, T("fbav")]),
                ],
                &[T(";fbav/"), C(2, &[VER]), T(";")],
            ])],
        )]],
        F::Is("Facebook"),
        F::Cap(2),
    ),
    n(
        &[
            &[T("safari "), C(1, &[T("line")]), T("/"), C(2, &[VER])],
            &[B, C(1, &[T("line")]), T("/"), C(2, &[VER]), T("/iab")],
            &[
                C(1, &[A(&[&[T("chromium")], &[T("instagram")]])]),
                R(In(b"/ "), 1, 1),
                C(2, &[VER_DASH]),
            ],
        ],
        F::Cap(1),
        F::Cap(2),
    ),
    versioned(
        &[&[
            B,
            T("gsa/"),
            C(1, &[VER]),
            T(" "),
            R(Any, 0, MANY),
            T("safari/"),
        ]],
        "GSA",
    ),
    versioned(
        &[&[
            T("headlesschrome"),
            A(&[&[T("/"), C(1, &[VER])], &[T(" ")]]),
        ]],
        "Chrome Headless",
    ),
    n(
        &[&[T(" wv)"), ANY, C(1, &[T("chrome")]), T("/"), C(2, &[VER])]],
        F::Is("Chrome WebView"),
        F::Cap(2),
    ),
    versioned(
        &[&[
            T("droid"),
            ANY,
            T(" version/"),
            C(1, &[VER]),
            B,
            ANY,
            A(&[&[T("mobile safari")], &[T("safari")]]),
        ]],
        "Android Browser",
    ),
    n(
        &[&[
            C(
                1,
                &[A(&[
                    &[T("chrome")],
                    &[T("omniweb")],
                    &[T("arora")],
                    &[R(In(b"tizenoka"), 5, 5), R(In(b" "), 0, 1), T("browser")],
                ])],
            ),
            T("/"),
            R(In(b"v"), 0, 1),
            C(2, &[VER]),
        ]],
        F::Cap(1),
        F::Cap(2),
    ),
    versioned(
        &[&[
            T("version/"),
            C(1, &[R(WordOr(b".,"), 1, MANY)]),
            T(" "),
            R(Any, 0, MANY),
            T("mobile/"),
            R(Word, 1, MANY),
            T(" "),
            C(2, &[T("safari")]),
        ]],
        "Mobile Safari",
    ),
    n(
        &[&[
            T("version/"),
            C(1, &[R(WordOr(b"(.|,)"), 1, MANY)]),
            T(" "),
            R(Any, 0, MANY),
            C(
                2,
                &[A(&[
                    &[T("mobile"), R(In(b" "), 0, 1), T("safari")],
                    &[T("safari")],
                ])],
            ),
        ]],
        F::Cap(2),
        F::Cap(1),
    ),
    n(
        &[&[
            T("webkit"),
            L(Any, 1, MANY),
            C(
                1,
                &[A(&[
                    &[T("mobile"), R(In(b" "), 0, 1), T("safari")],
                    &[T("safari")],
                ])],
            ),
            C(2, &[T("/"), VER]),
        ]],
        F::Cap(1),
        F::OldSafari(2),
    ),
    n(
        &[&[
            C(1, &[A(&[&[T("webkit")], &[T("khtml")]])]),
            T("/"),
            C(2, &[VER]),
        ]],
        F::Cap(1),
        F::Cap(2),
    ),
    n(
        &[&[
            C(
                1,
                &[A(&[&[T("navigator")], &[T("netscape"), R(Digit, 0, 1)]])],
            ),
            T("/"),
            C(2, &[VER_DASH]),
        ]],
        F::Is("Netscape"),
        F::Cap(2),
    ),
    versioned(
        &[&[T("mobile vr; rv:"), C(1, &[VER]), T(")"), ANY, T("firefox")]],
        "Firefox Reality",
    ),
    n(
        &[
            &[T("ekiohf"), ANY, C(1, &[T("flow")]), T("/"), C(2, &[VER])],
            &[C(1, &[T("swiftfox")])],
            &[
                C(
                    1,
                    &[A(&[
                        &[T("icedragon")],
                        &[T("iceweasel")],
                        &[T("camino")],
                        &[T("chimera")],
                        &[T("fennec")],
                        &[T("maemo browser")],
                        &[T("minimo")],
                        &[T("conkeror")],
                        &[T("klar")],
                    ])],
                ),
                SLASH_OR_SPACE_OPT,
                C(2, &[R(WordOr(b".+"), 1, MANY)]),
            ],
            &[
                C(
                    1,
                    &[A(&[
                        &[T("seamonkey")],
                        &[T("k-meleon")],
                        &[T("icecat")],
                        &[T("iceape")],
                        &[T("firebird")],
                        &[T("phoenix")],
                        &[T("palemoon")],
                        &[T("basilisk")],
                        &[T("waterfox")],
                    ])],
                ),
                T("/"),
                C(2, &[VER_DASH]),
                E,
            ],
            &[C(1, &[T("firefox")]), T("/"), C(2, &[VER])],
            &[
                C(1, &[T("mozilla")]),
                T("/"),
                C(2, &[VER]),
                T(" "),
                ANY,
                T("rv:"),
                ANY,
                T("gecko/"),
                R(Digit, 1, MANY),
            ],
            &[
                C(
                    1,
                    &[A(&[
                        &[T("polaris")],
                        &[T("lynx")],
                        &[T("dillo")],
                        &[T("icab")],
                        &[T("doris")],
                        &[T("amaya")],
                        &[T("w3m")],
                        &[T("netsurf")],
                        &[T("sleipnir")],
                        &[T("obigo")],
                        &[T("mosaic")],
                        &[
                            A(&[&[T("go")], &[T("ice")], &[T("up")]]),
                            R(In(b". "), 0, 1),
                            T("browser"),
                        ],
                    ])],
                ),
                R(In(b"-/ "), 0, 1),
                R(In(b"v"), 0, 1),
                C(2, &[VER]),
            ],
            &[C(1, &[T("links")]), T(" ("), C(2, &[VER])],
        ],
        F::Cap(1),
        F::Cap(2),
    ),
    n(
        &[&[C(1, &[T("cobalt")]), T("/"), C(2, &[VER])]],
        F::Cap(1),
        F::Cobalt(2),
    ),
];

/// Operating systems: only the name is read (the destination sends the browser's major as
/// `os_version`).
pub(super) static OSES: &[Named] = &[
    n(
        &[&[
            T("microsoft "),
            C(1, &[T("windows")]),
            T(" "),
            A(&[&[T("vista")], &[T("xp")]]),
        ]],
        F::Cap(1),
        F::No,
    ),
    n(
        &[
            &[C(1, &[T("windows")]), T(" nt 6.2; arm")],
            &[
                C(
                    1,
                    &[
                        T("windows "),
                        A(&[&[T("phone"), O(&[T(" os")])], &[T("mobile")]]),
                    ],
                ),
                SLASH_OR_SPACE_OPT,
                R(WordOr(b". "), 0, MANY),
            ],
            &[
                C(1, &[T("windows")]),
                SLASH_OR_SPACE_OPT,
                R(In(b"ntce0123456789. "), 1, MANY),
                R(Word, 1, 1),
                N(&[ANY, T("xbox")]),
            ],
        ],
        F::Cap(1),
        F::No,
    ),
    n(
        &[&[
            A(&[&[T("win"), Y(&[R(In(b"39n"), 1, 1)])], &[T("win 9x ")]]),
            R(In(b"nt0123456789."), 1, MANY),
        ]],
        F::Is("Windows"),
        F::No,
    ),
    n(
        &[
            &[
                T("ip"),
                R(In(b"honead"), 2, 4),
                B,
                A(&[
                    &[R(Any, 0, MANY), T("os "), R(Word, 1, MANY), T(" like mac")],
                    &[T("; opera")],
                ]),
            ],
            &[T("cfnetwork/"), ANY, T("darwin")],
        ],
        F::Is("iOS"),
        F::No,
    ),
    n(
        &[
            &[T("mac os x")],
            &[
                A(&[&[T("macintosh")], &[T("mac_powerpc"), B]]),
                N(&[ANY, T("haiku")]),
            ],
        ],
        F::Is("Mac OS"),
        F::No,
    ),
    n(
        &[&[
            T("droid "),
            VER,
            B,
            ANY,
            C(
                1,
                &[A(&[
                    &[T("android"), R(In(b"- "), 1, 1), T("x86")],
                    &[T("harmonyos")],
                ])],
            ),
        ]],
        F::Cap(1),
        F::No,
    ),
    n(
        &[
            &[C(
                1,
                &[A(&[
                    &[T("android")],
                    &[T("webos")],
                    &[T("qnx")],
                    &[T("bada")],
                    &[T("rim tablet os")],
                    &[T("maemo")],
                    &[T("meego")],
                    &[T("sailfish")],
                ])],
            )],
            &[C(1, &[T("blackberry")]), R(Word, 0, MANY), T("/")],
            &[
                C(1, &[A(&[&[T("tizen")], &[T("kaios")]])]),
                R(In(b"/ "), 1, 1),
                VER,
            ],
            &[T("("), C(1, &[T("series40")]), T(";")],
        ],
        F::Cap(1),
        F::No,
    ),
    n(&[&[T("(bb10;")]], F::Is("BlackBerry"), F::No),
    n(
        &[&[A(&[
            &[T("symbian"), R(In(b" "), 0, 1), T("os")],
            &[T("symbos")],
            &[T("s60"), Y(&[T(";")])],
            &[T("series60")],
        ])]],
        F::Is("Symbian"),
        F::No,
    ),
    n(
        &[&[
            T("mozilla/"),
            R(In(b"0123456789."), 1, MANY),
            T(" ("),
            A(&[
                &[T("mobile")],
                &[T("tablet")],
                &[T("tv")],
                &[T("mobile; "), R(WordOr(b" "), 1, MANY)],
            ]),
            T("; rv:"),
            ANY,
            T(" gecko/"),
            VER,
        ]],
        F::Is("Firefox OS"),
        F::No,
    ),
    n(
        &[
            &[T("web0s;"), ANY, T("rt"), T("tv")],
            &[B, O(&[T("hp")]), T("wos"), O(&[T("browser")]), T("/"), VER],
        ],
        F::Is("webOS"),
        F::No,
    ),
    n(
        &[&[T("crkey/"), R(In(b"0123456789."), 1, MANY)]],
        F::Is("Chromecast"),
        F::No,
    ),
    n(
        &[&[
            T("cros "),
            R(Word, 1, MANY),
            T(" "),
            R(WordOr(b"."), 1, MANY),
            R(Word, 1, 1),
        ]],
        F::Is("Chromium OS"),
        F::No,
    ),
    n(
        &[
            &[
                C(1, &[A(&[&[T("nintendo")], &[T("playstation")]])]),
                T(" "),
                R(In(b"wids345portablevuch"), 1, MANY),
            ],
            &[
                C(1, &[T("xbox")]),
                T(";"),
                R(In(b" "), 1, MANY),
                T("xbox "),
                R(NotIn(b");"), 1, MANY),
            ],
            &[B, C(1, &[A(&[&[T("joli")], &[T("palm")]])]), B],
            &[C(1, &[T("mint")])],
            &[
                C(1, &[A(&[&[T("mageia")], &[T("vectorlinux")]])]),
                R(In(b"; "), 1, 1),
            ],
            &[
                C(
                    1,
                    &[A(&[
                        &[R(In(b"kxln"), 0, 1), T("ubuntu")],
                        &[T("debian")],
                        &[T("suse")],
                        &[T("opensuse")],
                        &[T("gentoo")],
                        &[T("arch"), Y(&[T(" linux")])],
                        &[T("slackware")],
                        &[T("fedora")],
                        &[T("mandriva")],
                        &[T("centos")],
                        &[T("pclinuxos")],
                        &[T("red"), R(In(b" "), 0, 1), T("hat")],
                        &[T("zenwalk")],
                        &[T("linpus")],
                        &[T("raspbian")],
                        &[T("plan 9")],
                        &[T("minix")],
                        &[T("risc os")],
                        &[T("contiki")],
                        &[T("deepin")],
                        &[T("manjaro")],
                        &[T("elementary os")],
                        &[T("sabayon")],
                        &[T("linspire")],
                    ])],
                ),
                O(&[T(" gnu/linux")]),
                O(&[T(" enterprise")]),
                O(&[R(In(b"- "), 1, 1), T("linux")]),
                O(&[T("-gnu")]),
                R(In(b"-/ "), 0, 1),
                N(&[A(&[&[T("chrom")], &[T("package")]])]),
            ],
            &[C(1, &[A(&[&[T("hurd")], &[T("linux")]])])],
            &[C(1, &[T("gnu")])],
            &[
                B,
                C(
                    1,
                    &[A(&[
                        &[R(In(b"-frentopcghs"), 0, 5), T("bsd")],
                        &[T("dragonfly")],
                    ])],
                ),
                R(In(b"/ "), 0, 1),
                N(&[A(&[&[T("amd")], &[R(In(b"ix346"), 1, 2), T("86")]])]),
            ],
            &[C(1, &[T("haiku")]), T(" "), R(Word, 1, MANY)],
        ],
        F::Cap(1),
        F::No,
    ),
    n(&[&[T("sunos")]], F::Is("Solaris"), F::No),
    n(
        &[
            &[C(1, &[O(&[T("open")]), T("solaris")])],
            &[C(1, &[T("aix")]), T(" ")],
            &[
                B,
                C(
                    1,
                    &[A(&[
                        &[T("beos")],
                        &[T("os/2")],
                        &[T("amigaos")],
                        &[T("morphos")],
                        &[T("openvms")],
                        &[T("fuchsia")],
                        &[T("hp-ux")],
                    ])],
                ),
            ],
            &[C(1, &[T("unix")])],
        ],
        F::Cap(1),
        F::No,
    ),
];
