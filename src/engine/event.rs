//! Segment events: loading from JSON / arrays / NDJSON with located errors.
