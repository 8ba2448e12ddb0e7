#!/bin/sh
# Networking end to end: a user-defined bridge network where containers reach
# each other by name and alias, a published port served to curl on the host,
# --network none (lo only, up), container: mode, masquerade rules, and
# nothing left behind.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
need_cmd curl
. "$CTRD_SRCDIR/tests/integration/net-lib.sh"
start_ctrd_net
import_busybox

# The predefined networks, and a user network on the test's own subnet and bridge.
assert_eq "$(api GET /networks | jq -r '[.[].Name] | sort | join(",")')" "bridge,host,none"
assert_eq "$(api GET /networks/bridge | jq -r '.IPAM.Config[0].Subnet')" "$SUBNET1"
nid=$(api POST /networks/create -H 'Content-Type: application/json' -d "{\"Name\":\"n$$\",
        \"IPAM\":{\"Config\":[{\"Subnet\":\"$SUBNET2\"}]},
        \"Options\":{\"com.docker.network.bridge.name\":\"$BR_USER\"}}" | jq -r .Id)
assert_eq "$(st)" 201 "network create: $(cat "$T/body")"
api POST /networks/create -H 'Content-Type: application/json' -d "{\"Name\":\"n$$\"}" >/dev/null
assert_eq "$(st)" 409 "duplicate network name"

# A web server with an alias, and a client that finds it by name and by alias.
web='{HostConfig: {NetworkMode: "n'$$'"}, NetworkingConfig: {EndpointsConfig: {"n'$$'": {Aliases: ["www"]}}}}'
create_net_container web "$web" sh -c "mkdir -p /www && echo hello-$$ > /www/index.html && exec httpd -f -p 80 -h /www" >/dev/null
api POST /containers/web/start >/dev/null
assert_eq "$(st)" 204 "start web: $(cat "$T/body")"
ip link show "$BR_USER" >/dev/null 2>&1 || fail "bridge $BR_USER was not created"
assert_contains "$(nft list table ip "ctrd-$BR_USER")" "ip saddr $SUBNET2 oifname != \"$BR_USER\" masquerade"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 1 "ip_forward with a bridge network in use"
web_ip=$(api GET /containers/web/json | jq -r ".NetworkSettings.Networks[\"n$$\"].IPAddress")
case "$web_ip" in "10.$NET_A.$((NET_B + 1))."*) ;; *) fail "web's address '$web_ip' is not in $SUBNET2" ;; esac
assert_eq "$(api GET /containers/web/json | jq -r .NetworkSettings.IPAddress)" "$web_ip"
assert_eq "$(api GET /containers/web/json | jq -r ".NetworkSettings.Networks[\"n$$\"].NetworkID")" "$nid"
assert_eq "$(api GET "/networks/n$$" | jq -r '.Containers | length')" 1

create_net_container client '{HostConfig: {NetworkMode: "n'$$'"}}' \
        sh -c 'ping -c1 -W3 web && wget -qO- http://web/ && wget -qO- http://www/ && ip route' >/dev/null
api POST /containers/client/start >/dev/null
assert_eq "$(st)" 204 "start client: $(cat "$T/body")"
code=$(api POST /containers/client/wait | jq -r .StatusCode)
out=$(plain_logs client)
assert_eq "$code" 0 "client exit status (output: $out)"
assert_contains "$out" "1 packets received"
assert_contains "$out" "hello-$$"
assert_contains "$out" "default via 10.$NET_A.$((NET_B + 1)).1"

# Entries are kept current: web's /etc/hosts gains a peer that starts later, and loses it.
web_id=$(api GET /containers/web/json | jq -r .Id)
create_net_container peer '{HostConfig: {NetworkMode: "n'$$'"}}' sleep 300 >/dev/null
api POST /containers/peer/start >/dev/null
peer_ip=$(api GET /containers/peer/json | jq -r ".NetworkSettings.Networks[\"n$$\"].IPAddress")
assert_contains "$(cat "$DATA/containers/$web_id/hosts")" "$peer_ip	peer"
api DELETE /containers/peer?force=1 >/dev/null
case "$(cat "$DATA/containers/$web_id/hosts")" in *"	peer"*) fail "peer still in web's hosts" ;; esac

