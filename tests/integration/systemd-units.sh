#!/bin/sh
# The systemd units are valid (systemd-analyze verify), when systemd is installed.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_cmd systemd-analyze
sed -e "s|@sbindir@|$CTRD_BUILDDIR/daemon|" "$CTRD_SRCDIR/systemd/ctrd.service.in" > "$T/ctrd.service"
cp "$CTRD_SRCDIR/systemd/ctrd.socket" "$T/ctrd.socket"
# man: pages are not installed in the build tree; everything else must verify clean.
out=$(cd "$T" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./ctrd.socket ./ctrd.service 2>&1) ||
        fail "systemd-analyze verify: $out"
filtered=$(printf '%s\n' "$out" | grep -v -e '^$' -e 'network-online.target' || true)
[ -z "$filtered" ] || fail "systemd-analyze verify warned: $filtered"
grep -q '^KillMode=process' "$T/ctrd.service" || fail "containers must survive a daemon restart"
grep -q '^Type=notify' "$T/ctrd.service" || fail "the service must be Type=notify"
echo "PASS: $TEST_NAME"
