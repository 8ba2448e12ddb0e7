#!/bin/sh
# Push: an image ctrd pulled goes back to the registry under another name
# (zstd layers from the layer store, an OCI manifest); skopeo copies it out
# again and ctrd loads that copy with the same image ID and content. A second
# push finds every layer there; a push to a sibling repository mounts them.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_root
need_registry_tools

start_registry plain
"$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" ||
        skip "cannot build a busybox rootfs (apt-get install busybox-static)"
mkdir -p "$T/base" "$T/l2/etc"
tar -C "$T/base" -xf "$T/busybox.tar"
echo "pushed by ctrd" >"$T/l2/etc/hello"
id=$(make_image "$T/img.tar" bb:latest "$T/base" "$T/l2")
push "$T/img.tar" "$REG/src:v1"

start_ctrd_for_containers
ctl pull -q "$REG/src:v1" >/dev/null || fail "pull"
ctl tag "$REG/src:v1" "$REG/pushed:v2" || fail "tag"

out=$(ctl push "$REG/pushed:v2") || fail "push: $out"
assert_contains "$out" "The push refers to repository [$REG/pushed]"
assert_eq "$(echo "$out" | grep -c ': Pushed')" 2 "two layers pushed"
digest=$(echo "$out" | sed -n 's/^v2: digest: \(sha256:[0-9a-f]*\) size: [0-9]*$/\1/p')
[ -n "$digest" ] || fail "no digest line in: $out"
manifest=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/pushed/manifests/v2")
assert_eq "sha256:$(printf '%s' "$manifest" | sha256sum | cut -c1-64)" "$digest" "the digest line names the manifest"
assert_eq "$(echo "$manifest" | jq -r .config.digest)" "$id" "the manifest's config is the image"
assert_eq "$(echo "$manifest" | jq -r '.layers[0].mediaType')" "application/vnd.oci.image.layer.v1.tar+zstd" \
        "layer media type"
api GET "/images/$REG/pushed:v2/json" | jq -r '.RepoDigests[]' | grep -qx "$REG/pushed@$digest" ||
        fail "the pushed digest is not a RepoDigest"

# skopeo pulls it back (as an OCI layout: Docker archives cannot hold zstd layers); ctrd
# loads that copy as the same image, and it runs.
skopeo copy -q --src-tls-verify=false "docker://$REG/pushed:v2" "oci:$T/back:v2" \
        >"$T/skopeo.log" 2>&1 || fail "skopeo could not pull what ctrd pushed: $(cat "$T/skopeo.log")"
tar -C "$T/back" -cf "$T/back.tar" .
ctl rmi -f "$REG/src:v1" "$REG/pushed:v2" >/dev/null || fail "rmi"
ctl load -q -i "$T/back.tar" >/dev/null || fail "load of skopeo's copy"
assert_eq "$(api GET "/images/$id/json" | jq -r .Id)" "$id" "image ID after the round trip"
assert_eq "$(ctl run --rm --network none "$id" cat /etc/hello)" "pushed by ctrd" "run the round trip"
ctl tag "$id" back:v2 >/dev/null

# Again: the registry has every blob. Elsewhere in the registry: mounted, not sent.
ctl tag back:v2 "$REG/pushed:v3" >/dev/null
out=$(ctl push "$REG/pushed:v3") || fail "second push: $out"
assert_eq "$(echo "$out" | grep -c ': Layer already exists')" 2 "second push"
ctl tag back:v2 "$REG/other:v1" >/dev/null
out=$(ctl push "$REG/other:v1") || fail "push to a sibling repository: $out"
assert_eq "$(echo "$out" | grep -c ': Mounted from pushed')" 2 "cross-repository mount"

api POST "/images/$REG/missing/push?tag=v1" >/dev/null
assert_eq "$(st)" 404 "push of a missing image"
assert_contains "$(cat "$T/body")" "An image does not exist locally with the tag"
echo "PASS: $TEST_NAME"
