#!/usr/bin/env bash
# soak.sh -- no false alarms (issue 12, item 4; docs/soak.md). Runs every
# system each scenario promises a verdict for (valid or invalid; `varies`
# promises nothing) through that scenario over seeds 1..SOAK_SEEDS, SOAK_JOBS
# runs at a time, and counts the verdicts that are not the promised ones.
# Prints a table (scenario x system: runs, expected, unexpected with the
# seeds, so each can be rerun), writes it to store/soak/STAMP/soak.md and
# soak.json, and exits 0 only when nothing was unexpected (1 otherwise,
# 64 on a bad setting).
#
#   SOAK_SEEDS=N        seeds 1..N (default 50)
#   SOAK_SYSTEMS="a b"  only these systems (default: all the scenarios name)
#   SOAK_SCENARIOS="s"  only these scenarios: names under scenarios/, or
#                       paths to .conf files (default: scenarios/*.conf)
#   SOAK_FROM=N         the first seed (default 1): seeds N..N+SOAK_SEEDS-1
#   SOAK_TIME_LIMIT=S   --time-limit S for each run promised `valid` (default:
#                       the scenario's length). A run promised `invalid` always
#                       runs whole: the fault that exposes a system can come
#                       late (pacelc's partition starts at 8 s)
#   SOAK_JOBS=N         runs at a time (default 2)
#   SOAK_STORE=DIR      where STAMP/ goes (default store/soak)
cd "$(dirname "$0")/.." || exit 1
usage () { echo "soak: $*" >&2; exit 64; }
whole () { [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] \
               || usage "$1='$2': want a whole number in [$3, $4]"; }
seeds=${SOAK_SEEDS:-50} from=${SOAK_FROM:-1} jobs=${SOAK_JOBS:-2} limit=${SOAK_TIME_LIMIT:-}
whole SOAK_SEEDS "$seeds" 1 10000
whole SOAK_JOBS "$jobs" 1 16
whole SOAK_FROM "$from" 1 1000000
[ -z "$limit" ] || whole SOAK_TIME_LIMIT "$limit" 1 3600
[ -x ./harness ] || usage "no ./harness: run make first"
command -v jq > /dev/null || usage "jq is needed (apt-get install jq)"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${SOAK_STORE:-store/soak}/$stamp
[ ! -e "$out" ] || out=$out-$$
mkdir -p "$out/runs" || usage "cannot make $out"

