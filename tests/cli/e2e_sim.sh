#!/bin/sh
# tests/cli/e2e_sim.sh — `gigawatt sim`, end to end: a 200-request trace
# (tests/data/sim-200.csv) through the JSON, the per-request CSV (and its
# agreement with the JSON), determinism and -o, the trace options (--limit,
# --max-tokens, requests that never fit the KV cache), a synthetic workload
# from flags (seeds, replicas), the schedulers and routes, the capacity
# search, the text table, and the example scenario
# scenarios/sim-llama70b-h100.yaml with overrides.
#
# tests/data/sim-200.csv: 200 requests over 44 s, Poisson at 4/s with a burst
# at 20/s (requests 80-119); prompts 20-3000 tokens, outputs 2-600, and three
# long requests (rows 15, 90, 170: prompt + output 5100-5400 tokens). Every
# prompt is below 4096 tokens, vLLM's default prefill budget per batch.
. "$(dirname "$0")/lib.sh"
need_python

trace=$root/tests/data/sim-200.csv
scenario=$root/scenarios/sim-llama70b-h100.yaml
llama="--model llama-3.3-70b --accelerator h100-sxm --tp 2"
syn="$llama --requests 2000 --rate 5 --set sim.prompt=500 --set sim.output=100"

# ---- a trace: the JSON, and the per-request CSV against it -------------------------
# shellcheck disable=SC2086 # $llama is a list of words
ok_to trace.json sim $llama --replicas 2 --trace "$trace" --json --requests-csv trace.csv
[ -s trace.csv ] || fail "--requests-csv did not write trace.csv"
pycheck trace.json trace.csv "$trace" <<'EOF'
import csv, json, math, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2])))
src = list(csv.DictReader(open(sys.argv[3])))

def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

if d.get("kind") != "sim":
    sys.exit("kind is %r; expected 'sim'" % d.get("kind"))
i = d["inputs"]
for k, v in {"model": "llama-3.3-70b", "accelerator": "h100-sxm", "tp": 2, "replicas": 2,
             "accelerators": 4, "scheduler": "vllm", "route": "round-robin"}.items():
    if i.get(k) != v:
        sys.exit("inputs.%s is %r; expected %r" % (k, i.get(k), v))
n = len(src)
if d["requests"] != n:
    sys.exit("requests is %r; expected the trace's %d rows" % (d["requests"], n))
if d["rejected"] != 0:
    sys.exit("rejected is %r; every request of the trace fits" % d["rejected"])
if d["completed"] != d["requests"] - d["rejected"]:
    sys.exit("completed %r != requests %r - rejected %r"
             % (d["completed"], d["requests"], d["rejected"]))
for k in ("iterations", "events", "makespan_s", "requests_per_s", "output_tokens_per_s",
          "input_tokens_per_s", "energy_j", "mean_power_w", "busy_fraction", "kv_use_max"):
    if not num(d.get(k)) or d[k] <= 0:
        sys.exit("%s is %r; expected a positive number" % (k, d.get(k)))
for k in ("ttft_s", "tpot_s", "tbt_s", "e2e_s", "scheduling_delay_s", "batch_size"):
    s = d.get(k)
    if not isinstance(s, dict) or sorted(s) != sorted(["mean", "p50", "p90", "p99", "max"]):
        sys.exit("%s is %r; expected an object with mean, p50, p90, p99, max" % (k, s))
    if not all(num(s[q]) and s[q] >= 0 for q in s):
        sys.exit("%s: %r; expected numbers >= 0" % (k, s))
    if not s["p50"] <= s["p90"] <= s["p99"] <= s["max"]:
        sys.exit("%s: p50 %r, p90 %r, p99 %r, max %r; expected them in order"
                 % (k, s["p50"], s["p90"], s["p99"], s["max"]))
    if not s["mean"] <= s["max"]:
        sys.exit("%s: mean %r above max %r" % (k, s["mean"], s["max"]))
for k in ("ttft_s", "tpot_s", "tbt_s", "e2e_s"):
    if not d[k]["p50"] > 0:
        sys.exit("%s.p50 is %r; expected a positive latency" % (k, d[k]["p50"]))
if not d["e2e_s"]["max"] >= d["ttft_s"]["max"]:
    sys.exit("e2e_s.max %r below ttft_s.max %r" % (d["e2e_s"]["max"], d["ttft_s"]["max"]))
if not 0 < d["busy_fraction"] <= 1 or not 0 < d["kv_use_max"] <= 1:
    sys.exit("busy_fraction %r, kv_use_max %r; expected fractions" % (d["busy_fraction"], d["kv_use_max"]))

# the per-request CSV: the documented header, one row per request, in order
cols = ["id", "replica", "arrived_at", "prompt_tokens", "output_tokens", "scheduled_at",
        "first_token_at", "completed_at", "ttft_s", "tpot_s", "e2e_s", "restarts"]
if rows[0] != cols:
    sys.exit("CSV header is %r; expected %r" % (rows[0], cols))
body = [dict(zip(cols, r)) for r in rows[1:]]
if len(body) != n or any(len(r) != len(cols) for r in rows[1:]):
    sys.exit("CSV has %d rows; expected %d of %d fields" % (len(body), n, len(cols)))
