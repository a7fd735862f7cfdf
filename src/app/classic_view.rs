//! State behind the Compare and Migration views: the classic settings being migrated (secrets
//! kept in memory only, masked wherever they are shown), the migration plan, the comparison of
//! the selected event, and the all-events summary, computed a slice per frame so the window
//! stays responsive with many events.

use std::ops::Range;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::document::Document;
use crate::engine::classic::{ClassicSettings, SettingsIssue};
use crate::engine::compare::{Aggregate, SideBySide, side_by_side};
use crate::engine::migration::{self, MigrationOptions, MigrationPlan};
use crate::transport::redact::{MASK, mask_key};

/// The API key both sides of a comparison use, so no real key is ever rendered there.
pub const KEY_PLACEHOLDER: &str = "YOUR_API_KEY";

/// Settings keys whose values are secrets.
const SECRET_KEYS: [&str; 2] = ["apiKey", "secretKey"];

/// What the all-events summary was computed from: (events rev, subscriptions rev, settings
/// generation, options).
type SummaryKey = (u64, u64, u64, bool);

/// The comparison over every loaded event, filled in slices.
#[derive(Debug, Clone)]
pub struct Summary {
    key: SummaryKey,
    /// Next event index to compare.
    pub next: usize,
    /// Events to compare.
    pub total: usize,
    pub aggregate: Aggregate,
    /// Events whose Actions side could not be computed.
    pub unavailable: usize,
    /// Events both sides send with no difference at all.
    pub identical: usize,
    /// Events neither side sends.
    pub unsent: usize,
}

impl Summary {
    /// Whether every event has been compared.
    pub fn is_done(&self) -> bool {
        self.next >= self.total
    }
}

/// The classic side of the app: settings, plan and comparisons.
#[derive(Debug, Clone)]
pub struct ClassicState {
    /// The settings, secrets included (never written anywhere, never shown unmasked).
    settings: ClassicSettings,
    /// The JSON editor's text (secrets masked, except a key being typed: see [`Self::mask_text`]).
    pub text: String,
    /// The text shows a key as it was typed (masked when the editor is left).
    unmasked: bool,
    /// Where the text does not parse: byte range and message.
    pub text_error: Option<(Range<usize>, String)>,
    /// What was odd about the last parsed settings (unknown keys, wrong types).
    pub issues: Vec<String>,
    /// Where the settings came from, for the views' headers.
    pub source: String,
    /// Bumped on every settings change.
    generation: u64,
    pub options: MigrationOptions,
    plan: Option<(u64, bool, MigrationPlan)>,
    selected: Option<((usize, u64, u64, u64), SideBySide)>,
    pub summary: Option<Summary>,
    /// The summary row whose path the per-event differences highlight.
    pub focus_path: Option<String>,
    /// Set when an example was picked: the Compare view scrolls back to the event at the top.
    pub scroll_top: bool,
    /// A list setting's text in the form as typed (`"logins, "`), while it still reads as the
    /// list the settings hold: re-written from the list, a comma or space just typed was lost.
    pub list_text: Option<(&'static str, String)>,
}

impl Default for ClassicState {
    fn default() -> Self {
        let settings = ClassicSettings::default();
        ClassicState {
            text: settings_text(&settings),
            unmasked: false,
            settings,
            text_error: None,
            issues: Vec::new(),
            source: "the classic catalog defaults".into(),
            generation: 1,
            options: MigrationOptions::default(),
            plan: None,
            selected: None,
            summary: None,
            focus_path: None,
            scroll_top: false,
            list_text: None,
        }
    }
}

/// The settings as pretty JSON with API and secret keys masked.
pub fn settings_text(settings: &ClassicSettings) -> String {
    let mut value = serde_json::to_value(settings).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        // The catalog's numbers are whole (30, 30000); show them as the Public API does.
        for v in map.values_mut() {
            if let Some(f) = v.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15) {
                *v = Value::from(f as i64);
            }
        }
        for k in SECRET_KEYS {
            if let Some(Value::String(s)) = map.get_mut(k)
                && !s.is_empty()
            {
                *s = mask_key(s);
            }
        }
    }
    crate::engine::js::stringify_pretty(&value)
}

impl ClassicState {
    /// The current settings (secrets included: for running the model, not for display).
    pub fn settings(&self) -> &ClassicSettings {
        &self.settings
    }

