//! What Amplitude would now know after the requests the emulator accepted: user profiles (with
//! user-property operations applied in Amplitude's order), group properties, user mappings and
//! the received events.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;
use serde_json::{Map, Value};

/// The order in which Amplitude's ingestion applies user-property operations of one update
/// (Amplitude's TypeScript SDK `identify.ts`, citing the server code).
pub const OPERATION_ORDER: [&str; 10] = [
    "$clearAll",
    "$unset",
    "$set",
    "$setOnce",
    "$add",
    "$append",
    "$prepend",
    "$preInsert",
    "$postInsert",
    "$remove",
];

/// Operations Amplitude accepts in `group_properties` of a group identify.
pub const GROUP_OPERATIONS: [&str; 6] =
    ["$set", "$setOnce", "$add", "$append", "$prepend", "$unset"];

/// One user as Amplitude would see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    /// Amplitude's internal id for this user (1, 2, … in the emulator).
    pub amplitude_id: u64,
    pub user_id: Option<String>,
    /// Every device id seen for this user, first first.
    pub device_ids: Vec<String>,
    /// User properties after all operations.
    pub user_properties: Map<String, Value>,
    /// Group type → group value(s) the user belongs to.
    pub groups: Map<String, Value>,
    /// Events (not identifies) counted for this user.
    pub event_count: u64,
}

/// One group (`group_type` + `group_value`) and its properties.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Group {
    pub group_type: String,
    pub group_value: String,
    pub group_properties: Map<String, Value>,
}

/// An event the emulator accepted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedEvent {
    /// The route it came through (`/2/httpapi`, `/batch`, `/httpapi`, `/identify`).
    pub endpoint: String,
    /// Milliseconds since the Unix epoch when it was accepted.
    pub received_at: u64,
    pub event: Value,
}

/// One request the emulator answered, for its log (query and answer redacted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedRequest {
    /// 1, 2, … in arrival order.
    pub seq: u64,
    pub time_ms: u64,
    pub method: String,
    /// Path and query, keys masked.
    pub target: String,
    pub status: u16,
    /// The start of the answer's body, keys masked.
    pub answer: String,
}

/// How many logged requests are kept.
pub const MAX_LOGGED_REQUESTS: usize = 1_000;

/// The emulator's memory. Obtain a snapshot with `EmulatorHandle::state()`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EmulatorState {
    profiles: BTreeMap<u64, Profile>,
    by_user: BTreeMap<String, u64>,
    by_device: BTreeMap<String, u64>,
    next_id: u64,
    /// Group type → group value → group.
    groups: BTreeMap<String, BTreeMap<String, Group>>,
    /// `user_id` → `global_user_id` from `/usermap`.
    user_mappings: BTreeMap<String, String>,
    events: Vec<ReceivedEvent>,
    /// How many events were ignored because their `insert_id` had been seen before.
    pub duplicates: u64,
    /// `(device_id or "", insert_id)` already seen, for Amplitude's dedupe.
    #[serde(skip)]
    seen_insert_ids: std::collections::BTreeSet<(String, String)>,
    /// Requests answered, by status.
    pub statuses: BTreeMap<u16, u64>,
    log: VecDeque<LoggedRequest>,
    logged: u64,
    /// Oldest events are forgotten beyond this many (keeps a long-running emulator bounded).
    #[serde(skip)]
    pub max_events: usize,
    /// Recent accepted events per id, for the rate limits: (ms, count) per id.
    #[serde(skip)]
    pub(crate) rate: BTreeMap<String, VecDeque<(u64, u64)>>,
}

impl EmulatorState {
    /// An empty state that remembers at most `max_events` events (0 = the default bound).
    pub fn with_max_events(max_events: usize) -> EmulatorState {
        EmulatorState {
            max_events,
            ..EmulatorState::default()
        }
    }

