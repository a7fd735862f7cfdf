//! The desktop window (feature `gui`).
//!
//! One struct, [`AmpscopeApp`], holds the state; [`AmpscopeApp::show`] draws everything and is
//! what both eframe and the kittest harness drive. Panels live in `panels/` as `impl` blocks;
//! every side effect goes through [`command::Command`] and [`AmpscopeApp::execute`].

pub mod classic_view;
pub mod command;
pub mod dialogs;
pub mod document;
pub mod engine_glue;
pub mod fonts;
mod panels;
pub use panels::{BaselineView, HistoryView, IdentityView, SummaryFormat};
pub mod preview;
pub mod project_flow;
pub mod send_view;
pub mod tasks;
pub mod widgets;

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use serde_json::Value;

use command::{Command, Menu};
use document::Document;
use engine_glue::RunSettings;
use preview::{Key, PreviewCache};
use project_flow::Replace;
use tasks::{LoadMsg, Loader};

/// Opens the window, loading the event files `open` (after the autosaved or built-in
/// events), and blocks until it closes.
pub fn run(open: Vec<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ampscope")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        // Ours instead (eframe's needs its `system_fonts` feature and a dozen crates).
        system_font_fallback: false,
        ..Default::default()
    };
    eframe::run_native(
        "Ampscope",
        options,
        Box::new(|cc| {
            let fallback = std::sync::Arc::new(fonts::SystemFallback::default());
            // Not waited for: a missing character before it ends reads its font itself.
            let _ = fallback.preload();
            cc.egui_ctx.add_font_provider(fallback);
            let mut app = AmpscopeApp::with_storage(cc.storage);
            for path in open {
                app.start_load(path, &cc.egui_ctx);
            }
            Ok(Box::new(app))
        }),
    )
}

/// The views of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Debugger,
    Coverage,
    Identities,
    Compare,
    Migration,
    Send,
    History,
    Settings,
}

/// The tab bar, left to right (Ctrl+1…8 follow it).
pub const TABS: [(Tab, &str); 8] = [
    (Tab::Debugger, "Debugger"),
    (Tab::Coverage, "Coverage"),
    (Tab::Identities, "Identities"),
    (Tab::Compare, "Compare"),
    (Tab::Migration, "Migration"),
    (Tab::Send, "Send"),
    (Tab::History, "History"),
    (Tab::Settings, "Settings"),
];

/// How the trigger is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerView {
    Raw,
    Builder,
}

/// The trigger builder's rows as the user has them: kept while the trigger is what they last
/// wrote (or were read from), so a row that cannot be FQL yet (a field half typed, a number
/// not typed yet) stays on screen, with why, and the trigger keeps its last complete text.
#[derive(Debug, Clone, PartialEq)]
pub struct BuilderDraft {
    /// The subscription, and its trigger text the rows belong to.
    pub sub: usize,
    pub trigger: String,
    pub model: engine_glue::BuilderModel,
    /// The row that cannot be written, and why.
    pub error: Option<(usize, String)>,
}

/// A text buffer bound to a JSON value in the document: rebuilt when the value changes
/// elsewhere (undo, another editor), written back when the text parses.
#[derive(Debug, Clone, Default)]
pub struct JsonBuffer {
    pub text: String,
    /// The value the text was last synchronised with.
    pub synced: Option<Value>,
    /// Where the text does not parse, and why.
    pub error: Option<(Range<usize>, String)>,
}

impl JsonBuffer {
    /// Makes the text show `value` if the value changed since the last sync.
    pub fn sync(&mut self, value: Option<&Value>) {
        if self.synced.as_ref() != value {
            self.text = value
                .map(crate::engine::js::stringify_pretty)
                .unwrap_or_default();
            self.synced = value.cloned();
            self.error = None;
        }
    }

    /// Parses the text after an edit: `Some(value)` to store, or records the located error.
    pub fn parse(&mut self) -> Option<Value> {
        self.parse_checked(|_| None)
    }

    /// [`JsonBuffer::parse`] for an event's text: JSON that is not an event (not an object,
    /// no `type`: what loading a file refuses) is not stored either, and says why.
    pub fn parse_event(&mut self) -> Option<Value> {
        self.parse_checked(|v| {
            crate::engine::event::refusal(v).map(|why| format!("Not applied: the event {why}"))
        })
    }

    fn parse_checked(&mut self, refuse: impl Fn(&Value) -> Option<String>) -> Option<Value> {
        match crate::engine::js::utf16::parse_json(&self.text) {
            Ok(v) => {
                if let Some(why) = refuse(&v) {
                    self.error = Some((0..0, why));
                    return None;
                }
                self.error = None;
                self.synced = Some(v.clone());
                Some(v)
            }
            Err(e) => {
                self.error = Some((e.span(&self.text), format!("JSON error: {e}")));
                None
            }
        }
    }
}

/// A transient message at the bottom of the window.
#[derive(Debug, Clone)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// The command palette's state.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    pub query: String,
    pub selected: usize,
}

/// The event to select after deleting event `deleted` from a list that showed `listed` (event
/// indices, ascending): the next listed one (its index one lower now), else the last listed
/// one before it; none when it was the only one.
fn listed_after_delete(listed: &[usize], deleted: usize) -> Option<usize> {
    match listed.iter().find(|&&j| j > deleted) {
        Some(&j) => Some(j - 1),
        None => listed.iter().rev().find(|&&j| j < deleted).copied(),
    }
}

