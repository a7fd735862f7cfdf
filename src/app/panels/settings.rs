//! Settings: region, keys (masked, kept out of project files), theme.

use super::super::AmpscopeApp;
use super::heading;

impl AmpscopeApp {
    pub(in crate::app) fn settings_ui(&mut self, ui: &mut egui::Ui) {
        heading(ui, "Destination settings");
        ui.add_space(4.0);
        egui::Grid::new("settings")
            .num_columns(2)
            .spacing([12.0, 10.0])
            .show(ui, |ui| {
                ui.label("Endpoint region");
                ui.horizontal(|ui| {
                    let r = &mut self.doc.settings.region;
                    if ui
                        .radio_value(r, "north_america".to_string(), "North America")
                        .changed()
                        | ui.radio_value(r, "europe".to_string(), "Europe").changed()
                    {
                        self.edit_key = "region".into();
                    }
                });
                ui.end_row();

                let label = ui.label("API key");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.api_key)
                            .password(!self.reveal_key)
                            .hint_text("Amplitude project API key")
                            .desired_width(320.0),
                    )
                    .labelled_by(label.id);
                });
                ui.end_row();

                let label = ui.label("Secret key");
                ui.add(
                    egui::TextEdit::singleline(&mut self.secret_key)
                        .password(!self.reveal_key)
                        .hint_text("Only needed for authentication checks")
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
                ui.end_row();

                ui.label("");
                ui.checkbox(
                    &mut self.reveal_key,
                    "Show API key (in the preview and in copied curl commands)",
                );
                ui.end_row();

                ui.label("Theme");
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.dark, true, "Dark");
                    ui.selectable_value(&mut self.dark, false, "Light");
                });
                ui.end_row();
            });
        ui.add_space(8.0);
        if self.keys_from_env {
            ui.weak("The keys were read from AMPLITUDE_API_KEY / AMPLITUDE_SECRET_KEY.");
        } else {
            ui.weak("Keys are kept in Ampscope's own settings storage, or read from AMPLITUDE_API_KEY / AMPLITUDE_SECRET_KEY.");
        }
        ui.weak("They are never written to project files or logs. Without a key the preview shows YOUR_API_KEY.");
    }
}
