#!/bin/sh
# tests/cli/e2e_option_audit.sh — every option a command lists works or is
# refused (issue 14 item 6): no option is dropped in silence.
#
# 1. Every flag in each command's usage synopsis (`gigawatt CMD --help` up to
#    its first line of prose), in its bash completion and in its section of
#    docs/commands.md is one the command takes: `gigawatt CMD --FLAG [VALUE]
#    --help` prints the help (exit 0).
# 2. Table: each option run where it does not apply (sim's replica options on
#    a fleet scenario, --db on a replica scenario, a search's options without
#    the search, perf's training options without --train) exits 2 with one
#    line naming the option and the command, and writes nothing.
. "$(dirname "$0")/lib.sh"

fleet=$root/scenarios/ai-cloud-scarcity.yaml
replica=$root/scenarios/sim-llama70b-h100.yaml
completion=$root/share/bash-completion/gigawatt

# A value a flag's parser accepts (switches take none) for command $2
# (power's and explore's --csv name a file; search's is a switch).
value_of() {
    case $2:$1 in
    power:csv | explore:csv) echo x.csv ;; # a FILE there, a switch in search
    *:json | *:quiet | *:train | *:capacity | *:cheapest | *:csv) echo "" ;;
    *:quantile) echo 0.5 ;;
    *:design) echo grid ;;
    *) echo 1 ;;
    esac
}

# The flags of CMD's synopsis: the usage lines, up to the first line of
# prose (at column 0). "--prefill-tp|-pp" names a family whose members the
# completion lists, checked below.
synopsis_flags() {
    "$gw" "$1" --help | awk 'NR > 1 && !/^ / {exit} {print}' |
        grep -o -- '--[a-z][a-z-]*[a-z]' | sort -u
}

for cmd in catalog rack plan perf sim report risk runs validate search explore power; do
    for flag in $(synopsis_flags "$cmd"); do
        name=${flag#--}
        v=$(value_of "$name" "$cmd")
        run "$cmd" "$flag" ${v:+"$v"} --help
        [ "$rc" -eq 0 ] && grep -q '^usage: gigawatt' "$scratch/out" ||
            { show; fail "gigawatt $cmd lists $flag but does not take it"; }
    done
done

# 1b. The completion's options of each command are options it takes.
opts_of() { # the completion's `CMD) opts="..."` line, as words
    sed -n "s/^ *$1) *opts=\"\\([^\"]*\\)\".*/\\1/p" "$completion" | tr ' ' '\n' | grep -- '^--'
}
for cmd in rack plan perf sim risk search runs validate catalog report explore power; do
    for flag in $(opts_of "$cmd"); do
        name=${flag#--}
        [ "$name" = help ] && continue
        v=$(value_of "$name" "$cmd")
        [ "$name" = output ] && v=x
        run "$cmd" "$flag" ${v:+"$v"} --help
        [ "$rc" -eq 0 ] || { show; fail "completion offers $cmd $flag; $cmd does not take it"; }
    done
done

# 1c. Every option in a command's section of docs/commands.md is one it takes
#     (its synopsis and option lists; a line quoting another command is about that one).
if have_python; then
    pycheck "$gw" "$root/docs/commands.md" <<'PY'
import re, subprocess, sys

gw, doc = sys.argv[1], open(sys.argv[2]).read()
switches = {"json", "quiet", "train", "capacity", "cheapest", "csv"}
bad = []
for sec in re.split(r"\n## ", doc)[1:]:
    m = re.match(r"`gigawatt (\w+)", sec)
    if not m:
        continue
    cmd = m.group(1)
    if cmd == "report":  # takes no options; its section tells of the others' --html
        continue
    for line in sec.split("\n"):
        # the synopsis (the heading) and the option lists ("- `--x`", "`--x ...`:");
        # prose may tell of what other commands take
        if line is not sec.split("\n")[0] and not re.match(r"(- )?`--", line):
            continue
        # a line quoting another command ("gigawatt rack --system ...") is about that one
        if any(o != cmd for o in re.findall(r"gigawatt (\w+)", line)):
            continue
        for f in re.findall(r"(?<![\w-])--([a-z][a-z-]*[a-z])(?![\w*-])", line):
            v = [] if f in switches and (cmd, f) not in (("power", "csv"), ("explore", "csv")) \
                else [{"quantile": "0.5", "design": "grid", "csv": "x.csv"}.get(f, "1")]
            r = subprocess.run([gw, cmd, "--" + f] + v + ["--help"], capture_output=True)
            if r.returncode != 0:
                bad.append(f"{cmd} --{f}: {r.stderr.decode().strip()}")
assert not bad, "docs/commands.md lists options the command does not take:\n" + "\n".join(bad)
print("docs/commands.md: every option of a command's section is one it takes")
PY
fi

# 2. Refused where it does not apply: refused OPTION COMMAND SCENARIO ARGS...
refused() {
    opt=$1
    cmd=$2
    scenario=$3
    shift 3
    run "$cmd" ${scenario:+"$scenario"} "$@"
    lines=$(wc -l <"$scratch/err")
    if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$scratch/out" ] ||
        ! grep -q -- "$cmd $opt" "$scratch/err"; then
        show
        fail "gigawatt $cmd $* was not refused naming '$cmd $opt'"
    fi
}

# every sim option of the replica simulator, on a fleet scenario
for flag in $(synopsis_flags sim); do
    name=${flag#--}
    case $name in requests-csv | db | html | json | quiet | set) continue ;; esac
    v=$(value_of "$name" sim)
    refused "$flag" sim "$fleet" "$flag" ${v:+"$v"}
done
refused --scheduler sim "$fleet" --scheduler sarathi
contains 'does not apply to fleet scenarios' "$scratch/err"

# --db stores fleet runs only; a replica run writes no store
refused --db sim "$replica" --db "$scratch/replica.db"
[ ! -e "$scratch/replica.db" ] || fail "sim REPLICA --db created a store"

# a search's options without the search
for args in "--ttft-target 1" "--tbt-target 1" "--quantile 0.5" "--target-rate 5" \
    "--candidates h100-sxm" "--tps 1,2"; do
    # shellcheck disable=SC2086 # the words of $args are the flag and its value
    refused "${args%% *}" sim "$replica" $args
done
refused --capacity sim "$replica" --capacity --cheapest --ttft-target 1 --target-rate 5
refused --requests-csv sim "$replica" --requests-csv r.csv --cheapest --ttft-target 1 \
    --target-rate 5

# perf's training options without --train
for args in "--tokens 1e12" "--mfu 0.4" "--seq-len 8192" "--global-batch 1e6" \
    "--micro-batch 1" "--virtual-stages 2"; do
    # shellcheck disable=SC2086
    refused "${args%% *}" perf "" --model llama-3.3-70b --accelerator h100-sxm --input-tokens 100 \
        --output-tokens 10 $args
done
echo "option audit: ok"
