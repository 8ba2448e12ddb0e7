#!/bin/sh
# ctrctl run and create: output and exit codes, every container flag as the
# daemon records it (and, where a shell can see it, as the container sees
# it), and docker's exit statuses for our own and the daemon's errors.
# shellcheck disable=SC2016 # the $ in these commands is for the container's shell
. "$CTRD_SRCDIR/tests/integration/ctl-lib.sh"
ctl_setup
need_endpoint POST /containers/x-$$/wait
need_endpoint GET /containers/x-$$/logs
need_endpoint DELETE /containers/x-$$

# Attached run: stdout and stderr apart, the container's exit status is ours.
expect_rc 3 ctl run --name r1 busybox sh -c 'echo out; echo err >&2; exit 3'
assert_eq "$OUT" out "stdout"
assert_eq "$ERR" err "stderr"
assert_eq "$(ctl inspect -f '{{.State.Status}} {{.State.ExitCode}}' r1)" "exited 3"

# --rm: the output arrives (attached before start, so even from a container
# that is gone in a millisecond) and the container is gone when run returns.
for i in 1 2 3 4 5; do
        expect_rc 0 ctl run --rm --name r2 busybox echo hi
        assert_eq "$OUT" hi "run --rm output, round $i"
done
assert_eq "$OUT" hi
expect_rc 1 ctl inspect r2
assert_contains "$ERR" "No such object: r2"

# What the process sees of -e, -w, -u, -h and --entrypoint.
expect_rc 0 ctl run -e A=B -e EMPTY= -w /tmp -u 1000 -h myhost busybox \
        sh -c 'echo "$A|$EMPTY|$(pwd)|$(id -u)|$(hostname)"'
assert_eq "$OUT" "B||/tmp|1000|myhost"
echo 'FROM_FILE=yes' > "$T/env"
expect_rc 0 ctl run --env-file "$T/env" --entrypoint /bin/echo busybox '$FROM_FILE' arg
assert_eq "$OUT" '$FROM_FILE arg' "entrypoint replaces the image's, the command is its arguments"
expect_rc 0 ctl run --env-file "$T/env" busybox sh -c 'echo $FROM_FILE'
assert_eq "$OUT" yes

# Mounts: -v read-only, --mount bind, --tmpfs on a read-only root.
mkdir -p "$T/vol"
echo data > "$T/vol/f"
expect_rc 0 ctl run --read-only -v "$T/vol:/data:ro" --mount "type=bind,src=$T/vol,dst=/m" \
        --tmpfs /scratch busybox sh -c 'cat /data/f /m/f; touch /scratch/ok && echo tmpfs-rw;
                                         touch /data/x 2>/dev/null || echo bind-ro;
                                         touch /rootfile 2>/dev/null || echo root-ro'
assert_eq "$OUT" "data
data
tmpfs-rw
bind-ro
root-ro"

# --ulimit takes effect inside.
expect_rc 0 ctl run --ulimit nofile=1024:2048 busybox sh -c 'ulimit -n; ulimit -Hn'
assert_eq "$OUT" "1024
2048"

# Every resource and security flag reaches the daemon's record.
echo '{"defaultAction":"SCMP_ACT_ALLOW"}' > "$T/seccomp.json"
expect_rc 0 ctl create --name c1 -m 32m --memory-reservation 16m --memory-swap 64m --cpus 0.5 \
        --cpu-shares 512 --cpuset-cpus 0 --pids-limit 20 --cap-add net_admin --cap-drop CHOWN \
        --security-opt no-new-privileges --restart on-failure:3 -l k=v -l bare --network none \
        --stop-signal USR1 --stop-timeout 5 --shm-size 1m --oom-score-adj 100 busybox true
