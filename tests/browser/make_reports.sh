#!/bin/sh
# tests/browser/make_reports.sh — the example reports the browser tests open
# (and scripts/screenshots pictures): one per example scenario and result
# kind, plus comparisons, each made the way a user would (--json then
# `gigawatt report`, or --html on the command).
#
#   sh make_reports.sh GIGAWATT SOURCE_ROOT OUT_DIR
# Writes OUT_DIR/<name>.html for every name in tests/browser/browser.cmake.
set -eu
gw=$1
root=$2
out=$3
s=$root/scenarios
mkdir -p "$out"
cd "$out"
"$gw" rack "$s/frontier-lab-30gw.yaml" --json -o rack.json
"$gw" rack --system gb300-nvl72 --json -o rack-gb300.json
"$gw" report rack.json -o rack.html
"$gw" report rack.json rack-gb300.json -o rack-compare.html
"$gw" plan "$s/frontier-lab-30gw.yaml" --json -o plan.json
"$gw" plan "$s/frontier-lab-30gw.yaml" --grid-power '15 GW' --json -o plan-15gw.json
"$gw" report plan.json -o plan.html
"$gw" report plan.json plan-15gw.json -o plan-compare.html
"$gw" perf "$s/perf-llama70b-h100.yaml" --html perf.html >/dev/null
for a in h100-sxm b200 mi300x; do
    "$gw" perf --model llama-3.3-70b --accelerator $a --count 8 --tp 2 --precision fp8 \
        --input-tokens 1000 --output-tokens 1000 --json -o "perf-$a.json"
done
"$gw" report perf-h100-sxm.json perf-b200.json perf-mi300x.json -o perf-compare.html
"$gw" sim "$s/sim-llama70b-h100.yaml" --quiet --html sim.html >/dev/null
# the Vidur side-by-side reads the Splitwise trace from ../shared/peers
# beside the checkout; a clean clone elsewhere has none, so the test's own
# 200 rows of the same CSV columns stand in for it there
vidur=$s/vidur-codellama34b-a100.yaml
if [ -r "$root/../shared/peers/vidur/splitwise_conv.csv" ]; then
    "$gw" sim "$vidur" --quiet --html sim-vidur.html >/dev/null
else
    "$gw" sim "$vidur" --set "sim.trace=$root/tests/data/sim-200.csv" --quiet \
        --html sim-vidur.html >/dev/null
fi
# a fleet: the test fleet over six hours (the full ai-cloud-scarcity day
# takes minutes; this stays a test)
"$gw" sim "$root/tests/data/fleet-kinds.yaml" --set 'fleet.horizon=6 h' --quiet \
    --html fleet.html >/dev/null
# the build-out risk of a small uncertain timeline (docs/risk.md)
rm -f risk.db
"$gw" risk "$root/tests/data/risk-small.yaml" --quiet --json -o risk.json --db risk.db
"$gw" report risk.json -o risk.html
# the flagship's risk, fewer draws than its 100,000 (--html on the command)
rm -f risk-flagship.db
"$gw" risk "$s/frontier-lab-30gw.yaml" --draws 2000 --quiet --db risk-flagship.db \
    --html risk-flagship.html >/dev/null
