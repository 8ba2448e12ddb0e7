#!/bin/sh
# Pulls from Debian's docker-registry on loopback, filled by skopeo: a
# 2-layer gzip image (Docker schema 2) and a zstd one (OCI), through the API
# and ctrctl; the pulled images run; tags and RepoDigests are recorded; a
# second pull fetches no layer; a tag the registry lacks is a 404.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_root
need_registry_tools

start_registry plain
"$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" ||
        skip "cannot build a busybox rootfs (apt-get install busybox-static)"
mkdir -p "$T/base" "$T/l2/etc" "$T/l3/etc"
tar -C "$T/base" -xf "$T/busybox.tar"
echo "hello from layer two" >"$T/l2/etc/hello"
echo "zstd layer" >"$T/l3/etc/zstd"
id=$(make_image "$T/img.tar" bb:latest "$T/base" "$T/l2")
push "$T/img.tar" "$REG/bb:v1"
make_image "$T/imgz.tar" bbz:latest "$T/base" "$T/l3" >/dev/null
push "$T/imgz.tar" "$REG/bbz:v1" --format oci --dest-compress-format zstd
mkdir -p "$T/l4/data"
head -c 8000000 /dev/urandom >"$T/l4/data/blob"
make_image "$T/twice.tar" twice:latest "$T/l4" >/dev/null
push "$T/twice.tar" "$REG/twice:v1"

start_ctrd_for_containers

# The API: Docker's progress stream, then the image under its tag and digest.
out=$(api POST "/images/create?fromImage=$REG/bb&tag=v1")
assert_eq "$(st)" 200 "pull status"
assert_eq "$(echo "$out" | head -1 | jq -c .)" '{"status":"Pulling from bb","id":"v1"}' "first line"
assert_eq "$(echo "$out" | grep -c '"Pull complete"')" 2 "both layers pulled"
digest=$(echo "$out" | jq -r 'select(.status | startswith("Digest: ")) | .status[8:]')
manifest=$(curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "http://$REG/v2/bb/manifests/v1" | sha256sum | cut -c1-64)
assert_eq "$digest" "sha256:$manifest" "the Digest line names the manifest"
assert_contains "$out" "Status: Downloaded newer image for $REG/bb:v1"
info=$(api GET "/images/$REG/bb:v1/json")
assert_eq "$(echo "$info" | jq -r '.RepoDigests[0]')" "$REG/bb@$digest" "RepoDigests"
assert_eq "$(echo "$info" | jq -r '.Id')" "$id" "image ID is the config digest"
[ "$(api GET "/images/$REG/bb@$digest/json" | jq -r .Id)" = "$(echo "$info" | jq -r .Id)" ] ||
        fail "the image does not resolve by its digest"

# It runs, with both layers in its rootfs.
assert_eq "$(ctl run --rm --network none "$REG/bb:v1" cat /etc/hello)" "hello from layer two" "run"

# A second pull asks for no layer blob.
before=""
for d in $(layer_digests bb:v1); do before="$before $(blob_gets bb "$d")"; done
out=$(ctl pull "$REG/bb:v1") || fail "second pull failed: $out"
assert_contains "$out" "Status: Image is up to date for $REG/bb:v1"
sleep 0.2
after=""
for d in $(layer_digests bb:v1); do after="$after $(blob_gets bb "$d")"; done
assert_eq "$after" "$before" "layer GETs after a second pull"

# zstd layers (OCI manifest) through ctrctl, sharing the busybox layer already stored.
out=$(ctl pull "$REG/bbz:v1") || fail "zstd pull failed: $out"
assert_contains "$out" "Already exists"
assert_contains "$out" "Pull complete"
assert_eq "$(ctl run --rm --network none "$REG/bbz:v1" cat /etc/zstd)" "zstd layer" "run zstd image"
n=$(layer_digests bbz:v1 | head -1)
assert_eq "$(blob_gets bbz "$n")" 0 "the shared base layer was not fetched again"

# Two pulls of the same new image at once: its layer travels once.
pids=""
for i in 1 2; do
        curl -s --max-time 30 -X POST --unix-socket "$SOCK" "http://d/images/create?fromImage=$REG/twice&tag=v1" \
                >"$T/twice$i.out" &
        pids="$pids $!"
done
# shellcheck disable=SC2086 # one pid per word
wait $pids
for i in 1 2; do assert_contains "$(cat "$T/twice$i.out")" "Status: " "concurrent pull $i"; done
sleep 0.2
assert_eq "$(blob_gets twice "$(layer_digests twice:v1)")" 1 "GETs of a layer pulled twice at once"

# By digest, and -q prints only the reference.
assert_eq "$(ctl pull -q "$REG/bb@$digest")" "$REG/bb@$digest" "pull -q by digest"

# Unknown tag: 404 with the registry's words; nothing left behind.
api POST "/images/create?fromImage=$REG/bb&tag=nope" >/dev/null
assert_eq "$(st)" 404 "unknown tag"
assert_contains "$(cat "$T/body")" "manifest unknown"
ctl pull "$REG/nothing:here" >/dev/null 2>&1 && fail "ctrctl pull of a missing image succeeded"
assert_eq "$(tmp_count)" 0 "temp files after the pulls"

# The stock docker CLI, where there is one, pulls through ctrd too (its own progress rendering).
if command -v docker >/dev/null 2>&1; then
        api DELETE "/images/$REG/bbz:v1" >/dev/null
        out=$(DOCKER_CONFIG="$T/docker-cli" docker -H "unix://$SOCK" pull "$REG/bbz:v1" 2>&1) ||
                fail "docker pull through ctrd: $out"
        assert_contains "$out" "Status: Downloaded newer image for $REG/bbz:v1"
fi
echo "PASS: $TEST_NAME"
