//! Generated triggers (valid, odd and broken) recorded with the real reference: the AST, the
//! `validate` result on four events and `generateFql`'s text must all be identical.
#![allow(clippy::unwrap_used)]

use ampscope::engine::trigger;
#[path = "trigger/load.rs"]
mod load;
use serde_json::Value;

#[test]
fn generated_triggers_behave_like_the_reference() {
    let data = load::load("reference_random.json");
    let events = data["events"].as_array().unwrap();
    let rows = data["rows"].as_array().unwrap();
    assert!(rows.len() >= 500);
    let mut failures = Vec::new();
    for row in rows {
        let text = row["fql"].as_str().unwrap();
        let got = trigger::reference_json(text);
        if got != row["ast"] {
            failures.push(format!(
                "{text:?}: AST\n  got  {got}\n  want {}",
                row["ast"]
            ));
            continue;
        }
        let parsed = trigger::parse(text);
        for (event, want) in events.iter().zip(row["results"].as_array().unwrap()) {
            let got = match trigger::validate(&parsed, Some(event)) {
                Ok(b) => b.to_string(),
                Err(e) => format!("throws: {}", e.message),
            };
            if got != want.as_str().unwrap() {
                failures.push(format!("{text:?} on {event}: got {got}, want {want}"));
            }
        }
        if let (Ok(fql), Some(want)) = (&parsed, row.get("generated")) {
            let got = match trigger::generate_fql(fql) {
                Ok(s) => Value::String(s),
                Err(e) => serde_json::json!({"throws": e.message}),
            };
            if &got != want {
                failures.push(format!("{text:?}: generateFql got {got}, want {want}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
