#!/usr/bin/env python3
"""Differential fuzzer for `@liquid`: random templates (outputs with filter chains, tags,
conditions, assigns, captures, white-space control, literals of every kind) on one rich event,
run through @segment/actions-core's transform() and through `ampscope map`, compared as
fuzz_mapping.py compares. Ampscope may refuse a template with "unsupported in Ampscope"
(counted apart, informational); any other difference is a discrepancy.

Usage (from the repository's root):
    python3 tests/mapping/fuzz_liquid.py N SEED OUT_DIR
Environment: as fuzz_mapping.py (AMPSCOPE, ORACLE_DIR, NODE, JOBS).
"""
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz_mapping as fm  # noqa: E402

EVENT = {
    "s": "Hello, World", "e": "", "n": 42, "f": 2.5, "neg": -3.7, "z": 0, "t": True, "no": False,
    "nil_v": None, "num_s": "12.50", "int_s": "7", "date_s": "2024-03-15T14:22:33.456Z",
    "ts": 1710512553, "uni": "Ärger straße 😀 é", "html": "<b>\"x\" & 'y'</b>\n<i>z</i>",
    "spaced": "  pad me  ", "multi": "a\nb\r\nc", "words": ["b", "a", "C", "a"],
    "nums": [3, 1.5, -2, 10], "mixed": [1, "a", None, True, [2], {"k": 1}],
    "objs": [{"k": 2, "name": "x", "on": True}, {"k": 1, "name": "y", "on": False}, {"name": "z"}],
    "o": {"k": 1, "size": 9, "first": "F", "nested": {"deep": "d"}}, "url": "a b&c=d/é?",
    "b64": "aGVsbG8=", "zone": "America/New_York", "tpl": "{{ s }}",
}

VARS = ["s", "e", "n", "f", "neg", "z", "t", "no", "nil_v", "num_s", "int_s", "date_s", "ts",
        "uni", "html", "spaced", "multi", "words", "nums", "mixed", "objs", "o", "o.k", "o.size",
        "o.first", "o.nested.deep", "words.first", "words.last", "words.size", "words[0]",
        "words[-1]", "objs[0].name", "objs.size", "s.size", "missing", "missing.x", "url", "b64",
        "zone", "tpl", "o['k']", "nums[1]"]
LITERALS = ["1", "-2", "1.5", "0", "3.0", "'abc'", "\"x y\"", "''", "'2024-03-15T14:22:33Z'",
            "nil", "true", "false", "empty", "blank", "'a,b'", "' '", "'%Y-%m-%d'", "100", "-1",
            "'😀é'", "'k'", "'name'", "'UTC'", "'Asia/Tokyo'", "'Foo/Bar'", "2", "'1'", "'on'",
            "'%a %b %e %H:%M:%S %Y %z'", "'%s %L %j %U %W %C'", "'%-d/%-m/%y %I%p %Z'", "-480",
            "'america/los_angeles'", "'latin'", "'pretty'", "'ascii'", "'raw'", "'x'", "'.'"]
