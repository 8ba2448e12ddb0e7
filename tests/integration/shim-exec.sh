#!/bin/sh
# Exec into a running container through the shim's control socket (the
# "exec", "exec-state", "exec-wait" and resize-by-exec requests, driven by
# shim/exec-ctl): the process joins every namespace and the cgroup of the
# container's init, gets its capabilities, seccomp filter, no_new_privs and
# user, or the exec's own; exit codes (127 for a missing program), stdin,
# a terminal, its resize and detach keys, a paused container, no zombies after many execs, an exec killed
# with its container, a refused exec once the container is gone, and a
# container with a user namespace. Prints the `exec true` round trip (and
# runc's, when runc is installed).
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

CTL="$CTRD_BUILDDIR/shim/monitor-ctl"
EXCTL="$CTRD_BUILDDIR/shim/exec-ctl"

# start NAME: the shim in daemon mode on $B; sets PID (the init), RUN and SHIM.
start() {
        RUN="$T/$1.run"
        line=$("$CTRD_SHIM" daemon --bundle "$B" --id "exec-$1-$$" --run-dir "$RUN" --sync-fd 3 \
                3>&1 >/dev/null 2>>"$T/$1.shim.err")
        PID=$(printf '%s' "$line" | jq -e .pid) || fail "bad start line: $line $(cat "$T/$1.shim.err")"
        SHIM=$(cat "$RUN/shim.pid")
        on_exit "kill -KILL $PID $SHIM 2>/dev/null"
}

ex() { "$EXCTL" "$RUN" exec "$@"; }

wait_gone() {
        i=0
        while kill -0 "$1" 2>/dev/null; do
                [ $i -lt 100 ] || fail "process $1 still there after 5 s"
                sleep 0.05
                i=$((i + 1))
        done
}

status_fields() { grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "$1"; }

# --- a container with a seccomp filter and no_new_privs ----------------------
new_bundle main sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done'
edit '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                        syscalls: [{names: ["sethostname"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
start main

# A long exec to look at from the host: the same namespaces, cgroup, capabilities.
ex probe -- sleep 30 &
i=0
until epid=$("$EXCTL" "$RUN" state probe 2>/dev/null | sed -n 's/^running=1 pid=\([0-9]*\) .*/\1/p') &&
      [ -n "$epid" ]; do
        [ $i -lt 100 ] || fail "the probe exec did not start"
        sleep 0.05
        i=$((i + 1))
done
assert_eq "$(ps -o ppid= -p "$epid" | tr -d ' ')" "$SHIM" "the exec is the shim's child"
for ns in cgroup ipc mnt net pid uts user; do
        assert_eq "$(readlink "/proc/$epid/ns/$ns")" "$(readlink "/proc/$PID/ns/$ns")" "$ns namespace"
done
assert_eq "$(cat "/proc/$epid/cgroup")" "$(cat "/proc/$PID/cgroup")" "cgroups"
assert_eq "$(status_fields "/proc/$epid/status")" "$(status_fields "/proc/$PID/status")" "capabilities, no_new_privs, seccomp"
assert_eq "$(grep '^Max open files' "/proc/$epid/limits")" "$(grep '^Max open files' "/proc/$PID/limits")" "rlimits"

# The same, seen from inside.
out=$(ex st -- cat /proc/self/status) || fail "exec cat failed: $out"
assert_eq "$(printf '%s\n' "$out" | grep -E '^(Seccomp|NoNewPrivs):' | tr -s '\t' ' ')" \
        "$(printf 'NoNewPrivs: 1\nSeccomp: 2')" "inside: no_new_privs and the filter"
assert_eq "$(printf '%s\n' "$out" | grep '^CapEff:')" "$(grep '^CapEff:' "/proc/$PID/status")" "inside: CapEff"
assert_contains "$(ex hn -- hostname x 2>&1 || true)" "Operation not permitted" "the filter denies sethostname"
assert_eq "$(ex id -- id)" "uid=0(root) gid=0(root)" "id"
assert_eq "$(ex fds -- ls /proc/self/fd | tr '\n' ' ')" "0 1 2 3 " "only stdio (and ls's own dir fd)"
assert_eq "$(ex pid1 -- cat /proc/1/cmdline | tr '\0' ' ')" "sh -c trap \"exit 0\" TERM; while :; do sleep 0.05; done " \
        "pid 1 is the container's init"

