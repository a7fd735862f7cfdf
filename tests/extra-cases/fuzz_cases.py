"""Random differential cases for the oracle: corpus events mutated with random values (types,
numbers, dates, unicode, products, user agents), the standard subscriptions plus logEvent, and
random mapping overrides. Not a test by itself: run the oracle on the output and compare.

usage: python3 tests/extra-cases/fuzz_cases.py N SEED OUT_DIR
       MUT=k: at most k mutations per event (8); SETTINGS=1: random API keys and regions too;
       MOCKS=1: random answers (status, body, headers) per case or subscription;
       UAS=file.json: more user agents to draw from
"""
import json
import re, glob, random, copy, sys, os
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
base = []
for f in sorted(glob.glob(ROOT + '/tests/extra-cases/cases/*.json') + glob.glob(ROOT + '/tests/conformance/cases/*.json')):
    c = json.load(open(f))
    if isinstance(c.get('event'), dict) and c['event'].get('type'):
        base.append(c['event'])
std_subs = None
for f in sorted(glob.glob(ROOT + '/tests/extra-cases/cases/extra-sample-*.json')):
    c = json.load(open(f))
    if len(c['subscriptions']) == 7:
        std_subs = c['subscriptions']; break
assert std_subs
UAS = [e.get('context', {}).get('userAgent') for e in base if isinstance(e.get('context'), dict) and e['context'].get('userAgent')]
if os.environ.get('UAS'):
    # More user agents to draw from (a JSON array of strings, e.g. Matomo's device-detector fixtures).
    UAS += json.load(open(os.environ['UAS']))
def rstr():
    return rng.choice(['', ' ', 'x', 'Hello World', 'é漢字😀', 'a"b\\c\n\t', '123', '12.50', ' 7 ', '0', '-1', '1e3', '0x1A', 'true', 'null',
                       '2024-03-15T14:22:33.456Z', '2024-03-15', '1710512553456', 'Mar 15 2024', 'undefined', 'NaN', 'Infinity', '\u2028', 'ios', 'Android', 'iOS',
                       'segment', 'analytics.js', 'a' * 300, 'Purchase', 'Refund', '$set', 'https://example.com/?utm_source=x',
                       'nul\x00', '\x1f\x7f\b\f\r', '\ufeffbom', '\U0001F600',
                       # Lone surrogates (a client cut a string inside an emoji) and a pair of halves.
                       'cut\ud83d', '\udc00x', '\ude00\ud83d', '\ud83d\ude00'])
def rnum():
    if rng.random() < 0.2:
        # A double with all its digits (a computed value): JSON.parse must read it to the nearest double.
        return rng.uniform(-1000, 1000) * 10 ** rng.randint(-8, 8)
    return rng.choice([0, 1, -1, 2.5, -0.5, 10, 100, 1e21, 1e-7, 123456789012, 0.1, 3, 99.99, 1710512553456, -86400000, 1.5e300, 7,
                       -0.0, 9007199254740993, 12345678901234567890, -9223372036854775809, 1e-320])
