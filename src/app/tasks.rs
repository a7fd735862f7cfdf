//! Background loading of event files: a thread reads the file a megabyte at a time and parses
//! as it goes (the file's text is never held whole), the UI polls a channel each frame and
//! shows progress; the previous events stay usable meanwhile.

use std::io::Read;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use serde_json::Value;

use crate::engine::event::Loaded;
use crate::event_files::read_events;

/// At most this many events are loaded from one file: a multi-gigabyte export would not fit in
/// memory as parsed events. `ampscope replay` streams a file of any size.
pub const MAX_EVENTS_PER_FILE: usize = 200_000;

/// What the loading thread reports.
pub enum LoadMsg {
    /// Fraction done (0..=1) and a short description.
    Progress(f32, String),
    Done {
        path: PathBuf,
        events: Vec<Value>,
        errors: Vec<String>,
        /// The bytes read and the file's size, when the load stopped at
        /// [`MAX_EVENTS_PER_FILE`] events before the end.
        stopped: Option<(u64, u64)>,
    },
    Failed(PathBuf, String),
    /// The file is an Ampscope project, not events: it should be opened as one.
    Project(PathBuf),
}

/// Project files are small; a larger file that reads as no event is not looked at again.
const MAX_PROJECT_SNIFF: u64 = 64 << 20;

/// Whether the file at `path`, which read as no event, is a project document: named as one
/// (`*.ampscope.json`: then opening it reports what is wrong with it as a project, rather than
/// "0 events loaded"), or one unreadable event that reads as a project.
fn is_project_file(path: &std::path::Path, size: u64, errors: usize) -> bool {
    let named = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ampscope.json"));
    named
        || (errors == 1
            && size <= MAX_PROJECT_SNIFF
            && std::fs::read_to_string(path).is_ok_and(|text| {
                crate::engine::js::utf16::parse_json(&text)
                    .is_ok_and(|v| crate::engine::project::Project::looks_like_project(&v))
            }))
}

/// A running load.
pub struct Loader {
    pub path: PathBuf,
    pub progress: f32,
    pub status: String,
    rx: Receiver<LoadMsg>,
}

impl Loader {
    /// Starts loading `path` on a background thread; `repaint` is called whenever there is news.
    pub fn start(path: PathBuf, repaint: impl Fn() + Send + 'static) -> Loader {
        let (tx, rx) = channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let loaded = std::fs::File::open(&p).and_then(|f| {
                let size = f.metadata().map_or(0, |m| m.len());
                load_events(f, size, MAX_EVENTS_PER_FILE, &mut |f, s| {
                    let _ = tx.send(LoadMsg::Progress(f, s));
                    repaint();
                })
                .map(|l| (l, size))
            });
            let msg = match loaded {
                Err(e) => LoadMsg::Failed(p, e.to_string()),
                // A project named with event files (dropped, or on the command line).
                Ok((l, size))
                    if l.events.is_empty() && is_project_file(&p, size, l.errors.len()) =>
                {
                    LoadMsg::Project(p)
                }
                Ok((l, _)) => LoadMsg::Done {
                    path: p,
                    events: l.events,
                    errors: l.errors,
                    stopped: l.stopped,
                },
            };
            let _ = tx.send(msg);
            repaint();
        });
        Loader {
            path,
            progress: 0.0,
            status: "Reading…".into(),
            rx,
        }
    }

    /// Drains the channel; returns the final message when the load is over.
    pub fn poll(&mut self) -> Option<LoadMsg> {
        while let Ok(msg) = self.rx.try_recv() {
            match msg {
                LoadMsg::Progress(f, s) => {
                    self.progress = f;
                    self.status = s;
                }
                other => return Some(other),
            }
        }
        None
    }
}

/// What [`load_events`] read.
#[derive(Debug, Default)]
pub struct LoadedFile {
    pub events: Vec<Value>,
    /// Each unreadable event (or piece of text) with its place, in text order.
    pub errors: Vec<String>,
    /// `(bytes read, size)` when it stopped at the limit before the end.
    pub stopped: Option<(u64, u64)>,
}

