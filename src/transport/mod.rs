//! Sending requests (reqwest, rustls) and the local Amplitude emulator.
