#!/bin/sh
# tests/cli/e2e_power.sh — `gigawatt power`, end to end (docs/power.md):
# the issue's hand-computed bar through the CLI (1,024 accelerators in
# lockstep between 1,000 W and 200 W with a 2 s period: a site swing of
# N·ΔP through the power chain's efficiency, the spectrum's peak at 0.5 Hz,
# a ramp of the swing over the 50 ms transition; two jobs staggered by half
# a period with half the step communicating: flat), the JSON keys the
# checks rely on, the sized battery re-checked with --battery-power and
# --battery-energy (passes; 10% less power or energy does not), the CSV
# series, determinism, and the 1 GW campus scenario running.
. "$(dirname "$0")/lib.sh"
need_python

cat > hand.yaml <<'EOF'
system: gb200-nvl72
model: llama-3.1-405b
training: {count: 1024, tokens: 1e12, tp: 8, pp: 16}
power:
  window: 20 min
  resolution: 10 ms
  transition: 50 ms
  cooling_time_constant: 1e12 s   # cooling holds still: the swing is the IT swing
  jobs:
    - {name: lockstep, count: 1024, iteration: 2 s, comm_fraction: 0.5, compute_power: 1000 W,
       comm_power: 200 W, failures: false}
EOF
ok_to hand.json power hand.yaml --json
pycheck hand.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
g, ch = d["grid"], d["power_chain"]
eta = ch["eta_it"] * ch["eta_facility"]
swing = 1024 * (1000 - 200) / eta
def near(a, b, rel, what):
    if abs(a - b) > rel * abs(b):
        sys.exit("%s = %r, expected %r" % (what, a, b))
near(g["peak_w"] - g["min_w"], swing, 1e-9, "swing")
near(g["instant_ramp_w_per_s"], swing / 0.05, 1e-9, "ramp over the transition")
near(g["max_ramp_w_per_s"]["1s"], swing, 1e-9, "largest change within 1 s")
for k in ("1s", "60s", "600s"):
    if k not in g["max_ramp_w_per_s"]:
        sys.exit("no %s ramp" % k)
if abs(g["spectrum_peak_hz"] - 0.5) > 0.1 / 655.36:
    sys.exit("spectrum peak %r Hz, expected 0.5" % g["spectrum_peak_hz"])
if [ (j["name"], j["iteration_s"]) for j in d["jobs"]] != [("lockstep", 2)]:
    sys.exit("jobs %r" % d["jobs"])
if d["violations"] != [] or d["sizing"]["battery_w"] != 0 or d["sizing"]["battery_wh"] != 0:
    sys.exit("no limits: no violations, no battery; got %r %r" % (d["violations"], d["sizing"]))
if not g["mean_w"] > 0:
    sys.exit("mean %r" % g["mean_w"])
EOF

# two jobs of 512, half a period apart, half of each step communicating:
# flat (no start-up ramp, which both would climb at once)
sed -e 's/count: 1024, iteration/count: 512, ramp: 0 s, iteration/' hand.yaml > two.yaml
cat >> two.yaml <<'EOF'
    - {name: second, count: 512, ramp: 0 s, iteration: 2 s, comm_fraction: 0.5,
       compute_power: 1000 W, comm_power: 200 W, failures: false, offset: 1 s}
EOF
ok_to two.json power two.yaml --json
pycheck two.json <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))["grid"]
if g["peak_w"] - g["min_w"] > 1e-6 * g["peak_w"]:
    sys.exit("staggered by T/2 with c = 0.5: swing %r, expected 0" % (g["peak_w"] - g["min_w"]))
EOF

# ---- a limit, the sized battery, and 10% less ------------------------------------
cat > limited.yaml <<'EOF'
system: gb200-nvl72
model: llama-3.1-405b
training: {count: 65536, tokens: 1e12, tp: 8, pp: 16}
power:
  window: 20 min
  jobs:
    - {name: big, count: 65536, iteration: 2 s, comm_fraction: 0.3, failures: false,
       checkpoint_every: 5 min, checkpoint_pause: 40 s}
  limits:
    - {ramp: 10 MW/min, window: 1 min}
