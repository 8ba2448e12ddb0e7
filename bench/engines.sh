# Sourced by bench/run: start ctrd, dockerd and `podman system service` on
# private sockets, data and run roots under $B, import the same busybox tar
# into each, and remove everything they made when the run ends.
#
# Every engine gets a cgroup parent or naming of its own, so nothing here
# touches another engineer's daemon, and no engine creates a bridge or a
# firewall rule (dockerd: --bridge=none --iptables=false).

_cleanups=""
on_exit() { _cleanups="$1
$_cleanups"; }
run_cleanups() {
        set +e
        printf '%s\n' "$_cleanups" | while IFS= read -r c; do
                [ -n "$c" ] && eval "$c"
        done
        _cleanups=""
}

# Waits up to 30 s for an API socket to answer /_ping.
wait_ping() {
        i=0
        until curl -sf --max-time 1 --unix-socket "$1" http://d/_ping >/dev/null 2>&1; do
                i=$((i + 1))
                [ $i -lt 300 ] || { echo "bench: $2 did not answer on $1 (log: $3)" >&2; tail -5 "$3" >&2; return 1; }
                kill -0 "$4" 2>/dev/null || { echo "bench: $2 exited; log $3:" >&2; tail -5 "$3" >&2; return 1; }
                sleep 0.1
        done
}

# TERM, then KILL after $2 seconds.
stop_pid() {
        kill -TERM "$1" 2>/dev/null || return 0
        i=0
        while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
        kill -KILL "$1" 2>/dev/null || true
}

# import_tar SOCK: the Docker API import every engine answers (fromSrc=-).
import_tar() {
        code=$(curl -s -o "$B/import.out" -w '%{http_code}' --max-time 120 --unix-socket "$1" \
                -X POST -H 'Content-Type: application/x-tar' --data-binary @"$B/busybox.tar" \
                'http://d/v1.41/images/create?fromSrc=-&repo=busybox&tag=latest')
        [ "$code" = 200 ] || { echo "bench: importing busybox on $1: HTTP $code $(head -c 300 "$B/import.out")" >&2; return 1; }
}

# A ctrd that has bridge networking gets a bridge and subnet of its own (the
# default ctrd0 may belong to another daemon), deleted at exit.
start_ctrd() {
        CTRD_SOCK="$B/ctrd.sock"
        set --
        if "$BUILDDIR/daemon/ctrd" --help | grep -q -- --bridge-name; then
                set -- --bridge-name "ctrdbc$$" --default-subnet "10.214.$(($$ % 250)).0/24"
                on_exit "ip link del ctrdbc$$ 2>/dev/null; nft delete table ip ctrd-ctrdbc$$ 2>/dev/null; true"
        fi
        "$BUILDDIR/daemon/ctrd" --socket "$CTRD_SOCK" --data-root "$B/ctrd/data" --run-root "$B/ctrd/run" \
                --shim-path "$BUILDDIR/shim/ctrd-shim" \
                --image-worker "$BUILDDIR/daemon/worker/ctrd-image-worker" --cgroup-parent "/ctrd-bench-$$" \
                --log-level warning "$@" 2>"$B/ctrd.log" &
        CTRD_PID=$!
        on_exit "stop_pid $CTRD_PID 10; remove_cgroups ctrd-bench-$$"
        wait_ping "$CTRD_SOCK" ctrd "$B/ctrd.log" "$CTRD_PID" && import_tar "$CTRD_SOCK"
}

# start_dockerd NAME [dockerd flags]: sets DOCKERD_SOCK and DOCKERD_PID. With no
# system containerd on /run/containerd, dockerd starts its own below its exec root.
start_dockerd() {
        name=$1
        shift
        DOCKERD_SOCK="$B/$name.sock"
        mkdir -p "$B/$name"
        dockerd --data-root "$B/$name/d" --exec-root "$B/$name/e" --pidfile "$B/$name/pid" \
                -H "unix://$DOCKERD_SOCK" --iptables=false --ip-masq=false --ip-forward=false \
                --userland-proxy=false --cgroup-parent "/$name-bench-$$" --storage-driver overlay2 \
                --log-level warn "$@" >"$B/$name.log" 2>&1 &
        DOCKERD_PID=$!
        on_exit "stop_pid $DOCKERD_PID 20; remove_cgroups $name-bench-$$"
        wait_ping "$DOCKERD_SOCK" dockerd "$B/$name.log" "$DOCKERD_PID" && import_tar "$DOCKERD_SOCK"
}

# Podman runs its containers with runc: Debian's default, crun 1.8, refuses
# this hybrid-cgroup host. As root it asks for RLIMIT_NOFILE 1048576 and an
# unlimited RLIMIT_NPROC in every container, which runc cannot set where the
# bounding set lacks CAP_SYS_RESOURCE; its containers.conf keeps the host's
# limits instead (what dockerd and ctrd containers inherit), NPROC capped at
# the 32768 podman leaves its own conmon with here.
PODMAN_FLAGS=""
start_podman() {
        PODMAN_SOCK="$B/podman.sock"
        mkdir -p "$B/pm"
        export CONTAINERS_CONF="$B/pm/containers.conf"
        awk '/^Max open files/ { f = $4 ":" $5 } /^Max processes/ { p = ($4 > 32768 ? 32768 : $4); p = p ":" p }
             END { printf "[containers]\ndefault_ulimits = [\"nofile=%s\", \"nproc=%s\"]\n", f, p }' \
                /proc/self/limits >"$CONTAINERS_CONF"
        PODMAN_FLAGS="--root $B/pm/root --runroot $B/pm/run --tmpdir $B/pm/tmp --network-config-dir $B/pm/net
                --cgroup-manager cgroupfs --events-backend file --runtime runc --storage-driver overlay"
        mkdir -p "$B/pm/net"
        # shellcheck disable=SC2086 # PODMAN_FLAGS is a list of words with no spaces in them
        podman $PODMAN_FLAGS system service --time=0 "unix://$PODMAN_SOCK" >"$B/podman.log" 2>&1 &
        PODMAN_PID=$!
        # libpod_parent is podman's fixed cgroup parent: only emptied cgroups go.
        on_exit "stop_pid $PODMAN_PID 10; remove_cgroups libpod_parent nokill"
        wait_ping "$PODMAN_SOCK" podman "$B/podman.log" "$PODMAN_PID" && import_tar "$PODMAN_SOCK"
}

# Cgroups named $1 at the top of every hierarchy (containers were removed
# before; a leftover process is killed first unless $2 is "nokill").
remove_cgroups() {
        for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
                [ -d "$d" ] || continue
                [ "${2:-}" = nokill ] || find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r p; do kill -9 "$p" 2>/dev/null; done
                find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        done
        return 0
}

# Last resort at exit: processes still running from $B (shims, conmon,
# containerd shims), then mounts under $B, deepest first, then $B. Podman's
# containers sit in libpod_parent/libpod-ID cgroups named after IDs that only
# our podman root knows; their processes carry no path of ours.
remove_bench_dir() {
        for d in "$B"/pm/root/overlay-containers/*/; do
                [ -d "$d" ] && remove_cgroups "libpod_parent/libpod-$(basename "$d")"
        done
        for pid in $(pgrep -f "$B" 2>/dev/null); do
                [ "$pid" != $$ ] && kill -9 "$pid" 2>/dev/null
        done
        awk -v t="$B" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
                while read -r m; do umount -l "$m" 2>/dev/null; done
        # Cgroups of podman containers killed just now are empty only now.
        sleep 0.2
        remove_cgroups libpod_parent nokill
        rm -rf "$B"
}
