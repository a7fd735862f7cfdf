//! Background loading of event files: a thread reads and parses, the UI polls a channel each
//! frame and shows progress; the previous events stay usable meanwhile.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use serde_json::Value;

use crate::engine::event::parse_events;

/// What the loading thread reports.
pub enum LoadMsg {
    /// Fraction done (0..=1) and a short description.
    Progress(f32, String),
    Done {
        path: PathBuf,
        events: Vec<Value>,
        errors: Vec<String>,
    },
    Failed(PathBuf, String),
}

/// A running load.
pub struct Loader {
    pub path: PathBuf,
    pub progress: f32,
    pub status: String,
    rx: Receiver<LoadMsg>,
}

/// NDJSON lines parsed per progress step.
const CHUNK_LINES: usize = 5_000;

impl Loader {
    /// Starts loading `path` on a background thread; `repaint` is called whenever there is news.
    pub fn start(path: PathBuf, repaint: impl Fn() + Send + 'static) -> Loader {
        let (tx, rx) = channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let msg = match std::fs::read_to_string(&p) {
                Err(e) => LoadMsg::Failed(p, e.to_string()),
                Ok(text) => {
                    let (events, errors) = parse_with_progress(&text, &mut |f, s| {
                        let _ = tx.send(LoadMsg::Progress(f, s));
                        repaint();
                    });
                    LoadMsg::Done {
                        path: p,
                        events,
                        errors,
                    }
                }
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

/// Parses events; NDJSON is parsed in chunks so progress can be reported.
pub fn parse_with_progress(
    text: &str,
    progress: &mut dyn FnMut(f32, String),
) -> (Vec<Value>, Vec<String>) {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let ndjson = serde_json::from_str::<Value>(first_line).is_ok_and(|v| v.is_object())
        && text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .nth(1)
            .is_some();
    if !ndjson {
        progress(0.5, "Parsing…".into());
        let r = parse_events(text);
        return (
            r.events.into_iter().map(|e| e.value).collect(),
            r.errors.iter().map(ToString::to_string).collect(),
        );
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut events = Vec::with_capacity(lines.len());
    let mut errors = Vec::new();
    for (n, chunk) in lines.chunks(CHUNK_LINES).enumerate() {
        let offset = n * CHUNK_LINES;
        let r = parse_events(&chunk.join("\n"));
        events.extend(r.events.into_iter().map(|e| e.value));
        errors.extend(r.errors.into_iter().map(|mut e| {
            e.line += offset;
            e.index = None;
            e.to_string()
        }));
        let done = (offset + chunk.len()).min(lines.len());
        progress(
            done as f32 / lines.len().max(1) as f32,
            format!("Parsed {done} of {} lines", lines.len()),
        );
    }
    (events, errors)
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
        let (events, errors) = parse_with_progress(&text, &mut |_, _| steps += 1);
        assert_eq!(events.len(), 11_999);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("line 7001"), "{}", errors[0]);
        assert_eq!(steps, 3);
        assert_eq!(events[11_998]["event"], "E11999");
    }

    #[test]
    fn arrays_and_single_objects_load_whole() {
        for (text, n) in [
            ("[{\"type\":\"track\"},{\"type\":\"page\"}]", 2),
            ("{\"type\":\"track\"}", 1),
            ("{\n \"type\": \"identify\"\n}", 1),
        ] {
            let (events, errors) = parse_with_progress(text, &mut |_, _| {});
            assert_eq!((events.len(), errors.len()), (n, 0), "{text}");
        }
    }
}
