#!/bin/sh
# Hostile archives through import and load: path traversal, symlink and
# hardlink escapes, device nodes, lying manifests and digests. Each must be
# refused or kept inside the layer, leave nothing behind, and the daemon
# must stay up.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd curl
need_cmd jq
need_cmd python3
start_ctrd

mark="ctrd-escape-$$"
on_exit "rm -f /$mark /tmp/$mark; rm -rf /tmp/$mark.d"
victim="$T/victim"
printf 'precious\n' >"$victim"

# mktar OUT SPEC...: SPEC is file:NAME:DATA, dir:NAME, sym:NAME:TARGET, hard:NAME:TARGET,
# chr:NAME:MAJOR:MINOR
mktar() {
        python3 - "$@" <<'PY'
import io, sys, tarfile
out = sys.argv[1]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for spec in sys.argv[2:]:
        kind, name, *rest = spec.split(":")
        ti = tarfile.TarInfo(name)
        ti.mtime = 0
        data = b""
        if kind == "file":
            data = rest[0].encode()
            ti.size = len(data)
        elif kind == "dir":
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
        elif kind == "sym":
            ti.type, ti.linkname = tarfile.SYMTYPE, rest[0]
        elif kind == "hard":
            ti.type, ti.linkname = tarfile.LNKTYPE, rest[0]
        elif kind == "chr":
            ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, int(rest[0]), int(rest[1])
        t.addfile(ti, io.BytesIO(data) if data else None)
PY
}

up="../../../../../../../../../../../.."
check_world() {
        [ ! -e "/$mark" ] && [ ! -e "/tmp/$mark" ] && [ ! -e "/tmp/$mark.d" ] || fail "$1: a file escaped"
        assert_eq "$(cat "$victim")" precious "$1: victim changed"
        assert_eq "$(api GET /_ping)" OK "$1: daemon alive"
        assert_eq "$(api GET /images/json | jq length)" 0 "$1: no image recorded"
        assert_eq "$(ls "$DATA/layers" | grep -c '^[0-9a-f]\{64\}$' || true)" 0 "$1: no layer kept"
}

import_refused() {
        what=$1
        shift
        mktar "$T/h.tar" "$@"
        api POST "/images/create?fromSrc=-&repo=evil" -H 'Content-Type: text/plain' \
                --data-binary @"$T/h.tar" >/dev/null
        case "$(st)" in 4??|5??) ;; *) fail "$what: import answered $(st): $(cat "$T/body")" ;; esac
        check_world "$what"
}

import_refused "dotdot" "file:$up/tmp/$mark:x"
import_refused "dotdot inside" "dir:a" "file:a/$up/$mark:x"
import_refused "symlink breakout" "sym:up:$up" "file:up/tmp/$mark:x"
import_refused "hardlink to a host file" "hard:h:$up$victim"
import_refused "hardlink through symlink" "sym:s:/etc" "hard:h:s/passwd"
import_refused "device node" "chr:mem:1:1"
import_refused "write through dangling symlink" "sym:d:/tmp/$mark.d" "file:d/x:x"

# A symlink to "/" is the container's root, not ours: writing through it stays in the layer.
mktar "$T/h.tar" "sym:root:/" "file:root/tmp/$mark:inside"
api POST "/images/create?fromSrc=-&repo=contained" -H 'Content-Type: text/plain' \
        --data-binary @"$T/h.tar" >/dev/null
assert_eq "$(st)" 200 "write through a symlink to /"
[ ! -e "/tmp/$mark" ] || fail "write through a symlink to / escaped"
ctl rmi contained >/dev/null

# Garbage instead of a tar.
head -c 4096 /dev/urandom >"$T/junk"
api POST "/images/create?fromSrc=-&repo=junk" -H 'Content-Type: text/plain' \
        --data-binary @"$T/junk" >/dev/null
case "$(st)" in 4??|5??) ;; *) fail "junk import answered $(st)" ;; esac
check_world "junk"

# load: a manifest pointing outside the archive, a layer that lies about its digest.
load_refused() {
        what=$1 archive=$2
        out=$(api POST /images/load -H 'Content-Type: application/x-tar' --data-binary @"$archive")
        assert_eq "$(st)" 200 "$what: load status"
        assert_contains "$out" '"errorDetail"' "$what: error in the stream"
        last_load=$out
        check_world "$what"
}
mkdir -p "$T/ld"
printf '[{"Config":"%s/etc/passwd","RepoTags":["evil:1"],"Layers":["l.tar"]}]' "$up" \
        >"$T/ld/manifest.json"
mktar "$T/ld/l.tar" "file:f:x"
tar -C "$T/ld" -cf "$T/m1.tar" manifest.json l.tar
load_refused "config outside the archive" "$T/m1.tar"

ln -s /etc/passwd "$T/ld/cfg.json"
printf '[{"Config":"cfg.json","RepoTags":["evil:1"],"Layers":["l.tar"]}]' >"$T/ld/manifest.json"
tar -C "$T/ld" -cf "$T/m2.tar" manifest.json l.tar cfg.json
load_refused "config symlinked to a host file" "$T/m2.tar"

wrong="sha256:$(printf 'not the layer' | sha256sum | cut -c1-64)"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' \
        "$wrong" >"$T/ld/c.json"
printf '[{"Config":"c.json","RepoTags":["evil:1"],"Layers":["l.tar"]}]' >"$T/ld/manifest.json"
tar -C "$T/ld" -cf "$T/m3.tar" manifest.json l.tar c.json
load_refused "layer digest mismatch" "$T/m3.tar"
assert_contains "$last_load" "but the image expects"

mktar "$T/m4.tar" "file:manifest.json:[{\"Config\":\"x\"}]" "file:$up/tmp/$mark:x"
load_refused "traversal in the outer archive" "$T/m4.tar"

# Nothing is left half-done in the work directories once the dust settles.
sleep 0.2
assert_eq "$(ls -A "$DATA/layers/tmp" "$DATA/image/tmp" | grep -vc ':$\|^$' || true)" 0 "temp dirs empty"
echo "PASS: $TEST_NAME"
