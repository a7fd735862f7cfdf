//! Structured JSON diff of classic vs Actions requests.
