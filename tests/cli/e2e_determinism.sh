#!/bin/sh
# tests/cli/e2e_determinism.sh — the same command twice gives byte-identical
# output (no addresses, clocks or hash order leak into results).
. "$(dirname "$0")/lib.sh"

ok_to plan1.json plan --json "$flagship"
ok_to plan2.json plan --json "$flagship"
cmp plan1.json plan2.json || fail "two runs of plan --json differ"
ok_to plan1.txt plan "$flagship"
ok_to plan2.txt plan "$flagship"
cmp plan1.txt plan2.txt || fail "two runs of plan differ"
ok_to rack1.json rack --json "$flagship"
ok_to rack2.json rack --json "$flagship"
cmp rack1.json rack2.json || fail "two runs of rack --json differ"
ok_to cat1.json catalog --json
ok_to cat2.json catalog --json
cmp cat1.json cat2.json || fail "two runs of catalog --json differ"
# the scenario read through a relative path gives the same numbers
cp "$flagship" local.yaml
ok_to plan3.json plan --json local.yaml
cmp plan1.json plan3.json || fail "plan --json depends on the scenario's path"
echo "PASS"
