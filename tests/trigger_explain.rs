//! Explanations: per condition the path, the actual value (or missing), the operator, the
//! expected value, pass/fail, whether the reference reached it, and a note on quirks.
#![allow(clippy::unwrap_used)]

use ampscope::engine::trigger::{self, explain::ExplainNode, explain::Outcome};
use serde_json::{Value, json};

/// (path, actual, operator, passed, reached, note)
type Got = (String, Option<Value>, String, bool, bool, Option<String>);

fn conditions(n: &ExplainNode, out: &mut Vec<Got>) {
    match n {
        ExplainNode::Group { children, .. } => children.iter().for_each(|c| conditions(c, out)),
        ExplainNode::Condition(c) => out.push((
            c.path.clone(),
            c.actual.clone(),
            c.operator.clone(),
            c.outcome == Outcome::Pass,
            c.reached,
            c.note.clone(),
        )),
        ExplainNode::Empty { .. } => {}
    }
}

#[test]
fn each_condition_is_explained() {
    let event = json!({"type":"track","event":"Order Completed",
        "properties":{"price":"150","flag":true,"a":0}});
    // (trigger, matched, [(path, actual, operator, pass, reached, note words)])
    type Row<'a> = (&'a str, Option<Value>, &'a str, bool, bool, Option<&'a str>);
    let cases: Vec<(&str, bool, Vec<Row>)> = vec![
        (
            "type = \"track\" and properties.price > 100",
            false,
            vec![
                ("type", Some(json!("track")), "=", true, true, None),
                (
                    "properties.price",
                    Some(json!("150")),
                    ">",
                    false,
                    true,
                    Some("only matches numbers"),
                ),
            ],
        ),
        (
            "type = \"identify\" and event = \"Order Completed\"",
            false,
            vec![
                ("type", Some(json!("track")), "=", false, true, None),
                (
                    "event",
                    Some(json!("Order Completed")),
                    "=",
                    true,
                    false,
                    None,
                ),
            ],
        ),
        (
            "type = \"identify\" or properties.missing != \"x\"",
            true,
            vec![
                ("type", Some(json!("track")), "=", false, true, None),
                (
                    "properties.missing",
                    None,
                    "!=",
                    true,
                    true,
                    Some("missing"),
                ),
            ],
        ),
        (
            "properties.flag != true",
            true,
            vec![(
                "properties.flag",
                Some(json!(true)),
                "!=",
                true,
                true,
                Some("compares text"),
            )],
        ),
        (
            "properties.a.b != null",
            true,
            vec![(
                "properties.a.b",
                Some(json!(0)),
                "exists",
                true,
                true,
                Some("stops at 'a'"),
            )],
        ),
        (
            "event = 'Order Completed'",
            false,
            vec![(
                "event",
                Some(json!("Order Completed")),
                "=",
                false,
                true,
                Some("single quotes"),
            )],
        ),
    ];
    for (fql, matched, want) in cases {
        let f = trigger::parse(fql).unwrap();
        let x = f.explain(&event);
        assert_eq!(x.matched, matched, "{fql}");
        assert_eq!(x.matched, f.matches(&event), "{fql}");
        let mut got = Vec::new();
        conditions(&x.root, &mut got);
        assert_eq!(got.len(), want.len(), "{fql}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(
                (&g.0[..], &g.1, &g.2[..], g.3, g.4),
                (w.0, &w.1, w.2, w.3, w.4),
                "{fql}"
            );
            match (w.5, &g.5) {
                (None, None) => {}
                (Some(words), Some(note)) => assert!(note.contains(words), "{fql}: {note}"),
                (w, g) => panic!("{fql}: note {g:?}, wanted {w:?}"),
            }
        }
        let text = x.render_text();
        assert!(
            text.starts_with(if matched {
                "matched\n"
            } else {
                "not matched\n"
            }),
            "{text}"
        );
    }
}

#[test]
fn throwing_evaluations_are_explained() {
    let f = trigger::parse("type = \"track\" and ()").unwrap();
    let event = json!({"type":"track"});
    let x = f.explain(&event);
    assert!(!x.matched);
    assert_eq!(
        x.error.as_deref(),
        Some("TypeError: Cannot read properties of undefined (reading 'type')")
    );
    assert_eq!(
        f.evaluate(&event).unwrap_err().message,
        "Cannot read properties of undefined (reading 'type')"
    );
    // `or` stops before the empty slot when its first child passes.
    let f = trigger::parse("type = \"track\" or ()").unwrap();
    assert!(f.explain(&event).matched);
    assert_eq!(f.evaluate(&event), Ok(true));
}

#[test]
fn repeated_evaluation_gives_the_same_answer() {
    // Speed is measured by `benches/trigger.rs`; this keeps the functional part: a parsed
    // trigger carries no state between evaluations.
    let f = trigger::parse(
        "type = \"track\" and properties.cart.total >= 10 and match(event, \"Order*\")",
    )
    .unwrap();
    let hit = json!({"type":"track","event":"Order Completed",
        "properties":{"cart":{"total":25.5}},"context":{"app":{"version":"1"}}});
    let miss = json!({"type":"track","event":"Order Completed",
        "properties":{"cart":{"total":5}}});
    let mut n = 0;
    for i in 0..1_000 {
        let event = if i % 2 == 0 { &hit } else { &miss };
        n += usize::from(f.matches(event));
    }
    assert_eq!(n, 500);
}
