#!/bin/sh
# IPAM: 50 create/start/remove cycles next to three long-running containers
# never hand out an address twice, a requested address is honoured (and a
# taken one refused), a daemon kill -9 loses nothing (addresses, a published
# port), and the restarted daemon cleans what it finds orphaned.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
. "$CTRD_SRCDIR/tests/integration/net-lib.sh"
start_ctrd_net
import_busybox

api POST /networks/create -H 'Content-Type: application/json' -d "{\"Name\":\"n$$\",
        \"IPAM\":{\"Config\":[{\"Subnet\":\"$SUBNET2\",\"IPRange\":\"10.$NET_A.$((NET_B + 1)).16/28\"}]},
        \"Options\":{\"com.docker.network.bridge.name\":\"$BR_USER\"}}" >/dev/null
assert_eq "$(st)" 201 "network create: $(cat "$T/body")"
NET='{HostConfig: {NetworkMode: "n'$$'"}}'
ip_of() { api GET "/containers/$1/json" | jq -r ".NetworkSettings.Networks[\"n$$\"].IPAddress"; }

for i in 1 2 3; do
        create_net_container "keep$i" "$NET" sleep 300 >/dev/null
        api POST "/containers/keep$i/start" >/dev/null
        assert_eq "$(st)" 204 "start keep$i: $(cat "$T/body")"
done
kept="$(ip_of keep1) $(ip_of keep2) $(ip_of keep3)"
assert_eq "$(echo "$kept" | tr ' ' '\n' | sort -u | wc -l)" 3 "distinct addresses: $kept"
assert_eq "$(echo "$kept" | tr ' ' '\n' | sort -t. -k4n | head -1)" "10.$NET_A.$((NET_B + 1)).16" "range start"

# A requested address, then the same one again.
want="10.$NET_A.$((NET_B + 1)).30"
create_net_container fixed "{HostConfig: {NetworkMode: \"n$$\"}, NetworkingConfig: {EndpointsConfig: {\"n$$\": {IPAMConfig: {IPv4Address: \"$want\"}}}}}" sleep 300 >/dev/null
api POST /containers/fixed/start >/dev/null
assert_eq "$(st)" 204 "start fixed: $(cat "$T/body")"
assert_eq "$(ip_of fixed)" "$want"
create_net_container fixed2 "{HostConfig: {NetworkMode: \"n$$\"}, NetworkingConfig: {EndpointsConfig: {\"n$$\": {IPAMConfig: {IPv4Address: \"$want\"}}}}}" sleep 300 >/dev/null
body=$(api POST /containers/fixed2/start)
assert_contains "$body" "Address already in use"
api DELETE /containers/fixed2 >/dev/null
kept="$kept $want"

# 50 cycles: each new container's address is none of the running ones'.
i=0
while [ $i -lt 50 ]; do
        create_net_container "cyc$i" "$NET" sleep 300 >/dev/null
        api POST "/containers/cyc$i/start" >/dev/null
        assert_eq "$(st)" 204 "start cyc$i: $(cat "$T/body")"
        a=$(ip_of "cyc$i")
        case " $kept " in *" $a "*) fail "cycle $i got $a, which a running container has ($kept)" ;; esac
        api DELETE "/containers/cyc$i?force=1" >/dev/null
        assert_eq "$(st)" 204 "remove cyc$i"
        i=$((i + 1))
done

# A container left running and one stopped, then kill -9 of the daemon.
create_net_container victim "{HostConfig: {NetworkMode: \"n$$\", PortBindings: {\"80/tcp\": [{HostIp: \"127.0.0.1\"}]}}}" \
        sh -c "echo survivor-$$ > /i && exec httpd -f -p 80 -h /" >/dev/null
api POST /containers/victim/start >/dev/null
victim_ip=$(ip_of victim)
port=$(api GET /containers/victim/json | jq -r '.NetworkSettings.Ports["80/tcp"][0].HostPort')
wait_for "the published port" 5 curl -sf "http://127.0.0.1:$port/i"
kept="$kept $victim_ip"
kill -9 "$CTRD_PID"
wait "$CTRD_PID" 2>/dev/null || true
# What a crash would orphan: a veth named as ours on the bridge, and a netns file.
orph=$(printf 've%012x' $$)
ip link add "$orph" type veth peer name "vp$$"
ip link set "$orph" master "$BR_USER"
: > "$RUN/netns/0000000000000000000000000000000000000000000000000000000000000000"
start_ctrd_net
for c in keep1 keep2 keep3 fixed victim; do
        assert_eq "$(state $c)" running "$c after the restart"
done
assert_eq "$(ip_of victim)" "$victim_ip" "victim's address after the restart"
# The port proxy is back, on the port picked before the crash.
assert_eq "$(api GET /containers/victim/json | jq -r '.NetworkSettings.Ports["80/tcp"][0].HostPort')" "$port"
assert_eq "$(curl -s "http://127.0.0.1:$port/i")" "survivor-$$" "published port after the restart"
ip link show "$orph" >/dev/null 2>&1 && fail "the orphaned veth survived the restart"
[ -e "$RUN/netns/0000000000000000000000000000000000000000000000000000000000000000" ] &&
        fail "the orphaned netns file survived the restart"
create_net_container after "$NET" sleep 300 >/dev/null
api POST /containers/after/start >/dev/null
a=$(ip_of after)
case " $kept " in *" $a "*) fail "after the restart a duplicate: $a ($kept)" ;; esac

# Removal of everything leaves no veth, netns file or bridge.
for c in keep1 keep2 keep3 fixed victim after; do
        api DELETE "/containers/$c?force=1" >/dev/null
        assert_eq "$(st)" 204 "remove $c"
done
assert_eq "$(ip -o link show master "$BR_USER" | wc -l)" 0 "veths left"
assert_eq "$(ls "$RUN/netns" | wc -l)" 0 "netns files left"
api DELETE "/networks/n$$" >/dev/null
assert_eq "$(st)" 204 "network rm"
echo "PASS: $TEST_NAME"