# %.9g in the CSV: each value within 5e-9 of itself, relative
def close(a, b, scale):
    return abs(a - b) <= 1e-8 * max(abs(scale), 1e-300)
out_tokens, in_tokens, last_done, first_arrival = 0, 0, 0.0, float(src[0]["arrived_at"])
ttft = []
for k, (r, s) in enumerate(zip(body, src)):
    if int(r["id"]) != k:
        sys.exit("CSV row %d has id %r" % (k, r["id"]))
    if (not close(float(r["arrived_at"]), float(s["arrived_at"]), float(s["arrived_at"]))
            or int(r["prompt_tokens"]) != int(s["num_prefill_tokens"])
            or int(r["output_tokens"]) != int(s["num_decode_tokens"])):
        sys.exit("CSV row %d (%r) differs from the trace's (%r)" % (k, r, s))
    if not 0 <= int(r["replica"]) < 2:
        sys.exit("CSV row %d: replica %r; expected 0 or 1" % (k, r["replica"]))
    a, sch, ft, done = (float(r[c]) for c in ("arrived_at", "scheduled_at", "first_token_at",
                                              "completed_at"))
    if not a <= sch <= ft <= done:
        sys.exit("CSV row %d: arrived %r, scheduled %r, first token %r, completed %r; "
                 "expected them in order" % (k, a, sch, ft, done))
    t = float(r["ttft_s"])
    if not close(t, ft - a, ft):
        sys.exit("CSV row %d: ttft_s %r != first_token_at - arrived_at = %r" % (k, t, ft - a))
    if not close(float(r["e2e_s"]), done - a, done):
        sys.exit("CSV row %d: e2e_s %r != completed_at - arrived_at" % (k, r["e2e_s"]))
    if not close(float(r["tpot_s"]) * int(r["output_tokens"]), done - ft, done):
        sys.exit("CSV row %d: tpot_s %r x %s tokens != completed_at - first_token_at"
                 % (k, r["tpot_s"], r["output_tokens"]))
    ttft.append(t)
    out_tokens += int(r["output_tokens"])
    in_tokens += int(r["prompt_tokens"])
    last_done = max(last_done, done)

# the JSON's percentiles are type-7 quantiles of the same per-request values
ttft.sort()
def q7(v, p):
    pos = p * (len(v) - 1)
    k = int(pos)
    return v[-1] if k + 1 >= len(v) else v[k] + (pos - k) * (v[k + 1] - v[k])
for p, name in ((0.5, "p50"), (0.9, "p90"), (0.99, "p99")):
    got, want = q7(ttft, p), d["ttft_s"][name]
    # 1e-8: the CSV prints 9 significant digits
    if abs(got - want) > 1e-8 * want:
        sys.exit("ttft_s.%s is %r; the CSV's ttft_s column gives %r (rel. %.2g)"
                 % (name, want, got, abs(got - want) / want))
if not close(ttft[-1], d["ttft_s"]["max"], ttft[-1]):
    sys.exit("ttft_s.max %r; the CSV's max is %r" % (d["ttft_s"]["max"], ttft[-1]))

# throughput: the completed requests' tokens over the makespan (first arrival to last completion)
ms = d["makespan_s"]
if not close(ms, last_done - first_arrival, last_done):
    sys.exit("makespan_s %r; the CSV gives %r" % (ms, last_done - first_arrival))
for k, want in (("output_tokens_per_s", out_tokens / ms), ("input_tokens_per_s", in_tokens / ms),
                ("requests_per_s", d["completed"] / ms)):
    if abs(d[k] - want) > 1e-9 * want:
        sys.exit("%s is %r; expected %r (the CSV's sum / makespan_s)" % (k, d[k], want))

# the time series: four arrays of one length, every completion counted once
t = d.get("timeline")
if not isinstance(t, dict):
    sys.exit("no timeline object")
lens = {k: len(t[k]) for k in ("batch", "kv_use", "power_w", "completed")}
if len(set(lens.values())) != 1 or lens["batch"] < 2:
    sys.exit("timeline arrays have lengths %r; expected one length above 1" % lens)
if not num(t.get("width_s")) or t["width_s"] <= 0:
    sys.exit("timeline.width_s is %r" % t.get("width_s"))
if sum(t["completed"]) != d["completed"]:
    sys.exit("timeline.completed sums to %r; expected %r" % (sum(t["completed"]), d["completed"]))
if not t["width_s"] * lens["batch"] >= last_done:
    sys.exit("the timeline ends at %r s, before the last completion at %r s"
             % (t["width_s"] * lens["batch"], last_done))
print("trace: %d requests, %.1f output tok/s over %.1f s, TTFT p50 %.3f s p99 %.3f s"
      % (n, d["output_tokens_per_s"], ms, d["ttft_s"]["p50"], d["ttft_s"]["p99"]))
EOF

