//! The built-in sample events, embedded into the binary.
