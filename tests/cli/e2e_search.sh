#!/bin/sh
# tests/cli/e2e_search.sh — `gigawatt search`, end to end: DeepSeek-R1 on a
# GB200 NVL72 at 1k/1k with TTFT/TPOT targets (the issue's bar case): the
# JSON's keys, a front that is sorted and non-dominated within the budget,
# the best meeting the targets and beating every front point that does;
# the metric flag, aggregated-only mode, CSV, text, the HTML report drawn
# from --html and from saved JSON, a scenario's search: section,
# determinism, and the refusals (MTP on a model without an MTP head, an
# unknown mode or metric) as one line with exit 2; --engine picks the stack.
. "$(dirname "$0")/lib.sh"
need_python

r1="--model deepseek-r1 --system gb200-nvl72 --input-tokens 1000 --output-tokens 1000"
targets="--ttft-slo 2 --tpot-slo 0.05"

# ---- the bar case: keys, the front, the best ----------------------------------
# shellcheck disable=SC2086 # word lists
ok_to r1.json search $r1 $targets --json
# shellcheck disable=SC2086
ok_to r1-again.json search $r1 $targets --json
cmp -s r1.json r1-again.json || fail "the same search gave different JSON"
pycheck r1.json <<'EOF'
import json, math, sys
d = json.load(open(sys.argv[1]))
if d.get("kind") != "config-search":
    sys.exit("kind is %r; expected 'config-search'" % d.get("kind"))
for k in ("inputs", "targets", "front", "best", "candidates_evaluated", "metric"):
    if k not in d:
        sys.exit("no %r in the result" % k)
if d["inputs"]["gpus"] != 72 or d["inputs"]["domain"] != 72:
    sys.exit("gpus %r domain %r; expected the NVL72's 72" % (d["inputs"]["gpus"], d["inputs"]["domain"]))
if d["targets"] != {"ttft_s": 2, "tpot_s": 0.05}:
    sys.exit("targets %r; expected the flags' 2 s and 0.05 s" % d["targets"])
if d["metric"] != "io" or not d["candidates_evaluated"] > 100:
    sys.exit("metric %r, %r candidates" % (d["metric"], d["candidates_evaluated"]))
front = d["front"]
if len(front) < 3:
    sys.exit("a front of %d points" % len(front))
for i, p in enumerate(front):
    for k in ("tokens_per_s_per_gpu", "tokens_per_s_per_user", "ttft_s", "tpot_s", "concurrency"):
        if not (isinstance(p[k], (int, float)) and math.isfinite(p[k]) and p[k] > 0):
            sys.exit("front[%d].%s is %r" % (i, k, p[k]))
    if p["gpus"] > 72:
        sys.exit("front[%d] uses %r GPUs of 72" % (i, p["gpus"]))
    if p["ttft_s"] > 2:
        sys.exit("front[%d] misses the TTFT target (%r s): the front holds points within it" % (i, p["ttft_s"]))
    if p["tokens_per_s_per_gpu"] != p["tps_gpu_io"]:
        sys.exit("front[%d]: tokens/s per GPU is not the input+output definition" % i)
    pool = p["decode"] if p["mode"] == "disagg" else p["workers"]
    if pool["ep"] != pool["tp"] * pool["attention_dp"]:
        sys.exit("front[%d]: ep %r is not tp x attention-DP" % (i, pool["ep"]))
    if i and not (p["tokens_per_s_per_user"] > front[i - 1]["tokens_per_s_per_user"] and
                  p["tokens_per_s_per_gpu"] < front[i - 1]["tokens_per_s_per_gpu"]):
        sys.exit("front[%d] is out of order or dominated" % i)
b = d["best"]
if not b or not b["meets_targets"] or b["ttft_s"] > 2 or b["tpot_s"] > 0.05:
    sys.exit("best %r does not meet the targets" % b)
