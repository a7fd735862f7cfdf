#!/usr/bin/env python3
"""Writes tests/extra-cases/cases/*.json: conformance cases the reference corpus lacks.

Run from the repository root:  python3 tests/extra-cases/gen_cases.py
Deterministic (no clock, no randomness). Goldens come from the reference oracle, see README.md.
"""
import copy
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "extra-cases", "cases")
SAMPLES = os.path.join(ROOT, "sample-events")

SETTINGS_NA = {"apiKey": "amp-api-key-0123456789", "secretKey": "amp-secret-key-9876543210", "endpoint": "north_america"}
SETTINGS_EU = dict(SETTINGS_NA, endpoint="europe")

PRESETS = {
    "Track Calls": ('type = "track" and event != "Order Completed"', "logEventV2"),
    "Order Completed Calls": ('type = "track" and event = "Order Completed"', "logPurchase"),
    "Page Calls": ('type = "page"', "logEventV2"),
    "Screen Calls": ('type = "screen"', "logEventV2"),
    "Identify Calls": ('type = "identify"', "identifyUser"),
    "Browser Session Tracking": ('type = "track" or type = "identify" or type = "group" or type = "page" or type = "alias"', "sessionId"),
}
DEFAULT_SUBSCRIBE = {
    "logEvent": 'type = "track"', "logEventV2": 'type = "track"', "logPurchase": 'type = "track"',
    "identifyUser": 'type = "identify"', "mapUser": 'type = "alias"', "groupIdentifyUser": 'type = "group"',
}


def preset(name, overrides=None, remove=None, subscribe=None):
    sub_, action = PRESETS[name]
    s = {"name": name, "subscribe": subscribe or sub_, "partnerAction": action, "mapping": "preset:" + name}
    if overrides:
        s["mappingOverrides"] = overrides
    if remove:
        s["mappingRemove"] = remove
    return s


def sub(action, overrides=None, name=None, subscribe=None, mapping="defaults", remove=None):
    s = {"name": name or action, "subscribe": subscribe or DEFAULT_SUBSCRIBE[action], "partnerAction": action, "mapping": mapping}
    if overrides:
        s["mappingOverrides"] = overrides
    if remove:
        s["mappingRemove"] = remove
    return s


GROUP_SUB = sub("groupIdentifyUser", {"group_type": "Company", "group_value": {"@path": "$.groupId"}}, name="Group Calls")
ALIAS_SUB = sub("mapUser", name="Alias Calls")
STANDARD = [preset("Track Calls"), preset("Order Completed Calls"), preset("Page Calls"), preset("Screen Calls"),
            preset("Identify Calls"), ALIAS_SUB, GROUP_SUB]

CASES = []


def add(name, description, event, subscriptions, settings=SETTINGS_NA):
    assert all(c["name"] != name for c in CASES), name
    CASES.append({"name": "extra-" + name, "description": description, "settings": settings, "event": event,
                  "subscriptions": subscriptions})


def sample(file_name):
    with open(os.path.join(SAMPLES, file_name), encoding="utf-8") as f:
        return json.load(f)


def with_(base_event, **changes):
    ev = copy.deepcopy(base_event)
    for path, value in changes.items():
        keys = path.split("__")
        obj = ev
        for k in keys[:-1]:
            obj = obj.setdefault(k, {})
        if value is DELETE:
            obj.pop(keys[-1], None)
        else:
            obj[keys[-1]] = value
    return ev


DELETE = object()

TRACK = sample("track-signed-up-web.json")
PAGE = sample("page-docs-firefox-windows.json")
SCREEN = sample("screen-product-detail-ios.json")
IDENTIFY = sample("identify-web-traits.json")
GROUP = sample("group-company-web.json")
ORDER = sample("track-order-completed-3-products.json")
IOS_TRACK = sample("track-application-opened-ios.json")

# ---------------------------------------------------------------------------
# 1. Every sample event of the built-in library, against the standard presets
# ---------------------------------------------------------------------------
for fn in sorted(os.listdir(SAMPLES)):
    if fn.endswith(".json"):
        add("sample-" + fn[:-5], "Built-in sample %s against the standard subscriptions (presets + alias + group)" % fn,
            sample(fn), STANDARD)

