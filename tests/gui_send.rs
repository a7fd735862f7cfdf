//! GUI flows of the send view, driven by egui_kittest against the in-process emulator over
//! real loopback HTTP.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use ampscope::app::send_view::{SendInputs, SendView};
use ampscope::engine::request::HttpRequest;
use ampscope::transport::client::RequestGroup;
use ampscope::transport::history::{History, HistoryLimits};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

struct State {
    view: SendView,
    groups: Vec<RequestGroup>,
    user: String,
    history: History,
}

fn v2_request(events: &str, options: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: "https://api2.amplitude.com/2/httpapi".into(),
        headers: vec![("content-type".into(), "application/json".into())].into(),
        body: format!(
            r#"{{"api_key":"0123456789abcdef0123456789abcdef","events":{events}{options}}}"#
        ),
    }
}

fn harness(
    groups: Vec<RequestGroup>,
    user: &str,
    dir: &std::path::Path,
) -> Harness<'static, State> {
    let state = State {
        view: SendView::new(),
        groups,
        user: user.to_string(),
        history: History::open(dir, HistoryLimits::default()).unwrap(),
    };
    Harness::builder()
        .with_size(egui::vec2(1000.0, 900.0))
        .build_ui_state(
            |ui, s: &mut State| {
                let inputs = SendInputs {
                    selected: &s.groups,
                    selected_user: Some(&s.user),
                    api_key: "",
                };
                s.view.ui(ui, &inputs, Some(&mut s.history));
                if s.view.take_send_all() {
                    s.view.send_all(ui.ctx(), s.groups.clone(), "");
                }
            },
            state,
        )
}

/// Steps the harness until `label_part` shows up (bounded to 10 s).
fn wait_for(h: &mut Harness<'static, State>, label_part: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        h.step();
        if h.query_by_label_contains(label_part).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("'{label_part}' did not appear within 10 s");
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ampscope-gui-send-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn send_selected_event_to_emulator_shows_answer_and_profile() {
    let identify = |n: u32| {
        v2_request(
            &format!(
                r#"[{{"event_type":"$identify","user_id":"user-1234","user_properties":{{"$add":{{"friendCount":{n}}}}}}}]"#
            ),
            "",
        )
    };
    let groups = vec![RequestGroup {
        label: "Identify user".into(),
        requests: vec![identify(3), identify(1)],
    }];
    let dir = temp_dir("ok");
    let mut h = harness(groups, "user-1234", &dir);
    h.run();
    assert!(h.query_by_label_contains("No request sent yet").is_some());
    h.get_by_label("Send test request").click();
    wait_for(&mut h, "Emulator profile after the send");
    assert!(h.query_by_label_contains("Status 200").is_some());
    assert!(h.query_by_label_contains("friendCount: 4").is_some());
    assert_eq!(h.state().view.items().len(), 2);
    assert_eq!(h.state().history.len(), 2);
    // The history never holds the key.
    let saved = std::fs::read_to_string(h.state().history.path()).unwrap();
    assert!(!saved.contains("0123456789abcdef0123456789abcdef"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn short_user_id_is_decoded_to_the_field() {
    let groups = vec![RequestGroup {
        label: "Track calls".into(),
        requests: vec![
            v2_request(
                r#"[{"event_type":"Song Played","user_id":"ab"}]"#,
                r#","options":{"min_id_length":5}"#,
            ),
            // Never sent: the group stops at the 400.
            v2_request(r#"[{"event_type":"Song Played","user_id":"abcdef"}]"#, ""),
        ],
    }];
    let dir = temp_dir("bad");
    let mut h = harness(groups, "ab", &dir);
    h.run();
    h.get_by_label("Send test request").click();
    wait_for(&mut h, "Status 400");
    wait_for(&mut h, "Done:");
    // Said once, numbered from 1 (Amplitude's answer gives index 0).
    assert!(
        h.query_by_label(
            "• event 1 of the request: user_id 'ab' is shorter than min_id_length 5 — map Min \
             ID Length or use longer ids"
        )
        .is_some()
    );
    assert_eq!(h.state().view.items().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The view with one Track call of user-1 to send (history in a folder named `test`).
fn one_track_call(test: &str) -> (Harness<'static, State>, std::path::PathBuf) {
    let groups = vec![RequestGroup {
        label: "Track calls".into(),
        requests: vec![v2_request(r#"[{"event_type":"x","user_id":"user-1"}]"#, "")],
    }];
    let dir = temp_dir(test);
    let mut h = harness(groups, "user-1", &dir);
    h.run();
    (h, dir)
}

#[test]
fn real_amplitude_without_key_says_how_to_set_one() {
    let (mut h, dir) = one_track_call("nokey");
    h.get_by_label("Amplitude Europe").click();
    h.run();
    h.get_by_label("Send test request").click();
    h.run();
    assert!(h.query_by_label_contains("AMPLITUDE_API_KEY").is_some());
    assert!(h.state().view.items().is_empty());
    // Said of that target: another one takes it away.
    h.get_by_label("Built-in emulator").click();
    h.run();
    assert!(h.query_by_label_contains("AMPLITUDE_API_KEY").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_custom_url_that_is_not_one_is_refused_before_sending() {
    let (mut h, dir) = one_track_call("badbase");
    h.get_by_label("Custom URL").click();
    h.run();
    h.get_by_label("Base URL:").focus();
    h.run();
    h.get_by_label("Base URL:").type_text("my-proxy:8080");
    h.run();
    // Said under the field while typing...
    assert!(
        h.query_by_label_contains("Not usable: the target 'my-proxy:8080'")
            .is_some()
    );
    // ...and nothing goes out.
    h.get_by_label("Send test request").click();
    h.run();
    assert!(
        h.query_by_label_contains("Nothing was sent: the target 'my-proxy:8080'")
            .is_some()
    );
    assert!(h.state().view.items().is_empty());
    assert!(h.state().history.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Opens the emulator's fault controls and ticks Force status; `status` replaces its 400.
fn force_status(h: &mut Harness<'static, State>, status: Option<&str>) {
    h.get_by_label("Emulator fault injection").click();
    h.run();
    h.get_by_label("Force status").click();
    h.run();
    if let Some(status) = status {
        h.get_by_label("Status:").focus();
        h.run();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_label("Status:").type_text(status);
        h.key_press(egui::Key::Enter);
        h.run();
    }
}

#[test]
fn forced_status_from_fault_controls_is_shown() {
    let (mut h, dir) = one_track_call("forced");
    force_status(&mut h, None);
    h.get_by_label("Send test request").click();
    wait_for(&mut h, "Status 400");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Send all waits before retrying a throttled request, as Amplitude's SDKs do: the view says
/// so while it waits, and Cancel ends the wait.
#[test]
fn a_throttled_send_all_says_it_waits_and_cancel_ends_it() {
    let (mut h, dir) = one_track_call("throttled");
    force_status(&mut h, Some("429"));
    h.get_by_label("Send all").click();
    wait_for(&mut h, "Throttled (429): retrying in");
    h.get_by_label("Cancel").click();
    let start = Instant::now();
    while h.query_by_label_contains("retrying in").is_some() {
        assert!(start.elapsed() < Duration::from_secs(10), "still waiting");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(h.state().view.items().len(), 1, "retried despite Cancel");
    let _ = std::fs::remove_dir_all(&dir);
}
