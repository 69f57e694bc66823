#!/bin/sh
# tests/cli/e2e_report.sh — `gigawatt report` and `--html FILE`, end to end:
# one self-contained HTML file per result (no fetched script, font or image;
# every chart an inline SVG with a title, axis labels and a <details> table),
# comparison of two results of one kind, --html on every model command (the
# same report as `report` on its --json), and the bad input of issue 7: a
# result of another version or kind, a truncated or hand-edited JSON, mixed
# kinds, an unwritable output path — exit 2, one line, no HTML left behind.
# (The real-browser checks are tests/browser/.)
. "$(dirname "$0")/lib.sh"

# html_ok FILE CHARTS: a whole, self-contained page with at least CHARTS charts.
html_ok() {
    contains "<!DOCTYPE html>" "$1"
    contains "</html>" "$1"
    if grep -E -q -i '<script|<link|@import|url\(|src=' "$1"; then
        fail "$1 fetches or runs something (script, link, url, src)"
    fi
    n=$(grep -o "<svg class='chart'" "$1" | wc -l)
    [ "$n" -ge "$2" ] || fail "$1 has $n charts; expected at least $2"
    # every chart: a title, numbers behind it, axis labels
    t=$(grep -o "class='title'" "$1" | wc -l)
    d=$(grep -o "<details><summary>numbers" "$1" | wc -l)
    [ "$t" -ge "$n" ] || fail "$1: $n charts but $t titles"
    [ "$d" -ge "$n" ] || fail "$1: $n charts but $d number tables"
}

# ---- each kind: --json then report, and --html on the command itself -------------------------
ok_to rack.json rack --system gb200-nvl72 --json
ok report rack.json -o rack.html
html_ok rack.html 2
contains "Power from the grid meter to the chips" rack.html
ok_to rack.txt rack --system gb200-nvl72 --html rack2.html
contains "rack" rack.txt
html_ok rack2.html 2

ok_to plan.json plan "$flagship" --json
ok report plan.json -o plan.html
html_ok plan.html 2
contains "Capex by part" plan.html

ok_to perf.json perf --model llama-3.3-70b --accelerator h100-sxm --count 2 --tp 2 \
    --input-tokens 1000 --output-tokens 1000 --json --html perf2.html
ok report perf.json -o perf.html
html_ok perf.html 1
html_ok perf2.html 1

ok_to sim.json sim --model llama-3.1-8b --accelerator h100-sxm --requests 200 --rate 20 \
    --set sim.prompt=500 --set sim.output=100 \
    --seed 3 --json --html sim2.html
ok report sim.json -o sim.html
html_ok sim.html 3
contains "TTFT" sim.html

# risk: --html beside --json and -o; the same report as `report` on that JSON
ok risk "$root/tests/data/risk-small.yaml" --quiet --draws 500 --db risk.db --json -o risk.json \
    --html risk2.html
ok report risk.json -o risk.html
html_ok risk2.html 4
contains "tornado" risk2.html
sed "s|(risk\.json)|(risk-small.yaml with --draws 500)|" risk.html >risk-renamed.html
cmp -s risk-renamed.html risk2.html || fail "risk --html differs from report on the same JSON"
# --html is the same report as `report` on the --json (up to the result's name)
sed 's/rack\.json/rack --system gb200-nvl72/g' rack.html >rack-renamed.html
cmp -s rack-renamed.html rack2.html || fail "--html differs from report on the same JSON"

# ---- comparison: two plans side by side, with their differences -------------------------------
ok_to half.json plan "$flagship" --grid-power '15 GW' --json
ok report plan.json half.json -o cmp.html
html_ok cmp.html 4
contains "Differences against the first result" cmp.html
contains "half.json" cmp.html
contains "-50.0%" cmp.html

# ---- bad input: exit 2, one line, no HTML left ---------------------------------------------------
bad() { # bad MESSAGE ARGS...: exit 2, one stderr line containing MESSAGE, no out.html
    msg=$1
    shift
    rm -f out.html
    run "$@"
    if [ "$rc" -ne 2 ] || [ -s out ] || [ "$(wc -l <err | tr -d ' ')" -ne 1 ]; then
        show
        fail "gigawatt $*: expected exit 2, one stderr line, nothing on stdout"
    fi
    contains "$msg" err
    [ ! -e out.html ] || fail "gigawatt $*: left out.html behind"
    if ls ./*.tmp.* >/dev/null 2>&1; then fail "a temporary file was left behind"; fi
}
head -c 300 plan.json >truncated.json
bad "the JSON ends early (truncated?)" report truncated.json -o out.html
grep -q '^truncated.json:[0-9]*:[0-9]*: ' err || { show; fail "a truncated result: no line:col"; }
sed '5s/:/::/' plan.json >syntax.json
bad "syntax.json:5:" report syntax.json -o out.html
contains "not valid JSON here (edited?)" err
sed 's/"gigawatt_version":\t"[^"]*"/"gigawatt_version":\t"0.0.9"/' rack.json >old.json
bad "written by gigawatt 0.0.9" report old.json -o out.html
sed 's/"kind":\t"rack"/"kind":\t"teapot"/' rack.json >teapot.json
bad "kind 'teapot' has no report" report teapot.json -o out.html
# edits that still parse: a figure removed or retyped, a series cut short or
# holding a word (written with Python when it is there)
if have_python; then
    "$py" - plan.json risk.json <<'EOF' || fail "could not write the edited results"
import json, sys
p, r = (json.load(open(f)) for f in sys.argv[1:3])
def edit(name, doc, f):
    x = json.loads(json.dumps(doc)); f(x); json.dump(x, open(name, "w"), indent=1)
edit("no-acc.json", p, lambda x: x.pop("accelerators"))
edit("word-acc.json", p, lambda x: x.__setitem__("accelerators", "many"))
edit("short-series.json", p, lambda x: x["timeline"]["series"].__setitem__(
    "cash_usd", x["timeline"]["series"]["cash_usd"][:5]))
edit("word-series.json", r, lambda x: x["series"]["capacity"]["p50"].__setitem__(2, "abc"))
edit("no-tornado.json", r, lambda x: x.pop("tornado"))
EOF
    bad "'accelerators' is missing" report no-acc.json -o out.html
    bad "'accelerators' is not a number" report word-acc.json -o out.html
    bad "timeline.series.cash_usd has another length (5), not one per quarter" \
        report short-series.json -o out.html
    bad "series.capacity.p50[2] is not a number" report word-series.json -o out.html
    bad "'tornado' is missing" report no-tornado.json -o out.html
fi
printf '[1, 2, 3]\n' >array.json
bad "array.json: not a complete JSON object" report array.json -o out.html
printf '{"kind": "rack"}\n' >edited.json
bad "no kind or gigawatt_version" report edited.json -o out.html
bad "a plan result among rack results" report rack.json plan.json -o out.html
bad "missing.json: cannot read the result" report missing.json -o out.html
bad "give -o report.html" report rack.json
bad "cannot write" report rack.json -o "$scratch/no/such/dir/out.html"
bad "cannot write" rack --system gb200-nvl72 --html "$scratch/no/such/dir/out.html"
bad "cannot write" risk "$root/tests/data/risk-small.yaml" --quiet --draws 100 --db bad.db \
    --html "$scratch/no/such/dir/out.html"
exit 0
