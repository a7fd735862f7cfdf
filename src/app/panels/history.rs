//! The History view: every send recorded (keys redacted) in the app's data folder; list,
//! filter, open, resend, compare two entries, export as JSON.

use super::super::engine_glue::pretty_body;
use super::super::widgets::{self, Lang};
use super::super::{AmpscopeApp, Tab};
use super::{heading, short};
use crate::transport::history::{HistoryEntry, HistoryFilter, Outcome};

/// What the History view remembers between frames.
#[derive(Debug, Clone, Default)]
pub struct HistoryView {
    pub text: String,
    pub outcome: Option<Outcome>,
    /// The entry shown in detail.
    pub open: Option<u64>,
    /// Up to two entries ticked for comparison, oldest tick first.
    pub ticked: Vec<u64>,
    pub confirm_clear: bool,
}

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Success => "success",
        Outcome::Rejected => "rejected",
        Outcome::Failed => "failed",
        Outcome::Cancelled => "cancelled",
    }
}

fn status_text(e: &HistoryEntry) -> String {
    match (&e.response, &e.error) {
        (Some(r), _) => r.status.to_string(),
        (None, Some(err)) => short(&err.message(), 40),
        (None, None) => outcome_text(e.outcome).into(),
    }
}

/// `HH:MM:SS` (UTC) of a time in epoch milliseconds, with the date when not today.
fn time_text(ms: u64, now_ms: u64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    let day = secs / 86_400;
    if day == now_ms / 86_400_000 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        let (y, mo, d) = crate::engine::jsdate::civil_from_days(day as i64);
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02}")
    }
}

