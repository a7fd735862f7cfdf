//! The send history: every send recorded (time, target, request, response, latency, outcome),
//! listed, filtered, compared, exported as JSON, and persisted as one JSON file in a directory
//! the caller gives (the GUI passes its data directory).
//!
//! API keys never reach memory or disk here: entries are redacted when recorded, and again on
//! export. Writes are atomic (temporary file + rename). The history keeps the newest
//! `max_entries` entries within `max_bytes` of JSON; bodies above [`MAX_BODY_BYTES`] are cut.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{Exchange, SendError};
use super::redact::{redact_request, redact_response, redact_text};
use crate::engine::js::utf16;
use crate::engine::request::{HttpRequest, HttpResponse};

/// The file name inside the history directory.
pub const FILE_NAME: &str = "send-history.json";

/// Bodies longer than this are cut when recorded.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

const SCHEMA_VERSION: u32 = 1;

/// How a send ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// A 2xx answer.
    Success,
    /// An answer that is not 2xx.
    Rejected,
    /// No answer (timeout, connection error).
    Failed,
    Cancelled,
}

/// One recorded send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: u64,
    /// Milliseconds since the Unix epoch when sending started.
    pub time_ms: u64,
    /// The target's label (`Emulator (…)`, `Amplitude Europe`, …).
    pub target: String,
    /// What was sent (a subscription's name, "Send all", …).
    pub label: String,
    /// The request as sent, keys redacted.
    pub request: HttpRequest,
    /// The answer, if any, keys redacted.
    pub response: Option<HttpResponse>,
    /// Why there was no answer.
    pub error: Option<SendError>,
    pub latency_ms: u64,
    pub outcome: Outcome,
}

impl HistoryEntry {
    /// A redacted entry for an exchange (id 0 until recorded).
    pub fn from_exchange(target: &str, label: &str, exchange: &Exchange) -> HistoryEntry {
        let (response, error, outcome) = match &exchange.result {
            Ok(r) => (
                Some(cut_response(redact_response(r))),
                None,
                if r.is_success() {
                    Outcome::Success
                } else {
                    Outcome::Rejected
                },
            ),
            Err(SendError::Cancelled) => (None, Some(SendError::Cancelled), Outcome::Cancelled),
            Err(e) => (None, Some(redact_error(e)), Outcome::Failed),
        };
        HistoryEntry {
            id: 0,
            time_ms: exchange.started_at_ms,
            target: redact_text(target),
            label: label.to_string(),
            request: cut_request(redact_request(&exchange.request)),
            response,
            error,
            latency_ms: exchange.latency.as_millis() as u64,
            outcome,
        }
    }

    /// The same entry with every text field redacted again (for exports).
    fn redacted(&self) -> HistoryEntry {
        HistoryEntry {
            target: redact_text(&self.target),
            request: redact_request(&self.request),
            response: self.response.as_ref().map(redact_response),
            error: self.error.as_ref().map(redact_error),
            ..self.clone()
        }
    }

    fn text_blob(&self) -> String {
        let mut s = format!(
            "{} {} {} {} {}",
            self.label, self.target, self.request.method, self.request.url, self.request.body
        );
        if let Some(r) = &self.response {
            s.push(' ');
            s.push_str(&r.status.to_string());
            s.push(' ');
            s.push_str(&r.body);
        }
        if let Some(e) = &self.error {
            s.push(' ');
            s.push_str(&e.message());
        }
        s.to_lowercase()
    }
}

fn redact_error(e: &SendError) -> SendError {
    match e {
        SendError::Dns { host, message } => SendError::Dns {
            host: host.clone(),
            message: redact_text(message),
        },
        SendError::Tls { message } => SendError::Tls {
            message: redact_text(message),
        },
        SendError::ConnectionDropped { message } => SendError::ConnectionDropped {
            message: redact_text(message),
        },
        SendError::InvalidRequest { message } => SendError::InvalidRequest {
            message: redact_text(message),
        },
        SendError::Other { message } => SendError::Other {
            message: redact_text(message),
        },
        other => other.clone(),
    }
}

fn cut(body: &str) -> String {
    if body.len() <= MAX_BODY_BYTES {
        return body.to_string();
    }
    let mut end = MAX_BODY_BYTES;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} more bytes not kept)",
        &body[..end],
        body.len() - end
    )
}

fn cut_request(mut r: HttpRequest) -> HttpRequest {
    r.body = cut(&r.body);
    r
}

