#!/usr/bin/env bash
# txn.sh -- the txn checker (issue 11): strict serializable list-append
# histories of 10k, 100k and 1M transactions over 100 keys (bench/txn.c
# says how they are made), each checked by check_file in one process:
#   txn_parse_Nk      baseline, the same run: every line parsed as JSON
#   txn_check_Nk      read + infer + cycle search, seconds (target at 100k: < 10 s)
#   txn_check_Nk_rss_mb  peak memory after it (target at 100k: < 1024 MB;
#                     the 1M run needs about 2.5 GB, the history's JSON values)
#   txn_check_100k_stale  100k txns with 1 read in 20 stale: cycles found and
#                     named in components of thousands of txns
cd "$(dirname "$0")/.."
[ -x bench/bin/txn ] || make -s bench/bin/txn >/dev/null || exit 1
bench/bin/txn 10000 100000 100000s 1000000   # ascending: rss is the peak so far
