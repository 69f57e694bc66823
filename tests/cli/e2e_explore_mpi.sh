#!/bin/sh
# tests/cli/e2e_explore_mpi.sh — `mpirun -np 2 gigawatt explore` gives the
# bytes of one process (point i's values come from (seed, i) alone; rank 0
# gathers the rounds in index order), on a grid and on a Latin hypercube
# through the store. Skipped (77) without mpirun or an MPI build.
. "$(dirname "$0")/lib.sh"

need_mpirun
scenario=$root/scenarios/explore-example.yaml

ok_to one.json explore "$scenario" --json --threads 1
mpi 2 explore "$scenario" --json --threads 1
if [ "$rc" -eq 2 ] && grep -q "built without MPI" "$scratch/err"; then
    echo "SKIP: gigawatt was built without MPI"
    exit 77
fi
[ "$rc" -eq 0 ] || { show; fail "mpirun -np 2 gigawatt explore failed"; }
cmp one.json "$scratch/out" || fail "2 MPI ranks gave other bytes than 1 process"

set -- --design lhs --points 3000 --vary operation.average_load=0.3:0.9 --json
ok_to lhs.json explore "$scenario" "$@" --threads 2
mpi 2 explore "$scenario" "$@" --threads 1 --db two.db
[ "$rc" -eq 0 ] || { show; fail "mpirun -np 2 gigawatt explore --db failed"; }
cmp lhs.json "$scratch/out" || fail "2 MPI ranks (LHS, store) gave other bytes than 1 process"
ok_to again.json explore "$scenario" "$@" --db two.db --resume 1
cmp lhs.json again.json || fail "the store of the 2-rank run resumed to other bytes"
echo "explore MPI: ok"