for p in front:
    if p["meets_targets"] and p["tokens_per_s_per_gpu"] > b["tokens_per_s_per_gpu"]:
        sys.exit("a front point meeting the targets beats the best per GPU")
if b not in front:
    sys.exit("the best is not on the front")
EOF

# ---- the metric, the mode --------------------------------------------------------
# shellcheck disable=SC2086
ok_to out.json search $r1 --metric out --mode agg --json
pycheck out.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if d["metric"] != "out" or d["inputs"]["mode"] != "agg":
    sys.exit("metric %r mode %r" % (d["metric"], d["inputs"]["mode"]))
for p in d["front"]:
    if p["mode"] != "agg" or p["prefill"] is not None:
        sys.exit("a %r point in an aggregated-only search" % p["mode"])
    if p["tokens_per_s_per_gpu"] != p["tps_gpu_out"]:
        sys.exit("--metric out: tokens/s per GPU is not the output definition")
if d["targets"] != {"ttft_s": None, "tpot_s": None}:
    sys.exit("targets %r; expected none" % d["targets"])
if not d["best"] or d["best"]["tokens_per_s_per_gpu"] != d["front"][0]["tokens_per_s_per_gpu"]:
    sys.exit("without targets the best is the front's fastest per GPU")
EOF

# ---- CUDA graphs (docs/model.md §7.2.3): aggregated DeepSeek steps that mix a
# prompt pay the stack's eager time unless the recipe graphs them piecewise,
# so piecewise serves at least as much per GPU, and the input is echoed
# shellcheck disable=SC2086
ok_to pw.json search $r1 --metric out --mode agg --cuda-graphs piecewise --json
pycheck out.json pw.json <<'EOF'
import json, sys
d, p = (json.load(open(f)) for f in sys.argv[1:3])
if d["inputs"]["cuda_graphs"] != "decode" or p["inputs"]["cuda_graphs"] != "piecewise":
    sys.exit("cuda_graphs %r / %r" % (d["inputs"]["cuda_graphs"], p["inputs"]["cuda_graphs"]))
if not p["best"]["tokens_per_s_per_gpu"] > d["best"]["tokens_per_s_per_gpu"]:
    sys.exit("piecewise graphs serve %r per GPU, graphed decode only %r; expected more"
             % (p["best"]["tokens_per_s_per_gpu"], d["best"]["tokens_per_s_per_gpu"]))
EOF

# docs/model.md §7.4.2: the search prices a dataset's spread of outputs as
# perf does — the KV cache then holds fewer sequences (perf's kv_fit) — and
# takes the closed-loop length draw it advertises; the inputs are echoed
l70p="--model llama-3.3-70b --accelerator h100-sxm --count 2 --input-tokens 2000 --output-tokens 8000"
l70="$l70p --mode agg"
# shellcheck disable=SC2086
ok_to fixed.json search $l70 --json
# shellcheck disable=SC2086
ok_to spread.json search $l70 --output-tokens-cv 1.25 --kv-policy reserve --json
# shellcheck disable=SC2086
ok_to spreadperf.json perf $l70p --tp 2 --output-tokens-cv 1.25 --json
# shellcheck disable=SC2086
ok_to drawn.json search $l70 --length-low 0.8 --json
pycheck fixed.json spread.json spreadperf.json drawn.json <<'EOF'
import json, sys
f, s, p, d = (json.load(open(x)) for x in sys.argv[1:5])
fit = p["batch_limit"]["kv_fit"]
most = max(q["batch_per_rank"] for q in s["front"])
if most > fit:
    sys.exit("the search runs %r sequences a rank with the spread; perf's KV holds %r" % (most, fit))
if not most < max(q["batch_per_rank"] for q in f["front"]):
    sys.exit("the spread did not lower the largest batch on the front")
i = s["inputs"]
if (i["output_tokens_cv"], i["kv_policy"], i["length_low"]) != (1.25, "reserve", 1):
    sys.exit("inputs not echoed: %r" % i)
