//! The trigger language (FQL subscriptions of `@segment/destination-subscriptions` 3.37.0).
