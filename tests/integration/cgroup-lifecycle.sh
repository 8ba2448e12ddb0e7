#!/bin/sh
# The cgroup driver against the host's real cgroup tree (v1/hybrid or v2,
# whatever the host runs): limits read back from the kernel's files, a process
# entered into every hierarchy, an OOM kill counted and signalled, freeze and
# thaw, and destroy killing what is left and removing every directory.
# Hierarchies are listed here from statfs/mountinfo independently of the
# driver, so the test checks it rather than repeats it.
set -u

ROOT=/sys/fs/cgroup
PROBE="$CTRD_BUILDDIR/tests/helpers/cgroup-probe"
TOP="/ctrd-test-$$"
CG="$TOP/cg"
MB32=33554432
n=0
failed=0
sleep_pid=

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
skip() {
        echo "1..0 # SKIP $*"
        [ "${CTRD_TEST_STRICT:-0}" = 1 ] && exit 1
        exit 77
}
same() { [ "$(cat "$1" 2>/dev/null)" = "$2" ] || { echo "# $1: '$(cat "$1" 2>&1)', want '$2'"; false; }; }

[ "$(id -u)" = 0 ] || skip "needs root"
[ -x "$PROBE" ] || skip "$PROBE is not built"
mode=$("$PROBE" detect "$ROOT" 2>&1) || skip "no usable cgroup hierarchy: $mode"

# Every cgroup mount directly under ROOT (v1 hierarchies, a hybrid cgroup2), or ROOT on v2.
if [ "$mode" = v2 ]; then
        DIRS=$ROOT
else
        DIRS=$(awk -v r="$ROOT/" '{ for (i = 7; $i != "-"; i++); t = $(i + 1) }
                (t == "cgroup" || t == "cgroup2") && index($5, r) == 1 &&
                substr($5, length(r) + 1) !~ /\// { print $5 }' /proc/self/mountinfo | sort -u)
fi

# The v1 hierarchy carrying controller $1.
hier() {
        awk -v c="$1" -v r="$ROOT/" '{ for (i = 7; $i != "-"; i++); }
                $(i + 1) == "cgroup" && index($5, r) == 1 {
                        k = split($(i + 3), o, ","); for (j = 1; j <= k; j++) if (o[j] == c) { print $5; exit } }' \
                /proc/self/mountinfo
}
dir_of() { if [ "$mode" = v2 ]; then echo "$ROOT"; else hier "$1"; fi; }

cleanup() {
        [ -n "$sleep_pid" ] && kill -9 "$sleep_pid" 2>/dev/null && wait "$sleep_pid" 2>/dev/null
        rm -rf "${T:-}" "${SHM:-}"
        for d in $DIRS; do
                for c in "$d$CG" "$d$TOP/oom" "$d$TOP/bad" "$d$TOP/probe"; do
                        [ -d "$c" ] || continue
                        [ -w "$c/freezer.state" ] && echo THAWED > "$c/freezer.state"
                        [ -w "$c/cgroup.freeze" ] && echo 0 > "$c/cgroup.freeze"
                        for p in $(cat "$c/cgroup.procs"); do kill -9 "$p" 2>/dev/null; done
                done
        done
        for i in $(seq 50); do
                left=
                for d in $DIRS; do
                        for c in "$d$CG" "$d$TOP/oom" "$d$TOP/bad" "$d$TOP/probe" "$d$TOP"; do
                                [ -d "$c" ] && { rmdir "$c" 2>/dev/null || left=1; }
                        done
                done
                [ -z "$left" ] && break
                sleep 0.1
        done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

out=$("$PROBE" create "$ROOT" "$TOP/probe" 2>&1) || skip "cgroups are not writable here: $out"
"$PROBE" destroy "$ROOT" "$TOP/probe" || skip "cannot remove a test cgroup"

echo "1..11"

check "create with limits" "$PROBE" create "$ROOT" "$CG" memory=$MB32 reservation=16777216 \
        swap=$MB32 shares=512 quota=50000 period=100000 cpus=0 mems=0 pids=64

limits_read_back() {
        mem=$(dir_of memory)$CG cpu=$(dir_of cpu)$CG cs=$(dir_of cpuset)$CG pids=$(dir_of pids)$CG
        if [ "$mode" = v2 ]; then
                same "$mem/memory.max" $MB32 && same "$mem/memory.low" 16777216 &&
                { [ ! -e "$mem/memory.swap.max" ] || same "$mem/memory.swap.max" 0; } &&
                same "$cpu/cpu.weight" 20 && same "$cpu/cpu.max" "50000 100000"
        else
                same "$mem/memory.limit_in_bytes" $MB32 &&
                same "$mem/memory.soft_limit_in_bytes" 16777216 &&
                { [ ! -e "$mem/memory.memsw.limit_in_bytes" ] ||
                  same "$mem/memory.memsw.limit_in_bytes" $MB32; } &&
                same "$cpu/cpu.shares" 512 && same "$cpu/cpu.cfs_quota_us" 50000 &&
                same "$cpu/cpu.cfs_period_us" 100000
        fi && same "$cs/cpuset.cpus" 0 && same "$cs/cpuset.mems" 0 && same "$pids/pids.max" 64
}
check "the kernel's files hold the limits" limits_read_back

# The process waits on a fifo until it is inside, then uses CPU and 1 MiB of
# shmem (charged to the cgroup that is current when it is touched), then sleeps.
T=$(mktemp -d "/tmp/ctrd-test-cgroup.XXXXXX")
SHM=/dev/shm/ctrd-test-cgroup-$$
mkfifo "$T/go"
sh -c 'read x < "$1"; i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done
        head -c 1048576 /dev/zero > "$2"; exec sleep 60' _ "$T/go" "$SHM" &
sleep_pid=$!
in_every_hierarchy() {
        for d in $DIRS; do
                grep -qx "$sleep_pid" "$d$CG/cgroup.procs" || { echo "# not in $d$CG"; return 1; }
        done
}
check "enter" "$PROBE" enter "$ROOT" "$CG" "$sleep_pid"
check "cgroup.procs lists it in $(echo $DIRS | wc -w) hierarchies" in_every_hierarchy
echo go > "$T/go"

frozen_is() {
        if [ "$mode" = v2 ]; then
                grep -qx "frozen $1" "$ROOT$CG/cgroup.events"
        else
                case $1 in 1) same "$(hier freezer)$CG/freezer.state" FROZEN ;;
                           0) same "$(hier freezer)$CG/freezer.state" THAWED ;; esac
        fi
}
counted() {
        # Read the counters only once the process has written its 1 MiB and exec'd sleep.
        for i in $(seq 100); do
                [ "$(readlink "/proc/$sleep_pid/exe")" = "$(readlink -f "$(command -v sleep)")" ] && break
                sleep 0.05
        done
        st=$("$PROBE" stats "$ROOT" "$CG") || return 1
        echo "# $st"
        set -- $(echo "$st" | tr '=' ' ')
        [ "$2" -ge 1048576 ] && [ "$4" -gt 0 ] && [ "$6" = 1 ]
}
check "stats count the process" counted

