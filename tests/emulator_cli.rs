//! `ampscope emulator` as a process: start on an ephemeral port, read the printed URL, send,
//! read the (redacted) log line, stop it.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use ampscope::engine::request::HttpRequest;
use ampscope::transport::client::{Sender, SenderConfig, Target};
use serde_json::json;

const KEY: &str = "0123456789abcdef0123456789abcdef";

struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ampscope"))
            .arg("emulator")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("no output from the emulator")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn v2_request() -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: "https://api2.amplitude.com/2/httpapi".into(),
        headers: vec![("content-type".into(), "application/json".into())].into(),
        body: json!({"api_key": KEY, "events": [{"user_id": "user-123", "event_type": "CLI"}]})
            .to_string(),
    }
}

#[test]
fn serves_on_the_printed_url_and_logs_without_keys() {
    let emu = Running::start(&["--port", "0"]);
    let url = emu.line();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with(":0"));
    let sender = Sender::new(SenderConfig::default()).unwrap();
    let mut req = v2_request();
    req.url = format!("https://api2.amplitude.com/2/httpapi?api_key={KEY}").into();
    let resp = sender
        .send_blocking(&req, &Target::Emulator(url.clone()))
        .result
        .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&resp.body).unwrap()["events_ingested"],
        json!(1)
    );
    let _banner = emu.line();
    let log = emu.line();
    assert!(
        log.starts_with("POST /2/httpapi?api_key=••••cdef -> 200"),
        "{log}"
    );
    assert!(!log.contains(KEY));
}

#[test]
fn fault_flags_apply() {
    let emu = Running::start(&["--port", "0", "--force-status", "503", "--quiet"]);
    let url = emu.line();
    let sender = Sender::new(SenderConfig::default()).unwrap();
    let resp = sender
        .send_blocking(&v2_request(), &Target::Emulator(url.clone()))
        .result
        .unwrap();
    assert_eq!(resp.status, 503);

    let emu = Running::start(&["--port", "0", "--latency-ms", "800", "--quiet"]);
    let url = emu.line();
    let sender = Sender::new(SenderConfig {
        timeout: Duration::from_millis(200),
    })
    .unwrap();
    let ex = sender.send_blocking(&v2_request(), &Target::Emulator(url));
    assert!(matches!(
        ex.result,
        Err(ampscope::transport::client::SendError::Timeout { .. })
    ));

    let emu = Running::start(&["--port", "0", "--drop-connections", "--quiet"]);
    let url = emu.line();
    let sender = Sender::new(SenderConfig::default()).unwrap();
    let ex = sender.send_blocking(&v2_request(), &Target::Emulator(url));
    assert!(
        matches!(
            ex.result,
            Err(ampscope::transport::client::SendError::ConnectionDropped { .. })
        ),
        "{:?}",
        ex.result
    );
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["--port", "x"],
        vec!["--force-status", "42"],
        vec!["--bogus"],
        vec!["--keys", "a", "--hex-keys"],
        vec!["extra"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ampscope"))
            .arg("emulator")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage: ampscope emulator"),
            "{args:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn stops_cleanly_on_ctrl_c() {
    let mut emu = Running::start(&["--port", "0", "--quiet"]);
    let _url = emu.line();
    let _banner = emu.line();
    let status = Command::new("kill")
        .args(["-INT", &emu.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(emu.line(), "stopped");
    let code = emu.child.wait().unwrap().code();
    assert_eq!(code, Some(0));
}
