//! The sender against the emulator over loopback: targets, typed errors, retries, cancel.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ampscope::engine::request::HttpRequest;
use ampscope::transport::client::{
    Job, Next, RequestGroup, RetryPolicy, SendError, SendUpdate, Sender, SenderConfig, Target,
    check_base, rewrite_url,
};
use ampscope::transport::emulator::{Emulator, EmulatorConfig, Faults, Limits};
use serde_json::json;

fn request(path: &str, events: serde_json::Value) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: format!("https://api2.amplitude.com{path}").into(),
        headers: vec![("content-type".into(), "application/json".into())].into(),
        body: json!({"api_key": "emulator", "events": events}).to_string(),
    }
}

fn ok_request(kind: &str) -> HttpRequest {
    request(
        "/2/httpapi",
        json!([{"user_id": "user-123", "event_type": kind}]),
    )
}

fn sender(timeout_ms: u64) -> Sender {
    Sender::new(SenderConfig {
        timeout: Duration::from_millis(timeout_ms),
    })
    .unwrap()
}

fn emulator(faults: Faults) -> ampscope::transport::emulator::EmulatorHandle {
    Emulator::start(EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    })
    .unwrap()
}

/// One group of requests with a retry policy, to the emulator.
fn job(
    emu: &ampscope::transport::emulator::EmulatorHandle,
    requests: Vec<HttpRequest>,
    retry: RetryPolicy,
) -> Job {
    Job::all(
        vec![RequestGroup {
            label: "g".into(),
            requests,
        }],
        Target::Emulator(emu.url()),
    )
    .with_retry(retry)
}

/// Collects a job's updates until it finishes (bounded wait).
fn collect(sender: &Sender, job: u64) -> Vec<SendUpdate> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut out = Vec::new();
    while Instant::now() < deadline {
        if let Some(u) = sender.recv_timeout(Duration::from_millis(200)) {
            assert_eq!(u.job(), job);
            let done = matches!(u, SendUpdate::Finished { .. });
            out.push(u);
            if done {
                return out;
            }
        }
    }
    panic!("job {job} did not finish: {out:?}");
}

/// (status or error, next) per attempt.
fn attempts(updates: &[SendUpdate]) -> Vec<(String, Next)> {
    updates
        .iter()
        .filter_map(|u| match u {
            SendUpdate::Attempt { exchange, next, .. } => Some((
                match &exchange.result {
                    Ok(r) => r.status.to_string(),
                    Err(e) => format!("{e:?}")
                        .split([' ', '{'])
                        .next()
                        .unwrap()
                        .to_string(),
                },
                next.clone(),
            )),
            _ => None,
        })
        .collect()
}

fn summary(updates: &[SendUpdate]) -> ampscope::transport::client::JobSummary {
    match updates.last() {
        Some(SendUpdate::Finished { summary, .. }) => summary.clone(),
        other => panic!("no summary: {other:?}"),
    }
}

#[test]
fn targets_rewrite_host_and_keep_path() {
    let cases = [
        (
            "https://api2.amplitude.com/2/httpapi",
            Target::Emulator("http://127.0.0.1:9/".into()),
            "http://127.0.0.1:9/2/httpapi",
        ),
        (
            "https://api2.amplitude.com/batch",
            Target::Europe,
            "https://api.eu.amplitude.com/batch",
        ),
        (
            "https://api.eu.amplitude.com/identify",
            Target::NorthAmerica,
            "https://api2.amplitude.com/identify",
        ),
        (
            "https://api.eu.amplitude.com/usermap",
            Target::NorthAmerica,
            "https://api.amplitude.com/usermap",
        ),
        (
            "https://api.amplitude.com/httpapi?api_key=k&event=e",
            Target::Custom("https://proxy.example/amp".into()),
            "https://proxy.example/amp/httpapi?api_key=k&event=e",
        ),
    ];
    for (url, target, expected) in cases {
        assert_eq!(
            rewrite_url(url, &target).unwrap(),
            expected,
            "{url} {target:?}"
        );
    }
    assert!(matches!(
        rewrite_url("not a url", &Target::Europe),
        Err(SendError::InvalidRequest { .. })
    ));
    assert!(matches!(
        rewrite_url(
            "https://api2.amplitude.com/batch",
            &Target::Custom("ftp://x".into())
        ),
        Err(SendError::InvalidRequest { .. })
    ));
}

