#!/bin/sh
# bench/bench_risk.sh — speed of gigawatt risk (issue 6 bars): 100,000 draws
# of the flagship's 8-year quarterly timeline (13 build levels, so 14
# timeline runs a draw), whole command (resolve, draws, store, aggregate,
# JSON), as one process and as 1 and 2 MPI ranks of one thread each, and one
# process on every core. Each configuration runs REPS times (default 3); the
# best and the median wall time are printed, and every run's JSON is
# compared with the first (the same bytes whatever the split).
# Not a test. Usage: [SCENARIO=FILE] bench/bench_risk.sh [BIN] [REPS]
# (the flagship takes its accelerators from its supply chain, docs/supply.md)
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build-release/gigawatt}
REPS=${2:-3}
S=${SCENARIO:-scenarios/frontier-lab-30gw.yaml}
T=$(mktemp -d "${TMPDIR:-/tmp}/gw-bench-risk.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
# one machine: shared memory is the transport (OpenMPI otherwise probes the
# network stacks at start-up, ~0.2 s more per run)
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe --mca pml ob1 --mca btl self,vader}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
n=0
bench() { # label, then the command (the db and output paths are appended)
    label=$1
    shift
    times=""
    i=0
    while [ $i -lt "$REPS" ]; do
        n=$((n + 1))
        rm -f "$T"/run.db*
        /usr/bin/time -f "%e" -o "$T/time" "$@" --quiet --json -o "$T/out$n.json" --db "$T/run.db"
        times="$times $(cat "$T/time")"
        if [ -f "$T/out1.json" ] && ! cmp -s "$T/out1.json" "$T/out$n.json"; then
            echo "FAIL: $label gave other bytes than the first run" >&2
            exit 1
        fi
        i=$((i + 1))
    done
    echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | head -1 >"$T/best"
    echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk -v l="$label" '
        { t[NR] = $1 }
        END { printf "%-34s best %6.2f s  median %6.2f s  %8.0f draws/s (best)\n", l, t[1], t[int((NR + 1) / 2)], 100000 / t[1] }'
}
bench "1 process, 1 thread" "$BIN" risk "$S" --threads 1
bench "1 process, $(nproc) threads" "$BIN" risk "$S" --threads "$(nproc)"
if command -v mpirun >/dev/null 2>&1; then
    bench "mpirun -np 1, 1 thread" $MPIRUN -np 1 "$BIN" risk "$S" --threads 1
    t1=$(cat "$T/best")
    bench "mpirun -np 2, 1 thread each" $MPIRUN -np 2 "$BIN" risk "$S" --threads 1
    t2=$(cat "$T/best")
    # OpenMPI's own fixed cost: the launcher, MPI_Init and MPI_Finalize
    # (`risk --help` starts and stops MPI and does nothing else)
    fixed() {
        best=""
        i=0
        while [ $i -lt "$REPS" ]; do
            /usr/bin/time -f "%e" -o "$T/time" $MPIRUN -np "$1" "$BIN" risk --help >/dev/null
            best=$( (echo "$best"; cat "$T/time") | sed '/^$/d' | sort -n | head -1)
            i=$((i + 1))
        done
        echo "$best"
    }
    f1=$(fixed 1)
    f2=$(fixed 2)
    awk -v t1="$t1" -v t2="$t2" -v f1="$f1" -v f2="$f2" 'BEGIN {
        printf "MPI start-up + shut-down alone     np 1 %.2f s, np 2 %.2f s\n", f1, f2
        printf "2 ranks over 1, whole command      %.2fx\n", t1 / t2
        printf "2 ranks over 1, less MPI start/stop %.2fx  (%.2f s -> %.2f s)\n",
               (t1 - f1) / (t2 - f2), t1 - f1, t2 - f2 }'
else
    echo "(no mpirun: scripts/deps installs openmpi-bin)"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
