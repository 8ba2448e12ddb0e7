#!/bin/sh
# The cgroup v2 driver against a real cgroup2 mount: the empty unified tree of
# a hybrid host (/sys/fs/cgroup/unified), or /sys/fs/cgroup itself on a v2 host.
# It has no controllers on hybrid hosts, so this covers what v2 needs no
# controller for: create, enter, freeze/thaw through cgroup.freeze and
# cgroup.events, destroy through cgroup.kill, and refusing a limit whose
# controller the parent does not offer. cgroup-lifecycle.sh covers limits.
set -u

PROBE="$CTRD_BUILDDIR/tests/helpers/cgroup-probe"
TOP="/ctrd-test-u$$"
CG="$TOP/cg"
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

[ "$(id -u)" = 0 ] || skip "needs root"
[ -x "$PROBE" ] || skip "$PROBE is not built"
for ROOT in /sys/fs/cgroup/unified /sys/fs/cgroup ""; do
        [ -n "$ROOT" ] && [ "$(stat -f -c %T "$ROOT" 2>/dev/null)" = cgroup2fs ] && break
done
[ -n "$ROOT" ] || skip "no cgroup2 mount at /sys/fs/cgroup or /sys/fs/cgroup/unified"

cleanup() {
        [ -n "$sleep_pid" ] && kill -9 "$sleep_pid" 2>/dev/null && wait "$sleep_pid" 2>/dev/null
        for c in "$ROOT$CG" "$ROOT$TOP/bad"; do
                [ -d "$c" ] || continue
                echo 0 > "$c/cgroup.freeze" 2>/dev/null
                for p in $(cat "$c/cgroup.procs"); do kill -9 "$p" 2>/dev/null; done
        done
        for i in $(seq 50); do
                for c in "$ROOT$CG" "$ROOT$TOP/bad" "$ROOT$TOP"; do
                        [ -d "$c" ] && rmdir "$c" 2>/dev/null
                done
                [ -d "$ROOT$TOP" ] || break
                sleep 0.1
        done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$("$PROBE" detect "$ROOT")" = v2 ] || skip "$ROOT is not detected as cgroup v2"
out=$("$PROBE" create "$ROOT" "$CG" 2>&1) || skip "cannot create a cgroup under $ROOT: $out"

echo "1..7"
ok "create under $ROOT"

sleep 60 &
sleep_pid=$!
entered() {
        "$PROBE" enter "$ROOT" "$CG" "$sleep_pid" && grep -qx "$sleep_pid" "$ROOT$CG/cgroup.procs"
}
check "enter" entered

freeze() { "$PROBE" freeze "$ROOT" "$CG" "$1" && grep -qx "frozen $1" "$ROOT$CG/cgroup.events"; }
check "freeze" freeze 1
check "thaw" freeze 0
check "freeze again, to destroy a frozen cgroup" freeze 1

destroyed() {
        "$PROBE" destroy "$ROOT" "$CG" || return 1
        wait "$sleep_pid"
        st=$?
        sleep_pid=
        [ "$st" = 137 ] || { echo "# sleep exited $st, not by SIGKILL"; return 1; }
        [ ! -e "$ROOT$CG" ]
}
check "destroy kills and removes the directory" destroyed

# Hybrid hosts offer no pids controller in the unified tree; a v2 host usually does,
# in which case the limit must land instead.
pids_limit() {
        if grep -qw pids "$ROOT/cgroup.controllers"; then
                "$PROBE" create "$ROOT" "$TOP/bad" pids=10 &&
                [ "$(cat "$ROOT$TOP/bad/pids.max")" = 10 ] &&
                "$PROBE" destroy "$ROOT" "$TOP/bad"
        else
                msg=$("$PROBE" create "$ROOT" "$TOP/bad" pids=10 2>&1) && return 1
                echo "# $msg"
                case $msg in *"'pids' controller is not available in '$ROOT"*) ;; *) return 1 ;; esac
                [ ! -e "$ROOT$TOP/bad" ]
        fi
}
check "a pids limit lands, or is refused without leftovers" pids_limit

exit $failed
