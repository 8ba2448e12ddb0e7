#!/bin/sh
# ctrctl stats (one sample, the live table, containers joining and leaving
# it), events (replayed with filters and followed live) and container prune.
. "$CTRD_SRCDIR/tests/integration/ctl-lib.sh"
ctl_setup
need_endpoint GET /containers/x-$$/stats
need_endpoint GET /events
need_endpoint POST /containers/prune

expect_rc 0 ctl run -d --name busy busybox sh -c 'while :; do :; done'
id=$(echo "$OUT" | cut -c1-12)
expect_rc 0 ctl run -d --name idle busybox sleep 60

# --no-stream: one row per running container, CPU % computed from two samples.
expect_rc 0 timeout 20 "$CTRCTL" -H "unix://$SOCK" stats --no-stream
assert_eq "$(echo "$OUT" | head -n1 | tr -s ' ')" \
        "CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS"
assert_eq "$(echo "$OUT" | wc -l)" 3
row=$(echo "$OUT" | grep " busy ")
case "$row" in "$id   busy "*) ;; *) fail "stats row: '$row'" ;; esac
cpu=$(echo "$row" | awk '{print $3}' | tr -d %)
awk -v c="$cpu" 'BEGIN { exit !(c > 10) }' || fail "a spinning container shows $cpu% CPU"
echo "$row" | grep -Eq ' [0-9.]+(B|KiB|MiB|GiB) / [0-9.]+(B|KiB|MiB|GiB) ' || fail "MEM column: '$row'"
assert_eq "$(echo "$row" | awk '{print $NF}')" 1 "PIDS"
expect_rc 0 timeout 20 "$CTRCTL" -H "unix://$SOCK" stats --no-stream --format '{{.Name}} {{.PIDs}}' idle
assert_eq "$OUT" "idle 1"

# The live table is redrawn every second until interrupted.
rc=0
timeout 3 "$CTRCTL" -H "unix://$SOCK" stats busy > "$T/live" 2>&1 || rc=$?
assert_eq "$rc" 124 "live stats runs until stopped"
[ "$(grep -c '^CONTAINER ID' "$T/live")" -ge 2 ] || fail "live stats drew: $(cat "$T/live")"

# events: replay with filters and --until, in docker's line format and as JSON.
since=$(date +%s)
expect_rc 4 ctl run --name ev1 busybox sh -c 'exit 4'
sleep 1
expect_rc 0 ctl events --since "$since" --until "$(date +%s)" --filter type=container \
        --filter event=die --filter container=ev1
echo "$OUT" | grep -Eq "^20[0-9-]{8}T[0-9:]{8}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2}) container die [0-9a-f]{64} \(exitCode=4, image=busybox, name=ev1\)$" ||
        fail "events line: '$OUT'"
expect_rc 0 ctl events --since "$since" --until "$(date +%s)" --filter container=ev1 \
        --format '{{.Action}} {{.Actor.Attributes.name}}'
assert_contains "$OUT" "create ev1"
assert_contains "$OUT" "start ev1"
assert_contains "$OUT" "die ev1"
expect_rc 0 ctl events --since "$since" --until "$(date +%s)" --filter event=die --format json
assert_eq "$(echo "$OUT" | jq -r 'select(.Actor.Attributes.name == "ev1") | .Actor.Attributes.exitCode')" 4

# Live: an event arrives while we follow.
"$CTRCTL" -H "unix://$SOCK" events --filter event=die > "$T/live-events" 2>&1 &
follower=$!
on_exit "kill $follower 2>/dev/null"
sleep 0.5
expect_rc 0 ctl kill idle
i=0
while ! grep -q 'name=idle' "$T/live-events" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
assert_contains "$(cat "$T/live-events")" "container die"
kill "$follower"

# Live with no names, stats follows the events: a container started later
# joins the table, one that dies leaves it (as docker stats does).
"$CTRCTL" -H "unix://$SOCK" stats > "$T/follow" 2>&1 &
stats_pid=$!
on_exit "kill $stats_pid 2>/dev/null"
sleep 1.5
expect_rc 0 ctl run -d --name late busybox sleep 60
i=0
while ! grep -q ' late ' "$T/follow" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q ' late ' "$T/follow" || fail "a container started after stats did not join: $(cat "$T/follow")"
expect_rc 0 ctl kill late
sleep 2.5
last_table=$(awk '/^CONTAINER ID/ { table = "" } { table = table $0 "\n" } END { printf "%s", table }' "$T/follow")
case "$last_table" in *" late "*) fail "a dead container stayed in the table: $last_table" ;; esac
assert_contains "$last_table" " busy "
kill "$stats_pid"

# prune -f removes the stopped containers and says which.
expect_rc 0 ctl container prune -f
assert_contains "$OUT" "Deleted Containers:"
assert_contains "$OUT" "Total reclaimed space:"
assert_eq "$(ctl ps -a --format '{{.Names}}')" busy
exit 0
