#!/bin/sh
# tests/golden/run.sh — run every line of COMMANDS and compare the SHA-256
# of each output with SHA256SUMS (or write SHA256SUMS with --update).
#   sh run.sh GIGAWATT SOURCE_ROOT SCRATCH_DIR [--update]
# Store files (*.db) carry timestamps and are not hashed. The source tree's
# path (in catalog "defined at" lines) is hashed as @ROOT@, so a checkout
# anywhere gives the same digests.
set -u
gw=$1 root=$2 scratch=$3 update=${4:-}
case $gw in /*) ;; *) gw=$(pwd)/$gw ;; esac
root=$(cd "$root" && pwd -P) || exit 1
here=$root/tests/golden
rm -rf "$scratch" && mkdir -p "$scratch" || exit 1
sums=$scratch/SHA256SUMS
: >"$sums"
grep -v '^[[:space:]]*\(#\|$\)' "$here/COMMANDS" | while IFS='|' read -r name args; do
    name=$(echo $name)
    dir=$scratch/$name
    mkdir -p "$dir"
    ( cd "$dir" && eval "set -- $args" && GIGAWATT_CATALOG= LC_ALL=C "$gw" "$@" >"$name.out" 2>"$name.err" )
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: $name exited $rc" >&2
        cat "$dir/$name.err" >&2
        echo "$name exit-$rc" >>"$sums"
        continue
    fi
    ( cd "$dir" && for f in $(ls | grep -v '\.db$' | grep -v '\.err$' | sort); do
        sed "s|$root|@ROOT@|g" "$f" | sha256sum | sed "s|  -|  $name/$f|"
    done ) >>"$sums"
done
if [ "$update" = --update ]; then
    cp "$sums" "$here/SHA256SUMS" && echo "wrote $here/SHA256SUMS"
    exit 0
fi
if ! diff "$here/SHA256SUMS" "$sums" >"$scratch/diff"; then
    echo "FAIL: outputs differ from tests/golden/SHA256SUMS (< expected, > now):" >&2
    cat "$scratch/diff" >&2
    echo "outputs are in $scratch" >&2
    exit 1
fi
echo "ok: $(wc -l <"$sums") outputs byte-identical"
