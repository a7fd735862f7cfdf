//! Native file dialogs (rfd): one place for their titles, filters and suggested names.

use std::path::PathBuf;

/// The filter of project files.
pub const PROJECT: (&str, &[&str]) = ("Ampscope project", &["json"]);

/// The filter of Segment subscription files.
pub const SEGMENT_SUBSCRIPTIONS: (&str, &[&str]) = ("Segment subscriptions (JSON)", &["json"]);

/// Asks for a file to open; `None` when the user cancels.
pub fn pick_file(title: &str, (filter, extensions): (&str, &[&str])) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter(filter, extensions)
        .set_title(title)
        .pick_file()
}

/// Asks where to save, suggesting `file_name`; `None` when the user cancels.
pub fn save_file(
    title: &str,
    (filter, extensions): (&str, &[&str]),
    file_name: &str,
) -> Option<PathBuf> {
    rfd::FileDialog::new()
        .add_filter(filter, extensions)
        .set_file_name(file_name)
        .set_title(title)
        .save_file()
}

/// Asks where to save the project.
pub fn save_project() -> Option<PathBuf> {
    save_file("Save project", PROJECT, "project.ampscope.json")
}
