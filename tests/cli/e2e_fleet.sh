#!/bin/sh
# tests/cli/e2e_fleet.sh — `gigawatt sim` on a fleet scenario
# (docs/fleet.md), end to end: tests/data/fleet-small.yaml (10 minutes,
# ticks of 1 s, two own deployments in two regions, a reserved rented pool,
# a consumer and an API tenant, an outage of the west site) through the
# JSON (its keys, conservation per tenant, hourly arrays, spill, rented
# cost by hand), the hourly CSV of --requests-csv against the JSON,
# determinism and -o, --set on the fleet, and the text table.
. "$(dirname "$0")/lib.sh"
need_python

scenario=$root/tests/data/fleet-small.yaml

# ---- the JSON ----------------------------------------------------------------------
ok_to fleet.json sim "$scenario" --json --requests-csv hourly.csv
[ -s hourly.csv ] || fail "--requests-csv did not write hourly.csv"
pycheck fleet.json hourly.csv <<'EOF'
import csv, json, math, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2])))

def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

if d.get("kind") != "fleet":
    sys.exit("kind is %r; expected 'fleet'" % d.get("kind"))
i = d["inputs"]
for k, v in {"horizon_s": 600, "tick_s": 1, "seed": 3,
             "scenario": "small fleet for the CLI tests"}.items():
    if i.get(k) != v:
        sys.exit("inputs.%s is %r; expected %r" % (k, i.get(k), v))
deps = i["deployments"]
if [x["name"] for x in deps] != ["chat-east", "chat-west", "cloud-reserved"]:
    sys.exit("deployments are %r" % [x["name"] for x in deps])
if [x["kind"] for x in deps] != ["own", "own", "reserved"]:
    sys.exit("deployment kinds are %r" % [x["kind"] for x in deps])
for x in deps:
    for k in ("replicas", "gpus_per_replica", "usd_per_gpu_hour", "replica_s_per_prompt_token",
              "replica_s_per_output_token"):
        if not num(x.get(k)) or x[k] <= 0:
            sys.exit("deployment %s: %s is %r; expected a positive number" % (x["name"], k, x.get(k)))
    lat = x["latency_by_load"]
    if lat["rho"] != [0.1, 0.3, 0.5, 0.7, 0.9]:
        sys.exit("latency_by_load.rho is %r" % lat["rho"])
    for k in ("ttft_s", "tpot_s"):
        v = lat[k]
        if len(v) != 5 or not all(num(a) and a > 0 for a in v) or v != sorted(v):
            sys.exit("deployment %s: latency_by_load.%s %r; expected 5 rising latencies" % (x["name"], k, v))
if deps[2]["usd_per_gpu_hour"] != 2.5:
    sys.exit("the rented pool's price is %r; expected 2.5 USD/GPU-h" % deps[2]["usd_per_gpu_hour"])

# tenants: the documented keys, and every request accounted for
keys = ["name", "offered", "served", "rate_limited", "rejected", "timed_out", "queued_at_end", "tokens_offered",
        "tokens_served", "ttft_p50_s", "ttft_p90_s", "ttft_p99_s", "tpot_p50_s", "tpot_p90_s",
        "slo_attainment", "revenue_usd"]
ts = d["tenants"]
if [t.get("name") for t in ts] != ["chat", "api"]:
    sys.exit("tenants are %r; expected chat, api" % [t.get("name") for t in ts])
for t in ts:
    if sorted(t) != sorted(keys):
        sys.exit("tenant %s has keys %r; expected %r" % (t["name"], sorted(t), sorted(keys)))
    for k in keys[1:]:
        if not num(t[k]) or t[k] < 0:
            sys.exit("tenant %s: %s is %r; expected a number >= 0" % (t["name"], k, t[k]))
    acc = t["served"] + t["rate_limited"] + t["rejected"] + t["timed_out"] + t["queued_at_end"]
    if acc != t["offered"]:
        sys.exit("tenant %s: served + rate_limited + rejected + timed_out = %r; offered %r"
                 % (t["name"], acc, t["offered"]))
    if not 0 < t["tokens_served"] <= t["tokens_offered"]:
        sys.exit("tenant %s: tokens served %r, offered %r" % (t["name"], t["tokens_served"], t["tokens_offered"]))
    if not 0 < t["ttft_p50_s"] <= t["ttft_p90_s"] <= t["ttft_p99_s"]:
        sys.exit("tenant %s: TTFT quantiles out of order" % t["name"])
    if not 0 < t["tpot_p50_s"] <= t["tpot_p90_s"]:
        sys.exit("tenant %s: TPOT quantiles out of order" % t["name"])
    if not 0 <= t["slo_attainment"] <= 1:
        sys.exit("tenant %s: slo_attainment %r" % (t["name"], t["slo_attainment"]))