# ---------------------------------------------------------------------------
# 2. User agents the corpus lacks (Track Calls preset: parsed os/device fields)
# ---------------------------------------------------------------------------
UAS = {
    "android-webview": "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.101 Mobile Safari/537.36",
    "firefox-android": "Mozilla/5.0 (Android 14; Mobile; rv:123.0) Gecko/123.0 Firefox/123.0",
    "firefox-ios": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/123.0 Mobile/15E148 Safari/605.1.15",
    "chrome-ios": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/122.0.6261.89 Mobile/15E148 Safari/604.1",
    "edge-android": "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.64 Mobile Safari/537.36 EdgA/122.0.2365.56",
    "yandex": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36",
    "chromeos": "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
    "facebook-inapp-ios": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/451.0.0.38.108;FBBV/564431005;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.3.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
    "instagram-inapp-android": "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Instagram 317.0.0.34.109 Android (33/13; 420dpi; 1080x2400; Google/google; Pixel 7; panther; panther; en_US; 562739837)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "headless-chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.6261.57 Safari/537.36",
    "python-requests": "python-requests/2.31.0",
    "kindle-silk": "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.3.1 like Chrome/120.0.6099.230 Safari/537.36",
    "ipad-desktop-mode": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
    "windows-phone": "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977",
    "xbox": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/48.0.2564.82 Safari/537.36 Edge/20.02",
    # Families the parser followed only approximately before the tenth sitting (from Matomo's
    # device-detector fixtures and the reference parser's rule order).
    "dalvik-generic": "Dalvik/2.1.0 (Linux; U; Android 9; XYZ-Box Build/PKQ1.190302.001)",
    "dalvik-realme": "Dalvik/2.1.0 (Linux; U; Android 10; RMX2002 Build/QP1A.190711.020)",
    "facebook-inapp-ipad-no-fbav": "Mozilla/5.0 (iPad; CPU OS 12_5_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16H50 [FBAN/FBIOS;FBDV/iPad4,8;FBMD/iPad;FBSN/iOS;FBSV/12.5.4;FBSS/2;FBID/tablet;FBLC/en_GB;FBOP/5]",
    "old-android-webview": "Mozilla/5.0 (Linux; Android 4.4.2; Astro6 Build/MDA89D) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/39.0.0.0 Mobile Safari/537.36",
    "honor": "Mozilla/5.0 (Linux; Android 10; HRY-LX1 Build/HONORHRY-L21; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.96 Mobile Safari/537.36",
    "mi-8-pro": "Mozilla/5.0 (Linux; Android 10; MI 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/92.0.4515.115 Mobile Safari/537.36",
    "micromax-as-sony": "Mozilla/5.0 (Linux; Android 10; Micromax E7533) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.101 Mobile Safari/537.36",
    "hbbtv-lg-netcast": "Mozilla/5.0 (DirectFB; Linux armv7l) AppleWebKit/534.26+ (KHTML, like Gecko) Version/5.0 Safari/534.26+ HbbTV/1.1.1 ( ;LGE ;NetCast 3.0 ;1.0 ;1.0M ;)",
    "webos-tv": "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/38.0.2125.122 Safari/537.36 HbbTV/1.2.1 (; LGE; 43LJ614V-ZA; WEBOS3.5 03.20.13; W3_M16P;)",
    "urbanairship-android": "(UrbanAirshipLib-android/18.6.0; v2eBPSOLTuWKZKMbP728xA)",
    "qq-ipad": "Mozilla/5.0 (iPad; CPU OS 15_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/19F77 QQ/8.9.3.655 V1_IPH_SQ_8.9.3_1_APP_A Pixel/1488 MiniAppEnable SimpleUISwitch/0 StudyMode/0 CurrentMode/0 CurrentFontScale/1.000000 QQTheme/1000 Core/WKWebView Device/Apple(iPad 9th generation) AppleScreen/1 NetType/WIFI",
    "longer-than-350": "   Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36 " + "Extension/1.0 " * 20 + "Tail/9.9",
}
for key, ua in UAS.items():
    add("ua-" + key, "User agent not in the corpus: %s (parsed into os_name/os_version/device_*)" % key,
        with_(TRACK, context__userAgent=ua, context__userAgentData=DELETE), [preset("Track Calls")])
