//! `ampscope replay [--project P] [--out FILE] [--api-key KEY] [--region R] EVENTS_FILE`:
//! runs the five cloud presets (or the enabled subscriptions of a project, or of a Segment
//! subscriptions file) over every event of a JSON / array / NDJSON file, offline (every
//! request gets the default mock answer), streaming so memory stays bounded by the largest
//! event, and prints a summary per subscription.

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::time::Instant;

use serde_json::{Value, json};

use super::args::Args;
use crate::engine::amplitude::integrations::not_delivered_because;
use crate::engine::amplitude::runner::{DefaultResponder, Prepared, Status, SubscriptionOutcome};
use crate::engine::amplitude::{Region, Settings, presets};
use crate::engine::event::Loaded;
use crate::engine::golden;
use crate::engine::project::{Project, Subscription, from_segment_json};
use crate::event_files::read_events;
use crate::text::thousands;

const USAGE: &str = "usage: ampscope replay [--project P] [--out FILE] [--expect GOLDEN] \
                     [--now TIME] [--api-key KEY] [--region north_america|europe] EVENTS_FILE\n  \
                     P: an Ampscope project, or subscriptions exported for (or listed by) Segment\n  \
                     GOLDEN: requests an earlier --out wrote; any difference exits with 1\n  \
                     TIME: the present as epoch milliseconds or a date (pin it for golden files)";

/// Per-subscription counters.
#[derive(Debug, Default, Clone)]
pub struct SubStats {
    pub name: String,
    pub matched: u64,
    pub requests: u64,
    pub errors: u64,
    /// Error message → (count, first event index).
    pub by_message: BTreeMap<String, (u64, usize)>,
}

/// Everything `replay` counted.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub events: u64,
    pub load_errors: u64,
    /// The first few load errors, as text.
    pub load_error_examples: Vec<String>,
    /// Events whose `integrations` object keeps Segment from delivering them to this
    /// destination (run all the same), and the index of the first.
    pub not_delivered: (u64, usize),
    /// Events over Segment's size limit (its API refuses them; run all the same), and the index
    /// of the first.
    pub oversize: (u64, usize),
    pub subs: Vec<SubStats>,
}

/// Runs the command; returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let a = match Args::parse_known(
        args,
        &["out", "api-key", "region", "project", "expect", "now"],
        &[],
    ) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("ampscope replay: {e}\n{USAGE}");
            return 2;
        }
    };
    let [path] = a.positionals.as_slice() else {
        eprintln!("{USAGE}");
        return 2;
    };
    let (subscriptions, project_region) = match a.value("project") {
        None => (presets::cloud_subscriptions(), None),
        Some(p) => match subscriptions_of(std::path::Path::new(p)) {
            Ok(Chosen {
                subscriptions,
                region,
                notes,
            }) => {
                for n in notes {
                    eprintln!("ampscope replay: {n}");
                }
                (subscriptions, region)
            }
            Err(e) => {
                eprintln!("ampscope replay: {e}");
                return 2;
            }
        },
    };
    let region = match a.value("region") {
        None => project_region.unwrap_or(Region::NorthAmerica),
        Some(r) => match Region::from_key(r) {
            Some(r) => r,
            None => {
                eprintln!("ampscope replay: unknown region '{r}' (north_america or europe)");
                return 2;
            }
        },
    };
    let settings = Settings::new(a.value("api-key").unwrap_or("API_KEY"), "", region);
    let now_ms = match a.value("now") {
        None => crate::clock::now_ms(),
        Some(t) => match parse_now(t) {
            Some(ms) => ms,
            None => {
                eprintln!("ampscope replay: --now {t} is neither epoch milliseconds nor a date");
                return 2;
            }
        },
    };
    let expected = match a.value("expect") {
        None => None,
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| golden::read_requests(&t))
        {
            Ok(g) => Some((p, g)),
            Err(e) => {
                eprintln!("ampscope replay: cannot read the golden file {p}: {e}");
                return 2;
            }
        },
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("ampscope replay: cannot open {path}: {e}");
            return 2;
        }
    };
    let mut out: Option<Box<dyn Write>> = match a.value("out") {
        None => None,
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Some(Box::new(BufWriter::new(f))),
            Err(e) => {
                eprintln!("ampscope replay: cannot write {p}: {e}");
                return 2;
            }
        },
    };
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let mut meter = ProgressLine::new(total, std::io::stderr().is_terminal());
    // Checked against a golden file: the requests are kept too (as `--out` writes them).
    let mut made: Vec<u8> = Vec::new();
    let mut tee = Tee {
        kept: expected.is_some().then_some(&mut made),
        out: out.as_deref_mut(),
    };
    let summary = match replay_subscriptions(
        file,
        &subscriptions,
        &settings,
        now_ms,
        // Nothing to write to: the requests are not even formatted.
        (tee.kept.is_some() || tee.out.is_some()).then_some(&mut tee),
        |p| meter.show(p, started.elapsed().as_secs_f64()),
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ampscope replay: {e}");
            return 2;
        }
    };
    if let Some(w) = out.as_mut()
        && let Err(e) = w.flush()
    {
        eprintln!("ampscope replay: cannot write the requests: {e}");
        return 2;
    }
    meter.clear();
    print!("{}", render(&summary, started.elapsed().as_secs_f64()));
    let Some((golden_path, golden)) = expected else {
        return 0;
    };
    let made = golden::read_requests(&String::from_utf8_lossy(&made)).unwrap_or_default();
    let report = golden::check(&golden, &made);
    print!("{}", render_golden(golden_path, &report));
    i32::from(!report.differences.is_empty())
}

