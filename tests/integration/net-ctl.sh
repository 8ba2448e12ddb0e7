#!/bin/sh
# ctrctl's network verbs and run flags: network create/ls/inspect/connect/
# disconnect/rm/prune, run --network --network-alias --ip -p -P --dns
# --add-host, and port; a UDP port through the proxy; connect and disconnect
# of stopped and running containers.
. "$CTRD_SRCDIR/tests/integration/lib.sh"
need_root
need_cmd jq
need_cmd curl
need_cmd python3
. "$CTRD_SRCDIR/tests/integration/net-lib.sh"
start_ctrd_net
import_busybox

net="n$$"
id=$(ctl network create --subnet "$SUBNET2" --gateway "10.$NET_A.$((NET_B + 1)).254" \
        -o "com.docker.network.bridge.name=$BR_USER" --label purpose=test "$net")
[ ${#id} = 64 ] || fail "network create printed '$id'"
assert_contains "$(ctl network ls)" "$net"
assert_eq "$(ctl network ls -q | wc -l)" 4 "network ls -q"
info=$(ctl network inspect "$net")
assert_eq "$(echo "$info" | jq -r '.[0].IPAM.Config[0].Gateway')" "10.$NET_A.$((NET_B + 1)).254"
assert_eq "$(echo "$info" | jq -r '.[0].Labels.purpose')" test
ctl network create "$net" 2>"$T/err" && fail "a second network with the same name"
assert_contains "$(cat "$T/err")" "already exists"

want="10.$NET_A.$((NET_B + 1)).77"
ctl run -d --name srv --network "$net" --network-alias api --ip "$want" -p 127.0.0.1::80 \
        --add-host "extra.example:10.1.2.3" --dns 10.9.9.9 busybox \
        sh -c "mkdir -p /www && echo via-ctl-$$ > /www/index.html && exec httpd -f -p 80 -h /www" >/dev/null ||
        fail "run srv"
assert_eq "$(api GET /containers/srv/json | jq -r ".NetworkSettings.Networks[\"$net\"].IPAddress")" "$want"
mapping=$(ctl port srv)
assert_contains "$mapping" "80/tcp -> 127.0.0.1:"
port=${mapping##*:}
wait_for "the published port" 5 curl -sf "http://127.0.0.1:$port/"
assert_eq "$(curl -s "http://127.0.0.1:$port/")" "via-ctl-$$"
assert_eq "$(ctl port srv 80)" "127.0.0.1:$port"

out=$(ctl run --rm --network "$net" busybox sh -c \
        'wget -qO- http://api/; grep extra.example /etc/hosts; grep nameserver /etc/resolv.conf' 2>&1) ||
        fail "client run: $out"
assert_contains "$out" "via-ctl-$$"
srv_out=$(ctl run --rm --network "$net" --add-host "extra.example:10.1.2.3" --dns 10.9.9.9 busybox \
        sh -c 'grep extra.example /etc/hosts; grep nameserver /etc/resolv.conf')
assert_contains "$srv_out" "10.1.2.3"
assert_contains "$srv_out" "nameserver 10.9.9.9"

# UDP: a static echo server in the container, a datagram from the host through the proxy.
echo_bin="$CTRD_BUILDDIR/tests/helpers/net-udp-echo"
[ -x "$echo_bin" ] || fail "$echo_bin is missing (make check builds it)"
ctl run -d --name udp -v "$echo_bin:/udp-echo:ro" -p 127.0.0.1::5353/udp busybox /udp-echo 5353 >/dev/null ||
        fail "run udp"
mapping=$(ctl port udp 5353/udp)
uport=${mapping##*:}
assert_eq "$(api GET /containers/json | jq -r '.[] | select(.Names[0] == "/udp") | .Ports[0].Type')" udp
reply=$(python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
for _ in range(10):
    s.sendto(b"ping-" + sys.argv[2].encode(), ("127.0.0.1", int(sys.argv[1])))
    try:
        print(s.recv(100).decode()); break
    except socket.timeout:
        pass
' "$uport" "$$")
assert_eq "$reply" "echo:ping-$$" "UDP through the proxy"
ctl rm -f udp >/dev/null

# -P publishes every exposed port; connect/disconnect work on a stopped container.
ctl create --name allp -P -p 8080 --network "$net" busybox sleep 300 >/dev/null
ctl start allp >/dev/null
assert_contains "$(ctl port allp)" "8080/tcp -> 0.0.0.0:"
ctl rm -f allp >/dev/null
ctl create --name late busybox true >/dev/null
ctl network connect --alias later "$net" late || fail "network connect"
assert_eq "$(api GET /containers/late/json | jq -r ".NetworkSettings.Networks[\"$net\"].Aliases[0]")" later
ctl network disconnect "$net" late || fail "network disconnect"
assert_eq "$(api GET /containers/late/json | jq -r ".NetworkSettings.Networks[\"$net\"]")" null
ctl rm late >/dev/null

# A running container connected and disconnected: a second interface, reachable by alias.
ctl run -d --name hot busybox sleep 300 >/dev/null || fail "run hot"
ctl network connect --alias hotalias "$net" hot || fail "connect a running container"
hot_ip=$(api GET /containers/hot/json | jq -r ".NetworkSettings.Networks[\"$net\"].IPAddress")
case "$hot_ip" in "10.$NET_A.$((NET_B + 1))."*) ;; *) fail "hot's address on $net: '$hot_ip'" ;; esac
out=$(ctl run --rm --network "$net" busybox ping -c1 -W2 hotalias 2>&1) || fail "ping hotalias: $out"
ctl network connect "$net" hot 2>"$T/err" && fail "connected twice"
assert_contains "$(cat "$T/err")" "already exists"
ctl network disconnect "$net" hot || fail "disconnect a running container"
assert_eq "$(api GET /containers/hot/json | jq -r ".NetworkSettings.Networks[\"$net\"]")" null
assert_eq "$(ip -o link show master "$BR_USER" | grep -c .)" 1 "only srv's veth is left on $BR_USER"
ctl rm -f hot >/dev/null

ctl network rm "$net" 2>"$T/err" && fail "removed a network in use"
assert_contains "$(cat "$T/err")" "active endpoints"
ctl rm -f srv >/dev/null
assert_eq "$(ctl network rm "$net")" "$net"
ctl network create "p$$" --subnet "$SUBNET2" -o "com.docker.network.bridge.name=$BR_USER" >/dev/null
assert_contains "$(ctl network prune -f)" "p$$"
assert_eq "$(ctl network ls -q | wc -l)" 3 "only the predefined networks are left"
echo "PASS: $TEST_NAME"
