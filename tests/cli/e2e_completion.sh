#!/bin/sh
# tests/cli/e2e_completion.sh — share/bash-completion/gigawatt in a plain
# bash (issue 14 item 14): scenario files complete with extglob off, and an
# option that takes a catalog id completes the ids of its kind only.
. "$(dirname "$0")/lib.sh"

command -v bash >/dev/null 2>&1 || { echo "no bash: skipped"; exit 77; }
mkdir -p bin scen/sub || exit 1
ln -s "$gw" bin/gigawatt || exit 1
: >scen/a.yaml
: >scen/b.yml
: >scen/notes.txt
: >scen/r.json

# complete WORDS...: COMPREPLY, sorted, one a line, for the last word.
cat >complete.bash <<'EOF'
shopt -u extglob
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
_gigawatt
printf '%s\n' "${COMPREPLY[@]}" | sort
EOF
complete() {
    PATH=$scratch/bin:$PATH bash complete.bash "$root/share/bash-completion/gigawatt" "$@"
}

got=$(complete gigawatt plan scen/)
want=$(printf 'scen/a.yaml\nscen/b.yml\nscen/sub')
[ "$got" = "$want" ] || fail "plan scen/<TAB> gave '$got', expected '$want'"

got=$(complete gigawatt report scen/)
want=$(printf 'scen/r.json\nscen/sub')
[ "$got" = "$want" ] || fail "report scen/<TAB> gave '$got', expected '$want'"

# --model offers models, and only models
got=$(complete gigawatt perf --model '')
echo "$got" | grep -qx 'llama-3.3-70b' || fail "--model <TAB> lacks llama-3.3-70b: $got"
for other in air h100-sxm gb200-nvl72 liquid-cooled-campus; do
    echo "$got" | grep -qx "$other" && fail "--model <TAB> offers '$other', not a model"
done

got=$(complete gigawatt perf --accelerator h1)
want=$(printf 'h100-sxm')
[ "$got" = "$want" ] || fail "--accelerator h1<TAB> gave '$got', expected '$want'"

got=$(complete gigawatt rack --cooling '')
echo "$got" | grep -qx 'air' || fail "--cooling <TAB> lacks air: $got"
echo "$got" | grep -qx 'h100-sxm' && fail "--cooling <TAB> offers an accelerator"

got=$(complete gigawatt sim --candidates b2)
[ "$got" = "b200" ] || fail "--candidates b2<TAB> gave '$got', expected 'b200'"
echo "completion: ok"
