//! Sending requests (reqwest, rustls), explaining Amplitude's answers, the send history, and
//! the local Amplitude emulator.
//!
//! * [`client`]: the [`client::Sender`] service, targets and typed send errors.
//! * [`explain`]: Amplitude's answers decoded to events and fields, with the SDKs' reaction.
//! * [`emulator`]: a real HTTP server on 127.0.0.1 that answers as Amplitude documents.
//! * [`history`]: every send recorded, persisted, bounded, exported with keys redacted.
//! * [`redact`]: key masking used by everything that logs, stores or exports.

pub mod client;
pub mod emulator;
pub mod explain;
pub mod history;
pub mod redact;

pub use client::{
    Exchange, Job, JobHandle, RequestGroup, RetryPolicy, SendError, SendUpdate, Sender,
    SenderConfig, Target,
};
pub use emulator::{Emulator, EmulatorConfig, EmulatorHandle, Faults};
pub use explain::{Explanation, SdkAction, explain};