# The scenario files, and for each the systems with a promised verdict.
files=()
if [ -n "${SOAK_SCENARIOS:-}" ]; then
    for s in $SOAK_SCENARIOS; do
        case $s in */*|*.conf) f=$s ;; *) f=scenarios/$s.conf ;; esac
        [ -f "$f" ] || usage "SOAK_SCENARIOS: no scenario '$s' ($f)"
        files+=("$f")
    done
else
    files=(scenarios/*.conf)
fi
plan=$out/plan.txt
: > "$plan"
for f in "${files[@]}"; do
    name=$(basename "$f" .conf)
    # scenario = f's name, or its path when it is not under scenarios/
    [ "$f" = "scenarios/$name.conf" ] && arg=$name || arg=$f
    awk '/^systems[ \t]*$/ { s = 1; next } /^[^ \t#]/ { s = 0 }
         s && NF >= 3 && $2 == "=" && ($3 == "valid" || $3 == "invalid") { print $1, $3 }' "$f" |
    while read -r system want; do
        if [ -n "${SOAK_SYSTEMS:-}" ] && [[ " $SOAK_SYSTEMS " != *" $system "* ]]; then
            continue
        fi
        for seed in $(seq "$from" $((from + seeds - 1))); do
            echo "$name $arg $system $want $seed" >> "$plan"
        done
    done
done
total=$(wc -l < "$plan")
[ "$total" -gt 0 ] || usage "nothing to run (check SOAK_SYSTEMS / SOAK_SCENARIOS)"
echo "soak: $total runs (seeds $from-$((from + seeds - 1))), $jobs at a time, into $out"

# One run: a line "name system want seed got rc" in runs/NAME.SYSTEM.SEED.
one () {
    local name=$1 arg=$2 system=$3 want=$4 seed=$5 got rc results
    local store=$out/runs/$name.$system.$seed cut=
    [ "$want" = valid ] && cut=$limit
    ./harness run "$arg" --system "$system" --seed "$seed" --store "$store" \
        ${cut:+--time-limit "$cut"} > "$store.log" 2>&1
    rc=$?
    results=$(ls "$store"/*/"$system"/*/results.json 2>/dev/null | head -1)
    got=error
    if [ -n "$results" ]; then
        got=$(jq -r 'if .valid == true then "valid" elif .valid == false
                     then "invalid" else "unknown" end' "$results" 2>/dev/null)
        [ -n "$got" ] || got=error
    fi
    echo "$name $system $want $seed $got $rc" > "$store.line"
    echo "soak: $name $system seed $seed: $got (want $want)"
}
export -f one
export out limit
xargs -P "$jobs" -L 1 bash -c 'one "$@"' _ < "$plan"

# The table: one row per scenario and system, in the plan's order.
cat "$out"/runs/*.line > "$out/lines.txt" 2>/dev/null
python3 - "$out" "$from" "$seeds" <<'EOF'
import json, sys
out, first, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
last = first + seeds - 1
order, rows = [], {}
for line in open(out + "/plan.txt"):
    name, arg, system, want, seed = line.split()
    key = (name, system)
    if key not in rows:
        order.append(key)
        rows[key] = {"scenario": name, "arg": arg, "system": system,
                     "expect": want, "runs": 0, "expected": 0, "unexpected": []}
for line in open(out + "/lines.txt"):
    name, system, want, seed, got, rc = line.split()
    r = rows[(name, system)]
    r["runs"] += 1
    if got == want:
        r["expected"] += 1
    else:
        kind = ("false alarm" if want == "valid" and got == "invalid" else
                "missed" if want == "invalid" and got == "valid" else got)
        r["unexpected"].append({"seed": int(seed), "verdict": got, "kind": kind,
                                "exit": int(rc)})
runs = sum(r["runs"] for r in rows.values())
bad = sum(len(r["unexpected"]) for r in rows.values())
head = "| scenario | system | expect | runs | expected | unexpected | seeds |"
md = ["# Soak %s" % out.rstrip("/").split("/")[-1], "",
      "%d runs, seeds %d-%d, %d unexpected" % (runs, first, last, bad), "", head,
      "|---|---|---|---|---|---|---|"]
text = ["%-20s %-8s %-8s %5s %9s %11s  %s" % ("scenario", "system", "expect", "runs",
        "expected", "unexpected", "seeds")]
for key in order:
    r = rows[key]
    r["unexpected"].sort(key=lambda u: u["seed"])
    seeds_s = ", ".join("%d (%s)" % (u["seed"], u["kind"]) for u in r["unexpected"]) or "-"
    md.append("| %s | %s | %s | %d | %d | %d | %s |" % (r["scenario"], r["system"],
              r["expect"], r["runs"], r["expected"], len(r["unexpected"]), seeds_s))
    text.append("%-20s %-8s %-8s %5d %9d %11d  %s" % (r["scenario"], r["system"],
                r["expect"], r["runs"], r["expected"], len(r["unexpected"]), seeds_s))
reruns = ["./harness run %s --system %s --seed %d" % (rows[k]["arg"], rows[k]["system"],
          u["seed"]) for k in order for u in rows[k]["unexpected"]]
if reruns:
    md += ["", "Rerun each:", ""] + ["    " + x for x in reruns]
    text += ["", "rerun:"] + ["  " + x for x in reruns]
text.append("%d runs, %d unexpected" % (runs, bad))
open(out + "/soak.md", "w").write("\n".join(md) + "\n")
json.dump({"runs": runs, "seeds": [first, last], "unexpected": bad,
           "rows": [rows[k] for k in order]}, open(out + "/soak.json", "w"), indent=1)
print("\n".join(text))
EOF
bad=$(jq .unexpected "$out/soak.json" 2>/dev/null)
echo "soak: table in $out/soak.md and soak.json"
[ "$bad" = 0 ]
