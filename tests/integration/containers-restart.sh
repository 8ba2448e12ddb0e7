#!/bin/sh
# Containers outlive the daemon, exits while it is down are not lost, and
# restart policies bring containers back, also across a daemon restart.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
start_ctrd_for_containers
import_busybox

# on-failure:2 restarts a failing container twice, then leaves it exited.
create_container_json flaky '{"Image":"busybox","Cmd":["sh","-c","exit 1"],
        "HostConfig":{"NetworkMode":"none","RestartPolicy":{"Name":"on-failure","MaximumRetryCount":2}}}' >/dev/null
api POST /containers/flaky/start >/dev/null
restarts_done() { [ "$(api GET /containers/flaky/json | jq -r '.RestartCount')" = 2 ] && [ "$(state flaky)" = exited ]; }
wait_for "two restarts of flaky" 10 restarts_done
sleep 1
assert_eq "$(api GET /containers/flaky/json | jq -r .RestartCount)" 2 "no third restart"
assert_eq "$(api GET /containers/flaky/json | jq -r .State.ExitCode)" 1

# A container keeps running through a daemon kill -9; one that exits while the
# daemon is down is reported with its true exit code and time.
create_container keeper busybox sleep 300 >/dev/null
create_container shortlived busybox sh -c 'sleep 1; exit 5' >/dev/null
api POST /containers/keeper/start >/dev/null
api POST /containers/shortlived/start >/dev/null
keeper_pid=$(api GET /containers/keeper/json | jq -r .State.Pid)
kill -9 "$CTRD_PID"
wait "$CTRD_PID" 2>/dev/null || true
sleep 1.5
kill -0 "$keeper_pid" || fail "the container died with the daemon"
start_ctrd --cgroup-parent "$CGROUP_PARENT"
assert_eq "$(state keeper)" running "keeper after the daemon restart"
assert_eq "$(api GET /containers/keeper/json | jq -r .State.Pid)" "$keeper_pid"
info=$(api GET /containers/shortlived/json)
assert_eq "$(echo "$info" | jq -r .State.Status)" exited "shortlived after the daemon restart"
assert_eq "$(echo "$info" | jq -r .State.ExitCode)" 5 "exit code learnt from the exit file"
finished=$(echo "$info" | jq -r .State.FinishedAt)
[ "$finished" != "0001-01-01T00:00:00Z" ] || fail "FinishedAt not recorded"
# The daemon watches the reconnected container: its exit is seen.
api POST '/containers/keeper/stop?t=1' >/dev/null
assert_eq "$(st)" 204 "stopping a reconnected container"
assert_eq "$(state keeper)" exited

# "always": back after an exit, and after the daemon restarts; a manual stop sticks.
create_container_json always1 '{"Image":"busybox","Cmd":["sleep","300"],
        "HostConfig":{"NetworkMode":"none","RestartPolicy":{"Name":"always"}}}' >/dev/null
api POST /containers/always1/start >/dev/null
p1=$(api GET /containers/always1/json | jq -r .State.Pid)
kill -9 "$p1"
restarted() { [ "$(state always1)" = running ] && [ "$(api GET /containers/always1/json | jq -r .State.Pid)" != "$p1" ]; }
wait_for "always1 to come back" 10 restarted
p2=$(api GET /containers/always1/json | jq -r .State.Pid)
stop_ctrd
# While the daemon is down, the container's process dies.
kill -9 "$p2"
sleep 0.5
start_ctrd --cgroup-parent "$CGROUP_PARENT"
back_again() { [ "$(state always1)" = running ] && [ "$(api GET /containers/always1/json | jq -r .State.Pid)" != "$p2" ]; }
wait_for "always1 to be started again by the new daemon" 10 back_again
api POST '/containers/always1/stop?t=1' >/dev/null
sleep 0.5
assert_eq "$(state always1)" exited "manual stop of an always container"

for c in flaky keeper shortlived always1; do
        api DELETE "/containers/$c?force=1" >/dev/null
        assert_eq "$(st)" 204 "removing $c"
done
[ -z "$(leftover_cgroups)" ] || fail "cgroups left: $(leftover_cgroups)"
echo "PASS: $TEST_NAME"
