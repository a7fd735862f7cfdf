//! The Compare view: for the selected event, what the classic Amplitude destination sends and
//! what the Actions subscriptions send, side by side, with a field-level diff annotated with
//! known reasons; over all loaded events, a summary of the differences with click-through to
//! examples, exportable as CSV or Markdown.

use std::time::Duration;

use serde_json::Value;

use super::super::engine_glue::pretty_body;
use super::super::widgets::{self, Lang};
use super::super::{AmpscopeApp, Tab};
use super::{heading, short};
use crate::engine::compare::{self, ChangeKind, Comparison, SideBySide};

/// Time the summary may take per frame (the rest of the frame stays for drawing).
const SUMMARY_BUDGET: Duration = Duration::from_millis(8);

/// Export formats of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    Csv,
    Markdown,
}

fn value_text(v: &Option<Value>) -> String {
    match v {
        None => "—".into(),
        Some(v) => short(&v.to_string(), 60),
    }
}

fn kind_color(ui: &egui::Ui, kind: ChangeKind) -> egui::Color32 {
    match kind {
        ChangeKind::Added => widgets::ok_color(ui),
        ChangeKind::Removed => widgets::error_color(ui),
        ChangeKind::Changed | ChangeKind::Moved => widgets::warn_color(ui),
    }
}

fn reason_label(ui: &mut egui::Ui, reason: Option<&'static str>) {
    match reason.and_then(compare::reason) {
        Some(r) => {
            ui.label(r.title)
                .on_hover_text(r.explanation.replace("→", "->"));
        }
        None => {
            ui.weak("no known reason");
        }
    }
}

impl AmpscopeApp {
    pub(in crate::app) fn compare_ui(&mut self, ui: &mut egui::Ui) {
        // The summary advances a slice per frame while the view is open.
        if self.classic.summary.as_ref().is_some_and(|s| !s.is_done())
            && self.classic.step_summary(&self.doc, SUMMARY_BUDGET)
        {
            ui.ctx().request_repaint();
        }
        let mut area = egui::ScrollArea::vertical()
            .id_salt("compare-scroll")
            .auto_shrink([false, false]);
        if std::mem::take(&mut self.classic.scroll_top) {
            area = area.vertical_scroll_offset(0.0);
        }
        area.show(ui, |ui| {
            heading(ui, "Classic vs Actions");
            ui.weak(
                "Classic: Segment's classic Amplitude destination in cloud mode. Actions: the \
                     enabled subscriptions in the editor. API keys are replaced by a placeholder \
                     on both sides; nothing is sent.",
            );
            ui.horizontal(|ui| {
                ui.label(format!("Classic settings: {}.", self.classic.source));
                if ui
                    .button("Edit classic settings")
                    .on_hover_text("Open the Migration tab")
                    .clicked()
                {
                    self.tab = Tab::Migration;
                }
            });
            ui.separator();
            self.compare_selected_ui(ui);
            ui.add_space(8.0);
            ui.separator();
            self.compare_summary_ui(ui);
        });
    }

    fn compare_selected_ui(&mut self, ui: &mut egui::Ui) {
        let Some(index) = self.selected_event.filter(|&i| i < self.doc.events.len()) else {
            heading(ui, "Selected event");
            ui.label(
                "No event selected: choose one in the Debugger tab or from the summary below.",
            );
            return;
        };
        let label = self.doc.events[index].label.clone();
        ui.horizontal(|ui| {
            heading(ui, &format!("Selected event: {label} (#{})", index + 1));
            if ui.small_button("Previous event").clicked() {
                self.queued
                    .push(super::super::command::Command::PreviousEvent);
            }
            if ui.small_button("Next event").clicked() {
                self.queued.push(super::super::command::Command::NextEvent);
            }
        });
        let focus = self.classic.focus_path.clone();
        let Some(sbs) = self.classic.compare_event(&self.doc, index) else {
            return;
        };
        // Columns lay out justified, which stretches the spaces of wrapped lines (notes, long
        // URLs): left-aligned inside.
        let left = egui::Layout::top_down(egui::Align::LEFT);
        ui.columns(2, |cols| {
            cols[0].with_layout(left, |ui| classic_column(ui, sbs));
            cols[1].with_layout(left, |ui| actions_column(ui, sbs));
        });
        ui.add_space(6.0);
        match &sbs.comparison {
            Some(c) => differences_ui(ui, c, focus.as_deref()),
            None => {
                ui.colored_label(
                    widgets::warn_color(ui),
                    "The Actions side could not be computed, so there is nothing to compare.",
                );
            }
        }
    }