# Exit codes, a missing program, the exec's own env/cwd/user, stdin.
rc=0; ex seven -- sh -c 'exit 7' || rc=$?
assert_eq "$rc" 7 "exit code"
assert_contains "$("$EXCTL" "$RUN" state seven)" "running=0 " "state after the end"
assert_contains "$("$EXCTL" "$RUN" state seven)" " exit_code=7" "exit code recorded"
assert_eq "$("$EXCTL" "$RUN" wait seven)" "exit_code=7" "exec-wait after the end"
rc=0; msg=$(ex missing -- no-such-program 2>&1) || rc=$?
assert_eq "$rc" 127 "missing program"
assert_eq "$msg" "exec no-such-program: No such file or directory" "missing program message"
assert_contains "$("$EXCTL" "$RUN" state missing)" "exit_code=127"
rc=0; msg=$(ex notexec -- /etc/passwd 2>&1) || rc=$?
assert_eq "$rc" 126 "not executable"
assert_contains "$msg" "Permission denied"
rc=0; msg=$(ex badcwd -w /no/such/dir -- true 2>&1) || rc=$?
assert_eq "$rc" 126 "missing cwd"
assert_eq "$msg" "chdir /no/such/dir: No such file or directory"
rc=0; msg=$(ex main-dup -- true 2>&1 && ex main-dup -- true 2>&1) || rc=$?
assert_contains "$msg" "exec 'main-dup' exists already"
# shellcheck disable=SC2016 # expanded inside the container
out=$(ex own -u 65534:65534:5 -w /tmp -e FOO=bar -e TERM -- sh -c 'id; pwd; echo "$FOO ${TERM:-unset} $PATH"')
assert_eq "$out" "$(printf 'uid=65534(nobody) gid=65534(nobody) groups=5(tty)\n/tmp\nbar unset /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')" \
        "the exec's user, cwd and env over the container's"
assert_eq "$(printf 'a\nb\nc\n' | ex in -i -- wc -l | tr -d ' ')" 3 "stdin piped through, EOF at the client's half-close"
assert_eq "$(ex noin -- cat)" "" "without stdin the process reads /dev/null"
out=$(ex priv -p -- cat /proc/self/status)
assert_eq "$(printf '%s\n' "$out" | grep '^Seccomp:' | tr -s '\t' ' ')" "Seccomp: 0" "privileged: no filter"
assert_eq "$(printf '%s\n' "$out" | grep '^CapEff:' | cut -f2)" \
        "$(grep '^CapBnd:' /proc/self/status | cut -f2)" "privileged: the whole bounding set"

# A terminal: a pty of the container's devpts, raw output, resize by exec id.
out=$(ex tty -t -- tty | tr -d '\r')
case "$out" in /dev/pts/[0-9]*) ;; *) fail "tty in the exec: '$out'" ;; esac
ex rs -t -- sh -c 'sleep 0.5; stty size' > "$T/rs.out" &
rsjob=$!
sleep 0.2
"$EXCTL" "$RUN" resize rs 40 120 || fail "resize by exec id failed"
wait "$rsjob" || fail "the resized exec failed"
assert_eq "$(tr -d '\r' < "$T/rs.out")" "40 120" "stty size after the resize"
assert_contains "$("$EXCTL" "$RUN" resize rs 1 1 2>&1 || true)" "exec 'rs' has exited"

# Detach keys on a terminal: the client's stream ends, the exec runs on.
rc=0; msg=$(printf 'x\020\021' | ex dk -t -i -- sh -c 'sleep 0.5; exit 4' 2>&1) || rc=$?
assert_eq "$rc" 125 "detached with ctrl-p,ctrl-q"
assert_contains "$msg" "the stream ended while exec 'dk' runs"
assert_contains "$("$EXCTL" "$RUN" state dk)" "running=1 " "still running after the detach"
assert_eq "$("$EXCTL" "$RUN" wait dk)" "exit_code=4" "the detached exec's end"
rc=0; printf 'a\001' | ex dk2 -t -i -k ctrl-a -- sleep 0.3 >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 125 "detached with custom keys"
# (The terminal echoes the input as "ab^Pc"; head's own output has the raw byte.)
assert_contains "$(printf 'ab\020c\n' | ex nodk -t -i -- head -c 4 | od -An -c | tr -s ' \n' ' ')" \
        "a b 020 c" "a broken sequence is passed on as typed"

