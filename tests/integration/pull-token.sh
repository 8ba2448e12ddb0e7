#!/bin/sh
# A registry behind Docker's token auth (a token server on loopback issuing
# RS256 JWTs for the scope asked, to one user): ctrd's bearer flow gets a
# token from the WWW-Authenticate realm, with the credentials for pull and
# for push; without them the token grants nothing and the pull is refused.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_root
need_registry_tools
need_cmd openssl

pass="tok-$$"
start_token_server tester "$pass"
start_registry token
"$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" ||
        skip "cannot build a busybox rootfs (apt-get install busybox-static)"
mkdir -p "$T/base"
tar -C "$T/base" -xf "$T/busybox.tar"
make_image "$T/img.tar" bb:latest "$T/base" >/dev/null
push "$T/img.tar" "$REG/team/bb:v1" --dest-creds "tester:$pass"

start_ctrd_for_containers
export DOCKER_CONFIG="$T/docker-config"

# The registry answers 401 with a Bearer challenge naming our realm.
curl -si "http://$REG/v2/" | grep -i '^www-authenticate: bearer' | grep -q "$TOKEN_REALM" ||
        fail "the registry does not ask for tokens"

out=$(api POST "/images/create?fromImage=$REG/team/bb&tag=v1")
[ "$(st)" != 200 ] || fail "a pull with an empty token answered 200: $out"
assert_contains "$out" "authentication required"

echo "$pass" | ctl login -u tester --password-stdin "$REG" >/dev/null || fail "login through tokens"
out=$(ctl pull "$REG/team/bb:v1") || fail "pull with a token: $out"
assert_contains "$out" "Downloaded newer image"
assert_eq "$(ctl run --rm --network none "$REG/team/bb:v1" echo ok)" ok "run"
grep -q "scope=repository%3Ateam%2Fbb%3Apull" "$T/token.log" ||
        fail "no pull scope was asked: $(cat "$T/token.log")"

# A push asks for pull,push on the target repository.
ctl tag "$REG/team/bb:v1" "$REG/team/copy:v1" >/dev/null
out=$(ctl push "$REG/team/copy:v1") || fail "push with a token: $out"
assert_contains "$out" "v1: digest: sha256:"
grep -q "scope=repository%3Ateam%2Fcopy%3Apull%2Cpush" "$T/token.log" ||
        fail "no push scope was asked: $(cat "$T/token.log")"
! grep -q "$pass" "$T/ctrd.log" || fail "the password is in the daemon's log"
echo "PASS: $TEST_NAME"
