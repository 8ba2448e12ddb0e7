#!/bin/sh
# The API basics: ping, version, info, errors, version prefixes, body limits,
# and the docker CLI as a client when it is installed.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_cmd curl
need_cmd jq
start_ctrd

# GET and HEAD /_ping, with dockerd's headers.
body=$(api GET /_ping)
assert_eq "$(st)" 200 "GET /_ping status"
assert_eq "$body" OK "GET /_ping body"
headers=$(curl -sI --unix-socket "$SOCK" http://d/_ping | tr -d '\r')
assert_contains "$headers" "Api-Version: 1.41"
assert_contains "$headers" "Ostype: linux"
assert_contains "$headers" "Docker-Experimental: false"
assert_contains "$headers" "Cache-Control: no-cache, no-store, must-revalidate"
assert_contains "$headers" "Server: Docker/"

# /version and /info, unversioned and versioned.
v=$(api GET /version)
assert_eq "$(st)" 200
assert_eq "$(echo "$v" | jq -r .ApiVersion)" 1.41
assert_eq "$(echo "$v" | jq -r .MinAPIVersion)" 1.24
assert_eq "$(echo "$v" | jq -r '.Components[0].Name')" Engine
info=$(api GET /v1.41/info)
assert_eq "$(st)" 200
assert_eq "$(echo "$info" | jq -r .DockerRootDir)" "$(cd "$DATA" && pwd -P)" "DockerRootDir"
assert_eq "$(echo "$info" | jq -r .Swarm.LocalNodeState)" inactive
assert_eq "$(echo "$info" | jq -r '.Containers + .Images')" 0
case "$(echo "$info" | jq -r .CgroupVersion)" in 1|2) ;; *) fail "CgroupVersion";; esac
assert_eq "$(echo "$info" | jq -r '.SecurityOptions[0]')" "name=seccomp,profile=default"
assert_eq "$(echo "$info" | jq -r '[.DriverStatus[] | length] | all(. == 2)')" true
id1=$(echo "$info" | jq -r .ID)

# Errors are JSON with Docker's codes and Content-Type exactly application/json.
body=$(api GET /nosuch)
assert_eq "$(st)" 404
assert_eq "$(echo "$body" | jq -r .message)" "page not found"
ct=$(curl -s -o /dev/null -w '%{content_type}' --unix-socket "$SOCK" http://d/nosuch)
assert_eq "$ct" "application/json"
body=$(api POST /_ping)
assert_eq "$(st)" 404 "wrong method"
body=$(api GET /v1.99/_ping)
assert_eq "$(st)" 400
assert_eq "$(echo "$body" | jq -r .message)" "client version 1.99 is too new. Maximum supported API version is 1.41"
body=$(api GET /v1.12/version)
assert_eq "$(st)" 400
assert_contains "$(echo "$body" | jq -r .message)" "client version 1.12 is too old. Minimum supported API version is 1.24"
api GET /v1.24/version >/dev/null
assert_eq "$(st)" 200 "minimum version accepted"

# JSON bodies: malformed, wrong type, wrong Content-Type, too large.
body=$(api POST /ctrd/log-level -H 'Content-Type: application/json' -d '{bad')
assert_eq "$(st)" 400 "malformed JSON"
assert_contains "$(echo "$body" | jq -r .message)" "invalid JSON"
body=$(api POST /ctrd/log-level -H 'Content-Type: application/json' -d '{"Level": 3}')
assert_eq "$(st)" 400 "wrong field type"
assert_eq "$(echo "$body" | jq -r .message)" "Level: expected a string"
body=$(api POST /ctrd/log-level -H 'Content-Type: application/json' -d '[1]')
assert_eq "$(st)" 400 "not an object"
body=$(api POST /ctrd/log-level -H 'Content-Type: text/plain' -d '{"Level":"debug"}')
assert_eq "$(st)" 400
assert_eq "$(echo "$body" | jq -r .message)" "Content-Type specified (text/plain) must be 'application/json'"
head -c 2000000 /dev/zero | tr '\0' ' ' > "$T/big.json"
body=$(api POST /ctrd/log-level -H 'Content-Type: application/json' --data-binary @"$T/big.json")
assert_eq "$(st)" 413 "oversized body"
api POST /ctrd/log-level -H 'Content-Type: application/json' -d '{"Level":"debug"}' >/dev/null
assert_eq "$(st)" 204
assert_eq "$(api GET /ctrd/log-level | jq -r .Level)" debug
assert_eq "$(api GET /info | jq -r .Debug)" true

# ctrctl against the daemon.
out=$(ctl version)
assert_contains "$out" "Server: ctrd"
assert_contains "$out" "API version:      1.41 (minimum version 1.24)"
out=$(ctl info)
assert_contains "$out" "Docker Root Dir: $(cd "$DATA" && pwd -P)"

# The stock docker CLI, when present.
if command -v docker >/dev/null 2>&1; then
        out=$(DOCKER_HOST="unix://$SOCK" docker version --format '{{.Server.APIVersion}}')
        assert_eq "$out" 1.41 "docker version"
        out=$(DOCKER_HOST="unix://$SOCK" docker info --format '{{.DockerRootDir}}')
        assert_eq "$out" "$(cd "$DATA" && pwd -P)" "docker info"
fi

# The engine ID survives a restart; SIGTERM exits 0 and removes the socket.
stop_ctrd
assert_eq "$CTRD_RC" 0 "exit status after SIGTERM"
[ ! -e "$SOCK" ] || fail "socket left behind after SIGTERM"
start_ctrd
assert_eq "$(api GET /info | jq -r .ID)" "$id1" "engine ID after restart"
echo "PASS: $TEST_NAME"
