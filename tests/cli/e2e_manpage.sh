#!/bin/sh
# tests/cli/e2e_manpage.sh — the manual page renders without warnings and
# names every command; the bash completion parses and completes commands,
# options and choices.
. "$(dirname "$0")/lib.sh"

page=$root/share/man/man1/gigawatt.1
comp=$root/share/bash-completion/gigawatt
[ -s "$page" ] || fail "no manual page at $page"
if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -ww -z "$page" 2>&1) || fail "groff failed on the manual page"
    [ -z "$warnings" ] || fail "groff warns: $warnings"
fi
for c in catalog rack plan perf sim search validate risk runs report explore power; do
    grep -q "^\.BR $c" "$page" || fail "the manual page does not describe '$c'"
done
command -v bash >/dev/null 2>&1 || { echo "skip: no bash"; exit 77; }
bash -n "$comp" || fail "the completion script does not parse"
out=$(bash -c '
    . "$1"
    complete() { :; }
    t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _gigawatt; echo "${COMPREPLY[*]}"; }
    t gigawatt pe
    t gigawatt sim --sched
    t gigawatt sim --scheduler ""
    t gigawatt perf --precision f
' sh "$comp") || fail "the completion function failed"
echo "$out" | sed -n 1p | grep -qx "perf" || fail "'gigawatt pe' completes to: $(echo "$out" | sed -n 1p)"
echo "$out" | sed -n 2p | grep -qx -- "--scheduler" || fail "'sim --sched' completes to: $(echo "$out" | sed -n 2p)"
echo "$out" | sed -n 3p | grep -qx "vllm sarathi" || fail "'--scheduler' completes to: $(echo "$out" | sed -n 3p)"
echo "$out" | sed -n 4p | grep -qx "fp8 fp4" || fail "'--precision f' completes to: $(echo "$out" | sed -n 4p)"
echo "ok: manual page and bash completion"
