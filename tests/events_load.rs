//! Loading events at scale and in chunks, through the public API only.
#![allow(clippy::unwrap_used)]

use ampscope::engine::event::{EventStream, Loaded, parse_events};

fn small_event(i: usize) -> String {
    format!(
        "{{\"type\":\"track\",\"event\":\"Clicked {i}\",\"userId\":\"user-{i}\",\"messageId\":\"m-{i}\",\"properties\":{{\"n\":{i},\"s\":\"x\\\"{{\"}}}}"
    )
}

/// 100,000 NDJSON events all load, in order, with their lines (speed is measured by benches).
#[test]
fn hundred_thousand_ndjson_events_load_fast() {
    let text: String = (0..100_000).map(|i| small_event(i) + "\n").collect();
    let got = parse_events(&text);
    assert_eq!(got.events.len(), 100_000);
    assert!(got.errors.is_empty());
    assert_eq!(got.events[99_999].line, 100_000);
    assert_eq!(got.events[12_345].value["properties"]["n"], 12_345);
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

/// Damaged texts (bytes deleted, duplicated or replaced, anywhere, including inside UTF-8
/// characters) never panic, always account for every event, and load the same whole or in
/// chunks.
#[test]
fn damaged_texts_load_consistently() {
    use ampscope::engine::samples;
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let ndjson: String = (0..20).map(|i| small_event(i) + "\n").collect();
    let array = format!(
        "[{}]",
        samples::all()[..6]
            .iter()
            .map(|s| s.json)
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let pretty = "analytics.track('A', {\n  x: \"(\",\n  y: [1, 2],\n});\n{\"type\":\"page\"}\n";
    let batch =
        "{\"batch\":[{\"type\":\"track\"},{\"type\":\"page\"}],\"context\":{\"ip\":\"1\"}}\n";
    let junk: &[u8] = b"{}[]\",:\\\n ab(';`\xC3\xA9\xF0\x9F";
    for base in [ndjson.as_str(), array.as_str(), pretty, batch] {
        for _ in 0..300 {
            let mut bytes = base.as_bytes().to_vec();
            for _ in 0..1 + next(4) {
                let at = next(bytes.len());
                match next(3) {
                    0 => {
                        bytes.remove(at);
                    }
                    1 => bytes.insert(at, junk[next(junk.len())]),
                    _ => bytes[at] = junk[next(junk.len())],
                }
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let whole = parse_events(&text);
            let mut stream = EventStream::new();
            let mut chunked = (Vec::new(), Vec::new());
            let size = 1 + next(64);
            let mut feed = |items: Vec<Loaded>| {
                for item in items {
                    match item {
                        Loaded::Event { event, .. } => chunked.0.push(event),
                        Loaded::Error(e) => chunked.1.push(e),
                    }
                }
            };
            for chunk in text.as_bytes().chunks(size) {
                feed(stream.push(chunk));
            }
            feed(stream.finish());
            chunked.1.sort_by_key(|e| (e.line, e.column));
            assert_eq!(whole.events, chunked.0, "{text}");
            assert_eq!(whole.errors, chunked.1, "{text}");
            let mut indices: Vec<usize> = whole.events.iter().map(|e| e.index).collect();
            indices.extend(whole.errors.iter().filter_map(|e| e.index));
            indices.sort_unstable();
            assert_eq!(indices, (0..indices.len()).collect::<Vec<_>>(), "{text}");
            for e in &whole.errors {
                assert!(e.line >= 1 && e.column >= 1, "{e}");
            }
        }
    }
}

/// Numbers load as the nearest double, as `JSON.parse` reads them (and Rust's own parser):
/// without serde_json's `float_roundtrip`, about one full-precision double in nine came out
/// one step off, and the request then carried other digits than the event.
#[test]
fn numbers_load_as_the_nearest_double() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut texts: Vec<String> = [
        "98.64499842150025",
        "0.0036686443114162027",
        "1.00000000000000011102230246251565404236316680908203125",
        "2.2250738585072011e-308",
        "9007199254740993",
        "5e-324",
        "1.7976931348623157e308",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..20_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let x = f64::from_bits(seed >> 2);
        if x.is_finite() {
            // Shortest round-trip digits, as JSON.stringify writes them, and 17 digits.
            texts.push(format!("{x:e}"));
            texts.push(format!("{x:.16e}"));
        }
    }
    let ndjson: String = texts
        .iter()
        .map(|t| format!("{{\"type\":\"track\",\"properties\":{{\"x\":{t}}}}}\n"))
        .collect();
    let loaded = parse_events(&ndjson);
    assert_eq!(loaded.events.len(), texts.len());
    for (e, t) in loaded.events.iter().zip(&texts) {
        let got = e.value["properties"]["x"].as_f64().unwrap();
        assert_eq!(got.to_bits(), t.parse::<f64>().unwrap().to_bits(), "{t}");
    }
}
