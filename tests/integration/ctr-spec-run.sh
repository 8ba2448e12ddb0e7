#!/bin/sh
# Real containers from Docker create bodies: tests/helpers/ctr-mkspec writes
# the config.json ctrd would write, ctrd-shim runs it on a busybox rootfs,
# and each case checks what the process inside really gets: Docker's
# capability set, the seccomp filter, masked and read-only paths, limits,
# user, hostname, env and mounts, Privileged, ReadonlyRootfs.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

MKSPEC="$CTRD_BUILDDIR/tests/helpers/ctr-mkspec"
[ -x "$MKSPEC" ] || fail "$MKSPEC not built (make check builds it)"
ID=$(printf 'c0ffee%058d' $$)
SHORT=$(printf '%.12s' "$ID")

# run NAME BODY-JSON: builds the bundle, writes the spec from BODY, runs it; sets OUT and RC.
run() {
        new_bundle "$1"
        mkdir -p "$B/etc" "$B/rootfs/tmp"
        echo "$SHORT" > "$B/etc/hostname"
        printf '127.0.0.1\tlocalhost\n' > "$B/etc/hosts"
        printf 'nameserver 127.0.0.1\n' > "$B/etc/resolv.conf"
        printf '%s' "$2" > "$B/body.json"
        "$MKSPEC" "$B/body.json" - "$B/rootfs" "$ID" "$CG_PARENT/$1" "$B/etc" \
                > "$B/config.json" 2> "$B/mkspec.err" || fail "ctr-mkspec: $(cat "$B/mkspec.err")"
        RC=0
        OUT=$(shim "$1-$$" 2>&1) || RC=$?
        cgroup_gone "$1"
}

line() { printf '%s\n' "$OUT" | grep "^$1" | head -n 1; }

# Defaults: the body `docker run --rm bb sh -c ...` sends.
run defaults '{"Image":"bb","Cmd":["sh","-c","grep -E \"^(CapEff|CapBnd|Seccomp|NoNewPrivs):\" /proc/self/status; hostname; id; echo HOME=$HOME; echo PATH=$PATH; echo timer_list=$(wc -c < /proc/timer_list); echo firmware=$(ls /sys/firmware | wc -l); echo x > /proc/sys/kernel/ns_last_pid 2>/dev/null || echo procsys-ro; touch /sys/x 2>/dev/null || echo sys-ro; unshare -U true 2>/dev/null || echo userns-denied; mount -t tmpfs none /tmp 2>/dev/null || echo mount-denied; grep \" /dev/shm \" /proc/mounts; cat /etc/hostname; test -e /dev/kmsg || echo no-kmsg"],"HostConfig":{"NetworkMode":"none","AutoRemove":true}}'
[ "$RC" = 0 ] || fail "defaults: exit $RC: $OUT"
# Docker's 14 default capabilities, nothing else.
assert_eq "$(line CapEff)" "CapEff:	00000000a80425fb" "default capability set"
assert_eq "$(line CapBnd)" "CapBnd:	00000000a80425fb" "bounding set"
assert_eq "$(line Seccomp:)" "Seccomp:	2" "default seccomp filter"
# As under Docker: the filter does not bring no_new_privs with it (setuid binaries work).
assert_eq "$(line NoNewPrivs)" "NoNewPrivs:	0" "no_new_privs off with the default filter"
assert_contains "$OUT" "$SHORT" "hostname = short id"
assert_contains "$OUT" "uid=0(root) gid=0(root)" "root by default"
assert_contains "$OUT" "HOME=/root" "HOME from passwd"
assert_contains "$OUT" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "PATH"
# Masked: empty in the container although the host's are not (checked on this host).
[ -s /proc/timer_list ] || [ "$(wc -c < /proc/timer_list)" -gt 0 ] &&
        assert_contains "$OUT" "timer_list=0" "/proc/timer_list masked"
[ -n "$(ls /sys/firmware)" ] && assert_contains "$OUT" "firmware=0" "/sys/firmware masked"
assert_contains "$OUT" "procsys-ro" "/proc/sys read-only"
assert_contains "$OUT" "sys-ro" "/sys read-only"
assert_contains "$OUT" "userns-denied" "seccomp refuses a user namespace"
assert_contains "$OUT" "mount-denied" "mount refused"
assert_contains "$OUT" "size=65536k" "/dev/shm is 64 MiB"
assert_contains "$OUT" "no-kmsg" "no host devices by default"

