#!/bin/sh
# tests/cli/e2e_text.sh — the text output (no --json) speaks in SI prefixes
# and readable money: "GW", "TWh", "B USD" / "T USD", "kW" for a rack.
. "$(dirname "$0")/lib.sh"

ok_to plan.txt plan "$flagship"
contains "GW" plan.txt
contains "TWh" plan.txt
grep -E -q '[0-9] (T|B) USD' plan.txt || fail "plan text has no 'T USD' or 'B USD' amount"
contains "households" plan.txt
# the flagship's totals, as text
grep -E -q '30(\.[0-9]+)? GW' plan.txt || fail "plan text does not show the 30 GW grid power"
grep -q '{' plan.txt && fail "plan text output looks like JSON"

ok_to rack.txt rack --system gb200-nvl72
contains "kW" rack.txt
grep -E -q 'L/min' rack.txt || fail "rack text does not show the coolant flow in L/min"

# issue 14 item 10: no exponent reaches a person, counts are grouped
# integers, water and FLOPs carry SI prefixes, and the CSVs hold integers as
# integers and reals in their shortest round-trip digits
contains "M m3/yr" plan.txt
ok_to fleet.txt sim "$root/tests/data/fleet-kinds.yaml" --requests-csv hourly.csv
grep -E -q 'requests +[0-9]{1,3}(,[0-9]{3})+ offered' fleet.txt ||
    fail "fleet text does not give the requests offered as a grouped integer"
ok_to cheapest.txt sim --model llama-3.3-70b --accelerator h100-sxm --requests 400 --rate 5 \
    --cheapest --target-rate 50 --ttft-target 2 --set sim.prompt=1000 --set sim.output=200 \
    --candidates h100-sxm --tps 2
grep -q 'TBT any' cheapest.txt || fail "cheapest text invents a TBT target"
ok_to train.txt perf --train --model llama-3.1-405b --accelerator h100-sxm --count 16384 \
    --tp 8 --pp 16 --tokens 15.6e12
contains "15.6 T tokens" train.txt
# item 8's text side: the capacity search says which targets it met
ok_to capacity.txt sim --model llama-3.3-70b --accelerator h100-sxm --tp 2 --requests 400 \
    --rate 5 --set sim.prompt=1000 --set sim.output=200 --capacity --ttft-target 2
grep -E -q 'capacity targets +p90 TTFT <= 2 s, TBT any' capacity.txt ||
    fail "sim --capacity text does not say its targets"
contains "16,384 x h100-sxm" train.txt
for f in plan.txt fleet.txt cheapest.txt train.txt capacity.txt; do
    if grep -E -n '[0-9]e[-+]?[0-9]' "$f" >&2; then fail "$f prints a number with an exponent (above)"; fi
done
# CSV: no cell with 17 significant digits where fewer read back the same
sed 1d hourly.csv | tr ',' '\n' | grep -E -q '(\.0*$|^-?[0-9]+[eE])' &&
    fail "hourly.csv writes an integer as a real"
# a real whose digits, one fewer, still read back to the same double
longer=$(sed 1d hourly.csv | tr ',' '\n' | awk '/\./ {
    m = $0; sub(/[eE].*/, "", m); gsub(/[-.]/, "", m); sub(/^0+/, "", m)
    d = length(m); x = $0 + 0
    if (d > 1 && sprintf("%." (d - 1) "g", x) + 0 == x) print }' | head -3)
[ -z "$longer" ] || fail "hourly.csv carries digits past the shortest round trip: $longer"

ok_to catalog.txt catalog
grep -q '{' catalog.txt && fail "catalog text output looks like JSON"
echo "PASS"
