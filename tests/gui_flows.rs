//! The main flows of the debugger window, driven headlessly with egui_kittest and checked
//! through the accessibility tree (widgets are found by their accessible names).
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

use ampscope::app::{AmpscopeApp, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness(app: AmpscopeApp) -> Harness<'static, AmpscopeApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut AmpscopeApp| app.show(ui), app);
    h.run();
    h
}

/// Index of the built-in sample whose label is `label`.
fn event_index(app: &AmpscopeApp, label: &str) -> usize {
    app.doc
        .events
        .iter()
        .position(|e| e.label == label)
        .unwrap_or_else(|| panic!("no sample event labelled {label}"))
}

fn sub_index(app: &AmpscopeApp, name: &str) -> usize {
    app.doc
        .subscriptions
        .iter()
        .position(|s| s.name == name)
        .unwrap_or_else(|| panic!("no subscription named {name}"))
}

/// The text of the first code view whose accessible name starts with `prefix`.
fn text_of(h: &Harness<'_, AmpscopeApp>, prefix: &str) -> String {
    h.get_by(|n| n.label().is_some_and(|l| l.starts_with(prefix)))
        .value()
        .unwrap_or_default()
}

fn click_event(h: &mut Harness<'_, AmpscopeApp>, label: &str) {
    h.get_by(|n| {
        n.role() == egui::accesskit::Role::Button && n.label().is_some_and(|l| l.ends_with(label))
    })
    .click();
    h.run();
}

/// Whether any node's accessible name contains `text`.
fn shows(h: &Harness<'_, AmpscopeApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn selecting_an_event_shows_its_request_body() {
    let mut h = harness(AmpscopeApp::default());
    h.get_by_label("Search events").focus();
    h.run();
    h.get_by_label("Search events").type_text("Product Viewed");
    h.run();
    click_event(&mut h, "Product Viewed");
    let i = event_index(h.state(), "Product Viewed");
    assert_eq!(h.state().selected_event, Some(i));
    let body = text_of(&h, "Request body 1 of Track Calls");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let event = &v["events"][0];
    assert_eq!(event["event_type"], "Product Viewed");
    assert_eq!(event["user_id"], "usr_8f3k2m9q");
    assert_eq!(v["api_key"], "YOUR_API_KEY");

    // An Order Completed is sent by the purchase preset only: Track Calls excludes it.
    let order = event_index(h.state(), "Order Completed");
    h.state_mut().selected_event = Some(order);
    h.run();
    let body = text_of(&h, "Request body 1 of Order Completed Calls");
    assert!(
        body.contains("\"event_type\": \"Order Completed\""),
        "{body}"
    );
    assert!(
        h.query_by_label_contains("Request body 1 of Track Calls")
            .is_none()
    );

    h.get_by_label("Search events")
        .set_text_value_accesskit("Home");
    h.run();
    click_event(&mut h, "Page Home");
    let body = text_of(&h, "Request body 1 of Page Calls");
    assert!(body.contains("\"Viewed Home\""), "{body}");
}

#[test]
fn editing_the_trigger_changes_the_match_and_explains_why() {
    let mut app = AmpscopeApp::default();
    app.selected_event = Some(event_index(&app, "Product Viewed"));
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    assert!(shows(&h, "Matches the selected event"));
    assert!(
        h.query_by_label_contains("Request body 1 of Track Calls")
            .is_some()
    );

    let editor = h.get_by_label("Trigger FQL");
    editor.focus();
    h.run();
    h.get_by_label("Trigger FQL")
        .set_text_value_accesskit("type = \"track\" and event = \"Order Completed\"");
    h.run();
    assert_eq!(
        h.state().doc.subscriptions[0].trigger,
        "type = \"track\" and event = \"Order Completed\""
    );
    assert!(shows(&h, "Does not match the selected event"));
    // The explanation names the failing condition with the event's actual value.
    assert!(h.query_all_by_label("\"Product Viewed\"").next().is_some());
    assert_eq!(h.query_all_by_label("fail").count(), 1);
    assert!(
        h.query_by_label_contains("Request body 1 of Track Calls")
            .is_none()
    );
}

#[test]
fn a_broken_trigger_shows_a_located_error() {
    let mut app = AmpscopeApp::default();
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    h.get_by_label("Trigger FQL").focus();
    h.run();
    h.get_by_label("Trigger FQL")
        .set_text_value_accesskit("type = \"track\" and event ~ \"x\"");
    h.run();
    assert_eq!(
        h.state().doc.subscriptions[0].trigger,
        "type = \"track\" and event ~ \"x\""
    );
    assert!(shows(&h, "Trigger error at line 1, column 26"));
    assert!(h.query_by_label("bad trigger").is_some());
}

