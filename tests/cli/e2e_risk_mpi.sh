#!/bin/sh
# tests/cli/e2e_risk_mpi.sh — `mpirun -np 2 gigawatt risk` gives the bytes
# of one process (draw i always reads the stream (seed, i); rank 0 gathers
# the slices in draw order), and a run stored by two ranks resumes in one.
# Skipped (77) when mpirun is missing or gigawatt was built without MPI.
. "$(dirname "$0")/lib.sh"

need_mpirun
scenario=$root/tests/data/risk-small.yaml

ok_to one.json risk "$scenario" --json --threads 1 --db one.db --draws 5000
mpi 2 risk "$scenario" --json --threads 1 --db two.db --draws 5000
if [ "$rc" -eq 2 ] && grep -q "built without MPI" "$scratch/err"; then
    echo "SKIP: gigawatt was built without MPI"
    exit 77
fi
[ "$rc" -eq 0 ] || { show; fail "mpirun -np 2 gigawatt risk failed"; }
cmp one.json "$scratch/out" || fail "2 MPI ranks gave other bytes than 1 process"
mpi 3 risk "$scenario" --json --threads 2 --db three.db --draws 5000
[ "$rc" -eq 0 ] || { show; fail "mpirun -np 3 gigawatt risk failed"; }
cmp one.json "$scratch/out" || fail "3 MPI ranks of 2 threads gave other bytes than 1 process"
# the store written by ranks reads back alone
ok_to again.json risk --resume 1 --db two.db --json
cmp one.json again.json || fail "the store of the 2-rank run resumed to other bytes"

# kill -9 both ranks in the middle, resume on two ranks: the bytes of one process
draws=16000
ok_to big.json risk "$scenario" --json --threads 2 --db big.db --draws $draws --quiet
ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=23" \
    mpirun --allow-run-as-root --oversubscribe -np 2 "$gw" risk "$scenario" --json \
    --threads 1 --db killed.db --draws $draws --quiet -o never.json >bg.out 2>bg.err &
mp=$!
n=0 tries=0
while [ "${n:-0}" -eq 0 ] && [ $tries -lt 600 ]; do
    sleep 0.02
    n=$("$gw" runs --db killed.db --json 2>/dev/null | sed -n 's/.*"done":[[:space:]]*\([0-9]*\).*/\1/p')
    tries=$((tries + 1))
done
for k in $(ps -o pid= --ppid $mp); do kill -9 "$k"; done
wait $mp
kept=$("$gw" runs --db killed.db --json | sed -n 's/.*"done":[[:space:]]*\([0-9]*\).*/\1/p')
echo "killed the ranks with ${kept:-0} of $draws draws stored"
[ "${kept:-0}" -gt 0 ] && [ "${kept:-0}" -lt $draws ] || fail "the kill did not land mid-run"
mpi 2 risk --resume 1 --db killed.db --json --threads 1 --quiet
[ "$rc" -eq 0 ] || { show; fail "mpirun -np 2 gigawatt risk --resume failed"; }
cmp big.json "$scratch/out" || fail "kill -9 of the ranks, then --resume on 2 ranks: other bytes"
echo "PASS"