impl AmpscopeApp {
    pub(in crate::app) fn history_ui(&mut self, ui: &mut egui::Ui) {
        heading(ui, "Send history");
        let Some(history) = self.history.as_ref() else {
            ui.label(
                "The history is off: the app's data folder is not available, so sends are not \
                 recorded.",
            );
            return;
        };
        let total = history.len();
        let where_ = history.path().display().to_string();
        let view = &mut self.history_view;
        ui.horizontal(|ui| {
            let r = ui.add(
                egui::TextEdit::singleline(&mut view.text)
                    .hint_text("Filter: text in label, target, URL, bodies…")
                    .desired_width(280.0),
            );
            widgets::name(ui, &r, "Filter history");
            let combo = egui::ComboBox::from_id_salt("history-outcome")
                .selected_text(view.outcome.map_or("any outcome", outcome_text))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut view.outcome, None, "any outcome");
                    for o in [
                        Outcome::Success,
                        Outcome::Rejected,
                        Outcome::Failed,
                        Outcome::Cancelled,
                    ] {
                        ui.selectable_value(&mut view.outcome, Some(o), outcome_text(o));
                    }
                });
            widgets::name(ui, &combo.response, "Outcome filter");
        });
        let filter = HistoryFilter {
            text: Some(view.text.trim().to_string()).filter(|t| !t.is_empty()),
            outcome: view.outcome,
            ..Default::default()
        };
        let listed: Vec<HistoryEntry> = history.list(&filter).into_iter().cloned().collect();
        ui.weak(format!(
            "{} of {total} sends listed, newest first. Stored (keys redacted) in {where_}.",
            listed.len()
        ));
        let ids: Vec<u64> = listed.iter().map(|e| e.id).collect();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!ids.is_empty(), egui::Button::new("Export listed…"))
                .on_hover_text("Save the listed entries as JSON (API keys redacted)")
                .clicked()
            {
                self.export_history_dialog(&ids);
            }
            let ticked = self.history_view.ticked.len();
            ui.label(format!("{ticked} of 2 ticked for comparison"));
            if ticked > 0 && ui.small_button("Untick").clicked() {
                self.history_view.ticked.clear();
            }
            if self.history_view.confirm_clear {
                ui.colored_label(widgets::warn_color(ui), "Delete every entry?");
                if ui.button("Yes, clear the history").clicked() {
                    if let Some(h) = self.history.as_mut() {
                        h.clear();
                        let _ = h.save();
                    }
                    self.history_view = Default::default();
                }
                if ui.button("No").clicked() {
                    self.history_view.confirm_clear = false;
                }
            } else if ui
                .add_enabled(total > 0, egui::Button::new("Clear history…"))
                .clicked()
            {
                self.history_view.confirm_clear = true;
            }
        });
        if total == 0 {
            ui.add_space(10.0);
            ui.label("Nothing sent yet: send an event from the Send tab and it appears here.");
            return;
        }
        ui.separator();
        let width = ui.available_width();
        egui::Panel::left("history-list")
            .resizable(true)
            .default_size((width * 0.42).clamp(320.0, 560.0))
            .show(ui, |ui| self.history_list_ui(ui, &listed));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("history-detail")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if self.history_view.ticked.len() == 2 {
                        self.history_compare_ui(ui);
                        ui.separator();
                    }
                    self.history_detail_ui(ui);
                });
        });
    }

    fn history_list_ui(&mut self, ui: &mut egui::Ui, listed: &[HistoryEntry]) {
        let now = crate::clock::now_ms() as u64;
        let row_h = ui.spacing().interact_size.y + 2.0;
        egui::ScrollArea::vertical()
            .id_salt("history-rows")
            .auto_shrink([false, false])
            .show_rows(ui, row_h, listed.len(), |ui, range| {
                for e in &listed[range] {
                    ui.horizontal(|ui| {
                        let mut ticked = self.history_view.ticked.contains(&e.id);
                        let t = ui.checkbox(&mut ticked, "");
                        widgets::name(ui, &t, format!("Compare entry {}", e.id));
                        if t.changed() {
                            let v = &mut self.history_view.ticked;
                            if ticked {
                                v.push(e.id);
                                if v.len() > 2 {
                                    v.remove(0);
                                }
                            } else {
                                v.retain(|&i| i != e.id);
                            }
                        }
                        let color = match e.outcome {
                            Outcome::Success => widgets::ok_color(ui),
                            Outcome::Rejected | Outcome::Failed => widgets::error_color(ui),
                            Outcome::Cancelled => ui.visuals().weak_text_color(),
                        };
                        let text = format!(
                            "{} · {} · {} · {} ms",
                            time_text(e.time_ms, now),
                            short(&e.label, 48),
                            status_text(e),
                            e.latency_ms
                        );
                        let open = self.history_view.open == Some(e.id);
                        let b = ui.add(egui::Button::selectable(
                            open,
                            egui::RichText::new(text).color(color),
                        ));
                        widgets::name(ui, &b, format!("History entry {}: {}", e.id, e.label));
                        if b.clicked() {
                            self.history_view.open = Some(e.id);
                        }
                        b.on_hover_text(&e.target);
                    });
                }
            });
    }

    fn history_detail_ui(&mut self, ui: &mut egui::Ui) {
        let Some(entry) = self
            .history_view
            .open
            .and_then(|id| self.history.as_ref()?.get(id).cloned())
        else {
            ui.weak("Open an entry on the left to see its request and answer.");
            return;
        };
        ui.strong(format!("{} sent to {}", entry.label, entry.target));
        ui.label(format!(
            "{} · {} · {} ms",
            outcome_text(entry.outcome),
            status_text(&entry),
            entry.latency_ms
        ));
        ui.horizontal(|ui| {
            if ui
                .button("Resend")
                .on_hover_text("Send this request again to the target chosen in the Send tab")
                .clicked()
            {
                self.resend_entry(ui.ctx(), &entry);
            }
            if ui.button("Delete entry").clicked() {
                if let Some(h) = self.history.as_mut() {
                    h.remove(entry.id);
                    let _ = h.save();
                }
                self.history_view.open = None;
                self.history_view.ticked.retain(|&i| i != entry.id);
            }
        });
        ui.add_space(4.0);
        ui.label(egui::RichText::new("Request").strong());
        ui.monospace(format!("{} {}", entry.request.method, entry.request.url));
        for (k, v) in entry.request.headers.iter() {
            ui.monospace(format!("{k}: {v}"));
        }
        let (body, _) = pretty_body(&entry.request);
        widgets::code_view(ui, "History request body", &body, Lang::Json);
        ui.add_space(4.0);
        ui.label(egui::RichText::new("Answer").strong());
        match (&entry.response, &entry.error) {
            (Some(r), _) => {
                ui.monospace(format!(
                    "{} {}",
                    r.status,
                    crate::engine::request::status_text(r.status)
                ));
                // Explained as the Send tab explained it when it came.
                let ex = crate::transport::explain::explain(&entry.request, r);
                super::super::send_view::explanation_ui(ui, &ex);
                // The form endpoints answer in plain text: not coloured as JSON.
                let body = super::super::send_view::pretty_body(&r.body);
                let lang = if crate::engine::js::utf16::parse_json(&r.body).is_ok() {
                    Lang::Json
                } else {
                    Lang::Text
                };
                widgets::code_view(ui, "History response body", &body, lang);
            }
            (None, Some(e)) => {
                ui.colored_label(widgets::error_color(ui), e.message());
            }
            (None, None) => {
                ui.weak("No answer recorded.");
            }
        }
    }

    fn history_compare_ui(&mut self, ui: &mut egui::Ui) {
        let (a, b) = (self.history_view.ticked[0], self.history_view.ticked[1]);
        ui.strong(format!("Entry {a} vs entry {b}"));
        let Some(diffs) = self.history.as_ref().and_then(|h| h.compare(a, b)) else {
            ui.weak("One of the ticked entries is gone.");
            return;
        };
        if diffs.is_empty() {
            ui.colored_label(widgets::ok_color(ui), "Identical requests and answers.");
            return;
        }
        // Long paths push the entries' columns past the panel: they scroll sideways.
        egui::ScrollArea::horizontal()
            .id_salt("history-compare-scroll")
            .show(ui, |ui| {
                egui::Grid::new("history-compare")
                    .striped(true)
                    .num_columns(3)
                    .show(ui, |ui| {
                        ui.strong("Path");
                        ui.strong(format!("Entry {a}"));
                        ui.strong(format!("Entry {b}"));
                        ui.end_row();
                        for d in &diffs {
                            ui.monospace(&d.path);
                            for side in [&d.left, &d.right] {
                                let text =
                                    side.as_ref().map_or("—".to_string(), |v| v.to_string());
                                ui.monospace(short(&text, 50)).on_hover_text(text);
                            }
                            ui.end_row();
                        }
                    });
            });
    }

    /// Sends a history entry's request again (keys restored from the settings) and shows the
    /// Send view, where its answer arrives.
    pub fn resend_entry(&mut self, ctx: &egui::Context, entry: &HistoryEntry) {
        let key = if self.api_key.is_empty() {
            "YOUR_API_KEY".to_string()
        } else {
            self.api_key.clone()
        };
        let request =
            crate::transport::redact::restore_keys(&entry.request, &key, &self.secret_key);
        let api_key = self.api_key.clone();
        let view = self
            .send
            .get_or_insert_with(super::super::send_view::SendView::new);
        view.resend(ctx, &entry.label, request, &api_key);
        self.tab = Tab::Send;
    }

    fn export_history_dialog(&mut self, ids: &[u64]) {
        let Some(p) = super::super::dialogs::save_file(
            "Export send history",
            ("JSON", &["json"]),
            "ampscope-send-history.json",
        ) else {
            return;
        };
        self.export_history(&p, Some(ids));
    }

    /// Writes history entries (all when `ids` is `None`) to `path` as JSON, keys redacted.
    pub fn export_history(&mut self, path: &std::path::Path, ids: Option<&[u64]>) {
        let Some(h) = self.history.as_ref() else {
            return;
        };
        match h.export_to(path, ids) {
            Ok(()) => self.notify(format!("History exported to {}.", path.display()), false),
            Err(e) => self.notify(
                format!(
                    "The history could not be exported to {}: {e}",
                    path.display()
                ),
                true,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(crate::engine::jsdate::civil_from_days(0), (1970, 1, 1));
        assert_eq!(crate::engine::jsdate::civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(
            crate::engine::jsdate::civil_from_days(20_785),
            (2026, 11, 28)
        );
        // 2026-11-28 13:05:09 UTC, seen on another day.
        let ms = 20_785 * 86_400_000 + (13 * 3600 + 5 * 60 + 9) * 1000;
        assert_eq!(time_text(ms, ms), "13:05:09");
        assert_eq!(time_text(ms, ms + 86_400_000), "2026-11-28 13:05");
    }
}
