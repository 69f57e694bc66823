# tests/cli/lib.sh — shared by the e2e_*.sh scripts (sourced, POSIX sh).
#
# Every script is run by ctest as:
#   sh e2e_NAME.sh GIGAWATT SOURCE_ROOT SCRATCH_DIR [PYTHON3]
# and works in SCRATCH_DIR (emptied first). Exit 0 = pass, 1 = fail,
# 77 = skipped (no python3 for a check that needs it).

set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 GIGAWATT SOURCE_ROOT SCRATCH_DIR [PYTHON3]" >&2
    exit 1
fi
gw=$1
root=$2
scratch=$3
py=${4:-}
case $gw in /*) ;; *) gw=$(pwd)/$gw ;; esac
case $root in /*) ;; *) root=$(pwd)/$root ;; esac
case $scratch in /*) ;; *) scratch=$(pwd)/$scratch ;; esac
flagship=$root/scenarios/frontier-lab-30gw.yaml

rm -rf "$scratch"
mkdir -p "$scratch" || exit 1
cd "$scratch" || exit 1

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# Show the last run's output (after a failure).
show() {
    {
        echo "--- exit status: $rc"
        echo "--- stderr (first 30 lines):"
        head -n 30 "$scratch/err"
        echo "--- stdout (first 30 lines):"
        head -n 30 "$scratch/out"
    } >&2
}

# run ARGS...: gigawatt ARGS, stdout in $scratch/out, stderr in $scratch/err,
# exit status in $rc.
run() {
    printf '$ gigawatt'
    printf " '%s'" "$@"
    printf '\n'
    "$gw" "$@" >"$scratch/out" 2>"$scratch/err"
    rc=$?
}

# need_mpirun: skip (77) without mpirun (the MPI tests).
need_mpirun() {
    if ! command -v mpirun >/dev/null 2>&1; then
        echo "SKIP: no mpirun (scripts/deps installs openmpi-bin)"
        exit 77
    fi
}

# mpi NP ARGS...: `mpirun -np NP gigawatt ARGS`, as run does. OpenMPI keeps
# some allocations until exit, by design: no leak check for the MPI
# processes (the single-process runs keep theirs).
mpi() {
    mpi_np=$1
    shift
    printf '$ mpirun -np %s gigawatt' "$mpi_np"
    printf " '%s'" "$@"
    printf '\n'
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=23" \
        mpirun --allow-run-as-root --oversubscribe -np "$mpi_np" "$gw" "$@" \
        >"$scratch/out" 2>"$scratch/err"
    rc=$?
}

# The one summary line a long run prints on stderr when it is not a terminal
# (src/cli/progress.c: runs over 2 s, so it depends on the machine's speed).
progress_line='^gigawatt: [a-z -]+: [0-9.,e+]+ [a-z -]+ in [0-9.hms]+ \([0-9.,e+]+/s\)$'
# The line after a run that wrote the result store (src/cli/store_line.c).
store_line='^gigawatt: result store .*: [0-9.]+ [kMG]B \([-+][0-9.]+ [kMG]B this run\); '

# ok ARGS...: run, and require exit status 0 with nothing on stderr but a
# progress summary.
ok() {
    run "$@"
    if [ "$rc" -ne 0 ] || grep -v -E -e "$progress_line" -e "$store_line" "$scratch/err" | grep -q .; then
        show
        fail "gigawatt $* did not succeed silently"
    fi
}

# ok_to FILE ARGS...: ok, then keep stdout as FILE.
ok_to() {
    dest=$1
    shift
    ok "$@"
    cp "$scratch/out" "$dest"
}

# contains TEXT FILE: FILE contains TEXT literally.
contains() {
    grep -F -q -e "$1" "$2" || fail "'$2' does not contain '$1'"
}

have_python() {
    [ -n "$py" ] && "$py" -c 'import json' >/dev/null 2>&1
}

need_python() {
    if ! have_python; then
        echo "SKIP: python3 not found; the JSON checks need it"
        exit 77
    fi
}

# pycheck ARGS... <<'EOF' program EOF: run a python3 check; it prints what
# is wrong and exits non-zero on failure.
pycheck() {
    "$py" - "$@" || fail "python check failed (see above)"
}