#[test]
fn changing_a_field_mapping_changes_the_body() {
    let mut app = AmpscopeApp::default();
    app.selected_event = Some(event_index(&app, "Product Viewed"));
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    let before = text_of(&h, "Request body 1 of Track Calls");
    assert!(before.contains("\"user_id\": \"usr_8f3k2m9q\""), "{before}");

    h.get_by_label("user_id path").focus();
    h.run();
    h.get_by_label("user_id path")
        .set_text_value_accesskit("$.anonymousId");
    h.run();
    let after = text_of(&h, "Request body 1 of Track Calls");
    assert!(
        after.contains("\"user_id\": \"f329280a-3bf2-447e-984e-51d9abaf79ea\""),
        "{after}"
    );
}

#[test]
fn coverage_flags_the_order_completed_double_send_and_fixes_it() {
    let mut app = AmpscopeApp::default();
    // A Log Event V2 subscription on every track call also sends Order Completed, which the
    // Log Purchase preset already sends: revenue is counted twice.
    let track = sub_index(&app, "Track Calls");
    app.doc.subscriptions[track].trigger = "type = \"track\"".into();
    app.tab = Tab::Coverage;
    let mut h = harness(app);
    assert!(shows(&h, "sent more than once"), "no double-send warning");
    assert!(shows(
        &h,
        "- Order Completed -> Track Calls + Order Completed Calls"
    ));
    h.get_by_label("Add `event != \"Order Completed\"` to Track Calls")
        .click();
    h.run();
    assert_eq!(
        h.state().doc.subscriptions[track].trigger,
        "type = \"track\" and event != \"Order Completed\""
    );
    assert!(shows(&h, "No event is sent to Amplitude more than once"));
}

#[test]
fn undo_restores_and_redo_reapplies() {
    let mut app = AmpscopeApp::default();
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    let original = h.state().doc.subscriptions[0].trigger.clone();
    h.get_by_label("Trigger FQL").focus();
    h.run();
    h.get_by_label("Trigger FQL")
        .set_text_value_accesskit("type = \"page\"");
    h.run();
    assert_eq!(h.state().doc.subscriptions[0].trigger, "type = \"page\"");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.subscriptions[0].trigger, original);
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    assert_eq!(h.state().doc.subscriptions[0].trigger, "type = \"page\"");
}

#[test]
fn save_then_open_round_trips_the_project() {
    let dir = std::env::temp_dir().join(format!("ampscope-gui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("round.ampscope.json");
    let mut app = AmpscopeApp::default();
    app.api_key = "SECRET-KEY-123".into();
    app.doc.settings.region = "europe".into();
    app.doc.subscriptions[0].name = "Renamed".into();
    app.doc.subscriptions[1].enabled = false;
    app.save_project(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("SECRET-KEY-123"));

    let mut other = AmpscopeApp::default();
    other.open_project(&path);
    assert_eq!(other.doc.subscriptions, app.doc.subscriptions);
    assert_eq!(other.doc.settings.region, "europe");
    let a: Vec<_> = app.doc.events.iter().map(|e| &e.value).collect();
    let b: Vec<_> = other.doc.events.iter().map(|e| &e.value).collect();
    assert_eq!(a, b);
    assert!(!other.doc.dirty);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_subscription_limit_is_enforced_with_a_message() {
    let mut app = AmpscopeApp::default();
    while app.doc.subscriptions.len() < ampscope::app::MAX_SUBSCRIPTIONS {
        app.add_subscription(0, 0.0);
    }
    app.add_subscription(0, 0.0);
    assert_eq!(
        app.doc.subscriptions.len(),
        ampscope::app::MAX_SUBSCRIPTIONS
    );
    let h = harness(app);
    assert!(shows(&h, "at most 50 mappings"));
}

#[test]
fn command_palette_runs_a_command() {
    let mut h = harness(AmpscopeApp::default());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run();
    assert!(h.state().palette.is_some());
    h.get_by_label("Command").type_text("coverage");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().tab, Tab::Coverage);
    assert!(h.state().palette.is_none());
}

#[test]
fn a_broken_event_json_is_underlined_and_not_applied() {
    let mut h = harness(AmpscopeApp::default());
    let before = h.state().doc.events[0].value.clone();
    h.get_by_label("Event JSON").focus();
    h.run();
    h.get_by_label("Event JSON")
        .set_text_value_accesskit("{\n  \"type\": \"track\",\n  \"event\": }");
    h.run();
    assert_eq!(h.state().doc.events[0].value, before);
    assert!(shows(&h, "JSON error: expected value at line 3"));
}

#[test]
fn send_tab_sends_the_selected_event_to_the_built_in_emulator() {
    let mut app = AmpscopeApp::default();
    app.selected_event = Some(event_index(&app, "Product Viewed"));
    let mut h = harness(app);
    h.get_by_label("Send").click();
    h.run();
    assert!(
        h.query_by_label_contains("built-in emulator at http://127.0.0.1:")
            .is_some()
    );
    h.get_by_label("Send test request").click();
    let start = std::time::Instant::now();
    while h.query_by_label_contains("Status 200").is_none() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "no answer from the emulator"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let view = h.state().send.as_ref().unwrap();
    assert_eq!(view.items().len(), 1);
    assert_eq!(view.items()[0].label, "Track Calls");
}
