#!/bin/sh
# The handover from `ctrd-shim daemon` to ctrd-shim-monitor (real runtime,
# busybox bundles): the resident process is the static monitor, with no
# libseccomp mapped, still called ctrd-shim with the container id on its
# command line; the container survives the execve (state, logs, exec as the
# monitor's child, signal, wait, exit file, no zombies); a failure after
# the start (a log that cannot be opened) kills the container and leaves
# nothing behind; the monitor refuses to run by hand. Prints its RSS/PSS.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

CTL="$CTRD_BUILDDIR/shim/monitor-ctl"
EXCTL="$CTRD_BUILDDIR/shim/exec-ctl"
MONITOR="$CTRD_BUILDDIR/shim/ctrd-shim-monitor"

# daemon NAME [flags...]: starts the shim on $B and prints its start line.
daemon() {
        name=$1
        shift
        "$CTRD_SHIM" daemon --bundle "$B" --id "hand-$name-$$" --run-dir "$T/$name.run" \
                --sync-fd 3 "$@" 3>&1 >/dev/null 2>>"$T/$name.err"
}

wait_file() {
        i=0
        while [ ! -s "$1" ]; do
                [ $i -lt 200 ] || fail "$1 did not appear within 10 s"
                sleep 0.05
                i=$((i + 1))
        done
}

# --- by hand: a one-line refusal ---------------------------------------------
out=$("$MONITOR" --id x --bundle /nonexistent --run-dir "$T/x" 2>&1) && fail "the monitor ran by hand"
assert_eq "$(printf '%s\n' "$out" | wc -l)" 1 "lines of the refusal"
assert_contains "$out" "by hand"

# --- the resident process -----------------------------------------------------
new_bundle main sh -c 'echo out; echo err >&2; trap "exit 7" TERM; while :; do sleep 0.05; done'
line=$(daemon main --log-path "$T/main.log")
pid=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line $(cat "$T/main.err")"
run="$T/main.run"
shim=$(cat "$run/shim.pid")
on_exit "kill -KILL $pid $shim 2>/dev/null"

assert_eq "$(readlink "/proc/$shim/exe")" "$(readlink -f "$MONITOR")" "the resident shim's executable"
assert_eq "$(cat "/proc/$shim/comm")" "ctrd-shim" "the resident shim's comm"
assert_contains "$(tr '\0' ' ' < "/proc/$shim/cmdline")" "--id hand-main-$$ "
grep -q libseccomp "/proc/$shim/maps" && fail "libseccomp is mapped in the monitor"
pgrep -f "ctrd-shim.*hand-main-$$" | grep -qx "$shim" || fail "pgrep -f does not find the shim"
assert_eq "$(ps -o ppid= -p "$pid" | tr -d ' ')" "$shim" "the container is the monitor's child"
assert_contains "$("$CTL" "$run" state)" "status=running pid=$pid "

i=0
while [ "$(wc -l < "$T/main.log")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
assert_eq "$(jq -r 'select(.stream == "stdout") | .log' "$T/main.log")" "out"
assert_eq "$(jq -r 'select(.stream == "stderr") | .log' "$T/main.log")" "err"

# --- exec through the helper: output, exit code, the monitor's child ---------
assert_eq "$("$EXCTL" "$run" exec e1 -- echo hello)" "hello" "exec output"
assert_contains "$("$EXCTL" "$run" state e1)" "exit_code=0"
"$EXCTL" "$run" exec e2 -- sh -c 'exit 3' && fail "exec e2 exited 0"
assert_contains "$("$EXCTL" "$run" state e2)" "exit_code=3"
"$EXCTL" "$run" exec e3 -- sleep 30 &
i=0
until epid=$("$EXCTL" "$run" state e3 2>/dev/null | sed -n 's/^running=1 pid=\([0-9]*\) .*/\1/p') &&
      [ -n "$epid" ]; do
        [ $i -lt 100 ] || fail "exec e3 did not start"
        sleep 0.05
        i=$((i + 1))
done
assert_eq "$(ps -o ppid= -p "$epid" | tr -d ' ')" "$shim" "the exec is the monitor's child"
kill -KILL "$epid"
wait
assert_contains "$("$EXCTL" "$run" state e3)" "exit_code=137"
sleep 0.2
zombies=$(ps -o stat= --ppid "$shim" | grep -c Z || true)
assert_eq "$zombies" 0 "zombie children of the monitor"
pgrep -f "ctrd-shim exec-helper" >/dev/null && fail "an exec helper is still running"

rollup="/proc/$shim/smaps_rollup"
echo "# idle ctrd-shim-monitor: $(awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} END {print "RSS " r " KiB, PSS " p " KiB"}' "$rollup")"

# --- signal, wait, exit file, nothing left -------------------------------------
"$CTL" "$run" wait > "$T/wait.out" &
waiter=$!
sleep 0.1
"$CTL" "$run" signal 15 || fail "signal request failed"
wait "$waiter" || fail "wait failed: $(cat "$T/wait.out")"
assert_contains "$(cat "$T/wait.out")" "exit_code=7 signal=0 oom_killed=0"
jq -e '.exit_code == 7' "$run/exit" >/dev/null || fail "exit file: $(cat "$run/exit")"
i=0
while kill -0 "$shim" 2>/dev/null; do
        [ $i -lt 100 ] || fail "the monitor is still there after 5 s"
        sleep 0.05
        i=$((i + 1))
done
assert_eq "$(ls "$run")" "exit" "only the exit file stays in the run dir"
cgroup_gone main

# --- a failure after the start: the container dies, nothing is left ----------
new_bundle nolog sleep 30
: > "$T/file"
line=$(daemon nolog --log-path "$T/file/log") || true
assert_contains "$line" "\"errno\":20"
assert_eq "$(ls "$T/nolog.run")" "" "nothing left in the run dir after a failed handover"
pgrep -f "hand-nolog-$$" >/dev/null && fail "a process of the failed start is left"
cgroup_gone nolog
echo "PASS: $TEST_NAME"
