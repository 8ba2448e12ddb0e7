#!/bin/sh
# An OCI image index with two platforms (this host's architecture and one
# other), pushed with skopeo --all: the pull picks the host's manifest, or
# the one --platform / ?platform= names; RepoDigests name the index; a
# platform the index lacks is refused.
# shellcheck disable=SC2046 # "digest size" pairs are split into words on purpose
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_root
need_registry_tools

case $(uname -m) in
x86_64) host=amd64 other=arm64 ;;
aarch64) host=arm64 other=amd64 ;;
*) skip "no test index for $(uname -m)" ;;
esac

start_registry plain
"$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" ||
        skip "cannot build a busybox rootfs (apt-get install busybox-static)"

L="$T/layout"
mkdir -p "$L/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' >"$L/oci-layout"

# blob FILE: stores FILE under its digest; prints "digest size".
blob() {
        d=$(sha256sum <"$1" | cut -c1-64)
        cp "$1" "$L/blobs/sha256/$d"
        echo "sha256:$d $(stat -c %s "$1")"
}

# image ARCH: a one-layer image (busybox plus /etc/arch); prints its manifest's "digest size".
image() {
        mkdir -p "$T/$1/etc"
        tar -C "$T/$1" -xf "$T/busybox.tar"
        echo "$1" >"$T/$1/etc/arch"
        tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$T/$1" -cf "$T/$1.tar" .
        diff_id="sha256:$(sha256sum <"$T/$1.tar" | cut -c1-64)"
        gzip -n -c "$T/$1.tar" >"$T/$1.tar.gz"
        set -- "$1" $(blob "$T/$1.tar.gz")
        jq -cn --arg arch "$1" --arg d "$diff_id" '{architecture: $arch, os: "linux",
                config: {Cmd: ["/bin/sh"]}, rootfs: {type: "layers", diff_ids: [$d]}}' >"$T/$1.config"
        set -- "$@" $(blob "$T/$1.config")
        jq -cn --arg ld "$2" --argjson ls "$3" --arg cd "$4" --argjson cs "$5" '{schemaVersion: 2,
                mediaType: "application/vnd.oci.image.manifest.v1+json",
                config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
                layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld,
                          size: $ls}]}' >"$T/$1.manifest"
        blob "$T/$1.manifest"
}

set -- $(image "$host") $(image "$other")
jq -cn --arg hd "$1" --argjson hs "$2" --arg ha "$host" --arg od "$3" --argjson os "$4" --arg oa "$other" \
        '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [
          {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $od, size: $os,
           platform: {os: "linux", architecture: $oa}},
          {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $hd, size: $hs,
           platform: {os: "linux", architecture: $ha}}]}' >"$T/index.inner"
set -- $(blob "$T/index.inner")
index_digest=$1
jq -cn --arg d "$1" --argjson s "$2" '{schemaVersion: 2, manifests: [{mediaType:
        "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
        annotations: {"org.opencontainers.image.ref.name": "v1"}}]}' >"$L/index.json"
skopeo copy -q --all --dest-tls-verify=false "oci:$L:v1" "docker://$REG/multi:v1" >"$T/skopeo.log" 2>&1 ||
        fail "skopeo could not push the index: $(cat "$T/skopeo.log")"

start_ctrd_for_containers

# What the registry offers, without pulling: the index and both platforms.
out=$(api GET "/distribution/$REG/multi:v1/json")
assert_eq "$(st)" 200 "distribution: $out"
assert_eq "$(echo "$out" | jq -r .Descriptor.digest)" "$index_digest" "distribution digest"
assert_eq "$(echo "$out" | jq -r .Descriptor.mediaType)" "application/vnd.oci.image.index.v1+json" \
        "distribution media type"
assert_eq "$(echo "$out" | jq -r '[.Platforms[].architecture] | sort | join(" ")')" \
        "$(printf '%s\n' "$host" "$other" | sort | tr '\n' ' ' | sed 's/ $//')" "distribution platforms"
out=$(api GET "/distribution/$REG/multi@$(echo "$out" | jq -r .Descriptor.digest)/json")
assert_eq "$(st)" 200 "distribution by digest"
api GET "/distribution/$REG/multi:nope/json" >/dev/null
assert_eq "$(st)" 404 "distribution of a missing tag"

out=$(ctl pull "$REG/multi:v1") || fail "pull of an index: $out $(tail -20 "$T/ctrd.log")"
assert_contains "$out" "Digest: $index_digest"
assert_eq "$(ctl run --rm --network none "$REG/multi:v1" cat /etc/arch)" "$host" "the host's platform"
assert_eq "$(api GET "/images/$REG/multi:v1/json" | jq -r '.RepoDigests[0]')" "$REG/multi@$index_digest" \
        "RepoDigests name the index"

# Another platform by name: its config is what gets stored (not run: it is not ours).
out=$(ctl pull --platform "linux/$other" "$REG/multi:v1") || fail "pull --platform: $out"
assert_eq "$(api GET "/images/$REG/multi:v1/json" | jq -r .Architecture)" "$other" "--platform"

api POST "/images/create?fromImage=$REG/multi&tag=v1&platform=linux/s390x" >/dev/null
assert_eq "$(st)" 404 "a platform the index lacks"
assert_contains "$(cat "$T/body")" "no matching manifest for linux/s390x"
echo "PASS: $TEST_NAME"
