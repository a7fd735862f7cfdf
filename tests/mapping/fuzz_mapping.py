#!/usr/bin/env python3
"""Differential fuzzer: our mapping engine (`ampscope map`) vs @segment/actions-core transform().

Usage (from the repository's root):
    python3 tests/mapping/fuzz_mapping.py N SEED OUT_DIR
        generate N random rows (reproducible from SEED), run the reference
        (node tests/mapping/fuzz_transform.mjs) and our binary on each row,
        compare, print a summary, write OUT_DIR/{rows,ref,ours,diffs}.json.
    python3 tests/mapping/fuzz_mapping.py --shrink DIFFS.json INDEX OUT.json
        greedily minimise diff number INDEX of DIFFS.json (same category and,
        for value diffs, still differing) and write the reduced row to OUT.json.
    python3 tests/mapping/fuzz_mapping.py --systematic OUT_DIR
        every directive with every option replaced by wrong-typed values (validation sweep).
    python3 tests/mapping/fuzz_mapping.py --rows ROWS.json OUT_DIR
        compare hand-written rows ([{mapping, input}, ...]) instead of random ones.

Environment: AMPSCOPE=path overrides the engine binary (default target/release/ampscope);
ORACLE_DIR: a copy of ../shared/oracle with `npm ci` done (default: ../shared/oracle beside
the repository);
NODE=path overrides node; JOBS=n sets the thread-pool size (default 2).

Comparison rules
  * both succeed: both JSON texts are parsed keeping key order (lists of pairs);
    structure, key order, strings, booleans, null must be equal, numbers are
    compared as floats.  When values are equal but a number is printed
    differently (e.g. JS `12345678901234567000` vs ours `1.2345678901234567e+19`)
    the row is counted as category `number_text` (informational).
  * reference `undefined` (JSON.stringify gave undefined) <=> ours exit 0 with an
    empty stdout (our CLI then prints "note: the mapping resolved to undefined"
    on stderr).  Anything else on either side is a value difference.
  * exactly one side errors: category `ref_error_only` / `ours_error_only`.
  * both error: category `message` (informational) when any reference message
    (AggregateError items, or .message) is not a substring of our stderr.
"""
import concurrent.futures
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

sys.setrecursionlimit(20000)

HERE = os.path.dirname(os.path.abspath(__file__))
REF_SCRIPT = os.path.join(HERE, "fuzz_transform.mjs")
AMPSCOPE = os.environ.get("AMPSCOPE", os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "target", "release", "ampscope"))
NODE = os.environ.get("NODE", "node")
JOBS = int(os.environ.get("JOBS", "2"))

# ---------------------------------------------------------------------------
# Random generation
# ---------------------------------------------------------------------------

ZONES = ["America/New_York", "america/los_angeles", "Europe/London", "Asia/Kolkata", "UTC", "utc",
         "US/Eastern", "EST", "PST", "Etc/GMT-14", "Pacific/Chatham", "Australia/Lord_Howe",
         "Africa/Casablanca", "Foo/Bar", "+08:00", "", "GMT", "Asia/Tehran", "America/Sao_Paulo"]
KEYS = ["a", "b", "c", "s", "n", "arr", "o", "e", "zero", "f", "bg", "t", "tpl",
        "list", "u", "k k", "2", "10", "01", "a.b", "it's", "$", "properties",
        "traits", "x", "y", "length", "0", "1", "null", "true", "", " ", "é",
        "😀", "id", "v", "ptr", "a[b]", "-1", "4294967295", "4294967294", "bg",
        "9007199254740993", "1e3", "0.5", "00", "+1"]
FIELD_KEYS = ["a", "b", "z", "x", "2", "10", "01", "0", "k k", "_metadata",
              "__segment_internal_x", "é", "", "1.5", "-1", "4294967294", "4294967295"]

STRINGS = ["", "abc", "ΣΑΣ straße İx", "😀x", "\u0001\n\t\"\\/", "123", "0", "1e3",
           " 1e3 ", "-0", "1e400", "{\"k\":[1,2]}", "[1,2]", "null", "true", "false",
           "{{a}}", "{{{a}}}", "{{s}}", "$x", "a-b-c", "AB ab Ab", "  pad  ", "a.b",
           "<b>&", "\u2028", "\ufeffx", "Ünïcode ÄB", "products", "a", "s", "arr",
           "o.2", "x", " ", "ǅ ß ﬁ ŉ", "İ", "ſK", "[object Object]", "\"quoted\"",
           "1.50", "0x10", "Infinity", "NaN", "{\"b\":1,\"10\":2,\"2\":3}",
           "\"\\ud83d\"", "[1,null,{\"a\":{}}]", "  {\"a\" : 1 }  ", "1e21", "-1.5e-7",
           "$.a", "a.b.c", "{{ }}", "%", "\u0000", "\x7f", "\u00a0x\u00a0",
           # case-folding corners (JS non-unicode /i vs Unicode simple folding)
           "\u212a", "ſ", "ẞ", "ß", "Ω", "\u2126", "ω", "µ", "μ", "ς", "σ", "ǅǆǄ", "ﬀ",
           "\u0085x\u0085", "\ufeffx\ufeff", "\u3000x", "\u2028x\u2029",
           # lone surrogates (a string cut inside an emoji) and two halves the wrong way round
           "\ud83d", "x\udc00", "\ude00\ud83d"]
