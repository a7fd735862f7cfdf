//! The preview panel: for the selected event, every matched subscription's requests.

use super::super::AmpscopeApp;
use super::super::engine_glue::{self, RunOutcome};
use super::super::widgets::{self, Lang};
use super::heading;

impl AmpscopeApp {
    pub(in crate::app) fn output_ui(&mut self, ui: &mut egui::Ui) {
        heading(ui, "Preview");
        let Some(ei) = self.selected_event.filter(|&i| i < self.doc.events.len()) else {
            ui.weak("Select an event on the left to see the requests Amplitude (Actions) would send for it.");
            return;
        };
        let Some(outcome) = self.outcome(ei) else {
            return;
        };
        ui.weak(format!(
            "What Segment sends to Amplitude for “{}” ({} region)",
            self.doc.events[ei].label,
            if self.doc.settings.region == "europe" {
                "EU"
            } else {
                "US"
            }
        ));
        if let Some(d) = super::super::preview::double_send(
            &self.doc.subscriptions,
            &self.doc.events[ei].value,
            &outcome,
        ) {
            let names: Vec<String> = d
                .subs
                .iter()
                .filter_map(|&i| self.doc.subscriptions.get(i).map(|s| s.name.clone()))
                .collect();
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "Warning: this event is sent {} times ({}): Amplitude counts it twice.",
                    d.subs.len(),
                    names.join(", ")
                ),
            );
        }
        if let Some(why) = crate::engine::amplitude::integrations::not_delivered_because(
            &self.doc.events[ei].value,
        ) {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "Segment would not deliver this event to Amplitude (Actions): {why}. The \
                     requests below are what the subscriptions would make if it did."
                ),
            );
        }
        match self.changes_since_baseline(ei) {
            None => {}
            Some(found) if found.is_empty() => {
                ui.weak("The same requests as at the baseline (Coverage view).");
            }
            Some(found) => {
                ui.colored_label(
                    widgets::warn_color(ui),
                    format!(
                        "Since the baseline: {}",
                        super::baseline::changes_text(&found)
                    ),
                );
            }
        }
        let matched: Vec<usize> = outcome.matched().collect();
        // Turned-off subscriptions are not run; those whose trigger takes the event are named,
        // as "no subscription matches" would be untrue of them.
        let off_but_matching: Vec<String> = outcome
            .off_matching
            .iter()
            .filter_map(|&i| self.doc.subscriptions.get(i).map(|s| s.name.clone()))
            .collect();
        egui::ScrollArea::vertical()
            .id_salt("preview-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if matched.is_empty() {
                    ui.add_space(8.0);
                    if off_but_matching.is_empty() {
                        ui.label("No subscription matches this event, so nothing is sent.");
                        ui.weak("Select a subscription in the centre to see why its trigger fails, or add one for this event type.");
                    } else {
                        ui.label("No enabled subscription matches this event, so nothing is sent.");
                    }
                }
                for &si in &matched {
                    let Some(run) = outcome.runs.get(si).cloned().flatten() else {
                        continue;
                    };
                    self.run_ui(ui, si, &run);
                }
                let bad: Vec<(usize, String)> = outcome
                    .runs
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| r.as_ref().and_then(|r| r.trigger_error.clone()).map(|e| (i, e)))
                    .collect();
                for (i, e) in bad {
                    let name = self.doc.subscriptions.get(i).map_or("", |s| s.name.as_str());
                    ui.colored_label(widgets::error_color(ui), format!("{name}: {e}"));
                }
                let unmatched: Vec<String> = outcome
                    .runs
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.as_ref().is_some_and(|r| !r.matched && r.trigger_error.is_none()))
                    .filter_map(|(i, _)| self.doc.subscriptions.get(i).map(|s| s.name.clone()))
                    .collect();
                if !unmatched.is_empty() {
                    ui.add_space(6.0);
                    ui.weak(format!("Not matched: {}", unmatched.join(", ")));
                }
                if !off_but_matching.is_empty() {
                    ui.add_space(6.0);
                    ui.colored_label(
                        widgets::warn_color(ui),
                        format!(
                            "Turned off, but the trigger matches this event: {} (tick it in the list to send it).",
                            off_but_matching.join(", ")
                        ),
                    );
                }
            });
    }

    fn run_ui(&mut self, ui: &mut egui::Ui, si: usize, run: &RunOutcome) {
        let sub = &self.doc.subscriptions[si];
        let action =
            engine_glue::action(&sub.action).map_or(sub.action.clone(), |a| a.label.clone());
        let title = format!("{} · {}", sub.name, action);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.strong(&title);
                if ui
                    .small_button("Edit")
                    .on_hover_text("Select this subscription")
                    .clicked()
                {
                    self.selected_sub = Some(si);
                }
            });
            if let Some(e) = &run.error {
                ui.colored_label(widgets::error_color(ui), format!("Not sent: {e}"));
            }
            let n = run.requests.len();
            for (k, req) in run.requests.iter().enumerate() {
                if n > 1 {
                    ui.weak(format!("Request {} of {n}", k + 1));
                }
                // Masked before it is laid out (a form body is shown decoded).
                let shown_req = self.mask_request(req);
                widgets::request_line(ui, &shown_req.method, &shown_req.url);
                egui::CollapsingHeader::new(format!("Headers ({})", req.headers.len()))
                    .id_salt(("headers", si, k))
                    .show(ui, |ui| {
                        egui::Grid::new(("hgrid", si, k))
                            .num_columns(2)
                            .show(ui, |ui| {
                                for (h, v) in shown_req.headers.iter() {
                                    ui.monospace(&**h);
                                    ui.monospace(&**v);
                                    ui.end_row();
                                }
                            });
                    });
                let (shown, _) = engine_glue::pretty_body(&shown_req);
                widgets::code_view(
                    ui,
                    &format!("Request body {} of {}", k + 1, title),
                    &shown,
                    Lang::Json,
                );
                ui.horizontal(|ui| {
                    if ui
                        .button("Copy body")
                        .on_hover_text("The exact body bytes")
                        .clicked()
                    {
                        ui.ctx().copy_text(req.body.clone());
                        self.notify("Copied the request body.", false);
                    }
                    if ui
                        .button("Copy as curl")
                        .on_hover_text(
                            "The API key is masked unless “Show API key” is on in Settings",
                        )
                        .clicked()
                    {
                        ui.ctx().copy_text(engine_glue::curl_command(
                            req,
                            &self.api_key,
                            self.reveal_key,
                        ));
                        self.notify("Copied the request as a curl command.", false);
                    }
                });
            }
            for note in &run.notes {
                ui.label(
                    egui::RichText::new(format!("Note: {note}"))
                        .small()
                        .italics(),
                );
            }
            if let Some(p) = &run.payload {
                egui::CollapsingHeader::new("Resolved payload (what perform() receives)")
                    .id_salt(("payload", si))
                    .show(ui, |ui| {
                        let text = self.mask(&crate::engine::js::stringify_pretty(p));
                        widgets::code_view(
                            ui,
                            &format!("Resolved payload of {title}"),
                            &text,
                            Lang::Json,
                        );
                    });
            }
        });
        ui.add_space(6.0);
    }
}
