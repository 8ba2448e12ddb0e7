#!/bin/sh
# Containers end to end through the API: create, start, wait, logs, inspect,
# list, kill, stop, remove; failed starts; nothing left behind.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
start_ctrd_for_containers
import_busybox

# A container that exits 3 and writes to both streams.
id=$(create_container c1 busybox sh -c 'echo out; echo err >&2; exit 3')
[ ${#id} = 64 ] || fail "create returned '$id': $(cat "$T/body")"
assert_eq "$(api GET /containers/c1/json | jq -r .State.Status)" created
# wait (next-exit) sends its headers first; start; then the body arrives.
curl -s -X POST --unix-socket "$SOCK" "http://d/containers/$id/wait?condition=next-exit" > "$T/wait.out" &
waiter=$!
sleep 0.2
api POST "/containers/c1/start" >/dev/null
assert_eq "$(st)" 204 "start"
wait "$waiter"
assert_eq "$(jq -r .StatusCode "$T/wait.out")" 3 "wait status"
info=$(api GET /containers/c1/json)
assert_eq "$(echo "$info" | jq -r .State.Status)" exited
assert_eq "$(echo "$info" | jq -r .State.ExitCode)" 3
assert_eq "$(echo "$info" | jq -r .Name)" /c1
assert_eq "$(echo "$info" | jq -r .HostConfig.LogConfig.Type)" json-file

# Logs: multiplexed frames, stdout and stderr apart.
curl -s --unix-socket "$SOCK" "http://d/containers/c1/logs?stdout=1&stderr=0" -o "$T/out.bin"
assert_eq "$(od -An -tu1 -N1 "$T/out.bin" | tr -d ' ')" 1 "stdout frame type"
assert_eq "$(tail -c +9 "$T/out.bin")" out "stdout payload"
curl -s --unix-socket "$SOCK" "http://d/containers/c1/logs?stdout=0&stderr=1" -o "$T/err.bin"
assert_eq "$(od -An -tu1 -N1 "$T/err.bin" | tr -d ' ')" 2 "stderr frame type"
assert_eq "$(tail -c +9 "$T/err.bin")" err "stderr payload"
api GET "/containers/c1/logs" >/dev/null
assert_eq "$(st)" 400 "logs without streams"

# Listing: running only by default, all with all=1, filters.
assert_eq "$(api GET /containers/json | jq length)" 0
assert_eq "$(api GET '/containers/json?all=1' | jq -r '.[0].Names[0]')" /c1
assert_contains "$(api GET '/containers/json?all=1' | jq -r '.[0].Status')" "Exited (3) "
f=$(printf '%s' '{"status":{"running":true}}' | jq -sRr @uri)
assert_eq "$(api GET "/containers/json?all=1&filters=$f" | jq length)" 0 "status filter"

# Name conflicts and bad names.
body=$(api POST '/containers/create?name=c1' -H 'Content-Type: application/json' -d '{"Image":"busybox"}')
assert_eq "$(st)" 409
assert_contains "$(echo "$body" | jq -r .message)" 'The container name "/c1" is already in use'
api POST '/containers/create?name=x' -H 'Content-Type: application/json' -d '{"Image":"busybox"}' >/dev/null
assert_eq "$(st)" 400 "one-character name"
body=$(api POST '/containers/create' -H 'Content-Type: application/json' -d '{"Image":"nosuchimage"}')
assert_eq "$(st)" 404
assert_eq "$(echo "$body" | jq -r .message)" "No such image: nosuchimage:latest"

# A running container: kill with a bad signal, stop, and removal rules.
create_container c2 busybox sleep 300 >/dev/null
api POST /containers/c2/start >/dev/null
assert_eq "$(st)" 204
pid=$(api GET /containers/c2/json | jq -r .State.Pid)
kill -0 "$pid" || fail "container process $pid is not running"
api POST /containers/c2/start >/dev/null
assert_eq "$(st)" 304 "second start"
api POST '/containers/c2/kill?signal=BOGUS' >/dev/null
assert_eq "$(st)" 400 "bad signal"
api DELETE /containers/c2 >/dev/null
assert_eq "$(st)" 409 "removing a running container"
start=$(date +%s%N)
api POST '/containers/c2/stop?t=1' >/dev/null
assert_eq "$(st)" 204 "stop"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
# sleep ignores nothing: SIGTERM ends it at once (pid 1 has no default handlers, so it takes the kill).
[ "$ms" -lt 5000 ] || fail "stop took ${ms} ms"
kill -0 "$pid" 2>/dev/null && fail "container process survived stop"
api POST '/containers/c2/stop' >/dev/null
assert_eq "$(st)" 304 "stopping a stopped container"
api POST '/containers/c2/kill' >/dev/null
assert_eq "$(st)" 409 "killing a stopped container"

# A missing executable: the start fails with Docker's words; nothing is left running.
create_container c3 busybox /nosuchcmd >/dev/null
body=$(api POST /containers/c3/start)
[ "$(st)" -ge 400 ] || fail "start of a missing executable answered $(st)"
assert_contains "$(echo "$body" | jq -r .message)" "no such file or directory"
assert_eq "$(api GET /containers/c3/json | jq -r .State.ExitCode)" 127

# Forced removal of a running container, and removal of the rest.
create_container c4 busybox sleep 300 >/dev/null
api POST /containers/c4/start >/dev/null
pid4=$(api GET /containers/c4/json | jq -r .State.Pid)
api DELETE '/containers/c4?force=1' >/dev/null
assert_eq "$(st)" 204 "forced removal"
kill -0 "$pid4" 2>/dev/null && fail "forced removal left the process"
for c in c1 c2 c3; do
        api DELETE "/containers/$c" >/dev/null
        assert_eq "$(st)" 204 "removing $c"
done
api GET /containers/c1/json >/dev/null
assert_eq "$(st)" 404 "removed container"
assert_eq "$(api GET '/containers/json?all=1' | jq length)" 0
[ -z "$(ls -A "$DATA/containers" 2>/dev/null)" ] || fail "container dirs left: $(ls "$DATA/containers")"
grep -q "$DATA" /proc/self/mountinfo && fail "mounts left under $DATA"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left: $(leftover_cgroups)"
echo "PASS: $TEST_NAME"
