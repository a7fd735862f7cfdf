//! The binary's arguments: a word that is neither a command nor an existing file is named in
//! the error, with the usage, and nothing opens.
#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
fn an_argument_that_is_neither_a_command_nor_a_file_is_named() {
    let existing = env!("CARGO_MANIFEST_DIR").to_string() + "/sample-events/alias-ios.json";
    for (args, bad) in [
        (vec!["no-such-events.ndjson"], "no-such-events.ndjson"),
        (vec!["replya"], "replya"),
        // A real file beside a missing one: the missing one is named, no window opens.
        (vec![existing.as_str(), "missing.json"], "missing.json"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ampscope"))
            .args(&args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with(&format!(
                "ampscope: '{bad}' is neither a command nor an event file"
            )),
            "{args:?}: {err}"
        );
        assert!(err.contains("usage:"), "{err}");
    }
}

/// A JSON file a command cannot parse is placed by line and column in characters (serde_json
/// counts bytes: after an "é" it is one further right).
#[test]
fn json_errors_give_the_column_in_characters() {
    let dir = std::env::temp_dir().join(format!("ampscope-cli-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("mapping.json");
    std::fs::write(&bad, "{\"é\": x}").unwrap();
    let event = env!("CARGO_MANIFEST_DIR").to_string() + "/sample-events/alias-ios.json";
    let out = Command::new(env!("CARGO_BIN_EXE_ampscope"))
        .args(["map", "--mapping", bad.to_str().unwrap(), &event])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("expected value at line 1 column 7"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
