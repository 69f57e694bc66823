#!/bin/sh
# tests/browser/check_pages.sh — what issue 14 (items 8 and 9) asks of the
# pages, read from the DOM headless Chromium renders (--dump-dom):
#   - sim --capacity: the capacity found, the targets and the bisection;
#   - sim --cheapest without a TBT target: no "TBT target" card, and the
#     cost axis in USD per hour, not "thousand USD per hour";
#   - a one-hour fleet run: whole-hour ticks only;
#   - no tick anywhere in scientific notation or "k billion"-style units;
#   - a comparison labels its figures for people, not by JSON key path;
#   - a run from flags alone is not headed "flags (flags)", and a flag that
#     changes a scenario is named in the heading ("with --grid-power 15 GW");
#   - a training result has its MFU breakdown and its goodput charts.
#
#   sh check_pages.sh CHROMIUM REPORTS_DIR SCRATCH_DIR
# Exit 0 = pass, 1 = fail.
set -u
chromium=$1
dir=$2
scratch=$3
mkdir -p "$scratch" || exit 1
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}
# the rendered DOM of a report, one element per line
dom() {
    rm -rf "$scratch/profile"
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-dev-shm-usage --user-data-dir="$scratch/profile" \
        --dump-dom "file://$dir/$1.html" 2>"$scratch/$1.err" | sed 's/</\n</g' >"$scratch/$1.dom"
    [ -s "$scratch/$1.dom" ] || fail "chromium rendered nothing for $1.html"
}
has() { grep -F -q -- "$2" "$scratch/$1.dom" || fail "$1: the page lacks '$2'"; }
lacks() { grep -F -q -- "$2" "$scratch/$1.dom" && fail "$1: the page shows '$2'"; return 0; }

for r in sim-capacity cheapest fleet-short train plan-compare plan-15gw rack-flags risk; do dom $r; done
# item 8
has sim-capacity "Capacity at the targets"
has sim-capacity "capacity found"
has sim-capacity "TTFT target"
has sim-capacity "TBT target"
has sim-capacity "The bisection, simulation by simulation"
# item 9
lacks cheapest "TBT target"
lacks cheapest "thousand USD"
has cheapest "cost (USD per hour)"
ticks=$(grep -h "class=\"tick\"" "$scratch"/*.dom | sed 's/.*>//')
echo "$ticks" | grep -E -q '^-?[0-9.]+e[-+]?[0-9]+' && fail "a tick in scientific notation: $(echo "$ticks" | grep -E '^-?[0-9.]+e[-+]?[0-9]+' | head -3)"
grep -h "class=\"lab\"" "$scratch"/*.dom | grep -E -q '\((thousand|million|billion) (thousand|million|billion)|k billion' &&
    fail "an axis with a doubled multiplier"
# the fleet's hour axis: whole hours
grep -A1 "class=\"tick\" text-anchor=\"middle\"" "$scratch/fleet-short.dom" | sed 's/.*>//' |
    grep -E -q '^[0-9]+\.[0-9]+$' && fail "fleet-short: an hour tick between whole hours"
lacks plan-compare "timeline.totals.lost_revenue_usd<"
lacks plan-compare ">timeline.totals"
has plan-compare "lost revenue (USD)"
has plan-15gw "(frontier-lab-30gw.yaml with --grid-power 15 GW)"
lacks rack-flags "flags (flags)"
lacks rack-flags ">flags<"
has rack-flags "rack --system gb300-nvl72"
has train "Where a training step's time goes"
has train "Goodput:"
# the risk histograms: in a unit the bins read in
lacks risk "k billion"
echo "ok: capacity, cheapest, fleet, training, comparison and heading pages read as issue 14 asks"
