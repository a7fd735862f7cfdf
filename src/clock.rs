//! The wall clock, for the parts that run against the present: the app, the commands and the
//! emulator. The engine never reads it; it takes the time as a parameter (frozen in tests and
//! conformance runs).

/// Milliseconds since the Unix epoch (0 before it).
pub fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}