# A paused (frozen) container: the exec cannot start; the shim gives up instead of hanging.
freezer="/sys/fs/cgroup/freezer$CG_PARENT/main/freezer.state"
if [ -w "$freezer" ]; then
        echo FROZEN > "$freezer"
        on_exit "[ ! -e '$freezer' ] || echo THAWED > '$freezer'"
        rc=0; msg=$(ex frozen -- true 2>&1) || rc=$?
        assert_eq "$rc" 126 "exec in a frozen container"
        assert_contains "$msg" "did not start within 5 s (is the container paused?)"
        assert_contains "$("$CTL" "$RUN" state)" "status=running" "the shim still answers"
        echo THAWED > "$freezer"
        sleep 0.2
fi

# Many execs: every one reaped (only the init and the probe are children), and the latency.
"$EXCTL" "$RUN" bench 200 | sed 's/^/# shim: /'
kids=$(ps -o pid= --ppid "$SHIM" | wc -l)
assert_eq "$kids" 2 "children of the shim after 200+ execs (init and probe)"
# shellcheck disable=SC2009 # pgrep cannot select by state
assert_eq "$(ps -o stat= --ppid "$SHIM" | grep -c Z || true)" 0 "zombies"

# The container stops: the probe is killed with it, its end reported to a waiter.
"$EXCTL" "$RUN" wait probe > "$T/probe.wait" &
waiter=$!
sleep 0.1
"$CTL" "$RUN" signal 15 || fail "stopping the container"
wait "$waiter" || fail "exec-wait failed: $(cat "$T/probe.wait")"
assert_eq "$(cat "$T/probe.wait")" "exit_code=137" "an exec killed with its container"
wait_gone "$SHIM"
kill -0 "$epid" 2>/dev/null && fail "the probe exec survived its container"
assert_contains "$(ex late -- true 2>&1 || true)" "No such file or directory" "exec after the shim is gone"
cgroup_gone main

# --- the init is gone but its output is still open: exec refused -------------
new_bundle gone sh -c '(sleep 0.8; echo late) & exit 0'
edit '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
start gone
wait_gone "$PID"
assert_eq "$(ex e -- true 2>&1 || true)" "exec-ctl: exec: the container is not running" "exec into an exited container"
wait_gone "$SHIM"
cgroup_gone gone

# --- a user namespace: joined first, the ids map as the container's ----------
new_bundle userns sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done'
edit '.linux.namespaces += [{type: "user"}]
      | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
      | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
chmod 0755 "$T" "$B" "$B/rootfs"
start userns
out=$(ex u -- sh -c 'id; cat /proc/self/uid_map; readlink /proc/self/ns/user') || fail "exec in a user namespace: $out"
assert_eq "$(printf '%s\n' "$out" | paste -sd ' ' | tr -s ' ')" "uid=0(root) gid=0(root) 0 100000 65536 $(readlink "/proc/$PID/ns/user")" "user namespace"
"$CTL" "$RUN" signal 15 || fail "stopping the userns container"
wait_gone "$SHIM"
cgroup_gone userns

# --- runc exec on the same kind of container, for comparison ----------------
if command -v runc >/dev/null 2>&1; then
        new_bundle ref sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done'
        runc --root "$T/runc-root" run -d --bundle "$B" "exec-ref-$$" </dev/null >/dev/null 2>&1 ||
                fail "runc run -d failed"
        on_exit "runc --root '$T/runc-root' delete -f 'exec-ref-$$' 2>/dev/null"
        t0=$(date +%s%N)
        for i in $(seq 20); do runc --root "$T/runc-root" exec "exec-ref-$$" true || fail "runc exec"; done
        t1=$(date +%s%N)
        echo "# runc exec true: mean $(( (t1 - t0) / 20000 )) us over 20 runs"
fi
echo "PASS: $TEST_NAME"
