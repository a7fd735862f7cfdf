//! Triggers (FQL): parsing the five cloud preset triggers, `Fql::matches` of those triggers over
//! every event of the conformance corpus, and `Fql::explain` (what the trigger panel shows).
//! Run with `cargo bench --no-default-features --bench trigger`.
#![allow(clippy::unwrap_used)]

mod common;

use std::hint::black_box;

use ampscope::engine::amplitude::presets;
use ampscope::engine::trigger::{self, Fql};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let texts: Vec<String> = presets::cloud_subscriptions()
        .into_iter()
        .map(|s| s.trigger)
        .collect();
    let triggers: Vec<Fql> = texts.iter().map(|t| trigger::parse(t).unwrap()).collect();
    let events = common::corpus_events();

    let mut group = c.benchmark_group("trigger");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("parse_five_preset_triggers", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(trigger::parse(black_box(t)).unwrap());
            }
        })
    });
    // One element is one event checked against all five triggers.
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("matches_five_presets_over_corpus", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for e in &events {
                for f in &triggers {
                    n += usize::from(f.matches(black_box(e)));
                }
            }
            black_box(n)
        })
    });
    group.bench_function("explain_five_presets_over_corpus", |b| {
        b.iter(|| {
            for e in &events {
                for f in &triggers {
                    black_box(f.explain(black_box(e)));
                }
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