#[test]
fn base_urls_are_checked_before_anything_is_sent() {
    for ok in [
        "http://127.0.0.1:8080",
        "https://proxy.example/amp/",
        "HTTPS://Proxy.Example",
    ] {
        assert_eq!(check_base(ok), Ok(()), "{ok}");
    }
    let e = check_base("not a url").unwrap_err();
    assert!(
        e.starts_with("the target 'not a url' is not a valid URL"),
        "{e}"
    );
    assert_eq!(
        check_base("ftp://x"),
        Err("the target 'ftp://x' must start with http:// or https://".to_string())
    );
    // The same check guards the rewrite of every request.
    assert_eq!(
        rewrite_url(
            "https://api2.amplitude.com/2/httpapi",
            &Target::Custom("localhost:8080".into())
        ),
        Err(SendError::InvalidRequest {
            message: check_base("localhost:8080").unwrap_err()
        })
    );
}

#[test]
fn timeout_when_latency_exceeds_it() {
    let emu = emulator(Faults {
        latency: Duration::from_millis(1500),
        ..Faults::default()
    });
    let s = sender(150);
    let start = Instant::now();
    let ex = s.send_blocking(&ok_request("a"), &Target::Emulator(emu.url()));
    assert_eq!(ex.result, Err(SendError::Timeout { after_ms: 150 }));
    assert!(start.elapsed() < Duration::from_millis(1200));
    assert!(ex.result.unwrap_err().message().contains("150 ms"));
    // Within the timeout the same request succeeds, and latency is measured.
    s.set_timeout(Duration::from_secs(5));
    let ex = s.send_blocking(&ok_request("a"), &Target::Emulator(emu.url()));
    assert!(ex.is_success());
    assert!(ex.latency >= Duration::from_millis(1500));
}

#[test]
fn connection_refused() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let s = sender(2000);
    let ex = s.send_blocking(
        &ok_request("a"),
        &Target::Emulator(format!("http://127.0.0.1:{port}")),
    );
    let err = ex.result.unwrap_err();
    assert_eq!(
        err,
        SendError::ConnectionRefused {
            address: format!("127.0.0.1:{port}")
        }
    );
    assert!(err.message().contains("nothing is listening"));
}

#[test]
fn dropped_connection_and_runtime_faults() {
    let emu = emulator(Faults {
        drop_connections: true,
        ..Faults::default()
    });
    let s = sender(2000);
    let target = Target::Emulator(emu.url());
    let ex = s.send_blocking(&ok_request("a"), &target);
    assert!(
        matches!(ex.result, Err(SendError::ConnectionDropped { .. })),
        "{:?}",
        ex.result
    );
    // Faults change at run time through the handle.
    emu.set_faults(Faults::default());
    assert!(s.send_blocking(&ok_request("a"), &target).is_success());
    emu.set_faults(Faults {
        force_status: Some(503),
        ..Faults::default()
    });
    let resp = s.send_blocking(&ok_request("a"), &target).result.unwrap();
    assert_eq!(resp.status, 503);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&resp.body).unwrap()["code"],
        json!(503)
    );
    assert_eq!(emu.state().status_count(503), 1);
}

#[test]
fn throttled_then_retried_until_accepted() {
    let emu = emulator(Faults {
        force_status: Some(429),
        force_count: Some(1),
        ..Faults::default()
    });
    let s = sender(2000);
    let retry = RetryPolicy {
        throttle_wait: Duration::from_millis(50),
        ..RetryPolicy::sdk()
    };
    let job = job(&emu, vec![ok_request("a")], retry);
    let h = s.submit(job);
    let updates = collect(&s, h.id);
    assert_eq!(
        attempts(&updates),
        vec![
            (
                "429".into(),
                Next::Retry {
                    wait: Duration::from_millis(50),
                    dropped: vec![]
                }
            ),
            ("200".into(), Next::Continue)
        ]
    );
    assert_eq!(summary(&updates).succeeded, 1);
    assert_eq!(emu.state().events().len(), 1);
}

