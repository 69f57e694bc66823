#!/bin/sh
# tests/cli/e2e_plan.sh — `gigawatt plan scenarios/frontier-lab-30gw.yaml
# --json`: the keys of a plan, and the flagship inside the issue's acceptance
# range (households 20-30 million, capex 1.0-1.8 trillion USD).
. "$(dirname "$0")/lib.sh"
need_python

ok_to plan.json plan --json "$flagship"
pycheck plan.json <<'EOF'
import json, math, sys
d = json.load(open(sys.argv[1]))
nums = ["accelerators", "racks", "sites", "it_power_w", "grid_power_w", "pue",
        "annual_energy_wh", "capex_usd", "opex_usd_per_year", "usd_per_gpu_hour",
        "households_equivalent"]
for k in nums:
    v = d.get(k)
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
        sys.exit("plan: %s is %r; expected a positive finite number" % (k, v))
cb = d.get("capex_breakdown_usd")
if not isinstance(cb, dict) or not cb:
    sys.exit("plan: capex_breakdown_usd is %r; expected an object" % (cb,))
parts = sum(cb.values())
if abs(parts - d["capex_usd"]) > 1e-9 * d["capex_usd"]:
    sys.exit("plan: capex breakdown sums to %r, capex_usd is %r" % (parts, d["capex_usd"]))
if not 1.0 < d["pue"] < 2.0:
    sys.exit("plan: PUE %r is implausible" % d["pue"])
if abs(d["grid_power_w"] - 30e9) > 0.01 * 30e9:
    sys.exit("plan: grid power %r is not the 30 GW target" % d["grid_power_w"])
if d["accelerators"] != d["racks"] * 72:
    sys.exit("plan: %r accelerators in %r GB200 NVL72 racks" % (d["accelerators"], d["racks"]))
h, c = d["households_equivalent"], d["capex_usd"]
if not 20e6 <= h <= 30e6:
    sys.exit("plan: households_equivalent %.4g outside 20-30 million" % h)
if not 1.0e12 <= c <= 1.8e12:
    sys.exit("plan: capex_usd %.4g outside 1.0e12-1.8e12" % c)
print("flagship: %.2f M households, capex %.3g USD, %.3g accelerators, %.2f USD/GPU-h"
      % (h / 1e6, c, d["accelerators"], d["usd_per_gpu_hour"]))
EOF
echo "PASS"