NUMBERS = [0, 0.0, 1, -1, 2, 10, 1.5, -1.5, 0.1, 0.30000000000000004, 1e21, 1e-7,
           123e-20, 1e16, 12345678901234567890, 2 ** 53 + 1, 2 ** 53, -(2 ** 31),
           5e-324, 1.7976931348623157e308, 100, 4294967295, 999999999999999999999,
           1e300, 0.000001, 1234.5678, -0.0001, 7]
CHARS = "aAbBxX-._ $&'\"{}[]0129é😀ßİ|#*+?()^\\,\n\ud83d"


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.p_invalid = 0.06   # per-directive chance of an invalid mutation (set per row)

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    # ---- JSON values (inputs, raw values) ----
    def rstring(self):
        if self.chance(0.75):
            return self.pick(STRINGS)
        return "".join(self.pick(CHARS) for _ in range(self.r.randint(0, 6)))

    def rnumber(self):
        if self.chance(0.8):
            return self.pick(NUMBERS)
        return self.pick([self.r.randint(-1000, 1000), round(self.r.uniform(-100, 100), self.r.randint(0, 6))])

    def rscalar(self):
        k = self.r.random()
        if k < 0.45:
            return self.rstring()
        if k < 0.75:
            return self.rnumber()
        if k < 0.87:
            return self.pick([True, False])
        return None

    def rjson(self, depth):
        k = self.r.random()
        if depth <= 0 or k < 0.55:
            return self.rscalar()
        if k < 0.77:
            return [self.rjson(depth - 1) for _ in range(self.r.randint(0, 4))]
        return self.robject(depth - 1, self.r.randint(0, 5))

    def robject(self, depth, n):
        o = {}
        for _ in range(n):
            o[self.pick(KEYS)] = self.rjson(depth)
        return o

    def rinput(self):
        k = self.r.random()
        if k < 0.01:
            return self.pick([[1, 2], "str", None, 5, True])
        base = {}
        for key in self.r.sample(KEYS, self.r.randint(4, 12)):
            base[key] = self.rjson(3)
        if self.chance(0.3):
            base["ptr"] = self.pick(["a", "s", "arr", "o", "x.y", "$.a", "", "."])
        if self.chance(0.3):
            base["list"] = [self.robject(1, self.r.randint(0, 3)) for _ in range(self.r.randint(0, 3))]
        if self.chance(0.25):
            base["properties"] = {"price": self.rnumber(), "a b": "spaced", "a.b": "dotted",
                                  "nested": {"x": 1}, "name": self.rstring(),
                                  "10": self.rscalar(), "2": self.rscalar()}
        return base

    # ---- paths (§3) ----
    def walk(self, scope):
        """Random list of segments that (mostly) exists in scope."""
        segs = []
        cur = scope
        for _ in range(self.r.randint(0, 4)):
            if isinstance(cur, dict) and cur and self.chance(0.85):
                k = self.pick(list(cur.keys()))
                segs.append(k)
                cur = cur[k]
            elif isinstance(cur, list) and cur and self.chance(0.8):
                i = self.r.randrange(len(cur))
                segs.append(str(i))
                cur = cur[i]
            elif isinstance(cur, str) and self.chance(0.6):
                segs.append(self.pick(["length", "0", "1", "5"]))
                cur = None
            else:
                segs.append(self.pick(KEYS + ["length", "0", "1", "x"]))
                cur = None
        return segs

    def fmt_segs(self, segs, template=False):
        out = ""
        for i, s in enumerate(segs):
            k = self.r.random()
            if s.isdigit() and k < 0.4:
                out += "[" + s + "]"
            elif k < 0.1:
                out += '["' + s + '"]'
            elif k < 0.15:
                out += "['" + s + "']"
            elif k < 0.18:
                out += ".." + s
            elif k < 0.2:
                out += "[" + s + "]"
            else:
                out += ("." if i or not template else "") + s
        if template and out.startswith("."):
            out = out[1:]
        if self.chance(0.03):
            out += "."
        return out

    def rpath(self, scope, dollar=True):
        k = self.r.random()
        if k < 0.06:
            return self.pick(["$.", "", ".", "$", "$..", " ", "$.[0]", "$.$.", "a$.b", "$.[\"k k\"]",
                              "$.o['10']", "$.arr[1]", "$.s.length", "$.o.10", "$.n.x", "$.a[b]",
                              "$.items[-1]", "$.o[01]", "$.\"a\"", "$['a']", "[0]", "$.a.b.c.d.e"])
        segs = self.walk(scope) if (scope is not None and self.chance(0.7)) else \
            [self.pick(KEYS) for _ in range(self.r.randint(1, 3))]
        body = self.fmt_segs(segs)
        if body.startswith("."):
            body = body[1:]
        if not dollar:
            return body
        k = self.r.random()
        if k < 0.7:
            return "$." + body
        if k < 0.93:
            return body
        return self.pick(["$" + body, "$.$." + body, "x$." + body, body + "$.", "$. " + body])

    def rtemplate_inner(self, scope):
        segs = self.walk(scope) if (scope is not None and self.chance(0.7)) else \
            [self.pick(KEYS) for _ in range(self.r.randint(1, 2))]
        inner = self.fmt_segs(segs, template=True)
        if self.chance(0.05):
            inner = "$." + inner
        if self.chance(0.2):
            inner = self.pick([" ", "  ", "\t", "\n", "\ufeff", "\u0085", "\u3000", "\u2028"]) + \
                inner + self.pick([" ", "", "\u00a0", "\ufeff", "\u0085", "\u180e", "\u200b"])
        return inner

    def rtemplate(self, scope):
        parts = []
        for _ in range(self.r.randint(0, 4)):
            k = self.r.random()
            if k < 0.5:
                parts.append("{{" + self.rtemplate_inner(scope) + "}}")
            elif k < 0.6:
                parts.append("{{{" + self.rtemplate_inner(scope) + "}}}")
            elif k < 0.75:
                parts.append(self.pick(["Hi ", " / ", "-", "x", "é😀", "$&", "{", "}", " "]))
            else:
                parts.append(self.pick(["{{}}", "{{ }}", "{{", "}}", "}}}", "{ {a}}", "{{a{{b}}}}",
                                        "{{a}}}", "{{{{s}}}}", "{{{s}}", "{{s}}}}", "{{\n}}"]))
        return "".join(parts)

    def rliquid(self, scope):
        segs = self.walk(scope) if scope is not None else [self.pick(KEYS)]
        segs = [s for s in segs if s and all(c.isalnum() or c == "_" for c in s)]
        p = ".".join(segs) if segs else self.pick(["s", "a", "n", "nope"])
        return self.pick([
            "{{ %s }}" % p, "{{ %s | upcase }}" % p, "{{ %s | plus: 1 }}" % p,
            "{{ %s | json }}" % p, "{%% if %s %%}yes{%% else %%}no{%% endif %%}" % p,
            "{{ %s | sort }}" % p, "{{ %s | uniq }}" % p, "{%% for v in %s %%}{{v}}{%% endfor %%}" % p,
            "{%% case %s %%}{%% when 1 %%}one{%% endcase %%}" % p, "", "plain text",
            "{{ %s }} and {{ %s | upcase }}" % (p, p), "{{", "{{ %s | nosuchfilter }}" % p,
            # Dates in time zones given by name (some unknown, some in other cases).
            "{{ %s | date: \"%%F %%T %%z %%Z\", \"%s\" }}" % (p, self.pick(ZONES)),
            "{{ %s | date: \"%%c %%s\", %s }}" % (p, p),
        ])

    # ---- mapping nodes ----
    def node(self, depth, scope, allow_directive=True):
        """A mapping value position (raw or directive)."""
        k = self.r.random()
        if depth <= 0:
            if allow_directive and k < 0.5:
                return self.leaf_directive(scope)
            return self.rscalar()
        if allow_directive and k < 0.6:
            return self.directive(depth, scope)
        if k < 0.72:
            return self.rscalar()
        if k < 0.8:
            return [self.node(depth - 1, scope) for _ in range(self.r.randint(0, 3))]
        return self.raw_object(depth - 1, scope)

    def raw_object(self, depth, scope, nmin=0, nmax=3):
        o = {}
        for _ in range(self.r.randint(nmin, nmax)):
            key = self.pick(FIELD_KEYS)
            if key == "_metadata":
                o[key] = {"label": "L"} if self.chance(0.5) else self.node(depth, scope)
            else:
                o[key] = self.node(depth, scope)
        return o

    def leaf_directive(self, scope):
        k = self.r.random()
        if k < 0.7:
            return {"@path": self.rpath(scope)}
        if k < 0.9:
            return {"@template": self.rtemplate(scope)}
        return {"@literal": self.rscalar()}

    def str_or_dir(self, depth, scope, string_fn):
        """directive-or-string option."""
        if depth > 0 and self.chance(0.6):
            return self.directive(depth - 1, scope)
        return string_fn()

    def directive(self, depth, scope):
        names = ["@path"] * 8 + ["@template"] * 5 + ["@if"] * 6 + ["@literal"] * 3 + \
                ["@arrayPath"] * 5 + ["@case"] * 3 + ["@replace"] * 5 + ["@json"] * 4 + \
                ["@flatten"] * 3 + ["@merge"] * 4 + ["@transform"] * 3 + \
                ["@excludeWhenNull"] * 3 + ["@liquid"]
        name = self.pick(names)
        d = depth - 1
        if name == "@path":
            if d > 0 and self.chance(0.08):
                v = {"@path": self.pick([{"@path": "$.ptr"}, {"@literal": self.rpath(scope)},
                                         {"@template": "{{ptr}}"}, self.directive(d, scope)])}
            else:
                v = {"@path": self.rpath(scope)}
        elif name == "@template":
            if d > 0 and self.chance(0.08):
                v = {"@template": self.pick([{"@path": "$.tpl"}, {"@path": "$.ptr"},
                                             {"@literal": self.rtemplate(scope)}, self.directive(d, scope)])}
            else:
                v = {"@template": self.rtemplate(scope)}
        elif name == "@if":
            opts = {}
            cond_key = self.pick(["exists"] * 6 + ["blank"] * 4 + ["both", "none"])
            cond = lambda: (self.node(d, scope) if self.chance(0.25) else
                            {"@path": self.rpath(scope)} if self.chance(0.8) else self.directive(max(d, 0), scope))
            if cond_key in ("exists", "both"):
                opts["exists"] = cond()
            if cond_key in ("blank", "both"):
                opts["blank"] = cond()
            if self.chance(0.8):
                opts["then"] = self.node(d, scope)
            if self.chance(0.7):
                opts["else"] = self.node(d, scope)
            if self.chance(0.05):
                opts["bogus"] = self.node(d, scope)
            items = list(opts.items())
            self.r.shuffle(items)
            v = {"@if": dict(items)}
        elif name == "@literal":
            v = {"@literal": self.node(d, scope)}
        elif name == "@arrayPath":
            if self.chance(0.75):
                segs = self.walk(scope) if scope is not None else []
                first = "$." + ".".join(segs) if segs and self.chance(0.6) else self.rpath(scope)
                item_scope = None
                cur = scope
                try:
                    for s in segs:
                        cur = cur[int(s)] if isinstance(cur, list) else cur[s]
                    if isinstance(cur, list) and cur:
                        item_scope = cur[0]
                    elif isinstance(cur, dict):
                        item_scope = cur
                except Exception:
                    item_scope = None
            else:
                first = self.directive(max(d, 0), scope)
                item_scope = None
            arr = [first]
            k = self.r.random()
            if k < 0.45:
                arr.append(self.raw_object(max(d, 0), item_scope, 1, 3))
            elif k < 0.6:
                arr.append(self.directive(max(d, 0), item_scope))
            elif k < 0.7:
                arr.append(self.pick([{}, "notobj", 5, None, []]))
            if self.chance(0.05):
                arr.append("extra")
            v = {"@arrayPath": arr}
        elif name == "@case":
            opts = {}
            if self.chance(0.93):
                opts["operator"] = self.pick(["lower", "upper"] * 5 + ["LOWER", "title", ""])
            if self.chance(0.93):
                opts["value"] = self.str_or_dir(d, scope, lambda: self.pick(
                    [self.rstring(), "MiXeD Ä", "straße", "ΣΑΣ", "İ", "ǅ", ""]))
            v = {"@case": opts}
        elif name == "@replace":
            patpool = ["a", "-", ".", "b", "x", "ab", "$", "(x)*", "[", "\\", "é", "Ä", "ß", " ", "a.b",
                       "1", "0", "|", "#", "^", "?", "+", "{{", "}}", "İ", "ſ", "k", "s", "0123456789",
                       "true", "null", "\n", "😀", "\t", "k", "K", "s", "S", "ß", "ẞ", "ω", "Ω",
                       "µ", "σ", "ǆ", "\u212a", "ſ", "i", "I", "ı"]
            reppool = ["", "!", "X", "$&", "$$", "$'", "$`", "[$&$&]", "$1", "$0", "$<n>", "-", " ",
                       "ae", "$", "0123456789", "😀", "\\", "$$$"]
            opts = {"pattern": self.pick(patpool) if self.chance(0.9) else self.rstring()[:10] or "a"}
            if self.chance(0.8):
                opts["replacement"] = self.pick(reppool)
            opts["value"] = self.str_or_dir(d, scope, lambda: self.pick([self.rstring(), "a-b-c", "AB ab Ab", "a.b.c", "abc"]))
            if self.chance(0.25):
                opts["pattern2"] = self.pick(patpool)
                if self.chance(0.7):
                    opts["replacement2"] = self.pick(reppool)
            if self.chance(0.4):
                opts["ignorecase"] = self.pick([True, False])
            if self.chance(0.4):
                opts["global"] = self.pick([True, False])
            items = list(opts.items())
            self.r.shuffle(items)
            v = {"@replace": dict(items)}
        elif name == "@json":
            mode = self.pick(["encode"] * 5 + ["decode"] * 5 + ["ENCODE", "Decode"])
            if mode.lower() == "decode" and self.chance(0.5):
                val = self.pick([{"@path": self.rpath(scope)}, self.rstring(), {"@json": {"mode": "encode", "value": self.node(max(d, 0), scope)}}])
            else:
                val = self.node(d, scope)
            v = {"@json": {"mode": mode, "value": val} if self.chance(0.5) else {"value": val, "mode": mode}}
        elif name == "@flatten":
            opts = {"value": self.node(d, scope) if self.chance(0.4) else {"@path": self.rpath(scope)}}
            if self.chance(0.95):
                opts["separator"] = self.pick([".", "_", ".", "::", "", "/", "é"])
            if self.chance(0.3):
                opts["omitArrays"] = self.pick([True, False, "false", 0, 1, None])
            v = {"@flatten": opts}
        elif name == "@merge":
            objs = []
            for _ in range(self.r.randint(0, 3)):
                k = self.r.random()
                if k < 0.4:
                    objs.append(self.raw_object(max(d, 0), scope, 0, 3))
                elif k < 0.8:
                    objs.append({"@path": self.rpath(scope)})
                else:
                    objs.append(self.directive(max(d, 0), scope))
            opts = {"objects": objs}
            if self.chance(0.95):
                opts["direction"] = self.pick(["left", "right", "left", "right", "LEFT", "Right"])
            if self.chance(0.5):
                opts = dict(reversed(list(opts.items())))
            v = {"@merge": opts}
        elif name == "@transform":
            if self.chance(0.8):
                apply = self.raw_object(max(d, 0), scope, 1, 3)
            else:
                apply = self.directive(max(d, 0), scope)
            # the mapping sees apply's output: use its keys as a guide for paths
            apply_scope = {k: 1 for k in apply} if isinstance(apply, dict) and not any(
                k.startswith("@") for k in apply) else None
            mapping = self.raw_object(max(d, 0), apply_scope, 1, 3) if self.chance(0.8) \
                else self.directive(max(d, 0), apply_scope)
            v = {"@transform": {"apply": apply, "mapping": mapping}}
        elif name == "@excludeWhenNull":
            v = {"@excludeWhenNull": self.node(d, scope) if self.chance(0.5) else {"@path": self.rpath(scope)}}
        else:
            v = {"@liquid": self.rliquid(scope)}
        if self.chance(0.03):
            v["_metadata"] = {"label": "x", "type": "variable"}
        if self.chance(self.p_invalid):
            v = self.invalidate(v, depth, scope)
        return v

    def invalidate(self, v, depth, scope):
        """Turn a directive into something invalid (or weird) so validation runs."""
        name = next(k for k in v if k.startswith("@"))
        opts = v[name]
        k = self.r.random()
        wrong = self.pick([5, True, None, "str", [1], {"a": 1}, {"@path": "$.a"}, 1.5, [], {}])
        if k < 0.15:
            return {self.pick(["@foo", "@Path", "@split", "@", "@if2", "@PATH", "@_x"]): opts}
        if k < 0.3:
            other = self.leaf_directive(scope)
            v = dict(v)
            v.update(other)
            return v
        if k < 0.45:
            v = dict(v)
            v[self.pick(["extra", "a", "0"])] = self.rscalar()
            return v
        if isinstance(opts, dict) and opts:
            opts = dict(opts)
            key = self.pick(list(opts.keys()))
            if k < 0.75:
                opts[key] = wrong
            else:
                del opts[key]
            return {name: opts}
        return {name: wrong}

    def mapping(self, inp):
        scope = inp if isinstance(inp, dict) else None
        k = self.r.random()
        if k < 0.02:
            return self.pick(["just a string", [1, {"@path": "$.a"}], 5, None, True, "", []])
        if k < 0.2:
            return self.directive(4, scope)
        if k < 0.23:
            apply = self.raw_object(2, scope, 1, 3)
            m = {"__segment_internal_directive": {"@transform": {"apply": apply}}}
            if self.chance(0.1):
                m["__segment_internal_directive"] = self.pick([{"@path": "$.a"}, {"@transform": 5},
                                                               {"@transform": {}, "@path": "x"}, 5])
            apply_scope = {key: 1 for key in apply}
            m.update(self.raw_object(2, apply_scope, 1, 3))
            return m
        return self.raw_object(3, scope, 1, 4)


