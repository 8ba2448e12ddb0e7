#!/bin/sh
# ctrd-shim run: exit codes and failure messages as runc / docker give them.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

# The container's init, once it is in its cgroup (cgroupfs files show size 0: read them).
container_pid() {
        procs="/sys/fs/cgroup/pids$CG_PARENT/exit/cgroup.procs"
        [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && procs="/sys/fs/cgroup$CG_PARENT/exit/cgroup.procs"
        i=0
        while [ $i -lt 100 ]; do
                p=$(head -n1 "$procs" 2>/dev/null || true)
                [ -n "$p" ] && { echo "$p"; return 0; }
                sleep 0.05
                i=$((i + 1))
        done
        fail "no container process in the cgroup"
}

# The command line: --help lists the commands, mistakes exit 2.
help=$("$CTRD_SHIM" --help)
assert_contains "$help" "run --bundle DIR --id ID" "--help lists run"
assert_contains "$help" "daemon" "--help lists daemon"
rc=0; "$CTRD_SHIM" frobnicate 2>/dev/null || rc=$?
assert_eq "$rc" 2 "unknown command"
rc=0; "$CTRD_SHIM" run --bundle /nonexistent 2>/dev/null || rc=$?
assert_eq "$rc" 2 "run without --id"
rc=0; msg=$("$CTRD_SHIM" run --bundle "$T" --id 'bad/id' 2>&1) || rc=$?
assert_eq "$msg" "ctrd-shim: invalid container id 'bad/id'" "bad id"

new_bundle exit true
out=$(shim ok 2>&1) || fail "true failed: $out"
assert_eq "$out" "" "true prints nothing"
cgroup_gone exit

edit '.process.args = ["sh", "-c", "echo out; echo err >&2; exit 3"]'
rc=0
shim three > "$T/o" 2> "$T/e" || rc=$?
assert_eq "$rc" 3 "exit code"
assert_eq "$(cat "$T/o")" out "stdout"
assert_eq "$(cat "$T/e")" err "stderr"

# Killed by a signal from outside: 128+9. pid 1 of a pid namespace ignores
# signals it has no handler for, except SIGKILL from an ancestor namespace.
edit '.process.args = ["sleep", "30"]'
"$CTRD_SHIM" run --bundle "$B" --id sig & spid=$!
on_exit "kill -KILL $spid 2>/dev/null"
container_pid > /dev/null
cpid=$(container_pid)
kill -KILL "$cpid"
rc=0
wait $spid || rc=$?
assert_eq "$rc" 137 "exit code after SIGKILL"
cgroup_gone exit

# SIGTERM to the shim goes to the container (a shell with a trap, so pid 1 reacts).
edit '.process.args = ["sh", "-c", "trap \"exit 42\" TERM; while :; do sleep 0.05; done"]'
"$CTRD_SHIM" run --bundle "$B" --id term & spid=$!
on_exit "kill -KILL $spid 2>/dev/null"
container_pid > /dev/null
sleep 0.2
kill -TERM $spid
rc=0
wait $spid || rc=$?
assert_eq "$rc" 42 "SIGTERM forwarded to the container"

edit '.process.args = ["no-such-program"]'
rc=0
msg=$(shim missing 2>&1) || rc=$?
assert_eq "$rc" 127 "missing executable"
assert_eq "$msg" "ctrd-shim: exec no-such-program: No such file or directory" "message"
cgroup_gone exit

edit '.process.args = ["/etc/passwd"]'
rc=0
msg=$(shim noexec 2>&1) || rc=$?
assert_eq "$rc" 126 "not executable"
assert_eq "$msg" "ctrd-shim: exec /etc/passwd: Permission denied" "message"

edit '.process.args = ["true"] | .process.cwd = "/etc/passwd"'
rc=0
msg=$(shim badcwd 2>&1) || rc=$?
assert_eq "$rc" 1 "bad cwd"
assert_eq "$msg" "ctrd-shim: chdir /etc/passwd: Not a directory" "message"
cgroup_gone exit

# No process of ours survives a failed start.
if pgrep -f "ctrd-shim run --bundle $B" >/dev/null; then fail "a shim is still running"; fi
echo "PASS: $TEST_NAME"