# ---- determinism and -o -----------------------------------------------------------------
# shellcheck disable=SC2086
ok_to again.json sim $llama --replicas 2 --trace "$trace" --json --requests-csv again.csv
cmp trace.json again.json || fail "two runs of sim --json differ"
cmp trace.csv again.csv || fail "two runs of sim --requests-csv differ"
# shellcheck disable=SC2086
ok sim $llama --replicas 2 --trace "$trace" --json -o sim.json
[ -s out ] && fail "sim -o FILE also wrote to stdout"
cmp trace.json sim.json || fail "sim -o FILE differs from sim's stdout"
# shellcheck disable=SC2086
ok_to trace.txt sim $llama --replicas 2 --trace "$trace"
# shellcheck disable=SC2086
ok sim $llama --replicas 2 --trace "$trace" -o sim.txt
cmp trace.txt sim.txt || fail "sim -o FILE (text) differs from sim's stdout"
# the per-request CSV does not depend on the output format
# shellcheck disable=SC2086
ok sim $llama --replicas 2 --trace "$trace" --requests-csv text.csv
cmp trace.csv text.csv || fail "--requests-csv differs between the text and the JSON output"

# a trace named in a scenario is found relative to the scenario, from anywhere
mkdir -p scen/data
cp "$trace" scen/data/t.csv
cat >scen/trace.yaml <<'EOF'
model: llama-3.3-70b
accelerator: h100-sxm
perf:
  tp: 2
sim:
  replicas: 2
  trace: data/t.csv
EOF
ok_to rel.json sim --json scen/trace.yaml
pycheck trace.json rel.json <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
if b["inputs"].get("trace") != "data/t.csv":
    sys.exit("inputs.trace is %r; expected the path as written, 'data/t.csv'" % b["inputs"].get("trace"))
for d in (a, b):
    d["inputs"].pop("trace")
if a != b:
    sys.exit("the trace named by a scenario gives other results than --trace")
EOF

# ---- trace options: --limit, --max-tokens, requests that never fit --------------------
# shellcheck disable=SC2086
ok_to limit.json sim $llama --trace "$trace" --limit 50 --json --requests-csv limit.csv
# shellcheck disable=SC2086
ok_to cut.json sim $llama --trace "$trace" --max-tokens 1000 --json --requests-csv cut.csv
# KV for 4000 tokens (250 blocks of 16, 2 kept free): the three long requests
# (5100-5400 tokens) can never be admitted; the next longest has 3257
# shellcheck disable=SC2086
ok_to kv.json sim $llama --trace "$trace" --kv-tokens 4000 --json --requests-csv kv.csv
# a context of 3000 tokens: the three long ones and three more (3038-3257 tokens)
# shellcheck disable=SC2086
ok_to ctx.json sim $llama --trace "$trace" --set sim.context_length=3000 --json
pycheck "$trace" limit.json limit.csv cut.json cut.csv kv.json kv.csv ctx.json <<'EOF'
import csv, json, sys
src = list(csv.DictReader(open(sys.argv[1])))
limit, cut, kv, ctx = (json.load(open(sys.argv[k])) for k in (2, 4, 6, 8))
limit_csv, cut_csv, kv_csv = (list(csv.DictReader(open(sys.argv[k]))) for k in (3, 5, 7))
P = [int(r["num_prefill_tokens"]) for r in src]
D = [int(r["num_decode_tokens"]) for r in src]

if limit["requests"] != 50 or len(limit_csv) != 50:
    sys.exit("--limit 50: %r requests, %d CSV rows; expected 50" % (limit["requests"], len(limit_csv)))
if [int(r["prompt_tokens"]) for r in limit_csv] != P[:50]:
    sys.exit("--limit 50: the requests are not the trace's first 50")

# Vidur's cut: the prompt shrinks by the excess (to 1 token at least), the output stays
want_cut = sum(1 for p, o in zip(P, D) if p + o > 1000)
if cut["prompts_cut"] != want_cut or cut["requests"] != len(src):
    sys.exit("--max-tokens 1000: prompts_cut %r of %r; expected %d of %d"
             % (cut["prompts_cut"], cut["requests"], want_cut, len(src)))
for r, p, o in zip(cut_csv, P, D):
    want = p if p + o <= 1000 else max(1, 1000 - o)
    if int(r["prompt_tokens"]) != want or int(r["output_tokens"]) != o:
        sys.exit("--max-tokens 1000: request %s has %s + %s tokens; expected %d + %d"
                 % (r["id"], r["prompt_tokens"], r["output_tokens"], want, o))

# never fitting is a rejection, not an error and not a wait
for d, csvr, name, cap in ((kv, kv_csv, "--kv-tokens 4000", 4000),
                           (ctx, None, "context_length 3000", 3000)):
    too_long = [k for k in range(len(src)) if P[k] + D[k] > cap]
    if d["rejected"] != len(too_long) or d["completed"] != d["requests"] - d["rejected"]:
        sys.exit("%s: %r rejected, %r completed of %r; expected %d rejected, the rest completed"
                 % (name, d["rejected"], d["completed"], d["requests"], len(too_long)))
    if not d["ttft_s"]["p50"] > 0:
        sys.exit("%s: ttft_s.p50 is %r" % (name, d["ttft_s"]["p50"]))
    if csvr is not None:
        empty = [int(r["id"]) for r in csvr if r["completed_at"] == ""]
        if empty != too_long:
            sys.exit("%s: CSV rows without times %r; expected the rejected %r" % (name, empty, too_long))
        for k in too_long:
            r = csvr[k]
            if r["replica"] != "-1" or any(r[c] != "" for c in ("scheduled_at", "first_token_at",
                                                                 "ttft_s", "tpot_s", "e2e_s")):
                sys.exit("%s: rejected request %d has the CSV row %r" % (name, k, r))
