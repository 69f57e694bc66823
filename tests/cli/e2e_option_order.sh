#!/bin/sh
# tests/cli/e2e_option_order.sh — options may follow the positional argument,
# as the usage lines and the flagship's comments show
# (`gigawatt plan scenarios/frontier-lab-30gw.yaml --grid-power '15 GW'`),
# and give the same output as when they come first.
. "$(dirname "$0")/lib.sh"

ok_to a.json catalog --json gb200-nvl72
ok_to b.json catalog gb200-nvl72 --json
cmp a.json b.json || fail "catalog ID --json differs from catalog --json ID"

ok_to a.json rack --json "$flagship"
ok_to b.json rack "$flagship" --json
cmp a.json b.json || fail "rack SCENARIO --json differs from rack --json SCENARIO"

ok_to a.json plan --json --grid-power '15 GW' "$flagship"
ok_to b.json plan "$flagship" --json --grid-power '15 GW'
cmp a.json b.json || fail "plan SCENARIO --json --grid-power differs"

ok_to a.txt plan --system gb300-nvl72 "$flagship"
ok_to b.txt plan "$flagship" --system gb300-nvl72
cmp a.txt b.txt || fail "plan SCENARIO --system differs"
echo "PASS"