# The docker CLI's traced `run -m 32m --cpus 0.5 --pids-limit 20 -e A=B -w /tmp -u 1000
# --hostname h -v SRC:/data ...`: the output must be what dockerd's container printed.
mkdir -p "$T/vol" && : > "$T/vol/f.txt"
run flags '{"Hostname":"h","User":"1000","Env":["A=B"],"Cmd":["-c","id; hostname; pwd; echo A=$A; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us; ls /data"],"Image":"bb","Volumes":{},"WorkingDir":"/tmp","Entrypoint":["/bin/sh"],"Labels":{"k":"v"},"HostConfig":{"Binds":["'"$T"'/vol:/data"],"LogConfig":{"Type":"","Config":{}},"NetworkMode":"none","RestartPolicy":{"Name":"no","MaximumRetryCount":0},"ShmSize":0,"Memory":33554432,"NanoCpus":500000000,"PidsLimit":20,"MemorySwappiness":-1}}'
[ "$RC" = 0 ] || fail "flags: exit $RC: $OUT"
assert_eq "$OUT" "uid=1000 gid=0(root) groups=0(root)
h
/tmp
A=B
33554432
20
50000
f.txt" "the traced docker run output"

# Privileged: every capability of the host's bounding set, no seccomp, mounts allowed.
bnd=$(grep '^CapBnd:' /proc/self/status)
run priv '{"Image":"bb","Cmd":["sh","-c","grep -E \"^(CapEff|Seccomp):\" /proc/self/status; mount -t tmpfs none /tmp && echo mounted; test -c /dev/kmsg && echo kmsg; test -c /dev/loop-control && echo loop-control; true"],"HostConfig":{"Privileged":true}}'
[ "$RC" = 0 ] || fail "privileged: exit $RC: $OUT"
# The host's device nodes, which a default container does not get.
[ -c /dev/kmsg ] && assert_contains "$OUT" "kmsg" "host /dev/kmsg in a privileged container"
[ -c /dev/loop-control ] && assert_contains "$OUT" "loop-control" "host /dev/loop-control"
assert_eq "$(line CapEff | cut -f2)" "$(echo "$bnd" | cut -f2)" "privileged caps = host bounding set"
assert_eq "$(line Seccomp:)" "Seccomp:	0" "no seccomp when privileged"
assert_contains "$OUT" "mounted" "privileged may mount"

# CapAdd/CapDrop and security options.
run caps '{"Image":"bb","Cmd":["sh","-c","grep -E \"^(CapEff|Seccomp|NoNewPrivs):\" /proc/self/status; unshare -U true && echo userns-ok"],"HostConfig":{"CapAdd":["SYS_ADMIN"],"CapDrop":["NET_RAW","mknod"],"SecurityOpt":["no-new-privileges"]}}'
[ "$RC" = 0 ] || fail "caps: exit $RC: $OUT"
assert_eq "$(line CapEff)" "CapEff:	00000000a02405fb" "default + SYS_ADMIN - NET_RAW - MKNOD"
assert_eq "$(line NoNewPrivs)" "NoNewPrivs:	1" "no-new-privileges"
assert_contains "$OUT" "userns-ok" "CAP_SYS_ADMIN opens unshare in the seccomp profile"

# (Under a filter the runtime's libseccomp also sets no_new_privs; without one it is off.)
run unconfined '{"Image":"bb","Cmd":["sh","-c","grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status"],"HostConfig":{"SecurityOpt":["seccomp=unconfined"]}}'
assert_eq "$(line Seccomp:)" "Seccomp:	0" "seccomp=unconfined"
assert_eq "$(line NoNewPrivs)" "NoNewPrivs:	0" "no_new_privs off unless asked"

# ReadonlyRootfs with a writable tmpfs; the exit code passes through.
run ro '{"Image":"bb","Cmd":["sh","-c","touch /x 2>/dev/null || echo rootfs-ro; touch /run/y && echo tmpfs-rw; exit 7"],"HostConfig":{"ReadonlyRootfs":true,"Tmpfs":{"/run":"size=1m"}}}'
assert_eq "$RC" 7 "exit code"
assert_contains "$OUT" "rootfs-ro" "read-only rootfs"
assert_contains "$OUT" "tmpfs-rw" "writable tmpfs on a read-only rootfs"

echo "PASS: $TEST_NAME"
