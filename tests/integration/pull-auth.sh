#!/bin/sh
# A registry behind basic auth (htpasswd, over plain HTTP on loopback): a pull
# without credentials is refused; POST /auth checks credentials as dockerd
# does; ctrctl login stores them in Docker's config.json and pull sends them
# (X-Registry-Auth); the password never reaches the daemon's log.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
. "$CTRD_SRCDIR/tests/integration/pull-lib.sh"
need_root
need_registry_tools
python3 -W ignore -c 'import crypt' 2>/dev/null || skip "python3 cannot make bcrypt hashes"

pass="s3cret-$$"
python3 -W ignore -c 'import crypt, sys; print("tester:" + crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))' \
        "$pass" >"$T/htpasswd"
start_registry auth "$T/htpasswd"
"$CTRD_SRCDIR/tests/helpers/mkbusybox-tar.sh" "$T/busybox.tar" ||
        skip "cannot build a busybox rootfs (apt-get install busybox-static)"
mkdir -p "$T/base"
tar -C "$T/base" -xf "$T/busybox.tar"
make_image "$T/img.tar" bb:latest "$T/base" >/dev/null
push "$T/img.tar" "$REG/private/bb:v1" --dest-creds "tester:$pass"

start_ctrd_for_containers
export DOCKER_CONFIG="$T/docker-config"

# No credentials: refused before any progress, with the registry's reason.
out=$(api POST "/images/create?fromImage=$REG/private/bb&tag=v1")
[ "$(st)" != 200 ] || fail "a pull without credentials answered 200: $out"
assert_contains "$out" "authentication required"
ctl pull "$REG/private/bb:v1" >/dev/null 2>&1 && fail "ctrctl pull without a login succeeded"

# POST /auth: a wrong password is a 401, the right one logs in.
api POST /auth -H 'Content-Type: application/json' \
        -d "{\"username\":\"tester\",\"password\":\"wrong\",\"serveraddress\":\"$REG\"}" >/dev/null
assert_eq "$(st)" 401 "a wrong password"
out=$(api POST /auth -H 'Content-Type: application/json' \
        -d "{\"username\":\"tester\",\"password\":\"$pass\",\"serveraddress\":\"$REG\"}")
assert_eq "$(st)" 200 "login: $out"
assert_eq "$(echo "$out" | jq -r .Status)" "Login Succeeded" "login status"

# X-Registry-Auth as the docker CLI sends it (base64url JSON).
hdr=$(printf '{"username":"tester","password":"%s","serveraddress":"%s"}' "$pass" "$REG" |
        base64 -w0 | tr '+/' '-_')
out=$(api POST "/images/create?fromImage=$REG/private/bb&tag=v1" -H "X-Registry-Auth: $hdr")
assert_eq "$(st)" 200 "pull with X-Registry-Auth"
assert_contains "$out" "Downloaded newer image"
api DELETE "/images/$REG/private/bb:v1" >/dev/null

# ctrctl login (refused, then accepted), then pull with what it stored.
echo wrong | ctl login -u tester --password-stdin "$REG" >/dev/null 2>&1 && fail "login with a wrong password"
[ ! -e "$DOCKER_CONFIG/config.json" ] || fail "a failed login stored credentials"
out=$(echo "$pass" | ctl login -u tester --password-stdin "$REG") || fail "ctrctl login: $out"
assert_eq "$out" "Login Succeeded" "ctrctl login"
assert_eq "$(stat -c %a "$DOCKER_CONFIG/config.json")" 600 "config.json mode"
assert_eq "$(jq -r --arg r "$REG" '.auths[$r].auth' "$DOCKER_CONFIG/config.json" | base64 -d)" \
        "tester:$pass" "stored auth"
out=$(ctl pull "$REG/private/bb:v1") || fail "pull after login: $out"
assert_eq "$(ctl run --rm --network none "$REG/private/bb:v1" echo ok)" ok "run"

ctl logout "$REG" >/dev/null
assert_eq "$(jq -r --arg r "$REG" '.auths[$r]' "$DOCKER_CONFIG/config.json")" null "logout"
# A server given as a URL is filed under its host:port, where pull looks.
echo "$pass" | ctl login -u tester --password-stdin "http://$REG/" >/dev/null || fail "login by URL"
assert_eq "$(jq -r '.auths | keys | join(" ")' "$DOCKER_CONFIG/config.json")" "$REG" "config.json key"

! grep -q "$pass" "$T/ctrd.log" || fail "the password is in the daemon's log"
echo "PASS: $TEST_NAME"
