//! Segment events: loading from JSON / arrays / NDJSON with located errors.
//!
//! (Interface fixed early so other modules can call it; the full loader with the Segment
//! debugger format and precise locations lands with the events work.)

use serde_json::Value;

/// One event read from a text, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedEvent {
    /// Position among the events of the text (0-based, counting broken ones too).
    pub index: usize,
    /// 1-based line where the event starts.
    pub line: usize,
    pub value: Value,
}

/// Why one event (or the whole text) could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    /// The event's index in an array or NDJSON text, when known.
    pub index: Option<usize>,
    /// 1-based line and column.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(
                f,
                "event {i} (line {}, column {}): {}",
                self.line, self.column, self.message
            ),
            None => write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            ),
        }
    }
}

/// Everything read from one text: the good events and the errors of the bad ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadResult {
    pub events: Vec<LoadedEvent>,
    pub errors: Vec<EventError>,
}

/// Reads events from a text holding one JSON object, a JSON array of objects, or NDJSON.
pub fn parse_events(text: &str) -> LoadResult {
    let mut out = LoadResult::default();
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => {
            for (index, value) in items.into_iter().enumerate() {
                out.events.push(LoadedEvent {
                    index,
                    line: 1,
                    value,
                });
            }
        }
        Ok(value) => out.events.push(LoadedEvent {
            index: 0,
            line: 1,
            value,
        }),
        Err(_) => {
            for (index, (n, line)) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .enumerate()
            {
                match serde_json::from_str::<Value>(line) {
                    Ok(value) => out.events.push(LoadedEvent {
                        index,
                        line: n + 1,
                        value,
                    }),
                    Err(e) => out.errors.push(EventError {
                        index: Some(index),
                        line: n + 1,
                        column: e.column(),
                        message: e.to_string(),
                    }),
                }
            }
        }
    }
    out
}