BASES = [
    {"@path": "$.a"},
    {"@template": "{{a}}-{{s}}"},
    {"@if": {"exists": {"@path": "$.a"}, "then": {"@path": "$.s"}, "else": "E"}},
    {"@if": {"blank": {"@path": "$.e"}, "then": "T", "else": {"@path": "$.s"}}},
    {"@literal": {"x": {"@path": "$.a"}}},
    {"@arrayPath": ["$.list", {"v": {"@path": "$.id"}}]},
    {"@case": {"operator": "upper", "value": {"@path": "$.s"}}},
    {"@replace": {"pattern": "a", "replacement": "b", "value": {"@path": "$.s"}, "pattern2": "c",
                  "replacement2": "d", "ignorecase": True, "global": False}},
    {"@json": {"mode": "encode", "value": {"@path": "$.o"}}},
    {"@json": {"mode": "decode", "value": {"@path": "$.j"}}},
    {"@flatten": {"separator": ".", "value": {"@path": "$.o"}, "omitArrays": True}},
    {"@merge": {"direction": "left", "objects": [{"@path": "$.o"}, {"z": 1}]}},
    {"@transform": {"apply": {"k": {"@path": "$.a"}}, "mapping": {"v": {"@path": "$.k"}}}},
    {"@excludeWhenNull": {"@path": "$.o"}},
    {"@liquid": "{{ s | upcase }}"},
]
WRONG = [5, 0, True, False, None, "s", "", [], [1], {}, {"a": 1}, {"@path": "$.a"}, {"@path": 5},
         {"@foo": 1}, [{"@foo": 1}], {"a": {"@foo": 1}}, {"@path": "$.a", "x": 1},
         {"@path": "$.a", "@template": "t"}, "01234567890", "UPPER", "left", "decode"]
