#!/bin/sh
# Pulls that go wrong keep nothing: a registry that dies in the middle of a
# layer (then a retry succeeds), a blob whose bytes are not what its digest
# says. A transfer that breaks off is resumed with a Range request.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_root
need_registry_tools

start_registry plain
"$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" ||
        skip "cannot build a busybox rootfs (apt-get install busybox-static)"
mkdir -p "$T/base" "$T/big/data" "$T/bad/etc" "$T/resume/data"
tar -C "$T/base" -xf "$T/busybox.tar"
# Random bytes do not compress: the layer travels at its full 12 MB.
head -c 12000000 /dev/urandom >"$T/big/data/blob"
echo "corrupt me" >"$T/bad/etc/bad"
head -c 3000000 /dev/urandom >"$T/resume/data/blob"
make_image "$T/big.tar" big:latest "$T/base" "$T/big" >/dev/null
make_image "$T/bad.tar" bad:latest "$T/bad" >/dev/null
make_image "$T/resume.tar" resume:latest "$T/base" "$T/resume" >/dev/null
push "$T/big.tar" "$REG/big:v1"
push "$T/bad.tar" "$REG/bad:v1"
push "$T/resume.tar" "$REG/resume:v1"

start_ctrd_for_containers

# The registry dies while the big layer streams in.
start_proxy slow
PROXY_PORT=${PROXY#*:}
curl -sN --max-time 30 -X POST --unix-socket "$SOCK" "http://d/images/create?fromImage=$PROXY/big&tag=v1" \
        >"$T/pull1.out" &
pull=$!
wait_for "the big layer to start streaming" 10 sh -c "grep -q Downloading '$T/pull1.out'"
kill -9 "$PROXY_PID"
wait "$pull" || true
assert_contains "$(cat "$T/pull1.out")" '"errorDetail"' "a pull whose registry died"
api GET "/images/$PROXY/big:v1/json" >/dev/null
assert_eq "$(st)" 404 "no image after the failed pull"
assert_eq "$(tmp_count)" 0 "temp files after the failed pull"
assert_eq "$(config_count)" 0 "config files after the failed pull"
# Only layers that were whole (and verified) may stay: busybox, not the big one.
[ "$(layer_count)" -le 1 ] || fail "$(layer_count) layer dirs after the failed pull"

# The retry, with the registry back on the same address, succeeds.
start_proxy fast
out=$(ctl pull "$PROXY/big:v1") || fail "retry failed: $out"
assert_eq "$(ctl run --rm --network none "$PROXY/big:v1" wc -c /data/blob)" "12000000 /data/blob" "run"

# A corrupted blob (same size, different bytes) is refused and nothing is kept.
digest=$(layer_digests bad:v1)
data="$REG_DIR/docker/registry/v2/blobs/sha256/$(echo "${digest#sha256:}" | cut -c1-2)/${digest#sha256:}/data"
[ -f "$data" ] || fail "no blob file at $data"
size=$(stat -c %s "$data")
printf 'XXXX' | dd of="$data" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
layers=$(layer_count) configs=$(config_count)
out=$(api POST "/images/create?fromImage=$REG/bad&tag=v1")
assert_contains "$out" '"errorDetail"' "a corrupted blob"
api GET "/images/$REG/bad:v1/json" >/dev/null
assert_eq "$(st)" 404 "no image from a corrupted blob"
assert_eq "$(layer_count)" "$layers" "layer dirs after the corrupted blob"
assert_eq "$(tmp_count)" 0 "temp files after the corrupted blob"
assert_eq "$(config_count)" "$configs" "config files after the corrupted blob"

# A transfer cut after 1 MB resumes where it stopped (a Range request) and succeeds.
kill -9 "$PROXY_PID"
start_proxy cut
out=$(ctl pull "$PROXY/resume:v1") || fail "pull through a cut connection failed: $out"
sleep 0.2
grep -q "resuming" "$T/ctrd.log" || fail "the daemon did not say it resumed: $(cat "$T/ctrd.log")"
assert_eq "$(ctl run --rm --network none "$PROXY/resume:v1" wc -c /data/blob)" "3000000 /data/blob" \
        "run resumed image"
echo "PASS: $TEST_NAME"
