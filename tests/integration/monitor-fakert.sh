#!/bin/sh
# ctrd-shim daemon mode, run over the fake runtime (shim/monitor-fakert: the
# monitor with process.args run as a plain child) so it is tested whether or
# not the real runtime is there: detach and start handshake, json-file logs
# with rotation, the control socket (state, signal, wait, attach with stdin),
# the exit file, a failed start, orphan reaping, and the idle shim's memory.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_cmd jq

FAKERT="$CTRD_BUILDDIR/shim/monitor-fakert"
CTL="$CTRD_BUILDDIR/shim/monitor-ctl"

# start NAME ARGS_JSON [shim flags...]: writes a bundle (process.terminal from
# $TERMINAL), starts the shim and prints its start line (the command
# substitution ends when the shim closes fd 3).
start() {
        name=$1 args=$2
        shift 2
        mkdir -p "$T/$name"
        jq -n --argjson a "$args" --argjson t "${TERMINAL:-false}" \
                '{process: {terminal: $t, args: $a, env: ["PATH=/usr/bin:/bin"], cwd: "/"}}' \
                > "$T/$name/config.json"
        "$FAKERT" daemon --bundle "$T/$name" --id "$name-$$" --run-dir "$T/$name/run" \
                --log-path "$T/$name/log" --sync-fd 3 "$@" 3>&1 >/dev/null
}

# Registers cleanup of a started container: its process group and its shim.
track() {
        on_exit "kill -KILL -$1 $(cat "$2/shim.pid" 2>/dev/null) 2>/dev/null"
}

# wait_gone PID: up to 5 s for a process to disappear.
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
                [ $i -lt 100 ] || fail "$1 did not appear within 5 s"
                sleep 0.05
                i=$((i + 1))
        done
}

# --- detach, handshake, logs, state, signal, wait, exit file ----------------
line=$(start main '["/bin/sh","-c","echo out; echo err >&2; exec sleep 30"]')
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line"
run="$T/main/run"
track "$pid" "$run"
shim=$(cat "$run/shim.pid")
kill -0 "$pid" || fail "container $pid is not running"
[ "$(ps -o ppid= -p "$shim" | tr -d ' ')" != $$ ] || fail "the shim is still our child"
assert_eq "$(ps -o sid= -p "$shim" | tr -d ' ')" "$shim" "the shim leads its own session"
assert_eq "$(ps -o ppid= -p "$pid" | tr -d ' ')" "$shim" "the container is the shim's child"
assert_eq "$(stat -c %a "$run/shim.sock")" 600 "control socket mode"

