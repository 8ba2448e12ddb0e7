#!/bin/sh
# ctrctl start, stop, kill, restart, wait, rename, pause, unpause and rm:
# what each prints, its exit status, stop's SIGTERM-then-SIGKILL timing and
# the daemon's errors passed through.
. "$CTRD_SRCDIR/tests/integration/ctl-lib.sh"
ctl_setup
for action in start stop kill restart wait rename; do
        need_endpoint POST "/containers/x-$$/$action"
done
need_endpoint DELETE /containers/x-$$

now_ms() { date +%s%3N; }

# create + start prints the names; wait prints the exit status.
expect_rc 0 ctl create --name w1 busybox sh -c 'exit 7'
expect_rc 0 ctl start w1
assert_eq "$OUT" w1
expect_rc 0 ctl wait w1
assert_eq "$OUT" 7

# stop: a pid 1 that ignores SIGTERM is killed after -t seconds (137) ...
expect_rc 0 ctl run -d --name s1 busybox sleep 60
t0=$(now_ms)
expect_rc 0 ctl stop -t 1 s1
t1=$(now_ms)
assert_eq "$OUT" s1
[ $((t1 - t0)) -ge 900 ] || fail "stop -t 1 returned after $((t1 - t0)) ms, before the timeout"
[ $((t1 - t0)) -lt 5000 ] || fail "stop -t 1 took $((t1 - t0)) ms"
assert_eq "$(ctl inspect -f '{{.State.Status}} {{.State.ExitCode}}' s1)" "exited 137"
# ... one that handles it stops at once with its own status.
expect_rc 0 ctl run -d --name s2 busybox sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
sleep 0.3
t0=$(now_ms)
expect_rc 0 ctl stop -t 10 s2
t1=$(now_ms)
[ $((t1 - t0)) -lt 3000 ] || fail "a container that exits on SIGTERM took $((t1 - t0)) ms to stop"
assert_eq "$(ctl wait s2)" 42
# Stopping a stopped container is not an error (304), as with docker.
expect_rc 0 ctl stop s2
assert_eq "$OUT" s2

# kill: SIGKILL by default, -s for another signal; a stopped container is a 409.
expect_rc 0 ctl run -d --name k1 busybox sh -c 'trap "exit 12" USR1; while :; do sleep 0.1; done'
sleep 0.3
expect_rc 0 ctl kill -s USR1 k1
assert_eq "$OUT" k1
assert_eq "$(ctl wait k1)" 12
expect_rc 1 ctl kill k1
assert_contains "$ERR" "is not running"
expect_rc 0 ctl run -d --name k2 busybox sleep 60
expect_rc 0 ctl kill k2
assert_eq "$(ctl wait k2)" 137

# restart brings a stopped container back up.
expect_rc 0 ctl restart -t 1 k2
assert_eq "$OUT" k2
assert_eq "$(ctl inspect -f '{{.State.Running}}' k2)" true

# rename, then the old name is gone.
expect_rc 0 ctl rename s2 s3
assert_eq "$(ctl inspect -f '{{.Name}}' s3)" /s3
expect_rc 1 ctl inspect --type container s2
expect_rc 1 ctl rename s3

# Several names: each success printed, each failure reported, status 1.
expect_rc 1 ctl kill k2 nosuch-$$
assert_eq "$OUT" k2
assert_contains "$ERR" "No such container: nosuch-$$"

# rm refuses a running container without -f; -f removes it.
expect_rc 0 ctl run -d --name r1 busybox sleep 60
expect_rc 1 ctl rm r1
assert_contains "$ERR" "You cannot remove a running container"
expect_rc 0 ctl rm -f r1
assert_eq "$OUT" r1
expect_rc 0 ctl rm w1 s1
assert_eq "$OUT" "w1
s1"
expect_rc 1 ctl rm w1

# Usage errors.
expect_rc 1 ctl stop
expect_rc 1 ctl stop -t x s3
expect_rc 1 ctl kill --bogus s3

# pause and unpause, when the daemon has them.
pause=$(api POST "/containers/x-$$/pause" -d '')
if [ "$(st)" = 404 ] && [ "$(echo "$pause" | jq -r .message)" = "page not found" ]; then
        echo "# pause/unpause not served yet: not tested"
else
        expect_rc 0 ctl run -d --name p1 busybox sleep 60
        expect_rc 0 ctl pause p1
        assert_eq "$(ctl inspect -f '{{.State.Status}} {{.State.Paused}}' p1)" "paused true"
        expect_rc 0 ctl unpause p1
        assert_eq "$(ctl inspect -f '{{.State.Status}}' p1)" running
fi
exit 0
