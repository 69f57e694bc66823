#!/bin/sh
# tests/cli/e2e_help.sh — help is not an error: every form of --help exits 0,
# prints the usage on stdout and nothing on stderr.
. "$(dirname "$0")/lib.sh"

help_ok() {
    ok "$@"
    grep -q '^usage: gigawatt' out || { show; fail "gigawatt $* does not print the usage"; }
}
help_ok --help
help_ok -h
help_ok help
for cmd in catalog rack plan; do
    help_ok "$cmd" --help
    help_ok "$cmd" -h
    grep -q "^usage: gigawatt $cmd" out || fail "gigawatt $cmd -h does not print $cmd's usage"
done
# help wins over everything else on the line
help_ok plan --json --help
ok --version
grep -q '^gigawatt [0-9]' out || fail "--version does not print 'gigawatt VERSION'"
echo "PASS"
