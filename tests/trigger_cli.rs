//! `ampscope trigger` through the real binary.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn run(args: &[&str], events: &str) -> (i32, String, String) {
    // One file per call (the tests run at once), removed after.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!(
        "ampscope-trigger-cli-{}-{n}.json",
        std::process::id()
    ));
    std::fs::write(&file, events).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ampscope"))
        .arg("trigger")
        .args(args)
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const EVENTS: &str = r#"{"type":"track","event":"Order Completed","properties":{"price":150}}
{"type":"identify","userId":"u1"}
"#;

#[test]
fn text_output_explains_each_event() {
    let (code, out, _) = run(
        &["--fql", "type = \"track\" and properties.price > 100"],
        EVENTS,
    );
    assert_eq!(code, 0);
    let blocks: Vec<&str> = out.split("event ").filter(|s| !s.is_empty()).collect();
    assert_eq!(blocks.len(), 2, "{out}");
    assert!(blocks[0].starts_with("1 (line 1): matched"), "{out}");
    assert!(
        blocks[0].contains("[pass] properties.price > 100: actual 150"),
        "{out}"
    );
    assert!(blocks[1].starts_with("2 (line 2): not matched"), "{out}");
    assert!(
        blocks[1].contains("[fail] type = \"track\": actual \"identify\""),
        "{out}"
    );
    assert!(blocks[1].contains("[skip] properties.price"), "{out}");
}

#[test]
fn json_output_has_the_ast_and_one_entry_per_event() {
    let (code, out, _) = run(&["--json", "--fql", "event = 'Order Completed'"], EVENTS);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ast"]["children"][0]["value"], "'Order Completed'");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["matched"], false);
    assert_eq!(
        events[0]["explanation"]["children"][0]["actual"],
        "Order Completed"
    );
    assert!(
        !v["warnings"].as_array().unwrap().is_empty(),
        "single quotes are linted"
    );
}

#[test]
fn bad_fql_exits_2_with_a_located_error() {
    let (code, out, err) = run(&["--fql", "properties.x>5"], EVENTS);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("line 1, column 13"), "{err}");
    assert!(err.contains("  properties.x>5\n              ^\n"), "{err}");
}
