//! The identity timeline: the loaded events in order as Amplitude would count their users
//! (the emulator's rules, offline), with the events where one person becomes two users.

use crate::engine::amplitude::integrations::not_delivered_because;
use crate::transport::emulator::timeline::{Row, Timeline};

use super::super::AmpscopeApp;
use super::super::widgets;
use super::{heading, short};

/// Events the timeline covers.
const LIMIT: usize = 2_000;

/// Building time per frame.
const BUDGET: std::time::Duration = std::time::Duration::from_millis(6);

/// The timeline and how far it got, kept between frames.
#[derive(Default)]
pub struct IdentityView {
    key: (u64, u64, u64),
    next: usize,
    timeline: Timeline,
    pub rows: Vec<Row>,
    /// Show only the events with a note.
    pub only_flagged: bool,
}

impl AmpscopeApp {
    /// Runs up to a frame's budget of events into the timeline (from the start after any edit).
    fn identities_scan(&mut self) {
        let key = self.doc.revisions();
        if self.identities.key != key {
            self.identities = IdentityView {
                key,
                only_flagged: self.identities.only_flagged,
                ..IdentityView::default()
            };
        }
        let limit = self.doc.events.len().min(LIMIT);
        let start = std::time::Instant::now();
        while self.identities.next < limit && start.elapsed() < BUDGET {
            let i = self.identities.next;
            self.identities.next += 1;
            // Segment does not deliver it: Amplitude never sees its ids.
            if not_delivered_because(&self.doc.events[i].value).is_some() {
                continue;
            }
            let Some(o) = self.outcome(i) else { continue };
            let requests: Vec<_> = o
                .runs
                .iter()
                .flatten()
                .flat_map(|r| r.requests.iter().cloned())
                .collect();
            if let Some(row) = self.identities.timeline.push(i, &requests) {
                self.identities.rows.push(row);
            }
        }
    }

    pub(in crate::app) fn identities_ui(&mut self, ui: &mut egui::Ui) {
        heading(ui, "Identity timeline");
        ui.weak(
            "The loaded events in order, as Amplitude would count their users (the emulator's \
             rules, offline): the ids each event sends and the Amplitude user it lands on. A \
             device counted for a second user means one person shows up as two. Events whose \
             integrations object turns this destination off are left out, as Segment leaves \
             them.",
        );
        if self.doc.events.is_empty() {
            ui.label("Load events to see their identities.");
            return;
        }
        self.identities_scan();
        let limit = self.doc.events.len().min(LIMIT);
        let done = self.identities.next;
        if done < limit {
            widgets::working(
                ui,
                format!("Following identities… {done} of {limit} events"),
            );
        }
        let rows = &self.identities.rows;
        let sent: usize = rows.iter().map(|r| r.sent.len()).sum();
        let flagged = rows
            .iter()
            .filter(|r| r.sent.iter().any(|s| s.device_changed_user))
            .count();
        ui.label(format!(
            "{} sent {} to {}.",
            crate::text::count(rows.len(), "event", "events"),
            crate::text::count(sent, "Amplitude event", "Amplitude events"),
            crate::text::count(
                self.identities.timeline.users(),
                "Amplitude user",
                "Amplitude users"
            ),
        ));
        if flagged > 0 {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "{} a device for a second user: Amplitude counts that person twice.",
                    crate::text::count(flagged, "event sends", "events send")
                ),
            );
        }
        ui.checkbox(&mut self.identities.only_flagged, "Only events with a note");
        if limit < self.doc.events.len() {
            ui.weak(format!(
                "The timeline covers the first {}.",
                crate::text::count(limit, "event", "events")
            ));
        }
        ui.separator();
        let shown: Vec<(usize, usize)> = self
            .identities
            .rows
            .iter()
            .enumerate()
            .flat_map(|(r, row)| (0..row.sent.len().max(1)).map(move |s| (r, s)))
            .filter(|&(r, s)| {
                !self.identities.only_flagged
                    || self.identities.rows[r]
                        .sent
                        .get(s)
                        .is_some_and(|x| !x.notes.is_empty())
            })
            .collect();
        if shown.is_empty() && done >= limit {
            ui.weak(if self.identities.rows.is_empty() {
                "No loaded event sends anything to Amplitude."
            } else {
                "No event has a note."
            });
            return;
        }
        let row_h = 22.0;
        let mut open = None;
        egui::ScrollArea::both()
            .id_salt("identities")
            .auto_shrink([false, false])
            .show_rows(ui, row_h, shown.len() + 1, |ui, range| {
                egui::Grid::new("identities-grid")
                    .striped(true)
                    .min_row_height(row_h - 4.0)
                    .show(ui, |ui| {
                        for k in range {
                            if k == 0 {
                                for h in [
                                    "event",
                                    "sent",
                                    "user_id",
                                    "device_id",
                                    "session_id",
                                    "Amplitude user",
                                    "",
                                ] {
                                    ui.strong(h);
                                }
                                ui.end_row();
                                continue;
                            }
                            let (r, s) = shown[k - 1];
                            let row = &self.identities.rows[r];
                            let label = format!(
                                "#{} {}",
                                row.event + 1,
                                short(&self.doc.events[row.event].label, 28)
                            );
                            if ui
                                .selectable_label(self.selected_event == Some(row.event), label)
                                .on_hover_text("Show this event in the debugger")
                                .clicked()
                            {
                                open = Some(row.event);
                            }
                            let Some(x) = row.sent.get(s) else {
                                ui.end_row();
                                continue;
                            };
                            let id = |v: &Option<String>| {
                                v.as_deref().map_or("–".into(), |v| short(v, 26))
                            };
                            ui.label(short(&x.event_type, 26));
                            ui.monospace(id(&x.user_id));
                            ui.monospace(id(&x.device_id));
                            ui.monospace(
                                x.session_id
                                    .as_ref()
                                    .map_or("–".into(), crate::engine::js::stringify),
                            );
                            match x.amplitude_id {
                                Some(a) => ui.label(format!("#{a}")),
                                None => ui.colored_label(
                                    widgets::error_color(ui),
                                    row.refused.first().map_or("no id", |_| "refused"),
                                ),
                            }
                            .on_hover_text(row.refused.join("\n"));
                            let notes = x.notes.join("; ");
                            if x.device_changed_user {
                                ui.colored_label(widgets::warn_color(ui), &notes)
                                    .on_hover_text(&notes);
                            } else {
                                ui.weak(notes);
                            }
                            ui.end_row();
                        }
                    });
            });
        if let Some(i) = open {
            self.reveal_event(i, true);
        }
    }
}
