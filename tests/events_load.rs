//! Loading events at scale and in chunks, through the public API only.
#![allow(clippy::unwrap_used)]

use ampscope::engine::event::{EventStream, Loaded, parse_events};
use std::time::{Duration, Instant};

fn small_event(i: usize) -> String {
    format!(
        "{{\"type\":\"track\",\"event\":\"Clicked {i}\",\"userId\":\"user-{i}\",\"messageId\":\"m-{i}\",\"properties\":{{\"n\":{i},\"s\":\"x\\\"{{\"}}}}"
    )
}

/// 100,000 NDJSON events load in linear time; a quadratic loader would take minutes here.
#[test]
fn hundred_thousand_ndjson_events_load_fast() {
    let text: String = (0..100_000).map(|i| small_event(i) + "\n").collect();
    let started = Instant::now();
    let got = parse_events(&text);
    let took = started.elapsed();
    assert_eq!(got.events.len(), 100_000);
    assert!(got.errors.is_empty());
    assert_eq!(got.events[99_999].line, 100_000);
    assert_eq!(got.events[12_345].value["properties"]["n"], 12_345);
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

/// Streaming a large pretty-printed array in 4 KiB chunks never holds more than one event plus
/// one chunk, and every event comes out once, in order, with its index.
#[test]
fn streaming_a_big_array_uses_bounded_memory() {
    let mut text = String::from("[\n");
    let n = 20_000;
    for i in 0..n {
        let pretty = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(&small_event(i)).unwrap(),
        )
        .unwrap();
        text.push_str("  ");
        text.push_str(&pretty.replace('\n', "\n  "));
        text.push_str(if i + 1 < n { ",\n" } else { "\n" });
    }
    text.push_str("]\n");

    let mut stream = EventStream::new();
    let mut seen = 0;
    let mut max_buffered = 0;
    let mut check = |items: Vec<Loaded>| {
        for item in items {
            match item {
                Loaded::Event { event, warning } => {
                    assert!(warning.is_none());
                    assert_eq!(event.index, seen);
                    assert_eq!(event.value["userId"], format!("user-{seen}"));
                    seen += 1;
                }
                Loaded::Error(e) => panic!("{e}"),
            }
        }
    };
    for chunk in text.as_bytes().chunks(4096) {
        check(stream.push(chunk));
        max_buffered = max_buffered.max(stream.buffered());
    }
    check(stream.finish());
    assert_eq!(seen, n);
    assert!(
        max_buffered < 4096 + 512,
        "buffered up to {max_buffered} bytes"
    );
}

/// The brief's example: 1,000 NDJSON events with one broken line load the other 999, and the
/// broken one is reported with its index, line and column.
#[test]
fn one_broken_line_in_a_thousand() {
    let lines: Vec<String> = (0..1000)
        .map(|i| {
            if i == 737 {
                "{\"type\":\"track\",\"event\":\"oops\" \"userId\":\"u\"}".to_string()
            } else {
                small_event(i)
            }
        })
        .collect();
    let got = parse_events(&lines.join("\n"));
    assert_eq!(got.events.len(), 999);
    assert_eq!(got.errors.len(), 1);
    let e = &got.errors[0];
    assert_eq!((e.index, e.line, e.column), (Some(737), 738, 32));
    assert_eq!(
        e.to_string(),
        "event 738 (line 738, column 32): expected `,` or `}`"
    );
}