freeze() { "$PROBE" freeze "$ROOT" "$CG" "$1" && frozen_is "$1"; }
check "freeze" freeze 1
check "thaw" freeze 0
check "freeze again, to destroy a frozen cgroup" freeze 1

oom_counted() {
        "$PROBE" create "$ROOT" "$TOP/oom" memory=$MB32 swap=$MB32 || return 1
        res=$("$PROBE" oom "$ROOT" "$TOP/oom") || return 1
        echo "# $res"
        "$PROBE" destroy "$ROOT" "$TOP/oom" || return 1
        case $res in "signal=9 readable=1 kills="[1-9]*) return 0 ;; esac
        return 1
}
check "an OOM kill is signalled on the oom fd and counted" oom_counted

# destroy kills the (frozen) sleeping process and removes the directory in every hierarchy.
destroyed() {
        "$PROBE" destroy "$ROOT" "$CG" || return 1
        wait "$sleep_pid"
        st=$?
        sleep_pid=
        [ "$st" = 137 ] || { echo "# sleep exited $st, not by SIGKILL"; return 1; }
        for d in $DIRS; do [ ! -e "$d$CG" ] || { echo "# $d$CG is left"; return 1; }; done
}
check "destroy kills and removes every directory" destroyed

# A value the kernel refuses: the message names file and value, nothing is left.
bad_value() {
        msg=$("$PROBE" create "$ROOT" "$TOP/bad" cpus=4095 2>&1) && return 1
        echo "# $msg"
        case $msg in *"writing '4095' to '$(dir_of cpuset)$TOP/bad/cpuset.cpus': "*) ;; *) return 1 ;; esac
        for d in $DIRS; do [ ! -e "$d$TOP/bad" ] || return 1; done
}
check "a refused value is reported with file and value, and rolled back" bad_value

exit $failed
