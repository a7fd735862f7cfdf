//! The subscriptions panel: the list, and for the selected subscription its trigger (raw FQL or
//! visual builder, lint, per-condition explanation) and its field mappings.

use serde_json::{Value, json};

use super::super::command::Command;
use super::super::engine_glue::{self, BUILDER_OPERATORS, BuilderCondition, FieldInfo};
use super::super::widgets::{self, Lang};
use super::super::{AmpscopeApp, BuilderDraft, MAX_SUBSCRIPTIONS, TriggerView};
use super::{heading, short};

/// Directive templates offered by the mapping editor.
const TEMPLATES: [(&str, &str); 9] = [
    (
        "@if (coalesce)",
        r#"{"@if":{"exists":{"@path":"$.context.device.id"},"then":{"@path":"$.context.device.id"},"else":{"@path":"$.anonymousId"}}}"#,
    ),
    ("@template", r#"{"@template":"{{properties.name}}"}"#),
    (
        "@arrayPath",
        r#"{"@arrayPath":["$.properties.products",{"productId":{"@path":"product_id"},"price":{"@path":"price"},"quantity":{"@path":"quantity"}}]}"#,
    ),
    (
        "@case",
        r#"{"@case":{"operator":"lower","value":{"@path":"$.event"}}}"#,
    ),
    (
        "@replace",
        r#"{"@replace":{"pattern":"_","replacement":" ","value":{"@path":"$.event"}}}"#,
    ),
    (
        "@json",
        r#"{"@json":{"mode":"encode","value":{"@path":"$.properties"}}}"#,
    ),
    (
        "@flatten",
        r#"{"@flatten":{"separator":".","value":{"@path":"$.properties"}}}"#,
    ),
    (
        "@merge",
        r#"{"@merge":{"direction":"right","objects":[{"@path":"$.traits"},{"@path":"$.properties"}]}}"#,
    ),
    // The event's time where its sender is (UTC when the event has no time zone).
    (
        "@liquid (local time)",
        r#"{"@liquid":"{{ timestamp | date: '%Y-%m-%d %H:%M %z', context.timezone }}"}"#,
    ),
];

/// How one field is mapped.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Unmapped,
    Path,
    Static,
    Directive,
}

impl Mode {
    fn of(v: Option<&Value>) -> Mode {
        match v {
            None => Mode::Unmapped,
            Some(Value::Object(o))
                if o.len() == 1 && o.get("@path").is_some_and(Value::is_string) =>
            {
                Mode::Path
            }
            Some(Value::Object(_) | Value::Array(_)) => Mode::Directive,
            Some(_) => Mode::Static,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Mode::Unmapped => "not mapped",
            Mode::Path => "event path",
            Mode::Static => "static value",
            Mode::Directive => "directive",
        }
    }
}

/// The first event path a mapping reads, depth first: an `@path`, or the array an
/// `@arrayPath` walks (the paths of its shape are relative to the array's items).
fn first_path(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(p)) = o.get("@path") {
                return Some(p.clone());
            }
            if let Some(Value::Array(a)) = o.get("@arrayPath") {
                return a.first().and_then(Value::as_str).map(str::to_string);
            }
            o.values().find_map(first_path)
        }
        Value::Array(items) => items.iter().find_map(first_path),
        _ => None,
    }
}

