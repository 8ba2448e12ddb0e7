#!/bin/sh
# Writes a docker-save archive (dockerd's legacy layout: <config>.json,
# <layer>/layer.tar, manifest.json, repositories) of one image made of the
# given uncompressed layer tars, bottom first:
#
#   mkimage-docker.sh OUT.tar REPO:TAG LAYER.tar [LAYER.tar...]
#
# Prints the image ID (sha256 of the config bytes). Needs jq and sha256sum.
set -eu
out=${1:?usage: mkimage-docker.sh OUT.tar REPO:TAG LAYER.tar...}
tag=${2:?usage: mkimage-docker.sh OUT.tar REPO:TAG LAYER.tar...}
shift 2
[ $# -ge 1 ] || { echo "mkimage-docker: at least one layer" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/mkimage-docker.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM

diffs="" layers=""
for l in "$@"; do
        d=$(sha256sum <"$l" | cut -c1-64)
        mkdir -p "$dir/$d"
        cp "$l" "$dir/$d/layer.tar"
        printf '1.0' >"$dir/$d/VERSION"
        diffs="$diffs \"sha256:$d\""
        layers="$layers \"$d/layer.tar\""
        top=$d
done
diffs=$(echo "$diffs" | sed 's/^ //; s/ /,/g')
layers=$(echo "$layers" | sed 's/^ //; s/ /,/g')

jq -cn --argjson diffs "[$diffs]" '{architecture: "amd64", os: "linux",
        created: "2026-01-01T00:00:00Z", config: {Cmd: ["/bin/sh"]},
        rootfs: {type: "layers", diff_ids: $diffs},
        history: [$diffs[] | {created: "2026-01-01T00:00:00Z", created_by: "mkimage-docker"}]}' \
        | tr -d '\n' >"$dir/config.json"
id=$(sha256sum <"$dir/config.json" | cut -c1-64)
mv "$dir/config.json" "$dir/$id.json"
jq -cn --arg cfg "$id.json" --arg tag "$tag" --argjson layers "[$layers]" \
        '[{Config: $cfg, RepoTags: [$tag], Layers: $layers}]' >"$dir/manifest.json"
repo=${tag%:*}
jq -cn --arg repo "$repo" --arg t "${tag##*:}" --arg top "$top" '{($repo): {($t): $top}}' \
        >"$dir/repositories"
tar -C "$dir" -cf "$out" .
echo "sha256:$id"