#[test]
fn retries_are_bounded() {
    let emu = emulator(Faults {
        force_status: Some(429),
        ..Faults::default()
    });
    let s = sender(2000);
    let retry = RetryPolicy {
        max_retries: 2,
        throttle_wait: Duration::from_millis(10),
        ..RetryPolicy::sdk()
    };
    let h = s.submit(job(&emu, vec![ok_request("a"), ok_request("b")], retry));
    let updates = collect(&s, h.id);
    let nexts: Vec<Next> = attempts(&updates).into_iter().map(|(_, n)| n).collect();
    assert_eq!(
        nexts.len(),
        3,
        "first try + 2 retries, then the group stops: {nexts:?}"
    );
    assert_eq!(nexts[2], Next::StopGroup);
    let sum = summary(&updates);
    assert_eq!((sum.attempts, sum.failed_groups, sum.succeeded), (3, 1, 0));
}

#[test]
fn server_errors_back_off_and_retry() {
    let emu = emulator(Faults {
        force_status: Some(503),
        force_count: Some(2),
        ..Faults::default()
    });
    let s = sender(2000);
    let retry = RetryPolicy {
        backoff: Duration::from_millis(10),
        ..RetryPolicy::sdk()
    };
    let h = s.submit(Job::single(ok_request("a"), Target::Emulator(emu.url())).with_retry(retry));
    let updates = collect(&s, h.id);
    let got = attempts(&updates);
    assert_eq!(
        got[0].1,
        Next::Retry {
            wait: Duration::from_millis(10),
            dropped: vec![]
        }
    );
    assert_eq!(
        got[1].1,
        Next::Retry {
            wait: Duration::from_millis(20),
            dropped: vec![]
        }
    );
    assert_eq!(got[2], ("200".into(), Next::Continue));
    // A single send does not retry by default.
    emu.set_faults(Faults {
        force_status: Some(503),
        force_count: Some(1),
        ..Faults::default()
    });
    let h = s.submit(Job::single(ok_request("a"), Target::Emulator(emu.url())));
    assert_eq!(
        attempts(&collect(&s, h.id)),
        vec![("503".into(), Next::StopGroup)]
    );
}

#[test]
fn daily_quota_events_are_dropped_and_the_rest_retried() {
    let emu = Emulator::start(EmulatorConfig {
        limits: Limits {
            daily_quota: 1,
            ..Limits::default()
        },
        ..EmulatorConfig::default()
    })
    .unwrap();
    let s = sender(2000);
    let req = request(
        "/batch",
        json!([
            {"user_id": "user-spam", "event_type": "a"},
            {"user_id": "user-fine", "event_type": "b"},
            {"user_id": "user-spam", "event_type": "c"},
        ]),
    );
    let retry = RetryPolicy {
        throttle_wait: Duration::from_millis(20),
        ..RetryPolicy::sdk()
    };
    let h = s.submit(job(&emu, vec![req.clone()], retry.clone()));
    let updates = collect(&s, h.id);
    assert_eq!(
        attempts(&updates),
        vec![
            (
                "429".into(),
                Next::Retry {
                    wait: Duration::from_millis(20),
                    dropped: vec![0, 2]
                }
            ),
            ("200".into(), Next::Continue)
        ]
    );
    assert_eq!(summary(&updates).dropped_events, 2);
    let kinds: Vec<_> = emu
        .state()
        .events()
        .iter()
        .map(|e| e.event["event_type"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("b")]);
    // When every event is over the quota nothing is left to send.
    let only_spam = request(
        "/batch",
        json!([
            {"user_id": "user-spam", "event_type": "d"},
            {"user_id": "user-spam", "event_type": "e"}
        ]),
    );
    let h = s.submit(job(&emu, vec![only_spam], retry));
    let updates = collect(&s, h.id);
    assert_eq!(attempts(&updates), vec![("429".into(), Next::AllDropped)]);
}

#[test]
fn a_group_stops_at_a_failure_and_the_next_group_runs() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    let s = sender(2000).with_notify(move || {
        c.fetch_add(1, Ordering::SeqCst);
    });
    let bad = request("/2/httpapi", json!([{"user_id": "abc", "event_type": "x"}]));
    let job = Job::all(
        vec![
            RequestGroup {
                label: "first".into(),
                requests: vec![ok_request("1"), bad, ok_request("never")],
            },
            RequestGroup {
                label: "second".into(),
                requests: vec![ok_request("2")],
            },
        ],
        Target::Emulator(emu.url()),
    );
    let h = s.submit(job);
    let updates = collect(&s, h.id);
    assert_eq!(
        attempts(&updates),
        vec![
            ("200".into(), Next::Continue),
            ("400".into(), Next::StopGroup),
            ("200".into(), Next::Continue)
        ]
    );
    let progress: Vec<(usize, usize)> = updates
        .iter()
        .filter_map(|u| match u {
            SendUpdate::Progress {
                groups_done,
                groups_total,
                ..
            } => Some((*groups_done, *groups_total)),
            _ => None,
        })
        .collect();
    assert_eq!(progress, vec![(1, 2), (2, 2)]);
    let sum = summary(&updates);
    assert_eq!(
        (sum.succeeded, sum.failed_groups, sum.cancelled),
        (2, 1, false)
    );
    // The hook runs right after each update is queued; give the last call a moment.
    let deadline = Instant::now() + Duration::from_secs(2);
    while calls.load(Ordering::SeqCst) < updates.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(calls.load(Ordering::SeqCst), updates.len());
    let kinds: Vec<_> = emu
        .state()
        .events()
        .iter()
        .map(|e| e.event["event_type"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("1"), json!("2")]);
}