add("ua-data-windows-11", "Chrome on Windows with high-entropy client hints (platformVersion 15.0.0, empty model)",
    with_(TRACK, context__userAgent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
          context__userAgentData={"brands": [{"brand": "Chromium", "version": "122"}], "mobile": False, "platform": "Windows", "platformVersion": "15.0.0", "model": ""}),
    [preset("Track Calls"), preset("Identify Calls", subscribe='type = "track"')])
add("ua-on-identify-and-purchase", "Firefox on Linux UA through identifyUser and logPurchase (UA fields only on the main purchase event)",
    with_(ORDER, context__userAgent="Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", context__userAgentData=DELETE),
    [preset("Order Completed Calls"), preset("Identify Calls", subscribe='type = "track"')])

# ---------------------------------------------------------------------------
# 3. Time formats the corpus lacks (logEventV2 time, groupIdentifyUser time)
# ---------------------------------------------------------------------------
TIMES = {
    "nanoseconds": "2024-03-15T14:22:33.123456789Z",
    "lowercase-t-z": "2024-03-15t14:22:33.456z",
    "offset-no-colon": "2024-03-15T14:22:33.456+0530",
    "slashes": "2024/03/15 14:22:33",
    "month-name": "March 15, 2024 14:22:33",
    "feb-30": "2024-02-30T00:00:00.000Z",
    "leap-second": "2016-12-31T23:59:60Z",
    "year-only": "2024",
    "hour-minute-only": "2024-03-15T14:22Z",
    "negative-epoch-ms": -86400000,
    "float-epoch-ms": 1710512553456.789,
    # Separators: JavaScript's white space has U+00A0 and U+FEFF but not U+0085 (NEL), which
    # Rust's `char::is_whitespace` does have.
    "nel-separator": "2024-03-15\u008514:22:33",
    "nbsp-separator": "2024-03-15\u00a014:22:33",
    "bom-separator": "2024-03-15\ufeff14:22:33",
}
for key, ts in TIMES.items():
    add("time-" + key, "timestamp %r through logEventV2 and groupIdentifyUser" % (ts,),
        with_(GROUP, timestamp=ts, type="track", event="Time Check", traits=DELETE, groupId="grp_acme_corp"),
        [preset("Track Calls"), sub("groupIdentifyUser", {"group_type": "Company", "group_value": {"@path": "$.groupId"}}, subscribe='type = "track"')])

# ---------------------------------------------------------------------------
# 4. Numeric strings, odd products, revenue
# ---------------------------------------------------------------------------
add("purchase-numeric-strings", "logPurchase with revenue/price/quantity as strings and a numeric productId",
    with_(ORDER, properties={"order_id": "ord_1", "revenue": "129.50", "currency": "USD",
                             "products": [{"productId": 123, "price": "19.99", "quantity": "3"}, {"productId": "sku-2", "price": "1e2", "quantity": "1"}]}),
    [preset("Order Completed Calls"), preset("Order Completed Calls", {"trackRevenuePerProduct": True})])
add("purchase-odd-products", "products with a negative price, quantity 0, missing fields, extra nested objects and a null entry",
    with_(ORDER, properties={"order_id": "ord_2", "revenue": 10, "products": [
        {"productId": "neg", "price": -5, "quantity": 2, "revenueType": "Refund"},
        {"productId": "zero", "price": 12.5, "quantity": 0},
        {"name": "no id or price"},
        {"productId": "nested", "price": 3.3, "quantity": 3, "attributes": {"color": "red", "sizes": [1, 2]}},
        None]}),
    [preset("Order Completed Calls"), preset("Order Completed Calls", {"trackRevenuePerProduct": True})])
add("purchase-string-products", "products given as an array of strings (not objects)",
    with_(ORDER, properties={"order_id": "ord_3", "revenue": 20, "products": ["sku-1", "sku-2"]}),
    [preset("Order Completed Calls")])
add("purchase-batch-na", "logPurchase with use_batch_endpoint in North America (/batch on api2)",
    ORDER, [preset("Order Completed Calls", {"use_batch_endpoint": True})])
add("purchase-eu-httpapi", "logPurchase in the EU without the batch endpoint, per-product revenue",
    ORDER, [preset("Order Completed Calls", {"trackRevenuePerProduct": True})], settings=SETTINGS_EU)
