#!/bin/sh
# ctrctl run/create with an image that is not there yet: "Unable to find
# image" and the pull's progress on stderr, the container's output alone on
# stdout, as docker run does; --pull never and always. The registry is
# Debian's docker-registry on loopback, filled by skopeo (pull-lib.sh).
. "$CTRD_SRCDIR/tests/integration/ctl-lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_registry_tools
ctl_setup
need_endpoint POST /containers/x-$$/attach
need_endpoint POST /containers/x-$$/wait

start_registry ctl
mkdir -p "$T/base" "$T/l2/etc"
tar -C "$T/base" -xf "$T/busybox.tar"
echo "pulled layer" > "$T/l2/etc/hello"
make_image "$T/img.tar" bb:latest "$T/base" "$T/l2" >/dev/null
push "$T/img.tar" "$REG/bb:v1"
push "$T/img.tar" "$REG/bb:latest"

# --pull never: the daemon's 404, nothing fetched.
expect_rc 125 ctl run --rm --pull never --network none "$REG/bb:v1" cat /etc/hello
assert_contains "$ERR" "No such image"
expect_rc 125 ctl run --pull sometimes busybox true
assert_contains "$ERR" "invalid pull option"

# The default (missing): pulled, then run; stdout is only the container's.
expect_rc 0 ctl run --rm --network none "$REG/bb:v1" cat /etc/hello
assert_eq "$OUT" "pulled layer" "stdout holds only the container's output"
assert_contains "$ERR" "Unable to find image '$REG/bb:v1' locally"
assert_contains "$ERR" "Status: Downloaded newer image for $REG/bb:v1"
# Now present: no pull.
expect_rc 0 ctl run --rm --network none "$REG/bb:v1" cat /etc/hello
assert_eq "$ERR" "" "nothing pulled the second time"

# An untagged name is looked for as :latest; create pulls too and prints only the ID.
expect_rc 0 ctl create --network none "$REG/bb"
assert_eq "${#OUT}" 64 "create prints the ID alone"
assert_contains "$ERR" "Unable to find image '$REG/bb:latest' locally"

# --pull always fetches even what is present.
expect_rc 0 ctl run --rm --pull always --network none "$REG/bb:v1" cat /etc/hello
assert_eq "$OUT" "pulled layer"
assert_contains "$ERR" "Image is up to date for $REG/bb:v1"

# A name the registry does not have: the pull's error, docker's status.
expect_rc 125 ctl run --rm --network none "$REG/nosuch:v1" true
assert_contains "$ERR" "Unable to find image '$REG/nosuch:v1' locally"
exit 0
