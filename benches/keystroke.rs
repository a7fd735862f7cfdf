//! "One keystroke": what the window recomputes after an edit — every subscription evaluated on
//! the selected event (trigger, mapping, schema, requests). The budget is 1 ms.
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

criterion_group!(benches, one_keystroke);
criterion_main!(benches);
