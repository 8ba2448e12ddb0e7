#!/bin/sh
# Images through the API and ctrctl: import, list, inspect, history, tag,
# save/load round trips with stable IDs, a shared base stored once, and the
# delete semantics (untag vs delete, 409, force, prune).
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd curl
need_cmd jq
H="$CTRD_SRCDIR/tests/helpers"
"$H/mkbusybox-tar.sh" "$T/bb.tar" || skip "busybox-static is not installed"
start_ctrd

# Import: one layer whose diffID is the tarball's sha256, CMD from --change.
out=$(ctl import -c 'CMD ["/bin/sh"]' "$T/bb.tar" bb:latest)
id=$(echo "$out" | tail -n1)
case "$id" in sha256:????????????????????????????????????????????????????????????????) ;;
*) fail "import printed '$out'" ;; esac
diff_id="sha256:$(sha256sum <"$T/bb.tar" | cut -c1-64)"
insp=$(api GET /images/bb/json)
assert_eq "$(st)" 200
assert_eq "$(echo "$insp" | jq -r .Id)" "$id"
assert_eq "$(echo "$insp" | jq -r '.RootFS.Layers | join(",")')" "$diff_id" "diffID"
assert_eq "$(echo "$insp" | jq -c .Config.Cmd)" '["/bin/sh"]'
assert_eq "$(echo "$insp" | jq -r '.RepoTags | join(",")')" "bb:latest"
assert_eq "$(echo "$insp" | jq -r '.Os + "/" + .Architecture')" "linux/amd64"
# The image ID is the sha256 of the config bytes as stored.
cfg="$DATA/image/configs/${id#sha256:}"
assert_eq "sha256:$(sha256sum <"$cfg" | cut -c1-64)" "$id" "ID = digest of the config"
# Lookups as Docker does them: full name, ID, short ID, sha256: prefix.
for n in docker.io/library/bb:latest "$id" "${id#sha256:}" "$(echo "${id#sha256:}" | cut -c1-12)"; do
        api GET "/images/$n/json" >/dev/null
        assert_eq "$(st)" 200 "lookup by $n"
done
api GET /images/nosuch/json >/dev/null
assert_eq "$(st)" 404
assert_contains "$(cat "$T/body")" "No such image: nosuch"
api POST "/images/bb/tag?repo=Bad" >/dev/null
assert_eq "$(st)" 400 "invalid reference"
assert_contains "$(cat "$T/body")" "invalid reference format"

# List, quiet list, JSON lines, history.
assert_contains "$(ctl images)" "bb           latest"
assert_eq "$(ctl images -q)" "$(echo "${id#sha256:}" | cut -c1-12)"
assert_eq "$(ctl images --format json | jq -r .Id)" "$id"
assert_eq "$(api GET /images/bb/history | jq -r '.[0].Id')" "$id"
assert_eq "$(api GET '/images/json?filters=%7B%22reference%22%3A%5B%22b*%22%5D%7D' | jq -r '.[0].Id')" "$id"
assert_eq "$(api GET '/images/json?filters=%7B%22reference%22%3A%5B%22x*%22%5D%7D' | jq length)" 0
api GET '/images/json?filters=%7B%22label%22%3A%5B%22a%22%5D%7D' >/dev/null
assert_eq "$(st)" 400 "unsupported filter"

# Tags: a second tag, then re-tagging moves a tag; the old image becomes <none>.
ctl tag bb other/bb:v1
assert_eq "$(api GET /images/json | jq -r '.[0].RepoTags | sort | join(",")')" "bb:latest,other/bb:v1"
out2=$(ctl import "$T/bb.tar" bb:latest | tail -n1)
[ "$out2" != "$id" ] || fail "a second import should make a new image (new created time)"
assert_eq "$(api GET "/images/$id/json" | jq -r '.RepoTags | join(",")')" "other/bb:v1"
ctl rmi other/bb:v1 >/dev/null
assert_eq "$(api GET '/images/json?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D' | jq length)" 0
api GET "/images/$id/json" >/dev/null
assert_eq "$(st)" 404 "the last tag's rmi deletes the image"
# The layer is shared by both imports and stays while one image uses it.
assert_eq "$(ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$')" 1 "one layer dir for one diffID"

# rmi semantics: two tags; by tag untags; by ID needs force; force deletes.
id=$(api GET /images/bb/json | jq -r .Id)
ctl tag bb bb:two
out=$(ctl rmi bb:two)
assert_eq "$out" "Untagged: bb:two"
ctl tag bb bb:two
api DELETE "/images/$id" >/dev/null
assert_eq "$(st)" 409 "rmi by ID with two tags"
assert_contains "$(cat "$T/body")" "referenced in multiple repositories"
out=$(api DELETE "/images/$id?force=1")
assert_eq "$(st)" 200
assert_eq "$(echo "$out" | jq -c '[.[] | keys[0]] | unique')" '["Deleted","Untagged"]'
assert_eq "$(ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$' || true)" 0 "layer removed with its last image"

# Save and load round trip: same ID, same diffIDs, and the archive is both formats.
id=$(ctl import -c 'ENV A=B' "$T/bb.tar" rt:1 | tail -n1)
ctl save -o "$T/rt.tar" rt:1
tar tf "$T/rt.tar" >"$T/list"
for f in manifest.json index.json oci-layout repositories "blobs/sha256/${id#sha256:}" \
         "blobs/sha256/${diff_id#sha256:}"; do
        grep -qx "$f" "$T/list" || fail "save: $f missing"
done
ctl rmi rt:1 >/dev/null
out=$(ctl load -i "$T/rt.tar")
assert_eq "$out" "Loaded image: rt:1"
assert_eq "$(api GET /images/rt:1/json | jq -r .Id)" "$id" "ID after save+load"
assert_eq "$(api GET /images/rt:1/json | jq -r '.Config.Env | join(",")')" "A=B"

# Two images on one base: the base is extracted once and shared.
printf 'one\n' >"$T/one"; tar -C "$T" -cf "$T/l1.tar" one
printf 'two\n' >"$T/two"; tar -C "$T" -cf "$T/l2.tar" two
"$H/mkimage-docker.sh" "$T/i1.tar" app/one:1 "$T/bb.tar" "$T/l1.tar" >/dev/null
"$H/mkimage-docker.sh" "$T/i2.tar" app/two:1 "$T/bb.tar" "$T/l2.tar" >/dev/null
ctl load -i "$T/i1.tar" >/dev/null
ctl load -i "$T/i2.tar" >/dev/null
assert_eq "$(ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$')" 3 "base + two tops"
assert_eq "$(api GET /images/app/one:1/json | jq -r '.RootFS.Layers[0]')" "$diff_id"
ctl rmi app/one:1 >/dev/null
assert_eq "$(ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$')" 2 "the shared base stays"

# prune: untagged images only by default, every unused one with -a.
ctl image prune >/dev/null
assert_eq "$(api GET /images/json | jq length)" 2
ctl image prune -a >/dev/null
assert_eq "$(api GET /images/json | jq length)" 0
assert_eq "$(ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$' || true)" 0 "prune -a removes every layer"

# Everything survives a restart, also onto the other storage driver.
ctl import "$T/bb.tar" keep:1 >/dev/null
case "$(api GET /images/keep:1/json | jq -r .GraphDriver.Name)" in
overlay|copy) ;;        # copy where overlay mounts do not work under $DATA
*) fail "GraphDriver.Name" ;;
esac
stop_ctrd
start_ctrd --storage-driver copy
assert_eq "$(api GET /images/keep:1/json | jq -r '.RepoTags[0]')" "keep:1"
assert_eq "$(api GET /images/keep:1/json | jq -r .GraphDriver.Name)" copy

