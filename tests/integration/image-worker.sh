#!/bin/sh
# The image worker (docs/image-worker.md): the daemon maps neither libarchive
# nor libcurl; a worker that is missing, fails, dies or writes nonsense fails
# its job with a clear error and leaves no image, and the daemon goes on; the
# worker refuses to be run by hand.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd curl
need_cmd jq
"$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/bb.tar" || skip "busybox-static is not installed"

# By hand: a one-line refusal, exit status 2, nothing done.
rc=0
out=$("$CTRD_IMAGE_WORKER" 2>&1 </dev/null) || rc=$?
assert_eq "$rc" 2 "worker without arguments"
assert_contains "$out" "not meant to be run by hand"
rc=0
out=$("$CTRD_IMAGE_WORKER" frobnicate --data-root "$T/none" 2>&1 </dev/null) || rc=$?
assert_eq "$rc" 2 "worker with an unknown job"
assert_contains "$out" "unknown job 'frobnicate'"
[ ! -e "$T/none" ] || fail "the refused worker created its data root"

import() {
        api POST "/images/create?fromSrc=-&repo=bb&tag=latest" -H 'Content-Type: application/x-tar' \
                --data-binary @"$T/bb.tar"
}

# The real worker: the import works, and the daemon has mapped neither library.
start_ctrd
import >/dev/null
assert_eq "$(st)" 200 "import through the worker: $(cat "$T/body")"
assert_eq "$(api GET /images/json | jq length)" 1
if grep -E 'libarchive|libcurl' "/proc/$CTRD_PID/maps" >"$T/maps"; then
        fail "the daemon maps $(awk '{print $6}' "$T/maps" | sort -u | tr '\n' ' ')"
fi
api DELETE /images/bb >/dev/null
stop_ctrd

# Each broken worker: the HTTP status, a message naming what happened, no image, a daemon that answers.
check_broken() { # NAME SCRIPT-BODY STATUS MESSAGE
        printf '#!/bin/sh\ncat >/dev/null\n%s\n' "$2" >"$T/$1"
        chmod +x "$T/$1"
        start_ctrd --image-worker "$T/$1"
        import >/dev/null
        assert_eq "$(st)" "$3" "worker '$1': $(cat "$T/body")"
        assert_contains "$(cat "$T/body")" "$4"
        assert_eq "$(api GET /images/json | jq length)" 0 "worker '$1' left an image"
        api GET /_ping >/dev/null
        assert_eq "$(st)" 200 "the daemon after worker '$1'"
        stop_ctrd
}
check_broken silent 'exit 3' 500 "the image worker (import) exited with status 3 and no answer"
check_broken killed 'kill -9 $$' 500 "the image worker (import) was killed by signal 9"
check_broken garbage 'echo hello' 500 "the image worker (import) wrote a line that is not a JSON object"
check_broken refusing 'echo "{\"error\": {\"code\": 22, \"message\": \"no archive here\"}}"; exit 1' \
        400 "no archive here"
check_broken lying 'echo "{\"result\": {\"Id\": \"sha256:nothex\", \"Layers\": []}}"' \
        500 "the image worker described an invalid image"

# A worker that is not there.
start_ctrd --image-worker "$T/nonexistent"
import >/dev/null
assert_eq "$(st)" 500 "missing worker: $(cat "$T/body")"
assert_contains "$(cat "$T/body")" "starting the image worker '$T/nonexistent'"
stop_ctrd
