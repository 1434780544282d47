#!/usr/bin/env bash
# harness_serve.t -- ./harness serve, the store browser: on a store of two
# runs (copies of tests/data/run-basic, one made valid, each with its page
# from ./harness report), a server on a free port (--port 0) listens on
# 127.0.0.1 only; its index lists the runs newest first, coloured by
# verdict, linking to each report and run directory; a report and a file
# come back byte for byte; '..' (plain or percent-encoded) and a symbolic
# link out of the store are refused with 403, without the file; bad ports
# are usage errors naming the value, a port in use exits 69; SIGTERM
# stops it with status 0 within a deadline.
. "$(dirname "$0")/lib.sh" harness_serve
plan 26
need_program curl curl

store=$tmp/store
old=sc-a/primary/20260101T000000
new=sc-b/raft/20260102T000000-2
for r in $old $new; do
    mkdir -p "$store/$r"
    cp tests/data/run-basic/*.jsonl tests/data/run-basic/results.json "$store/$r/"
done
sed -i 's/^ "valid": false,/ "valid": true,/; s/^ "expected": "invalid"/ "expected": "valid"/' \
    "$store/$new/results.json"
check_exit 0 "./harness report writes both pages" ./harness report "$store/$old" "$store/$new"
ln -s sc-b/raft/20260102T000000-2 "$store/latest"
ln -s /etc "$store/escape"
# a run dir whose name has a newline cannot be served: it is not listed
nl_run="$store/sc-a/primary/20260103T000000"$'\n'"x"
mkdir -p "$nl_run" && cp tests/data/run-basic/results.json "$nl_run/"
echo secret > "$tmp/outside.txt"
ln -s "$tmp/outside.txt" "$store/$old/leak.txt"

./harness serve --port 0 --store "$store" > "$tmp/serve.out" 2> "$tmp/serve.err" &
pid=$!
at_exit "kill -KILL $pid 2>/dev/null"
check "it says where it serves" wait_for 10 grep -q 'at http://127.0.0.1:[0-9]*/' "$tmp/serve.out"
port=$(sed -n 's|.*at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
url=http://127.0.0.1:${port:-1}
check "it listens on 127.0.0.1:$port only" \
    bash -c "ss -ltnH 'sport = :$port' | awk '{ print \$4 }' | grep -qx '127.0.0.1:$port'"

# fetch PATH: the status code into $code, the body into $tmp/body
fetch () { code=$(curl -s --path-as-is -o "$tmp/body" -w '%{http_code}' --max-time 10 "$url$1"); }
# refused TEXT: the last fetch was a 403 whose body does not have TEXT
refused () { [ "$code" = 403 ] && ! grep -q "$1" "$tmp/body"; }

fetch /
check "the index answers 200 ($code)" [ "$code" = 200 ]
rows=$(grep -o 'data-path="[^"]*"' "$tmp/body" | sed 's/data-path="//; s/"$//' | tr '\n' ' ')
check "runs newest first, latest, escape and a name with a newline not listed as runs ($rows)" \
    bash -c '[ "$1" = "$2" ] && ! grep -q 20260103T000000 "$3"' _ "$rows" "$new $old " "$tmp/body"
check_grep -F "<tr class=\"run valid\" data-path=\"$new\"" "$tmp/body" "the newer run is coloured valid"
check_grep -F "<tr class=\"run invalid\" data-path=\"$old\"" "$tmp/body" "the older run is coloured invalid"
check_grep -F "href=\"/$new/report.html\"" "$tmp/body" "the index links to the newer run's report"
check_grep -F "href=\"/$old/\">files" "$tmp/body" "and to the older run's files"

fetch "/$new/report.html"
check "a report comes back whole ($code)" cmp -s "$tmp/body" "$store/$new/report.html"
fetch "/$old/"
check "a run's directory lists its files ($code)" \
    grep -qF "href=\"/$old/history.jsonl\"" "$tmp/body"
fetch "/latest/results.json"
check "the latest link inside the store is followed ($code)" \
    cmp -s "$tmp/body" "$store/$new/results.json"

fetch "/$old/../../../../etc/passwd"
check "'..' is refused with 403 ($code)" refused root:
fetch "/%2e%2e/%2e%2e/etc/passwd"
check "percent-encoded '..' is refused with 403 ($code)" refused root:
fetch "/escape/passwd"
check "a symbolic link out of the store is refused with 403 ($code)" \
    refused root:
fetch "/$old/leak.txt"
check "a file linked from outside is refused with 403 ($code)" \
    refused secret

# libmicrohttpd hands over the decoded path cut at a NUL: refused as raw
fetch "/latest/results.json%00.html"
check "an encoded NUL is refused with 403, not served as the file before it ($code)" \
    refused '"scenario"'
fetch "/latest/results.json%00/../../../etc/passwd"
check "an encoded NUL before '..' is refused with 403 ($code)" \
    bash -c '[ "$1" = 403 ] && grep -q "control byte at byte 20 (an encoded NUL" "$2" \
             && ! grep -q -e root: -e "\"scenario\"" "$2"' _ "$code" "$tmp/body"
fetch "/%00/../../etc/passwd"
check "an encoded NUL at the root is refused with 403, not the index ($code)" \
    refused data-path
fetch "/sc-a/primary/"
check "a listing leaves out a name with a newline ($code)" \
    bash -c '[ "$1" = 200 ] && grep -qF "20260101T000000" "$2" && ! grep -qF "20260103T000000" "$2"' \
    _ "$code" "$tmp/body"

check_error 64 "--port '65536' is not a whole number in 0..65535" "port 65536 refused, named" \
    ./harness serve --port 65536 --store "$store"
check_error 64 "--port 'inf' is not a whole number" "port inf refused, named" \
    ./harness serve --port inf --store "$store"
check_error 69 "port $port: Address already in use" "a port in use exits 69, saying so" \
    timeout 10 ./harness serve --port "$port" --store "$store"

kill -TERM $pid
wait_exit $pid 10
check "SIGTERM stops it with status 0 within 10 s ($rc)" [ "$rc" = 0 ]
check "and it no longer answers" bash -c "! curl -s --max-time 2 -o /dev/null '$url/'"

./harness serve --port 0 --store "$store" > "$tmp/serve2.out" 2>&1 &
pid=$!
at_exit "kill -KILL $pid 2>/dev/null"
wait_for 10 grep -q 'at http://' "$tmp/serve2.out"
kill -INT $pid
wait_exit $pid 10
check "SIGINT stops it with status 0 too ($rc)" [ "$rc" = 0 ]
