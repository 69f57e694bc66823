#!/bin/sh
# tests/cli/e2e_perf.sh — `gigawatt perf`, end to end: the keys and the
# arithmetic of its JSON (replicas, per-GPU figures), latency targets
# (met, or infeasible with exit 0), precisions, training against the
# Llama 3.1 405B model card, the text table, determinism and -o, and the
# example scenario scenarios/perf-llama70b-h100.yaml with overrides, and the
# frontier serving settings (closed loop, disaggregation, the three
# tokens/s-per-GPU definitions, the engine, DEP, MTP).
#
# The two sanity bands are calibration points, not tuning targets:
#   - Llama 3.3 70B, 2 x H100 SXM at TP2, FP8, 1000 in / 1000 out tokens:
#     4205 output tokens/s measured with trtllm-bench (data/perf/
#     measurements.csv, trtllm10.h100-sxm.llama-3.3-70b.tp2.1000-1000);
#     the model must be within 25 %.
#   - Llama 3.1 405B pre-training, 16,384 H100s at TP8 PP16 on 15.6T tokens:
#     30.84 M H100-hours (meta-llama/llama-models MODEL_CARD.md), about
#     54 days of the main pre-training run (arXiv:2407.21783); at MFU 0.4
#     the model must give 60-90 days and GPU-hours within 20 %.
. "$(dirname "$0")/lib.sh"
need_python

scenario=$root/scenarios/perf-llama70b-h100.yaml
llama70="--model llama-3.3-70b --tp 2 --input-tokens 1000 --output-tokens 1000"
infer="$llama70 --accelerator h100-sxm"
train="--train --model llama-3.1-405b --accelerator h100-sxm --count 16384 --tp 8 --pp 16 --tokens 15.6e12"

# ---- inference: keys, finiteness, per-GPU arithmetic, calibration band ----------
# shellcheck disable=SC2086 # $infer is a list of words
ok_to two.json perf $infer --count 2 --json
# shellcheck disable=SC2086
ok_to four.json perf $infer --count 4 --json
pycheck two.json four.json <<'EOF'
import json, math, sys
two = json.load(open(sys.argv[1]))
four = json.load(open(sys.argv[2]))

def positive(d, name, keys):
    for k in keys:
        v = d.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
            sys.exit("%s: %s is %r; expected a positive finite number" % (name, k, v))

keys = ["prefill_s", "decode_step_s", "max_batch", "tokens_per_s", "tokens_per_s_per_gpu",
        "ttft_s", "tpot_s", "joules_per_token", "usd_per_million_tokens"]
for d, name in ((two, "count 2"), (four, "count 4")):
    if d.get("kind") != "perf":
        sys.exit("%s: kind is %r; expected 'perf'" % (name, d.get("kind")))
    if d.get("feasible") is not True:
        sys.exit("%s: feasible is %r; expected true (no latency targets)" % (name, d.get("feasible")))
    positive(d, name, keys)
    if d["max_batch"] != int(d["max_batch"]):
        sys.exit("%s: max_batch %r is not a whole number" % (name, d["max_batch"]))

def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b))

t, g = two["tokens_per_s"], two["tokens_per_s_per_gpu"]
if rel(t, 2 * g) > 1e-9:
    sys.exit("count 2: tokens_per_s %r is not 2 x tokens_per_s_per_gpu %r" % (t, g))
# the calibration point (a sanity band, not a tuning target)
if not 0.75 * 4205 <= t <= 1.25 * 4205:
    sys.exit("count 2: tokens_per_s %.1f is not within 25%% of the measured 4205" % t)

# two replicas: twice the throughput, the same per GPU and per token
if rel(four["tokens_per_s"], 2 * t) > 1e-12:
    sys.exit("count 4: tokens_per_s %r is not twice %r" % (four["tokens_per_s"], t))
for k in ("tokens_per_s_per_gpu", "max_batch", "ttft_s", "tpot_s", "joules_per_token",
          "usd_per_million_tokens"):
    if rel(four[k], two[k]) > 1e-12:
        sys.exit("count 4: %s is %r; expected the same as with one replica (%r)"
                 % (k, four[k], two[k]))
if four["inputs"].get("dp") != 2 or two["inputs"].get("dp") != 1:
    sys.exit("dp is %r and %r; expected 1 and 2 replicas"
             % (two["inputs"].get("dp"), four["inputs"].get("dp")))
print("llama-3.3-70b 2xH100 TP2: %.1f tok/s (measured 4205), %.1f per GPU, %.3g USD/M tokens"
      % (t, g, two["usd_per_million_tokens"]))
EOF

# ---- latency targets: met, or infeasible (still exit 0) ---------------------------
# bare numbers are seconds
# shellcheck disable=SC2086
ok_to slo.json perf $infer --count 2 --ttft-slo 2 --tpot-slo 0.2 --json
# shellcheck disable=SC2086
ok_to tight.json perf $infer --count 2 --tpot-slo 0.04 --json
# shellcheck disable=SC2086
ok_to none.json perf $infer --count 2 --tpot-slo 0.001 --json
pycheck two.json slo.json tight.json none.json <<'EOF'
import json, math, sys
free, slo, tight, none = (json.load(open(f)) for f in sys.argv[1:5])
for d, name, ttft, tpot in ((slo, "2 s / 0.2 s", 2, 0.2), (tight, "TPOT 0.04 s", None, 0.04)):
    if d.get("feasible") is not True:
        sys.exit("%s: feasible is %r; expected true" % (name, d.get("feasible")))
    if d["inputs"].get("tpot_slo_s") != tpot:
        sys.exit("%s: inputs.tpot_slo_s is %r; expected %r (a bare number is seconds)"
                 % (name, d["inputs"].get("tpot_slo_s"), tpot))
    if d["inputs"].get("ttft_slo_s") != ttft:
        sys.exit("%s: inputs.ttft_slo_s is %r; expected %r" % (name, d["inputs"].get("ttft_slo_s"), ttft))
    if ttft is not None and not d["ttft_s"] <= ttft:
        sys.exit("%s: ttft_s %r exceeds the target %r" % (name, d["ttft_s"], ttft))
    if not d["tpot_s"] <= tpot:
        sys.exit("%s: tpot_s %r exceeds the target %r" % (name, d["tpot_s"], tpot))
    if not 0 < d["tokens_per_s"] <= free["tokens_per_s"]:
        sys.exit("%s: tokens_per_s %r; expected above 0 and at most the unconstrained %r"
                 % (name, d["tokens_per_s"], free["tokens_per_s"]))
# 0.04 s binds (the offline TPOT is above it): a smaller batch, fewer tokens/s
if not free["tpot_s"] > 0.04:
    sys.exit("the offline tpot_s %r is already below 0.04 s; the binding-target check "
             "needs a tighter target" % free["tpot_s"])
if not (tight["batch"] < free["batch"] and tight["tokens_per_s"] < free["tokens_per_s"]):
    sys.exit("TPOT 0.04 s: batch %r, %r tok/s; expected fewer than the offline %r, %r"
             % (tight["batch"], tight["tokens_per_s"], free["batch"], free["tokens_per_s"]))
# 1 ms per token is out of reach: reported, not an error
if none.get("feasible") is not False:
    sys.exit("TPOT 0.001 s: feasible is %r; expected false" % none.get("feasible"))
why = none.get("infeasible")
if not isinstance(why, str) or not why.strip():
    sys.exit("TPOT 0.001 s: infeasible is %r; expected a non-empty explanation" % (why,))
