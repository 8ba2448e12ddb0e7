#!/bin/sh
# Start-up and shutdown: socket ownership and mode, stale sockets, a second
# daemon refused, idle and slow clients, socket activation, sd_notify, SIGHUP.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_cmd curl
need_cmd python3

# A stale socket (nobody listening) is replaced.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
[ -S "$SOCK" ] || fail "could not make a stale socket"
# The socket's group comes from /etc/group (Debian always has "daemon").
start_ctrd --idle-timeout 1 --group daemon
assert_eq "$(stat -c %a "$SOCK")" 660 "socket mode"
assert_eq "$(stat -c %G "$SOCK")" daemon "socket group"

# A second daemon on the same socket is refused, and the first keeps serving.
rc=0
"$CTRD" --socket "$SOCK" --data-root "$T/data2" --run-root "$T/run2" 2>"$T/second.log" || rc=$?
assert_eq "$rc" 1 "second daemon exit status"
assert_contains "$(cat "$T/second.log")" "another daemon is listening on '$SOCK'"
# ... and so is a second daemon on the same data root.
rc=0
"$CTRD" --socket "$T/other.sock" --data-root "$DATA" --run-root "$T/run3" 2>"$T/third.log" || rc=$?
assert_eq "$rc" 1 "same data root exit status"
assert_contains "$(cat "$T/third.log")" "is in use by another ctrd"
[ ! -e "$T/other.sock" ] || fail "refused daemon left its socket"
# ... and so is a group that does not exist.
rc=0
"$CTRD" --socket "$T/g.sock" --data-root "$T/data4" --run-root "$T/run4" --group "nosuch$$" \
        2>"$T/fourth.log" || rc=$?
assert_eq "$rc" 1 "unknown group exit status"
assert_contains "$(cat "$T/fourth.log")" "group 'nosuch$$' does not exist"
[ ! -e "$T/g.sock" ] || fail "refused daemon left its socket"
api GET /_ping >/dev/null
assert_eq "$(st)" 200 "first daemon still serving"

# A client that sends half a request and stalls neither blocks others nor
# lives forever: the idle timeout (1 s here) closes it.
python3 - "$SOCK" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\n")   # no final CRLF
s.settimeout(5)
t = time.time()
data = s.recv(100)
sys.exit(0 if data == b"" or time.time() - t < 4.5 else 1)
PY
slow=$!
start=$(date +%s%N)
api GET /_ping >/dev/null
assert_eq "$(st)" 200 "ping beside a stalled client"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -lt 500 ] || fail "a stalled client slowed others down (${elapsed_ms} ms)"
wait "$slow" || fail "the stalled connection was not closed by the idle timeout"

# SIGHUP reopens the log file.
stop_ctrd
start_ctrd --log-file "$T/ctrd-file.log"
mv "$T/ctrd-file.log" "$T/ctrd-file.log.1"
kill -HUP "$CTRD_PID"
i=0; while [ ! -s "$T/ctrd-file.log" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
assert_contains "$(cat "$T/ctrd-file.log")" "reopened the log"
stop_ctrd
assert_eq "$CTRD_RC" 0

# Socket activation and readiness notification, as systemd does them.
python3 - "$T" "$CTRD" <<'PY'
import os, socket, subprocess, sys, time
t, ctrd = sys.argv[1], sys.argv[2]
sock_path, notify_path = t + "/act.sock", t + "/notify"
lsock = socket.socket(socket.AF_UNIX); lsock.bind(sock_path); lsock.listen(16)
note = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); note.bind(notify_path)
note.settimeout(5)
def child():
    os.dup2(lsock.fileno(), 3)
    os.environ["LISTEN_PID"] = str(os.getpid())
    os.environ["LISTEN_FDS"] = "1"
    os.environ["NOTIFY_SOCKET"] = notify_path
p = subprocess.Popen([ctrd, "--data-root", t + "/adata", "--run-root", t + "/arun",
                      "--socket", t + "/unused.sock"], preexec_fn=child, pass_fds=(lsock.fileno(),),
                     stderr=open(t + "/act.log", "w"))
try:
    assert note.recv(100) == b"READY=1", "no READY=1"
    c = socket.socket(socket.AF_UNIX); c.connect(sock_path)
    c.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n")
    assert c.recv(4096).endswith(b"OK"), "no answer on the activated socket"
    c.close()
    assert not os.path.exists(t + "/unused.sock"), "bound its own socket despite LISTEN_FDS"
    p.terminate()
    assert note.recv(100) == b"STOPPING=1", "no STOPPING=1"
    assert p.wait(10) == 0, "non-zero exit"
    assert os.path.exists(sock_path), "removed the socket systemd owns"
finally:
    if p.poll() is None:
        p.kill(); p.wait()
PY
echo "PASS: $TEST_NAME"
