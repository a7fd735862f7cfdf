//! Every user command in one enum: its text, its shortcut and its menu; the menus, the keyboard
//! handler and the command palette all read it, and `AmpscopeApp::execute` runs it.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A user command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    NewProject,
    OpenEvents,
    OpenProject,
    SaveProject,
    SaveProjectAs,
    SaveEventsAs,
    ImportSegment,
    ExportSegment,
    Undo,
    Redo,
    NewEvent,
    DuplicateEvent,
    DeleteEvent,
    NextEvent,
    PreviousEvent,
    FocusSearch,
    /// Adds a subscription for the action at this index of `engine_glue::actions()`.
    AddSubscription(usize),
    DeleteSubscription,
    ShowDebugger,
    ShowCoverage,
    ShowIdentities,
    ShowSettings,
    ShowSend,
    ShowCompare,
    ShowMigration,
    ShowHistory,
    ToggleTheme,
    CommandPalette,
    CopyBody,
    CopyCurl,
    /// Sends the selected event's requests to the Send tab's target (its "Send test request").
    SendSelected,
    /// Sends every listed event's requests (the Send tab's "Send all").
    SendAll,
    ResetSamples,
    Quit,
}

/// The menu a command lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    File,
    Edit,
    View,
}

const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn cmd_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(
        Modifiers {
            alt: false,
            ctrl: false,
            shift: true,
            mac_cmd: false,
            command: true,
        },
        key,
    )
}

const fn cmd_alt(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(
        Modifiers {
            alt: true,
            ctrl: false,
            shift: false,
            mac_cmd: false,
            command: true,
        },
        key,
    )
}

impl Command {
    /// Every command once (the six "add subscription" commands included), menu order.
    pub fn all() -> Vec<Command> {
        let mut v = vec![
            Command::NewProject,
            Command::OpenEvents,
            Command::OpenProject,
            Command::SaveProject,
            Command::SaveProjectAs,
            Command::SaveEventsAs,
            Command::ImportSegment,
            Command::ExportSegment,
            Command::ResetSamples,
            Command::Quit,
            Command::Undo,
            Command::Redo,
            Command::NewEvent,
            Command::DuplicateEvent,
            Command::DeleteEvent,
            Command::NextEvent,
            Command::PreviousEvent,
            Command::FocusSearch,
        ];
        for i in 0..super::engine_glue::actions().len() {
            v.push(Command::AddSubscription(i));
        }
        v.extend([
            Command::DeleteSubscription,
            Command::CopyBody,
            Command::CopyCurl,
            Command::SendSelected,
            Command::SendAll,
            // In the order of the tab bar, which their shortcuts (Ctrl+1…8) follow.
            Command::ShowDebugger,
            Command::ShowCoverage,
            Command::ShowIdentities,
            Command::ShowCompare,
            Command::ShowMigration,
            Command::ShowSend,
            Command::ShowHistory,
            Command::ShowSettings,
            Command::ToggleTheme,
            Command::CommandPalette,
        ]);
        v
    }

    /// The text on menus and in the palette (sentence case, verbs).
    pub fn label(self) -> String {
        match self {
            Command::NewProject => "New project".into(),
            Command::OpenEvents => "Open events…".into(),
            Command::OpenProject => "Open project…".into(),
            Command::SaveProject => "Save project".into(),
            Command::SaveProjectAs => "Save project as…".into(),
            Command::SaveEventsAs => "Save events as NDJSON…".into(),
            Command::ImportSegment => "Import Segment subscriptions…".into(),
            Command::ExportSegment => "Export subscriptions for Segment…".into(),
            Command::ResetSamples => "Load the sample events missing from the list".into(),
            Command::Quit => "Quit".into(),
            Command::Undo => "Undo".into(),
            Command::Redo => "Redo".into(),
            Command::NewEvent => "New event".into(),
            Command::DuplicateEvent => "Duplicate event".into(),
            Command::DeleteEvent => "Delete event".into(),
            Command::NextEvent => "Next event".into(),
            Command::PreviousEvent => "Previous event".into(),
            Command::FocusSearch => "Search events".into(),
            Command::AddSubscription(i) => format!(
                "Add subscription: {}",
                super::engine_glue::actions()
                    .get(i)
                    .map_or("?", |a| a.label.as_str())
            ),
            Command::DeleteSubscription => "Delete subscription".into(),
            Command::ShowDebugger => "Show debugger".into(),
            Command::ShowCoverage => "Show coverage".into(),
            Command::ShowSettings => "Show settings".into(),
            Command::ShowSend => "Show send and responses".into(),
            Command::ShowCompare => "Show classic vs Actions comparison".into(),
            Command::ShowMigration => "Show migration from classic".into(),
            Command::ShowHistory => "Show send history".into(),
            Command::ShowIdentities => "Show identity timeline".into(),
            Command::ToggleTheme => "Switch dark/light theme".into(),
            Command::CommandPalette => "Command palette…".into(),
            Command::CopyBody => "Copy body".into(),
            Command::CopyCurl => "Copy as curl".into(),
            Command::SendSelected => "Send test request".into(),
            Command::SendAll => "Send all listed events".into(),
        }
    }

