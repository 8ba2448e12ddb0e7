# Sourced by the ctl-*.sh tests (ctrctl's container verbs against a real ctrd).
#
#   . "$CTRD_SRCDIR/tests/integration/ctl-lib.sh"
#   ctl_setup                          # root, jq, a private ctrd, busybox:latest imported
#   need_endpoint POST /containers/x/pause
#
# A test skips only when an endpoint it needs is not served yet (404 "page
# not found"), so the tests turn on by themselves as the daemon grows.
. "$CTRD_SRCDIR/tests/integration/lib.sh"

# need_endpoint METHOD PATH: skips unless the daemon routes METHOD PATH.
need_endpoint() {
        body=$(api "$1" "$2" -H 'Content-Type: application/json' -d '{}')
        if [ "$(st)" = 404 ] && [ "$(printf '%s' "$body" | jq -r .message 2>/dev/null)" = "page not found" ]; then
                skip "ctrd does not serve $1 $2 yet"
        fi
}

# Every container the test made is removed at exit, running or not.
ctl_cleanup_containers() {
        ids=$(api GET '/containers/json?all=1' | jq -r '.[].Id' 2>/dev/null) || return 0
        for id in $ids; do
                api DELETE "/containers/$id?force=1" >/dev/null
        done
}

# Removes the test's cgroup parent in every hierarchy (and whatever is left in it).
ctl_cleanup_cgroups() {
        find /sys/fs/cgroup -maxdepth 3 -type d -path "*$CTL_CGROUP_PARENT" 2>/dev/null |
                while IFS= read -r d; do
                        find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
                done
}

ctl_setup() {
        need_root
        need_cmd jq
        need_cmd curl
        set --
        # Containers go below a cgroup parent of our own when this ctrd knows the flag.
        if "$CTRD" --help 2>&1 | grep -q -- --cgroup-parent; then
                CTL_CGROUP_PARENT="/ctrd-test-$TEST_NAME-$$"
                set -- --cgroup-parent "$CTL_CGROUP_PARENT"
                on_exit 'ctl_cleanup_cgroups'
        fi
        start_ctrd "$@"
        need_endpoint POST /containers/create
        on_exit 'ctl_cleanup_containers'
        "$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" >/dev/null ||
                skip "cannot build a busybox rootfs (apt-get install busybox-static)"
        need_endpoint POST /images/create
        ctl import -c 'CMD ["/bin/sh"]' "$T/busybox.tar" busybox:latest >/dev/null ||
                fail "importing busybox with ctrctl import"
}

# expect_rc WANT CMD...: runs CMD, keeps stdout in $OUT and stderr in $ERR, checks the status.
expect_rc() {
        want=$1
        shift
        rc=0
        "$@" > "$T/out" 2> "$T/err" || rc=$?
        OUT=$(cat "$T/out")
        ERR=$(cat "$T/err")
        [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want (stdout: $OUT; stderr: $ERR)"
}
