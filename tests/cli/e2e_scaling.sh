#!/bin/sh
# tests/cli/e2e_scaling.sh — plans respond to their inputs as they must:
#   --grid-power '15 GW'   half the racks (within one), half the capex (0.1 %),
#                          the same cost per GPU-hour (0.1 %);
#   --system gb300-nvl72   other accelerators, other capex;
#   --set site.electricity=iowa-industrial-2025
#                          cheaper energy: lower energy opex, capex unchanged.
. "$(dirname "$0")/lib.sh"
need_python

ok_to base.json plan --json "$flagship"
ok_to half.json plan --json --grid-power '15 GW' "$flagship"
ok_to gb300.json plan --json --system gb300-nvl72 "$flagship"
ok_to iowa.json plan --json --set site.electricity=iowa-industrial-2025 "$flagship"

pycheck base.json half.json gb300.json iowa.json <<'EOF'
import json, sys
base, half, gb300, iowa = (json.load(open(f)) for f in sys.argv[1:5])

def rel(a, b):
    return abs(a - b) / abs(b)

# half the grid power
if abs(half["racks"] - base["racks"] / 2) > 1:
    sys.exit("15 GW: %r racks; expected half of %r within one rack" % (half["racks"], base["racks"]))
if rel(half["capex_usd"], base["capex_usd"] / 2) > 1e-3:
    sys.exit("15 GW: capex %r; expected half of %r within 0.1 %%" % (half["capex_usd"], base["capex_usd"]))
if rel(half["usd_per_gpu_hour"], base["usd_per_gpu_hour"]) > 1e-3:
    sys.exit("15 GW: %r USD/GPU-h; expected %r within 0.1 %%"
             % (half["usd_per_gpu_hour"], base["usd_per_gpu_hour"]))
if abs(half["grid_power_w"] - 15e9) > 0.01 * 15e9:
    sys.exit("15 GW: grid power is %r" % half["grid_power_w"])

# another system
if gb300["inputs"]["system"] != "gb300-nvl72":
    sys.exit("--system gb300-nvl72: the plan used %r" % gb300["inputs"]["system"])
if gb300["accelerators"] == base["accelerators"]:
    sys.exit("--system gb300-nvl72: accelerators unchanged (%r)" % base["accelerators"])
if gb300["capex_usd"] == base["capex_usd"]:
    sys.exit("--system gb300-nvl72: capex unchanged (%r)" % base["capex_usd"])

# cheaper electricity
eb = base["opex_breakdown_usd_per_year"]["energy"]
ei = iowa["opex_breakdown_usd_per_year"]["energy"]
if not ei < eb:
    sys.exit("iowa electricity: energy opex %r; expected below %r" % (ei, eb))
if iowa["opex_usd_per_year"] >= base["opex_usd_per_year"]:
    sys.exit("iowa electricity: total opex did not go down")
if iowa["capex_usd"] != base["capex_usd"] or iowa["capex_breakdown_usd"] != base["capex_breakdown_usd"]:
    sys.exit("iowa electricity: capex changed: %r vs %r"
             % (iowa["capex_breakdown_usd"], base["capex_breakdown_usd"]))
for k in ("accelerators", "racks", "it_power_w", "grid_power_w", "annual_energy_wh"):
    if iowa[k] != base[k]:
        sys.exit("iowa electricity: %s changed (%r -> %r)" % (k, base[k], iowa[k]))
print("racks %d -> %d at 15 GW; gb300: %d accelerators, capex %.3g; iowa energy %.3g -> %.3g USD/yr"
      % (base["racks"], half["racks"], gb300["accelerators"], gb300["capex_usd"], eb, ei))
EOF
echo "PASS"