    /// The profile of a user, looked up by `user_id` first, then by `device_id`.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        let aid = self.by_user.get(id).or_else(|| self.by_device.get(id))?;
        self.profiles.get(aid)
    }

    /// The Amplitude user an event with these ids was counted for (as [`EmulatorState`]
    /// resolved it when the event arrived): its user id's, else its device's.
    pub fn amplitude_id(&self, user_id: Option<&str>, device_id: Option<&str>) -> Option<u64> {
        user_id
            .and_then(|u| self.by_user.get(u))
            .or_else(|| device_id.and_then(|d| self.by_device.get(d)))
            .copied()
    }

    /// All profiles, in the order they were created.
    pub fn profiles(&self) -> impl Iterator<Item = &Profile> {
        self.profiles.values()
    }

    /// A group by type and value.
    pub fn group(&self, group_type: &str, group_value: &str) -> Option<&Group> {
        self.groups.get(group_type)?.get(group_value)
    }

    /// The groups a user belongs to that have been group-identified, in the order of the
    /// profile's group types (a type can hold several values).
    pub fn groups_of(&self, profile: &Profile) -> Vec<&Group> {
        let mut out = Vec::new();
        for (group_type, values) in &profile.groups {
            let values = match values {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            for v in values {
                if let Some(g) = scalar_string(Some(v)).and_then(|v| self.group(group_type, &v)) {
                    out.push(g);
                }
            }
        }
        out
    }

    /// All groups.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.values().flat_map(|m| m.values())
    }

    /// The global user id a `user_id` is mapped to by `/usermap`.
    pub fn user_mapping(&self, user_id: &str) -> Option<&str> {
        self.user_mappings.get(user_id).map(String::as_str)
    }

    /// All user mappings (`user_id` → `global_user_id`).
    pub fn user_mappings(&self) -> &BTreeMap<String, String> {
        &self.user_mappings
    }

    /// The accepted events, oldest first.
    pub fn events(&self) -> &[ReceivedEvent] {
        &self.events
    }

    /// How many requests were answered with `status`.
    pub fn status_count(&self, status: u16) -> u64 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }

    /// The most recent requests answered, oldest first (at most [`MAX_LOGGED_REQUESTS`]).
    pub fn requests(&self) -> impl Iterator<Item = &LoggedRequest> {
        self.log.iter()
    }

    /// Logged requests with `seq` greater than `after` (to follow the log).
    pub fn requests_after(&self, after: u64) -> impl Iterator<Item = &LoggedRequest> {
        self.log.iter().filter(move |r| r.seq > after)
    }

    pub(crate) fn log_request(
        &mut self,
        method: &str,
        target: String,
        status: u16,
        answer: String,
        now_ms: u64,
    ) {
        self.logged += 1;
        self.log.push_back(LoggedRequest {
            seq: self.logged,
            time_ms: now_ms,
            method: method.to_string(),
            target,
            status,
            answer,
        });
        while self.log.len() > MAX_LOGGED_REQUESTS {
            self.log.pop_front();
        }
    }

    /// Forgets everything (profiles, groups, mappings, events, rate counters).
    pub fn clear(&mut self) {
        let max_events = self.max_events;
        *self = EmulatorState {
            max_events,
            ..EmulatorState::default()
        };
    }

    /// Finds or creates the profile for an id pair the way Amplitude merges them: a known
    /// `user_id` wins; an anonymous device profile is adopted by the first `user_id` sent with it.
    fn resolve(&mut self, user_id: Option<&str>, device_id: Option<&str>) -> Option<u64> {
        if user_id.is_none() && device_id.is_none() {
            return None;
        }
        let by_user = user_id.and_then(|u| self.by_user.get(u).copied());
        let by_device = device_id.and_then(|d| self.by_device.get(d).copied());
        let aid = match (by_user, by_device) {
            (Some(a), _) => a,
            (None, Some(d)) if self.profiles.get(&d).is_some_and(|p| p.user_id.is_none()) => d,
            (None, Some(d)) if user_id.is_none() => d,
            _ => {
                self.next_id += 1;
                let aid = self.next_id;
                self.profiles.insert(
                    aid,
                    Profile {
                        amplitude_id: aid,
                        ..Profile::default()
                    },
                );
                aid
            }
        };
        let profile = self.profiles.get_mut(&aid)?;
        if let Some(u) = user_id {
            if profile.user_id.is_none() {
                profile.user_id = Some(u.to_string());
            }
            self.by_user.entry(u.to_string()).or_insert(aid);
        }
        if let Some(d) = device_id {
            if !profile.device_ids.iter().any(|x| x == d) {
                profile.device_ids.push(d.to_string());
            }
            // A device seen first anonymously keeps pointing at its first owner.
            self.by_device.entry(d.to_string()).or_insert(aid);
        }
        Some(aid)
    }

    /// Records an accepted event (from `/2/httpapi`, `/batch` or v1 `/httpapi`): dedupe on
    /// `insert_id`, update the profile (user properties, groups), and for `$groupidentify` the
    /// group properties. Returns false when the event was a duplicate.
    pub(crate) fn ingest_event(&mut self, endpoint: &str, event: &Value, now_ms: u64) -> bool {
        let user_id = str_field(event, "user_id");
        let device_id = str_field(event, "device_id");
        if let Some(insert_id) = str_field(event, "insert_id") {
            let key = (device_id.unwrap_or("").to_string(), insert_id.to_string());
            if !self.seen_insert_ids.insert(key) {
                self.duplicates += 1;
                return false;
            }
        }
        let event_type = str_field(event, "event_type").unwrap_or("");
        if event_type == "$groupidentify" {
            self.apply_group_identify(event);
        } else if let Some(aid) = self.resolve(user_id, device_id)
            && let Some(p) = self.profiles.get_mut(&aid)
        {
            if let Some(Value::Object(up)) = event.get("user_properties") {
                apply_user_properties(&mut p.user_properties, up, &OPERATION_ORDER);
            }
            if let Some(Value::Object(groups)) = event.get("groups") {
                for (k, v) in groups {
                    p.groups.insert(k.clone(), v.clone());
                }
            }
            if event_type != "$identify" {
                p.event_count += 1;
            }
        }
        self.events.push(ReceivedEvent {
            endpoint: endpoint.to_string(),
            received_at: now_ms,
            event: event.clone(),
        });
        let max = if self.max_events == 0 {
            DEFAULT_MAX_EVENTS
        } else {
            self.max_events
        };
        if self.events.len() > max {
            let extra = self.events.len() - max;
            self.events.drain(..extra);
        }
        true
    }

    /// Applies one identification of the Identify API.
    pub(crate) fn apply_identification(&mut self, ident: &Value) {
        let user_id = str_field(ident, "user_id");
        let device_id = str_field(ident, "device_id");
        let Some(aid) = self.resolve(user_id, device_id) else {
            return;
        };
        if let Some(p) = self.profiles.get_mut(&aid) {
            if let Some(Value::Object(up)) = ident.get("user_properties") {
                apply_user_properties(&mut p.user_properties, up, &OPERATION_ORDER);
            }
            if let Some(Value::Object(groups)) = ident.get("groups") {
                for (k, v) in groups {
                    p.groups.insert(k.clone(), v.clone());
                }
            }
        }
    }

    /// Applies one group identification (`group_type`, `group_value`, `group_properties`); the
    /// same shape is used by `$groupidentify` events.
    pub(crate) fn apply_group_identify(&mut self, ident: &Value) {
        let (Some(group_type), Some(group_value)) = (
            scalar_string(ident.get("group_type")),
            scalar_string(ident.get("group_value")),
        ) else {
            return;
        };
        let group = self
            .groups
            .entry(group_type.clone())
            .or_default()
            .entry(group_value.clone())
            .or_insert_with(|| Group {
                group_type,
                group_value,
                group_properties: Map::new(),
            });
        if let Some(Value::Object(gp)) = ident.get("group_properties") {
            apply_user_properties(&mut group.group_properties, gp, &GROUP_OPERATIONS);
        }
    }

    /// Applies one `/usermap` mapping; `unmap: true` removes the user's mapping.
    pub(crate) fn apply_mapping(&mut self, mapping: &Value) {
        let Some(user_id) = str_field(mapping, "user_id") else {
            return;
        };
        if mapping.get("unmap") == Some(&Value::Bool(true)) {
            self.user_mappings.remove(user_id);
        } else if let Some(global) = str_field(mapping, "global_user_id") {
            self.user_mappings
                .insert(user_id.to_string(), global.to_string());
        }
    }

    pub(crate) fn count_status(&mut self, status: u16) {
        *self.statuses.entry(status).or_insert(0) += 1;
    }
}

