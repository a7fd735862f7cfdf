//! The main flows of the debugger window, driven headlessly with egui_kittest and checked
//! through the accessibility tree (widgets are found by their accessible names).
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

use ampscope::app::{AmpscopeApp, TABS, Tab};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

mod gui_common;
use gui_common::{OnDisk, harness};

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

/// Opens the combo box labelled `combo` and picks its option `option`.
fn choose(h: &mut Harness<'_, AmpscopeApp>, combo: &str, option: &str) {
    h.get_by_label(combo).click();
    h.run();
    h.get_by(|n| n.role() == egui::accesskit::Role::Button && n.label().as_deref() == Some(option))
        .click();
    h.run();
}

/// Types `text` into the events search.
fn search(h: &mut Harness<'_, AmpscopeApp>, text: &str) {
    h.get_by_label("Search events").focus();
    h.run();
    h.get_by_label("Search events").type_text(text);
    h.run();
}

#[test]
fn selecting_an_event_shows_its_request_body() {
    let mut h = harness(AmpscopeApp::default());
    search(&mut h, "Product Viewed");
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

/// Switching a directive to an event path starts from the path the directive read first,
/// not from the event's root (which sent the whole event as the device id).
#[test]
fn a_directive_switched_to_an_event_path_keeps_its_first_path() {
    let mut app = AmpscopeApp::default();
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    choose(&mut h, "device_id mapping kind", "event path");
    let sub = &h.state().doc.subscriptions[h.state().selected_sub.unwrap()];
    assert_eq!(
        sub.mapping["device_id"],
        serde_json::json!({"@path": "$.context.device.id"})
    );
    assert_eq!(
        h.get_by_label("device_id path").value().as_deref(),
        Some("$.context.device.id")
    );
}

/// A static value shows as itself beside its field, as the request has it (resolved alone, a
/// string mapping is spread into an object of its characters).
#[test]
fn a_static_value_shows_as_itself() {
    let mut app = AmpscopeApp::default();
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    choose(&mut h, "user_id mapping kind", "static value");
    h.get_by_label("user_id value").focus();
    h.run();
    h.get_by_label("user_id value").type_text("someone");
    h.run();
    let body = text_of(&h, "Request body 1 of Track Calls");
    assert!(body.contains("\"user_id\": \"someone\""), "{body}");
    assert!(shows(&h, "= \"someone\""));
    assert!(!shows(&h, "\"0\":\"s\""));
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

/// An event shown from Coverage is selected in the events list too: a search that hides it
/// is cleared, and the notice says so.
#[test]
fn an_event_shown_from_coverage_is_listed() {
    let mut h = harness(AmpscopeApp::default());
    search(&mut h, "order");
    h.get_by_label("Coverage").click();
    h.run();
    h.get_by_label("Identify usr_8f3k2m9q").click();
    h.run();
    let i = event_index(h.state(), "Identify usr_8f3k2m9q");
    assert_eq!(h.state().tab, Tab::Debugger);
    assert_eq!(h.state().selected_event, Some(i));
    assert_eq!(h.state().search, "");
    assert!(h.state().listed(i));
    assert!(shows(
        &h,
        "Cleared the events list's filter to show Identify usr_8f3k2m9q."
    ));
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
    assert!(shows(&h, "unsaved project *"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.subscriptions[0].trigger, original);
    // Back where it started: nothing to save.
    assert!(!h.state().doc.dirty);
    assert!(shows(&h, "unsaved project") && !shows(&h, "unsaved project *"));
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    assert_eq!(h.state().doc.subscriptions[0].trigger, "type = \"page\"");
    assert!(h.state().doc.dirty && shows(&h, "unsaved project *"));
}

/// The path picker filters the events' paths as the user types; Enter takes the first match.
#[test]
fn the_path_picker_filters_and_enter_picks() {
    let mut app = AmpscopeApp::default();
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    let picks = h.get_all_by_label("Pick…").count();
    assert!(picks > 1, "{picks} pickers");
    h.get_all_by_label("Pick…").next().unwrap().click();
    h.run();
    assert!(
        shows(&h, "$.context.app.build"),
        "the picker lists the paths"
    );
    let filter = h.get_by_label("Filter paths").rect();
    let first = h.get_by_label("$.anonymousId").rect();
    assert!(
        filter.max.y <= first.min.y,
        "the list covers the filter: {filter:?} {first:?}"
    );
    h.get_by_label("Filter paths").type_text("ANONYM");
    h.run();
    assert!(shows(&h, "$.anonymousId"));
    assert!(!shows(&h, "$.context.app.build"), "not filtered");
    h.key_press(egui::Key::Enter);
    h.run();
    let sub = &h.state().doc.subscriptions[sub_index(h.state(), "Track Calls")];
    assert_eq!(
        sub.mapping.get("user_id"),
        Some(&serde_json::json!({"@path": "$.anonymousId"}))
    );
    assert!(!shows(&h, "Filter paths"), "the picker stayed open");
    // Opened again, the filter starts empty.
    h.get_all_by_label("Pick…").next().unwrap().click();
    h.run();
    assert!(shows(&h, "$.context.app.build"));
    h.get_by_label("Filter paths").type_text("no-such-path");
    h.run();
    assert!(shows(&h, "No path contains this text."));
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

    // Migrated subscriptions meet the same limit: added to 48, six are too many; in place
    // of them, they fit.
    let mut app = AmpscopeApp::default();
    while app.doc.subscriptions.len() < 48 {
        app.add_subscription(0, 0.0);
    }
    // Six the editor does not have yet (it leaves out those it has).
    let six: Vec<_> = (0..6)
        .map(|i| {
            let mut s = app.doc.subscriptions[i].clone();
            s.trigger = format!("event = \"Migrated {i}\"");
            s
        })
        .collect();
    app.load_migrated(six.clone(), false);
    assert_eq!(app.doc.subscriptions.len(), 48);
    let h = harness(app);
    assert!(shows(
        &h,
        "Could not add the migrated subscriptions: a destination holds at most 50 mappings, \
         and 6 subscriptions added to 48 is too many."
    ));
    let mut app = h.into_state();
    app.load_migrated(six, true);
    assert_eq!(app.doc.subscriptions.len(), 6);
}

/// "Add to editor" leaves out the migrated subscriptions the editor already has (they would
/// send every event they take twice) and says so.
#[test]
fn adding_migrated_subscriptions_leaves_out_those_already_there() {
    let mut app = AmpscopeApp::default();
    let presets = app.doc.subscriptions.clone();
    let mut group = presets[0].clone();
    group.name = "Group Calls".into();
    group.trigger = "type = \"group\"".into();
    let mut offered = presets.clone();
    offered.push(group.clone());
    app.load_migrated(offered.clone(), false);
    assert_eq!(app.doc.subscriptions.len(), presets.len() + 1);
    assert_eq!(app.doc.subscriptions.last(), Some(&group));
    let h = harness(app);
    assert!(shows(
        &h,
        "1 migrated subscription added to the editor (5 already there, left out)"
    ));
    let mut app = h.into_state();
    app.load_migrated(offered, false);
    assert_eq!(app.doc.subscriptions.len(), presets.len() + 1);
    let h = harness(app);
    assert!(shows(
        &h,
        "Nothing added: the editor already has all 6 migrated subscriptions."
    ));
}

#[test]
fn an_api_key_typed_in_the_settings_goes_into_the_requests_already_previewed() {
    let app = AmpscopeApp::default();
    let mut h = harness(app);
    let selected = h.state().selected_event.unwrap();
    let body = |h: &mut Harness<'_, AmpscopeApp>| {
        let outcome = h.state_mut().outcome(selected).unwrap();
        let run = outcome.runs.iter().flatten().find(|r| r.matched).unwrap();
        run.requests[0].body.clone()
    };
    // The debugger has shown (and memoised) the selected event's request without a key.
    assert!(body(&mut h).contains(r#""api_key":"YOUR_API_KEY""#));

    h.state_mut().tab = Tab::Settings;
    h.run();
    h.get_by_label("API key").focus();
    h.run();
    h.get_by_label("API key").type_text("typed-key-0123");
    h.run();
    assert_eq!(h.state().api_key, "typed-key-0123");
    // What "Send test request" hands over is built with the key now set.
    assert!(body(&mut h).contains(r#""api_key":"typed-key-0123""#));
}

/// The key is masked where a request holds it, not wherever its letters occur: a test key
/// such as "Signed" leaves the event type "Signed Up" alone.
#[test]
fn a_short_key_is_masked_only_where_the_request_holds_it() {
    let mut app = AmpscopeApp::default();
    app.api_key = "Signed".into();
    let mut h = harness(app);
    click_event(&mut h, "Signed Up");
    let body = text_of(&h, "Request body 1 of Track Calls");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["events"][0]["event_type"], "Signed Up");
    assert_eq!(v["api_key"], "••••");
    assert!(!shows(&h, "•••• Up"));
}

#[test]
fn event_text_that_does_not_parse_yet_survives_selecting_another_event() {
    let mut h = harness(AmpscopeApp::default());
    click_event(&mut h, "Signed Up");
    let before = h.get_by_label("Event JSON").value().unwrap();
    h.get_by_label("Event JSON").focus();
    h.run();
    h.get_by_label("Event JSON").type_text(", half-typed");
    h.run();
    assert!(shows(&h, "JSON error"));
    let typed = h.get_by_label("Event JSON").value().unwrap();
    assert_ne!(typed, before);

    click_event(&mut h, "Page Pricing");
    assert!(!shows(&h, "JSON error"));
    assert!(
        h.get_by_label("Event JSON")
            .value()
            .unwrap()
            .contains("Pricing")
    );

    click_event(&mut h, "Signed Up");
    assert_eq!(h.get_by_label("Event JSON").value().unwrap(), typed);
    assert!(shows(&h, "JSON error"));
    // The event itself is as it was.
    let i = event_index(h.state(), "Signed Up");
    assert_eq!(
        ampscope::engine::js::stringify_pretty(&h.state().doc.events[i].value),
        before
    );
}

#[test]
fn the_trigger_builder_shows_fields_and_values_whole() {
    let mut h = harness(AmpscopeApp::default());
    h.get_by_label("Builder").click();
    h.run();
    // Track Calls: `type = "track" and event != "Order Completed"`.
    let field = h.get_by_label("Condition 2 field");
    assert_eq!(field.value().as_deref(), Some("event"));
    assert!(field.rect().width() >= 150.0, "{:?}", field.rect());
    let value = h.get_by_label("Condition 2 value");
    assert_eq!(value.value().as_deref(), Some("Order Completed"));
    assert!(value.rect().width() >= 200.0, "{:?}", value.rect());
}

/// Editing a builder row goes through states that are not a condition yet (a field half
/// typed, a number not typed yet): the rows stay as typed, with why they are not applied, and
/// the trigger keeps its last complete text instead of becoming FQL the reference misreads.
#[test]
fn the_trigger_builder_keeps_half_typed_rows_without_breaking_the_trigger() {
    let mut h = harness(AmpscopeApp::default());
    let si = h.state().selected_sub.unwrap();
    let trigger = |h: &Harness<'_, AmpscopeApp>| h.state().doc.subscriptions[si].trigger.clone();
    let original = trigger(&h);
    assert_eq!(original, r#"type = "track" and event != "Order Completed""#);
    h.get_by_label("Builder").click();
    h.run();
    // Backspace by backspace, "event" becomes "properties.total".
    let field = "Condition 2 field";
    h.get_by_label(field).focus();
    h.run();
    for text in ["even", "", "properties.", "properties.total"] {
        h.get_by_label(field).set_text_value_accesskit(text);
        h.run();
        assert_eq!(h.get_by_label(field).value().as_deref(), Some(text));
        if text != "properties.total" {
            assert_eq!(trigger(&h), original, "after {text:?}");
            assert!(shows(&h, "Not applied: condition 2"), "after {text:?}");
        }
    }
    assert_eq!(
        trigger(&h),
        r#"type = "track" and properties.total != "Order Completed""#
    );
    assert!(!shows(&h, "Not applied"));
    // The operators offered are those of an event property (the event type offers two).
    choose(&mut h, "Condition 2 operator", "is greater than");
    assert_eq!(
        trigger(&h),
        r#"type = "track" and properties.total != "Order Completed""#
    );
    assert!(shows(&h, "'is greater than' needs a number"));
    h.get_by_label("Condition 2 value").focus();
    h.run();
    h.get_by_label("Condition 2 value")
        .set_text_value_accesskit("100");
    h.run();
    assert_eq!(trigger(&h), r#"type = "track" and properties.total > 100"#);
    h.get_by_label("Condition 1 operator").click();
    h.run();
    assert!(h.query_by_label("is greater than").is_none());
    assert!(h.query_by_label("is not").is_some());
}

/// An empty trigger opens in the builder as no condition yet, to add the first one to (it
/// was called "raw only").
#[test]
fn an_empty_trigger_is_built_from_its_first_condition() {
    let mut h = harness(AmpscopeApp::default());
    let si = h.state().selected_sub.unwrap();
    h.get_by_label("Trigger FQL").focus();
    h.run();
    h.get_by_label("Trigger FQL").set_text_value_accesskit("");
    h.run();
    h.get_by_label("Builder").click();
    h.run();
    assert!(!shows(&h, "raw only"));
    h.get_by_label("+ Add condition").click();
    h.run();
    choose(&mut h, "Condition 1 operator", "contains");
    h.get_by_label("Condition 1 value").focus();
    h.run();
    h.get_by_label("Condition 1 value")
        .set_text_value_accesskit("Order");
    h.run();
    assert_eq!(
        h.state().doc.subscriptions[si].trigger,
        r#"contains(event, "Order")"#
    );
}

#[test]
fn a_file_dialog_the_system_cannot_show_gets_an_explanation() {
    let mut h = harness(AmpscopeApp::default());
    assert!(!shows(&h, "No file dialog could be shown"));
    // What a dialog does when it comes back empty at once with no portal and no zenity.
    ampscope::app::dialogs::mark_unavailable();
    h.run();
    assert!(shows(&h, "No file dialog could be shown"));
    assert!(shows(&h, "files can also be dropped onto the window"));
    assert!(h.state().notice.as_ref().is_some_and(|n| n.error));
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

/// The palette's shortcuts stay clear of its scroll bar, which is drawn over the list's right
/// edge: "Ctrl+O" read "Ctrl+C" with its last letter under the bar.
#[test]
fn palette_shortcuts_stay_clear_of_the_scroll_bar() {
    let mut h = harness(AmpscopeApp::default());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run();
    let field = h.get_by_label("Command").rect();
    let bar = egui::style::ScrollStyle::default();
    let shortcut = h.get_by_label("Ctrl+O").rect();
    assert!(
        shortcut.right() <= field.right() - bar.bar_width - bar.bar_outer_margin,
        "{shortcut:?} under the bar of {field:?}"
    );
}

/// The same for the subscriptions list's badges once the list scrolls.
#[test]
fn subscription_badges_stay_clear_of_the_scroll_bar() {
    let mut app = AmpscopeApp::default();
    for _ in 0..8 {
        app.add_subscription(0, 0.0);
    }
    let h = harness(app);
    let right = h.get_by_label("+ Add subscription").rect().right();
    let bar = egui::style::ScrollStyle::default();
    let badges: Vec<egui::Rect> = h.query_all_by_label("no match").map(|n| n.rect()).collect();
    assert!(!badges.is_empty());
    for b in badges {
        assert!(
            b.right() <= right - bar.bar_width - bar.bar_outer_margin,
            "{b:?} under the bar (panel ends at {right})"
        );
    }
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

/// The events list follows a selection made with the keyboard (or anywhere but the list):
/// the selected row is scrolled into view, past the rows the list shows.
#[test]
fn the_events_list_scrolls_to_an_event_selected_by_keyboard() {
    let mut h = harness(AmpscopeApp::default());
    let n = h.state().doc.events.len();
    let row = |h: &Harness<'_, AmpscopeApp>, i: usize| {
        let e = &h.state().doc.events[i];
        format!("{:<8} {}", e.kind, e.label)
    };
    let last = row(&h, n - 1);
    assert!(!shows(&h, &last), "the list starts at the top");
    for _ in 1..n {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::ArrowDown);
        h.run();
    }
    assert_eq!(h.state().selected_event, Some(n - 1));
    assert!(shows(&h, &last));
    assert!(!shows(&h, &row(&h, 0)), "scrolled");
    // Back to the top in one step, as another view would select it.
    h.state_mut().selected_event = Some(0);
    h.run();
    assert!(shows(&h, &row(&h, 0)));
}

/// A filter that hides the selected event moves the selection to the first listed one, and
/// Delete then goes on to the next listed event: Delete never acts on an event the list does
/// not show.
#[test]
fn the_selection_stays_among_the_listed_events() {
    let mut h = harness(AmpscopeApp::default());
    let aliases: Vec<usize> = (0..h.state().doc.events.len())
        .filter(|&i| h.state().doc.events[i].kind == "alias")
        .collect();
    assert_eq!(aliases.len(), 2);
    assert_ne!(h.state().doc.events[0].kind, "alias");
    let total = h.state().doc.events.len();
    choose(&mut h, "Type", "alias");
    assert_eq!(h.state().kind_filter.as_deref(), Some("alias"));
    assert_eq!(h.state().selected_event, Some(aliases[0]));

    let second = h.state().doc.events[aliases[1]].value.clone();
    h.get_by_label("Delete").click();
    h.run();
    assert_eq!(h.state().doc.events.len(), total - 1);
    let sel = h.state().selected_event.unwrap();
    assert_eq!(
        h.state().doc.events[sel].value,
        second,
        "the next listed event"
    );
    h.get_by_label("Delete").click();
    h.run();
    assert_eq!(h.state().selected_event, None);
    assert!(shows(&h, "No event matches the filter."));
    assert_eq!(h.state().doc.events.len(), total - 2);
    assert!(
        h.state().doc.events.iter().all(|e| e.kind != "alias"),
        "only the listed events were deleted"
    );

    // A search that hides the selection moves it too; one that keeps it leaves it.
    choose(&mut h, "Type", "all");
    assert_eq!(h.state().selected_event, Some(0));
    let viewed = event_index(h.state(), "Product Viewed");
    let searched = event_index(h.state(), "Products Searched");
    assert!(searched < viewed);
    search(&mut h, "Product Viewed");
    assert_eq!(h.state().selected_event, Some(viewed));
    h.get_by_label("Search events")
        .set_text_value_accesskit("product");
    h.run();
    assert!(shows(&h, "Products Searched"));
    assert_eq!(h.state().selected_event, Some(viewed), "still listed");
}

/// "New" adds an event the list shows: of the call type the list is filtered to, and with
/// the search cleared (and said so) when the search would hide it.
#[test]
fn a_new_event_is_listed() {
    let mut h = harness(AmpscopeApp::default());
    let total = h.state().doc.events.len();
    choose(&mut h, "Type", "identify");
    h.get_by_label("New").click();
    h.run();
    let i = h.state().selected_event.unwrap();
    assert_eq!(h.state().doc.events.len(), total + 1);
    assert_eq!(h.state().doc.events[i].kind, "identify");
    assert!(h.state().listed(i));
    let identifies = h
        .state()
        .doc
        .events
        .iter()
        .filter(|e| e.kind == "identify")
        .count();
    assert!(shows(&h, &format!("{identifies} of {} events", total + 1)));

    search(&mut h, "usr_8f3k2m9q");
    h.get_by_label("New").click();
    h.run();
    let i = h.state().selected_event.unwrap();
    assert_eq!(h.state().doc.events[i].kind, "identify");
    assert_eq!(h.state().search, "");
    assert!(h.state().listed(i));
    assert!(shows(
        &h,
        "Cleared the search so that the new event is listed."
    ));
}

/// Escape in the events search clears it, as does its clear button.
#[test]
fn escape_or_the_clear_button_clears_the_search() {
    let mut h = harness(AmpscopeApp::default());
    let total = h.state().doc.events.len();
    assert!(h.query_by_label("Clear search").is_none());
    search(&mut h, "order");
    let all = format!("{total} events");
    assert!(h.query_by_label(&all).is_none());
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().search, "");
    assert!(h.query_by_label(&all).is_some());
    search(&mut h, "order");
    h.get_by_label("Clear search").click();
    h.run();
    assert_eq!(h.state().search, "");
    assert!(h.query_by_label("Clear search").is_none());
}

/// Started wide, then narrowed to 1024 px: the side panels give way so the subscriptions in
/// the middle stay readable (they kept their widths and squeezed the middle to a sliver).
#[test]
fn the_subscriptions_keep_their_room_when_the_window_narrows() {
    let mut h = harness(AmpscopeApp::default());
    h.set_size(egui::vec2(1024.0, 700.0));
    h.run();
    let trigger = h.get_by_label("Trigger FQL").rect();
    assert!(trigger.width() >= 380.0, "{trigger:?}");
    let events = h.get_by_label("Search events").rect();
    assert!(events.right() < trigger.left(), "{events:?} {trigger:?}");
    let body = h
        .get_by(|n| n.label().is_some_and(|l| l.starts_with("Request body 1")))
        .rect();
    assert!(trigger.right() < body.left(), "{trigger:?} {body:?}");
    assert!(body.right() <= 1024.0, "{body:?}");
}

/// A key in a form body (Identify User) is masked in the preview, which shows the body
/// decoded: masking the decoded text missed it, and the key showed whole.
#[test]
fn a_key_in_a_form_body_is_masked_in_the_preview() {
    let mut app = AmpscopeApp::default();
    app.api_key = CLASSIC_KEY.into();
    let mut h = harness(app);
    click_event(&mut h, "Identify usr_8f3k2m9q");
    let body = text_of(&h, "Request body 1 of Identify Calls");
    assert!(
        body.starts_with("api_key =\n••••cdef\nidentification =\n"),
        "{body}"
    );
    assert!(!shows(&h, CLASSIC_KEY));
    assert!(h.query_all_by_value(CLASSIC_KEY).next().is_none());
}

/// With the only matching subscription turned off, the preview says so rather than that no
/// subscription matches.
#[test]
fn the_preview_names_a_turned_off_subscription_that_matches() {
    let mut h = harness(AmpscopeApp::default());
    assert!(!shows(&h, "Turned off"));
    h.get_by_label("Enable Track Calls").click();
    h.run();
    assert!(!h.state().doc.subscriptions[0].enabled);
    assert!(shows(&h, "No enabled subscription matches this event"));
    assert!(shows(
        &h,
        "Turned off, but the trigger matches this event: Track Calls"
    ));
    assert!(!shows(&h, "No subscription matches this event"));
}

/// File → "Load the sample events missing from the list" adds back only the samples that
/// are gone (loading all of them again sent every remaining one twice).
#[test]
fn loading_the_samples_again_adds_only_the_missing_ones() {
    let mut h = harness(AmpscopeApp::default());
    let total = h.state().doc.events.len();
    click_event(&mut h, "Page Pricing");
    h.get_by_label("Delete").click();
    h.run();
    assert_eq!(h.state().doc.events.len(), total - 1);
    let load = |h: &mut Harness<'_, AmpscopeApp>| {
        h.get_by_label("File").click();
        h.run();
        h.get_by_label("Load the sample events missing from the list")
            .click();
        h.run();
    };
    load(&mut h);
    assert_eq!(h.state().doc.events.len(), total);
    let back = h.state().doc.events.last().unwrap();
    assert_eq!(back.label, "Page Pricing");
    assert_eq!(h.state().selected_event, Some(total - 1));
    load(&mut h);
    assert_eq!(h.state().doc.events.len(), total);
    assert!(shows(&h, "Every sample event is loaded already."));

    // With the list emptied, all of them come back, and one undo takes them all away.
    while !h.state().doc.events.is_empty() {
        h.key_press_modifiers(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::Backspace,
        );
        h.run();
    }
    assert!(shows(&h, "No events yet."));
    h.get_by_label("Load the sample events").click();
    h.run();
    assert_eq!(h.state().doc.events.len(), total);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(h.state().doc.events.is_empty());
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    assert_eq!(h.state().doc.events.len(), total);
}

/// The status bar's error count leads to the failing subscription.
#[test]
fn the_status_bar_error_count_shows_the_failing_subscription() {
    let mut app = AmpscopeApp::default();
    let track = sub_index(&app, "Track Calls");
    app.doc.subscriptions[track]
        .mapping
        .insert("user_id".into(), serde_json::json!({"@path": "$.context"}));
    app.doc.commit_edits("test", 0.0);
    app.selected_sub = Some(sub_index(&app, "Page Calls"));
    app.tab = Tab::Coverage;
    let mut h = harness(app);
    h.get_by_label("1 error").click();
    h.run();
    assert_eq!(h.state().tab, Tab::Debugger);
    assert_eq!(h.state().selected_sub, Some(track));
    assert!(shows(
        &h,
        "Error: User ID must be a string or null but it was an object."
    ));
}

/// An invalid directive in a field is reported once beside it, with its place in the
/// mapping (it was also repeated from the run's errors).
#[test]
fn an_invalid_directive_is_reported_once_beside_its_field() {
    let mut app = AmpscopeApp::default();
    app.selected_sub = Some(sub_index(&app, "Track Calls"));
    let mut h = harness(app);
    h.get_by_label("device_id mapping").focus();
    h.run();
    h.get_by_label("device_id mapping")
        .set_text_value_accesskit(
            r#"{"@if": {"exists": {"@path": "$.x"}, "then": {"@pat": "$.y"}}}"#,
        );
    h.run();
    let error = "Error: /device_id/@if/then has an invalid directive: @pat.";
    assert_eq!(h.query_all_by_label(error).count(), 1);
}

/// With nothing sent, the identity timeline says so rather than showing an empty table.
#[test]
fn the_identity_timeline_says_when_nothing_is_sent() {
    let mut app = AmpscopeApp::default();
    for s in &mut app.doc.subscriptions {
        s.enabled = false;
    }
    app.doc.commit_edits("test", 0.0);
    app.tab = Tab::Identities;
    let h = harness(app);
    assert!(shows(&h, "No loaded event sends anything to Amplitude."));
}

/// The subscription header's name field leaves room for a long action name and the delete
/// button: nothing runs into anything.
#[test]
fn a_long_action_name_does_not_run_into_the_delete_button() {
    let mut app = AmpscopeApp::default();
    let si = app
        .doc
        .subscriptions
        .iter()
        .position(|s| s.action == "identifyUser")
        .unwrap();
    app.doc.subscriptions[si].action = "groupIdentifyUser".into();
    app.selected_sub = Some(si);
    let h = harness(app);
    let delete = h.get_by_label("Delete subscription").rect();
    let name = h.get_by_label("Name").rect();
    // The action's name in the header row (the list names it too).
    let action = h
        .query_all_by_label("Group Identify User")
        .map(|n| n.rect())
        .find(|r| r.center().y > delete.top() && r.center().y < delete.bottom())
        .expect("the action's name beside the delete button");
    assert!(action.right() <= delete.left(), "{action:?} {delete:?}");
    assert!(name.right() <= action.left(), "{name:?} {action:?}");
}

/// With no event to run them on, the subscriptions list says "off" only for those turned off
/// (and still flags a trigger that does not parse), not for every one.
#[test]
fn without_an_event_only_disabled_subscriptions_read_off() {
    let mut app = AmpscopeApp::default();
    app.doc.events.clear();
    app.selected_event = None;
    app.doc.subscriptions[1].enabled = false;
    app.doc.subscriptions[2].trigger = "event = \"A".into();
    let h = harness(app);
    assert!(shows(&h, "0 events loaded"));
    assert_eq!(h.query_all_by_label("off").count(), 1);
    assert_eq!(h.query_all_by_label("bad trigger").count(), 1);
}

/// JSON that is not an event (what loading a file refuses) is not applied from the editor
/// either: the event stays, the text stays with the reason.
#[test]
fn json_that_is_not_an_event_is_not_applied() {
    let mut h = harness(AmpscopeApp::default());
    let before = h.state().doc.events[0].value.clone();
    h.get_by_label("Event JSON").focus();
    h.run();
    for (text, why) in [
        (
            "[1, 2]",
            "Not applied: the event is an array, not an object",
        ),
        (
            "{\"event\": \"A\"}",
            "Not applied: the event has no \"type\"",
        ),
        (
            "{\"type\": 7}",
            "Not applied: the event \"type\" is a number",
        ),
    ] {
        h.get_by_label("Event JSON").set_text_value_accesskit(text);
        h.run();
        assert!(shows(&h, why), "{text}");
        assert_eq!(h.state().doc.events[0].value, before);
        assert_eq!(h.state().event_buffer.text, text);
    }
    assert!(!h.state().doc.dirty);
}

/// A character typed into the event and deleted again leaves the project as it was: not
/// changed, nothing to undo.
#[test]
fn an_event_typed_back_to_its_text_is_not_a_change() {
    let mut h = harness(AmpscopeApp::default());
    assert!(!h.state().doc.dirty);
    let text = h.state().event_buffer.text.clone();
    h.get_by_label("Event JSON").focus();
    h.run();
    let typed = text.replacen("\"track\"", "\"trackx\"", 1);
    // Within the second that merges typing into one undo step (`run` lets a second pass).
    h.get_by_label("Event JSON")
        .set_text_value_accesskit(&typed);
    h.step();
    assert!(h.state().doc.dirty);
    h.get_by_label("Event JSON").set_text_value_accesskit(&text);
    h.run();
    assert!(!h.state().doc.dirty);
    assert!(!h.state().doc.can_undo());
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
    assert_eq!(view.items()[0].label, "Track Calls · Product Viewed");
}

/// After a group identify is sent to the emulator, the profile shown includes the group the
/// user joined with the group properties the second request set.
#[test]
fn the_emulator_profile_shows_the_groups_of_the_user() {
    let mut app = AmpscopeApp::default();
    let group = ampscope::app::engine_glue::actions()
        .iter()
        .position(|a| a.key == "groupIdentifyUser")
        .unwrap();
    app.add_subscription(group, 0.0);
    let sub = app.doc.subscriptions.last_mut().unwrap();
    sub.mapping
        .insert("group_type".into(), serde_json::json!("company"));
    sub.mapping.insert(
        "group_value".into(),
        serde_json::json!({"@path": "$.groupId"}),
    );
    app.doc.commit_edits("test", 0.0);
    app.selected_event = Some(event_index(&app, "Group grp_acme_corp"));
    let mut h = harness(app);
    send_selected_and_wait(&mut h, 2);
    let start = std::time::Instant::now();
    while !shows(&h, "Emulator profile after the send") {
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(shows(&h, "group company \"grp_acme_corp\":"));
    assert!(shows(&h, "  employees: 420"));
}

/// Sending to the Amplitude region the destination settings do not use is flagged: the
/// regions are separate data centres.
#[test]
fn sending_to_the_other_region_than_the_settings_is_flagged() {
    let mut h = harness(AmpscopeApp::default());
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_label("Europe").click();
    h.run();
    assert_eq!(h.state().doc.settings.region, "europe");
    h.get_by_label("Send").click();
    h.run();
    let warning = "The destination settings use the Europe region";
    assert!(!shows(&h, warning), "not for the emulator");
    h.get_by_label("Amplitude North America").click();
    h.run();
    assert!(shows(&h, warning));
    h.get_by_label("Amplitude Europe").click();
    h.run();
    assert!(!shows(&h, warning));
}

/// The Send tab shows a sent form body decoded, as the preview and the History do (it showed
/// the percent-encoded text), with the key masked.
#[test]
fn the_send_tab_shows_a_sent_form_body_decoded_and_masked() {
    let mut app = AmpscopeApp::default();
    app.api_key = CLASSIC_KEY.into();
    app.selected_event = Some(event_index(&app, "Identify usr_8f3k2m9q"));
    let mut h = harness(app);
    send_selected_and_wait(&mut h, 1);
    assert!(shows(&h, "Status 200"));
    h.get_by_label("Request sent").click();
    h.run();
    assert!(shows(&h, "api_key =\n••••cdef\nidentification =\n{"));
    assert!(!shows(&h, "%22user_id%22"));
    assert!(!shows(&h, CLASSIC_KEY));
}

/// Sends the selected event's requests from the Send tab and waits for `answers` answers.
fn send_selected_and_wait(h: &mut Harness<'_, AmpscopeApp>, answers: usize) {
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Send test request").click();
    step_until(h, "the answers", |app| {
        app.send
            .as_ref()
            .is_some_and(|v| v.items().len() == answers)
    });
}

/// Steps the harness until `done` holds (bounded to 20 s).
fn step_until(h: &mut Harness<'_, AmpscopeApp>, what: &str, done: impl Fn(&AmpscopeApp) -> bool) {
    let start = std::time::Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{what} did not happen within 20 s"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
}

/// "Send all" sends the requests of the events the events panel lists (built when pressed):
/// filtered to the five Order Completed samples, the purchase preset's five requests.
#[test]
fn send_all_sends_the_listed_events_to_the_emulator() {
    let mut h = harness(AmpscopeApp::default());
    search(&mut h, "Order Completed");
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Send all").click();
    step_until(&mut h, "sending the listed events", |a| {
        a.send
            .as_ref()
            .is_some_and(|v| !v.is_busy() && !v.items().is_empty())
    });
    let items = h.state().send.as_ref().unwrap().items();
    assert_eq!(
        items.len(),
        5,
        "{:?}",
        items.iter().map(|i| &i.label).collect::<Vec<_>>()
    );
    assert!(
        items
            .iter()
            .all(|i| i.label == "Order Completed Calls · Order Completed")
    );
    assert!(items.iter().all(|i| i.exchange.is_success()));
}

/// Ctrl+Enter sends the selected event's requests from any tab and shows the answers;
/// Ctrl+Shift+Enter sends every listed event's; a second send waits for the first.
#[test]
fn send_shortcuts_send_from_anywhere() {
    let mut app = AmpscopeApp::default();
    app.selected_event = Some(event_index(&app, "Product Viewed"));
    let mut h = harness(app);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    h.run();
    assert_eq!(h.state().tab, Tab::Send);
    step_until(&mut h, "the answer", |a| {
        a.send
            .as_ref()
            .is_some_and(|v| !v.is_busy() && v.items().len() == 1)
    });
    assert_eq!(
        h.state().send.as_ref().unwrap().items()[0].label,
        "Track Calls · Product Viewed"
    );

    // Each answer 200 ms late, so that the second press below comes while sending.
    h.get_by_label("Emulator fault injection").click();
    h.run();
    h.get_by_label("Added latency (ms):").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Added latency (ms):").type_text("200");
    h.key_press(egui::Key::Enter);
    h.run();
    h.state_mut().tab = Tab::Debugger;
    h.run();
    search(&mut h, "Order Completed");
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Enter,
    );
    // Stepped, not run: the progress bar animates while sending.
    h.step();
    assert_eq!(h.state().tab, Tab::Send);
    // Pressed again while sending: said, not sent twice.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    h.step();
    h.step();
    assert!(shows(&h, "Requests are being sent"));
    step_until(&mut h, "sending the listed events", |a| {
        a.send.as_ref().is_some_and(|v| !v.is_busy())
    });
    assert_eq!(h.state().send.as_ref().unwrap().items().len(), 6);
}

/// More events listed than "Send all" takes: it says so, and sends nothing.
#[test]
fn send_all_over_its_limit_says_to_filter() {
    let mut app = AmpscopeApp::default();
    let many = (0..5_000)
        .map(|i| serde_json::json!({"type": "track", "event": format!("E{i}"), "userId": "u"}))
        .collect();
    app.doc.add_file_events("many.ndjson".into(), many);
    let mut h = harness(app);
    for _ in 0..5 {
        h.run();
    }
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Enter,
    );
    h.run();
    assert!(shows(
        &h,
        "Nothing was sent: 5,047 events are listed, and \"Send all\" sends at most 5,000."
    ));
    assert!(h.state().send.as_ref().unwrap().items().is_empty());
}

/// Keys that also edit text (Ctrl+Shift+Backspace deletes a word, Ctrl+Down goes to the end)
/// stay with a text field that has the keyboard; elsewhere they are the window's shortcuts.
#[test]
fn text_editing_keys_stay_with_the_text_field() {
    let mut h = harness(AmpscopeApp::default());
    let events = h.state().doc.events.len();
    let selected = h.state().selected_event;
    h.get_by_label("Event JSON").focus();
    h.run();
    let shift_cmd = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
    h.key_press_modifiers(shift_cmd, egui::Key::Backspace);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::ArrowDown);
    h.run();
    assert_eq!(h.state().doc.events.len(), events, "the event was deleted");
    assert_eq!(
        h.state().selected_event,
        selected,
        "another event was selected"
    );

    // Out of the field, the same keys move to the next event and delete it.
    h.key_press(egui::Key::Escape);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::ArrowDown);
    h.run();
    assert_eq!(h.state().selected_event, selected.map(|i| i + 1));
    h.key_press_modifiers(shift_cmd, egui::Key::Backspace);
    h.run();
    assert_eq!(h.state().doc.events.len(), events - 1);
}

/// An event neither side sends (an alias: classic has Send Alias off, no preset takes it) is
/// not called the same on both sides.
#[test]
fn compare_says_when_neither_side_sends_the_event() {
    let mut app = AmpscopeApp::default();
    let alias = app
        .doc
        .events
        .iter()
        .position(|e| e.value["type"] == "alias");
    app.selected_event = alias;
    app.tab = Tab::Compare;
    let mut h = harness(app);
    assert!(shows(&h, "Classic (0 requests)"));
    assert!(shows(&h, "Actions (0 requests)"));
    assert!(shows(&h, "Neither side sends anything for this event"));
    assert!(!shows(&h, "No differences"));
    // The all-events summary counts such events apart from the identical ones.
    let n = h.state().doc.events.len();
    h.get_by_label(&format!("Compare all {n} events")).click();
    step_until(&mut h, "the all-events summary", |a| {
        a.classic.summary.as_ref().is_some_and(|s| s.is_done())
    });
    let s = h.state().classic.summary.as_ref().unwrap();
    assert!(s.unsent >= 1);
    let unsent = s.unsent;
    assert!(shows(&h, &format!(", {unsent} sent by neither side;")));
}

const CLASSIC_KEY: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn classic_settings_generate_subscriptions_and_the_summary_shows_what_differs() {
    let mut app = AmpscopeApp::default();
    app.tab = Tab::Migration;
    let mut h = harness(app);
    // Settings as the Segment Public API returns them, pasted into the editor.
    let pasted = format!(
        r#"{{"data":{{"destination":{{"settings":{{"apiKey":"{CLASSIC_KEY}","sendAlias":true,"trackAllPages":true,"trackNamedPages":false,"trackCategorizedPages":false}}}}}}}}"#
    );
    h.get_by_label("Classic settings JSON").focus();
    h.run();
    h.get_by_label("Classic settings JSON")
        .set_text_value_accesskit(&pasted);
    h.run();
    let classic = h.state().classic.settings().clone();
    assert!(classic.send_alias && classic.track_all_pages && !classic.track_named_pages);
    assert_eq!(classic.api_key, CLASSIC_KEY);
    // The key is masked in the editor and nowhere shown in full.
    assert!(!h.state().classic.text.contains(CLASSIC_KEY));
    assert!(h.query_all_by_label_contains(CLASSIC_KEY).next().is_none());
    // The fate table and the generated subscriptions: sendAlias → a Map User subscription.
    assert!(shows(&h, "What happens to each classic setting"));
    assert!(shows(&h, "not supported"));
    assert!(shows(&h, "Map User"));

    h.get_by_label("Load into editor").click();
    h.step();
    assert_eq!(h.state().tab, Tab::Compare);
    let subs = &h.state().doc.subscriptions;
    assert!(subs.iter().any(|s| s.action == "mapUser"), "{subs:?}");
    step_until(&mut h, "the all-events summary", |a| {
        a.classic.summary.as_ref().is_some_and(|s| s.is_done())
    });
    let n = h.state().doc.events.len();
    assert!(shows(&h, &format!("{n} events compared")));
    // Classic posts to HTTP API v1, Actions to v2: the summary names that reason.
    let rows = h.state().classic.summary.as_ref().unwrap().aggregate.rows();
    assert!(
        rows.iter().any(|r| r.reason == Some("api_version")),
        "{rows:?}"
    );
    assert!(shows(&h, "HTTP API v1 vs v2"));

    // Click-through: an example of the most frequent row shows that event's comparison.
    let first = &rows[0];
    let example = first.examples[0];
    // Events are numbered from 1 in every view.
    let example_label = format!("Example #{} of {}", example + 1, first.path);
    h.get_by_label(&example_label).scroll_to_me();
    h.run();
    h.get_by_label(&example_label).click();
    h.run();
    assert_eq!(h.state().selected_event, Some(example));
    assert_eq!(
        h.state().classic.focus_path.as_deref(),
        Some(first.path.as_str())
    );
    assert!(shows(&h, &format!("(#{})", example + 1)));
    assert!(
        h.query_by_label_contains("Classic request body 1")
            .is_some()
    );

    // Export: the CSV has a row per summary row; undo puts the old subscriptions back.
    let dir = std::env::temp_dir().join(format!("ampscope-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("summary.csv");
    h.state_mut()
        .export_summary(&csv, ampscope::app::SummaryFormat::Csv);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), rows.len() + 1, "{text}");
    assert!(
        text.starts_with("path,kind,reason,events,percent"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(
        h.state()
            .doc
            .subscriptions
            .iter()
            .any(|s| s.name == "Track Calls")
    );
    assert!(h.state().classic.summary_is_stale(&h.state().doc));
}

/// A key typed into the classic settings is taken whole and shown as typed while the editor
/// has the keyboard; leaving the editor masks it.
#[test]
fn a_classic_key_being_typed_is_masked_when_the_editor_is_left() {
    let mut app = AmpscopeApp::default();
    app.tab = Tab::Migration;
    let mut h = harness(app);
    let template = h.state().classic.text.clone();
    assert!(template.contains("\"apiKey\": \"\""));
    h.get_by_label("Classic settings JSON").focus();
    h.run();
    // What the editor holds after each of a few keystrokes.
    for typed in ["01", "0123456789abcde", CLASSIC_KEY] {
        let text = template.replace("\"apiKey\": \"\"", &format!("\"apiKey\": \"{typed}\""));
        h.get_by_label("Classic settings JSON")
            .set_text_value_accesskit(&text);
        h.run();
        assert_eq!(h.state().classic.settings().api_key, typed);
        assert!(
            h.state().classic.text.contains(typed),
            "changed under the cursor"
        );
    }
    h.key_press(egui::Key::Escape);
    h.run();
    h.run();
    assert!(!h.state().classic.text.contains(CLASSIC_KEY));
    assert!(h.state().classic.text.contains("••••cdef"));
    assert_eq!(h.state().classic.settings().api_key, CLASSIC_KEY);
}

/// The Migration tab with its form open, `text` typed into the field `label` one key at a
/// time.
fn type_into_classic_form(
    role: egui::accesskit::Role,
    label: &str,
    text: &str,
) -> Harness<'static, AmpscopeApp> {
    let mut app = AmpscopeApp::default();
    app.tab = Tab::Migration;
    let mut h = harness(app);
    h.get_by_label("Every setting (form)").click();
    h.run();
    h.get_by_role_and_label(role, label).focus();
    h.run();
    for c in text.chars() {
        h.get_by_role_and_label(role, label)
            .type_text(&c.to_string());
        h.run();
    }
    h
}

/// The form's API Key field takes a key typed one character at a time, and never shows it.
#[test]
fn a_classic_key_typed_into_the_form_is_taken_whole() {
    let h = type_into_classic_form(egui::accesskit::Role::PasswordInput, "API Key", CLASSIC_KEY);
    assert_eq!(h.state().classic.settings().api_key, CLASSIC_KEY);
    assert!(h.query_all_by_label_contains(CLASSIC_KEY).next().is_none());
    assert!(h.query_all_by_value(CLASSIC_KEY).next().is_none());
    assert!(!h.state().classic.text.contains(CLASSIC_KEY));
}

/// A list setting typed into the form key by key keeps its commas and spaces (each keystroke
/// re-wrote the text from the list, so "logins, visits" became "loginsvisits").
#[test]
fn a_list_setting_typed_into_the_form_keeps_its_commas() {
    let field = "Traits To Increment";
    let h = type_into_classic_form(egui::accesskit::Role::TextInput, field, "logins, visits");
    assert_eq!(
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, field)
            .value()
            .as_deref(),
        Some("logins, visits")
    );
    assert!(
        h.state()
            .classic
            .text
            .contains("\"traitsToIncrement\": [\n    \"logins\",\n    \"visits\"\n  ]"),
        "{}",
        h.state().classic.text
    );
}

#[test]
fn broken_classic_settings_are_located_and_change_nothing() {
    let mut app = AmpscopeApp::default();
    app.tab = Tab::Migration;
    let mut h = harness(app);
    let before = h.state().classic.settings().clone();
    h.get_by_label("Classic settings JSON").focus();
    h.run();
    h.get_by_label("Classic settings JSON")
        .set_text_value_accesskit("{\n  \"sendAlias\": tru,\n  \"x\": 1\n}");
    h.run();
    assert_eq!(h.state().classic.settings(), &before);
    assert!(shows(&h, "Settings not applied: line 2"));
}

/// A character of more than one byte where the settings stop being JSON: the underline of
/// the text before it (laid out again with the new text) and the new one both cover the whole
/// character, and the message gives its place once, in characters.
#[test]
fn a_non_ascii_character_in_broken_classic_settings_is_underlined_whole() {
    let mut app = AmpscopeApp::default();
    app.tab = Tab::Migration;
    let mut h = harness(app);
    let template = h.state().classic.text.clone();
    let line = "  \"trackAllPages\": false,";
    assert!(template.contains(&format!("{line}\n")));
    h.get_by_label("Classic settings JSON").focus();
    h.run();
    for typed in ["x", "é", "éé€"] {
        let text = template.replace(line, &format!("{line}{typed}"));
        h.get_by_label("Classic settings JSON")
            .set_text_value_accesskit(&text);
        h.run();
        let (range, msg) = h.state().classic.text_error.clone().expect("an error");
        assert_eq!(
            &text[range],
            &typed[..typed.chars().next().unwrap().len_utf8()]
        );
        assert_eq!(msg, "line 7, column 26: key must be a string");
    }
    assert!(shows(
        &h,
        "Settings not applied: line 7, column 26: key must be a string"
    ));
}

/// A window whose send history lives in a fresh folder named after `test`, with the event
/// labelled `event` sent once to the emulator and the History tab open on the list; `app`
/// prepares the window first. Returns the harness, the folder and the entry's id.
fn sent_once_into_history(
    test: &str,
    event: &str,
    app: impl FnOnce(&mut AmpscopeApp),
) -> (Harness<'static, AmpscopeApp>, std::path::PathBuf, u64) {
    let dir = std::env::temp_dir().join(format!("ampscope-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut a = AmpscopeApp::default();
    a.history =
        Some(ampscope::transport::history::History::open(&dir, Default::default()).unwrap());
    a.selected_event = Some(event_index(&a, event));
    app(&mut a);
    let mut h = harness(a);
    h.get_by_label("History").click();
    h.run();
    assert!(shows(&h, "Nothing sent yet"));
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Send test request").click();
    step_until(&mut h, "the first answer", |a| {
        a.history.as_ref().is_some_and(|x| x.len() == 1)
    });
    h.get_by_label("History").click();
    h.run();
    let id = h
        .state()
        .history
        .as_ref()
        .unwrap()
        .entries()
        .next()
        .unwrap()
        .id;
    (h, dir, id)
}

/// A refused request opened in the History is explained as the Send tab explained it, and
/// its plain-text answer is shown as text.
#[test]
fn history_explains_a_refused_request() {
    let (mut h, dir, id) = sent_once_into_history("history-400", "Identify u42", |_| {});
    h.get_by_label(&format!(
        "History entry {id}: Identify Calls · Identify u42"
    ))
    .click();
    h.run();
    assert!(shows(
        &h,
        "• identification 1 of the request: user_id 'u42' is shorter than min_id_length 5"
    ));
    assert!(shows(
        &h,
        "Amplitude's SDKs drop this request without retrying"
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn history_lists_opens_resends_compares_and_exports_redacted() {
    let (mut h, dir, _) = sent_once_into_history("history-gui", "Product Viewed", |app| {
        app.api_key = CLASSIC_KEY.into();
    });
    let first = h
        .state()
        .history
        .as_ref()
        .unwrap()
        .entries()
        .next()
        .unwrap()
        .clone();
    assert!(
        !first.request.body.contains(CLASSIC_KEY),
        "recorded unredacted"
    );
    // Entries name the subscription and the event.
    h.get_by_label(&format!(
        "History entry {}: Track Calls · Product Viewed",
        first.id
    ))
    .click();
    h.run();
    let body = text_of(&h, "History request body");
    assert!(body.contains("Product Viewed"), "{body}");
    assert!(!body.contains(CLASSIC_KEY));

    // Resend goes through the Send view and is recorded again, with the real key restored on
    // the wire (the emulator accepted it) and redacted in the history.
    h.get_by_label("Resend").click();
    h.step();
    assert_eq!(h.state().tab, ampscope::app::Tab::Send);
    step_until(&mut h, "the resend's answer", |a| {
        a.history.as_ref().is_some_and(|x| x.len() == 2)
    });
    let second = h
        .state()
        .history
        .as_ref()
        .unwrap()
        .entries()
        .nth(1)
        .unwrap()
        .clone();
    assert_eq!(second.response.as_ref().map(|r| r.status), Some(200));
    assert!(second.label.starts_with("Resend: "), "{}", second.label);

    // Compare the two: same request, different latency at most.
    h.get_by_label("History").click();
    h.run();
    // Listed newest first, as the view says.
    assert!(shows(&h, "newest first"));
    let rows: Vec<String> = h
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("History entry ")))
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect();
    assert_eq!(
        rows,
        [
            format!("History entry {}: {}", second.id, second.label),
            format!("History entry {}: {}", first.id, first.label)
        ]
    );
    h.get_by_label(&format!("Compare entry {}", first.id))
        .click();
    h.run();
    h.get_by_label(&format!("Compare entry {}", second.id))
        .click();
    h.run();
    assert!(shows(
        &h,
        &format!("Entry {} vs entry {}", first.id, second.id)
    ));

    // Filter, then export what is listed.
    h.get_by_label("Filter history").focus();
    h.run();
    h.get_by_label("Filter history").type_text("Resend");
    h.run();
    assert!(shows(&h, "1 of 2 sends listed"));
    let out = dir.join("export.json");
    h.state_mut().export_history(&out, None);
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(exported.contains("Product Viewed"));
    assert!(!exported.contains(CLASSIC_KEY));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn searching_many_events_fills_the_list_over_frames_and_finds_every_match() {
    let mut app = AmpscopeApp::default();
    let base = app.doc.events[0].value.clone();
    let now = 0.0;
    for i in 0..20_000 {
        let mut v = base.clone();
        if i % 1000 == 7 {
            v["properties"]["needle"] = serde_json::json!(format!("Needle-{i}"));
        }
        let at = app.doc.events.len();
        app.doc.insert_event(at, v, now);
    }
    app.search = "needle-".into();
    let mut calls = 0;
    loop {
        let found = app.filtered().len();
        calls += 1;
        if app.filter_progress().is_none() {
            assert_eq!(found, 20);
            break;
        }
        assert!(calls < 10_000, "the search never finished");
    }
    let mut h = harness(app);
    assert!(shows(&h, "20 of 20,047 events"));
    h.run();
}

#[test]
fn dropped_files_load_one_after_the_other_and_report_what_they_could_not_read() {
    let dir = std::env::temp_dir().join(format!("ampscope-drop-gui-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let first = dir.join("yesterday.ndjson");
    std::fs::write(
        &first,
        "{\"type\":\"track\",\"event\":\"Dropped One\"}\n{\"type\":\"track\",\"event\":\"Bro\n{\"type\":\"page\",\"name\":\"Dropped Two\"}\n",
    )
    .unwrap();
    let second = dir.join("today.json");
    std::fs::write(
        &second,
        "[{\"type\":\"identify\",\"userId\":\"dropped-3\"}]",
    )
    .unwrap();
    let mut h = harness(AmpscopeApp::default());
    let before = h.state().doc.events.len();
    // Both in one drop: the second waits for the first (it used to be turned away).
    for f in [&first, &second] {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(OnDisk(f.clone())));
    }
    // The loading thread asks for a repaint when it is done; wait for it.
    for _ in 0..300 {
        h.run();
        if h.state().doc.events.len() == before + 3 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    let events = &h.state().doc.events;
    assert_eq!(events.len(), before + 3);
    assert_eq!(events[before].value["event"], "Dropped One");
    assert_eq!(events[before + 1].value["name"], "Dropped Two");
    assert_eq!(events[before + 2].value["userId"], "dropped-3");
    assert!(h.state().loader.is_none() && h.state().load_queue.is_empty());
    // What both loads said is shown, and the problems of both stay listed.
    assert!(shows(
        &h,
        "Loaded 2 events from yesterday.ndjson; 1 could not be read · Loaded 1 event from today.json"
    ));
    assert_eq!(h.state().load_errors.len(), 1);
    assert!(
        h.state().load_errors[0].starts_with("yesterday.ndjson: event 2 (line 2"),
        "{:?}",
        h.state().load_errors
    );
    assert!(shows(&h, "1 event could not be read"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_local_time_template_shows_the_event_time_in_its_own_zone() {
    let mut h = harness(AmpscopeApp::default());
    // The first field mapped by a directive (Device ID's @if) offers the templates.
    h.query_all_by_label("Insert template…")
        .next()
        .unwrap()
        .click();
    h.run();
    h.get_by_label("@liquid (local time)").click();
    h.run();
    let sub = &h.state().doc.subscriptions[0];
    let liquid = sub
        .mapping
        .values()
        .find(|v| v.get("@liquid").is_some())
        .expect("a field mapped by the template");
    assert!(
        liquid["@liquid"]
            .as_str()
            .unwrap()
            .contains("context.timezone")
    );
    // The first sample happened at 14:26 UTC in New York.
    assert!(shows(&h, "2024-03-15 10:26 -0400"));
}

/// The Coverage view with the requests of now kept as the baseline.
fn with_a_baseline() -> Harness<'static, AmpscopeApp> {
    let mut app = AmpscopeApp::default();
    app.tab = Tab::Coverage;
    let mut h = harness(app);
    h.get_by_label("Keep these requests as the baseline")
        .click();
    h.run();
    h
}

/// Track Calls sends the anonymous id as the user id from now on.
fn map_user_id_to_anonymous_id(h: &mut Harness<'_, AmpscopeApp>) {
    let track = sub_index(h.state(), "Track Calls");
    h.state_mut().doc.subscriptions[track].mapping.insert(
        "user_id".into(),
        serde_json::json!({"@path": "$.anonymousId"}),
    );
    h.run();
}

#[test]
fn a_key_typed_after_keeping_a_baseline_is_not_a_change() {
    let mut h = with_a_baseline();
    h.state_mut().api_key = "typed-after-the-baseline".into();
    // An edit, so that every event is compared again.
    map_user_id_to_anonymous_id(&mut h);
    let changed = &h.state().baseline.changed;
    assert!(!changed.is_empty());
    for (_, found) in changed {
        assert!(
            found.iter().all(|m| m.what.starts_with("user_id")),
            "{found:?}"
        );
    }
    let page = event_index(h.state(), "Page Pricing");
    assert!(changed.iter().all(|(i, _)| *i != page));
}

#[test]
fn a_baseline_lists_the_events_a_mapping_edit_changes() {
    let mut h = with_a_baseline();
    assert!(shows(
        &h,
        "No request changed since the baseline (47 events)."
    ));

    map_user_id_to_anonymous_id(&mut h);
    let signed_up = event_index(h.state(), "Signed Up");
    let (changed_at, found) = h
        .state()
        .baseline
        .changed
        .iter()
        .find(|(i, _)| *i == signed_up)
        .cloned()
        .expect("Signed Up is not listed as changed");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subscription, "Track Calls");
    assert!(
        found[0]
            .what
            .starts_with("user_id: \"usr_8f3k2m9q\" → \"f329280a-"),
        "{}",
        found[0].what
    );
    // Page and Identify calls did not change.
    let page = event_index(h.state(), "Page Pricing");
    assert!(h.state().baseline.changed.iter().all(|(i, _)| *i != page));
    assert!(shows(&h, "send something else than at the baseline"));
    // Written with an arrow the window's fonts have.
    assert!(shows(
        &h,
        "Track Calls: user_id: \"usr_8f3k2m9q\" -> \"f329280a-"
    ));

    // The event opens in the debugger.
    h.get_by_label(&format!("#{} Signed Up", changed_at + 1))
        .click();
    h.run();
    assert_eq!(h.state().tab, Tab::Debugger);
    assert_eq!(h.state().selected_event, Some(signed_up));
    // The preview says what changed for it.
    assert!(shows(
        &h,
        "Since the baseline: Track Calls: user_id: \"usr_8f3k2m9q\" -> \"f329280a-"
    ));

    // Undone, nothing differs any more.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(shows(&h, "The same requests as at the baseline"));
    h.state_mut().tab = Tab::Coverage;
    h.run();
    assert!(h.state().baseline.changed.is_empty());
    assert!(shows(&h, "No request changed since the baseline"));
    h.get_by_label("Forget the baseline").click();
    h.run();
    assert!(h.state().baseline.kept.is_none());
}

#[test]
fn the_identity_timeline_flags_a_device_sent_for_a_second_user() {
    let mut app = AmpscopeApp::default();
    app.tab = Tab::Identities;
    let mut h = harness(app);
    let rows = &h.state().identities.rows;
    assert!(rows.len() > 30, "{} rows", rows.len());
    // Every event sent lands on a user unless Amplitude refuses it: the sample identify of
    // "u42", shorter than the 5 characters ids need.
    let refused: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.sent.iter().map(move |x| (r, x)))
        .filter(|(_, x)| x.amplitude_id.is_none())
        .map(|(r, x)| {
            assert_eq!(
                r.refused,
                ["HTTP 400: invalid_event_field. Invalid fields [user_id]."]
            );
            x.user_id.as_deref().unwrap_or("")
        })
        .collect();
    assert_eq!(refused, ["u42"]);
    assert_eq!(rows[0].sent[0].notes, ["new Amplitude user #1"]);
    // The samples' second identify of the first visitor's device, under another user id.
    let flagged: Vec<usize> = rows
        .iter()
        .filter(|r| r.sent.iter().any(|s| s.device_changed_user))
        .map(|r| r.event)
        .collect();
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    assert!(shows(&h, "2 events send a device for a second user"));
    h.get_by_label("Only events with a note").click();
    h.run();
    let first = flagged[0];
    let label = format!("#{} {}", first + 1, h.state().doc.events[first].label);
    h.get_by_label(&label).click();
    h.run();
    assert_eq!(h.state().tab, Tab::Debugger);
    assert_eq!(h.state().selected_event, Some(first));

    // After an edit that sends no device id, nothing is flagged.
    h.state_mut().tab = Tab::Identities;
    for s in &mut h.state_mut().doc.subscriptions {
        s.mapping.remove("device_id");
    }
    h.run();
    let rows = &h.state().identities.rows;
    assert!(
        rows.iter()
            .flat_map(|r| &r.sent)
            .all(|s| !s.device_changed_user)
    );
    assert_eq!(rows[0].event, 0);

    // An event Segment would not deliver (integrations) is left out of the timeline.
    let mut first = h.state().doc.events[0].value.clone();
    first["integrations"] = serde_json::json!({"All": false});
    h.state_mut().doc.set_event(0, first, 5.0);
    h.run();
    assert!(h.state().identities.rows.iter().all(|r| r.event != 0));
}

#[test]
fn the_preview_says_when_the_integrations_object_keeps_segment_from_delivering() {
    let mut h = harness(AmpscopeApp::default());
    assert!(!shows(&h, "Segment would not deliver this event"));
    let i = h.state().selected_event.unwrap();
    let mut event = h.state().doc.events[i].value.clone();
    event["integrations"] = serde_json::json!({"All": false});
    h.state_mut().doc.set_event(i, event.clone(), 0.0);
    h.run();
    assert!(shows(
        &h,
        "Segment would not deliver this event to Amplitude (Actions): the event's integrations \
         object has \"All\": false"
    ));
    // Turned back on for this destination: delivered.
    event["integrations"]["Actions Amplitude"] = serde_json::json!(true);
    h.state_mut().doc.set_event(i, event, 1.0);
    h.run();
    assert!(!shows(&h, "Segment would not deliver this event"));
}

/// An event larger than Segment accepts says so; the sample events do not.
#[test]
fn an_event_over_segments_size_limit_is_flagged() {
    let mut h = harness(AmpscopeApp::default());
    assert!(!shows(&h, "refuses events over 32 KB"));
    let products: Vec<serde_json::Value> = (0..800)
        .map(|i| serde_json::json!({"product_id": format!("p{i}"), "name": "A product with a long name", "price": i}))
        .collect();
    let event = serde_json::json!({
        "type": "track", "event": "Big Cart", "userId": "u1",
        "properties": {"products": products}
    });
    let i = h.state().selected_event.unwrap();
    h.state_mut().doc.set_event(i, event, 1.0);
    h.run();
    assert!(shows(&h, "refuses events over 32 KB"), "no size warning");
    // Cut back under the limit, the warning goes.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(!shows(&h, "refuses events over 32 KB"));
}

/// Ctrl+1…8 pick the tabs in the order the tab bar shows them.
#[test]
fn number_shortcuts_follow_the_tab_bar() {
    let mut h = harness(AmpscopeApp::default());
    let keys = [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
        egui::Key::Num8,
    ];
    for (key, (tab, name)) in keys.into_iter().zip(TABS).rev() {
        h.key_press_modifiers(egui::Modifiers::COMMAND, key);
        h.run();
        assert_eq!(h.state().tab, tab, "{key:?} did not show {name}");
    }
    assert_eq!(h.state().tab, Tab::Debugger);
}

/// Unparsed text in a mapping editor stays with its subscription when one before it is
/// deleted, and does not show up in the subscription that took its place.
#[test]
fn a_mapping_draft_follows_its_subscription_when_one_before_it_is_deleted() {
    let mut app = AmpscopeApp::default();
    app.selected_sub = Some(sub_index(&app, "Page Calls"));
    let mut h = harness(app);
    let screen_text = {
        h.state_mut().selected_sub = Some(sub_index(h.state(), "Screen Calls"));
        h.run();
        h.get_by_label("device_id mapping").value().unwrap()
    };
    h.state_mut().selected_sub = Some(sub_index(h.state(), "Page Calls"));
    h.run();
    h.get_by_label("device_id mapping").focus();
    h.run();
    h.get_by_label("device_id mapping").type_text("{ draft");
    h.run();
    let draft = h.get_by_label("device_id mapping").value().unwrap();

    h.state_mut().selected_sub = Some(sub_index(h.state(), "Order Completed Calls"));
    h.run();
    h.get_by_label("Delete subscription").click();
    h.run();
    h.state_mut().selected_sub = Some(sub_index(h.state(), "Screen Calls"));
    h.run();
    assert_eq!(
        h.get_by_label("device_id mapping").value().unwrap(),
        screen_text
    );
    h.state_mut().selected_sub = Some(sub_index(h.state(), "Page Calls"));
    h.run();
    assert_eq!(h.get_by_label("device_id mapping").value().unwrap(), draft);

    // Undoing the delete puts every subscription back in its place, the draft with its own.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(h.state().doc.subscriptions.len() == 5);
    for (name, text) in [
        ("Screen Calls", &screen_text),
        ("Page Calls", &draft),
        ("Order Completed Calls", &screen_text),
    ] {
        h.state_mut().selected_sub = Some(sub_index(h.state(), name));
        h.run();
        if name == "Order Completed Calls" {
            // Its own mapping, whatever it is: not the draft.
            assert_ne!(
                &h.get_by_label("device_id mapping").value().unwrap(),
                &draft
            );
        } else {
            assert_eq!(
                &h.get_by_label("device_id mapping").value().unwrap(),
                text,
                "{name}"
            );
        }
    }
}
