#!/bin/sh
# ctrctl ps (filters, --format, -q, -n), logs (stream separation, --tail,
# -t, --since, -f ending with the container), inspect and top.
# shellcheck disable=SC2016 # the $ in these commands is for the container's shell
. "$CTRD_SRCDIR/tests/integration/ctl-lib.sh"
ctl_setup
need_endpoint GET /containers/json
need_endpoint GET /containers/x-$$/logs
need_endpoint POST /containers/x-$$/wait
need_endpoint POST /containers/x-$$/start

expect_rc 0 ctl run -d --name up1 -l tier=web busybox sleep 60
up1=$OUT
# The pauses keep the order of lines written to two different pipes.
expect_rc 2 ctl run --name ex1 -l tier=db busybox sh -c 'echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; exit 2'
expect_rc 0 ctl create --name cr1 busybox true

# The default table: docker's header and columns, running containers only.
expect_rc 0 ctl ps
assert_eq "$(echo "$OUT" | head -n1 | tr -s ' ')" "CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES"
assert_eq "$(echo "$OUT" | wc -l)" 2 "one running container"
row=$(echo "$OUT" | tail -n1)
assert_contains "$row" "$(echo "$up1" | cut -c1-12)   busybox   \"sleep 60\""
assert_contains "$row" "Up "
case "$row" in *" up1") ;; *) fail "NAMES is the last column: '$row'" ;; esac

# -a, -q, --no-trunc, filters, -n / -l.
assert_eq "$(ctl ps -a -q | wc -l)" 3
assert_eq "$(ctl ps -q --no-trunc)" "$up1"
assert_eq "$(ctl ps -a --filter status=exited --format '{{.Names}}')" ex1
assert_eq "$(ctl ps -a --filter label=tier=db --format '{{.Names}}')" ex1
assert_eq "$(ctl ps -a --filter status=created --filter name=cr --format '{{.Names}} {{.State}}')" "cr1 created"
assert_eq "$(ctl ps -a -n 1 --format '{{.Names}}')" cr1 "the last created"
assert_eq "$(ctl ps -l -q | wc -l)" 1
expect_rc 0 ctl ps -a --filter name=ex1 --format '{{.Status}}|{{.Command}}|{{.Labels}}|{{.Image}}'
case "$OUT" in "Exited (2) "*" ago|\"sh -c 'echo one; sl…\"|tier=db|busybox") ;;
        *) fail "ps row fields: '$OUT'" ;; esac
assert_eq "$(ctl ps -a --filter name=ex1 --format json | jq -r '.Names + " " + .State')" "ex1 exited"
expect_rc 0 ctl ps --format 'table {{.Names}}\t{{.State}}'
assert_eq "$(echo "$OUT" | tr -s ' ')" "NAMES STATE
up1 running"
expect_rc 1 ctl ps --filter nonsense
expect_rc 1 ctl ps --format '{{.Names'

# logs: stdout to stdout, stderr to stderr; --tail; -t prefixes RFC 3339 times.
expect_rc 0 ctl logs ex1
assert_eq "$OUT" "one
three"
assert_eq "$ERR" two
expect_rc 0 ctl logs --tail 1 ex1
assert_eq "$OUT$ERR" three
expect_rc 0 ctl logs -t ex1
echo "$OUT" | grep -Eq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z one$' ||
        fail "logs -t: '$OUT'"
expect_rc 0 ctl logs --since 1h ex1
assert_eq "$OUT" "one
three"
expect_rc 0 ctl logs --until 2000-01-01T00:00:00Z ex1
assert_eq "$OUT$ERR" "" "nothing logged before 2000"
expect_rc 1 ctl logs --since yesterday ex1
expect_rc 1 ctl logs nosuch-$$
assert_contains "$ERR" "No such container"

# logs -f follows new lines and ends when the container stops.
expect_rc 0 ctl run -d --name f1 busybox sh -c 'for i in 1 2 3; do echo line$i; sleep 0.3; done'
expect_rc 0 timeout 20 "$CTRCTL" -H "unix://$SOCK" logs -f f1
assert_eq "$OUT" "line1
line2
line3"

# inspect: a JSON array as docker prints it, several names, -f per object.
expect_rc 0 ctl inspect up1 ex1
assert_eq "$(echo "$OUT" | jq -r '.[].Name' | tr '\n' ' ')" "/up1 /ex1 "
assert_eq "$(echo "$OUT" | head -n2 | tail -n1)" "    {"
assert_eq "$(ctl inspect -f '{{.State.ExitCode}} {{json .Config.Cmd}}' ex1)" \
        "2 [\"sh\",\"-c\",\"echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; exit 2\"]"
expect_rc 1 ctl inspect up1 nosuch-$$
assert_eq "$(echo "$OUT" | jq length)" 1
assert_contains "$ERR" "No such object: nosuch-$$"

# top, when the daemon serves it.
top=$(api GET "/containers/x-$$/top")
if [ "$(st)" = 404 ] && [ "$(echo "$top" | jq -r .message)" = "page not found" ]; then
        echo "# top not served yet: not tested"
else
        expect_rc 0 ctl top up1
        assert_contains "$(echo "$OUT" | head -n1)" PID
        assert_contains "$OUT" "sleep 60"
fi
exit 0