SYS_INPUT = {"a": "A", "s": "sab c", "e": "", "o": {"b": None, "10": 2, "2": [None, {"q": None}], "z": {"y": None}},
             "list": [{"id": 1}, {"id": None}, 5], "j": "{\"b\":1,\"1\":[2]}", "n": 0}


def systematic_rows():
    """Every base directive with every option replaced by every WRONG value,
    deleted, or joined by an unknown option; at the root, under a field and
    inside an array (arrays are not validated)."""
    import copy
    variants = []
    for base in BASES:
        name = next(iter(base))
        opts = base[name]
        variants.append(base)
        for w in WRONG:
            variants.append({name: w})
        if isinstance(opts, dict):
            for key in opts:
                for w in WRONG:
                    o = copy.deepcopy(opts)
                    o[key] = w
                    variants.append({name: o})
                o = copy.deepcopy(opts)
                del o[key]
                variants.append({name: o})
            o = copy.deepcopy(opts)
            o["bogus"] = {"@foo": 1}
            variants.append({name: o})
        elif isinstance(opts, list):
            for i in range(len(opts) + 1):
                for w in WRONG:
                    o = copy.deepcopy(opts)
                    if i < len(o):
                        o[i] = w
                    else:
                        o.append(w)
                    variants.append({name: o})
            variants.append({name: []})
    rows = []
    for v in variants:
        rows.append({"mapping": v, "input": SYS_INPUT})
        rows.append({"mapping": {"f": v, "g": {"@path": "$.a"}}, "input": SYS_INPUT})
        rows.append({"mapping": {"f": [v]}, "input": SYS_INPUT})
    return rows


