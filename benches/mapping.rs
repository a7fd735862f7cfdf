//! Resolving the Track Calls preset (and running the framework pipeline) over 10,000 varied
//! events. Run with `cargo bench --no-default-features --bench mapping`.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use ampscope::engine::mapping::{self, schema::Fields};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

const DEFINITIONS: &str = include_str!("../assets/amplitude-definitions.json");

/// A small deterministic generator, so every run sees the same events.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

fn events(n: usize) -> Vec<Value> {
    let mut r = Lcg(42);
    let names = [
        "Signed Up",
        "Product Viewed",
        "Checkout Started",
        "Video Played",
        "Song Played",
    ];
    let agents = [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
        "okhttp/4.9.2",
    ];
    (0..n)
        .map(|i| {
            let mut e = json!({
                "type": "track",
                "event": r.pick(&names),
                "messageId": format!("msg-{i}"),
                "timestamp": format!("2024-03-{:02}T{:02}:22:33.456Z", 1 + r.next() % 28, r.next() % 24),
                "properties": {
                    "price": (r.next() % 10_000) as f64 / 100.0,
                    "quantity": r.next() % 5,
                    "plan": r.pick(&["free", "pro", "enterprise"]),
                    "tags": ["a", "b"],
                    "nested": {"depth": {"x": i}},
                },
                "context": {
                    "ip": format!("203.0.113.{}", r.next() % 255),
                    "userAgent": r.pick(&agents),
                    "library": {"name": r.pick(&["analytics.js", "analytics-ios", "analytics-node"]), "version": "1.0.0"},
                    "page": {"url": "https://acme.example.com/pricing?utm_source=news", "referrer": "https://www.google.com/"},
                    "campaign": {"source": "news", "medium": "email"},
                    "traits": {"email": format!("user{i}@example.com")},
                },
            });
            if !r.next().is_multiple_of(3) {
                e["userId"] = json!(format!("user-{i}"));
            }
            if !r.next().is_multiple_of(4) {
                e["anonymousId"] = json!(format!("anon-{i}"));
            }
            if r.next().is_multiple_of(2) {
                e["context"]["device"] = json!({"id": format!("dev-{i}"), "manufacturer": "Apple", "model": "iPhone15,2"});
                e["context"]["os"] = json!({"name": "iOS", "version": "17.2"});
            }
            if r.next().is_multiple_of(2) {
                e["integrations"] = json!({"Actions Amplitude": {"session_id": 1_710_512_000_000u64 + r.next()}});
            }
            e
        })
        .collect()
}

/// On-CPU time of this thread (`/proc/thread-self/schedstat`, nanoseconds): the machine that
/// runs the benchmark is shared, and wall time would mostly measure the other processes.
struct CpuTime;

static WALL: WallTime = WallTime;

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn bench(c: &mut Criterion) {
    let defs: Value = serde_json::from_str(DEFINITIONS).unwrap();
    let preset = defs["presets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Track Calls")
        .unwrap()["mapping"]
        .clone();
    let schema = Fields::for_action(&defs, "logEventV2").unwrap().to_schema();
    let events = events(10_000);

    let mut group = c.benchmark_group("track_calls_preset");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(20);
    group.bench_function("resolve_10k_events", |b| {
        b.iter(|| {
            for e in &events {
                black_box(mapping::resolve(&preset, e).unwrap());
            }
        })
    });
    let prepared = mapping::PreparedMapping::new(&preset).unwrap();
    group.bench_function("prepared_resolve_10k_events", |b| {
        b.iter(|| {
            for e in &events {
                black_box(prepared.resolve(e).unwrap());
            }
        })
    });
    group.bench_function("prepared_resolve_and_schema_10k_events", |b| {
        b.iter(|| {
            for e in &events {
                let v = prepared.resolve(e).unwrap();
                black_box(mapping::schema::process_with_schema(&schema, &v).unwrap());
            }
        })
    });
    group.finish();

    let mut cpu = Criterion::default()
        .with_measurement(CpuTime)
        .sample_size(10);
    let mut group = cpu.benchmark_group("track_calls_preset_cpu_time");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("resolve_10k_events", |b| {
        b.iter(|| {
            for e in &events {
                black_box(mapping::resolve(&preset, e).unwrap());
            }
        })
    });
    group.bench_function("prepared_resolve_10k_events", |b| {
        b.iter(|| {
            for e in &events {
                black_box(prepared.resolve(e).unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
