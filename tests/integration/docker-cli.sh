#!/bin/sh
# The stock docker CLI against ctrd: run (attached, -d, --rm, -i, -it in a
# pty), exec (-i, -it, -u, -w, -e, -d), logs -f, ps, inspect, stop, kill,
# rm -f, wait, images, version, info; exit codes as docker gives them.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
need_cmd "${DOCKER_CLI:-docker}"
need_cmd script
start_ctrd_for_containers
import_busybox
export DOCKER_HOST="unix://$SOCK"
DOCKER_CLI=${DOCKER_CLI:-docker}
d() { "$DOCKER_CLI" "$@"; }

assert_eq "$(d run --rm --network none busybox echo hi)" hi "run --rm"
rc=0; d run --network none --name r1 busybox sh -c 'echo out; echo err >&2; exit 4' >"$T/o" 2>"$T/e" || rc=$?
assert_eq "$rc" 4 "run exit code"
assert_eq "$(cat "$T/o")" out "run stdout"
assert_eq "$(cat "$T/e")" err "run stderr"
assert_eq "$(d logs r1 2>/dev/null)" out "logs stdout"
assert_eq "$(d inspect -f '{{.State.ExitCode}}' r1)" 4 "inspect"
rc=0; d run --rm --network none busybox /nosuchcmd 2>/dev/null || rc=$?
assert_eq "$rc" 127 "missing executable"
assert_eq "$(echo piped | d run --rm -i --network none busybox cat)" piped "run -i"
out=$(script -qec "$DOCKER_CLI run --rm -it --network none busybox sh -c 'tty; exit 3'" /dev/null | tr -d '\r\000')
assert_contains "$out" "/dev/pts/" "run -it has a terminal"

# The device cgroup: a node the default rules do not allow cannot be opened
# even though the default capabilities allow creating it.
out=$(d run --rm --network none busybox sh -c 'mknod /tmp/blk b 7 0 && head -c1 /tmp/blk' 2>&1 || true)
assert_contains "$out" "Operation not permitted" "device cgroup"

id=$(d run -d --network none --name r2 busybox sleep 300)
[ ${#id} = 64 ] || fail "run -d printed '$id'"
assert_contains "$(d ps --format '{{.Names}} {{.Status}}')" "r2 Up" "ps"
assert_eq "$(d exec r2 echo hi)" hi "exec"
rc=0; d exec r2 sh -c 'exit 7' || rc=$?
assert_eq "$rc" 7 "exec exit code"
rc=0; d exec r2 /nosuchcmd >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 127 "exec of a missing executable"
assert_eq "$(echo in | d exec -i r2 cat)" in "exec -i"
assert_eq "$(d exec -u 1000 -w /tmp -e X=1 r2 sh -c 'echo $(id -u) $PWD $X')" "1000 /tmp 1" "exec -u -w -e"
d exec -d r2 sh -c 'echo detached > /tmp/mark'
sleep 0.3
assert_eq "$(d exec r2 cat /tmp/mark)" detached "exec -d"
out=$(script -qec "$DOCKER_CLI exec -it r2 sh -c 'stty size; tty'" /dev/null | tr -d '\r\000')
assert_contains "$out" "/dev/pts/" "exec -it"

# logs -f ends when the container stops.
d run -d --network none --name r3 busybox sh -c 'for i in 1 2 3; do echo l$i; sleep 0.2; done' >/dev/null
assert_eq "$(timeout 10 "$DOCKER_CLI" logs -f r3 | tr '\n' ' ')" "l1 l2 l3 " "logs -f"
assert_eq "$(d wait r3)" 0 "wait"
d kill r2 >/dev/null
# kill answers once the signal is sent; the exit is recorded a moment later.
wait_for "r2 to exit after kill" 5 sh -c "[ \"\$($DOCKER_CLI inspect -f '{{.State.Status}}' r2)\" = exited ]"
rc=0; d stop r2 >/dev/null || rc=$?
assert_eq "$rc" 0 "stop of a stopped container (304)"
d rm -f r1 r2 r3 >/dev/null
assert_eq "$(d ps -aq | wc -l)" 0 "rm -f"
assert_contains "$(d images --format '{{.Repository}}:{{.Tag}}')" "busybox:latest" "images"
assert_eq "$(d version --format '{{.Server.APIVersion}}')" 1.41 "version"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left: $(leftover_cgroups)"
echo "PASS: $TEST_NAME"