chat, api = ts
# chat: 10e6 x 3.6288 / 604800 = 60 requests/s over 600 s (Poisson sd 190)
if abs(chat["offered"] - 36000) > 5 * 190:
    sys.exit("chat offered %r; expected about 36000" % chat["offered"])
if chat["tokens_offered"] != chat["offered"] * 640:
    sys.exit("chat tokens_offered %r; expected 640 per request" % chat["tokens_offered"])
# api: 20 customers, 60 rpm each, 5 requests/s skewed (Zipf 1): the busiest
# customers are limited, the priority-0 tenant is never shed
if not api["rate_limited"] > 0:
    sys.exit("api rate_limited is %r; expected the buckets to bite" % api["rate_limited"])
if api["rejected"] + api["timed_out"] != 0:
    sys.exit("api (priority 0) lost %r to shedding; expected none" % (api["rejected"] + api["timed_out"]))
if not chat["timed_out"] + chat["rejected"] > 0:
    sys.exit("chat lost nothing; the outage of the west site should shed it")
if abs(d["revenue_usd"] - sum(t["revenue_usd"] for t in ts)) > 1e-9 * d["revenue_usd"]:
    sys.exit("revenue_usd is not the tenants' sum")
if abs(chat["revenue_usd"] - chat["tokens_served"] * 2e-6) > 1e-9 * chat["revenue_usd"]:
    sys.exit("chat revenue %r; expected tokens served x 2 USD/Mtok" % chat["revenue_usd"])
if d["requests"] != sum(t["offered"] for t in ts) or d["served"] != sum(t["served"] for t in ts):
    sys.exit("requests/served are not the tenants' sums")
# the reserved pool: 1 replica x 2 GPUs x 2.5 USD/h x 600 s
if abs(d["rented_cost_usd"] - 2 * 2.5 * 600 / 3600) > 1e-9:
    sys.exit("rented_cost_usd is %r; expected 0.8333" % d["rented_cost_usd"])
for k in ("energy_wh", "own_cost_usd"):
    if not num(d[k]) or d[k] <= 0:
        sys.exit("%s is %r; expected a positive number" % (k, d[k]))

# hourly: arrays of one length (one hour), sums matching the tenants
h = d["hourly"]
names = ["offered", "served", "rate_limited", "rejected", "timed_out", "spilled", "rented",
         "queue_delay_s", "utilisation", "rented_gpus", "down_gpus"]
for k in names:
    if not isinstance(h.get(k), list) or len(h[k]) != 1 or not all(num(v) and v >= 0 for v in h[k]):
        sys.exit("hourly.%s is %r; expected one number per hour (1 hour)" % (k, h.get(k)))
if sorted(h) != sorted(names + ["site_mw", "by_tenant"]):
    sys.exit("hourly has keys %r" % sorted(h))
# by tenant: every tenant, five counts per hour, adding up to the tenant's totals
bt = h["by_tenant"]
if sorted(bt) != sorted(t["name"] for t in d["tenants"]):
    sys.exit("hourly.by_tenant has %r; expected the tenants" % sorted(bt))
for t in d["tenants"]:
    for k in ["offered", "served", "rate_limited", "rejected", "timed_out"]:
        v = bt[t["name"]][k]
        if len(v) != 1 or sum(v) != t[k]:
            sys.exit("hourly.by_tenant.%s.%s = %r; expected [%r]" % (t["name"], k, v, t[k]))
if sorted(h["site_mw"]) != ["east", "west"] or any(len(v) != 1 for v in h["site_mw"].values()):
    sys.exit("hourly.site_mw is %r; expected east and west, one value each" % h["site_mw"])
for k in ("offered", "served", "rate_limited", "rejected", "timed_out"):
    if sum(h[k]) != sum(t[k] for t in ts):
        sys.exit("hourly.%s sums to %r; the tenants' %r" % (k, sum(h[k]), sum(t[k] for t in ts)))
if not h["spilled"][0] > 0 or not h["rented"][0] > 0:
    sys.exit("spilled %r, rented %r; expected both > 0 (home is short)" % (h["spilled"], h["rented"]))
if not h["spilled"][0] + h["rented"][0] <= h["served"][0]:
    sys.exit("spilled + rented exceed served")