def gen_rows(n, seed):
    rng = random.Random(seed)
    g = Gen(rng)
    rows = []
    for _ in range(n):
        inp = g.rinput()
        # a third of the rows is allowed to be invalid; the rest only rarely
        g.p_invalid = 0.08 if rng.random() < 0.35 else 0.005
        rows.append({"mapping": g.mapping(inp), "input": inp})
    return rows


# ---------------------------------------------------------------------------
# Running both sides
# ---------------------------------------------------------------------------

def run_ref(rows, workdir):
    rp = os.path.join(workdir, "_ref_rows.json")
    op = os.path.join(workdir, "_ref_out.json")
    with open(rp, "w") as f:
        json.dump(rows, f)
    subprocess.run([NODE, REF_SCRIPT, rp, op], check=True, timeout=1200)
    with open(op) as f:
        res = json.load(f)
    os.unlink(rp)
    os.unlink(op)
    return res


def run_ours_one(row, tmpdir, idx):
    mp = os.path.join(tmpdir, "m%d.json" % idx)
    ep = os.path.join(tmpdir, "e%d.json" % idx)
    with open(mp, "w") as f:
        json.dump(row["mapping"], f)
    with open(ep, "w") as f:
        json.dump(row["input"], f)
    try:
        p = subprocess.run([AMPSCOPE, "map", "--mapping", mp, ep], capture_output=True, timeout=30)
        res = {"rc": p.returncode, "stdout": p.stdout.decode("utf-8", "replace"),
               "stderr": p.stderr.decode("utf-8", "replace")}
    except subprocess.TimeoutExpired:
        res = {"rc": -999, "stdout": "", "stderr": "TIMEOUT"}
    os.unlink(mp)
    os.unlink(ep)
    return res


