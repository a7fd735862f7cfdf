//! Segment's mapping language (mapping-kit of `@segment/actions-core`).
