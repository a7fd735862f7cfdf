//! Reads a JSON file of `tests/trigger/`.

/// Parses `tests/trigger/<name>`.
pub fn load(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/trigger")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    ampscope::engine::js::utf16::parse_json(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}
