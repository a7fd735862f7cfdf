//! Masking API keys and other secrets in everything that is logged, stored or exported.
//!
//! Keys are replaced by `••••` plus their last four characters when the key is long enough for
//! those four to give nothing useful away (12 characters or more); shorter keys are fully masked.

use crate::engine::request::{HttpRequest, HttpResponse, Text};

/// The mask in front of the kept characters.
pub const MASK: &str = "••••";

/// Parameter / JSON key names whose values are secrets.
const SECRET_NAMES: [&str; 4] = ["api_key", "secret_key", "apikey", "secret"];

/// Header names whose values are secrets.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "cookie",
];

/// `••••1234` for a key, `••••` for a short or empty one.
pub fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() >= 12 {
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{MASK}{tail}")
    } else {
        MASK.to_string()
    }
}

/// Masks secrets inside free text: `api_key=…` in URLs and form bodies, `"api_key":"…"` in
/// JSON, and `Invalid API key: …` in Amplitude's answers. Text without secrets is unchanged.
pub fn redact_text(text: &str) -> String {
    redact_text_with(text, &mask_key)
}

/// [`redact_text`] with each secret replaced by `mask(secret)`: `<API_KEY>` in a copied curl
/// command, for one. Only the places that hold a secret change, never the same characters
/// elsewhere in the text (a short test key like `test` also spells other words).
pub fn redact_text_with(text: &str, mask: &dyn Fn(&str) -> String) -> String {
    let mut out = text.to_string();
    for name in SECRET_NAMES {
        out = redact_form_param(&out, name, mask);
        out = redact_json_string(&out, name, mask);
    }
    redact_after(&out, "Invalid API key: ", mask)
}

/// A copy of `req` with secrets masked in the URL, the headers and the body.
pub fn redact_request(req: &HttpRequest) -> HttpRequest {
    HttpRequest {
        method: req.method.clone(),
        url: redact_text(&req.url).into(),
        headers: redact_headers(&req.headers).into(),
        body: redact_text(&req.body),
    }
}

/// A copy of `resp` with secrets masked (Amplitude echoes a rejected key in its error text).
pub fn redact_response(resp: &HttpResponse) -> HttpResponse {
    HttpResponse {
        status: resp.status,
        headers: redact_headers(&resp.headers).into(),
        body: redact_text(&resp.body),
    }
}

/// A request recorded with masked keys, made sendable again ("resend" from the history): each
/// masked value (`••••` and the up to four characters kept after it) becomes `secret_key` when
/// the kept tail is the secret's and not the API key's, else `api_key`.
pub fn restore_keys(req: &HttpRequest, api_key: &str, secret_key: &str) -> HttpRequest {
    let fix = |t: &str| restore_text(t, api_key, secret_key);
    HttpRequest {
        method: req.method.clone(),
        url: fix(&req.url).into(),
        headers: req
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), fix(v).into()))
            .collect(),
        body: fix(&req.body),
    }
}

fn restore_text(text: &str, api_key: &str, secret_key: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(MASK) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + MASK.len()..];
        let tail_len = rest
            .bytes()
            .take(4)
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let tail = &rest[..tail_len];
        rest = &rest[tail_len..];
        let is_secret = !secret_key.is_empty()
            && !tail.is_empty()
            && secret_key.ends_with(tail)
            && !api_key.ends_with(tail);
        out.push_str(if is_secret { secret_key } else { api_key });
    }
    out.push_str(rest);
    out
}

/// Headers with secret values masked.
pub fn redact_headers(headers: &[(Text, Text)]) -> Vec<(Text, Text)> {
    headers
        .iter()
        .map(|(k, v)| {
            let lower = k.to_ascii_lowercase();
            if SECRET_HEADERS.contains(&lower.as_str()) {
                // Keep the scheme (`Basic`, `Bearer`) so the reader knows what was sent.
                let masked = match v.split_once(' ') {
                    Some((scheme, secret)) if !scheme.is_empty() && !secret.is_empty() => {
                        format!("{scheme} {}", mask_key(secret))
                    }
                    _ => mask_key(v),
                };
                (k.clone(), masked.into())
            } else {
                (k.clone(), redact_text(v).into())
            }
        })
        .collect()
}