if "tokens_per_s" not in none or none["tokens_per_s"] is not None:
    sys.exit("TPOT 0.001 s: tokens_per_s is %r; expected null" % (none.get("tokens_per_s"),))
print("TPOT 0.04 s: batch %d, %.1f tok/s; TPOT 1 ms: %s" % (tight["batch"], tight["tokens_per_s"], why))
EOF
# the text says so too
# shellcheck disable=SC2086
ok_to none.txt perf $infer --count 2 --tpot-slo 0.001
contains "infeasible" none.txt

# ---- precisions -----------------------------------------------------------------
# shellcheck disable=SC2086
ok_to fp4.json perf $llama70 --accelerator b200 --count 2 --precision fp4 --json
# shellcheck disable=SC2086
ok_to fp4x4.json perf $llama70 --accelerator b200 --count 8 --precision fp4 --json
# shellcheck disable=SC2086
ok_to bf16.json perf $infer --count 2 --precision bf16 --json
# shellcheck disable=SC2086
ok_to fp8.json perf $infer --count 2 --precision fp8 --json
pycheck fp4.json fp4x4.json bf16.json fp8.json two.json <<'EOF'
import json, math, sys
fp4, fp4x4, bf16, fp8, dflt = (json.load(open(f)) for f in sys.argv[1:6])
for d, name, prec in ((fp4, "b200 fp4", "fp4"), (fp4x4, "b200 fp4 x4", "fp4"),
                      (bf16, "h100 bf16", "bf16"), (fp8, "h100 fp8", "fp8")):
    if d["inputs"].get("precision") != prec:
        sys.exit("%s: inputs.precision is %r; expected %r" % (name, d["inputs"].get("precision"), prec))
    for k in ("tokens_per_s", "tokens_per_s_per_gpu", "max_batch"):
        v = d.get(k)
        if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            sys.exit("%s: %s is %r; expected a positive finite number" % (name, k, v))
if fp4["inputs"].get("accelerator") != "b200":
    sys.exit("b200 fp4: accelerator is %r" % fp4["inputs"].get("accelerator"))
# four replicas of the same: four times the tokens/s
if abs(fp4x4["tokens_per_s"] - 4 * fp4["tokens_per_s"]) > 1e-12 * fp4x4["tokens_per_s"]:
    sys.exit("b200 fp4: 8 GPUs give %r tok/s; expected 4 x %r"
             % (fp4x4["tokens_per_s"], fp4["tokens_per_s"]))
# FP8 is the H100 default
if dflt["inputs"].get("precision") != "fp8" or fp8["tokens_per_s"] != dflt["tokens_per_s"]:
    sys.exit("h100: the default precision is %r; expected fp8" % dflt["inputs"].get("precision"))
# BF16 weights take twice the bytes: less HBM left for KV, a smaller batch
wb, w8 = bf16["memory"]["weights_per_gpu_bytes"], fp8["memory"]["weights_per_gpu_bytes"]
if not 1.9 * w8 < wb < 2.1 * w8:
    sys.exit("h100: bf16 weights %r bytes per GPU; expected about twice fp8's %r" % (wb, w8))
if not bf16["max_batch"] < fp8["max_batch"]:
    sys.exit("h100: bf16 max_batch %r is not smaller than fp8's %r" % (bf16["max_batch"], fp8["max_batch"]))
if not bf16["tokens_per_s"] < fp8["tokens_per_s"]:
    sys.exit("h100: bf16 gives %r tok/s, fp8 %r; expected fewer with bf16"
             % (bf16["tokens_per_s"], fp8["tokens_per_s"]))
print("max batch: h100 bf16 %d, fp8 %d; b200 fp4 %d" % (bf16["max_batch"], fp8["max_batch"], fp4["max_batch"]))
EOF

# ---- training: Llama 3.1 405B on 16,384 H100s -----------------------------------
# shellcheck disable=SC2086
ok_to train.json perf $train --mfu 0.4 --json
# shellcheck disable=SC2086
ok_to train-pred.json perf $train --json
pycheck train.json train-pred.json <<'EOF'
import json, math, sys
given, pred = (json.load(open(f)) for f in sys.argv[1:3])
for d, name in ((given, "--mfu 0.4"), (pred, "predicted MFU")):
    if d.get("kind") != "perf":
        sys.exit("%s: kind is %r; expected 'perf'" % (name, d.get("kind")))
    for k in ("train_days", "gpu_hours", "mfu", "mfu_predicted", "energy_wh"):
        v = d.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
            sys.exit("%s: %s is %r; expected a positive finite number" % (name, k, v))
    # GPU-hours are days x 24 x GPUs
    gh = d["train_days"] * 24 * 16384
    if abs(d["gpu_hours"] - gh) > 1e-9 * gh:
        sys.exit("%s: gpu_hours %r is not train_days x 24 x 16384 = %r" % (name, d["gpu_hours"], gh))
if given["mfu"] != 0.4:
    sys.exit("--mfu 0.4: mfu is %r; expected 0.4" % given["mfu"])
days, gh = given["train_days"], given["gpu_hours"]
if not 60 <= days <= 90:
    sys.exit("--mfu 0.4: train_days %.1f outside 60-90" % days)
if not 0.8 * 30.84e6 <= gh <= 1.2 * 30.84e6:
    sys.exit("--mfu 0.4: gpu_hours %.4g not within 20%% of the model card's 30.84e6" % gh)
if pred["mfu"] != pred["mfu_predicted"]:
    sys.exit("without --mfu: mfu %r differs from mfu_predicted %r" % (pred["mfu"], pred["mfu_predicted"]))
if pred["mfu_predicted"] != given["mfu_predicted"]:
    sys.exit("mfu_predicted depends on --mfu: %r and %r" % (pred["mfu_predicted"], given["mfu_predicted"]))
if not 0 < pred["mfu"] < 1:
    sys.exit("without --mfu: mfu %r is not a fraction" % pred["mfu"])
# the same job at a lower MFU takes proportionally longer (before interruptions)
if pred["mfu"] < 0.4 and not pred["train_days"] > days:
    sys.exit("MFU %r < 0.4 but %r days <= %r" % (pred["mfu"], pred["train_days"], days))
print("llama-3.1-405b: %.1f days, %.2f M GPU-hours at MFU 0.4 (model card 30.84 M); "
      "predicted MFU %.3f" % (days, gh / 1e6, pred["mfu_predicted"]))
EOF

# ---- --max-batch wins over the engine's default cap (issue 14 item 3) -----------------
# vLLM's default max_num_seqs on an 80 GB H100 is 1024; the KV cache of 8 x H100
# holds ~2,190 sequences of 1000 + 1000/2 tokens. --max-batch 2048 must raise the
# cap (not be ignored), and the output must say which cap bound the batch.
vllm="--model llama-3.3-70b --accelerator h100-sxm --count 8 --tp 8 --input-tokens 1000 --output-tokens 1000 --engine vllm"
# shellcheck disable=SC2086
ok_to cap-default.json perf $vllm --json
# shellcheck disable=SC2086
ok_to cap-flag.json perf $vllm --max-batch 2048 --json
# shellcheck disable=SC2086
ok_to cap-small.json perf $vllm --max-batch 64 --json
# shellcheck disable=SC2086
ok_to cap-slo.json perf $vllm --tpot-slo 0.03 --json
# shellcheck disable=SC2086
ok_to cap-loop.json perf $vllm --max-batch 2048 --concurrency 2048 --json
# shellcheck disable=SC2086
ok_to cap-flag.txt perf $vllm --max-batch 2048
contains "batch bound by                     max-batch setting (max_num_seqs 2,048" cap-flag.txt
# shellcheck disable=SC2086
ok perf $vllm --html cap.html
grep -q "batch bound by engine default (max_num_seqs 1,024" cap.html ||
    fail "the perf report does not say the engine's default cap bound the batch"
