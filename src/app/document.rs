//! The open document: events, subscriptions and settings, with revisions for memoisation,
//! undo/redo, and the file side of saving (atomic writes, autosave, crash recovery).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::engine::project::{Project, ProjectEvents, ProjectSettings, Subscription};

/// Where an event came from (decides how a project stores it).
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Added, edited or built in: stored inline.
    Inline,
    /// Read from `Document::files[i]` and not edited since.
    File(usize),
}

/// One event of the list, with its display label cached (the list shows 100,000 of them).
#[derive(Debug, Clone, PartialEq)]
pub struct EventItem {
    pub value: Value,
    /// `Order Completed`, `Viewed Home`, `identify user-1` …
    pub label: String,
    /// The call type (`track`, `page`, …) or `?`.
    pub kind: String,
    pub origin: Origin,
    /// Unique per content: changes whenever the value changes (memoisation key).
    pub rev: u64,
}

impl EventItem {
    /// Wraps an event value; `rev` must come from [`fresh_rev`].
    pub fn new(value: Value, origin: Origin, rev: u64) -> EventItem {
        let (label, kind) = describe(&value);
        EventItem {
            value,
            label,
            kind,
            origin,
            rev,
        }
    }
}

/// Whether any key, string, number or boolean inside `v` contains `needle` (already lowercase),
/// ignoring case. Walks the value without serialising it: the events search runs this over
/// every loaded event on each keystroke.
pub fn value_contains(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => text_contains(s, needle),
        Value::Number(n) => text_contains(&n.to_string(), needle),
        Value::Bool(b) => text_contains(if *b { "true" } else { "false" }, needle),
        Value::Null => text_contains("null", needle),
        Value::Array(a) => a.iter().any(|x| value_contains(x, needle)),
        Value::Object(m) => m
            .iter()
            .any(|(k, x)| text_contains(k, needle) || value_contains(x, needle)),
    }
}