/// Masks the value of `name=` where it starts a parameter (after `?`, `&`, or at the start).
fn redact_form_param(text: &str, name: &str, mask: &dyn Fn(&str) -> String) -> String {
    let needle = format!("{name}=");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = find_ignore_case(rest, &needle) {
        let at_boundary = pos == 0
            || matches!(
                rest[..pos].chars().next_back(),
                Some('?' | '&' | ';' | ' ' | '\n' | '"' | '\'')
            );
        let value_start = pos + needle.len();
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        if !at_boundary {
            continue;
        }
        let end = rest
            .find(['&', '#', ' ', '\n', '"', '\'', ';'])
            .unwrap_or(rest.len());
        let value = &rest[..end];
        if !value.is_empty() && !value.starts_with(MASK) {
            let decoded = percent_decode(value);
            out.push_str(&mask(&decoded));
        } else {
            out.push_str(value);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Masks `"name": "value"` (any whitespace around the colon).
fn redact_json_string(text: &str, name: &str, mask: &dyn Fn(&str) -> String) -> String {
    let needle = format!("\"{name}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = find_ignore_case(rest, &needle) {
        let after_name = pos + needle.len();
        out.push_str(&rest[..after_name]);
        rest = &rest[after_name..];
        let trimmed = rest.trim_start();
        let Some(after_colon) = trimmed.strip_prefix(':') else {
            continue;
        };
        let value_part = after_colon.trim_start();
        let Some(inner) = value_part.strip_prefix('"') else {
            continue;
        };
        // Find the closing quote, skipping escaped characters.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in inner.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i);
                break;
            }
        }
        let Some(end) = end else { continue };
        let prefix_len = rest.len() - inner.len();
        out.push_str(&rest[..prefix_len]);
        let value = &inner[..end];
        if value.starts_with(MASK) || value.is_empty() {
            out.push_str(value);
        } else {
            out.push_str(&mask(value));
        }
        rest = &inner[end..];
    }
    out.push_str(rest);
    out
}

/// Masks the rest of the word after `marker` (up to a quote, whitespace or end).
fn redact_after(text: &str, marker: &str, mask: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = find_ignore_case(rest, marker) {
        let start = pos + marker.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest
            .find(|c: char| c == '"' || c == '\\' || c.is_whitespace())
            .unwrap_or(rest.len());
        let value = &rest[..end];
        if value.is_empty() || value.starts_with(MASK) {
            out.push_str(value);
        } else {
            out.push_str(&mask(value));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .find(|&i| haystack.is_char_boundary(i) && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("k={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn masks_keys_everywhere() {
        let cases = [
            (
                format!("https://x/usermap?api_key={KEY}&mapping=1"),
                "https://x/usermap?api_key=••••cdef&mapping=1",
            ),
            (
                format!("api_key={KEY}&identification=%7B%7D"),
                "api_key=••••cdef&identification=%7B%7D",
            ),
            (
                format!("{{\"api_key\":\"{KEY}\",\"events\":[]}}"),
                "{\"api_key\":\"••••cdef\",\"events\":[]}",
            ),
            (
                format!("{{\"api_key\" : \"{KEY}\"}}"),
                "{\"api_key\" : \"••••cdef\"}",
            ),
            (
                format!("{{\"code\":400,\"error\":\"Invalid API key: {KEY}\"}}"),
                "{\"code\":400,\"error\":\"Invalid API key: ••••cdef\"}",
            ),
            ("api_key=short".to_string(), "api_key=••••"),
            ("{\"api_key\":\"\"}".to_string(), "{\"api_key\":\"\"}"),
            ("my_api_key=notasecret".to_string(), "my_api_key=notasecret"),
            ("nothing secret here".to_string(), "nothing secret here"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact_text(&input), expected, "{input}");
            // Redacting twice changes nothing more.
            assert_eq!(redact_text(expected), expected);
        }
    }

    #[test]
    fn masks_secret_headers() {
        let h: Vec<(Text, Text)> = vec![
            ("authorization".into(), format!("Basic {KEY}").into()),
            ("content-type".into(), "application/json".into()),
        ];
        let r = redact_headers(&h);
        assert_eq!(r[0].1, "Basic ••••cdef");
        assert_eq!(r[1].1, "application/json");
    }

    #[test]
    fn restore_keys_undoes_redaction() {
        let secret = "fedcba9876543210fedcba9876543210";
        let req = HttpRequest {
            method: "POST".into(),
            url: format!("https://api2.amplitude.com/usermap?api_key={KEY}").into(),
            headers: vec![("x-secret".into(), format!("k {secret}").into())].into(),
            body: format!(r#"{{"api_key":"{KEY}","secret_key":"{secret}","n":1}}"#),
        };
        let redacted = redact_request(&req);
        assert!(!redacted.body.contains(KEY));
        let back = restore_keys(&redacted, KEY, secret);
        assert_eq!(back.body, req.body);
        assert_eq!(back.url, req.url);
        // Without the original keys, the masked values become the keys given.
        let other = restore_keys(&redacted, "NEWKEY", "");
        assert!(
            other.body.contains(r#""api_key":"NEWKEY""#),
            "{}",
            other.body
        );
        assert!(!other.body.contains(MASK));
    }
}
