#!/bin/sh
# Checks that the Debian packages faultlab builds and tests with are present.
# As root with apt-get, installs what is missing; otherwise prints the one
# command that would, and exits 69 (EX_UNAVAILABLE).
PKGS="libzmq3-dev libczmq-dev libjansson-dev libcmocka-dev pkg-config gcc make perl"
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
