#!/bin/sh
# tests/browser/check_catches.sh — the browser check must fail a report
# whose charts lack what issue 7 asks of them: a copy of an example report
# with every <details> table renamed away, and one with every legend
# removed, must both be refused by check_report.sh.
#
#   sh check_catches.sh CHROMIUM REPORT.html SCRATCH_DIR
set -u
chromium=$1
report=$2
scratch=$3
here=$(dirname "$0")
mkdir -p "$scratch" || exit 1
sed "s/<details>/<div>/g; s/<\/details>/<\/div>/g" "$report" >"$scratch/no-tables.html"
sed "s/class='leg'/class='nolegend'/g" "$report" >"$scratch/no-legend.html"
for broken in no-tables no-legend; do
    if sh "$here/check_report.sh" "$chromium" "$broken" "$scratch/$broken.html" "$scratch" \
        >"$scratch/$broken.out" 2>&1; then
        echo "FAIL: the check passed a report with $broken" >&2
        exit 1
    fi
    grep -q "bad=" "$scratch/$broken.out" || { cat "$scratch/$broken.out" >&2; exit 1; }
done
echo "ok: the check refuses charts without their numbers table or legend"
