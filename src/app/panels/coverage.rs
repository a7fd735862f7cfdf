//! The coverage view: events × subscriptions, and warnings where one event is sent twice.

use super::super::AmpscopeApp;
use super::super::preview::double_send;
use super::super::widgets;
use super::{heading, short};

/// One double send: event index, the subscriptions sending it, the suggested fix.
type Warning = (usize, Vec<usize>, Option<(usize, String)>);

/// Events scanned for the warning summary (the matrix itself is virtualised and unbounded).
const SCAN_LIMIT: usize = 2_000;

/// Scanning time per frame.
const SCAN_BUDGET: std::time::Duration = std::time::Duration::from_millis(6);

/// The double-send scan, kept between frames: what it was computed from, how far it got.
#[derive(Debug, Clone, Default)]
pub struct CoverageScan {
    key: (u64, u64, u64),
    next: usize,
    warnings: Vec<Warning>,
    unmatched: usize,
}

impl AmpscopeApp {
    pub(in crate::app) fn coverage_ui(&mut self, ui: &mut egui::Ui) {
        heading(ui, "Coverage");
        ui.weak("Which subscriptions fire for each event, and what they produce. sent = requests built · error = not sent · – = no match · off = disabled");
        let subs: Vec<String> = self
            .doc
            .subscriptions
            .iter()
            .map(|s| s.name.clone())
            .collect();
        if subs.is_empty() || self.doc.events.is_empty() {
            ui.add_space(10.0);
            ui.label("Load events and add subscriptions to see the coverage matrix.");
            return;
        }
        // Warnings: events sent more than once. Scanned a slice per frame (and kept) so that an
        // edit with many events loaded never stalls a frame.
        let key = self.doc.revisions();
        if self.coverage_scan.key != key {
            self.coverage_scan = CoverageScan {
                key,
                ..Default::default()
            };
        }
        let scan = self.doc.events.len().min(SCAN_LIMIT);
        let start = std::time::Instant::now();
        while self.coverage_scan.next < scan {
            let i = self.coverage_scan.next;
            self.coverage_scan.next += 1;
            let Some(o) = self.outcome(i) else { continue };
            if o.matched().next().is_none() {
                self.coverage_scan.unmatched += 1;
            }
            if let Some(d) = double_send(&self.doc.subscriptions, &self.doc.events[i].value, &o) {
                self.coverage_scan.warnings.push((i, d.subs, d.fix));
            }
            if start.elapsed() >= SCAN_BUDGET {
                break;
            }
        }
        let scanned = self.coverage_scan.next;
        if scanned < scan {
            widgets::working(
                ui,
                format!("Looking for double sends… {scanned} of {scan} events"),
            );
        }
        let warnings = self.coverage_scan.warnings.clone();
        let unmatched = self.coverage_scan.unmatched;
        if warnings.is_empty() {
            ui.colored_label(
                widgets::ok_color(ui),
                "No event is sent to Amplitude more than once.",
            );
        } else {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "Warning: {} {} sent more than once: Amplitude counts them twice (an Order Completed sent by both Log Event and Log Purchase inflates revenue).",
                    warnings.len(),
                    if warnings.len() == 1 { "event is" } else { "events are" }
                ),
            );
            let mut seen = Vec::new();
            for (i, subs_hit, fix) in warnings.iter().take(20) {
                let names: Vec<&str> = subs_hit
                    .iter()
                    .filter_map(|&s| subs.get(s).map(String::as_str))
                    .collect();
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!(
                        "- {} -> {}",
                        self.doc.events[*i].label,
                        names.join(" + ")
                    ));
                    if let Some((target, cond)) = fix
                        && !seen.contains(&(target, cond))
                    {
                        seen.push((target, cond));
                        let name = subs.get(*target).map_or("", String::as_str);
                        if ui
                            .button(format!("Add `{cond}` to {name}"))
                            .on_hover_text(
                                "Excludes this event from the other trigger so it is sent once",
                            )
                            .clicked()
                        {
                            self.queued_fix = Some((*target, cond.clone()));
                        }
                    }
                });
            }
        }
        if scan < self.doc.events.len() {
            ui.weak(format!(
                "Warnings cover the first {} events; the matrix below covers all.",
                crate::text::thousands(scan as u64)
            ));
        }
        if unmatched > 0 {
            ui.weak(unmatched_text(unmatched, scan, self.doc.events.len()));
        }
        ui.separator();
        self.baseline_ui(ui);
        ui.separator();
        let row_h = 22.0;
        let n_events = self.doc.events.len();
        egui::ScrollArea::both()
            .id_salt("coverage-grid")
            .auto_shrink([false, false])
            .show_rows(ui, row_h, n_events + 1, |ui, rows| {
                egui::Grid::new("coverage")
                    .striped(true)
                    .min_col_width(90.0)
                    .min_row_height(row_h - 4.0)
                    .show(ui, |ui| {
                        for r in rows {
                            if r == 0 {
                                ui.strong("event");
                                for s in &subs {
                                    ui.strong(short(s, 22));
                                }
                                ui.end_row();
                                continue;
                            }
                            let i = r - 1;
                            let Some(o) = self.outcome(i) else { continue };
                            if ui
                                .selectable_label(
                                    self.selected_event == Some(i),
                                    short(&self.doc.events[i].label, 32),
                                )
                                .on_hover_text("Show this event in the debugger")
                                .clicked()
                            {
                                self.reveal_event(i, true);
                            }
                            for run in &o.runs {
                                match run {
                                    None => {
                                        ui.weak("off");
                                    }
                                    Some(r) if r.trigger_error.is_some() => {
                                        ui.colored_label(widgets::error_color(ui), "bad trigger");
                                    }
                                    Some(r) if !r.matched => {
                                        ui.weak("–");
                                    }
                                    Some(r) if r.error.is_some() => {
                                        ui.colored_label(widgets::error_color(ui), "error")
                                            .on_hover_text(r.error.clone().unwrap_or_default());
                                    }
                                    Some(r) => {
                                        ui.colored_label(
                                            widgets::ok_color(ui),
                                            format!(
                                                "sent ({} request{})",
                                                r.requests.len(),
                                                if r.requests.len() == 1 { "" } else { "s" }
                                            ),
                                        );
                                    }
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
    }
}

/// The count of events no subscription matches, among the `scanned` first of `total`.
fn unmatched_text(unmatched: usize, scanned: usize, total: usize) -> String {
    use crate::text::{count, thousands};
    let who = if scanned < total {
        format!(
            "{} of the first {} events",
            thousands(unmatched as u64),
            thousands(scanned as u64)
        )
    } else {
        count(unmatched, "event", "events")
    };
    let verb = if unmatched == 1 { "matches" } else { "match" };
    format!("{who} {verb} no subscription (nothing is sent for them).")
}

#[cfg(test)]
mod tests {
    use super::unmatched_text;

    #[test]
    fn the_unmatched_count_says_what_it_counts() {
        assert_eq!(
            unmatched_text(1, 47, 47),
            "1 event matches no subscription (nothing is sent for them)."
        );
        assert_eq!(
            unmatched_text(202, 2000, 46_847),
            "202 of the first 2,000 events match no subscription (nothing is sent for them)."
        );
        assert_eq!(
            unmatched_text(1, 2000, 2001),
            "1 of the first 2,000 events matches no subscription (nothing is sent for them)."
        );
    }
}
