#!/bin/sh
# tests/cli/e2e_design_rules.sh — every template and scenario shipped passes
# its own design rules (issue 14, item 20): each catalog system on the site
# its cooling defaults to (the rack the perf, sim and fleet commands build
# when a scenario names only an accelerator), and each scenario in
# scenarios/ that `rack` or `plan` runs; a scenario's own
# system.systems_per_rack is kept and a failing rule heads the plan.
. "$(dirname "$0")/lib.sh"
need_python

# ---- every catalog system on its default site, at full load ----------------------------
ok_to catalog.json catalog --json
"$py" -c 'import json, sys; print("\n".join(s["id"] for s in json.load(open(sys.argv[1]))["systems"]))' \
    catalog.json >systems.txt || fail "cannot list the systems"
[ -s systems.txt ] || fail "the catalog lists no systems"
while read -r sys; do
    ok_to "rack-$sys.json" rack --system "$sys" --load 1 --json
done <systems.txt
pycheck systems.txt <<'PY'
import json, sys
bad = []
for sid in open(sys.argv[1]).read().split():
    d = json.load(open("rack-%s.json" % sid))
    for v in d["violations"]:
        bad.append("%s on %s: [%s] %s" % (sid, d["inputs"]["site"], v["rule"], v["message"]))
if bad:
    sys.exit("templates that break their own design rules:\n  " + "\n  ".join(bad))
PY
echo "ok: $(wc -l <systems.txt) systems pass their default site's rules"

# ---- every shipped scenario that rack or plan runs --------------------------------------
for f in "$root"/scenarios/*.yaml; do
    name=$(basename "$f" .yaml)
    run plan "$f" --json
    if [ "$rc" -eq 0 ]; then
        cp out "plan-$name.json"
        pycheck "plan-$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if d["kind"] == "supply_chain":  # a supply chain alone (docs/supply.md): no rack
    sys.exit(0)
v = d["per_rack"]["design"]["violations"]
if not d["design_rules_pass"] or v:
    sys.exit("%s: design rules fail: %r" % (d["inputs"].get("scenario"), v))
PY
        continue
    fi
    run rack "$f" --load 1 --json
    if [ "$rc" -eq 0 ]; then
        cp out "rack-$name.json"
        pycheck "rack-$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if d["violations"]:
    sys.exit("%s: design rules fail: %r" % (d["inputs"].get("scenario"), d["violations"]))
PY
        continue
    fi
    # a fleet (its deployments are catalog systems on their default sites,
    # checked above) or a replica scenario without a system (Vidur's A100)
    echo "not a rack or plan scenario: $name ($(head -c 100 err))"
done
echo "ok: the shipped scenarios pass their design rules"

# ---- the scenario's own packing is kept, and a failing rule heads the plan -------------
ok_to four.json rack --system dgx-h100 --set system.systems_per_rack=4 --json
pycheck four.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if d["systems"] != 4 or [v["rule"] for v in d["violations"]] != ["room-air"]:
    sys.exit("systems_per_rack=4 given: %r systems, violations %r" % (d["systems"], d["violations"]))
PY
ok_to two.txt rack --system dgx-h100
contains "2 of 4 systems per rack" two.txt
ok_to fail.txt plan "$flagship" --set system.systems_per_rack=2
first=$(grep -n -m1 '^DESIGN RULES FAIL' fail.txt | cut -d: -f1)
fleet=$(grep -n -m1 '^Fleet' fail.txt | cut -d: -f1)
[ -n "$first" ] && [ "$first" -lt "$fleet" ] || { head -20 fail.txt; fail "the failing rules do not head the plan"; }
contains "FAIL (above)" fail.txt
ok_to pass.txt plan "$flagship"
contains "all pass" pass.txt
echo "ok: explicit packing kept; failures head the plan"