/// `--now`: epoch milliseconds, or a date as JavaScript's `Date.parse` reads it.
fn parse_now(t: &str) -> Option<f64> {
    let ms = t
        .parse::<f64>()
        .ok()
        .unwrap_or_else(|| crate::engine::jsdate::parse(t));
    ms.is_finite().then_some(ms)
}

/// The golden check's lines after the summary.
pub fn render_golden(path: &str, r: &golden::GoldenReport) -> String {
    const SHOWN: usize = 20;
    let mut t = if r.differences.is_empty() {
        format!(
            "golden {path}: all {} match\n",
            crate::text::count(
                r.compared,
                "event and subscription pair",
                "event and subscription pairs"
            )
        )
    } else {
        format!(
            "golden {path}: {} of {} differ\n",
            thousands(r.differences.len() as u64),
            crate::text::count(
                r.compared,
                "event and subscription pair",
                "event and subscription pairs"
            )
        )
    };
    for d in r.differences.iter().take(SHOWN) {
        t.push_str(&format!("  {d}\n"));
    }
    if r.differences.len() > SHOWN {
        t.push_str(&format!("  … and {} more\n", r.differences.len() - SHOWN));
    }
    t
}

/// Writes to `out` and, when kept, to memory too.
struct Tee<'a> {
    kept: Option<&'a mut Vec<u8>>,
    out: Option<&'a mut (dyn Write + 'static)>,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(k) = self.kept.as_deref_mut() {
            k.extend_from_slice(buf);
        }
        if let Some(o) = self.out.as_deref_mut() {
            o.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_deref_mut().map_or(Ok(()), Write::flush)
    }
}

/// What `--project` names: the enabled subscriptions, the project's region, and what was
/// left out.
#[derive(Debug)]
pub struct Chosen {
    pub subscriptions: Vec<Subscription>,
    pub region: Option<Region>,
    pub notes: Vec<String>,
}

/// Project and Segment configuration files are small; a larger file is not read.
const MAX_PROJECT_BYTES: u64 = 64 << 20;

