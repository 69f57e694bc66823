#!/bin/sh
# tests/browser/check_report.sh — one example report in a real browser
# (issue 7): headless Debian Chromium loads the report and
#   - logs no console message and no error (a self-contained page has no
#     script and fetches nothing, so any console line is a defect);
#   - lays out every chart (<svg class='chart'>) with a non-zero size, and
#     as many as the file holds, each with a title, an axis label giving a
#     unit, a legend and a <details> table of its numbers right under it;
#   - renders a PNG screenshot, kept as the test's artifact in SCRATCH
#     (scripts/screenshots copies chosen ones to docs/img/).
# The chart check runs in a copy of the report with one inline script added
# at the end of <body> (the report itself stays script-free); the script
# writes its verdict into the DOM, which --dump-dom prints.
#
#   sh check_report.sh CHROMIUM NAME REPORT.html SCRATCH_DIR
# Exit 0 = pass, 1 = fail.
set -u
chromium=$1
name=$2
report=$3
scratch=$4
mkdir -p "$scratch" || exit 1
fail() {
    printf 'FAIL %s: %s\n' "$name" "$*" >&2
    exit 1
}
[ -s "$report" ] || fail "no report at $report"

# The flags the test machines need: no sandbox as root, no GPU, and nothing
# that reaches for the network (the machines have none), a fresh profile.
browse() { # browse USER_DATA_DIR ARGS...
    ud=$1
    shift
    rm -rf "$ud"
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$ud" \
        --enable-logging=stderr --v=0 "$@"
}

# 1. the report as it is: screenshot, and the console must stay silent
browse "$scratch/$name.profile" --window-size=1100,2400 \
    --screenshot="$scratch/$name.png" "file://$report" >"$scratch/$name.shot.out" \
    2>"$scratch/$name.shot.err"
[ -s "$scratch/$name.png" ] || { cat "$scratch/$name.shot.err" >&2; fail "no screenshot"; }
if grep -E 'CONSOLE|Uncaught|ERR_FILE_NOT_FOUND|net::ERR' "$scratch/$name.shot.err" >&2; then
    fail "the browser logged console messages or failed loads (above)"
fi

# 2. every chart laid out with a non-zero size
expected=$(grep -o "<svg class='chart'" "$report" | wc -l | tr -d ' ')
[ "$expected" -gt 0 ] || fail "the report has no charts"
# the checker goes in just before </body> (awk: no sed escaping of & or |)
awk -v js="$(cat "$(dirname "$0")/checker.js")" '
    { i = index($0, "</body>")
      if (i) { $0 = substr($0, 1, i - 1) "<script>" js "</script>" substr($0, i) } print }' \
    "$report" >"$scratch/$name.check.html"
browse "$scratch/$name.profile" --window-size=1100,2400 --dump-dom \
    "file://$scratch/$name.check.html" >"$scratch/$name.dom" 2>"$scratch/$name.dom.err"
verdict=$(sed -n 's|.*<pre id="gw-check">\([^<]*\)</pre>.*|\1|p' "$scratch/$name.dom")
[ -n "$verdict" ] || { tail -5 "$scratch/$name.dom.err" >&2; fail "the checker did not run"; }
[ "$verdict" = "charts=$expected zero=0 bad=0" ] ||
    fail "expected $expected charts, each with a size, a title, an axis label with its unit, a legend and its numbers under it; the browser saw: $verdict"
if grep -E 'CONSOLE|Uncaught' "$scratch/$name.dom.err" >&2; then
    fail "console messages while checking (above)"
fi
echo "ok $name: $expected charts laid out with title, axis labels, legend and numbers; no console messages; screenshot $scratch/$name.png"
