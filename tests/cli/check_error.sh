#!/bin/sh
# tests/cli/check_error.sh — run one bad-input case from tests/bad/CASES and
# check that gigawatt rejects it the way every bad input must be rejected:
#
#   - exit status exactly 2,
#   - nothing on stdout,
#   - exactly one line on stderr (so no usage text, no sanitizer report),
#   - that line reads "what is wrong; what was expected" (has a "; "),
#   - it starts with the expected position ("file:line:col:"), when the case
#     gives one, and contains the expected message text.
#
# usage: check_error.sh GIGAWATT BAD_DIR GEN_DIR 'file|command|position|message'
#
# The command runs in BAD_DIR with the file (when not empty) as its last
# argument, so positions read "unknown-key.yaml:5:3:". The command is split
# like a shell command line (quotes work: --grid-power '1 GW'). @GEN@ in any
# field stands for GEN_DIR, where the fixture (gen_bad.sh) puts generated
# inputs. A position starting with '<' names a file holding the position
# (for a generated catalog whose line numbers follow the data).
set -u

if [ $# -ne 4 ]; then
    echo "usage: $0 GIGAWATT BAD_DIR GEN_DIR 'file|command|position|message'" >&2
    exit 1
fi
gw=$1
bad=$2
gen=$3
line=$4
case $gw in /*) ;; *) gw=$(pwd)/$gw ;; esac
case $gen in /*) ;; *) gen=$(pwd)/$gen ;; esac

IFS='|' read -r file cmd pos msg <<EOF
$line
EOF

subst() {
    printf '%s\n' "$1" | sed "s#@GEN@#$gen#g"
}
file=$(subst "$file")
cmd=$(subst "$cmd")
pos=$(subst "$pos")
case $pos in
'<'*)
    posfile=${pos#<}
    if [ ! -r "$posfile" ]; then
        echo "FAIL: position file $posfile is missing (did the fixture run?)" >&2
        exit 1
    fi
    pos=$(cat "$posfile")
    ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gw-bad.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

cd "$bad" || exit 1
eval "set -- $cmd"
if [ -n "$file" ]; then
    set -- "$@" "$file"
fi

"$gw" "$@" >"$tmp/out" 2>"$tmp/err"
rc=$?

problems=""
problem() {
    problems="$problems
  - $*"
}

[ "$rc" -eq 2 ] || problem "exit status is $rc; expected 2"
[ -s "$tmp/out" ] && problem "stdout is not empty; expected nothing on stdout"
nl=$(wc -l <"$tmp/err" | tr -d ' ')
nr=$(awk 'END { print NR }' "$tmp/err")
if [ "$nl" -ne 1 ] || [ "$nr" -ne 1 ]; then
    problem "stderr has $nr line(s) ($nl newline(s)); expected exactly one line"
fi
err=$(head -n 1 "$tmp/err")
# the shape of every error: "what is wrong; what was expected"
case $err in
*'; '*) ;;
*) problem "the error has no '; ' between what is wrong and what was expected" ;;
esac
if [ -n "$pos" ]; then
    case $err in
    "$pos"*) ;;
    *) problem "the error does not start with '$pos'" ;;
    esac
fi
if [ -n "$msg" ]; then
    case $err in
    *"$msg"*) ;;
    *) problem "the error does not contain '$msg'" ;;
    esac
fi

printf 'case:    %s\n' "$line"
printf 'command: (cd %s &&' "$bad"
printf " '%s'" "$gw" "$@"
printf ')\n'
if [ -z "$problems" ]; then
    printf 'ok:      %s\n' "$err"
    exit 0
fi
printf 'FAIL:%s\n' "$problems"
echo "--- exit status: $rc"
echo "--- stderr (first 30 lines):"
head -n 30 "$tmp/err"
echo "--- stdout (first 10 lines):"
head -n 10 "$tmp/out"
exit 1
