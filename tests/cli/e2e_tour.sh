#!/bin/sh
# tests/cli/e2e_tour.sh — the README's tour and docs/tutorial.md, run as a
# new user runs them (issue 14: "the README tour and the tutorial run clean
# on a fresh clone").
#
# Every `$B ...` and `mpirun ... $B ...` line of their ```sh blocks
# (continuation lines joined, comments dropped) runs in the scratch
# directory, where scenarios/ and data/ are links to the tree's, and must
# exit 0. What is changed, for time and for the machine, not for success:
#   - the fleet day (scenarios/ai-cloud-scarcity.yaml, ~10 min of CPU in
#     Release, docs/figures) runs with `--set 'fleet.horizon=1 min'`;
#   - under the sanitizers (GIGAWATT_SANITIZED=1, the CI's build) a risk
#     run that names no --draws runs 2,000 (100,000 take 82 s there);
#   - as root, mpirun gets --allow-run-as-root --oversubscribe (the
#     tutorial says so in a comment), with LeakSanitizer off for OpenMPI's
#     own allocations (as cli/risk_mpi), and is skipped where mpirun is
#     absent.
# A command in the docs that fails here fails this test with the line.
. "$(dirname "$0")/lib.sh"

ln -s "$root/scenarios" scenarios || fail "cannot link scenarios"
ln -s "$root/data" data || fail "cannot link data"
B=$gw
export B

tour_lines() {
    awk '/^```sh/ { inblock = 1; next }
         /^```/   { inblock = 0; next }
         inblock {
             line = $0
             sub(/[ \t]+#.*$/, "", line)
             if (line ~ /\\$/) { sub(/\\$/, "", line); held = held line; next }
             line = held line; held = ""
             if (line ~ /^(\$B |mpirun )/) print line
         }' "$1"
}

n=0
for doc in README.md docs/tutorial.md; do
    tour_lines "$root/$doc" >lines || fail "cannot read $doc"
    while IFS= read -r line; do
        case $line in
        mpirun*)
            command -v mpirun >/dev/null 2>&1 || { echo "skip (no mpirun): $line"; continue; }
            if [ "$(id -u)" = 0 ] && ! echo "$line" | grep -q allow-run-as-root; then
                line=$(echo "$line" | sed 's/^mpirun /mpirun --allow-run-as-root --oversubscribe /')
            fi ;;
        esac
        case $line in
        *ai-cloud-scarcity.yaml*) line="$line --set 'fleet.horizon=1 min'" ;;
        *" risk "*--draws*) ;;
        *" risk "*) [ "${GIGAWATT_SANITIZED:-}" = 1 ] && line="$line --draws 2000" ;;
        esac
        case $line in
        mpirun*) line="ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=23 $line" ;;
        esac
        echo "$doc: $line"
        sh -c "$line" >out 2>err </dev/null
        rc=$?
        if [ "$rc" -ne 0 ]; then
            show
            fail "$doc: '$line' exited $rc"
        fi
        n=$((n + 1))
    done <lines
done
[ "$n" -ge 40 ] || fail "only $n tour commands found (the docs' sh blocks moved?)"
echo "ran $n commands from README.md and docs/tutorial.md"
