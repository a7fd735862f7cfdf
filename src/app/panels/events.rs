//! The events panel: list (virtualised), filter, search, and the JSON editor of the selection.

use super::super::AmpscopeApp;
use super::super::command::Command;
use super::super::widgets::{self, Lang};
use super::heading;
use crate::engine::event::{SEGMENT_EVENT_LIMIT, compact_len};

const KINDS: [&str; 6] = ["track", "page", "screen", "identify", "group", "alias"];

impl AmpscopeApp {
    pub(in crate::app) fn events_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            heading(ui, "Events");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("Open events…")
                    .on_hover_text("Load a JSON object, array or NDJSON file (or drop files here)")
                    .clicked()
                {
                    self.queued.push(Command::OpenEvents);
                }
            });
        });
        ui.horizontal(|ui| {
            let label = ui.label("Type");
            let current = self.kind_filter.clone().unwrap_or_else(|| "all".into());
            egui::ComboBox::from_id_salt("kind-filter")
                .selected_text(current)
                .width(90.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.kind_filter, None, "all");
                    for k in KINDS {
                        ui.selectable_value(&mut self.kind_filter, Some(k.to_string()), k);
                    }
                })
                .response
                .labelled_by(label.id);
            // Room for the clear button while there is something to clear.
            let clear_w = if self.search.is_empty() { 0.0 } else { 24.0 };
            let search = ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("Search name or text")
                    .desired_width(ui.available_width() - clear_w),
            );
            widgets::name(ui, &search, "Search events");
            // Escape in the search clears it (the field gives up the keyboard on Escape).
            if search.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                self.search.clear();
            }
            if !self.search.is_empty() {
                let clear = ui
                    .small_button("×")
                    .on_hover_text("Clear the search (Escape in the search does too)");
                widgets::name(ui, &clear, "Clear search");
                if clear.clicked() {
                    self.search.clear();
                }
            }
            if std::mem::take(&mut self.focus_search) {
                search.request_focus();
            }
        });
        if let Some(l) = &self.loader {
            let name = l
                .path
                .file_name()
                .map_or(String::new(), |f| f.to_string_lossy().into_owned());
            let waiting = match self.load_queue.len() {
                0 => String::new(),
                n => format!(" (then {n} more)"),
            };
            ui.add(
                egui::ProgressBar::new(l.progress)
                    .show_percentage()
                    .text(format!("{name}: {}{waiting}", l.status)),
            );
        }
        let list_height = (ui.available_height() * 0.42).max(140.0);
        self.keep_selection_listed();
        let filtered = self.filtered().to_vec();
        let total = self.doc.events.len();
        let scanning = self.filter_progress();
        ui.horizontal(|ui| {
            if let Some((done, all)) = scanning {
                ui.spinner();
                ui.weak(format!(
                    "Searching… {} found in {done} of {all} events",
                    filtered.len()
                ));
                ui.ctx().request_repaint();
            } else {
                let all = crate::text::count(total, "event", "events");
                ui.weak(if filtered.len() == total {
                    all
                } else {
                    format!("{} of {all}", crate::text::thousands(filtered.len() as u64))
                });
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let has = self.selected_event.is_some();
                if ui
                    .add_enabled(has, egui::Button::new("Delete"))
                    .on_hover_text("Delete the selected event")
                    .clicked()
                {
                    self.queued.push(Command::DeleteEvent);
                }
                if ui
                    .add_enabled(has, egui::Button::new("Duplicate"))
                    .on_hover_text("Duplicate the selected event")
                    .clicked()
                {
                    self.queued.push(Command::DuplicateEvent);
                }
                if ui
                    .button("New")
                    .on_hover_text(
                        "Add an event of the type the list shows (track when it shows all)",
                    )
                    .clicked()
                {
                    self.queued.push(Command::NewEvent);
                }
            });
        });
        let row_h = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_height(list_height);
            if total == 0 {
                ui.vertical_centered(|ui| {
                    ui.add_space(20.0);
                    ui.weak("No events yet.");
                    ui.weak("Open a file, drop one here, or");
                    if ui.button("Load the sample events").clicked() {
                        self.queued.push(Command::ResetSamples);
                    }
                });
                return;
            }
            if filtered.is_empty() {
                ui.weak("No event matches the filter.");
                return;
            }
            egui::ScrollArea::vertical()
                .id_salt("event-list")
                .auto_shrink([false, false])
                .show_rows(ui, row_h, filtered.len(), |ui, rows| {
                    if self.list_selection != self.selected_event {
                        self.list_selection = self.selected_event;
                        let pos = filtered
                            .iter()
                            .position(|&i| Some(i) == self.selected_event);
                        if let Some(pos) = pos {
                            // The rows above the first shown one are not laid out: the
                            // selected row's place comes from its position.
                            let step = row_h + ui.spacing().item_spacing.y;
                            let top = ui.max_rect().top() + (pos as f32 - rows.start as f32) * step;
                            let rect = egui::Rect::from_x_y_ranges(
                                ui.max_rect().x_range(),
                                top..=top + row_h,
                            );
                            ui.scroll_to_rect(rect, None);
                        }
                    }
                    for &i in &filtered[rows] {
                        let Some(e) = self.doc.events.get(i) else {
                            continue;
                        };
                        let selected = self.selected_event == Some(i);
                        let text = egui::RichText::new(format!("{:<8} {}", e.kind, e.label));
                        let resp = ui
                            .with_layout(
                                egui::Layout::top_down_justified(egui::Align::LEFT),
                                |ui| {
                                    ui.add(
                                        egui::Button::selectable(selected, text.monospace())
                                            .truncate()
                                            .min_size(egui::vec2(0.0, row_h - 2.0)),
                                    )
                                },
                            )
                            .inner;
                        if resp.clicked() {
                            self.selected_event = Some(i);
                            self.list_selection = Some(i);
                        }
                    }
                });
        });
        if !self.load_errors.is_empty() {
            let n = self.load_errors.len();
            egui::CollapsingHeader::new(
                egui::RichText::new(if n == 1 {
                    "1 event could not be read".to_string()
                } else {
                    format!("{n} events could not be read")
                })
                .color(widgets::error_color(ui)),
            )
            .id_salt("load-errors")
            .show(ui, |ui| {
                for e in self.load_errors.iter().take(50) {
                    ui.label(e);
                }
                if n > 50 {
                    ui.weak(format!("…and {} more", n - 50));
                }
            });
        }
        ui.separator();
        self.event_editor_ui(ui);
    }

    fn event_editor_ui(&mut self, ui: &mut egui::Ui) {
        let Some(i) = self.selected_event.filter(|&i| i < self.doc.events.len()) else {
            ui.weak("Select an event to see and edit its JSON.");
            return;
        };
        let rev = self.doc.events[i].rev;
        if self.event_buffer_rev != rev {
            // Text that does not parse yet is not the event's, but it is the user's: kept for
            // when its event is selected again.
            if self.event_buffer.error.is_some() {
                let draft = std::mem::take(&mut self.event_buffer);
                self.event_drafts.insert(self.event_buffer_rev, draft);
            }
            match self.event_drafts.remove(&rev) {
                Some(draft) => self.event_buffer = draft,
                None => {
                    self.event_buffer.synced = None;
                    self.event_buffer.sync(Some(&self.doc.events[i].value));
                }
            }
            self.event_buffer_rev = rev;
        }
        ui.horizontal(|ui| {
            ui.strong("Selected event");
            ui.weak(format!("#{}", i + 1));
        });
        if self.event_size.0 != rev {
            self.event_size = (rev, compact_len(&self.doc.events[i].value));
        }
        if self.event_size.1 > SEGMENT_EVENT_LIMIT {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "This event is {} KB as JSON: Segment's tracking API refuses events over \
                     32 KB (400 Bad Request), so it would not reach Amplitude.",
                    self.event_size.1.div_ceil(1024)
                ),
            );
        }
        if let Some((_, msg)) = &self.event_buffer.error {
            ui.colored_label(widgets::error_color(ui), msg);
        }
        let error = self.event_buffer.error.as_ref().map(|(r, _)| r.clone());
        let mut changed = false;
        egui::ScrollArea::vertical()
            .id_salt("event-json")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let resp = widgets::code_editor(
                    ui,
                    "Event JSON",
                    &mut self.event_buffer.text,
                    Lang::Json,
                    error,
                    12,
                );
                changed = resp.changed();
            });
        if changed && let Some(v) = self.event_buffer.parse_event() {
            let now = ui.ctx().input(|i| i.time);
            self.doc.set_event(i, v, now);
            self.event_buffer_rev = self.doc.events[i].rev;
        }
    }
}