if kv["inputs"].get("kv_tokens_per_replica") != 4000:
    sys.exit("--kv-tokens 4000: inputs.kv_tokens_per_replica is %r" % kv["inputs"].get("kv_tokens_per_replica"))
print("--kv-tokens 4000: %d rejected; context 3000: %d rejected; --max-tokens 1000: %d cut"
      % (kv["rejected"], ctx["rejected"], cut["prompts_cut"]))
EOF

# ---- a synthetic workload from flags: seeds, replicas -----------------------------------
# shellcheck disable=SC2086 # $syn is a list of words
ok_to s7r2.json sim $syn --replicas 2 --seed 7 --json
# shellcheck disable=SC2086
ok_to s7r2-again.json sim $syn --replicas 2 --seed 7 --json
cmp s7r2.json s7r2-again.json || fail "two runs of a synthetic sim with --seed 7 differ"
# shellcheck disable=SC2086
ok_to s8r2.json sim $syn --replicas 2 --seed 8 --json
cmp -s s7r2.json s8r2.json && fail "--seed 8 gives the same JSON as --seed 7"
# shellcheck disable=SC2086
ok_to s7r1.json sim $syn --replicas 1 --seed 7 --json
# shellcheck disable=SC2086
ok_to s7r4.json sim $syn --replicas 4 --seed 7 --json
pycheck s7r1.json s7r2.json s7r4.json s8r2.json <<'EOF'
import json, sys
r1, r2, r4, s8 = (json.load(open(f)) for f in sys.argv[1:5])
for d, reps in ((r1, 1), (r2, 2), (r4, 4), (s8, 2)):
    i = d["inputs"]
    if i.get("replicas") != reps or i.get("accelerators") != 2 * reps or i.get("rate") != 5:
        sys.exit("replicas %r, accelerators %r, rate %r; expected %d, %d, 5"
                 % (i.get("replicas"), i.get("accelerators"), i.get("rate"), reps, 2 * reps))
    if d["requests"] != 2000 or d["completed"] != 2000 or d["rejected"] != 0:
        sys.exit("%d replicas: %r requests, %r completed, %r rejected; expected 2000 all completed"
                 % (reps, d["requests"], d["completed"], d["rejected"]))
    # fixed 500 / 100 tokens: throughput is 100 tokens per completed request
    if abs(d["output_tokens_per_s"] - 100 * d["requests_per_s"]) > 1e-9 * d["output_tokens_per_s"]:
        sys.exit("output_tokens_per_s %r is not 100 x requests_per_s %r"
                 % (d["output_tokens_per_s"], d["requests_per_s"]))
    # 2000 arrivals at 5/s: about 400 s
    if not 300 < d["makespan_s"] < 600:
        sys.exit("%d replicas: makespan_s %r; expected about 400 s" % (reps, d["makespan_s"]))
# more replicas at the same rate: no longer a wait for the first token
for a, b, what in ((r1, r2, "1 -> 2"), (r2, r4, "2 -> 4")):
    if b["ttft_s"]["p90"] > a["ttft_s"]["p90"] * (1 + 1e-9):
        sys.exit("replicas %s: p90 TTFT rose from %r to %r" % (what, a["ttft_s"]["p90"], b["ttft_s"]["p90"]))
if s8["ttft_s"] == r2["ttft_s"] and s8["makespan_s"] == r2["makespan_s"]:
    sys.exit("--seed 8 and --seed 7 give the same latencies")
print("synthetic 2000 x 500/100 at 5/s: p90 TTFT %.3f / %.3f / %.3f s on 1 / 2 / 4 replicas"
      % (r1["ttft_s"]["p90"], r2["ttft_s"]["p90"], r4["ttft_s"]["p90"]))
EOF

# ---- schedulers and routes ------------------------------------------------------------
# One replica, the burst of long prompts: vLLM runs whole prefills first and
# stalls the decodes; Sarathi's 512-token chunks ride with them.
# shellcheck disable=SC2086
ok_to vllm.json sim $llama --trace "$trace" --scheduler vllm --json
# shellcheck disable=SC2086
ok_to sarathi.json sim $llama --trace "$trace" --scheduler sarathi --json
for route in round-robin least-outstanding kv-aware; do
    # shellcheck disable=SC2086
    ok_to "route-$route.json" sim $llama --replicas 2 --trace "$trace" --route $route --json
done
pycheck vllm.json sarathi.json route-round-robin.json route-least-outstanding.json \
        route-kv-aware.json trace.json <<'EOF'