fn text_contains(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        if h.len() < n.len() {
            return false;
        }
        // Jump between the places where the first byte occurs (either case), then compare.
        let (lower, upper) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
        let last = h.len() - n.len();
        let mut from = 0;
        while let Some(p) = memchr::memchr2(lower, upper, &h[from..=last]) {
            let at = from + p;
            if h[at..at + n.len()].eq_ignore_ascii_case(n) {
                return true;
            }
            from = at + 1;
            if from > last {
                break;
            }
        }
        false
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// The event "New" adds: a minimal event of call type `kind` (`None` or unknown: track).
pub fn new_event(kind: Option<&str>) -> Value {
    use serde_json::json;
    match kind {
        Some("page") => {
            json!({"type": "page", "name": "New Page", "userId": "user-1234", "properties": {}})
        }
        Some("screen") => {
            json!({"type": "screen", "name": "New Screen", "userId": "user-1234", "properties": {}})
        }
        Some("identify") => json!({"type": "identify", "userId": "user-1234", "traits": {}}),
        Some("group") => {
            json!({"type": "group", "groupId": "group-1", "userId": "user-1234", "traits": {}})
        }
        Some("alias") => {
            json!({"type": "alias", "previousId": "anonymous-1", "userId": "user-1234"})
        }
        _ => {
            json!({"type": "track", "event": "New Event", "userId": "user-1234", "properties": {}})
        }
    }
}

/// A short label and the call type of an event.
pub fn describe(v: &Value) -> (String, String) {
    let kind = v
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let label = match kind.as_str() {
        "track" => s("event").unwrap_or("(no event name)").to_string(),
        "page" | "screen" => match s("name") {
            Some(n) => format!("{} {n}", if kind == "page" { "Page" } else { "Screen" }),
            None => format!(
                "{} (no name)",
                if kind == "page" { "Page" } else { "Screen" }
            ),
        },
        "identify" => format!(
            "Identify {}",
            s("userId").or(s("anonymousId")).unwrap_or("")
        ),
        "group" => format!("Group {}", s("groupId").unwrap_or("")),
        "alias" => format!(
            "Alias {} -> {}",
            s("previousId").unwrap_or("?"),
            s("userId").unwrap_or("?")
        ),
        _ => s("event").unwrap_or("(no type)").to_string(),
    };
    (
        crate::engine::js::utf16::shown(label.trim()).into_owned(),
        kind,
    )
}

/// The settings part of the document (no secrets).
pub type Settings = ProjectSettings;

/// One undoable change. (Event items are larger than the other variants; the undo stack is
/// short, so boxing them would buy nothing.)
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
enum Change {
    Subs {
        before: Vec<Subscription>,
        after: Vec<Subscription>,
    },
    Settings {
        before: Settings,
        after: Settings,
    },
    /// Insert (`before` None), delete (`after` None) or replace at `index`.
    Event {
        index: usize,
        before: Option<EventItem>,
        after: Option<EventItem>,
    },
    /// Several events inserted together from `index` on (the samples loaded again).
    Inserted {
        index: usize,
        items: Vec<EventItem>,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    /// Unique in the document (merging edits into an entry keeps its id).
    id: u64,
    change: Change,
    /// Edits with the same key in quick succession merge into one undo step (typing).
    key: String,
    at: f64,
}

/// How close (seconds) two edits of the same thing must be to merge into one undo step.
const MERGE_WINDOW: f64 = 1.0;

/// A revision number never handed out before in this process. Every document draws its
/// revisions (of events, subscriptions, settings, undo steps) from here, so a result cached
/// under one document's revisions can never be taken for another's: a document opened in
/// place of another starts on revisions no cache has seen.
pub fn fresh_rev() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The open document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub events: Vec<EventItem>,
    pub subscriptions: Vec<Subscription>,
    pub settings: Settings,
    /// Files events were loaded from (paths as given).
    pub files: Vec<String>,
    /// Events read per file at load time (a file is stored by path only while all remain).
    pub file_counts: Vec<usize>,
    /// A fresh revision ([`fresh_rev`]) on every subscription change.
    pub subs_rev: u64,
    /// A fresh revision on every settings change.
    pub settings_rev: u64,
    /// A fresh revision on any change of the event list.
    pub events_rev: u64,
    /// The project file this document was opened from / saved to.
    pub path: Option<PathBuf>,
    /// Whether the document differs from what was last saved (or opened).
    pub dirty: bool,
    /// The undo step on top when the document was last saved (`Some(None)`: an empty undo
    /// list); `None` when that state cannot be reached by undo or redo any more. Undoing back
    /// to it makes the document clean again.
    clean: Option<Option<u64>>,
    undo: Vec<Entry>,
    redo: Vec<Entry>,
    /// Snapshots the UI edits in place are compared against (see [`Document::commit_edits`]).
    committed_subs: Vec<Subscription>,
    committed_settings: Settings,
}

impl Document {
    /// A document holding these events and subscriptions (not dirty, empty history).
    pub fn new(events: Vec<Value>, subscriptions: Vec<Subscription>, settings: Settings) -> Self {
        let mut d = Document {
            subscriptions,
            settings,
            subs_rev: fresh_rev(),
            settings_rev: fresh_rev(),
            events_rev: fresh_rev(),
            ..Default::default()
        };
        d.events = events
            .into_iter()
            .map(|v| {
                let rev = fresh_rev();
                EventItem::new(v, Origin::Inline, rev)
            })
            .collect();
        d.committed_subs = d.subscriptions.clone();
        d.committed_settings = d.settings.clone();
        d.mark_saved();
        d
    }

    /// A new document on the built-in sample events and the presets (what the window starts
    /// on), with nothing to save.
    pub fn samples_and_presets() -> Document {
        let events = super::engine_glue::sample_events()
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        Document::new(events, super::engine_glue::presets(), Settings::default())
    }

    /// The revisions of the events, the subscriptions and the settings: what a result computed
    /// over the whole document depends on.
    pub fn revisions(&self) -> (u64, u64, u64) {
        (self.events_rev, self.subs_rev, self.settings_rev)
    }

    /// Marks the document as saved in its present state.
    pub fn mark_saved(&mut self) {
        self.dirty = false;
        self.clean = Some(self.undo.last().map(|e| e.id));
        // Typing on after a save starts a new undo step, so undo comes back to the saved text.
        if let Some(top) = self.undo.last_mut() {
            top.at = f64::NEG_INFINITY;
        }
    }

    /// Marks the document as changed in a way undo does not reach (loaded files, recovered
    /// work): no undo or redo makes it clean again.
    pub fn mark_unsaved(&mut self) {
        self.dirty = true;
        self.clean = None;
    }

    /// After undo or redo: clean exactly when back at the saved state.
    fn recheck_clean(&mut self) {
        self.dirty = self.clean != Some(self.undo.last().map(|e| e.id));
    }

    fn push(&mut self, change: Change, key: &str, now: f64) {
        self.redo.clear();
        self.dirty = true;
        let id = fresh_rev();
        if let Some(top) = self.undo.last_mut()
            && top.key == key
            && now - top.at < MERGE_WINDOW
        {
            match (&mut top.change, change) {
                (Change::Subs { after, .. }, Change::Subs { after: a, .. }) => *after = a,
                (Change::Settings { after, .. }, Change::Settings { after: a, .. }) => *after = a,
                (
                    Change::Event {
                        index, after: aft, ..
                    },
                    Change::Event {
                        index: i, after: a, ..
                    },
                ) if *index == i => *aft = a,
                (_, change) => self.undo.push(Entry {
                    id,
                    change,
                    key: key.to_string(),
                    at: now,
                }),
            }
            if let Some(top) = self.undo.last_mut() {
                top.at = now;
            }
            self.drop_undone_top();
            return;
        }
        self.undo.push(Entry {
            id,
            change,
            key: key.to_string(),
            at: now,
        });
        if self.undo.len() > 500 {
            let gone = self.undo.remove(0);
            // The saved state was below the dropped step: it is out of reach now; or it was
            // right after it: it is now the bottom of the list.
            self.clean = match self.clean {
                Some(None) => None,
                Some(Some(id)) if id == gone.id => Some(None),
                c => c,
            };
        }
    }

    /// Typing that merged into the top undo step and took it back to where it started (a
    /// character typed, then deleted): the step goes, the event gets back its own item (its
    /// origin with it) and the document is as clean as it was before the step.
    fn drop_undone_top(&mut self) {
        let Some(top) = self.undo.last() else {
            return;
        };
        match &top.change {
            Change::Subs { before, after } if before == after => {}
            Change::Settings { before, after } if before == after => {}
            Change::Event {
                index,
                before: Some(before),
                after: Some(after),
            } if crate::engine::js::identical(&before.value, &after.value) => {
                if let Some(slot) = self.events.get_mut(*index) {
                    *slot = before.clone();
                    self.events_rev = fresh_rev();
                }
            }
            _ => return,
        }
        self.undo.pop();
        self.recheck_clean();
    }

    /// Records edits the UI made in place to `subscriptions` / `settings` since the last call.
    /// `key` names what was being edited, so keystrokes merge into one undo step. Returns
    /// whether anything changed.
    pub fn commit_edits(&mut self, key: &str, now: f64) -> bool {
        let mut changed = false;
        if self.subscriptions != self.committed_subs {
            let before = std::mem::replace(&mut self.committed_subs, self.subscriptions.clone());
            self.push(
                Change::Subs {
                    before,
                    after: self.subscriptions.clone(),
                },
                key,
                now,
            );
            self.subs_rev = fresh_rev();
            changed = true;
        }
        if self.settings != self.committed_settings {
            let before = std::mem::replace(&mut self.committed_settings, self.settings.clone());
            self.push(
                Change::Settings {
                    before,
                    after: self.settings.clone(),
                },
                key,
                now,
            );
            self.settings_rev = fresh_rev();
            changed = true;
        }
        changed
    }

    /// Replaces the event at `index` with a new value (one undo step per burst of typing).
    pub fn set_event(&mut self, index: usize, value: Value, now: f64) {
        let Some(old) = self.events.get(index).cloned() else {
            return;
        };
        // Text edited back to what it was (spacing aside) changes nothing: the event keeps
        // its origin and the document stays as saved.
        if crate::engine::js::identical(&old.value, &value) {
            return;
        }
        let rev = fresh_rev();
        let new = EventItem::new(value, Origin::Inline, rev);
        self.events[index] = new.clone();
        self.events_rev = fresh_rev();
        self.push(
            Change::Event {
                index,
                before: Some(old),
                after: Some(new),
            },
            &format!("event:{index}"),
            now,
        );
    }

    /// Inserts `values` from `index` (clamped) on, as one undo step; returns where the first
    /// one went.
    pub fn insert_events(&mut self, index: usize, values: Vec<Value>, now: f64) -> usize {
        let index = index.min(self.events.len());
        let items: Vec<EventItem> = values
            .into_iter()
            .map(|v| EventItem::new(v, Origin::Inline, fresh_rev()))
            .collect();
        if items.is_empty() {
            return index;
        }
        self.events.splice(index..index, items.iter().cloned());
        self.events_rev = fresh_rev();
        self.push(
            Change::Inserted { index, items },
            "events-insert",
            now - MERGE_WINDOW * 2.0,
        );
        index
    }

    /// Inserts an event at `index` (clamped).
    pub fn insert_event(&mut self, index: usize, value: Value, now: f64) -> usize {
        let index = index.min(self.events.len());
        let rev = fresh_rev();
        let item = EventItem::new(value, Origin::Inline, rev);
        self.events.insert(index, item.clone());
        self.events_rev = fresh_rev();
        self.push(
            Change::Event {
                index,
                before: None,
                after: Some(item),
            },
            "event-insert",
            now - MERGE_WINDOW * 2.0,
        );
        index
    }

    /// Deletes the event at `index`.
    pub fn delete_event(&mut self, index: usize, now: f64) {
        if index >= self.events.len() {
            return;
        }
        let old = self.events.remove(index);
        self.events_rev = fresh_rev();
        self.push(
            Change::Event {
                index,
                before: Some(old),
                after: None,
            },
            "event-delete",
            now - MERGE_WINDOW * 2.0,
        );
    }

    /// Appends events read from a file (not an undo step: loading is not an edit).
    pub fn add_file_events(&mut self, path: String, values: Vec<Value>) {
        let file = self.files.len();
        self.files.push(path);
        self.file_counts.push(values.len());
        self.events.reserve(values.len());
        for v in values {
            let rev = fresh_rev();
            self.events.push(EventItem::new(v, Origin::File(file), rev));
        }
        self.events_rev = fresh_rev();
        self.mark_unsaved();
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    fn apply(&mut self, change: &Change, forward: bool) {
        match change {
            Change::Subs { before, after } => {
                self.subscriptions = if forward { after } else { before }.clone();
                self.committed_subs = self.subscriptions.clone();
                self.subs_rev = fresh_rev();
            }
            Change::Settings { before, after } => {
                self.settings = if forward { after } else { before }.clone();
                self.committed_settings = self.settings.clone();
                self.settings_rev = fresh_rev();
            }
            Change::Event {
                index,
                before,
                after,
            } => {
                let (from, to) = if forward {
                    (before, after)
                } else {
                    (after, before)
                };
                match (from, to) {
                    (None, Some(item)) => {
                        let i = (*index).min(self.events.len());
                        self.events.insert(i, item.clone());
                    }
                    (Some(_), None) => {
                        if *index < self.events.len() {
                            self.events.remove(*index);
                        }
                    }
                    (Some(_), Some(item)) => {
                        if let Some(slot) = self.events.get_mut(*index) {
                            *slot = item.clone();
                        }
                    }
                    (None, None) => {}
                }
                self.events_rev = fresh_rev();
            }
            Change::Inserted { index, items } => {
                let i = (*index).min(self.events.len());
                if forward {
                    self.events.splice(i..i, items.iter().cloned());
                } else {
                    let end = (i + items.len()).min(self.events.len());
                    self.events.drain(i..end);
                }
                self.events_rev = fresh_rev();
            }
        }
    }

    /// Undoes the last change; returns the event index it touched, if any.
    pub fn undo(&mut self) -> Option<Option<usize>> {
        let entry = self.undo.pop()?;
        self.apply(&entry.change, false);
        let touched = touched_event(&entry.change);
        self.redo.push(entry);
        self.recheck_clean();
        Some(touched)
    }

    /// Redoes the last undone change.
    pub fn redo(&mut self) -> Option<Option<usize>> {
        let entry = self.redo.pop()?;
        self.apply(&entry.change, true);
        let touched = touched_event(&entry.change);
        self.undo.push(entry);
        self.recheck_clean();
        Some(touched)
    }

    /// The document as a project (settings without secrets, subscriptions, events: unedited
    /// files by path, everything else inline).
    pub fn to_project(&self) -> Project {
        let mut kept = vec![0usize; self.files.len()];
        for e in &self.events {
            if let Origin::File(i) = e.origin
                && let Some(k) = kept.get_mut(i)
            {
                *k += 1;
            }
        }
        let whole = |i: usize| kept.get(i) == self.file_counts.get(i);
        let inline: Vec<Value> = self
            .events
            .iter()
            .filter(|e| !matches!(e.origin, Origin::File(i) if whole(i)))
            .map(|e| e.value.clone())
            .collect();
        let mut events = Vec::new();
        if !inline.is_empty() {
            events.push(ProjectEvents::Inline {
                name: "events".into(),
                events: inline,
            });
        }
        for (i, path) in self.files.iter().enumerate() {
            if whole(i) && kept[i] > 0 {
                events.push(ProjectEvents::File { path: path.clone() });
            }
        }
        Project {
            settings: self.settings.clone(),
            subscriptions: self.subscriptions.clone(),
            events,
            ..Project::default()
        }
    }

    /// A document from a project; file entries are read with `read_file` (relative paths are
    /// taken from `base`). Returns the document and the problems met reading files.
    pub fn from_project(
        project: Project,
        base: Option<&Path>,
        read_file: &dyn Fn(&Path) -> Result<String, String>,
    ) -> (Document, Vec<String>) {
        let mut doc = Document::new(Vec::new(), project.subscriptions, project.settings);
        let mut problems = Vec::new();
        for set in project.events {
            match set {
                ProjectEvents::Inline { events, .. } => {
                    for v in events {
                        let rev = fresh_rev();
                        doc.events.push(EventItem::new(v, Origin::Inline, rev));
                    }
                }
                ProjectEvents::File { path } => {
                    let full = match base {
                        Some(b) if Path::new(&path).is_relative() => b.join(&path),
                        _ => PathBuf::from(&path),
                    };
                    match read_file(&full) {
                        Ok(text) => {
                            let loaded = crate::engine::event::parse_events(&text);
                            for e in &loaded.errors {
                                problems.push(format!("{path}: {e}"));
                            }
                            doc.add_file_events(
                                path,
                                loaded.events.into_iter().map(|e| e.value).collect(),
                            );
                        }
                        Err(e) => problems.push(format!("{path}: {e}")),
                    }
                }
            }
        }
        doc.mark_saved();
        (doc, problems)
    }
}

fn touched_event(change: &Change) -> Option<usize> {
    match change {
        Change::Event { index, .. } | Change::Inserted { index, .. } => Some(*index),
        _ => None,
    }
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so a
/// crash never leaves a half-written project.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Saves the document to `path` (the project's file paths are kept as they were given).
pub fn save(doc: &Document, path: &Path) -> Result<(), String> {
    write_atomic(path, &doc.to_project().to_json()).map_err(|e| e.to_string())
}

/// The events as NDJSON: one line per event, its keys in their order, a lone surrogate
/// written as JSON's escape for it (what the event files Ampscope reads hold).
pub fn events_ndjson(doc: &Document) -> String {
    let mut out = String::new();
    for e in &doc.events {
        let line = serde_json::to_string(&e.value).unwrap_or_else(|_| "{}".to_string());
        out.push_str(&crate::engine::js::utf16::shown(&line));
        out.push('\n');
    }
    out
}

/// Writes the events to `path` as NDJSON (atomically).
pub fn save_events(doc: &Document, path: &Path) -> Result<(), String> {
    write_atomic(path, &events_ndjson(doc)).map_err(|e| e.to_string())
}

/// Opens a project file.
pub fn open(path: &Path) -> Result<(Document, Vec<String>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let project = Project::from_json(&text)?;
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| e.to_string());
    let (mut doc, problems) = Document::from_project(project, path.parent(), &read);
    doc.path = Some(path.to_path_buf());
    Ok((doc, problems))
}

/// Where autosaves go: the app's data folder.
pub fn autosave_path() -> Option<PathBuf> {
    eframe::storage_dir("Ampscope").map(|d| d.join("autosave.ampscope.json"))
}

/// Editor text that does not parse yet, kept beside the autosave so that a crash does not
/// lose it: the document only ever holds what parsed.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Drafts {
    /// (event index, the event editor's text)
    #[serde(default)]
    pub events: Vec<(usize, String)>,
    /// (subscription index, field key, the mapping editor's text)
    #[serde(default)]
    pub fields: Vec<(usize, String, String)>,
}

impl Drafts {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.fields.is_empty()
    }
}

