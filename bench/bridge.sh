# Sourced by bench/run for scenario 2's bridge rows: BRIDGE_ENGINES is a JSON
# list of engines with network "bridge", or a row saying why one is n/a.
#
# dockerd gets a second private instance on a bridge the script creates (its
# own name and a /24 chosen from the pid), with --iptables=false, so nothing on
# the host changes but one link, deleted at exit. ctrd is probed with one
# create; podman's bridge (CNI) would add host firewall rules, so it is left out.

bridge_engines() {
        BRIDGE_ENGINES=$(jq -nc --arg s "$CTRD_SOCK" --arg b "$BUILDDIR" \
                '[{name: "ctrd", sock: $s, cli: [$b + "/client/ctrctl", "-H", "unix://" + $s], network: "bridge"}]')
        code=$(curl -s -o "$B/probe.out" -w '%{http_code}' --unix-socket "$CTRD_SOCK" -X POST \
                -H 'Content-Type: application/json' -d '{"Image":"busybox","Cmd":["sleep","5"],"HostConfig":{"NetworkMode":"bridge"}}' \
                http://d/v1.41/containers/create)
        id=$(jq -r '.Id // empty' "$B/probe.out" 2>/dev/null || true)
        if [ -n "$id" ]; then
                # Created is not enough: the container must get an address on a bridge.
                code=$(curl -s -o "$B/probe.out" -w '%{http_code}' --unix-socket "$CTRD_SOCK" -X POST \
                        "http://d/v1.41/containers/$id/start")
                ip=$(curl -s --unix-socket "$CTRD_SOCK" "http://d/v1.41/containers/$id/json" |
                        jq -r '.NetworkSettings.Networks.bridge.IPAddress // empty')
                [ -n "$ip" ] || { code=000; echo '{"message":"started without a bridge address"}' >"$B/probe.out"; }
                curl -s -o /dev/null --unix-socket "$CTRD_SOCK" -X DELETE "http://d/v1.41/containers/$id?force=1"
        fi
        if [ "${code#2}" = "$code" ]; then
                why="feature not in ctrd yet: HTTP $code $(jq -r .message "$B/probe.out" 2>/dev/null | head -c 100)"
                BRIDGE_ENGINES=$(jq -nc --arg why "$why" '[{name: "ctrd", network: "bridge", na: $why}]')
        fi
        if [ "${peers:-1}" = 1 ] && command -v dockerd >/dev/null && command -v ip >/dev/null; then
                BR="ctrdbb$$"
                ip link add "$BR" type bridge && on_exit "ip link del $BR 2>/dev/null"
                ip addr add "10.213.$(($$ % 250)).1/24" dev "$BR"
                ip link set "$BR" up
                start_dockerd dockerbr --bridge="$BR"
                BR_DOCKERD_PID=$DOCKERD_PID
                BRIDGE_ENGINES=$(echo "$BRIDGE_ENGINES" | jq -c --arg s "$DOCKERD_SOCK" \
                        '. + [{name: "dockerd", sock: $s, cli: ["docker"], env: {DOCKER_HOST: ("unix://" + $s)},
                              network: "bridge"}]')
        fi
        if command -v podman >/dev/null; then
                BRIDGE_ENGINES=$(echo "$BRIDGE_ENGINES" | jq -c '. + [{name: "podman", network: "bridge",
                        na: "not measured: its CNI bridge adds firewall rules to the host"}]')
        fi
}

# The bridge dockerd is only needed by scenario 2; its link goes at exit.
stop_bridge_engines() {
        [ -n "${BR_DOCKERD_PID:-}" ] && stop_pid "$BR_DOCKERD_PID" 20
        return 0
}