impl AmpscopeApp {
    pub(in crate::app) fn subscriptions_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            heading(ui, "Subscriptions");
            ui.weak(format!(
                "{} of {MAX_SUBSCRIPTIONS}",
                self.doc.subscriptions.len()
            ))
            .on_hover_text(format!(
                "A Segment destination holds at most {MAX_SUBSCRIPTIONS} mappings"
            ));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.menu_button("+ Add subscription", |ui| {
                    for (i, a) in engine_glue::actions().iter().enumerate() {
                        if ui.button(&a.label).on_hover_text(&a.description).clicked() {
                            self.queued.push(Command::AddSubscription(i));
                            ui.close();
                        }
                    }
                });
            });
        });
        let outcome = self.selected_event.and_then(|i| self.outcome(i));
        let list_h =
            (self.doc.subscriptions.len() as f32 * 24.0 + 8.0).min(ui.available_height() * 0.3);
        egui::ScrollArea::vertical()
            .id_salt("sub-list")
            .max_height(list_h.max(60.0))
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if self.doc.subscriptions.is_empty() {
                    ui.weak("No subscriptions. Use “Add subscription” to map events to an Amplitude action.");
                }
                for i in 0..self.doc.subscriptions.len() {
                    ui.horizontal(|ui| {
                        let name = self.doc.subscriptions[i].name.clone();
                        let resp = ui.checkbox(&mut self.doc.subscriptions[i].enabled, "");
                        widgets::name(ui, &resp, format!("Enable {name}"));
                        if resp.changed() {
                            self.edit_key = format!("enable:{i}");
                        }
                        let run = outcome.as_ref().and_then(|o| o.runs.get(i).cloned().flatten());
                        let (badge, color) = match &run {
                            // Not run: turned off, or no event to run it on (its trigger is
                            // still checked).
                            None if !self.doc.subscriptions[i].enabled => {
                                ("off", ui.visuals().weak_text_color())
                            }
                            None if engine_glue::check_trigger(&self.doc.subscriptions[i].trigger)
                                .is_err() =>
                            {
                                ("bad trigger", widgets::error_color(ui))
                            }
                            None => ("", ui.visuals().weak_text_color()),
                            Some(r) if r.trigger_error.is_some() => ("bad trigger", widgets::error_color(ui)),
                            Some(r) if !r.matched => ("no match", ui.visuals().weak_text_color()),
                            Some(r) if r.error.is_some() => ("error", widgets::error_color(ui)),
                            Some(_) => ("match", widgets::ok_color(ui)),
                        };
                        let action = engine_glue::action(&self.doc.subscriptions[i].action)
                            .map_or(self.doc.subscriptions[i].action.clone(), |a| a.label.clone());
                        let selected = self.selected_sub == Some(i);
                        if ui
                            .add(egui::Button::selectable(selected, name.as_str()))
                            .clicked()
                        {
                            self.selected_sub = Some(i);
                        }
                        ui.weak(action);
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            widgets::clear_of_scroll_bar(ui);
                            ui.colored_label(color, badge);
                        });
                    });
                }
            });
        ui.separator();
        let Some(si) = self
            .selected_sub
            .filter(|&s| s < self.doc.subscriptions.len())
        else {
            ui.weak("Select a subscription to edit its trigger and field mappings.");
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("sub-editor")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.subscription_header_ui(ui, si);
                ui.add_space(6.0);
                self.trigger_ui(ui, si);
                ui.add_space(8.0);
                self.fields_ui(ui, si, outcome.as_deref());
            });
    }

    fn subscription_header_ui(&mut self, ui: &mut egui::Ui, si: usize) {
        let action = engine_glue::action(&self.doc.subscriptions[si].action);
        let action_name = action.map_or_else(
            || self.doc.subscriptions[si].action.clone(),
            |a| a.label.clone(),
        );
        // The name field gives way to the action's name and the delete button, which a long
        // action name ("Group Identify User") otherwise runs into.
        let font = egui::TextStyle::Body.resolve(ui.style());
        let action_width = ui
            .painter()
            .layout_no_wrap(
                format!("Name Action: {action_name} Delete subscription"),
                font,
                egui::Color32::WHITE,
            )
            .size()
            .x;
        let name_width =
            (ui.available_width() - action_width - 8.0 * ui.spacing().item_spacing.x - 24.0)
                .clamp(80.0, 220.0);
        ui.horizontal(|ui| {
            let label = ui.label("Name");
            let resp = ui.add(
                egui::TextEdit::singleline(&mut self.doc.subscriptions[si].name)
                    .desired_width(name_width),
            );
            let resp = resp.labelled_by(label.id);
            if resp.changed() {
                self.edit_key = format!("name:{si}");
            }
            ui.label("Action:");
            ui.strong(&action_name);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Delete subscription").clicked() {
                    self.queued.push(Command::DeleteSubscription);
                }
            });
        });
        if let Some(a) = action {
            ui.weak(&a.description);
        }
    }

    fn trigger_ui(&mut self, ui: &mut egui::Ui, si: usize) {
        ui.horizontal(|ui| {
            ui.strong("Trigger");
            ui.selectable_value(&mut self.trigger_view, TriggerView::Raw, "FQL");
            ui.selectable_value(&mut self.trigger_view, TriggerView::Builder, "Builder");
        });
        let text = self.doc.subscriptions[si].trigger.clone();
        let check = engine_glue::check_trigger(&text);
        match self.trigger_view {
            TriggerView::Raw => {
                let span = check
                    .as_ref()
                    .err()
                    .and_then(|e| e.first())
                    .map(|e| e.span.clone());
                let resp = widgets::code_line(
                    ui,
                    "Trigger FQL",
                    &mut self.doc.subscriptions[si].trigger,
                    Lang::Fql,
                    span,
                );
                if resp.changed() {
                    self.edit_key = format!("trigger:{si}");
                }
            }
            TriggerView::Builder => self.builder_ui(ui, si, &text),
        }
        if let Err(errors) = &check {
            for e in errors {
                ui.colored_label(
                    widgets::error_color(ui),
                    format!(
                        "Trigger error at {}: {}",
                        describe_span(&text, &e.span),
                        e.message
                    ),
                );
            }
        }
        for w in engine_glue::lint_trigger(&text) {
            ui.colored_label(widgets::warn_color(ui), format!("Warning: {w}"));
        }
        self.explanation_ui(ui, &text);
    }

    fn builder_ui(&mut self, ui: &mut egui::Ui, si: usize, text: &str) {
        // The rows as the user left them, while the trigger is still the text they belong to.
        let draft = self
            .builder_draft
            .take()
            .filter(|d| d.sub == si && d.trigger == text);
        let (mut model, mut error) = match draft {
            Some(d) => (d.model, d.error),
            None => match engine_glue::to_builder(text) {
                Some(model) => (model, None),
                None => {
                    ui.weak(
                        "This trigger is raw only: the Segment app's builder cannot show it (nested groups, operators it lacks, or a reading the lint warns about). Edit it as FQL.",
                    );
                    return;
                }
            },
        };
        let before = model.clone();
        ui.horizontal(|ui| {
            ui.label("Match");
            ui.selectable_value(&mut model.all, true, "ALL");
            ui.selectable_value(&mut model.all, false, "ANY");
            ui.label("of these conditions");
        });
        let mut remove = None;
        egui::Grid::new(("builder", si))
            .num_columns(4)
            .spacing([6.0, 4.0])
            .show(ui, |ui| {
                // Sized, not just given a desired width: a grid cell offers a column no wider
                // than it was last frame, and a text edit never asks for more than it is
                // offered, so the columns stayed a few letters wide.
                let row = ui.spacing().interact_size.y;
                for (n, c) in model.conditions.iter_mut().enumerate() {
                    let resp = ui.add_sized([170.0, row], egui::TextEdit::singleline(&mut c.field));
                    widgets::name(ui, &resp, format!("Condition {} field", n + 1));
                    let op = egui::ComboBox::from_id_salt(("op", si, n))
                        .selected_text(c.operator.as_str())
                        .width(110.0)
                        .show_ui(ui, |ui| {
                            // The operators the builder offers for this field.
                            for op in engine_glue::builder_operators(c.field.trim()) {
                                ui.selectable_value(
                                    &mut c.operator,
                                    op.label().to_string(),
                                    op.label(),
                                );
                            }
                        });
                    widgets::name(ui, &op.response, format!("Condition {} operator", n + 1));
                    let unary = !engine_glue::builder_op_takes_value(&c.operator);
                    if unary {
                        ui.label("");
                    } else {
                        let resp =
                            ui.add_sized([220.0, row], egui::TextEdit::singleline(&mut c.value));
                        widgets::name(ui, &resp, format!("Condition {} value", n + 1));
                    }
                    if ui
                        .small_button("x")
                        .on_hover_text("Remove this condition")
                        .clicked()
                    {
                        remove = Some(n);
                    }
                    ui.end_row();
                }
            });
        if let Some(n) = remove {
            model.conditions.remove(n);
        }
        if ui.button("+ Add condition").clicked() {
            model.conditions.push(BuilderCondition {
                field: "event".into(),
                operator: BUILDER_OPERATORS[0].label().into(),
                value: String::new(),
            });
        }
        let mut trigger = text.to_string();
        if model != before {
            match engine_glue::from_builder(&model) {
                Ok(fql) => {
                    error = None;
                    if fql != text {
                        self.doc.subscriptions[si].trigger = fql.clone();
                        self.edit_key = format!("builder:{si}");
                        trigger = fql;
                    }
                }
                Err(e) => error = Some(e),
            }
        }
        if let Some((n, why)) = &error {
            ui.colored_label(
                widgets::error_color(ui),
                format!("Not applied: condition {}: {why}. The trigger stays as it was until the row is complete.", n + 1),
            );
        }
        self.builder_draft = Some(BuilderDraft {
            sub: si,
            trigger,
            model,
            error,
        });
    }

    fn explanation_ui(&mut self, ui: &mut egui::Ui, text: &str) {
        let Some(ei) = self.selected_event.filter(|&i| i < self.doc.events.len()) else {
            ui.weak("Select an event to see how this trigger evaluates on it.");
            return;
        };
        let Ok(outcome) = engine_glue::explain_trigger(text, &self.doc.events[ei].value) else {
            return;
        };
        let label = &self.doc.events[ei].label;
        if outcome.matched {
            ui.colored_label(
                widgets::ok_color(ui),
                format!("Matches the selected event ({label})"),
            );
        } else {
            ui.colored_label(
                ui.visuals().weak_text_color(),
                format!("Does not match the selected event ({label})"),
            );
        }
        egui::Grid::new("explain")
            .striped(true)
            .num_columns(5)
            .spacing([10.0, 2.0])
            .show(ui, |ui| {
                for h in ["", "field", "actual value", "operator", "expected"] {
                    ui.weak(h);
                }
                ui.end_row();
                for c in &outcome.conditions {
                    if c.pass {
                        ui.colored_label(widgets::ok_color(ui), "pass");
                    } else {
                        ui.colored_label(widgets::error_color(ui), "fail");
                    }
                    ui.monospace(&c.field);
                    ui.monospace(short(&c.actual, 40));
                    ui.monospace(&c.operator);
                    ui.monospace(short(&c.expected, 40));
                    ui.end_row();
                }
            });
        if outcome.conditions.len() > 1 {
            ui.weak(format!(
                "Conditions are joined by `{}`: {}.",
                outcome.joiner,
                if outcome.joiner == "or" {
                    "any one passing is enough"
                } else {
                    "all must pass"
                }
            ));
        }
    }

    /// The paths found in (the first 500 of) the events, shared: the list is drawn every frame.
    fn event_paths(&mut self) -> std::sync::Arc<[String]> {
        if self.paths_cache.0 != self.doc.events_rev {
            let take = self.doc.events.len().min(500);
            let paths = engine_glue::event_paths(self.doc.events[..take].iter().map(|e| &e.value));
            self.paths_cache = (self.doc.events_rev, paths.into());
        }
        self.paths_cache.1.clone()
    }

    fn fields_ui(
        &mut self,
        ui: &mut egui::Ui,
        si: usize,
        outcome: Option<&super::super::preview::EventOutcome>,
    ) {
        let Some(action) = engine_glue::action(&self.doc.subscriptions[si].action) else {
            ui.colored_label(
                widgets::error_color(ui),
                "Unknown action: its fields cannot be shown.",
            );
            return;
        };
        ui.horizontal(|ui| {
            ui.strong("Field mappings");
            ui.weak("* required · hover a name for its description");
        });
        let run = outcome.and_then(|o| o.runs.get(si).cloned().flatten());
        let event = self
            .selected_event
            .and_then(|i| self.doc.events.get(i))
            .map(|e| e.value.clone());
        let paths = self.event_paths();
        egui::Grid::new(("fields", si))
            .striped(true)
            .num_columns(2)
            .spacing([8.0, 6.0])
            .min_col_width(60.0)
            .show(ui, |ui| {
                for h in ["field", "mapping, and its value for the selected event"] {
                    ui.weak(h);
                }
                ui.end_row();
                for field in &action.fields {
                    self.field_row_ui(ui, si, field, event.as_ref(), run.as_ref(), &paths);
                    ui.end_row();
                }
            });
        let unknown: Vec<String> = self.doc.subscriptions[si]
            .mapping
            .keys()
            .filter(|k| !action.fields.iter().any(|f| &f.key == *k))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "These mapping keys are not fields of the action and are dropped: {}",
                    unknown.join(", ")
                ),
            );
        }
    }

    fn field_row_ui(
        &mut self,
        ui: &mut egui::Ui,
        si: usize,
        field: &FieldInfo,
        event: Option<&Value>,
        run: Option<&engine_glue::RunOutcome>,
        paths: &[String],
    ) {
        let title = format!("{}{}", field.label, if field.required { " *" } else { "" });
        ui.label(egui::RichText::new(title).strong())
            .on_hover_text(format!(
                "{}\n\nkey: {} · type: {}{}",
                field.description,
                field.key,
                field.ty,
                if field.multiple { " (list)" } else { "" }
            ));
        let key = field.key.clone();
        let mode = Mode::of(self.doc.subscriptions[si].mapping.get(&key));
        ui.vertical(|ui| {
            ui.set_max_width(300.0);
            ui.horizontal(|ui| {
                let mut new_mode = mode;
                let combo = egui::ComboBox::from_id_salt(("mode", si, &key))
                    .selected_text(mode.label())
                    .width(100.0)
                    .show_ui(ui, |ui| {
                        for m in [Mode::Path, Mode::Static, Mode::Directive, Mode::Unmapped] {
                            ui.selectable_value(&mut new_mode, m, m.label());
                        }
                    })
                    .response
                    .on_hover_text(format!("How {} is mapped", field.label));
                widgets::name(ui, &combo, format!("{} mapping kind", field.key));
                if new_mode != mode {
                    self.set_mode(si, field, new_mode);
                }
                let changed_default =
                    field.default.as_ref() != self.doc.subscriptions[si].mapping.get(&key);
                if changed_default
                    && ui
                        .small_button("Reset")
                        .on_hover_text("Reset to default")
                        .clicked()
                {
                    let m = &mut self.doc.subscriptions[si].mapping;
                    match &field.default {
                        Some(d) => {
                            m.insert(key.clone(), d.clone());
                        }
                        None => {
                            m.shift_remove(&key);
                        }
                    }
                    self.edit_key = format!("reset:{si}:{key}");
                }
            });
            let mode = Mode::of(self.doc.subscriptions[si].mapping.get(&key));
            match mode {
                Mode::Unmapped => {
                    ui.weak("—");
                }
                Mode::Path => self.path_editor_ui(ui, si, &key, paths),
                Mode::Static => self.static_editor_ui(ui, si, field),
                Mode::Directive => self.directive_editor_ui(ui, si, &key),
            }
            let mapping = self.doc.subscriptions[si].mapping.get(&key).cloned();
            let mut shown_error = None;
            if let (Some(m), Some(ev)) = (&mapping, event) {
                match engine_glue::resolve_field(&key, m, ev) {
                    Ok(Some(v)) => {
                        let text = v.to_string();
                        ui.monospace(format!("= {}", short(&text, 48)))
                            .on_hover_text(crate::engine::js::stringify_pretty(&v));
                    }
                    Ok(None) => {
                        ui.weak("undefined (left out)");
                    }
                    Err(e) => {
                        ui.colored_label(widgets::error_color(ui), format!("Error: {e}"));
                        shown_error = Some(e);
                    }
                }
            } else if mapping.is_some() {
                ui.weak("select an event");
            }
            if let Some(r) = run {
                // The run's errors about this field, less the one just shown (an invalid
                // mapping fails the run with the same words).
                for (k, e) in &r.field_errors {
                    if *k == key && shown_error.as_ref() != Some(e) {
                        ui.colored_label(widgets::error_color(ui), format!("Error: {e}"));
                    }
                }
            }
        });
    }

    fn set_mode(&mut self, si: usize, field: &FieldInfo, mode: Mode) {
        let m = &mut self.doc.subscriptions[si].mapping;
        let key = field.key.clone();
        match mode {
            Mode::Unmapped => {
                m.shift_remove(&key);
            }
            Mode::Path => {
                // The path the directive read first (the `@if` of an id, a `@template`'s
                // value…) is where the user most likely wants to start.
                let p = match (m.get(&key).and_then(first_path), &field.default) {
                    (Some(p), _) => json!({ "@path": p }),
                    (None, Some(d @ Value::Object(o))) if o.contains_key("@path") => d.clone(),
                    _ => json!({"@path": "$."}),
                };
                m.insert(key.clone(), p);
            }
            Mode::Static => {
                let v = match field.ty.as_str() {
                    "boolean" => json!(false),
                    "integer" | "number" => json!(0),
                    _ => json!(""),
                };
                m.insert(key.clone(), v);
            }
            Mode::Directive => {
                let v = match &field.default {
                    Some(d) if Mode::of(Some(d)) == Mode::Directive => d.clone(),
                    _ => serde_json::from_str(TEMPLATES[1].1).unwrap_or(Value::Null),
                };
                m.insert(key.clone(), v);
            }
        }
        self.edit_key = format!("mode:{si}:{key}");
    }

    fn path_editor_ui(&mut self, ui: &mut egui::Ui, si: usize, key: &str, paths: &[String]) {
        let mut picked = None;
        ui.horizontal(|ui| {
            if let Some(Value::Object(o)) = self.doc.subscriptions[si].mapping.get_mut(key)
                && let Some(Value::String(p)) = o.get_mut("@path")
            {
                let resp = ui.add(
                    egui::TextEdit::singleline(p)
                        .code_editor()
                        .desired_width(200.0),
                );
                widgets::name(ui, &resp, format!("{key} path"));
                if resp.changed() {
                    self.edit_key = format!("path:{si}:{key}");
                }
            }
            ui.menu_button("Pick…", |ui| {
                picked = self.path_picker_ui(ui, paths);
                if picked.is_some() {
                    ui.close();
                }
            })
            .response
            .on_hover_text("Pick a path that exists in the loaded events");
        });
        if let Some(p) = picked {
            self.doc.subscriptions[si]
                .mapping
                .insert(key.to_string(), json!({"@path": p}));
            self.edit_key = format!("pick:{si}:{key}");
        }
    }

    /// The open path picker: a filter (substring, any case) over the events' paths; Enter
    /// takes the first match. Returns the path picked.
    fn path_picker_ui(&mut self, ui: &mut egui::Ui, paths: &[String]) -> Option<String> {
        /// Rows drawn at most: the rest is reached by typing.
        const SHOWN: usize = 300;
        let pass = ui.ctx().cumulative_pass_nr();
        let opened = self.pick_shown_pass.is_none_or(|p| p + 1 < pass);
        self.pick_shown_pass = Some(pass);
        if opened {
            self.pick_filter.clear();
        }
        let resp = ui.add(
            egui::TextEdit::singleline(&mut self.pick_filter)
                .hint_text("Filter paths")
                .desired_width(280.0),
        );
        widgets::name(ui, &resp, "Filter paths");
        if opened {
            resp.request_focus();
        }
        let needle = self.pick_filter.trim().to_lowercase();
        let mut matches = paths
            .iter()
            .filter(|p| needle.is_empty() || p.to_lowercase().contains(&needle));
        let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let mut picked = None;
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                if paths.is_empty() {
                    ui.weak("Load events to pick from their paths.");
                }
                let mut shown = 0;
                for p in matches.by_ref().take(SHOWN) {
                    if ui.button(egui::RichText::new(p).monospace()).clicked()
                        || (enter && shown == 0)
                    {
                        picked = Some(p.clone());
                    }
                    shown += 1;
                }
                let more = matches.count();
                if more > 0 {
                    ui.weak(format!("{more} more: type to narrow the list"));
                } else if shown == 0 && !paths.is_empty() {
                    ui.weak("No path contains this text.");
                }
            });
        picked
    }

    fn static_editor_ui(&mut self, ui: &mut egui::Ui, si: usize, field: &FieldInfo) {
        let key = field.key.as_str();
        let Some(v) = self.doc.subscriptions[si].mapping.get_mut(key) else {
            return;
        };
        let name = format!("{key} value");
        match v {
            Value::Bool(b) => {
                let resp = ui.checkbox(b, "");
                widgets::name(ui, &resp, name.clone());
                if resp.changed() {
                    self.edit_key = format!("static:{si}:{key}");
                }
            }
            Value::String(s) => {
                let resp = ui.add(egui::TextEdit::singleline(s).desired_width(220.0));
                widgets::name(ui, &resp, name.clone());
                if resp.changed() {
                    self.edit_key = format!("static:{si}:{key}");
                }
            }
            _ => {
                // Numbers and null: a JSON buffer so half-typed numbers are allowed.
                self.directive_editor_ui(ui, si, key);
            }
        }
    }

    fn directive_editor_ui(&mut self, ui: &mut egui::Ui, si: usize, key: &str) {
        let current = self.doc.subscriptions[si].mapping.get(key).cloned();
        let buf = self.field_buffers.entry((si, key.to_string())).or_default();
        buf.sync(current.as_ref());
        let rows = buf.text.lines().count().clamp(1, 10);
        let error = buf.error.as_ref().map(|(r, _)| r.clone());
        let resp = widgets::code_editor(
            ui,
            &format!("{key} mapping"),
            &mut buf.text,
            Lang::Json,
            error,
            rows,
        );
        let mut new_value = None;
        if resp.changed() {
            new_value = buf.parse();
        }
        if let Some((_, msg)) = &buf.error {
            ui.colored_label(widgets::error_color(ui), msg);
        }
        let mut template = None;
        ui.menu_button("Insert template…", |ui| {
            for (name, t) in TEMPLATES {
                if ui.button(name).clicked() {
                    template = serde_json::from_str::<Value>(t).ok();
                    ui.close();
                }
            }
        });
        if let Some(v) = new_value.or(template) {
            self.doc.subscriptions[si]
                .mapping
                .insert(key.to_string(), v);
            self.edit_key = format!("directive:{si}:{key}");
        }
    }
}

/// "line 1, column 5" for a byte offset of a trigger.
fn describe_span(text: &str, span: &std::ops::Range<usize>) -> String {
    let at = span.start.min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}")
}

#[cfg(test)]
mod tests {
    use super::TEMPLATES;
    use crate::engine::{mapping, samples};

    /// Every template is a valid mapping that resolves on every built-in sample event.
    #[test]
    fn templates_resolve_on_the_samples() {
        for (name, text) in TEMPLATES {
            let m: serde_json::Value = serde_json::from_str(text).expect(name);
            assert!(mapping::validate(&m).is_empty(), "{name}");
            for s in samples::all() {
                let event = s.value().unwrap();
                assert!(
                    mapping::resolve(&m, &event).is_ok(),
                    "{name} on {}",
                    s.title
                );
            }
        }
    }
}
