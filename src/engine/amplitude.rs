//! Amplitude (Actions): settings, endpoints, the six actions, presets and request building.