import json, sys
vllm, sarathi, rr, lo, kv, base = (json.load(open(f)) for f in sys.argv[1:7])
for d, sched in ((vllm, "vllm"), (sarathi, "sarathi")):
    if d["inputs"].get("scheduler") != sched:
        sys.exit("--scheduler %s: inputs.scheduler is %r" % (sched, d["inputs"].get("scheduler")))
    if d["completed"] != d["requests"] or d["rejected"] != 0:
        sys.exit("%s: %r of %r completed; expected all" % (sched, d["completed"], d["requests"]))
if sarathi["inputs"].get("max_batched_tokens") != 512 or vllm["inputs"].get("max_batched_tokens") != 4096:
    sys.exit("default max_batched_tokens: sarathi %r, vllm %r; expected 512 and 4096"
             % (sarathi["inputs"].get("max_batched_tokens"), vllm["inputs"].get("max_batched_tokens")))
if not sarathi["tbt_s"]["max"] <= vllm["tbt_s"]["max"]:
    sys.exit("max TBT: sarathi %r s, vllm %r s; expected no larger with chunked prefill"
             % (sarathi["tbt_s"]["max"], vllm["tbt_s"]["max"]))
for d, route in ((rr, "round-robin"), (lo, "least-outstanding"), (kv, "kv-aware")):
    if d["inputs"].get("route") != route:
        sys.exit("--route %s: inputs.route is %r" % (route, d["inputs"].get("route")))
    if d["completed"] != d["requests"] - d["rejected"] or d["completed"] != 200:
        sys.exit("--route %s: %r completed, %r rejected of %r" % (route, d["completed"], d["rejected"], d["requests"]))
if rr != base:
    sys.exit("--route round-robin differs from the default route")
if kv["ttft_s"] == rr["ttft_s"] and lo["ttft_s"] == rr["ttft_s"]:
    sys.exit("the three routes give the same TTFT; the route is not used")
print("max TBT: vllm %.3f s, sarathi %.3f s; p90 TTFT by route: %.3f / %.3f / %.3f s"
      % (vllm["tbt_s"]["max"], sarathi["tbt_s"]["max"], rr["ttft_s"]["p90"],
         lo["ttft_s"]["p90"], kv["ttft_s"]["p90"]))
EOF

# ---- the capacity search ------------------------------------------------------------------
# shellcheck disable=SC2086
ok_to cap.json sim $syn --replicas 2 --seed 7 --capacity --ttft-target 2 --quantile 0.9 --json
# shellcheck disable=SC2086
ok_to cap-tight.json sim $syn --replicas 2 --seed 7 --capacity --ttft-target 0.5 --quantile 0.9 --json
# shellcheck disable=SC2086
ok_to cap-tbt.json sim $syn --replicas 2 --seed 7 --capacity --ttft-target 2 --tbt-target 0.1 --quantile 0.99 --json
pycheck cap.json cap-tight.json cap-tbt.json s7r2.json <<'EOF'
import json, sys
cap, tight, tbt, base = (json.load(open(f)) for f in sys.argv[1:5])
for d, name, ttft, tb in ((cap, "TTFT 2 s", 2, None), (tight, "TTFT 0.5 s", 0.5, None),
                          (tbt, "TTFT 2 s, TBT 0.1 s", 2, 0.1)):
    c = d.get("capacity")
    if not isinstance(c, dict):
        sys.exit("%s: no capacity object" % name)
    for k in ("rate_scale", "requests_per_s", "ttft_s", "tbt_s", "simulations"):
        if not isinstance(c.get(k), (int, float)) or not c[k] > 0:
            sys.exit("%s: capacity.%s is %r; expected a positive number" % (name, k, c.get(k)))
    if not c["ttft_s"] <= ttft:
        sys.exit("%s: capacity.ttft_s %r above the target" % (name, c["ttft_s"]))
    if tb is not None and not c["tbt_s"] <= tb:
        sys.exit("%s: capacity.tbt_s %r above the target" % (name, c["tbt_s"]))
    # the base run is the same simulation with or without the search
    rest = dict(d)
    del rest["capacity"]
    if rest != base:
        sys.exit("%s: the results besides capacity differ from the run without --capacity" % name)
if not tight["capacity"]["requests_per_s"] <= cap["capacity"]["requests_per_s"]:
    sys.exit("a tighter TTFT target gives more capacity: %r > %r req/s"
             % (tight["capacity"]["requests_per_s"], cap["capacity"]["requests_per_s"]))
if "capacity" in base:
    sys.exit("a capacity object without --capacity")
print("capacity at p90 TTFT 2 s: %.2f req/s (x%.2f); at 0.5 s: %.2f req/s"
      % (cap["capacity"]["requests_per_s"], cap["capacity"]["rate_scale"],
         tight["capacity"]["requests_per_s"]))
EOF

# ---- the text table -----------------------------------------------------------------------
for line in "requests" "throughput" "mean / p50 / p90 / p99" "TTFT" "TPOT" "TBT" "E2E" \
            "scheduling delay" "batch size" "KV cache in use" "energy (IT)" \
            "energy per output token" "cost per million output tokens"; do
    contains "$line" trace.txt