def rval(depth=0):
    k = rng.random()
    if k < 0.35: return rstr()
    if k < 0.6: return rnum()
    if k < 0.67: return rng.choice([True, False])
    if k < 0.75: return None
    if depth > 2: return rstr()
    if k < 0.87:
        return [rval(depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(['a', 'b', '1', '0', '10', 'name', 'k k', '$set', 'price', 'quantity', 'revenue', 'productId', 'revenueType', 'utm_source', 'é']): rval(depth + 1) for _ in range(rng.randint(0, 4))}
FIELDS = [('userId',), ('anonymousId',), ('event',), ('name',), ('groupId',), ('previousId',), ('timestamp',),
          ('properties', 'revenue'), ('properties', 'price'), ('properties', 'quantity'), ('properties', 'productId'), ('properties', 'revenueType'),
          ('properties', 'products'), ('properties', 'name'), ('properties', 'category'), ('properties',),
          ('traits',), ('traits', 'email'), ('traits', '$set'), ('traits', 'utm_source'), ('traits', 'referrer'), ('traits', 'name'),
          ('context', 'device', 'id'), ('context', 'device', 'advertisingId'), ('context', 'device', 'idfa'), ('context', 'device', 'type'),
          ('context', 'device', 'brand'), ('context', 'device', 'manufacturer'), ('context', 'device', 'model'), ('context', 'os', 'name'),
          ('context', 'os', 'version'), ('context', 'app', 'version'), ('context', 'location', 'country'), ('context', 'location', 'region'),
          ('context', 'location', 'city'), ('context', 'location', 'latitude'), ('context', 'location', 'longitude'), ('context', 'network', 'carrier'),
          ('context', 'locale'), ('context', 'ip'), ('context', 'userAgent'), ('context', 'userAgentData'), ('context', 'userAgentData', 'model'),
          ('context', 'userAgentData', 'platformVersion'), ('context', 'page', 'referrer'), ('context', 'campaign', 'source'), ('context', 'campaign', 'medium'),
          ('context', 'campaign', 'name'), ('context', 'campaign', 'term'), ('context', 'campaign', 'content'), ('context', 'library', 'name'),
          ('integrations', 'Actions Amplitude', 'session_id'), ('context', 'groupId'), ('traits', 'group_value')]
def setp(ev, path, v):
    cur = ev
    for p in path[:-1]:
        if not isinstance(cur.get(p), dict):
            cur[p] = {}
        cur = cur[p]
    if v is DELETE: cur.pop(path[-1], None)
    else: cur[path[-1]] = v
DELETE = object()
def product():
    p = {}
    for k in ['price', 'quantity', 'revenue', 'productId', 'revenueType', 'name', 'sku']:
        if rng.random() < 0.6:
            p[k] = rval(2)
    return p if rng.random() < 0.9 else rval(2)
def rpath():
    """A path that may step through computed values (a string's length, a character) or falsy ones."""
    base = rng.choice(['$.userId', '$.event', '$.name', '$.properties.name', '$.context.ip', '$.context.page.search', '$.traits.email',
                       '$.properties.products', '$.properties', '$.anonymousId', '$.context.locale', '$.properties.quantity'])
    return {"@path": base + rng.choice(['.length', '.0', '.1', '.0.length', '.length.x', '.x', '.1.0', '.0.0', '.0.price', ''])}
OVERRIDES = [
    ("user_id", rpath), ("device_id", rpath), ("event_type", rpath), ("ip", rpath), ("city", rpath),
    ("setOnce", lambda: {"initial_referrer": rpath(), "initial_utm_source": rpath()}),
    ("idfa", lambda: {"@if": {"exists": rpath(), "then": rpath(), "else": rpath()}}),
    ("min_id_length", lambda: rng.choice([1, 5, 100, -1, 2.5, "3", "abc", None, 0])),
    ("use_batch_endpoint", lambda: rng.choice([True, False, "true", 1, 0, None])),
    ("userAgentParsing", lambda: rng.choice([True, False, "false"])),
    ("includeRawUserAgent", lambda: rng.choice([True, False])),
    ("trackRevenuePerProduct", lambda: rng.choice([True, False, "true"])),
    ("setOnce", lambda: {"x": {"@path": "$.properties.price"}, "y": rval()}),
    ("setAlways", lambda: {"plan": {"@path": "$.traits.plan"}, "n": rval()}),
    ("add", lambda: {"count": rval(), "c2": {"@path": "$.properties.quantity"}}),
    ("time", lambda: rng.choice([{"@path": "$.properties.price"}, {"@path": "$.originalTimestamp"}, rval(),
                                 {"@liquid": "{{ timestamp | date: '%s%L' }}"}])),
    ("session_id", lambda: rng.choice([{"@path": "$.properties.revenue"}, rval(), {"@path": "$.timestamp"}])),
    ("event_type", lambda: rng.choice([{"@template": "{{properties.name}} {{event}}"}, rval(), {"@path": "$.name"},
                                       {"@liquid": "{{ event | upcase }} {{ timestamp | date: '%F %H:%M %z', context.timezone }}"},
                                       {"@liquid": "{{ 'now' | date: '%s' }}-{{ properties.name | slugify }}"}])),
    ("user_properties", lambda: rng.choice([{"@path": "$.properties"}, {"@path": "$.context"}, rval()])),
    ("event_properties", lambda: rng.choice([{"@path": "$.traits"}, rval(), {"@path": "$.properties.products"}])),
    ("library2", lambda: rng.choice([{"behavior": "other"}, {"behavior": "use_mapping", "mapping": rval()}, rval()])),
    ("insert_id", lambda: rng.choice([{"@path": "$.messageId"}, rval()])),
    ("user_id", lambda: rval()), ("device_id", lambda: rval()), ("platform", lambda: rval()), ("os_name", lambda: rval()),
    ("revenue", lambda: rval()), ("price", lambda: rval()), ("quantity", lambda: rval()), ("productId", lambda: rval()),
    ("products", lambda: [{"price": rval(), "quantity": rval(), "revenue": rval(), "productId": rval()} for _ in range(rng.randint(0, 2))]),
    ("utm_properties", lambda: {"utm_source": rval(), "utm_medium": {"@path": "$.context.campaign.medium"}}),
    ("referrer", lambda: rval()),
    ("userAgentData", lambda: {"model": rval(), "platformVersion": rval()}),
    ("group_type", lambda: rval()), ("group_value", lambda: rval()), ("group_properties", lambda: rval()),
    ("location_lat", lambda: rval()), ("location_lng", lambda: rval()), ("idfa", lambda: rval()), ("ip", lambda: rval()),
    ("global_user_id", lambda: rval()), ("unmap", lambda: rval()), ("paying", lambda: rval()), ("start_version", lambda: rval()),
]
out = sys.argv[3] if len(sys.argv) > 3 else 'cases'
os.makedirs(out, exist_ok=True)
for i in range(N):
    ev = copy.deepcopy(rng.choice(base))
    ev['type'] = rng.choice(['track', 'track', 'page', 'screen', 'identify', 'group', 'alias', ev['type']])
    if ev['type'] == 'track' and rng.random() < 0.4: ev['event'] = 'Order Completed'
    for _ in range(rng.randint(1, int(os.environ.get("MUT", "8")))):
        path = rng.choice(FIELDS)
        r = rng.random()
        if path == ('properties', 'products'):
            v = [product() for _ in range(rng.randint(0, 3))] if r < 0.85 else rval()
        elif path == ('context', 'userAgent') and r < 0.6:
            v = rng.choice(UAS)
        elif path == ('timestamp',) and r < 0.5:
            v = rng.choice(['2024-03-15T14:22:33.456Z', '2024-03-15T14:22:33+02:00', '2024-03-15 14:22:33', 'Fri, 15 Mar 2024 14:22:33 GMT', '1710512553456', 1710512553456, '2024-02-30T00:00:00Z', '3/15/2024', 'garbage'])
        elif r < 0.12:
            v = DELETE
        else:
            v = rval()
        setp(ev, path, v)
    settings = {"apiKey": "amp-api-key-0123456789", "secretKey": "amp-secret-key-9876543210", "endpoint": rng.choice(["north_america", "europe"])}
    if os.environ.get("SETTINGS"):
        settings["apiKey"] = rng.choice(["", " ", "a&b=c", "é漢😀", "+/ =?%", "k" * 200, "key\n\"q\"", "0", "null"])
        if rng.random() < 0.3: settings["secretKey"] = rng.choice(["", "s&t", "秘密"])
        if rng.random() < 0.2: settings["endpoint"] = rng.choice(["asia", "", "EUROPE"])
        if rng.random() < 0.1: del settings["endpoint"]
    subs = copy.deepcopy(std_subs)
    if rng.random() < 0.5:
        subs.append({"name": "logEvent", "subscribe": 'type = "track" or type = "page" or type = "screen"', "partnerAction": "logEvent", "mapping": "defaults"})
    for s_ in subs:
        if rng.random() < 0.45:
            ov = {}
            for _ in range(rng.randint(1, 4)):
                k, v = rng.choice(OVERRIDES)
                ov[k] = v() if callable(v) else v
            s_["mappingOverrides"] = ov
    case = {"name": f"fuzz-{i:04d}", "description": "random", "settings": settings, "event": ev, "subscriptions": subs}
    if os.environ.get("MOCKS"):
        def mock():
            m = {"status": rng.choice([200, 200, 201, 204, 299, 300, 301, 400, 401, 403, 404, 408, 413, 418, 429, 500, 502, 503, 504, 599])}
            r = rng.random()
            if r < 0.4: m["body"] = {"code": m["status"], "error": rng.choice(["Invalid API key", "missing_event", ""]), "events_with_invalid_fields": {"time": [0]}}
            elif r < 0.7: m["body"] = rng.choice(["", "success", "<html>bad gateway</html>", "{not json", "null"])
            if rng.random() < 0.2: m["headers"] = {"retry-after": "1"}
            return m
        mocks = [mock() for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.5: case["mockResponses"] = mocks
        else:
            for s_ in subs:
                if rng.random() < 0.5: s_["mockResponses"] = [mock() for _ in range(rng.randint(1, 2))]
    text = json.dumps(case, indent=1, ensure_ascii=False)
    # A lone surrogate cannot be written as UTF-8: write it as JSON's escape.
    text = re.sub('[\ud800-\udfff]', lambda m: '\\u%04x' % ord(m.group()), text)
    with open(f'{out}/fuzz-{i:04d}.json', 'w', encoding='utf-8') as f:
        f.write(text)
print(N, 'cases')
