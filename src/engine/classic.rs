//! The classic (non-Actions) Amplitude destination in cloud mode.
