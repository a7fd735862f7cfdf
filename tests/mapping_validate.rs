//! Validation errors carry the reference's message and the real location of the offending
//! value; all errors come at once; resolution reports the quirks it relied on.
#![allow(clippy::unwrap_used)]

use ampscope::engine::mapping::{self, MappingError, MappingQuirk};
use serde_json::{Value, json};

#[test]
fn every_error_with_its_location() {
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (
            json!({"event_type": {"@replace": {"pattern": "0123456789A", "value": "x"}}}),
            vec![(
                "/event_type/@replace/pattern",
                "/event_type/@replace/pattern should be a string of length 10 or less.",
            )],
        ),
        (
            json!({"a": {"@oops": 1}, "b": {"c": {"@path": 5}}, "ok": {"@path": "$.x"}}),
            vec![
                ("/a", "/a has an invalid directive: @oops."),
                (
                    "/b/c/@path",
                    "/b/c/@path should be a string or a mapping directive but it is a number.",
                ),
            ],
        ),
        (
            // The reference restarts the message path at "/" inside @merge objects.
            json!({"m": {"@merge": {"direction": "right", "objects": [{}, {"x": {"@oops": 1}}]}}}),
            vec![(
                "/m/@merge/objects/1/x",
                "/x has an invalid directive: @oops.",
            )],
        ),
        (
            // …and gives @arrayPath elements no index.
            json!({"p": {"@arrayPath": [5, {"k": {"@path": 1}}]}}),
            vec![(
                "/p/@arrayPath/0",
                "/p/@arrayPath should be a string or a mapping directive but it is a number.",
            )],
        ),
        (
            json!({"p": {"@arrayPath": ["$.a", {"k": {"@path": 1}}]}}),
            vec![(
                "/p/@arrayPath/1/k/@path",
                "/p/@arrayPath/k/@path should be a string or a mapping directive but it is a number.",
            )],
        ),
        (
            json!({"j": {"@json": {"value": "x"}}, "f": {"@flatten": {"separator": 1}}}),
            vec![
                (
                    "/j/@json",
                    "/j/@json should have field \"mode\" but it doesn't.",
                ),
                (
                    "/f/@flatten/separator",
                    "/f/@flatten/separator should be a string but it is a number.",
                ),
                (
                    "/f/@flatten",
                    "/f/@flatten should have field \"value\" but it doesn't.",
                ),
            ],
        ),
        (json!({"a": [{"@oops": 1}], "b": "{{x}}"}), vec![]),
    ];
    for (mapping, want) in cases {
        let got: Vec<(String, String)> = mapping::validate(&mapping)
            .into_iter()
            .map(|e| (e.pointer(), e.message))
            .collect();
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(p, m)| (p.to_string(), m.to_string()))
            .collect();
        assert_eq!(got, want, "for {mapping}");
    }
}

#[test]
fn invalid_mappings_fail_resolution_with_all_errors() {
    let e = mapping::resolve(&json!({"a": {"@x": 1}, "b": {"@y": 2}}), &json!({})).unwrap_err();
    assert_eq!(
        e.reference_message(),
        "\n    ValidationError: /a has an invalid directive: @x.\n    ValidationError: /b has an invalid directive: @y."
    );
    assert!(matches!(
        e,
        MappingError::Invalid {
            aggregate: true,
            ..
        }
    ));
    let e = mapping::resolve(&json!({"@template": ["a"]}), &json!({})).unwrap_err();
    assert!(matches!(
        e,
        MappingError::Invalid {
            aggregate: false,
            ..
        }
    ));
    assert_eq!(
        e.reference_message(),
        "/@template should be a string or a mapping directive but it is an array."
    );
}

#[test]
fn resolution_reports_the_quirks_it_hit() {
    let event = json!({"a": 0, "s": "x", "o": {"k": 1}, "tpl": "{{s}}"});
    let cases: Vec<(Value, Vec<MappingQuirk>)> = vec![
        (json!({"x": {"@path": "$.s"}}), vec![]),
        (
            json!({"x": {"@path": "$.a.b"}}),
            vec![MappingQuirk::PathFalsyIntermediate],
        ),
        (
            json!({"x": {"@path": "a$.b"}}),
            vec![MappingQuirk::PathDollarDotAnywhere],
        ),
        (
            json!({"x": {"@path": "$.o[\"k.z\"]"}}),
            vec![MappingQuirk::PathDottedKeyUnreachable],
        ),
        (
            json!({"x": {"@template": "{{$.s}}"}}),
            vec![MappingQuirk::TemplateDollarPath],
        ),
        (
            json!({"x": {"@template": "{{{tpl}}}"}}),
            vec![MappingQuirk::TemplateTripleReexpanded],
        ),
        (
            json!({"x": {"@template": "{{o}}"}}),
            vec![MappingQuirk::TemplateObjectString],
        ),
        (
            json!({"x": {"@if": {"exists": {"@path": "$.m"}, "then": 1, "else": false}}}),
            vec![MappingQuirk::IfFalsyElseDropped],
        ),
        (
            json!({"x": {"@replace": {"pattern": "a", "value": {"@path": "$.m"}}}}),
            vec![MappingQuirk::ReplaceNonStringGivesEmpty],
        ),
        (
            json!({"x": {"@replace": {"pattern": "x", "replacement": "$&$&", "value": "x"}}}),
            vec![MappingQuirk::ReplaceDollarPatterns],
        ),
        (
            json!({"x": {"@merge": {"direction": "right", "objects": [{"n": "d"}, {"n": {"@path": "$.m"}}]}}}),
            vec![MappingQuirk::MergeUndefinedErases],
        ),
        (
            json!({"x": {"@merge": {"direction": "right", "objects": [{"@path": "$.s"}]}}}),
            vec![MappingQuirk::MergeSpreadsNonObject],
        ),
        (
            json!({"x": {"@merge": {"direction": "LEFT", "objects": [{"a": 1}]}}}),
            vec![MappingQuirk::MergeDirectionCase],
        ),
        (
            json!({"x": {"@json": {"mode": "Encode", "value": "x"}}}),
            vec![MappingQuirk::JsonModeCase],
        ),
        (
            json!({"x": {"@arrayPath": [{"@path": "$.s"}, {"k": 1}]}}),
            vec![MappingQuirk::ArrayPathDirectiveNotPath],
        ),
        (json!("ab"), vec![MappingQuirk::StringMappingSpread]),
    ];
    for (mapping, want) in cases {
        let got = mapping::resolve_with_report(&mapping, &event).unwrap();
        let prepared = mapping::PreparedMapping::new(&mapping)
            .unwrap()
            .resolve_with_report(&event)
            .unwrap();
        assert_eq!(prepared, got, "prepared, for {mapping}");
        let got = got.quirks;
        assert_eq!(got, want, "for {mapping}");
        for q in &got {
            assert!(!q.note().is_empty());
        }
    }
}