def run_ours(rows):
    with tempfile.TemporaryDirectory(prefix="fuzzmap") as td:
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
            return list(ex.map(lambda a: run_ours_one(a[1], td, a[0]), enumerate(rows)))


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

INFO_CATEGORIES = ("message", "number_text", "proto_leak")


class Num:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def value(self):
        return float(self.text)

    def canon(self):
        return json.dumps(self.value())


def parse_ordered(text):
    return json.loads(text, object_pairs_hook=lambda pairs: ("OBJ", pairs),
                      parse_int=Num, parse_float=Num, parse_constant=Num)


def compare_trees(a, b, path="$"):
    """Returns (value_diff or None, list of number-text diffs)."""
    numtext = []

    def rec(x, y, p):
        if isinstance(x, Num) or isinstance(y, Num):
            if not (isinstance(x, Num) and isinstance(y, Num)):
                return "%s: type %s vs %s" % (p, type(x).__name__, type(y).__name__)
            vx, vy = x.value(), y.value()
            if not (vx == vy or (math.isnan(vx) and math.isnan(vy))):
                return "%s: number %s vs %s" % (p, x.text, y.text)
            if x.text != y.text:
                numtext.append("%s: %s vs %s" % (p, x.text, y.text))
            return None
        if isinstance(x, tuple) or isinstance(y, tuple):
            if not (isinstance(x, tuple) and isinstance(y, tuple)):
                return "%s: object vs %s" % (p, "object" if isinstance(y, tuple) else type(y).__name__)
            kx = [k for k, _ in x[1]]
            ky = [k for k, _ in y[1]]
            if kx != ky:
                if sorted(kx) == sorted(ky):
                    return "%s: key order %s vs %s" % (p, kx, ky)
                return "%s: keys %s vs %s" % (p, kx, ky)
            for (k, vx), (_, vy) in zip(x[1], y[1]):
                r = rec(vx, vy, p + "." + k)
                if r:
                    return r
            return None
        if isinstance(x, list) or isinstance(y, list):
            if not (isinstance(x, list) and isinstance(y, list)):
                return "%s: array vs %s" % (p, type(y).__name__)
            if len(x) != len(y):
                return "%s: array length %d vs %d" % (p, len(x), len(y))
            for i, (vx, vy) in enumerate(zip(x, y)):
                r = rec(vx, vy, "%s[%d]" % (p, i))
                if r:
                    return r
            return None
        if type(x) is not type(y) or x != y:
            if isinstance(x, str) and isinstance(y, str) and \
                    re.sub("[\ud800-\udfff]", "\ufffd", x) == y:
                return "LONE_SURROGATE %s: %r vs %r" % (p, x, y)
            return "%s: %r vs %r" % (p, x, y)
        return None

    d = rec(a, b, path)
    return d, numtext


