#!/bin/sh
# Pause/unpause (the freezer really stops the container), top (the
# container's own processes, from /proc) and stats (cgroup counters in
# Docker's shape, one-shot, two samples, and a stream), through the API and,
# when it is installed, the docker CLI.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
start_ctrd_for_containers
import_busybox
# A frozen process cannot die: if the test stops while a container is paused, thaw it
# first, so the harness's SIGKILLs and rmdirs work (runs before them: last registered).
thaw_all() {
        for f in $(find /sys/fs/cgroup -path "*$CGROUP_PARENT/*" \( -name freezer.state -o \
                -name cgroup.freeze \) 2>/dev/null); do
                case "$f" in */freezer.state) echo THAWED > "$f" ;; *) echo 0 > "$f" ;; esac 2>/dev/null
        done
}
on_exit 'thaw_all'

MEM=67108864
# A busy counter in the container's /tmp/n, readable from the host through /proc/PID/root,
# plus a sleeping child so top has a process tree to show.
body=$(jq -cn --argjson mem $MEM '{Image: "busybox",
        Cmd: ["sh", "-c", "mkdir -p /tmp; sleep 1000 & i=0; while :; do i=$((i+1)); echo $i > /tmp/t; mv /tmp/t /tmp/n; done"],
        HostConfig: {NetworkMode: "none", Memory: $mem}}')
id=$(create_container_json ops1 "$body")
[ ${#id} = 64 ] || fail "create: $(cat "$T/body")"
api POST /containers/ops1/start >/dev/null
assert_eq "$(st)" 204 "start"
pid=$(api GET /containers/ops1/json | jq -r .State.Pid)
# Written to a temp file and renamed, so a read (or a freeze) never finds it half written.
counter() { cat "/proc/$pid/root/tmp/n"; }
wait_for "the counter to start" 5 test -s "/proc/$pid/root/tmp/n"

# --- pause ---
api POST /containers/ops1/pause >/dev/null
assert_eq "$(st)" 204 "pause"
info=$(api GET /containers/ops1/json)
assert_eq "$(echo "$info" | jq -r .State.Paused)" true "State.Paused"
assert_eq "$(echo "$info" | jq -r .State.Status)" paused "State.Status"
assert_eq "$(echo "$info" | jq -r .State.Running)" true "State.Running while paused"
case "$(api GET /containers/json | jq -r '.[] | select(.Id == "'"$id"'") | .Status')" in
Up*"(Paused)") ;;
*) fail "list Status of a paused container: $(api GET /containers/json)" ;;
esac
a=$(counter)
sleep 0.5
b=$(counter)
assert_eq "$b" "$a" "the counter moved while paused"
body=$(api POST /containers/ops1/pause)
assert_eq "$(st)" 409 "second pause"
assert_eq "$(echo "$body" | jq -r .message)" "Container $id is already paused"

# The paused state is on record: a restarted daemon still shows it.
stop_ctrd
start_ctrd --cgroup-parent "$CGROUP_PARENT"
assert_eq "$(api GET /containers/ops1/json | jq -r .State.Paused)" true "Paused after a daemon restart"

# --- unpause ---
api POST /containers/ops1/unpause >/dev/null
assert_eq "$(st)" 204 "unpause"
assert_eq "$(api GET /containers/ops1/json | jq -r '.State.Paused, .State.Status' | tr '\n' ' ')" \
        "false running " "state after unpause"
a=$(counter)
sleep 0.3
b=$(counter)
[ "$b" -gt "$a" ] || fail "the counter did not move after unpause ($a, then $b)"
body=$(api POST /containers/ops1/unpause)
assert_eq "$(st)" 409 "unpausing a running container"
assert_eq "$(echo "$body" | jq -r .message)" "Container $id is not paused"

