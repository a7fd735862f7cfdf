//! Replacing the document (new project, open project, quit) without losing unsaved edits, the
//! list of recent projects, and the window title that names the project.

use std::path::{Path, PathBuf};

use super::AmpscopeApp;
use super::document::Document;

/// How many projects "Open recent" lists.
pub const MAX_RECENT: usize = 8;

/// A destination's subscriptions fit in far less; a larger file is not read.
const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// Where the recent projects are kept in the app's storage (a JSON array of paths).
pub(super) const STORAGE_RECENT: &str = "recent_projects";

/// Something that replaces the document, or ends the session: asked about first when the
/// document has unsaved changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replace {
    /// Pick a project file in a dialog, then open it.
    PickProject,
    /// Open this project file.
    Open(PathBuf),
    /// A new project: the built-in sample events and the presets.
    New,
    /// Close the window.
    Quit,
    /// Put the autosaved work of a session that did not close cleanly in place.
    Recover(PathBuf),
}

impl Replace {
    /// What the question about unsaved changes names as the next step.
    fn verb(&self) -> &'static str {
        match self {
            Replace::PickProject | Replace::Open(_) => "opening another project",
            Replace::New => "starting a new project",
            Replace::Quit => "closing",
            Replace::Recover(_) => "recovering last session's work",
        }
    }
}

impl AmpscopeApp {
    /// Runs `r` now when nothing would be lost, otherwise asks first (save, don't save,
    /// cancel).
    pub fn request(&mut self, r: Replace) {
        if self.doc.dirty || self.unparsed_texts() > 0 {
            self.pending_replace = Some(r);
        } else {
            self.replace_now(r);
        }
    }

    /// The project's file name, when it has a file.
    pub fn project_file_name(&self) -> Option<String> {
        let name = self.doc.path.as_ref()?.file_name()?;
        Some(name.to_string_lossy().into_owned())
    }

    fn replace_now(&mut self, r: Replace) {
        match r {
            Replace::PickProject => {
                if let Some(p) = super::dialogs::pick_file("Open project", super::dialogs::PROJECT)
                {
                    self.open_project(&p);
                }
            }
            Replace::Open(p) => self.open_project(&p),
            Replace::New => self.new_project(),
            Replace::Quit => self.close_now = true,
            Replace::Recover(p) => self.recover(&p),
        }
    }

    /// Replaces the document with a new one on the built-in samples and the presets.
    pub fn new_project(&mut self) {
        self.install_document(Document::samples_and_presets());
        self.notify(
            "New project: the sample events and the Amplitude presets.",
            false,
        );
    }

