# Sourced by integration tests: a private ctrd on temp paths, helpers to talk
# to it, and cleanup that runs however the test ends.
#
#   . "$CTRD_SRCDIR/tests/integration/lib.sh"
#   need_root
#   start_ctrd [extra ctrd flags]     # sets SOCK, DATA, RUN; stopped at exit
#   api GET /_ping                    # body on stdout; `st` prints the status
#   ctl version                       # ctrctl -H unix://$SOCK
#   on_exit 'command to run at exit'  # cleanups run last-registered first
#
# Each test gets its own directory $T (sockets, data and run roots inside it),
# so tests can run side by side.
set -eu

: "${CTRD_BUILDDIR:?run through make check, or set CTRD_BUILDDIR}"
: "${CTRD_SRCDIR:?run through make check, or set CTRD_SRCDIR}"
CTRD="$CTRD_BUILDDIR/daemon/ctrd"
CTRCTL="$CTRD_BUILDDIR/client/ctrctl"
CTRD_SHIM="$CTRD_BUILDDIR/shim/ctrd-shim"
CTRD_IMAGE_WORKER="$CTRD_BUILDDIR/daemon/worker/ctrd-image-worker"
TEST_NAME=$(basename "$0" .sh)

_cleanups=""
on_exit() { _cleanups="$1
$_cleanups"; }
_run_cleanups() {
        rc=$?
        set +e
        printf '%s\n' "$_cleanups" | while IFS= read -r c; do
                [ -n "$c" ] && eval "$c"
        done
        exit $rc
}
trap _run_cleanups EXIT
trap 'exit 130' INT TERM

skip() {
        echo "SKIP: $TEST_NAME: $*"
        [ "${CTRD_TEST_STRICT:-0}" = 1 ] && { echo "CTRD_TEST_STRICT=1: a skip is a failure" >&2; exit 1; }
        exit 77
}
fail() { echo "FAIL: $TEST_NAME: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "needs $1"; }

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected '$2', got '$1'"; }
assert_contains() {
        case "$1" in *"$2"*) ;; *) fail "${3:-missing text}: '$2' not in '$1'" ;; esac
}

T=$(mktemp -d "/tmp/ctrd-test-$TEST_NAME.XXXXXX")
on_exit 'remove_test_dir'

