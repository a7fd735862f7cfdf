//! "One keystroke": what the window recomputes after an edit — every subscription evaluated on
//! the selected event (trigger, mapping, schema, requests). The budget is 1 ms. And one
//! keystroke in the events search with 100,000 events loaded.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use ampscope::app::engine_glue::{self, RunSettings};
use ampscope::app::preview::evaluate;
use criterion::{Criterion, criterion_group, criterion_main};

fn one_keystroke(c: &mut Criterion) {
    let subs = engine_glue::presets();
    let settings = RunSettings {
        api_key: "amp-api-key-0123456789".into(),
        secret_key: String::new(),
        region: "north_america".into(),
    };
    let events: Vec<_> = engine_glue::sample_events()
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    let order = events
        .iter()
        .find(|e| e["event"] == "Order Completed")
        .cloned()
        .unwrap_or_else(|| events[0].clone());
    c.bench_function("one keystroke (all subscriptions, one event)", |b| {
        b.iter(|| black_box(evaluate(black_box(&subs), black_box(&order), &settings)))
    });
}

/// One keystroke in the events search with 100,000 events loaded: the cost of scanning every
/// event, which the window spreads over frames (6 ms of scanning per frame).
fn search_100k(c: &mut Criterion) {
    let samples: Vec<_> = engine_glue::sample_events()
        .into_iter()
        .map(|(_, v)| v)
        .collect();
    let events: Vec<_> = (0..100_000)
        .map(|i| samples[i % samples.len()].clone())
        .collect();
    c.bench_function("events search over 100,000 events", |b| {
        b.iter(|| {
            events
                .iter()
                .filter(|e| ampscope::app::document::value_contains(e, black_box("usr_8f3k")))
                .count()
        })
    });
}

criterion_group!(benches, one_keystroke, search_100k);
criterion_main!(benches);