/// The application state.
pub struct AmpscopeApp {
    pub doc: Document,
    pub tab: Tab,
    pub selected_event: Option<usize>,
    pub selected_sub: Option<usize>,
    /// Call type filter of the events list (`None` = all).
    pub kind_filter: Option<String>,
    pub search: String,
    filtered: Vec<usize>,
    filter_key: (u64, Option<String>, String),
    /// Next event the search looks at (the scan resumes there next frame).
    filter_next: usize,
    /// The selection the events list showed last: a selection changed elsewhere (keyboard,
    /// another view, a load) is scrolled into view once.
    list_selection: Option<usize>,
    /// The filter (call type, search) the selection was last checked against: when the user
    /// changes it, a selection it hides moves to the first listed event
    /// ([`AmpscopeApp::keep_selection_listed`]). `None`: check again.
    filter_seen: Option<(Option<String>, String)>,
    pub event_buffer: JsonBuffer,
    event_buffer_rev: u64,
    /// The selected event's size as compact JSON, by event revision.
    event_size: (u64, usize),
    /// Event text that did not parse when another event was selected, by the revision of the
    /// event it was typed over: shown again when that event is selected.
    event_drafts: HashMap<u64, JsonBuffer>,
    pub trigger_view: TriggerView,
    pub builder_draft: Option<BuilderDraft>,
    /// Buffers of directive/static mapping editors, by (subscription index, field key).
    pub field_buffers: HashMap<(usize, String), JsonBuffer>,
    pub preview: PreviewCache,
    pub api_key: String,
    pub secret_key: String,
    /// Where the keys came from, for the settings view.
    pub keys_from_env: bool,
    pub reveal_key: bool,
    pub dark: bool,
    pub palette: Option<Palette>,
    pub loader: Option<Loader>,
    /// Files waiting to load after the current one (several picked or dropped at once).
    pub load_queue: std::collections::VecDeque<PathBuf>,
    pub notice: Option<Notice>,
    /// Problems of the last load (of the files loaded together), listed in the events panel.
    pub load_errors: Vec<String>,
    /// What each file loaded together said, shown together, and whether any of it is a
    /// problem.
    load_report: (Vec<String>, bool),
    /// An autosave left by a session that did not end cleanly.
    pub recover_offer: Option<PathBuf>,
    /// Where the document (and unparsed editor text) is autosaved; none in tests unless set.
    pub autosave_path: Option<PathBuf>,
    last_autosave: f64,
    /// The drafts and the document revisions written with the last autosave.
    autosaved_drafts: document::Drafts,
    autosaved_revs: (u64, u64, u64),
    focus_search: bool,
    /// What the user edits this frame (undo steps merge per key).
    edit_key: String,
    /// Commands queued by widgets during drawing, run at the end of the frame.
    queued: Vec<Command>,
    /// Subscription whose trigger gets a condition added (coverage fix), run after drawing.
    queued_fix: Option<(usize, String)>,
    theme_applied: Option<bool>,
    /// Paths found in the events, for the mapping path picker: (events rev, paths).
    paths_cache: (u64, std::sync::Arc<[String]>),
    /// The path picker's filter text, and the pass it was last shown in (a picker not shown
    /// the pass before has just opened: its filter starts empty and takes the keyboard).
    pick_filter: String,
    pick_shown_pass: Option<u64>,
    /// The send view; created (and its emulator started) when first shown.
    pub send: Option<send_view::SendView>,
    /// The send history, in the app's data folder (none in tests).
    pub history: Option<crate::transport::history::History>,
    /// The History view's filter, open entry and ticked entries.
    pub history_view: HistoryView,
    /// Classic settings, migration plan and comparisons (Compare and Migration views).
    pub classic: classic_view::ClassicState,
    /// The coverage view's double-send scan.
    coverage_scan: panels::CoverageScan,
    /// Requests kept as a baseline, and what changed since (coverage view).
    pub baseline: BaselineView,
    /// The identity timeline (Identities view).
    pub identities: IdentityView,
    /// A replacement of the document (or quit) waiting for the user's answer about unsaved
    /// changes.
    pub pending_replace: Option<Replace>,
    /// The user chose to close the window: it closes this frame.
    pub close_now: bool,
    /// Recently opened or saved projects, newest first (kept in the app's storage).
    pub recent: Vec<PathBuf>,
    /// The window title last set.
    title_shown: String,
}

impl Default for AmpscopeApp {
    /// The window on the built-in samples and presets, with no persistence (what tests use).
    fn default() -> Self {
        AmpscopeApp {
            doc: Document::samples_and_presets(),
            tab: Tab::Debugger,
            selected_event: Some(0),
            selected_sub: Some(0),
            kind_filter: None,
            search: String::new(),
            filtered: Vec::new(),
            filter_key: (u64::MAX, None, String::new()),
            filter_next: 0,
            list_selection: None,
            filter_seen: None,
            event_buffer: JsonBuffer::default(),
            event_buffer_rev: 0,
            event_size: (u64::MAX, 0),
            event_drafts: HashMap::new(),
            trigger_view: TriggerView::Raw,
            builder_draft: None,
            field_buffers: HashMap::new(),
            preview: PreviewCache::default(),
            api_key: String::new(),
            secret_key: String::new(),
            keys_from_env: false,
            reveal_key: false,
            dark: true,
            palette: None,
            loader: None,
            load_queue: std::collections::VecDeque::new(),
            notice: None,
            load_errors: Vec::new(),
            load_report: (Vec::new(), false),
            recover_offer: None,
            autosave_path: None,
            last_autosave: 0.0,
            autosaved_drafts: document::Drafts::default(),
            autosaved_revs: (0, 0, 0),
            focus_search: false,
            edit_key: String::new(),
            queued: Vec::new(),
            queued_fix: None,
            theme_applied: None,
            paths_cache: (u64::MAX, std::sync::Arc::from(Vec::new())),
            pick_filter: String::new(),
            pick_shown_pass: None,
            send: None,
            history: None,
            history_view: Default::default(),
            classic: Default::default(),
            coverage_scan: Default::default(),
            baseline: Default::default(),
            identities: Default::default(),
            pending_replace: None,
            close_now: false,
            recent: Vec::new(),
            title_shown: String::new(),
        }
    }
}

const STORAGE_API_KEY: &str = "amplitude_api_key";
const STORAGE_SECRET_KEY: &str = "amplitude_secret_key";
const STORAGE_DARK: &str = "dark_mode";

impl AmpscopeApp {
    /// The app as the real window starts it: keys from the environment or the app's storage,
    /// autosave on, and an offer to recover an autosave left by a crash.
    pub fn with_storage(storage: Option<&dyn eframe::Storage>) -> Self {
        let mut app = AmpscopeApp::default();
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let Some(k) = env("AMPLITUDE_API_KEY") {
            app.api_key = k;
            app.secret_key = env("AMPLITUDE_SECRET_KEY").unwrap_or_default();
            app.keys_from_env = true;
        } else if let Some(s) = storage {
            app.api_key = s.get_string(STORAGE_API_KEY).unwrap_or_default();
            app.secret_key = s.get_string(STORAGE_SECRET_KEY).unwrap_or_default();
        }
        if let Some(s) = storage {
            app.dark = s.get_string(STORAGE_DARK).is_none_or(|v| v != "false");
            app.recent = s
                .get_string(project_flow::STORAGE_RECENT)
                .map(|t| AmpscopeApp::recent_from_storage(&t))
                .unwrap_or_default();
        }
        app.autosave_path = document::autosave_path();
        app.history = eframe::storage_dir("Ampscope").and_then(|d| {
            crate::transport::history::History::open(
                d.join("history"),
                crate::transport::history::HistoryLimits::default(),
            )
            .ok()
        });
        if let Some(p) = &app.autosave_path
            && p.exists()
        {
            app.recover_offer = Some(p.clone());
        }
        app
    }

