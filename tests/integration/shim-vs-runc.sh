#!/bin/sh
# What a container sees under ctrd-shim run must match what it sees under
# runc run on the same bundle: mounts (mount point, type, options), /dev,
# capabilities, no_new_privs, seccomp, hostname, ids, rlimits, umask, open
# fds, environment, and which namespaces are new.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq
need_cmd runc

new_bundle vs sh /probe.sh
host_ns=""
for ns in cgroup ipc mnt net pid user uts; do
        host_ns="$host_ns $ns=$(readlink /proc/self/ns/$ns)"
done
cat > "$B/rootfs/probe.sh" <<PROBE
echo "== mounts"
awk '{ for (i = 7; \$i != "-"; i++) ; print \$5, \$(i+1), \$6 }' /proc/self/mountinfo | sort
echo "== dev"
for f in /dev/* /dev/pts/ptmx; do stat -c '%n %f %a %u %g %t %T' "\$f"; done
echo "== status"
grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status
echo "== ids"
hostname; id; umask; cat /proc/self/oom_score_adj
echo "== limits"
ulimit -a
echo "== fds"
ls /proc/self/fd
echo "== env"
env | sort | grep -v '^HOME='
echo "HOME is \${HOME:-unset}"
echo "== namespaces"
for kv in $host_ns; do
        ns=\${kv%%=*}
        if [ "\$(readlink /proc/self/ns/\$ns)" = "\${kv#*=}" ]; then echo "\$ns host"; else echo "\$ns new"; fi
done
echo "== files"
touch /probe-write 2>&1 | sed 's/^touch: //'
(echo x > /proc/sys/kernel/hostname) 2>&1 | sed 's/.*: //'
echo "kcore: \$(cat /proc/kcore 2>/dev/null | wc -c) bytes"
PROBE

# One known difference: runc adds HOME when process.env lacks it; we keep the
# environment exactly process.env (docs/shim-runtime.md).
check() {
        shim "vs-$1" > "$T/ours" 2>&1 || fail "ctrd-shim run ($1): $(cat "$T/ours")"
        ref "vs-$1" > "$T/theirs" 2>&1 || fail "runc run ($1): $(cat "$T/theirs")"
        grep -q '^HOME is unset$' "$T/ours" || fail "HOME added to the environment ($1)"
        sed -i 's/^HOME is .*/HOME is unset/' "$T/theirs"
        diff -u "$T/theirs" "$T/ours" || fail "ctrd-shim and runc differ ($1), see above"
        grep -q '^/dev/null 21b6 666 0 0 1 3$' "$T/ours" || fail "no /dev/null ($1)"
}

check default

# pivot_root refuses a shared parent mount: rshared and rslave must still start.
edit '.linux.rootfsPropagation = "rshared"'
check rshared
edit '.linux.rootfsPropagation = "rslave"'
check rslave
edit 'del(.linux.rootfsPropagation)'

# A less default bundle: another user, extra groups, umask, rlimits, oom
# score, capabilities with inheritable + ambient, no no_new_privs, cgroup ns.
edit '.process.user = {uid: 1000, gid: 1000, additionalGids: [5, 65534], umask: 63}
      | .process.rlimits += [{type: "RLIMIT_CORE", soft: 0, hard: 0},
                             {type: "RLIMIT_NPROC", soft: 100, hard: 200}]
      | .process.oomScoreAdj = 500
      | .process.capabilities.inheritable = ["CAP_KILL"]
      | .process.capabilities.ambient = ["CAP_KILL"]
      | .process.noNewPrivileges = false
      | .process.env += ["FOO=bar baz"]
      | .hostname = "probe-host"
      | .linux.namespaces += [{type: "cgroup"}]
      | .mounts += [{destination: "/data", type: "bind", source: "'"$T/data"'",
                     options: ["rbind", "ro", "nosuid", "nodev", "noexec", "rprivate"]},
                    {destination: "/data/file", type: "bind", source: "'"$B/config.json"'",
                     options: ["bind", "rw"]},
                    {destination: "/scratch", type: "tmpfs", source: "tmpfs",
                     options: ["size=1m", "mode=700", "noexec", "nodev"]}]'
mkdir -p "$T/data"
touch "$T/data/file"
check custom
grep -q '^uid=1000 gid=1000 groups=5(tty),65534(nobody)' "$T/ours" || fail "user not switched: $(grep uid= "$T/ours")"
grep -q '^CapAmb:	0000000000000020$' "$T/ours" || fail "ambient CAP_KILL not raised"
grep -q '^/data [a-z0-9]* ro,nosuid,nodev,noexec' "$T/ours" || fail "bind mount options not applied"
grep -q '^/data/file [a-z0-9]* rw' "$T/ours" || fail "file bind mount missing"
grep -q '^/scratch tmpfs rw,nodev,noexec' "$T/ours" || fail "tmpfs options not applied"
echo "PASS: $TEST_NAME"
