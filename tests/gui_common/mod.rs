//! The window under egui_kittest, shared by the GUI test files.

use ampscope::app::AmpscopeApp;
use egui_kittest::Harness;

/// The whole window on `app`, at the default window size, run until it settles.
pub fn harness(app: AmpscopeApp) -> Harness<'static, AmpscopeApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        // Scans (coverage, search, compare) spread work over frames: allow them to settle.
        .with_max_steps(500)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut AmpscopeApp| app.show(ui), app);
    h.run();
    h
}

/// A file dropped on the window, as the integration hands it over.
#[derive(Debug)]
pub struct OnDisk(pub std::path::PathBuf);

impl egui::DroppedFile for OnDisk {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}