fn cut_response(mut r: HttpResponse) -> HttpResponse {
    r.body = cut(&r.body);
    r
}

/// Which entries to list; every set criterion must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// Case-insensitive text anywhere in label, target, URL, bodies or error.
    pub text: Option<String>,
    pub outcome: Option<Outcome>,
    pub status: Option<u16>,
    /// Substring of the target label.
    pub target: Option<String>,
    /// Entries at or after this time (ms since the epoch).
    pub since_ms: Option<u64>,
}

impl HistoryFilter {
    fn matches(&self, e: &HistoryEntry) -> bool {
        self.text
            .as_ref()
            .is_none_or(|t| e.text_blob().contains(&t.to_lowercase()))
            && self.outcome.is_none_or(|o| o == e.outcome)
            && self
                .status
                .is_none_or(|s| e.response.as_ref().is_some_and(|r| r.status == s))
            && self
                .target
                .as_ref()
                .is_none_or(|t| e.target.to_lowercase().contains(&t.to_lowercase()))
            && self.since_ms.is_none_or(|t| e.time_ms >= t)
    }
}

/// One difference between two entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    /// Like `request.body.events[0].user_id` or `response.status`.
    pub path: String,
    /// `None` when the field is only on the right.
    pub left: Option<Value>,
    /// `None` when the field is only on the left.
    pub right: Option<Value>,
}

/// Bounds of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLimits {
    pub max_entries: usize,
    /// Of the entries' JSON, in bytes.
    pub max_bytes: usize,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        HistoryLimits {
            max_entries: 1_000,
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct FileFormat {
    schema_version: u32,
    next_id: u64,
    entries: Vec<HistoryEntry>,
}

/// The send history of one directory.
#[derive(Debug)]
pub struct History {
    path: PathBuf,
    limits: HistoryLimits,
    entries: VecDeque<HistoryEntry>,
    sizes: VecDeque<usize>,
    total_bytes: usize,
    next_id: u64,
    dirty: bool,
}

impl History {
    /// Opens (or starts) the history in `dir`, creating the directory if needed. A file that
    /// cannot be read as a history is moved aside (`….corrupt`) and an empty history starts.
    pub fn open(dir: impl AsRef<Path>, limits: HistoryLimits) -> std::io::Result<History> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let path = dir.join(FILE_NAME);
        let mut history = History {
            path,
            limits,
            entries: VecDeque::new(),
            sizes: VecDeque::new(),
            total_bytes: 0,
            next_id: 1,
            dirty: false,
        };
        match std::fs::read(&history.path) {
            Ok(bytes) => match serde_json::from_slice::<FileFormat>(&bytes) {
                Ok(file) => {
                    history.next_id = file.next_id.max(1);
                    for e in file.entries {
                        history.next_id = history.next_id.max(e.id + 1);
                        history.push(e);
                    }
                    history.enforce_limits();
                }
                Err(_) => {
                    let aside = history.path.with_extension("json.corrupt");
                    std::fs::rename(&history.path, aside)?;
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        Ok(history)
    }

    /// The file the history lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn push(&mut self, e: HistoryEntry) {
        let size = serde_json::to_string(&e).map_or(0, |s| s.len());
        self.total_bytes += size;
        self.sizes.push_back(size);
        self.entries.push_back(e);
    }

    fn enforce_limits(&mut self) {
        while self.entries.len() > self.limits.max_entries
            || (self.total_bytes > self.limits.max_bytes && self.entries.len() > 1)
        {
            self.entries.pop_front();
            if let Some(s) = self.sizes.pop_front() {
                self.total_bytes -= s;
            }
            self.dirty = true;
        }
    }

    /// Records an exchange (redacted) in memory and returns its id; call [`History::save`]
    /// to persist (the GUI saves when a job finishes, so "send all" writes once).
    pub fn record(&mut self, target: &str, label: &str, exchange: &Exchange) -> u64 {
        let mut entry = HistoryEntry::from_exchange(target, label, exchange);
        entry.id = self.next_id;
        self.next_id += 1;
        self.push(entry);
        self.enforce_limits();
        self.dirty = true;
        self.next_id - 1
    }

    /// Writes the file if anything changed since the last save (temporary file + rename).
    pub fn save(&mut self) -> std::io::Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let file = FileFormat {
            schema_version: SCHEMA_VERSION,
            next_id: self.next_id,
            entries: self.entries.iter().cloned().collect(),
        };
        let json = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
        write_atomic(&self.path, &json)?;
        self.dirty = false;
        Ok(())
    }

    /// Entries, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &HistoryEntry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries matching `filter`, newest first.
    pub fn list(&self, filter: &HistoryFilter) -> Vec<&HistoryEntry> {
        self.entries
            .iter()
            .rev()
            .filter(|e| filter.matches(e))
            .collect()
    }

    pub fn get(&self, id: u64) -> Option<&HistoryEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Removes one entry; true when it existed.
    pub fn remove(&mut self, id: u64) -> bool {
        let Some(pos) = self.entries.iter().position(|e| e.id == id) else {
            return false;
        };
        self.entries.remove(pos);
        if let Some(s) = self.sizes.remove(pos) {
            self.total_bytes -= s;
        }
        self.dirty = true;
        true
    }

    /// Forgets everything (saved on the next [`History::save`]).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.sizes.clear();
        self.total_bytes = 0;
        self.dirty = true;
    }

    /// Field differences between two entries (ids, times and latencies aside); `None` when an
    /// id is unknown.
    pub fn compare(&self, left: u64, right: u64) -> Option<Vec<FieldDiff>> {
        Some(compare_entries(self.get(left)?, self.get(right)?))
    }

    /// The entries (all, or those with the given ids) as pretty JSON, keys redacted.
    pub fn export_json(&self, ids: Option<&[u64]>) -> String {
        let list: Vec<HistoryEntry> = self
            .entries
            .iter()
            .filter(|e| ids.is_none_or(|ids| ids.contains(&e.id)))
            .map(HistoryEntry::redacted)
            .collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_string());
        // A lone surrogate (only ever inside a string) is written as JSON's escape for it.
        utf16::shown(&text).into_owned()
    }

    /// Writes [`History::export_json`] to `path` atomically.
    pub fn export_to(&self, path: &Path, ids: Option<&[u64]>) -> std::io::Result<()> {
        write_atomic(path, self.export_json(ids).as_bytes())
    }
}