    /// The keyboard shortcut (Ctrl on Linux/Windows, Cmd on macOS).
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        Some(match self {
            Command::NewProject => cmd_alt(Key::N),
            Command::OpenEvents => cmd(Key::O),
            Command::OpenProject => cmd_shift(Key::O),
            Command::SaveProject => cmd(Key::S),
            Command::SaveProjectAs => cmd_shift(Key::S),
            Command::Undo => cmd(Key::Z),
            Command::Redo => cmd_shift(Key::Z),
            Command::NewEvent => cmd(Key::N),
            Command::DuplicateEvent => cmd(Key::D),
            Command::DeleteEvent => cmd_shift(Key::Backspace),
            Command::NextEvent => cmd(Key::ArrowDown),
            Command::PreviousEvent => cmd(Key::ArrowUp),
            Command::FocusSearch => cmd(Key::F),
            Command::AddSubscription(5) => cmd_shift(Key::N),
            Command::DeleteSubscription => cmd_shift(Key::Delete),
            Command::ShowDebugger => cmd(Key::Num1),
            Command::ShowCoverage => cmd(Key::Num2),
            Command::ShowIdentities => cmd(Key::Num3),
            Command::ShowCompare => cmd(Key::Num4),
            Command::ShowMigration => cmd(Key::Num5),
            Command::ShowSend => cmd(Key::Num6),
            Command::ShowHistory => cmd(Key::Num7),
            Command::ShowSettings => cmd(Key::Num8),
            Command::ToggleTheme => cmd_shift(Key::L),
            Command::CommandPalette => cmd(Key::K),
            Command::CopyBody => cmd_shift(Key::C),
            Command::CopyCurl => cmd_alt(Key::C),
            Command::SendSelected => cmd(Key::Enter),
            Command::SendAll => cmd_shift(Key::Enter),
            Command::Quit => cmd(Key::Q),
            Command::AddSubscription(_)
            | Command::ResetSamples
            | Command::SaveEventsAs
            | Command::ImportSegment
            | Command::ExportSegment => return None,
        })
    }

    /// Whether its shortcut is also a text-editing key (Ctrl+Up/Down: start/end of the text;
    /// Ctrl+Shift+Backspace/Delete: delete a word): a text field with the keyboard keeps it.
    pub fn shares_keys_with_text_editing(self) -> bool {
        matches!(
            self,
            Command::NextEvent
                | Command::PreviousEvent
                | Command::DeleteEvent
                | Command::DeleteSubscription
        )
    }

    /// The menu the command appears in.
    pub fn menu(self) -> Menu {
        match self {
            Command::NewProject
            | Command::OpenEvents
            | Command::OpenProject
            | Command::SaveProject
            | Command::SaveProjectAs
            | Command::SaveEventsAs
            | Command::ImportSegment
            | Command::ExportSegment
            | Command::ResetSamples
            | Command::Quit => Menu::File,
            Command::ShowDebugger
            | Command::ShowCoverage
            | Command::ShowSettings
            | Command::ShowSend
            | Command::ShowCompare
            | Command::ShowMigration
            | Command::ShowHistory
            | Command::ShowIdentities
            | Command::ToggleTheme
            | Command::CommandPalette => Menu::View,
            _ => Menu::Edit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique() {
        let all = Command::all();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                if let (Some(x), Some(y)) = (a.shortcut(), b.shortcut()) {
                    assert_ne!(x, y, "{a:?} and {b:?} share a shortcut");
                }
            }
        }
    }

    #[test]
    fn labels_are_distinct_and_sentence_case() {
        let all = Command::all();
        let mut labels: Vec<String> = all.iter().map(|c| c.label()).collect();
        for l in &labels {
            let first = l.chars().next().unwrap_or('a');
            assert!(first.is_uppercase(), "{l}");
        }
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), all.len());
    }
}