    fn compare_summary_ui(&mut self, ui: &mut egui::Ui) {
        heading(ui, "All loaded events");
        let total = self.doc.events.len();
        if total == 0 {
            ui.label(
                "No events loaded: open an events file or load the samples again (File menu).",
            );
            return;
        }
        let running = self.classic.summary.as_ref().is_some_and(|s| !s.is_done());
        ui.horizontal(|ui| {
            if running {
                if ui.button("Cancel").clicked() {
                    self.classic.summary = None;
                }
            } else if ui
                .button(format!(
                    "Compare all {}",
                    crate::text::count(total, "event", "events")
                ))
                .on_hover_text(
                    "Runs both destinations on every loaded event and sums the differences",
                )
                .clicked()
            {
                self.classic.start_summary(&self.doc);
                ui.ctx().request_repaint();
            }
            if self.classic.summary_is_stale(&self.doc) && !running {
                ui.colored_label(
                    widgets::warn_color(ui),
                    "The events, subscriptions or classic settings changed since: compare again.",
                );
            }
        });
        let Some(summary) = self.classic.summary.as_ref() else {
            ui.weak("Press the button to see which fields differ, how often, and why.");
            return;
        };
        if !summary.is_done() {
            let done = summary.next as f32 / summary.total.max(1) as f32;
            ui.add(
                egui::ProgressBar::new(done)
                    .show_percentage()
                    .text(format!("{} of {} events", summary.next, summary.total)),
            );
            return;
        }
        let rows = summary.aggregate.rows();
        ui.label(format!(
            "{} compared: {} identical, {} with differences{}{}; {}.",
            crate::text::count(summary.total, "event", "events"),
            summary.identical,
            summary.total - summary.identical - summary.unsent - summary.unavailable,
            if summary.unsent > 0 {
                format!(", {} sent by neither side", summary.unsent)
            } else {
                String::new()
            },
            if summary.unavailable > 0 {
                format!(
                    ", {} not computable on the Actions side",
                    summary.unavailable
                )
            } else {
                String::new()
            },
            crate::text::count(rows.len(), "kind of difference", "kinds of difference")
        ));
        ui.horizontal(|ui| {
            if ui.button("Export CSV…").clicked() {
                self.export_summary_dialog(SummaryFormat::Csv);
            }
            if ui.button("Export Markdown…").clicked() {
                self.export_summary_dialog(SummaryFormat::Markdown);
            }
            if ui.button("Copy as Markdown").clicked()
                && let Some(text) = self.summary_text(SummaryFormat::Markdown)
            {
                ui.ctx().copy_text(text);
                self.notify("Summary copied as Markdown.", false);
            }
        });
        let mut pick: Option<(usize, String)> = None;
        egui::Grid::new("compare-summary")
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                for h in ["Path", "Change", "Events", "%", "Known reason", "Examples"] {
                    ui.strong(h);
                }
                ui.end_row();
                for row in &rows {
                    ui.monospace(&row.path);
                    ui.colored_label(kind_color(ui, row.kind), row.kind.as_str());
                    ui.label(row.count.to_string());
                    ui.label(format!("{:.1}", row.percent));
                    reason_label(ui, row.reason);
                    ui.horizontal(|ui| {
                        for &i in &row.examples {
                            let b = ui
                                .small_button(format!("#{}", i + 1))
                                .on_hover_text("Show this event's comparison above");
                            widgets::name(ui, &b, format!("Example #{} of {}", i + 1, row.path));
                            if b.clicked() {
                                pick = Some((i, row.path.clone()));
                            }
                        }
                    });
                    ui.end_row();
                }
            });
        if let Some((i, path)) = pick {
            self.reveal_event(i, false);
            self.classic.focus_path = Some(path);
            self.classic.scroll_top = true;
            ui.ctx().request_repaint();
        }
    }

    /// The finished summary as CSV or Markdown.
    pub fn summary_text(&self, format: SummaryFormat) -> Option<String> {
        let s = self.classic.summary.as_ref().filter(|s| s.is_done())?;
        Some(match format {
            SummaryFormat::Csv => s.aggregate.to_csv(),
            SummaryFormat::Markdown => s.aggregate.to_markdown(),
        })
    }

    /// Writes the finished summary to `path` (atomically).
    pub fn export_summary(&mut self, path: &std::path::Path, format: SummaryFormat) {
        let Some(text) = self.summary_text(format) else {
            self.notify(
                "Compare all events first: there is no summary to export.",
                true,
            );
            return;
        };
        match super::super::document::write_atomic(path, &text) {
            Ok(()) => self.notify(format!("Summary written to {}.", path.display()), false),
            Err(e) => self.notify(
                format!(
                    "The summary could not be written to {}: {e}",
                    path.display()
                ),
                true,
            ),
        }
    }

    fn export_summary_dialog(&mut self, format: SummaryFormat) {
        let (name, ext) = match format {
            SummaryFormat::Csv => ("CSV", "csv"),
            SummaryFormat::Markdown => ("Markdown", "md"),
        };
        if let Some(p) = super::super::dialogs::save_file(
            "Export the comparison summary",
            (name, &[ext]),
            &format!("classic-vs-actions.{ext}"),
        ) {
            self.export_summary(&p, format);
        }
    }
}