EOF
ok_to sized.json power limited.yaml --json
values=$("$py" -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sizing"]
if not (s["needed"] and s["feasible"] and s["battery_w"] > 0 and s["battery_wh"] > 0):
    sys.exit("sizing %r" % s)
if not (s["cap_w"] and 0 < s["cap_throughput_loss"] < 1):
    sys.exit("the cap alternative: %r" % s)
if not d["violations"] or not all("message" in v for v in d["violations"]):
    sys.exit("violations without the battery: %r" % d["violations"][:2])
print(s["battery_w"], s["battery_wh"], 0.9 * s["battery_w"], 0.9 * s["battery_wh"])
' sized.json) || fail "sizing: $values"
# shellcheck disable=SC2086 # four numbers
set -- $values
ok_to at-size.json power limited.yaml --battery-power "$1 W" --battery-energy "$2 Wh" --json
ok_to less-power.json power limited.yaml --battery-power "$3 W" --battery-energy "$2 Wh" --json
ok_to less-energy.json power limited.yaml --battery-power "$1 W" --battery-energy "$4 Wh" --json
pycheck at-size.json less-power.json less-energy.json <<'EOF'
import json, sys
at, lp, le = (json.load(open(f)) for f in sys.argv[1:4])
if at["violations"]:
    sys.exit("the sized battery still violates: %s" % at["violations"][0]["message"])
if not lp["violations"] or not le["violations"]:
    sys.exit("10%% less power (%d) or energy (%d violations) still passes"
             % (len(lp["violations"]), len(le["violations"])))
EOF

# ---- the series, determinism, text --------------------------------------------------
ok power hand.yaml --window 1min --csv series.csv
[ "$(head -n 1 series.csv)" = "t_s,it_w,grid_before_battery_w,grid_w" ] || fail "CSV header"
[ "$(wc -l < series.csv)" -eq 6001 ] || fail "CSV rows: $(wc -l < series.csv), expected 6001"
contains "largest change within 60s" "$scratch/out"
ok_to again.json power hand.yaml --json
cmp -s hand.json again.json || fail "the same scenario gave different JSON"

# ---- inference from a fleet simulation's hourly utilisation -------------------------
printf 'hour,utilisation\n0,0.2\n1,0.2\n' > flat.csv
printf 'hour,utilisation\n0,0.2\n1,0.8\n' > rising.csv
for f in flat rising; do
    cat > "$f.yaml" <<EOF
system: gb200-nvl72
model: llama-3.1-405b
training: {count: 1024, tokens: 1e12, tp: 8, pp: 16}
power:
  window: 2 h
  resolution: 1 s
  inference: {accelerators: 10000, hourly: $f.csv, noise: 0}
EOF
    ok_to "$f.json" power "$f.yaml" --json
done
pycheck flat.json rising.json <<'EOF'
import json, sys
flat, rising = (json.load(open(f))["grid"] for f in sys.argv[1:3])
if flat["peak_w"] - flat["min_w"] > 1e-9 * flat["peak_w"]:
    sys.exit("a flat hourly utilisation gave a swing of %r W" % (flat["peak_w"] - flat["min_w"]))
if not (abs(rising["min_w"] - flat["min_w"]) < 1e-6 * flat["min_w"]
        and rising["peak_w"] > 1.5 * flat["peak_w"]):
    sys.exit("0.2 -> 0.8 gave %r .. %r W (flat %r)"
             % (rising["min_w"], rising["peak_w"], flat["min_w"]))
EOF

# ---- the 1 GW campus -----------------------------------------------------------------
ok_to campus.json power "$root/scenarios/training-campus-1gw.yaml" --window 10min --json
pycheck campus.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if len(d["jobs"]) != 3 or not all(j["step_from"] == "perf model" for j in d["jobs"]):
    sys.exit("jobs %r" % d["jobs"])
if not 5e8 < d["unmitigated"]["peak_w"] < 1.2e9:
    sys.exit("campus peak %r" % d["unmitigated"]["peak_w"])
EOF
echo "e2e power: ok"
