#!/bin/sh
# Checks that the Debian packages faultlab builds and tests with are present.
# As root with apt-get, installs what is missing; otherwise prints the one
# command that would, and exits 69 (EX_UNAVAILABLE).
#
#   build:  libzmq3-dev libczmq-dev libjansson-dev libcmocka-dev pkg-config gcc make
#   tests:  perl      prove, and the Perl nodes and JSON checks in the tests
#           python3   the example Maelstrom nodes (examples/maelstrom/*.py)
#                     that chaos_node_stdio, harness_orphans, harness_node_replies
#                     and the node_stdio unit test run, and the Python test
#                     nodes (tests/nodes/python) of test_nodes_smoke and
#                     chaos_nodes_python
#           nodejs    node, for the JavaScript test nodes (tests/nodes/js) of
#                     test_nodes_smoke and chaos_nodes_js
#           ruby      the Ruby test nodes (tests/nodes/ruby) of
#                     test_nodes_smoke and chaos_nodes_ruby
#           faketime  libfaketime, under which --node programs start so that
#                     clock-skew shifts any program's clock (as Jepsen does)
#           procps    pgrep/pkill: the tests' "no process is left" checks
#           coreutils timeout, which bounds every test and run (Essential)
#           util-linux setsid (Essential; listed so a slim image says so)
#   fuzz:   clang     libFuzzer and the sanitizers (Debian's clang brings
#                     libclang-rt-NN-dev): make fuzz, tests/fuzz_brief.t
#   soak:   jq        make soak reads each run's results.json (scripts/soak.sh)
#   report: chromium  headless Chromium for the browser test of report.html
#           chromium-driver  WebDriver, through which the test drives it
#   serve:  libmicrohttpd-dev  the HTTP server of ./harness serve, the store
#                     browser (lab/serve.c): a kept library, not our own HTTP
#   real databases (docs/real-databases.md):
#           etcd-server redis-server redis-sentinel   the servers under test
#           nftables iproute2 iptables   the IP-level fault plane (namespaces,
#                     veth; iptables-nft for the NFQUEUE rule: this kernel
#                     has xt NFQUEUE but not nft's queue expression;
#                     one nftables table in the hub namespace)
#           libcurl4-openssl-dev libhiredis-dev   the etcd and Redis clients
#           libnetfilter-queue-dev   delay and reorder at the IP level
PKGS="libzmq3-dev libczmq-dev libjansson-dev libcmocka-dev pkg-config gcc make
      perl python3 nodejs ruby faketime procps coreutils util-linux clang
      jq chromium chromium-driver libmicrohttpd-dev iptables
      etcd-server redis-server redis-sentinel nftables iproute2
      libcurl4-openssl-dev libhiredis-dev libnetfilter-queue-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get update && apt-get install -y$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "faultlab: installing missing packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    (apt-get update -qq && apt-get install -y -qq $missing) >&2 || {
        echo "faultlab: package install failed; try: $cmd" >&2; exit 69; }
    exit 0
fi
echo "faultlab: missing Debian packages:$missing" >&2
echo "faultlab: run as root: $cmd" >&2
exit 69
