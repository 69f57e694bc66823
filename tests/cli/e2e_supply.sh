#!/bin/sh
# tests/cli/e2e_supply.sh — `gigawatt plan` with a supply_chain: section
# (docs/supply.md): the JSON interface (supply_chain.by_quarter[] and
# by_year[] with their keys), identities between them (a year is its
# quarters; vendors and products add up; the lab's share; slack in [0, 1]),
# the timeline taking the lab's share or, with the allocation typed in,
# the chain as a check; a what-if with --set; byte-identical reruns.
. "$(dirname "$0")/lib.sh"
need_python

ind=$root/scenarios/industry-2026.yaml
lab=$root/scenarios/frontier-lab-30gw.yaml
ok_to ind.json plan --json "$ind"
ok_to ind-again.json plan --json "$ind"
cmp -s ind.json ind-again.json || fail "two runs of the same chain differ"
ok_to lab.json plan --json "$lab"
ok_to typed.json plan --json "$lab" --set timeline.supply.accelerators_per_quarter=375e3
ok_to slip.json plan --json "$lab" --set 'supply_chain.components.hbm.slip=3 months'

pycheck ind.json lab.json typed.json slip.json <<'PY'
import json, math, sys
ind, lab, typed, slip = (json.load(open(f)) for f in sys.argv[1:5])
if ind.get("kind") != "supply_chain":
    sys.exit("a chain alone: kind %r" % ind.get("kind"))
for d in (ind, lab):
    sc = d["supply_chain"]
    comps = [c["name"] for c in sc["components"]]
    prods = [p["id"] for p in sc["products"]]
    bq, by = sc["by_quarter"], sc["by_year"]
    if len(bq) != sc["quarters"]:
        sys.exit("by_quarter has %d of %d quarters" % (len(bq), sc["quarters"]))
    for q in bq:
        for k in ("quarter", "accelerators", "racks", "binding", "slack", "shadow_price"):
            if k not in q:
                sys.exit("by_quarter lacks %s" % k)
        if q["binding"] not in comps:
            sys.exit("%s binds %r" % (q["quarter"], q["binding"]))
        for k in ("slack", "shadow_price", "available"):
            if sorted(q[k]) != sorted(comps):
                sys.exit("%s by component: %r" % (k, sorted(q[k])))
        if not all(0 <= v <= 1 for v in q["slack"].values()):
            sys.exit("slack outside [0, 1]: %r" % q["slack"])
        if not all(v >= 0 and math.isfinite(v) for v in q["shadow_price"].values()):
            sys.exit("shadow price: %r" % q["shadow_price"])
        if abs(sum(q["by_product"].values()) - q["accelerators"]) > 1e-6 * q["accelerators"]:
            sys.exit("%s: products do not add up" % q["quarter"])
    i = 0
    for y in by:
        for k in ("year", "accelerators", "racks", "by_vendor", "by_product"):
            if k not in y:
                sys.exit("by_year lacks %s" % k)
        qs = bq[i:i + y["quarters"]]
        i += y["quarters"]
        if any(not q["quarter"].startswith(str(y["year"])) for q in qs):
            sys.exit("%d: quarters of another year" % y["year"])
        for k in ("accelerators", "racks"):
            if abs(sum(q[k] for q in qs) - y[k]) > 1e-6 * y[k]:
                sys.exit("%d: %s is not the sum of its quarters" % (y["year"], k))
        for k in ("by_vendor", "by_product"):
            if abs(sum(y[k].values()) - y["accelerators"]) > 1e-6 * y["accelerators"]:
                sys.exit("%d: %s does not add up" % (y["year"], k))
    if i != len(bq):
        sys.exit("years cover %d of %d quarters" % (i, len(bq)))
y26 = ind["supply_chain"]["by_year"][0]
if sorted(y26["by_vendor"]) != ["amd", "aws", "google", "nvidia"]:
    sys.exit("vendors: %r" % sorted(y26["by_vendor"]))
