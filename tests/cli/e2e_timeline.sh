#!/bin/sh
# tests/cli/e2e_timeline.sh — `gigawatt plan` on the flagship's timeline:
# section (docs/timeline.md): the JSON's keys and per-quarter series, the
# accounting identities (cash, totals, supply limits), the build level and
# an input moved with --set, the text table, and byte-identical reruns.
. "$(dirname "$0")/lib.sh"
need_python

ok_to plan.json plan --json "$flagship"
ok_to plan-again.json plan --json "$flagship"
cmp -s plan.json plan-again.json || fail "two runs of the same scenario differ"
ok_to half.json plan --json "$flagship" --set timeline.build_level=0.5
ok_to slow.json plan --json "$flagship" --set timeline.demand.efficiency_gain_per_year=1
ok_to plain.json plan --json --system gb200-nvl72 --grid-power '1 GW'

pycheck plan.json half.json slow.json plain.json <<'EOF'
import json, math, sys
d, half, slow, plain = (json.load(open(f)) for f in sys.argv[1:5])
if d.get("kind") != "plan" or "gigawatt_version" not in d:
    sys.exit("kind/version: %r %r" % (d.get("kind"), d.get("gigawatt_version")))
if "timeline" in plain:
    sys.exit("a plan without a timeline: section has a timeline member")
t = d["timeline"]
n = t["quarters"]
if n != 32 or t["start"] != "2026-Q1" or len(t["quarter_labels"]) != n \
        or t["quarter_labels"][-1] != "2033-Q4":
    sys.exit("horizon: %r quarters from %r" % (n, t.get("start")))
want = ["ordered_w", "pipeline_w", "online_w", "slots_accelerators", "allocation_accelerators",
        "installed_accelerators", "retired_accelerators", "capacity_accelerators",
        "demand_accelerators", "demand_inference_accelerators", "demand_training_accelerators",
        "tokens_demand", "tokens_served", "shortfall_accelerators", "rented_accelerators",
        "throttled_accelerators", "idle_accelerators", "power_w", "households",
        "capex_facility_usd", "capex_accelerators_usd", "capex_usd", "opex_usd", "energy_usd",
        "revenue_usd", "lost_revenue_usd", "rental_usd", "depreciation_usd", "cash_usd"]
s = t["series"]
for k in want:
    v = s.get(k)
    if not isinstance(v, list) or len(v) != n or not all(
            isinstance(x, (int, float)) and math.isfinite(x) for x in v):
        sys.exit("series %s: %r" % (k, v if not isinstance(v, list) else len(v)))
def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1.0)
cash = 0.0
for q in range(n):
    cash += s["revenue_usd"][q] - s["capex_usd"][q] - s["opex_usd"][q] - s["rental_usd"][q]
    if not close(cash, s["cash_usd"][q]):
        sys.exit("cash at %s: %r, the flows give %r" % (t["quarter_labels"][q], s["cash_usd"][q], cash))
    if s["capacity_accelerators"][q] > s["slots_accelerators"][q] * (1 + 1e-12):
        sys.exit("more accelerators than powered slots at %s" % t["quarter_labels"][q])
    if s["installed_accelerators"][q] > s["allocation_accelerators"][q] * (1 + 1e-12):
        sys.exit("more installed than allocated at %s" % t["quarter_labels"][q])
    if q and s["online_w"][q] < s["online_w"][q - 1]:
        sys.exit("online power falls at %s" % t["quarter_labels"][q])
    gap = s["demand_accelerators"][q] - s["capacity_accelerators"][q]
    if not close(s["shortfall_accelerators"][q] - s["idle_accelerators"][q], gap, 1e-9):
        sys.exit("shortfall - idle != demand - capacity at %s" % t["quarter_labels"][q])
    if not close(s["rented_accelerators"][q] + s["throttled_accelerators"][q],
                 s["shortfall_accelerators"][q]):
        sys.exit("rented + throttled != shortfall at %s" % t["quarter_labels"][q])
    if s["rented_accelerators"][q] > t["inputs"]["timeline.money.rental_max"] * (1 + 1e-12):
        sys.exit("rented beyond rental_max at %s" % t["quarter_labels"][q])
