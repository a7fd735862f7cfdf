//! The conformance corpus: every case of `tests/conformance/cases` (copied from the reference
//! corpus) and of `tests/extra-cases/cases` runs through the whole pipeline and is compared with
//! its golden the way `compare.py` does: matched, status, request count, method, URL,
//! content-type, user-agent, `body_raw` byte for byte, error message and status.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use ampscope::cli::run_case::run_case;
use serde_json::Value;

fn load(path: &Path) -> Value {
    ampscope::engine::js::utf16::parse_json_as(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The differences compare.py reports, in its words.
fn diff_case(golden: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let empty = Vec::new();
    let gs = golden["subscriptions"].as_array().unwrap_or(&empty);
    let Some(acts) = actual["subscriptions"].as_array() else {
        return vec!["output has no 'subscriptions' list".into()];
    };
    if gs.len() != acts.len() {
        out.push(format!(
            "subscriptions: expected {}, got {}",
            gs.len(),
            acts.len()
        ));
    }
    for (i, (g, a)) in gs.iter().zip(acts).enumerate() {
        let at = format!("subscription {i} ({})", g["name"]);
        for key in ["matched", "status"] {
            if g.get(key) != a.get(key) {
                out.push(format!("{at}: {key} expected {}, got {}", g[key], a[key]));
            }
        }
        let greq = g["requests"].as_array().unwrap_or(&empty);
        let areq = a["requests"].as_array().unwrap_or(&empty);
        if greq.len() != areq.len() {
            out.push(format!(
                "{at}: requests expected {}, got {}",
                greq.len(),
                areq.len()
            ));
        }
        for (j, (gr, ar)) in greq.iter().zip(areq).enumerate() {
            for key in ["method", "url", "body_raw"] {
                if gr.get(key) != ar.get(key) {
                    out.push(format!(
                        "{at} request {j}: {key}\n      expected {}\n      got      {}",
                        gr[key], ar[key]
                    ));
                }
            }
            let header = |r: &Value, h: &str| -> Option<String> {
                r["headers"].as_object().and_then(|m| {
                    m.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(h))
                        .and_then(|(_, v)| v.as_str().map(str::to_string))
                })
            };
            for h in ["content-type", "user-agent"] {
                if header(gr, h) != header(ar, h) {
                    out.push(format!("{at} request {j}: header {h} differs"));
                }
            }
        }
        if let Some(ge) = g.get("error") {
            let ae = a.get("error").cloned().unwrap_or(Value::Null);
            let msg = |e: &Value| e["message"].as_str().unwrap_or("").trim().to_string();
            if msg(ge) != msg(&ae) {
                out.push(format!(
                    "{at}: error message expected {:?}, got {:?}",
                    msg(ge),
                    msg(&ae)
                ));
            }
            // compare.py reads a missing status as None, like null.
            let status = |e: &Value| e.get("status").cloned().unwrap_or(Value::Null);
            if status(ge) != status(&ae) {
                out.push(format!(
                    "{at}: error status expected {}, got {}",
                    ge["status"], ae["status"]
                ));
            }
        }
    }
    out
}

/// Runs every case of `set` and returns (cases run, failures with their first difference).
fn run_set(set: &str) -> (usize, Vec<String>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(set);
    let mut names: Vec<PathBuf> = std::fs::read_dir(root.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for case_path in &names {
        let golden = load(&root.join("golden").join(case_path.file_name().unwrap()));
        let actual = run_case(&load(case_path));
        let problems = diff_case(&golden, &actual);
        if let Some(first) = problems.first() {
            failures.push(format!(
                "FAIL {}\n  {first}",
                case_path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    (names.len(), failures)
}

/// Runs `set` and fails listing every failing case with its first difference.
fn assert_set_passes(set: &str) -> usize {
    let (n, failures) = run_set(set);
    assert!(
        failures.is_empty(),
        "{} passed, {} failed\n{}",
        n - failures.len(),
        failures.len(),
        failures.join("\n")
    );
    n
}

#[test]
fn all_234_reference_cases_pass() {
    assert_eq!(assert_set_passes("tests/conformance"), 234);
}

#[test]
fn all_extra_cases_pass() {
    assert!(assert_set_passes("tests/extra-cases") >= 40);
}

/// One case through the real binary, as compare.py runs it.
#[test]
fn run_case_cli_prints_the_golden_shape() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let case = root.join("cases/group-basic.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ampscope"))
        .arg("run-case")
        .arg(&case)
        .output()
        .unwrap();
    assert!(out.status.success());
    let actual: Value = ampscope::engine::js::utf16::parse_json_slice(&out.stdout).unwrap();
    let golden = load(&root.join("golden/group-basic.json"));
    assert_eq!(diff_case(&golden, &actual), Vec::<String>::new());
    assert_eq!(
        actual["subscriptions"][6]["requests"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
