//! A small backtracking matcher for the user-agent rules. A pattern is built in code from the
//! pieces below and matched against the lower-cased user agent the way JavaScript matches a
//! regular expression: the leftmost start that matches wins; a greedy repetition tries its
//! longest run first, a lazy one its shortest; alternatives are tried in order; an optional
//! piece is tried present first. User agents are short (at most 350 characters) and parsed
//! once per distinct text, so plain backtracking is fast enough.

/// Bytes a repetition accepts.
#[derive(Debug, Clone, Copy)]
pub enum Cl {
    /// `\w`: ASCII letters, digits and `_`.
    Word,
    /// `\d`.
    Digit,
    /// `.`: anything but a line break.
    Any,
    /// One of these bytes.
    In(&'static [u8]),
    /// `\w` or one of these bytes.
    WordOr(&'static [u8]),
    /// Anything but these bytes (and line breaks).
    NotIn(&'static [u8]),
    /// A byte in this inclusive range.
    Range(u8, u8),
}

impl Cl {
    fn accepts(self, b: u8) -> bool {
        let word = b.is_ascii_alphanumeric() || b == b'_';
        match self {
            Cl::Word => word,
            Cl::Digit => b.is_ascii_digit(),
            Cl::Any => b != b'\n' && b != b'\r',
            Cl::In(set) => set.contains(&b),
            Cl::WordOr(set) => word || set.contains(&b),
            Cl::NotIn(set) => !set.contains(&b) && b != b'\n' && b != b'\r',
            Cl::Range(lo, hi) => (lo..=hi).contains(&b),
        }
    }
}

/// No upper bound on a repetition.
pub const MANY: usize = usize::MAX;

/// A piece of a pattern.
#[derive(Debug)]
pub enum P {
    /// This text (lower case).
    T(&'static str),
    /// `min..=max` bytes of a class, greedy.
    R(Cl, usize, usize),
    /// `min..=max` bytes of a class, lazy.
    L(Cl, usize, usize),
    /// Optional, greedy.
    O(&'static [P]),
    /// Alternatives, in order.
    A(&'static [&'static [P]]),
    /// `\b`.
    B,
    /// Capture group `n` (1 to 3).
    C(usize, &'static [P]),
    /// Not followed by this.
    N(&'static [P]),
    /// Followed by this.
    Y(&'static [P]),
    /// The text of capture group `n` again.
    Ref(usize),
    /// The end of the text.
    E,
}

/// Capture groups as byte ranges (`[0]` is the whole match).
pub type Caps = [Option<(usize, usize)>; 4];

/// Texts one of which every match of `pats` must contain (from the piece with the longest
/// such texts; empty when nothing is known).
fn required(pats: &[P]) -> Vec<&'static str> {
    let mut best: Vec<&'static str> = Vec::new();
    let shortest = |v: &[&str]| v.iter().map(|s| s.len()).min().unwrap_or(0);
    for p in pats {
        let need = match p {
            P::T(s) => vec![*s],
            P::C(_, inner) => required(inner),
            P::A(alts) => {
                let each: Vec<Vec<&'static str>> = alts.iter().map(|a| required(a)).collect();
                if each.iter().any(Vec::is_empty) {
                    Vec::new()
                } else {
                    each.concat()
                }
            }
            _ => Vec::new(),
        };
        if shortest(&need) > shortest(&best) {
            best = need;
        }
    }
    best
}

/// What [`first_bytes`] knows of where a match starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// With one of the bytes in the set.
    Known,
    /// With one of those bytes, or the pieces may match nothing (what follows decides).
    MaybeEmpty,
    /// With anything.
    Unknown,
}

/// Adds to `set` the bytes a match of `pats` can start with.
fn first_bytes(pats: &[P], set: &mut [bool; 256]) -> Start {
    let Some((first, rest)) = pats.split_first() else {
        return Start::MaybeEmpty;
    };
    match first {
        P::T(s) => match s.as_bytes().first() {
            Some(&b) => {
                set[usize::from(b)] = true;
                Start::Known
            }
            None => first_bytes(rest, set),
        },
        // Zero-width pieces: what follows starts the match (a superset is enough).
        P::B | P::N(_) | P::Y(_) => first_bytes(rest, set),
        P::C(_, inner) => match first_bytes(inner, set) {
            Start::MaybeEmpty => first_bytes(rest, set),
            known_or_not => known_or_not,
        },
        P::O(inner) => match first_bytes(inner, set) {
            Start::Unknown => Start::Unknown,
            _ => first_bytes(rest, set),
        },
        P::A(alts) => {
            let mut empty = false;
            for alt in *alts {
                match first_bytes(alt, set) {
                    Start::Unknown => return Start::Unknown,
                    Start::MaybeEmpty => empty = true,
                    Start::Known => {}
                }
            }
            if empty {
                first_bytes(rest, set)
            } else {
                Start::Known
            }
        }
        P::R(cl, min, _) | P::L(cl, min, _) => {
            for b in 0..=255u8 {
                if cl.accepts(b) {
                    set[usize::from(b)] = true;
                }
            }
            if *min > 0 {
                Start::Known
            } else {
                first_bytes(rest, set)
            }
        }
        P::E | P::Ref(_) => Start::Unknown,
    }
}

/// Does `hay` start with `lit`? (Literals are a few bytes: a loop beats a `memcmp` call.)
#[inline]
fn starts(hay: &[u8], lit: &[u8]) -> bool {
    hay.len() >= lit.len() && hay.iter().zip(lit).all(|(a, b)| a == b)
}

/// Which byte pairs a text holds: most literals a pattern needs are absent from a given user
/// agent, and one bit test says so without a scan.
pub struct Pairs(Box<[u64; 1024]>);

impl Pairs {
    pub fn of(text: &[u8]) -> Pairs {
        let mut bits = Box::new([0u64; 1024]);
        for w in text.windows(2) {
            let i = usize::from(w[0]) << 8 | usize::from(w[1]);
            bits[i >> 6] |= 1 << (i & 63);
        }
        Pairs(bits)
    }

    fn has(&self, a: u8, b: u8) -> bool {
        let i = usize::from(a) << 8 | usize::from(b);
        self.0[i >> 6] & 1 << (i & 63) != 0
    }
}

/// Does `hay` contain `needle`?
fn contains(hay: &[u8], pairs: &Pairs, needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    if needle.len() >= 2 && !needle.windows(2).all(|w| pairs.has(w[0], w[1])) {
        return false;
    }
    hay.iter()
        .enumerate()
        .any(|(i, &b)| b == first && starts(&hay[i..], needle))
}

/// What any match of a pattern needs (worked out once per pattern, see [`Needs::of`]).
#[derive(Debug)]
pub struct Needs {
    /// One of these texts (none: nothing known).
    texts: Vec<&'static str>,
    /// One of these bytes at the start (`None`: any).
    starts: Option<[bool; 256]>,
}

impl Needs {
    pub fn of(pattern: &[P]) -> Needs {
        let mut starts = [false; 256];
        let known = first_bytes(pattern, &mut starts) == Start::Known;
        Needs {
            texts: required(pattern),
            starts: known.then_some(starts),
        }
    }
}

/// The leftmost match of `pattern` in `text` (lower-cased), with its capture groups.
pub fn find(pattern: &[P], needs: &Needs, text: &[u8], pairs: &Pairs) -> Option<Caps> {
    // Most patterns name a word most user agents lack: one scan rules them out.
    if !needs.texts.is_empty()
        && !needs
            .texts
            .iter()
            .any(|n| contains(text, pairs, n.as_bytes()))
    {
        return None;
    }
    for start in 0..=text.len() {
        // And a pattern can only start at some bytes.
        if let Some(starts) = &needs.starts
            && !text.get(start).is_some_and(|b| starts[usize::from(*b)])
        {
            continue;
        }
        let mut caps: Caps = [None; 4];
        let mut end = None;
        if seq(pattern, text, start, &mut caps, &mut |p, _| {
            end = Some(p);
            true
        }) {
            caps[0] = end.map(|e| (start, e));
            return Some(caps);
        }
    }
    None
}

type Cont<'k> = dyn FnMut(usize, &mut Caps) -> bool + 'k;

fn word_at(t: &[u8], i: usize) -> bool {
    t.get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// Matches `pats` at `pos`, then calls `k` with the end; backtracks while `k` says no.
fn seq(pats: &[P], t: &[u8], pos: usize, caps: &mut Caps, k: &mut Cont<'_>) -> bool {
    let Some((first, rest)) = pats.split_first() else {
        return k(pos, caps);
    };
    match first {
        P::T(s) => {
            t.get(pos..).is_some_and(|r| starts(r, s.as_bytes()))
                && seq(rest, t, pos + s.len(), caps, k)
        }
        P::R(cl, min, max) | P::L(cl, min, max) => {
            let n = t
                .get(pos..)
                .unwrap_or_default()
                .iter()
                .take(*max)
                .take_while(|b| cl.accepts(**b))
                .count();
            if n < *min {
                return false;
            }
            if matches!(first, P::R(..)) {
                (*min..=n).rev().any(|i| seq(rest, t, pos + i, caps, k))
            } else {
                (*min..=n).any(|i| seq(rest, t, pos + i, caps, k))
            }
        }
        P::O(inner) => {
            {
                let mut then = |p: usize, c: &mut Caps| seq(rest, t, p, c, k);
                if seq(inner, t, pos, caps, &mut then) {
                    return true;
                }
            }
            seq(rest, t, pos, caps, k)
        }
        P::A(alts) => {
            for alt in *alts {
                let mut then = |p: usize, c: &mut Caps| seq(rest, t, p, c, k);
                if seq(alt, t, pos, caps, &mut then) {
                    return true;
                }
            }
            false
        }
        P::B => (pos > 0 && word_at(t, pos - 1)) != word_at(t, pos) && seq(rest, t, pos, caps, k),
        P::C(n, inner) => {
            let n = *n;
            let mut then = |p: usize, c: &mut Caps| {
                let old = c[n];
                c[n] = Some((pos, p));
                if seq(rest, t, p, c, k) {
                    true
                } else {
                    c[n] = old;
                    false
                }
            };
            seq(inner, t, pos, caps, &mut then)
        }
        P::N(inner) | P::Y(inner) => {
            let found = seq(inner, t, pos, &mut caps.clone(), &mut |_, _| true);
            found == matches!(first, P::Y(_)) && seq(rest, t, pos, caps, k)
        }
        P::E => pos == t.len() && seq(rest, t, pos, caps, k),
        P::Ref(n) => {
            // An unset group matches the empty text, as in JavaScript.
            let (a, b) = caps[*n].unwrap_or((0, 0));
            let len = b - a;
            t.get(pos..).is_some_and(|r| r.starts_with(&t[a..b]))
                && seq(rest, t, pos + len, caps, k)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &[P], s: &str) -> Option<(String, Option<String>)> {
        let caps = find(p, &Needs::of(p), s.as_bytes(), &Pairs::of(s.as_bytes()))?;
        let text = |c: Option<(usize, usize)>| c.map(|(a, b)| s[a..b].to_string());
        Some((text(caps[0]).unwrap_or_default(), text(caps[1])))
    }

    /// Greedy and lazy runs, optional pieces, alternatives in order, boundaries, lookaheads
    /// and back-references behave as in JavaScript (expected values from node).
    #[test]
    fn matches_like_javascript_regexps() {
        // /x(\w+)(?: bui|\))/ on "x ab bui": greedy \w+ stops at the space.
        const G: &[P] = &[
            P::T("x "),
            P::C(1, &[P::R(Cl::WordOr(b" "), 1, MANY)]),
            P::A(&[&[P::T(" bui")], &[P::T(")")]]),
        ];
        assert_eq!(
            m(G, "x ab cd bui x"),
            Some(("x ab cd bui".into(), Some("ab cd".into())))
        );
        // Lazy: /a(.+?)c/ takes the shortest.
        const L: &[P] = &[P::T("a"), P::C(1, &[P::L(Cl::Any, 1, MANY)]), P::T("c")];
        assert_eq!(m(L, "zabcbc"), Some(("abc".into(), Some("b".into()))));
        // /\b(mi)(?!x)/: boundary and negative lookahead.
        const B: &[P] = &[P::B, P::C(1, &[P::T("mi")]), P::N(&[P::T("x")])];
        assert_eq!(m(B, "xmi mix mi"), Some(("mi".into(), Some("mi".into()))));
        // /; (\w+) build\/hm\1/: a back-reference.
        const R: &[P] = &[
            P::T("; "),
            P::C(1, &[P::R(Cl::Word, 1, MANY)]),
            P::T(" build/hm"),
            P::Ref(1),
        ];
        assert_eq!(
            m(R, "; 2013 build/hm2013"),
            Some(("; 2013 build/hm2013".into(), Some("2013".into())))
        );
        assert_eq!(m(R, "; 2013 build/hm2014"), None);
        // /(ab)?b/ on "b": the optional group is left unset.
        const O: &[P] = &[P::O(&[P::C(1, &[P::T("ab")])]), P::T("b")];
        assert_eq!(m(O, "b"), Some(("b".into(), None)));
    }
}
