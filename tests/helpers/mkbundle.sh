#!/bin/sh
# mkbundle.sh DIR [ARG...]
#
# Builds a minimal OCI runtime bundle in DIR (created if missing) from Debian's
# busybox-static: DIR/rootfs holds /bin/busybox plus one symlink per applet in
# /bin, and empty /proc /sys /dev /etc /tmp /root directories; DIR/config.json is
# what `runc spec` generates (same mounts, namespaces, capabilities, masked and
# read-only paths, root.readonly), except that process.terminal is false so the
# bundle runs in the foreground with inherited stdio, and process.args are the
# ARGs given (default: sh).
#
# Tests then adjust config.json with jq, e.g.
#   jq '.process.args = ["sh","-c","exit 3"]' DIR/config.json > t && mv t DIR/config.json
# The same bundle works under `runc run`, `ctrd-shim run` and `crun run`.
#
# Needs: busybox (static), jq. Exits 77 when busybox-static is missing, so a
# test can pass the skip on.
set -eu

dir=${1:?usage: mkbundle.sh DIR [ARG...]}
shift
busybox=$(command -v busybox || true)
if [ -z "$busybox" ]; then
        echo "mkbundle: busybox not found (apt-get install busybox-static)" >&2
        exit 77
fi
if ldd "$busybox" >/dev/null 2>&1; then
        echo "mkbundle: $busybox is dynamically linked; need busybox-static" >&2
        exit 77
fi
command -v jq >/dev/null || { echo "mkbundle: jq not found" >&2; exit 77; }

mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev" \
         "$dir/rootfs/etc" "$dir/rootfs/tmp" "$dir/rootfs/root"
chmod 1777 "$dir/rootfs/tmp"
cp "$busybox" "$dir/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
        > "$dir/rootfs/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnobody:x:65534:\n' > "$dir/rootfs/etc/group"

if [ $# -eq 0 ]; then
        set -- sh
fi
# One jq call per arg: jq would take an arg such as "-c" for its own option.
args=$(for a in "$@"; do jq -n --arg a "$a" '$a'; done | jq -cs .)

jq -n --argjson args "$args" '{
  ociVersion: "1.0.2-dev",
  process: {
    terminal: false,
    user: { uid: 0, gid: 0 },
    args: $args,
    env: [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" ],
    cwd: "/",
    capabilities: {
      bounding:  [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      effective: [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      permitted: [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      ambient:   [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
    },
    rlimits: [ { type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 } ],
    noNewPrivileges: true
  },
  root: { path: "rootfs", readonly: true },
  hostname: "runc",
  mounts: [
    { destination: "/proc", type: "proc", source: "proc" },
    { destination: "/dev", type: "tmpfs", source: "tmpfs",
      options: [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { destination: "/dev/pts", type: "devpts", source: "devpts",
      options: [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
    { destination: "/dev/shm", type: "tmpfs", source: "shm",
      options: [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
      options: [ "nosuid", "noexec", "nodev" ] },
    { destination: "/sys", type: "sysfs", source: "sysfs",
      options: [ "nosuid", "noexec", "nodev", "ro" ] },
    { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
      options: [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }
  ],
  linux: {
    resources: { devices: [ { allow: false, access: "rwm" } ] },
    namespaces: [ { type: "pid" }, { type: "network" }, { type: "ipc" },
                  { type: "uts" }, { type: "mount" } ],
    maskedPaths: [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                   "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                   "/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
    readonlyPaths: [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
  }
}' > "$dir/config.json"