# the CSV: the header, one row per hour, the JSON's numbers
cols = ["hour", "offered", "served", "rate_limited", "rejected", "timed_out", "spilled", "rented",
        "queue_delay_s", "utilisation", "rented_gpus", "down_gpus", "mw_east", "mw_west"]
if rows[0] != cols:
    sys.exit("CSV header is %r; expected %r" % (rows[0], cols))
if len(rows) != 2 or len(rows[1]) != len(cols):
    sys.exit("CSV has %d rows; expected a header and 1 row of %d fields" % (len(rows), len(cols)))
r = dict(zip(cols, rows[1]))
if r["hour"] != "0":
    sys.exit("CSV hour is %r; expected 0" % r["hour"])
# (the JSON writer prints 15 digits when they read back within an ulp or two)
def same(a, b):
    return abs(a - b) <= 1e-14 * max(abs(a), abs(b))
for k in names:
    if not same(float(r[k]), h[k][0]):
        sys.exit("CSV %s = %r; JSON hourly.%s = %r" % (k, r[k], k, h[k][0]))
for s in ("east", "west"):
    if not same(float(r["mw_" + s]), h["site_mw"][s][0]):
        sys.exit("CSV mw_%s = %r; JSON %r" % (s, r["mw_" + s], h["site_mw"][s][0]))
print("fleet: %d offered, %d served; chat timed out %d; api rate-limited %d; spilled %d, rented %d"
      % (d["requests"], d["served"], chat["timed_out"], api["rate_limited"], h["spilled"][0], h["rented"][0]))
EOF

# ---- determinism and -o -----------------------------------------------------------------
ok_to again.json sim "$scenario" --json --requests-csv again.csv
cmp fleet.json again.json || fail "two runs of sim --json on a fleet differ"
cmp hourly.csv again.csv || fail "two runs of sim --requests-csv on a fleet differ"
ok sim "$scenario" --json -o fleet-o.json
[ -s out ] && fail "sim -o FILE also wrote to stdout"
cmp fleet.json fleet-o.json || fail "sim -o FILE differs from sim's stdout (fleet, JSON)"
ok_to fleet.txt sim "$scenario"
ok sim "$scenario" -o fleet-o.txt
cmp fleet.txt fleet-o.txt || fail "sim -o FILE (text) differs from sim's stdout (fleet)"
ok sim "$scenario" --requests-csv text.csv
cmp hourly.csv text.csv || fail "--requests-csv differs between the text and the JSON output (fleet)"

# ---- --set reaches the fleet --------------------------------------------------------------
ok_to seed4.json sim "$scenario" --json --set fleet.seed=4
cmp -s fleet.json seed4.json && fail "--set fleet.seed=4 gives the same JSON as seed 3"
pycheck seed4.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if d["inputs"]["seed"] != 4:
    sys.exit("inputs.seed is %r; expected 4 from --set" % d["inputs"]["seed"])
EOF

# ---- the text table -----------------------------------------------------------------------
contains "fleet: small fleet for the CLI tests: 3 deployments, 2 tenants" fleet.txt
for line in "requests" "energy (IT)" "own fleet cost" "rented capacity cost" "revenue" \
    "GPU failures" "TTFT p50" "timed out" "GPUs down"; do
    contains "$line" fleet.txt
done
grep -Eq '^  tenant +offered +served +limited +rejected +timed out' fleet.txt ||
    fail "the text output has no tenant table header"
grep -Eq '^  chat +[0-9]' fleet.txt || fail "the tenant table has no row for chat"
grep -Eq '^  api +[0-9]' fleet.txt || fail "the tenant table has no row for api"
grep -Eq '^  0 +[0-9]' fleet.txt || fail "the hourly table has no row for hour 0"
grep -q '{' fleet.txt && fail "fleet text output looks like JSON"
echo "PASS"

# ---- tenant kinds that hold capacity (tests/data/fleet-kinds.yaml) ----------------
ok_to kinds.json sim "$root/tests/data/fleet-kinds.yaml" --json
pycheck kinds.json "$root/tests/data/sim-200.csv" <<'EOF'
import csv, json, sys
d = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in d["tenants"]}
# the cloud block is sold whole: 2 replicas x 2 GPUs x 3 USD/h x 10 min
want = 2 * 2 * 3.0 * 10 / 60
if abs(t["cloud"]["revenue_usd"] - want) > 1e-9 * want:
    sys.exit("cloud revenue %r; expected %r" % (t["cloud"]["revenue_usd"], want))
