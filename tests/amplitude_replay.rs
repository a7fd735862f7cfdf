//! `replay`: the five cloud presets over a stream of events, counted per subscription, with
//! every request written as NDJSON; and the command itself through the binary.
#![allow(clippy::unwrap_used)]

use ampscope::cli::replay::replay;
use ampscope::engine::amplitude::{Region, Settings};
use serde_json::{Value, json};

fn events() -> Vec<Value> {
    vec![
        json!({"type": "track", "event": "Signed Up", "userId": "user-12345", "timestamp": "2024-03-15T14:22:33.456Z"}),
        json!({"type": "track", "event": "Order Completed", "userId": "user-12345",
               "properties": {"revenue": 30, "products": [{"productId": "p1", "price": 10, "quantity": 2}]}}),
        json!({"type": "page", "name": "Home", "anonymousId": "anon-12345"}),
        json!({"type": "screen", "name": "Cart", "anonymousId": "anon-12345"}),
        json!({"type": "identify", "userId": "user-12345", "traits": {"plan": "pro"}}),
        json!({"type": "alias", "userId": "user-12345", "previousId": "anon-12345"}),
        // No event name: Track Calls matches but validation fails.
        json!({"type": "track", "userId": "user-12345"}),
    ]
}

/// `ampscope replay FIRST… ARGS…` through the binary: exit code, stdout, stderr.
fn replay_binary(first: &[&str], args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ampscope"))
        .arg("replay")
        .args(first)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// The requests `--out` wrote, one JSON value per line.
fn ndjson_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn replay_counts_matches_requests_and_errors_per_preset() {
    let ndjson: String = events()
        .iter()
        .map(|e| format!("{e}\n"))
        .collect::<String>()
        + "{broken\n";
    let settings = Settings::new("KEY", "", Region::NorthAmerica);
    let mut out: Vec<u8> = Vec::new();
    let s = replay(ndjson.as_bytes(), &settings, 0.0, Some(&mut out)).unwrap();
    assert_eq!(s.events, 7);
    assert_eq!(s.load_errors, 1);
    let row = |name: &str| s.subs.iter().find(|x| x.name == name).unwrap().clone();
    let track = row("Track Calls");
    assert_eq!((track.matched, track.requests, track.errors), (2, 1, 1));
    let (message, (count, first)) = track.by_message.iter().next().unwrap();
    assert_eq!(
        message,
        "The root value is missing the required field 'event_type'."
    );
    assert_eq!((*count, *first), (1, 6));
    let order = row("Order Completed Calls");
    assert_eq!((order.matched, order.requests, order.errors), (1, 1, 0));
    assert_eq!(
        (row("Page Calls").matched, row("Screen Calls").matched),
        (1, 1)
    );
    assert_eq!(row("Identify Calls").requests, 1);
    let lines = ndjson_lines(&String::from_utf8(out).unwrap());
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[1]["subscription"], "Order Completed Calls");
    assert_eq!(lines[1]["event"], 1);
    let body: Value = serde_json::from_str(lines[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["events"].as_array().unwrap().len(), 2);
}

#[test]
fn replay_reads_arrays_and_prints_a_summary() {
    let dir = std::env::temp_dir().join(format!("ampscope-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("events.json");
    let out = dir.join("requests.ndjson");
    std::fs::write(&input, Value::Array(events()).to_string()).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_ampscope"))
        .args(["replay", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(text.starts_with("7 events in "), "{text}");
    assert!(text.contains("events/s"));
    assert!(text.contains("Track Calls"));
    assert!(
        text.contains(
            "1 × \"The root value is missing the required field 'event_type'.\" (first at event 7)"
        ),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 5);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Hands out `text` a few bytes at a time (reads end mid-event), then fails when `fail_at`
/// bytes have been read, if given.
struct Trickle<'a> {
    text: &'a [u8],
    at: usize,
    step: usize,
    fail_at: Option<usize>,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fail_at.is_some_and(|f| self.at >= f) {
            return Err(std::io::Error::other("disk went away"));
        }
        let n = self.step.min(buf.len()).min(self.text.len() - self.at);
        buf[..n].copy_from_slice(&self.text[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Several megabytes (many reads, so many batches between the loading thread and the
/// subscriptions): every event is counted once, the requests come out in event order, and the
/// same text read in one piece or in odd-sized reads gives the same lines.
#[test]
fn replay_of_many_batches_keeps_event_order() {
    let one: String = events().iter().map(|e| format!("{e}\n")).collect();
    let copies = 3 * (1 << 20) / one.len() + 1;
    let text = one.repeat(copies);
    let settings = Settings::new("KEY", "", Region::NorthAmerica);
    let run = |step: usize| {
        let mut out: Vec<u8> = Vec::new();
        let input = Trickle {
            text: text.as_bytes(),
            at: 0,
            step,
            fail_at: None,
        };
        let s = replay(input, &settings, 0.0, Some(&mut out)).unwrap();
        (s, String::from_utf8(out).unwrap())
    };
    let (s, lines) = run(usize::MAX);
    assert_eq!(s.events, 7 * copies as u64);
    assert_eq!(s.load_errors, 0);
    let track = s.subs.iter().find(|x| x.name == "Track Calls").unwrap();
    assert_eq!(track.errors, copies as u64);
    // Five requests per copy, numbered by event in increasing order.
    let indices: Vec<u64> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["event"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(indices.len(), 5 * copies);
    assert!(indices.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(*indices.last().unwrap(), 7 * copies as u64 - 3);
    let (_, trickled) = run(4093);
    assert!(
        trickled == lines,
        "reads of 4,093 bytes give other requests"
    );
}

/// A read that fails part-way is the replay's error (not a silent, shorter summary); a write
/// that fails stops the replay, loading thread included.
#[test]
fn replay_reports_read_and_write_failures() {
    let one: String = events().iter().map(|e| format!("{e}\n")).collect();
    let text = one.repeat(3 * (1 << 20) / one.len());
    let settings = Settings::new("KEY", "", Region::NorthAmerica);
    let input = Trickle {
        text: text.as_bytes(),
        at: 0,
        step: 1 << 16,
        fail_at: Some(2 << 20),
    };
    let err = replay(input, &settings, 0.0, None::<&mut Vec<u8>>).unwrap_err();
    assert_eq!(err.to_string(), "disk went away");

    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = replay(text.as_bytes(), &settings, 0.0, Some(&mut Full)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
}

/// Progress comes after every batch (every read), with the bytes read and the events run so
/// far, never going back, ending on the whole text and every event; the terminal line reads
/// as a user expects.
#[test]
fn replay_reports_progress_per_batch() {
    use ampscope::cli::replay::{Progress, progress_text, replay_with_progress};
    let one: String = events().iter().map(|e| format!("{e}\n")).collect();
    let text = one.repeat(2000);
    let settings = Settings::new("KEY", "", Region::NorthAmerica);
    let step = 1 << 16;
    let input = Trickle {
        text: text.as_bytes(),
        at: 0,
        step,
        fail_at: None,
    };
    let mut seen: Vec<Progress> = Vec::new();
    let s = replay_with_progress(input, &settings, 0.0, None::<&mut Vec<u8>>, |p| {
        seen.push(p)
    })
    .unwrap();
    // One batch per read, the last (empty) read included.
    assert_eq!(seen.len(), text.len().div_ceil(step) + 1);
    assert!(
        seen.windows(2)
            .all(|w| w[0].bytes <= w[1].bytes && w[0].events <= w[1].events)
    );
    assert!(seen[0].events > 0 && seen[0].events < s.events);
    assert_eq!(
        *seen.last().unwrap(),
        Progress {
            bytes: text.len() as u64,
            events: s.events
        }
    );
    let line = progress_text(
        Progress {
            bytes: 1_517_000_000,
            events: 1_234_567,
        },
        4_100_000_000,
        8.805,
    );
    assert_eq!(line, "37% of 4.1 GB · 1,234,567 events · 140,212 events/s");
    let line = progress_text(
        Progress {
            bytes: 3_000_000,
            events: 999,
        },
        0,
        0.0,
    );
    assert_eq!(line, "3 MB read · 999 events · 0 events/s");
}

/// `--project`: the enabled subscriptions of a project (in its region) or of a Segment
/// subscriptions file run instead of the presets; what is left out is said; bad files and
/// unknown options are refused with why.
#[test]
fn replay_runs_the_subscriptions_of_a_project_or_a_segment_file() {
    let dir = std::env::temp_dir().join(format!("ampscope-replay-project-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("events.ndjson");
    let text: String = events().iter().map(|e| format!("{e}\n")).collect();
    std::fs::write(&input, text).unwrap();
    let signups = json!({
        "name": "Signups only", "enabled": true, "action": "logEventV2",
        "trigger": "type = \"track\" and event = \"Signed Up\"",
        "mapping": {"event_type": {"@path": "$.event"}, "user_id": {"@path": "$.userId"}}
    });
    let off = json!({"name": "Pages (off)", "enabled": false, "action": "logEvent",
        "trigger": "type = \"page\"", "mapping": {}});
    let project = dir.join("mine.ampscope.json");
    std::fs::write(
        &project,
        json!({"schema_version": 1, "settings": {"region": "europe"},
               "subscriptions": [signups, off], "events": []})
        .to_string(),
    )
    .unwrap();
    let run = |args: &[&std::ffi::OsStr]| replay_binary(&[], args);
    let out = dir.join("requests.ndjson");
    let (code, stdout, stderr) = run(&[
        "--project".as_ref(),
        project.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("not run (disabled): \"Pages (off)\""),
        "{stderr}"
    );
    assert!(stdout.contains("Signups only"), "{stdout}");
    assert!(
        !stdout.contains("Track Calls") && !stdout.contains("Pages (off)"),
        "{stdout}"
    );
    let lines = ndjson_lines(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["subscription"], "Signups only");
    // The project's region.
    assert_eq!(lines[0]["url"], "https://api.eu.amplitude.com/2/httpapi");
    assert_eq!(
        lines[0]["body"],
        r#"{"api_key":"API_KEY","events":[{"event_type":"Signed Up","user_id":"user-12345","library":"segment"}]}"#
    );

    // The same subscription as Segment lists it.
    let segment = dir.join("segment.json");
    std::fs::write(
        &segment,
        json!({"data": {"subscriptions": [{"id": "x1", "name": "Signups only",
            "actionSlug": "logEventV2", "enabled": true, "trigger": signups["trigger"],
            "settings": signups["mapping"]}]}})
        .to_string(),
    )
    .unwrap();
    let (code, stdout, stderr) =
        run(&["--project".as_ref(), segment.as_os_str(), input.as_os_str()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Signups only"), "{stdout}");

    // Refused, with why.
    std::fs::write(&segment, "{\"x\": 1}").unwrap();
    let (code, _, stderr) = run(&["--project".as_ref(), segment.as_os_str(), input.as_os_str()]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("is neither an Ampscope project nor Segment subscriptions"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["--projct".as_ref(), segment.as_os_str(), input.as_os_str()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown option --projct"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A golden file: the requests `--out` wrote pass `--expect` unchanged (exit 0); after a
/// mapping edit the differences are listed by event, subscription and path (exit 1).
#[test]
fn replay_checks_the_requests_against_a_golden_file() {
    let dir = std::env::temp_dir().join(format!("ampscope-replay-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("events.ndjson");
    let text: String = events().iter().map(|e| format!("{e}\n")).collect();
    std::fs::write(&input, text).unwrap();
    let golden = dir.join("golden.ndjson");
    let run =
        |args: &[&std::ffi::OsStr]| replay_binary(&["--now", "2024-06-01T12:34:56.789Z"], args);
    let (code, _, stderr) = run(&["--out".as_ref(), golden.as_os_str(), input.as_os_str()]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, _) = run(&["--expect".as_ref(), golden.as_os_str(), input.as_os_str()]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("all 5 event and subscription pairs match"),
        "{stdout}"
    );

    // A project whose Track Calls sends the anonymous id as the user id.
    let mut subs =
        serde_json::to_value(ampscope::engine::amplitude::presets::cloud_subscriptions()).unwrap();
    subs[0]["mapping"]["user_id"] = json!({"@path": "$.anonymousId"});
    let project = dir.join("edited.ampscope.json");
    std::fs::write(
        &project,
        json!({"schema_version": 1, "subscriptions": subs}).to_string(),
    )
    .unwrap();
    let (code, stdout, _) = run(&[
        "--project".as_ref(),
        project.as_os_str(),
        "--expect".as_ref(),
        golden.as_os_str(),
        input.as_os_str(),
    ]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("1 of 5 event and subscription pairs differ"),
        "{stdout}"
    );
    assert!(
        stdout.contains("event 1, Track Calls: user_id removed (was \"user-12345\")"),
        "{stdout}"
    );
    let (code, _, stderr) = run(&["--now".as_ref(), "soon".as_ref(), input.as_os_str()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--now soon is neither"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The summary's columns line up whatever the length of the subscription names.
#[test]
fn summary_columns_line_up_with_long_names() {
    use ampscope::cli::replay::{SubStats, Summary, render};
    let sub = |name: &str, matched| SubStats {
        name: name.into(),
        matched,
        ..SubStats::default()
    };
    let s = Summary {
        events: 3,
        subs: vec![
            sub("Track Calls", 1),
            sub("Orders over a hundred dollars, EU only", 12345),
        ],
        ..Summary::default()
    };
    let text = render(&s, 1.0);
    // Every row as long as the header: the columns line up.
    let rows: Vec<usize> = text.lines().skip(1).map(|l| l.chars().count()).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows.iter().all(|&n| n == rows[0]), "{text}");
}

/// Events whose integrations object turns the destination off are counted and named in the
/// summary (and still run, so their requests can be looked at).
#[test]
fn replay_counts_the_events_segment_would_not_deliver() {
    use ampscope::cli::replay::render;
    let mut list = events();
    list[2]["integrations"] = json!({"All": false});
    list[4]["integrations"] = json!({"Actions Amplitude": false});
    list[5]["integrations"] = json!({"All": false, "Actions Amplitude": {"session_id": 1}});
    let ndjson: String = list.iter().map(|e| format!("{e}\n")).collect();
    let settings = Settings::new("KEY", "", Region::NorthAmerica);
    let s = replay(ndjson.as_bytes(), &settings, 0.0, None::<&mut Vec<u8>>).unwrap();
    assert_eq!(s.not_delivered, (2, 2));
    // Still run: the page event's request is counted.
    let page = s.subs.iter().find(|x| x.name == "Page Calls").unwrap();
    assert_eq!(page.requests, 1);
    let text = render(&s, 1.0);
    assert!(
        text.contains(
            "2 events turn Amplitude (Actions) off in their integrations object (first at event 3)"
        ),
        "{text}"
    );
}

/// Events over Segment's 32 KB limit are counted and named in the summary (and still run).
/// The size is that of compact JSON: a pretty-printed event over the limit only by its
/// indentation is not counted.
#[test]
fn replay_counts_the_events_over_segments_size_limit() {
    use ampscope::cli::replay::render;
    let mut list = events();
    let big = |n: usize| {
        (0..n)
            .map(|i| json!({"sku": format!("sku-{i:05}"), "price": i}))
            .collect::<Vec<_>>()
    };
    list[1]["properties"]["products"] = json!(big(1_500));
    list[3]["properties"]["products"] = json!(big(1_500));
    // About 24 KB compact, over 32 KB pretty-printed.
    list[4]["properties"]["products"] = json!(big(900));
    let mut text = String::new();
    for (i, e) in list.iter().enumerate() {
        let line = if i == 4 {
            serde_json::to_string_pretty(e).unwrap()
        } else {
            e.to_string()
        };
        text.push_str(&line);
        text.push('\n');
    }
    let settings = Settings::new("KEY", "", Region::NorthAmerica);
    let s = replay(text.as_bytes(), &settings, 0.0, None::<&mut Vec<u8>>).unwrap();
    assert_eq!(s.oversize, (2, 1));
    assert_eq!(s.events as usize, list.len(), "not all were run");
    let out = render(&s, 1.0);
    assert!(
        out.contains(
            "2 events are over Segment's 32 KB limit (first at event 2): Segment's API would \
             refuse them; they are run below all the same"
        ),
        "{out}"
    );
}