pycheck cap-default.json cap-flag.json cap-small.json cap-slo.json cap-loop.json <<'EOF2'
import json, sys
dflt, flag, small, slo, loop = (json.load(open(f)) for f in sys.argv[1:6])
def want(name, d, bound, cap, src):
    l = d["batch_limit"]
    if (l["bound"], l["engine_cap"], l["engine_cap_from"]) != (bound, cap, src):
        sys.exit("%s: batch_limit %r; expected %s, cap %s from %s" % (name, l, bound, cap, src))
want("default", dflt, "engine default", 1024, "engine default")
want("--max-batch 2048", flag, "max-batch setting", 2048, "max-batch setting")
want("--max-batch 64", small, "max-batch setting", 64, "max-batch setting")
want("--tpot-slo", slo, "latency target", 1024, "engine default")
if dflt["max_batch"] != 1024 or flag["max_batch"] != 2048 or small["max_batch"] != 64:
    sys.exit("max_batch %r / %r / %r; expected 1024, 2048 (the flag wins), 64"
             % (dflt["max_batch"], flag["max_batch"], small["max_batch"]))
if not flag["batch_limit"]["kv_fit"] > 2048:
    sys.exit("kv_fit %r; expected the KV cache to hold more than 2048" % flag["batch_limit"]["kv_fit"])
s = loop["serving"]
if s["engine_cap"] != 2048 or not s["batch_per_rank"] > 1024:
    sys.exit("closed loop at 2048 clients: cap %r, batch %r; expected the flag's 2048 to let "
             "it pass vLLM's 1024" % (s["engine_cap"], s["batch_per_rank"]))
print("vllm max_num_seqs: default 1024 (%s), --max-batch 2048 -> %d (%s), closed loop batch %.0f"
      % (dflt["batch_limit"]["bound"], flag["max_batch"], flag["batch_limit"]["bound"],
         s["batch_per_rank"]))
EOF2

# ---- known large errors are stated (issue 14 item 4) -----------------------------------
# DeepSeek-R1 on H200 under TensorRT-LLM, aggregated, is a partition of
# docs/perf-validation.md whose check rows are off by a median beyond 25 %:
# text and JSON say so with the table's numbers; Llama 3.1 70B on B200 under
# vLLM is within 25 % (null). The table, data/perf/known-errors.csv and this
# output come from one place (perf/validation compares the CSV).
r1="--model deepseek-r1 --accelerator h200 --count 8 --ep 8 --attention-dp 8 --precision fp8 --input-tokens 1000 --output-tokens 1000 --concurrency 256"
# shellcheck disable=SC2086
ok_to caveat.json perf $r1 --json
# shellcheck disable=SC2086
ok_to caveat.txt perf $r1
contains "known large error in deepseek-r1 h200 trtllm agg" caveat.txt
contains "measured serving runs: median error TTFT" caveat.txt
# A partition of one predicted run states that run's error, not a median.
ok_to onerun.txt perf --model deepseek-r1 --accelerator gb200 --count 8 --tp 1 --ep 8 \
    --precision fp4 --input-tokens 1000 --output-tokens 1000
contains "deepseek-r1 gb200 trtllm agg: 1 measured serving run: error TTFT" onerun.txt
ok_to nocaveat.json perf --model llama-3.1-70b --accelerator b200 --count 8 --tp 8 --engine vllm \
    --input-tokens 1000 --output-tokens 1000 --json
pycheck caveat.json nocaveat.json "$root/docs/perf-validation.md" <<'EOF2'
import json, re, sys
c = json.load(open(sys.argv[1]))["caveat"]
if json.load(open(sys.argv[2]))["caveat"] is not None:
    sys.exit("llama-3.1-70b b200 vllm agg is within 25 %; expected caveat null")
if not c or c["partition"] != "deepseek-r1 h200 trtllm agg":
    sys.exit("caveat %r; expected the deepseek-r1 h200 trtllm agg partition" % c)
row = None
for line in open(sys.argv[3]):
    cells = [x.strip().strip("*") for x in line.split("|")[1:-1]]
    if cells and cells[0] == c["partition"]:
        row = cells
if not row:
    sys.exit("no row %r in docs/perf-validation.md" % c["partition"])
pct = lambda s: float(s.rstrip("%"))
want = {("median_abs_error", "ttft"): row[5], ("signed_median", "ttft"): row[6],
        ("median_abs_error", "tpot"): row[7], ("signed_median", "tpot"): row[8]}
for (k, m), cell in want.items():
    if abs(100 * c[k][m] - pct(cell)) > 0.051:
        sys.exit("caveat %s.%s %r; docs/perf-validation.md says %s" % (k, m, c[k][m], cell))
if int(row[3]) - int(row[4]) != c["n"]:
    sys.exit("caveat n %r; the table has %s check rows, %s unpredictable" % (c["n"], row[3], row[4]))
if not max(c["median_abs_error"].values()) > c["threshold"] == 0.25:
    sys.exit("caveat %r is not beyond 25 %%" % c)
print("caveat: %s, n %d, TTFT %+.1f%%, TPOT %+.1f%%" % (c["partition"], c["n"],
      100 * c["signed_median"]["ttft"], 100 * c["signed_median"]["tpot"]))
EOF2

# A configuration whose serving partition has no predicted row (the
# flagship's disaggregated deployment, on GB300) still states the benchmark
# throughput rows of its model x accelerator x engine, with the numbers of
# docs/perf-validation.md "By model, accelerator and engine" (on GB200 they
# are within 25 % since data/perf/serving-findings.md 25: no caveat).
ok_to flagship.json perf "$root/scenarios/frontier-lab-30gw.yaml" --accelerator gb300 --json
ok_to flagship.txt perf "$root/scenarios/frontier-lab-30gw.yaml" --accelerator gb300
contains "benchmark runs of this model, accelerator and engine: median throughput error" flagship.txt
pycheck flagship.json "$root/docs/perf-validation.md" <<'EOF2'
import json, sys
c = json.load(open(sys.argv[1]))["caveat"]
if not c or c["partition"] != "deepseek-r1 gb300 trtllm disagg":
    sys.exit("caveat %r; expected the flagship's partition" % c)
if c["median_abs_error"]["ttft"] is not None or c["n"] != 0:
    sys.exit("caveat %r: the partition has no predicted row" % c)
row = None
for line in open(sys.argv[2]):
    cells = [x.strip() for x in line.split("|")[1:-1]]
    if cells[:3] == ["deepseek-r1", "gb300", "trtllm"]:
        row = cells
if not row:
    sys.exit("no deepseek-r1 gb300 trtllm row in docs/perf-validation.md")
if int(row[3]) != c["throughput_n"] or \
        abs(100 * c["median_abs_error"]["throughput"] - float(row[4].rstrip("%"))) > 0.051 or \
        abs(100 * c["signed_median"]["throughput"] - float(row[5].rstrip("%"))) > 0.051:
    sys.exit("caveat throughput %r; docs/perf-validation.md says %r" % (c, row))
