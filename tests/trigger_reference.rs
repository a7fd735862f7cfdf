//! Every row of the spec's §9.3 table (S01–S80): `parseFql` → AST and `validate(ast, event)`,
//! as recorded by running `@segment/destination-subscriptions` 3.37.0 on each row.
#![allow(clippy::unwrap_used)]

use ampscope::engine::trigger;
#[path = "trigger/load.rs"]
mod load;
use load::load;
use serde_json::Value;

/// Checks one recorded row; returns the differences.
fn check_row(row: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let id = row["id"].as_str().unwrap_or("?");
    let text = row["fql"].as_str().unwrap();
    let parsed = trigger::parse(text);
    let got_ast = trigger::reference_json(text);
    if got_ast != row["ast"] {
        out.push(format!(
            "{id} {text:?}: AST\n  got  {got_ast}\n  want {}",
            row["ast"]
        ));
    }
    for case in row["cases"].as_array().unwrap() {
        let event = if case.get("event_undefined").is_some() {
            None
        } else {
            Some(&case["event"])
        };
        let got = match trigger::validate(&parsed, event) {
            Ok(b) => b.to_string(),
            Err(e) => format!("throws: {}", e.message),
        };
        let want = case["expected"].as_str().unwrap();
        if got != want {
            out.push(format!(
                "{id} {text:?} on {event:?}: got {got}, want {want}"
            ));
        }
    }
    out
}

#[test]
fn every_row_of_the_reference_table() {
    let rows = load("reference_table.json");
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 80);
    let failures: Vec<String> = rows.iter().flat_map(check_row).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
