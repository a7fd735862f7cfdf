#!/usr/bin/env bash
# The README's performance ratio, measured in one go: Ampscope's criterion benchmark over the
# reference cases' events and the reference's own `bench.mjs` over the same events, both
# pinned to one core, in alternating rounds (this machine's speed drifts between sittings, so
# only figures of the same sitting are compared).
#
# usage: scripts/measure-ratio.sh [ROUNDS]
#   ORACLE_DIR  a copy of ../shared/oracle with node_modules installed (default: one is made
#               under target/oracle with `npm ci`, which needs node, npm and the npm registry)
#   CASES_DIR   the reference cases (default: ../shared/conformance/cases)
#   CORE        the core both run on (default: 1)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
core=${CORE:-1}
cases=$(realpath "${CASES_DIR:-../shared/conformance/cases}")
oracle=${ORACLE_DIR:-}
if [ -z "$oracle" ]; then
  oracle=target/oracle
  if [ ! -d "$oracle/node_modules" ]; then
    mkdir -p "$oracle"
    cp ../shared/oracle/package.json ../shared/oracle/package-lock.json ../shared/oracle/bench.mjs "$oracle/"
    (cd "$oracle" && npm ci --silent --no-audit --no-fund)
  fi
fi
oracle=$(realpath "$oracle")

# The benchmark binary, built the way `cargo bench` builds it (the engine needs no GUI), in a
# target folder of its own: building it without the GUI would replace the app's binary.
bench=$(CARGO_TARGET_DIR=target/measure cargo bench --no-default-features --bench amplitude --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "amplitude" and m.get("executable"):
        print(m["executable"])')
[ -x "$bench" ] || { echo "could not build the amplitude benchmark" >&2; exit 1; }

echo "round  ampscope events/s  reference events/s  ratio"
for i in $(seq "$rounds"); do
  # criterion's middle estimate of the throughput, in elements (events) per second.
  ours=$(taskset -c "$core" "$bench" --bench --measurement-time 6 --noplot five_presets_over_reference_events 2>&1 |
    python3 -c 'import re,sys
text = sys.stdin.read()
m = re.search(r"thrpt:\s*\[\S+ \S+ (\S+) (\S+)", text)
if not m: sys.exit("no throughput in the benchmark output:\n" + text)
scale = {"elem/s": 1, "Kelem/s": 1e3, "Melem/s": 1e6}[m.group(2)]
print(round(float(m.group(1)) * scale))')
  ref=$(cd "$oracle" && taskset -c "$core" node bench.mjs "$cases" 3000 --stub-fetch |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["events_per_s"])')
  python3 -c 'import sys; i, a, b = map(int, sys.argv[1:]); print(f"{i:5d}  {a:17,d}  {b:18,d}  {a / b:5.0f}×")' "$i" "$ours" "$ref"
done
