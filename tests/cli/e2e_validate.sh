#!/bin/sh
# tests/cli/e2e_validate.sh — `gigawatt validate`, end to end: the JSON
# document's exact keys ({"rows", "summary"}; per row id, predicted and
# measured TTFT/TPOT, "error" only on an unpredictable row), every row kept
# in file order, the summary's counts against the rows, the same numbers
# whatever the column order (tests/data/validate-reordered.csv holds
# validate-small.csv's rows with its columns shuffled), the text tables,
# -o, and determinism. The fixture's rows are real rows of
# silicon-sample.csv plus five broken copies and a short row.
. "$(dirname "$0")/lib.sh"
need_python

small=$root/tests/data/validate-small.csv
reordered=$root/tests/data/validate-reordered.csv

ok_to small.json validate "$small" --json
ok_to reordered.json validate "$reordered" --json
ok validate "$small" --json -o again.json
cmp -s small.json again.json || fail "-o and stdout differ, or the run is not deterministic"
pycheck small.json reordered.json <<'EOF'
import json, math, re, sys
small = json.load(open(sys.argv[1]))
reordered = json.load(open(sys.argv[2]))
if set(small) != {"rows", "summary"}:
    sys.exit("top-level keys %r; expected rows and summary" % sorted(small))
rows = small["rows"]
if len(rows) != 11:
    sys.exit("%d rows; expected the fixture's 11, none dropped" % len(rows))
base = {"id", "predicted_ttft_ms", "predicted_tpot_ms", "measured_ttft_ms", "measured_tpot_ms"}
bad = {"unknown-model", "unknown-system", "isl-not-a-number", "tp-does-not-divide",
       "experts-do-not-add-up", "short-row"}
for r in rows:
    keys = set(r)
    if "error" in r:
        if keys != base | {"error"} or r["predicted_ttft_ms"] is not None:
            sys.exit("unpredictable row %r: keys %r, predicted %r" % (r["id"], sorted(keys), r["predicted_ttft_ms"]))
        if not re.match(r"^/.*validate-small\.csv:[0-9]+:[0-9]+: ", r["error"]):
            sys.exit("row %r: error %r has no file:line:col" % (r["id"], r["error"]))
    elif keys != base:
        sys.exit("row %r: keys %r; expected %r" % (r["id"], sorted(keys), sorted(base)))
    else:
        for k in base - {"id"}:
            if not (isinstance(r[k], (int, float)) and math.isfinite(r[k]) and r[k] > 0):
                sys.exit("row %r: %s is %r; expected a positive number" % (r["id"], k, r[k]))
got_bad = {r["id"] for r in rows if "error" in r}
if got_bad != bad:
    sys.exit("unpredictable rows %r; expected %r" % (sorted(got_bad), sorted(bad)))
s = small["summary"]
o = s["overall"]
if o["rows"] != 11 or o["unpredictable"] != 6 or o["ttft"]["n"] != 5 or o["tpot"]["n"] != 5:
    sys.exit("overall %r; expected 11 rows, 6 unpredictable, 5 compared" % o)
errs = sorted(abs(r["predicted_tpot_ms"] / r["measured_tpot_ms"] - 1) * 100
              for r in rows if "error" not in r)
if abs(o["tpot"]["median_abs_pct"] - errs[2]) > 1e-9 * errs[2]:
    sys.exit("TPOT median %r; expected the rows' %r" % (o["tpot"]["median_abs_pct"], errs[2]))
if sum(p["rows"] for p in s["partitions"]) != 11:
    sys.exit("partitions hold %d rows; expected 11" % sum(p["rows"] for p in s["partitions"]))
if [g["group"] for g in s["groups"]] != ["agg", "disagg", "moe", "dense"]:
    sys.exit("groups %r" % [g["group"] for g in s["groups"]])
for a, b in zip(rows, reordered["rows"]):
    if a["id"] != b["id"] and a["id"] != "short-row":
        sys.exit("row order differs: %r vs %r" % (a["id"], b["id"]))
    for k in ("predicted_ttft_ms", "predicted_tpot_ms"):
        if a[k] != b[k]:
            sys.exit("row %r: %s %r in file order, %r with the columns reordered" % (a["id"], k, a[k], b[k]))
EOF

ok validate "$small"
contains "TTFT ms" "$scratch/out"
contains "per partition" "$scratch/out"
contains "llama-3.1-70b h200 trtllm agg" "$scratch/out"
contains "validate-small.csv:9:" "$scratch/out"
contains "isl 'lots' is not a number" "$scratch/out"
grep -q '^all  *11  *6 ' "$scratch/out" || fail "text: no 'all' group line with 11 rows, 6 unpredictable"

# --replay: the same rows and keys, each predicted row by its benchmark
# replayed (docs/validate.md §9), the summary saying so; deterministic
ok_to replay.json validate "$small" --replay --json
ok validate "$small" --replay --json -o replay-again.json
cmp -s replay.json replay-again.json || fail "--replay is not deterministic"
pycheck small.json replay.json <<'EOF'
import json, sys
closed = json.load(open(sys.argv[1]))
replay = json.load(open(sys.argv[2]))
if "predictor" in closed["summary"] or replay["summary"].get("predictor") != "replay":
    sys.exit("summary predictor: closed %r, replay %r" % (closed["summary"].get("predictor"),
                                                          replay["summary"].get("predictor")))
if [r["id"] for r in closed["rows"]] != [r["id"] for r in replay["rows"]]:
    sys.exit("--replay changed the rows")
moved = 0
for a, b in zip(closed["rows"], replay["rows"]):
    if ("error" in a) != ("error" in b) or a["measured_tpot_ms"] != b["measured_tpot_ms"]:
        sys.exit("row %r: predictability or measurement changed" % a["id"])
    if "error" not in b:
        if not (b["predicted_ttft_ms"] > 0 and b["predicted_tpot_ms"] > 0):
            sys.exit("row %r: replay predicted %r" % (b["id"], b))
        moved += b["predicted_tpot_ms"] != a["predicted_tpot_ms"]
if moved == 0:
    sys.exit("--replay predicted every row as the closed form does")
if replay["summary"]["overall"]["tpot"]["n"] != 5:
    sys.exit("replay summary %r" % replay["summary"]["overall"])
EOF
ok validate "$small" --replay
contains "replayed through the replica simulator" "$scratch/out"
