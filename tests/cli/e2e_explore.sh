#!/bin/sh
# tests/cli/e2e_explore.sh — `gigawatt explore` (docs/explore.md): a point's
# figures are those `perf` and `plan` give with the same --set; the JSON
# interface (objectives, points, pareto, best, sensitivity) with the front
# checked by brute force; the same bytes on 1 and 2 threads and from a
# store resumed with points missing; constraints mark points infeasible
# with why; --csv FILE gets every point and result field.
. "$(dirname "$0")/lib.sh"

need_python
scenario=$root/scenarios/explore-example.yaml

ok_to one.json explore "$scenario" --json --threads 1
ok_to two.json explore "$scenario" --json --threads 2
cmp one.json two.json || fail "1 and 2 threads gave other bytes"

# point 2 is dgx-h100, tp 2, liquid-cooled-campus (grid order: the last field fastest)
set -- --set system.ref=dgx-h100 --set perf.tp=2 --set site.ref=liquid-cooled-campus
ok_to perf.json perf "$scenario" --json "$@"
ok_to plan.json plan "$scenario" --json "$@"

pycheck one.json perf.json plan.json <<'PY'
import json, sys
x = json.load(open(sys.argv[1]))
perf = json.load(open(sys.argv[2]))
plan = json.load(open(sys.argv[3]))
assert x["kind"] == "explore" and x["design"] == "grid" and x["npoints"] == 32, x["npoints"]
assert [o["name"] for o in x["objectives"]] == ["tokens_per_s_per_mw_grid", "usd_per_million_tokens",
                                               "ttft_s"]
assert [o["direction"] for o in x["objectives"]] == ["max", "min", "min"]
assert all("unit" in o for o in x["objectives"])
pts = x["points"]
assert len(pts) == 32 and all(set(p) == {"params", "objectives", "feasible", "why"} for p in pts)
p = pts[2]
assert p["params"] == {"system.ref": "dgx-h100", "perf.tp": 2, "site.ref": "liquid-cooled-campus"}, p
def near(a, b, what):
    assert abs(a - b) <= 1e-12 * max(abs(a), abs(b)), f"{what}: {a} vs {b}"
# per provisioned MW at the meter: tokens/s per GPU x accelerators / grid MW
want = perf["tokens_per_s_per_gpu"] * plan["accelerators"] / (plan["grid_power_w"] / 1e6)
near(p["objectives"]["tokens_per_s_per_mw_grid"], want, "tokens/s per MW of grid")
near(p["objectives"]["usd_per_million_tokens"], perf["usd_per_million_tokens"], "USD per Mtok")
near(p["objectives"]["ttft_s"], perf["ttft_s"], "TTFT")
# the Pareto front by brute force: feasible, non-dominated, and every such point
obj = x["objectives"]
def vec(q):
    return [q["objectives"][o["name"]] * (1 if o["direction"] == "max" else -1) for o in obj]
def dominates(a, b):
    return all(u >= v for u, v in zip(a, b)) and any(u > v for u, v in zip(a, b))
ok = [i for i, q in enumerate(pts) if q["feasible"] and None not in q["objectives"].values()]
front = [i for i in ok if not any(dominates(vec(pts[j]), vec(pts[i])) for j in ok)]
assert x["pareto"] == front and len(front) > 1, (x["pareto"], front)
for o in obj:
    b = x["best"][o["name"]]
    vals = [pts[i]["objectives"][o["name"]] for i in ok]
    assert b["value"] == (max(vals) if o["direction"] == "max" else min(vals))
    assert pts[b["index"]]["params"] == b["params"]
sens = x["sensitivity"]["tokens_per_s_per_mw_grid"]
assert [s["key"] for s in sens][0] == "system.ref", sens
print("explore JSON: point = perf and plan; front = brute force; best; sensitivity")
PY

# a constraint: racks above 50 kW are infeasible, and say so
ok_to lim.json explore "$scenario" --json --set explore.constraints.rack_power='50 kW'
pycheck lim.json <<'PY'
import json, sys
x = json.load(open(sys.argv[1]))
gb = [p for p in x["points"] if p["params"]["system.ref"] == "gb200-nvl72"]
assert gb and all(not p["feasible"] and "rack power" in p["why"] for p in gb), gb[0]
assert all(i not in x["pareto"] for i, p in enumerate(x["points"]) if not p["feasible"])
print("constraints: gb200-nvl72 racks above 50 kW are infeasible, with why")
PY

# LHS through the store: every point stored; points deleted from the store
# are computed again on --resume, to the same bytes
set -- --design lhs --points 600 --seed 7 --vary operation.average_load=0.3:0.9 --threads 2
ok_to lhs.json explore "$scenario" --json "$@"
ok_to stored.json explore "$scenario" --json --db x.db "$@"
cmp lhs.json stored.json || fail "--db changed the result"
"$py" -c "import sqlite3; c = sqlite3.connect('x.db'); c.execute('DELETE FROM explore_points WHERE idx % 3 = 1'); c.commit()" ||
    fail "could not thin the store"
ok_to listed.json runs --db x.db --json
grep -q '"status":[[:space:]]*"stopped"' listed.json || fail "runs does not list the thinned run as stopped"
grep -q '"done":[[:space:]]*400' listed.json || fail "runs does not count 400 of 600 points"
grep -q -- "--design lhs --points 600 --seed 7" listed.json || fail "the run's command lacks its options"
ok_to resumed.json explore "$scenario" --json --db x.db --resume 1 "$@"
cmp lhs.json resumed.json || fail "--resume gave other bytes than an uninterrupted run"
ok_to listed.json runs --db x.db --json
grep -q '"status":[[:space:]]*"finished"' listed.json || fail "runs does not list the resumed run as finished"
run explore "$scenario" --json --db x.db --resume 1 --design lhs --points 601
[ "$rc" -eq 2 ] && grep -q 'different scenario, settings or design' err || { show; fail "a resume with another design was not refused"; }

# --csv FILE: a header and one row per point, every result field; the
# summary still on stdout
ok_to summary.txt explore "$scenario" --csv x.csv
grep -q '^Best per objective:' summary.txt || fail "--csv FILE replaced the summary"
head -1 x.csv | grep -q '^index,feasible,pareto,system.ref,perf.tp,site.ref,tokens_per_s_per_mw_grid,' ||
    fail "csv header: $(head -1 x.csv)"
[ "$(wc -l <x.csv)" -eq 33 ] || fail "csv has $(wc -l <x.csv) lines, expected 33"
echo "explore: ok"
