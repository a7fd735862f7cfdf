//! User-agent parsing: the reference parser's rules over every user agent of the test vectors
//! (`tests/amplitude_useragents.json`: desktop, mobile, in-app, Dalvik, TVs, bots, mutated and
//! spliced ones), each parsed afresh (the destination caches them, so this is the cost of a user
//! agent not seen before), and the cached lookup the destination makes per event.
//! Run with `cargo bench --no-default-features --bench useragent`.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use ampscope::engine::amplitude::useragent::{parse, parsed};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/amplitude_useragents.json"
    );
    let vectors: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let uas: Vec<String> = vectors
        .iter()
        .map(|v| v["ua"].as_str().unwrap().to_string())
        .collect();
    let mut group = c.benchmark_group("useragent");
    group.throughput(Throughput::Elements(uas.len() as u64));
    group.bench_function("parse_each_test_vector", |b| {
        b.iter(|| {
            for ua in &uas {
                black_box(parse(black_box(ua)));
            }
        })
    });
    // A handful of user agents, as a stream of events repeats them: the per-thread cache.
    let few = &uas[..64];
    group.throughput(Throughput::Elements(few.len() as u64));
    group.bench_function("cached_lookup", |b| {
        b.iter(|| {
            for ua in few {
                black_box(parsed(black_box(ua)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
