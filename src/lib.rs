//! Ampscope: see the exact HTTP requests Segment's Amplitude (Actions) destination would send
//! for your events, triggers and mappings — before any live data flows.
//!
//! * [`engine`] is pure (serde/serde_json only): events, the trigger language (FQL), the mapping
//!   language, the Amplitude (Actions) and classic models, comparison and the project document.
//! * [`transport`] sends requests and hosts the local Amplitude emulator.
//! * [`cli`] holds the headless commands; `app` (feature `gui`) the desktop window.

pub mod cli;
pub mod engine;
pub mod transport;

#[cfg(feature = "gui")]
pub mod app;

/// mimalloc instead of the system allocator: the engine builds many small, short-lived values
/// per event (mapping results, request bodies), and glibc's malloc/free were a quarter of the
/// replay profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
