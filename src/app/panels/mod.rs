//! The panels of the window, each an `impl AmpscopeApp` block with `*_ui` functions.

mod baseline;
mod compare;
mod coverage;
mod events;
mod history;
mod identities;
mod migration;
mod output;
mod send;
mod settings;
mod subscription;

pub use baseline::BaselineView;
pub use compare::SummaryFormat;
pub use coverage::CoverageScan;
pub use history::HistoryView;
pub use identities::IdentityView;

use super::AmpscopeApp;

impl AmpscopeApp {
    /// The debugger view: events (left), subscriptions (centre), preview (right).
    pub(super) fn debugger_ui(&mut self, ui: &mut egui::Ui) {
        // The side panels keep their sizes when the window shrinks: capped so that the
        // subscriptions in the middle keep room to be read (else they were squeezed to a
        // sliver at 1024 px after starting wider).
        const CENTRE_MIN: f32 = 420.0;
        const LEFT_MIN: f32 = 240.0;
        const RIGHT_MIN: f32 = 300.0;
        let width = ui.available_width();
        egui::Panel::left("events")
            .resizable(true)
            .default_size((width * 0.24).clamp(280.0, 420.0))
            .min_size(LEFT_MIN)
            .max_size((width - RIGHT_MIN - CENTRE_MIN).max(LEFT_MIN))
            .show(ui, |ui| self.events_ui(ui));
        let rest = ui.available_width();
        egui::Panel::right("preview")
            .resizable(true)
            .default_size((width * 0.36).clamp(360.0, 640.0))
            .min_size(RIGHT_MIN)
            .max_size((rest - CENTRE_MIN).max(RIGHT_MIN))
            .show(ui, |ui| self.output_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.subscriptions_ui(ui));
    }
}

/// A section heading with a little space above it.
pub(super) fn heading(ui: &mut egui::Ui, text: &str) {
    ui.add_space(4.0);
    ui.label(egui::RichText::new(text).strong().size(15.0));
}

/// Shortens a one-line JSON rendering for display (a lone surrogate shows as its escape).
pub(super) fn short(text: &str, max: usize) -> String {
    let text = crate::engine::js::utf16::shown(text);
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