def ref_messages(err):
    msgs = err.get("messages")
    if msgs:
        return [m for m in msgs if m is not None]
    return [err.get("message") or ""]


def classify(ref, ours):
    """Returns (category or None, detail)."""
    cat, detail = classify1(ref, ours)
    if cat and ref.get("proto_leak"):
        # reference read an inherited JS prototype member (spec §1/§3 P22, P25):
        # documented deviation, informational only
        return "proto_leak", cat + ": " + detail
    return cat, detail


def classify1(ref, ours):
    ours_ok = ours["rc"] == 0
    if "error" in ref:
        if ours_ok:
            return "ref_error_only", "reference threw %s: %s" % (ref["error"].get("name"), ref_messages(ref["error"]))
        missing = [m for m in ref_messages(ref["error"]) if m not in ours["stderr"]]
        if missing:
            return "message", "reference messages not in ours: %s" % missing
        return None, ""
    if not ours_ok:
        return "ours_error_only", ours["stderr"].strip()[:500]
    ours_text = ours["stdout"].strip()
    if ref.get("undefined"):
        if ours_text == "":
            return None, ""
        return "value", "reference undefined, ours %s" % ours_text[:200]
    if ours_text == "":
        return "value", "reference %s, ours undefined (empty stdout)" % ref["output_text"][:200]
    try:
        ot = parse_ordered(ours_text)
    except ValueError as e:
        return "ours_unparseable", str(e)
    rt = parse_ordered(ref["output_text"])
    d, numtext = compare_trees(rt, ot)
    if d and d.startswith("LONE_SURROGATE "):
        return "lone_surrogate", d[len("LONE_SURROGATE "):]
    if d:
        return "value", d
    if numtext:
        return "number_text", "; ".join(numtext[:5])
    return None, ""


def evaluate(rows, workdir):
    t0 = time.time()
    ref = run_ref(rows, workdir)
    t1 = time.time()
    ours = run_ours(rows)
    t2 = time.time()
    results = []
    for i, (row, r, o) in enumerate(zip(rows, ref, ours)):
        cat, detail = classify(r, o)
        results.append((cat, detail))
    return ref, ours, results, (t1 - t0, t2 - t1)


def summarise(rows, ref, ours, results, out_dir, times):
    counts = {}
    diffs = []
    for i, (row, r, o, (cat, detail)) in enumerate(zip(rows, ref, ours, results)):
        if cat is None:
            continue
        counts[cat] = counts.get(cat, 0) + 1
        diffs.append({"index": i, "category": cat, "detail": detail, "mapping": row["mapping"],
                      "input": row["input"], "reference": r,
                      "ours": {"rc": o["rc"], "stdout": o["stdout"], "stderr": o["stderr"]}})
    with open(os.path.join(out_dir, "ours.json"), "w") as f:
        json.dump(ours, f)
    with open(os.path.join(out_dir, "diffs.json"), "w") as f:
        json.dump(diffs, f, indent=1)  # ASCII: a lone surrogate cannot be written as UTF-8
    n_err_ref = sum(1 for r in ref if "error" in r)
    n_undef = sum(1 for r in ref if r.get("undefined"))
    print("rows: %d  (reference: %d errors, %d undefined, %d values)" % (
        len(rows), n_err_ref, n_undef, len(rows) - n_err_ref - n_undef))
    print("time: reference %.1fs, ours %.1fs" % times)
    real = sum(v for k, v in counts.items() if k not in INFO_CATEGORIES)
    print("discrepancies: %d  %s" % (real, json.dumps(counts, sort_keys=True)))
    seen = set()
    for d in diffs:
        key = (d["category"], d["detail"][:60])
        if key in seen or d["category"] in INFO_CATEGORIES:
            continue
        seen.add(key)
        print("  #%d %s: %s" % (d["index"], d["category"], d["detail"][:200]))
    print("diffs written to %s" % os.path.join(out_dir, "diffs.json"))
    return real