# --- top ---
top=$(api GET /containers/ops1/top)
assert_eq "$(st)" 200 "top"
assert_eq "$(echo "$top" | jq -c .Titles)" '["UID","PID","PPID","C","STIME","TTY","TIME","CMD"]'
# Every row is a process of this container's cgroup (the mv of each round comes and goes).
n=0
for p in $(echo "$top" | jq -r '.Processes[][1]'); do
        n=$((n + 1))
        grep -q "$id" "/proc/$p/cgroup" 2>/dev/null || [ ! -d "/proc/$p" ] ||
                fail "top lists pid $p, which is not in the container: $(cat "/proc/$p/cgroup")"
done
[ "$n" -ge 2 ] || fail "top lists $n processes: $top"
row=$(echo "$top" | jq -c --arg p "$pid" '.Processes[] | select(.[1] == $p)')
assert_eq "$(echo "$row" | jq -r '.[0]')" root "UID of the init"
assert_contains "$(echo "$row" | jq -r '.[7]')" "sh -c mkdir -p /tmp; sleep 1000 &" "CMD of the init"
sleeper=$(echo "$top" | jq -c '.Processes[] | select(.[7] == "sleep 1000")')
assert_eq "$(echo "$sleeper" | jq -r '.[2]')" "$pid" "PPID of the sleeper"
assert_eq "$(echo "$sleeper" | jq -r '.[5]')" "?" "TTY"
echo "$row" | jq -r '.[6]' | grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' || fail "TIME column: $row"
api GET '/containers/ops1/top?ps_args=-ef' >/dev/null
assert_eq "$(st)" 200 "top -ef"
api GET '/containers/ops1/top?ps_args=aux' >/dev/null
assert_eq "$(st)" 400 "unsupported ps_args"

# --- stats, stream=0: two samples about a second apart ---
t0=$(date +%s%N)
s=$(api GET '/containers/ops1/stats?stream=0')
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert_eq "$(st)" 200 "stats"
[ "$ms" -lt 1900 ] || fail "stats stream=0 took $ms ms (the docker CLI waits 2 s)"
[ "$ms" -ge 500 ] || fail "stats stream=0 took only $ms ms: no earlier sample"
assert_eq "$(echo "$s" | jq -r .id)" "$id"
assert_eq "$(echo "$s" | jq -r .name)" /ops1
assert_eq "$(echo "$s" | jq -r .memory_stats.limit)" $MEM "memory limit = HostConfig.Memory"
[ "$(echo "$s" | jq -r .memory_stats.usage)" -gt 0 ] || fail "memory usage: $s"
echo "$s" | jq -e '.memory_stats.stats | has("total_inactive_file") or has("inactive_file")' >/dev/null ||
        fail "memory_stats.stats lacks inactive_file: $s"
echo "$s" | jq -e '.cpu_stats.cpu_usage.total_usage > .precpu_stats.cpu_usage.total_usage' >/dev/null ||
        fail "CPU time did not grow between two samples of a busy container: $s"
echo "$s" | jq -e '.cpu_stats.system_cpu_usage > .precpu_stats.system_cpu_usage' >/dev/null ||
        fail "system CPU time did not grow: $s"
assert_eq "$(echo "$s" | jq -r .cpu_stats.online_cpus)" "$(grep -c '^cpu[0-9]' /proc/stat)" "online_cpus"
[ "$(echo "$s" | jq -r .pids_stats.current)" -ge 2 ] || fail "pids: $s"
[ "$(echo "$s" | jq -r .read)" != "$(echo "$s" | jq -r .preread)" ] || fail "read = preread: $s"
# Docker's CPU %: a container spinning on one CPU is well above 10 %.
echo "$s" | jq -e '((.cpu_stats.cpu_usage.total_usage - .precpu_stats.cpu_usage.total_usage) /
        (.cpu_stats.system_cpu_usage - .precpu_stats.system_cpu_usage) * .cpu_stats.online_cpus * 100) > 10' \
        >/dev/null || fail "CPU % of a busy container: $s"

# one-shot: at once, without precpu.
s=$(api GET '/containers/ops1/stats?stream=0&one-shot=1')
assert_eq "$(echo "$s" | jq -r '.preread, .precpu_stats.cpu_usage.total_usage' | tr '\n' ' ')" \
        "0001-01-01T00:00:00Z 0 " "one-shot"

