//! The project document: settings without secrets, subscriptions, event sets.
