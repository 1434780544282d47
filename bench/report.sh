#!/usr/bin/env bash
# report.sh -- how long the run page takes, for a generated run of 50,000
# ops (tests/data/run-sample/generate.py: 10 clients over 60 s, three
# faults, one failing op), best of 3 on a shared machine:
#   report_write50k_ms   ./harness report: reading the run, writing report.html
#   report_page50k_kb    the page's size
#   report_load50k_ms    headless Chromium opening it (tests/webdriver.py:
#                        the WebDriver navigation, which returns after load)
#   report_dom50k_ms     navigation start to the load event, the page's own
#                        performance timing
cd "$(dirname "$0")/.."
[ -x ./harness ] || { echo "report.sh: ./harness is not built" >&2; exit 1; }
tmp=$(mktemp -d /tmp/report_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
python3 tests/data/run-sample/generate.py "$tmp/run" 50000 60 || exit 1
best=
for i in 1 2 3; do
    t0=$(date +%s%N)
    ./harness report "$tmp/run" > /dev/null || exit 1
    us=$(( ($(date +%s%N) - t0) / 1000 ))
    if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
done
awk -v us="$best" 'BEGIN { printf "bench report_write50k_ms %.1f ms\n", us / 1000 }'
echo "bench report_page50k_kb $(( $(stat -c %s "$tmp/run/report.html") / 1024 )) KB"
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "report.sh: install chromium chromium-driver (make lab does); load time skipped" >&2
    exit 1
fi
load= dom=
for i in 1 2 3; do
    facts=$(timeout 150 python3 tests/webdriver.py "$tmp/run/report.html" --deadline 60) || exit 1
    set -- $(printf '%s' "$facts" | python3 -c \
        'import json, sys; d = json.load (sys.stdin); print (d["load_ms"], d["dom_ms"])')
    if [ -z "$load" ] || awk -v a="$1" -v b="$load" 'BEGIN { exit !(a < b) }'; then
        load=$1 dom=$2
    fi
done
echo "bench report_load50k_ms $load ms"
echo "bench report_dom50k_ms $dom ms"
