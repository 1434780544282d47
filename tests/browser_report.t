#!/usr/bin/env bash
# browser_report.t -- the run page in a real browser: headless Chromium,
# driven through chromedriver's WebDriver API by tests/webdriver.py, opens
# report.html of a real known-invalid run (split-brain's primary, seed 1)
# and of a generated 50,000-op run (tests/data/run-sample/generate.py,
# written by ./harness report). For each: no console message of level
# SEVERE, one lane element per process (the lanes' process counts add up
# to the history's processes, and with at most 48 processes a lane holds
# one), the checker's failing op marked and on screen, a screenshot that is
# not blank (decoded: more than one colour, some ink). The 50,000-op page
# must load within a generous deadline; the time is printed as a comment
# (bench/report.sh measures it; tests never assert wall-clock figures).
# Last, ./harness serve's index of the first run's store, in the browser:
# no console errors (a missing favicon would be one), the run's row red.
# Without chromium or chromedriver every test fails saying what to install.
. "$(dirname "$0")/lib.sh" browser_report
plan 16
# (FL_CHROMIUM and FL_CHROMEDRIVER, read by tests/webdriver.py too, name
# other binaries.)
for p in "${FL_CHROMIUM:-/usr/bin/chromium}" "${FL_CHROMEDRIVER:-/usr/bin/chromedriver}"; do
    [ -x "$p" ] || fail_rest "$p not found: install chromium chromium-driver (make lab does)"
done

# facts PAGE_FACTS.json RUN_DIR: what the browser saw, judged against the
# run's files, as NAME=VALUE lines (lanes, processes, lanes_single,
# failing_named, failing_marked, severe, colours, ink, load_ms).
facts () {
    python3 - "$1" "$2" <<'EOF'
import json, sys
seen = json.load(open(sys.argv[1])); run = sys.argv[2]
events = [json.loads(l) for l in open(run + "/history.jsonl")]
processes = {e["process"] for e in events}
lanes = seen["lanes"]
print("lanes=%d" % len(lanes))
print("processes=%d" % len(processes))
print("lane_sum=%d" % sum(l["processes"] for l in lanes))
print("lanes_single=%s" % all(l["processes"] == 1 for l in lanes))
print("lanes_known=%s" % all(l["process"] in processes for l in lanes))
# The checker's first failing op (linearizable's details.failing or
# failed_ops), as the invoke index the page flags it with.
named = None
for c in json.load(open(run + "/results.json")).get("checks", []):
    d = c.get("details") or {}
    for key in ("failing", "failed_ops"):
        if c.get("valid") is False and d.get(key) and named is None:
            named = d[key][0]["index"]
if named is not None and events[named]["type"] != "invoke":
    p = events[named]["process"]
    named = max(e["index"] for e in events[:named] if e["process"] == p and e["type"] == "invoke")
print("failing_named=%s" % named)
print("failing_marked=%s" % any(f["text"] == "#%s" % named and f["shown"] for f in seen["failing"]))
print("severe=%d" % len(seen["severe"]))
for m in seen["severe"][:5]:
    print("severe_message=%s" % m.replace("\n", " "))
print("colours=%d" % seen["screenshot"]["colours"])
print("ink=%.4f" % seen["screenshot"]["ink"])
print("ink_enough=%s" % (seen["screenshot"]["ink"] > 0.01))
print("load_ms=%s" % seen["load_ms"])
EOF
}
get () { sed -n "s/^$1=//p" "$2" | head -1; }

# --- a real known-invalid run -------------------------------------------
check_exit 0 "split-brain primary seed 1 runs, invalid as expected" \
    timeout 200 ./harness run split-brain --system primary --seed 1 --time-limit 6 --store "$tmp/sb"
run_dir=$(dirname "$(ls "$tmp"/sb/split-brain/primary/*/report.html 2>/dev/null | head -1)")
v=$(verdict "$run_dir/results.json" 2>/dev/null)
check "its verdict is invalid (${v:-no results.json})" [ "$v" = false ]
check_exit 0 "Chromium opens its report.html" \
    timeout 150 python3 tests/webdriver.py "$run_dir/report.html" --screenshot "$tmp/sb.png" \
    --deadline 60
