#!/bin/sh
# bench/bench_power.sh — speed and memory of `gigawatt power` (issue 16 bar:
# one simulated hour of a 1 GW site at 10 ms in <= 2 s, memory that does not
# grow with the window when only summaries are asked). The 1 GW campus
# without limits (bench/scenarios/power-1gw.yaml: no sizing), over 1 h and
# 4 h: each command simulates the window twice (without and with the
# mitigations). Then the campus with its limits (sizing: ~60 battery
# re-simulations over a cached series, ~15 full ones for the floor).
# Prints samples, wall time, ns per sample and simulated hour, peak RSS.
# Not a test. Usage: bench/bench_power.sh [BIN]
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build-release/gigawatt}
run() { # scenario window label
    /usr/bin/time -f "%e %M" -o /tmp/gw_bench_power.time "$BIN" power "$1" --window "$2" \
        --json --quiet -o /tmp/gw_bench_power.json
    python3 - "$2" "$3" <<'PY'
import json, sys
d = json.load(open('/tmp/gw_bench_power.json'))
t, kb = open('/tmp/gw_bench_power.time').read().split()
n, t = d['inputs']['samples'], float(t)
hours = d['inputs']['window_s'] / 3600 * 2  # two runs: without and with the mitigations
print('%-26s %-6s %10.0f samples x2 %7.2f s %6.1f ns/sample %6.2f s per simulated hour %6.1f MB'
      % (sys.argv[2], sys.argv[1], n, t, t / (2 * n) * 1e9, t / hours, float(kb) / 1024))
PY
}
run bench/scenarios/power-1gw.yaml "1 h" "summaries"
run bench/scenarios/power-1gw.yaml "4 h" "summaries"
run scenarios/training-campus-1gw.yaml "1 h" "summaries + sizing"
