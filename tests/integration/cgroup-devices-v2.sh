#!/bin/sh
# The cgroup v2 device filter (eBPF): only the allowed nodes open, with only
# the allowed access. Runs on the host's cgroup2 tree (the whole tree on a v2
# host, the "unified" one on a hybrid host).
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        root=/sys/fs/cgroup
elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        root=/sys/fs/cgroup/unified
else
        skip "no cgroup2 hierarchy mounted"
fi
dir="$root/ctrd-test-devices-$$"
mkdir "$dir"
on_exit 'rmdir "$dir" 2>/dev/null'
out=$("$CTRD_BUILDDIR/tests/helpers/devfilter-probe" "$dir")
assert_eq "$out" "null-rw=1 zero-r=1 zero-rw=0 full-r=0" "device filter verdicts"
echo "PASS: $TEST_NAME"