    /// Settings for building requests (a placeholder key keeps the preview representative).
    pub fn run_settings(&self) -> RunSettings {
        RunSettings {
            api_key: if self.api_key.is_empty() {
                "YOUR_API_KEY".into()
            } else {
                self.api_key.clone()
            },
            secret_key: self.secret_key.clone(),
            region: self.doc.settings.region.clone(),
        }
    }

    /// Hides the keys in a request shown on screen (where a request carries them: its
    /// `api_key`, `secret_key`) unless the user chose to reveal them. Without a key the
    /// preview shows the placeholder, which is no secret.
    pub fn mask(&self, text: &str) -> String {
        if self.reveals_keys() {
            text.to_string()
        } else {
            crate::transport::redact::redact_text(text)
        }
    }

    /// [`AmpscopeApp::mask`] for a whole request, before it is laid out for display: a form
    /// body is shown decoded (`api_key =` on a line of its own), where the masking of text
    /// no longer finds the key.
    pub fn mask_request<'r>(
        &self,
        req: &'r crate::engine::request::HttpRequest,
    ) -> std::borrow::Cow<'r, crate::engine::request::HttpRequest> {
        if self.reveals_keys() {
            std::borrow::Cow::Borrowed(req)
        } else {
            std::borrow::Cow::Owned(crate::transport::redact::redact_request(req))
        }
    }

    /// Whether the preview shows keys as they are: the user chose to, or there is none (the
    /// placeholder is no secret).
    fn reveals_keys(&self) -> bool {
        self.reveal_key || (self.api_key.is_empty() && self.secret_key.is_empty())
    }

    /// Key of the selected event's preview.
    fn preview_key(&self, index: usize) -> Option<Key> {
        self.doc.events.get(index).map(|e| Key {
            event_rev: e.rev,
            subs_rev: self.doc.subs_rev,
        })
    }

    /// The (memoised) outcome of every subscription on event `index`.
    pub fn outcome(&mut self, index: usize) -> Option<std::sync::Arc<preview::EventOutcome>> {
        let key = self.preview_key(index)?;
        let settings = self.run_settings();
        let event = &self.doc.events.get(index)?.value;
        Some(
            self.preview
                .get(key, &self.doc.subscriptions, event, &settings),
        )
    }

    /// Indices of events passing the filter and search. Recomputed when they change, a slice
    /// per call: with 100,000 events a full scan takes longer than a frame, so the list fills
    /// over a few frames ([`AmpscopeApp::filter_progress`] says how far it got).
    pub fn filtered(&mut self) -> &[usize] {
        let key = (
            self.doc.events_rev,
            self.kind_filter.clone(),
            self.search.clone(),
        );
        if key != self.filter_key {
            self.filtered.clear();
            self.filter_next = 0;
            self.filter_key = key;
        }
        let total = self.doc.events.len();
        if self.filter_next < total {
            let start = std::time::Instant::now();
            let q = self.search.to_lowercase();
            while self.filter_next < total {
                let i = self.filter_next;
                if self.passes_filter(i, &q) {
                    self.filtered.push(i);
                }
                self.filter_next += 1;
                if self.filter_next.is_multiple_of(512) && start.elapsed() >= FILTER_BUDGET {
                    break;
                }
            }
        }
        &self.filtered
    }

    /// Whether event `i` passes the call type filter and the search (`q`: the search in lower
    /// case).
    fn passes_filter(&self, i: usize, q: &str) -> bool {
        self.doc.events.get(i).is_some_and(|e| {
            self.kind_filter.as_ref().is_none_or(|k| &e.kind == k)
                && (q.is_empty()
                    || e.label.to_lowercase().contains(q)
                    || document::value_contains(&e.value, q))
        })
    }

    /// Selects event `i` from another view (Coverage, Identities, the baseline) or a load,
    /// and opens the debugger on it when `open`. The events list must show what is selected
    /// (Delete and Duplicate act on it): a filter or search that hides it is cleared, and
    /// the notice says so.
    pub fn reveal_event(&mut self, i: usize, open: bool) {
        self.selected_event = Some(i);
        if open {
            self.tab = Tab::Debugger;
        }
        if !self.listed(i) {
            self.kind_filter = None;
            self.search.clear();
            self.filter_seen = None;
            let label = self.doc.events.get(i).map_or("", |e| e.label.as_str());
            let text = format!("Cleared the events list's filter to show {label}.");
            self.notify(text, false);
        }
    }

    /// Whether the events list shows event `i` (with its filter and search).
    pub fn listed(&self, i: usize) -> bool {
        self.passes_filter(i, &self.search.to_lowercase())
    }

    /// Once the list has been filtered anew after the user changed the filter: a selection the
    /// filter hides moves to the first listed event (none when nothing is listed). Delete,
    /// Duplicate and the event editor act on the selection, so it must not stay on an event
    /// the list no longer shows.
    pub fn keep_selection_listed(&mut self) {
        // Compared in place: this runs every frame.
        if self
            .filter_seen
            .as_ref()
            .is_some_and(|(k, s)| *k == self.kind_filter && *s == self.search)
        {
            return;
        }
        self.filtered();
        if self.filter_progress().is_some() {
            return;
        }
        let listed = &self.filtered;
        let hidden = self
            .selected_event
            .is_none_or(|s| listed.binary_search(&s).is_err());
        if hidden {
            self.selected_event = listed.first().copied();
        }
        self.filter_seen = Some((self.kind_filter.clone(), self.search.clone()));
    }

    /// (events scanned, events in all) while the search is still scanning.
    pub fn filter_progress(&self) -> Option<(usize, usize)> {
        let total = self.doc.events.len();
        (self.filter_next < total).then_some((self.filter_next, total))
    }

    fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.notice = Some(Notice {
            text: text.into(),
            error,
        });
    }

    /// Draws the whole window; `eframe::App::ui` and the kittest harness both call this.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if self.theme_applied != Some(self.dark) {
            ctx.set_theme(if self.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.theme_applied = Some(self.dark);
        }
        let now = ctx.input(|i| i.time);
        self.window_ui(&ctx);
        self.handle_shortcuts(&ctx);
        self.poll_loader(&ctx);
        self.handle_dropped_files(&ctx);
        self.edit_key.clear();

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar_ui(ui));
        if let Some(p) = self.recover_offer.clone() {
            egui::Panel::top("recover").show(ui, |ui| self.recover_ui(ui, &p));
        }
        match self.tab {
            Tab::Debugger => self.debugger_ui(ui),
            Tab::Coverage => {
                egui::CentralPanel::default().show(ui, |ui| self.coverage_ui(ui));
            }
            Tab::Settings => {
                egui::CentralPanel::default().show(ui, |ui| self.settings_ui(ui));
            }
            Tab::Send => {
                egui::CentralPanel::default().show(ui, |ui| self.send_ui(ui));
            }
            Tab::Compare => {
                egui::CentralPanel::default().show(ui, |ui| self.compare_ui(ui));
            }
            Tab::Migration => {
                egui::CentralPanel::default().show(ui, |ui| self.migration_ui(ui));
            }
            Tab::Identities => {
                egui::CentralPanel::default().show(ui, |ui| self.identities_ui(ui));
            }
            Tab::History => {
                egui::CentralPanel::default().show(ui, |ui| self.history_ui(ui));
            }
        }
        self.palette_ui(&ctx);
        self.unsaved_ui(&ctx);
        self.drop_overlay(&ctx);

        // Edits the widgets made in place become undo steps; the preview sees new revisions.
        let key = if self.edit_key.is_empty() {
            "edit".to_string()
        } else {
            self.edit_key.clone()
        };
        if self.doc.commit_edits(&key, now) {
            ctx.request_repaint();
        }
        if let Some((i, cond)) = self.queued_fix.take()
            && let Some(s) = self.doc.subscriptions.get_mut(i)
        {
            s.trigger = preview::add_condition(&s.trigger, &cond);
            let name = s.name.clone();
            self.doc.commit_edits("coverage-fix", now - 10.0);
            self.notify(format!("Added `{cond}` to the trigger of {name}."), false);
        }
        for c in std::mem::take(&mut self.queued) {
            self.execute(c, &ctx);
        }
        // A file dialog of this frame (a menu, a shortcut or a panel's button) that the system
        // could not show: say so now rather than leave the click without an answer.
        if dialogs::take_unavailable() {
            self.notify(dialogs::UNAVAILABLE_HINT, true);
            ctx.request_repaint();
        }
        if let Some(wait) = self.autosave_tick(now) {
            // Due later: a frame then, even if the window sits idle until it is.
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        // More modifiers first: egui matches Ctrl+Z "logically" also when Shift is held.
        let typing = ctx.text_edit_focused();
        let mut all: Vec<(egui::KeyboardShortcut, Command)> = Command::all()
            .into_iter()
            .filter(|c| !(typing && c.shares_keys_with_text_editing()))
            .filter_map(|c| c.shortcut().map(|s| (s, c)))
            .collect();
        all.sort_by_key(|(s, _)| {
            std::cmp::Reverse(
                u8::from(s.modifiers.shift)
                    + u8::from(s.modifiers.alt)
                    + u8::from(s.modifiers.command),
            )
        });
        let mut fired = Vec::new();
        ctx.input_mut(|i| {
            for (s, c) in &all {
                if i.consume_shortcut(s) {
                    fired.push(*c);
                }
            }
            // Ctrl+Y is the other common redo.
            if i.consume_shortcut(&egui::KeyboardShortcut::new(
                egui::Modifiers::COMMAND,
                egui::Key::Y,
            )) {
                fired.push(Command::Redo);
            }
        });
        for c in fired {
            self.execute(c, ctx);
        }
    }

    /// Runs one command.
    pub fn execute(&mut self, command: Command, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        match command {
            Command::OpenEvents => {
                for p in dialogs::pick_files("Open events", dialogs::EVENTS) {
                    self.start_load(p, ctx);
                }
            }
            Command::NewProject => self.request(Replace::New),
            Command::OpenProject => self.request(Replace::PickProject),
            Command::Quit => self.request(Replace::Quit),
            Command::SaveProject => match self.doc.path.clone() {
                Some(p) => self.save_project(&p),
                None => self.execute(Command::SaveProjectAs, ctx),
            },
            Command::SaveProjectAs => {
                if let Some(p) = dialogs::save_project() {
                    self.save_project(&p);
                }
            }
            Command::SaveEventsAs => {
                if let Some(p) = dialogs::save_file(
                    "Save events",
                    ("NDJSON events", &["ndjson", "jsonl"]),
                    "events.ndjson",
                ) {
                    self.save_events(&p);
                }
            }
            Command::ImportSegment => {
                if let Some(p) = dialogs::pick_file(
                    "Import Segment subscriptions",
                    dialogs::SEGMENT_SUBSCRIPTIONS,
                ) {
                    self.import_segment(&p, now);
                }
            }
            Command::ExportSegment => {
                if let Some(p) = dialogs::save_file(
                    "Export subscriptions for Segment",
                    dialogs::SEGMENT_SUBSCRIPTIONS,
                    "amplitude-subscriptions.json",
                ) {
                    self.export_segment(&p);
                }
            }
            Command::ResetSamples => {
                // The samples the list does not hold (unchanged) any more: loading them all
                // again would send each one still there twice.
                let missing: Vec<serde_json::Value> =
                    engine_glue::sample_events()
                        .into_iter()
                        .map(|(_, v)| v)
                        .filter(|v| {
                            let label = document::describe(v).0;
                            !self.doc.events.iter().any(|e| {
                                e.label == label && crate::engine::js::identical(&e.value, v)
                            })
                        })
                        .collect();
                if missing.is_empty() {
                    self.notify("Every sample event is loaded already.", false);
                } else {
                    // One undo step for all of them.
                    let at = self.doc.events.len();
                    let first = self.doc.insert_events(at, missing, now);
                    self.reveal_event(first, false);
                }
            }
            Command::Undo => {
                self.doc.commit_edits("edit", now);
                let before = self.doc.subscriptions.clone();
                match self.doc.undo() {
                    Some(touched) => self.after_history(touched, &before),
                    None => self.notify("Nothing to undo.", false),
                }
            }
            Command::Redo => {
                let before = self.doc.subscriptions.clone();
                match self.doc.redo() {
                    Some(touched) => self.after_history(touched, &before),
                    None => self.notify("Nothing to redo.", false),
                }
            }
            Command::NewEvent => {
                let at = self.selected_event.map_or(self.doc.events.len(), |i| i + 1);
                // Of the call type the list shows, so that the new event is listed.
                let v = document::new_event(self.kind_filter.as_deref());
                let i = self.doc.insert_event(at, v, now);
                self.selected_event = Some(i);
                if !self.listed(i) {
                    self.search.clear();
                    self.filter_seen = None;
                    self.notify("Cleared the search so that the new event is listed.", false);
                }
            }
            Command::DuplicateEvent => {
                if let Some(i) = self.selected_event
                    && let Some(e) = self.doc.events.get(i)
                {
                    let v = e.value.clone();
                    let j = self.doc.insert_event(i + 1, v, now);
                    self.selected_event = Some(j);
                }
            }
            Command::DeleteEvent => {
                if let Some(i) = self.selected_event {
                    let listed = self.filtered().to_vec();
                    self.doc.delete_event(i, now);
                    self.selected_event = listed_after_delete(&listed, i);
                }
            }
            Command::NextEvent | Command::PreviousEvent => {
                let list = self.filtered().to_vec();
                if list.is_empty() {
                    return;
                }
                let pos = self
                    .selected_event
                    .and_then(|s| list.iter().position(|&i| i == s));
                let next = match (pos, command == Command::NextEvent) {
                    (None, _) => 0,
                    (Some(p), true) => (p + 1).min(list.len() - 1),
                    (Some(p), false) => p.saturating_sub(1),
                };
                self.selected_event = Some(list[next]);
            }
            Command::FocusSearch => {
                self.tab = Tab::Debugger;
                self.focus_search = true;
            }
            Command::AddSubscription(i) => self.add_subscription(i, now),
            Command::DeleteSubscription => {
                if let Some(i) = self.selected_sub
                    && i < self.doc.subscriptions.len()
                {
                    let before = self.doc.subscriptions.clone();
                    self.doc.subscriptions.remove(i);
                    self.doc.commit_edits("sub-delete", now - 10.0);
                    self.follow_subscriptions(&before);
                    self.selected_sub = if self.doc.subscriptions.is_empty() {
                        None
                    } else {
                        Some(i.min(self.doc.subscriptions.len() - 1))
                    };
                }
            }
            Command::ShowDebugger => self.tab = Tab::Debugger,
            Command::ShowCoverage => self.tab = Tab::Coverage,
            Command::ShowSettings => self.tab = Tab::Settings,
            Command::ShowSend => self.tab = Tab::Send,
            Command::ShowCompare => self.tab = Tab::Compare,
            Command::ShowMigration => self.tab = Tab::Migration,
            Command::ShowHistory => self.tab = Tab::History,
            Command::ShowIdentities => self.tab = Tab::Identities,
            Command::ToggleTheme => self.dark = !self.dark,
            Command::CommandPalette => {
                self.palette = match self.palette {
                    Some(_) => None,
                    None => Some(Palette::default()),
                }
            }
            Command::CopyBody | Command::CopyCurl => self.copy_first_request(command, ctx),
            Command::SendSelected => self.send_from_command(ctx, false),
            Command::SendAll => self.send_from_command(ctx, true),
        }
    }

    /// Moves the mapping editors' buffers (and their unparsed text) along with their
    /// subscriptions after some were added or removed (`before`: the list before): each goes
    /// to the subscription equal to its own, and is dropped with a removed one. The buffers are
    /// kept by position, so a draft would otherwise show on a neighbour with the same mapping.
    fn follow_subscriptions(&mut self, before: &[crate::engine::project::Subscription]) {
        let after = &self.doc.subscriptions;
        if before.len() == after.len() {
            return;
        }
        let mut taken = vec![false; after.len()];
        let moved: Vec<Option<usize>> = before
            .iter()
            .map(|b| {
                let j = (0..after.len()).find(|&j| !taken[j] && after[j] == *b)?;
                taken[j] = true;
                Some(j)
            })
            .collect();
        self.field_buffers = std::mem::take(&mut self.field_buffers)
            .into_iter()
            .filter_map(|((si, key), b)| Some(((moved.get(si).copied().flatten()?, key), b)))
            .collect();
    }

    fn after_history(
        &mut self,
        touched: Option<usize>,
        before: &[crate::engine::project::Subscription],
    ) {
        self.follow_subscriptions(before);
        if let Some(i) = touched {
            self.selected_event = if self.doc.events.is_empty() {
                None
            } else {
                Some(i.min(self.doc.events.len() - 1))
            };
        }
        if let Some(s) = self.selected_sub
            && s >= self.doc.subscriptions.len()
        {
            self.selected_sub = self.doc.subscriptions.len().checked_sub(1);
        }
    }

    /// `subs` without those the editor already has (the same action, trigger and mapping,
    /// whatever their names: added again they would send every event they take twice), and
    /// how many were left out. Every way of adding subscriptions in bulk goes through here.
    pub fn not_yet_in_editor(
        &self,
        subs: Vec<crate::engine::project::Subscription>,
    ) -> (Vec<crate::engine::project::Subscription>, usize) {
        let offered = subs.len();
        let new: Vec<_> = subs
            .into_iter()
            .filter(|s| {
                !self.doc.subscriptions.iter().any(|e| {
                    e.action == s.action && e.trigger == s.trigger && e.mapping == s.mapping
                })
            })
            .collect();
        let left_out = offered - new.len();
        (new, left_out)
    }

    /// Whether `adding` more subscriptions fit in the destination (after the first `keep`
    /// of the present ones), else why not: the one check of the limit for every way in.
    pub fn room_for(&self, adding: usize, keep: usize) -> Result<(), String> {
        if keep + adding <= MAX_SUBSCRIPTIONS {
            return Ok(());
        }
        Err(format!(
            "a destination holds at most {MAX_SUBSCRIPTIONS} mappings, and {} added to {keep} \
             is too many",
            crate::text::count(adding, "subscription", "subscriptions")
        ))
    }

    /// Adds a subscription for the action at `index` with its default trigger and mapping,
    /// unless the destination's limit of 50 mappings is reached.
    pub fn add_subscription(&mut self, index: usize, now: f64) {
        let Some(action) = engine_glue::actions().get(index) else {
            return;
        };
        if let Err(e) = self.room_for(1, self.doc.subscriptions.len()) {
            self.notify(
                format!("Could not add a subscription: {e}; delete one first."),
                true,
            );
            return;
        }
        self.doc
            .subscriptions
            .push(crate::engine::project::Subscription {
                name: action.label.clone(),
                enabled: true,
                action: action.key.clone(),
                trigger: action.default_trigger.clone(),
                mapping: engine_glue::default_mapping(&action.key),
            });
        self.doc.commit_edits("sub-add", now - 10.0);
        self.selected_sub = Some(self.doc.subscriptions.len() - 1);
        self.tab = Tab::Debugger;
    }

    fn copy_first_request(&mut self, command: Command, ctx: &egui::Context) {
        let Some(i) = self.selected_event else {
            return;
        };
        let Some(outcome) = self.outcome(i) else {
            return;
        };
        let preferred = self.selected_sub.filter(|&s| {
            outcome
                .runs
                .get(s)
                .is_some_and(|r| r.as_ref().is_some_and(|r| !r.requests.is_empty()))
        });
        let run = preferred
            .and_then(|s| outcome.runs.get(s).cloned().flatten())
            .or_else(|| {
                outcome
                    .runs
                    .iter()
                    .flatten()
                    .find(|r| !r.requests.is_empty())
                    .cloned()
            });
        match run.and_then(|r| r.requests.first().cloned()) {
            Some(req) => {
                let text = if command == Command::CopyBody {
                    req.body.clone()
                } else {
                    engine_glue::curl_command(&req, &self.api_key, self.reveal_key)
                };
                ctx.copy_text(text);
                self.notify(
                    if command == Command::CopyBody {
                        "Copied the request body."
                    } else {
                        "Copied the request as a curl command (API key masked)."
                    },
                    false,
                );
            }
            None => self.notify("The selected event produces no request to copy.", true),
        }
    }

    /// Loads `path` in the background, after the files already loading.
    pub fn start_load(&mut self, path: PathBuf, ctx: &egui::Context) {
        // The problems listed are those of the files loaded together.
        if self.loader.is_none() && self.load_queue.is_empty() {
            self.load_errors.clear();
            self.load_report = (Vec::new(), false);
        }
        self.load_queue.push_back(path);
        self.next_load(ctx);
    }

    fn next_load(&mut self, ctx: &egui::Context) {
        // Files after a project wait for the question about unsaved changes: they load into
        // whichever document the answer leaves.
        if self.loader.is_some() || self.pending_replace.is_some() {
            return;
        }
        if let Some(path) = self.load_queue.pop_front() {
            let c = ctx.clone();
            self.loader = Some(Loader::start(path, move || c.request_repaint()));
        }
    }

    fn poll_loader(&mut self, ctx: &egui::Context) {
        let Some(loader) = self.loader.as_mut() else {
            return;
        };
        match loader.poll() {
            None => {}
            Some(LoadMsg::Done {
                path,
                events,
                errors,
                stopped,
            }) => {
                self.loader = None;
                let n = events.len();
                let first = self.doc.events.len();
                // A file no event was read from does not become part of the project.
                if n > 0 {
                    self.doc
                        .add_file_events(path.to_string_lossy().into_owned(), events);
                    self.reveal_event(first, false);
                }
                let name = path
                    .file_name()
                    .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
                let unread = if errors.is_empty() {
                    String::new()
                } else {
                    format!("; {} could not be read", errors.len())
                };
                let rest = match stopped {
                    Some((read, size)) => format!(
                        ": the first {} only ({} of {} read); 'ampscope replay' runs all of them",
                        crate::text::thousands(tasks::MAX_EVENTS_PER_FILE as u64),
                        tasks::megabytes(read),
                        tasks::megabytes(size)
                    ),
                    None => String::new(),
                };
                let events = if n == 1 { "event" } else { "events" };
                self.report_load(
                    format!(
                        "Loaded {} {events} from {name}{unread}{rest}",
                        crate::text::thousands(n as u64)
                    ),
                    !errors.is_empty() || stopped.is_some(),
                );
                self.load_errors
                    .extend(errors.into_iter().map(|e| format!("{name}: {e}")));
            }
            Some(LoadMsg::Failed(path, e)) => {
                self.loader = None;
                self.report_load(format!("Could not read {}: {e}", path.display()), true);
            }
            // Dropped (or named on the command line) with event files: opened as a project.
            Some(LoadMsg::Project(path)) => {
                self.loader = None;
                self.request(Replace::Open(path));
            }
            Some(LoadMsg::Progress(..)) => {}
        }
        self.next_load(ctx);
    }

    /// Shows what a finished load said after what the files loaded with it said.
    fn report_load(&mut self, text: String, problem: bool) {
        self.load_report.0.push(text);
        self.load_report.1 |= problem;
        self.notify(self.load_report.0.join(" · "), self.load_report.1);
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        for f in dropped {
            self.start_load(f.path().to_path_buf(), ctx);
        }
    }

    fn drop_overlay(&self, ctx: &egui::Context) {
        if ctx.input(|i| i.raw.hovered_files.is_empty()) {
            return;
        }
        let screen = ctx.content_rect();
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("drop"),
        ));
        painter.rect_filled(screen, 0.0, egui::Color32::from_black_alpha(180));
        painter.text(
            screen.center(),
            egui::Align2::CENTER_CENTER,
            "Drop event files (JSON, array or NDJSON) to load them",
            egui::FontId::proportional(22.0),
            egui::Color32::WHITE,
        );
    }

    /// Saves the project to `path` (atomically).
    pub fn save_project(&mut self, path: &std::path::Path) {
        match document::save(&self.doc, path) {
            Ok(()) => {
                self.doc.path = Some(path.to_path_buf());
                self.doc.mark_saved();
                self.remember_recent(path);
                self.notify(format!("Saved {}", path.display()), false);
            }
            Err(e) => self.notify(format!("Could not save {}: {e}", path.display()), true),
        }
    }

    /// Writes the events to `path` as NDJSON (atomically): what `ampscope replay` and the
    /// other commands read.
    pub fn save_events(&mut self, path: &std::path::Path) {
        match document::save_events(&self.doc, path) {
            Ok(()) => self.notify(
                format!(
                    "Saved {} to {}",
                    crate::text::count(self.doc.events.len(), "event", "events"),
                    path.display()
                ),
                false,
            ),
            Err(e) => self.notify(format!("Could not save {}: {e}", path.display()), true),
        }
    }

    /// Opens a project file, replacing the document (unsaved changes are not asked about:
    /// see [`AmpscopeApp::request`]).
    pub fn open_project(&mut self, path: &std::path::Path) {
        match document::open(path) {
            Ok((doc, problems)) => {
                self.remember_recent(path);
                self.replace_document(doc, problems, path);
            }
            Err(e) => {
                // A recent project that is gone leaves the list.
                if !path.exists() {
                    self.recent.retain(|p| p != path);
                }
                self.notify(format!("Could not open {}: {e}", path.display()), true);
            }
        }
    }

    fn replace_document(&mut self, doc: Document, problems: Vec<String>, path: &std::path::Path) {
        self.install_document(doc);
        if problems.is_empty() {
            self.notify(format!("Opened {}", path.display()), false);
        } else {
            self.notify(
                format!(
                    "Opened {} with problems: {}",
                    path.display(),
                    problems.join("; ")
                ),
                true,
            );
        }
    }

    /// Makes `doc` the document, with the selection, editors and previews of a fresh start.
    fn install_document(&mut self, doc: Document) {
        self.doc = doc;
        self.selected_event = (!self.doc.events.is_empty()).then_some(0);
        self.selected_sub = (!self.doc.subscriptions.is_empty()).then_some(0);
        self.field_buffers.clear();
        self.event_buffer = JsonBuffer::default();
        self.event_drafts.clear();
        self.preview = PreviewCache::default();
        self.filter_key.0 = u64::MAX;
        self.filter_seen = None;
    }

    /// Autosaves at most every 30 s (`now` in seconds, the window's clock): the document when
    /// it has unsaved changes not autosaved yet, and the editors' texts that do not parse yet.
    /// Returns the seconds until an autosave that is waiting falls due.
    pub fn autosave_tick(&mut self, now: f64) -> Option<f64> {
        let path = self.autosave_path.clone()?;
        if self.recover_offer.is_some() {
            return None;
        }
        let doc_pending = self.doc.dirty && self.doc.revisions() != self.autosaved_revs;
        // Checked every frame, so only roughly here (a draft over a deleted event counts);
        // `drafts()` below is exact.
        let unparsed = self.event_buffer.error.is_some()
            || !self.event_drafts.is_empty()
            || self.field_buffers.values().any(|b| b.error.is_some());
        if !doc_pending && !unparsed && self.autosaved_drafts.is_empty() {
            return None;
        }
        let wait = 30.0 - (now - self.last_autosave);
        if wait > 0.0 {
            return Some(wait);
        }
        self.last_autosave = now;
        let drafts = self.drafts();
        if !doc_pending && drafts == self.autosaved_drafts {
            return None;
        }
        let saved = document::autosave(&self.doc, &path)
            .and_then(|()| document::save_drafts(&path, &drafts));
        match saved {
            Ok(()) => {
                self.autosaved_drafts = drafts;
                self.autosaved_revs = self.doc.revisions();
            }
            Err(e) => self.notify(format!("Autosave failed: {e}"), true),
        }
        None
    }

    /// How many editors hold text that does not parse yet (the document has their last text
    /// that did).
    pub fn unparsed_texts(&self) -> usize {
        // A draft over a deleted event is kept for undo, but is not the user's to lose now.
        let drafts = self
            .event_drafts
            .keys()
            .filter(|&&rev| self.doc.events.iter().any(|e| e.rev == rev))
            .count();
        usize::from(self.event_buffer.error.is_some())
            + drafts
            + self
                .field_buffers
                .values()
                .filter(|b| b.error.is_some())
                .count()
    }

    /// The editors' texts that do not parse yet, by event and by subscription field.
    pub fn drafts(&self) -> document::Drafts {
        let index_of = |rev: u64| self.doc.events.iter().position(|e| e.rev == rev);
        let mut events: Vec<(usize, String)> = self
            .event_drafts
            .iter()
            .filter_map(|(&rev, b)| Some((index_of(rev)?, b.text.clone())))
            .collect();
        if self.event_buffer.error.is_some()
            && let Some(i) = index_of(self.event_buffer_rev)
        {
            events.push((i, self.event_buffer.text.clone()));
        }
        events.sort();
        let mut fields: Vec<(usize, String, String)> = self
            .field_buffers
            .iter()
            .filter(|(_, b)| b.error.is_some())
            .map(|((si, key), b)| (*si, key.clone(), b.text.clone()))
            .collect();
        fields.sort();
        document::Drafts { events, fields }
    }

    /// Puts recovered drafts back into their editors (those that still do not parse, over
    /// an event or a subscription the document has).
    fn restore_drafts(&mut self, drafts: document::Drafts) {
        for (i, text) in drafts.events {
            let Some(e) = self.doc.events.get(i) else {
                continue;
            };
            let mut buf = JsonBuffer {
                text,
                synced: Some(e.value.clone()),
                error: None,
            };
            if buf.parse_event().is_none() {
                self.event_drafts.insert(e.rev, buf);
            }
        }
        for (si, key, text) in drafts.fields {
            let Some(sub) = self.doc.subscriptions.get(si) else {
                continue;
            };
            let mut buf = JsonBuffer {
                text,
                synced: sub.mapping.get(&key).cloned(),
                error: None,
            };
            if buf.parse().is_none() {
                self.field_buffers.insert((si, key), buf);
            }
        }
    }

    /// Replaces the document with the autosaved one at `path` (unsaved, with no file).
    fn recover(&mut self, path: &std::path::Path) {
        match document::open(path) {
            Ok((mut doc, problems)) => {
                doc.path = None;
                doc.mark_unsaved();
                self.replace_document(doc, problems, path);
                self.restore_drafts(document::load_drafts(path));
            }
            Err(e) => self.notify(format!("Could not recover: {e}"), true),
        }
        self.recover_offer = None;
    }

    fn recover_ui(&mut self, ui: &mut egui::Ui, path: &std::path::Path) {
        ui.horizontal(|ui| {
            ui.colored_label(
                widgets::warn_color(ui),
                "Ampscope did not close cleanly last time. Recover the unsaved work?",
            );
            // Edits made since the start are asked about first, as opening a project does.
            if ui.button("Recover").clicked() {
                self.request(Replace::Recover(path.to_path_buf()));
            }
            if ui.button("Discard").clicked() {
                document::remove_autosave(path);
                self.recover_offer = None;
            }
        });
    }

    fn menu_bar_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            for (menu, title) in [
                (Menu::File, "File"),
                (Menu::Edit, "Edit"),
                (Menu::View, "View"),
            ] {
                ui.menu_button(title, |ui| {
                    for c in Command::all().into_iter().filter(|c| c.menu() == menu) {
                        let enabled = match c {
                            Command::Undo => self.doc.can_undo(),
                            Command::Redo => self.doc.can_redo(),
                            _ => true,
                        };
                        let mut b = egui::Button::new(c.label());
                        if let Some(s) = c.shortcut() {
                            b = b.shortcut_text(ui.ctx().format_shortcut(&s));
                        }
                        if ui.add_enabled(enabled, b).clicked() {
                            self.queued.push(c);
                            ui.close();
                        }
                        if c == Command::OpenProject {
                            self.recent_menu_ui(ui);
                        }
                    }
                });
            }
            ui.separator();
            for (tab, name) in TABS {
                ui.selectable_value(&mut self.tab, tab, name);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let icon = if self.dark {
                    "Light theme"
                } else {
                    "Dark theme"
                };
                if ui
                    .button(icon)
                    .on_hover_text("Switch dark/light theme")
                    .clicked()
                {
                    self.queued.push(Command::ToggleTheme);
                }
                if ui
                    .button("Commands…")
                    .on_hover_text(format!(
                        "Command palette ({})",
                        ui.ctx()
                            .format_shortcut(&Command::CommandPalette.shortcut().unwrap_or(
                                egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::K)
                            ))
                    ))
                    .clicked()
                {
                    self.queued.push(Command::CommandPalette);
                }
            });
        });
    }

    fn status_bar_ui(&mut self, ui: &mut egui::Ui) {
        let sel = self.selected_event;
        let outcome = sel.and_then(|i| self.outcome(i));
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} loaded",
                crate::text::count(self.doc.events.len(), "event", "events")
            ));
            ui.separator();
            let enabled = self.doc.subscriptions.iter().filter(|s| s.enabled).count();
            ui.label(format!(
                "{} ({enabled} enabled)",
                crate::text::count(
                    self.doc.subscriptions.len(),
                    "subscription",
                    "subscriptions"
                )
            ));
            ui.separator();
            match &outcome {
                Some(o) => {
                    let n = o.matched().count();
                    ui.label(format!(
                        "{n} {} for the selected event",
                        if n == 1 { "match" } else { "matches" }
                    ));
                    ui.separator();
                    let e = o.errors();
                    if e > 0 {
                        let text = egui::RichText::new(format!(
                            "{e} {}",
                            if e == 1 { "error" } else { "errors" }
                        ))
                        .color(widgets::error_color(ui));
                        // Goes to the (first) failing subscription, where its error is shown.
                        if ui
                            .add(egui::Label::new(text).sense(egui::Sense::click()))
                            .on_hover_text("Show the subscription that fails on the selected event")
                            .clicked()
                            && let Some(si) = o.failed().next()
                        {
                            self.selected_sub = Some(si);
                            self.tab = Tab::Debugger;
                        }
                    } else {
                        ui.label("no errors");
                    }
                }
                None => {
                    ui.label("no event selected");
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let file = self
                    .project_file_name()
                    .unwrap_or_else(|| "unsaved project".to_string());
                ui.label(format!("{file}{}", if self.doc.dirty { " *" } else { "" }));
                if let Some(n) = self.notice.clone() {
                    ui.separator();
                    if ui.small_button("x").on_hover_text("Dismiss").clicked() {
                        self.notice = None;
                    }
                    let color = if n.error {
                        widgets::error_color(ui)
                    } else {
                        ui.visuals().text_color()
                    };
                    // Cut to the room left (the whole text on hover).
                    ui.add(egui::Label::new(egui::RichText::new(&n.text).color(color)).truncate())
                        .on_hover_text(&n.text);
                }
            });
        });
    }

    fn palette_ui(&mut self, ctx: &egui::Context) {
        let Some(mut palette) = self.palette.take() else {
            return;
        };
        let mut run = None;
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("palette")).show(ctx, |ui| {
            ui.set_width(460.0);
            let label = ui.label("Command");
            let resp = ui.add(
                egui::TextEdit::singleline(&mut palette.query)
                    .hint_text("Type a command…")
                    .desired_width(f32::INFINITY),
            );
            let resp = resp.labelled_by(label.id);
            resp.request_focus();
            let q = palette.query.to_lowercase();
            let matches: Vec<Command> = Command::all()
                .into_iter()
                .filter(|c| c.label().to_lowercase().contains(&q))
                .collect();
            if resp.changed() {
                palette.selected = 0;
            }
            ui.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
                    palette.selected = (palette.selected + 1).min(matches.len().saturating_sub(1));
                }
                if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
                    palette.selected = palette.selected.saturating_sub(1);
                }
                if i.consume_key(egui::Modifiers::NONE, egui::Key::Enter) {
                    run = matches.get(palette.selected).copied();
                }
                if i.consume_key(egui::Modifiers::NONE, egui::Key::Escape) {
                    close = true;
                }
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (n, c) in matches.iter().enumerate() {
                        ui.horizontal(|ui| {
                            if ui
                                .selectable_label(n == palette.selected, c.label())
                                .clicked()
                            {
                                run = Some(*c);
                            }
                            if let Some(s) = c.shortcut() {
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Center),
                                    |ui| {
                                        widgets::clear_of_scroll_bar(ui);
                                        ui.weak(ui.ctx().format_shortcut(&s))
                                    },
                                );
                            }
                        });
                    }
                    if matches.is_empty() {
                        ui.weak("No command matches.");
                    }
                });
        });
        if modal.should_close() {
            close = true;
        }
        if let Some(c) = run {
            close = true;
            if c != Command::CommandPalette {
                self.queued.push(c);
            }
        }
        if !close {
            self.palette = Some(palette);
        }
    }
}

/// The most mappings a destination may hold (Segment's limit).
pub const MAX_SUBSCRIPTIONS: usize = 50;

/// Time the events search may take per call before it resumes on the next frame.
const FILTER_BUDGET: std::time::Duration = std::time::Duration::from_millis(6);

impl eframe::App for AmpscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Keys typed into the settings stay in the app's own storage, never in project files.
        if !self.keys_from_env {
            storage.set_string(STORAGE_API_KEY, self.api_key.clone());
            storage.set_string(STORAGE_SECRET_KEY, self.secret_key.clone());
        }
        storage.set_string(STORAGE_DARK, self.dark.to_string());
        storage.set_string(project_flow::STORAGE_RECENT, self.recent_to_storage());
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // A clean exit: the autosave is no longer needed for recovery.
        if self.recover_offer.is_none()
            && let Some(p) = &self.autosave_path
        {
            document::remove_autosave(p);
        }
    }
}