/// Default bound on the events the emulator remembers.
pub const DEFAULT_MAX_EVENTS: usize = 10_000;

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn scalar_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Applies a `user_properties` (or `group_properties`) object to `props`: operation keys
/// (`$set`, `$add`, …) in `order`, plain keys as `$set` (Amplitude treats properties sent
/// without an operation as set). Operations not in `order` are ignored, as Amplitude ignores
/// unsupported group operations.
pub fn apply_user_properties(
    props: &mut Map<String, Value>,
    update: &Map<String, Value>,
    order: &[&str],
) {
    let plain: Map<String, Value> = update
        .iter()
        .filter(|(k, _)| !k.starts_with('$'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for op in order {
        let ops = match update.get(*op) {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        };
        if *op == "$clearAll" {
            if update.contains_key("$clearAll") {
                props.clear();
            }
            continue;
        }
        if *op == "$set" {
            for (k, v) in &plain {
                props.insert(k.clone(), v.clone());
            }
        }
        let Some(ops) = ops else { continue };
        for (key, value) in ops {
            apply_operation(props, op, key, value);
        }
    }
}

fn apply_operation(props: &mut Map<String, Value>, op: &str, key: &str, value: &Value) {
    match op {
        "$set" => {
            props.insert(key.to_string(), value.clone());
        }
        "$setOnce" if !props.contains_key(key) => {
            props.insert(key.to_string(), value.clone());
        }
        "$unset" => {
            props.remove(key);
        }
        "$add" => {
            let Some(sum) = add_numbers(props.get(key), value) else {
                return;
            };
            props.insert(key.to_string(), sum);
        }
        "$append" | "$prepend" | "$preInsert" | "$postInsert" | "$remove" => {
            let mut list = match props.remove(key) {
                Some(Value::Array(a)) => a,
                Some(Value::Null) | None => Vec::new(),
                Some(other) => vec![other],
            };
            let values = match value {
                Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            };
            match op {
                "$append" => list.extend(values),
                "$prepend" => {
                    let mut v = values;
                    v.extend(list);
                    list = v;
                }
                "$postInsert" => {
                    for v in values {
                        if !list.contains(&v) {
                            list.push(v);
                        }
                    }
                }
                "$preInsert" => {
                    let fresh: Vec<Value> = values.into_iter().filter(|v| !list.contains(v)).fold(
                        Vec::new(),
                        |mut acc, v| {
                            if !acc.contains(&v) {
                                acc.push(v);
                            }
                            acc
                        },
                    );
                    let mut v = fresh;
                    v.extend(list);
                    list = v;
                }
                _ => list.retain(|x| !values.contains(x)),
            }
            props.insert(key.to_string(), Value::Array(list));
        }
        _ => {}
    }
}

/// `current + delta` as Amplitude's `$add` does: a missing property counts as 0; a non-numeric
/// delta (or current value) leaves the property unchanged. Integers stay integers.
fn add_numbers(current: Option<&Value>, delta: &Value) -> Option<Value> {
    let delta = as_number(delta)?;
    let current = match current {
        None | Some(Value::Null) => Num::Int(0),
        Some(v) => as_number(v)?,
    };
    Some(match (current, delta) {
        (Num::Int(a), Num::Int(b)) => match a.checked_add(b) {
            Some(s) => Value::from(s),
            None => float_value(a as f64 + b as f64),
        },
        (a, b) => float_value(a.as_f64() + b.as_f64()),
    })
}

#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

fn as_number(v: &Value) -> Option<Num> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(Num::Int)
            .or_else(|| n.as_f64().map(Num::Float)),
        // Amplitude's own SDKs send numbers as JSON numbers; numeric strings are accepted too.
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Num::Int)
            .ok()
            .or_else(|| s.trim().parse::<f64>().ok().map(Num::Float)),
        _ => None,
    }
}