# Whatever a failed test left: shims and containers whose paths are under $T,
# then mounts under $T (deepest first), then the directory.
remove_test_dir() {
        for pid in $(pgrep -f "ctrd-shim.*$T" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        awk -v t="$T" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
                while read -r m; do umount -l "$m" 2>/dev/null; done
        rm -rf "$T"
}
SOCK="$T/ctrd.sock"
DATA="$T/data"
RUN="$T/run"

# Waits up to $2 (default 5) seconds for the daemon to answer /_ping.
wait_ready() {
        i=0
        while [ $i -lt $((${2:-5} * 20)) ]; do
                if curl -sf --max-time 1 --unix-socket "$1" http://d/_ping >/dev/null 2>&1; then
                        return 0
                fi
                kill -0 "$CTRD_PID" 2>/dev/null || fail "ctrd exited during start-up: $(cat "$T/ctrd.log")"
                sleep 0.05
                i=$((i + 1))
        done
        fail "ctrd did not answer on $1: $(cat "$T/ctrd.log")"
}

# The default bridge network gets a bridge and a /24 of the test's own (from its pid; the
# net-* tests pass their own), deleted at exit with the nftables table ctrd makes for it.
start_ctrd() {
        "$CTRD" --socket "$SOCK" --data-root "$DATA" --run-root "$RUN" \
                --shim-path "$CTRD_SHIM" --image-worker "$CTRD_IMAGE_WORKER" --bridge-name "ctl$$" \
                --default-subnet "10.$((30 + ($$ / 256) % 60)).$(($$ % 256)).0/24" \
                "$@" 2>>"$T/ctrd.log" &
        CTRD_PID=$!
        on_exit "ip link del ctl$$ 2>/dev/null; nft delete table ip ctrd-ctl$$ 2>/dev/null; true"
        on_exit 'stop_ctrd_quietly'
        wait_ready "$SOCK"
}

# Sends SIGTERM and waits (at most 10 s); sets CTRD_RC to the exit status.
stop_ctrd() {
        kill -TERM "$CTRD_PID" 2>/dev/null || true
        i=0
        while kill -0 "$CTRD_PID" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
        if kill -0 "$CTRD_PID" 2>/dev/null; then
                kill -KILL "$CTRD_PID" 2>/dev/null || true
                fail "ctrd did not exit within 10 s of SIGTERM"
        fi
        CTRD_RC=0
        wait "$CTRD_PID" || CTRD_RC=$?
}
stop_ctrd_quietly() { kill -0 "$CTRD_PID" 2>/dev/null && stop_ctrd; return 0; }

# api METHOD PATH [curl args...]: body on stdout; `st` prints its HTTP status
# (kept in a file, since api usually runs in a command substitution).
api() {
        m=$1 p=$2
        shift 2
        curl -s --max-time 30 -o "$T/body" -w '%{http_code}' -X "$m" \
                --unix-socket "$SOCK" "$@" "http://d$p" > "$T/status" || echo 000 > "$T/status"
        cat "$T/body"
}
st() { cat "$T/status"; }

ctl() { "$CTRCTL" -H "unix://$SOCK" "$@"; }

# Imports a busybox image (from Debian's busybox-static) as $1 (default busybox:latest).
import_busybox() {
        [ -f "$T/busybox.tar" ] || "$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" ||
                skip "cannot build a busybox rootfs (apt-get install busybox-static)"
        ref=${1:-busybox:latest}
        api POST "/images/create?fromSrc=-&repo=${ref%%:*}&tag=${ref##*:}" \
                -H 'Content-Type: application/x-tar' --data-binary @"$T/busybox.tar" >/dev/null
        [ "$(st)" = 200 ] || fail "importing busybox: HTTP $(st): $(cat "$T/body")"
}

# Starts ctrd with a cgroup parent of its own, removed (with whatever is left in it) at exit.
start_ctrd_for_containers() {
        CGROUP_PARENT="/ctrd-test-$TEST_NAME-$$"
        start_ctrd --cgroup-parent "$CGROUP_PARENT" "$@"
        on_exit 'cleanup_cgroup_parent'
}

# Kills what is left in the test's cgroup parent and removes it in every hierarchy.
cleanup_cgroup_parent() {
        for d in $(find /sys/fs/cgroup -maxdepth 3 -type d -path "*$CGROUP_PARENT" 2>/dev/null); do
                for p in $(cat $(find "$d" -name cgroup.procs) 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        done
        sleep 0.1
        for d in $(find /sys/fs/cgroup -maxdepth 3 -type d -path "*$CGROUP_PARENT" 2>/dev/null); do
                find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        done
}

# Prints the cgroup directories still present below the test's cgroup parent.
leftover_cgroups() {
        find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d -path "*$CGROUP_PARENT/*" 2>/dev/null
}

# create NAME IMAGE CMD...: creates a container from a JSON body built with jq; prints its ID.
create_container() {
        name=$1 image=$2
        shift 2
        # One argument per line (jq would take "-c" in --args as its own option).
        body=$(printf '%s\n' "$@" | jq -R . | jq -cs --arg img "$image" \
                '{Image: $img, Cmd: ., HostConfig: {NetworkMode: "none"}}')
        api POST "/containers/create?name=$name" -H 'Content-Type: application/json' -d "$body" |
                jq -r .Id
}

# create_container_json NAME JSON: creates a container from a full create body; prints its ID.
create_container_json() {
        api POST "/containers/create?name=$1" -H 'Content-Type: application/json' -d "$2" | jq -r .Id
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
        what=$1 secs=$2
        shift 2
        i=0
        while ! "$@" >/dev/null 2>&1; do
                i=$((i + 1))
                [ $i -lt $((secs * 10)) ] || fail "timed out after ${secs}s waiting for $what"
                sleep 0.1
        done
}

# state NAME: the container's State.Status.
state() { api GET "/containers/$1/json" | jq -r .State.Status; }