/// Where the drafts of the autosave file `autosave` are kept.
pub fn drafts_path(autosave: &Path) -> PathBuf {
    autosave.with_extension("drafts.json")
}

/// Writes the drafts beside the autosave file (atomically); no drafts, no file.
pub fn save_drafts(autosave: &Path, drafts: &Drafts) -> Result<(), String> {
    let path = drafts_path(autosave);
    if drafts.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.to_string()),
            _ => Ok(()),
        };
    }
    let text = serde_json::to_string(drafts).map_err(|e| e.to_string())?;
    write_atomic(&path, &text).map_err(|e| e.to_string())
}

/// The drafts kept beside the autosave file (none when there is no readable file).
pub fn load_drafts(autosave: &Path) -> Drafts {
    std::fs::read_to_string(drafts_path(autosave))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Removes the autosave file and its drafts (nothing left to recover).
pub fn remove_autosave(autosave: &Path) {
    let _ = std::fs::remove_file(autosave);
    let _ = std::fs::remove_file(drafts_path(autosave));
}

/// Writes the autosave file (only the document, never secrets).
pub fn autosave(doc: &Document, path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let mut project = doc.to_project();
    // Relative file paths would be resolved against the data folder on recovery.
    for set in &mut project.events {
        if let ProjectEvents::File { path: p } = set
            && let Some(base) = doc.path.as_ref().and_then(|d| d.parent())
            && Path::new(p).is_relative()
        {
            *p = base.join(&*p).to_string_lossy().into_owned();
        }
    }
    write_atomic(path, &project.to_json()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// "New" makes an event of each call type the list filters by, and a track event
    /// without a filter; each one is an event the loader accepts.
    #[test]
    fn new_events_have_their_call_type_and_are_events() {
        for kind in [
            None,
            Some("track"),
            Some("page"),
            Some("screen"),
            Some("identify"),
            Some("group"),
            Some("alias"),
        ] {
            let v = new_event(kind);
            assert_eq!(describe(&v).1, kind.unwrap_or("track"));
            assert_eq!(crate::engine::event::refusal(&v), None, "{v}");
        }
    }

    /// Saved events read back as they were: key order, unicode, a lone surrogate, numbers.
    #[test]
    fn saved_events_read_back_unchanged() {
        let events = vec![
            json!({"type": "track", "event": "Zürich 🚀", "properties": {"z": 1, "a": 2.5}}),
            crate::engine::js::utf16::parse_json(
                r#"{"type":"identify","traits":{"cut":"\ud83d"}}"#,
            )
            .unwrap(),
            json!({"type": "page", "name": "Line\nbreak", "properties": {"10": true, "2": null}}),
        ];
        let doc = Document::new(events.clone(), vec![], Settings::default());
        let dir = std::env::temp_dir().join(format!("ampscope-save-events-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("events.ndjson");
        save_events(&doc, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text.contains(r#""cut":"\ud83d""#), "{text}");
        assert!(text.contains(r#"{"z":1,"a":2.5}"#), "{text}");
        let file = std::fs::File::open(&path).unwrap();
        let size = file.metadata().unwrap().len();
        let read = crate::app::tasks::load_events(file, size, 10, &mut |_, _| {}).unwrap();
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(read.events, events);
        std::fs::remove_dir_all(&dir).ok();
    }

    fn sub(name: &str) -> Subscription {
        Subscription {
            name: name.into(),
            enabled: true,
            action: "logEventV2".into(),
            trigger: "type = \"track\"".into(),
            mapping: serde_json::Map::new(),
        }
    }

    #[test]
    fn value_search_looks_at_keys_and_values_ignoring_case() {
        let v = json!({"type": "track", "properties": {"Revenue": 19.99, "tags": ["Café", true]}});
        for (q, hit) in [
            ("revenue", true),
            ("19.9", true),
            ("café", true),
            ("true", true),
            ("track", true),
            ("missing", false),
        ] {
            assert_eq!(value_contains(&v, q), hit, "{q}");
        }
    }

    #[test]
    fn typing_merges_into_one_undo_step() {
        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        for (i, c) in ["AB", "ABC", "ABCD"].iter().enumerate() {
            d.subscriptions[0].name = (*c).into();
            assert!(d.commit_edits("name:0", i as f64 * 0.2));
        }
        assert!(!d.commit_edits("name:0", 1.0));
        d.undo();
        assert_eq!(d.subscriptions[0].name, "A");
        d.redo();
        assert_eq!(d.subscriptions[0].name, "ABCD");
    }

    /// Undo back to the saved state makes the document clean again; redo past it, or an edit
    /// typed on right after saving, makes it changed.
    #[test]
    fn undoing_back_to_the_saved_state_is_clean() {
        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        assert!(!d.dirty);
        d.subscriptions[0].name = "AB".into();
        d.commit_edits("name:0", 0.0);
        assert!(d.dirty);
        d.undo();
        assert!(!d.dirty, "back at the state it was opened in");
        d.redo();
        assert!(d.dirty);

        d.mark_saved();
        // Typed within the merge window of the saved step: still a step of its own.
        d.subscriptions[0].name = "ABC".into();
        d.commit_edits("name:0", 0.1);
        assert!(d.dirty);
        d.undo();
        assert_eq!(d.subscriptions[0].name, "AB");
        assert!(!d.dirty, "back at the saved state");
        d.undo();
        assert!(d.dirty, "before the saved state");
        d.redo();
        assert!(!d.dirty);
        // A new edit from the saved state, after the redo list was dropped.
        d.undo();
        d.subscriptions[0].name = "X".into();
        d.commit_edits("name:0", 5.0);
        d.undo();
        assert!(d.dirty, "the saved state is no longer reachable by redo");
    }

    /// Loaded files and dropped undo steps put the saved state out of reach.
    #[test]
    fn the_saved_state_out_of_reach_stays_changed() {
        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        d.subscriptions[0].name = "B".into();
        d.commit_edits("name:0", 0.0);
        d.add_file_events("f.json".into(), vec![json!({"type": "track"})]);
        d.undo();
        assert!(d.dirty, "the loaded file is not undone");

        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        for i in 0..501 {
            d.subscriptions[0].name = format!("N{i}");
            d.commit_edits("name:0", i as f64 * 10.0);
        }
        while d.undo().is_some() {}
        assert_eq!(d.subscriptions[0].name, "N0", "the first step was dropped");
        assert!(d.dirty);

        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        d.subscriptions[0].name = "S".into();
        d.commit_edits("name:0", 0.0);
        d.mark_saved();
        for i in 0..500 {
            d.subscriptions[0].name = format!("N{i}");
            d.commit_edits("name:0", 10.0 + i as f64 * 10.0);
        }
        while d.undo().is_some() {}
        assert_eq!(d.subscriptions[0].name, "S");
        assert!(
            !d.dirty,
            "the saved step was dropped, its state is the bottom"
        );
    }

    #[test]
    fn separate_edits_are_separate_steps() {
        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        d.subscriptions[0].name = "B".into();
        d.commit_edits("name:0", 0.0);
        d.subscriptions[0].trigger = "type = \"page\"".into();
        d.commit_edits("trigger:0", 0.1);
        d.undo();
        assert_eq!(d.subscriptions[0].name, "B");
        assert_eq!(d.subscriptions[0].trigger, "type = \"track\"");
        d.undo();
        assert_eq!(d.subscriptions[0].name, "A");
        assert!(!d.can_undo());
    }

    #[test]
    fn event_insert_edit_delete_undo() {
        let mut d = Document::new(
            vec![json!({"type": "track", "event": "A"})],
            vec![],
            Settings::default(),
        );
        d.insert_event(1, json!({"type": "page", "name": "Home"}), 0.0);
        d.set_event(0, json!({"type": "track", "event": "B"}), 5.0);
        d.delete_event(1, 10.0);
        assert_eq!(d.events.len(), 1);
        d.undo();
        assert_eq!(d.events[1].label, "Page Home");
        d.undo();
        assert_eq!(d.events[0].label, "A");
        d.undo();
        assert_eq!(d.events.len(), 1);
        d.redo();
        d.redo();
        assert_eq!(d.events[0].label, "B");
    }

    /// An event edited back to its text (spacing aside) is not changed: it keeps its file, the
    /// document stays clean and no undo step is left; members put in another order are a
    /// change (the request follows their order).
    #[test]
    fn an_event_edited_back_to_what_it_was_is_unchanged() {
        let event = json!({"type": "track", "event": "X", "properties": {"a": 1, "b": 2}});
        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        d.add_file_events("a.ndjson".into(), vec![event.clone()]);
        d.mark_saved();
        let rev = d.events[0].rev;
        d.set_event(0, event.clone(), 0.0);
        assert!(!d.dirty);
        assert!(!d.can_undo());
        assert_eq!(
            (d.events[0].rev, &d.events[0].origin),
            (rev, &Origin::File(0))
        );

        // One character typed and deleted again: one merged step, taken back.
        d.set_event(
            0,
            json!({"type": "track", "event": "XY", "properties": {"a": 1, "b": 2}}),
            1.0,
        );
        assert!(d.dirty);
        d.set_event(0, event.clone(), 1.2);
        assert!(!d.dirty);
        assert!(!d.can_undo());
        assert_eq!(
            (d.events[0].rev, &d.events[0].origin),
            (rev, &Origin::File(0))
        );
        assert!(matches!(
            d.to_project().events[0],
            ProjectEvents::File { .. }
        ));

        let reordered = json!({"type": "track", "event": "X", "properties": {"b": 2, "a": 1}});
        d.set_event(0, reordered.clone(), 5.0);
        assert!(d.dirty);
        assert!(crate::engine::js::identical(&d.events[0].value, &reordered));
        d.undo();
        assert!(!d.dirty);
    }

    /// A name typed and deleted again within one undo step leaves nothing to undo.
    #[test]
    fn typing_taken_back_leaves_no_step() {
        let mut d = Document::new(vec![], vec![sub("A")], Settings::default());
        for (i, c) in ["AB", "A"].iter().enumerate() {
            d.subscriptions[0].name = (*c).into();
            d.commit_edits("name:0", i as f64 * 0.2);
        }
        assert!(!d.dirty);
        assert!(!d.can_undo());
        // Earlier steps stay.
        d.subscriptions[0].name = "B".into();
        d.commit_edits("name:0", 5.0);
        for (i, c) in ["BC", "B"].iter().enumerate() {
            d.subscriptions[0].name = (*c).into();
            d.commit_edits("name:0", 10.0 + i as f64 * 0.2);
        }
        assert!(d.dirty);
        d.undo();
        assert_eq!(d.subscriptions[0].name, "A");
        assert!(!d.can_undo());
    }

    #[test]
    fn project_keeps_unedited_files_by_path() {
        let mut d = Document::new(
            vec![json!({"type": "identify"})],
            vec![sub("A")],
            Settings::default(),
        );
        d.add_file_events(
            "a.ndjson".into(),
            vec![json!({"type": "track", "event": "X"})],
        );
        d.add_file_events(
            "b.ndjson".into(),
            vec![
                json!({"type": "track", "event": "Y"}),
                json!({"type": "track", "event": "Z"}),
            ],
        );
        d.delete_event(2, 0.0);
        let p = d.to_project();
        assert_eq!(p.events.len(), 2);
        assert_eq!(
            p.events[1],
            ProjectEvents::File {
                path: "a.ndjson".into()
            }
        );
        match &p.events[0] {
            ProjectEvents::Inline { events, .. } => assert_eq!(events.len(), 2),
            other => panic!("{other:?}"),
        }
        let files = |path: &Path| -> Result<String, String> {
            assert_eq!(path, Path::new("/base/a.ndjson"));
            Ok("{\"type\":\"track\",\"event\":\"X\"}\n".into())
        };
        let (back, problems) = Document::from_project(p, Some(Path::new("/base")), &files);
        assert!(problems.is_empty());
        let labels: Vec<&str> = back.events.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["Identify", "Z", "X"]);
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = std::env::temp_dir().join(format!("ampscope-doc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let path = dir.join("p.json");
        write_atomic(&path, "one").ok();
        write_atomic(&path, "two").ok();
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("two"));
        let leftovers = std::fs::read_dir(&dir).map(|r| r.count()).unwrap_or(0);
        assert_eq!(leftovers, 1);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn labels_describe_events() {
        let cases = [
            (
                json!({"type": "track", "event": "Order Completed"}),
                "Order Completed",
                "track",
            ),
            (json!({"type": "page", "name": "Home"}), "Page Home", "page"),
            (json!({"type": "screen"}), "Screen (no name)", "screen"),
            (
                json!({"type": "identify", "userId": "u1"}),
                "Identify u1",
                "identify",
            ),
            (
                json!({"type": "alias", "previousId": "a", "userId": "b"}),
                "Alias a -> b",
                "alias",
            ),
            (json!({"x": 1}), "(no type)", "?"),
            (
                crate::engine::js::utf16::parse_json(r#"{"type": "track", "event": "Cut \ud83d"}"#)
                    .unwrap(),
                "Cut \\ud83d",
                "track",
            ),
        ];
        for (v, label, kind) in cases {
            assert_eq!(describe(&v), (label.to_string(), kind.to_string()));
        }
    }
}
