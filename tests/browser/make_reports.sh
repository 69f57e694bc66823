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
"$gw" rack --system gb300-nvl72 --html rack-flags.html >/dev/null
"$gw" plan "$s/frontier-lab-30gw.yaml" --json -o plan.json
"$gw" plan "$s/frontier-lab-30gw.yaml" --grid-power '15 GW' --json -o plan-15gw.json
"$gw" report plan.json -o plan.html
"$gw" report plan.json plan-15gw.json -o plan-compare.html
"$gw" plan "$s/frontier-lab-30gw.yaml" --grid-power '15 GW' --html plan-15gw.html >/dev/null
"$gw" perf "$s/perf-llama70b-h100.yaml" --html perf.html >/dev/null
for a in h100-sxm b200 mi300x; do
    "$gw" perf --model llama-3.3-70b --accelerator $a --count 8 --tp 2 --precision fp8 \
        --input-tokens 1000 --output-tokens 1000 --json -o "perf-$a.json"
done
"$gw" report perf-h100-sxm.json perf-b200.json perf-mi300x.json -o perf-compare.html
"$gw" sim "$s/sim-llama70b-h100.yaml" --quiet --html sim.html >/dev/null
# a capacity search, and the cheapest configuration without a TBT target
"$gw" sim --model llama-3.3-70b --accelerator h100-sxm --tp 2 --requests 600 --rate 5 \
    --set sim.prompt=1000 --set sim.output=200 --capacity --ttft-target 2 --tbt-target 0.1 \
    --quiet --json -o sim-capacity.json
"$gw" report sim-capacity.json -o sim-capacity.html
"$gw" sim --model llama-3.3-70b --accelerator h100-sxm --requests 400 --rate 5 --cheapest \
    --target-rate 50 --ttft-target 2 --set sim.prompt=1000 --set sim.output=200 \
    --candidates h100-sxm,a100-sxm --tps 2,4 --quiet --html cheapest.html >/dev/null
# a training run
"$gw" perf --train --model llama-3.1-405b --accelerator h100-sxm --count 16384 --tp 8 \
    --pp 16 --tokens 15.6e12 --html train.html >/dev/null
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
# and a run of one hour: whole-hour ticks (issue 14 item 9)
"$gw" sim "$root/tests/data/fleet-kinds.yaml" --quiet --html fleet-short.html >/dev/null
# the build-out risk of a small uncertain timeline (docs/risk.md)
rm -f risk.db
"$gw" risk "$root/tests/data/risk-small.yaml" --quiet --json -o risk.json --db risk.db
"$gw" report risk.json -o risk.html
# the flagship's risk, fewer draws than its 100,000 (--html on the command)
rm -f risk-flagship.db
"$gw" risk "$s/frontier-lab-30gw.yaml" --draws 2000 --quiet --db risk-flagship.db \
    --html risk-flagship.html >/dev/null
# the component supply chain (docs/supply.md): an industry's chain alone, and
# the flagship with its accelerators from the chain against a what-if
"$gw" plan "$s/industry-2026.yaml" --html supply.html >/dev/null
"$gw" plan "$s/frontier-lab-30gw.yaml" --json -o supply-base.json
"$gw" plan "$s/frontier-lab-30gw.yaml" --set 'supply_chain.components.hbm.slip=3 months' \
    --json -o supply-hbm-slip.json
"$gw" report supply-base.json supply-hbm-slip.json -o supply-compare.html
# a design-space exploration (docs/explore.md): the example grid with racks
# above 50 kW infeasible (greyed, why on hover), and a Latin hypercube whose
# range field is binned
"$gw" explore "$s/explore-example.yaml" --set explore.constraints.rack_power='50 kW' --quiet \
    --json -o explore.json
"$gw" report explore.json -o explore.html
"$gw" explore "$s/explore-example.yaml" --design lhs --points 400 \
    --vary operation.average_load=0.3:0.9 --quiet --html explore-lhs.html >/dev/null
# site power (docs/power.md): ten minutes of the 1 GW campus, with its sizing
"$gw" power "$s/training-campus-1gw.yaml" --window 10min --quiet --html power.html >/dev/null
