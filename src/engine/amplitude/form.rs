//! `application/x-www-form-urlencoded` bodies exactly as `URLSearchParams#toString` writes them.

/// What `URLSearchParams` writes for each byte, packed little-endian as up to three bytes of
/// text and, in the high byte, how many of them count: the byte itself for
/// `A-Z a-z 0-9 * - . _`, `+` for a space, `%XX` (upper-case hex) for everything else.
static ENCODED: [u32; 256] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut t = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if matches!(c, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_') {
            (1 << 24) | b as u32
        } else if c == b' ' {
            (1 << 24) | b'+' as u32
        } else {
            (3 << 24) | (HEX[b & 15] as u32) << 16 | (HEX[b >> 4] as u32) << 8 | b'%' as u32
        };
        b += 1;
    }
    t
};

/// Writes `s` form-encoded into `buf` from `w` and returns where it ends. Every byte's entry
/// is stored whole (four bytes, branch-free) and the end moves on by its length: `buf` needs
/// room for three bytes per byte of `s` plus one.
fn encode_at(buf: &mut [u8], mut w: usize, s: &str) -> usize {
    for &b in s.as_bytes() {
        let e = ENCODED[usize::from(b)];
        buf[w..w + 4].copy_from_slice(&e.to_le_bytes());
        w += (e >> 24) as usize;
    }
    w
}

/// `new URLSearchParams(pairs).toString()`.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    // Identification bodies are JSON text, a third of it punctuation (three bytes each): the
    // text goes into a buffer sized for the worst case, written by index (no capacity check
    // per byte), then cut to length.
    let room: usize = pairs
        .iter()
        .map(|(k, v)| 3 * (k.len() + v.len()) + 2)
        .sum::<usize>()
        + 1;
    let mut buf = vec![0u8; room];
    let mut w = 0;
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            buf[w] = b'&';
            w += 1;
        }
        // A lone surrogate goes out as U+FFFD, as URLSearchParams writes it (no longer).
        w = encode_at(&mut buf, w, &crate::engine::js::utf16::well_formed(k));
        buf[w] = b'=';
        w += 1;
        w = encode_at(&mut buf, w, &crate::engine::js::utf16::well_formed(v));
    }
    buf.truncate(w);
    // Only ASCII was written.
    String::from_utf8(buf).unwrap_or_default()
}

/// The content type node-fetch sets for a `URLSearchParams` body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_surrogate_is_written_as_the_replacement_character() {
        let lone = crate::engine::js::utf16::lone(0xD83D).to_string();
        assert_eq!(
            encode(&[(lone.as_str(), &format!("a{lone}"))]),
            "%EF%BF%BD=a%EF%BF%BD"
        );
    }

    #[test]
    fn encodes_like_url_search_params() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("api_key", "KEY")], "api_key=KEY"),
            (
                &[
                    ("a", "{\"x\":\"A b\",\"$\":[1,2]}"),
                    ("options", "undefined"),
                ],
                "a=%7B%22x%22%3A%22A+b%22%2C%22%24%22%3A%5B1%2C2%5D%7D&options=undefined",
            ),
            (
                &[("k", "*-._~!'()é😀")],
                "k=*-._%7E%21%27%28%29%C3%A9%F0%9F%98%80",
            ),
            (&[("api_key", "")], "api_key="),
        ];
        for (pairs, want) in cases {
            assert_eq!(encode(pairs), *want);
        }
    }

    /// The encoder as the WHATWG URL standard states it, one byte at a time.
    fn encode_bytewise(s: &str) -> String {
        let mut out = String::new();
        for &b in s.as_bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                    out.push(char::from(b))
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }

    #[test]
    fn runs_and_escapes_agree_with_the_bytewise_rule() {
        // Every ASCII byte alone, then mixes of kept runs, escapes and multi-byte characters.
        let pieces = [
            "ab", "Z9", " ", "{\"", "é", "漢", "😀", "%", "+", "*-._", "~", "\u{7f}", "",
        ];
        let mut texts: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        let mut seed = 7u64;
        for _ in 0..2000 {
            let mut t = String::new();
            for _ in 0..(seed % 9) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            texts.push(t);
        }
        for (t, u) in texts.iter().zip(texts.iter().rev()) {
            // As a value after a key, and as both key and value of a second pair.
            let got = encode(&[("x", t), (t, u)]);
            let want = format!(
                "x={}&{}={}",
                encode_bytewise(t),
                encode_bytewise(t),
                encode_bytewise(u)
            );
            assert_eq!(got, want, "{t:?} {u:?}");
        }
    }
}
