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
    // Either the Actions side ran and was compared, or the build says why it could not.
    let available = v["actions_available"].as_bool().unwrap();
    for ev in events {
        assert_eq!(ev["comparison"].is_object(), available);
        assert_eq!(ev["actions_unavailable"].is_string(), !available);
    }
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
    assert!(stdout.contains("== event 0 (line 1): page"), "{stdout}");
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
