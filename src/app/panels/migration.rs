//! The Migration view: classic Amplitude settings in (pasted, opened from a file, or edited in a
//! form with every setting), the documented fate of each setting in Actions, and the equivalent
//! Actions subscriptions, which load into the editor in one click.

use serde_json::Value;

use super::super::widgets::{self, Lang};
use super::super::{AmpscopeApp, Tab};
use super::{heading, short};
use crate::engine::classic::{CATALOG, SettingKind};
use crate::engine::migration::{Fate, MigrationPlan};
use crate::engine::project::Subscription;

fn fate_text(f: &Fate) -> &'static str {
    match f {
        Fate::GlobalSetting => "destination setting",
        Fate::Subscription => "subscription",
        Fate::ActionField => "action field",
        Fate::NotSupported => "not supported",
        Fate::NotApplicable => "device mode only",
    }
}

fn fate_color(ui: &egui::Ui, f: &Fate) -> egui::Color32 {
    match f {
        Fate::GlobalSetting | Fate::Subscription | Fate::ActionField => widgets::ok_color(ui),
        Fate::NotSupported => widgets::error_color(ui),
        Fate::NotApplicable => ui.visuals().weak_text_color(),
    }
}

impl AmpscopeApp {
    pub(in crate::app) fn migration_ui(&mut self, ui: &mut egui::Ui) {
        egui::ScrollArea::vertical()
            .id_salt("migration-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                heading(ui, "Migrate from classic Amplitude");
                ui.weak(
                    "Paste your classic destination's settings (the JSON the Segment Public API \
                     returns, or a bare settings object) or edit them in the form. Ampscope shows \
                     where each setting lives in Amplitude (Actions) and generates the \
                     subscriptions that reproduce it. Keys stay in memory only and are masked.",
                );
                ui.horizontal(|ui| {
                    if ui.button("Open settings…").clicked() {
                        self.open_classic_settings_dialog();
                    }
                    if ui
                        .button("Use catalog defaults")
                        .on_hover_text("Every setting at the default Segment's catalog gives it")
                        .clicked()
                    {
                        self.classic.use_defaults();
                    }
                    ui.checkbox(
                        &mut self.classic.options.keep_classic_page_names,
                        "Keep classic page names",
                    )
                    .on_hover_text(
                        "Name Page Calls events like classic (\"Viewed <Category> <Name> Page\", \
                         \"Loaded a Page\") instead of the preset's \"Viewed {{name}}\"",
                    );
                });
                ui.label(format!("Settings from {}.", self.classic.source));
                ui.separator();
                let plan = self.classic.plan().clone();
                // Columns lay out justified, which stretched the spaces of every wrapped
                // trigger and note: left-aligned inside.
                let left = egui::Layout::top_down(egui::Align::LEFT);
                ui.columns(2, |cols| {
                    cols[0].with_layout(left, |ui| self.classic_settings_input_ui(ui));
                    cols[1].with_layout(left, |ui| self.generated_subscriptions_ui(ui, &plan));
                });
                ui.separator();
                self.fates_ui(ui, &plan);
            });
    }

    fn classic_settings_input_ui(&mut self, ui: &mut egui::Ui) {
        ui.strong("Classic settings (JSON)");
        let error = self.classic.text_error.as_ref().map(|(r, _)| r.clone());
        let resp = widgets::code_editor(
            ui,
            "Classic settings JSON",
            &mut self.classic.text,
            Lang::Json,
            error,
            12,
        );
        if resp.changed() {
            self.classic.apply_text();
        }
        if !resp.has_focus() {
            self.classic.mask_text();
        }
        if let Some((_, msg)) = &self.classic.text_error {
            ui.colored_label(
                widgets::error_color(ui),
                format!("Settings not applied: {msg}"),
            );
        }
        for issue in &self.classic.issues {
            ui.colored_label(widgets::warn_color(ui), issue);
        }
        egui::CollapsingHeader::new("Every setting (form)")
            .id_salt("classic-form")
            .show(ui, |ui| self.classic_form_ui(ui));
    }

    fn classic_form_ui(&mut self, ui: &mut egui::Ui) {
        let values = self.classic.form_values();
        let mut edit: Option<(&'static str, Value)> = None;
        egui::Grid::new("classic-form-grid")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for info in CATALOG {
                    let current = values.get(info.key).cloned().unwrap_or(Value::Null);
                    ui.label(info.label)
                        .on_hover_text(format!("{} — {}", info.key, info.behaviour));
                    let secret = matches!(info.key, "apiKey" | "secretKey");
                    match info.kind {
                        SettingKind::Boolean => {
                            let mut b = current.as_bool().unwrap_or(false);
                            let r = ui.checkbox(&mut b, "");
                            widgets::name(ui, &r, info.label);
                            if r.changed() {
                                edit = Some((info.key, Value::Bool(b)));
                            }
                        }
                        SettingKind::Number => {
                            let mut n = current.as_f64().unwrap_or(0.0);
                            let r = ui.add(egui::DragValue::new(&mut n));
                            widgets::name(ui, &r, info.label);
                            if r.changed() {
                                edit = Some((info.key, serde_json::json!(n)));
                            }
                        }
                        SettingKind::String | SettingKind::Select => {
                            // A secret is edited as itself in a password field (drawn as dots):
                            // editing its mask turned every keystroke after the first into an
                            // edit of the mask.
                            let classic = self.classic.settings();
                            let mut s = match info.key {
                                "apiKey" => classic.api_key.clone(),
                                "secretKey" => classic.secret_key.clone(),
                                _ => current.as_str().unwrap_or_default().to_string(),
                            };
                            let r = ui.add(
                                egui::TextEdit::singleline(&mut s)
                                    .password(secret)
                                    .desired_width(260.0),
                            );
                            widgets::name(ui, &r, info.label);
                            if r.changed() {
                                edit = Some((info.key, Value::String(s)));
                            }
                        }
                        SettingKind::Array => {
                            // The text as typed while it still reads as the settings' list
                            // (changed elsewhere, the list wins).
                            let typed = match &self.classic.list_text {
                                Some((k, t)) if *k == info.key && list_of(t) == current => {
                                    Some(t.clone())
                                }
                                _ => None,
                            };
                            let mut s = typed.unwrap_or_else(|| {
                                current
                                    .as_array()
                                    .map(|a| {
                                        a.iter()
                                            .filter_map(Value::as_str)
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    })
                                    .unwrap_or_default()
                            });
                            let r = ui
                                .add(egui::TextEdit::singleline(&mut s).desired_width(260.0))
                                .on_hover_text("Comma-separated trait names");
                            widgets::name(ui, &r, info.label);
                            if r.changed() {
                                edit = Some((info.key, list_of(&s)));
                                self.classic.list_text = Some((info.key, s));
                            }
                        }
                        SettingKind::Map => {
                            let text = current.to_string();
                            ui.monospace(short(&text, 40))
                                .on_hover_text("Edit maps in the JSON above");
                        }
                    }
                    ui.end_row();
                }
            });
        if let Some((k, v)) = edit {
            self.classic.set_value(k, v);
        }
    }

    fn generated_subscriptions_ui(&mut self, ui: &mut egui::Ui, plan: &MigrationPlan) {
        let subs: Vec<Subscription> = plan
            .subscriptions
            .iter()
            .map(|g| g.subscription.clone())
            .collect();
        ui.strong(format!("Equivalent Actions subscriptions ({})", subs.len()));
        ui.horizontal(|ui| {
            if ui
                .button("Load into editor")
                .on_hover_text(
                    "Replace the editor's subscriptions with these (undo with Ctrl+Z), then \
                     compare all events",
                )
                .clicked()
            {
                self.load_migrated(subs.clone(), true);
            }
            if ui
                .button("Add to editor")
                .on_hover_text("Keep the editor's subscriptions and add these")
                .clicked()
            {
                self.load_migrated(subs.clone(), false);
            }
        });
        for g in &plan.subscriptions {
            let s = &g.subscription;
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                let action = super::super::engine_glue::action(&s.action)
                    .map_or(s.action.clone(), |a| a.label.clone());
                ui.strong(format!("{} · {action}", s.name));
                ui.monospace(&s.trigger);
                for why in &g.why {
                    ui.weak(format!("• {}", why.replace("→", "->")));
                }
            });
        }
        if !plan.notes.is_empty() {
            ui.add_space(4.0);
            ui.strong("Good to know");
            for n in &plan.notes {
                ui.label(format!("• {n}"));
            }
        }
    }

    /// Puts migrated subscriptions into the editor (one undo step) and starts the comparison
    /// of every loaded event.
    pub fn load_migrated(&mut self, subs: Vec<Subscription>, replace: bool) {
        let offered = subs.len();
        let (subs, there) = if replace {
            (subs, 0)
        } else {
            self.not_yet_in_editor(subs)
        };
        if subs.is_empty() && !replace {
            self.notify(
                format!(
                    "Nothing added: the editor already has {}.",
                    if offered == 1 {
                        "the migrated subscription".to_string()
                    } else {
                        format!("all {offered} migrated subscriptions")
                    }
                ),
                false,
            );
            return;
        }
        let keep = if replace {
            0
        } else {
            self.doc.subscriptions.len()
        };
        if let Err(e) = self.room_for(subs.len(), keep) {
            self.notify(
                format!("Could not add the migrated subscriptions: {e}."),
                true,
            );
            return;
        }
        let n = subs.len();
        let before = self.doc.subscriptions.clone();
        if replace {
            self.doc.subscriptions = subs;
        } else {
            self.doc.subscriptions.extend(subs);
        }
        let key = format!("migration-{}", self.doc.subs_rev);
        self.doc.commit_edits(&key, 0.0);
        self.follow_subscriptions(&before);
        self.selected_sub = (!self.doc.subscriptions.is_empty()).then_some(keep);
        self.classic.start_summary(&self.doc);
        self.tab = Tab::Compare;
        self.notify(
            format!(
                "{n} migrated subscription{} {} the editor{}; comparing every loaded event.",
                if n == 1 { "" } else { "s" },
                if replace {
                    "replaced those in"
                } else {
                    "added to"
                },
                if there > 0 {
                    format!(" ({there} already there, left out)")
                } else {
                    String::new()
                }
            ),
            false,
        );
    }

    fn open_classic_settings_dialog(&mut self) {
        let Some(p) = super::super::dialogs::pick_file(
            "Open classic Amplitude settings",
            ("JSON", &["json"]),
        ) else {
            return;
        };
        self.open_classic_settings(&p);
    }

    /// Reads classic settings from a file.
    pub fn open_classic_settings(&mut self, path: &std::path::Path) {
        const MAX: u64 = 8 * 1024 * 1024;
        let text = match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX => Err(format!(
                "{} is {} bytes; a settings file is at most {MAX} bytes.",
                path.display(),
                m.len()
            )),
            _ => std::fs::read_to_string(path)
                .map_err(|e| format!("{} could not be read: {e}", path.display())),
        };
        let result = text.and_then(|t| {
            self.classic
                .load_text(&t, &format!("{}", path.display()))
                .map_err(|e| format!("{}: {e}", path.display()))
        });
        match result {
            Ok(()) => self.notify(
                format!("Classic settings read from {}.", path.display()),
                false,
            ),
            Err(e) => self.notify(e, true),
        }
    }

    fn fates_ui(&mut self, ui: &mut egui::Ui, plan: &MigrationPlan) {
        heading(ui, "What happens to each classic setting");
        if !plan.unknown_settings.is_empty() {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "Not in the classic catalog (ignored): {}",
                    plan.unknown_settings.join(", ")
                ),
            );
        }
        let mut copy: Option<String> = None;
        egui::Grid::new("migration-fates")
            .striped(true)
            .num_columns(5)
            .min_col_width(60.0)
            .show(ui, |ui| {
                for h in ["Setting", "Value", "In Actions", "Where", "What to do"] {
                    ui.strong(h);
                }
                ui.end_row();
                for f in &plan.settings {
                    let r = ui.label(f.label);
                    r.on_hover_text(f.key);
                    let shown = match (&f.value, f.key) {
                        (Value::String(s), "apiKey" | "secretKey") if !s.is_empty() => {
                            crate::transport::redact::mask_key(s)
                        }
                        (v, _) => short(&v.to_string(), 32),
                    };
                    let text = egui::RichText::new(shown).monospace();
                    ui.label(if f.is_default {
                        text.weak()
                    } else {
                        text.strong()
                    })
                    .on_hover_text(if f.is_default {
                        "catalog default"
                    } else {
                        "changed from the default"
                    });
                    ui.colored_label(fate_color(ui, &f.fate), fate_text(&f.fate));
                    ui.add(egui::Label::new(f.in_actions).wrap());
                    ui.horizontal_wrapped(|ui| {
                        ui.label(&f.advice);
                        if let Some(m) = &f.suggested_mapping {
                            let b = ui
                                .small_button("Copy mapping")
                                .on_hover_text(crate::engine::js::stringify_pretty(m));
                            if b.clicked() {
                                copy = Some(crate::engine::js::stringify_pretty(m));
                            }
                        }
                    });
                    ui.end_row();
                }
            });
        if let Some(text) = copy {
            ui.ctx().copy_text(text);
            self.notify("Mapping copied.", false);
        }
    }
}

/// A list setting as the form's text gives it: comma-separated names, blanks left out.
fn list_of(text: &str) -> Value {
    Value::Array(
        text.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| Value::String(t.to_string()))
            .collect(),
    )
}
