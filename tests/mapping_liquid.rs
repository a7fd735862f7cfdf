//! `@liquid` against rows generated with the reference's own `evaluateLiquid` (LiquidJS 10
//! with Segment's limits and disabled tags/filters). Rows Ampscope does not reproduce must fail
//! with an "unsupported in Ampscope" error, never with a different answer.
#![allow(clippy::unwrap_used)]

use ampscope::engine::mapping::{self, MappingError};
use serde_json::{Value, json};

/// Templates that use LiquidJS features Ampscope rejects on purpose.
const UNSUPPORTED: &[&str] = &[
    "{{ \"now\" | date: \"%Y\" }}",
    "{{ \"now\" | date: \"%H:%M\", \"Foo/Bar\" }}",
    "{% increment n %}",
    "{{ (1..3) }}",
    "{{ properties.o == properties.o }}",
    "{% if properties.o == properties.o %}same{% endif %}",
    "{{ properties.name | default: \"x\", allow_false: true }}",
];

#[test]
fn liquid_matches_liquidjs_or_says_unsupported() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/mapping/liquid_rows.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let event = &doc["event"];
    let mut failures = Vec::new();
    let rows = doc["rows"].as_array().unwrap();
    assert!(rows.len() > 100);
    for row in rows {
        let t = row["template"].as_str().unwrap();
        let got = mapping::resolve(&json!({"a": {"@liquid": t}}), event);
        if UNSUPPORTED.contains(&t) {
            match got {
                Err(MappingError::Unsupported(m)) if m.contains("unsupported in Ampscope") => {}
                other => failures.push(format!("{t:?}: expected unsupported, got {other:?}")),
            }
            continue;
        }
        match (got, row.get("output"), row.get("error")) {
            (Ok(v), Some(want), _) if v.to_json() == Some(json!({"a": want})) => {}
            (Err(e @ MappingError::Liquid(_)), _, Some(want))
                if want["message"] == e.reference_message().as_str()
                    && want["class"] == e.class() => {}
            (got, _, _) => failures.push(format!(
                "{t:?}: got {got:?}, want {}",
                row.get("output").or(row.get("error")).unwrap()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `"now"` is the clock the caller gives (the runner's, the app's); without one it is
/// unsupported rather than guessed, and the clock ends with the call.
#[test]
fn now_reads_the_given_clock_only() {
    let m = json!({"t": {"@liquid": "{{ 'now' | date: '%Y-%m-%dT%H:%M:%S.%LZ' }}"}});
    let data = json!({});
    let at = |ms: f64| {
        mapping::with_clock(ms, || mapping::resolve(&m, &data))
            .unwrap()
            .to_json()
    };
    assert_eq!(
        at(1717245296789.0),
        Some(json!({"t": "2024-06-01T12:34:56.789Z"}))
    );
    assert_eq!(at(0.0), Some(json!({"t": "1970-01-01T00:00:00.000Z"})));
    let without = mapping::resolve(&m, &data).unwrap_err().to_string();
    assert!(without.contains("unsupported"), "{without}");
}
