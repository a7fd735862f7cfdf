//! Typed notes about things the reference does that a user would not expect, reported next to
//! the request they affect.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// One surprising behaviour of the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuirkKind {
    /// `use_batch_endpoint` is copied into every event object.
    BatchFlagInEvent,
    /// A mapped `products` array is copied into the event by Log Event / Log Event V2.
    ProductsInEvent,
    /// identify / groupidentify bodies carry the literal text `options=undefined`.
    OptionsUndefined,
    /// A numeric string time was read as a date by dayjs and became a wrong (often negative)
    /// timestamp.
    NumericStringTime,
    /// groupIdentifyUser's `time` is a string field: numbers are turned into strings and then
    /// mis-parsed, missing times become "now", unparsable ones `null`.
    GroupTimeParsing,
    /// `os_version` came from the user agent and is the browser's major version.
    OsVersionIsBrowserVersion,
    /// Log Event / Log Event V2 drop the revenue fields (`revenue`, `price`, `quantity`,
    /// `productId`, `revenueType`).
    RevenueDropped,
    /// Log Purchase used price × quantity instead of the mapped revenue.
    PriceTimesQuantity,
    /// The platform text was rewritten (`ios` → `iOS`, `android` → `Android`) or set to `Web`.
    PlatformRewritten,
    /// Log Event V2's Set Once / Set Always / Add replaced the traits' own `$setOnce` / `$set`
    /// / `$add` wholesale.
    OperationReplacedTraits,
    /// The `library` sent is `segment`, not the event's library.
    LibraryIsSegment,
    /// The user-agent parser did not know the Android device's vendor: `Generic`, with the
    /// `Android N` text as the model.
    GenericDeviceVendor,
}

impl QuirkKind {
    /// One sentence explaining the behaviour.
    pub fn explanation(self) -> &'static str {
        match self {
            QuirkKind::BatchFlagInEvent => {
                "The reference copies the `use_batch_endpoint` field into every event it sends; \
                 Amplitude ignores it."
            }
            QuirkKind::ProductsInEvent => {
                "Log Event and Log Event V2 send the mapped `products` list as an extra event key \
                 and create no \"Product Purchased\" events."
            }
            QuirkKind::OptionsUndefined => {
                "With no Minimum ID Length the reference still sends the form field `options` with \
                 the literal text `undefined`."
            }
            QuirkKind::NumericStringTime => {
                "A timestamp given as a string of digits is read by dayjs as a date \
                 (year, month, day, …), not as epoch milliseconds, so the time sent is wrong."
            }
            QuirkKind::GroupTimeParsing => {
                "Group Identify's Timestamp is a text field: a number is turned into text and \
                 mis-read, a missing time becomes the current time, an unreadable one `null`."
            }
            QuirkKind::GenericDeviceVendor => {
                "The reference's user-agent parser sends `Generic` as the manufacturer of an \
                 Android device whose vendor it does not know, and the Android version text \
                 (e.g. `Android 9`) as its model."
            }
            QuirkKind::OsVersionIsBrowserVersion => {
                "`os_version` parsed from the user agent is the browser's major version, not the \
                 operating system's."
            }
            QuirkKind::RevenueDropped => {
                "Log Event and Log Event V2 drop the revenue fields; only Log Purchase sends revenue."
            }
            QuirkKind::PriceTimesQuantity => {
                "When price and quantity are both numbers, Log Purchase sends price × quantity as \
                 the revenue and ignores the mapped revenue."
            }
            QuirkKind::PlatformRewritten => {
                "The platform was rewritten: the first `ios`/`android` becomes `iOS`/`Android`, and \
                 an empty platform with library `analytics.js` becomes `Web`."
            }
            QuirkKind::OperationReplacedTraits => {
                "Set Once / Set Always / Add replaced the same-named `$setOnce` / `$set` / `$add` \
                 object from the traits instead of merging with it."
            }
            QuirkKind::LibraryIsSegment => {
                "The `library` sent is the literal `segment`, not the event's library name."
            }
        }
    }
}

/// A quirk seen while building one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuirkNote {
    pub kind: QuirkKind,
    /// Index of the request it concerns, in the outcome's `requests`.
    pub request: usize,
    /// The explanation plus, where useful, the values involved.
    pub message: Cow<'static, str>,
}

impl QuirkNote {
    /// A note with the kind's explanation and an optional detail appended.
    pub fn new(kind: QuirkKind, request: usize, detail: Option<String>) -> QuirkNote {
        let message = match detail {
            None => Cow::Borrowed(kind.explanation()),
            Some(d) => Cow::Owned(format!("{} {d}", kind.explanation())),
        };
        QuirkNote {
            kind,
            request,
            message,
        }
    }
}
