//! `application/x-www-form-urlencoded` bodies exactly as `URLSearchParams#toString` writes them.

/// Appends `s` form-encoded: UTF-8, space → `+`, only `A-Z a-z 0-9 * - . _` left as they are,
/// everything else `%XX` with upper-case hex.
pub fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Identification bodies are JSON text, a third of it punctuation (three bytes each).
    out.reserve(s.len() * 2);
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
}

/// `new URLSearchParams(pairs).toString()`.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, k);
        out.push('=');
        encode_into(&mut out, v);
    }
    out
}

/// The content type node-fetch sets for a `URLSearchParams` body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

#[cfg(test)]
mod tests {
    use super::*;

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
}
