#!/bin/sh
# tests/cli/e2e_catalog.sh — `gigawatt catalog`: the listing names every
# kind, an entry shows its values with their sources, --json is valid JSON,
# and every numeric value of an entry (one per kind, plus gb200-nvl72) has a
# non-empty source.
. "$(dirname "$0")/lib.sh"

kinds="accelerators systems cooling power_chain sites electricity finance households"

ok_to list.txt catalog
for k in $kinds; do
    grep -q -x "$k" list.txt || fail "catalog listing has no '$k' heading"
done
contains gb200-nvl72 list.txt

ok_to entry.txt catalog gb200-nvl72
contains "source:" entry.txt
contains "gb200-nvl72" entry.txt

ok_to list.json catalog --json
if ! have_python; then
    echo "SKIP (partly): python3 not found; JSON checks not run"
    exit 0
fi
pycheck list.json $kinds <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    if not isinstance(d.get(k), list) or not d[k]:
        sys.exit("catalog --json: kind %r missing or empty" % k)
    for e in d[k]:
        if not e.get("id"):
            sys.exit("catalog --json: an entry of %r has no id" % k)
with open("ids.txt", "w") as f:
    # one id per kind (the first), plus the flagship's system
    ids = [d[k][0]["id"] for k in sys.argv[2:]] + ["gb200-nvl72"]
    f.write("\n".join(ids) + "\n")
EOF

set --
for id in $(cat ids.txt); do
    ok_to "entry-$id.json" catalog --json "$id"
    set -- "$@" "$id"
done
pycheck "$@" <<'EOF'
import json, sys
for id in sys.argv[1:]:
    d = json.load(open("entry-%s.json" % id))
    if d.get("id") != id:
        sys.exit("catalog --json %s: id is %r" % (id, d.get("id")))
    fields = d.get("fields")
    if not isinstance(fields, dict):
        sys.exit("catalog --json %s: no fields object" % id)
    values = {k: v for k, v in fields.items() if isinstance(v, dict)}
    if not values:
        sys.exit("catalog --json %s: no sourced values at all" % id)
    for k, v in values.items():
        src = v.get("source")
        if not isinstance(src, str) or not src.strip():
            sys.exit("catalog --json %s: field %r has no source: %r" % (id, k, v))
        if "value" not in v:
            sys.exit("catalog --json %s: field %r has no value" % (id, k))
    print("%s: %d values, each with a source" % (id, len(values)))
EOF
echo "PASS"
