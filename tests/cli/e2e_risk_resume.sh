#!/bin/sh
# tests/cli/e2e_risk_resume.sh — an interrupted risk run loses no finished
# draw and --resume ends with the bytes of an uninterrupted run
# (docs/risk.md §5): once killed with SIGKILL in the middle (nothing of the
# process runs after it: only what the store had committed survives), once
# stopped with Ctrl-C (SIGINT: exit 130, one line saying what was kept).
. "$(dirname "$0")/lib.sh"

scenario=$root/tests/data/risk-small.yaml
draws=13000 # four rounds of 4,096: a kill lands mid-run even on a loaded machine

# the draws the store holds for run 1 of DB (0 when it has none yet)
done_in() {
    "$gw" runs --db "$1" --json 2>/dev/null | sed -n 's/.*"done":[[:space:]]*\([0-9]*\).*/\1/p' | head -n 1
}

# start risk in the background into DB; wait until some but not all draws
# are stored, then send SIGNAL to it
interrupt() {
    db=$1 sig=$2
    "$gw" risk "$scenario" --draws $draws --threads 1 --json --db "$db" -o never.json \
        >bg.out 2>bg.err &
    pid=$!
    n=0 tries=0
    while [ "${n:-0}" -eq 0 ] && [ $tries -lt 600 ]; do
        sleep 0.02
        n=$(done_in "$db")
        tries=$((tries + 1))
    done
    kill "-$sig" "$pid" 2>/dev/null
    wait "$pid"
    bgrc=$?
    kept=$(done_in "$db")
    echo "interrupted with SIG$sig at ${n:-0} stored draws; exit $bgrc; ${kept:-0} kept"
    [ "${kept:-0}" -gt 0 ] || fail "no draw was stored before SIG$sig"
    [ "${kept:-0}" -lt $draws ] || fail "the run finished before SIG$sig could stop it"
    [ ! -e never.json ] || fail "an interrupted run wrote its output"
}

ok_to full.json risk "$scenario" --draws $draws --threads 2 --json --db full.db --quiet

# ---- kill -9 -------------------------------------------------------------------------
interrupt killed.db KILL
[ "$bgrc" -eq 137 ] || fail "kill -9: exit $bgrc, expected 137"
ok_to resumed.json risk --resume 1 --db killed.db --json --threads 3 --quiet
cmp full.json resumed.json || fail "kill -9 then --resume gave other bytes than an uninterrupted run"
[ "$(done_in killed.db)" -eq $draws ] || fail "the resumed run does not hold all $draws draws"

# ---- Ctrl-C --------------------------------------------------------------------------
interrupt stopped.db INT
[ "$bgrc" -eq 130 ] || { cat bg.err; fail "Ctrl-C: exit $bgrc, expected 130"; }
# the store's size, then what was kept and how to continue
[ "$(grep -c -v -E "$store_line" bg.err)" -eq 1 ] && [ "$(wc -l <bg.err)" -eq 2 ] ||
    { cat bg.err; fail "Ctrl-C: not the store line and one line on stderr"; }
contains "they are kept in stopped.db as run 1; continue with: gigawatt risk --resume 1 --db stopped.db --json -o never.json" bg.err
ok_to resumed2.json risk --resume 1 --db stopped.db --json --quiet
cmp full.json resumed2.json || fail "Ctrl-C then --resume gave other bytes than an uninterrupted run"
echo "PASS"