if not c["median_abs_error"]["throughput"] > c["threshold"]:
    sys.exit("throughput error %r not beyond the threshold" % c)
print("flagship caveat: %d benchmark runs, throughput %+.1f%%" % (
      c["throughput_n"], 100 * c["signed_median"]["throughput"]))
EOF2

# ---- training defaults scale with the cluster (issue 14 item 1) -----------------------
# Llama 3.1 405B on 99,840 GB200 at TP8 PP16: the default batch grows with data
# parallelism (within the published 16M-62.9M tokens), virtual stages cut the
# bubble, and the MFU lands near Llama 3's published 38-43 % (docs/model.md
# §8.2); the step's shares add up to 100 %. Llama 3's own 8k and 16k runs
# (Table 4: 43 % and 41 %) with the same defaults.
big="--train --model llama-3.1-405b --accelerator gb200 --count 99840 --tp 8 --pp 16 --tokens 4.1e13"
# shellcheck disable=SC2086
ok_to big.json perf $big --json
# shellcheck disable=SC2086
ok_to big.txt perf $big
# shellcheck disable=SC2086
ok_to l3-8k.json perf --train --model llama-3.1-405b --accelerator h100-sxm --count 8192 --tp 8 --pp 16 --tokens 15.6e12 --json
pycheck big.json train-pred.json l3-8k.json big.txt <<'EOF2'
import json, re, sys
big, l16, l8 = (json.load(open(f)) for f in sys.argv[1:4])
t = big["inputs"]["training"]
if not t["global_batch_default"] or not 16 * 2**20 < t["global_batch_tokens"] <= 15360 * 4096:
    sys.exit("99840 gb200: default global batch %r; expected above 16M, at most 62.9M tokens"
             % t["global_batch_tokens"])
if t["virtual_stages"] < 2 or big["pipeline_bubble_fraction"] > 0.35:
    sys.exit("99840 gb200: %r virtual stages, bubble %r; expected interleaving and a bubble "
             "<= 35 %%" % (t["virtual_stages"], big["pipeline_bubble_fraction"]))
for name, d, lo, hi in (("99840 gb200", big, 0.36, 0.45), ("llama 3 16k h100", l16, 0.38, 0.44),
                        ("llama 3 8k h100", l8, 0.38, 0.45)):
    if not lo <= d["mfu"] <= hi:
        sys.exit("%s: MFU %.3f outside %.2f-%.2f (published 38-43 %%)" % (name, d["mfu"], lo, hi))
    sh = d["step_shares"]
    total = sum(sh.values())
    if abs(total - 1) > 1e-9 or any(not 0 <= v <= 1 for v in sh.values()):
        sys.exit("%s: step shares %r add up to %r; expected fractions summing to 1" % (name, sh, total))
    if abs(sh["model_flops"] - d["mfu_predicted"]) > 1e-12:
        sys.exit("%s: model_flops share %r is not the MFU %r" % (name, sh["model_flops"], d["mfu"]))
if l16["inputs"]["training"]["global_batch_tokens"] != 16 * 2**20:
    sys.exit("llama 3 16k: global batch %r; expected Llama 3's 16M tokens"
             % l16["inputs"]["training"]["global_batch_tokens"])
text = open(sys.argv[4]).read()
row = re.search(r"step time \(predicted\) +(.*)", text)
if not row:
    sys.exit("training text has no 'step time (predicted)' row")
shares = [float(x) for x in re.findall(r"([0-9.]+)%", row.group(1))]
if len(shares) != 4 or abs(sum(shares) - 100) > 0.25:
    sys.exit("step time row %r: shares %r do not add up to 100 %%" % (row.group(1), shares))
print("99840 gb200: MFU %.3f, batch %.1f M tokens, v %d, bubble %.3f; llama 3 8k %.3f, 16k %.3f"
      % (big["mfu"], t["global_batch_tokens"] / 1e6, t["virtual_stages"],
         big["pipeline_bubble_fraction"], l8["mfu"], l16["mfu"]))
EOF2

# ---- the text table --------------------------------------------------------------
# shellcheck disable=SC2086
ok_to two.txt perf $infer --count 2
for line in "Inference:" "weights per GPU" "KV cache per token" "max batch" "prefill, one prompt" \
            "decode step at max batch" "output tokens/s" "TTFT" "TPOT" "tokens/s per GPU" \
            "tokens/s per MW" "energy per token" "cost per million tokens" "tokens per USD"; do
    contains "$line" two.txt
done
grep -q '{' two.txt && fail "perf text output looks like JSON"
# shellcheck disable=SC2086
ok_to slo.txt perf $infer --count 2 --ttft-slo 2 --tpot-slo 0.2
contains "at the latency targets" slo.txt
# shellcheck disable=SC2086
ok_to train.txt perf $train --mfu 0.4
for line in "Training:" "MFU" "GPU-hours" "energy (IT)" "cost"; do
    contains "$line" train.txt
done
grep -E -q 'MFU +40(\.0)?%' train.txt || fail "training text does not show the given MFU of 40 %"

# ---- determinism and -o ------------------------------------------------------------
# shellcheck disable=SC2086
ok_to again.json perf $infer --count 2 --json
cmp two.json again.json || fail "two runs of perf --json differ"
# shellcheck disable=SC2086
ok_to again.txt perf $infer --count 2
cmp two.txt again.txt || fail "two runs of perf differ"
# shellcheck disable=SC2086
ok_to train-again.json perf $train --mfu 0.4 --json
cmp train.json train-again.json || fail "two runs of perf --train --json differ"
# shellcheck disable=SC2086
ok perf $infer --count 2 --json -o perf.json
[ -s out ] && fail "perf -o FILE also wrote to stdout"
cmp two.json perf.json || fail "perf -o FILE differs from perf's stdout"
# shellcheck disable=SC2086
ok perf $infer --count 2 -o perf.txt
cmp two.txt perf.txt || fail "perf -o FILE (text) differs from perf's stdout"

# ---- the example scenario, and overrides of it ----------------------------------------
ok_to scen.json perf --json "$scenario"
ok_to scen16.json perf --json --set perf.count=16 "$scenario"
ok_to scen-flag.json perf --json --count 16 "$scenario"
ok_to scen-tight.json perf --json --tpot-slo 0.04 "$scenario"
ok_to scen.txt perf "$scenario"
contains "cost per million tokens" scen.txt
cp "$scenario" local.yaml
ok_to scen-local.json perf --json local.yaml
cmp scen.json scen-local.json || fail "perf --json depends on the scenario's path"
pycheck scen.json scen16.json scen-flag.json scen-tight.json two.json <<'EOF'
import json, sys
scen, scen16, flag, tight, two = (json.load(open(f)) for f in sys.argv[1:6])
i = scen["inputs"]
want = {"model": "llama-3.3-70b", "accelerator": "h100-sxm", "count": 8, "tp": 2, "pp": 1,
        "dp": 4, "input_tokens": 1000, "output_tokens": 1000}
for k, v in want.items():
    if i.get(k) != v:
        sys.exit("scenario: inputs.%s is %r; expected %r" % (k, i.get(k), v))
for k in ("ttft_slo_s", "tpot_slo_s"):
    if not isinstance(i.get(k), (int, float)) or i[k] <= 0:
        sys.exit("scenario: inputs.%s is %r; expected a latency target" % (k, i.get(k)))
