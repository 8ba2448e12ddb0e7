#!/bin/sh
# ctrctl's interactive verbs: run -i/-it, exec [-i|-it|-d|-u|-w|-e], attach;
# exit codes as docker's. Terminal cases run in a pty made by `script`.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
need_cmd script
start_ctrd_for_containers
import_busybox
C="$CTRCTL -H unix://$SOCK"

assert_eq "$(echo piped | $C run --rm -i --network none busybox cat)" piped "run -i"
rc=0
out=$(script -qec "$C run --rm -it --network none busybox sh -c 'tty; exit 3'" /dev/null </dev/null) || rc=$?
assert_contains "$(echo "$out" | tr -d '\r')" "/dev/pts/" "run -it has a terminal"
assert_eq "$rc" 3 "run -it exit code"

$C run -d --name i1 --network none busybox sleep 300 >/dev/null
assert_eq "$($C exec i1 echo hi)" hi "exec"
rc=0; $C exec i1 sh -c 'exit 7' || rc=$?
assert_eq "$rc" 7 "exec exit code"
rc=0; $C exec i1 /nosuchcmd >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 127 "exec of a missing executable"
assert_eq "$(echo in | $C exec -i i1 cat)" in "exec -i"
assert_eq "$($C exec -u 1000 -w /tmp -e X=1 i1 sh -c 'echo $(id -u) $PWD $X')" "1000 /tmp 1" "exec -u -w -e"
$C exec -d i1 sh -c 'echo detached > /tmp/mark'
sleep 0.3
assert_eq "$($C exec i1 cat /tmp/mark)" detached "exec -d"
out=$(script -qec "$C exec -it i1 sh -c 'tty; exit 4'" /dev/null </dev/null | tr -d '\r') || true
assert_contains "$out" "/dev/pts/" "exec -it"

# attach follows a running container's output and returns its exit code.
$C run -d --name i2 --network none busybox sh -c 'sleep 1; echo late; exit 5' >/dev/null
rc=0
out=$($C attach i2) || rc=$?
assert_eq "$out" late "attach output"
assert_eq "$rc" 5 "attach exit code"
rc=0; $C attach i2 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || fail "attaching to a stopped container succeeded"
$C rm -f i1 i2 >/dev/null
[ -z "$(leftover_cgroups)" ] || fail "cgroups left: $(leftover_cgroups)"
echo "PASS: $TEST_NAME"