/// The subscriptions to run from `path`: an Ampscope project (its region too), or a Segment
/// subscriptions file (see [`from_segment_json`]). Disabled ones are left out and said so.
pub fn subscriptions_of(path: &std::path::Path) -> Result<Chosen, String> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot open {shown}: {e}"))?
        .len();
    if size > MAX_PROJECT_BYTES {
        return Err(format!("{shown} is too large for a project ({size} bytes)"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let is_project =
        crate::engine::js::utf16::parse_json(&text).is_ok_and(|v| Project::looks_like_project(&v));
    let (all, region, mut notes) = if is_project {
        let p = Project::from_json(&text).map_err(|e| format!("{shown}: {e}"))?;
        let region = Region::from_key(&p.settings.region);
        (p.subscriptions, region, Vec::new())
    } else {
        let i = from_segment_json(&text).map_err(|e| {
            format!("{shown} is neither an Ampscope project nor Segment subscriptions: {e}")
        })?;
        (i.subscriptions, None, i.problems)
    };
    let (subscriptions, off): (Vec<Subscription>, Vec<Subscription>) =
        all.into_iter().partition(|s| s.enabled);
    if !off.is_empty() {
        let names: Vec<String> = off.iter().map(|s| format!("\"{}\"", s.name)).collect();
        notes.push(format!("not run (disabled): {}", names.join(", ")));
    }
    if subscriptions.is_empty() {
        return Err(format!("{shown} has no enabled subscription to run"));
    }
    Ok(Chosen {
        subscriptions,
        region,
        notes,
    })
}

/// A progress line on the terminal (stderr), rewritten in place at most four times a second;
/// nothing when stderr is not a terminal (a pipe, a log, the tests).
struct ProgressLine {
    total: u64,
    on: bool,
    shown_at: f64,
    width: usize,
}

impl ProgressLine {
    fn new(total: u64, on: bool) -> ProgressLine {
        ProgressLine {
            total,
            on,
            shown_at: 0.0,
            width: 0,
        }
    }

    fn show(&mut self, p: Progress, seconds: f64) {
        if !self.on || seconds - self.shown_at < 0.25 {
            return;
        }
        self.shown_at = seconds;
        let line = progress_text(p, self.total, seconds);
        self.width = self.width.max(line.chars().count());
        eprint!("\r{line:<w$}", w = self.width);
    }

    fn clear(&mut self) {
        if self.on && self.width > 0 {
            eprint!("\r{:w$}\r", "", w = self.width);
        }
    }
}

/// `37% of 4.1 GB · 1,234,567 events · 140,213 events/s`.
pub fn progress_text(p: Progress, total: u64, seconds: f64) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    let size = if total >= 1_000_000_000 {
        format!("{:.1} GB", total as f64 / 1e9)
    } else {
        format!("{:.0} MB", mb(total))
    };
    let part = if total > 0 {
        format!(
            "{:.0}% of {size}",
            100.0 * p.bytes.min(total) as f64 / total as f64
        )
    } else {
        format!("{:.0} MB read", mb(p.bytes))
    };
    let rate = if seconds > 0.0 {
        p.events as f64 / seconds
    } else {
        0.0
    };
    format!(
        "{part} · {} events · {} events/s",
        thousands(p.events),
        thousands(rate as u64)
    )
}

/// Streams events from `input` through the five cloud presets; writes every request as one
/// NDJSON line to `out` when given.
///
/// Two stages on two threads: reading, splitting and parsing (the larger part of the work)
/// on one, the subscriptions and the output on the caller's. They pass batches (the events
/// of one read) through a channel of [`BATCHES_AHEAD`] places, so memory stays bounded.
pub fn replay<W: Write>(
    input: impl Read + Send,
    settings: &Settings,
    now_ms: f64,
    out: Option<&mut W>,
) -> std::io::Result<Summary> {
    replay_with_progress(input, settings, now_ms, out, |_| {})
}

/// How far a replay is: after each batch, the bytes read so far and the events run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the input read (the loading thread reads up to two batches ahead).
    pub bytes: u64,
    /// Events run through the presets.
    pub events: u64,
}

/// [`replay`], telling `progress` after each batch (a read of up to a megabyte).
pub fn replay_with_progress<W: Write>(
    input: impl Read + Send,
    settings: &Settings,
    now_ms: f64,
    out: Option<&mut W>,
    progress: impl FnMut(Progress),
) -> std::io::Result<Summary> {
    let presets = presets::cloud_subscriptions();
    replay_subscriptions(input, &presets, settings, now_ms, out, progress)
}

/// [`replay_with_progress`] of `subscriptions` instead of the presets.
pub fn replay_subscriptions<W: Write>(
    input: impl Read + Send,
    subscriptions: &[Subscription],
    settings: &Settings,
    now_ms: f64,
    mut out: Option<&mut W>,
    mut progress: impl FnMut(Progress),
) -> std::io::Result<Summary> {
    let prepared: Vec<Prepared> = subscriptions
        .iter()
        // Only requests are reported: payloads stay borrowed from the events.
        .map(|s| Prepared::new(s).without_payload())
        .collect();
    let mut summary = Summary {
        subs: prepared
            .iter()
            .map(|p| SubStats {
                name: p.name.clone(),
                ..SubStats::default()
            })
            .collect(),
        ..Summary::default()
    };
    std::thread::scope(|scope| {
        let (batches, received) = std::sync::mpsc::sync_channel(BATCHES_AHEAD);
        scope.spawn(move || load_batches(input, &batches));
        // Ends when the loader has sent its last batch (or an error) and dropped its sender.
        for batch in received {
            let (bytes, items) = batch?;
            for item in items {
                match item {
                    Loaded::Event { event, .. } => {
                        summary.events += 1;
                        if event.value.get("integrations").is_some()
                            && not_delivered_because(&event.value).is_some()
                        {
                            if summary.not_delivered.0 == 0 {
                                summary.not_delivered.1 = event.index;
                            }
                            summary.not_delivered.0 += 1;
                        }
                        if event.over_segment_limit().is_some() {
                            if summary.oversize.0 == 0 {
                                summary.oversize.1 = event.index;
                            }
                            summary.oversize.0 += 1;
                        }
                        for (p, stats) in prepared.iter().zip(summary.subs.iter_mut()) {
                            let o =
                                p.run(Ok(settings), &event.value, now_ms, &mut DefaultResponder);
                            count(stats, &o, event.index);
                            if let Some(w) = out.as_deref_mut() {
                                write_requests(w, event.index, &p.name, &o)?;
                            }
                        }
                    }
                    Loaded::Error(e) => {
                        summary.load_errors += 1;
                        if summary.load_error_examples.len() < 5 {
                            summary.load_error_examples.push(e.to_string());
                        }
                    }
                }
            }
            progress(Progress {
                bytes,
                events: summary.events,
            });
        }
        // A failed write returns above, dropping the receiver: the loader's next send fails
        // and it stops.
        Ok::<(), std::io::Error>(())
    })?;
    Ok(summary)
}