if scen.get("feasible") is not True:
    sys.exit("scenario: feasible is %r; expected true" % scen.get("feasible"))
if not scen["ttft_s"] <= i["ttft_slo_s"] or not scen["tpot_s"] <= i["tpot_slo_s"]:
    sys.exit("scenario: TTFT %r / TPOT %r above the targets" % (scen["ttft_s"], scen["tpot_s"]))
# four TP2 replicas of the 2-GPU calibration setup: at most four times its tokens/s
if scen["tokens_per_s"] > 4 * two["tokens_per_s"] * (1 + 1e-12):
    sys.exit("scenario: %r tok/s is more than 4 x the one-replica %r" % (scen["tokens_per_s"], two["tokens_per_s"]))
t = scen["tokens_per_s"]
for d, how in ((scen16, "--set perf.count=16"), (flag, "--count 16")):
    if d["inputs"].get("count") != 16 or d["inputs"].get("dp") != 8:
        sys.exit("%s: count %r, dp %r; expected 16 and 8" % (how, d["inputs"].get("count"), d["inputs"].get("dp")))
    if abs(d["tokens_per_s"] - 2 * t) > 1e-12 * d["tokens_per_s"]:
        sys.exit("%s: %r tok/s; expected twice the scenario's %r" % (how, d["tokens_per_s"], t))
if scen16 != flag:
    sys.exit("--set perf.count=16 and --count 16 give different results")
if tight["inputs"].get("tpot_slo_s") != 0.04:
    sys.exit("--tpot-slo 0.04: inputs.tpot_slo_s is %r; the flag did not override the file"
             % tight["inputs"].get("tpot_slo_s"))
if not (tight["tpot_s"] <= 0.04 and tight["tokens_per_s"] < t):
    sys.exit("--tpot-slo 0.04: TPOT %r, %r tok/s; expected <= 0.04 s and fewer than %r"
             % (tight["tpot_s"], tight["tokens_per_s"], t))
print("scenario: %.0f tok/s on 8 GPUs, %.0f on 16" % (t, scen16["tokens_per_s"]))
EOF
# ---- the engine picks the efficiency stack -------------------------------------
# shellcheck disable=SC2086
ok_to eng-trt.json perf $infer --count 2 --engine trtllm --json
# shellcheck disable=SC2086
ok_to eng-sgl.json perf $infer --count 2 --engine sglang --json
# shellcheck disable=SC2086
ok_to eng-vllm.json perf $infer --count 2 --engine vllm --json
pycheck two.json eng-trt.json eng-sgl.json eng-vllm.json <<'EOF'
import json, sys
plain, trt, sgl, vllm = (json.load(open(f)) for f in sys.argv[1:5])
ids = {}
for d, engine in ((trt, "trtllm"), (sgl, "sglang"), (vllm, "vllm")):
    st = d.get("efficiency_stack") or {}
    if d["inputs"].get("engine") != engine or st.get("engine") != engine:
        sys.exit("--engine %s: inputs.engine %r, stack engine %r" % (engine, d["inputs"].get("engine"), st.get("engine")))
    if st.get("generation") != "hopper" or d["inputs"].get("efficiency") != st.get("id"):
        sys.exit("--engine %s: stack %r on an H100; expected a hopper stack, named in inputs" % (engine, st))
    ids[engine] = st["id"]
if len(set(ids.values())) != 3:
    sys.exit("the three engines share stacks: %r" % ids)
# the H100's own stack is TensorRT-LLM's: --engine trtllm changes no number
if ids["trtllm"] != plain["inputs"]["efficiency"] or trt["tokens_per_s"] != plain["tokens_per_s"]:
    sys.exit("--engine trtllm: stack %r, %r tok/s; expected the default %r, %r"
             % (ids["trtllm"], trt["tokens_per_s"], plain["inputs"]["efficiency"], plain["tokens_per_s"]))
if sgl["tokens_per_s"] == trt["tokens_per_s"] and vllm["tokens_per_s"] == trt["tokens_per_s"]:
    sys.exit("the engine changed the stack but no number")
print("H100 Llama 3.3 70B TP2 stacks: %s; tok/s trtllm %.0f, sglang %.0f, vllm %.0f"
      % (", ".join(sorted(ids.values())), trt["tokens_per_s"], sgl["tokens_per_s"], vllm["tokens_per_s"]))
EOF

# ---- frontier serving: closed loop, disaggregation, the three per-GPU rates -------
# DeepSeek-R1 FP4 on B200: aggregated TP8 at 1 and 64 clients; 1 prefill TP8
# worker + 2 decode TP8/EP8 workers, from flags and from a scenario file.
r1="--model deepseek-r1 --accelerator b200 --precision fp4 --input-tokens 1000 --output-tokens 1000"
pools="--prefill-tp 8 --prefill-workers 1 --decode-tp 8 --decode-ep 8 --decode-workers 2"
# shellcheck disable=SC2086
ok_to c1.json perf $r1 --count 8 --tp 8 --ep 8 --concurrency 1 --json
# shellcheck disable=SC2086
ok_to c64.json perf $r1 --count 8 --tp 8 --ep 8 --concurrency 64 --json
# shellcheck disable=SC2086
ok_to dis.json perf $r1 $pools --concurrency 256 --json
# shellcheck disable=SC2086
ok_to dis.txt perf $r1 $pools --concurrency 256
cat > dis.yaml <<'YAML'
model: deepseek-r1
accelerator: b200
perf:
  precision: fp4
  input_tokens: 1000
  output_tokens: 1000
  concurrency: 256
  disagg:
    prefill: {tp: 8, workers: 1}
    decode: {tp: 8, ep: 8, workers: 2}
YAML
ok_to dis-file.json perf dis.yaml --json
for label in "input+output over all GPUs (InferenceX)" "output over all GPUs" \
    "output over decode GPUs (LMSYS/DeepSeek)" "KV transfer per request" "memory per decode GPU"; do
    contains "$label" dis.txt
done
pycheck two.json c1.json c64.json dis.json dis-file.json <<'EOF'
import json, math, sys
plain, c1, c64, dis, dfile = (json.load(open(f)) for f in sys.argv[1:6])

def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b))

# no frontier setting: none of the frontier members (the output as it was)
for k in ("serving", "disagg", "efficiency_stack", "memory_per_gpu"):
    if k in plain:
        sys.exit("no frontier setting, yet the JSON has %r" % k)
keys = ("ttft_s", "tpot_s", "e2e_s", "requests_per_s", "tokens_per_s_per_user",
        "tokens_per_s_per_gpu_io", "tokens_per_s_per_gpu_out",
        "tokens_per_s_per_decode_gpu_out", "gpus", "prefill_gpus", "decode_gpus",
        "batch_per_rank")