if t["cloud"]["offered"] != 0 or t["train"]["offered"] != 0:
    sys.exit("held blocks offered requests: %r" % [t["cloud"]["offered"], t["train"]["offered"]])
if t["gov"]["served"] != t["gov"]["offered"] or t["gov"]["offered"] == 0:
    sys.exit("the reserve's own requests: %r of %r served" % (t["gov"]["served"], t["gov"]["offered"]))
# sizes from the trace: tokens per request near the trace's mean
rows = list(csv.DictReader(open(sys.argv[2])))
mean = sum(int(r["num_prefill_tokens"]) + int(r["num_decode_tokens"]) for r in rows) / len(rows)
got = t["traced"]["tokens_offered"] / t["traced"]["offered"]
if abs(got / mean - 1) > 0.15:
    sys.exit("traced tenant: %r tokens per request; the trace's mean is %r" % (got, mean))
EOF
echo "ok: tenant kinds (cloud block revenue, reserve, training, maintenance, trace sizes)"

# ---- the result store: --db (docs/fleet.md §5) ----------------------------------------
# two fleet runs and a risk run in one file; the rows give back the JSON
rm -f store.db
ok_to stored.json sim "$scenario" --json --db store.db
ok sim "$scenario" --json --db store.db --set fleet.seed=4 -o stored2.json
ok risk "$root/tests/data/risk-small.yaml" --quiet --draws 200 --db store.db -o risk.txt
ok_to runs.txt runs --db store.db
[ "$(grep -c ' fleet ' runs.txt)" -eq 2 ] && [ "$(grep -c ' risk ' runs.txt)" -eq 1 ] ||
    { cat runs.txt; fail "runs does not list two fleet runs and a risk run"; }
pycheck stored.json store.db <<'EOF'
import json, sqlite3, sys
d = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
runs = db.execute("SELECT id, kind, seed FROM runs ORDER BY id").fetchall()
if [r[1] for r in runs] != ["fleet", "fleet", "risk"] or runs[0][2] != 3 or runs[1][2] != 4:
    sys.exit("runs: %r" % runs)
h = d["hourly"]
rows = db.execute("SELECT hour, offered, served, rate_limited, rejected, timed_out, rented_gpus "
                  "FROM fleet_hourly WHERE run = 1 ORDER BY hour").fetchall()
if len(rows) != len(h["offered"]):
    sys.exit("fleet_hourly has %d rows for %d hours" % (len(rows), len(h["offered"])))
for r in rows:
    want = [h[k][r[0]] for k in ("offered", "served", "rate_limited", "rejected", "timed_out",
                                 "rented_gpus")]
    if list(r[1:]) != want:
        sys.exit("fleet_hourly hour %d: %r, the JSON %r" % (r[0], r[1:], want))
for name, series in h["by_tenant"].items():
    got = db.execute("SELECT offered, served, rate_limited, rejected, timed_out FROM "
                     "fleet_tenant_hourly WHERE run = 1 AND tenant = ? ORDER BY hour",
                     (name,)).fetchall()
    want = list(zip(*(series[k] for k in ("offered", "served", "rate_limited", "rejected",
                                          "timed_out"))))
    if [tuple(g) for g in got] != want:
        sys.exit("fleet_tenant_hourly %s: %r, the JSON %r" % (name, got, want))
for t in d["tenants"]:
    got = db.execute("SELECT offered, served, tokens_served FROM fleet_tenants WHERE run = 1 "
                     "AND tenant = ?", (t["name"],)).fetchone()
    if got != (t["offered"], t["served"], t["tokens_served"]):
        sys.exit("fleet_tenants %s: %r" % (t["name"], got))
print("store: %d hours, %d tenants' hourly rows, 3 runs in one file" %
      (len(rows), len(h["by_tenant"])))
EOF
# a file that is not a gigawatt store (or of another version) is refused untouched
for f in risk-foreign.sqlite risk-not-a-db.txt risk-other-version.sqlite; do
    cp "$root/tests/bad/$f" "$f"
    run sim "$scenario" --db "$f"
    [ "$rc" -eq 2 ] || { show; fail "sim --db $f: exit $rc, expected 2"; }
    [ "$(wc -l <err)" -eq 1 ] || { show; fail "sim --db $f: more than one line on stderr"; }
    cmp "$f" "$root/tests/bad/$f" || fail "sim --db $f changed the file"
done
echo "ok: result store"
