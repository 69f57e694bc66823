#!/bin/sh
# tests/cli/e2e_overrides.sh — the ways to change a scenario agree with each
# other and move results the right way:
#   --system ID  ==  --set system.ref=ID
#   an including file that overrides the target  ==  --grid-power
#   --set households.consumption (doubled)  halves the households
#   --set accelerator.tdp (higher)  fewer racks in the same 30 GW
#   --set finance.cost_of_capital (higher, no ref: overrides the only
#     finance entry)  same capex, dearer GPU-hours
#   rack --load 0.5  less IT power than at full load
. "$(dirname "$0")/lib.sh"
need_python

ok_to base.json plan --json "$flagship"

ok_to flag.json plan --json --system gb300-nvl72 "$flagship"
ok_to set.json plan --json --set system.ref=gb300-nvl72 "$flagship"
cmp flag.json set.json || fail "--system gb300-nvl72 and --set system.ref=gb300-nvl72 differ"

printf 'include: %s\ntarget:\n  grid_power: 15 GW\n' "$flagship" >half.yaml
ok_to include.json plan --json half.yaml
ok_to half.json plan --json --grid-power '15 GW' "$flagship"
cmp include.json half.json || fail "an include with target 15 GW differs from --grid-power '15 GW'"

ok_to us-2020.json catalog --json us-2020
w=$("$py" -c 'import json, sys; print(repr(2 * json.load(open(sys.argv[1]))["fields"]["consumption"]["si"]))' us-2020.json) ||
    fail "no consumption in catalog --json us-2020"
ok_to hh.json plan --json --set "households.consumption=$w W" "$flagship"

ok_to tdp.json plan --json --set 'accelerator.tdp=1400 W' "$flagship"

ok_to rack1.json rack --json --system gb200-nvl72
ok_to rack05.json rack --json --system gb200-nvl72 --load 0.5

pycheck base.json hh.json tdp.json rack1.json rack05.json <<'EOF'
import json, sys
base, hh, tdp, r1, r05 = (json.load(open(f)) for f in sys.argv[1:6])
want = base["households_equivalent"] / 2
if abs(hh["households_equivalent"] - want) > 1e-9 * want:
    sys.exit("doubled household consumption: %r households; expected %r"
             % (hh["households_equivalent"], want))
if hh["capex_usd"] != base["capex_usd"]:
    sys.exit("household consumption changed the capex")
if not tdp["racks"] < base["racks"]:
    sys.exit("1400 W accelerators: %r racks; expected fewer than %r" % (tdp["racks"], base["racks"]))
if not r05["it_power_w"] < r1["it_power_w"]:
    sys.exit("rack at load 0.5: %r W; expected less than %r W at full load"
             % (r05["it_power_w"], r1["it_power_w"]))
if abs(r05["liquid_heat_w"] + r05["air_heat_w"] - r05["it_power_w"]) > 1e-9 * r05["it_power_w"]:
    sys.exit("rack at load 0.5: liquid + air != IT power")
EOF

ok_to coc.json plan --json --set finance.cost_of_capital=0.2 "$flagship"
pycheck base.json coc.json <<'EOF'
import json, sys
base, coc = (json.load(open(f)) for f in sys.argv[1:3])
if coc["capex_usd"] != base["capex_usd"]:
    sys.exit("cost of capital changed the capex")
if not coc["usd_per_gpu_hour"] > base["usd_per_gpu_hour"]:
    sys.exit("cost of capital 20 %%: %r USD/GPU-h; expected more than %r"
             % (coc["usd_per_gpu_hour"], base["usd_per_gpu_hour"]))
EOF
echo "PASS"
