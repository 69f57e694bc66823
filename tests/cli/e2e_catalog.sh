#!/bin/sh
# tests/cli/e2e_catalog.sh — `gigawatt catalog`: the listing names every
# kind, an entry shows its values with their sources, --json is valid JSON,
# and every numeric value of an entry (one per kind, plus gb200-nvl72) has a
# non-empty source. The next-generation entries (docs/catalog.md, "Status",
# "Next generation"): announced ones say so in the listing, the entry, and
# the perf / rack / plan text that uses them, shipping ones say nothing;
# perf runs on Vera Rubin NVL72 and refuses the spec-only accelerators.
. "$(dirname "$0")/lib.sh"

kinds="accelerators systems cooling power_chain sites electricity finance households"

ok_to list.txt catalog
for k in $kinds; do
    grep -q -x "$k" list.txt || fail "catalog listing has no '$k' heading"
done
contains gb200-nvl72 list.txt

ok_to entry.txt catalog gb200-nvl72
contains "source:" entry.txt
contains "gb200-nvl72" entry.txt

# ---- status: announced (issue 15) ---------------------------------------------
for id in rubin rubin-cpx rubin-ultra mi455x vr-nvl72; do
    grep -E -q "^  $id +.*\[announced specification\]\$" list.txt ||
        fail "catalog listing does not mark $id as an announced specification"
done
for id in gb300 b300 tpu7x trainium3 gb300-nvl72 mi355x-8-rack128; do
    grep -E "^  $id " list.txt | grep -q announced && fail "shipping $id is listed as announced"
done
ok_to rubin.txt catalog rubin
grep -E -q '^  status +announced$' rubin.txt || fail "catalog rubin shows no 'status announced'"

# perf on Vera Rubin NVL72 runs (on the Blackwell TensorRT-LLM stack, an
# assumption) and its text, like rack's and plan's, carries the one-line note
llama70="--model llama-3.3-70b --tp 2 --input-tokens 1000 --output-tokens 1000"
# shellcheck disable=SC2086 # $llama70 is a list of words
ok_to perf-rubin.txt perf $llama70 --accelerator rubin
contains "on rubin (efficiency nvidia-blackwell-trtllm)" perf-rubin.txt
contains "announced specification: accelerator rubin, system vr-nvl72" perf-rubin.txt
ok_to rack-rubin.txt rack --system vr-nvl72
contains "announced specification: accelerator rubin, system vr-nvl72" rack-rubin.txt
ok_to plan-rubin.txt plan --system vr-nvl72 --grid-power '1 GW'
contains "announced specification: accelerator rubin, system vr-nvl72" plan-rubin.txt
ok_to rack-gb300.txt rack --system gb300-nvl72
grep -q "announced" rack-gb300.txt && fail "rack on shipping gb300-nvl72 mentions 'announced'"
# shellcheck disable=SC2086
ok_to perf-gb300.txt perf $llama70 --accelerator gb300
grep -q "announced" perf-gb300.txt && fail "perf on shipping gb300 mentions 'announced'"

# spec-only accelerators: perf refuses each, exit 2, one line naming it
for a in rubin-cpx rubin-ultra mi455x trainium3 tpu7x; do
    # shellcheck disable=SC2086
    run perf $llama70 --accelerator "$a"
    [ "$rc" -eq 2 ] || { show; fail "perf on spec-only $a exited $rc; expected 2"; }
    [ "$(wc -l <"$scratch/err")" -eq 1 ] || { show; fail "perf on spec-only $a: not one error line"; }
    grep -q "accelerator '$a'" "$scratch/err" || { show; fail "perf's refusal does not name $a"; }
done

# the next-generation systems (issue 15): each runs the rack model on its
# default site and passes its design rules; an announced one says so; a
# price with no public source says it is an assumption by rule
for sys in kyber-nvl576 helios-mi455x trn3-ultraserver tpu7x-rack64; do
    ok_to "rack-$sys.txt" rack --system "$sys"
    contains "Design-rule checks: all pass" "rack-$sys.txt"
done
contains "announced specification: accelerator rubin-ultra, system kyber-nvl576" rack-kyber-nvl576.txt
# ... and the values by rule it rests on, in one line
contains "assumed, no public source" rack-kyber-nvl576.txt
grep "assumed, no public source" rack-kyber-nvl576.txt | grep -q "accelerator tdp.*system price" ||
    fail "rack kyber-nvl576 does not list its assumed tdp and price"