for d, name in ((c1, "agg C=1"), (c64, "agg C=64"), (dis, "disagg")):
    s = d.get("serving")
    if not isinstance(s, dict):
        sys.exit("%s: no serving object" % name)
    for k in keys:
        v = s.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
            sys.exit("%s: serving.%s is %r; expected a positive number" % (name, k, v))
    if not isinstance(s.get("bound"), str) or not s["bound"]:
        sys.exit("%s: serving.bound is %r" % (name, s.get("bound")))
    # the three definitions, tied by the token counts (fixed 1000/1000 lengths)
    if rel(s["tokens_per_s_per_gpu_io"], 2 * s["tokens_per_s_per_gpu_out"]) > 1e-9:
        sys.exit("%s: io %r is not (1000 + 1000) / 1000 x out %r"
                 % (name, s["tokens_per_s_per_gpu_io"], s["tokens_per_s_per_gpu_out"]))
    if rel(s["tokens_per_s_per_decode_gpu_out"] * s["decode_gpus"],
           s["tokens_per_s_per_gpu_out"] * s["gpus"]) > 1e-9:
        sys.exit("%s: output per decode GPU x decode GPUs != output per GPU x GPUs" % name)
    if rel(s["tokens_per_s_per_user"], 1 / s["tpot_s"]) > 1e-9:
        sys.exit("%s: tokens/s per user %r is not 1 / TPOT" % (name, s["tokens_per_s_per_user"]))
    if d["inputs"]["count"] != s["gpus"]:
        sys.exit("%s: inputs.count %r but %r GPUs serve" % (name, d["inputs"]["count"], s["gpus"]))
    # the serving point is the headline
    if rel(d["tokens_per_s_per_gpu"], s["tokens_per_s_per_gpu_out"]) > 1e-12:
        sys.exit("%s: headline tokens/s per GPU %r is not the serving point's %r"
                 % (name, d["tokens_per_s_per_gpu"], s["tokens_per_s_per_gpu_out"]))
    m = d["memory_per_gpu"]
    if abs(m["hbm_bytes"] * m["memory_fraction"] - m["weights_bytes"] - m["workspace_bytes"]
           - m["kv_bytes"]) > 1e-6 * m["hbm_bytes"]:
        sys.exit("%s: the memory line does not add up: %r" % (name, m))
for d, name in ((c1, "agg C=1"), (c64, "agg C=64")):
    s = d["serving"]
    if s["kv_transfer_s"] is not None or s["decode_gpus"] != s["gpus"] or s["prefill_gpus"] != s["gpus"]:
        sys.exit("%s: aggregated, yet kv_transfer_s %r, decode GPUs %r of %r"
                 % (name, s["kv_transfer_s"], s["decode_gpus"], s["gpus"]))
# more clients: more tokens/s per GPU, fewer per user
if not (c64["serving"]["tokens_per_s_per_gpu_out"] > c1["serving"]["tokens_per_s_per_gpu_out"]
        and c64["serving"]["tokens_per_s_per_user"] < c1["serving"]["tokens_per_s_per_user"]):
    sys.exit("C=64 vs C=1: per GPU %r vs %r, per user %r vs %r; expected more per GPU, less per user"
             % (c64["serving"]["tokens_per_s_per_gpu_out"], c1["serving"]["tokens_per_s_per_gpu_out"],
                c64["serving"]["tokens_per_s_per_user"], c1["serving"]["tokens_per_s_per_user"]))
s = dis["serving"]
if (s["prefill_gpus"], s["decode_gpus"], s["gpus"]) != (8, 16, 24):
    sys.exit("disagg: %r prefill + %r decode = %r GPUs; expected 8 + 16 = 24"
             % (s["prefill_gpus"], s["decode_gpus"], s["gpus"]))
if not s["kv_transfer_s"] > 0:
    sys.exit("disagg: kv_transfer_s %r; expected a transfer time" % s["kv_transfer_s"])
if not s["tokens_per_s_per_decode_gpu_out"] > s["tokens_per_s_per_gpu_out"]:
    sys.exit("disagg: output per decode GPU %r not above output per GPU %r"
             % (s["tokens_per_s_per_decode_gpu_out"], s["tokens_per_s_per_gpu_out"]))
want = {"prefill": {"workers": 1, "tp": 8, "pp": 1, "attention_dp": 1, "ep": 1},
        "decode": {"workers": 2, "tp": 8, "pp": 1, "attention_dp": 1, "ep": 8}}
for k, v in want.items():
    if dis["disagg"].get(k) != v:
        sys.exit("disagg.%s is %r; expected %r" % (k, dis["disagg"].get(k), v))
if dis["serving"] != dfile["serving"] or dis["disagg"] != dfile["disagg"]:
    sys.exit("the disagg flags and the same scenario file give different results")
print("R1 FP4 B200: agg TP8 C=1 %.1f tok/s/user, C=64 %.0f tok/s/GPU; 1P(TP8)+2D(TP8EP8) C=256: "
      "%.0f io / %.0f out / %.0f decode-out tok/s/GPU, KV transfer %.0f ms"
      % (c1["serving"]["tokens_per_s_per_user"], c64["serving"]["tokens_per_s_per_gpu_out"],
         s["tokens_per_s_per_gpu_io"], s["tokens_per_s_per_gpu_out"],
         s["tokens_per_s_per_decode_gpu_out"], 1e3 * s["kv_transfer_s"]))
EOF

# ---- MoE at rack scale and speculative decoding ---------------------------------
# DEP8 (attention-DP 8 x EP 8, tp 1) DeepSeek-R1 FP4 on 8 x B200 at 256 clients;
# MTP with 1 and 3 draft tokens at batch 1 (one client) against none.
# shellcheck disable=SC2086
ok_to dep8.json perf $r1 --count 8 --ep 8 --attention-dp 8 --concurrency 256 --json
for k in 0 1 3; do
    # shellcheck disable=SC2086
    ok_to "mtp$k.json" perf $r1 --count 8 --tp 8 --ep 8 --concurrency 1 --mtp $k --json
done
pycheck dep8.json mtp0.json mtp1.json mtp3.json c64.json <<'EOF'
import json, sys
dep, m0, m1, m3, tp8 = (json.load(open(f)) for f in sys.argv[1:6])
i = dep["inputs"]
if (i["count"], i["tp"], i["ep"], i["attention_dp"], i["expert_precision"]) != (8, 1, 8, 8, "fp4"):
    sys.exit("DEP8: inputs %r" % i)
s = dep["serving"]
if s["gpus"] != 8 or not s["tokens_per_s_per_gpu_out"] > 0 or not s["batch_per_rank"] > 0:
    sys.exit("DEP8: serving %r" % s)
# 256 clients over 8 attention ranks: each rank decodes its share, at most 32
if not s["batch_per_rank"] <= 32 + 1e-9:
    sys.exit("DEP8: %r sequences per rank; expected at most 256 / 8 = 32" % s["batch_per_rank"])
for d, k in ((m0, 0), (m1, 1), (m3, 3)):
    if d["inputs"]["mtp"] != k:
        sys.exit("--mtp %d: inputs.mtp is %r" % (k, d["inputs"]["mtp"]))
acc1, acc3 = m1["inputs"]["spec_accept_length"], m3["inputs"]["spec_accept_length"]
if m0["inputs"]["spec_accept_length"] is not None or not 1 < acc1 <= 2 or not acc1 < acc3 <= 4:
    sys.exit("accepted tokens per step: %r, %r, %r; expected none, (1, 2], (acc1, 4]"
             % (m0["inputs"]["spec_accept_length"], acc1, acc3))
u0, u1, u3 = (d["serving"]["tokens_per_s_per_user"] for d in (m0, m1, m3))
if not u0 < u1 < u3:
    sys.exit("batch 1: tokens/s per user %r (no MTP), %r (MTP 1), %r (MTP 3); expected rising"
             % (u0, u1, u3))
# the gain is below the accepted length: drafting and verifying cost time
if not u3 / u0 < acc3:
    sys.exit("MTP 3 gains %.2fx with %.2f tokens per step; expected less than that" % (u3 / u0, acc3))
