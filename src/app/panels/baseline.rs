//! Changes since a baseline: the subscriptions (and settings) kept at one moment are run again
//! beside the current ones on every event, and each event whose requests differ is listed
//! with what changed: what an edit of a trigger or a mapping did to everything loaded.

use crate::engine::golden::{self, Mismatch, Requests};
use crate::engine::project::Subscription;

use super::super::AmpscopeApp;
use super::super::engine_glue::RunSettings;
use super::super::preview::{self, EventOutcome};
use super::super::widgets;
use super::{heading, short};

/// Events compared with the baseline (as many as the double-send scan looks at).
const LIMIT: usize = 2_000;

/// Comparing time per frame.
const BUDGET: std::time::Duration = std::time::Duration::from_millis(6);

/// Events listed with their changes (the count covers all).
const SHOWN: usize = 50;

/// The baseline and the comparison with it, kept between frames.
#[derive(Default)]
pub struct BaselineView {
    /// The subscriptions and settings kept as the baseline.
    pub kept: Option<(Vec<Subscription>, RunSettings)>,
    /// What the comparison was computed from: (events, subscriptions, settings) revisions.
    key: (u64, u64, u64),
    next: usize,
    /// Events whose requests differ, with how.
    pub changed: Vec<(usize, Vec<Mismatch>)>,
    /// Counts the baselines kept, so results about an older one are not reused.
    generation: u64,
    /// The selected event's comparison (for the preview): what it was computed from, and it.
    selected: Option<(SelectedKey, Vec<Mismatch>)>,
}

/// The requests of each subscription that sent some, by event and subscription name.
fn requests_of(event: usize, subs: &[Subscription], outcome: &EventOutcome) -> Requests {
    subs.iter()
        .zip(&outcome.runs)
        .filter_map(|(s, run)| {
            let run = run.as_ref().filter(|r| !r.requests.is_empty())?;
            Some(((event as u64, s.name.clone()), run.requests.clone()))
        })
        .collect()
}

/// What a comparison of one event depends on: the event and its revision, the subscriptions'
/// and settings' revisions, the baseline.
type SelectedKey = (usize, u64, u64, u64, u64);

/// Changes as one line: `Track Calls: user_id: "a" -> "b" · …`.
pub(in crate::app) fn changes_text(found: &[Mismatch]) -> String {
    let lines: Vec<String> = found
        .iter()
        .map(|m| format!("{}: {}", m.subscription, m.what))
        .collect();
    // The window's fonts have no arrow.
    lines.join(" · ").replace('→', "->")
}

impl AmpscopeApp {
    /// Keeps the current subscriptions and settings as the baseline.
    pub fn keep_baseline(&mut self) {
        self.baseline.kept = Some((self.doc.subscriptions.clone(), self.run_settings()));
        self.baseline.key = (u64::MAX, 0, 0);
        self.baseline.generation += 1;
    }

    /// How event `i`'s requests differ from the baseline's (empty: the same).
    fn compare_with_baseline(
        &mut self,
        i: usize,
        subs: &[Subscription],
        settings: &RunSettings,
    ) -> Option<Vec<Mismatch>> {
        let now = self.outcome(i)?;
        // Built with today's keys: a key typed since is not an edit of what is sent, and
        // would otherwise show as a change of every request (the region kept stands).
        let settings = RunSettings {
            region: settings.region.clone(),
            ..self.run_settings()
        };
        let before = preview::evaluate(subs, &self.doc.events[i].value, &settings);
        let report = golden::check(
            &requests_of(i, subs, &before),
            &requests_of(i, &self.doc.subscriptions, &now),
        );
        let mut found = report.differences;
        // What stopped a subscription that sent before.
        for m in &mut found {
            let error = self
                .doc
                .subscriptions
                .iter()
                .zip(&now.runs)
                .find(|(s, _)| s.name == m.subscription)
                .and_then(|(_, r)| r.as_ref()?.error.clone());
            if let Some(e) = error {
                m.what.push_str(&format!(" (now: {e})"));
            }
        }
        Some(found)
    }