case "$OUT" in [0-9a-f]*) [ ${#OUT} = 64 ] || fail "create printed '$OUT'" ;; *) fail "create printed '$OUT'" ;; esac
hc=$(ctl inspect -f '{{json .HostConfig}}' c1)
assert_eq "$(echo "$hc" | jq -c '[.Memory, .MemoryReservation, .MemorySwap, .NanoCpus, .CpuShares, .PidsLimit, .ShmSize, .OomScoreAdj]')" \
        "[33554432,16777216,67108864,500000000,512,20,1048576,100]" "resources"
assert_eq "$(echo "$hc" | jq -r '.CpusetCpus')" 0
assert_eq "$(echo "$hc" | jq -c '[.CapAdd, .CapDrop, .SecurityOpt, .NetworkMode]')" \
        '[["CAP_NET_ADMIN"],["CAP_CHOWN"],["no-new-privileges"],"none"]' "security"
assert_eq "$(echo "$hc" | jq -c .RestartPolicy)" '{"Name":"on-failure","MaximumRetryCount":3}'
cfg=$(ctl inspect -f '{{json .Config}}' c1)
assert_eq "$(echo "$cfg" | jq -c '[.Labels.k, .Labels.bare, .StopSignal, .StopTimeout]')" \
        '["v","","USR1",5]' "config"

# Flags the daemon may decline: recorded as given, or refused with the field named.
optional_flag() {
        field=$1 path=$2 want=$3
        shift 3
        rc=0
        ctl create "$@" busybox true > "$T/out" 2> "$T/err" || rc=$?
        if [ $rc = 0 ]; then
                assert_eq "$(ctl inspect -f '{{json .}}' "$(cat "$T/out")" | jq -c "$path")" "$want" "$field"
        else
                assert_eq "$rc" 125 "create with $field"
                assert_contains "$(cat "$T/err")" "$field"
        fi
}
optional_flag Init .HostConfig.Init true --init
optional_flag Domainname .Config.Domainname '"example.org"' --domainname example.org

# A seccomp profile file travels as its JSON text.
expect_rc 0 ctl create --name c2 --security-opt "seccomp=$T/seccomp.json" busybox true
assert_contains "$(ctl inspect -f '{{json .HostConfig.SecurityOpt}}' c2)" 'SCMP_ACT_ALLOW'

# -d prints the full ID of a running container.
expect_rc 0 ctl run -d --name d1 busybox sleep 60
assert_eq "${#OUT}" 64 "run -d prints the full ID"
assert_eq "$(ctl inspect -f '{{.Id}} {{.State.Running}}' d1)" "$OUT true"

# A signal to an attached run goes to the container (docker's --sig-proxy).
"$CTRCTL" -H "unix://$SOCK" run --name sp busybox \
        sh -c 'trap "echo got INT; exit 5" INT; echo ready; while :; do sleep 0.1; done' > "$T/sp.out" 2>&1 &
runner=$!
on_exit "kill $runner 2>/dev/null"
i=0
while ! grep -q ready "$T/sp.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$runner"
rc=0
wait "$runner" || rc=$?
assert_eq "$rc" 5 "run's status after the container handled the forwarded SIGINT"
assert_contains "$(cat "$T/sp.out")" "got INT"

# Our own errors and the daemon's: docker's statuses and messages.
expect_rc 125 ctl run -m 32x busybox true
assert_contains "$ERR" "invalid size: '32x'"
expect_rc 125 ctl run --bogus busybox true
expect_rc 125 ctl run --restart always --rm busybox true
assert_contains "$ERR" "Conflicting options: --restart and --rm"
expect_rc 125 ctl run --rm --pull never nosuchimage-$$ true
assert_contains "$ERR" "No such image"
expect_rc 125 ctl create --name x busybox true
assert_contains "$ERR" "Invalid container name (x)"
expect_rc 125 ctl create --name d1 busybox true
assert_contains "$ERR" 'Conflict. The container name "/d1" is already in use'
expect_rc 127 ctl run --rm busybox /nosuchcmd
assert_contains "$ERR" "Error response from daemon:"
expect_rc 0 ctl create --help
assert_contains "$OUT" "--memory-swap"
exit 0
