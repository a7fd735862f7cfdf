//! `@template` rendering (`placeholders.ts`): two global regex passes, `{{{x}}}` then `{{x}}`.

use super::path::{Payload, get};
use super::quirks::{MappingQuirk, QuirkSet};

/// Renders `template` against `payload`: every `{{{ path }}}` is replaced first, then every
/// `{{ path }}` in the result. Missing and `null` values render as nothing, anything else as
/// JavaScript's `String(value)`. There is no HTML escaping in either form.
pub fn render(template: &str, payload: Payload<'_>, quirks: &mut QuirkSet) -> String {
    if !template.contains("{{") {
        return template.to_string();
    }
    let first = replace_pass(template, 3, payload, quirks);
    if first.reexpandable {
        quirks.hit(MappingQuirk::TemplateTripleReexpanded);
    }
    replace_pass(&first.text, 2, payload, quirks).text
}

struct Pass {
    text: String,
    /// A value inserted by this pass contains `{{…}}`, which the next pass will expand.
    reexpandable: bool,
}

/// One `replace(/\{{n}([^}]+)\}{n}/g, …)` pass with `n` braces.
fn replace_pass(s: &str, n: usize, payload: Payload<'_>, quirks: &mut QuirkSet) -> Pass {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    let mut reexpandable = false;
    let mut copied = 0usize;
    let mut i = 0usize;
    while i + 2 * n < bytes.len() {
        if !bytes[i..i + n].iter().all(|b| *b == b'{') {
            i += 1;
            continue;
        }
        let inner_start = i + n;
        let mut k = inner_start;
        while k < bytes.len() && bytes[k] != b'}' {
            k += 1;
        }
        let closes =
            k > inner_start && k + n <= bytes.len() && bytes[k..k + n].iter().all(|b| *b == b'}');
        if !closes {
            i += 1;
            continue;
        }
        out.push_str(&s[copied..i]);
        let inner = js_trim(&s[inner_start..k]);
        if inner.starts_with("$.") || inner == "$" {
            quirks.hit(MappingQuirk::TemplateDollarPath);
        }
        let value = get(payload, inner, quirks);
        if !value.is_nullish() {
            if value.type_name() == "object" {
                quirks.hit(MappingQuirk::TemplateObjectString);
            }
            let before = out.len();
            value.write_js_string(&mut out);
            if n == 3 && out[before..].contains("{{") {
                reexpandable = true;
            }
        }
        i = k + n;
        copied = i;
    }
    out.push_str(&s[copied..]);
    Pass {
        text: out,
        reexpandable,
    }
}

/// `String.prototype.trim`: JavaScript's WhiteSpace and LineTerminator code points (which
/// differ from Rust's `trim` at U+FEFF and U+0085).
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(crate::engine::js::is_js_space)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_like_placeholders_ts() {
        let data = json!({"a": 1, "b": "x", "o": {"k": 1}, "arr": ["x", null, 2], "t": "{{b}}"});
        let cases: &[(&str, &str)] = &[
            ("{{a}}-{{ b }}", "1-x"),
            ("{{{a}}}", "1"),
            ("{{nope}}!", "!"),
            ("{{o}}|{{arr}}", "[object Object]|x,,2"),
            ("{{}}", "{{}}"),
            ("{{a}}}", "1}"),
            ("{ {a}}", "{ {a}}"),
            ("{{a{{b}}}}", "}}"),
            ("{{{t}}}|{{t}}", "x|{{b}}"),
            ("{{\u{feff}a\u{feff}}}", "1"),
            ("no braces", "no braces"),
            ("{{a}", "{{a}"),
        ];
        for (tpl, want) in cases {
            let mut q = QuirkSet::default();
            assert_eq!(
                render(tpl, Payload::Json(&data), &mut q),
                *want,
                "for {tpl}"
            );
        }
        let mut q = QuirkSet::default();
        render("{{{t}}}", Payload::Json(&data), &mut q);
        assert!(q.contains(MappingQuirk::TemplateTripleReexpanded));
    }
}