print("DEP8 R1 FP4 8xB200 C=256: %.0f out tok/s/GPU at %.1f tok/s/user; batch 1: %.0f / %.0f / %.0f "
      "tok/s/user with MTP 0 / 1 / 3 (%.2f, %.2f tokens per step)"
      % (s["tokens_per_s_per_gpu_out"], s["tokens_per_s_per_user"], u0, u1, u3, acc1, acc3))
EOF

# ---- a closed loop that misses the targets says so (text and JSON) ---------------
# The clients put the serving point, not the targets: TPOT at 4,096 in flight
# is far above 20 ms; with loose targets nothing is said.
dep8="--model deepseek-r1 --accelerator b200 --count 8 --ep 8 --attention-dp 8 --precision fp4 --input-tokens 1000 --output-tokens 1000"
# shellcheck disable=SC2086
ok_to miss.json perf $dep8 --concurrency 4096 --tpot-slo 0.02 --json
# shellcheck disable=SC2086
ok_to loose.json perf $dep8 --concurrency 4096 --tpot-slo 5 --ttft-slo 60 --json
# shellcheck disable=SC2086
ok_to miss.txt perf $dep8 --concurrency 4096 --tpot-slo 0.02
grep -q "targets missed .*TPOT .* ms at the serving point is above the 20 ms target" miss.txt ||
    fail "a closed loop above its TPOT target does not say so"
pycheck miss.json loose.json <<'EOF'
import json, sys
miss, loose = (json.load(open(f))["serving"] for f in sys.argv[1:3])
if not (miss["tpot_s"] > 0.02 and "TPOT" in miss.get("targets_missed", "")):
    sys.exit("TPOT %r above 0.02 s, targets_missed %r" % (miss["tpot_s"], miss.get("targets_missed")))
if "targets_missed" in loose:
    sys.exit("targets met but targets_missed %r" % loose["targets_missed"])
EOF

# ---- a recipe's TensorRT-LLM batch waiting reaches TTFT, and only TTFT --------------
# docs/serving.md §7.9.4: 8 clients, 1k/1k, TP2: 15 prompts never gather
# under 0.9 x 16,384 tokens, so each waits about the 20 iterations.
l70="--model llama-3.1-70b --accelerator b200 --count 2 --tp 2 --precision fp8 --input-tokens 1024 --output-tokens 1024 --engine trtllm --concurrency 8 --max-num-tokens 16384"
# shellcheck disable=SC2086
ok_to nowait.json perf $l70 --json
# shellcheck disable=SC2086
ok_to wait.json perf $l70 --batch-wait-iters 20 --batch-wait-ratio 0.9 --json
pycheck nowait.json wait.json <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sa, sb = a["serving"], b["serving"]
held = (sb["ttft_s"] - sa["ttft_s"]) / sa["tpot_s"]
if not 15 < held <= 20:
    sys.exit("batch waiting holds %.1f steps; expected about the 20-iteration timeout" % held)
if sb["tpot_s"] != sa["tpot_s"]:
    sys.exit("batch waiting moved TPOT %r -> %r; it holds prompts only" % (sa["tpot_s"], sb["tpot_s"]))
got = tuple(b["inputs"][k] for k in ("batch_wait_iters", "batch_wait_ratio", "max_num_tokens"))
if got != (20, 0.9, 16384):
    sys.exit("inputs do not echo the recipe: %r" % (got,))
EOF

# ---- the token budget caps the decode batch at budget / (1 + drafts) ----------------
# docs/serving.md, Symbols: TensorRT-LLM charges a decoding sequence its
# token and its k drafts, so 512 tokens hold 128 sequences at MTP 3 (and
# 512 without drafts, where the 512 max-batch binds instead)
dsb="--model deepseek-r1 --accelerator b200 --count 8 --tp 1 --ep 8 --attention-dp 8 --precision fp4 --input-tokens 1024 --output-tokens 1024 --engine trtllm --max-batch 512 --max-num-tokens 512"
# shellcheck disable=SC2086
ok_to budget.json perf $dsb --mtp 3 --json
# shellcheck disable=SC2086
ok_to nobudget.json perf $dsb --json
# shellcheck disable=SC2086
ok_to budget.txt perf $dsb --mtp 3
grep -q "batch bound by .*token budget (max_num_tokens 512 at 4 tokens a decoding sequence: 128" budget.txt ||
    fail "perf does not say the token budget bounds the batch"
pycheck budget.json nobudget.json <<'EOF'
import json, sys
a, b = (json.load(open(f))["batch_limit"] for f in sys.argv[1:3])
if (a["engine_cap"], a["engine_cap_from"], a["engine_cap_name"]) != (128, "token budget", "max_num_tokens"):
    sys.exit("MTP 3 under a 512-token budget: %r" % a)
if (b["engine_cap"], b["engine_cap_from"]) != (512, "max-batch setting"):
    sys.exit("no drafts: the 512 max-batch binds, got %r" % b)
EOF

# ---- the KV hand-over says whose it is -----------------------------------------------
dis="--model deepseek-r1 --accelerator gb200 --precision fp4 --engine trtllm --input-tokens 1024 --output-tokens 1024 --prefill-tp 1 --prefill-attention-dp 4 --prefill-ep 4 --prefill-workers 1 --decode-tp 8 --decode-ep 8 --decode-workers 4 --concurrency 4"
# shellcheck disable=SC2086
ok_to hand.json perf $dis --json
# shellcheck disable=SC2086
ok_to hand50.json perf $dis --kv-handover 0.05 --json
pycheck hand.json hand50.json <<'EOF'
import json, sys
a, b = (json.load(open(f))["serving"] for f in sys.argv[1:3])
if a["kv_handover_s"] != 0.168 or "NIXL" not in a["kv_handover_from"]:
    sys.exit("TensorRT-LLM's stack has no hand-over of its own: %r %r" % (a["kv_handover_s"], a["kv_handover_from"]))
if b["kv_handover_s"] != 0.05 or b["kv_handover_from"] != "kv_handover setting":
    sys.exit("--kv-handover 0.05: %r %r" % (b["kv_handover_s"], b["kv_handover_from"]))
if not abs((a["kv_transfer_s"] - a["kv_handover_s"]) - (b["kv_transfer_s"] - b["kv_handover_s"])) < 1e-12:
    sys.exit("the bytes over the link moved with the hand-over")
EOF

# ---- SGLang's request poll reaches TTFT by half its interval, and only TTFT ---------
# docs/serving.md §7.9.5: 64 clients, so others always decode
r1s="--model deepseek-r1 --accelerator b200 --count 8 --tp 8 --precision fp4 --input-tokens 1024 --output-tokens 1024 --engine sglang --concurrency 64"
# shellcheck disable=SC2086
ok_to poll1.json perf $r1s --json
# shellcheck disable=SC2086
ok_to poll30.json perf $r1s --recv-interval 30 --json
pycheck poll1.json poll30.json <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sa, sb = a["serving"], b["serving"]
held = (sb["ttft_s"] - sa["ttft_s"]) / sa["tpot_s"]
if abs(held - 15) > 1e-6:
    sys.exit("a poll every 30 iterations holds %.3f steps; expected 15" % held)
if sb["tpot_s"] != sa["tpot_s"] or b["inputs"]["recv_interval"] != 30:
    sys.exit("the poll moved TPOT or is not echoed: %r" % b["inputs"])
