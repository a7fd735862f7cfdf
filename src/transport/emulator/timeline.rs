//! The identity timeline: a sequence of events' requests run through the emulator's memory
//! (no network), and for each Amplitude event sent the ids it carried and the Amplitude user
//! it landed on. It shows where one person becomes two users: an anonymous device adopted by a
//! user, then the same device sent with another user id.

use serde_json::Value;

use super::api::{self, ApiKeyRule, Incoming, Limits, parse_objects};
use super::state::EmulatorState;
use crate::engine::request::HttpRequest;

/// One Amplitude event (or identification) a request carried.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// `event_type`, or `$identify` for an identification.
    pub event_type: String,
    pub user_id: Option<String>,
    pub device_id: Option<String>,
    /// As sent (a number normally; -1 or absent for no session).
    pub session_id: Option<Value>,
    /// The Amplitude user it landed on (`None` when it was refused or carried no id).
    pub amplitude_id: Option<u64>,
    /// What is worth knowing: a new user, a device now counted for another user.
    pub notes: Vec<String>,
    /// Its device was counted for another Amplitude user before: one person, two users.
    pub device_changed_user: bool,
}

/// What one event's requests did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// The event's index in the list given.
    pub event: usize,
    pub sent: Vec<Sent>,
    /// Answers other than 200, as `HTTP 400: …` (the start of the body).
    pub refused: Vec<String>,
}

/// Limits that never throttle: the timeline is about ids, not rates.
fn unthrottled() -> Limits {
    Limits {
        v2_eps: u64::MAX,
        batch_eps: u64::MAX,
        daily_quota: u64::MAX,
        ..Limits::default()
    }
}

/// The objects a request carries: `events` of a JSON body, `identification` of a form.
fn carried(req: &HttpRequest, incoming: &Incoming) -> Vec<(String, Value)> {
    if let Ok(Value::Object(body)) = crate::engine::js::utf16::parse_json(&req.body)
        && let Some(Value::Array(events)) = body.get("events")
    {
        return events
            .iter()
            .map(|e| {
                let t = e.get("event_type").and_then(Value::as_str).unwrap_or("");
                (t.to_string(), e.clone())
            })
            .collect();
    }
    let params = api::form_params(incoming);
    params
        .iter()
        .filter(|(k, _)| k == "identification" || k == "event")
        .filter_map(|(k, v)| Some((k, parse_objects(v)?)))
        .flat_map(|(k, objects)| {
            objects.into_iter().map(move |o| {
                let t = match o.get("event_type").and_then(Value::as_str) {
                    Some(t) => t.to_string(),
                    None if k == "identification" => "$identify".to_string(),
                    None => String::new(),
                };
                (t, o)
            })
        })
        .collect()
}

/// The timeline built one event at a time (the app spreads it over frames).
pub struct Timeline {
    state: EmulatorState,
    limits: Limits,
    /// Which Amplitude user each device was last counted for.
    device_owner: std::collections::BTreeMap<String, u64>,
    known: std::collections::BTreeSet<u64>,
    /// A second apart: the order of the events, without rate limits in the way.
    now_ms: u64,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            state: EmulatorState::default(),
            limits: unthrottled(),
            device_owner: Default::default(),
            known: Default::default(),
            now_ms: 1_700_000_000_000,
        }
    }
}

impl Timeline {
    /// How many Amplitude users the events so far made.
    pub fn users(&self) -> usize {
        self.known.len()
    }

    /// Runs the requests of the next event (its index in the list); its row, unless it sent
    /// nothing.
    pub fn push(&mut self, event: usize, requests: &[HttpRequest]) -> Option<Row> {
        if requests.is_empty() {
            return None;
        }
        let mut row = Row {
            event,
            ..Row::default()
        };
        self.now_ms += 1_000;
        for req in requests {
            let incoming = Incoming::of(req);
            let reply = api::handle(
                &incoming,
                &ApiKeyRule::AnyNonEmpty,
                &self.limits,
                &mut self.state,
                self.now_ms,
            );
            let accepted = reply.status == 200;
            if !accepted {
                let start: String = reply.body.chars().take(160).collect();
                row.refused.push(format!("HTTP {}: {start}", reply.status));
            }
            for (event_type, o) in carried(req, &incoming) {
                let id = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
                let (user_id, device_id) = (id("user_id"), id("device_id"));
                let amplitude_id = accepted
                    .then(|| {
                        self.state
                            .amplitude_id(user_id.as_deref(), device_id.as_deref())
                    })
                    .flatten();
                let (notes, device_changed_user) =
                    amplitude_id.map_or((Vec::new(), false), |aid| self.notes(aid, &device_id));
                row.sent.push(Sent {
                    event_type,
                    user_id,
                    device_id,
                    session_id: o.get("session_id").cloned(),
                    amplitude_id,
                    notes,
                    device_changed_user,
                });
            }
        }
        Some(row)
    }

