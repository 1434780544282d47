#!/usr/bin/env bash
# chaos_clock_skew_node.t -- clock-skew reaches a Python node that knows
# nothing of the lab: the bridge starts it under libfaketime and the lab
# writes the skew into its per-node file. tests/nodes/python/clock_echo.py
# logs how far time.time() is from the kernel's own count (which
# libfaketime cannot shift); on the node results.json says was skewed
# that distance jumps by the skew (5 s), on a node never skewed it stays
# near 0. The run is an echo run, valid. Then the same for a Node.js node
# set back 5 s: libuv aborts when its monotonic clock goes back, so the
# bridge leaves that clock true for Node.js and shifts only the wall clock.
. "$(dirname "$0")/lib.sh" chaos-clock-skew-node
plan 11
need_program python3 python3
need_program node nodejs
need_file /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
    "libfaketime: run make lab (installs Debian package faketime)"
check_exit 0 "clock-skew on a Python echo node: exits 0 (valid)" \
    timeout 120 ./harness run clock-skew --workload echo \
    --node 'python3 tests/nodes/python/clock_echo.py' --seed 3 --time-limit 6 --store "$tmp"
results=$(ls "$tmp"/clock-skew/stdio/*/results.json 2>/dev/null | head -1)
dir=$(dirname "${results:-/nonexistent/x}")
check "results.json written" [ -f "$results" ]
skewed=$(python3 -c '
import json, sys
skews = json.load(open(sys.argv[1])).get("clock_skew", {})
print(" ".join(n for n, s in skews.items() if s.get("via") == "libfaketime"))' "$results" 2>/dev/null)
check "results.json names the nodes skewed through libfaketime (${skewed:-none})" [ -n "$skewed" ]
# The largest |offset| a node logged.
widest () { awk -v k="${2:-clock-offset}" '$1 == k { v = $2 < 0? -$2: $2; if (v > m) m = v } END { print m + 0 }' "$1"; }
first=${skewed%% *}
w=$(widest "$dir/$first.log")
check "$first's own clock moved by the skew (widest offset ${w} s, want >= 3)" \
    awk -v w="$w" 'BEGIN { exit !(w >= 3) }'
calm=""
for id in n1 n2 n3 n4 n5; do
    case " $skewed " in *" $id "*) ;; *) calm=$id; break ;; esac
done
if [ -n "$calm" ]; then
    w=$(widest "$dir/$calm.log")
    check "$calm, never skewed, kept a true clock (widest offset ${w} s, want < 2)" \
        awk -v w="$w" 'BEGIN { exit !(w < 2) }'
else
    check "some node was never skewed (seed 3 skews $skewed)" false
fi
check "$first answered echoes while skewed (log has clock-offset lines)" \
    grep -q clock-offset "$dir/$first.log"

# Node.js, set back 5 s one second in (it once died of signal 6 there),
# started by a line of two commands (the bridge finds node in any of them).
cat > "$tmp/back.conf" <<'CONF'
description = "n1's clock set back 5 s"
nodes = 3
duration_s = 4
systems
    stdio = valid
workload
    name = echo
    clients = 3
faults
    step
        at_s = 1
        do = clock-skew n1 -5000
CONF
check_exit 0 "clock-skew -5000 on a Node.js echo node: exits 0 (valid)" \
    timeout 120 ./harness run "$tmp/back.conf" --node 'cd tests/nodes/js && node clock_echo.js' \
    --store "$tmp/js"
dir=$(dirname "$(ls "$tmp"/js/back/stdio/*/results.json 2>/dev/null | head -1)")
check "the run wrote its results" [ -f "$dir/results.json" ]
w=$(widest "$dir/n1.log")
check "n1's Date.now () went back by the skew (widest offset ${w} s, want >= 3)" \
    awk -v w="$w" 'BEGIN { exit !(w >= 3) }'
late=$(awk '$1 == "clock-offset" && $2 <= -3 { n++ } END { print n + 0 }' "$dir/n1.log")
check "n1 answered on after it was set back (${late} echoes, want >= 5; its timers kept running)" \
    [ "$late" -ge 5 ]
w=$(widest "$dir/n1.log" mono-offset)
check "n1's monotonic clock stayed true (widest mono-offset ${w} s, want < 2)" \
    awk -v w="$w" 'BEGIN { exit !(w < 2) }'
