//! `ampscope compare` through the built binary.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use serde_json::Value;

fn data(name: &str) -> String {
    format!("{}/tests/data/compare/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ampscope"))
        .arg("compare")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_output_has_the_classic_requests_per_event() {
    let settings = data("classic-settings.json");
    let (code, stdout, stderr) = run(&[
        "--classic-settings",
        &settings,
        "--json",
        &data("events.ndjson"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("unknown setting `someNewSetting`"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 3);
    // Page settings off: classic sends nothing for the page.
    assert_eq!(
        events[0]["classic"]["requests"].as_array().unwrap().len(),
        0
    );
    assert!(
        events[0]["classic"]["skipped"]
            .as_str()
            .unwrap()
            .contains("not sent")
    );
    // Alias on: one usermap request with the settings' key.
    let alias = &events[1]["classic"]["requests"][0];
    assert_eq!(alias["request"]["url"], "https://api.amplitude.com/usermap");
    assert_eq!(
        alias["request"]["body"],
        "api_key=KEY&mapping=%5B%7B%22user_id%22%3A%22old%22%2C%22global_user_id%22%3A%22u1%22%7D%5D"
    );
    let track = &events[2]["classic"]["requests"][0];
    assert_eq!(track["payload"]["event_type"], "Signed Up");
    assert_eq!(track["payload"]["event_properties"]["plan"], "pro");
    assert_eq!(events[2]["line"], 3);
    // The Actions presets ran and were compared.
    assert_eq!(v["actions_available"], true);
    let page_runs = events[0]["actions"].as_array().unwrap();
    let page_calls = page_runs
        .iter()
        .find(|r| r["subscription"] == "Page Calls")
        .unwrap();
    assert_eq!(page_calls["status"], "ok");
    let only_actions = &events[0]["comparison"]["pairs"][0]["differences"][0];
    assert_eq!(
        (
            only_actions["kind"].as_str(),
            only_actions["reason"].as_str()
        ),
        (Some("added"), Some("page_gating"))
    );
    let track_diffs = events[2]["comparison"]["pairs"][0]["differences"]
        .as_array()
        .unwrap();
    assert!(
        track_diffs
            .iter()
            .any(|d| d["path"] == "$request.url" && d["reason"] == "api_version")
    );
    assert_eq!(v["summary"]["events"], 3);
}

#[test]
fn migrated_subscriptions_replace_the_presets() {
    let settings = data("classic-settings.json");
    let (code, stdout, stderr) = run(&[
        "--classic-settings",
        &settings,
        "--json",
        "--migrated",
        &data("events.ndjson"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let events = v["events"].as_array().unwrap();
    // Pages were off in classic: no page subscription, nothing on either side.
    assert!(
        events[0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] != "ok")
    );
    assert_eq!(
        events[0]["comparison"]["pairs"].as_array().unwrap().len(),
        0
    );
    // Alias: the Map User subscription sends the same mapping; only the form content type differs.
    let diffs = events[1]["comparison"]["pairs"][0]["differences"]
        .as_array()
        .unwrap();
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(diffs[0]["path"], "$request.content_type");
    assert_eq!(diffs[0]["reason"], "form_encoding");
}

#[test]
fn text_output_lists_requests_and_writes_summaries() {
    let dir = std::env::temp_dir().join(format!("ampscope-compare-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("summary.csv");
    let md = dir.join("summary.md");
    let (code, stdout, stderr) = run(&[
        "--summary-csv",
        csv.to_str().unwrap(),
        "--summary-md",
        md.to_str().unwrap(),
        &data("events.ndjson"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("== event 1 (line 1): page"), "{stdout}");
    assert!(
        stdout.contains("\"event_type\":\"Viewed Home Page\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("nothing sent: alias is not sent"),
        "{stdout}"
    );
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with("path,kind,reason,events,percent,example_events\n")
    );
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("Differences over ")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_exits_2() {
    let cases: Vec<Vec<String>> = vec![
        vec![],
        vec!["--bogus".into(), data("events.ndjson")],
        vec![data("missing.json")],
        vec![
            "--classic-settings".into(),
            data("missing.json"),
            data("events.ndjson"),
        ],
        vec![
            "--classic-settings".into(),
            data("events.ndjson"),
            data("events.ndjson"),
        ],
    ];
    for args in cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, stderr) = run(&refs);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            stderr.starts_with("ampscope compare:"),
            "{args:?}: {stderr}"
        );
    }
}