EOF

# docs/model.md §7.2.3: DeepSeek's MLA steps that mix a prompt with decodes
# run without CUDA graphs on TensorRT-LLM (the stack's eager time); a recipe
# with piecewise graphs captures them and pays nothing, so TTFT falls by
# the eager step and the JSON says which applied
r1e="--model deepseek-r1 --accelerator b200 --count 8 --tp 8 --ep 8 --precision fp4 --input-tokens 1000 --output-tokens 1000 --concurrency 64"
# shellcheck disable=SC2086
ok_to eager.json perf $r1e --json
# shellcheck disable=SC2086
ok_to eager.txt perf $r1e
contains "step with a prompt" eager.txt
# shellcheck disable=SC2086
ok_to piecewise.json perf $r1e --cuda-graphs piecewise --json
pycheck eager.json piecewise.json <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
if not a["eager_step_s"] > 0.05 or b["eager_step_s"] != 0:
    sys.exit("eager step %r / %r; expected the stack's on DeepSeek, none piecewise"
             % (a["eager_step_s"], b["eager_step_s"]))
if a["inputs"]["cuda_graphs"] != "decode" or b["inputs"]["cuda_graphs"] != "piecewise":
    sys.exit("cuda_graphs not echoed: %r / %r" % (a["inputs"]["cuda_graphs"],
                                                  b["inputs"]["cuda_graphs"]))
sa, sb = a["serving"], b["serving"]
if not sa["ttft_s"] - sb["ttft_s"] > 0.5 * a["eager_step_s"]:
    sys.exit("TTFT %r -> %r: the prompt's own eager step is not in it" % (sa["ttft_s"], sb["ttft_s"]))
EOF

# docs/model.md §7.4.2: a dataset's spread of outputs (MLPerf's DeepSeek-R1,
# 1.25) doubles a decode's mean context, so the same batch steps slower; the
# KV policy sets what the cache holds (reserved I + E[O^2]/E[O] against
# I + E[O^2]/(2E[O]) on demand); the text states both, JSON echoes them
r1m="--model deepseek-r1 --accelerator b200 --count 8 --tp 1 --ep 8 --attention-dp 8 --precision fp4 --input-tokens 804 --output-tokens 3736 --max-batch 4096"
# shellcheck disable=SC2086
ok_to fixed.json perf $r1m --json
# shellcheck disable=SC2086
ok_to spread.json perf $r1m --output-tokens-cv 1.253 --json
# shellcheck disable=SC2086
ok_to ondemand.json perf $r1m --output-tokens-cv 1.253 --kv-policy on-demand --json
# shellcheck disable=SC2086
ok_to spread.txt perf $r1m --output-tokens-cv 1.253 --kv-policy on-demand
contains "spread 1.25 (sd / mean): a decoding sequence's context averages 5,605 tokens" spread.txt
contains "taken as needed (kv_policy on-demand)" spread.txt
pycheck fixed.json spread.json ondemand.json <<'EOF'
import json, sys
f, s, d = (json.load(open(x)) for x in sys.argv[1:4])
v2 = 1 + 1.253 ** 2
# per sequence: 804 + 3736 reserved (fixed), 804 + 3736 (1 + v^2) reserved,
# 804 + 3736 (1 + v^2) / 2 on demand
for o, per in ((f, 804 + 3736), (s, 804 + 3736 * v2), (d, 804 + 3736 * v2 / 2)):
    cap = o["memory"]["kv_capacity_tokens"]
    if o["batch_limit"]["kv_fit"] != int(cap / per):
        sys.exit("KV fit %r; expected %r tokens over %r a sequence"
                 % (o["batch_limit"]["kv_fit"], cap, per))
if s["inputs"]["output_tokens_cv"] != 1.253 or f["inputs"]["output_tokens_cv"] != 0:
    sys.exit("output_tokens_cv not echoed")
if (s["inputs"]["kv_policy"], d["inputs"]["kv_policy"]) != ("reserve", "on-demand"):
    sys.exit("kv_policy %r / %r; expected the stack's reserve, then on-demand"
             % (s["inputs"]["kv_policy"], d["inputs"]["kv_policy"]))
EOF
# at one batch the spread only lengthens the contexts: a slower step
# shellcheck disable=SC2086
ok_to fixed64.json perf $r1m --max-batch 64 --json
# shellcheck disable=SC2086
ok_to spread64.json perf $r1m --max-batch 64 --output-tokens-cv 1.253 --json
pycheck fixed64.json spread64.json <<'EOF'
import json, sys
f, s = (json.load(open(x)) for x in sys.argv[1:3])
if not f["offline"]["batch"] == s["offline"]["batch"] == 64:
    sys.exit("batch %r / %r; expected 64 both" % (f["offline"]["batch"], s["offline"]["batch"]))
fa, sa = f["offline"]["step_breakdown_s"]["attention"], s["offline"]["step_breakdown_s"]["attention"]
if not sa > 1.5 * fa or not s["offline"]["tpot_s"] > f["offline"]["tpot_s"]:
    sys.exit("attention %r -> %r, TPOT %r -> %r; expected the doubled context to slow the step"
             % (fa, sa, f["offline"]["tpot_s"], s["offline"]["tpot_s"]))
EOF

# the closed loop prices the same spread (one function for the moments)
# shellcheck disable=SC2086
ok_to loopfixed.json perf $r1m --max-batch 512 --concurrency 2048 --json
# shellcheck disable=SC2086
ok_to loopspread.json perf $r1m --max-batch 512 --concurrency 2048 --output-tokens-cv 1.253 --json
pycheck loopfixed.json loopspread.json <<'EOF'
import json, sys
f, s = (json.load(open(x))["serving"] for x in sys.argv[1:3])
if not s["tpot_s"] > f["tpot_s"]:
    sys.exit("closed-loop TPOT %r with the spread, %r without; expected slower" % (s["tpot_s"], f["tpot_s"]))
EOF
# docs/model.md §7.8.1: gpt-oss's MXFP4 experts on Hopper, which has no FP4
# matmuls, run as W4A16: 4-bit bytes (its weights fit one H200), bf16 rate
goss="--model gpt-oss-120b --accelerator h200 --input-tokens 1000 --output-tokens 1000 --precision bf16 --expert-precision fp4"
# shellcheck disable=SC2086
ok_to w4a16.txt perf $goss --expert-activation-precision bf16
contains "experts fp4 (bf16 activations)" w4a16.txt
# shellcheck disable=SC2086
ok_to w4a16.json perf $goss --expert-activation-precision bf16 --json
# shellcheck disable=SC2086
ok_to fp8.json perf --model gpt-oss-120b --accelerator h200 --input-tokens 1000 --output-tokens 1000 --engine trtllm --json
pycheck w4a16.json fp8.json <<'EOF'
import json, sys
w, f = (json.load(open(x)) for x in sys.argv[1:3])
if w["inputs"]["expert_activation_precision"] != "bf16" or w["inputs"]["expert_precision"] != "fp4":
    sys.exit("precisions not echoed: %r" % w["inputs"])
ww, fw = w["memory"]["weights_per_gpu_bytes"], f["memory"]["weights_per_gpu_bytes"]
if not ww < 0.65 * fw:
    sys.exit("W4A16 weights %r against FP8's %r; expected the 4-bit experts' bytes" % (ww, fw))
EOF

echo "PASS"
