#!/usr/bin/env bash
# house_layout.t -- the rules of the source tree (docs/source.md), checked:
# includes follow the module graph, the checker is reached only through
# check.h, exit statuses are named, each module's main header says what it
# owns, the README's source tour lists every module, no module holds more
# than about a third of the C code, every shell test uses lib.sh, and
# docs/nodes.md's listing of nodes/echo.c is that file exactly.
. "$(dirname "$0")/lib.sh" house_layout
plan 9

# Module of a repository path: nodes/lib and nodes/raft are modules of
# their own; nodes/*.c are programs that may use only nodes/lib.
module_of () {
    case $1 in
        nodes/lib/*) echo node ;;
        nodes/*/*) f=${1#nodes/}; echo "${f%%/*}" ;;
        nodes/*) echo nodes ;;
        */*) echo "${1%%/*}" ;;
        *) echo top ;;
    esac
}

# What each module may include besides itself and common (the Makefile's
# LIBS_* lines, docs/source.md's graph).
declare -A may=(
    [cli]="lab scenario workload analysis report checker"
    [lab]="scenario workload analysis report checker"
    [report]="analysis"
    [analysis]=""
    [scenario]="workload"
    [workload]=""
    [checker]=""
    [proxy]=""
    [services]=""
    [node]=""
    [raft]="node"
    [lww]="node"
    [quorum]="node"
    [crdt]="node"
    [etcd]="node"
    [redis]="node"
    [nodes]="node"
    [common]=""
)
modules="cli lab scenario workload analysis report checker proxy services nodes/lib nodes/raft common $(ls -d nodes/lww nodes/quorum nodes/crdt nodes/etcd nodes/redis 2>/dev/null | tr '\n' ' ')"
sources=$(find cli lab scenario workload analysis report checker proxy services nodes common \
               -name '*.[ch]' | sort)

# resolve FILE INCLUDE: the repository path the quoted include names (the
# including file's directory first, then -iquote common and -iquote .).
resolve () {
    local dir=${1%/*} inc=$2 p
    for p in "$dir/$inc" "common/$inc" "$inc"; do
        if [ -f "$p" ]; then realpath -m --relative-to=. "$p"; return; fi
    done
    echo "?$inc"
}

bad_includes=
checker_inside=
for f in $sources; do
    m=$(module_of "$f")
    while read -r inc; do
        [ -n "$inc" ] || continue
        target=$(resolve "$f" "$inc")
        case $target in \?*) bad_includes+="$f: \"$inc\" not found"$'\n'; continue ;; esac
        t=$(module_of "$target")
        if [ "$t" = "$m" ] || [ "$t" = common ]; then continue; fi
        if [[ " ${may[$m]} " != *" $t "* ]]; then
            bad_includes+="$f ($m) includes $target ($t)"$'\n'
        fi
        if [ "$t" = checker ] && [ "$target" != checker/check.h ]; then
            checker_inside+="$f includes $target"$'\n'
        fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
check "every include follows the module graph of docs/source.md" [ -z "$bad_includes" ] ||
    diag "$bad_includes"
check "outside checker/, the checker is reached only through check.h" [ -z "$checker_inside" ] ||
    diag "$checker_inside"

# Exit statuses by name: no `return 64;`, `exit (70)`, `_exit (130)` or
# `status = 69` outside common/exits.h.
bare=$(grep -nE '((return|_?exit \(?|status = |\*status = ) *(64|65|69|70|127|130)\)?;)' $sources |
       grep -v '^common/exits.h' | grep -vE '^\S+:[0-9]+:\s*//')
check "exit statuses are named (common/exits.h), never bare numbers" [ -z "$bare" ] || diag "$bare"

# Each module's main header opens with a comment that says what the
# module owns (and may not touch).
missing=
for h in cli/commands.h lab/runner.h scenario/scenario.h workload/workload.h \
         analysis/measures.h report/report.h checker/check.h proxy/proxy.h services/service.h \
         nodes/lib/node.h nodes/raft/raft.h; do
    sed -n '1,/\*\//p' "$h" | grep -qw owns || missing+="$h "
done
check "each module's main header opens with what the module owns" [ -z "$missing" ] ||
    diag "headers without it: $missing"

# The README's source tour names every module directory, and nothing that
# is not there.
tour=$(sed -n '/^## Source tour/,/^## /p' README.md)
absent=
for m in $modules; do
    grep -qF "\`$m/\`" <<< "$tour" || absent+="$m "
done
stale=
for p in $(grep -oE '^\| `[a-z/*.]+`' <<< "$tour" | sed 's/^| `//; s/`$//'); do
    ls -d $p > /dev/null 2>&1 || stale+="$p "
done
check "the README's source tour lists every module ($absent)" [ -z "$absent" ]
check "every path in the source tour exists ($stale)" [ -z "$stale" ]

# No top-level module holds more than about a third of the C code.
total=$(cat $sources | wc -l)
biggest=$(for d in cli lab scenario workload analysis report checker proxy services nodes common; do
              echo "$(cat $(find $d -name '*.[ch]') | wc -l) $d"
          done | sort -rn | head -1)
check "the biggest module ($biggest of $total lines) holds at most 35% of the C code" \
    [ $(( ${biggest%% *} * 100 / total )) -le 35 ]

# Every shell test uses lib.sh's helpers, not its own TAP printing.
own=
for t in tests/*.t; do
    grep -q '^\. "$(dirname "$0")/lib.sh"' "$t" || own+="$t "
    grep -qE '^\s*echo "(not )?ok ' "$t" && own+="$t(echo ok) "
done
check "every shell test sources tests/lib.sh and prints TAP through it" [ -z "$own" ] ||
    diag "$own"

# docs/nodes.md shows nodes/echo.c whole: the ```c block after "the whole
# of `bin/node-echo`" is the file, byte for byte.
sed -n '/the whole of `bin\/node-echo`/,$p' docs/nodes.md | sed -n '/^```c$/,/^```$/p' | sed '1d;$d' > "$tmp/echo.c"
check "docs/nodes.md's listing is nodes/echo.c exactly" cmp -s "$tmp/echo.c" nodes/echo.c ||
    diag "$(diff "$tmp/echo.c" nodes/echo.c)"
