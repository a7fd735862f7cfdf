//! Shared by the benches: the events of the conformance corpus (reference and extra cases).

use serde_json::Value;

/// Every case's event, reference cases first, in file-name order.
pub fn corpus_events() -> Vec<Value> {
    let mut events = Vec::new();
    for set in ["tests/conformance/cases", "tests/extra-cases/cases"] {
        let dir = format!("{}/{set}", env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            let case: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            if let Some(e) = case.get("event") {
                events.push(e.clone());
            }
        }
    }
    events
}