grep -q "assumed" rack-gb300.txt && fail "rack on gb300-nvl72 lists assumptions it has none of"
grep -q "announced" rack-trn3-ultraserver.txt && fail "rack on shipping trn3-ultraserver mentions 'announced'"
for sys in kyber-nvl576 trn3-ultraserver tpu7x-rack64; do
    ok_to "entry-$sys.txt" catalog "$sys"
    grep -A2 -E '^  price ' "entry-$sys.txt" | grep -q "assumption by rule" ||
        fail "catalog $sys: its price does not say it is an assumption by rule"
done

ok_to list.json catalog --json
if ! have_python; then
    echo "SKIP (partly): python3 not found; JSON checks not run"
    exit 0
fi
pycheck list.json $kinds <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    if not isinstance(d.get(k), list) or not d[k]:
        sys.exit("catalog --json: kind %r missing or empty" % k)
    for e in d[k]:
        if not e.get("id"):
            sys.exit("catalog --json: an entry of %r has no id" % k)
with open("ids.txt", "w") as f:
    # one id per kind (the first), plus the flagship's system
    ids = [d[k][0]["id"] for k in sys.argv[2:]] + ["gb200-nvl72"]
    f.write("\n".join(ids) + "\n")
EOF

set --
for id in $(cat ids.txt); do
    ok_to "entry-$id.json" catalog --json "$id"
    set -- "$@" "$id"
done
pycheck "$@" <<'EOF'
import json, sys
for id in sys.argv[1:]:
    d = json.load(open("entry-%s.json" % id))
    if d.get("id") != id:
        sys.exit("catalog --json %s: id is %r" % (id, d.get("id")))
    fields = d.get("fields")
    if not isinstance(fields, dict):
        sys.exit("catalog --json %s: no fields object" % id)
    values = {k: v for k, v in fields.items() if isinstance(v, dict)}
    if not values:
        sys.exit("catalog --json %s: no sourced values at all" % id)
    for k, v in values.items():
        src = v.get("source")
        if not isinstance(src, str) or not src.strip():
            sys.exit("catalog --json %s: field %r has no source: %r" % (id, k, v))
        if "value" not in v:
            sys.exit("catalog --json %s: field %r has no value" % (id, k))
    print("%s: %d values, each with a source" % (id, len(values)))
EOF

# the listing's JSON carries the status; Rubin's decode step beats GB300's
# by no more than its largest peak ratio (FP8 16.7/5 PF = 3.34, HBM 22/8 TB/s)
# shellcheck disable=SC2086
ok_to perf-rubin.json perf $llama70 --accelerator rubin --json
# shellcheck disable=SC2086
ok_to perf-gb300.json perf $llama70 --accelerator gb300 --json
pycheck list.json perf-rubin.json perf-gb300.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
status = {e["id"]: e.get("status") for k in ("accelerators", "systems") for e in d[k]}
for id in ("rubin", "rubin-cpx", "rubin-ultra", "mi455x", "vr-nvl72"):
    if status.get(id) != "announced":
        sys.exit("catalog --json: %s has status %r, expected 'announced'" % (id, status.get(id)))
for id in ("gb300", "tpu7x", "trainium3", "gb300-nvl72"):
    if status.get(id) is not None:
        sys.exit("catalog --json: shipping %s has status %r" % (id, status[id]))
rubin, gb300 = (json.load(open(f)) for f in sys.argv[2:4])
if rubin["inputs"]["system"] != "vr-nvl72" or not rubin["feasible"]:
    sys.exit("perf on rubin: system %r, feasible %r" % (rubin["inputs"]["system"], rubin["feasible"]))
speedup = gb300["decode_step_s"] / rubin["decode_step_s"]
if not 1.0 < speedup <= 16.7 / 5.0:
    sys.exit("rubin decode step %.4g s vs gb300 %.4g s: speed-up %.3g outside (1, 3.34]"
             % (rubin["decode_step_s"], gb300["decode_step_s"], speedup))
print("rubin: decode step %.1f ms, %.2fx gb300's" % (1e3 * rubin["decode_step_s"], speedup))
EOF
echo "PASS"
