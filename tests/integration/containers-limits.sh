#!/bin/sh
# Limits really enforced (OOM reported, pids contained while the daemon keeps
# answering), stop's SIGTERM-then-SIGKILL timing, log rotation, many
# containers at once, prune and --rm.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
start_ctrd_for_containers
import_busybox

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# OOM: a small container doubling a string is killed, and says so. Under
# ASan the runtime's own child (instrumented, before exec) needs more than
# 8 MiB in the container's cgroup, so that build gets a larger limit.
mem=8388608
if ldd "$CTRD_SHIM" 2>/dev/null | grep -q libasan; then mem=134217728; fi
create_container_json oom "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"x=aaaaaaaaaaaaaaaa; while true; do x=\$x\$x; done\"],
        \"HostConfig\":{\"NetworkMode\":\"none\",\"Memory\":$mem,\"MemorySwap\":$mem}}" >/dev/null
api POST /containers/oom/start >/dev/null
wait_for "the OOM kill" 20 sh -c "[ \"\$(curl -s --unix-socket $SOCK http://d/containers/oom/json | jq -r .State.Status)\" = exited ]"
info=$(api GET /containers/oom/json)
assert_eq "$(echo "$info" | jq -r .State.OOMKilled)" true "State.OOMKilled"
assert_eq "$(echo "$info" | jq -r .State.ExitCode)" 137 "OOM exit code"

# Pids: a fork bomb stays within PidsLimit, and the daemon keeps answering.
create_container_json bomb '{"Image":"busybox","Cmd":["sh","-c","b() { b | b & }; b; sleep 300"],
        "HostConfig":{"NetworkMode":"none","PidsLimit":20}}' >/dev/null
api POST /containers/bomb/start >/dev/null
id=$(api GET /containers/bomb/json | jq -r .Id)
sleep 1
start=$(date +%s%N)
api GET /_ping >/dev/null
[ "$(ms_since "$start")" -lt 500 ] || fail "the daemon was slow during a fork bomb"
current=$(cat $(find /sys/fs/cgroup -path "*$CGROUP_PARENT/$id/pids.current" | head -n1))
[ "$current" -le 20 ] || fail "pids.current is $current with PidsLimit 20"
api DELETE '/containers/bomb?force=1' >/dev/null
assert_eq "$(st)" 204 "removing the fork bomb"

# Stop: pid 1 without a TERM handler ignores SIGTERM, so stop waits t seconds, then kills.
create_container deaf busybox sleep 300 >/dev/null
api POST /containers/deaf/start >/dev/null
start=$(date +%s%N)
api POST '/containers/deaf/stop?t=1' >/dev/null
took=$(ms_since "$start")
[ "$took" -ge 900 ] && [ "$took" -lt 4000 ] || fail "stop of a TERM-deaf container took $took ms (t=1)"
assert_eq "$(api GET /containers/deaf/json | jq -r .State.ExitCode)" 137
# ... and a process that handles SIGTERM ends at once with its own status.
create_container polite busybox sh -c "trap 'exit 0' TERM; while :; do sleep 0.1; done" >/dev/null
api POST /containers/polite/start >/dev/null
sleep 0.3
start=$(date +%s%N)
api POST '/containers/polite/stop?t=10' >/dev/null
took=$(ms_since "$start")
[ "$took" -lt 2000 ] || fail "stop of a TERM-handling container took $took ms"
assert_eq "$(api GET /containers/polite/json | jq -r .State.ExitCode)" 0

# Log rotation: max-size 1k, max-file 2 keeps at most two files.
create_container_json chatty '{"Image":"busybox","Cmd":["sh","-c","i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done"],
        "HostConfig":{"NetworkMode":"none","LogConfig":{"Type":"json-file","Config":{"max-size":"1k","max-file":"2"}}}}' >/dev/null
api POST /containers/chatty/start >/dev/null
wait_for "chatty to finish" 10 sh -c "[ \"\$(curl -s --unix-socket $SOCK http://d/containers/chatty/json | jq -r .State.Status)\" = exited ]"
cid=$(api GET /containers/chatty/json | jq -r .Id)
n=$(ls "$DATA/containers/$cid/" | grep -c -- '-json.log')
assert_eq "$n" 2 "log generations"
last=$(curl -s --unix-socket "$SOCK" "http://d/containers/chatty/logs?stdout=1&tail=1" | tail -c +9)
assert_eq "$last" "line 199" "last line after rotation"

# --rm: removed after the exit; wait?condition=removed answers then.
create_container_json gone '{"Image":"busybox","Cmd":["true"],"HostConfig":{"NetworkMode":"none","AutoRemove":true}}' >/dev/null
curl -s -X POST --unix-socket "$SOCK" "http://d/containers/gone/wait?condition=removed" > "$T/removed" &
w=$!
sleep 0.2
api POST /containers/gone/start >/dev/null
wait "$w"
assert_eq "$(jq -r .StatusCode "$T/removed")" 0 "removed waiter"
api GET /containers/gone/json >/dev/null
assert_eq "$(st)" 404 "auto-removed container"

# 30 containers created and started at the same time.
# (wait on these pids only: a bare `wait` would also wait for ctrd.)
i=0 pids=""
while [ $i -lt 30 ]; do
        ( create_container "many$i" busybox sleep 300 >/dev/null &&
          curl -s -o /dev/null -w '%{http_code}\n' -X POST --unix-socket "$SOCK" \
                "http://d/containers/many$i/start" >> "$T/starts" ) &
        pids="$pids $!"
        i=$((i + 1))
done
wait $pids
assert_eq "$(grep -c '^204$' "$T/starts")" 30 "concurrent starts"
f=$(printf '%s' '{"status":{"running":true}}' | jq -sRr @uri)
assert_eq "$(api GET "/containers/json?filters=$f" | jq '[.[] | select(.Names[0] | startswith("/many"))] | length')" 30
i=0 pids=""
while [ $i -lt 30 ]; do
        curl -s -o /dev/null -X DELETE --unix-socket "$SOCK" "http://d/containers/many$i?force=1" &
        pids="$pids $!"
        i=$((i + 1))
done
wait $pids

# Prune removes what is not running.
out=$(api POST /containers/prune)
assert_eq "$(echo "$out" | jq '.ContainersDeleted | length')" 4 "pruned containers"
assert_eq "$(api GET '/containers/json?all=1' | jq length)" 0
[ -z "$(leftover_cgroups)" ] || fail "cgroups left: $(leftover_cgroups)"
echo "PASS: $TEST_NAME"