if d["inputs"]["length_low"] != 0.8 or f["inputs"]["expert_activation_precision"] is not None:
    sys.exit("length_low / expert_activation_precision echo: %r" % d["inputs"])
EOF

# ---- CSV and text ------------------------------------------------------------------
# shellcheck disable=SC2086
ok_to front.csv search $r1 $targets --csv
pycheck front.csv r1.json <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
d = json.load(open(sys.argv[2]))
if len(rows) != len(d["front"]):
    sys.exit("%d CSV rows for a front of %d" % (len(rows), len(d["front"])))
if sum(int(r["best"]) for r in rows) != 1:
    sys.exit("the CSV flags %d rows as the best; expected one" % sum(int(r["best"]) for r in rows))
for r, p in zip(rows, d["front"]):
    if abs(float(r["tokens_per_s_per_gpu"]) / p["tokens_per_s_per_gpu"] - 1) > 1e-12:
        sys.exit("CSV and JSON disagree")
EOF
# shellcheck disable=SC2086
ok search $r1 $targets
contains "best under the targets:" out
contains "Pareto front (" out
contains "deepseek-r1 on 72 x gb200 (scale-up domain 72)" out
contains "targets: TTFT <= 2,000 ms, TPOT <= 50 ms" out

# ---- the report: --html, and from saved JSON ----------------------------------------
# shellcheck disable=SC2086
ok search $r1 $targets --html r1.html
contains "Pareto front: tokens/s per GPU against tokens/s per user" r1.html
contains "<svg class='chart'" r1.html
ok report r1.json -o saved.html
contains "serving configuration search" saved.html

# ---- a scenario with a search: section ------------------------------------------------
cat >s.yaml <<'EOF'
name: search from a scenario
model: deepseek-r1
system: gb200-nvl72
perf: {count: 36, input_tokens: 1000, output_tokens: 1000, tpot_slo: 50 ms}
search: {mode: disagg, metric: decode, domain: 36}
EOF
ok_to s.json search s.yaml --json
pycheck s.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
i = d["inputs"]
if (i["gpus"], i["domain"], i["mode"], d["metric"]) != (36, 36, "disagg", "decode"):
    sys.exit("inputs %r metric %r; expected the scenario's 36, 36, disagg, decode" % (i, d["metric"]))
for p in d["front"]:
    if p["mode"] != "disagg" or p["gpus"] > 36:
        sys.exit("a %r point on %r GPUs" % (p["mode"], p["gpus"]))
    if p["tokens_per_s_per_gpu"] != p["tps_decode_gpu_out"]:
        sys.exit("metric decode: tokens/s per GPU is not output over decode GPUs")
EOF

# ---- the engine picks the efficiency stack (perf.engine) --------------------------------
# shellcheck disable=SC2086
ok_to sglang.json search $r1 --engine sglang --mode agg --mtp 1 --json
pycheck sglang.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if d["inputs"]["efficiency"] != "nvidia-blackwell-sglang" or d["inputs"]["mtp_max"] != 1:
    sys.exit("inputs %r; expected the sglang stack and MTP up to 1" % d["inputs"])
if max(p["mtp"] for p in d["front"]) > 1:
    sys.exit("a front point with more draft tokens than --mtp 1")
EOF

# ---- refusals: one line, exit 2 --------------------------------------------------------
for bad in "--mtp 2:has no draft head" "--mode both-ways:mode" \
           "--metric tokens:metric"; do
    flag=${bad%%:*}
    msg=${bad#*:}
    # shellcheck disable=SC2086
    run search --model llama-3.3-70b --accelerator h100-sxm --input-tokens 100 \
        --output-tokens 10 $flag
    [ "$rc" -eq 2 ] || { show; fail "search $flag: exit $rc; expected 2"; }
    [ "$(wc -l <err)" -eq 1 ] || { show; fail "search $flag: not one line on stderr"; }
    contains "$msg" err
done
exit 0