add("purchase-float-quantity-string", "quantity \"2.5\" (numeric string, not an integer) on a product",
    with_(ORDER, properties={"order_id": "ord_4", "products": [{"productId": "p", "price": 4, "quantity": "2.5"}]}),
    [preset("Order Completed Calls")])
add("track-numeric-string-properties", "numeric strings and booleans-as-strings in mapped top-level fields (price, quantity, revenue, location)",
    with_(TRACK, properties={"price": "9.99", "quantity": "2", "revenue": "19.98", "lat": "52.52", "lng": "13.405"}),
    [preset("Track Calls", {"price": {"@path": "$.properties.price"}, "quantity": {"@path": "$.properties.quantity"},
                            "revenue": {"@path": "$.properties.revenue"}, "location_lat": {"@path": "$.properties.lat"},
                            "location_lng": {"@path": "$.properties.lng"}})])

# ---------------------------------------------------------------------------
# 5. EU region for every action
# ---------------------------------------------------------------------------
add("eu-logevent-v1", "legacy logEvent in the EU", TRACK, [sub("logEvent")], settings=SETTINGS_EU)
add("eu-logevent-v1-batch", "legacy logEvent in the EU with the batch endpoint", TRACK, [sub("logEvent", {"use_batch_endpoint": True})], settings=SETTINGS_EU)
add("eu-screen-batch", "Screen Calls preset in the EU with the batch endpoint", SCREEN, [preset("Screen Calls", {"use_batch_endpoint": True})], settings=SETTINGS_EU)
add("eu-identify-min-id", "identifyUser in the EU with min_id_length", IDENTIFY, [preset("Identify Calls", {"min_id_length": 3})], settings=SETTINGS_EU)
add("eu-group-numeric-value", "groupIdentifyUser in the EU with a numeric group_value from traits",
    GROUP, [sub("groupIdentifyUser", {"group_type": "employees", "group_value": {"@path": "$.traits.employees"}})], settings=SETTINGS_EU)
add("eu-standard-all", "every standard subscription in the EU on a group event", GROUP, STANDARD, settings=SETTINGS_EU)

# ---------------------------------------------------------------------------
# 6. min_id_length variants
# ---------------------------------------------------------------------------
for key, v in {"one": 1, "hundred": 100, "negative": -1, "float": 2.5, "word": "abc", "null": None}.items():
    add("min-id-length-" + key, "min_id_length = %r on logEventV2, identifyUser and mapUser with a 3-character userId" % (v,),
        with_(TRACK, userId="u42", previousId="old"),
        [preset("Track Calls", {"min_id_length": v}), preset("Identify Calls", {"min_id_length": v}, subscribe='type = "track"'),
         sub("mapUser", {"min_id_length": v}, subscribe='type = "track"')])

# ---------------------------------------------------------------------------
# 7. group values and types
# ---------------------------------------------------------------------------
add("group-type-number-literal", "group_type given as a number literal, group_value as a boolean trait",
    with_(GROUP, traits__verified=True), [sub("groupIdentifyUser", {"group_type": 42, "group_value": {"@path": "$.traits.verified"}})])
add("group-value-object", "group_value mapped to an object (address) — validation", with_(GROUP, traits__address={"city": "Oslo"}),
    [sub("groupIdentifyUser", {"group_type": "Company", "group_value": {"@path": "$.traits.address"}})])
add("group-properties-unicode", "group traits with unicode keys and values", with_(GROUP, traits={"名前": "株式会社アクメ", "emoji": "🏢", "rtl": "شركة"}),
    [GROUP_SUB])

# ---------------------------------------------------------------------------
# 8. identify user-property operations
# ---------------------------------------------------------------------------
add("identify-add-string-number", "$add with numeric strings and a nested object",
    with_(IDENTIFY, traits={"$add": {"friendCount": "3", "score": 1.5, "nested": {"a": 1}}}), [preset("Identify Calls")])
add("identify-setonce-nested", "$setOnce with a nested object plus plain traits", with_(IDENTIFY, traits={"$setOnce": {"first": {"source": "ads", "at": "2024-01-01"}}, "plan": "pro"}),
    [preset("Identify Calls")])
