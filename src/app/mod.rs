//! The desktop window (feature `gui`).

/// Opens the window and blocks until it closes.
pub fn run() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Ampscope")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Ampscope",
        options,
        Box::new(|_cc| Ok(Box::<AmpscopeApp>::default())),
    )
}

/// The application state.
#[derive(Default)]
pub struct AmpscopeApp {}

impl AmpscopeApp {
    /// Draws the whole window; `eframe::App::ui` and the kittest harness both call this.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("Ampscope");
            ui.label("The debugger window is on its way.");
        });
    }
}

impl eframe::App for AmpscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