/// Reads events (one object, an array, NDJSON, …: whatever
/// [`crate::engine::event::EventStream`] reads) from `input` of `size` bytes, a megabyte at a
/// time, up to `limit` events, reporting progress after each megabyte.
pub fn load_events(
    input: impl Read,
    size: u64,
    limit: usize,
    progress: &mut dyn FnMut(f32, String),
) -> std::io::Result<LoadedFile> {
    let mut out = LoadedFile::default();
    let mut errors = Vec::new();
    read_events(input, |read, items| {
        for item in items {
            match item {
                Loaded::Event { .. } if out.events.len() == limit => {
                    out.stopped = Some((read, size.max(read)));
                    return false;
                }
                Loaded::Event { event, .. } => out.events.push(event.value),
                Loaded::Error(e) => errors.push(e),
            }
        }
        let done = if size == 0 {
            0.0
        } else {
            (read as f64 / size as f64).min(1.0) as f32
        };
        progress(
            done,
            format!(
                "Read {} of {}, {} events",
                megabytes(read),
                megabytes(size),
                crate::text::thousands(out.events.len() as u64)
            ),
        );
        true
    })?;
    // Stray-bracket errors are found out of step with the events.
    errors.sort_by_key(|e| (e.line, e.column));
    out.errors = errors.iter().map(ToString::to_string).collect();
    Ok(out)
}

/// "12.3 MB".
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_in_chunks_keeps_every_event_and_locates_errors() {
        let mut text = String::new();
        for i in 0..12_000 {
            if i == 7_000 {
                text.push_str("{broken\n");
            } else {
                text.push_str(&format!("{{\"type\":\"track\",\"event\":\"E{i}\"}}\n"));
            }
        }
        let mut steps = 0;
        // Read in pieces of 1,000 bytes: events are cut across reads.
        let l = load_events(
            Trickle(text.as_bytes()),
            text.len() as u64,
            usize::MAX,
            &mut |_, _| steps += 1,
        )
        .unwrap();
        assert_eq!(l.events.len(), 11_999);
        assert_eq!(l.errors.len(), 1);
        assert!(
            l.errors[0].starts_with("event 7001 (line 7001"),
            "{}",
            l.errors[0]
        );
        assert!(steps > 100, "{steps}");
        assert_eq!(l.events[11_998]["event"], "E11999");
        assert_eq!(l.stopped, None);
    }

    /// A reader that hands out at most 1,000 bytes per read.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1000);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// A file with more events than the limit: the first ones load, the load says where it
    /// stopped, and it stops reading (the rest of the file is not read).
    #[test]
    fn stops_at_the_limit() {
        let mut text = String::new();
        for i in 0..5_000 {
            text.push_str(&format!("{{\"type\":\"track\",\"event\":\"E{i}\"}}\n"));
        }
        let size = text.len() as u64;
        let l = load_events(Trickle(text.as_bytes()), size, 1_234, &mut |_, _| {}).unwrap();
        assert_eq!(l.events.len(), 1_234);
        assert_eq!(l.events[1_233]["event"], "E1233");
        let (read, total) = l.stopped.unwrap();
        assert_eq!(total, size);
        assert!(read < size / 2, "{read} of {size}");
        // Exactly the limit: everything loads, nothing is said to be left.
        let l = load_events(text.as_bytes(), size, 5_000, &mut |_, _| {}).unwrap();
        assert_eq!((l.events.len(), l.stopped), (5_000, None));
    }

    #[test]
    fn arrays_and_single_objects_load_whole() {
        for (text, n) in [
            ("[{\"type\":\"track\"},{\"type\":\"page\"}]", 2),
            ("{\"type\":\"track\"}", 1),
            ("{\n \"type\": \"identify\"\n}", 1),
        ] {
            let l = load_events(text.as_bytes(), text.len() as u64, 10, &mut |_, _| {}).unwrap();
            assert_eq!((l.events.len(), l.errors.len()), (n, 0), "{text}");
        }
    }
}