add("identify-unset-only", "$unset only", with_(IDENTIFY, traits={"$unset": {"old": "-"}}), [preset("Identify Calls")])
add("identify-ops-with-utm-referrer", "$set/$setOnce in traits plus UTM campaign and referrer (merge order)",
    with_(IDENTIFY, traits={"$set": {"plan": "pro"}, "$setOnce": {"initial_referrer": "x"}, "$add": {"logins": 1}},
          context__campaign={"source": "newsletter", "medium": "email", "name": "spring"}, context__page__referrer="https://news.example.com/"),
    [preset("Identify Calls")])
add("track-add-friendcount-mapping", "logEventV2 add mapped from properties.friendCount (increment from a track call)",
    with_(TRACK, properties={"friendCount": 2}), [preset("Track Calls", {"add": {"friendCount": {"@path": "$.properties.friendCount"}}})])
add("track-setonce-setalways-from-traits", "setOnce/setAlways mapped from context.traits objects alongside traits-derived user_properties",
    with_(TRACK, context__traits={"plan": "pro", "email": "a@example.com"}),
    [preset("Track Calls", {"setAlways": {"plan": {"@path": "$.context.traits.plan"}}, "setOnce": {"email": {"@path": "$.context.traits.email"}},
                            "user_properties": {"@path": "$.context.traits"}})])

# ---------------------------------------------------------------------------
# 9. Mapping directives on top of presets
# ---------------------------------------------------------------------------
add("preset-template-if-merge", "Track Calls with @template event_type, @if user_id fallback, @merge event_properties",
    TRACK, [preset("Track Calls", {
        "event_type": {"@template": "{{event}} ({{context.library.name}})"},
        "user_id": {"@if": {"exists": {"@path": "$.userId"}, "then": {"@path": "$.userId"}, "else": {"@path": "$.anonymousId"}}},
        "event_properties": {"@merge": {"objects": [{"@path": "$.properties"}, {"@path": "$.context.campaign"}, {"plan": "override"}], "direction": "right"}}})])
add("preset-case-replace", "Page Calls with @case lower and @replace on event_type",
    PAGE, [preset("Page Calls", {"event_type": {"@replace": {"pattern": " ", "replacement": "_", "global": True,
                                                             "value": {"@case": {"operator": "lower", "value": {"@template": "Viewed {{name}}"}}}}}})])
add("preset-remove-fields", "Track Calls with user_id, time and event_properties removed from the preset mapping",
    TRACK, [preset("Track Calls", remove=["user_id", "time", "event_properties"])])
add("preset-time-original-timestamp", "Page Calls mapping time from originalTimestamp and insert_id from a template",
    PAGE, [preset("Page Calls", {"time": {"@path": "$.originalTimestamp"}, "insert_id": {"@template": "{{messageId}}-page"}})])
add("preset-arraypath-products", "logEventV2 event_properties built with @arrayPath over products",
    ORDER, [preset("Track Calls", {"event_properties": {"ids": {"@arrayPath": ["$.properties.products", {"id": {"@path": "$.product_id"}, "n": {"@path": "$.quantity"}}]}}},
                   subscribe='type = "track"')])

# ---------------------------------------------------------------------------
# 10. Sessions
# ---------------------------------------------------------------------------
add("session-preset-identify", "Browser Session Tracking preset (sessionId action) on an identify event, next to Identify Calls",
    IDENTIFY, [preset("Browser Session Tracking"), preset("Identify Calls")])
add("session-id-string-ms-purchase", "integrations session_id as an all-digit string on logPurchase",
    with_(ORDER, integrations={"Actions Amplitude": {"session_id": "1710512553000"}}), [preset("Order Completed Calls")])
add("session-id-on-screen-android", "session_id from integrations on an Android screen call",
    with_(sample("screen-home-android.json"), integrations={"Actions Amplitude": {"session_id": 1710512400000}}), [preset("Screen Calls")])