    /// Adds the subscriptions of a Segment configuration file (the Public API's shape; see
    /// [`crate::engine::project::from_segment_json`]) to the editor, as one undoable step.
    pub fn import_segment(&mut self, path: &Path, now: f64) {
        let name = path.display();
        let text = match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_CONFIG_BYTES => Err(format!(
                "{} is larger than a destination's subscriptions can be",
                super::tasks::megabytes(m.len())
            )),
            _ => std::fs::read_to_string(path).map_err(|e| e.to_string()),
        };
        let imported = match text.and_then(|t| crate::engine::project::from_segment_json(&t)) {
            Ok(i) => i,
            Err(e) => return self.notify(format!("Could not import {name}: {e}"), true),
        };
        let (subs, there) = self.not_yet_in_editor(imported.subscriptions);
        let n = subs.len();
        let have = self.doc.subscriptions.len();
        if let Err(e) = self.room_for(n, have) {
            return self.notify(format!("Could not import {name}: {e}."), true);
        }
        if n > 0 {
            self.doc.subscriptions.extend(subs);
            self.doc.commit_edits("segment-import", now - 10.0);
            self.selected_sub = Some(have);
            self.tab = super::Tab::Debugger;
        }
        let mut text = format!(
            "Imported {} from {name}",
            crate::text::count(n, "subscription", "subscriptions")
        );
        if there > 0 {
            text.push_str(&format!(" ({there} already in the editor, left out)"));
        }
        if !imported.problems.is_empty() {
            text.push_str(": ");
            text.push_str(&imported.problems.join("; "));
        }
        self.notify(text, !imported.problems.is_empty());
    }

    /// Writes the subscriptions in the Public API's shape (atomically), for review in git or
    /// to re-apply them in Segment.
    pub fn export_segment(&mut self, path: &Path) {
        let text = crate::engine::project::to_segment_json(&self.doc.subscriptions);
        // Exported all the same (the file is the user's to fix), but said: a subscription
        // without a name, or whose trigger does not parse (Segment does not run it).
        let refused: Vec<String> = self
            .doc
            .subscriptions
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                if s.name.trim().is_empty() {
                    Some(format!("subscription {} has no name", i + 1))
                } else if super::engine_glue::check_trigger(&s.trigger).is_err() {
                    Some(format!(
                        "the trigger of {} does not parse (Segment does not run it)",
                        s.name
                    ))
                } else {
                    None
                }
            })
            .collect();
        match super::document::write_atomic(path, &text) {
            Ok(()) => {
                let done = format!(
                    "Exported {} to {}",
                    crate::text::count(
                        self.doc.subscriptions.len(),
                        "subscription",
                        "subscriptions"
                    ),
                    path.display()
                );
                if refused.is_empty() {
                    self.notify(done, false);
                } else {
                    self.notify(
                        format!("{done}; check it before importing: {}.", refused.join("; ")),
                        true,
                    );
                }
            }
            Err(e) => self.notify(format!("Could not export to {}: {e}", path.display()), true),
        }
    }

    /// Puts `path` first in the recent projects (once; the oldest beyond the limit drop off).
    pub(super) fn remember_recent(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    /// The recent projects as kept in storage.
    pub(super) fn recent_to_storage(&self) -> String {
        let list: Vec<String> = self
            .recent
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        serde_json::to_string(&list).unwrap_or_default()
    }

    /// The recent projects from storage (anything unreadable is ignored).
    pub(super) fn recent_from_storage(text: &str) -> Vec<PathBuf> {
        serde_json::from_str::<Vec<String>>(text)
            .unwrap_or_default()
            .into_iter()
            .take(MAX_RECENT)
            .map(PathBuf::from)
            .collect()
    }

    /// The File menu's "Open recent" submenu.
    pub(super) fn recent_menu_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_enabled_ui(!self.recent.is_empty(), |ui| {
            ui.menu_button("Open recent", |ui| {
                let mut open = None;
                for p in &self.recent {
                    let name = p
                        .file_name()
                        .map_or_else(|| p.display().to_string(), |f| f.to_string_lossy().into());
                    if ui
                        .button(name)
                        .on_hover_text(p.display().to_string())
                        .clicked()
                    {
                        open = Some(p.clone());
                        ui.close();
                    }
                }
                ui.separator();
                if ui.button("Clear the list").clicked() {
                    self.recent.clear();
                    ui.close();
                }
                if let Some(p) = open {
                    self.request(Replace::Open(p));
                }
            });
        });
    }

    /// The question about unsaved changes, while one is pending; then what was asked for.
    pub(super) fn unsaved_ui(&mut self, ctx: &egui::Context) {
        let Some(pending) = self.pending_replace.clone() else {
            return;
        };
        #[derive(PartialEq)]
        enum Choice {
            Save,
            Discard,
            Cancel,
        }
        let mut choice = None;
        let name = self
            .project_file_name()
            .unwrap_or_else(|| "this unsaved project".to_string());
        let modal = egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.set_width(420.0);
            ui.heading(format!("Save the changes to {name}?"));
            ui.label(format!(
                "Your changes are lost if you don't save them before {}.",
                pending.verb()
            ));
            let unparsed = self.unparsed_texts();
            if unparsed > 0 {
                ui.colored_label(
                    super::widgets::warn_color(ui),
                    format!(
                        "{} that does not parse yet; it cannot be saved and is lost either \
                         way. Cancel to finish it.",
                        crate::text::count(unparsed, "editor holds text", "editors hold text"),
                    ),
                );
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    choice = Some(Choice::Save);
                }
                if ui.button("Don't save").clicked() {
                    choice = Some(Choice::Discard);
                }
                if ui.button("Cancel").clicked() {
                    choice = Some(Choice::Cancel);
                }
            });
        });
        if modal.should_close() && choice.is_none() {
            choice = Some(Choice::Cancel);
        }
        let Some(choice) = choice else {
            return;
        };
        self.pending_replace = None;
        self.next_load(ctx);
        match choice {
            Choice::Cancel => {}
            Choice::Discard => self.replace_now(pending),
            Choice::Save => {
                let path = self.doc.path.clone().or_else(super::dialogs::save_project);
                if let Some(p) = path {
                    self.save_project(&p);
                }
                // A failed or cancelled save keeps the document (the notice says why).
                if !self.doc.dirty {
                    self.replace_now(pending);
                }
            }
        }
    }

    /// Holds a close of the window while there are unsaved changes (and asks), closes it
    /// once the user has decided, and keeps the title naming the project.
    pub(super) fn window_ui(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && !self.close_now
            && (self.doc.dirty || self.unparsed_texts() > 0)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.pending_replace = Some(Replace::Quit);
        }
        if self.close_now {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let title = format!(
            "{}{} — Ampscope",
            self.project_file_name()
                .unwrap_or_else(|| "Unsaved project".to_string()),
            if self.doc.dirty { " *" } else { "" }
        );
        if self.title_shown != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = title;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list survives storage as it was, and text that is not a list reads as none.
    #[test]
    fn recent_projects_round_trip_through_storage() {
        let mut app = AmpscopeApp::default();
        for i in 0..(MAX_RECENT + 3) {
            app.remember_recent(Path::new(&format!("/tmp/p{i}.json")));
        }
        app.remember_recent(Path::new("/tmp/p4.json"));
        assert_eq!(app.recent.len(), MAX_RECENT);
        assert_eq!(app.recent[0], Path::new("/tmp/p4.json"));
        assert_eq!(app.recent[1], Path::new("/tmp/p10.json"));
        assert_eq!(
            app.recent.iter().filter(|p| p.ends_with("p4.json")).count(),
            1
        );
        let text = app.recent_to_storage();
        assert_eq!(AmpscopeApp::recent_from_storage(&text), app.recent);
        assert!(AmpscopeApp::recent_from_storage("not json").is_empty());
        assert!(AmpscopeApp::recent_from_storage("{\"a\":1}").is_empty());
    }
}
