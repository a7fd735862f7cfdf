//! The Segment app's trigger builder.
