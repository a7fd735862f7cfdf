//! Action field definitions and the framework pipeline between mapping and `perform`.
