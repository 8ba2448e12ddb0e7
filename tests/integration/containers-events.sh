#!/bin/sh
# GET /events: stored events with since/until, live events, filters.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
start_ctrd_for_containers
import_busybox
t0=$(date +%s)

# Live: a subscriber sees what happens while it listens.
curl -sN --max-time 20 --unix-socket "$SOCK" \
        "http://d/events?filters=$(printf '%s' '{"type":{"container":true}}' | jq -sRr @uri)" > "$T/live" &
listener=$!
sleep 0.3
create_container ev1 busybox sh -c 'exit 4' >/dev/null
curl -s -X POST --unix-socket "$SOCK" "http://d/containers/ev1/wait?condition=next-exit" > /dev/null &
waiter=$!
sleep 0.2
api POST /containers/ev1/start >/dev/null
wait "$waiter"
api DELETE /containers/ev1 >/dev/null
sleep 0.3
kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null || true
assert_eq "$(jq -r .Action "$T/live" | tr '\n' ' ')" "create start die destroy " "live actions"
assert_eq "$(jq -r 'select(.Action == "die") | .Actor.Attributes.exitCode' "$T/live")" 4
assert_eq "$(jq -r 'select(.Action == "create") | .Actor.Attributes.name' "$T/live")" ev1
assert_eq "$(jq -r 'select(.Action == "create") | .from' "$T/live")" busybox

# Stored: since/until replay and ends by itself; filters by event.
t1=$(( $(date +%s) + 1 ))
out=$(curl -s --max-time 5 --unix-socket "$SOCK" "http://d/events?since=$t0&until=$t1" | jq -r .Action | tr '\n' ' ')
assert_contains "$out" "create start die destroy" "replayed actions"
f=$(printf '%s' '{"event":{"die":true}}' | jq -sRr @uri)
out=$(curl -s --max-time 5 --unix-socket "$SOCK" "http://d/events?since=$t0&until=$t1&filters=$f" | jq -r .Action | tr '\n' ' ')
assert_eq "$out" "die " "event filter"
# Image events: a tag and an untag.
api POST '/images/busybox/tag?repo=evtag&tag=v1' >/dev/null
api DELETE '/images/evtag:v1' >/dev/null
t2=$(( $(date +%s) + 1 ))
f=$(printf '%s' '{"type":{"image":true}}' | jq -sRr @uri)
out=$(curl -s --max-time 5 --unix-socket "$SOCK" "http://d/events?since=$t0&until=$t2&filters=$f" |
        jq -r '.Action + " " + .Actor.Attributes.name' | tr '\n' ',')
assert_contains "$out" "import busybox:latest," "import event"
assert_contains "$out" "tag evtag:v1,untag evtag:v1," "tag and untag events"
api GET '/events?since=yesterday' >/dev/null
assert_eq "$(st)" 400 "bad since"
echo "PASS: $TEST_NAME"