/// Batches read and parsed ahead of the subscriptions (each is the events of one read of up
/// to [`crate::event_files::READ_SIZE`] bytes).
const BATCHES_AHEAD: usize = 2;

/// The loading stage: every read's events as one batch, in order, then the end of the text;
/// a read error is sent as the last batch.
fn load_batches(
    input: impl Read,
    batches: &std::sync::mpsc::SyncSender<std::io::Result<(u64, Vec<Loaded>)>>,
) {
    // The receiver is gone only when the other stage stopped (a failed write).
    let read = read_events(input, |read, loaded| {
        batches.send(Ok((read, loaded))).is_ok()
    });
    if let Err(e) = read {
        let _ = batches.send(Err(e));
    }
}

fn count(stats: &mut SubStats, o: &SubscriptionOutcome, index: usize) {
    if o.matched {
        stats.matched += 1;
    }
    stats.requests += o.requests.len() as u64;
    if o.status == Status::Error {
        stats.errors += 1;
        let message = o
            .error
            .as_ref()
            .map(|e| e.message.trim().to_string())
            .unwrap_or_default();
        stats.by_message.entry(message).or_insert((0, index)).0 += 1;
    }
}

fn write_requests<W: Write>(
    w: &mut W,
    index: usize,
    sub: &str,
    o: &SubscriptionOutcome,
) -> std::io::Result<()> {
    for r in &o.requests {
        let headers: serde_json::Map<String, Value> = r
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        let line = json!({"event": index, "subscription": sub, "method": r.method,
            "url": r.url, "headers": headers, "body": r.body});
        writeln!(w, "{line}")?;
    }
    Ok(())
}

/// The printed summary.
pub fn render(s: &Summary, seconds: f64) -> String {
    let mut t = String::new();
    let rate = if seconds > 0.0 {
        s.events as f64 / seconds
    } else {
        0.0
    };
    t.push_str(&format!(
        "{} events in {:.2} s ({:.0} events/s), {} could not be read\n",
        s.events, seconds, rate, s.load_errors
    ));
    for e in &s.load_error_examples {
        t.push_str(&format!("  unreadable: {e}\n"));
    }
    if s.not_delivered.0 > 0 {
        t.push_str(&format!(
            "{} turn Amplitude (Actions) off in their integrations object (first at event {}): \
             Segment would not deliver them; they are run below all the same\n",
            crate::text::count(s.not_delivered.0 as usize, "event", "events"),
            s.not_delivered.1 + 1
        ));
    }
    if s.oversize.0 > 0 {
        t.push_str(&format!(
            "{} over Segment's 32 KB limit (first at event {}): Segment's API would refuse \
             {}; {} run below all the same\n",
            crate::text::count(s.oversize.0 as usize, "event is", "events are"),
            s.oversize.1 + 1,
            if s.oversize.0 == 1 { "it" } else { "them" },
            if s.oversize.0 == 1 {
                "it is"
            } else {
                "they are"
            },
        ));
    }
    // As wide as the longest name (a project's names can be long), at least 24.
    let w = s
        .subs
        .iter()
        .map(|x| x.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(24);
    t.push_str(&format!(
        "{:<w$} {:>10} {:>10} {:>8}\n",
        "subscription", "matched", "requests", "errors"
    ));
    for sub in &s.subs {
        t.push_str(&format!(
            "{:<w$} {:>10} {:>10} {:>8}\n",
            sub.name, sub.matched, sub.requests, sub.errors
        ));
    }
    for sub in &s.subs {
        for (message, (n, first)) in &sub.by_message {
            t.push_str(&format!(
                "  {}: {n} × \"{message}\" (first at event {})\n",
                sub.name,
                first + 1
            ));
        }
    }
    t
}