#[test]
fn cancel_abandons_the_request_in_flight() {
    let emu = emulator(Faults {
        latency: Duration::from_secs(3),
        ..Faults::default()
    });
    let s = sender(10_000);
    let h = s.submit(Job::all(
        vec![RequestGroup {
            label: "g".into(),
            requests: vec![ok_request("a"), ok_request("b")],
        }],
        Target::Emulator(emu.url()),
    ));
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    h.cancel();
    let updates = collect(&s, h.id);
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(
        attempts(&updates),
        vec![("Cancelled".into(), Next::Cancelled)]
    );
    assert!(summary(&updates).cancelled);
}

#[test]
fn payload_too_large_is_split_in_halves() {
    let emu = Emulator::start(EmulatorConfig {
        limits: Limits {
            max_events: 2,
            ..Limits::default()
        },
        ..EmulatorConfig::default()
    })
    .unwrap();
    let s = sender(2000);
    let events: Vec<serde_json::Value> = (0..5)
        .map(|i| json!({"user_id": "user-123", "event_type": format!("e{i}")}))
        .collect();
    let big = request("/batch", json!(events));
    let h = s.submit(job(&emu, vec![big.clone()], RetryPolicy::sdk()));
    let updates = collect(&s, h.id);
    let got: Vec<(String, Next)> = attempts(&updates);
    assert_eq!(
        got,
        vec![
            ("413".into(), Next::Split),
            ("200".into(), Next::Continue),
            ("413".into(), Next::Split),
            ("200".into(), Next::Continue),
            ("200".into(), Next::Continue),
        ]
    );
    let kinds: Vec<_> = emu
        .state()
        .events()
        .iter()
        .map(|e| e.event["event_type"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            json!("e0"),
            json!("e1"),
            json!("e2"),
            json!("e3"),
            json!("e4")
        ]
    );
    // Without retries (a single send) the 413 is shown as it is.
    let h = s.submit(Job::single(big, Target::Emulator(emu.url())));
    assert_eq!(
        attempts(&collect(&s, h.id)),
        vec![("413".into(), Next::StopGroup)]
    );
}

#[test]
fn concurrent_jobs_all_arrive() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let s = sender(5000);
    let jobs: Vec<u64> = (0..8)
        .map(|j| {
            let requests = (0..10).map(|i| ok_request(&format!("j{j}-{i}"))).collect();
            s.submit(job(&emu, requests, RetryPolicy::none())).id
        })
        .collect();
    let mut finished = std::collections::BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while finished.len() < jobs.len() && Instant::now() < deadline {
        if let Some(SendUpdate::Finished { job, summary }) =
            s.recv_timeout(Duration::from_millis(200))
        {
            finished.insert(job, summary.succeeded);
        }
    }
    assert_eq!(finished.len(), 8);
    assert!(finished.values().all(|&n| n == 10), "{finished:?}");
    let state = emu.state();
    assert_eq!(state.events().len(), 80);
    // Within one job the requests arrive in order.
    let job3: Vec<String> = state
        .events()
        .iter()
        .filter_map(|e| e.event["event_type"].as_str())
        .filter(|k| k.starts_with("j3-"))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = (0..10).map(|i| format!("j3-{i}")).collect();
    assert_eq!(job3, expected);
}

#[test]
fn tls_to_a_plain_http_server_is_a_tls_error() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let s = sender(3000);
    let https = emu.url().replace("http://", "https://");
    let ex = s.send_blocking(&ok_request("a"), &Target::Custom(https));
    match ex.result {
        Err(SendError::Tls { message }) => assert!(!message.is_empty()),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}