done
contains "200 completed, 0 rejected" trace.txt
contains "2 replicas, vllm scheduler, round-robin routing" trace.txt
grep -q '{' trace.txt && fail "sim text output looks like JSON"
grep -E -q '^ +TTFT +[0-9.e+-]+ / [0-9.e+-]+ / [0-9.e+-]+ / [0-9.e+-]+ s$' trace.txt ||
    fail "the TTFT row is not 'mean / p50 / p90 / p99 s'"
grep -E -q '^ +TPOT +[0-9.e+-]+ / [0-9.e+-]+ / [0-9.e+-]+ / [0-9.e+-]+ ms$' trace.txt ||
    fail "the TPOT row is not 'mean / p50 / p90 / p99 ms'"
# shellcheck disable=SC2086
ok_to cap.txt sim $syn --replicas 2 --seed 7 --capacity --ttft-target 2
contains "capacity at the targets" cap.txt
grep -q "capacity" trace.txt && fail "the capacity row without --capacity"

# ---- an unwritable --requests-csv: a bad path (exit 2), no result -----------------------------
# shellcheck disable=SC2086
run sim $llama --trace "$trace" --requests-csv "$scratch/no/such/dir/r.csv"
if [ "$rc" -ne 2 ] || [ -s out ] || [ "$(wc -l <err | tr -d " ")" -ne 1 ]; then
    show
    fail "--requests-csv into a missing directory: expected exit 2, one stderr line, no stdout"
fi
contains "$scratch/no/such/dir/r.csv" err

# ---- the example scenario, and overrides of it -------------------------------------------------
ok_to scen.txt sim "$scenario"
for line in "TTFT" "TPOT" "TBT" "E2E" "throughput" "4 replicas, vllm scheduler, least-outstanding routing"; do
    contains "$line" scen.txt
done
ok_to scen.json sim --json "$scenario"
ok_to scen8.json sim --json --set sim.replicas=8 "$scenario"
ok_to scen8-flag.json sim --json --replicas 8 "$scenario"
ok_to scen-sarathi.json sim --json --scheduler sarathi "$scenario"
cp "$scenario" local.yaml
ok_to scen-local.json sim --json local.yaml
cmp scen.json scen-local.json || fail "sim --json of the scenario depends on its path"
pycheck scen.json scen8.json scen8-flag.json scen-sarathi.json <<'EOF'
import json, sys
scen, s8, flag, sar = (json.load(open(f)) for f in sys.argv[1:5])
i = scen["inputs"]
want = {"model": "llama-3.3-70b", "accelerator": "h100-sxm", "system": "dgx-h100", "tp": 2,
        "precision": "fp8", "replicas": 4, "accelerators": 8, "scheduler": "vllm",
        "route": "least-outstanding"}
for k, v in want.items():
    if i.get(k) != v:
        sys.exit("scenario: inputs.%s is %r; expected %r" % (k, i.get(k), v))
if scen["completed"] != scen["requests"] or scen["rejected"] != 0:
    sys.exit("scenario: %r of %r completed" % (scen["completed"], scen["requests"]))
for k in ("usd_per_hour", "usd_per_million_output_tokens", "joules_per_output_token"):
    if not isinstance(scen.get(k), (int, float)) or not scen[k] > 0:
        sys.exit("scenario: %s is %r; expected a positive number (dgx-h100 prices it)" % (k, scen.get(k)))
for d, how in ((s8, "--set sim.replicas=8"), (flag, "--replicas 8")):
    if d["inputs"].get("replicas") != 8 or d["inputs"].get("accelerators") != 16:
        sys.exit("%s: replicas %r, accelerators %r" % (how, d["inputs"].get("replicas"), d["inputs"].get("accelerators")))
    if d == scen:
        sys.exit("%s does not change the result" % how)
    if d["ttft_s"]["p90"] > scen["ttft_s"]["p90"]:
        sys.exit("%s: p90 TTFT %r above the 4 replicas' %r" % (how, d["ttft_s"]["p90"], scen["ttft_s"]["p90"]))
if s8 != flag:
    sys.exit("--set sim.replicas=8 and --replicas 8 give different results")
if sar["inputs"].get("scheduler") != "sarathi" or not sar["tbt_s"]["max"] <= scen["tbt_s"]["max"]:
    sys.exit("--scheduler sarathi: scheduler %r, max TBT %r (vllm %r)"
             % (sar["inputs"].get("scheduler"), sar["tbt_s"]["max"], scen["tbt_s"]["max"]))
print("scenario: p90 TTFT %.3f s on 4 replicas, %.3f s on 8; %.0f output tok/s"
      % (scen["ttft_s"]["p90"], s8["ttft_s"]["p90"], scen["output_tokens_per_s"]))
EOF

# ---- closed loop (docs/sim.md §2.3): C in flight, a request issued as one completes ------
closed="$llama --replicas 2 --set sim.mode=closed-loop --set sim.concurrency=16
 --set sim.input_tokens=800 --set sim.output_tokens=200 --set sim.length_low=0.8
 --set sim.requests=300 --set sim.warmup=20"