# ---------------------------------------------------------------------------
# 11. Empty properties, page/screen categories
# ---------------------------------------------------------------------------
add("track-empty-properties", "track with properties {} and no context.page", with_(TRACK, properties={}, context__page=DELETE), [preset("Track Calls")])
add("page-no-properties-no-name", "page with no properties and no name", with_(PAGE, properties=DELETE, name=DELETE, category=DELETE), [preset("Page Calls")])
add("page-category-only", "page with a category but no name", with_(PAGE, name=DELETE), [preset("Page Calls")])
add("screen-category-template", "screen with category; event_type as the classic 'Viewed {{category}} {{name}} Screen'",
    with_(SCREEN, category="Catalog"), [preset("Screen Calls", {"event_type": {"@template": "Viewed {{category}} {{name}} Screen"}})])
add("screen-properties-null", "screen with properties null", with_(SCREEN, properties=None), [preset("Screen Calls")])

# ---------------------------------------------------------------------------
# 12. Unicode
# ---------------------------------------------------------------------------
add("unicode-ids-and-event", "emoji/CJK/RTL in userId, event name and property keys; form-encoded identify too",
    with_(TRACK, userId="用户-🦊-مستخدم", event="注文完了 ✅", properties={"مفتاح": "قيمة", "键": "值", "e\u0301": "combining"}),
    [preset("Track Calls"), preset("Identify Calls", subscribe='type = "track"'), sub("mapUser", {"global_user_id": {"@path": "$.event"}}, subscribe='type = "track"')])

# ---------------------------------------------------------------------------
# 13. Found by differential fuzzing against the oracle
# ---------------------------------------------------------------------------
# ajv (coerceTypes "array") takes a one-element array apart, but its check of the element joins
# a union type's tests with "and": ["x"] is no string for a ["string", "null"] field.
add("ajv-union-one-element-array", "userId [\"undefined\"] for the string-or-null user_id: type error naming a string",
    with_(TRACK, userId=["undefined"]), [preset("Track Calls")])
add("ajv-union-one-element-number", "userId [5]: the unwrapped number is coerced to the string \"5\"",
    with_(TRACK, userId=[5]), [preset("Track Calls")])
add("ajv-union-array-then-format", "session_id [\"analytics.js\"]: type error, then the date-like check on the element",
    with_(SCREEN, integrations={"Actions Amplitude": {"session_id": ["analytics.js"]}}), [preset("Screen Calls")])
add("ajv-object-one-element-array", "user_properties [{...}] for an object field: no coercion is tried, the array is reported",
    with_(TRACK, traits=[{"plan": "pro"}]), [preset("Track Calls", {"user_properties": {"@path": "$.traits"}})])
add("identify-set-string-spread", "traits.$set a string with a referrer: the reference spreads its characters by index",
    with_(IDENTIFY, traits={"$set": "2024-03-15", "keep": 1}, context__page__referrer="https://news.example.com/"),
    [preset("Identify Calls")])
# The framework validates the settings before any subscription: every one fails, matching or not.
add("settings-invalid-fails-every-subscription", "endpoint \"EUROPE\": the settings error for all seven standard subscriptions",
    TRACK, STANDARD, settings=dict(SETTINGS_NA, endpoint="EUROPE"))
add("settings-empty-api-key", "an empty apiKey and a secretKey with form-unsafe characters, standard subscriptions",
    IDENTIFY, STANDARD, settings=dict(SETTINGS_NA, apiKey="", secretKey="s&t=1"))
# ajv coerces the text "Infinity" in a number field to Infinity: truthy, null in JSON.
add("purchase-infinity-text", "revenue \"Infinity\", quantity \"1e999\" and min_id_length \"Infinity\" on logPurchase",
    with_(ORDER, properties={"order_id": "ord_inf", "revenue": "Infinity", "quantity": "1e999", "price": 5, "products": []}),
    [preset("Order Completed Calls", {"min_id_length": "Infinity"})])
add("identify-min-id-infinity", "min_id_length \"Infinity\" and \"-Infinity\" on identifyUser and logEventV2",
    with_(IDENTIFY, traits={"plan": "pro"}),
    [preset("Identify Calls", {"min_id_length": "Infinity"}),
     preset("Track Calls", {"min_id_length": "-Infinity", "event_type": "Identified"}, subscribe='type = "identify"')])

