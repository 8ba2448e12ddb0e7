#!/bin/sh
# Namespaces and process hardening: a user namespace with mappings, joining
# a network namespace by path, a seccomp profile that denies a syscall with
# a chosen errno, no leaked fds, and the environment exactly process.env.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

# User namespace: root inside, uid 100000 outside, for files it creates.
new_bundle userns sh -c 'id; touch /shared/made-inside; cat /proc/self/uid_map'
mkdir -m 0777 "$T/shared"
# The rootfs belongs to the host root, whom the container cannot act as: make the target here.
mkdir "$B/rootfs/shared"
edit '.linux.namespaces += [{type: "user"}]
      | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
      | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
      | .mounts += [{destination: "/shared", type: "bind", source: "'"$T/shared"'",
                     options: ["rbind", "rw"]}]'
chmod 0755 "$T" "$B" "$B/rootfs"
out=$(shim userns 2>&1) || fail "user namespace run failed: $out"
assert_contains "$out" "uid=0(root) gid=0(root)" "id inside"
assert_contains "$(echo $out)" "0 100000 65536" "uid_map inside"
assert_eq "$(stat -c %u:%g "$T/shared/made-inside")" "100000:100000" "owner seen from the host"
cgroup_gone userns

# Joining a user namespace by path: a process holds one with the same mapping.
need_cmd unshare
unshare -U sleep 60 & holder=$!
on_exit "kill -KILL $holder 2>/dev/null"
i=0
while [ "$(readlink /proc/$holder/ns/user)" = "$(readlink /proc/self/ns/user)" ] && [ $i -lt 100 ]; do
        sleep 0.02; i=$((i + 1))
done
echo "0 100000 65536" > /proc/$holder/uid_map
echo "0 100000 65536" > /proc/$holder/gid_map
edit '.linux.namespaces = [.linux.namespaces[] | select(.type != "user")]
      + [{type: "user", path: "/proc/'"$holder"'/ns/user"}]
      | del(.linux.uidMappings, .linux.gidMappings)
      | .process.args = ["sh", "-c", "readlink /proc/self/ns/user; id; touch /shared/joined"]'
out=$(shim userns 2>&1) || fail "user namespace join failed: $out"
assert_eq "$(echo $out)" "$(readlink /proc/$holder/ns/user) uid=0(root) gid=0(root)" "joined user namespace"
assert_eq "$(stat -c %u:%g "$T/shared/joined")" "100000:100000" "owner seen from the host"
cgroup_gone userns

# Joining a network namespace by path: the container sees that namespace.
need_cmd ip
ns="ctrd-test-$$"
ip netns add "$ns" || skip "cannot create a network namespace"
on_exit "ip netns delete '$ns'"
ip netns exec "$ns" ip link set lo up
want=$(ip netns exec "$ns" readlink /proc/self/ns/net)
new_bundle netns sh -c 'readlink /proc/self/ns/net; cat /sys/class/net/lo/operstate'
edit '.linux.namespaces = [.linux.namespaces[] | if .type == "network"
                           then .path = "/var/run/netns/'"$ns"'" else . end]'
out=$(shim netns 2>&1) || fail "netns join failed: $out"
assert_eq "$(echo $out)" "$want unknown" "joined namespace"
[ "$(readlink /proc/self/ns/net)" != "$want" ] || fail "the test shell moved"
cgroup_gone netns

# Seccomp: mkdir denied with errnoRet, the rest allowed; status shows a filter.
new_bundle seccomp sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d; mkdir /tmp/d 2>&1; rmdir /tmp/x; kill -0 $$ && echo kill0 ok; kill -USR1 $$ || echo usr1 denied'
edit '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO",
                                    errnoRet: 13},
                                   {names: ["rmdir"], action: "SCMP_ACT_ERRNO"},
                                   {names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
                                    args: [{index: 1, value: 10, op: "SCMP_CMP_EQ"}]},
                                   {names: ["not_a_syscall_at_all"], action: "SCMP_ACT_KILL"}]}
      | .root.readonly = false'