fn float_value(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply(start: Value, update: Value) -> Value {
        let mut props = start.as_object().cloned().unwrap_or_default();
        apply_user_properties(
            &mut props,
            update.as_object().unwrap_or(&Map::new()),
            &OPERATION_ORDER,
        );
        Value::Object(props)
    }

    #[test]
    fn operations_follow_amplitudes_order() {
        let cases = [
            (json!({}), json!({"$add": {"n": 3}}), json!({"n": 3})),
            (json!({"n": 3}), json!({"$add": {"n": 1}}), json!({"n": 4})),
            (
                json!({"n": 1.5}),
                json!({"$add": {"n": 1}}),
                json!({"n": 2.5}),
            ),
            (
                json!({"n": "x"}),
                json!({"$add": {"n": 1}}),
                json!({"n": "x"}),
            ),
            (
                json!({"a": 1}),
                json!({"$setOnce": {"a": 2, "b": 3}}),
                json!({"a": 1, "b": 3}),
            ),
            (json!({"a": 1}), json!({"$unset": {"a": "-"}}), json!({})),
            // $unset runs before $set, so a property both unset and set ends up set.
            (
                json!({"a": 1}),
                json!({"$set": {"a": 2}, "$unset": {"a": "-"}}),
                json!({"a": 2}),
            ),
            // $clearAll runs first.
            (
                json!({"a": 1}),
                json!({"$set": {"b": 2}, "$clearAll": "-"}),
                json!({"b": 2}),
            ),
            (
                json!({"l": [1]}),
                json!({"$append": {"l": [2, 3]}}),
                json!({"l": [1, 2, 3]}),
            ),
            (
                json!({"l": 1}),
                json!({"$append": {"l": 2}}),
                json!({"l": [1, 2]}),
            ),
            (
                json!({"l": [1]}),
                json!({"$prepend": {"l": [2, 3]}}),
                json!({"l": [2, 3, 1]}),
            ),
            (
                json!({"l": [1, 2]}),
                json!({"$postInsert": {"l": [2, 3]}}),
                json!({"l": [1, 2, 3]}),
            ),
            (
                json!({"l": [1, 2]}),
                json!({"$preInsert": {"l": [3, 2]}}),
                json!({"l": [3, 1, 2]}),
            ),
            (
                json!({"l": [1, 2, 1]}),
                json!({"$remove": {"l": 1}}),
                json!({"l": [2]}),
            ),
            // Plain keys next to operations are set.
            (
                json!({}),
                json!({"plan": "pro", "$setOnce": {"r": "g"}}),
                json!({"plan": "pro", "r": "g"}),
            ),
            // $setOnce after $set in the same update sees the value $set just wrote.
            (
                json!({}),
                json!({"$setOnce": {"a": 1}, "$set": {"a": 2}}),
                json!({"a": 2}),
            ),
        ];
        for (start, update, expected) in cases {
            assert_eq!(
                apply(start.clone(), update.clone()),
                expected,
                "{start} + {update}"
            );
        }
    }

    #[test]
    fn group_operations_ignore_list_inserts() {
        let mut props = Map::new();
        let update = json!({"$postInsert": {"l": [1]}, "$set": {"a": 1}});
        apply_user_properties(&mut props, update.as_object().unwrap(), &GROUP_OPERATIONS);
        assert_eq!(Value::Object(props), json!({"a": 1}));
    }

    #[test]
    fn groups_of_a_user_are_those_identified_in_the_order_of_its_groups() {
        let mut s = EmulatorState::default();
        s.ingest_event(
            "/2/httpapi",
            &json!({"user_id": "u", "event_type": "a",
                    "groups": {"team": ["t1", "t2", "t3"], "org": 7}}),
            0,
        );
        for (ty, v, n) in [("team", "t3", 3), ("org", "7", 7), ("team", "t1", 1)] {
            s.apply_group_identify(&json!({"group_type": ty, "group_value": v,
                                           "group_properties": {"n": n}}));
        }
        let p = s.profile("u").unwrap();
        let got: Vec<(&str, &str, &Value)> = s
            .groups_of(p)
            .iter()
            .map(|g| (&*g.group_type, &*g.group_value, &g.group_properties["n"]))
            .collect();
        // `t2` was never group-identified; types in the profile's order, values in theirs.
        assert_eq!(
            got,
            [
                ("team", "t1", &json!(1)),
                ("team", "t3", &json!(3)),
                ("org", "7", &json!(7))
            ]
        );
    }

    #[test]
    fn device_profile_is_adopted_by_user() {
        let mut s = EmulatorState::default();
        s.ingest_event(
            "/2/httpapi",
            &json!({"device_id": "dev-1", "event_type": "a", "user_properties": {"x": 1}}),
            0,
        );
        s.ingest_event(
            "/2/httpapi",
            &json!({"device_id": "dev-1", "user_id": "user-1", "event_type": "b"}),
            0,
        );
        let p = s.profile("user-1").unwrap().clone();
        assert_eq!(p.user_properties.get("x"), Some(&json!(1)));
        assert_eq!(p.event_count, 2);
        assert_eq!(s.profile("dev-1").unwrap().amplitude_id, p.amplitude_id);
        // A second user on the same device gets a new profile.
        s.ingest_event(
            "/2/httpapi",
            &json!({"device_id": "dev-1", "user_id": "user-2", "event_type": "c"}),
            0,
        );
        assert_ne!(s.profile("user-2").unwrap().amplitude_id, p.amplitude_id);
    }

    #[test]
    fn insert_id_dedupes() {
        let mut s = EmulatorState::default();
        let e = json!({"device_id": "dev-1", "event_type": "a", "insert_id": "i1"});
        assert!(s.ingest_event("/batch", &e, 0));
        assert!(!s.ingest_event("/batch", &e, 0));
        assert_eq!(s.duplicates, 1);
        assert_eq!(s.events().len(), 1);
    }
}