# The stock docker CLI as the client, when present (as in daemon-api.sh).
if command -v docker >/dev/null 2>&1; then
        export DOCKER_HOST="unix://$SOCK" DOCKER_CONFIG="$T/docker-config"
        ctl rmi keep:1 >/dev/null
        did=$(docker import -c 'CMD ["/bin/sh"]' "$T/bb.tar" bb:latest)
        assert_contains "$(docker images)" "bb           latest    $(echo "${did#sha256:}" | cut -c1-12)"
        docker tag bb x/y:1
        assert_eq "$(docker images -q | sort -u | wc -l)" 1
        assert_eq "$(docker image inspect bb --format '{{.Id}} {{.Config.Cmd}}')" "$did [/bin/sh]"
        assert_contains "$(docker history bb)" "Imported from -"
        docker save -o "$T/s.tar" bb x/y:1
        out=$(docker rmi bb x/y:1)
        assert_contains "$out" "Deleted: $did"
        out=$(docker load -i "$T/s.tar")
        assert_contains "$out" "Loaded image: bb:latest"
        assert_contains "$out" "Loaded image: x/y:1"
        assert_eq "$(docker image inspect x/y:1 --format '{{.Id}}')" "$did" "ID after docker save/load"
        docker image inspect nosuch >/dev/null 2>&1 && fail "inspect of a missing image succeeded"
        out=$(docker image prune -af)
        assert_contains "$out" "deleted: $did"
        assert_eq "$(docker images -q)" ""
fi
echo "PASS: $TEST_NAME"
