//! Native file dialogs (rfd): one place for their titles, filters and suggested names, and for
//! noticing when the system cannot show one.
//!
//! On Linux rfd asks the desktop's file-chooser portal and falls back to `zenity`; with
//! neither it returns nothing at once, as if the user had cancelled. The app would then do
//! nothing at all on "Open events…", so a dialog that comes back empty that fast on such a
//! system is remembered, for the app to say what to do instead ([`take_unavailable`]).

use std::cell::Cell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The filter of project files.
pub const PROJECT: (&str, &[&str]) = ("Ampscope project", &["json"]);

/// The filter of Segment subscription files.
pub const SEGMENT_SUBSCRIPTIONS: (&str, &[&str]) = ("Segment subscriptions (JSON)", &["json"]);

/// The filter of event files.
pub const EVENTS: (&str, &[&str]) = ("Events", &["json", "ndjson", "jsonl", "txt"]);

/// What the app says when no dialog could be shown.
pub const UNAVAILABLE_HINT: &str = "No file dialog could be shown: install zenity (or a desktop \
     portal); files can also be dropped onto the window.";

thread_local! {
    // Per thread: the dialogs run on the UI thread, which also takes the flag (and each
    // window under test has its own).
    static UNAVAILABLE: Cell<bool> = const { Cell::new(false) };
}

/// Asks for a file to open; `None` when the user cancels.
pub fn pick_file(title: &str, (filter, extensions): (&str, &[&str])) -> Option<PathBuf> {
    shown(|| {
        rfd::FileDialog::new()
            .add_filter(filter, extensions)
            .set_title(title)
            .pick_file()
    })
}

/// Asks for files to open; empty when the user cancels.
pub fn pick_files(title: &str, (filter, extensions): (&str, &[&str])) -> Vec<PathBuf> {
    shown(|| {
        rfd::FileDialog::new()
            .add_filter(filter, extensions)
            .set_title(title)
            .pick_files()
    })
    .unwrap_or_default()
}

/// Asks where to save, suggesting `file_name`; `None` when the user cancels.
pub fn save_file(
    title: &str,
    (filter, extensions): (&str, &[&str]),
    file_name: &str,
) -> Option<PathBuf> {
    shown(|| {
        rfd::FileDialog::new()
            .add_filter(filter, extensions)
            .set_file_name(file_name)
            .set_title(title)
            .save_file()
    })
}

/// Asks where to save the project.
pub fn save_project() -> Option<PathBuf> {
    save_file("Save project", PROJECT, "project.ampscope.json")
}

/// Whether a dialog of this thread came back empty because none could be shown, since the
/// last call.
pub fn take_unavailable() -> bool {
    UNAVAILABLE.replace(false)
}

/// Records that no dialog could be shown on this thread, as [`pick_file`] and the others do.
pub fn mark_unavailable() {
    UNAVAILABLE.set(true);
}

/// Runs a dialog, noting when its empty answer looks like the system's, not the user's.
fn shown<T>(dialog: impl FnOnce() -> Option<T>) -> Option<T> {
    let started = Instant::now();
    let picked = dialog();
    if picked.is_none() && looks_unavailable(started.elapsed(), zenity_installed()) {
        mark_unavailable();
    }
    picked
}

/// An empty answer sooner than anyone can cancel, where rfd's last resort is missing. Only
/// on the systems where rfd uses the portal and zenity (elsewhere dialogs are the OS's own).
fn looks_unavailable(elapsed: Duration, zenity_installed: bool) -> bool {
    cfg!(all(unix, not(target_os = "macos")))
        && !zenity_installed
        && elapsed < Duration::from_millis(500)
}

/// Whether `zenity`, rfd's fallback when no portal answers, is on the `PATH`.
fn zenity_installed() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|dir| dir.join("zenity").is_file()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_instant_empty_answer_without_zenity_counts_as_unavailable() {
        let instant = Duration::from_millis(20);
        let linux = cfg!(all(unix, not(target_os = "macos")));
        assert_eq!(looks_unavailable(instant, false), linux);
        // zenity would have shown the dialog: the user cancelled.
        assert!(!looks_unavailable(instant, true));
        // A dialog that stayed open a while was seen and cancelled.
        assert!(!looks_unavailable(Duration::from_secs(2), false));
    }

    #[test]
    fn the_flag_is_taken_once() {
        mark_unavailable();
        assert!(take_unavailable());
        assert!(!take_unavailable());
    }
}
