# Sourced by the shim-*.sh integration tests (after lib.sh):
#
#   new_bundle NAME [ARG...]   busybox bundle in $T/NAME (tests/helpers/mkbundle.sh),
#                              cgroupsPath /ctrd-test-$$/NAME; sets B
#   edit JQ-FILTER             rewrites $B/config.json through jq
#   shim ID                    ctrd-shim run on $B (stdout/stderr as they come)
#   ref ID                     runc run on $B (the reference), same stdio
#   cgroup_gone NAME           fails if /ctrd-test-$$/NAME exists in any hierarchy
#
# Every cgroup under /ctrd-test-$$ and every runc container named *-$$ is
# removed at exit, whatever happened.
CG_PARENT="/ctrd-test-$$"

_cg_cleanup() {
        for d in /sys/fs/cgroup/*"$CG_PARENT" /sys/fs/cgroup"$CG_PARENT"; do
                [ -d "$d" ] || continue
                find "$d" -name cgroup.procs | while read -r p; do
                        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done < "$p"
                done
                find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
        done
        return 0
}
on_exit _cg_cleanup

new_bundle() {
        name=$1
        shift
        B="$T/$name"
        rc=0
        "$CTRD_SRCDIR/tests/helpers/mkbundle.sh" "$B" "$@" || rc=$?
        [ $rc = 77 ] && skip "mkbundle: busybox-static or jq missing"
        [ $rc = 0 ] || fail "mkbundle failed"
        edit ".linux.cgroupsPath = \"$CG_PARENT/$name\""
}

edit() {
        jq "$1" "$B/config.json" > "$B/config.json.new" || fail "jq '$1'"
        mv "$B/config.json.new" "$B/config.json"
}

shim() { "$CTRD_SHIM" run --bundle "$B" --id "$1"; }

# runc names its own cgroup after the id when cgroupsPath is absent; ours is set,
# so runc uses the same path: never run both at once on one bundle.
ref() {
        need_cmd runc
        runc --root "$T/runc-root" run --bundle "$B" "$1-$$"
}

cgroup_gone() {
        for d in /sys/fs/cgroup/*"$CG_PARENT/$1" /sys/fs/cgroup"$CG_PARENT/$1"; do
                [ -e "$d" ] && fail "cgroup $d left behind"
        done
        return 0
}
