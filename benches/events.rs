//! Loading event files: the corpus's events as NDJSON, as a pretty-printed JSON array and as
//! NDJSON with one line in fifty broken, through `parse_events` (split, parse, check), which
//! the app's file loading and `replay`'s loading thread run. Throughput in bytes of text.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;

use ampscope::engine::event::parse_events;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn load(c: &mut Criterion) {
    let events = common::corpus_events();
    // About 5 MB each: the corpus repeated.
    let ndjson: String = events
        .iter()
        .map(|e| format!("{e}\n"))
        .collect::<String>()
        .repeat(10);
    let array = serde_json::to_string_pretty(&events).unwrap();
    let array = format!("[{}]", [&array[1..array.len() - 1]; 10].join(","));
    let damaged: String = ndjson
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i % 50 == 7 {
                format!("{}\n", &l[..l.len() / 2])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let mut group = c.benchmark_group("events");
    for (name, text) in [
        ("load_ndjson", &ndjson),
        ("load_pretty_array", &array),
        ("load_ndjson_with_broken_lines", &damaged),
    ] {
        let loaded = parse_events(text);
        // A line cut after a comma swallows the next one (it may be a value that goes on).
        assert!(loaded.events.len() >= 10 * events.len() * 9 / 10, "{name}");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(parse_events(black_box(text))))
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
