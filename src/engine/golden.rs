//! Requests checked against those made before: golden files for mappings (`replay --out`
//! once, `replay --expect` after every change) and the app's baseline. Requests must match
//! byte for byte; a difference is described by path with the structured diff of the
//! comparison view.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::compare::{ChangeKind, compare};
use crate::engine::request::HttpRequest;

/// The requests of one event for one subscription.
pub type Group = Vec<HttpRequest>;

/// Requests by event index and subscription name.
pub type Requests = BTreeMap<(u64, String), Group>;

/// One event and subscription whose requests differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub event: u64,
    pub subscription: String,
    /// How: `user_id: "a" → "b"`, `expected 1 request, got 0 requests`, …
    pub what: String,
}

impl std::fmt::Display for Mismatch {
    /// The event is numbered from 1 here because this text is for people (the golden file's
    /// `event` is its 0-based index).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "event {}, {}: {}",
            self.event + 1,
            self.subscription,
            self.what
        )
    }
}

/// What a check found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct GoldenReport {
    /// Event and subscription pairs with requests on either side.
    pub compared: usize,
    /// The pairs that differ, in event order.
    pub differences: Vec<Mismatch>,
}

/// Reads requests as `replay --out` writes them (one JSON object per line: `event`,
/// `subscription`, `method`, `url`, `headers`, `body`), grouped by event and subscription in
/// the order they were sent.
pub fn read_requests(text: &str) -> Result<Requests, String> {
    let mut groups = Requests::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("line {}", i + 1);
        let v: Value = crate::engine::js::utf16::parse_json(line)
            .map_err(|e| format!("{}: not JSON ({e})", at()))?;
        let text_of = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{}: no \"{k}\" text", at()))
        };
        let event = v
            .get("event")
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("{}: no \"event\" number", at()))?;
        let headers = match v.get("headers") {
            Some(Value::Object(h)) => h
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone().into(),
                        v.as_str().unwrap_or_default().to_string().into(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        groups
            .entry((event, text_of("subscription")?))
            .or_default()
            .push(HttpRequest {
                method: text_of("method")?.into(),
                url: text_of("url")?.into(),
                headers: headers.into(),
                body: text_of("body")?,
            });
    }
    Ok(groups)
}

/// Compares the requests made now (`got`) with the golden ones (`expected`), both as
/// [`read_requests`] reads them.
pub fn check(expected: &Requests, got: &Requests) -> GoldenReport {
    let mut report = GoldenReport::default();
    let keys: std::collections::BTreeSet<&(u64, String)> =
        expected.keys().chain(got.keys()).collect();
    for key in keys {
        report.compared += 1;
        let (e, g) = (
            expected.get(key).map_or(&[][..], Vec::as_slice),
            got.get(key).map_or(&[][..], Vec::as_slice),
        );
        if let Some(what) = describe(e, g) {
            report.differences.push(Mismatch {
                event: key.0,
                subscription: key.1.clone(),
                what,
            });
        }
    }
    report
}

/// How two request lists differ, or `None` when they are the same bytes.
fn describe(expected: &[HttpRequest], got: &[HttpRequest]) -> Option<String> {
    if expected.len() != got.len() {
        let n = |v: &[HttpRequest]| match v.len() {
            1 => "1 request".to_string(),
            n => format!("{n} requests"),
        };
        return Some(format!("expected {}, got {}", n(expected), n(got)));
    }
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        let which = if expected.len() > 1 {
            format!("request {}: ", i + 1)
        } else {
            String::new()
        };
        if e.method != g.method || e.url != g.url {
            return Some(format!(
                "{which}{} {} became {} {}",
                e.method, e.url, g.method, g.url
            ));
        }
        if e.headers != g.headers {
            return Some(format!("{which}the headers changed"));
        }
        if e.body == g.body {
            continue;
        }
        let diff = compare(std::slice::from_ref(e), std::slice::from_ref(g));
        // A body of several objects (an event and its products): which one, by position.
        let many = diff.pairs.len() > 1;
        let mut parts: Vec<String> = diff
            .differences()
            .map(|(pair, d)| {
                let item = pair.actions.as_ref().or(pair.classic.as_ref());
                let at = match item {
                    Some(i) if many => format!("[{}] ", i.position),
                    _ => String::new(),
                };
                let path = if d.path.is_empty() {
                    format!("{at}(the whole {})", pair.label)
                } else {
                    format!("{at}{}", d.path)
                };
                let show = |v: &Option<Value>| {
                    v.as_ref()
                        .map_or_else(|| "nothing".to_string(), crate::engine::js::stringify)
                };
                match d.kind {
                    ChangeKind::Added => format!("{path} added ({})", show(&d.actions)),
                    ChangeKind::Removed => format!("{path} removed (was {})", show(&d.classic)),
                    _ => format!("{path}: {} → {}", show(&d.classic), show(&d.actions)),
                }
            })
            .collect();
        let more = parts.len().saturating_sub(3);
        parts.truncate(3);
        if more > 0 {
            parts.push(format!("{more} more"));
        }
        return Some(if parts.is_empty() {
            format!("{which}the body has the same values in another order or number format")
        } else {
            format!("{which}{}", parts.join("; "))
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(event: u64, sub: &str, body: &str) -> String {
        serde_json::json!({"event": event, "subscription": sub, "method": "POST",
            "url": "https://api2.amplitude.com/2/httpapi",
            "headers": {"content-type": "application/json"}, "body": body})
        .to_string()
    }

    /// Equal bytes pass; a changed value, a reordered body, a missing or extra request, and a
    /// new pair are each named.
    #[test]
    fn differences_are_described_by_path() {
        let body = r#"{"api_key":"K","events":[{"user_id":"u1","event_type":"A"}]}"#;
        let expected = [
            line(0, "Track Calls", body),
            line(1, "Track Calls", body),
            line(2, "Track Calls", body),
            line(3, "Track Calls", body),
        ]
        .join("\n");
        let got = [
            line(0, "Track Calls", body),
            line(
                1,
                "Track Calls",
                r#"{"api_key":"K","events":[{"user_id":"u2","event_type":"A"}]}"#,
            ),
            line(
                2,
                "Track Calls",
                r#"{"api_key":"K","events":[{"event_type":"A","user_id":"u1"}]}"#,
            ),
            line(4, "Page Calls", body),
        ]
        .join("\n");
        let report = check(
            &read_requests(&expected).unwrap(),
            &read_requests(&got).unwrap(),
        );
        assert_eq!(report.compared, 5);
        let lines: Vec<String> = report.differences.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                // Indices 1…4 in the files, numbered from 1 for people.
                "event 2, Track Calls: user_id: \"u1\" → \"u2\"",
                "event 3, Track Calls: the body has the same values in another order or number format",
                "event 4, Track Calls: expected 1 request, got 0 requests",
                "event 5, Page Calls: expected 0 requests, got 1 request",
            ]
        );
        assert!(
            read_requests("{\"event\": 1}")
                .unwrap_err()
                .starts_with("line 1: no")
        );
        assert!(
            read_requests("\n\nnope")
                .unwrap_err()
                .starts_with("line 3: not JSON")
        );
    }
}
