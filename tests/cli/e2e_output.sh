#!/bin/sh
# tests/cli/e2e_output.sh — -o FILE writes the whole output or nothing:
# the file equals what stdout would have had, no temporary files stay
# behind, and a run that fails leaves an existing FILE untouched.
. "$(dirname "$0")/lib.sh"

# no temporary files (anything but the names given) in the scratch dir
only_files() {
    ls -A | grep -v -x -e out -e err -e files.now -e files.want | sort >files.now
    printf '%s\n' "$@" | sort -u >files.want
    cmp -s files.now files.want || {
        echo "--- files now:" >&2
        cat files.now >&2
        fail "unexpected files left behind (expected only: $*)"
    }
}

ok_to expected.json plan --json "$flagship"
ok plan --json -o plan.json "$flagship"
[ -s out ] && fail "plan -o FILE also wrote to stdout"
cmp expected.json plan.json || fail "plan -o FILE differs from plan's stdout"
only_files expected.json plan.json

# -o replaces an existing file, whole
printf 'old contents\n' >plan.txt
ok_to expected.txt plan "$flagship"
ok plan -o plan.txt "$flagship"
cmp expected.txt plan.txt || fail "plan -o FILE did not replace the old file with the output"
only_files expected.json plan.json expected.txt plan.txt

# rack and catalog too
ok_to expected-rack.json rack --json --system gb200-nvl72
ok rack --json --system gb200-nvl72 -o rack.json
cmp expected-rack.json rack.json || fail "rack -o FILE differs from rack's stdout"
ok_to expected-cat.json catalog --json
ok catalog --json -o cat.json
cmp expected-cat.json cat.json || fail "catalog -o FILE differs from catalog's stdout"
rm -f expected-rack.json rack.json expected-cat.json cat.json

# a bad scenario: exit 2, the existing FILE untouched, no new FILE
printf 'system: gb200-nvl27\ntarget:\n  grid_power: 1 GW\n' >bad.yaml
printf 'precious\n' >keep.json
cp keep.json keep.orig
run plan --json -o keep.json bad.yaml
[ "$rc" -eq 2 ] || { show; fail "plan with a bad scenario exited $rc; expected 2"; }
[ -s out ] && { show; fail "plan with a bad scenario wrote to stdout"; }
cmp keep.orig keep.json || fail "a failed plan -o FILE changed the existing FILE"
run plan --json -o new.json bad.yaml
[ "$rc" -eq 2 ] || { show; fail "plan with a bad scenario exited $rc; expected 2"; }
[ -e new.json ] && fail "a failed plan -o FILE created FILE"
# a failure inside the model (target too small for a rack): same
run plan --json --grid-power '1 kW' -o keep.json "$flagship"
[ "$rc" -eq 2 ] || { show; fail "plan with a 1 kW target exited $rc; expected 2"; }
cmp keep.orig keep.json || fail "a failed plan -o FILE changed the existing FILE"
only_files expected.json plan.json expected.txt plan.txt bad.yaml keep.json keep.orig

# an output that cannot be written (a directory): an error, nothing left
mkdir outdir
run plan --json -o outdir "$flagship"
[ "$rc" -eq 2 ] || { show; fail "plan -o DIRECTORY exited $rc; expected 2"; }
contains "is a directory" err
[ -s out ] && { show; fail "plan -o DIRECTORY wrote to stdout"; }
[ "$(awk 'END { print NR }' err)" -eq 1 ] || { show; fail "plan -o DIRECTORY: expected a one-line error"; }
[ -z "$(ls -A outdir)" ] || fail "plan -o DIRECTORY wrote into the directory"
only_files expected.json plan.json expected.txt plan.txt bad.yaml keep.json keep.orig outdir

# a symbolic link: its target gets the output, the link stays a link
: >target.json
ln -s target.json link.json
ok plan --json -o link.json "$flagship"
[ -L link.json ] || fail "plan -o LINK replaced the link with a file"
cmp -s target.json expected.json || fail "plan -o LINK did not write the link's target"
# a device is written in place, never replaced by a renamed file (as root
# a rename over /dev/null would succeed and break the machine)
ok plan --json -o /dev/null "$flagship"
[ -c /dev/null ] || fail "plan -o /dev/null replaced the device"
ls /dev/null.tmp.* >/dev/null 2>&1 && fail "a temporary file was left in /dev"
# a path in a directory that is not there: exit 2 before any work (a risk
# run would otherwise compute and store every draw first), nothing created
for args in "plan --json -o nodir/x.json $flagship" "sim $root/tests/data/fleet-small.yaml --db nodir/x.db" \
    "risk $root/tests/data/risk-small.yaml --draws 100 -o nodir/x.json" \
    "risk $root/tests/data/risk-small.yaml --draws 100 --db nodir/x.db" \
    "risk $root/tests/data/risk-small.yaml --draws 100 --db w.db --html nodir/x.html"; do
    # shellcheck disable=SC2086
    run $args
    [ "$rc" -eq 2 ] || { show; fail "gigawatt $args: exit $rc, expected 2"; }
    contains "expected a file in a writable directory" err
    [ ! -e w.db ] || fail "gigawatt $args: stored a run before refusing its output path"
done
echo "PASS"
