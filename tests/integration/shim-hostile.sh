#!/bin/sh
# Hostile bundles: symlinks in the rootfs that point out of it, config.json
# with wrong types, absurd rlimits, missing files. Each must fail (or
# succeed) without touching the host and leave no cgroup or process behind.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/shim-lib.sh"
need_root
need_cmd jq

outside="/tmp/ctrd-outside-$$"
on_exit "rm -rf '$outside'"
new_bundle hostile true

# /etc -> /, and a mount target symlinked to a host path: the mounts land
# inside the rootfs, the host's /tmp stays untouched.
rm -rf "$B/rootfs/etc"
ln -s / "$B/rootfs/etc"
ln -s "$outside" "$B/rootfs/trap"
ln -s ../../../../../../../.. "$B/rootfs/up"
edit '.mounts += [{destination: "/etc/ctrd-hostile", type: "tmpfs", source: "tmpfs"},
                  {destination: "/trap/sub", type: "tmpfs", source: "tmpfs"},
                  {destination: "/up/tmp/ctrd-up", type: "bind", source: "/tmp",
                   options: ["rbind", "ro"]}]
      | .process.args = ["sh", "-c", "echo pwned > /trap/sub/file && awk \"{ print \\$5 }\" /proc/self/mountinfo | grep -cE \"^(/ctrd-hostile|/tmp/ctrd-outside-[0-9]+/sub|/tmp/ctrd-up)\\$\""]
      | .root.readonly = false'
out=$(shim hostile 2>&1) || fail "run failed: $out"
assert_eq "$out" 3 "three mounts made inside the container"
[ -e "$outside" ] && fail "a host path was created through a rootfs symlink"
[ -e /ctrd-hostile ] && fail "/ctrd-hostile created on the host"
[ -e /tmp/ctrd-up ] && fail "/tmp/ctrd-up created on the host"
[ -d "$B/rootfs/ctrd-hostile" ] || fail "the /etc target was not created inside the rootfs"
[ -d "$B/rootfs$outside/sub" ] || fail "the trap target was not created inside the rootfs"
cgroup_gone hostile

# A bundle asking for a writable sysfs without its own user namespace gets a
# read-only one (runc would give it rw), with or without its own netns.
new_bundle sysfs sh -c 'awk "\$5 == \"/sys\" { print \$6 }" /proc/self/mountinfo'
edit '.mounts |= map(if .type == "sysfs" then .options = ["nosuid", "rw"] else . end)'
out=$(shim sysfs 2>&1) || fail "sysfs run: $out"
assert_contains "$out" "ro," "sysfs read-only with a new netns"
edit '.linux.namespaces |= map(select(.type != "network"))'
out=$(shim sysfs 2>&1) || fail "sysfs run: $out"
assert_contains "$out" "ro," "host sysfs bound read-only"
cgroup_gone sysfs

# Wrong types: one clear line naming the field, exit 1, nothing left.
new_bundle types true
edit '.linux.resources = {memory: {limit: "lots"}}'
rc=0
msg=$(shim types 2>&1) || rc=$?
assert_eq "$rc" 1 "wrong type"
assert_eq "$msg" "ctrd-shim: $B/config.json: linux.resources.memory.limit: expected integer" "message"
edit '.linux.resources = {} | .process.user.uid = "root"'
msg=$(shim types 2>&1) && fail "uid as a string accepted"
assert_contains "$msg" "process.user.uid: expected integer"
edit '.process.user.uid = 0 | .hooks = {prestart: []}'
msg=$(shim types 2>&1) && fail "hooks accepted"
assert_contains "$msg" "hooks: unsupported field"
echo '{"ociVersion": ' > "$B/config.json"
msg=$(shim types 2>&1) && fail "truncated config.json accepted"
assert_contains "$msg" "config.json:"
cgroup_gone types

# Absurd rlimits: refused by the kernel (we may not raise hard limits), reported, nothing left.
new_bundle rlimit true
edit '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1099511627776, hard: 1099511627776}]'
rc=0
msg=$(shim rlimit 2>&1) || rc=$?
assert_eq "$rc" 1 "absurd rlimit"
assert_contains "$msg" "ctrd-shim: setrlimit RLIMIT_NOFILE"
cgroup_gone rlimit

# Missing rootfs, missing bind source, missing config.json.
new_bundle missing true
edit '.root.path = "no-such-rootfs"'
msg=$(shim missing 2>&1) && fail "missing rootfs accepted"
assert_contains "$msg" "no-such-rootfs: No such file or directory"
edit '.root.path = "rootfs" | .mounts += [{destination: "/x", type: "bind", source: "/no/such/src"}]'
msg=$(shim missing 2>&1) && fail "missing bind source accepted"
assert_eq "$msg" "ctrd-shim: mount /x: No such file or directory" "bind source message"
cgroup_gone missing
rm "$B/config.json"
msg=$(shim missing 2>&1) && fail "missing config.json accepted"
assert_contains "$msg" "config.json"
cgroup_gone missing

if pgrep -f "ctrd-shim run --bundle $T" >/dev/null; then fail "a shim is still running"; fi
echo "PASS: $TEST_NAME"
