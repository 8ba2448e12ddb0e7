#!/bin/sh
# ctrd-shim daemon mode with the real runtime on busybox bundles: the shim
# detaches, logs both streams in json-file format, delivers signals, writes
# the true exit code, reports OOM kills, and leaves nothing behind (cgroup,
# processes, run dir content besides the exit file). Also prints the idle
# shim's RSS/PSS.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

CTL="$CTRD_BUILDDIR/shim/monitor-ctl"

# daemon NAME [flags...]: starts the shim on $B and prints its start line.
daemon() {
        name=$1
        shift
        "$CTRD_SHIM" daemon --bundle "$B" --id "mon-$name-$$" --run-dir "$T/$name.run" \
                --log-path "$T/$name.log" --sync-fd 3 "$@" 3>&1 >/dev/null
}

track() {
        on_exit "kill -KILL $1 $(cat "$2/shim.pid" 2>/dev/null) 2>/dev/null"
}

wait_gone() {
        i=0
        while kill -0 "$1" 2>/dev/null; do
                [ $i -lt 100 ] || fail "process $1 still there after 5 s"
                sleep 0.05
                i=$((i + 1))
        done
}

wait_file() {
        i=0
        while [ ! -s "$1" ]; do
                [ $i -lt 200 ] || fail "$1 did not appear within 10 s"
                sleep 0.05
                i=$((i + 1))
        done
}

# --- a container that outlives its starter, logs, takes a signal, exits 7 ---
new_bundle main sh -c 'echo out; echo err >&2; trap "exit 7" TERM; while :; do sleep 0.05; done'
line=$(daemon main)
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line"
run="$T/main.run"
track "$pid" "$run"
shim=$(cat "$run/shim.pid")
[ "$(ps -o ppid= -p "$shim" | tr -d ' ')" != $$ ] || fail "the shim is still our child"
assert_eq "$(ps -o sid= -p "$shim" | tr -d ' ')" "$shim" "the shim leads its own session"
assert_eq "$(ps -o ppid= -p "$pid" | tr -d ' ')" "$shim" "the container is the shim's child"
assert_contains "$("$CTL" "$run" state)" "status=running pid=$pid "

i=0
while [ "$(wc -l < "$T/main.log")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
assert_eq "$(jq -r 'select(.stream == "stdout") | .log' "$T/main.log")" "out"
assert_eq "$(jq -r 'select(.stream == "stderr") | .log' "$T/main.log")" "err"
sleep 0.2
echo "# idle shim (real runtime): $(awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {print "RSS " r " KiB, PSS " p " KiB"}' "/proc/$shim/smaps_rollup")"
zombies=$(ps -o stat= --ppid "$shim" | grep -c Z || true)
assert_eq "$zombies" 0 "zombie children of the shim"

"$CTL" "$run" wait > "$T/wait.out" &
waiter=$!
sleep 0.1
"$CTL" "$run" signal 15 || fail "signal request failed"
wait "$waiter" || fail "wait failed: $(cat "$T/wait.out")"
assert_contains "$(cat "$T/wait.out")" "exit_code=7 signal=0 oom_killed=0"
jq -e '.exit_code == 7 and .signal == 0 and .oom_killed == false' "$run/exit" >/dev/null ||
        fail "exit file: $(cat "$run/exit")"
wait_gone "$shim"
kill -0 "$pid" 2>/dev/null && fail "container $pid survived"
assert_eq "$(ls "$run")" "exit" "only the exit file stays in the run dir"
cgroup_gone main

# --- OOM: a 16 MiB limit and a 64 MiB buffer --------------------------------
new_bundle oom sh -c 'dd if=/dev/zero of=/dev/null bs=64M count=1; echo survived'
edit '.linux.resources.memory = {limit: 16777216, swap: 16777216}'
line=$(daemon oom)
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line"
track "$pid" "$T/oom.run"
wait_file "$T/oom.run/exit"
jq -e '.oom_killed == true' "$T/oom.run/exit" >/dev/null || fail "OOM not reported: $(cat "$T/oom.run/exit")"
cgroup_gone oom

# --- a terminal: pty output logged raw, resize reaches the container --------
new_bundle tty sh -c 'sleep 0.5; stty size'
edit '.process.terminal = true'
line=$(daemon tty)
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line"
track "$pid" "$T/tty.run"
"$CTL" "$T/tty.run" resize 40 120 || fail "resize failed"
wait_file "$T/tty.run/exit"
assert_eq "$(jq -r .log "$T/tty.log")" "$(printf '40 120\r')" "stty size after resize"
cgroup_gone tty

# --- a failed start: the runtime's error on the sync fd, nothing left --------
new_bundle bad no-such-program
line=$(daemon bad) || true
assert_contains "$line" "No such file or directory"
assert_eq "$(printf '%s' "$line" | jq .errno)" 2 "errno of a missing executable"
assert_eq "$(ls "$T/bad.run")" "" "nothing left in the run dir after a failed start"
cgroup_gone bad
echo "PASS: $TEST_NAME"