if "timeline" in ind:
    sys.exit("a chain alone has a timeline")
# the timeline installs the lab's share (a quarter of NVIDIA's products)
sc, tl = lab["supply_chain"], lab["timeline"]
if not sc["drives_timeline"]:
    sys.exit("the chain does not drive the timeline")
# ... in the timeline's unit: equivalents of its GB200 by TDP (docs/supply.md §4)
if sc["equivalent_of"] != "gb200":
    sys.exit("equivalent_of: %r" % sc["equivalent_of"])
eqv = {p["id"]: p["accelerator_equivalents"] for p in sc["products"]}
for p, tdp in (("gb300-nvl72", 1400), ("vr-nvl72", 1800), ("rubin-ultra", 3600)):
    if abs(eqv[p] - tdp / 1200) > 1e-12:
        sys.exit("%s: %r equivalents a package" % (p, eqv[p]))
for q, a in zip(sc["by_quarter"], tl["series"]["allocation_accelerators"]):
    nv = {p: v for p, v in q["by_product"].items()
          if p in ("gb300-nvl72", "vr-nvl72", "rubin-ultra")}
    pk, eq = sum(nv.values()), sum(v * eqv[p] for p, v in nv.items())
    if abs(q["lab_accelerators"] - 0.25 * pk) > 1e-6 * pk or abs(q["lab_equivalents"] - 0.25 * eq) > 1e-6 * eq \
            or abs(a - q["lab_equivalents"]) > 1e-6 * a:
        sys.exit("%s: allocation %r, lab %r, NVIDIA %r" % (q["quarter"], a, q["lab_equivalents"], eq))
    if abs(sum(v * eqv[p] for p, v in q["by_product"].items()) - q["accelerator_equivalents"]) > 1e-6 * eq:
        sys.exit("%s: equivalents do not add up" % q["quarter"])
for y in sc["by_year"]:
    if abs(sum(y["by_product_equivalents"].values()) - y["accelerator_equivalents"]) > 1e-6 * y["accelerator_equivalents"]:
        sys.exit("%d: by_product_equivalents does not add up" % y["year"])
    if abs(y["timeline_allocation"] - y["lab_equivalents"]) > 1e-6 * y["lab_equivalents"]:
        sys.exit("%d: the timeline's allocation is not the lab's equivalents" % y["year"])
if not any(v is not None for q in sc["by_quarter"] for v in q["shadow_revenue_usd"].values()):
    sys.exit("no revenue shadow price with the chain driving the timeline")
# typed in: the timeline keeps it, the chain is a check beside it
tsc = typed["supply_chain"]
if tsc["drives_timeline"] or typed["timeline"]["series"]["allocation_accelerators"][0] != 375e3:
    sys.exit("typed allocation: %r" % typed["timeline"]["series"]["allocation_accelerators"][0])
if "timeline_allocation" not in tsc["by_year"][0]:
    sys.exit("the check lacks timeline_allocation")
# HBM a quarter late: fewer accelerators in 2026 (HBM binds then), none more later
a0 = [y["accelerators"] for y in sc["by_year"]]
a1 = [y["accelerators"] for y in slip["supply_chain"]["by_year"]]
if not a1[0] < a0[0] or any(x > y * (1 + 1e-9) for x, y in zip(a1, a0)):
    sys.exit("HBM slip: %r against %r" % (a1, a0))
PY

ok plan "$ind"
grep -q "binding" out || fail "text: no binding column"
grep -q "^  2026 " out || fail "text: no 2026 row"
grep -q "equiv M" out || fail "text: no equivalents column"

# with a timeline, equivalents count in its accelerator: equivalent_of is refused
run plan "$lab" --set supply_chain.equivalent_of=gb300
[ "$rc" -eq 2 ] || fail "equivalent_of with a timeline: exit $rc, expected 2"
contains "expected none (equivalents count in the plan's accelerator, gb200)" "$scratch/err"
