//! Every row of §9.1 and §9.2 of the mapping-language spec (what `transform(mapping, input)` of
//! `@segment/actions-core` 3.170.0 returned or threw), run against our resolver.
//!
//! Deliberate differences (rows whose reference output JSON cannot carry) are marked in the
//! data file with a `deliberate` note and the behaviour chosen instead:
//! * P22, P25: a JavaScript function leaks out of a prototype lookup (`constructor`,
//!   `toFixed`) — treated as missing, the field is removed;
//! * W17: an input only JavaScript can write (`{"@literal": undefined}`) — not run.
#![allow(clippy::unwrap_used)]

use ampscope::engine::js;
use ampscope::engine::mapping::{self, JsValue};
use serde_json::Value;

fn rows() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mapping/kit_rows.json");
    let doc: Value = js::utf16::parse_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["rows"].as_array().unwrap().clone()
}

fn check_row(row: &Value) -> Result<(), String> {
    let id = row["id"].as_str().unwrap();
    let got = mapping::resolve(&row["mapping"], &row["input"]);
    let prepared =
        mapping::PreparedMapping::new(&row["mapping"]).and_then(|p| p.resolve(&row["input"]));
    if prepared != got {
        return Err(format!("{id}: prepared {prepared:?} != {got:?}"));
    }
    if let Some(throws) = row.get("throws") {
        let e = match got {
            Ok(v) => return Err(format!("{id}: expected an error, got {:?}", v.to_json())),
            Err(e) => e,
        };
        let want: Vec<String> = throws["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        let got_msgs = e.messages();
        if got_msgs != want {
            return Err(format!("{id}: messages {got_msgs:?} != {want:?}"));
        }
        let want_class = throws["class"].as_str().unwrap();
        if e.class() != want_class {
            return Err(format!("{id}: class {} != {want_class}", e.class()));
        }
        return Ok(());
    }
    let v = got.map_err(|e| format!("{id}: unexpected error {e}"))?;
    let want = &row["output"];
    let got_text = v.to_json().map(|j| js::stringify(&j));
    let want_text = if row.get("undefined").is_some() {
        None
    } else {
        Some(js::stringify(want))
    };
    if got_text != want_text {
        return Err(format!("{id}: got {got_text:?}, want {want_text:?}"));
    }
    if let Some(spots) = row.get("undefined_elements") {
        for spot in spots.as_array().unwrap() {
            let (key, idx) = (spot[0].as_str().unwrap(), spot[1].as_u64().unwrap());
            let JsValue::Object(obj) = &v else {
                return Err(format!("{id}: not an object"));
            };
            let Some(JsValue::Array(items)) = obj.get(key) else {
                return Err(format!("{id}: {key} is not an array"));
            };
            if items.get(idx as usize) != Some(&JsValue::Undefined) {
                return Err(format!("{id}: {key}[{idx}] should stay undefined"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_spec_row_matches_the_reference() {
    let rows = rows();
    assert_eq!(rows.len(), 151);
    let mut failures = Vec::new();
    let mut ran = 0;
    for row in &rows {
        if row.get("mapping_js").is_some() {
            assert!(row["deliberate"].is_string());
            continue;
        }
        ran += 1;
        if let Err(e) = check_row(row) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// More rows generated with `transform()` of actions-core itself: Unicode case mapping,
/// `$` patterns, JS number and key order in `@json`/`@template`/`@flatten`/`@merge`, nested
/// directives, the root directive key.
#[test]
fn extra_rows_match_the_reference() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/mapping/kit_extra_rows.json"
    );
    let doc: Value = js::utf16::parse_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut failures = Vec::new();
    for row in doc["rows"].as_array().unwrap() {
        let got = mapping::resolve(&row["mapping"], &row["input"]);
        let got_text = match &got {
            Ok(v) => v.to_json().map(|j| js::stringify(&j)),
            Err(e) => Some(format!("error: {}", e.reference_message())),
        };
        let want_text = match row.get("error") {
            Some(e) => Some(format!("error: {}", e.as_str().unwrap())),
            None => Some(js::stringify(&row["output"])),
        };
        if got_text != want_text {
            failures.push(format!(
                "{}: got {got_text:?}, want {want_text:?}",
                row["mapping"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