assert_contains "$("$CTL" "$run" state)" "status=running pid=$pid "
i=0
while [ "$(wc -l < "$T/main/log")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
assert_eq "$(jq -r 'select(.stream == "stdout") | .log' "$T/main/log")" "out"
assert_eq "$(jq -r 'select(.stream == "stderr") | .log' "$T/main/log")" "err"
jq -e 'select(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z$") | not)' "$T/main/log" \
        >/dev/null && fail "a log time is not RFC 3339 with nanoseconds: $(cat "$T/main/log")"

rollup=/proc/$shim/smaps_rollup
if [ -r "$rollup" ]; then
        echo "# idle shim: $(awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {print "RSS " r " KiB, PSS " p " KiB"}' "$rollup")"
fi

"$CTL" "$run" wait > "$T/wait.out" &
waiter=$!
sleep 0.1
"$CTL" "$run" signal 15 || fail "signal request failed"
wait "$waiter" || fail "wait request failed: $(cat "$T/wait.out")"
assert_contains "$(cat "$T/wait.out")" "exit_code=143 signal=15 oom_killed=0"
jq -e '.exit_code == 143 and .signal == 15 and .oom_killed == false' "$run/exit" >/dev/null ||
        fail "exit file: $(cat "$run/exit")"
jq -e '.finished_at | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{9}Z$")' "$run/exit" >/dev/null ||
        fail "exit file time: $(cat "$run/exit")"
wait_gone "$shim"
assert_eq "$(ls "$run")" "exit" "only the exit file stays in the run dir"
kill -0 "$pid" 2>/dev/null && fail "container $pid survived"

# --- a failed start reports the runtime's error and leaves nothing ----------
line=$(start bad '["/nonexistent/cmd"]') || true
assert_contains "$line" "executable file not found"
assert_contains "$line" "No such file or directory"
assert_eq "$(printf '%s' "$line" | jq .errno)" 2 "errno of a missing executable"
assert_eq "$(ls "$T/bad/run")" "" "nothing left in the run dir after a failed start"

# --- stdin: attach feeds it, the client's half-close closes it --------------
line=$(start cat '["/bin/cat"]' --stdin)
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line"
track "$pid" "$T/cat/run"
out=$(printf 'hello\n' | "$CTL" "$T/cat/run" attach stdin,stdout,stderr)
assert_eq "$out" "hello" "attach output"
wait_file "$T/cat/run/exit"
jq -e '.exit_code == 0' "$T/cat/run/exit" >/dev/null || fail "cat exit: $(cat "$T/cat/run/exit")"
assert_eq "$(jq -r .log "$T/cat/log")" "hello"

# --- a client attached before the start sees the very first output ----------
mkdir -p "$T/early"
jq -n '{process: {args: ["/bin/sh","-c","echo early; echo early-err >&2"], env: ["PATH=/usr/bin:/bin"], cwd: "/"}}' \
        > "$T/early/config.json"
"$CTL" with-attach stdout,stderr "$FAKERT" daemon --bundle "$T/early" --id "early-$$" \
        --run-dir "$T/early/run" --attach 4:stdout,stderr > "$T/early.out" 2> "$T/early.err" ||
        fail "attached start failed: $(cat "$T/early.err")"
assert_eq "$(cat "$T/early.out")" "early" "stdout through an attach given at the start"
assert_eq "$(cat "$T/early.err")" "early-err" "stderr through an attach given at the start"
wait_file "$T/early/run/exit"

# --- without --stdin the container reads EOF at once -------------------------
line=$(start nostdin '["/bin/cat"]')
wait_file "$T/nostdin/run/exit"
jq -e '.exit_code == 0' "$T/nostdin/run/exit" >/dev/null || fail "cat without stdin did not end"

# --- log rotation: log, log.1, log.2 and no more -----------------------------
line=$(start rot '["/bin/sh","-c","i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done"]' \
        --log-max-size 2000 --log-max-files 3)
wait_file "$T/rot/run/exit"
[ -s "$T/rot/log.1" ] && [ -s "$T/rot/log.2" ] || fail "log was not rotated: $(ls "$T/rot")"
[ -e "$T/rot/log.3" ] && fail "more than --log-max-files files"
for f in "$T/rot/log" "$T/rot/log.1" "$T/rot/log.2"; do
        [ "$(stat -c %s "$f")" -le 2000 ] || fail "$f is larger than --log-max-size"
done
assert_eq "$(tail -n 1 "$T/rot/log" | jq -r .log)" "line 199"

# --- a terminal: raw pty output in the log, resize reaches the container ----
line=$(TERMINAL=true start tty '["/bin/sh","-c","sleep 0.5; stty size"]')
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line"
track "$pid" "$T/tty/run"
"$CTL" "$T/tty/run" resize 40 120 || fail "resize failed"
wait_file "$T/tty/run/exit"
assert_eq "$(jq -r 'select(.stream == "stdout") | .log' "$T/tty/log")" "$(printf '40 120\r')" "stty size after resize"

# --- orphans re-parented to the shim are reaped, not left as zombies --------
line=$(start orphan '["/bin/sh","-c","(sleep 0.1 &); exec sleep 30"]')
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line"
track "$pid" "$T/orphan/run"
shim=$(cat "$T/orphan/run/shim.pid")
sleep 0.5
zombies=$(ps -o stat= --ppid "$shim" | grep -c Z || true)
assert_eq "$zombies" 0 "zombie children of the shim"
"$CTL" "$T/orphan/run" signal 9
wait_file "$T/orphan/run/exit"
jq -e '.exit_code == 137 and .signal == 9' "$T/orphan/run/exit" >/dev/null ||
        fail "orphan test exit: $(cat "$T/orphan/run/exit")"
wait_gone "$shim"
echo "PASS: $TEST_NAME"