impl Drop for History {
    fn drop(&mut self) {
        // Best effort: a failed write must not panic while dropping.
        let _ = self.save();
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// crash leaves either the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Field differences between two entries.
pub fn compare_entries(a: &HistoryEntry, b: &HistoryEntry) -> Vec<FieldDiff> {
    let fa = flatten_entry(a);
    let fb = flatten_entry(b);
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| fa.get(*k) != fb.get(*k))
        .map(|k| FieldDiff {
            path: k.clone(),
            left: fa.get(k).cloned(),
            right: fb.get(k).cloned(),
        })
        .collect()
}

fn flatten_entry(e: &HistoryEntry) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    out.insert("target".into(), Value::from(e.target.clone()));
    out.insert("label".into(), Value::from(e.label.clone()));
    out.insert(
        "outcome".into(),
        serde_json::to_value(e.outcome).unwrap_or(Value::Null),
    );
    out.insert(
        "request.method".into(),
        Value::from(e.request.method.clone()),
    );
    out.insert("request.url".into(), Value::from(e.request.url.clone()));
    for (k, v) in e.request.headers.iter() {
        out.insert(format!("request.headers.{k}"), Value::from(v.clone()));
    }
    flatten_body("request.body", &e.request.body, &mut out);
    if let Some(r) = &e.response {
        out.insert("response.status".into(), Value::from(r.status));
        flatten_body("response.body", &r.body, &mut out);
    }
    if let Some(err) = &e.error {
        out.insert("error".into(), Value::from(err.message()));
    }
    out
}

fn flatten_body(prefix: &str, body: &str, out: &mut BTreeMap<String, Value>) {
    match utf16::parse_json(body) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => flatten_value(prefix, &v, out),
        _ => {
            // Form bodies are compared parameter by parameter, JSON parameters field by field.
            let params: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
            if params.len() > 1 || params.first().is_some_and(|(_, v)| !v.is_empty()) {
                for (k, v) in params {
                    let path = format!("{prefix}.{k}");
                    match utf16::parse_json(&v) {
                        Ok(j @ (Value::Object(_) | Value::Array(_))) => {
                            flatten_value(&path, &j, out)
                        }
                        _ => {
                            out.insert(path, Value::from(v));
                        }
                    }
                }
            } else {
                out.insert(prefix.to_string(), Value::from(body.to_string()));
            }
        }
    }
}

fn flatten_value(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                flatten_value(&format!("{prefix}.{k}"), v, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                flatten_value(&format!("{prefix}[{i}]"), v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}
