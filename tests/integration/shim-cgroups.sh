#!/bin/sh
# linux.resources really applied: limits read back from inside, memory and
# pids limits enforced, OOM kills reported, a tiny container still starts,
# and the cgroup is gone afterwards. Works on cgroup v1 (hybrid) and v2.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        mem=/sys/fs/cgroup/memory.max pids=/sys/fs/cgroup/pids.max cpu=/sys/fs/cgroup/cpu.max
else
        mem=/sys/fs/cgroup/memory/memory.limit_in_bytes pids=/sys/fs/cgroup/pids/pids.max
        cpu=/sys/fs/cgroup/cpu/cpu.cfs_quota_us
fi

new_bundle limits sh -c "cat $mem $pids $cpu"
edit '.linux.resources = {memory: {limit: 33554432}, pids: {limit: 20},
                          cpu: {quota: 50000, period: 100000}}'
out=$(shim limits 2>&1) || fail "run failed: $out"
case "$out" in
*max*) assert_eq "$(echo $out)" "33554432 20 50000 100000" "limits seen inside (v2)" ;;
*) assert_eq "$(echo $out)" "33554432 20 50000" "limits seen inside (v1)" ;;
esac
cgroup_gone limits

# The smallest container the issue asks for: 4 MiB and a single pid.
new_bundle tiny true
edit '.linux.resources = {memory: {limit: 4194304}, pids: {limit: 1}}'
out=$(shim tiny 2>&1) || fail "4 MiB / 1 pid container did not start: $out"
cgroup_gone tiny

# pids.max enforced: the fourth process cannot be forked.
new_bundle pids sh -c 'sleep 1 & sleep 1 & sleep 1 & sleep 1 & wait; echo done'
edit '.linux.resources = {pids: {limit: 3}}'
out=$(shim pids 2>&1) || true
assert_contains "$out" "can't fork" "pids limit"
cgroup_gone pids

# Memory limit enforced: a shell that keeps 64 MiB in a variable is OOM-killed.
new_bundle oom sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
edit '.linux.resources = {memory: {limit: 16777216, swap: 16777216}}'
rc=0
out=$(shim oom 2>&1) || rc=$?
case "$out" in *survived*) fail "64 MiB fit in a 16 MiB container: $out" ;; esac
assert_contains "$out" "OOM-killed" "OOM kill reported"
[ "$rc" != 0 ] || fail "OOM-killed container exited 0"
cgroup_gone oom

# cgroup v2 through the empty unified tree of a hybrid host (on a v2 host the
# runs above already were v2): a bind of the container's cgroup without a
# cgroup namespace, a fresh cgroup2 mount whose root is the container's with one.
uni=/sys/fs/cgroup/unified
if [ "$(stat -fc %T $uni 2>/dev/null)" = cgroup2fs ]; then
        new_bundle v2 sh -c 'awk "\$5 == \"/sys/fs/cgroup\" { print \$4, \$9 }" /proc/self/mountinfo; grep ^0: /proc/self/cgroup'
        out=$("$CTRD_SHIM" run --bundle "$B" --id v2 --cgroup-root $uni 2>&1) || fail "v2 run: $out"
        assert_eq "$(echo $out)" "$CG_PARENT/v2 cgroup2 0::$CG_PARENT/v2" "v2 bind"
        [ -e "$uni$CG_PARENT/v2" ] && fail "v2 cgroup left behind"
        edit '.linux.namespaces += [{type: "cgroup"}]'
        out=$("$CTRD_SHIM" run --bundle "$B" --id v2 --cgroup-root $uni 2>&1) || fail "v2 run: $out"
        assert_eq "$(echo $out)" "/ cgroup2 0::/" "v2 with a cgroup namespace"
        [ -e "$uni$CG_PARENT/v2" ] && fail "v2 cgroup left behind"
fi
echo "PASS: $TEST_NAME"