tot = t["totals"]
for key, series in [("capex_usd", "capex_usd"), ("opex_usd", "opex_usd"),
                    ("revenue_usd", "revenue_usd"), ("rental_usd", "rental_usd"),
                    ("lost_revenue_usd", "lost_revenue_usd")]:
    if not close(tot[key], sum(s[series]), 1e-9):
        sys.exit("total %s %r != sum of the series %r" % (key, tot[key], sum(s[series])))
if not close(tot["cost_too_little_usd"], tot["lost_revenue_usd"] + tot["rental_premium_usd"]
             + tot["throttle_penalty_usd"]):
    sys.exit("cost of too little is not its parts")
if not close(tot["total_cost_usd"], tot["cost_too_little_usd"] + tot["cost_too_much_usd"]):
    sys.exit("total cost is not too little + too much")
if not close(tot["final_cash_usd"], s["cash_usd"][-1]) or tot["min_cash_usd"] > min(s["cash_usd"]) + 1:
    sys.exit("final/min cash do not match the series")
# the plan is built by the end of the horizon: 30 GW online
if abs(tot["end_online_w"] - d["grid_power_w"]) > 0.01 * d["grid_power_w"]:
    sys.exit("online at the end %.4g W, the plan is %.4g W" % (tot["end_online_w"], d["grid_power_w"]))
# every input the model used is listed by its risk name
for k in ["timeline.build_level", "timeline.demand.products.chat.growth_per_year",
          "timeline.supply.stages.transformer.duration", "timeline.derived.capex_per_accelerator"]:
    if k not in t["inputs"]:
        sys.exit("inputs lack %s" % k)
# half the build: half the new orders, less idle capital
th = half["timeline"]
if th["build_level"] != 0.5 or not th["totals"]["end_online_w"] < 0.75 * tot["end_online_w"]:
    sys.exit("build level 0.5 ends with %.4g W online" % th["totals"]["end_online_w"])
if not th["totals"]["cost_too_much_usd"] < tot["cost_too_much_usd"]:
    sys.exit("building less does not cut idle capital")
# no efficiency gain: more accelerators needed in the last year
ts = slow["timeline"]["series"]
if not ts["demand_accelerators"][-1] > s["demand_accelerators"][-1]:
    sys.exit("no efficiency gain does not raise demand")
print("timeline: online %.1f GW at the end, min cash %.3g USD (%s), too little %.3g, "
      "too much %.3g USD" % (tot["end_online_w"] / 1e9, tot["min_cash_usd"],
                             tot["min_cash_quarter"], tot["cost_too_little_usd"],
                             tot["cost_too_much_usd"]))
EOF

# ---- demand from a fleet run (docs/timeline.md §1.3) ---------------------------------------
ok sim "$root/tests/data/fleet-day-h100.yaml" --quiet --json -o fleet-day.json
ok_to fromfleet.json plan "$root/tests/data/timeline-fleet.yaml" --json \
    --set "timeline.demand.fleet_result=$scratch/fleet-day.json"
ok_to given.json plan "$root/tests/data/timeline-fleet.yaml" --json \
    --set "timeline.demand.fleet_result=$scratch/fleet-day.json" \
    --set timeline.demand.tokens_per_s_per_accelerator=3000 \
    --set timeline.demand.peak_to_average=2