rc=0
out=$(shim seccomp 2>&1) || rc=$?
assert_contains "$out" "Seccomp:	2" "filter loaded"
assert_contains "$out" "can't create directory '/tmp/d': Permission denied" "errnoRet 13"
assert_contains "$out" "rmdir: '/tmp/x': Operation not permitted" "default errno EPERM"
assert_contains "$out" "kill0 ok" "kill with another signal allowed"
assert_contains "$out" "usr1 denied" "kill(pid, SIGUSR1) denied by the argument rule"
[ -e "$B/rootfs/tmp/d" ] && fail "mkdir went through"
cgroup_gone seccomp

# Same profile without no_new_privs: loaded before the user switch, still active.
edit '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
out=$(shim seccomp 2>&1) || true
assert_contains "$out" "Permission denied" "seccomp without no_new_privs"

# Only stdio reaches the container, whatever the shim had open, and the
# environment is exactly process.env.
new_bundle fds sh -c 'ls /proc/self/fd; echo ==; env | sort'
edit '.process.env = ["PATH=/bin", "ONLY=this"]'
exec 7< "$B/config.json" 8>"$T/extra"
out=$(CTRD_SECRET=leak shim fds 2>&1) || fail "fds run failed: $out"
exec 7<&- 8>&-
assert_eq "$(echo $out)" "0 1 2 3 == ONLY=this PATH=/bin PWD=/ SHLVL=1" "fds and environment"
cgroup_gone fds
# linux.sysctl written inside the container's namespaces, linux.devices created,
# domainname set (runc 1.1.5 ignores that field).
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
new_bundle sysctl sh -c 'cat /proc/sys/net/ipv4/ip_forward; stat -c "%F %t:%T %a %u:%g" /dev/fuse; cat /proc/sys/kernel/domainname'
edit '.domainname = "probe.example"
      | .linux.sysctl = {"net.ipv4.ip_forward": "'"$((1 - host_fwd))"'"}
      | .linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229,
                           fileMode: 432, uid: 0, gid: 5}]'
out=$(shim sysctl 2>&1) || fail "sysctl run: $out"
assert_eq "$(echo $out)" "$((1 - host_fwd)) character special file a:e5 660 0:5 probe.example" \
        "sysctl, device and domainname"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd" "host sysctl untouched"
cgroup_gone sysctl

# Signals the shim ignores or blocks do not reach the container.
new_bundle signals grep -E '^Sig(Blk|Ign)' /proc/self/status
out=$( (trap '' INT TERM HUP USR1; shim signals) 2>&1) || fail "signals run: $out"
assert_eq "$(echo $out)" "SigBlk: 0000000000000000 SigIgn: 0000000000000000" "signal state"
cgroup_gone signals

# An unlimited rlimit is written as 2^63-1 (jansson has no larger integer);
# jq would round it, hence the sed.
new_bundle rlimit sh -c 'ulimit -c; ulimit -Hc'
edit '.process.rlimits += [{type: "RLIMIT_CORE", soft: 1234567, hard: 1234567}]'
sed -i 's/1234567/9223372036854775807/g' "$B/config.json"
out=$(shim rlimit 2>&1) || fail "rlimit run: $out"
assert_eq "$(echo $out)" "unlimited unlimited" "RLIMIT_CORE unlimited"
cgroup_gone rlimit

# process.terminal: the container gets a pty of its own devpts instance as its
# controlling terminal; ctrd-shim run relays our stdin/stdout through it.
new_bundle tty sh -c 'tty; read line; echo "got $line"; exit 5'
edit '.process.terminal = true'
rc=0
out=$(echo hello | shim tty 2>&1) || rc=$?
assert_eq "$rc" 5 "exit code through a terminal"
assert_contains "$out" "/dev/pts/0" "pty inside"
assert_contains "$out" "got hello" "stdin relayed"
cgroup_gone tty
echo "PASS: $TEST_NAME"
