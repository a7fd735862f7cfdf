//! The user-agent parser against outputs recorded from `@amplitude/ua-parser-js` 0.7.33 (the
//! reference's parser) for a broad set of real user agents (`tests/amplitude_useragents.json`,
//! recorded with `tests/amplitude_useragents.gen.mjs`: hand-picked families, then samples of
//! Matomo's device-detector fixtures, of mutated copies and of random splices).
#![allow(clippy::unwrap_used)]

use ampscope::engine::amplitude::useragent::parse;
use serde_json::Value;

#[test]
fn parser_matches_the_reference_library() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/amplitude_useragents.json"
    );
    let vectors: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(vectors.len() >= 2000);
    let mut failures = Vec::new();
    for v in &vectors {
        let ua = v["ua"].as_str().unwrap();
        let p = parse(ua);
        let got = [
            ("browser_name", p.browser_name),
            ("browser_major", p.browser_major),
            ("os_name", p.os_name),
            ("device_vendor", p.device_vendor),
            ("device_model", p.device_model),
            ("device_type", p.device_type),
        ];
        for (k, g) in got {
            let want = v[k].as_str().map(str::to_string);
            if g != want {
                failures.push(format!("{ua}\n   {k}: got {g:?}, want {want:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