# A non-2xx answer's message is Node's status text, or the number when Node names none.
add("http-status-texts", "answers 418, 300 and 599 (no name): the HTTP error messages per subscription",
    TRACK, [dict(preset("Track Calls"), mockResponses=[{"status": 418, "body": "teapot"}]),
            dict(preset("Identify Calls", subscribe='type = "track"'), mockResponses=[{"status": 300}]),
            dict(sub("mapUser", {"global_user_id": {"@path": "$.userId"}}, subscribe='type = "track"'), mockResponses=[{"status": 599, "body": {"error": "x"}}])])

# Paths through values computed on the way (a string's `length`, one of its characters, and
# steps after those) and steps from falsy values: the prepared mapping's table of path prefixes
# keeps such values aside; these hold it to the reference through the whole action.
add("path-computed-steps", "user_id $.userId.0, device_id $.properties.plan.1.length, event_type $.event.length (coerced to a string)",
    TRACK, [preset("Track Calls", {"user_id": {"@path": "$.userId.0"},
                                   "device_id": {"@path": "$.properties.plan.1.length"},
                                   "event_type": {"@path": "$.event.length"}})])
add("path-computed-in-object", "setOnce members from a title's length and the fourth character of the ip; an @if on a character",
    TRACK, [preset("Track Calls", {"setOnce": {"initial_referrer": {"@path": "$.context.page.title.length"},
                                               "initial_utm_source": {"@path": "$.context.ip.3"}},
                                   "user_id": {"@path": "$.context.page.search.x"},
                                   "device_id": {"@if": {"exists": {"@path": "$.userId.0"}, "then": {"@path": "$.userId.0"},
                                                         "else": {"@path": "$.anonymousId"}}}})])

# Scalars of the wrong type for fields that state only types, coerced as ajv does (the direct
# payload path coerces them in place); a text that coerces to Infinity leaves that path.
add("coerce-plain-scalars", "userId 1e21, event 404, ip true, latitude \"0x10\", longitude \" 2.5 \" on Track Calls",
    with_(TRACK, userId=1e21, event=404, context__ip=True,
          context__location={"latitude": "0x10", "longitude": " 2.5 ", "city": 7}),
    [preset("Track Calls", subscribe='type = "track"')])
add("purchase-infinity-revenue-alone", "revenue \"Infinity\" with no price or quantity on logPurchase: truthy, sent as null",
    with_(ORDER, properties={"order_id": "ord_inf2", "revenue": "Infinity", "products": []}),
    [preset("Order Completed Calls")])

# Doubles written with all their digits (17 significant, as JSON.stringify writes a computed
# value): JSON.parse reads each to the nearest double, and the request carries the same text
# back. About one in nine such numbers is one step off when a parser rounds twice.
FULL_PRECISION = [98.64499842150025, 0.0036686443114162027, 190992.41986470966, 107155278832.67139,
                  0.000012191477788358547, 0.9332229239828689, 1.0000000000000002, 2.2250738585072014e-308,
                  5e-324, 1.7976931348623157e+308, 218.27407281561014, 0.30000000000000004]
add("full-precision-floats", "event properties, location, traits and product prices with 17-digit doubles through logEventV2 and logPurchase",
    with_(ORDER, properties={"order_id": "ord_fp", "revenue": 98.64499842150025, "values": FULL_PRECISION,
                             "products": [{"product_id": "p1", "price": 13.735212820957285, "quantity": 2},
                                          {"product_id": "p2", "price": 1987.4969072361598, "quantity": 1}]},
          context__location={"latitude": 37.77492949999999, "longitude": -122.41941550000001},
          context__traits={"score": 0.00044291789597844164}),
    [preset("Order Completed Calls"), preset("Track Calls", subscribe='type = "track"')])
add("full-precision-floats-identify", "identifyUser with 17-digit doubles in traits and location (form body, JSON inside)",
    with_(IDENTIFY, traits={"score": 98.64499842150025, "ratio": 0.0018550290043540935, "big": 11708921118.397533},
          context__location={"latitude": 37.77492949999999, "longitude": -122.41941550000001}),
    [preset("Identify Calls")])