# stream=1: one object at once, then one a second, each against the previous.
curl -s --max-time 2.5 --unix-socket "$SOCK" "http://d/containers/ops1/stats" > "$T/stream" || true
n=$(wc -l < "$T/stream")
[ "$n" -ge 2 ] && [ "$n" -le 4 ] || fail "stream sent $n objects in 2.5 s: $(cat "$T/stream")"
assert_eq "$(head -n1 "$T/stream" | jq -r .preread)" "0001-01-01T00:00:00Z" "first object's preread"
assert_eq "$(sed -n 2p "$T/stream" | jq -r .preread)" "$(head -n1 "$T/stream" | jq -r .read)" \
        "second object's preread"

# --- the docker CLI, when present ---
if command -v docker >/dev/null 2>&1; then
        export DOCKER_HOST="unix://$SOCK"
        out=$(timeout 20 docker stats --no-stream ops1) || fail "docker stats: $out"
        row=$(echo "$out" | grep " ops1 ") || fail "docker stats printed no row: $out"
        echo "$row" | grep -Eq ' [0-9.]+(B|KiB|MiB|GiB) / 64MiB ' || fail "docker stats MEM column: $row"
        out=$(timeout 20 docker top ops1) || fail "docker top: $out"
        assert_contains "$out" "sleep 1000"
        timeout 20 docker pause ops1 >/dev/null || fail "docker pause"
        assert_contains "$(timeout 20 docker ps --filter name=ops1)" "(Paused)"
        timeout 20 docker unpause ops1 >/dev/null || fail "docker unpause"
        unset DOCKER_HOST
else
        echo "# docker CLI not installed: CLI checks skipped"
fi

# --- stopping a paused container: the stop signal thaws it (sh as pid 1 ignores SIGTERM,
# so the SIGKILL a second later ends it; frozen, neither could act) ---
since=$(date +%s)
api POST /containers/ops1/pause >/dev/null
assert_eq "$(st)" 204 "pause before stop"
t0=$(date +%s%N)
api POST '/containers/ops1/stop?t=1' >/dev/null
assert_eq "$(st)" 204 "stop of a paused container"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 4000 ] || fail "stopping a paused container with t=1 took $ms ms"
assert_eq "$(api GET /containers/ops1/json | jq -r '.State.Status, .State.Paused' | tr '\n' ' ')" \
        "exited false " "after stop"
f=$(printf '{"container":["%s"]}' "$id" | jq -sRr @uri)
events=$(curl -s --max-time 5 --unix-socket "$SOCK" "http://d/events?since=$since&until=$(date +%s)&filters=$f" |
        jq -r .Action | tr '\n' ' ')
assert_contains "$events" "pause kill unpause " "events of stopping a paused container"

# --- a stopped container ---
s=$(api GET '/containers/ops1/stats?stream=0')
assert_eq "$(st)" 200 "stats of a stopped container"
assert_eq "$(echo "$s" | jq -r '.read, .cpu_stats.cpu_usage.total_usage, .id' | tr '\n' ' ')" \
        "0001-01-01T00:00:00Z 0 $id " "zeros for a stopped container"
curl -s --max-time 5 --unix-socket "$SOCK" "http://d/containers/ops1/stats?stream=1" > "$T/stream" ||
        fail "a stopped container's stats stream did not end"
assert_eq "$(wc -l < "$T/stream")" 1 "a stopped container's stream"
body=$(api POST /containers/ops1/pause)
assert_eq "$(st)" 409 "pausing a stopped container"
assert_eq "$(echo "$body" | jq -r .message)" "Container $id is not running"
api GET /containers/ops1/top >/dev/null
assert_eq "$(st)" 409 "top of a stopped container"
api GET /containers/nosuch-$$/stats >/dev/null
assert_eq "$(st)" 404 "stats of a missing container"

api DELETE /containers/ops1 >/dev/null
assert_eq "$(st)" 204 "remove"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left: $(leftover_cgroups)"
echo "PASS: $TEST_NAME"