/// The differences of one event, the path picked in the summary (`focus`) emphasised.
fn differences_ui(ui: &mut egui::Ui, c: &Comparison, focus: Option<&str>) {
    if c.sends_nothing() {
        ui.weak("Neither side sends anything for this event: there is nothing to compare.");
        return;
    }
    let n = c.differences().count();
    if n == 0 {
        ui.colored_label(
            widgets::ok_color(ui),
            "No differences: both send the same objects with the same values.",
        );
        return;
    }
    ui.label(
        egui::RichText::new(format!("Differences ({n})"))
            .strong()
            .size(14.0),
    );
    egui::Grid::new("compare-diff")
        .striped(true)
        .num_columns(6)
        .min_col_width(40.0)
        .show(ui, |ui| {
            for h in [
                "Object",
                "Path",
                "Change",
                "Classic",
                "Actions",
                "Known reason",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for (pair, d) in c.differences() {
                ui.label(short(&pair.label.replace(" → ", " vs "), 36))
                    .on_hover_text(pair.label.replace(" → ", " vs "));
                let path = if d.path.is_empty() {
                    "(whole object)".to_string()
                } else {
                    d.path.clone()
                };
                let path_text = match &d.from {
                    Some(from) => format!("{from} moved to {path}"),
                    None => path.clone(),
                };
                let focused = focus.is_some_and(|f| f == compare::summary_path(pair, d));
                let rich = egui::RichText::new(path_text).monospace();
                ui.label(if focused {
                    rich.strong().underline()
                } else {
                    rich
                });
                ui.colored_label(kind_color(ui, d.kind), d.kind.as_str());
                ui.monospace(value_text(&d.classic))
                    .on_hover_text(value_hover(&d.classic));
                ui.monospace(value_text(&d.actions))
                    .on_hover_text(value_hover(&d.actions));
                reason_label(ui, d.reason);
                ui.end_row();
            }
        });
}

fn value_hover(v: &Option<Value>) -> String {
    match v {
        None => "absent".into(),
        Some(v) => crate::engine::js::stringify_pretty(v),
    }
}

fn request_ui(ui: &mut egui::Ui, side: &str, k: usize, req: &crate::engine::request::HttpRequest) {
    widgets::request_line(ui, &req.method, &req.url);
    let (body, _) = pretty_body(req);
    widgets::code_view(
        ui,
        &format!("{side} request body {}", k + 1),
        &body,
        Lang::Json,
    );
}

fn classic_column(ui: &mut egui::Ui, sbs: &SideBySide) {
    let n = sbs.classic.requests.len();
    ui.strong(format!(
        "Classic ({n} request{})",
        if n == 1 { "" } else { "s" }
    ));
    if let Some(why) = &sbs.classic.skipped {
        ui.weak(format!("Nothing sent: {why}"));
    }
    for (k, r) in sbs.classic.requests.iter().enumerate() {
        request_ui(ui, "Classic", k, &r.request);
        let inferred: Vec<&str> = r
            .decisions
            .iter()
            .filter(|d| d.provenance.is_inferred())
            .map(|d| d.subject.as_str())
            .collect();
        if !inferred.is_empty() {
            let detail: Vec<String> = r
                .decisions
                .iter()
                .filter_map(|d| match &d.provenance {
                    crate::engine::classic::Provenance::Inferred(why) => {
                        Some(format!("{}: {why}", d.subject))
                    }
                    crate::engine::classic::Provenance::Documented(_) => None,
                })
                .collect();
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "Inferred (not fixed by the public record): {}",
                    inferred.join(", ")
                ),
            )
            .on_hover_text(detail.join("\n"));
        }
    }
}

fn actions_column(ui: &mut egui::Ui, sbs: &SideBySide) {
    match &sbs.actions {
        Err(why) => {
            ui.strong("Actions");
            ui.colored_label(widgets::warn_color(ui), why);
        }
        Ok(runs) => {
            let n: usize = runs.iter().map(|r| r.requests.len()).sum();
            ui.strong(format!(
                "Actions ({n} request{})",
                if n == 1 { "" } else { "s" }
            ));
            let mut k = 0;
            for run in runs {
                match run.status {
                    "not_subscribed" => continue,
                    "ok" => {}
                    _ => {
                        ui.colored_label(
                            widgets::error_color(ui),
                            format!(
                                "{}: {}",
                                run.subscription,
                                run.error.as_deref().unwrap_or(run.status)
                            ),
                        );
                    }
                }
                for req in &run.requests {
                    ui.weak(&run.subscription);
                    request_ui(ui, "Actions", k, req);
                    k += 1;
                }
            }
            if n == 0 {
                ui.weak("No enabled subscription matches this event.");
            }
        }
    }
}
