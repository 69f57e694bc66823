#!/bin/sh
# tests/cli/gen_bad.sh — the ctest fixture that writes the bad inputs too big
# or too odd to commit into the build tree (GEN_DIR):
#
#   ten-mb.yaml            a scenario padded to 10 MiB (limit: 1 MiB)
#   deep-list.yaml         10,000 nested flow lists (limit: 64 levels)
#   deep-map.yaml          10,000 nested flow mappings under `system:`
#   empty-catalog/         a catalog directory without *.yaml files
#   catalog-no-source/     a copy of data/catalog with the first `source:`
#                          of systems.yaml removed
#   catalog-no-source.pos  where the loader must point: "path:line:col:"
#
# usage: gen_bad.sh CATALOG_DIR GEN_DIR
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 CATALOG_DIR GEN_DIR" >&2
    exit 1
fi
catalog=$1
gen=$2

rm -rf "$gen"
mkdir -p "$gen"

# 10 MiB: a valid scenario followed by comment lines of 64 bytes each.
awk 'BEGIN {
    printf "system: gb200-nvl72\ntarget:\n  grid_power: 1 GW\n"
    pad = "# padding: 10 MiB of comments, ten times the 1 MiB input limit."
    for (i = 0; i < 163840; i++)
        print pad
}' >"$gen/ten-mb.yaml"
size=$(wc -c <"$gen/ten-mb.yaml" | tr -d ' ')
if [ "$size" -lt 10485760 ]; then
    echo "gen_bad.sh: ten-mb.yaml is only $size bytes" >&2
    exit 1
fi

# 10,000 levels: "[[[...]]]" and "system: {a: {a: ... 1 ...}}".
awk 'BEGIN {
    for (i = 0; i < 10000; i++) printf "["
    for (i = 0; i < 10000; i++) printf "]"
    printf "\n"
}' >"$gen/deep-list.yaml"
awk 'BEGIN {
    printf "# 10,000 nested mappings\nsystem: "
    for (i = 0; i < 10000; i++) printf "{a: "
    printf "1"
    for (i = 0; i < 10000; i++) printf "}"
    printf "\n"
}' >"$gen/deep-map.yaml"

# A catalog directory with no *.yaml in it.
mkdir -p "$gen/empty-catalog"
echo "no catalog files here" >"$gen/empty-catalog/README"

# The real catalog with one source removed: the first `source:` line of
# systems.yaml. The loader must report the value mapping that lost it, which
# starts at the first line of that mapping's block (same indentation as the
# removed line, just below the field's key).
bad="$gen/catalog-no-source"
mkdir -p "$bad"
cp "$catalog"/*.yaml "$bad/"
awk -v path="$bad/systems.yaml" -v posfile="$gen/catalog-no-source.pos" '
function indent(s) { match(s, /[^ ]/); return RSTART ? RSTART - 1 : -1 }
{ line[NR] = $0 }
END {
    for (s = 1; s <= NR; s++)
        if (line[s] ~ /^ +source:/)
            break
    if (s > NR) { print "gen_bad.sh: no source: line in " path > "/dev/stderr"; exit 1 }
    ind = indent(line[s])
    m = s
    while (m > 1 && indent(line[m - 1]) == ind)
        m--
    if (indent(line[m - 1]) >= ind || line[m - 1] !~ /:[ ]*$/) {
        print "gen_bad.sh: cannot find the value mapping of line " s " of " path > "/dev/stderr"
        exit 1
    }
    for (i = 1; i <= NR; i++)
        if (i != s)
            print line[i] > path
    printf "%s:%d:%d:\n", path, m, ind + 1 > posfile
}' "$catalog/systems.yaml"

echo "generated in $gen:"
ls -l "$gen"
echo "catalog-no-source.pos: $(cat "$gen/catalog-no-source.pos")"
