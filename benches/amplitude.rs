//! The five cloud presets over every event of the conformance corpus (reference cases and
//! extra cases) as one stream: trigger, mapping, schema, requests, default answers.
//! Throughput is reported in events per second (the reference does about 1,400 on one core),
//! also over exactly the events `bench.mjs` runs (the reference cases' events with a `type`).
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;

use ampscope::engine::amplitude::runner::{DefaultResponder, Prepared};
use ampscope::engine::amplitude::{Region, Settings, presets};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn presets_over_corpus(c: &mut Criterion) {
    let mut group = c.benchmark_group("amplitude");
    // Every corpus event, reference and extra cases; then exactly the events `bench.mjs`
    // runs, for a ratio measured on the same work.
    for (name, events) in [
        ("five_presets_over_corpus", common::corpus_events()),
        (
            "five_presets_over_reference_events",
            common::reference_events(),
        ),
    ] {
        presets_over(&mut group, name, events);
    }
    group.finish();
}

fn presets_over(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    events: Vec<serde_json::Value>,
) {
    let subs: Vec<Prepared> = presets::cloud_subscriptions()
        .iter()
        // As `ampscope replay` runs them: requests only, no payload copies.
        .map(|s| Prepared::new(s).without_payload())
        .collect();
    let settings = Settings::new("amp-api-key-0123456789", "secret", Region::NorthAmerica);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            let mut requests = 0usize;
            for event in &events {
                for sub in &subs {
                    let o = sub.run(
                        Ok(&settings),
                        black_box(event),
                        1717245296789.0,
                        &mut DefaultResponder,
                    );
                    requests += o.requests.len();
                }
            }
            black_box(requests)
        })
    });
}

criterion_group!(benches, presets_over_corpus);
criterion_main!(benches);
