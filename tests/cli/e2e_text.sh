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

ok_to catalog.txt catalog
grep -q '{' catalog.txt && fail "catalog text output looks like JSON"
echo "PASS"
