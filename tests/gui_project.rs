//! Replacing the document without losing edits: closing the window, opening a project and
//! starting a new one ask first when there are unsaved changes; recent projects; the title.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use ampscope::app::AmpscopeApp;
use ampscope::app::project_flow::Replace;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod gui_common;
use gui_common::{OnDisk, harness};

/// A folder of its own for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ampscope-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An edit made as the window makes them (committed at the end of the frame).
fn rename_first_subscription(h: &mut Harness<'_, AmpscopeApp>, name: &str) {
    h.state_mut().doc.subscriptions[0].name = name.into();
    h.run();
    assert!(h.state().doc.dirty, "the edit did not mark the document");
}

/// The window's close button, as the platform reports it.
fn press_close_button(h: &mut Harness<'_, AmpscopeApp>) {
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
}

fn viewport_commands(h: &Harness<'_, AmpscopeApp>) -> Vec<egui::ViewportCommand> {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|o| o.commands.clone())
        .unwrap_or_default()
}

fn asks(h: &Harness<'_, AmpscopeApp>) -> bool {
    h.query_by_label_contains("Save the changes to").is_some()
}

/// The question about unsaved changes is open and names what comes next.
fn asks_before(h: &Harness<'_, AmpscopeApp>, next: &str) {
    assert!(asks(h), "not asked before {next}");
    let text = format!("lost if you don't save them before {next}");
    assert!(h.query_by_label_contains(&text).is_some(), "{text}");
}