# shellcheck disable=SC2086 # word lists
ok_to closed.json sim $closed --json --requests-csv closed.csv
# shellcheck disable=SC2086
ok_to closed2.json sim $closed --json
cmp closed.json closed2.json || fail "a closed loop is not deterministic"
# shellcheck disable=SC2086
ok_to closed.txt sim $closed
for line in "closed loop: 16 in flight" "TPOT (E2E - TTFT) / (out - 1)" "in+out / all GPUs" \
    "output / all GPUs" "out / decode GPUs" "Little's law"; do
    contains "$line" closed.txt
done
pycheck closed.json closed.csv <<'EOF'
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
i = d["inputs"]
for k, v in {"mode": "closed-loop", "concurrency": 16, "input_tokens": 800, "output_tokens": 200,
             "length_low": 0.8, "warmup": 20, "replicas": 2, "accelerators": 4}.items():
    if i.get(k) != v:
        sys.exit("closed: inputs.%s is %r; expected %r" % (k, i.get(k), v))
if d["requests"] != 300 or d["completed"] != 300 or d["measured"] != 280 or len(rows) != 300:
    sys.exit("closed: %r issued, %r completed, %r measured, %d rows; expected 300, 300, 280"
             % (d["requests"], d["completed"], d["measured"], len(rows)))
# the client: 16 start at 0, each later one at an earlier request's completion;
# never more than 16 in flight
done = sorted(float(r["completed_at"]) for r in rows)
ev = sorted([(float(r["arrived_at"]), 1) for r in rows] + [(t, -1) for t in done],
            key=lambda e: (e[0], e[1]))
inflight = peak = 0
for _, x in ev:
    inflight += x
    peak = max(peak, inflight)
if peak != 16:
    sys.exit("closed: %d in flight at the peak; expected 16" % peak)
starts = [float(r["arrived_at"]) for r in rows]
if starts[:16] != [0.0] * 16 or not all(t in set(done) for t in starts[16:]):
    sys.exit("closed: a request not issued at 0 or at a completion")
for r in rows:
    p, o = int(r["prompt_tokens"]), int(r["output_tokens"])
    if not (640 <= p <= 800 and 160 <= o <= 200):
        sys.exit("closed: lengths %d/%d outside [0.8, 1] x 800/200" % (p, o))
    e2e, ttft = float(r["e2e_s"]), float(r["ttft_s"])
    if abs(float(r["tpot_s"]) - (e2e - ttft) / (o - 1)) > 1e-9 * e2e:
        sys.exit("closed: tpot_s %s is not (e2e - ttft)/(output - 1)" % r["tpot_s"])
t = d["tokens_per_s_per_gpu"]
if abs(t["output_all_gpus"] * 4 - d["output_tokens_per_s"]) > 1e-9 * d["output_tokens_per_s"]:
    sys.exit("closed: output tok/s per GPU %r x 4 GPUs != %r" % (t["output_all_gpus"], d["output_tokens_per_s"]))
io = d["output_tokens_per_s"] + d["input_tokens_per_s"]
if abs(t["input_output_all_gpus"] * 4 - io) > 1e-9 * io or t["output_decode_gpus"] != t["output_all_gpus"]:
    sys.exit("closed: per-GPU definitions %r" % t)
if not 14 < d["concurrency_mean"] <= 16:
    sys.exit("closed: Little's law gives %r in flight; expected just under 16" % d["concurrency_mean"])
print("closed loop: %.0f output tok/s per GPU, %.1f in flight" % (t["output_all_gpus"], d["concurrency_mean"]))
EOF

# ---- disaggregated prefill/decode (docs/sim.md §3.6) ----------------------------------------
disagg="$llama --set sim.mode=closed-loop --set sim.concurrency=32 --set sim.input_tokens=2000
 --set sim.output_tokens=100 --set sim.requests=200 --set sim.disagg.prefill.workers=1
 --set sim.disagg.decode.workers=3 --set sim.disagg.kv_link_bandwidth=25GB/s
 --set sim.disagg.kv_handover=20ms"
# shellcheck disable=SC2086
ok_to disagg.json sim $disagg --json
pycheck disagg.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
g = d["inputs"]["disagg"]
if (g["prefill"]["workers"], g["decode"]["workers"], d["gpus"], d["decode_gpus"]) != (1, 3, 8, 6):
    sys.exit("disagg: pools %r, %r GPUs, %r decode GPUs" % (g, d["gpus"], d["decode_gpus"]))
# every request moves 2000 tokens of KV over 25 GB/s, then the 20 ms hand-over
want = 2000 * g["kv_bytes_per_token"] / 25e9 + 0.020
if abs(d["kv_transfer_mean_s"] - want) > 1e-12 or g["kv_bytes_per_token"] != 163840:
    sys.exit("disagg: transfer %r s, expected %r (KV %r B/token)" % (d["kv_transfer_mean_s"], want, g["kv_bytes_per_token"]))
if d["completed"] != 200 or not d["ttft_s"]["p50"] > want:
    sys.exit("disagg: %r completed, TTFT p50 %r" % (d["completed"], d["ttft_s"]["p50"]))