    /// A new user; a device now counted for another user than before (and whether it was).
    fn notes(&mut self, aid: u64, device_id: &Option<String>) -> (Vec<String>, bool) {
        let mut notes = Vec::new();
        let mut changed = false;
        if self.known.insert(aid) {
            notes.push(format!("new Amplitude user #{aid}"));
        }
        if let Some(d) = device_id
            && let Some(before) = self.device_owner.insert(d.clone(), aid)
            && before != aid
        {
            changed = true;
            notes.push(format!(
                "device {d} belonged to user #{before}, now to #{aid} too"
            ));
        }
        (notes, changed)
    }
}

/// Runs `events` (each event's index and requests, in order) through a fresh emulator memory;
/// one row per event that sent something.
pub fn identity_timeline(events: impl IntoIterator<Item = (usize, Vec<HttpRequest>)>) -> Vec<Row> {
    let mut t = Timeline::default();
    events
        .into_iter()
        .filter_map(|(i, requests)| t.push(i, &requests))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(user: Option<&str>, device: &str, event_type: &str) -> HttpRequest {
        let mut e = serde_json::json!({"event_type": event_type, "device_id": device, "session_id": 1700000000000i64});
        if let Some(u) = user {
            e["user_id"] = Value::String(u.into());
        }
        HttpRequest {
            method: "POST".into(),
            url: "https://api2.amplitude.com/2/httpapi".into(),
            headers: vec![("content-type".into(), "application/json".into())].into(),
            body: serde_json::json!({"api_key": "k", "events": [e]}).to_string(),
        }
    }

    /// Anonymous browsing, then a login on the same device: one user. The device then sent with
    /// another user id: a second user, and the device is flagged.
    #[test]
    fn one_person_becomes_two_users_when_the_device_changes_hands() {
        let rows = identity_timeline([
            (0, vec![track(None, "device-1", "Viewed Home")]),
            (1, vec![]),
            (2, vec![track(Some("user-aaa"), "device-1", "Signed In")]),
            (3, vec![track(Some("user-bbb"), "device-1", "Signed In")]),
        ]);
        assert_eq!(rows.len(), 3, "an event without requests has no row");
        let ids: Vec<Option<u64>> = rows.iter().map(|r| r.sent[0].amplitude_id).collect();
        assert_eq!(ids, [Some(1), Some(1), Some(2)]);
        assert_eq!(rows[0].sent[0].notes, ["new Amplitude user #1"]);
        assert!(rows[1].sent[0].notes.is_empty());
        assert!(!rows[1].sent[0].device_changed_user && rows[2].sent[0].device_changed_user);
        assert_eq!(
            rows[2].sent[0].notes,
            [
                "new Amplitude user #2".to_string(),
                "device device-1 belonged to user #1, now to #2 too".to_string()
            ]
        );
        assert_eq!(rows[2].event, 3);
        assert_eq!(
            rows[0].sent[0].session_id,
            Some(serde_json::json!(1700000000000i64))
        );
    }

    /// A refused request is reported and lands on no user; an identify form is read.
    #[test]
    fn refusals_and_identifications() {
        let no_ids = HttpRequest {
            body: r#"{"api_key":"k","events":[{"event_type":"x"}]}"#.into(),
            ..track(None, "d", "x")
        };
        let identify = HttpRequest {
            method: "POST".into(),
            url: "https://api2.amplitude.com/identify".into(),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )]
            .into(),
            body: "api_key=k&identification=%7B%22user_id%22%3A%22user-ccc%22%2C%22user_properties%22%3A%7B%7D%7D&options=undefined".into(),
        };
        let rows = identity_timeline([(0, vec![no_ids]), (1, vec![identify])]);
        assert!(
            rows[0].refused[0].starts_with("HTTP 400: "),
            "{:?}",
            rows[0].refused
        );
        assert_eq!(rows[0].sent[0].amplitude_id, None);
        assert_eq!(rows[1].sent[0].event_type, "$identify");
        assert_eq!(rows[1].sent[0].user_id.as_deref(), Some("user-ccc"));
        assert_eq!(rows[1].sent[0].amplitude_id, Some(1));
        assert!(rows[1].refused.is_empty(), "{:?}", rows[1].refused);
    }
}