    /// The settings generation (changes whenever the settings do).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn replace(&mut self, settings: ClassicSettings) {
        if settings != self.settings {
            self.settings = settings;
            self.generation += 1;
        }
    }

    /// Loads settings from a JSON text (a file or a paste): the editor shows them normalised,
    /// secrets masked. On error nothing changes but the message.
    pub fn load_text(&mut self, text: &str, source: &str) -> Result<(), String> {
        match ClassicSettings::from_json_text(text) {
            Ok(loaded) => {
                self.issues = loaded.issues.iter().map(SettingsIssue::to_string).collect();
                self.replace(loaded.settings);
                self.text = settings_text(&self.settings);
                self.text_error = None;
                self.source = source.to_string();
                Ok(())
            }
            Err(e) => {
                self.text_error = Some((0..0, e.clone()));
                Err(e)
            }
        }
    }

    /// Masks a key the text shows as typed (when the editor is left); a text that does not
    /// parse is left as it is.
    pub fn mask_text(&mut self) {
        if self.unmasked && self.text_error.is_none() {
            self.text = settings_text(&self.settings);
            self.unmasked = false;
        }
    }

    /// Resets to the catalog defaults.
    pub fn use_defaults(&mut self) {
        self.replace(ClassicSettings::default());
        self.text = settings_text(&self.settings);
        self.text_error = None;
        self.issues.clear();
        self.source = "the classic catalog defaults".into();
    }

    /// Applies the editor's text after the user typed in it. Masked secrets keep their stored
    /// value; a real key pasted in is taken and masked at once. A key being typed (it starts
    /// short) stays as typed until [`Self::mask_text`]: masking it at once turned the next
    /// keystroke into an edit of the mask, so a key typed one character at a time was stored
    /// as its first character.
    pub fn apply_text(&mut self) {
        let parsed: Value = match crate::engine::js::utf16::parse_json(&self.text) {
            Ok(v) => v,
            Err(e) => {
                let at = e.span(&self.text);
                self.text_error = Some((at, e.located()));
                return;
            }
        };
        match ClassicSettings::from_json(&parsed) {
            Ok(mut loaded) => {
                let (mut revealed, mut typing) = (false, self.unmasked);
                for (stored, new) in [
                    (&self.settings.api_key, &mut loaded.settings.api_key),
                    (&self.settings.secret_key, &mut loaded.settings.secret_key),
                ] {
                    if new.starts_with(MASK) {
                        *new = stored.clone();
                    } else if !new.is_empty() {
                        revealed = true;
                        // Shorter than any key: the start of one being typed.
                        typing |= new.chars().count() < 12;
                    }
                }
                self.issues = loaded.issues.iter().map(SettingsIssue::to_string).collect();
                self.replace(loaded.settings);
                self.text_error = None;
                self.source = "the settings typed in the Migration tab".into();
                if revealed && typing {
                    self.unmasked = true;
                } else if revealed {
                    self.text = settings_text(&self.settings);
                }
            }
            Err(e) => self.text_error = Some((0..0, e)),
        }
    }

    /// The settings as a JSON object with secrets masked (what the form edits).
    pub fn form_values(&self) -> Map<String, Value> {
        serde_json::from_str::<Value>(&settings_text(&self.settings))
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    }

    /// Applies one form edit (`key` of the catalog, new `value`).
    pub fn set_value(&mut self, key: &str, value: Value) {
        let mut values = serde_json::to_value(&self.settings)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default();
        values.insert(key.to_string(), value);
        if let Ok(loaded) = ClassicSettings::from_json(&Value::Object(values)) {
            self.issues = loaded.issues.iter().map(SettingsIssue::to_string).collect();
            self.replace(loaded.settings);
            self.text = settings_text(&self.settings);
            self.text_error = None;
            self.source = "the settings typed in the Migration tab".into();
        }
    }

    /// The migration plan for the current settings and options (memoised).
    pub fn plan(&mut self) -> &MigrationPlan {
        let key = (self.generation, self.options.keep_classic_page_names);
        if self.plan.as_ref().is_some_and(|(g, o, _)| (*g, *o) != key) {
            self.plan = None;
        }
        let (settings, options) = (&self.settings, self.options);
        &self
            .plan
            .get_or_insert_with(|| (key.0, key.1, migration::plan(settings, options)))
            .2
    }

    /// The settings both sides of a comparison run with: the user's, with the keys replaced.
    fn compare_settings(&self) -> (ClassicSettings, crate::engine::amplitude::Settings) {
        let mut classic = self.settings.clone();
        classic.api_key = KEY_PLACEHOLDER.into();
        classic.secret_key = String::new();
        let actions = migration::actions_settings(&classic);
        (classic, actions)
    }

    /// The classic and Actions requests of event `index` and their differences (memoised).
    pub fn compare_event(&mut self, doc: &Document, index: usize) -> Option<&SideBySide> {
        let event = doc.events.get(index)?;
        let key = (index, event.rev, doc.subs_rev, self.generation);
        if self.selected.as_ref().is_none_or(|(k, _)| *k != key) {
            let (classic, actions) = self.compare_settings();
            let sbs = side_by_side(
                &classic,
                &actions,
                &doc.subscriptions,
                &event.value,
                crate::clock::now_ms(),
            );
            self.selected = Some((key, sbs));
        }
        self.selected.as_ref().map(|(_, s)| s)
    }

    fn summary_key(&self, doc: &Document) -> SummaryKey {
        (
            doc.events_rev,
            doc.subs_rev,
            self.generation,
            self.options.keep_classic_page_names,
        )
    }

    /// Starts (or restarts) the all-events summary.
    pub fn start_summary(&mut self, doc: &Document) {
        self.summary = Some(Summary {
            key: self.summary_key(doc),
            next: 0,
            total: doc.events.len(),
            aggregate: Aggregate::new(),
            unavailable: 0,
            identical: 0,
            unsent: 0,
        });
    }

    /// Whether the summary no longer describes the events, subscriptions or settings.
    pub fn summary_is_stale(&self, doc: &Document) -> bool {
        self.summary
            .as_ref()
            .is_some_and(|s| s.key != self.summary_key(doc))
    }

    /// Compares further events for at most `budget`; returns whether work remains.
    pub fn step_summary(&mut self, doc: &Document, budget: Duration) -> bool {
        let start = Instant::now();
        let (classic, actions) = self.compare_settings();
        let now = crate::clock::now_ms();
        let Some(s) = self.summary.as_mut() else {
            return false;
        };
        if s.total != doc.events.len() {
            s.total = s.total.min(doc.events.len());
        }
        while s.next < s.total {
            let event = &doc.events[s.next].value;
            let sbs = side_by_side(&classic, &actions, &doc.subscriptions, event, now);
            match &sbs.comparison {
                Some(c) => {
                    if c.sends_nothing() {
                        s.unsent += 1;
                    } else if c.is_identical() {
                        s.identical += 1;
                    }
                    s.aggregate.add(s.next, c);
                }
                None => s.unavailable += 1,
            }
            s.next += 1;
            // Check the clock every few events: it costs more than a small comparison.
            if s.next.is_multiple_of(8) && start.elapsed() >= budget {
                break;
            }
        }
        !s.is_done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn loaded_keys_are_masked_in_the_text_and_kept_in_memory() {
        let mut s = ClassicState::default();
        let text = format!(r#"{{"apiKey":"{KEY}","trackAllPages":true}}"#);
        s.load_text(&text, "test").unwrap();
        assert_eq!(s.settings().api_key, KEY);
        assert!(s.settings().track_all_pages);
        assert!(!s.text.contains(KEY), "{}", s.text);
        assert!(s.text.contains("••••cdef"));
        assert!(
            s.text.contains("\"eventUploadThreshold\": 30,"),
            "{}",
            s.text
        );
        // Editing another setting in the text keeps the stored key.
        s.text = s
            .text
            .replace("\"sendAlias\": false", "\"sendAlias\": true");
        s.apply_text();
        assert!(s.text_error.is_none(), "{:?}", s.text_error);
        assert!(s.settings().send_alias);
        assert_eq!(s.settings().api_key, KEY);
    }

    #[test]
    fn a_key_typed_into_the_text_is_taken_then_masked() {
        let mut s = ClassicState {
            text: format!(r#"{{"apiKey":"{KEY}"}}"#),
            ..Default::default()
        };
        s.apply_text();
        assert_eq!(s.settings().api_key, KEY);
        s.mask_text();
        assert!(!s.text.contains(KEY));
        assert!(s.text.contains("••••cdef"));
    }

    /// Typed one character at a time into the empty `apiKey`, the whole key is taken.
    #[test]
    fn a_key_typed_a_character_at_a_time_is_taken_whole() {
        let mut s = ClassicState::default();
        let mut at = s.text.find("\"apiKey\": \"").unwrap() + "\"apiKey\": \"".len();
        for c in KEY.chars() {
            s.text.insert(at, c);
            at += c.len_utf8();
            s.apply_text();
            assert!(s.text_error.is_none(), "{:?}", s.text_error);
        }
        assert_eq!(s.settings().api_key, KEY);
        s.mask_text();
        assert!(!s.text.contains(KEY), "{}", s.text);
        assert_eq!(s.settings().api_key, KEY);
    }

    #[test]
    fn broken_text_is_located_and_changes_nothing() {
        let mut s = ClassicState::default();
        let before = s.generation();
        s.text = "{\n  \"sendAlias\": tru,\n  \"x\": 1\n}".into();
        s.apply_text();
        let (range, msg) = s.text_error.clone().unwrap();
        assert!(msg.starts_with("line 2"), "{msg}");
        assert!(range.start > 0);
        assert_eq!(s.generation(), before);
    }

    #[test]
    fn form_edits_change_the_plan() {
        let mut s = ClassicState::default();
        let before = s.plan().subscriptions.len();
        s.set_value("sendAlias", Value::Bool(true));
        assert!(s.settings().send_alias);
        let after = s.plan().subscriptions.len();
        assert_eq!(after, before + 1, "sendAlias adds a Map User subscription");
        assert!(s.text.contains("\"sendAlias\": true"));
    }
}
