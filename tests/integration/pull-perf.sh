#!/bin/sh
# The pull time of a 3-layer image of about 100 MB unpacked (a third of each
# layer random, the rest text that compresses well) from docker-registry on
# loopback: prints wall and CPU time (daemon and client) of three cold pulls
# and one warm one (every layer present), and fails if a cold pull takes
# more than 10 s (docs/registry.md has the numbers next to docker and podman).
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_root
need_registry_tools

start_registry perf
for i in 1 2 3; do
        mkdir -p "$T/l$i/data"
        head -c 7000000 /dev/urandom >"$T/l$i/data/random"
        seq "$i" 5000000 | head -c 28000000 >"$T/l$i/data/text"
done
make_image "$T/perf.tar" perf:latest "$T/l1" "$T/l2" "$T/l3" >/dev/null
push "$T/perf.tar" "$REG/perf:v1"
compressed=$(curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "http://$REG/v2/perf/manifests/v1" | jq '[.layers[].size] | add')

start_ctrd

# CPU seconds (user + system) the daemon has used so far.
ctrd_cpu() { awk '{ printf "%.2f\n", ($14 + $15) / 100 }' "/proc/$CTRD_PID/stat"; }

pull_once() {
        c0=$(ctrd_cpu)
        t0=$(date +%s.%N)
        ctl pull -q "$REG/perf:v1" >/dev/null || fail "pull failed"
        t1=$(date +%s.%N)
        c1=$(ctrd_cpu)
        echo "$t0 $t1 $c0 $c1" | awk -v what="$1" '{ printf "%s: %.2f s wall, %.2f s daemon CPU\n", what, $2 - $1, $4 - $3 }'
        echo "$t0 $t1" | awk '{ exit !($2 - $1 < 10) }' || fail "$1 took more than 10 s"
}

echo "image: 3 layers, $((compressed / 1000000)) MB compressed, 105 MB unpacked"
for run in 1 2 3; do
        pull_once "cold pull $run"
        api DELETE "/images/$REG/perf:v1" >/dev/null
        assert_eq "$(st)" 200 "rmi"
done
pull_once "cold pull 4"
pull_once "warm pull (layers present)"
echo "PASS: $TEST_NAME"
