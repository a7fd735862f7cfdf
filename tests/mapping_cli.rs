//! `ampscope map` through the built binary.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ampscope"))
        .arg("map")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn prints_the_resolved_mapping_and_quirk_notes() {
    let dir = scratch("map-ok");
    let m = write(
        &dir,
        "m.json",
        r#"{"event_type": {"@path": "$.event"}, "n": {"@path": "$.properties.n"}, "gone": {"@path": "$.nope"},
            "e": {"@if": {"exists": {"@path": "$.nope"}, "then": 1, "else": false}}}"#,
    );
    let e = write(
        &dir,
        "e.json",
        r#"{"event": "Signed Up", "properties": {"n": 1e21}}"#,
    );
    let (code, out, err) = run(&["--mapping", &m, &e]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v, serde_json::json!({"event_type": "Signed Up", "n": 1e21}));
    assert!(err.contains("IfFalsyElseDropped"), "{err}");
}

/// The output is `JSON.stringify(result, null, 2)`: numbers as JavaScript writes them.
#[test]
fn prints_numbers_as_javascript_does() {
    let dir = scratch("map-numbers");
    let m = write(
        &dir,
        "m.json",
        r#"{"x": {"@path": "$.n"}, "y": {"@path": "$.m"}, "z": {"@path": "$.b"}}"#,
    );
    let e = write(
        &dir,
        "e.json",
        r#"{"n": 1e16, "m": 0.000001, "b": 12345678901234567890}"#,
    );
    let (code, out, err) = run(&["--mapping", &m, &e]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "{\n  \"x\": 10000000000000000,\n  \"y\": 0.000001,\n  \"z\": 12345678901234567000\n}\n"
    );
}

#[test]
fn lists_every_validation_error_with_its_path() {
    let dir = scratch("map-invalid");
    let m = write(
        &dir,
        "m.json",
        r#"{"event_type": {"@replace": {"pattern": "0123456789A", "value": "x"}}, "b": {"@nope": 1}}"#,
    );
    let e = write(&dir, "e.json", "{}");
    let (code, out, err) = run(&["--mapping", &m, &e]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("2 errors"), "{err}");
    assert!(err.contains(
        "at /event_type/@replace/pattern: /event_type/@replace/pattern should be a string of length 10 or less."
    ), "{err}");
    assert!(
        err.contains("at /b: /b has an invalid directive: @nope."),
        "{err}"
    );
}

#[test]
fn runs_the_schema_pipeline_with_fields() {
    let dir = scratch("map-fields");
    let defs = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/amplitude-definitions.json"
    );
    let m = write(
        &dir,
        "m.json",
        r#"{"event_type": {"@path": "$.event"}, "user_id": {"@path": "$.userId"}, "quantity": {"@path": "$.properties.q"}, "extra": 1}"#,
    );
    let good = write(
        &dir,
        "good.json",
        r#"{"event": "E", "userId": 42, "properties": {"q": "3"}}"#,
    );
    let (code, out, err) = run(&[
        "--mapping",
        &m,
        "--fields",
        defs,
        "--action",
        "logEventV2",
        &good,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"event_type": "E", "user_id": "42", "quantity": 3})
    );

    let bad = write(&dir, "bad.json", r#"{"properties": {"q": 1.5}}"#);
    let (code, _, err) = run(&[
        "--mapping",
        &m,
        "--fields",
        defs,
        "--action",
        "logEventV2",
        &bad,
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("The root value is missing the required field 'event_type'."),
        "{err}"
    );
    assert!(
        err.contains("at $.quantity: Quantity must be an integer but it was a number."),
        "{err}"
    );

    let (code, _, err) = run(&["--mapping", &m, "--fields", defs, &good]);
    assert_eq!(code, 2);
    assert!(err.contains("--action"), "{err}");
}
