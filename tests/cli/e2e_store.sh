#!/bin/sh
# tests/cli/e2e_store.sh — the result store as a planner meets it (issue
# 14, items 7, 17, 18, 19): a stored fleet or risk run records the command
# that runs it again, its settings and the scenario's SHA-256, and running
# that command gives the same JSON; every run that writes the store says
# where it is and how big it grew; runs --delete and --vacuum prune it;
# runs --json has the common envelope and `report` draws it; the fleet's
# closing progress line counts what the JSON calls requests.
. "$(dirname "$0")/lib.sh"
need_python

fleet=$root/tests/data/fleet-small.yaml
risk=$root/tests/data/risk-small.yaml

# ---- item 7: store, read back, run again from the stored command ----------------------
ok_to fleet.json sim "$fleet" --json --db s.db --set fleet.seed=5 --set 'fleet.horizon=4 min'
ok_to risk.json risk "$risk" --json --db s.db --draws 300 --seed 9 --threads 2
ok_to runs.json runs --db s.db --json
pycheck runs.json "$fleet" "$risk" <<'PY'
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
runs = d["runs"]
want = {1: ("fleet", sys.argv[2], ["fleet.seed=5", "fleet.horizon=4 min"]),
        2: ("risk", sys.argv[3], ["risk.draws=300", "risk.seed=9"])}
for r in runs:
    kind, path, sets = want[r["id"]]
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    if r["kind"] != kind or r["sets"] != sets or r["scenario_sha256"] != sha:
        sys.exit("run %d: %r; expected %s with sets %r and SHA-256 %s" % (r["id"], r, kind, sets, sha))
    if not r["scenario_path"].endswith(path.split("/")[-1]) or not r["scenario_path"].startswith("/"):
        sys.exit("run %d: scenario_path %r is not the file's absolute path" % (r["id"], r["scenario_path"]))
    if not r["command"].startswith("gigawatt %s /" % {"fleet": "sim"}.get(kind, kind)):
        sys.exit("run %d: command %r" % (r["id"], r["command"]))
    open("cmd%d.sh" % r["id"], "w").write(r["command"].replace("gigawatt ", '"$gw" ', 1))
print("stored: %d runs with command, sets and SHA-256" % len(runs))
PY
# the stored command, pasted into a shell (the ' in 'fleet.horizon=4 min' quoted), gives the same JSON
gw="$gw" sh -c "$(cat cmd1.sh) --json --db again.db" >again-fleet.json 2>err.txt ||
    { cat err.txt; fail "the stored fleet command does not run"; }
cmp fleet.json again-fleet.json || fail "the stored fleet command gives another JSON"
gw="$gw" sh -c "$(cat cmd2.sh) --json --db again.db" >again-risk.json 2>err.txt ||
    { cat err.txt; fail "the stored risk command does not run"; }
cmp risk.json again-risk.json || fail "the stored risk command gives another JSON"
echo "ok: the stored commands run again to the same JSON"

# ---- item 18: where the store is and how big it grew ----------------------------------
rm -f g.db
ok sim "$fleet" --db g.db -o /dev/null
grep -E -q "$store_line" err || { show; fail "sim --db did not say where the store is"; }
size=$(wc -c <g.db)
pycheck err "$size" "$scratch/g.db" <<'PY'
import re, sys
line = open(sys.argv[1]).read()
m = re.search(r"result store (\S+): ([0-9.]+) kB \(\+([0-9.]+) kB this run\)", line)
if not m or m.group(1) != sys.argv[3]:
    sys.exit("store line %r; expected the absolute path %s" % (line, sys.argv[3]))
if abs(float(m.group(2)) * 1e3 - int(sys.argv[2])) > 1e3 or m.group(2) != m.group(3):
    sys.exit("store line %r; the new file has %s bytes" % (line, sys.argv[2]))
PY
ok risk "$risk" --draws 200 --db g.db -o /dev/null
grep -E -q "$store_line" err || { show; fail "risk did not say where the store is"; }
run risk "$risk" --draws 200 --db g.db -o /dev/null --quiet
[ ! -s err ] || { show; fail "--quiet still printed the store line"; }
ok sim "$root/scenarios/sim-llama70b-h100.yaml" --set sim.requests=50 -o /dev/null
[ ! -s err ] || { show; fail "a run that writes no store printed a store line"; }
echo "ok: the store line"

# runs --delete RUN removes every row of the run; --vacuum shrinks the file
before=$(wc -c <g.db)
ok runs --db g.db --delete 2
pycheck g.db <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = [r[0] for r in db.execute("SELECT id FROM runs ORDER BY id")]
if ids != [1, 3]:
    sys.exit("runs left: %r; expected [1, 3]" % ids)
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'runs'"):
    n = db.execute("SELECT count(*) FROM %s WHERE run = 2" % t).fetchone()[0]
    if n:
        sys.exit("table %s still has %d rows of run 2" % (t, n))
PY
ok runs --db g.db --delete 3 --vacuum
after=$(wc -c <g.db)
[ "$after" -lt "$before" ] || fail "--vacuum did not shrink the store ($before -> $after bytes)"
grep -E -q "$store_line" err || { show; fail "runs --vacuum did not say the store's size"; }
run runs --db g.db --delete 9
[ "$rc" -eq 2 ] && grep -q "no run 9" err || { show; fail "runs --delete 9: expected exit 2, no run 9"; }
run runs --db g.db --delete x
[ "$rc" -eq 2 ] && grep -q "^gigawatt: --delete needs a run id" err || { show; fail "runs --delete x"; }
echo "ok: runs --delete and --vacuum ($before -> $after bytes)"

# ---- item 19: runs --json has the envelope, report draws it ---------------------------
pycheck runs.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if not isinstance(d, dict) or d.get("kind") != "runs" or not d.get("gigawatt_version"):
    sys.exit("runs --json: %r...; expected an object of kind runs with gigawatt_version" % str(d)[:80])
if d.get("store") != "s.db" or len(d.get("runs", [])) != 2:
    sys.exit("runs --json: store %r, %d runs" % (d.get("store"), len(d.get("runs", []))))
PY
ok report runs.json -o runs.html
contains "stored runs" runs.html
contains "fleet.seed=5" runs.html
echo "ok: runs --json is a result report draws"

# ---- item 17: the fleet's closing line counts the JSON's requests ---------------------
# (a terminal, so the line shows however fast the run is)
"$py" - "$gw" "$fleet" <<'PY' || fail "the closing progress line does not match the JSON"
import json, os, pty, re, sys
gw, scenario = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(gw, [gw, "sim", scenario, "--json", "-o", "tty.json"])
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
text = out.decode().replace("\r", "\n")
m = re.search(r"gigawatt: fleet: ([0-9,]+) requests offered in", text)
if not m:
    sys.exit("no closing line naming requests offered in %r" % text[-300:])
shown = int(m.group(1).replace(",", ""))
want = json.load(open("tty.json"))["requests"]
digits = len(str(int(want))) - 3
if shown != round(want, -digits if digits > 0 else 0):
    sys.exit("closing line %d requests; the JSON %d (to 3 figures)" % (shown, want))
print("closing line: %d requests offered, the JSON %d" % (shown, want))
PY
echo "ok: the fleet's closing line"