# A published port on the default bridge, a free host port picked by ctrd.
pub='{HostConfig: {PortBindings: {"80/tcp": [{HostIp: "127.0.0.1", HostPort: ""}]}}, ExposedPorts: {"80/tcp": {}}}'
create_net_container pub "$pub" sh -c "mkdir -p /www && echo published-$$ > /www/index.html && exec httpd -f -p 80 -h /www" >/dev/null
api POST /containers/pub/start >/dev/null
assert_eq "$(st)" 204 "start pub: $(cat "$T/body")"
port=$(api GET /containers/pub/json | jq -r '.NetworkSettings.Ports["80/tcp"][0].HostPort')
[ "$port" -gt 0 ] 2>/dev/null || fail "no host port in inspect: $(cat "$T/body")"
assert_eq "$(api GET /containers/json | jq -r '.[] | select(.Names[0] == "/pub") | .Ports[0].PublicPort')" "$port"
wait_for "the published port" 5 curl -sf "http://127.0.0.1:$port/"
assert_eq "$(curl -s "http://127.0.0.1:$port/")" "published-$$"
api POST /containers/pub/stop?t=1 >/dev/null
curl -s --max-time 2 "http://127.0.0.1:$port/" >/dev/null && fail "port $port still served after stop"

# --network none: lo only, and up.
create_net_container lonely '{HostConfig: {NetworkMode: "none"}}' \
        sh -c 'cat /proc/net/dev; ping -c1 -W2 127.0.0.1' >/dev/null
api POST /containers/lonely/start >/dev/null
assert_eq "$(api POST /containers/lonely/wait | jq -r .StatusCode)" 0 "none: $(plain_logs lonely)"
out=$(plain_logs lonely)
assert_contains "$out" "lo:"
case "$out" in *eth0*) fail "--network none has eth0: $out" ;; esac

# container:web shares web's interface and address.
create_net_container shared '{HostConfig: {NetworkMode: "container:web"}}' ip -4 addr show eth0 >/dev/null
api POST /containers/shared/start >/dev/null
assert_eq "$(api POST /containers/shared/wait | jq -r .StatusCode)" 0 "container: mode"
assert_contains "$(plain_logs shared)" "inet $web_ip/24"

# Removal leaves nothing: no veth on either bridge, no netns file, the network goes.
for c in web client pub lonely shared; do
        api DELETE "/containers/$c?force=1" >/dev/null
        assert_eq "$(st)" 204 "remove $c"
done
assert_eq "$(ip -o link show master "$BR_USER" | wc -l)" 0 "veths left on $BR_USER"
assert_eq "$(ip -o link show master "$BR_DEFAULT" 2>/dev/null | wc -l)" 0 "veths left on $BR_DEFAULT"
assert_eq "$(ls "$RUN/netns" | wc -l)" 0 "netns files left"
create_net_container stale '{HostConfig: {NetworkMode: "n'$$'"}}' true >/dev/null
api DELETE "/networks/n$$" >/dev/null
assert_eq "$(st)" 204 "network rm"
# A stopped container of a removed network cannot start without it.
assert_contains "$(api POST /containers/stale/start)" "network n$$ not found"
api DELETE /containers/stale >/dev/null
ip link show "$BR_USER" >/dev/null 2>&1 && fail "bridge $BR_USER is still there"
nft list table ip "ctrd-$BR_USER" >/dev/null 2>&1 && fail "nftables table ctrd-$BR_USER is still there"
api DELETE /networks/bridge >/dev/null
assert_eq "$(st)" 403 "removing the predefined bridge network"
echo "PASS: $TEST_NAME"