t = d["tokens_per_s_per_gpu"]
if abs(t["output_decode_gpus"] * 6 - t["output_all_gpus"] * 8) > 1e-9 * t["output_all_gpus"]:
    sys.exit("disagg: per-GPU definitions %r" % t)
print("disagg 1P3D: transfer %.1f ms, TTFT p50 %.3f s, %.0f output tok/s per decode GPU"
      % (1e3 * d["kv_transfer_mean_s"], d["ttft_s"]["p50"], t["output_decode_gpus"]))
EOF

# The Sarathi budget caps a decode pool's batch (docs/sim.md §3.2): 32
# clients on 3 decode replicas of budget 8 decode at most 8 an iteration;
# the text says so, the JSON carries the cap.
# shellcheck disable=SC2086
ok_to capped.txt sim $disagg --scheduler sarathi --set sim.disagg.decode.max_batched_tokens=8
contains "decode pool: decode batch capped at 8 sequences an iteration: max_batched_tokens 8 at 1 token a sequence (max_running 128)" capped.txt
# shellcheck disable=SC2086
ok_to capped.json sim $disagg --scheduler sarathi --set sim.disagg.decode.max_batched_tokens=8 --json
pycheck capped.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if d["inputs"]["decode_batch_cap"] != 8 or d["batch_size"]["max"] > 8 or d["completed"] != 200:
    sys.exit("capped decode pool: cap %r, batch max %r, %r completed"
             % (d["inputs"]["decode_batch_cap"], d["batch_size"]["max"], d["completed"]))
EOF

# ---- the perf: section's deployment in the simulator: MTP (§3.7) and perf.disagg (§3.6) ----
r1="--model deepseek-r1 --accelerator gb200 --set perf.precision=fp8 --set perf.mtp=3
 --set sim.mode=closed-loop --set sim.concurrency=64 --set sim.input_tokens=1000
 --set sim.output_tokens=1000 --set sim.requests=256"
# shellcheck disable=SC2086
ok_to mtp.json sim $r1 --tp 8 --set perf.ep=8 --json
# shellcheck disable=SC2086
ok_to pdisagg.json sim $r1 --set perf.disagg.prefill.workers=1 --set perf.disagg.prefill.tp=8 \
    --set perf.disagg.prefill.ep=8 --set perf.disagg.decode.workers=1 \
    --set perf.disagg.decode.attention_dp=8 --set perf.disagg.decode.ep=8 --json
pycheck mtp.json pdisagg.json <<'EOF'
import json, sys
m, d = (json.load(open(f)) for f in sys.argv[1:3])
i = m["inputs"]
if i.get("spec_tokens") != 3 or not 1 < i.get("spec_accept_length", 0) <= 4:
    sys.exit("mtp: spec_tokens %r, spec_accept_length %r" % (i.get("spec_tokens"), i.get("spec_accept_length")))
# ~256 x 1000 sequence-steps / 2.8: the mean tokens per step within 3% of the acceptance
if abs(m["tokens_per_decode_step"] / i["spec_accept_length"] - 1) > 0.03:
    sys.exit("mtp: %r tokens per decode step, acceptance length %r"
             % (m["tokens_per_decode_step"], i["spec_accept_length"]))
g = d["inputs"]["disagg"]
if (g["prefill"]["tp"], g["decode"]["attention_dp"], g["decode"]["replicas"], d["gpus"],
        d["decode_gpus"]) != (8, 8, 8, 16, 8):
    sys.exit("perf.disagg in sim: pools %r, %r GPUs" % (g, d["gpus"]))
if abs(g["kv_handover_s"] - 0.168) > 1e-12 or g["kv_bytes_per_token"] != 35136:
    sys.exit("perf.disagg in sim: hand-over %r, KV %r B/token (R1 FP8 MLA: 35,136)"
             % (g["kv_handover_s"], g["kv_bytes_per_token"]))
print("DeepSeek-R1 MTP3: %.3f tokens a step (acceptance %.3f); 1P(TP8) + 1D(DEP8): %.0f out tok/s per decode GPU"
      % (m["tokens_per_decode_step"], i["spec_accept_length"], d["tokens_per_s_per_gpu"]["output_decode_gpus"]))
EOF

# ---- Ctrl-C: a long run stops cleanly, says so, writes nothing -----------------------
"$gw" sim "$root/scenarios/sim-llama70b-h100.yaml" --requests 4000000 --rate 2000 \
    -o never.json >int.out 2>int.err &
pid=$!
sleep 2
kill -INT $pid
wait $pid
irc=$?
[ "$irc" -eq 130 ] || { cat int.err; fail "sim after Ctrl-C: exit $irc, expected 130"; }
[ "$(wc -l <int.err)" -eq 1 ] || { cat int.err; fail "sim after Ctrl-C: not one line on stderr"; }
grep -q "^gigawatt: stopped at [0-9]* of 4000000 requests completed; nothing written$" int.err ||
    { cat int.err; fail "sim after Ctrl-C: not the stopped line"; }
[ ! -e never.json ] || fail "an interrupted sim wrote its output"
echo "PASS"
