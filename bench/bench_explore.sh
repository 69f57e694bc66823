#!/bin/sh
# bench/bench_explore.sh — speed of gigawatt explore (issue 15 bar: 100,000
# design points, each with perf at the latency targets, rack and plan cost,
# in <= 10 s on this machine's 2 threads). The example scenario's grid
# (system x TP x site, 32 combinations) under a Latin hypercube of 100,000
# points with two more fields (average load, TPOT target): whole command
# (catalog, scenario, level checks, points, Pareto front, sensitivity),
# text output and --json output, on 1 and 2 threads and 2 MPI ranks of one
# thread. Each configuration runs REPS times (default 3); the best and the
# median wall time are printed, and every --json run's bytes are compared
# with the first. The CPU seconds are the process's user time (MPI ranks:
# the launcher's, not counted). Not a test. Usage: bench/bench_explore.sh [BIN] [REPS] [POINTS]
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build-release/gigawatt}
REPS=${2:-3}
N=${3:-100000}
S=scenarios/explore-example.yaml
T=$(mktemp -d "${TMPDIR:-/tmp}/gw-bench-explore.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe --mca pml ob1 --mca btl self,vader}
set -- --design lhs --points "$N" --vary operation.average_load=0.3:0.9 \
    --vary "perf.tpot_slo=20 ms:200 ms" --quiet
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
n=0
bench() { # label, json (1/0), then the command
    label=$1
    json=$2
    shift 2
    times=""
    i=0
    while [ $i -lt "$REPS" ]; do
        n=$((n + 1))
        if [ "$json" = 1 ]; then
            /usr/bin/time -f "%e %U" -o "$T/time" "$@" --json -o "$T/out$n.json"
            if [ -f "$T/ref.json" ]; then
                cmp -s "$T/ref.json" "$T/out$n.json" || { echo "FAIL: $label: other bytes" >&2; exit 1; }
            else
                cp "$T/out$n.json" "$T/ref.json"
            fi
        else
            /usr/bin/time -f "%e %U" -o "$T/time" "$@" >/dev/null
        fi
        times="$times $(tr ' ' '/' <"$T/time")"
        i=$((i + 1))
    done
    # elapsed/user seconds per run, sorted by elapsed
    echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -t/ -k1 -n | awk -F/ -v l="$label" '
        {t[NR] = $1; u[NR] = $2}
        END {m = int((NR + 1) / 2)
             printf "%-44s best %6.2f s (%5.2f s CPU in this process)  median %6.2f s\n", l, t[1], u[1], t[m]}'
}
bench "$N points, 1 thread, text" 0 "$BIN" explore "$S" "$@" --threads 1
bench "$N points, 2 threads, text" 0 "$BIN" explore "$S" "$@" --threads 2
bench "$N points, 2 threads, --json" 1 "$BIN" explore "$S" "$@" --threads 2
if command -v mpirun >/dev/null 2>&1; then
    bench "$N points, 2 MPI ranks x 1 thread, --json" 1 $MPIRUN -np 2 "$BIN" explore "$S" "$@" --threads 1
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