# ---------------------------------------------------------------------------
# 14. Lone UTF-16 surrogates: JSON.parse takes `"\ud83d"`, JSON.stringify writes it back
# escaped, URLSearchParams writes U+FFFD, and indexing or spreading a string splits an emoji
# ---------------------------------------------------------------------------
add("lone-surrogates-track", "lone high and low surrogates in the event name, userId, a property key and values, an "
    "array and the context; Track Calls and logEvent by a trigger on a text with one",
    with_(TRACK, event="Cut \ud83d", userId="u-\udc00-1", properties={"k\ud83c": "v\udfff", "pair": "\ud83d\ude00",
                                                                        "list": ["\udbff", "x\ud800y", 1],
                                                                        "nested": {"reversed": "\ude00\ud83d"}},
          context__page__title="Title \ud83e"),
    [preset("Track Calls"), sub("logEvent", subscribe='type = "track" and contains(event, "Cut")')])
add("lone-surrogates-identify", "identifyUser with lone surrogates in traits, user id and user properties (form body: "
    "the JSON inside has them escaped)",
    with_(IDENTIFY, userId="id\udead", traits={"name": "N\ud83d", "\udc00key": ["\ud800"]}),
    [preset("Identify Calls")])
add("lone-surrogates-split-emoji", "a path into an emoji's halves ($.event.0, $.userId.1) and $set as an emoji string "
    "spread by index: lone surrogates made by the reference itself",
    with_(IDENTIFY, userId="😀id", traits={"$set": "a😀", "keep": 1}, event="🦊 Fox"),
    [preset("Identify Calls", {"user_id": {"@path": "$.userId.1"}}),
     sub("logEventV2", {"event_type": {"@path": "$.event.0"}, "user_id": {"@path": "$.userId.0"}},
         subscribe='type = "identify"')])
add("lone-surrogates-form-field", "mapUser with a lone surrogate in the user id and global id (form fields, "
    "one of them JSON text)",
    with_(sample("alias-ios.json"), userId="new\ud83d", previousId="old\udc00"),
    [ALIAS_SUB])

# ---------------------------------------------------------------------------
# 15. @liquid's "now" reads the clock (the oracle freezes Date.now() at frozen_now_ms)
# ---------------------------------------------------------------------------
add("liquid-date-now", "@liquid date filters of 'now' and 'today' in the event type and a property, with a fixed offset",
    TRACK, [preset("Track Calls", {"event_type": {"@liquid": "{{ 'now' | date: '%Y-%m-%d %H:%M:%S.%L' }} {{ event }}"},
                                   "event_properties": {"sent": {"@liquid": "{{ 'today' | date: '%s', 330 }}"},
                                                        "day": {"@liquid": "{{ 'now' | date: '%A %z', -480 }}"}}})])

# ---------------------------------------------------------------------------
# 16. @liquid dates in a time zone given by name (the reference's ICU data)
# ---------------------------------------------------------------------------
add("liquid-date-timezone", "@liquid date filters in time zones given by name: the event's time in New York, its day in Tokyo, a name in lower case, the frozen 'now' in Kathmandu, and an unknown zone (the mapping fails: Invalid time zone specified)",
    TRACK, [preset("Track Calls", {"event_properties": {
        "ny": {"@liquid": "{{ timestamp | date: '%Y-%m-%d %H:%M:%S %z %Z', 'America/New_York' }}"},
        "tokyo": {"@liquid": "{{ timestamp | date: '%A %j', 'Asia/Tokyo' }}"},
        "lower": {"@liquid": "{{ timestamp | date: '%H:%M %:z %Z', 'europe/london' }}"},
        "now": {"@liquid": "{{ 'now' | date: '%H:%M %z', 'Asia/Kathmandu' }}"}}}),
            preset("Page Calls", {"event_properties": {"x": {"@liquid": "{{ timestamp | date: '%H', 'Mars/Olympus' }}"}}}, subscribe='type = "track"')])

os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    if f.endswith(".json"):
        os.remove(os.path.join(OUT, f))
for c in CASES:
    with open(os.path.join(OUT, c["name"] + ".json"), "w", encoding="utf-8") as f:
        text = json.dumps(c, indent=2, ensure_ascii=False)
        # A lone surrogate cannot be written as UTF-8: write it as JSON's escape.
        f.write(re.sub("[\ud800-\udfff]", lambda m: "\\u%04x" % ord(m.group()), text))
        f.write("\n")
print(len(CASES), "cases", file=sys.stderr)
