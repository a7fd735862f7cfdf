//! Shared by the benches: the events of the conformance corpus (reference and extra cases).

use serde_json::Value;

/// The cases of one folder under `tests/`, parsed, in file-name order.
fn cases(set: &str) -> Vec<Value> {
    let dir = format!("{}/tests/{set}", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            ampscope::engine::js::utf16::parse_json(&std::fs::read_to_string(p).unwrap()).unwrap()
        })
        .collect()
}

/// Every case's event, reference cases first, in file-name order.
pub fn corpus_events() -> Vec<Value> {
    ["conformance/cases", "extra-cases/cases"]
        .into_iter()
        .flat_map(cases)
        .filter_map(|case| case.get("event").cloned())
        .collect()
}

/// The events `bench.mjs` runs: the reference cases' events that have a `type`, in file-name
/// order (the reference's figure is measured on exactly these).
#[allow(dead_code)]
pub fn reference_events() -> Vec<Value> {
    cases("conformance/cases")
        .into_iter()
        .filter_map(|case| {
            let event = case.get("event")?;
            // `cc.event.type` as a JavaScript condition.
            let truthy = match event.get("type") {
                None | Some(Value::Null) | Some(Value::Bool(false)) => false,
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
                Some(_) => true,
            };
            truthy.then(|| event.clone())
        })
        .collect()
}
