//! Amplitude (Actions): settings, endpoints, the six actions, presets and request building.
//!
//! The entry points other modules call:
//! * [`run_subscription`]: trigger → mapping → schema → the action's requests, sent through a
//!   [`Responder`] (scripted answers, the emulator or the network), stopping at the first
//!   non-2xx answer as the reference does.
//! * [`preview`]: the same without a responder; every request is planned assuming success.
//! * [`perform`]: the action alone, from the payload `perform()` receives to the requests.
//! * [`definitions()`](definitions::definitions) and [`presets`]: fields, labels, defaults and
//!   presets as data for the GUI.

pub mod actions;
pub mod definitions;
pub mod endpoints;
mod form;
pub mod integrations;
pub mod payload;
pub mod presets;
pub mod quirks;
pub mod runner;
pub mod settings;
pub mod time;
pub mod useragent;

use serde::{Deserialize, Serialize};

pub use actions::{ActionKind, Performed, perform};
pub use endpoints::{Endpoint, Region};
pub use quirks::{QuirkKind, QuirkNote};
pub use runner::{
    DefaultResponder, Responder, ScriptedResponder, Status, SubscriptionOutcome, preview,
    run_subscription,
};
pub use settings::Settings;

/// Why a subscription failed, as the reference reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionError {
    /// The reference's error class: `AggregateAjvError` (schema or settings validation),
    /// `AggregateError` (mapping errors), `HTTPError` (non-2xx answer), `TransportError`
    /// (no answer at all), `NotWired` (a pipeline stage this build lacks).
    pub class: String,
    /// The message (for `HTTPError` the HTTP status text).
    pub message: String,
    /// The HTTP status the reference attaches (400 for validation, the answer's status for
    /// HTTP errors); `None` for mapping errors.
    pub status: Option<u16>,
}

impl ActionError {
    /// A validation failure (`AggregateAjvError`, status 400): the messages joined by a space.
    pub fn validation(messages: Vec<String>) -> ActionError {
        ActionError {
            class: "AggregateAjvError".to_string(),
            message: messages.join(" "),
            status: Some(400),
        }
    }

    /// A non-2xx answer: message = status text, as the reference's `HTTPError`
    /// (`statusText ?? String(status)`: the number for a status Node does not name).
    pub fn http(status: u16) -> ActionError {
        let text = crate::engine::request::status_text(status);
        ActionError {
            class: "HTTPError".to_string(),
            message: if text.is_empty() {
                status.to_string()
            } else {
                text.to_string()
            },
            status: Some(status),
        }
    }
}

impl std::fmt::Display for ActionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "{} ({}): {}", self.class, s, self.message.trim()),
            None => write!(f, "{}: {}", self.class, self.message.trim()),
        }
    }
}