/// The file names of the recent projects, newest first.
fn recent_names(h: &Harness<'_, AmpscopeApp>) -> Vec<String> {
    h.state()
        .recent
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// A project file whose first subscription is named `name`.
fn project_file(dir: &std::path::Path, file: &str, name: &str) -> PathBuf {
    let path = dir.join(file);
    let mut app = AmpscopeApp::default();
    app.doc.subscriptions[0].name = name.into();
    app.save_project(&path);
    assert!(path.exists());
    path
}

#[test]
fn closing_with_unsaved_changes_asks_and_cancel_keeps_the_window_open() {
    let mut h = harness(AmpscopeApp::default());
    // Nothing to lose: the close goes through.
    press_close_button(&mut h);
    assert!(!viewport_commands(&h).contains(&egui::ViewportCommand::CancelClose));
    h.run();
    assert!(!asks(&h));

    rename_first_subscription(&mut h, "Edited");
    press_close_button(&mut h);
    assert!(viewport_commands(&h).contains(&egui::ViewportCommand::CancelClose));
    h.run();
    asks_before(&h, "closing");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(!asks(&h));
    assert!(!h.state().close_now);
    assert_eq!(h.state().doc.subscriptions[0].name, "Edited");

    // Asked again; this time the changes are let go and the window closes.
    press_close_button(&mut h);
    h.run();
    h.get_by_label("Don't save").click();
    h.step();
    h.step();
    assert!(h.state().close_now);
    assert!(viewport_commands(&h).contains(&egui::ViewportCommand::Close));
}

#[test]
fn opening_a_project_over_unsaved_changes_saves_them_first_when_asked() {
    let dir = temp_dir("open-over-edits");
    let other = project_file(&dir, "other.ampscope.json", "From the file");
    let mine = dir.join("mine.ampscope.json");

    let mut app = AmpscopeApp::default();
    app.save_project(&mine);
    let mut h = harness(app);
    rename_first_subscription(&mut h, "My unsaved edit");
    h.state_mut().request(Replace::Open(other.clone()));
    h.run();
    asks_before(&h, "opening another project");
    assert!(
        h.query_by_label("Save the changes to mine.ampscope.json?")
            .is_some()
    );
    // Nothing is replaced while the question is open.
    assert_eq!(h.state().doc.subscriptions[0].name, "My unsaved edit");

    h.get_by_label("Save").click();
    h.run();
    assert!(!asks(&h));
    let saved = std::fs::read_to_string(&mine).unwrap();
    assert!(saved.contains("My unsaved edit"), "{saved}");
    assert_eq!(h.state().doc.subscriptions[0].name, "From the file");
    assert_eq!(h.state().doc.path.as_deref(), Some(other.as_path()));
    assert!(!h.state().doc.dirty);
    // Both files are listed, the last opened first.
    assert_eq!(
        recent_names(&h),
        ["other.ampscope.json", "mine.ampscope.json"]
    );

    // With nothing unsaved, opening asks nothing.
    h.state_mut().request(Replace::Open(mine.clone()));
    h.run();
    assert!(!asks(&h));
    assert_eq!(h.state().doc.subscriptions[0].name, "My unsaved edit");
    std::fs::remove_dir_all(&dir).ok();
}

/// The window as it starts after a crash: offering the autosaved work (a project whose first
/// subscription is "Autosaved work", in a folder of its own named `test`).
fn offering_recovery(test: &str) -> (Harness<'static, AmpscopeApp>, PathBuf) {
    let autosaved = project_file(&temp_dir(test), "autosave.ampscope.json", "Autosaved work");
    let mut app = AmpscopeApp::default();
    app.recover_offer = Some(autosaved.clone());
    (harness(app), autosaved)
}

#[test]
fn recovering_over_edits_made_since_the_start_asks_first() {
    let (mut h, autosaved) = offering_recovery("recover-over-edits");
    rename_first_subscription(&mut h, "Edited since the start");

    h.get_by_label("Recover").click();
    h.run();
    asks_before(&h, "recovering last session's work");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(!asks(&h));
    assert_eq!(
        h.state().doc.subscriptions[0].name,
        "Edited since the start"
    );
    // The offer stands until it is taken or discarded.
    assert_eq!(
        h.state().recover_offer.as_deref(),
        Some(autosaved.as_path())
    );

    h.get_by_label("Recover").click();
    h.run();
    h.get_by_label("Don't save").click();
    h.run();
    assert_eq!(h.state().doc.subscriptions[0].name, "Autosaved work");
    assert!(h.state().doc.dirty && h.state().doc.path.is_none());
    assert!(h.state().recover_offer.is_none());
    std::fs::remove_dir_all(autosaved.parent().unwrap()).ok();
}

#[test]
fn recovering_at_the_start_asks_nothing() {
    let (mut h, autosaved) = offering_recovery("recover-at-start");
    h.get_by_label("Recover").click();
    h.run();
    assert!(!asks(&h));
    assert_eq!(h.state().doc.subscriptions[0].name, "Autosaved work");
    std::fs::remove_dir_all(autosaved.parent().unwrap()).ok();
}

#[test]
fn new_project_from_the_file_menu_starts_over_once_the_edits_are_let_go() {
    let mut h = harness(AmpscopeApp::default());
    let presets = h.state().doc.subscriptions.clone();
    let samples = h.state().doc.events.len();
    rename_first_subscription(&mut h, "Edited");
    h.state_mut().doc.events.truncate(3);
    h.run();

    h.get_by_label("File").click();
    h.run();
    // The item's accessible name carries its shortcut.
    h.get_by_label("New project Ctrl+Alt+N").click();
    h.run();
    asks_before(&h, "starting a new project");
    h.get_by_label("Don't save").click();
    h.run();
    let app = h.state();
    assert_eq!(app.doc.subscriptions, presets);
    assert_eq!(app.doc.events.len(), samples);
    assert_eq!(app.doc.path, None);
    assert!(!app.doc.dirty);
    assert!(!app.doc.can_undo(), "the old document's history came along");
}

#[test]
fn recent_projects_open_from_the_menu_and_a_missing_one_leaves_the_list() {
    let dir = temp_dir("recent");
    let first = project_file(&dir, "first.ampscope.json", "First");
    let gone = project_file(&dir, "gone.ampscope.json", "Gone");
    let mut app = AmpscopeApp::default();
    app.open_project(&gone);
    app.open_project(&first);
    app.open_project(&gone);
    let mut h = harness(app);
    assert_eq!(h.state().recent.len(), 2);
    std::fs::remove_file(&gone).unwrap();

    // Opened from the submenu (the file name is the item; the whole path on hover).
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open recent").click();
    h.run();
    h.get_by_label("first.ampscope.json").click();
    h.run();
    assert_eq!(h.state().doc.subscriptions[0].name, "First");
    // The title names the project.
    h.state_mut().doc.subscriptions[0].name = "First, edited".into();
    h.step();
    h.step();
    assert!(
        viewport_commands(&h).contains(&egui::ViewportCommand::Title(
            "first.ampscope.json * — Ampscope".into()
        )),
        "{:?}",
        viewport_commands(&h)
    );
    h.state_mut().save_project(&first);
    h.run();

    h.state_mut().request(Replace::Open(gone.clone()));
    h.run();
    assert!(
        h.query_by_label_contains("Could not open").is_some(),
        "no error for the missing project"
    );
    assert_eq!(h.state().doc.subscriptions[0].name, "First, edited");
    assert_eq!(recent_names(&h), ["first.ampscope.json"]);
    std::fs::remove_dir_all(&dir).ok();
}

/// Steps the window until `done` holds (the loading thread asks for repaints; bounded to 10 s).
fn step_until(h: &mut Harness<'_, AmpscopeApp>, done: impl Fn(&AmpscopeApp) -> bool) {
    for _ in 0..1000 {
        h.run();
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the window did not settle");
}

#[test]
fn a_project_dropped_with_event_files_opens_as_the_project() {
    let dir = temp_dir("drop-project");
    let project = project_file(&dir, "dropped.ampscope.json", "Dropped project");
    let events = dir.join("events.ndjson");
    std::fs::write(&events, "{\"type\":\"track\",\"event\":\"After\"}\n").unwrap();
    let mut h = harness(AmpscopeApp::default());
    let samples = h.state().doc.events.len();
    rename_first_subscription(&mut h, "Edited");
    for f in [&project, &events] {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(OnDisk(f.clone())));
    }
    step_until(&mut h, |app| app.pending_replace.is_some());
    // The project is not an event: it waits for the question, and so do the files after it.
    asks_before(&h, "opening another project");
    assert_eq!(h.state().doc.events.len(), samples);
    assert_eq!(h.state().load_queue.len(), 1);
    h.get_by_label("Don't save").click();
    step_until(&mut h, |app| {
        app.loader.is_none() && app.load_queue.is_empty()
    });
    // The events dropped after the project load into it.
    let app = h.state();
    assert_eq!(app.doc.subscriptions[0].name, "Dropped project");
    assert_eq!(app.doc.path.as_deref(), Some(project.as_path()));
    assert_eq!(app.doc.events.len(), samples + 1);
    assert_eq!(app.doc.events[samples].value["event"], "After");
    assert!(shows_notice(&h, "Loaded 1 event from events.ndjson"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A broken project file dropped on the window (or named on the command line) is opened as
/// the project its name says it is, so the notice says what is wrong with it, rather than
/// being read as a file of events ("Loaded 0 events … 1 could not be read").
#[test]
fn a_broken_project_dropped_says_what_is_wrong_with_it() {
    let dir = temp_dir("drop-broken-project");
    let project = dir.join("broken.ampscope.json");
    std::fs::write(&project, "{\"schema_version\": 1, \"subscriptions\": [\n").unwrap();
    let mut h = harness(AmpscopeApp::default());
    let before = h.state().doc.subscriptions.clone();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(OnDisk(project.clone())));
    step_until(&mut h, |app| app.loader.is_none() && app.notice.is_some());
    let notice = h.state().notice.as_ref().unwrap().text.clone();
    assert!(notice.starts_with("Could not open "), "{notice}");
    assert!(notice.contains("broken.ampscope.json"), "{notice}");
    assert!(notice.contains("line 2"), "{notice}");
    assert_eq!(h.state().doc.subscriptions, before);
    assert!(h.state().load_errors.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

fn shows_notice(h: &Harness<'_, AmpscopeApp>, text: &str) -> bool {
    h.state()
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains(text))
}

#[test]
fn events_saved_as_ndjson_load_back_and_a_failed_save_says_why() {
    let dir = temp_dir("save-events");
    let mut app = AmpscopeApp::default();
    let path = dir.join("mine.ndjson");
    app.save_events(&path);
    let n = app.doc.events.len();
    assert_eq!(
        app.notice.as_ref().map(|n| n.text.clone()),
        Some(format!("Saved {n} events to {}", path.display()))
    );
    let mut h = harness(AmpscopeApp::default());
    h.state_mut().doc.events.clear();
    let ctx = h.ctx.clone();
    h.state_mut().start_load(path.clone(), &ctx);
    step_until(&mut h, |app| app.doc.events.len() == n);
    let (a, b) = (&app.doc.events, &h.state().doc.events);
    assert!(a.iter().zip(b.iter()).all(|(x, y)| x.value == y.value));

    let nowhere = dir.join("no-such-folder").join("x.ndjson");
    app.save_events(&nowhere);
    let notice = app.notice.as_ref().unwrap();
    assert!(
        notice.error && notice.text.starts_with("Could not save"),
        "{}",
        notice.text
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Exporting subscriptions Segment would not run (a trigger that does not parse) or that have
/// no name writes the file all the same and says which, so they are mended before importing.
#[test]
fn exporting_subscriptions_segment_would_not_run_says_which() {
    let dir = temp_dir("segment-export-check");
    let path = dir.join("amplitude-subscriptions.json");
    let mut app = AmpscopeApp::default();
    app.export_segment(&path);
    let notice = app.notice.as_ref().unwrap();
    assert!(!notice.error, "{}", notice.text);
    app.doc.subscriptions[0].trigger = "type = \"track\" and (event = \"A\"".into();
    app.doc.subscriptions[2].name = " ".into();
    app.export_segment(&path);
    assert!(path.exists());
    let notice = app.notice.as_ref().unwrap();
    assert!(notice.error);
    assert!(
        notice.text.ends_with(
            "; check it before importing: the trigger of Track Calls does not parse (Segment \
             does not run it); subscription 3 has no name."
        ),
        "{}",
        notice.text
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn subscriptions_exported_for_segment_import_back_and_undo_in_one_step() {
    let dir = temp_dir("segment-config");
    let path = dir.join("amplitude-subscriptions.json");
    let mut app = AmpscopeApp::default();
    app.doc.subscriptions[1].enabled = false;
    app.export_segment(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"actionSlug\": \"logPurchase\""), "{text}");
    assert!(!text.contains("YOUR_API_KEY"));

    let mut h = harness(AmpscopeApp::default());
    let presets = h.state().doc.subscriptions.clone();
    h.state_mut().doc.subscriptions.truncate(1);
    h.run();
    h.state_mut().import_segment(&path, 100.0);
    h.run();
    // The one the editor kept is not added again (it would send its events twice).
    assert_eq!(h.state().doc.subscriptions.len(), presets.len());
    assert_eq!(
        &h.state().doc.subscriptions[1..],
        &app.doc.subscriptions[1..]
    );
    assert_eq!(h.state().selected_sub, Some(1));
    assert!(shows_notice(&h, "Imported 4 subscriptions from"));
    assert!(shows_notice(&h, "(1 already in the editor, left out)"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.subscriptions.len(), 1);

    // A Public API answer with one subscription it cannot take: the rest come, the one left
    // out is named.
    let api = dir.join("from-api.json");
    std::fs::write(
        &api,
        r#"{"data": {"subscriptions": [
            {"id": "a1", "name": "Signups", "actionId": "x", "actionSlug": "logEventV2",
             "enabled": true, "trigger": "type = \"track\" and event = \"Signed Up\"",
             "settings": {"event_type": {"@path": "$.event"}}},
            {"id": "a2", "name": "Sessions", "actionSlug": "sessionId", "enabled": true,
             "trigger": "type = \"track\"", "settings": {}}
        ]}}"#,
    )
    .unwrap();
    h.state_mut().import_segment(&api, 200.0);
    h.run();
    let app = h.state();
    assert_eq!(app.doc.subscriptions.len(), 2);
    assert_eq!(app.doc.subscriptions[1].name, "Signups");
    let notice = app.notice.as_ref().unwrap();
    assert!(notice.error);
    assert!(
        notice.text.contains("Imported 1 subscription from ")
            && notice
                .text
                .contains("subscription 2 (\"Sessions\"): \"sessionId\" is not"),
        "{}",
        notice.text
    );

    // More than a destination holds: nothing added, and why.
    let mut full = AmpscopeApp::default();
    full.doc.subscriptions.clear();
    while full.doc.subscriptions.len() < 48 {
        full.add_subscription(0, 0.0);
    }
    full.import_segment(&path, 0.0);
    assert_eq!(full.doc.subscriptions.len(), 48);
    assert!(
        full.notice.as_ref().is_some_and(|n| n.error
            && n.text.ends_with(
                "a destination holds at most 50 mappings, and 5 subscriptions added to 48 is too many."
            )),
        "{:?}",
        full.notice.as_ref().map(|n| &n.text)
    );

    // Not JSON: where and why, nothing added.
    std::fs::write(&api, "{\"subscriptions\": [\n  {\"name\": }\n]}").unwrap();
    h.state_mut().import_segment(&api, 300.0);
    h.run();
    assert_eq!(h.state().doc.subscriptions.len(), 2);
    assert!(shows_notice(&h, "not valid JSON (line 2, column"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A project opened in place of the window's document is shown whole: its event in the
/// editor and its coverage, never what was computed for the document before (the two
/// documents' revision numbers used to start at the same values, so the editor kept an empty
/// text and Coverage its old rows).
#[test]
fn an_opened_project_replaces_every_view_of_the_old_document() {
    let dir = temp_dir("opened-views");
    let path = dir.join("one-event.ampscope.json");
    let mut other = AmpscopeApp::default();
    other.doc.events.truncate(1);
    let event = serde_json::json!({
        "type": "track", "event": "Only In The Project", "userId": "u-project"
    });
    other.doc.set_event(0, event, 0.0);
    other.save_project(&path);

    // The debugger shows the first sample event, then Coverage is looked at.
    let mut h = harness(AmpscopeApp::default());
    assert!(h.query_by_label_contains("Event JSON").is_some());
    h.state_mut().tab = ampscope::app::Tab::Coverage;
    for _ in 0..5 {
        h.run();
    }
    assert!(h.query_by_label_contains("Product Viewed").is_some());

    h.state_mut().request(Replace::Open(path));
    for _ in 0..5 {
        h.run();
    }
    assert_eq!(h.state().doc.events.len(), 1);
    assert!(
        h.query_by_label_contains("Only In The Project").is_some(),
        "Coverage does not list the project's event"
    );
    assert!(
        h.query_by_label_contains("Product Viewed").is_none(),
        "Coverage still lists the sample events"
    );
    h.state_mut().tab = ampscope::app::Tab::Debugger;
    h.run();
    let text = h.get_by_label("Event JSON").value().unwrap_or_default();
    assert!(
        text.contains("Only In The Project"),
        "the editor shows {text:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Text typed into the event and mapping editors that does not parse yet is autosaved beside
/// the document and comes back, with its error, when the work is recovered after a crash.
#[test]
fn unparsed_editor_text_is_autosaved_and_recovered() {
    let dir = temp_dir("drafts");
    let autosave = dir.join("autosave.ampscope.json");
    let mut app = AmpscopeApp::default();
    app.autosave_path = Some(autosave.clone());
    let mut h = harness(app);
    h.get_by_label("Event JSON").focus();
    h.run();
    h.get_by_label("Event JSON").type_text(", half-typed");
    h.run();
    let event_text = h.get_by_label("Event JSON").value().unwrap();
    h.get_by_label("device_id mapping").focus();
    h.run();
    h.get_by_label("device_id mapping").type_text("{ broken");
    h.run();
    let field_text = h.get_by_label("device_id mapping").value().unwrap();
    assert!(!h.state().doc.dirty, "unparsed text changed the document");
    h.state_mut().autosave_tick(100.0);
    let drafts = ampscope::app::document::drafts_path(&autosave);
    assert!(autosave.exists() && drafts.exists());
    // The window is gone without a clean exit; the next one offers the work back.
    drop(h);

    let mut app = AmpscopeApp::default();
    app.recover_offer = Some(autosave.clone());
    let mut h = harness(app);
    h.get_by_label("Recover").click();
    h.run();
    h.run();
    assert_eq!(h.get_by_label("Event JSON").value().unwrap(), event_text);
    assert_eq!(
        h.get_by_label("device_id mapping").value().unwrap(),
        field_text
    );
    // Both errors are said again.
    assert_eq!(h.query_all_by_label_contains("JSON error").count(), 2);

    // Parsed again (the event put back as it was), nothing is left to keep: the next
    // autosave removes the drafts file.
    let i = h.state().selected_event.unwrap();
    let value = h.state().doc.events[i].value.clone();
    h.get_by_label("Event JSON")
        .set_text_value_accesskit(&ampscope::engine::js::stringify_pretty(&value));
    h.run();
    let sub = h.state().selected_sub.unwrap();
    let mapping = h.state().doc.subscriptions[sub].mapping["device_id"].clone();
    h.get_by_label("device_id mapping")
        .set_text_value_accesskit(&ampscope::engine::js::stringify_pretty(&mapping));
    h.run();
    assert!(h.state().drafts().is_empty(), "{:?}", h.state().drafts());
    h.state_mut().autosave_path = Some(autosave.clone());
    h.state_mut().autosave_tick(100.0);
    assert!(!drafts.exists(), "the drafts file outlived its drafts");
    std::fs::remove_dir_all(&dir).ok();
}

/// Discard drops the offered work: the autosave and its drafts are removed, the window's
/// document stays.
#[test]
fn discarding_the_offer_removes_the_autosave_and_its_drafts() {
    let (mut h, autosaved) = offering_recovery("discard");
    let drafts = ampscope::app::document::Drafts {
        events: vec![(0, "{ half".into())],
        fields: Vec::new(),
    };
    ampscope::app::document::save_drafts(&autosaved, &drafts).unwrap();
    let drafts_file = ampscope::app::document::drafts_path(&autosaved);
    assert!(drafts_file.exists());
    h.get_by_label("Discard").click();
    h.run();
    assert!(h.state().recover_offer.is_none());
    assert!(!autosaved.exists() && !drafts_file.exists());
    assert_ne!(h.state().doc.subscriptions[0].name, "Autosaved work");
    std::fs::remove_dir_all(autosaved.parent().unwrap()).ok();
}

/// An edit is autosaved once, 30 s after the last autosave: until then the window is asked
/// for a frame when it falls due (so an idle window still saves), and nothing unchanged is
/// written again.
#[test]
fn edits_are_autosaved_once_when_due() {
    let dir = temp_dir("autosave-due");
    let autosave = dir.join("autosave.ampscope.json");
    let mut app = AmpscopeApp::default();
    app.autosave_path = Some(autosave.clone());
    let mut h = harness(app);
    assert_eq!(h.state_mut().autosave_tick(10.0), None, "nothing to save");
    rename_first_subscription(&mut h, "Edited");
    let wait = h.state_mut().autosave_tick(10.0);
    assert!(wait.is_some_and(|w| w > 19.0 && w <= 20.0), "{wait:?}");
    assert!(!autosave.exists(), "saved before it was due");
    assert_eq!(h.state_mut().autosave_tick(31.0), None);
    assert!(autosave.exists());
    std::fs::remove_file(&autosave).unwrap();
    assert_eq!(h.state_mut().autosave_tick(200.0), None);
    assert!(!autosave.exists(), "written again with nothing new");
    // Long after the last autosave, an edit is saved at the next frame.
    rename_first_subscription(&mut h, "Edited again");
    assert_eq!(h.state_mut().autosave_tick(205.0), None);
    assert!(autosave.exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// A file no event could be read from is reported, with where and why, and does not become
/// part of the project (it was kept by path and marked the document changed).
#[test]
fn a_file_with_no_readable_event_stays_out_of_the_project() {
    let dir = temp_dir("unreadable-file");
    let path = dir.join("broken.ndjson");
    std::fs::write(&path, b"{\"type\": \"track\", \"event\": \"A\xff\"}\n").unwrap();
    let mut h = harness(AmpscopeApp::default());
    let before = h.state().doc.events.len();
    let ctx = h.ctx.clone();
    h.state_mut().start_load(path.clone(), &ctx);
    step_until(&mut h, |app| {
        app.loader.is_none() && !app.load_errors.is_empty()
    });
    h.run();
    let app = h.state();
    assert_eq!(app.doc.events.len(), before);
    assert!(app.doc.files.is_empty(), "{:?}", app.doc.files);
    assert!(!app.doc.dirty);
    assert!(
        app.load_errors[0].contains("line 1, column"),
        "{:?}",
        app.load_errors
    );
    assert!(shows_notice(
        &h,
        "Loaded 0 events from broken.ndjson; 1 could not be read"
    ));
    std::fs::remove_dir_all(&dir).ok();
}

/// Text typed into an editor that does not parse yet cannot be saved: closing says so and
/// asks even when the document itself has nothing unsaved; Cancel keeps the text.
#[test]
fn closing_with_unparsed_editor_text_asks_and_says_it_cannot_be_saved() {
    let mut h = harness(AmpscopeApp::default());
    h.get_by_label("Event JSON").focus();
    h.run();
    h.get_by_label("Event JSON").type_text(", half-typed");
    h.run();
    let typed = h.get_by_label("Event JSON").value().unwrap();
    assert!(!h.state().doc.dirty);
    press_close_button(&mut h);
    assert!(viewport_commands(&h).contains(&egui::ViewportCommand::CancelClose));
    h.run();
    asks_before(&h, "closing");
    assert!(
        h.query_by_label_contains(
            "1 editor holds text that does not parse yet; it cannot be saved"
        )
        .is_some()
    );
    h.get_by_label("Cancel").click();
    h.run();
    assert!(!asks(&h));
    assert_eq!(h.get_by_label("Event JSON").value().unwrap(), typed);
}
