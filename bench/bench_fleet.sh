#!/bin/sh
# bench/bench_fleet.sh — speed of the fleet simulator (issue 5 bar): the
# scarcity scenario over growing horizons (about 10^6 ... 10^9 requests), and
# the whole day on about one million accelerators. Prints requests, wall time,
# requests/s and peak memory. Not a test. Usage: bench/bench_fleet.sh [BIN] [--day]
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build-release/gigawatt}
S=scenarios/ai-cloud-scarcity.yaml
run() { # horizon label
    /usr/bin/time -f "%e %M" -o /tmp/gw_bench_fleet.time "$BIN" sim "$S" --set "fleet.horizon=$1" \
        --json -o /tmp/gw_bench_fleet.json
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open('/tmp/gw_bench_fleet.json'))
t, kb = open('/tmp/gw_bench_fleet.time').read().split()
n = d['requests']
print('%-8s %12.3g requests %9.2f s %12.3g requests/s %8.0f MB' % (sys.argv[1], n, float(t), n / float(t), float(kb) / 1024))
PY
}
run "25 s"
run "4 min"
run "40 min"
run "6 h"
if [ "${2:-}" = --day ]; then
    S=bench/scenarios/fleet-1m-gpus.yaml
    run "24 h"
fi
