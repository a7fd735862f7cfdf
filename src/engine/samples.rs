//! The built-in sample events (`sample-events/*.json`), embedded into the binary so the app
//! offers them from any working directory. `sample-events/README.md` lists the same files.

use serde_json::Value;

/// One built-in sample event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// File name under `sample-events/`, e.g. `track-order-completed-3-products.json`.
    pub file_name: &'static str,
    /// Which part of the library it belongs to, e.g. `E-commerce`, `Mobile apps`.
    pub group: &'static str,
    /// What the event shows, one line.
    pub title: &'static str,
    /// The event as pretty-printed JSON.
    pub json: &'static str,
}

impl Sample {
    /// The event parsed. The samples are checked by tests, so this fails only if the embedded
    /// file was edited into invalid JSON.
    pub fn value(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(self.json)
    }
}

macro_rules! sample {
    ($file:literal, $group:literal, $title:literal) => {
        Sample {
            file_name: $file,
            group: $group,
            title: $title,
            json: include_str!(concat!("../../sample-events/", $file)),
        }
    };
}

static SAMPLES: &[Sample] = &[
    sample!(
        "track-signed-up-web.json",
        "Call types",
        "track: Signed Up from Chrome on macOS, with plan properties"
    ),
    sample!(
        "page-pricing-chrome-mac-utm.json",
        "Call types",
        "page: Pricing from Chrome on macOS with a UTM context.campaign and a Google referrer"
    ),
    sample!(
        "screen-product-detail-ios.json",
        "Call types",
        "screen: Product Detail from the iOS app (analytics-ios, full device context)"
    ),
    sample!(
        "identify-web-traits.json",
        "Call types",
        "identify: logged-in web user with profile traits (email, name, plan, address)"
    ),
    sample!(
        "group-company-web.json",
        "Call types",
        "group: user joins the company account acme-corp (group traits incl. industry, employees)"
    ),
    sample!(
        "alias-anonymous-to-user-node.json",
        "Call types",
        "alias: server-side merge of a legacy id into the new userId (analytics-node, no context.device)"
    ),
    sample!(
        "alias-ios.json",
        "Call types",
        "alias: iOS app links the anonymous install id to the signed-up user"
    ),
    sample!(
        "identify-ios.json",
        "Call types",
        "identify: iOS app user with traits and a full mobile context"
    ),
    sample!(
        "track-products-searched.json",
        "E-commerce",
        "track: Products Searched (e-commerce spec) from Firefox on Windows"
    ),
    sample!(
        "track-product-viewed.json",
        "E-commerce",
        "track: Product Viewed with the spec's product fields"
    ),
    sample!(
        "track-product-added.json",
        "E-commerce",
        "track: Product Added (quantity 2) with cart_id"
    ),
    sample!(
        "track-checkout-started.json",
        "E-commerce",
        "track: Checkout Started with 3 products, revenue, shipping, tax, coupon"
    ),
    sample!(
        "track-order-completed-1-product.json",
        "E-commerce",
        "track: Order Completed with 1 product from Chrome on macOS (revenue = subtotal; price × quantity per product)"
    ),
    sample!(
        "track-order-completed-2-products.json",
        "E-commerce",
        "track: Order Completed with 2 products from the iOS app (revenue = subtotal; price × quantity per product)"
    ),
    sample!(
        "track-order-completed-3-products.json",
        "E-commerce",
        "track: Order Completed with 3 products from Safari on iPhone (revenue = subtotal; price × quantity per product)"
    ),
    sample!(
        "track-order-completed-4-products.json",
        "E-commerce",
        "track: Order Completed with 4 products from the Android app (revenue = subtotal; price × quantity per product)"
    ),
    sample!(
        "track-order-completed-5-products.json",
        "E-commerce",
        "track: Order Completed with 5 products from the server (analytics-node) (revenue = subtotal; price × quantity per product)"
    ),
    sample!(
        "track-order-refunded.json",
        "E-commerce",
        "track: Order Refunded (full refund, negative revenue) from the server (analytics-python)"
    ),
    sample!(
        "track-cart-viewed.json",
        "E-commerce",
        "track: Cart Viewed with 2 products"
    ),
    sample!(
        "track-coupon-applied.json",
        "E-commerce",
        "track: Coupon Applied"
    ),
    sample!(
        "track-application-installed-android.json",
        "Mobile apps",
        "track: Application Installed, Android, anonymous (no userId yet)"
    ),
    sample!(
        "track-application-opened-ios.json",
        "Mobile apps",
        "track: Application Opened, iOS, from a push notification link"
    ),
    sample!(
        "track-application-backgrounded-ios.json",
        "Mobile apps",
        "track: Application Backgrounded, iOS"
    ),
    sample!(
        "track-application-updated-android.json",
        "Mobile apps",
        "track: Application Updated, Android (previous_version/previous_build)"
    ),
    sample!(
        "track-application-opened-android.json",
        "Mobile apps",
        "track: Application Opened, Android, from background"
    ),
    sample!(
        "screen-home-android.json",
        "Mobile apps",
        "screen: Home from the Android app (analytics-android, Dalvik user agent)"
    ),
    sample!(
        "screen-checkout-ios-amplitude-session.json",
        "Mobile apps",
        "screen: Checkout, iOS, carrying integrations[\"Actions Amplitude\"].session_id"
    ),
    sample!(
        "page-home-safari-iphone.json",
        "Browsers",
        "page: Home from Safari on iPhone, referred by Instagram"
    ),
    sample!(
        "page-docs-firefox-windows.json",
        "Browsers",
        "page: named and categorised (category Docs) from Firefox on Windows"
    ),
    sample!(
        "track-video-played-edge-windows.json",
        "Browsers",
        "track: Video Playback Started from Edge on Windows (userAgentData with Edge brands)"
    ),
    sample!(
        "page-pricing-chrome-android-client-hints.json",
        "Browsers",
        "page: Chrome on Android with high-entropy userAgentData client hints (model, platformVersion) and a frozen UA"
    ),
    sample!(
        "track-button-clicked-amplitude-session.json",
        "Browsers",
        "track: Button Clicked from Chrome with integrations[\"Actions Amplitude\"].session_id (browser session plugin)"
    ),
    sample!(
        "page-landing-safari-mac-paid-utm.json",
        "Browsers",
        "page: paid-search landing page (utm_source=google, utm_medium=cpc, gclid) from Safari on macOS"
    ),
    sample!(
        "track-subscription-renewed-node.json",
        "Server-side",
        "track: Subscription Renewed from a Node.js backend (analytics-node; no device, no page)"
    ),
    sample!(
        "identify-server-python.json",
        "Server-side",
        "identify: CRM sync from a Python backend (analytics-python, microsecond +00:00 timestamps)"
    ),
    sample!(
        "track-invoice-paid-python.json",
        "Server-side",
        "track: Invoice Paid from a Python backend with revenue"
    ),
    sample!(
        "group-numeric-group-id-node.json",
        "Server-side",
        "group: server-side group call whose groupId is numeric-looking (\"100042\")"
    ),
    sample!(
        "identify-friendcount-add-3.json",
        "User property operations",
        "identify: traits {\"$add\": {\"friendCount\": 3}} — first of two increments (Amplitude ends at 4)"
    ),
    sample!(
        "identify-friendcount-add-1.json",
        "User property operations",
        "identify: traits {\"$add\": {\"friendCount\": 1}} — second increment (3 + 1 = 4)"
    ),
    sample!(
        "identify-set-once-and-add-web.json",
        "User property operations",
        "identify: $set, $setOnce and $add together (operation objects in traits)"
    ),
    sample!(
        "track-anonymous-only.json",
        "Edge cases",
        "edge: track with no userId at all (anonymousId only), Chrome on macOS"
    ),
    sample!(
        "identify-three-char-user-id.json",
        "Edge cases",
        "edge: identify with a 3-character userId (\"u42\"), shorter than Amplitude's default min_id_length of 5"
    ),
    sample!(
        "track-unicode-emoji-cjk-rtl.json",
        "Edge cases",
        "edge: unicode everywhere — emoji, CJK, Arabic/Hebrew (RTL) in the event name, properties and keys"
    ),
    sample!(
        "identify-unicode-names.json",
        "Edge cases",
        "edge: identify with non-Latin names (Chinese, Arabic, Greek, emoji)"
    ),
    sample!(
        "track-200-properties.json",
        "Edge cases",
        "edge: a 200-key property bag (strings, numbers, booleans, nulls, lists, objects)"
    ),
    sample!(
        "track-nulls-and-empty-strings.json",
        "Edge cases",
        "edge: null and empty-string values in properties and context (userId null, empty referrer)"
    ),
    sample!(
        "track-numeric-strings-and-big-numbers.json",
        "Edge cases",
        "edge: numeric strings, big integers, floats with artifacts and negative zero"
    ),
];

/// Every sample, grouped (groups in a fixed order, see [`groups`]).
pub fn all() -> &'static [Sample] {
    SAMPLES
}

/// The group names in the order the samples list them.
pub fn groups() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in SAMPLES {
        if !out.contains(&s.group) {
            out.push(s.group);
        }
    }
    out
}

/// The sample with this file name.
pub fn find(file_name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.file_name == file_name)
}
