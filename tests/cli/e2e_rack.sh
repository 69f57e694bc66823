#!/bin/sh
# tests/cli/e2e_rack.sh — `gigawatt rack --system gb200-nvl72 --json` and
# `rack SCENARIO --json`: the keys a rack budget must have, and energy
# conservation: heat to liquid + heat to air == IT power; the 800 V DC site.
. "$(dirname "$0")/lib.sh"
need_python

ok_to rack.json rack --system gb200-nvl72 --json
ok_to flagship-rack.json rack --json "$flagship"

for f in rack.json flagship-rack.json; do
    pycheck "$f" <<'EOF'
import json, math, sys
d = json.load(open(sys.argv[1]))
keys = ["it_power_w", "liquid_heat_w", "air_heat_w", "coolant_flow_l_per_min",
        "airflow_m3_per_h", "grid_power_w"]
for k in keys:
    v = d.get(k)
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
        sys.exit("%s: %s is %r; expected a finite number" % (sys.argv[1], k, v))
    if v < 0:
        sys.exit("%s: %s is negative (%r)" % (sys.argv[1], k, v))
if not isinstance(d.get("violations"), list):
    sys.exit("%s: violations is %r; expected an array" % (sys.argv[1], d.get("violations")))
it, liq, air = d["it_power_w"], d["liquid_heat_w"], d["air_heat_w"]
if it <= 0:
    sys.exit("%s: it_power_w is %r" % (sys.argv[1], it))
if abs(liq + air - it) > 1e-9 * it:
    sys.exit("%s: liquid %r + air %r != it_power %r" % (sys.argv[1], liq, air, it))
if d["grid_power_w"] < it:
    sys.exit("%s: grid power %r below IT power %r" % (sys.argv[1], d["grid_power_w"], it))
if d.get("accelerators") != 72:
    sys.exit("%s: a GB200 NVL72 rack has %r accelerators" % (sys.argv[1], d.get("accelerators")))
print("%s: IT %.0f W = liquid %.0f W + air %.0f W, grid %.0f W"
      % (sys.argv[1], it, liq, air, d["grid_power_w"]))
EOF
done
# the scenario's rack is the flagship's system: the same rack
pycheck rack.json flagship-rack.json <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
if a["it_power_w"] != b["it_power_w"]:
    sys.exit("rack --system gb200-nvl72 and the flagship's rack differ in IT power")
EOF
# 800 V DC (docs/model.md §3.1): the site's DC rack stage replaces the
# system's AC power shelf, no UPS or PDU, the busbar carries P_IT / 800 V,
# and the same electronics draw less from the grid than on today's AC chain
ok_to dc-rack.json rack --system gb200-nvl72 --site liquid-cooled-campus-800vdc --json
pycheck dc-rack.json rack.json <<'EOF'
import json, sys
dc, ac = (json.load(open(f)) for f in sys.argv[1:3])
ids = [s["id"] for s in dc["power_chain"]]
if ids != ["sst-800vdc", "dc-dc-800v-rack"]:
    sys.exit("800 V DC chain is %r; expected the SST and the rack DC-DC only" % ids)
if dc.get("busbar_voltage_v") != 800:
    sys.exit("busbar_voltage_v is %r; expected 800" % dc.get("busbar_voltage_v"))
want = dc["it_power_w"] / 800
if abs(dc["busbar_current_a"] - want) > 1e-9 * want:
    sys.exit("busbar_current_a %r != P_IT / 800 V = %r" % (dc["busbar_current_a"], want))
el = lambda d: d["it_power_w"] - d["it_power_breakdown_w"]["rack_power_conversion"]
if abs(el(dc) - el(ac)) > 1e-9 * el(ac):
    sys.exit("the electronics differ between chains: %r vs %r" % (el(dc), el(ac)))
if "busbar_voltage_v" in ac:  # the AC shelf drives its busbar from its output: P_el / V
    want = el(ac) / ac["busbar_voltage_v"]
    if abs(ac["busbar_current_a"] - want) > 1e-9 * want:
        sys.exit("AC busbar_current_a %r != P_el / V = %r" % (ac["busbar_current_a"], want))
if not dc["grid_power_w"] < ac["grid_power_w"]:
    sys.exit("800 V DC grid power %r not below the AC chain's %r"
             % (dc["grid_power_w"], ac["grid_power_w"]))
print("800 V DC: %.0f A on the busbar, grid %.0f W vs %.0f W on AC"
      % (dc["busbar_current_a"], dc["grid_power_w"], ac["grid_power_w"]))
EOF
echo "PASS"
