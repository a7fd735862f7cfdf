//! The extra conformance cases stay in step with their goldens and with the sample library
//! (the `extra-sample-*` cases embed the samples; a sample edited without regenerating the
//! goldens would silently test stale data).
#![allow(clippy::unwrap_used)]

use ampscope::engine::samples;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/extra-cases")
        .join(sub)
}

fn read(path: &Path) -> Value {
    ampscope::engine::js::utf16::parse_json_as(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn json_files(sub: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_case_has_its_golden() {
    let cases = json_files("cases");
    assert!(cases.len() >= 40, "only {} extra cases", cases.len());
    assert_eq!(cases, json_files("golden"));
    for name in &cases {
        let case = read(&dir("cases").join(name));
        let golden = read(&dir("golden").join(name));
        assert_eq!(case["name"], golden["name"], "{name}");
        assert_eq!(
            format!("{}.json", case["name"].as_str().unwrap()),
            *name,
            "file name = case name"
        );
        let subs = case["subscriptions"].as_array().unwrap();
        let results = golden["subscriptions"].as_array().unwrap();
        assert_eq!(subs.len(), results.len(), "{name}");
        for (s, r) in subs.iter().zip(results) {
            assert_eq!(s["name"], r["name"], "{name}");
            assert_eq!(s["partnerAction"], r["partnerAction"], "{name}");
        }
        assert_eq!(
            golden["oracle"]["action_destinations"], "3.497.0",
            "{name}: produced by the reference oracle"
        );
    }
}

#[test]
fn sample_cases_embed_the_current_samples() {
    for sample in samples::all() {
        let stem = sample.file_name.trim_end_matches(".json");
        let path = dir("cases").join(format!("extra-sample-{stem}.json"));
        assert!(
            path.exists(),
            "no extra case for sample {}",
            sample.file_name
        );
        assert_eq!(
            read(&path)["event"],
            sample.value().unwrap(),
            "{}: regenerate tests/extra-cases (see its README)",
            sample.file_name
        );
    }
}