FILTERS = {
    # name: (min args, max args)
    "abs": (0, 0), "append": (1, 1), "at_least": (1, 1), "at_most": (1, 1), "capitalize": (0, 0),
    "ceil": (0, 0), "compact": (0, 0), "concat": (1, 1), "date": (0, 2), "default": (1, 1),
    "divided_by": (1, 1), "downcase": (0, 0), "escape": (0, 0), "escape_once": (0, 0),
    "first": (0, 0), "floor": (0, 0), "join": (0, 1), "json": (0, 1), "last": (0, 0),
    "lstrip": (0, 0), "map": (1, 1), "minus": (1, 1), "modulo": (1, 1), "newline_to_br": (0, 0),
    "plus": (1, 1), "prepend": (1, 1), "remove": (1, 1), "remove_first": (1, 1),
    "remove_last": (1, 1), "replace": (2, 2), "replace_first": (2, 2), "replace_last": (2, 2),
    "reverse": (0, 0), "round": (0, 1), "rstrip": (0, 0), "size": (0, 0), "slice": (1, 2),
    "sort": (0, 1), "sort_natural": (0, 1), "split": (1, 1), "strip": (0, 0),
    "strip_html": (0, 0), "strip_newlines": (0, 0), "times": (1, 1), "truncate": (0, 2),
    "truncatewords": (0, 2), "uniq": (0, 0), "upcase": (0, 0), "url_decode": (0, 0),
    "url_encode": (0, 0), "where": (1, 2), "sum": (0, 1), "push": (1, 1), "pop": (0, 0),
    "shift": (0, 0), "unshift": (1, 1), "array_to_sentence_string": (0, 1),
    "number_of_words": (0, 1), "xml_escape": (0, 0), "cgi_escape": (0, 0), "uri_escape": (0, 0),
    "slugify": (0, 1), "base64_encode": (0, 0), "base64_decode": (0, 0), "inspect": (0, 0),
    "to_integer": (0, 0), "raw": (0, 0), "jsonify": (0, 0), "date_to_xmlschema": (0, 0),
    "date_to_rfc822": (0, 0), "date_to_string": (0, 2), "date_to_long_string": (0, 2),
    "sha256": (0, 0), "hmac_sha256": (1, 1), "reject": (1, 2), "find": (2, 2),
    "find_index": (2, 2), "has": (1, 2), "group_by": (1, 1), "normalize_whitespace": (0, 0),
    "nosuch": (0, 1),
}
OPS = ["==", "!=", "<", ">", "<=", ">=", "contains"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, xs):
        return self.r.choice(xs)

    def operand(self):
        return self.pick(VARS) if self.r.random() < 0.65 else self.pick(LITERALS)

    def arg(self):
        return self.operand()

    def chain(self):
        parts = [self.operand()]
        for _ in range(self.r.choice([0, 1, 1, 1, 2, 2, 3])):
            name = self.pick(list(FILTERS))
            lo, hi = FILTERS[name]
            n = self.r.randint(lo, hi)
            args = ", ".join(self.arg() for _ in range(n))
            parts.append(name + (": " + args if args else ""))
        return " | ".join(parts)

    def cond(self):
        c = "%s %s %s" % (self.operand(), self.pick(OPS), self.operand()) \
            if self.r.random() < 0.7 else self.operand()
        if self.r.random() < 0.25:
            c += " %s %s" % (self.pick(["and", "or"]), self.cond())
        return c

    def output(self):
        left = self.pick(["{{ ", "{{- ", "{{"])
        right = self.pick([" }}", " -}}", "}}"])
        return left + self.chain() + right

    def block(self, depth):
        k = self.r.random()
        if depth <= 0 or k < 0.45:
            return self.output()
        if k < 0.55:
            return self.pick(["text ", " ", "\n", "é😀", "a-b", "{", "}"])
        if k < 0.68:
            out = "{%% if %s %%}%s" % (self.cond(), self.body(depth - 1))
            if self.r.random() < 0.3:
                out += "{%% elsif %s %%}%s" % (self.cond(), self.body(depth - 1))
            if self.r.random() < 0.5:
                out += "{%% else %%}%s" % self.body(depth - 1)
            return out + "{% endif %}"
        if k < 0.72:
            return "{%% unless %s %%}%s{%% endunless %%}" % (self.cond(), self.body(depth - 1))
        if k < 0.78:
            whens = "".join("{%% when %s %%}%s" % (self.operand(), self.body(depth - 1))
                            for _ in range(self.r.randint(1, 2)))
            return "{%% case %s %%}%s{%% endcase %%}" % (self.operand(), whens)
        if k < 0.86:
            name = self.pick(["v", "s", "x"])
            return "{%% assign %s = %s %%}{{ %s }}" % (name, self.chain(), name)
        if k < 0.9:
            return "{%% capture c %%}%s{%% endcapture %%}{{ c | size }}:{{ c }}" % self.body(depth - 1)
        if k < 0.93:
            return "{% raw %}{{ s }}{% endraw %}"
        if k < 0.96:
            return "{%% echo %s %%}" % self.chain()
        return "{%% comment %%}%s{%% endcomment %%}" % self.output()

    def body(self, depth):
        return "".join(self.block(depth) for _ in range(self.r.randint(1, 2)))

    def template(self):
        return "".join(self.block(2) for _ in range(self.r.randint(1, 3)))


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 64
    n, seed, out_dir = int(argv[1]), int(argv[2]), argv[3]
    g = Gen(seed)
    rows = [{"mapping": {"x": {"@liquid": g.template()}}, "input": EVENT} for _ in range(n)]
    os.makedirs(out_dir, exist_ok=True)
    rows_file = os.path.join(out_dir, "rows.json")
    with open(rows_file, "w") as f:
        json.dump(rows, f)
    t0 = time.time()
    subprocess.run([fm.NODE, fm.REF_SCRIPT, rows_file, os.path.join(out_dir, "ref.json")],
                   check=True, timeout=3600)
    t1 = time.time()
    ref = json.load(open(os.path.join(out_dir, "ref.json")))
    ours = fm.run_ours(rows)
    t2 = time.time()
    results = []
    for r, o in zip(ref, ours):
        cat, detail = fm.classify(r, o)
        if cat and o["rc"] != 0 and "unsupported in Ampscope" in o["stderr"]:
            cat = "unsupported"
        results.append((cat, detail))
    fm.INFO_CATEGORIES = fm.INFO_CATEGORIES + ("unsupported",)
    return 1 if fm.summarise(rows, ref, ours, results, out_dir, (t1 - t0, t2 - t1)) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
