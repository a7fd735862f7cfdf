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

impl AmpscopeApp {
    /// Keeps the current subscriptions and settings as the baseline.
    pub fn keep_baseline(&mut self) {
        self.baseline.kept = Some((self.doc.subscriptions.clone(), self.run_settings()));
        self.baseline.key = (u64::MAX, 0, 0);
    }

    /// Compares up to a frame's budget of events with the baseline.
    fn baseline_scan(&mut self) {
        let Some((subs, settings)) = self.baseline.kept.clone() else {
            return;
        };
        let key = self.doc.revisions();
        if self.baseline.key != key {
            self.baseline.key = key;
            self.baseline.next = 0;
            self.baseline.changed.clear();
        }
        let limit = self.doc.events.len().min(LIMIT);
        let start = std::time::Instant::now();
        while self.baseline.next < limit && start.elapsed() < BUDGET {
            let i = self.baseline.next;
            self.baseline.next += 1;
            let Some(now) = self.outcome(i) else { continue };
            let before = preview::evaluate(&subs, &self.doc.events[i].value, &settings);
            let report = golden::check(
                &requests_of(i, &subs, &before),
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
            if !found.is_empty() {
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
                        let lines: Vec<String> = found
                            .iter()
                            .map(|m| format!("{}: {}", m.subscription, m.what))
                            .collect();
                        // The window's fonts have no arrow.
                        ui.label(lines.join(" · ").replace('→', "->"));
                    });
                }
                if changed.len() > SHOWN {
                    ui.weak(format!("… and {} more", changed.len() - SHOWN));
                }
            });
        if let Some(i) = open {
            self.selected_event = Some(i);
            self.tab = super::super::Tab::Debugger;
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
