#!/bin/sh
# Interchange with OCI tools: images made by skopeo (from a docker-save
# archive) and umoci load into ctrd; an image saved by ctrd loads into
# skopeo and comes back with the same ID.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
need_cmd skopeo
need_cmd umoci
H="$CTRD_SRCDIR/tests/helpers"
"$H/mkbusybox-tar.sh" "$T/bb.tar" || skip "busybox-static is not installed"
# skopeo wants a policy; a private one keeps the test off the host's settings.
printf '{"default":[{"type":"insecureAcceptAnything"}]}' >"$T/policy.json"
sk() { skopeo --policy "$T/policy.json" --tmpdir "$T" "$@"; }
start_ctrd

# skopeo turns a docker-save archive into an OCI archive (converting the config).
"$H/mkimage-docker.sh" "$T/d.tar" bb:1 "$T/bb.tar" >/dev/null
sk copy --quiet docker-archive:"$T/d.tar" oci-archive:"$T/sk.tar":skopeo/bb:1
out=$(ctl load -i "$T/sk.tar")
assert_eq "$out" "Loaded image: skopeo/bb:1"
id=$(api GET /images/skopeo/bb:1/json | jq -r .Id)
diff_id="sha256:$(sha256sum <"$T/bb.tar" | cut -c1-64)"
assert_eq "$(api GET /images/skopeo/bb:1/json | jq -r '.RootFS.Layers[0]')" "$diff_id"

# umoci builds an OCI layout from scratch; its ref names are bare tags, so it loads untagged.
umoci init --layout "$T/ul"
umoci new --image "$T/ul:latest"
umoci raw add-layer --image "$T/ul:latest" "$T/bb.tar"
tar -C "$T/ul" -cf "$T/ul.tar" .
out=$(ctl load -i "$T/ul.tar")
assert_contains "$out" "Loaded image ID: sha256:"
um_id=${out#Loaded image ID: }
assert_eq "$(api GET "/images/$um_id/json" | jq -r '.RootFS.Layers[0]')" "$diff_id"
assert_eq "$(ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$')" 1 "one busybox layer for both"

# ctrd's save is an OCI archive skopeo reads; a copy through skopeo keeps the ID.
ctl save -o "$T/ctrd.tar" skopeo/bb:1
sk inspect oci-archive:"$T/ctrd.tar" >/dev/null
sk inspect docker-archive:"$T/ctrd.tar" >/dev/null
sk copy --quiet oci-archive:"$T/ctrd.tar" oci-archive:"$T/back.tar":again/bb:2
ctl rmi skopeo/bb:1 >/dev/null
assert_eq "$(ctl load -i "$T/back.tar")" "Loaded image: again/bb:2"
assert_eq "$(api GET /images/again/bb:2/json | jq -r .Id)" "$id" "ID after ctrd -> skopeo -> ctrd"
echo "PASS: $TEST_NAME"