printf '%s\n' "$out" | tail -1 > "$tmp/sb.json"
facts "$tmp/sb.json" "$run_dir" > "$tmp/sb.facts" 2>&1
sb=$tmp/sb.facts
check "no console errors ($(get severe "$sb") SEVERE: $(get severe_message "$sb"))" \
    [ "$(get severe "$sb")" = 0 ]
check "one lane per process ($(get lanes "$sb") lanes, $(get processes "$sb") processes)" \
    [ "$(get lanes "$sb")" = "$(get processes "$sb")" -a "$(get lanes_single "$sb")" = True \
      -a "$(get lanes_known "$sb")" = True -a "$(get processes "$sb")" -gt 1 ]
check "the checker's failing op #$(get failing_named "$sb") is marked on screen" \
    [ "$(get failing_marked "$sb")" = True ]
check "screenshot is not blank ($(get colours "$sb") colours, ink $(get ink "$sb"))" \
    [ "$(get colours "$sb")" -gt 1 -a "$(get ink_enough "$sb")" = True ]
[ "$(get severe "$sb")" = 0 ] && [ "$(get failing_marked "$sb")" = True ] || cat "$sb" >&2

# --- a 50,000-op page ----------------------------------------------------
check "generate a 50,000-op run" \
    timeout 120 python3 tests/data/run-sample/generate.py "$tmp/big" 50000 60
check_exit 0 "./harness report writes its page" ./harness report "$tmp/big"
check_exit 0 "Chromium loads the 50,000-op page within 60 s" \
    timeout 150 python3 tests/webdriver.py "$tmp/big/report.html" --deadline 60
printf '%s\n' "$out" | tail -1 > "$tmp/big.json"
facts "$tmp/big.json" "$tmp/big" > "$tmp/big.facts" 2>&1
big=$tmp/big.facts
diag "50,000-op report.html: $(stat -c %s "$tmp/big/report.html") bytes, loaded in $(get load_ms "$big") ms"
check "its load took under 60 s ($(get load_ms "$big") ms)" \
    awk -v ms="$(get load_ms "$big")" 'BEGIN { exit !(ms != "" && ms < 60000) }'
check "no console errors ($(get severe "$big") SEVERE: $(get severe_message "$big"))" \
    [ "$(get severe "$big")" = 0 ]
check "its lanes hold every process ($(get lanes "$big") lanes for $(get lane_sum "$big") of $(get processes "$big") processes)" \
    [ "$(get lane_sum "$big")" = "$(get processes "$big")" -a "$(get lanes_known "$big")" = True ]
check "its failing op #$(get failing_named "$big") is marked on screen" \
    [ "$(get failing_marked "$big")" = True ]

# --- the store browser's index, in the browser -----------------------------
./harness serve --port 0 --store "$tmp/sb" > "$tmp/serve.out" 2>&1 &
serve_pid=$!
at_exit "kill -TERM $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null"
wait_for 10 grep -q 'at http://' "$tmp/serve.out"
port=$(sed -n 's|.*at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
check_exit 0 "Chromium opens ./harness serve's index" \
    timeout 150 python3 tests/webdriver.py "http://127.0.0.1:${port:-1}/" --deadline 60
printf '%s\n' "$out" | tail -1 > "$tmp/index.json"
index=$(python3 -c '
import json, sys
d = json.load (open (sys.argv [1]))
r = d ["runs"]
print ("%d severe, %d runs, %s, %s" % (len (d ["severe"]), len (r),
       r and r [0]["verdict"], r and r [0]["colour"]))
ok = not d ["severe"] and len (r) == 1 and r [0]["verdict"] == "invalid" \
     and r [0]["colour"] == "rgb(198, 40, 40)" and r [0]["report"].endswith ("/report.html")
sys.exit (0 if ok else 1)' "$tmp/index.json" 2>&1)
ok $? "the index shows the run in red with its report link, no console errors ($index)"