pycheck fleet-day.json fromfleet.json given.json <<'EOF'
import json, sys
f, d, g = (json.load(open(x)) for x in sys.argv[1:4])
h = f["hourly"]
hours = int(f["inputs"]["horizon_s"] // 3600)
off, srv = h["offered"][:hours], h["served"][:hours]
peak = max(range(hours), key=lambda i: srv[i])
dep = f["inputs"]["deployments"][0]
own = dep["replicas"] * dep["gpus_per_replica"]
gpus = own - h["down_gpus"][peak] + h["rented_gpus"][peak]
k = sum(t["tokens_served"] for t in f["tenants"]) / sum(t["served"] for t in f["tenants"])
tau = srv[peak] * k / 3600 / gpus
pi = max(off) / (sum(off) / hours)
inp = d["timeline"]["inputs"]
got_tau = inp["timeline.demand.tokens_per_s_per_accelerator"]
got_pi = inp["timeline.demand.peak_to_average"]
if abs(got_tau - tau) > 1e-9 * tau or abs(got_pi - pi) > 1e-12 * pi:
    sys.exit("from the fleet: tokens/s %r (want %r), peak/mean %r (want %r)" % (got_tau, tau, got_pi, pi))
# the busy hour is beyond the deployment: the fleet served at its capacity.
# A tick's budget is target utilisation x replicas x tick replica-seconds,
# spent in whole requests (src/sim/fleet.c), so the fleet serves
# floor(budget / one request's replica-seconds) requests a tick: up to one
# request short of the perf model's rate (1.3% here), never above it
tick = f["inputs"]["tick_s"]
cost = 512 * dep["replica_s_per_prompt_token"] + 128 * dep["replica_s_per_output_token"]
per_tick = (0.9 * dep["replicas"] * tick) // cost
cap = per_tick * (512 + 128) / tick / own
if abs(tau - cap) > 1e-3 * cap:
    sys.exit("busy-hour tokens/s per GPU %.1f, the deployment's capacity %.1f "
             "(%d whole requests a tick)" % (tau, cap, per_tick))
# the fleet's own workload needs the fleet's GPUs scaled by what it could
# not serve in its busiest hour: own x peak offered / peak served
need = own * max(off) / srv[peak]
dem = d["timeline"]["series"]["demand_inference_accelerators"][0]
if abs(dem - need) > 0.01 * need:
    sys.exit("demand for the fleet's own workload %.3f accelerators, want %.3f" % (dem, need))
# numbers given in the scenario win over the fleet's
gi = g["timeline"]["inputs"]
if gi["timeline.demand.tokens_per_s_per_accelerator"] != 3000 or gi["timeline.demand.peak_to_average"] != 2:
    sys.exit("given tokens/s and peak/mean were not kept: %r" % gi)
print("from the fleet: %.0f tokens/s per accelerator, peak/mean %.3f, %.2f accelerators for its workload"
      % (tau, pi, dem))
EOF
# refusals: a result of another kind, another accelerator, no file
run plan "$root/tests/data/timeline-fleet.yaml" --set "timeline.demand.fleet_result=$scratch/plan.json"
[ "$rc" -eq 2 ] || { show; fail "a plan result as fleet_result: exit $rc"; }
contains "is a plan result, not a fleet one" err
run plan "$flagship" --set "timeline.demand.fleet_result=$scratch/fleet-day.json"
[ "$rc" -eq 2 ] || { show; fail "a fleet on another accelerator: exit $rc"; }
contains "runs h100-sxm, not the plan's accelerator gb200" err
run plan "$root/tests/data/timeline-fleet.yaml" --set "timeline.demand.fleet_result=$scratch/none.json"
[ "$rc" -eq 2 ] || { show; fail "a missing fleet_result: exit $rc"; }
contains "cannot be read" err
[ "$(wc -l <err)" -eq 1 ] || { show; fail "more than one line on stderr"; }

ok_to plan.txt plan "$flagship"
contains "timeline: 2026-Q1 to 2033-Q4 (32 quarters), build level 1.00" plan.txt
contains "Cost of too little and of too much" plan.txt
contains "  2033 " plan.txt
echo "PASS"