    /// How the requests of event `i` differ from the baseline, when one is kept (for the
    /// preview; remembered until the event, the subscriptions or the baseline change).
    pub(in crate::app) fn changes_since_baseline(&mut self, i: usize) -> Option<Vec<Mismatch>> {
        self.baseline.kept.as_ref()?;
        let (_, subs_rev, settings_rev) = self.doc.revisions();
        let key = (
            i,
            self.doc.events.get(i)?.rev,
            subs_rev,
            settings_rev,
            self.baseline.generation,
        );
        if let Some((k, found)) = &self.baseline.selected
            && *k == key
        {
            return Some(found.clone());
        }
        // Copied only when there is work (the comparison borrows the app mutably).
        let (subs, settings) = self.baseline.kept.clone()?;
        let found = self.compare_with_baseline(i, &subs, &settings)?;
        self.baseline.selected = Some((key, found.clone()));
        Some(found)
    }

    /// Compares up to a frame's budget of events with the baseline.
    fn baseline_scan(&mut self) {
        let key = self.doc.revisions();
        if self.baseline.key != key {
            self.baseline.key = key;
            self.baseline.next = 0;
            self.baseline.changed.clear();
        }
        let limit = self.doc.events.len().min(LIMIT);
        // Nothing left to compare: no copy of the baseline on every frame.
        if self.baseline.next >= limit {
            return;
        }
        let Some((subs, settings)) = self.baseline.kept.clone() else {
            return;
        };
        let start = std::time::Instant::now();
        while self.baseline.next < limit && start.elapsed() < BUDGET {
            let i = self.baseline.next;
            self.baseline.next += 1;
            if let Some(found) = self.compare_with_baseline(i, &subs, &settings)
                && !found.is_empty()
            {
                self.baseline.changed.push((i, found));
            }
        }
    }

    /// The "Changes since the baseline" section of the coverage view.
    pub(in crate::app) fn baseline_ui(&mut self, ui: &mut egui::Ui) {
        heading(ui, "Changes since the baseline");
        if self.baseline.kept.is_none() {
            ui.weak(
                "Keep the requests of now as a baseline, then edit triggers and mappings: every \
                 event whose requests change is listed here, with what changed.",
            );
            if ui.button("Keep these requests as the baseline").clicked() {
                self.keep_baseline();
            }
            return;
        }
        self.baseline_scan();
        let limit = self.doc.events.len().min(LIMIT);
        let done = self.baseline.next;
        if done < limit {
            widgets::working(
                ui,
                format!("Comparing with the baseline… {done} of {limit} events"),
            );
        }
        let changed = &self.baseline.changed;
        if changed.is_empty() && done >= limit {
            ui.colored_label(
                widgets::ok_color(ui),
                format!(
                    "No request changed since the baseline ({}).",
                    crate::text::count(limit, "event", "events")
                ),
            );
        } else if !changed.is_empty() {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "{} of {} send something else than at the baseline:",
                    crate::text::thousands(changed.len() as u64),
                    crate::text::count(done, "event", "events")
                ),
            );
        }
        let mut open = None;
        egui::ScrollArea::vertical()
            .id_salt("baseline-changes")
            .max_height(220.0)
            .show(ui, |ui| {
                for (i, found) in changed.iter().take(SHOWN) {
                    ui.horizontal_wrapped(|ui| {
                        let label = short(&self.doc.events[*i].label, 32);
                        if ui
                            .button(format!("#{} {label}", i + 1))
                            .on_hover_text("Show this event in the debugger")
                            .clicked()
                        {
                            open = Some(*i);
                        }
                        ui.label(changes_text(found));
                    });
                }
                if changed.len() > SHOWN {
                    ui.weak(format!("… and {} more", changed.len() - SHOWN));
                }
            });
        if let Some(i) = open {
            self.reveal_event(i, true);
        }
        if limit < self.doc.events.len() {
            ui.weak(format!(
                "The comparison covers the first {}.",
                crate::text::count(limit, "event", "events")
            ));
        }
        ui.horizontal(|ui| {
            if ui
                .button("Keep these requests as the new baseline")
                .clicked()
            {
                self.keep_baseline();
            }
            if ui.button("Forget the baseline").clicked() {
                self.baseline = BaselineView::default();
            }
        });
    }
}
