#!/bin/sh
# bench/profile.sh [N] [PATH] — where a private ctrd spends its time serving
# GET PATH (default /v1.41/containers/json) with N (default 100) containers
# running sleep: perf samples the daemon with DWARF call graphs while
# bench/loadgen keeps one connection busy for 4 s, then prints the functions
# by inclusive share. This is how README.md's "where ctrd loses" was found.
# Needs root, perf (Debian package linux-perf), jq, curl, cc; CTRD_BUILDDIR
# names the build tree (a -g build gives names to ctrd's own frames).
set -eu
export PYTHONDONTWRITEBYTECODE=1

N=${1:-100}
REQ=${2:-/v1.41/containers/json}
HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/.." && pwd)
# shellcheck disable=SC2034 # BUILDDIR is read by engines.sh
BUILDDIR=$(cd "${CTRD_BUILDDIR:-$PWD}" && pwd)
command -v perf >/dev/null || { echo "bench/profile.sh: needs perf (apt-get install linux-perf)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench/profile.sh: needs root" >&2; exit 1; }

B=$(mktemp -d /tmp/ctrd-bench-prof.XXXXXX)
# shellcheck source=bench/engines.sh
. "$HERE/engines.sh"
on_exit remove_bench_dir
trap run_cleanups EXIT
trap 'exit 130' INT TERM

"$SRCDIR/tests/helpers/mkbusybox-tar.sh" "$B/busybox.tar"
cc -O2 -pthread -o "$B/loadgen" "$HERE/loadgen.c"
start_ctrd
api() { curl -sf --unix-socket "$CTRD_SOCK" "$@"; }
i=0
while [ $i -lt "$N" ]; do
        id=$(api -X POST -H 'Content-Type: application/json' \
                -d '{"Image":"busybox","Cmd":["sleep","3600"],"HostConfig":{"NetworkMode":"none"}}' \
                http://d/v1.41/containers/create | jq -r .Id)
        api -X POST "http://d/v1.41/containers/$id/start"
        i=$((i + 1))
done
# The containers go before the daemon stops (on_exit runs last-registered first).
on_exit "api http://d/v1.41/containers/json | jq -r '.[].Id' | while read -r c; do api -X DELETE \"http://d/v1.41/containers/\$c?force=1\" || true; done"

echo "GET $REQ with $N containers (req/s p50_ms p99_ms requests errors):"
"$B/loadgen" "$CTRD_SOCK" "$REQ" 1 2
perf record -q -F 499 --call-graph dwarf,16384 -o "$B/perf.data" -p "$CTRD_PID" -- sleep 4 >/dev/null 2>&1 &
perf_pid=$!
"$B/loadgen" "$CTRD_SOCK" "$REQ" 1 4
wait $perf_pid || true
perf report -i "$B/perf.data" --children --stdio --percent-limit 4 -g none --sort symbol 2>/dev/null |
        grep -v '^#' | grep -v '^$' | grep -v '\] 0x' | head -40