# ---------------------------------------------------------------------------
# Shrinking
# ---------------------------------------------------------------------------

def subtrees(v):
    """Smaller candidate replacements for value v."""
    out = []
    if isinstance(v, dict):
        keys = list(v.keys())
        for k in keys:                       # drop a key
            out.append({kk: vv for kk, vv in v.items() if kk != k})
        for k in keys:                       # hoist a child
            out.append(v[k])
        if len(keys) > 1:
            out.append({})
    elif isinstance(v, list):
        for i in range(len(v)):
            out.append(v[:i] + v[i + 1:])
        out.extend(v)
    elif isinstance(v, str):
        if len(v) > 1:
            out.append(v[: len(v) // 2])
            out.append(v[len(v) // 2:])
            out.append(v[1:])
            out.append(v[:-1])
    return out


def candidates(v):
    """All values obtained by applying one shrink step somewhere inside v."""
    yield from subtrees(v)
    if isinstance(v, dict):
        for k, child in v.items():
            for c in candidates(child):
                nv = dict(v)
                nv[k] = c
                yield nv
    elif isinstance(v, list):
        for i, child in enumerate(v):
            for c in candidates(child):
                yield v[:i] + [c] + v[i + 1:]


def size(v):
    return len(json.dumps(v))


def shrink(row, category, workdir, max_rounds=200):
    cur = row
    for _ in range(max_rounds):
        cands = []
        for c in candidates(cur["mapping"]):
            cands.append({"mapping": c, "input": cur["input"]})
        for c in candidates(cur["input"]):
            if isinstance(c, dict) or not isinstance(cur["input"], dict):
                cands.append({"mapping": cur["mapping"], "input": c})
        cands = [c for c in cands if size(c) < size(cur)]
        seen = set()
        uniq = []
        for c in cands:
            key = json.dumps(c, sort_keys=False)
            if key not in seen:
                seen.add(key)
                uniq.append(c)
        cands = sorted(uniq, key=size)[:400]
        if not cands:
            break
        ref, ours, results, _ = evaluate(cands, workdir)
        ok = [c for c, (cat, _) in zip(cands, results) if cat == category]
        if not ok:
            break
        cur = ok[0]
    return cur


# ---------------------------------------------------------------------------

def main(argv):
    if len(argv) >= 2 and argv[1] == "--shrink":
        diffs = json.load(open(argv[2]))
        d = diffs[int(argv[3])]
        row = {"mapping": d["mapping"], "input": d["input"]}
        workdir = tempfile.mkdtemp(prefix="fuzzshrink")
        small = shrink(row, d["category"], workdir)
        ref, ours, results, _ = evaluate([small], workdir)
        out = {"mapping": small["mapping"], "input": small["input"], "category": results[0][0],
               "detail": results[0][1], "reference": ref[0], "ours": ours[0]}
        with open(argv[4], "w") as f:
            json.dump(out, f, indent=1)
        print(json.dumps(out, ensure_ascii=False))
        return 0
    if len(argv) >= 2 and argv[1] == "--systematic":
        rows = systematic_rows()
        out_dir = argv[2]
    elif len(argv) >= 2 and argv[1] == "--rows":
        rows = json.load(open(argv[2]))
        if isinstance(rows, dict):
            rows = rows["rows"]
        rows = [{"mapping": r["mapping"], "input": r.get("input", {})} for r in rows]
        out_dir = argv[3]
    else:
        if len(argv) != 4:
            print(__doc__)
            return 64
        n, seed, out_dir = int(argv[1]), int(argv[2]), argv[3]
        rows = gen_rows(n, seed)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "rows.json"), "w") as f:
        json.dump(rows, f)
    # the reference is run on OUT_DIR/rows.json and writes OUT_DIR/ref.json
    t0 = time.time()
    subprocess.run([NODE, REF_SCRIPT, os.path.join(out_dir, "rows.json"), os.path.join(out_dir, "ref.json")],
                   check=True, timeout=3600)
    t1 = time.time()
    ref = json.load(open(os.path.join(out_dir, "ref.json")))
    ours = run_ours(rows)
    t2 = time.time()
    results = [classify(r, o) for r, o in zip(ref, ours)]
    summarise(rows, ref, ours, results, out_dir, (t1 - t0, t2 - t1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
